"""Kernel side: chapter 7 (weight initialization), the grader-chosen inputs.

``layer_statistics`` gets an ``init`` argument. It is not an initializer
(a rule that draws weights from an rng would be one the course grades, or
one step from it) but ``IssuedWeights``: weight matrices drawn here in
advance, handed out one per layer.
"""
from __future__ import annotations

import numpy as np

# fan_in != fan_out everywhere, and no fan_out == 2 * fan_in (there He's
# sqrt(2 / fan_out) would equal LeCun's sqrt(1 / fan_in)).
LARGE_SHAPES = [(240, 100), (60, 400)]
SMALL_SHAPES = [(5, 3), (3, 8), (7, 2)]
# Graded twice each: the distribution of a large draw, and the draws themselves.
INITIALIZERS = ("lecun_normal", "lecun_uniform", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform")


def _seeded(rng, shapes):
    return [(fan_in, fan_out, np.random.default_rng(rng.integers(2**32))) for fan_in, fan_out in shapes]


def _distribution_calls(rng):
    return _seeded(rng, LARGE_SHAPES)


def _draws_calls(rng):
    # The large draw comes first: when its values differ, its spread still
    # tells a wrong rule from a wrong random stream.
    return _seeded(rng, [(150, 90)] + SMALL_SHAPES)


def _zeros_init_calls(rng):
    # rng=None in the last call: zeros_init must draw nothing from its rng.
    return [(i, o, np.random.default_rng(rng.integers(100))) for i, o in [(5, 3), (2, 7)]] + [(4, 4, None)]


# ---- the deep network: per-layer activation std and weight-gradient norm ----

class IssuedWeights:
    """The ``init`` argument of layer_statistics: it hands out the weights
    drawn for the network in advance, one matrix per call in layer order,
    for the shape and the rng it was drawn for only."""

    def __init__(self, weights, rng):
        self.weights, self.rng, self.issued = weights, rng, 0

    def __call__(self, fan_in, fan_out, rng):
        if rng is not self.rng:
            raise ValueError("init must be given the rng that layer_statistics received")
        if self.issued == len(self.weights):
            raise ValueError(f"init was called more often than the network has layers ({len(self.weights)})")
        W = self.weights[self.issued]
        if W.shape != (fan_in, fan_out):
            raise ValueError(f"init({fan_in}, {fan_out}, rng) was called for layer {self.issued + 1}, "
                             f"whose weights have shape {W.shape}")
        self.issued += 1
        return W.copy()

    def __eq__(self, other):
        """The same weights to hand out: how many were issued is the object's
        own bookkeeping, not a change the student made to an argument."""
        return (isinstance(other, IssuedWeights) and len(self.weights) == len(other.weights)
                and all(np.array_equal(a, b) for a, b in zip(self.weights, other.weights)))


NETWORKS = [  # (N, D, widths, activation, gain, uniform): each layer's weights have std gain / sqrt(fan_in)
    (16, 12, (10, 10, 10, 10, 10, 10), "tanh", 1.0, False),
    (20, 9, (14, 14, 14, 14, 14), "relu", np.sqrt(2.0), False),
    (8, 5, (7, 11, 6, 9), "sigmoid", 1.5, True),
    (12, 6, [8, 4, 8], "linear", 0.8, False),  # widths is any sequence: a list here
    (10, 7, (9, 9, 9, 9, 9, 9, 9), "tanh", 2.5, True),
]


def _network_calls(rng):
    calls = []
    for n, d, widths, activation, gain, uniform in NETWORKS:
        X, dout = rng.normal(size=(n, d)), rng.normal(size=(n, widths[-1]))
        seed = rng.integers(2**32)
        # The weights init hands out, drawn from the stream layer_statistics receives.
        draws, weights = np.random.default_rng(seed), []
        for fan_in, fan_out in zip([d, *widths[:-1]], widths):
            std = gain / np.sqrt(fan_in)
            if uniform:
                weights.append(draws.uniform(-np.sqrt(3.0) * std, np.sqrt(3.0) * std, size=(fan_in, fan_out)))
            else:
                weights.append(draws.normal(0.0, std, size=(fan_in, fan_out)))
        if activation == "relu":
            # Sample 0 reaches layer 1 through input 0 alone, whose weight to unit 0 is 0:
            # Z_1[0, 0] is exactly 0, where ReLU's f' is 0 (not 1), with H_0[0] nonzero.
            X[0, 1:], weights[0][0, 0] = 0.0, 0.0
        layer_rng = np.random.default_rng(seed)
        calls.append((X, dout, IssuedWeights(weights, layer_rng), activation, widths, layer_rng))
    return calls


# ---- symmetry: a two-layer tanh network trained by gradient descent ----

def _spread_calls(rng):
    W1, b1, W2, b2 = rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=(4, 2)), rng.normal(size=(2,))
    same = (np.repeat(W1[:, :1], 4, axis=1), np.full(4, b1[0]), np.repeat(W2[:1], 4, axis=0))
    return [((same[0], same[1], same[2], b2),),  # identical units
            ((same[0], same[1], W2, b2),),  # they differ only in W2
            ((same[0], b1, same[2], b2),),  # only in b1
            ((rng.normal(size=(2, 5)), rng.normal(size=(5,)), rng.normal(size=(5, 3)), rng.normal(size=(3,))),),
            ((rng.normal(size=(3, 1)), rng.normal(size=(1,)), rng.normal(size=(1, 2)), b2),)]  # one hidden unit


