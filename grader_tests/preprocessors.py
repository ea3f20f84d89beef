"""The nbgrader preprocessor that executes a submission and judges it.

``TrustedExecute`` replaces nbgrader's ``Execute``. Around every graded test
cell that has a registered check it

1. deletes that check's record file just before the cell runs, so only the
   cell itself can write it (files shipped in the submission, or written by
   an earlier or later cell, are never judged);
2. right after the cell runs, judges the record in this process against the
   reference, which the student's kernel never holds;
3. on failure puts an error output first in the cell, which nbgrader's
   ``SaveAutoGrades`` scores as zero;
4. when the notebook is done, saves every check's verdict, with the mistake
   it named, for the instructor's insight page (``grader_tests.verdict_log``).

A graded cell that never ran fails too, instead of keeping the full marks
nbgrader gives to a test cell without an error. Execution stops at the first
cell that times out or kills the kernel (a loop that ignores interrupts
would otherwise cost the timeout once per remaining cell); the cells before
it keep their scores. Each output's text is cut to ``max_output_chars``
(nbgrader's LimitOutput counts lines only, so 50 MB printed in long lines
would otherwise land in the graded notebook and the feedback).

Every kernel runs in the allow-list sandbox of ``grader_tests.sandbox``, with
whole-sandbox limits (``grader_tests.cgroups``), whoever starts the grading:
``grade_class``, a stock ``nbgrader autograde`` or the formgrader's Autograde
button. Where bubblewrap cannot run it refuses, unless grade_class was told
``--allow-unsandboxed``. Records are read as untrusted files
(``grader_tests.records``); an exception while judging one check fails that
check only.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade
from traitlets import Integer

from grader_tests import events, records, sandbox, submissions, untrusted_files, verdict_log
from grader_tests.cgroups import KernelLimits
from grader_tests.checks import Check, find
from grader_tests.judge import judge
from grader_tests.kernel_client import ReadyKernelClient
from grader_tests.machine_paths import scrub
from grader_tests.reference import load_reference

FAILURE_NAME = "GradingFailure"
KERNEL_DIED = "the kernel died (it exited, crashed or ran out of memory or CPU time)"
TIMED_OUT = "a cell ran longer than the time limit"
TRUNCATED = "[output truncated by the grader:"
LIMIT_HIT = "it hit the sandbox's limit on"
FULL_DISK_MARGIN = 1024 * 1024  # less free space than this in a tmpfs counts as full
# Set by grade_class --allow-unsandboxed: the one way to run a kernel outside the sandbox.
ALLOW_UNSANDBOXED_VAR = "COURSE_ALLOW_UNSANDBOXED"
REFUSAL = ("refusing to run student code outside the sandbox ({}); grade with "
           "`python -m grader_tests.grade_class` (see the README's instructor guide)")


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


def scrub_outputs(cell) -> None:
    """No path of the grading machine in what the cell shows (tracebacks,
    warnings printed to stderr)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            output.text = scrub(output.text)
        elif output.get("output_type") == "error":
            output.evalue = scrub(output.get("evalue", ""))
            output.traceback = [scrub(line) for line in output.get("traceback", [])]


def verdict(check: Check, folder: Path | None, chapter: str,
            failed: frozenset = frozenset()) -> str | None:
    """The trusted verdict on one check's record; any failure to read or
    judge it fails this check alone. ``failed``: the notebook's functions
    that failed a check so far."""
    return judged(check, folder, chapter, failed)[0]


def judged(check: Check, folder: Path | None, chapter: str,
           failed: frozenset = frozenset()) -> tuple[str | None, dict | None]:
    """``verdict``, and the record it judged (None if missing or refused)."""
    name = f"{check.function}()"
    try:
        recorded = records.read(folder, check.check_id) if folder else None
    except records.BadRecord as problem:
        return f"{name}: {problem}.", None
    try:
        return judge(check, recorded, load_reference(chapter), failed), recorded
    except Exception as error:  # a value the judge did not expect
        return (f"{name}: the grader could not judge what it returned "
                f"({type(error).__name__}); check the types the docstring asks for."), recorded


