"""Kernel side: chapter 4 (optimizers and schedules), the grader-chosen inputs.

Each update rule is called for one step on states a real run could reach
(the zero initial state and states in the middle of a run), with
hyper-parameters chosen so that every known mistake changes the result: a
large eps where the place of eps is tested, small t where the bias correction
matters. One call of each rule leaves out every argument that has a default,
with gradients near eps and exact zeros, so that a wrong default or a missing
eps shows. ``optimize`` is run with update rules written here, none of which
is a rule the course grades.
"""
from __future__ import annotations

import numpy as np

SHAPES = [(3,), (4, 5), (2, 1, 3)]


def _step_calls(make_state, hyper):
    """(w, dw, state, *hyper) for each tuple of hyper-parameters, shapes in turn."""
    def calls(rng):
        return [(rng.normal(size=shape), rng.normal(size=shape), make_state(rng, shape), *values)
                for shape, values in zip(SHAPES * len(hyper), hyper)]
    return calls


def _no_state(rng, shape):
    return ()


def _velocity(rng, shape):
    return rng.normal(size=shape)


def _squares(rng, shape):
    return rng.uniform(0.0, 2.0, size=shape)


# A gradient with an exact zero, a tiny entry (near eps) and ordinary ones.
EDGE_GRADIENT = np.array([0.0, 1e-9, -2.0, 0.3])


def _defaults_call(rng, state):
    """(w, dw, state) only: every hyper-parameter takes its default."""
    return rng.normal(size=4), EDGE_GRADIENT.copy(), state


def _tiny_gradient_calls(rng):
    """Gradients near eps, where eps inside or outside the square root differs."""
    return [(rng.normal(size=(4,)), rng.normal(scale=0.05, size=(4,)), rng.uniform(0.0, 0.01, size=(4,)), 0.1, 0.9, 0.01)]


def _adagrad_calls(rng):
    return (_step_calls(_squares, [(0.1, 1e-10), (0.5, 1e-10), (0.03, 1e-10)])(rng)
            + [call[:4] + (0.05,) for call in _tiny_gradient_calls(rng)]
            + [_defaults_call(rng, np.zeros(4))])  # the first step: G is dw**2 alone


def _rmsprop_calls(rng):
    return (_step_calls(_squares, [(0.1, 0.99, 1e-8), (0.5, 0.9, 1e-8), (0.03, 0.5, 1e-8)])(rng)
            + _tiny_gradient_calls(rng)
            + [_defaults_call(rng, np.array([0.0, 0.0, 0.5, 1.0]))])


def _momentum_calls(rng):
    # The last call gives lr only: beta takes its default.
    return _step_calls(_velocity, [(0.1, 0.9), (0.5, 0.5), (0.03, 0.99), (0.2,)])(rng)


def _weights(rng):
    return [(rng.normal(size=shape),) for shape in SHAPES]


def _adam_state(rng, shape, t):
    return rng.normal(scale=0.5, size=shape), rng.uniform(0.0, 1.0, size=shape), t


def _adam_calls(steps_taken):
    def calls(rng):
        hyper = [(1e-3, 0.9, 0.999, 1e-8), (0.1, 0.8, 0.99, 0.05), (0.01, 0.5, 0.9, 1e-8)]
        given = [(rng.normal(size=shape), rng.normal(size=shape), _adam_state(rng, shape, t) if t else
                  (np.zeros(shape), np.zeros(shape), 0), *values)
                 for shape, t, values in zip(SHAPES, steps_taken, hyper)]
        # Every hyper-parameter at its default. Later steps: a coordinate whose
        # gradients were all zero so far and one whose were near eps.
        t = steps_taken[-1]
        state = (np.zeros(4), np.zeros(4), 0)
        if t:
            m, v, _ = _adam_state(rng, (4,), t)
            m[:2], v[:2] = [0.0, 3e-10], [0.0, 1e-18]
            state = (m, v, t)
        return given + [_defaults_call(rng, state)]
    return calls


def _adamw_calls(rng):
    """Calls at t = 0 and later with decays from 0 to 2: with lr up to 0.1 the
    decay's place (times lr, of the old w, outside the moments and the root)
    moves new_w far beyond the tolerance. The last call takes every default."""
    hyper = [(1e-3, 0.9, 0.999, 1e-8, 0.01), (0.1, 0.8, 0.99, 0.05, 0.5), (0.05, 0.5, 0.9, 1e-8, 2.0),
             (0.1, 0.9, 0.999, 1e-8, 0.0)]
    calls = [(rng.normal(size=shape), rng.normal(size=shape),
              _adam_state(rng, shape, t) if t else (np.zeros(shape), np.zeros(shape), 0), *values)
             for shape, t, values in zip(SHAPES + [(5,)], [0, 3, 9, 1], hyper)]
    m, v, _ = _adam_state(rng, (4,), 6)
    return calls + [_defaults_call(rng, (m, v, 6))]


# ---- mini-batches: any shuffle from the given rng is right ----

def _minibatch_calls(rng):
    """B divides N, B does not, B > N, B = 1 and B = N (the last with integer
    rows and float labels, whose dtypes the batches must keep)."""
    calls = []
    for n, d, batch_size, dtype in [(20, 3, 5, float), (23, 2, 5, float), (7, 4, 10, float), (12, 1, 1, float),
                                    (8, 3, 8, int)]:
        X = rng.normal(size=(n, d)) if dtype is float else rng.integers(-50, 50, size=(n, d))
        X[:, 0] = np.arange(n)  # the first column names the row
        y = 10 * np.arange(n) + 3 if dtype is float else 0.5 * np.arange(n) + 0.25  # labels of the other kind
        calls.append((X, y, batch_size, np.random.default_rng(rng.integers(1000))))
    return calls


