"""Agreement with R: binom.test, prop.test and survey::svyciprop.

Reference values: tests/reference/proportion_ci_r.csv, written by
tests/reference/make_proportion_ci.R (R 4.2.2, survey 4.1.1; versions in the file header).
How svyciprop computes each method is written out in tests/reference/svyciprop_formulas.md.
The topline engine is fed R's estimate, effective size ``m (1 - m) / var``, design df and
nrow(design), which is exactly what svyciprop reduces a design to.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveystats import proportion_ci

REF = Path(__file__).parent / "reference" / "proportion_ci_r.csv"


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    return pd.read_csv(REF, comment="#")


def test_header_records_versions() -> None:
    head = [line for line in REF.read_text().splitlines() if line.startswith("#")]
    assert any(line.startswith("# tool: R version") for line in head)
    assert any("survey" in line for line in head if line.startswith("# packages"))
    assert any("make_proportion_ci.R" in line for line in head)


def test_binom_test_is_clopper_pearson(ref: pd.DataFrame) -> None:
    rows = ref[ref.source == "binom.test"]
    assert len(rows) >= 30
    ci = proportion_ci(rows.x / rows.n, rows.n, method="clopper_pearson",
                       confidence_level=rows.confidence_level.iloc[0])
    for level, grp in rows.groupby("confidence_level"):
        ci = proportion_ci((grp.x / grp.n).to_numpy(), grp.n.to_numpy(),
                           method="clopper_pearson", confidence_level=level)
        np.testing.assert_allclose(ci.low, grp.low, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ci.high, grp.high, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("method_r", "ours"), [("prop.test_nocorrect", "wilson"),
                                                 ("prop.test_correct", "wilson_cc")])
def test_prop_test_is_wilson(ref: pd.DataFrame, method_r: str, ours: str) -> None:
    rows = ref[(ref.method_r == method_r) & ~ref.case.str.endswith("_halfnull")]
    assert len(rows) >= 20
    for level, grp in rows.groupby("confidence_level"):
        ci = proportion_ci((grp.x / grp.n).to_numpy(), grp.n.to_numpy(), method=ours,
                           confidence_level=level)
        np.testing.assert_allclose(ci.low, grp.low, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ci.high, grp.high, rtol=1e-12, atol=1e-15)


def test_prop_test_halfnull_rows_equal_plain_wilson(ref: pd.DataFrame) -> None:
    # prop.test drops its continuity correction when x equals the null count n/2; R then
    # reports plain Wilson, which is what those rows pin.
    rows = ref[ref.case.str.endswith("_halfnull")]
    assert len(rows) >= 2
    for _, r in rows.iterrows():
        ci = proportion_ci(r.x / r.n, r.n, method="wilson", confidence_level=r.confidence_level)
        assert ci.low == pytest.approx(r.low, rel=1e-12)
        assert ci.high == pytest.approx(r.high, rel=1e-12)


# svyciprop method -> (our method, rtol, atol). logit fits a quasibinomial glm whose convergence
# tolerance leaves about 4e-10; likelihood is read off a spline through a coarse profile grid
# in R, which moves the bounds by up to about 8e-5 from the exact root that we compute.
SVYCIPROP = {
    "mean": ("wald", 1e-12, 1e-15),
    "xlogit": ("logit", 1e-12, 1e-15),
    "logit": ("logit", 1e-8, 1e-15),
    "asin": ("arcsine", 1e-12, 1e-15),
    "beta": ("korn_graubard", 1e-12, 1e-15),
    "likelihood": ("likelihood_ratio", 0.0, 1e-4),
}


def _regular(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[(rows["var"] > 0) & (rows.estimate > 0) & (rows.estimate < 1)]


@pytest.mark.parametrize("method_r", list(SVYCIPROP))
def test_svyciprop(ref: pd.DataFrame, method_r: str) -> None:
    ours, rtol, atol = SVYCIPROP[method_r]
    rows = _regular(ref[(ref.source == "svyciprop") & (ref.method_r == method_r)])
    assert len(rows) >= 20
    n_eff = rows.n_eff.to_numpy()
    if method_r == "likelihood":
        # svyglm's dispersion is n / (n - 1): the profile is that much flatter
        n_eff = n_eff * (rows.n - 1).to_numpy() / rows.n.to_numpy()
    for level in rows.confidence_level.unique():
        sel = (rows.confidence_level == level).to_numpy()
        grp = rows[sel]
        # proportion_ci takes the nominal n and a deff; deff = n / n_eff gives R's n_eff
        ci = proportion_ci(grp.estimate.to_numpy(), grp.n.to_numpy(),
                           deff=grp.n.to_numpy() / n_eff[sel], df=grp.df.to_numpy(),
                           method=ours, confidence_level=level)
        np.testing.assert_allclose(ci.low, np.clip(grp.low, 0, 1), rtol=rtol, atol=atol)
        np.testing.assert_allclose(ci.high, np.clip(grp.high, 0, 1), rtol=rtol, atol=atol)


def test_svyciprop_covers_designs_and_domains(ref: pd.DataFrame) -> None:
    cases = set(ref[ref.source == "svyciprop"].case)
    assert any(c.startswith("dstrat") for c in cases)
    assert any(c.startswith("dclus1_") for c in cases)
    assert any(c.startswith("dclus2") for c in cases)
    assert any("_E_" in c for c in cases)  # domains
