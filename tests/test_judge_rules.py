"""The judge's general rules, on a toy check: arguments changed in place,
the global random state, lists named as lists, a mistake named only when it
is true on every call, which failed function to fix first, and no machine
path in what the student reads."""
from __future__ import annotations

import random
import sys
import types

import numpy as np
import pytest

from grader_tests.checks import Check, Mistake
from grader_tests.judge import GLOBAL_RANDOM, LIKELY, judge, likely
from grader_tests.kernel.record import _run_one, references, uses
from grader_tests.machine_paths import COURSE_ROOT, scrub


def _calls(rng):
    return [(np.array([1.0, -2.0, 3.0]),), (np.array([0.0, 5.0]),)]


REFERENCE = types.ModuleType("reference")
REFERENCE.double = lambda x: 2.0 * x
REFERENCE.halves = lambda x: (x / 2, x / 2)


def recorded(check, function, uses_=()):
    return {"check_id": check.check_id, "uses": list(uses_),
            "calls": [_run_one(function, args) for args in check.make_calls()]}


def toy(**grading) -> Check:
    return Check(f"toy_{len(grading)}_{sorted(grading)}", grading.pop("function", "double"), _calls, **grading)


def in_place(x):
    x *= 2
    return x


def test_changing_an_argument_in_place_fails_only_where_the_docstring_forbids_it():
    message = judge(toy(keeps_inputs=True), recorded(toy(keeps_inputs=True), in_place), REFERENCE)
    assert message and "changed its argument `x` in place" in message
    assert judge(toy(), recorded(toy(), in_place), REFERENCE) is None
    copied = lambda x: 2.0 * x.copy()  # noqa: E731
    assert judge(toy(keeps_inputs=True), recorded(toy(keeps_inputs=True), copied), REFERENCE) is None


@pytest.mark.parametrize("draw", [lambda: np.random.rand(), lambda: np.random.seed(0), lambda: random.random()])
def test_the_global_random_state_is_never_a_source(draw):
    def double(x):
        draw()
        return 2.0 * x

    assert GLOBAL_RANDOM in judge(toy(), recorded(toy(), double), REFERENCE)
    own_rng = lambda x: 2.0 * x + 0 * np.random.default_rng(1).random()  # noqa: E731
    assert judge(toy(), recorded(toy(), own_rng), REFERENCE) is None


def test_a_returned_list_is_called_a_list():
    check = toy(function="halves")
    assert judge(check, recorded(check, lambda x: [x / 2, x / 2]), REFERENCE) is None
    message = judge(check, recorded(check, lambda x: [x / 2]), REFERENCE)
    assert "returned a list of 1 values" in message and "tuple of 1" not in message
    message = judge(check, recorded(check, lambda x: [x / 2, x]), REFERENCE)
    assert "item 1 of the returned list" in message


TRIPLES = Mistake("tripled instead of doubled", lambda x: 3.0 * x, "Multiply by two.")


def _always_names_triples(got, expected, args):
    """A catch-all that names a mistake whatever the output."""
    if np.allclose(got, expected):
        return None
    return f"wrong values. {likely(TRIPLES)}"


def test_a_custom_judge_keeps_a_name_only_when_every_call_behaves_like_it():
    check = toy(judge=_always_names_triples, mistakes=(TRIPLES,))
    assert "tripled instead of doubled" in judge(check, recorded(check, lambda x: 3.0 * x), REFERENCE)
    # Wrong like the mistake on the first call only: no name.
    only_first = lambda x: 3.0 * x if len(x) == 3 else x  # noqa: E731
    message = judge(check, recorded(check, only_first), REFERENCE)
    assert message.endswith("wrong values.") and LIKELY not in message
    # A name the check does not register is never given.
    unregistered = toy(judge=_always_names_triples)
    assert LIKELY not in judge(unregistered, recorded(unregistered, lambda x: 3.0 * x), REFERENCE)


