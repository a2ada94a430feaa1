"""Probabilistic bias analysis and priors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import surveystats as ss
from surveystats.bias import Beta, Fixed, LogNormal, Nonresponse, Trapezoidal, Triangular, Uniform


def test_fixed_priors_reduce_to_the_scenario() -> None:
    res = ss.probabilistic_bias_analysis(0.70, 1600, {"odds_ratio": 1.42}, draws=2000,
                                         random_error=False, rng=0)
    assert np.allclose(res.draws.systematic, Nonresponse(1.42).true(0.70))
    lo, hi = res.systematic_interval
    assert lo == pytest.approx(hi)


def test_random_error_alone_matches_jeffreys_interval() -> None:
    res = ss.probabilistic_bias_analysis(0.70, 1600, {"odds_ratio": 1.0}, draws=400_000, rng=3)
    ci = ss.proportion_ci(0.70, 1600, method="jeffreys")
    lo, hi = res.interval
    assert lo == pytest.approx(ci.low, abs=1e-3)
    assert hi == pytest.approx(ci.high, abs=1e-3)


def test_systematic_distribution_is_the_pushforward_of_the_prior() -> None:
    res = ss.probabilistic_bias_analysis(0.55, 1600, {"falsification": Uniform(0.0, 0.1)},
                                         draws=200_000, random_error=False, rng=5)
    # true = (0.55 - f) / (1 - f); its median is at the prior's median f = 0.05
    assert np.median(res.draws.systematic) == pytest.approx((0.55 - 0.05) / 0.95, abs=2e-3)
    assert res.draws.systematic.max() <= 0.55 + 1e-12


def test_reproducible_and_discards_counted() -> None:
    pri = {"falsification": Uniform(0.0, 0.2)}
    a = ss.probabilistic_bias_analysis(0.12, 1600, pri, draws=10_000, rng=42)
    b = ss.probabilistic_bias_analysis(0.12, 1600, pri, draws=10_000,
                                       rng=np.random.default_rng(42))
    assert a.draws.equals(b.draws)
    assert a.discarded > 0 and len(a.draws) + a.discarded == 10_000
    frame = a.to_frame()
    assert list(frame.analysis) == ["systematic", "total"]
    assert list(frame.columns) == ["analysis", "median", "low", "high", "confidence_level",
                                   "draws", "discarded"]


def test_errors() -> None:
    with pytest.raises(ValueError, match="priors is empty"):
        ss.probabilistic_bias_analysis(0.7, 1600, {})
    with pytest.raises(ValueError, match=r"draws \(0\)"):
        ss.probabilistic_bias_analysis(0.7, 1600, {"odds_ratio": 1.2}, draws=0)
    with pytest.raises(ValueError, match="odds_ratio"):
        ss.probabilistic_bias_analysis(0.7, 1600, {"odds_ratio": Uniform(-1.0, 1.0)})
    with pytest.raises(TypeError, match="must be a number or a prior"):
        ss.probabilistic_bias_analysis(0.7, 1600, {"odds_ratio": "big"})
    with pytest.raises(ValueError, match="every draw"):
        ss.probabilistic_bias_analysis(0.05, 100, {"falsification": Uniform(0.3, 0.4)},
                                       draws=100, random_error=False)


@pytest.mark.parametrize("prior", [
    Uniform(0.1, 0.3), Triangular(0.1, 0.15, 0.3), Trapezoidal(0.1, 0.15, 0.2, 0.3),
    Beta(2, 5, low=0.1, high=0.3),
])
def test_prior_draws_match_their_distribution(prior: object) -> None:
    rng = np.random.default_rng(11)
    d = prior.draw(rng, 200_000)  # type: ignore[attr-defined]
    assert d.min() >= 0.1 and d.max() <= 0.3
    ref = {
        Uniform: lambda p: stats.uniform(0.1, 0.2),
        Triangular: lambda p: stats.triang(0.25, loc=0.1, scale=0.2),
        Beta: lambda p: stats.beta(2, 5, loc=0.1, scale=0.2),
    }
    if type(prior) in ref:
        ks = stats.kstest(d, ref[type(prior)](prior).cdf)
        assert ks.pvalue > 1e-3
    else:  # trapezoid: the CDF at the first mode is h (mode_low - low) / 2
        cdf_at_mode = np.mean(d <= 0.15)
        h = 2.0 / (0.3 + 0.2 - 0.1 - 0.15)
        assert cdf_at_mode == pytest.approx(0.5 * h * 0.05, abs=0.005)


def test_lognormal_from_interval() -> None:
    ln = LogNormal.from_interval(1.0, 1.42)
    d = ln.draw(np.random.default_rng(2), 200_000)
    assert np.mean((d > 1.0) & (d < 1.42)) == pytest.approx(0.95, abs=0.005)
    assert Fixed(1.2).draw(np.random.default_rng(0), 3).tolist() == [1.2, 1.2, 1.2]
    with pytest.raises(ValueError, match="need 0 < low < high"):
        LogNormal.from_interval(0.0, 1.0)
    with pytest.raises(ValueError, match="low <= mode_low <= mode_high <= high"):
        Trapezoidal(0.3, 0.2, 0.1, 0.0)
