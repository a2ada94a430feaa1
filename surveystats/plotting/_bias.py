"""Charts of non-sampling error: tornado, sensitivity map, error budget, bias analysis,
simulated polls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from surveystats._validation import check_positive, check_share
from surveystats.plotting import _style as st
from surveystats.plotting._intervals import items_dict

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "plot_bias_analysis",
    "plot_bias_tornado",
    "plot_error_budget",
    "plot_poll_simulation",
    "plot_sensitivity_map",
]

_TORNADO_KEYS = ("nonresponse", "data_defect", "falsification", "coverage", "house_effect",
                 "design_effect")


def _tornado_defaults() -> dict[str, Any]:
    """Low and high values of each mechanism, from the sourced default-range registry."""
    from surveystats.bias import default_range

    def lh(mech: str, param: str) -> tuple[float, float]:
        row = default_range(mech, param)
        return float(row.low), float(row.high)

    u, d = lh("coverage", "uncovered_share"), lh("coverage", "difference")
    house = default_range("house_effect", "shift").high
    return {
        "nonresponse": lh("nonresponse", "odds_ratio"),
        "data_defect": lh("data_defect", "rho"),
        "falsification": lh("falsification", "overstatement"),
        "coverage": ((u[0], -d[0]), (u[1], -d[1])),
        "house_effect": (-float(house), float(house)),
        "design_effect": lh("design_effect", "deff"),
    }


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


def _tornado_span(key: str, value: Any, p: float, n: float,
                  response_rate: float) -> tuple[float, float]:
    """Range of the true share as the mechanism moves from its low to its high value."""
    from surveystats._proportion import proportion_ci
    from surveystats.bias import Coverage, DataDefect, Falsification, Nonresponse

    lo, hi = value
    if key == "design_effect":
        ci = proportion_ci(p, n, deff=max(lo, hi))
        return float(ci.low), float(ci.high)
    vals: list[float] = []
    for v in (lo, hi):
        if key == "nonresponse":
            vals.append(float(Nonresponse(v).true(p, clip=True)))
        elif key == "data_defect":
            vals.append(float(DataDefect(v, response_rate).true(p, clip=True)))
        elif key == "falsification":
            vals.append(float(Falsification.from_overstatement(v, reported_p=p)
                              .true(p, clip=True)))
        elif key == "coverage":
            vals.append(float(Coverage(v[0], v[1]).true(p, clip=True)))
        else:  # house_effect: a signed shift, reported minus true
            vals.append(float(np.clip(p - v, 0.0, 1.0)))
    return min(vals), max(vals)


def plot_bias_tornado(
    p: Any,
    n: float,
    *,
    ax: Axes | None = None,
    ranges: Mapping[str, Any] | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Tornado chart: how far each mechanism, from its low to its high default, moves each
    headline.

    Parameters
    ----------
    p : float, dict of str to float, or Series
        Reported share(s).
    n : float
        Nominal sample size (for the design-effect bar).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    ranges : mapping, optional
        Replaces some of the default (low, high) pairs, which come from
        :func:`surveystats.bias.default_range`; a value of None drops that bar. Keys:

        * ``"nonresponse"``: response odds ratio, default (1.0, 1.42);
        * ``"data_defect"``: correlation ρ at the central response rate (10%),
          default (0.005, 0.05);
        * ``"falsification"``: overstatement in proportion points, default (0, 0.15),
          converted with :meth:`surveystats.bias.Falsification.from_overstatement`;
        * ``"coverage"``: two ``(uncovered_share, difference)`` pairs, default
          ((0.02, -0.10), (0.10, -0.30));
        * ``"house_effect"``: signed shift, reported minus true, default (-0.05, 0.05);
        * ``"design_effect"``: the bar is the 95% Wilson interval at the larger value,
          default (1, 2.25).
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.barh`` (one call per item), e.g. ``color``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per mechanism and item, sorted by size (largest on top); each item's reported
        share is a dashed vertical line (``gid="reported"``), 50% a dotted one
        (``gid="threshold"``).

    Notes
    -----
    One mechanism at a time, the others off: the bars show sensitivity, not a combined
    scenario (see :func:`plot_error_budget`). The data-defect ρ and the nonresponse odds
    ratio describe the same selection and should not be added up.

    Examples
    --------
    >>> from surveystats.plotting import plot_bias_tornado
    >>> ax = plot_bias_tornado({"successful_2026": 0.70, "smo_end_hope": 0.55}, 1600)
    >>> len(ax.patches)
    12
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from surveystats.bias import default_range

    items = items_dict(p)
    n_f = float(check_positive("n", n))
    spec: dict[str, Any] = _tornado_defaults()
    if ranges is not None:
        unknown = [k for k in ranges if k not in _TORNADO_KEYS]
        if unknown:
            raise ValueError(f"ranges has unknown key(s) {', '.join(map(repr, unknown))}; "
                             f"valid keys: {', '.join(_TORNADO_KEYS)}")
        spec.update(ranges)
    spec = {k: v for k, v in spec.items() if v is not None}
    if not spec:
        raise ValueError("ranges removes every mechanism; nothing to draw")
    rr = float(default_range("data_defect", "response_rate").central)
    spans = {k: {name: _tornado_span(k, v, share, n_f, rr) for name, share in items.items()}
             for k, v in spec.items()}
    size = {k: max(hi - lo for lo, hi in s.values()) for k, s in spans.items()}
    order = sorted(spec, key=lambda k: size[k])  # smallest first: at the bottom
    k_items = len(items)
    height = 0.8 / k_items
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        for j, (name, share) in enumerate(items.items()):
            color = st.COLORS[j % len(st.COLORS)]
            offset = ((k_items - 1) / 2 - j) * height
            ys = np.arange(len(order)) + offset
            lows = np.array([spans[k][name][0] for k in order])
            highs = np.array([spans[k][name][1] for k in order])
            style: dict[str, Any] = {"height": height * 0.9, "color": color, "alpha": 0.85,
                                     "label": f"{name} (reported {st.pct(share)})"}
            style.update(kwargs)
            ax.barh(ys, highs - lows, left=lows, **style)
            line = ax.axvline(share, color=color, linestyle="--", linewidth=1.1, zorder=3)
            line.set_gid("reported")
        thr = ax.axvline(0.5, color=st.PALETTE["black"], linestyle=":", linewidth=1.2,
                         zorder=3)
        thr.set_gid("threshold")
        ax.annotate("50%", xy=(0.5, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -2), textcoords="offset points", ha="left", va="top",
                    fontsize=8.5)
        ax.set_yticks(np.arange(len(order)), [_tornado_label(k, spec[k], rr) for k in order])
        ax.tick_params(axis="y", length=0, labelsize=8.5)
        ax.set_ylim(-1.25, len(order) - 0.4)  # an empty strip at the bottom for the legend
        lo_all = min(lo for s in spans.values() for lo, _ in s.values())
        hi_all = max(hi for s in spans.values() for _, hi in s.values())
        pad = 0.04 * (hi_all - lo_all)
        ax.set_xlim(min(lo_all, 0.5) - pad, max(hi_all, 0.5) + pad)
        st.percent_axis(ax, "x")
        ax.set_xlabel("true share implied, one mechanism at a time (%)")
        st.legend(ax, loc="lower center", handlelength=1.2, ncol=k_items, borderaxespad=0.2,
                  columnspacing=1.5)
        top = order[-1]
        move = max(max(share - spans[top][name][0], spans[top][name][1] - share)
                   for name, share in items.items())
        title = (f"{_tornado_label(top, spec[top], rr).split(chr(10))[0].capitalize()} "
                 f"moves the headlines most: up to {100 * move:.0f} points")
        if "design_effect" in spec and top != "design_effect":
            w = max(0.5 * (hi - lo) for lo, hi in spans["design_effect"].values())
            title += (f", against ±{st.points(w)} for sampling error at design effect "
                      f"{max(spec['design_effect']):g}")
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(n_f, source))
    return ax


#: parameter -> (axis label, search domain for the tipping point, neutral value, percent axis)
_MAP_PARAMETERS: dict[str, tuple[str, tuple[float, float], float, bool]] = {
    "odds_ratio": ("response odds ratio, “yes” to “no” holders (×)", (1.0, 5.0), 1.0, False),
    "falsification": ("share of true “no” holders who say “yes” (%)", (0.0, 0.95), 0.0, True),
    "reverse_falsification": ("share of true “yes” holders who say “no” (%)", (0.0, 0.95),
                              0.0, True),
    "rho": ("data-defect correlation ρ among the contacted", (0.0, 0.5), 0.0, False),
    "uncovered_share": ("adults outside the phone frame (%)", (0.0, 0.5), 0.0, True),
    "coverage_difference": ("“yes” share outside minus inside the frame (points)",
                            (-1.0, 0.0), 0.0, True),
    "dont_know": ("“don't know” share, read among those with an opinion (%)", (0.0, 0.5),
                  0.0, True),
    "house_effect": ("house effect, reported minus true (points)", (-0.2, 0.2), 0.0, True),
}


def _map_default(name: str, p: float, level: str) -> float:
    """The registry's ``level`` value ("central" or "high") of a map parameter for share p."""
    from surveystats.bias import Falsification, default_range

    registry = {
        "odds_ratio": ("nonresponse", "odds_ratio", 1.0),
        "rho": ("data_defect", "rho", 1.0),
        "uncovered_share": ("coverage", "uncovered_share", 1.0),
        "coverage_difference": ("coverage", "difference", -1.0),  # uncovered are less "yes"
        "house_effect": ("house_effect", "shift", 1.0),
        "dont_know": ("dont_know", "share", 1.0),
    }
    if name == "falsification":
        over = float(getattr(default_range("falsification", "overstatement"), level))
        return Falsification.from_overstatement(over, reported_p=p).share
    if name in registry:
        mech, param, sign = registry[name]
        return sign * float(getattr(default_range(mech, param), level))
    return 0.1 if level == "high" else 0.0


