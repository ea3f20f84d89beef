"""The feedback exporter writes nbconvert's page without nbconvert's re-parse.

Its head differs on purpose (a Content-Security-Policy in place of
nbconvert's MathJax from a CDN), student HTML is sanitized
(tests/test_feedback_security.py) and math is written as MathML; on a
notebook that prints no HTML and has no math its body is nbconvert's."""
from __future__ import annotations

import base64
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_output
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory

from grader_tests.feedback import MISSING_ALT, FeedbackExporter

import simulated_class as sim

# A 1x1 PNG: feedback pages embed the figures a student's cells drew.
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2214bc50000000049454e44ae426082"
)).decode()


def feedback_config(tmp_path):
    """The exporter settings nbgrader gives feedback (its template and paths)."""
    return GenerateFeedback(coursedir=CourseDirectory(root=str(tmp_path))).config


def notebook_with_figure():
    """A graded notebook with a figure and an error, as GetGrades leaves it."""
    nb = sim.correct("01_nonlinearity")
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade"):
            grading.update(score=grading["points"], comment="Well done: *all* cases pass.")
    figure = new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": PIXEL})])
    error = new_code_cell("1 / 0", outputs=[new_output(
        "error", ename="ZeroDivisionError", evalue="division by zero",
        traceback=["ZeroDivisionError: division by zero"])])
    nb.cells += [figure, error]
    return nbformat.from_dict(nb)


def export(exporter_class, tmp_path, nb):
    resources = {"nbgrader": {"notebook": "01_nonlinearity", "score": 21, "max_score": 21,
                              "late_penalty": 0}}
    return exporter_class(config=feedback_config(tmp_path)).from_notebook_node(nb, resources)[0]


@pytest.fixture
def pages(tmp_path):
    nb = notebook_with_figure()
    return export(HTMLExporter, tmp_path, nb), export(FeedbackExporter, tmp_path, nb)


def parsed_as_browsers_do(page: str) -> BeautifulSoup:
    soup = BeautifulSoup(page, features="html.parser")
    # A newline right after <pre> is not content (the HTML parsing rules);
    # html.parser keeps it, the sanitizer's parser drops it, as browsers do.
    for pre in soup.find_all("pre"):
        if pre.contents and isinstance(pre.contents[0], str) and pre.contents[0].startswith("\n"):
            pre.contents[0].replace_with(pre.contents[0][1:])
    return soup


TEX = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$", re.S)  # what nbconvert leaves for MathJax
MATHML = re.compile(r"<math\b.*?</math>", re.S)


def test_same_body_as_nbconvert_once_parsed(pages):
    # A figure, an error, markdown and code, but no HTML output: sanitizing
    # leaves nbconvert's markup as it is, each formula is MathML where
    # nbconvert leaves its TeX, and the verdict table is all we add when
    # every test passed.
    stock, ours = (parsed_as_browsers_do(page) for page in pages)
    summary = ours.select("table.grader-summary")
    assert len(summary) == 1 and "failed" not in str(summary[0])
    summary[0].decompose()
    stock_body, our_body = TEX.sub("FORMULA", str(stock.body)), MATHML.sub("FORMULA", str(ours.body))
    assert stock_body.count("FORMULA") > 10
    assert our_body == stock_body


def test_head_differs_only_by_policy_and_mathjax(pages):
    stock, ours = (BeautifulSoup(page, features="html.parser").head for page in pages)
    ours.find("meta", attrs={"http-equiv": "Content-Security-Policy"}).decompose()
    ours.find_all("style")[-1].decompose()  # the output frames
    for tag in stock.find_all("script"):  # MathJax 2 from a CDN, and its configuration
        tag.decompose()
    assert ours.find_all(True) == stock.find_all(True)  # the same elements, in order


def alt_texts(page: str) -> list:
    # A browser reads the first of two alt attributes; so does this parse.
    soup = BeautifulSoup(page, features="html.parser", on_duplicate_attribute="ignore")
    return [img.get("alt") for img in soup.find_all("img")]


def test_images_get_nbconvert_alt_text(pages):
    _, ours = pages
    assert alt_texts(ours) == [MISSING_ALT]


def test_an_image_with_alt_text_keeps_it(tmp_path):
    nb = notebook_with_figure()
    nb.cells.append(new_code_cell("", outputs=[new_output(
        "display_data", data={"text/html": '<img src="x.png" alt="loss against epoch">'})]))
    ours = export(FeedbackExporter, tmp_path, nb)
    assert alt_texts(ours) == [MISSING_ALT, "loss against epoch"]


def test_nbgrader_config_names_the_exporter():
    from pathlib import Path
    from traitlets.config import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(Path(__file__).parent.parent)).load_config()
    assert config.GenerateFeedback.exporter_class == "grader_tests.feedback.FeedbackExporter"
    # A page needs nothing beside it: nbgrader's exchange copies the page alone.
    assert "FilesWriter" not in config.GenerateFeedback
