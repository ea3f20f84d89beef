"""Kernel side: chapter 5 (regularization), the grader-chosen inputs.

Penalties take a tuple of parameters such as (W1, b1, W2, b2), with shapes
that tell the weight matrices (2-D) from the biases (1-D).
"""
from __future__ import annotations

import numpy as np


# ---- penalties and the weight-decay step ----

def _params(rng, zeros=False):
    """(W1, b1, W2, b2) with shapes that tell weights from biases; optionally exact zeros."""
    d, h, c = rng.integers(2, 6, size=3)
    params = (rng.normal(size=(d, h)), rng.normal(size=(h,)), rng.normal(size=(h, c)), rng.normal(size=(c,)))
    if zeros:
        params[0][0, :] = 0.0  # where the L1 subgradient convention shows
        params[2][:, 0] = 0.0
    return params


def _penalty_calls(zeros):
    def calls(rng):
        return [(_params(rng, zeros), lam) for lam in (0.1, 2.5, 0.01)]
    return calls


def _sgd_calls(rng):
    calls = []
    for lr, wd in [(0.1, 0.01), (0.5, 0.2), (0.01, 1.0)]:
        params = _params(rng)
        calls.append((params, tuple(rng.normal(size=p.shape) for p in params), lr, wd))
    return calls


# ---- dropout ----

SHAPES = [(6, 5), (40, 30), (3, 7)]


def _dropout_calls(mode, ps=(0.5, 0.2, 0.8)):
    def calls(rng):
        return [(rng.normal(size=shape), p, mode, np.random.default_rng(rng.integers(1 << 30)))
                for shape, p in zip(SHAPES, ps)]
    return calls


def _dropout_backward_calls(rng):
    """(dout, mask): the mask as a forward pass returns it, 0 or 1/(1-p)."""
    calls = []
    for shape, p in zip(SHAPES, (0.5, 0.3, 0.75)):
        keep = rng.random(shape) >= p
        calls.append((rng.normal(size=shape), keep / (1.0 - p)))
    return calls


# ---- early stopping ----

# Validation losses with a known answer, then random walks.
HAND_CURVES = [
    ([1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9, 1.0], 3, 0.0),
    ([1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9, 1.0], 3, 0.02),
    ([1.0, 1.0, 1.0, 1.0, 1.0], 2, 0.0),
    ([5.0, 4.0, 3.0, 2.0, 1.0], 1, 0.0),
    ([1.0, 0.9, 0.95, 0.85, 0.9, 0.92, 0.8, 0.81, 0.82], 2, 0.0),
]


def _stopping_calls(rng):
    calls = [(np.array(curve), patience, delta) for curve, patience, delta in HAND_CURVES]
    for patience, delta in [(1, 0.0), (3, 0.01), (5, 0.0), (2, 0.05)]:
        curve = 1.0 + np.cumsum(rng.normal(-0.02, 0.05, size=30))
        calls.append((curve, patience, delta))
    return calls


# ---- label smoothing and noise ----

def _one_hot_calls(rng):
    calls = []
    for n, c, eps in [(4, 3, 0.1), (6, 10, 0.2), (1, 2, 0.5), (5, 4, 0.0)]:
        calls.append((np.eye(c)[rng.integers(0, c, size=n)], eps))
    return calls


def _noise_calls(rng):
    return [(rng.normal(size=shape), std, np.random.default_rng(rng.integers(1 << 30)))
            for shape, std in [((5, 3), 0.1), ((20,), 2.0), ((4, 4), 0.0), ((3, 2), 0.5)]]


# ---- training a small over-parameterised network ----

N_FEATURES, HIDDEN, STEPS, LEARNING_RATE = 30, 100, 1000, 0.02


def _regression(n, rng):
    X = rng.normal(size=(n, N_FEATURES))
    return X, X[:, :3] @ np.array([[1.0], [-1.0], [0.5]]) + rng.normal(size=(n, 1))


def _train_calls(weight_decay):
    def calls(rng):
        X, y = _regression(30, rng)
        X_val, y_val = _regression(200, rng)
        return [(X, y, X_val, y_val, HIDDEN, LEARNING_RATE, STEPS, weight_decay, 0.0,
                 np.random.default_rng(rng.integers(1 << 30)))]
    return calls


INPUTS = {
    "test_l2_penalty": ("l2_penalty", _penalty_calls(zeros=False)),
    "test_l1_penalty": ("l1_penalty", _penalty_calls(zeros=True)),
    "test_sgd_weight_decay": ("sgd_weight_decay_step", _sgd_calls),
    "test_dropout_forward_train": ("dropout_forward", _dropout_calls("train")),
    "test_dropout_forward_eval": ("dropout_forward", _dropout_calls("eval")),
    "test_dropout_backward": ("dropout_backward", _dropout_backward_calls),
    "test_early_stopping": ("early_stopping_epochs", _stopping_calls),
    "test_early_stopping_restore": ("early_stopping_restored", _stopping_calls),
    "test_smooth_labels": ("smooth_labels", _one_hot_calls),
    "test_add_gaussian_noise": ("add_gaussian_noise", _noise_calls),
    "test_train_fits": ("train_network", _train_calls(0.0)),
    "test_train_regularized": ("train_network", _train_calls(0.1)),
}
