"""The main job: the chart set, summary tables and index page for a poll's toplines.

``write_report`` renders everything into a temporary folder beside the target and moves it
into place only when every file is written, so a failure leaves nothing half-written; it
writes only into a new folder, an empty one or an earlier report's (``_output``). The command
line (``surveystats report``) is a thin layer over this module.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from surveystats import datasets
from surveystats._compare import nested_shares
from surveystats._deff import deff_scenarios
from surveystats._engine import METHODS
from surveystats._output import output_folder, target_path
from surveystats._planning import implied_deff
from surveystats._poll import (
    DEFF_BASIS,
    PollCard,
    design_effects,
    item_preset,
    load_toplines,
    reading_notes,
    resolve_poll,
)
from surveystats._proportion import proportion_ci
from surveystats._scenario import PRESETS
from surveystats._tipping import tipping_point
from surveystats.bias import default_range
from surveystats.plotting import _report as _charts

__all__ = ["load_toplines", "report_title", "summary_tables", "vtsiom_card", "vtsiom_toplines",
           "write_report"]

Progress = Callable[[int, int, str], None]


def vtsiom_toplines() -> pd.DataFrame:
    """The bundled case's toplines (:func:`surveystats.datasets.load_vtsiom_2025_toplines`)."""
    return datasets.load_vtsiom_2025_toplines()


def vtsiom_card() -> PollCard:
    """The bundled case's poll card (:func:`surveystats.datasets.load_vtsiom_2025_card`)."""
    return datasets.load_vtsiom_2025_card()


def report_title(card: PollCard, *, question: bool = True) -> str:
    """The report's heading: the card's (``"<heading>: how sure can we be?"``) or a neutral one.

    ``question=False`` gives the card's heading alone (the printed tables).
    """
    heading = card.heading()
    if heading is None:
        return "How sure can we be of these numbers?"
    return f"{heading}: how sure can we be?" if question else heading


def summary_tables(
    toplines: pd.DataFrame | str | os.PathLike[str],
    *,
    card: PollCard | str | os.PathLike[str] | None = None,
    confidence_level: float = 0.95,
) -> dict[str, pd.DataFrame]:
    """Every table of the report, tidy: intervals, deff scenarios, presets, tipping points.

    Parameters
    ----------
    toplines : DataFrame or path
        The items (:func:`surveystats._poll.load_toplines`).
    card : PollCard or path, optional
        The poll card; default the card beside a toplines file, if any
        (:func:`surveystats._poll.resolve_poll`). Its stated margin and design effect are
        used here.
    confidence_level : float, default 0.95

    Returns
    -------
    dict of str to DataFrame
        ``design_effects`` (each item's design effect by the one rule of
        :func:`surveystats._poll.design_effects`: the item's, else the card's, else the
        sourced central value, "assumed"), and at that design effect: ``intervals`` (item x
        method), ``deff_scenarios`` (the item's design effect with the sourced low, central
        and high beside it; ``used`` marks the item's), ``scenarios`` (the sourced presets
        per item; a stated design effect replaces each preset's own, otherwise each preset
        keeps its sourced one, the plausible preset's being the assumed central value),
        ``tipping_points`` (falsification and nonresponse, for the estimate and the upper
        bound), ``nested_shares`` when an item names a ``base_item`` (reading B) or an
        ``ambiguous_base_item`` (both readings), and ``stated_margin`` (with the design
        effect it implies) when the card states one.
    """
    t, poll = resolve_poll(toplines, card)
    cl = confidence_level
    rule = design_effects(t, poll)  # the one deff rule: item's, else the card's, else assumed
    deff = rule["deff"].to_numpy()
    basis = rule["deff_basis"].to_numpy()
    tables: dict[str, pd.DataFrame] = {"design_effects": rule}
    rows = []
    for method in METHODS:
        ci = proportion_ci(t["estimate"].to_numpy(), t["n"].to_numpy(), deff=deff,
                           method=method, confidence_level=cl)
        frame = ci.to_frame()
        frame.insert(0, "item", t["item"].to_numpy())
        frame["deff_basis"] = basis
        rows.append(frame)
    tables["intervals"] = pd.concat(rows, ignore_index=True)
    tables["deff_scenarios"] = pd.concat(
        [_deff_rows(row, d, b, cl) for (_, row), d, b in zip(t.iterrows(), deff, basis,
                                                              strict=True)],
        ignore_index=True)
    scen = []
    for (_, row), d, b in zip(t.iterrows(), deff, basis, strict=True):
        for name in PRESETS:
            preset = item_preset(name, d, b)  # a stated design effect replaces the preset's
            s = preset.apply(row["estimate"], row["n"], confidence_level=cl).summary()
            s.insert(0, "item", row["item"])
            s["deff_basis"] = b if b != "assumed" else "preset"
            scen.append(s)
    tables["scenarios"] = pd.concat(scen, ignore_index=True)
    tips = []
    for (_, row), d, b in zip(t.iterrows(), deff, basis, strict=True):
        for mech in ("falsification", "nonresponse"):
            for bound in ("estimate", "high"):
                tp = tipping_point(row["estimate"], mech, bound=bound, n=row["n"],  # type: ignore[arg-type]
                                   deff=float(d), confidence_level=cl)
                f = tp.to_frame()
                f.insert(0, "item", row["item"])
                f["deff"] = float(d)
                f["deff_basis"] = b
                tips.append(f)
    tables["tipping_points"] = pd.concat(tips, ignore_index=True)
    nested = _nested(t, dict(zip(t["item"], deff, strict=True)), cl)
    if nested is not None:
        tables["nested_shares"] = nested
    if poll.stated_margin is not None:
        n0 = float(poll.n if poll.n is not None else t["n"].max())
        level = poll.margin_confidence_level
        tables["stated_margin"] = pd.DataFrame([{
            "stated_margin": poll.stated_margin, "confidence_level": level,
            "confidence_level_stated": bool(poll.margin_level_stated), "n": n0,
            "implied_deff": float(implied_deff(poll.stated_margin, n0,
                                               confidence_level=level)),
        }])
    return tables


