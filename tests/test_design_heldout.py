"""Held-out agreement with R survey 4.1.1 on data sets the other reference tests never use.

Reference values: tests/reference/design/heldout_reference.csv, written (with the data,
heldout_<data>.csv) by tests/reference/design/make_heldout_reference.R from R survey's own
example data: yrbs, nhanes, mu284, fpc, hospital, scd, crowd and election_pps, each with
the design of its R help page, plus as.svrepdesign (JKn, JK1, BRR, Fay) and calibrated
(postStratify, rake, calibrate) versions. Every value is compared to 1e-8 relative
(1e-10 absolute), except as listed in ``expected_value`` below:

* svyciprop ``likelihood`` limits: R inverts a spline through a coarse profile (1e-4 abs);
* documented differences (docs/design.md): the ``mean`` (Wald) interval is clipped to
  [0, 1]; on replicate designs our ``logit`` interval is R's ``xlogit``; a proportion of
  0 or 1 keeps an informative interval where R gives NaN; SEs that are 0 in exact
  arithmetic are exactly 0 here (R prints rounding noise).
* deliberate in the code but not yet listed in docs/design.md: the asin angle is kept in
  [0, pi/2] (R's sin^2 folds back), and deff="wor" is NaN when the weights sum to less
  than the rows (R's is negative);
* R artefacts: logit bounds 0/NaN when df = 1 (compared to R's xlogit), beta [0.5, 0.5]
  when the variance is 0 and 0 < p < 1 (ours NaN).

Known failures, left asserting R's value (a difference from R to fix in surveystats, not
here): the Korn-Graubard (``beta``) interval in domains of calibrated designs
(nhanes_ps, nhanes_rake, election_greg, mu284_ps: 24 rows). R's ``subset()`` of a
calibrated design keeps every row (weight 0), so ``nrow(subset) - 1`` in its df
correction is the whole design's; ours uses the domain's row count, as for uncalibrated
designs (where R's subset does drop the rows).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveystats.design import DesignEstimate, ReplicateDesign, SurveyDesign

REFDIR = Path(__file__).parent / "reference" / "design"
REF_CSV = REFDIR / "heldout_reference.csv"
TEXT = ("case", "design", "estimator", "variable", "by", "domain", "level", "args",
        "statistic")
REF = pd.read_csv(REF_CSV, comment="#", keep_default_na=False, na_values={"value": [""]},
                  dtype={c: str for c in TEXT})


@functools.cache
def data(name: str) -> pd.DataFrame:
    if name == "nhanes2":  # as the R script: stratum 86 without its PSU 3
        df = data("nhanes")
        return df[~((df["SDMVSTRA"] == 86) & (df["SDMVPSU"] == 3))]
    return pd.read_csv(REFDIR / f"heldout_{name}.csv")


# design id -> (data, SurveyDesign arguments): the svydesign calls of the R script
DESIGNS: dict[str, tuple[str, dict[str, Any]]] = {
    "yrbs": ("yrbs", {"clusters": "psu", "strata": "stratum", "weights": "weight",
                      "nest": True}),
    "nhanes": ("nhanes", {"clusters": "SDMVPSU", "strata": "SDMVSTRA", "weights": "WTMEC2YR",
                          "nest": True}),
    "nhanes2": ("nhanes2", {"clusters": "SDMVPSU", "strata": "SDMVSTRA",
                            "weights": "WTMEC2YR", "nest": True}),
    "mu284": ("mu284", {"clusters": ["id1", "id2"], "fpc": ["n1", "n2"]}),
    "mu284_wr": ("mu284", {"clusters": ["id1", "id2"], "weights": "w"}),
    "fpc_n": ("fpc", {"weights": "weight", "clusters": "psuid", "strata": "stratid",
                      "fpc": "Nh", "nest": True}),
    "fpc_implied": ("fpc", {"clusters": "psuid", "strata": "stratid", "fpc": "Nh",
                            "nest": True}),
    "fpc_frac": ("fpc", {"weights": "weight", "clusters": "psuid", "strata": "stratid",
                         "fpc": "frac", "nest": True}),
    "fpc_nofpc": ("fpc", {"weights": "weight", "clusters": "psuid", "strata": "stratid",
                          "nest": True}),
    "fpc_ids0": ("fpc", {"weights": "weight", "strata": "stratid", "fpc": "Nh"}),
    "hospital": ("hospital", {"strata": "oblevel", "clusters": "hospno",
                              "weights": "weighta", "fpc": "tothosp"}),
    "scd": ("scd", {"weights": "w", "clusters": "ambulance", "strata": "ESA", "nest": True,
                    "fpc": "fpc5"}),
    "scd_nofpc": ("scd", {"weights": "w", "clusters": "ambulance", "strata": "ESA",
                          "nest": True}),
    "crowd": ("crowd", {"clusters": "cluster", "strata": "stratum", "weights": "weight"}),
    "election": ("election_pps", {"weights": "wt"}),
}

# as.svrepdesign(<base>, type=...) -> (base, kind, options)
REPLICATE: dict[str, tuple[str, str, dict[str, Any]]] = {
    "yrbs_jkn": ("yrbs", "jkn", {}),
    "nhanes_jkn": ("nhanes", "jkn", {}),
    "nhanes2_brr": ("nhanes2", "brr", {}),
    "nhanes2_fay": ("nhanes2", "fay", {"fay_rho": 0.5}),
    "mu284_jk1": ("mu284", "jk1", {}),
    "fpc_n_jkn": ("fpc_n", "jkn", {}),
    "fpc_nofpc_jkn": ("fpc_nofpc", "jkn", {}),
    "hospital_jkn": ("hospital", "jkn", {}),
    "scd_brr": ("scd_nofpc", "brr", {}),
    "crowd_brr": ("crowd", "brr", {}),
    "election_jk1": ("election", "jk1", {}),
}

# calibrated designs of the R script
POP_SEX = {"female": 156964212, "male": 151781326}
POP_AGE = {"(0,19]": 83267556, "(19,39]": 82137178, "(39,59]": 85935779}
POP_AGE["(59,Inf]"] = sum(POP_SEX.values()) - sum(POP_AGE.values())
CALIBRATED: dict[str, Any] = {
    "nhanes_ps": lambda: taylor("nhanes").poststratify("agecat", POP_AGE),
    "nhanes_rake": lambda: taylor("nhanes").rake({"agecat": POP_AGE, "sex": POP_SEX}),
    "election_greg": lambda: taylor("election").calibrate(
        "~TotPrecincts", {"(Intercept)": 4600, "TotPrecincts": 186713}),
    "mu284_ps": lambda: taylor("mu284").poststratify("half", {"a": 100, "b": 150}),
}


@functools.cache
def design(did: str) -> SurveyDesign | ReplicateDesign:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if did in REPLICATE:
            base, kind, opts = REPLICATE[did]
            return taylor(base).to_replicate(kind, **opts)  # type: ignore[arg-type]
        if did in CALIBRATED:
            return CALIBRATED[did]()  # type: ignore[no-any-return]
        name, kwargs = DESIGNS[did]
        return SurveyDesign(data(name), **kwargs)


def taylor(did: str) -> SurveyDesign:
    d = design(did)
    assert isinstance(d, SurveyDesign)
    return d


#: the svyby variable of each data set (R: spec$by / spec$bymean)
BYMEAN = {"yrbs": "qn8y", "nhanes": "hichol", "nhanes2": "hichol", "mu284": "y1",
          "fpc": "x", "hospital": "births", "election": "votes"}

QPROBS = [0.1, 0.25, 0.5, 0.75, 0.9]


@functools.cache
def estimate(did: str, estimator: str, variable: str, by: str, args: str,
             deff: str | None) -> DesignEstimate:
    d = design(did)
    opts: dict[str, Any] = {"by": by or None,
                            "missing": "drop" if "na.rm=TRUE" in args else "error"}
    if estimator == "mean":
        return d.mean(variable, deff=deff, **opts)  # type: ignore[arg-type]
    if estimator == "total":
        return d.total(variable, deff=deff, **opts)  # type: ignore[arg-type]
    if estimator == "proportion":
        return d.proportion(variable, deff=deff, **opts)  # type: ignore[arg-type]
    if estimator == "ratio":
        num, den = variable.split("/")
        return d.ratio(num, den, **opts)
    if estimator == "quantile":
        rule: Any = "hf7" if 'qrule="hf7"' in args else "math"
        return d.quantile(variable, QPROBS, rule=rule, **opts)
    if estimator == "ciprop":
        method = args.split(";")[0].split("=")[1].strip('"')  # R's own name, as an alias
        return d.proportion(variable, level=1, method=method, **opts)
    raise KeyError(estimator)


def _row_index(est: DesignEstimate, row: Any) -> int:
    hits = []
    for i in range(len(est)):
        if row.by and str(est.domain[i]) != row.domain:
            continue
        if row.estimator == "ciprop" or not row.level:
            hits.append(i)
        elif row.estimator == "quantile":
            if abs(est.level[i] - float(row.level)) < 1e-12:
                hits.append(i)
        elif str(est.level[i]) == row.level:
            hits.append(i)
    if len(hits) != 1:
        raise LookupError(f"{row.case}: {len(hits)} matching rows")
    return hits[0]


def ours(row: Any) -> float:
    d = design(row.design)
    if row.estimator == "degf":
        if not row.by:
            return float(d.degf)
        est = estimate(row.design, "mean", by_variable(row.design), row.by, "na.rm=TRUE",
                       None)
        return float(est.df[_row_index(est, row)])
    if row.estimator == "nobs":
        return float(len(d))
    if row.estimator == "sum_weights":
        return float(d.weights.sum())
    if row.estimator == "rep_scale":
        assert isinstance(d, ReplicateDesign)
        return float(d.scale)
    if row.estimator == "n_replicates":
        assert isinstance(d, ReplicateDesign)
        return float(d.n_replicates)
    if row.estimator == "weight_sum":
        if not row.by:
            return float(d.weights.sum())
        age, sex = row.domain.split(":")
        frame = data("nhanes")
        keep = ((frame["agecat"] == age) & (frame["sex"] == sex)).to_numpy()
        return float(d.weights[keep].sum())
    deff = {"deff_wor": "wor", "deff_wr": "wr"}.get(row.statistic)
    est = estimate(row.design, row.estimator, row.variable, row.by, row.args, deff)
    i = _row_index(est, row)
    if row.statistic in ("low", "high", "low_exact", "high_exact"):
        return float(est.confint(0.95)[row.statistic.split("_")[0]].iloc[i])
    if row.statistic == "estimate":
        return float(est.estimate[i])
    if row.statistic == "se":
        return float(est.se[i])
    if row.statistic in ("deff_wor", "deff_wr"):
        return float(est.deff[i]) if est.deff is not None else np.nan
    raise KeyError(row.statistic)


def by_variable(did: str) -> str:
    """The variable R's svyby used for the design's domains (spec$bymean)."""
    for prefix, var in BYMEAN.items():
        if did == prefix or did.startswith(prefix + "_"):
            return var
    raise KeyError(did)


# --- rows compared -----------------------------------------------------------------------

#: (c) unsupported features: none met (rows listed here would be left out, with the reason)
UNSUPPORTED: dict[str, str] = {}

ROWS = REF[~REF["case"].isin(UNSUPPORTED)]
COMPARED = ROWS[ROWS["value"].notna()]
R_NA = ROWS[ROWS["value"].isna()]
ALL_DESIGNS = set(DESIGNS) | set(REPLICATE) | set(CALIBRATED)

_BY_CASE = REF.set_index("case")["value"]


def _sibling(row: Any, **change: str) -> float:
    """The R value of the row with some fields changed (e.g. the xlogit twin of logit)."""
    fields = {c: getattr(row, c) for c in TEXT[1:]}
    fields.update(change)
    key = "/".join(fields[c] for c in TEXT[1:])
    return float(_BY_CASE[key])


def is_rounding_noise(row: Any) -> bool:
    """An SE that is 0 in exact arithmetic, printed by R as rounding noise (<= 1e-9 of the
    estimate; the real ones here are above 1e-4 of it)."""
    if row.statistic != "se":
        return False
    est = abs(_sibling(row, statistic="estimate"))
    return bool(abs(row.value) <= 1e-9 * est)


def _asin_angles(row: Any) -> tuple[float, float]:
    """The asin interval's angles t -/+ q se_t from our estimate, SE and df."""
    est = estimate(row.design, row.estimator, row.variable, row.by, row.args, None)
    i = _row_index(est, row)
    p, se, df = float(est.estimate[i]), float(est.se[i]), float(est.df[i])
    t, se_t = np.arcsin(np.sqrt(p)), se / (2 * np.sqrt(p * (1 - p)))
    q = float(stats.t.ppf(0.975, df))
    return t - q * se_t, t + q * se_t


