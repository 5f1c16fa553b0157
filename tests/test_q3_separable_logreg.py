"""Unit tests of question 3's grader: the trusted loss, the data generators, and each check on a
right and a wrong answer."""

import math

import pytest
import torch

from coursepack import example_class
from graders.midterm import q3_separable_logreg as q3
from graders.core.checks import run_check
from tests import support
from tests.support import ROOT, submission_for

CELL = "q3_loss_and_scale"
REFERENCE = example_class.reference_answers(ROOT, "q3_separable_logreg").cells[CELL]
REFERENCE_SCALE = REFERENCE[REFERENCE.index("def scale_for_epsilon") :]
REFERENCE_LOSS = REFERENCE[: REFERENCE.index("def scale_for_epsilon")]


def submission(code: str):
    return submission_for(example_class.Answers("unit", "q3_separable_logreg", {CELL: code}))[1]


def check(name: str):
    return next(c for checks in q3.QUESTION.cells.values() for c in checks if c.name == name)


def loss_answer(expression: str) -> str:
    """A logistic_loss returning ``expression`` of the margins z, with the reference
    scale_for_epsilon."""
    return (
        "def logistic_loss(a, b, X, Y):\n    z = Y * (X @ a + b)\n    return "
        f"{expression}\n\n\n{REFERENCE_SCALE}"
    )


def scale_answer(expression: str) -> str:
    """A scale_for_epsilon returning ``expression`` of t (smallest margin), N and eps, with the
    reference loss."""
    return (
        f"{REFERENCE_LOSS}\n\ndef scale_for_epsilon(a, b, X, Y, eps):\n"
        f"    t = float((Y * (X @ a + b)).min())\n    N = X.shape[0]\n    return {expression}\n"
    )


@pytest.fixture(scope="module")
def reference():
    return submission(REFERENCE)


# ------------------------------------------------------------------ trusted loss and data


def test_exact_loss_at_known_points():
    """log 2 at z = 0; 1e4 (+ e^-1e4) at z = -1e4; e^-700 (to 1e-16 relative) at z = 700; scaling by
    C."""
    assert q3.exact_loss(torch.tensor([0.0])) == math.log(2)
    assert q3.exact_loss(torch.tensor([-1e4], dtype=torch.float64)) == 1e4
    assert math.isclose(
        q3.exact_loss(torch.tensor([700.0], dtype=torch.float64)), math.exp(-700), rel_tol=1e-15
    )
    assert q3.exact_loss(torch.tensor([1.0, 2.0], dtype=torch.float64), 3.0) == q3.exact_loss(
        torch.tensor([3.0, 6.0], dtype=torch.float64)
    )


def test_data_with_margins_has_exactly_those_margins():
    rng = torch.Generator().manual_seed(0)
    margins = q3.quarter_margins(rng, 50, -1e4, 700.0)
    a, b, X, Y = q3.data_with_margins(rng, margins)
    assert torch.equal(q3.margins_of(a, b, X, Y), margins)
    # in any summation order: X @ a computed elementwise in reverse
    assert torch.equal(Y * ((X[:, 1] * a[1] + X[:, 0] * a[0]) + b), margins)


def test_ordinary_data_margins_are_exact_and_small():
    rng = torch.Generator().manual_seed(1)
    a, b, X, Y = q3.ordinary_data(rng, 60, 10)
    z = q3.margins_of(a, b, X, Y)
    assert z.abs().max() <= 4.25
    assert torch.equal(z * 64, torch.round(z * 64))  # multiples of 1/64: exact in float64


def test_separable_data_is_separated_with_the_requested_smallest_margin():
    rng = torch.Generator().manual_seed(2)
    a, b, X, Y = q3.separable_data(rng, 200, 5, 1e3, 1.0, closest=1e-6)
    z = q3.margins_of(a, b, X, Y)
    assert (z > 0).all()
    assert math.isclose(float(z.min()), 1e-6, rel_tol=1e-6)
    a, b, X, Y = q3.separable_data(rng, 30, 2, 3.0, 0.01)
    z = q3.margins_of(a, b, X, Y)
    assert 0.01 * 0.999 <= float(z.min()) and float(z.max()) <= 0.03 * 1.001


