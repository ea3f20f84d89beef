"""Chapter 3 students' implementations (see ``student_work``).

Each graded function of the chapter: the mistakes students make (listed and
unlisted, written several ways), and correct implementations that differ
from the reference (loops, other formulas, other numpy functions).
"""
from student_work import Correct, Wrong

CHAPTER = "03_losses"

# ---------------------------------------------------------------- mse
MSE_WRONG = [
    Wrong("mse", """
def mse(pred, target):
    d = pred - target
    return np.mean(d ** 2), d / d.size
""", "missing the factor 2", "gradient without the factor 2"),
    Wrong("mse", """
def mse(pred, target):
    d = pred - target
    return 0.5 * np.mean(np.square(d)), d / len(d.ravel())
""", "½ convention was mixed in", "the ½ convention in both loss and gradient"),
    Wrong("mse", """
def mse(pred, target):
    r = pred - target
    return 0.5 * float(np.mean(r ** 2)), 2 * r / r.size
""", "½ convention was mixed in", "a ½ in the loss only"),
    Wrong("mse", """
def mse(pred, target):
    d = pred - target
    return float(np.sum(d * d)), 2 * d
""", "summed over the batch", "sum reduction"),
    Wrong("mse", """
def mse(pred, target):
    d = pred - target
    return ((d ** 2).mean(), 2 * d)
""", "not divided by N", "gradient without 1/N"),
    Wrong("mse", """
def mse(pred, target):
    n = pred.shape[0]
    return np.sum((pred - target) ** 2) / n, 2 * (pred - target) / n
""", "over the N rows, not over all N*D entries", "divides by the number of rows"),
    Wrong("mse", """
def mse(pred, target):
    total = 0.0
    for p, t in zip(pred.ravel(), target.ravel()):
        total += (p - t) ** 2
    n = len(pred)
    return total / n, 2 * (pred - target) / n
""", "over the N rows, not over all N*D entries", "a loop, but len() counts rows"),
    Wrong("mse", """
def mse(pred, target):
    r = target - pred
    return float(np.mean(r ** 2)), 2 * r / r.size
""", "the gradient has the wrong sign", "residual target - pred"),
    Wrong("mse", """
def mse(pred, target):
    r = pred - target
    return float(np.mean(r ** 2)), (2 * r / r.size).astype(np.float32)
""", None, "float32 gradient"),
    Wrong("mse", """
def mse(pred, target):
    r = pred
    r -= target
    return float(np.mean(r ** 2)), 2 * r / r.size
""", None, "r is pred itself: subtracting in place changes the caller's pred"),
    Wrong("mse", """
def mse(pred, target):
    r = pred - target
    return float(np.mean(r ** 2)), list(2 * r / r.size)
""", None, "gradient returned as a list"),
    Wrong("mse", """
def mse(pred, target):
    r = pred - target
    return float(np.sum(np.mean(r ** 2, axis=-1))), 2 * r / r.shape[-1]
""", None, "mean over the last axis only, then a sum"),
    Wrong("mse", """
def mse(pred, target):
    r = pred - target
    return 2 * r / r.size, float(np.mean(r ** 2))
""", None, "loss and gradient swapped"),
]
MSE_CORRECT = [
    Correct("mse", """
def mse(pred, target):
    diff = (pred - target).ravel()
    s = 0.0
    for v in diff:
        s += v * v
    return s / len(diff), 2.0 * (pred - target) / diff.shape[0]
""", "a Python loop over the flattened residuals"),
    Correct("mse", """
def mse(pred, target):
    r = (pred - target).reshape(-1)
    return r @ r / r.size, np.multiply(2.0 / pred.size, pred - target)
""", "a dot product, returns np.float64"),
    Correct("mse", """
def mse(pred, target):
    r = pred.copy()
    r -= target
    return [np.square(r).sum() / np.prod(r.shape), 2 * r / np.prod(r.shape)]
""", "in place on a copy; returns a list"),
]