def test_header_records_versions() -> None:
    head = [line for line in REF_CSV.read_text().splitlines() if line.startswith("#")]
    assert head[0].startswith("# tool: R version")
    assert "survey 4.1.1" in head[1]
    assert "make_heldout_reference.R" in head[2]


def test_every_design_is_covered() -> None:
    assert set(REF["design"]) == ALL_DESIGNS
    assert len(COMPARED) >= 1000


#: R's likelihood bounds (a spline through a coarse profile grid) are met to this absolute
#: tolerance; the exactly solved bounds (statistic low_exact / high_exact) to 1e-8. The
#: largest gap, 2.5e-3, is yrbs (deff about 200: R's grid step is then far too coarse).
LIKELIHOOD_ABS = 3e-3


def expected_value(row: Any, value: float) -> float | None:
    """R's value, or the value a documented rule turns it into; None: asserted here."""
    interval = row.estimator == "ciprop" and row.statistic in ("low", "high")
    expected = float(row.value)
    if interval and "likelihood" in row.args:
        # R inverts a spline through a coarse profile (svyciprop_formulas.md); the exact
        # solution of R's own equation is the low_exact / high_exact row
        assert value == pytest.approx(expected, abs=LIKELIHOOD_ABS)
        return None
    if row.statistic in ("low_exact", "high_exact"):
        return expected
    if interval and 'method="logit"' in row.args:
        est = _sibling(row, statistic="estimate")
        twin = _sibling(row, args=row.args.replace('"logit"', '"xlogit"'))
        if row.design in REPLICATE and not np.isnan(twin):
            # deliberate (docs/design.md): the replicate logit interval is the delta
            # method, R's xlogit; R refits the logit in every replicate
            return twin
        if expected in (0.0, 1.0) and 0 < est < 1:
            # R artefact: with df = 1, confint.svyglm's level 1 - 2 pnorm(-qt(.975, 1))
            # rounds to 1, so R's logit bounds are 0 and NaN; the logit interval is
            # R's xlogit formula (svyciprop_formulas.md), which R gives correctly
            return twin
    if interval and 'method="mean"' in row.args:
        # deliberate (docs/design.md): the Wald interval is clipped to [0, 1]
        return min(max(expected, 0.0), 1.0)
    if interval and 'method="asin"' in row.args:
        low, high = _asin_angles(row)
        angle = low if row.statistic == "low" else high
        if not 0 <= angle <= np.pi / 2:
            # deliberate (docs/design.md): the angle is
            # kept in [0, pi/2]; R's sin(angle)^2 folds back into [0, 1]. Check that R's
            # folded value is that of the same angle, then expect the clamped bound
            assert expected == pytest.approx(np.sin(angle) ** 2, rel=1e-7, abs=1e-10)
            return 0.0 if angle < 0 else 1.0
    if interval and 'method="beta"' in row.args and expected == 0.5:
        # R artefact (svyciprop_formulas.md): with variance 0 and 0 < p < 1, n_eff is
        # infinite and R's qbeta returns 0.5 for both bounds; ours is the point [p, p]
        est = _sibling(row, statistic="estimate")
        if 0 < est < 1 and est != 0.5:
            assert value == pytest.approx(est, rel=1e-12)
            return None
    if row.statistic == "deff_wor" and expected < 0:
        # deliberate (docs/design.md; warns): sum of weights < rows in the domain, so
        # (N - n) / (N n) < 0 and R's deff is negative; ours is NaN
        assert np.isnan(value)
        return None
    if is_rounding_noise(row):
        # zero in exact arithmetic: R prints rounding noise, ours detects it and gives 0
        assert value == 0.0
        return None
    return expected


