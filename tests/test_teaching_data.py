"""Tests for the teaching data: a synthetic population with known truth and samples from it.

The shipped files must load with the codebook's dtypes, the samples must be subsets of the
population with the documented sizes, weights and fpc values, ``truth.csv`` and
``margins.csv`` must agree with the population, and the generator must reproduce the files.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import re
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from surveystats.datasets import (
    TEACHING_DESIGNS,
    list_datasets,
    load_teaching_margins,
    load_teaching_population,
    load_teaching_sample,
    load_teaching_truth,
)

PERSON_COLUMNS = [
    "id",
    "region",
    "municipality",
    "urban",
    "age_group",
    "sex",
    "education",
    "has_mobile",
    "income",
    "optimistic",
    "trust_tv",
    "hours_online",
]
DESIGN_COLUMNS = {
    "srs": ["fpc", "weight"],
    "stratified": ["fpc", "weight"],
    "cluster1": ["fpc", "weight"],
    "cluster2": ["fpc1", "fpc2", "weight"],
}
SAMPLE_SIZES = {"srs": 1600, "stratified": 1600, "cluster1": 11830, "cluster2": 420}
REGIONS = ["capital", "central", "northwest", "south", "volga", "urals", "siberia", "fareast"]
CLUSTER2_PSUS = dict(zip(REGIONS, [6, 6, 4, 4, 6, 3, 4, 2], strict=True))
N_POP = 197_000
SCRIPT = Path(__file__).resolve().parents[1] / "examples/data_generation/make_teaching_data.py"
DATA = resources.files("surveystats.datasets") / "data" / "teaching"


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return load_teaching_population()


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return load_teaching_truth()


def _truth_value(truth: pd.DataFrame, statistic: str, variable: str, region: str = "all") -> float:
    row = truth[
        (truth["statistic"] == statistic)
        & (truth["variable"] == variable)
        & (truth["region"] == region)
    ]
    return float(row["value"].item())


# --- the files load, with the codebook's columns and dtypes -------------------------------


def test_population_columns_dtypes_and_size(population: pd.DataFrame) -> None:
    assert list(population.columns) == PERSON_COLUMNS
    assert population.shape == (N_POP, 12)
    for column in ("region", "age_group", "sex", "education"):
        assert isinstance(population[column].dtype, pd.StringDtype), column
    assert population["urban"].dtype == bool
    for column in ("id", "municipality", "has_mobile", "optimistic", "trust_tv"):
        assert population[column].dtype == "int64", column
    assert population["income"].dtype == "float64"
    assert population["hours_online"].dtype == "float64"


def test_population_structure(population: pd.DataFrame) -> None:
    assert (population["id"].to_numpy() == np.arange(1, N_POP + 1)).all()
    assert list(pd.unique(population["region"])) == REGIONS
    assert population["municipality"].nunique() == 500
    # Every municipality lies in one region, and ids are unique across regions.
    assert (population.groupby("municipality")["region"].nunique() == 1).all()
    assert population.groupby("municipality").size().min() >= 30
    assert set(population["age_group"]) == {"18-34", "35-54", "55+"}
    assert set(population["sex"]) == {"female", "male"}
    assert set(population["education"]) == {"secondary", "vocational", "higher"}
    for column in ("has_mobile", "optimistic", "trust_tv"):
        assert set(population[column]) == {0, 1}, column
    # Urban is a property of the municipality; the capital region is all urban.
    assert (population.groupby("municipality")["urban"].nunique() == 1).all()
    assert population.loc[population["region"] == "capital", "urban"].all()
    assert population["income"].notna().all()
    assert (population["income"] > 0).all()
    hours = population["hours_online"]
    assert hours.isna().mean() == pytest.approx(0.031, abs=0.002)
    assert hours.min() >= 0.0
    assert hours.max() <= 18.0


def test_population_has_the_documented_structure(
    population: pd.DataFrame, truth: pd.DataFrame
) -> None:
    assert 0.65 <= population["optimistic"].mean() <= 0.70
    assert 0.02 <= _truth_value(truth, "icc", "optimistic") <= 0.05
    # Income is right-skewed; coverage lower among the old and rural.
    assert population["income"].mean() > population["income"].median()
    mobile = population.groupby("age_group")["has_mobile"].mean()
    assert mobile["55+"] < mobile["35-54"] < mobile["18-34"]
    by_urban = population.groupby("urban")["has_mobile"].mean()
    assert by_urban[False] < by_urban[True]
    missing = population["hours_online"].isna().groupby(population["age_group"]).mean()
    assert missing["55+"] > missing["18-34"]


@pytest.mark.parametrize("design", TEACHING_DESIGNS)
def test_sample_columns_and_size(design: str) -> None:
    sample = load_teaching_sample(design)  # type: ignore[arg-type]
    assert list(sample.columns) == PERSON_COLUMNS + DESIGN_COLUMNS[design]
    assert len(sample) == SAMPLE_SIZES[design]
    assert sample["id"].is_unique
    assert sample["id"].is_monotonic_increasing
    assert sample["urban"].dtype == bool
    assert isinstance(sample["region"].dtype, pd.StringDtype)
    assert sample["weight"].dtype == "float64"
    for column in DESIGN_COLUMNS[design][:-1]:
        assert sample[column].dtype == "int64", column


def test_unknown_design_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"design \('pps'\) is not one of 'srs', 'stratified'"):
        load_teaching_sample("pps")  # type: ignore[arg-type]


def test_each_call_returns_an_independent_copy() -> None:
    first = load_teaching_sample("srs")
    first["weight"] = 0.0
    first["optimistic"] = 0
    second = load_teaching_sample("srs")
    assert second is not first
    assert second["weight"].sum() == pytest.approx(N_POP)
    assert second["optimistic"].sum() > 0
    truth = load_teaching_truth()
    truth["value"] = 0.0
    assert (load_teaching_truth()["value"] != 0.0).any()


# --- samples are subsets of the population, with the documented design ---------------------


@pytest.mark.parametrize("design", TEACHING_DESIGNS)
def test_sample_is_a_subset_of_the_population(design: str, population: pd.DataFrame) -> None:
    sample = load_teaching_sample(design)  # type: ignore[arg-type]
    rows = population.set_index("id").loc[sample["id"]].reset_index()
    pd.testing.assert_frame_equal(sample[PERSON_COLUMNS], rows[PERSON_COLUMNS])


def test_srs_design(population: pd.DataFrame) -> None:
    sample = load_teaching_sample("srs")
    assert (sample["fpc"] == N_POP).all()
    assert np.allclose(sample["weight"], N_POP / 1600, rtol=0, atol=1e-12)
    assert sample["weight"].sum() == pytest.approx(N_POP, rel=1e-12)


def test_stratified_design(population: pd.DataFrame) -> None:
    sample = load_teaching_sample("stratified")
    n_h = population.groupby("region").size()
    assert (sample.groupby("region").size() == 200).all()
    assert (sample["fpc"].to_numpy() == n_h.loc[sample["region"]].to_numpy()).all()
    assert np.allclose(sample["weight"], sample["fpc"] / 200, rtol=1e-15)
    assert sample.groupby("region")["weight"].sum().to_numpy() == pytest.approx(
        n_h.loc[sample.groupby("region").size().index].to_numpy(), rel=1e-12
    )
    assert sample["weight"].sum() == pytest.approx(N_POP, rel=1e-12)


def test_cluster1_design(population: pd.DataFrame) -> None:
    sample = load_teaching_sample("cluster1")
    chosen = sample["municipality"].unique()
    assert chosen.size == 40
    # One stage: everyone in each selected municipality.
    sizes = population.groupby("municipality").size()
    assert (sample.groupby("municipality").size() == sizes.loc[sorted(chosen)]).all()
    assert (sample["fpc"] == 500).all()
    assert np.allclose(sample["weight"], 500 / 40, rtol=0, atol=1e-12)
    # The weights estimate N without bias, but from 40 clusters of unequal size: documented.
    assert sample["weight"].sum() == pytest.approx(147_875)
    assert sample["weight"].sum() == pytest.approx(N_POP, rel=0.3)


def test_cluster2_design(population: pd.DataFrame) -> None:
    sample = load_teaching_sample("cluster2")
    m_h = population.groupby("region")["municipality"].nunique()
    n_i = population.groupby("municipality").size()
    psus = sample.groupby("region")["municipality"].nunique()
    assert psus.to_dict() == CLUSTER2_PSUS
    assert (sample.groupby("municipality").size() == 12).all()
    assert (sample["fpc1"].to_numpy() == m_h.loc[sample["region"]].to_numpy()).all()
    assert (sample["fpc2"].to_numpy() == n_i.loc[sample["municipality"]].to_numpy()).all()
    picked = sample["region"].map(CLUSTER2_PSUS).to_numpy()
    expected = (sample["fpc1"] / picked) * (sample["fpc2"] / 12)
    assert np.allclose(sample["weight"], expected, rtol=1e-14)
    assert sample["weight"].sum() == pytest.approx(212_663.333, rel=1e-6)
    assert sample["weight"].sum() == pytest.approx(N_POP, rel=0.3)


# --- truth and margins agree with the population --------------------------------------------


def _quantile(x: np.ndarray, p: float) -> float:
    """Smallest x with empirical CDF >= p, written differently from the generator's."""
    values = np.sort(x)
    cdf = np.arange(1, values.size + 1) / values.size
    return float(values[np.searchsorted(cdf, p - 1e-12)])


