"""Grader side: chapter 6 (data normalization and Batch Normalization),
known mistakes and judges.

Every function of this chapter returns a tuple (scaled train and test sets,
``(out, cache)``, ``(dx, dgamma, dbeta)``, ...). A mistake usually spoils one
item and leaves the others right, and students store caches in slightly
different ways, so the judge here compares item by item and names every
known mistake whose output shares a wrong item with the student's. The
inputs are the kernel side's (``grader_tests.kernel.inputs.ch06_batchnorm``).
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import compare, first_match

RTOL, ATOL = 1e-7, 1e-9


def _itemwise(labels, mistakes):
    """A judge comparing a returned tuple item by item: the first wrong item is
    reported, and every wrong item that equals a known mistake's names it."""
    def judge(got, expected, args):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return f"must return a tuple of {len(expected)} items: ({', '.join(labels)})"
        problems = [(index, compare(item, reference, RTOL, ATOL))
                    for index, (item, reference) in enumerate(zip(got, expected))]
        wrong = [(index, problem) for index, problem in problems if problem]
        if not wrong:
            return None
        index, problem = wrong[0]
        names = dict.fromkeys(filter(None, (_name(mistakes, args, i, got[i]) for i, _ in wrong)))
        return f"{labels[index]}: {problem}" + "".join(f". Likely mistake: {name}" for name in names)
    return judge


def _name(mistakes, args, index, item):
    """The first mistake whose output has this item, or None."""
    mistake = first_match(mistakes, args,
                          lambda wrong: len(wrong) > index and compare(item, wrong[index], RTOL, ATOL) is None)
    return mistake.name if mistake else None


def _check(check_id, labels, *mistakes):
    return check(check_id, rtol=RTOL, atol=ATOL, mistakes=mistakes, judge=_itemwise(labels, mistakes))


# ---- known wrong implementations (written independently of the reference) ----

def _min_max(train, test, own_test=False, global_stats=False, by_max=False):
    axis = None if global_stats else 0

    def scale(data, fit):
        low, high = fit.min(axis=axis), fit.max(axis=axis)
        return (data - low) / (high if by_max else high - low)
    return scale(train, train), scale(test, test if own_test else train)


def _standardize(train, test, own_test=False, ddof=0, global_stats=False, by_var=False):
    axis = None if global_stats else 0

    def scale(data, fit):
        spread = fit.var(axis=axis, ddof=ddof) if by_var else fit.std(axis=axis, ddof=ddof)
        return (data - fit.mean(axis=axis)) / spread
    return scale(train, train), scale(test, test if own_test else train)


def _bn(x, gamma, beta, state, mode, ddof=0, eps_inside=True, reverse=False, running_ddof=1,
        eval_batch=False, axis=0):
    """BatchNorm forward with one switch per known mistake; the cache as the course defines it."""
    eps, m = state["eps"], state["momentum"]
    if mode == "train" or eval_batch:
        mu, var = x.mean(axis=axis, keepdims=axis == 1), x.var(axis=axis, ddof=ddof, keepdims=axis == 1)
        old = 1.0 - m if not reverse else m
        new = m if not reverse else 1.0 - m
        state["running_mean"] = old * state["running_mean"] + new * x.mean(axis=0)
        state["running_var"] = old * state["running_var"] + new * x.var(axis=0, ddof=running_ddof)
    else:
        mu, var = state["running_mean"], state["running_var"]
    std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    return gamma * (x - mu) / std + beta, (x, gamma, mu, var, eps)


def _running(**switches):
    def run(batches, gamma, beta, momentum=0.1, eps=1e-5):
        state = {"running_mean": np.zeros(gamma.shape[0]), "running_var": np.ones(gamma.shape[0]),
                 "momentum": momentum, "eps": eps}
        for x in batches:
            _bn(x, gamma, beta, state, "train", **switches)
        _bn(batches[0], gamma, beta, state, "eval", **switches)
        return state["running_mean"], state["running_var"]
    return run


def _bn_backward(dout, cache, summed=True, mean_path=True, var_path=True):
    x, gamma, mu, var, eps = cache
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = dout * gamma
    dx = dx_hat * inv_std
    if var_path:
        dx = dx - x_hat * inv_std * (dx_hat * x_hat).mean(axis=0)
    if mean_path:
        dx = dx - inv_std * dx_hat.mean(axis=0)
    if summed:
        return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    return dx, dout * x_hat, dout


def _layernorm(x, gamma, beta, eps=1e-5, axis=1, ddof=0, eps_inside=True):
    mu = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    return gamma * (x - mu) / std + beta, (x, gamma, mu, var, eps)


def _deep(x, weights, use_batchnorm, after_activation=False, pre_activations=False, ddof=0):
    h, layers = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm and not after_activation:
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        h = np.tanh(z)
        if use_batchnorm and after_activation:
            h = (h - h.mean(axis=0)) / np.sqrt(h.var(axis=0) + 1e-5)
        layers.append(z if pre_activations else h)
    a = np.stack(layers)
    return a.mean(axis=(1, 2)), a.std(axis=(1, 2), ddof=ddof), a


