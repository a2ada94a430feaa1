"""Render every chart for a poll's items (default: the bundled VTsIOM December 2025 case).

:func:`chart_jobs` lists the charts as :class:`ChartJob` objects (a name and a call that
draws and saves one figure), so a caller can report progress or render in stages;
:func:`render_all` runs them all. Every case-specific word on a chart (source lines, the
stated margin, item labels, what a nested base is called) comes from the poll card and the
toplines columns (:mod:`surveystats._poll`); with no card the charts are neutral.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import signal
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import numpy as np
import pandas as pd

from surveystats import datasets
from surveystats._compare import nested_shares
from surveystats._engine import METHODS
from surveystats._methods import compare_methods
from surveystats._params import AT_LEAST_ONE
from surveystats._pba import probabilistic_bias_analysis
from surveystats._poll import DEFF_BASIS, PollCard, design_effects, item_preset, load_toplines
from surveystats._scenario import ScenarioResult
from surveystats._sensitivity import sensitivity_map
from surveystats._simulate import simulate_poll
from surveystats._validation import check_integer
from surveystats.bias import (
    Fixed,
    Nonresponse,
    Overstatement,
    Triangular,
    Uniform,
    default_range,
)
from surveystats.plotting import _style as st
from surveystats.plotting._bias import (
    plot_bias_analysis,
    plot_bias_tornado,
    plot_error_budget,
    plot_poll_simulation,
    plot_sensitivity_map,
)
from surveystats.plotting._intervals import plot_coverage, plot_deff_scenarios, plot_intervals
from surveystats.plotting._shares import plot_dont_know, plot_manski, plot_nested_shares

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["CHARTS", "ChartJob", "chart_jobs", "render_all", "run_jobs", "worker_count"]


# Cyrillic to Latin for file names: Russian as in the passport (ICAO Doc 9303) system, with
# the two signs dropped and й as y; Ukrainian letters as in the national system of 2010
# (Cabinet of Ministers resolution 55), which also reads г as h and и as y for language "uk".
_CYRILLIC: Final = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u", "'": "", "’": "",
    "ʼ": "",
}
_UKRAINIAN: Final = {**_CYRILLIC, "г": "h", "и": "y"}
# Latin letters that Unicode does not decompose into a base letter and an accent
_LATIN: Final = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                 "þ": "th", "ı": "i"}
_SLUG_MAX: Final = 48


def _slug(name: str, language: str | None = None) -> str:
    """``name`` as a lower-case ASCII file-name part: Cyrillic transliterated, accents
    dropped, anything else between letters and digits turned into one ``_``; at most 48
    characters, cut at a ``_`` where one is near the end. ``""`` when nothing is left (a
    name in a script without a table here)."""
    table = _UKRAINIAN if (language or "").lower().startswith("uk") else _CYRILLIC
    text = "".join(table.get(c, _LATIN.get(c, c)) for c in name.lower())
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    if len(slug) > _SLUG_MAX:
        cut = slug.rfind("_", _SLUG_MAX // 2, _SLUG_MAX + 1)
        slug = slug[:cut if cut > 0 else _SLUG_MAX].strip("_")
    return slug


def file_ids(items: Sequence[str], language: str | None = None) -> dict[str, str]:
    """Item -> the part of its charts' file names: unique, readable ASCII, stable across runs.

    The item's slug (:func:`_slug`: a transliteration for Cyrillic); an item whose slug is
    empty is ``item_<i>``, and items whose slugs coincide get ``_<i>`` appended, ``i`` being
    the item's 1-based position in the toplines. Nothing is refused.

    Examples
    --------
    >>> ids = file_ids(["smo_end_hope", "Надежды на 2026", "Надежды на 2026!", "是"])
    >>> list(ids.values())
    ['smo_end_hope', 'nadezhdy_na_2026_2', 'nadezhdy_na_2026_3', 'item_4']
    """
    names = [_slug(str(item), language) or f"item_{i}" for i, item in enumerate(items, 1)]
    while True:
        counts = Counter(names)
        clash = [i for i, name in enumerate(names) if counts[name] > 1]
        if not clash:
            return dict(zip(map(str, items), names, strict=True))
        for i in clash:
            names[i] = f"{names[i]}_{i + 1}"


def _priors(p: float) -> dict[str, Any]:
    """Priors for the bias analysis, every number from the default-range registry, over the
    plausible preset's mechanisms (nonresponse as a data-defect correlation at a response
    rate, as the preset has it), each peaked at the preset's central value."""
    rho = default_range("data_defect", "rho")
    rate = default_range("data_defect", "response_rate")
    over = default_range("falsification", "overstatement")
    u = default_range("coverage", "uncovered_share")
    d = default_range("coverage", "difference")
    house = default_range("house_effect", "shift")
    # an overstatement larger than the share itself is capped there (true share 0), as a
    # scenario resolves it, so a 13% item gets priors too
    f_mode = Overstatement(over.central).resolve(p, clip=True).share
    f_high = Overstatement(over.high).resolve(p, clip=True).share
    # [judgement] for a small share the sourced ranges are capped at what the share allows:
    # the uncovered group's share cannot fall below 0 (difference >= -p), and a house effect
    # cannot exceed the share or its complement; otherwise every draw of a 3% item would be
    # impossible
    d_low, d_high = max(-d.high, -p), max(-d.low, -p)
    h = min(house.central, p, 1.0 - p)

    def spread(low: float, high: float) -> Any:
        return Uniform(low, high) if high > low else Fixed(low)

    return {
        "rho": Triangular(rho.low, rho.central, rho.high),
        "response_rate": Triangular(rate.low, rate.central, rate.high),
        "falsification": (Triangular(0.0, f_mode, f_high) if f_high > 0.0 else Fixed(0.0)),
        "uncovered_share": Uniform(u.low, u.high),
        "coverage_difference": spread(d_low, d_high),
        "house_effect": spread(-h, h),
    }


