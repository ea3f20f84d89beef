"""Numbers about a chapter's scores and about each of its test cells (items).

Definitions (the page states them too):

* an item is *passed* by a student who got its full points;
* the *item-rest correlation* r of an item is Pearson's correlation, over
  the students, between the item's score and the rest of the chapter's
  score (the total without that item), so the item is not correlated with
  itself; undefined when either varies by nothing;
* the *discrimination index* D of an item is the share of the upper group
  that passed it minus the share of the lower group that did; the groups
  are the ``GROUP_SHARE`` (27 %, rounded up) of students with the highest
  and the lowest chapter totals, ties broken by student id; undefined with
  fewer than ``MIN_GROUPED`` students;
* an item is flagged when fewer than ``ALMOST_ALL_FAIL`` of the students
  pass it, or when r or D is negative (strong students fail it more often
  than weak ones): check the wording of the exercise, or the test.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from grader_tests.insights.class_scores import ChapterScores

GROUP_SHARE = 0.27
MIN_GROUPED = 4  # fewer students cannot make two separate groups
ALMOST_ALL_FAIL = 0.2
FULL = 1e-9  # a score this close to the maximum is full marks

HARD = "almost everyone fails it"
REVERSED = "strong students fail it more than weak ones"


@dataclass(frozen=True)
class ScoreSummary:
    chapter: str
    submissions: int
    max_score: float
    mean: float | None
    median: float | None
    full_marks: float | None  # share of submissions
    zero: float | None
    flagged: int
    late: int


@dataclass(frozen=True)
class ItemStats:
    chapter: str
    item: str
    points: float
    pass_rate: float | None
    item_rest_r: float | None
    discrimination: float | None
    flags: tuple[str, ...]


def summary(scores: ChapterScores, flagged: set[str]) -> ScoreSummary:
    totals = scores.totals
    n = len(totals)
    if n == 0:
        return ScoreSummary(scores.chapter, 0, scores.max_score, None, None, None, None, 0, 0)
    return ScoreSummary(scores.chapter, n, scores.max_score, float(totals.mean()), float(np.median(totals)),
                        float(np.mean(totals >= scores.max_score - FULL)), float(np.mean(totals <= FULL)),
                        len(flagged & set(scores.students)), len(scores.late & set(scores.students)))


def correlation(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r, None when either has no spread."""
    dx, dy = x - x.mean(), y - y.mean()
    spread = math.sqrt(float(dx @ dx) * float(dy @ dy))
    return float(dx @ dy) / spread if spread > FULL else None


def groups(scores: ChapterScores) -> tuple[np.ndarray, np.ndarray] | None:
    """Row indices of the upper and the lower group (see the module's docstring)."""
    n = len(scores.students)
    if n < MIN_GROUPED:
        return None
    size = math.ceil(GROUP_SHARE * n)
    # Highest total first; among equal totals, by student id.
    order = sorted(range(n), key=lambda i: (-scores.totals[i], scores.students[i]))
    return np.array(order[:size]), np.array(order[-size:])


def items(scores: ChapterScores) -> list[ItemStats]:
    totals = scores.totals
    passed = scores.scores >= scores.points - FULL
    grouped = groups(scores)
    found = []
    for j, item in enumerate(scores.items):
        if not scores.students:
            found.append(ItemStats(scores.chapter, item, float(scores.points[j]), None, None, None, ()))
            continue
        rate = float(passed[:, j].mean())
        r = correlation(scores.scores[:, j], totals - scores.scores[:, j])
        d = float(passed[grouped[0], j].mean() - passed[grouped[1], j].mean()) if grouped else None
        flags = ((HARD,) if rate < ALMOST_ALL_FAIL else ()) + \
            ((REVERSED,) if (r is not None and r < 0) or (d is not None and d < 0) else ())
        found.append(ItemStats(scores.chapter, item, float(scores.points[j]), rate, r, d, flags))
    return found
