"""The class's scores, item by item, read from nbgrader's gradebook.

One query reads every grade of the chosen chapters (a grade cell's score
counts a manual override and extra credit, as nbgrader's own totals do), one
more the submissions (for lateness and the formgrader's flag). The gradebook
is the course configuration's (``CourseDirectory.db_url``: SQLite or
PostgreSQL), opened through ``grader_tests.gradebook``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grader_tests.gradebook import course_app, opened


class NoGradebook(Exception):
    """No gradebook yet, or not the chapters asked for."""


@dataclass
class ChapterScores:
    chapter: str
    items: list[str]  # the chapter's grade cells, in notebook order
    points: np.ndarray  # the most each item can score
    students: list[str]  # everyone with a submission, sorted
    scores: np.ndarray  # students x items; a grade the gradebook lacks counts 0
    late: set[str] = field(default_factory=set)
    flagged: set[str] = field(default_factory=set)  # by a human grader (formgrader)

    @property
    def totals(self) -> np.ndarray:
        return self.scores.sum(axis=1)

    @property
    def max_score(self) -> float:
        return float(self.points.sum())


def notebook_order(course: Path, chapter: str) -> list[str]:
    """The grade ids of the chapter's source notebook, in order (empty if unreadable)."""
    try:
        cells = json.loads((course / "solutions" / chapter / f"{chapter}.ipynb").read_text())["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in cells]


def _ordered(items: dict[str, float], order: list[str]) -> list[str]:
    place = {name: i for i, name in enumerate(order)}
    return sorted(items, key=lambda name: (place.get(name, len(place)), name))


def _is_late(timestamp, extension, duedate) -> bool:
    if timestamp is None or duedate is None:
        return False
    return timestamp > duedate + extension if extension is not None else timestamp > duedate


def read(book, course: Path, chapters: list[str]) -> dict[str, ChapterScores]:
    """Each chapter's scores from an open nbgrader Gradebook."""
    from nbgrader.api import Assignment, Grade, GradeCell, SubmittedAssignment, SubmittedNotebook

    grades = (book.db.query(Assignment.name, SubmittedAssignment.student_id, GradeCell.name,
                            GradeCell.max_score, Grade.score)
              .join(SubmittedAssignment, SubmittedAssignment.assignment_id == Assignment.id)
              .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
              .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
              .join(GradeCell, Grade.cell_id == GradeCell.id)
              .filter(Assignment.course_id == book.course_id, Assignment.name.in_(chapters)))
    submitted = (book.db.query(Assignment.name, SubmittedAssignment.student_id, SubmittedAssignment.timestamp,
                               SubmittedAssignment.extension, Assignment.duedate, SubmittedNotebook.flagged)
                 .join(SubmittedAssignment, SubmittedAssignment.assignment_id == Assignment.id)
                 .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                 .filter(Assignment.course_id == book.course_id, Assignment.name.in_(chapters)))
    points: dict[str, dict[str, float]] = {chapter: {} for chapter in chapters}
    score: dict[tuple[str, str, str], float] = {}
    for chapter, student, item, most, value in grades:
        points[chapter][item] = float(most)
        score[chapter, student, item] = float(value or 0.0)
    students: dict[str, set[str]] = {chapter: set() for chapter in chapters}
    late: dict[str, set[str]] = {chapter: set() for chapter in chapters}
    flagged: dict[str, set[str]] = {chapter: set() for chapter in chapters}
    for chapter, student, timestamp, extension, duedate, flag in submitted:
        students[chapter].add(student)
        if _is_late(timestamp, extension, duedate):
            late[chapter].add(student)
        if flag:
            flagged[chapter].add(student)
    found = {}
    for chapter in chapters:
        items = _ordered(points[chapter], notebook_order(course, chapter))
        who = sorted(students[chapter])
        matrix = np.array([[score.get((chapter, s, item), 0.0) for item in items] for s in who],
                          dtype=float).reshape(len(who), len(items))
        found[chapter] = ChapterScores(chapter, items, np.array([points[chapter][i] for i in items]),
                                       who, matrix, late[chapter], flagged[chapter])
    return found


def load(course: Path, chapters: list[str] | None = None) -> dict[str, ChapterScores]:
    """Each chapter's scores (default: every chapter of solutions/ that the
    gradebook knows), from the gradebook of the course configuration; nbgrader
    reads it from the current folder, so run this from the course root."""
    from dlcourse.release import chapters as course_chapters

    app = course_app()
    url = app.coursedir.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise NoGradebook(f"no gradebook at {url.removeprefix('sqlite:///')}: grade the class first")
    with opened(app) as book:
        known = {assignment.name for assignment in book.assignments}
        if chapters is None:
            chapters = [chapter for chapter in course_chapters(course) if chapter in known]
        if missing := [chapter for chapter in chapters if chapter not in known]:
            raise NoGradebook(f"no chapter {', '.join(missing)} in the gradebook")
        return read(book, course, chapters)
