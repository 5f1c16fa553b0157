"""Question 1's checks one by one: each passes the reference and fails the mistake it is for."""

import pytest
import torch

from coursepack.example_class import Answers, read_answers, reference_answers
from graders.midterm import q1_ema
from graders.core.checks import run_check
from tests.support import ROOT, submission_for

REFERENCE = reference_answers(ROOT, "q1_ema")


def with_cells(**cells) -> Answers:
    return Answers("test", "q1_ema", {**REFERENCE.cells, **{k: v + "\n" for k, v in cells.items()}})


def outcome(check, answers, salt=0):
    _, submission = submission_for(answers)
    return run_check(check, submission, salt)


RIGHT_EMA = REFERENCE.cells["q1_ema"]
FORMULAS = REFERENCE.cells["q1_formulas"]


@pytest.mark.parametrize(
    "check, ema_source, message",
    [
        (
            q1_ema.ema_follows_the_recurrence,
            RIGHT_EMA.replace("beta * m[step] + (1 - beta)", "beta * m[step] + beta"),
            "first mismatch",
        ),
        (
            q1_ema.ema_handles_batch_dimensions,
            "def ema(g, beta):\n    return torch.tensor([0.0] + [0.0] * g.shape[0], dtype=g.dtype)",
            "expected shape",
        ),
        (
            q1_ema.ema_of_no_steps_is_zero,
            "def ema(g, beta):\n    return g.clone() if g.shape[0] == 0 else None",
            "expected shape",
        ),
        (
            q1_ema.ema_keeps_the_dtype,
            RIGHT_EMA.replace("dtype=g.dtype", "dtype=torch.float64"),
            "expected dtype torch.float32",
        ),
        (
            q1_ema.ema_is_adams_first_moment,
            RIGHT_EMA.replace("m[step + 1] =", "m[step + 1] = 1e-9 +"),
            "Adam's exp_avg",
        ),
    ],
)
def test_each_ema_check_catches_its_mistake(check, ema_source, message):
    assert outcome(check, REFERENCE).passed
    failed = outcome(check, with_cells(q1_ema=ema_source))
    assert not failed.passed and message in failed.message, failed.message


@pytest.mark.parametrize(
    "check, name, wrong",
    [
        (q1_ema.mean_is_debiased_by_one_minus_beta_to_the_k, "mean_mk", "(1 - beta**(k - 1)) * mu"),
        (q1_ema.variance_formula, "var_mk", "sigma**2 * (1 - beta) * (1 - beta**(2 * k))"),
        (q1_ema.variance_limit, "var_limit", "sigma * (1 - beta) / (1 + beta)"),
    ],
)
def test_each_formula_check_names_a_counterexample(check, name, wrong):
    formulas = (
        "\n".join(line for line in FORMULAS.splitlines() if not line.startswith(name))
        + f"\n{name} = {wrong}"
    )
    failed = outcome(check, with_cells(q1_formulas=formulas))
    assert not failed.passed and f"`{name}`" in failed.message and "expected" in failed.message


def test_simulation_check_catches_formulas_that_do_not_describe_the_students_ema():
    # right formulas, ema with a 5% larger step: its variance is ~10% off the formula
    drifting = RIGHT_EMA.replace("(1 - beta) * g[step]", "1.05 * (1 - beta) * g[step]")
    failed = outcome(q1_ema.formulas_describe_your_own_ema, with_cells(q1_ema=drifting))
    assert not failed.passed and "simulation" in failed.message


def test_simulation_check_catches_a_variance_off_by_six_percent():
    formulas = FORMULAS.replace("var_mk = sigma**2", "var_mk = 1.06 * sigma**2")
    failed = outcome(q1_ema.formulas_describe_your_own_ema, with_cells(q1_formulas=formulas))
    assert not failed.passed and "var_mk" in failed.message


def test_simulation_check_never_fails_the_reference_over_many_seeds():
    """The bound's false-failure rate is <= 1e-9: 30 independent seeds must all pass."""
    _, submission = submission_for(REFERENCE)
    for salt in range(30):
        result = run_check(q1_ema.formulas_describe_your_own_ema, submission, salt)
        assert result.passed, (salt, result.message)


def test_reference_ema_is_the_recurrence():
    g = torch.tensor([1.0, 2.0, 3.0])
    assert q1_ema.reference_ema(g, 0.5).tolist() == [0.0, 0.5, 1.25, 2.125]


