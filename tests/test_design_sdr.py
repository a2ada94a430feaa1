"""Successive-difference replication (issue 11, deliverable 4).

Supplied weights, ReplicateDesign(type="sdr"): R's svrepdesign(type = "successive-
difference"), reference values in tests/reference/design/sdr_supplied_reference.csv from
make_sdr_supplied.R. Weights made from a design, SurveyDesign.to_replicate("sdr") (Fay and
Train 1995; the ACS's 80 replicates): the factors against the published formula built here
from scipy's Sylvester matrix and the order-80 matrix; the variance identity with the
circular successive-difference estimator; R's svrepdesign on the same factors built in R
(sdr_reference.csv from make_sdr.R, so R is not needed here); errors; the caller's data
untouched; and the ACS example of docs/design.md, run from the page.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.linalg

from surveystats._warnings import SurveyStatsWarning
from surveystats.design import ReplicateDesign, SurveyDesign
from surveystats.design._hadamard import hadamard

REFDIR = Path(__file__).parent / "reference" / "design"
REF = pd.read_csv(REFDIR / "sdr_supplied_reference.csv", comment="#")
MADE = pd.read_csv(REFDIR / "sdr_reference.csv", comment="#")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "design.md"
C = 2.0 ** -1.5


def _data() -> pd.DataFrame:
    d = pd.read_csv(REFDIR / "apiclus1.csv", dtype={"cds": str})
    reps = pd.read_csv(REFDIR / "repweights_clus1_jk1.csv", dtype={"cds": str})
    assert list(reps["cds"]) == list(d["cds"])
    return pd.concat([d, reps.drop(columns="cds")], axis=1)


@pytest.mark.parametrize("mse", [True, False])
def test_sdr_matches_r(mse: bool) -> None:
    d = ReplicateDesign(_data(), replicate_weights="^rep[0-9]+$", weights="pw", type="sdr",
                        mse=mse)
    want = dict(zip(REF[REF["mse"] == mse]["quantity"], REF[REF["mse"] == mse]["value"],
                    strict=True))
    assert d.scale == 4 / 15 and d.degf == want["degf"]
    m = d.mean("api00")
    assert m.estimate[0] == pytest.approx(want["mean_api00"], rel=1e-12)
    assert m.se[0] == pytest.approx(want["se_mean_api00"], rel=1e-10)
    t = d.total("enroll")
    assert t.se[0] == pytest.approx(want["se_total_enroll"], rel=1e-10)
    by = d.mean("api00", by="stype").to_frame().set_index("domain")
    for s in ("E", "H", "M"):
        assert by.loc[s, "se"] == pytest.approx(want[f"se_mean_api00_{s}"], rel=1e-10)


def test_sdr_defaults_to_the_acs_formula_and_fixes_the_scale() -> None:
    d = ReplicateDesign(_data(), replicate_weights="^rep[0-9]+$", weights="pw", type="sdr")
    assert d.mse is True  # 4/R times squared deviations from the full-sample estimate
    other = ReplicateDesign(_data(), replicate_weights="^rep[0-9]+$", weights="pw",
                            type="other", scale=4 / 15, mse=True)
    assert d.mean("api00").se[0] == other.mean("api00").se[0]
    with pytest.raises(ValueError, match=r"scale \(0.5\) is fixed by type='sdr'"):
        ReplicateDesign(_data(), replicate_weights="^rep[0-9]+$", weights="pw", type="sdr",
                        scale=0.5)
    jk = ReplicateDesign(_data(), replicate_weights="^rep[0-9]+$", weights="pw", type="jk1")
    assert jk.mse is False  # R's default for every other type


# --- to_replicate("sdr"): the factors are the published formula ------------------------


def _formula_factors(H: np.ndarray, n: int) -> np.ndarray:
    """The factors of n units in sort order, written out unit by unit (Fay and Train 1995;
    ACS Design and Methodology ch. 12): unit k takes rows k mod R and (k + 1) mod R of H,
    the last unit (k + 1 mod n) mod R = row 0 (the circle closes), and
    f_kr = 1 + 2^(-3/2) (H[first, r] - H[second, r])."""
    R = H.shape[0]
    F = np.empty((n, R))
    for k in range(n):  # small n: the plainest possible construction
        first = k % R
        second = ((k + 1) % n) % R
        for r in range(R):
            F[k, r] = 1.0 + C * H[first, r] - C * H[second, r]
    return F


def _negated_first_row(H: np.ndarray) -> np.ndarray:
    H = np.array(H, dtype=np.float64)
    H[0] = -H[0]
    return H


@pytest.mark.parametrize("n", [5, 16, 37])
def test_factors_equal_the_formula_with_sylvester_16(n: int) -> None:
    rng = np.random.default_rng(n)
    df = pd.DataFrame({"w": rng.uniform(1, 5, n), "y": rng.normal(size=n)})
    d = SurveyDesign(df, weights="w").to_replicate("sdr", replicates=16)
    H = _negated_first_row(scipy.linalg.hadamard(16))
    got = d.replicate_weights / df["w"].to_numpy()[:, None]
    np.testing.assert_allclose(got, _formula_factors(H, n), rtol=0, atol=1e-15)
    assert set(np.round(got.ravel(), 12)) <= {round(1 + 2 ** -0.5, 12), 1.0,
                                              round(1 - 2 ** -0.5, 12)}
    assert d.type == "sdr" and d.n_replicates == 16 and d.scale == 4 / 16 and d.mse


def test_factors_of_clusters_in_a_sort_order_with_sylvester_64() -> None:
    rng = np.random.default_rng(64)
    n_psu = 150
    psu_rank = rng.permutation(n_psu)  # the sort key of each PSU, unrelated to the data order
    sizes = rng.integers(1, 5, n_psu)
    psu = np.repeat(rng.permutation(n_psu), sizes)  # PSUs appear in a shuffled order
    df = pd.DataFrame({"psu": psu, "key": psu_rank[psu], "w": 10.0,
                       "y": rng.normal(size=psu.size)})
    d = SurveyDesign(df, weights="w", clusters="psu").to_replicate("sdr", replicates=64,
                                                                  sort="key")
    F = _formula_factors(_negated_first_row(scipy.linalg.hadamard(64)), n_psu)
    # the PSU whose key is k is k-th in the sort order; every one of its rows has its factor
    np.testing.assert_allclose(d.replicate_weights / 10.0, F[df["key"].to_numpy()],
                               rtol=0, atol=1e-15)


def test_factors_with_the_order_80_matrix_and_more_units_than_replicates() -> None:
    H01 = hadamard(79)  # R's hadamard(79): Paley's construction of order 80
    H = 2.0 * H01 - 1.0
    assert H.shape == (80, 80)
    np.testing.assert_array_equal(H @ H.T, 80 * np.eye(80))
    assert (H[0] == 1).all() and (H[:, 0] == 1).all()  # normalised
    n = 200
    df = pd.DataFrame({"w": np.linspace(50, 150, n), "y": np.arange(n, dtype=float)})
    d = SurveyDesign(df, weights="w").to_replicate("sdr")  # 80 by default
    assert d.n_replicates == 80 and d.scale == 0.05 and d.mse and d.degf == 79
    F = d.replicate_weights / df["w"].to_numpy()[:, None]
    np.testing.assert_allclose(F, _formula_factors(_negated_first_row(H), n), rtol=0,
                               atol=1e-15)
    # with the first row negated no replicate repeats the full sample
    assert (np.abs(F - 1).max(axis=0) > 0.7).all()


def test_strata_leave_the_factors_alone_and_the_fpc_enters_them() -> None:
    rng = np.random.default_rng(3)
    n = 90
    df = pd.DataFrame({"h": np.repeat(["a", "b", "c"], 30), "w": rng.uniform(1, 3, n),
                       "y": rng.normal(size=n), "N": np.repeat([300.0, 60.0, 90.0], 30)})
    plain = SurveyDesign(df, weights="w").to_replicate("sdr").replicate_weights
    strat = SurveyDesign(df, weights="w", strata="h").to_replicate("sdr").replicate_weights
    np.testing.assert_array_equal(plain, strat)  # one chain through the sort order
    fpc = SurveyDesign(df, weights="w", strata="h", fpc="N").to_replicate("sdr")
    lam = np.sqrt(1 - 30 / df["N"].to_numpy())  # sqrt(1 - n_h / N_h) of each row's stratum
    w = df["w"].to_numpy()[:, None]
    np.testing.assert_allclose(fpc.replicate_weights / w - 1,
                               lam[:, None] * (plain / w - 1), rtol=0, atol=1e-15)


def test_a_sort_column_equals_sorting_the_file() -> None:
    rng = np.random.default_rng(11)
    n = 120
    df = pd.DataFrame({"order": np.arange(n), "w": rng.uniform(1, 3, n),
                       "y": np.sin(np.arange(n) / 9) + rng.normal(0, 0.1, n)})
    shuffled = df.sample(frac=1.0, random_state=4)
    a = SurveyDesign(df, weights="w").to_replicate("sdr", replicates=64)
    b = SurveyDesign(shuffled, weights="w").to_replicate("sdr", replicates=64, sort="order")
    back = np.argsort(shuffled["order"].to_numpy())
    np.testing.assert_array_equal(b.replicate_weights[back], a.replicate_weights)
    assert b.total("y").se[0] == pytest.approx(a.total("y").se[0], rel=1e-12)
    # without sort= the shuffled file's order is used, and the trend is no longer taken out
    c = SurveyDesign(shuffled, weights="w").to_replicate("sdr", replicates=64)
    assert c.total("y").se[0] > 2 * a.total("y").se[0]


# --- the variance identity: 4/R Σ (t_r - t)² is the successive-difference estimator ----
#
# Unit k (sort order, n units, 0-based) has factor 1 + c (H[ρ(k), r] - H[ρ(k+1), r]) with
# ρ(k) = k mod R and ρ(n) = ρ(0), c = 2^(-3/2). For a total t = Σ_k z_k (z: unit totals):
#   t_r - t = c Σ_k z_k (H[ρ(k), r] - H[ρ(k+1), r]) = c Σ_k H[ρ(k), r] (z_k - z_(k-1)),
# re-indexing the second sum (circular: z_(-1) = z_(n-1)). With d_k = z_k - z_(k-1),
#   Σ_r (t_r - t)² = c² Σ_(k,l) d_k d_l Σ_r H[ρ(k), r] H[ρ(l), r] = c² R Σ_(ρ(k) = ρ(l)) d_k d_l
# because the rows of a Hadamard matrix are orthogonal (H Hᵀ = R I). So
#   4/R Σ_r (t_r - t)² = 4 c² Σ_j (Σ_(k ≡ j mod R) d_k)² = 1/2 Σ_j D_j²,
# and for n <= R (each row used once) exactly 1/2 Σ_k (z_k - z_(k-1))²: the circular
# successive-difference estimator of a systematic sample (Wolter 2007, ch. 8). An fpc
# multiplies each unit's deviation by sqrt(1 - f), so a constant f gives (1 - f) times it.


def _systematic(n: int, seed: int) -> pd.DataFrame:
    """An equal-probability systematic sample of n from a sorted population of 50 n with a
    trend: every 50th unit from a random start."""
    rng = np.random.default_rng(seed)
    N = 50 * n
    pop = 100 + 0.02 * np.arange(N) + rng.normal(0, 3, N)
    start = int(rng.integers(50))
    return pd.DataFrame({"y": pop[start::50], "w": 50.0, "N": float(N)})


def _circular_sd(z: np.ndarray, R: int) -> float:
    d = z - np.roll(z, 1)  # d_k = z_k - z_(k-1), d_0 = z_0 - z_(n-1)
    D = np.bincount(np.arange(z.size) % R, weights=d, minlength=R)
    return 0.5 * float(np.sum(D ** 2))


@pytest.mark.parametrize(("n", "R"), [(60, 64), (80, 80), (16, 16), (250, 80), (500, 64)])
def test_sdr_variance_of_a_total_is_the_successive_difference_estimator(n: int, R: int
                                                                        ) -> None:
    df = _systematic(n, seed=n + R)
    d = SurveyDesign(df, weights="w").to_replicate("sdr", replicates=R)
    z = (df["w"] * df["y"]).to_numpy()
    want = _circular_sd(z, R)
    if n <= R:  # exactly Wolter's circular successive-difference estimator
        assert want == pytest.approx(0.5 * np.sum((z - np.roll(z, 1)) ** 2), rel=1e-14)
    assert d.total("y").se[0] ** 2 == pytest.approx(want, rel=1e-12)
    # the Census formula by hand, from the replicate totals
    t = float(z.sum())
    t_r = d.replicate_weights.T @ df["y"].to_numpy()
    assert 4 / R * np.sum((t_r - t) ** 2) == pytest.approx(want, rel=1e-12)
    # with the fpc in the factors: (1 - f) times the same
    f = SurveyDesign(df, weights="w", fpc="N").to_replicate("sdr", replicates=R)
    assert f.total("y").se[0] ** 2 == pytest.approx((1 - 1 / 50) * want, rel=1e-12)


def test_sdr_variance_of_a_cluster_total_uses_the_psu_totals() -> None:
    rng = np.random.default_rng(8)
    sizes = rng.integers(1, 6, 70)
    psu = np.repeat(np.arange(70), sizes)
    df = pd.DataFrame({"hu": psu + 1000, "w": np.repeat(rng.uniform(20, 40, 70), sizes),
                       "y": rng.poisson(2 + psu / 10).astype(float)})
    d = SurveyDesign(df, weights="w", clusters="hu").to_replicate("sdr")
    z = np.bincount(psu, weights=df["w"] * df["y"])
    assert d.total("y").se[0] ** 2 == pytest.approx(_circular_sd(z, 80), rel=1e-12)
    assert d.degf == 69  # 70 PSUs, fewer than the 80 replicates: rank 70


# --- R's svrepdesign on the same factors built in R (make_sdr.R) -----------------------


def _api(name: str) -> pd.DataFrame:
    return pd.read_csv(REFDIR / f"{name}.csv", dtype={"cds": str})


def _made(case: str) -> ReplicateDesign:
    if case == "srs_16":
        return SurveyDesign(_api("apisrs"), weights="pw").to_replicate("sdr", replicates=16)
    if case == "strat_80":
        return SurveyDesign(_api("apistrat"), weights="pw", strata="stype",
                            fpc="fpc").to_replicate("sdr")
    if case == "clus1_80":
        return SurveyDesign(_api("apiclus1"), weights="pw", clusters="dnum",
                            fpc="fpc").to_replicate("sdr", sort="dnum")
    assert case == "strat_clus_64"
    return SurveyDesign(_api("apistrat"), weights="pw", strata="stype", clusters="dnum",
                        nest=True).to_replicate("sdr", replicates=64, sort="dnum")


@pytest.mark.parametrize("case", ["srs_16", "strat_80", "clus1_80", "strat_clus_64"])
def test_sdr_made_from_a_design_matches_r(case: str) -> None:
    rows = MADE[MADE["case"] == case]
    want = dict(zip(rows["quantity"], rows["value"], strict=True))
    d = _made(case)
    assert d.type == "sdr" and d.mse
    assert d.n_replicates == want["n_replicates"]
    assert d.scale == pytest.approx(want["scale"], rel=1e-15)
    assert d.degf == want["degf"]
    m = d.mean("api00")
    assert m.estimate[0] == pytest.approx(want["mean_api00"], rel=1e-12)
    assert m.se[0] == pytest.approx(want["se_mean_api00"], rel=1e-10)
    t = d.total("enroll")
    assert t.estimate[0] == pytest.approx(want["total_enroll"], rel=1e-12)
    assert t.se[0] == pytest.approx(want["se_total_enroll"], rel=1e-10)
    r = d.ratio("api00", "api99")
    assert r.estimate[0] == pytest.approx(want["ratio_api00_api99"], rel=1e-12)
    assert r.se[0] == pytest.approx(want["se_ratio_api00_api99"], rel=1e-10)
    by = d.mean("api00", by="stype").to_frame().set_index("domain")
    for s in ("E", "H", "M"):
        assert by.loc[s, "se"] == pytest.approx(want[f"se_mean_api00_{s}"], rel=1e-10)
    # every replicate column, through its sum of weights
    sums = np.array([want[f"sum_weights_rep{r + 1}"] for r in range(d.n_replicates)])
    np.testing.assert_allclose(d.replicate_weights.sum(axis=0), sums, rtol=1e-12)


def test_r_reference_header_names_the_versions() -> None:
    head = [line for line in (REFDIR / "sdr_reference.csv").read_text().splitlines()
            if line.startswith("#")]
    assert any(line.startswith("# tool: R version") for line in head)
    assert any(line.startswith("# packages: survey") for line in head)
    assert any("make_sdr.R" in line for line in head)


# --- errors, options, the caller's data ----------------------------------------------


def _small() -> pd.DataFrame:
    return pd.DataFrame({"y": np.arange(12.0), "w": 2.0, "c": np.repeat(np.arange(6), 2),
                         "s": np.repeat([5.0, 3.0, 1.0, 2.0, 4.0, 6.0], 2),
                         "N": 100.0, "h": np.repeat(["a", "b"], 6)})


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"replicates": 2}, ValueError,
     r"^replicates \(2\) must be a whole number in \[4, 4096\]; successive-difference "
     r"replicates are the columns of a Hadamard matrix"),
    ({"replicates": 80.5}, ValueError, r"^replicates \(80\.5\) must be a whole number"),
    ({"replicates": 8192}, ValueError, r"^replicates \(8192\) must be a whole number in"),
    ({"replicates": "80"}, TypeError, r"^replicates \('80'\) must be a whole number"),
    ({"replicates": 30}, ValueError,
     r"^replicates \(30\) must be the order of a Hadamard matrix that this package builds "
     r"\(a multiple of 4 that R's hadamard\(\) reaches\); the nearest: 28 and 32"),
    ({"replicates": 52}, ValueError, r"^replicates \(52\) .*the nearest: 48 and 56"),
    ({"sort": "nope"}, ValueError, r"^sort \('nope'\) is not a column of data"),
    ({"sort": 5}, TypeError, r"^sort \(5\) must be one column name$"),
    ({"sort": "y"}, ValueError,
     r"^sort \('y'\) must be constant within each PSU \(successive differences order "
     r"whole PSUs\); rows 0 and 1 of one PSU have 0\.0 and 1\.0$"),
    ({"rng": 1}, ValueError, r"^rng \(1\) is only used with kind='bootstrap'"),
    ({"fay_rho": 0.5}, ValueError, r"^fay_rho \(0\.5\) is only used with kind='fay'"),
    ({"large": "split"}, ValueError, r"^large \('split'\) is only used with kind='brr'"),
    ({"mse": "yes"}, TypeError, r"mse"),
])
def test_sdr_errors_name_the_parameter_and_the_value(kwargs: dict[str, Any],
                                                     exc: type[Exception], match: str
                                                     ) -> None:
    d = SurveyDesign(_small(), weights="w", clusters="c")
    with pytest.raises(exc, match=match):
        d.to_replicate("sdr", **kwargs)


def test_sdr_refuses_a_missing_sort_value_and_sort_elsewhere() -> None:
    df = _small()
    df.loc[3, "s"] = np.nan
    with pytest.raises(ValueError, match=r"^sort \('s'\) has 1 missing value\(s\) \(rows "
                                         r"3\); every PSU needs a place in the sort order"):
        SurveyDesign(df, weights="w", clusters="c").to_replicate("sdr", sort="s")
    d = SurveyDesign(_small(), weights="w", clusters="c")
    with pytest.raises(ValueError, match=r"^sort \('s'\) is only used with kind='sdr'"):
        d.to_replicate("jk1", sort="s")
    # replicates= now serves "sdr" as well as "bootstrap"; the others still refuse it
    with pytest.raises(ValueError, match=r"^replicates \(10\) is only used with "
                                         r"kind='bootstrap' or 'sdr'"):
        d.to_replicate("jk1", replicates=10)


def test_sdr_refuses_a_calibrated_design_and_warns_of_a_later_fpc() -> None:
    d = SurveyDesign(_small(), weights="w", clusters="c")
    ps = d.poststratify("h", {"a": 60, "b": 40})
    with pytest.raises(ValueError, match=r"this design is calibrated \(post-stratified"):
        ps.to_replicate("sdr")
    df = _small().assign(row=np.arange(12), N2=4.0)
    two = SurveyDesign(df, clusters=["c", "row"], fpc=["N", "N2"])
    with pytest.warns(SurveyStatsWarning, match="after the first stage are dropped"):
        two.to_replicate("sdr", replicates=8)


def test_sdr_options_mse_and_the_other_kinds_default() -> None:
    d = SurveyDesign(_small(), weights="w", clusters="c", fpc="N")
    assert d.to_replicate("sdr").mse is True  # the ACS formula
    assert d.to_replicate("sdr", mse=False).mse is False
    assert d.to_replicate("jk1").mse is False  # R's default for the other kinds
    both = d.to_replicate("sdr", mse=False), d.to_replicate("sdr")
    assert both[0].total("y").se[0] != both[1].total("y").se[0]


def test_sdr_does_not_touch_the_callers_data() -> None:
    df = _small()
    df["s"] = df["s"].astype("category")
    before = df.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = SurveyDesign(df, weights="w", clusters="c", fpc="N")
        rep = d.to_replicate("sdr", replicates=8, sort="s")
    pd.testing.assert_frame_equal(df, before)
    assert list(df.columns) == list(before.columns)
    rep.total("y")
    pd.testing.assert_frame_equal(df, before)
    # a categorical sort column orders by its categories (here the sorted numbers)
    same = SurveyDesign(before.assign(s=before["s"].astype(float)), weights="w",
                        clusters="c", fpc="N").to_replicate("sdr", replicates=8, sort="s")
    np.testing.assert_array_equal(rep.replicate_weights, same.replicate_weights)


# --- the ACS example of docs/design.md, run from the page -----------------------------


def _docs_example() -> dict[str, Any]:
    text = DOCS.read_text()
    section = text.split("## Successive-difference replicates, as the ACS ships them", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(DOCS), "exec"), namespace)
    return namespace


def test_docs_acs_example_runs_and_its_numbers_hold() -> None:
    ns = _docs_example()
    sdr, shipped, design, pums = ns["sdr"], ns["shipped"], ns["design"], ns["pums"]
    assert len(pums) == 2000 and pums["SERIALNO"].nunique() == 400
    assert [c for c in pums.columns if c.startswith("PWGTP")][:3] == ["PWGTP", "PWGTP1",
                                                                      "PWGTP2"]
    assert shipped.type == "sdr" and shipped.n_replicates == 80 and shipped.scale == 0.05
    assert shipped.mse and shipped.degf == sdr.degf == 79
    built, read = sdr.total("POOR"), shipped.total("POOR")
    assert read.estimate[0] == pytest.approx(built.estimate[0], rel=1e-14)
    assert read.se[0] == pytest.approx(built.se[0], rel=1e-12)
    se_census = float(np.sqrt(4 / 80 * np.sum((ns["x_r"] - ns["x"]) ** 2)))
    assert se_census == pytest.approx(built.se[0], rel=1e-12)
    # the numbers the page prints
    assert round(float(built.estimate[0])) == 35898
    assert round(float(built.se[0]), 1) == 2224.8
    inc, lin = sdr.mean("PINCP"), design.mean("PINCP")
    assert round(float(inc.estimate[0])) == 28221
    assert round(float(inc.se[0]), 1) == 463.4 and round(float(lin.se[0]), 1) == 563.9
    assert shipped.mean("PINCP").se[0] == pytest.approx(inc.se[0], rel=1e-12)
