"""Grader side: which registered mistake a failed verdict names, proven on the record.

``judge()`` names a known mistake in its message only when the submission
behaves like it on every call. But that message also carries text the
submission controls (the message of an exception it raised, a warning it
triggered), which could spell out any mistake's name. So a name found in
the message is kept only when the record it was judged on, checked again
here, behaves like that mistake; nothing is taken from the text alone.
"""
from __future__ import annotations

from grader_tests.checks import Check, Mistake
from grader_tests.judge import LIKELY, behaves_like, cases, decode, likely


def named(check: Check, message: str | None, recorded: dict | None, reference) -> Mistake | None:
    """The registered mistake of ``check`` that ``message`` names and the
    record shows, or None."""
    if not message or LIKELY not in message or not recorded:
        return None
    candidates = [mistake for mistake in check.mistakes if likely(mistake) in message]
    if not candidates:
        return None
    entries = recorded.get("calls", [])
    calls, expected = cases(check, reference)
    if len(entries) != len(calls) or any(entry.get("error") for entry in entries):
        return None
    outputs = [decode(entry.get("output")) for entry in entries]
    warned = [bool(entry.get("warnings")) for entry in entries]
    return next((mistake for mistake in candidates
                 if behaves_like(mistake, check, calls, outputs, warned, expected)), None)
