"""Wrong implementations written the way students write them (not taken from
the grader's own list) fail, and the feedback names the mistake: every
mistake the chapter's issue lists is among them."""
from __future__ import annotations

import pytest

from conftest import reference_namespace

ADAM = """
def f(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    {before}
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    {correction}
    {after}
    w = w - lr * m_hat / {root}
    return w, (m, v, t)
"""
CORRECTION = "m_hat = m / (1 - beta1 ** t); v_hat = v / (1 - beta2 ** t)"


def adam(before="t += 1", correction=CORRECTION, after="", root="(np.sqrt(v_hat) + eps)"):
    return ADAM.format(before=before, correction=correction, after=after, root=root)


SCHEDULE = "def f(epoch, lr0, *args):\n    return {name}(np.asarray(epoch) {shift}, lr0, *args)"

WRONG = [
    ("test_adam_first_step", "adam", adam(correction="m_hat, v_hat = m, v"), "Adam without bias correction"),
    ("test_adam_later_steps", "adam", adam(correction="m_hat, v_hat = m, v"), "Adam without bias correction"),
    ("test_adam_later_steps", "adam", adam(before="", after="t = t + 1"), "t off by one"),
    ("test_adam_first_step", "adam", adam(before="", after="t = t + 1"), "t off by one"),
    ("test_adam_later_steps", "adam", adam(correction=CORRECTION.replace("** t", "** (t + 1)")), "t off by one"),
    ("test_adam_init", "adam_init", "def f(w):\n    return np.zeros(w.shape), np.zeros(w.shape), 1", "t off by one"),
    ("test_adam_later_steps", "adam", adam(root="np.sqrt(v_hat + eps)"), "eps inside the square root"),
    ("test_rmsprop", "rmsprop",
     "def f(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):\n    s = rho * s + (1 - rho) * dw ** 2\n"
     "    return w - lr * dw / np.sqrt(s + eps), s", "eps inside the square root"),
    ("test_adagrad", "adagrad",
     "def f(w, dw, G, lr=0.01, eps=1e-10):\n    G = G + np.square(dw)\n    return w - lr * dw / np.sqrt(G + eps), G",
     "eps inside the square root"),
    ("test_nesterov", "nesterov",
     "def f(w, dw, v, lr, beta=0.9):\n    v = beta * v + dw\n    return w - lr * v, v", "Nesterov identical to momentum"),
    ("test_momentum", "momentum",
     "def f(w, dw, v, lr, beta=0.9):\n    v = beta * v + dw\n    w = w + lr * v\n    return w, v",
     "momentum with the wrong sign"),
    ("test_momentum", "momentum",
     "def f(w, dw, v, lr, beta=0.9):\n    v = v * beta - dw\n    return w - lr * v, v", "momentum with the wrong sign"),
    ("test_nesterov", "nesterov",
     "def f(w, dw, v, lr, beta=0.9):\n    v = beta * v + dw\n    return w + lr * (dw + beta * v), v",
     "momentum with the wrong sign"),
    ("test_adagrad", "adagrad",
     "def f(w, dw, G, lr=0.01, eps=1e-10):\n    G = dw ** 2\n    return w - lr * dw / (np.sqrt(G) + eps), G",
     "Adagrad without accumulation"),
    ("test_rmsprop", "rmsprop",
     "def f(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):\n    s = (1 - rho) * s + rho * dw ** 2\n"
     "    return w - lr * dw / (np.sqrt(s) + eps), s", "RMSProp decay applied to the wrong term"),
    ("test_step_lr", "step_lr", SCHEDULE.format(name="step_lr", shift="+ 1"), "schedule off by one epoch"),
    ("test_exponential_lr", "exponential_lr",
     "def f(epoch, lr0, gamma):\n    return lr0 * gamma ** (np.asarray(epoch) - 1.0)", "schedule off by one epoch"),
    ("test_cosine_annealing_lr", "cosine_annealing_lr",
     "import math\ndef f(epoch, lr0, T_max, eta_min=0.0):\n    e = np.asarray(epoch) + 1\n"
     "    return eta_min + (lr0 - eta_min) * (1 + np.cos(math.pi * e / T_max)) / 2", "schedule off by one epoch"),
    ("test_cosine_annealing_lr", "cosine_annealing_lr",
     "def f(epoch, lr0, T_max, eta_min=0.0):\n    return lr0 * (1 + np.cos(np.pi * epoch / T_max)) / 2", "eta_min was left out"),
    ("test_minibatches", "minibatches",
     "def f(X, y, batch_size, rng):\n    for _ in range(int(np.ceil(len(X) / batch_size))):\n"
     "        idx = rng.choice(len(X), size=batch_size)\n        yield X[idx], y[idx]",
     "mini-batches that repeat samples"),
    ("test_minibatches", "minibatches",
     "def f(X, y, batch_size, rng):\n    order = rng.permutation(len(X))\n    for i in range(len(X) // batch_size):\n"
     "        idx = order[i * batch_size:(i + 1) * batch_size]\n        yield X[idx], y[idx]",
     "mini-batches that drop samples"),
    ("test_minibatches", "minibatches",
     "def f(X, y, batch_size, rng):\n    Xs, ys = rng.permutation(X), rng.permutation(y)\n"
     "    for i in range(0, len(X), batch_size):\n        yield Xs[i:i + batch_size], ys[i:i + batch_size]",
     "a row lost its label"),
    ("test_minibatches", "minibatches",
     "def f(X, y, batch_size, rng):\n    for i in range(0, len(X), batch_size):\n"
     "        yield X[i:i + batch_size], y[i:i + batch_size]", "original order"),
    ("test_optimize", "optimize",
     "def f(grad_fn, w0, update, init, num_steps, hyper):\n    w, path = w0.copy(), []\n    state = init(w)\n"
     "    for _ in range(num_steps):\n        w, state = update(w, grad_fn(w), state, **hyper)\n"
     "        path.append(w)\n    return np.array(path)", "must start with w0"),
    ("test_optimize", "optimize",
     "def f(grad_fn, w0, update, init, num_steps, hyper):\n    path = [w0]\n    for _ in range(num_steps):\n"
     "        state = init(path[-1])\n        path.append(update(path[-1], grad_fn(path[-1]), state, **hyper)[0])\n"
     "    return np.stack(path)", "re-initialised at every step"),
]


@pytest.mark.parametrize("check_id, function, source, phrase", WRONG)
def test_wrong_implementation_fails_with_its_diagnosis(verdict, check_id, function, source, phrase):
    namespace = reference_namespace("04_optimizers")
    exec(source, namespace)
    student = {function: namespace["f"]}
    if function == "minibatches":  # the graders collect the epoch through epoch_batches
        student["epoch_batches"] = lambda X, y, batch_size, rng: tuple(namespace["f"](X, y, batch_size, rng))
    message = verdict("04_optimizers", check_id, reference_namespace("04_optimizers", **student))
    assert message is not None and phrase in message, message

