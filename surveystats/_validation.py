"""Shared argument checks.

Every public function validates through these helpers so that the messages are uniform:
they name the parameter, echo the offending value and say what is allowed. The allowed
values come from the declarations in ``_params`` (``Interval``), which the fuzz suite reads
too, so validation and fuzzing cannot drift apart.

One wording per mistake. A value outside its allowed values gets :func:`domain_error`'s
message, ``{name} ({value}) must be {interval.describe()}[; {hint}][; percentage hint]``, from
every check here and from every module that validates (the bias mechanisms, the simulation,
the design estimators); the percentage hint has one wording, :func:`percentage_hint`.

Type rules (the same for every numeric parameter): numbers and array-likes of numbers are
accepted; strings, bytes, ``None`` (where not optional), booleans, complex numbers, dates
and objects that are not numbers are refused with a ``TypeError`` naming the parameter.
Booleans are refused because ``True`` is almost always a mistake where a share, a size or
a design effect is expected. Empty arrays are accepted where arrays are (the result is
empty too); mismatched shapes are refused with a ``ValueError`` naming both parameters.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from surveystats._display import pct_text
from surveystats._params import CONFIDENCE_LEVEL, POSITIVE, SHARE, Interval

NanPolicy = Literal["raise", "propagate"]


def percentage_hint(value: float, interval: Interval) -> str:
    """The one wording of the percentage hint, or "" when ``value`` does not look like one.

    A value in (1, 100] given where a share, a margin or a confidence level is expected
    (an interval whose upper end is 1 and that is marked ``percent_hint``) is most likely a
    percentage: ``"; did you pass a percentage? 70% is 0.7"``.
    """
    if not (interval.percent_hint and interval.high <= 1.0):
        return ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return ""
    if 1.0 < x <= 100.0:
        return f"; did you pass a percentage? {x:g}% is {x / 100:g}"
    return ""


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> tuple[float, int]:
    """The first offending value and the number of offending values."""
    flat = np.flatnonzero(bad)
    return float(arr.flat[flat[0]]), int(flat.size)


def _echo(name: str, arr: np.ndarray, bad: np.ndarray) -> str:
    value, count = _first_bad(arr, bad)
    if arr.size == 1:
        return f"{name} ({value:g})"
    more = f" and {count - 1} other value(s)" if count > 1 else ""
    return f"{name} (e.g. {value:g}{more})"


def domain_error(
    name: str, arr: np.ndarray, bad: np.ndarray, interval: Interval, *, hint: str = "",
    integer: bool = False,
) -> ValueError:
    """The one message for values outside their allowed values.

    It names the parameter, echoes the (first) offending value and states what is allowed:
    ``odds_ratio (0) must be finite and > 0; <hint>``, ``p (e.g. 70 and 1 other value(s))
    must be in [0, 1]; did you pass a percentage? 70% is 0.7``. ``bad`` marks the offending
    entries of ``arr`` (a 0-d ``arr`` takes a 0-d ``bad``); ``integer`` says "a whole number".
    """
    msg = f"{_echo(name, arr, bad)} must be {interval.describe(integer=integer)}"
    if hint:
        msg += f"; {hint}"
    sel = arr[bad] if arr.ndim else arr
    if np.all((sel > 1.0) & (sel <= 100.0)):
        msg += percentage_hint(float(sel.flat[0]), interval)
    return ValueError(msg)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_error(name: str, value: Any, what: str) -> TypeError:
    return TypeError(
        f"{name} ({_short(value)}) must be a number or an array of numbers, not {what}"
    )


def _not_a_number(value: Any) -> str | None:
    """What a scalar that is not a real number is (``"a string"``), or None for others."""
    if value is None:
        return "None"
    if isinstance(value, (str, bytes)):
        return "a string"
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, (complex, np.complexfloating)):
        return "a complex number"
    return None


def _refuse_non_numeric(name: str, value: Any) -> None:
    """Raise TypeError for scalars that are not real numbers (checked before conversion)."""
    what = _not_a_number(value)
    if what is not None:
        raise _type_error(name, value, what)


def _has_bool(seq: list[Any] | tuple[Any, ...]) -> bool:
    """Whether a (nested) list holds a boolean: numpy would silently read True as 1.0."""
    for item in seq:
        if isinstance(item, (bool, np.bool_)):
            return True
        if isinstance(item, (list, tuple)) and _has_bool(item):
            return True
    return False


def as_float_array(name: str, value: Any) -> np.ndarray:
    """Convert to a float64 array, with a clear TypeError for non-numeric input.

    Real numbers, integer and float arrays, lists of them and pandas Series of them are
    accepted; see the module docstring for what is refused.
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return np.asarray(value, dtype=np.float64)
    _refuse_non_numeric(name, value)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise _type_error(name, value, "a ragged sequence") from exc
    kind = raw.dtype.kind
    if kind in "fiu":
        if isinstance(value, (list, tuple)) and _has_bool(value):
            raise _type_error(name, value, "containing booleans")
        return np.asarray(raw, dtype=np.float64)
    what = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "strings",
            "M": "dates", "m": "time differences", "V": "records"}.get(kind)
    if what is not None:
        raise _type_error(name, value, what)
    # object arrays: every element must be a real number (None, strings, booleans refused)
    for item in raw.flat:
        if not isinstance(item, numbers.Real) or isinstance(item, (bool, np.bool_)):
            raise _type_error(name, value, f"containing {_short(item)}")
    try:
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise _type_error(name, value, "convertible to float") from exc


