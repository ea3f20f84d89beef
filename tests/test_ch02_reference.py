"""Chapter 2 references against independent oracles: central differences
written in the tests (conftest's oracle_gradient, not the reference's
numerical_gradient), closed forms and invariants."""
from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import oracle_gradient
from grader_tests.reference import load_reference

ref = load_reference("02_backprop")
rng = np.random.default_rng(2024)


def close(a, b):
    return np.allclose(a, b, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n, d, m", [(4, 3, 5), (1, 2, 2), (6, 6, 6)])
def test_affine_backward_matches_central_differences(n, d, m):
    x, W, b = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(m,))
    G = rng.normal(size=(n, m))  # L = sum(G * out), so dL/dout = G
    loss = lambda x, W, b: float(np.sum(G * ref.affine_forward(x, W, b)[0]))
    dx, dW, db = ref.affine_backward(G, ref.affine_forward(x, W, b)[1])
    assert close(dx, oracle_gradient(lambda v: loss(v, W, b), x))
    assert close(dW, oracle_gradient(lambda v: loss(x, v, b), W))
    assert close(db, oracle_gradient(lambda v: loss(x, W, v), b))


def test_affine_forward_is_xw_plus_b_row_by_row():
    x, W, b = rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), rng.normal(size=(4,))
    out, cache = ref.affine_forward(x, W, b)
    for n in range(3):
        assert close(out[n], [sum(x[n, k] * W[k, j] for k in range(2)) + b[j] for j in range(4)])
    assert cache[0] is x and cache[1] is W and cache[2] is b


@pytest.mark.parametrize("forward, backward", [("relu_forward", "relu_backward"),
                                               ("sigmoid_forward", "sigmoid_backward")])
def test_activation_backward_matches_central_differences(forward, backward):
    z = rng.normal(scale=2.0, size=(5, 4))
    z[np.abs(z) < 0.05] = 0.5  # away from relu's kink
    G = rng.normal(size=z.shape)
    expected = oracle_gradient(lambda v: float(np.sum(G * getattr(ref, forward)(v)[0])), z)
    assert close(getattr(ref, backward)(G, getattr(ref, forward)(z)[1]), expected)


def test_relu_backward_is_zero_at_the_kink():
    assert ref.relu_backward(np.ones(3), np.array([-1.0, 0.0, 1.0])).tolist() == [0.0, 0.0, 1.0]


def test_softmax_cross_entropy_closed_form_and_gradient():
    scores, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    loss, dscores = ref.softmax_cross_entropy(scores, y)
    expected = -sum(math.log(math.exp(s[t]) / sum(math.exp(v) for v in s)) for s, t in zip(scores, y)) / 6
    assert math.isclose(loss, expected, rel_tol=1e-12)
    assert close(dscores, oracle_gradient(lambda v: ref.softmax_cross_entropy(v, y)[0], scores))
    assert np.allclose(dscores.sum(axis=1), 0.0)  # probabilities minus a one-hot, over N
    shifted_loss, shifted_grad = ref.softmax_cross_entropy(scores + 1000.0, y)
    assert math.isclose(shifted_loss, loss, rel_tol=1e-9) and np.allclose(shifted_grad, dscores)


def test_two_layer_gradients_match_central_differences():
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 4, size=7)
    params = (rng.normal(size=(3, 5)), rng.normal(size=(5,)), rng.normal(size=(5, 4)), rng.normal(size=(4,)))
    _, grads = ref.two_layer_loss(X, y, params)
    for k, grad in enumerate(grads):
        def loss(v, k=k):
            return ref.two_layer_loss(X, y, params[:k] + (v,) + params[k + 1:])[0]
        assert grad.shape == params[k].shape
        assert close(grad, oracle_gradient(loss, params[k])), f"gradient {k}"


def test_numerical_gradient_against_exact_gradients():
    x = rng.normal(size=(3, 4))
    before = x.copy()
    assert np.allclose(ref.numerical_gradient(lambda v: float(np.sum(np.exp(v))), x), np.exp(x), rtol=1e-8)
    assert np.array_equal(x, before)
    assert np.allclose(ref.numerical_gradient(lambda v: float(np.sum(v ** 2)), x), 2 * x, rtol=1e-9)


