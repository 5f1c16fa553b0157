"""Key steps of a proof, declared as data: each is a SymPy answer the student names, graded by
symbolic equivalence with the expected result on the question's domain.

A question declares its steps cell as a list of ``Step`` and one call to ``declare_steps``; each
step becomes one check worth its points, whose failure message shows the student's expression
and the counterexample (a point of the domain where it differs). Checks that relate several of
the student's own answers (an induction, a lemma) are written by hand in the question module and
use ``expect_equivalent`` from here.
"""

import random
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from graders.core.checks import DEFAULT_TIME_LIMIT, Fail, Question, subseed
from graders.core.symbolic import equivalent

SamplePoint = Callable[[random.Random], dict]


@dataclass(frozen=True)
class Step:
    """One intermediate result: the student's variable ``name`` must equal ``expected``.

    ``meaning`` says what it is, for the check's line in the feedback ("E[m^(k+1)] in terms of
    M, beta and mu"); ``domain`` overrides the question's sampling domain for this step.
    """

    name: str
    expected: sp.Expr
    meaning: str
    points: float
    domain: SamplePoint | None = None


def expect_equivalent(
    student,
    name: str,
    expected,
    meaning: str,
    symbols: dict,
    domain: SamplePoint,
    rng,
    points: int = 40,
) -> sp.Expr:
    """The student's SymPy answer ``name``, or ``Fail`` showing where it differs from
    ``expected``."""
    answer = student.expression(name, symbols)
    verdict = equivalent(answer, expected, domain, seed=subseed(rng), points=points)
    if not verdict.equivalent:
        raise Fail(f"`{name}` = {sp.sstr(answer)[:200]} is not {meaning}: {verdict.detail}")
    return answer


def declare_steps(
    question: Question,
    cell: str,
    steps: list[Step],
    symbols: dict,
    domain: SamplePoint,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> None:
    """Register one equivalence check per step for the test cell ``cell`` of ``question``."""
    for step in steps:
        question.check(cell, points=step.points, time_limit=time_limit)(
            _step_check(step, symbols, step.domain or domain)
        )


def _step_check(step: Step, symbols: dict, domain: SamplePoint):
    def check(student, rng):
        expect_equivalent(student, step.name, step.expected, step.meaning, symbols, domain, rng)

    check.__name__ = f"{step.name}_is_right"
    check.__doc__ = f"`{step.name}` is {step.meaning}."
    return check
