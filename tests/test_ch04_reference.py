"""Chapter 4 references against independent oracles: closed forms on
quadratics, the look-ahead form of Nesterov's method, explicit sums for the
moving averages, the schedules' defining properties, and the partition
property of an epoch."""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from conftest import oracle_gradient
from grader_tests.reference import load_reference

ref = load_reference("04_optimizers")
rng = np.random.default_rng(4)


def close(a, b):
    return np.allclose(a, b, rtol=1e-10, atol=1e-12)


def run(update, init, gradients, w0, **hyper):
    """Points after each step when the rule sees the given gradients in turn."""
    w, state, points = w0, init(w0), []
    for g in gradients:
        w, state = update(w, g, state, **hyper)
        points.append(w)
    return np.array(points)


@pytest.mark.parametrize("n, batch_size", [(20, 5), (23, 5), (3, 10), (9, 1), (8, 8)])
def test_an_epoch_is_a_shuffled_partition_of_the_rows(n, batch_size):
    X = np.column_stack([np.arange(n), rng.normal(size=n)])
    y = np.arange(n) * 7
    batches = list(ref.minibatches(X, y, batch_size, np.random.default_rng(1)))
    assert all(xb.dtype == X.dtype and yb.dtype == y.dtype for xb, yb in batches)
    order = np.concatenate([xb[:, 0] for xb, _ in batches]).astype(int)
    assert sorted(order) == list(range(n))
    assert all(np.array_equal(yb, 7 * xb[:, 0].astype(int)) for xb, yb in batches)
    assert [len(yb) for _, yb in batches] == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    again = np.concatenate([xb[:, 0] for xb, _ in ref.minibatches(X, y, batch_size, np.random.default_rng(1))])
    assert np.array_equal(order, again), "the same rng seed gives the same epoch"
    if n > 5:
        assert not np.array_equal(order, np.arange(n))


def test_an_epoch_keeps_integer_rows_and_leaves_the_data_alone():
    X, y = np.arange(12).reshape(6, 2), np.linspace(0.0, 1.0, 6)
    X_before, y_before = X.copy(), y.copy()
    batches = list(ref.minibatches(X, y, 4, np.random.default_rng(2)))
    assert [xb.dtype for xb, _ in batches] == [np.int64, np.int64]
    assert np.array_equal(X, X_before) and np.array_equal(y, y_before)


def test_the_defaults_are_pytorchs():
    """torch.optim's documented defaults (SGD's momentum has none; the course uses 0.9)."""
    def defaults(rule):
        return {name: p.default for name, p in inspect.signature(rule).parameters.items()
                if p.default is not inspect.Parameter.empty}
    assert defaults(ref.adagrad) == {"lr": 0.01, "eps": 1e-10}
    assert defaults(ref.rmsprop) == {"lr": 0.01, "rho": 0.99, "eps": 1e-8}
    assert defaults(ref.adam) == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert defaults(ref.momentum) == defaults(ref.nesterov) == {"beta": 0.9}


@pytest.mark.parametrize("rule, init", [("adagrad", "adagrad_init"), ("rmsprop", "rmsprop_init"),
                                        ("adam", "adam_init")])
def test_a_zero_gradient_from_the_initial_state_takes_no_step(rule, init):
    """eps sits outside the square root, so 0 / (sqrt(0) + eps) = 0, without a warning."""
    w = np.array([1.0, -2.0])
    with np.errstate(all="raise"):
        new_w, _ = getattr(ref, rule)(w, np.zeros(2), getattr(ref, init)(w))
    assert np.array_equal(new_w, w)


def test_the_rules_leave_w_and_dw_alone():
    w, dw = rng.normal(size=3), rng.normal(size=3)
    for rule, init in [(ref.sgd, ref.sgd_init), (ref.momentum, ref.momentum_init), (ref.nesterov, ref.nesterov_init),
                       (ref.adagrad, ref.adagrad_init), (ref.rmsprop, ref.rmsprop_init), (ref.adam, ref.adam_init)]:
        w_before, dw_before = w.copy(), dw.copy()
        new_w, _ = rule(w, dw, init(w), lr=0.1)
        assert new_w is not w and np.array_equal(w, w_before) and np.array_equal(dw, dw_before)


def test_sgd_on_a_quadratic_contracts_each_coordinate_by_one_minus_lr_times_curvature():
    curvature = np.array([1.0, 10.0])
    w0, lr, w = np.array([3.0, -2.0]), 0.05, np.array([3.0, -2.0])
    for _ in range(7):
        w, _ = ref.sgd(w, curvature * w, ref.sgd_init(w), lr)
    assert close(w, (1 - lr * curvature) ** 7 * w0)


def test_momentum_is_the_two_step_heavy_ball_recurrence():
    gradients = rng.normal(size=(12, 4))
    lr, beta, w0 = 0.1, 0.8, rng.normal(size=4)
    points = run(ref.momentum, ref.momentum_init, gradients, w0, lr=lr, beta=beta)
    previous, current = w0, w0
    for g, w in zip(gradients, points):  # w_{k+1} = w_k - lr g_k + beta (w_k - w_{k-1})
        previous, current = current, current - lr * g + beta * (current - previous)
        assert close(w, current)


