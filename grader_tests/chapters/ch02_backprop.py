"""Grader side: chapter 2 (back-propagation), known mistakes and judges.

Every wrong implementation below is a mistake students really make when they
derive or code a backward pass; the grader names it when a submission behaves
exactly like it. The training checks judge the returned weights by accuracy,
computed here, because trained weights are not unique. The inputs are the
kernel side's (``grader_tests.kernel.inputs.ch02_backprop``); the gradients
they hold for ``find_wrong_gradient`` are computed here
(``planted_gradients``) and stored there in advance.
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register


# ---- known wrong implementations (written independently of the reference) ----

def _ce(scores, y, scale=1.0, loss_sum=False):
    n = scores.shape[0]
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    losses = -np.log(p[np.arange(n), y])
    p[np.arange(n), y] -= 1.0
    return float(losses.sum() if loss_sum else losses.mean()), p * scale


def _naive_ce(scores, y):
    n = scores.shape[0]
    e = np.exp(scores)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean()
    p[np.arange(n), y] -= 1.0
    return float(loss), p / n


def _net(X, y, params, grad_scale=1.0, loss_sum=False, db_mean=False):
    W1, b1, W2, b2 = params
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    n = X.shape[0]
    loss, dscores = _ce(a1 @ W2 + b2, y, loss_sum=loss_sum)
    dscores = dscores / n * grad_scale
    dz1 = (dscores @ W2.T) * (z1 > 0)
    db = (lambda d: d.mean(axis=0)) if db_mean else (lambda d: d.sum(axis=0))
    return loss, (X.T @ dz1, db(dz1), a1.T @ dscores, db(dscores))


def _net_not_divided(X, y, params):
    return _net(X, y, params, grad_scale=X.shape[0])


def _net_divided_twice(X, y, params):
    return _net(X, y, params, grad_scale=1.0 / X.shape[0])


def _net_loss_summed(X, y, params):
    return _net(X, y, params, loss_sum=True, grad_scale=X.shape[0])


def _net_db_mean(X, y, params):
    return _net(X, y, params, db_mean=True)


def _sig(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


NET_MISTAKES = (
    Mistake("the gradient was not divided by N: the loss is a mean, so dscores = (P - Y) / N", _net_not_divided),
    Mistake("the gradient was divided by N twice: dscores already carries the 1/N; the layers' backward passes must not divide again",
            _net_divided_twice),
    Mistake("the loss was summed over the batch instead of averaged", _net_loss_summed),
    Mistake("db was averaged over the batch instead of summed (the 1/N is already in dout)", _net_db_mean),
)


# ---- numerical gradients: the exact gradient of the kernel's ScalarFunction ----

def exact_gradient(f, x):
    if f.kind == "cubic":
        return 3.0 * x ** 2 + f.c
    if f.kind == "sin":
        return f.c * np.cos(x)
    e = np.exp(x - x.max())
    return e / e.sum()


def _difference(f, x, h, one_sided=False, denominator=None):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        if one_sided:
            grad[i] = (f(x + e) - f(x)) / h
        else:
            grad[i] = (f(x + e) - f(x - e)) / (denominator or 2.0 * h)
    return grad


def judge_default_h(got, expected, args):
    """numerical_gradient(f, x) with the student's default h, against the exact gradient."""
    f, x = args
    exact = exact_gradient(f, x)
    if not isinstance(got, np.ndarray) or got.shape != exact.shape:
        return f"returned shape {getattr(got, 'shape', None)}, expected {exact.shape}"
    if got.dtype != np.float64:
        return f"dtype {got.dtype}, expected float64"
    error = float(np.max(np.abs(got - exact)) / max(np.max(np.abs(exact)), 1e-12))
    if error <= 1e-7:
        return None
    scale = max(float(np.max(np.abs(got - exact))), 1e-300)
    for h in 10.0 ** -np.arange(1, 14):
        if np.max(np.abs(got - _difference(f, x, h, one_sided=True))) < 1e-3 * scale:
            return (f"error {error:.1e} against the exact gradient. Likely mistake: one-sided difference "
                    f"(f(x + h) - f(x)) / h, whose error is of order h; use the central difference")
    for h in (1e-1, 3e-2, 1e-2, 3e-3, 1e-3):
        if np.max(np.abs(got - _difference(f, x, h))) < 1e-3 * scale:
            return (f"error {error:.1e} against the exact gradient. Likely mistake: h far too large "
                    f"(h = {h:g}?): the truncation error grows like h^2; the default should be about 1e-5")
    if np.all(np.isfinite(got)):
        return (f"error {error:.1e} against the exact gradient. Likely mistake: h far too small: round-off "
                "error grows like eps / h; the default should be about 1e-5 for float64")
    return f"error {error:.1e} against the exact gradient"


