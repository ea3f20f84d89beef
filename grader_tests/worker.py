"""One grading worker: several nbgrader commands in one process.

    python -m grader_tests.worker '[["autograde", ...], ["generate_feedback", ...]]'

Each command is what ``nbgrader`` would run with those arguments, one after
the other, as nbgrader's own test suite runs its apps (``reset`` between
them). grade_class starts one worker per share of the class instead of one
process per step: importing nbgrader, nbconvert and the grader costs about
3 s of CPU per process. A command that fails (nbgrader exits 1 when a
submission failed) does not stop the next; the worker exits with the worst
status.

Every log record is written as one line, its continuation lines (a
traceback, a message that quotes a student's file) indented: so a line
that starts in the first column is always nbgrader's own record, which
``grading_log`` relies on to find each failure's lines.
"""
from __future__ import annotations

import json
import logging
import sys

from jupyter_core.application import NoStart
from nbgrader.apps import NbGraderApp


class _IndentedContinuation(logging.Formatter):
    """The app's own format, with every line after a record's first indented."""

    def __init__(self, inner: logging.Formatter):
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record).replace("\r\n", "\n").replace("\r", "\n")
        return text.replace("\n", "\n    ")


def _one_line_records(app: NbGraderApp) -> None:
    for handler in app.log.handlers:
        if not isinstance(handler.formatter, _IndentedContinuation):
            handler.setFormatter(_IndentedContinuation(handler.formatter or logging.Formatter()))


def run(args: list[str]) -> int:
    app = NbGraderApp.instance()
    try:
        app.initialize(args)
        for each in (app, app.subapp):  # the subcommand's app logs on its own logger
            if each is not None:
                _one_line_records(each)
        _warnings_as_records()
        app.start()
        return 0
    except NoStart:  # how a Jupyter app says its subcommand has run
        return 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    finally:
        app.reset()


def _warnings_as_records() -> None:
    """Python's warnings (SQLAlchemy's, nbformat's) as records in the same
    form. Called after the app's initialize, whose logging set-up disables
    the loggers that exist before it."""
    logging.captureWarnings(True)
    logger = logging.getLogger("py.warnings")
    logger.disabled = False
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_IndentedContinuation(logging.Formatter("[warning] %(message)s")))
        logger.addHandler(handler)


def main() -> int:
    return max((run(args) for args in json.loads(sys.argv[1])), default=0)


if __name__ == "__main__":
    sys.exit(main())
