"""What each student wrote in a chapter's answer cells, without what was released.

The answer cells (nbgrader's solution cells) come from the autograded copy of
the submission, which nbgrader wrote, read as untrusted input: no link
followed, at most ``MAX_NOTEBOOK_BYTES``, at most ``MAX_CELL_CHARS`` of a
cell. A line of an answer that is also a line of the released cell (the
``def`` line, the docstring, the stub), compared without any spacing, is
not the student's: it is left out, as are blank lines. So two students who
kept the same docstring do not look alike for it.
"""
from __future__ import annotations

import json
from pathlib import Path

from grader_tests import untrusted_files
from grader_tests.insights.similarity import Answer

MAX_NOTEBOOK_BYTES = 64 * 2**20
MAX_CELL_CHARS = 50_000
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def _text(source) -> str:
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source[:MAX_CELL_CHARS] if isinstance(source, str) else ""


def answer_cells(notebook: dict) -> dict[str, str]:
    """grade id -> source of each solution cell of a notebook (parsed JSON)."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    found = {}
    for cell in cells if isinstance(cells, list) else []:
        grading = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(grading, dict) and grading.get("solution") and isinstance(grading.get("grade_id"), str):
            found[grading["grade_id"]] = _text(cell.get("source", ""))
    return found


def _without_solution(source: str) -> str:
    """A source cell as nbgrader releases it, less the code stub it puts in."""
    kept, inside = [], False
    for line in source.splitlines():
        if line.strip() in (BEGIN, END):
            inside = line.strip() == BEGIN
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def released(course: Path, chapter: str) -> dict[str, str]:
    """The released answer cells (stubs with their docstrings): the chapter's
    release notebook, or its source notebook without the solutions."""
    release = course / "exercises" / chapter / f"{chapter}.ipynb"
    if release.is_file():
        return answer_cells(json.loads(release.read_text()))
    source = course / "solutions" / chapter / f"{chapter}.ipynb"
    if source.is_file():
        return {grade_id: _without_solution(text)
                for grade_id, text in answer_cells(json.loads(source.read_text())).items()}
    return {}


def _bare(line: str) -> str:
    return "".join(line.split())


def own_lines(answer: str, stub: str) -> str:
    """The lines of ``answer`` that are not lines of ``stub``, whatever their spacing."""
    given = {_bare(line) for line in stub.splitlines()}
    return "\n".join(line for line in answer.splitlines() if _bare(line) and _bare(line) not in given)


def written(course: Path, student: str, chapter: str, stubs: dict[str, str]) -> Answer | None:
    """What the student wrote in the chapter's answer cells; None when the
    graded notebook cannot be read."""
    folder = course / "autograded" / student / chapter
    try:
        notebook = json.loads(untrusted_files.read_bytes(folder, f"{chapter}.ipynb", MAX_NOTEBOOK_BYTES))
    except (untrusted_files.Refused, ValueError, RecursionError):
        return None
    answers = answer_cells(notebook)
    own = ((grade_id, own_lines(answers[grade_id], stub)) for grade_id, stub in stubs.items() if grade_id in answers)
    return Answer(tuple((grade_id, code) for grade_id, code in own if code))
