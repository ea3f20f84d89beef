"""What chapter 1's feedback says beyond a mistake's name: the XOR judge
describes the network it ran. Named mistakes are tested with the students'
implementations in ``student_work/ch01_nonlinearity.py``, and every mistake
the grader can name is met by one of them."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import reference_namespace
from grader_tests.checks import find
from grader_tests.judge import LIKELY
from grader_tests.kernel.inputs.ch01_nonlinearity import INPUTS
from student_work import ch01_nonlinearity

XOR = [
    ("return np.eye(2), np.zeros(2), np.ones((2, 1)), np.array([-0.5])", "predicts [0, 1, 1, 1] (OR)"),
    ("return np.eye(2), np.zeros(2), np.ones(2), np.array([-0.5])", "expected (2, H), (H,), (H, 1), (1,)"),
    ("return np.eye(2, dtype=int), np.zeros(2), np.ones((2, 1)), np.array([-0.5])",
     "W1 has dtype int64, expected float64"),
    ("return [np.eye(2), [0.0, 0.0], np.ones((2, 1)), np.array([-0.5])]", "b1 is a list, expected a numpy array"),
    ("return [np.eye(2), np.zeros(2), np.ones((2, 1))]", "returned a list of 3 values"),
    ("return np.eye(2)", "returned a single value"),
    # relu(x1 - x2) + relu(x2 - x1) - 1 is 0 on (0, 1) and (1, 0): class 0, strictly.
    ("return np.array([[1.0, -1.0], [-1.0, 1.0]]), np.zeros(2), np.ones((2, 1)), np.array([-1.0])",
     "a score of exactly 0 predicts class 0"),
]


@pytest.mark.parametrize("body, phrase", XOR)
def test_the_xor_judge_says_what_the_network_does(verdict, body, phrase):
    namespace = {"np": np}
    exec(f"def xor_network():\n    {body}", namespace)
    message = verdict("01_nonlinearity", "test_xor_network", reference_namespace("01_nonlinearity", **namespace))
    assert message is not None and phrase in message and LIKELY not in message, message


def test_every_named_mistake_is_met_by_a_students_implementation():
    """Graded through the real recorder and judge in ``test_student_work``, so
    each name is known to fit how students write it (GELU's tanh approximation,
    the missing x * phi(x) term, SiLU's overflow and its product rule among them)."""
    named = [(case.function, case.mistake) for case in ch01_nonlinearity.WRONG if case.mistake]
    unmet = sorted({f"{check.function}: {mistake.name}" for check in map(find, INPUTS) for mistake in check.mistakes
                    if not any(function == check.function and phrase in mistake.name for function, phrase in named)})
    assert not unmet, "\n".join(unmet)