def _graded_submission(resources) -> tuple[Path, str, str] | None:
    """(course root, student, chapter) of the notebook nbgrader autogrades, or None."""
    grading = (resources or {}).get("nbgrader", {})
    folder = (resources or {}).get("metadata", {}).get("path")
    if not folder or not grading.get("student"):
        return None
    return Path(folder).resolve().parents[2], grading["student"], grading["assignment"]


def _refuse_links(resources) -> None:
    """nbgrader copied the submission before this runs, following links (into
    solutions, the gradebook, ...). grade_class's intake quarantines them
    first; on any other path (a stock ``nbgrader autograde``, the formgrader)
    such a submission fails here, and nbgrader deletes its copy."""
    if (graded := _graded_submission(resources)) is None:
        return
    course, student, chapter = graded
    key = f"{student}/{chapter}"
    if found := submissions.unwanted_entries(course / "submitted", key, f"{chapter}.ipynb"):
        raise RuntimeError(f"{len(found)} links, special or oversize files in submitted/{key}; "
                           "grade with `python -m grader_tests.grade_class`, which quarantines them")


@functools.lru_cache(maxsize=None)
def _sandbox_unavailable() -> str | None:
    return sandbox.unavailable_reason()  # once per grading process, not per notebook


class TrustedExecute(Execute):
    max_output_chars = Integer(100_000, help="characters kept of each output's text").tag(config=True)
    _limits: KernelLimits | None = None  # set per notebook; None outside the sandbox
    _root: Path | None = None  # /proc/<pid>/root of the running sandbox

    def _sandboxed(self) -> bool:
        reason = _sandbox_unavailable()
        if reason is None:
            return True
        if os.environ.get(ALLOW_UNSANDBOXED_VAR) != "1":
            raise RuntimeError(REFUSAL.format(reason))
        return False

    def _sandbox_path(self, inside: str) -> Path | None:
        """A path of the running sandbox, seen from this process."""
        return self._root / inside.lstrip("/") if self._root else None

    def _records_folder(self) -> Path | None:
        """Where the kernel's working copy is, seen from this process."""
        if self._limits is None:  # unsandboxed: the kernel ran in the notebook's folder
            return Path(self.resources.get("metadata", {}).get("path") or ".")
        return self._sandbox_path(sandbox.WORKDIR)

    def _note_full_disk(self) -> None:
        """The kernel sees ENOSPC, the grader nothing: look at the tmpfs."""
        for inside in (sandbox.WORKDIR, "/tmp"):
            folder = self._sandbox_path(inside)
            try:
                usage = os.statvfs(folder) if folder else None
            except OSError:
                continue
            if usage and usage.f_bavail * usage.f_frsize < FULL_DISK_MARGIN:
                self._disk_full = True

    def _limits_hit(self) -> list[str]:
        hits = self._limits.hit() if self._limits is not None else []
        return hits + ["disk"] * self._disk_full

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.client_factory = ReadyKernelClient
        if self._limits is not None:
            km._kernel_spec = sandbox.kernel_spec(self._sandbox_limits)
            # Unix sockets in a folder of their own: the sandbox needs no network.
            km.transport = "ipc"
            km.ip = str(Path(self._sockets) / "kernel")
        return km

    async def async_start_new_kernel(self, **kwargs):
        if self._limits is not None:
            kwargs["env"] = {**os.environ, sandbox.CGROUPS_VAR: self._limits.env_value()}
        await super().async_start_new_kernel(**kwargs)

    # nbclient binds its synchronous wrappers to its own coroutines.
    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        if self._limits is not None:  # sockets are bound: no more files there
            os.chmod(self._sockets, 0o755)
            # Found once per kernel, not on every cell: the sandbox keeps its root.
            self._root = sandbox.sandbox_root(self.km.provisioner.process.pid)
        return client

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def preprocess(self, nb, resources=None, km=None):
        self._ran: set[int] = set()  # cells that were executed (by id)
        self._stopped: str | None = None
        self.resources = resources
        self._limits: KernelLimits | None = None
        self._root = None
        self._output_sizes: dict[int, int] = {}
        self._disk_full = False
        self._dropped: set[int] = set()
        self._failed: set[str] = set()  # functions whose checks failed so far
        self._verdicts: dict[str, verdict_log.Verdict] = {}  # by check id, for the insight page
        _refuse_links(resources)
        if self._sandboxed():
            self._sandbox_limits = sandbox.Limits.from_env(os.environ.get(sandbox.LIMITS_VAR))
            self._limits = KernelLimits.create(f"course-kernel-{os.getpid()}-{id(nb)}",
                                               self._sandbox_limits.memory_mb * 1024 * 1024,
                                               self._sandbox_limits.processes)
            self._sockets = tempfile.mkdtemp(prefix="course-kernel-")
            os.chmod(self._sockets, 0o777)  # the kernel's user binds its sockets here
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
            self._save_verdicts(nb, resources)
            hits = self._limits_hit()
            if self._limits is not None:
                self._limits.remove()
                shutil.rmtree(self._sockets, ignore_errors=True)
            grading = resources.get("nbgrader", {}) if resources else {}
            events.emit(event="executed", student=grading.get("student"), chapter=grading.get("assignment"),
                        stopped=self._stopped, limits=hits)

    def output(self, outs, msg, display_id, cell_index):
        """Keeps at most ``max_output_chars`` of what one cell sends, as it
        arrives: the rest never accumulates in this process."""
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(
            len(value) for value in content.get("data", {}).values() if isinstance(value, str))
        self._output_sizes[cell_index] = used = self._output_sizes.get(cell_index, 0) + size
        if used <= self.max_output_chars:
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self._dropped:
            self._dropped.add(cell_index)
            outs.append(new_output("stream", name="stdout", text=f"\n{TRUNCATED} the rest of this cell's "
                                   f"output was dropped, limit {self.max_output_chars} characters]\n"))
        return None

    def _tidy_outputs(self, cell) -> None:
        limit_output(cell, self.max_output_chars)
        scrub_outputs(cell)

    def _died(self) -> str:
        hits = self._limits_hit()
        return f"{KERNEL_DIED}; {LIMIT_HIT} {' and '.join(hits)}" if hits else KERNEL_DIED

    def _execute(self, cell, resources, index):
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._tidy_outputs(cell)
            self._stopped = self._died()
            cell.outputs.insert(0, failure_output(f"The notebook stopped here: {self._stopped}."))
            return cell, resources
        except CellTimeoutError:  # a kernel that ignores the interrupt stops answering
            cell.outputs.append(new_output("error", ename="CellTimeoutError", evalue="", traceback=[]))
        self._tidy_outputs(cell)
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
            return self._executed(cell, resources, index)
        self._delete_record(check)
        cell, resources = self._executed(cell, resources, index)
        if self._stopped:  # the cell holds the error that stopped the notebook
            return cell, resources
        chapter = resources["nbgrader"]["assignment"]
        message, recorded = judged(check, self._records_folder(), chapter, frozenset(self._failed))
        if message:
            self._failed.add(check.function)
        apply_verdict(cell, message)
        self._verdicts[check.check_id] = verdict_log.judged(check, verdict_log.points(cell), message,
                                                            recorded, chapter)
        return cell, resources

    def _save_verdicts(self, nb, resources) -> None:
        """Every registered check's verdict, for the instructor's insight page
        (``grader_tests.verdict_log``); a check without one did not run."""
        if (graded := _graded_submission(resources)) is None:
            return
        course, student, chapter = graded
        verdicts = tuple(self._verdicts.get(check.check_id)
                         or verdict_log.did_not_run(check, verdict_log.points(cell))
                         for cell in nb.cells if (check := check_of(cell)))
        try:
            verdict_log.save(course, verdict_log.Submission(student, chapter, self._stopped, verdicts))
        except (OSError, ValueError):  # the grades stand without it
            self.log.warning("could not save the verdicts of %s/%s", student, chapter, exc_info=True)

    def _executed(self, cell, resources, index):
        cell, resources = self._execute(cell, resources, index)
        if self._limits is not None and not self._stopped:
            self._note_full_disk()
        return cell, resources

    def _delete_record(self, check: Check) -> None:
        """Only the cell itself may write its record: whatever an earlier cell
        left there goes (a link is removed, never followed)."""
        folder = self._records_folder()
        if folder is not None:
            untrusted_files.remove(folder, f"{records.RECORD_DIR}/{check.check_id}.json")
