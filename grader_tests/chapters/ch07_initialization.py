"""Grader side: chapter 7 (weight initialization), known mistakes and judges.

A random initializer is graded twice. The *distribution* check draws large
matrices and compares their spread and shape with the reference's sample, so
it would pass whatever random stream produced them (the recorder fails any
use of numpy's global random state). The *draws* check compares values with
the reference on the same seed, which the docstrings make possible by fixing
the one rng call each initializer makes. A mistake is named only when the
student's output is the same as its output on every call of the check: the
same distribution for the first check, the same values for the second.
Orthogonal initialization is graded the same two ways, its first check on a
property instead of a distribution: the Gram matrix of the shorter side
(W.T @ W, or W @ W.T for a wide W) must equal the reference's gain**2 * I,
which every semi-orthogonal matrix with the right gain has, to round-off.

The one statistical threshold is ``same_distribution``'s; ``threshold_study``
measures its margins. The training checks compare exactly: train_tanh_net is
handed its starting parameters, so its result has no randomness to allow for.
The inputs are the kernel side's (``grader_tests.kernel.inputs.ch07_initialization``).
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import compare, first_match, kind, likely
from grader_tests.kernel.inputs.ch07_initialization import LARGE_SHAPES


def _drawn(sample, transposed):
    """sample(fan_in, fan_out, rng, size) at size (fan_in, fan_out), or at (fan_out, fan_in) and transposed."""
    def draw(fan_in, fan_out, rng):
        if transposed:
            return sample(fan_in, fan_out, rng, (fan_out, fan_in)).T
        return sample(fan_in, fan_out, rng, (fan_in, fan_out))
    return draw


def _normal(variance, transposed=False):
    return _drawn(lambda i, o, rng, size: rng.normal(0.0, np.sqrt(variance(i, o)), size=size), transposed)


def _uniform(limit, transposed=False):
    return _drawn(lambda i, o, rng, size: rng.uniform(-limit(i, o), limit(i, o), size=size), transposed)


def _lecun(fan_in, fan_out):
    return 1.0 / fan_in


def _xavier(fan_in, fan_out):
    return 2.0 / (fan_in + fan_out)


def _he(fan_in, fan_out):
    return 2.0 / fan_in


def _with_fan_out(variance):
    return lambda fan_in, fan_out: variance(fan_out, fan_in)


def _limit(variance):
    """The bound a of U(-a, a), whose variance is a^2 / 3."""
    return lambda fan_in, fan_out: np.sqrt(3.0 * variance(fan_in, fan_out))


def _initializer(kind_, variance, transposed=False):
    if kind_ == "normal":
        return _normal(variance, transposed)
    return _uniform(_limit(variance), transposed)


FAN_OUT = ("fan_out used instead of fan_in",
           "W has shape (fan_in, fan_out) and each output sums fan_in products, so the variance is divided by fan_in.")
VARIANCE_AS_STD = ("the variance was used where the standard deviation belongs (missing square root)",
                   "numpy's scale argument is the standard deviation: pass sqrt(variance).")
BOUND_WITHOUT_ROOT = ("missing square root: the bound was 3 * variance instead of sqrt(3 * variance)",
                      "U(-a, a) has variance a^2 / 3, so the bound is a = sqrt(3 * variance).")
NORMAL_BOUND = ("the uniform bound was computed from the normal's standard deviation",
                "U(-a, a) has variance a^2 / 3, so the bound is a = sqrt(3 * variance), not sqrt(variance).")
BOUND_AS_STD = ("the uniform's bound sqrt(3 * variance) was used as the normal's standard deviation",
                "The normal's standard deviation is sqrt(variance); the factor 3 belongs to the uniform's bound only.")
LECUN_AS_XAVIER = ("LeCun's rule delivered as Xavier",
                   "LeCun's variance is 1 / fan_in; Xavier/Glorot's is 2 / (fan_in + fan_out).")
XAVIER_WITHOUT_2 = ("the 2 of Xavier's variance 2 / (fan_in + fan_out) is missing",
                    "Xavier/Glorot's variance is 1 / fan_avg with fan_avg = (fan_in + fan_out) / 2.")
XAVIER_AS_LECUN = ("Xavier's rule delivered as LeCun", "LeCun's variance is 1 / fan_in, with no fan_out in it.")
NO_GAIN = ("ReLU gain missing for He", "ReLU zeroes half of its inputs and so halves the second moment; He's "
           "variance is 2 / fan_in, twice LeCun's 1 / fan_in.")
TRANSPOSED = ("the draw had shape (fan_out, fan_in) and was transposed",
              "The same numbers land in other places: draw size=(fan_in, fan_out) directly.")


def _wrong_variances(kind_, variance):
    """(name, advice, the variance the wrong version really draws with) for one initializer."""
    if kind_ == "uniform":  # a bound 3 Var(w) has variance 3 Var(w)^2; a bound sqrt(Var(w)) has variance Var(w) / 3
        wrong = [(*BOUND_WITHOUT_ROOT, lambda i, o: 3.0 * variance(i, o) ** 2),
                 (*NORMAL_BOUND, lambda i, o: variance(i, o) / 3.0)]
    else:  # a standard deviation Var(w) has variance Var(w)^2; one of sqrt(3 Var(w)) has variance 3 Var(w)
        wrong = [(*VARIANCE_AS_STD, lambda i, o: variance(i, o) ** 2),
                 (*BOUND_AS_STD, lambda i, o: 3.0 * variance(i, o))]
    if variance is _xavier:
        wrong += [(*LECUN_AS_XAVIER, _lecun), (*XAVIER_WITHOUT_2, lambda i, o: 1.0 / (i + o))]
    else:
        wrong.append((*FAN_OUT, _with_fan_out(variance)))
    if variance is _lecun:
        wrong.append((*XAVIER_AS_LECUN, _xavier))
    if variance is _he:
        wrong.append((*NO_GAIN, _lecun))
    return wrong


def _rule_mistakes(kind_, variance):
    return tuple(Mistake(name, _initializer(kind_, rule), advice)
                 for name, advice, rule in _wrong_variances(kind_, variance))


def _shape_problem(got, fan_in, fan_out):
    if not isinstance(got, np.ndarray):
        what = kind(got) if isinstance(got, tuple) else type(got).__name__
        return f"returned a {what}, expected an np.ndarray of shape (fan_in, fan_out) = {(fan_in, fan_out)}"
    if got.shape != (fan_in, fan_out):
        return f"returned shape {got.shape}, expected (fan_in, fan_out) = {(fan_in, fan_out)}"
    if got.dtype != np.float64:
        return f"dtype {got.dtype}, expected float64"
    return None


def _summary(w):
    """Mean, standard deviation, share of |w| beyond two standard deviations, largest |w|."""
    std = float(w.std())
    return float(w.mean()), std, float(np.mean(np.abs(w) > 2.0 * std)), float(np.abs(w).max())


# The tolerances of same_distribution, set between the measured deviations of
# threshold_study() (benchmarks/thresholds.py). Two independent samples of the
# right rule, 300 seeds x both large shapes, deviated at most: spread 2.6%,
# mean 0.027 standard deviations, tail share 0.0045, uniform's largest |w|
# 0.025%. On its worse call the closest wrong one of 30 candidate variances (each rule, with
# fan_out, without its 2, times or over 3, squared) missed by at least 17% in
# spread (2 / (3 fan_in) for LeCun), and the other family by 0.044 in tail share.
SPREAD, MEAN, TAIL, TOP = 0.05, 0.05, 0.015, 0.01


def _deviations(got, sample):
    """How far each statistic of same_distribution is from the sample's."""
    mean, std, tail, top = _summary(got)
    ref_mean, ref_std, ref_tail, ref_top = _summary(sample)
    return abs(std / ref_std - 1.0), abs(mean - ref_mean) / ref_std, abs(tail - ref_tail), abs(top / ref_top - 1.0)


