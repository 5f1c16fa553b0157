"""Question 4: each check on small right and wrong answers, the ban's watch and code reading.

Answers are graded in this process (tests/support.py), through the same probe and codec as in a
kernel. The example class (examples/class/q4-*) is graded by tests/test_example_class.py.
"""

import sys
import textwrap

import pytest
import torch
from torch.overrides import _get_current_function_mode_stack
from torch.utils._python_dispatch import _get_current_dispatch_mode_stack

from coursepack import example_class
from graders.midterm import q4_log_softmax as q4
from graders.core.checks import run_check
from graders.core.submission import StudentCodeError
from tests.support import autograded_cells, submission_for

CELL = "q4_log_softmax_tests"

REFERENCE = """
def log_softmax(z, dim=-1):
    shifted = z - z.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
"""


def submit(code: str):
    answers = example_class.Answers(
        "unit", "q4_log_softmax", {"q4_log_softmax": textwrap.dedent(code)}
    )
    return submission_for(answers)[1]


def outcome(check_name: str, code: str):
    (check,) = [c for c in q4.QUESTION.cells[CELL] if c.name == check_name]
    return run_check(check, submit(code))


def watched(code: str, z=None, **kwargs):
    """The watch's report for one call of the answer in ``code``."""
    z = torch.randn(3, 4, dtype=torch.float64) if z is None else z
    return submit(code).probe("watched_log_softmax", z, **kwargs)


def test_points_match_the_notebook():
    assert autograded_cells("q4_log_softmax") == {CELL: 5, "q4_steps_tests": 3}
    assert {cell: q4.QUESTION.points(cell) for cell in q4.QUESTION.cells} == {
        CELL: 5,
        "q4_steps_tests": 3,
    }


@pytest.mark.parametrize("check", [c.name for c in q4.QUESTION.cells[CELL]])
def test_reference_passes_every_check(check):
    result = outcome(check, REFERENCE)
    assert result.passed, result.message


# ------------------------------------------------------------------ what each check catches

NO_SHIFT = "def log_softmax(z, dim=-1):\n    return z - z.exp().sum(dim=dim, keepdim=True).log()\n"
LOG_OF_PROBABILITIES = """
def log_softmax(z, dim=-1):
    e = (z - z.amax(dim=dim, keepdim=True)).exp()
    return (e / e.sum(dim=dim, keepdim=True)).log()
"""
# Without keepdim, a (4, 4) tensor still broadcasts: silently wrong, no error to notice.
NO_KEEPDIM_SQUARE_ONLY = """
def log_softmax(z, dim=-1):
    if z.dim() == 2 and z.shape[0] == z.shape[1]:
        m = z.amax(dim=dim)
        return z - m - (z - m).exp().sum(dim=dim).log()
    shifted = z - z.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
"""


def test_moderate_entries_pass_the_naive_formula_but_1e4_does_not():
    assert outcome("matches_torch_along_the_last_dim", NO_SHIFT).passed
    assert outcome("respects_every_dim", NO_SHIFT).passed
    failed = outcome("accurate_for_entries_near_1e4", NO_SHIFT)
    assert (
        not failed.passed
        and "expected a finite value" in failed.message
        and "near +1e4" in failed.message
    )


def test_entries_differing_by_1e4_catch_the_log_of_probabilities():
    assert outcome("accurate_for_entries_near_1e4", LOG_OF_PROBABILITIES).passed
    failed = outcome("accurate_when_entries_differ_by_1e4", LOG_OF_PROBABILITIES)
    assert (
        not failed.passed and "-inf" in failed.message and "differ by up to 1e4" in failed.message
    )


def test_a_square_shape_catches_silent_broadcasting():
    failed = outcome("respects_every_dim", NO_KEEPDIM_SQUARE_ONLY)
    assert not failed.passed and "(4, 4)" in failed.message


def test_the_default_dim_is_the_last():
    failed = outcome("matches_torch_along_the_last_dim", REFERENCE.replace("dim=-1", "dim=0"))
    assert not failed.passed and "log_softmax(z) with z of shape (3, 7)" in failed.message


def test_dtype_is_kept_in_both_directions():
    to64 = REFERENCE.replace("shifted = z -", "z = z.double()\n    shifted = z -")
    assert (
        "expected dtype torch.float32, got torch.float64"
        in outcome("keeps_the_dtype", to64).message
    )
    to32 = REFERENCE.replace("shifted = z -", "z = z.float()\n    shifted = z -")
    assert (
        "expected dtype torch.float64, got torch.float32"
        in outcome("matches_torch_along_the_last_dim", to32).message
    )


