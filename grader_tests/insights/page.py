"""insights.html: one self-contained page that opens from disk, offline.

Figures are inline SVG, styles inline; the only script is the small one
below (sorting, paging and filtering tables), allowed by its sha256 hash in
the page's Content-Security-Policy, which lets nothing else run and nothing
load from anywhere. Without the script every row is still there. Every text
that comes from the gradebook, the verdict files or a submission is escaped.
"""
from __future__ import annotations

import base64
import hashlib
import html
from datetime import datetime, timezone

from grader_tests.insights import figures, item_analysis, sections, similarity
from grader_tests.insights.tables import to_html

PAGE_SIZE = 25  # rows of a long table shown at a time
PAIRS_SHOWN = 30  # pairs shown side by side; the table and CSV list them all
PER_CHAPTER = ("chapter",)  # a column the tables of one chapter's block leave out

SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var body = table.tBodies[0], rows = Array.from(body.rows), size = +table.dataset.pageSize || 0;
  var page = 0, shown = rows, bar = null;
  function draw() {
    rows.forEach(function (r) { r.hidden = true; });
    var first = size ? page * size : 0, last = size ? first + size : shown.length;
    shown.slice(first, last).forEach(function (r) { r.hidden = false; body.appendChild(r); });
    if (bar) bar.querySelector("span").textContent = shown.length ?
      "rows " + (first + 1) + "-" + Math.min(last, shown.length) + " of " + shown.length : "no rows";
  }
  if (size && rows.length > size) {
    bar = document.createElement("div");
    bar.className = "pager";
    bar.innerHTML = '<input type="search" placeholder="filter rows"> <button>previous</button> ' +
      '<button>next</button> <span></span>';
    var buttons = bar.querySelectorAll("button");
    buttons[0].onclick = function () { page = Math.max(0, page - 1); draw(); };
    buttons[1].onclick = function () { if ((page + 1) * size < shown.length) page++; draw(); };
    bar.querySelector("input").oninput = function (e) {
      var text = e.target.value.toLowerCase();
      shown = rows.filter(function (r) { return r.textContent.toLowerCase().indexOf(text) >= 0; });
      page = 0; draw();
    };
    table.parentNode.insertBefore(bar, table);
  } else { size = 0; }
  Array.from(table.tHead.rows[0].cells).forEach(function (th, column) {
    th.onclick = function () {
      var up = th.dataset.order !== "up";
      Array.from(table.tHead.rows[0].cells).forEach(function (c) { delete c.dataset.order; });
      th.dataset.order = up ? "up" : "down";
      function key(r) {
        var v = r.cells[column].dataset.sort, n = parseFloat(v);
        return v === "" ? -Infinity : (isNaN(n) ? v.toLowerCase() : n);
      }
      function order(a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) { x = String(x); y = String(y); }
        return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
      }
      rows.sort(order); shown.sort(order); page = 0;
      rows.forEach(function (r) { body.appendChild(r); });
      draw();
    };
  });
  draw();
});
"""
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = "; ".join(["default-src 'none'", f"script-src 'sha256-{SCRIPT_HASH}'", "style-src 'unsafe-inline'",
                 "img-src data:", "base-uri 'none'", "form-action 'none'"])

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1250px; padding: 0 1.2em 4em;
       color: #1d1d1d; }
h1 { margin-bottom: .2em; } h2 { border-bottom: 2px solid #4878a8; padding-bottom: .15em; margin-top: 2em; }
nav a { margin-right: 1.2em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: 13.5px; }
th, td { border-bottom: 1px solid #ddd; padding: .3em .55em; text-align: left; vertical-align: top; }
th { background: #eef2f7; cursor: pointer; position: sticky; top: 0; }
th[data-order=up]::after { content: " \\25B2"; } th[data-order=down]::after { content: " \\25BC"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: #fdecc8; }
.figures { display: flex; flex-wrap: wrap; gap: .6em 1.4em; }
.figures svg { max-width: 100%; height: auto; }
details > summary { cursor: pointer; font-weight: 600; margin: .5em 0; }
td details > summary { font-weight: normal; }
.note { background: #f4f6fa; border-left: 4px solid #4878a8; padding: .6em .9em; }
.warning { background: #fdecc8; border-left: 4px solid #c98a10; padding: .6em .9em; }
dl.definitions dt { font-weight: 600; } dl.definitions dd { margin: 0 0 .5em 1.2em; }
.side-by-side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
.side-by-side pre { background: #f7f7f7; border: 1px solid #ddd; padding: .6em; overflow: auto;
                    max-height: 28em; font-size: 12.5px; margin: .3em 0; white-space: pre; }
mark { background: #ffd970; }
.pager { margin: .6em 0 .2em; } .pager span { color: #555; margin-left: .6em; }
"""


