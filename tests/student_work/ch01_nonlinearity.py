'''Chapter 1 students' implementations (see ``student_work``).'''
from student_work import Correct, Wrong

CHAPTER = "01_nonlinearity"

WRONG = [
    # ---- relu
    Wrong("relu", """
def relu(x):
    return np.abs(x)
""", "absolute value", "absolute value"),
    Wrong("relu", """
def relu(x):
    out = x.copy()
    out[out < 0] = -out[out < 0]
    return out
""", "absolute value", "flips the sign of negatives instead of zeroing them"),
    Wrong("relu", """
def relu(x):
    x[x < 0] == 0
    return x
""", "the identity", "a comparison where an assignment was meant"),
    Wrong("relu", """
def relu(x):
    x[x < 0] = 0
    return x.astype(np.float32)
""", None, "float32"),
    Wrong("relu", """
def relu(x):
    return np.maximum(x, 0).astype(int)
""", None, "rounds to integers"),
    Wrong("relu", """
def relu(x):
    return [max(v, 0.0) for v in x.ravel()]
""", None, "returns a flat list"),
    Wrong("relu", """
def relu(x):
    return np.maximum(x, 0.01 * x)
""", None, "leaky ReLU with slope 0.01"),
    Wrong("relu", """
def relu(x):
    return (x > 0).astype(np.float64)
""", None, "returns the derivative"),

    # ---- relu_grad
    Wrong("relu_grad", """
def relu_grad(x):
    return np.heaviside(x, 1.0)
""", "subgradient at 0 was taken as 1", "heaviside with 1 at 0"),
    Wrong("relu_grad", """
def relu_grad(x):
    return (x >= 0) * 1.0
""", "subgradient at 0 was taken as 1", "non-strict mask"),
    Wrong("relu_grad", """
def relu_grad(x):
    return np.heaviside(x, 0.5)
""", "subgradient at 0 was taken as 0.5", "heaviside with 0.5 at 0"),
    Wrong("relu_grad", """
def relu_grad(x):
    return np.sign(x)
""", "np.sign gives -1", "sign function"),
    Wrong("relu_grad", """
def relu_grad(x):
    return x > 0
""", None, "returns booleans"),
    Wrong("relu_grad", """
def relu_grad(x):
    return np.where(x > 0, 1, 0)
""", None, "returns integers"),
    Wrong("relu_grad", """
def relu_grad(x):
    return (x > 1e-12).astype(np.float64)
""", None, "a threshold above 0 misses tiny positive inputs"),
    Wrong("relu_grad", """
def relu_grad(x):
    return np.maximum(x, 0.0)
""", None, "returns relu itself"),
    Wrong("relu_grad", """
def relu_grad(x):
    return np.where(np.signbit(x), 0.0, 1.0)
""", None, "sign bit: 1 at +0.0, 0 at -0.0"),

    # ---- sigmoid
    Wrong("sigmoid", """
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
""", "naive sigmoid overflow", "textbook formula"),
    Wrong("sigmoid", """
def sigmoid(x):
    return np.reciprocal(1.0 + np.exp(-x))
""", "naive sigmoid overflow", "reciprocal of the textbook formula"),
    Wrong("sigmoid", """
def sigmoid(x):
    e = np.exp(x)
    return e / (e + 1)
""", "overflows for large positive x", "exp(x) / (1 + exp(x)) everywhere"),
    Wrong("sigmoid", """
def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
""", "exp was computed on every entry", "np.where evaluates both formulas"),
    Wrong("sigmoid", """
def sigmoid(x):
    pos = 1 / (1 + np.exp(-x))
    neg = np.exp(x) / (1 + np.exp(x))
    return np.where(x < 0, neg, pos)
""", "exp was computed on every entry", "both formulas on every entry, then chosen"),
    Wrong("sigmoid", """
def sigmoid(x):
    return 1 / (1 + np.exp(x))
""", "sign of x was flipped", "sigmoid(-x)"),
    Wrong("sigmoid", """
def sigmoid(x):
    return np.tanh(x)
""", "tanh was returned", "tanh"),
    Wrong("sigmoid", """
def sigmoid(x):
    out = np.zeros_like(x)
    pos = x > 0
    neg = x < 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    out[neg] = np.exp(x[neg]) / (1 + np.exp(x[neg]))
    return out
""", None, "forgets x == 0, which stays 0 instead of 0.5"),
    Wrong("sigmoid", """
def sigmoid(x):
    x = np.clip(x, -10, 10)
    return 1 / (1 + np.exp(-x))
""", None, "clipping at 10 changes the values far out"),
    Wrong("sigmoid", """
def sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(np.float32)
""", None, "stable but float32"),

    # ---- sigmoid_grad
    Wrong("sigmoid_grad", """
def sigmoid_grad(x):
    return x * (1 - x)
""", "evaluated on the activation's output", "treats x as sigmoid(x)"),
    Wrong("sigmoid_grad", """
def sigmoid_grad(s):
    return s - s * s
""", "evaluated on the activation's output", "output form, rearranged"),
    Wrong("sigmoid_grad", """
def sigmoid_grad(x):
    s = sigmoid(x)
    return 1 - s ** 2
""", "tanh's rule", "tanh's derivative formula"),
    Wrong("sigmoid_grad", """
def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 + s)
""", None, "sign slip"),
    Wrong("sigmoid_grad", """
def sigmoid_grad(x):
    return sigmoid(x) * (1 - x)
""", None, "mixes the input into the output formula"),
    Wrong("sigmoid_grad", """
def sigmoid_grad(x):
    return sigmoid(x)
""", None, "returns the sigmoid"),

    # ---- tanh
    Wrong("tanh", """
def tanh(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
""", "ratio of exponentials overflows", "definition by exp"),
    Wrong("tanh", """
def tanh(x):
    e = np.exp(2 * x)
    return (e - 1) / (e + 1)
""", "ratio of exponentials overflows", "exp(2x) form"),
    Wrong("tanh", """
def tanh(x):
    return np.sinh(x) / np.cosh(x)
""", "ratio of exponentials overflows", "sinh / cosh overflow to inf / inf"),
    Wrong("tanh", """
def tanh(x):
    return 1 / (1 + np.exp(-x))
""", "logistic sigmoid was returned", "the sigmoid"),
    Wrong("tanh", """
def tanh(x):
    return 2 * sigmoid(x) - 1
""", None, "2 sigmoid(x) - 1 is tanh(x / 2)"),
    Wrong("tanh", """
def tanh(x):
    return np.tanh(x).tolist()
""", None, "returns a list"),

    # ---- tanh_grad
    Wrong("tanh_grad", """
def tanh_grad(t):
    return 1 - t * t
""", "evaluated on the activation's output", "treats x as tanh(x)"),
    Wrong("tanh_grad", """
def tanh_grad(t):
    return (1 - t) * (1 + t)
""", "evaluated on the activation's output", "output form, factored"),
    Wrong("tanh_grad", """
def tanh_grad(x):
    return 1 - np.tanh(x)
""", "square was left out", "forgot the square"),
    Wrong("tanh_grad", """
def tanh_grad(x):
    t = np.tanh(x)
    return t * (1 - t)
""", "the sigmoid's rule", "sigmoid's derivative rule"),
    Wrong("tanh_grad", """
def tanh_grad(x):
    return np.tanh(x) ** 2 - 1
""", None, "sign flipped"),
    Wrong("tanh_grad", """
def tanh_grad(x):
    return 1 - np.tanh(x ** 2)
""", None, "squares the input instead of the output"),

    # ---- leaky_relu
    Wrong("leaky_relu", """
def leaky_relu(x, alpha):
    return np.where(x <= 0, x, alpha * x)
""", "alpha was applied on the positive side", "branches swapped"),
    Wrong("leaky_relu", """
def leaky_relu(x, alpha):
    return np.maximum(x, 0.0)
""", "alpha was ignored", "plain ReLU"),
    Wrong("leaky_relu", """
def leaky_relu(x, alpha):
    return np.maximum(x, alpha * x)
""", "only for alpha <= 1", "max trick, wrong for alpha > 1"),
    Wrong("leaky_relu", """
def leaky_relu(x, alpha):
    out = x.copy()
    out[out < 0] *= 0.01
    return out
""", "fixed at 0.01", "hard-coded slope"),
    Wrong("leaky_relu", """
def leaky_relu(x, alpha):
    return np.where(x > 0, x, alpha)
""", None, "constant alpha instead of alpha * x"),
    Wrong("leaky_relu", """
def leaky_relu(x, alpha):
    slope = np.random.uniform(0, alpha)
    return np.where(x > 0, x, slope * x)
""", None, "randomized slope from the global random state"),
    Wrong("leaky_relu", """
def leaky_relu(x, alpha):
    return x * (x > 0) + alpha * (x < 0)
""", None, "adds alpha instead of multiplying x"),

    # ---- leaky_relu_grad
    Wrong("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    return np.where(x < 0, alpha, 1.0)
""", "derivative at 0 was taken as 1", "strict on the negative side"),
    Wrong("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    g = np.ones_like(x)
    g[x < 0] = alpha
    return g
""", "derivative at 0 was taken as 1", "mask misses x == 0"),
    Wrong("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    return (x > 0) * 1.0 + (x < 0) * alpha
""", "derivative at 0 was taken as 0", "both masks strict"),
    Wrong("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    return np.where(x > 0, alpha, 1.0)
""", "alpha was applied on the positive side", "branches swapped"),
    Wrong("leaky_relu_grad", """
def leaky_relu_grad(x, alpha=0.01):
    return np.where(x > 0, 1.0, 0.01)
""", "fixed at 0.01", "ignores the alpha it is given"),
    Wrong("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    return np.where(x > 0, 1.0, alpha * x)
""", None, "returns alpha * x (the activation) for x <= 0"),
    Wrong("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    return np.where(x > 0, 1, alpha).astype(np.float32)
""", None, "float32"),

    # ---- elu
    Wrong("elu", """
def elu(x, alpha):
    return x * (x > 0) + alpha * x * (x <= 0)
""", "alpha * x instead of alpha * (exp(x) - 1)", "linear negative side"),
    Wrong("elu", """
def elu(x, alpha):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))
""", "exp was computed on every entry", "np.where overflows in the discarded branch"),
    Wrong("elu", """
def elu(x, alpha):
    return np.where(x > 0, x, 0) + np.where(x <= 0, alpha * np.expm1(x), 0)
""", "exp was computed on every entry", "expm1 on every entry, summed"),
    Wrong("elu", """
def elu(x, alpha):
    return x * (x > 0) + alpha * (np.exp(x) - 1) * (x <= 0)
""", "exp was computed on every entry", "mask product: inf * 0 is nan"),
    Wrong("elu", """
def elu(x, alpha):
    return np.where(x > 0, x, alpha * np.exp(x) - 1)
""", "parentheses were left out", "alpha * exp(x) - 1, with np.where"),
    Wrong("elu", """
def elu(x, alpha):
    neg = np.minimum(x, 0)
    return np.where(x > 0, x, alpha * np.exp(neg) - 1)
""", "parentheses were left out", "alpha * exp(x) - 1, clamped"),
    Wrong("elu", """
def elu(x, alpha):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))
""", "alpha was ignored", "alpha = 1"),
    Wrong("elu", """
def elu(x, alpha):
    out = x.copy()
    neg = x <= 0
    out[neg] = alpha * np.exp(x[neg])
    return out
""", None, "forgot the - 1"),
    Wrong("elu", """
def elu(x, alpha):
    out = x.copy()
    neg = x < 0
    out[neg] = alpha * (np.exp(x[neg]) - 1)
    return out.astype(np.float32)
""", None, "float32"),

    # ---- elu_grad
    Wrong("elu_grad", """
def elu_grad(x, alpha):
    return np.where(x > 0, 1.0, alpha)
""", "alpha * exp(x), not alpha", "derivative of leaky ReLU"),
    Wrong("elu_grad", """
def elu_grad(x, alpha):
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0)))
""", "alpha was left out", "forgot alpha"),
    Wrong("elu_grad", """
def elu_grad(x, alpha):
    g = np.ones_like(x)
    neg = x < 0
    g[neg] = alpha * np.exp(x[neg])
    return g
""", "derivative at 0 was taken as 1", "strict mask leaves 1 at x == 0"),
    Wrong("elu_grad", """
def elu_grad(y, alpha):
    return np.where(y > 0, 1.0, y + alpha)
""", "evaluated on the activation's output", "output form y + alpha on the input"),
    Wrong("elu_grad", """
def elu_grad(x, alpha):
    return np.where(x > 0, 1.0, alpha * (np.exp(x) - 1))
""", None, "returns the activation for x <= 0"),
    Wrong("elu_grad", """
def elu_grad(x, alpha):
    return np.where(x > 0, 1.0, alpha * np.exp(-np.abs(x))).astype(np.float32)
""", None, "float32"),

    # ---- gelu
    Wrong("gelu", """
def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
""", "tanh approximation", "the tanh approximation from the GELU paper"),
    Wrong("gelu", """
def gelu(x):
    c = math.sqrt(2 / math.pi)
    inner = c * (x + 0.044715 * np.power(x, 3))
    return x * (1 + np.tanh(inner)) / 2
""", "tanh approximation", "the tanh approximation, written with np.power"),
    Wrong("gelu", """
def gelu(x):
    return x * sigmoid(1.702 * x)
""", "sigmoid approximation", "the sigmoid approximation"),
    Wrong("gelu", """
def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x))
""", "erf(x) was used instead of erf(x / sqrt(2))", "forgot to scale by sqrt(2)"),
    Wrong("gelu", """
def gelu(x):
    erf = np.vectorize(math.erf)
    return x * (1 + erf(x / np.sqrt(2)))
""", "factor 1/2 of Phi was left out", "Phi without its 1/2"),
    Wrong("gelu", """
def gelu(x):
    cdf = [0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.ravel()]
    return np.array(cdf).reshape(x.shape)
""", "without the factor x", "returns the CDF alone"),
    Wrong("gelu", """
def gelu(x):
    return x * sigmoid(x)
""", "SiLU, x * sigmoid(x), was returned instead of GELU", "SiLU in place of GELU"),
    Wrong("gelu", """
def gelu(x):
    erf = np.frompyfunc(math.erf, 1, 1)
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))
""", None, "np.frompyfunc returns an object array"),
    Wrong("gelu", """
def gelu(x):
    return np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x])
""", None, "loops over the first axis only: math.erf gets a row on 2-D input"),

    # ---- gelu_grad
    Wrong("gelu_grad", """
def gelu_grad(x):
    erf = np.vectorize(math.erf)
    return 0.5 * (1 + erf(x / np.sqrt(2)))
""", "x * phi(x) term was left out", "the derivative of Phi times a constant x"),
    Wrong("gelu_grad", """
def gelu_grad(x):
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    return cdf + x * np.exp(-x ** 2 / 2)
""", "without its factor 1 / sqrt(2 pi)", "unnormalised density"),
    Wrong("gelu_grad", """
def gelu_grad(x):
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    pdf = np.exp(-x ** 2) / np.sqrt(2 * np.pi)
    return cdf + x * pdf
""", "exp(-x**2) was used in the normal density", "density without the 1/2 in the exponent"),
    Wrong("gelu_grad", """
def gelu_grad(x):
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    pdf = np.exp(-x ** 2 / 2) / np.sqrt(2 * np.pi)
    return cdf + pdf
""", "factor x was left out of the density term", "Phi + phi"),
    Wrong("gelu_grad", """
def gelu_grad(x):
    c = np.sqrt(2 / np.pi)
    t = np.tanh(c * (x + 0.044715 * x ** 3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t ** 2) * c * (1 + 3 * 0.044715 * x ** 2)
""", "derivative of the tanh approximation", "differentiates the tanh approximation"),
    Wrong("gelu_grad", """
def gelu_grad(x):
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    pdf = 1 / (np.sqrt(2 * np.pi) * np.exp(x ** 2 / 2))
    return cdf + x * pdf
""", None, "1 / exp(x**2 / 2) overflows for large |x|"),
    Wrong("gelu_grad", """
def gelu_grad(x):
    return gelu(x) / x
""", None, "gelu(x) / x is Phi(x), and 0 / 0 at x = 0"),

    # ---- silu
    Wrong("silu", """
def silu(x):
    return x / (1 + np.exp(-x))
""", "naive sigmoid overflow inside SiLU", "textbook formula"),
    Wrong("silu", """
def silu(x):
    s = 1.0 / (1.0 + np.exp(-x))
    return x * s
""", "naive sigmoid overflow inside SiLU", "its own naive sigmoid"),
    Wrong("silu", """
def silu(x):
    e = np.exp(x)
    return x * e / (1 + e)
""", "overflows for large positive x", "exp(x) / (1 + exp(x))"),
    Wrong("silu", """
def silu(x):
    s = np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
    return x * s
""", "exp was computed on every entry", "np.where evaluates both formulas"),
    Wrong("silu", """
def silu(x):
    return sigmoid(x)
""", "sigmoid(x) was returned instead of x * sigmoid(x)", "forgot the factor x"),
    Wrong("silu", """
def silu(x):
    return x / (1 + np.exp(x))
""", "sign of x was flipped inside the sigmoid", "exp(x) instead of exp(-x)"),
    Wrong("silu", """
def silu(x):
    return np.maximum(x, 0) * sigmoid(x)
""", None, "ReLU times the sigmoid: zero for every negative input"),

    # ---- silu_grad
    Wrong("silu_grad", """
def silu_grad(x):
    return sigmoid(x)
""", "the x * sigmoid'(x) term is missing", "treats x as a constant"),
    Wrong("silu_grad", """
def silu_grad(x):
    s = sigmoid(x)
    return x * s * (1 - s)
""", "the sigmoid(x) term is missing", "only the x * sigmoid' term"),
    Wrong("silu_grad", """
def silu_grad(x):
    return silu(x) * (1 - sigmoid(x))
""", "the sigmoid(x) term is missing", "silu(x) * (1 - sigmoid(x)) is the same single term"),
    Wrong("silu_grad", """
def silu_grad(x):
    return sigmoid_grad(x)
""", "the sigmoid's derivative", "reuses sigmoid_grad"),
    Wrong("silu_grad", """
def silu_grad(x):
    s = sigmoid(x)
    return s + x * s * (1 + s)
""", None, "sign slip in the sigmoid's derivative"),
    Wrong("silu_grad", """
def silu_grad(x):
    s = sigmoid(x)
    return s * (1 + x * s)
""", None, "s + x s^2: the sigmoid's derivative taken as s^2"),

    # ---- softmax
    Wrong("softmax", """
def softmax(x):
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)
""", "without subtracting the maximum", "naive"),
    Wrong("softmax", """
def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=-1, keepdims=True)
""", "maximum of the whole array", "global maximum"),
    Wrong("softmax", """
def softmax(x):
    e = np.exp(x - x.max(0))
    return e / e.sum(0)
""", "over the first axis", "axis 0"),
    Wrong("softmax", """
def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum()
""", "sum was taken over the whole array", "global sum"),
    Wrong("softmax", """
def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1)
""", None, "no keepdims"),
    Wrong("softmax", """
def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""", None, "hard-coded axis 1"),
    Wrong("softmax", """
def softmax(x):
    e = np.exp(x - x.min(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
""", None, "subtracts the minimum"),
    Wrong("softmax", """
def softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
""", None, "returns log-softmax"),

    # ---- maxout
    Wrong("maxout", """
def maxout(x, W, b):
    return np.max([x @ w for w in W], axis=0)
""", "biases b were left out", "no biases"),
    Wrong("maxout", """
def maxout(x, W, b):
    return np.min(x @ W + b[:, None, :], axis=0)
""", "minimum was taken", "min"),
    Wrong("maxout", """
def maxout(x, W, b):
    out = np.zeros((x.shape[0], W.shape[2]))
    for j in range(W.shape[0]):
        out = np.maximum(out, x @ W[j] + b[j])
    return out
""", "running maximum started at 0", "running max from zeros"),
    Wrong("maxout", """
def maxout(x, W, b):
    return (x @ W + b).max(axis=0)
""", None, "b broadcast against the batch axis"),
    Wrong("maxout", """
def maxout(x, W, b):
    return (x @ W + b[:, None, :]).max(axis=-1)
""", None, "max over the output units"),
    Wrong("maxout", """
def maxout(x, W, b):
    return (x @ W + b[:, None, :]).sum(axis=0)
""", None, "sum of the pieces"),
    Wrong("maxout", """
def maxout(x, W, b):
    out = x @ W[0] + b[0]
    for j in range(1, W.shape[0] - 1):
        out = np.maximum(out, x @ W[j] + b[j])
    return out
""", None, "off by one: the last piece is skipped"),
    Wrong("maxout", """
def maxout(x, W, b):
    return np.max(x @ W, axis=0) + np.max(b, axis=0)
""", None, "max of the products plus max of the biases"),

    # ---- collapse_linear
    Wrong("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    return W1 @ W2, b2
""", "first bias was left out", "drops b1"),
    Wrong("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    return np.dot(W1, W2), np.dot(b1, W2)
""", "second bias was left out", "drops b2"),
    Wrong("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    return W1 @ W2, b1 + b2
""", None, "adds the biases without W2"),
    Wrong("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    return W1 @ W2, b1[None, :] @ W2 + b2
""", None, "b of shape (1, M)"),
    Wrong("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    return (W2.T @ W1.T), b1 @ W2 + b2
""", None, "W transposed, shape (M, D)"),
    Wrong("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    return W1 @ W2
""", None, "returns W only"),

    # ---- threshold_unit_best_accuracy
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    return float(np.mean([np.mean(((X @ [a, c] + b) > 0) == y) for a in grid for c in grid for b in grid]))
""", "averaged over the grid", "mean instead of max"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                pred = (X[:, 0] * w1 + X[:, 1] * w2 + b >= 0).astype(float)
                best = max(best, np.mean(pred == y))
    return best
""", "score is >= 0", "non-strict threshold"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    for w1 in grid:
        for w2 in grid:
            pred = X @ np.array([w1, w2]) > 0
            best = max(best, float(np.mean(pred == y)))
    return best
""", "bias was fixed at 0", "no bias"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                best = max(best, np.sum((X[:, 0] * w1 + X[:, 1] * w2 + b > 0) == y))
    return best
""", "number of correctly classified rows", "count, as an integer"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    W1, W2, B = np.meshgrid(grid, grid, grid)
    s = X[:, 0, None] * W1.ravel() + X[:, 1, None] * W2.ravel() + B.ravel()
    return float(((s > 0) == (y[:, None] == 1)).sum(axis=0).max())
""", "number of correctly classified rows", "count, as a float"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    import itertools
    best = 0.0
    for w1, w2, b in itertools.combinations(grid, 3):
        best = max(best, np.mean((X[:, 0] * w1 + X[:, 1] * w2 + b > 0) == y))
    return float(best)
""", None, "combinations skip most of the grid"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    G = len(grid)
    for i in range(G - 1):
        for j in range(G - 1):
            for k in range(G - 1):
                pred = X[:, 0] * grid[i] + X[:, 1] * grid[j] + grid[k] > 0
                best = max(best, np.mean(pred == y))
    return float(best)
""", None, "off by one: the last grid value is never tried"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                pred = X[:, 0] * w1 + X[:, 1] * w1 + b > 0
                best = max(best, np.mean(pred == y))
    return float(best)
""", None, "w1 used for both inputs"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                best = max(best, np.mean(np.heaviside(X @ [w1, w2] + b, 1.0) == y))
    return float(best)
""", "score is >= 0", "heaviside with 1 at 0"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                best = max(best, np.mean(np.sign(X[:, 0] * w1 + X[:, 1] * w2 + b) == y))
    return float(best)
""", None, "np.sign gives -1, never the label 0"),
    Wrong("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                pred = X[:, 0] * w1 + X[:, 1] * w2 + b > 0
                best = max(best, np.mean(pred == y))
    return np.float32(best)
""", None, "float32"),

    # ---- xor_network
    Wrong("xor_network", """
def xor_network():
    return np.eye(2), np.zeros(2), np.ones((2, 1)), np.array([-0.5])
""", None, "computes OR"),
    Wrong("xor_network", """
def xor_network():
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[-1.0], [2.0]])
    b2 = np.array([0.5])
    return W1, b1, W2, b2
