"""The numbers behind the bias charts, as results: tornado spans, a sensitivity map with its
threshold contour and tipping points, and an error budget.

Each function here returns a result object (``to_frame()``, notebook display, ``plot()``);
the chart functions of :mod:`surveystats.plotting` take these results and only draw them, so
every number a chart shows can be had as data. All of them adjust through the one bias
pipeline (``bias._pipeline``) in the one order of ``bias._spec.ORDER``, and read each
parameter's domain, neutral value, label and sourced range from ``bias._spec``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveystats._display import fmt, html_table, pct_text
from surveystats._params import MARGIN, POSITIVE, SHARE
from surveystats._proportion import proportion_ci
from surveystats._result import Result
from surveystats._scenario import PRESETS, Scenario, ScenarioResult
from surveystats._tipping import crossing
from surveystats._validation import (
    as_float_array,
    check_positive,
    check_scalar,
    check_share,
    share_items,
)
from surveystats.bias import _pipeline, _spec
from surveystats.bias._defaults import default_range
from surveystats.bias._mechanisms import Overstatement

__all__ = [
    "MAP_PARAMETERS",
    "TORNADO_MECHANISMS",
    "ErrorBudget",
    "SensitivityMap",
    "Tornado",
    "bias_tornado",
    "error_budget",
    "sensitivity_map",
]

#: The bars of a tornado: every mechanism of the pipeline with a sourced range, in the
#: pipeline's order, and the design effect (sampling error, for scale). "Don't know" is left
#: out: it is a choice of base (see :func:`surveystats.plotting.plot_dont_know`), not a bias
#: of a size.
TORNADO_MECHANISMS: tuple[str, ...] = (
    *(m for m in _spec.ORDER if m != "dont_know"), "design_effect")

#: The parameters a sensitivity map can put on an axis: every pipeline parameter except the
#: data-defect response rate, which is the companion of ``rho`` (held at its central value).
MAP_PARAMETERS: tuple[str, ...] = tuple(p for p in _spec.PARAMETERS if p != "response_rate")

def _registry(mech: str, param: str) -> tuple[float, float, float]:
    row = default_range(mech, param)
    return float(row.low), float(row.central), float(row.high)


# --- tornado ------------------------------------------------------------------------------


def _tornado_defaults() -> dict[str, Any]:
    """Low and high setting of each tornado mechanism, from the sourced registry."""
    u, d = _registry("coverage", "uncovered_share"), _registry("coverage", "difference")
    house = _registry("house_effect", "shift")[2]
    out: dict[str, Any] = {
        # the uncovered are assumed less likely to say "yes" [judgement, as in the presets]
        "coverage": ((u[0], -d[0]), (u[2], -d[2])),
        "nonresponse": _registry("nonresponse", "odds_ratio")[::2],
        "data_defect": _registry("data_defect", "rho")[::2],
        "falsification": _registry("falsification", "overstatement")[::2],
        "house_effect": (-house, house),
        "design_effect": _registry("design_effect", "deff")[::2],
    }
    return {k: out[k] for k in TORNADO_MECHANISMS}


def _tornado_label(key: str, value: Any, response_rate: float) -> str:
    lo, hi = value
    if key == "nonresponse":
        return f"nonresponse\nodds ratio {lo:.2f}–{hi:.2f}"
    if key == "data_defect":
        return f"data defect\nρ {lo:g}–{hi:g} at {100 * response_rate:g}% response"
    if key == "falsification":
        return f"falsification\n{100 * lo:g}–{100 * hi:g} pp overstated"
    if key == "coverage":
        return (f"coverage\n{100 * lo[0]:g}–{100 * hi[0]:g}% outside, "
                f"{100 * abs(lo[1]):g}–{100 * abs(hi[1]):g} pp lower")
    if key == "house_effect":
        if np.isclose(lo, -hi):
            return f"house effect\n±{100 * abs(hi):g} pp"
        return f"house effect\n{100 * lo:+g} to {100 * hi:+g} pp".replace("-", "−")
    return f"design effect\n{lo:g}–{hi:g} (95% interval)"


def tornado_parameters(key: str, value: Any, p: float, response_rate: float
                       ) -> dict[str, float]:
    """The pipeline parameters of one tornado setting for reported share ``p``."""
    if key == "nonresponse":
        return {"odds_ratio": float(value)}
    if key == "data_defect":
        return {"rho": float(value), "response_rate": response_rate}
    if key == "falsification":
        f = Overstatement(float(value)).resolve(p, clip=True)
        return {"falsification": f.share, "reverse_falsification": f.reverse_share}
    if key == "coverage":
        return {"uncovered_share": float(value[0]), "coverage_difference": float(value[1])}
    return {"house_effect": float(value)}


@dataclass(frozen=True, eq=False, repr=False)
class Tornado(Result):
    """Result of :func:`bias_tornado`: how far each mechanism moves each reported share.

    Attributes
    ----------
    items : dict of str to float
        The reported shares, by item.
    n : float
        Nominal sample size (for the design-effect bar).
    settings : dict
        Each mechanism's (low, high) setting, as drawn.
    response_rate : float
        The response rate at which the data-defect ρ is read.
    spans : pandas.DataFrame
        One row per mechanism and item (see :meth:`to_frame`).
    """

    items: dict[str, float]
    n: float
    settings: dict[str, Any]
    response_rate: float
    spans: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per mechanism and item.

        Columns ``mechanism, label, item, reported, at_low, at_high, low, high, span``.
        ``at_low``/``at_high`` are the true shares implied at the mechanism's low and high
        setting (for the design effect: the interval's bounds at the larger value),
        ``low``/``high`` their minimum and maximum, ``span = high - low``.
        """
        return self.spans

    @property
    def order(self) -> tuple[str, ...]:
        """The mechanisms from the smallest to the largest span (the chart's bottom to top)."""
        s = self._stored("spans")
        size = s.groupby("mechanism", sort=False)["span"].max()
        return tuple(sorted(size.index, key=lambda k: (size[k], k)))

    @property
    def largest(self) -> str:
        """The mechanism that moves some item the most."""
        return self.order[-1]

    def move(self, mechanism: str) -> float:
        """The farthest the mechanism takes any item from its reported share."""
        s = self._stored("spans")
        rows = s[s["mechanism"] == mechanism]
        return float(np.max(np.maximum(rows["reported"] - rows["low"],
                                       rows["high"] - rows["reported"])))

    def label(self, mechanism: str) -> str:
        """The chart's two-line label of a mechanism's bar."""
        return _tornado_label(mechanism, self.settings[mechanism], self.response_rate)

    def _text(self) -> str:
        top = self.largest
        return (f"{self.label(top).splitlines()[0]} moves the shares most, up to "
                f"{100 * self.move(top):.1f} points (one mechanism at a time; "
                f"{len(self.settings)} mechanisms, {len(self.items)} items)")

    def __repr__(self) -> str:
        return (f"Tornado(items={list(self.items)}, n={fmt(self.n)}, largest={self.largest!r}, "
                f"move={fmt(self.move(self.largest))})")

    def _repr_html_(self) -> str:
        return html_table("Bias tornado", self.to_frame(),
                          note="one mechanism at a time, the others off")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Tornado chart: :func:`surveystats.plotting.plot_bias_tornado`."""
        from surveystats.plotting import plot_bias_tornado

        return plot_bias_tornado(self, ax=ax, **kwargs)


def bias_tornado(p: Any, n: float, *, ranges: Mapping[str, Any] | None = None) -> Tornado:
    """How far each bias mechanism moves each reported share: the numbers of a tornado chart.

    Each mechanism goes from its low to its high sourced setting, the others off.

    Parameters
    ----------
    p : float, sequence, dict of str to float, or Series
        Reported share(s); a dict or Series names the items.
    n : float
        Nominal sample size (for the design-effect bar).
    ranges : mapping, optional
        Replaces some of the default (low, high) settings, which come from
        :func:`surveystats.bias.default_range`; a value of None drops that bar. Keys (see
        ``TORNADO_MECHANISMS``):

        * ``"coverage"``: two ``(uncovered_share, coverage_difference)`` pairs;
        * ``"nonresponse"``: response odds ratio;
        * ``"data_defect"``: correlation ρ at the registry's central response rate;
        * ``"falsification"``: overstatement in proportion points (reported minus true),
          converted at each item's share with
          :meth:`surveystats.bias.Overstatement.resolve` (``clip=True``);
        * ``"house_effect"``: signed shift, reported minus true;
        * ``"design_effect"``: the bar is the 95% Wilson interval at the larger value.

    Returns
    -------
    Tornado
        ``to_frame()`` has one row per mechanism and item with the true share implied at
        each end; ``order`` and ``largest`` rank the mechanisms.

    Notes
    -----
    One mechanism at a time, the others off: sensitivity, not a combined scenario (see
    :func:`error_budget`). Each end is the pipeline's adjusted share with ``clip=True``, as
    :meth:`surveystats.Scenario.apply` computes it for a one-mechanism scenario. The
    data-defect ρ and the nonresponse odds ratio describe the same selection and should not
    be added up.

    Examples
    --------
    >>> from surveystats import bias_tornado
    >>> t = bias_tornado({"a": 0.70, "b": 0.55}, 1600)
    >>> t.largest
    'falsification'
    >>> row = t.to_frame().query("mechanism == 'nonresponse' and item == 'b'")
    >>> round(float(row["low"].iloc[0]), 3)
    0.463
    """
    items = share_items(p)
    n_f = check_scalar("n", n, POSITIVE)
    settings = _tornado_defaults()
    if ranges is not None:
        if not isinstance(ranges, Mapping):
            raise TypeError(f"ranges ({ranges!r}) must be a mapping of mechanism to a (low, "
                            "high) pair, e.g. {'nonresponse': (1.0, 1.5)}")
        unknown = [k for k in ranges if k not in TORNADO_MECHANISMS]
        if unknown:
            raise ValueError(f"ranges has unknown key(s) {', '.join(map(repr, unknown))}; "
                             f"valid keys: {', '.join(TORNADO_MECHANISMS)}")
        settings.update(ranges)
    settings = {k: v for k, v in settings.items() if v is not None}
    if not settings:
        raise ValueError("ranges removes every mechanism; nothing to draw")
    rr = _registry("data_defect", "response_rate")[1]
    rows = []
    for key, value in settings.items():
        for name, share in items.items():
            try:
                ends = _tornado_ends(key, value, share, n_f, rr)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"ranges[{key!r}] ({value!r}) is not a valid (low, high) "
                                 f"setting: {exc}") from None
            rows.append({"mechanism": key, "label": _tornado_label(key, value, rr),
                         "item": name, "reported": share, "at_low": ends[0],
                         "at_high": ends[1], "low": min(ends), "high": max(ends),
                         "span": max(ends) - min(ends)})
    return Tornado(items, n_f, settings, rr, pd.DataFrame(rows))


def _tornado_ends(key: str, value: Any, share: float, n: float, rr: float
                  ) -> tuple[float, float]:
    """The true shares implied at a setting's low and high value (a design effect: the
    interval's bounds at the larger value)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError("give two values, low and high")
    lo_v, hi_v = value
    if key == "design_effect":
        d = check_positive("deff", np.array([lo_v, hi_v], dtype=float))
        ci = proportion_ci(share, n, deff=float(np.max(d)))
        return float(ci.low), float(ci.high)
    if key == "coverage" and not all(isinstance(v, (tuple, list)) and len(v) == 2
                                     for v in value):
        raise TypeError("each coverage setting is an (uncovered_share, coverage_difference) pair")
    if key in ("nonresponse", "data_defect", "falsification", "house_effect") and not all(
            isinstance(v, (int, float, np.floating, np.integer)) for v in value):
        raise TypeError("each value is a number")
    a, b = (float(_pipeline.adjust(np.float64(share), _arrays(
        tornado_parameters(key, v, share, rr)), clip=True)) for v in (lo_v, hi_v))
    return a, b