def _map_values(name: str, p: float, n: float, others: dict[str, float],
                threshold: float) -> np.ndarray:
    """Default grid: from the neutral value to 1.15 times the farther of the registry's high
    value and the tipping point (alone), so both show on the map."""
    _, domain, neutral, _ = _MAP_PARAMETERS[name]
    far = _map_default(name, p, "high")
    tip = _crossing(p, n, name, np.array(domain), others, threshold)
    if tip is not None and abs(tip - neutral) > abs(far - neutral):
        far = tip
    end = neutral + 1.15 * (far - neutral)
    end = float(np.clip(end, *domain))
    if name == "house_effect":
        return np.linspace(-abs(end), abs(end), 121)
    return np.linspace(min(neutral, end), max(neutral, end), 121)


def _map_companions(names: Sequence[str], fixed: Mapping[str, float]) -> dict[str, float]:
    """Parameters the grid needs besides the two on the axes (central defaults)."""
    from surveystats.bias import default_range

    out = dict(fixed)
    if "rho" in names and "response_rate" not in out:
        out["response_rate"] = float(default_range("data_defect", "response_rate").central)
    if "uncovered_share" in names and "coverage_difference" not in out:
        out["coverage_difference"] = -float(default_range("coverage", "difference").central)
    if "coverage_difference" in names and "uncovered_share" not in out:
        out["uncovered_share"] = float(default_range("coverage", "uncovered_share").central)
    return out


