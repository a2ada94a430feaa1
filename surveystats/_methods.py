"""Interval methods side by side: how much the choice of method matters for some shares, and
how the intervals compare with a pollster's stated margin.

:func:`compare_methods` returns a :class:`MethodComparison`, the numbers behind
:func:`surveystats.plotting.plot_intervals`: each item's interval by every method, the range
of their half-widths, how far the methods' bounds differ, and how many intervals reach beyond
the stated margin. The chart only draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveystats._display import fmt, html_table, pct_text
from surveystats._engine import METHODS, canonical_method
from surveystats._params import POSITIVE
from surveystats._proportion import ProportionCI, proportion_ci
from surveystats._result import Result
from surveystats._validation import check_scalar, share_items

__all__ = ["MethodComparison", "compare_methods"]

#: A bound counts as beyond the stated margin when it lies more than this outside
#: ``estimate ± stated_margin``: a tolerance far above rounding noise (1e-16) and far below
#: anything a chart or a table shows (0.05 points), so that an interval exactly as wide as
#: the stated margin is never counted by rounding.
BEYOND_TOLERANCE = 1e-9

_COLUMNS = ("item", "method", "estimate", "low", "high")


@dataclass(frozen=True, eq=False, repr=False)
class MethodComparison(Result):
    """Result of :func:`compare_methods`: the same shares' intervals by several methods.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per item and method (see :meth:`to_frame`).
    stated_margin : float or None
        The pollster's stated margin the intervals are compared with, if any.
    """

    table: pd.DataFrame
    stated_margin: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per item and method.

        Columns ``item, method, estimate, low, high`` (plus ``n``, ``deff``,
        ``confidence_level`` when known), ``half_width = (high - low) / 2`` and
        ``beyond_stated`` (the interval reaches more than ``BEYOND_TOLERANCE`` beyond
        ``estimate ± stated_margin``; always False without a stated margin).
        """
        return self.table

    @property
    def items(self) -> tuple[str, ...]:
        """The items, in the order first given."""
        return tuple(dict.fromkeys(self._stored("table")["item"]))

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods, in the order first given."""
        return tuple(dict.fromkeys(self._stored("table")["method"]))

    @property
    def centres(self) -> pd.Series:
        """Each item's centre: the median of its methods' point estimates.

        That is the reported share, which every method shares unless a table says otherwise.
        """
        t = self._stored("table")
        return t.groupby("item", sort=False)["estimate"].median()

    @property
    def half_widths(self) -> tuple[float, float]:
        """The smallest and the largest half-width over every item and method."""
        h = self._stored("table")["half_width"]
        return float(h.min()), float(h.max())

    @property
    def spread(self) -> float:
        """How far the methods disagree.

        The largest difference, within an item, between two methods' lower bounds or two
        methods' upper bounds.
        """
        t = self._stored("table")
        by = t.groupby("item", sort=False)
        return float(max((by["low"].max() - by["low"].min()).max(),
                         (by["high"].max() - by["high"].min()).max()))

    @property
    def beyond_stated(self) -> int:
        """How many intervals reach beyond the stated margin (0 without one)."""
        return int(self._stored("table")["beyond_stated"].sum())

    @property
    def n(self) -> float | None:
        """The sample size shared by every row, or None when rows differ or it is unknown."""
        t = self._stored("table")
        if "n" not in t or t["n"].nunique() != 1:
            return None
        return float(t["n"].iloc[0])

    @property
    def confidence_level(self) -> float:
        """The intervals' confidence level (0.95 when the table does not say)."""
        t = self._stored("table")
        return float(t["confidence_level"].iloc[0]) if "confidence_level" in t else 0.95

    def _text(self) -> str:
        lo, hi = self.half_widths
        width = (f"±{pct_text(lo, 1)}" if round(100 * lo, 1) == round(100 * hi, 1)
                 else f"±{pct_text(lo, 1)} to ±{pct_text(hi, 1)}")
        text = (f"{len(self.methods)} method(s), {len(self.items)} item(s): half-widths "
                f"{width}, bounds differ by at most {100 * self.spread:.1f} points")
        if self.stated_margin is not None:
            text += (f"; {self.beyond_stated} of {len(self.table)} intervals reach beyond the "
                     f"stated ±{pct_text(self.stated_margin)}")
        return text

    def __repr__(self) -> str:
        lo, hi = self.half_widths
        return (f"MethodComparison(items={list(self.items)}, methods={list(self.methods)}, "
                f"half_widths=({fmt(lo)}, {fmt(hi)}), spread={fmt(self.spread)}, "
                f"stated_margin={fmt(self.stated_margin)}, beyond_stated={self.beyond_stated})")

    def _repr_html_(self) -> str:
        return html_table("Interval methods compared", self.to_frame())

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Forest plot: :func:`surveystats.plotting.plot_intervals`."""
        from surveystats.plotting import plot_intervals

        return plot_intervals(self, ax=ax, **kwargs)


def _from_ci(ci: ProportionCI) -> pd.DataFrame:
    frame = ci.to_frame().reset_index(drop=True)
    frame.insert(0, "item", list(share_items(ci.estimate)))
    return frame


def _from_table(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(
            f"the table lacks column(s) {', '.join(missing)}; it needs item, method, "
            "estimate, low, high (one row per item and method)")
    frame = table.reset_index(drop=True).copy()
    frame["item"] = frame["item"].astype(str)
    frame["method"] = frame["method"].astype(str)
    for c in ("estimate", "low", "high"):
        frame[c] = pd.to_numeric(frame[c], errors="raise").astype(float)
    return frame


def compare_methods(
    p: Any,
    n: Any = None,
    *,
    methods: Sequence[str] | None = None,
    deff: Any = 1.0,
    confidence_level: float = 0.95,
    stated_margin: float | None = None,
) -> MethodComparison:
    """Compare interval methods for the same shares, and with a stated margin.

    Parameters
    ----------
    p : float, sequence, Series, dict, ProportionCI or DataFrame
        The reported shares (named by their index or keys), with ``n``; or intervals already
        computed: a :class:`~surveystats.ProportionCI` (one method), or a tidy table with
        columns ``item, method, estimate, low, high`` (one row per item and method).
    n : float or array_like, optional
        Sample size(s), required with shares and refused with intervals.
    methods : str or sequence of str, optional
        Methods to compare (names or aliases, e.g. ``"Clopper-Pearson"``), default every one
        of :data:`surveystats.INTERVAL_METHODS`.
    deff : float or array_like, default 1.0
        Design effect(s), one per item or one for all (with shares only).
    confidence_level : float, default 0.95
        With shares only.
    stated_margin : float, optional
        The pollster's stated margin (0.025 for "2.5%"): each interval is checked against
        ``estimate ± stated_margin``.

    Returns
    -------
    MethodComparison
        ``to_frame()`` is the tidy table; ``half_widths``, ``spread``, ``beyond_stated`` and
        ``centres`` are the numbers :func:`~surveystats.plotting.plot_intervals` prints.

    Notes
    -----
    At the sample sizes of national polls the methods agree to a few tenths of a point; they
    differ near 0 and 1 and for small samples (see :func:`surveystats.coverage`). A stated
    margin is sampling error at the pollster's design effect only: an interval beyond it
    says the pollster assumed a smaller design effect than the one used here.

    Examples
    --------
    >>> from surveystats import compare_methods
    >>> cmp = compare_methods({"approve": 0.46, "oppose": 0.41}, 1000,
    ...                       methods=["wald", "wilson", "clopper_pearson"], stated_margin=0.03)
    >>> round(cmp.spread, 4), cmp.beyond_stated
    (0.0007, 6)
    >>> print(cmp)  # doctest: +NORMALIZE_WHITESPACE
    3 method(s), 2 item(s): half-widths ±3.0% to ±3.1%, bounds differ by at most 0.1
    points; 6 of 6 intervals reach beyond the stated ±3.0%

    Every interval is wider than the stated ±3 points: a margin of 3 points at n = 1,000 is a
    rounded simple-random-sampling margin (±3.09 points for 46%).
    """
    if stated_margin is not None:
        stated_margin = check_scalar("stated_margin", stated_margin, POSITIVE)
    if isinstance(p, (ProportionCI, pd.DataFrame)):
        given = [name for name, value, default in
                 (("n", n, None), ("methods", methods, None), ("deff", deff, 1.0),
                  ("confidence_level", confidence_level, 0.95)) if value is not default]
        if given:
            raise ValueError(
                f"{', '.join(given)} cannot be given with intervals already computed "
                f"({type(p).__name__}); pass the shares and n instead")
        table = _from_ci(p) if isinstance(p, ProportionCI) else _from_table(p)
    else:
        if n is None:
            raise ValueError("n is required with shares, e.g. compare_methods(0.46, 1000)")
        items = share_items(p)
        if methods is None:
            chosen = list(METHODS)
        elif isinstance(methods, str):  # one method
            chosen = [canonical_method(methods, name="methods")]
        elif not isinstance(methods, (list, tuple)) and not hasattr(methods, "__iter__"):
            raise TypeError(f"methods ({methods!r}) must be a method name or a list of them, "
                            f"e.g. ['wilson', 'clopper_pearson']")
        else:
            chosen = [canonical_method(m, name=f"methods[{i}]") for i, m in enumerate(methods)]
        if not chosen:
            raise ValueError("methods is empty; give at least one of "
                             f"{', '.join(map(repr, METHODS))}")
        shares = pd.Series(items, dtype=float)
        frames = []
        for m in dict.fromkeys(chosen):
            ci = proportion_ci(shares, n, deff=deff, method=m,
                               confidence_level=confidence_level)
            frame = ci.to_frame().reset_index(drop=True)
            frame.insert(0, "item", list(items))
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
    if table.empty:
        raise ValueError("p holds no interval to compare")
    est, low, high = (table[c].to_numpy(dtype=float) for c in ("estimate", "low", "high"))
    table["half_width"] = 0.5 * (high - low)
    if stated_margin is None:
        table["beyond_stated"] = False
    else:
        table["beyond_stated"] = ((low < est - stated_margin - BEYOND_TOLERANCE)
                                  | (high > est + stated_margin + BEYOND_TOLERANCE))
    if np.isnan(table["half_width"]).any():
        bad = table.loc[np.isnan(table["half_width"]), "item"].iloc[0]
        raise ValueError(f"the interval of item {bad!r} is missing (NaN); compare_methods "
                         "needs every bound")
    return MethodComparison(table, stated_margin)
