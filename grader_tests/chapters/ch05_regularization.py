"""Grader side: chapter 5 (regularization), known mistakes and judges.

Penalties take a tuple of parameters such as (W1, b1, W2, b2) and penalize
only the weight matrices (2-D arrays), never the biases (1-D arrays). Every
wrong implementation below is one students write; the grader names it when a
submission behaves exactly like it on every call of the check.

train_network's result depends on its initialization, which the notebook
recommends but does not impose. A run whose first training loss is the
reference's started from the recommended weights, and from there everything
is fixed (full-batch steps, the dropout masks drawn by dropout_forward), so it
is compared with the reference's run value by value. Any other run is judged
by what every correct run shows whatever its initialization: thresholds whose
margins ``threshold_study()`` measures (``benchmarks/thresholds.py``). The
inputs are the kernel side's (``grader_tests.kernel.inputs.ch05_regularization``).
"""
from __future__ import annotations

import copy
import hashlib

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import first_match, kind, likely
from grader_tests.kernel.inputs.ch05_regularization import RUNS


# ---- penalties and the weight-decay step ----

def _is_weight(params):
    return [np.ndim(p) >= 2 for p in params]


def _by_position(params):
    """Every other parameter, as if params were always (W1, b1, W2, b2, ...)."""
    return [i % 2 == 0 for i in range(len(params))]


def _penalty(params, lam, value, slope, chosen=_is_weight):
    """lam * sum(value(W)) and lam * slope(W) over the chosen arrays, zeros for the others."""
    picked = chosen(params)
    total = lam * sum(float(np.sum(value(p))) for p, c in zip(params, picked) if c)
    return total, tuple(lam * slope(p) if c else np.zeros_like(p) for p, c in zip(params, picked))


def _l2(params, lam, scale=1.0, chosen=_is_weight):
    return _penalty(params, lam * scale, lambda w: 0.5 * w ** 2, lambda w: w, chosen)


def _l1(params, lam, sign=np.sign, chosen=_is_weight):
    return _penalty(params, lam, np.abs, sign, chosen)


def _everything(params):
    return [True] * len(params)


def _sign_at_zero(value):
    return lambda w: np.where(w == 0, value, np.sign(w))


def _sgd(params, grads, lr, wd, chosen=_is_weight, decay=lambda p, lr, wd: lr * wd * p):
    return tuple(p - lr * g - (decay(p, lr, wd) if c else 0.0) for p, g, c in zip(params, grads, chosen(params)))


BY_POSITION = "the weights were taken by position (every other parameter); they are the 2-D arrays, in any order"
# Names shared by a function's check and the training check, which runs the
# student's function inside train_network.
BIASES_DECAY = "weight decay was applied to the biases too: only weight matrices (2-D arrays) decay"
DECAY_IGNORED = ("weight_decay was ignored: each step must also shrink the weight matrices by "
                 "learning_rate * weight_decay * W")
NOT_INVERTED = "no inverted scaling: kept units must be multiplied by 1/(1-p) at training time"

# ---- dropout ----

def _dropout(x, p, mode, rng, keep=lambda u, p: u >= p, scale=lambda p: 1.0 / (1.0 - p),
             eval_scale=lambda p: 1.0):
    """A dropout forward pass whose pieces a mistake can replace (p as a numpy
    float, so that 1 / p at p = 0 is inf with a warning, as in a student's code)."""
    p = np.float64(p)
    if mode == "eval":
        return x * eval_scale(p), np.ones_like(x)
    mask = keep(rng.random(x.shape), p) * scale(p)
    return x * mask, mask


def _dropout_unscaled_mask(dtype):
    def forward(x, p, mode, rng):
        out, mask = _dropout(x, p, mode, rng)
        return out, (mask > 0).astype(dtype)
    return forward


# ---- early stopping ----

def _replay(val_losses, patience, min_delta, improved, stop=lambda bad, patience: bad >= patience, best_if=None):
    """Stop epoch, best epoch and best loss of a tracker whose rules a mistake can replace."""
    best, best_epoch, previous, bad = np.inf, -1, np.inf, 0
    for epoch, loss in enumerate(val_losses):
        if improved(loss, best, previous, min_delta):
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if best_if is not None and best_if(loss, best):
                best, best_epoch = loss, epoch
        previous = loss
        if stop(bad, patience):
            return epoch, best_epoch, float(best)
    return -1, best_epoch, float(best)


def _right(loss, best, previous, delta):
    return loss < best - delta


def _stopping(rule=_right, **kwargs):
    return lambda val_losses, patience, min_delta: _replay(val_losses, patience, min_delta, rule, **kwargs)


