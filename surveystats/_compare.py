"""Two numbers from one poll (or two): differences, ratios and nested shares.

Differences and ratios use Wald intervals built on the same critical-value function as
the interval engine. Nested shares are proportions, so their intervals come from the engine
itself, fed the share and its effective sample size (``q (1 - q) / var``), the same door
R survey's ``svyciprop`` uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from surveystats import _engine
from surveystats._display import fmt, html_table, pct_text
from surveystats._params import SHARE_ABOVE_ZERO
from surveystats._proportion import ProportionCI, proportion_ci
from surveystats._result import Result
from surveystats._validation import (
    check_choice,
    check_confidence_level,
    check_positive,
    check_result_finite,
    check_scalar,
    check_share,
    scalar_n_eff,
)

__all__ = [
    "Comparison",
    "NestedShares",
    "difference_independent",
    "difference_same_sample",
    "nested_shares",
    "ratio_same_sample",
]


@dataclass(frozen=True, eq=False, repr=False)
class Comparison(Result):
    """A difference or ratio of two shares, with its standard error and interval.

    Attributes
    ----------
    kind : str
        ``"difference"`` or ``"ratio"``.
    design : str
        ``"same sample"`` (multinomial covariance) or ``"independent samples"``.
    estimate, se, low, high : float
        Point estimate, standard error (of the log ratio, for a ratio) and bounds.
    p1, p2 : float
        The two shares compared.
    n_eff1, n_eff2 : float
        Effective sample sizes behind them.
    method : str
        ``"wald"`` (normal or t quantiles), ``"newcombe"`` or ``"log_wald"`` (ratio).
    confidence_level : float
    """

    kind: str
    design: str
    estimate: float
    se: float
    low: float
    high: float
    p1: float
    p2: float
    n_eff1: float
    n_eff2: float
    method: str
    confidence_level: float

    def __iter__(self) -> Any:
        return iter((self.low, self.high))

    def to_frame(self) -> pd.DataFrame:
        """One row with every attribute as a column."""
        return pd.DataFrame([{k: getattr(self, k) for k in self.__dataclass_fields__}])

    def _text(self) -> str:
        if self.kind == "ratio":
            what = f"ratio {self.estimate:.3g} [{self.low:.3g}, {self.high:.3g}]"
        else:
            what = (f"difference {100 * self.estimate:+.1f} points [{100 * self.low:+.1f}, "
                    f"{100 * self.high:+.1f}]")
        return f"{what} ({self.method}, {100 * self.confidence_level:g}%, {self.design})"

    def __repr__(self) -> str:
        return (
            f"Comparison(kind={self.kind!r}, design={self.design!r}, "
            f"estimate={fmt(self.estimate)}, low={fmt(self.low)}, high={fmt(self.high)}, "
            f"method={self.method!r}, confidence_level={fmt(self.confidence_level)})"
        )

    def _repr_html_(self) -> str:
        return html_table(f"{self.kind.capitalize()} of two shares ({self.design})",
                          self.to_frame())


def _scalar_share(name: str, value: Any) -> float:
    arr = check_share(name, value)
    if arr.ndim:
        raise ValueError(f"{name} must be a single share here, got an array of shape {arr.shape}")
    return float(arr)


def _scalar_positive(name: str, value: Any) -> float:
    arr = check_positive(name, value)
    if arr.ndim:
        raise ValueError(f"{name} must be a single number here, got an array of shape {arr.shape}")
    return float(arr)


def difference_same_sample(
    p1: float, p2: float, n: float, *, deff: float = 1.0, confidence_level: float = 0.95
) -> Comparison:
    """Difference of two shares of the same question in the same sample.

    Two answers to one question (the 70% optimists and the 11% sceptics) are negatively
    correlated: a respondent cannot be in both. Their multinomial covariance is
    ``-p1 p2 / n``, so ``Var(p1 - p2) = [p1 (1 - p1) + p2 (1 - p2) + 2 p1 p2] / n_eff``,
    larger than if they were independent.

    Parameters
    ----------
    p1, p2 : float
        The two shares (mutually exclusive answer categories), ``p1 + p2 <= 1``.
    n : float
        Nominal sample size.
    deff : float, default 1.0
        Design effect, applied to both shares alike.
    confidence_level : float, default 0.95
        Two-sided confidence level of the interval.

    Returns
    -------
    Comparison
        The difference ``p1 - p2`` with its standard error and interval.

    References
    ----------
    .. [1] Scott, A. J. and Seber, G. A. F. (1983). Difference of proportions from the same
       survey. The American Statistician 37(4), 319-320.

    Examples
    --------
    >>> from surveystats import difference_same_sample
    >>> d = difference_same_sample(0.70, 0.11, 1600)
    >>> round(d.estimate, 2), round(d.low, 4), round(d.high, 4)
    (0.59, 0.5567, 0.6233)
    """
    a = _scalar_share("p1", p1)
    b = _scalar_share("p2", p2)
    n_f, d_f = _scalar_positive("n", n), _scalar_positive("deff", deff)
    cl = check_confidence_level(confidence_level)  # every parameter before joint constraints
    n_eff = scalar_n_eff("n", n_f, "deff", d_f)
    if a + b > 1.0 + 1e-12:
        raise ValueError(
            f"p1 + p2 ({a + b:g}) must be <= 1 for two answers to the same question; for "
            "overlapping groups use nested_shares"
        )
    with np.errstate(over="ignore", divide="ignore"):
        se = float(np.sqrt(a * (1 - a) + b * (1 - b) + 2 * a * b) / np.sqrt(n_eff))
    z = float(_engine.critical_value(cl))
    est = a - b
    check_result_finite("standard error of the difference", z * se, p1=a, p2=b, n=n, deff=deff)
    return Comparison("difference", "same sample", est, se, est - z * se, est + z * se,
                      a, b, n_eff, n_eff, "wald", cl)


def ratio_same_sample(
    p1: float, p2: float, n: float, *, deff: float = 1.0, confidence_level: float = 0.95
) -> Comparison:
    """Ratio of two shares from the same question ("seven times fewer sceptics").

    The interval is Wald on the log ratio with the delta-method variance under the
    multinomial covariance: ``Var(log p1 - log p2) = [(1 - p1)/p1 + (1 - p2)/p2 + 2] / n_eff``.

    Examples
    --------
    VTsIOM: 70% optimists against about 11% sceptics, "seven times fewer":

    >>> from surveystats import ratio_same_sample
    >>> r = ratio_same_sample(0.70, 0.11, 1600)
    >>> round(r.estimate, 2), round(r.low, 2), round(r.high, 2)
    (6.36, 5.43, 7.46)

    So "seven times" is within sampling error of what the shares say.
    """
    hint = "p1 and p2 must both be > 0 for a ratio"
    a = check_scalar("p1", p1, SHARE_ABOVE_ZERO, hint=hint)
    b = check_scalar("p2", p2, SHARE_ABOVE_ZERO, hint=hint)
    n_f, d_f = _scalar_positive("n", n), _scalar_positive("deff", deff)
    cl = check_confidence_level(confidence_level)  # every parameter before joint constraints
    n_eff = scalar_n_eff("n", n_f, "deff", d_f)
    if a + b > 1.0 + 1e-12:
        raise ValueError(f"p1 + p2 ({a + b:g}) must be <= 1 for two answers to the same question")
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        se = float(np.sqrt((1 - a) / a + (1 - b) / b + 2.0) / np.sqrt(n_eff))
        z = float(_engine.critical_value(cl))
        log_r = np.log(a) - np.log(b)
        est, low, high = np.exp(log_r), np.exp(log_r - z * se), np.exp(log_r + z * se)
    check_result_finite("ratio interval", [est, low, high], p1=a, p2=b, n=n, deff=deff)
    # exp rounds: keep the interval around its own estimate
    return Comparison("ratio", "same sample", float(est), se, float(min(low, est)),
                      float(max(high, est)), a, b, n_eff, n_eff, "log_wald", cl)


def difference_independent(
    p1: float,
    n1: float,
    p2: float,
    n2: float,
    *,
    deff1: float = 1.0,
    deff2: float = 1.0,
    method: Literal["newcombe", "wald"] = "newcombe",
    confidence_level: float = 0.95,
) -> Comparison:
    """Difference between shares from two independent polls.

    Parameters
    ----------
    p1, n1, p2, n2 : float
        Share and nominal sample size of each poll.
    deff1, deff2 : float, default 1.0
        Design effect of each poll.
    method : {"newcombe", "wald"}, default "newcombe"
        ``"newcombe"`` combines the two Wilson intervals (Newcombe 1998, method 10), which
        behaves well near 0 and 1; ``"wald"`` is ``d ± z sqrt(v1 + v2)``.
    confidence_level : float, default 0.95
        Two-sided confidence level of the interval.

    Returns
    -------
    Comparison
        The difference of the two polls' shares with its standard error and interval.

    Notes
    -----
    Only sampling error is covered. Two polls with different modes, wordings and houses
    differ for reasons this interval knows nothing about: here the 1-point gap between
    VTsIOM (phone) and Levada (face-to-face) is well inside sampling error, while the
    same-month VTsIOM wording that gave 60% differs by 10 points.

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.

    Examples
    --------
    >>> from surveystats import difference_independent
    >>> d = difference_independent(0.70, 1600, 0.71, 1600)
    >>> round(d.estimate, 2), round(d.low, 4), round(d.high, 4)
    (-0.01, -0.0415, 0.0216)
    """
    a = _scalar_share("p1", p1)
    b = _scalar_share("p2", p2)
    check_choice("method", method, ("newcombe", "wald"))
    n1_f, d1 = _scalar_positive("n1", n1), _scalar_positive("deff1", deff1)
    n2_f, d2 = _scalar_positive("n2", n2), _scalar_positive("deff2", deff2)
    cl = check_confidence_level(confidence_level)
    m1 = scalar_n_eff("n1", n1_f, "deff1", d1)
    m2 = scalar_n_eff("n2", n2_f, "deff2", d2)
    check_choice("method", method, ("newcombe", "wald"))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        v1 = a * (1 - a) / m1
        v2 = b * (1 - b) / m2
        se = float(np.sqrt(v1 + v2))
    check_result_finite("standard error of the difference", se, p1=a, n1=n1, deff1=deff1,
                        p2=b, n2=n2, deff2=deff2)
    est = a - b
    if method == "wald":
        z = float(_engine.critical_value(cl))
        low, high = est - z * se, est + z * se
    else:
        l1, u1 = _engine.interval("wilson", np.asarray(a), np.asarray(m1), confidence_level=cl)
        l2, u2 = _engine.interval("wilson", np.asarray(b), np.asarray(m2), confidence_level=cl)
        low = est - float(np.sqrt((a - l1) ** 2 + (u2 - b) ** 2))
        high = est + float(np.sqrt((u1 - a) ** 2 + (b - l2) ** 2))
    return Comparison("difference", "independent samples", est, se, float(low), float(high),
                      a, b, m1, m2, method, cl)


@dataclass(frozen=True, eq=False, repr=False)
class NestedShares(Result):
    """Both readings of a share whose base is ambiguous.

    A release says "55% tie their hope to the end of the war" after "70% are optimistic".
    Reading A: 55% of all respondents (so 55/70 = 79% of optimists). Reading B: 55% of the
    optimists (so 0.55 x 0.70 = 38.5% of all respondents). Each reading gives two shares,
    each with its own base, sample size and interval.

    Attributes
    ----------
    reported : float
        The reported share (0.55).
    parent : float
        The subgroup's share of all respondents (0.70).
    n : float
        Nominal sample size of the whole poll.
    deff : float
        Design effect assumed.
    intervals : dict of str to ProportionCI
        Keys ``"A: share of all"``, ``"A: share of subgroup"``, ``"B: share of subgroup"``,
        ``"B: share of all"``.
    """

    reported: float
    parent: float
    n: float
    deff: float
    method: str
    confidence_level: float
    intervals: dict[str, ProportionCI]

    def to_frame(self) -> pd.DataFrame:
        """Columns ``reading, quantity, base, n, n_eff, estimate, low, high, how``."""
        rows = []
        hows = {
            "A: share of all": "reported directly",
            "A: share of subgroup": "reported / parent, on the subgroup's n",
            "B: share of subgroup": "reported directly, on the subgroup's n",
            "B: share of all": "reported x parent, delta-method variance",
        }
        for key, ci in self.intervals.items():
            reading, quantity = key.split(": ")
            rows.append({
                "reading": reading,
                "quantity": quantity,
                "base": "all respondents" if quantity == "share of all" else "subgroup",
                "n": ci.n,
                "n_eff": ci.n_eff,
                "estimate": ci.estimate,
                "low": ci.low,
                "high": ci.high,
                "how": hows[key],
            })
        return pd.DataFrame(rows)

    def _text(self) -> str:
        a = self.intervals["A: share of all"]
        b = self.intervals["B: share of all"]
        return (f"{pct_text(self.reported)} reported: of all {pct_text(a.estimate)} "
                f"[{pct_text(a.low)}, {pct_text(a.high)}] (reading A), or "
                f"{pct_text(b.estimate)} [{pct_text(b.low)}, {pct_text(b.high)}] of all "
                f"(reading B: a share of the {pct_text(self.parent)})")

    def __repr__(self) -> str:
        a = self.intervals["A: share of all"]
        b = self.intervals["B: share of all"]
        return (
            f"NestedShares(reported={fmt(self.reported)}, parent={fmt(self.parent)}, "
            f"share of all under A={fmt(a.estimate)} [{fmt(a.low)}, {fmt(a.high)}], "
            f"under B={fmt(b.estimate)} [{fmt(b.low)}, {fmt(b.high)}])"
        )

    def _repr_html_(self) -> str:
        return html_table("Two readings of a share with an ambiguous base", self.to_frame())

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Both readings drawn side by side: :func:`surveystats.plotting.plot_nested_shares`."""
        from surveystats.plotting import plot_nested_shares

        return plot_nested_shares(self, ax=ax, **kwargs)


