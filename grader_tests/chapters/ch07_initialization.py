"""Grader side: chapter 7 (weight initialization), known mistakes and judges.

A random initializer is graded twice. The *distribution* check draws large
matrices and compares their spread and shape with the reference's sample, so
it passes whatever random stream produced them. The *draws* check compares
values with the reference on the same seed, which the docstrings make
possible by fixing the one rng call each initializer makes. Both name the
mistake whose numbers the student's output reproduces. The inputs are the
kernel side's (``grader_tests.kernel.inputs.ch07_initialization``).
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import compare, first_match, likely


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


def _fixed_seed(draw):
    """The same draw from a generator seeded inside the function."""
    return lambda fan_in, fan_out, rng: draw(fan_in, fan_out, np.random.default_rng(0))


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


FAN_OUT = "fan_out used instead of fan_in"
FAN_OUT_ADVICE = ("W has shape (fan_in, fan_out) and each output sums fan_in products, "
                  "so the variance is divided by fan_in.")
VARIANCE_AS_STD = "the variance was used where the standard deviation belongs (missing square root)"
VARIANCE_ADVICE = "numpy's scale argument is the standard deviation: pass sqrt(variance)."
NORMAL_BOUND = "the uniform bound was computed from the normal's standard deviation"
BOUND_ADVICE = "U(-a, a) has variance a^2 / 3, so the bound is a = sqrt(3 * variance), not sqrt(variance)."
LECUN_AS_XAVIER = "LeCun's rule delivered as Xavier"
LECUN_AS_XAVIER_ADVICE = "LeCun's variance is 1 / fan_in; Xavier/Glorot's is 2 / (fan_in + fan_out)."
XAVIER_AS_LECUN = "Xavier's rule delivered as LeCun"
XAVIER_AS_LECUN_ADVICE = "LeCun's variance is 1 / fan_in, with no fan_out in it."
NO_GAIN = "ReLU gain missing for He"
NO_GAIN_ADVICE = ("ReLU zeroes half of its inputs and so halves the second moment; He's variance is "
                  "2 / fan_in, twice LeCun's 1 / fan_in.")
TRANSPOSED = "the draw had shape (fan_out, fan_in) and was transposed"
TRANSPOSED_ADVICE = "The same numbers land in other places: draw size=(fan_in, fan_out) directly."
FIXED_SEED = "a fixed global seed instead of the rng argument"
FIXED_SEED_ADVICE = ("Draw from the rng you are given, with exactly the one call the docstring states; "
                     "never np.random.seed, np.random.normal or a new default_rng inside the function.")


def _rule_mistakes(kind, variance):
    """The known wrong versions of one initializer, each given by the variance it really draws with."""
    uniform = kind == "uniform"
    # Normal: std = Var(w) has variance Var(w)^2. Uniform: a bound 3 Var(w) has variance 3 Var(w)^2.
    wrong = [(VARIANCE_AS_STD, lambda i, o: (3.0 if uniform else 1.0) * variance(i, o) ** 2, VARIANCE_ADVICE)]
    if uniform:  # a bound sqrt(Var(w)) has variance Var(w) / 3
        wrong.append((NORMAL_BOUND, lambda i, o: variance(i, o) / 3.0, BOUND_ADVICE))
    if variance is _xavier:
        wrong.append((LECUN_AS_XAVIER, _lecun, LECUN_AS_XAVIER_ADVICE))
    else:
        wrong.append((FAN_OUT, _with_fan_out(variance), FAN_OUT_ADVICE))
    if variance is _lecun:
        wrong.append((XAVIER_AS_LECUN, _xavier, XAVIER_AS_LECUN_ADVICE))
    if variance is _he:
        wrong.append((NO_GAIN, _lecun, NO_GAIN_ADVICE))
    return tuple(Mistake(name, _initializer(kind, rule), advice) for name, rule, advice in wrong)


def _initializer(kind, variance, transposed=False):
    if kind == "normal":
        return _normal(variance, transposed)
    return _uniform(_limit(variance), transposed)


def _shape_problem(got, fan_in, fan_out):
    if not isinstance(got, np.ndarray) or got.shape != (fan_in, fan_out):
        return f"returned shape {getattr(got, 'shape', None)}, expected (fan_in, fan_out) = {(fan_in, fan_out)}"
    if got.dtype != np.float64:
        return f"dtype {got.dtype}, expected float64"
    return None


def _summary(w):
    """Mean, standard deviation, share of |w| beyond two standard deviations, largest |w|."""
    std = float(w.std())
    return float(w.mean()), std, float(np.mean(np.abs(w) > 2.0 * std)), float(np.abs(w).max())


def same_distribution(got, sample):
    """Could ``got`` and ``sample`` (tens of thousands of entries each) come from
    the same zero-mean normal or uniform distribution?

    The sample standard deviation of n draws is off by about 1/sqrt(2n) (0.5%
    for 24 000), so 3% separates rules whose spreads differ by 20% or more.
    A normal puts 4.6% of its draws beyond two standard deviations, a uniform
    none; a uniform's largest draw is its bound to within 0.1%.
    """
    mean, std, tail, top = _summary(got)
    ref_mean, ref_std, ref_tail, ref_top = _summary(sample)
    if ref_std == 0.0 or abs(std / ref_std - 1.0) > 0.03 or abs(mean - ref_mean) > 0.05 * ref_std:
        return False
    if abs(tail - ref_tail) > 0.01:
        return False
    return ref_tail > 0.0 or abs(top / ref_top - 1.0) < 0.01


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


def _judge_draws(mistakes, seed_mistake):
    def judge(got, expected, args):
        fan_in, fan_out, _ = args
        problem = _shape_problem(got, fan_in, fan_out) or compare(got, expected, 1e-7, 1e-10)
        if problem is None:
            return None
        mistake = first_match(mistakes + (seed_mistake,), args,
                              lambda wrong: compare(got, wrong, 1e-7, 1e-10) is None)
        if mistake:
            return f"{problem}. {likely(mistake)}"
        if (isinstance(got, np.ndarray) and got.size >= 10_000 and got.shape == expected.shape
                and same_distribution(got, expected)):
            return (f"{problem}. The spread is right but the numbers are not the rng argument's. "
                    f"{likely(seed_mistake)}")
        return problem
    return judge


INITIALIZERS = {
    "lecun_normal": ("normal", _lecun), "lecun_uniform": ("uniform", _lecun),
    "xavier_normal": ("normal", _xavier), "xavier_uniform": ("uniform", _xavier),
    "he_normal": ("normal", _he), "he_uniform": ("uniform", _he),
}


def _initializer_checks():
    for name, (kind, variance) in INITIALIZERS.items():
        mistakes = _rule_mistakes(kind, variance)
        draws_mistakes = mistakes + (Mistake(TRANSPOSED, _initializer(kind, variance, True), TRANSPOSED_ADVICE),)
        seed_mistake = Mistake(FIXED_SEED, _fixed_seed(_initializer(kind, variance)), FIXED_SEED_ADVICE)
        yield check(f"test_{name}_distribution", mistakes=mistakes,
                    judge=_judge_distribution(mistakes))
        yield check(f"test_{name}_draws", mistakes=draws_mistakes + (seed_mistake,),
                    judge=_judge_draws(draws_mistakes, seed_mistake))


# ---- the deep network: per-layer activation std and weight-gradient norm ----

_F = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
    "sigmoid": (lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)), lambda z: 0.25 * (1.0 - np.tanh(0.5 * z) ** 2)),
}


def _stats(X, dout, init, activation, widths, rng, statistic=lambda z, h: h.std(), grad="weight",
           slope_at="z", reverse=False):
    """A deliberately independent forward and backward pass with switchable mistakes."""
    f, f_prime = _F[activation]
    h, layers, stds = X, [], []
    for width in widths:
        W = init(h.shape[1], width, rng)
        z = h @ W
        layers.append((h, W, z))
        h = f(z)
        stds.append(statistic(z, h))
    norms, dh = [], dout
    for h_prev, W, z in reversed(layers):
        dz = dh * f_prime(z if slope_at == "z" else f(z))
        norms.append(np.linalg.norm(h_prev.T @ dz if grad == "weight" else dz))
        dh = dz @ W.T
    return np.array(stds), np.array(norms if reverse else norms[::-1])


def _variant(**mistake):
    return lambda *args: _stats(*args, **mistake)


FORWARD_MISTAKES = (
    Mistake("the standard deviation of the pre-activations Z instead of the activations H = f(Z)",
            _variant(statistic=lambda z, h: z.std())),
    Mistake("the sample standard deviation (ddof=1); use the population one, H.std()",
            _variant(statistic=lambda z, h: h.std(ddof=1))),
    Mistake("the standard deviation of each unit averaged over units; take it over all N * width entries",
            _variant(statistic=lambda z, h: h.std(axis=0).mean())),
)
BACKWARD_MISTAKES = (
    Mistake("the gradient norms are listed from the output down; put layer 1 (next to the input) first",
            _variant(reverse=True)),
    Mistake("the norm of the delta dL/dZ instead of the weight gradient dL/dW = H_prev.T @ dZ", _variant(grad="delta")),
    Mistake("f' was evaluated at the activation H instead of the pre-activation Z", _variant(slope_at="h")),
)


def _judge_item(item, mistakes, rtol, atol):
    """Compare one element of the returned tuple and name a mistake that reproduces it."""
    def judge(got, expected, args):
        if not isinstance(got, tuple) or len(got) != 2:
            return "layer_statistics() must return the tuple (act_std, grad_norm)"
        problem = compare(got[item], expected[item], rtol, atol)
        if problem is None:
            return None
        mistake = first_match(mistakes, args, lambda wrong: compare(got[item], wrong[item], rtol, atol) is None)
        return f"{problem}. {likely(mistake)}" if mistake else problem
    return judge


# ---- symmetry: a two-layer tanh network trained by gradient descent ----

def _unit_spread(params, parts=3, w1_by_row=False):
    W1, b1, W2, _ = params
    by_unit = [W1 if w1_by_row else W1.T, b1[:, None], W2][:parts]  # row j: everything of hidden unit j
    return float(max(np.max(np.abs(p - p[:1])) for p in by_unit))


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
    Mistake("tanh' was computed as 1 - Z**2 from the pre-activation; it is 1 - tanh(Z)**2 = 1 - H**2",
            lambda *args: _train(*args, slope=lambda Z: Z ** 2)),
    Mistake("W2 was updated before it sent the gradient back: compute every gradient first, then update",
            lambda *args: _train(*args, sequential=True)),
)


register(
    check("test_zeros_init",
          mistakes=(Mistake("the shape is (fan_out, fan_in); W has shape (fan_in, fan_out) so that x @ W works",
                            lambda i, o, rng: np.zeros((o, i))),
                    Mistake("integer zeros; weights are float64", lambda i, o, rng: np.zeros((i, o), dtype=np.int64)))),
    *_initializer_checks(),
    check("test_layer_statistics_activations", rtol=1e-7, atol=1e-12,
          mistakes=FORWARD_MISTAKES, judge=_judge_item(0, FORWARD_MISTAKES, 1e-7, 1e-12)),
    check("test_layer_statistics_gradients", rtol=1e-7, atol=1e-12,
          mistakes=BACKWARD_MISTAKES, judge=_judge_item(1, BACKWARD_MISTAKES, 1e-7, 1e-12)),
    check("test_unit_spread",
          mistakes=(Mistake("only the incoming weights W1 were compared: a hidden unit is its column of W1, "
                            "its entry of b1 and its row of W2", lambda params: _unit_spread(params, parts=1)),
                    Mistake("W1 was compared row by row; hidden unit j's incoming weights are the column W1[:, j]",
                            lambda params: _unit_spread(params, w1_by_row=True)))),
    check("test_train_symmetric", mistakes=TRAIN_MISTAKES),
    check("test_train_random", mistakes=TRAIN_MISTAKES),
)