def _symmetric_calls(rng):
    calls = []
    for d, h, c, value in [(3, 4, 2, 0.0), (2, 5, 1, 0.3), (4, 3, 2, -0.2)]:
        X, Y = rng.normal(size=(6, d)), rng.normal(size=(6, c))
        params = (np.full((d, h), value), np.zeros(h), np.full((h, c), value), np.zeros(c))
        calls.append((X, Y, params, 0.2, 20))
    return calls


def _random_calls(rng):
    calls = []
    for d, h, c in [(3, 4, 2), (2, 6, 1)]:
        X, Y = rng.normal(size=(8, d)), rng.normal(size=(8, c))
        params = (rng.normal(scale=0.5, size=(d, h)), np.zeros(h), rng.normal(scale=0.5, size=(h, c)), np.zeros(c))
        calls.append((X, Y, params, 0.3, 15))
    return calls + [(X, Y, params, 0.3, 0)]  # no step: the parameters as given, one spread


# ---- orthogonal initialization: (fan_in, fan_out, rng, gain) ----

def _orthogonal_calls(rng):
    """Tall, wide and square matrices, a single row and a single column, the
    tanh gain, He's gain, gain 1 given, and gain left to its default."""
    shapes_gains = [((40, 16), 1.0), ((12, 30), 5 / 3), ((20, 20), np.sqrt(2.0)), ((7, 3), None), ((1, 6), 0.5),
                    ((9, 1), 2.0)]
    calls = []
    for (fan_in, fan_out), gain in shapes_gains:
        call = (fan_in, fan_out, np.random.default_rng(rng.integers(2**32)))
        calls.append(call if gain is None else call + (gain,))
    return calls


INPUTS = {
    "test_zeros_init": ("zeros_init", _zeros_init_calls),
    **{check_id: entry for name in INITIALIZERS
       for check_id, entry in ((f"test_{name}_distribution", (name, _distribution_calls)),
                               (f"test_{name}_draws", (name, _draws_calls)))},
    "test_layer_statistics_activations": ("layer_statistics", _network_calls),
    "test_layer_statistics_gradients": ("layer_statistics", _network_calls),
    "test_unit_spread": ("unit_spread", _spread_calls),
    "test_train_symmetric": ("train_tanh_net", _symmetric_calls),
    "test_train_random": ("train_tanh_net", _random_calls),
    "test_orthogonal_init_orthogonality": ("orthogonal_init", _orthogonal_calls),
    "test_orthogonal_init_draws": ("orthogonal_init", _orthogonal_calls),
}