@pytest.mark.parametrize("row", list(COMPARED.itertuples(index=False)),
                         ids=list(COMPARED["case"]))
def test_matches_r(row: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = ours(row)
    expected = expected_value(row, value)
    if expected is not None:
        assert value == pytest.approx(expected, rel=1e-8, abs=1e-10)


def test_r_na_rows_are_known() -> None:
    """Rows where R gives NA/NaN: ours is NaN too, or an interval by a documented rule."""
    seen = set()
    for row in R_NA.itertuples(index=False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ours(row)
        if row.estimator == "quantile":
            # deliberate (docs/design.md): a Woodruff limit whose probability leaves [0, 1]
            # is the domain's smallest (largest) value; R gives NA
            assert np.isfinite(value), row.case
            seen.add("quantile")
            continue
        if row.statistic == "deff_wor":
            # deff of a zero variance
            assert np.isnan(value), row.case
            seen.add("nan")
            continue
        assert row.estimator == "ciprop" and row.statistic in ("low", "high"), row.case
        assert 0.0 <= value <= 1.0, row.case
        est = _sibling(row, statistic="estimate")
        if "likelihood" in row.args:
            # R has no profile likelihood on replicate designs; ours is the exact solution
            assert row.design in REPLICATE
            assert value == pytest.approx(_sibling(row, statistic=row.statistic + "_exact"),
                                          rel=1e-8)
            seen.add("likelihood")
        elif 'method="logit"' in row.args and 0 < est < 1:
            # df = 1: R's confint level rounds to 1 (bounds 0 and NaN); ours is xlogit's
            twin = est if row.design in REPLICATE else _sibling(
                row, args=row.args.replace('"logit"', '"xlogit"'))
            assert value == pytest.approx(twin, rel=1e-8)
            seen.add("logit")
        else:
            # deliberate (docs/design.md): a proportion of 0 or 1 keeps an informative
            # interval (R: NaN); it contains the estimate
            assert round(est, 9) in (0.0, 1.0), row.case
            if row.statistic == "low":
                assert value <= est + 1e-9
            else:
                assert value >= est - 1e-9
            seen.add("degenerate")
    assert seen >= {"quantile", "likelihood", "logit", "degenerate"}
