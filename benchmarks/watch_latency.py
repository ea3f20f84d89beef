"""Feedback latency of the watcher: from a student's ``nbgrader submit``
returning to their feedback being released.

    .venv/bin/python benchmarks/watch_latency.py [--students 50] [--jobs N]

Builds a hub's exchange in a scratch folder as tests/hub.py does (the course
with 01_nonlinearity released, students with home folders of their own; all
of them are this account here, so nbgrader's owner check is off) and starts
the real watcher, ``python -m grader_tests.watch 01_nonlinearity --interval 1
--min-gap 0`` (sandboxed grading with the course's limits; ``--jobs`` is
passed on). Every student submits a correct notebook:

* idle: three students, one after the other, each while the watcher has
  nothing to do;
* burst: ``--students`` students, their notebooks fetched and written
  beforehand, submit at once, ten at a time. Each runs nbgrader's own
  submission code (``ExchangeSubmit``, what ``nbgrader submit`` runs) in a
  thread of this script, as their own servers would on a hub: one
  ``nbgrader submit`` process per student costs seconds of imports, and on a
  small grading machine fifty of them take minutes to land and take the
  cores from the grading. ``--submit-commands`` runs the commands instead.

A submission is fetchable once the watcher's queue records it graded
(``graded_at`` in the course's watch_queue.db, set after nbgrader's
``release_feedback``); its latency is that time minus the moment the
student's submit command returned. The three idle students and a few of the
burst run ``nbgrader fetch_feedback`` to confirm their page is there, with
full marks. Prints the core count and load average first (the numbers depend
on them, and on other work running on the machine), then tables and ratios
from this one run. Not part of the test suite (it takes minutes); no time is
asserted.
"""
from __future__ import annotations

import argparse
import math
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import simulated_class as sim  # noqa: E402
from dlcourse.release import nbgrader_env  # noqa: E402
from hub import CHAPTER, COURSE_ID, Student, make_hub, page_score, points  # noqa: E402
from nbgrader.auth import Authenticator  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from nbgrader.exchange.default.submit import ExchangeSubmit  # noqa: E402
from traitlets.config import Config  # noqa: E402

from grader_tests.watch import read_status  # noqa: E402

# Every student is this one account, so nbgrader's owner check (which the watcher honours) is off.
SAME_ACCOUNT = "c.ExchangeCollect.check_owner = False\n"
IDLE_STUDENTS = 3
SUBMITTERS = 10  # nbgrader submit commands running at once in the burst
QUIET_SECONDS = 3  # a few watcher cycles with nothing to do before a measurement
CONFIRMED_IN_BURST = 3


