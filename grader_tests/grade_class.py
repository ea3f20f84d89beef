"""Grade everything collected in submitted/, in parallel and sandboxed.

    python -m grader_tests.grade_class [CHAPTER ...] [--jobs N] [--timeout S]
                                       [--zip CHAPTER=PATH.zip ...] [--allow-unsandboxed]

Run it from the course root (the folder with nbgrader_config.py). It

1. collects the LMS downloads given with --zip into submitted/ (nbgrader's
   zip_collect; see ``grader_tests.lms_zip``);
2. takes in submitted/ (``submissions.intake``): links, FIFOs, devices and
   files over the size caps are moved to quarantine/ before nbgrader or the
   fingerprint opens anything, and folders not named by a valid student id are
   refused; both are flagged in the report;
3. picks the submissions that are new or changed since the last run (a
   fingerprint of each submitted folder is kept in grading_state.json), so
   running it again after more submissions arrive grades only those, and
   those last graded without the sandbox, when the sandbox can run;
4. autogrades them with one long-lived ``nbgrader autograde`` process per
   core, each given a share of the students, in the bubblewrap kernel of
   ``grader_tests.sandbox`` (it refuses to grade without it unless
   ``--allow-unsandboxed``), and each process then writes its share's
   feedback;
5. exports grades.csv, with no cell a spreadsheet would take for a formula,
   and writes grading_report.md: each student's score per chapter and every
   flagged submission with its reason.

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
from grader_tests import cgroups, events, lms_zip, sandbox, submissions
from grader_tests.preprocessors import ALLOW_UNSANDBOXED_VAR
from grader_tests.report import GRADES_FILE, LOG_FILE, defuse_csv, write_report

MAX_LOG_LINE = 2000  # characters kept of one line nbgrader logs


def nbgrader(course: Path, *args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nbgrader", *args, "--log-level=INFO"],
                            cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, errors="replace")


def worker(course: Path, steps: list[list[str]], env: dict, keep_fds: tuple[int, ...]) -> subprocess.Popen:
    """The nbgrader commands ``steps`` run in one process (grader_tests.worker)."""
    steps = [[*step, "--log-level=INFO"] for step in steps]
    return subprocess.Popen([sys.executable, "-m", "grader_tests.worker", json.dumps(steps)],
                            cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, errors="replace", pass_fds=keep_fds)


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
    process = worker(course, steps, env, keep_fds=(events_fd,))
    for line in process.stderr:
        logs.append(line[:MAX_LOG_LINE])
    process.wait()


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="default: every chapter in solutions/")
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
    parser.add_argument("--zip-regexp", default=lms_zip.DEFAULT_REGEXP,
                        help="how a path in the zip names the student and the file "
                             "(default: one folder per student ID)")
    parser.add_argument("--allow-unsandboxed", action="store_true",
                        help="grade without bubblewrap where it cannot run (the report says so)")
    args = parser.parse_args(argv)
    course = Path.cwd().resolve()
    known_chapters = solution_chapters(course)
    chapters = args.chapters or known_chapters

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
                                       args.zip_regexp)
        except lms_zip.ZipError as error:
            print(f"Not graded: {error}", file=sys.stderr)
            return 2
        print(download.summary(), flush=True)
        downloads.append(download)

    try:
        taken = submissions.intake(course)
    except submissions.IntakeError as error:
        print(f"Not graded: {error}", file=sys.stderr)
        return 2
    print(taken.summary(), flush=True)
    found = submissions.collected(course, chapters)
    prints = submissions.fingerprints(course, found)
    pending = submissions.pending(course, found, prints, sandboxed=not unsandboxed)
    print(f"{len(found)} submissions, {len(pending)} to grade", flush=True)
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
    log += nbgrader(course, "export", *settings, env=env).communicate()[1]
    if (course / GRADES_FILE).exists():
        defuse_csv(course / GRADES_FILE)
    submissions.remember(course, prints, graded=pending, sandboxed=not unsandboxed,
                         quarantined_now=taken.moved, limits_hit=progress.limits_hit)
    (course / LOG_FILE).write_text(log)
    report = write_report(course, found, chapters, downloads,
                          sandbox_off=unsandboxed if args.allow_unsandboxed else None, intake=taken,
                          limits=None if unsandboxed else cgroups.mechanisms())
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
