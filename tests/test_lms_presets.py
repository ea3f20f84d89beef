"""Downloads from Canvas, Moodle and Blackboard, built the way each LMS names
its files (its late markers, resubmissions, receipts and text entries
included), collected with ``--lms`` and graded; the grades go back in each
LMS's import format with the ids the LMS gave."""
from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env
from grader_tests import lms_zip
from grader_tests.lms_presets import moodle_student_id
from test_grade_class import CHAPTER, LIMITS, TOTAL, report_line, scores

NB = f"{CHAPTER}.ipynb"
STEM = CHAPTER


def owned(owner: str) -> str:
    """Stands in for a notebook where only collection is tested."""
    return f'{{"owner": "{owner}"}}'


def make_zip(path: Path, files: dict[str, object]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, nbformat.writes(content) if hasattr(content, "cells") else content)
    return path


def owner(course: Path, student: str) -> str:
    return (course / "submitted" / student / CHAPTER / NB).read_text()


# Canvas: flat; name_userid_fileid_upload, _LATE_ after the name, -N on a re-upload of one name.
CANVAS = {
    f"doejane_123456_7890123_{NB}": "jane",
    f"obriensmithmaryann_LATE_123457_7890124_{NB}": "mary ann, late",
    f"leeminho_123458_7890125_{NB}": "minho, first upload",
    f"leeminho_123458_7890188_{STEM}-1.ipynb": "minho, second upload",
    f"leeminho_123458_7890199_{STEM}-2.ipynb": "minho, third upload",
    f"müllerjürgen_123459_7890126_{NB}": "jürgen",
    "doejane_123456_text.html": "<p>a text entry</p>",
}

# Moodle: a folder per participant (older versions end it with _), or flat.
MOODLE = {
    f"Jane Doe_1234567_assignsubmission_file/{NB}": "jane",
    "Jane Doe_1234567_assignsubmission_onlinetext/onlinetext.html": "<p>text</p>",
    f"Jürgen Müller_1234568_assignsubmission_file_/{NB}": "jürgen",
    f"김철수_1234569_assignsubmission_file_{NB}": "cheolsu",
    f"Ann Lee_1234570_assignsubmission_file/{NB}": "ann lee, the first",
    f"Ann Lee_1234571_assignsubmission_file/{NB}": "ann lee, the second",
}

# Blackboard: every attempt, each with a receipt.
RECEIPT = "Name: Jane Doe (jdoe)\nAssignment: Homework 1\nDate Submitted: Sunday, February 1, 2026 1:22:26 PM UTC\n"
BLACKBOARD = {
    f"Homework 1_jdoe_attempt_2026-02-01-13-22-26_{NB}": "jdoe, attempt 1",
    "Homework 1_jdoe_attempt_2026-02-01-13-22-26.txt": RECEIPT,
    f"Homework 1_jdoe_attempt_2026-02-03-09-05-00_{NB}": "jdoe, attempt 2",
    "Homework 1_jdoe_attempt_2026-02-03-09-05-00.txt": RECEIPT,
    f"Homework 1_asmith_attempt_2026-02-01-10-00-00_{NB}": "asmith",
}


def test_canvas_ids_late_marker_and_the_latest_upload(tmp_path):
    done = lms_zip.collect(tmp_path, CHAPTER, make_zip(tmp_path / "c.zip", CANVAS), lms="canvas")
    assert done.notebooks == 4 and done.warnings == []
    assert owner(tmp_path, "123458") == "minho, third upload"
    assert owner(tmp_path, "123457") == "mary ann, late"
    assert done.students["123457"].late and not done.students["123456"].late
    assert done.students["123459"].name == "müllerjürgen"


def test_moodle_students_keep_one_id_across_chapters_and_namesakes_are_told_apart(tmp_path):
    done = lms_zip.collect(tmp_path, CHAPTER, make_zip(tmp_path / "m.zip", MOODLE), lms="moodle")
    assert owner(tmp_path, "jane_doe") == "jane"
    assert owner(tmp_path, "jurgen_muller") == "jürgen"
    cheolsu = moodle_student_id("김철수")
    assert cheolsu.startswith("moodle_") and owner(tmp_path, cheolsu) == "cheolsu"
    assert cheolsu == moodle_student_id(" 김철수 ") != moodle_student_id("김영희")
    assert owner(tmp_path, "ann_lee_1234570") == "ann lee, the first"
    assert owner(tmp_path, "ann_lee_1234571") == "ann lee, the second"
    assert sum("names 2 students" in line for line in done.warnings) == 2
    assert done.students["jane_doe"].lms_id == "1234567"


