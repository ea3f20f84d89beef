"""The insight page's tables, each written once: as a CSV file and as HTML.

A column has a kind, which decides how a value is shown on the page (a
share as a percentage, points with up to two decimals, student ids folded
away when there are many) while the CSV keeps the value itself (a share as
a fraction). Every text is escaped on the page, and no CSV cell can start a
spreadsheet formula.
"""
from __future__ import annotations

import csv
import html
from dataclasses import dataclass, field
from pathlib import Path

from grader_tests.report import defuse_cell

TEXT, LINES, COUNT, POINTS, SHARE, COEFFICIENT, NAMES, LINK = (
    "text", "lines", "count", "points", "share", "coefficient", "names", "link")
NAMES_SHOWN = 12  # student ids listed before the rest fold away


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # built by the grader (book_links), never from student text


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass
class Table:
    name: str  # the CSV file's stem, and the HTML table's id
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    # Per row, extra CSS classes for the page (a flagged item is highlighted).
    marks: list[str] = field(default_factory=list)


def csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == NAMES:
        return " ".join(value)
    if kind == LINES:  # one cell, one line each (names may hold any punctuation)
        return defuse_cell("\n".join(value))
    if kind == LINK:
        return value.href
    if isinstance(value, float):
        return f"{value:.6g}"
    return defuse_cell(str(value))


def write_csv(table: Table, folder: Path) -> Path:
    path = folder / f"{table.name}.csv"
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([c.title for c in table.columns])
        writer.writerows([[csv_value(v, c.kind) for v, c in zip(row, table.columns)] for row in table.rows])
    return path


def shown(value, kind: str) -> str:
    """A value as HTML."""
    if value is None:
        return "&ndash;"
    if kind == SHARE:
        return f"{100 * value:.1f}&nbsp;%"
    if kind == POINTS:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if kind == COEFFICIENT:
        return f"{value:+.2f}"
    if kind == LINK:
        return f'<a href="{html.escape(value.href)}">{html.escape(value.text)}</a>'
    if kind == NAMES:
        listed = ", ".join(map(html.escape, value))
        if len(value) <= NAMES_SHOWN:
            return listed
        return f"<details><summary>{len(value)} students</summary>{listed}</details>"
    if kind == LINES:
        return "<br>".join(map(html.escape, value))
    return html.escape(str(value))


def sort_key(value, kind: str) -> str:
    if value is None:
        return ""
    if kind in (NAMES, LINES):
        return str(len(value))
    if kind == LINK:
        return html.escape(value.text)
    return html.escape(str(value))


def to_html(table: Table, page_size: int | None = None, html_id: str | None = None,
            omit: tuple[str, ...] = ()) -> str:
    """A sortable table (a click on a column title sorts by it), paged and
    filtered by the page's script when ``page_size`` is given; without the
    columns titled in ``omit``."""
    numeric = {COUNT, POINTS, SHARE, COEFFICIENT}
    kept = [i for i, c in enumerate(table.columns) if c.title not in omit]
    head = "".join(f'<th class="{"num" if c.kind in numeric else ""}">{html.escape(c.title)}</th>'
                   for c in map(table.columns.__getitem__, kept))
    rows = []
    for index, row in enumerate(table.rows):
        mark = table.marks[index] if index < len(table.marks) else ""
        cells = "".join(
            f'<td class="{"num" if c.kind in numeric else ""}" data-sort="{sort_key(v, c.kind)}">'
            f"{shown(v, c.kind)}</td>" for v, c in ((row[i], table.columns[i]) for i in kept))
        rows.append(f'<tr class="{mark}">{cells}</tr>')
    paged = f' data-page-size="{page_size}"' if page_size else ""
    return (f'<table id="{html.escape(html_id or table.name)}" class="sortable"{paged}>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
