"""Benchmark: scenario grid (1,000,000 cells) and probabilistic bias analysis (1,000,000 draws).

Run ``python benchmarks/bench_bias.py --write`` to update docs/performance.md. There is no
peer for these on a single reported share (episensr's probsens works on 2x2 tables), so the
comparison is with the same computation written as a Python loop per cell / per draw, timed
on a subset and scaled.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, write_section

import surveystats as ss
from surveystats.bias import (
    Coverage,
    Falsification,
    LogNormal,
    Nonresponse,
    Trapezoidal,
    Uniform,
)


def grid() -> object:
    return ss.scenario_grid(
        np.linspace(0.5, 0.8, 10), 1600, deff=[1.0, 1.5, 2.25, 3.0],
        odds_ratio=np.linspace(1.0, 1.5, 50), falsification=np.linspace(0.0, 0.2, 50),
        uncovered_share=[0.02, 0.05, 0.1, 0.15, 0.2], coverage_difference=[-0.2, -0.1])


PRIORS = {
    "odds_ratio": LogNormal.from_interval(1.0, 1.42),
    "falsification": Trapezoidal(0.0, 0.05, 0.10, 0.14),
    "uncovered_share": Uniform(0.02, 0.10),
    "coverage_difference": Uniform(-0.30, -0.10),
    "house_effect": Uniform(-0.02, 0.02),
}


def pba(draws: int) -> object:
    return ss.probabilistic_bias_analysis(0.70, 1600, PRIORS, deff=1.5, draws=draws, rng=1)


def loop_grid(cells: int) -> float:
    """Per-cell Python loop with the mechanism objects and proportion_ci, ``cells`` cells."""
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(cells):
        k, f = rng.uniform(1.0, 1.5), rng.uniform(0.0, 0.2)
        sc = ss.Scenario([Coverage(0.05, -0.2), Nonresponse(k), Falsification(f)], deff=1.5)
        sc.apply(0.7, 1600)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    cells = len(grid())  # type: ignore[arg-type]
    t_grid = best_of(grid, args.repeat)
    t_pba = best_of(lambda: pba(1_000_000), args.repeat)
    loop_n = 2_000
    t_loop = loop_grid(loop_n) * cells / loop_n
    rows = [
        ("scenario_grid", f"{cells:,} cells (10 shares x 4 deff x 50 odds ratios x 50 "
         "falsification shares x 5 x 2 coverage values)", t_grid, t_loop),
        ("probabilistic_bias_analysis", "1,000,000 draws, 5 priors, random error", t_pba,
         None),
    ]
    lines = [
        f"Measured on: {machine()}; best of {args.repeat} runs after a warm-up.",
        "",
        "| function | work | surveystats (s) | Python loop per cell with `Scenario.apply`, "
        "scaled from 2,000 cells (s) |",
        "|---|---|---:|---:|",
    ]
    for name, work, t, t_l in rows:
        lines.append(f"| `{name}` | {work} | {t:.3f} | {'–' if t_l is None else f'{t_l:.0f}'} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("bias", table)


if __name__ == "__main__":
    main()
