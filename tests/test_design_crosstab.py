"""design.crosstab and Crosstab.test against R survey's svytable/svymean/svyby shares and
svychisq (issue 11, deliverable 2). Reference values: tests/reference/design/
crosstab_reference.csv from make_crosstab.R beside it; the tests never call R."""

from __future__ import annotations

import dataclasses
import functools
import math
import pickle
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from design_refs import REFDIR, api
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from surveystats import SurveyStatsWarning
from surveystats.datasets import load_teaching_sample
from surveystats.design import Crosstab, CrosstabTest, ReplicateDesign, SurveyDesign, _crosstab
from surveystats.design._crosstab import STATISTICS

REF_CSV = REFDIR / "crosstab_reference.csv"
REF = pd.read_csv(REF_CSV, comment="#", keep_default_na=False, na_values={"value": [""]},
                  dtype={c: str for c in ("design", "row", "col", "test", "quantity",
                                          "row_level", "col_level")})
#: R printed 17 significant digits; estimates, SEs and the closed-form tests agree to 1e-8.
TOL = 1e-8
#: "saddlepoint": R solves the saddlepoint equation with uniroot(tol = 1e-8), an absolute
#: tolerance on the root (of order 0.01 to 0.5); the tail probability inherits a relative
#: error of up to a few 1e-7 from it (3e-7 in crosstab_distributions_reference.csv), while
#: ours solves the root to machine precision. 1e-6 relative leaves room for that.
SADDLE_TOL = 1e-6


# --- the designs of make_crosstab.R -------------------------------------------------------


def _api(name: str) -> pd.DataFrame:
    """An api table with the script's derived columns."""
    df = api(name).copy()
    df["api00_band"] = pd.cut(df["api00"], [-np.inf, 600, 700, 800, np.inf],
                              labels=["low", "mid", "high", "top"])
    df["comp.na"] = df["comp.imp"].where(df["snum"] % 7 != 0)
    return df


def _nhanes(drop_psu: bool = False) -> pd.DataFrame:
    df = pd.read_csv(REFDIR / "heldout_nhanes.csv")
    df["hichol"] = df["hichol"].astype("Int64")  # R: factor(hichol), levels "0" and "1"
    if drop_psu:  # nhanes2: stratum 86 without its PSU 3
        df = df[~((df["SDMVSTRA"] == 86) & (df["SDMVPSU"] == 3))]
    return df


def _pairs() -> pd.DataFrame:
    d = _api("apiclus1")
    d = d[d["dnum"] != 815].copy()
    rank = {v: i + 1 for i, v in enumerate(sorted(d["dnum"].unique()))}
    d["pair"] = [math.ceil(rank[v] / 2) for v in d["dnum"]]
    return d


POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_GREG = {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018, "api99": 3914069}


def _teaching(name: str) -> pd.DataFrame:
    return load_teaching_sample(name)  # type: ignore[arg-type]


