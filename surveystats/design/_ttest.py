"""Design-based t-tests (R survey's ``svyttest``): one sample, and two groups.

A one-sample test compares a design-based mean with ``mu``. A two-group test compares the
means of two domains; R fits ``svyglm(y ~ group)``, whose group coefficient is exactly the
difference of the two domain means and whose linearised (or replicate) variance is that of
the difference, so it is computed here from the domain means and their joint covariance
(:meth:`SurveyDesign.mean` with ``by=``), through the same variance engines.

Degrees of freedom follow R 4.x: ``degf(design) - 1`` for one sample (the full design, even
with missing values dropped), and the residual df of the two-coefficient regression,
``degf(rows used) - 1``, for two groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from surveystats import _engine
from surveystats._display import fmt, html_table
from surveystats._params import CONFIDENCE_LEVEL, REAL
from surveystats._result import Result
from surveystats._validation import check_scalar
from surveystats.design import _estimators as estimators

if TYPE_CHECKING:
    from surveystats.design._estimators import Design

__all__ = ["TTest", "ttest"]


@dataclass(frozen=True, eq=False, repr=False)
class TTest(Result):
    """Result of :meth:`SurveyDesign.ttest`.

    Attributes
    ----------
    variable : str
        The tested column.
    group : str or None
        The grouping column of a two-group test.
    levels : tuple
        Two groups: ``(reference, other)``; the estimate is ``mean(other) - mean(reference)``
        (R's coefficient of the second factor level). Empty for one sample.
    estimate : float
        The mean (one sample) or the difference of the two means.
    se : float
        Its design-based standard error.
    null_value : float
        ``mu``: the value the estimate is tested against.
    statistic : float
        ``(estimate - mu) / se``.
    df : float
        Degrees of freedom of the t reference distribution.
    p_value : float
        Two-sided.
    low, high : float
        The interval for ``estimate`` at ``confidence_level``, ``estimate ± t_df se``.
    confidence_level : float
    """

    variable: str
    group: str | None
    levels: tuple[Any, ...]
    estimate: float
    se: float
    null_value: float
    statistic: float
    df: float
    p_value: float
    low: float
    high: float
    confidence_level: float

    def to_frame(self) -> pd.DataFrame:
        """The test in one row.

        Columns ``variable, group, levels, estimate, se, null_value, statistic, df,
        p_value, low, high, confidence_level``.
        """
        return pd.DataFrame([{
            "variable": self.variable, "group": self.group,
            "levels": " vs ".join(map(str, self.levels[::-1])) if self.levels else None,
            "estimate": self.estimate, "se": self.se, "null_value": self.null_value,
            "statistic": self.statistic, "df": self.df, "p_value": self.p_value,
            "low": self.low, "high": self.high, "confidence_level": self.confidence_level,
        }])

    def _what(self) -> str:
        if self.group is None:
            return f"mean of {self.variable}"
        ref, other = self.levels
        return f"difference in mean {self.variable}, {self.group} {other} minus {ref}"

    def _text(self) -> str:
        return (f"{self._what()}: {self.estimate:.6g} (SE {self.se:.4g}), t = "
                f"{self.statistic:.4g} on {self.df:g} df, p = {self.p_value:.3g}; "
                f"{100 * self.confidence_level:g}% interval [{self.low:.6g}, {self.high:.6g}]")

    def __repr__(self) -> str:
        return (f"TTest({self._what()}: estimate={fmt(self.estimate)}, se={fmt(self.se)}, "
                f"statistic={fmt(self.statistic)}, df={fmt(self.df)}, "
                f"p_value={fmt(self.p_value)})")

    def _repr_html_(self) -> str:
        return html_table(f"Design-based t-test: {self._what()}", self.to_frame(),
                          note=f"H0: {self.null_value:g}")


def _p_two_sided(t: float, df: float) -> float:
    return float(2.0 * special.stdtr(df, -abs(t))) if df > 0 else float("nan")


def ttest(
    design: Design,
    variable: str,
    group: str | None = None,
    *,
    mu: float = 0.0,
    confidence_level: float = 0.95,
    missing: Literal["error", "drop"] = "error",
) -> TTest:
    """The design-based t-test of :meth:`SurveyDesign.ttest` (see there)."""
    mu_f = check_scalar("mu", mu, REAL)
    cl = check_scalar("confidence_level", confidence_level, CONFIDENCE_LEVEL)
    if not isinstance(variable, str):
        raise TypeError(f"variable ({variable!r}) must be one column name")
    column = design._column("variable", variable)
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)) or (
            isinstance(column.dtype, pd.CategoricalDtype)):
        raise TypeError(f"variable ({variable!r}) must be a numeric column for a t-test; it "
                        f"has dtype {column.dtype} (for the share of a category, test a "
                        "0/1 or boolean column)")
    if group is None:
        est = estimators.mean(design, variable, missing=missing)
        value, se = float(est.estimate[0]), float(est.se[0])
        df = float(design.degf) - 1.0
        levels: tuple[Any, ...] = ()
    else:
        if not isinstance(group, str):
            raise TypeError(f"group ({group!r}) must be one column name")
        est = estimators.mean(design, variable, by=group, missing=missing)
        if len(est.estimate) != 2:
            found = list(est.domain)
            raise ValueError(f"group {group!r} must have exactly two values for a t-test; "
                             f"it has {len(found)}: {found[:10]}")
        levels = tuple(est.domain)
        c = np.array([-1.0, 1.0])
        if est.var is None:  # pragma: no cover - two rows always carry their covariance
            raise ValueError("the two group means carry no covariance")
        value = float(c @ est.estimate)
        se = float(np.sqrt(max(float(c @ est.var @ c), 0.0)))
        # the rows the regression of R's svyttest keeps
        used = (design._column("variable", variable).notna()
                & design._column("group", group).notna()).to_numpy(dtype=bool)
        df = float(design._degf_by(used)[0]) - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (value - mu_f) / se
    half = float(_engine.critical_value(cl, np.float64(df) if df > 0 else np.nan)) * se
    return TTest(variable, group, levels, value, se, mu_f, float(t), df, _p_two_sided(t, df),
                 value - half, value + half, cl)
