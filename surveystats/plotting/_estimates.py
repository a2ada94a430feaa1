"""Charts of design-based estimates: each row's point and interval, titled with its question."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveystats._validation import _short, check_confidence_level
from surveystats.design import DesignEstimate
from surveystats.plotting import _style as st
from surveystats.plotting._intervals import method_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_design_estimate"]

#: longest line of a question text used as the title, in characters
TITLE_CHARS = 60

_STATISTICS = {"mean": "Mean", "total": "Total", "proportion": "Proportion",
               "ratio": "Ratio", "quantile": "Quantile", "contrast": "Contrast"}


def plot_design_estimate(
    estimate: DesignEstimate,
    *,
    ax: Axes | None = None,
    confidence_level: float = 0.95,
    method: str | None = None,
    source: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Each row of a design-based estimate as a point with its confidence interval.

    The chart of a :class:`surveystats.design.DesignEstimate`: one horizontal line per row
    (a domain of ``by=``, a category of a proportion, a variable, or a combination of
    these), from the interval's low to its high end, with the estimate as a dot on it. The
    title is the question as it was asked, when the data came from a labelled file
    (:func:`surveystats.read_spss`, :func:`surveystats.read_stata`), so the chart says
    what was measured in the respondents' words.

    Parameters
    ----------
    estimate : DesignEstimate
        From :class:`surveystats.design.SurveyDesign` (or ``ReplicateDesign``) ``.mean``,
        ``.total``, ``.proportion``, ``.ratio``, ``.quantile``, or a ``.contrast()``.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current axes (``plt.gca()``).
    confidence_level : float, default 0.95
        Two-sided level in (0, 1) of the intervals drawn.
    method : str, optional
        Interval method, as
        :meth:`DesignEstimate.confint <surveystats.design.DesignEstimate.confint>` takes it
        (proportions: default the one the estimate was made with; means, totals, ratios:
        ``"wald"``).
    source : str, optional
        End of the note under the chart; default ``"chart: surveystats"``.
    **kwargs
        Passed to ``ax.plot`` for the points (one call per variable), e.g. ``color``,
        ``marker``, ``markersize``; the intervals take the points' colour.

    Returns
    -------
    matplotlib.axes.Axes
        Rows from top to bottom in the order of ``estimate.to_frame()`` (ordered
        categoricals, as a labelled file gives them, in their category order), at y = 0,
        1, ... with the y axis inverted. For each variable, one ``Line2D`` of points
        (``gid="estimate"``) at the estimates and one ``LineCollection`` of horizontal
        segments (``gid="interval"``) from ``low`` to ``high`` of
        :meth:`DesignEstimate.confint <surveystats.design.DesignEstimate.confint>`. The note
        under the chart is an annotation with ``gid="source"``.

    Notes
    -----
    **Title.** One estimated variable: its question text from ``estimate.labels``, wrapped
    into lines of at most 60 characters (fewer on narrow axes); without a question text,
    the variable's name. Several variables: their names, and each one's question text on a
    line of the note (``name: question``), because row labels as long as questions would
    leave no room for the intervals.

    **Row labels.** The domain (``"female"``; ``"female, 18-34"`` for several ``by``
    columns), then the variable (when there are several) and the category or quantile
    (``"female: higher"``, ``"18-34: trust_tv"``). A category or quantile that every row
    shares (``proportion(..., level=1)``) moves to the note instead.

    **Note.** What the estimate knows of its design and intervals: the statistic and the
    domain columns, the level and method of the intervals, and the design degrees of
    freedom (one number, or the range over the domains), e.g. ``"Mean by education; 95%
    Wald intervals, design df 1592"``. A result does not record whether its variance came
    from linearisation or from replicate weights, so the note cannot say.

    **Reading the intervals.** A 95% interval is the range of values the design-based
    standard error leaves plausible: in repeated samples drawn by the same design, 95% of
    such intervals cover the population value. Two domains whose intervals overlap may
    still differ significantly (domain estimates share PSUs and are correlated), and ones
    that do not overlap do; test a difference with
    :meth:`DesignEstimate.contrast <surveystats.design.DesignEstimate.contrast>`, whose
    chart is this one. Proportions are drawn with their own interval method (logit by
    default, as R's ``svyciprop``), so near 0 or 1 an interval is not symmetric about its
    dot. Intervals are NaN, and not drawn, where a domain has no design degrees of freedom
    (:meth:`DesignEstimate.confint <surveystats.design.DesignEstimate.confint>` warns).

    Examples
    --------
    Trust in television news by education, from the labelled teaching file:

    >>> import surveystats as ss
    >>> from surveystats.datasets import teaching_labelled_path
    >>> from surveystats.design import SurveyDesign
    >>> from surveystats.plotting import plot_design_estimate
    >>> df = ss.read_stata(teaching_labelled_path("dta"))
    >>> d = SurveyDesign(df, weights="weight", strata="region")
    >>> est = d.proportion("trust_tv", by="education", level=1)
    >>> ax = plot_design_estimate(est)
    >>> ax.get_title()
    'Do you trust the news on television? (1 = yes)'
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['secondary', 'vocational', 'higher']
    >>> ax.get_xlabel()
    'Share (%)'
    >>> (note,) = [t for t in ax.texts if t.get_gid() == "source"]
    >>> for part in note.get_text().split("; "):
    ...     print(part)
    Proportion of trust_tv = 1 by education
    95% logit intervals, design df 375 to 727
    chart: surveystats

    The interval ends drawn are those of ``est.confint()``:

    >>> import numpy as np
    >>> (segments,) = [c for c in ax.collections if c.get_gid() == "interval"]
    >>> ends = np.array([[s[0][0], s[1][0]] for s in segments.get_segments()])
    >>> bool(np.array_equal(ends, est.confint()[["low", "high"]].to_numpy()))
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if not isinstance(estimate, DesignEstimate):
        raise TypeError(
            f"estimate ({type(estimate).__name__}) must be a DesignEstimate, as "
            "SurveyDesign.mean, .total, .proportion, .ratio or .quantile return it")
    from matplotlib.axes import Axes as _Axes

    if ax is not None and not isinstance(ax, _Axes):
        raise TypeError(f"ax ({_short(ax)}) must be a matplotlib Axes or None (None draws "
                        "on the current axes); e.g. fig, ax = plt.subplots()")
    cl = check_confidence_level(confidence_level)
    table = estimate.confint(cl, method=method)
    names = list(dict.fromkeys(estimate.variable))
    questions = estimate.labels
    levels = list(dict.fromkeys(estimate.level))
    shared_level = levels[0] if len(levels) == 1 and len(estimate) > 1 else None
    labels = _row_labels(estimate, several=len(names) > 1,
                         shared_level=shared_level is not None)
    if len(names) == 1:
        title = questions.get(names[0], names[0])
        lines = []
    else:
        title = ", ".join(names)
        lines = [f"{name}: {questions[name]}" for name in names if name in questions]
    lines.append(_design_note(estimate, table, cl, shared_level, source))
    proportion = estimate.statistic == "proportion"
    est = table["estimate"].to_numpy(dtype=float)
    low = table["low"].to_numpy(dtype=float)
    high = table["high"].to_numpy(dtype=float)
    y = np.arange(len(table), dtype=float)
    variable = np.array(estimate.variable, dtype=object)
    with st.style():
        ax = st.get_axes(ax)
        st.prepare_axes(ax, grid="x")
        for i, name in enumerate(names):
            rows = variable == name
            style: dict[str, Any] = {
                "linestyle": "none", "marker": "o", "markersize": 5.5, "zorder": 3,
                "color": st.COLORS[i % len(st.COLORS)] if len(names) > 1 else st.COLORS[0],
            }
            style.update(kwargs)
            ax.hlines(y[rows], low[rows], high[rows], colors=style["color"], linewidth=1.8,
                      zorder=2, gid="interval")
            ax.plot(est[rows], y[rows], gid="estimate", **style)
        if estimate.statistic == "contrast":
            ax.axvline(0.0, color=st.GREY, linewidth=0.9, linestyle="--", zorder=1, gid="zero")
        ax.set_yticks(y, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(len(table) - 0.5, -0.5)  # the first row on top
        if proportion:
            ends = np.concatenate([low, high, est])
            ends = ends[np.isfinite(ends)]
            if ends.size:
                lo, hi = float(ends.min()), float(ends.max())
                pad = 0.08 * (hi - lo) + 1e-3
                ax.set_xlim(max(0.0, lo - pad), min(1.0, hi + pad))
            left, right = ax.get_xlim()
            st.percent_axis(ax, "x", decimals=0 if right - left >= 0.04 else 1)
            ax.set_xlabel("Share (%)")
        else:
            ax.set_xlabel("Estimate")
        st.set_title(ax, title, max_chars=TITLE_CHARS)
        st.add_source(ax, "\n".join(lines))
    return ax


def _level_text(level: Any, statistic: str) -> str:
    if statistic == "quantile":
        return "median" if float(level) == 0.5 else f"{float(level):g} quantile"
    if isinstance(level, (float, np.floating)) and float(level).is_integer():
        return str(int(level))  # a code read as a float (an SPSS file's 1.0) shown as 1
    return str(level)


def _domain_text(domain: Any) -> str:
    return ", ".join(map(str, domain)) if isinstance(domain, tuple) else str(domain)


def _row_labels(estimate: DesignEstimate, *, several: bool, shared_level: bool) -> list[str]:
    """One label per row: domain, then variable (when several) and category or quantile."""
    statistic = estimate.statistic
    out = []
    for var, level, domain in zip(estimate.variable, estimate.level, estimate.domain,
                                  strict=True):
        lev = None if level is None or shared_level else _level_text(level, statistic)
        inner: str | None
        if several and lev is not None:
            inner = f"{var} {lev}" if statistic == "quantile" else f"{var} = {lev}"
        else:
            inner = var if several else lev
        if domain is not None:
            out.append(_domain_text(domain) + (f": {inner}" if inner is not None else ""))
        elif inner is not None:
            out.append(str(inner))
        else:  # one row of one variable
            out.append(str(var) if level is None else f"{var} = {_level_text(level, statistic)}")
    return out


def _design_note(estimate: DesignEstimate, table: pd.DataFrame, cl: float,
                 shared_level: Any, source: str | None) -> str:
    """What the estimate knows of its design and intervals, then the source."""
    what = _STATISTICS.get(estimate.statistic, estimate.statistic.capitalize())
    name = ", ".join(dict.fromkeys(estimate.variable))
    if shared_level is not None:
        level = _level_text(shared_level, estimate.statistic)
        what = (f"{level[0].upper()}{level[1:]} of {name}" if estimate.statistic == "quantile"
                else f"{what} of {name} = {level}")
    elif estimate.statistic != "contrast":  # a contrast's rows are named by their labels
        what += f" of {name}"
    if estimate.by:
        what += f" by {', '.join(estimate.by)}"
    methods = ", ".join(method_label(str(m)) for m in dict.fromkeys(table["method"]))
    intervals = f"{100 * cl:g}% {methods} intervals"
    df = np.asarray(estimate.df, dtype=float)
    df = df[np.isfinite(df)]
    lo, hi = (float(df.min()), float(df.max())) if df.size else (np.nan, np.nan)
    design = f"design df {lo:g}" if lo == hi or not df.size else f"design df {lo:g} to {hi:g}"
    return f"{what}; {intervals}, {design}; {source or 'chart: surveystats'}"
