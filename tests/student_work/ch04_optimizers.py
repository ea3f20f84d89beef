"""Chapter 4 students' implementations (see ``student_work``)."""
from student_work import Correct, Wrong

CHAPTER = "04_optimizers"

WRONG = [
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = np.random.default_rng(0).permutation(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
""", None, "shuffles with a generator of its own, never the rng argument"),
    # ---- minibatches
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    for _ in range(int(np.ceil(len(X) / batch_size))):
        idx = rng.choice(len(X), size=batch_size)
        yield X[idx], y[idx]
""", "mini-batches that repeat samples", "rng.choice with replacement, every batch full"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    n = X.shape[0]
    for start in range(0, n, batch_size):
        rows = rng.integers(0, n, size=min(batch_size, n - start))
        yield X[rows], y[rows]
""", "mini-batches that repeat samples", "rng.integers per batch, right sizes"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(len(X) // batch_size):
        idx = order[i * batch_size:(i + 1) * batch_size]
        yield X[idx], y[idx]
""", "mini-batches that drop samples", "the last partial batch is never yielded"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    start = 0
    while start + batch_size <= len(X):
        yield X[order[start:start + batch_size]], y[order[start:start + batch_size]]
        start += batch_size
""", "mini-batches that drop samples", "while loop that stops before a partial batch"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    Xs, ys = rng.permutation(X), rng.permutation(y)
    for i in range(0, len(X), batch_size):
        yield Xs[i:i + batch_size], ys[i:i + batch_size]
""", None, "X and y shuffled by two different permutations"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    for i in range(0, len(X), batch_size):
        yield X[i:i + batch_size], y[i:i + batch_size]
""", None, "never shuffles"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    starts = np.arange(0, len(X), batch_size)
    for s in rng.permutation(starts):
        yield X[s:s + batch_size], y[s:s + batch_size]
""", None, "shuffles the order of fixed blocks of rows only"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        rows = start + rng.permutation(min(batch_size, len(X) - start))
        yield X[rows], y[rows]
""", None, "shuffles inside each block of consecutive rows only"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    idx = np.random.permutation(len(X))
    for i in range(0, len(X), batch_size):
        yield X[idx[i:i + batch_size]], y[idx[i:i + batch_size]]
""", None, "numpy's global random state instead of rng"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    perm = rng.permutation(len(X))
    X[:] = X[perm]
    y[:] = y[perm]
    for i in range(0, len(X), batch_size):
        yield X[i:i + batch_size], y[i:i + batch_size]
""", None, "shuffles the caller's X and y in place"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for k in range(len(X) // batch_size + 1):
        rows = order[k * batch_size:(k + 1) * batch_size]
        yield X[rows], y[rows]
""", None, "an empty last batch when B divides N"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(0, len(X), batch_size):
        rows = order[i:i + batch_size]
        yield X[rows].astype(np.float64), y[rows]
""", None, "converts X to float64 (X may be of any dtype)"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(0, len(X), batch_size):
        rows = order[i:i + batch_size]
        yield X[rows], y[rows].reshape(-1, 1)
""", None, "labels as a column"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for chunk in np.array_split(order, len(X) // batch_size):
        yield X[chunk], y[chunk]
""", None, "array_split spreads the remainder over the batches (and fails for B > N)"),
    Wrong("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(0, len(X), batch_size):
        yield X[order[i:i + batch_size]]
""", None, "yields X batches without their labels"),

    # ---- sgd_init
    Wrong("sgd_init", "def sgd_init(w):\n    return []\n", None, "the empty list"),
    Wrong("sgd_init", "def sgd_init(w):\n    return 0\n", None, "a number"),
    Wrong("sgd_init", "def sgd_init(w):\n    return np.zeros_like(w)\n", None, "a zero array, as for momentum"),
    Wrong("sgd_init", "def sgd_init(w):\n    return (np.zeros_like(w),)\n", None, "a tuple holding an array"),

    # ---- sgd
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    return w + lr * dw, state\n", "the step went uphill", "plus sign"),
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    return w - (-lr) * dw, ()\n", "the step went uphill",
          "double negative"),
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    return w - lr * dw\n", None, "returns new_w alone"),
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    return state, w - lr * dw\n", None, "pair in the wrong order"),
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    w -= lr * dw\n    return w, state\n", None,
          "updates w in place: optimize's trajectory would hold one array many times"),
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    return w - dw, state\n", None, "ignores lr"),
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    return w - lr * dw, []\n", None, "a list as the new state"),
    Wrong("sgd", "def sgd(w, dw, state, lr):\n    return (w - lr * dw).astype(np.float32), state\n", None,
          "float32"),

    # ---- momentum_init
    Wrong("momentum_init", "def momentum_init(w):\n    return 0.0\n", "the state is a single number",
          "a scalar velocity"),
    Wrong("momentum_init", "def momentum_init(w):\n    return np.zeros(len(w))\n", None,
          "shape (len(w),), wrong for matrices"),
    Wrong("momentum_init", "def momentum_init(w):\n    return np.zeros(w.shape, dtype=np.float32)\n", None,
          "float32"),
    Wrong("momentum_init", "def momentum_init(w):\n    return np.ones_like(w)\n", None, "ones"),
    Wrong("momentum_init", "def momentum_init(w):\n    return (np.zeros_like(w),)\n", None,
          "a tuple holding the velocity"),

    # ---- momentum
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    w = w + lr * v
    return w, v
