"""What chapter 1's feedback says beyond a mistake's name: the XOR judge
describes the network it ran. Named mistakes are tested with the students'
implementations in ``student_work/ch01_nonlinearity.py``."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import reference_namespace
from grader_tests.judge import LIKELY

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
