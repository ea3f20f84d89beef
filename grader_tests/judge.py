"""Grader side of the trusted comparison: outputs recorded by the student's
kernel against the reference, computed here in the grader's own process.

``judge(check, recorded)`` returns ``None`` when the check passes, otherwise a
message for the student that names the mistake when it is a known one.
"""
from __future__ import annotations

import functools
from typing import Any, Optional

import numpy as np

from grader_tests.checks import Check, Mistake
from grader_tests.kernel.record import call_with_warnings

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError` with your code"


def decode(encoded: dict) -> Any:
    """Inverse of ``record.encode``; raises ValueError on a malformed record."""
    if not isinstance(encoded, dict):
        raise ValueError("malformed record")
    if "tuple" in encoded:
        return tuple(decode(item) for item in encoded["tuple"])
    if "str" in encoded:
        return str(encoded["str"])
    if "unsupported" in encoded:
        raise ValueError(f"returned a {encoded['unsupported']}, not numbers")
    data = np.asarray(encoded["data"], dtype=encoded["dtype"])
    return data.reshape(encoded["shape"])


def compare(got: Any, expected: Any, rtol: float, atol: float) -> Optional[str]:
    """Shape, dtype and value agreement of one output (tuples element-wise)."""
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return f"expected a tuple of {len(expected)} arrays"
        for position, (g, e) in enumerate(zip(got, expected)):
            problem = compare(g, e, rtol, atol)
            if problem:
                return f"item {position} of the returned tuple: {problem}"
        return None
    if isinstance(got, tuple):
        return "returned a tuple where a single array was expected"
    if isinstance(expected, str):
        if not isinstance(got, str):
            return f"returned {type(got).__name__}, expected a string"
        return None if got == expected else f"returned {got!r}, expected {expected!r}"
    if isinstance(got, str):
        return f"returned the string {got!r} where an array was expected"
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        return f"shape {got.shape}, expected {expected.shape}"
    if got.dtype != expected.dtype:
        return f"dtype {got.dtype}, expected {expected.dtype}"
    if not np.all(np.isfinite(got) == np.isfinite(expected)):
        return "contains inf or nan where the correct result is finite"
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        index = np.unravel_index(np.argmin(close), close.shape) if close.ndim else ()
        return (f"wrong value at index {tuple(int(i) for i in index)}: got {float(got[index]):.10g}, "
                f"expected {float(expected[index]):.10g} (rtol={rtol:g}, atol={atol:g})")
    return None


def _matches(mistake: Mistake, check: Check, calls, outputs, student_warned) -> bool:
    """Does the student's behaviour reproduce this known mistake on every call?"""
    for args, got, warned in zip(calls, outputs, student_warned):
        try:
            wrong, mistake_warnings = call_with_warnings(mistake.implementation, args)
        except Exception:
            return False
        if check.forbid_warnings and warned != bool(mistake_warnings):
            return False
        if compare(got, wrong, check.rtol, check.atol):
            return False
    return True


def likely(mistake: Mistake) -> str:
    """How feedback names a known mistake (judge() adds the final full stop)."""
    return f"Likely mistake: {mistake.name}. {mistake.advice}".rstrip(" .")


def first_match(mistakes, args, same) -> Optional[Mistake]:
    """The first mistake whose output on ``args`` satisfies ``same(output)``:
    for custom judges, which decide themselves what counts as the same output
    (one item of a tuple, a distribution)."""
    for mistake in mistakes:
        try:
            wrong, _ = call_with_warnings(mistake.implementation, args)
        except Exception:
            continue
        if same(wrong):
            return mistake
    return None


def diagnose(check: Check, calls, outputs, warned) -> str:
    for mistake in check.mistakes:
        if _matches(mistake, check, calls, outputs, warned):
            return f" {likely(mistake)}."
    return ""


@functools.lru_cache(maxsize=None)
def cases(check: Check, reference) -> tuple[list, list]:
    """The check's calls and the reference's output on each. They are the same
    for every submission, so a grading process computes them once; nothing
    writes to them (every function runs on a copy of its arguments)."""
    calls = check.make_calls()
    function = getattr(reference, check.reference or check.function)
    return calls, [call_with_warnings(function, args)[0] for args in calls]


def judge(check: Check, recorded: Optional[dict], reference) -> Optional[str]:
    """Verdict on one check. ``reference`` is the chapter's reference module."""
    name = f"{check.function}()"
    if recorded is None:
        return f"{name}: no output was recorded (the hidden tests could not run)."
    if recorded.get("check_id") != check.check_id:
        return f"{name}: the recorded output belongs to another check."
    if recorded.get("fatal"):
        return f"{name}: {recorded['fatal']}."
    calls, expected_outputs = cases(check, reference)
    entries = recorded.get("calls", [])
    if len(entries) != len(calls):
        return f"{name}: the recorded output is incomplete."
    for entry in entries:
        if entry.get("error"):
            if entry["error"].startswith("NotImplementedError"):
                return f"{name}: {NOT_IMPLEMENTED}."
            return f"{name} raised {entry['error']}"
    try:
        outputs = [decode(entry.get("output")) for entry in entries]
    except (ValueError, TypeError, KeyError) as problem:
        return f"{name}: {problem}."
    warned = [bool(entry.get("warnings")) for entry in entries]
    for number, (args, got, expected) in enumerate(zip(calls, outputs, expected_outputs)):
        if check.judge is not None:
            problem = check.judge(got, expected, args)
        else:
            problem = compare(got, expected, check.rtol, check.atol)
        if problem is None and check.forbid_warnings and warned[number]:
            first = entries[number]["warnings"][0]
            problem = f"numpy warned while computing it ({first})"
        if problem:
            hint = "" if check.judge else diagnose(check, calls, outputs, warned)
            return f"{name} is wrong on hidden test case {number + 1} of {len(calls)}: {problem}.{hint}"
    return None