""", None, "the output layer negated: computes XNOR"),
    Wrong("xor_network", """
def xor_network():
    W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])
    b1 = np.zeros(2)
    W2 = np.array([[1.0], [1.0]])
    b2 = np.array([-1.0])
    return W1, b1, W2, b2
""", None, "score exactly 0 on (0,1) and (1,0), meant as >= 0"),
    Wrong("xor_network", """
def xor_network():
    W1 = np.array([[1, 1], [1, 1]])
    b1 = np.array([0, -1])
    W2 = np.array([[1], [-2]])
    b2 = np.array([-0.5])
    return W1, b1, W2, b2
""", None, "integer weights"),
    Wrong("xor_network", """
def xor_network():
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([1.0, -2.0])
    b2 = np.array([-0.5])
    return W1, b1, W2, b2
""", None, "W2 of shape (H,)"),
    Wrong("xor_network", """
def xor_network():
    W1 = [[1.0, 1.0], [1.0, 1.0]]
    b1 = [0.0, -1.0]
    W2 = [[1.0], [-2.0]]
    b2 = [-0.5]
    return W1, b1, W2, b2
""", None, "nested lists instead of arrays"),
    Wrong("xor_network", """
def xor_network():
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0], [-2.0]])
    return W1, b1, W2
""", None, "b2 missing"),
    Wrong("xor_network", """
