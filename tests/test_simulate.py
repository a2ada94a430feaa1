"""Tests for simulate_poll: Monte Carlo agreement with the analytic bias maps and the engine.

Every Monte Carlo comparison allows 4 Monte Carlo standard errors (``bias_se``,
``coverage_se``), so with fixed seeds a failure means a real disagreement, not bad luck.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveystats import coverage, kish_deff, proportion_ci
from surveystats._simulate import PollSimulation, simulate_poll
from surveystats._warnings import SurveyStatsWarning
from surveystats.bias import Coverage, Falsification, Nonresponse

P, N, POLLS, SEED = 0.62, 1600, 20_000, 20251213


def within_mc(sim: PollSimulation, expected: float) -> bool:
    return abs(sim.mean_estimate - expected) <= 4 * sim.bias_se


# --------------------------------------------------------------------------------------------
# No bias: the textbook case
# --------------------------------------------------------------------------------------------


def test_no_bias_mean_sd_and_wilson_coverage() -> None:
    sim = simulate_poll(P, N, polls=POLLS, rng=SEED)
    assert sim.expected_reported == pytest.approx(P, abs=1e-15)
    assert within_mc(sim, P)
    assert sim.sd == pytest.approx(math.sqrt(P * (1 - P) / N), rel=0.03)
    # the exact binomial coverage of Wilson at this (p, n), by binomial sums
    exact = float(coverage("wilson", N, P).coverage[0])
    assert abs(sim.coverage - exact) <= 4 * sim.coverage_se
    assert abs(sim.coverage - 0.95) < 0.01
    assert sim.nominal_level == 0.95
    assert sim.empty_group_polls == 0


# --------------------------------------------------------------------------------------------
# Agreement with the analytic mechanisms
# --------------------------------------------------------------------------------------------

CASES = {
    "nonresponse": (dict(response_odds_ratio=1.42), Nonresponse(1.42).reported(P)),
    "falsification": (
        dict(falsification=0.10, reverse_falsification=0.02),
        Falsification(0.10, 0.02).reported(P),
    ),
    # Coverage's convention: difference = p_uncovered - p_covered, covered share = p - u d
    "coverage": (
        dict(uncovered_share=0.10, uncovered_difference=-0.30),
        Coverage(0.10, -0.30).reported(P),
    ),
    "combined": (
        dict(uncovered_share=0.05, uncovered_difference=-0.20, response_odds_ratio=1.2,
             falsification=0.07, reverse_falsification=0.01),
        Falsification(0.07, 0.01).reported(
            Nonresponse(1.2).reported(Coverage(0.05, -0.20).reported(P))
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_mean_matches_forward_maps(case: str) -> None:
    kwargs, expected = CASES[case]
    sim = simulate_poll(P, N, polls=POLLS, rng=SEED, **kwargs)
    assert sim.expected_reported == pytest.approx(expected, abs=1e-12)
    assert within_mc(sim, expected)
    assert abs(sim.bias) > 10 * sim.bias_se  # the mechanism really moved the estimate


def test_coverage_sign_convention() -> None:
    # the uncovered are 30 points *less* "yes", so the covered (polled) share is higher
    sim = simulate_poll(P, N, polls=2_000, rng=SEED, uncovered_share=0.10,
                        uncovered_difference=-0.30)
    assert sim.expected_reported == pytest.approx(P + 0.03)
    assert sim.bias > 0


# --------------------------------------------------------------------------------------------
# Weighting
# --------------------------------------------------------------------------------------------

GROUPS = dict(weighting_group_share=0.40, group_difference=0.20, group_response_ratio=2.0)


def test_weighting_removes_group_response_bias() -> None:
    sim = simulate_poll(P, N, polls=POLLS, rng=SEED, **GROUPS)
    unweighted = sim.unweighted_estimates
    unweighted_se = unweighted.std(ddof=1) / math.sqrt(POLLS)
    # the over-represented group says "yes" more often: the raw share is biased upwards ...
    assert unweighted.mean() - P > 20 * unweighted_se
    assert abs(unweighted.mean() - sim.expected_unweighted) <= 4 * unweighted_se
    # ... and post-stratification to the known 40% removes it
    assert sim.expected_reported == pytest.approx(P, abs=1e-12)
    assert within_mc(sim, P)


def test_weighting_keeps_answer_dependent_nonresponse_and_coverage_bias() -> None:
    sim = simulate_poll(P, N, polls=POLLS, rng=SEED, response_odds_ratio=1.42, **GROUPS)
    w, delta = 0.40, 0.20
    nr = Nonresponse(1.42)
    expected = w * nr.reported(P + (1 - w) * delta) + (1 - w) * nr.reported(P - w * delta)
    assert sim.expected_reported == pytest.approx(expected, abs=1e-12)
    assert within_mc(sim, expected)
    assert sim.bias > 0.05

    cov = simulate_poll(P, N, polls=POLLS, rng=SEED, uncovered_share=0.10,
                        uncovered_difference=-0.30, **GROUPS)
    assert within_mc(cov, Coverage(0.10, -0.30).reported(P))


def test_kish_deff_restores_coverage_under_weighting() -> None:
    # no group difference: weighting only costs precision, which deff=1 ignores
    kw = dict(weighting_group_share=0.40, group_response_ratio=3.0, polls=POLLS, rng=SEED)
    plain = simulate_poll(P, N, **kw)
    kish = simulate_poll(P, N, deff="kish", **kw)
    assert np.array_equal(plain.estimates, kish.estimates)
    assert plain.coverage < 0.93
    assert abs(kish.coverage - 0.95) < 0.01
    assert np.all(kish.n_eff < N)


def test_kish_deff_per_poll_matches_kish_deff_of_the_weights() -> None:
    n, w = 10, 0.40
    with pytest.warns(SurveyStatsWarning, match="no respondents"):  # n = 10: a few empty
        sim = simulate_poll(P, n, polls=500, rng=SEED, weighting_group_share=w,
                            group_response_ratio=3.0, deff="kish")
    # every possible group size n_1 gives post-stratification weights w/n_1 and (1-w)/n_0
    possible = {
        round(kish_deff([w / n1] * n1 + [(1 - w) / (n - n1)] * (n - n1)).deff, 10)
        for n1 in range(1, n)
    } | {1.0}
    observed = {round(d, 10) for d in n / sim.n_eff}
    assert observed <= possible
    assert len(observed) > 3


def test_numeric_deff_goes_through_proportion_ci() -> None:
    sim = simulate_poll(P, N, polls=1_000, rng=SEED, deff=2.0, method="jeffreys",
                        confidence_level=0.90)
    ci = proportion_ci(sim.estimates, N, deff=2.0, method="jeffreys", confidence_level=0.90)
    np.testing.assert_array_equal(sim.low, ci.low)
    np.testing.assert_array_equal(sim.high, ci.high)
    assert np.all(sim.n_eff == N / 2)


def test_empty_groups_fall_back_to_unweighted_share() -> None:
    kw = dict(weighting_group_share=0.20, group_difference=0.30, group_response_ratio=0.5,
              response_odds_ratio=1.3, falsification=0.10)
    with pytest.warns(SurveyStatsWarning, match=r"one weighting group had no respondents"):
        sim = simulate_poll(P, 5, polls=POLLS, rng=SEED, **kw)
    empty = sim.empty_group
    assert sim.empty_group_polls == int(empty.sum()) > 1000
    np.testing.assert_array_equal(sim.estimates[empty], sim.unweighted_estimates[empty])
    assert np.all(sim.n_eff[empty] == 5)
    # the exact expectation includes the fallback
    assert within_mc(sim, sim.expected_reported)


# --------------------------------------------------------------------------------------------
# Coverage under bias
# --------------------------------------------------------------------------------------------


def test_vtsiom_nominal_interval_almost_never_covers() -> None:
    sim = simulate_poll(P, N, polls=POLLS, rng=SEED, response_odds_ratio=1.42)
    assert sim.bias == pytest.approx(Nonresponse(1.42).reported(P) - P, abs=4 * sim.bias_se)
    assert sim.coverage < 0.001
    # a design effect does not rescue it either
    assert simulate_poll(P, N, polls=2_000, rng=SEED, response_odds_ratio=1.42,
                         deff=2.25).coverage < 0.05


# --------------------------------------------------------------------------------------------
# Randomness
# --------------------------------------------------------------------------------------------

ALL_ON = dict(uncovered_share=0.05, uncovered_difference=-0.2, response_odds_ratio=1.2,
              falsification=0.05, reverse_falsification=0.01, weighting_group_share=0.4,
              group_difference=0.1, group_response_ratio=1.5, deff="kish")


def test_reproducible_with_seed_and_generator() -> None:
    a = simulate_poll(P, N, polls=500, rng=7, **ALL_ON)
    b = simulate_poll(P, N, polls=500, rng=7, **ALL_ON)
    c = simulate_poll(P, N, polls=500, rng=np.random.default_rng(7), **ALL_ON)
    d = simulate_poll(P, N, polls=500, rng=8, **ALL_ON)
    np.testing.assert_array_equal(a.estimates, b.estimates)
    np.testing.assert_array_equal(a.low, c.low)
    assert not np.array_equal(a.estimates, d.estimates)
    gen = np.random.default_rng(7)
    first = simulate_poll(P, N, polls=500, rng=gen).estimates
    second = simulate_poll(P, N, polls=500, rng=gen).estimates
    assert not np.array_equal(first, second)  # a Generator is advanced, not reset


# --------------------------------------------------------------------------------------------
# Boundaries and invariants
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_true_share_at_the_bounds(p: float) -> None:
    sim = simulate_poll(p, 50, polls=200, rng=SEED)
    assert np.all(sim.estimates == p)
    assert sim.coverage == 1.0
    assert sim.sd == 0.0


def test_single_interview_and_single_poll() -> None:
    sim = simulate_poll(P, 1, polls=1, rng=SEED)
    assert sim.estimates.shape == (1,)
    assert sim.estimates[0] in (0.0, 1.0)
    assert sim.sd == 0.0


@settings(max_examples=25, deadline=None)
@given(
    p=st.floats(0.0, 1.0),
    n=st.integers(1, 300),
    k=st.floats(0.2, 5.0),
    f=st.floats(0.0, 0.45),
    g=st.floats(0.0, 0.45),
    w=st.one_of(st.none(), st.floats(0.05, 0.95)),
    r=st.floats(0.2, 5.0),
    kish=st.booleans(),
)
def test_invariants(p: float, n: int, k: float, f: float, g: float, w: float | None,
                    r: float, kish: bool) -> None:
    groups = {} if w is None else dict(weighting_group_share=w, group_response_ratio=r)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SurveyStatsWarning)
        sim = simulate_poll(p, n, polls=200, rng=1, response_odds_ratio=k, falsification=f,
                            reverse_falsification=g, deff="kish" if kish else 1.0, **groups)
    assert np.all((sim.estimates >= 0) & (sim.estimates <= 1))
    assert np.all((0 <= sim.low) & (sim.low <= sim.estimates + 1e-12))
    assert np.all(sim.estimates <= sim.high + 1e-12)
    assert np.all(sim.high <= 1)
    assert 0.0 <= sim.coverage <= 1.0
    assert 0.0 <= sim.expected_reported <= 1.0
    assert sim.rmse ** 2 == pytest.approx(sim.bias ** 2 + sim.sd ** 2 * 199 / 200, abs=1e-12)
    if w is None:
        assert sim.empty_group_polls == 0


# --------------------------------------------------------------------------------------------
# The result object
# --------------------------------------------------------------------------------------------


def test_result_object() -> None:
    sim = simulate_poll(P, N, polls=300, rng=SEED, method="score", **ALL_ON)
    assert sim.method == "wilson"  # alias resolved
    assert sim.deff == "kish"
    with pytest.raises(dataclasses.FrozenInstanceError):
        sim.coverage = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        sim.estimates[0] = 0.5
    frame = sim.to_frame()
    assert list(frame.columns) == ["estimate", "unweighted_estimate", "low", "high", "covers",
                                   "n_eff", "empty_group"]
    assert len(frame) == 300
    assert frame["covers"].mean() == sim.coverage
    summary = sim.summary()
    assert isinstance(summary, pd.DataFrame) and len(summary) == 1
    for col in ("true_p", "mean_estimate", "bias", "sd", "rmse", "coverage",
                "confidence_level", "polls", "n"):
        assert col in summary.columns
    assert summary.loc[0, "coverage"] == sim.coverage
    text = repr(sim)
    assert "\n" not in text and text.startswith("PollSimulation(") and "coverage=" in text
    html = sim._repr_html_()
    assert "wilson" in html and "response_odds_ratio=1.2" in html
    assert sim.settings()["weighting_group_share"] == 0.4


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(true_p=70), r"true_p \(70\) must be in \[0, 1\].*percentage\? 70% is 0.7"),
        (dict(true_p=-0.1), r"true_p \(-0.1\) must be in \[0, 1\]"),
        (dict(n=0), r"n \(0\) must be a whole number >= 1"),
        (dict(n=1600.5), r"n \(1600.5\) must be a whole number >= 1"),
        (dict(polls=0), r"polls \(0\) must be a whole number >= 1"),
        (dict(uncovered_share=1.0), r"uncovered_share \(1\) must be in \[0, 1\)"),
        (dict(uncovered_difference=-1.5), r"uncovered_difference \(-1.5\) must be in \[-1, 1\]"),
        (dict(uncovered_share=0.5, uncovered_difference=0.9),
         r"uncovered_difference \(0.9\) with uncovered_share=0.5.*must be in \[0, 1\]"),
        (dict(response_odds_ratio=0), r"response_odds_ratio \(0\) must be finite and > 0"),
        (dict(group_response_ratio=-1, weighting_group_share=0.4),
         r"group_response_ratio \(-1\) must be finite and > 0"),
        (dict(falsification=0.6, reverse_falsification=0.5),
         r"falsification \(0.6\) \+ reverse_falsification \(0.5\) must be < 1"),
        (dict(falsification=1.0), r"falsification \(1\) must be in \[0, 1\)"),
        (dict(weighting_group_share=1.0), r"weighting_group_share \(1\) must be in \(0, 1\)"),
        (dict(weighting_group_share=40), r"weighting_group_share \(40\).*percentage"),
        (dict(group_difference=0.1), r"group_difference \(0.1\) needs weighting_group_share"),
        (dict(group_response_ratio=2.0),
         r"group_response_ratio \(2\) needs weighting_group_share"),
        (dict(weighting_group_share=0.4, group_difference=0.9),
         r"group_difference \(0.9\) with weighting_group_share=0.4.*\[0, 1\]"),
        (dict(confidence_level=95), r"confidence_level \(95\) must be in \(0, 1\)"),
        (dict(method="beta"), r"method 'beta' is ambiguous"),
        (dict(method="bogus"), r"method \('bogus'\) is not one of"),
        (dict(deff="design"), r"deff \('design'\) must be a number > 0 or 'kish'"),
        (dict(deff=0.0), r"deff \(0\) must be finite and > 0"),
        (dict(true_p=float("nan")), r"true_p \(nan\) must be in \[0, 1\]"),
    ],
)
def test_errors(kwargs: dict, match: str) -> None:
    args = {"true_p": P, "n": N, "polls": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        simulate_poll(**args)


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(true_p="0.6"), r"true_p \('0.6'\) must be a single real number"),
    (dict(n=True), r"n \(True\) must be a whole number, not a boolean"),
    (dict(true_p=[0.6, 0.7]), r"true_p \(\[0.6, 0.7\]\) must be a single real number, not list"),
])
def test_type_errors(kwargs: dict, match: str) -> None:
    args = {"true_p": P, "n": N, "polls": 10, **kwargs}
    with pytest.raises(TypeError, match=match):
        simulate_poll(**args)
