"""Grader side: chapter 4 (optimizers and schedules), known mistakes and judges.

Every known mistake changes the result on the kernel side's inputs
(``grader_tests.kernel.inputs.ch04_optimizers``), and is named only when a
submission behaves like it on every call of the check. The mini-batches are
judged by their properties, since any shuffle drawn from the given rng is
right; a submission behaves like a known wrong one when its epoch has the
same defect. An update rule's pair (new_w, new_state) may come back as a
tuple or a list (both unpack alike); a state the docstring calls a tuple
must be one.

No check here passes on a threshold: every graded function has one correct
output (or, for the mini-batches, a property every correct epoch has), so
the chapter needs no ``threshold_study``.
"""
from __future__ import annotations

import numpy as np

from grader_tests.checks import Mistake, check, register
from grader_tests.judge import ReturnedList, compare, kind

RTOL, ATOL = 1e-7, 1e-10
# The update rules may update their state in place (the caller passes the
# returned state on), but w and dw stay as they were: optimize keeps each w
# in its trajectory. keeps_inputs names the arguments a call must not change.
RULE_KEEPS = ("w", "dw")


# ---- judging a rule's (new_w, new_state) and a state ----

def _named(label: str, problem: str | None) -> str | None:
    return problem and f"{label}: {problem}"


def _state_problem(got, expected, label: str, items: tuple[str, ...]) -> str | None:
    """A state against the expected one; a tuple must stay a tuple, a step
    counter an int. ``items`` names the parts of a tuple state."""
    if isinstance(expected, tuple):
        shown = f"the tuple ({', '.join(items)})" if items else "the empty tuple ()"
        if not isinstance(got, tuple):
            return f"{label} is a single value; the docstring asks for {shown}"
        if isinstance(got, ReturnedList):
            return f"{label} is a list; the docstring asks for {shown}"
        if len(got) != len(expected):
            return f"{label} is a tuple of {len(got)} value{'s' * (len(got) != 1)}; the docstring asks for {shown}"
        for name, g, e in zip(items, got, expected):
            problem = _state_problem(g, e, name, ())
            if problem:
                return problem
        return None
    if isinstance(got, np.ndarray) and got.dtype.kind == "f" and np.asarray(expected).dtype.kind == "i":
        return f"{label} must be an int (a number of steps), got a float"
    return _named(label, compare(got, expected, RTOL, ATOL))


def _judge_step(state: str, items: tuple[str, ...] = ()):
    """Judge of an update rule: new_w, then the state (named ``state``, its
    parts ``items`` when it is a tuple)."""
    def judge(got, expected, args):
        if not isinstance(got, tuple):
            return "returned a single value; an update rule returns the pair (new_w, new_state)"
        if len(got) != 2:
            return f"returned a {kind(got)} of {len(got)} values; an update rule returns the pair (new_w, new_state)"
        return (_named("new_w", compare(got[0], expected[0], RTOL, ATOL))
                or _state_problem(got[1], expected[1], state, items))
    return judge


def _judge_state(items: tuple[str, ...]):
    return lambda got, expected, args: _state_problem(got, expected, "the state", items)


# ---- known wrong update rules (written independently of the reference) ----

def _heavy_ball(w, dw, v, lr, beta=0.9, sign=-1.0):
    v = beta * v + dw
    return w + sign * lr * v, v


def _momentum_velocity_minus(w, dw, v, lr, beta=0.9):
    v = beta * v - dw
    return w - lr * v, v


def _momentum_other_convention(w, dw, v, lr, beta=0.9):
    v = beta * v - lr * dw
    return w + v, v


def _momentum_lr_inside(w, dw, v, lr, beta=0.9):
    v = beta * v + lr * dw
    return w - v, v


def _momentum_dampened(w, dw, v, lr, beta=0.9):
    v = beta * v + (1.0 - beta) * dw
    return w - lr * v, v


def _momentum_old_velocity(w, dw, v, lr, beta=0.9):
    return w - lr * v, beta * v + dw


def _nesterov_uphill(w, dw, v, lr, beta=0.9):
    v = beta * v + dw
    return w + lr * (dw + beta * v), v


def _scaled_root(w, dw, total, lr, eps, inside, divide_by=None):
    """The step lr * dw / root, the root taken of ``divide_by`` (``total``
    unless given) with eps inside or outside; returns (new_w, total)."""
    under = total if divide_by is None else divide_by
    denominator = np.sqrt(under + eps) if inside else np.sqrt(under) + eps
    return w - lr * dw / denominator, total


