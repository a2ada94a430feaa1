"""Benchmark: simulate_poll, 100,000 polls of n = 1,600 with every mechanism on.

Run ``python benchmarks/bench_simulate.py --write`` to update docs/performance.md.

Target: 100,000 polls of n = 1,600 in about two seconds. The reference point is the obvious
loop, one poll at a time with the same steps (numpy draws per poll); it is timed on fewer
polls and scaled linearly, which the table says.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, write_section

from surveystats import proportion_ci
from surveystats._simulate import simulate_poll

TRUE_P, N = 0.62, 1600

ALL_ON: dict[str, Any] = dict(
    uncovered_share=0.05,
    uncovered_difference=-0.20,
    response_odds_ratio=1.2,
    falsification=0.07,
    reverse_falsification=0.01,
    weighting_group_share=0.40,
    group_difference=0.15,
    group_response_ratio=1.5,
)


def loop_per_poll(polls: int, rng: np.random.Generator) -> np.ndarray:
    """The same model, one poll at a time (the reference point)."""
    w, k, r = 0.40, 1.2, 1.5
    p_c = TRUE_P - 0.05 * -0.20
    p1, p0 = p_c + (1 - w) * 0.15, p_c - w * 0.15
    cells = np.array([w * p1 * r * k, w * (1 - p1) * r,
                      (1 - w) * p0 * k, (1 - w) * (1 - p0)])
    cells /= cells.sum()
    out = np.empty(polls)
    for i in range(polls):
        c = rng.multinomial(N, cells)
        yes = c[0::2] - rng.binomial(c[0::2], 0.01) + rng.binomial(c[1::2], 0.07)
        size = c[0::2] + c[1::2]
        est = w * yes[0] / size[0] + (1 - w) * yes[1] / size[1]
        deff = N * (w * w / size[0] + (1 - w) ** 2 / size[1])
        out[i] = proportion_ci(est, N, deff=deff).low
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=100_000)
    parser.add_argument("--loop-polls", type=int, default=2_000,
                        help="polls for the one-poll-at-a-time reference (scaled up)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()

    scenarios: list[tuple[str, dict[str, Any]]] = [
        ("no bias, deff = 1", {}),
        ("all mechanisms, deff = 1", ALL_ON),
        ("all mechanisms, deff = \"kish\"", {**ALL_ON, "deff": "kish"}),
        ("all mechanisms, deff = \"kish\", Clopper-Pearson",
         {**ALL_ON, "deff": "kish", "method": "clopper_pearson"}),
    ]
    rows = []
    for label, kwargs in scenarios:
        t = best_of(lambda kw=kwargs: simulate_poll(TRUE_P, N, polls=args.polls, rng=1, **kw),
                    args.repeat)
        rows.append((label, t))
        print(f"{label:50s} {t:8.3f} s", flush=True)

    gen = np.random.default_rng(1)
    t0 = time.perf_counter()
    loop_per_poll(args.loop_polls, gen)
    t_loop = (time.perf_counter() - t0) * args.polls / args.loop_polls
    print(f"{'loop, one poll at a time (scaled)':50s} {t_loop:8.3f} s", flush=True)

    lines = [
        f"Measured on: {machine()}. `simulate_poll(0.62, 1600, polls={args.polls:,})`, best of "
        f"{args.repeat} runs after a warm-up; \"all mechanisms\" is coverage (u = 0.05, "
        "d = -0.20), response odds ratio 1.2, falsification 0.07 / 0.01 and post-stratification "
        "to a 40% group (difference 0.15, response ratio 1.5). The loop row runs the same "
        f"model one poll at a time on {args.loop_polls:,} polls, scaled linearly to "
        f"{args.polls:,}.",
        "",
        "| scenario | seconds | polls per second | speed-up vs loop |",
        "|---|---:|---:|---:|",
    ]
    for label, t in rows:
        lines.append(f"| {label} | {t:.3f} | {args.polls / t:,.0f} | {t_loop / t:,.0f}x |")
    lines.append(f"| loop, one poll at a time (scaled) | {t_loop:.1f} | "
                 f"{args.polls / t_loop:,.0f} | 1x |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("simulate_poll", "## Simulated polls (`simulate_poll`)\n\n"
                      "`benchmarks/bench_simulate.py`\n\n" + table)


if __name__ == "__main__":
    main()
