"""Wrong implementations written the way students write them (not taken from
the grader's own list) fail, and the feedback names the mistake. The list
covers every mistake issue 8 asks the grader to diagnose."""
from __future__ import annotations

import pytest

from conftest import kernel_namespace

# A train/eval BatchNorm with one line swapped for the student's version.
BN = """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train"{or_eval}:
        mu = np.mean(x, axis=0)
        var = {var}
        N = x.shape[0]
        state["running_mean"] = {running_mean}
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    xhat = {xhat}
    return gamma * xhat + beta, (x, gamma, mu, var, eps)
"""
BN_RIGHT = dict(or_eval="", var="np.var(x, axis=0)",
                running_mean="(1 - momentum) * state['running_mean'] + momentum * mu",
                xhat="(x - mu) / np.sqrt(var + eps)")


def bn(**change):
    return BN.format(**{**BN_RIGHT, **change})


BACKWARD = """
def {name}(dout, cache):
    x, gamma, mu, var, eps = cache
    N = x.shape[0]
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    dbeta = {dbeta}
    dgamma = {dgamma}
    dxhat = dout * gamma
    dx = {dx}
    return dx, dgamma, dbeta
"""
SUMMED = dict(dbeta="np.sum(dout, axis=0)", dgamma="np.sum(dout * xhat, axis=0)")


def backward(name, dx, **change):
    return BACKWARD.format(name=name, dx=dx, **{**SUMMED, **change})


CLOSED = "(1.0 / N) / std * (N * dxhat - np.sum(dxhat, axis=0) - xhat * np.sum(dxhat * xhat, axis=0))"
OWN_STATS = "scaled with its own statistics"

WRONG = [
    ("test_min_max_scale",
     "def min_max_scale(train, test):\n    f = lambda a: (a - a.min(0)) / (a.max(0) - a.min(0))\n    return f(train), f(test)",
     OWN_STATS),
    ("test_min_max_scale",
     "def min_max_scale(train, test):\n    lo, hi = np.min(train), np.max(train)\n    return (train - lo) / (hi - lo), (test - lo) / (hi - lo)",
     "over the whole array instead of per feature"),
    ("test_standardize",
     "def standardize(train, test):\n    z = lambda a: (a - a.mean(axis=0)) / a.std(axis=0)\n    return z(train), z(test)", OWN_STATS),
    ("test_standardize",
     "def standardize(train, test):\n    m, s = np.mean(train, 0), np.std(train, 0, ddof=1)\n    return (train - m) / s, (test - m) / s",
     "unbiased standard deviation"),
    ("test_batchnorm_forward_train", bn(var="np.var(x, axis=0, ddof=1)"), "unbiased variance"),
    ("test_batchnorm_forward_train", bn(var="((x - mu) ** 2).sum(axis=0) / (len(x) - 1)"),
     "unbiased variance (ddof=1) used for normalizing"),
    ("test_batchnorm_forward_train", bn(xhat="(x - mu) / (np.sqrt(var) + eps)"), "eps outside the square root"),
    ("test_batchnorm_forward_eval", bn(xhat="(x - mu) / (var ** 0.5 + eps)"), "eps outside the square root"),
    ("test_batchnorm_running_stats", bn(running_mean="momentum * state['running_mean'] + (1 - momentum) * mu"),
     "running momentum reversed"),
    ("test_batchnorm_forward_eval", bn(or_eval=" or True"), "batch statistics used at eval"),
    ("test_batchnorm_running_stats", bn(or_eval=" or mode == 'eval'"), "batch statistics used at eval"),
    ("test_batchnorm_backward", backward("batchnorm_backward", "dxhat / std", dgamma="dout * xhat", dbeta="dout"),
     "dgamma/dbeta not summed over the batch"),
    ("test_batchnorm_backward_compact", backward("batchnorm_backward_compact", CLOSED, dbeta="dout.copy()"),
     "dgamma/dbeta not summed over the batch"),
    ("test_batchnorm_backward", backward("batchnorm_backward", "dxhat / std"), "missing the mean-gradient terms"),
    ("test_batchnorm_backward_compact",
     backward("batchnorm_backward_compact", "(1.0 / N) / std * (N * dxhat - xhat * np.sum(dxhat * xhat, axis=0))"),
     "missing the mean-gradient terms"),
    ("test_batchnorm_backward",  # the graph walked without the path from x to mu
     backward("batchnorm_backward", "dxhat / std + 2 * (x - mu) / N * np.sum(dxhat * (x - mu), axis=0) * -0.5 * std ** -3"),
     "missing the mean-gradient terms"),
    ("test_layernorm_forward",
     "def layernorm_forward(x, gamma, beta, eps=1e-5):\n    mu, var = x.mean(0), x.var(0)\n"
     "    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)",
     "that is BatchNorm"),
    ("test_activation_statistics",
     "def activation_statistics(x, weights, use_batchnorm):\n    acts = []\n    h = x\n    for W in weights:\n"
     "        h = np.tanh(h @ W)\n        if use_batchnorm:\n"
     "            h, _ = batchnorm_forward(h, np.ones(len(W)), np.zeros(len(W)), new_batchnorm_state(len(W)), 'train')\n"
     "        acts.append(h)\n    acts = np.array(acts)\n    return acts.mean(axis=(1, 2)), acts.std(axis=(1, 2)), acts",
     "BatchNorm placed after the activation"),
]


def student_namespace(source: str) -> dict:
    """The reference notebook's setup and solutions, then the student's cell on top: the
    setup's helpers (running_statistics) call the student's batchnorm_forward."""
    return kernel_namespace("06_batchnorm", source)


@pytest.mark.parametrize("check_id, source, phrase", WRONG)
def test_wrong_implementation_fails_with_its_diagnosis(verdict, check_id, source, phrase):
    message = verdict("06_batchnorm", check_id, student_namespace(source))
    assert message is not None and phrase in message, message


@pytest.mark.parametrize("check_id", ["test_batchnorm_forward_train", "test_batchnorm_running_stats",
                                      "test_batchnorm_forward_eval"])
def test_the_right_batchnorm_written_differently_passes(verdict, check_id):
    assert verdict("06_batchnorm", check_id, student_namespace(bn())) is None
