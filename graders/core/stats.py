"""Tolerances for Monte Carlo checks, each from a stated bound.

Every function returns the half-width (or interval) that a correct answer's estimate stays
within except with probability ``delta``; checks split their total false-failure budget
(at most 1e-9 per check) over the comparisons they make (union bound) and state the sample size,
bound and resulting power in their docstrings.
"""

import functools
import math

from scipy import stats

FALSE_FAILURE = 1e-9


def gaussian_mean_tolerance(variance: float, n: int, delta: float) -> float:
    """Exact: the mean of n i.i.d. N(m, variance) is within this of m w.p. 1 - delta."""
    return stats.norm.isf(delta / 2) * math.sqrt(variance / n)


def gaussian_variance_interval(variance: float, n: int, delta: float) -> tuple[float, float]:
    """Exact: the unbiased sample variance of n i.i.d. Gaussians lies in this interval w.p. 1 -
    delta.

    (n - 1) S^2 / variance is chi-square with n - 1 degrees of freedom.
    """
    dof = n - 1
    return (
        variance * stats.chi2.ppf(delta / 2, dof) / dof,
        variance * stats.chi2.isf(delta / 2, dof) / dof,
    )


def hoeffding_tolerance(width: float, n: int, delta: float) -> float:
    """Hoeffding: the mean of n i.i.d. variables with values in an interval of this width is
    within the returned amount of its expectation w.p. 1 - delta."""
    return width * math.sqrt(math.log(2 / delta) / (2 * n))


def normal_quantile(p: float) -> float:
    """z with P(N(0, 1) > z) = p."""
    return stats.norm.isf(p)


@functools.lru_cache(maxsize=256)
def gaussian_second_moment_interval(variance: float, n: int, delta: float) -> tuple[float, float]:
    """Exact: the mean of Y^2 over n i.i.d. N(0, variance) lies in this interval w.p. 1 - delta.

    (Mean 0 known: sum Y^2 / variance is chi-square with n degrees of freedom.)
    """
    return (
        variance * stats.chi2.ppf(delta / 2, n) / n,
        variance * stats.chi2.isf(delta / 2, n) / n,
    )


@functools.lru_cache(maxsize=256)
def ks_critical_value(n: int, delta: float) -> float:
    """Exact: the Kolmogorov-Smirnov distance between n i.i.d. draws from a continuous law and
    that law's CDF exceeds this w.p. delta (the law of the statistic is scipy's ``kstwo``)."""
    return float(stats.kstwo.isf(delta, n))


def dkw_deviation(n: int, probability: float) -> float:
    """Dvoretzky-Kiefer-Wolfowitz: an empirical CDF of n draws strays more than this from the
    true CDF w.p. at most ``probability``; used to state a KS test's power."""
    return math.sqrt(math.log(2 / probability) / (2 * n))
