"""grading.log: what nbgrader printed, one section per run of grade_class,
with the warnings every run gives counted in one line so that a real error
stands out, and where in it each failed submission's error is.

The workers write every log record as one line with its continuation lines
indented (``grader_tests.worker``), so a line in the first column is always
the start of a record the grader wrote: a traceback quoting a student's
file cannot forge one.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

LOG_FILE = "grading.log"

# What nbgrader says on every run of a healthy class, and what it means.
EXPECTED = {
    "hidden test cells restored from the gradebook (nbgrader's \"Attribute 'checksum' for cell "
    "... has changed\")": re.compile(r"\[\w+ \| WARNING\] Attribute 'checksum' for cell \S+ has changed!"),
    "notices that a preprocessor ignores a config option (\"Config option ... not recognized\")":
        re.compile(r"\[\w+ \| WARNING\] Config option `\w+` not recognized by `\w+`"),
    "SQLAlchemy notices from nbgrader's gradebook (\"... not in session\")":
        re.compile(r"\[warning\] \S+: SAWarning: Object of type <\w+> not in session"),
}


def records(text: str) -> list[list[str]]:
    """The log's records: a first-column line and the indented lines after it."""
    found: list[list[str]] = []
    for line in text.splitlines():
        if found and (not line or line[0].isspace()):
            found[-1].append(line)
        else:
            found.append([line])
    return found


def without_expected(text: str) -> tuple[str, dict[str, int]]:
    """The log without the expected records, and how many of each kind went."""
    counts = dict.fromkeys(EXPECTED, 0)
    kept = []
    for record in records(text):
        kind = next((kind for kind, pattern in EXPECTED.items() if pattern.match(record[0])), None)
        if kind:
            counts[kind] += 1
        else:
            kept += record
    return "".join(line + "\n" for line in kept), {kind: n for kind, n in counts.items() if n}


@dataclass
class Section:
    """One run's part of grading.log: where it starts (1-based) and its text."""
    first_line: int
    text: str

    def failure_lines(self, course: Path, key: str) -> tuple[int, int] | None:
        """The lines of grading.log with nbgrader's error for the submission
        ``key`` (student/chapter): its error record and the traceback after it."""
        path = f"{course}/submitted/{key}"
        line = self.first_line
        found = None
        for record in records(self.text):
            if found is not None:
                if "| ERROR] Traceback" in record[0]:
                    return found[0], line + len(record) - 1
                return found
            if "| ERROR]" in record[0] and re.search(re.escape(path) + r"(\s|$)", record[0]):
                found = (line, line + len(record) - 1)
            line += len(record)
        return found


def append_run(course: Path, nbgrader_output: str) -> Section:
    """Add this run's section to grading.log: a header, one line per kind of
    expected warning with its count, then the rest of what nbgrader printed."""
    log = course / LOG_FILE
    try:
        before = log.read_text(errors="replace").count("\n")
    except FileNotFoundError:
        before = 0
    kept, counts = without_expected(nbgrader_output)
    header = [f"===== grade_class run, {time.strftime('%Y-%m-%d %H:%M:%S %Z')} ====="]
    header += [f"(left out of this log: {n} {kind})" for kind, n in counts.items()]
    text = "".join(line + "\n" for line in header)
    with open(log, "a") as file:
        file.write(text + kept)
    return Section(before + len(header) + 1, kept)
