"""nbgrader preprocessors that run in the grader's own process.

``ClearRecords`` goes before ``Execute``: records shipped inside a submission
folder must never be judged. ``TrustedComparison`` goes right after
``Execute``: for every graded test cell that has a registered check it judges
the record written during this execution and, on failure, puts an error
output first in the cell, which nbgrader's ``SaveAutoGrades`` scores as zero.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade

from grader_tests.checks import find
from grader_tests.judge import judge
from grader_tests.record import RECORD_DIR
from grader_tests.reference import load_reference

FAILURE_NAME = "GradingFailure"


def _record_dir(resources) -> Path:
    return Path(resources.get("metadata", {}).get("path") or ".") / RECORD_DIR


def _read_record(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def failure_output(message: str):
    # The traceback is the message alone: feedback must show neither hidden
    # code nor grader paths.
    return new_output("error", ename=FAILURE_NAME, evalue=message,
                      traceback=[f"{FAILURE_NAME}: {message}"])


class ClearRecords(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        shutil.rmtree(_record_dir(resources), ignore_errors=True)
        return nb, resources


class TrustedComparison(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        records = _record_dir(resources)
        chapter = resources.get("nbgrader", {}).get("assignment")
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            check = find(cell.metadata.nbgrader.get("grade_id", ""))
            if check is None:
                continue
            message = judge(check, _read_record(records / f"{check.check_id}.json"),
                            load_reference(chapter))
            # A value left as the cell's result would be read by nbgrader as
            # partial credit; only the trusted verdict decides the score.
            cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
            if message:
                self.log.info("%s: %s", check.check_id, message)
                cell.outputs.insert(0, failure_output(message))
        shutil.rmtree(records, ignore_errors=True)
        return nb, resources
