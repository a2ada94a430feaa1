"""Tipping points: how much bias takes a headline across a threshold?"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from surveystats import _engine
from surveystats._display import fmt, html_table
from surveystats._params import POSITIVE
from surveystats._proportion import proportion_ci
from surveystats._result import Result
from surveystats._validation import (
    check_choice,
    check_confidence_level,
    check_scalar,
    check_share,
)
from surveystats.bias import _pipeline, _spec

__all__ = ["TippingPoint", "crossing", "tipping_point"]

Bound = Literal["estimate", "low", "high"]

def _pipeline_name(mechanism: str, key: str) -> str:
    """A parameter's pipeline name from its pipeline name or its mechanism class field."""
    for spec in _spec.parameters_of(mechanism):
        if key in (spec.name, spec.field):
            return spec.name
    return key


@dataclass(frozen=True, eq=False, repr=False)
class TippingPoint(Result):
    """The parameter value at which an adjusted share crosses a threshold.

    Attributes
    ----------
    mechanism, parameter : str
        Which mechanism and which of its parameters was solved for.
    value : float or None
        The tipping value, or None when no value in the parameter's domain crosses.
    threshold : float
    bound : {"estimate", "low", "high"}
        Whether the point estimate or a bound of the sampling interval was adjusted.
    start : float
        The share that was adjusted (the estimate, or the chosen interval bound).
    fixed : dict
        The other parameters, held fixed.
    domain : tuple of float
        The searched range of the parameter.
    message : str
        The finding in words.
    """

    mechanism: str
    parameter: str
    value: float | None
    threshold: float
    bound: str
    start: float
    reported: float
    fixed: dict[str, float] = field(default_factory=dict)
    domain: tuple[float, float] = (0.0, 1.0)
    message: str = ""

    @property
    def found(self) -> bool:
        return self.value is not None

    def adjusted(self, value: float | None = None) -> float:
        """The adjusted share at ``value`` (default: the tipping value).

        At the tipping value it equals the threshold (a round trip).
        """
        v = self.value if value is None else value
        if v is None:
            raise ValueError("no tipping value was found; pass a parameter value")
        params = {**self.fixed, self.parameter: np.float64(v)}
        return float(_pipeline.adjust(np.float64(self.start), params))

    def to_frame(self) -> pd.DataFrame:
        """The tipping point in one row.

        Columns ``mechanism, parameter, value, threshold, bound, start, reported, found,
        message``.
        """
        return pd.DataFrame([{
            "mechanism": self.mechanism, "parameter": self.parameter,
            "value": np.nan if self.value is None else self.value,
            "threshold": self.threshold, "bound": self.bound, "start": self.start,
            "reported": self.reported, "found": self.found, "message": self.message,
        }])

    def _text(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (f"TippingPoint(mechanism={self.mechanism!r}, parameter={self.parameter!r}, "
                f"value={fmt(self.value)}, threshold={fmt(self.threshold)}, "
                f"bound={self.bound!r})")

    def _repr_html_(self) -> str:
        return html_table("Tipping point", self.to_frame(), note=self.message)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The adjusted share by parameter: :func:`surveystats.plotting.plot_tipping_point`."""
        from surveystats.plotting import plot_tipping_point

        return plot_tipping_point(self, ax=ax, **kwargs)


def _search_range(name: str) -> tuple[float, float, bool]:
    """Finite search range for a parameter, and whether to search on the log scale."""
    spec = _spec.parameter(name)
    if spec.log_scale:
        return 1e-6, 1e6, True
    d, eps = spec.domain, 1e-12
    return (d.low if d.low_closed else d.low + eps), (d.high if d.high_closed else d.high - eps), \
        False


def crossing(start: float, free: str, fixed: dict[str, float], threshold: float
             ) -> tuple[float | None, tuple[float, float]]:
    """The value of ``free`` nearest its neutral value at which the pipeline takes ``start``
    to ``threshold``, with the other pipeline parameters at ``fixed``; and the range searched.

    The one solver behind :func:`tipping_point` and the tipping points of a
    :class:`~surveystats.SensitivityMap`. ``fixed`` may hold parameters of any mechanism
    (validated together with ``free`` by the pipeline). The adjusted share is evaluated on a
    dense grid over the parameter's domain (log scale for ratios) to bracket the crossings;
    the one nearest the neutral value is refined with Brent's method. Values under which no
    true share produces ``start`` are skipped. Returns ``(None, range)`` when nothing crosses.
    """
    lo, hi, log = _search_range(free)
    fixed_arr: dict[str, Any] = {k: np.float64(v) for k, v in fixed.items()}
    _pipeline.check_parameters({**fixed_arr, free: np.float64(lo)})
    grid = np.geomspace(lo, hi, 4001) if log else np.linspace(lo, hi, 4001)

    def adjusted(values: Any) -> np.ndarray:
        return _pipeline.adjust(np.full(np.shape(values), start), {**fixed_arr, free: values})

    vals = adjusted(grid) - threshold
    neutral = _spec.parameter(free).neutral
    ok = np.isfinite(vals)
    sign_change = ok[:-1] & ok[1:] & (np.sign(vals[:-1]) != np.sign(vals[1:]))
    exact = ok & (vals == 0.0)
    idx = np.flatnonzero(sign_change)
    if idx.size == 0 and not exact.any():
        return None, (lo, hi)
    cands = [(grid[i], grid[i + 1]) for i in idx] + [(g, g) for g in grid[exact]]
    a, b = min(cands, key=lambda ab: abs(0.5 * (ab[0] + ab[1]) - neutral))
    if a == b:
        return float(a), (lo, hi)
    from scipy import optimize  # imported here: slow to import, needed only for a crossing

    value = optimize.brentq(lambda v: float(adjusted(np.float64(v))) - threshold,
                            a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return float(value), (lo, hi)


def tipping_point(
    p: float,
    mechanism: str,
    *,
    threshold: float = 0.5,
    n: float | None = None,
    deff: float = 1.0,
    bound: Bound = "estimate",
    parameter: str | None = None,
    method: str = "wilson",
    confidence_level: float = 0.95,
    **fixed: float,
) -> TippingPoint:
    """The bias parameter value at which the adjusted share crosses ``threshold``.

    "How much falsification would it take for the 55% to be no majority at all?"

    Parameters
    ----------
    p : float
        Reported share.
    mechanism : str or mechanism class
        ``"nonresponse"`` (solves ``odds_ratio``), ``"falsification"`` (``falsification``,
        the share of "no" holders saying "yes"), ``"data_defect"`` (``rho``; fix
        ``response_rate``), ``"coverage"`` (``coverage_difference``; fix ``uncovered_share``),
        ``"house_effect"`` (a signed shift), ``"dont_know"``.
    threshold : float, default 0.5
        The share to cross (0.5: "is it still a majority?").
    n : float, optional
        Sample size; needed for ``bound="low"`` or ``"high"``.
    deff : float, default 1.0
        Design effect for the sampling interval.
    bound : {"estimate", "low", "high"}, default "estimate"
        Adjust the point estimate, or the lower / upper bound of the sampling interval at
        ``n / deff`` ("how much bias before even the interval's upper end is below 50%?").
    parameter : str, optional
        Which parameter to solve for; default the mechanism's main one.
    method, confidence_level : optional
        For the sampling interval: interval method (default ``"wilson"``) and two-sided
        confidence level (default 0.95).
    **fixed : float
        Values of the mechanism's other parameters (e.g. ``response_rate=0.1``).

    Returns
    -------
    TippingPoint
        ``value`` (None when no value in the domain crosses, with ``message`` saying so);
        ``adjusted()`` recomputes the adjusted share at the value (the round trip).

    Notes
    -----
    The adjusted share is evaluated on a dense grid over the parameter's domain (log scale
    for odds ratios) to find the first crossing nearest the no-bias value, then refined with
    Brent's method to machine precision. Values under which the reported share is impossible
    (no true share in [0, 1] produces it) are skipped.

    Examples
    --------
    For the 55% item, 10% of "no" holders saying "yes" already removes the majority:

    >>> from surveystats import tipping_point
    >>> round(tipping_point(0.55, "falsification").value, 4)
    0.1
    >>> round(tipping_point(0.55, "nonresponse").value, 3)
    1.222

    Round trip:

    >>> tp = tipping_point(0.55, "nonresponse")
    >>> round(tp.adjusted(), 12)
    0.5
    """
    mech = getattr(mechanism, "name", mechanism)
    check_choice("mechanism", mech, tuple(_spec.MECHANISMS))
    cl = check_confidence_level(confidence_level)
    p_f = float(check_share("p", p))
    thr = float(check_share("threshold", threshold))
    check_choice("bound", bound, ("estimate", "low", "high"))
    names = _spec.MECHANISMS[mech].parameters
    fixed_p: dict[str, float] = {}
    for key, value in fixed.items():
        key = _pipeline_name(mech, key)
        if key not in names:
            raise ValueError(f"{key!r} is not a parameter of {mech}; its parameters are "
                             f"{', '.join(names)}")
        fixed_p[key] = float(value)
    if parameter is None:
        free = next((k for k in names if k not in fixed_p), None)
        if free is None:
            raise ValueError("every parameter is fixed; leave one free to solve for")
    else:
        free = _pipeline_name(mech, parameter)
        if free not in names:
            raise ValueError(f"parameter ({parameter!r}) is not one of {', '.join(names)}")
        if free in fixed_p:
            raise ValueError(f"{free} is both fixed and the parameter to solve for")
    if mech == "falsification":  # one direction of falsification may be left at none
        for spec in _spec.parameters_of(mech):
            if spec.name != free:
                fixed_p.setdefault(spec.name, spec.neutral)
    missing = [k for k in names if k != free and k not in fixed_p]
    if missing:
        raise ValueError(f"fix {', '.join(missing)} to solve for {free} "
                         f"(e.g. {missing[0]}=0.1)")
    _engine.canonical_method(method)
    if n is not None:
        check_scalar("n", n, POSITIVE)
    check_scalar("deff", deff, POSITIVE)
    if bound == "estimate":
        start = p_f
    else:
        if n is None:
            raise ValueError(f"n is required for bound={bound!r}")
        ci = proportion_ci(p_f, n, deff=deff, method=method, confidence_level=cl)
        start = float(ci.low if bound == "low" else ci.high)
    found, (lo, hi) = crossing(start, free, fixed_p, thr)
    label = {"estimate": "the estimate", "low": "the lower bound", "high": "the upper bound"}
    what = f"{label[bound]} ({100 * start:.1f}%)"
    if found is None:
        return TippingPoint(mech, free, None, thr, bound, start, p_f, fixed_p, (lo, hi),
                            f"no value of {free} in [{lo:g}, {hi:g}] takes {what} across "
                            f"{100 * thr:g}%")
    value = float(found)
    held = ", ".join(f"{k}={v:g}" for k, v in fixed_p.items())
    msg = f"{free} = {value:.4g} takes {what} to {100 * thr:g}% ({mech}"
    msg += f", with {held})" if held else ")"
    return TippingPoint(mech, free, value, thr, bound, start, p_f, fixed_p, (lo, hi), msg)