def xor_network():
    np.random.seed(0)
    W1 = np.random.randn(2, 2)
    b1 = np.random.randn(2)
    W2 = np.random.randn(2, 1)
    b2 = np.random.randn(1)
    return W1, b1, W2, b2
""", None, "random weights from the global random state"),
    Wrong("xor_network", """
def xor_network():
    np.random.seed(42)
    W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])
    b1 = np.zeros(2)
    W2 = np.array([[1.0], [1.0]])
    b2 = np.array([-0.5])
    return W1, b1, W2, b2
""", None, "right weights, but it reseeds the global random state"),
    # ---- hiding the overflow instead of avoiding it (the recorder sees the silencer)
    Wrong("sigmoid", """
def sigmoid(x):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))
""", None, "naive formula with numpy's overflow warning switched off"),
    Wrong("elu", """
import warnings

def elu(x, alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.where(x > 0, x, alpha * (np.exp(x) - 1.0))
""", None, "exp of every entry, its warning filtered away"),
]

CORRECT = [
    # ---- relu
    Correct("relu", """
def relu(x):
    return x * (x > 0)
""", "multiply by the mask"),
    Correct("relu", """
def relu(x):
    return np.where(x >= 0, x, 0.0)
""", "np.where, non-strict (the value at 0 is 0 either way)"),
    Correct("relu", """
def relu(x):
    return np.clip(x, 0, None)
""", "np.clip"),
    Correct("relu", """
def relu(x):
    np.maximum(x, 0, out=x)
    return x
""", "in place: the docstring does not forbid it"),
    Correct("relu", """
def relu(x):
    out = np.array([max(v, 0.0) for v in x.ravel()])
    return out.reshape(x.shape)
""", "a Python loop, reshaped"),

    # ---- relu_grad
    Correct("relu_grad", """
def relu_grad(x):
    return np.heaviside(x, 0.0)
""", "heaviside with 0 at 0"),
    Correct("relu_grad", """
def relu_grad(x):
    g = np.zeros_like(x)
    g[x > 0] = 1
    return g
""", "mask assignment"),
    Correct("relu_grad", """
def relu_grad(x):
    return np.where(x > 0, 1.0, 0.0)
""", "np.where with floats"),
    Correct("relu_grad", """
def relu_grad(x):
    return np.sign(relu(x))
""", "the sign of relu(x)"),

    # ---- sigmoid
    Correct("sigmoid", """
def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))
""", "through tanh"),
    Correct("sigmoid", """
def sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))
""", "exp(-|x|) never overflows"),
    Correct("sigmoid", """
def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))
""", "log-sum-exp"),
    Correct("sigmoid", """
def sigmoid(x):
    out = np.empty_like(x)
    for i, v in np.ndenumerate(x):
        if v >= 0:
            out[i] = 1 / (1 + np.exp(-v))
        else:
            out[i] = np.exp(v) / (1 + np.exp(v))
    return out
""", "element by element"),
    Correct("sigmoid", """
def sigmoid(x):
    x = np.clip(x, -500, 500)
    return 1 / (1 + np.exp(-x))
""", "clipped far enough out"),

    # ---- sigmoid_grad
    Correct("sigmoid_grad", """
def sigmoid_grad(x):
    s = sigmoid(x)
    return s - s ** 2
""", "expanded"),
    Correct("sigmoid_grad", """
def sigmoid_grad(x):
    return sigmoid(x) * sigmoid(-x)
""", "1 - sigma(x) = sigma(-x)"),
    Correct("sigmoid_grad", """
def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2
""", "the quotient rule"),
    Correct("sigmoid_grad", """
def sigmoid_grad(x):
    return 0.25 / np.cosh(x / 2) ** 2
""", "through cosh"),

    # ---- tanh
    Correct("tanh", """
