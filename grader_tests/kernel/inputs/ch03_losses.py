"""Kernel side: chapter 3 (loss functions), the grader-chosen inputs.

Inputs include the cases where careless code breaks: exact zero residuals
(MAE's kink, RMSE's 0 / 0), probabilities of exactly 0 and 1, soft targets
(where picking one log by the target is wrong), logits of +-1000 and a label
whose probability underflows to 0, and square (N == C) batches where an index
mix-up still has the right shape. The log-probabilities ``nll_loss`` gets are the log-softmax of logits
drawn here, computed in advance (``precomputed``): log-softmax is graded.
"""
from __future__ import annotations

import numpy as np

from grader_tests.kernel.inputs.precomputed import NLL_LOG_PROBS

# A row vector, matrices with N != D, a single entry.
SHAPES = [(7,), (4, 3), (1,), (2, 5)]
# (N, C) with N != C, plus a square batch where log_probs[:, y] has the right size.
CLASS_SHAPES = [(5, 3), (8, 4), (2, 6), (4, 4)]


def _pairs(rng, shapes=SHAPES):
    return [(rng.normal(size=s), rng.normal(size=s)) for s in shapes]


def _pairs_with_zero_residuals(rng):
    target = rng.normal(size=(4, 3))
    pred = target + rng.normal(size=(4, 3)) * (rng.random(size=(4, 3)) < 0.5)  # about half exactly equal
    return [(pred, target), (target.copy(), target), (np.array([1.0, 2.0, 2.0]), np.array([1.0, 1.0, 3.0]))]


def _rmse_calls(rng):
    same = rng.normal(size=(3, 2))
    return _pairs(rng) + [(same, same.copy())]


def _probability_calls(rng):
    calls = [(rng.uniform(0.05, 0.95, size=s), rng.integers(0, 2, size=s).astype(np.float64)) for s in SHAPES[:3]]
    calls.append((rng.uniform(0.05, 0.95, size=(6,)), rng.uniform(0.0, 1.0, size=(6,))))  # soft targets
    return calls


def _extreme_probability_calls(rng):
    # Every (p, t) pair of 0s and 1s, once in a matrix (a row-wise reduction
    # is not the mean there) and once with an eps that is not the default.
    p = np.array([[0.0, 1.0, 0.0], [1.0, 0.3, 0.6]])
    t = np.array([[0.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
    return [(np.array([0.0, 1.0]), np.array([0.0, 1.0])), (p, t), (p.flatten(), t.flatten(), 1e-3)]


def _logit_calls(rng):
    calls = [(rng.normal(scale=3.0, size=s), rng.integers(0, 2, size=s).astype(np.float64)) for s in SHAPES[:3]]
    return calls + [(rng.normal(scale=3.0, size=(6,)), rng.uniform(0.0, 1.0, size=(6,)))]  # soft targets


def _large_logit_calls(rng):
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0, 2.0])
    # Near overflow but finite (exp(700) ~ 1e304): formulas that all overflow
    # on the first two calls give different finite values here.
    near = (np.array([-700.0, 700.0, -30.0]), np.array([1.0, 0.0, 0.0]))
    return [(z.copy(), np.array([0.0, 1.0, 1.0, 0.0, 1.0])), (np.array([[-1500.0, 800.0]]), np.array([[0.0, 0.0]])),
            near]


# Logits of +-1000 and a tie; its labels are fixed: label 2 of the first row has
# probability exp(-2000), which underflows to 0 (log(softmax) gives -inf there).
EXTREME_LOGITS = np.array([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]])
EXTREME_LABELS = np.array([2, 1])


def _logits(rng, shapes=CLASS_SHAPES):
    return [rng.normal(scale=2.0, size=s) for s in shapes] + [EXTREME_LOGITS.copy()]


def _logit_rows(rng):
    return [(z,) for z in _logits(rng)]


def _labels_for(rng, logits):
    return rng.integers(0, logits.shape[1], size=logits.shape[0])


def label_calls(rng):
    *drawn, extreme = _logits(rng)
    return [(z, _labels_for(rng, z)) for z in drawn] + [(extreme, EXTREME_LABELS.copy())]


def _nll_calls(rng):
    # The logits are drawn only to draw the labels as before; their
    # log-softmax is NLL_LOG_PROBS.
    return [(np.array(log_probs), y) for log_probs, (_, y) in zip(NLL_LOG_PROBS, label_calls(rng), strict=True)]


def _one_hot_calls(rng):
    return [(z, np.eye(z.shape[1])[y]) for z, y in label_calls(rng)]


def _soft_calls(rng):
    return [(z, rng.dirichlet(np.ones(z.shape[1]), size=z.shape[0])) for z in _logits(rng)]


INPUTS = {
    "test_mse": ("mse", _pairs),
    "test_mae": ("mae", _pairs),
    "test_mae_at_zero": ("mae", _pairs_with_zero_residuals),
    "test_rmse": ("rmse", _rmse_calls),
    "test_bce": ("binary_cross_entropy", _probability_calls),
    "test_bce_extremes": ("binary_cross_entropy", _extreme_probability_calls),
    "test_bce_logits": ("binary_cross_entropy_with_logits", _logit_calls),
    "test_bce_logits_large": ("binary_cross_entropy_with_logits", _large_logit_calls),
    "test_log_softmax": ("log_softmax", _logit_rows),
    "test_nll_loss": ("nll_loss", _nll_calls),
    "test_softmax_ce": ("softmax_cross_entropy", label_calls),
    "test_ce_one_hot": ("cross_entropy", _one_hot_calls),
    "test_ce_soft": ("cross_entropy", _soft_calls),
}