def test_idempotence_is_checked_on_the_students_own_function():
    # The max not added back: f(z) = z - c(z) with c(z) = log sum exp(z - max z), and
    # c(f(z)) = c(z), so f(f(z)) = z - 2 c(z).
    max_not_added_back = """
    def log_softmax(z, dim=-1):
        return z - (z - z.amax(dim=dim, keepdim=True)).exp().sum(dim=dim, keepdim=True).log()
    """
    failed = outcome("is_idempotent", max_not_added_back)
    assert not failed.passed and "compared with log_softmax applied once" in failed.message
    # Wrong but idempotent (only the max removed): the theorem's check alone cannot tell.
    assert outcome(
        "is_idempotent",
        "def log_softmax(z, dim=-1):\n    return z - z.amax(dim=dim, keepdim=True)\n",
    ).passed


def test_an_in_place_answer_cannot_make_its_two_outputs_one_tensor():
    in_place = """
    def log_softmax(z, dim=-1):
        z -= 1.0  # wrong, and in place: without a copy, both outputs would be z - 2
        return z
    """
    reply = watched(in_place, repeat=2)
    once, twice = reply["outputs"]
    assert torch.allclose(once - twice, torch.ones_like(once))
    assert not outcome("is_idempotent", in_place).passed


def test_non_finite_first_application_is_reported_as_such():
    failed = outcome("is_idempotent", LOG_OF_PROBABILITIES)
    assert "the first application" in failed.message and "expected a finite value" in failed.message


def test_a_numpy_result_is_not_a_tensor():
    failed = outcome(
        "matches_torch_along_the_last_dim",
        "def log_softmax(z, dim=-1):\n    return (z - z).numpy()\n",
    )
    assert "should return a torch.Tensor, but returned a numpy.ndarray" in failed.message


# ----------------------------------------------------------------- the ban, while the function runs

BANNED_CALLS = {
    "torch.log_softmax(z, dim)": "torch.log_softmax",
    "torch.softmax(z, dim).log()": "torch.softmax",
    "z - torch.logsumexp(z, dim, keepdim=True)": "torch.logsumexp",
    "z - z.logsumexp(dim, keepdim=True)": "Tensor.logsumexp",
    "z.softmax(dim).log()": "Tensor.softmax",
    "torch.Tensor.log_softmax(z, dim)": "Tensor.log_softmax",
    "torch.special.log_softmax(z, dim)": "torch.special.log_softmax",
    "torch.special.softmax(z, dim).log()": "torch.special.softmax",
    "z - torch.special.logsumexp(z, dim, keepdim=True)": "torch.special.logsumexp",
    "torch.nn.functional.log_softmax(z, dim=dim)": "torch.nn.functional.log_softmax",
    "torch.nn.functional.softmax(z, dim=dim).log()": "torch.nn.functional.softmax",
    "torch.nn.LogSoftmax(dim=dim)(z)": "torch.nn.functional.log_softmax",
    "torch.ops.aten._log_softmax(z, dim, False)": "torch.ops.aten._log_softmax",
    (
        "torch.distributions.Categorical(logits=z.movedim(dim, -1)).logits.movedim(-1, dim)"
    ): "Tensor.logsumexp",
}


@pytest.mark.parametrize("expression", BANNED_CALLS)
def test_the_watch_names_each_banned_call(expression):
    reply = watched(f"def log_softmax(z, dim=-1):\n    return {expression}\n", dim=-1)
    assert reply["banned"] and reply["banned"][0] == BANNED_CALLS[expression], reply["banned"]


def test_aliases_are_caught_under_their_own_names():
    reply = watched(
        "from torch.nn.functional import log_softmax as f\n\ndef log_softmax(z, dim=-1):\n    "
        "return f(z, dim)\n"
    )
    assert reply["banned"][0] == "torch.nn.functional.log_softmax"


def test_scipy_is_caught():
    code = (
        "import scipy.special\n\ndef log_softmax(z, dim=-1):\n    return "
        "torch.from_numpy(scipy.special.logsumexp(z.numpy(), axis=dim, keepdims=True)) * 0 + "
        "z\n"
    )
    assert watched(code)["banned"][0].startswith("scipy.special")


def test_switching_off_torch_function_modes_does_not_hide_the_call():
    code = """
    def log_softmax(z, dim=-1):
        with torch._C.DisableTorchFunction():
            return torch.log_softmax(z, dim)
    """
    assert "torch.log_softmax" in watched(code)["banned"]


