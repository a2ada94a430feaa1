"""Two numbers from one poll: differences, ratios, nested shares."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import surveystats as ss

Z = stats.norm.ppf(0.975)


def test_difference_same_sample_uses_multinomial_covariance() -> None:
    d = ss.difference_same_sample(0.70, 0.11, 1600)
    var = (0.7 * 0.3 + 0.11 * 0.89 + 2 * 0.7 * 0.11) / 1600
    assert d.se == pytest.approx(np.sqrt(var), rel=1e-12)
    assert d.estimate == pytest.approx(0.59)
    assert (d.low, d.high) == pytest.approx((0.59 - Z * d.se, 0.59 + Z * d.se))
    # larger than if the shares were independent
    assert d.se > np.sqrt((0.7 * 0.3 + 0.11 * 0.89) / 1600)
    wider = ss.difference_same_sample(0.70, 0.11, 1600, deff=2.0)
    assert wider.se == pytest.approx(d.se * np.sqrt(2))


def test_difference_same_sample_matches_simulation() -> None:
    rng = np.random.default_rng(7)
    draws = rng.multinomial(1600, [0.70, 0.11, 0.19], size=200_000) / 1600
    sim_sd = np.std(draws[:, 0] - draws[:, 1])
    assert ss.difference_same_sample(0.70, 0.11, 1600).se == pytest.approx(sim_sd, rel=0.01)


def test_ratio_seven_times_fewer() -> None:
    r = ss.ratio_same_sample(0.70, 0.11, 1600)
    assert r.estimate == pytest.approx(70 / 11)
    assert r.low < 7 < r.high  # Mamonov's "seven times fewer" is within sampling error
    assert r.kind == "ratio" and r.method == "log_wald"
    rng = np.random.default_rng(3)
    draws = rng.multinomial(1600, [0.70, 0.11, 0.19], size=200_000) / 1600
    sim_sd = np.std(np.log(draws[:, 0] / draws[:, 1]))
    assert r.se == pytest.approx(sim_sd, rel=0.02)


def test_difference_independent_vtsiom_levada() -> None:
    w = ss.difference_independent(0.70, 1600, 0.71, 1600, method="wald")
    se = np.sqrt(0.7 * 0.3 / 1600 + 0.71 * 0.29 / 1600)
    assert (w.low, w.high) == pytest.approx((-0.01 - Z * se, -0.01 + Z * se))
    nc = ss.difference_independent(0.70, 1600, 0.71, 1600)
    assert nc.method == "newcombe" and nc.low < 0 < nc.high
    # Newcombe's hybrid score interval from Wilson limits, checked by hand
    l1, u1 = ss.proportion_ci(0.70, 1600)
    l2, u2 = ss.proportion_ci(0.71, 1600)
    assert nc.low == pytest.approx(-0.01 - np.sqrt((0.70 - l1) ** 2 + (u2 - 0.71) ** 2))
    assert nc.high == pytest.approx(-0.01 + np.sqrt((u1 - 0.70) ** 2 + (0.71 - l2) ** 2))


def test_newcombe_published_example() -> None:
    # Newcombe (1998b), Table II, example (a): 56/70 vs 48/80, method 10: 0.0524 to 0.3339
    d = ss.difference_independent(56 / 70, 70, 48 / 80, 80)
    assert d.low == pytest.approx(0.0524, abs=5e-5)
    assert d.high == pytest.approx(0.3339, abs=5e-5)


def test_nested_shares_two_readings() -> None:
    ns = ss.nested_shares(0.55, 0.70, 1600)
    f = ns.to_frame().set_index(["reading", "quantity"])
    assert f.loc[("A", "share of all"), "estimate"] == 0.55
    assert f.loc[("A", "share of subgroup"), "estimate"] == pytest.approx(0.55 / 0.70)
    assert f.loc[("A", "share of subgroup"), "n"] == pytest.approx(1120)
    assert f.loc[("B", "share of all"), "estimate"] == pytest.approx(0.385)
    assert f.loc[("B", "share of subgroup"), "n"] == pytest.approx(1120)
    # delta method for the product equals q (1 - q) / n under simple random sampling
    b = ns.intervals["B: share of all"]
    assert b.n_eff == pytest.approx(1600)
    assert (b.low, b.high) == pytest.approx(tuple(ss.proportion_ci(0.385, 1600)))
    # the two readings do not overlap: the base matters more than sampling error
    assert f.loc[("B", "share of all"), "high"] < f.loc[("A", "share of all"), "low"]
    assert "NestedShares(reported=0.55" in repr(ns)


def test_nested_shares_reading_a_needs_reported_below_parent() -> None:
    ns = ss.nested_shares(0.8, 0.7, 1000)
    assert "A: share of subgroup" not in ns.intervals
    assert len(ns.to_frame()) == 3


@pytest.mark.parametrize(("call", "match"), [
    (lambda: ss.difference_same_sample(0.7, 0.4, 100), r"p1 \+ p2 \(1.1\) must be <= 1"),
    (lambda: ss.ratio_same_sample(0.7, 0.0, 100), "must both be > 0"),
    (lambda: ss.difference_independent(70, 100, 0.5, 100), "did you pass a percentage"),
    (lambda: ss.difference_independent(0.7, 100, 0.5, 100, method="x"), r"method \('x'\)"),
    (lambda: ss.nested_shares(0.5, 0.0, 100), r"parent \(0\) must be > 0"),
    (lambda: ss.difference_same_sample([0.1, 0.2], 0.1, 100), "single share"),
])
def test_errors(call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()  # type: ignore[operator]
