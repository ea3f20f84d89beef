"""Chapter 6 references against independent oracles: central differences
(conftest's oracle_gradient), per-column loops with the statistics module, closed forms of
the running averages, and invariants of normalization."""
from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from conftest import oracle_gradient
from grader_tests.reference import load_reference

ref = load_reference("06_batchnorm")
rng = np.random.default_rng(2026)


def close(a, b):
    return np.allclose(a, b, rtol=1e-6, atol=1e-8)


def columns(x):
    return [list(map(float, x[:, j])) for j in range(x.shape[1])]


def test_min_max_scale_per_column_from_the_training_split():
    train, test = ref.make_tabular(30, rng), ref.make_tabular(7, rng)
    train_scaled, test_scaled = ref.min_max_scale(train, test)
    for j, column in enumerate(columns(train)):
        low, high = min(column), max(column)
        assert close(train_scaled[:, j], [(v - low) / (high - low) for v in column])
        assert close(test_scaled[:, j], [(v - low) / (high - low) for v in test[:, j]])
    assert np.allclose(train_scaled.min(axis=0), 0.0) and np.allclose(train_scaled.max(axis=0), 1.0)


def test_standardize_per_column_from_the_training_split():
    train, test = ref.make_tabular(30, rng), ref.make_tabular(7, rng)
    train_scaled, test_scaled = ref.standardize(train, test)
    for j, column in enumerate(columns(train)):
        mean, std = statistics.fmean(column), statistics.pstdev(column)
        assert close(test_scaled[:, j], [(v - mean) / std for v in test[:, j]])
    assert np.allclose(train_scaled.mean(axis=0), 0.0) and np.allclose(train_scaled.std(axis=0), 1.0)


@pytest.mark.parametrize("scale", ["min_max_scale", "standardize"])
def test_scaling_ignores_units_and_other_test_rows(scale):
    train, test = ref.make_tabular(20, rng), ref.make_tabular(5, rng)
    a, b = np.array([2.0, 1e-3, 60.0]), np.array([-5.0, 100.0, 0.5])  # new units: months, k$, minutes
    first = getattr(ref, scale)(train, test)
    changed = getattr(ref, scale)(train * a + b, test * a + b)
    assert close(first[0], changed[0]) and close(first[1], changed[1])
    one_row = getattr(ref, scale)(train, test[2:3])[1]
    assert close(one_row, first[1][2:3])  # a test row is scaled the same whatever else is in the split


def test_batchnorm_train_output_per_column():
    x = rng.normal(loc=3.0, scale=2.0, size=(9, 4))
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    state = ref.new_batchnorm_state(4, eps=1e-3)
    out, (cx, cg, mu, var, eps) = ref.batchnorm_forward(x, gamma, beta, state, "train")
    for j, column in enumerate(columns(x)):
        mean, variance = statistics.fmean(column), statistics.pvariance(column)
        expected = [gamma[j] * (v - mean) / math.sqrt(variance + 1e-3) + beta[j] for v in column]
        assert close(out[:, j], expected) and math.isclose(var[j], variance) and math.isclose(mu[j], mean)
    assert cx is x and cg is gamma and eps == 1e-3
    assert np.allclose(out.mean(axis=0), beta)  # gamma and beta set the output's mean and spread
    assert np.allclose(out.std(axis=0), np.abs(gamma) * np.sqrt(var / (var + 1e-3)))


def test_running_statistics_closed_form():
    """The same batch K times: running = (1 - (1 - m)^K) * batch + (1 - m)^K * start."""
    x = rng.normal(loc=-1.0, scale=3.0, size=(6, 3))
    m, k = 0.1, 7
    state = ref.new_batchnorm_state(3, momentum=m)
    for _ in range(k):
        ref.batchnorm_forward(x, np.ones(3), np.zeros(3), state, "train")
    decay = (1 - m) ** k
    unbiased = np.array([statistics.variance(c) for c in columns(x)])
    assert close(state["running_mean"], (1 - decay) * x.mean(axis=0))
    assert close(state["running_var"], (1 - decay) * unbiased + decay * 1.0)
    mean, var = ref.running_statistics([x] * k, np.ones(3), np.zeros(3), m)
    assert close(mean, state["running_mean"]) and close(var, state["running_var"])