def test_the_plain_comparison_names_a_mistake_only_when_true_on_every_call():
    check = toy(mistakes=(TRIPLES,))
    assert "tripled" in judge(check, recorded(check, lambda x: 3.0 * x), REFERENCE)
    assert LIKELY not in judge(check, recorded(check, lambda x: 3.0 * x if len(x) == 3 else x), REFERENCE)
    # A dtype slip is reported as that, not as the mistake it otherwise matches.
    message = judge(check, recorded(check, lambda x: (3.0 * x).astype(np.float32)), REFERENCE)
    assert "dtype float32" in message and LIKELY not in message


def test_a_failure_says_which_called_function_to_fix_first():
    namespace = {"__name__": "__main__"}  # as in a kernel: cells define functions of __main__
    exec("def helper(x):\n    return x\n\ndef double(x):\n    return helper(x) + x\n", namespace)
    assert uses(namespace["double"], namespace) == ["helper"]
    entry = recorded(toy(), lambda x: 3.0 * x, uses(namespace["double"], namespace))
    assert "fix that first" in judge(toy(), entry, REFERENCE, frozenset({"helper"}))
    assert "fix" not in judge(toy(), entry, REFERENCE, frozenset({"other"}))


def test_an_error_says_where_in_the_students_code_without_a_path():
    namespace = {"np": np}
    exec(compile("def double(x):\n    y = 2 * x\n    return y @ np.ones((7, 7))\n",
                 "/tmp/ipykernel_12/3456.py", "exec"), namespace)
    message = judge(toy(), recorded(toy(), namespace["double"]), REFERENCE)
    assert "raised ValueError" in message and "line 3 of its cell, in double()" in message
    assert "/tmp" not in message and "ipykernel" not in message


def test_machine_paths_are_scrubbed():
    library = f"{sys.prefix}/lib/python3.11/site-packages/numpy/core/fromnumeric.py"
    text = (f'File {library}:59, in _wrapfunc\nFile /tmp/ipykernel_7/2631.py:4\n'
            f'{COURSE_ROOT}/grader_tests/kernel/record.py\n/home/student/work/data.npy')
    scrubbed = scrub(text)
    for machine in (sys.prefix, "/tmp/ipykernel", str(COURSE_ROOT), "/home/student"):
        assert machine not in scrubbed
    assert "<python>/numpy/core/fromnumeric.py" in scrubbed and "<your notebook>:4" in scrubbed


def test_the_advice_on_random_state_follows_the_signature():
    def double(x):
        return 2.0 * x + 0.0 * np.random.rand()

    assert "this function needs no random numbers" in judge(toy(), recorded(toy(), double), REFERENCE)


def test_silencing_numpy_warnings_fails_where_warnings_are_forbidden():
    namespace = {"np": np, "__name__": "__main__"}
    exec("from numpy import errstate as quiet\n"
         "def direct(x):\n    with np.errstate(over='ignore'):\n        return 2.0 * x\n"
         "def aliased(x):\n    with quiet(all='ignore'):\n        return 2.0 * x\n"
         "def helper(x):\n    np.seterr(all='ignore')\n    return x\n"
         "def through_a_helper(x):\n    return 2.0 * helper(x)\n", namespace)
    for name in ("direct", "aliased", "through_a_helper"):
        for check in (toy(forbid_warnings=True), toy()):
            entry = dict(recorded(check, namespace[name]), silences_warnings=references(namespace[name], namespace)[1])
            message = judge(check, entry, REFERENCE)
            assert bool(message and "silence numpy's warnings" in message) == check.forbid_warnings, name
    assert not references(lambda x: 2.0 * x, namespace)[1]


