"""Frozen results of the design-based estimators, and their intervals."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveystats import _engine
from surveystats._display import fmt, html_table
from surveystats._params import REAL
from surveystats._proportion import ProportionCI, proportion_ci
from surveystats._result import Result
from surveystats._validation import as_float_array, check_confidence_level, check_scalar
from surveystats._warnings import DegenerateIntervalWarning, SurveyStatsWarning

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["R_METHOD_ALIASES", "DesignEstimate", "canonical_proportion_method"]

#: R survey ``svyciprop`` method names and the canonical names they mean here.
R_METHOD_ALIASES: dict[str, str] = {
    "xlogit": "logit",
    "likelihood": "likelihood_ratio",
    "asin": "arcsine",
    "beta": "korn_graubard",
    "mean": "wald",
}


def canonical_proportion_method(method: str) -> str:
    """Canonical interval method for a design-based proportion (R's names accepted)."""
    if isinstance(method, str) and method.lower() in R_METHOD_ALIASES:
        return R_METHOD_ALIASES[method.lower()]
    try:
        return _engine.canonical_method(method)
    except ValueError:
        names = ", ".join(repr(m) for m in _engine.METHODS)
        r_names = ", ".join(f"{a!r} ({c})" for a, c in R_METHOD_ALIASES.items())
        raise ValueError(
            f"method ({method!r}) is not one of {names}; R svyciprop's names are accepted "
            f"too: {r_names}"
        ) from None


def _engine_inputs(
    method: str, p: np.ndarray, var: np.ndarray, n: np.ndarray
) -> np.ndarray:
    """Effective sample size to feed the interval engine for ``method``.

    ``n_eff = p (1 - p) / var`` (R svyciprop). Where the variance is 0 because p is 0 or 1,
    ``n_eff`` is undefined and the nominal ``n`` is used. For the likelihood-ratio interval
    R's quasi-binomial profile has dispersion ``n / (n - 1)``, which is the same as an
    exact binomial likelihood at ``n_eff (n - 1) / n``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = p * (1.0 - p) / var
    edge = (var == 0.0) & ((p == 0.0) | (p == 1.0))
    n_eff = np.where(edge, n, n_eff)
    if method == "likelihood_ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            n_eff = n_eff * (n - 1.0) / n
    return n_eff


@dataclass(frozen=True, eq=False, repr=False)
class DesignEstimate(Result):
    """Design-based estimates with their covariance, one row per variable, level and domain.

    Returned by :class:`SurveyDesign`'s ``mean``, ``total``, ``proportion``, ``ratio`` and
    ``quantile``. Arrays have one entry per row of ``to_frame()``.

    Attributes
    ----------
    statistic : str
        ``"mean"``, ``"total"``, ``"proportion"``, ``"ratio"`` or ``"quantile"``.
    estimate : ndarray
        Point estimates.
    var : ndarray, shape (m, m), or None
        Covariance matrix of the estimates (domains included: domain estimates share PSUs,
        so they are correlated). For quantiles only the diagonal is filled. None when the
        result has more than 2,048 rows (many domains), where the matrix would not fit in
        memory; ``variances`` is always there.
    variances : ndarray, shape (m,)
        The variances, ``diag(var)``.
    df : ndarray
        Design degrees of freedom per row (for a domain: its PSUs minus its strata).
    n : ndarray
        Rows with a non-zero weight behind each estimate.
    variable, level, domain : tuple
        Labels of each row: the column (``"api00/api99"`` for a ratio), the category or the
        quantile probability (None when not applicable), the domain (None without ``by``;
        a tuple when ``by`` has several columns).
    by : tuple of str or None
        The domain columns.
    deff : ndarray or None
        Design effects, when asked for; ``deff_kind`` says which ("wor" or "wr").
    method : str or None
        For proportions: the interval method ``confint()`` uses by default.

    se : ndarray, shape (m,)
        Standard errors, ``sqrt(variances)``, stored when the result is made.

    Notes
    -----
    ``cv`` (``se / |estimate|``) and, for proportions, ``n_eff`` (``p (1 - p) / var``) are
    derived properties. ``confint()`` gives intervals at
    any level; ``to_proportion_ci()`` hands proportions to the topline tools; ``plot()``
    draws each row with its interval (:func:`surveystats.plotting.plot_design_estimate`).
    """

    statistic: str
    estimate: np.ndarray
    var: np.ndarray | None
    df: np.ndarray
    n: np.ndarray
    variable: tuple[str, ...]
    level: tuple[Any, ...]
    domain: tuple[Any, ...]
    by: tuple[str, ...] | None = None
    deff: np.ndarray | None = None
    deff_kind: str | None = None
    method: str | None = None
    variances: np.ndarray = None  # type: ignore[assignment]  # set from var when not given
    _interval: Callable[[float], tuple[np.ndarray, np.ndarray]] | None = field(
        default=None, repr=False, compare=False
    )
    #: Question texts by variable, from a labelled file.
    #:
    #: ``df.attrs["labels"]``, as :func:`surveystats.read_stata` and
    #: :func:`surveystats.read_spss` set them.
    labels: dict[str, str] = field(default_factory=dict)
    # derived from variances, so left out of equality and hashing
    se: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.variances is None:
            if self.var is None:
                raise ValueError("DesignEstimate needs var or variances")
            object.__setattr__(self, "variances", np.diagonal(self.var).copy())
        object.__setattr__(self, "se", np.sqrt(self.variances))
        super().__post_init__()

    def __len__(self) -> int:
        return int(self.estimate.size)

    @property
    def cv(self) -> np.ndarray:
        """Coefficients of variation, ``se / |estimate|`` (NaN where the estimate is 0)."""
        est = np.abs(self.estimate)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(est > 0, self.se / np.where(est > 0, est, 1.0), np.nan)

    @property
    def n_eff(self) -> np.ndarray:
        """Effective sample size ``p (1 - p) / var`` (proportions; ``n`` where var = 0 at 0/1)."""
        if self.statistic != "proportion":
            raise ValueError(
                f"n_eff is defined for proportions; this is a {self.statistic} estimate"
            )
        return _engine_inputs("wald", self.estimate, self.variances, self.n)

    # --- tables -------------------------------------------------------------------------
    def _labels(self) -> pd.DataFrame:
        return pd.DataFrame({
            "variable": list(self.variable),
            "level": list(self.level),
            "domain": list(self.domain),
        })

    def to_frame(self) -> pd.DataFrame:
        """A tidy DataFrame, one row per estimate.

        Columns: ``variable, level, domain, estimate, se, df, deff, cv, n`` (``deff`` is
        NaN unless asked for; ``level`` and ``domain`` are None where they do not apply),
        and ``question`` after ``variable`` when the data came from a labelled file.
        """
        frame = self._labels()
        frame["estimate"] = self.estimate
        frame["se"] = self.se
        frame["df"] = self.df
        frame["deff"] = np.nan if self.deff is None else self.deff
        frame["cv"] = self.cv
        frame["n"] = self.n
        labels = self._stored("labels")
        if any(v in labels for v in self.variable):  # a labelled file: the question texts
            frame.insert(1, "question", [labels.get(v) for v in self.variable])
        return frame

    def confint(
        self, confidence_level: float = 0.95, *, method: str | None = None
    ) -> pd.DataFrame:
        """Confidence intervals, one row per estimate.

        Parameters
        ----------
        confidence_level : float, default 0.95
            Two-sided level in (0, 1).
        method : str or None
            Proportions: any interval method of :meth:`SurveyDesign.proportion` (default:
            the one it was given). Means, totals and ratios: None or ``"wald"``
            (``estimate ± t_{df} se``; R's ``confint(svymean(...), df=degf(design))``;
            R's default there is the normal quantile). Quantiles: None (Woodruff).

        Returns
        -------
        DataFrame
            Columns ``variable, level, domain, estimate, low, high, confidence_level,
            method``.
        """
        cl = check_confidence_level(confidence_level)
        self._warn_no_df()
        if self.statistic == "proportion":
            m = canonical_proportion_method(method if method is not None else
                                            (self.method or "logit"))
            low, high = self._proportion_interval(m, cl)
        elif self.statistic == "quantile":
            m = str(getattr(self._interval, "label", "woodruff"))
            if method not in (None, m):
                raise ValueError(
                    f"method ({method!r}) must be None for quantiles: their interval is "
                    f"the one chosen when they were estimated ({m!r}; quantile(..., "
                    "interval_type=...))"
                )
            if self._interval is None:
                raise ValueError("this quantile estimate carries no interval function")
            low, high = self._interval(cl)
        else:
            if method not in (None, "wald"):
                raise ValueError(
                    f"method ({method!r}) must be None or 'wald' for a {self.statistic}; "
                    "the other interval methods are for proportions"
                )
            m = "wald"
            crit = _engine.critical_value(cl, np.where(self.df > 0, self.df, np.nan))
            half = crit * self.se
            low, high = self.estimate - half, self.estimate + half
        frame = self._labels()
        frame["estimate"] = self.estimate
        frame["low"] = low
        frame["high"] = high
        frame["confidence_level"] = cl
        frame["method"] = m
        return frame

    def contrast(self, coefficients: Any) -> DesignEstimate:
        """Linear combinations of the estimates, with their design-based covariance.

        Parameters
        ----------
        coefficients : sequence of float, list of sequences, or dict of name to sequence
            One weight per row of :meth:`to_frame` (in its order) for one contrast; a list
            of such vectors, or a dict naming each, for several. A vector may also be a dict
            of row label (as ``repr`` names rows, e.g. ``"api00"`` or ``"api00 [stype=E]"``)
            to weight, the other rows weighted 0.

        Returns
        -------
        DesignEstimate
            ``statistic="contrast"``: one row per contrast, ``estimate = C θ``, covariance
            ``C V C'``; ``confint()`` is a t interval with the smallest df of the rows a
            contrast uses (all rows of a whole-design estimate share the design df).

        Notes
        -----
        R survey's ``svycontrast(stat, coefficients)`` (for domain estimates,
        ``svyby(..., covmat=TRUE)``). The covariance between domains is the joint one, as
        R's with ``covmat=TRUE``. Quantiles carry no covariance and are refused; so are
        results too large to keep it (more than 2,048 rows).

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("stratified")
        >>> d = SurveyDesign(df, weights="weight", strata="region")
        >>> by_sex = d.mean("income", by="sex")
        >>> gap = by_sex.contrast({"male - female": [-1, 1]})
        >>> gap.to_frame()[["variable", "estimate", "se"]].round(4)
                variable  estimate      se
        0  male - female    3.1879  1.7966
        """
        if self.statistic == "quantile" or self.var is None:
            why = ("quantiles carry no covariance between rows" if self.statistic == "quantile"
                   else f"this result has {self.estimate.size} rows, too many to keep their "
                   "covariance")
            raise ValueError(f"contrast needs the covariance of the estimates: {why}")
        m = self.estimate.size
        labels = [self._row_label(i) for i in range(m)]
        names, rows = _contrast_rows(coefficients, labels)
        c = np.asarray(rows, dtype=np.float64)
        est = c @ self.estimate
        var = c @ self.var @ c.T
        used = c != 0
        df = np.array([float(np.min(self.df[u])) if u.any() else float(np.min(self.df))
                       for u in used])
        n = np.array([int(np.max(self.n[u])) if u.any() else 0 for u in used])
        return DesignEstimate("contrast", est, var, df, n, tuple(names),
                              (None,) * len(names), (None,) * len(names))

    def _proportion_interval(self, method: str, cl: float) -> tuple[np.ndarray, np.ndarray]:
        p = self.estimate
        var = self.variances
        n_eff = _engine_inputs(method, p, var, self.n.astype(np.float64))
        if method in _engine.DEGENERATE_AT_BOUNDS and np.any((p == 0.0) | (p == 1.0)):
            warnings.warn(
                f"the {method} interval collapses to a point at p = 0 or p = 1; use "
                "'korn_graubard', 'wilson' or 'clopper_pearson' there",
                DegenerateIntervalWarning,
                stacklevel=3,
            )
        df = np.where(self.df > 0, self.df, np.nan)
        with np.errstate(all="ignore"):
            low, high = _engine.interval(method, p, n_eff, confidence_level=cl, df=df,
                                         n=self.n.astype(np.float64))
        return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)

    def to_proportion_ci(
        self, method: str | None = None, confidence_level: float = 0.95
    ) -> ProportionCI:
        """The proportions as a :class:`surveystats.ProportionCI` (the topline result).

        Built with ``proportion_ci(p, n, deff=n / n_eff, df=df, method=method)``, so the
        numbers come from the same engine as :meth:`confint` (for ``likelihood_ratio`` the
        deff includes R's quasi-binomial dispersion ``n / (n - 1)``). ``n`` is the number
        of rows, ``df`` the design degrees of freedom. A single row gives float
        attributes; several rows give Series indexed by (variable, level, domain). Its
        ``se`` is this estimate's ``se``, not one recomputed from ``n_eff``.
        """
        if self.statistic != "proportion":
            raise ValueError(
                f"to_proportion_ci() needs a proportion estimate, not a {self.statistic}; "
                "use design.proportion(...)"
            )
        m = canonical_proportion_method(method if method is not None else
                                        (self.method or "logit"))
        n = self.n.astype(np.float64)
        n_eff = _engine_inputs(m, self.estimate, self.variances, n)
        undefined = ~np.isfinite(n_eff) | (n_eff <= 0)
        if np.any(undefined):
            bad = [self._row_label(int(i)) for i in np.flatnonzero(undefined)]
            raise ValueError(
                f"the design variance is 0 for {', '.join(bad[:5])} while the estimate is "
                "strictly between 0 and 1 (e.g. the variable is constant within strata), so "
                "there is no effective sample size; use confint() instead"
            )
        deff = n / n_eff
        self._warn_no_df()
        df = np.where(self.df > 0, self.df, np.nan)
        if self.estimate.size == 1:
            ci = proportion_ci(float(self.estimate[0]), float(n[0]), deff=float(deff[0]),
                               df=float(df[0]), method=m, confidence_level=confidence_level,
                               nan_policy="propagate")
            return dataclasses.replace(ci, se=float(self.se[0]))
        labels = self._labels()
        keep = [c for c in labels.columns if labels[c].notna().any()]
        index = pd.MultiIndex.from_frame(labels[keep]) if len(keep) > 1 else pd.Index(
            labels[keep[0]])

        def s(values: np.ndarray) -> pd.Series:
            return pd.Series(values, index=index)

        ci = proportion_ci(s(self.estimate), s(n), deff=s(deff), df=s(df), method=m,
                           confidence_level=confidence_level, nan_policy="propagate")
        return dataclasses.replace(ci, se=s(self.se).rename("se"))

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Each row's point and confidence interval.

        Titled with the question text of a labelled file:
        :func:`surveystats.plotting.plot_design_estimate`.
        """
        from surveystats.plotting import plot_design_estimate

        return plot_design_estimate(self, ax=ax, **kwargs)

    # --- display ------------------------------------------------------------------------
    def _warn_no_df(self) -> None:
        """Say why an interval is NaN where the design has no degrees of freedom."""
        none = np.flatnonzero(~(self.df > 0))
        if none.size:
            shown = ", ".join(self._row_label(int(i)) for i in none[:3])
            more = f" and {none.size - 3} more" if none.size > 3 else ""
            warnings.warn(
                f"{none.size} estimate(s) have 0 design degrees of freedom ({shown}{more}): "
                "their design (or domain) has as many strata as PSUs, so there is no "
                "t quantile and their interval is NaN. Collapse strata with a single PSU, "
                "or estimate a larger domain",
                SurveyStatsWarning,
                stacklevel=3,
            )

    def _row_label(self, i: int) -> str:
        text = self.variable[i]
        if self.level[i] is not None:
            text += f"={self.level[i]}"
        if self.domain[i] is not None and self.by is not None:
            dom = self.domain[i] if isinstance(self.domain[i], tuple) else (self.domain[i],)
            text += " [" + ", ".join(f"{b}={v}" for b, v in zip(self.by, dom, strict=False)) + "]"
        return text

    def _title(self) -> str:
        names = list(dict.fromkeys(self.variable))
        text = f"{self.statistic} of {', '.join(names)}"
        if self.by:
            text += f" by {', '.join(self.by)}"
        return text

    def __repr__(self) -> str:
        extra = f", deff={fmt(self.deff[0])}" if self.deff is not None else ""
        if self.estimate.size == 1:
            return (
                f"DesignEstimate({self.statistic} of {self._row_label(0)}: "
                f"estimate={fmt(float(self.estimate[0]))}, se={fmt(float(self.se[0]))}, "
                f"df={fmt(float(self.df[0]))}{extra})"
            )
        deff = f"; deff {self.deff_kind!r}" if self.deff_kind else ""
        return f"DesignEstimate({self._title()}: {self.estimate.size} rows{deff})"

    def _repr_html_(self) -> str:
        note = f"design effect: {self.deff_kind}" if self.deff_kind else ""
        return html_table(f"Design-based {self._title()}", self.to_frame(), note)


def _contrast_vector(name: str, value: Any, labels: list[str]) -> list[float]:
    """One contrast's weights, one per row, from a sequence or a mapping of row label."""
    m = len(labels)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in labels]
        if unknown:
            raise ValueError(f"coefficients {name}: {unknown[0]!r} is not a row of this "
                             f"estimate; rows: {', '.join(map(repr, labels[:10]))}")
        return [float(check_scalar(f"coefficients {name}[{k!r}]", value.get(k, 0.0), REAL))
                for k in labels]
    arr = as_float_array(f"coefficients {name}", value)
    if arr.ndim != 1 or arr.size != m:
        raise ValueError(f"coefficients {name} must have one weight per row ({m}: "
                         f"{', '.join(labels[:10])}); got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"coefficients {name} must be finite numbers; got {arr.tolist()}")
    return arr.tolist()


def _contrast_rows(coefficients: Any, labels: list[str]) -> tuple[list[str], list[list[float]]]:
    """(names, weight vectors) from one vector, a list of vectors or a dict of them."""
    if isinstance(coefficients, Mapping) and coefficients and all(
            isinstance(v, (Mapping, Sequence, np.ndarray)) and not isinstance(v, str)
            for v in coefficients.values()):
        items = [(str(k), v) for k, v in coefficients.items()]
    elif isinstance(coefficients, Mapping):  # one contrast by row label
        items = [("contrast", coefficients)]
    elif (isinstance(coefficients, (list, tuple)) and coefficients
          and all(isinstance(v, (Mapping, Sequence, np.ndarray)) and not isinstance(v, str)
                  for v in coefficients)):
        items = [(f"contrast_{i + 1}", v) for i, v in enumerate(coefficients)]
    elif isinstance(coefficients, np.ndarray) and coefficients.ndim == 2:
        items = [(f"contrast_{i + 1}", v) for i, v in enumerate(coefficients)]
    else:
        items = [("contrast", coefficients)]
    if not items:
        raise ValueError("coefficients is empty; give one weight per row of the estimate")
    return [k for k, _ in items], [_contrast_vector(k, v, labels) for k, v in items]
