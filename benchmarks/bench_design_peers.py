"""Benchmark: surveystats against R survey and svy, in one run on the same data.

Setup (once). svy is a peer, not a dependency of surveystats, so it goes into its own venv
together with an editable surveystats::

    python3 -m venv .venv-peers
    .venv-peers/bin/pip install svy numpy pandas
    .venv-peers/bin/pip install -e .

R needs the ``survey`` package (``apt-get install r-cran-survey`` or
``install.packages("survey")``); ``data.table`` is used to read the CSV when it is installed
(``r-cran-data.table``), ``read.csv`` otherwise. A tool that is missing is skipped with a
message, and its column shows "not run".

Run::

    .venv-peers/bin/python benchmarks/bench_design_peers.py            # print the table
    .venv-peers/bin/python benchmarks/bench_design_peers.py --write    # also docs/performance.md

It takes about four minutes on 2 cores, most of it in R. The CSV (about 0.7 GB) goes to a
temporary directory; ``--data-dir DIR`` keeps it there and reuses it next time. Writing it
takes about 10 s with polars (installed with svy) and two minutes with pandas.

Data (seeded): 1,000,000 rows, 200 strata of 20 PSUs (4,000 PSUs, 250 rows each), positive
weights, a binary variable ``b``, a continuous ``y``, a 10-level domain ``region`` (as in
``bench_design.py``, rounded to a few decimals so the CSV is compact) and 80 delete-a-group
jackknife replicate weights ``rw1..rw80``: the PSUs are split at random into 80 groups of 50,
replicate r gives the rows of group r weight 0 and the others ``w * 80/79`` (rounded to 4
decimals, as published replicate weights are). The variance is the JK1 formula
``(R-1)/R * sum_r (theta_r - mean_r theta_r)^2`` (R ``svrepdesign(type="JK1",
scale=79/80, mse=FALSE)``, svy ``JackknifeWgts(kind="jk1")``, whose default coefficient is
the same (R-1)/R and whose default centre is the replicate mean).

The data is written once to a CSV; every tool reads that file (pandas, polars, R
``data.table::fread``). Reading is timed separately and is not in the table. Times are wall
clock, best of ``--repeat`` runs after one warm-up: in-process for Python, and for R inside
one Rscript that times itself with ``system.time`` and prints CSV on stdout (R start-up and
package loading are excluded).

Tasks: (a) declare the design (strata, PSUs, weights; PSUs with replacement, no fpc) and
estimate the means and SEs of ``y`` and ``b``; (b) the mean of ``y`` in 10 domains, on the
declared design, against the single mean on the same design; (c) the same two means with the
80 replicate weights, against the bare numpy product ``X.T @ W`` that computes the replicate
estimates. Bare numpy for (a) is the floor: the same variance with ids already coded. (a) and
(b) get a frame of the 6 columns they use (selected after reading, outside the timing); (a)
is repeated on all 87 columns, because declaring a design costs svy more on a wider frame.

The script also checks that the tools agree (max relative difference of estimates and SEs,
R survey as the reference) and prints what it finds; no difference is hidden.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, write_section
from bench_design import bare_numpy
from bench_design import make_data as make_base_data

import surveystats

N_REPS = 80
REP_SCALE = (N_REPS - 1) / N_REPS
REP_COLS = [f"rw{r}" for r in range(1, N_REPS + 1)]
NARROW = ["stratum", "psu", "w", "y", "b", "region"]  # the columns tasks (a) and (b) use
SEED = 20251213

#: Targets for the surveystats column (the issue asking for this benchmark).
TARGET_A_SVY = 5.0
TARGET_A_R = 40.0
TARGET_B_RATIO = 2.0
TARGET_C_RATIO = 3.0
TARGET_C_SVY = 2.0  # issue 11: declaring the 80-replicate design (and the means) vs svy

TASKS: list[tuple[str, str]] = [
    ("a", "(a) declare design + mean and SE of y and b"),
    ("a_wide", "(a) the same on all 87 columns (80 replicate weights unused)"),
    ("a_np", "(a) bare numpy, same variance (ids pre-coded, no checks)"),
    ("b0", "(b) mean and SE of y, design declared"),
    ("b", "(b) mean and SE of y in 10 domains, design declared"),
    ("c", "(c) declare 80 JK1 replicate weights + mean and SE of y and b"),
    ("c2", "(c) mean and SE of y and b, replicate design declared"),
    ("c_np", "(c) bare numpy X.T @ W, X = [y, b, 1] (n x 3), W (n x 80): replicate sums"),
]

Result = dict[str, tuple[np.ndarray, np.ndarray]]  # task -> (estimates, SEs)
Times = dict[str, float | str]  # task -> seconds, or why not measured


def df_text(values: Any) -> str:
    """Distinct degrees of freedom, as text."""
    return "/".join(f"{v:g}" for v in sorted({float(v) for v in np.ravel(values)}))


# --- data -----------------------------------------------------------------------------------
def make_data(rows_per_psu: int, seed: int = SEED) -> pd.DataFrame:
    """The bench_design data, rounded, plus 80 delete-a-group jackknife replicate weights."""
    df = make_base_data(rows_per_psu=rows_per_psu, seed=seed)
    rng = np.random.default_rng(seed + 1)
    n_psu = int(df["psu"].max()) + 1
    if n_psu % N_REPS:
        raise SystemExit(f"{n_psu} PSUs do not split into {N_REPS} equal groups")
    group = rng.permutation(np.repeat(np.arange(N_REPS), n_psu // N_REPS))[df["psu"].to_numpy()]
    w = np.round(df["w"].to_numpy(), 2)
    df["w"] = w
    df["y"] = np.round(df["y"].to_numpy(), 3)
    rep = np.round(w[:, None] * (N_REPS / (N_REPS - 1))
                   * (group[:, None] != np.arange(N_REPS)[None, :]), 4)
    return pd.concat([df, pd.DataFrame(rep, columns=REP_COLS, index=df.index)], axis=1)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write with polars when it is there (about 30x faster than pandas), else pandas."""
    try:
        import polars as pl
    except ImportError:
        df.to_csv(path, index=False)
        return
    pl.DataFrame({c: df[c].to_numpy() for c in df.columns}).write_csv(path)


