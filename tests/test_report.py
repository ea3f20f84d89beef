"""Nothing from outside the grader can forge a row of grading_report.md or put
HTML in it, and no cell of grades.csv can start a spreadsheet formula."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from grader_tests.lms_zip import Collected
from grader_tests.report import defuse_csv, escape_md, write_report
from grader_tests.submissions import Submission, collected, intake

CH = "ch1"
FORGED_ROW = "bob\n| eve | 21/21 |"
HTML = "<img src=x onerror=alert(1)>"
HOSTILE = [FORGED_ROW, HTML, "x](javascript:alert(1)) [y", "*_bold_* `code` \\| a&amp;", "\x1b[31m\r\u2028"]


def grades_csv(course: Path, rows: list[tuple[str, str, str]]) -> None:
    with open(course / "grades.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["assignment", "student_id", "score", "max_score"])
        writer.writerows([(chapter, student, score, "21") for chapter, student, score in rows])


def table_rows(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("|")]


def unescaped_pipes(line: str) -> int:
    return sum(1 for i, char in enumerate(line) if char == "|" and line[i - 1:i] != "\\")


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_stays_one_cell_of_one_line_without_html(text):
    escaped = escape_md(text)
    assert "\n" not in escaped and "\r" not in escaped and "\u2028" not in escaped
    assert "<" not in escaped and ">" not in escaped
    assert unescaped_pipes(f"| {escaped} | 1 |") == 3
    for char in "[]()*`":
        assert char not in escaped.replace("\\" + char, "")


def test_underscores_inside_a_word_stay_readable():
    assert escape_md("01_nonlinearity") == "01_nonlinearity"
    assert escape_md("_x_") == "\\_x\\_"


def test_hostile_ids_that_reach_the_report_stay_in_their_row(tmp_path):
    """Validation refuses them; called directly, the report still escapes them."""
    grades_csv(tmp_path, [(CH, student, "21") for student in HOSTILE] + [(CH, "alice", "3")])
    found = [Submission(student, CH) for student in HOSTILE + ["alice"]]
    report = write_report(tmp_path, found, [CH])
    rows = table_rows(report)
    assert len(rows) == 2 + len(found)
    assert all(unescaped_pipes(row) == 3 for row in rows)
    assert not any(row.startswith("| eve") for row in rows)
    assert "<" not in report and ">" not in report


def test_refused_ids_are_listed_in_repr_form_only(tmp_path):
    for student in (FORGED_ROW.replace("/", "-"), HTML, "alice"):
        notebook = tmp_path / "submitted" / student / CH / f"{CH}.ipynb"
        notebook.parent.mkdir(parents=True)
        notebook.write_text("{}")
    grades_csv(tmp_path, [(CH, "alice", "21")])
    taken = intake(tmp_path)
    found = collected(tmp_path, [CH])
    assert found == [Submission("alice", CH)]
    report = write_report(tmp_path, found, [CH], intake=taken)
    assert [row.split("|")[1].strip() for row in table_rows(report)[2:]] == ["alice"]
    assert "<" not in report and ">" not in report
    assert "## Refused student folders (2), not graded" in report
    assert "student id 'bob\\\\n\\| eve \\| 21-21 \\|' refused" in report
    assert "student id '&lt;img src=x onerror=alert\\(1\\)&gt;' refused" in report


def test_lms_warnings_and_quarantined_file_names_are_escaped(tmp_path):
    folder = tmp_path / "submitted" / "alice" / CH
    folder.mkdir(parents=True)
    (folder / f"{CH}.ipynb").write_text("{}")
    (folder / HTML).symlink_to("/etc/passwd")
    intake(tmp_path)
    download = Collected(CH, Path("x.zip"), 1, [f"Skipped {HTML}\n| eve | 21 |"])
    report = write_report(tmp_path, collected(tmp_path, [CH]), [CH], downloads=[download])
    assert "<" not in report and not any(line.startswith("| eve") for line in report.splitlines())
    assert "&lt;img src=x onerror=alert\\(1\\)&gt; (symbolic link)" in report


def test_grades_csv_cells_cannot_start_a_formula_but_numbers_stay_numbers(tmp_path):
    path = tmp_path / "grades.csv"
    rows = [["assignment", "student_id", "timestamp", "score", "max_score", "note"],
            ["ch1", "=HYPERLINK(\"http://x\",\"y\")", "2026-11-30 14:07:26.5", "-1.5", "21", "+cmd|' /C calc'!A0"],
            ["ch1", "@SUM(A1:A9)", "None", "+3", "1e-3", "-2+3+cmd|x"],
            ["ch1", "\tx", "\r=1", "0", ".5", "plain, with a comma"]]
    with open(path, "w", newline="") as file:
        csv.writer(file).writerows(rows)
    defuse_csv(path)
    with open(path, newline="") as file:
        got = list(csv.reader(file))
    assert got == [rows[0],
                   ["ch1", "'=HYPERLINK(\"http://x\",\"y\")", "2026-11-30 14:07:26.5", "-1.5", "21",
                    "'+cmd|' /C calc'!A0"],
                   ["ch1", "'@SUM(A1:A9)", "None", "+3", "1e-3", "'-2+3+cmd|x"],
                   ["ch1", "'\tx", "'\r=1", "0", ".5", "plain, with a comma"]]
    with open(path) as file:
        assert float(next(csv.DictReader(file))["score"]) == -1.5
