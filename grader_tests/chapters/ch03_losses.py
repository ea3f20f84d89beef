"""Grader side: chapter 3 (loss functions), known mistakes.

Every wrong implementation below is one students write; the grader names it
when a submission behaves exactly like it. The inputs are the kernel side's
(``grader_tests.kernel.inputs.ch03_losses``). Every docstring promises to
leave the arguments unchanged, so every check fails a call that changes one.
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


def _bce_by_target(p, t, eps=1e-12):
    """Clipped, but one log per entry chosen by its target: wrong for soft targets."""
    p = np.clip(p, eps, 1.0 - eps)
    return float(np.mean(np.where(t == 1.0, -np.log(p), -np.log(1.0 - p))))


def _bce_eps_in_logs(p, t, eps=1e-12):
    return float(-np.mean(t * np.log(p + eps) + (1.0 - t) * np.log(1.0 - p + eps)))


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


def _max_along_axis_0(z, t):
    return np.max(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))


def _without_abs(z, t):
    return np.maximum(z, 0.0) - z * t + np.log(1.0 + np.exp(-z))


def _softplus_by_target(z, t):
    return np.where(t == 1.0, np.logaddexp(0.0, -z), np.logaddexp(0.0, z))


def _log_softmax_variant(shift="rows", axis=1, form="difference"):
    """shift: subtract each row's maximum ("rows"), the whole batch's ("batch")
    or nothing ("none"); form: s - log(sum(exp(s))) ("difference"), log(exp(s) / sum)
    ("ratio"), z - log(sum(exp(s))) ("exp_only") or exp(s) / sum ("probs")."""
    def wrong(z):
        m = {"rows": z.max(axis=axis, keepdims=True), "batch": z.max(), "none": 0.0}[shift]
        s = z - m
        e = np.exp(s)
        total = e.sum(axis=axis, keepdims=True)
        if form == "ratio":
            return np.log(e / total)
        if form == "probs":
            return e / total
        return (z if form == "exp_only" else s) - np.log(total)
    return wrong


def _picked(log_probs, labels):
    return log_probs[np.arange(log_probs.shape[0]), labels]


COLUMN_BLOCK = ("log_probs[:, labels] takes column labels[n] of EVERY row (an N x N block); "
                "row n's entry is log_probs[np.arange(N), labels]")
NOT_DIVIDED = "the gradient was not divided by N: the loss is a mean, so the gradient carries 1/N"
SUM_NOT_MEAN = "the loss was summed over the batch instead of averaged"
NO_MINUS = "the minus sign is missing: the loss is the NEGATIVE log-likelihood"
UNSHIFTED = "softmax without subtracting the row maximum: exp overflows on large logits"
LOG_OF_SOFTMAX = ("log(softmax) as the log of the probabilities: a probability that underflows to 0 "
                  "gives log(0) = -inf; use z - max - log(sum(exp(z - max)))")


def _probs_and_logs(z, logs):
    """Softmax and its log three ways: "stable" (log-softmax), "unshifted"
    (exp of the raw logits, then log) and "log_of_softmax" (shifted, then log)."""
    if logs == "stable":
        log_p = row_log_softmax(z)
        return np.exp(log_p), log_p
    e = np.exp(z - z.max(axis=1, keepdims=True) if logs == "log_of_softmax" else z)
    p = e / e.sum(axis=1, keepdims=True)
    return p, np.log(p)


def _softmax_ce(z, labels, *, logs="stable", loss_pick="rows", grad="onehot", scale=None, reduce=np.mean):
    n = z.shape[0]
    p, log_p = _probs_and_logs(z, logs)
    picked = log_p[:, labels] if loss_pick == "columns" else _picked(log_p, labels)
    d = p.copy()
    if grad == "columns":
        d[:, labels] -= 1.0
    elif grad == "labels":
        d = d - labels[:, None]
    else:
        d[np.arange(n), labels] -= 1.0
    return float(-reduce(picked)), d / (n if scale is None else scale)


def _ce_targets(z, targets, *, over="rows", argmax=False, scale=None, logs="stable"):
    """The loss's sum divided by the rows, all entries or nothing (``over``)."""
    n = z.shape[0]
    if argmax:
        targets = np.eye(z.shape[1])[np.argmax(targets, axis=1)]
    p, log_p = _probs_and_logs(z, logs)
    loss = -np.sum(targets * log_p) / {"rows": n, "entries": targets.size, "none": 1}[over]
    return float(loss), (p - targets) / (n if scale is None else scale)


