'''Chapter 2 students' implementations (see ``student_work``).'''
from student_work import Correct, Wrong

CHAPTER = "02_backprop"

# A numerical_gradient written with np.nditer, its step and formula filled in.
NUMGRAD = """
def numerical_gradient(f, x, h={h}):
    x = x.copy()
    g = np.zeros(x.shape)
    it = np.nditer(x, flags=['multi_index'])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old {minus}
        down = f(x)
        x[i] = old
        g[i] = (up - down) / ({denominator})
        it.iternext()
    return g
"""

# A training loop with He initialization; the body of each step filled in.
TRAIN = """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], int(y.max()) + 1
    W1 = rng.normal(size=(D, hidden_size)) * np.sqrt(2.0 / D)
    W2 = rng.normal(size=(hidden_size, C)) * np.sqrt(2.0 / hidden_size)
    params = [W1, np.zeros(hidden_size), W2, np.zeros(C)]
    losses = np.zeros(num_steps)
    for step in range(num_steps):
{body}
    return tuple(params), losses
"""


def train(body: str) -> str:
    return TRAIN.format(body="\n".join("        " + line for line in body.strip().splitlines()))


WRONG = [
    # ---- affine_forward
    Wrong("affine_forward", """
def affine_forward(x, W, b):
    return np.dot(x, W), (x, W, b)
""", "bias b was left out", "no bias"),
    Wrong("affine_forward", """
def affine_forward(x, W, b):
    out = x @ W + b
    return out, (x, W)
""", "the cache must be the tuple (x, W, b)", "cache without b"),
    Wrong("affine_forward", """
def affine_forward(x, W, b):
    return x @ W + b, (W, x, b)
""", None, "cache in another order"),
    Wrong("affine_forward", """
def affine_forward(x, W, b):
    return x @ W.T + b, (x, W, b)
""", None, "W transposed (fails on non-square shapes, wrong on the square one)"),
    Wrong("affine_forward", """
def affine_forward(x, W, b):
    return x @ W + b
""", None, "returns out only, no cache"),
    Wrong("affine_forward", """
def affine_forward(x, W, b):
    out = (x @ W + b).astype(np.float32)
    return out, (x, W, b)
""", None, "float32 output"),
    Wrong("affine_forward", """
def affine_forward(x, W, b):
    return x @ W + b.sum(), (x, W, b)
""", None, "adds the sum of b to every entry"),

    # ---- affine_backward
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return np.dot(dout, W.T), np.dot(dout.T, x), np.sum(dout, axis=0)
""", "transposed weight gradient", "dW = dout.T @ x"),
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout.dot(W.T), x.T.dot(dout), dout.copy()
""", "db was not summed over the batch", "db = dout"),
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, np.mean(dout, axis=0)
""", "db was averaged over the batch", "db = mean"),
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    N = len(x)
    return dout @ W.T, x.T @ dout / N, np.sum(dout, 0) / N
""", ("divided by N again", "divided by N twice"), "dW and db divided by N"),
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)
""", None, "dx = dout @ W (raises on non-square shapes)"),
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)
""", None, "db of shape (1, M)"),
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return W @ dout.T, x.T @ dout, dout.sum(axis=0)
""", None, "dx transposed, shape (D, N)"),
    Wrong("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, np.sum(dout)
""", None, "db summed over everything: a scalar"),

    # ---- relu_backward
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return dout * np.heaviside(cache, 1.0)
""", "subgradient at 0 was taken as 1", "heaviside with 1 at 0"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return np.where(cache >= 0, dout, 0.0)
""", "subgradient at 0 was taken as 1", "z >= 0 with np.where"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    dz = dout.copy()
    dz[cache < 0] = 0
    return dz
