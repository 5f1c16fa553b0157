"""Question 1: the EMA m^{k+1} = beta m^k + (1 - beta) g^k, m^0 = 0, its bias and its variance.

Theorem. For i.i.d. g^k with mean mu and standard deviation sigma, and 0 < beta < 1,
(a) E[m^k] = (1 - beta^k) mu, (b) Var(m^k) = sigma^2 (1 - beta)/(1 + beta) (1 - beta^{2k}),
(c) E[m^k] -> mu and Var(m^k) -> sigma^2 (1 - beta)/(1 + beta).

Proof by induction: E[m^{k+1}] = beta E[m^k] + (1 - beta) mu and, m^k being independent of g^k,
Var(m^{k+1}) = beta^2 Var(m^k) + (1 - beta)^2 sigma^2; the closed forms satisfy these recursions
and are 0 at k = 0.

Cell ``q1_ema_tests`` checks the student's ``ema`` against the recurrence and against
``torch.optim.Adam``'s ``exp_avg`` (implementation); cell ``q1_formulas_tests`` checks the three
formulas symbolically and against a Monte Carlo simulation of the student's own ``ema``; cell
``q1_steps_tests`` checks the proof's steps (the two recursions, the limit of the mean) and that
the student's own closed forms follow from the student's own recursions by induction.
"""

import sympy as sp
import torch

from graders.core import figures, numeric, simulation, stats
from graders.core.adam_moments import adam_first_moments
from graders.core.checks import Fail, Question, subseed
from graders.core.steps import Step, declare_steps, expect_equivalent
from graders.core.symbolic import equivalent, isolated, numbers_at

QUESTION = Question(__name__)

k = sp.Symbol("k", integer=True, nonnegative=True)
beta = sp.Symbol("beta", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
M = sp.Symbol("M", real=True)  # E[m^k], in the induction step
V = sp.Symbol("V", positive=True)  # Var(m^k), in the induction step
SYMBOLS = {"k": k, "beta": beta, "mu": mu, "sigma": sigma, "M": M, "V": V}

MEAN = (1 - beta**k) * mu
VARIANCE = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta ** (2 * k))
VARIANCE_LIMIT = sigma**2 * (1 - beta) / (1 + beta)
MEAN_NEXT = beta * M + (1 - beta) * mu
VARIANCE_NEXT = beta**2 * V + (1 - beta) ** 2 * sigma**2
MEAN_LIMIT = mu


def sample_point(rng):
    """A random point of the question's domain: k >= 0 integer, 0 < beta < 1, mu real, sigma > 0,
    M real, V > 0."""
    return {
        k: rng.randint(0, 40),
        beta: rng.uniform(0.01, 0.99),
        mu: rng.uniform(-5, 5),
        sigma: rng.uniform(0.1, 4),
        M: rng.uniform(-5, 5),
        V: rng.uniform(0.01, 10),
    }


def reference_ema(g: torch.Tensor, b: float) -> torch.Tensor:
    """The recurrence, step by step, in float64."""
    g = g.to(torch.float64)
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=torch.float64)
    for step in range(g.shape[0]):
        m[step + 1] = b * m[step] + (1 - b) * g[step]
    return m


def student_ema(student, g: torch.Tensor, b: float):
    dtype = str(g.dtype).replace("torch.", "")
    what = f"ema(g, beta={b:g}) with g of shape {tuple(g.shape)}, {dtype}"
    return numeric.tensor(student.call("ema", g, b, what=what), what), what


# ------------------------------------------------------------------ q1_ema_tests


@QUESTION.check("q1_ema_tests", points=0.5)
def ema_follows_the_recurrence(student, rng):
    """m[0] = 0 and m[k+1] = beta*m[k] + (1-beta)*g[k], for random 1-d g (K = 1, 7, 30), float64."""
    for steps in [1, 7, 30]:
        g = torch.randn((steps,), generator=rng, dtype=torch.float64) * 3 + 1
        b = float(torch.empty(()).uniform_(0.05, 0.99, generator=rng))
        got, what = student_ema(student, g, b)
        numeric.expect_close(got, reference_ema(g, b), what, rtol=1e-10, atol=1e-12)