def _weighted_ce(z, labels, weight, *, over="weights", grad="rows"):
    """Class-weighted softmax cross-entropy: divided by the sum of the labels' weights
    or by N (``over``); the gradient's rows scaled by w_n, left unweighted, or its
    columns scaled by weight[c] (``grad``)."""
    n = z.shape[0]
    log_p = row_log_softmax(z)
    w = weight[labels]
    total = {"weights": np.sum(w), "rows": n}[over]
    d = np.exp(log_p)
    d[np.arange(n), labels] -= 1.0
    d = {"rows": d * w[:, None] / total, "none": d / n, "columns": d * weight[None, :] / total}[grad]
    return float(-np.sum(w * _picked(log_p, labels)) / total), d


def _huber_entries(r, delta):
    size = np.abs(r)
    return np.where(size <= delta, 0.5 * r * r, delta * (size - 0.5 * delta))


def _huber_variant(losses=_huber_entries, slopes=lambda r, delta: np.clip(r, -delta, delta), by="size",
                   grad_by=None):
    """Per-entry losses and slopes of the residual, summed and divided by the
    number of entries, of rows or by nothing (``by``; the gradient by ``grad_by``)."""
    def wrong(pred, target, delta=1.0):
        r = pred - target
        count = {"size": r.size, "rows": r.shape[0], "none": 1}
        return float(np.sum(losses(r, delta)) / count[by]), slopes(r, delta) / count[grad_by or by]
    return wrong


def _hinge_variant(*, compare_with_self=False, largest_only=False, active_at_zero=False, per_class=False,
                   fixed_margin=False, correct_column=True, swapped=False, loss_over="rows", grad_over="rows"):
    """Multiclass hinge loss with one of the usual slips. The correct class's
    gradient is assigned minus the row's sum of the others, as students write it."""
    def wrong(z, labels, margin=1.0):
        n, c = z.shape
        rows = np.arange(n)
        correct = z[rows, labels][:, None]
        terms = (correct - z if swapped else z - correct) + (1.0 if fixed_margin else margin)
        if not compare_with_self:
            terms[rows, labels] = -np.inf  # the correct class's own term never counts
        if largest_only:  # Crammer and Singer: only the most violating class counts
            kept = np.full_like(terms, -np.inf)
            winners = np.argmax(terms, axis=1)
            kept[rows, winners] = terms[rows, winners]
            terms = kept
        active = (terms >= 0 if active_at_zero else terms > 0).astype(np.float64)
        grad = -active if swapped else active
        grad[rows, labels] = -grad.sum(axis=1) if correct_column else 0.0
        counts = {"rows": n, "none": 1}
        scale = c if per_class else 1.0
        return (float(np.maximum(terms, 0.0).sum() / counts[loss_over] / scale),
                grad / counts[grad_over] / scale)
    return wrong


ONE_HOT_MEAN = ("the product targets * log_probs was averaged over all N*C entries: sum it over the C classes, "
                "then average over the N rows")
