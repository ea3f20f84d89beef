"""Which submissions are in submitted/, what may stay there, and which changed
since last graded.

Everything a submission holds is hostile: nbgrader copies it (submitted ->
autograded -> feedback) and chmods the copies, following links, and opens
whatever it finds. So before nbgrader or the fingerprint touches anything,
``intake`` walks submitted/ without following a link or opening a file, and
only ordinary folders and regular files within the caps below stay. Links,
FIFOs, sockets, devices, hard links and whatever is over a cap are moved
(``os.rename``, which never follows a link) into quarantine/<run>/, where the
instructor can look at them, and the submission is flagged. A student folder
whose name is not a valid id (``grader_tests.student_ids``) is refused: never
graded and left where it is, unless nbgrader cannot be told to skip it (a
comma or a newline in the name), when it is quarantined too.

The fingerprint of a submission is a hash of its folder's regular files.
grading_state.json, at the course root outside every folder a student kernel
can write, keeps the fingerprint each submission had when last seen, what was
quarantined from each submission (flagged until the student submits again,
cleanly), and what ``grader_tests.regrade`` records of each grade.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grader_tests import student_ids

STATE_FILE = "grading_state.json"
QUARANTINE_DIR = "quarantine"
# A notebook with its plots is a few MB; the caps only stop nbgrader from
# copying (twice) what no exercise needs.
MAX_FILE_BYTES = 20 * 2**20  # per file
MAX_SUBMISSION_BYTES = 50 * 2**20  # per submission, all files together
MAX_ENTRIES = 200  # files and folders per submission


@dataclass(frozen=True, order=True)
class Submission:
    student: str
    chapter: str

    @property
    def key(self) -> str:
        return f"{self.student}/{self.chapter}"

    def folder(self, course: Path, step: str = "submitted") -> Path:
        return course / step / self.student / self.chapter

    def notebook(self, course: Path, step: str = "submitted") -> Path:
        return self.folder(course, step) / f"{self.chapter}.ipynb"


def _listing(folder: Path | str) -> list[os.DirEntry]:
    """The entries of a folder, sorted by name; none if it is missing."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


class IntakeError(Exception):
    """Something could not be moved to quarantine; nothing should be graded."""


@dataclass
class Intake:
    """What ``intake`` did: refused folder names in submitted/ -> why; and
    what it moved to ``folder``, by submission key (or student, when the whole
    student folder went) -> [(path relative to submitted/, why)]."""
    refused: dict[str, str] = field(default_factory=dict)
    moved: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    folder: str | None = None

    @property
    def left_in_place(self) -> list[str]:
        """The refused folders still in submitted/, that nbgrader must skip."""
        return sorted(name for name in self.refused if name not in self.moved)

    def summary(self) -> str:
        # Counts only: names are hostile, and this goes to the terminal.
        return (f"intake: {len(self.refused)} student folders refused, "
                f"{sum(map(len, self.moved.values()))} items quarantined"
                + (f" in {self.folder}/" if self.folder else ""))