def test_eval_mode_uses_running_statistics_and_changes_nothing():
    state = ref.new_batchnorm_state(3, eps=1e-5)
    state["running_mean"], state["running_var"] = rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    before = {k: np.copy(v) for k, v in state.items()}
    x, gamma, beta = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)
    out, _ = ref.batchnorm_forward(x, gamma, beta, state, "eval")
    assert all(np.array_equal(before[k], state[k]) for k in state)
    for n in range(5):  # one example's output does not depend on the rest of the batch
        alone, _ = ref.batchnorm_forward(x[n:n + 1], gamma, beta, state, "eval")
        assert close(alone[0], out[n])
    with pytest.raises(ValueError):
        ref.batchnorm_forward(x, gamma, beta, state, "test")


def _bn_loss(G, gamma, beta, eps):
    def loss(x, g=gamma, b=beta):
        out, _ = ref.batchnorm_forward(x, g, b, ref.new_batchnorm_state(x.shape[1], eps=eps), "train")
        return float(np.sum(G * out))
    return loss


@pytest.mark.parametrize("backward", ["batchnorm_backward", "batchnorm_backward_compact"])
@pytest.mark.parametrize("n, d", [(4, 3), (2, 5), (10, 1)])
def test_batchnorm_backward_matches_central_differences(backward, n, d):
    x, gamma, beta = rng.normal(loc=1.0, scale=2.0, size=(n, d)), rng.normal(size=d), rng.normal(size=d)
    G = rng.normal(size=(n, d))  # L = sum(G * out), so dL/dout = G
    loss = _bn_loss(G, gamma, beta, 1e-5)
    _, cache = ref.batchnorm_forward(x, gamma, beta, ref.new_batchnorm_state(d), "train")
    dx, dgamma, dbeta = getattr(ref, backward)(G, cache)
    assert close(dx, oracle_gradient(loss, x))
    assert close(dgamma, oracle_gradient(lambda g: loss(x, g=g), gamma))
    assert close(dbeta, oracle_gradient(lambda b: loss(x, b=b), beta))


def test_graph_and_closed_form_agree_and_respect_the_invariants():
    x, gamma = rng.normal(scale=3.0, size=(8, 4)), rng.normal(size=4)
    _, cache = ref.batchnorm_forward(x, gamma, np.zeros(4), ref.new_batchnorm_state(4), "train")
    dout = rng.normal(size=(8, 4))
    graph, compact = ref.batchnorm_backward(dout, cache), ref.batchnorm_backward_compact(dout, cache)
    assert all(np.allclose(a, b, rtol=1e-12, atol=1e-12) for a, b in zip(graph, compact))
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    # The output cannot move under a shift of a column, nor (up to eps) under its scaling.
    assert np.allclose(graph[0].sum(axis=0), 0.0)
    assert np.allclose((graph[0] * x).sum(axis=0), 0.0, atol=1e-4)
    assert close(graph[2], dout.sum(axis=0)) and close(graph[1], (dout * x_hat).sum(axis=0))


def test_layernorm_is_batchnorm_of_the_transpose():
    x, gamma, beta = rng.normal(loc=2.0, scale=3.0, size=(5, 6)), rng.normal(size=6), rng.normal(size=6)
    out, (cx, _, mu, var, eps) = ref.layernorm_forward(x, gamma, beta)
    transposed, _ = ref.batchnorm_forward(x.T.copy(), np.ones(5), np.zeros(5), ref.new_batchnorm_state(5), "train")
    assert close(out, gamma * transposed.T + beta)
    assert mu.shape == (5, 1) and close(var[:, 0], [statistics.pvariance(r) for r in x.tolist()]) and eps == 1e-5
    for n in range(5):  # each row on its own: no dependence on the batch
        assert close(ref.layernorm_forward(x[n:n + 1], gamma, beta)[0][0], out[n])


