"""Question 3: logistic regression on separable data: the infimum 0 is approached, never attained.

Theorem. If (a, b) separates the data (every margin z_i = Y_i (a^T X_i + b) > 0), then
(a) for every eps > 0 some C > 0 gives L(Ca, Cb) = sum_i log(1 + exp(-C z_i)) < eps, so p* = 0;
(b) L(a, b) > 0 for every (a, b), so no point attains it.

Proof of (a): with t = min_i z_i > 0, every term is at most log(1 + e^{-Ct}), so
L(Ca, Cb) <= N log(1 + e^{-Ct}) (the worst case: all N margins equal to t), which tends to 0 as
C -> oo; C = log(N/eps)/t gives N log(1 + eps/N) < eps for every eps > 0 (log(1 + x) < x). The
seed's "e^{-Ct} < e^{eps/N} - 1, i.e. C = -log(e^{eps/N} - 1)/t" is negative once eps/N > log 2.

Cell ``q3_loss_and_scale_tests`` checks ``logistic_loss`` against a 40-digit mpmath evaluation
(on ordinary data, at margins down to -1e4, and at margins up to 700 where a float formula that
rounds log(1 + e^{-z}) to 0 contradicts part (b)), then ``scale_for_epsilon``: the loss of
(C a, C b), evaluated by the same trusted mpmath sum, must be below eps (part (a)), for eps from
1e-12 up to 0.999 (above log 2 with N = 1 too).

Cell ``q3_steps_tests`` grades the proof's two steps by their properties, not by one formula
(many bounds and many C are right): ``loss_bound`` is at least the worst-case loss
N log(1 + e^{-Ct}) on a grid of (C, t, N) and tends to 0 as C -> oo; ``scale_formula`` is a
finite C > 0 at which both the student's own bound and the true worst-case loss are below eps,
on a grid with eps up to 0.999, N = 1 to 1e4 and t down to 1e-6. A guessed bound (0) earns
nothing: its limit only counts for a valid bound.

Exact margins. Data for the loss checks are dyadic (X, a, b multiples of 1/8 or 1/32, small
magnitudes), so Y_i (a^T X_i + b) is computed exactly in float64 whatever the summation order:
any difference from the reference comes from the student's loss formula alone.

Tolerance: rtol 1e-9. A stable float64 formula is accurate to a few ulps per term, and a sum of
positive terms keeps that relative accuracy; 1e-9 also accepts torch.nn.functional.softplus,
which returns x for x > 20 (relative error e^{-20}/20 ~ 1e-10).
"""

import math

import mpmath
import sympy as sp
import torch

from graders.core import numeric
from graders.core.checks import Fail, Question
from graders.core.errors import NotChecked
from graders.core.symbolic import isolated, numbers_at

QUESTION = Question(__name__)

t = sp.Symbol("t", positive=True)  # the smallest margin of the separating (a, b)
N = sp.Symbol("N", positive=True, integer=True)
eps = sp.Symbol("eps", positive=True)  # 0 < eps < 1
C = sp.Symbol("C", positive=True)
SYMBOLS = {"t": t, "N": N, "eps": eps, "C": C}

#: The loss of (C a, C b) when all N margins equal t: the largest with smallest margin t.
WORST_CASE_LOSS = N * sp.log(1 + sp.exp(-C * t))

RTOL = 1e-9
#: eps tried for part (a): above log 2 (where e^{eps/N} - 1 > 1) down to 1e-12.
EPSILONS = [0.999, 0.9, 0.7, 0.5, 0.1, 1e-3, 1e-6, 1e-12]
#: Below this exact loss, a float64 answer may round to 0 (the spec's threshold).
SMALLEST_POSITIVE = 1e-300
DIGITS = 40


# ------------------------------------------------------------------ trusted loss


def exact_loss(margins: torch.Tensor, scale: float = 1.0) -> float:
    """sum_i log(1 + exp(-scale * z_i)) with 40 significant digits, rounded once to float64."""
    with mpmath.workdps(DIGITS):
        c = mpmath.mpf(scale)
        return float(
            mpmath.fsum(mpmath.log1p(mpmath.exp(-c * mpmath.mpf(z))) for z in margins.tolist())
        )


