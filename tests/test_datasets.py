"""Tests for the bundled datasets: the VTsIOM December 2025 case and the registry."""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import pytest

from surveystats.datasets import list_datasets, load_vtsiom_2025

COLUMNS = [
    "item",
    "poll",
    "pollster",
    "question",
    "answer",
    "estimate",
    "n",
    "base",
    "fieldwork_start",
    "fieldwork_end",
    "mode",
    "stated_margin",
    "role",
    "source",
    "url",
    "evidence",
]
TEXT_COLUMNS = [
    c
    for c in COLUMNS
    if c not in {"estimate", "n", "stated_margin", "fieldwork_start", "fieldwork_end"}
]
MAIN_POLL = "VTsIOM Dec 2025 phone"


@pytest.fixture
def df() -> pd.DataFrame:
    return load_vtsiom_2025()


def _value(df: pd.DataFrame, item: str, column: str = "estimate") -> object:
    return df.loc[df["item"] == item, column].item()


def test_columns_in_codebook_order(df: pd.DataFrame) -> None:
    assert list(df.columns) == COLUMNS


def test_dtypes(df: pd.DataFrame) -> None:
    for column in TEXT_COLUMNS:
        assert isinstance(df[column].dtype, pd.StringDtype), column
    assert df["estimate"].dtype == "float64"
    assert df["n"].dtype == "int64"
    assert df["stated_margin"].dtype == "float64"
    for column in ("fieldwork_start", "fieldwork_end"):
        assert df[column].dtype == "datetime64[ns]", column


def test_size_and_unique_snake_case_items(df: pd.DataFrame) -> None:
    assert len(df) == 14
    assert df["item"].is_unique
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", item) for item in df["item"])


def test_estimates_are_shares_not_percentages(df: pd.DataFrame) -> None:
    assert df["estimate"].between(0.0, 1.0).all()
    assert (df["n"] > 0).all()


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("successful_2026", 0.70),
        ("smo_end_hope", 0.55),
        ("sceptical_2026", 0.11),
        ("hard_to_say_2026", 0.19),
        ("country_2026_good", 0.60),
        ("levada_2026_better", 0.71),
        ("successful_2025", 0.66),
        ("unsuccessful_2025", 0.19),
        ("putin_hero_of_year", 0.22),
    ],
)
def test_published_values(df: pd.DataFrame, item: str, expected: float) -> None:
    assert _value(df, item) == pytest.approx(expected)


def test_headlines(df: pd.DataFrame) -> None:
    headlines = df.loc[df["role"] == "headline", "item"].tolist()
    assert headlines == ["successful_2026", "smo_end_hope"]
    assert str(_value(df, "smo_end_hope", "base")).startswith("ambiguous")
    assert (df.loc[df["role"] == "headline", "n"] == 1600).all()


def test_components_of_2026_question_sum_to_one(df: pd.DataFrame) -> None:
    question = _value(df, "successful_2026", "question")
    answers = df.loc[df["question"] == question]
    assert sorted(answers["item"]) == ["hard_to_say_2026", "sceptical_2026", "successful_2026"]
    # Three figures each rounded to a whole point: at most 1.5 points of rounding error.
    assert answers["estimate"].sum() == pytest.approx(1.0, abs=0.015)


def test_comparator_scale_is_consistent(df: pd.DataFrame) -> None:
    parts = [
        "country_2026_on_the_whole_good",
        "country_2026_very_successful",
        "country_2026_rather_difficult",
        "country_2026_very_bad",
        "country_2026_dont_know",
    ]
    estimates = df.set_index("item")["estimate"]
    assert estimates[parts].sum() == pytest.approx(1.0, abs=0.025)
    assert estimates["country_2026_good"] == pytest.approx(
        estimates["country_2026_on_the_whole_good"] + estimates["country_2026_very_successful"]
    )


def test_roles_and_evidence_labels(df: pd.DataFrame) -> None:
    assert set(df["role"]) <= {"headline", "component", "comparator", "context"}
    assert set(df["evidence"]) <= {"S", "S2", "D", "I", "U"}
    # Levada's n is its usual sample size, not confirmed for this wave: a judgement.
    assert _value(df, "levada_2026_better", "evidence") == "I"
    assert _value(df, "levada_2026_better", "mode") == "face-to-face"


def test_fieldwork_and_margin(df: pd.DataFrame) -> None:
    main = df[df["poll"] == MAIN_POLL]
    others = df[df["poll"] != MAIN_POLL]
    assert (main["fieldwork_start"] == pd.Timestamp("2025-12-13")).all()
    assert (main["fieldwork_end"] == pd.Timestamp("2025-12-13")).all()
    assert (main["stated_margin"] == 0.025).all()
    assert (main["mode"] == "telephone (mobile)").all()
    # The comparators' sources give neither dates nor a margin.
    assert others["fieldwork_start"].isna().all()
    assert others["fieldwork_end"].isna().all()
    assert others["stated_margin"].isna().all()


def test_each_call_returns_an_independent_copy() -> None:
    first = load_vtsiom_2025()
    first.loc[first["item"] == "successful_2026", "estimate"] = 0.0
    first["question"] = "changed"
    first["extra"] = 1
    second = load_vtsiom_2025()
    assert second is not first
    assert len(second) == 14
    assert list(second.columns) == COLUMNS
    assert _value(second, "successful_2026") == pytest.approx(0.70)
    assert (second["question"] != "changed").all()


def test_every_row_has_a_source_and_url(df: pd.DataFrame) -> None:
    assert df["source"].notna().all()
    assert (df["source"].str.strip().str.len() > 0).all()
    assert df["url"].notna().all()
    assert df["url"].str.startswith("https://").all()


def test_list_datasets_lists_vtsiom_2025() -> None:
    listing = list_datasets()
    assert list(listing.columns) == ["name", "loader", "description", "rows", "card"]
    row = listing.loc[listing["name"] == "vtsiom_2025"]
    assert len(row) == 1
    assert row["loader"].item() == "load_vtsiom_2025"
    assert row["rows"].item() == len(load_vtsiom_2025())
    assert row["card"].item() == "vtsiom_2025.md"


def test_every_listed_card_ships_in_the_package() -> None:
    data = resources.files("surveystats.datasets") / "data"
    for card in list_datasets()["card"]:
        path = data / card
        assert path.is_file(), card
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Data card")
        assert "## Codebook" in text
