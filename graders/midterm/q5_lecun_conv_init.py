"""Question 5: LeCun initialization for a k x k convolution with zero padding (k-1)/2, stride 1.

Theorem. If the inputs X_cij have mean 0 and variance 1, and w ~ N(0, sigma_w^2), b ~ N(0,
sigma_b^2) are i.i.d. and independent of X, then E[Y_cij] = 0 at every pixel and E[Y_cij^2] = n_ij
C_in sigma_w^2 + sigma_b^2, where n_ij counts the pixels of the k x k window around (i, j) that lie
inside the image (padding zeros contribute nothing): k^2 at an interior pixel, k (k+1)/2 on an edge,
((k+1)/2)^2 at a corner. LeCun's choice is sigma_w^2 = 1/fan_in.

The grader never writes those counts down: it counts window pixels directly (a convolution of
an all-ones image with an all-ones kernel), and the tests compare that count with the closed forms.

Cell ``q5_second_moment_tests`` checks ``output_second_moment`` with numbers and with symbols,
and the student's formula itself by Monte Carlo: convolutions the grader draws, on inputs that
are not Gaussian, not independent, yet have mean 0 and variance 1, must have the mean square the
formula states. Cell ``q5_lecun_init_tests`` checks the law of ``lecun_init_``'s weights and
biases with exact tests and its use of torch's global generator. Cell ``q5_steps_tests`` checks
the proof's steps: E[Y] = 0, E[Y^2 | X] = sigma_w^2 S + sigma_b^2 with S the sum of the squared
inputs the window sees, and LeCun's sigma_w^2 = 1/(9 C_in).
"""

import math
from dataclasses import dataclass
from typing import Callable

import sympy as sp
import torch
import torch.nn.functional as F

from graders.core import numeric, stats, symbolic
from graders.core.checks import Fail, Question, subseed
from graders.core.steps import Step, declare_steps
from graders.probes.runtime import SympyText

QUESTION = Question(__name__)

C_in = sp.Symbol("C_in", positive=True, integer=True)
sigma_w = sp.Symbol("sigma_w", positive=True)
sigma_b = sp.Symbol("sigma_b", positive=True)
S = sp.Symbol("S", positive=True)
SYMBOLS = {"C_in": C_in, "sigma_w": sigma_w, "sigma_b": sigma_b, "S": S}

KERNEL_SIZES = (1, 3, 5, 7)
POSITIONS = ("interior", "edge", "corner")
ARTICLE = {"interior": "an", "edge": "an", "corner": "a"}


# ------------------------------------------------------------------ the geometry, counted directly