#: Names of the charts :func:`render_all` can draw (per-item charts get the item's file id
#: appended, see ``file_ids``).
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
    """One chart to render: ``job()`` draws it on a new figure and saves it.

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

    def figure(self) -> Figure:
        """The chart drawn on a new figure, not yet laid out or saved.

        The figure is made without pyplot (``_style.new_figure``: no backend, nothing to
        close).
        """
        fig, ax = st.new_figure(self.figsize)
        self.draw(ax)
        return fig

    def __call__(self) -> list[Path]:
        """Draw and save (one file per format, one layout for all); return the paths."""
        return st.save_figure(self.figure(), self.outdir / self.name, formats=self.formats)


T = TypeVar("T")


def _call(job: ChartJob) -> list[Path]:
    return job()


def _toplines(toplines: Any) -> pd.DataFrame:
    """The items as a validated toplines table (:func:`surveystats._poll.load_toplines`)."""
    if toplines is None:
        return datasets.load_vtsiom_2025_toplines()
    if isinstance(toplines, pd.DataFrame):
        missing = [c for c in ("item", "estimate", "n") if c not in toplines.columns]
        if missing:
            raise ValueError(f"toplines lacks column(s) {', '.join(missing)}; charts need "
                             "item, estimate, n")
        return load_toplines(toplines)
    raw = {str(k): (float(v[0]), float(v[1])) for k, v in dict(toplines).items()}
    if not raw:
        raise ValueError("items is empty; give a dict of item name -> (p, n)")
    return load_toplines(pd.DataFrame({"item": list(raw),
                                       "estimate": [v[0] for v in raw.values()],
                                       "n": [v[1] for v in raw.values()]}))


def _labels(t: pd.DataFrame) -> dict[str, str]:
    """Item id -> chart label, made unique (a repeated label gets its item id appended)."""
    counts = t["label"].value_counts()
    return {item: (label if counts[label] == 1 else f"{label} ({item})")
            for item, label in zip(t["item"], t["label"], strict=True)}


def chart_jobs(
    toplines: pd.DataFrame | Mapping[str, tuple[float, float]] | None,
    outdir: str | Path,
    *,
    card: PollCard | None = None,
    formats: Sequence[str] = ("png", "svg"),
    charts: Sequence[str] | None = None,
) -> list[ChartJob]:
    """The charts :func:`render_all` draws, as jobs to run one at a time.

    Parameters
    ----------
    toplines : DataFrame, mapping of str to (p, n), or None
        A toplines table (columns: ``docs/toplines.md``; at least ``item, estimate, n``), or
        item name -> (reported share, sample size), or None for the bundled VTsIOM headlines
        (:func:`surveystats.datasets.load_vtsiom_2025_toplines`). Items with a
        ``dont_know`` share get the don't-know chart; items with an ``ambiguous_base_item``
        get the nested-shares chart (named without the item when only one item has it).
    outdir : str or Path
        Folder the files go to (created when a job runs).
    card : PollCard, optional
        The poll card: source lines, the stated margin. Default: the bundled card when
        ``toplines`` is None, else none (neutral charts, no stated margin).
    formats : sequence of str, default ("png", "svg")
        The formats each chart is saved in (see :func:`save_figure`).
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
    wanted = set(CHARTS if charts is None else charts)
    unknown = sorted(wanted - set(CHARTS))
    if unknown:
        raise ValueError(f"charts has unknown name(s) {', '.join(map(repr, unknown))}; "
                         f"valid names: {', '.join(CHARTS)}")
    t = _toplines(toplines)
    if card is None:
        card = datasets.load_vtsiom_2025_card() if toplines is None else PollCard()
    poll = card
    fmts = tuple(formats)
    out = Path(outdir)
    labels = _labels(t)
    column = {c: dict(zip(t["item"], t[c], strict=True)) for c in
              ("dont_know", "ambiguous_base_item", "group_label")}
    # the one deff rule (the item's, else the card's, else the sourced central, "assumed"):
    # every chart of an item uses its design effect; the sourced scenarios are drawn beside
    rule = design_effects(t, poll)
    deffs = dict(zip(rule["item"], rule["deff"].astype(float), strict=True))
    bases = dict(zip(rule["item"], rule["deff_basis"], strict=True))
    raw = {str(i): (float(p), float(n)) for i, p, n in
           zip(t["item"], t["estimate"], t["n"], strict=True)}
    shares = {labels[k]: v[0] for k, v in raw.items()}
    # how a per-item title names the item: its share and its label, "the 70% “2026 will be
    # successful” becomes 61%"
    named = {k: f"{st.pct(v[0], None)} “{labels[k]}”" for k, v in raw.items()}
    sizes = {v[1] for v in raw.values()}
    n_all = max(sizes)
    odds_hi = float(default_range("nonresponse", "odds_ratio").high)
    margin = poll.stated_margin
    # the design-effect charts draw margins at the stated margin's confidence level
    level = poll.margin_confidence_level if margin is not None else 0.95
    jobs: list[ChartJob] = []

    def source(n: float) -> str:
        return st.source_text(n, poll.source_line(n))

    def add(chart: str, draw: Callable[[Any], Any], suffix: str = "",
            figsize: tuple[float, float] = st.FIGSIZE) -> None:
        if chart in wanted:
            name = f"{chart}_{suffix}" if suffix else chart
            jobs.append(ChartJob(name, chart, out, fmts, draw, figsize))

    @functools.cache
    def plausible(key: str) -> ScenarioResult:
        """The plausible preset for an item, at the item's design effect when it states one
        (as the summary's scenarios table): the one plausible value of every chart."""
        p, n = raw[key]
        return item_preset("plausible", deffs[key], bases[key]).apply(p, n)

    # sampling error ---------------------------------------------------------------------------
    def intervals(ax: Any) -> Any:
        cmp = compare_methods(pd.Series(shares), [raw[k][1] for k in raw],
                              deff=[deffs[k] for k in raw], stated_margin=margin)
        return plot_intervals(cmp, ax=ax, source=source(n_all))

    rows = len(shares) * (len(METHODS) + 1.6)
    add("intervals", intervals, figsize=(8.0, max(4.5, 1.6 + 0.2 * rows)))
    # each item's own design effect marked on the curves, the sourced range beside it
    used = {labels[k]: deffs[k] for k in raw}
    if len(sizes) == 1:
        add("deff_scenarios", lambda ax: plot_deff_scenarios(
            shares, n_all, ax=ax, used=used, stated_margin=margin,
            confidence_level=level, source=source(n_all)))
        add("deff_scenarios_by_n", lambda ax: plot_deff_scenarios(
            shares, n_all, ax=ax, by="n", used=used, stated_margin=margin,
            confidence_level=level, source=source(n_all)))
        add("bias_tornado", lambda ax: plot_bias_tornado(
            shares, n_all, ax=ax, source=source(n_all)))
    # one coverage chart for all items: at the largest design effect among them (the smallest
    # effective n), which the source line names with its basis
    widest = max(deffs, key=lambda k: deffs[k])
    d_cov, basis_cov = deffs[widest], bases[widest]
    about = poll.describe()
    n_eff = round(n_all / d_cov)
    add("coverage", lambda ax: plot_coverage(
        # the labels run up the plot from 30% of its height: wrapped to stay below the
        # curves near 95% (legends wrap their own labels, _style.legend)
        n_all, deff=d_cov, ax=ax, mark={st.wrap(k, 130, 8.5): p for k, p in shares.items()},
        source=(f"Exact binomial coverage at the effective size n = {n_all:,.0f} / {d_cov:g} "
                f"= {n_eff:,} (deff {DEFF_BASIS[basis_cov]})"
                + ("" if about is None else f"; {about}") + "; surveystats")))

    # bias, per item ---------------------------------------------------------------------------
    def sensitivity(key: str, ax: Any) -> Any:
        # centred on the plausible preset: its nonresponse is a data-defect correlation, so rho
        # is on the x axis, and its coverage bias is held; the marked share is its estimate
        m = sensitivity_map(plausible(key), x="rho", y="falsification")
        return plot_sensitivity_map(m, ax=ax, label=named[key], source=source(raw[key][1]))

    def budget(key: str, ax: Any) -> Any:
        return plot_error_budget(plausible(key), ax=ax, stated_margin=margin,
                                 label=named[key], source=source(raw[key][1]))

    def analysis(key: str, ax: Any) -> Any:
        p, n = raw[key]
        res = probabilistic_bias_analysis(p, n, _priors(p), deff=deffs[key], draws=20_000,
                                          rng=2025)
        return plot_bias_analysis(res, ax=ax, plausible=plausible(key), label=named[key],
                                  source=source(n))

    def simulation(key: str, ax: Any) -> Any:
        p, n = raw[key]
        sim = simulate_poll(float(Nonresponse(odds_hi).true(p)), round(n), polls=10_000,
                            response_odds_ratio=odds_hi, deff=deffs[key], rng=2025)
        text = (f"Simulated: 10,000 polls of n = {n:,.0f}, “yes” holders {odds_hi:g}× as "
                "likely to respond; surveystats")
        return plot_poll_simulation(sim, ax=ax, label=named[key], source=text)

    def manski(key: str, dk: float | None, ax: Any) -> Any:
        text = None if about is None else f"Manski (2005) bounds for the {about}; surveystats"
        return plot_manski(raw[key][0], dont_know=dk, ax=ax, label=named[key], source=text)

    def dont_know(key: str) -> float | None:
        value = float(column["dont_know"][key])
        return None if np.isnan(value) else value

    ids = file_ids(list(raw), poll.language)
    for key in raw:
        slug = ids[key]
        add("sensitivity_map", functools.partial(sensitivity, key), slug)
        add("error_budget", functools.partial(budget, key), slug)
        add("bias_analysis", functools.partial(analysis, key), slug)
        add("poll_simulation", functools.partial(simulation, key), slug)
        add("manski", functools.partial(manski, key, dont_know(key)), slug)

    # what the share is a share of: from the toplines' dont_know and ambiguous_base_item -------
    with_dk = [k for k in raw if dont_know(k) is not None]
    for key in with_dk:
        p, n = raw[key]
        dk = dont_know(key)
        add("dont_know", functools.partial(
            lambda p, dk, n, name, ax: plot_dont_know(p, dk, ax=ax, label=name,
                                                      source=source(n)),
            p, dk, n, named[key]),
            ids[key] if len(with_dk) > 1 else "")
    nested = [k for k in raw if column["ambiguous_base_item"][k]]
    for key in nested:
        parent = str(column["ambiguous_base_item"][key])
        p_parent, n_parent = raw[parent]
        # the chart names the group on one line, in bold sentences beside its bars and over
        # them: a long name is cut short with "…" (group_label is meant to be a short name)
        group = st.shorten(str(column["group_label"][parent]) or "subgroup", 90, 9, "bold")
        result = functools.partial(nested_shares, raw[key][0], p_parent, n_parent,
                                   deff=deffs[key])
        add("nested_shares", functools.partial(
            lambda result, group, n, ax: plot_nested_shares(
                result(), ax=ax, subgroup=group, source=source(n)),
            result, group, n_parent), ids[key] if len(nested) > 1 else "")
    return jobs