def _adagrad_not_accumulated(w, dw, G, lr=0.01, eps=1e-10):
    return _scaled_root(w, dw, dw ** 2, lr, eps, inside=False)


def _adagrad_eps_inside(w, dw, G, lr=0.01, eps=1e-10):
    return _scaled_root(w, dw, G + dw ** 2, lr, eps, inside=True)


def _adagrad_old_sum(w, dw, G, lr=0.01, eps=1e-10):
    return _scaled_root(w, dw, G + dw ** 2, lr, eps, inside=False, divide_by=G)


def _rmsprop_swapped(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    return _scaled_root(w, dw, (1.0 - rho) * s + rho * dw ** 2, lr, eps, inside=False)


def _rmsprop_no_one_minus(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    return _scaled_root(w, dw, rho * s + dw ** 2, lr, eps, inside=False)


def _rmsprop_eps_inside(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    return _scaled_root(w, dw, rho * s + (1.0 - rho) * dw ** 2, lr, eps, inside=True)


def _rmsprop_old_average(w, dw, s, lr=0.01, rho=0.99, eps=1e-8):
    return _scaled_root(w, dw, rho * s + (1.0 - rho) * dw ** 2, lr, eps, inside=False, divide_by=s)


def _adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, *, correct=True, t_used=0, t_kept=1,
          eps_inside=False):
    """Adam with one thing changed: t_used and t_kept shift the counter used in
    the bias correction and the counter returned, relative to t + 1."""
    m, v, t = state
    m = beta1 * m + (1.0 - beta1) * dw
    v = beta2 * v + (1.0 - beta2) * dw ** 2
    t_step = t + 1 + t_used
    if correct:
        m_hat, v_hat = m / (1.0 - beta1 ** t_step), v / (1.0 - beta2 ** t_step)
    else:
        m_hat, v_hat = m, v
    root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return w - lr * m_hat / root, (m, v, t + t_kept)


def _adam_variant(**change):
    return lambda w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8: _adam(w, dw, state, lr, beta1, beta2, eps,
                                                                                   **change)


ADAM_MISTAKES = (
    Mistake("Adam without bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step",
            _adam_variant(correct=False)),
    Mistake("t off by one: the bias correction used the old t; increment t first, so the first step uses t = 1",
            _adam_variant(t_used=-1)),
    Mistake("t off by one: the bias correction used t + 2 (t incremented twice?); the first step uses t = 1",
            _adam_variant(t_used=1)),
    Mistake("t off by one: the returned state kept the old t; return t + 1", _adam_variant(t_kept=0)),
    Mistake("eps inside the square root: use sqrt(v_hat) + eps, as PyTorch does", _adam_variant(eps_inside=True)),
)

def _adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, *, penalty_in=(),
           decay="decoupled", correct=True):
    """AdamW with one thing changed. ``penalty_in`` names the moments that see
    the L2 gradient weight_decay * w added to dw; ``decay`` says how the
    decoupled decay is applied ("none" when the penalty replaces it)."""
    m, v, t = state
    g_m = dw + weight_decay * w if "m" in penalty_in else dw
    g_v = dw + weight_decay * w if "v" in penalty_in else dw
    m = beta1 * m + (1.0 - beta1) * g_m
    v = beta2 * v + (1.0 - beta2) * g_v ** 2
    t = t + 1
    m_hat, v_hat = (m / (1.0 - beta1 ** t), v / (1.0 - beta2 ** t)) if correct else (m, v)
    root = np.sqrt(v_hat) + eps
    step = lr * m_hat / root
    new_w = {
        "decoupled": lambda: w * (1.0 - lr * weight_decay) - step,
        "none": lambda: w - step,
        "in the ratio": lambda: w - lr * (m_hat + weight_decay * w) / root,
        "without lr": lambda: w * (1.0 - weight_decay) - step,
        "after the step": lambda: (w - step) * (1.0 - lr * weight_decay),
        "growing": lambda: w * (1.0 + lr * weight_decay) - step,
    }[decay]()
    return new_w, (m, v, t)


def _adamw_variant(**change):
    return lambda w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2: _adamw(
        w, dw, state, lr, beta1, beta2, eps, weight_decay, **change)


ADAMW_MISTAKES = (
    Mistake("L2 penalty added to the gradient (Adam with weight_decay, not AdamW)",
            _adamw_variant(penalty_in=("m", "v"), decay="none"),
            "AdamW keeps the decay out of the moments: m and v see dw alone, and the old w is multiplied by "
            "(1 - lr * weight_decay)"),
    Mistake("the L2 gradient weight_decay * w was added to m's update only",
            _adamw_variant(penalty_in=("m",), decay="none"),
            "m and v see dw alone; the decay acts on w directly, new_w = (1 - lr * weight_decay) * w - Adam's step"),
    Mistake("the decay was divided by Adam's denominator: weight_decay * w was added to m_hat before dividing by "
            "sqrt(v_hat) + eps", _adamw_variant(decay="in the ratio"),
            "Decoupled decay is outside the ratio: new_w = w - lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * w)"),
    Mistake("the decay was not multiplied by the learning rate: w * (1 - weight_decay)",
            _adamw_variant(decay="without lr"), "PyTorch's AdamW multiplies w by (1 - lr * weight_decay)"),
    Mistake("the decay was applied after the Adam step, to the new w",
            _adamw_variant(decay="after the step"),
            "Decay the old w: new_w = (1 - lr * weight_decay) * w - lr * m_hat / (sqrt(v_hat) + eps)"),
    Mistake("the decay has the wrong sign: w grew by (1 + lr * weight_decay)", _adamw_variant(decay="growing"),
            "Weight decay shrinks: (1 - lr * weight_decay) * w"),
    Mistake("Adam without bias correction (in AdamW's step): divide m by (1 - beta1**t) and v by (1 - beta2**t) "
            "before the step",
            _adamw_variant(correct=False)),
    Mistake("weight_decay's default is 0.01, as in torch.optim.AdamW (with 0 AdamW is plain Adam)",
            lambda w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0: _adamw(
                w, dw, state, lr, beta1, beta2, eps, weight_decay)),
)

WRONG_SIGN = "momentum with the wrong sign: the step went uphill; v = beta * v + dw and w - lr * v"
NOT_AN_ARRAY = Mistake("the state is a single number: it must be a float64 array of w's shape, one entry per "
                       "parameter", lambda w: 0.0)


# ---- mini-batches: any shuffle from the given rng is right ----

def _batch_sizes(n: int, batch_size: int) -> list[int]:
    """Full batches first, then the N % B remaining rows."""
    return [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])