""", "subgradient at 0 was taken as 1", "zeroes only z < 0"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return (cache > 0).astype(np.float64)
""", "without multiplying by dout", "returns the mask"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return np.maximum(dout, 0)
""", "mask was taken from dout", "relu of dout"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return dout * np.maximum(cache, 0)
""", None, "multiplies by relu(z) instead of its derivative"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return dout * (cache < 0)
""", None, "inverted mask"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return dout * np.sign(cache)
""", None, "sign of z: negates dout where z < 0"),
    Wrong("relu_backward", """
def relu_backward(dout, cache):
    return (dout * (cache > 0)).astype(np.float32)
""", None, "float32"),

    # ---- sigmoid_backward
    Wrong("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    s = cache
    return dout * (s - s ** 2)
""", "evaluated on the activation output instead of the pre-activation", "cache taken as sigmoid(z)"),
    Wrong("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    s = 1.0 / (1.0 + np.exp(-cache))
    return s * (1 - s)
""", "dout was not multiplied in", "no chain rule"),
    Wrong("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    return dout * sigmoid(cache)
""", None, "derivative taken as sigmoid itself"),
    Wrong("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    s = sigmoid(cache)
    return dout * (1 - s ** 2)
""", None, "tanh's derivative formula"),
    Wrong("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    e = np.exp(-cache)
    return dout * e / (1 + e)
""", None, "missing the square in the denominator"),
    Wrong("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    s = sigmoid(cache).astype(np.float32)
    return dout * s * (1 - s)
""", None, "float32 sigmoid makes a float32 result"),

    # ---- softmax_cross_entropy
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    z = scores - scores.max(1, keepdims=True)
    p = np.exp(z)
    p = p / p.sum(1, keepdims=True)
    loss = np.mean(np.log(np.sum(np.exp(z), axis=1)) - z[range(len(y)), y])
    p[range(len(y)), y] -= 1
    return loss, p
""", "gradient was not divided by N", "dscores = P - Y"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    p = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    n = len(y)
    loss = np.mean(-np.log(p[np.arange(n), y]))
    d = p.copy()
    d[np.arange(n), y] -= 1
    return loss, d / n
""", "softmax without subtracting the row maximum", "naive softmax"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean()
    p[np.arange(n), y] -= 1
    return float(loss), p / n
""", "log was taken of the softmax probabilities", "shifted, but log(p) underflows"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y] + 1e-12))
    p[np.arange(n), y] -= 1
    return float(loss), p / n
""", "small constant was added inside the log", "log(p + 1e-12)"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p = np.clip(p, 1e-15, 1.0)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    p[np.arange(n), y] -= 1
    return float(loss), p / n
""", "small constant was added inside the log", "probabilities clipped at 1e-15"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].sum()), d / n
""", "loss was summed over the batch", "sum of the losses, gradient of the mean"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].sum()), d
""", "loss was summed over the batch", "sum of the losses and its gradient"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].mean()), d / n / n
""", "divided by N twice", "gradient over N squared"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n, c = scores.shape
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    onehot = np.eye(c)[y]
    loss = -np.mean(onehot * logp)
    return float(loss), (np.exp(logp) - onehot) / n
""", None, "mean over all N * C entries"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n, c = scores.shape
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    onehot = np.eye(c)[y]
    return float(-np.mean(logp[np.arange(n), y])), (onehot - np.exp(logp)) / n
""", None, "gradient with the wrong sign"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    z = scores - scores.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return -logp[np.arange(n), y].mean(keepdims=True), d / n
""", None, "loss as an array of shape (1,)"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    lse = np.log(np.sum(np.exp(scores), axis=1))
    loss = np.mean(lse - scores[np.arange(n), y])
    d = np.exp(scores - lse[:, None])
    d[np.arange(n), y] -= 1
    return float(loss), d / n
""", None, "log-sum-exp without the shift: exp(1000) overflows"),

    # ---- two_layer_loss
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y]).mean()
    d = p.copy()
    d[np.arange(len(y)), y] -= 1
    dz = d @ W2.T * (z > 0)
    return loss, (X.T @ dz, dz.sum(0), h.T @ d, d.sum(0))
""", "gradient was not divided by N", "dscores = P - Y written out"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    N = X.shape[0]
    z, c1 = affine_forward(X, W1, b1)
    h, c2 = relu_forward(z)
    s, c3 = affine_forward(h, W2, b2)
    loss, ds = softmax_cross_entropy(s, y)
    dh, dW2, db2 = affine_backward(ds, c3)
    dz = relu_backward(dh, c2)
    _, dW1, db1 = affine_backward(dz, c1)
    return loss, (dW1 / N, db1 / N, dW2 / N, db2 / N)
""", "divided by N twice", "layers' gradients divided again"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    loss, ds = softmax_cross_entropy(h @ W2 + b2, y)
    dz = (ds @ W2.T) * (z > 0)
    return loss, (X.T @ dz, dz.mean(axis=0), h.T @ ds, ds.mean(axis=0))