# ---------------------------------------------------------------- mae
MAE_WRONG = [
    Wrong("mae", """
def mae(pred, target):
    return np.abs(target - pred).mean(), np.sign(target - pred) / target.size
""", "the gradient has the wrong sign", "sign(target - pred)"),
    Wrong("mae", """
def mae(pred, target):
    return np.mean(abs(pred - target)), np.sign(pred - target)
""", "not divided by N", "gradient without 1/N"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    return np.mean(np.abs(r)), (r / np.abs(r)) / r.size
""", "undefined (0 / 0 = nan)", "r / |r| is nan at zero residuals"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    g = np.where(r >= 0, 1.0, -1.0)
    return np.abs(r).mean(), g / r.size
""", "taken as +1", "+1 at zero residuals"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    g = np.empty_like(r)
    for i in np.ndindex(r.shape):
        g[i] = 1.0 if r[i] > 0 else -1.0
    return float(np.abs(r).mean()), g / r.size
""", "taken as -1", "a loop whose else branch gives -1 at zero"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    return float(np.sum(np.abs(r))), np.sign(r)
""", "summed over the batch", "sum reduction"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    return np.abs(r).sum() / len(pred), np.sign(r) / len(pred)
""", "over the N rows, not over all N*D entries", "len() counts rows"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    return np.abs(r).sum() / len(r), np.where(r >= 0, 1.0, -1.0) / len(r)
""", "over the N rows, not over all N*D entries", "len() counts rows, and +1 at zero residuals"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    return float(np.mean(np.abs(r))), 2 * r / r.size
""", None, "the MSE gradient"),
    Wrong("mae", """
def mae(pred, target):
    r = pred - target
    return float(np.mean(np.abs(r))), (np.sign(r) / r.size).astype(np.float32)
""", None, "float32 gradient"),
    Wrong("mae", """
def mae(pred, target):
    r = np.subtract(pred, target, out=pred)
    return float(np.mean(np.abs(r))), np.sign(r) / r.size
""", None, "subtracts into pred"),
]
MAE_CORRECT = [
    Correct("mae", """
def mae(pred, target):
    r = pred - target
    g = np.where(r > 0, 1.0, np.where(r < 0, -1.0, 0.0))
    return float(np.mean(np.abs(r))), g / r.size
""", "nested np.where"),
    Correct("mae", """
def mae(pred, target):
    r = pred - target
    return np.abs(r).sum() / r.size, ((r > 0).astype(float) - (r < 0)) / r.size
""", "difference of the two masks"),
    Correct("mae", """
def mae(pred, target):
    r = pred - target
    g = np.zeros(r.shape)
    total = 0.0
    for i in np.ndindex(r.shape):
        total += abs(r[i])
        if r[i] > 0:
            g[i] = 1.0
        elif r[i] < 0:
            g[i] = -1.0
    return total / r.size, g / r.size
""", "a loop with if / elif"),
    Correct("mae", """
def mae(pred, target):
    r = pred - target
    return np.linalg.norm(r.ravel(), 1) / r.size, np.sign(r) * (1.0 / np.prod(r.shape))
""", "the 1-norm"),
]

# ---------------------------------------------------------------- rmse
RMSE_WRONG = [
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = np.sqrt(np.mean(r ** 2))
    return loss, r / (r.size * loss)
""", "0 / 0 when every residual is 0", "no special case for a zero loss"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    return np.sqrt((r ** 2).mean()), 2 * r / r.size
""", "the gradient of MSE was returned", "no chain rule"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = float(np.sqrt(np.mean(r * r)))
    if loss == 0:
        return loss, np.zeros_like(r)
    return loss, 2 * r / (r.size * loss)
""", "the ½ of d sqrt(u)/du", "dropped the ½"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = float(np.sqrt(np.mean(r * r)))
    return loss, r / loss if loss > 0 else np.zeros_like(r)
""", "not divided by N", "gradient without 1/N"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = float(np.sqrt(np.mean(r ** 2)))
    if loss == 0.0:
        return 0.0, 0.0
    return loss, r / (r.size * loss)
""", None, "a scalar 0 instead of an array of zeros"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = np.sqrt(np.sum(r ** 2))
    return loss, r / loss if loss else np.zeros_like(r)
""", None, "the Euclidean norm, not its mean"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = np.sqrt(np.mean(r ** 2) + 1e-8)
    return loss, r / (r.size * loss)
""", None, "eps inside the square root: the loss of a perfect prediction is not 0"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = np.mean(np.sqrt(r ** 2))
    return loss, np.sign(r) / r.size
""", None, "mean of sqrt(r^2) is the MAE"),
    Wrong("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = float(np.sqrt(np.mean(r ** 2)))
    if loss == 0.0:
        return loss, np.zeros(r.shape, dtype=np.float32)
    return loss, r / (r.size * loss)
""", None, "float32 zeros"),
]
RMSE_CORRECT = [
    Correct("rmse", """
def rmse(pred, target):
    loss, g = mse(pred, target)
    root = np.sqrt(loss)
    return root, g / (2 * root) if root > 0 else np.zeros_like(g)
""", "the chain rule through mse()"),
    Correct("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = np.sqrt(np.mean(r ** 2))
    return loss, np.divide(r, r.size * loss, out=np.zeros_like(r), where=loss > 0)
""", "np.divide with where="),
    Correct("rmse", """
def rmse(pred, target):
    r = pred - target
    if not np.any(r):
        return 0.0, np.zeros_like(r)
    loss = np.linalg.norm(r) / np.sqrt(r.size)
    return loss, r / (r.size * loss)
""", "checks the residuals, the norm over sqrt(N)"),
    Correct("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = np.sqrt(np.mean(r ** 2))
    return loss, r / (r.size * loss + 1e-12)
""", "a tiny eps in the denominator"),
    Correct("rmse", """
def rmse(pred, target):
    r = pred - target
    loss = np.sqrt(np.mean(np.square(r)))
    return loss, np.where(loss > 0, r / (r.size * loss), 0.0)
""", "np.where: 0 / 0 is computed (numpy warns, which rmse's docstring allows) but not returned"),
]

# ---------------------------------------------------------------- binary_cross_entropy
BCE_WRONG = [
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    return -np.mean(targets * np.log(probs) + (1 - targets) * np.log(1 - probs))
""", "log(0) gives inf or nan", "no clipping"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.maximum(probs, eps)
    return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
""", "log(0) gives inf or nan", "clipped from below only"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    return float(np.mean(np.where(targets == 1, -np.log(probs), -np.log(1 - probs))))
""", "by the target", "unclipped logs picked by the target with np.where"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, 1e-7, 1 - 1e-7)
    return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
""", "eps = 1e-7", "Keras' eps"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, eps, 1 - eps)
    return -np.sum(targets * np.log(p) + (1 - targets) * np.log(1 - p))
