"""Tipping points."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.bias import Falsification, Nonresponse


def test_55_percent_falsification_tipping_point() -> None:
    tp = ss.tipping_point(0.55, "falsification")
    assert tp.value == pytest.approx(0.10, abs=1e-12)
    assert tp.found and tp.parameter == "falsification"
    assert Falsification(tp.value).true(0.55) == pytest.approx(0.5, abs=1e-12)


def test_55_percent_odds_ratio_tipping_point() -> None:
    tp = ss.tipping_point(0.55, "nonresponse")
    assert tp.value == pytest.approx(0.55 / 0.45, rel=1e-12)  # about 1.22
    assert Nonresponse(tp.value).true(0.55) == pytest.approx(0.5, abs=1e-12)
    assert tp.adjusted() == pytest.approx(0.5, abs=1e-12)


def test_mechanism_class_accepted() -> None:
    assert ss.tipping_point(0.55, Nonresponse).value == pytest.approx(0.55 / 0.45)  # type: ignore[arg-type]


def test_bounds_need_less_bias() -> None:
    est = ss.tipping_point(0.55, "nonresponse").value
    low = ss.tipping_point(0.55, "nonresponse", bound="low", n=1600).value
    high = ss.tipping_point(0.55, "nonresponse", bound="high", n=1600, deff=1.5).value
    assert low < est < high
    ci = ss.proportion_ci(0.55, 1600)
    assert Nonresponse(low).true(ci.low) == pytest.approx(0.5, abs=1e-10)


def test_data_defect_with_fixed_response_rate() -> None:
    tp = ss.tipping_point(0.55, "data_defect", response_rate=0.1)
    # bias = rho * 3 * sqrt(p (1 - p)) at the true p = 0.5: 0.05 = rho * 3 * 0.5
    assert tp.value == pytest.approx(0.05 / 1.5, rel=1e-9)
    assert tp.fixed == {"response_rate": 0.1}


def test_no_crossing_is_reported_in_words() -> None:
    tp = ss.tipping_point(0.55, "coverage", uncovered_share=0.05)
    assert tp.value is None and not tp.found
    assert tp.message.startswith("no value of coverage_difference")
    with pytest.raises(ValueError, match="no tipping value"):
        tp.adjusted()
    assert "found" in tp.to_frame().columns


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"mechanism": "magic"}, r"mechanism \('magic'\) is not one of"),
    ({"mechanism": "data_defect"}, "fix response_rate"),
    ({"mechanism": "nonresponse", "bound": "low"}, "n is required"),
    ({"mechanism": "nonresponse", "bound": "middle"}, r"bound \('middle'\)"),
    ({"mechanism": "nonresponse", "threshold": 50}, "did you pass a percentage"),
    ({"mechanism": "falsification", "odds_ratio": 1.0}, "not a parameter of falsification"),
])
def test_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ss.tipping_point(0.55, **kwargs)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(p=st.floats(0.51, 0.95), thr=st.floats(0.2, 0.5))
def test_property_round_trip(p: float, thr: float) -> None:
    for mech in ("nonresponse", "falsification"):
        tp = ss.tipping_point(p, mech, threshold=thr)
        assert tp.found
        assert tp.adjusted() == pytest.approx(thr, abs=1e-9)
