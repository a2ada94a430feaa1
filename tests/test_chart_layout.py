"""Every item gets its own charts, and every word of a chart is inside it (issue 10, D3).

File names: readable ASCII for any script (Cyrillic transliterated), unique, stable. Layout:
every chart kind, rendered as the report renders it for long Cyrillic and English labels,
keeps every text and legend inside the figure.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from surveystats.plotting import chart_jobs
from surveystats.plotting._report import CHARTS, file_ids
from surveystats.plotting._style import new_figure


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


def _ticklabels_in_view(axis: Axis) -> list[Text]:
    """The tick labels an axis draws: those of ticks inside its view interval (matplotlib
    keeps labels for ticks just outside it, which are not drawn)."""
    lo, hi = sorted(axis.get_view_interval())
    scale = axis.get_transform()
    lo_t, hi_t = scale.transform([lo, hi])
    tol = 1e-6 * (hi_t - lo_t)
    labels = []
    for ticks, locs in ((axis.get_major_ticks(), axis.get_majorticklocs()),
                        (axis.get_minor_ticks(), axis.get_minorticklocs())):
        for tick, loc in zip(ticks, locs, strict=False):
            if lo_t - tol <= scale.transform([loc])[0] <= hi_t + tol:
                labels += [tick.label1, tick.label2]
    return labels


def _drawn_texts(fig: Figure) -> list[Artist]:
    """Every text the figure draws (titles, axis and tick labels in view, annotations, legend
    texts, offsets) and every legend, on the main axes and the colour bars."""
    found: list[Artist] = [*fig.texts, *fig.legends]
    for ax in fig.axes:
        found += [ax.title, ax._left_title, ax._right_title]
        for axis in (ax.xaxis, ax.yaxis):
            found += [axis.label, axis.offsetText, *_ticklabels_in_view(axis)]
        found += list(ax.texts)
        legend = ax.get_legend()
        if legend is not None:
            found += [legend, *legend.get_texts()]
    return [a for a in found if a.get_visible()
            and (not isinstance(a, Text) or a.get_text().strip())]


def _outside(fig: Figure) -> list[str]:
    """What sticks out of the figure by more than a pixel, once drawn as the report draws it."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # lays the figure out (constrained layout) and draws it once
    renderer = canvas.get_renderer()
    box = fig.bbox
    out = []
    for artist in _drawn_texts(fig):
        ext = artist.get_window_extent(renderer)
        if (ext.x0 < box.x0 - 1 or ext.y0 < box.y0 - 1 or ext.x1 > box.x1 + 1
                or ext.y1 > box.y1 + 1):
            what = artist.get_text() if isinstance(artist, Text) else type(artist).__name__
            out.append(f"{what[:60]!r} at {ext.bounds}")
    return out


@pytest.mark.parametrize("labels", [False, True, None],
                         ids=["cyrillic-labels", "english-labels", "bundled"])
def test_every_text_and_legend_stays_inside_the_figure(labels: bool | None) -> None:
    jobs = chart_jobs(None if labels is None else _cyrillic_toplines(labels), "unused")
    assert {job.chart for job in jobs} == set(CHARTS)
    problems = {}
    for job in jobs:
        fig = job.figure()
        with warnings.catch_warnings():
            # constrained layout gives up ("axes sizes collapsed") when labels leave no room
            warnings.simplefilter("error", UserWarning)
            outside = _outside(fig)
        if outside:
            problems[job.name] = outside
    assert not problems


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")
def test_the_check_sees_a_legend_that_sticks_out() -> None:
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1], label="a label far too long for one line " * 6)
    ax.legend(loc="lower center")
    assert _outside(fig)


def test_long_labels_are_wrapped_not_cut() -> None:
    table = _cyrillic_toplines(labels=True)
    jobs = {job.chart: job for job in chart_jobs(table, "unused", charts=[
        "bias_tornado", "deff_scenarios", "intervals", "coverage"])}
    for chart, job in jobs.items():
        fig = job.figure()
        ax = fig.axes[0]
        legend = ax.get_legend()
        shown = [t.get_text() for t in legend.get_texts()] if chart != "intervals" else []
        shown += [t.get_text() for t in ax.texts]
        flat = " ".join(" ".join(shown).split())
        for label in table["label"]:
            assert label in flat, (chart, label)  # every word, in order
        assert any("\n" in text for text in shown), chart  # and wrapped


def test_the_tornado_makes_room_below_its_bars_for_a_deeper_legend() -> None:
    short = chart_jobs(None, "unused", charts=["bias_tornado"])[0].figure().axes[0]
    long = chart_jobs(_cyrillic_toplines(labels=True), "unused",
                      charts=["bias_tornado"])[0].figure().axes[0]
    assert long.get_ylim()[0] < short.get_ylim()[0] < -1.0
    assert long.get_ylim()[1] == short.get_ylim()[1]
