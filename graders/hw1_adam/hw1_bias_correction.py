"""Homework 1, question 1: Adam's bias correction m̂^k = m^k / (1 - beta^k).

Theorem. For the midterm's EMA m^{k+1} = beta m^k + (1 - beta) g^k, m^0 = 0, of i.i.d. g^k with
mean mu and standard deviation sigma, and 0 < beta < 1, the debiased EMA m̂^k = m^k / (1 - beta^k)
(k >= 1) has E[m̂^k] = mu and
Var(m̂^k) = sigma^2 (1 - beta)/(1 + beta) (1 - beta^(2k)) / (1 - beta^k)^2
          = sigma^2 (1 - beta)(1 + beta^k) / ((1 + beta)(1 - beta^k)),
which is at least Var(m^k) (the divisor (1 - beta^k)^2 is below 1) and tends to the same limit.

Cell ``hw1_debias_tests`` checks the student's ``debiased_ema`` against the definition and
against ``torch.optim.Adam``'s bias-corrected first moment; cell ``hw1_debias_formulas_tests``
checks the two formulas symbolically, against a Monte Carlo simulation of the student's own
``debiased_ema``, and that their variance is never below the EMA's.
"""

import random

import sympy as sp
import torch

from graders.core import numeric, simulation, stats
from graders.core.adam_moments import adam_first_moments
from graders.core.checks import Fail, Question, subseed
from graders.core.steps import expect_equivalent
from graders.core.symbolic import number_at, numbers_at

QUESTION = Question(__name__)

k = sp.Symbol("k", integer=True, positive=True)
beta = sp.Symbol("beta", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
SYMBOLS = {"k": k, "beta": beta, "mu": mu, "sigma": sigma}

MEAN = mu
EMA_VARIANCE = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta ** (2 * k))
VARIANCE = EMA_VARIANCE / (1 - beta**k) ** 2


def sample_point(rng):
    """A random point of the question's domain: k >= 1 integer, 0 < beta < 1, mu real, sigma > 0."""
    return {
        k: rng.randint(1, 40),
        beta: rng.uniform(0.01, 0.99),
        mu: rng.uniform(-5, 5),
        sigma: rng.uniform(0.1, 4),
    }


def reference_debiased(g: torch.Tensor, b: float) -> torch.Tensor:
    """m^k / (1 - b^k) for k = 1..K, step by step in float64."""
    g = g.to(torch.float64)
    m = torch.zeros(g.shape[1:], dtype=torch.float64)
    rows = []
    for step in range(g.shape[0]):
        m = b * m + (1 - b) * g[step]
        rows.append(m / (1 - b ** (step + 1)))
    return torch.stack(rows) if rows else torch.empty_like(g)


def student_debiased(student, g: torch.Tensor, b: float):
    dtype = str(g.dtype).replace("torch.", "")
    what = f"debiased_ema(g, beta={b:g}) with g of shape {tuple(g.shape)}, {dtype}"
    return numeric.tensor(student.call("debiased_ema", g, b, what=what), what), what


def uniform(rng: torch.Generator, low: float, high: float) -> float:
    return float(torch.empty((), dtype=torch.float64).uniform_(low, high, generator=rng))


# ------------------------------------------------------------------ hw1_debias_tests


@QUESTION.check("hw1_debias_tests", points=1.0)
def debiased_ema_divides_by_one_minus_beta_to_the_k(student, rng):
    """Row k-1 is m^k / (1 - beta^k), k = 1..K, for random 1-d g (K = 1, 7, 30), float64."""
    for steps in [1, 7, 30]:
        g = torch.randn((steps,), generator=rng, dtype=torch.float64) * 3 + 1
        b = uniform(rng, 0.05, 0.99)
        got, what = student_debiased(student, g, b)
        numeric.expect_close(got, reference_debiased(g, b), what, rtol=1e-10, atol=1e-12)


@QUESTION.check("hw1_debias_tests", points=0.5)
def debiased_ema_handles_batch_dimensions(student, rng):
    """The definition holds elementwise for g of shape (K, *batch): (25, 3), (12, 2, 4), float64."""
    for shape in [(25, 3), (12, 2, 4)]:
        g = torch.randn(shape, generator=rng, dtype=torch.float64) * 3 + 1
        b = uniform(rng, 0.05, 0.99)
        got, what = student_debiased(student, g, b)
        numeric.expect_close(got, reference_debiased(g, b), what, rtol=1e-10, atol=1e-12)


@QUESTION.check("hw1_debias_tests", points=0.5)
def debiased_ema_keeps_the_dtype(student, rng):
    """float32 input gives a float32 result (and float64 a float64 one) with the right values."""
    for dtype, tolerance in [(torch.float32, 1e-5), (torch.float64, 1e-12)]:
        g = torch.randn((9, 2), generator=rng, dtype=torch.float64).to(dtype)
        got, what = student_debiased(student, g, 0.8)
        numeric.expect_dtype(got, dtype, what)
        numeric.expect_close(got, reference_debiased(g, 0.8), what, rtol=tolerance, atol=tolerance)


@QUESTION.check("hw1_debias_tests", points=1.0)
def debiased_ema_is_adams_bias_corrected_first_moment(student, rng):
    """Row k-1 equals torch.optim.Adam's exp_avg / (1 - beta1^step) after k steps (step from
    Adam's own state), beta1 = beta, (4, 3) parameter, float64 and float32."""
    for dtype, tolerance in [(torch.float64, 1e-12), (torch.float32, 1e-5)]:
        b = uniform(rng, 0.5, 0.95)
        g = torch.randn((10, 4, 3), generator=rng, dtype=torch.float64).to(dtype)
        corrected = [exp_avg / (1 - b**step) for exp_avg, step in adam_first_moments(g, b)]
        got, what = student_debiased(student, g, b)
        numeric.expect_close(
            got,
            torch.stack(corrected),
            f"{what}, compared with Adam's bias-corrected exp_avg",
            rtol=tolerance,
            atol=tolerance,
        )