""", "db was averaged over the batch", "biases' gradients averaged"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    loss, ds = softmax_cross_entropy(h @ W2 + b2, y)
    dh = ds @ W2.T
    return loss, (X.T @ dh, dh.sum(axis=0), h.T @ ds, ds.sum(axis=0))
""", "ReLU's backward pass was skipped", "no ReLU mask"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].sum()
    d = np.exp(logp)
    d[np.arange(N), y] -= 1
    dz = d @ W2.T * (z > 0)
    return loss, (X.T @ dz, dz.sum(0), h.T @ d, d.sum(0))
""", "loss was summed over the batch", "sum of the losses and its gradients"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = sigmoid(z)
    loss, ds = softmax_cross_entropy(h @ W2 + b2, y)
    dz = (ds @ W2.T) * h * (1 - h)
    return loss, (X.T @ dz, dz.sum(0), h.T @ ds, ds.sum(0))
""", None, "sigmoid hidden layer instead of ReLU"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    loss, ds = softmax_cross_entropy(h @ W2, y)
    dz = (ds @ W2.T) * (z > 0)
    return loss, (X.T @ dz, dz.sum(0), h.T @ ds, ds.sum(0))
""", None, "b2 left out of the scores"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    loss, ds = softmax_cross_entropy(h @ W2 + b2, y)
    dz = (ds @ W2.T) * (z > 0)
    return loss, (X.T @ dz, h.T @ ds, dz.sum(0), ds.sum(0))
""", None, "gradients in the order (dW1, dW2, db1, db2)"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    loss, ds = softmax_cross_entropy(h @ W2 + b2, y)
    dz = (ds @ W2.T) * (z > 0)
    return loss, {"W1": X.T @ dz, "b1": dz.sum(0), "W2": h.T @ ds, "b2": ds.sum(0)}
""", None, "gradients in a dict"),
    Wrong("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    loss, ds = softmax_cross_entropy(h @ W2 + b2, y)
    loss += 0.5 * 1e-3 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dz = (ds @ W2.T) * (z > 0)
    return loss, (X.T @ dz + 1e-3 * W1, dz.sum(0), h.T @ ds + 1e-3 * W2, ds.sum(0))
""", None, "L2 regularization added"),

    # ---- numerical_gradient
    Wrong("numerical_gradient", NUMGRAD.format(h="1e-5", minus="", denominator="h"),
          "one-sided difference", "forward difference"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        xm = x.copy()
        xm[i] -= h
        grad[i] = (fx - f(xm)) / h
    return grad
""", "one-sided difference", "backward difference"),
    Wrong("numerical_gradient", NUMGRAD.format(h="1e-5", minus="- h", denominator="h"),
          "divided by h instead of 2h", "missing the 2"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    step = 1e-5
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = step
        grad[i] = (f(x + e) - f(x - e)) / (2 * step)
    return grad
""", "the given h was ignored", "fixed step"),
    Wrong("numerical_gradient", NUMGRAD.format(h="1e-2", minus="- h", denominator="2 * h"),
          "default h is too large", "default h = 1e-2"),
    Wrong("numerical_gradient", NUMGRAD.format(h="0.1", minus="- h", denominator="2 * h"),
          "default h is too large", "default h = 0.1"),
    Wrong("numerical_gradient", NUMGRAD.format(h="1e-12", minus="- h", denominator="2 * h"),
          "far too small", "default h = 1e-12"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        grad[i] = (fp - fm) / (2 * h)
    return grad
""", None, "x perturbed in place and never restored"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        x[i] += h
        grad[i] = (fp - fm) / (2 * h)
    return grad
""", None, "perturbs x in place; adding and subtracting h back leaves rounding changes in x"),
    Wrong("numerical_gradient", NUMGRAD.format(h="1e-3", minus="- h", denominator="2 * h"),
          "default h is too large", "default h = 1e-3"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad
""", None, "loops over the first axis only"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h) * np.ones_like(x)
""", None, "moves every entry at once"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float32)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad
""", None, "float32 result"),
    Wrong("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    grad = []
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad.append((f(x + e) - f(x - e)) / (2 * h))
    return grad
""", None, "a flat list"),

    # ---- rel_error
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))
""", "no floor in the denominator", "no floor"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), floor)))
""", "relative to a alone", "relative to a"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b) + floor)))
""", "floor was added to the denominator", "floor added"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
""", "given floor was ignored", "fixed floor"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))
""", "mean of the relative errors", "mean instead of max"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), floor))
""", None, "norms instead of entries"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)) + np.max(np.abs(b)), floor))
""", None, "largest difference over largest sizes"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)
""", None, "returns the array, not its maximum"),
    Wrong("rel_error", """
def rel_error(a, b, floor=1e-8):
    return float(np.max((a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))
""", None, "no absolute value on the difference"),

    # ---- find_wrong_gradient
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    errs = [rel_error(numerical_gradient(lambda v: f({**params, k: v}), params[k], h), grads[k]) for k in params]
    return list(params)[int(np.argmax(errs))]
