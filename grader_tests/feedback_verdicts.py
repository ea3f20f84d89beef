"""The verdicts a feedback page opens with, and shows above each failed test.

nbgrader's page lists the test cells by score and leaves the grader's
verdict where TrustedExecute put it: the first output of the cell, one
``<pre>`` line of about 2,000 pixels, followed by whatever the cell printed,
often its own "self-check passed". Here each graded test cell that lost
points gets

* a row in a summary table at the top of the page (the function, points,
  the verdict in one line: the named mistake when there is one);
* the full verdict, wrapped to the page, above the cell's outputs and
  outside their frame, with the named mistake and its advice set apart;
* its outputs folded away under a line saying the hidden tests failed, so a
  self-check that passed cannot read as a pass.

Everything here is text the grader wrote, or the student's exception
message when a visible self-check raised; it is escaped like any text.
"""
from __future__ import annotations

import copy
import html
from dataclasses import dataclass

from grader_tests.checks import find
from grader_tests.judge import FIX_FIRST, LIKELY
from grader_tests.preprocessors import FAILURE_NAME

SUMMARY_CHARS = 140


@dataclass(frozen=True)
class Verdict:
    grade_id: str
    label: str  # "relu()" or the cell's grade id
    score: float
    points: float
    message: str | None  # None: full marks

    def _parts(self) -> tuple[str, str, str]:
        """(what is wrong, the named mistake with its advice, which function to fix first)"""
        text, _, fix_first = (self.message or "").partition(FIX_FIRST)
        problem, _, mistake = text.partition(LIKELY)
        return problem.strip(), mistake.strip(), (FIX_FIRST + fix_first).strip() if fix_first else ""

    @property
    def problem(self) -> str:
        return self._parts()[0]

    @property
    def mistake(self) -> str:
        return self._parts()[1]

    @property
    def fix_first(self) -> str:
        return self._parts()[2]

    def one_line(self) -> str:
        if self.message is None:
            return "passed"
        if self.fix_first:
            return self.fix_first
        if self.mistake:
            return f"{LIKELY} {self.mistake.split('. ', 1)[0].rstrip('.')}"
        text = self.problem.removeprefix(self.label).lstrip(" :")
        return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def _is_test_cell(cell) -> bool:
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and grading.get("grade") and not grading.get("solution")


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def take_verdicts(nb) -> tuple[object, dict[int, Verdict], list[Verdict]]:
    """A copy of the notebook without the verdict outputs of failed test
    cells, the verdicts by id() of the copy's cells, and all test cells'
    verdicts in notebook order."""
    nb = copy.deepcopy(nb)
    by_cell: dict[int, Verdict] = {}
    ordered: list[Verdict] = []
    for cell in nb.cells:
        if not _is_test_cell(cell):
            continue
        grading = cell.metadata.nbgrader
        grade_id = str(grading.get("grade_id", ""))
        check = find(grade_id)
        label = f"{check.function}()" if check else grade_id
        score, points = _number(grading.get("score")), _number(grading.get("points"))
        message = None
        if score < points:
            outputs = cell.get("outputs", [])
            errors = [o for o in outputs if o.get("output_type") == "error"]
            if outputs and outputs[0].get("output_type") == "error" and outputs[0].get("ename") == FAILURE_NAME:
                message = str(outputs[0].get("evalue", ""))
                cell.outputs = outputs[1:]
            elif errors:
                message = f"the test cell raised {errors[0].get('ename')}: {errors[0].get('evalue', '')}"
            else:
                message = "the test cell lost points"
            by_cell[id(cell)] = verdict = Verdict(grade_id, label, score, points, message)
        else:
            verdict = Verdict(grade_id, label, score, points, None)
        ordered.append(verdict)
    return nb, by_cell, ordered


def _points(verdict: Verdict) -> str:
    return f"{verdict.score:g} / {verdict.points:g}"


def summary_html(verdicts: list[Verdict]) -> str:
    if not verdicts:
        return ""
    rows = "".join(
        f'<tr class="{"passed" if v.message is None else "failed"}">'
        f'<td class="test"><a href="#{html.escape(v.grade_id)}"><code>{html.escape(v.label)}</code></a>'
        f'<br><small>{html.escape(v.grade_id)}</small></td>'
        f'<td class="points">{_points(v)}</td><td>{html.escape(v.one_line())}</td></tr>'
        for v in verdicts)
    return ('<table class="grader-summary"><thead><tr><th>Test</th><th>Points</th><th>Verdict</th>'
            f'</tr></thead><tbody>{rows}</tbody></table>')


def verdict_html(verdict: Verdict | None) -> str:
    if verdict is None:
        return ""
    mistake = ""
    if verdict.mistake:
        mistake = f'<p class="grader-mistake"><strong>{LIKELY}</strong> {html.escape(verdict.mistake)}</p>'
    fix_first = f'<p class="grader-fix-first">{html.escape(verdict.fix_first)}</p>' if verdict.fix_first else ""
    return (f'<div class="grader-verdict"><p class="grader-verdict-title">Hidden tests failed: '
            f'{_points(verdict)} points</p><p>{html.escape(verdict.problem)}</p>{mistake}{fix_first}</div>')


FOLDED_SUMMARY = ("What this cell printed while it was graded (its own self-check may have "
                  "passed; the hidden tests above did not)")

CSS = """
table.grader-summary { width: 100%; margin: 0.8em 0 0.2em; border-collapse: collapse; font-size: 13px; }
table.grader-summary th, table.grader-summary td { padding: 3px 8px; border-bottom: 1px solid #ddd;
  vertical-align: top; }
table.grader-summary td:last-child { overflow-wrap: anywhere; }
table.grader-summary td.test small { color: #757575; }
table.grader-summary th, table.grader-summary td.points { white-space: nowrap; text-align: right; }
table.grader-summary th:first-child, table.grader-summary th:last-child { text-align: left; }
table.grader-summary tr.failed td:last-child { color: #a4000f; }
table.grader-summary tr.passed td:last-child { color: #1b5e20; }
div.grader-verdict { margin: 0.5em 0.4em; padding: 0.5em 0.8em; border: 2px solid #c62828;
  background: #fff5f5; white-space: normal; overflow-wrap: anywhere; font-size: 14px; }
div.grader-verdict p { margin: 0.2em 0; }
p.grader-verdict-title { font-weight: bold; color: #a4000f; }
p.grader-fix-first { font-weight: bold; }
p.grader-mistake { background: #fffde7; padding: 0.3em 0.5em; border-left: 4px solid #f9a825; }
details.grader-folded > summary { display: list-item; cursor: pointer; color: #555; margin: 0.3em 0.4em; }
#toc { display: none; }
"""
