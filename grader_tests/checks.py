"""Grader side: the registry of trusted checks.

A check belongs to one graded test cell (its ``check_id`` is the cell's
nbgrader ``grade_id``). It pairs the kernel side's inputs for that cell (which
student function the hidden part calls, on which grader-chosen arguments:
``grader_tests.kernel.inputs``) with what only the grader holds: the
tolerances, the known mistakes and the judge. The chapters' checks are in
``grader_tests.chapters``.

The student's kernel never imports this module: it may import
``grader_tests.kernel`` only, and nothing there imports the grader side.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np

from grader_tests.kernel import inputs as kernel_inputs

Args = tuple
# A judge receives the student's outputs, the reference outputs and the call's
# arguments, and returns a failure message or None.
Judge = Callable[[Any, Any, Args], Optional[str]]


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation and the message that names it."""

    name: str
    implementation: Callable[..., Any]
    advice: str = ""


@dataclass(frozen=True)
class Check:
    check_id: str
    function: str
    calls: Callable[[np.random.Generator], Sequence[Args]]
    rtol: float = 1e-7
    atol: float = 1e-10
    # Reject outputs computed with a numpy warning (overflow, invalid value).
    forbid_warnings: bool = False
    # Fail a call that changes its arguments in place (the docstring promises
    # they are left as they were): True for all of them, or the names of those
    # that must not change (a state the function may update is left out).
    keeps_inputs: bool | tuple[str, ...] = False
    # Fail a call that never draws from its np.random.Generator argument (the
    # docstring says that rng is the source of the randomness).
    draws_from_rng: bool = False
    mistakes: tuple[Mistake, ...] = ()
    # Replaces the element-wise comparison for outputs that are not unique
    # (e.g. weights that solve XOR): judge(got, expected, args) -> message.
    judge: Optional[Judge] = None
    # Name of the reference function, when it differs from ``function``.
    reference: Optional[str] = None
    what: str = field(default="")

    @property
    def seed(self) -> int:
        return kernel_inputs.seed(self.check_id)

    def make_calls(self) -> list[Args]:
        return kernel_inputs.make_calls(self.check_id, self.calls)


def check(check_id: str, **grading: Any) -> Check:
    """The check of the kernel side's inputs for ``check_id``, with the
    grader's tolerances, mistakes and judge."""
    inputs = kernel_inputs.find(check_id)
    if inputs is None:
        raise ValueError(f"the kernel side has no inputs for check {check_id!r}")
    return Check(check_id, inputs.function, inputs.calls, **grading)


_REGISTRY: dict[str, Check] = {}


def register(*checks: Check) -> None:
    for one in checks:
        if one.check_id in _REGISTRY:
            raise ValueError(f"check {one.check_id!r} is registered twice")
        _REGISTRY[one.check_id] = one


@functools.cache
def _load_chapters() -> None:
    """Import every chapter module (``grader_tests.chapters.chNN_*``) once."""
    import grader_tests.chapters

    for info in pkgutil.iter_modules(grader_tests.chapters.__path__):
        if info.name.startswith("ch"):
            importlib.import_module(f"grader_tests.chapters.{info.name}")


def all_checks() -> dict[str, Check]:
    # Loaded once even when a chapter was imported on its own beforehand.
    _load_chapters()
    return dict(_REGISTRY)


def find(check_id: str) -> Optional[Check]:
    return all_checks().get(check_id)
