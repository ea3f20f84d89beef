"""Chapter 2 judges beyond the names (students' implementations and the names
they get are in ``student_work/ch02_backprop.py``): what the feedback on
train_two_layer says, and the retracing of gradient descent across a ReLU
kink."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import kernel_namespace
from grader_tests.chapters.ch02_backprop import STUDY_INITS, _net, _retrace

HE = """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], {classes}
    params = (rng.normal(size=(D, hidden_size)) * np.sqrt(2 / D), np.zeros(hidden_size),
              rng.normal(size=(hidden_size, C)) * np.sqrt(2 / hidden_size), np.zeros(C))
    losses = []
    for step in range(num_steps):
        loss, grads = two_layer_loss(X, y, params)
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
        losses.append({recorded})
    return params, {returned}
"""


def he(classes="int(y.max()) + 1", recorded="loss", returned="np.array(losses)"):
    return HE.format(classes=classes, recorded=recorded, returned=returned)


@pytest.mark.parametrize("source, says", [
    (he(recorded="two_layer_loss(X, y, params)[0]"), "is the loss of the returned parameters, after the last step"),
    (he(classes="len(np.unique(y))"), "IndexError: index 3 is out of bounds"),  # class 1 has no example
    (he(returned="losses"), "losses is a list, not an np.ndarray"),
    (he().replace("rng.normal", "np.random.default_rng(0).normal"), "it never drew from its argument `rng`"),
    (he().replace("rng.normal(size=(D, hidden_size))", "np.ones((D, hidden_size))")
     .replace("rng.normal(size=(hidden_size, C))", "np.ones((hidden_size, C))"),
     "all hidden units have the same weights"),
    (he().replace("p - learning_rate * g", "p - learning_rate * g * (p.ndim == 2)"),
     "do not fit 3 steps of gradient descent"),
])
def test_training_feedback_says_what_is_wrong(verdict, source, says):
    message = verdict("02_backprop", "test_train_xor", kernel_namespace("02_backprop", source))
    assert message is not None and says in message and "Likely mistake" not in message, message


def test_retracing_follows_steps_across_a_relu_kink():
    """Seed 1: a pre-activation changes sign during the three steps, so two
    parameter sets lead to the last ones; the judge finds the one whose loss
    was recorded."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 3)), np.array([0, 2, 3, 0, 2, 3])
    params = STUDY_INITS["He (the reference)"](np.random.default_rng(1), 3, 5, 4)
    patterns, losses = [X @ params[0] + params[1] > 0], []
    for _ in range(3):
        loss, grads = _net(X, y, params)
        losses.append(loss)
        params = tuple(p - 0.01 * g for p, g in zip(params, grads))
        patterns.append(X @ params[0] + params[1] > 0)
    assert any((pattern != patterns[0]).any() for pattern in patterns)
    assert _retrace(X, y, params, np.array(losses), 0.01) is None
    assert _retrace(X, y, params, np.array(losses) * (1 + 1e-7), 0.01) == 2
