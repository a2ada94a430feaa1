"""Lonely PSUs inside a domain: SurveyDesign(adjust_domain_lonely=True), R's
options(survey.adjust.domain.lonely = TRUE) (issue 11, deliverable 5). Reference values:
tests/reference/design/domain_lonely_reference.csv from make_domain_lonely.R beside it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from surveystats.design import SurveyDesign

REFDIR = Path(__file__).parent / "reference" / "design"
REF = pd.read_csv(REFDIR / "domain_lonely_reference.csv", comment="#")


def _data() -> pd.DataFrame:
    d = pd.read_csv(REFDIR / "apistrat.csv", dtype={"cds": str})
    first_h = d.index[d["stype"] == "H"][0]
    d["g"] = ["a" if s == "E" else "b" for s in d["stype"]]
    d.loc[first_h, "g"] = "a"
    first_dist = d.loc[first_h, "dnum"]
    d["g2"] = ["a" if s == "E" or (s == "H" and n == first_dist) else "b"
               for s, n in zip(d["stype"], d["dnum"], strict=True)]
    return d


@pytest.mark.parametrize("adjust", [False, True])
@pytest.mark.parametrize("rule", ["adjust", "average"])
@pytest.mark.parametrize("design", ["strat", "strat_clus"])
def test_domain_lonely_matches_r(adjust: bool, rule: str, design: str) -> None:
    d = _data()
    if design == "strat":
        des = SurveyDesign(d, strata="stype", weights="pw", fpc="fpc", lonely_psu=rule,  # type: ignore[arg-type]
                           adjust_domain_lonely=adjust)
        by = "g"
    else:
        des = SurveyDesign(d, clusters="dnum", strata="stype", weights="pw", nest=True,
                           lonely_psu=rule, adjust_domain_lonely=adjust)  # type: ignore[arg-type]
        by = "g2"
    ref = REF[(REF["design"] == design) & (REF["adjust"] == adjust) & (REF["rule"] == rule)]
    for estimator in ("mean", "total"):
        f = getattr(des, estimator)("api00", by=by).to_frame().set_index("domain")
        want = ref[ref["estimator"] == estimator]
        for _, row in want.iterrows():
            got = f.loc[row["domain"], "estimate" if row["quantity"] == "estimate" else "se"]
            assert got == pytest.approx(row["value"], rel=1e-9), (estimator, row["domain"],
                                                                  row["quantity"])


def test_the_option_changes_what_r_changes() -> None:
    d = _data()
    on = SurveyDesign(d, strata="stype", weights="pw", fpc="fpc", lonely_psu="average",
                      adjust_domain_lonely=True).mean("api00", by="g").se
    off = SurveyDesign(d, strata="stype", weights="pw", fpc="fpc", lonely_psu="average"
                       ).mean("api00", by="g").se
    assert on[0] > off[0] and on[1] == off[1]  # domain a has a stratum with one PSU
    with pytest.raises(TypeError, match="adjust_domain_lonely"):
        SurveyDesign(d, strata="stype", weights="pw", adjust_domain_lonely="yes")  # type: ignore[arg-type]
