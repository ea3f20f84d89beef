"""The math of a feedback page as MathML, written with the page.

Browsers draw MathML themselves (Chromium since version 109, Firefox long
before), so a page needs no script and no file beside it: it shows its
formulas wherever it is opened, after nbgrader's ``release_feedback`` has
copied the page alone into the exchange too. The TeX comes from markdown
cells, which a student can edit, so the MathML is sanitized with the rest of
the page (``MATHML_TAGS``, ``MATHML_ATTRIBUTES``: no link, no negative
size), and TeX that is too long or that the converter cannot read is shown
as written.
"""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from latex2mathml.converter import convert
from nbconvert.filters.markdown_mistune import IPythonRenderer

MAX_TEX = 4000  # characters of one formula; the course's longest is under 400

MATHML_TAGS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac",
    "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mphantom",
    "menclose", "merror", "semantics", "annotation",
})
MATHML_ATTRIBUTES = frozenset({
    "display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "form", "accent", "accentunder",
    "columnalign", "columnlines", "rowlines", "columnspacing", "rowspacing", "displaystyle", "scriptlevel",
    "width", "linethickness", "movablelimits", "largeop", "symmetric", "minsize", "maxsize", "notation",
    "encoding", "linebreak", "lspace", "rspace",
})
# Sizes may stretch a formula, never pull it over what comes before it.
SIZE_ATTRIBUTES = frozenset({"width", "lspace", "rspace", "minsize", "maxsize", "linethickness"})

# latex2mathml leaves the & of aligned environments in the text; an array
# with alternating right and left columns lays them out as TeX does.
_ALIGNED = re.compile(r"\\begin\{(aligned|align\*?|gathered)\}(.*?)\\end\{\1\}", re.S)


def _aligned_as_array(match: re.Match) -> str:
    body = match[2]
    columns = max(row.count("&") for row in body.split(r"\\")) + 1
    return rf"\begin{{array}}{{{('rl' * columns)[:columns]}}}{body}\end{{array}}"


@lru_cache(maxsize=4096)  # most formulas are the same in every student's page
def mathml(tex: str, display: bool) -> str:
    """One formula as MathML, or as its TeX in <code> if it cannot be converted."""
    if len(tex) <= MAX_TEX:
        try:
            return convert(_ALIGNED.sub(_aligned_as_array, tex), display="block" if display else "inline")
        except Exception:  # noqa: BLE001 - any TeX the converter cannot read is shown as written
            pass
    return f"<code>{escape(tex)}</code>"


def keep_attribute(attribute: str, value: str) -> bool:
    return attribute in MATHML_ATTRIBUTES and not (attribute in SIZE_ATTRIBUTES and value.strip().startswith("-"))


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with math written as MathML instead of
    being left for a script to typeset."""

    def block_math(self, body: str) -> str:
        return mathml(body, True)

    def inline_math(self, body: str) -> str:
        return mathml(body, False)

    def latex_environment(self, name: str, body: str) -> str:
        return mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", True)
