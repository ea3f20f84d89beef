"""Chapter 3 references against independent oracles: closed forms written
here with plain Python, central differences, likelihoods, and invariants
(medians, shift invariance, Gibbs' inequality, the two-class softmax, class
weights as repeated examples, the two-class hinge as the binary hinge)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from conftest import oracle_gradient
from grader_tests.reference import load_reference

ref = load_reference("03_losses")
rng = np.random.default_rng(2025)


def close(a, b):
    return np.allclose(a, b, rtol=1e-6, atol=1e-8)


def no_warnings():
    """Inside the block, any numpy warning (overflow, log(0), 0 / 0) is an error."""
    return warnings.catch_warnings(action="error")


@pytest.mark.parametrize("shape", [(6,), (3, 4)])
def test_regression_losses_closed_forms_and_gradients(shape):
    pred, target = rng.normal(size=shape), rng.normal(size=shape)
    pairs = list(zip(pred.ravel().tolist(), target.ravel().tolist()))
    squared = sum((p - t) ** 2 for p, t in pairs) / len(pairs)
    assert math.isclose(ref.mse(pred, target)[0], squared, rel_tol=1e-12)
    assert math.isclose(ref.mae(pred, target)[0], sum(abs(p - t) for p, t in pairs) / len(pairs), rel_tol=1e-12)
    assert math.isclose(ref.rmse(pred, target)[0], math.sqrt(squared), rel_tol=1e-12)
    for loss in (ref.mse, ref.mae, ref.rmse):  # random residuals are far from MAE's kink
        grad = loss(pred, target)[1]
        assert grad.shape == shape and grad.dtype == np.float64
        assert close(grad, oracle_gradient(lambda v: loss(v, target)[0], pred)), loss.__name__


def test_mae_subgradient_is_zero_at_zero_residuals_and_rmse_has_no_nan():
    x = np.array([1.0, 2.0, 3.0])
    assert ref.mae(x, x.copy())[1].tolist() == [0.0, 0.0, 0.0]
    # One-sided derivatives at the kink are -1/N and +1/N; 0 lies between them.
    left = (ref.mae(x, x)[0] - ref.mae(x - np.array([1e-3, 0, 0]), x)[0]) / 1e-3
    assert math.isclose(left, -1 / 3) and ref.mae(x, x)[1][0] == 0.0
    loss, grad = ref.rmse(x, x.copy())
    assert loss == 0.0 and np.array_equal(grad, np.zeros(3))


def test_mse_is_the_gaussian_negative_log_likelihood_up_to_constants():
    pred, target = rng.normal(size=10), rng.normal(size=10)
    # -log N(t | mu = pred, sigma = 1), averaged: 1/2 log(2 pi) + (t - pred)^2 / 2.
    gaussian_nll = np.mean([0.5 * math.log(2 * math.pi) + 0.5 * (t - p) ** 2 for p, t in zip(pred, target)])
    assert math.isclose(gaussian_nll, 0.5 * math.log(2 * math.pi) + 0.5 * ref.mse(pred, target)[0], rel_tol=1e-12)


def test_constant_minimisers_mse_mean_mae_median():
    y = np.array([0.0, 1.0, 2.0, 10.0, 50.0])
    constant = lambda c: np.full_like(y, c)  # noqa: E731
    assert np.allclose(ref.mse(constant(y.mean()), y)[1].sum(), 0.0)
    assert ref.mae(constant(np.median(y)), y)[1].sum() == 0.0
    for c in (np.median(y) - 0.5, np.median(y) + 0.5, y.mean()):
        assert ref.mae(constant(c), y)[0] > ref.mae(constant(np.median(y)), y)[0]


def test_sum_reduction_gradient_is_n_times_the_mean_one():
    pred, target = rng.normal(size=8), rng.normal(size=8)
    summed = oracle_gradient(lambda v: float(np.sum((v - target) ** 2)), pred)
    assert close(8 * ref.mse(pred, target)[1], summed)


def test_fit_line_mse_is_least_squares_and_mae_ignores_an_outlier():
    x = np.linspace(0.0, 1.0, 20)
    y = 2.0 * x + 1.0 + 0.05 * rng.normal(size=20)
    y[-1] += 30.0
    w, b = ref.fit_line(ref.mse, x, y, steps=3000)
    assert np.allclose([w, b], np.linalg.lstsq(np.column_stack([x, np.ones(20)]), y, rcond=None)[0], atol=1e-3)
    w, b = ref.fit_line(ref.mae, x, y)
    assert abs(w - 2.0) < 0.2 and abs(b - 1.0) < 0.2


def test_binary_cross_entropy_closed_form_clipping_and_no_warnings():
    p, t = rng.uniform(0.05, 0.95, size=7), rng.uniform(0.0, 1.0, size=7)
    expected = -sum(ti * math.log(pi) + (1 - ti) * math.log(1 - pi) for pi, ti in zip(p, t)) / 7
    assert math.isclose(ref.binary_cross_entropy(p, t), expected, rel_tol=1e-12)
    with no_warnings():
        assert ref.binary_cross_entropy(np.array([0.0, 1.0]), np.array([0.0, 1.0])) < 1e-11
        assert math.isclose(ref.binary_cross_entropy(np.array([0.0]), np.array([1.0])), 12 * math.log(10), rel_tol=1e-9)
        assert math.isclose(ref.binary_cross_entropy(np.array([1.0]), np.array([0.0]), eps=1e-3), -math.log(1e-3),
                            rel_tol=1e-9)


def test_bce_with_logits_matches_sigmoid_then_bce_and_central_differences():
    z, t = rng.normal(scale=3.0, size=(4, 3)), rng.integers(0, 2, size=(4, 3)).astype(np.float64)
    loss, dz = ref.binary_cross_entropy_with_logits(z, t)
    p = 1.0 / (1.0 + np.exp(-z))
    assert math.isclose(loss, ref.binary_cross_entropy(p, t), rel_tol=1e-9)
    assert close(dz, oracle_gradient(lambda v: ref.binary_cross_entropy_with_logits(v, t)[0], z))
    assert close(dz, (p - t) / z.size)


@pytest.mark.parametrize("z", [1000.0, 1e4, 1e300])
def test_bce_with_logits_is_exact_for_huge_logits(z):
    with no_warnings():
        loss, dz = ref.binary_cross_entropy_with_logits(np.array([z, -z, z, -z]), np.array([0.0, 1.0, 1.0, 0.0]))
    assert math.isclose(loss, z / 2, rel_tol=1e-12)  # two wrong by |z|, two right at 0
    assert np.allclose(dz, [0.25, -0.25, 0.0, 0.0])


def test_sigmoid_bce_is_the_two_class_softmax_cross_entropy():
    z, y = rng.normal(scale=2.0, size=6), rng.integers(0, 2, size=6)
    two_class = np.column_stack([np.zeros(6), z])  # softmax([0, z])[1] = sigmoid(z)
    loss, dlogits = ref.softmax_cross_entropy(two_class, y)
    bce, dz = ref.binary_cross_entropy_with_logits(z, y.astype(np.float64))
    assert math.isclose(loss, bce, rel_tol=1e-12) and close(dlogits[:, 1], dz)


def test_log_softmax_closed_form_normalisation_and_shift_invariance():
    z = rng.normal(size=(4, 5))
    expected = [[v - math.log(sum(math.exp(u) for u in row)) for v in row] for row in z.tolist()]
    out = ref.log_softmax(z)
    assert close(out, expected) and np.allclose(np.exp(out).sum(axis=1), 1.0)
    with no_warnings():
        assert close(ref.log_softmax(z + 1000.0), out)
        assert np.array_equal(ref.log_softmax(np.array([[1000.0, -1000.0]])), [[0.0, -2000.0]])


def test_nll_and_softmax_cross_entropy_closed_forms():
    z, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    expected = -sum(math.log(math.exp(row[k]) / sum(math.exp(v) for v in row)) for row, k in zip(z.tolist(), y)) / 6
    log_probs = ref.log_softmax(z)
    assert math.isclose(ref.nll_loss(log_probs, y), expected, rel_tol=1e-12)
    loss, dz = ref.softmax_cross_entropy(z, y)
    assert math.isclose(loss, expected, rel_tol=1e-12)
    assert close(dz, oracle_gradient(lambda v: ref.softmax_cross_entropy(v, y)[0], z))
    assert np.allclose(dz.sum(axis=1), 0.0)


def test_softmax_cross_entropy_agrees_with_chapter_2():
    chapter2 = load_reference("02_backprop")
    for z in (rng.normal(size=(5, 3)), np.array([[1000.0, 0.0, -1000.0]])):
        y = rng.integers(0, z.shape[1], size=z.shape[0])
        (loss3, d3), (loss2, d2) = ref.softmax_cross_entropy(z, y), chapter2.softmax_cross_entropy(z, y)
        assert math.isclose(loss3, loss2, rel_tol=1e-12) and np.allclose(d3, d2, rtol=1e-12, atol=0)


def test_cross_entropy_on_one_hot_targets_is_nll_of_log_softmax():
    z, y = rng.normal(scale=3.0, size=(7, 5)), rng.integers(0, 5, size=7)
    one_hot = np.zeros((7, 5))
    one_hot[np.arange(7), y] = 1.0
    loss, dz = ref.cross_entropy(z, one_hot)
    assert math.isclose(loss, ref.nll_loss(ref.log_softmax(z), y), rel_tol=1e-12)
    assert np.allclose(dz, ref.softmax_cross_entropy(z, y)[1], rtol=1e-12, atol=1e-15)
    assert np.array_equal(ref.one_hot(y, 5), one_hot)


def test_cross_entropy_on_soft_targets_gradient_and_gibbs_inequality():
    z = rng.normal(size=(4, 3))
    targets = rng.dirichlet(np.ones(3), size=4)
    loss, dz = ref.cross_entropy(z, targets)
    assert close(dz, oracle_gradient(lambda v: ref.cross_entropy(v, targets)[0], z))
    entropy = -np.sum(targets * np.log(targets)) / 4
    assert loss >= entropy  # CE = H(T) + KL(T || softmax) >= H(T)
    assert math.isclose(ref.cross_entropy(np.log(targets), targets)[0], entropy, rel_tol=1e-12)  # KL = 0


# ---- class weights, the Huber loss and the multiclass hinge loss

def test_integer_class_weights_count_each_example_that_many_times():
    """PyTorch's weighted mean divides by the labels' total weight: with weights
    1, 2 and 3 it is the plain mean over a batch in which every example of class
    c appears weight[c] times, and each row's gradient is the sum over its copies."""
    z, y = rng.normal(scale=2.0, size=(7, 3)), rng.integers(0, 3, size=7)
    y[:3] = [0, 1, 2]
    weight = np.array([1.0, 2.0, 3.0])
    copies = np.repeat(np.arange(7), weight[y].astype(int))
    loss, grad = ref.softmax_cross_entropy(z, y, weight)
    plain_loss, plain_grad = ref.softmax_cross_entropy(z[copies], y[copies])
    summed = np.zeros_like(z)
    np.add.at(summed, copies, plain_grad)
    assert math.isclose(loss, plain_loss, rel_tol=1e-12) and close(grad, summed)


