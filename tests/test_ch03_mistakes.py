"""Every mistake the chapter 3 grader can name is met by at least one
student's implementation written independently of the grader's own code
(``student_work.ch03_losses``, graded through the real recorder and judge in
``test_student_work``), so each name is known to fit how students write it.
Every mistake of the chapter's issue appears there: log(0), overflow, sum
instead of mean, gradient not divided by N, one-hot vs index confusion, MAE's
gradient at 0 or its sign, MSE's factor 2 and ½."""
from __future__ import annotations

from grader_tests.checks import find
from grader_tests.kernel.inputs.ch03_losses import INPUTS
from student_work import ch03_losses


def test_every_named_mistake_is_met_by_a_students_implementation():
    named = [(case.function, case.mistake) for case in ch03_losses.WRONG if case.mistake]
    unmet = sorted({f"{check.function}: {mistake.name}" for check in map(find, INPUTS) for mistake in check.mistakes
                    if not any(function == check.function and phrase in mistake.name for function, phrase in named)})
    assert not unmet, "\n".join(unmet)