def window_counts(kernel_size: int, size: int) -> torch.Tensor:
    """How many pixels of each output pixel's window lie inside a size x size image (padding
    (k-1)/2)."""
    ones = torch.ones((1, 1, size, size), dtype=torch.float64)
    kernel = torch.ones((1, 1, kernel_size, kernel_size), dtype=torch.float64)
    return F.conv2d(ones, kernel, padding=(kernel_size - 1) // 2)[0, 0].round().to(torch.int64)


def pixel(position: str, size: int) -> tuple[int, int]:
    """A pixel of each kind in a size x size image: the centre, the middle of the top row, a
    corner."""
    return {"interior": (size // 2, size // 2), "edge": (0, size // 2), "corner": (0, 0)}[position]


def visible_pixels(kernel_size: int, position: str) -> int:
    """n_ij for a pixel of this kind, in an image of size 2k+1 (larger than the kernel)."""
    size = 2 * kernel_size + 1
    return int(window_counts(kernel_size, size)[pixel(position, size)])


def second_moment(c_in, s_w, s_b, kernel_size: int, position: str):
    """The theorem: E[Y^2] = n_ij C_in sigma_w^2 + sigma_b^2 (numbers or SymPy symbols)."""
    return visible_pixels(kernel_size, position) * c_in * s_w**2 + s_b**2


# ------------------------------------------------------------------ q5_second_moment_tests


def _uniform(rng, low, high) -> float:
    """A random number, rounded so that the message shows exactly what was sent."""
    return round(float(torch.empty(()).uniform_(low, high, generator=rng)), 4)


def expect_second_moments(student, position: str, rng) -> None:
    for k in KERNEL_SIZES:
        c_in = int(torch.randint(1, 65, (1,), generator=rng))
        s_w, s_b = _uniform(rng, 0.05, 1.5), _uniform(rng, 0.05, 1.5)
        what = f"output_second_moment({c_in}, {s_w}, {s_b}, kernel_size={k}, position={position!r})"
        got = student.call(
            "output_second_moment", c_in, s_w, s_b, kernel_size=k, position=position, what=what
        )
        if isinstance(got, SympyText):
            raise Fail(
                f"{what} returned the SymPy expression {got[:100]}: with numbers it should "
                "return a float"
            )
        got = numeric.number(got, what)
        want = second_moment(c_in, s_w, s_b, k, position)
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            inside = visible_pixels(k, position)
            raise Fail(
                f"{what} returned {got:.10g}, expected {want:.10g}: the window of "
                f"{ARTICLE[position]} {position} pixel has {inside} "
                f"pixel{'s' if inside > 1 else ''} inside the image, each adding C_in sigma_w^2, "
                "plus sigma_b^2"
            )


@QUESTION.check("q5_second_moment_tests", points=1.0)
def interior_pixels(student, rng):
    """At an interior pixel E[Y^2] = k^2 C_in sigma_w^2 + sigma_b^2, for k = 1, 3, 5, 7 and random
    C_in, sigma_w, sigma_b."""
    expect_second_moments(student, "interior", rng)


@QUESTION.check("q5_second_moment_tests", points=1.0)
def edge_pixels(student, rng):
    """At an edge pixel only part of the window is inside the image, for k = 1, 3, 5, 7 and random
    C_in, sigma_w, sigma_b."""
    expect_second_moments(student, "edge", rng)


@QUESTION.check("q5_second_moment_tests", points=1.0)
def corner_pixels(student, rng):
    """At a corner pixel even less of the window is inside the image, for k = 1, 3, 5, 7 and random
    C_in, sigma_w, sigma_b."""
    expect_second_moments(student, "corner", rng)


def sample_point(rng):
    """A random point of the domain: C_in a positive integer, sigma_w, sigma_b, S > 0."""
    return {
        C_in: rng.randint(1, 512),
        sigma_w: rng.uniform(0.01, 3),
        sigma_b: rng.uniform(0.01, 3),
        S: rng.uniform(0.01, 50),
    }


@QUESTION.check("q5_second_moment_tests", points=1.0)
def symbolic_formulas(student, rng):
    """Called on the symbols C_in, sigma_w, sigma_b, it returns an expression equal to E[Y^2], for k
    = 1, 3, 5, 7 and every kind of pixel."""
    cases = [(k, position) for k in KERNEL_SIZES for position in POSITIONS]
    what = (
        "output_second_moment(C_in, sigma_w, sigma_b, kernel_size=k, position=p) for k = 1, 3, 5, 7"
    )
    answers = student.probe("second_moment_expressions", cases, what=what)
    if not isinstance(answers, list) or len(answers) != len(cases):
        raise Fail(f"{what}: the grader expected {len(cases)} answers")
    seed = subseed(rng)
    for (k, position), text in zip(cases, answers):
        call = (
            f"output_second_moment(C_in, sigma_w, sigma_b, kernel_size={k}, position={position!r})"
        )
        if not isinstance(text, SympyText):
            raise Fail(
                f"{call} returned a {type(text).__name__}, expected a SymPy expression in C_in, "
                "sigma_w, sigma_b"
            )
        answer = symbolic.parse(text, SYMBOLS, what=call)
        verdict = symbolic.equivalent(
            answer,
            second_moment(C_in, sigma_w, sigma_b, k, position),
            sample_point,
            seed=seed,
            points=10,
        )
        if not verdict.equivalent:
            raise Fail(f"{call} = {sp.sstr(answer)[:200]} is not E[Y^2] there: {verdict.detail}")


@QUESTION.check("q5_second_moment_tests", points=0.5)
def default_arguments(student, rng):
    """The defaults are kernel_size=3 and position="interior" (the exam's case), and kernel_size may
    be passed by position."""
    c_in, s_w, s_b = 6, 0.4, 0.3
    calls = [
        ("output_second_moment(6, 0.4, 0.3)", (), {}, 3, "interior"),
        ("output_second_moment(6, 0.4, 0.3, 5)", (5,), {}, 5, "interior"),
        ("output_second_moment(6, 0.4, 0.3, position='edge')", (), {"position": "edge"}, 3, "edge"),
    ]
    for what, args, kwargs, k, position in calls:
        got = numeric.number(
            student.call("output_second_moment", c_in, s_w, s_b, *args, what=what, **kwargs), what
        )
        want = second_moment(c_in, s_w, s_b, k, position)
        if not math.isclose(got, want, rel_tol=1e-9):
            raise Fail(
                f"{what} returned {got:.10g}, expected {want:.10g} ({k}x{k} kernel, {position} "
                "pixel)"
            )


# ------------------------------------------------------------------ your formula, simulated
#
# The theorem needs only E[X] = 0 and E[X^2] = 1 at every pixel: neither a Gaussian law nor
# independent inputs. So the simulation feeds the grader's own random convolutions with inputs
# that have neither property, and compares the mean of Y^2 with the student's formula.


@dataclass(frozen=True)
class InputLaw:
    """A law of input images with E[X] = 0 and E[X^2] = 1 at every pixel, and X^2 <= ``bound``."""

    description: str
    bound: float
    draw: Callable[[tuple, torch.Generator], torch.Tensor]


def _signs(shape, rng):
    return torch.randint(0, 2, shape, generator=rng).to(torch.float32) * 2 - 1


def _uniform_noise(shape, rng):
    return torch.empty(shape).uniform_(-math.sqrt(3), math.sqrt(3), generator=rng)


def _shared_scale_signs(shape, rng):
    scale_squared = torch.empty((shape[0], 1, 1, 1)).uniform_(0.25, 1.75, generator=rng)
    return _signs(shape, rng) * scale_squared.sqrt()


def _neighbour_averaged_signs(shape, rng):
    *head, width = shape
    signs = _signs((*head, width + 1), rng)
    return (signs[..., :-1] + signs[..., 1:]) / math.sqrt(2)


INPUT_LAWS = [
    InputLaw("independent uniform noise on [-sqrt 3, sqrt 3]", 3.0, _uniform_noise),
    InputLaw(
        "random signs times one random scale per image (scale^2 uniform on [0.25, 1.75]): "
        "all pixels dependent",
        1.75,
        _shared_scale_signs,
    ),
    InputLaw(
        "random signs averaged with their right neighbour (neighbouring pixels correlated "
        "0.5, values 0 and +/-sqrt 2)",
        2.0,
        _neighbour_averaged_signs,
    ),
]
FORMULA_RUNS = 100_000


def window_pixel(position: str, kernel_size: int) -> tuple[int, int]:
    """A pixel of each kind in an image of size k + 1, the smallest larger than the kernel."""
    r = (kernel_size - 1) // 2
    return {"interior": (r, r), "edge": (0, r), "corner": (0, 0)}[position]


def simulated_outputs(x, weight, bias, pixel_ij) -> torch.Tensor:
    """Y at one pixel for each run: run n convolves its image x[n] with its own filter weight[n]
    (zero padding (k-1)/2, stride 1) and adds bias[n]. float64 sums."""
    k = weight.shape[-1]
    padded = F.pad(x, [(k - 1) // 2] * 4)
    i, j = pixel_ij
    window = padded[:, :, i : i + k, j : j + k].to(torch.float64)
    return (weight.to(torch.float64) * window).sum(dim=(1, 2, 3)) + bias.to(torch.float64)


def chi_square_mix_tolerance(weights: torch.Tensor, delta: float) -> float:
    """Laurent-Massart: for independent Z_i ~ N(0, 1), sum a_i (Z_i^2 - 1) with a_i >= 0 lies
    within 2 |a|_2 sqrt(t) + 2 |a|_inf t of 0 except with probability 2 e^-t; here
    t = log(2/delta)."""
    t = math.log(2 / delta)
    return 2 * float(weights.norm()) * math.sqrt(t) + 2 * float(weights.max()) * t


@QUESTION.check("q5_second_moment_tests", points=1.5)
def your_formula_matches_simulated_convolutions(student, rng):
    """Your output_second_moment is the mean of Y^2 in simulations: the grader's random conv on
    inputs with mean 0 and variance 1 that are neither Gaussian nor independent (interior, edge,
    corner pixels).

    Sample: for each of 3 input laws (independent uniform noise; signs times a scale shared by
    the whole image; signs averaged with their neighbour), random C_in in 1..3, k in {3, 5},
    sigma_w in [0.3, 0.6], sigma_b in [0.3, 1], 100,000 runs, each with its own image of size
    k + 1 and its own weights w ~ N(0, sigma_w^2) and bias b ~ N(0, sigma_b^2), drawn by the
    grader; Y at an interior, an edge and a corner pixel. Bounds: given the images, Y is exactly
    N(0, V) with V = sigma_w^2 S + sigma_b^2 (S: the window's sum of X^2), so the mean of Y^2 is
    within the Laurent-Massart bound of the mean of V (exact, given the images), and the mean of
    V is within Hoeffding's bound of E[Y^2] (V ranges over an interval of width
    sigma_w^2 * max X^2 * C_in * (pixels in the window)); 9 comparisons, each at
    delta = 1e-9/9 split evenly between the two bounds (union bound: a correct formula fails
    with probability at most 1e-9). Power: since max X^2 <= 3, the tolerance is at most 12.9% of
    E[Y^2], so a formula off by 25.8% or more of E[Y^2] at a simulated pixel (a corner counted
    as interior, sigma_w for sigma_w^2, ...) fails with probability at least 1 - 1e-9 > 0.999.
    """
    delta = stats.FALSE_FAILURE / (len(INPUT_LAWS) * len(POSITIONS))
    cases = []
    for law in INPUT_LAWS:  # the student's numbers first: the simulations then take their time
        c_in = int(torch.randint(1, 4, (1,), generator=rng))
        k = (3, 5)[int(torch.randint(0, 2, (1,), generator=rng))]
        s_w, s_b = _uniform(rng, 0.3, 0.6), _uniform(rng, 0.3, 1.0)
        formulas = {}
        for position in POSITIONS:
            what = (
                f"output_second_moment({c_in}, {s_w}, {s_b}, kernel_size={k}, "
                f"position={position!r})"
            )
            got = student.call(
                "output_second_moment", c_in, s_w, s_b, kernel_size=k, position=position, what=what
            )
            formulas[position] = (what, numeric.number(got, what))
        cases.append((law, c_in, k, s_w, s_b, formulas))
    for law, c_in, k, s_w, s_b, formulas in cases:
        x = law.draw((FORMULA_RUNS, c_in, k + 1, k + 1), rng)
        weight = torch.randn((FORMULA_RUNS, c_in, k, k), generator=rng) * s_w
        bias = torch.randn((FORMULA_RUNS,), generator=rng) * s_b
        padded = F.pad(x, [(k - 1) // 2] * 4)
        for position, (what, formula) in formulas.items():
            i, j = window_pixel(position, k)
            y = simulated_outputs(x, weight, bias, (i, j))
            window = padded[:, :, i : i + k, j : j + k].to(torch.float64)
            v = s_w**2 * window.pow(2).sum(dim=(1, 2, 3)) + s_b**2
            width = s_w**2 * law.bound * c_in * int((window_counts(k, k + 1))[i, j])
            tolerance = chi_square_mix_tolerance(
                v / FORMULA_RUNS, delta / 2
            ) + stats.hoeffding_tolerance(width, FORMULA_RUNS, delta / 2)
            simulated = float(y.pow(2).mean())
            if abs(simulated - formula) > tolerance:
                raise Fail(
                    f"{what} returned {formula:.5g}, but {FORMULA_RUNS} simulated {k}x{k} "
                    f"convolutions (C_in = {c_in}, w ~ N(0, {s_w}^2), b ~ N(0, {s_b}^2)) on inputs "
                    f"of {law.description} give a mean Y^2 of {simulated:.5g} at "
                    f"{ARTICLE[position]} {position} pixel (allowed +/-{tolerance:.3g})"
                )


# ------------------------------------------------------------------ q5_lecun_init_tests


def conv_spec(c_in, c_out, kernel_size, *, bias=True, dtype="float32", sigma_b=None):
    """A plain description of an nn.Conv2d for the kernel-side probe; without ``sigma_b`` the
    student's default is used."""
    k_h, k_w = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    spec = {"c_in": c_in, "c_out": c_out, "kernel_size": [k_h, k_w], "bias": bias, "dtype": dtype}
    if sigma_b is not None:
        spec["sigma_b"] = sigma_b
    return spec


def fan_in(spec) -> int:
    return spec["c_in"] * spec["kernel_size"][0] * spec["kernel_size"][1]


def describe(spec, seed) -> str:
    k_h, k_w = spec["kernel_size"]
    extra = "" if spec["bias"] else ", bias=False"
    extra += "" if spec["dtype"] == "float32" else f", dtype=torch.{spec['dtype']}"
    sigma = f", sigma_b={spec['sigma_b']}" if "sigma_b" in spec else ""
    return (
        f"lecun_init_(nn.Conv2d({spec['c_in']}, {spec['c_out']}, ({k_h}, {k_w}){extra}){sigma}) "
        f"after torch.manual_seed({seed})"
    )


def initialized(student, spec, rng, *, seed=None, inputs=None):
    """(report, what): the conv after the student's init, its weight checked for shape and dtype."""
    seed = subseed(rng) if seed is None else seed
    what = describe(spec, seed)
    report = student.probe("lecun_init", spec, seed, inputs, what=what)
    weight = numeric.tensor(report["weight"], f"{what}: conv.weight")
    numeric.expect_shape(
        weight, (spec["c_out"], spec["c_in"], *spec["kernel_size"]), f"{what}: conv.weight"
    )
    numeric.expect_dtype(weight, getattr(torch, spec["dtype"]), f"{what}: conv.weight")
    numeric.expect_finite(weight, f"{what}: conv.weight")
    return report, what


def expect_mean_zero(z: torch.Tensor, delta: float, what: str) -> None:
    """Exact normal test: the mean of n i.i.d. N(0, 1) is within z_{delta/2}/sqrt(n) of 0."""
    tolerance = stats.gaussian_mean_tolerance(1.0, z.numel(), delta)
    mean = float(z.mean())
    if abs(mean) > tolerance:
        raise Fail(
            f"{what}: their mean is {mean:.4g} standard deviations, expected 0 (allowed "
            f"+/-{tolerance:.2g})"
        )


def expect_unit_mean_square(z: torch.Tensor, delta: float, what: str, variance: str) -> None:
    """Exact chi-square test: sum of n squared i.i.d. N(0, 1) is chi-square with n degrees of
    freedom."""
    low, high = stats.gaussian_second_moment_interval(1.0, z.numel(), delta)
    mean_square = float(z.pow(2).mean())
    if not low <= mean_square <= high:
        raise Fail(
            f"{what}: their mean square is {mean_square:.4g} times {variance}, expected {variance} "
            f"(allowed {low:.4f} to {high:.4f} times)"
        )


def ks_distance_to_standard_normal(z: torch.Tensor) -> float:
    """The Kolmogorov-Smirnov statistic sup_x |empirical CDF of z (x) - Phi(x)|."""
    ordered = torch.sort(z.to(torch.float64)).values
    cdf = torch.special.ndtr(ordered)
    ranks = torch.arange(1, ordered.numel() + 1, dtype=torch.float64)
    return float(
        torch.maximum(ranks / ordered.numel() - cdf, cdf - (ranks - 1) / ordered.numel()).max()
    )


def expect_standard_normal_law(z: torch.Tensor, delta: float, what: str) -> None:
    """Exact Kolmogorov-Smirnov test against N(0, 1), critical value from scipy's kstwo."""
    distance = ks_distance_to_standard_normal(z)
    critical = stats.ks_critical_value(z.numel(), delta)
    if distance > critical:
        raise Fail(
            f"{what}: the largest gap between their empirical CDF and the CDF of the normal law "
            f"is {distance:.4f} (allowed {critical:.4f}): they are not normally distributed with "
            "that variance (a uniform law with the same variance is 0.057 away)"
        )


def standardized_weights(student, spec, rng):
    """The student's weights times sqrt(fan_in): i.i.d. N(0, 1) exactly when the init is right."""
    report, what = initialized(student, spec, rng)
    weight = report["weight"].to(torch.float64).flatten()
    return weight * math.sqrt(
        fan_in(spec)
    ), f"{what}: the {weight.numel()} weights (fan_in = {fan_in(spec)})"


WEIGHT_SPECS = [
    conv_spec(3, 2000, 3),
    conv_spec(16, 256, 5),
    conv_spec(1, 20000, 1),
    conv_spec(5, 1000, (3, 5), dtype="float64"),
    conv_spec(2, 400, 7),
    conv_spec(64, 64, 3, bias=False),
]


@QUESTION.check("q5_lecun_init_tests", points=1.5)
def weights_have_mean_0_and_variance_1_over_fan_in(student, rng):
    """The weights have mean 0 and variance 1/fan_in, fan_in = C_in k_h k_w, for six convolutions (k
    = 1, 3, 5, 7 and 3x5).

    Sample: the 20,000 to 102,400 weights of each convolution (326,464 in all), scaled by
    sqrt(fan_in). Bounds: for a correct init they are exactly i.i.d. N(0, 1), so the mean is
    tested with the exact normal quantile and the mean square with the exact chi-square
    interval (n degrees of freedom: the mean is known); 12 comparisons, each given
    delta = 1e-9/12 (union bound: a correct init fails with probability at most 1e-9).
    Power (n >= 20,000): a variance off by 11% or more either way (fan_out, Kaiming's 2/fan_in,
    std taken for the variance, fan_in without the kernel area, ...), or a mean of 0.07 standard
    deviations or more, is caught with probability at least 0.999.
    """
    delta = stats.FALSE_FAILURE / (2 * len(WEIGHT_SPECS))
    for spec in WEIGHT_SPECS:
        z, what = standardized_weights(student, spec, rng)
        expect_mean_zero(z, delta, what)
        expect_unit_mean_square(z, delta, what, "1/fan_in")


@QUESTION.check("q5_lecun_init_tests", points=1.5)
def weights_are_normally_distributed(student, rng):
    """The weights follow the normal law N(0, 1/fan_in), not just its mean and variance (exact
    Kolmogorov-Smirnov test).

    Sample: the same six convolutions (20,000 to 102,400 weights each), scaled by sqrt(fan_in).
    Bound: for a correct init they are i.i.d. N(0, 1), and the KS distance to N(0, 1) exceeds
    scipy's exact kstwo quantile at level delta = 1e-9/6 with probability delta (union bound
    over 6 comparisons: at most 1e-9; float32 rounding moves the CDF by under 1e-7).
    Power (n >= 20,000): the critical value is at most 0.0241, and by the DKW inequality the
    empirical CDF strays less than 0.0138 from the true one with probability 0.999, so any law
    at KS distance 0.038 or more from N(0, 1/fan_in) is caught with probability at least 0.999;
    the uniform law with the same variance is at distance 0.057.
    """
    delta = stats.FALSE_FAILURE / len(WEIGHT_SPECS)
    for spec in WEIGHT_SPECS:
        z, what = standardized_weights(student, spec, rng)
        expect_standard_normal_law(z, delta, what)


BIAS_SIGMA = 0.7
BIAS_SPEC = conv_spec(1, 20000, 1, sigma_b=BIAS_SIGMA)


@QUESTION.check("q5_lecun_init_tests", points=1.0)
def bias_is_zero_or_normal(student, rng):
    """The bias is exactly 0 when sigma_b = 0 (by default too), N(0, sigma_b^2) otherwise, and stays
    None without one.

    Zero bias: checked exactly (nn.Conv2d's own uniform bias, left untouched, is caught). Sample:
    the 20,000 biases of one convolution with sigma_b = 0.7, divided by sigma_b. Bounds: for a
    correct init they are i.i.d. N(0, 1): exact normal test of the mean, exact chi-square interval
    for the mean square (20,000 degrees of freedom), exact KS (kstwo) test of the law, each at delta
    = 1e-9/3 (union bound: a correct init fails w.p. at most 1e-9). Power: a variance off by 10% or
    more (std squared, the untouched uniform bias, ...), a mean of 0.067 sigma_b or more, or a law
    at KS distance 0.038 or more is caught with probability at least 0.999.
    """
    for spec in [conv_spec(3, 16, 3), conv_spec(3, 16, 3, sigma_b=0.0)]:
        report, what = initialized(student, spec, rng)
        bias = numeric.tensor(report["bias"], f"{what}: conv.bias")
        numeric.expect_close(
            bias, torch.zeros(16, dtype=bias.dtype), f"{what}: conv.bias", rtol=0, atol=0
        )
    report, what = initialized(student, conv_spec(3, 16, 3, bias=False, sigma_b=0.5), rng)
    if report["bias"] is not None:
        raise Fail(f"{what}: a conv without bias should keep conv.bias = None")
    report, what = initialized(student, BIAS_SPEC, rng)
    bias = numeric.tensor(report["bias"], f"{what}: conv.bias")
    numeric.expect_shape(bias, (BIAS_SPEC["c_out"],), f"{what}: conv.bias")
    z = bias.to(torch.float64) / BIAS_SIGMA
    what = f"{what}: the {z.numel()} biases"
    delta = stats.FALSE_FAILURE / 3
    expect_mean_zero(z, delta, what)
    expect_unit_mean_square(z, delta, what, f"sigma_b^2 = {BIAS_SIGMA**2:g}")
    expect_standard_normal_law(z, delta, what)


@QUESTION.check("q5_lecun_init_tests", points=0.5)
def draws_from_torchs_global_generator(student, rng):
    """The same torch.manual_seed gives the same weights and bias; different seeds give different
    ones."""
    spec = conv_spec(4, 8, 3, sigma_b=0.3)
    first, second = (int(s) for s in torch.randperm(2**20, generator=rng)[:2])
    report, what = initialized(student, spec, rng, seed=first)
    again, _ = initialized(student, spec, rng, seed=first)
    other, other_what = initialized(student, spec, rng, seed=second)
    for name in ("weight", "bias"):
        if not torch.equal(
            numeric.tensor(report[name], f"{what}: conv.{name}"),
            numeric.tensor(again[name], f"{what}: conv.{name}"),
        ):
            raise Fail(
                f"{what}, run twice, gave two different conv.{name}: everything lecun_init_ sets "
                "must be drawn from torch's global generator after the seed (a bias left as "
                "nn.Conv2d made it, a torch.Generator of your own or seeding from the clock "
                "breaks this)"
            )
    if torch.equal(report["weight"], other["weight"]):
        raise Fail(
            f"{what} and {other_what} gave the same weights: the seed of torch's global "
            "generator has no effect (a torch.Generator of your own with a fixed seed, or "
            "torch.manual_seed inside lecun_init_?)"
        )


@QUESTION.check("q5_lecun_init_tests", points=0.5)
def returns_the_same_working_conv(student, rng):
    """It returns conv itself, re-initialized in place: weight still a Parameter of the same shape
    and dtype, settings unchanged, conv(x) consistent."""
    spec = conv_spec(3, 5, 3, dtype="float64", sigma_b=0.2)
    x = torch.randn((2, 3, 6, 6), generator=rng, dtype=torch.float64)
    report, what = initialized(student, spec, rng, inputs=x)
    if not report["returned_conv"]:
        raise Fail(
            f"{what} should return conv itself (the object it re-initialized), not a copy or None"
        )
    if not report["weight_is_parameter"]:
        raise Fail(
            f"{what}: conv.weight should stay an nn.Parameter (change its values, not the "
            "attribute)"
        )
    if report["settings"] != [[1, 1], [1, 1], [1, 1], 1, "zeros"]:
        raise Fail(
            f"{what} changed the layer's stride, padding, dilation or groups: {report['settings']}"
        )
    bias = numeric.tensor(report["bias"], f"{what}: conv.bias")
    want = F.conv2d(x, report["weight"], bias, padding=1)
    numeric.expect_close(
        report["output"],
        want,
        f"{what}: conv(x) for x of shape (2, 3, 6, 6)",
        rtol=1e-10,
        atol=1e-12,
    )


# ------------------------------------------------------------------ q5_steps_tests

declare_steps(
    QUESTION,
    "q5_steps_tests",
    [
        Step("mean_output", sp.Integer(0), "E[Y_cij]", points=0.5),
        Step(
            "conditional_second_moment",
            sigma_w**2 * S + sigma_b**2,
            "E[Y_cij^2 | X] in terms of S (the sum of X^2 over the window), sigma_w and sigma_b",
            points=1.5,
        ),
        Step(
            "lecun_variance",
            1 / (9 * C_in),
            "the sigma_w^2 for which E[Y^2] at an interior pixel of a 3x3 conv with sigma_b = 0 "
            "equals the inputs' mean square 1",
            points=1.0,
        ),
    ],
    SYMBOLS,
    sample_point,
)