# --- surveystats ------------------------------------------------------------------------------
def ours_a(df: pd.DataFrame) -> Any:
    design = surveystats.SurveyDesign(df, weights="w", strata="stratum", clusters="psu")
    return design.mean(["y", "b"])


def ours_replicate() -> tuple[Callable[[pd.DataFrame], Any] | None, str]:
    """surveystats' replicate-weight design, or None and the reason it cannot run.

    ``ReplicateDesign`` (R's ``svrepdesign``) is looked up at the top level and in
    ``surveystats.design``; a TypeError or ValueError from the first call is reported as
    "not available" with its message rather than stopping the benchmark.
    """
    cls = getattr(surveystats, "ReplicateDesign", None) or getattr(
        importlib.import_module("surveystats.design"), "ReplicateDesign", None)
    if cls is None:
        return None, "not available (surveystats.ReplicateDesign does not exist yet)"

    def declare(df: pd.DataFrame) -> Any:
        return cls(df, weights="w", replicate_weights=REP_COLS, type="jk1",
                   scale=REP_SCALE, mse=False)

    return declare, ""


def est_se(res: Any) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(res.estimate, dtype=float), np.asarray(res.se, dtype=float)


def by_domain(res: Any) -> tuple[np.ndarray, np.ndarray]:
    """surveystats domain estimates in the order of the domain labels 0..9."""
    labels = [int(d[0] if isinstance(d, tuple) else d) for d in res.domain]
    order = np.argsort(labels)
    return np.asarray(res.estimate)[order], np.asarray(res.se)[order]