def test_weighted_cross_entropy_closed_form_gradient_and_scale():
    z, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    weight = rng.uniform(0.1, 2.0, size=4)
    rows = z.tolist()
    expected = (sum(weight[k] * (math.log(sum(math.exp(v) for v in row)) - row[k]) for row, k in zip(rows, y))
                / sum(weight[k] for k in y))
    loss, grad = ref.softmax_cross_entropy(z, y, weight)
    assert math.isclose(loss, expected, rel_tol=1e-12)
    assert close(grad, oracle_gradient(lambda v: ref.softmax_cross_entropy(v, y, weight)[0], z))
    # Only the ratios of the weights matter; equal weights give the plain mean.
    scaled_loss, scaled_grad = ref.softmax_cross_entropy(z, y, 7.5 * weight)
    assert math.isclose(scaled_loss, loss, rel_tol=1e-12) and np.allclose(scaled_grad, grad, rtol=1e-12, atol=0)
    (equal_loss, equal_grad), (plain_loss, plain_grad) = (ref.softmax_cross_entropy(z, y, np.full(4, 0.3)),
                                                          ref.softmax_cross_entropy(z, y))
    assert math.isclose(equal_loss, plain_loss, rel_tol=1e-12) and np.allclose(equal_grad, plain_grad, rtol=1e-12)
    with no_warnings():
        big = ref.softmax_cross_entropy(np.array([[1000.0, 0.0, -1000.0]]), np.array([2]), np.array([1.0, 1.0, 4.0]))
    assert math.isclose(big[0], 2000.0, rel_tol=1e-12)


