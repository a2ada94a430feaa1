"""Exact coverage of proportion intervals by binomial sums (Brown, Cai and DasGupta 2001)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveystats import _engine
from surveystats._display import count_text, fmt, html_table, pct_text
from surveystats._result import Result
from surveystats._validation import check_confidence_level, check_positive, check_share

__all__ = ["CoverageResult", "coverage", "coverages"]


@dataclass(frozen=True, eq=False, repr=False)
class CoverageResult(Result):
    """Exact coverage probability of an interval method over true shares ``p``.

    Attributes
    ----------
    p : ndarray
        True shares at which coverage was computed.
    coverage : ndarray
        ``P(low(X) <= p <= high(X))`` for ``X ~ Binomial(m, p)``.
    method : str
    n : float
        Nominal sample size.
    deff : float
    n_binomial : int
        Number of binomial trials used, ``round(n / deff)``.
    confidence_level : float
    """

    p: np.ndarray
    coverage: np.ndarray
    method: str
    n: float
    deff: float
    n_binomial: int
    confidence_level: float

    @property
    def mean(self) -> float:
        """Average coverage over the grid of ``p`` (an unweighted mean)."""
        return float(np.mean(self.coverage))

    @property
    def minimum(self) -> float:
        """Smallest coverage over the grid of ``p``."""
        return float(np.min(self.coverage))

    def to_frame(self) -> pd.DataFrame:
        """Columns ``p, coverage, method, n, deff, n_binomial, confidence_level``."""
        return pd.DataFrame({
            "p": self.p, "coverage": self.coverage, "method": self.method, "n": self.n,
            "deff": self.deff, "n_binomial": self.n_binomial,
            "confidence_level": self.confidence_level,
        })

    def _text(self) -> str:
        deff = "" if self.deff == 1 else f", deff {self.deff:g}"
        return (f"{self.method} at n = {count_text(self.n)}{deff}: coverage of the nominal "
                f"{100 * self.confidence_level:g}% averages {pct_text(self.mean)}, minimum "
                f"{pct_text(self.minimum)}")

    def __repr__(self) -> str:
        return (
            f"CoverageResult(method={self.method!r}, n={fmt(self.n)}, deff={fmt(self.deff)}, "
            f"confidence_level={fmt(self.confidence_level)}, mean={self.mean:.4f}, "
            f"minimum={self.minimum:.4f}, points={self.p.size})"
        )

    def _repr_html_(self) -> str:
        return html_table(f"Exact coverage of the {self.method} interval", self.to_frame(),
                          note=f"mean {self.mean:.4f}, minimum {self.minimum:.4f}")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Coverage against p: :func:`surveystats.plotting.plot_coverage` for this method."""
        from surveystats.plotting import plot_coverage

        return plot_coverage(self.n, methods=(self.method,), p=self.p, deff=self.deff,
                             confidence_level=self.confidence_level, ax=ax, **kwargs)


# Largest effective size whose binomial counts coverage() enumerates.
_MAX_COUNT = 1e6


def _binomial_pmf(x: np.ndarray, m: int, p: np.ndarray) -> np.ndarray:
    """``P(X = x)`` for ``X ~ Binomial(m, p)``: counts down the rows, shares across.

    Through log-gamma functions, ``exp(lnC(m, x) + x ln p + (m - x) ln(1 - p))``, with
    ``xlogy``/``xlog1py`` so that ``p = 0`` and ``p = 1`` give exact zeros and ones. Agrees
    with ``scipy.stats.binom.pmf`` to a relative 2e-12 at m = 1,000 and 3e-9 at m = 10^6
    (``tests/test_coverage.py``), far below the 0.1 points a coverage is read to, and needs
    only ``scipy.special``: ``scipy.stats`` takes most of a second to import.
    """
    from scipy import special

    xc = x[:, None]
    log_choose = special.gammaln(m + 1.0) - special.gammaln(xc + 1.0) - special.gammaln(
        m - xc + 1.0)
    with np.errstate(divide="ignore"):
        return np.exp(log_choose + special.xlogy(xc, p[None, :])
                      + special.xlog1py(m - xc, -p[None, :]))