def run_surveystats(path: Path, repeat: int
                    ) -> tuple[Times, Result, float, dict[str, str]]:
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    read = time.perf_counter() - t0
    times: Times = {}
    res: Result = {}
    dfs: dict[str, str] = {}

    df6 = df[NARROW].copy()
    design = surveystats.SurveyDesign(df6, weights="w", strata="stratum", clusters="psu")
    out = ours_a(df6)
    res["a"], dfs["a"] = est_se(out), df_text(out.df)
    res["a_np"] = bare_numpy(df6)
    out = design.mean("y", by="region")
    res["b"], dfs["b"] = by_domain(out), df_text(out.df)
    times["a"] = best_of(lambda: ours_a(df6), repeat)
    times["a_wide"] = best_of(lambda: ours_a(df), repeat)
    times["a_np"] = best_of(lambda: bare_numpy(df6), repeat)
    times["b0"] = best_of(lambda: design.mean("y"), repeat)
    times["b"] = best_of(lambda: design.mean("y", by="region"), repeat)

    # (c) the bare matrix product, in the layout BLAS reads fastest (X.T stored as a C-contiguous
    # 3 x n array, W as C-contiguous n x 80), and the JK1 variance from it (reference values)
    xt = np.vstack([df["y"].to_numpy(float), df["b"].to_numpy(float), np.ones(len(df))])
    w_rep = np.ascontiguousarray(df[REP_COLS].to_numpy(float))
    times["c_np"] = best_of(lambda: xt @ w_rep, repeat)
    totals = xt @ w_rep
    theta = totals[:2] / totals[2]
    full = xt[:2] @ df["w"].to_numpy() / df["w"].sum()
    dev = theta - theta.mean(axis=1, keepdims=True)
    res["c_np"] = (full, np.sqrt(REP_SCALE * (dev * dev).sum(axis=1)))

    declare, why = ours_replicate()
    if declare is None:
        times["c"] = times["c2"] = why
    else:
        try:
            rdesign = declare(df)
        except (TypeError, ValueError) as exc:
            times["c"] = times["c2"] = f"not available (ReplicateDesign call: {exc})"
        else:
            out = rdesign.mean(["y", "b"])
            res["c"], dfs["c"] = est_se(out), df_text(out.df)
            times["c"] = best_of(lambda: declare(df).mean(["y", "b"]), repeat)
            times["c2"] = best_of(lambda: rdesign.mean(["y", "b"]), repeat)
    return times, res, read, dfs


# --- svy --------------------------------------------------------------------------------------
def run_svy(path: Path, repeat: int
            ) -> tuple[Times, Result, float, dict[str, str], str, list[str]]:
    """svy 0.35 API: ``svy.Sample(polars_frame, svy.Design(...)).estimation.mean(...)``."""
    import polars as pl
    import svy

    t0 = time.perf_counter()
    data = pl.read_csv(path)
    read = time.perf_counter() - t0
    taylor = svy.Design(stratum="stratum", psu="psu", wgt="w", wr=True)
    # kind="jk1": coefficient (R-1)/R for every replicate, centred at the replicate mean.
    jk = svy.Design(wgt="w", rep_wgts=svy.JackknifeWgts(prefix="rw", n_reps=N_REPS, kind="jk1"))

    data6 = data.select(NARROW)

    def a() -> Any:
        return svy.Sample(data6, taylor).estimation.mean(["y", "b"])

    def a_wide() -> Any:
        return svy.Sample(data, taylor).estimation.mean(["y", "b"])

    sample = svy.Sample(data6, taylor)

    # method="replication" is explicit: svy 0.35's docs say a design with only replicate
    # weights uses replication, but without it mean() warns and uses Taylor (checked below).
    def c() -> Any:
        return svy.Sample(data, jk).estimation.mean(["y", "b"], method="replication")

    rsample = svy.Sample(data, jk)

    def c2() -> Any:
        return rsample.estimation.mean(["y", "b"], method="replication")

    def pair(out: Any, task: str) -> tuple[np.ndarray, np.ndarray]:
        frames = [e.to_polars() for e in out]
        dfs[task] = df_text([f["df"][0] for f in frames])
        return (np.array([f["est"][0] for f in frames]), np.array([f["se"][0] for f in frames]))

    times: Times = {}
    res: Result = {}
    dfs: dict[str, str] = {}
    notes: list[str] = []
    version = f"svy {svy.__version__} (polars {pl.__version__})"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res["a"] = pair(a(), "a")
        dom = sample.estimation.mean("y", by="region").to_polars().sort("region")
        res["b"], dfs["b"] = (dom["est"].to_numpy(), dom["se"].to_numpy()), df_text(dom["df"])
        res["c"] = pair(c(), "c")
        with warnings.catch_warnings():  # its warning is the point of this check
            warnings.simplefilter("ignore")
            default = pair(rsample.estimation.mean(["y", "b"]), "c_default")
        if not np.allclose(default[1], res["c"][1], rtol=1e-6):
            notes.append(
                f"{version}: on the design with only replicate weights, `mean()` without "
                "`method=\"replication\"` warns and returns a Taylor SE with no strata or "
                f"clusters ({', '.join(f'{q:.2f}' for q in default[1] / res['c'][1])} times "
                "the replicate SE of y and b), although svy's docs (the `mean()` docstring "
                "and its estimation guide) say such a design uses replication; the table "
                "passes `method=\"replication\"`.")
        times["a"] = best_of(a, repeat)
        times["a_wide"] = best_of(a_wide, repeat)
        times["b0"] = best_of(lambda: sample.estimation.mean("y"), repeat)
        times["b"] = best_of(lambda: sample.estimation.mean("y", by="region"), repeat)
        times["c"] = best_of(c, repeat)
        times["c2"] = best_of(c2, repeat)
    for msg in sorted({str(w.message) for w in caught}):
        print(f"svy warned: {msg}")
    dfs.pop("c_default")
    return times, res, read, dfs, version, notes


