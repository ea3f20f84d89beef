"""Who made which named mistake, and where the grader could not say why.

Counted from the verdicts ``TrustedExecute`` recorded
(``grader_tests.verdict_log``), for the students who have a submission of
the chapter in the gradebook. Each named mistake links to the chapter's
reading page in the built book and to the part of the exercise page that
holds the failed test (see ``book_links``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from grader_tests import verdict_log
from grader_tests.checks import find


@dataclass(frozen=True)
class MistakeCount:
    chapter: str
    check_id: str
    function: str
    mistake: str
    advice: str
    students: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class CheckFailures:
    """How the submissions that failed one check failed it."""
    chapter: str
    check_id: str
    function: str
    named: int
    unnamed: tuple[str, ...]  # the students the grader could not say why for
    not_implemented: int
    did_not_run: int


def advice(check_id: str, name: str) -> str:
    return next((m.advice for m in find(check_id).mistakes if m.name == name), "")


def tally(chapter: str, verdicts: dict[str, verdict_log.Submission],
          students: list[str]) -> tuple[list[MistakeCount], list[CheckFailures]]:
    """Named mistakes, most frequent first; and every check that someone failed."""
    made: dict[tuple[str, str], list[str]] = defaultdict(list)
    outcomes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    order: dict[str, int] = {}  # checks in notebook order, as the verdicts list them
    for student in students:
        if student not in verdicts:
            continue
        for verdict in verdicts[student].verdicts:
            order.setdefault(verdict.check_id, len(order))
            outcomes[verdict.check_id][verdict.outcome].append(student)
            if verdict.outcome == verdict_log.MISTAKE:
                made[verdict.check_id, verdict.mistake].append(student)
    counts = [MistakeCount(chapter, check_id, find(check_id).function, name, advice(check_id, name),
                           tuple(sorted(who)))
              for (check_id, name), who in made.items()]
    counts.sort(key=lambda m: (-m.count, order[m.check_id], m.mistake))
    failures = [CheckFailures(chapter, check_id, find(check_id).function,
                              len(outcomes[check_id][verdict_log.MISTAKE]),
                              tuple(sorted(outcomes[check_id][verdict_log.UNNAMED])),
                              len(outcomes[check_id][verdict_log.NOT_IMPLEMENTED]),
                              len(outcomes[check_id][verdict_log.DID_NOT_RUN]))
                for check_id in sorted(outcomes, key=order.get)
                if set(outcomes[check_id]) - {verdict_log.PASSED}]
    return counts, failures
