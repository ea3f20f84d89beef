"""Kernel side of the trusted comparison: the recorder.

The hidden part of a graded test cell calls ``record(check_id, globals())``.
It runs the student's function on the check's grader-chosen arguments and
writes what it observed (outputs, exceptions and where in the student's
code they were raised, numpy warnings, arguments changed in place, use of
numpy's global random state, the notebook functions it refers to) to
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
import random
import sys
import traceback
import warnings
from typing import Any, Callable

import numpy as np

from grader_tests.kernel import RECORD_DIR
from grader_tests.kernel.inputs import find, make_calls

MAX_USES = 50
# Frames from these folders are the libraries' and the recorder's, not the student's.
_LIBRARY_FOLDERS = tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))})


def call_with_warnings(function: Callable, args: tuple) -> tuple[Any, list[str]]:
    """Call on a copy of the arguments; return the output and numpy's warnings.

    Underflow is left silent, as numpy's default does: exp(-1000) == 0.0 is
    the right answer, not a mistake.
    """
    output, caught, *_ = observe(function, args)
    return output, caught


def observe(function: Callable, args: tuple) -> tuple[Any, list[str], list[int], bool, list[int]]:
    """Call on a copy of the arguments. Returns the output, numpy's warnings,
    the positions of the arguments the call changed in place, whether it
    drew from (or reseeded) numpy's or Python's global random state, and the
    positions of the np.random.Generator arguments it never drew from."""
    given = copy.deepcopy(args)
    global_states = np.random.get_state(legacy=False), random.getstate()
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        output = function(*given)
    used_global = not _same(global_states, (np.random.get_state(legacy=False), random.getstate()))
    changed = [position for position, (before, after) in enumerate(zip(args, given))
               if not _same(before, after)]
    unused_rngs = [position for position, (before, after) in enumerate(zip(args, given))
                   if isinstance(before, np.random.Generator)
                   and _same(before.bit_generator.state, after.bit_generator.state)]
    return (output, [f"{w.category.__name__}: {w.message}" for w in caught], changed, used_global,
            unused_rngs)


def _same(a: Any, b: Any, depth: int = 0) -> bool:
    """Equal in value, type and shape, nan equal to nan (arrays, containers,
    scalars, and plain objects by their attributes)."""
    if depth > 20:  # a structure that refers to itself
        return a is b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, np.random.Generator):  # the rng argument is meant to advance
        return True
    if type(a).__eq__ is object.__eq__ and hasattr(a, "__dict__"):  # no equality of its own: a copy is not "is"
        return type(a) is type(b) and _same(vars(a), vars(b), depth + 1)
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return a is b


def where_raised(error: BaseException) -> str:
    """' (line N of its cell, in f(): <the line>)' for the innermost frame of
    the student's own code, without any file path; '' when there is none."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if not os.path.realpath(frame.filename).startswith(_LIBRARY_FOLDERS)]
    if not frames:
        return ""
    frame = frames[-1]
    line = f": {frame.line.strip()[:120]}" if frame.line else ""
    return f" (line {frame.lineno} of its cell, in {frame.name}(){line})"


def references(function: Callable, namespace: dict) -> tuple[list[str], bool]:
    """The notebook's own functions that ``function`` calls, directly or
    through others of them (nested functions and lambdas included), and
    whether any of that code can silence numpy's warnings."""
    found: set[str] = set()
    silences = False
    pending = [function]
    while pending and len(found) < MAX_USES:
        codes = [getattr(pending.pop(), "__code__", None)]
        while codes:
            code = codes.pop()
            if code is None:
                continue
            codes.extend(c for c in code.co_consts if hasattr(c, "co_names"))
            for name in code.co_names:
                other = namespace.get(name)
                silences = silences or name in _SILENCERS or _is_silencer(other)
                if name not in found and other is not function and _defined_in_notebook(other, function):
                    found.add(name)
                    pending.append(other)
    return sorted(found)[:MAX_USES], silences


def uses(function: Callable, namespace: dict) -> list[str]:
    return references(function, namespace)[0]


# What turns numpy's warnings off: a computation that overflows and hides it
# gets right values but breaks the "no overflow, no warning" promise.
_SILENCERS = frozenset({"errstate", "seterr", "filterwarnings", "simplefilter", "catch_warnings",
                        "resetwarnings"})


_SILENCER_OBJECTS = tuple(getattr(module, name) for module in (np, warnings) for name in _SILENCERS
                          if hasattr(module, name))


def _is_silencer(value: Any) -> bool:
    return value is not None and any(value is silencer for silencer in _SILENCER_OBJECTS)


def _defined_in_notebook(other: Any, function: Callable) -> bool:
    return (callable(other) and hasattr(other, "__code__")
            and getattr(other, "__module__", 0) == getattr(function, "__module__", None))


def encode(value: Any) -> dict:
    """A JSON-safe description of a returned value (arrays kept exactly)."""
    if isinstance(value, (tuple, list)):
        return {"tuple": [encode(item) for item in value], "kind": type(value).__name__
                if type(value) in (tuple, list) else "tuple"}
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
    entry: dict = {"error": None, "warnings": [], "output": None, "modified": [], "global_random": False,
                   "unused_rngs": []}
    try:
        output, entry["warnings"], entry["modified"], entry["global_random"], entry["unused_rngs"] = \
            observe(function, args)
        entry["output"] = encode(output)
    except Exception as error:  # the student's exception is data here
        entry["error"] = f"{type(error).__name__}: {error}"[:1000] + where_raised(error)
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
        result["uses"], result["silences_warnings"] = references(function, namespace)
    os.makedirs(RECORD_DIR, exist_ok=True)
    with open(os.path.join(RECORD_DIR, f"{check_id}.json"), "w") as file:
        json.dump(result, file)
