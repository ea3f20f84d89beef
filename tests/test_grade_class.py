"""The instructor's command on a class full of bad submissions: each gets a
clear outcome in the report, the others are graded, and a second run grades
only what is new."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env

CHAPTER = "01_nonlinearity"
TOTAL = 26.0
ROOT = Path(__file__).resolve().parent.parent
LIMITS = ["--timeout", "8", "--memory-mb", "1024", "--cpu-seconds", "30"]

SNOOP = f'''
import os

def grader_processes():
    # pid 1 is the sandbox's own init; anything else but this kernel is the grader's.
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
    if not others:
        raise LookupError("no other process visible")
    return [open(f"/proc/{{p}}/cmdline", "rb").read() for p in others]

attempts = {{
    "grader_processes": grader_processes,
    "solutions": lambda: open({str(ROOT / "solutions" / CHAPTER / (CHAPTER + ".ipynb"))!r}).read(),
    "reference": lambda: __import__("grader_tests.reference", fromlist=["x"]).load_reference({CHAPTER!r}),
    "gradebook": lambda: open(os.path.join("..", "..", "..", "gradebook.db"), "rb").read(),
    "other_student": lambda: open(os.path.join("..", "..", "..", "submitted", "correct", {CHAPTER!r},
                                               {CHAPTER!r} + ".ipynb"), "a").write("x"),
    "config": lambda: open(os.path.join("..", "..", "..", "nbgrader_config.py")).read(),
}}
outcome = {{}}
for name, attempt in attempts.items():
    try:
        attempt()
        outcome[name] = "succeeded"
    except Exception as error:
        outcome[name] = type(error).__name__
print(repr(outcome))
'''


def grade(course: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, *args],
                          cwd=course, env=nbgrader_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def scores(course: Path) -> dict[str, float]:
    with open(course / "grades.csv") as file:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}


def at_end(*sources: str):
    nb = sim.correct(CHAPTER)
    nb.cells += [sim.new_code_cell(s) for s in sources]
    return nb


def is_test(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade"))


def without_tests(nb):
    """The student deleted every test cell."""
    nb.cells = [c for c in nb.cells if not is_test(c)]
    return nb


def with_edited_tests(nb):
    """The student replaced every test cell's code with a pass."""
    for cell in nb.cells:
        if is_test(cell):
            cell.source = "pass"
    return nb


# A process in a session of its own, out of the kernel's process group.
LEFT_RUNNING = "sleep 4321"
LEAVES_A_PROCESS = f"import subprocess\nsubprocess.Popen({LEFT_RUNNING.split()!r}, start_new_session=True)"