""", "a name was reported even when every gradient is right", "always the largest error"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    for name in params:
        num = numerical_gradient(lambda v: f({**params, name: v}), params[name], h)
        if rel_error(num, grads[name]) > tol:
            return name
    return ""
""", "first key whose error exceeds tol", "returns the first wrong key"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    worst, worst_err = "", 1e-6
    for name in params:
        num = numerical_gradient(lambda v: f({**params, name: v}), params[name], h)
        err = rel_error(num, grads[name])
        if err > worst_err:
            worst, worst_err = name, err
    return worst
""", "given tol was ignored", "hard-coded tolerance"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    errors = {}
    for name, value in params.items():
        num = numerical_gradient(lambda v: f({**params, name: v}), value)
        errors[name] = rel_error(num, grads[name])
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > tol else ""
""", "given h was ignored", "numerical_gradient called without h"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    errors = {}
    for name, value in params.items():
        num = numerical_gradient(lambda v: f({**params, name: v}), value, h)
        errors[name] = np.max(np.abs(num - grads[name]))
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > tol else ""
""", "absolute errors were compared", "absolute error"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    worst, worst_err = "", tol
    for name, value in params.items():
        num = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            value[i] += h
            fp = f(params)
            value[i] -= 2 * h
            fm = f(params)
            value[i] += h
            num[i] = (fp - fm) / (2 * h)
        err = rel_error(num, grads[name])
        if err > worst_err:
            worst, worst_err = name, err
    return worst
""", None, "perturbs params in place; adding and subtracting h leaves rounding changes"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    worst, worst_err = None, tol
    for name in params:
        err = rel_error(numerical_gradient(lambda v: f({**params, name: v}), params[name], h), grads[name])
        if err > worst_err:
            worst, worst_err = name, err
    return worst
