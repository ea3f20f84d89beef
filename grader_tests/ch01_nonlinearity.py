"""Chapter 1 (non-linearity): grader-chosen inputs and known mistakes.

Every wrong implementation below is a mistake students really make; the
grader names it when a submission behaves exactly like it.
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Check, Mistake, register

# Exact zeros (both signs), tiny and huge magnitudes: where conventions and
# numerical stability show.
EDGES = np.array([-1e4, -800.0, -50.0, -1.0, -1e-300, -0.0, 0.0, 1e-300, 1.0, 50.0, 800.0, 1e4])
ALPHAS = (0.01, 0.2, 1.5)


def _arrays(rng):
    """Random shapes and values, then the edge cases."""
    return [rng.normal(scale=3.0, size=(5, 7)), rng.normal(size=(2, 3, 4)),
            rng.normal(scale=0.1, size=(9,)), EDGES.copy()]


def _moderate(rng):
    """Values where every correct formula is accurate (|x| <= 30)."""
    return [(a,) for a in [rng.normal(scale=3.0, size=(5, 7)), rng.normal(size=(2, 3, 4)),
                           np.array([-30.0, -2.0, -0.0, 0.0, 0.5, 30.0])]]


def _with_alpha(rng):
    return [(x, alpha) for x, alpha in zip(_arrays(rng), ALPHAS * 2)]


def _naive_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _exp_ratio_sigmoid(x):
    return np.exp(x) / (1.0 + np.exp(x))


def _naive_softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_axis0(x):
    e = np.exp(x - x.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _relu(x):
    return np.maximum(x, 0.0)


def _logits(rng):
    return [(rng.normal(scale=2.0, size=(4, 5)),), (rng.normal(size=(6,)),),
            (rng.normal(size=(2, 3, 4)),), (np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]),)]


def _large_logits(rng):
    return [(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]),),
            (rng.normal(size=(3, 4)) * 50 + 900,),
            (np.array([-1e4, -1e4 + 1.0]),)]


def _maxout_calls(rng):
    calls = []
    for n, d, m, k in [(4, 3, 2, 3), (6, 5, 4, 2), (1, 2, 3, 4)]:
        calls.append((rng.normal(size=(n, d)), rng.normal(size=(k, d, m)), rng.normal(size=(k, m))))
    # Ties: two identical pieces, and an input of zeros where only the biases count.
    w = rng.normal(size=(3, 2, 2))
    w[1] = w[0]
    calls.append((np.vstack([rng.normal(size=(2, 2)), np.zeros((1, 2))]), w, np.zeros((3, 2))))
    return calls


def _collapse_calls(rng):
    return [(rng.normal(size=(d, h)), rng.normal(size=(h,)), rng.normal(size=(h, m)), rng.normal(size=(m,)))
            for d, h, m in [(8, 9, 4), (3, 3, 3), (1, 5, 2)]]


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {(0, 1, 1, 0): "XOR", (0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR",
         (1, 1, 1, 0): "NAND", (1, 0, 0, 1): "XNOR", (0, 0, 0, 0): "constant 0",
         (1, 1, 1, 1): "constant 1"}


def _threshold_calls(rng):
    grid = np.linspace(-2.0, 2.0, 9)
    random_points = rng.normal(size=(12, 2))
    random_labels = (rng.random(12) < 0.5).astype(np.float64)
    return [(XOR_X, np.array([0.0, 1.0, 1.0, 0.0]), grid),
            (XOR_X, np.array([0.0, 0.0, 0.0, 1.0]), grid),
            (random_points, random_labels, np.linspace(-1.0, 1.0, 5))]


def _mean_accuracy(X, y, grid):
    w1, w2, b = np.meshgrid(grid, grid, grid, indexing="ij")
    scores = X[:, 0, None] * w1.ravel() + X[:, 1, None] * w2.ravel() + b.ravel()
    return np.float64(((scores > 0) == (y[:, None] > 0.5)).mean())


def judge_xor(got, expected, args):
    """Any weights that compute XOR pass: the grader evaluates the network itself."""
    if not isinstance(got, tuple) or len(got) != 4:
        return "xor_network() must return (W1, b1, W2, b2)"
    W1, b1, W2, b2 = got
    if W1.ndim != 2 or W1.shape[0] != 2 or b1.shape != (W1.shape[1],) \
            or W2.shape != (W1.shape[1], 1) or b2.shape != (1,):
        return (f"shapes W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}; "
                "expected (2, H), (H,), (H, 1), (1,)")
    scores = _relu(XOR_X @ W1 + b1) @ W2 + b2
    predicted = tuple(int(s > 0) for s in scores.ravel())
    if predicted == (0, 1, 1, 0):
        return None
    return (f"on inputs (0,0), (0,1), (1,0), (1,1) the network predicts {list(predicted)}"
            f" ({GATES.get(predicted, 'not a named gate')}), expected [0, 1, 1, 0] (XOR)")


OUTPUT_NOT_INPUT = "the derivative was evaluated on the activation's output instead of its input x"
TAKE_THE_INPUT = "The derivative takes the pre-activation x; compute the activation inside if you need it."

register(
    Check("test_relu", "relu", lambda rng: [(a,) for a in _arrays(rng)],
          mistakes=(Mistake("negative inputs were kept (absolute value or identity)", np.abs),)),
    Check("test_relu_grad", "relu_grad", lambda rng: [(a,) for a in _arrays(rng)],
          mistakes=(Mistake("the subgradient at 0 was taken as 1; this course uses 0",
                            lambda x: (x >= 0).astype(np.float64)),
                    Mistake("the subgradient at 0 was taken as 0.5; this course uses 0",
                            lambda x: np.where(x == 0, 0.5, (x > 0).astype(np.float64))))),
    Check("test_sigmoid_values", "sigmoid", _moderate,
          mistakes=(Mistake("tanh was returned instead of the logistic sigmoid", np.tanh),)),
    Check("test_sigmoid_stable", "sigmoid", lambda rng: [(EDGES.copy(),), (rng.normal(scale=500.0, size=(4, 6)),)],
          forbid_warnings=True,
          mistakes=(Mistake("naive sigmoid overflow: exp(-x) overflows for large negative x", _naive_sigmoid,
                            "Use exp(-x) for x >= 0 and exp(x) / (1 + exp(x)) for x < 0."),
                    Mistake("exp(x) / (1 + exp(x)) overflows for large positive x", _exp_ratio_sigmoid))),
    Check("test_sigmoid_grad", "sigmoid_grad", _moderate,
          mistakes=(Mistake(OUTPUT_NOT_INPUT, lambda x: x * (1.0 - x), TAKE_THE_INPUT),)),
    Check("test_tanh", "tanh", lambda rng: [(a,) for a in _arrays(rng)],
          mistakes=(Mistake("the logistic sigmoid was returned instead of tanh", _naive_sigmoid),)),
    Check("test_tanh_grad", "tanh_grad", _moderate,
          mistakes=(Mistake(OUTPUT_NOT_INPUT, lambda x: 1.0 - x ** 2, TAKE_THE_INPUT),)),
    Check("test_leaky_relu", "leaky_relu", _with_alpha,
          mistakes=(Mistake("alpha was applied on the positive side", lambda x, a: np.where(x > 0, a * x, x)),
                    Mistake("alpha was ignored (this is plain ReLU)", lambda x, a: _relu(x)))),
    Check("test_leaky_relu_grad", "leaky_relu_grad", _with_alpha,
          mistakes=(Mistake("alpha was applied on the positive side", lambda x, a: np.where(x > 0, a, 1.0)),
                    Mistake("the derivative at 0 was taken as 1; this course uses alpha (the left-hand value)",
                            lambda x, a: np.where(x >= 0, 1.0, a)))),
    Check("test_elu", "elu", _with_alpha,
          mistakes=(Mistake("ELU used alpha * x instead of alpha * (exp(x) - 1) for x <= 0",
                            lambda x, a: np.where(x > 0, x, a * x)),)),
    Check("test_elu_grad", "elu_grad", _with_alpha,
          mistakes=(Mistake("the derivative for x <= 0 is alpha * exp(x), not alpha",
                            lambda x, a: np.where(x > 0, 1.0, a)),)),
    Check("test_softmax_values", "softmax", _logits,
          mistakes=(Mistake("softmax was taken over the first axis instead of the last", _softmax_axis0),)),
    Check("test_softmax_stable", "softmax", _large_logits, forbid_warnings=True,
          mistakes=(Mistake("softmax without subtracting the maximum: exp overflows on large logits",
                            _naive_softmax, "Subtract x.max(axis=-1, keepdims=True) first; softmax is shift invariant."),)),
    Check("test_maxout", "maxout", _maxout_calls,
          mistakes=(Mistake("the biases b were left out of the pieces", lambda x, W, b: np.einsum("nd,kdm->nkm", x, W).max(axis=1)),
                    Mistake("the minimum was taken instead of the maximum",
                            lambda x, W, b: (np.einsum("nd,kdm->nkm", x, W) + b).min(axis=1)))),
    Check("test_collapse_linear", "collapse_linear", _collapse_calls,
          mistakes=(Mistake("the second bias was left out: b = b1 @ W2 + b2, not b1 @ W2",
                            lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2)),
                    Mistake("the first bias was left out: b1 passes through W2, so b = b1 @ W2 + b2",
                            lambda W1, b1, W2, b2: (W1 @ W2, b2)))),
    Check("test_threshold_unit", "threshold_unit_best_accuracy", _threshold_calls,
          mistakes=(Mistake("the accuracy was averaged over the grid instead of taking the best weights",
                            _mean_accuracy),)),
    Check("test_xor_network", "xor_network", lambda rng: [()], judge=judge_xor),
)