def same_distribution(got, sample):
    """Could ``got`` and ``sample`` (tens of thousands of entries each) come from
    the same zero-mean normal or uniform distribution?

    The standard deviations of two samples of n draws differ by about
    1/sqrt(n) (0.65% for 24 000), so 5% separates rules whose spreads differ
    by 15% or more. A normal puts 4.6% of its draws beyond two standard
    deviations, a uniform none; a uniform's largest draw is its bound to
    within 0.1%.
    """
    if not np.all(np.isfinite(got)):  # nan would fail no comparison below
        return False
    spread, mean, tail, top = _deviations(got, sample)
    uniform = _summary(sample)[2] == 0.0  # no draw beyond two standard deviations
    return spread <= SPREAD and mean <= MEAN and tail <= TAIL and (top <= TOP or not uniform)


def _judge_distribution(mistakes):
    def judge(got, expected, args):
        fan_in, fan_out, _ = args
        problem = _shape_problem(got, fan_in, fan_out)
        if problem or same_distribution(got, expected):
            return problem
        mean, std, tail, top = _summary(got)
        shape = "normal" if _summary(expected)[2] > 0 else "uniform"
        found = (f"{fan_in * fan_out} draws with mean {mean:.3g}, standard deviation {std:.4g} and largest |w| "
                 f"{top:.4g} do not look like the {shape} distribution expected (standard deviation "
                 f"{expected.std():.4g}, largest |w| about {np.abs(expected).max():.4g})")
        mistake = first_match(mistakes, args, lambda wrong: same_distribution(got, wrong))
        return f"{found}. {likely(mistake)}" if mistake else found
    return judge


