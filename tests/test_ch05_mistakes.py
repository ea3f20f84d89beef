"""Wrong implementations written the way students write them (not taken from
the grader's own list) fail, and the feedback names the mistake.

Each source redefines one function or class of the notebook in a namespace
built from the solution's cells, so the setup cell's early-stopping replays
use the student's class, as they do in the student's kernel."""
from __future__ import annotations

import pytest

from conftest import kernel_namespace

CHAPTER = "05_regularization"

EARLY_STOPPING = """
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.wait = float("inf"), -1, 0
        self.previous = float("inf")
    def step(self, epoch, val_loss, weights):
        if {improved}:
            self.best_loss, self.best_epoch, self.wait = val_loss, epoch, 0
            self.best_weights = {stored}
        else:
            self.wait += 1
        self.previous = val_loss
        return self.wait {stop} self.patience
    def restore(self, weights):
{restore}
"""
COPY_BACK = "        for w, b in zip(weights, self.best_weights):\n            w[...] = b"


def early_stopping(improved="val_loss < self.best_loss - self.min_delta", stored="[w.copy() for w in weights]",
                   stop=">=", restore=COPY_BACK):
    return EARLY_STOPPING.format(improved=improved, stored=stored, stop=stop, restore=restore)


WEIGHTS_LOOP = "    return {penalty}, tuple({grad} if W.ndim == 2 else np.zeros_like(W) for W in params)"
PENALTY = "def l{kind}_penalty(params, lam):\n    total = sum({term} for W in params if W.ndim == 2)\n" + WEIGHTS_LOOP

