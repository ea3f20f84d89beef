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

A graded cell that never ran fails too, instead of keeping the full marks
nbgrader gives to a test cell without an error. Execution stops at the first
cell that times out or kills the kernel (a loop that ignores interrupts
would otherwise cost the timeout once per remaining cell); the cells before
it keep their scores. Each output's text is cut to ``max_output_chars``
(nbgrader's LimitOutput counts lines only, so 50 MB printed in long lines
would otherwise land in the graded notebook and the feedback).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade
from traitlets import Integer

from grader_tests.checks import Check, find
from grader_tests.judge import judge
from grader_tests.kernel_client import ReadyKernelClient
from grader_tests.kernel.record import RECORD_DIR
from grader_tests.reference import load_reference

FAILURE_NAME = "GradingFailure"
KERNEL_DIED = "the kernel died (it exited, crashed or ran out of memory or CPU time)"
TIMED_OUT = "a cell ran longer than the time limit"
TRUNCATED = "[output truncated by the grader:"


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


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n{TRUNCATED} {len(text)} characters, limit {limit}]\n"


def limit_output(cell, limit: int) -> None:
    """Cuts every text of the cell's outputs to ``limit`` characters."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            output.text = _cut(output.text, limit)
        for mime, value in output.get("data", {}).items():
            if isinstance(value, str):
                output.data[mime] = _cut(value, limit)


def _read_record(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class TrustedExecute(Execute):
    max_output_chars = Integer(100_000, help="characters kept of each output's text").tag(config=True)

    def _records(self) -> Path:
        return Path(self.resources.get("metadata", {}).get("path") or ".") / RECORD_DIR

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.client_factory = ReadyKernelClient
        return km

    def preprocess(self, nb, resources=None, km=None):
        self._ran: set[int] = set()  # cells that were executed (by id)
        self._stopped: str | None = None
        self.resources = resources
        shutil.rmtree(self._records(), ignore_errors=True)
        try:
            return super().preprocess(nb, resources, km)
        except Exception:
            # Shutting down a dead or hung kernel can raise too; the notebook
            # is graded as far as it ran.
            if not self._stopped:
                raise
            self.log.warning("while stopping the kernel", exc_info=True)
            return nb, resources
        finally:
            reason = f" ({self._stopped})" if self._stopped else ""
            for cell in nb.cells:
                if cell.cell_type != "code" or not is_grade(cell) or id(cell) in self._ran:
                    continue
                check = check_of(cell)
                name = f"{check.function}(): this" if check else "This"
                apply_verdict(cell, f"{name} test cell did not run: the notebook stopped "
                                    f"before it{reason}.")
            shutil.rmtree(self._records(), ignore_errors=True)

    def _execute(self, cell, resources, index):
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            limit_output(cell, self.max_output_chars)
            self._stopped = KERNEL_DIED
            cell.outputs.insert(0, failure_output(f"The notebook stopped here: {KERNEL_DIED}."))
            return cell, resources
        except CellTimeoutError:  # a kernel that ignores the interrupt stops answering
            cell.outputs.append(new_output("error", ename="CellTimeoutError", evalue="", traceback=[]))
        limit_output(cell, self.max_output_chars)
        # An interrupted cell shows KeyboardInterrupt, one that ignored the
        # interrupt CellTimeoutError.
        if any(o.output_type == "error" and o.ename in ("CellTimeoutError", "KeyboardInterrupt")
               for o in cell.get("outputs", [])):
            self._stopped = f"{TIMED_OUT} ({self.timeout} s)"
            cell.outputs.insert(0, failure_output(f"The notebook stopped here: {self._stopped}."))
        return cell, resources

    def preprocess_cell(self, cell, resources, index):
        if self._stopped:
            return cell, resources
        self._ran.add(id(cell))
        check = check_of(cell)
        if check is None:
            return self._execute(cell, resources, index)
        record_file = self._records() / f"{check.check_id}.json"
        record_file.unlink(missing_ok=True)
        cell, resources = self._execute(cell, resources, index)
        if self._stopped:  # the cell holds the error that stopped the notebook
            return cell, resources
        chapter = resources["nbgrader"]["assignment"]
        message = judge(check, _read_record(record_file), load_reference(chapter))
        if message:
            self.log.info("%s: %s", check.check_id, message)
        apply_verdict(cell, message)
        return cell, resources
