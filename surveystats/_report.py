"""The main job: the chart set, summary tables and index page for a poll's toplines.

``write_report`` renders everything into a temporary folder beside the target and moves it
into place only when every file is written, so a failure leaves nothing half-written; it
writes only into a new folder, an empty one or an earlier report's (``_output``). The command
line (``surveystats report``) is a thin layer over this module.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveystats._compare import nested_shares
from surveystats._deff import deff_scenarios
from surveystats._engine import METHODS
from surveystats._output import output_folder, target_path
from surveystats._planning import implied_deff
from surveystats._proportion import proportion_ci
from surveystats._scenario import PRESETS, Scenario
from surveystats._tipping import tipping_point
from surveystats._validation import check_positive, check_share

__all__ = ["load_toplines", "summary_tables", "vtsiom_toplines", "write_report"]

REQUIRED = ("item", "estimate", "n")
OPTIONAL = ("deff", "base")

Progress = Callable[[int, int, str], None]


def vtsiom_toplines() -> pd.DataFrame:
    """The bundled case's two headlines as a toplines table (item, estimate, n, deff, base)."""
    from surveystats.datasets import load_vtsiom_2025

    case = load_vtsiom_2025()
    heads = case[case["role"] == "headline"]
    return pd.DataFrame({
        "item": heads["item"].astype(str).to_numpy(),
        "estimate": heads["estimate"].to_numpy(dtype=float),
        "n": heads["n"].to_numpy(dtype=float),
        "deff": 1.0,
        "base": heads["base"].astype(str).to_numpy(),
    })


