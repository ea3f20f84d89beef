"""Two watchers on two machines (two course folders) share one exchange and
one PostgreSQL gradebook; one is killed while grading, and still every
submission is graded exactly once and every student fetches their feedback."""
from __future__ import annotations

import time

import psycopg2
import pytest

import simulated_class as sim
from hub import CHAPTER, Student, make_hub, page_score
from test_postgres_gradebook import postgres_url  # noqa: F401 (the fixture)
from test_watch import SAME_ACCOUNT, TOTAL, Watcher, assert_nothing_left_running, convertions

STUDENTS = [f"s{n}" for n in range(5)]
ONE_AT_A_TIME = ["--batch", "1"]  # one student at a time, so both watchers take part


def queue_states(url: str) -> dict[str, tuple[str, str]]:
    """student -> (state, watcher that graded it), from the shared queue."""
    plain = url.replace("postgresql+psycopg2://", "postgresql://")
    with psycopg2.connect(plain) as db, db.cursor() as cursor:
        cursor.execute("select student, state, coalesce(graded_by, '') from course_watch_arrivals")
        return {student: (state, by) for student, state, by in cursor.fetchall()}


def test_a_killed_watcher_leaves_nothing_ungraded_and_nothing_graded_twice(postgres_url, tmp_path):  # noqa: F811
    shared = f"c.CourseDirectory.db_url = {postgres_url!r}\n" + SAME_ACCOUNT
    first, exchange = make_hub(tmp_path / "a", shared)
    second = sim.course_with_chapters(tmp_path / "b" / "course", CHAPTER,
                                      config=(first / "nbgrader_config.py").read_text())
    students = {name: Student(name, tmp_path / "home", exchange) for name in STUDENTS}
    for student in students.values():
        student.fetch_work_and_submit([sim.correct])
    watchers = [Watcher(course, tmp_path / f"{course.parent.parent.name}.log", extra=ONE_AT_A_TIME)
                for course in (first, second)]
    for watcher in watchers:
        watcher.start()
    doomed, survivor = watchers
    # Killed in its second batch, once it has graded a first.
    doomed.wait_for(lambda s: s.get("recent") and s.get("grading"), timeout=240)
    time.sleep(1.5)  # inside grade_class
    doomed.process.kill()
    doomed.process.wait()
    assert_nothing_left_running(first)

    end = time.monotonic() + 240
    while time.monotonic() < end and any(state != "graded" for state, _ in queue_states(postgres_url).values()):
        assert survivor.process.poll() is None
        time.sleep(1)
    states = queue_states(postgres_url)
    assert sorted(states) == STUDENTS and {state for state, _ in states.values()} == {"graded"}
    assert len({by for _, by in states.values()}) == 2  # both took part
    # Each notebook executed once in all: the killed watcher's grading never counted.
    assert {name: convertions(first, name) + convertions(second, name) for name in STUDENTS} == \
        dict.fromkeys(STUDENTS, 1)
    for student in students.values():
        student.nbgrader("fetch_feedback")
        pages = list(student.feedback_pages().values())
        assert len(pages) == 1 and page_score(pages[0]) == (TOTAL, TOTAL), student.name
    survivor.process.terminate()
    assert survivor.process.wait(timeout=60) == 0


pytestmark = pytest.mark.timeout(600)