def tanh(x):
    return 2 * sigmoid(2 * x) - 1
""", "through the stable sigmoid"),
    Correct("tanh", """
def tanh(x):
    e = np.exp(-2 * np.abs(x))
    return np.sign(x) * (1 - e) / (1 + e)
""", "exp(-2|x|) never overflows"),
    Correct("tanh", """
def tanh(x):
    x = np.clip(x, -20, 20)
    e = np.exp(2 * x)
    return (e - 1) / (e + 1)
""", "clipped where tanh is already 1 in float64"),

    # ---- tanh_grad
    Correct("tanh_grad", """
def tanh_grad(x):
    t = tanh(x)
    return (1 - t) * (1 + t)
""", "factored"),
    Correct("tanh_grad", """
def tanh_grad(x):
    return 1 / np.cosh(x) ** 2
""", "sech squared"),
    Correct("tanh_grad", """
def tanh_grad(x):
    return 4 / (np.exp(x) + np.exp(-x)) ** 2
""", "sech squared by exp"),

    # ---- leaky_relu
    Correct("leaky_relu", """
def leaky_relu(x, alpha):
    return x * (x > 0) + alpha * x * (x <= 0)
""", "mask products"),
    Correct("leaky_relu", """
def leaky_relu(x, alpha):
    out = x.copy()
    out[x < 0] *= alpha
    return out
