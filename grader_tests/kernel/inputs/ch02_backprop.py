"""Kernel side: chapter 2 (back-propagation), the grader-chosen inputs.

Three checks pass the student a function to differentiate (the loss objects
below). ``find_wrong_gradient`` gets gradients computed in advance
(``precomputed``), since computing them here would put a backward pass within
the student's reach.
"""
from __future__ import annotations

import numpy as np

from grader_tests.kernel.inputs.precomputed import PLANTED_GRADIENTS

# Shapes with N != D != M so that a transposed or unsummed gradient has the
# wrong shape, plus one square case where only the values can tell.
SHAPES = [(4, 3, 5), (7, 2, 3), (1, 6, 2), (3, 3, 3)]


def _affine_calls(rng):
    return [(rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(m,))) for n, d, m in SHAPES]


def _affine_backward_calls(rng):
    return [(rng.normal(size=(n, m)), (rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(m,))))
            for n, d, m in SHAPES]


def _activation_calls(rng, zeros=True):
    z = rng.normal(scale=2.0, size=(5, 4))
    if zeros:
        z[0, :2] = 0.0  # exact zeros: where relu's subgradient convention shows
    return [(rng.normal(size=(5, 4)), z), (rng.normal(size=(3,)), rng.normal(size=(3,)))]


def _activation_calls_without_zeros(rng):
    return _activation_calls(rng, zeros=False)


def _softmax_calls(rng):
    calls = [(rng.normal(scale=2.0, size=(n, c)), rng.integers(0, c, size=n)) for n, c in [(5, 3), (8, 4), (2, 6)]]
    calls.append((np.array([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]]), np.array([2, 1])))
    return calls


def _params(rng, d, h, c, scale=1.0):
    return (rng.normal(scale=scale, size=(d, h)), rng.normal(scale=scale, size=(h,)),
            rng.normal(scale=scale, size=(h, c)), rng.normal(scale=scale, size=(c,)))


def _net_calls(sizes):
    def calls(rng):
        return [(rng.normal(size=(n, d)), rng.integers(0, c, size=n), _params(rng, d, h, c)) for n, d, h, c in sizes]
    return calls


# ---- numerical gradients: scalar functions of an array ----

class ScalarFunction:
    """A scalar function of an array: a cubic, a sum of sines or log-sum-exp."""

    def __init__(self, kind, c):
        self.kind, self.c = kind, c

    def __call__(self, x):
        if self.kind == "cubic":
            return float(np.sum(x ** 3) + np.sum(self.c * x))
        if self.kind == "sin":
            return float(np.sum(self.c * np.sin(x)))
        m = x.max()
        return float(m + np.log(np.sum(np.exp(x - m))))  # log-sum-exp


def _fn_cases(rng):
    return [(ScalarFunction("cubic", rng.normal(size=(3, 4))), rng.normal(size=(3, 4))),
            (ScalarFunction("sin", rng.normal(size=(5,))), rng.normal(scale=2.0, size=(5,))),
            (ScalarFunction("lse", None), rng.normal(size=(2, 3, 2)))]


def _numgrad_calls(rng):
    return [case + (h,) for case, h in zip(_fn_cases(rng), (1e-3, 1e-2, 1e-3))]


def _rel_error_calls(rng):
    a = rng.normal(size=(4, 3))
    b = a + rng.normal(scale=1e-3, size=(4, 3))
    zeros = np.zeros((2, 2))
    # With floor 1e-3 the first entry's denominator is the floor: 0.1, not 1.0.
    small = (np.array([0.0, 2e-4, 1.0]), np.array([1e-4, 2e-4, 1.1]), 1e-3)
    return [(a, b), (zeros, zeros.copy()), (np.array([0.0, 1e-12, 1.0]), np.array([0.0, 0.0, 1.0 + 1e-9])),
            (a, a.copy(), 1e-3), small]


# ---- find the planted bug: sigmoid networks with wrong gradients ----

# Per network, in the order of ``PLANTED_GRADIENTS``: the loss's scale and the
# (h, tol) passed, () for the defaults. Which gradients are wrong is the
# grader's. The last four networks exercise the ranking, tol, h and the
# relative error: two wrong gradients (the larger error is not the first key);
# one gradient 0.5% off, within tol = 0.01 however the error is taken;
# gradients that are central differences with h = 0.2, right for that h only;
# gradients of about 1e-7 (loss scaled by 1e-6), one of them wrong although
# every absolute error is below tol.
PLANTED_OPTIONS = ((1.0, ()), (1.0, ()), (1.0, ()), (1.0, ()), (1.0, ()),
                   (1.0, ()), (1.0, (1e-5, 1e-2)), (1.0, (0.2,)), (1e-6, ()))