def _map_phrase(name: str, value: float) -> str:
    if name == "odds_ratio":
        return f"an odds ratio of {value:.2f}"
    if name == "falsification":
        return f"{100 * value:.0f}% of “no” holders saying “yes”"
    if name == "reverse_falsification":
        return f"{100 * value:.0f}% of “yes” holders saying “no”"
    if name == "rho":
        return f"ρ = {value:.3f}"
    if name == "uncovered_share":
        return f"{100 * value:.0f}% outside the frame"
    if name == "coverage_difference":
        return f"a {100 * abs(value):.0f}-point coverage gap"
    if name == "dont_know":
        return f"{100 * value:.0f}% don't know"
    return f"a house effect of {100 * value:+.1f} points"


def _crossing(p: float, n: float, name: str, values: np.ndarray, others: dict[str, float],
              threshold: float) -> float | None:
    """The value of ``name`` nearest its neutral value at which the estimate crosses."""
    from surveystats._scenario import scenario_grid

    fine = np.linspace(float(np.min(values)), float(np.max(values)), 2001)
    ranges: dict[str, Any] = {name: fine, **others}
    est = scenario_grid(p, n, **ranges)["estimate"].to_numpy()
    diff = est - threshold
    ok = np.isfinite(diff)
    idx = np.flatnonzero(ok[:-1] & ok[1:] & (np.sign(diff[:-1]) != np.sign(diff[1:])))
    if idx.size == 0:
        return None
    neutral = _MAP_PARAMETERS[name][2]
    i = int(idx[np.argmin(np.abs(fine[idx] - neutral))])
    a, b = diff[i], diff[i + 1]
    return float(fine[i] + (fine[i + 1] - fine[i]) * a / (a - b))