# ---- schedules ----

def _schedule_calls(extra):
    def calls(rng):
        return [(np.arange(0, 40), float(rng.uniform(0.01, 1.0)), *extra[0]),
                (np.arange(3, 11).reshape(2, 4), float(rng.uniform(0.01, 1.0)), *extra[1]),
                (7, 0.5, *extra[2])] + [(np.arange(0, 13), 0.4, *more) for more in extra[3:]]
    return calls


def _cosine_calls(rng):
    # The last extra leaves eta_min to its default.
    return _schedule_calls([(39, 0.001), (10, 0.05), (7, 0.0), (12,)])(rng) + [(np.arange(0, 21), 0.3, 20, 0.01)]


def _warmup_calls(rng):
    """Warm-ups of 10, 5, 1 and 0 steps (0: cosine annealing), a scalar step at
    the boundary s = W, a 2-D array of steps, and min_lr left to its default."""
    return [(np.arange(0, 101), 100, 10, float(rng.uniform(0.05, 1.0)), 0.001),
            (np.arange(0, 21).reshape(3, 7), 20, 5, float(rng.uniform(0.05, 1.0)), 0.05),
            (7, 30, 7, 0.5, 0.05),
            (np.arange(0, 11), 10, 1, 0.6, 0.1),
            (np.arange(0, 41), 40, 0, 0.3, 0.01),
            (np.arange(0, 13), 12, 3, 0.4)]


# ---- the optimization loop, run with grader-written rules ----

class Bowl:
    """Gradient of f(w) = (w - c)^T A (w - c) / 2 + sin(w_1), a tilted, rotated bowl."""

    def __init__(self, rng):
        q = np.linalg.qr(rng.normal(size=(2, 2)))[0]
        self.A = q @ np.diag([1.0, rng.uniform(5.0, 20.0)]) @ q.T
        self.c = rng.normal(size=2)

    def __call__(self, w):
        return self.A @ (w - self.c) + np.array([np.cos(w[0]), 0.0])

    def __eq__(self, other):
        # The recorder compares arguments after the call with a copy made
        # before it: a bowl equals its copy.
        return isinstance(other, Bowl) and np.array_equal(self.A, other.A) and np.array_equal(self.c, other.c)

    __hash__ = None


def _counting_init(w):
    return np.zeros_like(w), 0


def _counting_rule(w, dw, state, lr):
    """A rule whose state matters: a running mean of the gradients so far."""
    mean, count = state
    mean = (count * mean + dw) / (count + 1)
    return w - lr * (dw + mean), (mean, count + 1)


def _no_steps_taken(w):
    return 0


def _shrinking_rule(w, dw, steps, lr, decay):
    """Another rule whose state matters: a step size that shrinks by decay at
    every step, the state counting the steps taken."""
    return w - lr * decay ** steps * dw, steps + 1


def _loop_calls(rng):
    # The first hyper dict lists decay before lr, unlike the rule's signature:
    # hyper must be passed by name. The last call takes no step at all.
    return [(Bowl(rng), rng.normal(size=2), _shrinking_rule, _no_steps_taken, 12, {"decay": 0.8, "lr": 0.03}),
            (Bowl(rng), rng.normal(size=2), _counting_rule, _counting_init, 9, {"lr": 0.05}),
            (Bowl(rng), rng.normal(size=2), _shrinking_rule, _no_steps_taken, 1, {"lr": 0.1, "decay": 0.5}),
            (Bowl(rng), rng.normal(size=2), _counting_rule, _counting_init, 0, {"lr": 0.05})]


INPUTS = {
    # epoch_batches (setup cell) collects the student's minibatches() generator into a tuple.
    "test_minibatches": ("epoch_batches", _minibatch_calls),
    "test_sgd_init": ("sgd_init", _weights),
    "test_sgd": ("sgd", _step_calls(_no_state, [(0.1,), (0.5,), (0.03,)])),
    "test_momentum_init": ("momentum_init", _weights),
    "test_momentum": ("momentum", _momentum_calls),
    "test_nesterov_init": ("nesterov_init", _weights),
    "test_nesterov": ("nesterov", _momentum_calls),
    "test_adagrad_init": ("adagrad_init", _weights),
    "test_adagrad": ("adagrad", _adagrad_calls),
    "test_rmsprop_init": ("rmsprop_init", _weights),
    "test_rmsprop": ("rmsprop", _rmsprop_calls),
    "test_adam_init": ("adam_init", _weights),
    "test_adam_first_step": ("adam", _adam_calls([0, 0, 0])),
    "test_adam_later_steps": ("adam", _adam_calls([1, 4, 9])),
    "test_adamw": ("adamw", _adamw_calls),
    # The fourth extra of step_lr leaves gamma to its default.
    "test_step_lr": ("step_lr", _schedule_calls([(10, 0.5), (3, 0.1), (7, 0.9), (4,)])),
    "test_exponential_lr": ("exponential_lr", _schedule_calls([(0.95,), (0.5,), (0.9,)])),
    "test_cosine_annealing_lr": ("cosine_annealing_lr", _cosine_calls),
    "test_warmup_cosine": ("warmup_cosine", _warmup_calls),
    "test_optimize": ("optimize", _loop_calls),
}
