"""Removing the grading machine's file paths from text a student will read.

Tracebacks and exception messages from the student's kernel name files of
the Python installation, the course checkout and the sandbox (numpy's
source, ``/tmp/ipykernel_7/2631.py``). They tell the student nothing and
tell everyone where the grader keeps things, so feedback shows
``<python>/numpy/...`` and ``<your notebook>`` instead.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from grader_tests.sandbox import WORKDIR

COURSE_ROOT = Path(__file__).resolve().parent.parent

_NAMED = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
                | {sys.prefix, sys.base_prefix}, key=len, reverse=True)
# Any absolute path into an installed Python (its standard library or site-packages).
_LIBRARY = re.compile(r"(?:/[^\s/:'\"()<>]+)*/(?:site-packages|dist-packages|lib/python3\.\d+)/")
# ipykernel compiles each cell to a file named after the kernel's process.
_CELL_FILE = re.compile(r"(?:/[^\s/:'\"()<>]+)*/ipykernel_\d+/\d+\.py")
_COURSE = re.compile(re.escape(str(COURSE_ROOT)) + r"(?=/|\b)")
_SANDBOX_HOME = re.compile(re.escape(WORKDIR) + r"(?=/|\b)")


def scrub(text: str) -> str:
    text = _CELL_FILE.sub("<your notebook>", text)
    text = _LIBRARY.sub("<python>/", text)
    for prefix in _NAMED:
        text = text.replace(prefix + "/", "<python>/")
    text = _COURSE.sub("<course>", text)
    return _SANDBOX_HOME.sub("<your folder>", text)
