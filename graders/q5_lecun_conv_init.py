"""Question 5: LeCun initialization for a k x k convolution with zero padding (k-1)/2, stride 1.

Theorem. If the inputs X_cij have mean 0 and variance 1, and w ~ N(0, sigma_w^2), b ~ N(0, sigma_b^2)
are i.i.d. and independent of X, then E[Y_cij] = 0 at every pixel and
E[Y_cij^2] = n_ij C_in sigma_w^2 + sigma_b^2, where n_ij counts the pixels of the k x k window
around (i, j) that lie inside the image (padding zeros contribute nothing): k^2 at an interior
pixel, k (k+1)/2 on an edge, ((k+1)/2)^2 at a corner. LeCun's choice is sigma_w^2 = 1/fan_in.

The grader never writes those counts down: it counts window pixels directly (a convolution of
an all-ones image with an all-ones kernel), and the tests compare that count with the closed forms.

Cell ``q5_second_moment_tests`` checks ``output_second_moment`` with numbers and with symbols;
cell ``q5_lecun_init_tests`` checks the law of ``lecun_init_``'s weights and biases with exact
tests, its use of torch's global generator, and the theorem by Monte Carlo under that init.
"""

import math

import sympy as sp
import torch
import torch.nn.functional as F

from graders.core import numeric, stats, symbolic
from graders.core.checks import Fail, Question
from graders.probes.runtime import SympyText

QUESTION = Question("q5_lecun_conv_init", probes="q5_lecun_conv_init")

C_in = sp.Symbol("C_in", positive=True, integer=True)
sigma_w = sp.Symbol("sigma_w", positive=True)
sigma_b = sp.Symbol("sigma_b", positive=True)
SYMBOLS = {"C_in": C_in, "sigma_w": sigma_w, "sigma_b": sigma_b}

KERNEL_SIZES = (1, 3, 5, 7)
POSITIONS = ("interior", "edge", "corner")
ARTICLE = {"interior": "an", "edge": "an", "corner": "a"}


# ------------------------------------------------------------------ the geometry, counted directly


