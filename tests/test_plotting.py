"""Charts: return types, ax handling, kwargs forwarding, and what is drawn (Agg backend)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.contour import ContourSet
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

import surveystats as ss
from surveystats import plotting as sp

ITEMS = {"successful_2026": 0.70, "smo_end_hope": 0.55}


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def analysis() -> ss.BiasAnalysis:
    from surveystats.bias import Uniform

    return ss.probabilistic_bias_analysis(
        0.55, 1600, {"odds_ratio": Uniform(1.0, 1.42), "falsification": Uniform(0.0, 0.2)},
        deff=1.5, draws=5_000, rng=7)


@pytest.fixture(scope="module")
def simulation() -> ss.PollSimulation:
    return ss.simulate_poll(0.62, 1600, response_odds_ratio=1.42, polls=2_000, rng=7)


def method_table() -> pd.DataFrame:
    return pd.concat([
        ss.proportion_ci(pd.Series(ITEMS), 1600, method=m).to_frame()
        .rename_axis("item").reset_index()
        for m in ss.INTERVAL_METHODS])


#: name -> function(ax, **kwargs) drawing the VTsIOM case
BUILDERS: dict[str, Callable[..., Axes]] = {
    "intervals": lambda ax, **kw: sp.plot_intervals(
        method_table(), ax=ax, stated_margin=0.025, **kw),
    "deff_scenarios": lambda ax, **kw: sp.plot_deff_scenarios(
        ITEMS, 1600, ax=ax, stated_margin=0.025, **kw),
    "deff_scenarios_by_n": lambda ax, **kw: sp.plot_deff_scenarios(
        ITEMS, 1600, ax=ax, by="n", stated_margin=0.025, **kw),
    "bias_tornado": lambda ax, **kw: sp.plot_bias_tornado(ITEMS, 1600, ax=ax, **kw),
    "sensitivity_map": lambda ax, **kw: sp.plot_sensitivity_map(0.55, 1600, ax=ax, **kw),
    "error_budget": lambda ax, **kw: sp.plot_error_budget(0.55, 1600, ax=ax,
                                                         stated_margin=0.025, **kw),
    "coverage": lambda ax, **kw: sp.plot_coverage(50, ax=ax, **kw),
    "manski": lambda ax, **kw: sp.plot_manski(0.70, dont_know=0.19, ax=ax, **kw),
    "dont_know": lambda ax, **kw: sp.plot_dont_know(0.70, 0.19, ax=ax, **kw),
    "nested_shares": lambda ax, **kw: sp.plot_nested_shares((0.55, 0.70, 1600), ax=ax, **kw),
}


def _builders_with(analysis: ss.BiasAnalysis,
                   simulation: ss.PollSimulation) -> dict[str, Callable[..., Axes]]:
    return {
        **BUILDERS,
        "bias_analysis": lambda ax, **kw: sp.plot_bias_analysis(analysis, ax=ax, **kw),
        "poll_simulation": lambda ax, **kw: sp.plot_poll_simulation(simulation, ax=ax, **kw),
    }


ALL = [*BUILDERS, "bias_analysis", "poll_simulation"]


def title_of(ax: Axes) -> str:
    """The title as one line (titles are wrapped to the axes width)."""
    return ax.get_title().replace("\n", " ")


def source_lines(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts
            if isinstance(t, Annotation) and t.get_gid() == "source" and t.get_text()]


def lines_with_gid(ax: Axes, gid: str) -> list[Line2D]:
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def all_texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


# --- the shared contract: Axes returned, ax honoured, title with a number, source line -------

@pytest.mark.parametrize("name", ALL)
def test_returns_axes_on_current_axes(name: str, analysis: ss.BiasAnalysis,
                                      simulation: ss.PollSimulation) -> None:
    _fig, current = plt.subplots()
    out = _builders_with(analysis, simulation)[name](None)
    assert isinstance(out, Axes)
    assert out is current  # ax=None means plt.gca()


@pytest.mark.parametrize("name", ALL)
def test_honours_passed_ax(name: str, analysis: ss.BiasAnalysis,
                           simulation: ss.PollSimulation) -> None:
    _fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    out = _builders_with(analysis, simulation)[name](right)
    assert out is right
    assert right.has_data() or right.collections or right.patches
    assert not left.has_data() and not title_of(left)


@pytest.mark.parametrize("name", ALL)
def test_title_states_a_number_and_source_line(name: str, analysis: ss.BiasAnalysis,
                                               simulation: ss.PollSimulation) -> None:
    _fig, ax = plt.subplots()
    _builders_with(analysis, simulation)[name](ax)
    title = title_of(ax)
    assert re.search(r"\d", title), title
    assert len(title) > 30
    assert source_lines(ax)
    assert ax.get_xlabel()


@pytest.mark.parametrize("name", ALL)
def test_global_rcparams_untouched_and_no_show(name: str, analysis: ss.BiasAnalysis,
                                               simulation: ss.PollSimulation,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> None:
        raise AssertionError("plt.show() was called")

    monkeypatch.setattr(plt, "show", fail)
    before = {k: matplotlib.rcParams[k] for k in
              ("axes.spines.top", "font.size", "axes.prop_cycle", "figure.figsize")}
    _fig, ax = plt.subplots()
    _builders_with(analysis, simulation)[name](ax)
    assert {k: matplotlib.rcParams[k] for k in before} == before


def test_source_line_can_be_replaced() -> None:
    line = ss.datasets.load_vtsiom_2025_card().source_line(1600)  # the case's, from its card
    assert line == "Source: VTsIOM phone poll, 13 Dec 2025, n = 1,600; surveystats"
    ax = sp.plot_error_budget(0.70, 1600, source=line)
    assert source_lines(ax) == [line]


# --- plot_intervals ---------------------------------------------------------------------------

def test_intervals_one_errorbar_per_item_and_stated_band() -> None:
    ax = BUILDERS["intervals"](None)
    bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 2
    for c in bars:
        assert len(c.lines[0].get_xdata()) == len(ss.INTERVAL_METHODS)
    bands = [c for c in ax.collections if c.get_gid() == "stated_margin"]
    assert len(bands) == 2
    xmin, xmax = bands[0].get_paths()[0].vertices[:, 0].min(), \
        bands[0].get_paths()[0].vertices[:, 0].max()
    assert (xmin, xmax) == pytest.approx((0.675, 0.725))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels.count("Clopper-Pearson") == 2
    assert "inside the stated ±2.5" in title_of(ax)


def test_intervals_forwards_kwargs_to_errorbar() -> None:
    ax = BUILDERS["intervals"](None, color="red", capsize=6)
    data_line = ax.containers[0].lines[0]
    assert matplotlib.colors.same_color(data_line.get_color(), "red")


def test_intervals_from_proportion_ci_and_its_plot_method() -> None:
    ci = ss.proportion_ci(pd.Series(ITEMS), 1600, method="wilson", deff=1.5)
    _fig, ax = plt.subplots()
    out = ci.plot(ax=ax, stated_margin=0.025)
    assert out is ax
    assert len(ax.containers) == 2
    # at deff 1.5 every interval is wider than the stated 2.5 points
    assert title_of(ax).startswith("2 of 2 intervals reach beyond")
    single = ss.proportion_ci(0.70, 1600).plot()
    assert "70%" in all_texts(single)[0]


def test_intervals_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="MethodComparison, a ProportionCI or a DataFrame"):
        sp.plot_intervals([0.7, 0.55])
    with pytest.raises(ValueError, match="lacks column"):
        sp.plot_intervals(pd.DataFrame({"item": ["a"], "low": [0.1]}))


# --- plot_deff_scenarios ----------------------------------------------------------------------

def test_deff_lines_stated_margin_and_implied_deff() -> None:
    ax = BUILDERS["deff_scenarios"](None, linewidth=3.5)
    item_lines = [ln for ln in ax.lines if ln.get_label().endswith("%)")]
    assert len(item_lines) == 2
    assert all(ln.get_linewidth() == 3.5 for ln in item_lines)  # kwargs reach ax.plot
    (stated,) = lines_with_gid(ax, "stated_margin")
    assert np.allclose(stated.get_ydata(), 0.025)
    (implied,) = lines_with_gid(ax, "implied_deff")
    assert implied.get_xdata()[0] == pytest.approx(ss.implied_deff(0.025, 1600))
    assert any("deff 1.04" in t for t in all_texts(ax))
    assert "1.04" in title_of(ax)


def test_deff_by_n_draws_item_by_deff_lines() -> None:
    ax = BUILDERS["deff_scenarios_by_n"](None)
    assert len([ln for ln in ax.lines if "deff" in ln.get_label()]) == 6
    (poll_n,) = lines_with_gid(ax, "poll_n")
    assert poll_n.get_xdata()[0] == 1600
    assert ax.get_xscale() == "log"
    need = int(ss.required_sample_size(0.025, p=0.55, deff=1.5))
    assert f"{need:,} interviews" in title_of(ax)


def test_deff_without_a_stated_margin_draws_no_stated_line() -> None:
    ax = sp.plot_deff_scenarios(ITEMS, 1000)  # a poll that states no margin: the default
    assert not lines_with_gid(ax, "stated_margin") and not lines_with_gid(ax, "implied_deff")
    assert "stated" not in title_of(ax) and "implies" not in title_of(ax)
    m1 = ss.margin_of_error(0.55, 1000)
    assert f"±{100 * m1:.1f} points by simple random sampling" in title_of(ax)
    ax = sp.plot_deff_scenarios(ITEMS, 1000, by="n")
    need = int(ss.required_sample_size(float(m1), p=0.55, deff=1.5))
    assert f"{need:,} interviews" in title_of(ax) and "stated" not in title_of(ax)


def test_deff_by_must_be_valid() -> None:
    with pytest.raises(ValueError, match="by"):
        sp.plot_deff_scenarios(0.55, 1600, by="size")  # type: ignore[arg-type]


# --- plot_bias_tornado ------------------------------------------------------------------------

def test_tornado_bars_sorted_and_centred_on_reported() -> None:
    ax = BUILDERS["bias_tornado"](None, alpha=0.3)
    bars = ax.patches
    assert len(bars) == 12  # six mechanisms x two items
    assert all(b.get_alpha() == 0.3 for b in bars)  # kwargs reach ax.barh
    widths = {}
    for b in bars:
        row = round(b.get_y() + b.get_height() / 2)
        widths[row] = max(widths.get(row, 0.0), b.get_width())
    rows = [widths[r] for r in sorted(widths)]
    assert rows == sorted(rows)  # largest on top (highest y)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].startswith("falsification")
    reported = sorted(ln.get_xdata()[0] for ln in lines_with_gid(ax, "reported"))
    assert reported == [0.55, 0.70]
    (thr,) = lines_with_gid(ax, "threshold")
    assert thr.get_xdata()[0] == 0.5
    assert "15 points" in title_of(ax)


def test_tornado_falsification_bar_is_the_overstatement() -> None:
    ax = sp.plot_bias_tornado(0.55, 1600, ranges={
        "nonresponse": None, "data_defect": None, "coverage": None, "house_effect": None,
        "design_effect": None})
    (bar,) = ax.patches
    assert bar.get_x() == pytest.approx(0.40)
    assert bar.get_x() + bar.get_width() == pytest.approx(0.55)


def test_tornado_rejects_unknown_range() -> None:
    with pytest.raises(ValueError, match="unknown key.*'wording'"):
        sp.plot_bias_tornado(0.55, 1600, ranges={"wording": (0, 1)})


# --- plot_sensitivity_map ---------------------------------------------------------------------

def test_sensitivity_map_labelled_threshold_contour() -> None:
    ax = BUILDERS["sensitivity_map"](None, cmap="viridis", alpha=0.7)
    sets = [c for c in ax.collections if isinstance(c, ContourSet)]
    filled = [c for c in sets if c.filled]
    assert len(filled) == 1
    assert filled[0].get_cmap().name == "viridis"  # kwargs reach ax.contourf
    assert filled[0].get_alpha() == 0.7
    (threshold,) = lines_with_gid(ax, "threshold")
    res = ss.sensitivity_map(0.55, 1600)
    assert np.array_equal(threshold.get_xdata(), res.contour["x"])
    assert np.array_equal(threshold.get_ydata(), res.contour["y"])
    # every contour point is on the threshold, to rounding
    at = ss.scenario_grid(0.55, 1600, odds_ratio=1.0, falsification=0.0)  # shape only
    assert at is not None
    assert "50%: majority lost" in all_texts(ax)
    (central,) = lines_with_gid(ax, "central")
    assert central.get_xdata()[0] == pytest.approx(1.2)
    assert central.get_ydata()[0] == pytest.approx(0.10)
    title = title_of(ax)
    assert "1.22" in title and "10%" in title


def test_sensitivity_map_other_parameters_and_validation() -> None:
    ax = sp.plot_sensitivity_map(0.70, 1600, x="rho", y="house_effect", colorbar=False)
    assert "ρ" in ax.get_xlabel()
    assert title_of(ax)
    with pytest.raises(ValueError, match="must be one of"):
        sp.plot_sensitivity_map(0.55, 1600, x="wording")
    with pytest.raises(ValueError, match="both 'odds_ratio'"):
        sp.plot_sensitivity_map(0.55, 1600, x="odds_ratio", y="odds_ratio")
    with pytest.raises(ValueError, match="n is required"):
        sp.plot_sensitivity_map(0.55)


# --- plot_error_budget ------------------------------------------------------------------------

EXPECTED_ROWS = ["stated ±2.5%", "sampling at deff 1.5", "+ house effect", "+ falsification",
                 "+ nonresponse", "+ coverage", "plausible range"]


def test_error_budget_rows_and_bars() -> None:
    ax = BUILDERS["error_budget"](None, color="red")
    assert [t.get_text() for t in ax.get_yticklabels()] == EXPECTED_ROWS
    assert len(ax.patches) == 7
    assert all(matplotlib.colors.same_color(b.get_facecolor()[:3], "red") for b in ax.patches)
    first, last = ax.patches[0], ax.patches[-1]
    assert (first.get_x(), first.get_x() + first.get_width()) == pytest.approx((0.525, 0.575))
    res = ss.Scenario.preset("plausible").apply(0.55, 1600)
    assert last.get_x() == pytest.approx(res.low)
    assert last.get_x() + last.get_width() == pytest.approx(res.high)
    (thr,) = lines_with_gid(ax, "threshold")
    assert thr.get_xdata()[0] == 0.5
    assert "46%" in title_of(ax)


def test_error_budget_from_scenario_result_and_plot_method() -> None:
    res = ss.Scenario.preset("stress").apply(0.70, 1600)
    _fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    assert "stress" in title_of(ax)
    # no margin was stated, so there is no "stated" row: the sampling interval comes first
    assert ax.get_yticklabels()[0].get_text() == "sampling at deff 2.25"
    assert not any("stated" in t.get_text() for t in ax.get_yticklabels())
    with pytest.raises(ValueError, match="n is required"):
        sp.plot_error_budget(0.55)
    with pytest.raises(ValueError, match="n and deff are taken from the ScenarioResult"):
        sp.plot_error_budget(res, 1600)


# --- plot_bias_analysis and plot_poll_simulation ----------------------------------------------

def test_bias_analysis_histograms_interval_and_reported(analysis: ss.BiasAnalysis) -> None:
    _fig, ax = plt.subplots()
    sp.plot_bias_analysis(analysis, ax=ax, alpha=0.3)
    bars = [p for p in ax.patches if p.get_gid() != "interval"]
    assert len(bars) > 20
    assert all(p.get_alpha() == 0.3 for p in bars)  # kwargs reach ax.hist
    (band,) = [p for p in ax.patches if p.get_gid() == "interval"]
    lo, hi = analysis.interval
    xs = band.get_path().transformed(band.get_patch_transform()).vertices[:, 0]
    assert (xs.min(), xs.max()) == pytest.approx((lo, hi))
    (rep,) = lines_with_gid(ax, "reported")
    assert rep.get_xdata()[0] == 0.55
    (thr,) = lines_with_gid(ax, "threshold")
    assert thr.get_xdata()[0] == 0.5
    assert f"{100 * analysis.median:.0f}%" in title_of(ax)
    assert f"{100 * lo:.0f}%" in title_of(ax)


def test_bias_analysis_plot_method_and_reported_off(analysis: ss.BiasAnalysis) -> None:
    _fig, ax = plt.subplots()
    assert analysis.plot(ax=ax, reported=False) is ax
    assert not lines_with_gid(ax, "reported")


def test_poll_simulation_histogram_and_coverage_title(simulation: ss.PollSimulation) -> None:
    _fig, ax = plt.subplots()
    sp.plot_poll_simulation(simulation, ax=ax, color="red")
    assert len(ax.patches) > 10
    assert all(matplotlib.colors.same_color(p.get_facecolor()[:3], "red")
               for p in ax.patches)
    assert sum(p.get_height() for p in ax.patches) == simulation.polls
    (true_line,) = lines_with_gid(ax, "true_p")
    assert true_line.get_xdata()[0] == 0.62
    (mean_line,) = lines_with_gid(ax, "mean_estimate")
    assert mean_line.get_xdata()[0] == pytest.approx(simulation.mean_estimate)
    title = title_of(ax)
    assert "covers" in title and "62.0%" in title


# --- plot_coverage ----------------------------------------------------------------------------

def test_coverage_curves_and_nominal_line() -> None:
    ax = BUILDERS["coverage"](None, linewidth=2.5)
    curves = [ln for ln in ax.lines if "mean" in ln.get_label()]
    assert len(curves) == 5
    assert all(ln.get_linewidth() == 2.5 for ln in curves)  # kwargs reach ax.plot
    assert np.allclose(curves[0].get_ydata(), ss.coverage("wald", 50).coverage)
    (nominal,) = lines_with_gid(ax, "nominal")
    assert np.allclose(nominal.get_ydata(), 0.95)
    title = title_of(ax)
    assert "Wald" in title and "90." in title


def test_coverage_marks_shares() -> None:
    ax = sp.plot_coverage(1067, methods=("wilson",), mark=ITEMS)
    assert sorted(ln.get_xdata()[0] for ln in lines_with_gid(ax, "mark")) == [0.55, 0.70]


# --- plot_manski, plot_dont_know, plot_nested_shares ------------------------------------------

def test_manski_band_segments_and_dont_know_overlay() -> None:
    ax = BUILDERS["manski"](None, alpha=0.6)
    (band,) = [c for c in ax.collections if c.get_gid() == "manski"]
    assert band.get_alpha() == 0.6  # kwargs reach ax.fill_between
    segments = [c for c in ax.collections
                if isinstance(c, LineCollection) and c.get_gid() is None]
    assert len(segments[0].get_segments()) == 5
    (thr,) = lines_with_gid(ax, "threshold")
    assert np.allclose(thr.get_ydata(), 0.5)
    (dk,) = [c for c in ax.collections if c.get_gid() == "dont_know"]
    (seg,) = dk.get_segments()
    assert seg[:, 1] == pytest.approx([0.70, 0.89])
    (among,) = lines_with_gid(ax, "among_opinion")
    assert among.get_ydata()[0] == pytest.approx(0.70 / 0.81)
    title = title_of(ax)
    assert "7%" in title and "97%" in title


def test_manski_without_dont_know() -> None:
    ax = sp.plot_manski(0.55, response_rates=(0.1, 0.5))
    assert not [c for c in ax.collections if c.get_gid() == "dont_know"]
    with pytest.raises(ValueError, match="response_rate"):
        sp.plot_manski(0.55, response_rates=(0.0, 0.5))


def test_dont_know_readings() -> None:
    ax = BUILDERS["dont_know"](None, color="red")
    assert len(ax.patches) == 6  # three answers stacked, three readings
    readings = [p for p in ax.patches
                if matplotlib.colors.same_color(p.get_facecolor()[:3], "red")]
    assert [round(p.get_width(), 4) for p in readings] == [0.70, round(0.70 / 0.81, 4), 0.89]
    assert "86%" in title_of(ax)


def test_nested_shares_two_readings() -> None:
    ax = BUILDERS["nested_shares"](None, color="red")
    inner = [p for p in ax.patches
             if matplotlib.colors.same_color(p.get_facecolor()[:3], "red")]
    assert [round(p.get_width(), 4) for p in inner] == [0.55, 0.385]
    assert len([c for c in ax.containers if isinstance(c, ErrorbarContainer)]) == 2
    assert len(ax.patches) == 6
    assert "38.5%" in title_of(ax)


def test_nested_shares_accepts_result_and_dict() -> None:
    ns = ss.nested_shares(0.55, 0.70, 1600)
    a = sp.plot_nested_shares(ns, subgroup="optimists")
    assert "optimists" in title_of(a)
    b = sp.plot_nested_shares({"reported": 0.55, "parent": 0.70, "n": 1600})
    assert "38.5%" in title_of(b)
    with pytest.raises(TypeError, match="NestedShares"):
        sp.plot_nested_shares(0.55)


# --- light import, rendering, gallery ---------------------------------------------------------

def test_import_does_not_load_matplotlib() -> None:
    code = ("import surveystats, surveystats.plotting, sys; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_api_is_explicit() -> None:
    assert set(sp.__all__) >= {
        "plot_intervals", "plot_deff_scenarios", "plot_bias_tornado", "plot_sensitivity_map",
        "plot_error_budget", "plot_bias_analysis", "plot_poll_simulation", "plot_coverage",
        "plot_manski", "plot_dont_know", "plot_nested_shares", "plot_design_estimate",
        "save_figure", "render_all"}
    assert all(hasattr(sp, name) for name in sp.__all__)
    assert len(set(sp.PALETTE.values())) == 8  # Okabe-Ito


def test_save_figure_writes_png_and_svg(tmp_path: Path) -> None:
    with sp.style():
        fig, ax = plt.subplots()
    sp.plot_error_budget(0.55, 1600, ax=ax)
    paths = sp.save_figure(fig, tmp_path / "sub" / "budget.v1")
    assert [p.name for p in paths] == ["budget.v1.png", "budget.v1.svg"]
    img = plt.imread(paths[0])
    assert img.shape[1] == 800  # 8 in at 100 dpi
    assert 400 <= img.shape[0] <= 500
    assert float(np.std(img)) > 0.0  # not blank
    svg = paths[1].read_text(encoding="utf-8")
    assert "<svg" in svg and "chart: surveystats" in svg  # text kept as text


def test_render_all_subset(tmp_path: Path) -> None:
    paths = sp.render_all(tmp_path, formats=("png",), charts=["error_budget", "nested_shares"])
    assert [p.name for p in paths] == ["error_budget_successful_2026.png",
                                       "error_budget_smo_end_hope.png", "nested_shares.png"]
    for p in paths:
        img = plt.imread(p)
        assert img.shape[1] == 800 and float(np.std(img)) > 0.0
    custom = sp.render_all(tmp_path / "x", items={"Levada 2026 better": (0.62, 1613)},
                           formats=("svg",), charts=["manski", "bias_tornado"])
    assert [p.name for p in custom] == ["bias_tornado.svg", "manski_levada_2026_better.svg"]
    with pytest.raises(ValueError, match="unknown name"):
        sp.render_all(tmp_path, charts=["pie"])


def test_chart_jobs_from_a_toplines_table(tmp_path: Path) -> None:
    table = ss.datasets.load_vtsiom_2025_toplines()
    jobs = sp.chart_jobs(table, tmp_path, formats=("png",))
    names = [job.name for job in jobs]
    # the don't-know and nested-share charts come from the toplines' dont_know and
    # ambiguous_base_item columns, not from recognising the bundled numbers
    assert len(names) == 17 and "nested_shares" in names
    (job,) = [j for j in jobs if j.name == "dont_know"]
    (path,) = job()
    assert path == tmp_path / "dont_know.png" and path.exists()
    bare = table[["item", "estimate", "n"]]  # the same numbers without those columns
    assert {"nested_shares", "dont_know"}.isdisjoint(
        job.name for job in sp.chart_jobs(bare, tmp_path))
    with pytest.raises(ValueError, match="lacks column"):
        sp.chart_jobs(table.drop(columns="n"), tmp_path)


def test_gallery_script_renders_everything(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "examples" / "chart_gallery.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path), "--format", "png"],
                          check=True, capture_output=True, text=True)
    printed = done.stdout.split()
    assert len(printed) == 17
    assert all(Path(p).exists() for p in printed)
    assert {Path(p).stem.split("_smo")[0].split("_successful")[0] for p in printed} >= set(
        sp.CHARTS)


def test_style_context_restores_rcparams() -> None:
    before = matplotlib.rcParams["axes.spines.right"]
    with sp.style():
        assert matplotlib.rcParams["axes.spines.right"] is False
        assert tuple(matplotlib.rcParams["figure.figsize"]) == sp.FIGSIZE
    assert matplotlib.rcParams["axes.spines.right"] == before


def test_per_item_charts_accept_any_share() -> None:
    # no crash at a low share, far from the VTsIOM numbers
    for fn in (lambda: sp.plot_error_budget(0.22, 1600),
               lambda: sp.plot_sensitivity_map(0.22, 1600),
               lambda: sp.plot_bias_tornado({"putin_hero": 0.22}, 1600),
               lambda: sp.plot_manski(0.22)):
        ax: Any = fn()
        assert isinstance(ax, Axes)
        plt.close("all")