def margins_of(a, b, X, Y) -> torch.Tensor:
    return Y * (X @ a + float(b))


# ------------------------------------------------------------------ data


def dyadic(rng, shape, bound: float, denominator: int) -> torch.Tensor:
    """Uniform multiples of 1/denominator in [-bound, bound], float64 (exact)."""
    top = int(bound * denominator)
    return torch.randint(-top, top + 1, shape, generator=rng).to(torch.float64) / denominator


def signs(rng, N: int) -> torch.Tensor:
    return (torch.randint(0, 2, (N,), generator=rng) * 2 - 1).to(torch.float64)


def ordinary_data(rng, N: int, p: int):
    """Random (a, b, X, Y), margins exact and at most about 4 in magnitude (not necessarily
    separable)."""
    X = dyadic(rng, (N, p), 1.0, 8)
    a = dyadic(rng, (p,), 1.0 / math.sqrt(p), 8)
    b = float(dyadic(rng, (), 1.0, 8))
    return a, b, X, signs(rng, N)


def data_with_margins(rng, margins: torch.Tensor):
    """(a, b, X, Y), p = 2, with Y_i (a^T X_i + b) exactly equal to the given margins (multiples of
    1/4, |z| <= 1e4)."""
    N = margins.shape[0]
    Y = signs(rng, N)
    b = float(dyadic(rng, (), 2.0, 4))
    second = dyadic(rng, (N,), 3.0, 8)
    a = torch.tensor([2.0, 0.5], dtype=torch.float64)
    first = (Y * margins - b - 0.5 * second) / 2  # multiples of 1/32 below 2^14: exact
    return a, b, torch.stack([first, second], dim=1), Y


def quarter_margins(rng, N: int, low: float, high: float) -> torch.Tensor:
    """N margins, multiples of 1/4, uniform in [low, high], with both ends included when N >= 2."""
    z = torch.randint(int(low * 4), int(high * 4) + 1, (N,), generator=rng).to(torch.float64) / 4
    if N >= 2:
        z[0], z[1] = low, high
    return z


def separable_data(rng, N: int, p: int, spread: float, scale: float, closest: float | None = None):
    """(a, b, X, Y) with (a, b) separating the data: Y = sign(a^T X + b), margins spread over [min,
    min * spread].

    ``closest`` places one point at that margin (a point almost on the separating hyperplane).
    """
    a = torch.randn(p, generator=rng, dtype=torch.float64)
    b = float(torch.randn((), generator=rng, dtype=torch.float64))
    Y = signs(rng, N)
    z = torch.empty(N, dtype=torch.float64).uniform_(1.0, spread, generator=rng)
    if closest is not None:
        z[0] = closest
    # X_i = x0_i + t_i a / |a|^2 with x0_i on the hyperplane a^T x + b = 0,
    # so a^T X_i + b = t_i = Y_i z_i.
    free = torch.randn((N, p), generator=rng, dtype=torch.float64) * 3
    on_plane = free - ((free @ a + b) / (a @ a))[:, None] * a
    X = on_plane + (Y * z / (a @ a))[:, None] * a
    return a * scale, b * scale, X, Y


# ------------------------------------------------------------------ student calls


def student_loss(student, a, b, X, Y, label: str) -> tuple[torch.Tensor, str]:
    kind = "a 0-d tensor" if isinstance(b, torch.Tensor) else "a float"
    what = f"logistic_loss(a, b, X, Y) with N={X.shape[0]}, p={X.shape[1]}, b {kind}, {label}"
    got = numeric.tensor(student.call("logistic_loss", a, b, X, Y, what=what), what)
    numeric.expect_shape(got, (), what)
    numeric.expect_dtype(got, torch.float64, what)
    return got, what


