"""End to end through real nbgrader: generate, a simulated class submits,
autograde, feedback, export. Every student's exact score is asserted, for
every chapter listed in CHAPTERS."""
from __future__ import annotations

import csv
from dataclasses import dataclass
import subprocess
import sys
from pathlib import Path

import pytest

import simulated_class as sim
from dlcourse.release import nbgrader_env

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Chapter:
    total: float
    # Solution cells answered wrongly by the "partly_wrong" student, the points
    # that costs, and phrases its feedback must contain.
    wrong_answers: dict
    lost: float
    diagnoses: tuple


CHAPTERS = {
    # The naive sigmoid also costs test_silu_stable (1 point): silu calls sigmoid.
    "01_nonlinearity": Chapter(26.0, {
        "relu_grad": "def relu_grad(x):\n    return (x >= 0).astype(np.float64)",
        "sigmoid": "def sigmoid(x):\n    return 1.0 / (1.0 + np.exp(-x))",
        "elu": "def elu(x, alpha):\n    return np.where(x > 0, x, alpha * x)",
    }, 4.0, ("the subgradient at 0 was taken as 1", "naive sigmoid overflow",
             "ELU used alpha * x instead of alpha * (exp(x) - 1)")),
    # The one-sided difference also costs find_wrong_gradient (2 points): its
    # error of order h makes correct gradients look wrong.
    "02_backprop": Chapter(20.0, {
        "sigmoid_backward": "def sigmoid_backward(dout, cache):\n    return dout * cache * (1.0 - cache)",
        "rel_error": "def rel_error(a, b, floor=1e-8):\n    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))",
        "numerical_gradient": ("def numerical_gradient(f, x, h=1e-5):\n    x = x.copy()\n    fx = f(x)\n"
                               "    grad = np.zeros_like(x)\n    for i in np.ndindex(x.shape):\n        x[i] += h\n"
                               "        grad[i] = (f(x) - fx) / h\n        x[i] -= h\n    return grad"),
    }, 6.0, ("evaluated on the activation output instead of the pre-activation",
             "no floor in the denominator", "one-sided difference")),
    # Each wrong answer costs only its own cell: no other solution calls mse,
    # mae or binary_cross_entropy_with_logits, and sliders are off when graded.
    "03_losses": Chapter(23.0, {
        "mse": "def mse(pred, target):\n    r = pred - target\n    return float(np.mean(r ** 2)), r / r.size",
        "mae": ("def mae(pred, target):\n    r = pred - target\n"
                "    return float(np.mean(np.abs(r))), np.where(r >= 0, 1.0, -1.0) / r.size"),
        "binary_cross_entropy_with_logits": ("def binary_cross_entropy_with_logits(logits, targets):\n"
                                             "    p = 1.0 / (1.0 + np.exp(-logits))\n"
                                             "    loss = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))\n"
                                             "    return float(loss), (p - targets) / logits.size"),
    }, 4.0, ("the MSE gradient is missing the factor 2", "gradient at a zero residual was taken as +1",
             "overflow on large logits")),
    # Adam without bias correction fails both Adam step cells (2 + 2 points)
    # and AdamW's (3 points), whose solution calls adam.
    "04_optimizers": Chapter(32.0, {
        "minibatches": ("def minibatches(X, y, batch_size, rng):\n    order = rng.permutation(len(X))\n"
                        "    for i in range(len(X) // batch_size):\n"
                        "        rows = order[i * batch_size:(i + 1) * batch_size]\n        yield X[rows], y[rows]"),
        "rmsprop": ("def rmsprop_init(w):\n    return np.zeros_like(w)\n\n"
                    "def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):\n"
                    "    s = (1 - rho) * state + rho * dw ** 2\n    return w - lr * dw / (np.sqrt(s) + eps), s"),
        "adam": ("def adam_init(w):\n    return np.zeros_like(w), np.zeros_like(w), 0\n\n"
                 "def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n    m, v, t = state\n"
                 "    m = beta1 * m + (1 - beta1) * dw\n    v = beta2 * v + (1 - beta2) * dw ** 2\n"
                 "    return w - lr * m / (np.sqrt(v) + eps), (m, v, t + 1)"),
        "step_lr": "def step_lr(epoch, lr0, step_size, gamma=0.1):\n    return lr0 * gamma ** ((np.asarray(epoch) + 1) // step_size)",
    }, 12.0, ("mini-batches that drop samples", "RMSProp decay applied to the wrong term",
             "Adam without bias correction", "schedule off by one epoch")),
    # A tracker that stores references restores the last weights; nothing else
    # in the chapter uses the tracker or dropout's eval mode.
    "05_regularization": Chapter(20.0, {
        "l1_penalty": ("def l1_penalty(params, lam):\n    weights = [p for p in params if p.ndim == 2]\n"
                       "    return lam * sum(np.abs(w).sum() for w in weights), "
                       "tuple(lam * np.where(p >= 0, 1.0, -1.0) if p.ndim == 2 else np.zeros_like(p) for p in params)"),
        "dropout_forward": ("def dropout_forward(x, p, mode, rng):\n    if mode == 'eval':\n"
                            "        return x * (1 - p), np.ones_like(x)\n"
                            "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, mask"),
        "smooth_labels": ("def smooth_labels(one_hot, eps):\n"
                          "    return one_hot * (1 - eps) + (1 - one_hot) * eps / (one_hot.shape[1] - 1)"),
        "EarlyStopping": ("class EarlyStopping:\n    def __init__(self, patience, min_delta=0.0):\n"
                          "        self.patience, self.min_delta = patience, min_delta\n"
                          "        self.best_loss, self.best_epoch, self.bad = np.inf, -1, 0\n"
                          "    def step(self, epoch, val_loss, weights):\n"
                          "        if val_loss < self.best_loss - self.min_delta:\n"
                          "            self.best_loss, self.best_epoch, self.bad = val_loss, epoch, 0\n"
                          "            self.best_weights = weights\n"
                          "        else:\n            self.bad += 1\n        return self.bad >= self.patience\n"
                          "    def restore(self, weights):\n"
                          "        for w, b in zip(weights, self.best_weights):\n            w[...] = b"),
    }, 6.0, ("the L1 gradient at 0 was taken as +1", "scaled by (1-p) at evaluation time",
             "wrong share per class", "the last weights were restored instead of the best")),
    # Each wrong answer costs only its own cells: the momentum touches the running
    # statistics alone, and the other checks feed the functions grader-made inputs.
    "06_batchnorm": Chapter(25.0, {
        "min_max_scale": ("def min_max_scale(train, test):\n    f = lambda a: (a - a.min(0)) / (a.max(0) - a.min(0))\n"
                          "    return f(train), f(test)"),
        "batchnorm_forward": ("def batchnorm_forward(x, gamma, beta, state, mode):\n    m, eps = state['momentum'], state['eps']\n"
                              "    if mode == 'train':\n        mu, var = x.mean(0), x.var(0)\n"
                              "        state['running_mean'] = m * state['running_mean'] + (1 - m) * mu\n"
                              "        state['running_var'] = m * state['running_var'] + (1 - m) * x.var(0, ddof=1)\n"
                              "    else:\n        mu, var = state['running_mean'], state['running_var']\n"
                              "    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)"),
        "batchnorm_backward_compact": ("def batchnorm_backward_compact(dout, cache):\n    x, gamma, mu, var, eps = cache\n"
                                       "    xhat = (x - mu) / np.sqrt(var + eps)\n"
                                       "    return gamma * dout / np.sqrt(var + eps), (dout * xhat).sum(0), dout.sum(0)"),
        "layernorm_forward": ("def layernorm_forward(x, gamma, beta, eps=1e-5):\n    mu, var = x.mean(0), x.var(0)\n"
                              "    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)"),
    }, 9.0, ("test data scaled with its own statistics", "running momentum reversed",
             "missing the mean-gradient terms", "that is BatchNorm")),
    # He without its gain fails both of its cells (2 points); the Xavier that
    # draws from numpy's global random state fails both of its cells (2); the
    # reversed gradient norms cost the gradients cell (2).
    "07_initialization": Chapter(25.0, {
        "he_normal": "def he_normal(fan_in, fan_out, rng):\n    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))",
        "xavier_uniform": ("def xavier_uniform(fan_in, fan_out, rng):\n    np.random.seed(0)\n"
                           "    a = np.sqrt(6.0 / (fan_in + fan_out))\n    return np.random.uniform(-a, a, (fan_in, fan_out))"),
        "layer_statistics": ("def layer_statistics(X, dout, init, activation, widths, rng):\n"
                             "    f, df = ACTIVATIONS[activation]\n    h, cache, stds, norms = X, [], [], []\n"
                             "    for width in widths:\n        W = init(h.shape[1], width, rng)\n"
                             "        z = h @ W\n        cache.append((h, W, z))\n        h = f(z)\n"
                             "        stds.append(h.std())\n    for h_prev, W, z in reversed(cache):\n"
                             "        dz = dout * df(z)\n        norms.append(np.linalg.norm(h_prev.T @ dz))\n"
                             "        dout = dz @ W.T\n    return np.array(stds), np.array(norms)"),
    }, 6.0, ("ReLU gain missing for He", "it used the global random state",
             "listed from the output down")),
}


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=nbgrader_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module", params=list(CHAPTERS))
def graded_class(request, tmp_path_factory):
    chapter = request.param
    course = sim.course_with_chapters(tmp_path_factory.mktemp(f"course_{chapter}"), chapter)
    submit = lambda student, nb: sim.submit_file(course, student, chapter, nb=nb)  # noqa: E731
    submit("correct", sim.correct(chapter))
    submit("stub", sim.untouched(chapter))
    submit("partly_wrong", sim.replace_answers(sim.correct(chapter), CHAPTERS[chapter].wrong_answers))
    submit("monkeypatcher", sim.monkeypatching(chapter))
    submit("faker", sim.fake_output_files(chapter, course / "submitted" / "faker" / chapter))
    autograde = nbgrader(course, "autograde", chapter, "--create")
    nbgrader(course, "generate_feedback", chapter)
    nbgrader(course, "export")
    with open(course / "grades.csv") as file:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    return chapter, course, scores, autograde


