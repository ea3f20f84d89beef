"""Chapter 6 students' implementations (see ``student_work``).

A batchnorm_forward is graded by every check that calls it: its own train
and eval checks, the running statistics (through the setup's
running_statistics) and activation_statistics.
"""
from student_work import Correct, Wrong

CHAPTER = "06_batchnorm"

EVAL_MODE = 'in "eval" mode'  # both names of an eval that works like train share it

WRONG = [
    # ---- min_max_scale ----
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    f = lambda a: (a - a.min(0)) / (a.max(0) - a.min(0))
    return f(train), f(test)
""", "scaled with its own statistics", "each split scaled with its own min and max"),
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    lo, hi = np.min(train), np.max(train)
    return (train - lo) / (hi - lo), (test - lo) / (hi - lo)
""", "over the whole array instead of per feature", "one min and max for the whole array"),
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    low = train.min(axis=0)
    high = train.max(axis=0)
    return (train - low) / high, (test - low) / high
""", "divided by max instead of (max - min)", "divides by the max"),
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    low, high = train.min(axis=0), train.max(axis=0)
    return train - low / (high - low), test - low / (high - low)
""", None, "operator precedence: only low is divided"),
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    low = train.min(axis=0)
    span = train.max(axis=0) - low
    test_scaled = (test - low) / span
    train -= low
    train /= span
    return train, test_scaled
""", None, "right values, but scales the caller's train array in place"),
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    low = train.min(axis=1, keepdims=True)
    high = train.max(axis=1, keepdims=True)
    return (train - low) / (high - low), (test - low[:len(test)]) / (high - low)[:len(test)]
""", None, "per row (axis=1) instead of per feature"),
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    low, high = train.min(axis=0), train.max(axis=0)
    scale = lambda a: ((a - low) / (high - low)).astype(np.float32)
    return scale(train), scale(test)
""", None, "float32 results"),
    Wrong("min_max_scale", """
def min_max_scale(train, test):
    low, high = train.min(axis=0), train.max(axis=0)
    return np.vstack([(train - low) / (high - low), (test - low) / (high - low)])
""", None, "one stacked array instead of the two splits"),

    # ---- standardize ----
    Wrong("standardize", """
def standardize(train, test):
    z = lambda a: (a - a.mean(axis=0)) / a.std(axis=0)
    return z(train), z(test)
""", "scaled with its own statistics", "each split standardized with its own statistics"),
    Wrong("standardize", """
def standardize(train, test):
    m, s = np.mean(train, 0), np.std(train, 0, ddof=1)
    return (train - m) / s, (test - m) / s
""", "unbiased standard deviation", "ddof=1"),
    Wrong("standardize", """
def standardize(train, test):
    n = train.shape[0]
    mean = train.sum(axis=0) / n
    std = np.sqrt(((train - mean) ** 2).sum(axis=0) / (n - 1))
    return (train - mean) / std, (test - mean) / std
""", "unbiased standard deviation", "sample standard deviation written out by hand"),
    Wrong("standardize", """
def standardize(train, test):
    mean, std = train.mean(), train.std()
    return (train - mean) / std, (test - mean) / std
""", "over the whole array instead of per feature", "no axis: one mean and std for every feature"),
    Wrong("standardize", """
def standardize(train, test):
    mean, var = train.mean(axis=0), train.var(axis=0)
    return (train - mean) / var, (test - mean) / var
""", "divided by the variance instead of the standard deviation", "divides by the variance"),
    Wrong("standardize", """
def standardize(train, test):
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (test - mean) / test.std(axis=0)
""", None, "test split divided by its own std, centred with the training mean"),
    Wrong("standardize", """
def standardize(train, test):
    mean, std = train.mean(axis=0), train.std(axis=0)
    test = (test - mean) / std
    train -= mean
    train /= std
    return train, test
""", None, "right values, but standardizes the caller's train array in place"),
    Wrong("standardize", """
def standardize(train, test):
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, test
""", None, "test split returned unscaled"),

    # ---- batchnorm_forward, train mode ----
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0, ddof=1)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var
    else:
        mu, var = state["running_mean"], state["running_var"]
    xhat = (x - mu) / np.sqrt(var + eps)
    return gamma * xhat + beta, (x, gamma, mu, var, eps)
""", "unbiased variance", "normalizes with the unbiased variance (its running update is right)"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        N = len(x)
        mu = x.sum(axis=0) / N
        var = ((x - mu) ** 2).sum(axis=0) / (N - 1)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "unbiased variance (ddof=1) used for normalizing",
        "N - 1 by hand, and the running variance corrected a second time"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / (np.sqrt(var) + eps) + beta, (x, gamma, mu, var, eps)
