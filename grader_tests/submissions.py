"""Which submissions are in submitted/, and which changed since last graded.

The fingerprint of a submission is a hash of its folder's files. The
fingerprint each submission had when it was last graded is kept in
grading_state.json at the course root, outside every folder a student kernel
can write, with the submissions whose grade came from a run without the
sandbox: they stay flagged, and the next sandboxed run regrades them.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "grading_state.json"


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


def collected(course: Path, chapters: list[str]) -> list[Submission]:
    root = course / "submitted"
    if not root.is_dir():
        return []
    return sorted(Submission(folder.parent.name, folder.name)
                  for folder in root.glob("*/*") if folder.is_dir() and folder.name in chapters)


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _state(course: Path) -> dict:
    try:
        state = json.loads((course / STATE_FILE).read_text())
    except (OSError, ValueError):
        state = {}
    return {"fingerprints": state.get("fingerprints", {}), "unsandboxed": state.get("unsandboxed", [])}


def fingerprints(course: Path, found: list[Submission]) -> dict[str, str]:
    """Taken once, before grading: what is remembered is what was graded."""
    return {s.key: fingerprint(s.folder(course)) for s in found}


def pending(course: Path, found: list[Submission], prints: dict[str, str],
            sandboxed: bool) -> list[Submission]:
    """The new or changed submissions and, in a sandboxed run, those last
    graded without the sandbox."""
    state = _state(course)
    regrade = set(state["unsandboxed"]) if sandboxed else set()
    # A submission that failed (say, corrupt) is not retried until it changes.
    return [s for s in found if state["fingerprints"].get(s.key) != prints[s.key] or s.key in regrade]


def graded_unsandboxed(course: Path) -> set[str]:
    """Keys of the submissions whose current grade was given without the sandbox."""
    return set(_state(course)["unsandboxed"])


def clear_previous(course: Path, todo: list[Submission]) -> None:
    """nbgrader regrades a submission whose autograded folder is gone."""
    for submission in todo:
        shutil.rmtree(submission.folder(course, "autograded"), ignore_errors=True)


def remember(course: Path, prints: dict[str, str], graded: list[Submission], sandboxed: bool) -> None:
    state = _state(course)
    state["fingerprints"].update(prints)
    keys = {s.key for s in graded}
    unsandboxed = set(state["unsandboxed"]) - keys if sandboxed else set(state["unsandboxed"]) | keys
    state["unsandboxed"] = sorted(unsandboxed)
    (course / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True))


_STARTED = re.compile(r"INFO\] Autograding (.*)/autograded/([^/]+)/([^/]+)/[^/]+\.ipynb$")
_WRITTEN = re.compile(r"INFO\] Writing \d+ bytes to (.*)/autograded/([^/]+)/([^/]+)/[^/]+\.ipynb$")
_FAILED = re.compile(r"ERROR\] There was an error processing assignment: .*/submitted/([^/]+)/([^/]+)$")


class Progress:
    """Turns nbgrader's log lines into one event per finished submission."""

    def __init__(self):
        self.running: set[tuple[str, str]] = set()

    def event(self, line: str) -> str | None:
        line = line.rstrip()
        if match := _STARTED.search(line):
            self.running.add(match.groups()[1:])
        elif (match := _WRITTEN.search(line)) and match.groups()[1:] in self.running:
            self.running.discard(match.groups()[1:])
            return "{}/{} graded".format(*match.groups()[1:])
        elif match := _FAILED.search(line):
            self.running.discard(match.groups())
            return "{}/{} FAILED (see the report)".format(*match.groups())
        return None
