"""grading_report.md: each student's score per chapter, then every flagged
submission with the reason, read from what grading left behind."""
from __future__ import annotations

import csv
from pathlib import Path

import nbformat

from grader_tests.lms_zip import Collected
from grader_tests.preprocessors import KERNEL_DIED, TIMED_OUT, TRUNCATED
from grader_tests.submissions import Submission, graded_unsandboxed

REPORT_FILE = "grading_report.md"
LOG_FILE = "grading.log"  # what nbgrader printed while grading


def _scores(course: Path) -> dict[tuple[str, str], str]:
    try:
        with open(course / "grades.csv") as file:
            return {(row["student_id"], row["assignment"]):
                    f"{float(row['score']):g}/{float(row['max_score']):g}"
                    for row in csv.DictReader(file)}
    except OSError:
        return {}


def _errors(notebook) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for cell in notebook.cells
            for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def flag(course: Path, submission: Submission) -> str | None:
    """Why this submission needs the instructor's eye, or None."""
    submitted = submission.notebook(course)
    if not submitted.exists():
        return f"missing notebook: no {submitted.name} in the submission (wrong name?); scored 0"
    if submitted.stat().st_size == 0:
        return "empty notebook file; not graded"
    try:
        nbformat.read(submitted, as_version=4)
    except Exception as error:  # any unreadable notebook is the same outcome
        return f"corrupt notebook ({type(error).__name__}); not graded"
    graded = submission.notebook(course, "autograded")
    if not graded.exists():
        return f"not graded: nbgrader failed on it (see {LOG_FILE})"
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


def write_report(course: Path, found: list[Submission], chapters: list[str],
                 downloads: list[Collected] = (), sandbox_off: str | None = None) -> str:
    scores = _scores(course)
    students = sorted({s.student for s in found})
    lines = ["# Grading report", ""]
    without_sandbox = graded_unsandboxed(course)  # read once, not once per submission
    unsandboxed = [s for s in found if s.key in without_sandbox]
    if unsandboxed:
        why = f" ({sandbox_off})" if sandbox_off else ""
        lines += [f"**Graded WITHOUT the sandbox: {len(unsandboxed)} of {len(found)} submissions**{why}: "
                  "their code ran with the grader's rights; each is flagged below.", ""]
    for download in downloads:
        lines.append(f"- LMS download {download.summary()}")
        lines += [f"  - {warning}" for warning in download.warnings]
    if downloads:
        lines.append("")
    lines += ["| student | " + " | ".join(chapters) + " |",
              "|---" * (len(chapters) + 1) + "|"]
    for student in students:
        cells = [scores.get((student, chapter), "-") for chapter in chapters]
        lines.append(f"| {student} | " + " | ".join(cells) + " |")
    flagged = [(s, reason) for s in found if (reason := flag(course, s))]
    flagged += [(s, "graded without sandbox") for s in unsandboxed]
    lines += ["", f"## Flagged submissions ({len(flagged)})", ""]
    lines += [f"- {s.student} / {s.chapter}: {reason}" for s, reason in flagged] or ["- none"]
    text = "\n".join(lines) + "\n"
    (course / REPORT_FILE).write_text(text)
    return text