def _never_reset(val_losses, patience, min_delta):
    best, best_epoch, bad = np.inf, -1, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
        else:
            bad += 1
        if bad >= patience:
            return epoch, best_epoch, float(best)
    return -1, best_epoch, float(best)


def _restored(val_losses, patience, min_delta, last=False):
    stop, best_epoch, _ = _replay(val_losses, patience, min_delta, _right)
    epoch = (stop if stop >= 0 else len(val_losses) - 1) if last else best_epoch
    # The replay adds 1 to every weight each epoch, starting from zero.
    return np.full((2, 2), epoch + 1.0), np.full((2,), epoch + 1.0)


# ---- label smoothing and noise ----

def _smooth(one_hot, eps, on=lambda eps, c: 1.0 - eps + eps / c, off=lambda eps, c: eps / c, classes=1):
    c = one_hot.shape[classes]
    return np.where(one_hot == 1.0, on(eps, c), off(eps, c))


def _noise(x, std, rng, scale=lambda std: std, mean=lambda std: 0.0, keep_x=True):
    noise = mean(std) + scale(std) * rng.standard_normal(x.shape)
    return x + noise if keep_x else noise


# ---- training a small over-parameterised network ----

def _mse(params, X, y):
    W1, b1, W2, b2 = params
    return float(np.mean((np.maximum(X @ W1 + b1, 0.0) @ W2 + b2 - y) ** 2))


def _recommended(rng, d, hidden):
    """Step 1 of the notebook: W1, then W2, from rng; zero biases."""
    W1 = rng.normal(size=(d, hidden)) * np.sqrt(2.0 / d)
    W2 = rng.normal(size=(hidden, 1)) * np.sqrt(1.0 / hidden)
    return W1, np.zeros(hidden), W2, np.zeros(1)


def _decayed(p, g, lr, wd):
    """The documented update: W - lr * (dW + wd * W) for weight matrices, b - lr * db for biases."""
    return p - lr * (g + (wd * p if p.ndim >= 2 else 0.0))


def _train(X, y, X_val, y_val, hidden, lr, steps, weight_decay, dropout_p, rng, init=_recommended,
           dropout=True, inverted=True, mask_backward=True, relu_backward=True, update=_decayed, scale=2.0,
           after=False, train_loss="eval"):
    """The notebook's recipe, with the pieces a mistake or a threshold_study
    variant replaces: the initialization, whether dropout happens, is inverted
    and reaches the backward pass, the ReLU's derivative, the update, the output gradient's factor,
    and when (``after`` the step) and how (``train_loss``: "eval", "dropout"
    from the training forward pass, "penalized" plus the L2 penalty) the
    losses are recorded."""
    params = init(rng, X.shape[1], hidden)
    train_losses, val_losses = np.zeros(steps), np.zeros(steps)

    def record(step):
        train_losses[step], val_losses[step] = _mse(params, X, y), _mse(params, X_val, y_val)
        if train_loss == "penalized":
            train_losses[step] += 0.5 * weight_decay * sum(np.sum(p ** 2) for p in params if p.ndim >= 2)

    for step in range(steps):
        if not after:
            record(step)
        W1, b1, W2, b2 = params
        z = X @ W1 + b1
        if dropout:
            keep = rng.random(z.shape) >= dropout_p
            mask = keep / (1.0 - dropout_p) if inverted else keep * 1.0
        else:
            mask = np.ones_like(z)
        h = np.maximum(z, 0.0) * mask
        out = h @ W2 + b2
        if train_loss == "dropout":
            train_losses[step] = float(np.mean((out - y) ** 2))
        dout = scale * (out - y) / len(X)
        dz = dout @ W2.T * (mask if mask_backward else 1.0) * ((z > 0) if relu_backward else 1.0)
        grads = (X.T @ dz, dz.sum(axis=0), h.T @ dout, dout.sum(axis=0))
        params = tuple(update(p, g, lr, weight_decay) for p, g in zip(params, grads))
        if after:
            record(step)
    return params, train_losses, val_losses


def _fingerprint(args):
    """A key for a call's arguments: the arrays' bytes, the numbers, the rng's state."""
    digest = hashlib.sha256()
    for a in args:
        digest.update(a.tobytes() if isinstance(a, np.ndarray) else repr(
            a.bit_generator.state if isinstance(a, np.random.Generator) else a).encode())
    return digest.hexdigest()