@QUESTION.check("q1_ema_tests", points=0.5)
def ema_handles_batch_dimensions(student, rng):
    """The recurrence holds elementwise for g of shape (K, *batch): (25, 3), (12, 2, 4), float64."""
    for shape in [(25, 3), (12, 2, 4)]:
        g = torch.randn(shape, generator=rng, dtype=torch.float64) * 3 + 1
        b = float(torch.empty(()).uniform_(0.05, 0.99, generator=rng))
        got, what = student_ema(student, g, b)
        numeric.expect_close(got, reference_ema(g, b), what, rtol=1e-10, atol=1e-12)


@QUESTION.check("q1_ema_tests", points=0.25)
def ema_of_no_steps_is_zero(student, rng):
    """K = 0 is allowed: ema of an empty sequence is just m[0] = 0, of shape (1, *batch)."""
    for shape in [(0,), (0, 3)]:
        g = torch.empty(shape, dtype=torch.float64)
        got, what = student_ema(student, g, 0.9)
        zero = torch.zeros((1, *shape[1:]), dtype=torch.float64)
        numeric.expect_close(got, zero, what, rtol=0, atol=0)


@QUESTION.check("q1_ema_tests", points=0.25)
def ema_keeps_the_dtype(student, rng):
    """float32 input gives a float32 result (and float64 a float64 one) with the right values."""
    for dtype, tolerance in [(torch.float32, 1e-5), (torch.float64, 1e-12)]:
        g = torch.randn((9, 2), generator=rng, dtype=torch.float64).to(dtype)
        got, what = student_ema(student, g, 0.8)
        numeric.expect_dtype(got, dtype, what)
        numeric.expect_close(got, reference_ema(g, 0.8), what, rtol=tolerance, atol=tolerance)


@QUESTION.check("q1_ema_tests", points=0.5)
def ema_is_adams_first_moment(student, rng):
    """m[k] equals torch.optim.Adam's exp_avg after k steps with beta1 = beta, (4, 3) parameter."""
    for dtype, tolerance in [(torch.float64, 1e-12), (torch.float32, 1e-5)]:
        b = float(torch.empty(()).uniform_(0.5, 0.95, generator=rng))
        g = torch.randn((10, 4, 3), generator=rng, dtype=torch.float64).to(dtype)
        exp_avg = [torch.zeros((4, 3), dtype=dtype)]
        exp_avg += [moment for moment, _ in adam_first_moments(g, b)]
        got, what = student_ema(student, g, b)
        numeric.expect_close(
            got,
            torch.stack(exp_avg),
            f"{what}, compared with Adam's exp_avg",
            rtol=tolerance,
            atol=tolerance,
        )


# ------------------------------------------------------------------ q1_formulas_tests


@QUESTION.check("q1_formulas_tests", points=0.75)
def mean_is_debiased_by_one_minus_beta_to_the_k(student, rng):
    """`mean_mk` equals E[m^k] = (1 - beta^k) mu for all k >= 0, 0 < beta < 1."""
    expect_equivalent(student, "mean_mk", MEAN, "E[m^k]", SYMBOLS, sample_point, rng)


@QUESTION.check("q1_formulas_tests", points=1.0)
def variance_formula(student, rng):
    """`var_mk` equals Var(m^k) = sigma^2 (1 - beta)/(1 + beta) (1 - beta^(2k)) for all k >= 0."""
    expect_equivalent(student, "var_mk", VARIANCE, "Var(m^k)", SYMBOLS, sample_point, rng)


@QUESTION.check("q1_formulas_tests", points=0.5)
def variance_limit(student, rng):
    """`var_limit` equals lim Var(m^k) = sigma^2 (1 - beta)/(1 + beta) (no k in it)."""
    expect_equivalent(
        student, "var_limit", VARIANCE_LIMIT, "the limit of Var(m^k)", SYMBOLS, sample_point, rng
    )


SIMULATION_STEPS = 6
SIMULATION_RUNS = 100_000
RECURRENCE = "m[0] = 0, m[k+1] = beta*m[k] + (1-beta)*g[k]"


