"""Bring an LMS download (one zip of a chapter's submissions) into submitted/
before grading, so that a bad file in it harms only the student who sent it.

Each notebook's path in the zip, prefixed as if the zip were extracted to
downloaded/CHAPTER/extracted/<zip name>/ (as nbgrader's ``zip_collect`` did),
is matched against a regular expression that names the student and the file.
The default expects one folder per student, named by the student ID,
anywhere in the zip::

    download.zip
      alice/01_nonlinearity.ipynb
      section_b/bob/01_nonlinearity.ipynb

A download from Canvas, Moodle or Blackboard is read as that LMS names its
files (``grader_tests.lms_presets``: its ids, names, late markers and
resubmissions). For another layout, pass an expression with the groups
``student_id`` and ``file_id`` (and optionally ``timestamp``); it is matched
against the whole path, so start it with ``.*/``. Of two notebooks of one
student and file, the later one wins (a resubmission): by timestamp, or by
the LMS's resubmission number.

Everything is decided from the zip's central directory before a byte is
extracted, and only notebooks are extracted, each to
submitted/<student>/<chapter>/<file> through a staging folder:

- the download as a whole is refused (``ZipError``, submitted/ untouched) if
  it is not a readable zip, has more than ``Limits.members`` entries, its
  notebooks add up to more than ``Limits.total_bytes``, or nothing in it can
  be collected;
- one entry is refused, and its student flagged with the reason, if it is a
  notebook larger than ``Limits.notebook_bytes`` or compressed more than
  ``Limits.ratio`` times (a zip bomb), is encrypted, a link or another
  non-regular file, turns out while extracting to be larger than its header
  said, or is a nested archive (never opened, so it cannot claim another
  student's notebook);
- a student ID the expression yields is checked with
  ``student_ids.problem`` and refused with the reason;
- two notebooks of one student and file that no timestamp orders are a
  conflict: the student is flagged and neither is collected;
- a path with ``..``, an absolute path, a drive letter or a backslash is
  refused without being matched; a notebook the expression does not match is
  left out. The report lists both.

A student with a notebook collected from the zip gets their submitted folder
replaced (which regrades them only if a file changed); every other student,
flagged or absent, keeps what they submitted before.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from grader_tests.lms_presets import PRESETS, Entry, Preset, unreadable_time
from grader_tests.student_ids import ALLOWED, problem

# The student is the folder that holds the notebook, anywhere below the zip.
DEFAULT_REGEXP = r".*/extracted/[^/]+/(?:.*/)?(?P<student_id>[^/]+)/(?P<file_id>[^/]+\.ipynb)$"

# Never opened: a nested archive could hold anyone's notebook.
ARCHIVE_SUFFIXES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".xz", ".txz", ".zst",
                    ".lz", ".lzma", ".7z", ".rar", ".jar", ".whl")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What one download may hold. A course notebook is well under 1 MB and
    compresses about 5 times; plots and long outputs leave wide margins."""
    notebook_bytes: int = 32 << 20  # one notebook, uncompressed
    total_bytes: int = 1 << 30  # all notebooks of the download, uncompressed
    members: int = 20_000  # entries in the zip, folders and other files included
    ratio: int = 200  # uncompressed / compressed size of one notebook


class ZipError(Exception):
    """The zip could not be collected; the message says why."""


@dataclass
class Collected:
    chapter: str
    archive: Path
    notebooks: int
    warnings: list[str]  # every line for the report, the flagged students' included
    flagged: dict[str, str] = field(default_factory=dict)  # student ID as in the zip -> reason
    # student ID -> what the LMS said of the collected notebook (id, name, late)
    students: dict[str, Entry] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.chapter}: {self.notebooks} notebooks collected from {self.archive.name}"
                + (f", {len(self.flagged)} students flagged" if self.flagged else "")
                + (f", {len(self.warnings)} warnings" if self.warnings else ""))


@dataclass
class _Notebook:
    """A notebook in the zip and what its path says."""
    info: zipfile.ZipInfo
    entry: Entry

    @property
    def student(self) -> str:
        return self.entry.student

    @property
    def file(self) -> str:
        return self.entry.file

    @property
    def order(self) -> tuple:
        """Later submissions sort higher: by time, then by the LMS's resubmission number."""
        return (self.entry.timestamp or datetime.min, self.entry.version)


class _Findings:
    def __init__(self) -> None:
        self.skipped: list[str] = []
        self.flags: dict[str, list[str]] = defaultdict(list)

    def flag(self, student: str, reason: str) -> None:
        self.flags[student].append(reason)

    def flagged(self) -> dict[str, str]:
        return {student: "; ".join(reasons) for student, reasons in self.flags.items()}

    def lines(self) -> list[str]:
        # An invalid ID's reason shows it quoted; a valid one is plain text.
        return self.skipped + [reason if problem(student) else f"{student}: {reason}"
                               for student, reason in self.flagged().items()]


