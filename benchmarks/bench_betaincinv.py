"""Time surveystats' scalar-level beta quantile against scipy for interval bounds.

Not a test. Run with ``python benchmarks/bench_betaincinv.py [n_pairs]`` (default 1e6).

The workload is the benchmark distribution of the interval code: n uniform in [50, 5000],
p uniform in (0, 1), x = n p (not an integer), 95% two-sided. Clopper-Pearson needs the
alpha/2 quantile of Beta(x, n - x + 1) and the 1 - alpha/2 quantile of Beta(x + 1, n - x);
Jeffreys the two quantiles of Beta(x + 1/2, n - x + 1/2). "first call" includes fitting the
surrogates for the two levels; "steady" is the best of several repeats once they are cached.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np
from scipy import special

from surveystats import _betaincinv as fast

Bounds = tuple[tuple[np.ndarray, np.ndarray, float], ...]
Inverse = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def run(inverse: Inverse, bounds: Bounds) -> list[np.ndarray]:
    return [inverse(a, b, y) for a, b, y in bounds]


def best_of(inverse: Inverse, bounds: Bounds, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run(inverse, bounds)
        times.append(time.perf_counter() - t0)
    return min(times)


def main(n_pairs: int = 1_000_000, repeat: int = 5) -> None:
    rng = np.random.default_rng(20240611)
    n = rng.uniform(50.0, 5000.0, n_pairs)
    x = n * rng.uniform(0.0, 1.0, n_pairs)
    alpha = 0.05
    lo, hi = 0.5 * alpha, 1.0 - 0.5 * alpha
    cases: dict[str, Bounds] = {
        "clopper_pearson": ((x, n - x + 1.0, lo), (x + 1.0, n - x, hi)),
        "jeffreys": ((x + 0.5, n - x + 0.5, lo), (x + 0.5, n - x + 0.5, hi)),
    }
    fast._cache.clear()
    scale = 1e6 / n_pairs
    print(f"{n_pairs:,} (x, n) pairs; times in seconds per million pairs (both bounds)")
    print(f"{'interval':<16} {'scipy':>8} {'first call':>11} {'steady':>8} {'speed-up':>9} "
          f"{'max rel err':>12} {'fallback':>9} {'band':>7}")
    for name, bounds in cases.items():
        t0 = time.perf_counter()
        got = run(fast.betaincinv, bounds)
        t_first = time.perf_counter() - t0
        t_fast = best_of(fast.betaincinv, bounds, repeat)
        t_scipy = best_of(special.betaincinv, bounds, 2)
        ref = run(special.betaincinv, bounds)
        err = max(float(np.max(np.abs(g - r) / r)) for g, r in zip(got, ref, strict=True))
        # Share of elements sent to scipy (min(a, b) < 5) and to the band surrogate
        # (5 <= min(a, b) < 50), averaged over the two bounds.
        amin = [np.minimum(a, b) for a, b, _ in bounds]
        fb = np.mean([np.mean(m < fast._M_FAST) for m in amin])
        band = np.mean([np.mean((m >= fast._M_FAST) & (m < fast._M_BULK)) for m in amin])
        print(f"{name:<16} {t_scipy * scale:8.3f} {t_first * scale:11.3f} "
              f"{t_fast * scale:8.3f} {t_scipy / t_fast:8.1f}x {err:12.1e} "
              f"{fb:9.2%} {band:7.2%}")
    for y in sorted(fast._cache):
        tiers = ", ".join(
            f"min(a,b) >= {t.m_lo:g}: degree {t.degree} (fit error {t.error:.0e})"
            for t in fast._cache[y].tiers
        )
        print(f"level {y:.4g}: {tiers or 'scipy only'}")
    try:
        from statsmodels.stats.proportion import proportion_confint
    except ImportError:  # pragma: no cover
        return
    k = np.floor(x)
    t0 = time.perf_counter()
    proportion_confint(k, np.ceil(n), alpha, method="beta")
    t_sm = time.perf_counter() - t0
    print(f"statsmodels proportion_confint(method='beta'): {t_sm * scale:.3f} s per million")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
