"""Grader side: chapter 3 (loss functions), known mistakes.

Every wrong implementation below is one students write; the grader names it
when a submission behaves exactly like it. The inputs are the kernel side's
(``grader_tests.kernel.inputs.ch03_losses``).
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register


def row_log_softmax(z):
    """Row-wise log-softmax (also precomputed for the kernel: grader_tests.chapters.precompute)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


# ---- known wrong implementations (written independently of the reference) ----

def _regression(kind, loss_scale=1.0, grad_scale=1.0, by="size", sign=1.0):
    """Squared or absolute error with a chosen scale, denominator and sign."""
    def wrong(pred, target):
        r = pred - target
        count = {"size": r.size, "rows": r.shape[0], "none": 1}[by]
        if kind == "squared":
            return float(loss_scale * np.sum(r * r) / count), grad_scale * sign * r / count
        return float(loss_scale * np.sum(np.abs(r)) / count), grad_scale * sign * np.sign(r) / count
    return wrong


def _mae_at_zero(value):
    def wrong(pred, target):
        r = pred - target
        if value == "nan":
            with np.errstate(invalid="ignore"):
                slope = r / np.abs(r)
        else:
            slope = np.where(r > 0, 1.0, np.where(r < 0, -1.0, value))
        return float(np.mean(np.abs(r))), slope / r.size
    return wrong


def _rmse_variant(grad):
    def wrong(pred, target):
        r = pred - target
        loss = float(np.sqrt(np.mean(r * r)))
        with np.errstate(invalid="ignore", divide="ignore"):
            return loss, grad(r, loss)
    return wrong


def _bce(p, t, eps=None, reduce=np.mean):
    """Binary cross-entropy, clipped only when an eps is given."""
    if eps is not None:
        p = np.clip(p, eps, 1.0 - eps)
    return float(-reduce(t * np.log(p) + (1.0 - t) * np.log(1.0 - p)))


def _bce_where(p, t, eps=1e-12):
    """Picks a branch per label but, unclipped, still warns on log(0); eps is ignored."""
    return float(np.mean(np.where(t == 1.0, -np.log(p), -np.log(1.0 - p))))


def _stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _bce_logits(loss, grad_scale=1.0):
    """Mean of loss(z, t) (per-entry losses); gradient (sigmoid(z) - t) / size, scaled."""
    def wrong(z, t):
        return float(np.mean(loss(z, t))), grad_scale * (_stable_sigmoid(z) - t) / z.size
    return wrong


def _naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_then_log(z, t):
    p = _naive_sigmoid(z)
    return -(t * np.log(p) + (1.0 - t) * np.log(1.0 - p))


def _unshifted_log_form(z, t):
    return (1.0 - t) * z + np.log(1.0 + np.exp(-z))


def _sigmoid_then_clipped(z, t, eps=1e-12):
    p = np.clip(_stable_sigmoid(z), eps, 1.0 - eps)
    return -(t * np.log(p) + (1.0 - t) * np.log(1.0 - p))


def _stable_entries(z, t):
    return np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z)))


def _log_softmax_variant(shift=True, log_of_probs=False, axis=1):
    def wrong(z):
        s = z - z.max(axis=axis, keepdims=True) if shift else z
        e = np.exp(s)
        if log_of_probs or not shift:
            return np.log(e / e.sum(axis=axis, keepdims=True))
        return s - np.log(e.sum(axis=axis, keepdims=True))
    return wrong


def _picked(log_probs, labels):
    return log_probs[np.arange(log_probs.shape[0]), labels]


COLUMN_BLOCK = ("log_probs[:, labels] takes column labels[n] of EVERY row (an N x N block); "
                "row n's entry is log_probs[np.arange(N), labels]")
NOT_DIVIDED = "the gradient was not divided by N: the loss is a mean, so the gradient carries 1/N"
SUM_NOT_MEAN = "the loss was summed over the batch instead of averaged"


def _softmax_ce(z, labels, *, stable=True, loss_pick="rows", grad="onehot", scale=None, reduce=np.mean):
    n = z.shape[0]
    if stable:
        log_p = row_log_softmax(z)
        p = np.exp(log_p)
    else:
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        log_p = np.log(p)
    picked = log_p[:, labels] if loss_pick == "columns" else _picked(log_p, labels)
    d = p.copy()
    if grad == "columns":
        d[:, labels] -= 1.0
    elif grad == "labels":
        d = d - labels[:, None]
    else:
        d[np.arange(n), labels] -= 1.0
    return float(-reduce(picked)), d / (n if scale is None else scale)


