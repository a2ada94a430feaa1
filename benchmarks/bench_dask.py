"""Benchmark: design-based estimation on Dask, from Parquet files larger than memory (issue 13).

Run ``python benchmarks/bench_dask.py`` (``--write`` updates docs/performance.md). It needs
the ``dask`` extra (``pip install 'surveystats[dask]'``).

Writes synthetic ACS-shaped Parquet data (seeded) into a temporary folder that it removes
afterwards (or into ``--workdir``, kept), chunk by chunk (never more than ``--chunk`` rows in
memory): PSUs of about 500 rows in 10-PSU strata, in sort order (so a PSU may span two
files), an integer weight ``PWGTP``, and ``AGEP``, ``SEX``, ``ST`` (51 "states", the
domains), ``POOR`` (0/1) and ``PINCP`` (income, missing under age 15, as in the ACS). The
replicate data set adds 80 successive-difference-like replicate weights
``PWGTP1`` ... ``PWGTP80`` as float32, as the Census Bureau ships them.

Each case runs in a fresh Python process with a fresh ``distributed.LocalCluster`` (2 worker
processes, 1 thread each: this machine's 2 cores) and times, from the Parquet files:

* declaring the design (``SurveyDesign.from_parquet`` or ``ReplicateDesign.from_parquet``:
  the pass over the design's columns);
* ``mean(["AGEP", "PINCP"], missing="drop")`` and ``proportion("POOR", level=1, by="ST")``
  (one pass each);
* for the raked cases, declaring and raking the Taylor design (strata and PSUs) to two
  margins, ``SEX`` and ``ST`` (102 joint cells: one more pass), then
  ``mean(["AGEP", "PINCP"], missing="drop")`` with the calibrated variance;

and reports the peak resident memory (Linux ``VmHWM``) of the client process and of each
worker. The in-memory path (``pyarrow`` reads the same files into pandas, then the same
calls) runs in its own fresh process for sizes up to ``--pandas-max`` rows, and its
numbers are checked against Dask's.

Targets (issue 13): peak memory bounded by the partition size, not the file (under 4 GB at
1e8 rows); time linear in rows; at 1e7 rows in memory no slower than 1.5x the pandas path.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_section

ROWS_PER_PSU = 500  # on average
PSU_PER_STRATUM = 10
N_REPLICATES = 80
SEED = 20261203
TAYLOR_COLUMNS = ["PWGTP", "PUMA", "PSU", "ST", "AGEP", "SEX", "POOR", "PINCP"]


# --- the data, chunk by chunk ---------------------------------------------------------------


def _psu_bounds(n: int) -> np.ndarray:
    """Row where each PSU starts (sizes 250 to 750, about 500 on average), and ``n``."""
    rng = np.random.default_rng(SEED)
    sizes = rng.integers(ROWS_PER_PSU // 2, 3 * ROWS_PER_PSU // 2 + 1,
                         n // ROWS_PER_PSU + 10)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    starts = starts[starts < n]
    return np.append(starts, n)


def write_data(folder: Path, n: int, chunk: int, replicates: bool,
               row_group: int) -> list[Path]:
    """``n`` rows in files of ``chunk`` rows; returns the files in order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    bounds = _psu_bounds(n)
    n_psu = bounds.size - 1
    factors = None
    if replicates:  # each PSU's factor in each replicate: 1 +- 2^(-1/2) or 1, as SDR's
        rng = np.random.default_rng(SEED + 1)
        factors = rng.choice(np.array([1.0 + 2 ** -0.5, 1.0 - 2 ** -0.5, 1.0]),
                             (n_psu, N_REPLICATES), p=[0.25, 0.25, 0.5])
    files = []
    for number, start in enumerate(range(0, n, chunk)):  # loop over chunks of rows
        stop = min(start + chunk, n)
        rng = np.random.default_rng([SEED, number])
        m = stop - start
        psu = np.searchsorted(bounds, np.arange(start, stop), side="right") - 1
        stratum = psu // PSU_PER_STRATUM
        effect = np.sin(psu * 0.37)  # a PSU effect, the same in every chunk
        age = rng.integers(0, 96, m).astype(np.int16)
        income = np.exp(rng.normal(10.2 + 0.1 * effect, 0.8, m))
        income[age < 15] = np.nan
        weight = rng.integers(20, 200, m).astype(np.float64)
        columns: dict[str, Any] = {
            "PWGTP": weight,
            "PUMA": stratum.astype(np.int32),
            "PSU": psu.astype(np.int64),
            "ST": (stratum % 51).astype(np.int8),
            "AGEP": age,
            "SEX": rng.integers(1, 3, m).astype(np.int8),
            "POOR": (rng.random(m) < 0.12 + 0.04 * effect).astype(np.int8),
            "PINCP": income,
        }
        if factors is not None:
            reps = (weight[:, None] * factors[psu]).astype(np.float32)
            for r in range(N_REPLICATES):  # loop over replicate columns, not rows
                columns[f"PWGTP{r + 1}"] = reps[:, r]
        path = folder / f"part-{number:05d}.parquet"
        pq.write_table(pa.table(columns), path, row_group_size=row_group)
        files.append(path)
    return files