def _arrays(params: Mapping[str, float]) -> dict[str, np.ndarray]:
    return _pipeline.check_parameters({k: np.float64(v) for k, v in params.items()})


# --- sensitivity map ----------------------------------------------------------------------


def axis_label(name: str) -> str:
    """A map axis label from the parameter's specification: label and unit."""
    spec = _spec.parameter(name)
    unit = {"share": " (%)", "proportion": " (points)", "ratio": " (×)"}.get(spec.unit, "")
    return spec.label + unit


def percent_scale(name: str) -> bool:
    """Whether a parameter is drawn on a percent axis (shares and differences of shares)."""
    return _spec.parameter(name).unit in ("share", "proportion")


def map_default(name: str, p: float, level: str) -> float:
    """The registry's ``level`` value (``"central"`` or ``"high"``) of a map parameter at
    reported share ``p``; the neutral value where the registry has none."""
    spec = _spec.parameter(name)
    if name == "falsification":  # the registry gives an overstatement; convert at p
        over = float(getattr(default_range("falsification", "overstatement"), level))
        return Overstatement(over).resolve(p, clip=True).share
    if spec.registry is None:
        return spec.neutral
    value = float(getattr(default_range(*spec.registry), level))
    # the uncovered are assumed less likely to say "yes" [judgement, as in the presets]
    return -value if name == "coverage_difference" else value


