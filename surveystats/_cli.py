"""The ``surveystats`` command: a thin layer over the library, with no statistics inside.

Bad input, and a report folder that is refused or cannot be written, exit with status 2 and
one line on stderr, never a traceback; Ctrl-C exits with status 130 and one line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

import surveystats as ss
from surveystats._poll import CARD_KEYS, ITEM_COLUMNS, PollCard, resolve_poll
from surveystats._report import (
    _markdown,
    report_title,
    summary_tables,
    vtsiom_card,
    vtsiom_toplines,
    write_report,
)
from surveystats._version import __version__
from surveystats.bias import _spec

__all__ = ["main"]


class _UsageError(Exception):
    """Raised for input the user can fix; printed as one line, exit status 2."""


def _json_default(value: Any) -> Any:
    """numpy scalars as Python numbers for json.dumps."""
    return value.item() if hasattr(value, "item") else str(value)


def _json_record(frame: pd.DataFrame) -> str:
    """The first row of a result's ``to_frame()`` as one JSON object (NaN becomes null)."""
    record = {k: (None if isinstance(v, float) and np.isnan(v) else v)
              for k, v in _whole_numbers(frame.iloc[:1]).iloc[0].to_dict().items()}
    return json.dumps(record, default=_json_default)


_BAR = {"open": False}  # whether the progress bar's line on stderr is unfinished


def _progress(done: int, total: int, what: str) -> None:
    """A one-line progress bar on stderr."""
    _BAR["open"] = done < total
    width = 24
    filled = int(width * done / max(total, 1))
    bar = "#" * filled + "." * (width - filled)
    end = "\n" if done >= total else ""
    sys.stderr.write(f"\r[{bar}] {done}/{total} {what:<28.28}{end}")
    sys.stderr.flush()


def _stated_margin(text: str) -> float | None:
    """``--stated-margin``: a share (0.03), a percentage ("3%"), or "none"."""
    if text.strip().lower() == "none":
        return None
    value: Any = text.strip()
    try:
        value = (float(value[:-1]) / 100.0 if value.endswith("%") else float(value))
    except ValueError as exc:
        raise _UsageError(f"--stated-margin ({text!r}) must be a share such as 0.03, a "
                          "percentage such as 3%, or none") from exc
    return value


def _poll_deff(text: str) -> float | None:
    """``report --deff``: the poll's design effect (a number > 0), or "none"."""
    if text.strip().lower() == "none":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise _UsageError(f"--deff ({text!r}) must be a design effect > 0 such as 1.3, or "
                          "none")
    return value


def _bundled_case(args: argparse.Namespace) -> str | None:
    """The bundled poll asked for (positional or ``--case``), checked against the others."""
    if args.case and args.case_option and args.case != args.case_option:
        raise _UsageError(f"give the bundled poll once: {args.case!r} or --case "
                          f"{args.case_option!r}")
    case = args.case or args.case_option
    if case is not None and case not in ss.datasets.POLLS:
        raise _UsageError(f"case ({case!r}) is not a bundled case; bundled polls: "
                          f"{', '.join(ss.datasets.POLLS)} (or pass --toplines FILE.csv)")
    if case and args.toplines:
        raise _UsageError(f"give a bundled poll ({case!r}) or --toplines, not both")
    if not args.toplines:
        given = [o for o, v in (("--card", args.card), ("--encoding", args.encoding),
                                ("--percent/--no-percent", args.percent)) if v is not None]
        if given:
            raise _UsageError(f"{given[0]} goes with --toplines; the bundled poll "
                              f"({case or 'vtsiom_2025'}) has its own poll card and file format")
    return case


