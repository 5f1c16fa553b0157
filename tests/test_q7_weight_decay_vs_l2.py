"""Question 7's grader: its reference, its tolerances, and every check on a right and a wrong
answer.

The reference is tested against torch.optim.SGD and the theorem's formulas; each mistake the
feedback names is shown to leave the reference (so the tolerance cannot hide it); each check
fails on the answer that breaks its property, with a message naming the step and the rule,
and passes on answers that break only other properties (no check cascades into another).
"""

import functools
import random

import pytest
import sympy as sp
import torch

from coursepack import example_class
from graders.midterm import q7_weight_decay_vs_l2 as q7
from graders.core import optimizers as harness
from graders.core.checks import run_check
from tests.support import ROOT, submission_for

NOTEBOOK = "q7_weight_decay_vs_l2"
CHECKS = {check.name: check for checks in q7.QUESTION.cells.values() for check in checks}


# ------------------------------------------------------------------ answers


def reference():
    return example_class.reference_answers(ROOT, NOTEBOOK)


def edited(old: str, new: str, cell: str = "q7_optimizers"):
    """The reference answer with the first ``old`` in ``cell`` replaced by ``new``."""
    answers = reference()
    assert old in answers.cells[cell], old
    answers.cells[cell] = answers.cells[cell].replace(old, new, 1)
    return answers


def example(student: str):
    return example_class.read_answers(ROOT / "examples" / "class" / student / f"{NOTEBOOK}.py")


@functools.lru_cache(maxsize=None)
def submission(key: str):
    answers = (
        INLINE[key]() if key in INLINE else reference() if key == "reference" else example(key)
    )
    return submission_for(answers)[1]


INLINE = {
    "decay-without-gradient": lambda: edited(
        "                if p.grad is None:\n                    continue",
        "                if p.grad is None:\n                    p.mul_(1 - "
        'group["weight_decay"])\n                    continue',
    ),
    "closure-loss-dropped": lambda: edited("        return loss", "        return None"),
    "no-in-place-update": lambda: edited(
        'p.sub_(group["lr"] * v + group["weight_decay"] * p)',
        'p = p - (group["lr"] * v + group["weight_decay"] * p)',
    ),
    "no-optimizers": lambda: edited("class SGDMomentumWD(", "class SomethingElse("),
    # Max(1, cos(alpha)) = 1: SymPy's solve gives up on both
    "gap-unsolvable-but-right": lambda: edited(
        "theta_gap_2 = alpha * beta * lam * theta0",
        "theta_gap_2 = alpha * beta * lam * theta0 * sp.Max(1, sp.cos(alpha))",
        "q7_steps",
    ),
    "gap-unsolvable-and-wrong": lambda: edited(
        "theta_gap_2 = alpha * beta * lam * theta0",
        "theta_gap_2 = alpha * beta * lam * theta0 * sp.Max(2, sp.cos(alpha))",
        "q7_steps",
    ),
}


def outcome(check: str, key: str):
    return run_check(CHECKS[check], submission(key))


# ------------------------------------------------------------------ the reference itself


def test_reference_l2_is_torch_sgd_on_the_network():
    rng = torch.Generator().manual_seed(1)
    problem = harness.small_network(rng)
    hypers = q7.SGD_L2.sample(rng)
    ours = harness.simulate(q7.SGD_L2, q7.SGD_L2.step, [hypers] * 4, problem, 50)
    torch_sgd = harness.oracle_trajectory(q7.SGD_L2, hypers, problem, 50)
    assert harness.departure(ours, torch_sgd, rtol=1e-12, atol=1e-14) is None


def test_reference_matches_the_theorems_formulas_with_zero_gradients():
    theta = torch.tensor([1.5, -0.5], dtype=torch.float64)
    problem = harness.Problem({"kind": "zero"}, [theta], ["parameter 0"])
    a, b, c = 0.3, 0.8, 0.2
    wd = harness.simulate(
        q7.SGD_WD, q7.SGD_WD.step, [{"lr": a, "momentum": b, "weight_decay": c}], problem, 30
    )
    for step, row in enumerate(wd):
        want = float(q7.THETA_WD_K.subs({q7.k: step, q7.mu: c, q7.theta0: 1}))
        assert torch.allclose(row[0], want * theta, rtol=1e-13, atol=0)
    l2 = harness.simulate(
        q7.SGD_L2, q7.SGD_L2.step, [{"lr": a, "momentum": b, "l2": c}], problem, 2
    )
    want = float(q7.THETA_L2_2.subs({q7.alpha: a, q7.beta: b, q7.lam: c, q7.theta0: 1}))
    assert torch.allclose(l2[2][0], want * theta, rtol=1e-13, atol=0)


