"""Grader side: chapter 5 (regularization), known mistakes and judges.

Penalties take a tuple of parameters such as (W1, b1, W2, b2) and penalize
only the weight matrices (2-D arrays), never the biases (1-D arrays). Every
wrong implementation below is one students write; the grader names it when a
submission behaves exactly like it. The training check judges the trained
weights by their validation error, computed here, because trained weights are
not unique. The inputs are the kernel side's
(``grader_tests.kernel.inputs.ch05_regularization``).
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import compare


# ---- penalties and the weight-decay step ----

def _penalty(params, lam, value, slope, biases=False):
    """lam * sum(value(W)) and lam * slope(W) over the penalized arrays."""
    chosen = [biases or np.ndim(p) >= 2 for p in params]
    total = lam * sum(float(np.sum(value(p))) for p, c in zip(params, chosen) if c)
    return total, tuple(lam * slope(p) if c else np.zeros_like(p) for p, c in zip(params, chosen))


def _l2(params, lam, scale=1.0, biases=False):
    return _penalty(params, lam * scale, lambda w: 0.5 * w ** 2, lambda w: w, biases)


def _l1(params, lam, sign=np.sign, biases=False):
    return _penalty(params, lam, np.abs, sign, biases)


def _sign_at_zero(value):
    return lambda w: np.where(w == 0, value, np.sign(w))


def _sgd(params, grads, lr, wd, decay_biases=False, decay=lambda p, lr, wd: lr * wd * p):
    return tuple(p - lr * g - (decay(p, lr, wd) if decay_biases or p.ndim >= 2 else 0.0)
                 for p, g in zip(params, grads))


# ---- dropout ----

def _dropout(x, p, mode, rng, keep=lambda u, p: u >= p, scale=lambda p: 1.0 / (1.0 - p),
             eval_scale=lambda p: 1.0):
    """A dropout forward pass whose pieces a mistake can replace."""
    if mode == "eval":
        return x * eval_scale(p), np.ones_like(x)
    mask = keep(rng.random(x.shape), p) * scale(p)
    return x * mask, mask


def _dropout_unscaled_mask(dtype):
    def forward(x, p, mode, rng):
        out, mask = _dropout(x, p, mode, rng)
        return out, (mask > 0).astype(dtype)
    return forward


def _judge_dropout_backward(got, expected, args):
    """dx = dout * mask: name a backward pass that does not reuse the forward mask."""
    problem = compare(got, expected, 1e-7, 1e-10)
    if problem is None or not isinstance(got, np.ndarray) or got.shape != expected.shape:
        return problem
    dout, mask = args
    if np.allclose(got, dout):
        return f"{problem}. Likely mistake: the mask was not applied: dx = dout * mask, the mask the forward pass returned"
    if np.allclose(got, dout * (mask > 0)):
        return (f"{problem}. Likely mistake: the 1/(1-p) scaling was lost in the backward pass: "
                "multiply by the mask itself, which already holds it")
    if not np.array_equal(got == 0, mask == 0):
        return (f"{problem}. Likely mistake: the mask was not reused: dx is zero where the forward pass kept a unit "
                "(or not zero where it dropped one); do not draw a new mask in the backward pass")
    return problem


# ---- early stopping ----

def _replay(val_losses, patience, min_delta, improved, stop=lambda bad, patience: bad >= patience, best_if=None):
    """Stop epoch and best epoch of a tracker whose rules a mistake can replace."""
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
            return epoch, best_epoch
    return -1, best_epoch


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
            return epoch, best_epoch
    return -1, best_epoch


def _restored(val_losses, patience, min_delta, last=False):
    stop, best_epoch = _replay(val_losses, patience, min_delta, _right)
    epoch = (stop if stop >= 0 else len(val_losses) - 1) if last else best_epoch
    # The replay adds 1 to every weight each epoch, starting from zero.
    return np.full((2, 2), epoch + 1.0), np.full((2,), epoch + 1.0)


# ---- label smoothing and noise ----

def _smooth(one_hot, eps, on=lambda eps, c: 1.0 - eps + eps / c, off=lambda eps, c: eps / c):
    c = one_hot.shape[1]
    return np.where(one_hot == 1.0, on(eps, c), off(eps, c))


def _noise(x, std, rng, scale=lambda std: std, keep_x=True):
    noise = scale(std) * rng.standard_normal(x.shape)
    return x + noise if keep_x else noise


# ---- training a small over-parameterised network ----

def _mse(params, X, y):
    W1, b1, W2, b2 = params
    return float(np.mean((np.maximum(X @ W1 + b1, 0.0) @ W2 + b2 - y) ** 2))


def _training_problem(got, args):
    """A message when the returned value is not a finished training run, else None."""
    X, _, _, _, hidden, _, steps = args[:7]
    shapes = ((X.shape[1], hidden), (hidden,), (hidden, 1), (1,))
    if not isinstance(got, tuple) or len(got) != 3 or not isinstance(got[0], tuple) or len(got[0]) != 4:
        return "train_network() must return ((W1, b1, W2, b2), train_losses, val_losses)"
    if tuple(np.shape(p) for p in got[0]) != shapes:
        return f"parameter shapes {tuple(np.shape(p) for p in got[0])}, expected {shapes}"
    for name, losses in zip(("train_losses", "val_losses"), got[1:]):
        if np.shape(losses) != (steps,):
            return f"{name} has shape {np.shape(losses)}, expected ({steps},): the loss before each step"
    if not all(np.all(np.isfinite(a)) for a in (*got[0], *got[1:])):
        return "the weights or losses became inf or nan: check the signs and sizes of the updates"
    return None


def _judge_fit(got, expected, args):
    """Without regularization the network must fit its 30 training points."""
    problem = _training_problem(got, args)
    if problem:
        return problem
    train = _mse(got[0], *args[:2])
    if train > 0.05:
        return (f"training MSE {train:.3g} after {args[6]} steps; an over-parameterised network should fit its "
                "30 points (MSE below 0.05). Check the gradients and the update p - lr * grad")
    return None


def _judge_regularized(got, expected, args):
    """With weight decay the validation error must come out well below the unregularized one's."""
    problem = _training_problem(got, args)
    if problem:
        return problem
    # Correct runs reach about 2.7-2.9 on these data, runs without decay 3.1-4.3.
    val, required = _mse(got[0], *args[2:4]), 3.0
    if val <= required:
        return None
    message = f"validation MSE {val:.3g} with weight_decay={args[7]:g}, at most {required:g} required"
    norm, reference_norm = (np.sqrt(np.sum(p[0] ** 2) + np.sum(p[2] ** 2)) for p in (got[0], expected[0]))
    if norm > 1.5 * reference_norm:
        return (f"{message}. Likely mistake: weight decay had no effect (the weights' norm is {norm:.3g}, about "
                f"{reference_norm:.3g} with decay): update W - lr * (dW + weight_decay * W)")
    return message


