"""Chapter 5 students' implementations (see ``student_work``).

The EarlyStopping class is not a function, so its students' versions stay in
``test_ch05_mistakes.py``. train_network's sources call the notebook's own
mse and predict, as students do; ``INIT`` and ``STEP`` are pieces several of
them share (the recommended initialization and the inner loop's step).
"""
from student_work import Correct, Wrong

CHAPTER = "05_regularization"

WRONG = [
    # ---- l2_penalty ----
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    penalty = 0.0
    grads = []
    for p in params:
        if p.ndim == 2:
            penalty += 0.5 * np.sum(p ** 2)
            grads.append(p.copy())
        else:
            grads.append(np.zeros_like(p))
    return penalty, tuple(grads)
""", "not scaled by lambda", "lambda forgotten in both the penalty and the gradient"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    return lam / 2 * sum(np.sum(p * p) for p in params), tuple(lam * p for p in params)
""", "biases were penalized too", "every parameter penalized"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    weights = [p for p in params if p.ndim == 2]
    penalty = lam / 2 * sum(np.linalg.norm(W) ** 2 for W in weights)
    return penalty, tuple(2 * lam * p if p.ndim == 2 else np.zeros_like(p) for p in params)
""", "not 2 * lambda * W", "derivative of W**2 taken without the 1/2"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    penalty = lam * sum(np.sum(W ** 2) for W in params if W.ndim > 1)
    return penalty, tuple(lam * W if W.ndim > 1 else 0 * W for W in params)
""", "the 1/2 was left out", "penalty without the 1/2"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    penalty = 0.5 * lam * sum(np.sum(params[i] ** 2) for i in range(0, len(params), 2))
    grads = [np.zeros_like(p) for p in params]
    for i in range(0, len(params), 2):
        grads[i] = lam * params[i]
    return penalty, tuple(grads)
""", "taken by position", "assumes (W1, b1, W2, b2) order"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    penalty = 0.5 * lam * sum(np.mean(W ** 2) for W in params if W.ndim == 2)
    return penalty, tuple(lam * W if W.ndim == 2 else np.zeros_like(W) for W in params)
""", None, "mean of the squares instead of their sum"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    penalty = 0.5 * lam * sum(np.sum(W) ** 2 for W in params if W.ndim == 2)
    return penalty, tuple(lam * W if W.ndim == 2 else np.zeros_like(W) for W in params)
""", None, "square of the sum instead of the sum of squares"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    penalty = 0.5 * lam * sum(np.sum(W ** 2) for W in params if W.ndim == 2)
    return penalty, tuple(lam * W if W.ndim == 2 else 0.0 for W in params)
""", None, "a scalar 0 as the bias gradient instead of zeros of its shape"),
    Wrong("l2_penalty", """
def l2_penalty(params, lam):
    penalty = np.float32(0.5 * lam * sum(np.sum(W ** 2) for W in params if W.ndim == 2))
    return penalty, tuple(lam * W if W.ndim == 2 else np.zeros_like(W) for W in params)
""", None, "float32 penalty"),

    # ---- l1_penalty ----
    Wrong("l1_penalty", """
def l1_penalty(params, lam):
    penalty, grads = 0.0, []
    for W in params:
        if W.ndim == 2:
            penalty += lam * np.abs(W).sum()
            grads.append(lam * np.where(W >= 0, 1.0, -1.0))
        else:
            grads.append(np.zeros_like(W))
    return penalty, tuple(grads)
""", "gradient at 0 was taken as +1", "W >= 0 counts zero as positive"),
    Wrong("l1_penalty", """
def l1_penalty(params, lam):
    penalty = lam * sum(np.abs(W).sum() for W in params if W.ndim == 2)
    return penalty, tuple(lam * ((W > 0) * 2.0 - 1.0) if W.ndim == 2 else np.zeros_like(W) for W in params)
""", "gradient at 0 was taken as -1", "(W > 0) * 2 - 1 sends zero to -1"),
    Wrong("l1_penalty", """
def l1_penalty(params, lam):
    penalty = sum(np.sum(np.abs(W)) for W in params if W.ndim == 2)
    return penalty, tuple(np.sign(W) if W.ndim == 2 else np.zeros_like(W) for W in params)
""", "not scaled by lambda", "lambda forgotten"),
    Wrong("l1_penalty", """
def l1_penalty(params, lam):
    return lam * sum(np.abs(p).sum() for p in params), tuple(lam * np.sign(p) for p in params)
""", "biases were penalized too", "every parameter penalized"),
    Wrong("l1_penalty", """
def l1_penalty(params, lam):
    penalty, grads = 0.0, [np.zeros_like(p) for p in params]
    for i in range(0, len(params), 2):
        penalty += lam * np.sum(np.abs(params[i]))
        grads[i] = lam * np.sign(params[i])
    return penalty, tuple(grads)
""", "taken by position", "assumes (W1, b1, W2, b2) order"),
    Wrong("l1_penalty", """
def l1_penalty(params, lam):
    penalty = lam * sum(np.sum(np.abs(W)) for W in params if W.ndim == 2)
    return penalty, tuple(lam * W / np.abs(W) if W.ndim == 2 else np.zeros_like(W) for W in params)
""", None, "W / |W| is nan at W == 0"),
    Wrong("l1_penalty", """
def l1_penalty(params, lam):
    penalty = lam * sum(np.sum(np.abs(W)) for W in params if W.ndim == 2)
    return penalty, tuple(lam * np.abs(W) if W.ndim == 2 else np.zeros_like(W) for W in params)
""", None, "the gradient taken as |W| instead of its sign"),

    # ---- sgd_weight_decay_step ----
    Wrong("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    return tuple((1 - learning_rate * weight_decay) * p - learning_rate * g for p, g in zip(params, grads))
""", "applied to the biases too", "every parameter decays"),
    Wrong("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    new = []
    for p, g in zip(params, grads):
        if p.ndim == 2:
            new.append((1 - weight_decay) * p - learning_rate * g)
        else:
            new.append(p - learning_rate * g)
    return tuple(new)
""", "not multiplied by the learning rate", "shrinks by (1 - weight_decay)"),
    Wrong("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    return tuple(p - learning_rate * (g + p) if p.ndim == 2 else p - learning_rate * g
                 for p, g in zip(params, grads))
