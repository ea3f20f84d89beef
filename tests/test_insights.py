"""The instructor's insight page: every number on it, and in its CSV files,
against what the class was built with.

Two classes: one made up (``insights_class``: the gradebook, verdicts and
graded notebooks written directly, 40 students and 2 copiers in two
chapters), checked against independent computations (numpy's corrcoef for
the item-rest correlation, the definitions for the rest); and a small one
graded for real by ``grade_class`` (students with known mistakes, two who
hand in the same answers and one who renamed and reformatted them), checked
against the trusted judge run directly on each student's functions.
"""
from __future__ import annotations

import csv
import json
import math
import os
import statistics
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from copydetect.utils import filter_code

import insights_class
import simulated_class as sim
import student_work
from conftest import kernel_namespace
from dlcourse.release import nbgrader_env
from grader_tests import cli, insights, verdict_log
from grader_tests.checks import find
from grader_tests.insights import answers, book_links, item_analysis, page, similarity
from grader_tests.judge import NOT_IMPLEMENTED, judge, likely
from grader_tests.kernel.record import RECORD_DIR, record
from grader_tests.reference import load_reference

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["01_nonlinearity", "05_regularization"]
DLCOURSE = Path(sys.executable).parent / "dlcourse"


# ---- reading the page and the CSV files ----

def page_rows(soup, table_id: str) -> list[dict[str, str]]:
    table = soup.find("table", id=table_id)
    assert table is not None, table_id
    titles = [th.get_text() for th in table.thead.find_all("th")]
    return [dict(zip(titles, (td.get_text(" ", strip=True) for td in tr.find_all("td"))))
            for tr in table.tbody.find_all("tr")]


def csv_rows(course: Path, name: str) -> list[dict[str, str]]:
    with open(course / insights.CSV_FOLDER / f"{name}.csv", newline="") as file:
        return list(csv.DictReader(file))


def shown(text: str) -> float | None:
    """A number as the page shows it ('12.5 %', '+0.43', '11.66', '–')."""
    text = text.replace("\xa0", " ").strip()
    if text in ("", "\u2013"):
        return None
    return float(text.removesuffix(" %")) / 100 if text.endswith("%") else float(text)


def close(got: float | None, expected: float | None, tolerance: float) -> bool:
    if expected is None or got is None:
        return got is expected
    return abs(got - expected) <= tolerance


def check_number(page_text: str, csv_text: str, expected: float | None, kind: str = "points") -> None:
    """The page rounds (a share to 0.1 %, a coefficient to 0.01); the CSV keeps 6 digits."""
    page_tolerance = {"points": 0.005, "share": 0.0005, "coefficient": 0.005, "count": 0}[kind]
    assert close(shown(page_text), expected, page_tolerance + 1e-12), (page_text, expected)
    assert close(float(csv_text) if csv_text else None, expected,
                 1e-5 * max(1.0, abs(expected or 0))), (csv_text, expected)


# ---- independent computations ----

def expected_groups(students: list[str], totals: list[float]) -> tuple[list[int], list[int]] | None:
    """The upper and lower 27 % (rounded up) by total, ties by student id."""
    if len(students) < 4:
        return None
    size = math.ceil(0.27 * len(students))
    order = sorted(range(len(students)), key=lambda i: (-totals[i], students[i]))
    return order[:size], order[-size:]


def matrix(built: insights_class.Class, chapter: str) -> tuple[list[str], list[str], np.ndarray]:
    spec = built.chapters[chapter]
    students = sorted(built.work[chapter])
    scores = np.array([[spec.points[i] if built.work[chapter][s].outcomes[i][0] == verdict_log.PASSED else 0.0
                        for i in spec.items] for s in students])
    return students, spec.items, scores


# ---- the made-up class ----

@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    course = tmp_path_factory.mktemp("made_up") / "course"
    built = insights_class.build(course, CHAPTERS, students=40)
    with insights_class.inside(course):
        path = insights.write(course)
    return course, built, BeautifulSoup(path.read_text(), "html.parser")