def test_nesterov_is_the_look_ahead_method_seen_from_the_look_ahead_point():
    """x_{k+1} = x_k + u_{k+1}, u_{k+1} = beta u_k - lr grad(x_k + beta u_k): the
    reference's w_k must be the look-ahead point x_k + beta u_k."""
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    grad = lambda p: A @ p  # noqa: E731
    lr, beta = 0.1, 0.9
    x, u = np.array([1.0, -1.0]), np.zeros(2)
    w, state = x.copy(), ref.nesterov_init(x)
    for _ in range(15):
        u = beta * u - lr * grad(x + beta * u)
        x = x + u
        w, state = ref.nesterov(w, grad(w), state, lr=lr, beta=beta)
        assert close(w, x + beta * u)


def test_nesterov_differs_from_momentum_once_there_is_a_velocity():
    w, g, v = np.ones(3), rng.normal(size=3), rng.normal(size=3)
    assert not close(ref.nesterov(w, g, v, lr=0.1)[0], ref.momentum(w, g, v, lr=0.1)[0])


def test_adagrad_divides_by_the_root_of_the_running_sum():
    gradients = rng.normal(size=(6, 3))
    lr, eps, w0 = 0.3, 1e-3, rng.normal(size=3)
    points = run(ref.adagrad, ref.adagrad_init, gradients, w0, lr=lr, eps=eps)
    sums = np.cumsum(gradients ** 2, axis=0)
    assert close(points, w0 - lr * np.cumsum(gradients / (np.sqrt(sums) + eps), axis=0))


def test_rmsprop_average_is_the_exponentially_weighted_sum():
    gradients = rng.normal(size=(8, 2))
    rho, t = 0.7, len(gradients)
    s = ref.rmsprop_init(np.zeros(2))
    for g in gradients:
        _, s = ref.rmsprop(np.zeros(2), g, s, lr=0.1, rho=rho)
    weights = (1 - rho) * rho ** np.arange(t - 1, -1, -1)
    assert close(s, weights @ gradients ** 2)


def test_adam_with_a_constant_gradient_steps_exactly_lr_times_sign():
    """Bias correction makes m_hat = g and v_hat = g^2 for a constant gradient,
    from the first step on (eps = 0 makes it exact)."""
    g, w0, lr = np.array([0.02, -3.0, 7.0]), np.zeros(3), 0.01
    points = run(ref.adam, ref.adam_init, [g] * 10, w0, lr=lr, eps=0.0)
    assert close(points, -lr * np.outer(np.arange(1, 11), np.sign(g)))


def test_adam_moments_are_the_explicit_weighted_sums():
    gradients = rng.normal(size=(5, 4))
    b1, b2 = 0.8, 0.95
    state = ref.adam_init(np.zeros(4))
    for g in gradients:
        _, state = ref.adam(np.zeros(4), g, state, lr=0.1, beta1=b1, beta2=b2)
    m, v, t = state
    powers = np.arange(4, -1, -1)
    assert t == 5
    assert close(m, ((1 - b1) * b1 ** powers) @ gradients)
    assert close(v, ((1 - b2) * b2 ** powers) @ gradients ** 2)


def test_step_lr_is_constant_within_a_step_and_drops_by_gamma_between():
    lrs = ref.step_lr(np.arange(30), 0.4, 7, 0.3)
    for e in range(30):
        assert math.isclose(lrs[e], 0.4 * 0.3 ** (e // 7))
    assert lrs[0] == 0.4 and lrs[6] == 0.4 and math.isclose(lrs[7], 0.12)


def test_exponential_lr_has_a_constant_ratio():
    lrs = ref.exponential_lr(np.arange(20), 0.5, 0.9)
    assert lrs[0] == 0.5 and close(lrs[1:] / lrs[:-1], np.full(19, 0.9))


def test_cosine_annealing_ends_at_eta_min_passes_the_mean_half_way_and_falls():
    lr0, eta_min, T = 0.2, 0.01, 40
    lrs = ref.cosine_annealing_lr(np.arange(T + 1), lr0, T, eta_min)
    assert math.isclose(lrs[0], lr0) and math.isclose(lrs[T], eta_min)
    assert math.isclose(lrs[T // 2], (lr0 + eta_min) / 2)
    assert np.all(np.diff(lrs) < 0)
    assert close(lrs + lrs[::-1], np.full(T + 1, lr0 + eta_min))  # point-symmetric about the middle
    assert math.isclose(ref.cosine_annealing_lr(13, lr0, T, eta_min),
                        eta_min + (lr0 - eta_min) * math.cos(math.pi * 13 / (2 * T)) ** 2)  # half-angle form


def test_optimize_returns_the_whole_path_of_sgd_on_the_ravine():
    lr, steps, w0 = 0.05, 25, np.array([-4.0, 1.5])
    path = ref.optimize(ref.ravine_grad, w0, ref.sgd, ref.sgd_init, steps, {"lr": lr})
    k = np.arange(steps + 1)[:, None]
    assert path.shape == (steps + 1, 2) and path.dtype == np.float64
    assert close(path, w0 * (1 - lr * np.array([1.0, 10.0])) ** k)
    assert np.array_equal(w0, [-4.0, 1.5])


def test_optimize_with_no_steps_returns_w0_alone():
    path = ref.optimize(ref.ravine_grad, np.array([1.0, 2.0]), ref.sgd, ref.sgd_init, 0, {"lr": 0.1})
    assert path.shape == (1, 2) and np.array_equal(path, [[1.0, 2.0]])


def test_the_test_functions_gradients_match_central_differences():
    for f, grad in [(ref.ravine, ref.ravine_grad), (ref.double_well, ref.double_well_grad)]:
        w = rng.normal(size=2)
        assert np.allclose(grad(w), oracle_gradient(f, w), rtol=1e-6, atol=1e-8)
