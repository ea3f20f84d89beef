"""Chapter 4 (optimizers and schedules): grader-chosen inputs and known mistakes.

Each update rule is called for one step on states a real run could reach
(the zero initial state and states in the middle of a run), with
hyper-parameters chosen so that every mistake below changes the result: a
large eps where the place of eps is tested, small t where the bias correction
matters. The mini-batches are judged by their properties, since any shuffle
drawn from the given rng is right.
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Check, Mistake, register

SHAPES = [(3,), (4, 5), (2, 1, 3)]


def _step_calls(make_state, hyper):
    """For each shape: (w, dw, state, *hyper) with a grader-chosen state."""
    def calls(rng):
        return [(rng.normal(size=shape), rng.normal(size=shape), make_state(rng, shape), *values)
                for shape, values in zip(SHAPES, hyper)]
    return calls


def _velocity(rng, shape):
    return rng.normal(size=shape)


def _squares(rng, shape):
    return rng.uniform(0.0, 2.0, size=shape)


def _tiny_gradient_calls(rng):
    """Gradients near eps, where eps inside or outside the square root differs."""
    return [(rng.normal(size=(4,)), rng.normal(scale=0.05, size=(4,)), rng.uniform(0.0, 0.01, size=(4,)), 0.1, 0.9, 0.01)]


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


def _adam_state(rng, shape, t):
    return rng.normal(scale=0.5, size=shape), rng.uniform(0.0, 1.0, size=shape), t


def _adam_calls(steps_taken):
    def calls(rng):
        hyper = [(1e-3, 0.9, 0.999, 1e-8), (0.1, 0.8, 0.99, 0.05), (0.01, 0.5, 0.9, 1e-8)]
        return [(rng.normal(size=shape), rng.normal(size=shape), _adam_state(rng, shape, t) if t else
                 (np.zeros(shape), np.zeros(shape), 0), *values)
                for shape, t, values in zip(SHAPES, steps_taken, hyper)]
    return calls


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

def _minibatch_calls(rng):
    calls = []
    for n, d, batch_size in [(20, 3, 5), (23, 2, 5), (7, 4, 10), (12, 1, 1)]:
        X = rng.normal(size=(n, d))
        X[:, 0] = np.arange(n)  # the first column names the row
        calls.append((X, 10 * np.arange(n) + 3, batch_size, np.random.default_rng(rng.integers(1000))))
    return calls


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

def _schedule_calls(extra):
    def calls(rng):
        return [(np.arange(0, 40), float(rng.uniform(0.01, 1.0)), *extra[0]),
                (np.arange(3, 11).reshape(2, 4), float(rng.uniform(0.01, 1.0)), *extra[1]),
                (7, 0.5, *extra[2])]
    return calls


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


# ---- the optimization loop, run with grader-written rules ----

class _Bowl:
    """Gradient of f(w) = (w - c)^T A (w - c) / 2 + sin(w_1), a tilted, rotated bowl."""

    def __init__(self, rng):
        q = np.linalg.qr(rng.normal(size=(2, 2)))[0]
        self.A = q @ np.diag([1.0, rng.uniform(5.0, 20.0)]) @ q.T
        self.c = rng.normal(size=2)

    def __call__(self, w):
        return self.A @ (w - self.c) + np.array([np.cos(w[0]), 0.0])


def _counting_init(w):
    return np.zeros_like(w), 0


def _counting_rule(w, dw, state, lr):
    """A rule whose state matters: a running mean of the gradients so far."""
    mean, count = state
    mean = (count * mean + dw) / (count + 1)
    return w - lr * (dw + mean), (mean, count + 1)


def _loop_calls(rng):
    return [(_Bowl(rng), rng.normal(size=2), _heavy_ball, np.zeros_like, 12, {"lr": 0.03, "beta": 0.8}),
            (_Bowl(rng), rng.normal(size=2), _counting_rule, _counting_init, 9, {"lr": 0.05}),
            (_Bowl(rng), rng.normal(size=2), _heavy_ball, np.zeros_like, 1, {"lr": 0.1, "beta": 0.5})]


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
    # epoch_batches (setup cell) collects the student's minibatches() generator into a tuple.
    Check("test_minibatches", "epoch_batches", _minibatch_calls, judge=judge_minibatches),
    Check("test_sgd", "sgd", _step_calls(lambda rng, shape: (), [(0.1,), (0.5,), (0.03,)]),
          mistakes=(Mistake("the step went uphill: gradient descent subtracts, w - lr * dw",
                            lambda w, dw, state, lr: (w + lr * dw, state)),)),
    Check("test_momentum", "momentum", _step_calls(_velocity, [(0.1, 0.9), (0.5, 0.5), (0.03, 0.99)]),
          mistakes=(Mistake(WRONG_SIGN, lambda w, dw, v, lr, beta=0.9: _heavy_ball(w, dw, v, lr, beta, sign=1.0)),
                    Mistake(WRONG_SIGN + " (the gradient was subtracted inside the velocity)", _momentum_velocity_minus),
                    Mistake("the velocity was stored in the other convention, v = beta * v - lr * dw; this course "
                            "and PyTorch keep v = beta * v + dw and step w - lr * v", _momentum_other_convention),
                    Mistake("the velocity averaged the gradient with (1 - beta) * dw; momentum adds the whole "
                            "gradient: v = beta * v + dw", _momentum_dampened))),
    Check("test_nesterov", "nesterov", _step_calls(_velocity, [(0.1, 0.9), (0.5, 0.5), (0.03, 0.99)]),
          mistakes=(Mistake("Nesterov identical to momentum: the step must be lr * (dw + beta * v_new), "
                            "the look-ahead form, not lr * v_new", _heavy_ball),
                    Mistake(WRONG_SIGN, _nesterov_uphill))),
    Check("test_adagrad", "adagrad",
          lambda rng: _step_calls(_squares, [(0.1, 1e-10), (0.5, 1e-10), (0.03, 1e-10)])(rng)
          + [call[:4] + (0.05,) for call in _tiny_gradient_calls(rng)],
          mistakes=(Mistake("Adagrad without accumulation: the state is the running SUM of squared gradients, "
                            "G + dw**2, not the last dw**2", _adagrad_not_accumulated),
                    Mistake("eps inside the square root: use sqrt(G) + eps, as PyTorch does", _adagrad_eps_inside))),
    Check("test_rmsprop", "rmsprop",
          lambda rng: _step_calls(_squares, [(0.1, 0.99, 1e-8), (0.5, 0.9, 1e-8), (0.03, 0.5, 1e-8)])(rng)
          + _tiny_gradient_calls(rng),
          mistakes=(Mistake("RMSProp decay applied to the wrong term: rho multiplies the old average, "
                            "s = rho * s + (1 - rho) * dw**2", _rmsprop_swapped),
                    Mistake("the new squared gradient was not weighted by (1 - rho): s = rho * s + (1 - rho) * dw**2",
                            _rmsprop_no_one_minus),
                    Mistake("eps inside the square root: use sqrt(s) + eps, as PyTorch does", _rmsprop_eps_inside))),
    Check("test_adam_init", "adam_init", lambda rng: [(rng.normal(size=shape),) for shape in SHAPES],
          mistakes=(Mistake("t off by one: the counter must start at 0 (no step taken yet) and is incremented "
                            "before the bias correction, so the first step uses t = 1",
                            lambda w: (np.zeros_like(w), np.zeros_like(w), 1)),
                    Mistake("m and v must be float64 arrays of w's shape, not scalars",
                            lambda w: (np.float64(0.0), np.float64(0.0), 0)))),
    Check("test_adam_first_step", "adam", _adam_calls([0, 0, 0]), mistakes=ADAM_MISTAKES),
    Check("test_adam_later_steps", "adam", _adam_calls([1, 4, 9]), mistakes=ADAM_MISTAKES),
    Check("test_step_lr", "step_lr", _schedule_calls([(10, 0.5), (3, 0.1), (7, 0.9)]),
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_step, 1)), Mistake(EPOCH_EARLY, _off_by_one(_step, -1)),
                    Mistake("the rate decayed every epoch (epoch / step_size without the floor); StepLR keeps it "
                            "constant for step_size epochs: use epoch // step_size",
                            lambda e, lr0, s, gamma=0.1: lr0 * gamma ** (np.asarray(e) / s)))),
    Check("test_exponential_lr", "exponential_lr", _schedule_calls([(0.95,), (0.5,), (0.9,)]),
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_exponential, 1)),
                    Mistake(EPOCH_EARLY, _off_by_one(_exponential, -1)))),
    Check("test_cosine_annealing_lr", "cosine_annealing_lr",
          lambda rng: _schedule_calls([(39, 0.001), (10, 0.05), (7, 0.0)])(rng)
          + [(np.arange(0, 21), 0.3, 20, 0.01)],
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_cosine, 1)), Mistake(EPOCH_EARLY, _off_by_one(_cosine, -1)),
                    Mistake("eta_min was left out: the rate anneals from lr0 down to eta_min, "
                            "eta_min + (lr0 - eta_min) * (1 + cos(pi * epoch / T_max)) / 2",
                            lambda e, lr0, T, eta_min=0.0: _cosine(e, lr0, T)),
                    Mistake("eta_min was added on top of the cosine of lr0; the cosine spans lr0 - eta_min",
                            lambda e, lr0, T, eta_min=0.0: eta_min + _cosine(e, lr0, T)),
                    Mistake("the cosine period was off by one epoch: divide by T_max, not T_max - 1",
                            lambda e, lr0, T, eta_min=0.0: _cosine(e, lr0, T - 1, eta_min)))),
    Check("test_optimize", "optimize", _loop_calls,
          mistakes=(Mistake("the trajectory must start with w0: num_steps + 1 rows", _loop_variant(keep_start=False)),
                    Mistake("the last point is missing: append w after every step, num_steps + 1 rows in all",
                            _loop_variant(keep_last=False)),
                    Mistake("the state was re-initialised at every step: call init once, before the loop",
                            _loop_variant(fresh_state=True)),
                    Mistake("the gradient was evaluated only at w0: call grad_fn at the current point every step",
                            _loop_variant(frozen_gradient=True)))),
)