""", "in place on a copy, strict mask (0 * alpha = 0)"),
    Correct("leaky_relu", """
def leaky_relu(x, alpha=0.01):
    return np.maximum(x, 0) + alpha * np.minimum(x, 0)
""", "sum of the two sides, with a default alpha"),
    Correct("leaky_relu", """
def leaky_relu(x, alpha):
    return np.where(x > 0, 1.0, alpha) * x
""", "slope times x"),

    # ---- leaky_relu_grad
    Correct("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    g = np.ones_like(x)
    g[x <= 0] = alpha
    return g
""", "mask assignment"),
    Correct("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    return (x > 0) + alpha * (x <= 0)
""", "bool plus float is float64"),
    Correct("leaky_relu_grad", """
def leaky_relu_grad(x, alpha):
    return np.where(x <= 0, alpha, 1.0)
""", "branches the other way round"),

    # ---- elu
    Correct("elu", """
def elu(x, alpha):
    out = x.copy()
    neg = x <= 0
    out[neg] = alpha * (np.exp(x[neg]) - 1)
    return out
""", "boolean indexing: exp only where x <= 0"),
    Correct("elu", """
def elu(x, alpha):
    return np.maximum(x, 0) + alpha * (np.exp(np.minimum(x, 0)) - 1)
""", "sum of the two sides, exp on min(x, 0)"),
    Correct("elu", """
def elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.clip(x, None, 0)))
""", "expm1 on clipped x"),

    # ---- elu_grad
    Correct("elu_grad", """