register(
    check("test_l2_penalty",
          mistakes=(Mistake("the penalty was not scaled by lambda", lambda params, lam: _l2(params, 1.0)),
                    Mistake("the biases were penalized too: only weight matrices (2-D arrays) are",
                            lambda params, lam: _l2(params, lam, biases=True)),
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
                            lambda params, lam: _l1(params, lam, biases=True)))),
    check("test_sgd_weight_decay",
          mistakes=(Mistake("weight decay was applied to the biases too: only weight matrices (2-D arrays) decay",
                            lambda *a: _sgd(*a, decay_biases=True)),
                    Mistake("the decay term was not multiplied by the learning rate: W - lr * (dW + wd * W)",
                            lambda *a: _sgd(*a, decay=lambda p, lr, wd: wd * p)),
                    Mistake("the decay term was not scaled by weight_decay",
                            lambda *a: _sgd(*a, decay=lambda p, lr, wd: lr * p)),
                    Mistake("the decay was added with the wrong sign: it must shrink the weights",
                            lambda *a: _sgd(*a, decay=lambda p, lr, wd: -lr * wd * p)))),
    check("test_dropout_forward_train",
          mistakes=(Mistake("no inverted scaling: kept units must be multiplied by 1/(1-p) at training time",
                            lambda *a: _dropout(*a, scale=lambda p: 1.0)),
                    Mistake("p was treated as the keep probability; p is the probability of DROPPING a unit",
                            lambda *a: _dropout(*a, keep=lambda u, p: u < p, scale=lambda p: 1.0 / p)),
                    Mistake("kept units were scaled by 1/p; the scale is 1/(1-p), one over the keep probability",
                            lambda *a: _dropout(*a, scale=lambda p: 1.0 / p)),
                    *(Mistake("the returned mask must be the scaled mask (0 or 1/(1-p)) in float64, so that "
                              "out = x * mask", _dropout_unscaled_mask(dtype)) for dtype in (np.float64, bool)),
                    Mistake("units were kept where u < 1 - p; keep exactly those with rng.random(x.shape) >= p",
                            lambda *a: _dropout(*a, keep=lambda u, p: u < 1.0 - p)))),
    check("test_dropout_forward_eval",
          mistakes=(Mistake("dropout was applied at evaluation time: in eval mode the layer is the identity",
                            lambda x, p, mode, rng: _dropout(x, p, "train", rng)),
                    Mistake("the output was scaled by (1-p) at evaluation time; with inverted dropout the "
                            "scaling happens only during training", lambda *a: _dropout(*a, eval_scale=lambda p: 1.0 - p)),
                    Mistake("the output was scaled by 1/(1-p) at evaluation time; in eval mode the layer is the identity",
                            lambda *a: _dropout(*a, eval_scale=lambda p: 1.0 / (1.0 - p))))),
    check("test_dropout_backward", judge=_judge_dropout_backward),
    check("test_early_stopping",
          mistakes=(Mistake("patience off by one: stop once patience epochs in a row have not improved, not patience + 1",
                            _stopping(stop=lambda bad, patience: bad > patience)),
                    Mistake("min_delta was ignored: an improvement must beat the best loss by more than min_delta",
                            _stopping(lambda loss, best, previous, delta: loss < best)),
                    Mistake("min_delta was applied the wrong way: improved means val_loss < best_loss - min_delta",
                            _stopping(lambda loss, best, previous, delta: loss < best + delta)),
                    Mistake("each epoch was compared with the previous epoch instead of the best so far",
                            _stopping(lambda loss, best, previous, delta: loss < previous - delta)),
                    Mistake("a loss equal to the best was counted as an improvement; it must be strictly lower",
                            _stopping(lambda loss, best, previous, delta: loss <= best - delta)),
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
                    Mistake("eps and 1 - eps were swapped", lambda y, eps: _smooth(y, 1.0 - eps)))),
    check("test_add_gaussian_noise",
          mistakes=(Mistake("std was used as the variance: the noise is std * rng.standard_normal(x.shape)",
                            lambda *a: _noise(*a, scale=np.sqrt)),
                    Mistake("the noise was scaled by std**2 (the variance) instead of std",
                            lambda *a: _noise(*a, scale=np.square)),
                    Mistake("the noise was returned without adding it to x", lambda *a: _noise(*a, keep_x=False)))),
    check("test_train_fits", judge=_judge_fit),
    check("test_train_regularized", judge=_judge_regularized),
)