def test_keeps_inputs_can_name_the_arguments_that_must_not_change():
    def accumulate(x, state):
        state += x  # a state the docstring lets it update in place
        return 2.0 * x

    def calls(rng):
        return [(np.array([1.0, 2.0]), np.zeros(2))]

    reference = types.ModuleType("reference")
    reference.step = lambda x, state: 2.0 * x
    named = Check("toy_keeps_x", "step", calls, keeps_inputs=("x",))
    everything = Check("toy_keeps_all", "step", calls, keeps_inputs=True)
    for check, passes in ((named, True), (everything, False)):
        entry = {"check_id": check.check_id, "calls": [_run_one(accumulate, args) for args in check.make_calls()]}
        message = judge(check, entry, reference)
        assert (message is None) == passes and (passes or "`state`" in message)

    def in_place_x(x, state):
        x *= 2.0
        return x

    entry = {"check_id": named.check_id, "calls": [_run_one(in_place_x, args) for args in named.make_calls()]}
    assert "changed its argument `x` in place" in judge(named, entry, reference)


def test_a_function_must_draw_from_the_rng_it_is_given_where_the_docstring_says_so():
    def calls(rng):
        return [(3, np.random.default_rng(5))]

    reference = types.ModuleType("reference")
    reference.order = lambda n, rng: np.sort(rng.permutation(n))
    check = Check("toy_rng", "order", calls, draws_from_rng=True)
    own_generator = lambda n, rng: np.sort(np.random.default_rng(0).permutation(n))  # noqa: E731
    uses_rng = lambda n, rng: np.sort(rng.permutation(n))  # noqa: E731
    for function, passes in ((uses_rng, True), (own_generator, False)):
        entry = {"check_id": check.check_id, "calls": [_run_one(function, args) for args in check.make_calls()]}
        message = judge(check, entry, reference)
        assert (message is None) == passes and (passes or "never drew from its argument `rng`" in message)


def test_a_graded_cells_outputs_show_no_machine_path():
    from nbformat.v4 import new_code_cell, new_output

    from grader_tests.preprocessors import scrub_outputs

    library = f"{sys.prefix}/lib/python3.11/site-packages/numpy/_core/fromnumeric.py"
    cell = new_code_cell("relu(x)", outputs=[
        new_output("stream", name="stderr", text=f"{library}:57: RuntimeWarning: overflow\n"),
        new_output("error", ename="ValueError", evalue=f"bad shape in {library}",
                   traceback=["Cell In[4], line 2", f"File {library}:59, in _wrapfunc"])])
    scrub_outputs(cell)
    shown = str(cell.outputs)
    assert sys.prefix not in shown and shown.count("<python>/numpy/_core/fromnumeric.py") == 3


def test_a_mistake_that_passes_the_check_itself_is_never_named():
    def within_ten_percent(got, expected, args):
        return None if np.allclose(got, expected, rtol=0.1, atol=0) else "more than 10% off"

    harmless = Mistake("a 5% slip the check forgives", lambda x: 2.1 * x)
    real = Mistake("a 20% slip", lambda x: 2.4 * x)
    check = toy(judge=within_ten_percent, mistakes=(harmless, real))
    # 12.5% off the reference, within 10% of both mistakes: only the one that fails the check is named.
    message = judge(check, recorded(check, lambda x: 2.25 * x), REFERENCE)
    assert "a 20% slip" in message and "5% slip" not in message


def test_an_argument_that_is_a_plain_object_counts_as_changed_only_when_its_attributes_change():
    class Loss:
        def __init__(self):
            self.calls = 0

    def calls(rng):
        return [(Loss(), np.array([1.0]))]

    reference = types.ModuleType("reference")
    reference.f = lambda loss, x: 2.0 * x
    check = Check("toy_object", "f", calls, keeps_inputs=True)

    def counts(loss, x):
        loss.calls += 1
        return 2.0 * x

    for function, passes in ((lambda loss, x: 2.0 * x, True), (counts, False)):
        entry = {"check_id": check.check_id, "calls": [_run_one(function, args) for args in check.make_calls()]}
        assert (judge(check, entry, reference) is None) == passes
