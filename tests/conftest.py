"""Shared fixtures: judging a namespace of functions the way grading does."""
from __future__ import annotations

import json

import numpy as np
import pytest

from grader_tests.checks import find
from grader_tests.judge import judge
from grader_tests.kernel.record import RECORD_DIR, record
from grader_tests.reference import execute_reference_cells, load_reference

import simulated_class as sim


@pytest.fixture
def verdict(tmp_path, monkeypatch):
    """verdict(chapter, check_id, namespace) -> None (pass) or the student's message,
    through the same record-then-judge path as autograding, without nbgrader."""
    monkeypatch.chdir(tmp_path)

    def run(chapter: str, check_id: str, namespace: dict):
        record(check_id, namespace)
        recorded = json.loads((tmp_path / RECORD_DIR / f"{check_id}.json").read_text())
        return judge(find(check_id), recorded, load_reference(chapter))

    return run


def stub_namespace(chapter: str) -> dict:
    """The student notebook's functions exactly as released (stubs)."""
    namespace: dict = {}
    for cell in sim.release_notebook(chapter).cells:
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (grading.get("solution") or "setup" in cell.metadata.get("tags", [])):
            exec(cell.source, namespace)
    return namespace


def reference_namespace(chapter: str, **replacements) -> dict:
    namespace = dict(vars(load_reference(chapter)))
    namespace.update(replacements)
    return namespace


def kernel_namespace(chapter: str, source: str = "") -> dict:
    """The solution's setup and solution cells run afresh in one namespace, as
    in a kernel, then ``source`` (a student's cell) on top. Unlike
    reference_namespace, the setup's helpers then call the student's function."""
    namespace: dict = {}
    execute_reference_cells(chapter, namespace)
    exec(source, namespace)
    return namespace


def oracle_gradient(f, x, h=1e-6):
    """Central differences, entry by entry, on a copy of x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad
