"""Chapter 1 references against independent oracles: central differences,
closed forms from the standard library, the normal CDF by quadrature (no
erf), and invariants."""
from __future__ import annotations

import math

import numpy as np
import pytest

from grader_tests.reference import load_reference

ref = load_reference("01_nonlinearity")
rng = np.random.default_rng(12345)
# Points away from the kinks at 0, where central differences are exact enough.
X = np.concatenate([rng.uniform(-6, -0.05, 40), rng.uniform(0.05, 6, 40)])


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("name, grad, kwargs", [
    ("relu", "relu_grad", {}), ("sigmoid", "sigmoid_grad", {}), ("tanh", "tanh_grad", {}),
    ("leaky_relu", "leaky_relu_grad", {"alpha": 0.2}), ("elu", "elu_grad", {"alpha": 1.3}),
    ("gelu", "gelu_grad", {}), ("silu", "silu_grad", {}),
])
def test_derivatives_match_central_differences(name, grad, kwargs):
    f = lambda x: getattr(ref, name)(x, **kwargs)
    assert np.allclose(getattr(ref, grad)(X, **kwargs), central_difference(f, X), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name, grad, kwargs", [
    ("relu", "relu_grad", {}), ("leaky_relu", "leaky_relu_grad", {"alpha": 0.2}),
    ("elu", "elu_grad", {"alpha": 1.3}),
])
def test_derivative_at_zero_is_the_left_hand_value(name, grad, kwargs):
    h = 1e-7
    f = lambda x: getattr(ref, name)(x, **kwargs)
    left = (f(np.array([0.0])) - f(np.array([-h]))) / h
    assert np.allclose(getattr(ref, grad)(np.array([0.0]), **kwargs), left, rtol=1e-5)


def test_sigmoid_matches_closed_form_and_symmetry():
    xs = np.linspace(-30, 30, 121)
    assert np.allclose(ref.sigmoid(xs), [1 / (1 + math.exp(-v)) for v in xs], rtol=1e-12, atol=0)
    assert np.allclose(ref.sigmoid(-xs), 1 - ref.sigmoid(xs), rtol=0, atol=1e-15)