def test_the_kernel_level_watch_sees_what_the_others_miss():
    code = """
    import sys

    def log_softmax(z, dim=-1):
        sys.setprofile(None)
        with torch._C.DisableTorchFunction():
            return torch.log_softmax(z, dim)
    """
    assert any(name.startswith("aten::_log_softmax") for name in watched(code)["banned"])


def test_removing_the_profile_hook_is_noticed():
    code = """
    import sys

    def log_softmax(z, dim=-1):
        sys.setprofile(None)
        shifted = z - z.amax(dim=dim, keepdim=True)
        return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    """
    assert any("switched off the grader's watch" in name for name in watched(code)["banned"])


def test_removing_every_hook_is_noticed_and_leaves_the_stacks_clean():
    code = """
    import sys
    from torch.utils._python_dispatch import _pop_mode

    def log_softmax(z, dim=-1):
        sys.setprofile(None)
        torch._C._pop_torch_function_stack()
        _pop_mode()
        return torch.log_softmax(z, dim)
    """
    banned = watched(code)["banned"]
    assert sum("switched off the grader's watch" in name for name in banned) == 3, banned
    assert _get_current_function_mode_stack() == [] and _get_current_dispatch_mode_stack() == []


def test_a_numpy_result_does_not_fail_the_ban():
    assert outcome(
        "uses_only_elementary_operations",
        "def log_softmax(z, dim=-1):\n    return (z - z).numpy()\n",
    ).passed


def test_elementary_code_and_own_helpers_named_softmax_are_not_flagged():
    code = """
    def softmax(z, dim):
        e = (z - z.amax(dim=dim, keepdim=True)).exp()
        return e / e.sum(dim=dim, keepdim=True)

    def logsumexp(z, dim):
        m = z.amax(dim=dim, keepdim=True)
        return m + (z - m).exp().sum(dim=dim, keepdim=True).log()

    def log_softmax(z, dim=-1):
        assert softmax(z, dim).sum() > 0
        return z - logsumexp(z, dim)
    """
    assert watched(code)["banned"] == []
    assert submit(code).probe("banned_references") == []
    assert outcome("uses_only_elementary_operations", code).passed


def test_the_watch_leaves_no_hook_behind():
    before = sys.getprofile()
    with pytest.raises(StudentCodeError, match="raised ValueError"):
        watched("def log_softmax(z, dim=-1):\n    raise ValueError('no')\n")
    watched(REFERENCE)
    assert sys.getprofile() is before
    assert _get_current_function_mode_stack() == [] and _get_current_dispatch_mode_stack() == []


# ------------------------------------------------------------------ the ban, in the code

# Each banned use sits on a path no grader input reaches (a literal `if False:` would not do:
# Python drops that code when compiling).
STATIC_CASES = {
    "branch never taken": (
        "def log_softmax(z, dim=-1):\n    if z.numel() > 10**9:\n        return "
        "torch.log_softmax(z, dim)\n    return z\n",
        "`.log_softmax` (in `log_softmax`, line 3 of its cell)",
    ),
    "alias imported in the cell": (
        "import torch.nn.functional as F\n\ndef log_softmax(z, dim=-1):\n    if z.numel() > "
        "10**9:\n        return F.relu(z)\n    return z\n",
        "`F`, which is torch.nn.functional",
    ),
    "import inside the function": (
        "def log_softmax(z, dim=-1):\n    if z.numel() > 10**9:\n        import scipy.special\n  "
        "  return z\n",
        "`import scipy.special`",
    ),
    "a helper of the student's": (
        "def _normaliser(z, dim):\n    return torch.logsumexp(z, dim, keepdim=True)\n\ndef "
        "log_softmax(z, dim=-1):\n    if z.numel() > 10**9:\n        return z - _normaliser(z, "
        "dim)\n    return z\n",
        "`.logsumexp` (in `_normaliser`, line 2 of its cell)",
    ),
    "a closure": (
        "def _make(f):\n    def log_softmax(z, dim=-1):\n        if z.numel() > 10**9:\n         "
        "   return f(z, dim)\n        return z\n    return log_softmax\n\nlog_softmax = "
        "_make(torch.softmax)\n",
        "`f`, which is torch.softmax",
    ),
    "the built-in itself": (
        "log_softmax = torch.log_softmax\n",
        "`log_softmax` is torch.log_softmax itself",
    ),
}


