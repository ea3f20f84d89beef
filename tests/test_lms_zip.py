"""Grading from an LMS download: the zip is collected with nbgrader's
zip_collect, everything that cannot be collected is in the report, and a
second download regrades only the students whose notebook changed."""
from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import pytest

import simulated_class as sim
from grader_tests import lms_zip
from test_grade_class import CHAPTER, TOTAL, grade, scores

NOTEBOOK = f"{CHAPTER}.ipynb"


def lms_download(path: Path, files: dict[str, object]) -> Path:
    """A zip as an LMS hands it out: one folder per student."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name,
                             nbformat.writes(content) if hasattr(content, "cells") else content)
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return sim.course_with_chapters(tmp_path_factory.mktemp("lms"), CHAPTER)


@pytest.fixture(scope="module")
def first_download(course, tmp_path_factory):
    archive = lms_download(tmp_path_factory.mktemp("zips") / "first.zip", {
        f"alice/{NOTEBOOK}": sim.correct(CHAPTER),
        f"section_b/bob/{NOTEBOOK}": sim.untouched(CHAPTER),  # folders may nest
        "dave/homework1.ipynb": sim.correct(CHAPTER),  # renamed by the student
        "readme.ipynb": sim.correct(CHAPTER),  # in no student's folder
    })
    return grade(course, "--zip", f"{CHAPTER}={archive}")


def test_zip_is_collected_and_graded(course, first_download):
    assert f"{CHAPTER}: 3 notebooks collected from first.zip" in first_download
    assert scores(course) == {"alice": TOTAL, "bob": 0.0, "dave": 0.0}


def test_report_names_what_could_not_be_collected(course, first_download):
    report = (course / "grading_report.md").read_text()
    assert "readme.ipynb" in report and "Skipped" in report
    assert "Invalid submission notebook name 'homework1.ipynb'" in report
    assert "dave / 01_nonlinearity: missing notebook" in report


def test_second_download_regrades_only_the_changed_notebook(course, first_download, tmp_path):
    archive = lms_download(tmp_path / "second.zip", {
        f"alice/{NOTEBOOK}": sim.correct(CHAPTER),
        f"section_b/bob/{NOTEBOOK}": sim.correct(CHAPTER),
    })
    output = grade(course, "--zip", f"{CHAPTER}={archive}")
    assert "3 submissions, 1 to grade" in output
    assert scores(course) == {"alice": TOTAL, "bob": TOTAL, "dave": 0.0}


@pytest.mark.parametrize("value, message", [
    ("no_equals_sign.zip", "CHAPTER=PATH"),
    ("99_nothing=x.zip", "unknown chapter"),
    (f"{CHAPTER}=/nonexistent/download.zip", "no such file"),
])
def test_bad_zip_option_is_refused_with_a_reason(value, message):
    with pytest.raises(lms_zip.ZipError, match=message):
        lms_zip.parse_option(value, [CHAPTER])