def _companions(names: Sequence[str], p: float, fixed: Mapping[str, float]
                ) -> dict[str, float]:
    """Parameters a grid needs besides the two on the axes: ``fixed``, and each axis
    parameter's companion (``_spec.COMPANION``) at its central registry value."""
    out = {str(k): float(v) for k, v in fixed.items()}
    for name in names:
        comp = _spec.COMPANION.get(name)
        if comp is not None and comp not in names and comp not in out:
            out[comp] = map_default(comp, p, "central")
    return out


def _default_values(name: str, p: float, others: dict[str, float], threshold: float
                    ) -> np.ndarray:
    """121 values spanning the neutral value, the registry's high value and the tipping point
    of the parameter alone (which may lie on the other side of neutral, as for a small share
    that a negative ρ would raise to 50%), each side past neutral extended by 15%, within the
    parameter's domain."""
    spec = _spec.parameter(name)
    neutral = spec.neutral
    tip, _ = crossing(p, name, others, threshold)
    points = [neutral, map_default(name, p, "high"), *([] if tip is None else [tip])]
    lo, hi = min(points), max(points)
    if lo == hi:
        hi = neutral + 0.1  # no registry value and no crossing: a tenth of a share [judgement]
    pad = 0.15 * (hi - lo)
    lo, hi = (lo - pad if lo < neutral else lo), (hi + pad if hi > neutral else hi)
    d, eps = spec.domain, 1e-9
    lo, hi = (float(np.clip(v, d.low if d.low_closed else d.low + eps,
                            d.high if d.high_closed else d.high - eps)) for v in (lo, hi))
    if name == "house_effect":
        end = max(abs(lo), abs(hi))
        return np.linspace(-end, end, 121)
    return np.linspace(lo, hi, 121)


