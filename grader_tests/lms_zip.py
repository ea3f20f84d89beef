"""Bring an LMS download (one zip of a chapter's submissions) into submitted/
with nbgrader's ``zip_collect``, before grading.

nbgrader extracts the zip into downloaded/CHAPTER/extracted/ and matches each
notebook's path there against a regular expression that names the student and
the file. The default expects one folder per student, named by the student
ID, anywhere in the zip::

    download.zip
      alice/01_nonlinearity.ipynb
      bob/01_nonlinearity.ipynb

For an LMS that names files instead of folders, pass another expression with
the groups ``student_id`` and ``file_id`` (and optionally ``timestamp``); it
is matched against the whole path of the extracted file, so start it with
``.*/``. A notebook the expression does not match is left out, and the
report lists it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# nbgrader extracts a zip into extracted/<zip name>/; the student is the folder
# that holds the notebook, below that. Commas are excluded because grading
# passes student IDs as a comma-separated list.
DEFAULT_REGEXP = r".*/extracted/[^/]+/(?:.*/)?(?P<student_id>[^/,]+)/(?P<file_id>[^/]+\.ipynb)$"

_COLLECTED = re.compile(r"(\d+) files collected")
# What nbgrader logs for a file it leaves out, or collects under an unexpected name.
_WARNING = re.compile(r"WARNING\] ((?:Skipped|Invalid submission notebook name) .*)$")


class ZipError(Exception):
    """The zip could not be collected; the message says why."""


@dataclass
class Collected:
    chapter: str
    archive: Path
    notebooks: int
    warnings: list[str]

    def summary(self) -> str:
        return (f"{self.chapter}: {self.notebooks} notebooks collected from {self.archive.name}"
                + (f", {len(self.warnings)} warnings" if self.warnings else ""))


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


def collect(course: Path, chapter: str, archive: Path, regexp: str, env: dict) -> Collected:
    """Copy the zip into downloaded/CHAPTER/archive/ (replacing an earlier
    download) and collect it. Students absent from this zip keep what they
    submitted before; a student in it gets their submitted folder replaced,
    which regrades them only if a file changed."""
    inbox = course / "downloaded" / chapter / "archive"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    shutil.copy(archive, inbox / archive.name)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", chapter, "--force",
                           f"--FileNameCollectorPlugin.named_regexp={regexp}", "--log-level=INFO"],
                          cwd=course, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise ZipError(f"nbgrader zip_collect failed on {archive.name}:\n{done.stderr[-2000:]}")
    counted = _COLLECTED.findall(done.stderr)
    warnings = [m.group(1) for line in done.stderr.splitlines() if (m := _WARNING.search(line))]
    return Collected(chapter, archive, int(counted[-1]) if counted else 0, warnings)
