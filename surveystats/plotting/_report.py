"""Render every chart for a set of headline items (default: the VTsIOM December 2025 case).

:func:`chart_jobs` lists the charts as :class:`ChartJob` objects (a name and a call that
draws and saves one figure), so a caller can report progress or render in stages;
:func:`render_all` runs them all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from surveystats.plotting import _style as st

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["CHARTS", "VTSIOM_SOURCE", "ChartJob", "chart_jobs", "render_all"]

#: Source line of the bundled case.
VTSIOM_SOURCE = "Source: VTsIOM phone poll, 13 Dec 2025, n = 1,600; surveystats"

#: Short English labels for the VTsIOM headline ids.
_VTSIOM_LABELS = {
    "successful_2026": "2026 will be successful",
    "smo_end_hope": "hopes tied to end of the war",
}


def _slug(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").lower() or "item"


def _vtsiom_items() -> dict[str, tuple[float, float]]:
    from surveystats.datasets import load_vtsiom_2025

    data = load_vtsiom_2025()
    heads = data[data["role"] == "headline"]
    return {str(item): (float(p), float(n)) for item, p, n in
            zip(heads["item"], heads["estimate"].astype(float), heads["n"].astype(float),
                strict=True)}


def _priors(p: float) -> dict[str, Any]:
    """Priors for the bias analysis, every number from the default-range registry."""
    from surveystats.bias import Falsification, Triangular, Uniform, default_range

    odds = default_range("nonresponse", "odds_ratio")
    over = default_range("falsification", "overstatement")
    u = default_range("coverage", "uncovered_share")
    d = default_range("coverage", "difference")
    house = default_range("house_effect", "shift")
    f_mode = Falsification.from_overstatement(over.central, reported_p=p).share
    f_high = Falsification.from_overstatement(over.high, reported_p=p).share
    return {
        "odds_ratio": Triangular(odds.low, odds.central, odds.high),
        "falsification": Triangular(0.0, f_mode, f_high),
        "uncovered_share": Uniform(u.low, u.high),
        "coverage_difference": Uniform(-d.high, -d.low),
        "house_effect": Uniform(-house.central, house.central),
    }


#: Names of the charts :func:`render_all` can draw (per-item charts get the item's id appended).
CHARTS: tuple[str, ...] = (
    "intervals",
    "deff_scenarios",
    "deff_scenarios_by_n",
    "bias_tornado",
    "coverage",
    "sensitivity_map",
    "error_budget",
    "bias_analysis",
    "poll_simulation",
    "manski",
    "dont_know",
    "nested_shares",
)


@dataclass(frozen=True)
class ChartJob:
    """One chart to render: ``job()`` draws it on a new figure, saves it and closes it.

    Attributes
    ----------
    name : str
        File name without extension, e.g. ``"error_budget_smo_end_hope"``.
    chart : str
        Which chart, one of :data:`CHARTS`.
    outdir : Path
        Folder the files go to.
    formats : tuple of str
        Formats written by :func:`surveystats.plotting.save_figure`.
    figsize : tuple of float
        Figure size in inches (at 100 dpi).
    """

    name: str
    chart: str
    outdir: Path
    formats: tuple[str, ...]
    draw: Callable[[Axes], Any] = field(repr=False)
    figsize: tuple[float, float] = st.FIGSIZE

    def __call__(self) -> list[Path]:
        """Draw, save (one file per format) and close; return the paths written."""
        import matplotlib.pyplot as plt

        with st.style():
            fig, ax = plt.subplots(figsize=self.figsize, dpi=100, layout="constrained")
        try:
            self.draw(ax)
            return st.save_figure(fig, self.outdir / self.name, formats=self.formats)
        finally:
            plt.close(fig)


def _as_items(toplines: Any) -> tuple[dict[str, tuple[float, float]], bool]:
    """Items as ``{id: (p, n)}`` and whether they are the bundled VTsIOM headlines."""
    import pandas as pd

    vtsiom = _vtsiom_items()
    if toplines is None:
        return vtsiom, True
    if isinstance(toplines, pd.DataFrame):
        missing = [c for c in ("item", "estimate", "n") if c not in toplines.columns]
        if missing:
            raise ValueError(f"toplines lacks column(s) {', '.join(missing)}; charts need "
                             "item, estimate, n")
        raw = {str(i): (float(p), float(n)) for i, p, n in
               zip(toplines["item"], toplines["estimate"].astype(float),
                   toplines["n"].astype(float), strict=True)}
    else:
        raw = {str(k): (float(v[0]), float(v[1])) for k, v in dict(toplines).items()}
    if not raw:
        raise ValueError("items is empty; give a dict of item name -> (p, n)")
    return raw, raw == vtsiom


def chart_jobs(
    toplines: pd.DataFrame | Mapping[str, tuple[float, float]] | None,
    outdir: str | Path,
    *,
    formats: Sequence[str] = ("png", "svg"),
    charts: Sequence[str] | None = None,
) -> list[ChartJob]:
    """The charts :func:`render_all` draws, as jobs to run one at a time.

    Parameters
    ----------
    toplines : DataFrame, mapping of str to (p, n), or None
        A table with columns ``item, estimate, n`` (other columns are ignored), or item name
        -> (reported share, sample size), or None for the bundled VTsIOM headlines. When the
        items are exactly the VTsIOM headlines, charts carry the VTsIOM source line and the
        don't-know and nested-share charts are added.
    outdir : str or Path
        Folder the files go to (created when a job runs).
    formats : sequence of str, default ("png", "svg")
    charts : sequence of str, optional
        Only these charts (names from :data:`CHARTS`); default all.

    Returns
    -------
    list of ChartJob
        In drawing order; nothing is computed or drawn until a job is called.

    Examples
    --------
    >>> from surveystats.plotting import chart_jobs
    >>> jobs = chart_jobs(None, "charts", charts=["error_budget", "nested_shares"])
    >>> [job.name for job in jobs]
    ['error_budget_successful_2026', 'error_budget_smo_end_hope', 'nested_shares']
    """
    import pandas as pd

    import surveystats as ss
    from surveystats import plotting as sp
    from surveystats.bias import Nonresponse, default_range

    wanted = set(CHARTS if charts is None else charts)
    unknown = sorted(wanted - set(CHARTS))
    if unknown:
        raise ValueError(f"charts has unknown name(s) {', '.join(map(repr, unknown))}; "
                         f"valid names: {', '.join(CHARTS)}")
    raw, default = _as_items(toplines)
    fmts = tuple(formats)
    out = Path(outdir)
    labels = {k: (_VTSIOM_LABELS.get(k, k) if default else k) for k in raw}
    shares = {labels[k]: float(v[0]) for k, v in raw.items()}
    sizes = {float(v[1]) for v in raw.values()}
    n_all = max(sizes)
    deff_c = float(default_range("design_effect", "deff").central)
    # a design effect stated in the toplines counts when it exceeds the sourced central value
    # (the same rule as the summary's tipping points)
    if isinstance(toplines, pd.DataFrame) and "deff" in toplines.columns:
        stated = pd.to_numeric(toplines["deff"], errors="coerce").fillna(1.0)
        deff_c = max(deff_c, float(stated.max()))
    odds_hi = float(default_range("nonresponse", "odds_ratio").high)
    jobs: list[ChartJob] = []

    def source(n: float) -> str:
        return VTSIOM_SOURCE if default else f"n = {n:,.0f}; chart: surveystats"

    def add(chart: str, draw: Callable[[Any], Any], suffix: str = "",
            figsize: tuple[float, float] = st.FIGSIZE) -> None:
        if chart in wanted:
            name = f"{chart}_{suffix}" if suffix else chart
            jobs.append(ChartJob(name, chart, out, fmts, draw, figsize))

    # sampling error ---------------------------------------------------------------------------
    def intervals(ax: Any) -> Any:
        table = pd.concat([
            ss.proportion_ci(pd.Series(shares), n_all, method=m).to_frame()
            .rename_axis("item").reset_index()
            for m in ss.INTERVAL_METHODS])
        return sp.plot_intervals(table, ax=ax, stated_margin=0.025, source=source(n_all))

    rows = len(shares) * (len(ss.INTERVAL_METHODS) + 1.6)
    add("intervals", intervals, figsize=(8.0, max(4.5, 1.6 + 0.2 * rows)))
    if len(sizes) == 1:
        add("deff_scenarios", lambda ax: sp.plot_deff_scenarios(
            shares, n_all, ax=ax, source=source(n_all)))
        add("deff_scenarios_by_n", lambda ax: sp.plot_deff_scenarios(
            shares, n_all, ax=ax, by="n", source=source(n_all)))
        add("bias_tornado", lambda ax: sp.plot_bias_tornado(
            shares, n_all, ax=ax, source=source(n_all)))
    n_eff = round(n_all / deff_c)
    add("coverage", lambda ax: sp.plot_coverage(
        n_eff, ax=ax, mark=shares, source=None if not default else
        f"Exact binomial coverage at the effective size n = {n_all:,.0f} / {deff_c:g} = "
        f"{n_eff:,} of the VTsIOM 13 Dec 2025 poll; surveystats"))

    # bias, per item ---------------------------------------------------------------------------
    def sensitivity(p: float, n: float, ax: Any) -> Any:
        return sp.plot_sensitivity_map(p, n, ax=ax, source=source(n))

    def budget(p: float, n: float, ax: Any) -> Any:
        return sp.plot_error_budget(p, n, ax=ax, source=source(n))

    def analysis(p: float, n: float, ax: Any) -> Any:
        res = ss.probabilistic_bias_analysis(p, n, _priors(p), deff=deff_c, draws=20_000,
                                             rng=2025)
        return sp.plot_bias_analysis(res, ax=ax, source=source(n))

    def simulation(p: float, n: float, ax: Any) -> Any:
        sim = ss.simulate_poll(float(Nonresponse(odds_hi).true(p)), round(n), polls=10_000,
                               response_odds_ratio=odds_hi, rng=2025)
        text = (f"Simulated: 10,000 polls of n = {n:,.0f}, “yes” holders {odds_hi:g}× as "
                "likely to respond; surveystats")
        return sp.plot_poll_simulation(sim, ax=ax, source=text if default else None)

    def manski(p: float, dk: float | None, ax: Any) -> Any:
        text = "Manski (2005) bounds for the VTsIOM 13 Dec 2025 poll; surveystats"
        return sp.plot_manski(p, dont_know=dk, ax=ax, source=text if default else None)

    for key, (p, n) in raw.items():
        slug = _slug(key)
        add("sensitivity_map", functools.partial(sensitivity, p, n), slug)
        add("error_budget", functools.partial(budget, p, n), slug)
        add("bias_analysis", functools.partial(analysis, p, n), slug)
        add("poll_simulation", functools.partial(simulation, p, n), slug)
        dk = (float(default_range("dont_know", "share").central)
              if default and key == "successful_2026" else None)
        add("manski", functools.partial(manski, p, dk), slug)

    # what the share is a share of (bundled case only) -----------------------------------------
    if default:
        dk70 = float(default_range("dont_know", "share").central)
        p70, n70 = raw["successful_2026"]
        p55, _ = raw["smo_end_hope"]
        add("dont_know", lambda ax: sp.plot_dont_know(p70, dk70, ax=ax, source=source(n70)))
        add("nested_shares", lambda ax: sp.plot_nested_shares(
            ss.nested_shares(p55, p70, n70), ax=ax, subgroup="optimists",
            source=source(n70)))
    return jobs


def render_all(
    outdir: str | Path,
    *,
    items: Mapping[str, tuple[float, float]] | None = None,
    formats: Sequence[str] = ("png", "svg"),
    charts: Sequence[str] | None = None,
) -> list[Path]:
    """Render every chart for some headline items into a folder.

    Parameters
    ----------
    outdir : str or Path
        Folder to write into (created if missing).
    items : mapping of str to (p, n), optional
        Item name -> (reported share, sample size). Default: the two VTsIOM headlines of
        :func:`surveystats.datasets.load_vtsiom_2025` (``role == "headline"``), for which the
        don't-know and nested-share charts are drawn as well, with the VTsIOM source line.
    formats : sequence of str, default ("png", "svg")
        Passed to :func:`surveystats.plotting.save_figure`.
    charts : sequence of str, optional
        Draw only these (names from :data:`CHARTS`); default all.

    Returns
    -------
    list of Path
        Every file written, in drawing order (one per chart and format). Per-item charts are
        named ``<chart>_<item id>``, e.g. ``error_budget_smo_end_hope.png``.

    Notes
    -----
    Charts: interval methods (all of :data:`surveystats.INTERVAL_METHODS` at design effect 1,
    with the stated margin), margin against design effect and against sample size, the bias
    tornado, exact coverage at the poll's effective size (``n / 1.5``), and per item the
    sensitivity map, the error budget (``Scenario.preset("plausible")``), a probabilistic bias
    analysis (triangular and uniform priors over the registry's low, central and high
    values; design effect 1.5; 20,000 draws, seed 2025), a simulation of 10,000 polls in
    which "yes" holders respond 1.42 times as often as others, and Manski bounds. The charts
    comparing items (design effects, tornado) need one sample size for all items. Each
    figure is 8 x 4.5 inches at 100 dpi (800 pixels wide); the interval forest plot is
    taller, to give each method a row. Rendering everything takes about ten seconds;
    :func:`chart_jobs` gives the same charts one job at a time.

    Examples
    --------
    >>> import tempfile
    >>> from surveystats.plotting import render_all
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = render_all(tmp, formats=("png",), charts=["bias_tornado", "error_budget"])
    ...     [p.name for p in paths]
    ['bias_tornado.png', 'error_budget_successful_2026.png', 'error_budget_smo_end_hope.png']
    """
    Path(outdir).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for job in chart_jobs(items, outdir, formats=formats, charts=charts):
        written.extend(job())
    return written
