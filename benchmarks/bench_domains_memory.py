"""Benchmark: memory of ``by=`` with 100,000 domains on 1,000,000 rows (issue 8).

Run ``python benchmarks/bench_domains_memory.py`` (``--write`` updates docs/performance.md).

Synthetic stratified one-stage cluster sample (seeded): 200 strata, 4,000 PSUs, 1,000,000
rows, random weights, one continuous variable and a domain variable with 100,000 levels
(about 10 rows each). Each case runs in a fresh Python process and reports its wall time and
peak resident memory (``ru_maxrss``), next to a process that only builds the data:

* ``SurveyDesign(...).mean("y", by="dom")`` (Taylor linearisation);
* the same design with 80 Rao-Wu bootstrap replicates, ``mean("y", by="dom")``.

Goal: peak memory under 2 GB (it used to try to allocate a dense domains x PSUs array,
149 GiB). The memory grows with rows + domains x strata; results with more than 2,048 rows
keep the variances only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_section

CHILD = r"""
import json, resource, sys, time, warnings
import numpy as np, pandas as pd
import surveystats as ss
case = sys.argv[1]
rng = np.random.default_rng(20261202)
n, n_strata, n_psu = 1_000_000, 200, 4_000
psu = rng.integers(0, n_psu, n)
frame = pd.DataFrame({"stratum": psu // (n_psu // n_strata), "psu": psu,
                      "w": rng.uniform(1, 5, n), "y": rng.normal(size=n),
                      "dom": rng.integers(0, 100_000, n)})
t0 = time.perf_counter()
rows = 0
if case != "data":
    d = ss.SurveyDesign(frame, weights="w", strata="stratum", clusters="psu")
    if case == "replicate":
        d = d.to_replicate("bootstrap", replicates=80, rng=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # replicates without rows in a tiny domain
        rows = len(d.mean("y", by="dom"))
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(case: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, case], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    results = {case: run(case) for case in ("data", "taylor", "replicate")}
    lines = [
        f"Measured on {machine()}; `python benchmarks/bench_domains_memory.py`, each case in "
        "a fresh process.",
        "",
        "| case (1e6 rows, 200 strata, 4,000 PSUs, 1e5 domains) | time (s) | peak memory "
        "(MB) |",
        "|---|---|---|",
        f"| the data alone | - | {results['data']['peak_mb']:.0f} |",
        f"| Taylor: declare + `mean('y', by='dom')` ({results['taylor']['rows']:,} domains) "
        f"| {results['taylor']['seconds']:.2f} | {results['taylor']['peak_mb']:.0f} |",
        f"| 80 bootstrap replicates: declare + `mean('y', by='dom')` "
        f"| {results['replicate']['seconds']:.2f} | {results['replicate']['peak_mb']:.0f} |",
        "",
        "Goal: under 2,048 MB (issue 8).",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("domains-memory", "## Many domains: memory of `by=` (issue 8)\n\n" + table)


if __name__ == "__main__":
    main()
