"""Kernel side: chapter 1 (non-linearity), the grader-chosen inputs."""
from __future__ import annotations

import numpy as np

# Exact zeros (both signs), tiny and huge magnitudes: where conventions and
# numerical stability show.
EDGES = np.array([-1e4, -800.0, -50.0, -1.0, -1e-300, -0.0, 0.0, 1e-300, 1.0, 50.0, 800.0, 1e4])
ALPHAS = (0.01, 0.2, 1.5)
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _arrays(rng):
    """Random shapes and values, then the edge cases."""
    return [rng.normal(scale=3.0, size=(5, 7)), rng.normal(size=(2, 3, 4)),
            rng.normal(scale=0.1, size=(9,)), EDGES.copy()]


def _array_calls(rng):
    return [(a,) for a in _arrays(rng)]


def _moderate(rng):
    """Values where every correct formula is accurate (|x| <= 30)."""
    return [(a,) for a in [rng.normal(scale=3.0, size=(5, 7)), rng.normal(size=(2, 3, 4)),
                           np.array([-30.0, -2.0, -0.0, 0.0, 0.5, 30.0])]]


def _extremes(rng):
    # Also each sign on its own: which formula overflows on which side tells
    # the unstable ways to compute the sigmoid (and SiLU) apart.
    return [(EDGES.copy(),), (EDGES[EDGES < 0],), (EDGES[EDGES > 0],),
            (rng.normal(scale=500.0, size=(4, 6)),)]


def _with_alpha(rng):
    return [(x, alpha) for x, alpha in zip(_arrays(rng), ALPHAS * 2)]


def _logits(rng):
    return [(rng.normal(scale=2.0, size=(4, 5)),), (rng.normal(size=(6,)),),
            (rng.normal(size=(2, 3, 4)),), (np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]),)]


def _large_logits(rng):
    return [(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]),),
            (rng.normal(size=(3, 4)) * 50 + 900,),
            (np.array([-1e4, -1e4 + 1.0]),),
            # Rows far apart: each row needs its own maximum subtracted.
            (np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]]),)]


def _maxout_calls(rng):
    calls = []
    for n, d, m, k in [(4, 3, 2, 3), (6, 5, 4, 2), (1, 2, 3, 4)]:
        calls.append((rng.normal(size=(n, d)), rng.normal(size=(k, d, m)), rng.normal(size=(k, m))))
    # Ties: two identical pieces, and an input of zeros where only the biases count.
    w = rng.normal(size=(3, 2, 2))
    w[1] = w[0]
    calls.append((np.vstack([rng.normal(size=(2, 2)), np.zeros((1, 2))]), w, np.zeros((3, 2))))
    return calls


def _collapse_calls(rng):
    return [(rng.normal(size=(d, h)), rng.normal(size=(h,)), rng.normal(size=(h, m)), rng.normal(size=(m,)))
            for d, h, m in [(8, 9, 4), (3, 3, 3), (1, 5, 2)]]


def _threshold_calls(rng):
    grid = np.linspace(-2.0, 2.0, 9)
    random_points = rng.normal(size=(12, 2))
    random_labels = (rng.random(12) < 0.5).astype(np.float64)
    return [(XOR_X, np.array([0.0, 1.0, 1.0, 0.0]), grid),
            (XOR_X, np.array([0.0, 0.0, 0.0, 1.0]), grid),
            (random_points, random_labels, np.linspace(-1.0, 1.0, 5)),
            # AND reaches 1.0 only with w1 = w2 = 1 and b = -1 (both ends of the
            # grid), where (0, 1) and (1, 0) score exactly 0: predicted 0, strictly.
            (XOR_X, np.array([0.0, 0.0, 0.0, 1.0]), np.array([-1.0, 0.0, 1.0]))]


def _no_arguments(rng):
    return [()]


INPUTS = {
    "test_relu": ("relu", _array_calls),
    "test_relu_grad": ("relu_grad", _array_calls),
    "test_sigmoid_values": ("sigmoid", _moderate),
    "test_sigmoid_stable": ("sigmoid", _extremes),
    "test_sigmoid_grad": ("sigmoid_grad", _moderate),
    "test_tanh": ("tanh", _array_calls),
    "test_tanh_grad": ("tanh_grad", _moderate),
    "test_leaky_relu": ("leaky_relu", _with_alpha),
    "test_leaky_relu_grad": ("leaky_relu_grad", _with_alpha),
    "test_elu": ("elu", _with_alpha),
    "test_elu_grad": ("elu_grad", _with_alpha),
    "test_gelu": ("gelu", _array_calls),
    "test_gelu_grad": ("gelu_grad", _array_calls),
    "test_silu_values": ("silu", _moderate),
    "test_silu_stable": ("silu", _extremes),
    "test_silu_grad": ("silu_grad", _moderate),
    "test_softmax_values": ("softmax", _logits),
    "test_softmax_stable": ("softmax", _large_logits),
    "test_maxout": ("maxout", _maxout_calls),
    "test_collapse_linear": ("collapse_linear", _collapse_calls),
    "test_threshold_unit": ("threshold_unit_best_accuracy", _threshold_calls),
    "test_xor_network": ("xor_network", _no_arguments),
}