def plot_sensitivity_map(
    p: float,
    n: float = 1600,
    *,
    x: str = "odds_ratio",
    y: str = "falsification",
    x_values: Sequence[float] | np.ndarray | None = None,
    y_values: Sequence[float] | np.ndarray | None = None,
    threshold: float = 0.5,
    ax: Axes | None = None,
    fixed: Mapping[str, float] | None = None,
    colorbar: bool = True,
    label: str | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """The adjusted estimate over two bias parameters, with the threshold contour labelled.

    Parameters
    ----------
    p : float
        Reported share.
    n : float, default 1600
        Nominal sample size.
    x, y : str
        Parameters of :func:`surveystats.scenario_grid` on the two axes: ``"odds_ratio"``,
        ``"falsification"``, ``"reverse_falsification"``, ``"rho"`` (at the central response
        rate), ``"uncovered_share"``, ``"coverage_difference"``, ``"dont_know"``,
        ``"house_effect"``.
    x_values, y_values : array-like, optional
        Grid values. Default: 121 values from the no-bias value to 1.15 times the farther
        of the registry's high value and the tipping point of that parameter alone (for the
        55%: odds ratio 1 to 1.48, falsification 0 to 29%).
    threshold : float, default 0.5
        The contour drawn and labelled (``"50%: majority lost"``).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    fixed : mapping, optional
        Other parameters held fixed (e.g. ``{"house_effect": 0.02}``). ``rho`` gets the
        central ``response_rate`` and each coverage parameter the other's central value
        unless given here.
    colorbar : bool, default True
        Add a colour bar (it takes space from ``ax``).
    label : str, optional
        Name of the item in the title, default the share (``"55%"``).
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.contourf``, e.g. ``cmap``, ``levels``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        The filled contours, the threshold contour (``gid="threshold"``) with its
        ``clabel`` text, and the central default values marked (``gid="central"``).

    Notes
    -----
    Each cell undoes the biases in the canonical order (see :func:`surveystats.scenario_grid`);
    cells where no true share produces the reported one are left blank. The map shows the
    point estimate only; the sampling interval adds its margin on top.

    Examples
    --------
    >>> from surveystats.plotting import plot_sensitivity_map
    >>> ax = plot_sensitivity_map(0.55, 1600)
    >>> [t.get_text() for t in ax.texts if "majority" in t.get_text()][:1]
    ['50%: majority lost']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from matplotlib.colors import Normalize, TwoSlopeNorm
    from matplotlib.ticker import PercentFormatter

    from surveystats._scenario import scenario_grid

    p_f = float(check_share("p", p))
    if np.ndim(p) != 0:
        raise ValueError("plot_sensitivity_map takes one reported share; draw one map per item")
    n_f = float(check_positive("n", n))
    thr = float(check_share("threshold", threshold))
    for axis_name, name in (("x", x), ("y", y)):
        if name not in _MAP_PARAMETERS:
            raise ValueError(f"{axis_name} ({name!r}) must be one of "
                             f"{', '.join(map(repr, _MAP_PARAMETERS))}")
    if x == y:
        raise ValueError(f"x and y are both {x!r}; choose two different parameters")
    others = _map_companions((x, y), fixed or {})
    x_alone = {y: _MAP_PARAMETERS[y][2], **others}
    y_alone = {x: _MAP_PARAMETERS[x][2], **others}
    xv = (_map_values(x, p_f, n_f, x_alone, thr) if x_values is None
          else np.asarray(x_values, dtype=float))
    yv = (_map_values(y, p_f, n_f, y_alone, thr) if y_values is None
          else np.asarray(y_values, dtype=float))
    ranges: dict[str, Any] = {x: xv, y: yv, **others}
    grid = scenario_grid(p_f, n_f, **ranges)
    z = grid["estimate"].to_numpy().reshape(xv.size, yv.size).T
    xc, yc = _map_default(x, p_f, "central"), _map_default(y, p_f, "central")
    at_central: dict[str, Any] = {x: xc, y: yc, **others}
    central = float(scenario_grid(p_f, n_f, **at_central)["estimate"].iloc[0])
    zmin, zmax = float(np.nanmin(z)), float(np.nanmax(z))
    name = label or st.pct(p_f)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid=None)
        step = 0.025 if zmax - zmin <= 0.3 else 0.05
        lo5, hi5 = np.floor(zmin / step) * step, np.ceil(zmax / step) * step
        levels = np.arange(lo5, hi5 + step / 2, step)
        norm: Normalize = (TwoSlopeNorm(vmin=lo5, vcenter=thr, vmax=hi5) if lo5 < thr < hi5
                           else Normalize(vmin=lo5, vmax=hi5))
        style: dict[str, Any] = {"levels": levels, "cmap": "PuOr", "norm": norm}
        style.update(kwargs)
        cf = ax.contourf(xv, yv, z, **style)
        if colorbar and ax.figure is not None:
            cb = ax.figure.colorbar(cf, ax=ax, format=PercentFormatter(1.0, decimals=0),
                                    pad=0.02, fraction=0.05)
            cb.set_label("adjusted share (%)", fontsize=9)
            cb.set_ticks([v for v in levels if abs(v * 20 - round(v * 20)) < 1e-9])
            cb.ax.tick_params(labelsize=8.5)
        text = f"{st.pct(thr)}: majority lost" if thr == 0.5 else st.pct(thr)
        if zmin < thr < zmax:
            cs = ax.contour(xv, yv, z, levels=[thr], colors=st.PALETTE["black"],
                            linewidths=2.0)
            cs.set_gid("threshold")
            labels = ax.clabel(cs, fmt={thr: text}, inline=True, fontsize=9)
            if not labels:  # the contour is too short for an inline label: write it beside
                verts = np.concatenate([np.asarray(pth.vertices) for pth in cs.get_paths()
                                        if np.size(pth.vertices)])
                mid = verts[len(verts) // 2]
                ax.annotate(text, xy=(float(mid[0]), float(mid[1])), xytext=(6, 6),
                            textcoords="offset points", fontsize=9, fontweight="bold",
                            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                                  "alpha": 0.8})
        ax.plot([xc], [yc], marker="o", markersize=8, color="white",
                markeredgecolor=st.PALETTE["black"], markeredgewidth=1.5, linestyle="none",
                gid="central")
        ax.annotate(f"central defaults: {st.pct(central)}", xy=(xc, yc), xytext=(8, 6),
                    textcoords="offset points", fontsize=9, fontweight="bold",
                    color=st.PALETTE["black"],
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                          "alpha": 0.8})
        ax.set_xlabel(_MAP_PARAMETERS[x][0])
        ax.set_ylabel(_MAP_PARAMETERS[y][0])
        if _MAP_PARAMETERS[x][3]:
            st.percent_axis(ax, "x")
        if _MAP_PARAMETERS[y][3]:
            st.percent_axis(ax, "y")
        ax.tick_params(axis="both", length=3)
        cross_x = _crossing(p_f, n_f, x, xv, x_alone, thr)
        cross_y = _crossing(p_f, n_f, y, yv, y_alone, thr)
        below = "falls below" if p_f > thr else "rises above"
        clauses = [_map_phrase(nm, v) for nm, v in ((x, cross_x), (y, cross_y))
                   if v is not None]
        if len(clauses) == 2:
            title = f"The {name} {below} {st.pct(thr)} with either {clauses[0]} or {clauses[1]}"
        elif clauses:
            title = f"The {name} {below} {st.pct(thr)} with {clauses[0]} alone"
        else:
            title = f"The {name} stays on its side of {st.pct(thr)} across this map"
        title += f"; the central defaults give {st.pct(central)}"
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(n_f, source))
    return ax


def _scenario_result(result_or_p: Any, n: float | None, preset: str) -> Any:
    from surveystats._scenario import Scenario, ScenarioResult

    if isinstance(result_or_p, ScenarioResult):
        if n is not None:
            raise ValueError("n is taken from the ScenarioResult; do not pass it as well")
        return result_or_p
    if n is None:
        raise ValueError("n is required when result_or_p is a share, e.g. "
                         "plot_error_budget(0.55, 1600)")
    p_f = float(check_share("result_or_p", result_or_p))
    return Scenario.preset(preset).apply(p_f, n)  # type: ignore[arg-type]


_STEP_LABELS = {
    "house_effect": "+ house effect",
    "falsification": "+ falsification",
    "data_defect": "+ nonresponse",
    "nonresponse": "+ nonresponse",
    "coverage": "+ coverage",
    "dont_know": "+ don't know",
    "tse_multiplier": "× total-error multiplier",
}


def plot_error_budget(
    result_or_p: Any,
    n: float | None = None,
    *,
    ax: Axes | None = None,
    stated_margin: float = 0.025,
    preset: str = "plausible",
    label: str | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Stacked uncertainty for one item: from the stated margin to the plausible range.

    Rows, top to bottom: the stated margin; the sampling interval at the scenario's design
    effect; the interval after undoing each bias in turn; the plausible range.

    Parameters
    ----------
    result_or_p : ScenarioResult or float
        A :class:`surveystats.ScenarioResult` (its ``steps`` table and ``sampling`` interval
        are drawn), or a reported share, with ``n``, to which
        ``Scenario.preset(preset)`` is applied.
    n : float, optional
        Nominal sample size, when ``result_or_p`` is a share.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    stated_margin : float, default 0.025
        The pollster's stated margin (first row).
    preset : {"benign", "plausible", "stress"}, default "plausible"
        Preset used when ``result_or_p`` is a share.
    label : str, optional
        Name of the item in the title, default the share (``"55%"``).
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.barh`` (one call, one bar per row), e.g. ``color``, ``height``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per row; a dashed line at the reported share (``gid="reported"``) and a
        dotted one at 50% (``gid="threshold"``).

    Notes
    -----
    Each bias row is the sampling interval carried through the inverse of every mechanism
    undone so far (:meth:`surveystats.Scenario.apply`); the dot is the adjusted estimate. A
    house effect of unknown sign widens the interval without moving the estimate. This is a
    sensitivity analysis under stated assumptions, not a confidence interval for the truth.

    Examples
    --------
    >>> from surveystats.plotting import plot_error_budget
    >>> ax = plot_error_budget(0.55, 1600)
    >>> [t.get_text() for t in ax.get_yticklabels()][0]
    'stated ±2.5%'
    >>> len(ax.patches)
    7
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    res = _scenario_result(result_or_p, n, preset)
    m = float(check_positive("stated_margin", stated_margin))
    p_f = float(res.reported)
    samp = res.sampling
    rows: list[tuple[str, float, float, float]] = [
        (f"stated ±{st.points(m)}%", p_f, max(0.0, p_f - m), min(1.0, p_f + m)),
        (f"sampling at deff {float(samp.deff):g}", p_f, float(samp.low), float(samp.high)),
    ]
    steps = res.steps
    for _, row in steps.iloc[1:-1].iterrows():
        rows.append((_STEP_LABELS.get(str(row["mechanism"]), f"+ {row['mechanism']}"),
                     float(row["estimate"]), float(row["low"]), float(row["high"])))
    rows.append(("plausible range", float(res.estimate), float(res.low), float(res.high)))
    kinds = ["stated", "sampling"] + ["bias"] * (len(rows) - 3) + ["total"]
    colours = {"stated": st.PALETTE["sky_blue"], "sampling": st.PALETTE["blue"],
               "bias": st.PALETTE["orange"], "total": st.PALETTE["vermillion"]}
    name = label or st.pct(p_f)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        ys = -np.arange(len(rows), dtype=float)
        lows = np.array([r[2] for r in rows])
        highs = np.array([r[3] for r in rows])
        style: dict[str, Any] = {"height": 0.56, "color": [colours[k] for k in kinds],
                                 "alpha": 0.9}
        style.update(kwargs)
        ax.barh(ys, highs - lows, left=lows, **style)
        ax.plot([r[1] for r in rows], ys, "o", color=st.PALETTE["black"], markersize=4.5,
                zorder=4)
        for yv, (_, est, lo, hi) in zip(ys, rows, strict=True):
            ax.annotate(f"{100 * est:.1f}%  [{100 * lo:.1f}–{100 * hi:.1f}]", xy=(hi, yv),
                        xytext=(5, 0), textcoords="offset points", va="center", ha="left",
                        fontsize=8.5, color="#333333", zorder=5,
                        bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none"})
        rep = ax.axvline(p_f, color=st.PALETTE["black"], linestyle="--", linewidth=1.0)
        rep.set_gid("reported")
        lo_all, hi_all = float(min(lows.min(), 0.5)), float(max(highs.max(), 0.5))
        span = hi_all - lo_all
        ax.set_xlim(lo_all - 0.04 * span, hi_all + 0.30 * span)
        thr = ax.axvline(0.5, color=st.PALETTE["black"], linestyle=":", linewidth=1.2)
        thr.set_gid("threshold")
        ax.annotate("50%", xy=(0.5, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -2), textcoords="offset points", ha="left", va="top",
                    fontsize=8.5)
        ax.set_yticks(ys, [r[0] for r in rows])
        ax.tick_params(axis="y", length=0)
        ax.get_yticklabels()[-1].set_fontweight("bold")
        ax.set_ylim(ys[-1] - 0.6, 0.6)
        st.percent_axis(ax, "x")
        ax.set_xlabel(f"share of respondents, {100 * samp.confidence_level:g}% interval "
                      "carried through each bias (%)")
        title = (f"Under {res.scenario.name} biases the {name} becomes {st.pct(res.estimate)} "
                 f"[{100 * res.low:.1f}–{100 * res.high:.1f}%]")
        if p_f > 0.5 and res.high < 0.5:
            title += ": even the upper end is below 50%"
        elif p_f > 0.5 and res.low < 0.5:
            title += ": the majority is no longer assured"
        elif res.low > 0.5:
            title += ": still a majority"
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(float(samp.n), source))
    return ax


def plot_bias_analysis(
    result: Any,
    *,
    ax: Axes | None = None,
    reported: bool = True,
    bins: int = 60,
    label: str | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Distribution of the plausible true share from a probabilistic bias analysis.

    Parameters
    ----------
    result : BiasAnalysis
        From :func:`surveystats.probabilistic_bias_analysis`.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    reported : bool, default True
        Draw the reported share as a dashed vertical line (``gid="reported"``).
    bins : int, default 60
        Histogram bins over the range of the total-error draws.
    label : str, optional
        Name of the item in the title, default the share (``"70%"``).
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.hist`` for both histograms (systematic only, and systematic plus
        random error), e.g. ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        Two density histograms, the total-error simulation interval shaded
        (``gid="interval"``), and 50% marked (``gid="threshold"``) when in range.

    Notes
    -----
    The histogram is of draws under the priors: a distribution under assumptions, not a
    posterior for the truth. "Systematic" draws fix the reported share; "total" draws also
    sample it from its Jeffreys posterior at ``n_eff``.

    Examples
    --------
    >>> from surveystats import probabilistic_bias_analysis
    >>> from surveystats.bias import Uniform
    >>> from surveystats.plotting import plot_bias_analysis
    >>> res = probabilistic_bias_analysis(0.55, 1600, {"odds_ratio": Uniform(1.0, 1.42)},
    ...                                   deff=1.5, draws=5_000, rng=1)
    >>> ax = plot_bias_analysis(res)
    >>> type(ax).__name__
    'Axes'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    draws = result.draws
    total = draws["total"].to_numpy()
    systematic = draws["systematic"].to_numpy()
    lo, hi = result.interval
    below = float(np.mean(total < 0.5))
    name = label or st.pct(result.reported)
    edges = np.histogram_bin_edges(np.concatenate([total, systematic]), bins=bins)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="y")
        top = 1 / 1.32  # the strip above is left for the legend
        level = f"{100 * result.confidence_level:g}%"
        band = ax.axvspan(lo, hi, ymax=top, color=st.PALETTE["sky_blue"], alpha=0.18,
                          linewidth=0, label=f"{level} simulation interval, "
                                             f"{st.pct(lo)}–{st.pct(hi)}")
        band.set_gid("interval")
        style: dict[str, Any] = {"bins": edges, "density": True, "color": st.PALETTE["blue"],
                                 "alpha": 0.55, "label": "systematic + random error"}
        style.update(kwargs)
        heights, _, _ = ax.hist(total, **style)
        style2: dict[str, Any] = {"bins": edges, "density": True, "histtype": "step",
                                  "color": st.PALETTE["orange"], "linewidth": 1.8,
                                  "label": "systematic error only"}
        style2.update(kwargs)
        heights2, _, _ = ax.hist(systematic, **style2)
        ax.set_ylim(0.0, 1.32 * 1.03 * float(max(np.max(heights), np.max(heights2))))
        if reported:
            rep = ax.axvline(result.reported, ymax=top, color=st.PALETTE["black"],
                             linestyle="--", linewidth=1.2,
                             label=f"reported {st.pct(result.reported, None)}")
            rep.set_gid("reported")
        xmin, xmax = float(edges[0]), float(edges[-1])
        if reported:
            xmax = max(xmax, float(result.reported))
        pad = 0.05 * (xmax - xmin)
        ax.set_xlim(xmin - pad, xmax + pad)
        if xmin - pad <= 0.5 <= xmax + pad:
            thr = ax.axvline(0.5, ymax=top, color=st.PALETTE["vermillion"], linestyle=":",
                             linewidth=1.4, label="50%")
            thr.set_gid("threshold")
        st.percent_axis(ax, "x")
        ax.set_xlabel("plausible true share under the priors (%)")
        ax.set_ylabel("density")
        ax.legend(loc="upper left", fontsize=8.5, ncol=3, frameon=False, borderaxespad=0.2,
                  columnspacing=1.2, handlelength=1.6)
        title = (f"The {name} is plausibly {st.pct(result.median)} "
                 f"({st.pct(lo)}–{st.pct(hi)})")
        if below >= 0.005:
            title += f"; {100 * below:.0f}% of draws put it below 50%"
        else:
            title += "; no draw puts it below 50%"
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(result.n, source))
    return ax


def plot_poll_simulation(
    sim: Any,
    *,
    ax: Axes | None = None,
    bins: int = 50,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Histogram of simulated poll estimates against the true share.

    Parameters
    ----------
    sim : PollSimulation
        From :func:`surveystats.simulate_poll`.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    bins : int, default 50
    source : str, optional
        Source line under the chart; default names ``n`` and the number of polls.
    **kwargs
        Passed to ``ax.hist``, e.g. ``color``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        The histogram, the true share (``gid="true_p"``) and the mean estimate
        (``gid="mean_estimate"``) as vertical lines; the title gives the actual coverage of
        the nominal interval.

    Examples
    --------
    >>> from surveystats import simulate_poll
    >>> from surveystats.plotting import plot_poll_simulation
    >>> sim = simulate_poll(0.62, 1600, response_odds_ratio=1.42, polls=2_000, rng=1)
    >>> ax = plot_poll_simulation(sim)
    >>> "covers" in ax.get_title()
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    est = np.asarray(sim.estimates)
    lo_e, hi_e = float(est.min()), float(est.max())
    counts = est * sim.n
    if np.allclose(counts, np.round(counts), atol=1e-6) and hi_e > lo_e:
        # unweighted estimates sit on the lattice k / n: bins of whole multiples of 1 / n,
        # centred on it, avoid the comb of empty and double bins
        width = max(1, int(np.ceil((hi_e - lo_e) * sim.n / bins))) / sim.n
        edges: Any = np.arange(lo_e - width / 2, hi_e + width, width)
    else:
        edges = bins
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="y")
        style: dict[str, Any] = {"bins": edges, "color": st.PALETTE["blue"], "alpha": 0.75,
                                 "label": f"{sim.polls:,} simulated polls"}
        style.update(kwargs)
        ax.hist(est, **style)
        t = ax.axvline(sim.true_p, color=st.PALETTE["vermillion"], linewidth=2.0,
                       label=f"true share {st.pct(sim.true_p, 1)}")
        t.set_gid("true_p")
        mline = ax.axvline(sim.mean_estimate, color=st.PALETTE["black"], linestyle="--",
                           linewidth=1.2, label=f"mean reported {st.pct(sim.mean_estimate, 1)}")
        mline.set_gid("mean_estimate")
        lo = min(float(est.min()), sim.true_p)
        hi = max(float(est.max()), sim.true_p)
        pad = 0.05 * (hi - lo)
        ax.set_xlim(lo - pad, hi + pad)
        st.percent_axis(ax, "x")
        ax.set_xlabel("poll estimate (%)")
        ax.set_ylabel("number of polls")
        side = "upper right" if sim.true_p <= sim.mean_estimate else "upper left"
        st.legend(ax, loc=side, fontsize=8.5, framealpha=0.8)
        nominal = f"{100 * sim.confidence_level:g}%"
        only = "only " if sim.coverage < sim.confidence_level - 0.02 else ""
        hits = int(np.count_nonzero(sim.covers))
        if hits == 0:
            how = f"in none of {sim.polls:,} polls"
        elif hits < 0.001 * sim.polls:
            how = f"in only {hits:,} of {sim.polls:,} polls"
        else:
            how = f"in {only}{100 * sim.coverage:.1f}% of polls"
        st.set_title(ax, f"The nominal {nominal} interval covers the true "
                         f"{st.pct(sim.true_p, 1)} {how}; the polls report "
                         f"{st.pct(sim.mean_estimate, 1)} on average")
        st.add_source(ax, st.source_text(None, source) if source is not None
                      else f"Simulation: {sim.polls:,} polls of n = {sim.n:,}; "
                           "chart: surveystats")
    return ax
