"""End to end through real nbgrader: generate, a simulated class submits,
autograde, feedback, export. Every student's exact score is asserted."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "01_nonlinearity"
TOTAL = 21.0


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=nbgrader_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


def submit(course: Path, student: str, nb) -> Path:
    folder = course / "submitted" / student / CHAPTER
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{CHAPTER}.ipynb")
    return folder


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    nbgrader(course, "generate_assignment", CHAPTER, "--force")
    submit(course, "correct", sim.correct(CHAPTER))
    submit(course, "stub", sim.untouched(CHAPTER))
    submit(course, "partly_wrong", sim.replace_answers(sim.correct(CHAPTER), {
        "relu_grad": "def relu_grad(x):\n    return (x >= 0).astype(np.float64)",
        "sigmoid": "def sigmoid(x):\n    return 1.0 / (1.0 + np.exp(-x))",
        "elu": "def elu(x, alpha):\n    return np.where(x > 0, x, alpha * x)",
    }))
    submit(course, "monkeypatcher", sim.monkeypatching(CHAPTER))
    fake_folder = course / "submitted" / "faker" / CHAPTER
    submit(course, "faker", sim.fake_output_files(CHAPTER, fake_folder))
    autograde = nbgrader(course, "autograde", CHAPTER, "--create")
    nbgrader(course, "generate_feedback", CHAPTER)
    nbgrader(course, "export")
    with open(course / "grades.csv") as file:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    return course, scores, autograde


def test_every_student_gets_the_expected_score(graded_class):
    _, scores, _ = graded_class
    assert scores == {"correct": TOTAL, "stub": 0.0, "partly_wrong": TOTAL - 3,
                      "monkeypatcher": 0.0, "faker": 0.0}


def feedback_of(course: Path, student: str) -> str:
    return (course / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text()


def test_feedback_names_the_mistakes(graded_class):
    course, _, _ = graded_class
    text = feedback_of(course, "partly_wrong")
    assert "the subgradient at 0 was taken as 1" in text
    assert "naive sigmoid overflow" in text
    assert "ELU used alpha * x instead of alpha * (exp(x) - 1)" in text
    assert "not implemented yet" in feedback_of(course, "stub")


@pytest.mark.parametrize("student", ["correct", "stub", "partly_wrong", "monkeypatcher", "faker"])
def test_feedback_hides_tests_and_grader_paths(graded_class, student):
    course, _, _ = graded_class
    text = feedback_of(course, student)
    hidden_code = ("BEGIN HIDDEN TESTS", "from grader_tests.record import record")
    grader_paths = ("site-packages", str(ROOT), str(course))
    for secret in hidden_code + grader_paths:
        assert secret not in text, f"feedback of {student} shows {secret!r}"