WRONG = [
    ("test_l2_penalty", PENALTY.format(kind=2, term="np.sum(W ** 2)", penalty="0.5 * total", grad="W"),
     "not scaled by lambda"),
    ("test_l2_penalty", "def l2_penalty(params, lam):\n"
     "    return 0.5 * lam * sum(np.sum(p * p) for p in params), tuple(lam * p for p in params)",
     "biases were penalized too"),
    ("test_l2_penalty", PENALTY.format(kind=2, term="np.sum(W ** 2)", penalty="lam / 2 * total", grad="2 * lam * W"),
     "not 2 * lambda * W"),
    ("test_l1_penalty", PENALTY.format(kind=1, term="np.abs(W).sum()", penalty="lam * total",
                                       grad="lam * np.where(W >= 0, 1.0, -1.0)"),
     "gradient at 0 was taken as +1"),
    ("test_l1_penalty", PENALTY.format(kind=1, term="np.abs(W).sum()", penalty="lam * total",
                                       grad="lam * ((W > 0) * 2.0 - 1.0)"),
     "gradient at 0 was taken as -1"),
    ("test_l1_penalty", PENALTY.format(kind=1, term="np.abs(W).sum()", penalty="total", grad="np.sign(W)"),
     "not scaled by lambda"),
    ("test_l1_penalty", "def l1_penalty(params, lam):\n"
     "    return lam * sum(np.abs(p).sum() for p in params), tuple(lam * np.sign(p) for p in params)",
     "biases were penalized too"),
    ("test_sgd_weight_decay", "def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):\n"
     "    return tuple(p - learning_rate * g - weight_decay * p * (p.ndim == 2) for p, g in zip(params, grads))",
     "not multiplied by the learning rate"),
    ("test_sgd_weight_decay", "def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):\n"
     "    return tuple((1 - learning_rate * weight_decay) * p - learning_rate * g for p, g in zip(params, grads))",
     "applied to the biases too"),
    ("test_dropout_forward_train", "def dropout_forward(x, p, mode, rng):\n"
     "    if mode == 'eval':\n        return x, np.ones_like(x)\n"
     "    mask = (rng.random(x.shape) > p).astype(float)\n    return x * mask, mask",
     "no inverted scaling"),
    ("test_dropout_forward_train", "def dropout_forward(x, p, mode, rng):\n"
     "    if mode == 'eval':\n        return x, np.ones_like(x)\n"
     "    mask = (rng.random(x.shape) < p) / p\n    return x * mask, mask",
     "p was treated as the keep probability"),
    ("test_dropout_forward_train", "def dropout_forward(x, p, mode, rng):\n"
     "    if mode == 'eval':\n        return x, np.ones_like(x)\n"
     "    keep = rng.random(x.shape) >= p\n    return x * keep / (1 - p), keep",
     "must be the scaled mask"),
    ("test_dropout_forward_eval", "def dropout_forward(x, p, mode, rng):\n"
     "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask",
     "dropout was applied at evaluation time"),
    ("test_dropout_forward_eval", "def dropout_forward(x, p, mode, rng):\n"
     "    if mode == 'eval':\n        return x * (1 - p), np.ones_like(x)\n"
     "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask",
     "scaled by (1-p) at evaluation time"),
    ("test_dropout_forward_eval", "def dropout_forward(x, p, mode, rng):\n"
     "    if mode == 'eval':\n        return x / (1 - p), np.ones_like(x)\n"
     "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask",
     "scaled by 1/(1-p) at evaluation time"),
    ("test_dropout_backward", "def dropout_backward(dout, mask):\n    return dout.copy()", "mask was not applied"),
    ("test_dropout_backward", "def dropout_backward(dout, mask):\n    return dout * (mask != 0)", "scaling was lost"),
    ("test_dropout_backward", "def dropout_backward(dout, mask):\n"
     "    return dout * (np.random.default_rng().random(dout.shape) >= 0.5) * 2.0",
     "mask was not reused"),
    ("test_early_stopping", early_stopping(stop=">"), "patience off by one"),
    ("test_early_stopping", early_stopping(improved="val_loss < self.best_loss"), "min_delta was ignored"),
    ("test_early_stopping", early_stopping(improved="val_loss < self.previous - self.min_delta"),
     "compared with the previous epoch"),
    ("test_early_stopping", early_stopping(improved="val_loss <= self.best_loss - self.min_delta"),
     "strictly lower"),
    ("test_early_stopping_restore", early_stopping(stored="weights"), "last weights were restored"),
    ("test_early_stopping_restore", early_stopping(restore="        weights = self.best_weights"),
     "last weights were restored"),
    ("test_smooth_labels", "def smooth_labels(one_hot, eps):\n    C = one_hot.shape[1]\n"
     "    return one_hot * (1 - eps) + (1 - one_hot) * eps / (C - 1)", "wrong share per class"),
    ("test_smooth_labels", "def smooth_labels(one_hot, eps):\n    return (1 - eps) * one_hot + eps",
     "wrong share per class"),
    ("test_smooth_labels", "def smooth_labels(one_hot, eps):\n"
     "    return np.where(one_hot == 1, 1 - eps, eps / one_hot.shape[1])", "wrong share per class"),
    ("test_add_gaussian_noise", "def add_gaussian_noise(x, std, rng):\n"
     "    return x + rng.normal(0.0, np.sqrt(std), size=x.shape)", "std was used as the variance"),
    ("test_add_gaussian_noise", "def add_gaussian_noise(x, std, rng):\n"
     "    return x + rng.normal(0.0, std ** 2, size=x.shape)", "std**2"),
    ("test_add_gaussian_noise", "def add_gaussian_noise(x, std, rng):\n    return rng.normal(0.0, std, size=x.shape)",
     "without adding it to x"),
    ("test_train_regularized", "def train_network(X, y, Xv, yv, H, lr, steps, wd, p, rng):\n"
     "    return _reference_train(X, y, Xv, yv, H, lr, steps, 0.0, p, rng)", "weight decay had no effect"),
    ("test_train_fits", "def train_network(X, y, Xv, yv, H, lr, steps, wd, p, rng):\n"
     "    params, train_losses, val_losses = _reference_train(X, y, Xv, yv, H, lr, steps, wd, p, rng)\n"
     "    return params, train_losses", "must return ((W1, b1, W2, b2), train_losses, val_losses)"),
    ("test_train_fits", "def train_network(X, y, Xv, yv, H, lr, steps, wd, p, rng):\n"
     "    return _reference_train(X, y, Xv, yv, H, lr, 20, wd, p, rng)[0], np.zeros(steps), np.zeros(steps)",
     "should fit its 30 points"),
]


def solution_namespace() -> dict:
    """The notebook's setup and solution cells run in one namespace, as in a kernel."""
    namespace = kernel_namespace(CHAPTER)
    namespace["_reference_train"] = namespace["train_network"]
    return namespace


@pytest.mark.parametrize("check_id, source, phrase", WRONG)
def test_wrong_implementation_fails_with_its_diagnosis(verdict, check_id, source, phrase):
    namespace = solution_namespace()
    exec(source, namespace)
    message = verdict(CHAPTER, check_id, namespace)
    assert message is not None and phrase in message, message
