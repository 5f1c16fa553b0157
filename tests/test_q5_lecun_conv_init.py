"""Question 5's grader: the window geometry, every check on a right and a wrong answer, and the
statistics (false failures under 200 seeds, the power each docstring claims).

Answers are graded in-process (tests/support.py); the example class in examples/class/q5-*
is run by tests/test_example_class.py.
"""

import math
from contextlib import contextmanager

import pytest
import sympy as sp
import torch
from scipy import stats as scipy_stats

from coursepack import example_class
from graders.midterm import q5_lecun_conv_init as q5
from graders.core import stats
from graders.core.checks import run_check
from tests.support import ROOT, submission_for

NOTEBOOK = "q5_lecun_conv_init"
CHECKS = {check.name: check for checks in q5.QUESTION.cells.values() for check in checks}
STATISTICAL = [
    "weights_have_mean_0_and_variance_1_over_fan_in",
    "weights_are_normally_distributed",
    "bias_is_zero_or_normal",
]


@contextmanager
def one_thread():
    """Small tensor loops run much faster on one thread when the 2-core machine is busy."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def reference():
    return example_class.reference_answers(ROOT, NOTEBOOK)


def variant(formula: str | None = None, init: str | None = None):
    """The reference answers with one cell replaced."""
    answers = reference()
    if formula is not None:
        answers.cells["q5_second_moment"] = formula
    if init is not None:
        answers.cells["q5_lecun_init"] = init
    return answers


def example(student: str):
    return example_class.read_answers(ROOT / "examples" / "class" / student / f"{NOTEBOOK}.py")


def outcome(answers, check_name: str, salt: int = 0):
    _, submission = submission_for(answers)
    return run_check(CHECKS[check_name], submission, salt)


# ------------------------------------------------------------------ geometry


def brute_force_count(k: int, size: int, i: int, j: int) -> int:
    r = (k - 1) // 2
    return sum(
        0 <= i + a < size and 0 <= j + b < size for a in range(-r, r + 1) for b in range(-r, r + 1)
    )


@pytest.mark.parametrize("k", [1, 3, 5, 7, 9, 11])
def test_window_counts_match_the_closed_forms_at_every_pixel(k):
    """Interior k^2, edge k(k+1)/2, corner ((k+1)/2)^2, for several image sizes larger than the
    kernel."""
    r = (k - 1) // 2
    for size in sorted({k + 1, k + 2, 2 * k + 1, 3 * k + 2}):
        counts = q5.window_counts(k, size)
        for i in range(size):
            for j in range(size):
                assert counts[i, j] == brute_force_count(k, size, i, j)
                on_border = [i == 0, i == size - 1, j == 0, j == size - 1]
                far_from = [r <= i <= size - 1 - r, r <= j <= size - 1 - r]
                if all(far_from):
                    assert counts[i, j] == k * k
                elif sum(on_border) == 1 and (far_from[1] if i in (0, size - 1) else far_from[0]):
                    assert counts[i, j] == k * (k + 1) // 2
                elif sum(on_border) == 2:
                    assert counts[i, j] == ((k + 1) // 2) ** 2


@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_reference_second_moment_closed_forms(k):
    half = (k + 1) // 2
    closed = {"interior": k * k, "edge": k * half, "corner": half * half}
    for position, count in closed.items():
        assert q5.visible_pixels(k, position) == count
        assert (
            sp.simplify(
                q5.second_moment(q5.C_in, q5.sigma_w, q5.sigma_b, k, position)
                - (count * q5.C_in * q5.sigma_w**2 + q5.sigma_b**2)
            )
            == 0
        )


def test_reference_is_the_exams_formula_for_3x3_interior():
    exam = 3**2 * q5.C_in * q5.sigma_w**2 + q5.sigma_b**2
    assert sp.simplify(q5.second_moment(q5.C_in, q5.sigma_w, q5.sigma_b, 3, "interior") - exam) == 0


def test_ks_distance_is_scipys_kolmogorov_smirnov_statistic():
    generator = torch.Generator().manual_seed(2)
    for sample in [
        torch.randn(1000, generator=generator, dtype=torch.float64),
        torch.rand(777, generator=generator) * 4 - 2,
    ]:
        want = scipy_stats.kstest(sample.double().numpy(), "norm").statistic
        assert abs(q5.ks_distance_to_standard_normal(sample) - want) < 1e-12


def test_new_stats_helpers_are_exact():
    """The chi-square interval and the KS critical value have exactly the stated tail
    probabilities."""
    n, delta = 500, 1e-3
    low, high = stats.gaussian_second_moment_interval(2.0, n, delta)
    assert math.isclose(
        scipy_stats.chi2.cdf(low * n / 2.0, n) + scipy_stats.chi2.sf(high * n / 2.0, n),
        delta,
        rel_tol=1e-6,
    )
    # kstwo.isf inverts the survival function numerically, to about 1e-6 relative
    assert math.isclose(
        scipy_stats.kstwo.sf(stats.ks_critical_value(n, delta), n), delta, rel_tol=1e-5
    )
    assert math.isclose(
        2 * math.exp(-2 * n * stats.dkw_deviation(n, delta) ** 2), delta, rel_tol=1e-12
    )


def test_simulated_outputs_are_a_convolution():
    """The grader's per-run convolution at one pixel equals torch's conv2d run by run."""
    generator = torch.Generator().manual_seed(0)
    for c_in, k in [(3, 3), (2, 5), (1, 1)]:
        weight = torch.randn((6, c_in, k, k), generator=generator, dtype=torch.float64)
        bias = torch.randn(6, generator=generator, dtype=torch.float64)
        x = torch.randn((6, c_in, k + 1, k + 1), generator=generator, dtype=torch.float64)
        for position in q5.POSITIONS:
            i, j = q5.window_pixel(position, k)
            got = q5.simulated_outputs(x, weight, bias, (i, j))
            for n in range(6):
                want = torch.nn.functional.conv2d(
                    x[n : n + 1], weight[n : n + 1], bias[n : n + 1], padding=(k - 1) // 2
                )
                assert math.isclose(
                    float(got[n]), float(want[0, 0, i, j]), rel_tol=1e-12, abs_tol=1e-12
                )


@pytest.mark.parametrize("k", [1, 3, 5])
def test_simulated_pixels_are_of_the_kind_they_claim(k):
    counts = q5.window_counts(k, k + 1)
    for position in q5.POSITIONS:
        assert int(counts[q5.window_pixel(position, k)]) == q5.visible_pixels(k, position)


@pytest.mark.parametrize("law", q5.INPUT_LAWS, ids=lambda law: law.description[:20])
def test_input_laws_have_mean_0_variance_1_and_the_stated_bound(law):
    x = law.draw((400_000, 1, 2, 3), torch.Generator().manual_seed(3)).to(torch.float64)
    assert x.dtype == torch.float64 and float(x.pow(2).max()) <= law.bound + 1e-6
    assert float(x.mean(0).abs().max()) < 0.01 and float((x.pow(2).mean(0) - 1).abs().max()) < 0.01


def test_dependent_laws_are_dependent():
    shared = (
        q5.INPUT_LAWS[1]
        .draw((200_000, 1, 1, 2), torch.Generator().manual_seed(4))
        .flatten(1)
        .pow(2)
    )
    assert float(torch.corrcoef(shared.T)[0, 1]) > 0.5  # squares share the image's scale
    averaged = (
        q5.INPUT_LAWS[2].draw((200_000, 1, 1, 2), torch.Generator().manual_seed(5)).flatten(1)
    )
    assert abs(float(torch.corrcoef(averaged.T)[0, 1]) - 0.5) < 0.01


def test_chi_square_mix_tolerance_is_laurent_massart():
    weights = torch.tensor([0.5, 1.5, 2.0], dtype=torch.float64)
    t = math.log(2 / 1e-6)
    want = 2 * math.sqrt(0.25 + 2.25 + 4) * math.sqrt(t) + 2 * 2.0 * t
    assert math.isclose(q5.chi_square_mix_tolerance(weights, 1e-6), want, rel_tol=1e-12)


# ------------------------------------------------------------------ each check: right and wrong

INIT_TEMPLATE = """def lecun_init_(conv, sigma_b=0.0):
    fan_in = conv.weight[0].numel()
    with torch.no_grad():
        {weight}
        {bias}
    return conv
