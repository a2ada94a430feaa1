"""Benchmark: the bundled case's report (17 charts, PNG and SVG), as `surveystats report` makes it.

Run ``python benchmarks/bench_report.py --write`` to update docs/performance.md (with the
worktree on ``PYTHONPATH`` when it is not installed). Target (issue 10, D9): under 5 s.

Rows, each the best of ``--repeat`` runs after a warm-up, wall clock and CPU time (this
process plus its worker processes, from ``resource.getrusage``):

* ``write_report`` in this process: charts drawn by one process, and by one worker process
  per CPU (the default, where :func:`surveystats.plotting.run_jobs` may fork);
* the reference point: the same chart jobs drawn on pyplot figures and saved format by
  format with ``Figure.savefig``, as the report saved them before issue 10 (each savefig
  runs constrained layout and a draw of its own before drawing the file);
* the command line end to end (``python -m surveystats report --out DIR --quiet``: Python
  start-up and imports included), what a user times.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_section

from surveystats._report import vtsiom_card, vtsiom_toplines, write_report
from surveystats.plotting import _report as charts
from surveystats.plotting import _style as st


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def best(func: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds over ``repeat`` runs, after one warm-up."""
    func()
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), cpu_seconds()
        func()
        walls.append(time.perf_counter() - w)
        cpus.append(cpu_seconds() - c)
    return min(walls), min(cpus)


def report(out: Path, workers: int) -> Callable[[], Any]:
    """``write_report`` for the bundled case, PNG and SVG, with ``workers`` processes."""
    def run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        write_report(vtsiom_toplines(), out, card=vtsiom_card(), formats=("png", "svg"),
                     workers=workers)
    return run


def savefig_each_format(out: Path) -> Callable[[], Any]:
    """The reference point: pyplot figures, one ``Figure.savefig`` per format."""
    import matplotlib.pyplot as plt

    def run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for job in charts.chart_jobs(None, out, formats=("png", "svg")):
            with st.style():
                fig, ax = plt.subplots(figsize=job.figsize, dpi=100, layout="constrained")
            job.draw(ax)
            fig.savefig(out / f"{job.name}.png", dpi=100, metadata={"Software": "surveystats"})
            fig.savefig(out / f"{job.name}.svg", dpi=100, metadata={"Date": None})
            plt.close(fig)
    return run


def command_line(out: Path) -> Callable[[], Any]:
    """``python -m surveystats report --out DIR --quiet`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}

    def run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "surveystats", "report", "--out", str(out),
                        "--quiet"], check=True, env=env, stdout=subprocess.DEVNULL)
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()

    workers = os.cpu_count() or 1
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        base = Path(tmp)
        rows = [
            ("`write_report`, one process", report(base / "one", 1)),
            (f"`write_report`, {workers} worker processes (`workers={workers}`)",
             report(base / "many", workers)),
            ("reference: the same charts saved format by format with `Figure.savefig` "
             "(the report before issue 10)", savefig_each_format(base / "savefig")),
            ("`python -m surveystats report --out DIR --quiet` (start-up and imports "
             "included)", command_line(base / "cli")),
        ]
        results = []
        for label, func in rows:
            wall, cpu = best(func, args.repeat)
            results.append((label, wall, cpu))
            print(f"{label[:70]:70s} {wall:6.2f} s wall {cpu:6.2f} s CPU", flush=True)
        n_files = len(list((base / "one").glob("*.png"))) + len(list((base / "one").glob("*.svg")))

    lines = [
        f"Measured on: {machine()}. The bundled case's report: {n_files // 2} charts in PNG "
        f"and SVG ({n_files} files) plus `summary.md`, `summary.csv` and `index.html`, best "
        f"of {args.repeat} runs after a warm-up; CPU is this process plus its worker "
        "processes. Each chart is laid out once and drawn once per format (PNG from one Agg "
        "draw); `run_jobs` draws several charts at a time in forked worker processes on "
        "Linux when the calling process runs one thread, by default one per CPU. Target: "
        f"under 5 s. Load average when the run started: {load:.1f} of {os.cpu_count()} "
        "cores (this machine is a shared virtual machine: its speed varies by 10-30% from "
        "minute to minute).",
        "",
        "| what | wall (s) | CPU (s) |",
        "|---|---:|---:|",
    ]
    lines += [f"| {label} | {wall:.2f} | {cpu:.2f} |" for label, wall, cpu in results]
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("report", "## The report (`surveystats report`, issue 10)\n\n"
                      "`benchmarks/bench_report.py`\n\n" + table)


if __name__ == "__main__":
    main()