def render_all(
    outdir: str | Path,
    *,
    items: pd.DataFrame | Mapping[str, tuple[float, float]] | None = None,
    card: PollCard | None = None,
    formats: Sequence[str] = ("png", "svg"),
    charts: Sequence[str] | None = None,
) -> list[Path]:
    """Render every chart for some items into a folder.

    Parameters
    ----------
    outdir : str or Path
        Folder to write into (created if missing).
    items : DataFrame or mapping of str to (p, n), optional
        A toplines table, or item name -> (reported share, sample size). Default: the
        bundled VTsIOM headlines (:func:`surveystats.datasets.load_vtsiom_2025_toplines`),
        whose ``dont_know`` and ``ambiguous_base_item`` columns add the don't-know and
        nested-share charts.
    card : PollCard, optional
        The poll card (source lines, stated margin); default the bundled card when
        ``items`` is None, else none.
    formats : sequence of str, default ("png", "svg")
        Passed to :func:`surveystats.plotting.save_figure`.
    charts : sequence of str, optional
        Draw only these (names from :data:`CHARTS`); default all.

    Returns
    -------
    list of Path
        Every file written, in drawing order (one per chart and format). Per-item charts are
        named ``<chart>_<file id>``, e.g. ``error_budget_smo_end_hope.png``: the item id as
        lower-case ASCII, Cyrillic transliterated (``"Надежды"`` -> ``nadezhdy``), with the
        item's position appended where two items would share a name or nothing is left
        (``item_3``); see ``file_ids``.

    Notes
    -----
    Every chart of an item uses the item's design effect by the one rule of
    ``surveystats._poll.design_effects`` (the item's, else the card's, else the sourced
    central value, assumed). Charts: interval methods (all of
    :data:`surveystats.INTERVAL_METHODS`, with the card's stated margin if it states one),
    margin against design effect and against sample size (the items' design effects with the
    sourced 1, 1.5 and 2.25 beside them), the bias tornado, exact coverage at the effective
    size (at the largest design effect among the items), and per item the sensitivity map
    (centred on the plausible preset), the error budget (the plausible preset), a
    probabilistic bias analysis (triangular and uniform priors over the registry's low,
    central and high values of the plausible preset's mechanisms; 20,000 draws, seed 2025;
    the preset's value marked), a simulation of 10,000 polls in which "yes" holders respond
    as often as the registry's high odds ratio says, and Manski bounds. The charts comparing
    items (design effects, tornado) need one sample size for all items. Each figure is
    8 x 4.5 inches at 100 dpi (800 pixels wide); the interval forest plot is taller, to give
    each method a row. :func:`chart_jobs` gives the same charts one job at a time;
    :func:`run_jobs` runs them, several at once where it can. Timings:
    ``docs/performance.md``.

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
    jobs = chart_jobs(items, outdir, card=card, formats=formats, charts=charts)
    written: list[list[Path]] = run_jobs(jobs, _call)
    return [path for paths in written for path in paths]


def run_jobs(
    jobs: Sequence[ChartJob],
    run: Callable[[ChartJob], T] = _call,  # type: ignore[assignment]
    *,
    workers: int | None = None,
    done: Callable[[int, ChartJob], Any] | None = None,
) -> list[T]:
    """Run chart jobs, several at a time in worker processes where that is safe.

    Parameters
    ----------
    jobs : sequence of ChartJob
        From :func:`chart_jobs`.
    run : callable, optional
        What to do with each job, ``run(job)``; default ``job()`` (draw and save, returning
        the paths written). Its result must be picklable when workers are used.
    workers : int, optional
        Processes drawing at once. Default: one per CPU this process may use, at most one
        per job. ``1`` runs every job in this process.
    done : callable, optional
        Called in this process as ``done(i, job)`` after the ``i``-th job (1-based, in
        order) has finished.

    Returns
    -------
    list
        ``run(job)`` for each job, in the jobs' order.

    Notes
    -----
    Each job draws one figure and writes only its own files, so the files are the same, byte
    for byte, however many processes draw them (``tests/test_report_render.py``). Workers are
    forked: cheap, as they start with this process's imports, fonts and jobs, but safe only
    where the platform forks well and no other thread could hold a lock at that moment. So
    they are used on Linux, from a process running one thread (the command line, a script;
    not a notebook kernel, whose threads make it run the jobs here, one after another).
    Workers ignore Ctrl-C: this process receives it and stops them.
    """
    jobs = list(jobs)
    n = worker_count(workers, len(jobs))
    results: list[T] = []
    if n == 1:
        for i, job in enumerate(jobs, start=1):
            results.append(run(job))
            if done is not None:
                done(i, job)
        return results
    _warm_up()
    _FORKED[:] = [jobs, run]
    try:
        with multiprocessing.get_context("fork").Pool(n, initializer=_worker_start) as pool:
            for i, result in enumerate(pool.imap(_run_forked, range(len(jobs))), start=1):
                results.append(result)
                if done is not None:
                    done(i, jobs[i - 1])
    finally:
        _FORKED.clear()
    return results


def worker_count(workers: int | None, n_jobs: int) -> int:
    """How many processes :func:`run_jobs` uses: 1 unless forking is safe here."""
    if workers is None:  # the CPUs this process may run on
        cpus = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                else os.cpu_count() or 1)
    else:
        cpus = check_integer("workers", workers, AT_LEAST_ONE, hint="1 runs the jobs here")
    n = min(cpus, max(n_jobs, 1))
    forks = (sys.platform.startswith("linux") and threading.active_count() == 1
             and "fork" in multiprocessing.get_all_start_methods())
    return n if n > 1 and forks else 1


def _warm_up() -> None:
    """Load what every chart needs (renderers, fonts, the PNG writer) once, before the
    workers fork, so that none of them loads it again."""
    from matplotlib.backends import backend_agg, backend_svg  # noqa: F401
    from PIL import PngImagePlugin  # noqa: F401

    for weight in ("normal", "bold"):
        st.text_width("0%", 9.0, weight)


#: In a worker: the jobs and the function it was forked with (inherited, not pickled).
_FORKED: list[Any] = []


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _run_forked(i: int) -> Any:
    jobs, run = _FORKED
    return run(jobs[i])
