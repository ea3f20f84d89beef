"""Grading from an LMS download: a good class is collected and graded,
everything that cannot be collected is in the report, a second download
regrades only the students whose notebook changed, and a hostile entry in the
zip (a bomb, a lie, a link, a path out, a nested archive, a duplicate, a
forged ID) harms only its sender."""
from __future__ import annotations

import io
import json
import os
import stat
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

import simulated_class as sim
from grader_tests import lms_zip
from dlcourse.release import nbgrader_env
from test_grade_class import CHAPTER, LIMITS, ROOT, TOTAL, grade, scores

NOTEBOOK = f"{CHAPTER}.ipynb"


def lms_download(path: Path, files: dict[str, object]) -> Path:
    """A zip as an LMS hands it out: one folder per student."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name,
                             nbformat.writes(content) if hasattr(content, "cells") else content)
    return path


GB = 1 << 30
# Collection of a hostile zip runs in a subprocess, so its peak memory is its own.
# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the
# forking pytest process, VmHWM starts afresh with the new program.
COLLECT_AND_MEASURE = """
import json, re, sys
from pathlib import Path
from grader_tests import lms_zip
done = lms_zip.collect(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1])
print(json.dumps({"notebooks": done.notebooks, "flagged": done.flagged, "warnings": done.warnings,
                  "peak_mb": peak_kb / 1024}))
"""


def notebook_text(owner: str) -> str:
    """Stands in for a notebook: collection never reads it, so the owner is enough."""
    return f'{{"owner": "{owner}"}}'


def write_zip(path: Path, entries: list[tuple]) -> Path:
    """(name or ZipInfo, content) pairs, duplicates allowed; content may be an
    int: that many zero bytes, streamed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name is the point of some entries
        for name, content in entries:
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=content > 2**31) as sink:
                    for _ in range(content >> 20):
                        sink.write(bytes(1 << 20))
            else:
                archive.writestr(name, content)
    return path


