"""Grader side: chapter 1 (non-linearity), known mistakes and judges.

Every wrong implementation below is a mistake students really make; the
grader names it only when a submission behaves exactly like it on every call
of the check. The inputs are the kernel side's
(``grader_tests.kernel.inputs.ch01_nonlinearity``).

No check here passes on a threshold: every graded function has one correct
output (xor_network's weights are judged by running the network), so the
chapter needs no ``threshold_study``.
"""
from __future__ import annotations

import math

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import kind
from grader_tests.kernel.inputs.ch01_nonlinearity import XOR_X


def _sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))  # stable: the mistakes below need a correct sigmoid


def _naive_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _exp_ratio_sigmoid(x):
    return np.exp(x) / (1.0 + np.exp(x))


def _both_branches_sigmoid(x):
    return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))


def _naive_softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_axis0(x):
    e = np.exp(x - x.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_global_max(x):
    e = np.exp(x - x.max())
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_global_sum(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum()


def _relu(x):
    return np.maximum(x, 0.0)


def _both_ways(name, negative, advice=""):
    """An ELU mistake (``negative(x, alpha)`` for x <= 0) written the two ways
    students write it: on min(x, 0), silent, and with np.where on every entry,
    which warns for large x. test_elu forbids warnings, so a submission
    behaves like only one of them."""
    return (Mistake(name, lambda x, a: np.where(x > 0, x, negative(np.minimum(x, 0.0), a)), advice),
            Mistake(name, lambda x, a: np.where(x > 0, x, negative(x, a)), advice))


def _tanh_by_exp(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


def _tanh_by_exp2(x):
    return (np.exp(2 * x) - 1.0) / (np.exp(2 * x) + 1.0)


_ERF = np.vectorize(math.erf, otypes=[np.float64])
_ERFC = np.vectorize(math.erfc, otypes=[np.float64])
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def _normal_cdf(x):
    return 0.5 * _ERFC(-x / math.sqrt(2.0))


def _normal_pdf(x):
    return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _tanh_gelu(x):
    """PyTorch's GELU(approximate="tanh")."""
    return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))


def _tanh_gelu_grad(x):
    t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3))
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)


def _silu_with(sigmoid):
    """SiLU built on the given (right or wrong) sigmoid."""
    return lambda x: x * sigmoid(x)


def _pieces(x, W, b):
    return np.einsum("nd,kdm->knm", x, W) + b[:, None, :]  # (k, N, M)


def _accuracies(X, y, grid, bias=True, strict=True):
    """Accuracy of every (w1, w2, b) of the grid (b = 0 only without ``bias``)."""
    w1, w2, b = np.meshgrid(grid, grid, grid if bias else np.zeros(1), indexing="ij")
    scores = X[:, :1] * w1.ravel() + X[:, 1:] * w2.ravel() + b.ravel()
    predicted = scores > 0 if strict else scores >= 0
    return (predicted == (y[:, None] > 0.5)).mean(axis=0)


