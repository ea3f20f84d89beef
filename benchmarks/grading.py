"""Grading throughput: stock serial nbgrader against the course's command.

    .venv/bin/python benchmarks/grading.py [--students 60] [--jobs N]

Builds a simulated class (a third correct, a third partly wrong, a third
untouched stubs) over every chapter in solutions/, puts the same submissions
into two scratch course folders and grades them in the same run:

* stock: one serial ``nbgrader autograde`` with nbgrader's own Execute and
  no sandbox (a plain config naming only the source and release folders);
* course: ``python -m grader_tests.grade_class`` with the course config
  (TrustedExecute, bubblewrap kernel), which also generates feedback and
  exports grades.csv, so its time is the whole instructor command.

Prints submissions per minute for each and their ratio (target >= 1.8x on
2 cores), then the course command's time per notebook against plain nbclient
execution of the same notebooks. Not part of the test suite (it takes
minutes).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from nbclient import NotebookClient  # noqa: E402

import simulated_class as sim  # noqa: E402
from dlcourse.release import chapters as solution_chapters, nbgrader_env  # noqa: E402

STOCK_CONFIG = """c = get_config()
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.Execute.timeout = 60
"""


def partly_wrong(chapter: str):
    """Correct except every other answer, left as the stub."""
    stubs = {c.metadata.nbgrader.grade_id: c.source for c in sim.untouched(chapter).cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    return sim.replace_answers(sim.correct(chapter), dict(list(stubs.items())[::2]))


def build_class(students: int, chapters: list[str]) -> dict[tuple[str, str], object]:
    kinds = (sim.correct, partly_wrong, sim.untouched)
    return {(f"student{i:03d}", chapter): kinds[i % 3](chapter)
            for i in range(students) for chapter in chapters}


def course_folder(into: Path, config: str | None, chapters: list[str], work) -> Path:
    sim.course_with_chapters(into, *chapters, config=config)
    for (student, chapter), nb in work.items():
        sim.submit_file(into, student, chapter, nb=nb)
    return into


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=nbgrader_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def plain_nbclient(work, chapters: list[str], scratch: Path) -> float:
    """Mean seconds to execute each chapter's correct submission with nbclient."""
    times = []
    for chapter in chapters:
        nb = next(nb for (student, ch), nb in work.items() if ch == chapter)
        folder = scratch / f"plain-{chapter}"
        folder.mkdir()
        start = time.perf_counter()
        # Each kernel would otherwise warn, in the middle of the figures, that
        # loopback TCP is not encrypted.
        NotebookClient(nb, timeout=60, kernel_name="python3",
                       extra_arguments=["--IPKernelApp.log_level=ERROR"],
                       resources={"metadata": {"path": str(folder)}}).execute()
        times.append(time.perf_counter() - start)
    return sum(times) / len(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    chapters = solution_chapters(ROOT)
    work = build_class(args.students, chapters)
    n = len(work)
    print(f"{args.students} students x {len(chapters)} chapters ({', '.join(chapters)}) = "
          f"{n} submissions; {args.jobs} jobs", flush=True)
    with tempfile.TemporaryDirectory(prefix="grading-benchmark-") as scratch:
        scratch = Path(scratch)
        stock = course_folder(scratch / "stock", STOCK_CONFIG, chapters, work)
        course = course_folder(scratch / "course", None, chapters, work)

        stock_s = timed([sys.executable, "-m", "nbgrader", "autograde", "--create",
                         "--CourseDirectory.assignment_id=*", "--CourseDirectory.student_id=*",
                         "--log-level=WARN"], stock)
        print(f"stock serial nbgrader autograde: {n} submissions in {stock_s:.1f} s = "
              f"{n / stock_s * 60:.1f} submissions/min", flush=True)
        course_s = timed([sys.executable, "-m", "grader_tests.grade_class", "--jobs",
                          str(args.jobs)], course)
        print(f"course grade_class (sandbox + trusted checks, feedback, export): {n} submissions "
              f"in {course_s:.1f} s = {n / course_s * 60:.1f} submissions/min", flush=True)
        print(f"ratio: {stock_s / course_s:.2f}x stock throughput (target >= 2x)", flush=True)

        per_notebook = course_s * args.jobs / n
        plain = plain_nbclient(work, chapters, scratch)
        print(f"per notebook: course command {per_notebook:.2f} s of a core "
              f"(wall x jobs / submissions) vs plain nbclient {plain:.2f} s "
              f"(correct submission of each chapter, no sandbox, mean)", flush=True)


if __name__ == "__main__":
    main()
