"""Pairs of students whose answers to a chapter are suspiciously alike.

The comparison is copydetect's (https://github.com/blingenf/copydetect): the
code is tokenized, every name becomes one letter (renaming changes nothing),
comments and layout are dropped (reformatting changes nothing), and hashed
runs of ``NOISE`` tokens are winnowed into fingerprints. copydetect's
similarity of a student to another is the share of the student's
fingerprinted code that the other's fingerprints cover; the score of a pair
is the larger of the two, as copydetect flags a file when its similarity to
another is high: one who copied half the answers and left the rest
unanswered is found too.

Only what students wrote is compared (``grader_tests.insights.answers``
leaves out the released stubs and docstrings), cell after cell, each cell
tokenized once (``token_cache``). A fingerprint that many students share
(more than ``COMMON_SHARE`` of the class, and at least ``COMMON_MIN``
students) is dropped, as MOSS does: code that much of a class writes alike
is no sign of copying. An answer with less than ``MIN_CODE`` characters of
fingerprinted code is not compared.

A pair whose score reaches the threshold is a reason to look, not a verdict.

copydetect compares two answers at a time; to keep a class of hundreds fast,
pairs are screened first with a bound that never drops a pair that could
reach the threshold: a student's covered code is at most ``NOISE`` tokens
per fingerprint occurrence shared with the other, and those shared counts
come for every pair at once from one matrix product.
"""
from __future__ import annotations

import html
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import copydetect
import numpy as np
from copydetect import CodeFingerprint, compare_files
from copydetect.utils import filter_code, get_token_coverage, highlight_overlap

from grader_tests.insights import token_cache

NOISE = 25  # copydetect's defaults: fingerprints of 25 tokens,
GUARANTEE = 30  # every shared run of 30 is found
# Pygments' Python 2 lexer: five times faster than its Python 3 one. With
# every @ spaced out (both take `X@W` for a decorator and keep its name, so
# renaming would show), it filters every implementation in tests/student_work,
# and their renamed copies, as the Python 3 lexer does, but for f-strings,
# whose prefix counts as a name: alike for everyone.
LEXER = "python2"
FILTER_VERSION = f"copydetect {copydetect.__version__}, {LEXER}, spaced @"
DEFAULT_THRESHOLD = 0.8
COMMON_SHARE = 0.05
COMMON_MIN = 10
MIN_CODE = 2 * NOISE
COLUMNS_AT_ONCE = 4096  # fingerprints per block of the screening product


@dataclass(frozen=True)
class Answer:
    """What one student wrote in a chapter: (answer cell's grade id, code), in notebook order."""
    cells: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        # A comment names each cell for the reader; copydetect drops comments.
        return "\n".join(f"# ---- {grade_id} ----\n{code}" for grade_id, code in self.cells)


@dataclass(frozen=True)
class Pair:
    chapter: str
    first: str
    second: str
    score: float  # the larger of the two similarities
    first_similarity: float  # share of the first student's code found in the second's
    second_similarity: float
    first_answer: Answer
    second_answer: Answer


def filtered_code(code: str) -> str:
    """copydetect's filtered code: each name one letter, no comments or layout."""
    return filter_code(code.replace("@", " @ "), "answer.py", LEXER)[0]


def fingerprint(name: str, code: str, filtered: bool = False) -> CodeFingerprint:
    """copydetect's fingerprint of code, or of code it has already filtered."""
    return CodeFingerprint(name, NOISE, GUARANTEE - NOISE + 1, fp=io.StringIO(code), language=LEXER,
                           filter=not filtered)


def without(print_: CodeFingerprint, common: set) -> CodeFingerprint:
    """The fingerprint less the fingerprints many students share."""
    print_.hash_idx = {h: i for h, i in print_.hash_idx.items() if h not in common}
    print_.hashes = set(print_.hash_idx)
    print_.token_coverage = get_token_coverage(print_.hash_idx, NOISE, len(print_.filtered_code))
    return print_


def common_limit(students: int) -> int:
    return max(COMMON_MIN, int(COMMON_SHARE * students))


def candidates(prints: list[CodeFingerprint], threshold: float) -> list[tuple[int, int]]:
    """Pairs (i < j) whose copydetect score can reach ``threshold``."""
    counts = Counter(h for p in prints for h in p.hashes)
    shared = [h for h, n in counts.items() if n > 1]
    coverage = np.array([p.token_coverage for p in prints], dtype=np.float64)
    bound = np.zeros((len(prints), len(prints)))
    for start in range(0, len(shared), COLUMNS_AT_ONCE):
        column = {h: c for c, h in enumerate(shared[start:start + COLUMNS_AT_ONCE])}
        occurrences = np.zeros((len(prints), len(column)), dtype=np.float32)
        for row, p in enumerate(prints):
            for h in p.hashes & column.keys():
                occurrences[row, column[h]] = len(p.hash_idx[h])
        bound += occurrences @ (occurrences > 0).T.astype(np.float32)
    # bound[i, j]: occurrences of i's fingerprints that j has too.
    reach = NOISE * bound >= threshold * coverage[:, None] - 1e-6
    either = np.triu(reach | reach.T, k=1)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(either))]


def similar_pairs(chapter: str, answers: dict[str, Answer], threshold: float = DEFAULT_THRESHOLD,
                  cache: Path | None = None) -> list[Pair]:
    """The pairs of students whose score reaches ``threshold``, highest first.
    ``cache``: the folder that keeps the cells' filtered code between builds."""
    if not 0 < threshold <= 1:
        raise ValueError("the similarity threshold is a share between 0 (excluded) and 1")
    cells = {code for answer in answers.values() for _, code in answer.cells}
    filtered = (token_cache.filtered(cache, chapter, cells, filtered_code, FILTER_VERSION) if cache is not None
                else {code: filtered_code(code) for code in cells})
    prints = [fingerprint(student, "".join(filtered[code] for _, code in answer.cells), filtered=True)
              for student, answer in sorted(answers.items())]
    counts = Counter(h for p in prints for h in p.hashes)
    common = {h for h, n in counts.items() if n > common_limit(len(answers))}
    kept = [p for p in (without(p, common) for p in prints) if p.token_coverage >= MIN_CODE]
    pairs = []
    for i, j in candidates(kept, threshold):
        _, (first, second), _ = compare_files(kept[i], kept[j])
        if max(first, second) >= threshold:
            a, b = kept[i].filename, kept[j].filename
            pairs.append(Pair(chapter, a, b, float(max(first, second)), float(first), float(second),
                              answers[a], answers[b]))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def side_by_side(pair: Pair) -> tuple[str, str]:
    """Both answers as HTML, escaped, with the code they share in <mark>
    (found on the code as written, so an unspaced @ may go unmarked)."""
    first, second = fingerprint(pair.first, pair.first_answer.text), fingerprint(pair.second, pair.second_answer.text)
    _, _, slices = compare_files(first, second)
    return tuple(highlight_overlap(p.raw_code, s, "<mark>", "</mark>", escape_html=True)[0] if len(s[0])
                 else html.escape(p.raw_code) for p, s in zip((first, second), slices))
