"""Unit tests of question 2's grader: its references, its data, and each check on a right and a
wrong answer.

The references are compared with the formulas written out in 50-digit mpmath; each check must
pass the instructor's answer (under several seeds) and fail a minimal answer that breaks only
the property it tests, with a message naming that property.
"""

import math

import mpmath
import pytest
import torch

from coursepack import example_class
from graders.midterm import q2_multilabel_kl as q2
from graders.core.checks import run_check
from tests import support
from tests.support import ROOT, submission_for

CELL = "q2_objectives"
REFERENCE = example_class.reference_answers(ROOT, "q2_multilabel_kl").cells[CELL]


def submission(code: str):
    return submission_for(example_class.Answers("unit", "q2_multilabel_kl", {CELL: code}))[1]


def check(name: str):
    return next(c for checks in q2.QUESTION.cells.values() for c in checks if c.name == name)


def replace(function: str, body: str) -> str:
    """The reference answer with ``function`` redefined after it (a later def wins)."""
    return (
        REFERENCE
        + f"\n\ndef {function}(logits, Y):\n"
        + "\n".join("    " + line for line in body.splitlines())
        + "\n"
    )


@pytest.fixture(scope="module")
def reference():
    return submission(REFERENCE)


# ------------------------------------------------------------------ references and data


def mp_kl(logits, Y) -> float:
    """(1/N) sum_i sum_k P_ik log(P_ik / mu_k(f_i)) in 50 digits, skipping P_ik = 0."""
    with mpmath.workdps(50):
        total = mpmath.mpf(0)
        for f, row in zip(logits.tolist(), Y.tolist()):
            plus = mpmath.mpf(sum(1 for y in row if y > 0)) / len(row)
            for share, mu in [
                (1 - plus, 1 / (1 + mpmath.exp(f))),
                (plus, 1 / (1 + mpmath.exp(-f))),
            ]:
                if share > 0:
                    total += share * mpmath.log(share / mu)
        return float(total / len(logits))


def mp_logistic(logits, Y) -> float:
    with mpmath.workdps(50):
        terms = [
            mpmath.log1p(mpmath.exp(-y * f))
            for f, row in zip(logits.tolist(), Y.tolist())
            for y in row
        ]
        return float(mpmath.fsum(terms) / len(terms))


def test_references_match_the_formulas_written_out():
    rng = torch.Generator().manual_seed(0)
    for N, n, scale in [(1, 1, 1.0), (7, 3, 4.0), (5, 4, 5e3)]:
        logits = torch.randn(N, generator=rng, dtype=torch.float64) * scale
        Y = q2.labels(rng, N, n, torch.int64)
        assert math.isclose(
            float(q2.reference_kl(logits, Y)), mp_kl(logits, Y), rel_tol=1e-12, abs_tol=1e-15
        )
        assert math.isclose(
            float(q2.reference_logistic(logits, Y)), mp_logistic(logits, Y), rel_tol=1e-12
        )
        # the theorem, on the references: KL = logistic + gap
        gap = float(q2.reference_gap(Y))
        assert math.isclose(
            float(q2.reference_kl(logits, Y)),
            float(q2.reference_logistic(logits, Y)) + gap,
            rel_tol=1e-12,
            abs_tol=1e-12,
        )


def test_gap_of_unanimous_and_split_labels():
    """Entropy 0 for unanimous rows, log 2 for an even split."""
    assert float(q2.reference_gap(torch.tensor([[1, 1], [-1, -1]]))) == 0.0
    assert math.isclose(
        float(q2.reference_gap(torch.tensor([[1, -1]]))), -math.log(2), rel_tol=1e-15
    )


def test_reference_gradient_is_sigmoid_minus_share():
    """d/df_i of the KL (and of the logistic objective) is (sigmoid(f_i) - P_i+)/N."""
    logits = torch.tensor([0.0, 3.0, -2.0], dtype=torch.float64)
    Y = torch.tensor([[1, 1, -1], [-1, -1, -1], [1, 1, 1]])
    plus = (Y > 0).to(torch.float64).mean(1)
    for reference in (q2.reference_kl, q2.reference_logistic):
        _, gradient = q2.with_gradient(reference, logits, Y)
        torch.testing.assert_close(
            gradient, (torch.sigmoid(logits) - plus) / 3, rtol=1e-14, atol=1e-16
        )


