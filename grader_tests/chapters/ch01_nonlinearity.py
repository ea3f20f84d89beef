"""Grader side: chapter 1 (non-linearity), known mistakes and judges.

Every wrong implementation below is a mistake students really make; the
grader names it when a submission behaves exactly like it. The inputs are
the kernel side's (``grader_tests.kernel.inputs.ch01_nonlinearity``).
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.kernel.inputs.ch01_nonlinearity import XOR_X


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


GATES = {(0, 1, 1, 0): "XOR", (0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR",
         (1, 1, 1, 0): "NAND", (1, 0, 0, 1): "XNOR", (0, 0, 0, 0): "constant 0",
         (1, 1, 1, 1): "constant 1"}


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
    check("test_relu",
          mistakes=(Mistake("negative inputs were kept (absolute value or identity)", np.abs),)),
    check("test_relu_grad",
          mistakes=(Mistake("the subgradient at 0 was taken as 1; this course uses 0",
                            lambda x: (x >= 0).astype(np.float64)),
                    Mistake("the subgradient at 0 was taken as 0.5; this course uses 0",
                            lambda x: np.where(x == 0, 0.5, (x > 0).astype(np.float64))))),
    check("test_sigmoid_values",
          mistakes=(Mistake("tanh was returned instead of the logistic sigmoid", np.tanh),)),
    check("test_sigmoid_stable",
          forbid_warnings=True,
          mistakes=(Mistake("naive sigmoid overflow: exp(-x) overflows for large negative x", _naive_sigmoid,
                            "Use exp(-x) for x >= 0 and exp(x) / (1 + exp(x)) for x < 0."),
                    Mistake("exp(x) / (1 + exp(x)) overflows for large positive x", _exp_ratio_sigmoid))),
    check("test_sigmoid_grad",
          mistakes=(Mistake(OUTPUT_NOT_INPUT, lambda x: x * (1.0 - x), TAKE_THE_INPUT),)),
    check("test_tanh",
          mistakes=(Mistake("the logistic sigmoid was returned instead of tanh", _naive_sigmoid),)),
    check("test_tanh_grad",
          mistakes=(Mistake(OUTPUT_NOT_INPUT, lambda x: 1.0 - x ** 2, TAKE_THE_INPUT),)),
    check("test_leaky_relu",
          mistakes=(Mistake("alpha was applied on the positive side", lambda x, a: np.where(x > 0, a * x, x)),
                    Mistake("alpha was ignored (this is plain ReLU)", lambda x, a: _relu(x)))),
    check("test_leaky_relu_grad",
          mistakes=(Mistake("alpha was applied on the positive side", lambda x, a: np.where(x > 0, a, 1.0)),
                    Mistake("the derivative at 0 was taken as 1; this course uses alpha (the left-hand value)",
                            lambda x, a: np.where(x >= 0, 1.0, a)))),
    check("test_elu",
          mistakes=(Mistake("ELU used alpha * x instead of alpha * (exp(x) - 1) for x <= 0",
                            lambda x, a: np.where(x > 0, x, a * x)),)),
    check("test_elu_grad",
          mistakes=(Mistake("the derivative for x <= 0 is alpha * exp(x), not alpha",
                            lambda x, a: np.where(x > 0, 1.0, a)),)),
    check("test_softmax_values",
          mistakes=(Mistake("softmax was taken over the first axis instead of the last", _softmax_axis0),)),
    check("test_softmax_stable", forbid_warnings=True,
          mistakes=(Mistake("softmax without subtracting the maximum: exp overflows on large logits",
                            _naive_softmax, "Subtract x.max(axis=-1, keepdims=True) first; softmax is shift invariant."),)),
    check("test_maxout",
          mistakes=(Mistake("the biases b were left out of the pieces", lambda x, W, b: np.einsum("nd,kdm->nkm", x, W).max(axis=1)),
                    Mistake("the minimum was taken instead of the maximum",
                            lambda x, W, b: (np.einsum("nd,kdm->nkm", x, W) + b).min(axis=1)))),
    check("test_collapse_linear",
          mistakes=(Mistake("the second bias was left out: b = b1 @ W2 + b2, not b1 @ W2",
                            lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2)),
                    Mistake("the first bias was left out: b1 passes through W2, so b = b1 @ W2 + b2",
                            lambda W1, b1, W2, b2: (W1 @ W2, b2)))),
    check("test_threshold_unit",
          mistakes=(Mistake("the accuracy was averaged over the grid instead of taking the best weights",
                            _mean_accuracy),)),
    check("test_xor_network", judge=judge_xor),
)
