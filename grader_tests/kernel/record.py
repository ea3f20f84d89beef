"""Kernel side of the trusted comparison: the recorder.

The hidden part of a graded test cell calls ``record(check_id, globals())``.
It runs the student's function on the check's grader-chosen arguments and
writes what came back (outputs, exceptions, warnings) to
``.grader_records/<check_id>.json`` in the notebook's folder. It decides
nothing: the grader's own process reads the file after execution, computes
the reference outputs and judges them (``grader_tests.judge``).

``record`` never raises and never prints to stderr, so the cell's outcome is
left entirely to the grader.
"""
from __future__ import annotations

import copy
import json
import os
import warnings
from typing import Any, Callable

import numpy as np

from grader_tests.kernel import RECORD_DIR
from grader_tests.kernel.inputs import find, make_calls



def call_with_warnings(function: Callable, args: tuple) -> tuple[Any, list[str]]:
    """Call on a copy of the arguments; return the output and numpy's warnings.

    Underflow is left silent, as numpy's default does: exp(-1000) == 0.0 is
    the right answer, not a mistake.
    """
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        output = function(*copy.deepcopy(args))
    return output, [f"{w.category.__name__}: {w.message}" for w in caught]


def encode(value: Any) -> dict:
    """A JSON-safe description of a returned value (arrays kept exactly)."""
    if isinstance(value, (tuple, list)):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, str):  # e.g. the name of a parameter
        return {"str": value}
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        return {"unsupported": type(value).__name__}
    return {
        "type": type(value).__name__,
        "dtype": str(array.dtype),
        "shape": list(array.shape),
        "data": array.ravel().tolist(),
    }


def _run_one(function, args) -> dict:
    entry: dict = {"error": None, "warnings": [], "output": None}
    try:
        output, entry["warnings"] = call_with_warnings(function, args)
        entry["output"] = encode(output)
    except Exception as error:  # the student's exception is data here
        entry["error"] = f"{type(error).__name__}: {error}"
    return entry


def record(check_id: str, namespace: dict) -> None:
    inputs = find(check_id)
    result: dict = {"check_id": check_id, "calls": []}
    if inputs is None:
        result["fatal"] = f"unknown check {check_id!r}"
    elif not callable(namespace.get(inputs.function)):
        result["fatal"] = f"function {inputs.function}() is not defined; run its cell first"
    else:
        function = namespace[inputs.function]
        result["calls"] = [_run_one(function, args) for args in make_calls(check_id, inputs.calls)]
    os.makedirs(RECORD_DIR, exist_ok=True)
    with open(os.path.join(RECORD_DIR, f"{check_id}.json"), "w") as file:
        json.dump(result, file)
