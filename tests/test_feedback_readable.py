"""A feedback page a student reads in ten seconds: a table of verdicts first,
each failed test's verdict wrapped above its outputs with the named mistake
set apart, and a failed cell's own "self-check passed" folded away.

The page is written from a graded notebook as generate_feedback writes it,
checked parsed, then opened in headless Chromium 1000 pixels wide: no
verdict needs horizontal scrolling. Its screenshot is saved beside it."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_output

import simulated_class as sim
from grader_tests.preprocessors import failure_output
from test_feedback_security import browser, open_offline, write_feedback  # noqa: F401 (fixture)

NAMED = ("relu() is wrong on hidden test case 4 of 4: wrong value at index (0,): got 10000, expected 0 "
         "(rtol=1e-07, atol=1e-10). Likely mistake: negative inputs were made positive (absolute value) "
         "instead of set to 0. Use np.maximum(x, 0.0): ReLU keeps positive values and zeroes the rest.")
UNNAMED = ("sigmoid() is wrong on hidden test case 1 of 3: wrong value at index (0, 0): got 0.2220785681, "
           "expected 0.2210785681 (rtol=1e-07, atol=1e-10).")
FIX_FIRST = (f"sigmoid_grad() is wrong on hidden test case 1 of 3: wrong value at index (0, 0): got "
             f"0.02974348477, expected 0.03068111465 (rtol=1e-07, atol=1e-10). It calls your sigmoid(), "
             f"which failed its own test: fix that first.")
STOPPED = ("tanh(): this test cell did not run: the notebook stopped before it (a cell ran longer "
           "than the time limit (60 s)).")
FAILURES = {"test_relu": NAMED, "test_sigmoid_values": UNNAMED, "test_sigmoid_grad": FIX_FIRST,
            "test_tanh": STOPPED}
SELF_CHECK_RAISED = "test_leaky_relu"  # the visible self-check failed; the hidden tests passed


def graded_notebook():
    nb = sim.correct("01_nonlinearity")
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if not grading.get("grade") or grading.get("solution"):
            continue
        name = grading["grade_id"].removeprefix("test_").split("_values")[0]
        cell.outputs = [new_output("stream", name="stdout", text=f"{name}: self-check passed\n")]
        grading["score"] = grading["points"]
        if grading["grade_id"] in FAILURES:
            grading["score"] = 0
            cell.outputs.insert(0, failure_output(FAILURES[grading["grade_id"]]))
        elif grading["grade_id"] == SELF_CHECK_RAISED:
            grading["score"] = 0
            cell.outputs = [new_output("error", ename="AssertionError", evalue="leaky_relu(-1) should be -0.01",
                                       traceback=["AssertionError: leaky_relu(-1) should be -0.01"])]
    return nb


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    return write_feedback(tmp_path_factory.mktemp("feedback"), graded_notebook())


@pytest.fixture(scope="module")
def soup(page_path):
    return BeautifulSoup(page_path.read_text(), features="html.parser")


def test_the_page_opens_with_every_test_and_its_verdict(soup):
    rows = soup.select("table.grader-summary tbody tr")
    tested = [c for c in graded_notebook().cells
              if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")]
    assert len(rows) == len(tested)
    text = {row.select_one("small").text: row.select("td")[-1].text for row in rows}
    assert text["test_relu"] == "Likely mistake: negative inputs were made positive (absolute value) instead of set to 0"
    assert text["test_sigmoid_grad"].startswith("It calls your sigmoid()")
    assert text["test_tanh"].startswith("this test cell did not run")
    assert text[SELF_CHECK_RAISED] == "the test cell raised AssertionError: leaky_relu(-1) should be -0.01"
    assert text["test_relu_grad"] == "passed"
    # The summary is above the first cell.
    assert str(soup).index("grader-summary") < str(soup).index('id="notebook-container"')


def test_a_failed_tests_verdict_comes_before_its_outputs_which_are_folded(soup):
    verdicts = soup.select("div.grader-verdict")
    assert len(verdicts) == len(FAILURES) + 1
    relu = next(v for v in verdicts if "relu()" in v.text and "sigmoid" not in v.text)
    assert relu.select_one("p.grader-mistake").text.startswith("Likely mistake: negative inputs")
    folded = relu.find_next("details")
    assert "relu: self-check passed" in folded.text and "open" not in folded.attrs
    # The verdict is not also printed as an output, and is outside every output frame.
    assert "GradingFailure" not in str(soup)
    assert not relu.find_parent("div", class_="output_wrapper")
    # A passing cell's output stays in view.
    passed = soup.find(string=lambda s: s and "relu_grad: self-check passed" in s)
    assert passed and not passed.find_parent("details")


@pytest.mark.timeout(180)
def test_every_verdict_is_in_view_without_horizontal_scrolling(browser, page_path):  # noqa: F811
    context, page, _ = open_offline(browser, page_path)
    try:
        page.set_viewport_size({"width": 1000, "height": 900})
        width = page.evaluate("() => document.documentElement.clientWidth")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        for box in page.locator("div.grader-verdict, table.grader-summary").all():
            bounds = box.bounding_box()
            assert box.is_visible() and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width
        assert page.get_by_text("Likely mistake: negative inputs", exact=False).first.is_visible()
        assert not page.locator("details.grader-folded pre").first.is_visible()
    finally:
        context.close()