def test_activation_statistics_loop_and_the_batchnorm_effect():
    x = rng.normal(size=(128, 16))
    stds = {}
    for scale in (0.1, 1.0, 10.0):
        weights = ref.deep_weights(6, 16, scale, rng)
        for use_bn in (False, True):
            means, sd, acts = ref.activation_statistics(x, weights, use_bn)
            h = x
            for layer, W in enumerate(weights):
                z = h @ W
                if use_bn:
                    z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
                h = np.tanh(z)
                assert close(acts[layer], h)
                assert math.isclose(means[layer], statistics.fmean(h.ravel()), abs_tol=1e-12)
                assert math.isclose(sd[layer], statistics.pstdev(h.ravel().tolist()), rel_tol=1e-9)
            stds[scale, use_bn] = sd
    assert stds[0.1, False][-1] < 1e-4 < 0.9 < stds[10.0, False][-1]  # vanishing / saturating
    for scale in (0.1, 1.0, 10.0):
        assert np.all(np.abs(stds[scale, True] - 0.63) < 0.06)  # about std(tanh(N(0, 1))) at every scale


# ---- Group and Instance Normalization ----

def group_norm_by_loops(x, gamma, beta, num_groups, eps):
    """Per example and group, the statistics module over the listed channels' entries."""
    n, d = x.shape[:2]
    size = d // num_groups
    out = np.empty_like(x)
    for i in range(n):
        for r in range(num_groups):
            channels = list(range(r * size, (r + 1) * size))
            values = [float(v) for j in channels for v in x[i, j].ravel()]
            mean, var = statistics.fmean(values), statistics.pvariance(values)
            for j in channels:
                out[i, j] = gamma[j] * (x[i, j] - mean) / math.sqrt(var + eps) + beta[j]
    return out


@pytest.mark.parametrize("shape, groups", [((3, 6, 5), 3), ((2, 8, 2, 3), 4), ((2, 4, 3), 1), ((1, 6, 2, 2), 6),
                                           ((2, 4, 2, 2, 2), 2)])
def test_group_norm_matches_loops_over_the_groups(shape, groups):
    x = rng.normal(loc=2.0, scale=3.0, size=shape)
    gamma, beta = rng.normal(size=shape[1]), rng.normal(size=shape[1])
    out, (x_c, gamma_c, mu, var, eps) = ref.group_norm_forward(x, gamma, beta, groups, eps=1e-3)
    assert out.shape == shape and out.dtype == np.float64
    assert close(out, group_norm_by_loops(x, gamma, beta, groups, 1e-3))
    assert mu.shape == var.shape == (shape[0], groups) and eps == 1e-3 and x_c is x and gamma_c is gamma
    assert close(mu, x.reshape(shape[0], groups, -1).mean(axis=2))


def test_each_group_has_mean_zero_and_variance_one():
    x = rng.normal(loc=5.0, scale=4.0, size=(4, 12, 3, 3))
    out, _ = ref.group_norm_forward(x, np.ones(12), np.zeros(12), 4, eps=0.0)
    by_group = out.reshape(4, 4, -1)
    assert np.allclose(by_group.mean(axis=2), 0.0, atol=1e-12) and np.allclose(by_group.var(axis=2), 1.0)


def test_one_group_is_layer_normalization_of_each_flattened_example():
    x = rng.normal(size=(5, 4, 6))
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    normed, _ = ref.layernorm_forward(x.reshape(5, -1), np.ones(24), np.zeros(24), eps=1e-5)
    expected = gamma[None, :, None] * normed.reshape(x.shape) + beta[None, :, None]
    assert close(ref.group_norm_forward(x, gamma, beta, 1)[0], expected)


def test_one_channel_per_group_is_instance_normalization_is_layernorm_of_each_channel():
    x = rng.normal(loc=-1.0, scale=2.0, size=(3, 5, 2, 4))
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    by_channel, _ = ref.layernorm_forward(x.reshape(15, 8), np.ones(8), np.zeros(8), eps=1e-5)
    expected = gamma[None, :, None, None] * by_channel.reshape(x.shape) + beta[None, :, None, None]
    out_in, (_, _, mu, var, _) = ref.instance_norm_forward(x, gamma, beta)
    assert close(out_in, expected) and mu.shape == var.shape == (3, 5)
    assert close(ref.group_norm_forward(x, gamma, beta, 5)[0], out_in)


