"""Chapter 7 references against independent oracles: the closed-form
variances and bounds of each rule, the variance-propagation law, central
differences for the gradients, and the symmetry invariant."""
from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import oracle_gradient
from grader_tests.reference import load_reference

ref = load_reference("07_initialization")

# name -> (normal or uniform, Var(w) as a function of fan_in, fan_out), from the literature.
RULES = {
    "lecun_normal": ("normal", lambda i, o: 1 / i), "lecun_uniform": ("uniform", lambda i, o: 1 / i),
    "xavier_normal": ("normal", lambda i, o: 2 / (i + o)), "xavier_uniform": ("uniform", lambda i, o: 2 / (i + o)),
    "he_normal": ("normal", lambda i, o: 2 / i), "he_uniform": ("uniform", lambda i, o: 2 / i),
}


@pytest.mark.parametrize("name", RULES)
def test_initializer_variance_shape_and_bound(name):
    kind, variance = RULES[name]
    fan_in, fan_out = 300, 500
    W = getattr(ref, name)(fan_in, fan_out, np.random.default_rng(11))
    assert W.shape == (fan_in, fan_out) and W.dtype == np.float64
    var = variance(fan_in, fan_out)
    # 150 000 draws: the sample variance is within 1.5% of Var(w) with overwhelming probability.
    assert abs(W.var() / var - 1) < 0.015 and abs(W.mean()) < 0.02 * math.sqrt(var)
    kurtosis = np.mean(W ** 4) / W.var() ** 2  # 3 for a normal, 9/5 for a uniform
    if kind == "uniform":
        limit = math.sqrt(3 * var)
        assert np.abs(W).max() <= limit and np.abs(W).max() > 0.999 * limit
        assert abs(kurtosis - 1.8) < 0.05
    else:
        assert abs(kurtosis - 3.0) < 0.1


@pytest.mark.parametrize("name", RULES)
def test_initializer_makes_exactly_the_documented_rng_call(name):
    kind, variance = RULES[name]
    fan_in, fan_out = 7, 4
    W = getattr(ref, name)(fan_in, fan_out, np.random.default_rng(5))
    # The same stream through another API: standard normals scaled, or U[0, 1) mapped onto [-a, a).
    if kind == "normal":
        expected = np.random.default_rng(5).standard_normal((fan_in, fan_out)) * math.sqrt(variance(fan_in, fan_out))
    else:
        limit = math.sqrt(3 * variance(fan_in, fan_out))
        expected = -limit + 2 * limit * np.random.default_rng(5).random((fan_in, fan_out))
    assert np.allclose(W, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(RULES) + ["zeros_init"])
def test_initializer_leaves_the_global_random_state_alone(name):
    np.random.seed(3)
    before = np.random.get_state()[1].copy()
    getattr(ref, name)(5, 6, np.random.default_rng(0))
    assert np.array_equal(np.random.get_state()[1], before)


def test_zeros_init():
    W = ref.zeros_init(4, 2, None)
    assert W.shape == (4, 2) and W.dtype == np.float64 and not W.any()


def test_variance_propagation_law():
    """Var(z) = n Var(w) Var(x) for independent, zero-mean w and x."""
    rng = np.random.default_rng(1)
    n = 250
    x = rng.normal(scale=1.7, size=(4000, n))
    for name in ("lecun_normal", "xavier_uniform", "he_normal"):
        W = getattr(ref, name)(n, 300, rng)
        z = x @ W
        assert abs(z.var() / (n * W.var() * x.var()) - 1) < 0.03, name


def test_he_keeps_the_second_moment_of_relu_layers():
    """E[relu(z)^2] = Var(z) / 2, which He's factor 2 restores at every layer."""
    X = np.random.default_rng(2).normal(size=(500, 200))
    G = np.ones((500, 200))
    std_he, _ = ref.layer_statistics(X, G, ref.he_normal, "relu", [200] * 12, np.random.default_rng(3))
    std_lecun, _ = ref.layer_statistics(X, G, ref.lecun_normal, "relu", [200] * 12, np.random.default_rng(3))
    # Only ratios between layers: layer 1's std depends on X. std(relu(z)) is proportional to std(z).
    assert 0.7 < std_he[-1] / std_he[0] < 1.4
    assert abs(std_lecun[-1] / std_lecun[0] - 2 ** (-11 / 2)) < 0.3 * 2 ** (-11 / 2)  # sqrt(1/2) per layer


