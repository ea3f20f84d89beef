"""Grade everything collected in submitted/, in parallel and sandboxed.

    python -m grader_tests.grade_class [CHAPTER ...] [--student ID ...] [--force]
                                       [--jobs N] [--timeout S] [--allow-unsandboxed]
                                       [--zip CHAPTER=PATH.zip ...] [--lms canvas|moodle|blackboard]

Run it from the course root (the folder with nbgrader_config.py). It

1. collects the LMS downloads given with --zip into submitted/ (see
   ``grader_tests.lms_zip``; ``--lms`` reads them as that LMS names its
   files, ``grader_tests.lms_presets``);
2. takes in submitted/ (``submissions.intake``): links, FIFOs, devices and
   files over the size caps are moved to quarantine/ before nbgrader or the
   fingerprint opens anything, and folders not named by a valid student id are
   refused; both are flagged in the report;
3. adds each chapter missing from the gradebook, as nbgrader's
   generate_assignment does (``grader_tests.gradebook``);
4. picks the submissions to grade (``grader_tests.regrade``): new ones, those
   whose grade depends on something that changed since (the notebook, the
   chapter's checks or reference, the due date, the late-penalty settings),
   those that failed last time, those graded by another path or without the
   sandbox, and those asked for with --student or --force;
5. autogrades them with one long-lived ``nbgrader autograde`` process per
   core, each given a share of the students, in the bubblewrap kernel of
   ``grader_tests.sandbox`` (it refuses to grade without it unless
   ``--allow-unsandboxed``), and each process then writes its share's
   feedback;
6. exports grades.csv, with no cell a spreadsheet would take for a formula
   (and, after --lms downloads, the LMS's import files in lms_grades/, see
   ``grader_tests.lms_export``), appends this run's part to grading.log
   (``grader_tests.grading_log``), writes grading_report.md (each student's
   score per chapter and every flagged submission with its reason) and the
   class's insight page, insights.html (``grader_tests.insights``).

It exits with 0, or with 1 when an LMS download left files out or flagged
them (the rest is graded; the list is on stderr), or with 2 when it graded
nothing (the message says why).

The gradebook is the config's: SQLite (gradebook.db) by default, or one
PostgreSQL database shared by several machines, each grading its own
students, with ``c.CourseDirectory.db_url`` in nbgrader_config.py (see the
comment there on keeping the credentials out of reach of student kernels).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from dlcourse.release import chapters as solution_chapters, nbgrader_env
from grader_tests import (cgroups, events, gradebook, grading_log, insights, lms_export, lms_zip, regrade,
                          sandbox, student_ids, submissions)
from grader_tests.insights.similarity import DEFAULT_THRESHOLD
from grader_tests.child_processes import die_with_parent
from grader_tests.lms_presets import PRESETS
from grader_tests.preprocessors import ALLOW_UNSANDBOXED_VAR
from grader_tests.report import GRADES_FILE, defuse_csv, write_report

MAX_LOG_LINE = 2000  # characters kept of one line nbgrader logs


def run_worker(course: Path, steps: list[list[str]], env: dict, keep_fds: tuple[int, ...] = ()) -> str:
    """Run the nbgrader commands ``steps`` in one process (grader_tests.worker);
    returns what they logged, each line cut to MAX_LOG_LINE."""
    steps = [[*step, "--log-level=INFO"] for step in steps]
    process = subprocess.Popen([sys.executable, "-m", "grader_tests.worker", json.dumps(steps)],
                               cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, errors="replace", pass_fds=keep_fds, preexec_fn=die_with_parent)
    lines = [line[:MAX_LOG_LINE] for line in process.stderr]
    process.wait()
    return "".join(lines)


def shares(students: list[str], jobs: int) -> list[list[str]]:
    return [share for share in (students[i::jobs] for i in range(jobs)) if share]


def grade_share(course: Path, share: list[str], pending: set[str], everyone: list[str],
                settings: list[str], env: dict, logs: list[str], events_fd: int) -> None:
    """Autograde this share's new or changed submissions, then write the
    share's feedback (nbgrader skips feedback that is newer than its grade),
    so feedback is generated in parallel too; both in one process."""
    common = ["--CourseDirectory.assignment_id=*", "--CourseDirectory.student_id=*", *settings]
    steps = []
    if to_grade := pending & set(share):
        steps.append(["autograde", "--create", *common, exclude(everyone, to_grade)])
    steps.append(["generate_feedback", *common, exclude(everyone, set(share))])
    logs.append(run_worker(course, steps, env, keep_fds=(events_fd,)))


def exclude(everyone: list[str], share: set[str]) -> str:
    # nbgrader has no include list, but every converter honours an exclude list.
    return f"--CourseDirectory.student_id_exclude={','.join(s for s in everyone if s not in share)}"


def grade_in_parallel(course: Path, everyone: list[str], pending: set[str], jobs: int,
                      settings: list[str], env: dict, progress: "Progress", refused: list[str] = ()) -> str:
    """One thread per share of the class, each driving its own nbgrader
    processes, which report each notebook they executed on one pipe; returns
    their logs, joined. The refused student folders are excluded from every
    process (nbgrader would grade them)."""
    logs: list[str] = []
    excluded = [*everyone, *refused]
    read_end, write_end = os.pipe()
    env = {**env, events.EVENTS_FD_VAR: str(write_end)}
    listener = threading.Thread(target=progress.listen, args=(read_end,))
    listener.start()
    threads = [threading.Thread(target=grade_share,
                                args=(course, share, pending, excluded, settings, env, logs, write_end))
               for share in shares(everyone, jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os.close(write_end)  # the listener sees the end once every worker is gone
    listener.join()
    return "".join(logs)


class Progress:
    """One line per executed notebook, from the workers' structured events
    (never from log text, which a student can influence); keeps which
    sandbox limits each submission ran into."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self.limits_hit: dict[str, list[str]] = {}

    def listen(self, fd: int) -> None:
        with os.fdopen(fd, errors="replace") as stream:
            for line in stream:
                if (event := events.parse(line)) and event.get("event") == "executed":
                    self.show(event)

    def show(self, event: dict) -> None:
        self.done += 1
        key = f"{event.get('student')}/{event.get('chapter')}"
        hits = [str(hit) for hit in event.get("limits") or []]
        self.limits_hit[key] = hits
        notes = [f"stopped: {event['stopped']}"] if event.get("stopped") else []
        notes += [f"hit the sandbox limit on {hit}" for hit in hits]
        print(f"[{self.done}/{self.total}] {key} graded" + (f" ({'; '.join(notes)})" if notes else ""),
              flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="default: every chapter in solutions/")
    parser.add_argument("--student", action="append", default=[], metavar="ID",
                        help="grade only this student's submissions, again even if unchanged (repeatable)")
    parser.add_argument("--force", action="store_true",
                        help="grade every submission of the chapters named again, even if unchanged")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--timeout", type=int, help="seconds per cell (default: the config's)")
    defaults = sandbox.Limits()
    parser.add_argument("--memory-mb", type=int, default=defaults.memory_mb,
                        help="memory of one sandbox: the kernel, its children and its tmpfs together")
    parser.add_argument("--cpu-seconds", type=int, default=defaults.cpu_seconds, help="per process")
    parser.add_argument("--processes", type=int, default=defaults.processes, help="per sandbox")
    parser.add_argument("--disk-mb", type=int, default=defaults.disk_mb,
                        help="size of the sandbox's working copy, and of its /tmp")
    parser.add_argument("--zip", action="append", default=[], metavar="CHAPTER=PATH",
                        help="collect an LMS download of CHAPTER into submitted/ first (repeatable)")
    parser.add_argument("--lms", choices=sorted(PRESETS),
                        help="the zips are this LMS's downloads, named as it names them; "
                             "grades are also exported in its gradebook's import format")
    parser.add_argument("--zip-regexp", default=None,
                        help="how a path in the zip names the student and the file "
                             "(default: one folder per student ID)")
    parser.add_argument("--allow-unsandboxed", action="store_true",
                        help="grade without bubblewrap where it cannot run (the report says so)")
    parser.add_argument("--similarity-threshold", type=float, default=DEFAULT_THRESHOLD, metavar="SHARE",
                        help="the insight page lists pairs of students whose answers are at least this "
                             f"similar (0 to 1, default {DEFAULT_THRESHOLD})")
    return parser.parse_args(argv)


class Refused(Exception):
    """Nothing is graded; the message says why and what to do."""


def check_selection(args: argparse.Namespace, known_chapters: list[str]) -> list[str]:
    if args.lms and args.zip_regexp:
        raise Refused("--lms and --zip-regexp both say how to read the zip: give one")
    if unknown := [chapter for chapter in args.chapters if chapter not in known_chapters]:
        raise Refused(f"unknown chapter {', '.join(map(repr, unknown))}; chapters: {', '.join(known_chapters)}")
    if bad := [(student, why) for student in args.student if (why := student_ids.problem(student))]:
        raise Refused("; ".join(f"--student {why}" for _, why in bad))
    return args.chapters or known_chapters


def in_scope(found: list[submissions.Submission], students: list[str],
             chapters: list[str]) -> list[submissions.Submission]:
    if not students:
        return found
    scope = [s for s in found if s.student in students]
    if absent := sorted(set(students) - {s.student for s in scope}):
        raise Refused(f"no submission from {', '.join(absent)} in submitted/ for {', '.join(chapters)}")
    return scope


def grading_bases(course: Path, scope: list[submissions.Submission], prints: dict[str, str],
                  env: dict) -> tuple[dict[str, regrade.Basis], dict[str, str]]:
    """What each submission's grade would depend on, and the gradebook's
    score digests; adds the chapters missing from the gradebook first."""
    app = gradebook.course_app()
    chapters = sorted({s.chapter for s in scope})
    with gradebook.opened(app) as book:
        missing = gradebook.missing_chapters(book, chapters)
    if missing:
        print(f"adding {', '.join(missing)} to the gradebook (as nbgrader generate_assignment does)", flush=True)
        try:
            gradebook.add_chapters(course, missing, env)
        except gradebook.GradebookError as error:
            raise Refused(str(error)) from None
    with gradebook.opened(app) as book:
        dues = gradebook.due_dates(book, chapters)
        scores = gradebook.score_digests(book)
    late = gradebook.late_penalty_settings(app)
    graders = {chapter: regrade.grader_digest(course, chapter) for chapter in chapters}
    return ({s.key: regrade.Basis(prints[s.key], graders[s.chapter], dues[s.chapter], late) for s in scope},
            scores)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    course = Path.cwd().resolve()
    known_chapters = solution_chapters(course)
    try:
        chapters = check_selection(args, known_chapters)
    except Refused as error:
        print(f"Not graded: {error}", file=sys.stderr)
        return 2

    unsandboxed = sandbox.unavailable_reason()
    if unsandboxed and not args.allow_unsandboxed:
        print(f"Refusing to grade: {unsandboxed}.\nInstall bubblewrap, or pass "
              "--allow-unsandboxed to run student code with the grader's rights.", file=sys.stderr)
        return 2

    env = nbgrader_env()
    downloads = []
    for value in args.zip:
        try:
            download = lms_zip.collect(course, *lms_zip.parse_option(value, known_chapters),
                                       args.zip_regexp or lms_zip.DEFAULT_REGEXP, lms=args.lms)
        except lms_zip.ZipError as error:
            print(f"Not graded: {error}", file=sys.stderr)
            return 2
        print(download.summary(), flush=True)
        if args.lms:
            lms_export.remember(course, args.lms, download)
        downloads.append(download)

    try:
        taken = submissions.intake(course)
    except submissions.IntakeError as error:
        print(f"Not graded: {error}", file=sys.stderr)
        return 2
    print(taken.summary(), flush=True)
    found = submissions.collected(course, chapters)
    prints = submissions.fingerprints(course, found)
    try:
        scope = in_scope(found, args.student, chapters)
        bases, scores = grading_bases(course, scope, prints, env)
    except Refused as error:
        print(f"Not graded: {error}", file=sys.stderr)
        return 2
    plan = regrade.plan(course, scope, bases, scores, sandboxed=not unsandboxed,
                        forced=args.force or bool(args.student))
    pending = [s for s in scope if s.key in plan.todo]
    print(f"{len(found)} submissions, {len(pending)} to grade"
          + (f" ({plan.summary()})" if pending else ""), flush=True)
    # TrustedExecute starts every kernel in the sandbox with these limits.
    env[sandbox.LIMITS_VAR] = sandbox.Limits(args.memory_mb, args.cpu_seconds, args.processes,
                                             args.disk_mb, min(sandbox.Limits.file_mb, args.disk_mb)).to_env()
    if unsandboxed:
        env[ALLOW_UNSANDBOXED_VAR] = "1"
    settings = [f"--Execute.timeout={args.timeout}"] if args.timeout else []
    submissions.clear_previous(course, pending)
    everyone = sorted({s.student for s in found})
    started = time.perf_counter()
    progress = Progress(len(pending))
    log = grade_in_parallel(course, everyone, {s.student for s in pending}, args.jobs, settings,
                            env, progress, refused=taken.left_in_place)
    if progress.done < progress.total:
        print(f"{progress.done} of {progress.total} executed; {progress.total - progress.done} "
              "could not run (see the report)", flush=True)
    print(f"autograded and wrote feedback in {time.perf_counter() - started:.0f} s", flush=True)
    log += run_worker(course, [["export", *settings]], env)
    if (course / GRADES_FILE).exists():
        defuse_csv(course / GRADES_FILE)
    section = grading_log.append_run(course, log)
    graded = [s for s in pending if s.folder(course, "autograded").is_dir()]
    failed = {s.key: section.failure_lines(course, s.key) for s in pending if s not in graded}
    with gradebook.opened(gradebook.course_app()) as book:
        scores = gradebook.score_digests(book)
    regrade.remember_grading(course, graded, failed, bases, scores, sandboxed=not unsandboxed)
    submissions.remember(course, prints, quarantined_now=taken.moved, limits_hit=progress.limits_hit)
    report = write_report(course, found, chapters, downloads,
                          sandbox_off=unsandboxed if args.allow_unsandboxed else None, intake=taken,
                          limits=None if unsandboxed else cgroups.mechanisms(), elsewhere=plan.elsewhere,
                          marked_late=lms_export.marked_late(course))
    print(report)
    for path in lms_export.export(course):
        print(f"grades for the LMS: {path.relative_to(course)}")
    write_insights(course, args.similarity_threshold)
    return skipped_files(downloads)


def write_insights(course: Path, threshold: float) -> None:
    """The class's insight page, for every chapter graded so far; a failure
    here is reported and never fails grading."""
    try:
        page = insights.write(course, None, threshold)
    except Exception as error:  # noqa: BLE001 - the grades are written; the page is a view of them
        print(f"insights.html not written: {type(error).__name__}: {error}", file=sys.stderr)
        return
    print(f"class insights: {page.relative_to(course)} (and {insights.CSV_FOLDER}/*.csv)")


def skipped_files(downloads: list[lms_zip.Collected]) -> int:
    """1, with the list on stderr, if a download left out or flagged anything
    (the rest was graded); else 0."""
    lines = [f"{download.chapter}: {line}" for download in downloads for line in download.warnings]
    if not lines:
        return 0
    print(f"The LMS downloads left {len(lines)} files out or flagged them (see the report):", file=sys.stderr)
    print("".join(f"  {line!r}\n" for line in lines), end="", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
