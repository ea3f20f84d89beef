"""Students' implementations the grader must judge right, chapter by chapter.

Each ``chNN_topic.py`` here holds ``CHAPTER``, ``WRONG`` and ``CORRECT``:
implementations of one graded function each, written the way students
write them (not copied from the grader's own mistake list). Each is run
the way grading runs it: the chapter's setup and reference solutions in one
namespace, the student's cell on top, then the real recorder and judge on
every check that calls the function (directly or through other functions).

* a ``Wrong`` one fails at least one of those checks; the feedback names a
  known mistake only if ``mistake`` is given, and then it names that one
  (``mistake`` is a phrase of its name, or a tuple of phrases when the
  submission makes several real mistakes that different checks name); with
  ``mistake=None`` no mistake may be named;
* a ``Correct`` one passes every one of them.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Wrong:
    function: str
    source: str  # the student's cell: def <function>(...)
    mistake: Optional[str | tuple[str, ...]] = None  # phrase(s) of the named mistake; None: name none
    why: str = ""  # what is wrong, for the reader of the test


@dataclass(frozen=True)
class Correct:
    function: str
    source: str
    why: str = ""  # how it differs from the reference


def chapters() -> dict[str, object]:
    """Every chapter module here, by its CHAPTER."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("ch"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found[module.CHAPTER] = module
    return found