def huber_by_hand(r: float, delta: float) -> float:
    return 0.5 * r * r if abs(r) <= delta else delta * (abs(r) - delta / 2)


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_closed_form_and_central_differences(delta):
    pred, target = rng.normal(scale=2.0, size=(3, 4)), rng.normal(size=(3, 4))
    pairs = list(zip(pred.ravel().tolist(), target.ravel().tolist()))
    loss, grad = ref.huber_loss(pred, target, delta)
    assert math.isclose(loss, sum(huber_by_hand(p - t, delta) for p, t in pairs) / 12, rel_tol=1e-12)
    assert grad.shape == (3, 4) and grad.dtype == np.float64
    assert close(grad, oracle_gradient(lambda v: ref.huber_loss(v, target, delta)[0], pred))
    if delta == 1.0:
        loss_default, grad_default = ref.huber_loss(pred, target)
        assert loss_default == loss and np.array_equal(grad_default, grad)


def test_huber_pieces_meet_with_equal_values_and_slopes():
    delta, zero = 1.7, np.zeros(1)
    for edge in (-delta, delta):
        inside, outside = (ref.huber_loss(np.array([edge * (1 + s)]), zero, delta) for s in (-1e-9, 1e-9))
        assert math.isclose(inside[0], outside[0], rel_tol=1e-8)
        assert math.isclose(inside[1][0], outside[1][0], rel_tol=1e-8)