def parse_option(value: str, chapters: list[str]) -> tuple[str, Path]:
    """``CHAPTER=PATH`` from the command line, checked."""
    chapter, sep, path = value.partition("=")
    if not sep or not path:
        raise ZipError(f"--zip takes CHAPTER=PATH.zip, not {value!r}")
    if chapter not in chapters:
        raise ZipError(f"--zip names an unknown chapter {chapter!r}; chapters: {', '.join(chapters)}")
    archive = Path(path).expanduser().resolve()
    if not archive.is_file():
        raise ZipError(f"--zip: no such file {archive}")
    return chapter, archive


def collect(course: Path, chapter: str, archive: Path, regexp: str = DEFAULT_REGEXP, *,
            lms: str | None = None, limits: Limits = Limits()) -> Collected:
    """Collect the notebooks of the zip into submitted/ (see the module
    docstring), read as the LMS ``lms`` names them (``grader_tests.lms_presets``)
    or with ``regexp``; raises ZipError, leaving submitted/ as it was, if the
    zip as a whole cannot be collected."""
    preset = PRESETS[lms] if lms else _compile(regexp)
    found = _Findings()
    prefix = f"{course}/downloaded/{chapter}/extracted/{Path(archive.name).stem}/"
    with _open(archive, limits) as download:
        matched = [notebook for info in download.infolist()
                   if (notebook := _match(info, prefix, preset, chapter, limits, found))]
        chosen = _one_per_file(_apart(matched, found), found)
        total = sum(notebook.info.file_size for notebook in chosen)
        if total > limits.total_bytes:
            raise ZipError(f"{archive.name} is refused: its notebooks hold {total} bytes "
                           f"uncompressed, more than the limit of {limits.total_bytes}")
        staging_root = course / "downloaded" / chapter
        staging_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="extracting-", dir=staging_root) as staging:
            extracted = [notebook for notebook in chosen
                         if _extract(download, notebook, Path(staging), found)]
            if not extracted:
                raise ZipError(f"nothing collected from {archive.name}: no notebook in it could be "
                               f"matched and extracted ({len(matched)} matched)"
                               + "".join(f"\n  {line}" for line in found.lines()[:10]))
            _replace_submitted(course, chapter, Path(staging), extracted)
    return Collected(chapter, archive, len(extracted), found.lines(), found.flagged(),
                     {notebook.student: notebook.entry for notebook in extracted})


def _from_groups(match: re.Match) -> Entry:
    """What a path says, read with the groups of --zip-regexp."""
    student = match["student_id"] or ""
    entry = Entry(student=student, file=os.path.splitext(match["file_id"] or "")[0] + ".ipynb",
                  lms_id=student, name=student)
    try:
        return replace(entry, timestamp=_timestamp(match))
    except (ValueError, OverflowError) as error:
        return replace(entry, problem=unreadable_time(error))


def _compile(regexp: str) -> Preset:
    try:
        pattern = re.compile(regexp)
    except re.error as error:
        raise ZipError(f"--zip-regexp is not a regular expression: {error}") from None
    if not {"student_id", "file_id"} <= pattern.groupindex.keys():
        raise ZipError("--zip-regexp needs the groups (?P<student_id>...) and (?P<file_id>...)")
    return Preset("--zip-regexp", pattern, _from_groups)


def _open(archive: Path, limits: Limits) -> zipfile.ZipFile:
    try:
        download = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ZipError(f"{archive.name} is not a readable zip file ({error})") from None
    if len(download.infolist()) > limits.members:
        download.close()
        raise ZipError(f"{archive.name} is refused: it has {len(download.infolist())} entries, "
                       f"more than the limit of {limits.members}")
    return download


def _unsafe(name: str) -> bool:
    """A path that could leave the folder it is extracted to, on any system."""
    parts = name.rstrip("/").split("/")
    return (name.startswith("/") or re.match(r"[A-Za-z]:", name) is not None
            or "\\" in name or "\0" in name or any(part in ("", ".", "..") for part in parts))


def _match(info: zipfile.ZipInfo, prefix: str, preset: Preset, chapter: str,
           limits: Limits, found: _Findings) -> _Notebook | None:
    """The notebook an entry of the zip is, or None (with the reason in found)."""
    name = info.filename
    if _unsafe(name):
        found.skipped.append(f"Refused unsafe path in the zip: {name!r}")
        return None
    path = PurePosixPath(name)
    if name.endswith("/") or path.suffix != ".ipynb":
        if path.suffix.lower() in ARCHIVE_SUFFIXES:
            _flag_nested_archive(name, prefix, preset, found)
        return None
    match = preset.pattern.match(prefix + name)
    if not match:
        found.skipped.append(f"Skipped submission with no match information provided: {name!r}")
        return None
    entry = preset.read(match)
    if reason := problem(entry.student):
        found.flag(entry.student, f"{reason} ({name!r} not collected)")
        return None
    if reason := entry.problem or _file_problem(entry.file) or _entry_problem(info, limits):
        found.flag(entry.student, f"{name!r} refused: {reason}")
        return None
    if entry.file != f"{chapter}.ipynb":
        found.skipped.append(f"Invalid submission notebook name {entry.file!r}")
    return _Notebook(info, entry)