def _contour(p: float, x: str, xv: np.ndarray, y: str, yv: np.ndarray,
             others: dict[str, float], z: np.ndarray, threshold: float) -> pd.DataFrame:
    """Points where the adjusted share equals ``threshold``: for every grid column and row
    whose two neighbouring cells straddle it, the crossing solved by bisection to full
    precision (the adjusted share is monotone in each parameter). Sorted along the curve."""
    base = {k: np.float64(v) for k, v in others.items()}
    d = z - threshold
    ok = np.isfinite(d)
    pts_x: list[np.ndarray] = []
    pts_y: list[np.ndarray] = []
    # along y, for each x column (z rows are y, columns x)
    for axis in (0, 1):
        a, b = (d[:-1, :], d[1:, :]) if axis == 0 else (d[:, :-1], d[:, 1:])
        oka, okb = (ok[:-1, :], ok[1:, :]) if axis == 0 else (ok[:, :-1], ok[:, 1:])
        i, j = np.nonzero(oka & okb & (np.sign(a) != np.sign(b)) & (a != 0))
        if i.size == 0:
            continue
        if axis == 0:
            fixed_v, lo, hi, free, other = xv[j], yv[i], yv[i + 1], y, x
        else:
            fixed_v, lo, hi, free, other = yv[i], xv[j], xv[j + 1], x, y
        f_lo = _pipeline.adjust(np.full(lo.shape, p), {**base, other: fixed_v, free: lo}) \
            - threshold
        for _ in range(64):  # bisection: each step halves every bracket at once
            mid = 0.5 * (lo + hi)
            f_mid = _pipeline.adjust(np.full(mid.shape, p),
                                     {**base, other: fixed_v, free: mid}) - threshold
            left = np.sign(f_mid) == np.sign(f_lo)
            lo, hi = np.where(left, mid, lo), np.where(left, hi, mid)
            f_lo = np.where(left, f_mid, f_lo)
        root = 0.5 * (lo + hi)
        pts_x.append(fixed_v if axis == 0 else root)
        pts_y.append(root if axis == 0 else fixed_v)
    # exact zeros on the grid
    i, j = np.nonzero(ok & (d == 0))
    pts_x.append(xv[j])
    pts_y.append(yv[i])
    cx, cy = np.concatenate(pts_x), np.concatenate(pts_y)
    if cx.size == 0:
        return pd.DataFrame({"x": np.empty(0), "y": np.empty(0)})
    # the contour of a function monotone in both parameters is a monotone curve: y falls
    # with x when the share moves the same way in x and in y, and rises otherwise
    dzdx, dzdy = _mean_finite(np.diff(z, axis=1)), _mean_finite(np.diff(z, axis=0))
    sign = -1.0 if dzdx * dzdy > 0 else 1.0
    order = np.lexsort((sign * cy, cx))
    frame = pd.DataFrame({"x": cx[order], "y": cy[order]})
    return frame.drop_duplicates(ignore_index=True)