OWN_TEST = "test data scaled with its own statistics: fit min/max or mean/std on the training split only"
UNBIASED = "unbiased variance (ddof=1) used for normalizing: normalize with the biased variance, divide by N"
EPS_OUTSIDE = "eps outside the square root: divide by sqrt(var + eps), not sqrt(var) + eps"
NOT_SUMMED = "dgamma/dbeta not summed over the batch: gamma and beta are shared by every row"
# The cache's label says what it must hold: a cache is never a known mistake, only a wrong one.
BN_ITEMS = ("out", "cache (x, gamma, mu, var, eps) with the statistics used to normalize")

BACKWARD_MISTAKES = (
    Mistake(NOT_SUMMED, lambda dout, cache: _bn_backward(dout, cache, summed=False)),
    Mistake("missing the mean-gradient terms: mu and var depend on every x, so dx needs the paths "
            "through the batch mean and variance", lambda dout, cache: _bn_backward(dout, cache, mean_path=False, var_path=False)),
    Mistake("missing the mean-gradient terms: dx lacks the path through the batch mean mu (- mean(dx_hat) / std)",
            lambda dout, cache: _bn_backward(dout, cache, mean_path=False)),
    Mistake("missing the variance-gradient term: dx lacks the path through the batch variance",
            lambda dout, cache: _bn_backward(dout, cache, var_path=False)),
)

register(
    _check("test_min_max_scale", ("train_scaled", "test_scaled"),
           Mistake(OWN_TEST, lambda tr, te: _min_max(tr, te, own_test=True)),
           Mistake("min and max taken over the whole array instead of per feature (axis=0)",
                   lambda tr, te: _min_max(tr, te, global_stats=True)),
           Mistake("divided by max instead of (max - min)", lambda tr, te: _min_max(tr, te, by_max=True))),
    _check("test_standardize", ("train_scaled", "test_scaled"),
           Mistake(OWN_TEST, lambda tr, te: _standardize(tr, te, own_test=True)),
           Mistake("unbiased standard deviation (ddof=1): standardize with the biased one, divide by N",
                   lambda tr, te: _standardize(tr, te, ddof=1)),
           Mistake("mean and standard deviation taken over the whole array instead of per feature (axis=0)",
                   lambda tr, te: _standardize(tr, te, global_stats=True)),
           Mistake("divided by the variance instead of the standard deviation",
                   lambda tr, te: _standardize(tr, te, by_var=True))),
    _check("test_batchnorm_forward_train", BN_ITEMS,
           Mistake(UNBIASED, lambda *a: _bn(*a, ddof=1)),
           Mistake(EPS_OUTSIDE, lambda *a: _bn(*a, eps_inside=False)),
           Mistake("normalized each row over its features (axis=1): that is LayerNorm; BatchNorm normalizes "
                   "each feature over the batch (axis=0)", lambda *a: _bn(*a, axis=1))),
    _check("test_batchnorm_running_stats", ("running_mean", "running_var"),
           Mistake("running momentum reversed: running = (1 - momentum) * running + momentum * batch",
                   _running(reverse=True)),
           Mistake("batch statistics used at eval: eval mode must not update the running statistics",
                   _running(eval_batch=True)),
           Mistake("running variance stored biased: PyTorch stores the unbiased batch variance (ddof=1) in running_var",
                   _running(running_ddof=0))),
    _check("test_batchnorm_forward_eval", BN_ITEMS,
           Mistake("batch statistics used at eval: normalize with state's running_mean and running_var",
                   lambda *a: _bn(*a, eval_batch=True)),
           Mistake(EPS_OUTSIDE, lambda *a: _bn(*a, eps_inside=False))),
    _check("test_batchnorm_backward", ("dx", "dgamma", "dbeta"),
           *BACKWARD_MISTAKES),
    _check("test_batchnorm_backward_compact", ("dx", "dgamma", "dbeta"),
           *BACKWARD_MISTAKES),
    _check("test_layernorm_forward",
           ("out", "cache (x, gamma, mu, var, eps) with mu and var of shape (N, 1)"),
           Mistake("normalized over the batch (axis=0): that is BatchNorm; LayerNorm normalizes each row over "
                   "its features (axis=1)", lambda *a: _layernorm(*a, axis=0)),
           Mistake(UNBIASED, lambda *a: _layernorm(*a, ddof=1)),
           Mistake(EPS_OUTSIDE, lambda *a: _layernorm(*a, eps_inside=False))),
    _check("test_activation_statistics", ("means", "stds", "activations"),
           Mistake("BatchNorm placed after the activation: normalize the pre-activation z = h @ W, then apply tanh",
                   lambda *a: _deep(*a, after_activation=True)),
           Mistake("statistics of the pre-activations z instead of the activations tanh(z)",
                   lambda *a: _deep(*a, pre_activations=True)),
           Mistake("unbiased standard deviation (ddof=1) of the activations: use np.std's default ddof=0",
                   lambda *a: _deep(*a, ddof=1))),
)