class SigmoidNetLoss:
    """``scale`` times the mean softmax cross-entropy of a 2-layer sigmoid
    network, as a function of its parameters {"W1", "b1", "W2", "b2"}."""

    def __init__(self, X, y, scale=1.0):
        self.X, self.y, self.scale = X, y, scale

    def __call__(self, params):
        a1 = 0.5 * (1.0 + np.tanh(0.5 * (self.X @ params["W1"] + params["b1"])))
        scores = a1 @ params["W2"] + params["b2"]
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return self.scale * float((-np.log(p[np.arange(scores.shape[0]), self.y])).mean())


def planted_networks(rng):
    """(X, y, params) of each network, in the order of ``PLANTED_GRADIENTS``."""
    networks = []
    for _ in PLANTED_OPTIONS:
        X = rng.normal(size=(5, 3))
        y = rng.integers(0, 3, size=5)
        params = {"W1": rng.normal(size=(3, 3)), "b1": rng.normal(size=(3,)),
                  "W2": rng.normal(size=(3, 3)), "b2": rng.normal(size=(3,))}
        networks.append((X, y, params))
    return networks


def _planted_calls(rng):
    return [(SigmoidNetLoss(X, y, scale), params, {name: np.array(value) for name, value in grads.items()}) + options
            for (X, y, params), grads, (scale, options)
            in zip(planted_networks(rng), PLANTED_GRADIENTS, PLANTED_OPTIONS, strict=True)]


# ---- training: a few retraced steps, then a long run judged by accuracy ----

def _spiral(n_per_class, n_classes, rng, noise=0.2):
    X = np.zeros((n_per_class * n_classes, 2))
    y = np.repeat(np.arange(n_classes), n_per_class)
    for k in range(n_classes):
        r = np.linspace(0.0, 1.0, n_per_class)
        theta = np.linspace(k * 4.0, (k + 1) * 4.0, n_per_class) + rng.normal(scale=noise, size=n_per_class)
        X[y == k] = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return X, y


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def _steps_call(rng, n, d, labels, hidden):
    """A few small steps on random data: the grader retraces them from the
    returned parameters back to the start, whatever the initialization."""
    y = rng.choice(labels, size=n)
    y[:len(labels)] = labels  # every listed label occurs
    return (rng.normal(size=(n, d)), y, hidden, 1e-3, 3, np.random.default_rng(rng.integers(1000)))


# Hidden sizes, learning rates and step counts with which every common
# initialization reaches the required accuracy (margins in the grader's
# threshold_study).
def _xor_calls(rng):
    # Labels 0, 2, 3: class 1 has no example, but C = y.max() + 1 = 4.
    return [_steps_call(rng, 6, 3, [0, 2, 3], 5),
            (XOR_X.copy(), XOR_Y.copy(), 32, 0.5, 500, np.random.default_rng(rng.integers(1000)))]


def _spiral_calls(rng):
    X, y = _spiral(50, 3, rng)
    return [_steps_call(rng, 4, 2, [0, 1], 3),
            (X, y, 64, 2.0, 1000, np.random.default_rng(rng.integers(1000)))]


INPUTS = {
    "test_affine_forward": ("affine_forward", _affine_calls),
    "test_affine_backward": ("affine_backward", _affine_backward_calls),
    "test_relu_backward": ("relu_backward", _activation_calls),
    "test_sigmoid_backward": ("sigmoid_backward", _activation_calls_without_zeros),
    "test_softmax_cross_entropy": ("softmax_cross_entropy", _softmax_calls),
    "test_two_layer_loss": ("two_layer_loss", _net_calls([(4, 3, 5, 2), (6, 2, 4, 3), (1, 4, 3, 5)])),
    "test_two_layer_grads": ("two_layer_loss", _net_calls([(10, 5, 7, 4), (3, 3, 3, 3), (25, 2, 16, 3)])),
    "test_numerical_gradient": ("numerical_gradient", _numgrad_calls),
    "test_numerical_gradient_default_h": ("numerical_gradient", _fn_cases),
    "test_rel_error": ("rel_error", _rel_error_calls),
    "test_find_wrong_gradient": ("find_wrong_gradient", _planted_calls),
    "test_train_xor": ("train_two_layer", _xor_calls),
    "test_train_spiral": ("train_two_layer", _spiral_calls),
}