def expect_loss(student, a, b, X, Y, label: str) -> None:
    got, what = student_loss(student, a, b, X, Y, label)
    exact = exact_loss(margins_of(a, b, X, Y))
    numeric.expect_finite(got, what)
    value = float(got)
    if exact >= SMALLEST_POSITIVE and not value > 0:
        raise Fail(
            f"{what}: got {value!r}, but the loss is {exact:.6g} > 0 (part (b): the logistic "
            "loss is never 0; log(1 + exp(-z)) in floating point rounds to 0 once exp(-z) is "
            "below 1e-16)"
        )
    atol = 0.0 if exact >= SMALLEST_POSITIVE else SMALLEST_POSITIVE
    numeric.expect_close(got, torch.tensor(exact, dtype=torch.float64), what, rtol=RTOL, atol=atol)


def expect_scale(student, a, b, X, Y, eps: float, label: str) -> None:
    kind = "a 0-d tensor" if isinstance(b, torch.Tensor) else "a float"
    what = (
        f"scale_for_epsilon(a, b, X, Y, eps={eps:g}) with N={X.shape[0]}, p={X.shape[1]}, b "
        f"{kind}, {label}"
    )
    C = numeric.number(student.call("scale_for_epsilon", a, b, X, Y, eps, what=what), what)
    if not (math.isfinite(C) and C > 0):
        raise Fail(f"{what} returned C = {C!r}; expected a finite C > 0")
    loss = exact_loss(margins_of(a, b, X, Y), C)
    if not loss < eps:
        margins = margins_of(a, b, X, Y)
        raise Fail(
            f"{what} returned C = {C:.6g}, but the loss at (C a, C b) is {loss:.6g}, not below "
            f"eps (margins of (a, b) range from {margins.min().item():.3g} to "
            f"{margins.max().item():.3g})"
        )


# ------------------------------------------------------------------ q3_loss_and_scale_tests


@QUESTION.check("q3_loss_and_scale_tests", points=1.0)
def logistic_loss_matches_the_exact_value(student, rng):
    """`logistic_loss` returns the 0-d float64 tensor sum_i log(1 + exp(-Y_i (a^T X_i + b))) on
    random data (N = 1 to 60, p = 1 to 10)."""
    for N, p in [(1, 1), (6, 3), (60, 10)]:
        a, b, X, Y = ordinary_data(rng, N, p)
        expect_loss(student, a, b, X, Y, "margins between -4 and 4")


@QUESTION.check("q3_loss_and_scale_tests", points=0.5)
def logistic_loss_finite_for_margins_down_to_minus_1e4(student, rng):
    """`logistic_loss` is finite and accurate for margins down to -1e4 (exp(-z) overflows there)."""
    for N, low, high in [(1, -1e4, -1e4), (20, -1e4, -1e3), (30, -800.0, 50.0)]:
        margins = quarter_margins(rng, N, low, high)
        a, b, X, Y = data_with_margins(rng, margins)
        expect_loss(student, a, b, X, Y, f"margins from {low:g} to {high:g}")


@QUESTION.check("q3_loss_and_scale_tests", points=0.75)
def logistic_loss_never_rounds_to_zero(student, rng):
    """Part (b) in floating point: `logistic_loss` is > 0 and accurate for margins from 37 to 690
    (exact loss >= 1e-300), and within 1e-300 of it up to 700."""
    for N, low, high in [
        (10, 37.0, 60.0),
        (25, 100.0, 400.0),
        (8, 600.0, 690.0),
        (1, 690.75, 690.75),
        (5, 695.0, 700.0),
    ]:
        margins = quarter_margins(rng, N, low, high)
        a, b, X, Y = data_with_margins(rng, margins)
        expect_loss(student, a, b, X, Y, f"margins from {low:g} to {high:g}")


