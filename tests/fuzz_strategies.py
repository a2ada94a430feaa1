"""Hypothesis strategies generated from ``surveystats._params``, and the rule every call obeys.

A callable is fuzzed by declaring its parameters in ``surveystats._params.SIGNATURES``: for
each parameter this module derives valid values (boundaries, values just inside them,
subnormals, the largest float below 1, huge and tiny numbers, integers, arrays, Series) and
invalid ones (just outside, NaN, inf, percentages, strings, None, booleans, complex numbers,
dates, lists of strings, empty lists where a scalar is needed, mismatched shapes).

The rule (issue 8, deliverable 3): a call either returns a result whose invariants hold
(0 <= low <= estimate <= high <= 1 for intervals, finite output for finite input, NaN only
where an input was NaN under ``nan_policy="propagate"``) or raises ValueError/TypeError whose
message names the offending parameter. ``OUTCOMES`` counts the outcome classes; set
``SURVEYSTATS_FUZZ_SUMMARY=1`` (or run ``tests/fuzz_report.py``) to print them.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from surveystats._params import SIGNATURES, Interval, Kind, Options, Param
from surveystats._warnings import SurveyStatsWarning

#: outcome class -> count, over every fuzz call of the session
OUTCOMES: Counter[str] = Counter()
#: (callable, outcome class) -> count
BY_TARGET: Counter[tuple[str, str]] = Counter()

LARGEST_BELOW_ONE = float(np.nextafter(1.0, 0.0))
SUBNORMAL = 5e-324


# --- values from an Interval ---------------------------------------------------------------


def _inside_specials(iv: Interval) -> list[float]:
    lo, hi = iv.low, iv.high
    out: list[float] = []
    if math.isfinite(lo):
        if iv.low_closed:
            out.append(lo)
            if lo == 0.0:
                out.append(-0.0)
        out.append(float(np.nextafter(lo, np.inf)))
        out += [lo + d for d in (SUBNORMAL, 1e-300, 1e-10, 0.5, 2.5, 70.0, 1e10, 1e308)]
    if math.isfinite(hi):
        if iv.high_closed:
            out.append(hi)
        out.append(float(np.nextafter(hi, -np.inf)))
        out += [hi - d for d in (1e-300, 1e-10, 0.5)]
    elif iv.high_closed:
        out.append(math.inf)
    if math.isinf(lo):
        out += [-1e308, -1.0, 0.0, 1.0, 1e308]
    if lo <= 0.0 <= hi:
        out += [1e-300, SUBNORMAL, LARGEST_BELOW_ONE, 0.3, 0.5, 0.7]
    return sorted({x for x in out if x in iv} | ({-0.0} if 0.0 in iv and iv.low_closed else set()))


def _cap(param: Param, x: float) -> bool:
    return param.cost_high is None or abs(x) <= param.cost_high


def valid_scalars(param: Param) -> st.SearchStrategy[Any]:
    iv = param.domain
    assert isinstance(iv, Interval)
    if param.integer:
        lo = math.ceil(iv.low) if iv.low_closed else math.floor(iv.low) + 1
        hi_f = iv.high if param.cost_high is None else min(iv.high, param.cost_high)
        hi = 2**62 if math.isinf(hi_f) else math.floor(hi_f)
        ints = st.integers(min_value=int(lo), max_value=int(hi))
        return st.one_of(ints, ints.map(np.int64))
    specials = [x for x in _inside_specials(iv) if _cap(param, x)]
    hi = iv.high if param.cost_high is None else min(iv.high, param.cost_high)
    floats = st.floats(
        min_value=iv.low if math.isfinite(iv.low) else None,
        max_value=hi if math.isfinite(hi) else None,
        exclude_min=not iv.low_closed and math.isfinite(iv.low),
        exclude_max=(not iv.high_closed or hi < iv.high) and math.isfinite(hi),
        allow_nan=False, allow_infinity=False,
    )
    return st.one_of(st.sampled_from(specials), floats, floats.map(np.float64))


def invalid_scalars(param: Param) -> st.SearchStrategy[Any]:
    iv = param.domain
    assert isinstance(iv, Interval)
    out: list[Any] = [math.nan, "0.5", "abc", b"1", True, np.bool_(False), 0.5 + 0j,
                      np.complex128(0.25), object(), np.datetime64("2025-12-01"), ["a"]]
    if not param.optional:
        out.append(None)
    lo, hi = iv.low, iv.high
    if math.isfinite(lo):
        out.append(lo if not iv.low_closed else float(np.nextafter(lo, -np.inf)))
        out += [lo - 1.0, -1e308, -math.inf]
    if math.isfinite(hi):
        out.append(hi if not iv.high_closed else float(np.nextafter(hi, np.inf)))
        out += [hi + 1.0, 1e308, math.inf]
        if iv.percent_hint:
            out += [1.5, 2.5, 70.0, 95.0, 100.0]
    elif not iv.high_closed:
        out.append(math.inf)
    if param.integer:
        out += [2.5, 1e300]
    if not param.array:
        out += [[0.5, 0.5], np.array([0.5, 0.6]), []]
    return st.sampled_from([x for x in out if not _is_valid_number(x, param)])


def _valid_with_nan(value: Any, param: Param) -> bool:
    """Whether an 'invalid' draw is in fact valid under nan_policy='propagate' (NaN entries)."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        return False
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "fiu" or arr.size == 0:
            return False
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        return False
    assert isinstance(param.domain, Interval)
    return bool((np.isnan(arr) | param.domain.contains(arr)).all())