def test_every_student_gets_the_expected_score(graded_class):
    chapter, _, scores, _ = graded_class
    total, lost = CHAPTERS[chapter].total, CHAPTERS[chapter].lost
    assert scores == {"correct": total, "stub": 0.0, "partly_wrong": total - lost,
                      "monkeypatcher": 0.0, "faker": 0.0}


def feedback_of(course: Path, chapter: str, student: str) -> str:
    return (course / "feedback" / student / chapter / f"{chapter}.html").read_text()


def test_feedback_names_the_mistakes(graded_class):
    chapter, course, _, _ = graded_class
    text = feedback_of(course, chapter, "partly_wrong")
    for diagnosis in CHAPTERS[chapter].diagnoses:
        assert diagnosis in text
    assert "not implemented yet" in feedback_of(course, chapter, "stub")


@pytest.mark.parametrize("student", ["correct", "stub", "partly_wrong", "monkeypatcher", "faker"])
def test_feedback_hides_tests_and_grader_paths(graded_class, student):
    chapter, course, _, _ = graded_class
    text = feedback_of(course, chapter, student)
    hidden_code = ("BEGIN HIDDEN TESTS", "from grader_tests.kernel.record import record")
    grader_paths = ("site-packages", str(ROOT), str(course))
    for secret in hidden_code + grader_paths:
        assert secret not in text, f"feedback of {student} shows {secret!r}"