Key = tuple[str, str, str, float]


def _recomputed_truth(population: pd.DataFrame) -> dict[Key, float]:
    """The truth recomputed with pandas; the key's probability is -1 for non-quantiles."""
    expected: dict[Key, float] = {}
    domains = [("all", population)] + [
        (str(name), part) for name, part in population.groupby("region", sort=False)
    ]
    for region, part in domains:
        complete = part.dropna(subset=["hours_online"])
        expected[("count", "persons", region, -1.0)] = float(len(part))
        expected[("mean", "income", region, -1.0)] = part["income"].mean()
        expected[("mean", "hours_online", region, -1.0)] = complete["hours_online"].mean()
        expected[("total", "income", region, -1.0)] = part["income"].sum()
        expected[("total", "hours_online", region, -1.0)] = complete["hours_online"].sum()
        for variable in ("optimistic", "trust_tv", "has_mobile"):
            expected[("proportion", variable, region, -1.0)] = part[variable].mean()
            expected[("total", variable, region, -1.0)] = float(part[variable].sum())
        expected[("ratio", "income/hours_online", region, -1.0)] = (
            complete["income"].sum() / complete["hours_online"].sum()
        )
        for p in (0.25, 0.5, 0.75):
            expected[("quantile", "income", region, p)] = _quantile(part["income"].to_numpy(), p)
    return expected


