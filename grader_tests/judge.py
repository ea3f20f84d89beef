"""Grader side of the trusted comparison: outputs recorded by the student's
kernel against the reference, computed here in the grader's own process.

``judge(check, recorded, reference)`` returns ``None`` when the check passes,
otherwise a message for the student. The message names a known mistake only
when the submission behaves like it on every call of the check (under the
check's own notion of "the same output"), and says which of the student's
other functions to fix first when the failing one calls a function that
failed its own test.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Optional

import numpy as np

from grader_tests.checks import Check, Mistake
from grader_tests.kernel.record import call_with_warnings, encode
from grader_tests.machine_paths import scrub

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError` with your code"
LIKELY = "Likely mistake:"
FIX_FIRST = "It calls your "
GLOBAL_RANDOM = "it used the global random state (np.random.* or the random module)"
FROM_RNG = "draw random numbers only from the rng argument"
NO_RANDOM = "this function needs no random numbers"
SILENCED = ("its code can silence numpy's warnings (np.errstate, np.seterr or the warnings module); "
            "compute the result so that nothing overflows, instead of hiding the warning")


class ReturnedList(tuple):
    """A list the student returned: judged like a tuple, named as a list."""


def kind(value: Any) -> str:
    return "list" if isinstance(value, ReturnedList) else "tuple"


def decode(encoded: dict) -> Any:
    """Inverse of ``record.encode``; raises ValueError on a malformed record."""
    if not isinstance(encoded, dict):
        raise ValueError("malformed record")
    if "tuple" in encoded:
        items = (decode(item) for item in encoded["tuple"])
        return ReturnedList(items) if encoded.get("kind") == "list" else tuple(items)
    if "str" in encoded:
        return str(encoded["str"])
    if "unsupported" in encoded:
        raise ValueError(f"returned a {encoded['unsupported']}, not numbers")
    data = np.asarray(encoded["data"], dtype=encoded["dtype"])
    return data.reshape(encoded["shape"])


def compare(got: Any, expected: Any, rtol: float, atol: float) -> Optional[str]:
    """Shape, dtype and value agreement of one output (tuples element-wise)."""
    if isinstance(expected, tuple):
        if not isinstance(got, tuple):
            return f"returned a single value, expected a tuple of {len(expected)} values"
        if len(got) != len(expected):
            return f"returned a {kind(got)} of {len(got)} values, expected a tuple of {len(expected)}"
        for position, (g, e) in enumerate(zip(got, expected)):
            problem = compare(g, e, rtol, atol)
            if problem:
                return f"item {position} of the returned {kind(got)}: {problem}"
        return None
    if isinstance(got, tuple):
        return f"returned a {kind(got)} where a single array was expected"
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


def _same_output(check: Check, got, wrong, args) -> bool:
    if check.judge is not None:
        return check.judge(got, wrong, args) is None
    return compare(got, wrong, check.rtol, check.atol) is None


def behaves_like(mistake: Mistake, check: Check, calls, outputs, student_warned, expected) -> bool:
    """Does the student's behaviour reproduce this known mistake on every call,
    on calls where the mistake itself fails the check? (A judge that accepts
    a range of outputs would otherwise find any passing output "the same" as
    a mistake that happens to pass too.)"""
    fails_somewhere = False
    for args, got, warned, right in zip(calls, outputs, student_warned, expected):
        try:
            wrong, mistake_warnings = call_with_warnings(mistake.implementation, args)
            if check.forbid_warnings and warned != bool(mistake_warnings):
                return False
            if not _same_output(check, got, wrong, args):
                return False
            # As a student's output reaches the judge: through the record.
            fails_somewhere = fails_somewhere or bool(mistake_warnings and check.forbid_warnings) \
                or not _same_output(check, decode(encode(wrong)), right, args)
        except Exception:  # the mistake cannot take this input, or the judge not its output
            return False
    return fails_somewhere


def likely(mistake: Mistake) -> str:
    """How feedback names a known mistake (judge() adds the final full stop)."""
    return f"{LIKELY} {mistake.name}. {mistake.advice}".rstrip(" .")


def first_match(mistakes, args, same) -> Optional[Mistake]:
    """The first mistake whose output on ``args`` satisfies ``same(output)``:
    for custom judges, which decide themselves what counts as the same output
    (one item of a tuple, a distribution). judge() keeps the name only when
    the submission behaves like that mistake on every call."""
    for mistake in mistakes:
        try:
            wrong, _ = call_with_warnings(mistake.implementation, args)
        except Exception:
            continue
        if same(wrong):
            return mistake
    return None


def diagnose(check: Check, calls, outputs, warned, expected) -> str:
    for mistake in check.mistakes:
        if behaves_like(mistake, check, calls, outputs, warned, expected):
            return f" {likely(mistake)}."
    return ""


def _truthful(problem: str, check: Check, calls, outputs, warned, expected) -> tuple[str, str]:
    """The problem without any mistake name a custom judge gave, and the name
    of a mistake the submission behaves like on every call ('' if none)."""
    named = problem.find(LIKELY)
    if named >= 0:
        claimed = next((m for m in check.mistakes if problem[named:].startswith(likely(m))), None)
        problem = problem[:named].rstrip(" .")
        if claimed is not None and behaves_like(claimed, check, calls, outputs, warned, expected):
            return problem, f" {likely(claimed)}."
    return problem, diagnose(check, calls, outputs, warned, expected)


@functools.lru_cache(maxsize=None)
def cases(check: Check, reference) -> tuple[list, list]:
    """The check's calls and the reference's output on each. They are the same
    for every submission, so a grading process computes them once; nothing
    writes to them (every function runs on a copy of its arguments)."""
    calls = check.make_calls()
    function = getattr(reference, check.reference or check.function)
    return calls, [call_with_warnings(function, args)[0] for args in calls]


def judge(check: Check, recorded: Optional[dict], reference, failed: frozenset = frozenset()) -> Optional[str]:
    """Verdict on one check. ``reference`` is the chapter's reference module;
    ``failed`` names the notebook's functions whose own checks failed so far."""
    message = _verdict(check, recorded, reference)
    if message is None:
        return None
    calls_failed = sorted(set((recorded or {}).get("uses", [])) & failed - {check.function})
    if calls_failed:
        names = ", ".join(f"{name}()" for name in calls_failed)
        message += (f" {FIX_FIRST}{names}, which failed its own test: fix "
                    f"{'that' if len(calls_failed) == 1 else 'those'} first.")
    return message


