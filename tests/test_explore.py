"""surveystats.explore: sliders wired to the error budget and the sensitivity map (issue 12,
deliverable 3).

The explorer computes nothing of its own: after every change its results must equal what the
public functions give for the same settings (a Scenario applied to the share, error_budget
and sensitivity_map of it), and its figure must show them. The widget path is driven through
the sliders (ipywidgets is in the test extra); the fallback path runs with ipywidgets made
unimportable.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread

import surveystats as ss
from surveystats._explore import CONTROLS, SCENARIO_DESCRIPTION, SCENARIO_NAME
from surveystats.bias import Coverage, Nonresponse, Overstatement, default_range

SETTINGS = ("deff", "response_odds_ratio", "falsification", "coverage", "coverage_difference")


def expected_scenario(p: float, n: float, s: dict[str, float], **apply: Any
                      ) -> ss.ScenarioResult:
    """The settings as a Scenario of public classes, applied to the share."""
    mechanisms = (Coverage(s["coverage"], s["coverage_difference"]),
                  Nonresponse(s["response_odds_ratio"]), Overstatement(s["falsification"]))
    return ss.Scenario(mechanisms, deff=s["deff"], name=SCENARIO_NAME,
                       description=SCENARIO_DESCRIPTION).apply(p, n, **apply)


def assert_matches_public_functions(ex: ss.Explorer, *, stated_margin: float | None = None,
                                    **apply: Any) -> None:
    res = expected_scenario(ex.p, ex.n, ex.settings, **apply)
    assert ex.scenario == res
    assert ex.budget == ss.error_budget(res, stated_margin=stated_margin)
    m, default = ex.sensitivity, ss.sensitivity_map(res)
    point = (m.central["odds_ratio"], m.central["falsification"])
    if not (np.array_equal(m.x_values, default.x_values)
            and np.array_equal(m.y_values, default.y_values)):
        # the default grid misses the marked point, so the explorer's grid reaches it
        grids = (default.x_values, default.y_values)
        assert any(not v.min() <= c <= v.max() for c, v in zip(point, grids, strict=True))
        default = ss.sensitivity_map(res, x_values=m.x_values, y_values=m.y_values)
    assert m == default
    assert all(v.min() <= c <= v.max()
               for c, v in zip(point, (m.x_values, m.y_values), strict=True))


def budget_axes(ex: ss.Explorer) -> Any:
    return ex.figure.axes[0]


def map_axes(ex: ss.Explorer) -> Any:
    return ex.figure.axes[1]


def marker(ex: ss.Explorer) -> tuple[float, float]:
    (line,) = [ln for ln in map_axes(ex).lines if ln.get_gid() == "central"]
    return float(line.get_xdata()[0]), float(line.get_ydata()[0])


def row_labels(ex: ss.Explorer) -> list[str]:
    return [t.get_text() for t in budget_axes(ex).get_yticklabels()]


def texts(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.texts]


@pytest.fixture
def no_ipywidgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """ipywidgets cannot be imported (a None entry in sys.modules makes import raise)."""
    monkeypatch.setitem(sys.modules, "ipywidgets", None)


# --- the sliders' ranges and starting values come from the registry ---------------------------


def test_ranges_and_starting_values_are_the_registry_rows() -> None:
    rows = {name: default_range(*c.registry) for name, c in CONTROLS.items()}
    assert {name: c.registry for name, c in CONTROLS.items()} == {
        "deff": ("design_effect", "deff"),
        "response_odds_ratio": ("nonresponse", "odds_ratio"),
        "falsification": ("falsification", "overstatement"),
        "coverage": ("coverage", "uncovered_share"),
        "coverage_difference": ("coverage", "difference"),
    }
    d, k, f, u, c = (rows[name] for name in SETTINGS)
    assert {name: c_.span for name, c_ in CONTROLS.items()} == {
        "deff": (d.low, d.high),
        "response_odds_ratio": (k.low, k.high),  # the neutral 1 is the registry's low
        "falsification": (f.low, f.high),
        "coverage": (0.0, u.high),  # from the neutral 0, so coverage error can be switched off
        "coverage_difference": (-c.high, c.high),  # a magnitude; the sign is the user's
    }
    assert {name: c_.default for name, c_ in CONTROLS.items()} == {
        "deff": d.central, "response_odds_ratio": k.central, "falsification": f.central,
        "coverage": u.central, "coverage_difference": -c.central,
    }
    for name, control in CONTROLS.items():
        assert control.row.source in control.tooltip(), name


def test_explore_starts_at_the_central_values(no_ipywidgets: None) -> None:
    ex = ss.explore(0.70, 1600, widgets=False)
    assert ex.settings == {name: c.default for name, c in CONTROLS.items()}
    assert_matches_public_functions(ex)
    assert ex.scenario.scenario.name == "assumed"


# --- the widget path: driving the sliders --------------------------------------------------------


@pytest.fixture
def widgets() -> Any:
    return pytest.importorskip("ipywidgets")


def test_widget_layout(widgets: Any) -> None:
    ex = ss.explore(0.70, 1600, stated_margin=0.025)
    assert isinstance(ex.widget, widgets.VBox)
    assert list(ex.sliders) == list(SETTINGS)
    assert ex.widget.children[:-1] == tuple(ex.sliders.values())
    image = ex.widget.children[-1]
    assert isinstance(image, widgets.Image)
    assert imread(io.BytesIO(bytes(image.value))).shape == (900, 800, 4)  # two 8 x 4.5 charts
    for name, slider in ex.sliders.items():
        assert isinstance(slider, widgets.FloatSlider)
        assert (slider.min, slider.max) == CONTROLS[name].span
        assert slider.value == ex.settings[name]
        assert not slider.continuous_update  # redraw on release, not on every pixel
        assert slider.min + 100 * slider.step <= slider.max  # at least 100 positions
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # shows as the widget


#: a new value for each slider, inside its registry range
MOVES = {"deff": 2.0, "response_odds_ratio": 1.42, "falsification": 0.12, "coverage": 0.08,
         "coverage_difference": 0.1}


@pytest.mark.parametrize("name", SETTINGS)
def test_each_slider_recomputes_and_redraws(widgets: Any, name: str) -> None:
    ex = ss.explore(0.70, 1600, stated_margin=0.025)
    before = {"budget": ex.budget, "map": ex.sensitivity, "rows": row_labels(ex),
              "title": budget_axes(ex).get_title(), "marker": marker(ex),
              "map_texts": texts(map_axes(ex)), "image": bytes(ex.widget.children[-1].value)}
    figure = ex.figure

    ex.sliders[name].value = MOVES[name]

    assert ex.settings[name] == MOVES[name]
    assert_matches_public_functions(ex, stated_margin=0.025)
    assert ex.budget != before["budget"]
    assert ex.figure is figure  # redrawn into the same figure
    assert bytes(ex.widget.children[-1].value) != before["image"]  # the picture shown
    frame = ex.budget.to_frame()
    # the budget chart shows the new numbers: the title and the value beside each bar
    total = frame.iloc[-1]
    assert f"[{100 * total['low']:.1f}–{100 * total['high']:.1f}%]" in \
        budget_axes(ex).get_title().replace("\n", " ")
    for r in frame.itertuples():
        assert f"{100 * r.estimate:.1f}%  [{100 * r.low:.1f}–{100 * r.high:.1f}]" in \
            texts(budget_axes(ex))
    if name == "deff":
        # the design effect widens the sampling interval; the map (point estimates) stays
        assert row_labels(ex)[1] == "sampling at deff 2" != before["rows"][1]
        assert ex.sensitivity == before["map"]
        assert marker(ex) == before["marker"]
    else:
        assert ex.sensitivity != before["map"]
        assert budget_axes(ex).get_title() != before["title"]
        # the marked point is the scenario's, with its estimate beside it
        m = ex.sensitivity
        assert marker(ex) == (m.central["odds_ratio"], m.central["falsification"])
        assert f"assumed scenario: {100 * ex.scenario.estimate:.0f}%" in texts(map_axes(ex))
    if name == "response_odds_ratio":
        assert marker(ex) == (1.42, before["marker"][1])
    if name == "falsification":
        # the overstatement comes to this share of "no" holders saying "yes" at 70%
        assert marker(ex)[1] == pytest.approx(Overstatement(0.12).resolve(0.70).share)
        assert marker(ex)[0] == before["marker"][0]
    if name in ("coverage", "coverage_difference"):
        assert marker(ex) == before["marker"]  # held on the map, moves its numbers
        assert texts(map_axes(ex)) != before["map_texts"]


def test_update_moves_the_sliders_without_a_second_computation(widgets: Any) -> None:
    ex = ss.explore(0.55, 1600)
    calls = []
    compute = ex._compute

    def counting() -> None:
        calls.append(1)
        compute()

    ex._compute = counting  # type: ignore[method-assign]
    ex.update(deff=1.8, falsification=0.1)
    assert len(calls) == 1
    assert ex.sliders["deff"].value == 1.8 and ex.sliders["falsification"].value == 0.1
    assert_matches_public_functions(ex)


def test_a_value_beyond_the_range_widens_the_slider(widgets: Any) -> None:
    ex = ss.explore(0.70, 1600, response_odds_ratio=0.8)  # below the registry's low
    slider = ex.sliders["response_odds_ratio"]
    assert (slider.min, slider.value, slider.max) == (0.8, 0.8, 1.42)
    ex.update(deff=3.0)
    assert (ex.sliders["deff"].max, ex.sliders["deff"].value) == (3.0, 3.0)
    # the map's grid is stretched to show the point (the default grid starts at neutral 1)
    m = ex.sensitivity
    assert m.x_values.min() <= 0.8 and marker(ex)[0] == 0.8
    assert map_axes(ex).get_xlim()[0] <= 0.8
    res = expected_scenario(0.70, 1600, ex.settings)
    assert m == ss.sensitivity_map(res, x_values=m.x_values, y_values=m.y_values)
    assert ss.sensitivity_map(res).x_values.min() > 0.8


def test_ranges_replace_the_registry_defaults(widgets: Any) -> None:
    ex = ss.explore(0.42, 850, ranges={"response_odds_ratio": (0.7, 1.42), "deff": [1, 3]})
    assert (ex.sliders["response_odds_ratio"].min, ex.sliders["response_odds_ratio"].max) == \
        (0.7, 1.42)
    assert (ex.sliders["deff"].min, ex.sliders["deff"].max) == (1.0, 3.0)
    ex.sliders["response_odds_ratio"].value = 0.75
    assert_matches_public_functions(ex)


def test_many_updates_leave_no_figure_open(widgets: Any) -> None:
    plt.close("all")
    ex = ss.explore(0.70, 1600)
    figure = ex.figure
    artists = len(budget_axes(ex).get_children())
    for i, value in enumerate(np.linspace(1.0, 1.42, 5)):  # each a redraw of ~0.5 s
        ex.sliders["response_odds_ratio"].value = float(value)
        ex.sliders["deff"].value = 1.0 + i / 4
        assert ex.figure is figure
        assert len(figure.axes) == 3  # budget, map, its colour bar: the old ones cleared
        assert len(budget_axes(ex).get_children()) == artists
    assert plt.get_fignums() == []
    assert_matches_public_functions(ex)


# --- the fallback: no ipywidgets -------------------------------------------------------------


def test_without_ipywidgets_a_static_figure_and_one_line(no_ipywidgets: None) -> None:
    with pytest.warns(ss.SurveyStatsWarning) as record:
        ex = ss.explore(0.70, 1600, stated_margin=0.025)
    (w,) = record
    message = str(w.message)
    assert "pip install 'surveystats[notebook]'" in message and "\n" not in message
    assert "static figure" in message
    assert w.filename == __file__  # points at the caller
    assert ex.widget is None and ex.sliders == {}
    assert isinstance(ex.figure, Figure) and len(ex.figure.axes) == 3
    assert_matches_public_functions(ex, stated_margin=0.025)
    bundle = ex._repr_mimebundle_()
    assert bundle["image/png"].startswith(b"\x89PNG") and bundle["text/plain"] == repr(ex)
    # the same update path redraws the static figure
    ex.update(falsification=0.0, coverage=0.0)
    assert_matches_public_functions(ex, stated_margin=0.025)
    assert row_labels(ex)[0] == "stated ±2.5%"
    assert marker(ex) == (1.2, 0.0)
    assert plt.get_fignums() == []


def test_widgets_false_is_static_and_quiet(widgets: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = ss.explore(0.70, 1600, widgets=False)
    assert ex.widget is None and ex.sliders == {}
    assert "image/png" in ex._repr_mimebundle_()


def test_importing_surveystats_loads_neither_ipywidgets_nor_matplotlib() -> None:
    code = ("import sys, surveystats; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'ipywidgets', 'matplotlib'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_repr_is_one_line(no_ipywidgets: None) -> None:
    ex = ss.explore(0.70, 1600, widgets=False)
    text = repr(ex)
    assert "\n" not in text and text.startswith("Explorer(p=0.7, n=1600, deff=1.5, ")
    assert "static figure" in text


# --- input errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"p": 70}, ValueError, r"p \(70\) must be in \[0, 1\]; did you pass a percentage"),
    ({"p": "0.7"}, TypeError, r"p \('0.7'\) must be a single real number, not a string"),
    ({"p": [0.7, 0.55]}, TypeError, r"p \(\[0.7, 0.55\]\) must be a single real number"),
    ({"n": 0}, ValueError, r"n \(0\) must be finite and > 0"),
    ({"n": None}, TypeError, r"n \(None\)"),
    ({"deff": 0}, ValueError, r"deff \(0\) must be finite and > 0; it is the variance"),
    ({"response_odds_ratio": -1}, ValueError,
     r"response_odds_ratio \(-1\) must be finite and > 0; it is how many times"),
    ({"falsification": 1.5}, ValueError,
     r"falsification \(1.5\) must be in \[-1, 1\]; it is reported minus true"),
    ({"coverage": 1}, ValueError, r"coverage \(1\) must be in \[0, 1\); it is the share"),
    ({"coverage": 5}, ValueError, r"coverage \(5\) .*did you pass a percentage\? 5% is 0.05"),
    ({"coverage_difference": -2}, ValueError, r"coverage_difference \(-2\) must be in \[-1, 1\]"),
    ({"deff": True}, TypeError, r"deff \(True\) .*not a boolean"),
    ({"confidence_level": 95}, ValueError, r"confidence_level \(95\).*did you pass a percentage"),
    ({"method": "beta"}, ValueError, r"method 'beta' is ambiguous"),
    ({"method": "exact"}, None, ""),  # an alias, resolved
    ({"stated_margin": 2.5}, ValueError, r"stated_margin \(2.5\).*percentage\? 2.5% is 0.025"),
    ({"threshold": 50}, ValueError, r"threshold \(50\) must be in \[0, 1\]"),
    ({"ranges": [1, 2]}, TypeError, r"ranges \(\[1, 2\]\) must be a mapping"),
    ({"ranges": {"odds_ratio": (1, 2)}}, ValueError,
     r"unknown slider 'odds_ratio'; the sliders are 'deff', 'response_odds_ratio'"),
    ({"ranges": {"deff": 2}}, TypeError, r"ranges\['deff'\] \(2\) must be a \(min, max\) pair"),
    ({"ranges": {"deff": (2, 1)}}, ValueError, r"ranges\['deff'\] \(\(2, 1\)\): min must be below"),
    ({"ranges": {"coverage": (0, 10)}}, ValueError,
     r"ranges\['coverage'\] max \(10\) must be in \[0, 1\)"),
    ({"widgets": "yes"}, TypeError, r"widgets \('yes'\) must be True or False"),
    ({"label": 3}, TypeError, r"label \(3\) must be a string or None"),
])
def test_bad_input_is_named_and_echoed(kwargs: dict[str, Any], error: type[Exception] | None,
                                       match: str) -> None:
    args = {"p": 0.70, "n": 1600, "widgets": False, **kwargs}
    p, n = args.pop("p"), args.pop("n")
    if error is None:
        assert ss.explore(p, n, **args).scenario.sampling.method == "clopper_pearson"
        return
    with pytest.raises(error, match=match):
        ss.explore(p, n, **args)


def test_update_checks_its_settings(no_ipywidgets: None) -> None:
    ex = ss.explore(0.70, 1600, widgets=False)
    with pytest.raises(TypeError, match=r"unknown setting\(s\) 'odds_ratio'; the settings are "
                                        r"'deff', 'response_odds_ratio'"):
        ex.update(odds_ratio=1.3)
    with pytest.raises(ValueError, match=r"coverage \(1.5\) must be in \[0, 1\)"):
        ex.update(coverage=1.5)
    assert ex.settings["coverage"] == CONTROLS["coverage"].default  # nothing changed


# --- other polls and the edges ---------------------------------------------------------------


@pytest.mark.parametrize(("poll", "item"), [
    ("politbarometer_2019_08", "afd_abgrenzung_richtig"),  # German, 58%, n = 1,307
    ("levada_ulyukaev_2018", "q4_extorted_bribe"),  # Russian, 41%, n = 912
    ("kiis_elections_2023", "elections_after_war"),  # Ukrainian, 81%, stated deff 1.21
])
def test_bundled_polls_of_other_shapes(no_ipywidgets: None, poll: str, item: str) -> None:
    toplines, card = ss.datasets.load_poll(poll)
    row = toplines.set_index("item").loc[item]
    deff = None if pd.isna(row["deff"]) else float(row["deff"])
    ex = ss.explore(float(row["estimate"]), float(row["n"]), deff=deff,
                    stated_margin=card.stated_margin, label=str(row["label"]),
                    source=card.title, widgets=False)
    if deff is not None:
        assert ex.settings["deff"] == deff
    assert_matches_public_functions(ex, stated_margin=card.stated_margin)
    title = budget_axes(ex).get_title().replace("\n", " ")
    assert str(row["label"])[:20] in title
    assert row_labels(ex)[0] == f"stated ±{100 * card.stated_margin:.1f}%"
    sources = [t.get_text() for ax in ex.figure.axes[:2] for t in ax.texts
               if t.get_gid() == "source"]
    assert len(sources) == 2 and all(card.title[:20] in s.replace("\n", " ") for s in sources)


def test_a_minority_share_maps_where_a_majority_is_reached(widgets: Any) -> None:
    ex = ss.explore(0.42, 850, confidence_level=0.9, method="jeffreys")
    assert_matches_public_functions(ex, confidence_level=0.9, method="jeffreys")
    assert ex.scenario.sampling.method == "jeffreys"
    assert "50%: majority reached" in texts(map_axes(ex))
    ex.sliders["coverage_difference"].value = 0.3
    assert_matches_public_functions(ex, confidence_level=0.9, method="jeffreys")


NO_CELL = ("No true share in [0, 1] gives the reported {r} under these settings: nothing "
           "to map")
ONE_SHARE = ("The adjusted share is {a} in every cell that has one: neither the response odds "
             "ratio nor falsification moves a reported {r} under these settings")


@pytest.mark.parametrize("p", [0.0, 0.001, 0.03, 0.97, 0.999, 1.0])
def test_shares_near_0_and_1(no_ipywidgets: None, p: float) -> None:
    ex = ss.explore(p, 850, widgets=False)
    assert_matches_public_functions(ex)
    assert 0.0 <= ex.scenario.low <= ex.scenario.estimate <= ex.scenario.high <= 1.0
    if p == 0.0:
        # those outside the frame 20 points below a 0% share: no true share in any cell;
        # a sentence takes the map's place instead of a failure
        assert not np.isfinite(ex.sensitivity.estimate).any()
        assert map_note(ex) == [NO_CELL.format(r="0.0%")]
        assert ex.scenario.estimate == 0.0  # the scenario clips
        # without the coverage difference only "no falsification" is possible: one share
        ex.update(coverage_difference=0.0)
        assert_matches_public_functions(ex)
        assert map_note(ex) == [ONE_SHARE.format(a="0.0%", r="0.0%")]
    elif p == 1.0:
        # nonresponse and falsification cannot move a reported 100%; coverage moves it
        # the same in every cell
        assert np.all(ex.sensitivity.estimate == ex.scenario.estimate)
        assert map_note(ex) == [ONE_SHARE.format(a="99.0%", r="100.0%")]
    else:
        z = ex.sensitivity.estimate
        assert np.nanmin(z) < np.nanmax(z) and map_note(ex) == []
        assert marker(ex) == (ex.sensitivity.central["odds_ratio"],
                              ex.sensitivity.central["falsification"])


def map_note(ex: ss.Explorer) -> list[str]:
    return [t.get_text() for t in map_axes(ex).texts if t.get_gid() == "no_map"]


def test_one_respondent(no_ipywidgets: None) -> None:
    ex = ss.explore(1.0, 1, widgets=False)
    assert_matches_public_functions(ex)
    sampling = ex.budget.to_frame().iloc[0]
    assert sampling["kind"] == "sampling" and sampling["high"] - sampling["low"] > 0.5
    assert "n = 1;" in next(t.get_text() for t in budget_axes(ex).texts
                            if t.get_gid() == "source")


# --- the docs' numbers ------------------------------------------------------------------------


def test_the_numbers_in_docs_bias_md(no_ipywidgets: None) -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "bias.md"
    if not page.is_file():
        pytest.skip("needs a source checkout")
    text = page.read_text(encoding="utf-8")
    section = text[text.index("## Exploring with sliders"):text.index("## References")]

    def interval(res: ss.ScenarioResult) -> str:
        return (f"{100 * res.estimate:.1f}% [{100 * res.low:.1f}, {100 * res.high:.1f}]")

    ex = ss.explore(0.70, 1600, stated_margin=0.025, widgets=False)
    steps = ex.budget.to_frame().set_index("mechanism")["estimate"]
    assert f"becomes {interval(ex.scenario)}" in section
    assert (f"falsification takes it to {100 * steps['falsification']:.1f}%, nonresponse to "
            f"{100 * steps['nonresponse']:.1f}%, coverage to {100 * steps['coverage']:.1f}%"
            in " ".join(section.split()))
    tip = ex.sensitivity.tipping
    assert (f"an odds ratio of {tip['odds_ratio']:.2f} or {100 * tip['falsification']:.0f}% of"
            in " ".join(section.split()))
    ex.update(response_odds_ratio=1.42)
    assert f"gives {100 * ex.scenario.estimate:.1f}%" in section
    ex.update(falsification=0.15)
    assert f"the majority is gone, {interval(ex.scenario)}" in " ".join(section.split())
    for name, control in CONTROLS.items():  # the table's ranges and starting values
        lo, hi = control.span
        row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
        cells = [c.strip().replace("−", "-") for c in row.split("|")]
        assert [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", cells[4])] == [lo, hi], row
        assert float(cells[5]) == control.default, row


def test_the_docstring_states_the_registry_ranges() -> None:
    doc = ss.explore.__doc__ or ""
    params = doc[doc.index("Parameters"):doc.index("Returns")]
    paragraphs = dict(re.findall(r"^    (\w+) : [^\n]*\n((?:        [^\n]*\n)+)", params,
                                 flags=re.MULTILINE))
    for name, control in CONTROLS.items():
        text = " ".join(paragraphs[name].split())
        row = control.row
        assert f"{control.registry[0]}/{control.registry[1]}" in text.replace("`", ""), name
        for value in (row.high, abs(control.default), *control.span):
            assert f"{value:g}".lstrip("-") in text, (name, value)


def test_the_figure_is_two_charts_of_the_house_size(no_ipywidgets: None) -> None:
    from surveystats.plotting._style import FIGSIZE

    ex = ss.explore(0.70, 1600, widgets=False)
    assert tuple(ex.figure.get_size_inches()) == (FIGSIZE[0], 2 * FIGSIZE[1])
    # each chart laid out as it is alone: the map's left edge does not follow the budget's
    # long row labels (one shared grid would push it right and its title off the figure)
    ex.png()  # constrained layout places the axes when the figure is drawn
    budget, chart = budget_axes(ex), map_axes(ex)
    assert chart.get_position().x0 < budget.get_position().x0