def check_nan(name: str, arr: np.ndarray, nan_policy: NanPolicy, *,
              offered: bool = False) -> None:
    """Refuse NaN under ``nan_policy="raise"``. ``offered``: the calling function has a
    ``nan_policy`` parameter, so the message may suggest it (no other function's may)."""
    if nan_policy not in ("raise", "propagate"):
        raise ValueError(f"nan_policy ({nan_policy!r}) must be 'raise' or 'propagate'")
    if nan_policy == "raise":
        bad = np.isnan(arr)
        if bad.any():
            count = int(bad.sum())
            advice = ("pass nan_policy='propagate' to get NaN results for those entries"
                      if offered else "every value must be a number; drop the missing ones")
            raise ValueError(f"{name} contains NaN ({count} value(s)); {advice}")


def check_interval(
    name: str,
    value: Any,
    interval: Interval,
    *,
    nan_policy: NanPolicy | None = "raise",
    hint: str = "",
    slack: float = 0.0,
    offered: bool = False,
) -> np.ndarray:
    """A float array whose non-NaN values lie in ``interval``.

    NaN is refused unless ``nan_policy="propagate"``; ``nan_policy=None`` (for functions that
    have no such parameter) refuses it as a value outside ``interval``. A value in (1, 100]
    where the interval is a share-like one earns the percentage hint; ``hint`` (what the
    parameter means) goes before it. With ``slack``, values that close outside the interval
    are accepted and the result is clipped onto it (so that computed shares such as
    ``1 + 2e-16`` can be passed on).
    """
    arr = as_float_array(name, value)
    if arr.size and interval.contains_all(arr):
        # fast path: reductions only (NaN fails the comparison)
        return np.clip(arr, interval.low, interval.high) if slack else arr
    if nan_policy is not None:
        check_nan(name, arr, nan_policy, offered=offered)
    within = interval
    if slack:
        within = Interval(interval.low - slack, interval.high + slack, interval.closed)
    bad = ~within.contains(arr)
    if nan_policy is not None:
        bad &= ~np.isnan(arr)
    if bad.any():
        raise domain_error(name, arr, bad, interval, hint=hint)
    return np.clip(arr, interval.low, interval.high) if slack else arr


