"""Every item gets its own charts, and every word of a chart is inside it (issue 10, D3).

File names: readable ASCII for any script (Cyrillic transliterated), unique, stable. Layout:
every chart kind, rendered as the report renders it for long Cyrillic and English labels,
keeps every text and legend inside the figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from surveystats.plotting import chart_jobs
from surveystats.plotting._report import CHARTS, file_ids


def test_cyrillic_items_get_transliterated_distinct_file_names() -> None:
    ids = file_ids(["Доверие президенту", "Доверие правительству", "smo_end_hope"])
    assert ids == {"Доверие президенту": "doverie_prezidentu",
                   "Доверие правительству": "doverie_pravitelstvu",
                   "smo_end_hope": "smo_end_hope"}


def test_ukrainian_letters_and_the_ukrainian_reading() -> None:
    assert file_ids(["Їжа, ґанок і Європа"]) == {"Їжа, ґанок і Європа": "yizha_ganok_i_yevropa"}
    # the national system of 2010 reads г as h and и as y
    assert file_ids(["гривня"], language="uk") == {"гривня": "hryvnya"}
    assert file_ids(["гривня"], language="ru") == {"гривня": "grivnya"}


def test_names_that_coincide_or_vanish_get_the_items_position() -> None:
    items = ["Надежды", "надежды!", "是否", "Ελπίδα", "x_2", "x"]
    ids = file_ids(items)
    assert list(ids.values()) == ["nadezhdy_1", "nadezhdy_2", "item_3", "item_4", "x_2", "x"]
    # the position breaks ties even when a suffixed name meets another item's name
    tricky = file_ids(["x_2", "x", "x"[:1] + " "])
    assert len(set(tricky.values())) == 3
    assert tricky == {"x_2": "x_2_1", "x": "x_2_2", "x ": "x_3"}


def test_file_names_are_ascii_short_and_stable() -> None:
    long = "Как вы считаете, 2026 год будет успешным или неуспешным для России и для вас лично?"
    ids = file_ids([long, "Ukraïne, Straße, øre"])
    assert ids[long] == "kak_vy_schitaete_2026_god_budet_uspeshnym_ili"
    assert len(ids[long]) <= 48
    assert ids["Ukraïne, Straße, øre"] == "ukraine_strasse_ore"
    assert file_ids([long, "Ukraïne, Straße, øre"]) == ids  # same input, same names


def _cyrillic_toplines(labels: bool) -> pd.DataFrame:
    items = ["2026 год будет успешным для страны и для каждой семьи",
             "Надежды на будущий год связаны с окончанием специальной военной операции"]
    table = pd.DataFrame({"item": items, "estimate": [0.70, 0.55], "n": [1600, 1600],
                          "dont_know": [0.19, 0.12], "ambiguous_base_item": ["", items[0]],
                          "group_label": ["those who expect a successful year for the country "
                                          "and for their own family", ""]})
    if labels:
        table["label"] = [
            "Do you think that 2026 will be a successful or an unsuccessful year for Russia "
            "and for you personally? (answer: successful)",
            "Hopes for the coming year are tied to the end of the special military operation "
            "in Ukraine and the return of the soldiers"]
    return table


@pytest.mark.parametrize("labels", [False, True], ids=["cyrillic-labels", "english-labels"])
def test_two_cyrillic_items_get_every_chart_each(tmp_path: Path, labels: bool) -> None:
    jobs = chart_jobs(_cyrillic_toplines(labels), tmp_path)
    names = [job.name for job in jobs]
    # 5 charts of the whole poll, 5 per item, a don't-know chart per item and one nested
    assert len(names) == len(set(names)) == 18
    assert {job.chart for job in jobs} == set(CHARTS)
    assert all(name.isascii() and name == name.lower() for name in names)
    first = "2026_god_budet_uspeshnym_dlya_strany_i_dlya"
    second = "nadezhdy_na_budushchiy_god_svyazany_s"
    for chart in ("sensitivity_map", "error_budget", "bias_analysis", "poll_simulation",
                  "manski", "dont_know"):
        assert {f"{chart}_{first}", f"{chart}_{second}"} <= set(names)