def _cmd_report(args: argparse.Namespace) -> int:
    case = _bundled_case(args)
    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    try:
        if args.toplines:
            card: Any = None if args.card is None else (
                PollCard() if args.card.strip().lower() == "none" else args.card)
            toplines, poll = resolve_poll(args.toplines, card, encoding=args.encoding,
                                          percent=args.percent)
        elif case is None:
            toplines, poll = resolve_poll(vtsiom_toplines(), vtsiom_card())
        else:
            toplines, poll = resolve_poll(*ss.datasets.load_poll(case))  # type: ignore[arg-type]
        if args.stated_margin is not None:
            poll = dataclasses.replace(poll, stated_margin=_stated_margin(args.stated_margin))
        if args.deff is not None:
            poll = dataclasses.replace(poll, deff=_poll_deff(args.deff))
        if args.out is None:  # print the summary tables only
            tables = summary_tables(toplines, card=poll,
                                    confidence_level=args.confidence_level)
            title = args.title or report_title(poll, question=False)
            sys.stdout.write(_markdown(tables, toplines, title, poll))
            return 0
        if args.confidence_level != 0.95:
            raise _UsageError("--confidence-level applies to the printed tables (without "
                              "--out); the chart set is drawn at 95%")
        out = write_report(toplines, args.out, card=poll, formats=formats, title=args.title,
                           progress=None if args.quiet else _progress, workers=args.workers)
    except (ValueError, TypeError, OSError) as exc:  # OSError: _output.OutputError and others
        raise _UsageError(str(exc)) from exc
    sys.stdout.write(f"Charts, summary.md, summary.csv and index.html written to {out}\n"
                     f"Open {out / 'index.html'} in a browser.\n")
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    ranges: dict[str, Any] = {}
    for name in _spec.PARAMETERS:
        value = getattr(args, name)
        if value is not None:
            try:
                ranges[name] = [float(v) for v in value.split(",")]
            except ValueError as exc:
                raise _UsageError(f"--{name.replace('_', '-')} ({value!r}) must be numbers "
                                  "separated by commas, e.g. 1,1.2,1.42") from exc
    try:
        deffs: list[float | None] = [None]
        if args.deff is not None:
            try:
                deffs = [float(v) for v in args.deff.split(",")]
            except ValueError as exc:
                raise _UsageError(f"--deff ({args.deff!r}) must be numbers separated by "
                                  "commas, e.g. 1,1.5") from exc
        if ranges:
            grid_deff = [1.0] if deffs == [None] else deffs
            table = ss.scenario_grid(args.p, args.n, deff=grid_deff, method=args.method,
                                     **ranges)
        else:  # the presets, each at its sourced design effect or at every --deff given
            rows = []
            for name in ss.PRESETS:
                preset = ss.Scenario.preset(name)  # type: ignore[arg-type]
                for d in deffs:
                    scen = preset if d is None else dataclasses.replace(preset, deff=d)
                    rows.append(scen.apply(args.p, args.n, method=args.method).summary())
            table = pd.concat(rows, ignore_index=True)
    except (ValueError, TypeError) as exc:
        raise _UsageError(str(exc)) from exc
    table = _whole_numbers(table)
    if args.json:  # every digit: pandas' to_json would round to 10 significant digits
        records = [{k: (None if isinstance(v, float) and np.isnan(v) else v)
                    for k, v in row.items()} for row in table.to_dict(orient="records")]
        sys.stdout.write(json.dumps(records, default=_json_default) + "\n")
    elif args.csv:
        sys.stdout.write(table.to_csv(index=False))
    else:
        sys.stdout.write(table.to_string(index=False) + "\n")
    return 0


def _whole_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """A copy with float columns whose every value is a whole number (n = 1600.0) as integers,
    so a count prints as 1600, not 1600.0."""
    out = table.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype.kind == "f" and len(values) and values.notna().all() and bool(
                np.all(np.isfinite(values)) and np.all(values == np.round(values))):
            out[col] = values.astype(np.int64)
    return out


def _cmd_tipping(args: argparse.Namespace) -> int:
    fixed: dict[str, Any] = {}
    for item in args.fix or []:
        key, _, value = item.partition("=")
        try:
            fixed[key.strip()] = float(value)
        except ValueError as exc:
            raise _UsageError(f"--fix ({item!r}) must look like name=value, e.g. "
                              "response_rate=0.1") from exc
    try:
        tp = ss.tipping_point(args.p, args.mechanism, threshold=args.threshold, n=args.n,
                              deff=args.deff, bound=args.bound, **fixed)
    except (ValueError, TypeError) as exc:
        raise _UsageError(str(exc)) from exc
    if args.json:
        sys.stdout.write(_json_record(tp.to_frame()) + "\n")
    else:
        sys.stdout.write(tp.message + "\n")
    return 0


def _cmd_ci(args: argparse.Namespace) -> int:
    try:
        ci = ss.proportion_ci(args.p, args.n, method=args.method, deff=args.deff,
                              confidence_level=args.confidence_level, df=args.df)
    except (ValueError, TypeError) as exc:
        raise _UsageError(str(exc)) from exc
    if args.json:
        sys.stdout.write(_json_record(ci.to_frame()) + "\n")
    else:
        sys.stdout.write(
            f"{ci.method} {100 * ci.confidence_level:g}% interval for p = {ci.estimate:g}, "
            f"n = {ci.n:,g}, deff = {ci.deff:g} (n_eff = {ci.n_eff:,.1f}): "
            f"[{ci.low:.4f}, {ci.high:.4f}]\n"
        )
    return 0


