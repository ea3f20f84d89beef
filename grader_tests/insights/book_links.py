"""Links from the insight page into the course's built book.

``make book`` builds the book into ``_build/html`` at the course root, where
the insight page is written, so the links are relative and work once the
book is built. A registered mistake names no section of the reading page,
so a mistake links to the chapter's reading page as a whole, and to the part
of the chapter's exercise page that holds the failed test: the last heading
above that test cell in the chapter's notebook, whose anchor Sphinx makes
from the heading's text with docutils' ``make_id``. A heading whose text
occurs twice on the page gets a numbered anchor from Sphinx; such a part is
linked without its anchor.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from docutils.nodes import make_id

BUILT_BOOK = "_build/html"


def reading_page(chapter: str) -> str:
    return f"{BUILT_BOOK}/book/{chapter}.html"


def exercise_page(chapter: str) -> str:
    return f"{BUILT_BOOK}/exercises/{chapter}/{chapter}.html"


def _headings(source: str) -> list[str]:
    """The text of each Markdown heading below the page title (level 2 and deeper)."""
    found, fenced = [], False
    for line in source.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("##"):
            found.append(line.lstrip("#").strip())
    return found


def exercise_parts(course: Path, chapter: str) -> dict[str, tuple[str, str]]:
    """grade id -> (the part's heading, its link) for the chapter's graded cells."""
    try:
        cells = json.loads((course / "solutions" / chapter / f"{chapter}.ipynb").read_text())["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    part: str | None = None
    parts: dict[str, str] = {}
    headings: list[str] = []
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown" and (found := _headings(source)):
            headings += found
            part = found[-1]
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id and part:
            parts[grade_id] = part
    anchors = Counter(make_id(heading) for heading in headings)
    page = exercise_page(chapter)
    return {grade_id: (heading, f"{page}#{make_id(heading)}" if anchors[make_id(heading)] == 1 else page)
            for grade_id, heading in parts.items()}
