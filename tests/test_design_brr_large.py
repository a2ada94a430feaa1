"""BRR and Fay replicates when strata have more than two PSUs: to_replicate("brr" / "fay",
large="split" / "merge"), R's brrweights(large=) (issue 11, deliverable 4). Reference
values: tests/reference/design/brr_large_*.csv from make_brr_large.R beside them."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveystats.design import SurveyDesign

REFDIR = Path(__file__).parent / "reference" / "design"
REF = pd.read_csv(REFDIR / "brr_large_reference.csv", comment="#")


def _design(large: str) -> SurveyDesign:
    d = pd.read_csv(REFDIR / "apiclus1.csv", dtype={"cds": str})
    districts = sorted(d["dnum"].unique())
    group = dict(zip(districts, ["a"] * 4 + ["b"] * 2 + ["c"] * 6 + ["d"] * 3, strict=True))
    d["s"] = d["dnum"].map(group)
    if large == "split":
        d = d[d["s"] != "d"].reset_index(drop=True)
    return SurveyDesign(d, clusters="dnum", strata="s", weights="pw")


@pytest.mark.parametrize("large", ["split", "merge"])
@pytest.mark.parametrize("kind", ["brr", "fay"])
def test_large_strata_match_brrweights(kind: str, large: str) -> None:
    case = f"{kind}_{large}"
    want = dict(zip(REF[REF["case"] == case]["quantity"], REF[REF["case"] == case]["value"],
                    strict=True))
    design = _design(large)
    rep = design.to_replicate(kind, large=large,  # type: ignore[arg-type]
                              fay_rho=0.3 if kind == "fay" else None)
    weights = pd.read_csv(REFDIR / f"brr_large_weights_{case}.csv", dtype={"cds": str})
    got = rep.replicate_weights
    assert got.shape == (len(weights), want["replicates"])
    assert np.allclose(got, weights.drop(columns="cds").to_numpy(), rtol=1e-14, atol=0)
    assert rep.scale == pytest.approx(want["scale"], rel=1e-15)
    assert rep.degf == want["degf"]
    assert rep.mean("api00").se[0] == pytest.approx(want["se_mean_api00"], rel=1e-10)
    assert rep.total("enroll").se[0] == pytest.approx(want["se_total_enroll"], rel=1e-10)


def test_large_strata_are_refused_without_large_and_odd_ones_cannot_split() -> None:
    with pytest.raises(ValueError, match="large='split'"):
        _design("split").to_replicate("brr")
    merge = _design("merge")  # stratum d has 3 PSUs
    with pytest.raises(ValueError, match=r"large='split' needs an even number.*d \(3\)"):
        merge.to_replicate("brr", large="split")
    with pytest.raises(ValueError, match="large .*'brr' or 'fay'"):
        merge.to_replicate("jk1", large="merge")
    with pytest.raises(ValueError, match="large"):
        merge.to_replicate("brr", large="halve")  # type: ignore[arg-type]


def test_two_psu_strata_are_unchanged_by_large() -> None:
    # pairs only: the same replicates with or without large (R numbers them the same way)
    d = pd.read_csv(REFDIR / "apiclus1.csv", dtype={"cds": str})
    d = d[d["dnum"] != 815].copy()
    rank = {v: i for i, v in enumerate(sorted(d["dnum"].unique()))}
    d["pair"] = [rank[v] // 2 for v in d["dnum"]]
    design = SurveyDesign(d, clusters="dnum", strata="pair", weights="pw")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = design.to_replicate("brr").replicate_weights
        split = design.to_replicate("brr", large="split").replicate_weights
    assert np.array_equal(plain, split)
