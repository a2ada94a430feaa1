"""Tests for surveystats.bias: worked figures, round trips, messages, vectorisation, defaults.

Worked figures come from /work/shared/reference/bias-evidence.md (sections 4, 6 and 8) and are
pinned at the precision the evidence file prints them.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveystats.bias import (
    EVIDENCE_LABELS,
    MECHANISMS,
    Bounds,
    Coverage,
    DataDefect,
    DefaultRange,
    DontKnow,
    Falsification,
    HouseEffect,
    Nonresponse,
    TSEMultiplier,
    check_combinable,
    default_range,
    default_ranges,
    manski_bounds,
    meng_bias,
    tse_multiplier,
)

shares = st.floats(0.0, 1.0, allow_nan=False)
unit = st.floats(0.0, 1.0, allow_nan=False)
ROUND_TRIP = 1e-9


# ----------------------------------------------------------------------------------------
# Worked figures (VTsIOM, December 2025: 70% and 55%, n = 1,600)
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "reported", "expected", "tol"),
    [
        (1.42, 0.70, 0.6216, 1e-4),  # evidence file: "62.2%"; exact 0.7 / 1.126 = 0.62167
        (1.42, 0.55, 0.4626, 1e-4),
        (1.2, 0.70, 0.660, 5e-4),
        (1.2, 0.55, 0.505, 5e-4),
        (1.0, 0.70, 0.70, 1e-15),
    ],
)
def test_nonresponse_worked_figures(k: float, reported: float, expected: float, tol: float):
    assert Nonresponse(k).true(reported) == pytest.approx(expected, abs=tol)


def test_nonresponse_exact_values():
    assert Nonresponse(1.42).true(0.70) == pytest.approx(0.70 / 1.126, rel=1e-14)
    # k from the Re:Russia fear gap: 0.85 / 0.60
    assert 0.85 / 0.60 == pytest.approx(1.42, abs=0.005)


# Section 4 table: (response rate, p, rho_c, bias in pp, n_eff or None) at n = 1,600.
MENG_BAILEY_TABLE = [
    (0.05, 0.70, 0.005, 1.0, 909),
    (0.05, 0.70, 0.02, 4.0, 122),
    (0.05, 0.70, 0.05, 10.0, 21),
    (0.10, 0.70, 0.005, 0.7, 1176),
    (0.10, 0.70, 0.02, 2.75, 237),
    (0.10, 0.70, 0.05, 6.9, 43),
    (0.25, 0.70, 0.005, 0.4, 1429),
    (0.25, 0.70, 0.02, 1.6, 548),
    (0.25, 0.70, 0.05, 4.0, 123),
    (0.10, 0.55, 0.005, 0.75, None),
    (0.10, 0.55, 0.02, 3.0, None),
    (0.10, 0.55, 0.05, 7.5, None),
]


@pytest.mark.parametrize(("rate", "p", "rho", "bias_pp", "n_eff"), MENG_BAILEY_TABLE)
def test_data_defect_table(rate: float, p: float, rho: float, bias_pp: float, n_eff: int | None):
    dd = DataDefect(rho=rho, response_rate=rate)
    # The table prints biases to 0.05 pp and n_eff to the nearest unit.
    assert 100 * dd.bias(p) == pytest.approx(bias_pp, abs=0.05)
    assert dd.reported(p) - p == pytest.approx(dd.bias(p), abs=1e-15)
    if n_eff is not None:
        assert dd.equivalent_srs_size(p, 1600) == pytest.approx(n_eff, abs=0.5)


def test_data_defect_pinned_case():
    dd = DataDefect(rho=0.02, response_rate=0.10)
    assert dd.bias(0.70) == pytest.approx(0.0275, abs=5e-5)
    assert round(dd.equivalent_srs_size(0.70, n=1600)) == 237
    # n_eff = sigma^2 / (bias^2 + sigma^2 / n), computed directly
    sigma2 = 0.70 * 0.30
    direct = sigma2 / (dd.bias(0.70) ** 2 + sigma2 / 1600)
    assert dd.equivalent_srs_size(0.70, 1600) == pytest.approx(direct, rel=1e-12)
    # ... and it does not depend on p
    assert dd.equivalent_srs_size(0.55, 1600) == pytest.approx(direct, rel=1e-12)


def test_meng_cross_check_400():
    # Meng (2018): rho = -0.005, 1% of US voters (n = 2.3 million) ~ an SRS of about 400.
    n_eff = DataDefect(rho=-0.005, response_rate=0.01).equivalent_srs_size(0.5, 2_300_000)
    assert n_eff == pytest.approx(404, abs=1)


def test_meng_population_form():
    n, big_n = 1600, 111_562_942
    # sqrt((N - n) / n) is about 264
    assert math.sqrt((big_n - n) / n) == pytest.approx(264, abs=0.5)
    # population rho of 0.0005 already means about 6 pp at p = 0.70
    assert meng_bias(0.70, rho=0.0005, n=n, population_size=big_n) == pytest.approx(0.06, abs=0.002)
    dd = DataDefect(rho=0.05, response_rate=0.10)
    rho_pop = dd.population_rho(n, big_n)
    # conversion factor about 0.011 at p_r = 0.10
    assert rho_pop / dd.rho == pytest.approx(0.011, abs=0.0005)
    # the two forms give the same bias by construction
    p = np.linspace(0, 1, 11)
    np.testing.assert_allclose(
        meng_bias(p, rho=rho_pop, n=n, population_size=big_n), dd.bias(p), rtol=1e-12, atol=1e-15
    )
    back = DataDefect.from_population_rho(rho_pop, n=n, population_size=big_n, response_rate=0.10)
    assert back.rho == pytest.approx(0.05, rel=1e-12)


def test_falsification_tipping_point():
    assert Falsification(share=0.10).true(0.55) == pytest.approx(0.5, abs=1e-15)
    assert Falsification(share=0.10).reported(0.5) == pytest.approx(0.55, abs=1e-15)


def test_falsification_from_overstatement():
    f70 = Falsification.from_overstatement(0.05, reported_p=0.70)
    assert f70.share == pytest.approx(0.05 / 0.35)
    assert f70.true(0.70) == pytest.approx(0.65)
    f55 = Falsification.from_overstatement(0.05, reported_p=0.55)
    assert f55.share == pytest.approx(0.10)
    under = Falsification.from_overstatement(-0.05, reported_p=0.55)
    assert under.share == 0.0
    assert under.true(0.55) == pytest.approx(0.60)
    assert Falsification.from_overstatement(0.0, reported_p=0.7) == Falsification(0.0)


def test_manski_worked_figures():
    low, high = manski_bounds(0.70, 0.10)
    assert (low, high) == pytest.approx((0.07, 0.97))
    assert manski_bounds(0.70, 0.25) == pytest.approx((0.175, 0.925))
    assert manski_bounds(0.70, 1) == pytest.approx((0.70, 0.70))


def test_dont_know_worked_figures():
    dk = DontKnow(0.19)
    assert dk.among_opinion(0.70) == pytest.approx(0.70 / 0.81)
    assert dk.among_opinion(0.70) == pytest.approx(0.864, abs=5e-4)
    assert dk.true(0.70) == pytest.approx(dk.among_opinion(0.70))
    assert dk.bounds(0.70) == pytest.approx((0.70, 0.89))
    assert dk.reported(dk.true(0.70)) == pytest.approx(0.70)


def test_coverage_worked_figures():
    cov = Coverage(uncovered_share=0.05, difference=-0.20)
    assert cov.true(0.70) == pytest.approx(0.69)
    assert cov.reported(0.69) == pytest.approx(0.70)
    # evidence file: coverage bias = share x difference, 0.2 / 1.0 / 3.0 pp
    for u, d, pp in [(0.02, 0.10, 0.2), (0.05, 0.20, 1.0), (0.10, 0.30, 3.0)]:
        assert 100 * (0.60 - Coverage(u, -d).true(0.60)) == pytest.approx(pp)


def test_house_effect_bounds():
    he = HouseEffect(0.02)
    assert he.true(0.70) == pytest.approx((0.68, 0.72))
    assert HouseEffect(-0.02).true(0.70) == pytest.approx((0.68, 0.72))
    assert he.reported(0.70) == pytest.approx((0.68, 0.72))
    assert HouseEffect(0.05).true(0.98) == pytest.approx((0.93, 1.0))
    assert HouseEffect(0.05).true(0.01) == pytest.approx((0.0, 0.06))
    assert isinstance(he.true(0.70), Bounds)


def test_tse_multiplier():
    tse = tse_multiplier(2.0)
    assert isinstance(tse, TSEMultiplier)
    srs_margin = 1.96 * math.sqrt(0.70 * 0.30 / 1600)  # about 2.25 pp
    assert tse.widen(srs_margin) == pytest.approx(0.045, abs=5e-4)
    assert tse.reported(0.70) == 0.70
    assert tse.true(0.70) == 0.70
    np.testing.assert_array_equal(tse.widen([0.01, 0.02]), [0.02, 0.04])
    with pytest.raises(ValueError, match=r"margin \(-0\.01\) must be finite and >= 0"):
        tse.widen(-0.01)


# ----------------------------------------------------------------------------------------
# Round trips (hypothesis)
# ----------------------------------------------------------------------------------------


@given(k=st.floats(0.01, 100.0), p=shares)
def test_nonresponse_round_trip(k: float, p: float):
    nr = Nonresponse(k)
    assert nr.true(nr.reported(p)) == pytest.approx(p, abs=ROUND_TRIP)
    assert nr.reported(nr.true(p)) == pytest.approx(p, abs=ROUND_TRIP)


@given(k=st.floats(0.01, 100.0), a=shares, b=shares)
def test_nonresponse_monotone_and_direction(k: float, a: float, b: float):
    nr = Nonresponse(k)
    lo, hi = sorted((a, b))
    assert nr.reported(lo) <= nr.reported(hi) + 1e-15
    if k > 1:
        assert nr.reported(lo) >= lo - 1e-15
    else:
        assert nr.reported(lo) <= lo + 1e-15


def _data_defect_domain(dd: DataDefect, t: float) -> float:
    """Map t in [0, 1] onto the range of true shares where the forward map stays in [0, 1]."""
    c2 = dd.rho**2 * (1 - dd.response_rate) / dd.response_rate
    if dd.rho >= 0:
        return t / (1 + c2)
    lo = c2 / (1 + c2)
    return lo + t * (1 - lo)


@given(rho=st.floats(-1.0, 1.0), rate=st.floats(0.001, 1.0), t=unit)
def test_data_defect_round_trip(rho: float, rate: float, t: float):
    dd = DataDefect(rho, rate)
    p = _data_defect_domain(dd, t)
    assert dd.true(dd.reported(p)) == pytest.approx(p, abs=ROUND_TRIP)


@given(rho=st.floats(-1.0, 1.0), rate=st.floats(0.001, 1.0), r=shares)
def test_data_defect_inverse_solves_the_equation(rho: float, rate: float, r: float):
    # The chosen root satisfies r - p = c sqrt(p (1 - p)) itself, not just its square.
    dd = DataDefect(rho, rate)
    p = dd.true(r)
    assert 0.0 <= p <= 1.0
    c = rho * math.sqrt((1 - rate) / rate)
    # Near p = 0 or 1 the forward map has slope ~ |c| / sqrt(p (1 - p)), so rounding p to a
    # double (about 1e-16) can move the reported share by up to |c| * sqrt(1e-16) = 1e-8 |c|.
    tol = 1e-9 + 2e-8 * abs(c)
    assert r - p == pytest.approx(c * math.sqrt(p * (1 - p)), abs=tol)
    assert dd.reported(p, clip=True) == pytest.approx(r, abs=tol)


@given(f=st.floats(0.0, 0.98), frac=unit, p=shares)
def test_falsification_round_trip(f: float, frac: float, p: float):
    g = frac * (0.99 - f)
    fz = Falsification(f, g)
    r = fz.reported(p)
    assert f - 1e-12 <= r <= 1 - g + 1e-12
    assert fz.true(r) == pytest.approx(p, abs=ROUND_TRIP)


@given(u=st.floats(0.0, 0.99), d=st.floats(-1.0, 1.0), t=unit)
def test_coverage_round_trip(u: float, d: float, t: float):
    cov = Coverage(u, d)
    lo, hi = max(0.0, -d), min(1.0, 1.0 - d)  # covered shares with a feasible uncovered share
    r = lo + t * (hi - lo)
    p = cov.true(r)
    assert p == pytest.approx(r + u * d, abs=1e-12)
    assert cov.reported(p) == pytest.approx(r, abs=ROUND_TRIP)


@given(u=st.floats(0.0, 0.9), d=st.floats(-1.0, 1.0), r=shares)
def test_coverage_clip_round_trip(u: float, d: float, r: float):
    cov = Coverage(u, d)
    p = cov.true(r, clip=True)
    assert 0.0 <= p <= 1.0
    assert cov.reported(p, clip=True) == pytest.approx(r, abs=1e-9)


@given(dk=st.floats(0.0, 0.99), p=shares)
def test_dont_know_round_trip(dk: float, p: float):
    m = DontKnow(dk)
    assert m.true(m.reported(p)) == pytest.approx(p, abs=ROUND_TRIP)
    low, high = m.bounds(m.reported(p))
    assert low <= m.reported(p) <= high


@given(p=shares, rate=st.floats(1e-6, 1.0))
def test_manski_properties(p: float, rate: float):
    low, high = manski_bounds(p, rate)
    assert 0.0 <= low <= high <= 1.0 + 1e-15
    assert high - low == pytest.approx(1 - rate, abs=1e-12)
    assert low - 1e-12 <= p * rate <= high + 1e-12


@given(s=st.floats(-1.0, 1.0), r=shares)
def test_house_effect_properties(s: float, r: float):
    low, high = HouseEffect(s).true(r)
    assert 0.0 <= low <= r <= high <= 1.0
    assert high - low <= 2 * abs(s) + 1e-12


# ----------------------------------------------------------------------------------------
# Boundaries
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mech",
    [
        Nonresponse(1.42),
        DataDefect(0.0, 0.1),
        Falsification(0.0, 0.0),
        Coverage(0.05, 0.0),
        DontKnow(0.0),
        TSEMultiplier(2.0),
    ],
)
def test_zero_and_one_are_fixed_points_without_bias(mech):
    assert mech.reported(0.0) == pytest.approx(0.0)
    assert mech.reported(1.0) == pytest.approx(1.0)
    assert mech.true(0.0) == pytest.approx(0.0)
    assert mech.true(1.0) == pytest.approx(1.0)


def test_data_defect_domain_edges():
    dd = DataDefect(0.05, 0.10)  # c = 0.15
    edge = 1 / (1 + 0.15**2)
    assert dd.reported(edge) == pytest.approx(1.0)
    assert dd.true(1.0) == pytest.approx(edge)
    assert dd.true(0.0) == 0.0
    assert dd.reported(0.999, clip=True) == 1.0
    neg = DataDefect(-0.05, 0.10)
    assert neg.true(0.0) == pytest.approx(0.15**2 / (1 + 0.15**2))
    assert neg.true(1.0) == pytest.approx(1.0)
    assert DataDefect(0.5, 1.0).reported(0.7) == 0.7  # full response: no bias


def test_data_defect_is_meng_identity_on_the_contacted_people():
    # The Notes derive r = p + rho_c sqrt((1 - p_r) / p_r) sqrt(p (1 - p)) as an identity over
    # the contacted people; check it on one made-up set of them, to the last digits.
    rng = np.random.default_rng(7)
    yes = (rng.random(5000) < 0.7).astype(float)
    responds = (rng.random(5000) < np.where(yes == 1, 0.12, 0.08)).astype(float)
    rho_c = np.corrcoef(responds, yes)[0, 1]
    dd = DataDefect(rho_c, responds.mean())
    assert dd.reported(yes.mean()) == pytest.approx(yes[responds == 1].mean(), rel=1e-12)
    assert dd.true(yes[responds == 1].mean()) == pytest.approx(yes.mean(), rel=1e-12)


def test_falsification_clip():
    fz = Falsification(0.10, 0.05)
    np.testing.assert_allclose(fz.true([0.05, 0.99], clip=True), [0.0, 1.0])


def test_dont_know_clip():
    assert DontKnow(0.19).true(0.9, clip=True) == 1.0


@pytest.mark.parametrize(("mech", "direction"), [
    (Nonresponse(1e-6), "reported"), (Nonresponse(1e6), "reported"),
    (Nonresponse(1e-6), "true"), (Nonresponse(1e6), "true"),
    (DataDefect(0.9, 0.01), "true"), (DataDefect(-0.9, 0.01), "true"),
    (Falsification(0.6, 0.39), "reported"),
    (DontKnow(0.95), "reported"),
])
def test_clip_changes_nothing_where_the_docstrings_say_so(mech, direction):
    # These directions take [0, 1] into [0, 1], so there is nothing for clip to refuse or cap.
    x = np.linspace(0.0, 1.0, 1001)
    unclipped = getattr(mech, direction)(x)
    assert np.all((unclipped >= 0.0) & (unclipped <= 1.0))
    np.testing.assert_array_equal(getattr(mech, direction)(x, clip=True), unclipped)


# ----------------------------------------------------------------------------------------
# Error messages
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0.0, -1.0])
def test_odds_ratio_must_be_positive(k: float):
    with pytest.raises(ValueError, match=rf"odds_ratio \({k:g}\) must be finite and > 0; "):
        Nonresponse(k)


@pytest.mark.parametrize("k", [math.inf, math.nan])
def test_odds_ratio_must_be_finite(k: float):
    with pytest.raises(ValueError, match=r"odds_ratio \((inf|nan)\) must be finite and > 0"):
        Nonresponse(k)


def test_parameter_type_error():
    with pytest.raises(TypeError,
                       match=r"odds_ratio \('1.2'\) must be a single real number, not a string"):
        Nonresponse("1.2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"odds_ratio \(True\) must be a single real number"):
        Nonresponse(True)


def test_share_outside_unit_interval_names_the_value():
    with pytest.raises(ValueError, match=r"true_p \(70\) must be in \[0, 1\]; did you pass"):
        Nonresponse(1.2).reported(70)
    with pytest.raises(ValueError, match=r"reported_p \(-0\.1\) must be in \[0, 1\]"):
        Nonresponse(1.2).true(-0.1)
    with pytest.raises(ValueError, match=r"reported_p \(e\.g\. 1\.5 and 1 other value\(s\)\) "
                                         r"must be in \[0, 1\]"):
        Nonresponse(1.2).true([0.5, 1.5, np.nan])


@pytest.mark.parametrize(
    ("factory", "pattern"),
    [
        (lambda: Falsification(1.0), r"share \(1\) must be in \[0, 1\)"),
        (lambda: Falsification(-0.1), r"share \(-0\.1\) must be in \[0, 1\)"),
        (lambda: Falsification(0.1, 1.2), r"reverse_share \(1\.2\) must be in \[0, 1\)"),
        (lambda: Coverage(1.0, 0.1), r"uncovered_share \(1\) must be in \[0, 1\)"),
        (lambda: Coverage(0.05, 1.5), r"difference \(1\.5\) must be in \[-1, 1\]"),
        (lambda: DontKnow(1.0), r"share \(1\) must be in \[0, 1\)"),
        (lambda: HouseEffect(2), r"shift \(2\) must be in \[-1, 1\]; .*percentage points"),
        (lambda: DataDefect(1.5, 0.1), r"rho \(1\.5\) must be in \[-1, 1\]"),
        (lambda: tse_multiplier(0.5), r"factor \(0\.5\) must be finite and >= 1"),
    ],
)
def test_parameter_range_messages(factory, pattern: str):
    with pytest.raises(ValueError, match=pattern):
        factory()


def test_response_rate_zero():
    with pytest.raises(ValueError, match=r"response_rate \(0\) must be in \(0, 1\]"):
        manski_bounds(0.70, 0)
    with pytest.raises(ValueError, match=r"response_rate \(0\) must be in \(0, 1\]"):
        DataDefect(0.02, 0)
    with pytest.raises(ValueError, match=r"response_rate \(e\.g\. 1\.5\) must be in \(0, 1\]"):
        manski_bounds(0.70, [0.1, 1.5])


@pytest.mark.parametrize(("f", "g"), [(0.6, 0.4), (0.7, 0.5)])
def test_falsification_shares_must_sum_below_one(f: float, g: float):
    with pytest.raises(ValueError, match=r"share \+ reverse_share .* must be < 1"):
        Falsification(f, g)


def test_falsification_inverse_outside_band():
    with pytest.raises(ValueError, match=r"reported_p \(0\.05\) is outside \[0\.1, 1\]"):
        Falsification(0.10).true(0.05)
    with pytest.raises(ValueError, match=r"reported_p \(0\.97\) is outside \[0\.1, 0\.95\]"):
        Falsification(0.10, 0.05).true([0.5, 0.97])


def test_coverage_infeasible():
    with pytest.raises(ValueError, match=r"reported_p \(0\.7\) with uncovered_share=0\.05"):
        Coverage(0.05, 0.4).true(0.7)
    with pytest.raises(ValueError, match=r"true_p \(0\.1\).*outside \[0, 1\]"):
        Coverage(0.5, 0.4).reported(0.1)


def test_data_defect_forward_outside_domain():
    with pytest.raises(ValueError, match=r"true_p \(0\.9\) is outside .* true_p <= 0\.307692"):
        DataDefect(0.5, 0.1).reported(0.9)
    with pytest.raises(ValueError, match=r"true_p >= 0\.692308"):
        DataDefect(-0.5, 0.1).reported(0.01)


def test_data_defect_population_checks():
    dd = DataDefect(0.02, 0.10)
    with pytest.raises(ValueError, match=r"population_size \(10000\) must be finite and >= 16000"):
        dd.population_rho(1600, 10_000)
    with pytest.raises(ValueError, match=r"n \(0\) must be finite and >= 1"):
        meng_bias(0.7, rho=0.001, n=0, population_size=1e8)
    with pytest.raises(ValueError, match=r"n \(0\) must be finite and >= 1"):
        dd.equivalent_srs_size(0.7, 0)


def test_dont_know_too_large():
    with pytest.raises(ValueError, match=r"reported_p \(0\.9\) plus the don't-know share"):
        DontKnow(0.19).among_opinion(0.9)


@pytest.mark.parametrize(
    "explicit",
    [
        Nonresponse(1.2),
        DataDefect(0.02, 0.1),
        Falsification(0.1),
        Coverage(0.05, -0.2),
        HouseEffect(0.02),
    ],
)
def test_tse_with_explicit_term_is_refused(explicit):
    with pytest.raises(ValueError, match="cannot combine a TSEMultiplier with explicit bias"):
        check_combinable([tse_multiplier(2.0), explicit])
    with pytest.raises(ValueError, match="counts the same error twice"):
        check_combinable([explicit, DontKnow(0.19), TSEMultiplier(2.0)])


def test_check_combinable_allowed_and_other_refusals():
    check_combinable([tse_multiplier(2.0), DontKnow(0.19)])
    check_combinable(
        [Nonresponse(1.2), Falsification(0.1), Coverage(0.05, -0.2), HouseEffect(0.02)]
    )
    check_combinable([])
    with pytest.raises(ValueError, match="cannot combine Nonresponse with DataDefect"):
        check_combinable([Nonresponse(1.2), DataDefect(0.02, 0.1)])
    with pytest.raises(ValueError, match="multipliers do not stack"):
        check_combinable([tse_multiplier(2.0), tse_multiplier(1.5)])
    with pytest.raises(TypeError, match=r"mechanisms contains 0\.5 \(float\)"):
        check_combinable([0.5])


# ----------------------------------------------------------------------------------------
# Vectorisation and return types
# ----------------------------------------------------------------------------------------

VECTOR_CASES = [
    Nonresponse(1.42),
    DataDefect(0.02, 0.10),
    Falsification(0.05),
    Coverage(0.05, -0.2),
    DontKnow(0.19),
    TSEMultiplier(2.0),
]


@pytest.mark.parametrize("mech", VECTOR_CASES)
def test_vectorised_shapes_and_types(mech):
    grid = np.array([[0.3, 0.55], [0.7, 0.75]])
    for method in (mech.reported, mech.true):
        out = method(grid)
        assert isinstance(out, np.ndarray)
        assert out.shape == grid.shape
        assert out.dtype == np.float64
        expected = [[method(float(x)) for x in row] for row in grid]
        np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
        assert type(method(0.7)) is float
        assert type(method(np.float64(0.7))) is float
        assert isinstance(method([0.3, 0.7]), np.ndarray)


def test_vectorised_bounds():
    grid = np.array([[0.3, 0.55], [0.7, 0.75]])
    low, high = HouseEffect(0.02).true(grid)
    assert low.shape == high.shape == grid.shape
    low, high = manski_bounds(grid, 0.10)
    assert low.shape == grid.shape
    low, high = manski_bounds(0.70, np.array([0.05, 0.10, 0.25]))
    np.testing.assert_allclose(low, [0.035, 0.07, 0.175])
    np.testing.assert_allclose(high, [0.985, 0.97, 0.925])
    low, high = DontKnow(0.19).bounds([0.70, 0.55])
    np.testing.assert_allclose(high, [0.89, 0.74])
    n_eff = DataDefect(0.02, 0.10).equivalent_srs_size(np.array([0.55, 0.70]), [[1600], [400]])
    assert n_eff.shape == (2, 2)


def test_inputs_not_mutated():
    grid = np.array([0.3, 0.7])
    TSEMultiplier(2.0).true(grid)[0] = 0.0
    assert grid[0] == 0.3


# ----------------------------------------------------------------------------------------
# Registry and common interface
# ----------------------------------------------------------------------------------------


def test_registry_names():
    assert set(MECHANISMS) == {
        "nonresponse",
        "data_defect",
        "falsification",
        "coverage",
        "house_effect",
        "dont_know",
    }
    for key, cls in MECHANISMS.items():
        assert cls.name == key
    assert TSEMultiplier.name == "tse_multiplier"


@pytest.mark.parametrize("cls", [*MECHANISMS.values(), TSEMultiplier])
def test_common_interface(cls):
    field_names = [f.name for f in dataclasses.fields(cls)]
    assert list(cls.parameter_domain) == field_names
    for low, high in cls.parameter_domain.values():
        assert low < high
    # build one at the middle of each domain (or 1 above a finite lower bound)
    params = {
        name: (low + high) / 2 if math.isfinite(high) else low + 1.0
        for name, (low, high) in cls.parameter_domain.items()
    }
    if cls is Falsification:
        params = {"share": 0.1, "reverse_share": 0.05}
    mech = cls(**params)
    assert mech.parameters() == pytest.approx(params)
    text = mech.describe()
    assert text.endswith(".") and "\n" not in text and (text[0].isupper() or text[0].isdigit())
    for method in ("reported", "true"):
        sig = inspect.signature(getattr(mech, method))
        assert list(sig.parameters) in (["true_p", "clip"], ["reported_p", "clip"])
        assert sig.parameters["clip"].kind is inspect.Parameter.KEYWORD_ONLY
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(mech, field_names[0], 0.5)


def test_parameters_are_floats():
    assert Nonresponse(2).parameters() == {"odds_ratio": 2.0}
    assert type(Nonresponse(np.float64(2)).odds_ratio) is float


# ----------------------------------------------------------------------------------------
# Default ranges
# ----------------------------------------------------------------------------------------

COLUMNS = [
    "mechanism",
    "parameter",
    "low",
    "central",
    "high",
    "unit",
    "applies_to",
    "evidence",
    "source",
    "url",
    "note",
]


def test_csv_loads_from_package():
    ref = resources.files("surveystats.bias").joinpath("data", "default_ranges.csv")
    assert ref.is_file()
    with ref.open("r", encoding="utf-8") as fh:
        raw = pd.read_csv(fh)
    table = default_ranges()
    assert list(table.columns) == COLUMNS
    assert len(table) == len(raw)
    for col in ("low", "central", "high"):
        assert table[col].dtype == np.float64


def test_default_ranges_is_a_fresh_copy():
    first = default_ranges()
    first.loc[:, "low"] = -99.0
    assert (default_ranges()["low"] != -99.0).all()


def test_every_row_has_source_and_evidence():
    table = default_ranges()
    assert not table.duplicated(["mechanism", "parameter", "applies_to"]).any()
    for _, row in table.iterrows():
        assert row["source"].strip(), row["parameter"]
        assert row["note"].strip(), row["parameter"]
        labels = [x.strip() for x in row["evidence"].split(";")]
        assert labels and all(label in EVIDENCE_LABELS for label in labels), row["evidence"]
        if "I" in labels:
            assert "judgement" in row["note"].lower(), row["parameter"]
        for url in row["url"].split():
            assert url.startswith(("http://", "https://")), url


def test_section_8_is_covered():
    expected = {
        ("design_effect", "deff"): (1.0, 1.5, 2.25),
        ("tse_multiplier", "factor"): (1.0, 2.0, 3.0),
        ("house_effect", "shift"): (0.01, 0.02, 0.05),
        ("falsification", "overstatement"): (0.0, 0.05, 0.15),
        ("data_defect", "response_rate"): (0.05, 0.10, 0.25),
        ("data_defect", "rho"): (0.005, 0.02, 0.05),
        ("data_defect", "population_size"): (111.6e6, 112e6, 116e6),
        ("nonresponse", "odds_ratio"): (1.0, 1.2, 1.42),
        ("nonresponse", "relative_bias"): (0.0, 0.08, 0.15),
        ("coverage", "uncovered_share"): (0.02, 0.05, 0.10),
        ("coverage", "difference"): (0.10, 0.20, 0.30),
        ("manski", "response_rate"): (0.25, 0.10, 0.05),
    }
    for (mechanism, parameter), values in expected.items():
        dr = default_range(mechanism, parameter)
        assert isinstance(dr, DefaultRange)
        assert dr.values == pytest.approx(values), (mechanism, parameter)
        assert dr.source and dr.evidence


def test_ranges_lie_in_parameter_domains():
    for _, row in default_ranges().iterrows():
        cls = MECHANISMS.get(row["mechanism"])
        if row["mechanism"] == "tse_multiplier":
            cls = TSEMultiplier
        if cls is None or row["parameter"] not in cls.parameter_domain:
            continue
        low, high = cls.parameter_domain[row["parameter"]]
        for value in (row["low"], row["central"], row["high"]):
            assert low <= value <= high
            if row["parameter"] not in ("share", "reverse_share"):
                cls(**{**_central_params(cls), row["parameter"]: value})


def _central_params(cls) -> dict[str, float]:
    # A mask, not query("... == @cls.name"): pandas 2.2 cannot see `cls` from inside the
    # comprehension (seen on Python 3.10 and 3.11); pandas 3 can.
    ranges = default_ranges()
    listed = set(ranges.loc[ranges["mechanism"] == cls.name, "parameter"])
    return {
        name: default_range(cls.name, name).central
        for name in cls.parameter_domain
        if name in listed
    }


def test_falsification_share_rows_match_conversion():
    over = default_range("falsification", "overstatement")
    for item, r in [("70% item", 0.70), ("55% item", 0.55)]:
        row = default_range("falsification", "share", applies_to=item)
        for delta, share in zip(over.values, row.values, strict=True):
            assert Falsification.from_overstatement(delta, reported_p=r).share == pytest.approx(
                share, abs=1e-6
            )


def test_odds_ratio_row_reproduces_evidence_figures():
    dr = default_range("nonresponse", "odds_ratio")
    np.testing.assert_allclose(
        [Nonresponse(k).true(0.70) for k in dr.values], [0.70, 0.660, 0.622], atol=6e-4
    )
    np.testing.assert_allclose(
        [Nonresponse(k).true(0.55) for k in dr.values], [0.55, 0.505, 0.463], atol=6e-4
    )


def test_default_range_errors():
    with pytest.raises(ValueError, match=r"mechanism \('nope'\) must be one of \[.*'nonresponse'"):
        default_range("nope", "odds_ratio")
    with pytest.raises(ValueError, match=r"parameter \('k'\) must be one of \['odds_ratio'"):
        default_range("nonresponse", "k")
    with pytest.raises(ValueError, match="pass applies_to= one of"):
        default_range("falsification", "share")
    with pytest.raises(ValueError, match=r"applies_to \('all'\) must be one of"):
        default_range("falsification", "share", applies_to="all")
    dr = default_range("falsification", "share", applies_to="70% item")
    assert dr.central == pytest.approx(1 / 7, abs=1e-6)
    assert dr.evidence_labels == ("D", "I")
    with pytest.raises(dataclasses.FrozenInstanceError):
        dr.low = 0.0  # type: ignore[misc]
