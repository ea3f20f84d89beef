"""Grade everything collected in submitted/, in parallel and sandboxed.

    python -m grader_tests.grade_class [CHAPTER ...] [--jobs N] [--timeout S]
                                       [--zip CHAPTER=PATH.zip ...] [--allow-unsandboxed]

Run it from the course root (the folder with nbgrader_config.py). It

1. collects the LMS downloads given with --zip into submitted/ (nbgrader's
   zip_collect; see ``grader_tests.lms_zip``);
2. picks the submissions that are new or changed since the last run (a
   fingerprint of each submitted folder is kept in grading_state.json), so
   running it again after more submissions arrive grades only those, and
   those last graded without the sandbox, when the sandbox can run;
3. autogrades them with one long-lived ``nbgrader autograde`` process per
   core, each given a share of the students, in the bubblewrap kernel of
   ``grader_tests.sandbox`` (it refuses to grade without it unless
   ``--allow-unsandboxed``), and each process then writes its share's
   feedback;
4. exports grades.csv and writes grading_report.md: each
   student's score per chapter and every flagged submission with its reason.

The gradebook is the config's: SQLite (gradebook.db) by default, or one
PostgreSQL database shared by several machines, each grading its own
students, with ``c.CourseDirectory.db_url`` in nbgrader_config.py (see the
comment there on keeping the credentials out of reach of student kernels).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from dlcourse.release import chapters as solution_chapters, nbgrader_env
from grader_tests import lms_zip, sandbox, submissions
from grader_tests.report import LOG_FILE, write_report

REPO_ROOT = Path(__file__).resolve().parent.parent


def nbgrader(course: Path, *args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nbgrader", *args, "--log-level=INFO"],
                            cwd=course, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def shares(students: list[str], jobs: int) -> list[list[str]]:
    return [share for share in (students[i::jobs] for i in range(jobs)) if share]


def grade_share(course: Path, share: list[str], pending: set[str], everyone: list[str],
                settings: list[str], env: dict, logs: list[str], progress) -> None:
    """Autograde this share's new or changed submissions, then write the
    share's feedback (nbgrader skips feedback that is newer than its grade),
    so feedback is generated in parallel too."""
    common = ["--CourseDirectory.assignment_id=*", "--CourseDirectory.student_id=*", *settings]
    steps = []
    if to_grade := pending & set(share):
        steps.append(["autograde", "--create", *common, exclude(everyone, to_grade)])
    steps.append(["generate_feedback", *common, exclude(everyone, set(share))])
    for step in steps:
        worker = nbgrader(course, *step, env=env)
        for line in worker.stderr:
            logs.append(line)
            progress(line)
        worker.wait()


def exclude(everyone: list[str], share: set[str]) -> str:
    # nbgrader has no include list, but every converter honours an exclude list.
    return f"--CourseDirectory.student_id_exclude={','.join(s for s in everyone if s not in share)}"


def grade_in_parallel(course: Path, everyone: list[str], pending: set[str], jobs: int,
                      settings: list[str], env: dict, progress) -> str:
    """One thread per share of the class, each driving its own nbgrader
    processes; returns their logs, joined."""
    logs: list[str] = []
    threads = [threading.Thread(target=grade_share,
                                args=(course, share, pending, everyone, settings, env, logs, progress))
               for share in shares(everyone, jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return "".join(logs)


def progress_printer(total: int):
    done = [0]
    lock = threading.Lock()
    tracker = submissions.Progress()

    def show(line: str) -> None:
        with lock:
            event = tracker.event(line)
            if event:
                done[0] += 1
                print(f"[{done[0]}/{total}] {event}", flush=True)
    return show


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="default: every chapter in solutions/")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--timeout", type=int, help="seconds per cell (default: the config's)")
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--cpu-seconds", type=int, default=600, help="per notebook")
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
                                       args.zip_regexp, env)
        except lms_zip.ZipError as error:
            print(f"Not graded: {error}", file=sys.stderr)
            return 2
        print(download.summary(), flush=True)
        downloads.append(download)

    found = submissions.collected(course, chapters)
    prints = submissions.fingerprints(course, found)
    pending = submissions.pending(course, found, prints, sandboxed=not unsandboxed)
    print(f"{len(found)} submissions, {len(pending)} to grade", flush=True)
    with tempfile.TemporaryDirectory(prefix="grading-kernels-") as kernels:
        settings: list[str] = []
        if not unsandboxed:
            sandbox.install_kernelspec(Path(kernels), hide=[course, REPO_ROOT],
                                       memory_mb=args.memory_mb, cpu_seconds=args.cpu_seconds)
            env["JUPYTER_PATH"] = kernels
            settings.append(f"--Execute.kernel_name={sandbox.KERNEL_NAME}")
        if args.timeout:
            settings.append(f"--Execute.timeout={args.timeout}")
        submissions.clear_previous(course, pending)
        everyone = sorted({s.student for s in found})
        started = time.perf_counter()
        log = grade_in_parallel(course, everyone, {s.student for s in pending}, args.jobs, settings,
                                env, progress_printer(len(pending)))
        print(f"autograded and wrote feedback in {time.perf_counter() - started:.0f} s", flush=True)
        log += nbgrader(course, "export", *settings, env=env).communicate()[1]
    submissions.remember(course, prints, graded=pending, sandboxed=not unsandboxed)
    (course / LOG_FILE).write_text(log)
    report = write_report(course, found, chapters, downloads,
                          sandbox_off=unsandboxed if args.allow_unsandboxed else None)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
