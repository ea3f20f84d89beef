"""dlcourse: the instructor's command, installed with the course's package.

    dlcourse grade [CHAPTER ...] [OPTIONS]       grade the class (python -m grader_tests.grade_class)
    dlcourse insights [CHAPTER ...] [--similarity-threshold T]
                                                 rebuild insights.html from the gradebook, without grading
    dlcourse watch [CHAPTER ...] [OPTIONS]       grade submissions as they reach nbgrader's exchange
                                                 (python -m grader_tests.watch)

Run it from the course root (the folder with nbgrader_config.py), as nbgrader.
``dlcourse COMMAND --help`` shows a command's options.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path


# Commands that are a module of their own, with its own options.
FORWARDED = {"grade": "grader_tests.grade_class", "watch": "grader_tests.watch"}


def share(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("a share between 0 (excluded) and 1, such as 0.8")
    return value


def forward(command: str, args: list[str]) -> int:
    """Run the module behind ``command`` with the rest of the command line."""
    module = importlib.import_module(FORWARDED[command])
    # The module names itself after argv[0] in its usage and help.
    program, sys.argv[0] = sys.argv[0], f"dlcourse {command}"
    try:
        return module.main(args)
    finally:
        sys.argv[0] = program


def insights(args: argparse.Namespace) -> int:
    from grader_tests import insights as insight_page

    course = Path.cwd().resolve()
    if not (course / "nbgrader_config.py").is_file():
        print("Run dlcourse from the course root, the folder with nbgrader_config.py.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        path = insight_page.write(course, args.chapters or None, args.similarity_threshold)
    except insight_page.class_scores.NoGradebook as error:
        print(f"Nothing to show: {error}.", file=sys.stderr)
        return 2
    print(f"wrote {path.name} and {insight_page.CSV_FOLDER}/*.csv in {time.perf_counter() - started:.1f} s; "
          f"open {path} in a browser")
    return 0


def parser() -> argparse.ArgumentParser:
    from grader_tests.insights.similarity import DEFAULT_THRESHOLD

    top = argparse.ArgumentParser(prog="dlcourse", description=__doc__.splitlines()[0],
                                  epilog="Run from the course root. "
                                         "`dlcourse COMMAND --help` for a command's options.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("grade", add_help=False,
                        help="grade every submission in submitted/ (sandboxed, in parallel), then "
                             "write grades.csv, grading_report.md and the insight page")
    commands.add_parser("watch", add_help=False,
                        help="grade submissions as they reach nbgrader's exchange and release their "
                             "feedback, until Ctrl-C")
    page = commands.add_parser("insights", help="rebuild insights.html and insights/*.csv from the gradebook "
                                                "and the recorded verdicts, without grading",
                               description="Rebuild insights.html (scores, item analysis, mistakes, similar "
                                           "submissions, per student) and insights/*.csv from the gradebook "
                                           "and the verdicts the grader recorded; nothing is graded.")
    page.add_argument("chapters", nargs="*", help="default: every chapter the gradebook knows")
    page.add_argument("--similarity-threshold", type=share, default=DEFAULT_THRESHOLD, metavar="SHARE",
                      help="list pairs of students whose answers are at least this similar "
                           f"(0 to 1, default {DEFAULT_THRESHOLD})")
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in FORWARDED:  # everything after it, --help included, is the module's
        return forward(argv[0], argv[1:])
    return insights(parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
