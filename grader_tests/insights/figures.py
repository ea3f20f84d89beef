"""The insight page's figures: matplotlib drawings as inline SVG, text as text.

Every figure's ids (matplotlib names its groups, clip paths and markers)
get the figure's own prefix, so that figures inlined in one page never share
an id.
"""
from __future__ import annotations

import io
import itertools
import re

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from grader_tests.insights.class_scores import ChapterScores
from grader_tests.insights.item_analysis import ALMOST_ALL_FAIL, ItemStats

_figures = itertools.count()
MAX_BARS = 40  # one bar per point up to this many points
NO_METADATA = dict.fromkeys(("Creator", "Date", "Format", "Type"))  # no RDF block in the page


def svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=NO_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # no XML declaration or doctype inside HTML
    # Every id of this figure, and every reference to one, prefixed with the figure's number.
    prefix = f"figure{next(_figures)}-"
    return re.sub(r'(\bid="|href="#|url\(#)', lambda match: match.group(1) + prefix, text)


def score_histogram(scores: ChapterScores) -> str:
    figure = Figure(figsize=(4.6, 2.8))
    axes = figure.subplots()
    top = scores.max_score
    step = 1.0 if top <= MAX_BARS else top / MAX_BARS
    edges = np.arange(-step / 2, top + step, step)
    axes.hist(scores.totals, bins=edges, color="#4878a8", edgecolor="white")
    if len(scores.students):
        axes.axvline(float(np.mean(scores.totals)), color="#c03030", label="mean")
        axes.axvline(float(np.median(scores.totals)), color="#303030", linestyle="--", label="median")
        axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.set_xlabel(f"score (points, out of {top:g})")
    axes.set_ylabel("students")
    axes.set_title(scores.chapter, fontsize=10)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return svg(figure)


def item_map(chapter: str, stats: list[ItemStats]) -> str:
    """Each test cell by its pass rate and its item-rest correlation."""
    figure = Figure(figsize=(6.4, 3.8))
    axes = figure.subplots()
    axes.axvspan(0, 100 * ALMOST_ALL_FAIL, color="#f3d9b1", label="almost everyone fails")
    axes.axhspan(-1, 0, color="#f5c6c6", label="strong students fail it more")
    shown = [s for s in stats if s.pass_rate is not None]
    defined = [s for s in shown if s.item_rest_r is not None]
    undefined = [s for s in shown if s.item_rest_r is None]
    axes.scatter([100 * s.pass_rate for s in defined], [s.item_rest_r for s in defined],
                 color="#4878a8", zorder=3, label="test cell")
    axes.scatter([100 * s.pass_rate for s in undefined], [0] * len(undefined), facecolors="none",
                 edgecolors="#4878a8", zorder=3, label="r undefined (no spread), drawn at 0")
    for s in shown:
        if s.flags:
            axes.annotate(s.item, (100 * s.pass_rate, s.item_rest_r or 0.0), fontsize=8,
                          xytext=(4, 4), textcoords="offset points")
    axes.set_xlim(-3, 103)
    axes.set_ylim(-1.05, 1.05)
    axes.set_xlabel("pass rate (% of students with full marks)")
    axes.set_ylabel("item-rest correlation r")
    axes.set_title(f"{chapter}: test cells", fontsize=10)
    axes.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False)
    return svg(figure)
