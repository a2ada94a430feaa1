"""Every surveystats chart for the VTsIOM December 2025 poll, as PNG and SVG.

Run: python examples/chart_gallery.py [OUTDIR] [--format png --format svg]
(default OUTDIR: ./charts). Prints the path of every file written.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # files only: no window, also on a headless server

from surveystats.plotting import CHARTS, render_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default="charts", type=Path,
                        help="folder for the charts (default: ./charts)")
    parser.add_argument("--format", dest="formats", action="append", default=None,
                        help="output format, repeatable (default: png and svg)")
    parser.add_argument("--chart", dest="charts", action="append", default=None,
                        choices=CHARTS, help="draw only this chart, repeatable")
    args = parser.parse_args(argv)
    formats = tuple(args.formats) if args.formats else ("png", "svg")
    for path in render_all(args.outdir, formats=formats, charts=args.charts):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