@QUESTION.check("q3_loss_and_scale_tests", points=1.0)
def scale_for_epsilon_reaches_eps(student, rng):
    """Part (a): a finite C > 0 with loss(C a, C b) < eps, eps from 1e-12 up to 0.999 (N = 1 too).

    N = 1 to 300, p = 1 to 20; eps above log 2 with N = 1 is where the seed's C is negative.
    """
    sets = [(1, 1, 1.0, 1.0), (2, 3, 2.0, 0.1), (12, 2, 3.0, 0.01), (300, 20, 50.0, 100.0)]
    for n, p, spread, scale in sets:
        a, b, X, Y = separable_data(rng, n, p, spread, scale)
        label = f"margins of (a, b) spread by a factor {spread:g}"
        for epsilon in EPSILONS:
            expect_scale(student, a, b, X, Y, epsilon, label)


@QUESTION.check("q3_loss_and_scale_tests", points=0.5)
def scale_for_epsilon_with_a_point_near_the_boundary(student, rng):
    """Part (a) when one point is almost on the separating hyperplane (margin 1e-6 to 1e-3, others
    up to 1e3): C must grow with 1/(smallest margin)."""
    for n, p, closest in [(40, 3, 1e-3), (200, 5, 1e-6)]:
        a, b, X, Y = separable_data(rng, n, p, 1e3, 1.0, closest=closest)
        for epsilon in [0.5, 1e-4, 1e-12]:
            expect_scale(student, a, b, X, Y, epsilon, f"smallest margin {closest:g}")


@QUESTION.check("q3_loss_and_scale_tests", points=0.25)
def b_may_be_a_tensor(student, rng):
    """Both functions accept b as a 0-d float64 tensor as well as a float."""
    a, b, X, Y = ordinary_data(rng, 15, 4)
    expect_loss(student, a, torch.tensor(b, dtype=torch.float64), X, Y, "margins between -4 and 4")
    a, b, X, Y = separable_data(rng, 30, 3, 10.0, 1.0)
    expect_scale(
        student,
        a,
        torch.tensor(b, dtype=torch.float64),
        X,
        Y,
        1e-6,
        "margins of (a, b) spread by a factor 10",
    )


# ------------------------------------------------------------------ q3_steps_tests

#: (C, t, N) where a bound must be at least the worst-case loss: C t from 1e-5 (loss near N log 2)
#: to 1e3 (loss near N e^{-1000}), N from 1 to 1e4.
BOUND_GRID = [
    (c_, t_, n_) for c_ in (0.01, 1, 50) for t_ in (1e-3, 0.2, 20) for n_ in (1, 2, 7, 10_000)
]
#: (t, N) at which the bound's limit as C -> oo must be 0.
LIMIT_POINTS = [(sp.Rational(1, 3), 1), (sp.Integer(2), 5), (sp.Rational(1, 1000), 10_000)]
#: (eps, t, N) at which scale_formula must work: eps above log 2 with N = 1, tiny t, large N.
SCALE_GRID = [
    (e_, t_, n_)
    for e_ in (0.999, 0.9, 0.7, 0.5, 1e-3, 1e-12)
    for t_ in (1e-6, 0.05, 3)
    for n_ in (1, 2, 10_000)
]


def student_bound(student) -> sp.Expr:
    return student.expression("loss_bound", SYMBOLS)


def worst_case(C_: float, t_: float, N_: int) -> float:
    """N log(1 + e^{-C t}) with 40 digits: the largest loss of N points of smallest margin t."""
    with mpmath.workdps(DIGITS):
        return float(N_ * mpmath.log1p(mpmath.exp(-mpmath.mpf(C_) * mpmath.mpf(t_))))


def expect_bounds_the_worst_case(bound: sp.Expr, grid) -> None:
    """``Fail`` at the first (C, t, N) of ``grid`` where the bound is below the true worst case."""
    claims = numbers_at(bound, [{C: C_, t: t_, N: N_} for C_, t_, N_ in grid], "`loss_bound`")
    for (C_, t_, N_), claimed in zip(grid, claims):
        worst = worst_case(C_, t_, N_)
        if claimed < worst * (1 - 1e-12):
            raise Fail(
                f"`loss_bound` = {sp.sstr(bound)[:150]} is not an upper bound on the loss: at "
                f"C={C_:g}, t={t_:g}, N={N_} it is {claimed:.10g}, but N points all at margin t "
                f"have loss N log(1 + e^(-C t)) = {worst:.10g}"
            )