def test_labels_have_unanimous_and_mixed_rows_and_extreme_logits_reach_1e4():
    rng = torch.Generator().manual_seed(1)
    Y = q2.labels(rng, 300, 4, torch.int8)
    assert Y.dtype == torch.int8 and set(Y.unique().tolist()) == {-1, 1}
    unanimous = (Y == Y[:, :1]).all(1)
    assert 50 < int(unanimous.sum()) < 250
    f = q2.extreme_logits(rng, 20)
    assert f.abs().max() == 1e4 and f.abs().min() >= 1e3 and (f > 0).any() and (f < 0).any()


def test_check_points_add_up_to_the_cell():
    cells = {cell: q2.QUESTION.points(cell) for cell in q2.QUESTION.cells}
    assert support.autograded_cells("q2_multilabel_kl") == cells
    assert cells == {"q2_objectives_tests": 4, "q2_steps_tests": 3}


# ------------------------------------------------------------------ each check passes the reference
# (which check each example fails is its `# fails:` lines: tests/test_example_class.py)

OBJECTIVE_CHECKS = [c.name for c in q2.QUESTION.cells["q2_objectives_tests"]]


@pytest.mark.parametrize("name", OBJECTIVE_CHECKS)
def test_check_passes_the_reference_under_several_seeds(name, reference):
    for salt in range(3):
        outcome = run_check(check(name), reference, salt)
        assert outcome.passed, outcome.message


def test_theorem_check_does_not_accept_an_infinite_objective():
    """KL(mu || P) is inf on unanimous rows: inf - logistic is never within tolerance of the gap."""
    reversed_kl = """mu_minus, mu_plus = torch.sigmoid(-logits), torch.sigmoid(logits)
minus = (Y < 0).sum(1).to(logits.dtype) / Y.shape[1]
plus = (Y > 0).sum(1).to(logits.dtype) / Y.shape[1]
return (
    mu_minus * (torch.log(mu_minus) - torch.log(minus))
    + mu_plus * (torch.log(mu_plus) - torch.log(plus))
).mean()"""
    outcome = run_check(
        check("kl_minus_logistic_is_the_gap"), submission(replace("kl_objective", reversed_kl))
    )
    assert not outcome.passed and "expected a finite value" in outcome.message, outcome.message


# ------------------------------------------------------------------ q2_steps_tests

STEPS = example_class.reference_answers(ROOT, "q2_multilabel_kl").cells["q2_steps"]


def steps_submission(**names):
    """The reference steps with some names redefined after them (a later assignment wins)."""
    code = STEPS + "".join(f"{name} = {text}\n" for name, text in names.items())
    return submission_for(example_class.Answers("unit", "q2_multilabel_kl", {"q2_steps": code}))[1]


NAIVE_GAP = "p * sp.log(p) + (1 - p) * sp.log(1 - p)"


def test_a_gap_written_without_zero_log_zero_still_counts_inside_the_interval():
    """Only the ends p = 0, 1 need the convention; the gap is compared for 0 < p < 1."""
    outcome = run_check(
        check("gap_point_is_minus_the_entropy_in_p_alone"), steps_submission(gap_point=NAIVE_GAP)
    )
    assert outcome.passed, outcome.message


def test_the_fit_together_check_needs_a_divergence_that_depends_on_f():
    """All-zero steps fit together trivially; they earn nothing there."""
    zeros = {name: "sp.Integer(0)" for name in ["nll_plus", "nll_minus", "kl_point", "gap_point"]}
    outcome = run_check(
        check("your_steps_give_the_theorem_for_one_point"), steps_submission(**zeros)
    )
    assert not outcome.passed and "does not contain f" in outcome.message