""", None, "None instead of the empty string"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    errors = {k: rel_error(numerical_gradient(lambda v: f({**params, k: v}), params[k], h), grads[k]) for k in params}
    best = min(errors, key=errors.get)
    return best if errors[best] > tol else ""
""", None, "smallest error instead of the largest"),
    Wrong("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads):
    errors = {k: rel_error(numerical_gradient(lambda v: f({**params, k: v}), params[k]), grads[k]) for k in params}
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-6 else ""
""", None, "no h and tol parameters"),

    # ---- train_two_layer
    Wrong("train_two_layer", train("""
params = [p - learning_rate * g for p, g in zip(params, two_layer_loss(X, y, tuple(params))[1])]
losses[step] = two_layer_loss(X, y, tuple(params))[0]
"""), None, "records the loss after each step"),
    Wrong("train_two_layer", train("""
losses[step], grads = two_layer_loss(X, y, tuple(params))
params[0] -= learning_rate * grads[0]
params[2] -= learning_rate * grads[2]
"""), None, "biases never updated"),
    Wrong("train_two_layer", train("""
losses[step], grads = two_layer_loss(X, y, tuple(params))
params = [p - learning_rate * g / len(X) for p, g in zip(params, grads)]
"""), None, "learning rate divided by N again"),
    Wrong("train_two_layer", train("""
losses[step], grads = two_layer_loss(X, y, tuple(params))
params[2] -= learning_rate * grads[2]
params[3] -= learning_rate * grads[3]
"""), None, "only the second layer is trained"),
    Wrong("train_two_layer", train("""
losses[step], grads = two_layer_loss(X, y, tuple(params))
params = [p + learning_rate * g for p, g in zip(params, grads)]
"""), None, "gradient ascent"),
    Wrong("train_two_layer", train("""
losses[step], grads = two_layer_loss(X, y, tuple(params))
params = [p - learning_rate / (1 + step) * g for p, g in zip(params, grads)]
"""), None, "learning rate decayed every step"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], int(y.max()) + 1
    params = (np.zeros((D, hidden_size)), np.zeros(hidden_size), np.zeros((hidden_size, C)), np.zeros(C))
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        losses[step], grads = two_layer_loss(X, y, params)
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
    return params, losses
""", None, "all-zero initial weights"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], len(np.unique(y))
    params = (rng.normal(size=(D, hidden_size)) * 0.1, np.zeros(hidden_size),
              rng.normal(size=(hidden_size, C)) * 0.1, np.zeros(C))
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        losses[step], grads = two_layer_loss(X, y, params)
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
    return params, losses
""", None, "C counted as the number of distinct labels"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], y.max() + 1
    W1 = np.random.randn(D, hidden_size) * np.sqrt(2 / D)
    W2 = np.random.randn(hidden_size, C) * np.sqrt(2 / hidden_size)
    params = (W1, np.zeros(hidden_size), W2, np.zeros(C))
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        losses[step], grads = two_layer_loss(X, y, params)
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
    return params, losses
""", None, "numpy's global random state instead of rng"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    rng = np.random.default_rng(0)
    D, C = X.shape[1], y.max() + 1
    params = (rng.normal(size=(D, hidden_size)) * np.sqrt(2 / D), np.zeros(hidden_size),
              rng.normal(size=(hidden_size, C)) * np.sqrt(2 / hidden_size), np.zeros(C))
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        losses[step], grads = two_layer_loss(X, y, params)
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
    return params, losses
""", None, "a fixed seed of its own instead of the rng given"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], y.max() + 1
    params = (rng.normal(size=(D, hidden_size)) * np.sqrt(2 / D), np.zeros(hidden_size),
              rng.normal(size=(hidden_size, C)) * np.sqrt(2 / hidden_size), np.zeros(C))
    losses = []
    for step in range(num_steps):
        loss, grads = two_layer_loss(X, y, params)
        losses.append(loss)
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
    return params, losses
""", None, "losses returned as a list"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], y.max() + 1
    params = (rng.normal(size=(D, hidden_size)) * np.sqrt(2 / D), np.zeros(hidden_size),
              rng.normal(size=(hidden_size, C)) * np.sqrt(2 / hidden_size), np.zeros(C))
    losses = np.zeros(num_steps)
    for step in range(num_steps - 1):
        losses[step], grads = two_layer_loss(X, y, params)
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
    return params, losses