def elu_grad(x, alpha):
    return np.where(x > 0, 1.0, elu(x, alpha) + alpha)
""", "elu'(x) = elu(x) + alpha for x <= 0"),
    Correct("elu_grad", """
def elu_grad(x, alpha):
    g = np.ones_like(x)
    neg = x <= 0
    g[neg] = alpha * np.exp(x[neg])
    return g
""", "mask assignment"),
    Correct("elu_grad", """
def elu_grad(x, alpha):
    return np.where(x > 0, 1.0, alpha * np.exp(x))
""", "np.where (warnings are allowed here)"),

    # ---- gelu
    Correct("gelu", """
def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
""", "np.vectorize(math.erf) without otypes"),
    Correct("gelu", """
def gelu(x):
    out = np.empty_like(x)
    for i in np.ndindex(x.shape):
        out[i] = x[i] * 0.5 * math.erfc(-x[i] / math.sqrt(2))
    return out
""", "a loop with math.erfc"),
    Correct("gelu", """
def gelu(x):
    from statistics import NormalDist
    return x * np.vectorize(NormalDist().cdf)(x)
""", "the standard library's normal distribution"),
    Correct("gelu", """
def gelu(x):
    erf = np.frompyfunc(math.erf, 1, 1)
    return (0.5 * x * (1 + erf(x / math.sqrt(2)))).astype(np.float64)
""", "np.frompyfunc, converted back to float64"),

    # ---- gelu_grad
    Correct("gelu_grad", """
def gelu_grad(x):
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / np.sqrt(2)))
    pdf = np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)
    return cdf + x * pdf
""", "CDF plus x times the density"),
    Correct("gelu_grad", """
def gelu_grad(x):
    out = np.empty_like(x)
    for i in np.ndindex(x.shape):
        v = float(x[i])
        out[i] = 0.5 * math.erfc(-v / math.sqrt(2)) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi)
    return out
""", "a loop with the math module"),
    Correct("gelu_grad", """
def gelu_grad(x):
    from statistics import NormalDist
    standard = NormalDist()
    return np.vectorize(lambda v: standard.cdf(v) + v * standard.pdf(v))(x)
""", "the standard library's cdf and pdf"),

    # ---- silu
    Correct("silu", """
def silu(x):
    return x * sigmoid(x)
""", "x times the stable sigmoid"),
    Correct("silu", """
def silu(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, x / (1 + z), x * z / (1 + z))
""", "its own stable form with exp(-|x|)"),
    Correct("silu", """
def silu(x):
    return x * 0.5 * (1 + np.tanh(x / 2))
""", "sigmoid(x) = (1 + tanh(x / 2)) / 2"),
    Correct("silu", """
def silu(x):
    return x * np.exp(-np.logaddexp(0.0, -x))