""", "summed over the batch", "sum reduction"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, 1e-12, 1 - 1e-12)
    return float(np.mean(-targets * np.log(p) - (1 - targets) * np.log(1 - p)))
""", "the eps argument was ignored", "hard-coded eps"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    return -np.mean(targets * np.log(probs + eps) + (1 - targets) * np.log(1 - probs + eps))
""", "eps was added inside the logs", "log(p + eps) instead of clipping"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-7):
    p = np.clip(probs, eps, 1 - eps)
    return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
""", "default of eps was changed", "default eps 1e-7"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, eps, 1 - eps)
    return float(np.mean(np.where(targets == 1, -np.log(p), -np.log(1 - p))))
""", "picks log(p) or log(1 - p) by the target", "right for 0/1 targets only"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    probs[probs < eps] = eps
    probs[probs > 1 - eps] = 1 - eps
    return -np.mean(targets * np.log(probs) + (1 - targets) * np.log(1 - probs))
""", None, "clips the caller's array in place"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, eps, 1 - eps)
    return np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
""", "the minus sign is missing", "log-likelihood, not its negative"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs.astype(np.float32), eps, 1 - eps)
    return float(-np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p)))
""", None, "float32: 1 - 1e-12 rounds to 1"),
    Wrong("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, eps, 1 - eps)
    return float(-np.mean(np.sum(targets * np.log(p) + (1 - targets) * np.log(1 - p), axis=-1)))
""", None, "sums the last axis, then averages"),
]
BCE_CORRECT = [
    Correct("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, eps, 1.0 - eps)
    return float(-np.mean(targets * np.log(p) + (1.0 - targets) * np.log1p(-p)))
""", "log1p(-p)"),
    Correct("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.minimum(np.maximum(probs, eps), 1 - eps)
    pos = targets * np.log(p)
    neg = (1 - targets) * np.log(1 - p)
    return -(pos + neg).sum() / p.size
""", "maximum then minimum, sum over size"),
    Correct("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = np.clip(probs, eps, 1 - eps)
    q = np.clip(1 - probs, eps, 1 - eps)
    return -np.mean(targets * np.log(p) + (1 - targets) * np.log(q))
""", "clips 1 - p on its own (equal to 1 - clip(p) up to rounding)"),
    Correct("binary_cross_entropy", """
import math

def binary_cross_entropy(probs, targets, eps=1e-12):
    total = 0.0
    for p, t in zip(probs.ravel(), targets.ravel()):
        p = min(max(p, eps), 1 - eps)
        total -= t * math.log(p) + (1 - t) * math.log(1 - p)
    return total / probs.size
""", "a loop with math.log"),
    Correct("binary_cross_entropy", """
def binary_cross_entropy(probs, targets, eps=1e-12):
    p = probs.copy()
    np.clip(p, eps, 1 - eps, out=p)
    return -np.average(targets * np.log(p) + (1 - targets) * np.log(1 - p))
""", "clips a copy in place"),
]

# ---------------------------------------------------------------- binary_cross_entropy_with_logits
BCE_LOGITS_WRONG = [
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    loss = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    return loss, (p - targets) / logits.size
""", "overflow on large logits", "sigmoid, then logs"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    return binary_cross_entropy(sigmoid(logits), targets), (sigmoid(logits) - targets) / logits.size
""", "saturates at -log(eps)", "through clipped probabilities"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z, y = logits, targets
    l = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return l.mean(), sigmoid(z) - y
""", "not divided by N", "gradient without 1/N"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z = logits
    l = np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))
    return float(l.sum()), sigmoid(z) - targets
""", "summed over the batch", "sum reduction"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z = logits
    l = np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))
    return float(l.mean()), (targets - sigmoid(z)) / z.size
""", "the gradient has the wrong sign", "t - sigmoid(z)"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z, t = logits, targets
    l = (1 - t) * z + np.log(1 + np.exp(-z))
    return float(np.mean(l)), (sigmoid(z) - t) / z.size
""", "overflow on large logits", "the unshifted softplus form"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z = logits
    l = np.max(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(l)), (sigmoid(z) - targets) / z.size
""", "np.max(z, 0)", "np.max instead of np.maximum"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z, t = logits, targets
    losses = np.where(z >= 0, z - z * t + np.log1p(np.exp(-z)), -z * t + np.log1p(np.exp(z)))
    return float(losses.mean()), (sigmoid(z) - t) / z.size
""", None, "np.where evaluates both branches: exp overflows in the unused one (a warning)"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z, t = logits, targets
    with np.errstate(over="ignore"):
        losses = np.where(z >= 0, z - z * t + np.log1p(np.exp(-z)), -z * t + np.log1p(np.exp(z)))
    return float(losses.mean()), (sigmoid(z) - t) / z.size