# ------------------------------------------------------------------ q1_steps_tests

STEPS = REFERENCE.cells["q1_steps"]


def steps_check(name):
    return next(c for c in q1_ema.QUESTION.cells["q1_steps_tests"] if c.name == name)


def test_steps_cell_points_add_up_and_the_guessable_limit_is_a_small_share():
    checks = q1_ema.QUESTION.cells["q1_steps_tests"]
    assert q1_ema.QUESTION.points("q1_steps_tests") == 2.0
    assert steps_check("mean_limit_is_right").points <= 0.25 * 2.0
    assert all(outcome(check, REFERENCE).passed for check in checks)


@pytest.mark.parametrize(
    "name, wrong",
    [
        ("mean_next", "beta * M + (1 - beta) * mu * k"),
        ("var_next", "beta**2 * V + (1 - beta) * sigma**2"),
        ("mean_limit", "(1 - beta) * mu"),
    ],
)
def test_each_step_check_names_its_step_and_a_counterexample(name, wrong):
    steps = "\n".join(line for line in STEPS.splitlines() if not line.startswith(name))
    failed = outcome(
        steps_check(f"{name}_is_right"), with_cells(q1_steps=f"{steps}\n{name} = {wrong}")
    )
    assert not failed.passed and f"`{name}`" in failed.message and "expected" in failed.message


INDUCTION_MEAN = "your_mean_mk_follows_from_your_mean_next_by_induction"
INDUCTION_VAR = "your_var_mk_follows_from_your_var_next_by_induction"


def test_induction_needs_a_recursion_not_the_closed_form_at_k_plus_one():
    closed = STEPS.replace("beta * M + (1 - beta) * mu", "(1 - beta**(k + 1)) * mu")
    failed = outcome(steps_check(INDUCTION_MEAN), with_cells(q1_steps=closed))
    assert not failed.passed and "does not contain M" in failed.message


def test_induction_gives_follow_through_credit_for_a_consistent_slip():
    formulas = FORMULAS.replace(
        "mean_mk = (1 - beta**k) * mu", "mean_mk = mu * (1 - beta**k) / (1 - beta)"
    )
    steps = STEPS.replace("beta * M + (1 - beta) * mu", "beta * M + mu")
    answers = with_cells(q1_formulas=formulas, q1_steps=steps)
    assert outcome(steps_check(INDUCTION_MEAN), answers).passed
    assert not outcome(steps_check("mean_next_is_right"), answers).passed


def test_induction_checks_the_base_case_and_the_step_separately():
    off_by_one = FORMULAS.replace(
        "mean_mk = (1 - beta**k) * mu", "mean_mk = (1 - beta**(k + 1)) * mu"
    )
    failed = outcome(steps_check(INDUCTION_MEAN), with_cells(q1_formulas=off_by_one))
    assert not failed.passed and failed.message.startswith("base case")
    wrong_power = FORMULAS.replace("(1 - beta**(2 * k))", "(1 - beta**k)")
    failed = outcome(steps_check(INDUCTION_VAR), with_cells(q1_formulas=wrong_power))
    assert not failed.passed and failed.message.startswith("induction step")


# ------------------------------------------------------------------ issue 12, class 7

FAKED = ROOT / "examples" / "class" / "attack-q1-faked-moments" / "q1_ema.py"


def test_faked_moments_would_pass_the_moment_comparison_alone(monkeypatch):
    """The attack is real: without the recurrence check its faked columns match its formulas."""
    attack = read_answers(FAKED)
    monkeypatch.setattr(q1_ema, "expect_columns_follow_the_recurrence", lambda *args: None)
    assert outcome(q1_ema.formulas_describe_your_own_ema, attack).passed


def test_faked_moments_gain_nothing_once_columns_must_follow_the_recurrence():
    failed = outcome(q1_ema.formulas_describe_your_own_ema, read_answers(FAKED))
    assert not failed.passed and "follow m[0] = 0" in failed.message


def test_a_float32_ema_still_counts_in_the_simulation():
    float32 = RIGHT_EMA.replace("dtype=g.dtype", "dtype=torch.float32")
    assert outcome(q1_ema.formulas_describe_your_own_ema, with_cells(q1_ema=float32)).passed
