"""Calibration of SurveyDesign: R's calibrated weights, totals met, population formats, errors.

Reference values: tests/reference/design/calweights_<design>.csv (weights after
``postStratify``, ``rake``, ``calibrate`` and ``trimWeights`` in R 4.2.2, survey 4.1.1,
written by make_design_reference.R; the estimates and SEs of these designs are checked row
by row in test_design_reference.py). Values quoted inline were computed with the same R and
survey versions; the R call is given beside each.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_design_reference import (
    CALIBRATED,
    MARGINS,
    POP_GREG,
    POP_SCHWIDE,
    POP_TYPES,
    REFDIR,
    UNCONVERGED_R,
    data_for,
    design,
)

from surveystats import SurveyStatsWarning
from surveystats.design import SurveyDesign


def taylor(did: str) -> SurveyDesign:
    d = design(did)
    assert isinstance(d, SurveyDesign)
    return d


def clus1() -> SurveyDesign:
    return taylor("clus1")


# --- R's weights ----------------------------------------------------------------------


@pytest.mark.parametrize("did", sorted(CALIBRATED))
def test_calibrated_weights_equal_r(did: str) -> None:
    ref = pd.read_csv(REFDIR / f"calweights_{did}.csv", dtype={"cds": str})
    base = "clus1" if did.startswith("clus1") else "strat"
    assert list(ref["cds"]) == list(data_for(f"api{base}")["cds"])
    np.testing.assert_allclose(taylor(base).weights, ref["weight_before"], rtol=1e-15)
    got = taylor(did).weights
    if did in UNCONVERGED_R:
        # R's default rake() stops after a change below 1 in the weighted table
        np.testing.assert_allclose(got, ref["weight"], rtol=1e-4)
    else:
        np.testing.assert_allclose(got, ref["weight"], rtol=1e-8)


def test_rake_matches_r_converged_run() -> None:
    tight = pd.read_csv(REFDIR / "calweights_clus1_rake_tight.csv")
    np.testing.assert_allclose(taylor("clus1_rake").weights, tight["weight"], rtol=1e-9)


# --- calibrated totals are met -------------------------------------------------------


def test_totals_are_met() -> None:
    data = data_for("apiclus1")
    ps = taylor("clus1_ps")
    for level, count in POP_TYPES.items():
        assert ps.weights[(data["stype"] == level).to_numpy()].sum() == pytest.approx(count)
    raked = taylor("clus1_rake_tight")
    for column, pop in MARGINS.items():
        for level, count in pop.items():
            rows = (data[column] == level).to_numpy()
            assert raked.weights[rows].sum() == pytest.approx(count, rel=1e-10)
    for did in ("clus1_greg", "clus1_greg_bounded", "clus1_greg_raking"):
        w = taylor(did).weights
        assert w.sum() == pytest.approx(6194, rel=1e-9)
        assert w @ data["api99"] == pytest.approx(3914069, rel=1e-9)
        assert w[(data["stype"] == "H").to_numpy()].sum() == pytest.approx(755, rel=1e-9)
    g = taylor("clus1_greg_bounded").weights / clus1().weights
    assert g.min() >= 0.5 - 1e-12 and g.max() <= 2 + 1e-12
    assert taylor("clus1_greg_raking").weights.min() > 0


def test_trimming_keeps_the_total_and_the_calibration() -> None:
    greg, trimmed = taylor("clus1_greg"), taylor("clus1_greg_trim")
    assert trimmed.weights.sum() == pytest.approx(greg.weights.sum(), rel=1e-12)
    strict = greg.trim_weights(lower=25, upper=40, strict=True)
    assert strict.weights.min() >= 25 - 1e-9 and strict.weights.max() <= 40 + 1e-9
    assert strict.weights.sum() == pytest.approx(greg.weights.sum(), rel=1e-12)
    assert repr(trimmed).endswith(
        "calibrated (linear) on ['(Intercept)', 'stypeH', 'stypeM', 'api99'], then trimmed "
        "to [25, 40]; df 14)")


def test_trimming_leaves_zero_weights_alone() -> None:
    df = data_for("apistrat").copy()
    df.loc[df.index[:5], "pw"] = 0.0
    d = SurveyDesign(df, strata="stype", weights="pw")
    t = d.trim_weights(lower=20, upper=40)
    assert (t.weights[:5] == 0).all()
    assert t.weights.sum() == pytest.approx(d.weights.sum(), rel=1e-12)


# --- equivalent ways to say the same thing --------------------------------------------


def test_population_formats_agree() -> None:
    d = clus1()
    frame = pd.DataFrame({"stype": list(POP_TYPES), "Freq": list(POP_TYPES.values())})
    forms: list[Any] = [POP_TYPES, pd.Series(POP_TYPES), frame]
    ses = [d.poststratify("stype", f).mean("api00").se[0] for f in forms]
    assert ses == pytest.approx([ses[0]] * 3, rel=1e-14)
    nested = {"stype": POP_TYPES, "api99": 3914069}
    a = d.calibrate("~stype + api99", POP_GREG)
    b = d.calibrate(["stype", "api99"], nested)
    c = d.calibrate("stype+api99", pd.Series(POP_GREG))
    for other in (b, c):
        np.testing.assert_allclose(other.weights, a.weights, rtol=1e-13)
        assert other.mean("api00").se[0] == pytest.approx(a.mean("api00").se[0], rel=1e-12)


def test_poststratify_equals_calibrating_on_the_same_cells() -> None:
    d = clus1()
    ps = d.poststratify("stype", POP_TYPES)
    cal = d.calibrate(["stype"], {"stype": POP_TYPES})
    np.testing.assert_allclose(cal.weights, ps.weights, rtol=1e-12)
    for stat in ("mean", "total"):
        np.testing.assert_allclose(getattr(cal, stat)("api00", by="awards").var,
                                   getattr(ps, stat)("api00", by="awards").var, rtol=1e-10)


def test_crossed_cells_and_chains_match_r() -> None:
    d = clus1()
    # R: postStratify(clus1, ~stype + sch.wide, as.data.frame(table(stype=apipop$stype,
    #    sch.wide=apipop$sch.wide))); svymean(~api00, .)
    cross = {("E", "No"): 472, ("H", "No"): 334, ("M", "No"): 266, ("E", "Yes"): 3949,
             ("H", "Yes"): 421, ("M", "Yes"): 752}
    m = d.poststratify(["stype", "sch.wide"], cross).mean("api00")
    assert m.estimate[0] == pytest.approx(643.150409774971, rel=1e-12)
    assert m.se[0] == pytest.approx(22.8300289150345, rel=1e-10)
    # R: rake(clus1, list(~stype + awards, ~sch.wide), list(<table stype x awards>,
    #    <table sch.wide>), control=list(maxit=100, epsilon=1e-13)); svymean(~api00, .)
    st_aw = {("E", "No"): 1111, ("H", "No"): 467, ("M", "No"): 449, ("E", "Yes"): 3310,
             ("H", "Yes"): 288, ("M", "Yes"): 569}
    m = d.rake({("stype", "awards"): st_aw, "sch.wide": POP_SCHWIDE}).mean("api00")
    assert m.estimate[0] == pytest.approx(641.280290644635, rel=1e-9)
    assert m.se[0] == pytest.approx(23.8485818108622, rel=1e-8)
    # R: calibrate(postStratify(clus1, ~stype, pop.types), ~api99,
    #    c(`(Intercept)`=6194, api99=3914069)); svymean and svyby(~api00, ~awards, ...)
    chain = d.poststratify("stype", POP_TYPES).calibrate(
        "~api99", {"(Intercept)": 6194, "api99": 3914069})
    m = chain.mean("api00")
    assert m.estimate[0] == pytest.approx(665.392222325654, rel=1e-12)
    assert m.se[0] == pytest.approx(3.57097863835685, rel=1e-9)
    by = chain.mean("api00", by="awards")
    np.testing.assert_allclose(by.estimate, [643.808998569205, 675.374484477263], rtol=1e-12)
    np.testing.assert_allclose(by.se, [13.4669885311081, 7.00588028472346], rtol=1e-9)


def test_calibration_reduces_the_se_of_a_calibration_variable_to_zero() -> None:
    est = taylor("clus1_greg").total(["api99", "api00"])
    assert est.estimate[0] == pytest.approx(3914069, rel=1e-10)
    assert est.se[0] < 1e-6 * est.estimate[0]
    assert est.se[1] > 1000


# --- immutability -------------------------------------------------------------------------


def test_calibration_returns_a_new_design_and_leaves_the_data_alone() -> None:
    df = data_for("apiclus1").copy()
    before = df.copy()
    d = SurveyDesign(df, clusters="dnum", weights="pw", fpc="fpc")
    w0 = d.weights
    se0 = d.mean("api00").se[0]
    new = d.poststratify("stype", POP_TYPES).rake(MARGINS).calibrate(
        "~stype + api99", POP_GREG).trim_weights(upper=45)
    pd.testing.assert_frame_equal(df, before)
    np.testing.assert_array_equal(d.weights, w0)
    assert d.mean("api00").se[0] == se0
    assert "post-stratified on ['stype'], then raked on ['stype', 'sch.wide'], then " \
           "calibrated (linear)" in repr(new)
    assert "calibrated" not in repr(d)
    with pytest.raises(AttributeError, match="immutable"):
        new._w = w0  # type: ignore[misc]


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(("population", "match"), [
    ({"E": 4421, "H": 755}, r"no population count for sample cell\(s\) stype='M'"),
    ({"E": 4421, "H": 755, "M": 0}, r"a population count of 0 for sample cell\(s\) "
                                    r"stype='M'"),
    ({"E": 4421, "H": 755, "M": 1018, "X": 10}, r"population cell\(s\) with no sampled units "
                                                r"of positive weight: stype='X'"),
    ({"E": 4421, "H": -755, "M": 1018}, r"count for stype='H' \(-755\) must be finite and "
                                        r">= 0"),
    ({"E": "many", "H": 755, "M": 1018}, r"count for stype='E' \('many'\) must be a number"),
    ({("E", 1): 4421}, r"has the cell \('E', 1\) but the cells are defined by 1 column"),
    (pd.DataFrame({"type": ["E"], "Freq": [1]}), r"a DataFrame of population counts needs "
                                                 r"the column\(s\) \['stype'\]"),
])
def test_poststratify_errors(population: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        clus1().poststratify("stype", population)


def test_poststratify_argument_errors() -> None:
    with pytest.raises(TypeError, match="must be a dict, a pandas Series or a DataFrame"):
        clus1().poststratify("stype", [4421, 755, 1018])
    with pytest.raises(ValueError, match=r"strata \('styp'\) is not a column.*'stype'"):
        clus1().poststratify("styp", POP_TYPES)
    df = data_for("apiclus1").copy()
    df["g"] = df["stype"].where(df.index > 3)
    with pytest.raises(ValueError, match=r"strata column 'g' has 4 missing value\(s\)"):
        SurveyDesign(df, clusters="dnum", weights="pw").poststratify("g", POP_TYPES)


def test_rake_errors() -> None:
    d = clus1()
    with pytest.raises(ValueError, match=r"rake did not converge in max_iter=2 passes: margin "
                                         r"'stype' is still off its population counts by "):
        d.rake(MARGINS, max_iter=2)
    with pytest.raises(ValueError, match=r"the margins disagree on the population size "
                                         r"\('stype' sums to 6194, 'sch.wide' sums to 6195\)"):
        d.rake({"stype": POP_TYPES, "sch.wide": {"No": 1073, "Yes": 5122}})
    with pytest.raises(ValueError, match=r"margins\['sch.wide'\] has no population count for "
                                         r"sample cell\(s\) sch.wide='Yes'"):
        d.rake({"stype": POP_TYPES, "sch.wide": {"No": 6194}})
    with pytest.raises(ValueError, match="margins must be a non-empty dict"):
        d.rake([POP_TYPES])
    with pytest.raises(ValueError, match=r"max_iter \(0\) must be a whole number >= 1"):
        d.rake(MARGINS, max_iter=0)
    with pytest.raises(ValueError, match=r"tol \(1\) must be in \(0, 1\); a small positive "
                                         r"number such as 1e-10"):
        d.rake(MARGINS, tol=1)


@pytest.mark.parametrize(("args", "kwargs", "match"), [
    (("~stype + api99", {"stype": {"E": 4421, "H": 755}, "api99": 1}), {},
     r"population\['stype'\] has no count for sampled level\(s\) \['M'\]"),
    (("~stype + api99", {"stype": {"E": 4421, "H": 755, "M": 1018, "X": 3}, "api99": 1}), {},
     r"counts for level\(s\) \['X'\] that have no sampled units"),
    (("~stype + api99", {"stype": POP_TYPES}), {}, r"population has no total for \['api99'\]"),
    (("~api99", {"api99": 3914069}), {}, r"no total for \['\(Intercept\)'\]; the population "
                                         r"size goes in '\(Intercept\)'"),
    (("~stype + api99", {**POP_GREG, "api00": 1}), {}, r"population has the key 'api00', "
                                                       r"which is not a calibration variable"),
    (("~stype + api99", {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE, "api99": 1}), {},
     r"key 'sch.wide', which is not a calibration variable"),
    (("~stype + sch.wide", {"stype": POP_TYPES, "sch.wide": {"No": 1, "Yes": 5122}}), {},
     r"population counts disagree on the population size: stype sums to 6194, sch.wide "
     r"sums to 5123"),
    (("~stype + api99", POP_GREG), {"bounds": (-1, 2)},
     r"bounds \(\(-1, 2\)\): the lower bound must be >= 0"),
    (("~stype + api99", POP_GREG), {"bounds": (1.2, 2)},
     r"must satisfy lower <= 1 <= upper"),
    (("~stype + api99", POP_GREG), {"bounds": 2}, r"bounds \(2\) must be a pair"),
    (("~stype + api99", POP_GREG), {"bounds": (0.95, 1.05)},
     r"calibrate did not converge in max_iter=50 iterations: the total of '\w+' is still off"),
    (("~stype + api99", POP_GREG), {"calfun": "logit"}, r"calfun"),
    (("~stype * api99", POP_GREG), {}, r"the term 'stype \* api99' is not supported"),
    (("~stype + api999", POP_GREG), {}, r"calibration variable 'api999' is not a column"),
    (("~ ", POP_GREG), {}, r"names no calibration variable"),
    ((["stype", 3], POP_GREG), {}, r"must be a formula such as"),
    (("~stype + api99", POP_GREG), {"max_iter": 0}, r"max_iter \(0\) must be a whole number >= 1"),
])
def test_calibrate_errors(args: tuple[Any, Any], kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        clus1().calibrate(*args, **kwargs)


def test_calibrate_collinear_and_missing_values() -> None:
    df = data_for("apiclus1").assign(api99b=lambda x: 2 * x["api99"])
    d = SurveyDesign(df, clusters="dnum", weights="pw")
    with pytest.raises(ValueError, match=r"collinear in the sample .*rank 2"):
        d.calibrate(["api99", "api99b"], {"(Intercept)": 6194, "api99": 1, "api99b": 2})
    with pytest.raises(ValueError, match=r"calibration variable 'acs.k3' has \d+ missing"):
        d.calibrate(["acs.k3"], {"(Intercept)": 6194, "acs.k3": 1})
    with pytest.raises(TypeError, match="population must be a dict or a pandas Series"):
        d.calibrate(["api99"], [6194, 1])


def test_negative_weights_warn() -> None:
    # a total far from the sample's pushes linear GREG weights below zero
    with pytest.warns(SurveyStatsWarning, match=r"calibration made \d+ weight\(s\) negative"):
        clus1().calibrate("~api99", {"(Intercept)": 6194, "api99": 6194 * 400})


@pytest.mark.parametrize(("kwargs", "match"), [
    ({}, r"trim_weights needs lower=, upper= or both"),
    ({"lower": 40, "upper": 20}, r"lower \(40\) must be smaller than upper \(20\)"),
    ({"lower": -1}, r"lower \(-1\) must be finite and >= 0"),
    ({"upper": 10}, r"cannot be trimmed to \[0, 10\] and keep their total"),
])
def test_trim_errors(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        taylor("strat").trim_weights(**kwargs)


def test_trim_strict_must_be_a_boolean() -> None:
    with pytest.raises(TypeError, match=r"strict \('yes'\) must be True or False"):
        taylor("strat").trim_weights(upper=40, strict="yes")  # type: ignore[arg-type]


def test_calibrated_estimators_run_without_warnings() -> None:
    d = taylor("clus1_rake_tight")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d.mean(["api00", "api99"], by=["stype", "awards"], deff="wr")
        d.total("enroll", by="awards", missing="drop", deff="wor")
        d.ratio("api00", "enroll", by="stype", missing="drop")
        d.proportion("awards", by="stype").confint(method="wilson")
        d.quantile("api00", [0.1, 0.9], by="awards").confint(0.9)
