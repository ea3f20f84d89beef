"""Every exercise notebook, answered with the reference solutions, runs top
to bottom, sliders included, in an environment that has only numpy,
matplotlib, ipywidgets and a kernel (``standalone_env``): what a student has
who downloads one notebook from the book or opens it in Colab."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

import simulated_class as sim
import standalone_env
from dlcourse.release import chapters

WIDGET = "application/vnd.jupyter.widget-view+json"
NO_COURSE = ("import importlib.util, sys\n"
             "assert importlib.util.find_spec('dlcourse') is None, 'the course package is importable'\n"
             "assert importlib.util.find_spec('grader_tests') is None, 'the grader is importable'\n"
             "print(sys.prefix)")


@pytest.fixture(scope="module")
def jupyter_path(tmp_path_factory):
    return standalone_env.kernels_dir(tmp_path_factory.mktemp("jupyter"))


@pytest.mark.timeout(600)
@pytest.mark.parametrize("chapter", chapters())
def test_notebook_runs_without_the_course(chapter, jupyter_path, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = sim.correct(chapter)
    nb.cells.insert(0, new_code_cell(NO_COURSE))
    nbformat.write(nb, tmp_path / f"{chapter}.ipynb")  # the notebook alone in its folder
    NotebookClient(nb, timeout=300, kernel_name=standalone_env.KERNEL, store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert str(standalone_env.environment()) in nb.cells[0].outputs[0].text
    sliders = [cell for cell in nb.cells if cell.cell_type == "code" and "show(" in cell.source]
    assert sliders, f"{chapter} has no slider cell"
    for cell in sliders:
        assert any(WIDGET in output.get("data", {}) for output in cell.outputs), cell.source[:80]
    # Each slider drew its first frame into the widget's output.
    states = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"].values()
    drawn = [s for s in states if s["model_name"] == "OutputModel"
             and any("image/png" in o.get("data", {}) for o in s["state"].get("outputs", []))]
    assert len(drawn) >= len(sliders)
