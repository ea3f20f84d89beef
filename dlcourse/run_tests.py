"""The README's test command (``make test``): everything a fresh machine needs,
then the whole suite.

1. the Debian packages the tests use (Chromium for the browser test,
   bubblewrap for the grading sandbox), installed when missing;
2. the book, built as ``make book`` builds it, so the browser test opens
   exactly what students get;
3. pytest over tests/, one worker per core (pytest-xdist; each test file
   stays on one worker, in its order, so its module fixtures are built
   once), with any extra arguments passed through (``-n 0`` runs it in one
   process).
"""
from __future__ import annotations

import os
import sys

import pytest

from dlcourse import build_book, system_packages


def main(argv: list[str]) -> int:
    print("[test] system packages", flush=True)
    system_packages.ensure(["chromium", "bubblewrap"])
    print("[test] building the book", flush=True)
    if build_book.main([]) != 0:
        print("[test] the book did not build; see above", file=sys.stderr)
        return 1
    print("[test] running the test suite", flush=True)
    workers = ["-n", str(len(os.sched_getaffinity(0))), "--dist", "loadfile"]
    return int(pytest.main(["tests", *workers, *argv]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