""", "not scaled by weight_decay", "decay term without weight_decay"),
    Wrong("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    return tuple(p - learning_rate * (g - weight_decay * p) if p.ndim == 2 else p - learning_rate * g
                 for p, g in zip(params, grads))
""", "wrong sign", "the decay grows the weights"),
    Wrong("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    new = [p - learning_rate * g for p, g in zip(params, grads)]
    for i in range(0, len(new), 2):
        new[i] = new[i] - learning_rate * weight_decay * params[i]
    return tuple(new)
""", "taken by position", "assumes (W1, b1, W2, b2) order"),
    Wrong("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    return tuple(p - learning_rate * g for p, g in zip(params, grads))
""", "weight_decay was ignored", "plain gradient descent"),
    Wrong("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    return tuple((p - learning_rate * (g + weight_decay * p) if p.ndim == 2 else p - learning_rate * g)
                 .astype(np.float32) for p, g in zip(params, grads))
""", None, "float32 parameters"),

    # ---- dropout_forward ----
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x, np.ones_like(x)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask, mask
""", "no inverted scaling", "kept units not scaled"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "train":
        mask = np.where(rng.random(x.shape) > p, 1.0 / (1.0 - p), 0.0)
        return x * mask, mask
    return x.copy(), np.ones_like(x)
""", "u > p", "strict inequality: a unit whose u equals p is dropped"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x)
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask
""", "keep probability", "p read as the probability of keeping"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x)
    keep = rng.random(x.shape) >= p
    return x * keep / (1 - p), keep
""", "must be the scaled mask", "returns the boolean keep mask"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask
""", "applied at evaluation time", "mode ignored"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x * (1 - p), np.ones_like(x)
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask
""", "scaled by (1-p) at evaluation time", "classic dropout's test-time scaling on top of inverted dropout"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x)
    mask = (np.random.rand(*x.shape) >= p) / (1 - p)
    return x * mask, mask
""", None, "the global random state instead of rng"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x)
    mask = rng.binomial(1, 1 - p, size=x.shape) / (1 - p)
    return x * mask, mask
