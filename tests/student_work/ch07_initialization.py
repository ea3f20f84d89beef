"""Chapter 7 students' implementations (see ``student_work``)."""
from student_work import Correct, Wrong

CHAPTER = "07_initialization"

ZEROS_INIT = [
    Wrong("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return np.zeros([fan_out, fan_in])
""", "the shape is (fan_out, fan_in)", "rows and columns swapped"),
    Wrong("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return np.zeros((fan_in, fan_out), dtype=int)
""", "integer zeros", "dtype=int"),
    Wrong("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return np.zeros(fan_in * fan_out)
""", None, "a flat vector"),
    Wrong("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return 0.0 * rng.standard_normal((fan_in, fan_out))
""", None, "draws from the rng it must not use (it may be None)"),
    Wrong("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return np.zeros((fan_in, fan_out), dtype=np.float32)
""", None, "float32"),
    Wrong("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return [[0.0] * fan_out for _ in range(fan_in)]
""", None, "a list of lists"),
]

ZEROS_INIT_CORRECT = [
    Correct("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return np.zeros(shape=(fan_in, fan_out), dtype=float)
""", "keyword arguments"),
    Correct("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return np.full((fan_in, fan_out), 0.0)
""", "np.full"),
    Correct("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    W = np.empty((fan_in, fan_out))
    W[:] = 0
    return W
""", "filled in place"),
    Correct("zeros_init", """
def zeros_init(fan_in, fan_out, rng):
    return np.array([[0.0 for _ in range(fan_out)] for _ in range(fan_in)])
""", "built from Python lists"),
]

# ---- unit_spread ----

UNIT_SPREAD = [
    Wrong("unit_spread", """
def unit_spread(params):
    W1 = params[0]
    return float(np.max(np.abs(W1 - W1[:, 0:1])))
""", "only the incoming weights W1", "W1 only"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, b2 = params
    return float(max(np.abs(W1 - W1[:, [0]]).max(), np.abs(W2 - W2[[0]]).max()))
""", "b1 was left out", "no bias"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, b2 = params
    return float(max(np.abs(W1 - W1[0]).max(), np.abs(b1 - b1[0]).max(), np.abs(W2 - W2[0]).max()))
""", "W1 was compared row by row", "W1 - W1[0] compares rows"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, b2 = params
    d1 = np.abs(W1 - W1[:, :1]).max()
    d2 = np.abs(b1 - b1[0]).max()
    d3 = np.abs(W2 - W2[:, :1]).max()
    return float(max(d1, d2, d3))
""", "W2 was compared column by column", "W2's columns instead of its rows"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    units = np.column_stack([W1.T, b1, W2])
    return float(np.ptp(units, axis=0).max())
""", None, "the range over units, not the distance from unit 0"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    return float(np.abs(W1 - W1[:, :1]).sum() + np.abs(b1 - b1[0]).sum() + np.abs(W2 - W2[:1]).sum())
""", None, "sums the differences"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    W1 -= W1[:, :1].copy()
    b1 -= b1[0]
    W2 -= W2[:1].copy()
    return float(max(np.abs(W1).max(), np.abs(b1).max(), np.abs(W2).max()))
""", None, "subtracts unit 0 in place, changing params"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    return float(max(np.abs(W1[:, 1:] - W1[:, :1]).max(), np.abs(b1[1:] - b1[0]).max(),
                     np.abs(W2[1:] - W2[:1]).max()))
""", None, "max of an empty array when there is one hidden unit"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    if (W1 == W1[:, :1]).all() and (b1 == b1[0]).all() and (W2 == W2[:1]).all():
        return 0
    return float(max(np.abs(W1 - W1[:, :1]).max(), np.abs(b1 - b1[0]).max(), np.abs(W2 - W2[:1]).max()))
""", None, "the integer 0 for identical units"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    units = np.hstack([W1.T, b1[:, None], W2])
    return float(units.std(axis=0).max())
""", None, "standard deviation over units"),
    Wrong("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    units = np.hstack([W1.T, b1[:, None], W2])
    return float(np.abs(np.diff(units, axis=0)).max()) if len(units) > 1 else 0.0
""", None, "differences between neighbouring units, not from unit 0"),
]

UNIT_SPREAD_CORRECT = [
    Correct("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    units = np.column_stack([W1.T, b1, W2])  # row j: all numbers of hidden unit j
    return float(np.abs(units - units[0]).max())
""", "one matrix of units"),
    Correct("unit_spread", """
def unit_spread(params):
    W1, b1, W2, b2 = params
    spread = 0.0
    for j in range(W1.shape[1]):
        spread = max(spread, np.max(np.abs(W1[:, j] - W1[:, 0])), abs(b1[j] - b1[0]),
                     np.max(np.abs(W2[j, :] - W2[0, :])))
    return float(spread)
""", "a loop over units"),
    Correct("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    diffs = np.concatenate([(W1 - W1[:, [0]]).ravel(), b1 - b1[0], (W2 - W2[[0], :]).ravel()])
    return float(np.abs(diffs).max())
""", "all differences in one vector"),
    Correct("unit_spread", """
def unit_spread(params):
    W1, b1, W2, _ = params
    return max(np.abs(W1.T - W1.T[0]).max(), np.abs(b1 - b1[0]).max(), np.abs(W2 - W2[0]).max())
""", "returns a numpy float64 scalar"),
]

# ---- train_tanh_net ----

TRAIN = """
def train_tanh_net(X, Y, params, learning_rate, num_steps):
    W1, b1, W2, b2 = {start}
    N = X.shape[0]
    spreads = [unit_spread(params)]
    for step in range(num_steps):
        Z = X @ W1 + b1
        H = np.tanh(Z)
        P = H @ W2 + b2
        dP = {dP}
        dW2, db2 = H.T @ dP, dP.sum(axis=0)
        dH = dP @ W2.T
        dZ = dH * {slope}
        dW1, db1 = X.T @ dZ, {db1}
        {update}
        spreads.append(unit_spread({recorded}))
    return (W1, b1, W2, b2), np.array(spreads)
"""

UPDATE = ("W1 = W1 - learning_rate * dW1\n        b1 = b1 - learning_rate * db1\n"
          "        W2 = W2 - learning_rate * dW2\n        b2 = b2 - learning_rate * db2")
IN_PLACE = ("W1 -= learning_rate * dW1\n        b1 -= learning_rate * db1\n"
            "        W2 -= learning_rate * dW2\n        b2 -= learning_rate * db2")


def train(start="params", dP="(P - Y) / N", slope="(1 - H ** 2)", db1="dZ.sum(axis=0)", update=UPDATE,
          recorded="(W1, b1, W2, b2)"):
    """A student's train_tanh_net with one part swapped."""
    return TRAIN.format(start=start, dP=dP, slope=slope, db1=db1, update=update, recorded=recorded)


TRAIN_TANH_NET = [
    Wrong("train_tanh_net", train(update=IN_PLACE), None, "updates the caller's arrays in place"),
    Wrong("train_tanh_net", train(dP="P - Y"), "not divided by N", "sum instead of mean"),
    Wrong("train_tanh_net", train(dP="2 * (P - Y) / N"), "dP was doubled", "the derivative of the mean of squares"),
    Wrong("train_tanh_net", train(slope="(1 - Z ** 2)"), "1 - Z**2", "tanh' from the pre-activation"),
    Wrong("train_tanh_net", """
def train_tanh_net(X, Y, params, learning_rate, num_steps):
    W1, b1, W2, b2 = params
    spreads = [unit_spread(params)]
    for _ in range(num_steps):
        H = np.tanh(X @ W1 + b1)
        dP = (H @ W2 + b2 - Y) / len(X)
        W2 = W2 - learning_rate * H.T @ dP  # the output layer first ...
        b2 = b2 - learning_rate * dP.sum(axis=0)
        dZ = dP @ W2.T * (1 - H ** 2)  # ... then backpropagate through the new W2
        W1 = W1 - learning_rate * X.T @ dZ
        b1 = b1 - learning_rate * dZ.sum(axis=0)
        spreads.append(unit_spread((W1, b1, W2, b2)))
    return (W1, b1, W2, b2), np.array(spreads)
""", "W2 was updated before it sent the gradient back", "W2 stepped before backpropagating"),
    Wrong("train_tanh_net", train(dP="(Y - P) / N"), None, "the gradient's sign flipped: ascent"),
    Wrong("train_tanh_net", train(db1="dZ.mean(axis=0)"), None, "b1's gradient divided by N twice"),
    Wrong("train_tanh_net", train(update="W1 = W1 - learning_rate * dW1\n        W2 = W2 - learning_rate * dW2"),
          None, "the biases are never updated"),
    Wrong("train_tanh_net", train(recorded="params"), None, "records the spread of the starting parameters"),
    Wrong("train_tanh_net", """
def train_tanh_net(X, Y, params, learning_rate, num_steps):
    W1, b1, W2, b2 = params
    spreads = []
    for _ in range(num_steps):
        spreads.append(unit_spread((W1, b1, W2, b2)))
        H = np.tanh(X @ W1 + b1)
        dP = (H @ W2 + b2 - Y) / len(X)
        dZ = dP @ W2.T * (1 - H ** 2)
        W1, b1, W2, b2 = (W1 - learning_rate * X.T @ dZ, b1 - learning_rate * dZ.sum(0),
                          W2 - learning_rate * H.T @ dP, b2 - learning_rate * dP.sum(0))
    return (W1, b1, W2, b2), np.array(spreads)
""", None, "the spread before each step only, none after the last"),
    Wrong("train_tanh_net", """
def train_tanh_net(X, Y, params, learning_rate, num_steps):
    W1, b1, W2, b2 = params
    spreads = []
    for step in range(num_steps):
        if step == 0:
            spreads.append(unit_spread(params))
        H = np.tanh(X @ W1 + b1)
        dP = (H @ W2 + b2 - Y) / len(X)
        dZ = dP @ W2.T * (1 - H ** 2)
        W1, b1, W2, b2 = (W1 - learning_rate * X.T @ dZ, b1 - learning_rate * dZ.sum(0),
                          W2 - learning_rate * H.T @ dP, b2 - learning_rate * dP.sum(0))
        spreads.append(unit_spread((W1, b1, W2, b2)))
    return (W1, b1, W2, b2), np.array(spreads)
""", None, "no starting spread when num_steps is 0"),
    Wrong("train_tanh_net", train().replace("np.array(spreads)", "spreads"), None, "spreads returned as a list"),
]

TRAIN_TANH_NET_CORRECT = [
    Correct("train_tanh_net", train(start="[p.copy() for p in params]", update=IN_PLACE),
            "in-place updates on copies"),
    Correct("train_tanh_net", train(slope="(1 - np.tanh(Z) ** 2)", db1="np.sum(dZ, axis=0)"),
            "tanh' recomputed from Z"),
    Correct("train_tanh_net", train(slope="np.cosh(Z) ** -2"), "tanh' as 1 / cosh(Z)**2"),
    Correct("train_tanh_net", """
def train_tanh_net(X, Y, params, learning_rate, num_steps):
    params = tuple(params)
    spreads = np.zeros(num_steps + 1)
    spreads[0] = unit_spread(params)
    for t in range(1, num_steps + 1):
        W1, b1, W2, b2 = params
        H = np.tanh(X @ W1 + b1)
        err = H @ W2 + b2 - Y
        grads = (X.T @ ((err @ W2.T) * (1 - H * H)) / len(X), ((err @ W2.T) * (1 - H * H)).mean(axis=0),
                 H.T @ err / len(X), err.mean(axis=0))
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
        spreads[t] = unit_spread(params)
    return params, spreads
""", "gradients of the summed error divided by N at the end; preallocated spreads"),
    Correct("train_tanh_net", """
def train_tanh_net(X, Y, params, learning_rate, num_steps):
    W1, b1, W2, b2 = params
    n = len(X)
    spreads = [unit_spread(params)]
    for _ in range(num_steps):
        g = {"W1": np.zeros_like(W1), "b1": np.zeros_like(b1), "W2": np.zeros_like(W2), "b2": np.zeros_like(b2)}
        for x, y in zip(X, Y):  # one sample at a time
            h = np.tanh(x @ W1 + b1)
            dp = (h @ W2 + b2 - y) / n
            dz = (W2 @ dp) * (1 - h ** 2)
            g["W2"] += np.outer(h, dp)
            g["b2"] += dp
            g["W1"] += np.outer(x, dz)
            g["b1"] += dz
        W1, b1, W2, b2 = W1 - learning_rate * g["W1"], b1 - learning_rate * g["b1"], \\
            W2 - learning_rate * g["W2"], b2 - learning_rate * g["b2"]
        spreads.append(unit_spread((W1, b1, W2, b2)))
    return (W1, b1, W2, b2), np.array(spreads)
""", "gradients summed sample by sample"),
    Correct("train_tanh_net", """
def train_tanh_net(X, Y, params, learning_rate, num_steps):
    current = list(params)
    spreads = [unit_spread(params)]
    for _ in range(num_steps):
        W1, b1, W2, b2 = current
        H = np.tanh(X @ W1 + b1)
        dP = (H @ W2 + b2 - Y) / X.shape[0]
        dZ = (dP @ W2.T) * (1 - H ** 2)
        current = [W1 - learning_rate * np.einsum("nd,nh->dh", X, dZ), b1 - learning_rate * dZ.sum(0),
                   W2 - learning_rate * np.einsum("nh,nc->hc", H, dP), b2 - learning_rate * dP.sum(0)]
        spreads.append(unit_spread(tuple(current)))
    return tuple(current), np.array(spreads)
""", "einsum and a list of parameters"),
]

# ---- the initializers: each judged by its distribution and by its draws ----

INITIALIZERS = [
    Wrong("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_out)
""", "fan_out used instead of fan_in", "divides by sqrt(fan_out)"),
    Wrong("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(scale=1 / fan_in, size=(fan_in, fan_out))
""", "missing square root", "the variance as scale"),
    Wrong("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=(fan_in, fan_out))
""", "Xavier's rule delivered as LeCun", "Glorot's variance"),
    Wrong("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(3 / fan_in), size=(fan_in, fan_out))
""", "was used as the normal's standard deviation", "the uniform's bound as std"),
    Wrong("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    return np.random.randn(fan_in, fan_out) / np.sqrt(fan_in)
""", None, "numpy's global random state"),
    Wrong("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(1 / np.sqrt(fan_in), size=(fan_in, fan_out))
""", None, "the std passed as the mean (loc)"),
    Wrong("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    a = 1 / np.sqrt(fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))
""", "uniform bound was computed from the normal's standard deviation", "bound = std"),
    Wrong("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(3.0 / fan_out)
    return rng.uniform(-limit, limit, (fan_in, fan_out))
""", "fan_out used instead of fan_in", "fan_out in the bound"),
    Wrong("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    limit = 3.0 / fan_in
    return limit * (2 * rng.random((fan_in, fan_out)) - 1)
""", "missing square root", "bound without its square root, drawn through rng.random"),
    Wrong("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    return rng.uniform(0, np.sqrt(3 / fan_in), size=(fan_in, fan_out))
""", None, "U(0, a): not centred"),
    Wrong("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    a = np.sqrt(3 / fan_in)
    return 2 * a * rng.random((fan_in, fan_out))
""", None, "forgot to subtract a"),
    Wrong("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    a = np.sqrt(3 / fan_in)
    return a * (2 * rng.random((fan_in, fan_out), dtype=np.float32) - 1)
""", None, "float32 draws: another random stream, scaled to float64"),
    Wrong("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    std = 1 / fan_in ** 0.5
    return std * rng.standard_normal((fan_in, fan_out))
""", "LeCun's rule delivered as Xavier", "LeCun's variance"),
    Wrong("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(1 / (fan_in + fan_out)), size=(fan_in, fan_out))
""", "the 2 of Xavier's variance", "1 / (fan_in + fan_out)"),
    Wrong("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    return rng.normal(0, 2 / (fan_in + fan_out), size=(fan_in, fan_out))
""", "missing square root", "the variance as scale"),
    Wrong("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    std = np.sqrt(2 / (fan_in + fan_out))
    return rng.normal(0, std, size=(fan_out, fan_in)).T
""", "transposed", "drawn as (fan_out, fan_in): right distribution, numbers in other places"),
    Wrong("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_in + fan_out), size=(fan_in, fan_out))
""", None, "operator precedence: 2 / fan_in + fan_out"),
    Wrong("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    np.random.seed(0)
    return np.random.normal(0, np.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))
""", None, "a fixed seed of numpy's global random state"),
    Wrong("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(2 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))
""", "uniform bound was computed from the normal's standard deviation", "the normal's std as bound"),
    Wrong("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(3 / fan_in)
    return rng.uniform(low=-a, high=a, size=(fan_in, fan_out))
""", "LeCun's rule delivered as Xavier", "LeCun's bound"),
    Wrong("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))
""", None, "He's bound"),
    Wrong("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / fan_in + fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))
""", None, "operator precedence: 6 / fan_in + fan_out"),
    Wrong("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out)).tolist()
""", None, "a list of lists"),
    Wrong("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return np.column_stack([rng.uniform(-a, a, fan_in) for _ in range(fan_out)])
""", "transposed", "drawn column by column"),
    Wrong("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, fan_out))
""", "ReLU gain missing for He", "LeCun's variance"),
    Wrong("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_out), (fan_in, fan_out))
""", "fan_out used instead of fan_in", "fan_out"),
    Wrong("he_normal", """
def he_normal(fan_in, fan_out, rng):
    var = 2 / fan_in
    return rng.normal(0, var, (fan_in, fan_out))
""", "missing square root", "the variance as scale"),
    Wrong("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2) / fan_in, (fan_in, fan_out))
""", None, "square root in the wrong place"),
    Wrong("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out)).astype(np.float32)
""", None, "float32"),
    Wrong("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out), dtype=np.float32) * np.sqrt(2 / fan_in)
""", None, "float32 draws: another random stream, scaled to float64"),
    Wrong("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return np.random.default_rng().normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out))
""", None, "a fresh generator instead of the rng argument"),
    Wrong("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(3 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out))
""", "ReLU gain missing for He", "LeCun's bound"),
    Wrong("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(2 / fan_in)
    return (rng.random((fan_in, fan_out)) - 0.5) * 2 * bound
""", "uniform bound was computed from the normal's standard deviation", "the normal's std as bound"),
    Wrong("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6 / fan_out)
    return rng.uniform(-bound, bound, (fan_in, fan_out))
""", "fan_out used instead of fan_in", "fan_out"),
    Wrong("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out))
""", None, "a normal with the right variance"),
    Wrong("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6 / fan_in)
    return rng.uniform(-bound, bound, (fan_out, fan_in))
""", None, "shape (fan_out, fan_in)"),
    Wrong("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6) / fan_in
    return rng.uniform(-bound, bound, (fan_in, fan_out))
""", None, "square root in the wrong place"),
]

INITIALIZERS_CORRECT = [
    Correct("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(1 / fan_in)
""", "standard normals scaled"),
    Correct("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(loc=0.0, scale=1 / np.sqrt(fan_in), size=[fan_in, fan_out])
""", "keywords and a list as size"),
    Correct("lecun_normal", """
def lecun_normal(fan_in, fan_out, rng):
    std = fan_in ** -0.5
    return np.array([rng.normal(0, std, fan_out) for _ in range(fan_in)])
""", "row by row: the same stream"),
    Correct("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    a = np.sqrt(3 / fan_in)
    return a * (2 * rng.random((fan_in, fan_out)) - 1)
""", "rng.random mapped onto [-a, a)"),
    Correct("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(3.0) / np.sqrt(fan_in)
    return rng.uniform(low=-limit, high=limit, size=(fan_in, fan_out))
""", "the bound as sqrt(3) / sqrt(fan_in)"),
    Correct("lecun_uniform", """
def lecun_uniform(fan_in, fan_out, rng):
    return rng.uniform(-1.0, 1.0, size=(fan_in, fan_out)) * np.sqrt(3 / fan_in)
""", "U(-1, 1) scaled"),
    Correct("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    fan_avg = (fan_in + fan_out) / 2
    return rng.normal(0.0, np.sqrt(1.0 / fan_avg), (fan_in, fan_out))
""", "1 / fan_avg"),
    Correct("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    return np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal(size=(fan_in, fan_out))
""", "standard normals scaled"),
    Correct("xavier_normal", """
def xavier_normal(fan_in, fan_out, rng):
    std = np.sqrt(2 / (fan_in + fan_out))
    return rng.normal(0, std, fan_in * fan_out).reshape(fan_in, fan_out)
""", "a flat draw reshaped"),
    Correct("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return -a + 2 * a * rng.random((fan_in, fan_out))
""", "rng.random mapped onto [-a, a)"),
    Correct("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(3 / ((fan_in + fan_out) / 2))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
""", "the bound from fan_avg"),
    Correct("xavier_uniform", """
def xavier_uniform(fan_in, fan_out, rng):
    std = np.sqrt(2 / (fan_in + fan_out))
    return rng.uniform(-np.sqrt(3) * std, np.sqrt(3) * std, (fan_in, fan_out))
""", "the bound as sqrt(3) times the standard deviation"),
    Correct("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * (2 / fan_in) ** 0.5
""", "standard normals scaled"),
    Correct("he_normal", """
def he_normal(fan_in, fan_out, rng):
    return np.sqrt(2) * rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, fan_out))
""", "LeCun's draw times the gain sqrt(2)"),
    Correct("he_normal", """
def he_normal(fan_in, fan_out, rng):
    W = np.empty((fan_in, fan_out))
    for i in range(fan_in):
        for j in range(fan_out):
            W[i, j] = rng.normal(0.0, np.sqrt(2.0 / fan_in))
    return W
""", "one draw per entry, in row order"),
    Correct("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    a = (6 / fan_in) ** 0.5
    return (2 * rng.random(size=(fan_in, fan_out)) - 1) * a
""", "rng.random mapped onto [-a, a)"),
    Correct("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(3) * np.sqrt(2 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
""", "the bound as sqrt(3) times He's standard deviation"),
    Correct("he_uniform", """
def he_uniform(fan_in, fan_out, rng):
    import math
    a = math.sqrt(6.0 / fan_in)
    return rng.uniform(size=(fan_in, fan_out), low=-a, high=a)
""", "math.sqrt and keywords in another order"),
]

# ---- layer_statistics ----

NETWORK = """
def layer_statistics(X, dout, init, activation, widths, rng):
    f, f_prime = ACTIVATIONS[activation]
    Hs, Zs, Ws = [X], [], []
    for width in widths:
        Ws.append(init(Hs[-1].shape[1], width, rng))
        Zs.append(Hs[-1] @ Ws[-1])
        Hs.append(f(Zs[-1]))
    act_std = np.array([{std} for H in Hs[1:]])
    grad_norm = np.zeros(len(widths))
    dH = dout
    for l in range(len(widths) - 1, -1, -1):
        dZ = {dZ}
        grad_norm[l] = {norm}
        dH = dZ @ Ws[l].T
    return act_std, {grad_norm}
"""


def network(std="H.std()", dZ="dH * f_prime(Zs[l])", norm="np.linalg.norm(Hs[l].T @ dZ)", grad_norm="grad_norm"):
    """A student's layer_statistics with one part swapped."""
    return NETWORK.format(std=std, dZ=dZ, norm=norm, grad_norm=grad_norm)


LAYER_STATISTICS = [
    Wrong("layer_statistics", network(std="np.std(Z)").replace("for H in Hs[1:]", "for Z in Zs"),
          "pre-activations Z", "the std of Z"),
    Wrong("layer_statistics", network(std="np.sqrt(((H - H.mean()) ** 2).sum() / (H.size - 1))"),
          "ddof=1", "divides by the count minus one"),
    Wrong("layer_statistics", network(std="np.mean(H.std(axis=0))"), "each unit averaged over units", "per unit"),
    Wrong("layer_statistics", network().replace("for H in Hs[1:]", "for H in Hs[:-1]"),
          "one layer too early", "the std of each layer's input"),
    Wrong("layer_statistics", network(grad_norm="grad_norm[::-1]"), "listed from the output down", "reversed"),
    Wrong("layer_statistics", network(norm="np.linalg.norm(dZ)"), "the norm of the delta dL/dZ", "dZ's norm"),
    Wrong("layer_statistics", network(dZ="dH * f_prime(Hs[l + 1])"), "evaluated at the activation H",
          "f' of H"),
    Wrong("layer_statistics", network(dZ="dH"), "left out f'", "no activation derivative"),
    Wrong("layer_statistics", network(norm="np.linalg.norm(Hs[l].T @ dZ, ord=2)"), "spectral norm", "ord=2"),
    Wrong("layer_statistics", network(dZ="dH; dZ *= f_prime(Zs[l])"), None,
          "multiplies dout in place on the first step back"),
    Wrong("layer_statistics", network(dZ="dH * (Zs[l] >= 0) if activation == 'relu' else dH * f_prime(Zs[l])"),
          None, "its own ReLU slope, 1 at z == 0"),
    Wrong("layer_statistics", network().replace("init(Hs[-1].shape[1], width, rng)",
                                                "init(width, Hs[-1].shape[1], rng).T"),
          None, "init called as (fan_out, fan_in)"),
    Wrong("layer_statistics", network().replace("rng))", "np.random.default_rng(0)))"), None,
          "passes its own generator to init"),
    Wrong("layer_statistics", """
def layer_statistics(X, dout, init, activation, widths, rng):
    f, f_prime = ACTIVATIONS[activation]
    sizes = (X.shape[1],) + widths
    Ws = [init(sizes[l], sizes[l + 1], rng) for l in range(len(widths))]
    Hs, Zs = [X], []
    for W in Ws:
        Zs.append(Hs[-1] @ W)
        Hs.append(f(Zs[-1]))
    act_std, grad_norm, dH = [], [], dout
    for l in reversed(range(len(Ws))):
        dZ = dH * f_prime(Zs[l])
        grad_norm.insert(0, np.linalg.norm(Hs[l].T @ dZ))
        dH = dZ @ Ws[l].T
    return np.array([H.std() for H in Hs[1:]]), np.array(grad_norm)
""", None, "tuple concatenation: fails when widths is a list"),
    Wrong("layer_statistics", network().replace("return act_std, grad_norm", "return list(act_std), list(grad_norm)"),
          None, "returns lists"),
    Wrong("layer_statistics", network().replace("        Hs.append(f(Zs[-1]))",
                                                "        Hs.append(f(Zs[-1]) if len(Zs) < len(widths) else Zs[-1])"),
          None, "the last layer left linear"),
]

LAYER_STATISTICS_CORRECT = [
    Correct("layer_statistics", network(std="np.sqrt(np.mean((H - H.mean()) ** 2))",
                                        norm="np.sqrt(np.sum((Hs[l].T @ dZ) ** 2))"), "hand-written std and norm"),
    Correct("layer_statistics", network(norm="np.linalg.norm(np.einsum('ni,nj->ij', Hs[l], dZ), 'fro')"),
            "einsum and 'fro'"),
    Correct("layer_statistics", """
def layer_statistics(X, dout, init, activation, widths, rng):
    f = ACTIVATIONS[activation][0]
    slope = {"linear": lambda z, h: np.ones_like(h), "tanh": lambda z, h: 1 - h ** 2,
             "relu": lambda z, h: (z > 0).astype(float), "sigmoid": lambda z, h: h * (1 - h)}[activation]
    fans = [X.shape[1], *widths]
    Ws = [init(fans[l], fans[l + 1], rng) for l in range(len(widths))]
    cache, h = [], X
    for W in Ws:
        z = h @ W
        cache.append((h, z, f(z)))
        h = cache[-1][2]
    grads, g = [], dout
    for (h_prev, z, h), W in zip(cache[::-1], Ws[::-1]):
        g = g * slope(z, h)
        grads.append(np.linalg.norm(h_prev.T @ g))
        g = g @ W.T
    return np.array([c[2].std() for c in cache]), np.array(grads[::-1])
""", "the weights drawn first; derivatives from the activations"),
    Correct("layer_statistics", """
def layer_statistics(X, dout, init, activation, widths, rng):
    f, f_prime = ACTIVATIONS[activation]
    K = len(widths)
    act_std, grad_norm = np.empty(K), np.empty(K)
    H, layers = X, []
    for l in range(K):
        W = init(H.shape[1], widths[l], rng)
        Z = H @ W
        layers.append((H, W, Z))
        H = f(Z)
        act_std[l] = np.std(H)
    G = dout.copy()
    for l in range(K - 1, -1, -1):
        H_prev, W, Z = layers[l]
        G *= f_prime(Z)
        grad_norm[l] = np.linalg.norm(H_prev.T @ G)
        G = G @ W.T
    return act_std, grad_norm
""", "in-place multiply on a copy of dout"),
    Correct("layer_statistics", network(grad_norm="grad_norm.copy()").replace(
        "act_std = np.array([{std} for H in Hs[1:]])".format(std="H.std()"),
        "act_std = np.array(list(map(np.std, Hs[1:])))"), "map over the activations"),
]

# ---- orthogonal_init ----

ORTHOGONAL_INIT = [
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.standard_normal((fan_in, fan_out))
    if fan_in >= fan_out:
        return gain * np.linalg.qr(A)[0]
    return gain * np.linalg.qr(A.T)[0].T
""", "no sign correction", "Q straight from np.linalg.qr, its signs left as LAPACK chose them"),
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.standard_normal((fan_in, fan_out))
    Q, R = np.linalg.qr(A)
    return gain * Q * np.sign(np.diag(R))
""", "square Q of shape (fan_in, fan_in)", "factors A itself also when it is wide"),
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    flip = fan_in < fan_out
    A = rng.standard_normal((fan_in, fan_out))
    Q, R = np.linalg.qr(A.T if flip else A)
    Q *= np.sign(np.diag(R))
    W = gain * (Q.T if flip else Q)
    return gain * W
""", "applied twice", "multiplies by the gain a second time"),
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = np.random.standard_normal((fan_in, fan_out))
    flip = fan_in < fan_out
    Q, R = np.linalg.qr(A.T if flip else A)
    Q = Q * np.sign(np.diag(R))
    return gain * (Q.T if flip else Q)
""", None, "numpy's global random state instead of rng"),
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.standard_normal((fan_in, fan_out))
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    return gain * U @ Vt
""", "from the SVD", "the orthogonal polar factor U Vt: orthogonal, other numbers"),
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    A = rng.normal(size=(rows, cols))
    Q, R = np.linalg.qr(A)
    Q = Q * np.sign(np.diag(R))
    return gain * (Q if fan_in >= fan_out else Q.T)
""", "drawn with the tall shape", "draws the tall shape directly: other numbers for a wide W"),
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.standard_normal((fan_in, fan_out))
    wide = fan_in < fan_out
    Q, R = np.linalg.qr(A.T if wide else A)
    return gain * Q * np.sign(np.diag(R))