@QUESTION.check("q3_steps_tests", points=1.5)
def loss_bound_bounds_every_data_set(student, rng):
    """`loss_bound` >= N log(1 + e^(-C t)), the worst loss, for C t in [1e-5, 1e3], N in [1, 1e4].

    The worst data set with smallest margin t has all N margins equal to t.
    """
    expect_bounds_the_worst_case(student_bound(student), BOUND_GRID)


def limit_in_C(bound: sp.Expr, t_, N_):
    """lim_{C -> oo} of the bound at fixed (t, N): SymPy's limit, or, where SymPy cannot take it,
    0 if the bound is below 1e-9 at C t = 1e12 and non-increasing from C t = 1 on (a bound that
    decays slower than that is not credited), else the value at C t = 1e12. Substituting numbers
    into the student's bound happens inside the isolated child too."""
    try:
        return isolated(lambda: sp.limit(bound.subs({t: t_, N: N_}), C, sp.oo))
    except NotChecked:
        raise
    except Exception:
        points = [{C: 10**k / t_, t: t_, N: N_} for k in (0, 3, 6, 12)]
        values = numbers_at(bound, points, "`loss_bound`")
        decreasing = all(later <= earlier for earlier, later in zip(values, values[1:]))
        return 0 if decreasing and abs(values[-1]) < 1e-9 else sp.Float(values[-1], 6)


@QUESTION.check("q3_steps_tests", points=1.0)
def loss_bound_tends_to_zero(student, rng):
    """`loss_bound` -> 0 as C -> oo (at three (t, N)); it counts only for a valid bound."""
    bound = student_bound(student)
    for t_, N_ in LIMIT_POINTS:
        limit = limit_in_C(bound, t_, N_)
        if limit != 0:
            raise Fail(
                f"`loss_bound` = {sp.sstr(bound)[:150]} does not tend to 0 as C -> oo: at t={t_}, "
                f"N={N_} its limit is {sp.sstr(limit)[:60]} (a bound that stays away from 0 cannot "
                "show p* = 0)"
            )
    expect_bounds_the_worst_case(bound, BOUND_GRID[::5])


@QUESTION.check("q3_steps_tests", points=1.5)
def scale_formula_makes_the_loss_below_eps(student, rng):
    """`scale_formula` is a C > 0 with `loss_bound` < eps and N log(1 + e^(-C t)) < eps.

    For eps from 1e-12 up to 0.999 (above log 2 with N = 1), t from 1e-6 to 3, N from 1 to 1e4.
    """
    bound, scale = student_bound(student), student.expression("scale_formula", SYMBOLS)
    scales = numbers_at(
        scale, [{eps: e_, t: t_, N: n_} for e_, t_, n_ in SCALE_GRID], "`scale_formula`"
    )
    for (eps_, t_, N_), value in zip(SCALE_GRID, scales):
        if not (math.isfinite(value) and value > 0):
            at = f"eps={eps_:g}, t={t_:g}, N={N_}"
            raise Fail(
                f"`scale_formula` = {sp.sstr(scale)[:150]} is {value:.6g} at {at}; "
                "expected a finite C > 0"
            )
    at_scales = [{C: c_, t: t_, N: n_} for (_, t_, n_), c_ in zip(SCALE_GRID, scales)]
    claims = numbers_at(bound, at_scales, "`loss_bound`")
    for (eps_, t_, N_), value, claimed in zip(SCALE_GRID, scales, claims):
        at = f"eps={eps_:g}, t={t_:g}, N={N_}"
        worst = worst_case(value, t_, N_)
        if not (claimed < eps_ and worst < eps_):
            if claimed >= eps_:
                which = f"your `loss_bound` is {claimed:.6g}"
            else:
                which = f"the loss can be {worst:.6g}"
            raise Fail(
                f"`scale_formula` = {sp.sstr(scale)[:150]} gives C = {value:.6g} at {at}, but "
                f"there {which}, not below eps"
            )