def _batch_problem(batches, X, y, batch_size) -> tuple[str, str] | None:
    """(kind of defect, message) of one epoch's batches, None if it is right."""
    if not all(isinstance(b, tuple) and len(b) == 2 for b in batches):
        return "pairs", "minibatches() must yield (X_batch, y_batch) pairs"
    for xb, yb in batches:
        if not (isinstance(xb, np.ndarray) and isinstance(yb, np.ndarray)):
            return "arrays", "a batch is not a pair of numpy arrays: index X and y with an array of row numbers"
        if xb.ndim != 2 or xb.shape[1] != X.shape[1] or yb.shape != (xb.shape[0],):
            return "shape", (f"a batch has shapes {xb.shape} and {yb.shape}: X_batch must be (B, {X.shape[1]}), "
                             "y_batch (B,)")
        if xb.dtype != X.dtype or yb.dtype != y.dtype:
            return "dtype", f"a batch has dtypes {xb.dtype}, {yb.dtype}; expected X's {X.dtype} and y's {y.dtype}"
        rows = xb[:, 0].astype(np.int64)
        if np.any(rows < 0) or np.any(rows >= len(X)) or not np.array_equal(xb, X[rows]):
            return "rows", "a batch holds rows that are not rows of X"
        if not np.array_equal(yb, y[rows]):
            return "labels", "a row lost its label: shuffle one index array and take the same rows of X and y"
    seen = np.concatenate([xb[:, 0] for xb, _ in batches]).astype(np.int64) if batches else np.zeros(0, np.int64)
    counts = np.bincount(seen, minlength=len(X))
    if counts.max(initial=0) > 1:
        return "repeats", f"{int((counts > 1).sum())} rows appear more than once in one epoch"
    if counts.min(initial=1) == 0:
        return "missing", f"{int((counts == 0).sum())} of {len(X)} rows never appear in the epoch"
    sizes = [len(yb) for _, yb in batches]
    expected = _batch_sizes(len(X), batch_size)
    if sizes != expected:
        return "sizes", f"batch sizes {sizes}, expected {expected}: full batches first, the remainder last"
    # Within a single batch the order of the rows does not matter.
    if len(batches) > 1 and np.array_equal(seen, np.arange(len(X))):
        return "order", "the rows came out in their original order: shuffle them with the rng once per epoch"
    runs = [np.sort(xb[:, 0]) for xb, _ in batches if len(xb) > 1]
    if len(runs) > 1 and all(np.all(np.diff(run) == 1) for run in runs):
        return "blocks", ("every batch holds a block of consecutive rows of X: shuffling the order of the batches, "
                          "or the rows inside each batch, is not enough; shuffle the rows themselves")
    return None


