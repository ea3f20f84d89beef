"""EarlyStopping as students write it, wrong and right, judged by the two
early-stopping checks.

The graded functions' students' implementations are in
``student_work/ch05_regularization.py``; EarlyStopping is a class, which the
setup cell's replays (early_stopping_epochs, early_stopping_restored) use, so
its versions are judged here: each source redefines the class in a namespace
built from the solution's cells, as in the student's kernel."""
from __future__ import annotations

import pytest

from conftest import kernel_namespace
from grader_tests.judge import LIKELY

CHAPTER = "05_regularization"

EARLY_STOPPING = """
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.wait = float("inf"), -1, 0
        self.previous = float("inf")
    def step(self, epoch, val_loss, weights):
        if {improved}:
            self.best_loss, self.best_epoch{reset} = val_loss, epoch{zero}
            self.best_weights = {stored}
        else:
            self.wait += 1
        self.previous = val_loss
        return self.wait {stop} self.patience
    def restore(self, weights):
{restore}
"""
COPY_BACK = "        for w, b in zip(weights, self.best_weights):\n            w[...] = b"


def early_stopping(improved="val_loss < self.best_loss - self.min_delta", stored="[w.copy() for w in weights]",
                   stop=">=", restore=COPY_BACK, reset=True):
    return EARLY_STOPPING.format(improved=improved, stored=stored, stop=stop, restore=restore,
                                 reset=", self.wait" if reset else "", zero=", 0" if reset else "")


# (check, source, phrase of the mistake the feedback must name, or None: no name)
WRONG = [
    ("test_early_stopping", early_stopping(stop=">"), "patience off by one"),
    ("test_early_stopping", early_stopping(improved="val_loss < self.best_loss"), "min_delta was ignored"),
    ("test_early_stopping", early_stopping(improved="val_loss < self.best_loss + self.min_delta"),
     "min_delta was applied the wrong way"),
    ("test_early_stopping", early_stopping(improved="val_loss < self.previous - self.min_delta"),
     "compared with the previous epoch"),
    ("test_early_stopping", early_stopping(improved="val_loss <= self.best_loss - self.min_delta"),
     "strictly lower"),
    ("test_early_stopping", early_stopping(improved="self.best_loss - val_loss >= self.min_delta"),
     "strictly lower"),
    ("test_early_stopping", early_stopping(reset=False), "not reset to 0"),
    ("test_early_stopping", early_stopping(stop=">", improved="val_loss < self.best_loss"), None),
    ("test_early_stopping_restore", early_stopping(stored="weights"), "last weights were restored"),
    ("test_early_stopping_restore", early_stopping(stored="list(weights)"), "last weights were restored"),
    ("test_early_stopping_restore", early_stopping(restore="        weights = self.best_weights"),
     "last weights were restored"),
]
CORRECT = [
    early_stopping(improved="self.best_loss - val_loss > self.min_delta"),
    early_stopping(stored="[np.array(w) for w in weights]"),
    early_stopping(stored="copy.deepcopy(weights)",
                   restore="        for w, b in zip(weights, self.best_weights):\n            np.copyto(w, b)"),
]


def judged(verdict, check_id, source) -> str | None:
    namespace = kernel_namespace(CHAPTER)
    exec("import copy\n" + source, namespace)
    return verdict(CHAPTER, check_id, namespace)


@pytest.mark.parametrize("check_id, source, phrase", WRONG)
def test_wrong_early_stopping_fails_and_is_named_truthfully(verdict, check_id, source, phrase):
    message = judged(verdict, check_id, source)
    assert message is not None
    if phrase is None:
        assert LIKELY not in message, message
    else:
        assert LIKELY in message and phrase in message.split(LIKELY, 1)[1], message


@pytest.mark.parametrize("source", CORRECT)
@pytest.mark.parametrize("check_id", ["test_early_stopping", "test_early_stopping_restore"])
def test_correct_early_stopping_passes(verdict, check_id, source):
    assert judged(verdict, check_id, source) is None