def _same_values(got, expected):
    return isinstance(got, np.ndarray) and got.shape == np.shape(expected) and compare(got, expected, 1e-7, 1e-10) is None


def _judge_draws(mistakes):
    def judge(got, expected, args):
        if _same_values(got, expected):  # also a wrongly shaped array judged against a mistake's
            return None
        fan_in, fan_out = args[:2]
        problem = _shape_problem(got, fan_in, fan_out)
        if problem:  # named only by a mistake that returns the same wrong array
            mistake = first_match(mistakes, args, lambda wrong: _same_values(got, wrong))
            return f"{problem}. {likely(mistake)}" if mistake else problem
        problem = compare(got, expected, 1e-7, 1e-10)
        if problem is None:
            return None
        mistake = first_match(mistakes, args, lambda wrong: compare(got, wrong, 1e-7, 1e-10) is None)
        if mistake:
            return f"{problem}. {likely(mistake)}"
        if got.size >= 10_000 and same_distribution(got, expected):
            return (f"{problem}. The spread is right, but these are not the numbers that the docstring's one "
                    f"rng call draws from the rng argument")
        return problem
    return judge


INITIALIZERS = {
    "lecun_normal": ("normal", _lecun), "lecun_uniform": ("uniform", _lecun),
    "xavier_normal": ("normal", _xavier), "xavier_uniform": ("uniform", _xavier),
    "he_normal": ("normal", _he), "he_uniform": ("uniform", _he),
}


def _initializer_checks():
    for name, (kind_, variance) in INITIALIZERS.items():
        mistakes = _rule_mistakes(kind_, variance)
        draws_mistakes = mistakes + (Mistake(TRANSPOSED[0], _initializer(kind_, variance, True), TRANSPOSED[1]),)
        yield check(f"test_{name}_distribution", mistakes=mistakes, judge=_judge_distribution(mistakes))
        yield check(f"test_{name}_draws", mistakes=draws_mistakes, judge=_judge_draws(draws_mistakes))


# ---- the deep network: per-layer activation std and weight-gradient norm ----

_F = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
    "sigmoid": (lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)), lambda z: 0.25 * (1.0 - np.tanh(0.5 * z) ** 2)),
}


def _stats(X, dout, init, activation, widths, rng, statistic=lambda h_prev, z, h: h.std(), grad="weight",
           slope_at="z", norm=np.linalg.norm, reverse=False):
    """A deliberately independent forward and backward pass with switchable mistakes."""
    f, f_prime = _F[activation]
    h, layers, stds = X, [], []
    for width in widths:
        W = init(h.shape[1], width, rng)
        z = h @ W
        layers.append((h, W, z))
        h_prev, h = h, f(z)
        stds.append(statistic(h_prev, z, h))
    norms, dh = [], dout
    for h_prev, W, z in reversed(layers):
        dz = dh * {"z": f_prime(z), "h": f_prime(f(z)), "none": 1.0}[slope_at]
        norms.append(norm(h_prev.T @ dz if grad == "weight" else dz))
        dh = dz @ W.T
    return np.array(stds), np.array(norms if reverse else norms[::-1])