@functools.cache
def design(name: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BUILD[name]()


BUILD: dict[str, Any] = {
    "strat": lambda: SurveyDesign(_api("apistrat"), strata="stype", weights="pw", fpc="fpc"),
    "clus1": lambda: SurveyDesign(_api("apiclus1"), clusters="dnum", weights="pw", fpc="fpc"),
    "clus2": lambda: SurveyDesign(_api("apiclus2"), clusters=["dnum", "snum"],
                                  fpc=["fpc1", "fpc2"]),
    "clus1_ps": lambda: design("clus1").poststratify("stype", POP_TYPES),
    "strat_greg": lambda: design("strat").calibrate(["stype", "api99"], POP_GREG),
    "clus1_jk1": lambda: design("clus1").to_replicate("jk1"),
    "pairs_brr": lambda: SurveyDesign(_pairs(), clusters="dnum", strata="pair",
                                      weights="pw").to_replicate("brr"),
    "nhanes": lambda: SurveyDesign(_nhanes(), clusters="SDMVPSU", strata="SDMVSTRA",
                                   weights="WTMEC2YR", nest=True),
    "nhanes2_brr": lambda: SurveyDesign(_nhanes(True), clusters="SDMVPSU", strata="SDMVSTRA",
                                        weights="WTMEC2YR", nest=True).to_replicate("brr"),
    "teach_strat": lambda: SurveyDesign(_teaching("stratified"), strata="region",
                                        weights="weight", fpc="fpc"),
    "teach_clus2": lambda: SurveyDesign(_teaching("cluster2"), strata="region",
                                        weights="weight", clusters=["municipality", "id"],
                                        fpc=["fpc1", "fpc2"], nest=True),
}


TABLES = sorted({(d, r, c) for d, r, c in zip(REF["design"], REF["row"], REF["col"],
                                                strict=True)})


@functools.cache
def table(name: str, row: str, col: str) -> Crosstab:
    d = design(name)
    missing = "drop" if d._data[[row, col]].isna().any().any() else "error"
    return d.crosstab(row, col, missing=missing)  # type: ignore[no-any-return]


def _ref(name: str, row: str, col: str) -> pd.DataFrame:
    return REF[(REF["design"] == name) & (REF["row"] == row) & (REF["col"] == col)]


def _label(value: Any) -> str:
    return str(value)


def _close(got: float, want: float, rel: float = TOL) -> None:
    if math.isnan(want):
        assert math.isnan(got), (got, want)
    else:
        assert got == pytest.approx(want, rel=rel, abs=rel * 1e-6), (got, want)


# --- against R ----------------------------------------------------------------------------


def test_header_records_the_tools() -> None:
    head = REF_CSV.read_text().splitlines()[:5]
    assert head[0].startswith("# tool: R version")
    assert head[1].startswith("# packages: survey 4.1.1; CompQuadForm")
    assert head[2] == "# script: tests/reference/design/make_crosstab.R"
    assert head[3].startswith("# date: ")


def test_references_cover_the_designs_and_statistics() -> None:
    assert {d for d, _, _ in TABLES} == set(BUILD)
    assert set(REF["test"]) - {""} == set(STATISTICS)
    assert {type(design(d)) for d in BUILD} == {SurveyDesign, ReplicateDesign}


@pytest.mark.parametrize(("name", "row", "col"), TABLES)
def test_cells_match_r(name: str, row: str, col: str) -> None:
    """svytotal / svymean of the cell indicators, and svyby's row and column shares."""
    tab = table(name, row, col)
    ref = _ref(name, row, col)
    scalars = ref[ref["row_level"] == ""].set_index("quantity")["value"]
    assert tab.df == scalars["degf"] and tab.n_obs == scalars["nobs"]
    cells = ref[(ref["test"] == "") & (ref["row_level"] != "")]
    frame = tab.to_frame()
    frame["key"] = [f"{_label(a)}|{_label(b)}" for a, b in
                    zip(frame["row_level"], frame["col_level"], strict=True)]
    frame = frame.set_index("key")
    assert len(cells) == 8 * len(frame)
    for _, want in cells.iterrows():
        got = float(frame.loc[f"{want['row_level']}|{want['col_level']}", want["quantity"]])
        # SEs that are exactly 0 in exact arithmetic (a post-stratified margin, an empty
        # cell) come out as rounding noise on both sides
        absolute = 1e-9 * (tab.count.sum() if want["quantity"].startswith("count") else 1)
        assert got == pytest.approx(want["value"], rel=TOL, abs=absolute), (
            want["quantity"], want["row_level"], want["col_level"])


CLOSED_FORM = ["F", "Chisq", "Wald", "adjWald"]


@pytest.mark.parametrize("statistic", STATISTICS)
@pytest.mark.parametrize(("name", "row", "col"), TABLES)
def test_tests_match_svychisq(name: str, row: str, col: str, statistic: str) -> None:
    res = table(name, row, col).test(statistic)  # type: ignore[arg-type]
    ref = _ref(name, row, col)
    want = ref[ref["test"] == statistic].set_index("quantity")["value"]
    _close(res.statistic, want["statistic"])
    _close(res.df, want["ndf"])
    _close(res.ddf, want["ddf"])
    if statistic == "lincom":  # R's reference is its saddlepoint fallback: see below
        _near_saddlepoint(res.p_value, want["p_value"])
    else:
        _close(res.p_value, want["p_value"], TOL if statistic in CLOSED_FORM else SADDLE_TOL)
    assert res.test == statistic
    assert res.statistic_name == ("F" if statistic in ("F", "Wald", "adjWald") else "X-squared")


def _near_saddlepoint(exact: float, saddle: float) -> None:
    """"lincom" is exact (Imhof); the R that wrote the references had no CompQuadForm, so
    its "lincom" p-values are its saddlepoint ones, an approximation of the same
    distribution. On the reference tables the two differ by at most 5.2% above p = 1e-4
    and 11.3% below (where the 2 x 2 tables show the saddlepoint 10-14% above the exact F
    and chi-squared tails: test_lincom_on_two_by_two_tables_is_f_or_chi_squared); below
    1e-12 both are 0 to the inversion's absolute accuracy."""
    if saddle < 1e-12:
        assert abs(exact - saddle) < 1e-12, (exact, saddle)
    else:
        assert abs(exact / saddle - 1.0) < (0.06 if saddle >= 1e-4 else 0.12), (exact, saddle)


def test_lincom_is_exact_where_the_references_have_rs_saddlepoint() -> None:
    """R without CompQuadForm (the reference) falls back to the saddlepoint for "lincom";
    ours is the exact distribution, close to the saddlepoint on every table and equal to it
    on none (it is not a fallback)."""
    head = REF_CSV.read_text().splitlines()[:5]
    assert "CompQuadForm not installed" in head[1] and "saddlepoint approximation" in head[4]
    for name, row, col in TABLES:
        tab = table(name, row, col)
        lincom, saddle = tab.test("lincom"), tab.test("saddlepoint")
        assert lincom.p_value != saddle.p_value, (name, row, col)
        _near_saddlepoint(lincom.p_value, saddle.p_value)
        assert 0.0 <= lincom.p_value <= 1.0
        assert "Imhof's exact inversion" in lincom.method and "Davies" in lincom.method
        assert ("pFsum" in lincom.method) == (tab.design_kind == "taylor")
        assert lincom.statistic == saddle.statistic and math.isnan(lincom.df)


DIST = pd.read_csv(REFDIR / "crosstab_distributions_reference.csv", comment="#")


@pytest.mark.parametrize("i", range(len(DIST)))
def test_sum_of_chisquares_matches_pchisqsum_and_pfsum(i: int) -> None:
    """The tails behind "saddlepoint": R's pchisqsum (replicate designs) and
    pFsum (Taylor designs, over chi-squared on ddf df, R's rep() truncating ddf), with the
    Satterthwaite fallback where R's saddle() gives NA (rows where the two columns agree)."""
    row = DIST.iloc[i]
    a = np.array([float(v) for v in row["a"].split(";")])
    ddf = None if row["fn"] == "pchisqsum" else float(row["ddf"])
    got = _crosstab._sum_of_chisq_p(float(row["x"]), a, ddf)
    assert got == pytest.approx(row["p_value"], rel=SADDLE_TOL), dict(row)


# --- the table ----------------------------------------------------------------------------


def test_frame_table_and_display() -> None:
    tab = table("strat", "stype", "api00_band")
    assert tab.row_levels == ("E", "H", "M")
    assert tab.col_levels == ("low", "mid", "high", "top")  # the categories' order
    frame = tab.to_frame()
    assert list(frame.columns) == [
        "row_variable", "row_level", "col_variable", "col_level", "count", "count_se",
        "share", "share_se", "row_share", "row_share_se", "col_share", "col_share_se"]
    assert list(frame["row_level"][:4]) == ["E"] * 4 and len(frame) == 12
    wide = tab.table("row")
    assert wide.index.name == "stype" and wide.columns.name == "api00_band"
    assert list(wide.columns) == ["low", "mid", "high", "top"]
    np.testing.assert_allclose(wide.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(tab.table("col").sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(tab.table("count", se=True).to_numpy(), tab.count_se)
    assert tab.table("share").to_numpy().sum() == pytest.approx(1.0, rel=1e-12)
    assert tab.table().to_numpy().sum() == pytest.approx(float(tab.count.sum()))
    assert "\n" not in repr(tab) and repr(tab).startswith("Crosstab(stype x api00_band")
    assert "<table" in tab._repr_html_()
    res = tab.test()
    assert res.test == "F" and "\n" not in repr(res) and "\n" not in str(res)
    assert "<table" in res._repr_html_()
    assert list(res.to_frame().columns) == ["row", "col", "test", "statistic_name",
                                            "statistic", "df", "ddf", "p_value", "method"]
    # the column names of to_frame() do not depend on the statistic
    for s in STATISTICS:
        assert list(tab.test(s).to_frame().columns) == list(res.to_frame().columns)  # type: ignore[arg-type]


def test_two_by_two_with_an_empty_cell() -> None:
    """sch.wide x awards: no school without its school-wide target has an award (a cell
    with zero weight in a domain); R's references include it, here the shape facts."""
    tab = table("clus1", "sch.wide", "awards")
    assert tab.shape == (2, 2)
    assert tab.count[0, 1] == 0 and tab.share_se[0, 1] == 0 and tab.row_share[0, 1] == 0
    f = tab.test("F")
    assert f.df == 1.0  # one eigenvalue: d = δ² / δ² exactly
    assert f.ddf == tab.df


def test_a_level_with_zero_weight_is_not_a_level() -> None:
    df = pd.DataFrame({"a": ["x", "y", "x", "y", "z", "x", "y", "y"],
                       "b": ["u", "u", "v", "v", "u", "v", "u", "v"],
                       "w": [1.0, 2.0, 1.5, 1.0, 0.0, 2.0, 1.0, 3.0]})
    tab = SurveyDesign(df, weights="w").crosstab("a", "b")
    assert tab.row_levels == ("x", "y") and tab.n == 7
    # unused categories of a categorical are left out too (R's factor())
    cat = df.assign(a=pd.Categorical(df["a"], categories=["q", "y", "x", "z"]))
    tab2 = SurveyDesign(cat, weights="w").crosstab("a", "b")
    assert tab2.row_levels == ("y", "x")
    np.testing.assert_allclose(tab2.count, tab.count[::-1], rtol=1e-15)


def test_missing_values() -> None:
    d = design("strat")
    n_missing = int(d._data["comp.na"].isna().sum())
    with pytest.raises(ValueError, match=rf"col \('comp.na'\) has {n_missing} missing "
                                         r"value\(s\): pass missing='drop'"):
        d.crosstab("stype", "comp.na")
    with pytest.raises(ValueError, match=r"row \('comp.na'\) has \d+ missing value\(s\) and "
                                         r"col \('acs.k3'\)"):
        d.crosstab("comp.na", "acs.k3")
    tab = d.crosstab("stype", "comp.na", missing="drop")
    assert tab.n == 200 - n_missing and tab.n_obs == 200 and tab.missing == "drop"
    # the design keeps its PSUs and df (R's na.rm=TRUE)
    assert tab.df == d.degf


def test_bad_inputs_are_named() -> None:
    d = design("strat")
    with pytest.raises(ValueError, match=r"row \('stype'\) and col \('stype'\) are the same"):
        d.crosstab("stype", "stype")
    with pytest.raises(ValueError, match=r"col \('comp_imp'\) is not a column of data; did "
                                         r"you mean 'comp.imp'"):
        d.crosstab("stype", "comp_imp")
    with pytest.raises(TypeError, match=r"row \(\['stype'\]\) must be one column name"):
        d.crosstab(["stype"], "comp.imp")
    with pytest.raises(ValueError, match=r"missing \('omit'\) is not one of 'error', 'drop'"):
        d.crosstab("stype", "comp.imp", missing="omit")
    one = _api("apistrat").assign(k="same")
    with pytest.raises(ValueError, match=r"col \('k'\) has only one level \('same'\) .* at "
                                         "least two levels"):
        SurveyDesign(one, strata="stype", weights="pw").crosstab("stype", "k")
    dates = _api("apistrat").assign(day=pd.Timestamp("2024-01-01"))
    with pytest.raises(TypeError, match=r"col \('day'\) holds dates"):
        SurveyDesign(dates, strata="stype", weights="pw").crosstab("stype", "day")
    tab = table("strat", "stype", "comp.imp")
    with pytest.raises(ValueError, match=r"statistic \('chisq'\) is not one of 'F', 'Chisq', "
                                         "'Wald', 'adjWald', 'lincom', 'saddlepoint'"):
        tab.test("chisq")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"kind \('cells'\) is not one of 'count', 'share', "
                                         "'row', 'col'"):
        tab.table("cells")  # type: ignore[arg-type]


def test_wald_with_a_singular_covariance_is_refused() -> None:
    """Two PSUs (df 1) cannot estimate the covariance of 4 interaction terms; R's solve()
    fails; the Rao-Scott F still works (its Δ has rank 1)."""
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"psu": np.repeat([1, 2], 30), "a": rng.choice(list("xyz"), 60),
                       "b": rng.choice(list("uvw"), 60), "w": rng.uniform(1, 3, 60)})
    tab = SurveyDesign(df, clusters="psu", weights="w").crosstab("a", "b")
    with pytest.raises(ValueError, match=r"Wald test of row \('a'\) and col \('b'\) needs a "
                                         "non-singular covariance.*statistic='F'"):
        tab.test("Wald")
    assert 0.0 <= tab.test("F").p_value <= 1.0


