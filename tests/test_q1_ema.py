"""Question 1's checks one by one: each passes the reference and fails the mistake it is for."""

import pytest
import torch

from coursepack.example_class import Answers, reference_answers
from graders import q1_ema
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
        (q1_ema.ema_follows_the_recurrence, RIGHT_EMA.replace("beta * m[step] + (1 - beta)", "beta * m[step] + beta"), "first mismatch"),
        (q1_ema.ema_handles_batch_dimensions, "def ema(g, beta):\n    return torch.tensor([0.0] + [0.0] * g.shape[0], dtype=g.dtype)", "expected shape"),
        (q1_ema.ema_of_no_steps_is_zero, "def ema(g, beta):\n    return g.clone() if g.shape[0] == 0 else None", "expected shape"),
        (q1_ema.ema_keeps_the_dtype, RIGHT_EMA.replace("dtype=g.dtype", "dtype=torch.float64"), "expected dtype torch.float32"),
        (q1_ema.ema_is_adams_first_moment, RIGHT_EMA.replace("m[step + 1] =", "m[step + 1] = 1e-9 +"), "Adam's exp_avg"),
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
    formulas = "\n".join(line for line in FORMULAS.splitlines() if not line.startswith(name)) + f"\n{name} = {wrong}"
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
