"""The exporter that writes students' feedback pages.

A feedback page shows what a student's code printed, and student code is
hostile: it can print HTML, JavaScript or a forged "Score 21/21" box. So on
top of nbgrader's feedback template ``FeedbackExporter``

* passes every markdown cell and every output through ``sanitize`` (nh3, the
  ammonia sanitizer): no script, event handler, ``javascript:``/``data:``
  link, frame, form, style or ``<meta>``/``<base>`` survives. Figures still
  show: the template renders PNG, JPEG and SVG outputs as
  ``<img src="data:image/...">``, and an SVG shown as an image never runs
  its scripts (with ``skip_svg_encoding`` set, inline SVG is stripped instead);
* opens the page's ``<head>`` with a Content-Security-Policy that lets no
  script run and nothing load from the network (``base-uri none``);
* writes the math of markdown cells as MathML (``grader_tests.feedback_math``),
  which the browser draws, so the page needs no script and no file beside
  it, and shows its formulas wherever it is opened: from the course's
  feedback/ folder, or fetched by the student from nbgrader's exchange,
  which copies the page alone;
* opens with a table of the test cells' verdicts, shows each failed test's
  verdict wrapped above its outputs and folds those outputs away
  (``grader_tests.feedback_verdicts``);
* frames each cell's outputs with a left border and a caption, and makes the
  frame contain anything positioned inside it (``contain: paint``), so no
  output can pass for the grader's verdict: the scores are in the page's
  headings, outside every frame.

nbconvert's ``HTMLExporter`` renders its template and then re-parses the
whole page with BeautifulSoup, to give images without alt text a default
one and to make JupyterLab cells focusable. nbgrader's feedback template is
the classic one, which has no JupyterLab cells, so only the alt text is left
to do; yet the re-parse costs about two thirds of the time it takes to write
a feedback page. ``FeedbackExporter`` renders the same template and adds the
alt text with one regular expression. ``tests/test_feedback.py`` checks that
its page body, parsed the way nbconvert parses, is nbconvert's when the
notebook holds no HTML, and ``tests/test_feedback_security.py`` checks the
rest in the parsed page and in headless Chromium.
"""
from __future__ import annotations

import os
import re
from html import escape

import nh3
from jinja2 import DictLoader, pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import MarkdownWithMath
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from pygments.token import STANDARD_TYPES
from traitlets import default

from grader_tests import feedback_verdicts
from grader_tests.feedback_math import MATHML_ATTRIBUTES, MATHML_TAGS, MathMLRenderer, keep_attribute

# nbconvert's wording, so a page reads the same whichever exporter wrote it.
MISSING_ALT = "No description has been provided for this image"
IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)", re.IGNORECASE)

# --- what student HTML keeps ---------------------------------------------
# nh3's default tags and attributes (no script, style, frame, form, svg, meta,
# base, event handler), plus ids on headings, which nbconvert's anchor links
# point at, and only the classes nbconvert's own markup uses: page classes
# such as bootstrap's navbar-fixed-top would position student content.
NBCONVERT_CLASS = re.compile(
    r"(output_[a-z_]+|prompt|rendered_html|unconfined"
    r"|anchor-link|highlight|hl-[\w+-]+|ansi-[a-z-]+)$")
PYGMENTS_CLASSES = frozenset(STANDARD_TYPES.values())
ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
ATTRIBUTES["*"] = {"class"}
for heading in ("h1", "h2", "h3", "h4", "h5", "h6"):
    ATTRIBUTES[heading] = {"id"}
ATTRIBUTES.update({tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS})
TAGS = nh3.ALLOWED_TAGS | MATHML_TAGS
URL_BLANKS = re.compile(r"[\x00-\x20]")  # browsers ignore these inside a scheme


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if tag in MATHML_TAGS:
        return value if keep_attribute(attribute, value) else None
    if attribute == "class":
        kept = [c for c in value.split() if c in PYGMENTS_CLASSES or NBCONVERT_CLASS.match(c)]
        return " ".join(kept) or None
    if attribute in ("href", "src") and URL_BLANKS.sub("", value).lower().startswith("data:"):
        # The template's own figures; a data: link could be a page of script.
        return value if tag == "img" and value.startswith("data:image/") else None
    return value


def sanitize(html: str, math: bool = False) -> str:
    """Student HTML with nothing left that runs, styles or positions; with
    ``math``, the MathML of a markdown cell's formulas is kept."""
    return nh3.clean(str(html), tags=TAGS if math else nh3.ALLOWED_TAGS, attributes=ATTRIBUTES,
                     attribute_filter=_keep,
                     url_schemes=nh3.ALLOWED_URL_SCHEMES | {"data"}, link_rel=None)