""", "eps outside the square root", "sqrt(var) + eps, in both modes"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    m = state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        std = x.std(axis=0) + state["eps"]
        state["running_mean"] = (1 - m) * state["running_mean"] + m * mu
        state["running_var"] = (1 - m) * state["running_var"] + m * x.var(axis=0, ddof=1)
    else:
        mu, var = state["running_mean"], state["running_var"]
        std = var ** 0.5 + state["eps"]
    return gamma * (x - mu) / std + beta, (x, gamma, mu, var, state["eps"])
""", "eps outside the square root", "std + eps, written with x.std"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    m = state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - m) * state["running_mean"] + m * mu
        state["running_var"] = (1 - m) * state["running_var"] + m * x.var(axis=0, ddof=1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var) + beta, (x, gamma, mu, var, state["eps"])
""", "eps left out", "no eps: a constant feature divides 0 by 0"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu = x.mean(axis=1, keepdims=True)
        var = x.var(axis=1, keepdims=True)
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * x.mean(axis=0)
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * x.var(axis=0) * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "that is LayerNorm", "normalizes each row (axis=1)"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps = 1e-5
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        state["running_mean"] = 0.9 * state["running_mean"] + 0.1 * mu
        state["running_var"] = 0.9 * state["running_var"] + 0.1 * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", None, "eps and momentum hard-coded to their defaults instead of read from state"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    std = np.sqrt(var + eps)
    return gamma * (x - mu) / std + beta, (x, gamma, mu, std, eps)
""", None, "caches the standard deviation where the variance belongs"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x, x_hat, gamma, mu, var, eps)
""", None, "x_hat added to the cache: six values"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * x.mean(axis=0)
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * x.var(axis=0) * n / (n - 1)
    mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", None, "train mode normalizes with the freshly updated running statistics"),

    # ---- batchnorm_forward, running statistics ----
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        unbiased = x.var(axis=0, ddof=1)
        state["running_mean"] = momentum * state["running_mean"] + (1 - momentum) * mu
        state["running_var"] = momentum * state["running_var"] + (1 - momentum) * unbiased
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "running momentum reversed in both updates", "momentum weighs the old running values"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0)
        N = x.shape[0]
        state["running_mean"] = momentum * state["running_mean"] + (1 - momentum) * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "running momentum reversed in the update of running_mean", "reversed in the mean's line only"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, m = state["eps"], state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - m) * state["running_mean"] + m * mu
        state["running_var"] = (1 - m) * state["running_var"] + m * var
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "running variance stored biased", "running_var blends in the biased variance"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps = state["eps"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = mu
        state["running_var"] = x.var(axis=0, ddof=1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "running statistics replaced by the batch's", "no moving average: the last batch's statistics"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    state = dict(state)
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "running statistics never stored in state", "updates a copy of the state dict"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    running_mean, running_var = state["running_mean"], state["running_var"]
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * x.var(axis=0, ddof=1)
    else:
        mu, var = running_mean, running_var
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "running statistics never stored in state", "new running arrays kept in local variables"),
    Wrong("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    mu, var = x.mean(axis=0), x.var(axis=0)
    n = x.shape[0]
    state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
    state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", EVAL_MODE, "mode ignored: eval normalizes with the batch and updates the state"),

    # ---- batchnorm_backward ----
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    dbeta = dout
    dgamma = dout * xhat
    dx = dout * gamma / std
    return dx, dgamma, dbeta
""", "rows; and missing the mean-gradient terms",
        "no sums, and dx only through x_hat"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    return dout * gamma / std, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
""", "missing the mean-gradient terms", "treats mu and var as constants"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    N = x.shape[0]
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    dxhat = dout * gamma
    dvar = np.sum(dxhat * (x - mu), axis=0) * -0.5 * std ** -3
    dx = dxhat / std + dvar * 2 * (x - mu) / N
    return dx, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
""", "missing the path through the batch mean", "the graph walked without the path from x to mu"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    d = x - mu
    s = np.sqrt(var + eps)
    dxhat = gamma * dout
    dd = dxhat / s
    dmu = -dd.sum(axis=0)
    dx = dd + dmu / n
    return dx, (dout * d / s).sum(axis=0), dout.sum(axis=0)
