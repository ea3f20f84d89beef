"""How the three most used LMSs name the files of a "download all
submissions" zip, so ``--lms NAME`` collects one without a hand-written
expression, keeping the LMS's own student id, the student's name and the
LMS's late marker.

Canvas (flat zip; only each student's current attempt)::

    doejane_123456_7890123_01_nonlinearity.ipynb         name_userid_fileid_upload
    doejane_LATE_123456_7890123_01_nonlinearity.ipynb    submitted after the due date
    doejane_123456_7890188_01_nonlinearity-1.ipynb       the same file name uploaded again
    doejane_123456_text.html                             a text entry (not a notebook)

  The student id is Canvas's user id (what its gradebook import matches);
  of two uploads of one file, the higher ``-N`` is the later one.

Moodle (one folder per participant, or flat with the option unticked)::

    Jane Doe_1234567_assignsubmission_file/01_nonlinearity.ipynb
    Jane Doe_1234567_assignsubmission_file_/01_nonlinearity.ipynb   (Moodle before 4.1)
    Jane Doe_1234567_assignsubmission_file_01_nonlinearity.ipynb    (flat)
    Jane Doe_1234567_assignsubmission_onlinetext/onlinetext.html

  1234567 is the participant id, which Moodle numbers per assignment; the
  worksheet import needs it ("Participant 1234567"), so it is kept for each
  chapter, and the student id is made from the full name instead, the same
  in every chapter (``jane_doe``; two participants of one name are told apart
  by their participant ids, and flagged). Moodle marks no late submission in
  the zip.

Blackboard Learn (flat; every attempt, each with a receipt)::

    Homework 1_jdoe_attempt_2026-02-01-13-22-26_01_nonlinearity.ipynb
    Homework 1_jdoe_attempt_2026-02-01-13-22-26.txt
    Homework 1_jdoe_attempt_2026-02-03-09-05-00_01_nonlinearity.ipynb   a later attempt

  The student id is the Blackboard username (no underscore in it); the
  newest attempt wins, and its time is written as the submission's
  timestamp, so nbgrader's late penalty applies against the chapter's due
  date (Blackboard marks no late attempt in the zip).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

# Where the zip's own path starts in what the expression is matched against
# (lms_zip prefixes each entry as if extracted to .../extracted/<zip name>/).
_IN_ZIP = r".*/extracted/[^/]+/(?:.*/)?"


@dataclass(frozen=True)
class Entry:
    """What one notebook's path in the zip says."""
    student: str
    file: str  # the notebook's name without the LMS's additions, e.g. 01_nonlinearity.ipynb
    lms_id: str
    name: str  # as the LMS writes it
    late: bool = False
    timestamp: datetime | None = None
    version: int = 0  # orders resubmissions of one file that carry no time
    problem: str | None = None  # why the notebook cannot be collected, as far as its path says


@dataclass(frozen=True)
class Preset:
    name: str
    pattern: re.Pattern
    read: Callable[[re.Match], Entry]


def _canvas(match: re.Match) -> Entry:
    return Entry(student=match["user_id"], file=match["file"] + ".ipynb", lms_id=match["user_id"],
                 name=match["name"], late=bool(match["late"]), version=int(match["version"] or 0))


def moodle_student_id(full_name: str) -> str:
    """A student id made from a Moodle full name, the same in every chapter:
    its letters in ASCII, lowercase, words joined by _ (Jürgen Müller ->
    jurgen_muller); a name with no such letter gets one from its digest."""
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    slug = "_".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))[:48]
    return slug or "moodle_" + hashlib.sha256(full_name.strip().encode()).hexdigest()[:12]


def _moodle(match: re.Match) -> Entry:
    return Entry(student=moodle_student_id(match["name"]), file=match["file"] + ".ipynb",
                 lms_id=match["participant"], name=match["name"])


def unreadable_time(error: Exception) -> str:
    return f"unreadable timestamp ({error})"


def _blackboard(match: re.Match) -> Entry:
    entry = Entry(student=match["username"], file=match["file"] + ".ipynb", lms_id=match["username"],
                  name=match["username"])
    try:
        return replace(entry, timestamp=datetime.strptime(match["attempt"], "%Y-%m-%d-%H-%M-%S"))
    except ValueError as error:
        return replace(entry, problem=unreadable_time(error))


PRESETS = {preset.name: preset for preset in (
    Preset("canvas", re.compile(
        _IN_ZIP + r"(?P<name>[^/]*?)(?P<late>_LATE)?_(?P<user_id>\d+)_\d+_(?P<file>[^/]+?)(?:-(?P<version>\d+))?"
        r"\.ipynb$"), _canvas),
    Preset("moodle", re.compile(
        _IN_ZIP + r"(?P<name>[^/]+?)_(?P<participant>\d+)_assignsubmission_file(?:_?/(?:[^/]+/)*|_)"
        r"(?P<file>[^/]+)\.ipynb$"), _moodle),
    Preset("blackboard", re.compile(
        _IN_ZIP + r"[^/]*_(?P<username>[^_/]+)_attempt_(?P<attempt>\d{4}(?:-\d\d){5})_(?P<file>[^/]+)\.ipynb$"),
        _blackboard),
)}