def test_sigmoid_is_stable_without_warnings():
    big = np.array([-1e4, -800.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise"):
        assert np.array_equal(ref.sigmoid(big), [0.0, 0.0, 1.0, 1.0])


def test_tanh_closed_form_and_identity():
    xs = np.linspace(-20, 20, 81)
    assert np.allclose(ref.tanh(xs), [math.tanh(v) for v in xs], rtol=1e-14, atol=0)
    assert np.allclose(ref.tanh(xs), 2 * ref.sigmoid(2 * xs) - 1, atol=1e-14)


def test_elu_does_not_overflow_for_large_inputs():
    with np.errstate(over="raise", invalid="raise"):
        assert np.array_equal(ref.elu(np.array([1e4]), 1.0), [1e4])
        assert np.allclose(ref.elu(np.array([-1e4]), 2.0), [-2.0])


def normal_cdf_by_quadrature(x: float, points: int = 20001) -> float:
    """Phi(x) = 1/2 + the integral of the standard normal density from 0 to x,
    by Simpson's rule: an oracle that never calls erf."""
    t = np.linspace(0.0, x, points)
    density = np.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    simpson = density[0] + density[-1] + 4 * density[1:-1:2].sum() + 2 * density[2:-1:2].sum()
    return 0.5 + x / (points - 1) / 3 * simpson


def test_gelu_is_x_times_the_normal_cdf():
    xs = np.linspace(-6.0, 6.0, 49)
    assert np.allclose(ref.gelu(xs), [v * normal_cdf_by_quadrature(v) for v in xs], rtol=1e-10, atol=1e-14)
    assert ref.gelu(np.array([1.96]))[0] == pytest.approx(1.96 * 0.9750021048517795, rel=1e-12)  # a normal table


def test_gelu_and_silu_differ_from_their_mirror_images_by_x():
    # Phi(x) + Phi(-x) = 1 and sigmoid(x) + sigmoid(-x) = 1, so f(x) - f(-x) = x for both.
    for f in (ref.gelu, ref.silu):
        assert np.allclose(f(X) - f(-X), X, rtol=1e-12, atol=1e-14)


def test_silu_matches_closed_form():
    xs = np.linspace(-30, 30, 121)
    assert np.allclose(ref.silu(xs), [v / (1 + math.exp(-v)) for v in xs], rtol=1e-12, atol=0)


def test_the_tanh_and_sigmoid_approximations_of_gelu_are_rejected():
    """The docstring's numbers: the tanh approximation is off by up to 4.7e-4 (the
    graded rtol is 1e-7), x * sigmoid(1.702 x) by up to 0.021 (chapter 1's page)."""
    xs = np.linspace(-10.0, 10.0, 200001)
    tanh_form = 0.5 * xs * (1 + np.tanh(math.sqrt(2 / math.pi) * (xs + 0.044715 * xs ** 3)))
    assert 4.6e-4 < np.max(np.abs(ref.gelu(xs) - tanh_form)) < 4.8e-4
    assert 0.020 < np.max(np.abs(ref.gelu(xs) - xs * ref.sigmoid(1.702 * xs))) < 0.021


def test_gelu_and_silu_are_stable_without_warnings():
    big = np.array([-1e4, -800.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for f in (ref.gelu, ref.silu):
            assert np.allclose(f(big), [0.0, 0.0, 800.0, 1e4], rtol=1e-15, atol=0)
        for grad in (ref.gelu_grad, ref.silu_grad):
            assert np.allclose(grad(big), [0.0, 0.0, 1.0, 1.0], rtol=1e-15, atol=0)


def test_softmax_invariants():
    logits = rng.normal(scale=5, size=(6, 7))
    p = ref.softmax(logits)
    assert np.allclose(p.sum(axis=-1), 1.0) and (p >= 0).all()
    assert np.allclose(ref.softmax(logits + 123.4), p)                 # shift invariance
    assert np.allclose(p, np.exp(logits) / np.exp(logits).sum(-1, keepdims=True))
    with np.errstate(over="raise", invalid="raise"):
        assert np.allclose(ref.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])


def test_maxout_matches_a_loop_and_contains_relu():
    x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 2))
    loop = np.array([[max(float(x[n] @ W[j][:, m] + b[j, m]) for j in range(4)) for m in range(2)]
                     for n in range(5)])
    assert np.allclose(ref.maxout(x, W, b), loop)
    identity_and_zero = np.stack([np.eye(3), np.zeros((3, 3))])
    assert np.allclose(ref.maxout(x, identity_and_zero, np.zeros((2, 3))), ref.relu(x))


def test_collapse_equals_the_stack():
    W1, b1, W2, b2 = rng.normal(size=(8, 9)), rng.normal(size=9), rng.normal(size=(9, 4)), rng.normal(size=4)
    W, b = ref.collapse_linear(W1, b1, W2, b2)
    x = rng.normal(size=(10, 8))
    assert W.shape == (8, 4) and np.allclose(x @ W + b, (x @ W1 + b1) @ W2 + b2)


def test_threshold_unit_against_brute_force_loop():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    grid = np.linspace(-2, 2, 9)

    def loop(y):
        return max(np.mean([(w1 * a + w2 * c + b > 0) == (t > 0.5) for (a, c), t in zip(X, y)])
                   for w1 in grid for w2 in grid for b in grid)

    for y in ([0, 1, 1, 0], [0, 0, 0, 1], [0, 1, 1, 1]):
        assert ref.threshold_unit_best_accuracy(X, np.array(y, float), grid) == pytest.approx(loop(y))
    assert ref.threshold_unit_best_accuracy(X, np.array([0.0, 1.0, 1.0, 0.0]), grid) == 0.75


def test_xor_network_computes_xor():
    W1, b1, W2, b2 = ref.xor_network()
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert ((ref.relu(X @ W1 + b1) @ W2 + b2).ravel() > 0).tolist() == [False, True, True, False]
