"""Grades back to the LMS they came from, in its gradebook's import format,
with the ids the LMS gave.

Every ``--lms`` download adds what the LMS said of each collected student to
lms_roster.json at the course root (the LMS's id for that chapter, the name
as the LMS wrote it, its late marker). After grading, lms_grades/ gets:

- Canvas: ``canvas_grades.csv``, one column per chapter, matched on Canvas's
  user id (``Student,ID,SIS User ID,SIS Login ID,Section`` then the chapters,
  and the "Points Possible" row). A chapter's column is created in Canvas on
  import, or matched to the assignment of that exact title; rename the
  header to "Title (assignment id)" to aim at another.
- Moodle: ``moodle_<chapter>.csv`` per chapter, the offline grading
  worksheet's import columns (``Identifier`` as "Participant N", ``Full
  name``, ``Grade``, ``Maximum Grade``, ``Last modified (grade)``): Moodle
  numbers participants per assignment.
- Blackboard: ``blackboard_grades.csv``, matched on Username, one column
  ``<chapter> [Total Pts: N Score]`` per chapter, every field quoted.

Only grades grade_class gave are exported: a submission that failed, or was
never collected, has an empty cell, which every one of the three imports
leaves alone. Names come from the LMS's download and every cell is defused
against spreadsheet formulas.
"""
from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

from grader_tests.lms_zip import Collected
from grader_tests.regrade import graded_keys
from grader_tests.report import GRADES_FILE, defuse_cell

ROSTER_FILE = "lms_roster.json"
EXPORT_DIR = "lms_grades"
LMS_NAMES = {"canvas": "Canvas", "moodle": "Moodle", "blackboard": "Blackboard"}


def load_roster(course: Path) -> dict:
    try:
        roster = json.loads((course / ROSTER_FILE).read_text())
    except (OSError, ValueError):
        return {"lms": None, "students": {}}
    return roster if isinstance(roster, dict) and isinstance(roster.get("students"), dict) else \
        {"lms": None, "students": {}}


def remember(course: Path, lms: str, download: Collected) -> None:
    """Add what the LMS said of each student collected from ``download``."""
    roster = load_roster(course)
    if roster["lms"] != lms:
        roster = {"lms": lms, "students": {}}
    for student, entry in download.students.items():
        known = roster["students"].setdefault(student, {"name": entry.name, "chapters": {}})
        known["name"] = entry.name
        known["chapters"][download.chapter] = {"lms_id": entry.lms_id, "late": entry.late}
    written = course / (ROSTER_FILE + ".tmp")
    written.write_text(json.dumps(roster, indent=1, sort_keys=True))
    os.replace(written, course / ROSTER_FILE)


def marked_late(course: Path) -> list[str]:
    """student/chapter keys of the submissions the LMS marked late."""
    roster = load_roster(course)
    return sorted(f"{student}/{chapter}" for student, known in roster["students"].items()
                  for chapter, seen in known.get("chapters", {}).items() if seen.get("late"))


def _grades(course: Path) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(student, chapter) -> score after late penalties, of the grades
    grade_class gave; and chapter -> its maximum score."""
    graded = graded_keys(course)
    scores, maxima = {}, {}
    try:
        with open(course / GRADES_FILE, newline="") as file:
            for row in csv.DictReader(file):
                maxima[row["assignment"]] = f"{float(row['max_score']):g}"
                if f"{row['student_id']}/{row['assignment']}" in graded:
                    scores[row["student_id"], row["assignment"]] = f"{float(row['score']):g}"
    except (OSError, KeyError, ValueError):
        pass
    return scores, maxima


def _write(path: Path, rows: list[list[str]], quote_all: bool = False) -> None:
    path.parent.mkdir(exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(
            [[defuse_cell(cell) for cell in row] for row in rows])


def _canvas(roster: dict, chapters: list[str], scores: dict, maxima: dict) -> dict[str, list[list[str]]]:
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *chapters],
            ["    Points Possible", "", "", "", "", *(maxima.get(c, "") for c in chapters)]]
    rows += [[known["name"], student, "", "", "", *(scores.get((student, c), "") for c in chapters)]
             for student, known in sorted(roster["students"].items())]
    return {"canvas_grades.csv": rows}


def _moodle(roster: dict, chapters: list[str], scores: dict, maxima: dict) -> dict[str, list[list[str]]]:
    now = time.strftime("%A, %d %B %Y, %I:%M %p")
    files = {}
    for chapter in chapters:
        rows = [[f"Participant {known['chapters'][chapter]['lms_id']}", known["name"],
                 scores.get((student, chapter), ""), maxima.get(chapter, ""), now]
                for student, known in sorted(roster["students"].items()) if chapter in known["chapters"]]
        if rows:
            files[f"moodle_{chapter}.csv"] = [
                ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"], *rows]
    return files


def _blackboard(roster: dict, chapters: list[str], scores: dict, maxima: dict) -> dict[str, list[list[str]]]:
    rows = [["Last Name", "First Name", "Username",
             *(f"{c} [Total Pts: {maxima.get(c, '0')} Score]" for c in chapters)]]
    rows += [["", "", student, *(scores.get((student, c), "") for c in chapters)]
             for student in sorted(roster["students"])]
    return {"blackboard_grades.csv": rows}


FORMATS = {"canvas": _canvas, "moodle": _moodle, "blackboard": _blackboard}


def export(course: Path) -> list[Path]:
    """Write the LMS's import files for the roster's students and chapters;
    the paths written."""
    roster = load_roster(course)
    if roster["lms"] not in FORMATS or not roster["students"]:
        return []
    chapters = sorted({chapter for known in roster["students"].values() for chapter in known["chapters"]})
    scores, maxima = _grades(course)
    written = []
    for name, rows in FORMATS[roster["lms"]](roster, chapters, scores, maxima).items():
        _write(course / EXPORT_DIR / name, rows, quote_all=roster["lms"] == "blackboard")
        written.append(course / EXPORT_DIR / name)
    return written
