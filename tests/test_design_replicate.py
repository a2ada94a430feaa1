"""Replicate-weight designs: R's replicate weights, scheme properties, calibration, errors.

Reference values: tests/reference/design/repweights_<design>.csv and repweights_meta.csv
(R 4.2.2, survey 4.1.1, written by make_design_reference.R; the estimates of these designs
are checked row by row in test_design_reference.py). Values quoted inline were computed with
the same R and survey versions; the R call is given beside each.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_design_reference import (
    MARGINS,
    META,
    POP_GREG,
    POP_TYPES,
    REFDIR,
    data_for,
    design,
)

from surveystats import SurveyStatsWarning
from surveystats.design import ReplicateDesign, SurveyDesign
from surveystats.design._hadamard import hadamard
from surveystats.design._repvar import replicate_covariance

REP_FILES = ["clus1_jk1", "strat_jkn", "strat_clus_jkn", "pairs_brr", "pairs_fay"]


def rep(did: str) -> ReplicateDesign:
    d = design(did)
    assert isinstance(d, ReplicateDesign)
    return d


def taylor(did: str) -> SurveyDesign:
    d = design(did)
    assert isinstance(d, SurveyDesign)
    return d


# --- the replicate weights are R's -------------------------------------------------------


@pytest.mark.parametrize("did", REP_FILES)
def test_replicate_weights_equal_r(did: str) -> None:
    ref = pd.read_csv(REFDIR / f"repweights_{did}.csv", dtype={"cds": str})
    meta = META[META["design"] == did]
    d = rep(did)
    np.testing.assert_allclose(d.replicate_weights, ref.drop(columns="cds").to_numpy(),
                               rtol=1e-15, atol=0)
    assert d.n_replicates == meta["n_replicates"].iloc[0]
    assert d.scale == pytest.approx(meta["scale"].iloc[0], rel=1e-15)
    np.testing.assert_allclose(d.rscales, meta["rscale"].to_numpy(), rtol=1e-15)
    assert d.type == meta["type"].iloc[0].lower()
    assert d.mse is False


def test_supplied_replicate_weights_every_form_agrees() -> None:
    data = data_for("apiclus1_rw")
    cols = [f"rep{i}" for i in range(1, 16)]
    forms: list[Any] = [cols, "^rep[0-9]+$", "rep", data[cols].to_numpy()]
    ses = [ReplicateDesign(data, replicate_weights=f, weights="pw", type="jk1")
           .mean("api00").se[0] for f in forms]
    assert ses == pytest.approx([ses[0]] * 4, rel=1e-13)
    # R: svrepdesign(type="JK1") guesses scale (R-1)/R = 14/15, so this is clus1_nofpc_jk1
    assert ses[0] == pytest.approx(rep("clus1_nofpc_jk1").mean("api00").se[0], rel=1e-12)


def test_variance_by_hand_with_and_without_mse() -> None:
    data = data_for("apiclus1_rw")
    W = data[[f"rep{i}" for i in range(1, 16)]].to_numpy()
    y = data["api00"].to_numpy(dtype=float)
    w = data["pw"].to_numpy()
    thetas = (y @ W) / W.sum(axis=0)
    full = y @ w / w.sum()
    for mse, centre in ((False, thetas.mean()), (True, full)):
        d = ReplicateDesign(data, replicate_weights="^rep", weights="pw", type="other",
                            scale=0.5, rscales=np.linspace(0.5, 1.5, 15), mse=mse)
        expected = 0.5 * np.sum(np.linspace(0.5, 1.5, 15) * (thetas - centre) ** 2)
        assert d.mean("api00").var[0, 0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("rep_id", "taylor_id"), [
    ("clus1_nofpc_jk1", "clus1_nofpc"),
    ("clus1_jk1", "clus1"),
    ("strat_jkn", "strat"),
    ("strat_clus_jkn", "strat_clus"),
    ("pairs_brr", "pairs"),
    ("pairs_fay", "pairs"),
])
def test_linear_statistics_have_the_taylor_variance(rep_id: str, taylor_id: str) -> None:
    # for a total the jackknife (with R's scale and rscales) and fully balanced half-samples
    # give exactly the linearisation variance
    got = rep(rep_id).total(["api00", "enroll"]).var
    want = taylor(taylor_id).total(["api00", "enroll"]).var
    np.testing.assert_allclose(got, want, rtol=1e-10)


# --- BRR and the Hadamard matrices ---------------------------------------------------------

# R 4.2.2, survey 4.1.1: sapply(1:100, function(n) nrow(hadamard(n)))
R_ORDERS = [int(v) for v in (
    "4,4,4,8,8,8,8,12,12,12,12,16,16,16,16,20,20,20,20,24,24,24,24,28,28,28,28,32,32,32,32,"
    "36,36,36,36,40,40,40,40,44,44,44,44,48,48,48,48,56,56,56,56,56,56,56,56,60,60,60,60,64,"
    "64,64,64,68,68,68,68,72,72,72,72,80,80,80,80,80,80,80,80,84,84,84,84,88,88,88,88,96,96,"
    "96,96,96,96,96,96,104,104,104,104,104").split(",")]
# R: paste(as.vector(t(hadamard(8))), collapse = "") (Paley, order 12)
R_H8 = ("111111111111100100011101101000111010110001110100100011101001100111010010101110100100"
        "111101001000111010010001110100100011101001000111110010001110")


def test_hadamard_orders_and_matrices_match_r() -> None:
    assert [hadamard(n).shape[0] for n in range(1, 101)] == R_ORDERS
    h8 = np.array([int(c) for c in R_H8]).reshape(12, 12)
    np.testing.assert_array_equal(hadamard(8), h8)
    np.testing.assert_array_equal(hadamard(7), (1 + np.array(
        [[1, 1, 1, 1, 1, 1, 1, 1], [1, -1, 1, -1, 1, -1, 1, -1], [1, 1, -1, -1, 1, 1, -1, -1],
         [1, -1, -1, 1, 1, -1, -1, 1], [1, 1, 1, 1, -1, -1, -1, -1],
         [1, -1, 1, -1, -1, 1, -1, 1], [1, 1, -1, -1, -1, -1, 1, 1],
         [1, -1, -1, 1, -1, 1, 1, -1]])) // 2)


@pytest.mark.parametrize("n", list(range(1, 120)))
def test_hadamard_is_normalised_and_orthogonal(n: int) -> None:
    H = hadamard(n)
    k = H.shape[0]
    assert k > n
    assert (H[0] == 1).all() and (H[:, 0] == 1).all()
    pm = 2.0 * H - 1.0
    np.testing.assert_array_equal(pm @ pm.T, k * np.eye(k))


@pytest.mark.parametrize("n_strata", [7, 25, 33])
def test_brr_variance_of_a_total_does_not_depend_on_the_matrix(n_strata: int) -> None:
    # 25 and 33 strata: R uses its stored order-28/36 matrices, we Paley's second
    # construction of the same order; the variance of a total is the Taylor one either way
    rng = np.random.default_rng(n_strata)
    n = n_strata * 2 * 5
    df = pd.DataFrame({
        "h": np.repeat(np.arange(n_strata), 10),
        "psu": np.repeat(np.arange(2 * n_strata), 5),
        "w": rng.uniform(1, 3, n),
        "y": rng.normal(10, 3, n),
    })
    d = SurveyDesign(df, weights="w", strata="h", clusters="psu")
    brr = d.to_replicate("brr")
    assert brr.n_replicates == R_ORDERS[n_strata - 1]
    assert brr.degf == n_strata
    assert brr.total("y").var[0, 0] == pytest.approx(d.total("y").var[0, 0], rel=1e-10)
    fay = d.to_replicate("fay", fay_rho=0.5)
    assert fay.total("y").var[0, 0] == pytest.approx(d.total("y").var[0, 0], rel=1e-10)
    factors = fay.replicate_weights / df["w"].to_numpy()[:, None]
    assert set(np.unique(factors.round(12))) == {0.5, 1.5}


# --- bootstrap ---------------------------------------------------------------------------


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    d = taylor("strat_clus")
    a = d.to_replicate("bootstrap", rng=7)
    b = d.to_replicate("bootstrap", rng=np.random.default_rng(7))
    c = d.to_replicate("bootstrap", rng=8)
    np.testing.assert_array_equal(a.replicate_weights, b.replicate_weights)
    assert not np.array_equal(a.replicate_weights, c.replicate_weights)
    assert a.n_replicates == 50  # R's as.svrepdesign default
    assert a.scale == pytest.approx(1 / 49)
    assert d.to_replicate("bootstrap", replicates=20, rng=1).n_replicates == 20


@pytest.mark.parametrize("did", ["strat_clus", "strat", "clus1"])
def test_rao_wu_rescaling_factors(did: str) -> None:
    # factor = 1 - lam + lam * n_h / (n_h - 1) * (times drawn), lam = sqrt(1 - n_h / N_h):
    # the times drawn are integers adding up to n_h - 1 in every stratum and replicate
    d = taylor(did)
    boot = d.to_replicate("bootstrap", replicates=30, rng=3)
    psus = d._psu_structure()
    n_h = psus.n_sampled[psus.unit_stratum]
    lam = np.sqrt(psus.fpc_factor[psus.unit_stratum])
    first_row = np.unique(psus.unit, return_index=True)[1]
    factors = boot.replicate_weights[first_row] / d.weights[first_row][:, None]
    drawn = (factors - (1 - lam)[:, None]) / (lam * n_h / (n_h - 1))[:, None]
    np.testing.assert_allclose(drawn, np.round(drawn), atol=1e-9)
    assert drawn.min() > -1e-9
    per_stratum = np.stack([np.bincount(psus.unit_stratum, weights=drawn[:, r])
                            for r in range(30)])
    np.testing.assert_allclose(per_stratum, np.broadcast_to(psus.n_sampled - 1,
                                                            per_stratum.shape), atol=1e-9)


def test_bootstrap_variance_is_close_to_taylor() -> None:
    d = taylor("strat_clus")
    boot = d.to_replicate("bootstrap", replicates=2000, rng=2024)
    for stat in ("mean", "total"):
        got = getattr(boot, stat)(["api00", "enroll"]).se
        want = getattr(d, stat)(["api00", "enroll"]).se
        np.testing.assert_allclose(got, want, rtol=0.08)


def test_bootstrap_lonely_psu_rules() -> None:
    data = data_for("apistrat_lonely")
    kwargs: dict[str, Any] = {"strata": "stype", "weights": "pw", "clusters": "dnum",
                              "nest": True}
    with pytest.raises(ValueError, match=r"lonely_psu='fail': 1 stratum has a single sampled "
                                         r"unit: H"):
        SurveyDesign(data, **kwargs).to_replicate("bootstrap", rng=1)
    boot = SurveyDesign(data, lonely_psu="remove", **kwargs).to_replicate("bootstrap", rng=1)
    lone = (data["stype"] == "H").to_numpy()
    np.testing.assert_array_equal(boot.replicate_weights[lone],
                                  np.broadcast_to(data["pw"].to_numpy()[lone][:, None],
                                                  (int(lone.sum()), 50)))
    with pytest.raises(ValueError, match=r"supports lonely_psu 'fail', 'remove' and "
                                         r"'certainty'"):
        SurveyDesign(data, lonely_psu="adjust", **kwargs).to_replicate("bootstrap")


# --- jackknife and lonely PSUs ------------------------------------------------------------


@pytest.mark.parametrize(("opt", "n_rep", "scale", "se_mean", "se_total", "degf"), [
    # R: options(survey.lonely.psu=opt); as.svrepdesign(svydesign(id=~1, strata=~stype,
    #    weights=~pw, fpc=~fpc, data=apistrat_lonely), type="JKn"); svymean(~api00),
    #    svytotal(~enroll)
    ("remove", 150, 1.0, 10.4833821077944, 91370.8329758429, 148),
    ("certainty", 150, 1.0, 10.4833821077944, 91370.8329758429, 148),
    ("adjust", 151, 1.0, 10.4931234593449, 1073389.45902371, 149),
    ("average", 150, 1.00666666666667, 10.5182686671402, 91674.896488392, 148),
])
def test_jkn_lonely_psu_rules_match_r(opt: Any, n_rep: int, scale: float, se_mean: float,
                                      se_total: float, degf: int) -> None:
    d = SurveyDesign(data_for("apistrat_lonely"), strata="stype", weights="pw", fpc="fpc",
                     lonely_psu=opt).to_replicate("jkn")
    assert d.n_replicates == n_rep
    assert d.scale == pytest.approx(scale, rel=1e-14)
    assert d.mean("api00").se[0] == pytest.approx(se_mean, rel=1e-10)
    assert d.total("enroll").se[0] == pytest.approx(se_total, rel=1e-10)
    assert d.degf == degf


def test_jkn_lonely_fail_lists_the_stratum() -> None:
    d = SurveyDesign(data_for("apistrat_lonely"), strata="stype", weights="pw", fpc="fpc")
    with pytest.raises(ValueError, match=r"lonely_psu='fail': 1 stratum has a single sampled "
                                         r"unit: H"):
        d.to_replicate("jkn")


def test_domain_missing_from_a_replicate_is_left_out_with_a_warning() -> None:
    # the domain is one district: in the replicate that drops it the domain has no weight,
    # so that replicate is left out (R's svrVar does the same) and the others agree
    df = data_for("apiclus1").assign(one=lambda x: x["dnum"] == 637)
    jk = SurveyDesign(df, weights="pw", clusters="dnum").to_replicate("jk1")
    with pytest.warns(SurveyStatsWarning, match=r"1 replicate\(s\) gave undefined estimates"):
        est = jk.mean("api00", by="one")
    assert est.se[list(est.domain).index(True)] == pytest.approx(0.0, abs=1e-9)
    assert est.se[list(est.domain).index(False)] > 1.0
    with pytest.raises(ValueError, match="every replicate gives an undefined estimate"):
        replicate_covariance(np.full((3, 1), np.nan), np.zeros(1), 1.0, np.ones(3), False)


def test_given_df_is_used() -> None:
    d = ReplicateDesign(data_for("apiclus1_rw"), replicate_weights="^rep", weights="pw",
                        type="jk1", df=30)
    assert d.degf == 30
    assert d.mean("api00").df[0] == 30


# --- calibration of replicate designs -------------------------------------------------


def test_calibrated_replicates_match_r() -> None:
    # R: jk <- as.svrepdesign(clus1, type="JK1"); svymean(~api00, <calibrated jk>)
    jk = rep("clus1_jk1")
    cases = [
        (jk.poststratify("stype", POP_TYPES), 642.310788211582, 26.934535367426),
        (jk.calibrate("~stype + api99", POP_GREG), 665.30907116578, 3.94285448376767),
        (jk.calibrate("~stype + api99", POP_GREG, calfun="raking"), 665.39379600015,
         3.87928366225706),
        (jk.rake(MARGINS), 641.23032092682, 26.8739804354671),
    ]
    for d, est, se in cases:
        m = d.mean("api00")
        assert m.estimate[0] == pytest.approx(est, rel=1e-9)
        assert m.se[0] == pytest.approx(se, rel=1e-8)
        assert d.degf == 14
    # R: svytotal(~enroll, postStratify(jk, ~stype, pop.types))
    assert cases[0][0].total("enroll").se[0] == pytest.approx(473431.356779779, rel=1e-10)
    # each replicate is post-stratified to the population counts itself
    W = cases[0][0].replicate_weights
    for level, count in POP_TYPES.items():
        rows = (data_for("apiclus1")["stype"] == level).to_numpy()
        np.testing.assert_allclose(W[rows].sum(axis=0), count, rtol=1e-12)


def test_calibrating_a_replicate_that_cannot_meet_the_bounds_raises() -> None:
    # R carries on with a warning ("Failed to converge: eps=0.039 in 101 iterations")
    with pytest.raises(ValueError, match=r"replicate \d+ \(1-based\) cannot be calibrated: "
                                         r"calibrate did not converge.*'stypeH'"):
        rep("clus1_jk1").calibrate("~stype + api99", POP_GREG, bounds=(0.5, 2))


def test_trimming_replicates_keeps_every_total() -> None:
    jk = rep("strat_jkn")
    trimmed = jk.trim_weights(lower=20, upper=40, strict=True)
    before = np.column_stack([jk.weights, jk.replicate_weights])
    after = np.column_stack([trimmed.weights, trimmed.replicate_weights])
    np.testing.assert_allclose(after.sum(axis=0), before.sum(axis=0), rtol=1e-12)
    pos = after[before > 0]
    assert pos.min() >= 20 - 1e-9 and pos.max() <= 40 + 1e-9
    assert (after[before == 0] == 0).all()
    assert "trimmed to [20, 40]" in repr(trimmed)


# --- the design object ------------------------------------------------------------------


def test_repr_and_properties() -> None:
    d = rep("pairs_fay")
    assert repr(d) == (
        "ReplicateDesign(8 fay replicates, 179 observations; weights from 'pw'; scale "
        "0.2551, rscales 1; mse=False; df 7)")
    assert "<strong>ReplicateDesign</strong>" in d._repr_html_()
    assert len(d) == d.n_obs == 179
    w = d.weights
    w[0] = -1.0
    assert d.weights[0] > 0  # a copy
    rs = d.rscales
    rs[0] = 9.0
    assert d.rscales[0] == 1.0


def test_replicate_design_is_immutable_and_leaves_the_data_alone() -> None:
    data = data_for("apiclus1_rw").copy()
    before = data.copy()
    d = ReplicateDesign(data, replicate_weights="^rep", weights="pw", type="jk1")
    d.poststratify("stype", POP_TYPES).rake(MARGINS).trim_weights(upper=60)
    pd.testing.assert_frame_equal(data, before)
    with pytest.raises(AttributeError, match="immutable"):
        d.scale = 2.0  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del d.scale  # type: ignore[misc]
    data.loc[0, "rep1"] = 123.0
    assert d.replicate_weights[0, 0] != 123.0


# --- errors -------------------------------------------------------------------------------


def rw() -> pd.DataFrame:
    return data_for("apiclus1_rw").copy()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"type": "jk1", "rscales": [1.0, 2.0]}, r"rscales has length 2 but there are 15 replicates"),
    ({"type": "other"}, r"type='other' needs scale="),
    ({"type": "jkn"}, r"type='jkn' needs rscales="),
    ({"type": "brr", "scale": 0.5}, r"scale \(0\.5\) is fixed by type='brr'"),
    ({"type": "fay"}, r"type='fay' needs fay_rho="),
    ({"type": "fay", "fay_rho": 1.2}, r"fay_rho \(1\.2\) must be in \(0, 1\)"),
    ({"type": "jk1", "fay_rho": 0.3}, r"fay_rho \(0\.3\) is only used with type='fay'"),
    ({"type": "bootsrap"}, r"type"),
    ({"type": "jk1", "df": -3}, r"df \(-3\) must be finite and > 0"),
    ({"type": "jk1", "scale": 0}, r"scale \(0\) must be finite and > 0"),
    ({"type": "other", "scale": 1, "rscales": -1}, r"rscales \(-1\) must be finite and >= 0"),
    ({"type": "jk1", "replicate_weights": "^zz"}, r"replicate_weights \('\^zz'\) matches no "
                                                  r"column"),
    ({"type": "jk1", "replicate_weights": "p"}, r"also matches the weights column 'pw'"),
    ({"type": "jk1", "replicate_weights": ["rep1"]}, r"gives 1 replicate\(s\); a replicate "
                                                     r"variance needs at least 2"),
    ({"type": "jk1", "replicate_weights": ["rep1", "rpe2"]}, r"\('rpe2'\) is not a column.*"
                                                             r"did you mean 'rep2'"),
    ({"type": "jk1", "replicate_weights": np.ones((10, 3))}, r"replicate_weights has shape "
                                                             r"\(10, 3\); an array must be "
                                                             r"\(n, R\) with n = 183"),
    ({"type": "jk1", "replicate_weights": "[rep"}, r"not a valid regular expression"),
    ({"type": "jk1", "weights": "pww"}, r"weights \('pww'\) is not a column"),
])
def test_replicate_design_argument_errors(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"replicate_weights": "^rep[0-9]+$", "weights": "pw"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        ReplicateDesign(rw(), **args)


def test_boolean_arguments_are_type_errors() -> None:
    # as everywhere in the package (surveystats._validation.check_bool)
    with pytest.raises(TypeError, match=r"mse \('yes'\) must be True or False"):
        ReplicateDesign(rw(), replicate_weights="^rep[0-9]+$", weights="pw", type="jk1",
                        mse="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"mse \(1\) must be True or False"):
        taylor("strat").to_replicate("bootstrap", mse=1)  # type: ignore[arg-type]


def test_text_replicate_weights_are_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"replicate_weights \('stype'\) must be numeric; it "
                                        r"holds text \('H' in row 0"):
        ReplicateDesign(rw(), type="jk1", weights="pw", replicate_weights=["rep1", "stype"])


def test_bad_replicate_values_and_weights() -> None:
    data = rw()
    data.loc[4, "rep3"] = np.nan
    with pytest.raises(ValueError, match=r"1 missing or infinite value\(s\) \(e\.g\. 'rep3', "
                                         r"row 4\)"):
        ReplicateDesign(data, replicate_weights="^rep", weights="pw", type="jk1")
    data = rw()
    data.loc[2, "pw"] = -1.0
    with pytest.raises(ValueError, match=r"weights \('pw'\) has 1 missing, negative"):
        ReplicateDesign(data, replicate_weights="^rep", weights="pw", type="jk1")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        ReplicateDesign(rw().to_numpy(), replicate_weights="^rep",  # type: ignore[arg-type]
                        weights="pw", type="jk1")
    with pytest.raises(TypeError, match="replicate_weights"):
        ReplicateDesign(rw(), replicate_weights=3, weights="pw",  # type: ignore[arg-type]
                        type="jk1")


@pytest.mark.parametrize(("did", "kind", "kwargs", "match"), [
    ("strat", "jk1", {}, r"kind='jk1' is the delete-one-PSU jackknife for unstratified "
                         r"designs; this design has 3 strata.*kind='jkn'"),
    ("clus1", "jkn", {}, r"kind='jkn' is the stratified jackknife; this design has no "
                         r"strata"),
    ("clus1", "brr", {}, r"kind='brr' needs a stratified design with two PSUs per stratum"),
    ("strat_clus", "brr", {}, r"kind='brr' needs exactly 2 PSUs in every stratum; 3 "
                              r"stratum\(s\) differ \(PSUs in brackets\): E \("),
    ("strat", "jkn", {"replicates": 10}, r"replicates \(10\) is only used with "
                                         r"kind='bootstrap'"),
    ("strat", "jkn", {"rng": 1}, r"rng \(1\) is only used with kind='bootstrap'"),
    ("pairs", "brr", {"fay_rho": 0.5}, r"fay_rho \(0\.5\) is only used with kind='fay'"),
    # 0.3 is FAY_RHO, the value kind="fay" takes when none is given: it must still be refused
    ("pairs", "brr", {"fay_rho": 0.3}, r"fay_rho \(0\.3\) is only used with kind='fay'"),
    ("pairs", "fay", {"fay_rho": 1.0}, r"fay_rho \(1\) must be in \(0, 1\)"),
    ("pairs", "fay", {"fay_rho": -0.1}, r"fay_rho \(-0\.1\) must be in \(0, 1\)"),
    ("strat", "bootstrap", {"replicates": 1}, r"replicates \(1\) must be a whole number >= 2"),
    ("strat", "jackknife", {}, r"kind"),
    ("clus1_ps", "jk1", {}, r"this design is calibrated \(post-stratified on \['stype'\]\); "
                            r"replicate weights made from it would not repeat the "
                            r"calibration"),
])
def test_to_replicate_errors(did: str, kind: str, kwargs: dict[str, Any], match: str
                             ) -> None:
    with pytest.raises(ValueError, match=match):
        taylor(did).to_replicate(kind, **kwargs)  # type: ignore[arg-type]


def test_to_replicate_warns_when_it_drops_an_fpc() -> None:
    with pytest.warns(SurveyStatsWarning, match="finite population correction is dropped"):
        SurveyDesign(data_for("apiclus1_pairs").assign(N=30), strata="pair", clusters="dnum",
                     weights="pw", fpc="N").to_replicate("brr")
    with pytest.warns(SurveyStatsWarning, match="after the first stage are dropped"):
        taylor("clus2").to_replicate("jk1")


def test_jk1_census_has_no_variance_to_replicate() -> None:
    df = data_for("apiclus1").assign(N=15)
    with pytest.raises(ValueError, match="every PSU of the population was sampled"):
        SurveyDesign(df, clusters="dnum", weights="pw", fpc="N").to_replicate("jk1")


def test_replicate_estimates_of_every_estimator_run_without_warnings() -> None:
    d = rep("strat_clus_jkn")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d.mean(["api00", "api99"], by=["stype", "awards"], deff="wr")
        d.total("enroll", by="awards", missing="drop", deff="wor")
        d.ratio(["api00", "api99"], "enroll", by="stype", missing="drop")
        d.proportion("awards", by="stype").confint(method="wilson")
        d.quantile("api00", [0.1, 0.9], by="awards").confint(0.9)


def test_replicate_design_is_not_changed_by_later_edits_of_the_callers_frame() -> None:
    # on pandas >= 3 the replicate columns are read without a copy; copy-on-write must keep
    # them as they were when the design was made, whatever the caller does to the frame
    rng = np.random.default_rng(5)
    n = 300
    frame = pd.DataFrame({"w": rng.uniform(1.0, 2.0, n), "y": rng.normal(size=n)})
    for r in range(6):
        frame[f"rep{r}"] = frame["w"] * rng.uniform(0.5, 1.5, n)
    before = frame.copy()
    d = ReplicateDesign(frame, weights="w", replicate_weights="rep[0-9]", type="bootstrap")
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is not touched
    se = float(d.mean("y").se[0])
    weights = d.replicate_weights.copy()
    frame.loc[0:100, "rep1"] = 1000.0
    frame["rep2"] *= 5.0
    frame.iloc[5, 3] = -7.0
    frame.loc[:, "y"] = 0.0
    assert float(d.mean("y").se[0]) == se
    np.testing.assert_array_equal(d.replicate_weights, weights)
