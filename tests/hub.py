"""A JupyterHub's nbgrader exchange in a temporary folder: the instructor's
course, the shared exchange folder, and students with home folders of their
own who fetch, submit and fetch feedback with nbgrader's own commands."""
from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import simulated_class as sim
from dlcourse.release import nbgrader_env

CHAPTER = "01_nonlinearity"
COURSE_ID = "dl-course"

# The functions the student who stopped half-way got right, and the test cells
# that check only those functions.
PARTIAL_ANSWERS = ("relu", "relu_grad", "tanh", "tanh_grad")
PARTIAL_TESTS = ("test_relu", "test_relu_grad", "test_tanh", "test_tanh_grad")


def partly_done(chapter: str):
    answers = sim.solution_sources(chapter)
    return sim.replace_answers(sim.untouched(chapter), {name: answers[name] for name in PARTIAL_ANSWERS})


def points(tests=None) -> float:
    """The points the notebook gives its test cells (those named in ``tests``, or all)."""
    return sum(float(cell.metadata.nbgrader.points) for cell in sim.untouched(CHAPTER).cells
               if cell.metadata.get("nbgrader", {}).get("grade")
               and (tests is None or cell.metadata.nbgrader.grade_id in tests))


def partial_points() -> float:
    """What partly_done() deserves."""
    return points(PARTIAL_TESTS)


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
        self.work_and_submit(versions)

    def work_and_submit(self, versions: list) -> None:
        """Each version of the notebook written over the fetched one and submitted, in order."""
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


def make_hub(tmp: Path, extra_config: str = "") -> tuple[Path, Path]:
    """The instructor's course with CHAPTER released into a new exchange: (course, exchange)."""
    exchange = tmp / "exchange"
    exchange.mkdir(parents=True)
    # Everyone writes here (nbgrader requires rwx for all); the sticky bit, as
    # on /tmp, keeps a student from renaming the course's folder away.
    exchange.chmod(0o1777)
    config = (sim.ROOT / "nbgrader_config.py").read_text() + "\n" + exchange_config(exchange) + extra_config
    course = sim.course_with_chapters(tmp / "instructor" / "course", CHAPTER, config=config)
    run(["nbgrader", "release_assignment", CHAPTER], course, nbgrader_env())
    return course, exchange


def page_score(page: Path) -> tuple[float, float]:
    """The notebook's score and maximum in the page's heading, '01_nonlinearity (Score: 4.0 / 21.0)'."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text()))
    found = re.search(rf"{CHAPTER} \(Score: ([\d.]+) / ([\d.]+)\)", text)
    assert found, f"no score heading in {page}"
    return float(found[1]), float(found[2])
