"""Every book page follows the notation table of the introduction.

The table "One symbol, one meaning" of book/intro.md gives each contested
symbol one meaning. The checks below read each page's Markdown (its math, and its prose
with math and code removed) and the figure text of its code cells (axis
labels, titles, legends, printed lines and slider names), and fail on the
patterns that carried another meaning before the table existed: a layer
index written as a bare superscript or a subscript, `v` for Adam's second
moment, `lambda` for a curvature, a bare epsilon that is not the small
constant, `L` for the depth, code names such as `lam` in a figure, a drill
answer in ASCII (`lambda*w`). A pattern list cannot prove a page right; it
catches every one of these relapses, which is what it is for.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
PAGES = sorted(p.stem for p in BOOK.glob("*.md"))
CHAPTERS = [p for p in PAGES if p[:2].isdigit()]


@dataclass(frozen=True)
class Rule:
    pattern: str
    why: str
    only: tuple[str, ...] = ()  # page stems the rule applies to; empty means every page but the intro

    def applies_to(self, page: str) -> bool:
        return page in self.only if self.only else page != "intro"

    def hits(self, page: str, texts: list[str]) -> list[str]:
        if not self.applies_to(page):
            return []
        found = []
        for text in texts:
            found += [f"{page}: {m.group(0)!r} in {_around(text, m)!r}: {self.why}"
                      for m in re.finditer(self.pattern, text)]
        return found


def _around(text: str, match: re.Match, width: int = 30) -> str:
    return text[max(0, match.start() - width):match.end() + width].replace("\n", " ")


NOT_A_COMMAND = r"(?<![\\A-Za-z])"  # a single letter, not the tail of \beta or of a word
LAYER = r"\{?(?:l|l\s*[-+]\s*1|K|K\s*-\s*1)\}?(?![A-Za-z0-9=])"
# "delta" (the error signal) and "machine epsilon" are also names of concepts, fine as words
GREEK_NAMES = "alpha|beta|gamma|lambda|lam|sigma|eta|mu|eps|rho|kappa|theta"
GREEK_WORD = NOT_A_COMMAND + f"(?:{GREEK_NAMES})(?![A-Za-z])"

MATH_RULES = [
    Rule(NOT_A_COMMAND + r"(?:W|Z|A|H|z|a|b|w|n|q|\\delta)\^" + LAYER,
         "a layer index is a superscript in brackets, W^{[l]}, never a bare power-like W^{l}"),
    Rule(NOT_A_COMMAND + r"(?:W|Z|A|\\delta)\^\{?[0-9]\}?(?![0-9])",
         "a layer number is a superscript in brackets, W^{[1]}"),
    Rule(r"\^\{\\text\{out\}\}", "the output layer is layer K: delta^{[K]}"),
    Rule(NOT_A_COMMAND + r"(?:W|Z|A|H|b|z|a|w|n|q)_" + LAYER,
         "subscripts index entries; the layer index is a bracketed superscript, z^{[l]}"),
    Rule(NOT_A_COMMAND + r"(?:W|Z|A|H|b)_\{?[0-9]+\}?(?![0-9])",
         "subscripts index entries; layer 1's weights are W^{[1]}"),
    Rule(r"\^\{?L\b|" + NOT_A_COMMAND + r"[a-z]_\{?L\}?(?![A-Za-z])", "the depth is K; L is the loss"),
    Rule(r"\\log\s*K\b|K\s*\\times\s*K", "the number of classes is C"),
    Rule(r"e\^\{x_|\\operatorname\{softmax\}\(x|\\sigma\(x_|\\bar\s*S\b|\bS_\{?n",
         "logits are z (a batch: Z), their probabilities p = softmax(z)"),
    Rule(r"\\hat\s*\{?v(?![A-Za-z])|\\beta_2\s*v(?![A-Za-z])|\bv_t\s*=\s*\\beta_2",
         "Adam's second moment is s (v is momentum's velocity)"),
    Rule(r"\\lambda_\{?(?:\\max|\\min|i\b|j\b)|=\s*\\lambda\s*[uvx]\b|[0-9]\s*/\s*\\lambda\b|"
         r"\\frac\{?1\}?\{?2\}?\s*\\lambda\s*x",
         "a curvature (Hessian eigenvalue) is h; lambda is the penalty strength"),
    Rule(r"\\epsilon(?![A-Za-z])", "the small constant is written \\varepsilon"),
    Rule(r"\\varepsilon", "epsilon is the small constant only; this page has none", only=("01_nonlinearity",)),
    Rule(r"\\varepsilon(?!_\{?\\(?:text|mathrm)\{mach)",
         "machine epsilon is \\varepsilon_{\\text{mach}}; bare epsilon is the small constant",
         only=("02_backprop",)),
    Rule(r"\\hat\s*y\s*\+\s*\\varepsilon|\\varepsilon\s*\\sim|\\lVert\s*\\Delta\s*\\rVert\s*=\s*\\varepsilon|"
         r"\\mathbb\{?E\}?_\\varepsilon|\\varepsilon\\varepsilon|x\s*\+\s*\\varepsilon\)",
         "noise is xi and a step length needs no symbol; bare epsilon is the small constant"),
    Rule(r"\\varepsilon\s*/\s*C|1\s*-\s*\\varepsilon(?![_A-Za-z])",
         "the label-smoothing strength is \\varepsilon_{\\text{ls}}", only=("05_regularization", "glossary")),
    Rule(r"\\bar\b|\\overline", "a bar means the gradient of the loss, used only in chapters 2, 6 and 7",
         only=("01_nonlinearity", "03_losses", "04_optimizers", "05_regularization", "glossary",
               "interview_questions")),
    Rule(r"\\frac\{1\}\{2N\}|\\tfrac\{1\}\{2N\}", "MSE carries no 1/2 (chapter 3)", only=("06_batchnorm",)),
]

PROSE_RULES = [
    Rule(GREEK_WORD, "write a symbol as math ($\\lambda$), not as an ASCII name"),
    Rule(r"[A-Za-z0-9)]\*[A-Za-z0-9(]", "write a product as math ($\\lambda w$), not as lambda*w"),
    Rule(r"\bsqrt\(|\^|<-|\|\||\bE\[|[0-9A-Za-z)]\s?/\s?\(", "write a formula as math, not in ASCII"),
]

RAW_RULES = [
    Rule(r"\$K\$ (?:balanced )?classes|\$L\$ layers", "classes are counted by C, layers by K"),
    Rule(r"\$v\$ of the squared gradient", "Adam's second moment is s (v is momentum's velocity)"),
]

LABEL_RULES = [
    Rule(GREEK_WORD, "write a symbol in a figure as mathtext ($\\lambda$), not as its ASCII name"),
    Rule(r"batch_size|step_size|T_max|x_hat|\blr\b|\bsqrt\(|\^", "a code name or ASCII formula in a figure"),
    Rule(NOT_A_COMMAND + r"d\s?\w+\s?/\s?d\s?\w+", "write a derivative as mathtext, not as dL/dW"),
    Rule(NOT_A_COMMAND + r"[WZAH]_(?:l|[0-9]+)\b", "a layer index is a bracketed superscript, $H^{[l]}$"),
]

LABEL_CALLS = {"set_xlabel", "set_ylabel", "set_title", "suptitle", "text", "annotate", "print"}
LABEL_KEYWORDS = {"xlabel", "ylabel", "title", "label"}


def split_page(text: str) -> tuple[list[str], list[str]]:
    """(markdown blocks, code-cell sources) of a MyST notebook page."""
    markdown, code, current, in_code = [], [], [], False
    for line in text.splitlines():
        if not in_code and line.startswith("```{code-cell}"):
            markdown.append("\n".join(current))
            current, in_code = [], True
        elif in_code and line.strip() == "```":
            code.append("\n".join(l for l in current if not l.startswith(":")))
            current, in_code = [], False
        else:
            current.append(line)
    markdown.append("\n".join(current))
    return markdown, code


def math_and_prose(markdown: str) -> tuple[list[str], str]:
    """The math spans of a Markdown block, and its prose with math and code removed."""
    text = re.sub(r"^---\n.*?\n---\n", "", markdown, flags=re.S)  # front matter
    text = re.sub(r"^```.*$", " ", text, flags=re.M)  # fences of dropdowns and other directives
    text = re.sub(r"\{\w+\}`[^`\n]*`|`[^`\n]*`", " ", text)  # roles such as {ref}`...`, inline code
    spans = re.findall(r"\$\$(.+?)\$\$", text, flags=re.S)
    text = re.sub(r"\$\$.+?\$\$", " ", text, flags=re.S)
    spans += re.findall(r"(?<!\\)\$(.+?)(?<!\\)\$", text, flags=re.S)
    prose = re.sub(r"(?<!\\)\$.+?(?<!\\)\$", " ", text, flags=re.S)
    prose = re.sub(r"^\(.*\)=$|\(https?://\S+\)", " ", prose, flags=re.M)  # labels, links
    return spans, prose


def _strings(node: ast.AST) -> list[str]:
    """Every string a reader sees inside node: constants and f-strings' literal
    parts, not the format specifications of f-string fields (such as ^17)."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):  # one string, each field shown as a digit
        fields = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        text = "".join(v.value if isinstance(v, ast.Constant) else "0" for v in node.values)
        return [text] + [s for field in fields for s in _strings(field)]
    return [s for child in ast.iter_child_nodes(node) for s in _strings(child)]


