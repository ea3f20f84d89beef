"""Grade submissions as they arrive in nbgrader's exchange, and release their
feedback, within a minute of submitting.

    python -m grader_tests.watch [CHAPTER ...] [--interval S] [--min-gap S] [--batch N]
                                 [--once] [--timeout S] [--jobs N] [--memory-mb MB] [--cpu-seconds S]

Run it from the course root, with the exchange configured as for nbgrader
(``c.Exchange.root``, ``c.CourseDirectory.course_id``). Every ``--interval``
seconds it reads the names in the exchange's inbound folder
(``grader_tests.exchange_inbox``), queues what is new
(``grader_tests.watch_queue``), and for the students whose window is open
runs, per chapter, nbgrader's ``collect --update``, ``grade_class`` for
those students (the same sandboxed, trusted pipeline) and nbgrader's
``release_feedback``: the student fetches the page with ``nbgrader
fetch_feedback`` or the Assignments tab. The page says when their next
submission of that chapter will be graded: one student's chapter is graded
at most once per ``--min-gap`` seconds, so hidden tests cannot be probed by
resubmitting; later submissions wait, and the newest is graded when the
window opens.

Everything it knows is on disk (the queue, grading_state.json), so after a
restart or a crash it goes on where it stopped: nothing graded is graded
again, and what arrived meanwhile is queued. The first Ctrl-C (or SIGTERM)
finishes the grading under way and stops; a second one abandons it, and the
next start grades it. Its status (queue, waiting students, grading, last
grades, errors) is printed and written to watch_status.json.

With a PostgreSQL gradebook, watchers on several machines (each with its own
course folder, all with the same exchange and database) share the queue:
each locks what it grades (``FOR UPDATE SKIP LOCKED``), so nothing is graded
twice, and what a watcher that died held is taken by another.
"""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from dlcourse.release import chapters as solution_chapters, nbgrader_env
from grader_tests import exchange_inbox, gradebook, report
from grader_tests.child_processes import die_with_parent
from grader_tests.feedback import FEEDBACK_NOTE_VAR
from grader_tests.watch_queue import Queue, queue_url

STATUS_FILE = "watch_status.json"
LOCK_FILE = "watch.lock"


class Abandoned(Exception):
    """The second Ctrl-C: the grading under way is dropped and queued again."""


class Stopper:
    """SIGINT and SIGTERM: the first asks to stop after the current grading, the second abandons it."""

    def __init__(self):
        self.asked = 0
        self.child: subprocess.Popen | None = None
        signal.signal(signal.SIGINT, self._ask)
        signal.signal(signal.SIGTERM, self._ask)

    def _ask(self, signum, frame) -> None:
        self.asked += 1
        if self.asked == 1:
            print("stopping after the grading under way (Ctrl-C again to abandon it)", flush=True)
            return
        if self.child and self.child.poll() is None:
            os.killpg(self.child.pid, signal.SIGKILL)
        raise Abandoned()

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.asked and time.monotonic() < end:
            time.sleep(min(0.2, end - time.monotonic()))