CSP = "; ".join([
    "default-src 'none'",
    "script-src 'none'",  # the math is MathML, drawn by the browser
    # nbconvert's page is styled inline; students' styles are gone before
    # this, in sanitize.
    "style-src 'unsafe-inline'",
    "img-src 'self' file: data:",
    "base-uri 'none'",
    "form-action 'none'",
])
FRAME_CSS = """
#notebook div.output_wrapper { border-left: 3px solid #9e9e9e; margin: 0.4em 0; contain: paint; }
#notebook div.output_wrapper::before {
  content: "Output of the code above"; color: #757575; font-size: 11px; padding-left: 0.6em;
}"""
# The policy first in <head>, before anything it governs; the rest last, so
# <meta charset> stays in the page's first kilobyte and FRAME_CSS comes after
# nbconvert's.
HEAD_START = f'<head>\n<meta http-equiv="Content-Security-Policy" content="{CSP}">'
HEAD_END = f"<style>{FRAME_CSS}{feedback_verdicts.CSS}</style>\n</head>"

PAGE = """{%- extends 'index.html.j2' -%}
{%- block header -%}
{{ super() | replace('<head>', resources.feedback.head_start, 1) | replace('</head>', resources.feedback.head_end, 1) }}
{%- endblock header -%}
{%- block body -%}
{{ super() | replace('<div id="toc">', resources.feedback.summary ~ late_penalty() ~ '<div id="toc">', 1) }}
{%- endblock body -%}
{%- block input -%}{{ super() }}{{ resources.feedback.verdict(cell) }}{%- endblock input -%}
{%- block output_group -%}
{%- if resources.feedback.folded(cell) -%}
<details class="grader-folded"><summary>{{ resources.feedback.folded_summary }}</summary>{{ super() }}</details>
{%- else -%}{{ super() }}{%- endif -%}
{%- endblock output_group -%}
{%- block output -%}{{ super() | sanitize }}{%- endblock output -%}
{%- macro late_penalty() -%}
{%- if resources.nbgrader.late_penalty > 0 -%}
<p class="late-penalty">Late submission penalty: -{{ resources.nbgrader.late_penalty | float | round(2) }} points</p>
{%- endif -%}
{%- endmacro -%}
"""
# nbconvert's macro of this name loads MathJax 2 from a CDN; the math is MathML.
NO_MATHJAX_MACRO = "{%- macro mathjax(url=None) -%}{%- endmacro -%}"


# A sentence the grader puts above the verdicts of every page it writes
# (grader_tests.watch: when the student's next submission will be graded).
FEEDBACK_NOTE_VAR = "COURSE_FEEDBACK_NOTE"
MAX_NOTE = 500


def _grader_note() -> str:
    note = os.environ.get(FEEDBACK_NOTE_VAR, "")[:MAX_NOTE]
    return f'<p class="grader-note">{escape(note)}</p>' if note else ""


class FeedbackExporter(HTMLExporter):
    @default("raw_template")
    def _page(self):
        return PAGE

    @default("extra_loaders")
    def _mathjax_macro(self):
        return [DictLoader({"mathjax.html.j2": NO_MATHJAX_MACRO})]

    @default("sanitize_html")
    def _sanitize(self):
        return True  # the template then leaves JavaScript and widget outputs out

    def default_filters(self):
        yield from super().default_filters()
        yield ("sanitize", sanitize)
        yield ("clean_html", sanitize)  # in place of nbconvert's bleach

    @pass_context
    def markdown2html(self, context, source):
        # Markdown cells, markdown outputs and grader comments, rendered as
        # HTMLExporter.markdown2html does, with the math as MathML.
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False, attachments=cell.get("attachments", {}), embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text, exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options)
        return sanitize(MarkdownWithMath(renderer=renderer).render(source), math=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        # The filters HTMLExporter.from_notebook_node registers (nbconvert
        # 7.17), without its BeautifulSoup pass.
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", CachedHighlight(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        resources["feedback"] = {"head_start": HEAD_START, "head_end": HEAD_END}
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return IMG_WITHOUT_ALT.sub(f'<img alt="{MISSING_ALT}"', html), resources


    def _preprocess(self, nb, resources):
        # The verdicts are read once nbgrader's preprocessors have put each
        # cell's score in its metadata.
        nb, resources = super()._preprocess(nb, resources)
        nb, verdicts, in_order = feedback_verdicts.take_verdicts(nb)
        resources["feedback"].update(
            summary=_grader_note() + feedback_verdicts.summary_html(in_order),
            verdict=lambda cell: feedback_verdicts.verdict_html(verdicts.get(id(cell))),
            folded=lambda cell: id(cell) in verdicts,
            folded_summary=feedback_verdicts.FOLDED_SUMMARY)
        return nb, resources


class CachedHighlight(Highlight2HTML):
    """nbconvert's code highlighting, remembered: most code cells (setup,
    tests, sliders) are the same in every student's page, and highlighting
    them was a third of the time a feedback page took."""

    _done: dict[tuple, str] = {}  # shared by every page a grading process writes
    MAX_REMEMBERED = 4096

    def __call__(self, source, language=None, metadata=None):
        language = language or self.pygments_lexer
        magics = (metadata or {}).get("magics_language")
        key = (source, language, magics)
        if key not in self._done:
            if len(self._done) >= self.MAX_REMEMBERED:
                self._done.clear()
            self._done[key] = super().__call__(source, language, {"magics_language": magics} if magics else None)
        return self._done[key]

