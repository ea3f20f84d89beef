"""The trust boundary between the student's kernel and the grader.

The sandboxed kernel may import ``grader_tests.kernel`` (the recorder and the
grader-chosen inputs) and ``dlcourse.sliders``, nothing else of the course.
Running a hidden test cell loads no grader-side module, and nothing the
kernel can import computes a graded function: every callable in reach, put in
place of the student's function, fails every check.
"""
from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import json
import os
import pkgutil
import signal
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import grader_tests.kernel
from dlcourse.release import chapters
from grader_tests.chapters import precompute
from grader_tests.checks import all_checks, find
from grader_tests.kernel.inputs import all_inputs, make_calls
import simulated_class as sim

ROOT = Path(__file__).resolve().parent.parent
KERNEL_MODULES = ["grader_tests.kernel"] + sorted(
    info.name for info in pkgutil.walk_packages(grader_tests.kernel.__path__, "grader_tests.kernel."))
# Besides the kernel package, the only course module the sandbox exposes.
EXPOSED_MODULES = KERNEL_MODULES + ["dlcourse.sliders"]
SECONDS_PER_CALL = 5.0


def _chapter_module(check_id: str) -> str:
    return all_inputs()[check_id].calls.__module__


def test_kernel_and_grader_know_the_same_checks():
    assert set(all_inputs()) == set(all_checks())


def test_kernel_modules_import_only_the_standard_library_numpy_and_the_kernel():
    for name in KERNEL_MODULES:
        tree = ast.parse(Path(importlib.import_module(name).__file__).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                imported = [node.module or ""]
            else:
                continue
            for module in imported:
                top = module.split(".")[0]
                assert (top in sys.stdlib_module_names or top == "numpy" or module == "grader_tests.kernel"
                        or module.startswith("grader_tests.kernel.")), f"{name} imports {module}"


def test_precomputed_inputs_are_current():
    assert precompute.PATH.read_text() == precompute.text(), (
        "grader_tests/kernel/inputs/precomputed.py is stale: run python -m grader_tests.chapters.precompute")


# ---- a hidden test cell loads nothing of the grader side ----

HIDDEN_CELLS = """
import json, sys
from grader_tests.kernel.record import record
for check_id, function in {checks!r}:
    record(check_id, {{function: lambda *args, **kwargs: 0.0}})
print(json.dumps(sorted(sys.modules)))
"""


def test_a_hidden_test_cell_imports_only_the_kernel_side(tmp_path):
    # One check of each chapter, run in a fresh interpreter as in the kernel.
    checks = {_chapter_module(check_id): (check_id, inputs.function) for check_id, inputs in all_inputs().items()}
    assert len(checks) == len(chapters())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", HIDDEN_CELLS.format(checks=sorted(checks.values()))],
                         cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert run.stderr == ""
    loaded = json.loads(run.stdout)
    grader_side = [name for name in loaded if name.startswith("grader_tests.")
                   and name != "grader_tests.kernel" and not name.startswith("grader_tests.kernel.")]
    assert grader_side == []
    for check_id, _ in checks.values():
        recorded = json.loads((tmp_path / ".grader_records" / f"{check_id}.json").read_text())
        assert "fatal" not in recorded and recorded["calls"], check_id


# ---- nothing in the kernel's reach computes a graded function ----

_ATOMS = (str, bytes, int, float, complex, bool, type(None), np.ndarray, np.generic, np.random.Generator,
          types.ModuleType)


def _reachable_callables(roots, owners: set[str]) -> list:
    """Every callable defined in one of the ``owners`` modules that is reachable
    from ``roots``: functions (closures and defaults included), classes and
    their methods, callable instances and their methods, and partials, found
    through containers, dataclass fields and attributes."""
    found: dict[int, object] = {}
    seen: set[int] = set()

    def ours(value) -> bool:
        return getattr(value, "__module__", None) in owners

    def visit(value):
        if id(value) in seen or isinstance(value, _ATOMS):
            return
        seen.add(id(value))
        if isinstance(value, functools.partial):
            found[id(value)] = value
            for part in (value.func, value.args, value.keywords):
                visit(part)
        elif isinstance(value, types.FunctionType):
            if ours(value):
                found[id(value)] = value
                for part in (value.__defaults__, value.__kwdefaults__,
                             [cell.cell_contents for cell in value.__closure__ or ()]):
                    visit(part)
        elif isinstance(value, type):
            if ours(value):
                found[id(value)] = value
                for attribute in vars(value).values():
                    visit(attribute.__func__ if isinstance(attribute, (staticmethod, classmethod)) else attribute)
        elif isinstance(value, dict):
            for item in (*value.keys(), *value.values()):
                visit(item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                visit(item)
        elif ours(type(value)):  # an instance of a class defined there
            if callable(value):
                found[id(value)] = value
            for name, attribute in vars(type(value)).items():
                if isinstance(attribute, types.FunctionType) and not name.startswith("__"):
                    found[id(bound := getattr(value, name))] = bound
                    seen.add(id(bound))
            visit([getattr(value, field.name) for field in dataclasses.fields(value)]
                  if dataclasses.is_dataclass(value) else vars(value) if hasattr(value, "__dict__") else ())
    visit(roots)
    return list(found.values())


def kernel_reach() -> list:
    """The callables of the exposed modules' globals and of every check's inputs."""
    modules = [importlib.import_module(name) for name in EXPOSED_MODULES]
    inputs = [make_calls(check_id, entry.calls) for check_id, entry in all_inputs().items()]
    return _reachable_callables([vars(module) for module in modules] + inputs, set(EXPOSED_MODULES))


class _TooSlow(Exception):
    pass


def _time_limited(candidate):
    """The candidate, stopped with an exception (which the recorder notes as the
    student's) when one call runs longer than SECONDS_PER_CALL."""
    def call(*args, **kwargs):
        def stop(signum, frame):
            raise _TooSlow(f"{SECONDS_PER_CALL} s")
        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_CALL)
        try:
            return candidate(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return call


def _binds(candidate, calls) -> bool:
    """False when some call's arguments cannot bind to the candidate's
    signature: the recorder would note a TypeError, a certain failure, so
    judging it can be skipped (that keeps this test fast)."""
    try:
        signature = inspect.signature(candidate)
    except (TypeError, ValueError):  # no signature to read: judge it
        return True
    try:
        for args in calls:
            signature.bind(*args)
    except TypeError:
        return False
    return True


def _name(candidate) -> str:
    owner = candidate if isinstance(candidate, (type, types.FunctionType)) else type(candidate)
    return f"{getattr(owner, '__module__', '?')}.{getattr(candidate, '__qualname__', repr(candidate))}"


def test_the_kernel_reaches_the_input_objects():
    names = {_name(candidate) for candidate in kernel_reach()}
    assert "grader_tests.kernel.record.record" in names
    assert any("IssuedWeights" in name for name in names)  # found in the inputs, not only as a class
    assert "dlcourse.sliders.show" in names


@pytest.mark.parametrize("chapter", chapters())
def test_nothing_the_kernel_can_import_passes_a_check(verdict, chapter):
    candidates = kernel_reach()
    passed = []
    for check_id in sim.check_ids(chapter):
        check = find(check_id)
        calls = check.make_calls()
        for candidate in candidates:
            if not _binds(candidate, calls):
                continue
            if verdict(chapter, check_id, {check.function: _time_limited(candidate)}) is None:
                passed.append(f"{_name(candidate)} passes {check_id}")
    assert passed == []