""", None, "the same overflow, hidden with np.errstate"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z, t = logits, targets
    losses = np.where(t == 1, np.logaddexp(0, -z), np.logaddexp(0, z))
    return float(losses.mean()), (sigmoid(z) - t) / z.size
""", "picks", "right for 0/1 targets only"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z = logits
    l = np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))
    p = 1 / (1 + np.exp(-z))
    return float(np.mean(l)), (p - targets) / z.size
""", None, "stable loss, but the naive sigmoid warns on large logits"),
    Wrong("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z = logits
    l = np.maximum(z, 0) - z * targets + np.log(1 + np.exp(-z))
    return float(np.mean(l)), (sigmoid(z) - targets) / z.size
""", "without the absolute value", "forgot the absolute value: exp(-z) overflows for z = -1000"),
]
BCE_LOGITS_CORRECT = [
    Correct("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    return float(np.mean(np.logaddexp(0, logits) - logits * targets)), (sigmoid(logits) - targets) / logits.size
""", "softplus as np.logaddexp(0, z)"),
    Correct("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    def log_sigmoid(x):
        return -np.logaddexp(0.0, -x)
    t = targets
    loss = -np.mean(t * log_sigmoid(logits) + (1 - t) * log_sigmoid(-logits))
    return loss, (np.exp(log_sigmoid(logits)) - t) / logits.size
""", "log-sigmoid of z and -z"),
    Correct("binary_cross_entropy_with_logits", """
import math

def binary_cross_entropy_with_logits(logits, targets):
    total = 0.0
    for z, t in zip(logits.ravel(), targets.ravel()):
        if z >= 0:
            total += z - z * t + math.log1p(math.exp(-z))
        else:
            total += -z * t + math.log1p(math.exp(z))
    a = np.exp(-np.abs(logits))
    p = np.where(logits >= 0, 1 / (1 + a), a / (1 + a))
    return total / logits.size, (p - targets) / logits.size
""", "a loop with a branch per sign"),
    Correct("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z = logits
    p = 0.5 * (1.0 + np.tanh(0.5 * z))
    loss = np.clip(z, 0, None) - z * targets + np.log(1 + np.exp(-np.abs(z)))
    return loss.mean(), (p - targets) / np.prod(z.shape)
""", "sigmoid through tanh, log instead of log1p"),
    Correct("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z, t = logits, targets
    loss = np.mean(t * np.logaddexp(0, -z) + (1 - t) * np.logaddexp(0, z))
    return loss, (sigmoid(z) - t) / z.size
""", "t softplus(-z) + (1 - t) softplus(z)"),
    Correct("binary_cross_entropy_with_logits", """
def binary_cross_entropy_with_logits(logits, targets):
    z = logits
    losses = np.maximum(-z, 0) + (1 - targets) * z + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(losses)), (sigmoid(z) - targets) / z.size
""", "max(-z, 0) + (1 - t) z + log1p(exp(-|z|)), the same function rearranged"),
]

# ---------------------------------------------------------------- log_softmax
LOG_SOFTMAX_WRONG = [
    Wrong("log_softmax", """
def log_softmax(logits):
    e = np.exp(logits)
    return np.log(e / e.sum(axis=1, keepdims=True))
""", "without subtracting the row maximum", "no shift"),
    Wrong("log_softmax", """
def log_softmax(logits):
    return logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
""", "without subtracting the row maximum", "log-sum-exp without the shift"),
    Wrong("log_softmax", """
def log_softmax(logits):
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return np.log(e / np.sum(e, axis=1, keepdims=True))
""", "underflows to 0", "log of the probabilities"),
    Wrong("log_softmax", """
def log_softmax(logits):
    s = logits - logits.max(axis=0, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=0, keepdims=True))
""", "wrong axis", "normalises columns"),
    Wrong("log_softmax", """
def log_softmax(logits):
    s = logits - np.max(logits)
    return s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
""", "maximum of the whole batch", "one shift for the whole batch"),
    Wrong("log_softmax", """
def log_softmax(logits):
    s = logits - logits.max(axis=1)
    return s - np.log(np.exp(s).sum(axis=1))
""", None, "no keepdims: broadcasts along the wrong axis or raises"),
    Wrong("log_softmax", """
def log_softmax(logits):
    logits -= logits.max(axis=1, keepdims=True)
    return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
""", None, "shifts the caller's logits in place"),
    Wrong("log_softmax", """
def log_softmax(logits):
    s = logits - logits.mean(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))
""", "without subtracting the row maximum", "subtracts the row mean: exp still overflows"),
    Wrong("log_softmax", """
def log_softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""", "returned the softmax", "the probabilities, not their logs"),
    Wrong("log_softmax", """
def log_softmax(logits):
    m = logits.max(axis=1, keepdims=True)
    return logits - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
""", "inside the exp only", "forgot to subtract the maximum outside the log"),
    Wrong("log_softmax", """
import math

def log_softmax(logits):
    out = np.zeros_like(logits)
    for i, row in enumerate(logits):
        total = sum(math.exp(v) for v in row)
        out[i] = row - math.log(total)
    return out
""", None, "math.exp(1000) raises OverflowError"),
]
LOG_SOFTMAX_CORRECT = [
    Correct("log_softmax", """
def log_softmax(logits):
    return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
""", "np.logaddexp.reduce"),
    Correct("log_softmax", """
def log_softmax(logits):
    m = np.amax(logits, axis=-1, keepdims=True)
    lse = m + np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
    return logits - lse
""", "log-sum-exp, then subtract"),
    Correct("log_softmax", """
def log_softmax(logits):
    out = np.empty_like(logits)
    for i, row in enumerate(logits):
        m = row.max()
        out[i] = row - m - np.log(np.sum(np.exp(row - m)))
    return out
""", "row by row"),
    Correct("log_softmax", """
def log_softmax(logits):
    z = logits.copy()
    z -= z.max(axis=1)[:, None]
    z -= np.log(np.exp(z).sum(axis=1))[:, None]
    return z
""", "in place on a copy, [:, None] instead of keepdims"),
]

