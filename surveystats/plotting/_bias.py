"""Charts of non-sampling error: tornado, sensitivity map, error budget, bias analysis,
simulated polls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from surveystats._sensitivity import (
    ErrorBudget,
    SensitivityMap,
    Tornado,
    axis_label,
    bias_tornado,
    error_budget,
    percent_scale,
    sensitivity_map,
)
from surveystats._tipping import TippingPoint
from surveystats.bias import _pipeline, _spec
from surveystats.plotting import _style as st

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "plot_bias_analysis",
    "plot_bias_tornado",
    "plot_error_budget",
    "plot_poll_simulation",
    "plot_sensitivity_map",
    "plot_tipping_point",
]

def plot_bias_tornado(
    result_or_p: Any,
    n: float | None = None,
    *,
    ax: Axes | None = None,
    ranges: Mapping[str, Any] | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Tornado chart: how far each mechanism moves each headline.

    Each mechanism goes from its low to its high default.

    Parameters
    ----------
    result_or_p : Tornado, or float, dict of str to float, or Series
        A :class:`surveystats.Tornado` from :func:`surveystats.bias_tornado`, or reported
        share(s), with ``n``, for which it is computed here.
    n : float, optional
        Nominal sample size, when ``result_or_p`` holds shares.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    ranges : mapping, optional
        Passed to :func:`surveystats.bias_tornado` when ``result_or_p`` holds shares.
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.barh`` (one call per item), e.g. ``color``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per mechanism and item (``Tornado.to_frame()``'s ``low`` and ``high``),
        sorted by size (largest on top); each item's reported share is a dashed vertical line
        (``gid="reported"``), 50% a dotted one (``gid="threshold"``).

    Notes
    -----
    One mechanism at a time, the others off: the bars show sensitivity, not a combined
    scenario (see :func:`plot_error_budget`). The data-defect ρ and the nonresponse odds
    ratio describe the same selection and should not be added up.

    Examples
    --------
    >>> from surveystats import bias_tornado
    >>> from surveystats.plotting import plot_bias_tornado
    >>> ax = plot_bias_tornado(bias_tornado({"a": 0.70, "b": 0.55}, 1600))
    >>> len(ax.patches)
    12
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if isinstance(result_or_p, Tornado):
        if n is not None or ranges is not None:
            raise ValueError("n and ranges are taken from the Tornado; do not pass them")
        tor = result_or_p
    else:
        if n is None:
            raise ValueError("n is required when result_or_p holds shares, e.g. "
                             "plot_bias_tornado({'a': 0.6}, 1000)")
        tor = bias_tornado(result_or_p, n, ranges=ranges)
    spans = tor.to_frame()
    items = tor.items
    order = tor.order  # smallest first: at the bottom
    k_items = len(items)
    height = 0.8 / k_items
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        for j, (name, share) in enumerate(items.items()):
            color = st.COLORS[j % len(st.COLORS)]
            offset = ((k_items - 1) / 2 - j) * height
            ys = np.arange(len(order)) + offset
            rows = spans[spans["item"] == name].set_index("mechanism").loc[list(order)]
            lows, highs = rows["low"].to_numpy(), rows["high"].to_numpy()
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
        ax.set_yticks(np.arange(len(order)), [tor.label(k) for k in order])
        ax.tick_params(axis="y", length=0, labelsize=8.5)
        ax.set_ylim(-1.25, len(order) - 0.4)  # an empty strip at the bottom for the legend
        lo_all, hi_all = float(spans["low"].min()), float(spans["high"].max())
        pad = 0.04 * (hi_all - lo_all)
        ax.set_xlim(min(lo_all, 0.5) - pad, max(hi_all, 0.5) + pad)
        st.percent_axis(ax, "x")
        ax.set_xlabel("true share implied, one mechanism at a time (%)")
        st.legend(ax, loc="lower center", handlelength=1.2, ncol=k_items, borderaxespad=0.2,
                  columnspacing=1.5, room="bottom")
        top = tor.largest
        title = (f"{tor.label(top).split(chr(10))[0].capitalize()} "
                 f"moves the headlines most: up to {100 * tor.move(top):.0f} points")
        if "design_effect" in tor.settings and top != "design_effect":
            w = 0.5 * float(spans.loc[spans["mechanism"] == "design_effect", "span"].max())
            title += (f", against ±{st.points(w)} for sampling error at design effect "
                      f"{max(tor.settings['design_effect']):g}")
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(tor.n, source))
    return ax


def _map_phrase(name: str, value: float) -> str:
    if name == "odds_ratio":
        return f"an odds ratio of {value:.2f}"
    if name == "falsification":
        return f"{100 * value:.0f}% of “no” holders saying “yes”"
    if name == "reverse_falsification":
        return f"{100 * value:.0f}% of “yes” holders saying “no”"
    if name == "rho":
        return f"ρ = {value:.3f}"
    if name == "response_rate":
        return f"a response rate of {100 * value:.0f}%"
    if name == "uncovered_share":
        return f"{100 * value:.0f}% outside the frame"
    if name == "coverage_difference":
        return f"a {100 * abs(value):.0f}-point coverage gap"
    if name == "dont_know":
        return f"{100 * value:.0f}% don't know"
    return f"a house effect of {100 * value:+.1f} points"


def plot_sensitivity_map(
    result_or_p: Any,
    n: float | None = None,
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
    result_or_p : SensitivityMap or float
        A :class:`surveystats.SensitivityMap` from :func:`surveystats.sensitivity_map`, or a
        reported share, with ``n``, for which it is computed here (with ``x``, ``y``,
        ``x_values``, ``y_values``, ``threshold`` and ``fixed``; see that function).
    n : float, optional
        Nominal sample size, when ``result_or_p`` is a share.
    x, y, x_values, y_values, threshold : optional
        Passed to :func:`surveystats.sensitivity_map` when ``result_or_p`` is a share.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    fixed : mapping of str to float, optional
        Passed to :func:`surveystats.sensitivity_map` when ``result_or_p`` is a share.
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
        The filled contours of ``estimate``, the threshold contour (``gid="threshold"``, the
        result's ``contour`` points) with its label, and the central default values marked
        (``gid="central"``). The title names each parameter's tipping point alone.

    Notes
    -----
    Each cell undoes the biases in the pipeline's order (see :func:`surveystats.scenario_grid`);
    cells where no true share produces the reported one are left blank. The map shows the
    point estimate only; the sampling interval adds its margin on top.

    Examples
    --------
    >>> from surveystats import sensitivity_map
    >>> from surveystats.plotting import plot_sensitivity_map
    >>> ax = plot_sensitivity_map(sensitivity_map(0.55, 1600))
    >>> [t.get_text() for t in ax.texts if "majority" in t.get_text()][:1]
    ['50%: majority lost']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from matplotlib.colors import Normalize, TwoSlopeNorm
    from matplotlib.ticker import PercentFormatter

    if isinstance(result_or_p, SensitivityMap):
        given = {"n": n, "x_values": x_values, "y_values": y_values, "fixed": fixed}
        extra = [k for k, v in given.items() if v is not None]
        extra += [k for k, v, d in (("x", x, "odds_ratio"), ("y", y, "falsification"),
                                     ("threshold", threshold, 0.5)) if v != d]
        if extra:
            raise ValueError(f"{', '.join(extra)} are taken from the SensitivityMap; do not "
                             "pass them")
        res = result_or_p
    else:
        if n is None:
            raise ValueError("n is required when result_or_p is a share, e.g. "
                             "plot_sensitivity_map(0.55, 1000)")
        res = sensitivity_map(result_or_p, n, x=x, y=y, x_values=x_values,
                              y_values=y_values, threshold=threshold, fixed=fixed)
    xn, yn, thr = res.x, res.y, res.threshold
    xv, yv, z = res.x_values, res.y_values, res.estimate
    xc, yc = res.central[xn], res.central[yn]
    zmin, zmax = float(np.nanmin(z)), float(np.nanmax(z))
    name = label or st.pct(res.reported)
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
        text = st.pct(thr)
        if thr == 0.5:
            text += ": majority lost" if res.reported > thr else ": majority reached"
        contour = res.contour
        if len(contour):
            cx, cy = contour["x"].to_numpy(), contour["y"].to_numpy()
            ax.plot(cx, cy, color=st.PALETTE["black"], linewidth=2.0, gid="threshold")
            mid = len(cx) // 2
            ax.annotate(text, xy=(float(cx[mid]), float(cy[mid])), xytext=(6, 6),
                        textcoords="offset points", fontsize=9, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                              "alpha": 0.8})
        ax.plot([xc], [yc], marker="o", markersize=8, color="white",
                markeredgecolor=st.PALETTE["black"], markeredgewidth=1.5, linestyle="none",
                gid="central")
        point = ("central defaults" if res.centred_on is None
                 else f"{res.centred_on} scenario")
        ax.annotate(f"{point}: {st.pct(res.central_estimate)}", xy=(xc, yc),
                    xytext=(8, 6), textcoords="offset points", fontsize=9, fontweight="bold",
                    color=st.PALETTE["black"],
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                          "alpha": 0.8})
        ax.set_xlim(float(xv.min()), float(xv.max()))
        ax.set_ylim(float(yv.min()), float(yv.max()))
        ax.set_xlabel(axis_label(xn))
        ax.set_ylabel(axis_label(yn))
        for which, name_, values in (("x", xn, xv), ("y", yn, yv)):
            if percent_scale(name_):  # whole percentages, or tenths on a narrow axis
                span = float(values.max() - values.min())
                st.percent_axis(ax, which, decimals=0 if span >= 0.05 else 1)
        ax.tick_params(axis="both", length=3)
        below = "falls below" if res.reported > thr else "rises above"
        clauses = [_map_phrase(nm, v) for nm, v in res.tipping.items() if v is not None]
        if len(clauses) == 2:
            title = f"The {name} {below} {st.pct(thr)} with either {clauses[0]} or {clauses[1]}"
        elif clauses:
            title = f"The {name} {below} {st.pct(thr)} with {clauses[0]} alone"
        else:
            title = f"The {name} does not cross {st.pct(thr)} with either parameter alone"
        if res.centred_on is None:
            title += f"; the central defaults give {st.pct(res.central_estimate)}"
        else:
            title = (title.replace(" alone", "")
                     + f", the {res.centred_on} scenario's other biases held; that scenario "
                     f"gives {st.pct(res.central_estimate)}")
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(res.n, source))
    return ax


def plot_error_budget(
    result_or_p: Any,
    n: float | None = None,
    *,
    ax: Axes | None = None,
    stated_margin: float | None = None,
    preset: str = "plausible",
    deff: float | None = None,
    label: str | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Stacked uncertainty for one item: from the stated margin to the plausible range.

    Rows, top to bottom (``ErrorBudget.to_frame()``): the stated margin, when one is given;
    the sampling interval at the scenario's design effect; the interval after undoing each
    bias in turn; the plausible range.

    Parameters
    ----------
    result_or_p : ErrorBudget, ScenarioResult or float
        An :class:`surveystats.ErrorBudget` from :func:`surveystats.error_budget`, or what
        that function takes (a ``ScenarioResult``, or a reported share with ``n``), with
        ``stated_margin``, ``preset`` and ``deff``.
    n : float, optional
        Nominal sample size, when ``result_or_p`` is a share.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    stated_margin, preset, deff : optional
        Passed to :func:`surveystats.error_budget` when ``result_or_p`` is not an
        ``ErrorBudget``. No stated margin is drawn unless one is given.
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
    >>> from surveystats import error_budget
    >>> from surveystats.plotting import plot_error_budget
    >>> ax = plot_error_budget(error_budget(0.55, 1600, stated_margin=0.025))
    >>> [t.get_text() for t in ax.get_yticklabels()][0]
    'stated ±2.5%'
    >>> len(ax.patches)
    7
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if isinstance(result_or_p, ErrorBudget):
        if n is not None or stated_margin is not None or deff is not None:
            raise ValueError("n, stated_margin and deff are taken from the ErrorBudget; do "
                             "not pass them")
        budget = result_or_p
    else:
        budget = error_budget(result_or_p, n, preset=preset, deff=deff,
                              stated_margin=stated_margin)
    res = budget.scenario
    frame = budget.to_frame()
    p_f = float(res.reported)
    samp = res.sampling
    colours = {"stated": st.PALETTE["sky_blue"], "sampling": st.PALETTE["blue"],
               "bias": st.PALETTE["orange"], "total": st.PALETTE["vermillion"]}
    name = label or st.pct(p_f)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        ys = -np.arange(len(frame), dtype=float)
        lows, highs = frame["low"].to_numpy(), frame["high"].to_numpy()
        ests = frame["estimate"].to_numpy()
        style: dict[str, Any] = {"height": 0.56,
                                 "color": [colours[k] for k in frame["kind"]], "alpha": 0.9}
        style.update(kwargs)
        ax.barh(ys, highs - lows, left=lows, **style)
        ax.plot(ests, ys, "o", color=st.PALETTE["black"], markersize=4.5, zorder=4)
        for yv, est, lo, hi in zip(ys, ests, lows, highs, strict=True):
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
        ax.set_yticks(ys, list(frame["row"]))
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
    plausible: Any = None,
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
    plausible : ScenarioResult or float, optional
        A scenario's adjusted share (e.g. ``Scenario.preset("plausible").apply(...)``) to
        draw beside the distribution (``gid="plausible"``), so the chart and the error budget
        show the same plausible value.
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
    below = result.share_below(0.5)
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
        if plausible is not None:
            value = float(getattr(plausible, "estimate", plausible))
            name_p = getattr(getattr(plausible, "scenario", None), "name", "scenario")
            pl = ax.axvline(value, ymax=top, color=st.PALETTE["bluish_green"], linewidth=1.8,
                            label=f"{name_p} scenario {st.pct(value)}")
            pl.set_gid("plausible")
            xmin, xmax = min(xmin, value), max(xmax, value)
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
        title = (f"Under the priors the {name} has median {st.pct(result.median)} "
                 f"({st.pct(lo)}–{st.pct(hi)})")
        if below >= 0.005:
            title += f"; {100 * below:.0f}% of draws put it below 50%"
        else:
            title += "; no draw puts it below 50%"
        title += _directions_clause(result.directions())
        total_draws = result.discarded + len(result.draws)
        if result.discarded > 0.5 * total_draws:
            title += (f"; {100 * result.discarded / total_draws:.0f}% of draws were impossible "
                      "for this share and dropped: the priors do not fit it")
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(result.n, source))
    return ax


def _simulation_assumptions(sim: Any) -> str:
    """The simulated biases, for the title: a coverage claim means nothing without them."""
    parts = []
    if sim.response_odds_ratio != 1.0:
        parts.append(f"“yes” holders {sim.response_odds_ratio:g}× as likely to respond")
    if sim.uncovered_share:
        parts.append(f"{100 * sim.uncovered_share:g}% outside the frame, "
                     f"{100 * sim.uncovered_difference:+g} points")
    if sim.falsification or sim.reverse_falsification:
        parts.append(f"falsification {100 * sim.falsification:g}% / "
                     f"{100 * sim.reverse_falsification:g}%")
    if sim.weighting_group_share is not None:
        parts.append("post-stratified")
    if sim.deff != 1.0:
        parts.append(f"design effect {sim.deff:g}")
    return f" (if {', '.join(parts)})" if parts else " (no bias simulated)"


def _directions_clause(directions: Mapping[str, str]) -> str:
    """What the priors assume about the sign of each bias, for a chart's title."""
    moving = {k: v for k, v in directions.items() if v != "none"}
    if not moving:
        return ""
    if all(v == "down" for v in moving.values()):
        return ": every prior can only lower it (the sign of each bias is assumed)"
    if all(v == "up" for v in moving.values()):
        return ": every prior can only raise it (the sign of each bias is assumed)"
    one_way = [k.replace("_", " ") for k, v in moving.items() if v != "both"]
    if not one_way:
        return ""
    return f" ({', '.join(one_way)} assumed to push one way only)"