def test_check_points_add_up_to_the_cell():
    cells = {cell: q3.QUESTION.points(cell) for cell in q3.QUESTION.cells}
    assert support.autograded_cells("q3_separable_logreg") == cells
    assert cells == {"q3_loss_and_scale_tests": 4, "q3_steps_tests": 4}


# ------------------------------------------------------------------ each check passes the reference
# (which check each example fails is its `# fails:` lines: tests/test_example_class.py)

LOSS_AND_SCALE_CHECKS = [c.name for c in q3.QUESTION.cells["q3_loss_and_scale_tests"]]


def test_seed_construction_fails_only_above_log_2():
    """C = -log(e^{eps/N} - 1)/t is right for eps/N < log 2 and negative above: only eps in
    (log 2, 1) with N = 1 tells it apart, and the check tries it."""
    seed = submission(scale_answer("-math.log(math.expm1(eps / N)) / t"))
    outcome = run_check(check("scale_for_epsilon_reaches_eps"), seed)
    assert not outcome.passed and "N=1" in outcome.message and "C > 0" in outcome.message, (
        outcome.message
    )
    assert run_check(check("scale_for_epsilon_with_a_point_near_the_boundary"), seed).passed


@pytest.mark.parametrize("name", LOSS_AND_SCALE_CHECKS)
def test_check_passes_the_reference_under_several_seeds(name, reference):
    for salt in range(5):
        outcome = run_check(check(name), reference, salt)
        assert outcome.passed, outcome.message


def test_scale_at_the_exact_boundary_of_the_bound_is_accepted_only_when_strict():
    """C with e^{-Ct} = expm1(eps/N) exactly makes every term <= eps/N: below eps unless all margins
    equal t."""
    boundary = submission(scale_answer("-math.log(math.expm1(eps / N)) / t"))
    outcome = run_check(check("scale_for_epsilon_with_a_point_near_the_boundary"), boundary)
    assert outcome.passed, outcome.message


def test_softplus_answer_passes_every_check():
    """torch's softplus (which returns x for x > 20) is within the stated rtol 1e-9."""
    answer = submission(loss_answer("torch.nn.functional.softplus(-z).sum()"))
    for c in q3.QUESTION.cells["q3_loss_and_scale_tests"]:
        outcome = run_check(c, answer)
        assert outcome.passed, (c.name, outcome.message)


# ------------------------------------------------------------------ q3_steps_tests: by properties

STEPS = "q3_steps"


def steps(bound: str, scale: str):
    cells = {CELL: REFERENCE, STEPS: f"loss_bound = {bound}\nscale_formula = {scale}\n"}
    return submission_for(example_class.Answers("unit", "q3_separable_logreg", cells))[1]


def step_outcomes(bound: str, scale: str) -> dict:
    answer = steps(bound, scale)
    return {c.name: run_check(c, answer) for c in q3.QUESTION.cells["q3_steps_tests"]}


RIGHT_STEPS = [
    ("N * sp.log(1 + sp.exp(-C * t))", "sp.log(2 * N / eps) / t"),
    ("N * sp.exp(-C * t)", "sp.log(N / eps) / t + 1 / t"),
    ("N / (C * t)", "2 * N / (eps * t)"),
    ("N * sp.log(1 + sp.exp(-C * t)) + N * sp.exp(-C * t)", "sp.log(4 * N / eps) / t"),
]


@pytest.mark.parametrize("bound, scale", RIGHT_STEPS)
def test_right_steps_written_differently_pass(bound, scale):
    for name, outcome in step_outcomes(bound, scale).items():
        assert outcome.passed, (name, outcome.message)


def test_the_guess_earns_nothing():
    """A bound of 0 tends to 0, but the limit counts only for a valid bound."""
    outcomes = step_outcomes("sp.Integer(0)", "sp.Integer(1)")
    assert sum(o.earned for o in outcomes.values()) == 0