def test_scores_per_chapter(made_up):
    course, built, soup = made_up
    on_page = {row["chapter"]: row for row in page_rows(soup, "scores")}
    in_csv = {row["chapter"]: row for row in csv_rows(course, "scores")}
    assert list(on_page) == list(in_csv) == CHAPTERS
    for chapter in CHAPTERS:
        spec, work = built.chapters[chapter], built.work[chapter]
        totals = [w.score(spec) for w in work.values()]
        most = sum(spec.points.values())
        expected = {"submissions": (len(work), "count"), "max score": (most, "points"),
                    "mean": (statistics.mean(totals), "points"), "median": (statistics.median(totals), "points"),
                    "full marks": (sum(t == most for t in totals) / len(totals), "share"),
                    "zero": (sum(t == 0 for t in totals) / len(totals), "share"),
                    "flagged": (sum(w.flagged or w.stopped is not None for w in work.values()), "count"),
                    "late": (sum(w.late for w in work.values()), "count")}
        for column, (value, kind) in expected.items():
            check_number(on_page[chapter][column], in_csv[chapter][column], value, kind)


def test_item_analysis_against_numpy(made_up):
    course, built, soup = made_up
    in_csv = csv_rows(course, "items")
    for chapter in CHAPTERS:
        students, items, scores = matrix(built, chapter)
        totals = scores.sum(axis=1)
        on_page = page_rows(soup, f"items-{chapter}")
        rows = [row for row in in_csv if row["chapter"] == chapter]
        assert [row["test cell"] for row in on_page] == [row["test cell"] for row in rows] == items
        upper, lower = expected_groups(students, totals.tolist())
        for j, (shown_row, row) in enumerate(zip(on_page, rows)):
            passed = scores[:, j] == built.chapters[chapter].points[items[j]]
            rest = totals - scores[:, j]
            r = None if scores[:, j].std() == 0 or rest.std() == 0 else np.corrcoef(scores[:, j], rest)[0, 1]
            d = passed[upper].mean() - passed[lower].mean()
            check_number(shown_row["pass rate"], row["pass rate"], passed.mean(), "share")
            check_number(shown_row["item-rest r"], row["item-rest r"], r, "coefficient")
            check_number(shown_row["D (upper - lower)"], row["D (upper - lower)"], d, "coefficient")
            flagged = passed.mean() < 0.2 or (r is not None and r < 0) or d < 0
            assert bool(row["check the wording or the test"]) == flagged, (chapter, items[j])
        # Built in: the last test cell almost no one passes, the middle one strong students fail more.
        assert item_analysis.HARD in rows[-1]["check the wording or the test"]
        assert item_analysis.REVERSED in rows[len(items) // 2]["check the wording or the test"]
        marked = soup.find("table", id=f"items-{chapter}").tbody.find_all("tr", class_="flagged")
        assert len(marked) == sum(bool(row["check the wording or the test"]) for row in rows)


def test_named_mistakes_and_unnamed_failures(made_up):
    course, built, soup = made_up
    in_csv = csv_rows(course, "mistakes")
    failures_csv = csv_rows(course, "failures")
    for chapter in CHAPTERS:
        made: dict[tuple[str, str], set[str]] = {}
        outcomes: dict[str, Counter] = {}
        unnamed: dict[str, set[str]] = {}
        for student, work in built.work[chapter].items():
            for item, (outcome, mistake) in work.outcomes.items():
                outcomes.setdefault(item, Counter())[outcome] += 1
                if outcome == verdict_log.MISTAKE:
                    made.setdefault((item, mistake), set()).add(student)
                if outcome == verdict_log.UNNAMED:
                    unnamed.setdefault(item, set()).add(student)
        rows = [row for row in in_csv if row["chapter"] == chapter]
        assert {(row["test cell"], row["mistake"]): set(row["who"].split()) for row in rows} == made
        counts = [int(row["students"]) for row in rows]
        assert counts == sorted(counts, reverse=True)
        assert all(int(row["students"]) == len(row["who"].split()) for row in rows)
        parts = book_links.exercise_parts(ROOT, chapter)
        for row in rows:
            check = find(row["test cell"])
            assert row["advice"] == next(m.advice for m in check.mistakes if m.name == row["mistake"])
            assert row["read"] == f"_build/html/book/{chapter}.html"
            assert row["exercise part"] == parts[row["test cell"]][1]
        on_page = page_rows(soup, f"mistakes-{chapter}")
        assert [(r["mistake"], int(r["students"])) for r in on_page] == \
            [(r["mistake"], int(r["students"])) for r in rows]
        failed = {item: c for item, c in outcomes.items() if set(c) - {verdict_log.PASSED}}
        by_check = {row["test cell"]: row for row in failures_csv if row["chapter"] == chapter}
        assert set(by_check) == set(failed)
        for item, c in failed.items():
            row = by_check[item]
            assert (int(row["named mistake"]), int(row["unnamed failure"]), int(row["not implemented"]),
                    int(row["did not run"])) == (c[verdict_log.MISTAKE], c[verdict_log.UNNAMED],
                                                  c[verdict_log.NOT_IMPLEMENTED], c[verdict_log.DID_NOT_RUN])
            assert set(row["who (unnamed)"].split()) == unnamed.get(item, set())


def test_links_lead_to_the_built_book():
    built_book = ROOT / book_links.BUILT_BOOK
    if not (built_book / "exercises").is_dir():
        pytest.skip("the book is not built (make book)")
    for chapter in CHAPTERS:
        assert (ROOT / book_links.reading_page(chapter)).is_file()
        built_page = ROOT / book_links.exercise_page(chapter)
        if built_page.stat().st_mtime < (ROOT / "solutions" / chapter / f"{chapter}.ipynb").stat().st_mtime:
            pytest.skip("the built book is older than the chapter's notebook (make book)")
        html = built_page.read_text()
        for _, link in book_links.exercise_parts(ROOT, chapter).values():
            page_file, _, anchor = link.partition("#")
            assert anchor and f'id="{anchor}"' in html, link


def test_per_student_table(made_up):
    course, built, soup = made_up
    rows = {row["student"]: row for row in csv_rows(course, "students")}
    on_page = {row["student"]: row for row in page_rows(soup, "students")}
    everyone = {s for work in built.work.values() for s in work}
    assert set(rows) == set(on_page) == everyone
    for student in everyone:
        scores = [built.work[c][student].score(built.chapters[c]) for c in CHAPTERS]
        for chapter, score in zip(CHAPTERS, scores):
            check_number(on_page[student][chapter], rows[student][chapter], score)
        check_number(on_page[student]["total"], rows[student]["total"], sum(scores))
        made = [f"{c}: {m}" for c in CHAPTERS for o, m in built.work[c][student].outcomes.values()
                if o == verdict_log.MISTAKE]
        assert int(rows[student]["named mistakes"]) == len(made)
        assert sorted(rows[student]["which"].splitlines()) == sorted(made)


def test_only_the_copies_are_similar(made_up):
    course, built, soup = made_up
    found = {(row["chapter"], frozenset((row["student"], row["other student"])))
             for row in csv_rows(course, "similar_pairs")}
    assert found == {(chapter, frozenset((original, copier))) for chapter, original, copier in built.copies}
    assert len(page_rows(soup, "similar_pairs")) == len(found)
    assert "a reason to look, not a verdict" in soup.get_text()


def written(chapter: str, sources: dict[str, str]) -> similarity.Answer:
    stubs = answers.released(ROOT, chapter)
    own = ((g, answers.own_lines(sources[g], stub)) for g, stub in stubs.items() if g in sources)
    return similarity.Answer(tuple((g, code) for g, code in own if code))


def variants(chapter: str) -> dict[str, list[str]]:
    """Each function's correct implementations in tests/student_work."""
    found: dict[str, list[str]] = {}
    for case in student_work.chapters()[chapter].CORRECT:
        found.setdefault(case.function, []).append(case.source)
    return found


def implementations(chapter: str, variant: int, wrong: dict[str, str] | None = None) -> dict[str, str]:
    """Correct implementation number ``variant`` of every function (with -1,
    function i takes number i, cycling through its list), and the wrong ones
    named by what is wrong with them."""
    chosen = {f: sources[(i if variant < 0 else variant) % len(sources)]
              for i, (f, sources) in enumerate(variants(chapter).items())}
    for function, why in (wrong or {}).items():
        chosen[function] = next(c.source for c in student_work.chapters()[chapter].WRONG
                                if c.function == function and c.why == why)
    return chosen


@pytest.mark.parametrize("chapter", sorted(student_work.chapters()))
def test_honest_solutions_stay_below_the_threshold_and_copies_above(chapter):
    """Students who each wrote a different correct implementation of every
    function are not listed; an exact copy and a renamed, reformatted one are."""
    original = implementations(chapter, -1)
    class_ = {**{f"honest{k}": written(chapter, implementations(chapter, k)) for k in range(3)},
              "original": written(chapter, original), "exact": written(chapter, original),
              "renamed": written(chapter, {f: insights_class.renamed_and_reformatted(s) for f, s in original.items()})}
    pairs = similarity.similar_pairs(chapter, class_)
    assert {frozenset((p.first, p.second)) for p in pairs} == \
        {frozenset(pair) for pair in (("original", "exact"), ("original", "renamed"), ("exact", "renamed"))}
    assert all(p.score > 0.95 for p in pairs)


def test_stubs_left_alone_do_not_make_students_alike():
    """Two students who each answered one different function and left the
    rest as released share every stub and docstring: not listed."""
    stubs = answers.released(ROOT, "01_nonlinearity")
    first, second = implementations("01_nonlinearity", 0), implementations("01_nonlinearity", 1)
    class_ = {"a": written("01_nonlinearity", {**stubs, "maxout": first["maxout"]}),
              "b": written("01_nonlinearity", {**stubs, "xor_network": second["xor_network"]})}
    assert similarity.similar_pairs("01_nonlinearity", class_, threshold=0.3) == []


def test_code_much_of_the_class_shares_is_no_sign_of_copying():
    """More students than the common limit hand in the same answers (the
    obvious way): they are not listed; a copied pair among others is."""
    chapter = "01_nonlinearity"
    alike = written(chapter, implementations(chapter, 0))
    class_ = {f"alike{k}": alike for k in range(similarity.COMMON_MIN + 1)}
    cycled = written(chapter, implementations(chapter, -1))
    class_ |= {"original": cycled, "copy": cycled}
    class_ |= {f"honest{k}": written(chapter, implementations(chapter, k)) for k in (1, 2)}
    pairs = similarity.similar_pairs(chapter, class_)
    assert [(p.first, p.second) for p in pairs] == [("copy", "original")]


def test_half_the_answers_copied_and_the_rest_left_unanswered_is_found():
    chapter = "01_nonlinearity"
    original = implementations(chapter, -1)
    half = dict(list(original.items())[:len(original) // 2])
    class_ = {"original": written(chapter, original), "half": written(chapter, half),
              **{f"honest{k}": written(chapter, implementations(chapter, k)) for k in range(3)}}
    [pair] = similarity.similar_pairs(chapter, class_)
    assert (pair.first, pair.second) == ("half", "original")
    assert pair.first_similarity > 0.95 and pair.second_similarity < 0.7 and pair.score == pair.first_similarity


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_fast_lexer_filters_as_the_python_3_lexer(chapter):
    """similarity.LEXER's claim: the same filtered code as Pygments' Python 3
    lexer on students' implementations and their renamed copies (f-strings aside)."""
    module = student_work.chapters()[chapter]
    for case in (*module.CORRECT, *module.WRONG):
        for source in (case.source, insights_class.renamed_and_reformatted(case.source)):
            if 'f"' not in source and "f'" not in source:
                assert similarity.filtered_code(source) == filter_code(source.replace("@", " @ "), "a.py", "python")[0]


# ---- safety of the page ----

HOSTILE = '</pre><script>alert("x")</script><img src=x onerror=alert(1)>'


def test_student_code_is_escaped_and_the_page_loads_nothing(tmp_path):
    code = f"    return x  # {HOSTILE}\n    y = '{HOSTILE}'\n" * 6
    pair = similarity.Pair("01_nonlinearity", "a", "b", 1.0, 1.0, 1.0, similarity.Answer((("relu", code),)),
                           similarity.Answer((("relu", code),)))
    html = page._pair(pair)
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_page_is_self_contained(made_up):
    course, _, soup = made_up
    text = (course / insights.PAGE_FILE).read_text()
    assert not soup.find_all(src=True) and not soup.find_all("link")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and scripts[0].string == page.SCRIPT
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in policy and f"'sha256-{page.SCRIPT_HASH}'" in policy
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert len(soup.find_all("svg")) == 2 * len(CHAPTERS)
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "two inline figures share an id"


# ---- the recorded verdicts ----

def test_verdict_files_round_trip_and_refuse_what_is_malformed(tmp_path):
    submission = verdict_log.Submission("ada", "01_nonlinearity", None, (
        verdict_log.Verdict("test_relu", 1.0, verdict_log.PASSED),
        verdict_log.Verdict("test_relu_grad", 1.0, verdict_log.MISTAKE, find("test_relu_grad").mistakes[0].name)))
    verdict_log.save(tmp_path, submission)
    assert verdict_log.load(tmp_path, "01_nonlinearity") == ({"ada": submission}, [])
    folder = verdict_log.folder(tmp_path, "01_nonlinearity")
    good = json.loads((folder / "ada.json").read_text())
    bad = {"unknown check": {**good, "verdicts": [{**good["verdicts"][0], "check_id": "test_nothing"}]},
           "other student": {**good, "student": "ben"},
           "bad outcome": {**good, "verdicts": [{**good["verdicts"][0], "outcome": "<b>passed</b>"}]},
           "points": {**good, "verdicts": [{**good["verdicts"][0], "points": float("nan")}]}}
    for name, data in bad.items():
        (folder / "ada.json").write_text(json.dumps(data).replace("NaN", "1e999"))
        found, refused = verdict_log.load(tmp_path, "01_nonlinearity")
        assert found == {} and len(refused) == 1, name
    (folder / "ada.json").write_text(json.dumps({**good, "verdicts": [
        {**good["verdicts"][1], "mistake": "a mistake no longer registered"}]}))
    assert verdict_log.load(tmp_path, "01_nonlinearity")[0]["ada"].verdicts[0].outcome == verdict_log.UNNAMED
    (folder / "ada.json").unlink()
    os.symlink(tmp_path / "elsewhere.json", folder / "ada.json")
    assert verdict_log.load(tmp_path, "01_nonlinearity")[0] == {}
    with pytest.raises(ValueError):
        verdict_log.save(tmp_path, verdict_log.Submission("../x", "01_nonlinearity", None, ()))


def recorded(tmp_path, monkeypatch, chapter: str, check_id: str, source: str) -> dict:
    monkeypatch.chdir(tmp_path)
    record(check_id, kernel_namespace(chapter, textwrap.dedent(source)))
    return json.loads((tmp_path / RECORD_DIR / f"{check_id}.json").read_text())


def test_a_mistake_is_recorded_only_when_the_record_shows_it(tmp_path, monkeypatch):
    check = find("test_relu_grad")
    heaviside = "def relu_grad(x):\n    return np.heaviside(x, 1.0)\n"
    wrong = recorded(tmp_path, monkeypatch, "01_nonlinearity", check.check_id, heaviside)
    message = judge(check, wrong, load_reference("01_nonlinearity"))
    verdict = verdict_log.judged(check, 1.0, message, wrong, "01_nonlinearity")
    assert verdict.outcome == verdict_log.MISTAKE and "subgradient at 0 was taken as 1" in verdict.mistake
    # A message that spells out a mistake (a student's exception can) names nothing
    # when the record does not behave like it.
    right = recorded(tmp_path, monkeypatch, "01_nonlinearity", check.check_id,
                     "def relu_grad(x):\n    return (x > 0).astype(np.float64)\n")
    forged = f"relu_grad() raised ValueError: {likely(check.mistakes[1])}. on hidden test case 1 of 3."
    assert verdict_log.judged(check, 1.0, forged, right, "01_nonlinearity").outcome == verdict_log.UNNAMED


# ---- the command ----

def run(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DLCOURSE), *args], cwd=course, env=nbgrader_env(), capture_output=True, text=True)


def test_command_and_its_help(made_up, monkeypatch, capsys):
    course, _, _ = made_up
    installed = run(course, "--help")  # the console script the package installs
    assert installed.returncode == 0 and all(command in installed.stdout for command in ("grade", "insights", "watch"))
    for args in (["grade", "--help"], ["insights", "--help"], ["watch", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(args)
        assert exit_.value.code == 0 and capsys.readouterr().out.startswith(f"usage: dlcourse {args[0]}")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["insights", "--similarity-threshold", "0"])
    assert exit_.value.code == 2
    monkeypatch.chdir(course)
    listed = len(csv_rows(course, "similar_pairs"))
    assert cli.main(["insights", "--similarity-threshold", "0.3"]) == 0
    assert len(csv_rows(course, "similar_pairs")) > listed
    assert cli.main(["insights"]) == 0 and len(csv_rows(course, "similar_pairs")) == listed
    assert cli.main(["insights", "09_nothing"]) == 2
    monkeypatch.chdir(course.parent)
    assert cli.main(["insights"]) == 2  # not a course root


# ---- a class graded for real ----

CHAPTER = "01_nonlinearity"
LIMITS = ["--timeout", "20", "--memory-mb", "1024", "--cpu-seconds", "60"]


COPIED = implementations(CHAPTER, -1, {"tanh": "the sigmoid", "elu_grad": "forgot alpha"})
CLASS = {
    "ada": implementations(CHAPTER, 0),
    "ben": implementations(CHAPTER, 1, {"relu_grad": "heaviside with 1 at 0"}),
    "cy": implementations(CHAPTER, 2, {"softmax": "naive", "relu": "float32"}),
    "dee": COPIED,
    "eve": COPIED,
    "fay": {f: insights_class.renamed_and_reformatted(s) for f, s in COPIED.items()},
    "stub": {},
}


STOPS, STOPS_AFTER = "gil", "test_relu"  # the reference's code, but the kernel exits after this test cell


def handed_in(course: Path, sources: dict[str, str]) -> dict[str, str]:
    """Every answer cell of the notebook: the student's, or the stub as released."""
    return {**answers.released(course, CHAPTER), **sources}


def released(course: Path):
    return sim.nbformat.read(course / "exercises" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)


def graded_checks(course: Path) -> list[str]:
    """The chapter's test cells with a registered check, as the course released them."""
    cells = [c.metadata.get("nbgrader", {}) for c in released(course).cells]
    return [c["grade_id"] for c in cells if c.get("grade") and find(c.get("grade_id", ""))]


def expected_verdicts(course: Path, sources: dict[str, str], tmp_path: Path) -> dict[str, str | None]:
    """check id -> the trusted judge's message on the student's functions, run directly."""
    namespace = kernel_namespace(CHAPTER, "\n\n".join(map(textwrap.dedent, handed_in(course, sources).values())))
    found = {}
    for check_id in graded_checks(course):
        record(check_id, namespace)
        found[check_id] = judge(find(check_id), json.loads((tmp_path / RECORD_DIR / f"{check_id}.json").read_text()),
                                load_reference(CHAPTER))
    return found


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = sim.course_with_chapters(tmp_path_factory.mktemp("graded"), CHAPTER)
    for student, sources in CLASS.items():
        sim.submit_file(course, student, CHAPTER,
                        nb=sim.replace_answers(released(course), handed_in(course, sources)))
    correct = sim.replace_answers(released(course), sim.solution_sources(CHAPTER))  # the reference's code
    sim.submit_file(course, STOPS, CHAPTER, nb=sim.with_cells_after(correct, STOPS_AFTER, "import os\nos._exit(1)"))
    done = subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *LIMITS, CHAPTER],
                          cwd=course, env=nbgrader_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    done = run(course, "insights")
    assert done.returncode == 0, done.stderr[-3000:]
    return course, BeautifulSoup((course / insights.PAGE_FILE).read_text(), "html.parser")


def test_graded_class_page_matches_the_judge(graded_class, tmp_path, monkeypatch):
    course, soup = graded_class
    monkeypatch.chdir(tmp_path)
    points = {c.metadata.nbgrader.grade_id: float(c.metadata.nbgrader.points) for c in released(course).cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    students = {row["student"]: row for row in csv_rows(course, "students")}
    on_page = {row["student"]: row for row in page_rows(soup, "students")}
    named = {(r["test cell"], r["mistake"]): set(r["who"].split()) for r in csv_rows(course, "mistakes")}
    unnamed = {r["test cell"]: set(r["who (unnamed)"].split()) for r in csv_rows(course, "failures")}
    expected_named: dict[tuple[str, str], set[str]] = {}
    expected_unnamed: dict[str, set[str]] = {}
    for student, sources in CLASS.items():
        messages = expected_verdicts(course, sources, tmp_path)
        score = sum(points[c] for c, message in messages.items() if message is None)
        check_number(on_page[student][CHAPTER], students[student][CHAPTER], score)
        for check_id, message in messages.items():
            mistake = next((m.name for m in find(check_id).mistakes if message and likely(m) in message), None)
            if mistake:
                expected_named.setdefault((check_id, mistake), set()).add(student)
            elif message and NOT_IMPLEMENTED not in message:
                expected_unnamed.setdefault(check_id, set()).add(student)
    assert named == expected_named
    assert {c: s for c, s in unnamed.items() if s} == expected_unnamed
    # What the class was built with: each wrong function's mistake, by its student.
    assert any("subgradient at 0 was taken as 1" in m and who == {"ben"} for (_, m), who in named.items())
    assert any("without subtracting the maximum" in m and who == {"cy"} for (_, m), who in named.items())
    assert any("logistic sigmoid was returned" in m and who == {"dee", "eve", "fay"} for (_, m), who in named.items())
    assert unnamed["test_relu"] == {"cy"}
    # The untouched notebook fails every check as not implemented.
    assert {r["test cell"] for r in csv_rows(course, "failures") if int(r["not implemented"]) >= 1} == \
        set(graded_checks(course))


def test_graded_class_a_notebook_that_stopped(graded_class):
    """The test cells after the kernel died did not run; the submission is flagged."""
    course, soup = graded_class
    checks = graded_checks(course)
    after = checks[checks.index(STOPS_AFTER) + 1:]
    did_not_run = {r["test cell"]: int(r["did not run"]) for r in csv_rows(course, "failures")}
    assert {c for c, n in did_not_run.items() if n} == set(after) and set(did_not_run.values()) <= {0, 1}
    [scores] = csv_rows(course, "scores")
    assert int(scores["flagged"]) == 1 and int(page_rows(soup, "scores")[0]["flagged"]) == 1
    verdicts = verdict_log.load(course, CHAPTER)[0][STOPS]
    assert verdicts.stopped and [v.check_id for v in verdicts.verdicts if v.passed] == [STOPS_AFTER]


def test_graded_class_copies_are_found_and_honest_students_are_not(graded_class):
    course, soup = graded_class
    pairs = {frozenset((r["student"], r["other student"])): float(r["score"])
             for r in csv_rows(course, "similar_pairs")}
    assert set(pairs) == {frozenset(p) for p in (("dee", "eve"), ("dee", "fay"), ("eve", "fay"))}
    assert min(pairs.values()) >= similarity.DEFAULT_THRESHOLD
    assert len(soup.find_all("div", class_="side-by-side")) == 3


def test_graded_class_scores_match_grades_csv(graded_class):
    course, soup = graded_class
    with open(course / "grades.csv") as file:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    students = {row["student"]: float(row[CHAPTER]) for row in csv_rows(course, "students")}
    assert students == exported
