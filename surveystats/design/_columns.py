"""Reading a data frame's columns: ids as codes, numbers with one set of rules and messages.

The bottom layer of ``design/``: it imports nothing else from the package.

Weights, fpc, replicate weights and the variables of a mean, total, ratio or quantile must be
real numbers. This module decides, once, what counts as one:

* numeric dtypes (int, uint, float, pandas' nullable Int/Float; missing values become NaN)
  and booleans (0/1) where ``allow_bool``;
* an object column whose values are all Python or numpy numbers (pandas infers it as
  integer or floating) is read as numbers;
* refused with a TypeError that names the column and shows an offending value: complex
  numbers, dates and times, text (including numbers stored as text such as ``"1.5"``:
  convert those yourself with ``pandas.to_numeric``, so that a stray ``"x"`` never turns a
  column into categories or NaN behind your back), and categoricals.

:func:`analysis_kind` decides whether an estimator's variable is read as numbers or as the
categories of a factor (R's ``svymean`` on a factor gives the shares of its levels).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

__all__ = ["PANDAS_COW", "ColumnCheck", "Columns", "analysis_kind", "as_name", "as_names",
           "check_categories", "check_finite", "factorize_sorted", "id_codes", "label",
           "real_column", "rows_text"]

#: pandas 3 copies on write: a shallow copy of the caller's frame is then safe.
PANDAS_COW = int(pd.__version__.split(".")[0]) >= 3

#: A column name, a list of them, or None.
Columns = str | Sequence[str] | None


def as_names(param: str, value: Any, *, required: bool = False) -> list[str]:
    """Column names from a name, a list (or tuple) of names or, unless ``required``, None.

    The one check of a column-list argument (strata, clusters, fpc, by, the variables of an
    estimator, post-strata): a value of another type is a TypeError, an empty list where
    ``required`` a ValueError, both with the same wording.
    """
    allowed = ("a column name or a non-empty list of column names" if required
               else "a column name, a list of column names or None")
    if isinstance(value, str):
        return [value]
    if value is None and not required:
        return []
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        if value or not required:
            return list(value)
        raise ValueError(f"{param} ({value!r}) must be {allowed}")
    raise TypeError(f"{param} ({value!r}) must be {allowed}")


class ColumnCheck:
    """Column lookup with the "did you mean" message (for a pandas or a Dask DataFrame: only
    the column names are read)."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.names = [str(c) for c in data.columns]

    def check(self, param: str, name: str) -> str:
        if name not in self.data.columns:
            close = difflib.get_close_matches(name, self.names, n=3, cutoff=0.6)
            hint = (f"; did you mean {' or '.join(repr(c) for c in close)}?" if close
                    else f"; the columns are {', '.join(repr(c) for c in self.names[:20])}"
                    + (" ..." if len(self.names) > 20 else ""))
            raise ValueError(f"{param} ({name!r}) is not a column of data{hint}")
        if int(np.sum(np.asarray(self.data.columns == name))) > 1:
            raise ValueError(f"{param} ({name!r}) names several columns of data; "
                             "rename the duplicates")
        return name


@overload
def as_name(param: str, value: Any) -> str: ...


@overload
def as_name(param: str, value: Any, *, optional: bool) -> str | None: ...


def as_name(param: str, value: Any, *, optional: bool = False) -> str | None:
    """One column name (or None where ``optional``); a TypeError in one wording otherwise."""
    if isinstance(value, str) or (value is None and optional):
        return value
    raise TypeError(f"{param} ({value!r}) must be one column name{' or None' if optional else ''}")


def rows_text(index: pd.Index, rows: np.ndarray, limit: int = 5) -> str:
    """The labels of some rows for a message: ``3, 7 and 12 more``."""
    shown = ", ".join(repr(index[r]) if isinstance(index[r], str) else str(index[r])
                      for r in rows[:limit])
    more = f" and {rows.size - limit} more" if rows.size > limit else ""
    return f"{shown}{more}"