def test_group_norm_ignores_the_rest_of_the_batch_and_each_groups_scale():
    """Unlike BatchNorm: an example alone gives the same output; and an affine change a x + b
    of one group of one example (a > 0, eps = 0) changes nothing."""
    x = rng.normal(size=(4, 6, 5))
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    out, _ = ref.group_norm_forward(x, gamma, beta, 3, eps=0.0)
    assert close(ref.group_norm_forward(x[2:3], gamma, beta, 3, eps=0.0)[0], out[2:3])
    moved = x.copy()
    moved[1, 2:4] = 7.0 * moved[1, 2:4] - 3.0  # example 1, group 1
    assert close(ref.group_norm_forward(moved, gamma, beta, 3, eps=0.0)[0], out)
    moved[1, 1] += 1.0  # one channel of group 0 alone: its group's statistics change
    assert not close(ref.group_norm_forward(moved, gamma, beta, 3, eps=0.0)[0][1, :2], out[1, :2])


def test_a_constant_group_gives_beta_without_a_warning():
    x = rng.normal(size=(2, 4, 3))
    x[0, :2] = 1.25
    beta = rng.normal(size=4)
    with np.errstate(all="raise"):
        out, _ = ref.group_norm_forward(x, rng.normal(size=4), beta, 2)
        out_in, _ = ref.instance_norm_forward(x, rng.normal(size=4), beta)
    assert np.allclose(out[0, :2], beta[:2, None]) and np.allclose(out_in[0, :2], beta[:2, None])


def test_normalization_and_inputs_left_alone():
    x, gamma, beta = rng.normal(size=(2, 4, 3)), rng.normal(size=4), rng.normal(size=4)
    before = [a.copy() for a in (x, gamma, beta)]
    ref.group_norm_forward(x, gamma, beta, 2)
    ref.instance_norm_forward(x, gamma, beta)
    assert all(np.array_equal(a, b) for a, b in zip((x, gamma, beta), before))


# ---- the book's claim: a normalized layer's loss is scale-invariant in its weights ----

def normalized_loss(X, target):
    """L(w) = mean((BN(X w) - target)^2) with the reference BatchNorm (gamma 1, beta 0)."""
    def loss_and_grad(w):
        state = ref.new_batchnorm_state(1, eps=1e-12)
        out, cache = ref.batchnorm_forward((X @ w)[:, None], np.ones(1), np.zeros(1), state, "train")
        residual = out[:, 0] - target
        dz, _, _ = ref.batchnorm_backward((2.0 * residual / len(target))[:, None], cache)
        return float(np.mean(residual ** 2)), X.T @ dz[:, 0]
    return loss_and_grad


def test_the_gradient_of_a_normalized_layer_is_orthogonal_to_w_and_scales_as_one_over_its_norm():
    X, target = rng.normal(size=(32, 5)), rng.normal(size=32)
    loss_and_grad = normalized_loss(X, target)
    w = rng.normal(size=5)
    loss, grad = loss_and_grad(w)
    assert np.allclose(grad, oracle_gradient(lambda v: loss_and_grad(v)[0], w), rtol=1e-5, atol=1e-8)
    assert abs(grad @ w) < 1e-9 * np.linalg.norm(grad) * np.linalg.norm(w)
    for c in (0.1, 3.0, 40.0):
        loss_c, grad_c = loss_and_grad(c * w)
        assert math.isclose(loss_c, loss, rel_tol=1e-9) and close(grad_c, grad / c)


@pytest.mark.parametrize("shape", [(3, 4, 6), (2, 3, 2, 5), (1, 2, 7), (2, 2, 2, 2, 3)])
def test_instance_norm_matches_loops_over_each_channel_of_each_example(shape):
    x = rng.normal(loc=1.0, scale=2.5, size=shape)
    gamma, beta = rng.normal(size=shape[1]), rng.normal(size=shape[1])
    out, (_, _, mu, var, eps) = ref.instance_norm_forward(x, gamma, beta, eps=1e-3)
    for n in range(shape[0]):
        for j in range(shape[1]):
            values = [float(v) for v in x[n, j].ravel()]
            mean, variance = statistics.fmean(values), statistics.pvariance(values)
            assert math.isclose(mu[n, j], mean, rel_tol=1e-9, abs_tol=1e-12)
            assert math.isclose(var[n, j], variance, rel_tol=1e-9)
            assert close(out[n, j], gamma[j] * (x[n, j] - mean) / math.sqrt(variance + 1e-3) + beta[j])
    assert eps == 1e-3 and mu.shape == var.shape == shape[:2]
