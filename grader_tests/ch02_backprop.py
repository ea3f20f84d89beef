"""Chapter 2 (back-propagation): grader-chosen inputs and known mistakes.

Every wrong implementation below is a mistake students really make when they
derive or code a backward pass; the grader names it when a submission behaves
exactly like it. The training checks judge the returned weights by accuracy,
computed here, because trained weights are not unique.
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Check, Mistake, register

# Shapes with N != D != M so that a transposed or unsummed gradient has the
# wrong shape, plus one square case where only the values can tell.
SHAPES = [(4, 3, 5), (7, 2, 3), (1, 6, 2), (3, 3, 3)]


def _affine_calls(rng):
    return [(rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(m,))) for n, d, m in SHAPES]


def _affine_backward_calls(rng):
    return [(rng.normal(size=(n, m)), (rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(m,))))
            for n, d, m in SHAPES]


def _activation_calls(rng, zeros=True):
    z = rng.normal(scale=2.0, size=(5, 4))
    if zeros:
        z[0, :2] = 0.0  # exact zeros: where relu's subgradient convention shows
    return [(rng.normal(size=(5, 4)), z), (rng.normal(size=(3,)), rng.normal(size=(3,)))]


def _softmax_calls(rng):
    calls = [(rng.normal(scale=2.0, size=(n, c)), rng.integers(0, c, size=n)) for n, c in [(5, 3), (8, 4), (2, 6)]]
    calls.append((np.array([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]]), np.array([2, 1])))
    return calls


def _params(rng, d, h, c, scale=1.0):
    return (rng.normal(scale=scale, size=(d, h)), rng.normal(scale=scale, size=(h,)),
            rng.normal(scale=scale, size=(h, c)), rng.normal(scale=scale, size=(c,)))


def _net_calls(sizes):
    def calls(rng):
        return [(rng.normal(size=(n, d)), rng.integers(0, c, size=n), _params(rng, d, h, c)) for n, d, h, c in sizes]
    return calls


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


# ---- numerical gradients: functions whose exact gradient the grader knows ----

class _Fn:
    """A scalar function of an array with its exact gradient (for the judge)."""

    def __init__(self, kind, c):
        self.kind, self.c = kind, c

    def __call__(self, x):
        if self.kind == "cubic":
            return float(np.sum(x ** 3) + np.sum(self.c * x))
        if self.kind == "sin":
            return float(np.sum(self.c * np.sin(x)))
        m = x.max()
        return float(m + np.log(np.sum(np.exp(x - m))))  # log-sum-exp

    def grad(self, x):
        if self.kind == "cubic":
            return 3.0 * x ** 2 + self.c
        if self.kind == "sin":
            return self.c * np.cos(x)
        e = np.exp(x - x.max())
        return e / e.sum()


def _fn_cases(rng):
    return [(_Fn("cubic", rng.normal(size=(3, 4))), rng.normal(size=(3, 4))),
            (_Fn("sin", rng.normal(size=(5,))), rng.normal(scale=2.0, size=(5,))),
            (_Fn("lse", None), rng.normal(size=(2, 3, 2)))]


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


def _numgrad_calls(rng):
    return [case + (h,) for case, h in zip(_fn_cases(rng), (1e-3, 1e-2, 1e-3))]


def judge_default_h(got, expected, args):
    """numerical_gradient(f, x) with the student's default h, against the exact gradient."""
    f, x = args
    exact = f.grad(x)
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


def _rel_error_calls(rng):
    a = rng.normal(size=(4, 3))
    b = a + rng.normal(scale=1e-3, size=(4, 3))
    zeros = np.zeros((2, 2))
    return [(a, b), (zeros, zeros.copy()), (np.array([0.0, 1e-12, 1.0]), np.array([0.0, 0.0, 1.0 + 1e-9])),
            (a, a.copy(), 1e-3)]


def _rel_error_no_floor(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


def _rel_error_vs_first(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), floor)))


# ---- find the planted bug: a sigmoid network with one wrong gradient ----