def label(value: Any) -> str:
    """A value as it should appear in a message (strings quoted)."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def factorize_sorted(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 for missing) numbered in sorted order of the values, and the values.

    Integer columns with a moderate range take a counting path (no hashing, no sort), which
    is several times faster than ``pandas.factorize`` on a million rows; any integer size
    (``uint64`` up to ``2**64 - 1``) keeps its dtype.
    """
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub" and len(series):
        a = series.to_numpy()
        if dtype.kind == "b":
            a = a.astype(np.int64)
        lo, hi = int(a.min()), int(a.max())
        if hi - lo <= 4 * a.size + 1_000_000:
            shifted = (a - lo).astype(np.intp, copy=False)
            hit = np.bincount(shifted, minlength=hi - lo + 1) > 0
            lookup = np.cumsum(hit) - 1
            values = np.flatnonzero(hit).astype(a.dtype) + np.asarray(lo, dtype=a.dtype)
            uniques = pd.Index(values.astype(bool) if dtype.kind == "b" else values)
            return lookup[shifted].astype(np.int64), uniques
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def id_codes(param: str, series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of an id column (strata, clusters); missing ids are refused."""
    codes, uniques = factorize_sorted(series)
    if codes.size and codes.min() < 0:
        bad = np.flatnonzero(codes < 0)
        raise ValueError(
            f"{param} ({series.name!r}) has {bad.size} missing value(s) (rows "
            f"{rows_text(series.index, bad)}); every row needs a "
            f"{'stratum' if param.startswith('strata') else 'cluster id'}: fill them in "
            "or drop those rows before declaring the design"
        )
    return codes, uniques


_NUMERIC_INFERRED = ("integer", "floating", "mixed-integer-float", "decimal")


def _first(series: pd.Series, bad: np.ndarray) -> str:
    pos = int(np.flatnonzero(bad)[0])
    return f"{series.iloc[pos]!r} in row {series.index[pos]!r}"


def _parses_as_number(values: pd.Series) -> np.ndarray:
    return np.asarray(pd.to_numeric(values, errors="coerce").notna())


def real_column(param: str, series: pd.Series, *, allow_bool: bool = False) -> np.ndarray:
    """The column as float64 (NaN for missing values), or a TypeError naming it."""
    dtype = series.dtype
    name = f"{param} ({series.name!r})"
    if isinstance(dtype, pd.CategoricalDtype):
        raise TypeError(f"{name} must be numeric; it is categorical. Use its codes or the "
                        "numbers behind the categories")
    if pd.api.types.is_bool_dtype(dtype):
        if allow_bool:
            return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
        raise TypeError(f"{name} must be numeric; it holds True/False values")
    if pd.api.types.is_complex_dtype(dtype):
        raise TypeError(f"{name} must hold real numbers; it has complex values (e.g. "
                        f"{series.iloc[0]!r})")
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(
            dtype) or isinstance(dtype, pd.PeriodDtype):
        raise TypeError(f"{name} must be numeric; it holds dates or times (dtype {dtype})")
    if pd.api.types.is_numeric_dtype(dtype):
        return np.array(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    if inferred in _NUMERIC_INFERRED or inferred == "empty":
        return np.array(pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan),
                        dtype=np.float64)
    if inferred == "boolean" and allow_bool:
        return np.array(series.astype("float64").to_numpy(), dtype=np.float64)
    present = series.notna().to_numpy()
    text = present & ~_parses_as_number(series.where(present))
    if inferred == "complex":
        raise TypeError(f"{name} must hold real numbers; it has complex values")
    if text.any():
        raise TypeError(f"{name} must be numeric; it holds text ({_first(series, text)}"
                        f"{', ...' if text.sum() > 1 else ''}, dtype {dtype})")
    raise TypeError(
        f"{name} must be numeric; it holds numbers stored as text (e.g. "
        f"{_first(series, present)}). Convert it with pandas.to_numeric first")


def analysis_kind(param: str, series: pd.Series) -> Literal["numeric", "categorical"]:
    """Whether an estimator reads the column as numbers or as categories (a factor).

    Numbers: numeric and boolean dtypes, and object columns of Python numbers. Categories:
    categoricals and text columns where no value is a number. Refused (TypeError naming the
    column): complex, dates and times, and text columns that hold numbers (all of them, as
    ``"1.5"``, or some of them beside text, as a stray ``"x"`` among numbers), where reading
    categories would silently turn a numeric variable into hundreds of shares.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_bool_dtype(dtype):
        return "numeric"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        inferred = pd.api.types.infer_dtype(series, skipna=True)
        if inferred in _NUMERIC_INFERRED or inferred == "boolean":
            return "numeric"
        if inferred in ("string", "mixed", "empty", "categorical"):
            present = series.notna().to_numpy()
            numbers = present & _parses_as_number(series.where(present))
            if not numbers.any():
                return "categorical"
            text = present & ~numbers
            if text.any():
                raise TypeError(
                    f"{param} ({series.name!r}) mixes numbers ({_first(series, numbers)}) with "
                    f"text ({_first(series, text)}): fix or remove the text values, convert "
                    "with pandas.to_numeric(..., errors='coerce') to treat them as missing, "
                    "or make the column categorical for the shares of its values")
            raise TypeError(
                f"{param} ({series.name!r}) holds numbers stored as text (e.g. "
                f"{_first(series, numbers)}): convert it with pandas.to_numeric for a mean or "
                "total, or make it categorical (astype('category')) for the shares of its "
                "values")
    real_column(param, series, allow_bool=True)  # raises the message for its dtype
    return "numeric"  # pragma: no cover - real_column raised


def check_categories(param: str, series: pd.Series) -> None:
    """A column whose values are categories (``proportion``): refuse what is surely a mistake.

    Complex numbers, dates and times (convert them to text or periods first if their
    shares are wanted), infinite numbers, and text that mixes numbers with other values (a
    stray ``"x"`` among codes) raise; text, numbers, booleans and categoricals are
    categories.
    """
    dtype = series.dtype
    name = f"{param} ({series.name!r})"
    if pd.api.types.is_complex_dtype(dtype):
        raise TypeError(f"{name} holds complex numbers; its categories must be text, "
                        "numbers or booleans")
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(
            dtype) or isinstance(dtype, pd.PeriodDtype):
        raise TypeError(f"{name} holds dates or times (dtype {dtype}); for the shares of "
                        "dates convert them to text (or to periods such as months) first")
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
        return
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        check_finite(param, str(series.name), values, series.index)
        return
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    if inferred in ("complex", "datetime", "datetime64", "date", "timedelta", "time",
                    "period"):
        raise TypeError(f"{name} holds {inferred} values; its categories must be text, "
                        "numbers or booleans")
    if inferred in ("mixed", "mixed-integer", "mixed-integer-float", "string"):
        present = series.notna().to_numpy()
        numbers = present & _parses_as_number(series.where(present))
        text = present & ~numbers
        if numbers.any() and text.any():
            raise TypeError(
                f"{name} mixes numbers ({_first(series, numbers)}) with text "
                f"({_first(series, text)}): fix or remove the text values, or make the "
                "column categorical (astype('category')) if both are real categories")


def check_finite(param: str, name: str, values: np.ndarray, index: pd.Index) -> None:
    """A ValueError naming the column and rows when ``values`` holds inf or -inf."""
    bad = np.isinf(values)
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(repr(index[i]) for i in rows[:5])
        more = f" and {rows.size - 5} more" if rows.size > 5 else ""
        raise ValueError(
            f"{param} ({name!r}) has {rows.size} infinite value(s) (rows {shown}{more}); "
            "estimates need finite numbers: fix them, or set them to NaN and pass "
            "missing='drop'")
