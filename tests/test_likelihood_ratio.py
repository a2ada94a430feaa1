"""Likelihood-ratio bounds against 50-digit references (tests/reference/likelihood_ratio).

The float64 solver in ``_engine`` works in w = pi / p, where rounding moves the root by a few
ulps wherever it lies; the references are bisected in mpmath independently of it. The cases
are the ones where a textbook solver loses digits: tiny and near-one shares, fewer than one
success, effective sample sizes up to 1e15.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveystats as ss

REF = pd.read_csv(Path(__file__).parent / "reference" / "likelihood_ratio" / "lr_reference.csv",
                  comment="#", dtype={"n_eff": str, "confidence_level": str})

# n and deff that give each reference's n_eff = n / deff
N_AND_DEFF = {"1066.6666666666667": (1600, 1.5), "0.5": (1, 2.0)}


def _n_deff(text: str) -> tuple[int, float]:
    return N_AND_DEFF.get(text, (int(float(text)), 1.0))


ROWS = list(REF.itertuples(index=False))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"p={r.p},n={r.n_eff}")
def test_bounds_match_50_digit_references(row: tuple) -> None:
    n, deff = _n_deff(row.n_eff)
    ci = ss.proportion_ci(row.p, n, method="likelihood_ratio", deff=deff,
                          confidence_level=float(row.confidence_level))
    for got, want in ((ci.low, row.low), (ci.high, row.high)):
        if want < 1e-300:  # below double precision's normal range: the bound is 0
            assert 0.0 <= got < 1e-300
        else:
            np.testing.assert_allclose(got, want, rtol=2e-14, atol=0.0)


def test_vectorised_equals_elementwise() -> None:
    # one call on all references gives what each call alone gives (no cross-talk between
    # elements of a block, or between the fast path and the fallback)
    n, deff = zip(*(_n_deff(t) for t in REF["n_eff"]), strict=True)
    crit_95 = REF["confidence_level"] == "0.95"
    p = REF["p"][crit_95].to_numpy()
    n_a = np.asarray(n)[crit_95]
    d_a = np.asarray(deff)[crit_95]
    together = ss.proportion_ci(p, n_a, method="likelihood_ratio", deff=d_a)
    for i in range(p.size):
        alone = ss.proportion_ci(p[i], n_a[i], method="likelihood_ratio", deff=d_a[i])
        assert together.low[i] == alone.low and together.high[i] == alone.high


def test_large_arrays_cross_solver_blocks() -> None:
    # more elements than one block of the solver: the same bounds as element by element
    rng = np.random.default_rng(7)
    p = rng.uniform(0.0, 1.0, 40_000)
    p[::997] = 0.0
    p[1::991] = 1.0
    n = rng.integers(1, 5000, p.size)
    ci = ss.proportion_ci(p, n, method="likelihood_ratio")
    for i in rng.choice(p.size, 25, replace=False):
        one = ss.proportion_ci(p[i], n[i], method="likelihood_ratio")
        assert ci.low[i] == one.low and ci.high[i] == one.high
    assert np.all((ci.low <= p) & (p <= ci.high))
