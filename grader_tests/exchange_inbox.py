"""What students have submitted to nbgrader's exchange, read from the names
in its inbound folder; nothing a student wrote is opened.

nbgrader's ``submit`` names each submission folder
``<student>+<chapter>+<time>+<random>``. Students can write into inbound/,
so a name is untrusted: one that does not have that form, names no known
chapter or an invalid student id is counted and left alone (nbgrader's own
``collect``, which the watcher runs, decides what is collected).
"""
from __future__ import annotations

import os
import pwd
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from grader_tests import student_ids

MAX_ENTRIES = 200_000  # read of one inbound folder; a class submits far fewer
# nbgrader's submit copies the files, then writes timestamp.txt and, last,
# submission_secret.txt, then sets the folder's permissions: a folder counts
# once that file is there and nothing in it changed for this long.
LAST_WRITTEN = "submission_secret.txt"
SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class Arrival:
    name: str  # the folder's name in inbound/, unique
    student: str
    chapter: str
    submitted: str  # nbgrader's timestamp text, as in the name


def inbound_folder(app) -> Path:
    """inbound/ of the course's exchange, as nbgrader's configuration gives it."""
    from nbgrader.exchange.default.exchange import Exchange

    return Path(Exchange(config=app.config).root) / app.coursedir.course_id / "inbound"


def checks_owner(app) -> bool:
    """nbgrader's ExchangeCollect.check_owner, which the watcher honours too."""
    from nbgrader.exchange.default.collect import ExchangeCollect

    return ExchangeCollect(config=app.config).check_owner


def parse(name: str, chapters: frozenset[str]) -> Arrival | None:
    from nbgrader.utils import parse_utc

    parts = name.split("+")
    if len(parts) not in (3, 4) or parts[1] not in chapters or student_ids.problem(parts[0]):
        return None
    try:
        parse_utc(parts[2])
    except (ValueError, OverflowError):
        return None
    return Arrival(name, parts[0], parts[1], parts[2])


def owned_by_student(entry: os.DirEntry, student: str) -> bool:
    """Whether the account that made the folder is the student it names (one
    uid per user, as on a hub set up as the README says)."""
    try:
        return pwd.getpwuid(entry.stat(follow_symlinks=False).st_uid).pw_name == student
    except KeyError:
        return False


def settled(entry: os.DirEntry, now: float) -> bool:
    """Whether nbgrader's submit has finished writing this folder (no link is followed)."""
    try:
        last = os.stat(os.path.join(entry.path, LAST_WRITTEN), follow_symlinks=False)
        folder = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    changed = max(last.st_mtime, last.st_ctime, folder.st_mtime, folder.st_ctime)
    return stat.S_ISREG(last.st_mode) and now - changed >= SETTLE_SECONDS


def arrivals(inbound: Path, chapters: frozenset[str], check_owner: bool) -> tuple[list[Arrival], int]:
    """The submissions in inbound/ of the given chapters, and how many
    entries were left alone. With ``check_owner`` (nbgrader's
    ``ExchangeCollect.check_owner``), a folder that another account made in
    a student's name is left alone: it could use up that student's window.
    A folder still being written is neither: it is read on a later look."""
    found, ignored = [], 0
    now = time.time()
    with os.scandir(inbound) as entries:
        for count, entry in enumerate(entries):
            if count >= MAX_ENTRIES:
                break
            arrival = parse(entry.name, chapters) if entry.is_dir(follow_symlinks=False) else None
            if arrival and (not check_owner or owned_by_student(entry, arrival.student)):
                if settled(entry, now):
                    found.append(arrival)
            else:
                ignored += 1
    return found, ignored
