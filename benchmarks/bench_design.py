"""Benchmark: design-based means and SEs on 1,000,000 rows, 200 strata, 4,000 PSUs.

Run ``python benchmarks/bench_design.py`` (``--write`` updates docs/performance.md).

Synthetic stratified one-stage cluster sample (seeded): 200 strata of 20 PSUs each, 250 rows
per PSU, random weights, a binary and a continuous variable and a 10-level domain
variable. Timed:

* ``SurveyDesign`` + mean and SE of both variables (the whole user-facing path: factorize
  the ids, check them, weighted means, PSU totals, variance);
* the same means by 10 domains, on the declared design;
* a bare numpy implementation of the same stratified-cluster variance (ids already
  integer-coded, no checks), the floor any implementation must pay;
* 80 replicate weights on the same 1,000,000 rows (Fay half-samples of the PSUs, rho 0.5,
  as an agency would publish them): declaring the ``ReplicateDesign`` (copy and rank of the
  1,000,000 x 80 matrix), then means and SEs of both variables through the replicates,
  against the bare matrix product ``[y, b, 1] @ W`` that every replicate mean comes from.

Targets: (issue 5, part A) the first line under about 0.15 s on a 2-core machine; for
comparison the lead measured R survey 4.1.1 (``svydesign`` + ``svymean``) at about 7 s and
the Python package svy at about 1.3 s on the same task. (Part B) replicate means within 3x
of the bare matrix product.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, write_section

from surveystats.design import ReplicateDesign, SurveyDesign

N_REPLICATES = 80
FAY_RHO = 0.5


def make_data(n_strata: int = 200, psu_per_stratum: int = 20, rows_per_psu: int = 250,
              seed: int = 20251213) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_psu = n_strata * psu_per_stratum
    n = n_psu * rows_per_psu
    psu = np.repeat(np.arange(n_psu), rows_per_psu)
    stratum = psu // psu_per_stratum
    psu_effect = rng.normal(0.0, 0.5, n_psu)[psu]
    y = 50.0 + 10.0 * psu_effect + rng.normal(0.0, 10.0, n)
    b = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-psu_effect))).astype(np.int8)
    return pd.DataFrame({
        "stratum": stratum,
        "psu": psu,
        "w": rng.uniform(50.0, 150.0, n),
        "y": y,
        "b": b,
        "region": rng.integers(0, 10, n),
    })


def bare_numpy(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Means and SEs of y and b with ids already coded 0..K-1 (no checks, no fpc)."""
    w = df["w"].to_numpy()
    psu = df["psu"].to_numpy()
    n_psu = int(psu.max()) + 1
    stratum_of_psu = np.zeros(n_psu, dtype=np.int64)
    stratum_of_psu[psu] = df["stratum"].to_numpy()
    n_strata = int(stratum_of_psu.max()) + 1
    big_n = w.sum()
    est, se = [], []
    n_h = np.bincount(stratum_of_psu, minlength=n_strata)
    for col in ("y", "b"):
        x = df[col].to_numpy(dtype=np.float64)
        m = x @ w / big_n
        t = np.bincount(psu, weights=w * (x - m) / big_n, minlength=n_psu)
        tbar = np.bincount(stratum_of_psu, weights=t, minlength=n_strata) / n_h
        c = t - tbar[stratum_of_psu]
        v = np.bincount(stratum_of_psu, weights=c * c, minlength=n_strata)
        est.append(m)
        se.append(np.sqrt(np.sum(v * n_h / (n_h - 1))))
    return np.array(est), np.array(se)


def replicate_weights(df: pd.DataFrame, seed: int = 20251214) -> np.ndarray:
    """(n, 80) Fay replicate weights: each PSU gets factor 2 - rho or rho per replicate."""
    rng = np.random.default_rng(seed)
    psu = df["psu"].to_numpy()
    half = rng.uniform(size=(int(psu.max()) + 1, N_REPLICATES)) < 0.5
    factors = np.where(half, 2.0 - FAY_RHO, FAY_RHO)
    return np.ascontiguousarray(df["w"].to_numpy()[:, None] * factors[psu])


def bare_replicate_means(df: pd.DataFrame, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Means of y and b in every replicate from one matrix product, and their Fay SEs."""
    X = np.vstack([df["y"].to_numpy(), df["b"].to_numpy(dtype=np.float64),
                   np.ones(len(df))])
    sums = X @ W  # (3, R)
    reps = sums[:2] / sums[2]
    w = df["w"].to_numpy()
    full = X[:2] @ w / w.sum()
    dev = reps - reps.mean(axis=1, keepdims=True)
    scale = 1.0 / (N_REPLICATES * (1.0 - FAY_RHO) ** 2)
    return full, np.sqrt(scale * (dev * dev).sum(axis=1))


def ours(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    design = SurveyDesign(df, weights="w", strata="stratum", clusters="psu")
    res = design.mean(["y", "b"])
    return res.estimate, res.se


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()

    df = make_data()
    design = SurveyDesign(df, weights="w", strata="stratum", clusters="psu")
    est, se = ours(df)
    est0, se0 = bare_numpy(df)
    if not (np.allclose(est, est0, rtol=1e-10) and np.allclose(se, se0, rtol=1e-8)):
        raise SystemExit(f"results differ: {est} {se} vs {est0} {se0}")
    W = replicate_weights(df)
    rep_design = ReplicateDesign(df, replicate_weights=W, weights="w", type="fay",
                                 fay_rho=FAY_RHO)
    rep = rep_design.mean(["y", "b"])
    est1, se1 = bare_replicate_means(df, W)
    if not (np.allclose(rep.estimate, est1, rtol=1e-10) and np.allclose(rep.se, se1,
                                                                          rtol=1e-8)):
        raise SystemExit(f"replicate results differ: {rep.estimate} {rep.se} vs {est1} {se1}")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = [
            ("SurveyDesign + mean and SE of 2 variables", best_of(lambda: ours(df),
                                                                  args.repeat)),
            ("mean and SE of 2 variables by 10 domains (design declared)",
             best_of(lambda: design.mean(["y", "b"], by="region"), args.repeat)),
            ("SurveyDesign + 2 means by 10 domains",
             best_of(lambda: SurveyDesign(df, weights="w", strata="stratum",
                                          clusters="psu").mean(["y", "b"], by="region"),
                     args.repeat)),
            ("bare numpy, same variance (ids pre-coded, no checks)",
             best_of(lambda: bare_numpy(df), args.repeat)),
            (f"ReplicateDesign from a 1,000,000 x {N_REPLICATES} array of replicate weights "
             "(copy, checks, rank for df)",
             best_of(lambda: ReplicateDesign(df, replicate_weights=W, weights="w",
                                             type="fay", fay_rho=FAY_RHO), args.repeat)),
            (f"mean and SE of 2 variables via {N_REPLICATES} replicate weights (design "
             "declared)", best_of(lambda: rep_design.mean(["y", "b"]), args.repeat)),
            (f"bare numpy: the matrix product [y, b, 1] @ W behind those {N_REPLICATES} "
             "replicate means", best_of(lambda: bare_replicate_means(df, W), args.repeat)),
        ]
    n, n_psu = len(df), df["psu"].nunique()
    lines = [
        f"Design-based means on {n:,} rows, {df['stratum'].nunique()} strata, {n_psu:,} PSUs "
        f"(best of {args.repeat}); {machine()}",
        "",
        "| task | seconds |",
        "|---|---|",
        *[f"| {label} | {sec:.3f} |" for label, sec in rows],
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("design", table)


if __name__ == "__main__":
    main()
