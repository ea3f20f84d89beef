"""Wrong implementations written the way students write them (not taken from
the grader's own list) fail, and the feedback names the mistake."""
from __future__ import annotations

import pytest

from conftest import reference_namespace
from grader_tests.judge import GLOBAL_RANDOM as GLOBAL_RANDOM_MESSAGE, LIKELY

CHAPTER = "07_initialization"


def initializer(body):
    return f"def f(fan_in, fan_out, rng):\n{body}"


NORMAL = "    return rng.normal(0, {}, (fan_in, fan_out))"
UNIFORM = "    a = {}\n    return rng.uniform(low=-a, high=a, size=(fan_in, fan_out))"

# (initializer, its wrong body, phrase); each is judged by both its checks.
WRONG_INITIALIZERS = [
    ("lecun_normal", NORMAL.format("1 / np.sqrt(fan_out)"), "fan_out used instead of fan_in"),
    ("lecun_normal", NORMAL.format("1.0 / fan_in"), "missing square root"),
    ("lecun_normal", NORMAL.format("np.sqrt(2 / (fan_in + fan_out))"), "Xavier's rule delivered as LeCun"),
    ("lecun_uniform", UNIFORM.format("np.sqrt(1 / fan_in)"), "uniform bound was computed from the normal's standard deviation"),
    ("lecun_uniform", UNIFORM.format("(3 / fan_out) ** 0.5"), "fan_out used instead of fan_in"),
    ("xavier_normal", "    std = 1 / fan_in ** 0.5\n    return std * rng.standard_normal((fan_in, fan_out))",
     "LeCun's rule delivered as Xavier"),
    ("xavier_normal", NORMAL.format("2 / (fan_in + fan_out)"), "missing square root"),
    ("xavier_uniform", UNIFORM.format("np.sqrt(3 / fan_in)"), "LeCun's rule delivered as Xavier"),
    ("xavier_uniform", UNIFORM.format("np.sqrt(2 / (fan_in + fan_out))"), "uniform bound was computed from the normal's"),
    ("xavier_uniform", UNIFORM.format("6 / (fan_in + fan_out)"), "missing square root"),
    ("he_normal", NORMAL.format("np.sqrt(1 / fan_in)"), "ReLU gain missing for He"),
    ("he_normal", NORMAL.format("np.sqrt(2 / fan_out)"), "fan_out used instead of fan_in"),
    ("he_normal", NORMAL.format("2 / fan_in"), "missing square root"),
    ("he_uniform", UNIFORM.format("np.sqrt(3 / fan_in)"), "ReLU gain missing for He"),
    ("he_uniform", UNIFORM.format("np.sqrt(2 / fan_in)"), "uniform bound was computed from the normal's"),
    ("he_uniform", UNIFORM.format("np.sqrt(6 / fan_out)"), "fan_out used instead of fan_in"),
]

# Right rule, numbers from numpy's global random state: "rng: the only source of randomness".
GLOBAL_RANDOM = [
    ("he_normal", "    np.random.seed(42)\n    return np.random.randn(fan_in, fan_out) * np.sqrt(2 / fan_in)"),
    ("xavier_uniform", "    a = np.sqrt(6 / (fan_in + fan_out))\n"
                       "    return np.random.uniform(-a, a, (fan_in, fan_out))"),
    ("lecun_normal", "    return np.random.normal(0.0, np.sqrt(1 / fan_in), size=(fan_in, fan_out))"),
]

NETWORK = """
def f(X, dout, init, activation, widths, rng):
    act, dact = ACTIVATIONS[activation]
    hs, Ws, zs, stds = [X], [], [], []
    for n_out in widths:
        Ws.append(init(hs[-1].shape[1], n_out, rng))
        zs.append(hs[-1] @ Ws[-1])
        hs.append(act(zs[-1]))
        stds.append({std})
    norms = []
    g = dout
    for i in range(len(widths) - 1, -1, -1):
        g = g * dact({slope})
        norms.append(np.sqrt(np.sum((hs[i].T @ g) ** 2)))
        g = g @ Ws[i].T
    return np.array(stds), np.array({norms})
"""


def network(std="np.std(hs[-1])", slope="zs[i]", norms="norms[::-1]"):
    return NETWORK.format(std=std, slope=slope, norms=norms)


TRAIN = """
def f(X, Y, params, lr, steps):
    W1, b1, W2, b2 = [p.copy() for p in params]
    spreads = [unit_spread(params)]
    for _ in range(steps):
        Z = X @ W1 + b1
        H = np.tanh(Z)
        dP = (H @ W2 + b2 - Y){scale}
        dW2, db2 = H.T @ dP, dP.sum(0)
        {update_w2}
        dZ = dP @ W2.T * (1 - {slope} ** 2)
        W1 -= lr * X.T @ dZ
        b1 -= lr * dZ.sum(0)
        {late_update_w2}
        spreads.append(unit_spread((W1, b1, W2, b2)))
    return (W1, b1, W2, b2), np.array(spreads)
"""