def _is_valid_number(x: Any, param: Param) -> bool:
    if isinstance(x, (bool, np.bool_, str, bytes, complex, np.complexfloating)) or x is None:
        return False
    if not isinstance(x, (int, float, np.floating, np.integer)):
        return False
    iv = param.domain
    assert isinstance(iv, Interval)
    if param.slack:
        iv = Interval(iv.low - param.slack, iv.high + param.slack, iv.closed)
    return bool(float(x) in iv) and not (param.integer and not float(x).is_integer())


def valid_values(param: Param) -> st.SearchStrategy[Any]:
    dom = param.domain
    if isinstance(dom, Options):
        base: st.SearchStrategy[Any] = st.sampled_from(dom.values)
    elif isinstance(dom, Kind):
        base = KIND_STRATEGIES[dom.name][0]
    else:
        base = valid_scalars(param)
        if param.array:
            base = st.one_of(
                base,
                st.lists(base, min_size=1, max_size=4),
                st.lists(base, min_size=1, max_size=4).map(np.array),
                st.lists(base, min_size=2, max_size=2).map(
                    lambda v: pd.Series(v, index=["a", "b"])),
            )
    if param.optional:
        base = st.one_of(st.none(), base)
    return base


def invalid_values(param: Param) -> st.SearchStrategy[Any]:
    dom = param.domain
    if isinstance(dom, Options):
        bad: list[Any] = ["nope", "", 1, 0.5, ["wilson"], b"wald"]
        if not param.optional:
            bad.append(None)
        return st.sampled_from(bad)
    if isinstance(dom, Kind):
        return KIND_STRATEGIES[dom.name][1]
    base = invalid_scalars(param)
    if param.array:
        ok = valid_scalars(param)
        base = st.one_of(
            base,
            st.tuples(ok, base).map(list),  # one bad element among good ones
            st.just([["a", "b"]]),
        )
    return base


# --- structured kinds ------------------------------------------------------------------------


def _priors_valid() -> st.SearchStrategy[Any]:
    from surveystats.bias import Fixed, Triangular, Uniform
    return st.sampled_from([
        {"odds_ratio": Uniform(1.0, 1.42)},
        {"falsification": Uniform(0.0, 0.1)},
        {"dont_know": Fixed(0.1), "house_effect": Triangular(-0.02, 0.0, 0.02)},
        {"odds_ratio": 1.2},
    ])


def _priors_invalid() -> st.SearchStrategy[Any]:
    from surveystats.bias import Uniform
    return st.sampled_from([[1, 2], {}, {"priors_nope": 1.0}, {"odds_ratio": "x"}, None, 1.5,
                            "odds_ratio", {"odds_ratio": Uniform(-2.0, -1.0)}])


