"""Kernel side of the trust boundary: all of the grader the student's kernel may import.

The hidden part of a graded test cell runs in the untrusted kernel. It needs
only the recorder (``record``) and the grader-chosen inputs (``inputs``).
Modules here import the standard library, numpy and each other, never the
grader side (``grader_tests.checks``, ``grader_tests.chapters``,
``grader_tests.judge``, the reference), and hold nothing that computes a
graded function: no reference, no known mistake, no helper a student could
wrap (``tests/test_trust_boundary.py``).
"""

# Where the recorder writes, relative to the kernel's folder; here, not in
# record.py, so that the sandbox's launcher can name it without numpy.
RECORD_DIR = ".grader_records"
