"""Kernel side: chapter 5 (regularization), the grader-chosen inputs.

Penalties take a tuple of parameters such as (W1, b1, W2, b2), with shapes
that tell the weight matrices (2-D) from the biases (1-D); one call lists
them in another order, so that only the shapes can tell them apart.
"""
from __future__ import annotations

import numpy as np


def _generator(rng):
    """A fresh generator for one call, seeded from the check's stream."""
    return np.random.default_rng(rng.integers(1 << 30))


# ---- penalties and the weight-decay step ----

def _params(rng, zeros=False):
    """(W1, b1, W2, b2) with shapes that tell weights from biases; optionally exact zeros."""
    d, h, c = rng.integers(2, 6, size=3)
    params = (rng.normal(size=(d, h)), rng.normal(size=(h,)), rng.normal(size=(h, c)), rng.normal(size=(c,)))
    if zeros:
        params[0][0, :] = 0.0  # where the L1 subgradient convention shows
        params[2][:, 0] = 0.0
    return params


def _reordered(params):
    """(W1, W2, b2): the weights are not every other parameter."""
    return params[0], params[2], params[3]


def _penalty_calls(zeros):
    def calls(rng):
        made = [(_params(rng, zeros), lam) for lam in (0.1, 2.5, 0.01)]
        made.append((_reordered(_params(rng, zeros)), 0.7))
        made.append((_params(rng, zeros), 0.0))  # lam = 0, the edge of lam >= 0
        return made
    return calls


def _sgd_calls(rng):
    calls = []
    for lr, wd, order in [(0.1, 0.01, tuple), (0.5, 0.2, tuple), (0.01, 1.0, tuple), (0.3, 0.0, tuple),
                          (0.2, 0.5, _reordered)]:
        params = order(_params(rng))
        calls.append((params, tuple(rng.normal(size=p.shape) for p in params), lr, wd))
    return calls


# ---- dropout ----

SHAPES = [(6, 5), (40, 30), (3, 7)]


def _dropout_calls(mode):
    def calls(rng):
        made = [(rng.normal(size=shape), p, mode, _generator(rng)) for shape, p in zip(SHAPES, (0.5, 0.2, 0.8))]
        made.append((rng.normal(size=(4, 5)), 0.0, mode, _generator(rng)))  # p = 0 keeps every unit
        # A 3-D x, and p equal to one of its draws u = rng.random(x.shape): that unit is kept (u >= p).
        seed = rng.integers(1 << 30)
        u = np.random.default_rng(seed).random((2, 3, 5))
        p = float(u.flat[np.argmin(np.abs(u - 0.5))])
        made.append((rng.normal(size=(2, 3, 5)), p, mode, np.random.default_rng(seed)))
        return made
    return calls


def _dropout_backward_calls(rng):
    """(dout, mask): the mask as a forward pass returns it, 0 or 1/(1-p)."""
    calls = []
    for shape, p in zip(SHAPES + [(4, 5)], (0.5, 0.3, 0.75, 0.0)):
        keep = rng.random(shape) >= p
        calls.append((rng.normal(size=shape), keep / (1.0 - p)))
    return calls


# ---- early stopping ----

# Validation losses with a known answer, then random walks. In the last curve,
# epochs 1 and 4 beat the best loss by exactly min_delta (binary fractions, no
# rounding), which is not an improvement.
HAND_CURVES = [
    ([1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9, 1.0], 3, 0.0),
    ([1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9, 1.0], 3, 0.02),
    ([1.0, 1.0, 1.0, 1.0, 1.0], 2, 0.0),
    ([5.0, 4.0, 3.0, 2.0, 1.0], 1, 0.0),
    ([1.0, 0.9, 0.95, 0.85, 0.9, 0.92, 0.8, 0.81, 0.82], 2, 0.0),
    ([1.0, 0.75, 0.5, 0.5, 0.25, 0.125], 2, 0.25),
]