def _mean_finite(a: np.ndarray) -> float:
    finite = a[np.isfinite(a)]
    return float(finite.mean()) if finite.size else 0.0


@dataclass(frozen=True, eq=False, repr=False)
class SensitivityMap(Result):
    """Result of :func:`sensitivity_map`: the adjusted share over two bias parameters.

    Attributes
    ----------
    reported, n, threshold : float
    x, y : str
        The parameters on the axes.
    x_values, y_values : numpy.ndarray
        The grid values.
    estimate : numpy.ndarray
        The adjusted share, shape ``(len(y_values), len(x_values))``; NaN where no true share
        produces the reported one.
    fixed : dict
        The other parameters, held fixed (companions at their central registry values).
    central : dict
        The marked point: the central registry values of ``x`` and ``y``, or a scenario's
        values; ``central_estimate`` the adjusted share there.
    tipping : dict
        For each axis parameter alone (the other at its neutral value, ``fixed`` held), the
        value nearest neutral at which the share crosses ``threshold``, or None (Brent's
        method, as :func:`surveystats.tipping_point`).
    contour : pandas.DataFrame
        Points ``x, y`` of the threshold contour inside the grid, sorted along the curve.
    centred_on : str or None
        The name of the scenario the map is centred on (its other parameters are ``fixed``),
        or None for the registry's central values.
    """

    reported: float
    n: float
    x: str
    y: str
    x_values: np.ndarray
    y_values: np.ndarray
    estimate: np.ndarray
    threshold: float
    fixed: dict[str, float] = field(default_factory=dict)
    central: dict[str, float] = field(default_factory=dict)
    central_estimate: float = float("nan")
    tipping: dict[str, float | None] = field(default_factory=dict)
    contour: pd.DataFrame = field(default_factory=pd.DataFrame)
    centred_on: str | None = None

    def to_frame(self) -> pd.DataFrame:
        """The grid, one row per cell.

        Columns ``x, y`` (the parameter names), ``x_value, y_value, estimate``.
        """
        gx, gy = np.meshgrid(self._stored("x_values"), self._stored("y_values"))
        return pd.DataFrame({"x": self.x, "y": self.y, "x_value": gx.ravel(),
                             "y_value": gy.ravel(),
                             "estimate": self._stored("estimate").ravel()})

    def _text(self) -> str:
        tips = "; ".join(f"{k} alone crosses {pct_text(self.threshold, 0)} at {v:.4g}"
                         if v is not None else f"{k} alone does not cross"
                         for k, v in self.tipping.items())
        at = (f"the central values of {self.x} and {self.y}" if self.centred_on is None
              else f"the {self.centred_on} scenario (its other biases held)")
        return (f"reported {pct_text(self.reported)}; at {at}: "
                f"{pct_text(self.central_estimate)}; {tips}")

    def __repr__(self) -> str:
        tips = ", ".join(f"{k}={fmt(v)}" for k, v in self.tipping.items())
        return (f"SensitivityMap(reported={fmt(self.reported)}, x={self.x!r}, y={self.y!r}, "
                f"central_estimate={fmt(self.central_estimate)}, tipping: {tips})")

    def _repr_html_(self) -> str:
        tips = "; ".join(f"{k} alone crosses {fmt(self.threshold)} at {fmt(v)}"
                         for k, v in self.tipping.items())
        summary = pd.DataFrame([{"x": self.x, "y": self.y, "reported": self.reported,
                                 "central_estimate": self.central_estimate,
                                 f"tipping_{self.x}": self.tipping.get(self.x),
                                 f"tipping_{self.y}": self.tipping.get(self.y)}])
        return html_table("Sensitivity map", summary, note=tips)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Map with the threshold contour: :func:`surveystats.plotting.plot_sensitivity_map`."""
        from surveystats.plotting import plot_sensitivity_map

        return plot_sensitivity_map(self, ax=ax, **kwargs)


def sensitivity_map(
    p: Any,
    n: float | None = None,
    *,
    x: str = "odds_ratio",
    y: str = "falsification",
    x_values: Sequence[float] | np.ndarray | None = None,
    y_values: Sequence[float] | np.ndarray | None = None,
    threshold: float = 0.5,
    fixed: Mapping[str, float] | None = None,
) -> SensitivityMap:
    """The adjusted share over a grid of two bias parameters: the numbers of a sensitivity map.

    With its threshold contour and each parameter's tipping point.

    Parameters
    ----------
    p : float or ScenarioResult
        Reported share; or a scenario applied to one (``Scenario.preset("plausible").apply(
        0.55, 1600)``): the map is then centred on it, with its other parameters held fixed
        and its point marked, so that the marked share is the scenario's estimate.
    n : float
        Nominal sample size, with a share (taken from a ScenarioResult).
    x, y : str
        Two different parameters of ``MAP_PARAMETERS`` (the pipeline's parameter names,
        as in :func:`surveystats.scenario_grid`).
    x_values, y_values : array-like, optional
        Grid values. Default: 121 values from the no-bias value to 1.15 times the farther of
        the registry's high value and the tipping point of that parameter alone.
    threshold : float, default 0.5
        The share whose contour is traced.
    fixed : mapping, optional
        Other parameters held fixed (e.g. ``{"house_effect": 0.02}``). A parameter's
        companion (``response_rate`` for ``rho``, the other coverage parameter) is held at
        its central registry value unless given here.

    Returns
    -------
    SensitivityMap
        ``estimate`` on the grid, ``contour``, ``tipping``, ``central_estimate``;
        ``to_frame()`` is the grid in long form.

    Examples
    --------
    >>> from surveystats import sensitivity_map
    >>> m = sensitivity_map(0.55, 1600)
    >>> round(m.tipping["odds_ratio"], 4), round(m.tipping["falsification"], 4)
    (1.2222, 0.1)

    Centred on the plausible preset, with ρ on the x axis (the preset's nonresponse is a
    data-defect correlation), the marked share is the preset's adjusted estimate:

    >>> from surveystats import Scenario
    >>> plausible = Scenario.preset("plausible").apply(0.55, 1600)
    >>> m = sensitivity_map(plausible, x="rho")
    >>> round(m.central_estimate, 4) == round(plausible.estimate, 4) == 0.4601
    True
    """
    scenario = p if isinstance(p, ScenarioResult) else None
    if scenario is not None:
        if n is not None or fixed is not None:
            given = ", ".join(k for k, v in (("n", n), ("fixed", fixed)) if v is not None)
            raise ValueError(f"{given} cannot be given with a ScenarioResult: the map takes "
                             "n and the held parameters from the scenario")
        p, n = scenario.reported, float(scenario.sampling.n)
        fixed = {k: v for k, v in scenario.parameters.items() if k not in (x, y)}
    elif n is None:
        raise ValueError("n is required with a share, e.g. sensitivity_map(0.55, 1000)")
    p_arr = check_share("p", p)
    if p_arr.ndim != 0:
        raise ValueError(f"p ({p!r}) must be one reported share; make one map per item")
    p_f = float(p_arr)
    n_f = check_scalar("n", n, POSITIVE)
    thr = check_scalar("threshold", threshold, SHARE)
    for axis_name, name in (("x", x), ("y", y)):
        if name not in MAP_PARAMETERS:
            raise ValueError(f"{axis_name} ({name!r}) must be one of "
                             f"{', '.join(map(repr, MAP_PARAMETERS))}")
    if x == y:
        raise ValueError(f"x and y are both {x!r}; choose two different parameters")
    if fixed is not None and not isinstance(fixed, Mapping):
        raise TypeError(f"fixed ({fixed!r}) must be a mapping of parameter name to value, "
                        "e.g. {'house_effect': 0.02}")
    others = _companions((x, y), p_f, fixed or {})
    neutral = {name: _spec.parameter(name).neutral for name in (x, y)}
    try:
        _pipeline.check_parameters({k: np.float64(v)
                                    for k, v in {**others, **neutral}.items()})
    except ValueError as exc:
        raise ValueError(f"x ({x!r}), y ({y!r}) and fixed ({fixed!r}) do not go together: "
                         f"{exc}") from None
    x_alone = {**others, y: neutral[y]}
    y_alone = {**others, x: neutral[x]}
    xv = (_default_values(x, p_f, x_alone, thr) if x_values is None
          else as_float_array("x_values", x_values).ravel())
    yv = (_default_values(y, p_f, y_alone, thr) if y_values is None
          else as_float_array("y_values", y_values).ravel())
    for name, par, values in (("x_values", x, xv), ("y_values", y, yv)):
        if values.size == 0:
            raise ValueError(f"{name} is empty; give at least one value")
        try:
            _pipeline.check_parameters({**others, **neutral, par: values})
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    # the point estimates only (a map has no sampling interval): the pipeline on the mesh,
    # rows y and columns x, as scenario_grid's estimate column
    gx, gy = np.meshgrid(xv, yv)
    z = _pipeline.adjust(np.full(gx.shape, p_f),
                         {**{k: np.float64(v) for k, v in others.items()}, x: gx, y: gy})
    if scenario is None:
        central = {x: map_default(x, p_f, "central"), y: map_default(y, p_f, "central")}
        central_est = float(_pipeline.adjust(np.float64(p_f), _arrays({**others, **central})))
    else:  # the scenario's own point and estimate (it clips a step that would leave [0, 1])
        pars = scenario.parameters
        central = {k: float(pars.get(k, _spec.parameter(k).neutral)) for k in (x, y)}
        central_est = float(scenario.estimate)
    tipping = {x: crossing(p_f, x, x_alone, thr)[0], y: crossing(p_f, y, y_alone, thr)[0]}
    contour = _contour(p_f, x, xv, y, yv, others, z, thr)
    return SensitivityMap(p_f, n_f, x, y, xv, yv, z, thr, others, central, central_est,
                          tipping, contour,
                          None if scenario is None else scenario.scenario.name)


# --- error budget -------------------------------------------------------------------------

_STEP_LABELS = {
    "house_effect": "+ house effect",
    "falsification": "+ falsification",
    "data_defect": "+ nonresponse",
    "nonresponse": "+ nonresponse",
    "coverage": "+ coverage",
    "dont_know": "+ don't know",
    "tse_multiplier": "× total-error multiplier",
}


@dataclass(frozen=True, eq=False, repr=False)
class ErrorBudget(Result):
    """Result of :func:`error_budget`: an item's uncertainty, row by row.

    From the stated margin (when one was stated) to the plausible range of a scenario.

    Attributes
    ----------
    scenario : ScenarioResult
        The scenario applied; its ``estimate``, ``low`` and ``high`` are the last row.
    stated_margin : float or None
        The pollster's stated margin, if any.
    rows : pandas.DataFrame
        See :meth:`to_frame`.
    """

    scenario: ScenarioResult
    stated_margin: float | None
    rows: pd.DataFrame

    @property
    def reported(self) -> float:
        return float(self.scenario.reported)

    def to_frame(self) -> pd.DataFrame:
        """One row per bar, top to bottom.

        Columns ``row`` (its label), ``kind`` (``stated``, ``sampling``, ``bias``,
        ``total``), ``mechanism``, ``estimate, low, high``.
        """
        return self.rows

    def _text(self) -> str:
        return "; ".join(f"{r.row}: {pct_text(r.estimate)} [{pct_text(r.low)}, "
                         f"{pct_text(r.high)}]" for r in self._stored("rows").itertuples())

    def __repr__(self) -> str:
        s = self.scenario
        return (f"ErrorBudget(reported={fmt(s.reported)}, scenario={s.scenario.name!r}, "
                f"estimate={fmt(s.estimate)}, low={fmt(s.low)}, high={fmt(s.high)})")

    def _repr_html_(self) -> str:
        return html_table("Error budget", self.to_frame(), note=self.scenario.scenario.name)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Stacked uncertainty: :func:`surveystats.plotting.plot_error_budget`."""
        from surveystats.plotting import plot_error_budget

        return plot_error_budget(self, ax=ax, **kwargs)