# ------------------------------------------------------------------ hw1_debias_formulas_tests


@QUESTION.check("hw1_debias_formulas_tests", points=0.75)
def mean_of_the_debiased_ema_is_mu(student, rng):
    """`mean_mhat` equals E[m̂^k] = mu for all k >= 1, 0 < beta < 1."""
    expect_equivalent(student, "mean_mhat", MEAN, "E[m̂^k]", SYMBOLS, sample_point, rng)


@QUESTION.check("hw1_debias_formulas_tests", points=1.0)
def variance_of_the_debiased_ema(student, rng):
    """`var_mhat` equals Var(m̂^k) = sigma^2 (1 - beta)/(1 + beta) (1 - beta^(2k)) / (1 - beta^k)^2
    for all k >= 1."""
    expect_equivalent(student, "var_mhat", VARIANCE, "Var(m̂^k)", SYMBOLS, sample_point, rng)


SIMULATION_STEPS = 6
SIMULATION_RUNS = 100_000
DEFINITION = "m̂^k = m^k / (1 - beta^k)"


@QUESTION.check("hw1_debias_formulas_tests", points=1.0)
def formulas_describe_your_own_debiased_ema(student, rng):
    """`mean_mhat` and `var_mhat` match a Monte Carlo simulation of your own `debiased_ema` on
    Gaussian g, whose every simulated column must follow the definition.

    Sample: 100,000 independent sequences g^0..g^5 ~ N(1.5, 2^2), beta = 0.7, at k = 1..6: 12
    comparisons (6 steps x mean and variance), each given delta = 1e-9 / 12 (union bound: a
    correct debiased_ema with correct formulas fails with probability at most 1e-9). m̂^k is
    exactly Gaussian, so the mean uses the exact normal quantile (z = 6.5) and the variance the
    exact chi-square interval with 99,999 degrees of freedom (about +/-2.9% relative). Power: a
    variance formula off by more than 6% (e.g. Var(m^k) instead of Var(m̂^k), off by a factor
    (1 - beta^k)^2, 0.09 at k = 1) is caught with probability above 1 - 1e-9. The columns are
    compared with the definition first (rtol 1e-5, atol 1e-6: float32 passes): moments of
    columns that do not follow it prove nothing.
    """
    b, m0, s = 0.7, 1.5, 2.0
    delta = stats.FALSE_FAILURE / (2 * SIMULATION_STEPS)
    mean_expr = student.expression("mean_mhat", SYMBOLS)
    var_expr = student.expression("var_mhat", SYMBOLS)
    shape = (SIMULATION_STEPS, SIMULATION_RUNS)
    g = torch.randn(shape, generator=rng, dtype=torch.float64) * s + m0
    got, what = student_debiased(student, g, b)
    simulation.expect_columns_follow(got, reference_debiased(g, b), what, DEFINITION)
    points = [{k: step, beta: b, mu: m0, sigma: s} for step in range(1, SIMULATION_STEPS + 1)]
    claims = simulation.Claims(
        "mean_mhat",
        "var_mhat",
        numbers_at(mean_expr, points, "`mean_mhat`"),
        numbers_at(var_expr, points, "`var_mhat`"),
    )
    simulation.expect_moments_match(
        got,
        claims,
        [float(VARIANCE.subs(point)) for point in points],
        lambda step, var: simulation.gaussian_bounds(var, SIMULATION_RUNS, delta),
        lambda step: f"k={step}, beta={b}, mu={m0}, sigma={s} ({SIMULATION_RUNS} runs of {what})",
    )


@QUESTION.check("hw1_debias_formulas_tests", points=0.25)
def your_variance_is_never_below_the_emas(student, rng):
    """Your `var_mhat` is at least Var(m^k) = sigma^2 (1 - beta)/(1 + beta)(1 - beta^(2k)) at 40
    random points (k >= 1), and within 1e-9 relative of it at k = 400: debiasing costs variance,
    and the cost vanishes in the limit."""
    var_expr = student.expression("var_mhat", SYMBOLS)
    sampler = random.Random(subseed(rng))
    points = [sample_point(sampler) for _ in range(40)]
    for point, claimed in zip(points, numbers_at(var_expr, points, "`var_mhat`")):
        ema = float(EMA_VARIANCE.subs(point))
        if claimed < ema * (1 - 1e-12):
            raise Fail(
                f"your var_mhat is {claimed:.6g} at {_show(point)}, below Var(m^k) = "
                f"{ema:.6g}: "
                "dividing m^k by 1 - beta^k < 1 cannot shrink its variance"
            )
    late = {**points[0], k: 400, beta: min(points[0][beta], 0.9)}
    ema, claimed = float(EMA_VARIANCE.subs(late)), number_at(var_expr, late, "`var_mhat`")
    if abs(claimed - ema) > 1e-9 * ema:
        raise Fail(
            f"your var_mhat is {claimed:.10g} at {_show(late)}, but Var(m^k) = "
            f"{ema:.10g} there: "
            "the two must agree in the limit (beta^k -> 0)"
        )


def _show(point: dict) -> str:
    return ", ".join(f"{symbol}={value:.4g}" for symbol, value in point.items())