def test_caller_frame_is_not_changed_and_the_result_is_frozen() -> None:
    df = _api("apistrat")
    before = df.copy(deep=True)
    d = SurveyDesign(df, strata="stype", weights="pw", fpc="fpc")
    tab = d.crosstab("stype", "comp.na", missing="drop")
    tab.test("Wald")
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tab.row = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        tab.count[0, 0] = 1.0
    twin = d.crosstab("stype", "comp.na", missing="drop")
    assert tab == twin and hash(tab) == hash(twin)
    assert tab != d.crosstab("stype", "comp.imp")
    back = pickle.loads(pickle.dumps(tab))
    assert back == tab
    res = tab.test("F")
    assert isinstance(res, CrosstabTest) and pickle.loads(pickle.dumps(res)) == res
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.p_value = 0.0  # type: ignore[misc]


# --- properties ---------------------------------------------------------------------------


@st.composite
def _survey(draw: st.DrawFn) -> pd.DataFrame:
    r, c = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    n = draw(st.integers(max(12, r * c), 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # every cell has a row (the first r c rows), the others fall anywhere
    a = np.concatenate([np.arange(r * c) % r, rng.integers(0, r, n - r * c)])
    b = np.concatenate([np.arange(r * c) // r, rng.integers(0, c, n - r * c)])
    return pd.DataFrame({"a": a, "b": b, "psu": rng.integers(0, 6, n),
                         "h": np.arange(n) % 2, "w": rng.uniform(0.5, 4.0, n)})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_survey())
def test_shares_add_up(df: pd.DataFrame) -> None:
    d = SurveyDesign(df, weights="w", strata="h", clusters="psu", nest=True,
                     lonely_psu="adjust")
    tab = d.crosstab("a", "b")
    np.testing.assert_allclose(tab.row_share.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(tab.col_share.sum(axis=0), 1.0, rtol=1e-12)
    assert tab.share.sum() == pytest.approx(1.0, rel=1e-12)
    assert tab.count.sum() == pytest.approx(float(df["w"].sum()), rel=1e-12)
    # the shares' covariance is that of a multinomial: its rows add up to 0
    np.testing.assert_allclose(tab.share_var.sum(axis=1), 0.0,
                               atol=1e-12 * float(np.abs(tab.share_var).max()) + 1e-300)
    for s in STATISTICS:
        try:
            p = tab.test(s).p_value  # type: ignore[arg-type]
        except ValueError as exc:  # a singular covariance, refused with a message
            assert "singular" in str(exc)
            continue
        assert math.isnan(p) or 0.0 <= p <= 1.0


@settings(max_examples=40, deadline=None)
@given(_survey())
def test_rao_scott_on_equal_weight_srs_is_pearson(df: pd.DataFrame) -> None:
    """With equal weights and no clusters the design covariance of the shares is the
    multinomial one over n - 1, so every δ is n / (n - 1): F = X² (n - 1) / (n k) on k and
    k (n - 1) df, and X² is Pearson's on the counts (scipy's chi2_contingency)."""
    n = len(df)
    tab = SurveyDesign(df.assign(w=2.5), weights="w").crosstab("a", "b")
    r, c = tab.shape
    k = (r - 1) * (c - 1)
    counts = pd.crosstab(df["a"], df["b"]).to_numpy()
    pearson = stats.chi2_contingency(counts, correction=False).statistic
    chisq = tab.test("Chisq")
    assert chisq.statistic == pytest.approx(pearson, rel=1e-9, abs=1e-12)
    f = tab.test("F")
    assert f.statistic == pytest.approx(pearson * (n - 1) / (n * k), rel=1e-9, abs=1e-12)
    assert f.df == pytest.approx(k, rel=1e-9) and f.ddf == pytest.approx(k * (n - 1), rel=1e-9)
    assert chisq.p_value == pytest.approx(stats.chi2.sf(pearson * (n - 1) / n, k), rel=1e-7,
                                          abs=1e-300)


# --- the unit-total route against the row-level scores -----------------------------------

def _lonely_frame() -> pd.DataFrame:
    """A clustered sample with a lonely PSU, missing values and uneven cells, rows unsorted."""
    rng = np.random.default_rng(11)
    n = 900
    psu = rng.integers(0, 40, n)
    psu[psu == 39] = 38  # PSU 38 is alone in its stratum below
    frame = pd.DataFrame({
        "stratum": np.where(psu >= 38, 9, psu % 9),
        "psu": psu,
        "w": rng.uniform(1.0, 9.0, n),
        "a": rng.choice(["x", "y", "z"], n, p=[0.6, 0.3, 0.1]),
        "b": rng.choice(["lo", "mid", "hi", "top"], n),
    })
    frame.loc[rng.choice(n, 40, replace=False), "a"] = None
    frame.loc[rng.choice(n, 25, replace=False), "b"] = None
    return frame


UNIT_ROUTE = [(d, r, c) for d, r, c in TABLES if d in ("clus1", "clus2", "nhanes", "teach_clus2")]


@pytest.mark.parametrize(("kind", "row", "col"), [*UNIT_ROUTE, ("lonely", "a", "b"),
                                                  ("lonely_adjust", "a", "b")])
def test_unit_total_route_equals_row_scores(kind: str, row: str, col: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # a clustered Taylor design sums the weights by unit and cell once; the general route
    # makes the (cells x rows) scores. Same numbers, including lonely PSUs and domains.
    if kind.startswith("lonely"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = SurveyDesign(_lonely_frame(), strata="stratum", clusters="psu", weights="w",
                             lonely_psu="adjust",
                             adjust_domain_lonely=kind == "lonely_adjust")
        kwargs: dict[str, Any] = {"missing": "drop"}
    else:
        d, kwargs = design(kind), {"missing": "drop"}
    assert _crosstab._by_unit_totals is not None
    fast = d.crosstab(row, col, **kwargs)
    monkeypatch.setattr(_crosstab, "_by_unit_totals", lambda *args: None)
    slow = d.crosstab(row, col, **kwargs)
    for name in ("count", "count_se", "share", "share_se", "row_share", "row_share_se",
                 "col_share", "col_share_se", "count_var", "share_var"):
        got, want = np.asarray(getattr(fast, name)), np.asarray(getattr(slow, name))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max(),
                                   err_msg=name)
    for statistic in ("F", "Chisq", "Wald"):
        np.testing.assert_allclose(fast.test(statistic).statistic,
                                   slow.test(statistic).statistic, rtol=1e-10)


# --- "lincom": Imhof's inversion, checked against what is known in closed form -------------


def _lincom_tol(got: float, want: float, rel: float = 1e-10) -> None:
    """``rel`` relative, and 1e-15 absolute: the inversion is 1/2 plus an integral, so
    its absolute accuracy (a few 1e-16) bounds the relative one in the far tail."""
    assert abs(got - want) <= rel * want + 1e-15, (got, want, got / want - 1.0)


@pytest.mark.parametrize("k", [1, 2, 5, 36])
@pytest.mark.parametrize("q", [0.5, 0.05, 1e-4, 1e-8])
@pytest.mark.parametrize("lam", [1.7, 0.03])
def test_imhof_equal_coefficients_is_chi_squared(k: int, q: float, lam: float) -> None:
    """λ χ²_1 summed over k terms is λ χ²_k. k = 1, 2 and 5 take the Fourier tail (QAWF)
    beyond 50 cycles, k = 36 only the direct integral."""
    x = lam * float(stats.chi2.isf(q, k))
    got = _crosstab._imhof(x, np.full(k, lam), np.ones(k))
    _lincom_tol(got.p, float(stats.chi2.sf(x / lam, k)))
    assert got.error < 1e-12
    # the same sum written as one term with h = k
    _lincom_tol(_crosstab._imhof(x, np.array([lam]), np.array([float(k)])).p, got.p)


@pytest.mark.parametrize("k", [1, 3, 36])
@pytest.mark.parametrize("m", [5, 50, 5000])
@pytest.mark.parametrize("q", [0.5, 1e-3, 1e-8])
def test_imhof_f_case(k: int, m: int, q: float) -> None:
    """The Taylor form at 0: P(δ χ²_k - (x / m) χ²_m > 0) = P(F_{k, m} > x / (k δ)), with
    the -x / m term of multiplicity m."""
    delta = 0.8
    x = k * delta * float(stats.f.isf(q, k, m))
    got = _crosstab._imhof(0.0, np.append(np.full(k, delta), -x / m),
                           np.append(np.ones(k), float(m)))
    _lincom_tol(got.p, float(stats.f.sf(x / (k * delta), k, m)))


def _two_terms(x: float, a: float, ha: int, b: float, hb: int) -> float:
    """P(a χ²_ha + b χ²_hb > x) by one integral over the first: P(a A > x) plus
    ∫ f_A(t) P(b B > x - a t) dt over 0 < t < x / a; for ha = 1 in s = sqrt(t), so that
    the integrand is smooth (f_A(s²) 2 s = sqrt(2 / π) exp(-s² / 2))."""
    from scipy import integrate

    def rest(t: float) -> float:
        return float(stats.chi2.sf((x - a * t) / b, hb))

    if ha == 1:
        value = integrate.quad(lambda s: math.sqrt(2 / math.pi) * math.exp(-s * s / 2)
                               * rest(s * s), 0.0, math.sqrt(x / a), epsabs=1e-16,
                               epsrel=1e-13, limit=200)[0]
    else:
        value = integrate.quad(lambda t: float(stats.chi2.pdf(t, ha)) * rest(t), 0.0, x / a,
                               epsabs=1e-16, epsrel=1e-13, limit=200)[0]
    return float(stats.chi2.sf(x / a, ha)) + value


@pytest.mark.parametrize(("a", "ha", "b", "hb"), [(1.0, 1, 0.3, 1), (2.0, 2, 0.5, 3),
                                                  (0.05, 1, 0.049, 1)])
@pytest.mark.parametrize("q", [0.7, 0.1, 1e-3, 1e-6])
def test_imhof_unequal_coefficients_by_a_one_dimensional_integral(
        a: float, ha: int, b: float, hb: int, q: float) -> None:
    mean, var = a * ha + b * hb, 2 * (a * a * ha + b * b * hb)
    x = mean + math.sqrt(var) * float(stats.norm.isf(q))  # about that tail
    x = max(x, 0.05 * mean)
    got = _crosstab._imhof(x, np.array([a, b]), np.array([float(ha), float(hb)]))
    _lincom_tol(got.p, _two_terms(x, a, ha, b, hb), rel=1e-8)


@pytest.mark.parametrize("ddf", [None, 12.6])
def test_imhof_against_a_monte_carlo_sample(ddf: float | None) -> None:
    """Unequal δ and, on the Taylor form, the negative term: a seeded sample of 10⁶; the
    inversion must lie within 5 standard errors of the sample's share."""
    delta = np.array([3.1, 1.2, 0.6, 0.15])
    x2 = 9.0
    x, lam, h = _crosstab._sum_terms(x2, delta, ddf)
    rng = np.random.default_rng(20240611)
    draws = rng.chisquare(h, size=(1_000_000, h.size)) @ lam
    share = float(np.mean(draws > x))
    se = math.sqrt(share * (1 - share) / draws.size)
    got = _crosstab._sum_of_chisq_exact(x2, delta, ddf).p
    assert abs(got - share) < 5 * se, (got, share, se)
    # and the saddlepoint is a different number (the Monte Carlo cannot tell them apart)
    assert got != _crosstab._sum_of_chisq_p(x2, delta, ddf)


def test_lincom_on_two_by_two_tables_is_f_or_chi_squared() -> None:
    """One δ: the Taylor form is P(F_{1, m} > X² / δ), m = floor(d ν) (here d = 1), the
    replicate form P(χ²_1 > X² / δ): both in closed form, where the saddlepoint is off
    by 10-14% in these far tails."""
    for name, row, col in TABLES:
        if (row, col) != ("sch.wide", "awards"):
            continue
        tab = table(name, row, col)
        rs = _crosstab._rao_scott(tab)
        (delta,) = rs.delta
        if tab.design_kind == "taylor":
            want = float(stats.f.sf(rs.x2 / delta, 1, math.floor(rs.d0 * rs.nu)))
        else:
            want = float(stats.chi2.sf(rs.x2 / delta, 1))
        _lincom_tol(tab.test("lincom").p_value, want, rel=1e-9)


def test_imhof_edge_cases() -> None:
    delta = np.array([2.0, 1.0, 0.5])
    for ddf in (None, 30.0, 0.4):
        # X² = 0: p = 1; no design variance: 0, both as the saddlepoint's
        assert _crosstab._sum_of_chisq_exact(0.0, delta, ddf).p == 1.0
        assert _crosstab._sum_of_chisq_exact(0.0, delta, ddf).p == _crosstab._sum_of_chisq_p(
            0.0, delta, ddf)
        zero = np.zeros(3)
        assert _crosstab._sum_of_chisq_exact(4.0, zero, ddf).p == 0.0
        assert _crosstab._sum_of_chisq_p(4.0, zero, ddf) == 0.0
    # ddf below 1 counts as one copy of -X² / ddf, as in the saddlepoint
    x, lam, h = _crosstab._sum_terms(4.0, delta, 0.4)
    assert x == 0.0 and lam[-1] == -10.0 and h[-1] == 1.0
    # a big m: F on (2, 10⁵) df
    m = 100_000
    for q in (0.3, 1e-6):
        x2 = 2 * 0.7 * float(stats.f.isf(q, 2, m))
        got = _crosstab._sum_of_chisq_exact(x2, np.array([0.7, 0.7]), float(m))
        _lincom_tol(got.p, float(stats.f.sf(x2 / 1.4, 2, m)))
    # far beyond: Chernoff's bound is below 1e-17, p is 0 without integrating
    far = _crosstab._imhof(400.0, delta, np.ones(3))
    assert far.p == 0.0 and far.error < 1e-17


@pytest.mark.parametrize("ddf", [None, 7.5])
def test_imhof_is_a_tail_probability(ddf: float | None) -> None:
    """In [0, 1], and not increasing in X² (beyond the accuracy, 1e-15)."""
    delta = np.array([5.0, 0.9, 0.9, 0.02])
    x2 = np.concatenate([[1e-9, 1e-3], np.linspace(0.5, 120.0, 40)])
    p = np.array([_crosstab._sum_of_chisq_exact(float(v), delta, ddf).p for v in x2])
    assert np.all((p >= 0.0) & (p <= 1.0))
    assert np.all(np.diff(p) <= 1e-15)
    assert p[0] > 0.999999 and p[-1] < (1e-5 if ddf is None else 1e-2)


def test_chernoff_bound_is_a_bound() -> None:
    for k, x in ((1, 3.0), (1, 60.0), (4, 20.0), (4, 200.0)):
        bound = _crosstab._chernoff_log_bound(x, np.ones(k), np.ones(k))
        assert float(stats.chi2.logsf(x, k)) <= bound <= 0.0
    assert _crosstab._chernoff_log_bound(0.5, np.ones(2), np.ones(2)) == 0.0  # below the mean
    assert _crosstab._chernoff_log_bound(0.0, -np.ones(2), np.ones(2)) == -math.inf


def test_lincom_falls_back_to_the_saddlepoint_with_a_warning(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = table("nhanes", "race", "hichol")
    monkeypatch.setattr(_crosstab, "_IMHOF_ACCEPT", -1.0)  # no estimate is good enough
    with pytest.warns(SurveyStatsWarning,
                      match=r"lincom: Imhof's inversion for the table of row \('race'\) and "
                            r"col \('hichol'\) did not converge.*saddlepoint"):
        res = tab.test("lincom")
    assert res.p_value == tab.test("saddlepoint").p_value
    assert "did not converge" in res.method and res.test == "lincom"