def _ce_targets(z, targets, *, mean_all=False, argmax=False, scale=None, stable=True):
    n = z.shape[0]
    if argmax:
        targets = np.eye(z.shape[1])[np.argmax(targets, axis=1)]
    log_p = row_log_softmax(z) if stable else np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))
    loss = -np.mean(targets * log_p) if mean_all else -np.sum(targets * log_p) / n
    return float(loss), (np.exp(log_p) - targets) / (n if scale is None else scale)


ONE_HOT_MEAN = ("the product targets * log_probs was averaged over all N*C entries: sum it over the C classes, "
                "then average over the N rows")
CE_MISTAKES = (
    Mistake(ONE_HOT_MEAN, lambda z, t: _ce_targets(z, t, mean_all=True)),
    Mistake(ONE_HOT_MEAN, lambda z, t: _ce_targets(z, t, mean_all=True, scale=t.size)),
    Mistake("softmax without subtracting the row maximum: exp overflows on large logits",
            lambda z, t: _ce_targets(z, t, stable=False)),
    Mistake(NOT_DIVIDED, lambda z, t: _ce_targets(z, t, scale=1.0)),
)

MSE_HALF = ("the ½ convention was mixed in: this course's MSE is mean(r^2) with no ½, "
            "so the loss has no ½ and the gradient is 2 r / N")
MSE_MISTAKES = (
    Mistake("the MSE gradient is missing the factor 2: d(r^2)/dr = 2 r", _regression("squared")),
    Mistake(MSE_HALF, _regression("squared", loss_scale=0.5)),
    Mistake(MSE_HALF, _regression("squared", loss_scale=0.5, grad_scale=2.0)),
)


def _common_mistakes(kind, factor):
    """Mistakes shared by MSE and MAE: reduction, 1/N, the sign of the residual."""
    return (
        Mistake(SUM_NOT_MEAN + " (and the gradient lost its 1/N)", _regression(kind, grad_scale=factor, by="none")),
        Mistake(NOT_DIVIDED, lambda p, t: (_regression(kind)(p, t)[0], factor * _regression(kind, by="none")(p, t)[1])),
        Mistake("the mean was taken over the N rows, not over all N*D entries (PyTorch's mean reduction)",
                _regression(kind, grad_scale=factor, by="rows")),
        Mistake("the gradient has the wrong sign: it is with respect to the prediction, so use sign(pred - target)"
                if kind == "absolute" else "the gradient has the wrong sign: use r = pred - target",
                _regression(kind, grad_scale=factor, sign=-1.0)),
    )