# --- R survey ---------------------------------------------------------------------------------
R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; reps <- as.integer(args[2]); scale <- as.numeric(args[3])
out <- function(kind, task, key, value)
  cat(sprintf("%s,%s,%s,%s\n", kind, task, key, value), sep = "")
num <- function(x) sprintf("%.17g", x)
put <- function(task, m) {
  est <- coef(m); se <- as.numeric(SE(m))
  for (i in seq_along(est)) {
    out("est", task, names(est)[i], num(est[[i]])); out("se", task, names(est)[i], num(se[i]))
  }
}
best <- function(f) {
  f()
  min(vapply(seq_len(reps), function(i) system.time(f())[["elapsed"]], 0))
}
has_dt <- requireNamespace("data.table", quietly = TRUE)
t_read <- system.time(
  d <- if (has_dt) as.data.frame(data.table::fread(path)) else read.csv(path)
)[["elapsed"]]
out("meta", "", "R", R.version$version.string)
out("meta", "", "survey", as.character(packageVersion("survey")))
out("meta", "", "reader", if (has_dt) "data.table::fread" else "read.csv")
out("read", "", "", num(t_read))

d6 <- d[, c("stratum", "psu", "w", "y", "b", "region")]
a <- function(data) {
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = data)
  svymean(~y + b, des)
}
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d6)
out("meta", "", "degf", degf(des))
put("a", a(d6))
put("b", svyby(~y, ~region, des, svymean))
out("time", "a", "", num(best(function() a(d6))))
out("time", "a_wide", "", num(best(function() a(d))))
out("time", "b0", "", num(best(function() svymean(~y, des))))
out("time", "b", "", num(best(function() svyby(~y, ~region, des, svymean))))

rdeclare <- function() svrepdesign(data = d, repweights = "^rw[0-9]+$", weights = ~w,
                                   type = "JK1", scale = scale, combined.weights = TRUE,
                                   mse = FALSE)