""", None, "right distribution, not the docstring's draws"),
    Wrong("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x)
    u = rng.random(x.shape)
    if rng.random() < 0.0:  # a leftover debugging draw
        print(u)
    mask = (u >= p) / (1 - p)
    return x * mask, mask
""", None, "a second draw after the mask: its own outputs are right, but train_network's next masks move"),
    # ---- dropout_backward ----
    Wrong("dropout_backward", """
def dropout_backward(dout, mask):
    return dout.copy()
""", "mask was not applied", "gradient passed through unchanged"),
    Wrong("dropout_backward", """
def dropout_backward(dout, mask):
    return np.where(mask > 0, dout, 0.0)
""", "scaling was lost", "zeros the dropped units but forgets the 1/(1-p)"),
    Wrong("dropout_backward", """
def dropout_backward(dout, mask):
    keep = np.random.default_rng().random(dout.shape) >= 0.5
    return dout * keep * 2.0
""", None, "draws a new mask"),
    Wrong("dropout_backward", """
def dropout_backward(dout, mask):
    return dout / mask
""", None, "divides by the mask: inf where units were dropped"),
    Wrong("dropout_backward", """
def dropout_backward(dout, mask):
    return dout * mask * mask
""", None, "applies the mask twice"),
    Wrong("dropout_backward", """
def dropout_backward(dout, mask):
    return (dout * mask).astype(np.float32)
""", None, "float32"),

    # ---- smooth_labels ----
    Wrong("smooth_labels", """
def smooth_labels(one_hot, eps):
    C = one_hot.shape[1]
    return one_hot * (1 - eps) + (1 - one_hot) * eps / (C - 1)
""", "wrong share per class", "eps spread over the C - 1 wrong classes"),
    Wrong("smooth_labels", """
def smooth_labels(one_hot, eps):
    return (1 - eps) * one_hot + eps
""", "wrong share per class", "eps not divided among the classes"),
    Wrong("smooth_labels", """
def smooth_labels(one_hot, eps):
    return np.where(one_hot == 1, 1 - eps, eps / one_hot.shape[1])
""", "wrong share per class", "the true class misses its eps / C"),
    Wrong("smooth_labels", """
def smooth_labels(one_hot, eps):
    return eps * one_hot + (1 - eps) / one_hot.shape[1]
""", "swapped", "eps and 1 - eps swapped"),
    Wrong("smooth_labels", """
def smooth_labels(one_hot, eps):
    n_classes = len(one_hot)
    return (1 - eps) * one_hot + eps / n_classes
""", "number of rows", "len() counts the rows"),
    Wrong("smooth_labels", """
def smooth_labels(one_hot, eps):
    C = one_hot.shape[1]
    return [[(1 - eps) * v + eps / C for v in row] for row in one_hot]
""", None, "returns a list of lists"),
    Wrong("smooth_labels", """
def smooth_labels(one_hot, eps):
    C = one_hot.shape[1]
    return ((1 - eps) * one_hot + eps / C).astype(np.float32)
""", None, "float32"),

    # ---- add_gaussian_noise ----
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + rng.normal(0.0, np.sqrt(std), size=x.shape)
""", "std was used as the variance", "sqrt(std) as the scale"),
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + std ** 2 * rng.standard_normal(x.shape)
""", "std**2", "variance as the scale"),
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return std * rng.standard_normal(x.shape)
""", "without adding it to x", "returns the noise alone"),
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + rng.normal(std, size=x.shape)
""", "mean", "rng.normal's first argument is the mean"),
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + np.random.normal(0.0, std, size=x.shape)
""", None, "the global random state"),
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + std * rng.standard_normal(x.shape[::-1]).T
""", None, "drawn in the transposed shape"),
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + std * rng.standard_normal()
""", None, "one draw shared by every entry"),
    Wrong("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + rng.uniform(-std, std, size=x.shape)
""", None, "uniform noise"),
]

# ---- train_network: shared pieces ----

INIT = """
    n, d = X.shape
    W1 = rng.normal(size=(d, hidden_size)) * np.sqrt(2.0 / d)
    W2 = rng.normal(size=(hidden_size, 1)) * np.sqrt(1.0 / hidden_size)
    b1, b2 = np.zeros(hidden_size), np.zeros(1)"""
GLOROT = """
    n, d = X.shape
    W1 = rng.normal(0.0, np.sqrt(2.0 / (d + hidden_size)), size=(d, hidden_size))
    W2 = rng.normal(0.0, np.sqrt(2.0 / (hidden_size + 1)), size=(hidden_size, 1))
    b1, b2 = np.zeros(hidden_size), np.zeros(1)"""
HEADER = "def train_network(X, y, X_val, y_val, hidden_size, learning_rate, num_steps, weight_decay, dropout_p, rng):"
RECORD = ("train_losses.append(mse(predict((W1, b1, W2, b2), X), y))\n"
          "        val_losses.append(mse(predict((W1, b1, W2, b2), X_val), y_val))")