# --- one case, in a fresh process -------------------------------------------------------------


def _maxrss_mb() -> float:
    """Peak resident memory of this process (Linux ``VmHWM``: unlike ``ru_maxrss`` it starts
    afresh in a new program, not at the size of the process that started it)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm() -> None:
    import dask.dataframe  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import surveystats.design._dask  # noqa: F401


def _estimates(design: Any, kind: str) -> dict[str, list[float]]:
    a = design.mean(["AGEP", "PINCP"], missing="drop")
    if kind == "rake":
        return {"estimate": [*a.estimate], "se": [*a.se]}
    b = design.proportion("POOR", level=1, by="ST")
    return {"estimate": [*a.estimate, *b.estimate], "se": [*a.se, *b.se]}


def margins(rows: float) -> dict[str, dict[int, float]]:
    """Population counts of ``SEX`` and ``ST`` (the same total, about the weights' sum)."""
    total = 110.0 * rows
    states = np.arange(51)
    share = (1.0 + states % 7) / float(np.sum(1.0 + states % 7))
    return {"SEX": {1: 0.49 * total, 2: 0.51 * total},
            "ST": {int(s): float(total * share[s]) for s in states}}


def _declare(kind: str, data: Any, files: list[str], options: dict[str, Any],
             rows: float = 0.0) -> Any:
    from surveystats.design import ReplicateDesign, SurveyDesign

    taylor = {"weights": "PWGTP", "strata": "PUMA", "clusters": "PSU", "lonely_psu": "adjust"}
    element = {"weights": "PWGTP", "strata": "PUMA", "lonely_psu": "adjust"}
    replicate = {"weights": "PWGTP", "replicate_weights": "^PWGTP[0-9]+$", "type": "sdr"}
    kwargs = {"taylor": taylor, "rake": taylor, "element": element,
              "replicate": replicate}[kind]
    cls = ReplicateDesign if kind == "replicate" else SurveyDesign
    if data is None:
        design = cls.from_parquet(files, read_options=options, **kwargs)
    else:
        design = cls(data, **kwargs)
    return design.rake(margins(rows)) if kind == "rake" else design


def child(case: dict[str, Any]) -> dict[str, Any]:
    import surveystats.design  # noqa: F401  (imports are start-up, not estimation)

    files = case["files"]
    out: dict[str, Any] = {}
    if case["engine"] == "dask":
        import distributed

        with distributed.LocalCluster(n_workers=case["workers"], threads_per_worker=1,
                                      processes=True, dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            client.run(_warm)  # the workers' imports are start-up, not estimation
            t0 = time.perf_counter()
            design = _declare(case["kind"], None, files, case["options"], case["rows"])
            t1 = time.perf_counter()
            out.update(_estimates(design, case["kind"]))
            t2 = time.perf_counter()
            out["partitions"] = int(design._data.npartitions)
            out["workers_mb"] = sorted(client.run(_maxrss_mb).values())
    else:
        import pyarrow.dataset as ds

        t0 = time.perf_counter()
        table = ds.dataset(files, format="parquet").to_table()
        data = table.to_pandas()
        del table
        design = _declare(case["kind"], data, files, {}, case["rows"])
        t1 = time.perf_counter()
        out.update(_estimates(design, case["kind"]))
        t2 = time.perf_counter()
        out["partitions"] = 1
        out["workers_mb"] = []
    out["declare_s"] = t1 - t0
    out["estimates_s"] = t2 - t1
    out["client_mb"] = _maxrss_mb()
    return out


def run(case: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(case)],
                          check=True, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- the table --------------------------------------------------------------------------------


def _rows(n: float) -> str:
    exponent = round(float(np.log10(n)))
    return f"1e{exponent}" if 10 ** exponent == n else f"{int(n):,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taylor", type=float, nargs="*", default=[1e6, 1e7, 1e8],
                        help="row counts of the Taylor (strata and PSUs) cases")
    parser.add_argument("--element", type=float, nargs="*", default=[1e6, 1e7, 1e8],
                        help="row counts of the element-sampling cases (strata, no PSUs)")
    parser.add_argument("--replicate", type=float, nargs="*", default=[1e6, 1e7],
                        help="row counts of the 80-replicate cases")
    parser.add_argument("--rake", type=float, nargs="*", default=[1e6, 1e7],
                        help="row counts of the raked Taylor cases")
    parser.add_argument("--pandas-max", type=float, default=1e7,
                        help="largest row count of the Taylor cases also run in memory "
                             "with pandas")
    parser.add_argument("--pandas-max-replicate", type=float, default=1e6,
                        help="the same for the replicate cases (1e7 rows of 80 float32 "
                             "replicates take about 10 GB in memory)")
    parser.add_argument("--chunk", type=int, default=1_000_000,
                        help="rows per Parquet file (and most rows held while writing)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the data here (default: a temporary folder, removed)")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench_dask_"))
    results: list[dict[str, Any]] = []
    try:
        sets = []
        n_taylor = int(max([*args.taylor, *args.element, *args.rake], default=0))
        if n_taylor:
            sets.append(("taylor", n_taylor, False, args.chunk))
        n_rep = int(max(args.replicate, default=0))
        if n_rep:
            sets.append(("replicate", n_rep, True, args.chunk // 4))
        data: dict[str, tuple[list[Path], float, float]] = {}
        for name, n, reps, row_group in sets:
            folder = root / name
            t0 = time.perf_counter()
            done = folder / "done.json"
            wanted = {"rows": n, "chunk": args.chunk, "seed": SEED}
            if not done.exists() or json.loads(done.read_text()) != wanted:
                shutil.rmtree(folder, ignore_errors=True)
                write_data(folder, n, args.chunk, reps, row_group)
                done.write_text(json.dumps(wanted))
            files = sorted(folder.glob("part-*.parquet"))
            size = sum(f.stat().st_size for f in files) / 2**20
            data[name] = (files, time.perf_counter() - t0, size)
            print(f"{name}: {n:,} rows, {len(files)} files, {size:,.0f} MB on disk, written "
                  f"in {data[name][1]:.0f} s", flush=True)
        cases = ([("taylor", "taylor", n) for n in args.taylor]
                 + [("element", "taylor", n) for n in args.element]
                 + [("replicate", "replicate", n) for n in args.replicate]
                 + [("rake", "taylor", n) for n in args.rake])
        for kind, source, n in cases:
            files, _, _ = data[source]
            k = int(np.ceil(n / args.chunk))
            chosen = [str(f) for f in files[:k]]
            options = {"split_row_groups": True} if kind == "replicate" else {}
            most = args.pandas_max_replicate if kind == "replicate" else args.pandas_max
            engines = ["dask"] + (["pandas"] if n <= most else [])
            for engine in engines:
                case = {"kind": kind, "engine": engine, "files": chosen, "options": options,
                        "workers": args.workers, "rows": n}
                t0 = time.perf_counter()
                out = run(case)
                out.update(kind=kind, engine=engine, rows=n, wall_s=time.perf_counter() - t0)
                results.append(out)
                print(json.dumps({k2: v for k2, v in out.items()
                                  if k2 not in ("estimate", "se")}), flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    table = report(results, data)
    print(table)
    if args.write:
        write_section("dask", "## Files larger than memory: Dask (issue 13)\n\n" + table)


def report(results: list[dict[str, Any]], data: dict[str, tuple[list[Path], float, float]]
           ) -> str:
    label = {"taylor": "Taylor: strata and PSUs", "element": "Taylor: strata, no PSUs",
             "replicate": "80 replicate weights (SDR)",
             "rake": "Taylor: strata and PSUs, raked"}
    lines = [
        f"Measured on {machine()}; `python benchmarks/bench_dask.py` (seeded synthetic "
        "ACS-shaped Parquet, written by the script; see its docstring). Dask: a "
        "`distributed.LocalCluster` of 2 worker processes with 1 thread each, in a fresh "
        "process per case; pandas: the same files read with pyarrow, in a fresh process. "
        "Times in seconds of wall clock (one run); declare = the design from the files "
        "(pandas: reading them too), estimates = `mean(['AGEP', 'PINCP'], "
        "missing='drop')` + `proportion('POOR', level=1, by='ST')`; raked: declare = the "
        "design and `rake({'SEX': ..., 'ST': ...})` (two margins, 102 joint cells), "
        "estimates = the mean only; memory = peak resident set (Linux `VmHWM`) of the "
        "client process and of the larger worker.",
        "",
        "| design | rows | engine | partitions | declare (s) | estimates (s) | total (s) | "
        "client peak (MB) | worker peak (MB) | agreement with pandas |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    by_key = {(r["kind"], r["rows"], r["engine"]): r for r in results}
    for r in results:
        agree = "-"
        other = by_key.get((r["kind"], r["rows"], "pandas"))
        if r["engine"] == "dask" and other is not None:
            est = np.abs(np.array(r["estimate"]) / np.array(other["estimate"]) - 1).max()
            se = np.abs(np.array(r["se"]) / np.array(other["se"]) - 1).max()
            agree = f"estimates {est:.0e}, SEs {se:.0e}"
        worker = f"{max(r['workers_mb']):,.0f}" if r["workers_mb"] else "-"
        lines.append(
            f"| {label[r['kind']]} | {_rows(r['rows'])} | {r['engine']} | {r['partitions']} | "
            f"{r['declare_s']:.1f} | {r['estimates_s']:.1f} | "
            f"{r['declare_s'] + r['estimates_s']:.1f} | {r['client_mb']:,.0f} | {worker} | "
            f"{agree} |")
    lines.append("")
    ratios = []
    for kind in ("taylor", "element", "replicate", "rake"):
        runs = [r for r in results if r["kind"] == kind and r["rows"] == 1e7]
        times = {r["engine"]: r["declare_s"] + r["estimates_s"] for r in runs}
        if len(times) == 2:
            ratios.append(f"{label[kind]} {times['dask'] / times['pandas']:.2f}x")
    if ratios:
        lines.append("Issue 13's targets: at 1e7 rows Dask's time over the in-memory path's "
                     f"(target at most 1.5x): {'; '.join(ratios)}.")
    largest = max((r for r in results if r["engine"] == "dask"), key=lambda r: r["rows"],
                  default=None)
    if largest is not None:
        total = largest["client_mb"] + sum(largest["workers_mb"])
        lines.append(f"Peak memory of the largest run ({_rows(largest['rows'])} rows, "
                     f"{label[largest['kind']]}): {total:,.0f} MB for the client and its "
                     f"{len(largest['workers_mb'])} workers together (target under 4 GB at "
                     "1e8 rows); each worker's peak is set by its partitions, not by the "
                     "file.")
    lines.append("")
    for name, (files, seconds, size) in data.items():
        lines.append(f"The {name} data: {len(files)} files, {size:,.0f} MB on disk, written in "
                     f"{seconds:.0f} s.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
