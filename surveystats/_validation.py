"""Shared argument checks.

Every public function validates through these helpers so that the messages are uniform:
they name the parameter, echo the offending value and say what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

NanPolicy = Literal["raise", "propagate"]


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> tuple[float, int]:
    """The first offending value and the number of offending values."""
    flat = np.flatnonzero(bad)
    return float(arr.flat[flat[0]]), int(flat.size)


def _echo(name: str, arr: np.ndarray, bad: np.ndarray) -> str:
    value, count = _first_bad(arr, bad)
    if arr.ndim == 0:
        return f"{name} ({value:g})"
    more = f" and {count - 1} other value(s)" if count > 1 else ""
    return f"{name} (e.g. {value:g}{more})"


def as_float_array(name: str, value: Any) -> np.ndarray:
    """Convert to a float64 array, with a clear error for non-numeric input."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} ({value!r}) must be a number or an array of numbers, not a string")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} ({value!r}) must be a number or an array of numbers") from exc
    return arr


def check_nan(name: str, arr: np.ndarray, nan_policy: NanPolicy) -> None:
    if nan_policy not in ("raise", "propagate"):
        raise ValueError(f"nan_policy ({nan_policy!r}) must be 'raise' or 'propagate'")
    if nan_policy == "raise":
        bad = np.isnan(arr)
        if bad.any():
            count = int(bad.sum())
            raise ValueError(
                f"{name} contains NaN ({count} value(s)); pass nan_policy='propagate' to get "
                "NaN results for those entries"
            )


def check_share(name: str, value: Any, *, nan_policy: NanPolicy = "raise") -> np.ndarray:
    """A share in [0, 1]; a value in (1, 100] triggers the percentage hint."""
    arr = as_float_array(name, value)
    if arr.size and 0.0 <= arr.min() and arr.max() <= 1.0:
        return arr  # fast path: two reductions, no temporaries (NaN fails the comparison)
    check_nan(name, arr, nan_policy)
    with np.errstate(invalid="ignore"):
        bad = (arr < 0.0) | (arr > 1.0)
    if bad.any():
        msg = f"{_echo(name, arr, bad)} must be in [0, 1]"
        sel = arr[bad] if arr.ndim else arr
        if np.all((sel > 1.0) & (sel <= 100.0)):
            msg += "; did you pass a percentage? Divide by 100"
        raise ValueError(msg)
    return arr


def check_positive(
    name: str,
    value: Any,
    *,
    nan_policy: NanPolicy = "raise",
    allowed: str = "> 0",
    allow_inf: bool = False,
) -> np.ndarray:
    """Strictly positive and finite (inf is refused unless ``allow_inf``)."""
    arr = as_float_array(name, value)
    if arr.size and arr.min() > 0.0 and (allow_inf or arr.max() < np.inf):
        return arr  # fast path: reductions only (NaN fails the comparison)
    check_nan(name, arr, nan_policy)
    with np.errstate(invalid="ignore"):
        bad = ~(arr > 0.0) & ~np.isnan(arr)
        if not allow_inf:
            bad |= np.isinf(arr)
    if bad.any():
        what = allowed if allow_inf else f"finite and {allowed}"
        raise ValueError(f"{_echo(name, arr, bad)} must be {what}")
    return arr


def check_confidence_level(confidence_level: Any) -> float:
    """A scalar strictly between 0 and 1."""
    if isinstance(confidence_level, (bool, np.bool_)) or not np.isscalar(confidence_level):
        raise ValueError(
            f"confidence_level ({confidence_level!r}) must be a single number in (0, 1), "
            "e.g. 0.95"
        )
    try:
        cl = float(confidence_level)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"confidence_level ({confidence_level!r}) must be a number in (0, 1), e.g. 0.95"
        ) from exc
    if not 0.0 < cl < 1.0:
        hint = "; did you pass a percentage? Use 0.95 for 95%" if 1.0 < cl <= 100.0 else ""
        raise ValueError(f"confidence_level ({cl:g}) must be in (0, 1), e.g. 0.95{hint}")
    return cl


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise ValueError(f"{name} ({value!r}) is not one of {listed}")
    return value


def common_index(*values: Any) -> pd.Index | None:
    """The index shared by the pandas Series among ``values`` (None when there are none).

    Series with different indexes are refused rather than silently aligned.
    """
    index: pd.Index | None = None
    for v in values:
        if isinstance(v, pd.Series):
            if index is None:
                index = v.index
            elif not index.equals(v.index):
                raise ValueError(
                    "pandas Series arguments must share the same index; align them first "
                    "(e.g. with Series.align)"
                )
    return index


def wrap(arr: np.ndarray, index: pd.Index | None, name: str | None = None) -> Any:
    """Return a float for 0-d input, a Series when the input had an index, else an ndarray."""
    if index is not None:
        return pd.Series(np.broadcast_to(arr, (len(index),)).copy(), index=index, name=name)
    if np.ndim(arr) == 0:
        return float(arr)
    return arr