def _not_plain(info: os.stat_result) -> str | None:
    """Why an entry that is neither a real folder nor a regular file goes."""
    mode = info.st_mode
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISLNK, "symbolic link"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"),
             (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"))
    return next((kind for is_kind, kind in kinds if is_kind(mode)), "special file")


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def unwanted_entries(submitted: Path, key: str, notebook: str) -> list[tuple[str, str]]:
    """What must leave one submission folder, breadth first (the notebook
    first) so that what is over a cap is what comes last."""
    unwanted: list[tuple[str, str]] = []
    entries = total = 0
    folders = [key]
    while folders:
        folder = folders.pop(0)
        try:
            listing = sorted(_listing(submitted / folder), key=lambda entry: entry.name != notebook)
        except OSError as error:  # say, a folder without read permission
            unwanted.append((folder, f"unreadable folder ({error.strerror})"))
            continue
        for entry in listing:
            path, info = f"{folder}/{entry.name}", entry.stat(follow_symlinks=False)
            why = _not_plain(info)
            if why is None and entries >= MAX_ENTRIES:
                why = f"over the cap of {MAX_ENTRIES} files and folders per submission"
            elif why is None and stat.S_ISREG(info.st_mode):
                if info.st_size > MAX_FILE_BYTES:
                    why = f"{info.st_size:,} bytes, over the cap of {_mb(MAX_FILE_BYTES)} per file"
                elif info.st_nlink > 1:  # its content is another file's too
                    why = "hard link"
                elif total + info.st_size > MAX_SUBMISSION_BYTES:
                    why = f"over the cap of {_mb(MAX_SUBMISSION_BYTES)} per submission"
            if why:
                unwanted.append((path, why))
                continue
            entries += 1
            total += info.st_size
            if entry.is_dir(follow_symlinks=False):
                folders.append(path)
    return unwanted


def _survey(submitted: Path) -> Intake:
    """What intake would do, without doing it."""
    survey = Intake()
    for student in _listing(submitted):
        name = student.name
        if why := student_ids.problem(name):
            survey.refused[name] = why
            if "," in name or "\n" in name:  # nbgrader's exclude list and path regexp break on them
                survey.moved[name] = [(name, "refused id that nbgrader cannot be told to skip")]
            continue
        if why := _not_plain(student.stat(follow_symlinks=False)):
            survey.moved[name] = [(name, why)]
            continue
        if not student.is_dir(follow_symlinks=False):
            continue  # a stray regular file: nbgrader finds no chapter in it
        for chapter in _listing(student.path):
            key = f"{name}/{chapter.name}"
            if why := _not_plain(chapter.stat(follow_symlinks=False)):
                survey.moved[key] = [(key, why)]
            elif "\n" in chapter.name:  # nbgrader's path regexp stops on it, for every student
                survey.moved[key] = [(key, "folder name with a newline")]
            elif chapter.is_dir(follow_symlinks=False) and (unwanted := unwanted_entries(
                    submitted, key, f"{chapter.name}.ipynb")):
                survey.moved[key] = unwanted
    return survey


def _run_folder(course: Path) -> Path:
    """A new folder under quarantine/ for this run, readable by the instructor only."""
    root = course / QUARANTINE_DIR
    try:
        root.mkdir(mode=0o700)
    except FileExistsError:
        pass
    if not stat.S_ISDIR(os.lstat(root).st_mode):
        raise IntakeError(f"{root} is not a folder")
    stamp = time.strftime("%Y-%m-%dT%H-%M-%S")
    for suffix in ("", *(f"-{n}" for n in range(1, 100))):
        try:
            (root / (stamp + suffix)).mkdir(mode=0o700)
            return root / (stamp + suffix)
        except FileExistsError:
            pass
    raise IntakeError(f"no free quarantine folder for {stamp} in {root}")


def _move(source: Path, run: Path, path: str) -> None:
    """submitted/<path> to <run>/<path>, creating the folders between and
    never passing through a link."""
    target = run
    for part in Path(path).parent.parts:
        target = target / part
        if not os.path.lexists(target):
            target.mkdir(mode=0o700)
        elif not stat.S_ISDIR(os.lstat(target).st_mode):
            raise IntakeError(f"cannot quarantine {path!r}: {target} is not a folder")
    try:
        os.rename(source, run / path)  # renames the link itself, never its target
    except OSError as error:
        raise IntakeError(f"cannot quarantine {path!r} to {run}: {error.strerror}") from error


def intake(course: Path) -> Intake:
    """Move everything that must not reach nbgrader out of submitted/, and
    remember it in grading_state.json, flagged with its submission."""
    submitted = course / "submitted"
    done = _survey(submitted)
    if not done.moved:
        return done
    run = _run_folder(course)
    done.folder = str(run.relative_to(course))
    moved = {}
    try:
        for key, items in done.moved.items():
            for path, _ in items:
                _move(submitted / path, run, path)
            moved[key] = items
    finally:  # what was moved stays flagged, even if a later move failed
        state = load_state(course)
        state["quarantined"].update({key: {"folder": done.folder, "moved": items}
                                     for key, items in moved.items() if key not in done.refused})
        save_state(course, state)
    return done


def collected(course: Path, chapters: list[str]) -> list[Submission]:
    """The submissions to grade: real folders (never a link) of valid ids."""
    return sorted(Submission(student.name, chapter.name)
                  for student in _listing(course / "submitted")
                  if student.is_dir(follow_symlinks=False) and not student_ids.problem(student.name)
                  for chapter in _listing(student.path)
                  if chapter.name in chapters and chapter.is_dir(follow_symlinks=False))


def _regular_files(folder: Path) -> Iterator[Path]:
    """Every regular file below folder, never following a link."""
    for entry in _listing(folder):
        if entry.is_dir(follow_symlinks=False):
            yield from _regular_files(Path(entry.path))
        elif entry.is_file(follow_symlinks=False):
            yield Path(entry.path)


def _read_regular(path: Path) -> bytes:
    """The content of a regular file; a link or a FIFO swapped in since it
    was listed is neither followed nor opened for reading (O_NONBLOCK: opening
    a FIFO would wait for a writer)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return file.read()


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    # Sorted as Paths, as before, so that fingerprints kept by earlier runs still match.
    for path in sorted(_regular_files(folder)):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + _read_regular(path))
    return digest.hexdigest()


def load_state(course: Path) -> dict:
    """grading_state.json: "fingerprints" (of each submission when last seen),
    "quarantined" and "limits" (kept here), "graded" and "failed"
    (``grader_tests.regrade``)."""
    try:
        state = json.loads((course / STATE_FILE).read_text())
    except (OSError, ValueError):
        state = {}
    return {part: state.get(part, {}) for part in ("fingerprints", "quarantined", "limits", "graded", "failed")}


def save_state(course: Path, state: dict) -> None:
    written = course / (STATE_FILE + ".tmp")
    written.write_text(json.dumps(state, indent=1, sort_keys=True))
    os.replace(written, course / STATE_FILE)  # a crash mid-write leaves the last state whole


def fingerprints(course: Path, found: list[Submission]) -> dict[str, str]:
    """Taken once, before grading: what is remembered is what was graded."""
    return {s.key: fingerprint(s.folder(course)) for s in found}


def clear_previous(course: Path, todo: list[Submission]) -> None:
    """nbgrader regrades a submission whose autograded folder is gone."""
    for submission in todo:
        shutil.rmtree(submission.folder(course, "autograded"), ignore_errors=True)


def remember(course: Path, prints: dict[str, str], quarantined_now: Collection[str] = (),
             limits_hit: dict[str, list[str]] | None = None) -> None:
    """Keep what this run saw. A quarantine flag (its key is a submission's
    or a whole student folder's) is dropped once the student has submitted
    again and intake found nothing to quarantine. ``limits_hit`` holds the
    sandbox limits each submission executed in this run ran into."""
    state = load_state(course)
    changed = {key for key, print_ in prints.items() if state["fingerprints"].get(key) != print_}
    resubmitted = changed | {key.split("/")[0] for key in changed}
    state["quarantined"] = {key: flag for key, flag in state["quarantined"].items()
                            if key in quarantined_now or key not in resubmitted}
    state["fingerprints"].update(prints)
    state["limits"] = {key: hits for key, hits in {**state["limits"], **(limits_hit or {})}.items() if hits}
    save_state(course, state)


def limits_hit(course: Path) -> dict[str, list[str]]:
    """The sandbox limits each submission's latest grading ran into."""
    return load_state(course)["limits"]


def quarantined(course: Path) -> dict[str, dict]:
    """What intake moved out of each submission (or whole student folder) and
    still flags: key -> {"folder": quarantine folder, "moved": [[path, why]]},
    paths relative to submitted/."""
    return load_state(course)["quarantined"]
