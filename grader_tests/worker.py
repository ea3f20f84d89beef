"""One grading worker: several nbgrader commands in one process.

    python -m grader_tests.worker '[["autograde", ...], ["generate_feedback", ...]]'

Each command is what ``nbgrader`` would run with those arguments, one after
the other, as nbgrader's own test suite runs its apps (``reset`` between
them). grade_class starts one worker per share of the class instead of one
process per step: importing nbgrader, nbconvert and the grader costs about
3 s of CPU per process. A command that fails (nbgrader exits 1 when a
submission failed) does not stop the next; the worker exits with the worst
status.
"""
from __future__ import annotations

import json
import sys

from jupyter_core.application import NoStart
from nbgrader.apps import NbGraderApp


def run(args: list[str]) -> int:
    app = NbGraderApp.instance()
    try:
        app.initialize(args)
        app.start()
        return 0
    except NoStart:  # how a Jupyter app says its subcommand has run
        return 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    finally:
        app.reset()


def main() -> int:
    return max((run(args) for args in json.loads(sys.argv[1])), default=0)


if __name__ == "__main__":
    sys.exit(main())
