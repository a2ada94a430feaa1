"""Charts of sampling error: interval methods, design effects, exact coverage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from surveystats._coverage import coverages
from surveystats._methods import MethodComparison, compare_methods
from surveystats._params import POSITIVE
from surveystats._planning import implied_deff, margin_of_error, required_sample_size
from surveystats._proportion import ProportionCI
from surveystats._validation import (
    check_confidence_level,
    check_positive,
    check_scalar,
    share_items,
)
from surveystats.bias._defaults import default_range
from surveystats.plotting import _style as st

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_coverage", "plot_deff_scenarios", "plot_intervals"]

_METHOD_NAMES = {
    "wald": "Wald",
    "wilson": "Wilson",
    "wilson_cc": "Wilson (cc)",
    "agresti_coull": "Agresti-Coull",
    "clopper_pearson": "Clopper-Pearson",
    "jeffreys": "Jeffreys",
    "logit": "logit",
    "arcsine": "arcsine",
    "likelihood_ratio": "likelihood ratio",
    "korn_graubard": "Korn-Graubard",
    "woodruff": "Woodruff",
}


def method_label(method: str) -> str:
    """Display name of an interval method (``"clopper_pearson"`` -> ``"Clopper-Pearson"``)."""
    return _METHOD_NAMES.get(method, method.replace("_", " "))


#: item name -> share (the one reader, shared with the core's tornado)
items_dict = share_items


def plot_intervals(
    ci_or_table: Any,
    *,
    ax: Axes | None = None,
    stated_margin: float | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Forest plot: interval methods side by side for each item.

    Parameters
    ----------
    ci_or_table : MethodComparison, ProportionCI or pandas.DataFrame
        A :class:`surveystats.MethodComparison` (from :func:`surveystats.compare_methods`),
        a :class:`surveystats.ProportionCI` (one or several items, one method), or a tidy
        table with columns ``item, method, estimate, low, high`` (one row per item and
        method), e.g. ``proportion_ci(...).to_frame()`` for each of
        :data:`surveystats.INTERVAL_METHODS`, concatenated with an ``item`` column. The last
        two are compared by :func:`surveystats.compare_methods`, whose numbers the title
        prints.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    stated_margin : float, optional
        The pollster's stated margin (0.025 for "2.5%"): drawn as a shaded band of
        ``estimate ± stated_margin`` behind each item's intervals. None draws no band.
    source : str, optional
        Source line under the chart; default names ``n`` when the table has it.
    **kwargs
        Passed to ``ax.errorbar`` (one call per item), e.g. ``color``, ``capsize``.

    Returns
    -------
    matplotlib.axes.Axes
        One ``ErrorbarContainer`` per item in ``ax.containers``; the stated-margin bands
        are collections with ``gid`` ``"stated_margin"``.

    Notes
    -----
    At the sample sizes of national polls the methods agree to a few tenths of a point; they
    differ near 0 and 1 and for small samples (see :func:`plot_coverage`). The band shows
    what the pollster's figure covers: sampling error at the stated design effect only.

    Examples
    --------
    >>> import pandas as pd
    >>> import surveystats as ss
    >>> from surveystats.plotting import plot_intervals
    >>> items = pd.Series({"successful_2026": 0.70, "smo_end_hope": 0.55})
    >>> table = pd.concat(
    ...     [ss.proportion_ci(items, 1600, method=m).to_frame().rename_axis("item")
    ...      .reset_index() for m in ss.INTERVAL_METHODS])
    >>> ax = plot_intervals(table, stated_margin=0.025)
    >>> len(ax.containers)
    2
    >>> type(ax).__name__
    'Axes'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if isinstance(ci_or_table, MethodComparison):
        cmp = ci_or_table
        if stated_margin is not None and stated_margin != cmp.stated_margin:
            raise ValueError(
                f"stated_margin ({stated_margin!r}) differs from the MethodComparison's "
                f"({cmp.stated_margin!r}); give it to compare_methods")
    elif isinstance(ci_or_table, (ProportionCI, pd.DataFrame)):
        cmp = compare_methods(ci_or_table, stated_margin=stated_margin)
    else:
        raise TypeError(
            f"ci_or_table ({type(ci_or_table).__name__}) must be a MethodComparison, a "
            "ProportionCI or a DataFrame with columns item, method, estimate, low, high; for "
            "shares, call compare_methods(p, n) first")
    stated_margin = cmp.stated_margin
    table = cmp.to_frame()
    items = list(cmp.items)
    methods = list(cmp.methods)
    centres = cmp.centres
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        y = 0.0
        ticks: list[float] = []
        labels: list[str] = []
        headings = []
        for i, item in enumerate(items):
            rows = table[table["item"] == item]
            rows = rows.set_index(rows["method"]).reindex(
                [m for m in methods if m in set(rows["method"])])
            est = rows["estimate"].to_numpy(dtype=float)
            low = rows["low"].to_numpy(dtype=float)
            high = rows["high"].to_numpy(dtype=float)
            header_y = y
            ys = y - 1.0 - np.arange(len(rows))
            center = float(centres[item])
            if stated_margin is not None:
                band = ax.fill_betweenx(
                    [header_y - 0.5, ys[-1] - 0.5], center - stated_margin,
                    center + stated_margin, color=st.PALETTE["sky_blue"], alpha=0.22,
                    linewidth=0, zorder=0.5,
                    label=f"stated margin ±{st.points(stated_margin)} points" if i == 0
                    else None)
                band.set_gid("stated_margin")
            style: dict[str, Any] = {
                "fmt": "o", "color": st.COLORS[i % len(st.COLORS)], "ecolor": None,
                "markersize": 4.5, "capsize": 2.5, "elinewidth": 1.6, "zorder": 3,
                "label": None,
            }
            style.update(kwargs)
            ax.errorbar(est, ys, xerr=np.vstack([est - low, high - est]), **style)
            headings.append(ax.annotate(
                f"{item}: {st.pct(center, None)}", xy=(center, header_y), ha="center",
                va="center", fontsize=9.5, fontweight="bold",
                color=st.COLORS[i % len(st.COLORS)]))
            ticks.extend(ys.tolist())
            labels.extend(method_label(m) for m in rows.index)
            y = ys[-1] - 1.6
        ax.set_yticks(ticks, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(y + 1.0, 0.6)
        lo = float(table["low"].min())
        hi = float(table["high"].max())
        if stated_margin is not None:
            lo = min(lo, float(table["estimate"].min()) - stated_margin)
            hi = max(hi, float(table["estimate"].max()) + stated_margin)
        pad = 0.08 * (hi - lo) + 1e-3
        ax.set_xlim(max(0.0, lo - pad), min(1.0, hi + pad))
        st.percent_axis(ax, "x")
        _keep_inside(ax, headings)
        ax.set_xlabel(f"share of respondents, {100 * cmp.confidence_level:g}% interval (%)")
        if stated_margin is not None:
            st.legend(ax, loc="lower right", handlelength=1.2)
        st.set_title(ax, _intervals_finding(cmp))
        st.add_source(ax, st.source_text(cmp.n, source))
    return ax


def _keep_inside(ax: Axes, headings: list[Any]) -> None:
    """Keep each item's heading inside the axes: wrapped to the axes' width, and moved from
    the centre of its intervals to the nearer edge where it would stick out.

    A heading moved to an edge needs no room from constrained layout and is left out of it:
    a text tied to the axes' edge that the layout made room for would move with the room.
    """
    width = st.axes_width_pt(ax)
    lo, hi = ax.get_xlim()
    for ann in headings:
        ann.set_text(st.wrap(ann.get_text(), width, 9.5, "bold"))
        half = 0.5 * st.text_width(ann.get_text(), 9.5, "bold") / width
        x, y = ann.xy
        at = (x - lo) / (hi - lo)
        if at - half < 0 or at + half > 1:
            edge, side = (lo, "left") if at - half < 0 else (hi, "right")
            ann.set_horizontalalignment(side)
            ann.xy = (edge, y)
            ann.set_position((edge, y))  # where the text is drawn
            ann.set_in_layout(False)


def _intervals_finding(cmp: MethodComparison) -> str:
    methods = cmp.methods
    k = len(methods)
    what = f"All {k} methods give" if k > 1 else f"The {method_label(methods[0])} interval gives"
    lo, hi = cmp.half_widths
    span = (f"±{st.points(lo)}" if st.points(lo) == st.points(hi)
            else f"±{st.points(lo)} to ±{st.points(hi)}")
    at_n = "" if cmp.n is None else f"at n = {cmp.n:,.0f} "
    if cmp.stated_margin is None:
        if k == 1:
            return f"{what} {span} points {at_n}".strip()
        return (f"{what} {span} points {at_n}and differ by at most {st.points(cmp.spread)} "
                "points: the choice of method hardly matters here")
    stated = f"±{st.points(cmp.stated_margin)}"
    if cmp.beyond_stated == 0:
        return (f"{what} {span} points {at_n}, inside the stated {stated}: the stated margin is "
                "sampling error alone").replace(" ,", ",")
    return (f"{cmp.beyond_stated} of {len(cmp.table)} intervals reach beyond the stated "
            f"{stated} points (half-widths {span[1:]})")


def plot_deff_scenarios(
    p: Any,
    n: float,
    *,
    ax: Axes | None = None,
    deff: Sequence[float] | np.ndarray | None = None,
    stated_margin: float | None = None,
    by: Literal["deff", "n"] = "deff",
    n_values: Sequence[float] | np.ndarray | None = None,
    confidence_level: float = 0.95,
    used: Any = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Margin of error against the design effect (or the sample size), one line per item.

    Parameters
    ----------
    p : float, dict of str to float, or Series
        Reported share(s), e.g. ``{"successful_2026": 0.70, "smo_end_hope": 0.55}``.
    n : float
        Nominal sample size of the poll.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    deff : array-like, optional
        ``by="deff"``: the x values, default ``np.linspace(1, 3, 81)``. ``by="n"``: the design
        effects drawn (one line style each), default ``(1.0, 1.5, 2.25)``, the sourced low,
        central and high values.
    stated_margin : float, optional
        The pollster's stated margin (0.025 for "2.5%"), drawn as a horizontal line; the
        design effect it implies (:func:`surveystats.implied_deff` at ``n`` and
        ``confidence_level``) is marked as a labelled vertical line. None (a poll that states
        no margin) draws neither; ``by="n"`` then asks what keeping the simple-random-sampling
        margin at ``n`` would take.
    by : {"deff", "n"}, default "deff"
        Horizontal axis: the design effect at the poll's ``n``, or the sample size (log scale)
        at each design effect in ``deff``, with ``n`` marked.
    n_values : array-like, optional
        ``by="n"``: sample sizes, default 121 values from ``n / 4`` to ``4 n``.
    confidence_level : float, default 0.95
        Two-sided confidence level of the margins drawn.
    used : float or dict of str to float, optional
        The design effect each item is analysed at (one for all, or by item as ``p`` names
        them), e.g. a report's rule of ``surveystats._poll.design_effects``. Default the
        sourced central value (1.5, ``default_range("design_effect", "deff")``).
        ``by="deff"``: marked on each item's line with its margin
        (``gid="used"``). ``by="n"``: drawn beside the sourced low and high (1 and 2.25);
        the title's sample size is at the widest item's.
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.plot`` for every item line, e.g. ``linewidth``.

    Returns
    -------
    matplotlib.axes.Axes
        With a stated margin, lines ``gid="stated_margin"`` (horizontal) and, for
        ``by="deff"``, ``gid="implied_deff"`` (vertical).

    Notes
    -----
    The margin is the Wald half-width ``z sqrt(deff p (1 - p) / n)`` of
    :func:`surveystats.margin_of_error`, what a pollster states. A stated margin that equals
    the simple-random-sampling margin (implied design effect near 1) allows nothing for
    weighting, although weighted phone polls usually have design effects of 1.1 to 1.7.

    Examples
    --------
    >>> from surveystats.plotting import plot_deff_scenarios
    >>> ax = plot_deff_scenarios({"successful_2026": 0.70, "smo_end_hope": 0.55}, 1600,
    ...                          stated_margin=0.025)
    >>> "1.04" in ax.get_title()
    True
    >>> ax = plot_deff_scenarios(0.55, 1600, by="n")
    >>> type(ax).__name__
    'Axes'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    items = items_dict(p)
    n_f = float(check_positive("n", n))
    if np.ndim(n) != 0:
        raise ValueError("n must be a single sample size for plot_deff_scenarios")
    m_stated = (None if stated_margin is None
                else float(check_positive("stated_margin", stated_margin)))
    cl = check_confidence_level(confidence_level)
    if by not in ("deff", "n"):
        raise ValueError(f"by ({by!r}) must be 'deff' or 'n'")
    worst = max(items, key=lambda k: items[k] * (1 - items[k]))
    sourced = default_range("design_effect", "deff")  # 1 / 1.5 / 2.25
    if used is None:
        at = dict.fromkeys(items, float(sourced.central))
    elif isinstance(used, Mapping):
        missing = [k for k in items if k not in used]
        if missing:
            raise ValueError(f"used names no design effect for item(s) {missing}; give one "
                             f"per item of p ({list(items)}) or one number for all")
        at = {k: check_scalar(f"used[{k!r}]", used[k], POSITIVE) for k in items}
    else:
        at = dict.fromkeys(items, check_scalar("used", used, POSITIVE))
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="y")
        handles: list[Any] = []
        if m_stated is not None:
            stated_line = ax.axhline(m_stated, color=st.PALETTE["black"], linestyle="--",
                                     linewidth=1.1, label=f"stated ±{st.points(m_stated)}%")
            stated_line.set_gid("stated_margin")
            handles.append(stated_line)
        if by == "deff":
            d = (np.linspace(1.0, 3.0, 81) if deff is None
                 else np.atleast_1d(check_positive("deff", deff)).ravel())
            top = max(items.values(), key=lambda v: v * (1 - v))
            for i, (name, share) in enumerate(items.items()):
                style: dict[str, Any] = {"color": st.COLORS[i % len(st.COLORS)],
                                         "label": f"{name} ({st.pct(share, None)})"}
                style.update(kwargs)
                ax.plot(d, margin_of_error(share, n_f, deff=d, confidence_level=cl), **style)
                u = at[name]
                if d.min() <= u <= d.max():
                    m15 = float(margin_of_error(share, n_f, deff=u, confidence_level=cl))
                    ax.plot([u], [m15], "o", color=style["color"], markersize=5, gid="used",
                            label="● the item's design effect" if i == 0 and used is not None
                            else None)
                    above = share == top
                    ax.annotate(f"±{st.points(m15)}", xy=(u, m15),
                                xytext=(-5, 5) if above else (6, -6),
                                textcoords="offset points", ha="right" if above else "left",
                                va="bottom" if above else "top", fontsize=8.5,
                                color=style["color"])
            ax.set_xlim(float(d.min()), float(d.max()))
            ax.set_xlabel("design effect (variance inflation, ×)")
            uw = at[worst]
            m15w = float(margin_of_error(items[worst], n_f, deff=uw, confidence_level=cl))
            if m_stated is not None:
                d0 = float(implied_deff(m_stated, n_f, confidence_level=cl))
                vline = ax.axvline(d0, color=st.GREY, linestyle=":", linewidth=1.4)
                vline.set_gid("implied_deff")
                ax.annotate(f"implied by the stated ±{st.points(m_stated)}%: deff {d0:.2f}",
                            xy=(d0, 1.0), xycoords=("data", "axes fraction"), xytext=(5, -4),
                            textcoords="offset points", ha="left", va="top", fontsize=8.5,
                            color=st.GREY)
                title = (f"The stated ±{st.points(m_stated)}% implies a design effect of "
                         f"{d0:.2f}")
                if d0 < 1.1:
                    title += ", no allowance for weighting"
                title += (f"; at {uw:g} the {st.pct(items[worst], None)} has "
                          f"±{st.points(m15w)} points")
            else:
                m1w = float(margin_of_error(items[worst], n_f, confidence_level=cl))
                title = (f"At n = {n_f:,.0f} the {st.pct(items[worst], None)} has "
                         f"±{st.points(m1w)} points by simple random sampling and "
                         f"±{st.points(m15w)} at design effect {uw:g}")
        else:
            if deff is not None:
                levels = tuple(np.atleast_1d(check_positive("deff", deff)).ravel())
            elif used is None:
                levels = (float(sourced.low), float(sourced.central), float(sourced.high))
            else:  # the items' design effects (the smallest and largest) beside the sourced
                # low and high
                levels = tuple(sorted({float(sourced.low), float(sourced.high),
                                       min(at.values()), max(at.values())}))
            if len(levels) > 4:
                raise ValueError(f"with by='n', deff gives the lines to draw ({len(levels)} "
                                 "values); pass at most 4, e.g. (1.0, 1.5, 2.25)")
            nv = (np.geomspace(n_f / 4, n_f * 4, 121) if n_values is None
                  else np.atleast_1d(check_positive("n_values", n_values)).ravel())
            from matplotlib.lines import Line2D

            dashes: list[Any] = ["-", "--", ":", "-."]
            for i, (name, share) in enumerate(items.items()):
                colour = st.COLORS[i % len(st.COLORS)]
                for j, level in enumerate(levels):
                    style = {"color": colour, "linestyle": dashes[j],
                             "label": f"{name} ({st.pct(share, None)}), deff {level:g}"}
                    style.update(kwargs)
                    ax.plot(nv, margin_of_error(share, nv, deff=level, confidence_level=cl),
                            **style)
                handles.append(Line2D([], [], color=style["color"],
                                      label=f"{name} ({st.pct(share, None)})"))
            handles.extend(Line2D([], [], color=st.GREY, linestyle=dashes[j],
                                  label=f"design effect {level:g}")
                           for j, level in enumerate(levels))
            nline = ax.axvline(n_f, color=st.GREY, linestyle=":", linewidth=1.4)
            nline.set_gid("poll_n")
            ax.annotate(f"this poll: n = {n_f:,.0f}", xy=(n_f, 0.0),
                        xycoords=("data", "axes fraction"), xytext=(5, 4),
                        textcoords="offset points", ha="left", va="bottom", fontsize=8.5,
                        color=st.GREY)
            ax.set_xscale("log")
            from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

            ticks = n_f * 2.0 ** np.arange(-6, 7)
            ticks = ticks[(ticks >= nv.min() * 0.999) & (ticks <= nv.max() * 1.001)]
            ax.xaxis.set_major_locator(FixedLocator(list(ticks)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xlim(float(nv.min()), float(nv.max()))
            ax.set_xlabel("nominal sample size (interviews, log scale)")
            mid = at[worst] if used is not None else levels[len(levels) // 2]
            target = (m_stated if m_stated is not None else
                      float(margin_of_error(items[worst], n_f, confidence_level=cl)))
            need = int(required_sample_size(target, p=items[worst], deff=mid,
                                            confidence_level=cl))
            keep = ("" if m_stated is not None else "the simple-random-sampling ")
            title = (f"Keeping {keep}±{st.points(target)}% at design effect {mid:g} takes "
                     f"{need:,} interviews for the {st.pct(items[worst], None)}, "
                     f"not {n_f:,.0f}")
            ax.set_ylim(bottom=0.0)
            st.legend(ax, handles=handles, loc="upper right", handlelength=2.4, ncol=2,
                      room="top")
        if by == "deff":
            ax.set_ylim(bottom=0.8 * min(m_stated or np.inf, float(np.min(
                [margin_of_error(v, n_f, deff=float(d.min()), confidence_level=cl)
                 for v in items.values()]))))
            st.legend(ax, loc="lower right", handlelength=2.2, room="bottom")
        st.percent_axis(ax, "y", decimals=1)
        ax.set_ylabel(f"margin of error at {100 * cl:g}% (±, %)")
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(n_f, source))
    return ax


def plot_coverage(
    n: float,
    *,
    methods: Sequence[str] = ("wald", "wilson", "clopper_pearson", "jeffreys", "agresti_coull"),
    ax: Axes | None = None,
    confidence_level: float = 0.95,
    p: Any = None,
    deff: float = 1.0,
    mark: Any = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Exact coverage of interval methods against the true share, with the nominal level.

    Parameters
    ----------
    n : float
        Nominal sample size.
    methods : sequence of str
        Interval methods (see :func:`surveystats.proportion_ci`).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    confidence_level : float, default 0.95
        Nominal level, drawn as a horizontal line (``gid="nominal"``).
    p : array-like, optional
        True shares; default the 999-point grid of :func:`surveystats.coverage`.
    deff : float, default 1.0
        Design effect (coverage at ``round(n / deff)`` binomial trials).
    mark : float, sequence or dict of str to float, optional
        Shares to mark with labelled vertical lines (``gid="mark"``), e.g. the headlines.
    source : str, optional
        Source line under the chart; default names ``n``.
    **kwargs
        Passed to ``ax.plot`` for every method's curve, e.g. ``linewidth``.

    Returns
    -------
    matplotlib.axes.Axes
        One line per method (labelled with its mean coverage) and the nominal line.

    Notes
    -----
    Coverage is computed exactly by binomial sums (Brown, Cai and DasGupta 2001): it
    oscillates with ``p`` because the count is discrete. The vertical axis starts at the
    lowest coverage (rounded down to 5%), at most 15 points below nominal and never below
    50%: Wald's coverage near 0 and 1 at small ``n`` falls off the chart.

    Examples
    --------
    >>> from surveystats.plotting import plot_coverage
    >>> ax = plot_coverage(50)
    >>> type(ax).__name__
    'Axes'
    >>> "Wald" in ax.get_title()
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    cl = check_confidence_level(confidence_level)
    n_f = float(check_positive("n", n))
    if not methods:
        raise ValueError("methods is empty; give at least one interval method")
    results = coverages(methods, n_f, p, deff=deff, confidence_level=cl)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="y")
        for i, res in enumerate(results):
            style: dict[str, Any] = {"color": st.COLORS[i % len(st.COLORS)], "linewidth": 0.9,
                                     "label": f"{method_label(res.method)} "
                                              f"(mean {100 * res.mean:.1f}%)"}
            style.update(kwargs)
            ax.plot(res.p, res.coverage, **style)
        nominal = ax.axhline(cl, color=st.PALETTE["black"], linestyle="--", linewidth=1.2,
                             label=f"nominal {100 * cl:g}%")
        nominal.set_gid("nominal")
        for text, share in (items_dict(mark).items() if mark is not None else ()):
            line = ax.axvline(share, color=st.GREY, linestyle=":", linewidth=1.1)
            line.set_gid("mark")
            ax.annotate(text, xy=(share, 0.3), xycoords=("data", "axes fraction"),
                        xytext=(3, 0), textcoords="offset points", ha="left", va="bottom",
                        fontsize=8.5, color=st.GREY, rotation=90)
        ax.set_xlim(0.0, 1.0)
        from matplotlib.ticker import MultipleLocator

        floor = np.floor(min(r.minimum for r in results) * 20) / 20
        ax.set_ylim(max(0.5, min(cl - 0.15, floor)), 1.0)
        ax.yaxis.set_major_locator(MultipleLocator(0.05))
        st.percent_axis(ax, "x")
        st.percent_axis(ax, "y")
        ax.set_xlabel("true share (%)")
        ax.set_ylabel("coverage probability (%)")
        st.legend(ax, loc="lower center", ncol=3, fontsize=8.5, handlelength=1.6,
                  framealpha=0.9)
        worst = min(results, key=lambda r: r.mean)
        best = min(results, key=lambda r: abs(r.mean - cl))
        size = f"n = {n_f:,.0f}" + (f" (deff {deff:g})" if deff != 1 else "")
        if worst.mean < cl - 0.01:
            title = (f"At {size} the {method_label(worst.method)} interval covers "
                     f"{100 * worst.mean:.1f}% on average, not {100 * cl:g}%; "
                     f"{method_label(best.method)} averages {100 * best.mean:.1f}%")
        else:
            low = min(results, key=lambda r: r.minimum)
            where = low.p[int(np.argmin(low.coverage))]
            title = f"At {size} every method averages {100 * worst.mean:.1f}% or more"
            if low.minimum < cl - 0.02:
                # coverage is symmetric in p <-> 1 - p for these methods
                both = low.p.min() < 0.05 and low.p.max() > 0.95
                near = "0% and 100%" if both else ("0%" if where < 0.5 else "100%")
                title += (f"; only near {near} does {method_label(low.method)} fall, "
                          f"to {100 * low.minimum:.0f}%")
        st.set_title(ax, title)
        st.add_source(ax, st.source_text(None, source) if source is not None
                      else f"Exact binomial coverage, {size}; chart: surveystats")
    return ax
