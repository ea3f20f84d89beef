"""Kernel side: chapter 3 (loss functions), the grader-chosen inputs.

Inputs include the cases where careless code breaks: exact zero residuals
(MAE's kink, RMSE's 0 / 0), probabilities of exactly 0 and 1, soft targets
(where picking one log by the target is wrong), logits of +-1000 and a label
whose probability underflows to 0, square (N == C) batches where an index
mix-up still has the right shape, Huber thresholds other than 1 (where
PyTorch's SmoothL1Loss differs), hinge terms exactly at the margin, and class
weights that are all equal but not 1 (where dividing by N instead of their
sum shows). The log-probabilities ``nll_loss`` gets are the log-softmax of logits
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


def _huber_calls(rng):
    # delta's default, then deltas below and above 1, large residuals, and
    # residuals exactly at -delta and +delta (with a zero target).
    (p1, t1), (p2, t2), (p3, t3), (p4, t4) = _pairs(rng)
    return [(p1, t1), (p2, t2, 0.5), (p3, t3, 2.0), (3.0 * p4, t4, 1.5),
            (np.array([-2.0, 2.0, -1.5, 3.0, 0.0, -7.0]), np.zeros(6), 2.0)]


def _hinge_calls(rng):
    # The default margin, then 0.5 and 2.0; two classes, and a square batch.
    logits = [rng.normal(scale=1.5, size=s) for s in CLASS_SHAPES + [(3, 2)]]
    margins = (None, None, 0.5, 2.0, None)
    return [(z, _labels_for(rng, z)) if m is None else (z, _labels_for(rng, z), m) for z, m in zip(logits, margins)]


def _hinge_at_margin_calls(rng):
    # Integer logits: many terms logits[n, j] - logits[n, y] + margin are exactly 0, and some classes tie.
    calls = []
    for shape, margin in [((6, 4), None), ((5, 3), 2.0), ((4, 4), 1.0)]:
        z = rng.integers(-2, 3, size=shape).astype(np.float64)
        calls.append((z, _labels_for(rng, z)) if margin is None else (z, _labels_for(rng, z), margin))
    # Row 0's correct class wins by exactly the margin against both others; row 1's
    # wins by exactly the margin against one and ties with the other.
    calls.append((np.array([[3.0, 2.0, 2.0], [0.0, 1.0, 1.0]]), np.array([0, 2])))
    return calls


def _weighted_calls(rng):
    """Random weights, integer weights with a 0, equal weights of 2.5 and, on the
    extreme logits, weights on their underflowing label."""
    calls = label_calls(rng)
    weights = [rng.uniform(0.2, 3.0, size=3), np.array([1.0, 0.0, 2.0, 5.0]), rng.uniform(0.2, 3.0, size=6),
               np.full(4, 2.5), np.array([1.0, 2.0, 0.5])]
    return [(z, y, w) for (z, y), w in zip(calls, weights, strict=True)]


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
    "test_softmax_ce_weighted": ("softmax_cross_entropy", _weighted_calls),
    "test_ce_one_hot": ("cross_entropy", _one_hot_calls),
    "test_ce_soft": ("cross_entropy", _soft_calls),
    "test_huber": ("huber_loss", _huber_calls),
    "test_hinge": ("multiclass_hinge_loss", _hinge_calls),
    "test_hinge_at_margin": ("multiclass_hinge_loss", _hinge_at_margin_calls),
}