""", "sigmoid(x) = exp(-log(1 + exp(-x)))"),

    # ---- silu_grad
    Correct("silu_grad", """
def silu_grad(x):
    s = sigmoid(x)
    return s + x * s * (1 - s)
""", "the product rule as written"),
    Correct("silu_grad", """
def silu_grad(x):
    return silu(x) + sigmoid(x) * (1 - silu(x))
""", "silu + sigmoid * (1 - silu), the same after expanding"),
    Correct("silu_grad", """
def silu_grad(x):
    return sigmoid(x) + x * sigmoid_grad(x)
""", "reuses sigmoid_grad for the second term"),

    # ---- softmax
    Correct("softmax", """
def softmax(x):
    m = np.max(x, axis=-1, keepdims=True)
    log_sum = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
    return np.exp(x - log_sum)
""", "through log-sum-exp"),
    Correct("softmax", """
def softmax(x):
    flat = x.reshape(-1, x.shape[-1])
    rows = []
    for row in flat:
        e = np.exp(row - row.max())
        rows.append(e / e.sum())
    return np.array(rows).reshape(x.shape)
""", "row by row"),
    Correct("softmax", """
def softmax(x):
    x = x - x.max(axis=-1)[..., None]
    np.exp(x, out=x)
    x /= x.sum(axis=-1)[..., None]
    return x
""", "in place on the shifted copy"),
    Correct("softmax", """
def softmax(x):
    z = np.moveaxis(x, -1, 0)
    e = np.exp(z - z.max(axis=0))
    return np.moveaxis(e / e.sum(axis=0), 0, -1)
""", "moves the last axis first"),

    # ---- maxout
    Correct("maxout", """
def maxout(x, W, b):
    return (np.einsum("nd,kdm->nkm", x, W) + b).max(axis=1)
""", "einsum, pieces on axis 1"),
    Correct("maxout", """
def maxout(x, W, b):
    out = np.full((x.shape[0], W.shape[2]), -np.inf)
    for Wj, bj in zip(W, b):
        out = np.maximum(out, x @ Wj + bj)
    return out
""", "running maximum from -inf"),
    Correct("maxout", """
def maxout(x, W, b):
    N, M = x.shape[0], W.shape[2]
    out = np.empty((N, M))
    for n in range(N):
        for m in range(M):
            out[n, m] = max(x[n] @ W[j][:, m] + b[j, m] for j in range(len(W)))
    return out
""", "triple loop"),
    Correct("maxout", """
def maxout(x, W, b):
    return np.max([x @ W[j] + b[j] for j in range(W.shape[0])], axis=0)
""", "list of pieces"),

    # ---- collapse_linear
    Correct("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    return np.dot(W1, W2), W2.T @ b1 + b2
""", "W2.T @ b1"),
    Correct("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    b = (b1 @ W2 + b2)
    W = np.einsum("dh,hm->dm", W1, W2)
    return (W, b)
""", "einsum"),
    Correct("collapse_linear", """
def collapse_linear(W1, b1, W2, b2):
    b = (np.zeros((1, W1.shape[0])) @ W1 + b1) @ W2 + b2
    W = (np.eye(W1.shape[0]) @ W1 + b1) @ W2 + b2 - b
    return W, b[0]
""", "probing the stack with 0 and the unit vectors"),

    # ---- threshold_unit_best_accuracy
    Correct("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    best = 0.0
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                pred = (X[:, 0] * w1 + X[:, 1] * w2 + b > 0).astype(float)
                best = max(best, np.mean(pred == y))
    return float(best)
""", "triple loop"),
    Correct("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    import itertools
    accs = [np.mean((X @ np.array([w1, w2]) + b > 0) == (y == 1))
            for w1, w2, b in itertools.product(grid, repeat=3)]
    return max(accs)
""", "itertools.product and X @ w"),
    Correct("threshold_unit_best_accuracy", """
def threshold_unit_best_accuracy(X, y, grid):
    w = np.array(np.meshgrid(grid, grid, grid)).reshape(3, -1)
    scores = X @ w[:2] + w[2]
    return float(np.max(np.mean((scores > 0) == y[:, None].astype(bool), axis=0)))
""", "all weights at once, meshgrid in xy order"),

    # ---- xor_network
    Correct("xor_network", """
def xor_network():
    W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])
    b1 = np.zeros(2)
    W2 = np.array([[1.0], [1.0]])
    b2 = np.array([-0.5])
    return W1, b1, W2, b2
""", "relu(x1 - x2) + relu(x2 - x1)"),
    Correct("xor_network", """
def xor_network():
    W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])
    b1 = np.zeros(2)
    W2 = np.array([[1.0], [1.0]])
    b2 = np.zeros(1)
    return W1, b1, W2, b2
""", "score exactly 0 on the class-0 inputs, which the strict rule predicts as 0"),
    Correct("xor_network", """
def xor_network():
    W1 = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    b1 = np.array([0.0, -1.0, -0.5])
    W2 = np.array([[2.0], [-4.0], [0.0]])
    b2 = np.array([-1.0])
    return [W1, b1, W2, b2]
""", "hidden width 3, returned as a list"),
]