def _deff_lines(rule: pd.DataFrame) -> list[str]:
    """The design-effect rule in words, for ``summary.md``."""
    def items(rows: pd.DataFrame) -> str:
        return ", ".join(f"{i} {d:g}" for i, d in zip(rows["item"], rows["deff"], strict=True))

    parts = []
    for key, what in (("item", "stated for the item in the toplines"),
                      ("card", "stated for the whole poll in the poll card")):
        rows = rule[rule["deff_basis"] == key]
        if len(rows):
            parts.append(f"{what}: {items(rows)}")
    rows = rule[rule["deff_basis"] == "assumed"]
    if len(rows):
        rng = default_range("design_effect", "deff")
        parts.append(f"none stated for {', '.join(rows['item'])}: the central value of the "
                     f"sourced range {rng.low:g}–{rng.high:g} ({rng.central:g}, a judgement; "
                     "see docs/bias.md) is assumed")
    return ["Design effect used by every table and chart (the item's, else the poll's, else "
            f"assumed): {'; '.join(parts)}."]


def _deff_rows(row: pd.Series, deff: float, basis: str, cl: float) -> pd.DataFrame:
    """One item's margin at its own design effect and at the sourced scenarios beside it.

    ``scenario`` names each row: the item's design effect by its basis (:data:`DEFF_BASIS`),
    and ``sourced low`` / ``sourced central`` / ``sourced high`` for the registry's range
    (a value equal to the item's own appears once, under the item's basis).
    """
    rng = default_range("design_effect", "deff")
    sourced = {"sourced low": float(rng.low), "sourced central": float(rng.central),
               "sourced high": float(rng.high)}
    names = {float(deff): DEFF_BASIS[basis]}
    for name, value in sourced.items():
        names.setdefault(value, name)
    values = sorted(names)
    f = deff_scenarios(pd.Series([row["estimate"]], index=[row["item"]]), row["n"],
                       deff=values, confidence_level=cl)
    f.insert(list(f.columns).index("deff") + 1, "scenario",
             [names[float(v)] for v in f["deff"]])
    f["used"] = f["deff"].to_numpy() == float(deff)
    return f