# 50 MB printed by one cell, in 1 MB lines.
HUGE_OUTPUT = "for _ in range(50):\n    print('x' * 1_000_000)"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = sim.course_with_chapters(tmp_path_factory.mktemp("class"), CHAPTER)
    submit = lambda student, **kw: sim.submit_file(course, student, CHAPTER, **kw)  # noqa: E731
    submit("correct", nb=sim.correct(CHAPTER))
    submit("stub", nb=sim.untouched(CHAPTER))
    submit("corrupt", text='{"cells": [')
    submit("empty", text="")
    submit("wrong_name", nb=sim.correct(CHAPTER), name="my_homework.ipynb")
    submit("infinite_loop", nb=at_end("while True:\n    pass"))
    submit("ignores_sigint", nb=at_end("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                       "while True:\n    pass"))
    submit("exits", nb=sim.with_cells_after(sim.correct(CHAPTER), "setup", "import os\nos._exit(1)"))
    submit("memory_bomb", nb=at_end("hog = []\nwhile True:\n    hog.append(bytearray(10**8))"))
    submit("snoop", nb=at_end(SNOOP))
    submit("deleted_tests", nb=without_tests(sim.correct(CHAPTER)))
    submit("edited_tests", nb=with_edited_tests(sim.correct(CHAPTER)))
    submit("stub_deleted_tests", nb=without_tests(sim.untouched(CHAPTER)))
    submit("stub_edited_tests", nb=with_edited_tests(sim.untouched(CHAPTER)))
    submit("huge_output", nb=at_end(HUGE_OUTPUT))
    submit("leaves_a_process", nb=at_end(LEAVES_A_PROCESS))
    submit("monkeypatch", nb=sim.monkeypatching(CHAPTER))
    fake_folder = course / "submitted" / "fake_outputs" / CHAPTER
    fake_folder.mkdir(parents=True)
    submit("fake_outputs", nb=sim.fake_output_files(CHAPTER, fake_folder))
    first = grade(course, CHAPTER)
    return course, first


def report_line(course: Path, student: str) -> str:
    report = (course / "grading_report.md").read_text()
    return next((line for line in report.splitlines() if line.startswith(f"- {student} /")), "")


def test_good_work_is_graded_alongside_bad(graded):
    course, _ = graded
    got = scores(course)
    assert got["correct"] == TOTAL and got["stub"] == 0.0
    # Cells before a hang or a memory bomb keep their marks; a kernel that
    # exits right after setup leaves every test failed.
    assert got["infinite_loop"] == got["ignores_sigint"] == got["memory_bomb"] == TOTAL
    assert got["exits"] == 0.0 and got["snoop"] == TOTAL
    assert got["wrong_name"] == 0.0


def test_deleted_and_edited_test_cells_are_restored(graded):
    course, _ = graded
    got = scores(course)
    # The restored tests run: correct work keeps every mark, a stub gains none.
    assert got["deleted_tests"] == got["edited_tests"] == TOTAL
    assert got["stub_deleted_tests"] == got["stub_edited_tests"] == 0.0
    for student in ("deleted_tests", "edited_tests"):
        graded_nb = sim.nbformat.read(course / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb",
                                      as_version=4)
        tests = [c for c in graded_nb.cells if is_test(c)]
        assert len(tests) == len([c for c in sim.untouched(CHAPTER).cells if is_test(c)]) and all(c.source != "pass" for c in tests)


def test_huge_output_is_limited_and_graded(graded):
    course, _ = graded
    assert scores(course)["huge_output"] == TOTAL
    graded_nb = course / "autograded" / "huge_output" / CHAPTER / f"{CHAPTER}.ipynb"
    assert graded_nb.stat().st_size < 2_000_000
    assert "huge output" in report_line(course, "huge_output")


def running_commands() -> list[str]:
    commands = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            commands.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip())
        except OSError:  # it ended meanwhile
            pass
    return commands


def test_a_process_the_submission_started_ends_with_its_kernel(graded):
    course, _ = graded
    assert scores(course)["leaves_a_process"] == TOTAL
    assert LEFT_RUNNING not in running_commands()


def test_monkeypatching_and_fake_output_files_score_zero_in_the_sandbox(graded):
    course, _ = graded
    got = scores(course)
    assert got["monkeypatch"] == 0.0 and got["fake_outputs"] == 0.0


@pytest.mark.parametrize("student, reason", [
    ("corrupt", "corrupt notebook"),
    ("empty", "empty notebook file"),
    ("wrong_name", "missing notebook"),
    ("infinite_loop", "timeout"),
    ("ignores_sigint", "timeout"),
    ("exits", "kernel died"),
    ("memory_bomb", "memory limit"),
])
def test_each_bad_submission_is_flagged_with_its_reason(graded, student, reason):
    course, _ = graded
    assert reason in report_line(course, student)


def test_good_submissions_are_not_flagged(graded):
    course, _ = graded
    assert report_line(course, "correct") == "" and report_line(course, "stub") == ""


def test_sandbox_hides_solutions_gradebook_config_and_other_students(graded):
    course, _ = graded
    graded_nb = sim.nbformat.read(course / "autograded" / "snoop" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    outcome = eval(graded_nb.cells[-1].outputs[0]["text"])
    assert set(outcome) == {"grader_processes", "solutions", "reference", "gradebook", "other_student", "config"}
    assert "succeeded" not in outcome.values(), outcome
    assert "x" != (course / "submitted" / "correct" / CHAPTER / f"{CHAPTER}.ipynb").read_text()[-1]


def test_progress_shows_one_line_per_submission(graded):
    _, first = graded
    assert "18 submissions, 18 to grade" in first
    assert f"correct/{CHAPTER} graded" in first
    # corrupt, empty and wrong_name never reach execution; the report says why.
    assert "15 of 18 executed; 3 could not run (see the report)" in first


# The submissions nbgrader cannot grade: never remembered as graded, so every run retries them.
FAILING = ("corrupt", "empty", "wrong_name")
RETRIED = f"{len(FAILING)} failed last time, retried"


def test_second_run_grades_only_new_work_and_retries_failures(graded):
    course, _ = graded
    before = scores(course)
    sim.submit_file(course, "late", CHAPTER, nb=sim.correct(CHAPTER))
    second = grade(course, CHAPTER)
    assert f"19 submissions, {1 + len(FAILING)} to grade (" in second
    assert "1 new" in second and RETRIED in second
    assert second.count(f"[1/{1 + len(FAILING)}] late/") == 1
    assert scores(course) == {**before, "late": TOTAL}
    for student in FAILING:
        assert "not graded; the next run tries again" in report_line(course, student)


def without_bwrap() -> dict:
    """The grader's environment on a machine where bubblewrap is not installed."""
    return {**nbgrader_env(), "PATH": str(Path(sys.executable).parent)}


def test_refuses_to_grade_without_bubblewrap(graded):
    course, _ = graded
    before = scores(course)
    sim.submit_file(course, "unsandboxed", CHAPTER, nb=sim.correct(CHAPTER))
    done = subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, CHAPTER],
                          cwd=course, env=without_bwrap(), capture_output=True, text=True)
    assert done.returncode == 2
    assert "Refusing to grade: bubblewrap (bwrap) is not installed" in done.stderr
    assert "--allow-unsandboxed" in done.stderr
    assert scores(course) == before


