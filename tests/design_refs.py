"""The designs of R's api data that the R-reference tests of issue 11 share (the svydesign
calls of their generator scripts in tests/reference/design/)."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from surveystats.design import ReplicateDesign, SurveyDesign

REFDIR = Path(__file__).parent / "reference" / "design"


@functools.cache
def api(name: str) -> pd.DataFrame:
    """R's ``data(api)`` table ``name`` (``"apistrat"``, ``"apiclus1"``, ...), as exported."""
    return pd.read_csv(REFDIR / f"{name}.csv", dtype={"cds": str})


@functools.cache
def design(name: str) -> SurveyDesign | ReplicateDesign:
    """``strat``: svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, apistrat);
    ``clus1``: svydesign(id=~dnum, weights=~pw, fpc=~fpc, apiclus1); ``clus1_jk1`` and
    ``strat_jkn``: their as.svrepdesign(type="JK1" / "JKn")."""
    if name.startswith("strat"):
        taylor = SurveyDesign(api("apistrat"), strata="stype", weights="pw", fpc="fpc")
        return taylor if name == "strat" else taylor.to_replicate("jkn")
    taylor = SurveyDesign(api("apiclus1"), clusters="dnum", weights="pw", fpc="fpc")
    return taylor if name == "clus1" else taylor.to_replicate("jk1")
