"""What the insight page and its CSV files say, computed once per chapter.

``collect`` gathers, for each chapter, the numbers of every section from the
gradebook's scores, the recorded verdicts and the graded answers; the table
builders below turn any list of chapters into one ``Table`` (the page shows
one chapter's at a time, the CSV files hold all of them).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader_tests import verdict_log
from grader_tests.checks import find
from grader_tests.insights import answers, book_links, item_analysis, mistakes, similarity
from grader_tests.insights.class_scores import ChapterScores
from grader_tests.insights.tables import (COEFFICIENT, COUNT, LINES, LINK, NAMES, POINTS, SHARE, Column,
                                          Link, Table)

FLAGGED_ROW = "flagged"


@dataclass
class ChapterInsights:
    scores: ChapterScores
    summary: item_analysis.ScoreSummary
    items: list[item_analysis.ItemStats]
    mistakes: list[mistakes.MistakeCount]
    failures: list[mistakes.CheckFailures]
    pairs: list[similarity.Pair]
    verdicts: dict[str, verdict_log.Submission]
    refused: list[str]  # verdict files that failed validation
    without_verdicts: list[str]  # submitted, but the trusted grader recorded nothing
    parts: dict[str, tuple[str, str]]  # grade id -> the exercise part's heading and link

    @property
    def chapter(self) -> str:
        return self.scores.chapter


def _function(check_id: str) -> str:
    check = find(check_id)
    return f"{check.function}()" if check else ""


def collect(course: Path, scores: ChapterScores, threshold: float, cache: Path | None = None) -> ChapterInsights:
    """``cache``: where tokenized answers are kept between builds (``token_cache``)."""
    verdicts, refused = verdict_log.load(course, scores.chapter)
    without = [s for s in scores.students if s not in verdicts]
    stopped = {s for s in scores.students if s in verdicts and verdicts[s].stopped}
    flagged = scores.flagged | stopped | set(without)
    named, failures = mistakes.tally(scores.chapter, verdicts, scores.students)
    stubs = answers.released(course, scores.chapter)
    written = {s: answers.written(course, s, scores.chapter, stubs) for s in scores.students}
    pairs = similarity.similar_pairs(scores.chapter, {s: a for s, a in written.items() if a and a.cells},
                                     threshold, cache)
    return ChapterInsights(scores, item_analysis.summary(scores, flagged), item_analysis.items(scores),
                           named, failures, pairs, verdicts, refused, without,
                           book_links.exercise_parts(course, scores.chapter))


def scores_table(chapters: list[ChapterInsights]) -> Table:
    table = Table("scores", [Column("chapter"), Column("submissions", COUNT), Column("max score", POINTS),
                             Column("mean", POINTS), Column("median", POINTS),
                             Column("full marks", SHARE), Column("zero", SHARE),
                             Column("flagged", COUNT), Column("late", COUNT)])
    for c in chapters:
        s = c.summary
        table.rows.append([s.chapter, s.submissions, s.max_score, s.mean, s.median, s.full_marks, s.zero,
                           s.flagged, s.late])
    return table


def items_table(chapters: list[ChapterInsights]) -> Table:
    table = Table("items", [Column("chapter"), Column("test cell"), Column("function"),
                            Column("points", POINTS), Column("pass rate", SHARE),
                            Column("item-rest r", COEFFICIENT), Column("D (upper - lower)", COEFFICIENT),
                            Column("check the wording or the test")])
    for c in chapters:
        for item in c.items:
            table.rows.append([c.chapter, item.item, _function(item.item), item.points, item.pass_rate,
                               item.item_rest_r, item.discrimination, "; ".join(item.flags)])
            table.marks.append(FLAGGED_ROW if item.flags else "")
    return table


def mistakes_table(chapters: list[ChapterInsights]) -> Table:
    table = Table("mistakes", [Column("chapter"), Column("function"), Column("test cell"), Column("mistake"),
                               Column("students", COUNT), Column("who", NAMES), Column("advice"),
                               Column("read", LINK), Column("exercise part", LINK)])
    for c in chapters:
        reading = Link(f"chapter {c.chapter}", book_links.reading_page(c.chapter))
        for m in c.mistakes:
            heading, href = c.parts.get(m.check_id, ("the exercises", book_links.exercise_page(c.chapter)))
            table.rows.append([c.chapter, f"{m.function}()", m.check_id, m.mistake, m.count, m.students,
                               m.advice, reading, Link(heading, href)])
    return table


def failures_table(chapters: list[ChapterInsights]) -> Table:
    table = Table("failures", [Column("chapter"), Column("function"), Column("test cell"),
                               Column("named mistake", COUNT), Column("unnamed failure", COUNT),
                               Column("who (unnamed)", NAMES), Column("not implemented", COUNT),
                               Column("did not run", COUNT)])
    for c in chapters:
        for f in c.failures:
            table.rows.append([c.chapter, f"{f.function}()", f.check_id, f.named, len(f.unnamed), f.unnamed,
                               f.not_implemented, f.did_not_run])
    return table


def pairs_table(chapters: list[ChapterInsights]) -> Table:
    table = Table("similar_pairs", [Column("chapter"), Column("student"), Column("other student"),
                                    Column("score", SHARE), Column("student's code found in the other's", SHARE),
                                    Column("other's code found in the student's", SHARE)])
    for c in chapters:
        for p in c.pairs:
            table.rows.append([c.chapter, p.first, p.second, p.score, p.first_similarity, p.second_similarity])
    return table


def students_table(chapters: list[ChapterInsights]) -> Table:
    columns = [Column("student")] + [Column(c.chapter, POINTS) for c in chapters] + \
        [Column("total", POINTS), Column("named mistakes", COUNT), Column("which", LINES)]
    table = Table("students", columns)
    everyone = sorted({s for c in chapters for s in c.scores.students})
    totals = {c.chapter: dict(zip(c.scores.students, c.scores.totals.tolist())) for c in chapters}
    for student in everyone:
        scores = [totals[c.chapter].get(student) for c in chapters]
        made = [f"{c.chapter}: {v.mistake}" for c in chapters if student in c.verdicts
                and student in totals[c.chapter] for v in c.verdicts[student].verdicts
                if v.outcome == verdict_log.MISTAKE]
        table.rows.append([student, *scores, sum(s for s in scores if s is not None), len(made), tuple(made)])
    return table
