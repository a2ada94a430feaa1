"""design.ttest and DesignEstimate.contrast against R survey's svyttest and svycontrast
(issue 11, deliverable 3). Reference values: tests/reference/design/ttest_contrast_reference.csv
from make_ttest_contrast.R beside it; the tests never call R."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from design_refs import REFDIR
from design_refs import design as _design

from surveystats.design._results import DesignEstimate

REF = pd.read_csv(REFDIR / "ttest_contrast_reference.csv", comment="#")
TOL = 1e-8


def _ref(case: str, design: str) -> dict[str, float]:
    rows = REF[(REF["case"] == case) & (REF["design"] == design)]
    assert len(rows), (case, design)
    return dict(zip(rows["quantity"], rows["value"].astype(float), strict=True))


def _close(got: float, want: float) -> None:
    assert got == pytest.approx(want, rel=TOL, abs=TOL * 1e-3), (got, want)


def test_header_records_the_tools() -> None:
    head = (REFDIR / "ttest_contrast_reference.csv").read_text().splitlines()[:3]
    assert head[0].startswith("# tool: R version") and head[1].startswith("# packages: survey")


TESTS = [  # case, variable, group, mu, missing
    ("one_sample_api00", "api00", None, 0.0, "error"),
    ("one_sample_api00_mu600", "api00", None, 600.0, "error"),
    ("two_sample_api00_schwide", "api00", "sch.wide", 0.0, "error"),
    ("two_sample_enroll_schwide", "enroll", "sch.wide", 0.0, "error"),
]


@pytest.mark.parametrize("design", ["strat", "clus1", "clus1_jk1"])
@pytest.mark.parametrize(("case", "variable", "group", "mu", "missing"), TESTS)
def test_ttest_matches_svyttest(design: str, case: str, variable: str, group: str | None,
                                mu: float, missing: str) -> None:
    t = _design(design).ttest(variable, group, mu=mu, missing=missing)  # type: ignore[attr-defined]
    want = _ref(case, design)
    _close(t.estimate - mu, want["estimate"])  # R tests I(y - mu) ~ 0
    _close(t.statistic, want["statistic"])
    assert t.df == want["df"]
    _close(t.p_value, want["p_value"])
    _close(t.low - mu, want["low"])
    _close(t.high - mu, want["high"])


@pytest.mark.parametrize(("case", "group"), [("one_sample_acs_k3_na", None),
                                             ("two_sample_acs_k3_schwide_na", "sch.wide")])
def test_ttest_with_missing_values_dropped(case: str, group: str | None) -> None:
    d = _design("strat")
    t = d.ttest("acs.k3", group, missing="drop")  # type: ignore[attr-defined]
    want = _ref(case, "strat")
    _close(t.estimate, want["estimate"])
    _close(t.statistic, want["statistic"])
    assert t.df == want["df"]  # one sample: the full design's df; two groups: the rows used
    _close(t.low, want["low"])
    _close(t.high, want["high"])
    with pytest.raises(ValueError, match="acs.k3"):
        d.ttest("acs.k3", group)  # type: ignore[attr-defined]


@pytest.mark.parametrize("design", ["strat", "clus1", "clus1_jk1"])
def test_contrasts_match_svycontrast(design: str) -> None:
    d = _design(design)
    cases = {
        "contrast_mean_api00_minus_api99": d.mean(["api00", "api99"]).contrast([1, -1]),  # type: ignore[attr-defined]
        "contrast_total_enroll_minus_api_stu":
            d.total(["enroll", "api.stu"]).contrast({"enroll": 1, "api.stu": -1}),  # type: ignore[attr-defined]
        "contrast_by_stype_two": d.mean("api00", by="stype").contrast(  # type: ignore[attr-defined]
            {"EvH": [1, -1, 0], "MvsAvg": [-0.5, -0.5, 1]}),
    }
    for case, con in cases.items():
        want = _ref(case, design)
        for i in range(len(con)):
            _close(float(con.estimate[i]), want[f"estimate_{i + 1}"])
            _close(float(con.se[i]), want[f"se_{i + 1}"])
        if "cov_1_2" in want:
            assert con.var is not None
            _close(float(con.var[0, 1]), want["cov_1_2"])


def test_contrast_names_forms_and_interval() -> None:
    d = _design("strat")
    est = d.mean("api00", by="stype")  # type: ignore[attr-defined]
    labels = [est._row_label(i) for i in range(3)]
    by_label = est.contrast({labels[0]: 1, labels[1]: -1})
    as_list = est.contrast([[1, -1, 0], [0, 1, -1]])
    assert by_label.variable == ("contrast",) and as_list.variable == ("contrast_1",
                                                                        "contrast_2")
    assert by_label.estimate[0] == as_list.estimate[0]
    ci = as_list.confint()
    half = ci["high"] - ci["estimate"]
    from scipy import stats

    assert np.allclose(half, stats.t.ppf(0.975, as_list.df) * as_list.se, rtol=1e-12)
    assert isinstance(as_list, DesignEstimate) and as_list.statistic == "contrast"


def test_bad_input_is_named() -> None:
    d = _design("strat")
    est = d.mean("api00", by="stype")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"one weight per row \(3"):
        est.contrast([1, -1])
    with pytest.raises(ValueError, match="'nope' is not a row"):
        est.contrast({"nope": 1})
    with pytest.raises(ValueError, match="finite"):
        est.contrast([1, np.nan, 0])
    q = d.quantile("api00", 0.5, by="stype")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="quantiles carry no covariance"):
        q.contrast([1, -1, 0])
    with pytest.raises(ValueError, match="exactly two values"):
        d.ttest("api00", "stype")  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="group"):
        d.ttest("api00", ["sch.wide"])  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="mu"):
        d.ttest("api00", mu=float("nan"))  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"variable \('stype'\) must be a numeric column"):
        d.ttest("stype")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="nope"):
        d.ttest("nope")  # type: ignore[attr-defined]


@pytest.mark.parametrize("design", ["strat", "clus1"])
def test_domain_contrast_matches_svycontrast_on_the_sparse_path(
        design: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Many domains keep the unit totals sparse (one column per unit and domain with rows);
    # its between-domain covariances must be the dense path's, R's, also when a PSU has
    # rows in several domains (a district with schools of every type in clus1)
    from surveystats.design import _reduce

    monkeypatch.setattr(_reduce, "DENSE_CELLS", 0)
    con = _design(design).mean("api00", by="stype").contrast(  # type: ignore[attr-defined]
        {"EvH": [1, -1, 0], "MvsAvg": [-0.5, -0.5, 1]})
    want = _ref("contrast_by_stype_two", design)
    for i in range(len(con)):
        _close(float(con.se[i]), want[f"se_{i + 1}"])
    assert con.var is not None
    _close(float(con.var[0, 1]), want["cov_1_2"])