""", "momentum with the wrong sign", "steps uphill"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = state * beta - dw
    return w - lr * v, v
""", "the gradient was subtracted inside the velocity", "v = beta v - dw"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = beta * state - lr * dw
    return w + v, v
""", "the other convention", "CS231n's v = mu v - lr dw"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = beta * state + lr * dw
    return w - v, v
""", "learning rate inside", "v = beta v + lr dw"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = beta * state + (1 - beta) * dw
    return w - lr * v, v
""", "averaged the gradient", "exponential moving average"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    new_w = w - lr * state
    return new_w, beta * state + dw
""", "the step used the old velocity", "steps before updating the velocity"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.99):
    v = beta * state + dw
    return w - lr * v, v
""", None, "default beta 0.99"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta):
    v = beta * state + dw
    return w - lr * v, v
""", None, "beta has no default"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    w -= lr * v
    return w, v
""", None, "updates w in place"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    return v, w - lr * v
""", None, "pair in the wrong order"),
    Wrong("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    return w - lr * dw, v
""", None, "steps with the gradient alone"),

    # ---- nesterov_init
    Wrong("nesterov_init", "def nesterov_init(w):\n    return 0.0\n", "the state is a single number", "a scalar"),
    Wrong("nesterov_init", "def nesterov_init(w):\n    return w.copy()\n", None, "starts from w, not zero"),
    Wrong("nesterov_init", "def nesterov_init(w):\n    return np.zeros(w.size)\n", None, "flattened"),
    Wrong("nesterov_init", "def nesterov_init(w):\n    return [0.0] * len(w)\n", None, "a list of zeros"),

    # ---- nesterov
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    return w - lr * v, v
""", "Nesterov identical to momentum", "momentum"),
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    step = dw + beta * state
    return w - lr * step, beta * state + dw
""", "Nesterov identical to momentum", "look-ahead with the old velocity is momentum again"),
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    return w + lr * (dw + beta * v), v
""", "momentum with the wrong sign", "uphill"),
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    return w - lr * beta * v, v
""", None, "forgets the gradient term"),
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    return w - lr * dw - beta * v, v
""", None, "lr only on the gradient"),
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    v_prev = state
    v = beta * state - lr * dw
    return w - beta * v_prev + (1 + beta) * v, v
""", None, "CS231n's form, velocity in the other convention"),
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.5):
    v = beta * state + dw
    return w - lr * (dw + beta * v), v
""", None, "default beta 0.5"),
    Wrong("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    state *= beta
    state += dw
    w -= lr * (dw + beta * state)
    return w, state
""", None, "everything in place, w included"),

    # ---- adagrad_init
    Wrong("adagrad_init", "def adagrad_init(w):\n    return 0.0\n", "the state is a single number", "a scalar"),
    Wrong("adagrad_init", "def adagrad_init(w):\n    return np.full_like(w, 1e-8)\n", None, "starts at eps"),
    Wrong("adagrad_init", "def adagrad_init(w):\n    return np.zeros_like(w, dtype=int)\n", None, "integer zeros"),

    # ---- adagrad
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    G = dw ** 2
    return w - lr * dw / (np.sqrt(G) + eps), G
""", "Adagrad without accumulation", "only the last squared gradient"),
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    G = state + np.square(dw)
    return w - lr * dw / np.sqrt(G + eps), G
""", "eps inside the square root", "sqrt(G + eps)"),
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    new_w = w - lr * dw / (np.sqrt(state) + eps)
    return new_w, state + dw ** 2
""", "the step divided by the old sum", "divides before accumulating"),
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    G = state + dw ** 2
    return w - lr * dw / np.sqrt(G), G
""", None, "no eps: 0 / 0 where the gradient and the sum are zero"),
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-8):
    G = state + dw ** 2
    return w - lr * dw / (np.sqrt(G) + eps), G
""", None, "default eps 1e-8"),
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.1, eps=1e-10):
    G = state + dw ** 2
    return w - lr * dw / (np.sqrt(G) + eps), G
