"""Every wrong implementation in ``student_work`` loses points and is named
truthfully; every correct one keeps full marks (see ``student_work``)."""
from __future__ import annotations

import functools
import importlib
import textwrap

import pytest

import student_work
from conftest import kernel_namespace
from docstring_audit import chapters, graded_docstrings
from grader_tests.checks import all_checks
from grader_tests.judge import LIKELY
from grader_tests.kernel.record import uses

CHAPTERS = student_work.chapters()
CASES = [(chapter, kind, index) for chapter, module in sorted(CHAPTERS.items())
         for kind in ("WRONG", "CORRECT") for index in range(len(getattr(module, kind)))]


def chapter_checks(chapter: str) -> list:
    inputs = importlib.import_module(f"grader_tests.kernel.inputs.ch{chapter}").INPUTS
    return [check for check_id, check in all_checks().items() if check_id in inputs]


@functools.cache
def checks_calling(chapter: str, function: str) -> list:
    """The chapter's checks whose function is ``function`` or calls it."""
    namespace = kernel_namespace(chapter)
    return [check for check in chapter_checks(chapter)
            if check.function == function or function in uses(namespace[check.function], namespace)]


def grade(verdict, chapter: str, function: str, source: str) -> list[tuple[str, str | None]]:
    namespace = kernel_namespace(chapter, textwrap.dedent(source))
    return [(check.function, verdict(chapter, check.check_id, namespace))
            for check in checks_calling(chapter, function)]


@pytest.mark.parametrize("chapter, kind, index", CASES)
def test_student_work(verdict, chapter, kind, index):
    case = getattr(CHAPTERS[chapter], kind)[index]
    verdicts = grade(verdict, chapter, case.function, case.source)
    assert verdicts, f"no check calls {case.function}()"
    failures = [message for _, message in verdicts if message]
    if kind == "CORRECT":
        assert not failures, f"{case.why}: {failures}"
        return
    assert failures, f"kept full marks: {case.why}"
    own = [message for function, message in verdicts if message and function == case.function]
    message = (own or failures)[0]
    phrases = (case.mistake,) if isinstance(case.mistake, str) else case.mistake or ()
    for other in failures:
        named = other.split(LIKELY, 1)[1] if LIKELY in other else None
        assert named is None or any(phrase in named for phrase in phrases), \
            f"false diagnosis for {case.why}: {other}"
    if phrases:  # named by the function's own check, or failing that by another one
        named = [m for m in (own or failures) if LIKELY in m] or [m for m in failures if LIKELY in m]
        assert named and any(p in named[0].split(LIKELY, 1)[1] for p in phrases), message
