"""Grader side: chapter 6 (data normalization and Batch Normalization),
known mistakes and judges.

Every function of this chapter returns a tuple (scaled train and test sets,
``(out, cache)``, ``(dx, dgamma, dbeta)``, ...). The judge here compares it
item by item and says which item is wrong (and which entry of the cache),
but names no mistake itself: ``judge.diagnose`` names one only when the
whole output behaves like it on every call. A mistake usually spoils one
item, so the variants students write are registered one by one: in one
item or in both (momentum reversed in the update of running_mean, of
running_var, or of both), and together with an independent mistake in
another item (each mistake of dx alone and with unsummed dgamma or dbeta).
The inputs are the kernel side's
(``grader_tests.kernel.inputs.ch06_batchnorm``).
"""
from __future__ import annotations

import functools

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import compare, kind

RTOL, ATOL = 1e-7, 1e-9
# A (name, labels) pair labels a tuple inside the returned one.
CACHE = ("cache", ("x", "gamma", "mu", "var", "eps"))
# running_statistics is the setup's: the student wrote the batchnorm_forward it drives.
RUNNING_ITEMS = tuple(f"{name} left in state by your batchnorm_forward" for name in ("running_mean", "running_var"))


def _difference(got, expected, labels, returned="it returned", within=""):
    """The first item of ``got`` that differs from ``expected``, in the student's terms, or None."""
    names = ", ".join(label if isinstance(label, str) else label[0] for label in labels)
    if not isinstance(got, tuple) or len(got) != len(expected):
        what = f"a {kind(got)} of {len(got)} values" if isinstance(got, tuple) else "a single value"
        return f"{returned} {what}, not ({names})"
    for label, item, reference in zip(labels, got, expected):
        if isinstance(label, str):
            problem = compare(item, reference, RTOL, ATOL)
            problem = problem and f"{label}{within}: {problem}"
        else:
            name, inner = label
            problem = _difference(item, reference, inner, f"its {name} is", f" in the {name}")
        if problem:
            return problem
    return None


def _check(check_id, labels, *mistakes, **grading):
    def judge(got, expected, args):
        return _difference(got, expected, labels)
    return check(check_id, rtol=RTOL, atol=ATOL, mistakes=mistakes, judge=judge, **grading)


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


# Where eps goes: the right place, and the two wrong ones students choose.
SPREAD = {"inside": lambda var, eps: np.sqrt(var + eps),
          "outside": lambda var, eps: np.sqrt(var) + eps,
          "missing": lambda var, eps: np.sqrt(var)}


def _bn(x, gamma, beta, state, mode, ddof=0, spread="inside", axis=0, eval_batch=False,
        reversed_stats=(), running_ddof=1, stored=True, replaced=False):
    """BatchNorm forward with one switch per known mistake; the cache as the course defines it."""
    if mode == "train" or eval_batch:
        keep = axis == 1
        mu, var = x.mean(axis=axis, keepdims=keep), x.var(axis=axis, ddof=ddof, keepdims=keep)
        batch = {"mean": x.mean(axis=0), "var": x.var(axis=0, ddof=running_ddof)}
        for stat in ("mean", "var") if stored else ():
            weight = state["momentum"]  # of the batch's statistic
            if replaced or stat in reversed_stats:
                weight = 1.0 if replaced else 1.0 - weight
            state[f"running_{stat}"] = (1.0 - weight) * state[f"running_{stat}"] + weight * batch[stat]
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / SPREAD[spread](var, state["eps"]) + beta, (x, gamma, mu, var, state["eps"])


def _running(**switches):
    def run(batches, gamma, beta, momentum=0.1, eps=1e-5):
        state = {"running_mean": np.zeros(gamma.shape[0]), "running_var": np.ones(gamma.shape[0]),
                 "momentum": momentum, "eps": eps}
        for x in batches:
            _bn(x, gamma, beta, state, "train", **switches)
        _bn(batches[0], gamma, beta, state, "eval", **switches)
        return state["running_mean"], state["running_var"]
    return run