def test_huber_is_half_the_mse_inside_and_mae_like_outside():
    """A huge delta leaves every residual in the quadratic zone: half of MSE. A tiny
    one leaves all in the linear zone: delta * (MAE - delta / 2)."""
    pred, target = rng.normal(size=8), rng.normal(size=8)
    loss, grad = ref.huber_loss(pred, target, 1e6)
    mse_loss, mse_grad = ref.mse(pred, target)
    assert math.isclose(loss, mse_loss / 2, rel_tol=1e-12) and np.allclose(grad, mse_grad / 2, rtol=1e-12, atol=0)
    delta = 1e-9
    loss, grad = ref.huber_loss(pred, target, delta)
    mae_loss, mae_grad = ref.mae(pred, target)
    assert math.isclose(loss, delta * (mae_loss - delta / 2), rel_tol=1e-9)
    assert np.allclose(grad, delta * mae_grad, rtol=1e-12, atol=0)


def hinge_by_hand(z, y, margin: float) -> float:
    return sum(max(0.0, v - row[k] + margin) for row, k in zip(z.tolist(), y.tolist())
               for j, v in enumerate(row) if j != k) / len(y)


@pytest.mark.parametrize("margin", [1.0, 0.5, 3.0])
def test_hinge_closed_form_and_central_differences(margin):
    z, y = rng.normal(scale=2.0, size=(6, 4)), rng.integers(0, 4, size=6)
    terms = z - z[np.arange(6), y][:, None] + margin
    assert np.min(np.abs(terms)) > 1e-4  # no corner within reach of the differences
    loss, grad = ref.multiclass_hinge_loss(z, y, margin)
    assert math.isclose(loss, hinge_by_hand(z, y, margin), rel_tol=1e-12)
    assert close(grad, oracle_gradient(lambda v: ref.multiclass_hinge_loss(v, y, margin)[0], z))
    if margin == 1.0:
        assert ref.multiclass_hinge_loss(z, y)[0] == loss


def test_hinge_invariants():
    z, y = rng.normal(size=(5, 3)), rng.integers(0, 3, size=5)
    loss, grad = ref.multiclass_hinge_loss(z, y)
    shifted = ref.multiclass_hinge_loss(z + rng.normal(size=(5, 1)) * 100, y)  # one constant per row
    assert math.isclose(shifted[0], loss, rel_tol=1e-9) and np.allclose(shifted[1], grad)
    assert np.allclose(grad.sum(axis=1), 0.0)
    winning = z.copy()
    winning[np.arange(5), y] = z.max(axis=1) + 1.5  # beats every other class by more than the margin
    loss, grad = ref.multiclass_hinge_loss(winning, y)
    assert loss == 0.0 and not grad.any()


def test_two_class_hinge_is_the_binary_hinge_of_the_score_difference():
    """With C = 2 and s = z_1 - z_0, the loss is max(0, 1 - t s) with t = +1 for
    label 1 and -1 for label 0: the binary SVM loss."""
    z, y = rng.normal(scale=2.0, size=(8, 2)), rng.integers(0, 2, size=8)
    s, t = z[:, 1] - z[:, 0], 2.0 * y - 1.0
    loss, grad = ref.multiclass_hinge_loss(z, y)
    assert math.isclose(loss, float(np.mean(np.maximum(0.0, 1.0 - t * s))), rel_tol=1e-12)
    ds = -t * (1.0 - t * s > 0) / 8  # the binary hinge's derivative with respect to s
    assert np.allclose(grad, np.column_stack([-ds, ds]))


def test_hinge_takes_the_left_hand_slope_at_a_corner():
    z, y, h = np.array([[2.0, 1.0, 0.0]]), np.array([0]), 1e-6  # the term of class 1 is exactly 0
    loss, grad = ref.multiclass_hinge_loss(z, y)
    lower = z.copy()
    lower[0, 1] -= h
    right = z.copy()
    right[0, 1] += h
    assert grad[0, 1] == (loss - ref.multiclass_hinge_loss(lower, y)[0]) / h == 0.0
    assert math.isclose((ref.multiclass_hinge_loss(right, y)[0] - loss) / h, 1.0, rel_tol=1e-6)
