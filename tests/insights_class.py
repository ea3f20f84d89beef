"""A graded class made up for the insight page, without running any grading.

``build(course, chapters, students)`` draws each student's outcome on every
test cell (passed, a registered mistake, an unnamed failure, not
implemented, did not run), lateness and the formgrader's flag, and writes
what grading would have left: the gradebook (nbgrader's own API and
tables), the verdict files (``grader_tests.verdict_log``) and the graded
notebooks, whose answers are students' implementations from
``tests/student_work`` (plus a line of their own each), with some students
copying another's answers, renamed and reformatted. The returned ``Class``
is what the class was built with: the tests' oracle.
"""
from __future__ import annotations

import ast
import builtins
import copy
import io
import json
import os
import random
import shutil
import tokenize
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import student_work
from dlcourse.release import nbgrader_env
from grader_tests import verdict_log
from grader_tests.checks import find
from grader_tests.gradebook import course_app, opened

ROOT = Path(__file__).resolve().parent.parent
DUE = datetime(2030, 3, 1, 12, 0)
FAILURES = (verdict_log.MISTAKE, verdict_log.UNNAMED, verdict_log.NOT_IMPLEMENTED, verdict_log.DID_NOT_RUN)


@dataclass
class Chapter:
    name: str
    items: list[str]  # test cells with a registered check, in notebook order
    points: dict[str, float]
    answers: list[str]  # grade ids of the answer cells (named after their function), in notebook order


@dataclass
class Work:
    """One student's submission of one chapter."""
    outcomes: dict[str, tuple[str, str | None]]  # test cell -> (outcome, mistake name)
    late: bool = False
    flagged: bool = False
    stopped: str | None = None
    answers: dict[str, str] = field(default_factory=dict)  # answer cell -> its source

    def score(self, chapter: Chapter) -> float:
        return sum(chapter.points[i] for i, (outcome, _) in self.outcomes.items() if outcome == verdict_log.PASSED)


@dataclass
class Class:
    chapters: dict[str, Chapter]
    work: dict[str, dict[str, Work]]  # chapter -> student -> work
    copies: list[tuple[str, str, str]] = field(default_factory=list)  # (chapter, original, copier)


def release_notebook(chapter: str) -> dict:
    return json.loads((ROOT / "exercises" / chapter / f"{chapter}.ipynb").read_text())


def chapter_of(name: str) -> Chapter:
    cells = [c["metadata"].get("nbgrader", {}) for c in release_notebook(name)["cells"]]
    items = [c["grade_id"] for c in cells if c.get("grade") and find(c.get("grade_id", ""))]
    answers = [c["grade_id"] for c in cells if c.get("solution")]
    return Chapter(name, items, {c["grade_id"]: float(c["points"]) for c in cells if c.get("grade_id") in items},
                   answers)