register(
    check("test_mse",
          mistakes=MSE_MISTAKES + _common_mistakes("squared", 2.0)),
    check("test_mae", mistakes=_common_mistakes("absolute", 1.0)),
    check("test_mae_at_zero",
          mistakes=(Mistake("the MAE gradient at a zero residual is undefined (0 / 0 = nan): take the subgradient 0 "
                            "(np.sign(0) == 0)", _mae_at_zero("nan")),
                    Mistake("the MAE gradient at a zero residual was taken as +1: use the subgradient 0",
                            _mae_at_zero(1.0)),
                    Mistake("the MAE gradient at a zero residual was taken as -1: use the subgradient 0",
                            _mae_at_zero(-1.0)),
                    Mistake("the gradient has the wrong sign: it is with respect to the prediction, so use "
                            "sign(pred - target)", _regression("absolute", sign=-1.0)))),
    check("test_rmse",
          mistakes=(Mistake("0 / 0 when every residual is 0: return a zero gradient when the loss is 0",
                            _rmse_variant(lambda r, loss: r / (r.size * loss))),
                    Mistake("the gradient of MSE was returned: RMSE = sqrt(MSE) needs the chain-rule factor "
                            "1 / (2 sqrt(MSE))", _rmse_variant(lambda r, loss: 2.0 * r / r.size)),
                    Mistake("the ½ of d sqrt(u)/du = 1 / (2 sqrt(u)) was dropped: the gradient is r / (N * RMSE)",
                            _rmse_variant(lambda r, loss: 2.0 * r / (r.size * loss) if loss else 0.0 * r)),
                    Mistake(NOT_DIVIDED, _rmse_variant(lambda r, loss: r / loss if loss else 0.0 * r)))),
    check("test_bce", forbid_warnings=True,
          mistakes=(Mistake(SUM_NOT_MEAN, lambda p, t, eps=1e-12: _bce(p, t, eps, reduce=np.sum)),)),
    check("test_bce_extremes", forbid_warnings=True,
          mistakes=(Mistake("log(0) gives inf or nan: clip the probabilities to [eps, 1 - eps] before taking logs",
                            lambda p, t, eps=1e-12: _bce(p, t)),
                    Mistake("log(0) gives inf or nan: clip the probabilities to [eps, 1 - eps] before taking logs "
                            "(np.where evaluates both branches)", _bce_where),
                    Mistake("the eps argument was ignored: clip with the eps you are given",
                            lambda p, t, eps=1e-12: _bce(p, t, 1e-12)),
                    Mistake("clipped with eps = 1e-7 (Keras' default) instead of the eps argument (default 1e-12)",
                            lambda p, t, eps=1e-12: _bce(p, t, 1e-7)),
                    Mistake(SUM_NOT_MEAN, lambda p, t, eps=1e-12: _bce(p, t, eps, reduce=np.sum)))),
    check("test_bce_logits", forbid_warnings=True,
          mistakes=(Mistake(NOT_DIVIDED, lambda z, t: (float(np.mean(_stable_entries(z, t))), _stable_sigmoid(z) - t)),
                    Mistake(SUM_NOT_MEAN + " (and the gradient lost its 1/N)",
                            lambda z, t: (float(np.sum(_stable_entries(z, t))), _stable_sigmoid(z) - t)),
                    Mistake("the gradient has the wrong sign: d/dz = sigmoid(z) - t",
                            _bce_logits(_stable_entries, grad_scale=-1.0)))),
    check("test_bce_logits_large", forbid_warnings=True,
          mistakes=(Mistake("overflow on large logits: exp(-z) overflows and log(0) follows; use "
                            "max(z, 0) - z * t + log1p(exp(-|z|))", _bce_logits(_sigmoid_then_log)),
                    Mistake("overflow on large logits: exp(-z) overflows for z = -1000; use "
                            "max(z, 0) - z * t + log1p(exp(-|z|))", _bce_logits(_unshifted_log_form)),
                    Mistake("the loss went through clipped probabilities, so it saturates at -log(eps) ≈ 27.6 "
                            "instead of growing like |z|: compute it from the logits",
                            _bce_logits(_sigmoid_then_clipped)))),
    check("test_log_softmax", forbid_warnings=True,
          mistakes=(Mistake("softmax without subtracting the row maximum: exp overflows on large logits",
                            _log_softmax_variant(shift=False)),
                    Mistake("log(softmax) as the log of the probabilities: a probability that underflows to 0 "
                            "gives log(0) = -inf; use z - max - log(sum(exp(z - max)))",
                            _log_softmax_variant(log_of_probs=True)),
                    Mistake("normalised over the wrong axis: each ROW is one example's distribution (axis=1)",
                            _log_softmax_variant(axis=0)))),
    check("test_nll_loss",
          mistakes=(Mistake(COLUMN_BLOCK, lambda lp, y: float(-np.mean(lp[:, y]))),
                    Mistake(ONE_HOT_MEAN, lambda lp, y: float(-np.mean(np.eye(lp.shape[1])[y] * lp))),
                    Mistake(SUM_NOT_MEAN, lambda lp, y: float(-np.sum(_picked(lp, y)))),
                    Mistake("the minus sign is missing: the loss is the NEGATIVE log-likelihood",
                            lambda lp, y: float(np.mean(_picked(lp, y)))))),
    check("test_softmax_ce", forbid_warnings=True,
          mistakes=(Mistake(NOT_DIVIDED, lambda z, y: _softmax_ce(z, y, scale=1.0)),
                    Mistake(SUM_NOT_MEAN, lambda z, y: _softmax_ce(z, y, scale=1.0, reduce=np.sum)),
                    Mistake("softmax without subtracting the row maximum: exp overflows on large logits",
                            lambda z, y: _softmax_ce(z, y, stable=False)),
                    Mistake("dlogits[:, labels] -= 1 subtracts 1 in column labels[n] of EVERY row; "
                            "subtract the one-hot rows: dlogits[np.arange(N), labels] -= 1",
                            lambda z, y: _softmax_ce(z, y, grad="columns")),
                    Mistake("the integer labels were subtracted as numbers (P - y); the gradient is P minus the "
                            "one-hot matrix of the labels", lambda z, y: _softmax_ce(z, y, grad="labels")),
                    Mistake(COLUMN_BLOCK, lambda z, y: _softmax_ce(z, y, loss_pick="columns")))),
    check("test_ce_one_hot", forbid_warnings=True, mistakes=CE_MISTAKES),
    check("test_ce_soft", forbid_warnings=True,
          mistakes=CE_MISTAKES + (Mistake("the targets were turned into labels with argmax: right for one-hot rows "
                                          "only; soft targets need -sum(targets * log_softmax(logits), axis=1)",
                                          lambda z, t: _ce_targets(z, t, argmax=True)),)),
)
