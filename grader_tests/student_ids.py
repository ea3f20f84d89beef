"""The character set of a student id, checked wherever an id enters grading.

An id names folders (submitted/<id>/...), rows of the report and the CSV, and
is passed to nbgrader in comma-separated lists, so it must be a plain name:
letters, digits and ``. _ - @``, not starting with a dot, dash or at sign
(no hidden folders, no command-line options, no spreadsheet formulas), at
most 64 characters. Anything else is refused, with the reason, rather than
escaped and graded.
"""
from __future__ import annotations

import re

ALLOWED = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@-]{0,63}")
DESCRIPTION = ("letters, digits and . _ - @, not starting with . - or @, "
               "at most 64 characters")


def problem(student_id: str) -> str | None:
    """None for a valid id, else why it is refused."""
    if ALLOWED.fullmatch(student_id):
        return None
    shown = student_id if len(student_id) <= 40 else student_id[:40] + "..."
    return f"student id {shown!r} refused: an id holds only {DESCRIPTION}"