def course(root: Path, chapters: list[str]) -> Path:
    """A course folder: the configuration, and each chapter's source and release notebooks."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for chapter in chapters:
        shutil.copytree(ROOT / "solutions" / chapter, root / "solutions" / chapter)
        shutil.copytree(ROOT / "exercises" / chapter, root / "exercises" / chapter)
    return root


@contextmanager
def inside(folder: Path):
    """nbgrader reads its configuration from the current folder, and runs
    alembic (from the virtual environment's bin/) to make a gradebook."""
    before, path = Path.cwd(), os.environ["PATH"]
    os.chdir(folder)
    os.environ["PATH"] = nbgrader_env()["PATH"]
    try:
        yield
    finally:
        os.chdir(before)
        os.environ["PATH"] = path


# ---- what each student did ----

def _outcome(rng: random.Random, item: str, passes: bool) -> tuple[str, str | None]:
    if passes:
        return verdict_log.PASSED, None
    mistakes = sorted({m.name for m in find(item).mistakes})
    kind = rng.choices(FAILURES, weights=(5, 3, 2, 1))[0]
    if kind == verdict_log.MISTAKE and not mistakes:
        kind = verdict_log.UNNAMED
    return kind, (rng.choice(mistakes) if kind == verdict_log.MISTAKE else None)


def draw(chapters: list[str], students: int, seed: int = 1) -> Class:
    """Outcomes driven by each student's ability; in every chapter one test
    cell almost everyone fails and one that strong students fail more often,
    one student with full marks and one who handed in the stubs."""
    rng = random.Random(seed)
    built = Class({name: chapter_of(name) for name in chapters}, {})
    names = [f"s{number:03d}" for number in range(students)]
    ability = {s: rng.uniform(0, 1) for s in names}
    for name, chapter in built.chapters.items():
        hard, reversed_ = chapter.items[-1], chapter.items[len(chapter.items) // 2]
        built.work[name] = {}
        for s in names:
            chance = {item: 0.6 * ability[s] + 0.35 for item in chapter.items}
            chance[hard], chance[reversed_] = 0.05, 0.95 - 0.8 * ability[s]
            work = Work({item: _outcome(rng, item, rng.random() < chance[item]) for item in chapter.items},
                        late=rng.random() < 0.1, flagged=rng.random() < 0.05)
            if s == names[-1]:  # handed in the notebook as released
                work.outcomes = {item: (verdict_log.NOT_IMPLEMENTED, None) for item in chapter.items}
            if s == names[-2]:  # got everything right
                work.outcomes = {item: (verdict_log.PASSED, None) for item in chapter.items}
            if rng.random() < 0.05:
                work.stopped = "a cell ran longer than the time limit (60 s)"
            work.answers = answers(rng, chapter)
            built.work[name][s] = work
    return built


def answers(rng: random.Random, chapter: Chapter) -> dict[str, str]:
    """Students' implementations of the chapter's functions, each with a line of the student's own."""
    module = student_work.chapters()[chapter.name]
    found = {}
    for grade_id in chapter.answers:
        choices = [c.source for c in (*module.CORRECT, *module.WRONG) if c.function == grade_id]
        if choices:
            found[grade_id] = own_line(rng.choice(choices), rng)
    return found


def own_line(source: str, rng: random.Random) -> str:
    """A statement no one else writes, at the end of the first function's body."""
    lines = source.strip("\n").splitlines()
    return "\n".join(lines + [f"    _checked = {rng.randrange(10**9)} * {rng.random():.6f}"])


# ---- a copy, renamed and reformatted ----

def _locals(source: str) -> set[str]:
    """Names a function of ``source`` assigns that are no parameter of any
    function (callers may pass those by keyword), no module-level name and
    no builtin: safe to rename everywhere in ``source``."""
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assigned = {n.id for f in functions for n in ast.walk(f)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    parameters = {a.arg for f in functions for a in ast.walk(f.args) if isinstance(a, ast.arg)}
    module_level = {n.name for n in tree.body if hasattr(n, "name")}
    return assigned - parameters - module_level - set(dir(builtins))


def renamed_and_reformatted(source: str) -> str:
    """The same code, token for token, with other names for its local
    variables (not attributes, nor keywords of a call), two-space indents,
    other spacing, and comment lines."""
    local = _locals(source)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    changed, depth = [], 0
    for index, token in enumerate(tokens):
        text = token.string
        if token.type == tokenize.OP:
            depth += (text in "([{") - (text in ")]}")
        before = tokens[index - 1].string if index else ""
        keyword = depth > 0 and index + 1 < len(tokens) and tokens[index + 1].string == "="
        if token.type == tokenize.NAME and text in local and before != "." and not keyword:
            text = f"my_{text}"
        elif token.type == tokenize.INDENT:
            text = " " * (len(text) // 2)
        changed.append((token.type, text))
    lines = []
    for line in tokenize.untokenize(changed).splitlines():
        lines.append(line)
        if line.lstrip().startswith("def "):
            lines += [" " * (len(line) - len(line.lstrip()) + 2) + "# my own solution, worked out at home", ""]
    return "\n".join(lines) + "\n"


def copy_work(built: Class, chapter: str, original: str, copier: str) -> None:
    """``copier`` hands in ``original``'s answers, renamed and reformatted, with the same outcomes."""
    work = copy.deepcopy(built.work[chapter][original])
    work.answers = {g: renamed_and_reformatted(s) for g, s in work.answers.items()}
    built.work[chapter][copier] = work
    built.copies.append((chapter, original, copier))


# ---- what grading would have left ----

def write_gradebook(folder: Path, built: Class) -> None:
    from nbgrader.api import Grade, GradeCell, Student, SubmittedAssignment, SubmittedNotebook

    with inside(folder), opened(course_app()) as book:
        students = {s: Student(id=s) for work in built.work.values() for s in work}
        book.db.add_all(students.values())
        for name, chapter in built.chapters.items():
            assignment = book.update_or_create_assignment(name, duedate=DUE)
            notebook = book.update_or_create_notebook(name, name)
            cells = {item: book.update_or_create_grade_cell(item, name, name, max_score=chapter.points[item],
                                                            cell_type="code") for item in chapter.items}
            for student, work in built.work[name].items():
                when = DUE + (timedelta(days=1) if work.late else -timedelta(days=1))
                submitted = SubmittedAssignment(assignment=assignment, student=students[student], timestamp=when)
                graded = SubmittedNotebook(assignment=submitted, notebook=notebook, flagged=work.flagged)
                book.db.add_all([submitted, graded] + [
                    Grade(cell=cells[item], notebook=graded, needs_manual_grade=False,
                          auto_score=chapter.points[item] if outcome == verdict_log.PASSED else 0.0)
                    for item, (outcome, _) in work.outcomes.items()])
            assert all(isinstance(c, GradeCell) for c in cells.values())
        book.db.commit()


def write_verdicts(folder: Path, built: Class) -> None:
    for name, chapter in built.chapters.items():
        for student, work in built.work[name].items():
            verdicts = tuple(verdict_log.Verdict(item, chapter.points[item], outcome, mistake)
                             for item, (outcome, mistake) in work.outcomes.items())
            verdict_log.save(folder, verdict_log.Submission(student, name, work.stopped, verdicts))


def write_notebooks(folder: Path, built: Class) -> None:
    for name in built.chapters:
        released = release_notebook(name)
        for student, work in built.work[name].items():
            notebook = dict(released, cells=[
                dict(cell, source=work.answers.get(cell["metadata"].get("nbgrader", {}).get("grade_id"),
                                                   cell["source"]))
                if cell["metadata"].get("nbgrader", {}).get("solution") else cell
                for cell in released["cells"]])
            target = folder / "autograded" / student / name
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{name}.ipynb").write_text(json.dumps(notebook))


def build(folder: Path, chapters: list[str], students: int, copiers: int = 2, seed: int = 1) -> Class:
    """A course folder with a graded class of ``students`` plus ``copiers``
    per chapter, each copying a different student (the first ones)."""
    built = draw(chapters, students, seed)
    for chapter in chapters:
        for number in range(copiers):
            copy_work(built, chapter, f"s{number:03d}", f"copier{number}")
    course(folder, chapters)
    write_gradebook(folder, built)
    write_verdicts(folder, built)
    write_notebooks(folder, built)
    return built