def coverage(
    method: str,
    n: float,
    p: Any = None,
    *,
    deff: float = 1.0,
    confidence_level: float = 0.95,
) -> CoverageResult:
    """Exact coverage probability of an interval method, by binomial sums.

    The interval for a proportion is a function of the count ``X``; its coverage at a true
    share ``p`` is ``Σ_x P(X = x) 1[low(x) <= p <= high(x)]``. No simulation is needed.
    Brown, Cai and DasGupta (2001) used this to show that the Wald interval's coverage is
    erratic and often far below nominal even for large ``n``, while Wilson and Jeffreys stay
    close to it on average.

    Parameters
    ----------
    method : str
        Interval method (see :func:`surveystats.proportion_ci`).
    n : float
        Nominal sample size.
    p : float or array-like, optional
        True shares; default is a grid of 999 points in (0, 1).
    deff : float, default 1.0
        Design effect: the count is taken as binomial with ``m = round(n / deff)`` trials and
        the interval computed at that effective size (the design-effect model of
        :func:`surveystats.proportion_ci`).
    confidence_level : float, default 0.95
        Nominal two-sided confidence level of the intervals whose coverage is computed.

    Returns
    -------
    CoverageResult
        ``p``, ``coverage``, and ``mean`` / ``minimum`` summaries; ``to_frame()``.

    Notes
    -----
    Cost is one interval evaluation per count (``m + 1`` of them) and one ``(m + 1) x len(p)``
    matrix of binomial probabilities.

    References
    ----------
    .. [1] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a
       binomial proportion. Statistical Science 16(2), 101-133.

    Examples
    --------
    At n = 50 the Wald interval undercovers; Wilson is close to 95% on average:

    >>> from surveystats import coverage
    >>> round(coverage("wald", 50).mean, 2), round(coverage("wilson", 50).mean, 2)
    (0.9, 0.95)
    """
    return coverages((method,), n, p, deff=deff, confidence_level=confidence_level)[0]


def coverages(
    methods: Sequence[str],
    n: float,
    p: Any = None,
    *,
    deff: float = 1.0,
    confidence_level: float = 0.95,
) -> list[CoverageResult]:
    """:func:`coverage` for several methods at once, sharing the one matrix of binomial
    probabilities (the costly part): what :func:`surveystats.plotting.plot_coverage` draws."""
    methods_c = [_engine.canonical_method(m) for m in methods]
    cl = check_confidence_level(confidence_level)
    n_f = float(check_positive("n", n))
    d = float(check_positive("deff", deff))
    grid = np.linspace(0.001, 0.999, 999) if p is None else np.atleast_1d(check_share("p", p))
    with np.errstate(over="ignore", under="ignore"):
        ratio = float(np.float64(n_f) / d)
    if not ratio <= _MAX_COUNT:
        raise ValueError(f"n / deff ({ratio:g}, from n ({n_f:g}) and deff ({d:g})) must be at "
                         f"most {_MAX_COUNT:g}: coverage enumerates every binomial count")
    m = round(ratio)
    if m < 1:
        raise ValueError(f"n / deff ({ratio:g}, from n ({n_f:g}) and deff ({d:g})) must be at "
                         "least 1 for a binomial count")
    x = np.arange(m + 1, dtype=np.float64)
    m_arr = np.full_like(x, float(m))
    pmf = _binomial_pmf(x, m, grid)
    out = []
    for method_c in methods_c:  # a handful of methods; each is whole-array work
        low, high = _engine.interval(method_c, x / m, m_arr, confidence_level=cl)
        covered = ((low[:, None] <= grid[None, :] + 1e-15)
                   & (grid[None, :] - 1e-15 <= high[:, None]))
        cov = np.einsum("ij,ij->j", pmf, covered.astype(np.float64))
        np.clip(cov, 0.0, 1.0, out=cov)  # a sum of probabilities may round to 1 + 4e-16
        out.append(CoverageResult(grid.astype(np.float64), cov, method_c, n_f, d, m, cl))
    return out