def _variant(**mistake):
    return lambda *args: _stats(*args, **mistake)


FORWARD_MISTAKES = (
    Mistake("the standard deviation of the pre-activations Z instead of the activations H = f(Z)",
            _variant(statistic=lambda h_prev, z, h: z.std())),
    Mistake("the sample standard deviation (ddof=1); use the population one, H.std()",
            _variant(statistic=lambda h_prev, z, h: h.std(ddof=1))),
    Mistake("the standard deviation of each unit averaged over units; take it over all N * width entries",
            _variant(statistic=lambda h_prev, z, h: h.std(axis=0).mean())),
    Mistake("each layer's entry is the standard deviation of its input H_{l-1}, one layer too early; "
            "act_std[l - 1] is that of its output H_l = f(Z_l)", _variant(statistic=lambda h_prev, z, h: h_prev.std())),
)
BACKWARD_MISTAKES = (
    Mistake("the gradient norms are listed from the output down; put layer 1 (next to the input) first",
            _variant(reverse=True)),
    Mistake("the norm of the delta dL/dZ instead of the weight gradient dL/dW = H_prev.T @ dZ", _variant(grad="delta")),
    Mistake("f' was evaluated at the activation H instead of the pre-activation Z", _variant(slope_at="h")),
    Mistake("the backward pass left out f': dL/dZ = dL/dH * f'(Z)", _variant(slope_at="none")),
    Mistake("the spectral norm np.linalg.norm(dW, 2) instead of the Frobenius norm np.linalg.norm(dW)",
            _variant(norm=lambda M: np.linalg.norm(M, 2))),
)


def _judge_item(item, mistakes, rtol, atol):
    """Compare one element of the returned tuple and name a mistake that reproduces it."""
    label = ("act_std", "grad_norm")[item]

    def judge(got, expected, args):
        if not isinstance(got, tuple):
            return "returned a single value; layer_statistics() returns the tuple (act_std, grad_norm)"
        if len(got) != 2:
            return f"returned a {kind(got)} of {len(got)} values; layer_statistics() returns (act_std, grad_norm)"
        problem = compare(got[item], expected[item], rtol, atol)
        if problem is None:
            return None
        mistake = first_match(mistakes, args, lambda wrong: compare(got[item], wrong[item], rtol, atol) is None)
        return f"{label}: {problem}. {likely(mistake)}" if mistake else f"{label}: {problem}"
    return judge


# ---- symmetry: a two-layer tanh network trained by gradient descent ----

def _unit_spread(params, parts=(0, 1, 2), w1_by_row=False, w2_by_column=False):
    W1, b1, W2, _ = params
    by_unit = [W1 if w1_by_row else W1.T, b1[:, None], W2.T if w2_by_column else W2]  # row j: hidden unit j
    return float(max(np.max(np.abs(by_unit[k] - by_unit[k][:1])) for k in parts))


SPREAD_MISTAKES = (
    Mistake("only the incoming weights W1 were compared: a hidden unit is its column of W1, "
            "its entry of b1 and its row of W2", lambda params: _unit_spread(params, parts=(0,))),
    Mistake("b1 was left out: hidden unit j's bias b1[j] is one of its numbers",
            lambda params: _unit_spread(params, parts=(0, 2))),
    Mistake("W1 was compared row by row; hidden unit j's incoming weights are the column W1[:, j]",
            lambda params: _unit_spread(params, w1_by_row=True)),
    Mistake("W2 was compared column by column; hidden unit j's outgoing weights are the row W2[j, :]",
            lambda params: _unit_spread(params, w2_by_column=True)),
)