def unix_entry(name: str, kind: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (kind | 0o777) << 16
    return info


def nested_zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def lie_about_size(path: Path, name: str, size: int) -> None:
    """Patch both headers of an entry to claim `size` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local, central = archive.getinfo(name).header_offset, archive.start_dir
    while data[central + 46:central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(data)


GOOD = [(f"alice/{NOTEBOOK}", notebook_text("alice")),
        (f"section_b/bob/{NOTEBOOK}", notebook_text("bob"))]
INVALID_IDS = ["bob\nevil", "<img src=x onerror=alert(1)>", "-rf", "alice,bob", ".hidden"]
UNSAFE_PATHS = [f"../../escaped/{NOTEBOOK}", f"/tmp/absolute/{NOTEBOOK}",
                f"C:/windows/{NOTEBOOK}", f"back\\slash\\{NOTEBOOK}", f"eve/../alice/{NOTEBOOK}"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A good class and every attack in one download, collected into a scratch course."""
    root = tmp_path_factory.mktemp("hostile")
    course = root / "course"
    archive = write_zip(root / "hostile.zip", GOOD + [
        (f"bomber/{NOTEBOOK}", GB),  # 1 GB of zeros, about 1 MB compressed
        (f"squeezer/{NOTEBOOK}", 8 << 20),  # under the size limit, but compressed 1000 times
        (f"liar/{NOTEBOOK}", 4 << 20),  # its headers will claim 100 bytes
        (unix_entry(f"linker/{NOTEBOOK}", stat.S_IFLNK), "/etc/passwd"),
        (unix_entry(f"folder/{NOTEBOOK}", stat.S_IFDIR), notebook_text("folder")),
        (unix_entry(f"device/{NOTEBOOK}", stat.S_IFCHR), ""),
        ("mallory/extra.zip", nested_zip({f"alice/{NOTEBOOK}": notebook_text("mallory"),
                                          f"carol/{NOTEBOOK}": notebook_text("mallory")})),
        ("mallory/more.tar.gz", b"\x1f\x8b not opened anyway"),
        ("loose.zip", nested_zip({f"dave/{NOTEBOOK}": notebook_text("loose")})),
        (f"section_a/twin/{NOTEBOOK}", notebook_text("twin a")),
        (f"section_b/twin/{NOTEBOOK}", notebook_text("twin b")),
        (f"copycat/{NOTEBOOK}", notebook_text("copycat 1")),
        (f"copycat/{NOTEBOOK}", notebook_text("copycat 2")),  # the same name twice
        *[(f"{student}/{NOTEBOOK}", notebook_text("forger")) for student in INVALID_IDS],
        *[(path, notebook_text("escaper")) for path in UNSAFE_PATHS],
    ])
    lie_about_size(archive, f"liar/{NOTEBOOK}", 100)
    done = subprocess.run([sys.executable, "-c", COLLECT_AND_MEASURE, str(course), CHAPTER,
                           str(archive)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return course, json.loads(done.stdout)


def tree(folder: Path) -> dict[str, str]:
    """Every path below folder -> its kind, without following links."""
    return {str(p.relative_to(folder)): "link" if p.is_symlink() else "dir" if p.is_dir()
            else "file" if p.is_file() else "other" for p in folder.rglob("*")}


def collected_owner(course: Path, student: str) -> str:
    return json.loads((course / "submitted" / student / CHAPTER / NOTEBOOK).read_text())["owner"]


def test_the_good_class_is_collected_alongside_every_attack(hostile):
    course, result = hostile
    assert result["notebooks"] == 2
    assert sorted(os.listdir(course / "submitted")) == ["alice", "bob"]
    assert collected_owner(course, "alice") == "alice" and collected_owner(course, "bob") == "bob"


def test_a_zip_bomb_is_refused_before_extracting_in_little_memory(hostile):
    course, result = hostile
    assert "more than the limit of 33554432 per notebook" in result["flagged"]["bomber"]
    assert "compressed 1028 times" in result["flagged"]["squeezer"]
    assert result["peak_mb"] < 50  # Python and the module alone take about 15
    on_disk = sum(p.stat().st_size for p in course.rglob("*") if p.is_file())
    assert on_disk < 1 << 20


def test_an_entry_larger_than_its_header_says_is_refused(hostile):
    course, result = hostile
    assert "'liar/01_nonlinearity.ipynb' refused" in result["flagged"]["liar"]
    assert not (course / "submitted" / "liar").exists()


def test_nothing_is_written_outside_the_course_or_through_a_path(hostile):
    course, result = hostile
    assert not any(p.name == "escaped" for p in course.parent.parent.rglob("*"))
    assert not (Path("/tmp/absolute") / NOTEBOOK).exists()
    for path in UNSAFE_PATHS:
        assert f"Refused unsafe path in the zip: {path!r}" in result["warnings"]
    assert not (course / "submitted" / "eve").exists()


def test_links_and_special_entries_are_refused_and_the_tree_holds_only_files_and_folders(hostile):
    course, result = hostile
    for student in ("linker", "folder", "device"):
        assert "not a regular file" in result["flagged"][student]
    assert set(tree(course).values()) <= {"file", "dir"}


def test_a_nested_archive_is_not_opened_and_flags_its_holder(hostile):
    course, result = hostile
    assert "nested archive 'mallory/extra.zip' not opened" in result["flagged"]["mallory"]
    assert "nested archive 'mallory/more.tar.gz' not opened" in result["flagged"]["mallory"]
    assert "Nested archive not opened: 'loose.zip'" in result["warnings"]
    assert collected_owner(course, "alice") == "alice"
    assert not {"carol", "dave"} & set(os.listdir(course / "submitted"))


def test_duplicate_submissions_flag_the_student_and_collect_neither(hostile):
    course, result = hostile
    assert "conflicting submissions" in result["flagged"]["twin"]
    assert "'section_a/twin/" in result["flagged"]["twin"]
    assert "conflicting submissions" in result["flagged"]["copycat"]
    assert not {"twin", "copycat"} & set(os.listdir(course / "submitted"))


@pytest.mark.parametrize("student", INVALID_IDS)
def test_an_invalid_student_id_is_refused_with_the_reason(hostile, student):
    course, result = hostile
    assert "refused: an id holds only" in result["flagged"][student]
    assert any(line.startswith(f"student id {student!r} refused") for line in result["warnings"])


def test_a_zip_collecting_nothing_is_an_error_and_changes_nothing(tmp_path):
    sim.submit_file(tmp_path, "alice", CHAPTER, text="earlier")
    archive = write_zip(tmp_path / "empty.zip", [("readme.ipynb", "{}"), (f"-x/{NOTEBOOK}", "{}")])
    with pytest.raises(lms_zip.ZipError, match="nothing collected from empty.zip"):
        lms_zip.collect(tmp_path, CHAPTER, archive)
    assert tree(tmp_path / "submitted") == {"alice": "dir", f"alice/{CHAPTER}": "dir",
                                            f"alice/{CHAPTER}/{NOTEBOOK}": "file"}


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04" + bytes(100)])
def test_a_file_that_is_not_a_zip_is_an_error(tmp_path, content):
    (tmp_path / "download.zip").write_bytes(content)
    with pytest.raises(lms_zip.ZipError, match="download.zip is not a readable zip file"):
        lms_zip.collect(tmp_path, CHAPTER, tmp_path / "download.zip")


def test_a_truncated_zip_is_an_error(tmp_path):
    archive = write_zip(tmp_path / "cut.zip", GOOD)
    archive.write_bytes(archive.read_bytes()[:-30])
    with pytest.raises(lms_zip.ZipError, match="not a readable zip file"):
        lms_zip.collect(tmp_path, CHAPTER, archive)


@pytest.mark.parametrize("limits, message", [
    (lms_zip.Limits(members=3), "it has 4 entries, more than the limit of 3"),
    (lms_zip.Limits(total_bytes=30), "hold 34 bytes uncompressed, more than the limit of 30"),
])
def test_a_download_over_the_limits_is_refused_before_extracting(tmp_path, limits, message):
    archive = write_zip(tmp_path / "big.zip", GOOD + [("a/", ""), ("b/", "")])
    with pytest.raises(lms_zip.ZipError, match=message):
        lms_zip.collect(tmp_path, CHAPTER, archive, limits=limits)
    assert not (tmp_path / "submitted").exists()


def test_an_entry_is_written_only_up_to_its_declared_size():
    sink = io.BytesIO()
    with pytest.raises(ValueError, match="more than the 100 bytes"):
        lms_zip._copy_at_most(io.BytesIO(bytes(1 << 20)), sink, 100)
    assert len(sink.getvalue()) <= 100


def test_a_download_replaces_the_folders_of_its_students_only(tmp_path):
    for student in ("alice", "carol", "twin"):
        sim.submit_file(tmp_path, student, CHAPTER, text="earlier")
    sim.submit_file(tmp_path, "alice", CHAPTER, text="stale", name="extra.ipynb")
    archive = write_zip(tmp_path / "again.zip", GOOD + [(f"a/twin/{NOTEBOOK}", "1"),
                                                        (f"b/twin/{NOTEBOOK}", "2")])
    done = lms_zip.collect(tmp_path, CHAPTER, archive)
    assert done.notebooks == 2 and list(done.flagged) == ["twin"]
    assert os.listdir(tmp_path / "submitted" / "alice" / CHAPTER) == [NOTEBOOK]
    assert collected_owner(tmp_path, "alice") == "alice"
    for student in ("carol", "twin"):  # absent, or nothing collected: the earlier one stays
        assert (tmp_path / "submitted" / student / CHAPTER / NOTEBOOK).read_text() == "earlier"


def test_the_newest_of_timestamped_resubmissions_wins(tmp_path):
    regexp = (r".*/extracted/[^/]+/(?P<student_id>[^_/]+)_(?P<timestamp>[0-9: -]+)_"
              r"(?P<file_id>[^/]+\.ipynb)$")
    archive = write_zip(tmp_path / "lms.zip", [
        (f"alice_2024-01-02 10:00:00_{NOTEBOOK}", notebook_text("newer")),
        (f"alice_2024-01-01 10:00:00_{NOTEBOOK}", notebook_text("older")),
        (f"bob_2024-01-01 10:00:00_{NOTEBOOK}", notebook_text("bob 1")),
        (f"bob_2024-01-01 10:00_{NOTEBOOK}", notebook_text("bob 2")),  # the same time: a conflict
        (f"carol_2024-13-45 99:00:00_{NOTEBOOK}", notebook_text("carol")),
    ])
    done = lms_zip.collect(tmp_path, CHAPTER, archive, regexp)
    assert collected_owner(tmp_path, "alice") == "newer"
    assert (tmp_path / "submitted" / "alice" / CHAPTER / "timestamp.txt").read_text() == \
        "2024-01-02 10:00:00"
    assert "conflicting submissions" in done.flagged["bob"]
    assert "unreadable timestamp" in done.flagged["carol"]


@pytest.mark.parametrize("regexp, message", [
    ("(", "not a regular expression"),
    (r".*/(?P<student_id>[^/]+)/.*\.ipynb", "needs the groups"),
])
def test_a_bad_regexp_is_refused(tmp_path, regexp, message):
    archive = write_zip(tmp_path / "a.zip", GOOD)
    with pytest.raises(lms_zip.ZipError, match=message):
        lms_zip.collect(tmp_path, CHAPTER, archive, regexp)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return sim.course_with_chapters(tmp_path_factory.mktemp("lms"), CHAPTER)


@pytest.fixture(scope="module")
def first_download(course, tmp_path_factory):
    archive = lms_download(tmp_path_factory.mktemp("zips") / "first.zip", {
        f"alice/{NOTEBOOK}": sim.correct(CHAPTER),
        f"section_b/bob/{NOTEBOOK}": sim.untouched(CHAPTER),  # folders may nest
        "dave/homework1.ipynb": sim.correct(CHAPTER),  # renamed by the student
        "readme.ipynb": sim.correct(CHAPTER),  # in no student's folder
    })
    return subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, "--zip",
                           f"{CHAPTER}={archive}"], cwd=course, env=nbgrader_env(), capture_output=True, text=True)


def test_zip_is_collected_and_graded(course, first_download):
    assert f"{CHAPTER}: 3 notebooks collected from first.zip" in first_download.stdout
    assert scores(course) == {"alice": TOTAL, "bob": 0.0, "dave": 0.0}


def test_a_download_that_left_files_out_exits_non_zero_with_the_list(first_download):
    assert first_download.returncode == 1
    assert "left 2 files out or flagged them" in first_download.stderr
    assert "readme.ipynb" in first_download.stderr and "homework1.ipynb" in first_download.stderr


def test_report_names_what_could_not_be_collected(course, first_download):
    report = (course / "grading_report.md").read_text()
    assert "readme.ipynb" in report and "Skipped" in report
    assert "Invalid submission notebook name 'homework1.ipynb'" in report
    assert "dave / 01_nonlinearity: missing notebook" in report


def test_second_download_regrades_only_the_changed_notebook(course, first_download, tmp_path):
    archive = lms_download(tmp_path / "second.zip", {
        f"alice/{NOTEBOOK}": sim.correct(CHAPTER),
        f"section_b/bob/{NOTEBOOK}": sim.correct(CHAPTER),
    })
    output = grade(course, "--zip", f"{CHAPTER}={archive}")
    assert "3 submissions, 2 to grade (1 resubmitted, 1 failed last time, retried)" in output
    assert scores(course) == {"alice": TOTAL, "bob": TOTAL, "dave": 0.0}


@pytest.mark.parametrize("value, message", [
    ("no_equals_sign.zip", "CHAPTER=PATH"),
    ("99_nothing=x.zip", "unknown chapter"),
    (f"{CHAPTER}=/nonexistent/download.zip", "no such file"),
])
def test_bad_zip_option_is_refused_with_a_reason(value, message):
    with pytest.raises(lms_zip.ZipError, match=message):
        lms_zip.parse_option(value, [CHAPTER])
