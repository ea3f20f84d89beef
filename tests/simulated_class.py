"""Builds submissions of a simulated class from the committed notebooks.

Each builder takes the student (release) notebook and returns a modified copy,
the way a real student's work differs from it.
"""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from dlcourse.release import nbgrader_env
from grader_tests.checks import find
from grader_tests.kernel.record import RECORD_DIR, call_with_warnings, encode
from grader_tests.reference import load_reference

ROOT = Path(__file__).resolve().parent.parent


def release_notebook(chapter: str):
    return nbformat.read(ROOT / "exercises" / chapter / f"{chapter}.ipynb", as_version=4)


def solution_sources(chapter: str) -> dict[str, str]:
    source = nbformat.read(ROOT / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _solution_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def untouched(chapter: str):
    return release_notebook(chapter)


def correct(chapter: str):
    nb = release_notebook(chapter)
    answers = solution_sources(chapter)
    for cell in _solution_cells(nb):
        cell.source = answers[cell.metadata.nbgrader.grade_id]
    return nb


def with_cells_after(nb, after_grade_id: str, *sources: str):
    """Student code in new cells right after the cell ``after_grade_id``."""
    nb = copy.deepcopy(nb)
    index = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == after_grade_id)
    nb.cells[index + 1:index + 1] = [new_code_cell(s) for s in sources]
    return nb


def replace_answers(nb, answers: dict[str, str]):
    """The same notebook with some solution cells answered differently."""
    nb = copy.deepcopy(nb)
    for cell in _solution_cells(nb):
        if cell.metadata.nbgrader.grade_id in answers:
            cell.source = answers[cell.metadata.nbgrader.grade_id]
    return nb


MONKEYPATCH = '''
import numpy as np
import numpy.testing

class AlwaysEqual(np.ndarray):
    """Compares equal to anything, whatever it holds."""
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False

def anything(*args, **kwargs):
    return np.zeros(3).view(AlwaysEqual)

np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.max = lambda *a, **k: 0.0
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
'''


def monkeypatching(chapter: str):
    """Patches numpy's comparisons and answers every function with a liar array."""
    nb = release_notebook(chapter)
    nb = replace_answers(nb, {c.metadata.nbgrader.grade_id: "def {0}(*args, **kwargs):\n    return anything()"
                              .format(c.metadata.nbgrader.grade_id) for c in _solution_cells(nb)})
    return with_cells_after(nb, "setup", MONKEYPATCH)


def perfect_records(chapter: str) -> dict[str, str]:
    """Record files exactly as a correct submission's hidden tests would write them."""
    reference = load_reference(chapter)
    records = {}
    for check_id in check_ids(chapter):
        check = find(check_id)
        function = getattr(reference, check.reference or check.function)
        calls = [{"error": None, "warnings": [], "output": encode(call_with_warnings(function, args)[0])}
                 for args in check.make_calls()]
        records[check_id] = json.dumps({"check_id": check_id, "calls": calls})
    return records


def fake_output_files(chapter: str, folder: Path):
    """Stubs, plus perfect record files shipped in the folder and rewritten by a
    late cell, and the kernel-side recorder disabled."""
    records = perfect_records(chapter)
    (folder / RECORD_DIR).mkdir(parents=True, exist_ok=True)
    for check_id, text in records.items():
        (folder / RECORD_DIR / f"{check_id}.json").write_text(text)
    writer = ("import grader_tests.kernel.record, os, json\n"
              "grader_tests.kernel.record.record = lambda *args, **kwargs: None\n"
              f"RECORDS = {records!r}\n"
              f"os.makedirs({RECORD_DIR!r}, exist_ok=True)\n"
              "for name, text in RECORDS.items():\n"
              f"    open(os.path.join({RECORD_DIR!r}, name + '.json'), 'w').write(text)\n")
    nb = with_cells_after(release_notebook(chapter), "setup", writer)
    nb.cells.append(new_code_cell(writer))
    return nb


def check_ids(chapter: str) -> list[str]:
    nb = release_notebook(chapter)
    return [c.metadata.nbgrader.grade_id for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and find(c.metadata.nbgrader.grade_id)]


def course_with_chapters(course: Path, *chapters: str, config: str | None = None) -> Path:
    """A scratch course folder with the chapters generated (gradebook included).

    ``config`` replaces the course's nbgrader_config.py when given."""
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        config if config is not None else (ROOT / "nbgrader_config.py").read_text())
    shutil.copytree(ROOT / "solutions", course / "solutions")
    for chapter in chapters:
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", chapter, "--force",
                        "--log-level=WARN"], cwd=course, env=nbgrader_env(), check=True)
    return course


def submit_file(course: Path, student: str, chapter: str, nb=None, text: str | None = None,
                name: str | None = None) -> Path:
    """Puts a notebook (or raw text) where nbgrader collects it."""
    folder = course / "submitted" / student / chapter
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{chapter}.ipynb")
    if nb is not None:
        nbformat.write(nb, path)
    else:
        path.write_text(text or "")
    return path
