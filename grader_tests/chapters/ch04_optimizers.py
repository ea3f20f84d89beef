"""Grader side: chapter 4 (optimizers and schedules), known mistakes and judges.

Every known mistake changes the result on the kernel side's inputs
(``grader_tests.kernel.inputs.ch04_optimizers``). The mini-batches are judged
by their properties, since any shuffle drawn from the given rng is right.
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register


# ---- known wrong update rules (written independently of the reference) ----

def _heavy_ball(w, dw, v, lr, beta, sign=-1.0):
    v = beta * v + dw
    return w + sign * lr * v, v


def _momentum_velocity_minus(w, dw, v, lr, beta=0.9):
    v = beta * v - dw
    return w - lr * v, v


def _momentum_other_convention(w, dw, v, lr, beta=0.9):
    v = beta * v - lr * dw
    return w + v, v


def _momentum_dampened(w, dw, v, lr, beta=0.9):
    v = beta * v + (1.0 - beta) * dw
    return w - lr * v, v


def _nesterov_uphill(w, dw, v, lr, beta=0.9):
    v = beta * v + dw
    return w + lr * (dw + beta * v), v


def _scaled_root(w, dw, total, lr, eps, inside):
    denominator = np.sqrt(total + eps) if inside else np.sqrt(total) + eps
    return w - lr * dw / denominator, total


def _adagrad_not_accumulated(w, dw, G, lr=0.01, eps=1e-10):
    return _scaled_root(w, dw, dw ** 2, lr, eps, inside=False)


def _adagrad_eps_inside(w, dw, G, lr=0.01, eps=1e-10):
    return _scaled_root(w, dw, G + dw ** 2, lr, eps, inside=True)


def _rmsprop_swapped(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    return _scaled_root(w, dw, (1.0 - rho) * s + rho * dw ** 2, lr, eps, inside=False)


def _rmsprop_no_one_minus(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    return _scaled_root(w, dw, rho * s + dw ** 2, lr, eps, inside=False)


def _rmsprop_eps_inside(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    return _scaled_root(w, dw, rho * s + (1.0 - rho) * dw ** 2, lr, eps, inside=True)


def _adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, *, correct=True, t_used=0, t_kept=1,
          eps_inside=False):
    """Adam with one thing changed: t_used and t_kept shift the counter used in
    the bias correction and the counter returned, relative to t + 1."""
    m, v, t = state
    m = beta1 * m + (1.0 - beta1) * dw
    v = beta2 * v + (1.0 - beta2) * dw ** 2
    t_step = t + 1 + t_used
    if correct:
        m_hat, v_hat = m / (1.0 - beta1 ** t_step), v / (1.0 - beta2 ** t_step)
    else:
        m_hat, v_hat = m, v
    root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return w - lr * m_hat / root, (m, v, t + t_kept)


def _adam_variant(**change):
    return lambda w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8: _adam(w, dw, state, lr, beta1, beta2, eps,
                                                                                   **change)


ADAM_MISTAKES = (
    Mistake("Adam without bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step",
            _adam_variant(correct=False)),
    Mistake("t off by one: the bias correction used the old t; increment t first, so the first step uses t = 1",
            _adam_variant(t_used=-1)),
    Mistake("t off by one: the bias correction used t + 2 (t incremented twice?); the first step uses t = 1",
            _adam_variant(t_used=1)),
    Mistake("t off by one: the returned state kept the old t; return t + 1", _adam_variant(t_kept=0)),
    Mistake("eps inside the square root: use sqrt(v_hat) + eps, as PyTorch does", _adam_variant(eps_inside=True)),
)

WRONG_SIGN = "momentum with the wrong sign: the step went uphill; v = beta * v + dw and w - lr * v"


# ---- mini-batches: any shuffle from the given rng is right ----

def _batch_problem(batches, X, y, batch_size) -> str | None:
    if not isinstance(batches, tuple) or not all(isinstance(b, tuple) and len(b) == 2 for b in batches):
        return "minibatches() must yield (X_batch, y_batch) pairs"
    for xb, yb in batches:
        if xb.ndim != 2 or xb.shape[1] != X.shape[1] or yb.shape != (xb.shape[0],):
            return f"a batch has shapes {xb.shape} and {yb.shape}: X_batch must be (B, {X.shape[1]}), y_batch (B,)"
        if xb.dtype != X.dtype or yb.dtype != y.dtype:
            return f"a batch has dtypes {xb.dtype}, {yb.dtype}; expected X's {X.dtype} and y's {y.dtype}"
        rows = xb[:, 0].astype(np.int64)
        if np.any(rows < 0) or np.any(rows >= len(X)) or not np.array_equal(xb, X[rows]):
            return "a batch holds rows that are not rows of X"
        if not np.array_equal(yb, y[rows]):
            return "a row lost its label: shuffle one index array and take the same rows of X and y"
    seen = np.concatenate([xb[:, 0] for xb, _ in batches]).astype(np.int64) if batches else np.zeros(0, np.int64)
    counts = np.bincount(seen, minlength=len(X))
    if counts.max(initial=0) > 1:
        return (f"{int((counts > 1).sum())} rows appear more than once in one epoch. Likely mistake: mini-batches "
                "that repeat samples (drawn with replacement, e.g. rng.integers or rng.choice per batch); shuffle "
                "once with rng.permutation and slice the shuffled order")
    if counts.min(initial=1) == 0:
        return (f"{int((counts == 0).sum())} of {len(X)} rows never appear. Likely mistake: mini-batches that "
                "drop samples (the last, smaller batch was left out, or the slices stop early); yield every row")
    sizes = [len(yb) for _, yb in batches]
    expected = [batch_size] * (len(X) // batch_size) + ([len(X) % batch_size] if len(X) % batch_size else [])
    if sizes != expected:
        return f"batch sizes {sizes}, expected {expected}: full batches first, the remainder last"
    if len(X) > 2 and np.array_equal(seen, np.arange(len(X))):
        return "the rows came out in their original order: shuffle them with the rng once per epoch"
    return None


def judge_minibatches(got, expected, args):
    X, y, batch_size, _ = args
    return _batch_problem(got, X, y, batch_size)


# ---- schedules ----

def _off_by_one(formula, shift):
    return lambda epoch, *rest: formula(np.asarray(epoch) + shift, *rest)


def _step(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** (np.asarray(epoch) // step_size)


def _exponential(epoch, lr0, gamma):
    return lr0 * gamma ** np.asarray(epoch, dtype=np.float64)


def _cosine(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + 0.5 * (lr0 - eta_min) * (1.0 + np.cos(np.pi * np.asarray(epoch) / T_max))


EPOCH_LATE = "schedule off by one epoch: epochs count from 0 and epoch 0 uses lr0 (you used epoch + 1)"
EPOCH_EARLY = "schedule off by one epoch: epochs count from 0 and epoch 0 uses lr0 (you used epoch - 1)"


# ---- the optimization loop ----

def _loop(grad_fn, w0, update, init, num_steps, hyper, *, keep_start=True, keep_last=True, fresh_state=False,
          frozen_gradient=False):
    w = np.array(w0, dtype=np.float64)
    state, path = init(w), []
    first_gradient = grad_fn(w)
    for _ in range(num_steps):
        path.append(w)
        if fresh_state:
            state = init(w)
        w, state = update(w, first_gradient if frozen_gradient else grad_fn(w), state, **hyper)
    path.append(w)
    if not keep_start:
        path = path[1:]
    if not keep_last:
        path = path[:-1]
    return np.array(path)


def _loop_variant(**change):
    return lambda grad_fn, w0, update, init, num_steps, hyper: _loop(grad_fn, w0, update, init, num_steps, hyper,
                                                                     **change)


register(
    check("test_minibatches", judge=judge_minibatches),
    check("test_sgd",
          mistakes=(Mistake("the step went uphill: gradient descent subtracts, w - lr * dw",
                            lambda w, dw, state, lr: (w + lr * dw, state)),)),
    check("test_momentum",
          mistakes=(Mistake(WRONG_SIGN, lambda w, dw, v, lr, beta=0.9: _heavy_ball(w, dw, v, lr, beta, sign=1.0)),
                    Mistake(WRONG_SIGN + " (the gradient was subtracted inside the velocity)", _momentum_velocity_minus),
                    Mistake("the velocity was stored in the other convention, v = beta * v - lr * dw; this course "
                            "and PyTorch keep v = beta * v + dw and step w - lr * v", _momentum_other_convention),
                    Mistake("the velocity averaged the gradient with (1 - beta) * dw; momentum adds the whole "
                            "gradient: v = beta * v + dw", _momentum_dampened))),
    check("test_nesterov",
          mistakes=(Mistake("Nesterov identical to momentum: the step must be lr * (dw + beta * v_new), "
                            "the look-ahead form, not lr * v_new", _heavy_ball),
                    Mistake(WRONG_SIGN, _nesterov_uphill))),
    check("test_adagrad",
          mistakes=(Mistake("Adagrad without accumulation: the state is the running SUM of squared gradients, "
                            "G + dw**2, not the last dw**2", _adagrad_not_accumulated),
                    Mistake("eps inside the square root: use sqrt(G) + eps, as PyTorch does", _adagrad_eps_inside))),
    check("test_rmsprop",
          mistakes=(Mistake("RMSProp decay applied to the wrong term: rho multiplies the old average, "
                            "s = rho * s + (1 - rho) * dw**2", _rmsprop_swapped),
                    Mistake("the new squared gradient was not weighted by (1 - rho): s = rho * s + (1 - rho) * dw**2",
                            _rmsprop_no_one_minus),
                    Mistake("eps inside the square root: use sqrt(s) + eps, as PyTorch does", _rmsprop_eps_inside))),
    check("test_adam_init",
          mistakes=(Mistake("t off by one: the counter must start at 0 (no step taken yet) and is incremented "
                            "before the bias correction, so the first step uses t = 1",
                            lambda w: (np.zeros_like(w), np.zeros_like(w), 1)),
                    Mistake("m and v must be float64 arrays of w's shape, not scalars",
                            lambda w: (np.float64(0.0), np.float64(0.0), 0)))),
    check("test_adam_first_step", mistakes=ADAM_MISTAKES),
    check("test_adam_later_steps", mistakes=ADAM_MISTAKES),
    check("test_step_lr",
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_step, 1)), Mistake(EPOCH_EARLY, _off_by_one(_step, -1)),
                    Mistake("the rate decayed every epoch (epoch / step_size without the floor); StepLR keeps it "
                            "constant for step_size epochs: use epoch // step_size",
                            lambda e, lr0, s, gamma=0.1: lr0 * gamma ** (np.asarray(e) / s)))),
    check("test_exponential_lr",
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_exponential, 1)),
                    Mistake(EPOCH_EARLY, _off_by_one(_exponential, -1)))),
    check("test_cosine_annealing_lr",
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_cosine, 1)), Mistake(EPOCH_EARLY, _off_by_one(_cosine, -1)),
                    Mistake("eta_min was left out: the rate anneals from lr0 down to eta_min, "
                            "eta_min + (lr0 - eta_min) * (1 + cos(pi * epoch / T_max)) / 2",
                            lambda e, lr0, T, eta_min=0.0: _cosine(e, lr0, T)),
                    Mistake("eta_min was added on top of the cosine of lr0; the cosine spans lr0 - eta_min",
                            lambda e, lr0, T, eta_min=0.0: eta_min + _cosine(e, lr0, T)),
                    Mistake("the cosine period was off by one epoch: divide by T_max, not T_max - 1",
                            lambda e, lr0, T, eta_min=0.0: _cosine(e, lr0, T - 1, eta_min)))),
    check("test_optimize",
          mistakes=(Mistake("the trajectory must start with w0: num_steps + 1 rows", _loop_variant(keep_start=False)),
                    Mistake("the last point is missing: append w after every step, num_steps + 1 rows in all",
                            _loop_variant(keep_last=False)),
                    Mistake("the state was re-initialised at every step: call init once, before the loop",
                            _loop_variant(fresh_state=True)),
                    Mistake("the gradient was evaluated only at w0: call grad_fn at the current point every step",
                            _loop_variant(frozen_gradient=True)))),
)