def expect_columns_follow_the_recurrence(got: torch.Tensor, g: torch.Tensor, b: float, what: str):
    """The simulated columns follow the recurrence on the grader's own g: moments of columns
    that do not follow it prove nothing (``simulation.expect_columns_follow``)."""
    simulation.expect_columns_follow(got, reference_ema(g, b), what, RECURRENCE)


def simulated_ema(student, g: torch.Tensor, b: float):
    """The student's m[1..K] over the runs (dimension 1), checked against the recurrence."""
    got, what = student_ema(student, g, b)
    numeric.expect_shape(got, (g.shape[0] + 1, g.shape[1]), what)
    expect_columns_follow_the_recurrence(got, g, b, what)
    return got[1:], what


@QUESTION.check("q1_formulas_tests", points=0.75)
def formulas_describe_your_own_ema(student, rng):
    """`mean_mk` and `var_mk` match a Monte Carlo simulation of your own `ema` (Gaussian and
    +/-1 coin-flip g), whose every simulated column must follow the recurrence.

    Sample: 100,000 independent sequences g^0..g^5 per law, at k = 1..6, so 24 comparisons
    (2 laws x 6 steps x mean and variance), each given delta = 1e-9 / 24 (union bound: a correct
    ema with correct formulas fails with probability at most 1e-9).
    Gaussian g: m^k is exactly Gaussian, so the mean uses the exact normal quantile (z = 6.4)
    and the variance the exact chi-square interval with 99,999 degrees of freedom
    (about +/-2.9% relative). Coin-flip g = mu + sigma*s, s = +/-1: m^k lies in an interval of
    width 2 sigma (1 - beta^k) around its mean, and (m^k - E m^k)^2 in [0, sigma^2 (1 - beta^k)^2],
    so both use Hoeffding's bound (about +/-5% relative for the variance at k = 6, beta = 0.7).
    Power: a variance formula off by more than twice these tolerances (6% Gaussian, 10% coin
    flip) is caught with probability above 0.999 (the estimate's own error exceeds one
    tolerance with probability below 1e-9). The simulated columns are also compared with the
    recurrence (rtol 1e-5, atol 1e-6): moments of columns that do not follow it prove nothing.
    """
    b, m0, s = 0.7, 1.5, 2.0
    delta = stats.FALSE_FAILURE / (4 * SIMULATION_STEPS)
    mean_expr = student.expression("mean_mk", SYMBOLS)
    var_expr = student.expression("var_mk", SYMBOLS)
    shape = (SIMULATION_STEPS, SIMULATION_RUNS)
    coins = torch.randint(0, 2, shape, generator=rng).to(torch.float64) * 2 - 1
    laws = {
        "Gaussian": torch.randn(shape, generator=rng, dtype=torch.float64) * s + m0,
        "coin-flip (+/-1)": coins * s + m0,
    }
    points = [{k: step, beta: b, mu: m0, sigma: s} for step in range(1, SIMULATION_STEPS + 1)]
    claims = simulation.Claims(
        "mean_mk",
        "var_mk",
        numbers_at(mean_expr, points, "`mean_mk`"),  # one child process each
        numbers_at(var_expr, points, "`var_mk`"),
    )
    true_variances = [float(VARIANCE.subs(point)) for point in points]
    bounds = {
        "Gaussian": lambda step, var: simulation.gaussian_bounds(var, SIMULATION_RUNS, delta),
        "coin-flip (+/-1)": lambda step, var: simulation.bounded_bounds(
            var, s * (1 - b**step), SIMULATION_RUNS, delta
        ),
    }
    for law, g in laws.items():
        sample, what = simulated_ema(student, g, b)
        simulation.expect_moments_match(
            sample,
            claims,
            true_variances,
            bounds[law],
            lambda step: (
                f"k={step}, beta={b}, mu={m0}, sigma={s}, {law} g "
                f"({SIMULATION_RUNS} runs of {what})"
            ),
        )


