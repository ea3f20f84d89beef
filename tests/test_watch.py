"""The watcher on a real exchange: students fetch and submit with nbgrader's
own commands and fetch their feedback within a minute; a second submission
inside the window waits and its page says when it will be graded; a hostile
notebook is contained; the watcher killed mid-grading loses nothing and
regrades nothing when it starts again; Ctrl-C stops it cleanly."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env
from grader_tests import exchange_inbox
from grader_tests.watch import read_status
from hub import CHAPTER, Student, make_hub, page_score, partial_points, partly_done, points

TOTAL = points()

GAP = 600  # seconds between two gradings of one student's chapter: the tests open the window themselves
WATCH = ["--interval", "1", "--min-gap", str(GAP), "--timeout", "8", "--memory-mb", "1024",
         "--cpu-seconds", "30"]
# On a hub where every student is the same account (here, the test's), nbgrader's owner check is off.
SAME_ACCOUNT = "c.ExchangeCollect.check_owner = False\n"

SNOOP = '''
import glob, os
found = {"others": glob.glob("/**/submitted/*/*", recursive=True)[:5],
         "environ": [k for k in os.environ if "DB" in k or "SECRET" in k]}
print(found)
'''


def hostile(chapter: str):
    nb = sim.correct(chapter)
    nb.cells.append(sim.new_code_cell(SNOOP))
    nb.cells.append(sim.new_code_cell("while True:\n    pass"))  # and it never ends
    return nb


class Watcher:
    def __init__(self, course: Path, log: Path, extra: list[str] = ()):
        self.course, self.log, self.extra = course, log, list(extra)

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "grader_tests.watch", CHAPTER, *WATCH, *self.extra],
                                        cwd=self.course, env=nbgrader_env(), stdout=open(self.log, "a"),
                                        stderr=subprocess.STDOUT)

    def status(self) -> dict:
        return read_status(self.course)

    def wait_for(self, condition, timeout: float = 150) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            if condition(status := self.status()):
                return status
            time.sleep(0.3)
        raise AssertionError(f"timed out; status {self.status()}\n{self.log.read_text()[-3000:]}")

    def open_window(self, student: str) -> None:
        """As if the student's last grading had started GAP seconds ago."""
        with sqlite3.connect(self.course / "watch_queue.db") as db:
            db.execute("update course_watch_slots set last_started = ? where student = ?",
                       (time.time() - GAP - 1, student))

    def arrivals(self) -> dict[str, tuple[str, str]]:
        """Every submission the queue knows: name -> (state, student)."""
        with sqlite3.connect(self.course / "watch_queue.db") as db:
            return {name: (state, student) for name, state, student in
                    db.execute("select name, state, student from course_watch_arrivals")}


def convertions(course: Path, student: str) -> int:
    """How many times nbgrader executed this student's notebook, from grading.log."""
    return (course / "grading.log").read_text().count(f"Converting notebook {course}/submitted/{student}/")


def processes_in(folder: Path) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/cwd").startswith(str(folder)):
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
        except OSError:
            pass  # gone, or not ours to read
    return found


def assert_nothing_left_running(course: Path) -> None:
    """The killed watcher's grade_class, workers and kernels died with it."""
    end = time.monotonic() + 10
    while (left := processes_in(course)) and time.monotonic() < end:
        time.sleep(0.2)
    assert left == []


