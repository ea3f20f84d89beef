"""One chapter through nbgrader's exchange, the way a class on a JupyterHub
runs it, with nbgrader's own commands: the instructor releases the chapter,
each student fetches it into their own home folder, edits it and submits (one
of them twice), the instructor collects, grades with grade_class and releases
the feedback, and each student fetches their own feedback page."""
from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env
from hub import CHAPTER, COURSE_ID, Student, make_hub, page_score, partial_points, partly_done, run

TOTAL = 26.0  # the points of the chapter's test cells (tests/test_grade_class.py)
LIMITS = ["--timeout", "8", "--memory-mb", "1024", "--cpu-seconds", "30"]

# Each student's notebooks, in the order submitted: dave submits twice, and
# only his later, complete, submission may be graded.
WORK = {
    "alice": [sim.correct],
    "bob": [sim.untouched],
    "carol": [partly_done],
    "dave": [partly_done, sim.correct],
}
EXPECTED = {"alice": TOTAL, "bob": 0.0, "carol": partial_points(), "dave": TOTAL}


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    course, exchange = make_hub(tmp)
    instructor = lambda *args: run(args, course, nbgrader_env())  # noqa: E731
    students = {name: Student(name, tmp / "home", exchange) for name in WORK}
    for name, student in students.items():
        student.fetch_work_and_submit(WORK[name])

    instructor("nbgrader", "collect", CHAPTER)
    instructor("grader_tests.grade_class", CHAPTER, *LIMITS)
    instructor("nbgrader", "release_feedback", CHAPTER)
    for student in students.values():
        student.nbgrader("fetch_feedback")
    return course, exchange, students


def test_partial_work_is_worth_some_points_but_not_all():
    assert 0.0 < EXPECTED["carol"] < TOTAL


@pytest.mark.parametrize("name", list(WORK))
def test_each_student_fetches_their_feedback_with_their_score(term, name):
    _, _, students = term
    pages = students[name].feedback_pages()
    assert len(pages) == 1, pages
    assert page_score(*pages.values()) == (EXPECTED[name], TOTAL)


def test_a_second_submission_is_the_one_graded(term):
    _, _, students = term
    dave = students["dave"]
    first, later = dave.submission_times()
    # fetch_feedback files each page under its submission's time: only the later one has any.
    assert set(dave.feedback_pages()) == {later}
    assert EXPECTED["dave"] != EXPECTED["carol"]  # his first submission was worth less


def test_grades_csv_has_one_row_per_student_with_their_score(term):
    course, _, _ = term
    with open(course / "grades.csv") as file:
        got = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert got == EXPECTED


def test_a_fetched_page_shows_its_math_without_any_file_beside_it(term):
    # release_feedback copies the page alone into the exchange: its math is MathML in the page.
    _, _, students = term
    page, = students["carol"].feedback_pages().values()
    text = page.read_text()
    assert "<script" not in text and text.count("<math") > 10
    assert sorted(p.name for p in page.parent.iterdir()) == [page.name]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_exchange_folders_have_the_modes_the_readme_states(term):
    _, exchange, _ = term
    course = exchange / COURSE_ID
    assert mode(exchange) == 0o1777  # nbgrader checks only the rwx bits: the sticky bit stays
    assert mode(course) == mode(course / "outbound") == 0o755
    assert mode(course / "inbound") == 0o2733  # students write submissions, cannot list them
    assert mode(course / "feedback") == 0o711  # students open their page by its secret name, cannot list