def window_counts(kernel_size: int, size: int) -> torch.Tensor:
    """How many pixels of each output pixel's window lie inside a size x size image (padding (k-1)/2)."""
    ones = torch.ones((1, 1, size, size), dtype=torch.float64)
    kernel = torch.ones((1, 1, kernel_size, kernel_size), dtype=torch.float64)
    return F.conv2d(ones, kernel, padding=(kernel_size - 1) // 2)[0, 0].round().to(torch.int64)


def pixel(position: str, size: int) -> tuple[int, int]:
    """A pixel of each kind in a size x size image: the centre, the middle of the top row, a corner."""
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
        got = student.call("output_second_moment", c_in, s_w, s_b, kernel_size=k, position=position, what=what)
        if isinstance(got, SympyText):
            raise Fail(f"{what} returned the SymPy expression {got[:100]}: with numbers it should return a float")
        got = numeric.number(got, what)
        want = second_moment(c_in, s_w, s_b, k, position)
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            inside = visible_pixels(k, position)
            raise Fail(
                f"{what} returned {got:.10g}, expected {want:.10g}: the window of {ARTICLE[position]} {position} "
                f"pixel has {inside} pixel{'s' if inside > 1 else ''} inside the image, each adding C_in sigma_w^2, "
                "plus sigma_b^2"
            )


@QUESTION.check("q5_second_moment_tests", points=1.0)
def interior_pixels(student, rng):
    """At an interior pixel E[Y^2] = k^2 C_in sigma_w^2 + sigma_b^2, for k = 1, 3, 5, 7 and random C_in, sigma_w, sigma_b."""
    expect_second_moments(student, "interior", rng)


@QUESTION.check("q5_second_moment_tests", points=1.0)
def edge_pixels(student, rng):
    """At an edge pixel only part of the window is inside the image, for k = 1, 3, 5, 7 and random C_in, sigma_w, sigma_b."""
    expect_second_moments(student, "edge", rng)


@QUESTION.check("q5_second_moment_tests", points=1.0)
def corner_pixels(student, rng):
    """At a corner pixel even less of the window is inside the image, for k = 1, 3, 5, 7 and random C_in, sigma_w, sigma_b."""
    expect_second_moments(student, "corner", rng)


def sample_point(rng):
    """A random point of the domain: C_in a positive integer, sigma_w, sigma_b > 0."""
    return {C_in: rng.randint(1, 512), sigma_w: rng.uniform(0.01, 3), sigma_b: rng.uniform(0.01, 3)}


@QUESTION.check("q5_second_moment_tests", points=1.5)
def symbolic_formulas(student, rng):
    """Called on the symbols C_in, sigma_w, sigma_b, it returns an expression equal to E[Y^2], for k = 1, 3, 5, 7 and every kind of pixel."""
    cases = [(k, position) for k in KERNEL_SIZES for position in POSITIONS]
    what = "output_second_moment(C_in, sigma_w, sigma_b, kernel_size=k, position=p) for k = 1, 3, 5, 7"
    answers = student.probe("second_moment_expressions", cases, what=what)
    if not isinstance(answers, list) or len(answers) != len(cases):
        raise Fail(f"{what}: the grader expected {len(cases)} answers")
    seed = int(torch.randint(2**31, (1,), generator=rng))
    for (k, position), text in zip(cases, answers):
        call = f"output_second_moment(C_in, sigma_w, sigma_b, kernel_size={k}, position={position!r})"
        if not isinstance(text, SympyText):
            raise Fail(f"{call} returned a {type(text).__name__}, expected a SymPy expression in C_in, sigma_w, sigma_b")
        answer = symbolic.parse(text, SYMBOLS, what=call)
        verdict = symbolic.equivalent(answer, second_moment(C_in, sigma_w, sigma_b, k, position), sample_point, seed=seed, points=10)
        if not verdict.equivalent:
            raise Fail(f"{call} = {sp.sstr(answer)[:200]} is not E[Y^2] there: {verdict.detail}")


@QUESTION.check("q5_second_moment_tests", points=0.5)
def default_arguments(student, rng):
    """The defaults are kernel_size=3 and position="interior" (the exam's case), and kernel_size may be passed by position."""
    c_in, s_w, s_b = 6, 0.4, 0.3
    calls = [
        ("output_second_moment(6, 0.4, 0.3)", (), {}, 3, "interior"),
        ("output_second_moment(6, 0.4, 0.3, 5)", (5,), {}, 5, "interior"),
        ("output_second_moment(6, 0.4, 0.3, position='edge')", (), {"position": "edge"}, 3, "edge"),
    ]
    for what, args, kwargs, k, position in calls:
        got = numeric.number(student.call("output_second_moment", c_in, s_w, s_b, *args, what=what, **kwargs), what)
        want = second_moment(c_in, s_w, s_b, k, position)
        if not math.isclose(got, want, rel_tol=1e-9):
            raise Fail(f"{what} returned {got:.10g}, expected {want:.10g} ({k}x{k} kernel, {position} pixel)")


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
    seed = int(torch.randint(2**31, (1,), generator=rng)) if seed is None else seed
    what = describe(spec, seed)
    report = student.probe("lecun_init", spec, seed, inputs, what=what)
    weight = numeric.tensor(report["weight"], f"{what}: conv.weight")
    numeric.expect_shape(weight, (spec["c_out"], spec["c_in"], *spec["kernel_size"]), f"{what}: conv.weight")
    numeric.expect_dtype(weight, getattr(torch, spec["dtype"]), f"{what}: conv.weight")
    numeric.expect_finite(weight, f"{what}: conv.weight")
    return report, what


def expect_mean_zero(z: torch.Tensor, delta: float, what: str) -> None:
    """Exact normal test: the mean of n i.i.d. N(0, 1) is within z_{delta/2}/sqrt(n) of 0."""
    tolerance = stats.gaussian_mean_tolerance(1.0, z.numel(), delta)
    mean = float(z.mean())
    if abs(mean) > tolerance:
        raise Fail(f"{what}: their mean is {mean:.4g} standard deviations, expected 0 (allowed +/-{tolerance:.2g})")


def expect_unit_mean_square(z: torch.Tensor, delta: float, what: str, variance: str) -> None:
    """Exact chi-square test: sum of n squared i.i.d. N(0, 1) is chi-square with n degrees of freedom."""
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
    return float(torch.maximum(ranks / ordered.numel() - cdf, cdf - (ranks - 1) / ordered.numel()).max())


def expect_standard_normal_law(z: torch.Tensor, delta: float, what: str) -> None:
    """Exact Kolmogorov-Smirnov test against N(0, 1), critical value from scipy's kstwo."""
    distance = ks_distance_to_standard_normal(z)
    critical = stats.ks_critical_value(z.numel(), delta)
    if distance > critical:
        raise Fail(
            f"{what}: the largest gap between their empirical CDF and the CDF of the normal law is "
            f"{distance:.4f} (allowed {critical:.4f}): they are not normally distributed with that variance "
            "(a uniform law with the same variance is 0.057 away)"
        )


def standardized_weights(student, spec, rng):
    """The student's weights times sqrt(fan_in): i.i.d. N(0, 1) exactly when the init is right."""
    report, what = initialized(student, spec, rng)
    weight = report["weight"].to(torch.float64).flatten()
    return weight * math.sqrt(fan_in(spec)), f"{what}: the {weight.numel()} weights (fan_in = {fan_in(spec)})"


WEIGHT_SPECS = [
    conv_spec(3, 2000, 3),
    conv_spec(16, 256, 5),
    conv_spec(1, 20000, 1),
    conv_spec(5, 1000, (3, 5), dtype="float64"),
    conv_spec(2, 400, 7),
    conv_spec(64, 64, 3, bias=False),
]


@QUESTION.check("q5_lecun_init_tests", points=2.0)
def weights_have_mean_0_and_variance_1_over_fan_in(student, rng):
    """The weights have mean 0 and variance 1/fan_in, fan_in = C_in k_h k_w, for six convolutions (k = 1, 3, 5, 7 and 3x5).

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
    """The weights follow the normal law N(0, 1/fan_in), not just its mean and variance (exact Kolmogorov-Smirnov test).

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
    """The bias is exactly 0 when sigma_b = 0 (by default too), N(0, sigma_b^2) otherwise, and stays None without one.

    Zero bias: checked exactly (nn.Conv2d's own uniform bias, left untouched, is caught).
    Sample: the 20,000 biases of one convolution with sigma_b = 0.7, divided by sigma_b.
    Bounds: for a correct init they are i.i.d. N(0, 1): exact normal test of the mean, exact
    chi-square interval for the mean square (20,000 degrees of freedom), exact KS (kstwo) test
    of the law, each at delta = 1e-9/3 (union bound: a correct init fails w.p. at most 1e-9). Power: a variance off by 10% or more
    (std squared, the untouched uniform bias, ...), a mean of 0.067 sigma_b or more, or a law
    at KS distance 0.038 or more is caught with probability at least 0.999.
    """
    for spec in [conv_spec(3, 16, 3), conv_spec(3, 16, 3, sigma_b=0.0)]:
        report, what = initialized(student, spec, rng)
        bias = numeric.tensor(report["bias"], f"{what}: conv.bias")
        numeric.expect_close(bias, torch.zeros(16, dtype=bias.dtype), f"{what}: conv.bias", rtol=0, atol=0)
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


@QUESTION.check("q5_lecun_init_tests", points=1.0)
def draws_from_torchs_global_generator(student, rng):
    """The same torch.manual_seed gives the same weights and bias; different seeds give different ones."""
    spec = conv_spec(4, 8, 3, sigma_b=0.3)
    first, second = (int(s) for s in torch.randperm(2**20, generator=rng)[:2])
    report, what = initialized(student, spec, rng, seed=first)
    again, _ = initialized(student, spec, rng, seed=first)
    other, other_what = initialized(student, spec, rng, seed=second)
    for name in ("weight", "bias"):
        if not torch.equal(numeric.tensor(report[name], f"{what}: conv.{name}"), numeric.tensor(again[name], f"{what}: conv.{name}")):
            raise Fail(
                f"{what}, run twice, gave two different conv.{name}: everything lecun_init_ sets must be drawn "
                "from torch's global generator after the seed (a bias left as nn.Conv2d made it, a "
                "torch.Generator of your own or seeding from the clock breaks this)"
            )
    if torch.equal(report["weight"], other["weight"]):
        raise Fail(
            f"{what} and {other_what} gave the same weights: the seed of torch's global generator has no "
            "effect (a torch.Generator of your own with a fixed seed, or torch.manual_seed inside lecun_init_?)"
        )


@QUESTION.check("q5_lecun_init_tests", points=0.5)
def returns_the_same_working_conv(student, rng):
    """It returns conv itself, re-initialized in place: weight still a Parameter of the same shape and dtype, settings unchanged, conv(x) consistent."""
    spec = conv_spec(3, 5, 3, dtype="float64", sigma_b=0.2)
    x = torch.randn((2, 3, 6, 6), generator=rng, dtype=torch.float64)
    report, what = initialized(student, spec, rng, inputs=x)
    if not report["returned_conv"]:
        raise Fail(f"{what} should return conv itself (the object it re-initialized), not a copy or None")
    if not report["weight_is_parameter"]:
        raise Fail(f"{what}: conv.weight should stay an nn.Parameter (change its values, not the attribute)")
    if report["settings"] != [[1, 1], [1, 1], [1, 1], 1, "zeros"]:
        raise Fail(f"{what} changed the layer's stride, padding, dilation or groups: {report['settings']}")
    bias = numeric.tensor(report["bias"], f"{what}: conv.bias")
    want = F.conv2d(x, report["weight"], bias, padding=1)
    numeric.expect_close(report["output"], want, f"{what}: conv(x) for x of shape (2, 3, 6, 6)", rtol=1e-10, atol=1e-12)


THEOREM_RUNS = 20_000
THEOREM_CASES = [(3, 3, 0.5), (1, 5, 0.0), (4, 1, 0.2)]  # (C_in, kernel size, sigma_b)


def conv_outputs(weight: torch.Tensor, bias: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Y[n] = Conv2D_{weight[n], bias[n]}(x[n]) with one output channel per run, zero padding (k-1)/2.

    Each run n has its own filter and its own input, so the runs are independent. (Summed one
    filter tap at a time: a grouped conv2d with 20,000 groups is far slower on a CPU. The sums
    have at most C_in k^2 terms, so float32 keeps them to about 1e-6 relative, far below the
    statistical tolerances.)
    """
    runs, c_in, size, _ = x.shape
    k = weight.shape[-1]
    padded = F.pad(x, [(k - 1) // 2] * 4).transpose(0, 1).contiguous()  # (c_in, runs, ., .)
    taps = weight.permute(1, 2, 3, 0).contiguous()  # (c_in, k, k, runs)
    y = bias.view(runs, 1, 1).expand(runs, size, size).clone()
    for c in range(c_in):
        for a in range(k):
            for b in range(k):
                y.addcmul_(taps[c, a, b].view(runs, 1, 1), padded[c, :, a : a + size, b : b + size])
    return y


def pixel_kind(i: int, j: int, counts: torch.Tensor, k: int) -> str:
    size = counts.shape[0]
    if counts[i, j] == k * k:
        return "interior"
    if i in (0, size - 1) and j in (0, size - 1):
        return "corner"
    return "edge" if int(counts[i, j]) == k * (k + 1) // 2 else "border"


@QUESTION.check("q5_lecun_init_tests", points=1.0)
def theorem_holds_under_your_init(student, rng):
    """With your init and inputs of mean 0 and variance 1, E[Y] = 0 at every pixel and E[Y^2] = n_ij C_in/fan_in + sigma_b^2 (interior, edge, corner).

    Sample: 20,000 independent runs per case (C_in, k, sigma_b) = (3, 3, 0.5), (1, 5, 0), (4, 1, 0.2),
    each with its own filter (one output channel of a 20,000-channel conv initialized by your
    lecun_init_) and its own input of random signs +/-1 (mean 0, variance 1) on a (k+1) x (k+1)
    image. Bounds: for a correct init, Y at pixel (i, j) is exactly N(0, V_ij) with
    V_ij = n_ij/k^2 + sigma_b^2 (given the signs, Y is Gaussian with that variance), so the mean is
    tested with the exact normal quantile and the mean of Y^2 with the exact chi-square interval
    (20,000 degrees of freedom), at all 56 pixels: 112 comparisons, each at delta = 1e-9/112
    (union bound: a correct init fails with probability at most 1e-9).
    Power: E[Y^2] off by 11% or more, or a mean of 0.071 sqrt(V_ij) or more, at any pixel is
    caught with probability at least 0.999.
    """
    delta = stats.FALSE_FAILURE / (2 * sum((k + 1) ** 2 for _, k, _ in THEOREM_CASES))
    for c_in, k, s_b in THEOREM_CASES:
        spec = conv_spec(c_in, THEOREM_RUNS, k, sigma_b=s_b)
        report, what = initialized(student, spec, rng)
        bias = numeric.tensor(report["bias"], f"{what}: conv.bias")
        numeric.expect_shape(bias, (THEOREM_RUNS,), f"{what}: conv.bias")
        size = k + 1
        x = torch.randint(0, 2, (THEOREM_RUNS, c_in, size, size), generator=rng).to(torch.float32) * 2 - 1
        y = conv_outputs(report["weight"].to(torch.float32), bias.to(torch.float32), x).to(torch.float64)
        counts = window_counts(k, size)
        variance = counts.to(torch.float64) * c_in / fan_in(spec) + s_b**2
        intervals = {}
        for i in range(size):
            for j in range(size):
                v = float(variance[i, j])
                where = (
                    f"{what}, inputs of random signs on a {size}x{size} image, {pixel_kind(i, j, counts, k)} "
                    f"pixel ({i}, {j}), over {THEOREM_RUNS} runs"
                )
                mean = float(y[:, i, j].mean())
                tolerance = stats.gaussian_mean_tolerance(v, THEOREM_RUNS, delta)
                if abs(mean) > tolerance:
                    raise Fail(f"{where}: the mean of Y is {mean:.4g}, expected 0 (allowed +/-{tolerance:.2g})")
                if v not in intervals:
                    intervals[v] = stats.gaussian_second_moment_interval(v, THEOREM_RUNS, delta)
                low, high = intervals[v]
                second = float(y[:, i, j].pow(2).mean())
                if not low <= second <= high:
                    raise Fail(
                        f"{where}: the mean of Y^2 is {second:.4g}, expected E[Y^2] = {v:.4g} "
                        f"(allowed {low:.4g} to {high:.4g})"
                    )