CE_MISTAKES = (
    Mistake(ONE_HOT_MEAN, lambda z, t: _ce_targets(z, t, over="entries")),
    Mistake(ONE_HOT_MEAN, lambda z, t: _ce_targets(z, t, over="entries", scale=t.size)),
    Mistake(UNSHIFTED, lambda z, t: _ce_targets(z, t, logs="unshifted")),
    Mistake(LOG_OF_SOFTMAX, lambda z, t: _ce_targets(z, t, logs="log_of_softmax")),
    Mistake(NOT_DIVIDED, lambda z, t: _ce_targets(z, t, scale=1.0)),
    Mistake(SUM_NOT_MEAN + " (and the gradient lost its 1/N)", lambda z, t: _ce_targets(z, t, over="none", scale=1.0)),
)

MEAN_OVER_ROWS = "the mean was taken over the N rows, not over all N*D entries"
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
        Mistake(MEAN_OVER_ROWS, _regression(kind, grad_scale=factor, by="rows")),
        Mistake("the gradient has the wrong sign: it is with respect to the prediction, so use sign(pred - target)"
                if kind == "absolute" else "the gradient has the wrong sign: use r = pred - target",
                _regression(kind, grad_scale=factor, sign=-1.0)),
    )


def _check(check_id, **grading):
    """Every loss of the chapter promises to leave its arguments unchanged."""
    return check(check_id, keeps_inputs=True, **grading)


BCE_LOG_ZERO = "log(0) gives inf or nan: clip the probabilities to [eps, 1 - eps] before taking logs"
BCE_BY_TARGET = ("the loss picks log(p) or log(1 - p) by the target: right for targets 0 and 1 only; "
                 "soft targets need t log p + (1 - t) log(1 - p)")
OVERFLOW_FIX = "use max(z, 0) - z * t + log1p(exp(-|z|))"
# -log(1 - (1 - 1e-12)) and -log(1e-12) differ by 3.2e-6 relative (1 - 1e-12 is
# rounded), so clipping 1 - p instead of p, which is right too, is off by up to
# that much (3.9e-7 measured on these calls). The closest mistake, log(p + eps),
# is off by 6.2e-4 relative on the eps = 1e-3 call.
BCE_EXTREMES_RTOL = 1e-5
BCE_SUM = Mistake(SUM_NOT_MEAN, lambda p, t, eps=1e-12: _bce(p, t, eps, reduce=np.sum))
BCE_NO_MINUS = Mistake(NO_MINUS, lambda p, t, eps=1e-12: -_bce(p, t, eps))
MAX_ALONG_AXIS = Mistake("np.max(z, 0) is the largest entry along axis 0, not the element-wise maximum: "
                         "use np.maximum(z, 0)", _bce_logits(_max_along_axis_0))
WITHOUT_ABS = Mistake("log(1 + exp(-z)) without the absolute value: it is the formula's term only for z >= 0, "
                      f"and exp(-z) overflows for large negative z; {OVERFLOW_FIX}", _bce_logits(_without_abs))

HINGE_MISTAKES = (
    Mistake("the correct class was compared with itself: its term max(0, margin) adds the margin to every row's loss; "
            "sum over the wrong classes j != labels[n] only", _hinge_variant(compare_with_self=True)),
    Mistake("only the largest term of each row was kept (the Crammer-Singer hinge); this loss sums the terms of "
            "every wrong class", _hinge_variant(largest_only=True)),
    Mistake("each row's loss was divided by the number of classes C, as PyTorch's MultiMarginLoss does; this loss "
            "(CS231n's) is not", _hinge_variant(per_class=True)),
    Mistake("the margin was fixed at 1 instead of taken from the argument", _hinge_variant(fixed_margin=True)),
    Mistake("the gradient at the correct class was left at 0: it is minus the number of active terms of the row, "
            "divided by N", _hinge_variant(correct_column=False)),
    Mistake("the scores were subtracted the wrong way round: the term is logits[n, j] - logits[n, labels[n]] + margin",
            _hinge_variant(swapped=True)),
    Mistake(NOT_DIVIDED, _hinge_variant(grad_over="none")),
    Mistake(SUM_NOT_MEAN + " (and the gradient lost its 1/N)", _hinge_variant(loss_over="none", grad_over="none")),
)

