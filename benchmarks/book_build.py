"""Benchmark the book build (a script, not a test).

    python benchmarks/book_build.py            # from the repository root

Prints the clean build time (no _build/, execution cache included), the
no-change rebuild time, and each page's weight: the HTML (which embeds its
slider frames as inline SVG) raw and gzipped, and how much of it is frames.
The vendored JavaScript is installed first and not timed.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path.cwd()
HTML = ROOT / "_build" / "html"
BUILD = [sys.executable, "-m", "dlcourse.build_book"]


def timed_build(label: str) -> float:
    start = time.monotonic()
    result = subprocess.run(BUILD, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-3000:])
        sys.exit(f"{label} build failed")
    print(f"{label:<24} {elapsed:7.1f} s", flush=True)
    return elapsed


def kb(n: int) -> str:
    return f"{n / 1024:8.1f} KB"


def main() -> int:
    if not (ROOT / "_config.yml").is_file():
        sys.exit("run from the repository root")
    # install the vendored JavaScript once, outside the timings
    from dlcourse import build_book

    build_book.install_vendor()
    if (ROOT / "_build").exists():
        shutil.rmtree(ROOT / "_build")
    print(f"book build on {ROOT}")
    timed_build("clean build")
    timed_build("no-change rebuild")

    print(f"\n{'page':<48} {'raw':>11} {'gzip':>11} {'frames':>7} {'frames gz':>11}")
    total_raw = total_gz = 0
    for page in sorted(HTML.rglob("*.html")):
        rel = page.relative_to(HTML).as_posix()
        if rel.startswith("_"):
            continue
        data = page.read_bytes()
        frames = re.findall(rb'<div class="dlc-frame"[^>]*>.*?</svg></div>', data, re.S)
        frames_bytes = b"".join(frames)
        raw, gz = len(data), len(gzip.compress(data, 9))
        total_raw, total_gz = total_raw + raw, total_gz + gz
        fgz = kb(len(gzip.compress(frames_bytes, 9))) if frames else " " * 11
        print(f"{rel:<48} {kb(raw)} {kb(gz)} {len(frames):7d} {fgz}")
    print(f"{'all pages':<48} {kb(total_raw)} {kb(total_gz)}")
    static = HTML / "_static"
    size = sum(p.stat().st_size for p in static.rglob("*") if p.is_file())
    print(f"{'_static/ (theme, MathJax, widgets; shared)':<48} {kb(size)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