""", None, "default lr 0.1"),
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    G = state + np.abs(dw)
    return w - lr * dw / (np.sqrt(G) + eps), G
""", None, "sums |dw| instead of dw**2"),
    Wrong("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    state += dw ** 2
    w -= lr * dw / (np.sqrt(state) + eps)
    return w, state
""", None, "CS231n's in-place code: w updated in place"),

    # ---- rmsprop_init
    Wrong("rmsprop_init", "def rmsprop_init(w):\n    return 0.0\n", "the state is a single number", "a scalar"),
    Wrong("rmsprop_init", "def rmsprop_init(w):\n    return np.ones_like(w)\n", None, "ones"),
    Wrong("rmsprop_init", "def rmsprop_init(w):\n    return np.zeros(w.shape, np.float32)\n", None, "float32"),

    # ---- rmsprop
    Wrong("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    s = (1 - rho) * state + rho * dw ** 2
    return w - lr * dw / (np.sqrt(s) + eps), s
""", "RMSProp decay applied to the wrong term", "rho on the new term"),
    Wrong("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    s = rho * state + dw * dw
    return w - lr * dw / (np.sqrt(s) + eps), s
""", "not weighted by (1 - rho)", "no (1 - rho)"),
    Wrong("rmsprop", """
def rmsprop(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    s = rho * s + (1 - rho) * dw ** 2
    return w - lr * dw / np.sqrt(s + eps), s
""", "eps inside the square root", "sqrt(s + eps)"),
    Wrong("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    new_w = w - lr * dw / (np.sqrt(state) + eps)
    return new_w, rho * state + (1 - rho) * dw ** 2
""", "the step divided by the old average", "divides before updating s"),
    Wrong("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.9, eps=1e-8):
    s = rho * state + (1 - rho) * dw ** 2
    return w - lr * dw / (np.sqrt(s) + eps), s
""", None, "default rho 0.9"),
    Wrong("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    s = rho * state + (1 - rho) * dw ** 2
    return w - lr * dw / np.sqrt(s), s
""", None, "no eps"),
    Wrong("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    s = rho * state + (1 - rho) * dw ** 2
    return w - lr * dw / (np.sqrt(s) + eps), state
""", None, "returns the old average"),
    Wrong("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    s = rho * state + (1 - rho) * dw ** 2
    w -= lr * dw / (np.sqrt(s) + eps)
    return w, s
""", None, "updates w in place"),

    # ---- adam_init
    Wrong("adam_init", "def adam_init(w):\n    return np.zeros(w.shape), np.zeros(w.shape), 1\n", "t off by one",
          "t starts at 1"),
    Wrong("adam_init", "def adam_init(w):\n    return 0.0, 0.0, 0\n", "not scalars", "scalar moments"),
    Wrong("adam_init", "def adam_init(w):\n    return [np.zeros_like(w), np.zeros_like(w), 0]\n", None,
          "a list, not the tuple"),
    Wrong("adam_init", "def adam_init(w):\n    return np.zeros_like(w), np.zeros_like(w), 0.0\n", None, "t a float"),
    Wrong("adam_init", "def adam_init(w):\n    return np.zeros_like(w), np.zeros_like(w)\n", None, "no t"),
    Wrong("adam_init", "def adam_init(w):\n    return np.zeros(len(w)), np.zeros(len(w)), 0\n", None,
          "shape (len(w),)"),

    # ---- adam (first and later steps)
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m / (np.sqrt(v) + eps), (m, v, t + 1)
""", "Adam without bias correction", "no bias correction"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    t = t + 1
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", "t off by one", "corrects with the old t (0 / 0 on the first step)"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t += 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", "t off by one", "corrects with t + 2"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", "the returned state kept the old t", "never increments the stored t"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), (m, v, t)
""", "eps inside the square root", "sqrt(v_hat + eps)"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), [m, v, t]
""", None, "the new state as a list"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1.0
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", None, "t becomes a float"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.99, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", None, "default beta2 0.99"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-6):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", None, "default eps 1e-6"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta1 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", None, "v corrected with beta1"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1) ** t, v / (1 - beta2) ** t
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", None, "(1 - beta)**t instead of 1 - beta**t"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    w -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, (m, v, t)
""", None, "updates w in place"),
    Wrong("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(np.abs(v_hat)) + eps), (m, v, t)
""", None, "second moment of dw, not dw**2"),

    # ---- step_lr
    Wrong("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** ((np.asarray(epoch) + 1) // step_size)
""", "schedule off by one epoch", "epochs counted from 1"),
    Wrong("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** ((np.asarray(epoch) - 1) // step_size)
""", "schedule off by one epoch", "epoch - 1"),
    Wrong("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return lr0 * np.power(gamma, np.asarray(epoch) / step_size)
""", "without the floor", "decays smoothly"),
    Wrong("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** np.ceil(np.asarray(epoch) / step_size)
""", None, "ceil: drops one epoch after the first"),
    Wrong("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.5):
    return lr0 * gamma ** (np.asarray(epoch) // step_size)
""", None, "default gamma 0.5"),
    Wrong("step_lr", """
import math
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** math.floor(epoch / step_size)
""", None, "math.floor works on a single epoch only"),
    Wrong("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return [lr0 * gamma ** (e // step_size) for e in np.atleast_1d(epoch)]
""", None, "a list"),
    Wrong("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma * (np.asarray(epoch) // step_size)
""", None, "multiplies by the number of steps instead of raising to it"),

    # ---- exponential_lr
    Wrong("exponential_lr", """
def exponential_lr(epoch, lr0, gamma):
    return lr0 * gamma ** (np.asarray(epoch) - 1.0)
""", "schedule off by one epoch", "epoch - 1"),
    Wrong("exponential_lr", """
def exponential_lr(epoch, lr0, gamma):
    return lr0 * np.power(gamma, np.asarray(epoch) + 1.0)
""", "schedule off by one epoch", "epoch + 1"),
    Wrong("exponential_lr", """
def exponential_lr(epoch, lr0, gamma):
    return lr0 * np.exp(-gamma * np.asarray(epoch))
""", None, "exp(-gamma epoch)"),
    Wrong("exponential_lr", """
def exponential_lr(epoch, lr0, gamma):
    return lr0 * gamma * np.asarray(epoch, dtype=float)
""", None, "linear in the epoch"),
    Wrong("exponential_lr", """
def exponential_lr(epoch, lr0, gamma):
    return (lr0 * gamma ** np.asarray(epoch)).astype(np.float32)
""", None, "float32"),
    Wrong("exponential_lr", """
def exponential_lr(epoch, lr0, gamma):
    return [lr0 * gamma ** e for e in np.ravel(epoch)]
""", None, "a flat list"),

    # ---- cosine_annealing_lr
    Wrong("cosine_annealing_lr", """
import math
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    e = np.asarray(epoch) + 1
    return eta_min + (lr0 - eta_min) * (1 + np.cos(math.pi * e / T_max)) / 2
""", "schedule off by one epoch", "epoch + 1"),
    Wrong("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    return lr0 * (1 + np.cos(np.pi * epoch / T_max)) / 2
""", "eta_min was left out", "anneals to 0"),
    Wrong("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + lr0 * (1 + np.cos(np.pi * np.asarray(epoch) / T_max)) / 2
""", "eta_min was added on top", "eta_min + the cosine of lr0"),
    Wrong("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    progress = np.asarray(epoch) / (T_max - 1)
    return eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * progress)) / 2