"""
GOOD_WEIGHT = "conv.weight.normal_(0.0, fan_in ** -0.5)"
GOOD_BIAS = (
    "(conv.bias.normal_(0.0, sigma_b) if sigma_b > 0 else conv.bias.zero_()) if "
    "conv.bias is not None else None"
)


def init(weight=GOOD_WEIGHT, bias=GOOD_BIAS):
    return INIT_TEMPLATE.format(weight=weight, bias=bias)


# Which check each example fails is its `# fails:` lines (tests/test_example_class.py, which also
# holds every check to be failed by some example); below, mistakes with no example of their own
# and the messages that name each mistake.


@pytest.mark.parametrize(
    "name, answers, fragment",
    [
        (
            "weights_have_mean_0_and_variance_1_over_fan_in",
            variant(init=init(weight="conv.weight.normal_(0.1 * fan_in ** -0.5, fan_in ** -0.5)")),
            "their mean is",
        ),
        (
            "weights_have_mean_0_and_variance_1_over_fan_in",
            example("q5-mistake-fan-out"),
            "times 1/fan_in",
        ),
        (
            "weights_have_mean_0_and_variance_1_over_fan_in",
            example("q5-mistake-no-kernel-area"),
            "times 1/fan_in",
        ),
        (
            "weights_have_mean_0_and_variance_1_over_fan_in",
            example("q5-mistake-std-as-variance"),
            "times 1/fan_in",
        ),
        ("bias_is_zero_or_normal", example("q5-mistake-std-as-variance"), "times sigma_b^2"),
        ("bias_is_zero_or_normal", example("q5-mistake-bias-mean"), "their mean is"),
        (
            "bias_is_zero_or_normal",
            variant(init=init(bias="conv.bias.zero_()")),
            "raised AttributeError",
        ),
        (
            "bias_is_zero_or_normal",
            variant(
                init=init(
                    bias="conv.bias.uniform_(-sigma_b * 3 ** 0.5, sigma_b * 3 ** 0.5) if "
                    "conv.bias is not None else None"
                )
            ),
            "empirical CDF",
        ),
        (
            "draws_from_torchs_global_generator",
            variant(
                init=init(
                    weight="conv.weight.normal_(0.0, fan_in ** -0.5, "
                    "generator=torch.Generator().manual_seed(__import__('time').perf_counter_ns()))"
                )
            ),
            "run twice",
        ),
        (
            "returns_the_same_working_conv",
            variant(init=init(bias=GOOD_BIAS + "; conv.padding = (0, 0)")),
            "changed the layer's",
        ),
        (
            "your_formula_matches_simulated_convolutions",
            variant(
                formula=reference()
                .cells["q5_second_moment"]
                .replace("c_in * sigma_w**2", "c_in * sigma_w")
            ),
            "mean Y^2",
        ),
        (
            "conditional_second_moment_is_right",
            example("q5-mistake-steps-unconditional"),
            "is not E[Y_cij^2 | X]",
        ),
        (
            "lecun_variance_is_right",
            example("q5-mistake-steps-std-for-variance"),
            "`lecun_variance`",
        ),
        (
            "draws_from_torchs_global_generator",
            variant(init=init(weight="torch.manual_seed(0); " + GOOD_WEIGHT)),
            "torch.manual_seed inside",
        ),
        (
            "corner_pixels",
            variant(
                formula=reference()
                .cells["q5_second_moment"]
                .replace("return visible", "return sp.Integer(visible)")
            ),
            "should return a float",
        ),
    ],
)
def test_check_catches_more_mistakes(name, answers, fragment):
    with one_thread():
        result = outcome(answers, name)
    assert result.earned == 0 and fragment in result.message, result.message


def test_uniform_law_passes_the_moment_check():
    """The shape test is what catches the uniform law: its mean and variance are right."""
    with one_thread():
        result = outcome(
            example("q5-mistake-uniform"), "weights_have_mean_0_and_variance_1_over_fan_in"
        )
    assert result.passed, result.message


# ------------------------------------------------------------------ statistics


def test_statistical_checks_pass_the_reference_under_200_seeds():
    """False failures: each check fails a correct answer w.p. <= 1e-9, so 200 seeds must all
    pass."""
    _, submission = submission_for(reference())
    failures = []
    with one_thread():
        for salt in range(1, 201):
            for name in STATISTICAL:
                result = run_check(CHECKS[name], submission, salt)
                if not result.passed:
                    failures.append((salt, name, result.message))
    assert not failures, failures[:3]


def test_formula_simulation_passes_the_reference_under_20_seeds():
    """Fewer seeds than the others: each run simulates 300,000 convolutions (the bound's
    premises are tested below, exactly)."""
    _, submission = submission_for(reference())
    with one_thread():
        results = [
            run_check(CHECKS["your_formula_matches_simulated_convolutions"], submission, salt)
            for salt in range(1, 21)
        ]
    assert all(result.passed for result in results), [r.message for r in results if not r.passed][
        :3
    ]


def test_statistical_docstrings_state_sample_bound_false_failure_and_power():
    for name in STATISTICAL + ["your_formula_matches_simulated_convolutions"]:
        doc = CHECKS[name].function.__doc__
        for word in ["Sample", "exact", "1e-9", "union bound", "Power", "0.999"]:
            assert word in doc, f"{name}: docstring does not state {word!r}"


def variance_power(n: int, delta: float) -> float:
    """Smallest relative variance error (either way) caught w.p. >= 0.999 by the chi-square
    interval."""
    low, high = stats.gaussian_second_moment_interval(1.0, n, delta)
    too_big = high * n / scipy_stats.chi2.ppf(0.001, n) - 1
    too_small = 1 - low * n / scipy_stats.chi2.isf(0.001, n)
    return max(too_big, too_small)


def mean_power(n: int, delta: float) -> float:
    """Smallest |mean| (in standard deviations) caught w.p. >= 0.999 by the normal test."""
    return (scipy_stats.norm.isf(delta / 2) + scipy_stats.norm.isf(0.001)) / math.sqrt(n)


def ks_power(n: int, delta: float) -> float:
    return stats.ks_critical_value(n, delta) + stats.dkw_deviation(n, 0.001)


def smallest_sample(specs, count) -> int:
    return min(count(spec) for spec in specs)


def test_stated_power_and_false_failure_budgets_hold():
    weights = smallest_sample(q5.WEIGHT_SPECS, lambda s: s["c_out"] * q5.fan_in(s))
    assert weights == 20_000
    doc = CHECKS["weights_have_mean_0_and_variance_1_over_fan_in"].function.__doc__
    assert (
        "11%" in doc
        and "0.07 standard" in doc
        and "1e-9/12" in doc
        and len(q5.WEIGHT_SPECS) * 2 == 12
    )
    assert variance_power(weights, 1e-9 / 12) <= 0.11 and mean_power(weights, 1e-9 / 12) <= 0.07

    doc = CHECKS["weights_are_normally_distributed"].function.__doc__
    assert "0.0241" in doc and "0.038" in doc and "0.057" in doc
    assert (
        stats.ks_critical_value(weights, 1e-9 / 6) <= 0.0241
        and ks_power(weights, 1e-9 / 6) <= 0.038
    )
    grid = torch.linspace(-4, 4, 400_001, dtype=torch.float64)
    uniform_cdf = ((grid + math.sqrt(3)) / (2 * math.sqrt(3))).clamp(0, 1)
    assert float((torch.special.ndtr(grid) - uniform_cdf).abs().max()) >= 0.057

    doc = CHECKS["bias_is_zero_or_normal"].function.__doc__
    n = q5.BIAS_SPEC["c_out"]
    assert "10%" in doc and "0.067" in doc and "0.038" in doc
    assert (
        variance_power(n, 1e-9 / 3) <= 0.10
        and mean_power(n, 1e-9 / 3) <= 0.067
        and ks_power(n, 1e-9 / 3) <= 0.038
    )

    doc = CHECKS["your_formula_matches_simulated_convolutions"].function.__doc__
    comparisons = len(q5.INPUT_LAWS) * len(q5.POSITIONS)
    assert (
        comparisons == 9
        and "1e-9/9" in doc
        and "12.9%" in doc
        and "25.8%" in doc
        and "max X^2 <= 3" in doc
    )
    assert max(law.bound for law in q5.INPUT_LAWS) == 3.0
    n, delta = q5.FORMULA_RUNS, 1e-9 / 9
    # |a|_2 <= V_max / sqrt(n), |a|_inf <= V_max / n and V_max <= bound * E[Y^2] (bound >= 1)
    t = math.log(2 / (delta / 2))
    relative = 3.0 * (
        stats.hoeffding_tolerance(1.0, n, delta / 2) + 2 * math.sqrt(t / n) + 2 * t / n
    )
    assert relative <= 0.129


def test_simulated_outputs_given_the_images_are_gaussian_with_variance_v():
    """The premise of the simulation's Laurent-Massart bound: given the images, Y at a pixel is
    N(0, sigma_w^2 S + sigma_b^2). Checked with dependent inputs: Y / sqrt(V) is N(0, 1)."""
    generator = torch.Generator().manual_seed(1)
    runs, c_in, k, s_w, s_b = 200_000, 2, 3, 0.4, 0.5
    x = q5.INPUT_LAWS[1].draw((runs, c_in, k + 1, k + 1), generator).to(torch.float64)
    weight = torch.randn((runs, c_in, k, k), generator=generator, dtype=torch.float64) * s_w
    bias = torch.randn(runs, generator=generator, dtype=torch.float64) * s_b
    for position in q5.POSITIONS:
        i, j = q5.window_pixel(position, k)
        y = q5.simulated_outputs(x, weight, bias, (i, j))
        window = torch.nn.functional.pad(x, [1] * 4)[:, :, i : i + k, j : j + k]
        v = s_w**2 * window.pow(2).sum(dim=(1, 2, 3)) + s_b**2
        assert scipy_stats.kstest((y / v.sqrt()).numpy(), "norm").pvalue > 1e-6
