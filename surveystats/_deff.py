"""Design effects: weighting (Kish), clustering, their product, and scenario tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveystats import _engine
from surveystats._display import count_text, fmt, html_table
from surveystats._params import AT_LEAST_ONE, NON_NEGATIVE
from surveystats._planning import margin_of_error
from surveystats._proportion import proportion_ci
from surveystats._result import Result
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

__all__ = [
    "WeightingDeff",
    "cluster_deff",
    "combine_deff",
    "deff_scenarios",
    "effective_sample_size",
    "kish_deff",
]

ArrayLike = Any


@dataclass(frozen=True, eq=False, repr=False)
class WeightingDeff(Result):
    """Kish's design effect due to unequal weights.

    Attributes
    ----------
    deff : float
        ``n Σw² / (Σw)² = 1 + CV²``.
    n : int
        Number of weights (respondents).
    n_eff : float
        Effective sample size ``n / deff = (Σw)² / Σw²``.
    cv : float
        Coefficient of variation of the weights (population form, ddof = 0).
    """

    deff: float
    n: int
    n_eff: float
    cv: float

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame with columns ``deff, n, n_eff, cv``."""
        return pd.DataFrame([{"deff": self.deff, "n": self.n, "n_eff": self.n_eff, "cv": self.cv}])

    def _text(self) -> str:
        return (f"design effect of weighting {self.deff:.3f}: n = {count_text(self.n)} "
                f"counts as n_eff = {count_text(round(self.n_eff, 1))}")

    def __repr__(self) -> str:
        return (
            f"WeightingDeff(deff={fmt(self.deff)}, n={self.n}, n_eff={fmt(self.n_eff)}, "
            f"cv={fmt(self.cv)})"
        )

    def _repr_html_(self) -> str:
        return html_table("Kish design effect of weighting", self.to_frame())


def kish_deff(weights: ArrayLike) -> WeightingDeff:
    """Kish's approximate design effect of unequal weighting.

    Weighting a sample to match known population margins makes estimates less precise: with
    weights ``w`` the variance of a mean is inflated by about ``1 + CV²(w)``. This is the
    figure pollsters mean by "the design effect due to weighting" (Pew's ``pewmethods``
    computes it the same way).

    Parameters
    ----------
    weights : array-like
        Non-negative, finite weights, not all zero. Their scale does not matter (they are
        divided by the largest before squaring, so 1e200 and 1e-200 work alike).

    Returns
    -------
    WeightingDeff
        ``deff``, ``n``, ``n_eff`` and ``cv``.

    Notes
    -----
    ``deff = n Σw² / (Σw)² = 1 + CV²`` with the population (ddof = 0) CV. The approximation
    assumes that the weights are unrelated to the survey variable; when weights correlate with
    it (as good weights do) the true design effect of an estimate can be larger or smaller.
    Design-based estimation on microdata (``SurveyDesign``) gives the estimate-specific one.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. (Section 11.7.)
    .. [2] Kish, L. (1992). Weighting for unequal Pi. Journal of Official Statistics 8(2),
       183-200.

    Examples
    --------
    Half the sample weighted 1, half weighted 3:

    >>> from surveystats import kish_deff
    >>> k = kish_deff([1, 1, 3, 3])
    >>> k.deff, k.n_eff
    (1.25, 3.2)
    """
    w = check_interval("weights", weights, NON_NEGATIVE, nan_policy=None).ravel()
    if w.size == 0:
        raise ValueError("weights is empty; pass at least one weight")
    if w.max() <= 0:
        raise ValueError("weights are all zero; at least one must be positive")
    n = int(w.size)
    # The design effect does not depend on the scale of the weights: scaling by the power of
    # two nearest the largest (exact, so ordinary weights give the same digits) keeps the
    # squares finite for weights of 1e200 and non-zero for weights of 1e-200.
    _, exponent = np.frexp(w.max())
    u = np.ldexp(w, -int(exponent))
    total = float(u.sum())
    sq = float(np.dot(u, u))
    deff = n * sq / (total * total)
    cv = float(np.sqrt(max(deff - 1.0, 0.0)))
    return WeightingDeff(deff=float(deff), n=n, n_eff=float(total * total / sq), cv=cv)