def test_blackboard_newest_attempt_wins_and_its_time_is_the_submission_time(tmp_path):
    done = lms_zip.collect(tmp_path, CHAPTER, make_zip(tmp_path / "b.zip", BLACKBOARD), lms="blackboard")
    assert done.warnings == [] and done.notebooks == 2
    assert owner(tmp_path, "jdoe") == "jdoe, attempt 2"
    assert (tmp_path / "submitted" / "jdoe" / CHAPTER / "timestamp.txt").read_text() == "2026-02-03 09:05:00"


@pytest.mark.parametrize("lms, files", [("canvas", CANVAS), ("moodle", MOODLE), ("blackboard", BLACKBOARD)])
def test_the_default_layout_collects_none_of_an_lms_download(tmp_path, lms, files):
    # What happened before the presets: a flat download matched nothing, or the wrong ids.
    try:
        done = lms_zip.collect(tmp_path, CHAPTER, make_zip(tmp_path / "x.zip", files))
    except lms_zip.ZipError:
        return
    assert not set(done.students) & {"123456", "jane_doe", "jdoe"}


# --- graded end to end, with the export -------------------------------------------------

def run(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, *args],
                          cwd=course, env=nbgrader_env(), capture_output=True, text=True)


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return sim.course_with_chapters(tmp_path_factory.mktemp("lms_presets"), CHAPTER)


def test_canvas_download_graded_and_exported_for_canvas_import(course, tmp_path):
    archive = make_zip(tmp_path / "canvas.zip", {
        f"doejane_123456_7890123_{NB}": sim.untouched(CHAPTER),
        f"doejane_123456_7890188_{STEM}-1.ipynb": sim.correct(CHAPTER),  # the re-upload counts
        f"=cmd_LATE_123457_7890124_{NB}": sim.untouched(CHAPTER),  # a name a spreadsheet would run
        "doejane_123456_text.html": "<p>a text entry</p>",
    })
    done = run(course, "--lms", "canvas", "--zip", f"{CHAPTER}={archive}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert scores(course) == {"123456": TOTAL, "123457": 0.0}
    assert "marked late" in report_line(course, "123457")
    table = rows(course / "lms_grades" / "canvas_grades.csv")
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", CHAPTER]
    assert table[1] == ["    Points Possible", "", "", "", "", f"{TOTAL:g}"]
    assert table[2:] == [["doejane", "123456", "", "", "", f"{TOTAL:g}"], ["'=cmd", "123457", "", "", "", "0"]]


def test_moodle_download_with_a_misnamed_file_exits_non_zero_and_exports_participants(course, tmp_path):
    archive = make_zip(tmp_path / "moodle.zip", {
        f"Jane Doe_1234567_assignsubmission_file/{NB}": sim.correct(CHAPTER),
        f"Bo Kim_1234568_assignsubmission_file/homework.ipynb": sim.correct(CHAPTER),
    })
    done = run(course, "--lms", "moodle", "--zip", f"{CHAPTER}={archive}")
    assert done.returncode == 1 and "homework.ipynb" in done.stderr
    table = rows(course / "lms_grades" / f"moodle_{CHAPTER}.csv")
    assert table[0] == ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"]
    by_id = {row[0]: row[1:4] for row in table[1:]}
    # Bo Kim's notebook was collected under another name: not graded, no grade exported.
    assert by_id == {"Participant 1234567": ["Jane Doe", f"{TOTAL:g}", f"{TOTAL:g}"],
                     "Participant 1234568": ["Bo Kim", "", f"{TOTAL:g}"]}


def test_blackboard_download_exported_by_username(course, tmp_path):
    archive = make_zip(tmp_path / "bb.zip", {
        f"Homework 1_jdoe_attempt_2026-02-01-13-22-26_{NB}": sim.untouched(CHAPTER),
        "Homework 1_jdoe_attempt_2026-02-01-13-22-26.txt": RECEIPT,
        f"Homework 1_jdoe_attempt_2026-02-03-09-05-00_{NB}": sim.correct(CHAPTER),
        "Homework 1_jdoe_attempt_2026-02-03-09-05-00.txt": RECEIPT,
    })
    done = run(course, "--lms", "blackboard", "--zip", f"{CHAPTER}={archive}")
    assert done.returncode == 0, done.stderr[-3000:]
    text = (course / "lms_grades" / "blackboard_grades.csv").read_text()
    assert text.splitlines()[0] == f'"Last Name","First Name","Username","{CHAPTER} [Total Pts: {TOTAL:g} Score]"'
    assert rows(course / "lms_grades" / "blackboard_grades.csv")[1:] == [["", "", "jdoe", f"{TOTAL:g}"]]


def test_lms_and_zip_regexp_together_are_refused(course):
    done = run(course, "--lms", "canvas", "--zip-regexp", ".*")
    assert done.returncode == 2 and "give one" in done.stderr
