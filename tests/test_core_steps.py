"""The step checker: steps declared as data become one equivalence check each, worth their points,
failing with the student's expression and a counterexample."""

import random

import sympy as sp

from graders.core.checks import Question, run_check
from graders.core.steps import Step, declare_steps

x = sp.Symbol("x", real=True)
n = sp.Symbol("n", positive=True, integer=True)
SYMBOLS = {"x": x, "n": n}


def domain(rng: random.Random) -> dict:
    return {x: rng.uniform(-3, 3), n: rng.randint(1, 20)}


QUESTION = Question("demo")
declare_steps(
    QUESTION,
    "demo_steps_tests",
    [
        Step("square", (x + 1) ** 2, "(x + 1)^2", points=1.5),
        Step(
            "geometric", (1 - sp.Rational(1, 2) ** n) * 2, "the sum of 2^-i for i < n", points=0.5
        ),
    ],
    SYMBOLS,
    domain,
)


class Answers:
    """A stand-in student whose SymPy answers are given as text (what the kernel would send)."""

    def __init__(self, **texts):
        self.texts = texts

    def set_deadline(self, seconds):
        pass

    def expression(self, name, symbols):
        from graders.core.symbolic import parse

        return parse(self.texts[name], symbols, what=f"`{name}`")


def outcomes(**texts):
    student = Answers(**texts)
    return {check.name: run_check(check, student) for check in QUESTION.cells["demo_steps_tests"]}


def test_each_step_is_one_check_with_its_points_and_meaning():
    checks = QUESTION.cells["demo_steps_tests"]
    assert [(c.name, c.points) for c in checks] == [
        ("square_is_right", 1.5),
        ("geometric_is_right", 0.5),
    ]
    assert checks[0].prop == "`square` is (x + 1)^2."
    assert QUESTION.points("demo_steps_tests") == 2.0


def test_equivalent_forms_earn_the_points():
    results = outcomes(square="x**2 + 2*x + 1", geometric="2 - 2*(1/2)**n")
    assert all(outcome.passed for outcome in results.values()), results


def test_a_wrong_step_loses_only_its_points_and_shows_a_counterexample():
    results = outcomes(square="x**2 + 1", geometric="2 - 2**(1 - n)")
    assert results["geometric_is_right"].passed
    failed = results["square_is_right"]
    assert failed.earned == 0
    assert (
        "`square` = x**2 + 1 is not (x + 1)^2: at " in failed.message
        and "expected" in failed.message
    )