def _verdict(check: Check, recorded: Optional[dict], reference) -> Optional[str]:
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
    for number, entry in enumerate(entries):
        if entry.get("error"):
            if entry["error"].startswith("NotImplementedError"):
                return f"{name}: {NOT_IMPLEMENTED}."
            return f"{name} raised {scrub(entry['error'])} on hidden test case {number + 1} of {len(calls)}."
    try:
        outputs = [decode(entry.get("output")) for entry in entries]
    except (ValueError, TypeError, KeyError) as problem:
        return f"{name}: {problem}."
    warned = [bool(entry.get("warnings")) for entry in entries]
    for number, (args, got, expected) in enumerate(zip(calls, outputs, expected_outputs)):
        def where() -> str:  # described only for the call that fails, not for every passing one
            return f"{name} is wrong on hidden test case {number + 1} of {len(calls)}{describe(reference, check, args)}"
        if check.judge is not None:
            problem = check.judge(got, expected, args)
        else:
            problem = compare(got, expected, check.rtol, check.atol)
        if problem:
            problem, hint = _truthful(problem, check, calls, outputs, warned, expected_outputs)
            if entries[number].get("global_random"):  # most likely the cause
                hint += f" Note: {GLOBAL_RANDOM}."
            return f"{where()}: {problem}.{hint}"
        if check.forbid_warnings and recorded.get("silences_warnings"):
            return f"{where()}: {SILENCED}."
        if check.forbid_warnings and warned[number]:
            first = entries[number]["warnings"][0]
            hint = diagnose(check, calls, outputs, warned, expected_outputs)
            return f"{where()}: numpy warned while computing it ({first}).{hint}"
        if check.keeps_inputs:
            changed = [_parameter(reference, check, i) for i in entries[number].get("modified", [])]
            if check.keeps_inputs is not True:
                changed = [name for name in changed if name in check.keeps_inputs]
            if changed:
                names = ", ".join(f"`{name}`" for name in changed)
                return f"{where()}: it changed its argument {names} in place; the docstring says to leave it unchanged."
        if check.draws_from_rng and entries[number].get("unused_rngs"):
            names = ", ".join(f"`{_parameter(reference, check, i)}`" for i in entries[number]["unused_rngs"])
            return f"{where()}: it never drew from its argument {names}; draw the random numbers from it."
        if entries[number].get("global_random"):
            advice = FROM_RNG if "rng" in _parameters(reference, check) else NO_RANDOM
            return f"{where()}: {GLOBAL_RANDOM}; {advice}."
    return None


def describe(reference, check: Check, args) -> str:
    """ ' (x: shape (12,), from -1e+04 to 1e+04, exact zeros; alpha=0.01)': the
    kind of input a failing call had, so the student can make one like it."""
    names = _parameters(reference, check)
    parts = []
    for position, value in enumerate(args[:len(names)]):
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            part = f"{names[position]}: shape {value.shape}"
            finite = value[np.isfinite(value)] if value.dtype.kind == "f" else value
            if value.size and finite.size:
                part += f", from {float(finite.min()):.3g} to {float(finite.max()):.3g}"
                if value.dtype.kind == "f" and (value == 0).any():
                    part += ", exact zeros"
            parts.append(part)
        elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            parts.append(f"{names[position]}={value:.4g}" if isinstance(value, (float, np.floating))
                         else f"{names[position]}={value}")
        elif isinstance(value, str) and len(value) <= 20:
            parts.append(f"{names[position]}={value!r}")
    return f" ({'; '.join(parts[:4])})" if parts else ""


def _parameters(reference, check: Check) -> list[str]:
    return list(inspect.signature(getattr(reference, check.reference or check.function)).parameters)


def _parameter(reference, check: Check, position: int) -> str:
    """The reference's name for the argument at ``position``."""
    names = _parameters(reference, check)
    return names[position] if position < len(names) else f"number {position + 1}"