def test_truth_agrees_with_the_population(population: pd.DataFrame, truth: pd.DataFrame) -> None:
    expected = _recomputed_truth(population)
    body = truth[truth["statistic"] != "icc"]
    probability = body["probability"].fillna(-1.0)
    got = dict(
        zip(
            zip(body["statistic"], body["variable"], body["region"], probability, strict=True),
            body["value"],
            strict=True,
        )
    )
    assert len(body) == 135
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-10), key


def test_truth_icc_agrees_with_a_oneway_anova(
    population: pd.DataFrame, truth: pd.DataFrame
) -> None:
    groups = population.groupby("municipality")
    sizes = groups.size().to_numpy()
    n, k = len(population), sizes.size
    m0 = (n - (sizes**2).sum() / n) / (k - 1)
    for variable in ("optimistic", "trust_tv", "income"):
        y = population[variable].astype(float)
        means = groups[variable].transform("mean")
        msb = ((means - y.mean()) ** 2).sum() / (k - 1)
        msw = ((y - means) ** 2).sum() / (n - k)
        icc = (msb - msw) / (msb + (m0 - 1) * msw)
        assert _truth_value(truth, "icc", variable) == pytest.approx(icc, rel=1e-9)


def test_truth_n_column(population: pd.DataFrame, truth: pd.DataFrame) -> None:
    observed = int(population["hours_online"].notna().sum())
    overall = truth[truth["region"] == "all"]
    uses_hours = overall["variable"].isin(["hours_online", "income/hours_online"])
    assert (overall.loc[uses_hours, "n"] == observed).all()
    assert (overall.loc[~uses_hours, "n"] == N_POP).all()