def _mechanisms_valid() -> st.SearchStrategy[Any]:
    from surveystats.bias import DontKnow, Falsification, HouseEffect, Nonresponse
    return st.sampled_from([(), (Nonresponse(1.2),), (Falsification(0.05), HouseEffect(0.02)),
                            (DontKnow(0.19), Nonresponse(1.42))])


def _mechanisms_invalid() -> st.SearchStrategy[Any]:
    from surveystats.bias import DataDefect, Nonresponse
    return st.sampled_from([("x",), (1.2,), (Nonresponse(1.2), DataDefect(0.01, 0.1)), None])


def _ranges_valid() -> st.SearchStrategy[Any]:
    return st.sampled_from([{}, {"odds_ratio": [1.0, 1.2]}, {"falsification": [0.0, 0.1]},
                            {"dont_know": 0.1, "house_effect": [-0.02, 0.02]}])


def _ranges_invalid() -> st.SearchStrategy[Any]:
    return st.sampled_from([{"odds_ratio": [-1.0]}, {"odds_ratio": ["a"]},
                            {"falsification": [70.0]}, {"dont_know": [math.nan]},
                            {"odds_ratio": None}, {"house_effect": [2.0]}])


def _tornado_ranges_valid() -> st.SearchStrategy[Any]:
    return st.sampled_from([{}, {"nonresponse": (1.0, 1.2)}, {"house_effect": None},
                            {"coverage": ((0.01, -0.1), (0.2, -0.4)), "falsification": None}])


def _tornado_ranges_invalid() -> st.SearchStrategy[Any]:
    return st.sampled_from([{"wording": (0, 1)}, {"nonresponse": (-1.0, 2.0)}, [1, 2],
                            {"falsification": 0.1}, {"coverage": ((0.1,), (0.2,))},
                            dict.fromkeys(("coverage", "nonresponse", "data_defect",
                                           "falsification", "house_effect",
                                           "design_effect"))])


def _map_values_valid() -> st.SearchStrategy[Any]:
    return st.sampled_from([[0.0, 0.05, 0.1], [0.1], np.linspace(0.0, 0.2, 7)])


def _map_values_invalid() -> st.SearchStrategy[Any]:
    return st.sampled_from([[], [-5.0, 1.0], ["a"], [math.nan]])


KIND_STRATEGIES: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "priors": (st.deferred(_priors_valid), st.deferred(_priors_invalid)),
    "mechanisms": (st.deferred(_mechanisms_valid), st.deferred(_mechanisms_invalid)),
    "bias_ranges": (st.deferred(_ranges_valid), st.deferred(_ranges_invalid)),
    "tornado_ranges": (st.deferred(_tornado_ranges_valid), st.deferred(_tornado_ranges_invalid)),
    "map_values": (st.deferred(_map_values_valid), st.deferred(_map_values_invalid)),
    "map_fixed": (st.sampled_from([{}, {"house_effect": 0.02}]),
                  st.sampled_from([{"house_effect": 3.0}, {"wording": 0.1}, [0.1]])),
    "interval_methods": (st.sampled_from([["wilson"], ("wald", "Clopper-Pearson"),
                                          ["jeffreys", "wilson", "jeffreys"]]),
                         st.sampled_from([[], ["nope"], 5, [None]])),
    "bool": (st.booleans(), st.sampled_from(["yes", None, 2.5])),
    "seed": (st.integers(0, 2**32 - 1), st.sampled_from(["x", -1, 2.5, [1.5]])),
    "bias_parameter_name": (st.sampled_from(["odds_ratio", "share", "rho"]),
                            st.sampled_from(["nope", None, 1])),
}


# --- calls ---------------------------------------------------------------------------------


@dataclass
class Call:
    """One drawn call: keyword arguments and the parameters drawn invalid."""

    target: str
    kwargs: dict[str, Any]
    invalid: list[str] = field(default_factory=list)
    mismatched: tuple[str, str] | None = None