@pytest.mark.parametrize("spec", q7.SPECS, ids=lambda spec: spec.name)
def test_every_named_mistake_leaves_the_reference_and_the_others(spec):
    """On the checks' problems and hyperparameter ranges, every mistake departs from the exam's rule
    and from every other mistake within 60 steps, by more than the tolerance."""
    for seed in range(5):
        rng = torch.Generator().manual_seed(seed)
        problem = q7.QUADRATICS(rng)
        per = [spec.sample(rng)] * 3
        rules = (spec.step, *(mistake.step for mistake in spec.mistakes))
        runs = [harness.simulate(spec, rule, per, problem, 60) for rule in rules]
        for i in range(len(runs)):
            for j in range(i + 1, len(runs)):
                assert harness.departure(runs[i], runs[j]) is not None, (seed, i, j)


def test_algebraically_equal_updates_stay_within_the_tolerance():
    """theta <- (1 - mu) theta - u with u = alpha v kept instead of v: different rounding, same
    rule."""

    def scaled(t, g, state, h):
        state["momentum_buffer"] = h["momentum"] * state["momentum_buffer"] + h["lr"] * g
        return (1 - h["weight_decay"]) * t - state["momentum_buffer"]

    rng = torch.Generator().manual_seed(3)
    problem = harness.random_quadratics(rng, [(5,), (3, 2)])
    per = [{"lr": 0.1, "momentum": 0.95, "weight_decay": 0.05}] * 2
    ours = harness.simulate(q7.SGD_WD, q7.SGD_WD.step, per, problem, 200)
    assert harness.departure(harness.simulate(q7.SGD_WD, scaled, per, problem, 200), ours) is None


def test_the_exam_formulas_give_the_theorems_matching_decay_and_gap():
    assert q7.matching_decays(q7.THETA_WD_K, q7.THETA_L2_1) == [q7.alpha * q7.lam]
    gap = q7.THETA_WD_K.subs(q7.k, 2).subs(q7.mu, q7.MU_MATCHING) - q7.THETA_L2_2
    assert sp.expand(gap - q7.THETA_GAP_2) == 0
    assert q7.zeros_of(q7.THETA_GAP_2) == []


def test_wrong_weight_decay_formula_matches_another_decay():
    assert q7.matching_decays((1 - q7.alpha * q7.mu) ** q7.k * q7.theta0, q7.THETA_L2_1) == [q7.lam]


@pytest.mark.parametrize(
    "gap, zeros",
    [
        (q7.THETA_GAP_2 * (1 - q7.alpha * q7.lam), ["alpha = 1/lam", "lam = 1/alpha"]),
        (q7.THETA_GAP_2 + 1, ["alpha = -1/(beta*lam*theta0)"]),
        (
            sp.Piecewise(
                (q7.THETA_GAP_2 * (1 - q7.alpha), q7.alpha * q7.lam < 1), (2 * q7.THETA_GAP_2, True)
            ),
            ["alpha = 1 (when lam < 1)"],
        ),
        (sp.Piecewise((q7.THETA_GAP_2, sp.Ne(q7.theta0, 0)), (0, True)), []),
        (q7.alpha * q7.beta * q7.lam, []),
    ],
)
def test_zeros_of_the_gap_in_the_domain(gap, zeros):
    """Zeros with alpha, beta, lam > 0 and theta0 != 0 are found (Piecewise branch by branch);
    theta0 = 0 is not one."""
    found = q7.zeros_of(gap)
    assert found[: len(zeros)] == zeros and bool(found) == bool(zeros), found


def test_sample_points_lie_in_the_domain():
    rng = random.Random(0)
    for _ in range(100):
        point = q7.sample_point(rng)
        assert point[q7.k] >= 0 and all(point[s] > 0 for s in (q7.alpha, q7.beta, q7.mu, q7.lam))