def _rel_error_no_floor(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


def _rel_error_vs_first(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), floor)))


# ---- find the planted bug: a sigmoid network with one wrong gradient ----

# The bug planted in each of the kernel's planted_networks, in order.
PLANTED_BUGS = ("W2 transposed", "f' on output", "b2 not divided", "b1 divided twice", None)


def planted_gradients(X, y, params, bug):
    """The gradients of the kernel's SigmoidNetLoss(X, y) at params, with one
    planted bug (None: all right). The kernel holds them precomputed
    (grader_tests.chapters.precompute), not this backward pass."""
    n = X.shape[0]
    z1 = X @ params["W1"] + params["b1"]
    a1 = _sig(z1)
    dscores = _ce(a1 @ params["W2"] + params["b2"], y)[1] / n
    da1 = dscores @ params["W2"].T
    # The planted f' bug evaluates sigmoid' at the output a1 instead of at z1.
    slope = _sig(a1) * (1 - _sig(a1)) if bug == "f' on output" else a1 * (1 - a1)
    dz1 = da1 * slope
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": a1.T @ dscores, "b2": dscores.sum(axis=0)}
    if bug == "W2 transposed":
        grads["W2"] = grads["W2"].T.copy()
    if bug == "b2 not divided":
        grads["b2"] = grads["b2"] * n
    if bug == "b1 divided twice":
        grads["b1"] = grads["b1"] / n
    return grads


def _always_a_name(f, params, grads, h=1e-5, tol=1e-6):
    errors = {}
    for name, value in params.items():
        numeric = _difference(lambda p: f({**params, name: p}), value, h)
        errors[name] = np.max(np.abs(numeric - grads[name]) / np.maximum(np.abs(numeric) + np.abs(grads[name]), 1e-8))
    return max(errors, key=errors.get)


# ---- training: judged by accuracy on the training set ----

def _accuracy(params, X, y):
    W1, b1, W2, b2 = params
    return float((np.argmax(np.maximum(X @ W1 + b1, 0.0) @ W2 + b2, axis=1) == y).mean())


def _judge_training(required):
    def judge(got, expected, args):
        X, y, hidden, _, steps, _ = args
        d, c = X.shape[1], int(y.max()) + 1
        if not isinstance(got, tuple) or len(got) != 2 or not isinstance(got[0], tuple) or len(got[0]) != 4:
            return "train_two_layer() must return ((W1, b1, W2, b2), losses)"
        params, losses = got
        shapes = tuple(np.shape(p) for p in params)
        if shapes != ((d, hidden), (hidden,), (hidden, c), (c,)):
            return f"parameter shapes {shapes}, expected {((d, hidden), (hidden,), (hidden, c), (c,))}"
        if np.shape(losses) != (steps,):
            return f"losses has shape {np.shape(losses)}, expected ({steps},): the loss before each step"
        if not np.all(np.isfinite(losses)):
            return "the loss became inf or nan: is the learning rate applied with the right sign and size?"
        accuracy = _accuracy(params, X, y)
        if accuracy < required:
            trend = "rose" if losses[-1] > losses[0] else "fell"
            return (f"training accuracy {accuracy:.1%} after {steps} steps, at least {required:.0%} required "
                    f"(the loss {trend} from {losses[0]:.3g} to {losses[-1]:.3g}). Check the update "
                    "p - learning_rate * grad for every parameter and the gradients with find_wrong_gradient")
        return None
    return judge


def _affine_backward_transposed(dout, cache):
    x, W, b = cache
    return dout @ W.T, (x.T @ dout).T, dout.sum(axis=0)


