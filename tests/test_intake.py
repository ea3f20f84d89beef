"""Intake of submitted/: links, FIFOs, devices, oversize and excess files are
moved to quarantine/ before nbgrader or the fingerprint touches anything, and
never followed or opened; folders named by no valid student id are refused.
The last test runs the real grade_class on such a class."""
from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env
from grader_tests import submissions
from grader_tests.report import write_report
from grader_tests.submissions import (MAX_ENTRIES, MAX_FILE_BYTES, MAX_SUBMISSION_BYTES, Submission,
                                      collected, fingerprint, intake)
from test_grade_class import CHAPTER, LIMITS, TOTAL

# Everything here must end, even if something opens a FIFO.
pytestmark = pytest.mark.timeout(30, method="signal")

CH = "ch1"
SECRET = b"INSTRUCTOR ONLY 7f3a"


def put(path: Path, content: bytes = b"{}", mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if mode is not None:
        path.chmod(mode)
    return path


def sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.truncate(size)  # no disk used
    return path


def snapshot(*paths: Path) -> dict[Path, tuple[bytes, int]]:
    """Content and mode, read through the real file (never a link)."""
    return {p: (p.read_bytes(), stat.S_IMODE(os.lstat(p).st_mode)) for p in paths}


@pytest.fixture
def course(tmp_path):
    """Instructor files, an honest student and a classmate to steal from."""
    put(tmp_path / "gradebook.db", b"SQLite format 3\0 gradebook")
    put(tmp_path / "nbgrader_config.py", b"c = get_config()\n")
    put(tmp_path / "solutions" / CH / f"{CH}.ipynb", b'{"answer": 42}')
    put(tmp_path / "instructor.key", SECRET, mode=0o600)
    put(tmp_path / "submitted" / "bob" / CH / f"{CH}.ipynb", b'{"bob": 1}')
    return tmp_path


def attack(course: Path, student: str = "mallory") -> Path:
    """A submission holding links to everything it should not see, a FIFO and
    an oversize file, next to its notebook."""
    folder = course / "submitted" / student / CH
    put(folder / f"{CH}.ipynb", b'{"mallory": 1}')
    for name, target in {"answers.ipynb": course / "solutions" / CH / f"{CH}.ipynb",
                         "gradebook.db": course / "gradebook.db",
                         "nbgrader_config.py": course / "nbgrader_config.py",
                         "key": course / "instructor.key",
                         "bobs.ipynb": course / "submitted" / "bob" / CH / f"{CH}.ipynb",
                         "course": course}.items():
        os.symlink(target, folder / name)
    (folder / "data").mkdir()
    os.symlink(course / "solutions", folder / "data" / "solutions")  # a link to a folder, deeper
    os.mkfifo(folder / "pipe")
    sparse(folder / "big.bin", MAX_FILE_BYTES + 1)
    return folder


ATTACKS = ["answers.ipynb", "gradebook.db", "nbgrader_config.py", "key", "bobs.ipynb", "course",
           "data/solutions", "pipe", "big.bin"]


def instructor_files(course: Path) -> list[Path]:
    return [course / "gradebook.db", course / "nbgrader_config.py", course / "instructor.key",
            course / "solutions" / CH / f"{CH}.ipynb", course / "submitted" / "bob" / CH / f"{CH}.ipynb"]


def moved_paths(course: Path) -> set[str]:
    return {path for flagged in submissions.quarantined(course).values() for path, _ in flagged["moved"]}


def run_folder(course: Path) -> Path:
    (run,) = (course / "quarantine").iterdir()
    return run


def test_links_fifo_and_oversize_files_are_moved_to_quarantine_unfollowed(course):
    attack(course)
    before = snapshot(*instructor_files(course))
    taken = intake(course)
    folder = course / "submitted" / "mallory" / CH
    assert sorted(p.name for p in folder.iterdir()) == [f"{CH}.ipynb", "data"]
    quarantine = run_folder(course) / "mallory" / CH
    for name in ATTACKS:
        assert os.path.lexists(quarantine / name), name
    # Moved as they were: the links still point where they did, the FIFO is a FIFO.
    assert os.readlink(quarantine / "key") == str(course / "instructor.key")
    assert stat.S_ISFIFO(os.lstat(quarantine / "pipe").st_mode)
    assert snapshot(*instructor_files(course)) == before
    assert moved_paths(course) == {f"mallory/{CH}/{name}" for name in ATTACKS}
    assert taken.moved.keys() == {f"mallory/{CH}"} and taken.refused == {}
    assert collected(course, [CH]) == [Submission("bob", CH), Submission("mallory", CH)]


def test_the_report_says_what_was_quarantined_and_why(course):
    attack(course)
    intake(course)
    report = write_report(course, collected(course, [CH]), [CH])
    (line,) = [line for line in report.splitlines() if line.startswith(f"- mallory / {CH}: quarantined")]
    for name, why in [("key", "symbolic link"), ("pipe", "FIFO"), ("big.bin", f"{MAX_FILE_BYTES + 1:,} bytes, over the cap of 20 MB per file"),
                      ("data/solutions", "symbolic link")]:
        assert f"mallory/{CH}/{name} ({why})" in line.replace("\\", ""), name
    assert "- bob / ch1: quarantined" not in report


def test_a_link_as_the_student_folder_or_the_chapter_folder_is_quarantined(course):
    os.symlink(course / "submitted" / "bob", course / "submitted" / "linked")
    (course / "submitted" / "eve").mkdir()
    os.symlink(course / "solutions" / CH, course / "submitted" / "eve" / CH)
    before = snapshot(*instructor_files(course))
    intake(course)
    assert collected(course, [CH]) == [Submission("bob", CH)]
    run = run_folder(course)
    assert os.readlink(run / "linked") == str(course / "submitted" / "bob")
    assert os.readlink(run / "eve" / CH) == str(course / "solutions" / CH)
    assert snapshot(*instructor_files(course)) == before
    report = write_report(course, collected(course, [CH]), [CH])
    assert "- linked / (whole folder): quarantined" in report
    assert f"- eve / {CH}: quarantined" in report


def test_too_many_files_and_too_many_bytes_are_cut_to_the_caps(course):
    many = course / "submitted" / "hoarder" / CH
    put(many / f"{CH}.ipynb")
    for i in range(MAX_ENTRIES + 10):
        put(many / "extra" / f"{i:04}.txt", b"x")
    bulky = course / "submitted" / "bulky" / CH
    put(bulky / f"{CH}.ipynb")
    for i in range(4):  # each under the per-file cap, together over the submission's
        sparse(bulky / f"part{i}.bin", 15 * 2**20)
    intake(course)
    kept = [p for p in many.rglob("*")]
    assert len(kept) == MAX_ENTRIES and (many / f"{CH}.ipynb").exists()
    assert len(list((run_folder(course) / "hoarder" / CH / "extra").iterdir())) == 12
    assert sum(p.stat().st_size for p in bulky.iterdir()) <= MAX_SUBMISSION_BYTES
    assert sorted(p.name for p in bulky.iterdir()) == [f"{CH}.ipynb", "part0.bin", "part1.bin", "part2.bin"]
    whys = {why for flagged in submissions.quarantined(course).values() for _, why in flagged["moved"]}
    assert whys == {f"over the cap of {MAX_ENTRIES} files and folders per submission",
                    "over the cap of 50 MB per submission"}


def test_a_hard_link_to_an_instructor_file_is_quarantined(course):
    folder = course / "submitted" / "linker" / CH
    put(folder / f"{CH}.ipynb")
    os.link(course / "instructor.key", folder / "notes.txt")
    intake(course)
    assert not (folder / "notes.txt").exists()
    assert moved_paths(course) == {f"linker/{CH}/notes.txt"}


def test_refused_ids_are_never_collected_and_left_in_place(course):
    html = "<img src=x onerror=alert(1)>"
    put(course / "submitted" / html / CH / f"{CH}.ipynb")
    put(course / "submitted" / ".hidden" / CH / f"{CH}.ipynb")
    taken = intake(course)
    assert set(taken.refused) == {html, ".hidden"} and taken.left_in_place == [".hidden", html]
    assert (course / "submitted" / html / CH / f"{CH}.ipynb").exists()
    assert not (course / "quarantine").exists()
    assert collected(course, [CH]) == [Submission("bob", CH)]


def test_refused_ids_nbgrader_cannot_skip_are_quarantined(course):
    # nbgrader's exclude list is split at commas, and its path regexp stops at a newline.
    for name in ("bob\n| eve | 21", "a,b"):
        put(course / "submitted" / name / CH / f"{CH}.ipynb")
    taken = intake(course)
    assert set(taken.refused) == set(taken.moved) == {"bob\n| eve | 21", "a,b"}
    assert taken.left_in_place == [] and submissions.quarantined(course) == {}
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["bob"]


def test_collected_and_fingerprint_never_follow_a_link_nor_open_a_fifo(course):
    """Even without intake: the link and the FIFO count for nothing."""
    folder = course / "submitted" / "mallory" / CH
    put(folder / f"{CH}.ipynb", b'{"mallory": 1}')
    clean = fingerprint(folder)
    attack(course)
    folder.joinpath("big.bin").unlink()
    os.symlink(course / "submitted" / "bob", course / "submitted" / "linked")
    assert fingerprint(folder) == clean
    assert collected(course, [CH]) == [Submission("bob", CH), Submission("mallory", CH)]


def test_a_file_swapped_for_a_fifo_or_a_link_after_listing_is_not_read(course):
    folder = course / "submitted" / "bob" / CH
    os.mkfifo(folder / "pipe")
    os.symlink(course / "instructor.key", folder / "key")
    assert submissions._read_regular(folder / "pipe") == b""  # no writer: it would block
    with pytest.raises(OSError):
        submissions._read_regular(folder / "key")


def test_a_clean_folder_is_left_alone_and_keeps_its_fingerprint(course):
    folder = course / "submitted" / "bob" / CH
    put(folder / "helpers" / "util.py", b"x = 1")
    before = fingerprint(folder)
    taken = intake(course)
    assert taken.moved == {} and not (course / "quarantine").exists()
    assert fingerprint(folder) == before


def test_quarantine_flags_persist_until_a_clean_resubmission(course):
    attack(course)
    taken = intake(course)
    found = collected(course, [CH])
    prints = submissions.fingerprints(course, found)
    submissions.remember(course, prints, quarantined_now=taken.moved)
    # Next run, nothing new: still flagged.
    again = intake(course)
    submissions.remember(course, prints, quarantined_now=again.moved)
    assert f"mallory/{CH}" in submissions.quarantined(course)
    # A new, clean notebook: the flag goes.
    put(course / "submitted" / "mallory" / CH / f"{CH}.ipynb", b'{"mallory": 2}')
    third = intake(course)
    submissions.remember(course, submissions.fingerprints(course, found),
                         quarantined_now=third.moved)
    assert submissions.quarantined(course) == {}


def test_a_new_submission_with_a_link_again_stays_flagged(course):
    attack(course)
    found = collected(course, [CH])
    submissions.remember(course, submissions.fingerprints(course, found),
                         quarantined_now=intake(course).moved)
    folder = course / "submitted" / "mallory" / CH
    os.symlink(course / "instructor.key", folder / "again")
    taken = intake(course)
    submissions.remember(course, submissions.fingerprints(course, found),
                         quarantined_now=taken.moved)
    assert moved_paths(course) == {f"mallory/{CH}/again"}
    assert len(list((course / "quarantine").iterdir())) == 2  # one folder per run, nothing overwritten


# --- the real grader, once ---------------------------------------------------------------

HTML_ID = "<img src=x onerror=alert(1)>"
STOLEN = ["answers.ipynb", "gradebook.db", "nbgrader_config.py", "key", "alices.ipynb"]
PLANTED = [*STOLEN, "course", "timestamp.txt", "big.bin"]


def attacked_class(root: Path) -> Path:
    """alice's honest work; mallory's correct notebook among links to what she
    must not see (files, and the course folder), a FIFO where nbgrader reads the submission time and an
    oversize file; a student folder that is a link to alice's; a refused id."""
    course = sim.course_with_chapters(root, CHAPTER)
    put(course / "instructor.key", SECRET, mode=0o600)
    sim.submit_file(course, "alice", CHAPTER, nb=sim.correct(CHAPTER))
    folder = sim.submit_file(course, "mallory", CHAPTER, nb=sim.correct(CHAPTER)).parent
    for name, target in zip(STOLEN, stolen(course)):
        os.symlink(target, folder / name)
    os.symlink(course, folder / "course")
    os.mkfifo(folder / "timestamp.txt")
    sparse(folder / "big.bin", MAX_FILE_BYTES + 1)
    os.symlink(course / "submitted" / "alice", course / "submitted" / "linked")
    sim.submit_file(course, HTML_ID, CHAPTER, nb=sim.correct(CHAPTER))
    return course


def stolen(course: Path) -> list[Path]:
    return [course / "solutions" / CHAPTER / f"{CHAPTER}.ipynb", course / "gradebook.db",
            course / "nbgrader_config.py", course / "instructor.key",
            course / "submitted" / "alice" / CHAPTER / f"{CHAPTER}.ipynb"]


def every_file(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def breaches(course: Path, before: dict[Path, tuple[bytes, int]]) -> list[str]:
    """Every way grading let the attack through, or an honest grade down."""
    found = []
    with open(course / "grades.csv") as file:
        graded = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    if graded != {"alice": TOTAL, "mallory": TOTAL}:
        found.append(f"grades {graded}")
    # The gradebook is written by grading: only its mode must stay.
    now = snapshot(*before)
    found += [f"changed {p.name}" for p in before
              if now[p] != before[p] and (p.name != "gradebook.db" or now[p][1] != before[p][1])]
    contents = {content for path, (content, _) in before.items() if path.name != "gradebook.db"}
    found += [f"leaked {p.relative_to(course)}" for step in ("autograded", "feedback")
              for p in every_file(course / step)
              if p.name in PLANTED or SECRET in p.read_bytes() or p.read_bytes() in contents]
    found += [f"graded the refused id in {step}" for step in ("autograded", "feedback")
              if (course / step / HTML_ID).exists()]
    quarantine = list((course / "quarantine").glob("*"))
    found += [f"not quarantined {name}" for name in PLANTED
              if not any(os.path.lexists(run / "mallory" / CHAPTER / name) for run in quarantine)]
    found += [] if any(os.path.islink(run / "linked") for run in quarantine) else ["not quarantined linked"]
    report = (course / "grading_report.md").read_text()
    found += [f"report lacks {line!r}" for line in (f"- mallory / {CHAPTER}: quarantined",
                                                     "- linked / (whole folder): quarantined",
                                                     "student id '&lt;img src=x onerror=alert\\(1\\)&gt;' refused")
              if line not in report]
    found += ["raw HTML in the report"] if "<" in report else []
    return found


@pytest.mark.timeout(900, method="signal")
def test_grade_class_quarantines_before_nbgrader_and_grades_the_rest(tmp_path):
    course = attacked_class(tmp_path / "class")
    before = snapshot(*stolen(course))
    done = subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, CHAPTER],
                          cwd=course, env=nbgrader_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = breaches(course, before)
    assert not found, "\n".join(found)