def cluster_deff(
    cluster_size: ArrayLike, icc: ArrayLike, *, cv_cluster_size: ArrayLike = 0.0
) -> Any:
    """Design effect of clustering: ``1 + ((1 + CV²) b - 1) ρ``.

    Interviews in the same cluster (village, street, interviewer) resemble each other; the
    intraclass correlation ``ρ`` measures how much. With ``b`` interviews per cluster the
    variance grows by ``1 + (b - 1) ρ``; unequal cluster sizes (coefficient of variation
    ``CV``) add to it.

    Parameters
    ----------
    cluster_size : float or array-like
        Mean number of interviews per cluster, ``b >= 1``.
    icc : float or array-like
        Intraclass correlation ``ρ`` in [0, 1].
    cv_cluster_size : float or array-like, default 0.0
        Coefficient of variation of cluster sizes, >= 0.

    Returns
    -------
    float, ndarray or Series
        The design effect of clustering, of the inputs' shape.

    Notes
    -----
    Kish (1965) gives ``1 + (b - 1) ρ``; the variable-size form is from Kish (1987) and
    Eldridge, Ashby and Kerry (2006). Typical ρ for attitude items in face-to-face national
    samples is 0.01-0.05 (a textbook range, a judgement rather than a sourced figure). It
    applies to face-to-face cluster designs such as Levada's (about 12 interviews per sampling
    point), not to unclustered phone samples such as VTsIOM's.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. (Section 5.4.)
    .. [2] Eldridge, S. M., Ashby, D. and Kerry, S. (2006). Sample size for cluster randomized
       trials: effect of coefficient of variation of cluster size and analysis method.
       International Journal of Epidemiology 35(5), 1292-1300.

    Examples
    --------
    Levada's design: about 12 interviews per sampling point; with ρ = 0.05:

    >>> from surveystats import cluster_deff
    >>> round(cluster_deff(12, 0.05), 2)
    1.55
    """
    index = common_index(cluster_size, icc, cv_cluster_size)
    b = check_interval("cluster_size", cluster_size, AT_LEAST_ONE,
                       hint="it is the number of interviews per cluster")
    rho = check_share("icc", icc)
    cv = check_interval("cv_cluster_size", cv_cluster_size, NON_NEGATIVE)
    broadcast_shapes(cluster_size=b, icc=rho, cv_cluster_size=cv)
    with np.errstate(over="ignore", invalid="ignore"):
        deff = 1.0 + ((1.0 + cv * cv) * b - 1.0) * rho
    check_result_finite("clustering design effect", deff, cluster_size=b, icc=rho,
                        cv_cluster_size=cv)
    return wrap(np.asarray(deff), index, "deff")


def combine_deff(weighting: ArrayLike = 1.0, clustering: ArrayLike = 1.0) -> Any:
    """Total design effect as the product of weighting and clustering effects.

    Parameters
    ----------
    weighting : float or array-like, default 1.0
        Design effect of unequal weights (e.g. ``kish_deff(w).deff``).
    clustering : float or array-like, default 1.0
        Design effect of clustering (e.g. ``cluster_deff(b, icc)``).

    Returns
    -------
    float, ndarray or Series
        ``weighting * clustering``.

    Notes
    -----
    The product form is the model-based decomposition of Gabler, Häder and Lahiri (1999),
    used by the European Social Survey to plan effective sample sizes. It assumes the
    weights are unrelated to cluster membership.

    References
    ----------
    .. [1] Gabler, S., Häder, S. and Lahiri, P. (1999). A model based justification of Kish's
       formula for design effects for weighting and clustering. Survey Methodology 25(1),
       105-106.

    Examples
    --------
    >>> from surveystats import combine_deff
    >>> combine_deff(1.25, 1.55)
    1.9375
    """
    index = common_index(weighting, clustering)
    w = check_positive("weighting", weighting)
    c = check_positive("clustering", clustering)
    broadcast_shapes(weighting=w, clustering=c)
    with np.errstate(over="ignore", under="ignore"):
        deff = w * c
    check_result_finite("combined design effect", deff, weighting=w, clustering=c)
    if np.any(deff == 0.0):
        raise ValueError(f"the combined design effect underflows to 0 for weighting "
                         f"({np.min(w):g}) and clustering ({np.min(c):g}); check these values")
    return wrap(np.asarray(deff), index, "deff")