""", None, "one step fewer, the last loss left at 0"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], y.max() + 1
    params = (rng.normal(size=(D, hidden_size)) * np.sqrt(2 / D), np.zeros(hidden_size),
              rng.normal(size=(hidden_size, C)) * np.sqrt(2 / hidden_size), np.zeros(C))
    losses = [two_layer_loss(X, y, params)[0]]
    for step in range(num_steps):
        grads = two_layer_loss(X, y, params)[1]
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
        losses.append(two_layer_loss(X, y, params)[0])
    return params, np.array(losses)
""", None, "num_steps + 1 losses"),
    Wrong("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], y.max() + 1
    params = [rng.normal(size=(D, hidden_size)) * np.sqrt(2 / D), np.zeros(hidden_size),
              rng.normal(size=(hidden_size, C)) * np.sqrt(2 / hidden_size), np.zeros(C)]
    velocity = [np.zeros_like(p) for p in params]
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        losses[step], grads = two_layer_loss(X, y, tuple(params))
        for i in range(4):
            velocity[i] = 0.9 * velocity[i] - learning_rate * grads[i]
            params[i] = params[i] + velocity[i]
    return tuple(params), losses
""", None, "momentum instead of plain gradient descent"),
    Wrong("train_two_layer", train("""
loss, grads = two_layer_loss(X, y, tuple(params))
losses[step] = loss
params = [p - learning_rate * g for p, g in zip(params, grads)]
""").replace("losses = np.zeros(num_steps)", "losses = np.zeros(num_steps, dtype=np.float32)"),
          None, "float32 losses"),
]

CORRECT = [
    # ---- affine_forward
    Correct("affine_forward", """
def affine_forward(x, W, b):
    return np.dot(x, W) + b, [x, W, b]
""", "np.dot, the cache as a list"),
    Correct("affine_forward", """
def affine_forward(x, W, b):
    out = np.einsum('nd,dm->nm', x, W) + b[None, :]
    return out, (x, W, b)
""", "einsum"),
    Correct("affine_forward", """
def affine_forward(x, W, b):
    out = np.zeros((x.shape[0], W.shape[1]))
    for n in range(x.shape[0]):
        out[n] = x[n] @ W + b
    return out, (x.copy(), W.copy(), b.copy())
""", "row by row, the cache holds copies"),

    # ---- affine_backward
    Correct("affine_backward", """
def affine_backward(dout, cache):
    x, W, _ = cache
    dx = np.dot(dout, W.T)
    dW = np.dot(x.T, dout)
    db = np.sum(dout, axis=0)
    return dx, dW, db
""", "np.dot"),
    Correct("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    return (W @ dout.T).T, np.einsum('nd,nm->dm', x, dout), np.ones(len(dout)) @ dout
""", "transposes of transposes, einsum, a ones vector"),
    Correct("affine_backward", """
def affine_backward(dout, cache):
    x, W, b = cache
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for n in range(x.shape[0]):
        dW += np.outer(x[n], dout[n])
        db += dout[n]
    return dout @ W.T, dW, db
""", "sums over the rows in a loop"),

    # ---- relu_backward
    Correct("relu_backward", """
def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)
""", "np.where"),
    Correct("relu_backward", """
def relu_backward(dout, cache):
    dz = dout.copy()
    dz[cache <= 0] = 0
    return dz
""", "zeroes a copy"),
    Correct("relu_backward", """
def relu_backward(dout, cache):
    dout[cache <= 0] = 0
    return dout
""", "zeroes dout in place (the docstring allows it)"),
    Correct("relu_backward", """
def relu_backward(dout, cache):
    return dout * np.heaviside(cache, 0.0)
""", "heaviside with 0 at 0"),

    # ---- sigmoid_backward
    Correct("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    s = 1.0 / (1.0 + np.exp(-cache))
    return dout * s * (1.0 - s)
""", "naive sigmoid (the inputs are moderate)"),
    Correct("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    e = np.exp(-cache)
    return dout * e / (1.0 + e) ** 2
""", "the derivative written with exp"),
    Correct("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    s, _ = sigmoid_forward(cache)
    return dout * (s - s * s)
""", "through sigmoid_forward"),
    Correct("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    return dout * 0.25 / np.cosh(cache / 2) ** 2
""", "sigma' = 1 / (4 cosh(z/2)^2)"),
    Correct("sigmoid_backward", """
def sigmoid_backward(dout, cache):
    s = 0.5 * (1 + np.tanh(cache / 2))
    ds = s * (1 - s)
    return ds * dout
""", "sigmoid through tanh"),

    # ---- softmax_cross_entropy
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    N, C = scores.shape
    lse = np.logaddexp.reduce(scores, axis=1)
    loss = np.mean(lse - scores[np.arange(N), y])
    Y = np.eye(C)[y]
    return float(loss), (np.exp(scores - lse[:, None]) - Y) / N
""", "logaddexp.reduce, a one-hot matrix"),
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    scores -= scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    n = len(y)
    dscores = np.exp(log_probs)
    dscores[range(n), y] -= 1
    dscores /= n
    return -log_probs[range(n), y].mean(), dscores
""", "shifts scores in place (the docstring allows it), returns np.float64"),
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    loss = 0.0
    dscores = np.zeros_like(scores)
    for i in range(n):
        s = scores[i] - np.max(scores[i])
        log_z = np.log(np.sum(np.exp(s)))
        loss += log_z - s[y[i]]
        dscores[i] = np.exp(s - log_z)
        dscores[i, y[i]] -= 1
    return loss / n, dscores / n
