"""What grade_class reads from nbgrader's configuration and gradebook: that
each chapter exists there, the due dates and late-penalty settings a grade
depends on, and a digest of each submission's autograded scores (to notice
grades written by another path).

Everything is read the way nbgrader reads it: the course's
nbgrader_config.py (and the user's and system's Jupyter config) through
nbgrader's own application, and the gradebook at ``CourseDirectory.db_url``
(SQLite or PostgreSQL).
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

# Everything that decides a late penalty (nbgrader's AssignLatePenalties and
# its plugin); a custom plugin class is added by its name.
LATE_PENALTY_SECTIONS = ("AssignLatePenalties", "LateSubmissionPlugin")


class GradebookError(Exception):
    """The gradebook cannot be made ready for grading; the message says what to run."""


def course_app():
    """nbgrader's application, configured as ``nbgrader`` run in the current
    folder (the course root, where grade_class runs) is."""
    from nbgrader.apps.baseapp import NbGrader  # imported late: nbgrader takes a second to load

    app = NbGrader()
    app.initialize([])
    return app


@contextmanager
def opened(app):
    from nbgrader.api import Gradebook

    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as book:
        yield book


def missing_chapters(book, chapters: list[str]) -> list[str]:
    """The chapters with no assignment (or no notebook of that name) in the gradebook."""
    from nbgrader.api import MissingEntry

    missing = []
    for chapter in chapters:
        try:
            book.find_notebook(chapter, chapter)
        except MissingEntry:
            missing.append(chapter)
    return missing


def add_chapters(course: Path, chapters: list[str], env: dict) -> None:
    """Put each chapter into the gradebook as nbgrader's generate_assignment
    does (its cells, points and checksums), writing the student notebooks to a
    scratch folder so that the released exercises/ stay as they are."""
    for chapter in chapters:
        with tempfile.TemporaryDirectory(prefix="gradebook-") as scratch:
            done = subprocess.run(
                [sys.executable, "-m", "nbgrader", "generate_assignment", chapter, "--log-level=WARN",
                 f"--CourseDirectory.release_directory={scratch}"],
                cwd=course, env=env, capture_output=True, text=True, errors="replace")
        if done.returncode != 0:
            raise GradebookError(
                f"{chapter} is not in the gradebook and could not be added "
                f"(nbgrader generate_assignment {chapter} failed):\n{done.stderr[-2000:]}\n"
                f"Fix that, then run from the course root: nbgrader generate_assignment {chapter} --force")


def due_dates(book, chapters: list[str]) -> dict[str, str | None]:
    """Each chapter's due date in the gradebook (ISO text), None where it has none."""
    dates = {}
    for chapter in chapters:
        due = book.find_assignment(chapter).duedate
        dates[chapter] = due.isoformat() if due else None
    return dates


def late_penalty_settings(app) -> str:
    """The configuration that decides late penalties, as canonical text."""
    sections = list(LATE_PENALTY_SECTIONS)
    plugin = app.config.get("AssignLatePenalties", {}).get("plugin_class")
    if plugin:
        sections.append(str(plugin).rsplit(".", 1)[-1])
    chosen = {name: app.config[name] for name in sections if name in app.config}
    return json.dumps(chosen, sort_keys=True, default=repr)


def score_digests(book) -> dict[str, str]:
    """student/chapter -> a digest of the automatic scores the gradebook holds
    for that submission (every grade cell's auto_score); another path that
    autogrades a submission rewrites them."""
    from nbgrader.api import Assignment, Grade, GradeCell, Notebook, SubmittedAssignment, SubmittedNotebook

    rows = (book.db.query(SubmittedAssignment.student_id, Assignment.name, Notebook.name, GradeCell.name,
                          Grade.auto_score)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
            .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
            .join(GradeCell, Grade.cell_id == GradeCell.id)
            .filter(Assignment.course_id == book.course_id))
    scores: dict[str, list] = {}
    for student, chapter, notebook, cell, score in rows:
        scores.setdefault(f"{student}/{chapter}", []).append((notebook, cell, score))
    return {key: hashlib.sha256(json.dumps(sorted(cells, key=str)).encode()).hexdigest()
            for key, cells in scores.items()}
