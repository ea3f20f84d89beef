"""Grader side: each chapter's checks (tolerances, known mistakes, judges).

Only the grader's process imports these modules; they are built on the
kernel side's inputs (``grader_tests.kernel.inputs``) and may import
anything, the kernel side included.
"""