def nested_shares(
    reported: float,
    parent: float,
    n: float,
    *,
    deff: float = 1.0,
    method: str = "wilson",
    confidence_level: float = 0.95,
) -> NestedShares:
    """Both readings of a share whose base may be all respondents or a subgroup.

    Parameters
    ----------
    reported : float
        The reported share (e.g. 0.55).
    parent : float
        The subgroup's share of all respondents (e.g. 0.70 optimists).
    n : float
        Nominal size of the whole poll.
    deff : float, default 1.0
        Design effect, applied to every quantity.
    method : str, default "wilson"
        Interval method for every share (see :func:`proportion_ci`).
    confidence_level : float, default 0.95
        Two-sided confidence level of every interval.

    Returns
    -------
    NestedShares
        Both readings of the base, each with its shares and intervals.

    Notes
    -----
    Under reading B the share of all respondents is a product ``q = r p`` of the subgroup
    share ``r`` (estimated on ``n p`` interviews) and the subgroup size ``p``. The delta
    method with the two (asymptotically independent) estimates gives
    ``Var(q) = r² p (1 - p) / n + p² r (1 - r) / (n p)``, which simplifies to
    ``q (1 - q) / n``: the product behaves like a share measured on the whole sample. Its
    interval comes from the engine at ``n_eff = q (1 - q) / Var(q)``. Under reading A the
    share of the subgroup ``r = q / p`` is a proportion on the subgroup's ``n p``
    interviews. Reading A needs ``reported <= parent``.

    Examples
    --------
    >>> from surveystats import nested_shares
    >>> ns = nested_shares(0.55, 0.70, 1600)
    >>> ns.to_frame()[["reading", "quantity", "n", "estimate", "low", "high"]].round(3)
      reading           quantity       n  estimate    low   high
    0       A       share of all  1600.0     0.550  0.526  0.574
    1       A  share of subgroup  1120.0     0.786  0.761  0.809
    2       B  share of subgroup  1120.0     0.550  0.521  0.579
    3       B       share of all  1600.0     0.385  0.361  0.409
    """
    _engine.canonical_method(method)
    r = _scalar_share("reported", reported)
    p = _scalar_share("parent", parent)
    n_a = _scalar_positive("n", n)
    d = _scalar_positive("deff", deff)
    cl = check_confidence_level(confidence_level)
    if p == 0.0:
        raise ValueError("parent (0) must be > 0: an empty subgroup has no share")
    scalar_n_eff("n", n_a, "deff", d)
    n_sub = n_a * p
    if n_sub == 0.0:
        raise ValueError(f"parent ({p:g}) times n ({n_a:g}) underflows to an empty subgroup; "
                         "check these values")
    kw: dict[str, Any] = {"method": method, "confidence_level": cl, "deff": d}
    intervals: dict[str, ProportionCI] = {}
    intervals["A: share of all"] = proportion_ci(r, n_a, **kw)
    if r <= p:
        intervals["A: share of subgroup"] = proportion_ci(r / p, n_sub, **kw)
    intervals["B: share of subgroup"] = proportion_ci(r, n_sub, **kw)
    q = r * p
    with np.errstate(all="ignore"):
        n_eff_design = np.float64(n_a) / d
        var_q = ((r * r * p * (1 - p)) / n_eff_design
                 + (p * p * r * (1 - r)) / (n_eff_design * p))
        # q (1 - q) / var_q equals n_eff; written out so that the delta method is visible.
        n_eff_q = q * (1 - q) / var_q if var_q > 0 else n_eff_design
    if not (np.isfinite(n_eff_q) and n_eff_q > 0):  # rounding at extreme sizes
        n_eff_q = n_eff_design
    intervals["B: share of all"] = proportion_ci(q, n_eff_q * d, **kw)
    return NestedShares(r, p, n_a, d, intervals["A: share of all"].method, cl, intervals)
