"""Exact coverage by binomial sums (Brown, Cai and DasGupta 2001)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import surveystats as ss


def test_wald_undercovers_wilson_does_not_at_n50() -> None:
    wald = ss.coverage("wald", 50)
    wilson = ss.coverage("wilson", 50)
    assert wilson.mean == pytest.approx(0.95, abs=0.005)
    assert wald.mean < 0.91
    assert wald.minimum < 0.5  # near p = 0 and 1 Wald's coverage collapses


def test_clopper_pearson_never_below_nominal() -> None:
    cov = ss.coverage("clopper_pearson", 30, np.linspace(0.01, 0.99, 197))
    assert cov.minimum >= 0.95 - 1e-12


def test_brown_cai_dasgupta_wald_is_erratic() -> None:
    # BCD (2001), Example 2 / Figure 1: at p = 0.005 Wald's coverage stays below 0.95 even
    # at n = 591, and coverage is not monotone in n (the "lucky" and "unlucky" n).
    cov = [ss.coverage("wald", n, 0.005).coverage[0] for n in (592, 954, 1279, 1583)]
    assert max(cov) < 0.95
    seq = np.array([ss.coverage("wald", n, 0.2).coverage[0] for n in range(20, 41)])
    assert np.any(np.diff(seq) < 0) and np.any(np.diff(seq) > 0)


def test_bcd_published_values() -> None:
    # BCD (2001), Example 1: at p = 0.5 the Wald interval covers 0.951 at n = 17 but only
    # 0.919 at n = 40, although n grew.
    assert ss.coverage("wald", 17, 0.5).coverage[0] == pytest.approx(0.951, abs=5e-4)
    assert ss.coverage("wald", 40, 0.5).coverage[0] == pytest.approx(0.919, abs=5e-4)


def test_coverage_by_direct_sum() -> None:
    n, p = 20, 0.3
    x = np.arange(n + 1)
    ci = ss.proportion_ci(x / n, n, method="agresti_coull")
    expect = stats.binom.pmf(x, n, p)[(ci.low <= p) & (p <= ci.high)].sum()
    assert ss.coverage("agresti_coull", n, p).coverage[0] == pytest.approx(expect, rel=1e-12)


def test_deff_uses_effective_trials() -> None:
    cov = ss.coverage("wilson", 1600, 0.7, deff=2.0)
    assert cov.n_binomial == 800
    assert list(cov.to_frame().columns) == ["p", "coverage", "method", "n", "deff",
                                            "n_binomial", "confidence_level"]
    with pytest.raises(ValueError, match="must be at least 1"):
        ss.coverage("wilson", 1, deff=5.0)


@pytest.mark.parametrize(("m", "rel"), [(20, 1e-13), (1067, 2e-12), (1_000_000, 3e-9)])
def test_the_binomial_probabilities_are_scipy_s(m: int, rel: float) -> None:
    # the log-gamma pmf against scipy.stats.binom.pmf, where the probability is not tiny
    from surveystats._coverage import _binomial_pmf

    grid = np.array([0.0, 0.001, 0.3, 0.5, 0.97, 1.0])
    x = np.unique(np.linspace(0, m, 2001).round())
    got = _binomial_pmf(x, m, grid)
    want = stats.binom.pmf(x[:, None], m, grid[None, :])
    big = want > 1e-100
    assert np.allclose(got[big], want[big], rtol=rel, atol=0)
    assert np.all(got[~big] < 1e-90)
    assert got[0, 0] == 1.0 and got[-1, -1] == 1.0  # p = 0 and p = 1 exactly
