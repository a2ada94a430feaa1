"""Benchmark: proportion intervals for 1,000,000 (p, n) pairs, against statsmodels and numpy.

Run ``python benchmarks/bench_proportion_ci.py --write`` to update docs/performance.md.
Every number in the table comes from the same run, on the same data.

Targets (issue 2): clopper_pearson and jeffreys at least 10x faster than statsmodels'
``beta`` and ``jeffreys``; wald and wilson within 1.5x of the bare numpy formula.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import special
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, write_section

import surveystats as ss

STATSMODELS = {
    "wald": "normal",
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
}


def bare_wald(p: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    half = z * np.sqrt(p * (1 - p) / n)
    return np.clip(p - half, 0, 1), np.clip(p + half, 0, 1)


def bare_wilson(p: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    z2 = z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return np.clip(center - half, 0, 1), np.clip(center + half, 0, 1)


BARE = {"wald": bare_wald, "wilson": bare_wilson}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()

    rng = np.random.default_rng(20251213)
    n = rng.integers(50, 5001, args.size)
    x = rng.binomial(n, rng.uniform(0.01, 0.99, args.size))
    p = x / n
    nf = n.astype(float)
    z = float(special.ndtri(0.975))

    rows = []
    for method in ss.INTERVAL_METHODS:
        t_ours = best_of(lambda m=method: ss.proportion_ci(p, nf, method=m), args.repeat)
        t_sm = t_bare = None
        if method in STATSMODELS:
            t_sm = best_of(lambda m=method: proportion_confint(x, n, method=STATSMODELS[m]),
                           args.repeat)
        if method in BARE:
            t_bare = best_of(lambda m=method: BARE[m](p, nf, z), args.repeat)
        rows.append((method, t_ours, t_sm, t_bare))
        print(f"{method:18s} ours {t_ours:8.4f} s  statsmodels "
              f"{'-' if t_sm is None else f'{t_sm:.4f}'}  bare numpy "
              f"{'-' if t_bare is None else f'{t_bare:.4f}'}", flush=True)

    def cell(t: float | None) -> str:
        return "–" if t is None else f"{t:.3f}"

    lines = [
        f"Measured on: {machine()}. {args.size:,} (p, n) pairs, n uniform in [50, 5000], "
        f"best of {args.repeat} runs after a warm-up; seconds per call.",
        "",
        "| method | surveystats | statsmodels `proportion_confint` | bare numpy formula | "
        "speed-up vs statsmodels | ratio to bare numpy |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for method, t_ours, t_sm, t_bare in rows:
        speed = "–" if t_sm is None else f"{t_sm / t_ours:.1f}x"
        ratio = "–" if t_bare is None else f"{t_ours / t_bare:.2f}"
        lines.append(f"| {method} | {cell(t_ours)} | {cell(t_sm)} | {cell(t_bare)} | {speed} | "
                     f"{ratio} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("proportion_ci", table)


if __name__ == "__main__":
    main()