def _trained(**pieces):
    """A mistake's training run. Its outputs are kept: a grading process names
    mistakes for many submissions on the same calls, and a run takes a while.
    A kept run still leaves its rng as a real run does."""
    runs = {}

    def train(*args):
        key, rng = _fingerprint(args), args[9]
        if key not in runs:
            runs[key] = _train(*args, **pieces), rng.bit_generator.state
        output, rng.bit_generator.state = runs[key]
        return output
    return train


def _run_name(args):
    return next(name for name, run in RUNS.items() if run == (args[6], args[5], args[7], args[8]))


def _training_problem(got, args):
    """A message when the returned value is not a finished training run, else None."""
    X, steps, hidden = args[0], args[6], args[4]
    shapes = ((X.shape[1], hidden), (hidden,), (hidden, 1), (1,))
    if not isinstance(got, tuple) or len(got) != 3:
        found = f"a {kind(got)} of {len(got)} values" if isinstance(got, tuple) else "a single value"
        return f"it returned {found}; it must return ((W1, b1, W2, b2), train_losses, val_losses)"
    if not isinstance(got[0], tuple) or len(got[0]) != 4:
        return "the first value it returns must be the parameters (W1, b1, W2, b2)"
    for name, value, shape in zip(("W1", "b1", "W2", "b2", "train_losses", "val_losses"),
                                  (*got[0], *got[1:]), (*shapes, (steps,), (steps,))):
        if not isinstance(value, np.ndarray):
            found = f"a {kind(value)}" if isinstance(value, tuple) else "not an array"
            return f"{name} is {found}; return an np.ndarray of shape {shape}"
        if value.shape != shape:
            return f"{name} has shape {value.shape}, expected {shape}" + (
                ": one loss before each step" if name.endswith("losses") else "")
        if value.dtype != np.float64:
            return f"{name} has dtype {value.dtype}, expected float64"
    if not all(np.all(np.isfinite(a)) for a in (*got[0], *got[1:])):
        return "the weights or losses became inf or nan: check the signs and sizes of the updates"
    return None


# A run is compared with the reference's within these tolerances. Runs from the
# recommended initialization with the operations in another order use at most
# 4.2e-7 of them (threshold_study).
RUN_RTOL, RUN_ATOL = 1e-6, 1e-10
FOLLOW = ("your train_losses[0] is the reference's, so you started from the recommended initial weights, and "
          "from there your run must follow the reference's step by step: check the gradients (the output's is "
          "2 * (pred - y) / N), the decay (weight matrices only), the dropout mask (drawn by dropout_forward once "
          "per step, applied forward and backward) and when the losses are recorded (before each step)")


def _same_start(got, expected):
    """Did the run start from the same weights as ``expected`` (the same first training loss)?"""
    return bool(np.isclose(got[1][0], expected[1][0], rtol=1e-9, atol=0.0))


def _departure(got, expected):
    """The first returned array that differs from ``expected``'s, described, or None."""
    names = ("train_losses", "val_losses", "W1", "b1", "W2", "b2")
    for name, g, e in zip(names, (*got[1:], *got[0]), (*expected[1:], *expected[0])):
        close = np.isclose(g, e, rtol=RUN_RTOL, atol=RUN_ATOL)
        if not close.all():
            index = np.unravel_index(np.argmin(close), close.shape)
            where = f"{name}[{', '.join(str(int(i)) for i in index)}]"
            return f"{where} is {float(g[index]):.10g}, the reference's run gives {float(e[index]):.10g}"
    return None


# ---- the rules for a run from any initialization ----
# Measured by threshold_study() over 10 correct initializations (the recommended
# one, W2 drawn first, He uniform, Glorot normal and uniform, LeCun, normal 0.1
# and 0.01, W2 zero, b1 = 0.01) x 30 seeds each, and wrong variants.

# "fit": correct runs end with a training MSE of at most 1.3e-8; 0.05 is the notebook's promise.
FIT_MAX = 0.05
# The last step changes a correct run's losses by at least 2.6e-4 of their value
# in the "last_step" run, 3.5e-5 in "dropout", 3.7e-7 in "decay"; a run that
# records after each step reproduces the returned weights' MSE to rounding.
LAST_STEP = 1e-9
# "gradient": the step is so small that it lowers the training MSE by
# learning_rate * |gradient|**2 to within 2.9e-6 (relative) in correct runs;
# without the output gradient's 2 the drop is off by 0.5, without the ReLU's
# derivative by 4.8e-4 to 0.048.
GRADIENT_RTOL = 1e-4
# "eval_losses": a correct run's losses stay within 4.9e-7 (relative) of the
# final weights' MSE; losses with dropout differ by 0.14 or more, with the penalty by 1.4 or more.
EVAL_RTOL = 1e-4
# "dropout": training MSE of correct runs 0.018-0.43; without dropout 7.9e-6 at
# most, without the 1/(1-p) scaling 1.19-1.86. Without the mask in the backward
# pass (0.12-0.74) a run is told apart only when it starts from the recommended weights.
DROPOUT_MIN, DROPOUT_MAX = 1e-3, 1.0
# "decay": training MSE of correct runs 0.0091-0.0122; without decay 4.2e-23 at
# most, with the decay not multiplied by the learning rate 3.59. Decay on the
# biases (0.0094-0.0104) is told apart only from the recommended weights.
DECAY_MIN, DECAY_MAX = 1e-3, 0.1