""", "row by row"),

    # ---- two_layer_loss
    Correct("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    N = X.shape[0]
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    s = h @ W2 + b2
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].mean()
    ds = np.exp(logp)
    ds[np.arange(N), y] -= 1
    ds /= N
    dh = ds @ W2.T
    dh[h <= 0] = 0
    return loss, [X.T @ dh, dh.sum(axis=0), h.T @ ds, ds.sum(axis=0)]
""", "written out, mask from h, gradients as a list"),
    Correct("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    z1, c1 = affine_forward(X, W1, b1)
    a1, c2 = relu_forward(z1)
    scores, c3 = affine_forward(a1, W2, b2)
    loss, dscores = softmax_cross_entropy(scores, y)
    da1, dW2, db2 = affine_backward(dscores, c3)
    dz1 = relu_backward(da1, c2)
    dX, dW1, db1 = affine_backward(dz1, c1)
    return loss, (dW1, db1, dW2, db2)
""", "the layer functions"),
    Correct("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    N, C = X.shape[0], W2.shape[1]
    z = np.einsum('nd,dh->nh', X, W1) + b1
    h = z * (z > 0)
    s = h @ W2 + b2
    lse = np.logaddexp.reduce(s, axis=1)
    Y = np.eye(C)[y]
    loss = float(np.mean(lse - s[np.arange(N), y]))
    ds = (np.exp(s - lse[:, None]) - Y) / N
    dz = np.einsum('nc,hc->nh', ds, W2) * (z > 0)
    return loss, (X.T @ dz, dz.sum(0), h.T @ ds, ds.sum(0))
""", "einsum, log-sum-exp, one-hot"),
    Correct("two_layer_loss", """
def two_layer_loss(X, y, params):
    W1, b1, W2, b2 = params
    N = len(X)
    hidden = np.maximum(0, X.dot(W1) + b1)
    scores = hidden.dot(W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.sum(-np.log(probs[range(N), y])) / N
    dscores = probs.copy()
    dscores[range(N), y] -= 1
    dscores /= N
    dW2 = hidden.T.dot(dscores)
    db2 = np.sum(dscores, axis=0)
    dhidden = dscores.dot(W2.T)
    dhidden[hidden <= 0] = 0
    return loss, (X.T.dot(dhidden), np.sum(dhidden, axis=0), dW2, db2)
""", "the classic written-out version (log of probabilities: the scores here are moderate)"),

    # ---- numerical_gradient
    Correct("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad
""", "perturbs x in place and restores every entry exactly"),
    Correct("numerical_gradient", """
def numerical_gradient(f, x, h=1e-5):
    flat = x.astype(np.float64).ravel()
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        plus, minus = flat.copy(), flat.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus.reshape(x.shape)) - f(minus.reshape(x.shape))) / (2 * h)
    return grad.reshape(x.shape)
""", "flat copies"),
    Correct("numerical_gradient", """
def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[i] = 1.0
        grad[i] = (f(x + h * e) - f(x - h * e)) / (2 * h)
    return grad
""", "another default h, steps along unit vectors"),
    Correct("numerical_gradient", NUMGRAD.format(h="1e-4", minus="- h", denominator="2 * h"),
            "nditer on a copy, default h = 1e-4"),

    # ---- rel_error
    Correct("rel_error", """
def rel_error(a, b, floor=1e-8):
    denom = np.maximum(np.abs(a) + np.abs(b), floor)
    return float(np.max(np.abs(a - b) / denom))
""", "vectorized"),
    Correct("rel_error", """
def rel_error(a, b, floor=1e-8):
    worst = 0.0
    for x, y in zip(np.ravel(a), np.ravel(b)):
        worst = max(worst, abs(x - y) / max(abs(x) + abs(y), floor))
    return worst
""", "a loop"),
    Correct("rel_error", """
def rel_error(a, b, floor=1e-8):
    size = np.abs(a) + np.abs(b)
    size = np.where(size < floor, floor, size)
    return np.max(np.abs(a - b) / size)
