"""Charts of what a share is a share of: Manski bounds, don't-know readings, nested bases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from surveystats._compare import NestedShares, nested_shares
from surveystats._validation import check_share
from surveystats.bias import DontKnow, default_range, manski_bounds
from surveystats.plotting import _style as st

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_dont_know", "plot_manski", "plot_nested_shares"]


def plot_manski(
    p: float,
    *,
    response_rates: Sequence[float] = (0.05, 0.1, 0.25, 0.5, 1.0),
    dont_know: float | None = None,
    ax: Axes | None = None,
    label: str | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Worst-case (Manski) bounds on the population share against the response rate.

    Parameters
    ----------
    p : float
        "Yes" share among respondents.
    response_rates : sequence of float, default (0.05, 0.1, 0.25, 0.5, 1.0)
        Response rates marked with their bounds (vertical segments, labelled).
    dont_know : float, optional
        Share answering "don't know". When given, an overlay at the right shows the
        don't-know reading at full response: every don't-know as "no" (``p``), as "yes"
        (``p + dont_know``), and the share among those with an opinion
        (``p / (1 - dont_know)``) as a diamond.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    label : str, optional
        Name of the item in the title, default the share (``"70%"``).
    source : str, optional
        Source line under the chart.
    **kwargs
        Passed to ``ax.fill_between`` (the band between the bounds), e.g. ``color``,
        ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        The band (``gid="manski"``), one vertical segment per response rate, the reported
        share (``gid="reported"``) and 50% (``gid="threshold"``) as horizontal lines.

    Notes
    -----
    ``[p r, p r + (1 - r)]`` (:func:`surveystats.bias.manski_bounds`): nonrespondents may all
    say "no" or all say "yes". At the response rates of Russian phone polls (5 to 25%) the
    bounds are nearly uninformative, which is the point: every narrower range rests on an
    assumption about the people who did not answer.

    Examples
    --------
    >>> from surveystats.plotting import plot_manski
    >>> ax = plot_manski(0.70, dont_know=0.19)
    >>> "7%" in ax.get_title() and "97%" in ax.get_title()
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from matplotlib.ticker import FixedLocator, NullLocator

    p_f = float(check_share("p", p))
    rates = np.sort(np.atleast_1d(np.asarray(response_rates, dtype=float)).ravel())
    if rates.size == 0:
        raise ValueError("response_rates is empty; give at least one rate in (0, 1]")
    manski_bounds(p_f, rates)  # validates the rates, naming the parameter
    dense = np.geomspace(float(rates.min()), 1.0, 200)
    low, high = manski_bounds(p_f, dense)
    name = label or st.pct(p_f)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="y")
        style: dict[str, Any] = {"color": st.PALETTE["sky_blue"], "alpha": 0.35,
                                 "linewidth": 0, "label": "possible share (Manski bounds)"}
        style.update(kwargs)
        band = ax.fill_between(dense, low, high, **style)
        band.set_gid("manski")
        r_low, r_high = manski_bounds(p_f, rates)
        ax.vlines(rates, r_low, r_high, color=st.PALETTE["blue"], linewidth=2.2)
        for r, lo, hi in zip(rates, np.atleast_1d(r_low), np.atleast_1d(r_high), strict=True):
            text = (f"{st.pct(lo)}–{st.pct(hi)}" if hi - lo > 1e-9 else st.pct(lo))
            ax.annotate(text, xy=(r, hi), xytext=(0, 4), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8.5, color=st.PALETTE["blue"])
        rep = ax.axhline(p_f, color=st.PALETTE["black"], linestyle="--", linewidth=1.1)
        rep.set_gid("reported")
        thr = ax.axhline(0.5, color=st.PALETTE["vermillion"], linestyle=":", linewidth=1.3)
        thr.set_gid("threshold")
        x_text = float(rates.min()) * 1.06
        close = abs(p_f - 0.5) < 0.08
        for yv, text, colour, below in (
                (p_f, f"reported {st.pct(p_f, None)}", st.PALETTE["black"], close and p_f < 0.5),
                (0.5, "50%", st.PALETTE["vermillion"], close and p_f >= 0.5)):
            if text == "50%" and abs(p_f - 0.5) < 1e-12:
                continue
            ax.annotate(text, xy=(x_text, yv), xytext=(0, -2 if below else 2),
                        textcoords="offset points", ha="left",
                        va="top" if below else "bottom", fontsize=8.5, color=colour)
        right = 1.0
        if dont_know is not None:
            dk = DontKnow(float(dont_know))
            dk_low, dk_high = (float(v) for v in dk.bounds(p_f))
            among = float(dk.among_opinion(p_f))
            x_dk = 1.45
            seg = ax.vlines([x_dk], [dk_low], [dk_high], color=st.PALETTE["reddish_purple"],
                            linewidth=5, label=f"{st.pct(dk.share)} “don't know” read as "
                                               "“no” … “yes”")
            seg.set_gid("dont_know")
            ax.plot([x_dk], [among], marker="D", color="white",
                    markeredgecolor=st.PALETTE["reddish_purple"], markeredgewidth=1.6,
                    markersize=6, linestyle="none", gid="among_opinion",
                    label=f"{st.pct(among)} among those with an opinion")
            ax.annotate(f"don't know\n{st.pct(float(dk_low))}–{st.pct(float(dk_high))}",
                        xy=(x_dk, float(dk_high)), xytext=(0, 4), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8.5,
                        color=st.PALETTE["reddish_purple"])
            right = 1.9
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FixedLocator(list(rates)))
        ax.xaxis.set_minor_locator(NullLocator())
        st.percent_axis(ax, "x")
        ax.set_xlim(float(rates.min()) / 1.25, right)
        ax.set_ylim(0.0, 1.12)
        ax.set_yticks(np.linspace(0, 1, 6))
        st.percent_axis(ax, "y")
        ax.set_xlabel("response rate (% of the sample who answered, log scale)")
        ax.set_ylabel("population share saying “yes” (%)")
        st.legend(ax, loc="lower right", fontsize=8.5)
        central = float(default_range("manski", "response_rate").central)
        r0 = central if np.any(np.isclose(rates, central)) else float(rates.min())
        b_lo, b_hi = manski_bounds(p_f, r0)
        st.set_title(ax, f"With no assumption about who did not answer, the {name} could be "
                         f"anything from {st.pct(float(b_lo))} to {st.pct(float(b_hi))} at a "
                         f"{st.pct(r0)} response rate")
        st.add_source(ax, st.source_text(None, source) if source is not None
                      else "Manski (2005) bounds; chart: surveystats")
    return ax


def plot_dont_know(
    p: float,
    dont_know: float,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Three readings of a share when some respondents said "don't know".

    Parameters
    ----------
    p : float
        "Yes" share of all respondents (0.70).
    dont_know : float
        "Don't know" share of all respondents (0.19).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    label : str, optional
        Name of the item in the title, default the share.
    source : str, optional
        Source line under the chart.
    **kwargs
        Passed to ``ax.barh`` for the three reading bars, e.g. ``color``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        The answers as one stacked bar ("yes", "don't know", "no"), then one bar per reading:
        every don't-know as "no", split like everyone else (the share among those with an
        opinion), every one as "yes"; 50% as a dotted line (``gid="threshold"``).

    Examples
    --------
    >>> from surveystats.plotting import plot_dont_know
    >>> ax = plot_dont_know(0.70, 0.19)
    >>> "86%" in ax.get_title()
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    p_f = float(check_share("p", p))
    dk = DontKnow(float(dont_know))
    lo, hi = (float(v) for v in dk.bounds(p_f))
    among = float(dk.among_opinion(p_f))
    no = float(dk.no_share(p_f))
    name = label or st.pct(p_f)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        parts = [("yes", p_f, st.PALETTE["blue"]),
                 ("don't know", dk.share, st.PALETTE["yellow"]),
                 ("no", no, st.PALETTE["vermillion"])]
        left = 0.0
        for text, width, colour in parts:
            ax.barh([3], [width], left=left, height=0.6, color=colour, alpha=0.9,
                    edgecolor="white")
            if width >= 0.06:
                ax.text(left + width / 2, 3, f"{text}\n{st.pct(width)}", ha="center",
                        va="center", fontsize=8.5,
                        color="white" if colour != st.PALETTE["yellow"] else "#222222")
            left += width
        readings = [("every “don't know”\nread as “no”", lo),
                    ("split like the rest\n(among those with an opinion)", among),
                    ("every “don't know”\nread as “yes”", hi)]
        ys = np.array([2.0, 1.0, 0.0])
        style: dict[str, Any] = {"height": 0.6, "color": st.PALETTE["bluish_green"],
                                 "alpha": 0.85}
        style.update(kwargs)
        ax.barh(ys, [v for _, v in readings], left=0.0, **style)
        for yv, (_, v) in zip(ys, readings, strict=True):
            ax.annotate(st.pct(v, 1 if 100 * v % 1 > 0.05 else 0), xy=(v, yv), xytext=(4, 0),
                        textcoords="offset points", va="center", ha="left", fontsize=9,
                        fontweight="bold")
        thr = ax.axvline(0.5, color=st.PALETTE["black"], linestyle=":", linewidth=1.2)
        thr.set_gid("threshold")
        ax.set_yticks([3.0, *ys], ["all respondents", *[t for t, _ in readings]])
        ax.tick_params(axis="y", length=0, labelsize=8.5)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(-0.6, 3.6)
        st.percent_axis(ax, "x")
        ax.set_xlabel("share saying “yes” (%)")
        st.set_title(ax, f"With {st.pct(dk.share)} “don't know”, the {name} is {st.pct(lo)} to "
                         f"{st.pct(hi)} of everyone, or {st.pct(among)} of those with an "
                         "opinion")
        st.add_source(ax, st.source_text(None, source))
    return ax


def _nested(result_or_args: Any) -> Any:
    if isinstance(result_or_args, NestedShares):
        return result_or_args
    if isinstance(result_or_args, Mapping):
        return nested_shares(**result_or_args)
    if isinstance(result_or_args, (tuple, list)):
        return nested_shares(*result_or_args)
    raise TypeError(
        f"result_or_args ({type(result_or_args).__name__}) must be a NestedShares, a tuple "
        "(reported, parent, n) or a dict of nested_shares arguments")


def plot_nested_shares(
    result_or_args: Any,
    *,
    ax: Axes | None = None,
    subgroup: str = "subgroup",
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """The two readings of a share with an ambiguous base, drawn on all respondents.

    Parameters
    ----------
    result_or_args : NestedShares, tuple or dict
        A :class:`surveystats.NestedShares`, or the arguments of
        :func:`surveystats.nested_shares` as a tuple ``(reported, parent, n)`` or a dict.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    subgroup : str, default "subgroup"
        What to call the subgroup (``"optimists"`` for the VTsIOM case).
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.barh`` for the two bars that show the share of all respondents under
        each reading, e.g. ``color``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        Per reading: a bar of all respondents (100%), the subgroup inside it, and the share
        of all respondents inside that, with its interval (``ax.containers`` holds the two
        errorbars).

    Notes
    -----
    Reading A: the reported share is of all respondents (so ``reported / parent`` of the
    subgroup). Reading B: it is of the subgroup (so ``reported x parent`` of all). The
    intervals come from :func:`surveystats.nested_shares`.

    Examples
    --------
    >>> from surveystats.plotting import plot_nested_shares
    >>> ax = plot_nested_shares((0.55, 0.70, 1600), subgroup="optimists")
    >>> "38.5%" in ax.get_title()
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ns = _nested(result_or_args)
    r, parent = float(ns.reported), float(ns.parent)
    a_all = ns.intervals["A: share of all"]
    b_all = ns.intervals["B: share of all"]
    a_sub = ns.intervals.get("A: share of subgroup")
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        ys = np.array([1.0, 0.0])
        ax.barh(ys, [1.0, 1.0], height=0.62, color="#EEEEEE", edgecolor=st.GREY,
                linewidth=0.6)
        ax.barh(ys, [parent, parent], height=0.62, color=st.PALETTE["sky_blue"], alpha=0.45,
                linewidth=0)
        values = np.array([float(a_all.estimate), float(b_all.estimate)])
        style: dict[str, Any] = {"height": 0.34,
                                 "color": [st.PALETTE["blue"], st.PALETTE["orange"]],
                                 "alpha": 0.95}
        style.update(kwargs)
        ax.barh(ys, values, **style)
        for yv, ci in zip(ys, (a_all, b_all), strict=True):
            est = float(ci.estimate)
            ax.errorbar([est], [yv], xerr=[[est - float(ci.low)], [float(ci.high) - est]],
                        fmt="none", ecolor=st.PALETTE["black"], elinewidth=1.4, capsize=4)
        ax.annotate(f"{subgroup} {st.pct(parent, None)}", xy=(parent, 1.31), xytext=(-4, 0),
                    textcoords="offset points", ha="right", va="bottom", fontsize=8.5,
                    color=st.PALETTE["blue"])
        ax.annotate(f"all respondents: 100% (n = {float(ns.n):,.0f})", xy=(1.0, -0.31),
                    xytext=(-4, -2), textcoords="offset points", ha="right", va="top",
                    fontsize=8.5, color=st.GREY)
        a_text = f"{st.pct(r, None)} of all"
        if a_sub is not None:
            a_text += f" = {st.pct(float(a_sub.estimate))} of the {subgroup}"
        ax.annotate(a_text, xy=(float(a_all.high), 1.0), xytext=(6, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=9,
                    fontweight="bold")
        b_text = f"{st.pct(r, None)} of the {subgroup} = {st.pct(float(b_all.estimate), 1)} of all"
        ax.annotate(b_text,
                    xy=(float(b_all.high), 0.0), xytext=(6, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=9, fontweight="bold")
        thr = ax.axvline(0.5, color=st.PALETTE["black"], linestyle=":", linewidth=1.2)
        thr.set_gid("threshold")
        ax.set_yticks(ys, [f"A: “{st.pct(r, None)}” of\nall respondents",
                           f"B: “{st.pct(r, None)}” of the\n{st.pct(parent, None)} {subgroup}"])
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(-0.62, 1.6)
        st.percent_axis(ax, "x")
        level = f"{100 * ns.confidence_level:g}%"
        ax.set_xlabel(f"share of all respondents (%), with {level} interval")
        st.set_title(ax, f"“{st.pct(r, None)}” is either {st.pct(r, None)} of all respondents or "
                         f"{st.pct(float(b_all.estimate), 1)} of them ({st.pct(r, None)} of the "
                         f"{st.pct(parent, None)} {subgroup}): the release does not say which")
        st.add_source(ax, st.source_text(float(ns.n), source))
    return ax
