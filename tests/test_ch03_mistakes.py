"""Wrong implementations written the way students write them (not taken from
the grader's own list) fail, and the feedback names the mistake. Every
mistake of the chapter's issue appears at least once:
log(0), overflow, sum instead of mean, gradient not divided by N, one-hot vs
index confusion, MAE's gradient at 0 or its sign, MSE's factor 2 and ½."""
from __future__ import annotations

import pytest

from conftest import reference_namespace

WRONG = [
    # MSE: the factor 2 and the ½ convention
    ("test_mse", "mse", "def f(yhat, y):\n    d = yhat - y\n    return np.mean(d ** 2), d / d.size",
     "missing the factor 2"),
    ("test_mse", "mse", "def f(yhat, y):\n    d = yhat - y\n    return 0.5 * np.mean(np.square(d)), d / len(d.ravel())",
     "½ convention was mixed in"),
    ("test_mse", "mse", "def f(yhat, y):\n    d = yhat - y\n    return float(np.sum(d * d)), 2 * d", "summed over the batch"),
    ("test_mse", "mse", "def f(yhat, y):\n    d = yhat - y\n    return ((d ** 2).mean(), 2 * d)", "not divided by N"),
    ("test_mse", "mse", "def f(yhat, y):\n    n = yhat.shape[0]\n    return np.sum((yhat - y) ** 2) / n, 2 * (yhat - y) / n",
     "over the N rows, not over all N*D entries"),
    # MAE: sign and the kink
    ("test_mae", "mae", "def f(yhat, y):\n    return np.abs(y - yhat).mean(), np.sign(y - yhat) / y.size", "wrong sign"),
    ("test_mae", "mae", "def f(yhat, y):\n    return np.mean(abs(yhat - y)), np.sign(yhat - y)", "not divided by N"),
    ("test_mae_at_zero", "mae",
     "def f(yhat, y):\n    r = yhat - y\n    return np.mean(np.abs(r)), (r / np.abs(r)) / r.size", "undefined (0 / 0 = nan)"),
    ("test_mae_at_zero", "mae",
     "def f(yhat, y):\n    r = yhat - y\n    g = np.where(r >= 0, 1.0, -1.0)\n    return np.abs(r).mean(), g / r.size",
     "taken as +1"),
    ("test_mae_at_zero", "mae",
     "def f(yhat, y):\n    r = yhat - y\n    return np.abs(r).mean(), np.where(r > 0, 1.0, -1.0) / r.size", "taken as -1"),
    # RMSE
    ("test_rmse", "rmse",
     "def f(yhat, y):\n    r = yhat - y\n    loss = np.sqrt(np.mean(r ** 2))\n    return loss, r / (r.size * loss)",
     "0 / 0 when every residual is 0"),
    ("test_rmse", "rmse", "def f(yhat, y):\n    r = yhat - y\n    return np.sqrt((r ** 2).mean()), 2 * r / r.size",
     "the gradient of MSE was returned"),
    # binary cross-entropy: log(0), eps, overflow
    ("test_bce_extremes", "binary_cross_entropy",
     "def f(p, y, eps=1e-12):\n    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))", "log(0) gives inf or nan"),
    ("test_bce_extremes", "binary_cross_entropy",
     "def f(p, y, eps=1e-12):\n    p = np.clip(p, 1e-7, 1 - 1e-7)\n    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))",
     "eps = 1e-7"),
    ("test_bce", "binary_cross_entropy",
     "def f(p, y, eps=1e-12):\n    p = np.clip(p, eps, 1 - eps)\n    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))",
     "summed over the batch"),
    ("test_bce_logits_large", "binary_cross_entropy_with_logits",
     "def f(z, y):\n    p = 1 / (1 + np.exp(-z))\n    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n"
     "    return loss, (p - y) / z.size", "overflow on large logits"),
    ("test_bce_logits_large", "binary_cross_entropy_with_logits",
     "def f(z, y):\n    return binary_cross_entropy(sigmoid(z), y), (sigmoid(z) - y) / z.size",
     "saturates at -log(eps)"),
    ("test_bce_logits", "binary_cross_entropy_with_logits",
     "def f(z, y):\n    l = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))\n    return l.mean(), sigmoid(z) - y",
     "not divided by N"),
    # log-softmax: overflow and log(0)
    ("test_log_softmax", "log_softmax", "def f(z):\n    e = np.exp(z)\n    return np.log(e / e.sum(axis=1, keepdims=True))",
     "without subtracting the row maximum"),
    ("test_log_softmax", "log_softmax",
     "def f(z):\n    e = np.exp(z - np.max(z, axis=1, keepdims=True))\n    return np.log(e / np.sum(e, axis=1, keepdims=True))",
     "underflows to 0"),
    # NLL and softmax cross-entropy: index vs one-hot, sum vs mean, 1/N
    ("test_nll_loss", "nll_loss", "def f(lp, y):\n    return -lp[:, y].mean()", "N x N block"),
    ("test_nll_loss", "nll_loss",
     "def f(lp, y):\n    t = np.zeros_like(lp)\n    t[np.arange(len(y)), y] = 1\n    return -np.mean(t * lp)", "all N*C entries"),
    ("test_nll_loss", "nll_loss", "def f(lp, y):\n    return -sum(lp[i, y[i]] for i in range(len(y)))", "summed over the batch"),
    ("test_softmax_ce", "softmax_cross_entropy",
     "def f(z, y):\n    lp = log_softmax(z)\n    p = np.exp(lp)\n    p[:, y] -= 1\n    return nll_loss(lp, y), p / len(y)",
     "subtracts 1 in column labels[n] of EVERY row"),
    ("test_softmax_ce", "softmax_cross_entropy",
     "def f(z, y):\n    lp = log_softmax(z)\n    return nll_loss(lp, y), (np.exp(lp) - y.reshape(-1, 1)) / len(y)",
     "subtracted as numbers"),
    ("test_softmax_ce", "softmax_cross_entropy",
     "def f(z, y):\n    n = len(y)\n    lp = log_softmax(z)\n    g = np.exp(lp)\n    g[range(n), y] -= 1\n    return nll_loss(lp, y), g",
     "not divided by N"),
    ("test_softmax_ce", "softmax_cross_entropy",
     "def f(z, y):\n    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)\n    n = len(y)\n    loss = -np.log(p[np.arange(n), y]).mean()\n"
     "    p[np.arange(n), y] -= 1\n    return loss, p / n", "without subtracting the row maximum"),
    # cross-entropy with probability targets
    ("test_ce_soft", "cross_entropy",
     "def f(z, t):\n    y = t.argmax(axis=1)\n    return softmax_cross_entropy(z, y)", "argmax"),
    ("test_ce_one_hot", "cross_entropy",
     "def f(z, t):\n    lp = log_softmax(z)\n    return -np.mean(t * lp), (np.exp(lp) - t) / len(z)", "all N*C entries"),
]


@pytest.mark.parametrize("check_id, function, source, phrase", WRONG, ids=[f"{w[0]}:{w[3]}" for w in WRONG])
def test_wrong_implementation_fails_with_its_diagnosis(verdict, check_id, function, source, phrase):
    namespace = reference_namespace("03_losses")
    exec(source, namespace)
    message = verdict("03_losses", check_id, reference_namespace("03_losses", **{function: namespace["f"]}))
    assert message is not None and phrase in message, message
