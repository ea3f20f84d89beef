"""An instructor's term with grade_class, through the real command: a chapter
that was never put into the gradebook, a failure retried once fixed, one
student regraded on purpose, a due date changed, a grade written by stock
nbgrader, a changed grader, a forced chapter, and a log where a real error
stands out."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env
from test_grade_class import CHAPTER, LIMITS, TOTAL, report_line, scores

ROOT = Path(__file__).resolve().parent.parent
# nbgrader's late penalty that is easiest to see: a late submission scores 0.
LATE_PENALTY = '\nc.LateSubmissionPlugin.penalty_method = "zero"\n'
ON_TIME, LATE, DUE = "2026-01-10 12:00:00.000000 UTC", "2026-01-20 12:00:00.000000 UTC", "2026-01-15 00:00:00 UTC"


def run(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, *args],
                          cwd=course, env=nbgrader_env(), capture_output=True, text=True)


def grade(course: Path, *args: str) -> str:
    done = run(course, *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def submit(course: Path, student: str, nb=None, text: str | None = None, stamp: str | None = None) -> None:
    folder = course / "submitted" / student / CHAPTER
    shutil.rmtree(folder, ignore_errors=True)
    sim.submit_file(course, student, CHAPTER, nb=nb, text=text)
    if stamp:  # what nbgrader's collect writes next to a submission
        (folder / "timestamp.txt").write_text(stamp)


def hidden_test_cells() -> int:
    """Test cells with a hidden part: nbgrader restores each one in every graded notebook."""
    solution = nbformat.read(ROOT / "solutions" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    return sum("BEGIN HIDDEN TESTS" in cell.source for cell in solution.cells
               if cell.metadata.get("nbgrader", {}).get("grade"))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """A course whose chapter was released but never generated into the gradebook."""
    course = tmp_path_factory.mktemp("term")
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text() + LATE_PENALTY)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    submit(course, "alice", nb=sim.correct(CHAPTER), stamp=ON_TIME)
    submit(course, "bob", text='{"cells": [')
    submit(course, "carol", nb=sim.correct(CHAPTER), stamp=LATE)
    return course, grade(course, CHAPTER)


def test_a_chapter_missing_from_the_gradebook_is_added_before_grading(term):
    course, first = term
    assert f"adding {CHAPTER} to the gradebook" in first
    assert scores(course)["alice"] == scores(course)["carol"] == TOTAL
    assert not (course / "exercises").exists()  # the student notebooks went to a scratch folder


def test_a_failed_submission_shows_no_score_and_where_the_log_says_why(term):
    course, _ = term
    assert "| bob | not graded |" in (course / "grading_report.md").read_text()
    line = report_line(course, "bob")
    assert "corrupt notebook" in line and "the next run tries again" in line
    first, last = map(int, re.search(r"grading\.log lines (\d+)-(\d+)", line).groups())
    logged = (course / "grading.log").read_text().splitlines()[first - 1:last]
    assert f"/submitted/bob/{CHAPTER}" in logged[0] and "ERROR" in logged[0]
    assert any("NotJSONError" in text for text in logged)


def test_the_log_counts_the_expected_warnings_in_one_line(term):
    course, _ = term
    log = (course / "grading.log").read_text()
    assert log.startswith("===== grade_class run, ")
    restored = re.search(r"left out of this log: (\d+) hidden test cells restored", log)
    assert restored and int(restored[1]) == 2 * hidden_test_cells()  # alice's and carol's notebooks
    assert "| WARNING] Attribute 'checksum'" not in log


def test_a_fixed_submission_is_retried_and_graded(term):
    course, _ = term
    submit(course, "bob", nb=sim.correct(CHAPTER), stamp=ON_TIME)
    output = grade(course, CHAPTER)
    assert "3 submissions, 1 to grade (1 failed last time, retried)" in output
    assert scores(course)["bob"] == TOTAL
    assert report_line(course, "bob") == ""
    assert (course / "grading.log").read_text().count("===== grade_class run, ") == 2


def test_one_student_is_regraded_on_request(term):
    course, _ = term
    output = grade(course, CHAPTER, "--student", "alice")
    assert "1 to grade (1 regrade asked for)" in output and "[1/1] alice/" in output


@pytest.mark.parametrize("args, message", [
    (["--student", "nobody"], "no submission from nobody"),
    (["--student", "../x"], "--student"),
    (["00_missing"], "unknown chapter '00_missing'"),
])
def test_a_bad_selection_is_refused(term, args, message):
    course, _ = term
    done = run(course, *args)
    assert done.returncode == 2 and message in done.stderr


def test_a_changed_due_date_reaches_students_already_graded(term):
    course, _ = term
    subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "add", CHAPTER, f"--duedate={DUE}"],
                   cwd=course, env=nbgrader_env(), check=True, capture_output=True)
    output = grade(course, CHAPTER)
    assert "3 to grade (3 the due date changed)" in output
    assert scores(course) == {"alice": TOTAL, "bob": TOTAL, "carol": 0.0}  # carol submitted after it


def test_a_grade_written_by_stock_nbgrader_is_flagged_and_regraded(term):
    course, _ = term
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", CHAPTER, "--force", "--student=alice"],
                   cwd=course, env=nbgrader_env(), check=True, capture_output=True)
    output = grade(course, CHAPTER)
    assert "1 to grade (1 graded by another path)" in output and "[1/1] alice/" in output
    assert "by another path" in report_line(course, "alice") and "regraded by this run" in report_line(course, "alice")
    assert "0 to grade" in grade(course, CHAPTER)


def test_a_changed_grader_regrades_the_chapter(term):
    course, _ = term
    with open(course / "nbgrader_config.py", "a") as config:
        config.write("\n# the instructor changed a setting\n")
    assert "3 to grade (3 the chapter's checks or reference changed)" in grade(course, CHAPTER)


def test_force_regrades_the_chapter(term):
    course, _ = term
    assert "3 to grade (3 regrade asked for)" in grade(course, CHAPTER, "--force")
