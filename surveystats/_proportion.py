"""Confidence intervals for a reported share: the topline route into the interval engine."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveystats import _engine
from surveystats._display import count_text, fmt, html_table, pct_text
from surveystats._params import DF, NON_NEGATIVE
from surveystats._result import Result, sealed
from surveystats._validation import (
    NanPolicy,
    broadcast_shapes,
    check_choice,
    check_confidence_level,
    check_interval,
    check_positive,
    check_share,
    common_index,
    wrap,
)
from surveystats._warnings import DegenerateIntervalWarning

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ProportionCI", "proportion_ci"]

ArrayLike = Any


@dataclass(frozen=True, eq=False, repr=False)
class ProportionCI(Result):
    """A confidence interval for a proportion, with the sizes that produced it.

    Returned by :func:`proportion_ci` (and by the design-based estimators' bridge). Each
    attribute is a float for scalar input, a numpy array for array input, or a pandas Series
    (keeping the input's index) when any input was a Series.

    Attributes
    ----------
    estimate : float, ndarray or Series
        The observed share.
    low, high : float, ndarray or Series
        Interval bounds, always within [0, 1].
    method : str
        Canonical method name (aliases are resolved).
    confidence_level : float
        Two-sided confidence level.
    n : float, ndarray or Series
        Nominal sample size.
    deff : float, ndarray or Series
        Design effect assumed.
    n_eff : float, ndarray or Series
        Effective sample size ``n / deff``.
    df : float, ndarray, Series or None
        Design degrees of freedom, or None when normal quantiles were used.
    se : float, ndarray or Series
        Standard error of the estimate: the design's own standard error from
        :meth:`DesignEstimate.to_proportion_ci
        <surveystats.design.DesignEstimate.to_proportion_ci>` (whose ``n_eff`` for the
        likelihood-ratio interval includes R's dispersion ``n / (n - 1)``, so it is not
        recomputed from it);
        else ``sqrt(p (1 - p) / n_eff)``, computed on first read (most callers never read it,
        and for a large array it costs several passes over it).

    Notes
    -----
    ``low, high = ci`` unpacks the bounds. ``margin`` is half the width, which for Wald at
    ``deff = 1`` is the textbook margin of error.
    """

    estimate: Any
    low: Any
    high: Any
    method: str
    confidence_level: float
    n: Any
    deff: Any
    n_eff: Any
    df: Any = None
    se: Any = None

    def __post_init__(self) -> None:
        if self.__dict__.get("se") is None:
            del self.__dict__["se"]  # derived on first read (Result._stored)
        super().__post_init__()

    def _derive(self, name: str) -> Any:
        if name != "se":
            return super()._derive(name)
        p, n_eff = self._stored("estimate"), self._stored("n_eff")
        with np.errstate(all="ignore"):
            se = np.sqrt(np.divide(p * (1.0 - p), n_eff))  # floats too: 0 / 0 is NaN
        if isinstance(se, pd.Series):
            se = se.rename("se")
        return se

    def __iter__(self) -> Any:
        return iter((self.low, self.high))

    @property
    def width(self) -> Any:
        """``high - low``."""
        return self.high - self.low

    @property
    def margin(self) -> Any:
        """Half the width of the interval."""
        return 0.5 * (self.high - self.low)

    def to_frame(self) -> pd.DataFrame:
        """A tidy DataFrame, one row per interval.

        Columns: ``estimate, low, high, method, confidence_level, n, deff, n_eff, df``.
        Column names never depend on the confidence level. A Series input's index is kept.
        """
        index = self.estimate.index if isinstance(self.estimate, pd.Series) else None
        cols = {
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "method": self.method,
            "confidence_level": self.confidence_level,
            "n": self.n,
            "deff": self.deff,
            "n_eff": self.n_eff,
            "df": np.nan if self.df is None else self.df,
        }
        arrays = {
            k: np.asarray(v.to_numpy() if isinstance(v, pd.Series) else v) for k, v in cols.items()
        }
        size = max(a.size for a in arrays.values())
        data = {k: np.broadcast_to(a, (size,)) if a.ndim == 0 else a.ravel()
                for k, a in arrays.items()}
        return pd.DataFrame(data, index=index)

    def _text(self) -> str:
        def one(e: Any, lo: Any, hi: Any, n: Any) -> str:
            return f"{pct_text(e)} [{pct_text(lo)}, {pct_text(hi)}] (n = {count_text(n)})"

        how = f"{self.method}, {100 * self.confidence_level:g}%"
        if np.ndim(self.estimate) == 0:
            deff = "" if float(self.deff) == 1 else f", deff {float(self.deff):g}"
            return (f"{pct_text(self.estimate)} [{pct_text(self.low)}, {pct_text(self.high)}]"
                    f" ({how}, n = {count_text(self.n)}{deff})")
        e, lo, hi = (np.ravel(np.asarray(v, dtype=float)) for v in
                     (self.estimate, self.low, self.high))
        n = np.ravel(np.broadcast_to(np.asarray(self.n, dtype=float), np.shape(self.estimate)))
        index = getattr(self.estimate, "index", range(1, e.size + 1))
        parts = [f"{k}: {one(*v)}" for k, v in zip(index, zip(e, lo, hi, n, strict=True),
                                                   strict=True)][:5]
        more = f"; ... {e.size - 5} more" if e.size > 5 else ""
        return f"{how}: " + "; ".join(parts) + more

    def __repr__(self) -> str:
        df = "" if self.df is None else f", df={fmt(self.df)}"
        return (
            f"ProportionCI(method={self.method!r}, estimate={fmt(self.estimate)}, "
            f"low={fmt(self.low)}, high={fmt(self.high)}, "
            f"confidence_level={fmt(self.confidence_level)}, n={fmt(self.n)}, "
            f"deff={fmt(self.deff)}, n_eff={fmt(self.n_eff)}{df})"
        )

    def _repr_html_(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        return html_table(f"{level} {self.method} interval for a proportion", self.to_frame())

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Forest plot of the interval(s): :func:`surveystats.plotting.plot_intervals`."""
        from surveystats.plotting import plot_intervals

        return plot_intervals(self, ax=ax, **kwargs)


def _share_of_counts(successes: Any, n: Any, p: Any, nan_policy: NanPolicy) -> Any:
    """``successes / n``, checked: a count in [0, n] (a Series keeps its index)."""
    x = check_interval("successes", successes, NON_NEGATIVE, nan_policy=nan_policy, offered=True)
    n_a = check_positive("n", n, nan_policy=nan_policy, offered=True)
    if p is not None:
        raise ValueError(f"give p ({p!r}) or successes ({successes!r}), not both")
    with np.errstate(invalid="ignore"):
        over = np.asarray(x > n_a)
    if np.any(over):
        bad = np.broadcast_to(x, over.shape)[over].flat[0]
        size = np.broadcast_to(n_a, over.shape)[over].flat[0]
        raise ValueError(f"successes ({bad:g}) must be <= n ({size:g}): a count of 'yes' "
                         "answers among n")
    share = x / n_a
    if isinstance(successes, pd.Series):
        return pd.Series(share, index=successes.index)
    if isinstance(n, pd.Series):
        return pd.Series(share, index=n.index)
    return share


def proportion_ci(
    p: ArrayLike | None = None,
    n: ArrayLike | None = None,
    *,
    successes: ArrayLike | None = None,
    method: str = "wilson",
    confidence_level: float = 0.95,
    deff: ArrayLike = 1.0,
    df: ArrayLike | None = None,
    nan_policy: NanPolicy = "raise",
) -> ProportionCI:
    """Confidence interval for a reported share, allowing for a design effect.

    A poll reports a share ``p`` from ``n`` interviews. Under simple random sampling the
    sampling variance of ``p`` is ``p (1 - p) / n``. Weighting and clustering inflate it by
    the design effect ``deff``, which is the same as having only ``n_eff = n / deff``
    interviews. Every method below is evaluated at ``n_eff`` (which need not be whole).

    Parameters
    ----------
    p : float, array-like or Series
        Observed share(s) in [0, 1] (0.70, not 70).
    n : float, array-like or Series
        Nominal sample size(s), > 0.
    successes : float, array-like or Series, optional
        Instead of ``p``: the number of "yes" answers among ``n`` (``proportion_ci(
        successes=1120, n=1600)`` is ``proportion_ci(0.70, 1600)``), in [0, n].
    method : str, default "wilson"
        One of ``"wald"``, ``"wilson"``, ``"wilson_cc"``, ``"agresti_coull"``,
        ``"clopper_pearson"``, ``"jeffreys"``, ``"logit"``, ``"arcsine"``,
        ``"likelihood_ratio"``, ``"korn_graubard"``. Aliases: ``"exact"``
        (Clopper-Pearson), ``"normal"`` (Wald), ``"score"`` (Wilson). ``"beta"`` is refused
        because statsmodels and R survey mean different intervals by it.
    confidence_level : float, default 0.95
        Two-sided confidence level in (0, 1).
    deff : float, array-like or Series, default 1.0
        Design effect, > 0 (values below 1 are allowed: efficient stratification).
    df : float, array-like, Series or None, default None
        Design degrees of freedom, >= 1 (``inf`` means normal quantiles). When given, normal
        quantiles become Student t quantiles with ``df`` (as R survey's ``svyciprop`` does),
        and Korn-Graubard scales ``n_eff`` by ``(t_{n-1} / t_{df})^2``. Beta-quantile
        methods (Clopper-Pearson, Jeffreys) have no normal quantile and ignore it.
    nan_policy : {"raise", "propagate"}, default "raise"
        What to do with NaN inputs: refuse them, or return NaN for those entries.

    Returns
    -------
    ProportionCI
        Attributes ``estimate, low, high, method, confidence_level, n, deff, n_eff, df``;
        unpacks as ``low, high = ci``; ``to_frame()`` gives a tidy DataFrame. All inputs
        broadcast; a Series input's index is kept.

    Notes
    -----
    With ``x = p n_eff`` and ``c`` the critical value (normal, or t with ``df``):

    * **wald**: ``p ± c sqrt(p (1 - p) / n_eff)``. Erratic undercoverage, worst near 0 and 1
      [1]_; collapses to a point at p = 0 or 1 (a ``DegenerateIntervalWarning`` is issued).
    * **wilson**: the inverted score test [2]_; good coverage for every n, the default.
    * **wilson_cc**: Wilson with continuity correction (Newcombe 1998, method 4 [3]_), what R's
      ``prop.test(correct=TRUE)`` reports; conservative.
    * **agresti_coull**: Wald around ``(x + c²/2) / (n_eff + c²)`` [4]_.
    * **clopper_pearson** (``exact``): beta quantiles ``B(α/2; x, n - x + 1)`` and
      ``B(1 - α/2; x + 1, n - x)`` [5]_; guaranteed coverage, conservative.
    * **jeffreys**: equal-tailed ``Beta(x + 1/2, n - x + 1/2)`` quantiles, with lower bound 0
      at x = 0 and upper bound 1 at x = n [1]_.
    * **logit**: Wald on the log-odds, back-transformed; R survey's ``xlogit``, Stata's
      ``citype(logit)``, SUDAAN's default. Degenerate at 0 and 1 (warning).
    * **arcsine**: Wald on ``asin(sqrt(p))`` (SE ``1 / (2 sqrt(n_eff))``), R's ``asin``.
    * **likelihood_ratio**: ``{π : 2 [ℓ(p) - ℓ(π)] ≤ c²}`` for the binomial likelihood.
    * **korn_graubard**: Clopper-Pearson at ``n_eff (t_{n-1}/t_{df})²`` [6]_, as R survey's
      ``svyciprop(method="beta")``. Without ``df`` it equals Clopper-Pearson at ``n_eff``.

    Wald, Wilson and Agresti-Coull bounds are clipped to [0, 1] (as statsmodels does). At
    ``deff = 1`` the results agree with statsmodels' ``proportion_confint`` and with R's
    ``binom.test`` and ``prop.test`` to about 1e-12 (see ``tests/reference/``); fed R's
    estimate, effective size and df they agree with R survey's ``svyciprop``.

    No interval here covers non-sampling error: nonresponse, falsification, coverage and
    wording effects can move a share by far more than the margin (see ``surveystats.bias``).

    References
    ----------
    .. [1] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
       proportion. Statistical Science 16(2), 101-133.
    .. [2] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. JASA 22(158), 209-212.
    .. [3] Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
       comparison of seven methods. Statistics in Medicine 17, 857-872.
    .. [4] Agresti, A. and Coull, B. A. (1998). Approximate is better than "exact" for interval
       estimation of binomial proportions. The American Statistician 52(2), 119-126.
    .. [5] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits
       illustrated in the case of the binomial. Biometrika 26(4), 404-413.
    .. [6] Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with
       small expected number of positive counts estimated from survey data. Survey
       Methodology 24, 193-201.

    Examples
    --------
    VTsIOM's December 2025 phone poll: 70% of n = 1,600 expect 2026 to be a successful year.

    >>> from surveystats import proportion_ci
    >>> ci = proportion_ci(0.70, 1600)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.6771, 0.7219)

    Cross-check with statsmodels (same Wilson interval):

    >>> from statsmodels.stats.proportion import proportion_confint
    >>> low, high = proportion_confint(1120, 1600, alpha=0.05, method="wilson")
    >>> abs(low - ci.low) < 1e-12
    True

    With a design effect of 1.5 (typical of weighted phone polls) the interval widens:

    >>> proportion_ci(0.70, 1600, deff=1.5).n_eff
    1066.66...
    >>> round(proportion_ci(0.70, 1600, deff=1.5).margin, 4)
    0.0274

    Several items at once; a Series keeps its labels:

    >>> import pandas as pd
    >>> items = pd.Series({"successful_2026": 0.70, "end_of_war": 0.55})
    >>> proportion_ci(items, 1600, method="clopper_pearson").to_frame()[["low", "high"]].round(3)
                       low   high
    successful_2026  0.677  0.722
    end_of_war       0.525  0.575
    """
    method_c = _engine.canonical_method(method)
    cl = check_confidence_level(confidence_level)
    check_choice("nan_policy", nan_policy, ("raise", "propagate"))
    if n is None:
        raise TypeError("n is required: proportion_ci(p, n) or proportion_ci(successes=..., "
                        "n=...)")
    if successes is not None:
        # every other argument is checked before the choice between p and successes, so a
        # bad deff is named as such
        check_positive("deff", deff, nan_policy=nan_policy, offered=True)
        if df is not None:
            check_interval("df", df, DF, nan_policy=nan_policy, offered=True)
        p = _share_of_counts(successes, n, p, nan_policy)
    elif p is None:
        raise TypeError("give p (a share, e.g. 0.70) or successes (a count, e.g. 1120) with n")
    index = common_index(p, n, deff, df)
    p_a = check_share("p", p, nan_policy=nan_policy, offered=True)
    n_a = check_positive("n", n, nan_policy=nan_policy, offered=True)
    deff_a = check_positive("deff", deff, nan_policy=nan_policy, offered=True)
    df_a = None if df is None else check_interval("df", df, DF, nan_policy=nan_policy, offered=True)
    shape = broadcast_shapes(p=p_a, n=n_a, deff=deff_a, df=df_a)
    if deff_a.ndim == 0 and deff_a == 1.0:
        n_eff = n_a
    else:
        # n / deff may overflow (n = 1e308, deff = 1e-10: the interval is the point p) or
        # underflow (the interval is its small-sample limit); the engine handles both
        with np.errstate(over="ignore", under="ignore"):
            n_eff = n_a / deff_a
    if method_c in _engine.DEGENERATE_AT_BOUNDS and p_a.size and (
        np.fmin.reduce(p_a, axis=None) == 0.0 or np.fmax.reduce(p_a, axis=None) == 1.0
    ):
        warnings.warn(
            f"the {method_c} interval collapses to a point at p = 0 or p = 1; "
            "use 'wilson', 'clopper_pearson' or 'jeffreys' there",
            DegenerateIntervalWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore"):
        low, high = _engine.interval(
            method_c, p_a, n_eff, confidence_level=cl, df=df_a, n=n_a
        )
    if index is None:
        # Read-only arrays the result stores without another copy (a Series is copied by
        # wrap instead): the engine's bounds and n / deff are new arrays, handed over; the
        # inputs are copied unless read-only throughout, as the caller may change them later.
        if n_eff is n_a:
            n_a = n_eff = sealed(n_a)  # one copy for both
        else:
            n_a, n_eff = sealed(n_a), sealed(n_eff, owned=True)
        p_a, deff_a, df_a = sealed(p_a), sealed(deff_a), sealed(df_a)
        low, high = sealed(low, owned=True), sealed(high, owned=True)

    def out(arr: np.ndarray, name: str) -> Any:
        # broadcast views are free; every attribute then has the same shape
        return wrap(np.broadcast_to(arr, shape), index, name)

    return ProportionCI(
        estimate=out(p_a, "estimate"),
        low=out(low, "low"),
        high=out(high, "high"),
        method=method_c,
        confidence_level=cl,
        n=out(n_a, "n"),
        deff=out(deff_a, "deff"),
        n_eff=out(n_eff, "n_eff"),
        df=None if df_a is None else out(df_a, "df"),
    )