""", "np.where for the floor, returns np.float64"),

    # ---- find_wrong_gradient
    Correct("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    errors = {}
    for name in params:
        def f_of(v, name=name):
            trial = dict(params)
            trial[name] = v
            return f(trial)
        errors[name] = rel_error(numerical_gradient(f_of, params[name], h), grads[name])
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > tol else ""
""", "a dict copy per evaluation, max over a dict"),
    Correct("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    names = list(params.keys())
    errs = [rel_error(numerical_gradient(lambda v: f({**params, n: v}), params[n], h), grads[n]) for n in names]
    i = int(np.argmax(errs))
    if errs[i] <= tol:
        return ""
    return names[i]
""", "np.argmax over a list"),
    Correct("find_wrong_gradient", """
def find_wrong_gradient(f, params, grads, h=1e-5, tol=1e-6):
    worst, worst_err = "", tol
    for name, value in params.items():
        num = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            plus, minus = value.copy(), value.copy()
            plus[i] += h
            minus[i] -= h
            num[i] = (f({**params, name: plus}) - f({**params, name: minus})) / (2 * h)
        err = np.max(np.abs(num - grads[name]) / np.maximum(np.abs(num) + np.abs(grads[name]), 1e-8))
        if err > worst_err:
            worst, worst_err = name, err
    return worst
""", "its own central differences and relative error"),

    # ---- train_two_layer
    Correct("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], int(y.max()) + 1
    W2 = rng.uniform(-1, 1, size=(hidden_size, C)) * np.sqrt(6 / (hidden_size + C))
    W1 = rng.uniform(-1, 1, size=(D, hidden_size)) * np.sqrt(6 / (D + hidden_size))
    b1, b2 = np.zeros(hidden_size), np.zeros(C)
    losses = np.empty(num_steps)
    for t in range(num_steps):
        losses[t], (dW1, db1, dW2, db2) = two_layer_loss(X, y, (W1, b1, W2, b2))
        W1 = W1 - learning_rate * dW1
        b1 = b1 - learning_rate * db1
        W2 = W2 - learning_rate * dW2
        b2 = b2 - learning_rate * db2
    return (W1, b1, W2, b2), losses
""", "Glorot uniform, W2 drawn first"),
    Correct("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    C = y.max() + 1
    W1 = 0.01 * rng.standard_normal((X.shape[1], hidden_size))
    b1 = np.zeros(hidden_size)
    W2 = 0.01 * rng.standard_normal((hidden_size, C))
    b2 = np.zeros(C)
    losses = []
    for _ in range(num_steps):
        loss, (dW1, db1, dW2, db2) = two_layer_loss(X, y, (W1, b1, W2, b2))
        losses.append(loss)
        W1 -= learning_rate * dW1
        b1 -= learning_rate * db1
        W2 -= learning_rate * dW2
        b2 -= learning_rate * db2
    return [W1, b1, W2, b2], np.array(losses)
""", "small normal weights, in-place updates, params as a list"),
    Correct("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], int(y.max()) + 1
    params = tuple(rng.normal(size=shape) / np.sqrt(shape[0]) if len(shape) == 2 else 0.1 * rng.normal(size=shape)
                   for shape in [(D, hidden_size), (hidden_size,), (hidden_size, C), (C,)])
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        loss, grads = two_layer_loss(X, y, params)
        losses[step] = loss
        params = tuple(p - learning_rate * g for p, g in zip(params, grads))
    return params, losses
""", "LeCun normal weights, random biases"),
    Correct("train_two_layer", """
def train_two_layer(X, y, hidden_size, learning_rate, num_steps, rng):
    D, C = X.shape[1], int(y.max()) + 1
    W1 = rng.uniform(-1.0, 1.0, (D, hidden_size))
    W2 = rng.uniform(-1.0, 1.0, (hidden_size, C))
    params = [W1, np.zeros(hidden_size), W2, np.zeros(C)]
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        losses[step], grads = two_layer_loss(X, y, tuple(params))
        for p, g in zip(params, grads):
            p -= learning_rate * g
    return tuple(params), losses
""", "uniform(-1, 1) weights, updates in place through the list"),
]