rdes <- rdeclare()
out("meta", "", "replicate_degf", degf(rdes))
put("c", svymean(~y + b, rdes))
out("time", "c", "", num(best(function() svymean(~y + b, rdeclare()))))
out("time", "c2", "", num(best(function() svymean(~y + b, rdes))))
"""


def run_r(path: Path, repeat: int, workdir: Path
          ) -> tuple[Times, Result, float, dict[str, str], str]:
    script = workdir / "bench_design_peers.R"
    script.write_text(R_SCRIPT)
    proc = subprocess.run(["Rscript", str(script), str(path), str(repeat), repr(REP_SCALE)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"Rscript failed:\n{proc.stderr[-2000:]}")
    if proc.stderr.strip():
        print(f"R said: {proc.stderr.strip()}")
    times: Times = {}
    vals: dict[tuple[str, str], dict[str, float]] = {}
    meta: dict[str, str] = {}
    read = float("nan")
    for line in proc.stdout.splitlines():
        kind, task, key, value = line.split(",", 3)
        if kind == "meta":
            meta[key] = value
        elif kind == "read":
            read = float(value)
        elif kind == "time":
            times[task] = float(value)
        else:
            vals.setdefault((kind, task), {})[key] = float(value)
    res: Result = {}
    for task in ("a", "b", "c"):
        keys = list(vals[("est", task)])  # y, b in R's order; domains by their number
        if all(k.isdigit() for k in keys):
            keys.sort(key=int)
        res[task] = (np.array([vals[("est", task)][k] for k in keys]),
                     np.array([vals[("se", task)][k] for k in keys]))
    version = (f"{meta['R'].removeprefix('R version ')}, survey {meta['survey']} (reads with "
               f"{meta['reader']})")
    dfs = {"a": meta["degf"], "b": "none (svyby gives none)", "c": meta["replicate_degf"]}
    return times, res, read, dfs, version


def r_available() -> str:
    """Empty if Rscript and the survey package are there, else why not."""
    if shutil.which("Rscript") is None:
        return "Rscript not found"
    proc = subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, text=True,
                          check=False)
    return "" if proc.returncode == 0 else "the R package 'survey' is not installed"


# --- report -----------------------------------------------------------------------------------
def fmt_time(t: float | str | None) -> str:
    if t is None:
        return "not run"
    if isinstance(t, str):
        return t.split(" (")[0]  # the reason goes under the table
    return f"{t:.4f}" if t < 0.01 else f"{t:.3f}"


def speedup(peer: float | str | None, ours: float | str | None) -> str:
    if isinstance(peer, float) and isinstance(ours, float):
        return f"{peer / ours:.1f}x"
    return "—"


def max_rel(x: np.ndarray, ref: np.ndarray) -> float:
    return float(np.max(np.abs(x - ref) / np.abs(ref)))


def agreement(results: dict[str, Result]) -> list[str]:
    """Max relative differences of estimates and SEs against R survey (else numpy)."""
    rows = []
    for task, what in (("a", "(a) y and b"), ("b", "(b) y in 10 domains"),
                       ("c", "(c) y and b, 80 JK1 replicates")):
        found = [(name, res[task]) for name, res in results.items() if task in res]
        numpy_ref = results["surveystats"].get(f"{task}_np")
        if numpy_ref is not None:
            found.append(("bare numpy", numpy_ref))
        ref_name, ref = next(((n, r) for n, r in found if n == "R survey"), found[-1])
        for name, (est, se) in found:
            if name != ref_name:
                rows.append(f"| {what} | {name} vs {ref_name} | {max_rel(est, ref[0]):.1e} "
                            f"| {max_rel(se, ref[1]):.1e} |")
    return ["Agreement, max relative difference:", "",
            "| estimates | tools | estimate | SE |", "|---|---|---:|---:|", *rows]


def targets(ours: dict[str, float | str], svy_t: dict[str, float | str] | None,
            r_t: dict[str, float | str] | None) -> list[str]:
    def ratio(num: float | str | None, den: float | str | None) -> float | None:
        ok = isinstance(num, float) and isinstance(den, float)
        return num / den if ok else None  # type: ignore[operator]

    def line(text: str, value: float | None, goal: float, at_least: bool) -> str:
        if value is None:
            return f"* {text}: not measured"
        met = value >= goal if at_least else value <= goal
        return f"* {text}: {value:.1f}x ({'met' if met else 'NOT met'})"

    return [
        "Targets for surveystats:", "",
        line(f"(a) at least {TARGET_A_SVY:g}x faster than svy",
             ratio(svy_t.get("a") if svy_t else None, ours.get("a")), TARGET_A_SVY, True),
        line(f"(a) at least {TARGET_A_R:g}x faster than R survey",
             ratio(r_t.get("a") if r_t else None, ours.get("a")), TARGET_A_R, True),
        line(f"(b) 10 domains at most {TARGET_B_RATIO:g}x the single mean",
             ratio(ours.get("b"), ours.get("b0")), TARGET_B_RATIO, False),
        line(f"(c) replicate means (design declared) within {TARGET_C_RATIO:g}x of the "
             "matrix product", ratio(ours.get("c2"), ours.get("c_np")), TARGET_C_RATIO, False),
        line(f"(c) declaring 80 replicate weights + the means at least {TARGET_C_SVY:g}x "
             "faster than svy", ratio(svy_t.get("c") if svy_t else None, ours.get("c")),
             TARGET_C_SVY, True),
    ]


def peer_arguments(description: str) -> argparse.Namespace:
    """The options every peer benchmark takes (this one and ``bench_models_peers.py``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after a warm-up")
    parser.add_argument("--rows-per-psu", type=int, default=250,
                        help="250 gives 1,000,000 rows; smaller for a quick try")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="keep the CSV here and reuse it (default: a temporary directory)")
    parser.add_argument("--no-r", action="store_true", help="skip R survey")
    parser.add_argument("--no-svy", action="store_true", help="skip svy")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    return parser.parse_args()


