"""Every trusted check passes on the reference, fails on the untouched stub
with a plain "not implemented yet", and names each known mistake."""
from __future__ import annotations

import numpy as np
import pytest

from dlcourse.release import chapters
from grader_tests.checks import Mistake, find
from grader_tests.judge import NOT_IMPLEMENTED, cases, first_match
from grader_tests.reference import load_reference
from conftest import reference_namespace, stub_namespace
import simulated_class as sim

CASES = [(chapter, check_id) for chapter in chapters() for check_id in sim.check_ids(chapter)]
MISTAKES = [(chapter, check_id, index) for chapter, check_id in CASES
            for index in range(len(find(check_id).mistakes))]


@pytest.mark.parametrize("chapter, check_id", CASES)
def test_reference_passes(verdict, chapter, check_id):
    assert verdict(chapter, check_id, reference_namespace(chapter)) is None


@pytest.mark.parametrize("chapter, check_id", CASES)
def test_untouched_stub_fails_plainly(verdict, chapter, check_id):
    message = verdict(chapter, check_id, stub_namespace(chapter))
    assert message is not None and NOT_IMPLEMENTED in message


@pytest.mark.parametrize("chapter, check_id, index", MISTAKES)
def test_known_mistake_is_named(verdict, chapter, check_id, index):
    check = find(check_id)
    mistake = check.mistakes[index]
    message = verdict(chapter, check_id, reference_namespace(chapter, **{check.function: mistake.implementation}))
    assert message is not None and f"Likely mistake: {mistake.name}." in message


def snapshot(value):
    """A comparable copy of a check's calls or outputs: arrays by bytes, rngs by state."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.random.Generator):
        return ("rng", repr(value.bit_generator.state))
    if isinstance(value, (tuple, list)):
        return tuple(snapshot(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, snapshot(item)) for key, item in sorted(value.items()))
    return ("value", repr(value))


@pytest.mark.parametrize("chapter, check_id", [case for case in CASES if find(case[1]).mistakes])
def test_judging_leaves_the_shared_reference_outputs_as_they_were(verdict, chapter, check_id):
    # Every submission a grading process judges reuses them (judge.cases).
    check = find(check_id)
    before = snapshot(cases(check, load_reference(chapter)))
    for mistake in check.mistakes:
        verdict(chapter, check_id, reference_namespace(chapter, **{check.function: mistake.implementation}))
    verdict(chapter, check_id, reference_namespace(chapter))
    assert snapshot(cases(check, load_reference(chapter))) == before


@pytest.mark.parametrize("chapter, check_id", CASES)
def test_every_check_can_diagnose(chapter, check_id):
    check = find(check_id)
    assert check.mistakes or check.judge, f"{check_id} names no mistake"


def test_every_graded_cell_has_a_check():
    for chapter in chapters():
        nb = sim.release_notebook(chapter)
        graded = [c.metadata.nbgrader.grade_id for c in nb.cells
                  if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
        assert graded and all(find(g) for g in graded), f"{chapter}: a graded cell without a check"


def test_first_match_skips_a_mistake_that_raises_and_never_touches_the_arguments():
    def doubles_in_place(x):
        x *= 2
        return x

    mistakes = (Mistake("raises", lambda x: 1 / 0), Mistake("doubles", doubles_in_place))
    args = (np.ones(3),)
    assert first_match(mistakes, args, lambda wrong: np.array_equal(wrong, [2.0, 2.0, 2.0])) is mistakes[1]
    assert np.array_equal(args[0], np.ones(3))
    assert first_match(mistakes, args, lambda wrong: False) is None
