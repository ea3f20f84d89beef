"""Kernel side: the registry of grader-chosen inputs.

Each chapter module here (``chNN_topic``) defines ``INPUTS``, mapping a
check's id (the graded cell's nbgrader ``grade_id``) to the name of the
student function its hidden test calls and the maker of that call's
arguments. Tolerances, known mistakes and judges are the grader side's
(``grader_tests.chapters``); the grader builds each ``Check`` from the entry
here, so the kernel and the grader always use the same arguments.
"""
from __future__ import annotations

import importlib
import pkgutil
import zlib
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

Args = tuple
Maker = Callable[[np.random.Generator], Sequence[Args]]


@dataclass(frozen=True)
class Inputs:
    function: str  # the student's function the hidden test calls
    calls: Maker


def seed(check_id: str) -> int:
    # Fixed per check so grading is reproducible and independent of the
    # order in which checks run.
    return zlib.crc32(check_id.encode())


def make_calls(check_id: str, calls: Maker) -> list[Args]:
    return list(calls(np.random.default_rng(seed(check_id))))


_REGISTRY: dict[str, Inputs] = {}


def _load_chapters() -> None:
    """Import every chapter module (``grader_tests.kernel.inputs.chNN_*``) once."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("ch"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for check_id, (function, calls) in module.INPUTS.items():
            if check_id in _REGISTRY:
                raise ValueError(f"inputs for {check_id!r} are defined twice")
            _REGISTRY[check_id] = Inputs(function, calls)


def all_inputs() -> dict[str, Inputs]:
    if not _REGISTRY:
        _load_chapters()
    return dict(_REGISTRY)


def find(check_id: str) -> Optional[Inputs]:
    return all_inputs().get(check_id)