def judge_minibatches(got, expected, args):
    """Passes when ``got`` has the defect ``expected`` has: none for the
    reference's epoch, the same kind for a known wrong one."""
    X, y, batch_size, _ = args
    found, wanted = _batch_problem(got, X, y, batch_size), _batch_problem(expected, X, y, batch_size)
    if (found and found[0]) == (wanted and wanted[0]):
        return None
    return found[1] if found else "the epoch is right where a known wrong one is not"


def _with_replacement(X, y, batch_size, rng):
    draws = (rng.integers(0, len(X), size=size) for size in _batch_sizes(len(X), batch_size))
    return tuple((X[rows], y[rows]) for rows in draws)


def _last_batch_dropped(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return tuple((X[order[start:start + batch_size]], y[order[start:start + batch_size]])
                 for start in range(0, len(X) - batch_size + 1, batch_size))


# ---- schedules ----

def _off_by_one(formula, shift):
    return lambda epoch, *rest: formula(np.asarray(epoch) + shift, *rest)


def _step(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** (np.asarray(epoch) // step_size)


def _exponential(epoch, lr0, gamma):
    return lr0 * gamma ** np.asarray(epoch, dtype=np.float64)


def _cosine(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + 0.5 * (lr0 - eta_min) * (1.0 + np.cos(np.pi * np.asarray(epoch) / T_max))


def _warmup_cosine(step, total_steps, warmup_steps, peak_lr, min_lr=0.0, *, ramp_shift=0, ramp_end=None,
                   ramp_start=0.0, phase="after warm-up", floor="min_lr", angle=np.pi):
    """The warm-up schedule with one thing changed. ``floor`` is where the
    cosine ends: "min_lr", "zero" (min_lr left out) or "on top" (min_lr added
    to a cosine from peak_lr to 0); ``angle`` multiplies the cosine's progress
    (180 for a student who thought in degrees)."""
    k = np.asarray(step, dtype=np.float64)
    T_w, T = warmup_steps, total_steps
    ramp = ramp_start + (peak_lr - ramp_start) * (k + ramp_shift) / max(ramp_end or T_w, 1)
    progress = {"after warm-up": (k - T_w) / (T - T_w), "whole run": k / T, "period T": (k - T_w) / T}[phase]
    low, high = {"min_lr": (min_lr, peak_lr), "zero": (0.0, peak_lr), "on top": (min_lr, peak_lr + min_lr)}[floor]
    return np.where(k < T_w, ramp, low + 0.5 * (high - low) * (1.0 + np.cos(angle * progress)))


def _warmup_variant(**change):
    return lambda step, T, W, peak, min_lr=0.0: _warmup_cosine(step, T, W, peak, min_lr, **change)


WARMUP_MISTAKES = (
    Mistake("warm-up off by one step: step k used peak_lr * (k + 1) / T_w, so step 0 already moved",
            _warmup_variant(ramp_shift=1),
            "Steps count from 0 and the ramp is peak_lr * k / T_w: step 0 uses 0 and step T_w is the first at peak_lr"),
    Mistake("warm-up off by one step: the ramp reached peak_lr at k = T_w - 1 (divided by T_w - 1)",
            lambda step, T, W, peak, min_lr=0.0: _warmup_cosine(step, T, W, peak, min_lr, ramp_end=max(W - 1, 1)),
            "The ramp is peak_lr * k / T_w, which reaches peak_lr at k = T_w, where the cosine starts"),
    Mistake("the cosine ran over the whole run (pi * k / T) instead of over the steps after warm-up",
            _warmup_variant(phase="whole run"),
            "After warm-up the cosine starts afresh: pi * (k - T_w) / (T - T_w), which is 0 at k = T_w"),
    Mistake("the cosine's period was T instead of the T - T_w steps after warm-up", _warmup_variant(phase="period T"),
            "Divide by the length of the decay, T - T_w, so that k = T reaches min_lr"),
    Mistake("min_lr was left out: the cosine decays from peak_lr to min_lr", _warmup_variant(floor="zero"),
            "min_lr + (peak_lr - min_lr) * (1 + cos(pi * p)) / 2 ends at min_lr"),
    Mistake("min_lr was added on top of a cosine of peak_lr; the cosine spans peak_lr - min_lr",
            _warmup_variant(floor="on top")),
    Mistake("the cosine's argument was in degrees (180 * p): numpy's cos takes radians, pi * p",
            _warmup_variant(angle=180.0)),
    Mistake("the warm-up started at min_lr; the ramp starts at 0: peak_lr * k / T_w",
            lambda step, T, W, peak, min_lr=0.0: _warmup_cosine(step, T, W, peak, min_lr, ramp_start=min_lr)),
)

EPOCH_LATE = "schedule off by one epoch: epochs count from 0 and epoch 0 uses lr0 (you used epoch + 1)"
EPOCH_EARLY = "schedule off by one epoch: epochs count from 0 and epoch 0 uses lr0 (you used epoch - 1)"


# ---- the optimization loop ----

def _loop(grad_fn, w0, update, init, num_steps, hyper, *, keep_start=True, keep_last=True, fresh_state=False,
          frozen_gradient=False):
    w = np.array(w0, dtype=np.float64)
    state, path = init(w), []
    first_gradient = grad_fn(w)
    for _ in range(num_steps):
        path.append(w)
        if fresh_state:
            state = init(w)
        w, state = update(w, first_gradient if frozen_gradient else grad_fn(w), state, **hyper)
    path.append(w)
    if not keep_start:
        path = path[1:]
    if not keep_last:
        path = path[:-1]
    return np.array(path)


def _loop_variant(**change):
    return lambda grad_fn, w0, update, init, num_steps, hyper: _loop(grad_fn, w0, update, init, num_steps, hyper,
                                                                     **change)


register(
    check("test_minibatches", judge=judge_minibatches, keeps_inputs=True, draws_from_rng=True,
          mistakes=(Mistake("mini-batches that repeat samples",
                            _with_replacement,
                            "Every row appears exactly once per epoch: shuffle once with rng.permutation(N) and "
                            "slice the shuffled order into pieces that do not overlap (drawing each batch with "
                            "rng.choice or rng.integers repeats rows)"),
                    Mistake("mini-batches that drop samples", _last_batch_dropped,
                            "The last, smaller batch holds the N % B remaining rows (all N when B > N): "
                            "yield it too"))),
    check("test_sgd_init", judge=_judge_state(())),
    check("test_sgd", judge=_judge_step("the new state"), keeps_inputs=RULE_KEEPS,
          mistakes=(Mistake("the step went uphill: gradient descent subtracts, w - lr * dw",
                            lambda w, dw, state, lr: (w + lr * dw, state)),)),
    check("test_momentum_init", mistakes=(NOT_AN_ARRAY,)),
    check("test_momentum", judge=_judge_step("v_new"), keeps_inputs=RULE_KEEPS,
          mistakes=(Mistake(WRONG_SIGN, lambda w, dw, v, lr, beta=0.9: _heavy_ball(w, dw, v, lr, beta, sign=1.0)),
                    Mistake(WRONG_SIGN + " (the gradient was subtracted inside the velocity)", _momentum_velocity_minus),
                    Mistake("the velocity was stored in the other convention, v = beta * v - lr * dw; this course "
                            "and PyTorch keep v = beta * v + dw and step w - lr * v", _momentum_other_convention),
                    Mistake("the velocity was stored with the learning rate inside, v = beta * v + lr * dw; this "
                            "course and PyTorch keep v = beta * v + dw and step w - lr * v", _momentum_lr_inside),
                    Mistake("the velocity averaged the gradient with (1 - beta) * dw; momentum adds the whole "
                            "gradient: v = beta * v + dw", _momentum_dampened),
                    Mistake("the step used the old velocity: compute v_new = beta * v + dw first, then step "
                            "w - lr * v_new", _momentum_old_velocity))),
    check("test_nesterov_init", mistakes=(NOT_AN_ARRAY,)),
    check("test_nesterov", judge=_judge_step("v_new"), keeps_inputs=RULE_KEEPS,
          mistakes=(Mistake("Nesterov identical to momentum: the step must be lr * (dw + beta * v_new), "
                            "the look-ahead form, not lr * v_new", _heavy_ball),
                    Mistake(WRONG_SIGN, _nesterov_uphill))),
    check("test_adagrad_init", mistakes=(NOT_AN_ARRAY,)),
    check("test_adagrad", judge=_judge_step("G_new"), keeps_inputs=RULE_KEEPS,
          mistakes=(Mistake("Adagrad without accumulation: the state is the running SUM of squared gradients, "
                            "G + dw**2, not the last dw**2", _adagrad_not_accumulated),
                    Mistake("eps inside the square root: use sqrt(G) + eps, as PyTorch does", _adagrad_eps_inside),
                    Mistake("the step divided by the old sum: add dw**2 to G first, then divide by "
                            "sqrt(G_new) + eps", _adagrad_old_sum))),
    check("test_rmsprop_init", mistakes=(NOT_AN_ARRAY,)),
    check("test_rmsprop", judge=_judge_step("s_new"), keeps_inputs=RULE_KEEPS,
          mistakes=(Mistake("RMSProp decay applied to the wrong term: rho multiplies the old average, "
                            "s = rho * s + (1 - rho) * dw**2", _rmsprop_swapped),
                    Mistake("the new squared gradient was not weighted by (1 - rho): s = rho * s + (1 - rho) * dw**2",
                            _rmsprop_no_one_minus),
                    Mistake("eps inside the square root: use sqrt(s) + eps, as PyTorch does", _rmsprop_eps_inside),
                    Mistake("the step divided by the old average: update s first, then divide by "
                            "sqrt(s_new) + eps", _rmsprop_old_average))),
    check("test_adam_init", judge=_judge_state(("m", "v", "t")),
          mistakes=(Mistake("t off by one: the counter must start at 0 (no step taken yet) and is incremented "
                            "before the bias correction, so the first step uses t = 1",
                            lambda w: (np.zeros_like(w), np.zeros_like(w), 1)),
                    Mistake("m and v must be float64 arrays of w's shape, not scalars",
                            lambda w: (np.float64(0.0), np.float64(0.0), 0)))),
    check("test_adam_first_step", judge=_judge_step("the new state", ("m_new", "v_new", "t_new")),
          keeps_inputs=RULE_KEEPS, mistakes=ADAM_MISTAKES),
    check("test_adam_later_steps", judge=_judge_step("the new state", ("m_new", "v_new", "t_new")),
          keeps_inputs=RULE_KEEPS, mistakes=ADAM_MISTAKES),
    check("test_adamw", judge=_judge_step("the new state", ("m_new", "v_new", "t_new")),
          keeps_inputs=RULE_KEEPS, mistakes=ADAMW_MISTAKES),
    check("test_warmup_cosine", mistakes=WARMUP_MISTAKES),
    check("test_step_lr",
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_step, 1)), Mistake(EPOCH_EARLY, _off_by_one(_step, -1)),
                    Mistake("the rate decayed every epoch (epoch / step_size without the floor); StepLR keeps it "
                            "constant for step_size epochs: use epoch // step_size",
                            lambda e, lr0, s, gamma=0.1: lr0 * gamma ** (np.asarray(e) / s)))),
    check("test_exponential_lr",
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_exponential, 1)),
                    Mistake(EPOCH_EARLY, _off_by_one(_exponential, -1)))),
    check("test_cosine_annealing_lr",
          mistakes=(Mistake(EPOCH_LATE, _off_by_one(_cosine, 1)), Mistake(EPOCH_EARLY, _off_by_one(_cosine, -1)),
                    Mistake("eta_min was left out: the rate anneals from lr0 down to eta_min, "
                            "eta_min + (lr0 - eta_min) * (1 + cos(pi * epoch / T_max)) / 2",
                            lambda e, lr0, T, eta_min=0.0: _cosine(e, lr0, T)),
                    Mistake("eta_min was added on top of the cosine of lr0; the cosine spans lr0 - eta_min",
                            lambda e, lr0, T, eta_min=0.0: eta_min + _cosine(e, lr0, T)),
                    Mistake("the cosine period was off by one epoch: divide by T_max, not T_max - 1",
                            lambda e, lr0, T, eta_min=0.0: _cosine(e, lr0, T - 1, eta_min)))),
    check("test_optimize", keeps_inputs=True,
          mistakes=(Mistake("the trajectory must start with w0: num_steps + 1 rows", _loop_variant(keep_start=False)),
                    Mistake("the last point is missing: append w after every step, num_steps + 1 rows in all",
                            _loop_variant(keep_last=False)),
                    Mistake("the state was re-initialised at every step: call init once, before the loop",
                            _loop_variant(fresh_state=True)),
                    Mistake("the gradient was evaluated only at w0: call grad_fn at the current point every step",
                            _loop_variant(frozen_gradient=True)))),
)