def _training_mse(got, args):
    return _mse(got[0], args[0], args[1])


def _fits(got, args):
    train = _training_mse(got, args)
    if train >= FIT_MAX:
        return (f"training MSE {train:.3g} after {args[6]} steps; an over-parameterised network should fit its "
                f"{len(args[0])} points (MSE below {FIT_MAX:g}). Check the gradients and the update p - lr * grad")
    return None


def _mse_gradient(params, X, y):
    """The gradient of the evaluation-mode MSE with respect to (W1, b1, W2, b2)."""
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0.0)
    dout = 2.0 * (h @ W2 + b2 - y) / len(X)
    dz = dout @ W2.T * (z > 0)
    return X.T @ dz, dz.sum(axis=0), h.T @ dout, dout.sum(axis=0)


def _predicted_drop(run, args):
    """learning_rate * |gradient|**2 at the returned weights: how much a tiny
    gradient step lowers the training MSE, to first order."""
    return args[5] * sum(float(np.sum(g ** 2)) for g in _mse_gradient(run[0], *args[:2]))


def _drop_error(run, args):
    """The relative gap between the first loss drop and the predicted one."""
    predicted = _predicted_drop(run, args)
    return abs(run[1][0] - run[1][1] - predicted) / max(predicted, np.finfo(float).tiny)


def _descends_along_gradient(got, args):
    if _drop_error(got, args) > GRADIENT_RTOL:
        return (f"your first step with learning_rate={args[5]:g} lowered the training MSE by "
                f"{got[1][0] - got[1][1]:.6g}; a gradient step lowers it by learning_rate * |gradient|**2 = "
                f"{_predicted_drop(got, args):.6g} (the MSE's gradient at your weights). Check the gradients: "
                "the output's is 2 * (pred - y) / N, and the hidden units' goes through the ReLU's derivative")
    return None


def _recorded_before_last_step(got, args):
    for name, losses, X, y in (("train_losses", got[1], *args[0:2]), ("val_losses", got[2], *args[2:4])):
        final = _mse(got[0], X, y)
        if abs(losses[-1] - final) <= LAST_STEP * final:
            return (f"{name}[-1] is {losses[-1]:.10g}, the MSE of the returned weights, that is the loss after "
                    f"the last step: record each loss before its step (so {name}[0] is the initial weights' loss)")
    return None


def _evaluation_mode(got, args):
    for name, losses, X, y in (("train_losses", got[1], *args[0:2]), ("val_losses", got[2], *args[2:4])):
        final = _mse(got[0], X, y)
        step = int(np.argmax(np.abs(losses - final)))
        if abs(losses[step] - final) > EVAL_RTOL * final:
            return (f"{name}[{step}] is {losses[step]:.6g}, but with learning_rate={args[5]:g} the weights "
                    f"barely move, and the MSE of the returned weights is {final:.6g}: record the "
                    "evaluation-mode MSE, mse(predict(params, X), y), without dropout or penalty")
    return None


def _dropout_took_effect(got, args):
    train = _training_mse(got, args)
    if train < DROPOUT_MIN:
        return (f"training MSE {train:.3g} after {args[6]} steps with dropout_p={args[8]:g}: with dropout on "
                f"the hidden units a network cannot memorize its points like this (at least {DROPOUT_MIN:g} "
                "expected): check that the hidden units go through dropout during training")
    if train > DROPOUT_MAX:
        return (f"training MSE {train:.3g} after {args[6]} steps with dropout_p={args[8]:g}, at most "
                f"{DROPOUT_MAX:g} expected: the network barely learned. Check the gradients through the "
                "dropout mask and the update")
    return None


def _decay_took_effect(got, args):
    train = _training_mse(got, args)
    if not DECAY_MIN <= train <= DECAY_MAX:
        return (f"training MSE {train:.3g} after {args[6]} steps with weight_decay={args[7]:g}, between "
                f"{DECAY_MIN:g} and {DECAY_MAX:g} expected: weight decay keeps the network from fitting its "
                "points exactly, without stopping it from learning. Check the update "
                "W - learning_rate * (dW + weight_decay * W)")
    return None


