"""The bias formulas as pure, broadcasting functions: one place for each formula.

The mechanism classes (``_mechanisms.py``) validate one parameter set and call these; the
scenario grid, tipping points and probabilistic bias analysis call them with whole arrays of
parameters at once. Inputs are float arrays already validated; nothing here raises. Where a
map has no solution in [0, 1] the result is NaN, and the caller decides what to say.

``reported`` maps a true population share to what a poll reports; ``true`` inverts it. The
forward data-defect and coverage maps are not here: only ``DataDefect.reported`` and
``Coverage.reported`` need them, and those refuse or cap a share outside [0, 1] rather than
return NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "coverage_true",
    "data_defect_c",
    "data_defect_true",
    "dont_know_reported",
    "dont_know_true",
    "falsification_reported",
    "falsification_true",
    "nonresponse_reported",
    "nonresponse_true",
]

#: float arrays or scalars; everything broadcasts
Array = Any


def nonresponse_reported(p: Array, odds_ratio: Array) -> Array:
    """``k p / (k p + 1 - p)``."""
    return odds_ratio * p / (odds_ratio * p + (1.0 - p))  # (1 - p) first: exact at p = 1


def nonresponse_true(r: Array, odds_ratio: Array) -> Array:
    """``r / (k (1 - r) + r)``."""
    return r / (odds_ratio * (1.0 - r) + r)


def data_defect_c(rho: Array, response_rate: Array) -> Array:
    """The bias coefficient ``rho sqrt((1 - r) / r)``; bias = ``c sqrt(p (1 - p))``."""
    # square roots taken apart: (1 - r) / r overflows for a response rate of 5e-324
    with np.errstate(over="ignore", divide="ignore"):
        return rho * (np.sqrt(1.0 - response_rate) / np.sqrt(response_rate))


def data_defect_true(r: Array, c: Array) -> Array:
    """Solve ``r = p + c sqrt(p (1 - p))`` for p in [0, 1] (closed form, cancellation-free).

    Squaring gives a quadratic in p; the root that solves the unsquared equation is the
    smaller one for ``c >= 0`` and, by the mirror image ``p -> 1 - p``, the larger one for
    ``c < 0``. Each is written as (product of roots) / (other root) to avoid cancellation.
    """
    c2 = c * c
    s = np.sqrt(c2 + 4.0 * r * (1.0 - r))
    q = 1.0 - r
    with np.errstate(divide="ignore", invalid="ignore"):
        den_pos = 2.0 * r + c2 + c * s
        pos = np.where(den_pos > 0.0, 2.0 * r * r / np.where(den_pos > 0.0, den_pos, 1.0), 0.0)
        den_neg = 2.0 * q + c2 - c * s
        neg = np.where(den_neg > 0.0,
                       1.0 - 2.0 * q * q / np.where(den_neg > 0.0, den_neg, 1.0), 1.0)
    p = np.clip(np.where(c >= 0.0, pos, neg), 0.0, 1.0)
    # an infeasible share from an earlier step (NaN) stays NaN, not a share of 0 or 1
    return np.where(np.isnan(r) | np.isnan(c), np.nan, p)


def falsification_reported(p: Array, share: Array, reverse_share: Array) -> Array:
    """``p (1 - g) + (1 - p) f``."""
    return p * (1.0 - reverse_share) + (1.0 - p) * share


def falsification_true(r: Array, share: Array, reverse_share: Array) -> Array:
    """Rogan-Gladen: ``(r - f) / (1 - f - g)``; NaN outside ``[f, 1 - g]``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (r - share) / (1.0 - share - reverse_share)
    return np.where((p >= -1e-12) & (p <= 1.0 + 1e-12), np.clip(p, 0.0, 1.0), np.nan)


def coverage_true(r: Array, uncovered_share: Array, difference: Array) -> Array:
    """Population share ``(1 - u) r + u (r + d)``; NaN where ``r + d`` leaves [0, 1]."""
    unc = r + difference
    p = r + uncovered_share * difference
    return np.where((unc >= -1e-12) & (unc <= 1.0 + 1e-12), np.clip(p, 0.0, 1.0), np.nan)


def dont_know_reported(p: Array, share: Array) -> Array:
    """Share of all respondents: ``p (1 - dk)``."""
    return p * (1.0 - share)


def dont_know_true(r: Array, share: Array) -> Array:
    """Share among those with an opinion: ``r / (1 - dk)``; NaN above 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = r / (1.0 - share)
    return np.where(p <= 1.0 + 1e-12, np.clip(p, 0.0, 1.0), np.nan)
