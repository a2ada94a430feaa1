"""proportion_ci: agreement with statsmodels, boundaries, result object, errors, properties."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

import surveystats as ss
from surveystats import DegenerateIntervalWarning, proportion_ci

METHODS = ss.INTERVAL_METHODS

# our canonical name -> statsmodels' name
STATSMODELS = {
    "wald": "normal",
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
}

COUNTS = [(1, 10), (3, 10), (7, 10), (9, 10), (3, 50), (25, 50), (49, 50), (1120, 1600),
          (880, 1600), (176, 1600), (1, 1000), (999, 1000), (17, 23)]


@pytest.mark.parametrize("method", list(STATSMODELS))
@pytest.mark.parametrize("confidence_level", [0.90, 0.95, 0.99])
def test_agrees_with_statsmodels(method: str, confidence_level: float) -> None:
    x = np.array([c for c, _ in COUNTS], dtype=float)
    n = np.array([m for _, m in COUNTS], dtype=float)
    low_sm, high_sm = proportion_confint(x.astype(int), n.astype(int), alpha=1 - confidence_level,
                                         method=STATSMODELS[method])
    ci = proportion_ci(x / n, n, method=method, confidence_level=confidence_level)
    np.testing.assert_allclose(ci.low, low_sm, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ci.high, high_sm, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("method", ["wald", "wilson", "agresti_coull", "clopper_pearson"])
def test_agrees_with_statsmodels_at_boundaries(method: str) -> None:
    x = np.array([0, 10, 0, 1600])
    n = np.array([10, 10, 1600, 1600])
    low_sm, high_sm = proportion_confint(x, n, alpha=0.05, method=STATSMODELS[method])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIntervalWarning)
        ci = proportion_ci(x / n, n, method=method)
    np.testing.assert_allclose(ci.low, low_sm, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ci.high, high_sm, rtol=1e-10, atol=1e-14)


def test_jeffreys_boundary_rule_differs_from_statsmodels_only_at_0_and_n() -> None:
    # Brown, Cai and DasGupta (2001): lower bound 0 at x = 0, upper bound 1 at x = n.
    # statsmodels keeps the raw beta quantiles, which exclude the estimate itself.
    ci = proportion_ci([0.0, 1.0], 10, method="jeffreys")
    low_sm, high_sm = proportion_confint(np.array([0, 10]), 10, method="jeffreys")
    assert ci.low[0] == 0.0 and low_sm[0] > 0.0
    assert ci.high[1] == 1.0 and high_sm[1] < 1.0
    np.testing.assert_allclose(ci.high[0], high_sm[0], rtol=1e-10)
    np.testing.assert_allclose(ci.low[1], low_sm[1], rtol=1e-10)


def test_vtsiom_headline_wilson() -> None:
    ci = proportion_ci(0.70, 1600)
    assert ci.method == "wilson"
    assert ci.low == pytest.approx(0.677088550988971, abs=1e-12)
    assert ci.high == pytest.approx(0.7219533845341277, abs=1e-12)


def test_deff_is_effective_sample_size() -> None:
    a = proportion_ci(0.70, 1600, deff=1.5, method="clopper_pearson")
    b = proportion_ci(0.70, 1600 / 1.5, method="clopper_pearson")
    assert a.n_eff == pytest.approx(1600 / 1.5)
    assert a.low == pytest.approx(b.low, rel=1e-12)
    assert a.high == pytest.approx(b.high, rel=1e-12)
    assert a.n == 1600 and a.deff == 1.5


def test_df_switches_to_t_quantiles() -> None:
    from scipy import stats

    ci = proportion_ci(0.3, 200, method="wald", df=14)
    half = stats.t.ppf(0.975, 14) * np.sqrt(0.3 * 0.7 / 200)
    assert ci.low == pytest.approx(0.3 - half, rel=1e-12)
    assert ci.df == 14
    # df = inf is the normal case
    assert proportion_ci(0.3, 200, df=np.inf).low == pytest.approx(proportion_ci(0.3, 200).low)


def test_korn_graubard_without_df_is_clopper_pearson() -> None:
    a = proportion_ci(0.02, 300, method="korn_graubard", deff=2.0)
    b = proportion_ci(0.02, 300, method="clopper_pearson", deff=2.0)
    assert (a.low, a.high) == (b.low, b.high)


def test_korn_graubard_df_widens() -> None:
    narrow = proportion_ci(0.02, 300, method="korn_graubard")
    wide = proportion_ci(0.02, 300, method="korn_graubard", df=10)
    assert wide.low < narrow.low and wide.high > narrow.high


# --- aliases and method names -------------------------------------------------------------


@pytest.mark.parametrize(("alias", "canonical"), [("exact", "clopper_pearson"),
                                                   ("normal", "wald"), ("score", "wilson")])
def test_aliases_report_canonical_name(alias: str, canonical: str) -> None:
    a = proportion_ci(0.3, 40, method=alias)
    b = proportion_ci(0.3, 40, method=canonical)
    assert a.method == canonical
    assert (a.low, a.high) == (b.low, b.high)


def test_beta_is_refused_with_explanation() -> None:
    with pytest.raises(ValueError, match="statsmodels.*Clopper-Pearson.*R survey.*Korn-Graubard"):
        proportion_ci(0.3, 40, method="beta")


def test_unknown_method_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"method \('wilsom'\) is not one of 'wald', 'wilson'"):
        proportion_ci(0.3, 40, method="wilsom")


# --- bad input ----------------------------------------------------------------------------


def test_percentage_hint() -> None:
    msg = r"p \(70\) must be in \[0, 1\]; did you pass a percentage"
    with pytest.raises(ValueError, match=msg):
        proportion_ci(70, 1600)


def test_negative_share() -> None:
    with pytest.raises(ValueError, match=r"p \(-0.1\) must be in \[0, 1\]$"):
        proportion_ci(-0.1, 1600)


def test_array_error_echoes_first_value_and_count() -> None:
    with pytest.raises(ValueError, match=r"p \(e.g. 70 and 1 other value\(s\)\)"):
        proportion_ci([0.5, 70, 55], 1600)


@pytest.mark.parametrize("n", [0, -5, np.inf])
def test_bad_n(n: float) -> None:
    with pytest.raises(ValueError, match=r"n \(.*\) must be finite and > 0"):
        proportion_ci(0.5, n)


@pytest.mark.parametrize("deff", [0, -1.0])
def test_bad_deff(deff: float) -> None:
    with pytest.raises(ValueError, match=r"deff \(.*\) must be finite and > 0"):
        proportion_ci(0.5, 100, deff=deff)


@pytest.mark.parametrize("cl", [0, 1, 1.5, -0.2])
def test_bad_confidence_level(cl: float) -> None:
    with pytest.raises(ValueError, match=r"confidence_level \(.*\) must be in \(0, 1\)"):
        proportion_ci(0.5, 100, confidence_level=cl)


def test_confidence_level_percentage_hint() -> None:
    with pytest.raises(ValueError, match="did you pass a percentage"):
        proportion_ci(0.5, 100, confidence_level=95)


def test_string_input_is_refused() -> None:
    with pytest.raises(TypeError, match="p .*must be a number"):
        proportion_ci("0.7", 100)  # type: ignore[arg-type]


def test_nan_raises_unless_propagated() -> None:
    with pytest.raises(ValueError, match="p contains NaN.*nan_policy='propagate'"):
        proportion_ci([0.5, np.nan], 100)
    for method in METHODS:
        ci = proportion_ci([0.5, np.nan], 100, method=method, nan_policy="propagate")
        assert np.isnan(ci.low[1]) and np.isnan(ci.high[1]), method
        assert np.isfinite(ci.low[0]), method


def test_mismatched_series_indexes_are_refused() -> None:
    a = pd.Series([0.5, 0.6], index=["x", "y"])
    b = pd.Series([100, 200], index=["y", "z"])
    with pytest.raises(ValueError, match="same index"):
        proportion_ci(a, b)


# --- boundaries and edge cases ------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("p", [0.0, 1.0])
def test_bounds_at_zero_and_one(method: str, p: float) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ci = proportion_ci(p, 20, method=method)
    degenerate = any(issubclass(w.category, DegenerateIntervalWarning) for w in caught)
    assert degenerate == (method in {"wald", "logit"})
    assert 0.0 <= ci.low <= p <= ci.high <= 1.0
    if method in {"wald", "logit"}:
        assert ci.low == ci.high == p
    else:
        assert ci.high - ci.low > 0.04  # informative at the boundary


@pytest.mark.parametrize("method", METHODS)
def test_n_equal_one_and_tiny_deff(method: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIntervalWarning)
        for p in (0.0, 1.0):
            ci = proportion_ci(p, 1, method=method)
            assert 0.0 <= ci.low <= ci.high <= 1.0
        ci = proportion_ci(0.4, 1000, deff=0.05, method=method)  # n_eff = 20000
        assert 0.39 < ci.low < 0.4 < ci.high < 0.41


@pytest.mark.parametrize("method", METHODS)
def test_non_integer_effective_counts(method: str) -> None:
    ci = proportion_ci(0.013, 1600, deff=1.7, method=method)  # x = 12.2...
    assert 0 < ci.low < 0.013 < ci.high < 0.05


def test_clopper_pearson_interpolates_between_integer_counts() -> None:
    lows = proportion_ci(np.array([5.0, 5.5, 6.0]) / 100, 100, method="clopper_pearson").low
    assert lows[0] < lows[1] < lows[2]


# --- the result object ---------------------------------------------------------------------


def test_result_unpacks_and_is_frozen() -> None:
    ci = proportion_ci(0.7, 1600)
    low, high = ci
    assert (low, high) == (ci.low, ci.high)
    with pytest.raises(AttributeError):
        ci.low = 0.1  # type: ignore[misc]
    assert isinstance(ci.low, float)


def test_to_frame_columns_do_not_depend_on_level() -> None:
    a = proportion_ci(0.7, 1600).to_frame()
    b = proportion_ci(0.7, 1600, confidence_level=0.9).to_frame()
    assert list(a.columns) == list(b.columns) == [
        "estimate", "low", "high", "method", "confidence_level", "n", "deff", "n_eff", "df"]
    assert b["confidence_level"].item() == 0.9


def test_series_index_is_kept() -> None:
    items = pd.Series({"successful_2026": 0.70, "end_of_war": 0.55})
    ci = proportion_ci(items, 1600, deff=pd.Series({"successful_2026": 1.0, "end_of_war": 2.0}))
    assert isinstance(ci.low, pd.Series)
    assert list(ci.low.index) == ["successful_2026", "end_of_war"]
    frame = ci.to_frame()
    assert list(frame.index) == ["successful_2026", "end_of_war"]
    assert frame.loc["end_of_war", "n_eff"] == 800


def test_broadcasting_shapes() -> None:
    ci = proportion_ci(np.array([[0.2], [0.5]]), np.array([100, 400, 1600]))
    assert ci.low.shape == (2, 3)
    assert ci.to_frame().shape[0] == 6


def test_repr_and_html() -> None:
    ci = proportion_ci(0.7, 1600, deff=1.5)
    text = repr(ci)
    assert text.startswith("ProportionCI(method='wilson', estimate=0.7, low=0.67")
    assert "n_eff=1067" in text
    html = ci._repr_html_()
    assert "<table" in html and "95% wilson interval" in html
    arr = proportion_ci([0.1, 0.2, 0.3], 100)
    assert "<3 values>" in repr(arr)


def test_input_arrays_and_frames_not_mutated() -> None:
    p = np.array([0.1, 0.5, 0.9])
    n = pd.Series([100.0, 200.0, 300.0])
    p0, n0 = p.copy(), n.copy()
    proportion_ci(p, n.to_numpy(), deff=2.0)
    np.testing.assert_array_equal(p, p0)
    pd.testing.assert_series_equal(n, n0)


# --- properties ------------------------------------------------------------------------------

shares = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
sizes = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)
deffs = st.floats(min_value=0.2, max_value=10.0, allow_nan=False)
levels = st.floats(min_value=0.5, max_value=0.999, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(p=shares, n=sizes, deff=deffs, cl=levels, method=st.sampled_from(METHODS))
def test_property_ordered_and_inside_unit_interval(
    p: float, n: float, deff: float, cl: float, method: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIntervalWarning)
        ci = proportion_ci(p, n, deff=deff, confidence_level=cl, method=method)
    tol = 1e-12
    assert 0.0 <= ci.low <= ci.high <= 1.0
    assert ci.low <= p + tol and p - tol <= ci.high


@settings(max_examples=100, deadline=None)
@given(p=st.floats(min_value=0.01, max_value=0.99), n=st.floats(min_value=5.0, max_value=1e5),
       method=st.sampled_from(METHODS))
def test_property_narrower_as_n_grows(p: float, n: float, method: str) -> None:
    small = proportion_ci(p, n, method=method)
    large = proportion_ci(p, 4 * n, method=method)
    assert large.width <= small.width + 1e-12


@settings(max_examples=100, deadline=None)
@given(p=st.floats(min_value=0.01, max_value=0.99), n=st.floats(min_value=5.0, max_value=1e5),
       deff=st.floats(min_value=1.01, max_value=5.0), method=st.sampled_from(METHODS))
def test_property_wider_as_deff_grows(p: float, n: float, deff: float, method: str) -> None:
    base = proportion_ci(p, n, method=method)
    inflated = proportion_ci(p, n, deff=deff, method=method)
    assert inflated.width >= base.width - 1e-12


@settings(max_examples=100, deadline=None)
@given(p=st.floats(min_value=0.01, max_value=0.99), n=st.floats(min_value=5.0, max_value=1e5),
       method=st.sampled_from(METHODS))
def test_property_wider_as_confidence_grows(p: float, n: float, method: str) -> None:
    a = proportion_ci(p, n, method=method, confidence_level=0.9)
    b = proportion_ci(p, n, method=method, confidence_level=0.99)
    assert b.width >= a.width - 1e-12
    assert b.low <= a.low + 1e-12 and b.high >= a.high - 1e-12


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(min_value=1, max_value=5000),
       method=st.sampled_from(METHODS))
def test_property_symmetric_under_relabelling(data: st.DataObject, n: int, method: str) -> None:
    # the interval for "no" (n - x of n) is the mirror image of the interval for "yes" (x of n)
    x = data.draw(st.integers(min_value=0, max_value=n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIntervalWarning)
        a = proportion_ci(x / n, n, method=method)
        b = proportion_ci((n - x) / n, n, method=method)
    assert a.low == pytest.approx(1.0 - b.high, abs=1e-9)
    assert a.high == pytest.approx(1.0 - b.low, abs=1e-9)


def test_counts_are_accepted() -> None:
    # issue 10 D8: successes and n instead of a share
    assert ss.proportion_ci(successes=1120, n=1600) == ss.proportion_ci(0.70, 1600)
    by_count = ss.proportion_ci(successes=pd.Series({"a": 1120, "b": 880}), n=1600,
                                method="clopper_pearson")
    assert list(by_count.to_frame().index) == ["a", "b"]
    assert np.array_equal(by_count.to_frame()["high"],
                          ss.proportion_ci([0.70, 0.55], 1600, method="clopper_pearson").high)
    with pytest.raises(ValueError, match=r"successes \(1700\) must be <= n \(1600\)"):
        ss.proportion_ci(successes=1700, n=1600)
    with pytest.raises(ValueError, match=r"give p \(0.7\) or successes \(1120\), not both"):
        ss.proportion_ci(0.7, 1600, successes=1120)
    with pytest.raises(TypeError, match="give p .* or successes"):
        ss.proportion_ci(n=1600)


@pytest.mark.parametrize("method", ss.INTERVAL_METHODS)
def test_a_missing_size_gives_missing_bounds_and_leaves_the_others_alone(method: str) -> None:
    # found by the fuzz: a NaN n made the tiny-size guard skip the whole array (Wilson gave NaN
    # for the finite element) and the exact methods reported a bound of 0 for the NaN element
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIntervalWarning)
        both = ss.proportion_ci(0.0, [5e-324, np.nan], method=method, nan_policy="propagate")
        alone = ss.proportion_ci(0.0, 5e-324, method=method)
    assert np.isnan(both.low[1]) and np.isnan(both.high[1])
    assert both.low[0] == alone.low and both.high[0] == alone.high