""", "missing the path through the batch variance", "the graph walked without the node sigma^2"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    d = x - mu
    s = np.sqrt(var + eps)
    x_hat = d / s
    dx_hat = dout
    dr = (dx_hat * d).sum(axis=0)
    dvar = -dr / s ** 3 / 2.0
    dd = dx_hat / s + dvar * 2.0 * d / n
    dx = dd - dd.sum(axis=0) / n
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", "gamma left out of dx", "dx_hat = dout: forgot the scale gamma"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    d = x - mu
    s = np.sqrt(var + eps)
    x_hat = d / s
    dx_hat = gamma * dout
    dr = (dx_hat * d).sum(axis=0)
    dvar = -dr / s ** 3 / 2.0
    dd = dx_hat / s + dvar * 2.0 * d / n
    dx = dd - dd.sum(axis=0) / n
    return dx, (dout * x_hat).sum(axis=0), dout
""", "dbeta not summed", "dbeta left per row"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    d = x - mu
    s = np.sqrt(var + eps)
    dbeta = dout.sum(axis=0)
    dgamma = (dout * d / s).sum(axis=0)
    dout *= gamma
    dvar = -(dout * d).sum(axis=0) / s ** 3 / 2.0
    dd = dout / s + dvar * 2.0 * d / n
    return dd - dd.sum(axis=0) / n, dgamma, dbeta
""", None, "right values, but multiplies the caller's dout by gamma in place"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    std = x.std(axis=0)
    xhat = (x - mu) / std
    dxhat = dout * gamma
    dvar = np.sum(dxhat * (x - mu), axis=0) * -0.5 / std ** 3
    dmu = -np.sum(dxhat / std, axis=0)
    dx = dxhat / std + dvar * 2 * (x - mu) / n + dmu / n
    return dx, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
""", None, "recomputes the std from x without eps"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    d = x - mu
    s = np.sqrt(var + eps)
    dx_hat = gamma * dout
    dvar = (dx_hat * d).sum(axis=0) / s ** 3 / 2.0
    dd = dx_hat / s + dvar * 2.0 * d / n
    dx = dd - dd.sum(axis=0) / n
    return dx, (dout * d / s).sum(axis=0), dout.sum(axis=0)
""", None, "sign slip in the derivative of 1/sqrt"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    d = x - mu
    s = np.sqrt(var + eps)
    dx_hat = gamma * dout
    dvar = -(dx_hat * d).sum(axis=0) / s ** 3 / 2.0
    dd = dx_hat / s + dvar * 2.0 * d / (n - 1)
    dx = dd - dd.sum(axis=0) / n
    return dx, (dout * d / s).sum(axis=0), dout.sum(axis=0)
""", None, "N - 1 in the derivative of the variance"),
    Wrong("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    x_hat = (x - mu) / np.sqrt(var + eps)
    dx_hat = gamma * dout
    dx = (dx_hat - dx_hat.mean(0) - x_hat * (dx_hat * x_hat).mean(0)) / np.sqrt(var + eps)
    return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)
""", None, "dgamma and dbeta returned in swapped order"),

    # ---- batchnorm_backward_compact ----
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    N = x.shape[0]
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    dbeta = dout.copy()
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    dx = (1.0 / N) / std * (N * dxhat - np.sum(dxhat, axis=0) - xhat * np.sum(dxhat * xhat, axis=0))
    return dx, dgamma, dbeta
""", "dbeta not summed", "dbeta copied per row"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    N = x.shape[0]
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    dxhat = dout * gamma
    dx = (1.0 / N) / std * (N * dxhat - xhat * np.sum(dxhat * xhat, axis=0))
    return dx, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
""", "missing the path through the batch mean", "the - sum(dxhat) term dropped"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = (var + eps) ** -0.5
    dbeta = dout.sum(axis=0)
    dgamma = (dout * (x - mu) * inv_std).sum(axis=0)
    dx = gamma * inv_std / n * (n * dout - dbeta)
    return dx, dgamma, dbeta
""", "missing the path through the batch variance", "the - x_hat * dgamma term dropped"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = inv_std / n * (n * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
""", "gamma left out of dx", "the factor gamma forgotten"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_std * (n * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
""", None, "the 1 / N forgotten"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(var)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_std / n * (n * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
""", None, "eps dropped: a constant feature divides by zero"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = 1.0 / (np.sqrt(var) + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_std / n * (n * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
""", None, "eps outside the square root"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = dout
    dx *= n
    dx -= dbeta + x_hat * dgamma
    dx *= gamma * inv_std / n
    return dx, dgamma, dbeta
""", None, "right values, computed in the caller's dout array"),
    Wrong("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_std / (n - 1) * (n * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
""", None, "N - 1 in the closed form"),

    # ---- layernorm_forward ----
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(0), x.var(0)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "that is BatchNorm", "normalizes each column, statistics of shape (D,)"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=0, keepdims=True)
    var = np.var(x, axis=0, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "that is BatchNorm", "normalizes each column, statistics of shape (1, D)"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, ddof=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "unbiased variance", "ddof=1"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    return gamma * (x - mu) / (std + eps) + beta, (x, gamma, mu, var, eps)
""", "eps outside the square root", "std + eps"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var) + beta, (x, gamma, mu, var, eps)
""", "eps left out", "eps accepted but never used: a constant row divides 0 by 0"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=1), x.var(axis=1)
    out = gamma * (x - mu[:, None]) / np.sqrt(var[:, None] + eps) + beta
    return out, (x, gamma, mu, var, eps)