# ---------------------------------------------------------------- nll_loss
NLL_WRONG = [
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    return -log_probs[:, labels].mean()
""", "N x N block", "column indexing"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    t = np.zeros_like(log_probs)
    t[np.arange(len(labels)), labels] = 1
    return -np.mean(t * log_probs)
""", "all N*C entries", "mean of the one-hot product"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    return -sum(log_probs[i, labels[i]] for i in range(len(labels)))
""", "summed over the batch", "a sum in a loop"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    return float(np.mean(log_probs[np.arange(len(labels)), labels]))
""", "the minus sign is missing", "the log-likelihood"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    picked = log_probs[np.arange(log_probs.shape[0]), labels]
    return float(-picked.sum() / log_probs.shape[1])
""", "number of classes C", "divides by C"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    return float(-np.mean(np.log(log_probs[np.arange(len(labels)), labels])))
""", None, "takes the log again"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    return float(-np.mean(log_probs[labels, np.arange(len(labels))]))
""", None, "indices swapped"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    return float(-np.mean(log_probs[labels]))
""", None, "picks rows by label"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    return -log_probs[np.arange(len(labels)), labels]
""", None, "no reduction: one loss per example"),
    Wrong("nll_loss", """
def nll_loss(log_probs, labels):
    total = 0.0
    for i in range(1, len(labels)):
        total -= log_probs[i, labels[i]]
    return total / len(labels)
""", None, "the loop skips the first example"),
]
NLL_CORRECT = [
    Correct("nll_loss", """
def nll_loss(log_probs, labels):
    total = 0.0
    for row, label in zip(log_probs, labels):
        total -= row[label]
    return total / len(labels)
""", "a loop over rows"),
    Correct("nll_loss", """
def nll_loss(log_probs, labels):
    return -np.take_along_axis(log_probs, labels[:, None], axis=1).mean()
""", "np.take_along_axis"),
    Correct("nll_loss", """
def nll_loss(log_probs, labels):
    n, c = log_probs.shape
    return float(-np.sum(one_hot(labels, c) * log_probs) / n)
""", "the one-hot product, summed, over N"),
    Correct("nll_loss", """
def nll_loss(log_probs, labels):
    return -np.choose(labels, log_probs.T).mean()
""", "np.choose"),
]

# ---------------------------------------------------------------- softmax_cross_entropy
SOFTMAX_CE_WRONG = [
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    lp = log_softmax(logits)
    p = np.exp(lp)
    p[:, labels] -= 1
    return nll_loss(lp, labels), p / len(labels)
""", "subtracts 1 in column labels[n] of EVERY row", "column indexing in the gradient"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    lp = log_softmax(logits)
    return nll_loss(lp, labels), (np.exp(lp) - labels.reshape(-1, 1)) / len(labels)
""", "subtracted as numbers", "P - y"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    n = len(labels)
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[range(n), labels] -= 1
    return nll_loss(lp, labels), g
""", "not divided by N", "gradient without 1/N"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels]).mean()
    p[np.arange(n), labels] -= 1
    return loss, p / n
""", "without subtracting the row maximum", "unshifted softmax"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    return float(-lp[np.arange(n), labels].sum()), g
""", "summed over the batch", "sum reduction"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    return float(-np.mean(lp[:, labels])), g / n
""", "N x N block", "column indexing in the loss"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), labels]))
    d = p.copy()
    d[np.arange(n), labels] -= 1
    return float(loss), d / n
""", "log(softmax)", "log of a probability that underflows to 0"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    d = p
    d[np.arange(n), labels] -= 1
    loss = -np.mean(np.log(p[np.arange(n), labels]))
    return float(loss), d / n
""", None, "d is p itself: the loss is taken after subtracting 1"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    lp = log_softmax(logits)
    return nll_loss(lp, labels), (np.exp(lp) - one_hot(labels, labels.max() + 1)) / len(labels)
""", None, "counts the classes from the labels"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    return float(-lp[np.arange(n), labels].sum()), g / n
""", None, "the loss is a sum, the gradient a mean"),
]
SOFTMAX_CE_CORRECT = [
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    lp = log_softmax(logits)
    w = np.ones(len(labels)) if weight is None else weight[labels]
    loss = -np.sum(w * lp[np.arange(len(labels)), labels]) / w.sum()
    return loss, (np.exp(lp) - one_hot(labels, logits.shape[1])) * w[:, None] / w.sum()
""", "with the setup's one_hot; weights of 1 when none are given"),
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n = logits.shape[0]
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    lse = m[:, 0] + np.log(e.sum(axis=1))
    w = np.ones(n) / n if weight is None else weight[labels] / weight[labels].sum()
    loss = np.sum(w * (lse - logits[np.arange(n), labels]))
    d = e / e.sum(axis=1, keepdims=True)
    np.add.at(d, (np.arange(n), labels), -1.0)
    return loss, d * w[:, None]