@st.composite
def calls(draw: st.DrawFn, target: str, fixed: dict[str, Any] | None = None) -> Call:
    """A call of ``target`` with every parameter valid, or one (or a shape pair) made invalid.

    About half of the draws are fully valid. Optional parameters are usually left out so
    that the defaults get exercised too. ``fixed`` pins parameters the target supplies itself.
    """
    spec = {k: v for k, v in SIGNATURES[target].items() if k not in (fixed or {})}
    names = list(spec)
    mode = draw(st.sampled_from(["valid", "valid", "invalid", "shape"]))
    kwargs: dict[str, Any] = dict(fixed or {})
    for name in names:
        param = spec[name]
        if param.required or draw(st.booleans()):
            kwargs[name] = draw(valid_values(param), label=name)
    call = Call(target, kwargs)
    if mode == "invalid" and names:
        name = draw(st.sampled_from(names))
        kwargs[name] = draw(invalid_values(spec[name]), label=f"invalid {name}")
        if not (spec[name].nan and kwargs.get("nan_policy") == "propagate"
                and _valid_with_nan(kwargs[name], spec[name])):
            call.invalid.append(name)
    elif mode == "shape":
        arrays = [n for n in names if spec[n].array and spec[n].broadcast
                  and isinstance(spec[n].domain, Interval)]
        if len(arrays) >= 2:
            a, b = draw(st.permutations(arrays))[:2]
            for other in arrays:  # the others single values, so only a and b clash
                if other in kwargs:
                    kwargs[other] = draw(valid_scalars(spec[other]))
            kwargs[a] = draw(st.lists(valid_scalars(spec[a]), min_size=2, max_size=2))
            kwargs[b] = draw(st.lists(valid_scalars(spec[b]), min_size=3, max_size=3))
            call.mismatched = (a, b)
    if ("nan_policy" in spec and kwargs.get("nan_policy") == "propagate" and not call.invalid
            and call.mismatched is None):
        for name in names:
            if spec[name].nan and name in kwargs and draw(st.booleans()):
                kwargs[name] = [draw(valid_scalars(spec[name])), math.nan]
    return call


# --- the rule ------------------------------------------------------------------------------


class FuzzFailure(AssertionError):
    pass


def _arr(x: Any) -> np.ndarray:
    if isinstance(x, pd.Series):
        x = x.to_numpy()
    return np.asarray(x, dtype=np.float64)


def _has_nan_input(kwargs: dict[str, Any]) -> bool:
    for v in kwargs.values():
        try:
            if np.isnan(_arr(v)).any():
                return True
        except (TypeError, ValueError):
            continue
    return False


def check_interval(est: Any, low: Any, high: Any, *, unit: bool = True, nan_ok: Any = False,
                   what: str = "interval") -> None:
    e, lo, hi = np.broadcast_arrays(_arr(est), _arr(low), _arr(high))
    nan = np.isnan(e) | np.isnan(lo) | np.isnan(hi)
    if nan.any():
        if nan_ok is False:
            raise FuzzFailure(f"invariant: NaN in {what} for non-NaN input")
        allowed = np.broadcast_to(nan_ok, nan.shape) if nan_ok is not True else nan
        if (nan & ~allowed).any():
            raise FuzzFailure(f"invariant: NaN {what} bound where no input is NaN")
    ok = ~nan
    if not (lo[ok] <= e[ok]).all() or not (e[ok] <= hi[ok]).all():
        raise FuzzFailure(f"invariant: {what} excludes its estimate "
                          f"(low={lo[ok]!r}, est={e[ok]!r}, high={hi[ok]!r})")
    if unit and not ((lo[ok] >= 0.0).all() and (hi[ok] <= 1.0).all()):
        raise FuzzFailure(f"invariant: {what} bound outside [0, 1]")
    if not unit and not (np.isfinite(lo[ok]).all() and np.isfinite(hi[ok]).all()):
        raise FuzzFailure(f"invariant: non-finite {what} bound")