RULES = {
    "last_step": (_recorded_before_last_step,),
    "gradient": (_descends_along_gradient,),
    "fit": (_fits,),
    "eval_losses": (_evaluation_mode,),
    "dropout": (_dropout_took_effect, _recorded_before_last_step),
    "decay": (_decay_took_effect, _recorded_before_last_step),
}


def _broken_rule(run, args):
    """The first rule of this call's run that ``run`` breaks, described, or None."""
    return next(filter(None, (rule(run, args) for rule in RULES[_run_name(args)])), None)


def _judge_train(mistakes):
    def judge(got, expected, args):
        problem = _training_problem(got, args)
        if problem:
            return problem
        if _same_start(got, expected):
            problem = _departure(got, expected)
            problem = problem and f"{problem}: {FOLLOW}"
        else:
            problem = _broken_rule(got, args)
            if problem is None and (_training_problem(expected, args) or _broken_rule(expected, args)):
                # Only when judge.py asks whether got behaves like a known mistake: the
                # reference keeps the rules, so a run that keeps them is not like one that breaks them.
                problem = "the run keeps the rules that the expected run breaks"
        if problem is None:
            return None
        mistake = first_match(mistakes, args, lambda wrong: _training_problem(wrong, args) is None
                              and _same_start(got, wrong) and _departure(got, wrong) is None)
        return f"{problem}. {likely(mistake)}" if mistake else problem
    return judge


AFTER_STEP = Mistake("the losses were recorded after each step; record them before it, so that train_losses[0] "
                     "is the loss of the initial weights", _trained(after=True))
NOT_DOUBLED = Mistake("the output gradient was not doubled: the derivative of mean((pred - y)**2) is "
                      "2 * (pred - y) / N", _trained(scale=1.0))
FIT_MISTAKES = (AFTER_STEP, NOT_DOUBLED)
REGULARIZED_MISTAKES = (
    Mistake(DECAY_IGNORED, _trained(update=lambda p, g, lr, wd: p - lr * g)),
    Mistake(BIASES_DECAY, _trained(update=lambda p, g, lr, wd: p - lr * (g + wd * p))),
    Mistake("dropout_p was ignored: during training the hidden units go through dropout_forward",
            _trained(dropout=False)),
    Mistake(NOT_INVERTED, _trained(inverted=False)),
    Mistake("the mask was not applied in the backward pass: the hidden units' gradient goes through the "
            "same dropout mask (dropout_backward)", _trained(mask_backward=False)),
    Mistake("train_losses were computed with dropout; record the evaluation-mode MSE "
            "mse(predict(params, X), y)", _trained(train_loss="dropout")),
    Mistake("train_losses include the L2 penalty; record the MSE alone, mse(predict(params, X), y)",
            _trained(train_loss="penalized")),
    AFTER_STEP,
    NOT_DOUBLED,
)