@QUESTION.figure("q1_formulas_tests")
def variance_of_your_ema_against_k(student, rng):
    """The variance of your ema's m^k over 20,000 simulated Gaussian sequences, beside var_mk."""
    b, s = 0.8, 1.0
    g = torch.randn((30, 20_000), generator=rng, dtype=torch.float64) * s
    got, _ = student_ema(student, g, b)
    steps = list(range(g.shape[0] + 1))
    variances = got.to(torch.float64).var(dim=1).tolist()
    series = {"Monte Carlo variance of your ema": (steps, variances)}
    try:
        var_expr = student.expression("var_mk", SYMBOLS)
        points = [{k: step, beta: b, mu: 0, sigma: s} for step in steps]
        series["your var_mk"] = (steps, numbers_at(var_expr, points, "`var_mk`"))
    except Exception:
        pass  # the picture still shows the simulation
    return figures.line_plot(
        series,
        title=f"Var(m^k) for beta = {b}, sigma = {s}",
        xlabel="k",
        ylabel="variance",
        markers={"Monte Carlo variance of your ema"},
    )


# ------------------------------------------------------------------ q1_steps_tests

declare_steps(
    QUESTION,
    "q1_steps_tests",
    [
        Step("mean_next", MEAN_NEXT, "E[m^(k+1)] in terms of M = E[m^k], beta and mu", points=0.5),
        Step(
            "var_next",
            VARIANCE_NEXT,
            "Var(m^(k+1)) in terms of V = Var(m^k), beta and sigma",
            points=0.5,
        ),
        Step("mean_limit", MEAN_LIMIT, "the limit of E[m^k] as k -> oo", points=0.25),
    ],
    SYMBOLS,
    sample_point,
)


def expect_induction(student, closed_name: str, step_name: str, previous, data, rng) -> None:
    """The student's closed form ``closed_name`` (in k) follows from their recursion ``step_name``
    (in ``previous``, the value at step k) by induction: it is 0 at k = 0, and the recursion maps
    its value at k to its value at k + 1. The recursion must use ``previous`` and ``data``: a
    closed form for step k + 1 written without them satisfies the step trivially."""
    closed = student.expression(closed_name, SYMBOLS)
    recursion = student.expression(step_name, SYMBOLS)
    for needed in (previous, data):
        if needed not in recursion.free_symbols:
            raise Fail(
                f"`{step_name}` = {sp.sstr(recursion)[:200]} does not contain {needed}: the "
                f"induction step gives step k + 1 from {previous} (the value at step k) and {data}"
            )
    base = isolated(lambda: closed.subs(k, 0))
    verdict = equivalent(base, sp.Integer(0), sample_point, seed=subseed(rng))
    if not verdict.equivalent:
        raise Fail(
            f"base case: your `{closed_name}` at k = 0 is {sp.sstr(base)[:200]}, but "
            f"m^0 = 0 makes it 0 ({verdict.detail})"
        )
    carried = isolated(lambda: recursion.subs(previous, closed))
    following = isolated(lambda: closed.subs(k, k + 1))
    verdict = equivalent(carried, following, sample_point, seed=subseed(rng))
    if not verdict.equivalent:
        raise Fail(
            f"induction step: your `{step_name}` with {previous} = your `{closed_name}` "
            f"is not your `{closed_name}` at k + 1: {verdict.detail}"
        )


@QUESTION.check("q1_steps_tests", points=0.25)
def your_mean_mk_follows_from_your_mean_next_by_induction(student, rng):
    """Your `mean_mk` is 0 at k = 0 and your `mean_next` (with M = your `mean_mk`) gives your
    `mean_mk` at k + 1: your answers prove (a) by induction."""
    expect_induction(student, "mean_mk", "mean_next", M, mu, rng)


@QUESTION.check("q1_steps_tests", points=0.5)
def your_var_mk_follows_from_your_var_next_by_induction(student, rng):
    """Your `var_mk` is 0 at k = 0 and your `var_next` (with V = your `var_mk`) gives your
    `var_mk` at k + 1: your answers prove (b) by induction."""
    expect_induction(student, "var_mk", "var_next", V, sigma, rng)