""", None, "row statistics cached with shape (N,) instead of (N, 1)"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-8):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", None, "default eps changed to 1e-8"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + 1e-5) + beta, (x, gamma, mu, var, 1e-5)
""", None, "the eps argument ignored"),
    Wrong("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    x -= mu
    x /= np.sqrt(var + eps)
    return gamma * x + beta, (x, gamma, mu, var, eps)
""", None, "normalizes x in place: the caller's x and the cached x are both changed"),

    # ---- activation_statistics ----
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    acts = []
    h = x
    for W in weights:
        h = np.tanh(h @ W)
        if use_batchnorm:
            h, _ = batchnorm_forward(h, np.ones(len(W)), np.zeros(len(W)), new_batchnorm_state(len(W)), 'train')
        acts.append(h)
    acts = np.array(acts)
    return acts.mean(axis=(1, 2)), acts.std(axis=(1, 2)), acts
""", "BatchNorm placed after the activation", "normalizes tanh's output"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, zs = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm:
            z, _ = batchnorm_forward(z, np.ones(z.shape[1]), np.zeros(z.shape[1]), new_batchnorm_state(z.shape[1]), "train")
        zs.append(z)
        h = np.tanh(z)
    zs = np.stack(zs)
    return zs.mean(axis=(1, 2)), zs.std(axis=(1, 2)), zs
""", "statistics of the pre-activations", "records z, not tanh(z)"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm:
            z, _ = batchnorm_forward(z, np.ones(W.shape[1]), np.zeros(W.shape[1]), new_batchnorm_state(W.shape[1]), "train")
        h = np.tanh(z)
        layers.append(h)
    a = np.stack(layers)
    return a.mean(axis=(1, 2)), np.array([np.std(layer, ddof=1) for layer in a]), a
""", "unbiased standard deviation (ddof=1) of the activations", "ddof=1 per layer"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        h = np.tanh(h @ W)
        layers.append(h)
    a = np.stack(layers)
    return a.mean(axis=(1, 2)), a.std(axis=(1, 2)), a
""", "use_batchnorm ignored", "never normalizes"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm:
            z, _ = batchnorm_forward(z, np.ones(W.shape[1]), np.zeros(W.shape[1]), new_batchnorm_state(W.shape[1]), "train")
        h = np.tanh(z)
        layers.append(h)
    return [l.mean() for l in layers], [l.std() for l in layers], np.stack(layers)
""", None, "means and stds returned as lists"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm:
            z, _ = batchnorm_forward(z, np.ones(W.shape[1]), np.zeros(W.shape[1]), new_batchnorm_state(W.shape[1]), "train")
        h = np.tanh(z)
        layers.append(h)
    a = np.stack(layers)
    return a.mean(axis=1).mean(axis=1), a.std(axis=1).mean(axis=1), a
""", None, "std per feature, then averaged over the features"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm:
            z, _ = batchnorm_forward(z, np.ones(W.shape[1]), np.zeros(W.shape[1]), new_batchnorm_state(W.shape[1]), "train")
        h = np.tanh(z)
        layers.append(h)
    a = np.stack(layers, axis=1)
    return a.mean(axis=(0, 2)), a.std(axis=(0, 2)), a
""", None, "activations stacked as (N, L, D)"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, [x]
    for W in weights:
        z = h @ W
        if use_batchnorm:
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        h = np.tanh(z)
        layers.append(h)
    a = np.stack(layers)
    return a.mean(axis=(1, 2)), a.std(axis=(1, 2)), a
""", None, "the input x recorded as layer 0"),
    Wrong("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm:
            z = (z - z.mean(axis=1, keepdims=True)) / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)
        h = np.tanh(z)
        layers.append(h)
    a = np.stack(layers)
    return a.mean(axis=(1, 2)), a.std(axis=(1, 2)), a
""", None, "normalizes each row of z (LayerNorm) instead of each feature"),

    # ---- group_norm_forward
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N, D = x.shape[:2]
    xg = x.reshape(N, D // num_groups, num_groups, -1)
    mu = xg.mean(axis=(1, 3))
    var = xg.var(axis=(1, 3))
    x_hat = (xg - mu[:, None, :, None]) / np.sqrt(var[:, None, :, None] + eps)
    shape = (1, D) + (1,) * (x.ndim - 2)
    return gamma.reshape(shape) * x_hat.reshape(x.shape) + beta.reshape(shape), (x, gamma, mu, var, eps)
""", "channels grouped in the wrong order", "reshape (N, D // G, G, ...): channels j, j + G, ... share a group"),
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N = x.shape[0]
    g = x.reshape(N, num_groups, -1)
    mu, var = g.mean(axis=2), g.var(axis=2, ddof=1)
    x_hat = ((g - mu[..., None]) / np.sqrt(var[..., None] + eps)).reshape(x.shape)
    c = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", "unbiased variance", "ddof=1"),
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N = x.shape[0]
    g = x.reshape(N, num_groups, -1)
    mu, var = g.mean(axis=2), g.var(axis=2)
    x_hat = ((g - mu[..., None]) / (np.sqrt(var[..., None]) + eps)).reshape(x.shape)
    c = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", "eps outside the square root", "eps added to the standard deviation"),
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N, D = x.shape[:2]
    size = D // num_groups
    out = np.empty_like(x)
    mu, var = np.zeros((N, num_groups)), np.zeros((N, num_groups))
    for r in range(num_groups):
        part = x[:, r * size:(r + 1) * size]
        axes = tuple(range(1, x.ndim))
        mu[:, r], var[:, r] = part.mean(axis=axes), part.var(axis=axes)
        m = mu[:, r].reshape((N,) + (1,) * (x.ndim - 1))
        v = var[:, r].reshape((N,) + (1,) * (x.ndim - 1))
        out[:, r * size:(r + 1) * size] = gamma[r] * (part - m) / np.sqrt(v + eps) + beta[r]
    return out, (x, gamma, mu, var, eps)
""", "gamma and beta applied per group", "a loop over groups that scales group r by gamma[r]"),
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N = x.shape[0]
    g = x.reshape(N, num_groups, -1)
    mu, var = g.mean(axis=(0, 2)), g.var(axis=(0, 2))
    x_hat = ((g - mu[None, :, None]) / np.sqrt(var[None, :, None] + eps)).reshape(x.shape)
    c = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", "normalized over the batch axis too", "statistics over the batch as well, as BatchNorm would"),
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N = x.shape[0]
    g = x.reshape(N, num_groups, -1)
    mu, var = g.mean(axis=2, keepdims=True), g.var(axis=2, keepdims=True)
    x_hat = ((g - mu) / np.sqrt(var + eps)).reshape(x.shape)
    c = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", None, "right output, but the cached statistics keep a third axis, (N, G, 1)"),
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N = x.shape[0]
    g = x.reshape(N, num_groups, -1)
    mu, var = g.mean(axis=2), g.var(axis=2)
    x_hat = ((g - mu[..., None]) / np.sqrt(var[..., None] + eps)).reshape(x.shape)
    return gamma * x_hat + beta, (x, gamma, mu, var, eps)