def _cmd_datasets(args: argparse.Namespace) -> int:
    sys.stdout.write(ss.datasets.list_datasets().to_string(index=False) + "\n")
    return 0


def _report_epilog() -> str:
    """The toplines columns and poll card keys, for ``surveystats report --help``."""

    def listing(entries: dict[str, str], width: int) -> str:
        return "\n".join(textwrap.fill(text, 96, initial_indent=f"  {key:<{width}} ",
                                        subsequent_indent=" " * (width + 3))
                          for key, text in entries.items())

    return (
        "toplines columns (item, estimate and n required; details in docs/toplines.md):\n"
        f"{listing(ITEM_COLUMNS, 19)}\n\n"
        "poll card (FILE.toml beside FILE.csv, read as TOML; every key optional):\n"
        f"{listing(CARD_KEYS, 23)}\n\n"
        "example card (invented):\n"
        '  title = "City omnibus, March 2025"\n'
        '  pollster = "Example Research"\n'
        "  fieldwork_start = 2025-03-20\n"
        "  fieldwork_end = 2025-03-26\n"
        "  n = 1000\n"
        "  stated_margin = 0.03\n"
    )


_REPORT_EPILOG = _report_epilog()


_METHOD_HELP = ("interval method (default: wilson): " + ", ".join(ss.INTERVAL_METHODS)
                + "; aliases: " + ", ".join(sorted(ss.INTERVAL_ALIASES)))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="surveystats",
        description="How sure can we be of a poll's number? Intervals, design effects and the "
        "bundled VTsIOM case.",
    )
    parser.add_argument("--version", action="version", version=f"surveystats {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rep = sub.add_parser(
        "report", help="chart set, summary and index page for a poll",
        description="Charts, summary.md, summary.csv and index.html for a poll's toplines "
        "(default: the bundled VTsIOM case). Every poll-specific word in the report comes "
        "from the poll's card; without one the report is neutral.",
        epilog=_REPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    polls = ", ".join(ss.datasets.POLLS)
    rep.add_argument("case", nargs="?", default=None, metavar="POLL",
                     help=f"a bundled poll: {polls} (default: vtsiom_2025; "
                     "surveystats.datasets.list_polls() describes them)")
    rep.add_argument("--case", dest="case_option", metavar="POLL", default=None,
                     help="the same as POLL")
    rep.add_argument("--toplines", metavar="FILE.csv", help="CSV of your own toplines, one "
                     "row per item: item, estimate, n (optional: label, deff, base_item, "
                     "ambiguous_base_item, group_label, dont_know, base); comma, semicolon or "
                     "tab separated, UTF-8, UTF-16, cp1251 or cp1252 (detected), numbers such "
                     "as 0.55, 55%%, 55,5%%, 1,600 or 1 600; see below")
    rep.add_argument("--encoding", metavar="NAME", help="encoding of --toplines, e.g. utf-8, "
                     "cp1251, cp1252, utf-16 (default: detected from the file)")
    rep.add_argument("--percent", action=argparse.BooleanOptionalAction, default=None,
                     help="estimates without a %% sign are percentages (86 = 86%%); "
                     "--no-percent: they are shares (0.86). Default: percentages when every "
                     "one is above 1 and at most 100, and the summary says so")
    rep.add_argument("--card", metavar="FILE.toml", help="poll card (default: FILE.toml "
                     "beside --toplines FILE.csv, if there is one; 'none' to use no card)")
    rep.add_argument("--stated-margin", metavar="MARGIN", help="the pollster's stated margin "
                     "of error, e.g. 0.03 or 3%%, overriding the card's; 'none' drops it")
    rep.add_argument("--deff", metavar="DEFF", help="the design effect the pollster states "
                     "for the whole poll, e.g. 1.3, overriding the card's; used for every item "
                     "whose toplines row states none; 'none' drops the card's. With no design "
                     "effect stated, the sourced central value (1.5) is assumed and the report "
                     "says so")
    rep.add_argument("--title", help="heading of the report (default: from the card)")
    rep.add_argument("--out", metavar="DIR", help="output folder (without it: print the "
                     "tables). DIR must be new, empty, or an earlier surveystats report "
                     "(recognised by its .surveystats-report file; only the files it lists are "
                     "replaced or removed); a folder with other files, or a file, is refused. "
                     "Its parent folder must exist")
    rep.add_argument("--format", default="png,svg", help="png, svg or png,svg "
                     "(default: png,svg)")
    rep.add_argument("--confidence-level", type=float, default=0.95, metavar="LEVEL",
                     help="level of the printed tables' intervals, in (0, 1) (default: 0.95; "
                     "only without --out: the chart set is drawn at 0.95)")
    rep.add_argument("--workers", type=int, default=None, metavar="N",
                     help="processes drawing charts at once, N >= 1 (default: one per CPU, on "
                     "Linux; 1 draws them one after another in this process). The files are "
                     "the same either way")
    rep.add_argument("--quiet", action="store_true", help="no progress bar")
    rep.set_defaults(func=_cmd_report)
    sc = sub.add_parser("scenarios", help="bias scenarios for one share: the sourced presets, "
                        "or a grid of parameter values")
    sc.add_argument("p", type=float, help="reported share in [0, 1], e.g. 0.55")
    sc.add_argument("n", type=float, help="sample size (interviews)")
    sc.add_argument("--deff", default=None, metavar="VALUES",
                    help="design effect(s) > 0, comma-separated (a grid dimension; with the "
                    "presets it replaces each preset's sourced design effect; default: 1 for "
                    "a grid, the preset's own for the presets)")
    sc.add_argument("--method", default="wilson", metavar="METHOD", help=_METHOD_HELP)
    for spec in _spec.PARAMETERS.values():
        sc.add_argument(f"--{spec.name.replace('_', '-')}", metavar="VALUES",
                        help=f"{spec.label}, {spec.domain.describe()}: comma-separated values "
                        "(a grid dimension)")
    sc.add_argument("--json", action="store_true", help="print the table as JSON records")
    sc.add_argument("--csv", action="store_true", help="print the table as CSV")
    sc.set_defaults(func=_cmd_scenarios)
    tp = sub.add_parser("tipping-point", help="how much bias takes a share across a threshold")
    tp.add_argument("p", type=float, help="reported share in [0, 1], e.g. 0.55")
    tp.add_argument("mechanism", choices=tuple(_spec.MECHANISMS),
                    help="one of: " + ", ".join(_spec.MECHANISMS))
    tp.add_argument("--threshold", type=float, default=0.5, metavar="SHARE",
                    help="the share to cross, in [0, 1] (default: 0.5, 'still a majority?')")
    tp.add_argument("--n", type=float, default=None, help="sample size; needed for "
                    "--bound low or high")
    tp.add_argument("--deff", type=float, default=1.0, help="design effect > 0 for the "
                    "sampling interval of --bound low or high (default: 1)")
    tp.add_argument("--bound", default="estimate", choices=("estimate", "low", "high"),
                    help="adjust the estimate (default) or a bound of the sampling interval")
    tp.add_argument("--fix", action="append", help="hold a parameter, e.g. response_rate=0.1")
    tp.add_argument("--json", action="store_true", help="print one JSON object")
    tp.set_defaults(func=_cmd_tipping)
    ci = sub.add_parser("ci", help="interval for one share")
    ci.add_argument("p", type=float, help="share in [0, 1], e.g. 0.70")
    ci.add_argument("n", type=float, help="sample size")
    ci.add_argument("--deff", type=float, default=1.0, help="design effect > 0: the "
                    "interval is computed at n_eff = n / deff (default: 1)")
    ci.add_argument("--df", type=float, default=None, help="degrees of freedom >= 1 for a "
                    "t critical value (default: none, the normal)")
    ci.add_argument("--method", default="wilson", metavar="METHOD", help=_METHOD_HELP)
    ci.add_argument("--confidence-level", type=float, default=0.95, metavar="LEVEL",
                    help="in (0, 1) (default: 0.95)")
    ci.add_argument("--json", action="store_true", help="print one JSON object")
    ci.set_defaults(func=_cmd_ci)
    ds = sub.add_parser("datasets", help="list the bundled datasets")
    ds.set_defaults(func=_cmd_datasets)
    return parser


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (status 2), like the rest of the command."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise _UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        _stderr_line(f"surveystats: error: {exc}")
        return 2
    try:
        return int(args.func(args))
    except _UsageError as exc:
        _stderr_line(f"surveystats: error: {exc}")
        return 2
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        _stderr_line("surveystats: interrupted" + (f"; {out} left unchanged" if out else ""))
        return 130


def _stderr_line(message: str) -> None:
    """Write ``message`` as one line of its own on stderr (ending an open progress bar)."""
    start = "\n" if _BAR["open"] else ""
    _BAR["open"] = False
    sys.stderr.write(start + message.replace("\n", " ") + "\n")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