def count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _chapter_block(title: str, body: str, open_: bool = False) -> str:
    return f"<details{' open' if open_ else ''}><summary>{html.escape(title)}</summary>{body}</details>"


def _scores(chapters: list[sections.ChapterInsights]) -> str:
    plots = "".join(f"<figure>{figures.score_histogram(c.scores)}</figure>" for c in chapters)
    return ("<h2 id='part-scores'>1. Scores</h2>"
            "<p>Per chapter, over the students with a submission in the gradebook. <em>Flagged</em>: marked in "
            "the formgrader, stopped before its end (time limit, kernel died), or never run by the trusted "
            "grader (no verdicts recorded). <em>Late</em>: submitted after the due date (and extension).</p>"
            + to_html(sections.scores_table(chapters)) + f"<div class='figures'>{plots}</div>")


DEFINITIONS = f"""
<dl class="definitions">
<dt>pass rate</dt><dd>the share of students who got the test cell's full points.</dd>
<dt>item-rest r</dt><dd>Pearson's correlation, over the students, between the cell's score and the rest of
the chapter's score (the total without this cell). Near +1: the students who pass it are those who do
well elsewhere. Negative: strong students fail it more than weak ones. &ndash; when either has no spread.</dd>
<dt>D (upper &minus; lower)</dt><dd>the discrimination index: the pass rate among the
{item_analysis.GROUP_SHARE:.0%} of students with the highest chapter totals minus the pass rate among the
{item_analysis.GROUP_SHARE:.0%} with the lowest (rounded up; equal totals ordered by student id); from
{item_analysis.MIN_GROUPED} students on.</dd>
<dt>highlighted</dt><dd>fewer than {item_analysis.ALMOST_ALL_FAIL:.0%} pass it, or r or D is negative:
check the wording of the exercise, or the test.</dd>
</dl>"""


def _items(chapters: list[sections.ChapterInsights]) -> str:
    blocks = []
    for c in chapters:
        flagged = sum(bool(i.flags) for i in c.items)
        body = (f"<div class='figures'>{figures.item_map(c.chapter, c.items)}</div>"
                + to_html(sections.items_table([c]), html_id=f"items-{c.chapter}", omit=PER_CHAPTER))
        blocks.append(_chapter_block(f"{c.chapter}: {count(len(c.items), 'test cell')}, {flagged} highlighted",
                                     body, open_=bool(flagged)))
    return "<h2 id='part-items'>2. Item analysis</h2>" + DEFINITIONS + "".join(blocks)


def _mistakes(chapters: list[sections.ChapterInsights]) -> str:
    blocks = []
    for number, c in enumerate(chapters):
        unnamed = sum(len(f.unnamed) for f in c.failures)
        body = (to_html(sections.mistakes_table([c]), PAGE_SIZE, f"mistakes-{c.chapter}", PER_CHAPTER)
                + "<p>Every failed test cell, by how it failed. <em>Unnamed failure</em>: wrong, and the grader "
                  "cannot yet say why (a known mistake worth registering?).</p>"
                + to_html(sections.failures_table([c]), PAGE_SIZE, f"failures-{c.chapter}", PER_CHAPTER))
        top = (f"; most frequent: {c.mistakes[0].mistake} ({c.mistakes[0].count} students)"
               if c.mistakes else "")
        blocks.append(_chapter_block(f"{c.chapter}: {count(len(c.mistakes), 'named mistake')}, "
                                     f"{count(unnamed, 'unnamed failure')}{top}", body, open_=number == 0))
    return ("<h2 id='part-mistakes'>3. Mistakes</h2><p>Named by the grader when a submission behaves exactly like "
            "a known wrong implementation; most frequent first. <em>Read</em> opens the chapter in the "
            "built book (<code>make book</code>), <em>exercise part</em> the part of the exercise page "
            "that holds the test.</p>" + "".join(blocks))


