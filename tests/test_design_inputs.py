"""Bad input to the designs gets a clear error or a correct value (issue 8, deliverable 3)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from surveystats import SurveyStatsWarning
from surveystats.design import ReplicateDesign, SurveyDesign


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    n = 200
    return pd.DataFrame({"w": rng.uniform(1, 5, n), "y": rng.normal(size=n),
                         "h": np.repeat(np.arange(10), 20), "psu": np.arange(n) // 5,
                         "one": np.ones(n), "c": np.full(n, 0.7)})


def test_text_among_numbers_names_the_column_and_value(frame: pd.DataFrame) -> None:
    bad = frame.assign(y=frame["y"].astype(object))
    bad.loc[5, "y"] = "x"
    with pytest.raises(TypeError, match=r"variables \('y'\) mixes numbers .* with text "
                                        r"\('x' in row 5\)"):
        SurveyDesign(bad, weights="w").mean("y")


def test_numbers_stored_as_text_are_refused_with_the_fix(frame: pd.DataFrame) -> None:
    text = frame.assign(y=frame["y"].astype(str))
    with pytest.raises(TypeError, match=r"numbers stored as text.*pandas.to_numeric"):
        SurveyDesign(text, weights="w").total("y")
    # a text column of categories keeps R's factor semantics: shares of its levels
    cats = frame.assign(g=np.where(frame["y"] > 0, "yes", "no"))
    assert len(SurveyDesign(cats, weights="w").mean("g")) == 2


@pytest.mark.parametrize("column", [
    pd.Series(pd.date_range("2020-01-01", periods=200)),
    pd.Series(np.arange(200) + 1j),
    pd.Series(["a"] * 200),
    pd.Series(pd.Categorical(["a", "b"] * 100)),
])
def test_weights_of_the_wrong_type_are_a_type_error(frame: pd.DataFrame,
                                                    column: pd.Series) -> None:
    with pytest.raises(TypeError, match=r"weights \('w'\) must"):
        SurveyDesign(frame.assign(w=column.to_numpy()), weights="w")


def test_object_column_of_python_numbers_is_numbers(frame: pd.DataFrame) -> None:
    obj = frame.assign(w=frame["w"].astype(object))
    a = SurveyDesign(obj, weights="w").mean("y")
    b = SurveyDesign(frame, weights="w").mean("y")
    assert a.estimate[0] == b.estimate[0] and a.se[0] == b.se[0]


def test_inf_in_a_variable_names_the_rows(frame: pd.DataFrame) -> None:
    bad = frame.copy()
    bad.loc[3, "y"] = np.inf
    with pytest.raises(ValueError, match=r"variables \('y'\) has 1 infinite value\(s\) "
                                         r"\(rows 3\)"):
        SurveyDesign(bad, weights="w").mean("y")
    bad.loc[3, "w"] = -np.inf
    with pytest.raises(ValueError, match=r"weights \('w'\) has 1 negative or infinite"):
        SurveyDesign(bad, weights="w")


@pytest.mark.parametrize("ids", [
    lambda psu: np.uint64(2**64 - 1) - psu.astype(np.uint64),
    lambda psu: [2**64 - 1 - int(v) for v in psu],
    lambda psu: [2**70 + int(v) for v in psu],
    lambda psu: psu.astype(np.int64) + np.iinfo(np.int64).min,
])
def test_ids_near_the_integer_limits(frame: pd.DataFrame, ids) -> None:  # type: ignore[no-untyped-def]
    ref = SurveyDesign(frame, weights="w", clusters="psu").mean("y")
    got = SurveyDesign(frame.assign(psu=ids(frame["psu"])), weights="w",
                       clusters="psu").mean("y")
    assert got.estimate[0] == ref.estimate[0]
    assert got.se[0] == pytest.approx(ref.se[0], rel=1e-12)
    assert got.df[0] == ref.df[0] == 39


def test_constant_variable_has_variance_exactly_zero(frame: pd.DataFrame) -> None:
    d = SurveyDesign(frame, weights="w", strata="h", clusters="psu")
    assert d.mean("c").se[0] == 0.0
    assert d.mean("c", by="h").se.max() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the logit interval collapses at p = 1: it says so
        ci = d.proportion("one", level=1.0).confint()
    assert ci["low"].iloc[0] == ci["high"].iloc[0] == 1.0
    ci = d.proportion("one", level=1.0, method="korn_graubard").confint()
    assert 0.9 < ci["low"].iloc[0] < 1.0 and ci["high"].iloc[0] == 1.0
    # a ratio whose numerator is proportional to its denominator
    r = d.ratio("y", "y")
    assert r.estimate[0] == 1.0 and r.se[0] == 0.0


def test_df_zero_warns_and_says_why(frame: pd.DataFrame) -> None:
    one_psu = frame.assign(psu=frame["h"])
    d = SurveyDesign(one_psu, weights="w", strata="h", clusters="psu",
                     lonely_psu="certainty")
    est = d.mean("y")
    assert est.df[0] == 0
    with pytest.warns(SurveyStatsWarning, match=r"0 design degrees of freedom \(y\).*as "
                                                r"many strata as PSUs"):
        ci = est.confint()
    assert np.isnan(ci["low"].iloc[0])


def test_caller_frame_is_not_modified(frame: pd.DataFrame) -> None:
    before = frame.copy()
    d = SurveyDesign(frame, weights="w", strata="h", clusters="psu")
    d.mean("y", by="h")
    d.rake({"h": pd.Series(np.full(10, 100.0), index=np.arange(10))}).mean("y")
    pd.testing.assert_frame_equal(frame, before)


def test_replicate_text_weights(frame: pd.DataFrame) -> None:
    data = frame.assign(r1=frame["w"], r2=frame["w"].astype(str))
    with pytest.raises(TypeError, match=r"replicate_weights \('r2'\) must be numeric"):
        ReplicateDesign(data, weights="w", replicate_weights=["r1", "r2"], type="other",
                        scale=1.0)


@pytest.mark.parametrize("weight", [0.1, 1 / 3, 0.7, 2.2])
def test_quantile_ties_do_not_flip_with_other_probabilities(weight: float) -> None:
    # half of each domain's weight lies at or below its 5th value: p = 0.5 is a tie, which
    # R's "math" rule resolves to that value; asking for other probabilities (or putting
    # other domains first) must not move it to the next one
    rng = np.random.default_rng(3)
    first = pd.DataFrame({"x": rng.normal(size=37), "w": rng.uniform(0.1, 3, 37), "g": 0})
    second = pd.DataFrame({"x": np.arange(1.0, 11.0), "w": weight, "g": 1})
    d = SurveyDesign(pd.concat([first, second], ignore_index=True), weights="w")
    alone = SurveyDesign(second, weights="w").quantile("x", 0.5)
    assert alone.estimate[0] == 5.0
    for probs in ([0.5], [0.25, 0.5], [0.1, 0.5, 0.75, 0.9],
                  [*np.round(np.linspace(0.05, 0.45, 9), 2), 0.5, 0.55, 0.95]):
        est = d.quantile("x", probs, by="g")
        i = next(j for j in range(len(est)) if est.domain[j] == 1 and est.level[j] == 0.5)
        assert est.estimate[i] == 5.0
        assert est.se[i] == pytest.approx(alone.se[0], rel=1e-12)