def _stopping_calls(rng):
    calls = [(np.array(curve), patience, delta) for curve, patience, delta in HAND_CURVES]
    for patience, delta in [(1, 0.0), (3, 0.01), (5, 0.0), (2, 0.05)]:
        curve = 1.0 + np.cumsum(rng.normal(-0.02, 0.05, size=30))
        calls.append((curve, patience, delta))
    return calls


def _stopping_calls_from_no_epoch(rng):
    # No epoch yet: best_loss is inf and best_epoch -1 (nothing to restore).
    return [(np.array([]), 2, 0.0)] + _stopping_calls(rng)


# ---- label smoothing and noise ----

def _one_hot_calls(rng):
    calls = []
    for n, c, eps in [(4, 3, 0.1), (6, 10, 0.2), (1, 2, 0.5), (5, 4, 0.0), (3, 5, 1.0)]:
        calls.append((np.eye(c)[rng.integers(0, c, size=n)], eps))
    return calls


def _noise_calls(rng):
    return [(rng.normal(size=shape), std, _generator(rng))
            for shape, std in [((5, 3), 0.1), ((20,), 2.0), ((4, 4), 0.0), ((3, 2), 0.5)]]


# ---- training a small over-parameterised network ----

N_FEATURES, HIDDEN = 30, 100
# The runs the training checks make, by name: (num_steps, learning_rate,
# weight_decay, dropout_p). The grader judges each by its name.
RUNS = {
    "last_step": (3, 0.02, 0.0, 0.0),  # short: the last step still changes the losses
    "gradient": (2, 1e-8, 0.0, 0.0),  # one loss drop, learning_rate * |gradient|**2 to first order
    "fit": (1000, 0.02, 0.0, 0.0),
    "eval_losses": (5, 1e-9, 0.1, 0.5),  # the weights barely move: every loss is the final weights'
    "dropout": (200, 0.02, 0.0, 0.5),
    "decay": (1000, 0.02, 0.1, 0.0),
}


def _regression(n, rng):
    X = rng.normal(size=(n, N_FEATURES))
    return X, X[:, :3] @ np.array([[1.0], [-1.0], [0.5]]) + rng.normal(size=(n, 1))


def _run(name, rng):
    """One run on its own data: 30 training and 30 validation examples (the
    loss of every step is recorded on both, so the sets are kept small)."""
    steps, lr, weight_decay, dropout_p = RUNS[name]
    X, y = _regression(30, rng)
    X_val, y_val = _regression(30, rng)
    return (X, y, X_val, y_val, HIDDEN, lr, steps, weight_decay, dropout_p, _generator(rng))


def _train_calls(*names):
    """The runs ``names``, short ones first: a failure found there is cheaper to diagnose."""
    return lambda rng: [_run(name, rng) for name in names]


INPUTS = {
    "test_l2_penalty": ("l2_penalty", _penalty_calls(zeros=False)),
    "test_l1_penalty": ("l1_penalty", _penalty_calls(zeros=True)),
    "test_sgd_weight_decay": ("sgd_weight_decay_step", _sgd_calls),
    "test_dropout_forward_train": ("dropout_forward", _dropout_calls("train")),
    "test_dropout_forward_eval": ("dropout_forward", _dropout_calls("eval")),
    "test_dropout_backward": ("dropout_backward", _dropout_backward_calls),
    "test_early_stopping": ("early_stopping_epochs", _stopping_calls_from_no_epoch),
    "test_early_stopping_restore": ("early_stopping_restored", _stopping_calls),
    "test_smooth_labels": ("smooth_labels", _one_hot_calls),
    "test_add_gaussian_noise": ("add_gaussian_noise", _noise_calls),
    "test_train_fits": ("train_network", _train_calls("last_step", "gradient", "fit")),
    "test_train_regularized": ("train_network", _train_calls("eval_losses", "dropout", "decay")),
}