def test_allow_unsandboxed_grades_and_the_report_says_so(graded):
    course, _ = graded
    before = scores(course)
    done = subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, CHAPTER,
                           "--allow-unsandboxed"],
                          cwd=course, env=without_bwrap(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{1 + len(FAILING)} to grade" in done.stdout
    assert scores(course) == {**before, "unsandboxed": TOTAL}
    report = (course / "grading_report.md").read_text()
    assert "**Graded WITHOUT the sandbox: 1 of 20 submissions** (bubblewrap (bwrap) is not installed" in report
    assert "graded without sandbox" in report_line(course, "unsandboxed")
    # Grades given in the sandbox by earlier runs are not flagged.
    assert report_line(course, "correct") == ""


def test_the_next_sandboxed_run_regrades_what_was_graded_without_it(graded):
    course, _ = graded
    if "unsandboxed" not in scores(course):
        pytest.skip("needs the --allow-unsandboxed run before it")
    before = scores(course)
    output = grade(course, CHAPTER)
    assert f"{1 + len(FAILING)} to grade (" in output and "1 last graded without the sandbox" in output
    assert f"[1/{1 + len(FAILING)}] unsandboxed/" in output
    assert report_line(course, "unsandboxed") == ""
    assert "WITHOUT the sandbox" not in (course / "grading_report.md").read_text()
    assert scores(course) == before
    assert f"{len(FAILING)} to grade ({RETRIED})" in grade(course, CHAPTER)


def test_every_graded_submission_gets_its_feedback_page(graded):
    # Autograde and feedback run in one worker process (grader_tests.worker).
    course, _ = graded
    graded_students = [p.parent.parent.name for p in (course / "autograded").glob(f"*/{CHAPTER}/{CHAPTER}.ipynb")]
    assert len(graded_students) >= 15
    for student in graded_students:
        assert (course / "feedback" / student / CHAPTER / f"{CHAPTER}.html").is_file(), student