def _pair(pair: similarity.Pair) -> str:
    title = f"{pair.chapter}: {pair.first} and {pair.second}, score {100 * pair.score:.0f} %"
    first, second = similarity.side_by_side(pair)
    return _chapter_block(title, "<div class='side-by-side'>"
                          f"<div>{html.escape(pair.first)}<pre>{first}</pre></div>"
                          f"<div>{html.escape(pair.second)}<pre>{second}</pre></div></div>")


def _similar(chapters: list[sections.ChapterInsights], threshold: float) -> str:
    pairs = sorted((p for c in chapters for p in c.pairs), key=lambda p: -p.score)
    shown = "".join(map(_pair, pairs[:PAIRS_SHOWN]))
    more = (f"<p>The {len(pairs) - PAIRS_SHOWN} other pairs are in the table above and the CSV file.</p>"
            if len(pairs) > PAIRS_SHOWN else "")
    return ("<h2 id='part-similar'>4. Similar submissions</h2>"
            "<p class='warning'><strong>Similarity is a reason to look, not a verdict.</strong> Students who "
            "solve a short exercise the obvious way write alike; talk to them before concluding anything.</p>"
            f"<p>Compared: only the code students wrote in the answer cells (released stubs and docstrings "
            f"left out), with copydetect: names, comments and layout do not count, so renaming and "
            f"reformatting do not hide a copy. Code that more than {similarity.COMMON_SHARE:.0%} of the class "
            f"(and at least {similarity.COMMON_MIN} students) share is ignored. A pair's <em>score</em> is the "
            f"larger of the two shares of each student's code found in the other's (so copying half the "
            f"answers and leaving the rest shows); listed from "
            f"<strong>{100 * threshold:.0f} %</strong> (set with <code>dlcourse insights "
            f"--similarity-threshold</code>). {count(len(pairs), 'pair')}.</p>"
            + to_html(sections.pairs_table(chapters), PAGE_SIZE) + shown + more)


def _students(chapters: list[sections.ChapterInsights]) -> str:
    return ("<h2 id='part-students'>5. Per student</h2><p>Click a column title to sort (on any table); a long "
            "table shows a box to filter its rows.</p>" + to_html(sections.students_table(chapters), PAGE_SIZE))


def _notes(chapters: list[sections.ChapterInsights]) -> str:
    notes = []
    for c in chapters:
        if c.without_verdicts:
            notes.append(f"{c.chapter}: {count(len(c.without_verdicts), 'submission')} without recorded verdicts "
                         "(not run by the trusted grader, or graded before it recorded them): "
                         + html.escape(", ".join(c.without_verdicts[:20]))
                         + (" ..." if len(c.without_verdicts) > 20 else ""))
        if c.refused:
            notes.append(f"{c.chapter}: {count(len(c.refused), 'verdict file')} refused as malformed: "
                         + html.escape("; ".join(c.refused[:5])))
    return "".join(f"<p class='warning'>{note}</p>" for note in notes)


def render(chapters: list[sections.ChapterInsights], threshold: float, csv_files: list[str]) -> str:
    """The page; ``csv_files``: the CSV files' paths relative to it."""
    students = len({s for c in chapters for s in c.scores.students})
    built = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    csv_links = ", ".join(f'<a href="{html.escape(path)}">{html.escape(path.rsplit("/", 1)[-1])}</a>'
                          for path in csv_files)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f"<title>Class insights</title><style>{STYLE}</style></head><body>"
            "<h1>What the class got wrong</h1>"
            f"<p class='note'>{count(students, 'student')}, {count(len(chapters), 'chapter')}; built {built} "
            f"from the gradebook and the verdicts the grader recorded. The same tables as CSV: {csv_links}.</p>"
            "<nav><a href='#part-scores'>1. Scores</a><a href='#part-items'>2. Item analysis</a>"
            "<a href='#part-mistakes'>3. Mistakes</a><a href='#part-similar'>4. Similar submissions</a>"
            "<a href='#part-students'>5. Per student</a></nav>"
            + _notes(chapters) + _scores(chapters) + _items(chapters) + _mistakes(chapters)
            + _similar(chapters, threshold) + _students(chapters)
            + f"<script>{SCRIPT}</script></body></html>\n")
