"""One chapter through nbgrader's exchange, the way a class on a JupyterHub
runs it, with nbgrader's own commands: the instructor releases the chapter,
each student fetches it into their own home folder, edits it and submits (one
of them twice), the instructor collects, grades with grade_class and releases
the feedback, and each student fetches their own feedback page."""
from __future__ import annotations

import csv
import html
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env

CHAPTER = "01_nonlinearity"
COURSE_ID = "dl-course"
TOTAL = 21.0  # the points of the chapter's test cells (tests/test_grade_class.py)
LIMITS = ["--timeout", "8", "--memory-mb", "1024", "--cpu-seconds", "30"]

# The functions the student who stopped half-way got right, and the test cells
# that check only those functions.
PARTIAL_ANSWERS = ("relu", "relu_grad", "tanh", "tanh_grad")
PARTIAL_TESTS = ("test_relu", "test_relu_grad", "test_tanh", "test_tanh_grad")


def partly_done(chapter: str):
    answers = sim.solution_sources(chapter)
    return sim.replace_answers(sim.untouched(chapter), {name: answers[name] for name in PARTIAL_ANSWERS})


def partial_points() -> float:
    """What partly_done() deserves, from the points the notebook gives each test cell."""
    return sum(float(cell.metadata.nbgrader.points) for cell in sim.untouched(CHAPTER).cells
               if cell.metadata.get("nbgrader", {}).get("grade_id") in PARTIAL_TESTS)


# Each student's notebooks, in the order submitted: dave submits twice, and
# only his later, complete, submission may be graded.
WORK = {
    "alice": [sim.correct],
    "bob": [sim.untouched],
    "carol": [partly_done],
    "dave": [partly_done, sim.correct],
}
EXPECTED = {"alice": TOTAL, "bob": 0.0, "carol": partial_points(), "dave": TOTAL}


def run(args: list[str], cwd: Path, env: dict) -> None:
    done = subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


def exchange_config(exchange: Path) -> str:
    """The lines instructors and students share: which course, and where its exchange is."""
    return f"c.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"


class Student:
    """A hub user: a home folder of their own, with nbgrader's configuration in
    ~/.jupyter, running nbgrader from their home, as the hub's terminal does."""

    def __init__(self, name: str, homes: Path, exchange: Path):
        self.name = name
        self.home = homes / name
        (self.home / ".jupyter").mkdir(parents=True)
        (self.home / ".jupyter" / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n" + exchange_config(exchange))

    def env(self) -> dict:
        # Their own ~/.jupyter and nbgrader's cache in their ~/.local, whatever the test's shell says.
        env = {key: value for key, value in nbgrader_env().items() if not key.startswith("JUPYTER")}
        return {**env, "HOME": str(self.home)}

    def nbgrader(self, *args: str) -> None:
        # nbgrader 0.9 names a submitter by the uid's account name (pwd), not by
        # $USER; here every student is the test's own uid, so say who submits.
        run(["nbgrader", *args, CHAPTER, f"--student={self.name}"], self.home, self.env())

    def fetch_work_and_submit(self, versions: list) -> None:
        self.nbgrader("fetch_assignment")
        for work in versions:
            sim.nbformat.write(work(CHAPTER), self.home / CHAPTER / f"{CHAPTER}.ipynb")
            self.nbgrader("submit")

    def submission_times(self) -> list[str]:
        """The timestamps of this student's submissions, from nbgrader's cache in their home."""
        cache = self.home / ".local" / "share" / "jupyter" / "nbgrader_cache" / COURSE_ID
        return sorted((folder / "timestamp.txt").read_text() for folder in cache.glob(f"{self.name}+{CHAPTER}+*"))

    def feedback_pages(self) -> dict[str, Path]:
        """Each fetched feedback page, by the timestamp of the submission it is for."""
        return {page.parent.name: page for page in (self.home / CHAPTER / "feedback").glob(f"*/{CHAPTER}.html")}


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    exchange = tmp / "exchange"
    exchange.mkdir()
    # Everyone writes here (nbgrader requires rwx for all); the sticky bit, as
    # on /tmp, keeps a student from renaming the course's folder away.
    exchange.chmod(0o1777)
    config = (sim.ROOT / "nbgrader_config.py").read_text() + "\n" + exchange_config(exchange)
    course = sim.course_with_chapters(tmp / "instructor" / "course", CHAPTER, config=config)
    instructor = lambda *args: run(args, course, nbgrader_env())  # noqa: E731
    instructor("nbgrader", "release_assignment", CHAPTER)

    students = {name: Student(name, tmp / "home", exchange) for name in WORK}
    for name, student in students.items():
        student.fetch_work_and_submit(WORK[name])

    instructor("nbgrader", "collect", CHAPTER)
    instructor("grader_tests.grade_class", CHAPTER, *LIMITS)
    instructor("nbgrader", "release_feedback", CHAPTER)
    for student in students.values():
        student.nbgrader("fetch_feedback")
    return course, exchange, students


def page_score(page: Path) -> tuple[float, float]:
    """The notebook's score and maximum in the page's heading, '01_nonlinearity (Score: 4.0 / 21.0)'."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text()))
    found = re.search(rf"{CHAPTER} \(Score: ([\d.]+) / ([\d.]+)\)", text)
    assert found, f"no score heading in {page}"
    return float(found[1]), float(found[2])


def test_partial_work_is_worth_some_points_but_not_all():
    assert 0.0 < EXPECTED["carol"] < TOTAL


@pytest.mark.parametrize("name", list(WORK))
def test_each_student_fetches_their_feedback_with_their_score(term, name):
    _, _, students = term
    pages = students[name].feedback_pages()
    assert len(pages) == 1, pages
    assert page_score(*pages.values()) == (EXPECTED[name], TOTAL)


def test_a_second_submission_is_the_one_graded(term):
    _, _, students = term
    dave = students["dave"]
    first, later = dave.submission_times()
    # fetch_feedback files each page under its submission's time: only the later one has any.
    assert set(dave.feedback_pages()) == {later}
    assert EXPECTED["dave"] != EXPECTED["carol"]  # his first submission was worth less


def test_grades_csv_has_one_row_per_student_with_their_score(term):
    course, _, _ = term
    with open(course / "grades.csv") as file:
        got = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert got == EXPECTED


@pytest.mark.xfail(strict=True, reason="nbgrader's release_feedback puts only the page in the exchange, "
                                       "not the MathJax files hard-linked beside it in feedback/")
def test_a_fetched_page_finds_the_mathjax_it_loads(term):
    _, _, students = term
    page, = students["carol"].feedback_pages().values()
    loads = re.findall(r"\.src = \"([^\"]+)\"", page.read_text())
    assert loads and all((page.parent / path).is_file() for path in loads), loads


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_exchange_folders_have_the_modes_the_readme_states(term):
    _, exchange, _ = term
    course = exchange / COURSE_ID
    assert mode(exchange) == 0o1777  # nbgrader checks only the rwx bits: the sticky bit stays
    assert mode(course) == mode(course / "outbound") == 0o755
    assert mode(course / "inbound") == 0o2733  # students write submissions, cannot list them
    assert mode(course / "feedback") == 0o711  # students open their page by its secret name, cannot list