def _real_scalar(name: str, value: Any, expected: str) -> float:
    """A Python float from a single real number; a TypeError saying ``expected`` otherwise."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    what = _not_a_number(value)
    if what is None and not isinstance(value, numbers.Real):
        what = type(value).__name__
    if what is not None:
        raise TypeError(f"{name} ({_short(value)}) must be {expected}, not {what}")
    return float(value)


def check_scalar(name: str, value: Any, interval: Interval, *, hint: str = "") -> float:
    """A single real number in ``interval`` (NaN refused), returned as a Python float.

    ``hint`` (what the parameter means) is appended to the message after a semicolon.
    """
    x = _real_scalar(name, value, "a single real number")
    if x not in interval:
        raise domain_error(name, np.asarray(x), np.asarray(True), interval, hint=hint)
    return x


def check_integer(name: str, value: Any, interval: Interval, *, hint: str = "") -> int:
    """A whole number in ``interval`` (``1600`` or ``1600.0``, not ``1600.5``), as an int."""
    x = _real_scalar(name, value, "a whole number")
    if not (x in interval and x.is_integer()):
        raise domain_error(name, np.asarray(x), np.asarray(True), interval, hint=hint,
                           integer=True)
    return int(x)


def share_items(p: Any) -> dict[str, float]:
    """Item name -> reported share, from a share, a mapping, a Series or a 1-D sequence.

    A single share is named by its percentage (``0.55 -> "55%"``), a sequence's items
    ``item_0, item_1, ...``; each value is checked as a share, a mapping's by its key.
    """
    if isinstance(p, (pd.Series, Mapping)):
        items = {str(k): check_scalar(f"p[{str(k)!r}]", v, SHARE) for k, v in p.items()}
    else:
        arr = check_interval("p", as_float_array("p", p), SHARE)
        if arr.ndim > 1:
            raise ValueError(f"p must be a share, a sequence of shares or a mapping of item to "
                             f"share; got an array of shape {arr.shape}")
        items = ({pct_text(float(arr), None): float(arr)} if arr.ndim == 0
                 else {f"item_{i}": v for i, v in enumerate(arr.tolist())})
    if not items:
        raise ValueError("p is empty; give a share or a dict of item name -> share")
    return items


def check_share(name: str, value: Any, *, nan_policy: NanPolicy = "raise",
                offered: bool = False) -> np.ndarray:
    """A share in [0, 1]; a value in (1, 100] triggers the percentage hint."""
    return check_interval(name, value, SHARE, nan_policy=nan_policy, offered=offered)


def check_positive(
    name: str,
    value: Any,
    *,
    nan_policy: NanPolicy = "raise",
    allow_inf: bool = False,
    offered: bool = False,
) -> np.ndarray:
    """Strictly positive and finite (inf is refused unless ``allow_inf``)."""
    interval = Interval(0.0, np.inf, "right") if allow_inf else POSITIVE
    return check_interval(name, value, interval, nan_policy=nan_policy, offered=offered)


def check_confidence_level(confidence_level: Any) -> float:
    """A scalar strictly between 0 and 1 (up to the largest float below 1)."""
    return check_scalar("confidence_level", confidence_level, CONFIDENCE_LEVEL,
                        hint="e.g. 0.95 for a 95% interval")


def check_result_finite(what: str, result: Any, **inputs: Any) -> np.ndarray:
    """Refuse a result that overflowed (or divided by an underflowed zero) for finite input.

    The message names the inputs and their values, so that the caller can see which one is
    extreme: ``the margin of error overflows for n (5e-324), deff (1e+308)``.
    """
    arr = np.asarray(result, dtype=np.float64)
    if arr.size and not np.isfinite(arr).all():
        named = ", ".join(f"{k} ({_first_text(v)})" for k, v in inputs.items())
        raise ValueError(f"the {what} is not representable (it overflows) for {named}; "
                         "check these values")
    return arr


def _first_text(value: Any) -> str:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return format(float(arr), "g")
    return f"e.g. {float(arr.flat[0]):g}" if arr.size else "empty"


def check_rng(rng: Any) -> np.random.Generator:
    """A numpy Generator from None, a seed or a Generator, with an error naming ``rng``."""
    if isinstance(rng, (bool, np.bool_, float, str, bytes)):
        raise TypeError(f"rng ({_short(rng)}) must be None, a non-negative integer seed or a "
                        "numpy.random.Generator")
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"rng ({_short(rng)}) must be None, a non-negative integer seed or a "
                        f"numpy.random.Generator ({exc})") from exc


def check_bool(name: str, value: Any) -> bool:
    """True or False (not a string, not a number)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} ({_short(value)}) must be True or False")
    return bool(value)


def scalar_n_eff(n_name: str, n: float, deff_name: str, deff: float) -> float:
    """``n / deff`` for validated scalars, refusing an underflow to 0 or an overflow."""
    with np.errstate(over="ignore", under="ignore"):
        n_eff = float(np.float64(n) / np.float64(deff))
    if not 0.0 < n_eff < math.inf:
        raise ValueError(f"{n_name} ({n:g}) / {deff_name} ({deff:g}) is not a representable "
                         "effective sample size; check these values")
    return n_eff


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise ValueError(f"{name} ({value!r}) is not one of {listed}")
    return value


def broadcast_shapes(**arrays: Any) -> tuple[int, ...]:
    """The broadcast shape of named arrays (None is skipped), or a ValueError naming the two
    parameters whose shapes clash."""
    shape: tuple[int, ...] = ()
    owner = ""
    for key, value in arrays.items():
        if value is None:
            continue
        s = np.shape(value)
        try:
            new = np.broadcast_shapes(shape, s)
        except ValueError:
            raise ValueError(
                f"{owner} (shape {shape}) and {key} (shape {s}) cannot be broadcast together; "
                "pass arrays of the same length, or a single value for one of them"
            ) from None
        if new != shape:
            owner = key
        shape = new
    return shape


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
