"""Grader side: every check's verdict on every submission, kept for the insight page.

After a notebook is graded, ``TrustedExecute`` (in nbgrader's process, never
in the student's kernel) saves one small JSON file per submission,
``grading_verdicts/<chapter>/<student>.json`` at the course root, beside
grading_state.json and outside every folder a student kernel can write. For
each registered check of the notebook it holds the check's grade id, its
points and its outcome (``OUTCOMES``), with the name of the registered
mistake the submission was shown to make (``grader_tests.named_mistakes``).
The file is written under a temporary name and renamed, so a reader never
sees half of one.

``load`` reads the files back as data from outside: no link followed, at
most ``MAX_BYTES`` each, every field checked. A file that is malformed, or
names a check that is not registered, is refused as a whole; a mistake name
that is no longer registered for its check counts as unnamed.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from grader_tests import student_ids, untrusted_files
from grader_tests.checks import Check, find
from grader_tests.judge import NOT_IMPLEMENTED as NOT_IMPLEMENTED_MESSAGE
from grader_tests.named_mistakes import named
from grader_tests.reference import load_reference

VERDICTS_DIR = "grading_verdicts"
FORMAT = 1
MAX_BYTES = 256 * 1024
MAX_CHECKS = 200  # per notebook
MAX_TEXT = 500  # characters of a mistake's name or of why a notebook stopped
MAX_POINTS = 1000.0

PASSED = "passed"
MISTAKE = "named mistake"  # failed, and the grader named the mistake
UNNAMED = "unnamed failure"  # failed, and the grader cannot yet say why
NOT_IMPLEMENTED = "not implemented"  # the stub was left as released
DID_NOT_RUN = "did not run"  # the notebook stopped before this test cell
OUTCOMES = (PASSED, MISTAKE, UNNAMED, NOT_IMPLEMENTED, DID_NOT_RUN)


@dataclass(frozen=True)
class Verdict:
    check_id: str
    points: float
    outcome: str
    mistake: str | None = None  # a registered Mistake's name, with outcome MISTAKE

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED


@dataclass(frozen=True)
class Submission:
    """The verdicts on one student's notebook of one chapter."""
    student: str
    chapter: str
    stopped: str | None  # why the notebook stopped early (time or memory limit, ...)
    verdicts: tuple[Verdict, ...]


def judged(check: Check, points: float, message: str | None, recorded: dict | None,
           chapter: str) -> Verdict:
    """The verdict of one check from what ``TrustedExecute`` decided."""
    if message is None:
        return Verdict(check.check_id, points, PASSED)
    if message.startswith(f"{check.function}(): {NOT_IMPLEMENTED_MESSAGE}"):
        return Verdict(check.check_id, points, NOT_IMPLEMENTED)
    try:
        mistake = named(check, message, recorded, load_reference(chapter))
    except Exception:  # naming is for the instructor: it never costs a grade
        mistake = None
    if mistake is None:
        return Verdict(check.check_id, points, UNNAMED)
    return Verdict(check.check_id, points, MISTAKE, mistake.name)


def points(cell) -> float:
    """The points of a graded cell (nbgrader restored its metadata from the gradebook)."""
    try:
        value = float(cell.metadata.nbgrader.get("points") or 0)
    except (TypeError, ValueError, AttributeError):
        return 0.0
    return value if math.isfinite(value) and 0 <= value <= MAX_POINTS else 0.0


def did_not_run(check: Check, points: float) -> Verdict:
    return Verdict(check.check_id, points, DID_NOT_RUN)


def _plain(name: str) -> bool:
    """A student id or chapter name that is safe as a file name."""
    return isinstance(name, str) and student_ids.ALLOWED.fullmatch(name) is not None


def folder(course: Path, chapter: str) -> Path:
    return course / VERDICTS_DIR / chapter


def save(course: Path, submission: Submission) -> None:
    """Writes the submission's verdicts (replacing earlier ones) atomically."""
    if not (_plain(submission.student) and _plain(submission.chapter)):
        raise ValueError("not a plain student id or chapter name")
    target = folder(course, submission.chapter)
    target.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "student": submission.student, "chapter": submission.chapter,
            "stopped": submission.stopped and submission.stopped[:MAX_TEXT],
            "verdicts": [asdict(v) for v in submission.verdicts[:MAX_CHECKS]]}
    handle, temporary = tempfile.mkstemp(dir=target, prefix=".writing-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as file:
            json.dump(data, file)
        os.replace(temporary, target / f"{submission.student}.json")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Refused(Exception):
    pass


def _text(value, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT or not value.isprintable():
        raise Refused(f"{what} is not a short line of text")
    return value


def _verdict(raw) -> Verdict:
    if not isinstance(raw, dict):
        raise Refused("a verdict is not an object")
    check = find(raw.get("check_id")) if isinstance(raw.get("check_id"), str) else None
    if check is None:
        raise Refused("a verdict names no registered check")
    points, outcome = raw.get("points"), raw.get("outcome")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or \
            not (math.isfinite(points) and 0 <= points <= MAX_POINTS):
        raise Refused("a verdict's points are not a number of points")
    if outcome not in OUTCOMES:
        raise Refused("a verdict's outcome is unknown")
    mistake = _text(raw.get("mistake"), "a mistake's name")
    if (outcome == MISTAKE) != (mistake is not None):
        raise Refused("a verdict's mistake does not match its outcome")
    if mistake is not None and mistake not in {m.name for m in check.mistakes}:
        return Verdict(check.check_id, float(points), UNNAMED)  # renamed or removed since
    return Verdict(check.check_id, float(points), outcome, mistake)


def parse(data: bytes, student: str, chapter: str) -> Submission:
    """One verdict file, checked field by field; raises Refused."""
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise Refused("not valid JSON") from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise Refused("not a verdict file of this format")
    if raw.get("student") != student or raw.get("chapter") != chapter:
        raise Refused("it names another submission")
    verdicts = raw.get("verdicts")
    if not isinstance(verdicts, list) or len(verdicts) > MAX_CHECKS:
        raise Refused("its verdicts are not a short list")
    parsed = tuple(_verdict(v) for v in verdicts)
    if len({v.check_id for v in parsed}) != len(parsed):
        raise Refused("a check has two verdicts")
    return Submission(student, chapter, _text(raw.get("stopped"), "why the notebook stopped"), parsed)


def load(course: Path, chapter: str) -> tuple[dict[str, Submission], list[str]]:
    """The chapter's verdict files by student, and the file names refused (with why)."""
    found: dict[str, Submission] = {}
    refused: list[str] = []
    try:
        names = sorted(entry.name for entry in os.scandir(folder(course, chapter)))
    except (FileNotFoundError, NotADirectoryError):
        return found, refused
    for name in names:
        student = name.removesuffix(".json")
        if name.startswith(".writing-"):
            continue
        try:
            if not (name.endswith(".json") and _plain(student)):
                raise Refused("not named <student id>.json")
            data = untrusted_files.read_bytes(folder(course, chapter), name, MAX_BYTES)
            found[student] = parse(data, student, chapter)
        except (Refused, untrusted_files.Refused) as why:
            refused.append(f"{name!r}: {why}")
    return found, refused