def _train(X, Y, params, learning_rate, num_steps, scale=1.0, slope=None, sequential=False):
    W1, b1, W2, b2 = params
    spreads = [_unit_spread(params)]
    for _ in range(num_steps):
        Z = X @ W1 + b1
        H = np.tanh(Z)
        dP = (H @ W2 + b2 - Y) / X.shape[0] * scale
        if sequential:  # W2 updated before it is used to send the gradient back
            W2, b2 = W2 - learning_rate * H.T @ dP, b2 - learning_rate * dP.sum(axis=0)
        dZ = dP @ W2.T * (1.0 - (H ** 2 if slope is None else slope(Z)))
        W1, b1 = W1 - learning_rate * X.T @ dZ, b1 - learning_rate * dZ.sum(axis=0)
        if not sequential:
            W2, b2 = W2 - learning_rate * H.T @ dP, b2 - learning_rate * dP.sum(axis=0)
        spreads.append(_unit_spread((W1, b1, W2, b2)))
    return (W1, b1, W2, b2), np.array(spreads)


TRAIN_MISTAKES = (
    Mistake("the gradient was not divided by N: the loss is a mean, so dP = (P - Y) / N",
            lambda *args: _train(*args, scale=args[0].shape[0])),
    Mistake("dP was doubled: the loss divides by 2 N, whose 2 cancels the square's, so dP = (P - Y) / N",
            lambda *args: _train(*args, scale=2.0)),
    Mistake("tanh' was computed as 1 - Z**2 from the pre-activation; it is 1 - tanh(Z)**2 = 1 - H**2",
            lambda *args: _train(*args, slope=lambda Z: Z ** 2)),
    Mistake("W2 was updated before it sent the gradient back: compute every gradient first, then update",
            lambda *args: _train(*args, sequential=True)),
)


def _judge_train(got, expected, args):
    """Each returned array by its name: W1, b1, W2, b2, spreads."""
    if not isinstance(got, tuple) or len(got) != 2 or not isinstance(got[0], tuple) or len(got[0]) != 4:
        found = (f"a {kind(got)} of {len(got)} values" if isinstance(got, tuple) and len(got) != 2
                 else "a single value" if not isinstance(got, tuple) else "no tuple of 4 parameters first")
        return f"returned {found}; train_tanh_net() returns the tuple ((W1, b1, W2, b2), spreads)"
    for name, g, e in zip(("W1", "b1", "W2", "b2", "spreads"), (*got[0], got[1]), (*expected[0], expected[1])):
        problem = compare(g, e, 1e-7, 1e-10)
        if problem:
            return f"{name} after {args[4]} steps: {problem}"
    return None


def _train_check(check_id):
    return check(check_id, mistakes=TRAIN_MISTAKES, judge=_judge_train, keeps_inputs=True)


# ---- orthogonal initialization ----

def _orthogonal(fan_in, fan_out, rng, gain=1.0, *, draw="as given", signs="fixed", method="qr", wide="transposed",
                gain_power=1):
    """An independent orthogonal initializer with one switch per known mistake.
    ``draw`` "transposed" draws (fan_out, fan_in), "tall" draws the tall shape
    directly; ``signs`` "none" skips the sign correction, "scaled" multiplies by
    diag(R) itself; ``method`` "svd" takes the polar factor U @ Vt; ``wide``
    "square" factors a wide A directly, "not back" forgets the last transpose."""
    tall = fan_in >= fan_out
    if draw == "transposed" or (draw == "tall" and not tall):
        A = rng.standard_normal((fan_out, fan_in)).T
    else:
        A = rng.standard_normal((fan_in, fan_out))
    M = A if tall or wide == "square" else A.T
    if method == "svd":
        U, _, Vt = np.linalg.svd(M, full_matrices=False)
        Q = U @ Vt
    else:
        Q, R = np.linalg.qr(M)
        Q = Q * {"fixed": np.sign(np.diag(R)), "none": 1.0, "scaled": np.diag(R)}[signs]
    W = Q if tall or wide in ("square", "not back") else Q.T
    return gain ** gain_power * W


def _orthogonal_variant(**change):
    def wrong(fan_in, fan_out, rng, gain=1.0):
        return _orthogonal(fan_in, fan_out, rng, gain, **change)
    return wrong


def _gram(W):
    """The Gram matrix of W's shorter side: W.T @ W for a tall W, W @ W.T for a wide one."""
    return W.T @ W if W.shape[0] >= W.shape[1] else W @ W.T