register(
    _check("test_mse",
           mistakes=MSE_MISTAKES + _common_mistakes("squared", 2.0)),
    _check("test_mae", mistakes=_common_mistakes("absolute", 1.0)),
    _check("test_mae_at_zero",
           mistakes=(Mistake("the MAE gradient at a zero residual is undefined (0 / 0 = nan): take the subgradient 0 "
                             "(np.sign(0) == 0)", _mae_at_zero("nan")),
                     Mistake("the MAE gradient at a zero residual was taken as +1: use the subgradient 0",
                             _mae_at_zero(1.0)),
                     Mistake("the MAE gradient at a zero residual was taken as -1: use the subgradient 0",
                             _mae_at_zero(-1.0)),
                     Mistake("the gradient has the wrong sign: it is with respect to the prediction, so use "
                             "sign(pred - target)", _regression("absolute", sign=-1.0)))),
    _check("test_rmse",
           mistakes=(Mistake("0 / 0 when every residual is 0: return a zero gradient when the loss is 0",
                             _rmse_variant(lambda r, loss: r / (r.size * loss))),
                     Mistake("the gradient of MSE was returned: RMSE = sqrt(MSE) needs the chain-rule factor "
                             "1 / (2 sqrt(MSE))", _rmse_variant(lambda r, loss: 2.0 * r / r.size)),
                     Mistake("the ½ of d sqrt(u)/du = 1 / (2 sqrt(u)) was dropped: the gradient is r / (N * RMSE)",
                             _rmse_variant(lambda r, loss: 2.0 * r / (r.size * loss) if loss else 0.0 * r)),
                     Mistake(NOT_DIVIDED, _rmse_variant(lambda r, loss: r / loss if loss else 0.0 * r)))),
    _check("test_bce", forbid_warnings=True,
           mistakes=(BCE_SUM, BCE_NO_MINUS, Mistake(BCE_BY_TARGET, _bce_by_target))),
    _check("test_bce_extremes", forbid_warnings=True, rtol=BCE_EXTREMES_RTOL,
           mistakes=(Mistake(BCE_LOG_ZERO, lambda p, t, eps=1e-12: _bce(p, t)),
                     Mistake("log(0) gives inf or nan even in the branch np.where does not pick: clip the "
                             "probabilities to [eps, 1 - eps] before taking logs (and picking log(p) or log(1 - p) "
                             "by the target is right for targets 0 and 1 only)", _bce_where),
                     Mistake("the eps argument was ignored: clip with the eps you are given",
                             lambda p, t, eps=1e-12: _bce(p, t, 1e-12)),
                     Mistake("clipped with eps = 1e-7 (Keras' default) instead of the eps argument (default 1e-12)",
                             lambda p, t, eps=1e-12: _bce(p, t, 1e-7)),
                     Mistake("the default of eps was changed: keep eps=1e-12 in the signature",
                             lambda p, t, eps=1e-7: _bce(p, t, eps)),
                     Mistake("eps was added inside the logs (log(p + eps)) instead of clipping p to [eps, 1 - eps]",
                             _bce_eps_in_logs),
                     BCE_SUM, BCE_NO_MINUS)),
    _check("test_bce_logits", forbid_warnings=True,
           mistakes=(Mistake(NOT_DIVIDED, lambda z, t: (float(np.mean(_stable_entries(z, t))), _stable_sigmoid(z) - t)),
                     Mistake(SUM_NOT_MEAN + " (and the gradient lost its 1/N)",
                             lambda z, t: (float(np.sum(_stable_entries(z, t))), _stable_sigmoid(z) - t)),
                     Mistake("the gradient has the wrong sign: d/dz = sigmoid(z) - t",
                             _bce_logits(_stable_entries, grad_scale=-1.0)),
                     MAX_ALONG_AXIS,
                     Mistake("the loss picks -log(sigmoid(z)) or -log(1 - sigmoid(z)) by the target: right for "
                             "targets 0 and 1 only; soft targets need the formula with t",
                             _bce_logits(_softplus_by_target)),
                     WITHOUT_ABS)),
    _check("test_bce_logits_large", forbid_warnings=True,
           mistakes=(Mistake(f"overflow on large logits: exp(-z) overflows and log(0) follows; {OVERFLOW_FIX}",
                             _bce_logits(_sigmoid_then_log)),
                     Mistake(f"overflow on large logits: exp(-z) overflows for z = -1000; {OVERFLOW_FIX}",
                             _bce_logits(_unshifted_log_form)),
                     WITHOUT_ABS,
                     Mistake("the loss went through clipped probabilities, so it saturates at -log(eps) ≈ 27.6 "
                             "instead of growing like |z|: compute it from the logits",
                             _bce_logits(_sigmoid_then_clipped)),
                     MAX_ALONG_AXIS)),
    _check("test_log_softmax", forbid_warnings=True,
           mistakes=(Mistake(UNSHIFTED, _log_softmax_variant(shift="none", form="ratio")),
                     Mistake(UNSHIFTED, _log_softmax_variant(shift="none")),
                     Mistake(LOG_OF_SOFTMAX, _log_softmax_variant(form="ratio")),
                     Mistake("normalised over the wrong axis: each ROW is one example's distribution (axis=1)",
                             _log_softmax_variant(axis=0)),
                     Mistake("the maximum of the whole batch was subtracted, not each row's: a row far below it "
                             "underflows to exp = 0 and log(0) follows; use logits.max(axis=1, keepdims=True)",
                             _log_softmax_variant(shift="batch")),
                     Mistake("the maximum was subtracted inside the exp only: log_softmax = (z - max) - "
                             "log(sum(exp(z - max)))", _log_softmax_variant(form="exp_only")),
                     Mistake("returned the softmax probabilities instead of their logarithms",
                             _log_softmax_variant(form="probs")))),
    _check("test_nll_loss",
           mistakes=(Mistake(COLUMN_BLOCK, lambda lp, y: float(-np.mean(lp[:, y]))),
                     Mistake(ONE_HOT_MEAN, lambda lp, y: float(-np.mean(np.eye(lp.shape[1])[y] * lp))),
                     Mistake(SUM_NOT_MEAN, lambda lp, y: float(-np.sum(_picked(lp, y)))),
                     Mistake(NO_MINUS, lambda lp, y: float(np.mean(_picked(lp, y)))),
                     Mistake("the sum was divided by the number of classes C instead of the number of examples N",
                             lambda lp, y: float(-np.sum(_picked(lp, y)) / lp.shape[1])))),
    _check("test_softmax_ce", forbid_warnings=True,
           mistakes=(Mistake(NOT_DIVIDED, lambda z, y: _softmax_ce(z, y, scale=1.0)),
                     Mistake(SUM_NOT_MEAN, lambda z, y: _softmax_ce(z, y, scale=1.0, reduce=np.sum)),
                     Mistake(UNSHIFTED, lambda z, y: _softmax_ce(z, y, logs="unshifted")),
                     Mistake(LOG_OF_SOFTMAX, lambda z, y: _softmax_ce(z, y, logs="log_of_softmax")),
                     Mistake("dlogits[:, labels] -= 1 subtracts 1 in column labels[n] of EVERY row; "
                             "subtract the one-hot rows: dlogits[np.arange(N), labels] -= 1",
                             lambda z, y: _softmax_ce(z, y, grad="columns")),
                     Mistake("the integer labels were subtracted as numbers (P - y); the gradient is P minus the "
                             "one-hot matrix of the labels", lambda z, y: _softmax_ce(z, y, grad="labels")),
                     Mistake(COLUMN_BLOCK, lambda z, y: _softmax_ce(z, y, loss_pick="columns")))),
    _check("test_softmax_ce_weighted", forbid_warnings=True,
           mistakes=(Mistake("the weighted sum was divided by N; PyTorch's weighted mean divides by the sum of the "
                             "labels' weights, sum over n of weight[labels[n]]",
                             lambda z, y, w: _weighted_ce(z, y, w, over="rows")),
                     Mistake("the weights were ignored", lambda z, y, w: _weighted_ce(z, y, np.ones_like(w))),
                     Mistake("the loss was weighted but the gradient was not: row n of P - Y is scaled by "
                             "w_n / (sum of the w_n)", lambda z, y, w: _weighted_ce(z, y, w, grad="none")),
                     Mistake("the gradient was scaled column by column by weight[c]; each ROW n is scaled by the "
                             "weight of its label, weight[labels[n]]",
                             lambda z, y, w: _weighted_ce(z, y, w, grad="columns")))),
    _check("test_ce_one_hot", forbid_warnings=True, mistakes=CE_MISTAKES),
    _check("test_ce_soft", forbid_warnings=True,
           mistakes=CE_MISTAKES + (Mistake("the targets were turned into labels with argmax: right for one-hot rows "
                                           "only; soft targets need -sum(targets * log_softmax(logits), axis=1)",
                                           lambda z, t: _ce_targets(z, t, argmax=True)),)),
    _check("test_huber",
           mistakes=(Mistake("PyTorch's SmoothL1Loss was computed (the Huber loss divided by delta): HuberLoss keeps "
                             "0.5 * r**2 inside and delta * (|r| - delta / 2) outside",
                             _huber_variant(lambda r, d: _huber_entries(r, d) / d, lambda r, d: np.clip(r, -d, d) / d)),
                     Mistake("the 1/2 of the quadratic piece was left out: the Huber loss is 0.5 * r**2 where "
                             "|r| <= delta", _huber_variant(
                                 lambda r, d: np.where(np.abs(r) <= d, r * r, d * (np.abs(r) - 0.5 * d)),
                                 lambda r, d: np.where(np.abs(r) <= d, 2.0 * r, d * np.sign(r)))),
                     Mistake("the linear piece lacks its offset: it is delta * (|r| - delta / 2), not delta * |r|, "
                             "so that the pieces meet at |r| = delta",
                             _huber_variant(lambda r, d: np.where(np.abs(r) <= d, 0.5 * r * r, d * np.abs(r)))),
                     Mistake("the gradient was not clipped: it is clip(r, -delta, delta) / N, and r / N only where "
                             "|r| <= delta", _huber_variant(slopes=lambda r, d: r)),
                     Mistake("the linear piece's gradient is delta * sign(r), not sign(r)",
                             _huber_variant(slopes=lambda r, d: np.where(np.abs(r) <= d, r, np.sign(r)))),
                     Mistake("r was compared with delta instead of |r|: large negative residuals were treated as "
                             "quadratic", _huber_variant(
                                 lambda r, d: np.where(r <= d, 0.5 * r * r, d * (np.abs(r) - 0.5 * d)),
                                 lambda r, d: np.where(r <= d, r, d))),
                     Mistake(SUM_NOT_MEAN + " (and the gradient lost its 1/N)", _huber_variant(by="none")),
                     Mistake(NOT_DIVIDED, _huber_variant(grad_by="none")),
                     Mistake(MEAN_OVER_ROWS, _huber_variant(by="rows")))),
    _check("test_hinge", mistakes=HINGE_MISTAKES),
    _check("test_hinge_at_margin",
           mistakes=(Mistake("a term exactly at 0 was counted as active (>= 0): at the corner of max(0, t) the course "
                             "takes the left-hand slope 0, so only terms > 0 are active",
                             _hinge_variant(active_at_zero=True)),) + HINGE_MISTAKES),
)
