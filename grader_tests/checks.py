"""The registry of trusted checks.

A check belongs to one graded test cell (its ``check_id`` is the cell's
nbgrader ``grade_id``). It says which student function the hidden part of the
cell calls and on which grader-chosen arguments; the grader later compares the
recorded outputs with the reference implementation and names known mistakes.

This module is imported inside the student's kernel (by ``record``), so it must
never import the reference implementations: those are loaded only in the
grader's own process (see ``judge``).
"""
from __future__ import annotations

import copy
import importlib
import pkgutil
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np

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
    mistakes: tuple[Mistake, ...] = ()
    # Replaces the element-wise comparison for outputs that are not unique
    # (e.g. weights that solve XOR): judge(got, expected, args) -> message.
    judge: Optional[Judge] = None
    # Name of the reference function, when it differs from ``function``.
    reference: Optional[str] = None
    what: str = field(default="")

    @property
    def seed(self) -> int:
        # Fixed per check so grading is reproducible and independent of the
        # order in which checks run.
        return zlib.crc32(self.check_id.encode())

    def make_calls(self) -> list[Args]:
        return list(self.calls(np.random.default_rng(self.seed)))


def call_with_warnings(function: Callable, args: Args) -> tuple[Any, list[str]]:
    """Call on a copy of the arguments; return the output and numpy's warnings.

    Underflow is left silent, as numpy's default does: exp(-1000) == 0.0 is
    the right answer, not a mistake.
    """
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        output = function(*copy.deepcopy(args))
    return output, [f"{w.category.__name__}: {w.message}" for w in caught]


_REGISTRY: dict[str, Check] = {}


def register(*checks: Check) -> None:
    for check in checks:
        if check.check_id in _REGISTRY:
            raise ValueError(f"check {check.check_id!r} is registered twice")
        _REGISTRY[check.check_id] = check


def _load_chapters() -> None:
    """Import every chapter module (``grader_tests.chNN_*``) once."""
    import grader_tests

    for info in pkgutil.iter_modules(grader_tests.__path__):
        if info.name.startswith("ch"):
            importlib.import_module(f"grader_tests.{info.name}")


def all_checks() -> dict[str, Check]:
    if not _REGISTRY:
        _load_chapters()
    return dict(_REGISTRY)


def find(check_id: str) -> Optional[Check]:
    return all_checks().get(check_id)