register(
    check("test_l2_penalty",
          mistakes=(Mistake("the penalty was not scaled by lambda", lambda params, lam: _l2(params, 1.0)),
                    Mistake("the biases were penalized too: only weight matrices (2-D arrays) are",
                            lambda params, lam: _l2(params, lam, chosen=_everything)),
                    Mistake(BY_POSITION, lambda params, lam: _l2(params, lam, chosen=_by_position)),
                    Mistake("the gradient of (lambda/2) * sum(W**2) is lambda * W, not 2 * lambda * W",
                            lambda params, lam: (_l2(params, lam)[0], _l2(params, 2.0 * lam)[1])),
                    Mistake("the penalty is (lambda/2) * sum(W**2): the 1/2 was left out",
                            lambda params, lam: (_l2(params, 2.0 * lam)[0], _l2(params, lam)[1])))),
    check("test_l1_penalty",
          mistakes=(Mistake("the L1 gradient at 0 was taken as +1; this course uses the subgradient 0 (np.sign)",
                            lambda params, lam: _l1(params, lam, _sign_at_zero(1.0))),
                    Mistake("the L1 gradient at 0 was taken as -1; this course uses the subgradient 0 (np.sign)",
                            lambda params, lam: _l1(params, lam, _sign_at_zero(-1.0))),
                    Mistake("the penalty was not scaled by lambda", lambda params, lam: _l1(params, 1.0)),
                    Mistake("the biases were penalized too: only weight matrices (2-D arrays) are",
                            lambda params, lam: _l1(params, lam, chosen=_everything)),
                    Mistake(BY_POSITION, lambda params, lam: _l1(params, lam, chosen=_by_position)))),
    check("test_sgd_weight_decay",
          mistakes=(Mistake(BIASES_DECAY, lambda *a: _sgd(*a, chosen=_everything)),
                    Mistake(DECAY_IGNORED, lambda *a: _sgd(*a, decay=lambda p, lr, wd: 0.0)),
                    Mistake(BY_POSITION, lambda *a: _sgd(*a, chosen=_by_position)),
                    Mistake("the decay term was not multiplied by the learning rate: W - lr * (dW + wd * W)",
                            lambda *a: _sgd(*a, decay=lambda p, lr, wd: wd * p)),
                    Mistake("the decay term was not scaled by weight_decay",
                            lambda *a: _sgd(*a, decay=lambda p, lr, wd: lr * p)),
                    Mistake("the decay was added with the wrong sign: it must shrink the weights",
                            lambda *a: _sgd(*a, decay=lambda p, lr, wd: -lr * wd * p)))),
    check("test_dropout_forward_train", draws_from_rng=True,
          mistakes=(Mistake(NOT_INVERTED, lambda *a: _dropout(*a, scale=lambda p: 1.0)),
                    Mistake("p was treated as the keep probability; p is the probability of DROPPING a unit",
                            lambda *a: _dropout(*a, keep=lambda u, p: u < p, scale=lambda p: 1.0 / p)),
                    Mistake("kept units were scaled by 1/p; the scale is 1/(1-p), one over the keep probability",
                            lambda *a: _dropout(*a, scale=lambda p: 1.0 / p)),
                    *(Mistake("the returned mask must be the scaled mask (0 or 1/(1-p)) in float64, so that "
                              "out = x * mask", _dropout_unscaled_mask(dtype)) for dtype in (np.float64, bool)),
                    Mistake("units were kept where u < 1 - p; keep exactly those with rng.random(x.shape) >= p",
                            lambda *a: _dropout(*a, keep=lambda u, p: u < 1.0 - p)),
                    Mistake("units were kept where u > p; keep those with u >= p (a unit whose u equals p is kept)",
                            lambda *a: _dropout(*a, keep=lambda u, p: u > p)))),
    check("test_dropout_forward_eval",
          mistakes=(Mistake("dropout was applied at evaluation time: in eval mode the layer is the identity",
                            lambda x, p, mode, rng: _dropout(x, p, "train", rng)),
                    Mistake("the output was scaled by (1-p) at evaluation time; with inverted dropout the "
                            "scaling happens only during training", lambda *a: _dropout(*a, eval_scale=lambda p: 1.0 - p)),
                    Mistake("the output was scaled by 1/(1-p) at evaluation time; in eval mode the layer is the identity",
                            lambda *a: _dropout(*a, eval_scale=lambda p: 1.0 / (1.0 - p))))),
    check("test_dropout_backward",
          mistakes=(Mistake("the mask was not applied: dx = dout * mask, the mask the forward pass returned",
                            lambda dout, mask: dout.copy()),
                    Mistake("the 1/(1-p) scaling was lost in the backward pass: multiply by the mask itself, "
                            "which already holds it", lambda dout, mask: dout * (mask > 0)))),
    check("test_early_stopping",
          mistakes=(Mistake("patience off by one: stop once patience epochs in a row have not improved, not patience + 1",
                            _stopping(stop=lambda bad, patience: bad > patience)),
                    Mistake("min_delta was ignored: an improvement must beat the best loss by more than min_delta",
                            _stopping(lambda loss, best, previous, delta: loss < best)),
                    Mistake("min_delta was applied the wrong way: improved means val_loss < best_loss - min_delta",
                            _stopping(lambda loss, best, previous, delta: loss < best + delta)),
                    Mistake("each epoch was compared with the previous epoch instead of the best so far",
                            _stopping(lambda loss, best, previous, delta: loss < previous - delta)),
                    Mistake("a loss equal to the best (minus min_delta) was counted as an improvement; it must be "
                            "strictly lower", _stopping(lambda loss, best, previous, delta: loss <= best - delta)),
                    Mistake("the count of epochs without improvement was not reset to 0 after an improvement",
                            _never_reset),
                    Mistake("the best epoch moved on an improvement smaller than min_delta; only a real improvement "
                            "updates the best loss, epoch and weights",
                            _stopping(best_if=lambda loss, best: loss < best)))),
    check("test_early_stopping_restore",
          mistakes=(Mistake("the last weights were restored instead of the best: store copies of the best weights "
                            "(w.copy()) and write them back in place (w[...] = best)",
                            lambda *a: _restored(*a, last=True)),)),
    check("test_smooth_labels",
          mistakes=(Mistake("wrong share per class: every class, the true one included, gets eps / C "
                            "(C classes), so the true class gets 1 - eps + eps / C",
                            lambda y, eps: _smooth(y, eps, on=lambda e, c: 1.0 - e, off=lambda e, c: e / (c - 1))),
                    Mistake("wrong share per class: eps must be divided among the C classes (eps / C each)",
                            lambda y, eps: _smooth(y, eps, on=lambda e, c: 1.0 - e + e, off=lambda e, c: e)),
                    Mistake("wrong share per class: the true class must also receive its eps / C, so rows sum to 1",
                            lambda y, eps: _smooth(y, eps, on=lambda e, c: 1.0 - e)),
                    Mistake("eps and 1 - eps were swapped", lambda y, eps: _smooth(y, 1.0 - eps)),
                    Mistake("C was taken as the number of rows; the classes are the columns: C = one_hot.shape[1]",
                            lambda y, eps: _smooth(y, eps, classes=0)))),
    check("test_add_gaussian_noise", draws_from_rng=True,
          mistakes=(Mistake("std was used as the variance: the noise is std * rng.standard_normal(x.shape)",
                            lambda *a: _noise(*a, scale=np.sqrt)),
                    Mistake("the noise was scaled by std**2 (the variance) instead of std",
                            lambda *a: _noise(*a, scale=np.square)),
                    Mistake("std was used as the noise's mean (rng.normal's first argument is the mean): the noise "
                            "is std * rng.standard_normal(x.shape), of mean 0",
                            lambda *a: _noise(*a, mean=lambda std: std, scale=lambda std: 1.0)),
                    Mistake("the noise was returned without adding it to x", lambda *a: _noise(*a, keep_x=False)))),
    check("test_train_fits", mistakes=FIT_MISTAKES, judge=_judge_train(FIT_MISTAKES), draws_from_rng=True),
    check("test_train_regularized", mistakes=REGULARIZED_MISTAKES, judge=_judge_train(REGULARIZED_MISTAKES),
          draws_from_rng=True),
)