def _nested(t: pd.DataFrame, deffs: dict[str, float],
            confidence_level: float) -> pd.DataFrame | None:
    """Shares of another item's group, from the explicit ``base_item`` columns.

    An ``ambiguous_base_item`` gives both readings (of all respondents, of the group); a
    ``base_item`` gives reading B only (the share is of the group). The whole poll's n is the
    base item's.
    """
    frames = []
    by_item = t.set_index("item")
    for _, row in t.iterrows():
        parent_id = row["base_item"] or row["ambiguous_base_item"]
        if not parent_id:
            continue
        parent = by_item.loc[parent_id]
        ns = nested_shares(row["estimate"], parent["estimate"], parent["n"],
                           deff=deffs[row["item"]], confidence_level=confidence_level)
        f = ns.to_frame()
        if row["base_item"]:
            f = f[f["reading"] == "B"].reset_index(drop=True)
        f.insert(0, "base_status", "stated" if row["base_item"] else "ambiguous")
        f.insert(0, "parent_item", parent_id)
        f.insert(0, "item", row["item"])
        frames.append(f)
    return pd.concat(frames, ignore_index=True) if frames else None


def _pct(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{100 * x:.1f}%"


def _markdown(tables: dict[str, pd.DataFrame], toplines: pd.DataFrame, title: str,
              card: PollCard | None = None) -> str:
    t = load_toplines(toplines)
    poll = card if card is not None else PollCard()
    out = [f"# {title}", ""]
    about = [*poll.markdown(), *reading_notes(t)]
    if about:
        out += [*about, ""]
    if "stated_margin" in tables:
        sm = tables["stated_margin"].iloc[0]
        level = float(sm.confidence_level)
        at = "" if level == 0.95 else f" (at {100 * level:g}% confidence)"
        if not sm.confidence_level_stated:
            at = (f" (no confidence level stated; read at {100 * level:g}%, the usual "
                  "reading)")
        out += [f"The stated margin of {100 * sm.stated_margin:g}%{at} at n = {sm.n:,.0f} "
                f"implies a design effect of {sm.implied_deff:.2f}: it covers sampling error "
                "only.", ""]
    else:
        out += ["No margin of error is stated for this poll (give one as `stated_margin` in "
                "the poll card, or with `--stated-margin`, to see the design effect it "
                "implies).", ""]
    out += [*_deff_lines(tables["design_effects"]), ""]
    level = float(tables["intervals"]["confidence_level"].iloc[0])
    out += [f"## Intervals by method ({100 * level:g}%, at each item's design effect)", "",
            "| item | method | estimate | low | high |", "|---|---|---:|---:|---:|"]
    for _, r in tables["intervals"].iterrows():
        out.append(f"| {r['item']} | {r['method']} | {_pct(r['estimate'])} | {_pct(r['low'])} | "
                   f"{_pct(r['high'])} |")
    out += ["", "## Design-effect scenarios", "",
            "The item's design effect (in bold) with the sourced range beside it.", "",
            "| item | deff | which | n_eff | margin | interval |", "|---|---:|---|---:|---:|---|"]
    for _, r in tables["deff_scenarios"].iterrows():
        which = f"**{r['scenario']}**" if r["used"] else r["scenario"]
        out.append(f"| {r['item']} | {r['deff']:g} | {which} | {r['n_eff']:.0f} | "
                   f"±{100 * r['margin']:.1f} | {_pct(r['low'])} – {_pct(r['high'])} |")
    out += ["", "## Bias scenarios (sourced presets; see docs/bias.md)", "",
            "| item | scenario | deff | adjusted | plausible range |", "|---|---|---:|---:|---|"]
    for _, r in tables["scenarios"].iterrows():
        out.append(f"| {r['item']} | {r['scenario']} | {r['deff']:g} | {_pct(r['estimate'])} | "
                   f"{_pct(r['low'])} – {_pct(r['high'])} |")
    out += ["", "## Tipping points (to 50%)", ""]
    for _, r in tables["tipping_points"].iterrows():
        out.append(f"- {r['item']}: {r['message']}.")
    if "nested_shares" in tables:
        ns = tables["nested_shares"]
        out += ["", "## Shares of another item's group", ""]
        for (item, parent, status), _ in ns.groupby(["item", "parent_item", "base_status"],
                                                    sort=False):
            if status == "ambiguous":
                out.append(f"- {item}: the source leaves open whether this is a share of all "
                           f"respondents (reading A) or of those giving {parent} (reading B); "
                           "both readings below.")
            else:
                out.append(f"- {item}: a share of those giving {parent} (its base_item); "
                           "below also as a share of all respondents.")
        out += ["", "| item | reading | quantity | n | estimate | interval |",
                "|---|---|---|---:|---:|---|"]
        for _, r in ns.iterrows():
            out.append(f"| {r['item']} | {r['reading']} | {r['quantity']} | {r['n']:.0f} | "
                       f"{_pct(r['estimate'])} | {_pct(r['low'])} – {_pct(r['high'])} |")
    named = [i if lab == i else f"{i} ({lab})" for i, lab in zip(t["item"], t["label"],
                                                                 strict=True)]
    out += ["", f"Items: {', '.join(named)}. Made with surveystats.", ""]
    return "\n".join(out)


def _csv(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All tables stacked, long and tidy, with a ``table`` column."""
    frames = []
    for name, frame in tables.items():
        f = frame.copy()
        f.insert(0, "table", name)
        frames.append(f)
    return pd.concat(frames, ignore_index=True, sort=False)


# The index page's stylesheet: a plain string (not an f-string), so every brace is CSS's own.
# System fonts only: the page works offline, with nothing fetched from elsewhere.
_INDEX_CSS = """\
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 840px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
nav { color: #555; }
figure { margin: 2.5em 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 90%; margin-top: 0.5em; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 1em; overflow-x: auto; }
"""


@dataclass(frozen=True)
class _Chart:
    """One chart on the index page: its files (one per format), what it shows, its name."""

    name: str
    files: tuple[Path, ...]
    title: str


def _run_chart(job: _charts.ChartJob) -> _Chart:
    """Run a chart job and keep its title (the chart's finding) for the page's alt text."""
    titles: list[str] = []

    def draw(ax: Any) -> Any:
        drawn = job.draw(ax)
        heads = (ax.figure.get_suptitle(), ax.get_title(), ax.get_title("left"))
        titles.extend(t for t in heads if t)
        return drawn

    files = replace(job, draw=draw)()
    title = " ".join(titles[0].split()) if titles else ""
    return _Chart(job.name, tuple(files), title)


def _image_size(path: Path) -> tuple[int, int] | None:
    """A PNG's size in pixels, or an SVG's in CSS pixels (its points x 4/3); None if unknown."""
    if path.suffix == ".png":
        head = path.read_bytes()[:24]
        if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
            return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        return None
    match = re.search(r'<svg[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"',
                      path.read_text(encoding="utf-8", errors="replace")[:4000])
    if match is None:
        return None
    return round(float(match[1]) * 4 / 3), round(float(match[2]) * 4 / 3)


def _href(path: Path) -> str:
    """A relative link to a file beside the page, percent-encoded and escaped for an attribute."""
    return html.escape(quote(path.name), quote=True)


def _figure_html(chart: _Chart) -> str:
    """``<figure>`` with the SVG shown when written (sharp at any zoom), else the PNG; the
    alt text is the chart's title, the caption names the chart and links every file."""
    by_format = {f.suffix.lstrip("."): f for f in chart.files}
    shown = by_format.get("svg", by_format.get("png", chart.files[0]))
    name = chart.name.replace("_", " ")
    alt = chart.title or f"{name} chart"
    size = _image_size(by_format.get("png", shown))  # the PNG's pixels when there is one
    dims = "" if size is None else f' width="{size[0]}" height="{size[1]}"'
    links = " · ".join(f'<a href="{_href(f)}">{html.escape(f.suffix.lstrip(".").upper())}</a>'
                       for f in chart.files)
    anchor = html.escape(re.sub(r"\s+", "_", chart.name), quote=True)  # ids have no spaces
    return (f'<figure id="{anchor}">\n'
            f'<img src="{_href(shown)}" alt="{html.escape(alt, quote=True)}"{dims}>\n'
            f"<figcaption>{html.escape(name)} ({links})</figcaption>\n</figure>")


def _index_html(title: str, charts: Sequence[_Chart], summary_md: str) -> str:
    """The index page: valid HTML5, one stylesheet inline, relative links only, no scripts."""
    figures = "\n".join(_figure_html(c) for c in charts if c.files)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_INDEX_CSS}</style>\n</head>\n"
        f"<body>\n<h1>{html.escape(title)}</h1>\n"
        '<nav><a href="summary.md">summary.md</a> · <a href="summary.csv">summary.csv</a>'
        ' · <a href="#summary">summary below</a></nav>\n'
        f"<main>\n{figures}\n"
        f'<h2 id="summary">Summary</h2>\n<pre>{html.escape(summary_md)}</pre>\n'
        "</main>\n</body>\n</html>\n"
    )


def write_report(
    toplines: pd.DataFrame | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    card: PollCard | str | os.PathLike[str] | None = None,
    formats: Sequence[str] = ("png", "svg"),
    title: str | None = None,
    progress: Progress | None = None,
    charts: bool = True,
    workers: int | None = None,
) -> Path:
    """Render the chart set, ``summary.md``, ``summary.csv`` and ``index.html`` into ``out``.

    Every case-specific word (title, pollster, dates, source lines, the stated margin) comes
    from the poll card; without one the report is neutral. ``out`` must not exist, be an
    empty folder, or hold an earlier report (recognised by its ``.surveystats-report``
    marker, which lists the files the report wrote); anything else is refused before any
    work is done. Everything is rendered into a temporary folder beside ``out`` and moved
    into place only when complete; in an existing folder only the earlier report's files are
    replaced, other files are never touched. The parent folder of ``out`` must exist.
    Details: :mod:`surveystats._output`.

    Parameters
    ----------
    toplines : DataFrame or path
        The items (columns: ``docs/toplines.md``).
    out : path
        Output folder.
    card : PollCard or path, optional
        The poll card; default the card beside a toplines file (``poll.toml`` for
        ``poll.csv``), if any. ``PollCard()`` means none.
    formats : sequence of {"png", "svg"}, default ("png", "svg")
    title : str, optional
        Heading; default :func:`report_title` of the card.
    progress : callable, optional
        Called as ``progress(done, total, what)``.
    charts : bool, default True
        False writes the summaries only.
    workers : int, optional
        Processes drawing charts at once (:func:`surveystats.plotting.run_jobs`); default
        one per CPU where that is safe, ``1`` for none. The files are the same either way.

    Returns
    -------
    pathlib.Path
        The output folder.

    Raises
    ------
    ValueError
        For a bad toplines table, poll card or format.
    surveystats._output.OutputError
        (an ``OSError``) when ``out`` is refused or cannot be written; ``out`` is unchanged.
    """
    t, poll = resolve_poll(toplines, card)
    bad = [f for f in formats if f not in ("png", "svg")]
    if bad or not formats:
        raise ValueError(f"formats ({','.join(formats)}) must be png, svg or both")
    heading = title if title is not None else report_title(poll)
    with output_folder(out) as tmp:
        steps: list[Any] = []
        if charts:
            steps = list(_charts.chart_jobs(t, tmp, card=poll, formats=tuple(formats)))
        total = len(steps) + 1

        def finished(i: int, job: Any) -> None:  # job i (1-based) done: the next one starts
            if progress and i < len(steps):
                progress(i, total, steps[i].name)

        if progress and steps:
            progress(0, total, steps[0].name)
        # several charts at once in worker processes where that is safe (run_jobs)
        drawn = _charts.run_jobs(steps, _run_chart, workers=workers, done=finished)
        if progress:
            progress(total - 1, total, "summary")
        tables = summary_tables(t, card=poll)
        md = _markdown(tables, t, heading, poll)
        (tmp / "summary.md").write_text(md, encoding="utf-8")
        _csv(tables).to_csv(tmp / "summary.csv", index=False)
        (tmp / "index.html").write_text(_index_html(heading, drawn, md), encoding="utf-8")
        if progress:
            progress(total, total, "done")
    return target_path(out)