ORTHO_SHAPE_MISTAKES = (
    Mistake("for a wide matrix (fan_in < fan_out) the QR of A itself gives a square Q of shape (fan_in, fan_in)",
            _orthogonal_variant(wide="square"), "Factor the tall A.T, then transpose its Q back"),
    Mistake("for a wide matrix (fan_in < fan_out) the Q of A.T was not transposed back: shape (fan_out, fan_in)",
            _orthogonal_variant(wide="not back")),
)
ORTHO_GAIN_MISTAKES = (
    Mistake("the gain was applied twice (gain**2 * Q): every singular value must be gain, so W.T @ W = gain**2 * I",
            _orthogonal_variant(gain_power=2)),
    Mistake("the gain was left out: multiply Q by gain", _orthogonal_variant(gain_power=0)),
    Mistake("Q's columns were multiplied by diag(R) itself; multiply them by its sign, np.sign(np.diag(R)), "
            "which keeps them unit vectors", _orthogonal_variant(signs="scaled")),
)
ORTHO_DRAW_MISTAKES = (
    Mistake("no sign correction: np.linalg.qr's signs are not random (W[0, 0] always comes out negative)",
            _orthogonal_variant(signs="none"),
            "Multiply column k of Q by np.sign(R[k, k]), which makes Q uniformly distributed"),
    Mistake("the Gaussian was drawn with shape (fan_out, fan_in) and transposed",
            _orthogonal_variant(draw="transposed"), "Draw A = rng.standard_normal((fan_in, fan_out))"),
    Mistake("for a wide matrix the Gaussian was drawn with the tall shape (fan_out, fan_in)",
            _orthogonal_variant(draw="tall"),
            "Draw A = rng.standard_normal((fan_in, fan_out)) always, and factor A.T when fan_in < fan_out"),
    Mistake("the orthogonal factor came from the SVD (U @ Vt): orthogonal too, but not the QR's numbers",
            _orthogonal_variant(method="svd"), "Use Q, R = np.linalg.qr(...) with the sign correction"),
)


def _same_gram(got, expected):
    """The same shape and Gram matrix: true of any two semi-orthogonal matrices with the same gain."""
    return (isinstance(got, np.ndarray) and got.shape == np.shape(expected) and got.dtype == np.float64
            and bool(np.all(np.isfinite(got)))
            and np.allclose(_gram(got), _gram(expected), rtol=1e-9, atol=1e-9 * max(1.0, np.abs(expected).max() ** 2)))


def _judge_orthogonality(mistakes):
    """Any semi-orthogonal matrix times the gain passes, whatever its numbers:
    the student's Gram matrix is compared with the reference's, gain**2 * I.
    A mistake is named when the student's matrix has its shape and Gram matrix."""
    def judge(got, expected, args):
        if _same_gram(got, expected):
            return None
        fan_in, fan_out = args[:2]
        gain = args[3] if len(args) > 3 else 1.0
        problem = _shape_problem(got, fan_in, fan_out)
        if problem is None:
            side = "W.T @ W" if fan_in >= fan_out else "W @ W.T"
            with np.errstate(all="ignore"):
                error = float(np.max(np.abs(_gram(got) - gain ** 2 * np.eye(min(fan_in, fan_out)))))
            problem = f"{side} differs from gain**2 * I = {gain ** 2:.4g} * I by up to {error:.3g}"
        mistake = first_match(mistakes, args, lambda wrong: _same_gram(got, wrong))
        return f"{problem}. {likely(mistake)}" if mistake else problem
    return judge


register(
    check("test_orthogonal_init_orthogonality", mistakes=ORTHO_SHAPE_MISTAKES + ORTHO_GAIN_MISTAKES,
          judge=_judge_orthogonality(ORTHO_SHAPE_MISTAKES + ORTHO_GAIN_MISTAKES), draws_from_rng=True),
    check("test_orthogonal_init_draws",
          mistakes=ORTHO_DRAW_MISTAKES + ORTHO_GAIN_MISTAKES + ORTHO_SHAPE_MISTAKES,
          judge=_judge_draws(ORTHO_DRAW_MISTAKES + ORTHO_GAIN_MISTAKES + ORTHO_SHAPE_MISTAKES)),
)