# ---- the margins of the rules for runs from any initialization ----

def _he_uniform(rng, d, hidden):
    return (rng.uniform(-1, 1, (d, hidden)) * np.sqrt(6.0 / d), np.zeros(hidden),
            rng.uniform(-1, 1, (hidden, 1)) * np.sqrt(3.0 / hidden), np.zeros(1))


def _normal(std_in, std_out):
    def init(rng, d, hidden):
        return rng.normal(size=(d, hidden)) * std_in(d, hidden), np.zeros(hidden), \
            rng.normal(size=(hidden, 1)) * std_out(hidden), np.zeros(1)
    return init


def _glorot_uniform(rng, d, hidden):
    return (rng.uniform(-1, 1, (d, hidden)) * np.sqrt(6.0 / (d + hidden)), np.zeros(hidden),
            rng.uniform(-1, 1, (hidden, 1)) * np.sqrt(6.0 / (hidden + 1)), np.zeros(1))


def _w2_first(rng, d, hidden):
    W2 = rng.normal(size=(hidden, 1)) * np.sqrt(1.0 / hidden)
    return rng.normal(size=(d, hidden)) * np.sqrt(2.0 / d), np.zeros(hidden), W2, np.zeros(1)


def _w2_zero(rng, d, hidden):
    return rng.normal(size=(d, hidden)) * np.sqrt(2.0 / d), np.zeros(hidden), np.zeros((hidden, 1)), np.zeros(1)


def _bias_01(rng, d, hidden):
    W1, _, W2, b2 = _recommended(rng, d, hidden)
    return W1, np.full(hidden, 0.01), W2, b2


# Correct initializations a student may choose (each drawn from the rng argument).
STUDY_INITS = {
    "recommended": _recommended, "W2 drawn first": _w2_first, "He uniform": _he_uniform,
    "Glorot normal": _normal(lambda d, h: np.sqrt(2.0 / (d + h)), lambda h: np.sqrt(2.0 / (h + 1))),
    "Glorot uniform": _glorot_uniform,
    "LeCun normal": _normal(lambda d, h: np.sqrt(1.0 / d), lambda h: np.sqrt(1.0 / h)),
    "normal 0.1": _normal(lambda d, h: 0.1, lambda h: 0.1), "normal 0.01": _normal(lambda d, h: 0.01, lambda h: 0.01),
    "W2 zero": _w2_zero, "b1 = 0.01": _bias_01,
}


