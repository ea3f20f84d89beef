"""The instructor's command on a class full of bad submissions: each gets a
clear outcome in the report, the others are graded, and a second run grades
only what is new."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env

CHAPTER = "01_nonlinearity"
TOTAL = 21.0
ROOT = Path(__file__).resolve().parent.parent
LIMITS = ["--timeout", "8", "--memory-mb", "1024", "--cpu-seconds", "30"]

SNOOP = f'''
import os
attempts = {{
    "solutions": lambda: open({str(ROOT / "solutions" / CHAPTER / (CHAPTER + ".ipynb"))!r}).read(),
    "reference": lambda: __import__("grader_tests.reference", fromlist=["x"]).load_reference({CHAPTER!r}),
    "gradebook": lambda: open(os.path.join("..", "..", "..", "gradebook.db"), "rb").read(),
    "other_student": lambda: open(os.path.join("..", "..", "..", "submitted", "correct", {CHAPTER!r},
                                               {CHAPTER!r} + ".ipynb"), "a").write("x"),
    "config": lambda: open(os.path.join("..", "..", "..", "nbgrader_config.py")).read(),
}}
outcome = {{}}
for name, attempt in attempts.items():
    try:
        attempt()
        outcome[name] = "succeeded"
    except Exception as error:
        outcome[name] = type(error).__name__
open("snoop.txt", "w").write(repr(outcome))
'''


def grade(course: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, *args],
                          cwd=course, env=nbgrader_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def scores(course: Path) -> dict[str, float]:
    with open(course / "grades.csv") as file:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}


def at_end(*sources: str):
    nb = sim.correct(CHAPTER)
    nb.cells += [sim.new_code_cell(s) for s in sources]
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = sim.course_with_chapter(tmp_path_factory.mktemp("class"), CHAPTER)
    submit = lambda student, **kw: sim.submit_file(course, student, CHAPTER, **kw)  # noqa: E731
    submit("correct", nb=sim.correct(CHAPTER))
    submit("stub", nb=sim.untouched(CHAPTER))
    submit("corrupt", text='{"cells": [')
    submit("empty", text="")
    submit("wrong_name", nb=sim.correct(CHAPTER), name="my_homework.ipynb")
    submit("infinite_loop", nb=at_end("while True:\n    pass"))
    submit("ignores_sigint", nb=at_end("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                       "while True:\n    pass"))
    submit("exits", nb=sim.with_cells_after(sim.correct(CHAPTER), "setup", "import os\nos._exit(1)"))
    submit("memory_bomb", nb=at_end("hog = []\nwhile True:\n    hog.append(bytearray(10**8))"))
    submit("snoop", nb=at_end(SNOOP))
    first = grade(course, CHAPTER)
    return course, first


def report_line(course: Path, student: str) -> str:
    report = (course / "grading_report.md").read_text()
    return next((line for line in report.splitlines() if line.startswith(f"- {student} /")), "")


def test_good_work_is_graded_alongside_bad(graded):
    course, _ = graded
    got = scores(course)
    assert got["correct"] == TOTAL and got["stub"] == 0.0
    # Cells before a hang or a memory bomb keep their marks; a kernel that
    # exits right after setup leaves every test failed.
    assert got["infinite_loop"] == got["ignores_sigint"] == got["memory_bomb"] == TOTAL
    assert got["exits"] == 0.0 and got["snoop"] == TOTAL
    assert got["wrong_name"] == 0.0


@pytest.mark.parametrize("student, reason", [
    ("corrupt", "corrupt notebook"),
    ("empty", "empty notebook file"),
    ("wrong_name", "missing notebook"),
    ("infinite_loop", "timeout"),
    ("ignores_sigint", "timeout"),
    ("exits", "kernel died"),
    ("memory_bomb", "memory limit"),
])
def test_each_bad_submission_is_flagged_with_its_reason(graded, student, reason):
    course, _ = graded
    assert reason in report_line(course, student)


def test_good_submissions_are_not_flagged(graded):
    course, _ = graded
    assert report_line(course, "correct") == "" and report_line(course, "stub") == ""


def test_sandbox_hides_solutions_gradebook_config_and_other_students(graded):
    course, _ = graded
    outcome = eval((course / "autograded" / "snoop" / CHAPTER / "snoop.txt").read_text())
    assert "succeeded" not in outcome.values(), outcome
    assert "x" != (course / "submitted" / "correct" / CHAPTER / f"{CHAPTER}.ipynb").read_text()[-1]


def test_progress_shows_one_line_per_submission(graded):
    _, first = graded
    assert "10 submissions, 10 new or changed" in first
    assert f"correct/{CHAPTER} graded" in first and f"corrupt/{CHAPTER} FAILED" in first


def test_second_run_grades_only_new_work_and_keeps_the_rest(graded):
    course, _ = graded
    before = scores(course)
    sim.submit_file(course, "late", CHAPTER, nb=sim.correct(CHAPTER))
    second = grade(course, CHAPTER)
    assert "11 submissions, 1 new or changed" in second
    assert second.count("[1/1] late/") == 1
    assert scores(course) == {**before, "late": TOTAL}