def machine() -> str:
    one, five, fifteen = os.getloadavg()
    return (f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable); "
            f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class RunningWatcher:
    """The watcher as a subprocess of this script, stopped with Ctrl-C's signal when done."""

    def __init__(self, course: Path, log: Path, jobs: int | None):
        self.course, self.log = course, log
        command = [sys.executable, "-m", "grader_tests.watch", CHAPTER, "--interval", "1", "--min-gap", "0",
                   *(["--jobs", str(jobs)] if jobs else [])]
        print("watcher:", " ".join(command[1:]), flush=True)
        self.process = subprocess.Popen(command, cwd=course, env=nbgrader_env(), stdout=open(log, "w"),
                                         stderr=subprocess.STDOUT)

    def status(self) -> dict:
        return read_status(self.course)

    def alive(self) -> None:
        if self.process.poll() is not None:
            sys.exit(f"the watcher stopped (exit {self.process.returncode}):\n{self.log.read_text()[-3000:]}")

    def wait_idle(self, timeout: float = 600) -> None:
        """Until the watcher has nothing queued or under way, then a few quiet cycles."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.alive()
            status = self.status()
            if status.get("state") == "watching" and not status.get("grading") and not status.get("queued"):
                time.sleep(QUIET_SECONDS)
                return
            time.sleep(0.3)
        sys.exit(f"the watcher did not become idle; status {self.status()}")

    def graded(self, students: list[str], timeout: float) -> dict[str, tuple[float, float]]:
        """Wait until each student's submission is graded: student -> (seen_at, graded_at)."""
        end = time.monotonic() + timeout
        wanted = set(students)
        while time.monotonic() < end:
            self.alive()
            with sqlite3.connect(self.course / "watch_queue.db", timeout=30) as db:
                rows = db.execute("select student, seen_at, graded_at from course_watch_arrivals "
                                  "where state = 'graded'").fetchall()
            found = {student: (seen, graded) for student, seen, graded in rows if student in wanted}
            if len(found) == len(wanted):
                return found
            time.sleep(0.5)
        sys.exit(f"{len(wanted) - len(found)} of {len(wanted)} not graded after {timeout:.0f} s; "
                 f"status {self.status()}\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def prepare(students: list[Student]) -> None:
    """Each student fetches the chapter and writes a correct notebook over it (not timed)."""
    notebook = sim.correct(CHAPTER)

    def fetch_and_write(student: Student) -> None:
        student.nbgrader("fetch_assignment")
        sim.nbformat.write(notebook, student.home / CHAPTER / f"{CHAPTER}.ipynb")

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        list(pool.map(fetch_and_write, students))


def submit(student: Student) -> float:
    """When the student's submit command returned (epoch seconds)."""
    student.nbgrader("submit")
    return time.time()


def submitter(exchange: Path):
    """nbgrader submit's work without its process: the student's chapter folder
    into the exchange and their cache, under their id; returns when it was done."""
    def submit_in_process(student: Student) -> float:
        config = Config()
        config.Exchange.root = str(exchange)
        config.Exchange.assignment_dir = str(student.home)
        config.Exchange.cache = str(student.home / ".local" / "share" / "jupyter" / "nbgrader_cache")
        config.CourseDirectory.course_id = COURSE_ID
        config.CourseDirectory.assignment_id = CHAPTER
        config.CourseDirectory.student_id = student.name
        config.ExchangeSubmit.strict = True  # as the submit command sets it
        ExchangeSubmit(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
                       config=config).start()
        return time.time()
    return submit_in_process


def confirm_page(student: Student, total: float) -> float:
    """Fetch the feedback as the student does; when the page was there (epoch seconds)."""
    student.nbgrader("fetch_feedback")
    fetched = time.time()
    pages = list(student.feedback_pages().values())
    if len(pages) != 1 or page_score(pages[0]) != (total, total):
        sys.exit(f"{student.name}: expected one page with {total:g}/{total:g}, found "
                 f"{[(p.parent.name, page_score(p)) for p in pages]}")
    return fetched


def idle_round(watcher: RunningWatcher, students: list[Student], total: float) -> list[float]:
    print(f"\nidle: {len(students)} students, one at a time\n"
          f"{'student':<10}{'submit cmd':>11}{'seen':>8}{'latency':>9}{'page fetched':>14}", flush=True)
    latencies = []
    for student in students:
        watcher.wait_idle()
        launched = time.time()
        returned = submit(student)
        (seen, graded), = watcher.graded([student.name], timeout=600).values()
        fetched = confirm_page(student, total)
        latencies.append(graded - returned)
        # Times relative to the submit command returning; "seen" may be negative, since the
        # folder is in the exchange before nbgrader's submit command has finished.
        print(f"{student.name:<10}{returned - launched:>10.1f}s{seen - returned:>+7.1f}s"
              f"{graded - returned:>8.1f}s{fetched - returned:>+13.1f}s", flush=True)
    print(f"median latency {statistics.median(latencies):.1f} s", flush=True)
    return latencies


def burst_round(watcher: RunningWatcher, students: list[Student], total: float, submit_one) -> dict:
    watcher.wait_idle()
    how = "nbgrader submit commands" if submit_one is submit else "submissions in threads of this script"
    print(f"\nburst: {len(students)} students submit at once ({SUBMITTERS} {how} at a time)", flush=True)
    launched = time.time()
    with ThreadPoolExecutor(SUBMITTERS) as pool:
        returned = dict(zip((s.name for s in students), pool.map(submit_one, students)))
    print(f"submissions returned {min(returned.values()) - launched:.1f} s to "
          f"{max(returned.values()) - launched:.1f} s after the burst began", flush=True)
    graded = watcher.graded(list(returned), timeout=max(600, 60 * len(students)))
    latency = {name: graded[name][1] - returned[name] for name in returned}
    by_latency = sorted(latency, key=latency.get)
    picked = {by_latency[0], by_latency[len(by_latency) // 2], by_latency[-1]}
    for student in (s for s in students if s.name in picked):
        confirm_page(student, total)
    print(f"confirmed with nbgrader fetch_feedback: {', '.join(sorted(picked))}", flush=True)
    # One grading round records one graded_at for all its students.
    rounds = Counter(g for _, g in graded.values())
    print(f"graded in {len(rounds)} round(s) of {', '.join(str(rounds[g]) for g in sorted(rounds))} students, "
          f"ending {', '.join(f'{g - launched:.0f}' for g in sorted(rounds))} s after the burst began", flush=True)
    values = list(latency.values())
    all_fetchable = max(g for _, g in graded.values()) - launched
    result = {"min": min(values), "median": statistics.median(values), "p90": percentile(values, 0.9),
              "max": max(values), "all": all_fetchable, "per_minute": len(values) / all_fetchable * 60}
    print(f"{'latency':<10}{'min':>8}{'median':>8}{'p90':>8}{'max':>8}\n{'':<10}"
          + "".join(f"{result[k]:>7.1f}s" for k in ("min", "median", "p90", "max")), flush=True)
    print(f"all {len(values)} fetchable {all_fetchable:.1f} s after the burst began: "
          f"{result['per_minute']:.1f} submissions/min", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50, help="students in the burst")
    parser.add_argument("--jobs", type=int, help="grading processes, passed to the watcher (its default: one per core)")
    parser.add_argument("--submit-commands", action="store_true",
                        help="burst with one nbgrader submit process per student")
    args = parser.parse_args()
    print(f"machine: {machine()}", flush=True)
    total = points()
    with tempfile.TemporaryDirectory(prefix="watch-latency-") as scratch:
        scratch = Path(scratch)
        course, exchange = make_hub(scratch, SAME_ACCOUNT)
        early = [Student(f"early{i}", scratch / "home", exchange) for i in range(1, IDLE_STUDENTS + 1)]
        burst = [Student(f"student{i:03d}", scratch / "home", exchange) for i in range(1, args.students + 1)]
        prepare(early + burst)
        watcher = RunningWatcher(course, scratch / "watch.log", args.jobs)
        try:
            idle = idle_round(watcher, early, total)
            crowd = burst_round(watcher, burst, total, submit if args.submit_commands else submitter(exchange))
            errors = watcher.status().get("errors", [])
        finally:
            watcher.stop()
    idle_median = statistics.median(idle)
    print(f"\nratios (this run):\n"
          f"  burst median latency / idle median latency      {crowd['median'] / idle_median:5.2f}\n"
          f"  burst time until all fetchable / idle latency   {crowd['all'] / idle_median:5.2f}\n"
          f"  burst throughput / one-at-a-time throughput     "
          f"{crowd['per_minute'] / (60 / idle_median):5.2f}  "
          f"({crowd['per_minute']:.1f} vs {60 / idle_median:.1f} submissions/min)\n"
          f"machine at the end: {machine()}", flush=True)
    if errors:
        print("watcher errors:", *errors, sep="\n  ")


if __name__ == "__main__":
    main()
