"""Which submissions a run grades, and why; and what it remembers of the
ones it graded.

A grade depends on more than the notebook: on the chapter's checks and
reference (the grader side), on the chapter's due date and on the
late-penalty settings. What each of these was when a submission was last
graded is its *basis*, kept in grading_state.json under "graded" with what
grade_class saw right after grading it (the autograded notebook's file
stamp and a digest of its scores in the gradebook). A submission is graded
again when any part of its basis changed, when that record no longer
matches (another path, formgrader's Autograde or a stock ``nbgrader
autograde``, wrote its grade: flagged in the report), when its last grade
was given without the sandbox, or when the instructor asks (``--force``,
``--student``). A submission that fails is not recorded as graded: it is
listed under "failed", with the lines of grading.log that say why, and the
next run tries it again.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from grader_tests.submissions import Submission, load_state, save_state

GRADER = Path(__file__).resolve().parent
# Modules and packages of grader_tests that organise grading but cannot change
# a score. Every other module of the grader counts as part of every grade: a
# module added later and not listed here makes grades regrade when it
# changes, never go stale.
ORGANISING = frozenset({
    "__init__.py", "cgroups.py", "child_processes.py", "cli.py", "events.py", "exchange_inbox.py",
    "feedback.py", "feedback_math.py", "feedback_verdicts.py", "grade_class.py", "gradebook.py",
    "grading_log.py", "insights", "kernel_client.py", "lms_export.py", "lms_presets.py",
    "lms_zip.py", "machine_paths.py", "named_mistakes.py", "nbgrader_speedups.py", "regrade.py",
    "report.py", "student_ids.py", "submissions.py", "untrusted_files.py", "verdict_log.py",
    "watch.py", "watch_queue.py", "worker.py",
})


def grader_files(course: Path, chapter: str) -> list[Path]:
    """The files a chapter's grades are computed from: its solution notebook
    (the reference and the test cells), the course's nbgrader configuration,
    the shared grader modules, and the chapter's own checks and inputs."""
    modules = [path for path in sorted(GRADER.rglob("*.py"))
               if path.relative_to(GRADER).parts[0] not in ORGANISING]
    # A chapter's own modules (chNN_topic.py) count for that chapter only.
    modules = [path for path in modules
               if not re.fullmatch(r"ch\d\d_\w+\.py", path.name) or path.name == f"ch{chapter}.py"]
    return [course / "solutions" / chapter / f"{chapter}.ipynb", course / "nbgrader_config.py", *modules]


def grader_digest(course: Path, chapter: str) -> str:
    digest = hashlib.sha256()
    for path in grader_files(course, chapter):
        digest.update(str(path.relative_to(path.parent.parent)).encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"(missing)")
    return digest.hexdigest()


@dataclass(frozen=True)
class Basis:
    """What one submission's grade depends on, each part as text."""
    submission: str  # fingerprint of the submitted folder
    grader: str
    due: str | None
    late_penalty: str

    def changes(self, before: dict) -> str | None:
        """What changed since ``before`` (a basis as stored), or None."""
        for field, why in (("submission", "resubmitted"),
                           ("grader", "the chapter's checks or reference changed"),
                           ("due", "the due date changed"),
                           ("late_penalty", "the late-penalty settings changed")):
            if before.get(field) != getattr(self, field):
                return why
        return None


def autograded_stamp(course: Path, submission: Submission) -> list[int] | None:
    """The autograded notebook's modification time and size: any process that
    writes it (nbgrader autograde from any path) changes them."""
    try:
        info = os.stat(submission.notebook(course, "autograded"), follow_symlinks=False)
    except FileNotFoundError:
        return None
    return [info.st_mtime_ns, info.st_size]


def observed(course: Path, submission: Submission, scores: dict[str, str]) -> dict:
    return {"autograded": autograded_stamp(course, submission), "scores": scores.get(submission.key)}


def written_elsewhere(record: dict, now: dict) -> str | None:
    """Why the gradebook's grade is not the one grade_class gave, or None."""
    if record.get("observed", {}).get("scores") != now["scores"]:
        return "its scores in the gradebook were changed by another path (formgrader or nbgrader autograde)"
    if record.get("observed", {}).get("autograded") != now["autograded"]:
        return "its autograded notebook was rewritten or removed by another path"
    return None


@dataclass
class Plan:
    """The submissions to grade, each with why; and the flags for the report."""
    todo: dict[str, str]  # key -> reason
    elsewhere: dict[str, str]  # key -> why its grade was not grade_class's

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for reason in self.todo.values():
            counts[reason] = counts.get(reason, 0) + 1
        return ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def plan(course: Path, scope: list[Submission], bases: dict[str, Basis], scores: dict[str, str],
         sandboxed: bool, forced: bool) -> Plan:
    state = load_state(course)
    todo: dict[str, str] = {}
    elsewhere: dict[str, str] = {}
    for submission in scope:
        key = submission.key
        record = state["graded"].get(key)
        if record is None:
            if key not in state["fingerprints"] and scores.get(key):
                elsewhere[key] = "graded by another path before grade_class saw it"
            todo[key] = "failed last time, retried" if key in state["failed"] else "new"
            continue
        if why := written_elsewhere(record, observed(course, submission, scores)):
            elsewhere[key] = why
        reason = (("regrade asked for" if forced else None) or bases[key].changes(record["basis"])
                  or ("graded by another path" if key in elsewhere else None)
                  or ("last graded without the sandbox" if sandboxed and not record.get("sandboxed") else None))
        if reason:
            todo[key] = reason
    return Plan(todo, elsewhere)


def remember_grading(course: Path, graded: list[Submission], failed: dict[str, tuple[int, int] | None],
                     bases: dict[str, Basis], scores: dict[str, str], sandboxed: bool) -> None:
    """Record the submissions graded in this run with their basis and what
    grading left; forget the grade of those that failed, keeping where the
    log says why."""
    state = load_state(course)
    for submission in graded:
        state["graded"][submission.key] = {"basis": vars(bases[submission.key]), "sandboxed": sandboxed,
                                           "observed": observed(course, submission, scores)}
        state["failed"].pop(submission.key, None)
    for key, lines in failed.items():
        state["graded"].pop(key, None)
        state["failed"][key] = {"log_lines": list(lines) if lines else None}
    save_state(course, state)


def graded_unsandboxed(course: Path) -> set[str]:
    """Keys of the submissions whose current grade was given without the sandbox."""
    return {key for key, record in load_state(course)["graded"].items() if not record.get("sandboxed")}


def failures(course: Path) -> dict[str, tuple[int, int] | None]:
    """The submissions whose last grading failed -> the lines of grading.log saying why."""
    return {key: tuple(record["log_lines"]) if record.get("log_lines") else None
            for key, record in load_state(course)["failed"].items()}


def graded_keys(course: Path) -> set[str]:
    return set(load_state(course)["graded"])
