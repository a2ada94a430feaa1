"""Planning and reading helpers: margins of error, sample sizes, implied design effects."""

from __future__ import annotations

from typing import Any

import numpy as np

from surveystats._engine import critical_value
from surveystats._params import INNER_SHARE, MARGIN
from surveystats._validation import (
    as_float_array,
    broadcast_shapes,
    check_confidence_level,
    check_interval,
    check_positive,
    check_result_finite,
    check_share,
    common_index,
    wrap,
)

__all__ = ["implied_deff", "margin_of_error", "required_sample_size"]

ArrayLike = Any


def _fpc(n: np.ndarray, population_size: ArrayLike | None) -> np.ndarray | float:
    """Finite population correction on the standard error, ``sqrt((N - n) / (N - 1))``."""
    if population_size is None:
        return 1.0
    big_n = check_positive("population_size", population_size)
    if np.any(big_n < n):
        raise ValueError(
            f"population_size ({np.min(big_n):g}) must be at least the sample size n "
            f"({np.max(n):g})"
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(np.where(big_n > 1, (big_n - n) / (big_n - 1.0), 0.0))


def margin_of_error(
    p: ArrayLike,
    n: ArrayLike,
    *,
    deff: ArrayLike = 1.0,
    confidence_level: float = 0.95,
    population_size: ArrayLike | None = None,
) -> Any:
    """The margin of error a pollster would state: the Wald half-width at the design effect.

    Parameters
    ----------
    p : float or array-like
        Share in [0, 1]; pollsters usually state the margin at the worst case ``p = 0.5``.
    n : float or array-like
        Nominal sample size, > 0.
    deff : float or array-like, default 1.0
        Design effect, > 0.
    confidence_level : float, default 0.95
        Two-sided confidence level in (0, 1).
    population_size : float, array-like or None
        Population size N for the finite population correction ``sqrt((N - n)/(N - 1))``.
        Irrelevant for national polls (N = 112 million adults in Russia).

    Returns
    -------
    float, ndarray or Series
        ``z sqrt(deff p (1 - p) / n)``, times the finite population correction.

    Notes
    -----
    The margin covers sampling error only, and only under the stated design effect. It says
    nothing of nonresponse, falsification or coverage; Shirani-Mehr et al. (2018) found that
    the realised errors of election polls are about twice the stated margins.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. (Chapter 2.)
    .. [2] Shirani-Mehr, H., Rothschild, D., Goel, S. and Gelman, A. (2018). Disentangling
       bias and variance in election polls. JASA 113(522), 607-614.

    Examples
    --------
    VTsIOM states "at most 2.5% at 95%" for n = 1,600. The worst case (p = 0.5):

    >>> from surveystats import margin_of_error
    >>> round(margin_of_error(0.5, 1600), 4)
    0.0245

    At the headline 70% and at 55%:

    >>> round(margin_of_error(0.70, 1600), 4), round(margin_of_error(0.55, 1600), 4)
    (0.0225, 0.0244)
    """
    cl = check_confidence_level(confidence_level)
    index = common_index(p, n, deff)
    p_a = check_share("p", p)
    n_a = check_positive("n", n)
    deff_a = check_positive("deff", deff)
    big_n = (None if population_size is None
             else check_positive("population_size", population_size))
    broadcast_shapes(p=p_a, n=n_a, deff=deff_a, population_size=big_n)
    z = critical_value(cl)
    with np.errstate(over="ignore", divide="ignore", under="ignore", invalid="ignore"):
        # square roots taken apart so that n = 1e-300 does not overflow p (1 - p) / n
        moe = z * np.sqrt(deff_a) * np.sqrt(p_a * (1.0 - p_a)) / np.sqrt(n_a)
        moe = moe * _fpc(n_a, population_size)
    check_result_finite("margin of error", moe, p=p_a, n=n_a, deff=deff_a)
    return wrap(np.asarray(moe), index, "margin")


def required_sample_size(
    margin: ArrayLike,
    *,
    p: ArrayLike = 0.5,
    deff: ArrayLike = 1.0,
    confidence_level: float = 0.95,
    population_size: ArrayLike | None = None,
) -> Any:
    """Interviews needed for a target margin of error (rounded up to whole interviews).

    Parameters
    ----------
    margin : float or array-like
        Target half-width, as a share in (0, 1) (0.03 for ±3 points).
    p : float or array-like, default 0.5
        Anticipated share; 0.5 is the worst case.
    deff : float or array-like, default 1.0
        Anticipated design effect: the answer is multiplied by it.
    confidence_level : float, default 0.95
        Two-sided confidence level in (0, 1).
    population_size : float, array-like or None
        Population size N: applies Cochran's correction ``n = n0 / (1 + (n0 - 1) / N)``.

    Returns
    -------
    float, ndarray or Series
        ``ceil(z² p (1 - p) deff / margin²)``, corrected for N when given.

    References
    ----------
    .. [1] Cochran, W. G. (1977). Sampling Techniques, 3rd ed. Wiley. (Section 4.4.)

    Examples
    --------
    >>> from surveystats import required_sample_size
    >>> required_sample_size(0.025)
    1537.0
    >>> required_sample_size(0.025, deff=1.5)
    2305.0
    """
    cl = check_confidence_level(confidence_level)
    index = common_index(margin, p, deff)
    if np.any(as_float_array("margin", margin) == 0.0):
        raise ValueError("margin (0) must be > 0: no finite sample gives a zero margin")
    m = check_interval("margin", margin, MARGIN)
    p_a = check_share("p", p)
    deff_a = check_positive("deff", deff)
    big_n = (None if population_size is None
             else check_positive("population_size", population_size))
    broadcast_shapes(margin=m, p=p_a, deff=deff_a, population_size=big_n)
    z = critical_value(cl)
    with np.errstate(over="ignore", divide="ignore", under="ignore", invalid="ignore"):
        n0 = z * z * p_a * (1.0 - p_a) * deff_a / (m * m)
        check_result_finite("required sample size", n0, margin=m, p=p_a, deff=deff_a)
        if big_n is not None:
            n0 = n0 / (1.0 + (n0 - 1.0) / big_n)
    # a tiny tolerance keeps exact products (e.g. 1536.999999999) from rounding up a whole unit
    return wrap(np.asarray(np.ceil(n0 - 1e-9)), index, "n")


def implied_deff(
    reported_margin: ArrayLike,
    n: ArrayLike,
    *,
    p: ArrayLike = 0.5,
    confidence_level: float = 0.95,
) -> Any:
    """The design effect that a pollster's stated margin implies.

    Reading a release: if the stated margin equals the simple-random-sampling margin, the
    pollster assumed no design effect; if it is wider, the ratio squared is the design effect
    it allowed for.

    Parameters
    ----------
    reported_margin : float or array-like
        Stated margin as a share in (0, 1] (0.025 for "2.5%"; 2.5 is refused with a
        percentage hint).
    n : float or array-like
        Nominal sample size.
    p : float or array-like, default 0.5
        Share at which the margin is stated (pollsters use 0.5, the worst case).
    confidence_level : float, default 0.95
        Confidence level of the stated margin.

    Returns
    -------
    float, ndarray or Series
        ``(reported_margin / (z sqrt(p (1 - p) / n)))²``.

    Notes
    -----
    Stated margins are rounded, so the implied design effect is approximate: "2.5%" covers
    anything from 2.45% to 2.55%, i.e. design effects of 1.0 to 1.08 at n = 1,600.

    Examples
    --------
    VTsIOM's "at most 2.5% at n = 1,600" is simple-random-sampling arithmetic:

    >>> from surveystats import implied_deff
    >>> round(implied_deff(0.025, 1600), 3)
    1.041

    Its 2017 weekly release stated 1.9% for 4,200 interviews, implying a design effect of
    about 1.6:

    >>> round(implied_deff(0.019, 4200), 2)
    1.58
    """
    cl = check_confidence_level(confidence_level)
    index = common_index(reported_margin, n, p)
    m = check_interval("reported_margin", reported_margin, MARGIN)
    n_a = check_positive("n", n)
    p_a = check_interval("p", p, INNER_SHARE, hint="the margin is 0 at p = 0 or 1")
    broadcast_shapes(reported_margin=m, n=n_a, p=p_a)
    z = critical_value(cl)
    with np.errstate(over="ignore", divide="ignore", under="ignore", invalid="ignore"):
        srs = z * np.sqrt(p_a * (1.0 - p_a)) / np.sqrt(n_a)
        deff = (m / srs) ** 2
    check_result_finite("implied design effect", deff, reported_margin=m, n=n_a, p=p_a)
    return wrap(np.asarray(deff), index, "deff")