def test_central_difference_error_is_of_order_h_squared():
    f, x = (lambda v: float(np.sum(np.sin(v)))), np.array([0.7])
    errors = [abs(ref.numerical_gradient(f, x, h)[0] - math.cos(0.7)) for h in (1e-2, 5e-3)]
    assert 3.5 < errors[0] / errors[1] < 4.5  # halving h quarters the error
    # Closed form: (sin(x + h) - sin(x - h)) / 2h = cos(x) sin(h) / h.
    assert math.isclose(errors[0], math.cos(0.7) * (1 - math.sin(1e-2) / 1e-2), rel_tol=1e-4)


def test_rel_error_closed_form_and_floor():
    assert math.isclose(ref.rel_error(np.array([1.0, 3.0]), np.array([1.5, 3.0])), 0.5 / 2.5)
    assert ref.rel_error(np.zeros(4), np.zeros(4)) == 0.0
    assert math.isclose(ref.rel_error(np.array([1e-12]), np.array([0.0])), 1e-4)
    a, b = rng.normal(size=5), rng.normal(size=5)
    assert ref.rel_error(a, b) == ref.rel_error(b, a)


@pytest.mark.parametrize("wrong", [0, 1, 2, 3, None])
def test_find_wrong_gradient_locates_a_scaled_gradient(wrong):
    X, y = rng.normal(size=(6, 2)), rng.integers(0, 3, size=6)
    names = ("W1", "b1", "W2", "b2")
    values = (rng.normal(size=(2, 4)), rng.normal(size=(4,)), rng.normal(size=(4, 3)), rng.normal(size=(3,)))
    params = dict(zip(names, values))
    grads = dict(zip(names, ref.two_layer_loss(X, y, values)[1]))
    if wrong is not None:
        grads[names[wrong]] = grads[names[wrong]] * 1.1
    f = lambda p: ref.two_layer_loss(X, y, tuple(p[n] for n in names))[0]
    assert ref.find_wrong_gradient(f, params, grads) == ("" if wrong is None else names[wrong])


def test_training_solves_xor_and_the_spiral():
    X, y = ref.make_xor()
    params, losses = ref.train_two_layer(X, y, 8, 0.5, 500, np.random.default_rng(0))
    assert (ref.predict(params, X) == y).all() and losses[-1] < 0.05 * losses[0]
    X, y = ref.make_spiral(50, 3, np.random.default_rng(7))
    assert X.shape == (150, 2) and np.bincount(y).tolist() == [50, 50, 50]
    params, losses = ref.train_two_layer(X, y, 64, 1.0, 1000, np.random.default_rng(8))
    assert (ref.predict(params, X) == y).mean() >= 0.95
    again, _ = ref.train_two_layer(X, y, 64, 1.0, 1000, np.random.default_rng(8))
    assert all(np.array_equal(a, b) for a, b in zip(params, again))  # randomness only from rng


def test_one_gradient_step_lowers_the_loss():
    X, y = ref.make_spiral(20, 3, np.random.default_rng(3))
    params = (rng.normal(size=(2, 10)), np.zeros(10), rng.normal(size=(10, 3)), np.zeros(3))
    loss, grads = ref.two_layer_loss(X, y, params)
    step = tuple(p - 1e-3 * g for p, g in zip(params, grads))
    decrease = loss - ref.two_layer_loss(X, y, step)[0]
    # First-order prediction: eta * |grad|^2.
    assert math.isclose(decrease, 1e-3 * sum(float(np.sum(g * g)) for g in grads), rel_tol=1e-2)


def test_planted_gradients_are_wrong_exactly_where_planted():
    """The kernel's precomputed gradients for find_wrong_gradient against
    central differences of the kernel's own loss (at the call's h when it
    passes one), and the reference's answer on each."""
    from grader_tests.checks import find

    wrong_ones = [{"W2"}, {"W1", "b1"}, {"b2"}, {"b1"}, set(), {"W1", "b2"}, {"W1"}, set(), {"b1"}]
    answers = ["W2", "W1", "b2", "b1", "", "b2", "", "", "b1"]
    calls = find("test_find_wrong_gradient").make_calls()
    assert len(calls) == len(wrong_ones)
    for args, wrong, answer in zip(calls, wrong_ones, answers):
        f, params, grads = args[:3]
        h = args[3] if len(args) > 3 else 1e-6
        found = set()
        for name, value in params.items():
            numeric = oracle_gradient(lambda v, name=name: f({**params, name: v}), value, h)
            if not np.allclose(grads[name], numeric, rtol=1e-5, atol=1e-7 * np.abs(numeric).max()):
                found.add(name)
        assert found == wrong, (args[3:], found)
        assert ref.find_wrong_gradient(*args) == answer
