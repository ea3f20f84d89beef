"""Child processes that die with the process that started them.

When grading stops abruptly (the watcher killed, a machine's session
closed), the grading processes it started must not go on writing grades
that nobody records. Linux's parent-death signal kills each child when its
parent goes; the sandbox's bubblewrap does the same for the kernels
(``--die-with-parent``), so the whole tree ends.
"""
from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    """A ``preexec_fn``: SIGKILL this process when its parent exits."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