@pytest.mark.parametrize("case", STATIC_CASES)
def test_reading_the_code_finds_banned_names(case):
    code, expected = STATIC_CASES[case]
    found = submit(code).probe("banned_references")
    assert any(expected in item for item in found), found


def test_the_ban_check_reports_code_it_did_not_see_run():
    code = """
    def log_softmax(z, dim=-1):
        if z.numel() > 10**9:
            return torch.log_softmax(z, dim)
        shifted = z - z.amax(dim=dim, keepdim=True)
        return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    """
    failed = outcome("uses_only_elementary_operations", code)
    assert not failed.passed and "even on a path these inputs do not reach" in failed.message
    assert outcome("matches_torch_along_the_last_dim", code).passed


def test_the_ban_check_is_judged_on_the_calls_that_return():
    # 1-D inputs work, others raise: the calls that returned used nothing banned.
    partial = """
    def log_softmax(z, dim=-1):
        assert z.dim() == 1
        shifted = z - z.amax(dim=dim, keepdim=True)
        return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    """
    assert outcome("uses_only_elementary_operations", partial).passed
    failed = outcome(
        "uses_only_elementary_operations",
        "def log_softmax(z, dim=-1):\n    raise ValueError('todo')\n",
    )
    assert not failed.passed and "could not be checked" in failed.message


# ------------------------------------------------------------------ inputs


def test_rows_spanning_stays_in_range_with_the_exact_spread():
    rng = torch.Generator().manual_seed(0)
    z = q4.rows_spanning(50, 6, 1e4, rng)
    assert z.abs().max() <= 1e4
    assert torch.allclose(
        z.amax(dim=1) - z.amin(dim=1),
        torch.full((50,), 1e4, dtype=torch.float64),
        rtol=0,
        atol=1e-9,
    )


# ------------------------------------------------------------ the lemmas on the student's function

ONLY_MAX_SHIFT = "def log_softmax(z, dim=-1):\n    return z - z.amax(dim=dim, keepdim=True)\n"


def test_only_the_max_shift_fails_the_normaliser_but_not_the_other_lemmas():
    """z - max z is finite, shift invariant and idempotent: only the normaliser lemma tells it
    apart."""
    failed = outcome("normaliser_is_one", ONLY_MAX_SHIFT)
    assert not failed.passed and "log sum_j exp of log_softmax" in failed.message
    assert outcome("shift_invariant", ONLY_MAX_SHIFT).passed
    assert outcome("is_idempotent", ONLY_MAX_SHIFT).passed


def test_shift_invariance_catches_the_formula_without_the_max_shift():
    failed = outcome("shift_invariant", NO_SHIFT)
    assert not failed.passed and "shifted by c" in failed.message


def test_code_the_grader_cannot_follow_costs_every_check():
    code = REFERENCE + "\n\ndef _unused():\n    return getattr(torch, 'log_' + 'softmax')\n"
    for check in q4.QUESTION.cells[CELL]:
        result = run_check(check, submit(code))
        assert not result.passed and "`getattr` with a name built at run time" in result.message, (
            check.name
        )


# ------------------------------------------------------------------ q4_steps_tests


def step_outcomes(twin: str, twice: str = "0") -> dict:
    cells = {
        "q4_log_softmax": textwrap.dedent(REFERENCE),
        "q4_steps": f"{twin}\ntwice_minus_once = {twice}\n",
    }
    answer = submission_for(example_class.Answers("unit", "q4_log_softmax", cells))[1]
    return {c.name: run_check(c, answer) for c in q4.QUESTION.cells["q4_steps_tests"]}


# Which steps check each twin fails is the `# fails:` lines of examples/class/q4-*steps*
# (tests/test_example_class.py); here, the wording that tells a student why a lemma their map
# satisfies earns nothing.


def test_lemmas_of_an_unnormalised_map_say_why_they_do_not_count():
    results = step_outcomes("def log_softmax_sym(zs):\n    return [z - sp.Max(*zs) for z in zs]\n")
    for name in ("shift_invariance_lemma", "idempotence"):
        assert not results[name].passed
        assert "counts only for a map whose exponentials sum to 1" in results[name].message
    assert "sum_j exp(entry_j)" in results["normaliser_lemma"].message


def test_a_twin_of_the_wrong_length_is_refused_with_a_message():
    results = step_outcomes("def log_softmax_sym(zs):\n    return [sp.Integer(0)]\n")
    assert all(not r.passed for n, r in results.items() if n != "twice_minus_once_is_zero")
    assert "should return a list of 2 SymPy expressions" in results["normaliser_lemma"].message
