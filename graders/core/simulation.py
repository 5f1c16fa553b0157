"""A student's formulas for E and Var against a Monte Carlo simulation of their own code.

The questions on an EMA (midterm q1, hw1's debiased EMA) run the student's function on many
independent sequences the grader draws, and compare the sample mean and variance at each step
with the student's closed forms. Two things make such a check worth its points, and both live
here so that every question states and enforces them the same way: the simulated columns must
follow the definition on the grader's own draws (else their moments prove nothing), and every
comparison has a tolerance from a stated bound (``graders.core.stats``) with a share of the
check's false-failure budget.
"""

from dataclasses import dataclass
from typing import Callable

import torch

from graders.core import numeric, stats
from graders.core.errors import Fail


def expect_columns_follow(
    got: torch.Tensor, reference: torch.Tensor, what: str, definition: str
) -> None:
    """The simulated columns follow ``definition`` (``reference``, the grader's own computation
    on the same draws), so their moments are those of the quantity: a function that recognised
    the simulation (by its size) could otherwise return columns with whatever moments its
    formulas claim. The tolerance admits a computation in float32 (about 100 ulps); what it
    admits moves a moment by at most 1e-5 relative, far inside the simulation's own tolerances
    (about 3%)."""
    try:
        numeric.expect_close(got, reference, what, rtol=1e-5, atol=1e-6)
    except Fail as failure:
        message = f"{failure}; the simulation counts only columns that follow {definition}"
        raise Fail(message) from None


@dataclass(frozen=True)
class Bounds:
    """How far a correct simulation may stray at one step: the sample mean from the true mean,
    and the sample variance's interval [low, high] around the true variance."""

    mean_tolerance: float
    low: float
    high: float


def gaussian_bounds(variance: float, runs: int, delta: float) -> Bounds:
    """Exact bounds for a Gaussian quantity: the normal quantile for the mean, the chi-square
    interval (runs - 1 degrees of freedom) for the unbiased sample variance."""
    low, high = stats.gaussian_variance_interval(variance, runs, delta)
    return Bounds(stats.gaussian_mean_tolerance(variance, runs, delta), low, high)


def bounded_bounds(variance: float, half_width: float, runs: int, delta: float) -> Bounds:
    """Hoeffding's bounds for a quantity within ``half_width`` of its mean: the mean lies in an
    interval of width 2 half_width, its squared deviation in [0, half_width^2]; the unbiased
    sample variance, n/(n-1) (mean squared deviation - (sample mean - mean)^2), is widened by
    both errors."""
    mean_tolerance = stats.hoeffding_tolerance(2 * half_width, runs, delta)
    var_tolerance = stats.hoeffding_tolerance(half_width**2, runs, delta)
    return Bounds(
        mean_tolerance,
        variance - var_tolerance - mean_tolerance**2,
        (variance + var_tolerance) * runs / (runs - 1),
    )


@dataclass(frozen=True)
class Claims:
    """The student's answers under test: their names, and their values at steps k = 1..K."""

    mean_name: str
    var_name: str
    means: list
    variances: list


def expect_moments_match(
    sample: torch.Tensor,
    claims: Claims,
    true_variances: list,
    bounds: Callable[[int, float], Bounds],
    where: Callable[[int], str],
):
    """At every step k = 1..K (row k - 1 of ``sample``, one column per run), the sample mean
    is within ``bounds(k, Var).mean_tolerance`` of the claimed mean, and the sample variance
    within the claimed variance shifted by the bounds' interval around the true variance."""
    sample = sample.to(torch.float64)
    sample_means, sample_vars = sample.mean(dim=1), sample.var(dim=1)
    rows = zip(
        claims.means, claims.variances, true_variances, sample_means.tolist(), sample_vars.tolist()
    )
    for step, (claimed_mean, claimed_var, true_var, observed_mean, observed_var) in enumerate(
        rows, start=1
    ):
        bound = bounds(step, true_var)
        if abs(observed_mean - claimed_mean) > bound.mean_tolerance:
            raise Fail(
                f"at {where(step)}: your {claims.mean_name} gives {claimed_mean:.6g}, the "
                f"simulation {observed_mean:.6g} (tolerance {bound.mean_tolerance:.2g})"
            )
        below, above = true_var - bound.low, bound.high - true_var
        if not claimed_var - below <= observed_var <= claimed_var + above:
            raise Fail(
                f"at {where(step)}: your {claims.var_name} gives {claimed_var:.6g}, the "
                f"simulation {observed_var:.6g} (allowed range {claimed_var - below:.6g} "
                f"to {claimed_var + above:.6g})"
            )