""", "log-sum-exp minus the label's logit, np.add.at, normalised weights"),
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n, c = logits.shape
    targets = one_hot(labels, c)
    if weight is None:
        return cross_entropy(logits, targets)
    share = weight[labels] / weight[labels].sum()
    row_losses = -np.sum(targets * log_softmax(logits), axis=1)
    _, grad = cross_entropy(logits, targets)
    return float(share @ row_losses), grad * n * share[:, None]
""", "through cross_entropy, rescaled row by row"),
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n, c = logits.shape
    if weight is None:
        weight = np.ones(c)
    total = sum(weight[label] for label in labels)
    d = np.zeros((n, c))
    loss = 0.0
    for i in range(n):
        row = log_softmax(logits[i:i + 1])[0]
        w = weight[labels[i]]
        loss -= w * row[labels[i]]
        d[i] = w * np.exp(row)
        d[i, labels[i]] -= w
    return loss / total, d / total
""", "row by row"),
    Correct("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n = len(labels)
    repeats = np.ones(n) if weight is None else weight[labels]
    lp = log_softmax(logits)
    picked = np.take_along_axis(lp, labels[:, None], axis=1)[:, 0]
    loss = np.average(-picked, weights=repeats)
    grad = np.exp(lp)
    grad[np.arange(n), labels] -= 1
    return float(loss), grad * (repeats / repeats.sum())[:, None]
""", "np.average with weights"),
]

SOFTMAX_CE_WEIGHTED_WRONG = [
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n = logits.shape[0]
    w = np.ones(n) if weight is None else weight[labels]
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    return float(-np.mean(w * lp[np.arange(n), labels])), g * w[:, None] / n
""", "divided by N", "the weighted terms averaged over N"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    lp = log_softmax(logits)
    return nll_loss(lp, labels), (np.exp(lp) - one_hot(labels, logits.shape[1])) / len(labels)
""", "weights were ignored", "accepts weight and never uses it"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n = logits.shape[0]
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    if weight is None:
        return nll_loss(lp, labels), g / n
    w = weight[labels]
    return float(-np.sum(w * lp[np.arange(n), labels]) / w.sum()), g / n
""", "gradient was not", "weights only the loss"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n, c = logits.shape
    w = np.ones(c) if weight is None else weight
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    total = w[labels].sum()
    return float(-np.sum(w[labels] * lp[np.arange(n), labels]) / total), g * w / total
""", "column by column", "broadcasts weight over the columns of the gradient"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight):
    n = logits.shape[0]
    w = weight[labels]
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    return float(-np.sum(w * lp[np.arange(n), labels]) / w.sum()), g * (w / w.sum())[:, None]
""", None, "weight has no default: the unweighted calls fail"),
    Wrong("softmax_cross_entropy", """
def softmax_cross_entropy(logits, labels, weight=None):
    n = logits.shape[0]
    w = np.ones(logits.shape[1]) if weight is None else weight / weight.sum()
    lp = log_softmax(logits)
    g = np.exp(lp)
    g[np.arange(n), labels] -= 1
    return float(-np.sum(w[labels] * lp[np.arange(n), labels]) / n), g * w[labels][:, None] / n
""", None, "normalises the weights over the classes, then divides by N"),
]
SOFTMAX_CE_WRONG += SOFTMAX_CE_WEIGHTED_WRONG

# ---------------------------------------------------------------- cross_entropy
CE_WRONG = [
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    y = targets.argmax(axis=1)
    return softmax_cross_entropy(logits, y)
""", "argmax", "soft targets turned into labels"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    return -np.mean(targets * lp), (np.exp(lp) - targets) / len(logits)
""", "all N*C entries", "np.mean of the product"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    p = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    n = logits.shape[0]
    return -np.sum(targets * np.log(p)) / n, (p - targets) / n
""", "without subtracting the row maximum", "unshifted softmax"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    return float(-np.sum(targets * lp, axis=1).mean()), np.exp(lp) - targets
""", "not divided by N", "gradient without 1/N"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    return float(-np.sum(targets * lp)), np.exp(lp) - targets
""", "summed over the batch", "sum reduction"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    n = logits.shape[0]
    s = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    return float(-np.sum(targets * np.log(p)) / n), (p - targets) / n
""", "log(softmax)", "log of probabilities that underflow to 0"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    return softmax_cross_entropy(logits, targets)
""", None, "passes the target rows as labels"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    n = logits.shape[0]
    return float(-np.sum(lp[targets > 0]) / n), (np.exp(lp) - targets) / n