def train_source(init=INIT, record=RECORD, record_forward="", record_after="",
                 dropout="h, mask = dropout_forward(np.maximum(z, 0.0), dropout_p, 'train', rng)",
                 dout="2.0 * (pred - y) / n", dz="dropout_backward(dpred @ W2.T, mask) * (z > 0)",
                 update="W1, b1, W2, b2 = sgd_weight_decay_step((W1, b1, W2, b2), grads, learning_rate, weight_decay)",
                 returns="(W1, b1, W2, b2), np.array(train_losses), np.array(val_losses)"):
    """A student's train_network written in the notebook's recipe, with pieces replaced."""
    return f"""
{HEADER}{init}
    train_losses, val_losses = [], []
    for step in range(num_steps):
        {record}
        z = X @ W1 + b1
        {dropout}
        pred = h @ W2 + b2
        {record_forward}
        dpred = {dout}
        dz = {dz}
        grads = (X.T @ dz, dz.sum(axis=0), h.T @ dpred, dpred.sum(axis=0))
        {update}
        {record_after}
    return {returns}
"""


AFTER = dict(record="pass", record_after=RECORD)
NO_DECAY = dict(update="W1, b1, W2, b2 = (p - learning_rate * g for p, g in zip((W1, b1, W2, b2), grads))")
WITH_DROPOUT_LOSS = dict(record=RECORD.split("\n")[1].strip(), record_forward="train_losses.append(mse(pred, y))")
NO_DROPOUT = dict(dropout="h, mask = np.maximum(z, 0.0), np.ones_like(z)")

WRONG += [
    Wrong("train_network", train_source(**AFTER), "recorded after each step",
          "losses recorded after the update, from the recommended weights"),
    Wrong("train_network", train_source(init=GLOROT, **AFTER), None,
          "losses recorded after the update, from Glorot weights: no name can be checked"),
    Wrong("train_network", train_source(**NO_DECAY), "weight_decay was ignored", "plain gradient descent"),
    Wrong("train_network", train_source(init=GLOROT, **NO_DECAY), None, "plain gradient descent from Glorot weights"),
    Wrong("train_network", train_source(
        update="W1, b1, W2, b2 = ((1 - learning_rate * weight_decay) * p - learning_rate * g "
               "for p, g in zip((W1, b1, W2, b2), grads))"), "applied to the biases too", "every parameter decays"),
    Wrong("train_network", train_source(init=GLOROT, **NO_DROPOUT), None, "dropout_p ignored, Glorot weights"),
    Wrong("train_network", train_source(**NO_DROPOUT), "dropout_p was ignored", "dropout_p ignored"),
    Wrong("train_network", train_source(**WITH_DROPOUT_LOSS), "computed with dropout",
          "training losses from the training forward pass"),
    Wrong("train_network", train_source(init=GLOROT, **WITH_DROPOUT_LOSS), None,
          "training losses from the training forward pass, Glorot weights"),
    Wrong("train_network", train_source(record=RECORD.replace(
        "X), y)", "X), y) + 0.5 * weight_decay * (np.sum(W1 ** 2) + np.sum(W2 ** 2))")),
        "include the L2 penalty", "the penalized training loss recorded"),
    Wrong("train_network", train_source(dout="(pred - y) / n"), "not doubled", "the 2 of the square forgotten"),
    Wrong("train_network", train_source(init=GLOROT, dout="(pred - y) / n"), None,
          "the 2 of the square forgotten, Glorot weights"),
    Wrong("train_network", train_source(dz="dropout_backward(dpred @ W2.T, mask)"), None,
          "the ReLU's derivative left out"),
    Wrong("train_network", train_source(init=GLOROT, dout="2.0 * (pred - y)"), None,
          "the output gradient summed over the examples, not averaged: the run blows up"),
    Wrong("train_network", train_source(returns="(W1, b1, W2, b2), np.zeros(num_steps), np.zeros(num_steps)")
          .replace("range(num_steps)", "range(20)"), None, "20 steps whatever num_steps, losses left at zero"),
    Wrong("train_network", train_source(returns="(W1, b1, W2, b2), np.array(train_losses)"), None,
          "the validation losses are not returned"),
    Wrong("train_network", train_source(dz="dpred @ W2.T * (z > 0)"), "mask was not applied",
          "the backward pass ignores the dropout mask"),
    Wrong("train_network", train_source(returns="(W1, b1, W2, b2), train_losses, val_losses"), None,
          "losses returned as lists"),
    Wrong("train_network", train_source(init=INIT.replace("rng.normal", "np.random.normal")), None,
          "initial weights from the global random state"),
    Wrong("train_network", train_source(init=GLOROT, dz="dpred @ W2.T * mask"), None,
          "the ReLU's derivative left out, Glorot weights"),
    Wrong("train_network", train_source(record=RECORD.replace("X_val), y_val", "X), y")), None,
          "validation losses computed on the training set"),
    Wrong("train_network", train_source(returns="(W1, b1, W2, b2), np.array(train_losses, dtype=np.float32), "
                                                "np.array(val_losses)"), None, "float32 losses"),
    Wrong("train_network", train_source(
        returns="(W1, b1.reshape(1, -1), W2, b2), np.array(train_losses), np.array(val_losses)"), None,
        "b1 returned with shape (1, H)"),
]

