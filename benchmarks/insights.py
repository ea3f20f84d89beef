"""How long the insight page takes to build for a large class, and how big it is.

    .venv/bin/python benchmarks/insights.py [--students 500] [--chapters 01_nonlinearity ...]

Makes up a graded class (``tests/insights_class.py``: the gradebook, the
recorded verdicts and a graded notebook per submission, with students'
implementations as answers and two copiers per chapter) in a scratch folder,
untimed; then times ``grader_tests.insights.write`` on it twice (the first
run tokenizes every answer, the second finds them in its cache) and prints
the wall and CPU time of each, the page's size raw and gzipped, and the CSV
files'.
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import insights_class  # noqa: E402
from dlcourse.release import chapters as course_chapters  # noqa: E402
from grader_tests import insights  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for: the machine's load
    stretches the wall time, not this."""
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--chapters", nargs="*", default=course_chapters())
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="insights-bench-") as scratch:
        course = Path(scratch) / "course"
        started = time.perf_counter()
        built = insights_class.build(course, args.chapters, args.students)
        print(f"made up {args.students} students (+2 copiers) x {len(args.chapters)} chapters in "
              f"{time.perf_counter() - started:.0f} s (not timed)")
        with insights_class.inside(course):
            for run in (1, 2):
                profile = cProfile.Profile() if args.profile and run == 2 else None
                started, cpu = time.perf_counter(), cpu_seconds()
                if profile:
                    profile.enable()
                page = insights.write(course, args.chapters)
                if profile:
                    profile.disable()
                print(f"run {run} ({'cold' if run == 1 else 'warm: answers already tokenized'}): built "
                      f"insights.html in {time.perf_counter() - started:.2f} s "
                      f"({cpu_seconds() - cpu:.1f} s of CPU, processes it started included)")
        raw = page.read_bytes()
        csv_bytes = sum(p.stat().st_size for p in (course / insights.CSV_FOLDER).glob("*.csv"))
        pairs = sum(1 for line in (course / insights.CSV_FOLDER / "similar_pairs.csv").open()) - 1
        print(f"page: {len(raw) / 1e6:.2f} MB raw, {len(gzip.compress(raw)) / 1e6:.2f} MB gzipped; "
              f"CSV files: {csv_bytes / 1e6:.2f} MB; {pairs} similar pairs listed "
              f"({len(built.copies)} copies made)")
        if args.profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