WEIGHTS = ("W1", "b1", "W2", "b2")
GATES = {(0, 1, 1, 0): "XOR", (0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR",
         (1, 1, 1, 0): "NAND", (1, 0, 0, 1): "XNOR", (0, 0, 0, 0): "constant 0",
         (1, 1, 1, 1): "constant 1"}


def _not_an_array(value) -> str:
    return kind(value) if isinstance(value, tuple) else type(value).__name__


def judge_xor(got, expected, args):
    """Any float64 weights that compute XOR pass: the grader runs the network itself."""
    if not isinstance(got, tuple):
        return "returned a single value; xor_network() must return the tuple (W1, b1, W2, b2)"
    if len(got) != 4:
        return f"returned a {kind(got)} of {len(got)} values; xor_network() must return (W1, b1, W2, b2)"
    for name, value in zip(WEIGHTS, got):
        if not isinstance(value, np.ndarray):
            return f"{name} is a {_not_an_array(value)}, expected a numpy array"
        if value.dtype != np.float64:
            return f"{name} has dtype {value.dtype}, expected float64 (write 1.0 rather than 1)"
    W1, b1, W2, b2 = got
    if W1.ndim != 2 or W1.shape[0] != 2 or b1.shape != (W1.shape[1],) \
            or W2.shape != (W1.shape[1], 1) or b2.shape != (1,):
        return (f"shapes W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}; "
                "expected (2, H), (H,), (H, 1), (1,)")
    with np.errstate(all="ignore"):  # weights of any size: the verdict is about their signs
        scores = (_relu(XOR_X @ W1 + b1) @ W2 + b2).ravel()
    predicted = tuple(int(s > 0) for s in scores)
    if predicted == (0, 1, 1, 0):
        return None
    message = (f"on inputs (0,0), (0,1), (1,0), (1,1) the network predicts {list(predicted)}"
               f" ({GATES.get(predicted, 'not a named gate')}), expected [0, 1, 1, 0] (XOR)")
    if np.any(scores[1:3] == 0):
        message += "; a score of exactly 0 predicts class 0 (class 1 needs score > 0)"
    return message


OUTPUT_NOT_INPUT = "the derivative was evaluated on the activation's output instead of its input x"
TAKE_THE_INPUT = "The derivative takes the pre-activation x; compute the activation inside if you need it."
ALPHA_AT_ZERO = "; this course uses alpha (the left-hand value)"
FIXED_ALPHA = "alpha was fixed at 0.01 instead of taken from the argument"
EXP_EVERYWHERE = "exp was computed on every entry, also where its result is discarded, and overflowed there"
ONLY_WHERE_NEEDED = ("np.where (or a mask product) evaluates both formulas on every entry; compute each one "
                     "only on the entries it is for (boolean indexing), or clamp what goes into exp "
                     "(np.minimum(x, 0)) so it cannot overflow.")
COUNT = "the number of correctly classified rows was returned instead of the fraction"
TANH_GELU = ("the tanh approximation of GELU was used; this function is the exact GELU, x * Phi(x) with "
             "Phi(x) = (1 + erf(x / sqrt(2))) / 2")
EXACT_GELU = "Compute Phi with math.erf applied to every entry (np.vectorize(math.erf, otypes=[np.float64]))."
NO_PRODUCT_RULE = "The product rule: d/dx [x f(x)] = f(x) + x f'(x)."
STABLE_SILU = "Multiply x by the stable sigmoid of Part 2."

register(
    check("test_relu",
          mistakes=(Mistake("negative inputs were made positive (absolute value) instead of set to 0", np.abs),
                    Mistake("negative inputs were kept (the identity) instead of set to 0", lambda x: x + 0.0))),
    check("test_relu_grad",
          mistakes=(Mistake("the subgradient at 0 was taken as 1; this course uses 0",
                            lambda x: (x >= 0).astype(np.float64)),
                    Mistake("the subgradient at 0 was taken as 0.5; this course uses 0",
                            lambda x: np.where(x == 0, 0.5, (x > 0).astype(np.float64))),
                    Mistake("np.sign gives -1 where x < 0; the derivative there is 0", np.sign))),
    check("test_sigmoid_values",
          mistakes=(Mistake("tanh was returned instead of the logistic sigmoid", np.tanh),
                    Mistake("the sign of x was flipped: 1 / (1 + exp(x)) is sigmoid(-x)",
                            lambda x: _sigmoid(-x)))),
    check("test_sigmoid_stable",
          forbid_warnings=True,
          mistakes=(Mistake("naive sigmoid overflow: exp(-x) overflows for large negative x", _naive_sigmoid,
                            "Use exp(-x) for x >= 0 and exp(x) / (1 + exp(x)) for x < 0."),
                    Mistake("exp(x) / (1 + exp(x)) overflows for large positive x", _exp_ratio_sigmoid),
                    Mistake(EXP_EVERYWHERE, _both_branches_sigmoid, ONLY_WHERE_NEEDED))),
    check("test_sigmoid_grad",
          mistakes=(Mistake(OUTPUT_NOT_INPUT, lambda x: x * (1.0 - x), TAKE_THE_INPUT),
                    Mistake("1 - sigma(x)**2 is tanh's rule; the sigmoid's derivative is sigma(x) * (1 - sigma(x))",
                            lambda x: 1.0 - _sigmoid(x) ** 2))),
    check("test_tanh",
          mistakes=(Mistake("the logistic sigmoid was returned instead of tanh", _naive_sigmoid),
                    # Two ways to write tanh with exp: both give inf / inf = nan for large |x|.
                    *(Mistake("a ratio of exponentials overflows for large |x| (inf / inf is nan)", formula,
                              "Use np.tanh, or a formula in exp(-2|x|), which never overflows.")
                      for formula in (_tanh_by_exp, _tanh_by_exp2)))),
    check("test_tanh_grad",
          mistakes=(Mistake(OUTPUT_NOT_INPUT, lambda x: 1.0 - x ** 2, TAKE_THE_INPUT),
                    Mistake("the square was left out: 1 - tanh(x), not 1 - tanh(x)**2", lambda x: 1.0 - np.tanh(x)),
                    Mistake("tanh(x) * (1 - tanh(x)) is the sigmoid's rule; tanh's derivative is 1 - tanh(x)**2",
                            lambda x: np.tanh(x) * (1.0 - np.tanh(x))))),
    check("test_leaky_relu",
          mistakes=(Mistake("alpha was applied on the positive side", lambda x, a: np.where(x > 0, a * x, x)),
                    Mistake("alpha was ignored (this is plain ReLU)", lambda x, a: _relu(x)),
                    Mistake("max(x, alpha * x) is leaky ReLU only for alpha <= 1", lambda x, a: np.maximum(x, a * x),
                            "alpha can be larger than 1: choose by the sign of x instead."),
                    Mistake(FIXED_ALPHA, lambda x, a: np.where(x > 0, x, 0.01 * x)))),
    check("test_leaky_relu_grad",
          mistakes=(Mistake("alpha was applied on the positive side", lambda x, a: np.where(x > 0, a, 1.0)),
                    Mistake("the derivative at 0 was taken as 1" + ALPHA_AT_ZERO,
                            lambda x, a: np.where(x >= 0, 1.0, a)),
                    Mistake("the derivative at 0 was taken as 0" + ALPHA_AT_ZERO,
                            lambda x, a: np.where(x > 0, 1.0, np.where(x < 0, a, 0.0))),
                    Mistake(FIXED_ALPHA, lambda x, a: np.where(x > 0, 1.0, 0.01)))),
    check("test_elu",
          # The docstring promises no overflow and no warning for large positive x.
          forbid_warnings=True,
          mistakes=(Mistake("ELU used alpha * x instead of alpha * (exp(x) - 1) for x <= 0",
                            lambda x, a: np.where(x > 0, x, a * x)),
                    *_both_ways("the parentheses were left out: alpha * exp(x) - 1, not alpha * (exp(x) - 1)",
                                lambda x, a: a * np.exp(x) - 1.0),
                    *_both_ways("alpha was ignored (this is ELU with alpha = 1)", lambda x, a: np.exp(x) - 1.0),
                    _both_ways(EXP_EVERYWHERE, lambda x, a: a * (np.exp(x) - 1.0), ONLY_WHERE_NEEDED)[1],
                    # The mask product: inf * 0 is nan where x is large.
                    Mistake(EXP_EVERYWHERE, lambda x, a: x * (x > 0) + a * (np.exp(x) - 1.0) * (x <= 0),
                            ONLY_WHERE_NEEDED))),
    check("test_elu_grad",
          mistakes=(Mistake("the derivative for x <= 0 is alpha * exp(x), not alpha",
                            lambda x, a: np.where(x > 0, 1.0, a)),
                    Mistake("alpha was left out: the derivative for x <= 0 is alpha * exp(x), not exp(x)",
                            lambda x, a: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0)))),
                    Mistake("the derivative at 0 was taken as 1" + ALPHA_AT_ZERO,
                            lambda x, a: np.where(x >= 0, 1.0, a * np.exp(np.minimum(x, 0.0)))),
                    # elu'(x) = elu(x) + alpha for x <= 0, applied to x itself.
                    Mistake(OUTPUT_NOT_INPUT, lambda x, a: np.where(x > 0, 1.0, x + a), TAKE_THE_INPUT))),
    check("test_gelu",
          forbid_warnings=True,
          mistakes=(Mistake(TANH_GELU, _tanh_gelu, EXACT_GELU),
                    Mistake("the sigmoid approximation x * sigmoid(1.702 x) was used; this function is the exact GELU, "
                            "x * Phi(x)", lambda x: x * _sigmoid(1.702 * x), EXACT_GELU),
                    Mistake("erf(x) was used instead of erf(x / sqrt(2)): Phi(x) = (1 + erf(x / sqrt(2))) / 2",
                            lambda x: 0.5 * x * (1.0 + _ERF(x))),
                    Mistake("the factor 1/2 of Phi was left out: Phi(x) = (1 + erf(x / sqrt(2))) / 2",
                            lambda x: 2.0 * x * _normal_cdf(x)),
                    Mistake("Phi(x) was returned without the factor x: GELU is x * Phi(x)", _normal_cdf),
                    Mistake("SiLU, x * sigmoid(x), was returned instead of GELU, x * Phi(x)",
                            _silu_with(_sigmoid)))),
    check("test_gelu_grad",
          forbid_warnings=True,
          mistakes=(Mistake("the x * phi(x) term was left out: the derivative of x * Phi(x) is Phi(x) + x * phi(x)",
                            _normal_cdf, NO_PRODUCT_RULE),
                    Mistake("the factor x was left out of the density term: the derivative is Phi(x) + x * phi(x)",
                            lambda x: _normal_cdf(x) + _normal_pdf(x), NO_PRODUCT_RULE),
                    Mistake("the normal density was used without its factor 1 / sqrt(2 pi)",
                            lambda x: _normal_cdf(x) + x * np.exp(-0.5 * x * x)),
                    Mistake("exp(-x**2) was used in the normal density instead of exp(-x**2 / 2)",
                            lambda x: _normal_cdf(x) + x * np.exp(-x * x) / math.sqrt(2.0 * math.pi)),
                    Mistake("the derivative of the tanh approximation of GELU was returned; this is the exact GELU's "
                            "derivative, Phi(x) + x * phi(x)", _tanh_gelu_grad, EXACT_GELU))),
    check("test_silu_values",
          mistakes=(Mistake("sigmoid(x) was returned instead of x * sigmoid(x)", _sigmoid),
                    Mistake("the sign of x was flipped inside the sigmoid: x / (1 + exp(x)) is x * sigmoid(-x)",
                            lambda x: x * _sigmoid(-x)))),
    check("test_silu_stable",
          forbid_warnings=True,
          mistakes=(Mistake("naive sigmoid overflow inside SiLU: exp(-x) overflows for large negative x",
                            _silu_with(_naive_sigmoid), STABLE_SILU),
                    Mistake("x * exp(x) / (1 + exp(x)) overflows for large positive x",
                            _silu_with(_exp_ratio_sigmoid), STABLE_SILU),
                    Mistake(EXP_EVERYWHERE, _silu_with(_both_branches_sigmoid), ONLY_WHERE_NEEDED))),
    check("test_silu_grad",
          mistakes=(Mistake("the product rule was cut short: the x * sigmoid'(x) term is missing, and "
                            "silu'(x) = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))", _sigmoid, NO_PRODUCT_RULE),
                    Mistake("the product rule was cut short: the sigmoid(x) term is missing, and "
                            "silu'(x) = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))",
                            lambda x: x * _sigmoid(x) * (1.0 - _sigmoid(x)), NO_PRODUCT_RULE),
                    Mistake("sigmoid(x) * (1 - sigmoid(x)) is the sigmoid's derivative; SiLU's is "
                            "sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))",
                            lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)), NO_PRODUCT_RULE))),
    check("test_softmax_values",
          mistakes=(Mistake("softmax was taken over the first axis instead of the last", _softmax_axis0),
                    Mistake("the sum was taken over the whole array instead of along the last axis",
                            _softmax_global_sum, "Use axis=-1, keepdims=True."))),
    check("test_softmax_stable", forbid_warnings=True,
          mistakes=(Mistake("softmax without subtracting the maximum: exp overflows on large logits",
                            _naive_softmax,
                            "Subtract x.max(axis=-1, keepdims=True) first; softmax is shift invariant."),
                    Mistake("the maximum of the whole array was subtracted: a row far below it underflows to 0 / 0",
                            _softmax_global_max,
                            "Subtract each row's own maximum: x.max(axis=-1, keepdims=True)."))),
    check("test_maxout",
          mistakes=(Mistake("the biases b were left out of the pieces",
                            lambda x, W, b: _pieces(x, W, 0 * b).max(axis=0)),
                    Mistake("the minimum was taken instead of the maximum",
                            lambda x, W, b: _pieces(x, W, b).min(axis=0)),
                    Mistake("the running maximum started at 0 instead of at the first piece, "
                            "so negative outputs became 0",
                            lambda x, W, b: _relu(_pieces(x, W, b).max(axis=0))))),
    check("test_collapse_linear",
          mistakes=(Mistake("the second bias was left out: b = b1 @ W2 + b2, not b1 @ W2",
                            lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2)),
                    Mistake("the first bias was left out: b1 passes through W2, so b = b1 @ W2 + b2",
                            lambda W1, b1, W2, b2: (W1 @ W2, b2)))),
    check("test_threshold_unit",
          mistakes=(Mistake("the accuracy was averaged over the grid instead of taking the best weights",
                            lambda X, y, grid: np.float64(_accuracies(X, y, grid).mean())),
                    Mistake("the unit predicted 1 where the score is >= 0; it predicts 1 only where score > 0",
                            lambda X, y, grid: float(_accuracies(X, y, grid, strict=False).max())),
                    Mistake("the bias was fixed at 0 instead of taking every value of the grid",
                            lambda X, y, grid: float(_accuracies(X, y, grid, bias=False).max())),
                    # A count is an integer, or a float when converted: the name fits both.
                    Mistake(COUNT, lambda X, y, grid: float(_accuracies(X, y, grid).max() * len(y))),
                    Mistake(COUNT, lambda X, y, grid: np.int64(round(_accuracies(X, y, grid).max() * len(y)))))),
    check("test_xor_network", judge=judge_xor),
)
