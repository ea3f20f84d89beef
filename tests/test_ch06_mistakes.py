"""Chapter 6 feedback that ``student_work/ch06_batchnorm.py`` cannot express:
the wording of the judge's messages, a submission whose checks fail in
different ways (one names a mistake, another only a changed argument), and
names kept only when the whole output behaves like the mistake. The
students' implementations themselves are in ``student_work``."""
from __future__ import annotations

from conftest import kernel_namespace
from grader_tests.judge import LIKELY

CHAPTER = "06_batchnorm"

# A right train/eval BatchNorm with placeholders for one student's changes.
BN = """
def batchnorm_forward(x, gamma, beta, state, mode):
    eps, momentum = state["eps"], state["momentum"]
    mu, var = x.mean(axis=0), x.var(axis=0)
    if mode == "eval":
        mu, var = state["running_mean"], state["running_var"]
    out = gamma * (x - mu) / np.sqrt(var + eps) + beta
    if {update_when}:
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * x.mean(axis=0)
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * x.var(axis=0, ddof=1)
    return {returned}
"""


def bn(update_when='mode == "train"', returned="out, (x, gamma, mu, var, eps)"):
    return kernel_namespace(CHAPTER, BN.format(update_when=update_when, returned=returned))


def test_the_template_is_right(verdict):
    for check_id in ("test_batchnorm_forward_train", "test_batchnorm_running_stats", "test_batchnorm_forward_eval"):
        assert verdict(CHAPTER, check_id, bn()) is None


def test_an_eval_that_updates_the_state_after_normalizing(verdict):
    """Its outputs are right, so the eval check can only report the changed
    state (no mistake behaves like that); the running statistics show the
    update, and that check names it."""
    namespace = bn(update_when="True")
    eval_message = verdict(CHAPTER, "test_batchnorm_forward_eval", namespace)
    assert "changed its argument `state` in place" in eval_message and LIKELY not in eval_message
    running = verdict(CHAPTER, "test_batchnorm_running_stats", namespace)
    assert 'Likely mistake: running statistics updated in "eval" mode' in running
    assert "left in state by your batchnorm_forward" in running
    assert verdict(CHAPTER, "test_batchnorm_forward_train", namespace) is None


def test_a_returned_list_and_a_wrong_cache_are_described_as_such(verdict):
    message = verdict(CHAPTER, "test_batchnorm_forward_train", bn(returned="[out, x, gamma]"))
    assert "it returned a list of 3 values, not (out, cache)" in message
    message = verdict(CHAPTER, "test_batchnorm_forward_train", bn(returned="out, (x, gamma, mu, var)"))
    assert "its cache is a tuple of 4 values, not (x, gamma, mu, var, eps)" in message
    message = verdict(CHAPTER, "test_batchnorm_forward_train", bn(returned="out, (x, gamma, mu, np.sqrt(var), eps)"))
    assert "var in the cache: wrong value" in message and LIKELY not in message


def test_one_item_like_a_mistake_is_not_enough_for_its_name(verdict):
    """dbeta is left per row, as in a known mistake, but dx is wrong in an
    unlisted way: the feedback describes dx and names nothing."""
    source = """
def batchnorm_backward(dout, cache):
    x, gamma, mu, var, eps = cache
    x_hat = (x - mu) / np.sqrt(var + eps)
    return 2.0 * dout * gamma, (dout * x_hat).sum(axis=0), dout
"""
    message = verdict(CHAPTER, "test_batchnorm_backward", kernel_namespace(CHAPTER, source))
    assert message.split("): ", 1)[1].startswith("dx: wrong value") and LIKELY not in message