def plot_poll_simulation(
    sim: Any,
    *,
    ax: Axes | None = None,
    bins: int = 50,
    label: str | None = None,
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
        About this many histogram bins over the estimates' range; for unweighted
        estimates (counts over ``n``) whole multiples of ``1 / n`` wide.
    label : str, optional
        What is polled, for the title (e.g. the item's question); default none.
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
        hits = round(sim.coverage * sim.polls)
        if hits == 0:
            how = f"in none of {sim.polls:,} polls"
        elif hits < 0.001 * sim.polls:
            how = f"in only {hits:,} of {sim.polls:,} polls"
        else:
            how = f"in {only}{100 * sim.coverage:.1f}% of polls"
        what = f" for {label}" if label else ""
        st.set_title(ax, f"The nominal {nominal} interval{what} covers the true "
                         f"{st.pct(sim.true_p, 1)} {how}; the polls report "
                         f"{st.pct(sim.mean_estimate, 1)} on average"
                         + _simulation_assumptions(sim))
        st.add_source(ax, st.source_text(None, source) if source is not None
                      else f"Simulation: {sim.polls:,} polls of n = {sim.n:,}; "
                           "chart: surveystats")
    return ax


def plot_tipping_point(
    result: Any,
    *,
    ax: Axes | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """The adjusted share as one bias parameter moves from "no bias" past its tipping value.

    Parameters
    ----------
    result : TippingPoint
        From :func:`surveystats.tipping_point`.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    source : str, optional
        Source line under the chart.
    **kwargs
        Passed to ``ax.plot`` for the curve, e.g. ``color``, ``linewidth``.

    Returns
    -------
    matplotlib.axes.Axes
        The adjusted share against the parameter (a line, ``gid="adjusted"``; the other
        parameters held at ``result.fixed``), the threshold (a dotted horizontal line,
        ``gid="threshold"``), the share at no bias (a point, ``gid="start"``) and, when a
        tipping value was found, a dashed vertical line at it (``gid="tipping"``). The
        parameter runs from its neutral value to 1.6 times as far as the tipping value (on
        the log scale for an odds ratio), or over a wide range when nothing crosses.

    Notes
    -----
    The curve answers the question the tipping value alone does not: how fast the headline
    moves as the bias grows. A flat curve near the threshold means a small bias changes the
    conclusion; a steep one that only an implausibly large bias does. Read the tipping value
    against the sourced ranges of :func:`surveystats.bias.default_range` (the tornado and
    the error budget show them).

    Examples
    --------
    >>> from surveystats import tipping_point
    >>> from surveystats.plotting import plot_tipping_point
    >>> ax = plot_tipping_point(tipping_point(0.55, "falsification"))
    >>> [line.get_gid() for line in ax.lines]
    ['adjusted', 'threshold', 'start', 'tipping']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if not isinstance(result, TippingPoint):
        raise TypeError(f"result must be a TippingPoint from surveystats.tipping_point(); "
                        f"got {type(result).__name__}")
    spec = _spec.parameter(result.parameter)
    neutral = spec.neutral
    lo, hi = result.domain
    if result.value is not None:
        v = result.value
        if spec.log_scale:
            a, b = sorted((neutral, neutral * (v / neutral) ** 1.6))
        else:
            a, b = sorted((neutral, neutral + 1.6 * (v - neutral)))
    elif spec.log_scale:
        a, b = neutral / 10.0, neutral * 10.0
    else:
        a, b = lo, hi
    a, b = max(a, lo), min(b, hi)
    grid = np.geomspace(a, b, 400) if spec.log_scale else np.linspace(a, b, 400)
    params = {**{k: np.float64(x) for k, x in result.fixed.items()}, result.parameter: grid}
    with np.errstate(all="ignore"):
        share = _pipeline.adjust(np.full(grid.shape, result.start), params)
    percent_x = percent_scale(result.parameter)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="both")
        style: dict[str, Any] = {"color": st.COLORS[0], "linewidth": 2.0}
        style.update(kwargs)
        (curve,) = ax.plot(grid, share, **style)
        curve.set_gid("adjusted")
        thr = ax.axhline(result.threshold, color=st.PALETTE["black"], linestyle=":",
                         linewidth=1.2, zorder=3)
        thr.set_gid("threshold")
        if a <= neutral <= b:
            (dot,) = ax.plot([neutral], [result.start], "o", color=st.COLORS[0], zorder=4)
            dot.set_gid("start")
            at_right = neutral >= b  # the curve runs to the left of "no bias"
            ax.annotate(f"no bias: {st.pct(result.start, 1)}", xy=(neutral, result.start),
                        xytext=(-6 if at_right else 6, 6), textcoords="offset points",
                        ha="right" if at_right else "left", fontsize=8.5)
        if result.value is not None:
            tip = ax.axvline(result.value, color=st.PALETTE["black"], linestyle="--",
                             linewidth=1.1, zorder=3)
            tip.set_gid("tipping")
            shown = (f"{st.points(result.value)} points" if spec.unit == "proportion"
                     else st.pct(result.value, 1) if percent_x else f"{result.value:.3g}")
            ax.annotate(f"tipping point: {shown}", xy=(result.value, result.threshold),
                        xytext=(6, -14), textcoords="offset points", fontsize=8.5)
            moves = "falls" if result.threshold < result.start else "rises"
            title = (f"{st.pct(result.start, 1)} {moves} to {st.pct(result.threshold)} "
                     f"with {_map_phrase(result.parameter, result.value)}")
        else:
            title = (f"No {spec.label} takes {st.pct(result.start, 1)} to "
                     f"{st.pct(result.threshold)}")
        if spec.log_scale and b / a > 10.0:
            from matplotlib.ticker import FuncFormatter, NullFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        elif percent_x:
            st.percent_axis(ax, "x")
        st.percent_axis(ax, "y", decimals=None)
        ax.set_xlabel(axis_label(result.parameter))
        ax.set_ylabel(f"adjusted share ({result.bound}) (%)")
        held = ", ".join(f"{k} = {x:g}" for k, x in result.fixed.items())
        st.set_title(ax, title)
        default = (f"Mechanism: {result.mechanism}" + (f" ({held} held)" if held else "")
                   + "; chart: surveystats")
        st.add_source(ax, source if source is not None else default)
    return ax
