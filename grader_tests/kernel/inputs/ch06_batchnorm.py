"""Kernel side: chapter 6 (data normalization and Batch Normalization), the
grader-chosen inputs."""
from __future__ import annotations

import numpy as np


def _features(rng, n, d):
    """Columns on very different scales, like age, income and a ratio."""
    loc = rng.normal(scale=50.0, size=d)
    scale = 10.0 ** rng.uniform(-1, 3, size=d)
    return loc + scale * rng.normal(size=(n, d))


def _split_calls(rng):
    calls = []
    for n, m, d in [(20, 5, 3), (8, 3, 1), (30, 10, 4)]:
        train = _features(rng, n, d)
        test = train[:m] * 1.3 + 2.0  # a test split whose own statistics differ
        calls.append((train, test))
    return calls


def _state(rng, d, momentum=0.1, eps=1e-5, fresh=True):
    mean = np.zeros(d) if fresh else rng.normal(size=d)
    var = np.ones(d) if fresh else rng.uniform(0.5, 3.0, size=d)
    return {"running_mean": mean, "running_var": var, "momentum": momentum, "eps": eps}


def _affine_params(rng, d):
    return rng.normal(loc=1.0, scale=0.5, size=d), rng.normal(size=d)


def _constant_column(x, column):
    """x with a feature of variance 0 (none when column is None), where only eps
    keeps x_hat finite; 3.0 makes its mean exact, so x - mu is exactly 0."""
    if column is not None:
        x[:, column] = 3.0
    return x


def _train_calls(rng):
    calls = []
    for n, d, eps, constant in [(8, 3, 1e-5, None), (5, 5, 1e-5, 2), (2, 4, 1e-5, None), (16, 2, 1e-2, None)]:
        x = rng.normal(loc=rng.normal(size=d), scale=rng.uniform(0.5, 2.0, size=d), size=(n, d))
        calls.append((_constant_column(x, constant), *_affine_params(rng, d), _state(rng, d, eps=eps), "train"))
    return calls


def _eval_calls(rng):
    calls = []
    for n, d in [(6, 3), (1, 4), (10, 2)]:  # one example alone: inference on a single input
        x = rng.normal(scale=1.5, size=(n, d))
        calls.append((x, *_affine_params(rng, d), _state(rng, d, eps=1e-3, fresh=False), "eval"))
    return calls


def _running_calls(rng):
    calls = []
    # A batch of 2, the smallest train mode allows, where N / (N - 1) = 2.
    for sizes, d, momentum in [((6, 6, 4, 9), 3, 0.1), ((2, 5), 2, 0.3), ((8,), 4, 0.1)]:
        loc = rng.normal(scale=2.0, size=d)
        batches = [rng.normal(loc=loc, scale=1.5, size=(n, d)) for n in sizes]
        calls.append((batches, *_affine_params(rng, d), momentum, 1e-5))
    return calls


def _backward_calls(rng):
    """(dout, cache) with the cache (x, gamma, mu, var, eps) of a training batch."""
    calls = []
    for n, d, constant in [(4, 3, None), (7, 2, None), (2, 5, None), (5, 5, 1)]:
        x = _constant_column(rng.normal(loc=1.0, scale=2.0, size=(n, d)), constant)
        gamma = rng.normal(size=d)
        cache = (x, gamma, x.mean(axis=0), x.var(axis=0), 1e-5)
        calls.append((rng.normal(size=(n, d)), cache))
    return calls


def _layernorm_calls(rng):
    calls = [(rng.normal(loc=3.0, scale=2.0, size=(n, d)), *_affine_params(rng, d)) for n, d in [(4, 5), (1, 3), (6, 2)]]
    calls[0][0][1] = -2.0  # a row with variance 0: only eps keeps it finite
    x = rng.normal(size=(3, 4))
    calls.append((x, *_affine_params(rng, 4), 1e-2))
    return calls


def _deep_calls(rng):
    n, d, depth = 32, 16, 5
    x = rng.normal(size=(n, d))
    calls = []
    for scale in (0.2, 1.0, 4.0):
        weights = [rng.normal(scale=scale / np.sqrt(d), size=(d, d)) for _ in range(depth)]
        calls += [(x, weights, False), (x, weights, True)]
    return calls


# ---- Group and Instance Normalization: inputs with channels and positions ----

def _channels(rng, shape):
    """Channels with their own offsets and scales, so that which entries share
    statistics (the group, the example, the batch) changes every result."""
    d = shape[1]
    per_channel = (1, d) + (1,) * (len(shape) - 2)
    loc = rng.normal(scale=3.0, size=d).reshape(per_channel)
    scale = rng.uniform(0.3, 3.0, size=d).reshape(per_channel)
    return loc + scale * rng.normal(size=shape)


def _group_norm_calls(rng):
    """(N, D, L), (N, D, H, W) and a 5-D input; 1, D and in-between groups; a
    batch of one; a group whose entries are all equal (variance 0: only eps
    keeps it finite); one call with eps given."""
    calls = []
    for shape, groups in [((4, 6, 5), 3), ((2, 8, 3, 4), 4), ((3, 4, 7), 1), ((2, 6, 2, 3), 6), ((1, 6, 4), 2),
                          ((2, 4, 2, 2, 3), 2)]:
        calls.append((_channels(rng, shape), *_affine_params(rng, shape[1]), groups))
    calls[0][0][1, 2:4] = 3.0  # example 1, group 1 (channels 2 and 3) constant
    x = _channels(rng, (3, 6, 4))
    calls.append((x, *_affine_params(rng, 6), 3, 1e-2))
    return calls


def _instance_norm_calls(rng):
    """(N, D, L), (N, D, H, W), a 5-D input, a batch of one, a constant channel, eps given."""
    calls = [(_channels(rng, shape), *_affine_params(rng, shape[1]))
             for shape in [(4, 3, 6), (2, 5, 3, 4), (1, 2, 5), (2, 3, 2, 2, 3)]]
    calls[0][0][2, 1] = -1.5  # example 2, channel 1 constant
    calls.append((_channels(rng, (3, 4, 5)), *_affine_params(rng, 4), 1e-2))
    return calls


INPUTS = {
    "test_min_max_scale": ("min_max_scale", _split_calls),
    "test_standardize": ("standardize", _split_calls),
    "test_batchnorm_forward_train": ("batchnorm_forward", _train_calls),
    "test_batchnorm_running_stats": ("running_statistics", _running_calls),
    "test_batchnorm_forward_eval": ("batchnorm_forward", _eval_calls),
    "test_batchnorm_backward": ("batchnorm_backward", _backward_calls),
    "test_batchnorm_backward_compact": ("batchnorm_backward_compact", _backward_calls),
    "test_layernorm_forward": ("layernorm_forward", _layernorm_calls),
    "test_activation_statistics": ("activation_statistics", _deep_calls),
    "test_group_norm_forward": ("group_norm_forward", _group_norm_calls),
    "test_instance_norm_forward": ("instance_norm_forward", _instance_norm_calls),
}