@pytest.mark.parametrize("activation", ["linear", "tanh", "relu", "sigmoid"])
def test_layer_statistics_against_central_differences(activation):
    rng = np.random.default_rng(4)
    X, widths = rng.normal(size=(6, 4)), (5, 3, 4)
    G = rng.normal(size=(6, widths[-1]))
    weights = [rng.normal(size=(i, o)) for i, o in zip((4,) + widths[:-1], widths)]
    issued = iter(weights)
    f = {"linear": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]

    def forward(ws):
        hs = [X]
        for W in ws:
            hs.append(f(hs[-1] @ W))
        return hs

    act_std, grad_norm = ref.layer_statistics(X, G, lambda i, o, r: next(issued), activation, widths, None)
    assert np.allclose(act_std, [h.std() for h in forward(weights)[1:]], rtol=1e-12)
    for l in range(len(widths)):
        def loss(W, l=l):
            return float(np.sum(G * forward(weights[:l] + [W] + weights[l + 1:])[-1]))
        assert math.isclose(grad_norm[l], np.linalg.norm(oracle_gradient(loss, weights[l])), rel_tol=1e-6)


def test_layer_statistics_calls_init_layer_by_layer():
    calls = []

    def init(fan_in, fan_out, rng):
        calls.append((fan_in, fan_out, rng))
        return np.eye(fan_in, fan_out)

    marker = np.random.default_rng(0)
    ref.layer_statistics(np.ones((2, 3)), np.ones((2, 4)), init, "tanh", (5, 2, 4), marker)
    assert calls == [(3, 5, marker), (5, 2, marker), (2, 4, marker)]


def test_unit_spread_closed_form():
    W1, b1, W2 = np.ones((2, 3)), np.zeros(3), np.ones((3, 2))
    assert ref.unit_spread((W1, b1, W2, np.zeros(2))) == 0.0
    W2[2, 1] = 3.0
    assert ref.unit_spread((W1, b1, W2, np.zeros(2))) == 2.0
    b1[1] = -4.0
    assert ref.unit_spread((W1, b1, W2, np.zeros(2))) == 4.0


def mse(params, X, Y):
    W1, b1, W2, b2 = params
    return float(np.sum((np.tanh(X @ W1 + b1) @ W2 + b2 - Y) ** 2) / (2 * len(X)))


def test_one_training_step_is_a_gradient_step():
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    params = (rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=(4, 2)), rng.normal(size=(2,)))
    stepped, spreads = ref.train_tanh_net(X, Y, params, 0.1, 1)
    for k in range(4):
        grad = oracle_gradient(lambda v, k=k: mse(params[:k] + (v,) + params[k + 1:], X, Y), params[k])
        assert np.allclose(stepped[k], params[k] - 0.1 * grad, rtol=1e-7, atol=1e-9), k
    assert spreads.shape == (2,) and spreads[0] == ref.unit_spread(params)


@pytest.mark.parametrize("value", [0.0, 0.4, -1.0])
def test_a_symmetric_start_stays_symmetric(value):
    rng = np.random.default_rng(7)
    X, Y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    start = (np.full((3, 6), value), np.zeros(6), np.full((6, 2), value), np.zeros(2))
    params, spreads = ref.train_tanh_net(X, Y, start, 0.2, 100)
    assert spreads.max() < 1e-12
    if value == 0.0:  # tanh(0) = 0 blocks every gradient but the output bias's
        assert not params[0].any() and not params[2].any() and params[3].any()
    else:
        assert mse(params, X, Y) < mse(start, X, Y)


def test_a_random_start_learns_distinct_units():
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(30, 2)), rng.normal(size=(30, 1))
    start = (ref.xavier_normal(2, 8, rng), np.zeros(8), ref.xavier_normal(8, 1, rng), np.zeros(1))
    params, spreads = ref.train_tanh_net(X, Y, start, 0.2, 200)
    assert spreads.min() > 0.1 and mse(params, X, Y) < 0.9 * mse(start, X, Y)
    assert all(p is not q for p, q in zip(params, start)) and np.array_equal(start[1], np.zeros(8))


# ---- orthogonal initialization ----