def effective_sample_size(n: ArrayLike, deff: ArrayLike) -> Any:
    """Effective sample size ``n / deff``: the simple random sample as precise as the design.

    Examples
    --------
    >>> from surveystats import effective_sample_size
    >>> effective_sample_size(1600, 1.5)
    1066.666...
    """
    index = common_index(n, deff)
    n_a = check_positive("n", n)
    d = check_positive("deff", deff)
    broadcast_shapes(n=n_a, deff=d)
    with np.errstate(over="ignore", under="ignore"):
        n_eff = n_a / d
    check_result_finite("effective sample size", n_eff, n=n_a, deff=d)
    return wrap(np.asarray(n_eff), index, "n_eff")


def deff_scenarios(
    items: Mapping[str, float] | pd.Series | Sequence[float] | float,
    n: ArrayLike,
    deff: Sequence[float] | np.ndarray = (1.0, 1.5, 2.25),
    *,
    method: str = "wilson",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Effective sizes, margins and intervals for several items under several design effects.

    Parameters
    ----------
    items : mapping, Series, sequence or float
        Item name -> reported share. A sequence gets names ``item_0, item_1, ...``.
    n : float or array-like
        Nominal sample size (one for all items, or one per item).
    deff : sequence of float, default (1.0, 1.5, 2.25)
        Design effects to try. The default is the sourced range for phone polls: 1.0 (what
        VTsIOM's stated 2.5% implies), 1.5 (Pew dual-frame phone polls, 1.1-1.7, and
        VTsIOM's 2017 weekly release, about 1.6; the central value is a judgement), 2.25
        (US exit polls, a conservative cap).
    method : str, default "wilson"
        Interval method (see :func:`proportion_ci`).
    confidence_level : float, default 0.95
        Two-sided confidence level of the margins and intervals.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per item and design effect, columns ``item, estimate, n, deff,
        n_eff, margin, low, high, method, confidence_level``. ``margin`` is the Wald
        half-width at ``n_eff`` (what a pollster would state); ``low`` and ``high`` are the
        chosen method's bounds.

    Examples
    --------
    >>> from surveystats import deff_scenarios
    >>> tab = deff_scenarios({"successful_2026": 0.70, "end_of_war": 0.55}, 1600)
    >>> tab[["item", "deff", "n_eff", "margin"]].round(4)
                  item  deff      n_eff  margin
    0  successful_2026  1.00  1600.0000  0.0225
    1  successful_2026  1.50  1066.6667  0.0275
    2  successful_2026  2.25   711.1111  0.0337
    3       end_of_war  1.00  1600.0000  0.0244
    4       end_of_war  1.50  1066.6667  0.0299
    5       end_of_war  2.25   711.1111  0.0366
    """
    cl = check_confidence_level(confidence_level)
    _engine.canonical_method(method)
    if isinstance(items, pd.Series):
        names = [str(i) for i in items.index]
        shares = as_float_array("items", items.to_numpy())
    elif isinstance(items, Mapping):
        names = [str(k) for k in items]
        shares = as_float_array("items", list(items.values()))
    else:
        shares = np.atleast_1d(as_float_array("items", items))
        names = [f"item_{i}" for i in range(shares.size)]
    check_share("items", shares)
    d = np.atleast_1d(check_positive("deff", deff)).ravel()
    n_in = np.atleast_1d(check_positive("n", n)).ravel()
    if n_in.size not in (1, shares.size):
        raise ValueError(f"n (shape {n_in.shape}) must be one value or one per item "
                         f"(items has {shares.size})")
    n_a = np.broadcast_to(n_in, shares.shape)
    k, m = shares.size, d.size
    p_grid = np.repeat(shares, m)
    n_grid = np.repeat(n_a, m)
    d_grid = np.tile(d, k)
    ci = proportion_ci(p_grid, n_grid, deff=d_grid, method=method, confidence_level=cl)
    return pd.DataFrame(
        {
            "item": np.repeat(names, m),
            "estimate": p_grid,
            "n": n_grid,
            "deff": d_grid,
            "n_eff": effective_sample_size(n_grid, d_grid),
            "margin": margin_of_error(p_grid, n_grid, deff=d_grid, confidence_level=cl),
            "low": ci.low,
            "high": ci.high,
            "method": ci.method,
            "confidence_level": cl,
        }
    )
