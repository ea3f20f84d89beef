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
    assert defaults(ref.adamw) == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2}


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
                       (ref.adagrad, ref.adagrad_init), (ref.rmsprop, ref.rmsprop_init), (ref.adam, ref.adam_init),
                       (ref.adamw, ref.adam_init)]:
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


def test_adamw_without_decay_is_adam():
    w, state = rng.normal(size=(3, 2)), (rng.normal(size=(3, 2)), rng.uniform(size=(3, 2)), 4)
    dw = rng.normal(size=(3, 2))
    expected, expected_state = ref.adam(w, dw, tuple(np.copy(a) for a in state[:2]) + (4,), lr=0.05)
    got, got_state = ref.adamw(w, dw, state, lr=0.05, weight_decay=0.0)
    assert close(got, expected) and all(close(a, b) for a, b in zip(got_state, expected_state))


def test_adamw_with_no_data_gradient_decays_geometrically():
    """Zero gradients keep m = 0, so only the decay acts: w_k = (1 - lr * weight_decay)^k w_0, without a warning."""
    w0, lr, decay = rng.normal(size=4), 0.1, 0.3
    with np.errstate(all="raise"):
        points = run(ref.adamw, ref.adam_init, [np.zeros(4)] * 8, w0, lr=lr, weight_decay=decay)
    assert close(points, np.outer((1 - lr * decay) ** np.arange(1, 9), w0))


def test_adamw_with_a_constant_gradient_follows_its_closed_form():
    """With eps = 0 Adam's step is lr * sign(g) at every step, so w_k = a w_{k-1} - lr sign(g) with a = 1 - lr lambda:
    w_k = a^k w_0 - lr sign(g) (1 - a^k) / (1 - a), the geometric series."""
    g, w0, lr, decay = np.array([0.02, -3.0, 7.0]), np.array([1.0, -2.0, 0.5]), 0.05, 0.2
    a, k = 1 - lr * decay, np.arange(1, 13)[:, None]
    points = run(ref.adamw, ref.adam_init, [g] * 12, w0, lr=lr, eps=0.0, weight_decay=decay)
    assert close(points, a ** k * w0 - lr * np.sign(g) * (1 - a ** k) / (1 - a))


def test_adamw_moments_see_the_data_gradient_alone():
    gradients = rng.normal(size=(5, 3))
    b1, b2 = 0.8, 0.95
    points = run(ref.adamw, ref.adam_init, gradients, rng.normal(size=3), lr=0.1, beta1=b1, beta2=b2,
                 weight_decay=0.7)
    assert points.shape == (5, 3)
    state = ref.adam_init(np.zeros(3))
    w = np.full(3, 5.0)  # a large w: any decay inside the moments would show
    for g in gradients:
        w, state = ref.adamw(w, g, state, lr=0.1, beta1=b1, beta2=b2, weight_decay=0.7)
    powers = np.arange(4, -1, -1)
    assert close(state[0], ((1 - b1) * b1 ** powers) @ gradients)
    assert close(state[1], ((1 - b2) * b2 ** powers) @ gradients ** 2)


def test_adamw_decay_does_not_depend_on_the_gradients_scale():
    """The book's run: gradients that alternate in sign, of sizes 0.1, 1 and 10, leave every weight near
    (1 - lr lambda)^t, while the same penalty inside Adam leaves them far apart."""
    sizes, lr, decay = np.array([0.1, 1.0, 10.0]), 0.01, 0.1
    decoupled, coupled = np.ones(3), np.ones(3)
    state_d, state_c = ref.adam_init(decoupled), ref.adam_init(coupled)
    for t in range(1, 1001):
        g = sizes * (-1.0) ** t
        decoupled, state_d = ref.adamw(decoupled, g, state_d, lr=lr, weight_decay=decay)
        coupled, state_c = ref.adam(coupled, g + decay * coupled, state_c, lr=lr)
    target = (1 - lr * decay) ** 1000
    assert np.all(np.abs(decoupled / target - 1) < 0.03) and np.ptp(decoupled) < 1e-3
    assert np.ptp(coupled) > 0.5


def test_warmup_cosine_meets_its_landmarks():
    T, W, peak, low = 60, 12, 0.8, 0.05
    lrs = ref.warmup_cosine(np.arange(T + 1), T, W, peak, low)
    assert lrs.dtype == np.float64 and lrs.shape == (T + 1,)
    assert lrs[0] == 0.0 and math.isclose(lrs[W], peak) and math.isclose(lrs[T], low)
    assert math.isclose(lrs[W + (T - W) // 2], (peak + low) / 2)  # T - W even: the middle of the cosine
    assert close(np.diff(lrs[:W + 1]), np.full(W, peak / W))  # a straight ramp that reaches peak at s = W
    assert np.all(np.diff(lrs[W:]) < 0)
    assert close(lrs[W:] + lrs[W:][::-1], np.full(T - W + 1, peak + low))  # point-symmetric cosine
    decay = np.arange(W, T + 1)
    assert close(lrs[W:], low + (peak - low) * np.cos(np.pi * (decay - W) / (2 * (T - W))) ** 2)  # half-angle form


def test_warmup_cosine_without_warmup_is_cosine_annealing():
    steps = np.arange(31)
    assert close(ref.warmup_cosine(steps, 30, 0, 0.4, 0.01), 0.01 + 0.39 * (1 + np.cos(np.pi * steps / 30)) / 2)


def test_warmup_cosine_total_rate_is_the_books_area():
    """The trapezoid sum over the steps is exactly peak W / 2 for the ramp plus (peak + min) (T - W) / 2 for the
    cosine, whose oscillating part sums to zero over half a period."""
    for T, W, peak, low in [(100, 10, 0.1, 0.001), (37, 5, 1.0, 0.2), (20, 19, 0.3, 0.0)]:
        lrs = ref.warmup_cosine(np.arange(T + 1), T, W, peak, low)
        trapezoid = lrs.sum() - (lrs[0] + lrs[-1]) / 2
        assert math.isclose(trapezoid, peak * W / 2 + (peak + low) * (T - W) / 2, rel_tol=1e-12)


def test_warmup_cosine_takes_any_shape_and_a_scalar():
    steps = np.array([[0, 3], [7, 20]])
    got = ref.warmup_cosine(steps, 20, 7, 0.5)
    assert got.shape == (2, 2) and close(got, [[0.0, 0.5 * 3 / 7], [0.5, 0.0]])
    assert math.isclose(float(ref.warmup_cosine(7, 20, 7, 0.5, 0.1)), 0.5)


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