def _utc(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


class Watcher:
    def __init__(self, course: Path, args: argparse.Namespace, stopper: Stopper):
        self.course, self.args, self.stopper = course, args, stopper
        app = gradebook.course_app()
        self.inbound = exchange_inbox.inbound_folder(app)
        self.check_owner = exchange_inbox.checks_owner(app)
        self.chapters = frozenset(args.chapters or solution_chapters(course))
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.queue = Queue(queue_url(course, app.coursedir.db_url), app.coursedir.course_id, self.name)
        self.recent: deque = deque(maxlen=20)
        self.errors: deque = deque(maxlen=20)
        self.ignored = 0
        self.grading: list[str] = []
        self.last_line = ""

    # --- one cycle ---------------------------------------------------------
    def cycle(self) -> int:
        """Queue what arrived, grade what may be graded; how many were graded."""
        found, self.ignored = exchange_inbox.arrivals(self.inbound, self.chapters, self.check_owner)
        self.queue.add(found)
        with self.queue.claim(self.args.batch, self.args.min_gap) as batch:
            for chapter, students in batch.by_chapter().items():
                self.grading = [f"{s}/{chapter}" for s in students]
                self.status()
                for student, submitted in self.grade(chapter, students).items():
                    batch.graded[student, chapter] = submitted
            self.grading = []
            return len(batch.graded)

    def run(self, *command: str, env: dict | None = None) -> bool:
        """A step in its own session, out of reach of the terminal's Ctrl-C
        (the first one lets it finish); False, with the error kept, if it failed."""
        process = subprocess.Popen([sys.executable, "-m", *command], cwd=self.course, env=env or nbgrader_env(),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   errors="replace", start_new_session=True, preexec_fn=die_with_parent)
        self.stopper.child = process
        output, _ = process.communicate()
        self.stopper.child = None
        if process.returncode not in (0, 1):  # grade_class's 1: an LMS download left files out
            self.errors.append(f"{_utc(time.time())} {' '.join(command[:3])}: exit {process.returncode}: "
                               f"{output.strip().splitlines()[-1:] or ''}")
            return False
        return True

    def grade(self, chapter: str, students: list[str]) -> dict[str, str]:
        """Collect, grade and release one chapter's students; each graded
        student -> the submission time graded."""
        if not self.run("nbgrader", "collect", "--update", chapter):
            return {}
        submitted = {}
        for student in students:
            stamp = self.course / "submitted" / student / chapter / "timestamp.txt"
            if stamp.is_file():
                submitted[student] = stamp.read_text().strip()
        if not submitted:
            return {}
        next_at = _utc(time.time() + self.args.min_gap)
        env = {**nbgrader_env(), FEEDBACK_NOTE_VAR:
               f"Graded automatically on submission. Your next submission of {chapter} will be graded "
               f"from {next_at} on; if you submit before then, your newest submission is graded then."}
        limits = [f"--{name}={value}" for name, value in (("timeout", self.args.timeout), ("jobs", self.args.jobs),
                                                           ("memory-mb", self.args.memory_mb),
                                                           ("cpu-seconds", self.args.cpu_seconds)) if value]
        graded = self.run("grader_tests.grade_class", chapter, *limits,
                          *(f"--student={s}" for s in submitted), env=env)
        if not graded or not self.run("nbgrader", "release_feedback", chapter):
            return {}
        scores = report.read_scores(self.course)
        self.recent.extendleft(f"{_utc(time.time())} {s}/{chapter} {scores.get((s, chapter), 'not graded')}"
                               for s in submitted)
        return submitted

    # --- status ------------------------------------------------------------
    def status(self, state: str = "watching") -> None:
        counts = self.queue.counts()
        waiting = self.queue.waiting(self.args.min_gap)
        status = {
            "watcher": self.name, "state": "grading" if self.grading else state, "updated": _utc(time.time()),
            "queued": counts.get("queued", 0), "graded": counts.get("graded", 0),
            "waiting": [{"student": s, "chapter": c, "graded_from": _utc(at)} for s, c, at in waiting],
            "grading": self.grading, "recent": list(self.recent), "errors": list(self.errors),
            "ignored_in_inbound": self.ignored,
        }
        written = self.course / (STATUS_FILE + ".tmp")
        written.write_text(json.dumps(status, indent=1))
        os.replace(written, self.course / STATUS_FILE)
        line = (f"{status['state']}: {status['queued']} queued ({len(waiting)} waiting for their window), "
                f"grading {', '.join(self.grading) or 'nothing'}; {status['graded']} graded"
                + (f"; {len(self.errors)} errors, the last: {self.errors[-1]}" if self.errors else ""))
        if line != self.last_line:  # the terminal gets changes, the file every cycle
            print(f"[{status['updated']}] {line}", flush=True)
            self.last_line = line


def read_status(course: Path) -> dict:
    """watch_status.json of a watcher running in ``course``; empty before its first write."""
    try:
        return json.loads((course / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return {}


def single_watcher_lock(course: Path):
    """A second watcher on one course folder would grade the same students: refuse it."""
    handle = open(course / LOCK_FILE, "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"another watcher runs in {course} (it holds {LOCK_FILE})") from None
    return handle


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="default: every chapter in solutions/")
    parser.add_argument("--interval", type=float, default=5, help="seconds between two looks at the exchange")
    parser.add_argument("--min-gap", type=float, default=600,
                        help="seconds between two gradings of one student's chapter (default: 10 minutes)")
    parser.add_argument("--batch", type=int, default=32, help="students graded together at most")
    parser.add_argument("--once", action="store_true", help="grade what can be graded now, then stop")
    parser.add_argument("--timeout", type=int, help="seconds per cell (grade_class's)")
    parser.add_argument("--jobs", type=int, help="grading processes (grade_class's)")
    parser.add_argument("--memory-mb", type=int, help="per sandbox (grade_class's)")
    parser.add_argument("--cpu-seconds", type=int, help="per process (grade_class's)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    course = Path.cwd().resolve()
    unknown = sorted(set(args.chapters) - set(solution_chapters(course)))
    if unknown:
        print(f"unknown chapter {', '.join(unknown)}", file=sys.stderr)
        return 2
    lock = single_watcher_lock(course)
    stopper = Stopper()
    watcher = Watcher(course, args, stopper)
    if not watcher.inbound.is_dir():
        print(f"no inbound folder at {watcher.inbound}: release a chapter first "
              "(nbgrader release_assignment), and check c.Exchange.root", file=sys.stderr)
        return 2
    watcher.status()
    try:
        while not stopper.asked:
            watcher.cycle()
            watcher.status()
            if args.once:
                break
            stopper.sleep(args.interval)
    except Abandoned:
        print("abandoned the grading under way: it is graded on the next start", flush=True)
    watcher.grading = []
    watcher.status("stopped")
    lock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