def gram_schmidt(A):
    """Modified Gram-Schmidt on the columns of a tall A: the Q with R's diagonal positive."""
    Q = np.array(A, dtype=np.float64)
    for k in range(Q.shape[1]):
        for j in range(k):
            Q[:, k] -= (Q[:, j] @ Q[:, k]) * Q[:, j]
        Q[:, k] /= np.linalg.norm(Q[:, k])
    return Q


@pytest.mark.parametrize("fan_in, fan_out, gain", [(9, 4, 1.0), (4, 9, 5 / 3), (6, 6, np.sqrt(2.0)), (1, 5, 0.5),
                                                   (5, 1, 2.0)])
def test_orthogonal_init_is_gram_schmidt_of_the_same_gaussian_draws(fan_in, fan_out, gain):
    W = ref.orthogonal_init(fan_in, fan_out, np.random.default_rng(11), gain)
    A = np.random.default_rng(11).normal(size=(fan_in, fan_out))  # the same numbers as standard_normal
    expected = gram_schmidt(A) if fan_in >= fan_out else gram_schmidt(A.T).T
    assert W.shape == (fan_in, fan_out) and W.dtype == np.float64
    assert np.allclose(W, gain * expected, rtol=1e-10, atol=1e-12)
    small = min(fan_in, fan_out)
    gram = W.T @ W if fan_in >= fan_out else W @ W.T
    assert np.allclose(gram, gain ** 2 * np.eye(small), atol=1e-12)
    assert np.allclose(np.linalg.svd(W, compute_uv=False), gain)  # every singular value is the gain


def test_orthogonal_init_makes_one_draw_of_fan_in_by_fan_out_normals():
    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    ref.orthogonal_init(7, 3, rng)
    twin.standard_normal((7, 3))
    assert rng.bit_generator.state == twin.bit_generator.state
    assert not np.array_equal(ref.orthogonal_init(7, 3, np.random.default_rng(6)), ref.orthogonal_init(7, 3, rng))


def test_a_square_orthogonal_layer_keeps_every_length_times_the_gain():
    x = np.random.default_rng(2).normal(size=(20, 12))
    W = ref.orthogonal_init(12, 12, np.random.default_rng(3), gain=1.5)
    assert np.allclose(np.linalg.norm(x @ W, axis=1), 1.5 * np.linalg.norm(x, axis=1))
    assert np.allclose(np.linalg.norm(x @ W.T, axis=1), 1.5 * np.linalg.norm(x, axis=1))


def test_orthogonal_init_is_uniformly_distributed():
    """Haar-distributed orthogonal n x n matrices (Diaconis and Shahshahani): the trace has mean 0 and variance 1,
    every entry has mean 0 and variance 1/n, and W[0, 0] is positive half the time. Uncorrected signs fail all
    three: W[0, 0] of LAPACK's Q is always negative."""
    n, draws = 5, 4000
    samples = np.array([ref.orthogonal_init(n, n, np.random.default_rng([17, seed])) for seed in range(draws)])
    traces = np.trace(samples, axis1=1, axis2=2)
    assert abs(traces.mean()) < 4 / np.sqrt(draws) and abs(traces.var() - 1.0) < 0.1
    assert np.all(np.abs(samples.mean(axis=0)) < 4 / np.sqrt(n * draws))
    assert np.allclose((samples ** 2).mean(axis=0), 1 / n, atol=0.02)
    assert abs(np.mean(samples[:, 0, 0] > 0) - 0.5) < 4 * 0.5 / np.sqrt(draws)
    uncorrected = np.linalg.qr(np.random.default_rng(1).normal(size=(n, n)))[0]
    assert uncorrected[0, 0] < 0  # what the correction is for


def test_orthogonal_entries_of_a_tall_matrix_have_the_first_coordinate_law_of_a_random_unit_vector():
    """A column of a uniform semi-orthogonal 8 x 3 matrix is a uniform unit vector in R^8:
    E[x^2] = 1/8 and E[x^4] = 3 / (8 * 10)."""
    firsts = np.array([ref.orthogonal_init(8, 3, np.random.default_rng([23, seed]))[:, 1] for seed in range(3000)])
    assert abs((firsts ** 2).mean() - 1 / 8) < 0.005 and abs((firsts ** 4).mean() - 3 / 80) < 0.004