def _relative_change(run, args):
    """The smaller relative gap between a recorded last loss and the returned weights' MSE."""
    return min(abs(losses[-1] - _mse(run[0], X, y)) / _mse(run[0], X, y)
               for losses, X, y in ((run[1], *args[0:2]), (run[2], *args[2:4])))


def _eval_deviation(run, args):
    """The largest relative gap between a recorded loss and the returned weights' MSE."""
    return max(float(np.max(np.abs(losses - _mse(run[0], X, y)))) / _mse(run[0], X, y)
               for losses, X, y in ((run[1], *args[0:2]), (run[2], *args[2:4])))


LAST = ("relative last-step change", _relative_change, (LAST_STEP, None),
        {"recorded after each step": dict(after=True)})
# Per run: for each of its rules, what it measures, the measure, the bounds a
# run must keep, and the wrong variants (from the recommended weights) it is there to catch.
STUDY = {
    "fit": [("training MSE", _training_mse, (None, FIT_MAX), {"not doubled": dict(scale=1.0)})],
    "last_step": [LAST],
    "gradient": [("relative error of the first loss drop", _drop_error, (None, GRADIENT_RTOL),
                  {"not doubled": dict(scale=1.0), "no ReLU derivative": dict(relu_backward=False)})],
    "eval_losses": [("relative gap of the losses", _eval_deviation, (None, EVAL_RTOL),
                     {"losses with dropout": dict(train_loss="dropout"),
                      "losses with penalty": dict(train_loss="penalized")})],
    "dropout": [("training MSE", _training_mse, (DROPOUT_MIN, DROPOUT_MAX),
                 {"dropout ignored": dict(dropout=False), "not inverted": dict(inverted=False),
                  "mask not in backward": dict(mask_backward=False)}), LAST],
    "decay": [("training MSE", _training_mse, (DECAY_MIN, DECAY_MAX),
               {"no decay": dict(update=lambda p, g, lr, wd: p - lr * g),
                "decay without lr": dict(update=lambda p, g, lr, wd: p - lr * g - (wd * p if p.ndim >= 2 else 0.0)),
                "biases decay": dict(update=lambda p, g, lr, wd: p - lr * (g + wd * p)),
                "not doubled": dict(scale=1.0)}), LAST],
}


def _shrunk_first(p, g, lr, wd):
    """The update arranged as (1 - lr * wd) * W - lr * dW."""
    return (1.0 - lr * wd) * p - lr * g if p.ndim >= 2 else p - lr * g


def _tolerance_used(got, expected):
    """The largest deviation of a run from the reference's, in units of the run tolerance."""
    return max(float(np.max(np.abs(g - e) / (RUN_ATOL + RUN_RTOL * np.abs(e))))
               for g, e in zip((*got[0], *got[1:]), (*expected[0], *expected[1:])))


def threshold_study(seeds=10):
    """Per run: the range of its rule's measure over correct initializations
    (``seeds`` rngs each) and over wrong variants from the recommended one, and
    how much of the run tolerance correct runs from the recommended weights use."""
    from grader_tests.checks import find
    from grader_tests.reference import load_reference

    reference = load_reference("05_regularization")
    calls = {_run_name(args): args for check_id in ("test_train_fits", "test_train_regularized")
             for args in find(check_id).make_calls()}
    lines = []
    for name, rules in STUDY.items():
        args = calls[name]

        def runs(**pieces):
            return [_train(*args[:9], np.random.default_rng(seed), **pieces) for seed in range(seeds)]

        correct = {label: runs(init=init) for label, init in STUDY_INITS.items()}
        for what, measure, (low, high), wrong in rules:
            spread = {label: [measure(run, args) for run in found] for label, found in correct.items()}
            lowest = min(spread, key=lambda label: min(spread[label]))
            highest = max(spread, key=lambda label: max(spread[label]))
            lines.append(f"{name}: {what}, allowed [{low}, {high}]; correct ({len(correct)} initializations x "
                         f"{seeds} seeds) {min(spread[lowest]):.3g} ({lowest}) to {max(spread[highest]):.3g} "
                         f"({highest})")
            for label, pieces in wrong.items():
                values = [measure(run, args) for run in runs(**pieces)]
                lines.append(f"    wrong, {label}: {min(values):.3g} to {max(values):.3g}")
    used = {name: max(_tolerance_used(_train(*copy.deepcopy(args), update=update),
                                       reference.train_network(*copy.deepcopy(args)))
                      for update in (_decayed, _shrunk_first)) for name, args in calls.items()}
    lines.append("runs from the recommended weights in other orders of operations use at most "
                 + ", ".join(f"{used[name]:.2g} ({name})" for name in used) + " of the run tolerance")
    return "\n".join(lines)