def test_margins_agree_with_the_population(population: pd.DataFrame) -> None:
    margins = load_teaching_margins()
    assert list(margins.columns) == ["margin", "region", "age_group", "sex", "count"]
    assert len(margins) == 20
    assert (margins.groupby("margin")["count"].sum() == N_POP).all()
    for margin, columns in (
        ("region", ["region"]),
        ("age_group", ["age_group"]),
        ("sex", ["sex"]),
        ("age_group x sex", ["age_group", "sex"]),
    ):
        rows = margins[margins["margin"] == margin]
        got = rows.set_index(columns)["count"].sort_index()
        expected = population.groupby(columns).size().sort_index()
        assert got.to_dict() == expected.to_dict(), margin
        unused = [c for c in ("region", "age_group", "sex") if c not in columns]
        assert rows[unused].isna().all().all(), margin


# --- registry and data card -------------------------------------------------------------------


def test_list_datasets_has_one_row_per_teaching_dataset() -> None:
    listing = list_datasets().set_index("name")
    expected_rows = {
        "teaching_population": N_POP,
        "teaching_srs": 1600,
        "teaching_stratified": 1600,
        "teaching_cluster1": 11830,
        "teaching_cluster2": 420,
        "teaching_truth": 138,
        "teaching_margins": 20,
    }
    for name, rows in expected_rows.items():
        assert listing.loc[name, "rows"] == rows, name
        assert listing.loc[name, "card"] == "teaching/README.md"
    assert listing.loc["teaching_cluster2", "loader"] == 'load_teaching_sample("cluster2")'
    assert listing.loc["teaching_truth", "loader"] == "load_teaching_truth"


def test_data_card_states_the_numbers_in_the_files(truth: pd.DataFrame) -> None:
    card = (DATA / "README.md").read_text(encoding="utf-8")
    assert card.startswith("# Data card")
    assert "## Codebook" in card
    assert "20251213" in card
    assert "examples/data_generation/make_teaching_data.py" in card
    assert f"{_truth_value(truth, 'proportion', 'optimistic'):.5f}" in card
    assert f"{_truth_value(truth, 'mean', 'income'):.3f}" in card
    for design, n in SAMPLE_SIZES.items():
        assert f"`{design}`" in card
        assert f"{n:,}" in card
    for column in [*PERSON_COLUMNS, "fpc", "fpc1", "fpc2", "weight"]:
        assert re.search(rf"\| `{column}` \|", card), column


def test_population_file_is_small() -> None:
    assert (DATA / "population.csv.gz").read_bytes()[:2] == b"\x1f\x8b"
    for name in ("population.csv.gz", "srs.csv", "stratified.csv", "cluster1.csv"):
        assert len((DATA / name).read_bytes()) < 10_000_000, name


# --- the generator reproduces the shipped files ---------------------------------------------


def _load_script() -> ModuleType:
    if not SCRIPT.is_file():
        pytest.skip("the generator script is not part of an installed package")
    spec = importlib.util.spec_from_file_location("make_teaching_data", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _text_digest(data: bytes, name: str) -> str:
    return hashlib.sha256(gzip.decompress(data) if name.endswith(".gz") else data).hexdigest()


def test_generator_reproduces_the_shipped_files(tmp_path: Path) -> None:
    script = _load_script()
    frames = script.make_teaching_data()
    digests = script.write_teaching_data(frames, tmp_path)
    assert sorted(digests) == sorted(script.FILES)
    for name in script.FILES:
        shipped = _text_digest((DATA / name).read_bytes(), name)
        rebuilt = _text_digest((tmp_path / name).read_bytes(), name)
        assert rebuilt == digests[name], name
        assert rebuilt == shipped, f"{name} differs from the generator's output"