def _flag_nested_archive(name: str, prefix: str, preset: Preset, found: _Findings) -> None:
    """Flag the student the archive would belong to were it their notebook."""
    match = preset.pattern.match(prefix + str(PurePosixPath(name).with_suffix(".ipynb")))
    student = preset.read(match).student if match else None
    if student and not problem(student):
        found.flag(student, f"nested archive {name!r} not opened")
    else:
        found.skipped.append(f"Nested archive not opened: {name!r}")


def _file_problem(file: str) -> str | None:
    # The file name becomes a path: the character set of IDs keeps it one plain name.
    if not ALLOWED.fullmatch(file):
        return f"file name {file!r} is not a plain name"
    return None


def _entry_problem(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    kind = stat.S_IFMT(info.external_attr >> 16)  # the unix mode, if the zip was made on unix
    if kind not in (0, stat.S_IFREG):
        return "not a regular file (a link, a folder or a device)"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > limits.notebook_bytes:
        return f"{info.file_size} bytes, more than the limit of {limits.notebook_bytes} per notebook"
    if info.file_size > limits.ratio * max(info.compress_size, 1):
        return (f"compressed {info.file_size // max(info.compress_size, 1)} times, "
                f"more than the limit of {limits.ratio} (a zip bomb?)")
    return None


def _timestamp(match: re.Match) -> datetime | None:
    text = match.groupdict().get("timestamp")
    if not text:
        return None
    # Imported here: nbgrader.utils costs a second and 100 MB, and is only needed with timestamps.
    from nbgrader.utils import parse_utc
    return parse_utc(text)


def _apart(notebooks: list[_Notebook], found: _Findings) -> list[_Notebook]:
    """Two people the LMS tells apart (by its own ids) but whose student ids
    are the same (two Moodle participants of one name) are collected under
    their name and LMS id, and the report says so."""
    lms_ids: dict[str, set[str]] = defaultdict(set)
    for notebook in notebooks:
        lms_ids[notebook.student].add(notebook.entry.lms_id)
    for notebook in notebooks:
        if len(lms_ids[notebook.student]) > 1:
            apart = f"{notebook.student}_{notebook.entry.lms_id}"
            found.skipped.append(f"{notebook.student!r} names {len(lms_ids[notebook.student])} students "
                                 f"in the LMS: {notebook.info.filename!r} collected as {apart!r}")
            notebook.entry = replace(notebook.entry, student=apart)
    return notebooks


def _one_per_file(notebooks: list[_Notebook], found: _Findings) -> list[_Notebook]:
    """The latest notebook of each student and file; none where two are not
    ordered by their timestamps (or, without times, by the LMS's resubmission
    numbers)."""
    by_file: dict[tuple[str, str], list[_Notebook]] = defaultdict(list)
    for notebook in notebooks:
        by_file[notebook.student, notebook.file].append(notebook)
    chosen = []
    for (student, file), candidates in by_file.items():
        timed = {c.entry.timestamp is not None for c in candidates}
        orders = [c.order for c in candidates]
        if len(candidates) == 1 or (len(timed) == 1 and orders.count(max(orders)) == 1):
            chosen.append(candidates[orders.index(max(orders))])
        else:
            names = ", ".join(repr(c.info.filename) for c in candidates)
            found.flag(student, f"conflicting submissions of {file}, none collected: {names}")
    return chosen


def _extract(download: zipfile.ZipFile, notebook: _Notebook, staging: Path,
             found: _Findings) -> bool:
    """Write the notebook to staging/<student>/<file>, a path made of checked
    names only; False (with the student flagged) if it cannot be read or is
    larger than its header said."""
    target = staging / notebook.student / notebook.file
    target.parent.mkdir(exist_ok=True)
    try:
        with download.open(notebook.info) as source, open(target, "xb") as sink:
            # The header's size passed the limits, so holding the notebook to it
            # holds the whole download to the total limit too.
            _copy_at_most(source, sink, notebook.info.file_size)
        return True
    except (ValueError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError,
            EOFError, OSError) as error:
        target.unlink(missing_ok=True)
        found.flag(notebook.student, f"{notebook.info.filename!r} refused: {error}")
        return False


def _copy_at_most(source, sink, limit: int) -> None:
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > limit:
            raise ValueError(f"more than the {limit} bytes its header gives")
        sink.write(chunk)


def _replace_submitted(course: Path, chapter: str, staging: Path, notebooks: list[_Notebook]) -> None:
    by_student: dict[str, list[_Notebook]] = defaultdict(list)
    for notebook in notebooks:
        by_student[notebook.student].append(notebook)
    for student, theirs in by_student.items():
        folder = course / "submitted" / student / chapter
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staging / student, folder)
        stamps = [n.entry.timestamp for n in theirs if n.entry.timestamp]
        if stamps:  # what nbgrader's collect writes, for late submissions
            (folder / "timestamp.txt").write_text(max(stamps).isoformat(" "))