def train(scale=" / len(X)", slope="H", sequential=False):
    update = "W2 = W2 - lr * dW2; b2 = b2 - lr * db2"
    return TRAIN.format(scale=scale, slope=slope, update_w2=update if sequential else "pass",
                        late_update_w2="pass" if sequential else update)


WRONG = [
    ("test_zeros_init", "zeros_init", "def f(fan_in, fan_out, rng):\n    return np.zeros([fan_out, fan_in])",
     "the shape is (fan_out, fan_in)"),
    ("test_zeros_init", "zeros_init", "def f(fan_in, fan_out, rng):\n    return np.zeros((fan_in, fan_out), int)",
     "integer zeros"),
    ("test_layer_statistics_activations", "layer_statistics", network(std="zs[-1].std()"), "pre-activations Z"),
    ("test_layer_statistics_activations", "layer_statistics", network(std="np.std(hs[-1], ddof=1)"), "ddof=1"),
    ("test_layer_statistics_gradients", "layer_statistics", network(norms="norms"), "listed from the output down"),
    ("test_layer_statistics_gradients", "layer_statistics", network(slope="hs[i + 1]"),
     "evaluated at the activation H instead of the pre-activation Z"),
    ("test_unit_spread", "unit_spread",
     "def f(params):\n    W1 = params[0]\n    return float(np.abs(W1 - W1[:, [0]]).max())", "only the incoming weights W1"),
    ("test_train_symmetric", "train_tanh_net", train(scale=""), "not divided by N"),
    ("test_train_random", "train_tanh_net", train(scale=""), "not divided by N"),
    ("test_train_random", "train_tanh_net", train(sequential=True), "W2 was updated before it sent the gradient back"),
    ("test_train_random", "train_tanh_net", train(slope="Z"), "1 - Z**2"),
]


def judged(verdict, check_id, function, source):
    namespace = reference_namespace(CHAPTER)
    exec(source, namespace)
    return verdict(CHAPTER, check_id, reference_namespace(CHAPTER, **{function: namespace["f"]}))


@pytest.mark.parametrize("check", ["distribution", "draws"])
@pytest.mark.parametrize("function, body, phrase", WRONG_INITIALIZERS)
def test_wrong_initializer_is_named_by_both_checks(verdict, check, function, body, phrase):
    message = judged(verdict, f"test_{function}_{check}", function, initializer(body))
    assert message is not None and phrase in message, message


@pytest.mark.parametrize("function, body", GLOBAL_RANDOM)
def test_the_global_random_state_fails_both_checks(verdict, function, body):
    message = judged(verdict, f"test_{function}_distribution", function, initializer(body))
    assert message is not None and GLOBAL_RANDOM_MESSAGE in message, message
    message = judged(verdict, f"test_{function}_draws", function, initializer(body))
    assert message is not None and "not the numbers" in message and LIKELY not in message, message


def test_a_generator_seeded_inside_costs_the_draws_without_a_name(verdict):
    """Its distribution is right; only its numbers tell that it ignores the rng argument."""
    body = ("    g = np.random.default_rng(1234)\n    a = np.sqrt(6 / (fan_in + fan_out))\n"
            "    return g.uniform(-a, a, (fan_in, fan_out))")
    assert judged(verdict, "test_xavier_uniform_distribution", "xavier_uniform", initializer(body)) is None
    message = judged(verdict, "test_xavier_uniform_draws", "xavier_uniform", initializer(body))
    assert message is not None and "not the numbers" in message and LIKELY not in message, message


def test_a_transposed_draw_is_named(verdict):
    body = "    return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_out, fan_in)).T"
    assert judged(verdict, "test_he_normal_distribution", "he_normal", initializer(body)) is None
    message = judged(verdict, "test_he_normal_draws", "he_normal", initializer(body))
    assert message is not None and "transposed" in message, message


def test_an_equivalent_rng_call_passes(verdict):
    """rng.random scaled to the bound gives the same numbers as rng.uniform, to rounding."""
    body = "    a = np.sqrt(6 / fan_in)\n    return (2 * rng.random((fan_in, fan_out)) - 1) * a"
    assert judged(verdict, "test_he_uniform_draws", "he_uniform", initializer(body)) is None


@pytest.mark.parametrize("check_id, function, source, phrase", WRONG)
def test_wrong_implementation_fails_with_its_diagnosis(verdict, check_id, function, source, phrase):
    message = judged(verdict, check_id, function, source)
    assert message is not None and phrase in message, message


def test_student_style_correct_versions_pass(verdict):
    assert judged(verdict, "test_layer_statistics_activations", "layer_statistics", network()) is None
    assert judged(verdict, "test_layer_statistics_gradients", "layer_statistics", network()) is None
    for check_id in ("test_train_symmetric", "test_train_random"):
        assert judged(verdict, check_id, "train_tanh_net", train()) is None
