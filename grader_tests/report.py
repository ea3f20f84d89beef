"""grading_report.md: each student's score per chapter, then every flagged
submission with the reason, read from what grading left behind; and
grades.csv made safe to open in a spreadsheet.

Student ids, chapter and file names, LMS warnings and nbgrader's messages
all come from outside the grader, so everything taken from them goes into
the report through ``escape_md``: it cannot end a table cell or a line, start
a link or emphasis, or open an HTML tag. Refused student folders are named
only in repr form.
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import nbformat

from grader_tests.grading_log import LOG_FILE
from grader_tests.lms_zip import Collected
from grader_tests.preprocessors import KERNEL_DIED, TIMED_OUT, TRUNCATED
from grader_tests.regrade import failures, graded_keys, graded_unsandboxed
from grader_tests.submissions import Intake, Submission, limits_hit, quarantined

REPORT_FILE = "grading_report.md"
GRADES_FILE = "grades.csv"
NOT_GRADED = "not graded"

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKSLASHED = set("\\`*_[]()|")


def _visible(char: str) -> str:
    """A newline or other control character as its escape (\\n, \\x1b, ...)."""
    return char if char.isprintable() else char.encode("unicode_escape").decode()


def _inside_word(text: str, i: int) -> bool:
    # An underscore between letters or digits never starts emphasis (so
    # 01_nonlinearity stays as it is).
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _escaped(text: str, i: int) -> str:
    char = text[i]
    if char in _ENTITIES:
        return _ENTITIES[char]
    if char == "_" and _inside_word(text, i):
        return char
    return "\\" + char if char in _BACKSLASHED else _visible(char)


def escape_md(text: str) -> str:
    """Text from outside the grader, safe inside a Markdown line or table cell."""
    return "".join(_escaped(text, i) for i in range(len(text)))


# A cell that is a plain number stays one, even with a sign (a score of -1.5).
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_cell(cell: str) -> str:
    """A cell a spreadsheet cannot take for a formula (OWASP's CSV injection)."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def defuse_csv(path: Path) -> None:
    """Rewrite a CSV file (grades.csv) with every cell defused."""
    with open(path, newline="") as file:
        rows = [[defuse_cell(cell) for cell in row] for row in csv.reader(file)]
    written = path.with_name(path.name + ".tmp")
    with open(written, "w", newline="") as file:
        # The default line end, \r\n, also makes the writer quote a cell holding a lone \r.
        csv.writer(file).writerows(rows)
    os.replace(written, path)


def read_scores(course: Path) -> dict[tuple[str, str], str]:
    """(student, chapter) -> "score/max" from grades.csv; empty before any export."""
    try:
        with open(course / GRADES_FILE) as file:
            return {(row["student_id"], row["assignment"]):
                    f"{float(row['score']):g}/{float(row['max_score']):g}"
                    for row in csv.DictReader(file)}
    except (OSError, KeyError, ValueError):
        return {}


def _errors(notebook) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for cell in notebook.cells
            for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _where_logged(lines: tuple[int, int] | None) -> str:
    return f"{LOG_FILE} lines {lines[0]}-{lines[1]}" if lines else LOG_FILE


def _failure(course: Path, submission: Submission, lines: tuple[int, int] | None) -> str:
    """Why grading this submission failed, as far as the files tell."""
    submitted = submission.notebook(course)
    retry = f"not graded; the next run tries again (see {_where_logged(lines)})"
    if not submitted.exists():
        return f"missing notebook: no {escape_md(submitted.name)} in the submission (wrong name?); {retry}"
    if submitted.stat().st_size == 0:
        return f"empty notebook file; {retry}"
    try:
        nbformat.read(submitted, as_version=4)
    except Exception as error:  # any unreadable notebook is the same outcome
        return f"corrupt notebook ({type(error).__name__}); {retry}"
    return f"nbgrader failed on it; {retry}"


def flag(course: Path, submission: Submission, failed: dict[str, tuple[int, int] | None]) -> str | None:
    """Why this submission needs the instructor's eye, or None (Markdown)."""
    if submission.key in failed:
        return _failure(course, submission, failed[submission.key])
    graded = submission.notebook(course, "autograded")
    if not graded.exists():
        return f"{NOT_GRADED} yet"
    graded_nb = nbformat.read(graded, as_version=4)
    errors = _errors(graded_nb)
    for marker, reason in ((KERNEL_DIED, f"kernel died: {KERNEL_DIED}; later cells not run"),
                           (TIMED_OUT, "timeout: a cell ran longer than the time limit; "
                                       "later cells not run"),
                           ("MemoryError", "a cell hit the memory limit (MemoryError)")):
        if any(marker in error for error in errors):
            return reason
    if any(TRUNCATED in output.get("text", "") for cell in graded_nb.cells
           for output in cell.get("outputs", [])):
        return "huge output: cut to the grader's limit in the graded notebook and feedback"
    return None


def _label(key: str) -> str:
    """'student / chapter' of a submission key, or of a whole student folder."""
    student, _, chapter = key.partition("/")
    return f"{escape_md(student)} / {escape_md(chapter) if chapter else '(whole folder)'}"


def _quarantine_flags(course: Path) -> list[tuple[str, str]]:
    return [(_label(key), f"quarantined, moved to {escape_md(flagged['folder'])}/: "
             + "; ".join(f"{escape_md(path)} ({escape_md(why)})" for path, why in flagged["moved"]))
            for key, flagged in sorted(quarantined(course).items())]


def _refused(intake: Intake) -> list[str]:
    moved = f"; moved to {intake.folder}/ (nbgrader cannot be told to skip it)"
    return [escape_md(why + (moved if name in intake.moved else "")) for name, why in intake.refused.items()]


def _limit_flags(course: Path, found: list[Submission]) -> list[tuple[str, str]]:
    hits = limits_hit(course)
    return [(_label(s.key), f"hit the sandbox's limit on {' and '.join(map(escape_md, hits[s.key]))}")
            for s in found if hits.get(s.key)]


def _limits_line(limits: dict[str, str]) -> list[str]:
    """How this machine limited each sandbox as a whole; a fallback is said plainly."""
    fell_back = [name for name, how in limits.items() if "cgroup" not in how]
    line = "Sandbox limits: " + "; ".join(f"{name} {how}" for name, how in limits.items())
    if fell_back:
        line = f"**Fell back to per-process limits for {' and '.join(fell_back)}.** " + line
    return [line, ""]


def write_report(course: Path, found: list[Submission], chapters: list[str],
                 downloads: list[Collected] = (), sandbox_off: str | None = None,
                 intake: Intake | None = None, limits: dict[str, str] | None = None,
                 elsewhere: dict[str, str] | None = None, marked_late: list[str] = ()) -> str:
    """``elsewhere``: the submissions whose grade in the gradebook this run
    found was not grade_class's, and why (they were regraded);
    ``marked_late``: those the LMS's download marked late."""
    graded = graded_keys(course)
    # A score only for what was graded: a failed submission's row in the
    # gradebook is nbgrader's leftover, not a grade.
    scores = {(student, chapter): score for (student, chapter), score in read_scores(course).items()
              if f"{student}/{chapter}" in graded}
    failed = failures(course)
    students = sorted({s.student for s in found})
    keys = {s.key for s in found}
    lines = ["# Grading report", ""]
    without_sandbox = graded_unsandboxed(course)  # read once, not once per submission
    unsandboxed = [s for s in found if s.key in without_sandbox]
    if unsandboxed:
        # The grader's own words, or bubblewrap's: kept as they are, on one line.
        why = f" ({''.join(map(_visible, sandbox_off))})" if sandbox_off else ""
        lines += [f"**Graded WITHOUT the sandbox: {len(unsandboxed)} of {len(found)} submissions**{why}: "
                  "their code ran with the grader's rights; each is flagged below.", ""]
    if limits:
        lines += _limits_line(limits)
    for download in downloads:
        lines.append(f"- LMS download {escape_md(download.summary())}")
        lines += [f"  - {escape_md(warning)}" for warning in download.warnings]
    if downloads:
        lines.append("")
    lines += ["| student | " + " | ".join(map(escape_md, chapters)) + " |",
              "|---" * (len(chapters) + 1) + "|"]
    for student in students:
        cells = [scores.get((student, chapter), NOT_GRADED if f"{student}/{chapter}" in keys else "-")
                 for chapter in chapters]
        lines.append(f"| {escape_md(student)} | " + " | ".join(map(escape_md, cells)) + " |")
    flagged = [(_label(s.key), reason) for s in found if (reason := flag(course, s, failed))]
    flagged += [(_label(key), f"{escape_md(why)}; regraded by this run") for key, why in (elsewhere or {}).items()]
    flagged += [(_label(key), "marked late in the LMS download (its own late policy applies there)")
                for key in marked_late if key in keys]
    flagged += _quarantine_flags(course)
    flagged += _limit_flags(course, found)
    flagged += [(_label(s.key), "graded without sandbox") for s in unsandboxed]
    lines += ["", f"## Flagged submissions ({len(flagged)})", ""]
    lines += [f"- {label}: {reason}" for label, reason in flagged] or ["- none"]
    if intake and intake.refused:
        lines += ["", f"## Refused student folders ({len(intake.refused)}), not graded", ""]
        lines += [f"- {line}" for line in _refused(intake)]
    text = "\n".join(lines) + "\n"
    (course / REPORT_FILE).write_text(text)
    return text
