"""The little statistics precedent analysis needs, in plain Python (no numpy/scipy): a Wilson
score interval for an overturn rate, and Dunning's log-likelihood ratio G² for a 2x2 table with
its p-value. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from statistics import NormalDist

# Two-sided 95%: the 0.975 quantile of the standard normal (1.959963984540054).
Z95 = NormalDist().inv_cdf(0.975)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for ``successes`` out of ``n`` (95% by default).

    Unlike the normal approximation it stays inside [0, 1] and is sensible for 0 of n and n of
    n, which is what small precedent sets look like. With ``n == 0`` there is no information:
    the interval is the whole of [0, 1] (the formula's limit as n -> 0).
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # Clamp rounding noise: 0 of n must give exactly 0 as its lower end, n of n exactly 1.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def _xlogx_ratio(observed: float, expected: float) -> float:
    # O * ln(O / E), with the convention 0 * ln 0 = 0.
    return observed * math.log(observed / expected) if observed > 0 else 0.0


def g2_2x2(a: int, b: int, c: int, d: int) -> float:
    """Dunning's log-likelihood ratio G² = 2 Σ O ln(O/E) for the table

    ::

                 has term   lacks term
        group 1     a           b
        group 2     c           d

    0 when a row or column is empty (nothing to compare).
    """
    if min(a, b, c, d) < 0:
        raise ValueError("counts must not be negative")
    n = a + b + c + d
    rows, cols = (a + b, c + d), (a + c, b + d)
    if 0 in rows or 0 in cols:
        return 0.0
    total = 0.0
    for observed, row, col in ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1)):
        total += _xlogx_ratio(observed, rows[row] * cols[col] / n)
    return max(0.0, 2.0 * total)


def chi2_1df_p(statistic: float) -> float:
    """Upper-tail p-value of a chi-squared statistic with one degree of freedom (G² is
    asymptotically chi-squared): P(X > s) = erfc(sqrt(s / 2))."""
    if statistic <= 0:
        return 1.0
    return math.erfc(math.sqrt(statistic / 2.0))


def chi2_1df_critical(alpha: float) -> float:
    """The statistic above which a 1-df chi-squared test rejects at level ``alpha``
    (e.g. 3.84 for 0.05, 10.83 for 0.001)."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    z = NormalDist().inv_cdf(1 - alpha / 2)
    return z * z