def _bn_backward(dout, cache, unsummed=(), mean_path=True, var_path=True, scaled=True):
    x, gamma, mu, var, eps = cache
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = dout * gamma if scaled else dout
    dx = dx_hat * inv_std
    if var_path:
        dx = dx - x_hat * inv_std * (dx_hat * x_hat).mean(axis=0)
    if mean_path:
        dx = dx - inv_std * dx_hat.mean(axis=0)
    per_row = {"dgamma": dout * x_hat, "dbeta": dout}
    return (dx, *(grad if name in unsummed else grad.sum(axis=0) for name, grad in per_row.items()))


def _layernorm(x, gamma, beta, eps=1e-5, axis=1, ddof=0, spread="inside", keepdims=True):
    mu = x.mean(axis=axis, keepdims=keepdims)
    var = x.var(axis=axis, ddof=ddof, keepdims=keepdims)
    return gamma * (x - mu) / SPREAD[spread](var, eps) + beta, (x, gamma, mu, var, eps)


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


def _per_channel(v, x):
    """A per-channel vector shaped to broadcast against x of shape (N, D, *spatial)."""
    return v.reshape((1, x.shape[1]) + (1,) * (x.ndim - 2))


def _group_norm(x, gamma, beta, num_groups, eps=1e-5, ddof=0, spread="inside", order="consecutive",
                over_batch=False, affine="per channel"):
    """Group Normalization with one switch per known mistake. ``order``
    "strided" puts channels j, j + G, j + 2G, ... in one group (the reshape
    (N, D // G, G, ...)); ``over_batch`` also averages over the examples,
    giving statistics of shape (G,); ``affine`` "per group" uses gamma[r] and
    beta[r] for the whole of group r."""
    n, d = x.shape[:2]
    if order == "strided":
        grouped = x.reshape(n, d // num_groups, num_groups, -1).swapaxes(1, 2).reshape(n, num_groups, -1)
    else:
        grouped = x.reshape(n, num_groups, -1)
    axes = (0, 2) if over_batch else 2
    mu, var = grouped.mean(axis=axes), grouped.var(axis=axes, ddof=ddof)
    keep = (grouped.mean(axis=axes, keepdims=True), grouped.var(axis=axes, ddof=ddof, keepdims=True))
    x_hat = (grouped - keep[0]) / SPREAD[spread](keep[1], eps)
    if order == "strided":
        x_hat = x_hat.reshape(n, num_groups, d // num_groups, -1).swapaxes(1, 2)
    x_hat = x_hat.reshape(x.shape)
    scale, shift = gamma, beta
    if affine == "per group":
        scale, shift = (np.repeat(v[:num_groups], d // num_groups) for v in (gamma, beta))
    return _per_channel(scale, x) * x_hat + _per_channel(shift, x), (x, gamma, mu, var, eps)


def _instance_norm(x, gamma, beta, eps=1e-5, axes="positions", ddof=0, spread="inside"):
    """Instance Normalization with one switch per known mistake: ``axes``
    "batch and positions" is BatchNorm per channel (statistics of shape (D,)),
    "channels and positions" LayerNorm per example (shape (N,))."""
    positions = tuple(range(2, x.ndim))
    over = {"positions": positions, "batch and positions": (0, *positions),
            "channels and positions": (1, *positions)}[axes]
    mu, var = x.mean(axis=over), x.var(axis=over, ddof=ddof)
    x_hat = (x - x.mean(axis=over, keepdims=True)) / SPREAD[spread](x.var(axis=over, ddof=ddof, keepdims=True), eps)
    return _per_channel(gamma, x) * x_hat + _per_channel(beta, x), (x, gamma, mu, var, eps)


GROUPS_OVER_BATCH = ("normalized over the batch axis too: Group Normalization takes its statistics within each "
                     "example, over one group's channels and positions, mu and var of shape (N, num_groups)")
GROUPS_STRIDED = ("channels grouped in the wrong order: a group is D // num_groups CONSECUTIVE channels, "
                  "x.reshape(N, num_groups, -1); reshaping to (N, D // num_groups, num_groups, ...) puts channels "
                  "j, j + num_groups, ... together")
GAMMA_PER_GROUP = ("gamma and beta applied per group (gamma[r] for all of group r): they have one entry per "
                   "channel, gamma[j] for channel j")

OWN_TEST = "test data scaled with its own statistics: fit min/max or mean/std on the training split only"
UNBIASED = "unbiased variance (ddof=1) used for normalizing: normalize with the biased variance, divide by N"
EPS_OUTSIDE = "eps outside the square root: divide by sqrt(var + eps), not sqrt(var) + eps"
EPS_MISSING = ("eps left out: divide by sqrt(var + eps); eps keeps a variance of 0 (a constant feature "
               "or row) from dividing 0 by 0")
STATE_UNCHANGED = ("running statistics never stored in state: in \"train\" mode put the updated running_mean "
                   "and running_var into the state dict you were given (not into a copy or local variables)")


def _momentum_reversed(where):
    return f"running momentum reversed {where}: running = (1 - momentum) * running + momentum * batch"


# dx goes wrong independently of the sums for dgamma and dbeta: each mistake
# of one kind is registered alone and together with each of the other kind.
SUM_MISTAKES = tuple(
    (f"{which} not summed over the batch: gamma and beta are shared by every row, so their gradients "
     "add up over the rows", dict(unsummed=items))
    for which, items in (("dgamma and dbeta", ("dgamma", "dbeta")), ("dgamma", ("dgamma",)), ("dbeta", ("dbeta",))))
DX_MISTAKES = (
    ("missing the mean-gradient terms: dx only goes through x_hat, but mu and var depend on every x, so dx "
     "also needs the paths through the batch mean and the batch variance", dict(mean_path=False, var_path=False)),
    ("missing the path through the batch mean: dx lacks the term - mean(dx_hat) / std",
     dict(mean_path=False)),
    ("missing the path through the batch variance: dx lacks the term - x_hat * mean(dx_hat * x_hat) / std",
     dict(var_path=False)),
    ("gamma left out of dx: the gradient reaching x_hat is dout * gamma", dict(scaled=False)),
)
BACKWARD_MISTAKES = tuple(
    Mistake("; and ".join(name for name, _ in parts),
            functools.partial(_bn_backward, **{k: v for _, switches in parts for k, v in switches.items()}))
    for parts in [*((one,) for one in SUM_MISTAKES + DX_MISTAKES),
                  *((sums, dx) for sums in SUM_MISTAKES for dx in DX_MISTAKES)])

register(
    _check("test_min_max_scale", ("train_scaled", "test_scaled"),
           Mistake(OWN_TEST, lambda tr, te: _min_max(tr, te, own_test=True)),
           Mistake("min and max taken over the whole array instead of per feature (axis=0)",
                   lambda tr, te: _min_max(tr, te, global_stats=True)),
           Mistake("divided by max instead of (max - min)", lambda tr, te: _min_max(tr, te, by_max=True)),
           keeps_inputs=True),
    _check("test_standardize", ("train_scaled", "test_scaled"),
           Mistake(OWN_TEST, lambda tr, te: _standardize(tr, te, own_test=True)),
           Mistake("unbiased standard deviation (ddof=1): standardize with the biased one, divide by N",
                   lambda tr, te: _standardize(tr, te, ddof=1)),
           Mistake("mean and standard deviation taken over the whole array instead of per feature (axis=0)",
                   lambda tr, te: _standardize(tr, te, global_stats=True)),
           Mistake("divided by the variance instead of the standard deviation",
                   lambda tr, te: _standardize(tr, te, by_var=True)),
           keeps_inputs=True),
    _check("test_batchnorm_forward_train", ("out", CACHE),
           Mistake(UNBIASED, lambda *a: _bn(*a, ddof=1)),
           Mistake(EPS_OUTSIDE, lambda *a: _bn(*a, spread="outside")),
           Mistake(EPS_MISSING, lambda *a: _bn(*a, spread="missing")),
           Mistake("normalized each row over its features (axis=1): that is LayerNorm; BatchNorm normalizes "
                   "each feature over the batch (axis=0)", lambda *a: _bn(*a, axis=1))),
    _check("test_batchnorm_running_stats", RUNNING_ITEMS,
           Mistake(_momentum_reversed("in both updates"), _running(reversed_stats=("mean", "var"))),
           Mistake(_momentum_reversed("in the update of running_mean"), _running(reversed_stats=("mean",))),
           Mistake(_momentum_reversed("in the update of running_var"), _running(reversed_stats=("var",))),
           Mistake("running statistics replaced by the batch's: blend them, (1 - momentum) * running + "
                   "momentum * batch", _running(replaced=True)),
           Mistake(STATE_UNCHANGED, _running(stored=False)),
           Mistake("running statistics updated in \"eval\" mode: \"eval\" must leave the state unchanged",
                   _running(eval_batch=True)),
           Mistake("running variance stored biased: PyTorch stores the unbiased batch variance (ddof=1) in running_var",
                   _running(running_ddof=0))),
    _check("test_batchnorm_forward_eval", ("out", CACHE),
           Mistake("batch statistics used in \"eval\" mode: normalize with state's running_mean and running_var",
                   lambda *a: _bn(*a, eval_batch=True)),
           Mistake(EPS_OUTSIDE, lambda *a: _bn(*a, spread="outside")),
           Mistake(EPS_MISSING, lambda *a: _bn(*a, spread="missing")),
           keeps_inputs=True),
    _check("test_batchnorm_backward", ("dx", "dgamma", "dbeta"), *BACKWARD_MISTAKES, keeps_inputs=True),
    _check("test_batchnorm_backward_compact", ("dx", "dgamma", "dbeta"), *BACKWARD_MISTAKES, keeps_inputs=True),
    _check("test_layernorm_forward", ("out", CACHE),
           *(Mistake("normalized over the batch (axis=0): that is BatchNorm; LayerNorm normalizes each row over "
                     "its features (axis=1)", functools.partial(_layernorm, axis=0, keepdims=keep))
             for keep in (True, False)),
           Mistake(UNBIASED, functools.partial(_layernorm, ddof=1)),
           Mistake(EPS_OUTSIDE, functools.partial(_layernorm, spread="outside")),
           Mistake(EPS_MISSING, functools.partial(_layernorm, spread="missing")),
           keeps_inputs=True),
    _check("test_group_norm_forward", ("out", CACHE),
           Mistake(GROUPS_OVER_BATCH, functools.partial(_group_norm, over_batch=True)),
           Mistake(GROUPS_STRIDED, functools.partial(_group_norm, order="strided")),
           Mistake(UNBIASED, functools.partial(_group_norm, ddof=1)),
           Mistake(EPS_OUTSIDE, functools.partial(_group_norm, spread="outside")),
           Mistake(EPS_MISSING, functools.partial(_group_norm, spread="missing")),
           Mistake(GAMMA_PER_GROUP, functools.partial(_group_norm, affine="per group")),
           keeps_inputs=True),
    _check("test_instance_norm_forward", ("out", CACHE),
           Mistake("normalized over the batch too (that is BatchNorm per channel): Instance Normalization takes "
                   "each example's channel over its positions alone, mu and var of shape (N, D)",
                   functools.partial(_instance_norm, axes="batch and positions")),
           Mistake("normalized over all channels of the example (that is LayerNorm): Instance Normalization "
                   "gives each channel its own statistics, mu and var of shape (N, D)",
                   functools.partial(_instance_norm, axes="channels and positions")),
           Mistake(UNBIASED, functools.partial(_instance_norm, ddof=1)),
           Mistake(EPS_OUTSIDE, functools.partial(_instance_norm, spread="outside")),
           Mistake(EPS_MISSING, functools.partial(_instance_norm, spread="missing")),
           keeps_inputs=True),
    _check("test_activation_statistics", ("means", "stds", "activations"),
           Mistake("BatchNorm placed after the activation: normalize the pre-activation z = h @ W, then apply tanh",
                   lambda *a: _deep(*a, after_activation=True)),
           Mistake("statistics of the pre-activations z instead of the activations tanh(z)",
                   lambda *a: _deep(*a, pre_activations=True)),
           Mistake("unbiased standard deviation (ddof=1) of the activations: use np.std's default ddof=0",
                   lambda *a: _deep(*a, ddof=1)),
           Mistake("use_batchnorm ignored: with use_batchnorm=True, normalize each z with batchnorm_forward",
                   lambda x, weights, use_batchnorm: _deep(x, weights, False))),
)
