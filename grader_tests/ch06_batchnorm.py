"""Chapter 6 (data normalization and Batch Normalization): grader-chosen
inputs and known mistakes.

Every function of this chapter returns a tuple (scaled train and test sets,
``(out, cache)``, ``(dx, dgamma, dbeta)``, ...). A mistake usually spoils one
item and leaves the others right, and students store caches in slightly
different ways, so the judge here compares item by item and names every
known mistake whose output shares a wrong item with the student's.
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Check, Mistake, register
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


def _check(check_id, function, calls, labels, *mistakes):
    return Check(check_id, function, calls, rtol=RTOL, atol=ATOL, mistakes=mistakes,
                 judge=_itemwise(labels, mistakes))


# ---- grader-chosen inputs ----

def _features(rng, n, d):
    """Columns on very different scales, like age, income and a ratio."""
    loc = rng.normal(scale=50.0, size=d)
    scale = 10.0 ** rng.uniform(-1, 3, size=d)
    return loc + scale * rng.normal(size=(n, d))


def _split_calls(rng):
    calls = []
    for n, m, d in [(20, 5, 3), (8, 3, 1), (30, 10, 4)]:
        train = _features(rng, n, d)
        test = train[:m] * 1.3 + 2.0  # a test split whose own statistics differ
        calls.append((train, test))
    return calls


def _state(rng, d, momentum=0.1, eps=1e-5, fresh=True):
    mean = np.zeros(d) if fresh else rng.normal(size=d)
    var = np.ones(d) if fresh else rng.uniform(0.5, 3.0, size=d)
    return {"running_mean": mean, "running_var": var, "momentum": momentum, "eps": eps}


def _affine_params(rng, d):
    return rng.normal(loc=1.0, scale=0.5, size=d), rng.normal(size=d)


def _train_calls(rng):
    calls = []
    for n, d, eps in [(8, 3, 1e-5), (5, 5, 1e-5), (2, 4, 1e-5), (16, 2, 1e-2)]:
        x = rng.normal(loc=rng.normal(size=d), scale=rng.uniform(0.5, 2.0, size=d), size=(n, d))
        calls.append((x, *_affine_params(rng, d), _state(rng, d, eps=eps), "train"))
    return calls


def _eval_calls(rng):
    calls = []
    for n, d in [(6, 3), (1, 4), (10, 2)]:  # one example alone: inference on a single input
        x = rng.normal(scale=1.5, size=(n, d))
        calls.append((x, *_affine_params(rng, d), _state(rng, d, eps=1e-3, fresh=False), "eval"))
    return calls


def _running_calls(rng):
    calls = []
    for sizes, d, momentum in [((6, 6, 4, 9), 3, 0.1), ((3, 5), 2, 0.3), ((8,), 4, 0.1)]:
        loc = rng.normal(scale=2.0, size=d)
        batches = [rng.normal(loc=loc, scale=1.5, size=(n, d)) for n in sizes]
        calls.append((batches, *_affine_params(rng, d), momentum, 1e-5))
    return calls


def _backward_calls(rng):
    calls = []
    for n, d in [(4, 3), (7, 2), (2, 5), (5, 5)]:
        x = rng.normal(loc=1.0, scale=2.0, size=(n, d))
        gamma = rng.normal(size=d)
        cache = (x, gamma, x.mean(axis=0), x.var(axis=0), 1e-5)
        calls.append((rng.normal(size=(n, d)), cache))
    return calls


def _layernorm_calls(rng):
    calls = [(rng.normal(loc=3.0, scale=2.0, size=(n, d)), *_affine_params(rng, d)) for n, d in [(4, 5), (1, 3), (6, 2)]]
    x = rng.normal(size=(3, 4))
    calls.append((x, *_affine_params(rng, 4), 1e-2))
    return calls


def _deep_calls(rng):
    n, d, depth = 32, 16, 5
    x = rng.normal(size=(n, d))
    calls = []
    for scale in (0.2, 1.0, 4.0):
        weights = [rng.normal(scale=scale / np.sqrt(d), size=(d, d)) for _ in range(depth)]
        calls += [(x, weights, False), (x, weights, True)]
    return calls


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
    _check("test_min_max_scale", "min_max_scale", _split_calls, ("train_scaled", "test_scaled"),
           Mistake(OWN_TEST, lambda tr, te: _min_max(tr, te, own_test=True)),
           Mistake("min and max taken over the whole array instead of per feature (axis=0)",
                   lambda tr, te: _min_max(tr, te, global_stats=True)),
           Mistake("divided by max instead of (max - min)", lambda tr, te: _min_max(tr, te, by_max=True))),
    _check("test_standardize", "standardize", _split_calls, ("train_scaled", "test_scaled"),
           Mistake(OWN_TEST, lambda tr, te: _standardize(tr, te, own_test=True)),
           Mistake("unbiased standard deviation (ddof=1): standardize with the biased one, divide by N",
                   lambda tr, te: _standardize(tr, te, ddof=1)),
           Mistake("mean and standard deviation taken over the whole array instead of per feature (axis=0)",
                   lambda tr, te: _standardize(tr, te, global_stats=True)),
           Mistake("divided by the variance instead of the standard deviation",
                   lambda tr, te: _standardize(tr, te, by_var=True))),
    _check("test_batchnorm_forward_train", "batchnorm_forward", _train_calls, BN_ITEMS,
           Mistake(UNBIASED, lambda *a: _bn(*a, ddof=1)),
           Mistake(EPS_OUTSIDE, lambda *a: _bn(*a, eps_inside=False)),
           Mistake("normalized each row over its features (axis=1): that is LayerNorm; BatchNorm normalizes "
                   "each feature over the batch (axis=0)", lambda *a: _bn(*a, axis=1))),
    _check("test_batchnorm_running_stats", "running_statistics", _running_calls, ("running_mean", "running_var"),
           Mistake("running momentum reversed: running = (1 - momentum) * running + momentum * batch",
                   _running(reverse=True)),
           Mistake("batch statistics used at eval: eval mode must not update the running statistics",
                   _running(eval_batch=True)),
           Mistake("running variance stored biased: PyTorch stores the unbiased batch variance (ddof=1) in running_var",
                   _running(running_ddof=0))),
    _check("test_batchnorm_forward_eval", "batchnorm_forward", _eval_calls, BN_ITEMS,
           Mistake("batch statistics used at eval: normalize with state's running_mean and running_var",
                   lambda *a: _bn(*a, eval_batch=True)),
           Mistake(EPS_OUTSIDE, lambda *a: _bn(*a, eps_inside=False))),
    _check("test_batchnorm_backward", "batchnorm_backward", _backward_calls, ("dx", "dgamma", "dbeta"),
           *BACKWARD_MISTAKES),
    _check("test_batchnorm_backward_compact", "batchnorm_backward_compact", _backward_calls, ("dx", "dgamma", "dbeta"),
           *BACKWARD_MISTAKES),
    _check("test_layernorm_forward", "layernorm_forward", _layernorm_calls,
           ("out", "cache (x, gamma, mu, var, eps) with mu and var of shape (N, 1)"),
           Mistake("normalized over the batch (axis=0): that is BatchNorm; LayerNorm normalizes each row over "
                   "its features (axis=1)", lambda *a: _layernorm(*a, axis=0)),
           Mistake(UNBIASED, lambda *a: _layernorm(*a, ddof=1)),
           Mistake(EPS_OUTSIDE, lambda *a: _layernorm(*a, eps_inside=False))),
    _check("test_activation_statistics", "activation_statistics", _deep_calls, ("means", "stds", "activations"),
           Mistake("BatchNorm placed after the activation: normalize the pre-activation z = h @ W, then apply tanh",
                   lambda *a: _deep(*a, after_activation=True)),
           Mistake("statistics of the pre-activations z instead of the activations tanh(z)",
                   lambda *a: _deep(*a, pre_activations=True)),
           Mistake("unbiased standard deviation (ddof=1) of the activations: use np.std's default ddof=0",
                   lambda *a: _deep(*a, ddof=1))),
)
