"""The instructor's insight page: what the class got wrong, and what to teach again.

``write(course)`` turns the gradebook (nbgrader's, SQLite or PostgreSQL, as
the course configuration says) and the verdicts the trusted grader recorded
(``grader_tests.verdict_log``) into ``insights.html`` at the course root, one
page that opens offline from disk, and the same tables as CSV files in
``insights/``:

1. scores per chapter (``item_analysis.summary``, ``figures``);
2. item analysis of every test cell (``item_analysis``);
3. named mistakes and unnamed failures (``mistakes``, ``book_links``);
4. pairs of similar answers (``answers``, ``similarity``);
5. each student's scores and named mistakes.

Nothing is parsed from feedback pages. ``grade_class`` writes the page after
grading; ``dlcourse insights`` rebuilds it without grading.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from grader_tests.insights import class_scores, page, sections
from grader_tests.insights.similarity import DEFAULT_THRESHOLD
from grader_tests.insights.tables import write_csv

PAGE_FILE = "insights.html"
CSV_FOLDER = "insights"
IN_PARALLEL_FROM = 400  # submissions; fewer are not worth starting processes for
TABLES = (sections.scores_table, sections.items_table, sections.mistakes_table, sections.failures_table,
          sections.pairs_table, sections.students_table)


def _collected(course: Path, scores: list[class_scores.ChapterScores], threshold: float,
               cache: Path) -> list[sections.ChapterInsights]:
    """Each chapter's numbers; for a large class, chapters on every core at
    once (forked processes, which need no imports of their own)."""
    work = [(course, chapter, threshold, cache) for chapter in scores]
    workers = min(len(scores), len(os.sched_getaffinity(0)))
    if workers < 2 or sum(len(chapter.students) for chapter in scores) < IN_PARALLEL_FROM:
        return [sections.collect(*one) for one in work]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(sections.collect, *zip(*work)))


def build(course: Path, scores: list[class_scores.ChapterScores], threshold: float = DEFAULT_THRESHOLD) -> Path:
    """Writes the page and its CSV files from these chapters' scores."""
    folder = course / CSV_FOLDER
    folder.mkdir(exist_ok=True)
    chapters = _collected(course, scores, threshold, folder)
    csv_files = [f"{CSV_FOLDER}/{write_csv(table(chapters), folder).name}" for table in TABLES]
    path = course / PAGE_FILE
    written = path.with_name(f".{PAGE_FILE}.writing")
    written.write_text(page.render(chapters, threshold, csv_files))
    os.replace(written, path)
    return path


def write(course: Path, chapters: list[str] | None = None, threshold: float = DEFAULT_THRESHOLD) -> Path:
    """insights.html (and insights/*.csv) for ``chapters`` (default: every
    chapter the gradebook knows), from the gradebook and the recorded
    verdicts; run from the course root. Returns the page's path."""
    scores = class_scores.load(course, chapters)
    return build(course, list(scores.values()), threshold)
