"""The nbgrader preprocessor that executes a submission and judges it.

``TrustedExecute`` replaces nbgrader's ``Execute``. Around every graded test
cell that has a registered check it

1. deletes that check's record file just before the cell runs, so only the
   cell itself can write it (files shipped in the submission, or written by
   an earlier or later cell, are never judged);
2. right after the cell runs, judges the record in this process against the
   reference, which the student's kernel never holds;
3. on failure puts an error output first in the cell, which nbgrader's
   ``SaveAutoGrades`` scores as zero.

A registered cell that never ran (the kernel died or the notebook stopped
early) fails too, instead of keeping the full marks nbgrader gives to a test
cell without an error.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade

from grader_tests.checks import Check, find
from grader_tests.judge import judge
from grader_tests.record import RECORD_DIR
from grader_tests.reference import load_reference

FAILURE_NAME = "GradingFailure"


def check_of(cell) -> Check | None:
    if cell.cell_type != "code" or not is_grade(cell):
        return None
    return find(cell.metadata.nbgrader.get("grade_id", ""))


def failure_output(message: str):
    # The traceback is the message alone: feedback must show neither hidden
    # code nor grader paths.
    return new_output("error", ename=FAILURE_NAME, evalue=message,
                      traceback=[f"{FAILURE_NAME}: {message}"])


def apply_verdict(cell, message: str | None) -> None:
    # A value left as the cell's result would be read by nbgrader as partial
    # credit; only the trusted verdict decides the score.
    cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
    if message:
        cell.outputs.insert(0, failure_output(message))


def _read_record(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class TrustedExecute(Execute):
    def _records(self) -> Path:
        return Path(self.resources.get("metadata", {}).get("path") or ".") / RECORD_DIR

    def preprocess(self, nb, resources=None, km=None):
        self._judged: set[str] = set()
        self.resources = resources
        shutil.rmtree(self._records(), ignore_errors=True)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            for cell in nb.cells:
                check = check_of(cell)
                if check and check.check_id not in self._judged:
                    apply_verdict(cell, f"{check.function}(): this test cell did not run "
                                        "(the notebook stopped before it).")
            shutil.rmtree(self._records(), ignore_errors=True)

    def preprocess_cell(self, cell, resources, index):
        check = check_of(cell)
        if check is None:
            return super().preprocess_cell(cell, resources, index)
        record_file = self._records() / f"{check.check_id}.json"
        record_file.unlink(missing_ok=True)
        cell, resources = super().preprocess_cell(cell, resources, index)
        chapter = resources["nbgrader"]["assignment"]
        message = judge(check, _read_record(record_file), load_reference(chapter))
        if message:
            self.log.info("%s: %s", check.check_id, message)
        apply_verdict(cell, message)
        self._judged.add(check.check_id)
        return cell, resources
