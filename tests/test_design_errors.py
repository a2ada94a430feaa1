"""SurveyDesign: error messages, immutability, the caller's data, and properties."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveystats import SurveyStatsWarning
from surveystats.design import DesignEstimate, SurveyDesign

REFDIR = Path(__file__).parent / "reference" / "design"


@pytest.fixture
def strat() -> pd.DataFrame:
    return pd.read_csv(REFDIR / "apistrat.csv", dtype={"cds": str})


@pytest.fixture
def clus2() -> pd.DataFrame:
    return pd.read_csv(REFDIR / "apiclus2.csv", dtype={"cds": str})


def small() -> pd.DataFrame:
    return pd.DataFrame({
        "h": ["a", "a", "a", "b", "b", "b"],
        "psu": [1, 1, 2, 3, 4, 4],
        "w": [1.0, 2.0, 1.0, 3.0, 1.0, 2.0],
        "N": [10, 10, 10, 5, 5, 5],
        "y": [1.0, 2.0, 3.0, 4.0, np.nan, 6.0],
        "x": [2.0, 1.0, 2.0, 5.0, 3.0, 1.0],
        "g": ["u", "v", "u", "v", "u", "v"],
    })


# --- the design's arguments --------------------------------------------------------------


def test_negative_weights(strat: pd.DataFrame) -> None:
    strat.loc[5, "pw"] = -1.5
    with pytest.raises(ValueError, match=r"weights \('pw'\) has 1 negative or infinite "
                                         r"value\(s\) \(e\.g\. -1\.5 in row 5\).*>= 0"):
        SurveyDesign(strat, weights="pw", strata="stype")


def test_missing_weights(strat: pd.DataFrame) -> None:
    strat.loc[[3, 9], "pw"] = np.nan
    with pytest.raises(ValueError, match=r"weights \('pw'\) has 2 missing value\(s\) "
                                         r"\(rows 3, 9\)"):
        SurveyDesign(strat, weights="pw", strata="stype")


def test_all_zero_weights() -> None:
    df = small().assign(w=0.0)
    with pytest.raises(ValueError, match=r"weights \('w'\) are all zero"):
        SurveyDesign(df, weights="w")


def test_non_numeric_weights() -> None:
    with pytest.raises(TypeError, match=r"weights \(.g.\) must be numeric"):
        SurveyDesign(small(), weights="g")


def test_missing_strata(strat: pd.DataFrame) -> None:
    strat["stype"] = strat["stype"].astype(object)
    strat.loc[7, "stype"] = None
    with pytest.raises(ValueError, match=r"strata \('stype'\) has 1 missing value\(s\) "
                                         r"\(rows 7\); every row needs a stratum"):
        SurveyDesign(strat, weights="pw", strata="stype")


def test_missing_cluster_ids(clus2: pd.DataFrame) -> None:
    clus2["snum"] = clus2["snum"].astype(float)
    clus2.loc[[0, 4], "snum"] = np.nan
    with pytest.raises(ValueError, match=r"clusters\[1\] \('snum'\) has 2 missing value\(s\) "
                                         r"\(rows 0, 4\); every row needs a cluster id"):
        SurveyDesign(clus2, weights="pw", clusters=["dnum", "snum"])


def test_fpc_smaller_than_sample(strat: pd.DataFrame) -> None:
    strat.loc[strat["stype"] == "H", "fpc"] = 20  # 50 H schools were sampled
    with pytest.raises(ValueError, match=r"fpc \('fpc'\) is smaller than the number of sampled "
                                         r"PSUs in stratum 'H': population 20 < 50 sampled"):
        SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")


def test_fpc_smaller_than_sample_at_stage_two(clus2: pd.DataFrame) -> None:
    clus2.loc[clus2["dnum"] == 83, "fpc2"] = 2  # three schools sampled in district 83
    with pytest.raises(ValueError, match=r"fpc \('fpc2'\) at stage 2 is smaller than the number "
                                         r"of sampled units in stratum within PSU 83"):
        SurveyDesign(clus2, clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"])


def test_fpc_inconsistent_within_stratum(strat: pd.DataFrame) -> None:
    strat.loc[strat.index[strat["stype"] == "M"][3], "fpc"] = 1000
    with pytest.raises(ValueError, match=r"fpc \('fpc'\) varies within stratum 'M' \(1018 in "
                                         r"row \d+, 1000 in row \d+\)"):
        SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")


def test_fpc_mixing_fractions_and_counts(strat: pd.DataFrame) -> None:
    strat["fpc"] = strat["fpc"].astype(float)
    strat.loc[0, "fpc"] = 0.5
    with pytest.raises(ValueError, match=r"mixes sampling fractions \(e\.g\. 0\.5\) and "
                                         r"population counts"):
        SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")


@pytest.mark.parametrize(("value", "match"), [(0.0, r"value\(s\) <= 0"),
                                              (np.nan, r"missing or infinite")])
def test_fpc_bad_values(strat: pd.DataFrame, value: float, match: str) -> None:
    strat["fpc"] = strat["fpc"].astype(float)
    strat.loc[0, "fpc"] = value
    with pytest.raises(ValueError, match=r"fpc \('fpc'\) has 1 " + match):
        SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"weights": "pww"}, r"weights \('pww'\) is not a column of data; did you mean 'pw'\?"),
    ({"weights": "pw", "strata": "stipe"}, r"strata \('stipe'\) .*did you mean 'stype'"),
    ({"weights": "pw", "clusters": "dnun"}, r"clusters \('dnun'\) .*did you mean 'dnum'"),
    ({"weights": "pw", "fpc": "fcp"}, r"fpc \('fcp'\) .*did you mean 'fpc'"),
    ({"weights": "zzzzzz"}, r"weights \('zzzzzz'\) is not a column of data; the columns are "
                            r"'cds', 'stype'"),
])
def test_unknown_columns_list_close_matches(strat: pd.DataFrame, kwargs: dict[str, str],
                                            match: str) -> None:
    with pytest.raises(ValueError, match=match):
        SurveyDesign(strat, **kwargs)  # type: ignore[arg-type]


def test_psu_in_two_strata_needs_nest(strat: pd.DataFrame) -> None:
    # district numbers recur across school types in apistrat
    with pytest.raises(ValueError, match=r"PSU \d+ of clusters \('dnum'\) appears in strata "
                                         r"'[EHM]' and '[EHM]' of strata \('stype'\).*"
                                         r"pass nest=True"):
        SurveyDesign(strat, weights="pw", strata="stype", clusters="dnum")
    SurveyDesign(strat, weights="pw", strata="stype", clusters="dnum", nest=True)


def test_lonely_psu_choice_and_fail_message() -> None:
    df = small().assign(h=["a", "a", "a", "b", "b", "c"], psu=[1, 1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match=r"lonely_psu \('drop'\) is not one of 'fail', "
                                         r"'remove', 'certainty', 'adjust', 'average'"):
        SurveyDesign(df, weights="w", strata="h", clusters="psu", lonely_psu="drop")  # type: ignore[arg-type]
    df["h"] = ["a", "a", "b", "c", "c", "d"]
    df["psu"] = [1, 2, 3, 4, 5, 6]
    d = SurveyDesign(df, weights="w", strata="h", clusters="psu")
    assert "(2 with a single PSU: 'b', 'd')" in repr(d)
    with pytest.raises(ValueError, match=r"lonely_psu='fail': 2 strata have a single sampled "
                                         r"unit: 'b', 'd'\."):
        d.mean("x")


def test_lonely_psu_at_stage_two(clus2: pd.DataFrame) -> None:
    # fpc at stage 1 only: within-district variance enters, and districts with one sampled
    # school have no estimate of it
    d = SurveyDesign(clus2, weights="pw", clusters=["dnum", "snum"], fpc=["fpc1"])
    with pytest.raises(ValueError, match=r"strata have a single sampled unit: stage 2 stratum "
                                         r"within PSU \d+"):
        d.mean("api00")
    d2 = SurveyDesign(clus2, weights="pw", clusters=["dnum", "snum"], fpc=["fpc1"],
                      lonely_psu="remove")
    assert d2.mean("api00").se[0] > 0


def test_average_with_nothing_to_average() -> None:
    df = small().assign(h=["a", "a", "a", "b", "b", "b"], psu=[1, 1, 1, 2, 2, 2])
    d = SurveyDesign(df, weights="w", strata="h", clusters="psu", lonely_psu="average")
    with pytest.raises(ValueError, match=r"lonely_psu='average' cannot work here"):
        d.mean("x")


def test_other_argument_errors(strat: pd.DataFrame, clus2: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match=r"data must be a pandas DataFrame, not dict"):
        SurveyDesign({"a": [1, 2]}, weights="a")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"data has no rows"):
        SurveyDesign(strat.iloc[:0], weights="pw")
    with pytest.raises(TypeError, match=r"nest \('yes'\) must be True or False"):
        SurveyDesign(strat, weights="pw", nest="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"fpc \(\['fpc', 'fpc'\]\) lists 2 columns but the "
                                         r"design has 1 stage"):
        SurveyDesign(strat, weights="pw", fpc=["fpc", "fpc"])
    with pytest.raises(ValueError, match=r"weights is None and fpc \(\['fpc1'\]\) covers 1 of "
                                         r"2 stages"):
        SurveyDesign(clus2, clusters=["dnum", "snum"], fpc=["fpc1"])
    with pytest.raises(ValueError, match=r"clusters \('one'\) has a single PSU"):
        SurveyDesign(strat.assign(one=1), weights="pw", clusters="one")


def test_equal_weights_warn_and_show_in_repr(strat: pd.DataFrame) -> None:
    with pytest.warns(SurveyStatsWarning, match=r"no weights or fpc given: assuming equal"):
        d = SurveyDesign(strat, strata="stype")
    assert "equal weights (no weights or fpc given)" in repr(d)


def test_repr_describes_the_design(clus2: pd.DataFrame) -> None:
    text = repr(SurveyDesign(clus2, clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"]))
    assert text.startswith("SurveyDesign(2-stage cluster sample: 40 PSUs, 126 observations; "
                           "weights implied by the fpc; fpc at stage 1 ('fpc1', population "
                           "counts), stage 2 ('fpc2', population counts)")
    assert "df 39" in text


# --- the estimators' arguments -----------------------------------------------------------


def test_deff_true_is_refused_with_the_reason() -> None:
    d = SurveyDesign(small(), weights="w", strata="h", clusters="psu")
    with pytest.raises(ValueError, match=r"deff \(True\) is ambiguous: .*without replacement "
                                         r"\(deff='wor', which is what R's deff=TRUE means\)"):
        d.mean("x", deff=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"deff \('replace'\) must be 'wor', 'wr' or None; "
                                         r"R's deff='replace' is deff='wr'"):
        d.total("x", deff="replace")  # type: ignore[arg-type]


def test_missing_values_error_names_column_and_count() -> None:
    d = SurveyDesign(small(), weights="w", strata="h", clusters="psu")
    with pytest.raises(ValueError, match=r"'y' \(1 missing value\(s\)\): pass missing='drop'"):
        d.mean(["x", "y"])
    with pytest.raises(ValueError, match=r"'y' \(1 missing value\(s\)\)"):
        d.ratio("y", "x")
    with pytest.raises(ValueError, match=r"missing \('skip'\) is not one of 'error', 'drop'"):
        d.mean("y", missing="skip")  # type: ignore[arg-type]
    # n is the design's row count (R's nrow(design) under na.rm=TRUE), the df the design's
    dropped = d.mean("y", missing="drop")
    assert dropped.n[0] == 6
    assert dropped.df[0] == d.degf


def test_missing_drop_keeps_the_psu_structure() -> None:
    # R: svymean(~y, design, na.rm=TRUE): the row with NA leaves the estimate, its PSU stays
    df = small()
    d = SurveyDesign(df, weights="w", strata="h", clusters="psu")
    dropped = d.mean("y", missing="drop")
    zeroed = SurveyDesign(df.assign(w=np.where(df["y"].isna(), 0.0, df["w"]), y=df["y"]
                                    .fillna(0.0)), weights="w", strata="h", clusters="psu")
    assert dropped.se[0] == pytest.approx(zeroed.mean("y").se[0], rel=1e-14)


def test_estimator_argument_errors() -> None:
    d = SurveyDesign(small(), weights="w", strata="h", clusters="psu")
    with pytest.raises(ValueError, match=r"variables \('yy'\) is not a column of data; did "
                                         r"you mean 'y'"):
        d.mean("yy")
    with pytest.raises(ValueError, match=r"by \('gg'\) is not a column"):
        d.mean("x", by="gg")
    with pytest.raises(ValueError, match=r"method \('exactly'\) is not one of 'wald'.*R "
                                         r"svyciprop's names are accepted"):
        d.proportion("g", method="exactly")
    with pytest.raises(ValueError, match=r"level \('w'\) is not a value of 'g'; its levels "
                                         r"are 'u', 'v'"):
        d.proportion("g", level="w")
    with pytest.raises(ValueError, match=r"probs \(50\) must be in \[0, 1\]; they are "
                                         r"probabilities, 0\.5 for the median; did you pass a "
                                         r"percentage\? 50% is 0\.5"):
        d.quantile("x", 50)
    with pytest.raises(TypeError, match=r"variable \(.g.\) must be numeric.*proportion"):
        d.quantile("g", 0.5)
    with pytest.raises(ValueError, match=r"rule \('type7'\) is not one of 'math', 'school'"):
        d.quantile("x", 0.5, rule="type7")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"denominator \('z'\) has a weighted total of 0"):
        SurveyDesign(small().assign(z=0.0), weights="w").ratio("x", "z")


def test_result_method_errors() -> None:
    d = SurveyDesign(small(), weights="w", strata="h", clusters="psu")
    with pytest.raises(ValueError, match=r"to_proportion_ci\(\) needs a proportion estimate, "
                                         r"not a mean"):
        d.mean("x").to_proportion_ci()
    with pytest.raises(ValueError, match=r"method \('wilson'\) must be None or 'wald' for a "
                                         r"mean"):
        d.mean("x").confint(method="wilson")
    with pytest.raises(ValueError, match=r"confidence_level \(95\) must be in \(0, 1\)"):
        d.mean("x").confint(95)
    with pytest.raises(ValueError, match=r"n_eff is defined for proportions"):
        _ = d.total("x").n_eff


# --- immutability and the caller's data --------------------------------------------------


def test_design_and_results_are_immutable() -> None:
    d = SurveyDesign(small(), weights="w", strata="h", clusters="psu")
    with pytest.raises(AttributeError, match=r"SurveyDesign is immutable"):
        d.lonely_psu = "remove"  # type: ignore[misc]
    with pytest.raises(AttributeError, match=r"SurveyDesign is immutable"):
        d._w = np.ones(6)
    w = d.weights
    w[:] = 0.0
    assert d.weights.sum() == 10.0
    est = d.mean("x")
    with pytest.raises(AttributeError):
        est.estimate = np.zeros(1)  # type: ignore[misc]
    with pytest.raises(ValueError, match=r"read-only"):
        est.estimate[0] = 0.0


def test_callers_dataframe_is_never_modified(strat: pd.DataFrame, clus2: pd.DataFrame
                                             ) -> None:
    for df, kwargs in [
        (strat, {"weights": "pw", "strata": "stype", "fpc": "fpc"}),
        (strat, {"weights": "pw", "strata": "stype", "clusters": "dnum", "nest": True}),
        (clus2, {"clusters": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]}),
    ]:
        before = copy.deepcopy(df)
        d = SurveyDesign(df, **kwargs)  # type: ignore[arg-type]
        d.mean(["api00", "api99"], by="awards", deff="wor")
        d.mean("enroll", missing="drop")
        d.total("enroll", by="stype", missing="drop", deff="wr")
        d.proportion("sch.wide", by="stype").confint(method="beta")
        d.ratio("api00", "api99", by="stype")
        d.quantile("api00", [0.1, 0.5], by="stype").confint(0.9)
        pd.testing.assert_frame_equal(df, before)


def test_changing_the_callers_dataframe_does_not_change_the_design(strat: pd.DataFrame
                                                                   ) -> None:
    d = SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")
    before = d.mean("api00")
    strat.loc[:, "api00"] = 0
    strat.loc[:, "pw"] = 1.0
    strat["stype"] = "E"
    after = d.mean("api00")
    assert after.estimate[0] == before.estimate[0]
    assert after.se[0] == before.se[0]


# --- results ---------------------------------------------------------------------------


def test_to_frame_columns_never_change() -> None:
    d = SurveyDesign(small(), weights="w", strata="h", clusters="psu")
    cols = ["variable", "level", "domain", "estimate", "se", "df", "deff", "cv", "n"]
    for est in (d.mean("x"), d.mean("x", by="g", deff="wr"), d.proportion("g"),
                d.ratio("x", "w"), d.quantile("x", [0.5]), d.total("x", deff="wor")):
        assert isinstance(est, DesignEstimate)
        assert list(est.to_frame().columns) == cols
        assert list(est.confint(0.9).columns) == [
            "variable", "level", "domain", "estimate", "low", "high", "confidence_level",
            "method"]
        assert est._repr_html_().startswith("<div>")
        assert repr(est).startswith("DesignEstimate(")


def test_proportion_at_zero_uses_nominal_n() -> None:
    # stype is the stratum: in the H stratum's domain, share of E is 0 with variance 0
    df = pd.read_csv(REFDIR / "apistrat.csv", dtype={"cds": str})
    d = SurveyDesign(df, weights="pw", strata="stype", fpc="fpc")
    est = d.proportion("stype", level="E", by="stype")
    h = list(est.domain).index("H")
    assert est.estimate[h] == 0.0 and est.var[h, h] == 0.0
    ci = est.confint(method="korn_graubard")
    assert ci["low"].iloc[h] == 0.0
    assert 0.0 < ci["high"].iloc[h] < 0.2  # informative, not collapsed (R gives NaN)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert est.confint(method="wald")["high"].iloc[h] == 0.0


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=60),
       st.floats(0.1, 100.0))
def test_srs_without_fpc_gives_s2_over_n(y: list[float], w: float) -> None:
    df = pd.DataFrame({"y": y, "w": w})
    est = SurveyDesign(df, weights="w").mean("y")
    expected = np.var(y, ddof=1) / len(y)
    assert est.var[0, 0] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert est.df[0] == len(y) - 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=8), st.floats(-50.0, 50.0),
       st.data())
def test_census_strata_total_of_constant_is_exact(sizes: list[int], c: float,
                                                  data: st.DataObject) -> None:
    # every stratum sampled in full (fpc = stratum size): HT total of a constant is
    # c * sum(weights) and its SE is 0, whatever the weights
    h = np.repeat(np.arange(len(sizes)), sizes)
    n = int(h.size)
    w = data.draw(st.lists(st.floats(0.5, 20.0), min_size=n, max_size=n))
    df = pd.DataFrame({"h": h, "N": np.array(sizes)[h], "w": w, "c": c})
    if n < 2:
        return
    d = SurveyDesign(df, weights="w", strata="h", fpc="N", lonely_psu="remove")
    est = d.total("c")
    assert est.estimate[0] == pytest.approx(c * sum(w), rel=1e-12, abs=1e-9)
    assert est.se[0] == 0.0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    df = pd.DataFrame({
        "h": rng.integers(0, 3, n), "psu": rng.integers(0, 4, n),
        "w": rng.uniform(1, 5, n), "y": rng.normal(size=n), "g": rng.integers(0, 2, n),
    })
    df = df[df.groupby(["h", "psu"])["y"].transform("size") > 0]
    kwargs = {"weights": "w", "strata": "h", "clusters": "psu", "nest": True,
              "lonely_psu": "adjust"}
    a = SurveyDesign(df, **kwargs).mean("y", by="g")  # type: ignore[arg-type]
    b = SurveyDesign(df.sample(frac=1.0, random_state=seed % 1000), **kwargs).mean(  # type: ignore[arg-type]
        "y", by="g")
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-12)
    np.testing.assert_allclose(a.var, b.var, rtol=1e-9, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["remove", "certainty", "adjust",
                                                     "average"]), st.booleans())
def test_element_sample_shortcut_equals_clustered_computation(seed: int, rule: str,
                                                              domain_lonely: bool) -> None:
    # When the rows are the PSUs, domain totals are never materialised (DomainTotals);
    # the same design written with two-row PSUs (the second row with weight 0) goes
    # through the dense path. Both must give the same covariance, lonely strata included.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 40))
    df = pd.DataFrame({
        "h": rng.integers(0, 5, n), "w": rng.uniform(1, 5, n),
        "y": rng.normal(size=n), "g": rng.integers(0, 3, n),
    })
    df["N"] = df.groupby("h")["h"].transform("size") * 4
    df["id"] = np.arange(n)
    twin = df.assign(w=0.0)
    both = pd.concat([df, twin], ignore_index=True)
    kwargs = {"weights": "w", "strata": "h", "fpc": "N", "lonely_psu": rule,
              "adjust_domain_lonely": domain_lonely}
    try:
        a = SurveyDesign(df, **kwargs).mean("y", by="g")  # type: ignore[arg-type]
    except ValueError as exc:  # "average" with only lonely strata in a domain
        with pytest.raises(ValueError, match=str(exc)[:40]):
            SurveyDesign(both, clusters="id", nest=True, **kwargs).mean(  # type: ignore[arg-type]
                "y", by="g")
        return
    b = SurveyDesign(both, clusters="id", nest=True, **kwargs).mean(  # type: ignore[arg-type]
        "y", by="g")
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-12)
    np.testing.assert_allclose(a.var, b.var, rtol=1e-9, atol=1e-14)
    np.testing.assert_array_equal(a.df, b.df)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1),
       st.sampled_from(["remove", "certainty", "adjust", "average"]), st.booleans(),
       st.booleans())
def test_sparse_domain_totals_equal_dense(seed: int, rule: str, domain_lonely: bool,
                                          two_stages: bool) -> None:
    # Many domains keep the unit totals sparse (_linearization._domain_contribution); the
    # full covariance, between domains included, must equal the dense path's, with PSUs
    # holding rows of several domains, lonely strata, domains alone in a stratum and fpc
    from surveystats.design import _reduce

    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 120))
    df = pd.DataFrame({
        "h": rng.integers(0, 6, n), "psu": rng.integers(0, 4, n), "ssu": rng.integers(0, 3, n),
        "w": rng.uniform(1, 5, n), "y": rng.normal(size=n), "x": rng.gamma(2.0, size=n),
        "g": rng.integers(0, 4, n),
    })
    df["N1"] = 10
    df["N2"] = 8
    kwargs: dict[str, object] = {
        "weights": "w", "strata": "h", "nest": True, "lonely_psu": rule,
        "adjust_domain_lonely": domain_lonely,
        "clusters": ["psu", "ssu"] if two_stages else "psu",
        "fpc": ["N1", "N2"] if two_stages else "N1"}

    def fit() -> object:
        return SurveyDesign(df, **kwargs).mean(["y", "x"], by="g")  # type: ignore[arg-type]

    try:
        dense = fit()
    except ValueError as exc:  # "average" with only lonely strata in a domain
        old = _reduce.DENSE_CELLS
        _reduce.DENSE_CELLS = 0
        try:
            with pytest.raises(ValueError, match=str(exc)[:40]):
                fit()
        finally:
            _reduce.DENSE_CELLS = old
        return
    old = _reduce.DENSE_CELLS
    _reduce.DENSE_CELLS = 0
    try:
        sparse = fit()
    finally:
        _reduce.DENSE_CELLS = old
    np.testing.assert_allclose(sparse.estimate, dense.estimate, rtol=1e-13)  # type: ignore[attr-defined]
    V, W = np.asarray(dense.var), np.asarray(sparse.var)  # type: ignore[attr-defined]
    scale = np.sqrt(np.outer(np.diag(V), np.diag(V)))
    np.testing.assert_allclose(W, V, rtol=0, atol=1e-12 * max(float(scale.max()), 1e-300))
