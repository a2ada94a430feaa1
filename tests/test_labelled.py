"""read_stata and read_spss: labelled microdata as ordered categoricals with their question
texts (issue 11, deliverable 6), checked against the CSV teaching sample they were written
from (examples/data_generation/make_labelled_teaching_file.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.datasets import load_teaching_sample, teaching_labelled_path
from surveystats.design import SurveyDesign

ORDER = {"education": ["secondary", "vocational", "higher"], "age_group": ["18-34", "35-54", "55+"]}


@pytest.mark.parametrize(("kind", "reader"), [("dta", ss.read_stata), ("sav", ss.read_spss)])
def test_labelled_file_is_the_sample_with_its_labels(kind: str, reader: object) -> None:
    df = reader(teaching_labelled_path(kind))  # type: ignore[operator]
    csv = load_teaching_sample("stratified")
    assert len(df) == len(csv)
    for col, cats in ORDER.items():
        assert isinstance(df[col].dtype, pd.CategoricalDtype) and df[col].cat.ordered
        assert list(df[col].cat.categories) == cats  # the code order, not alphabetical
        assert list(df[col].astype(str)) == list(csv[col].astype(str))
    assert np.allclose(df["income"], csv["income"]) and np.allclose(df["weight"], csv["weight"])
    assert df.attrs["labels"]["education"] == "Highest completed education"
    # the design estimates from the labelled file equal those from the CSV
    a = SurveyDesign(df, weights="weight", strata="region").mean("income", by="education")
    b = SurveyDesign(csv, weights="weight", strata="region").mean("income", by="education")
    got = a.to_frame().set_index("domain")["estimate"]
    want = b.to_frame().set_index("domain")["estimate"]
    assert np.allclose(got[want.index], want, rtol=1e-12)


def test_bad_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a file"):
        ss.read_stata(tmp_path / "nope.dta")
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(ValueError, match=r"does not end in \.dta"):
        ss.read_stata(tmp_path / "x.csv")
    (tmp_path / "broken.dta").write_bytes(b"not stata")
    with pytest.raises(ValueError, match="cannot be read as a Stata file"):
        ss.read_stata(tmp_path / "broken.dta")
    (tmp_path / "broken.sav").write_bytes(b"not spss")
    with pytest.raises(ValueError, match="cannot be read as an SPSS file"):
        ss.read_spss(tmp_path / "broken.sav")
    with pytest.raises(ValueError, match="kind"):
        teaching_labelled_path("xlsx")


def test_question_texts_travel_to_the_estimates() -> None:
    df = ss.read_stata(teaching_labelled_path("dta"))
    d = SurveyDesign(df, weights="weight", strata="region")
    f = d.mean(["income", "trust_tv"], by="education").to_frame()
    assert list(f.columns[:2]) == ["variable", "question"]
    assert set(f.loc[f["variable"] == "trust_tv", "question"]) == {
        "Do you trust the news on television? (1 = yes)"}
    # a replicate design made from it keeps them too; a plain CSV design has no column
    assert "question" in d.to_replicate("jkn").proportion("education").to_frame()
    csv = SurveyDesign(load_teaching_sample("stratified"), weights="weight", strata="region")
    assert "question" not in csv.mean("income").to_frame()
