"""Grader side: writes the kernel's precomputed inputs.

A few inputs can only be computed with a graded function: the gradients
``find_wrong_gradient`` checks (a backward pass) and the log-probabilities
``nll_loss`` gets (log-softmax). The kernel must not hold those functions, so
it holds their values on its own draws, written to
``grader_tests/kernel/inputs/precomputed.py`` by

    python -m grader_tests.chapters.precompute

Run it after changing the draws they depend on; ``tests/test_trust_boundary.py``
fails while the file is stale.
"""
from __future__ import annotations

import pprint
from pathlib import Path

import numpy as np

from grader_tests.chapters.ch02_backprop import PLANTED_BUGS, planted_gradients
from grader_tests.chapters.ch03_losses import row_log_softmax
from grader_tests.kernel.inputs import seed
from grader_tests.kernel.inputs.ch02_backprop import planted_networks
from grader_tests.kernel.inputs.ch03_losses import label_calls

PATH = Path(__file__).resolve().parent.parent / "kernel" / "inputs" / "precomputed.py"

HEADER = '''"""Kernel side: input values the grader computed in advance.

Computing them needs a graded function (a backward pass, log-softmax), which
the kernel must not hold. Written by ``python -m grader_tests.chapters.precompute``;
do not edit. Floats are written exactly (repr round-trips).
"""
'''


def _rng(check_id: str) -> np.random.Generator:
    return np.random.default_rng(seed(check_id))


def text() -> str:
    networks = planted_networks(_rng("test_find_wrong_gradient"))
    gradients = tuple({name: value.tolist() for name, value in planted_gradients(X, y, params, bug).items()}
                      for (X, y, params), bug in zip(networks, PLANTED_BUGS, strict=True))
    log_probs = tuple(row_log_softmax(z).tolist() for z, _ in label_calls(_rng("test_nll_loss")))
    return (HEADER
            + "\n# find_wrong_gradient: the gradients of each planted network, one of them wrong (chapter 2).\n"
            + f"PLANTED_GRADIENTS = {pprint.pformat(gradients, width=110, sort_dicts=False)}\n"
            + "\n# nll_loss: log_softmax of the logits drawn for each call (chapter 3).\n"
            + f"NLL_LOG_PROBS = {pprint.pformat(log_probs, width=110)}\n")


if __name__ == "__main__":
    PATH.write_text(text())