# ------------------------------------------------------------------ each check, right and wrong


def test_reference_passes_every_check():
    failed = {name: o.message for name in CHECKS if not (o := outcome(name, "reference")).passed}
    assert not failed


FAILURES = [
    # (check, answer, words the message must contain)
    (
        "weight_decay_follows_the_exam_rule",
        "q7-mistake-decay-on-updated-theta",
        ["θ^1 of parameter 0", "applied to the updated theta"],
    ),
    (
        "weight_decay_follows_the_exam_rule",
        "q7-mistake-decay-times-lr",
        ["θ^1", "scaled by the learning rate"],
    ),
    ("weight_decay_follows_the_exam_rule", "q7-mistake-nesterov", ["θ^1", "Nesterov"]),
    ("weight_decay_follows_the_exam_rule", "no-in-place-update", ["θ^1", "no update at all"]),
    ("weight_decay_follows_the_exam_rule", "q7-mistake-float32-buffer", ["float32"]),
    (
        "l2_follows_the_exam_rule",
        "q7-mistake-l2-outside-momentum",
        ["θ^2 of parameter 0", "outside the momentum buffer"],
    ),
    ("l2_follows_the_exam_rule", "q7-mistake-dampening", ["θ^1", "dampening"]),
    (
        "weight_decay_trains_a_small_network",
        "q7-mistake-decay-on-updated-theta",
        ["θ^1 of W1", "applied to the updated theta"],
    ),
    (
        "l2_is_torch_sgd_on_a_small_network",
        "q7-mistake-l2-outside-momentum",
        ["θ^2 of W1", "torch.optim.SGD", "outside the momentum buffer"],
    ),
    (
        "zero_gradients_give_the_theorems_iterates",
        "q7-mistake-decay-times-lr",
        ["every gradient 0", "(1 - mu)^k", "θ^1"],
    ),
    (
        "zero_gradients_give_the_theorems_iterates",
        "q7-mistake-l2-outside-momentum",
        ["θ^2", "alpha beta lam"],
    ),
    (
        "parameter_groups_keep_their_own_hyperparameters",
        "q7-mistake-ignores-group-hyperparameters",
        ["group 0", "θ^1", "constructor's lr"],
    ),
    (
        "parameters_without_gradient_are_left_alone",
        "q7-mistake-crash-on-none-grad",
        ["raised", "at step 1", "in step"],
    ),
    (
        "parameters_without_gradient_are_left_alone",
        "q7-mistake-return-on-none-grad",
        ["θ^1 of parameter 3", "`return`"],
    ),
    (
        "parameters_without_gradient_are_left_alone",
        "decay-without-gradient",
        ["parameter 1", "changed at step 1"],
    ),
    (
        "step_with_closure_returns_its_loss",
        "q7-mistake-no-closure",
        ["step(closure) raised TypeError: at step 1"],
    ),
    (
        "step_with_closure_returns_its_loss",
        "q7-mistake-closure-without-grad",
        ["does not require grad"],
    ),
    (
        "step_with_closure_returns_its_loss",
        "closure-loss-dropped",
        ["step 1 returned None", "closure's loss"],
    ),
    (
        "state_dict_resumes_training_exactly",
        "q7-mistake-momentum-outside-state",
        ["θ^11", "restarted from empty state", "self.state[p]"],
    ),
    ("weight_decay_follows_the_exam_rule", "no-optimizers", ["SGDMomentumWD", "not defined"]),
    # an optimizer that never moves would trivially agree with itself
    (
        "parameter_groups_keep_their_own_hyperparameters",
        "no-in-place-update",
        ["changed no parameter"],
    ),
    ("parameters_without_gradient_are_left_alone", "no-in-place-update", ["changed no parameter"]),
    ("step_with_closure_returns_its_loss", "no-in-place-update", ["changed no parameter"]),
    ("state_dict_resumes_training_exactly", "no-in-place-update", ["changed no parameter"]),
    (
        "weight_decay_iterates_are_geometric",
        "q7-mistake-zero-grad-formulas",
        ["theta_wd_k", "expected"],
    ),
    ("l2_second_iterate", "q7-mistake-l2-formula-only", ["theta_l2_2", "expected"]),
    # the theorem's argument on the student's own formulas (issue 11: wrong premises lose)
    (
        "your_formulas_prove_the_theorem",
        "q7-mistake-zero-grad-formulas",
        ["agree for mu = lam", "mu = alpha*lam"],
    ),
    (
        "your_formulas_prove_the_theorem",
        "q7-mistake-steps-wd-alpha-mu",
        ["agree for mu = lam", "mu = alpha*lam"],
    ),
    (
        "your_formulas_prove_the_theorem",
        "q7-mistake-steps-theta2-plus",
        ["theta^2_WD - theta^2_L2 = -alpha*beta*lam*theta0", "rules give alpha*beta*lam*theta0"],
    ),
    ("your_formulas_prove_the_theorem", "q7-mistake-l2-formula-only", ["2*alpha*beta*lam*theta0"]),
    (
        "your_formulas_prove_the_theorem",
        "q7-mistake-steps-no-momentum",
        ["theta^2_WD - theta^2_L2 = 0"],
    ),
    ("your_formulas_prove_the_theorem", "q7-mistake-steps-l2-twice", ["mu = 2*alpha*lam"]),
    (
        "your_formulas_prove_the_theorem",
        "q7-mistake-steps-guesses",
        ["no single mu > 0", "theta_l2_1 (cell q7_steps)"],
    ),
    # the key steps, each naming the step
    (
        "theta_l2_1_is_right",
        "q7-mistake-steps-l2-twice",
        ["`theta_l2_1` = ", "theta^1 of SGDMomentumL2", "expected"],
    ),
    ("mu_matching_is_right", "q7-mistake-steps-mu-is-lam", ["`mu_matching` = lam", "expected"]),
    (
        "theta_gap_2_is_right",
        "q7-mistake-steps-gap-sign",
        ["`theta_gap_2` = -alpha*beta*lam*theta0", "expected"],
    ),
    (
        "theta_gap_2_is_right",
        "q7-mistake-steps-gap-without-theta0",
        ["`theta_gap_2` = alpha*beta*lam "],
    ),
    (
        "your_mu_matching_makes_your_first_iterates_agree",
        "q7-mistake-steps-mu-is-lam",
        ["at k = 1 with mu = your mu_matching (lam)", "not your theta_l2_1"],
    ),
    (
        "your_theta_gap_2_is_the_difference_of_your_second_iterates",
        "q7-mistake-steps-gap-sign",
        ["your theta_gap_2 = -alpha*beta*lam*theta0", "minus your theta_l2_2"],
    ),
    (
        "your_theta_gap_2_is_the_difference_of_your_second_iterates",
        "q7-mistake-l2-formula-only",
        ["minus your theta_l2_2"],
    ),
    ("your_theta_gap_2_is_never_zero", "q7-mistake-steps-no-momentum", ["is 0: it would let"]),
    (
        "your_theta_gap_2_is_never_zero",
        "q7-mistake-steps-v1-from-theta1",
        ["is 0 when alpha = 1/lam; lam = 1/alpha"],
    ),
    ("your_theta_gap_2_is_never_zero", "gap-unsolvable-and-wrong", ["SymPy could not solve"]),
]


@pytest.mark.parametrize("check, answer, words", FAILURES, ids=[f"{c}-{a}" for c, a, _ in FAILURES])
def test_check_fails_with_a_message_naming_the_step_and_rule(check, answer, words):
    result = outcome(check, answer)
    assert result.earned == 0
    for word in words:
        assert word in result.message, result.message


PASSES = [
    # the exam's gap in a form SymPy cannot solve (which check each example fails, and so which
    # it passes, is its `# fails:` lines, held by tests/test_example_class.py)
    ("your_theta_gap_2_is_never_zero", "gap-unsolvable-but-right"),
]


@pytest.mark.parametrize("check, answer", PASSES, ids=[f"{c}-{a}" for c, a in PASSES])
def test_check_passes_when_only_other_properties_are_broken(check, answer):
    result = outcome(check, answer)
    assert result.passed, result.message


@pytest.mark.parametrize("salt", [1, 2])
def test_reference_passes_every_check_under_other_salts(salt):
    """Other hidden inputs (the term's grader_salt) do not make the reference fail."""
    failed = {}
    for name, check in CHECKS.items():
        result = run_check(check, submission("reference"), salt)
        if not result.passed:
            failed[name] = result.message
    assert not failed
