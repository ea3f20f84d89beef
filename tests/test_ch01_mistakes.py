"""Wrong implementations written the way students write them (not taken from
the grader's own list) fail, and the feedback names the mistake."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import reference_namespace

WRONG = [
    ("test_relu", "relu", "def f(x):\n    return np.abs(x)", "negative inputs were kept"),
    ("test_relu_grad", "relu_grad", "def f(x):\n    return np.heaviside(x, 1.0)", "subgradient at 0 was taken as 1"),
    ("test_relu_grad", "relu_grad", "def f(x):\n    return np.heaviside(x, 0.5)", "subgradient at 0 was taken as 0.5"),
    ("test_sigmoid_stable", "sigmoid", "def f(x):\n    return np.reciprocal(1.0 + np.exp(-x))", "naive sigmoid overflow"),
    ("test_sigmoid_grad", "sigmoid_grad", "def f(s):\n    return s - s * s", "evaluated on the activation's output"),
    ("test_tanh_grad", "tanh_grad", "def f(t):\n    return 1 - t * t", "evaluated on the activation's output"),
    ("test_leaky_relu", "leaky_relu", "def f(x, a):\n    return np.where(x <= 0, x, a * x)", "alpha was applied on the positive side"),
    ("test_leaky_relu_grad", "leaky_relu_grad", "def f(x, a):\n    return np.where(x < 0, a, 1.0)", "derivative at 0 was taken as 1"),
    ("test_elu", "elu", "def f(x, a):\n    return x * (x > 0) + a * x * (x <= 0)", "alpha * x instead of alpha * (exp(x) - 1)"),
    ("test_elu_grad", "elu_grad", "def f(x, a):\n    return np.where(x > 0, 1.0, a)", "alpha * exp(x), not alpha"),
    ("test_softmax_stable", "softmax", "def f(z):\n    e = np.exp(z)\n    return e / np.sum(e, axis=-1, keepdims=True)", "without subtracting the maximum"),
    ("test_softmax_values", "softmax", "def f(z):\n    e = np.exp(z - z.max(0))\n    return e / e.sum(0)", "over the first axis"),
    ("test_maxout", "maxout", "def f(x, W, b):\n    return np.max([x @ w for w in W], axis=0)", "biases b were left out"),
    ("test_collapse_linear", "collapse_linear", "def f(W1, b1, W2, b2):\n    return W1 @ W2, b2", "first bias was left out"),
    ("test_threshold_unit", "threshold_unit_best_accuracy",
     "def f(X, y, g):\n    return float(np.mean([np.mean(((X @ [a, c] + b) > 0) == y) for a in g for c in g for b in g]))",
     "averaged over the grid"),
    ("test_xor_network", "xor_network",
     "def f():\n    return np.eye(2), np.zeros(2), np.ones((2, 1)), np.array([-0.5])", "(OR)"),
    ("test_xor_network", "xor_network",
     "def f():\n    return np.eye(2), np.zeros(2), np.ones(2), np.array([-0.5])", "expected (2, H), (H,), (H, 1), (1,)"),
]


@pytest.mark.parametrize("check_id, function, source, phrase", WRONG)
def test_wrong_implementation_fails_with_its_diagnosis(verdict, check_id, function, source, phrase):
    namespace = {"np": np}
    exec(source, namespace)
    message = verdict("01_nonlinearity", check_id, reference_namespace("01_nonlinearity", **{function: namespace["f"]}))
    assert message is not None and phrase in message, message
