"""The core's Monte Carlo comparison (graders/core/simulation.py) and torch Adam's moments
(graders/core/adam_moments.py), which the EMA questions of the midterm and hw1 share."""

import pytest
import torch

from graders.core import simulation, stats
from graders.core.adam_moments import adam_first_moments
from graders.core.errors import Fail

RUNS = 100_000
DELTA = stats.FALSE_FAILURE / 12


def gaussian_sample(variances: list, seed: int) -> torch.Tensor:
    """One row per step: RUNS draws of N(1, variance)."""
    rng = torch.Generator().manual_seed(seed)
    rows = [torch.randn(RUNS, generator=rng, dtype=torch.float64) * v**0.5 + 1 for v in variances]
    return torch.stack(rows)


def claims(means, variances) -> simulation.Claims:
    return simulation.Claims("mean_x", "var_x", list(means), list(variances))


def gaussian(step, variance):
    return simulation.gaussian_bounds(variance, RUNS, DELTA)


def where(step):
    return f"k={step}"


VARIANCES = [0.5, 1.0, 4.0]


@pytest.mark.parametrize("seed", range(5))
def test_true_formulas_pass(seed):
    sample = gaussian_sample(VARIANCES, seed)
    simulation.expect_moments_match(
        sample, claims([1.0] * 3, VARIANCES), VARIANCES, gaussian, where
    )


def test_a_variance_off_by_six_percent_fails_naming_the_answer_and_the_step():
    sample = gaussian_sample(VARIANCES, 0)
    off = [v * 1.06 if step == 1 else v for step, v in enumerate(VARIANCES)]
    with pytest.raises(Fail, match=r"at k=2: your var_x gives 1\.06, the simulation .* range"):
        simulation.expect_moments_match(sample, claims([1.0] * 3, off), VARIANCES, gaussian, where)


def test_a_wrong_mean_fails_with_its_tolerance():
    sample = gaussian_sample(VARIANCES, 0)
    with pytest.raises(Fail, match=r"at k=1: your mean_x gives 1\.05, .*tolerance"):
        simulation.expect_moments_match(
            sample, claims([1.05, 1, 1], VARIANCES), VARIANCES, gaussian, where
        )


def test_bounded_bounds_hold_for_coin_flips():
    rng = torch.Generator().manual_seed(1)
    coins = (torch.randint(0, 2, (3, RUNS), generator=rng).to(torch.float64) * 2 - 1) * 2.0
    variances = [4.0] * 3

    def bounded(step, variance):
        return simulation.bounded_bounds(variance, 2.0, RUNS, DELTA)

    simulation.expect_moments_match(coins, claims([0.0] * 3, variances), variances, bounded, where)
    with pytest.raises(Fail, match="your var_x gives 3.8"):
        simulation.expect_moments_match(
            coins, claims([0.0] * 3, [3.8] * 3), variances, bounded, where
        )


def test_columns_that_do_not_follow_the_definition_fail_naming_it():
    reference = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    simulation.expect_columns_follow(reference.to(torch.float32), reference, "f(g)", "x = g")
    faked = reference.clone()
    faked[2, 1] += 1e-3
    with pytest.raises(Fail, match="only columns that follow x = g"):
        simulation.expect_columns_follow(faked, reference, "f(g)", "x = g")


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_adams_first_moment_is_the_ema_of_the_gradients(dtype):
    rng = torch.Generator().manual_seed(2)
    gradients = torch.randn((7, 2, 3), generator=rng, dtype=torch.float64).to(dtype)
    m = torch.zeros((2, 3), dtype=torch.float64)
    for k, (exp_avg, step) in enumerate(adam_first_moments(gradients, 0.8), start=1):
        m = 0.8 * m + 0.2 * gradients[k - 1].to(torch.float64)
        assert step == k and exp_avg.dtype == dtype
        torch.testing.assert_close(exp_avg.to(torch.float64), m, rtol=1e-5, atol=1e-6)