""", "not transposed back", "returns the (fan_out, fan_in) Q of A.T for a wide W"),
    Wrong("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.standard_normal((fan_in, fan_out))
    wide = fan_in < fan_out
    Q, R = np.linalg.qr(A.T if wide else A)
    Q = Q * np.sign(np.diag(R))
    return np.sqrt(gain) * (Q.T if wide else Q)
""", None, "the square root of the gain, as if gain were a variance"),
]

ORTHOGONAL_INIT_CORRECT = [
    Correct("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.standard_normal((fan_in, fan_out))
    M = A if fan_in >= fan_out else A.T
    Q = np.zeros_like(M)
    for k in range(M.shape[1]):
        v = M[:, k] - Q[:, :k] @ (Q[:, :k].T @ M[:, k])
        v = v - Q[:, :k] @ (Q[:, :k].T @ v)  # a second pass for round-off
        Q[:, k] = v / np.linalg.norm(v)
    return gain * (Q if fan_in >= fan_out else Q.T)
""", "Gram-Schmidt by hand: R's diagonal is positive by construction"),
    Correct("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out))
    transposed = fan_out > fan_in
    if transposed:
        A = A.T
    Q, R = np.linalg.qr(A, mode="complete")
    Q = Q[:, :A.shape[1]]
    d = np.diag(R)
    Q[:, d < 0] *= -1
    if transposed:
        Q = Q.T
    return Q * gain
""", "a scaled draw (QR ignores the scale), mode='complete' sliced, negative columns flipped"),
    Correct("orthogonal_init", """
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    A = rng.standard_normal(size=(fan_in, fan_out))
    if fan_in < fan_out:
        return orthogonal_from(A.T, gain).T
    return orthogonal_from(A, gain)

def orthogonal_from(M, gain):
    Q, R = np.linalg.qr(M)
    return gain * Q @ np.diag(np.sign(np.diag(R)))
""", "a helper for the tall case, the signs as a diagonal matrix"),
]

WRONG = ZEROS_INIT + UNIT_SPREAD + TRAIN_TANH_NET + INITIALIZERS + LAYER_STATISTICS + ORTHOGONAL_INIT
CORRECT = (ZEROS_INIT_CORRECT + UNIT_SPREAD_CORRECT + TRAIN_TANH_NET_CORRECT + INITIALIZERS_CORRECT
           + LAYER_STATISTICS_CORRECT + ORTHOGONAL_INIT_CORRECT)
