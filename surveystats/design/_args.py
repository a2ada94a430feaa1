"""Argument checks shared by the design classes and their calibration methods.

One wording per mistake: every check names the parameter, echoes the value and says what is
allowed. The numeric and boolean checks are the package's own (``surveystats._validation``
with the intervals of ``surveystats._params``), so a design's ``df`` and a proportion's ``n``
are refused in the same words.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from surveystats._params import NON_NEGATIVE, POSITIVE, Interval
from surveystats._validation import check_bool, check_choice, check_integer, check_scalar
from surveystats._warnings import SurveyStatsWarning
from surveystats.design._calibration import CALFUNS

__all__ = ["bool_arg", "calibrate_args", "fay_rho_arg", "fmt", "int_arg", "positive", "rake_args",
           "tol_arg", "trim_args", "type_name", "warn_negative"]


def bool_arg(param: str, value: Any) -> bool:
    """True or False (a TypeError otherwise, as everywhere in the package)."""
    return check_bool(param, value)


def positive(param: str, value: Any, *, allow_zero: bool = False) -> float:
    """A finite number > 0 (>= 0 with ``allow_zero``)."""
    return check_scalar(param, value, NON_NEGATIVE if allow_zero else POSITIVE)


#: Fay's rho: the replicate factors are 2 - rho and rho, both > 0.
FAY_RHO_DOMAIN = Interval(0.0, 1.0, "neither")


def fay_rho_arg(fay_rho: Any) -> float:
    """Fay's rho, in (0, 1)."""
    return check_scalar("fay_rho", fay_rho, FAY_RHO_DOMAIN,
                        hint="the replicate factors are 2 - rho and rho")


def fmt(x: float) -> str:
    return f"{x:.4g}"


def type_name(x: Any) -> str:
    return type(x).__name__


def int_arg(param: str, value: Any, minimum: int) -> int:
    """A whole number >= ``minimum``."""
    return check_integer(param, value, Interval(minimum, math.inf, "left"))


#: A convergence tolerance.
TOL_DOMAIN = Interval(0.0, 1.0, "neither")


def tol_arg(tol: Any) -> float:
    """A convergence tolerance, in (0, 1)."""
    return check_scalar("tol", tol, TOL_DOMAIN, hint="a small positive number such as 1e-10")


def rake_args(margins: Any, max_iter: Any, tol: Any
               ) -> tuple[list[tuple[list[str], Any]], list[str], int, float]:
    if not isinstance(margins, dict) or not margins:
        raise ValueError(
            "margins must be a non-empty dict from a column name (or a tuple of names) to "
            "its population counts, e.g. {'sex': {'female': 107999, 'male': 89001}}"
        )
    specs: list[tuple[list[str], Any]] = []
    names: list[str] = []
    for key, pop in margins.items():
        cols = [key] if isinstance(key, str) else list(key)
        if not cols or not all(isinstance(c, str) for c in cols):
            raise ValueError(f"margins key {key!r} must be a column name or a tuple of them")
        specs.append((cols, pop))
        names.append(key if isinstance(key, str) else " x ".join(cols))
    return specs, names, int_arg("max_iter", max_iter, 1), tol_arg(tol)


def calibrate_args(bounds: Any, calfun: Any, max_iter: Any, tol: Any
                    ) -> tuple[tuple[float, float], str, int, float]:
    fun = check_choice("calfun", calfun, CALFUNS)
    if bounds is None:
        b = (-np.inf, np.inf)
    else:
        try:
            lo, hi = (float(v) for v in bounds)
        except (TypeError, ValueError):
            raise ValueError(f"bounds ({bounds!r}) must be a pair (lower, upper) of bounds on "
                             "the calibration factors g = new weight / old weight") from None
        if math.isnan(lo) or math.isnan(hi):
            raise ValueError(f"bounds ({bounds!r}) must not be NaN")
        if lo < 0:
            raise ValueError(
                f"bounds ({bounds!r}): the lower bound must be >= 0; a negative bound allows "
                "negative weights (for unbounded linear calibration use bounds=None)"
            )
        if not lo <= 1.0 <= hi or lo == hi:
            raise ValueError(
                f"bounds ({bounds!r}) must satisfy lower <= 1 <= upper with lower < upper "
                "(g = 1 leaves a weight unchanged), e.g. (0.5, 2)"
            )
        b = (lo, hi)
    return b, fun, int_arg("max_iter", max_iter, 1), tol_arg(tol)


def trim_args(lower: Any, upper: Any, strict: Any, w: np.ndarray
               ) -> tuple[float, float, bool]:
    strict = bool_arg("strict", strict)
    if lower is None and upper is None:
        raise ValueError("trim_weights needs lower=, upper= or both")
    lo = 0.0 if lower is None else positive("lower", lower, allow_zero=True)
    hi = np.inf if upper is None else positive("upper", upper)
    if lo >= hi:
        raise ValueError(f"lower ({lower!r}) must be smaller than upper ({upper!r})")
    W = w.reshape(len(w), -1)
    n_pos = (W > 0).sum(axis=0)
    totals = np.where(W > 0, W, 0.0).sum(axis=0)
    bad = np.flatnonzero((hi * n_pos < totals) | (lo * n_pos > totals))
    if bad.size:
        c = int(bad[0])
        where = "" if c == 0 else f" in replicate {c}"
        raise ValueError(
            f"the weights cannot be trimmed to [{lo:g}, {hi:g}] and keep their total"
            f"{where} {totals[c]:g} over {n_pos[c]} positive weights (mean "
            f"{totals[c] / n_pos[c]:g}); the bounds must bracket the mean weight"
        )
    return lo, float(hi), strict


def warn_negative(w: np.ndarray) -> None:
    neg = int((w < 0).sum())
    if neg:
        warnings.warn(
            f"calibration made {neg} weight(s) negative; they count as absent in "
            "the numbers of rows and the quantiles. Use bounds=(0, upper) or "
            "calfun='raking' to keep the weights positive",
            SurveyStatsWarning,
            stacklevel=3,
        )
