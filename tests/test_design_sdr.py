"""Supplied successive-difference replicate weights, ReplicateDesign(type="sdr"): R's
svrepdesign(type = "successive-difference") (issue 11, deliverable 4, supplied weights).
Reference values: tests/reference/design/sdr_supplied_reference.csv from
make_sdr_supplied.R beside it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from surveystats.design import ReplicateDesign

REFDIR = Path(__file__).parent / "reference" / "design"
REF = pd.read_csv(REFDIR / "sdr_supplied_reference.csv", comment="#")


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