def figure_text(source: str) -> tuple[list[str], list[str]]:
    """(label strings, slider names) of a code cell: what a reader sees of its code."""
    labels, sliders = [], []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in LABEL_CALLS:
            labels += [s for arg in node.args for s in _strings(arg)]
        labels += [s for kw in node.keywords if kw.arg in LABEL_KEYWORDS for s in _strings(kw.value)]
        if name == "show":
            sliders += [kw.arg for kw in node.keywords if kw.arg and kw.arg != "live"]
    return labels, sliders


def violations(page: str, text: str) -> list[str]:
    markdown, code = split_page(text)
    found = []
    for block in markdown:
        spans, prose = math_and_prose(block)
        for rule in RAW_RULES:
            found += rule.hits(page, [block])
        for rule in MATH_RULES:
            found += rule.hits(page, spans)
        for rule in PROSE_RULES:
            found += rule.hits(page, [prose])
    for source in code:
        labels, sliders = figure_text(source)
        mathtext = [m for s in labels for m in re.findall(r"(?<!\\)\$(.+?)(?<!\\)\$", s)]
        plain = [re.sub(r"(?<!\\)\$.+?(?<!\\)\$", " ", s) for s in labels]
        for rule in MATH_RULES:
            found += rule.hits(page, mathtext)
        for rule in LABEL_RULES:
            found += rule.hits(page, plain)
        found += [f"{page}: slider {name!r}: name a slider by the book's symbol (λ, α, η, N)"
                  for name in sliders if re.fullmatch(f"(?:{GREEK_NAMES}|delta|epsilon)\\w*|\\w*_size|lr", name)]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_page_follows_the_notation_table(page):
    found = violations(page, (BOOK / f"{page}.md").read_text(encoding="utf-8"))
    assert not found, "\n".join(found)


def test_the_intro_has_the_table():
    text = (BOOK / "intro.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| $")]
    for symbol in (r"$W^{[l]}, b^{[l]}$", "$K$", "$C$, $c$", "$z$, $Z$", r"$\bar V$", "$v$",
                   r"$m$, $s$, $\hat m$, $\hat s$", r"$\lambda$", r"$H$, $h_i$, $\kappa$", r"$\varepsilon$"):
        assert symbol in rows, f"the notation table lost its row for {symbol}"


@pytest.mark.parametrize("page", [p for p in CHAPTERS if p != "03_losses"])
def test_a_half_in_a_squared_error_is_declared(page):
    """A page that uses the 1/2 convention of squared error links chapter 3's convention table."""
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    if re.search(r"\\t?frac\{1\}\{2N\}|/ \(2 ?N\)", text):
        assert "ch3-mse" in text, f"{page} uses a 1/2 in a squared error without linking chapter 3's convention"
