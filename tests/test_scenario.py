"""Scenarios, presets and the scenario grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.bias import (
    Coverage,
    DataDefect,
    Falsification,
    HouseEffect,
    Nonresponse,
    default_range,
    tse_multiplier,
)


def test_odds_ratio_142_takes_70_to_622() -> None:
    res = ss.Scenario([Nonresponse(1.42)]).apply(0.70, 1600)
    assert res.estimate == pytest.approx(0.622, abs=5e-4)  # "about 62.2%"
    assert res.estimate == pytest.approx(0.70 / (1.42 * 0.30 + 0.70), rel=1e-12)
    # the interval is the sampling interval carried through the same inverse
    ci = ss.proportion_ci(0.70, 1600)
    assert res.low == pytest.approx(Nonresponse(1.42).true(ci.low), rel=1e-12)
    assert res.high == pytest.approx(Nonresponse(1.42).true(ci.high), rel=1e-12)


def test_no_mechanism_is_the_sampling_interval() -> None:
    res = ss.Scenario(deff=1.5).apply(0.55, 1600, method="jeffreys")
    ci = ss.proportion_ci(0.55, 1600, deff=1.5, method="jeffreys")
    assert (res.estimate, res.low, res.high) == (0.55, ci.low, ci.high)
    assert res.sampling.n_eff == pytest.approx(1600 / 1.5)


def test_steps_record_each_contribution() -> None:
    mechs = [Coverage(0.05, -0.2), DataDefect(0.02, 0.1), Falsification(0.1)]
    res = ss.Scenario(mechs).apply(0.70, 1600)
    steps = res.to_frame()
    assert list(steps.mechanism) == ["reported", "falsification", "data_defect", "coverage",
                                     "adjusted"]
    assert steps["shift"].iloc[1:-1].sum() == pytest.approx(res.total_shift, abs=1e-12)
    assert steps.loc[steps.mechanism == "coverage", "shift"].item() == pytest.approx(-0.01)
    # undoing in reverse order equals composing the class inverses by hand
    by_hand = mechs[0].true(mechs[1].true(mechs[2].true(0.70)))
    assert res.estimate == pytest.approx(by_hand, rel=1e-12)


def test_forward_then_scenario_round_trip() -> None:
    mechs = [Coverage(0.05, -0.2), Nonresponse(1.3), Falsification(0.08, 0.02)]
    truth = 0.6
    reported = truth
    for m in mechs:
        reported = m.reported(reported)
    assert ss.Scenario(mechs).apply(reported, 1600).estimate == pytest.approx(truth, abs=1e-12)


def test_house_effect_widens_without_shifting() -> None:
    res = ss.Scenario([HouseEffect(0.02)]).apply(0.70, 1600)
    ci = ss.proportion_ci(0.70, 1600)
    assert res.estimate == 0.70
    assert res.low == pytest.approx(ci.low - 0.02) and res.high == pytest.approx(ci.high + 0.02)


def test_tse_multiplier_widens_and_refuses_stacking() -> None:
    res = ss.Scenario([tse_multiplier(2.0)]).apply(0.70, 1600)
    ci = ss.proportion_ci(0.70, 1600)
    assert res.high - 0.70 == pytest.approx(2 * (ci.high - 0.70))
    with pytest.raises(ValueError, match="TSE"):
        ss.Scenario([tse_multiplier(2.0), Nonresponse(1.2)])


def test_apply_accepts_proportion_ci() -> None:
    ci = ss.proportion_ci(0.55, 1600, deff=3.0)
    res = ss.Scenario([Falsification(0.1)], deff=1.5).apply(ci)
    assert res.estimate == pytest.approx(0.5)
    assert res.sampling.deff == 1.5  # the scenario's design effect replaces the topline's
    with pytest.raises(ValueError, match="n is taken from the ProportionCI"):
        ss.Scenario().apply(ci, 1600)
    with pytest.raises(ValueError, match="n is required"):
        ss.Scenario().apply(0.55)


def test_presets_trace_to_registry_and_match_evidence() -> None:
    plaus = ss.Scenario.preset("plausible")
    assert plaus.deff == default_range("design_effect", "deff").central
    cov, dd, fal, house = plaus.mechanisms
    assert cov.uncovered_share == default_range("coverage", "uncovered_share").central
    assert dd.rho == default_range("data_defect", "rho").central
    assert house.shift == default_range("house_effect", "shift").central
    assert fal.resolve(0.70).reported(0.65) == pytest.approx(0.70)  # a 5-point overstatement
    res = plaus.apply(0.70, 1600)
    # the evidence file's explicit-terms view: plausible about 61%, stress about 42%
    assert res.estimate == pytest.approx(0.61, abs=0.01)
    stress = ss.Scenario.preset("stress").apply(0.70, 1600)
    assert stress.estimate == pytest.approx(0.42, abs=0.015)
    benign = ss.Scenario.preset("benign").apply(0.70, 1600)
    assert benign.estimate == 0.70 and benign.high - benign.low == pytest.approx(0.0449, abs=1e-3)
    assert "Meng" in plaus.description and "judgement" in plaus.description
    with pytest.raises(ValueError, match="not one of"):
        ss.Scenario.preset("worst")  # type: ignore[arg-type]


def test_result_object() -> None:
    res = ss.Scenario.preset("plausible").apply(0.70, 1600)
    low, high = res
    assert low < res.estimate < high
    assert "ScenarioResult(scenario='plausible'" in repr(res)
    assert "<table" in res._repr_html_()
    summary = res.summary()
    assert list(summary.columns) == ["scenario", "reported", "n", "deff", "n_eff", "estimate",
                                     "low", "high", "method", "confidence_level"]


def test_grid_matches_scenarios_cell_by_cell() -> None:
    g = ss.scenario_grid([0.55, 0.70], 1600, deff=[1.0, 2.0], odds_ratio=[1.0, 1.2, 1.42],
                         falsification=[0.0, 0.05])
    assert len(g) == 2 * 2 * 3 * 2
    for _, row in g.sample(8, random_state=1).iterrows():
        res = ss.Scenario([Nonresponse(row.odds_ratio), Falsification(row.falsification)],
                          deff=row.deff).apply(row.reported, 1600)
        assert row.estimate == pytest.approx(res.estimate, rel=1e-12)
        assert row.low == pytest.approx(res.low, rel=1e-12)
        assert row.high == pytest.approx(res.high, rel=1e-12)


def test_grid_marks_infeasible_cells() -> None:
    g = ss.scenario_grid(0.10, 1600, falsification=[0.05, 0.2])
    assert list(g.feasible) == [True, False]
    assert np.isnan(g.estimate.iloc[1])


def test_grid_columns_and_house_sign() -> None:
    g = ss.scenario_grid(0.70, 1600, house_effect=[-0.02, 0.02], rho=0.02, response_rate=0.1)
    assert list(g.columns[:4]) == ["reported", "n", "deff", "n_eff"]
    assert {"estimate", "low", "high", "sampling_low", "sampling_high", "feasible", "method",
            "confidence_level"} <= set(g.columns)
    assert g.estimate.iloc[0] > g.estimate.iloc[1]  # a negative shift means truth is higher


def test_grid_million_cells_shape() -> None:
    g = ss.scenario_grid(np.linspace(0.5, 0.8, 10), 1600, deff=[1.0, 1.5, 2.25, 3.0],
                         odds_ratio=np.linspace(1, 1.5, 50), falsification=np.linspace(0, .2, 50),
                         uncovered_share=[0.02, 0.05, 0.1, 0.2], coverage_difference=[-.2, -.1])
    assert len(g) == 10 * 4 * 50 * 50 * 4 * 2
    assert isinstance(g, pd.DataFrame) and g.feasible.mean() > 0.9


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"odds_ratio": 0.0}, r"odds_ratio \(0\) must be finite and > 0"),
    ({"falsification": 10}, "did you pass a percentage"),
    ({"rho": 0.02}, "rho and response_rate go together"),
    ({"odds_ratio": 1.2, "rho": 0.02, "response_rate": 0.1}, "same thing"),
    ({"falsification": 0.6, "reverse_falsification": 0.5}, "must be < 1"),
    ({"bogus": 1.0}, "unknown bias parameter 'bogus'"),
])
def test_grid_errors(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ss.scenario_grid(0.7, 1600, **kwargs)


@settings(max_examples=80, deadline=None)
@given(p=st.floats(0.05, 0.95), k=st.floats(0.5, 2.0), f=st.floats(0.0, 0.04))
def test_property_grid_interval_brackets_estimate(p: float, k: float, f: float) -> None:
    g = ss.scenario_grid(p, 1000, odds_ratio=k, falsification=f, deff=1.7)
    row = g.iloc[0]
    assert row.low <= row.estimate <= row.high


def test_docs_show_every_default_range_and_the_preset_figures() -> None:
    from pathlib import Path

    from surveystats.bias import default_ranges

    text = (Path(__file__).parent.parent / "docs" / "bias.md").read_text()
    for _, row in default_ranges().iterrows():
        line = f"| {row.mechanism} | {row.parameter} | {row.applies_to} | {row.low:g} |"
        assert line in text, line
    for name, p in (("plausible", 0.70), ("plausible", 0.55), ("stress", 0.70)):
        res = ss.Scenario.preset(name).apply(p, 1600)  # type: ignore[arg-type]
        assert f"{100 * res.estimate:.1f}% [{100 * res.low:.1f}, {100 * res.high:.1f}]" in text


def test_grid_bound_outside_feasible_range_goes_to_the_edge() -> None:
    # the sampling interval's lower end (about 3.9%) is below the falsification share 3.9%:
    # the lower bound of the true share is then 0, not missing
    g = ss.scenario_grid(0.0546875, 1000, falsification=0.0390625, deff=1.7)
    res = ss.Scenario([Falsification(0.0390625)], deff=1.7).apply(0.0546875, 1000)
    assert g.low.iloc[0] == pytest.approx(res.low, abs=1e-12) and res.low == 0.0
    assert g.low.iloc[0] <= g.estimate.iloc[0] <= g.high.iloc[0]
