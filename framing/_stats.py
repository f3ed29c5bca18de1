"""Interval helpers shared by the comparison stages (profiles, referents, agency, sourcing).

Each takes arrays (or scalars) of counts and denominators and returns the lower
and upper bounds of a two-sided interval at ``confidence``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["poisson_rate_interval", "wilson_interval"]


def wilson_interval(count, total, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``count / total``.

    Parameters
    ----------
    count, total : array-like
        Successes and trials; a ``total`` of 0 gives NaN bounds.
    confidence : float, default=0.95

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper bounds, within [0, 1].

    Examples
    --------
    >>> low, high = wilson_interval(1, 1)
    >>> round(float(low), 3), round(float(high), 3)
    (0.207, 1.0)
    """
    count = np.asarray(count, dtype=float)
    total = np.asarray(total, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = count / total
        centre = (p + z * z / (2 * total)) / (1 + z * z / total)
        half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    # Exact at the edges: no rounding residue such as 1e-17 for a count of 0.
    low = np.where(count == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(count == total, 1.0, np.clip(centre + half, 0.0, 1.0))
    nan = ~(total > 0)
    return np.where(nan, np.nan, low), np.where(nan, np.nan, high)


def poisson_rate_interval(count, tokens, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval for a rate per 1,000 tokens.

    Parameters
    ----------
    count, tokens : array-like
        Occurrences and the number of tokens they were counted in.
    confidence : float, default=0.95

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper bounds per 1,000 tokens.
    """
    count = np.asarray(count, dtype=float)
    tokens = np.asarray(tokens, dtype=float)
    alpha = 1 - confidence
    low = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * (count + 1)) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1000.0 * low / tokens, 1000.0 * high / tokens
