"""Reference implementations, loaded from the solution notebooks.

The single source of every reference function is the solution code in
``solutions/NN_topic/NN_topic.ipynb``. ``load_reference("01_nonlinearity")``
executes that notebook's setup cell (tagged ``setup``) and its solution cells
(nbgrader ``solution: true``) in a fresh module and returns it. Nothing else
in the notebook runs: no tests, no sliders.

Only the grader's process and the book import this module; the student's
kernel never does.
"""
from __future__ import annotations

import functools
import json
import os
import types
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = Path(os.environ.get("COURSE_SOLUTIONS_DIR", COURSE_ROOT / "solutions"))


def reference_cells(notebook: dict) -> list[str]:
    """Sources of the cells that define the reference implementation."""
    sources = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        meta = cell.get("metadata", {})
        grading = meta.get("nbgrader", {})
        is_setup = "setup" in meta.get("tags", [])
        if is_setup or (grading.get("solution") and not grading.get("grade")):
            source = cell["source"]
            sources.append(source if isinstance(source, str) else "".join(source))
    return sources


def execute_reference_cells(chapter: str, namespace: dict) -> Path:
    """Run the chapter's setup and solution cells in ``namespace``, in order,
    as a kernel would; return the notebook's path."""
    path = SOLUTIONS / chapter / f"{chapter}.ipynb"
    if not path.exists():
        raise FileNotFoundError(f"no solution notebook for chapter {chapter!r} at {path}")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, source in enumerate(reference_cells(notebook)):
        code = compile(source, f"{path.name}[reference cell {index}]", "exec")
        exec(code, namespace)
    return path


@functools.lru_cache(maxsize=None)
def load_reference(chapter: str) -> types.ModuleType:
    module = types.ModuleType(f"reference_{chapter}")
    module.__file__ = str(execute_reference_cells(chapter, module.__dict__))
    return module