def error_budget(
    result_or_p: Any,
    n: float | None = None,
    *,
    preset: str = "plausible",
    deff: float | None = None,
    stated_margin: float | None = None,
) -> ErrorBudget:
    """An item's uncertainty row by row, from the stated margin to the plausible range.

    The stated margin (if given), the sampling interval, the interval after undoing each
    bias in turn, and the plausible range.

    Parameters
    ----------
    result_or_p : ScenarioResult or float
        A :class:`surveystats.ScenarioResult`, or a reported share to which
        ``Scenario.preset(preset)`` is applied with ``n``.
    n : float, optional
        Nominal sample size, when ``result_or_p`` is a share.
    preset : {"benign", "plausible", "stress"}, default "plausible"
        Preset applied when ``result_or_p`` is a share.
    deff : float, optional
        Replaces the preset's design effect (e.g. the design effect the poll states), when
        ``result_or_p`` is a share.
    stated_margin : float, optional
        The pollster's stated margin of error as a share (0.03 for "3 points"); the first row
        when given. No default: a margin is a fact about a poll.

    Returns
    -------
    ErrorBudget
        One row per bar, from the stated margin to the plausible range.

    Examples
    --------
    >>> from surveystats import error_budget
    >>> b = error_budget(0.55, 1600, stated_margin=0.025)
    >>> list(b.to_frame()["kind"])
    ['stated', 'sampling', 'bias', 'bias', 'bias', 'bias', 'total']
    """
    m = None if stated_margin is None else float(check_scalar("stated_margin", stated_margin,
                                                              MARGIN))
    if isinstance(result_or_p, ScenarioResult):
        if n is not None or deff is not None:
            raise ValueError("n and deff are taken from the ScenarioResult; do not pass them")
        res = result_or_p
    else:
        if n is None:
            raise ValueError("n is required when result_or_p is a share, e.g. "
                             "error_budget(0.55, 1000)")
        if preset not in PRESETS:
            raise ValueError(f"preset ({preset!r}) is not one of "
                             f"{', '.join(map(repr, PRESETS))}")
        p_f = check_scalar("result_or_p", result_or_p, SHARE)
        scen = Scenario.preset(preset)  # type: ignore[arg-type]
        if deff is not None:
            scen = Scenario(scen.mechanisms, deff=check_scalar("deff", deff, POSITIVE),
                            name=scen.name, description=scen.description)
        res = scen.apply(p_f, n)
    p_f = float(res.reported)
    samp = res.sampling
    rows: list[dict[str, Any]] = []
    if m is not None:
        rows.append({"row": f"stated ±{100 * m:.1f}%", "kind": "stated", "mechanism": "stated",
                     "estimate": p_f, "low": max(0.0, p_f - m), "high": min(1.0, p_f + m)})
    rows.append({"row": f"sampling at deff {float(samp.deff):g}", "kind": "sampling",
                 "mechanism": "reported", "estimate": p_f, "low": float(samp.low),
                 "high": float(samp.high)})
    for _, step in res.steps.iloc[1:-1].iterrows():
        mech = str(step["mechanism"])
        rows.append({"row": _STEP_LABELS.get(mech, f"+ {mech}"), "kind": "bias",
                     "mechanism": mech, "estimate": float(step["estimate"]),
                     "low": float(step["low"]), "high": float(step["high"])})
    rows.append({"row": "plausible range" if res.scenario.name == "plausible"
                 else f"{res.scenario.name} range", "kind": "total", "mechanism": "adjusted",
                 "estimate": float(res.estimate), "low": float(res.low),
                 "high": float(res.high)})
    return ErrorBudget(res, m, pd.DataFrame(rows))