""", "cosine period was off by one", "divides by T_max - 1"),
    Wrong("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.001):
    return eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * np.asarray(epoch) / T_max)) / 2
""", None, "default eta_min 0.001"),
    Wrong("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * (1 + np.sin(np.pi * np.asarray(epoch) / T_max)) / 2
""", None, "sin for cos"),
    Wrong("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * (1 + np.cos(np.asarray(epoch) / T_max)) / 2
""", None, "no pi"),
    Wrong("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * np.cos(np.pi * np.asarray(epoch) / (2 * T_max))
""", None, "half-angle form without the square"),
    Wrong("cosine_annealing_lr", """
import math
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2
""", None, "math.cos takes a single epoch only"),

    # ---- optimize
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w, path = w0.copy(), []
    state = init(w)
    for _ in range(num_steps):
        w, state = update(w, grad_fn(w), state, **hyper)
        path.append(w)
    return np.array(path)
""", "must start with w0", "only the points after each step"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    path = [w0]
    for _ in range(num_steps):
        state = init(path[-1])
        path.append(update(path[-1], grad_fn(path[-1]), state, **hyper)[0])
    return np.stack(path)
""", "re-initialised at every step", "a fresh state each step"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w = np.array(w0, dtype=float)
    state = init(w)
    path = []
    for _ in range(num_steps):
        path.append(w)
        w, state = update(w, grad_fn(w), state, **hyper)
    return np.array(path)
""", "the last point is missing", "appends before each step only"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    g = grad_fn(w0)
    w, state = w0, init(w0)
    path = [w0]
    for _ in range(num_steps):
        w, state = update(w, g, state, **hyper)
        path.append(w)
    return np.array(path)
""", "evaluated only at w0", "gradient computed once"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w, state = w0, init(w0)
    path = [w0]
    for _ in range(num_steps):
        w, state = update(w, grad_fn(w), state, *hyper.values())
        path.append(w)
    return np.array(path)
""", None, "hyper passed by position"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    state = init(w0)
    path = [w0.copy()]
    for _ in range(num_steps):
        new_w, state = update(w0, grad_fn(w0), state, **hyper)
        w0[:] = new_w
        path.append(w0.copy())
    return np.array(path)
""", None, "steps w0 itself, in place"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w = np.array(w0, dtype=float)
    state = init(w)
    path = np.zeros((num_steps + 1, 2))
    for k in range(num_steps):
        path[k] = w
        w, state = update(w, grad_fn(w), state, **hyper)
    return path
""", None, "preallocated rows, the last one never filled"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w, state = w0, init(w0)
    path = [w0]
    for _ in range(num_steps + 1):
        w, state = update(w, grad_fn(w), state, **hyper)
        path.append(w)
    return np.array(path)
""", None, "one step too many"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w, state = w0, init(w0)
    path = [w0]
    for _ in range(num_steps):
        w, state = update(w, grad_fn(w), state, **hyper)
        path.append(w)
    return path
""", None, "returns the list of points"),
    Wrong("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    lr = hyper.pop("lr")
    w, state = w0, init(w0)
    path = [w0]
    for _ in range(num_steps):
        w, state = update(w, grad_fn(w), state, lr=lr, **hyper)
        path.append(w)
    return np.array(path)
""", None, "pops lr out of the caller's dict"),

    # ---- adamw
    Wrong("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam(w, dw + weight_decay * w, state, lr, beta1, beta2, eps)
""", "L2 penalty added to the gradient", "the penalty's gradient handed to Adam: coupled L2, not AdamW"),
    Wrong("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    new_w, state = adam(w, dw, state, lr, beta1, beta2, eps)
    return new_w - weight_decay * w, state
""", "not multiplied by the learning rate", "subtracts weight_decay * w without lr"),
    Wrong("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    stepped, state = adam(w, dw, state, lr, beta1, beta2, eps)
    return stepped * (1 - lr * weight_decay), state
""", "after the Adam step", "decays the new w instead of the old one"),
    Wrong("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    m, v, t = state
    t += 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * (m_hat + weight_decay * w) / (np.sqrt(v_hat) + eps), (m, v, t)
""", "divided by Adam's denominator", "the decay joins m_hat inside the ratio"),
    Wrong("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    new_w, new_state = adam(w, dw, state, lr, beta1, beta2, eps)
    return new_w - lr * weight_decay * w, new_state
""", "weight_decay's default", "weight_decay defaults to 0: AdamW's default call is plain Adam"),
    Wrong("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    w *= 1 - lr * weight_decay
    return adam(w, dw, state, lr, beta1, beta2, eps)
""", None, "decays the caller's w in place (the values are right)"),
    Wrong("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    m, v, t = state
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    return w * (1 - lr * weight_decay) - lr * m / (np.sqrt(v) + eps), (m, v, t + 1)
""", "without bias correction", "no bias correction, the decay right"),

    # ---- warmup_cosine
    Wrong("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.asarray(step, dtype=float)
    ramp = peak_lr * (s + 1) / max(warmup_steps, 1)
    p = (s - warmup_steps) / (total_steps - warmup_steps)
    return np.where(s < warmup_steps, ramp, min_lr + (peak_lr - min_lr) * (1 + np.cos(np.pi * p)) / 2)
""", "warm-up off by one step", "(s + 1) / W: the first step already moves"),
    Wrong("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.asarray(step, dtype=float)
    cosine = min_lr + 0.5 * (peak_lr - min_lr) * (1 + np.cos(np.pi * s / total_steps))
    return np.where(s < warmup_steps, peak_lr * s / max(warmup_steps, 1), cosine)
""", "the cosine ran over the whole run", "the cosine counts from step 0, not from the end of warm-up"),
    Wrong("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.asarray(step, dtype=np.float64)
    p = (s - warmup_steps) / (total_steps - warmup_steps)
    return np.where(s < warmup_steps, peak_lr * s / max(1, warmup_steps), peak_lr * 0.5 * (1 + np.cos(np.pi * p)))
""", "min_lr was left out", "decays to 0 whatever min_lr"),
    Wrong("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.asarray(step) * 1.0
    frac = (s - warmup_steps) / (total_steps - warmup_steps)
    decay = min_lr + (peak_lr - min_lr) * (1 + np.cos(180 * frac)) / 2
    return np.where(s < warmup_steps, peak_lr * s / max(warmup_steps, 1), decay)
""", "in degrees", "cos(180 * p), thinking in degrees"),
    Wrong("warmup_cosine", """
import math
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (peak_lr - min_lr) * (1 + math.cos(math.pi * p)) / 2
""", None, "scalar if/else and math.cos: fails on an array of steps"),
    Wrong("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.asarray(step, dtype=float)
    up = peak_lr * s / max(warmup_steps - 1, 1)
    p = (s - warmup_steps) / (total_steps - warmup_steps)
    return np.where(s < warmup_steps, up, min_lr + (peak_lr - min_lr) * (1 + np.cos(np.pi * p)) / 2)
""", "reached peak_lr at k = T_w - 1", "the ramp divides by T_w - 1"),
    Wrong("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    return [peak_lr * s / warmup_steps if s < warmup_steps else
            min_lr + (peak_lr - min_lr) * (1 + np.cos(np.pi * (s - warmup_steps) / (total_steps - warmup_steps))) / 2
            for s in np.ravel(step)]
""", None, "returns a flat list of rates"),
]