""", None, "gamma broadcast against the last (spatial) axis"),
    Wrong("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    axes = tuple(range(1, x.ndim))
    mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    c = (1, -1) + (1,) * (x.ndim - 2)
    out = gamma.reshape(c) * (x - mu) / np.sqrt(var + eps) + beta.reshape(c)
    return out, (x, gamma, np.repeat(mu.reshape(-1, 1), num_groups, 1), np.repeat(var.reshape(-1, 1), num_groups, 1), eps)
""", None, "ignores num_groups: LayerNorm over each whole example"),

    # ---- instance_norm_forward
    Wrong("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    mu, var = x.mean(axis=axes), x.var(axis=axes)
    c = (1, -1) + (1,) * (x.ndim - 2)
    x_hat = (x - mu.reshape(c)) / np.sqrt(var.reshape(c) + eps)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", "normalized over the batch too", "statistics per channel over the batch: BatchNorm"),
    Wrong("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    axes = tuple(range(1, x.ndim))
    mu, var = x.mean(axis=axes), x.var(axis=axes)
    e = (-1,) + (1,) * (x.ndim - 1)
    c = (1, -1) + (1,) * (x.ndim - 2)
    x_hat = (x - mu.reshape(e)) / np.sqrt(var.reshape(e) + eps)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", "normalized over all channels of the example", "statistics per example over every channel: LayerNorm"),
    Wrong("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    mu, var = flat.mean(axis=2), flat.var(axis=2, ddof=1)
    x_hat = ((flat - mu[..., None]) / np.sqrt(var[..., None] + eps)).reshape(x.shape)
    c = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", "unbiased variance", "ddof=1 over the positions"),
    Wrong("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    mu, var = flat.mean(axis=2), flat.var(axis=2)
    x_hat = ((flat - mu[..., None]) / (np.sqrt(var[..., None]) + eps)).reshape(x.shape)
    c = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", "eps outside the square root", "eps added to the standard deviation"),
    Wrong("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=(2, 3)), x.var(axis=(2, 3))
    x_hat = (x - mu[:, :, None, None]) / np.sqrt(var[:, :, None, None] + eps)
    return gamma[None, :, None, None] * x_hat + beta[None, :, None, None], (x, gamma, mu, var, eps)
""", None, "written for images (N, D, H, W) only: fails on (N, D, L)"),
    Wrong("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    mu, var = flat.mean(axis=2, keepdims=True), flat.var(axis=2, keepdims=True)
    x_hat = ((flat - mu) / np.sqrt(var + eps)).reshape(x.shape)
    c = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(c) * x_hat + beta.reshape(c), (x, gamma, mu, var, eps)
""", None, "right output, cached statistics of shape (N, D, 1)"),
]

CORRECT = [
    # ---- min_max_scale ----
    Correct("min_max_scale", """
def min_max_scale(train, test):
    low = np.min(train, axis=0)
    span = np.ptp(train, axis=0)
    return (train - low) / span, (test - low) / span
""", "np.ptp for the range"),
    Correct("min_max_scale", """
def min_max_scale(train, test):
    train_scaled, test_scaled = np.empty_like(train), np.empty_like(test)
    for j in range(train.shape[1]):
        lo, hi = min(train[:, j]), max(train[:, j])
        train_scaled[:, j] = (train[:, j] - lo) / (hi - lo)
        test_scaled[:, j] = (test[:, j] - lo) / (hi - lo)
    return train_scaled, test_scaled
""", "column by column with Python's min and max"),
    Correct("min_max_scale", """
def min_max_scale(train, test):
    low = train.min(axis=0, keepdims=True)
    scale = 1.0 / (train.max(axis=0, keepdims=True) - low)
    a, b = train.copy(), test.copy()
    a -= low
    a *= scale
    b -= low
    b *= scale
    return [a, b]
""", "in-place operations on copies, multiplying by the reciprocal, returned as a list"),

    # ---- standardize ----
    Correct("standardize", """
def standardize(train, test):
    mean = train.mean(axis=0, keepdims=True)
    std = np.sqrt(((train - mean) ** 2).mean(axis=0, keepdims=True))
    return (train - mean) / std, (test - mean) / std
""", "the biased std written out, keepdims"),
    Correct("standardize", """
import statistics

def standardize(train, test):
    means = np.array([statistics.fmean(col) for col in train.T])
    stds = np.array([statistics.pstdev(col) for col in train.T])
    return (train - means) / stds, (test - means) / stds
""", "the statistics module, column by column"),
    Correct("standardize", """
def standardize(train, test):
    mean = np.mean(train, axis=0)
    std = np.sqrt(np.mean(train ** 2, axis=0) - mean ** 2)
    z = lambda a: (a - mean) / std
    return z(train), z(test)
""", "variance as E[x^2] - E[x]^2 (accurate enough at these scales)"),

    # ---- batchnorm_forward ----
    Correct("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    if mode == "train":
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0)
        N = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    xhat = (x - mu) / np.sqrt(var + eps)
    return gamma * xhat + beta, (x, gamma, mu, var, eps)
""", "new arrays assigned to the state's keys"),
    Correct("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    m = state["momentum"]
    if mode == "eval":
        mu, var = state["running_mean"], state["running_var"]
    else:
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] *= 1 - m
        state["running_mean"] += m * mu
        state["running_var"] *= 1 - m
        state["running_var"] += m * x.var(axis=0, ddof=1)
    inv_std = 1.0 / np.sqrt(var + state["eps"])
    return (x - mu) * inv_std * gamma + beta, (x, gamma, mu, var, state["eps"])
""", "running arrays updated in place, ddof=1 for the running variance"),
    Correct("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps = state["eps"]
    if mode == "train":
        n = len(x)
        mu = x.sum(axis=0) / n
        var = ((x - mu) ** 2).sum(axis=0) / n
        m = state["momentum"]
        state.update(running_mean=(1 - m) * state["running_mean"] + m * mu,
                     running_var=(1 - m) * state["running_var"] + m * var * (n / (n - 1)))
        out = gamma * ((x - mu) / np.sqrt(var + eps)) + beta
        return out, (x, gamma, mu, var, eps)
    mu, var = state["running_mean"], state["running_var"]
    return gamma * ((x - mu) / np.sqrt(var + eps)) + beta, (x, gamma, mu, var, eps)
""", "dict.update, sums written out, one return per mode"),
    Correct("batchnorm_forward", """
def batchnorm_forward(x, gamma, beta, state, mode):
    if mode == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        m, n = state["momentum"], x.shape[0]
        state["running_mean"][:] = state["running_mean"] + m * (mu - state["running_mean"])
        state["running_var"][:] = state["running_var"] + m * (var * n / (n - 1) - state["running_var"])
    elif mode == "eval":
        mu, var = state["running_mean"].copy(), state["running_var"].copy()
    else:
        raise ValueError(mode)
    x_hat = (x - mu) / np.sqrt(var + state["eps"])
    return [gamma * x_hat + beta, [x, gamma, mu, var, state["eps"]]]
""", "slice assignment with running + m * (batch - running); lists for the output and the cache"),

    # ---- batchnorm_backward ----
    Correct("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    N = x.shape[0]
    xmu = x - mu
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / sqrtvar ** 2 * divar
    dvar = 0.5 / sqrtvar * dsqrtvar
    dsq = np.ones_like(dout) / N * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -np.sum(dx1, axis=0)
    dx2 = np.ones_like(dout) / N * dmu
    return dx1 + dx2, dgamma, dbeta
""", "the staged graph with a node for x - mu squared"),
    Correct("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, _, _, eps = cache
    n, d = x.shape
    mu, var = x.mean(axis=0), x.var(axis=0)
    s = np.sqrt(var + eps)
    x_hat = (x - mu) / s
    dx = np.empty_like(x)
    for j in range(d):
        jacobian = gamma[j] / s[j] * (np.eye(n) - 1.0 / n - np.outer(x_hat[:, j], x_hat[:, j]) / n)
        dx[:, j] = jacobian.T @ dout[:, j]
    return dx, np.einsum("nd,nd->d", dout, x_hat), dout.sum(axis=0)
""", "per-column Jacobian, the statistics recomputed from x, einsum for dgamma"),
    Correct("batchnorm_backward", """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    s = np.sqrt(var + eps)
    x_hat = (x - mu) / s
    g = dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", "the closed form with means (the docstring only fixes the outputs)"),

    # ---- batchnorm_backward_compact ----
    Correct("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    N = x.shape[0]
    std = np.sqrt(var + eps)
    xhat = (x - mu) / std
    dxhat = dout * gamma
    dx = (1.0 / N) / std * (N * dxhat - np.sum(dxhat, axis=0) - xhat * np.sum(dxhat * xhat, axis=0))
    return dx, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
""", "the closed form in terms of dxhat"),
    Correct("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    inv_std = (var + eps) ** -0.5
    x_hat = (x - mu) * inv_std
    dgamma = np.einsum("ij,ij->j", dout, x_hat)
    dx = gamma * inv_std * (dout - dout.mean(axis=0) - x_hat * dgamma / len(x))
    return dx, dgamma, dout.sum(axis=0)
""", "means instead of sums over N, einsum"),
    Correct("batchnorm_backward_compact", """
def batchnorm_backward_compact(dout, cache):
    x, gamma, mu, var, eps = cache
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = dout * n
    dx -= dbeta
    dx -= x_hat * dgamma
    dx *= gamma * inv_std / n
    return dx, dgamma, dbeta
""", "in-place operations on a new array"),

    # ---- layernorm_forward ----
    Correct("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1)[:, None]
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, mu, var, eps)
""", "[:, None] and the variance written out"),
    Correct("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    n = x.shape[0]
    mu, var = np.empty((n, 1)), np.empty((n, 1))
    out = np.empty_like(x)
    for i in range(n):
        mu[i, 0], var[i, 0] = x[i].mean(), x[i].var()
        out[i] = gamma * (x[i] - mu[i, 0]) / np.sqrt(var[i, 0] + eps) + beta
    return out, (x, gamma, mu, var, eps)
""", "row by row"),
    Correct("layernorm_forward", """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    xt = x.T
    mu = xt.mean(axis=0)
    var = xt.var(axis=0)
    x_hat = ((xt - mu) / np.sqrt(var + eps)).T
    return x_hat * gamma + beta, (x, gamma, mu.reshape(-1, 1), var.reshape(-1, 1), eps)
""", "BatchNorm of the transpose"),

    # ---- activation_statistics ----
    Correct("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    d = weights[0].shape[1]
    state = new_batchnorm_state(d)
    acts = np.empty((len(weights), *x.shape))
    h = x
    for l, W in enumerate(weights):
        z = h @ W
        if use_batchnorm:
            z = batchnorm_forward(z, np.ones(d), np.zeros(d), state, "train")[0]
        h = acts[l] = np.tanh(z)
    return np.array([a.mean() for a in acts]), np.array([a.std() for a in acts]), acts
""", "one state shared by the layers (train mode ignores the running statistics), preallocated"),
    Correct("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        z = np.dot(h, W)
        if use_batchnorm:
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        h = np.tanh(z)
        layers.append(h)
    a = np.array(layers)
    flat = a.reshape(len(weights), -1)
    return flat.mean(axis=1), flat.std(axis=1), a
""", "BatchNorm written inline with the default eps, statistics of the flattened layers"),
    Correct("activation_statistics", """
def activation_statistics(x, weights, use_batchnorm):
    h, layers = x, []
    for W in weights:
        z = h @ W
        if use_batchnorm:
            width = z.shape[1]
            z, _ = batchnorm_forward(z, np.ones(width), np.zeros(width), new_batchnorm_state(width), "train")
        h = np.tanh(z)
        layers.append(h)
    a = np.stack(layers)
    means = a.mean(axis=(1, 2))
    stds = np.sqrt((a ** 2).mean(axis=(1, 2)) - means ** 2)
    return means, stds, a
""", "std as sqrt(E[h^2] - E[h]^2)"),

    # ---- group_norm_forward
    Correct("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N, D = x.shape[:2]
    size = D // num_groups
    out = np.empty(x.shape)
    mu, var = np.empty((N, num_groups)), np.empty((N, num_groups))
    for i in range(N):
        for r in range(num_groups):
            part = x[i, r * size:(r + 1) * size]
            mu[i, r], var[i, r] = part.mean(), part.var()
            out[i, r * size:(r + 1) * size] = (part - mu[i, r]) / np.sqrt(var[i, r] + eps)
    c = (1, D) + (1,) * (x.ndim - 2)
    return out * gamma.reshape(c) + beta.reshape(c), (x, gamma, mu, var, eps)
""", "loops over examples and groups"),
    Correct("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    N, D = x.shape[:2]
    xg = x.reshape(N, num_groups, D // num_groups, *x.shape[2:])
    axes = tuple(range(2, xg.ndim))
    mu, var = xg.mean(axis=axes), xg.var(axis=axes)
    m = mu.reshape(mu.shape + (1,) * len(axes))
    v = var.reshape(var.shape + (1,) * len(axes))
    x_hat = ((xg - m) / np.sqrt(v + eps)).reshape(x.shape)
    g = np.expand_dims(gamma, tuple(range(1, x.ndim - 1)))
    b = np.expand_dims(beta, tuple(range(1, x.ndim - 1)))
    return g * x_hat + b, (x, gamma, mu, var, eps)
""", "keeps the channels of a group on their own axis; expand_dims for gamma"),
    Correct("group_norm_forward", """
def group_norm_forward(x, gamma, beta, num_groups, eps=1e-5):
    parts = np.split(x, num_groups, axis=1)
    axes = tuple(range(1, x.ndim))
    mu = np.stack([p.mean(axis=axes) for p in parts], axis=1)
    var = np.stack([((p - p.mean(axis=axes, keepdims=True)) ** 2).mean(axis=axes) for p in parts], axis=1)
    normed = [(p - p.mean(axis=axes, keepdims=True)) / np.sqrt(p.var(axis=axes, keepdims=True) + eps) for p in parts]
    x_hat = np.concatenate(normed, axis=1)
    shape = [1] * x.ndim
    shape[1] = -1
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), (x, gamma, mu, var, eps)
""", "np.split into groups and concatenate back"),

    # ---- instance_norm_forward
    Correct("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    return group_norm_forward(x, gamma, beta, x.shape[1], eps)
""", "Group Normalization with one channel per group"),
    Correct("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    N, D = x.shape[:2]
    flat = x.reshape(N, D, -1)
    mu = flat.mean(axis=-1)
    var = ((flat - mu[:, :, None]) ** 2).mean(axis=-1)
    out = (flat - mu[:, :, None]) / np.sqrt(var[:, :, None] + eps) * gamma[None, :, None] + beta[None, :, None]
    return out.reshape(x.shape), (x, gamma, mu, var, eps)
""", "flattens the positions, affine before reshaping back"),
    Correct("instance_norm_forward", """
def instance_norm_forward(x, gamma, beta, eps=1e-5):
    N, D = x.shape[:2]
    out = np.zeros_like(x)
    mu, var = np.zeros((N, D)), np.zeros((N, D))
    for n in range(N):
        for j in range(D):
            mu[n, j], var[n, j] = x[n, j].mean(), x[n, j].var()
            out[n, j] = gamma[j] * (x[n, j] - mu[n, j]) / np.sqrt(var[n, j] + eps) + beta[j]
    return out, (x, gamma, mu, var, eps)
""", "two loops"),
]