""", None, "ignores the target weights: right for one-hot rows only"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    n = logits.shape[0]
    return float(-np.sum(targets * lp) / n), (targets - np.exp(lp)) / n
""", None, "gradient with the wrong sign"),
    Wrong("cross_entropy", """
def cross_entropy(logits, targets):
    n = logits.shape[0]
    s = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    return float(-np.sum(targets * np.log(p + 1e-12)) / n), (p - targets) / n
""", None, "log(p + 1e-12) caps the loss"),
]
CE_CORRECT = [
    Correct("cross_entropy", """
def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    return np.mean(-np.sum(targets * lp, axis=1)), (np.exp(lp) - targets) / len(targets)
""", "row sums, then their mean"),
    Correct("cross_entropy", """
def cross_entropy(logits, targets):
    n = logits.shape[0]
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    lse = m + np.log(e.sum(axis=1, keepdims=True))
    loss = np.sum(targets * (lse - logits)) / n
    return loss, (e / e.sum(axis=1, keepdims=True) - targets) / n
""", "targets times (log-sum-exp minus the logits)"),
    Correct("cross_entropy", """
def cross_entropy(logits, targets):
    lp = log_softmax(logits)
    n = len(lp)
    return -np.einsum("nc,nc->", targets, lp) / n, np.exp(lp) / n - targets / n
""", "einsum"),
    Correct("cross_entropy", """
def cross_entropy(logits, targets):
    n = logits.shape[0]
    loss = 0.0
    grad = np.zeros_like(logits)
    for i in range(n):
        lp = log_softmax(logits[i][None, :])[0]
        loss -= np.dot(targets[i], lp)
        grad[i] = (np.exp(lp) - targets[i]) / n
    return loss / n, grad
""", "row by row"),
]

# ---------------------------------------------------------------- huber_loss
HUBER_WRONG = [
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a < delta, 0.5 * r ** 2 / delta, a - 0.5 * delta)
    return float(loss.mean()), np.clip(r / delta, -1, 1) / r.size
""", "SmoothL1Loss", "Smooth L1 with beta = delta, as in Fast R-CNN"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    small = np.abs(r) <= delta
    loss = np.where(small, r ** 2, delta * (np.abs(r) - delta / 2))
    grad = np.where(small, 2 * r, delta * np.sign(r))
    return float(np.mean(loss)), grad / r.size
""", "1/2 of the quadratic piece was left out", "r ** 2 inside, like this course's MSE"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    small = np.abs(r) <= delta
    loss = np.where(small, 0.5 * r ** 2, delta * np.abs(r))
    return float(np.mean(loss)), np.where(small, r, delta * np.sign(r)) / r.size
""", "lacks its offset", "delta * |r| outside"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(loss.mean()), r / r.size
""", "gradient was not clipped", "MSE-like gradient everywhere"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    grad = np.where(a <= delta, r, np.sign(r))
    return float(loss.mean()), grad / r.size
""", "delta * sign(r), not sign(r)", "MAE's slope outside"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    loss = np.where(r <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    grad = np.where(r <= delta, r, delta)
    return float(np.mean(loss)), grad / r.size
""", "compared with delta instead of |r|", "forgot the absolute value in the test"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(loss.sum() / len(r)), np.clip(r, -delta, delta) / len(r)
""", "over the N rows", "len(r) is the number of rows"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(loss.mean()), np.clip(r, -delta, delta)
""", "not divided by N", "gradient without 1/N"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(loss.mean()), np.clip(r, -1.0, 1.0) / r.size
""", None, "clips the gradient at 1 instead of delta"),
    Wrong("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    inside = np.abs(r) <= delta
    total = np.sum(0.5 * r[inside] ** 2) + np.sum(delta * (np.abs(r[~inside]) - 0.5 * delta))
    return float(total), np.clip(r, -delta, delta)
""", "summed over the batch", "sum of the two pieces, never divided"),
]
HUBER_CORRECT = [
    Correct("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    grad = np.where(a <= delta, r, delta * np.sign(r))
    return float(np.mean(loss)), grad / r.size
""", "the two pieces with np.where"),
    Correct("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = (pred - target).ravel()
    loss, grad = 0.0, np.zeros_like(r)
    for i, v in enumerate(r):
        if abs(v) <= delta:
            loss += 0.5 * v * v
            grad[i] = v
        else:
            loss += delta * (abs(v) - 0.5 * delta)
            grad[i] = delta if v > 0 else -delta
    return loss / r.size, grad.reshape(pred.shape) / r.size
""", "a loop over the entries"),
    Correct("huber_loss", """
def huber_loss(pred, target, delta=1.0):
    r = pred - target
    q = np.clip(r, -delta, delta)
    # 0.5 q^2 + delta (|r| - |q|) is each piece: the two agree at |r| = delta
    loss = 0.5 * q ** 2 + delta * (np.abs(r) - np.abs(q))
    return float(loss.mean()), q / r.size
""", "through the clipped residual"),
]

