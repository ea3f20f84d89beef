"""Wrong implementations written the way students write them (not taken from
the grader's own list) fail, and the feedback names the mistake."""
from __future__ import annotations

import pytest

from conftest import reference_namespace

NUMGRAD = """
def f(fun, x, h={h}):
    x = x.copy()
    g = np.zeros(x.shape)
    it = np.nditer(x, flags=['multi_index'])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        up = fun(x)
        x[i] = old {minus}
        down = fun(x)
        x[i] = old
        g[i] = (up - down) / ({denominator})
        it.iternext()
    return g
"""

WRONG = [
    ("test_affine_forward", "affine_forward", "def f(x, W, b):\n    return np.dot(x, W), (x, W, b)", "bias b was left out"),
    ("test_affine_backward", "affine_backward",
     "def f(dout, cache):\n    x, W, b = cache\n    return np.dot(dout, W.T), np.dot(dout.T, x), np.sum(dout, axis=0)",
     "transposed weight gradient"),
    ("test_affine_backward", "affine_backward",
     "def f(dout, cache):\n    x, W, b = cache\n    return dout.dot(W.T), x.T.dot(dout), dout.copy()", "db was not summed over the batch"),
    ("test_affine_backward", "affine_backward",
     "def f(dout, cache):\n    x, W, b = cache\n    N = len(x)\n    return dout @ W.T, x.T @ dout / N, np.sum(dout, 0) / N",
     "divided by N again"),
    ("test_relu_backward", "relu_backward", "def f(dout, x):\n    return dout * np.heaviside(x, 1.0)", "subgradient at 0 was taken as 1"),
    ("test_sigmoid_backward", "sigmoid_backward", "def f(dout, cache):\n    s = cache\n    return dout * (s - s ** 2)",
     "evaluated on the activation output instead of the pre-activation"),
    ("test_softmax_cross_entropy", "softmax_cross_entropy",
     "def f(s, y):\n    p = np.exp(s - s.max(1, keepdims=True))\n    p = p / p.sum(1, keepdims=True)\n"
     "    loss = -np.mean(np.log(p[range(len(y)), y]))\n    p[range(len(y)), y] -= 1\n    return loss, p",
     "gradient was not divided by N"),
    ("test_softmax_cross_entropy", "softmax_cross_entropy",
     "def f(s, y):\n    p = np.exp(s) / np.sum(np.exp(s), axis=1, keepdims=True)\n    n = len(y)\n"
     "    loss = np.mean(-np.log(p[np.arange(n), y]))\n    d = p.copy()\n    d[np.arange(n), y] -= 1\n    return loss, d / n",
     "softmax without subtracting the row maximum"),
    ("test_two_layer_grads", "two_layer_loss",
     "def f(X, y, params):\n    W1, b1, W2, b2 = params\n    N = X.shape[0]\n"
     "    z, c1 = affine_forward(X, W1, b1)\n    h, c2 = relu_forward(z)\n    s, c3 = affine_forward(h, W2, b2)\n"
     "    loss, ds = softmax_cross_entropy(s, y)\n    dh, dW2, db2 = affine_backward(ds, c3)\n"
     "    dz = relu_backward(dh, c2)\n    _, dW1, db1 = affine_backward(dz, c1)\n"
     "    return loss, (dW1 / N, db1 / N, dW2 / N, db2 / N)",
     "divided by N twice"),
    ("test_two_layer_loss", "two_layer_loss",
     "def f(X, y, params):\n    W1, b1, W2, b2 = params\n    z = X @ W1 + b1\n    h = np.maximum(z, 0)\n"
     "    s = h @ W2 + b2\n    s = s - s.max(axis=1, keepdims=True)\n    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)\n"
     "    loss = -np.log(p[np.arange(len(y)), y]).mean()\n    d = p.copy()\n    d[np.arange(len(y)), y] -= 1\n"
     "    dz = d @ W2.T * (z > 0)\n    return loss, (X.T @ dz, dz.sum(0), h.T @ d, d.sum(0))",
     "gradient was not divided by N"),
    ("test_numerical_gradient", "numerical_gradient", NUMGRAD.format(h="1e-5", minus="", denominator="h"),
     "one-sided difference"),
    ("test_numerical_gradient", "numerical_gradient", NUMGRAD.format(h="1e-5", minus="- h", denominator="h"),
     "divided by h instead of 2h"),
    ("test_numerical_gradient_default_h", "numerical_gradient", NUMGRAD.format(h="1e-5", minus="", denominator="h"),
     "one-sided difference"),
    ("test_numerical_gradient_default_h", "numerical_gradient", NUMGRAD.format(h="1e-12", minus="- h", denominator="2 * h"),
     "h far too small"),
    ("test_numerical_gradient_default_h", "numerical_gradient", NUMGRAD.format(h="1e-2", minus="- h", denominator="2 * h"),
     "h far too large"),
    ("test_numerical_gradient_default_h", "numerical_gradient", NUMGRAD.format(h="0.1", minus="- h", denominator="2 * h"),
     "h far too large"),
    ("test_rel_error", "rel_error", "def f(a, b, floor=1e-8):\n    return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))",
     "no floor in the denominator"),
    ("test_find_wrong_gradient", "find_wrong_gradient",
     "def f(loss, params, grads, h=1e-5, tol=1e-6):\n"
     "    errs = [rel_error(numerical_gradient(lambda v: loss({**params, k: v}), params[k], h), grads[k]) for k in params]\n"
     "    return list(params)[int(np.argmax(errs))]",
     "a name was reported even when every gradient is right"),
    ("test_train_spiral", "train_two_layer",
     "def f(X, y, H, lr, steps, rng):\n    params, losses = train_ref(X, y, H, lr, steps, rng)\n    return params, losses[:-1]",
     "losses has shape"),
    ("test_train_spiral", "train_two_layer",
     "def f(X, y, H, lr, steps, rng):\n    return train_ref(X, y, H, lr, 20, rng)[0], np.zeros(steps)",
     "training accuracy"),
    ("test_train_xor", "train_two_layer",
     "def f(X, y, H, lr, steps, rng):\n    return train_ref(X, y, H, -lr, steps, rng)",
     "at least 100% required"),
]


@pytest.mark.parametrize("check_id, function, source, phrase", WRONG)
def test_wrong_implementation_fails_with_its_diagnosis(verdict, check_id, function, source, phrase):
    namespace = reference_namespace("02_backprop")
    namespace["train_ref"] = namespace["train_two_layer"]
    exec(source, namespace)
    message = verdict("02_backprop", check_id, reference_namespace("02_backprop", **{function: namespace["f"]}))
    assert message is not None and phrase in message, message