class _SigmoidNet:
    """loss(params) of a 2-layer sigmoid network; grads() with a planted bug."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __call__(self, params):
        a1 = _sig(self.X @ params["W1"] + params["b1"])
        return _ce(a1 @ params["W2"] + params["b2"], self.y)[0]

    def grads(self, params, bug):
        X, n = self.X, self.X.shape[0]
        z1 = X @ params["W1"] + params["b1"]
        a1 = _sig(z1)
        dscores = _ce(a1 @ params["W2"] + params["b2"], self.y)[1] / n
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


def _planted_calls(rng):
    calls = []
    for bug in ("W2 transposed", "f' on output", "b2 not divided", "b1 divided twice", None):
        X = rng.normal(size=(5, 3))
        net = _SigmoidNet(X, rng.integers(0, 3, size=5))
        params = {"W1": rng.normal(size=(3, 3)), "b1": rng.normal(size=(3,)),
                  "W2": rng.normal(size=(3, 3)), "b2": rng.normal(size=(3,))}
        calls.append((net, params, net.grads(params, bug)))
    return calls


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


def _spiral(n_per_class, n_classes, rng, noise=0.2):
    X = np.zeros((n_per_class * n_classes, 2))
    y = np.repeat(np.arange(n_classes), n_per_class)
    for k in range(n_classes):
        r = np.linspace(0.0, 1.0, n_per_class)
        theta = np.linspace(k * 4.0, (k + 1) * 4.0, n_per_class) + rng.normal(scale=noise, size=n_per_class)
        X[y == k] = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return X, y


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


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


def _xor_calls(rng):
    return [(XOR_X.copy(), XOR_Y.copy(), 8, 0.5, 500, np.random.default_rng(rng.integers(1000)))]


def _spiral_calls(rng):
    X, y = _spiral(50, 3, rng)
    return [(X, y, 64, 1.0, 1000, np.random.default_rng(rng.integers(1000)))]


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
    Check("test_affine_forward", "affine_forward", _affine_calls,
          mistakes=(Mistake("the bias b was left out of out = x @ W + b", lambda x, W, b: (x @ W, (x, W, b))),
                    Mistake("the cache must be exactly (x, W, b)", lambda x, W, b: (x @ W + b, (x, W))))),
    Check("test_affine_backward", "affine_backward", _affine_backward_calls,
          mistakes=(Mistake("transposed weight gradient: dW = x.T @ dout has W's shape (D, M); dout.T @ x is its transpose",
                            _affine_backward_transposed),
                    Mistake("db was not summed over the batch: b is added to every row, so db = dout.sum(axis=0)",
                            _affine_backward_db_unsummed),
                    Mistake("db was averaged over the batch instead of summed (the 1/N is already in dout)",
                            _affine_backward_db_mean),
                    Mistake("the gradients were divided by N again: dout already carries the loss's 1/N",
                            _affine_backward_divided))),
    Check("test_relu_backward", "relu_backward", _activation_calls,
          mistakes=(Mistake("the subgradient at 0 was taken as 1; this course uses 0",
                            lambda dout, z: dout * (z >= 0)),
                    Mistake("the mask was returned without multiplying by dout (chain rule: dz = dout * f'(z))",
                            lambda dout, z: (z > 0).astype(np.float64)))),
    Check("test_sigmoid_backward", "sigmoid_backward", lambda rng: _activation_calls(rng, zeros=False),
          mistakes=(Mistake("f' was evaluated on the activation output instead of the pre-activation: "
                            "the cache holds z, so compute s = sigmoid(z) first",
                            lambda dout, z: dout * z * (1.0 - z)),
                    Mistake("dout was not multiplied in (chain rule: dz = dout * f'(z))",
                            lambda dout, z: _sig(z) * (1.0 - _sig(z))))),
    Check("test_softmax_cross_entropy", "softmax_cross_entropy", _softmax_calls, forbid_warnings=True,
          mistakes=(Mistake("the gradient was not divided by N: the loss is a mean, so dscores = (P - Y) / N",
                            lambda s, y: _ce(s, y)),
                    Mistake("the gradient was divided by N twice", lambda s, y: _ce(s, y, scale=1.0 / s.shape[0] ** 2)),
                    Mistake("the loss was summed over the batch instead of averaged",
                            lambda s, y: _ce(s, y, loss_sum=True, scale=1.0)),
                    Mistake("softmax without subtracting the row maximum: exp overflows on large scores",
                            _naive_ce, "Subtract scores.max(axis=1, keepdims=True) first, or use log-sum-exp."))),
    Check("test_two_layer_loss", "two_layer_loss", _net_calls([(4, 3, 5, 2), (6, 2, 4, 3), (1, 4, 3, 5)]),
          mistakes=NET_MISTAKES),
    Check("test_two_layer_grads", "two_layer_loss", _net_calls([(10, 5, 7, 4), (3, 3, 3, 3), (25, 2, 16, 3)]),
          mistakes=NET_MISTAKES),
    Check("test_numerical_gradient", "numerical_gradient", _numgrad_calls, rtol=1e-6, atol=1e-8,
          mistakes=(Mistake("one-sided difference (f(x + h) - f(x)) / h: its error is of order h, "
                            "the central difference's of order h^2",
                            lambda f, x, h=1e-5: _difference(f, x, h, one_sided=True)),
                    Mistake("the central difference was divided by h instead of 2h",
                            lambda f, x, h=1e-5: _difference(f, x, h, denominator=h)),
                    Mistake("the given h was ignored (a fixed step was used)",
                            lambda f, x, h=1e-5: _difference(f, x, 1e-5)))),
    Check("test_numerical_gradient_default_h", "numerical_gradient", _fn_cases, judge=judge_default_h),
    Check("test_rel_error", "rel_error", _rel_error_calls,
          mistakes=(Mistake("no floor in the denominator: 0 / 0 gives nan when both entries are 0",
                            _rel_error_no_floor),
                    Mistake("the error was taken relative to a alone; use |a| + |b| (symmetric)",
                            _rel_error_vs_first))),
    Check("test_find_wrong_gradient", "find_wrong_gradient", _planted_calls,
          mistakes=(Mistake("a name was reported even when every gradient is right: report \"\" "
                            "unless the largest relative error exceeds tol", _always_a_name),)),
    Check("test_train_xor", "train_two_layer", _xor_calls, judge=_judge_training(1.0)),
    Check("test_train_spiral", "train_two_layer", _spiral_calls, judge=_judge_training(0.95)),
)