CORRECT = [
    # ---- minibatches
    Correct("minibatches", """
def minibatches(X, y, batch_size, rng):
    idx = rng.permutation(len(X))
    start = 0
    while start < len(X):
        sel = idx[start:start + batch_size]
        yield X[sel], y[sel]
        start += batch_size
""", "while loop"),
    Correct("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = rng.choice(X.shape[0], size=X.shape[0], replace=False)
    for k in range(int(np.ceil(len(order) / batch_size))):
        chunk = order[k * batch_size:(k + 1) * batch_size]
        yield (X[chunk], y[chunk])
""", "rng.choice without replacement draws another permutation"),
    Correct("minibatches", """
def minibatches(X, y, batch_size, rng):
    order = np.argsort(rng.random(len(y)))
    for chunk in np.split(order, np.arange(batch_size, len(y), batch_size)):
        yield X[chunk], y[chunk]
""", "argsort of random keys, np.split at multiples of B"),
    Correct("minibatches", """
def minibatches(X, y, batch_size, rng):
    idx = np.arange(len(X))
    rng.shuffle(idx)
    Xs, ys = X[idx], y[idx]
    for i in range(0, len(X), batch_size):
        yield Xs[i:i + batch_size], ys[i:i + batch_size]
""", "shuffles an index array in place, slices shuffled copies"),
    Correct("minibatches", """
def minibatches(X, y, batch_size, rng):
    perm = rng.permutation(len(X))
    return [(X[perm[i:i + batch_size]], y[perm[i:i + batch_size]]) for i in range(0, len(X), batch_size)]
""", "returns a list of pairs instead of yielding them"),
    Correct("minibatches", """
def minibatches(X, y, batch_size, rng):
    perm = rng.permutation(len(X))
    for i in range(0, len(X), batch_size):
        rows = np.sort(perm[i:i + batch_size])
        yield X[rows], y[rows]
""", "a random partition, each batch's rows in their original order"),

    # ---- sgd_init
    Correct("sgd_init", "def sgd_init(w):\n    return ()\n", "the empty tuple"),
    Correct("sgd_init", "def sgd_init(w):\n    return tuple()\n", "tuple()"),
    Correct("sgd_init", "def sgd_init(w):\n    state = ()\n    return state\n", "through a name"),

    # ---- sgd
    Correct("sgd", "def sgd(w, dw, state, lr):\n    return np.subtract(w, lr * dw), state\n", "np.subtract"),
    Correct("sgd", """
def sgd(w, dw, state, lr):
    new_w = w.copy()
    new_w -= lr * dw
    return new_w, ()
""", "in place on a copy"),
    Correct("sgd", "def sgd(w, dw, state, lr):\n    return [w + (-lr) * dw, state]\n", "the pair as a list"),
    Correct("sgd", "def sgd(w, dw, state, lr):\n    step = lr * dw\n    return w - step, tuple(state)\n",
            "tuple(state)"),

    # ---- momentum_init
    Correct("momentum_init", "def momentum_init(w):\n    return np.zeros(w.shape)\n", "np.zeros(w.shape)"),
    Correct("momentum_init", "def momentum_init(w):\n    return 0.0 * w\n", "0 * w (negative zeros are zeros)"),
    Correct("momentum_init", "def momentum_init(w):\n    return np.zeros_like(w, dtype=float)\n", "dtype=float"),

    # ---- momentum
    Correct("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    state *= beta
    state += dw
    return w - lr * state, state
""", "the velocity updated in place"),
    Correct("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = dw + beta * state
    return w + (-lr) * v, v
""", "terms in another order"),
    Correct("momentum", """
def momentum(w, dw, state, lr, beta=0.9):
    v = state.copy()
    v *= beta
    v += dw
    new_w = w.copy()
    new_w -= lr * v
    return [new_w, v]
""", "in place on copies, the pair as a list"),

    # ---- nesterov_init
    Correct("nesterov_init", "def nesterov_init(w):\n    return np.zeros_like(w)\n", "zeros_like"),
    Correct("nesterov_init", "def nesterov_init(w):\n    return np.full(w.shape, 0.0)\n", "np.full"),
    Correct("nesterov_init", "def nesterov_init(w):\n    return momentum_init(w)\n", "reuses momentum_init"),

    # ---- nesterov
    Correct("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    v = beta * state + dw
    return w - lr * dw - lr * beta * v, v
""", "the step split in two"),
    Correct("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    v_new = beta * state + dw
    return w - lr * ((1 + beta) * dw + beta ** 2 * state), v_new
""", "expanded: dw + beta v_new = (1 + beta) dw + beta^2 v"),
    Correct("nesterov", """
def nesterov(w, dw, state, lr, beta=0.9):
    state *= beta
    state += dw
    return w - lr * (dw + beta * state), state
""", "the velocity updated in place"),

    # ---- adagrad_init
    Correct("adagrad_init", "def adagrad_init(w):\n    return np.zeros(np.shape(w))\n", "np.shape"),
    Correct("adagrad_init", "def adagrad_init(w):\n    return w * 0.0\n", "w * 0"),
    Correct("adagrad_init", "def adagrad_init(w):\n    return np.zeros(w.shape, float)\n", "dtype float"),

    # ---- adagrad
    Correct("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    state += dw ** 2
    return w - lr * dw / (np.sqrt(state) + eps), state
""", "CS231n's cache += dx**2, w left alone"),
    Correct("adagrad", """
def adagrad(w, dw, G, lr=0.01, eps=1e-10):
    G_new = G + dw * dw
    return w - lr * dw / (G_new ** 0.5 + eps), G_new
""", "dw * dw and ** 0.5"),
    Correct("adagrad", """
def adagrad(w, dw, state, lr=0.01, eps=1e-10):
    G = np.add(state, np.square(dw))
    scale = lr / (np.sqrt(G) + eps)
    return w - scale * dw, G
""", "the scale first"),

    # ---- rmsprop_init
    Correct("rmsprop_init", "def rmsprop_init(w):\n    return np.zeros_like(w)\n", "zeros_like"),
    Correct("rmsprop_init", "def rmsprop_init(w):\n    return np.zeros(w.shape, dtype=np.float64)\n", "explicit dtype"),
    Correct("rmsprop_init", "def rmsprop_init(w):\n    return np.full_like(w, 0.0)\n", "np.full_like"),

    # ---- rmsprop
    Correct("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    state *= rho
    state += (1 - rho) * dw ** 2
    return w - lr * dw / (np.sqrt(state) + eps), state
""", "the average updated in place"),
    Correct("rmsprop", """
def rmsprop(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    s_new = s + (1 - rho) * (dw * dw - s)
    return w - lr * dw / (s_new ** 0.5 + eps), s_new
""", "the average as an interpolation"),
    Correct("rmsprop", """
def rmsprop(w, dw, state, lr=0.01, rho=0.99, eps=1e-8):
    s = rho * state + (1.0 - rho) * np.square(dw)
    denom = np.sqrt(s)
    denom += eps
    return w - lr * dw / denom, s
""", "in place on a new array"),

    # ---- adam_init
    Correct("adam_init", "def adam_init(w):\n    return np.zeros(w.shape), np.zeros(w.shape), 0\n", "np.zeros"),
    Correct("adam_init", """
def adam_init(w):
    m = np.zeros_like(w, dtype=float)
    v = m.copy()
    t = 0
    return (m, v, t)
""", "m copied into v"),
    Correct("adam_init", """
def adam_init(w):
    m = np.zeros_like(w)
    return m, np.zeros_like(m), int(0)
""", "v shaped like m"),

    # ---- adam
    Correct("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t += 1
    m *= beta1
    m += (1 - beta1) * dw
    v *= beta2
    v += (1 - beta2) * dw ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)
""", "the moments updated in place"),
    Correct("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v, t = state
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw ** 2
    bias1, bias2 = 1 - beta1 ** t, 1 - beta2 ** t
    step = lr * np.sqrt(bias2) / bias1
    return w - step * m / (np.sqrt(v) + eps * np.sqrt(bias2)), (m, v, t)
""", "the paper's efficient form: corrected step size and eps"),
    Correct("adam", """
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_old, v_old, t_old = state
    t_new = t_old + 1
    m_new = m_old + (1 - beta1) * (dw - m_old)
    v_new = v_old + (1 - beta2) * (dw * dw - v_old)
    m_hat = m_new / (1 - np.power(beta1, t_new))
    v_hat = v_new / (1 - np.power(beta2, t_new))
    return [w - lr * m_hat / (v_hat ** 0.5 + eps), (m_new, v_new, t_new)]
""", "moving averages as interpolations, the pair as a list"),

    # ---- step_lr
    Correct("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** np.floor(np.asarray(epoch) / step_size)
""", "floor of a float division"),
    Correct("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    drops = np.floor_divide(epoch, step_size)
    return np.power(gamma, drops) * lr0
""", "np.floor_divide and np.power"),
    Correct("step_lr", """
def step_lr(epoch, lr0, step_size, gamma=0.1):
    return np.vectorize(lambda e: lr0 * gamma ** (e // step_size), otypes=[float])(epoch)
""", "np.vectorize"),

    # ---- exponential_lr
    Correct("exponential_lr", "def exponential_lr(epoch, lr0, gamma):\n    return lr0 * np.power(gamma, epoch)\n",
            "np.power"),
    Correct("exponential_lr", """
def exponential_lr(epoch, lr0, gamma):
    return lr0 * np.exp(np.asarray(epoch) * np.log(gamma))
""", "through exp and log"),
    Correct("exponential_lr", "def exponential_lr(epoch, lr0, gamma):\n    return lr0 * gamma ** epoch\n",
            "plain power (a Python float for an int epoch)"),

    # ---- cosine_annealing_lr
    Correct("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * np.cos(np.pi * np.asarray(epoch) / (2 * T_max)) ** 2
""", "half-angle form"),
    Correct("cosine_annealing_lr", """
import math
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    fall = (1 - np.cos(math.pi * np.asarray(epoch) / T_max)) / 2
    return lr0 - (lr0 - eta_min) * fall
""", "lr0 minus the part already annealed"),
    Correct("cosine_annealing_lr", """
def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    e = np.asarray(epoch, dtype=float)
    return 0.5 * (lr0 + eta_min) + 0.5 * (lr0 - eta_min) * np.cos(e * np.pi / T_max)
""", "mean plus half the range times the cosine"),

    # ---- optimize
    Correct("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    path = np.empty((num_steps + 1, 2))
    w = w0.astype(np.float64)
    path[0] = w
    state = init(w)
    for k in range(1, num_steps + 1):
        w, state = update(w, grad_fn(w), state, **hyper)
        path[k] = w
    return path
""", "preallocated trajectory"),
    Correct("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w = w0.copy()
    state = init(w0)
    points = [w.copy()]
    step = 0
    while step < num_steps:
        g = grad_fn(w)
        w, state = update(w, g, state, **hyper)
        points.append(w.copy())
        step += 1
    return np.vstack(points)
""", "while loop, np.vstack"),
    Correct("optimize", """
def optimize(grad_fn, w0, update, init, num_steps, hyper):
    w, state = w0, init(w0)
    path = []
    for _ in range(num_steps + 1):
        path.append(w)
        w, state = update(w, grad_fn(w), state, **hyper)
    return np.array(path, dtype=np.float64)
""", "records before each step, one spare step at the end"),

    # ---- adamw
    Correct("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    decayed = w * (1 - lr * weight_decay)
    return adam(decayed, dw, state, lr, beta1, beta2, eps)
""", "decays first, as PyTorch does, then Adam's step from the decayed w"),
    Correct("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    m, v, t = state
    t = t + 1
    m *= beta1
    m += (1 - beta1) * dw
    v *= beta2
    v += (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * w), (m, v, t)
""", "written out, the moments updated in place, the decay inside the bracket"),
    Correct("adamw", """
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    step_w, new_state = adam(w, dw, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    shrink = lr * weight_decay * w
    return [step_w - shrink, new_state]
""", "the pair as a list"),

    # ---- warmup_cosine
    Correct("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.asarray(step, dtype=np.float64)
    angle = np.pi * (s - warmup_steps) / (2 * (total_steps - warmup_steps))
    decay = min_lr + (peak_lr - min_lr) * np.cos(angle) ** 2
    if warmup_steps == 0:
        return decay
    return np.where(s < warmup_steps, s / warmup_steps * peak_lr, decay)
""", "half-angle form, no ramp when W = 0"),
    Correct("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.array(step, dtype=float)
    out = np.empty_like(s)
    warm = s < warmup_steps
    out[warm] = peak_lr * s[warm] / warmup_steps
    p = (s[~warm] - warmup_steps) / (total_steps - warmup_steps)
    out[~warm] = min_lr + (peak_lr - min_lr) * 0.5 * (1 + np.cos(np.pi * p))
    return out
""", "boolean masks on a float array"),
    Correct("warmup_cosine", """
def warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0):
    s = np.asarray(step)
    cosine = min_lr + (peak_lr - min_lr) * (1 + np.cos(np.pi * (s - warmup_steps) / (total_steps - warmup_steps))) / 2
    return np.where(s < warmup_steps, peak_lr * s / warmup_steps, cosine)
""", "divides by W even when W = 0 (np.where drops those entries; numpy only warns)"),
]