# ---------------------------------------------------------------- multiclass_hinge_loss
HINGE_WRONG = [
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    correct = logits[np.arange(n), labels]
    margins = np.maximum(0, logits - correct[:, None] + margin)
    binary = (margins > 0).astype(float)
    binary[np.arange(n), labels] = -binary.sum(axis=1)
    return margins.sum() / n, binary / n
""", "compared with itself", "forgot to zero the correct class's margin"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    rows = np.arange(n)
    t = logits - logits[rows, labels][:, None] + margin
    t[rows, labels] = -np.inf
    j = t.argmax(axis=1)
    loss = np.maximum(0, t[rows, j])
    d = np.zeros_like(logits)
    d[rows, j] = loss > 0
    d[rows, labels] = -1.0 * (loss > 0)
    return float(loss.mean()), d / n
""", "Crammer-Singer", "only the most violating class"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n, c = logits.shape
    rows = np.arange(n)
    m = np.maximum(0, logits - logits[rows, labels][:, None] + margin)
    m[rows, labels] = 0
    g = (m > 0) * 1.0
    g[rows, labels] = -g.sum(axis=1)
    return float(m.sum(axis=1).mean() / c), g / (n * c)
""", "divided by the number of classes C", "PyTorch's MultiMarginLoss"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    rows = np.arange(n)
    m = np.maximum(0, logits - logits[rows, labels][:, None] + 1)
    m[rows, labels] = 0
    g = (m > 0) * 1.0
    g[rows, labels] = -g.sum(axis=1)
    return float(m.sum() / n), g / n
""", "margin was fixed at 1", "ignores margin"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    rows = np.arange(n)
    m = np.maximum(0, logits - logits[rows, labels][:, None] + margin)
    m[rows, labels] = 0
    return float(m.sum() / n), (m > 0) / n
""", "correct class was left at 0", "forgot the correct column of the gradient"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    rows = np.arange(n)
    m = logits[rows, labels][:, None] - logits + margin
    m[rows, labels] = 0
    active = (m > 0).astype(float)
    g = -active
    g[rows, labels] = active.sum(axis=1)
    return float(np.maximum(m, 0).sum() / n), g / n
""", "subtracted the wrong way round", "correct - scores + margin"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    rows = np.arange(n)
    m = np.maximum(0, logits - logits[rows, labels][:, None] + margin)
    m[rows, labels] = 0
    g = (m > 0).astype(float)
    g[rows, labels] = -g.sum(axis=1)
    return float(m.sum()), g
""", "summed over the batch", "no 1/N anywhere"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    rows = np.arange(n)
    t = logits - logits[rows, labels][:, None] + margin
    t[rows, labels] = 0
    g = (t >= 0).astype(float)
    g[rows, labels] = 0
    g[rows, labels] = -g.sum(axis=1)
    return float(np.maximum(t, 0).sum() / n), g / n
""", "counted as active", ">= 0 at the corner"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = logits.shape[0]
    rows = np.arange(n)
    t = logits - logits[rows, labels][:, None] + margin
    t[rows, labels] = 0
    g = (t > 0).astype(float)
    g[rows, labels] = -1.0
    return float(np.maximum(t, 0).sum() / n), g / n
""", None, "-1 at the correct class however many terms are active"),
    Wrong("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n, c = logits.shape
    loss = 0.0
    d = np.zeros((n, c))
    for i in range(n):
        for j in range(c):
            t = logits[i, j] - logits[i, labels[i]] + margin
            if j != labels[i] and t > 0:
                loss += t
                d[i, j] += 1
                d[i, labels[i]] -= 1
    return loss / n, d
""", "not divided by N", "the loops' gradient without 1/N"),
]
HINGE_CORRECT = [
    Correct("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n, c = logits.shape
    loss = 0.0
    d = np.zeros((n, c))
    for i in range(n):
        for j in range(c):
            if j == labels[i]:
                continue
            t = logits[i, j] - logits[i, labels[i]] + margin
            if t > 0:
                loss += t
                d[i, j] += 1
                d[i, labels[i]] -= 1
    return loss / n, d / n
""", "two loops, as in CS231n's naive version"),
    Correct("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n, c = logits.shape
    y = one_hot(labels, c)
    correct = np.sum(logits * y, axis=1, keepdims=True)
    t = (logits - correct + margin) * (1 - y)
    active = (t > 0) * 1.0
    return float(np.maximum(t, 0).sum() / n), (active - y * active.sum(axis=1, keepdims=True)) / n
""", "with a one-hot mask"),
    Correct("multiclass_hinge_loss", """
def multiclass_hinge_loss(logits, labels, margin=1.0):
    n = len(labels)
    rows = np.arange(n)
    t = logits - logits[rows, labels][:, None] + margin
    t[rows, labels] = -1.0
    active = np.where(t > 0, 1.0, 0.0)
    d = active.copy()
    np.subtract.at(d, (rows, labels), active.sum(axis=1))
    return np.clip(t, 0, None).sum() / n, d / n
""", "the correct class's term set negative, np.subtract.at"),
]

WRONG = (MSE_WRONG + MAE_WRONG + RMSE_WRONG + BCE_WRONG + BCE_LOGITS_WRONG + LOG_SOFTMAX_WRONG + NLL_WRONG
         + SOFTMAX_CE_WRONG + CE_WRONG + HUBER_WRONG + HINGE_WRONG)
CORRECT = (MSE_CORRECT + MAE_CORRECT + RMSE_CORRECT + BCE_CORRECT + BCE_LOGITS_CORRECT + LOG_SOFTMAX_CORRECT
           + NLL_CORRECT + SOFTMAX_CE_CORRECT + CE_CORRECT + HUBER_CORRECT + HINGE_CORRECT)
