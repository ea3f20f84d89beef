"""Kernel side of the trusted comparison.

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

import json
import os
from typing import Any

import numpy as np

from grader_tests.checks import call_with_warnings, find

RECORD_DIR = ".grader_records"


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
    check = find(check_id)
    result: dict = {"check_id": check_id, "calls": []}
    if check is None:
        result["fatal"] = f"unknown check {check_id!r}"
    elif not callable(namespace.get(check.function)):
        result["fatal"] = f"function {check.function}() is not defined; run its cell first"
    else:
        function = namespace[check.function]
        result["calls"] = [_run_one(function, args) for args in check.make_calls()]
    os.makedirs(RECORD_DIR, exist_ok=True)
    with open(os.path.join(RECORD_DIR, f"{check_id}.json"), "w") as file:
        json.dump(result, file)