def load_toplines(source: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Read and validate a toplines table: columns item, estimate, n; optional deff, base.

    Raises
    ------
    ValueError
        Naming the missing column(s), the offending item, or the file that cannot be read.
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        where = "toplines"
    else:
        path = Path(source)
        where = str(path)
        if not path.exists():
            raise ValueError(f"toplines file {where!r} does not exist")
        try:
            frame = pd.read_csv(path)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise ValueError(f"toplines file {where!r} is not a readable CSV: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{where} is missing column(s) {', '.join(map(repr, missing))}; needed: "
            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})"
        )
    if frame.empty:
        raise ValueError(f"{where} has no rows")
    frame["item"] = frame["item"].astype(str)
    if frame["item"].duplicated().any():
        dup = frame.loc[frame["item"].duplicated(), "item"].iloc[0]
        raise ValueError(f"{where}: item {dup!r} appears twice; items must be unique")
    try:
        est = pd.to_numeric(frame["estimate"], errors="raise").to_numpy(dtype=float)
        n = pd.to_numeric(frame["n"], errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: estimate and n must be numbers ({exc})") from exc
    check_share("estimate", est)
    check_positive("n", n)
    frame["estimate"], frame["n"] = est, n
    if "deff" not in frame.columns:
        frame["deff"] = 1.0
    frame["deff"] = check_positive("deff", frame["deff"].fillna(1.0).to_numpy(dtype=float))
    if "base" not in frame.columns:
        frame["base"] = "all respondents"
    frame["base"] = frame["base"].fillna("all respondents").astype(str)
    return frame[list(REQUIRED + OPTIONAL)].reset_index(drop=True)


def summary_tables(toplines: pd.DataFrame, *, stated_margin: float | None = 0.025,
                   confidence_level: float = 0.95) -> dict[str, pd.DataFrame]:
    """Every table of the report, tidy: intervals, deff scenarios, presets, tipping points.

    Returns
    -------
    dict of str to DataFrame
        ``intervals`` (item x method), ``deff_scenarios``, ``scenarios`` (the sourced presets
        per item), ``tipping_points`` (falsification and nonresponse, for the estimate and the
        upper bound at the item's design effect), and ``nested_shares`` when an item's base
        mentions the optimists / another item (the VTsIOM 55%).
    """
    t = load_toplines(toplines)
    cl = confidence_level
    tables: dict[str, pd.DataFrame] = {}
    rows = []
    for method in METHODS:
        ci = proportion_ci(t["estimate"].to_numpy(), t["n"].to_numpy(),
                           deff=t["deff"].to_numpy(), method=method, confidence_level=cl)
        frame = ci.to_frame()
        frame.insert(0, "item", t["item"].to_numpy())
        rows.append(frame)
    tables["intervals"] = pd.concat(rows, ignore_index=True)
    items = pd.Series(t["estimate"].to_numpy(), index=t["item"])
    tables["deff_scenarios"] = deff_scenarios(items, t["n"].to_numpy(), confidence_level=cl)
    scen = []
    for _, row in t.iterrows():
        for name in PRESETS:
            res = Scenario.preset(name).apply(  # type: ignore[arg-type]
                row["estimate"], row["n"], confidence_level=cl)
            s = res.summary()
            s.insert(0, "item", row["item"])
            scen.append(s)
    tables["scenarios"] = pd.concat(scen, ignore_index=True)
    tips = []
    for _, row in t.iterrows():
        for mech in ("falsification", "nonresponse"):
            for bound in ("estimate", "high"):
                tp = tipping_point(row["estimate"], mech, bound=bound, n=row["n"],  # type: ignore[arg-type]
                                   deff=max(float(row["deff"]), 1.5), confidence_level=cl)
                f = tp.to_frame()
                f.insert(0, "item", row["item"])
                f["deff"] = max(float(row["deff"]), 1.5)
                tips.append(f)
    tables["tipping_points"] = pd.concat(tips, ignore_index=True)
    nested = _nested(t, cl)
    if nested is not None:
        tables["nested_shares"] = nested
    if stated_margin is not None:
        n0 = float(t["n"].iloc[0])
        tables["stated_margin"] = pd.DataFrame([{
            "stated_margin": stated_margin, "n": n0,
            "implied_deff": float(implied_deff(stated_margin, n0)),
        }])
    return tables


def _nested(t: pd.DataFrame, confidence_level: float) -> pd.DataFrame | None:
    """Both readings for an item whose base is ambiguous between all and another item."""
    amb = t[t["base"].str.contains("ambiguous|optimist|subgroup", case=False, regex=True)]
    if amb.empty or len(t) < 2:
        return None
    frames = []
    for _, row in amb.iterrows():
        others = t[(t["item"] != row["item"]) & (t["estimate"] > row["estimate"])]
        if others.empty:
            continue
        parent = others.iloc[0]
        ns = nested_shares(row["estimate"], parent["estimate"], row["n"], deff=row["deff"],
                           confidence_level=confidence_level)
        f = ns.to_frame()
        f.insert(0, "parent_item", parent["item"])
        f.insert(0, "item", row["item"])
        frames.append(f)
    return pd.concat(frames, ignore_index=True) if frames else None


def _pct(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{100 * x:.1f}%"


def _markdown(tables: dict[str, pd.DataFrame], toplines: pd.DataFrame, title: str) -> str:
    t = load_toplines(toplines)
    out = [f"# {title}", ""]
    if "stated_margin" in tables:
        sm = tables["stated_margin"].iloc[0]
        out += [f"The stated margin of {100 * sm.stated_margin:g}% at n = {sm.n:,.0f} implies "
                f"a design effect of {sm.implied_deff:.2f}: it covers sampling error only.", ""]
    level = float(tables["intervals"]["confidence_level"].iloc[0])
    out += [f"## Intervals by method ({100 * level:g}%)", "",
            "| item | method | estimate | low | high |", "|---|---|---:|---:|---:|"]
    for _, r in tables["intervals"].iterrows():
        out.append(f"| {r['item']} | {r['method']} | {_pct(r['estimate'])} | {_pct(r['low'])} | "
                   f"{_pct(r['high'])} |")
    out += ["", "## Design-effect scenarios", "", "| item | deff | n_eff | margin | interval |",
            "|---|---:|---:|---:|---|"]
    for _, r in tables["deff_scenarios"].iterrows():
        out.append(f"| {r['item']} | {r['deff']:g} | {r['n_eff']:.0f} | ±{100 * r['margin']:.1f} | "
                   f"{_pct(r['low'])} – {_pct(r['high'])} |")
    out += ["", "## Bias scenarios (sourced presets; see docs/bias.md)", "",
            "| item | scenario | deff | adjusted | plausible range |", "|---|---|---:|---:|---|"]
    for _, r in tables["scenarios"].iterrows():
        out.append(f"| {r['item']} | {r['scenario']} | {r['deff']:g} | {_pct(r['estimate'])} | "
                   f"{_pct(r['low'])} – {_pct(r['high'])} |")
    out += ["", "## Tipping points (to 50%)", ""]
    for _, r in tables["tipping_points"].iterrows():
        out.append(f"- {r['item']}: {r['message']}.")
    if "nested_shares" in tables:
        out += ["", "## Ambiguous base", "",
                "| item | reading | quantity | n | estimate | interval |",
                "|---|---|---|---:|---:|---|"]
        for _, r in tables["nested_shares"].iterrows():
            out.append(f"| {r['item']} | {r['reading']} | {r['quantity']} | {r['n']:.0f} | "
                       f"{_pct(r['estimate'])} | {_pct(r['low'])} – {_pct(r['high'])} |")
    out += ["", f"Items: {', '.join(t['item'])}. Made with surveystats.", ""]
    return "\n".join(out)


def _csv(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All tables stacked, long and tidy, with a ``table`` column."""
    frames = []
    for name, frame in tables.items():
        f = frame.copy()
        f.insert(0, "table", name)
        frames.append(f)
    return pd.concat(frames, ignore_index=True, sort=False)


def _index_html(title: str, images: Sequence[Path], summary_md: str) -> str:
    figs = "\n".join(
        f'<figure><img src="{html.escape(p.name)}" alt="{html.escape(p.stem)}" width="800">'
        f"<figcaption>{html.escape(p.stem.replace('_', ' '))}</figcaption></figure>"
        for p in images if p.suffix == ".png"
    )
    body = html.escape(summary_md)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:"
        "840px;margin:2em auto;color:#222}}figure{{margin:2em 0}}figcaption{{color:#555;"
        "font-size:90%}}pre{{white-space:pre-wrap;background:#f6f6f6;padding:1em}}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>\n{figs}\n<h2>Summary</h2>"
        f"<p><a href=\"summary.md\">summary.md</a> · <a href=\"summary.csv\">summary.csv</a></p>"
        f"<pre>{body}</pre></body></html>\n"
    )


def write_report(
    toplines: pd.DataFrame | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("png", "svg"),
    title: str = "How sure can we be of these numbers?",
    progress: Progress | None = None,
    charts: bool = True,
) -> Path:
    """Render the chart set, ``summary.md``, ``summary.csv`` and ``index.html`` into ``out``.

    ``out`` must not exist, be an empty folder, or hold an earlier report (recognised by its
    ``.surveystats-report`` marker, which lists the files the report wrote); anything else is
    refused before any work is done. Everything is rendered into a temporary folder beside
    ``out`` and moved into place only when complete; in an existing folder only the earlier
    report's files are replaced, other files are never touched. The parent folder of ``out``
    must exist. Details: :mod:`surveystats._output`.

    Returns
    -------
    pathlib.Path
        The output folder.

    Raises
    ------
    ValueError
        For a bad toplines table or format.
    surveystats._output.OutputError
        (an ``OSError``) when ``out`` is refused or cannot be written; ``out`` is unchanged.
    """
    t = load_toplines(toplines)
    bad = [f for f in formats if f not in ("png", "svg")]
    if bad or not formats:
        raise ValueError(f"formats ({','.join(formats)}) must be png, svg or both")
    with output_folder(out) as tmp:
        steps: list[Any] = []
        if charts:
            from surveystats.plotting._report import chart_jobs

            steps = list(chart_jobs(t, tmp, formats=tuple(formats)))
        total = len(steps) + 1
        images: list[Path] = []
        for i, job in enumerate(steps, start=1):
            if progress:
                progress(i - 1, total, job.name)
            images.extend(job())
        if progress:
            progress(total - 1, total, "summary")
        tables = summary_tables(t)
        md = _markdown(tables, t, title)
        (tmp / "summary.md").write_text(md, encoding="utf-8")
        _csv(tables).to_csv(tmp / "summary.csv", index=False)
        (tmp / "index.html").write_text(_index_html(title, images, md), encoding="utf-8")
        if progress:
            progress(total, total, "done")
    return target_path(out)
