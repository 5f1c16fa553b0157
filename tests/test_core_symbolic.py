"""The allow-list parser reads closed forms and nothing else; equivalence is decided soundly."""

import random

import pytest
import sympy as sp

from graders.core.submission import NotChecked
from graders.core.symbolic import equivalent, parse

x = sp.Symbol("x", positive=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
SYMBOLS = {"x": x, "n": n}


def domain(rng):
    return {x: rng.uniform(0.01, 0.99), n: rng.randint(0, 30)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x**2 + 1", x**2 + 1),
        ("-(1 - x**n)/(x + 1)", -(1 - x**n) / (x + 1)),
        ("exp(log(x)) * Rational(1, 2)", x / 2),
        ("sqrt(x)*Abs(x - 1)", sp.sqrt(x) * sp.Abs(x - 1)),
        (
            "Piecewise((n, Eq(x**2, 1)), ((1 - x**(2*n))/(1 - x**2), True))",
            sp.Piecewise((n, sp.Eq(x**2, 1)), ((1 - x ** (2 * n)) / (1 - x**2), True)),
        ),
        ("0.5*x", sp.Float(0.5) * x),
        ("pi*E", sp.pi * sp.E),
    ],
)
def test_reads_closed_forms(text, expected):
    assert parse(text, SYMBOLS) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("__import__('os').system('true')", "Call"),
        ("x.__class__", "Attribute"),
        ("(lambda: 1)()", "Call"),
        ("y + 1", "`y`"),
        ("open('/etc/passwd')", "Call"),
        ("[x for x in ()]", "ListComp"),
        ("'text'", "literal"),
        ("10**10**10", "huge power"),
        ("x" + "+x" * 2000, "longer than"),
        ("exp(x=1)", "keyword"),
        ("x if n else 1", "IfExp"),
        ("1 +", "not a closed-form"),
    ],
)
def test_rejects_everything_else_with_a_reason(text, reason):
    with pytest.raises(NotChecked, match="could not be read") as error:
        parse(text, SYMBOLS, what="`answer`")
    assert reason in str(error.value)


def test_symbols_take_the_graders_assumptions_not_the_students():
    # the student's text names `x`; the grader's x is positive, so sqrt(x**2) is x
    assert sp.simplify(parse("sqrt(x**2)", SYMBOLS) - x) == 0


def test_equivalent_forms_are_accepted():
    student = parse("x**(2*n)*(1 - x)/(1 - x**2)", SYMBOLS)
    reference = x ** (2 * n) / (1 + x)
    verdict = equivalent(student, reference, domain, seed=1)
    assert verdict.equivalent, verdict.detail


def test_a_wrong_form_gets_a_counterexample():
    verdict = equivalent(parse("x**n", SYMBOLS), x ** (2 * n), domain, seed=1)
    assert not verdict.equivalent
    assert "at n=" in verdict.detail and "expected" in verdict.detail


def test_an_answer_with_a_free_symbol_left_does_not_evaluate():
    other = sp.Symbol("other")
    verdict = equivalent(x + other, x, domain, seed=1)
    assert not verdict.equivalent and "does not evaluate" in verdict.detail


def test_differences_below_float_resolution_of_30_digits_still_count():
    # an answer off by 1e-6 relative is wrong, not "numerically close enough"
    verdict = equivalent(x * (1 + sp.Rational(1, 10**6)), x, domain, seed=3)
    assert not verdict.equivalent


def test_sampling_is_seeded():
    points = [domain(random.Random(7)) for _ in range(2)]
    assert points[0] == points[1]