register(
    check("test_zeros_init",
          mistakes=(Mistake("the shape is (fan_out, fan_in); W has shape (fan_in, fan_out) so that x @ W works",
                            lambda i, o, rng: np.zeros((o, i))),
                    Mistake("integer zeros; weights are float64", lambda i, o, rng: np.zeros((i, o), dtype=np.int64)))),
    *_initializer_checks(),
    check("test_layer_statistics_activations", keeps_inputs=True,
          mistakes=FORWARD_MISTAKES, judge=_judge_item(0, FORWARD_MISTAKES, 1e-7, 1e-12)),
    check("test_layer_statistics_gradients", keeps_inputs=True,
          mistakes=BACKWARD_MISTAKES, judge=_judge_item(1, BACKWARD_MISTAKES, 1e-7, 1e-12)),
    check("test_unit_spread", mistakes=SPREAD_MISTAKES, keeps_inputs=True),
    _train_check("test_train_symmetric"),
    _train_check("test_train_random"),
)


# ---- the margins of same_distribution ----

def _candidate_variances():
    """Variances a wrong initializer plausibly draws with: each rule, with fan_out
    for fan_in, without its 2, times or over 3 (a bound mistaken for a standard
    deviation or the other way round), squared (missing square root)."""
    bases = {"1/fan_in": _lecun, "1/fan_out": _with_fan_out(_lecun), "2/(fan_in+fan_out)": _xavier,
             "1/(fan_in+fan_out)": lambda i, o: 1.0 / (i + o), "2/fan_in": _he, "2/fan_out": _with_fan_out(_he)}
    found = {}
    for name, v in bases.items():
        found.update({name: v, f"3*{name}": lambda i, o, v=v: 3.0 * v(i, o),
                      f"{name}/3": lambda i, o, v=v: v(i, o) / 3.0, f"({name})^2": lambda i, o, v=v: v(i, o) ** 2,
                      f"3*({name})^2": lambda i, o, v=v: 3.0 * v(i, o) ** 2})
    return found


def _largest_deviations(draw, sample_draw, seeds):
    """Per seed, the largest deviation of each statistic over the large shapes,
    between a sample of ``draw`` and one of ``sample_draw`` from independent streams."""
    found = np.zeros((seeds, 4))
    for seed in range(seeds):
        for i, o in LARGE_SHAPES:
            sample = sample_draw(i, o, np.random.default_rng([seed, 0]))
            found[seed] = np.maximum(found[seed], _deviations(draw(i, o, np.random.default_rng([seed, 1])), sample))
    return found


def threshold_study(seeds=300, wrong_seeds=20):
    """Per initializer: the largest deviations between two samples of the right
    rule (which the tolerances must allow), and the smallest by which the closest
    wrong variance and the other family (a normal for a uniform, or the other way
    round) miss on their worse call (a check fails on its worse call)."""
    lines = [f"tolerances: spread {SPREAD}, mean/std {MEAN}, tail share {TAIL}, uniform's largest |w| {TOP}"]
    for name, (kind_, variance) in INITIALIZERS.items():
        right = _initializer(kind_, variance)
        worst = _largest_deviations(right, right, seeds).max(axis=0)
        if kind_ == "normal":
            worst[3] = 0.0  # the largest |w| is judged for uniforms only
        other = _initializer("uniform" if kind_ == "normal" else "normal", variance)
        family = _largest_deviations(other, right, wrong_seeds)[:, 2].min()
        misses = {label: _largest_deviations(_initializer(kind_, v), right, wrong_seeds)[:, 0].min()
                  for label, v in _candidate_variances().items()
                  if not all(np.isclose(v(i, o), variance(i, o)) for i, o in LARGE_SHAPES)}
        closest = min(misses, key=misses.get)
        lines.append(f"{name:15s} right ({seeds} seeds): spread {worst[0]:.4f}, mean/std {worst[1]:.4f}, "
                     f"tail {worst[2]:.4f}, largest |w| {worst[3]:.5f}; wrong ({wrong_seeds} seeds): spread "
                     f"{misses[closest]:.3f} ({closest}), other family's tail {family:.4f}")
    return "\n".join(lines)