CORRECT = [
    # ---- l2_penalty ----
    Correct("l2_penalty", """
def l2_penalty(params, lam):
    penalty, grads = 0.0, []
    for W in params:
        if len(W.shape) == 2:
            penalty += lam / 2 * np.linalg.norm(W) ** 2
            grads.append(lam * W)
        else:
            grads.append(np.zeros(W.shape))
    return float(penalty), tuple(grads)
""", "Frobenius norm, len(shape)"),
    Correct("l2_penalty", """
def l2_penalty(params, lam):
    weights = [W for W in params if W.ndim > 1]
    penalty = 0.5 * lam * sum(np.vdot(W, W) for W in weights)
    return penalty, tuple(lam * W if W.ndim > 1 else W * 0.0 for W in params)
""", "vdot, zeros by multiplying"),
    Correct("l2_penalty", """
def l2_penalty(params, lam):
    grads = tuple(lam * W if W.ndim == 2 else np.zeros_like(W) for W in params)
    penalty = 0.5 * sum(np.sum(g * W) for g, W in zip(grads, params))
    return penalty, grads
""", "penalty from the gradients: lam/2 * sum(W * W)"),

    # ---- l1_penalty ----
    Correct("l1_penalty", """
def l1_penalty(params, lam):
    penalty, grads = 0.0, []
    for W in params:
        if W.ndim == 2:
            penalty += lam * np.abs(W).sum()
            grads.append(np.where(W > 0, lam, np.where(W < 0, -lam, 0.0)))
        else:
            grads.append(np.zeros_like(W))
    return penalty, tuple(grads)
""", "nested np.where"),
    Correct("l1_penalty", """
def l1_penalty(params, lam):
    grads = tuple(lam * ((W > 0).astype(float) - (W < 0)) if W.ndim == 2 else np.zeros_like(W) for W in params)
    return lam * sum(np.linalg.norm(W.ravel(), 1) for W in params if W.ndim == 2), grads
""", "sign from two masks, L1 norm of the flattened matrix"),
    Correct("l1_penalty", """
def l1_penalty(params, lam):
    total = 0.0
    grads = []
    for W in params:
        g = np.zeros_like(W)
        if W.ndim == 2:
            total += np.sum(np.abs(W))
            g[W > 0] = lam
            g[W < 0] = -lam
        grads.append(g)
    return lam * total, tuple(grads)
""", "masked assignment"),

    # ---- sgd_weight_decay_step ----
    Correct("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    return tuple((1 - learning_rate * weight_decay) * p - learning_rate * g if p.ndim == 2
                 else p - learning_rate * g for p, g in zip(params, grads))
""", "shrink first: (1 - lr wd) W - lr dW"),
    Correct("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    new = []
    for p, g in zip(params, grads):
        q = p.copy()
        q -= learning_rate * g
        if q.ndim == 2:
            q -= learning_rate * weight_decay * p
        new.append(q)
    return tuple(new)
""", "in place on copies"),
    Correct("sgd_weight_decay_step", """
def sgd_weight_decay_step(params, grads, learning_rate, weight_decay):
    decay = [weight_decay * p if len(p.shape) > 1 else np.zeros_like(p) for p in params]
    return tuple(p - learning_rate * (g + d) for p, g, d in zip(params, grads, decay))
""", "decay terms first"),

    # ---- dropout_forward ----
    Correct("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "train":
        u = rng.random(x.shape)
        mask = np.where(u >= p, 1.0 / (1.0 - p), 0.0)
        return x * mask, mask
    return x.copy(), np.ones(x.shape)
""", "np.where"),
    Correct("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode != "train":
        return x, np.ones_like(x)
    keep = rng.random(x.shape) >= p
    mask = keep.astype(np.float64) / (1 - p)
    out = np.zeros_like(x)
    out[keep] = x[keep] / (1 - p)
    return out, mask
""", "returns x itself in eval mode, fills the kept units"),
    Correct("dropout_forward", """
def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x * 1.0, np.ones_like(x)
    mask = rng.random(x.shape)
    mask = (mask >= p) * (1 / (1 - p))
    return mask * x, mask
""", "reuses the variable"),

    # ---- dropout_backward ----
    Correct("dropout_backward", "def dropout_backward(dout, mask):\n    return np.multiply(dout, mask)", "np.multiply"),
    Correct("dropout_backward", """
def dropout_backward(dout, mask):
    dx = dout.copy()
    dx *= mask
    return dx
""", "in place on a copy"),
    Correct("dropout_backward", """
def dropout_backward(dout, mask):
    return np.where(mask != 0, dout * mask, 0.0)
""", "np.where"),

    # ---- smooth_labels ----
    Correct("smooth_labels", """
def smooth_labels(one_hot, eps):
    C = one_hot.shape[-1]
    return one_hot * (1.0 - eps) + np.full(one_hot.shape, eps / C)
""", "np.full"),
    Correct("smooth_labels", """
def smooth_labels(one_hot, eps):
    C = one_hot.shape[1]
    q = np.full_like(one_hot, eps / C)
    q[one_hot == 1] += 1 - eps
    return q
""", "adds 1 - eps to the true class"),
    Correct("smooth_labels", """
def smooth_labels(one_hot, eps):
    return one_hot - eps * (one_hot - 1.0 / one_hot.shape[1])
""", "one expression"),

    # ---- add_gaussian_noise ----
    Correct("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    return x + rng.normal(0.0, std, size=x.shape)
""", "rng.normal with the scale"),
    Correct("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    noise = rng.standard_normal(x.size).reshape(x.shape)
    return x + std * noise
""", "flat draw reshaped"),
    Correct("add_gaussian_noise", """
def add_gaussian_noise(x, std, rng):
    out = x.copy()
    out += rng.normal(scale=std, size=x.shape)
    return out
""", "in place on a copy"),

    # ---- train_network ----
    Correct("train_network", train_source(), "the recipe, losses gathered in lists"),
    Correct("train_network", train_source(init=GLOROT, update="""shrink = 1 - learning_rate * weight_decay
        W1, W2 = shrink * W1 - learning_rate * grads[0], shrink * W2 - learning_rate * grads[2]
        b1, b2 = b1 - learning_rate * grads[1], b2 - learning_rate * grads[3]"""),
        "Glorot weights, the update written out"),
    Correct("train_network", f"""
{HEADER}
    n, d = X.shape
    W2 = rng.standard_normal((hidden_size, 1)) / np.sqrt(hidden_size)
    W1 = rng.standard_normal((d, hidden_size)) / np.sqrt(d)
    params = [W1, np.zeros(hidden_size), W2, np.zeros(1)]
    train_losses, val_losses = np.empty(num_steps), np.empty(num_steps)
    for step in range(num_steps):
        train_losses[step] = mse(predict(params, X), y)
        val_losses[step] = mse(predict(params, X_val), y_val)
        W1, b1, W2, b2 = params
        z = X @ W1 + b1
        mask = (rng.random(z.shape) >= dropout_p) / (1 - dropout_p)
        h = np.maximum(z, 0) * mask
        err = (h @ W2 + b2 - y) * 2 / n
        dh = (err @ W2.T) * mask * (z > 0)
        grads = [X.T @ dh, dh.sum(0), h.T @ err, err.sum(0)]
        params = [p - learning_rate * (g + weight_decay * p * (p.ndim == 2)) for p, g in zip(params, grads)]
    return tuple(params), train_losses, val_losses
""", "LeCun weights drawn W2 first, inline dropout, arrays preallocated"),
    Correct("train_network", train_source(init=INIT.replace("np.sqrt(2.0 / d)", "0.01").replace(
        "np.sqrt(1.0 / hidden_size)", "0.01")), "small normal weights (0.01)"),
]