def test_a_submission_counts_once_nbgrader_has_finished_writing_it(tmp_path):
    folder = tmp_path / f"alice+{CHAPTER}+2026-11-30 10:00:00.000000 UTC+abc"
    folder.mkdir()
    (folder / f"{CHAPTER}.ipynb").write_text("{}")
    (tmp_path / f"bob+{CHAPTER}+not a time+abc").mkdir()
    chapters = frozenset({CHAPTER})
    assert exchange_inbox.arrivals(tmp_path, chapters, check_owner=False) == ([], 1)  # still being copied
    (folder / exchange_inbox.LAST_WRITTEN).write_text("secret")
    assert exchange_inbox.arrivals(tmp_path, chapters, check_owner=False)[0] == []  # just written
    time.sleep(exchange_inbox.SETTLE_SECONDS + 0.1)
    found, ignored = exchange_inbox.arrivals(tmp_path, chapters, check_owner=False)
    assert [(a.student, a.chapter) for a in found] == [("alice", CHAPTER)] and ignored == 1
    # Made by another account in alice's name (here, anyone but root's own name): left alone.
    assert exchange_inbox.arrivals(tmp_path, chapters, check_owner=True)[0] == []


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("watch")
    course, exchange = make_hub(tmp, SAME_ACCOUNT)
    students = {name: Student(name, tmp / "home", exchange) for name in ("alice", "bob", "mallory", "dave", "erin")}
    watcher = Watcher(course, tmp / "watch.log")
    watcher.start()
    for name, work in (("alice", sim.correct), ("bob", sim.untouched), ("mallory", hostile), ("dave", partly_done)):
        students[name].fetch_work_and_submit([work])
    watcher.wait_for(lambda s: s.get("graded", 0) >= 4 and not s.get("grading"))
    yield course, students, watcher
    if watcher.process.poll() is None:
        watcher.process.kill()


def test_every_student_fetches_the_right_feedback(hub):
    # How fast: benchmarks/watch_latency.py.
    course, students, _ = hub
    expected = {"alice": TOTAL, "bob": 0.0, "dave": partial_points()}
    for name, score in expected.items():
        students[name].nbgrader("fetch_feedback")
        page, = students[name].feedback_pages().values()
        assert page_score(page) == (score, TOTAL), name


def test_the_hostile_submission_is_contained(hub):
    course, students, _ = hub
    students["mallory"].nbgrader("fetch_feedback")
    page, = students["mallory"].feedback_pages().values()
    text = page.read_text()
    assert "/submitted/alice" not in text and "/submitted/bob" not in text  # saw no classmate
    assert page_score(page)[0] == TOTAL  # its functions are right; the endless cell was stopped


def test_the_page_says_when_the_next_submission_is_graded(hub):
    _, students, _ = hub
    page, = students["alice"].feedback_pages().values()
    assert "Your next submission of 01_nonlinearity will be graded from" in page.read_text()


def test_a_resubmission_inside_the_window_waits_for_it(hub):
    course, students, watcher = hub
    students["dave"].work_and_submit([sim.correct])
    status = watcher.wait_for(lambda s: s.get("waiting"))
    assert [w["student"] for w in status["waiting"]] == ["dave"]
    time.sleep(3)  # several cycles: still not graded
    assert convertions(course, "dave") == 1
    # The window opens (its start moved back by the test, not waited for): the newest submission is graded, once.
    watcher.open_window("dave")
    watcher.wait_for(lambda s: not s.get("waiting") and not s.get("grading") and s.get("graded") >= 5)
    assert convertions(course, "dave") == 2
    students["dave"].nbgrader("fetch_feedback")
    assert sorted(page_score(p)[0] for p in students["dave"].feedback_pages().values()) == \
        [partial_points(), TOTAL]


def test_killed_mid_grading_it_loses_nothing_and_regrades_nothing(hub):
    course, students, watcher = hub
    students["erin"].fetch_work_and_submit([sim.correct])
    watcher.wait_for(lambda s: "erin/01_nonlinearity" in s.get("grading", []))
    time.sleep(1.5)  # inside grade_class
    watcher.process.kill()
    watcher.process.wait()
    assert_nothing_left_running(course)
    before = {name: convertions(course, name) for name in ("alice", "bob", "mallory", "dave")}
    assert [state for state, student in watcher.arrivals().values() if student == "erin"] == ["queued"]
    watcher.start()
    watcher.wait_for(lambda s: s.get("graded", 0) >= 6 and not s.get("grading"))
    assert {name: convertions(course, name) for name in before} == before
    assert sorted(state for state, _ in watcher.arrivals().values()) == ["graded"] * 6
    students["erin"].nbgrader("fetch_feedback")
    page, = students["erin"].feedback_pages().values()
    assert page_score(page) == (TOTAL, TOTAL)


def test_ctrl_c_stops_it_cleanly(hub):
    course, _, watcher = hub
    watcher.process.send_signal(signal.SIGINT)
    assert watcher.process.wait(timeout=30) == 0
    assert watcher.status()["state"] == "stopped"
    assert not os.path.exists(course / "watch_status.json.tmp")
