"""Margins, sample sizes, implied and Kish/cluster design effects, scenario tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import surveystats as ss

Z95 = stats.norm.ppf(0.975)


def test_margin_of_error_matches_formula() -> None:
    assert ss.margin_of_error(0.5, 1600) == pytest.approx(Z95 * 0.5 / 40, rel=1e-14)
    assert ss.margin_of_error(0.7, 1600, deff=2.0) == pytest.approx(
        Z95 * np.sqrt(2 * 0.21 / 1600), rel=1e-14)


def test_vtsiom_stated_margin() -> None:
    # "at most 2.5%": SRS arithmetic at p = 0.5 gives 2.45%
    assert ss.margin_of_error(0.5, 1600) == pytest.approx(0.0245, abs=5e-5)
    assert ss.margin_of_error(0.70, 1600) == pytest.approx(0.0225, abs=5e-5)
    assert ss.margin_of_error(0.55, 1600) == pytest.approx(0.0244, abs=5e-5)


def test_margin_equals_wald_half_width() -> None:
    ci = ss.proportion_ci(0.3, 500, deff=1.7, method="wald")
    assert ss.margin_of_error(0.3, 500, deff=1.7) == pytest.approx(ci.margin, rel=1e-12)


def test_finite_population_correction() -> None:
    full = ss.margin_of_error(0.5, 100, population_size=100)
    assert full == 0.0
    half = ss.margin_of_error(0.5, 100, population_size=1000)
    assert half == pytest.approx(ss.margin_of_error(0.5, 100) * np.sqrt(900 / 999))
    with pytest.raises(ValueError, match=r"population_size \(50\) must be at least"):
        ss.margin_of_error(0.5, 100, population_size=50)


def test_required_sample_size() -> None:
    assert ss.required_sample_size(0.025) == 1537
    assert ss.required_sample_size(0.03) == 1068
    assert ss.required_sample_size(0.025, deff=1.5) == 2305
    # Cochran's correction for a small population
    assert ss.required_sample_size(0.05, population_size=500) == 218
    with pytest.raises(ValueError, match=r"margin \(0\) must be > 0"):
        ss.required_sample_size(0.0)
    with pytest.raises(ValueError, match="did you pass a percentage"):
        ss.required_sample_size(2.5)


@settings(max_examples=100, deadline=None)
@given(m=st.floats(0.005, 0.2), p=st.floats(0.05, 0.95), deff=st.floats(0.5, 4.0))
def test_required_size_achieves_margin(m: float, p: float, deff: float) -> None:
    n = ss.required_sample_size(m, p=p, deff=deff)
    assert ss.margin_of_error(p, n, deff=deff) <= m * (1 + 1e-9)
    if n > 1:
        assert ss.margin_of_error(p, n - 1, deff=deff) > m * (1 - 1e-9)


def test_implied_deff_vtsiom() -> None:
    assert ss.implied_deff(0.025, 1600) == pytest.approx(1.0412, abs=1e-4)
    assert ss.implied_deff(0.019, 4200) == pytest.approx(1.58, abs=0.01)
    # round trip with margin_of_error
    m = ss.margin_of_error(0.5, 1000, deff=1.8)
    assert ss.implied_deff(m, 1000) == pytest.approx(1.8, rel=1e-12)
    with pytest.raises(ValueError, match=r"p \(0\) must be in \(0, 1\); the margin is 0 at p = 0"):
        ss.implied_deff(0.03, 1000, p=0.0)


def test_kish_deff() -> None:
    k = ss.kish_deff([1, 1, 3, 3])
    assert (k.deff, k.n, k.n_eff) == (1.25, 4, 3.2)
    assert k.cv == pytest.approx(0.5)
    w = np.random.default_rng(1).lognormal(0, 0.5, 1000)
    k = ss.kish_deff(w)
    assert k.deff == pytest.approx(1 + np.std(w) ** 2 / np.mean(w) ** 2, rel=1e-12)
    assert k.n_eff == pytest.approx(k.n / k.deff, rel=1e-12)
    assert ss.kish_deff(w * 37.0).deff == pytest.approx(k.deff, rel=1e-12)  # scale-free
    assert ss.kish_deff(np.ones(10)).deff == 1.0
    assert list(k.to_frame().columns) == ["deff", "n", "n_eff", "cv"]
    assert "WeightingDeff(deff=" in repr(k)


@pytest.mark.parametrize(("weights", "match"), [
    ([1, -1, 2], r"weights \(e.g. -1\) must be finite and >= 0"),
    ([0, 0], "weights are all zero"),
    ([1, np.nan], r"weights \(e.g. nan\) must be finite and >= 0"),
    ([1, np.inf], r"weights \(e.g. inf\) must be finite and >= 0"),
    ([], "weights is empty"),
])
def test_kish_deff_errors(weights: list[float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ss.kish_deff(weights)


def test_cluster_deff() -> None:
    assert ss.cluster_deff(12, 0.05) == pytest.approx(1.55)
    assert ss.cluster_deff(12, 0.01) == pytest.approx(1.11)
    assert ss.cluster_deff(1, 0.3) == 1.0  # one interview per cluster: no clustering effect
    # unequal cluster sizes add to it (Eldridge et al. 2006)
    expected = 1 + (1.25 * 10 - 1) * 0.05
    assert ss.cluster_deff(10, 0.05, cv_cluster_size=0.5) == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"cluster_size \(0.5\) must be finite and >= 1"):
        ss.cluster_deff(0.5, 0.05)
    with pytest.raises(ValueError, match=r"icc \(1.5\) must be in \[0, 1\]"):
        ss.cluster_deff(10, 1.5)


def test_combine_and_effective_size() -> None:
    assert ss.combine_deff(1.25, 1.55) == pytest.approx(1.9375)
    assert ss.effective_sample_size(1600, 1.5) == pytest.approx(1066.6667, abs=1e-4)
    s = ss.effective_sample_size(pd.Series([1600, 800], index=["a", "b"]), 2.0)
    assert list(s.index) == ["a", "b"] and s["b"] == 400


def test_deff_scenarios_table() -> None:
    tab = ss.deff_scenarios({"successful_2026": 0.70, "end_of_war": 0.55}, 1600)
    assert list(tab.columns) == ["item", "estimate", "n", "deff", "n_eff", "margin", "low",
                                 "high", "method", "confidence_level"]
    assert len(tab) == 6
    row = tab[(tab.item == "successful_2026") & (tab.deff == 2.25)].iloc[0]
    assert row.margin == pytest.approx(0.0337, abs=1e-4)
    ci = ss.proportion_ci(0.70, 1600, deff=2.25)
    assert (row.low, row.high) == (ci.low, ci.high)
    # margins grow with deff within an item
    for _, grp in tab.groupby("item"):
        assert np.all(np.diff(grp.margin) > 0)
    seq = ss.deff_scenarios([0.1, 0.2], [100, 200], deff=[1.0], method="jeffreys")
    assert list(seq.item) == ["item_0", "item_1"] and list(seq.n) == [100, 200]