def check_finite(x: Any, what: str, *, nonneg: bool = False) -> None:
    a = _arr(x)
    if not np.isfinite(a).all():
        raise FuzzFailure(f"invariant: non-finite {what} for finite input ({a!r})")
    if nonneg and (a < 0).any():
        raise FuzzFailure(f"invariant: negative {what}")


def check_frame(frame: pd.DataFrame, what: str, *, allow_nan: tuple[str, ...] = ()) -> None:
    num = frame.select_dtypes("number").drop(columns=list(allow_nan), errors="ignore")
    if num.size and not np.isfinite(num.to_numpy(dtype=float)).all():
        raise FuzzFailure(f"invariant: non-finite values in {what}.to_frame()")


def exercise(result: Any) -> None:
    """The follow-up methods every result offers must work on any returned result."""
    repr(result)
    str(result)
    for name in ("to_frame", "_repr_html_", "summary", "describe", "parameters"):
        method = getattr(result, name, None)
        if callable(method):
            method()


def run(call: Call, func: Callable[..., Any], check: Callable[[Any, Call], None]) -> str:
    """Make the call, classify its outcome, count it, and raise FuzzFailure on a breach."""
    outcome = _outcome(call, func, check)
    cls = outcome
    if outcome.startswith("failure"):
        cls = "failure:" + outcome.split(":", 1)[1].split()[0]
    OUTCOMES[cls] += 1
    BY_TARGET[(call.target, cls)] += 1
    if outcome.startswith("failure"):
        raise FuzzFailure(f"{call.target}{_show(call)}: {outcome}")
    return outcome


def _show(call: Call) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in call.kwargs.items())
    extra = f" [invalid: {call.invalid}]" if call.invalid else ""
    if call.mismatched:
        extra = f" [mismatched shapes: {call.mismatched}]"
    return f"({args}){extra}"


def _outcome(call: Call, func: Callable[..., Any], check: Callable[[Any, Call], None]) -> str:
    expected_names = list(call.invalid) or (list(call.mismatched) if call.mismatched else [])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SurveyStatsWarning)
            # numpy warnings raised in surveystats code are failures (silent NaN, overflow);
            # pandas' own formatting of huge floats may warn and is not ours
            warnings.filterwarnings("error", category=RuntimeWarning, module="surveystats")
            result = func(**call.kwargs)
            if expected_names:
                return f"failure:accepted-invalid {expected_names}"
            check(result, call)
            exercise(result)
    except FuzzFailure as exc:
        return f"failure:{exc}"
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        names = (expected_names or list(SIGNATURES[call.target])) + _extra_names(call)
        if not any(n in msg for n in names):
            return f"failure:message-without-parameter {type(exc).__name__}: {msg[:160]}"
        if type(exc).__module__ != "builtins" or ("\n" in msg and "Traceback" in msg):
            return f"failure:foreign-exception {type(exc).__name__}: {msg[:160]}"
        return type(exc).__name__
    except Exception as exc:
        return f"failure:internal {type(exc).__name__}: {str(exc)[:160]}"
    return "valid"


def _extra_names(call: Call) -> list[str]:
    """Names that a joint-constraint message may use besides the declared parameters
    (bias parameter names passed through mappings or keyword ranges)."""
    names: list[str] = []
    for v in call.kwargs.values():
        if isinstance(v, dict):
            names += [str(k) for k in v]
    return names


def summary() -> str:
    total = sum(OUTCOMES.values())
    lines = [f"fuzz cases: {total}"]
    for key, count in sorted(OUTCOMES.items()):
        lines.append(f"  {key}: {count}")
    targets = sorted({t for t, _ in BY_TARGET})
    lines.append("per callable (valid / ValueError / TypeError / failure):")
    for t in targets:
        v = BY_TARGET[(t, "valid")]
        ve = BY_TARGET[(t, "ValueError")]
        te = BY_TARGET[(t, "TypeError")]
        f = sum(c for (tt, o), c in BY_TARGET.items() if tt == t and o.startswith("failure"))
        lines.append(f"  {t}: {v} / {ve} / {te} / {f}")
    return "\n".join(lines)
