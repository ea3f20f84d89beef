"""Chapter 5 references against independent oracles: central differences
(conftest's oracle_gradient), closed forms, expectations over many draws and invariants of
early stopping."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import oracle_gradient
from grader_tests.reference import load_reference

ref = load_reference("05_regularization")
rng = np.random.default_rng(2025)


def network(rng, d=3, h=4):
    return (rng.normal(size=(d, h)), rng.normal(size=(h,)), rng.normal(size=(h, 2)), rng.normal(size=(2,)))


@pytest.mark.parametrize("name", ["l2_penalty", "l1_penalty"])
def test_penalty_gradients_match_central_differences(name):
    params, lam = network(rng), 0.7
    penalty = getattr(ref, name)
    _, grads = penalty(params, lam)
    for k, grad in enumerate(grads):
        def value(v, k=k):
            return penalty(params[:k] + (v,) + params[k + 1:], lam)[0]
        assert np.allclose(grad, oracle_gradient(value, params[k]), rtol=1e-6, atol=1e-8)


def test_penalties_closed_forms_and_biases_left_alone():
    W1, b1, W2, b2 = network(rng)
    l2, l2_grads = ref.l2_penalty((W1, b1, W2, b2), 0.3)
    l1, l1_grads = ref.l1_penalty((W1, b1, W2, b2), 0.3)
    assert np.isclose(l2, 0.15 * (np.linalg.norm(W1) ** 2 + np.linalg.norm(W2) ** 2))
    assert np.isclose(l1, 0.3 * (np.abs(W1).sum() + np.abs(W2).sum()))
    for grads in (l2_grads, l1_grads):
        assert not grads[1].any() and not grads[3].any()
        assert [g.shape for g in grads] == [W1.shape, b1.shape, W2.shape, b2.shape]


def test_l1_subgradient_is_zero_at_zero():
    W = np.array([[0.0, 2.0], [-3.0, 0.0]])
    assert ref.l1_penalty((W,), 2.0)[1][0].tolist() == [[0.0, 2.0], [-2.0, 0.0]]


def test_weight_decay_step_is_gradient_descent_on_the_penalized_loss():
    """W - lr (dL/dW + wd W) = (1 - lr wd) W - lr dL/dW; biases take the plain step."""
    params, lr, wd = network(rng), 0.1, 0.3
    grads = tuple(rng.normal(size=p.shape) for p in params)
    new = ref.sgd_weight_decay_step(params, grads, lr, wd)
    for p, g, n in zip(params, grads, new):
        expected = (1 - lr * wd) * p - lr * g if p.ndim == 2 else p - lr * g
        assert np.allclose(n, expected)


def test_dropout_keeps_the_expectation_and_drops_a_share_p():
    x = rng.normal(size=(4, 5))
    outs = np.array([ref.dropout_forward(x, 0.4, "train", np.random.default_rng(s))[0] for s in range(4000)])
    assert np.allclose(outs.mean(axis=0), x, atol=0.1 * np.abs(x).max())
    assert abs((outs == 0).mean() - 0.4) < 0.01
    assert set(np.unique(ref.dropout_forward(x, 0.4, "train", rng)[1])) <= {0.0, 1 / 0.6}


def test_dropout_eval_is_the_identity_and_draws_nothing():
    x, generator = rng.normal(size=(3, 3)), np.random.default_rng(0)
    out, mask = ref.dropout_forward(x, 0.5, "eval", generator)
    assert np.array_equal(out, x) and np.array_equal(mask, np.ones_like(x))
    assert generator.random() == np.random.default_rng(0).random()


def test_dropout_backward_matches_central_differences_with_the_mask_fixed():
    x, G = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    out_of = lambda v: float(np.sum(G * ref.dropout_forward(v, 0.3, "train", np.random.default_rng(7))[0]))
    mask = ref.dropout_forward(x, 0.3, "train", np.random.default_rng(7))[1]
    assert np.allclose(ref.dropout_backward(G, mask), oracle_gradient(out_of, x))


@pytest.mark.parametrize("patience", [1, 2, 4])
def test_early_stopping_invariants(patience):
    """With min_delta = 0: the best epoch is the first minimum so far, and training
    stops exactly when it lies patience epochs back, not earlier."""
    for _ in range(20):
        losses = 1.0 + np.cumsum(rng.normal(-0.01, 0.05, size=25))
        losses[rng.integers(25)] = losses[rng.integers(25)]  # ties must not count as improvements
        stopped, best, best_loss = ref.early_stopping_epochs(losses, patience, 0.0)
        last = stopped if stopped >= 0 else len(losses) - 1
        assert best == int(np.argmin(losses[:last + 1])) and best_loss == losses[best]
        for epoch in range(last):
            assert epoch - int(np.argmin(losses[:epoch + 1])) < patience
        if stopped >= 0:
            assert stopped - best == patience
        restored = ref.early_stopping_restored(losses, patience, 0.0)
        assert all(np.all(w == best + 1) for w in restored)  # the replay's weights after epoch e hold e + 1


def test_early_stopping_min_delta_needs_a_real_improvement():
    # 0.95 beats 1.0 by more than 0.02; none of the later losses beats 0.95 by more than 0.02.
    assert ref.early_stopping_epochs(np.array([1.0, 0.95, 0.94, 0.935, 0.931]), 3, 0.02) == (4, 1, 0.95)
    assert ref.early_stopping_epochs(np.array([1.0, 0.95, 0.94, 0.935, 0.931]), 3, 0.0) == (-1, 4, 0.931)


def test_before_the_first_epoch_nothing_is_best_yet():
    assert ref.early_stopping_epochs(np.array([]), 2, 0.0) == (-1, -1, np.inf)


def test_smooth_labels_is_a_distribution_whose_cross_entropy_minimum_it_is():
    one_hot = np.eye(4)[rng.integers(0, 4, size=6)]
    q = ref.smooth_labels(one_hot, 0.2)
    assert np.allclose(q.sum(axis=1), 1.0) and np.array_equal(q.argmax(axis=1), one_hot.argmax(axis=1))
    assert np.allclose(q[one_hot == 0], 0.05) and np.allclose(q[one_hot == 1], 0.85)
    assert np.array_equal(ref.smooth_labels(one_hot, 0.0), one_hot)
    # The gradient of cross-entropy(q, softmax(z)) is softmax(z) - q: zero at z = log q.
    z = np.log(q)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert np.allclose(p - q, 0.0)


def test_gaussian_noise_has_the_right_spread():
    x = rng.normal(size=(200, 300))
    noise = ref.add_gaussian_noise(x, 0.7, np.random.default_rng(3)) - x
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.7) < 0.01
    assert np.array_equal(ref.add_gaussian_noise(x, 0.0, np.random.default_rng(3)), x)


def test_one_training_step_follows_the_penalized_gradient():
    """After one step, params = params0 - lr * (central-difference gradient of the MSE + wd * W)."""
    X, y = ref.make_regression(6, np.random.default_rng(0), n_features=3)
    lr, wd = 0.01, 0.2
    init_rng = np.random.default_rng(4)  # the docstring's initialization, by hand
    params0 = (init_rng.normal(size=(3, 5)) * np.sqrt(2 / 3), np.zeros(5),
               init_rng.normal(size=(5, 1)) * np.sqrt(1 / 5), np.zeros(1))
    params, train_losses, _ = ref.train_network(X, y, X, y, 5, lr, 1, wd, 0.0, np.random.default_rng(4))
    assert np.isclose(train_losses[0], np.mean((ref.predict(params0, X) - y) ** 2))
    for k, (p0, p1) in enumerate(zip(params0, params)):
        def loss(v, k=k):
            return float(np.mean((ref.predict(params0[:k] + (v,) + params0[k + 1:], X) - y) ** 2))
        decay = wd * p0 if p0.ndim == 2 else 0.0
        assert np.allclose(p1, p0 - lr * (oracle_gradient(loss, p0) + decay), rtol=1e-6, atol=1e-9)


def test_weight_decay_lowers_the_validation_error_of_the_overparameterised_network():
    X, y = ref.make_regression(30, np.random.default_rng(0))
    X_val, y_val = ref.make_regression(200, np.random.default_rng(1))
    runs = {wd: ref.train_network(X, y, X_val, y_val, 100, 0.02, 1000, wd, 0.0, np.random.default_rng(2))
            for wd in (0.0, 0.1)}
    assert runs[0.0][1][-1] < 0.01  # memorized the training set
    assert runs[0.1][2][-1] < 0.8 * runs[0.0][2][-1]
    norm = lambda params: np.linalg.norm(params[0]) + np.linalg.norm(params[2])  # noqa: E731
    assert norm(runs[0.1][0]) < norm(runs[0.0][0])


def test_the_grader_inputs_sit_on_the_conventions_boundaries():
    """One dropout call has a draw u equal to p exactly, each mode has p = 0,
    the penalties get exact zeros, lam = 0 and weights that are not every other parameter."""
    from grader_tests.checks import find

    for check_id in ("test_dropout_forward_train", "test_dropout_forward_eval"):
        calls = find(check_id).make_calls()
        assert any(p == 0.0 for _, p, _, _ in calls)
        assert any(np.any(rng.random(x.shape) == p) for x, p, _, rng in calls if p > 0)
    for check_id in ("test_l2_penalty", "test_l1_penalty"):
        calls = find(check_id).make_calls()
        assert any(lam == 0.0 for _, lam in calls)
        assert any([p.ndim for p in params] != [2, 1] * (len(params) // 2) for params, _ in calls)
    assert all(np.any(params[0] == 0.0) for params, _ in find("test_l1_penalty").make_calls())