def ensure_csv(path: Path, make: Callable[[], pd.DataFrame]) -> None:
    """Write the benchmark's CSV unless an earlier run left it at ``path``."""
    if path.exists():
        return
    t0 = time.perf_counter()
    df = make()
    n_rows = len(df)
    write_csv(df, path)
    del df
    print(f"wrote {n_rows:,} rows to {path} in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    args = peer_arguments(__doc__.split("\n\n")[0])

    with tempfile.TemporaryDirectory(prefix="bench_design_peers_") as tmp:
        workdir = args.data_dir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / f"design_peers_{args.rows_per_psu}_{SEED}.csv"
        ensure_csv(path, lambda: make_data(args.rows_per_psu))

        timings: dict[str, Times | None] = {}
        results: dict[str, Result] = {}
        dfs: dict[str, dict[str, str]] = {}
        reads: dict[str, float] = {}
        versions = [f"surveystats {surveystats.__version__}"]
        skipped: list[str] = []
        notes: list[str] = []

        (timings["surveystats"], results["surveystats"], reads["pandas"],
         dfs["surveystats"]) = run_surveystats(path, args.repeat)

        timings["svy"] = None
        if args.no_svy:
            skipped.append("svy (--no-svy)")
        elif importlib.util.find_spec("svy") is None:
            msg = ("svy is not importable in this Python; install it in a separate venv "
                   "(see the top of this script) to include it")
            print(f"skipping svy: {msg}")
            skipped.append("svy (not installed)")
        else:
            (timings["svy"], results["svy"], reads["polars"], dfs["svy"], ver,
             svy_notes) = run_svy(path, args.repeat)
            versions.append(ver)
            notes += svy_notes

        timings["R survey"] = None
        why = "--no-r" if args.no_r else r_available()
        if why:
            print(f"skipping R survey: {why}")
            skipped.append(f"R survey ({why})")
        else:
            (timings["R survey"], results["R survey"], reads["R"], dfs["R survey"],
             ver) = run_r(path, args.repeat, workdir)
            versions.append(f"R {ver}")

    ours = timings["surveystats"] or {}
    svy_t, r_t = timings["svy"], timings["R survey"]
    if isinstance(ours.get("c"), str):
        notes.insert(0, f"surveystats (c): {ours['c']}.")
    n_rows = args.rows_per_psu * 4000
    table = []
    for key, label in TASKS:
        s = svy_t.get(key) if svy_t else None
        r = r_t.get(key) if r_t else None
        if key.endswith("_np"):
            s = r = "—"
        table.append(f"| {label} | {fmt_time(ours.get(key))} | {fmt_time(s)} | {fmt_time(r)} "
                     f"| {speedup(s, ours.get(key))} | {speedup(r, ours.get(key))} |")
    reading = ", ".join(f"{k} {v:.1f} s" for k, v in reads.items())
    lines = [
        "## Design-based estimation against R survey and svy",
        "",
        "`benchmarks/bench_design_peers.py`",
        "",
        f"Measured on: {machine()}. Tools: {'; '.join(versions)}."
        + (f" Not run: {', '.join(skipped)}." if skipped else ""),
        "",
        f"Data: {n_rows:,} rows, 200 strata, 4,000 PSUs (20 per stratum), random weights, a "
        "binary and a continuous variable, a 10-level domain and 80 delete-a-group "
        "jackknife replicate weights (JK1 variance, scale 79/80, centred at the replicate "
        "mean), all read by every tool from one CSV. Reading is not in the table "
        f"({reading}). Tasks (a) and (b) get the 6 columns they use (selected after reading, "
        "outside the timing), except the row that says otherwise; (c) gets all 87. "
        f"Seconds of wall clock, best of {args.repeat} runs after a warm-up; "
        "Python in-process, R timed inside one Rscript with `system.time` (start-up "
        "excluded). Speed-up = peer's time / surveystats' time. \"Design declared\": the "
        "design object is built once outside the timing. The bare numpy rows are the floor "
        "for surveystats, with no design object, ids pre-coded and no checks.",
        "",
        "| task | surveystats (s) | svy (s) | R survey (s) | speed-up vs svy | "
        "speed-up vs R |",
        "|---|---:|---:|---:|---:|---:|",
        *table,
        "",
        *targets(ours, svy_t, r_t),
        "",
        *agreement(results),
        "",
        "Degrees of freedom reported with the estimates: "
        + "; ".join(f"({task}) " + ", ".join(f"{tool} {d[task]}" for tool, d in dfs.items()
                                             if task in d)
                    for task in ("a", "b", "c") if any(task in d for d in dfs.values()))
        + ".",
        *[line for note in notes for line in ("", note)],
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if args.write:
        write_section("design_peers", markdown)


if __name__ == "__main__":
    main()