def _affine_backward_db_unsummed(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout


def _affine_backward_db_mean(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def _affine_backward_divided(dout, cache):
    x, W, b = cache
    n = x.shape[0]
    return dout @ W.T, x.T @ dout / n, dout.sum(axis=0) / n


register(
    check("test_affine_forward",
          mistakes=(Mistake("the bias b was left out of out = x @ W + b", lambda x, W, b: (x @ W, (x, W, b))),
                    Mistake("the cache must be exactly (x, W, b)", lambda x, W, b: (x @ W + b, (x, W))))),
    check("test_affine_backward",
          mistakes=(Mistake("transposed weight gradient: dW = x.T @ dout has W's shape (D, M); dout.T @ x is its transpose",
                            _affine_backward_transposed),
                    Mistake("db was not summed over the batch: b is added to every row, so db = dout.sum(axis=0)",
                            _affine_backward_db_unsummed),
                    Mistake("db was averaged over the batch instead of summed (the 1/N is already in dout)",
                            _affine_backward_db_mean),
                    Mistake("the gradients were divided by N again: dout already carries the loss's 1/N",
                            _affine_backward_divided))),
    check("test_relu_backward",
          mistakes=(Mistake("the subgradient at 0 was taken as 1; this course uses 0",
                            lambda dout, z: dout * (z >= 0)),
                    Mistake("the mask was returned without multiplying by dout (chain rule: dz = dout * f'(z))",
                            lambda dout, z: (z > 0).astype(np.float64)))),
    check("test_sigmoid_backward",
          mistakes=(Mistake("f' was evaluated on the activation output instead of the pre-activation: "
                            "the cache holds z, so compute s = sigmoid(z) first",
                            lambda dout, z: dout * z * (1.0 - z)),
                    Mistake("dout was not multiplied in (chain rule: dz = dout * f'(z))",
                            lambda dout, z: _sig(z) * (1.0 - _sig(z))))),
    check("test_softmax_cross_entropy", forbid_warnings=True,
          mistakes=(Mistake("the gradient was not divided by N: the loss is a mean, so dscores = (P - Y) / N",
                            lambda s, y: _ce(s, y)),
                    Mistake("the gradient was divided by N twice", lambda s, y: _ce(s, y, scale=1.0 / s.shape[0] ** 2)),
                    Mistake("the loss was summed over the batch instead of averaged",
                            lambda s, y: _ce(s, y, loss_sum=True, scale=1.0)),
                    Mistake("softmax without subtracting the row maximum: exp overflows on large scores",
                            _naive_ce, "Subtract scores.max(axis=1, keepdims=True) first, or use log-sum-exp."))),
    check("test_two_layer_loss",
          mistakes=NET_MISTAKES),
    check("test_two_layer_grads",
          mistakes=NET_MISTAKES),
    check("test_numerical_gradient", rtol=1e-6, atol=1e-8,
          mistakes=(Mistake("one-sided difference (f(x + h) - f(x)) / h: its error is of order h, "
                            "the central difference's of order h^2",
                            lambda f, x, h=1e-5: _difference(f, x, h, one_sided=True)),
                    Mistake("the central difference was divided by h instead of 2h",
                            lambda f, x, h=1e-5: _difference(f, x, h, denominator=h)),
                    Mistake("the given h was ignored (a fixed step was used)",
                            lambda f, x, h=1e-5: _difference(f, x, 1e-5)))),
    check("test_numerical_gradient_default_h", judge=judge_default_h),
    check("test_rel_error",
          mistakes=(Mistake("no floor in the denominator: 0 / 0 gives nan when both entries are 0",
                            _rel_error_no_floor),
                    Mistake("the error was taken relative to a alone; use |a| + |b| (symmetric)",
                            _rel_error_vs_first))),
    check("test_find_wrong_gradient",
          mistakes=(Mistake("a name was reported even when every gradient is right: report \"\" "
                            "unless the largest relative error exceeds tol", _always_a_name),)),
    check("test_train_xor", judge=_judge_training(1.0)),
    check("test_train_spiral", judge=_judge_training(0.95)),
)
