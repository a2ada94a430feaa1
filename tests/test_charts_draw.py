"""Charts only draw (issue 9, deliverable 2).

Every chart function is walked: each draws a result from a public core function, and the
numbers in the figure (bar ends, lines, markers, title numbers) equal that result's. A new
``plot_*`` without a check here fails :func:`test_every_chart_function_is_checked`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.container import BarContainer, ErrorbarContainer

import surveystats as ss
from surveystats import plotting as sp
from surveystats.bias import DontKnow, Uniform, default_range, manski_bounds


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _lines(ax: Axes, gid: str) -> list:
    return [ln for ln in ax.get_lines() if ln.get_gid() == gid]


def _bars(ax: Axes) -> list[tuple[float, float]]:
    return [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches
            if p.get_gid() is None]


def _title(ax: Axes) -> str:
    return ax.get_title().replace("\n", " ")


def _errorbar_ends(container: ErrorbarContainer) -> np.ndarray:
    """(low, high) of each horizontal error bar: the ends of its drawn segment."""
    bars = container.lines[2][0]  # (data line, caps, (bar LineCollection,))
    return np.array([[seg[0][0], seg[1][0]] for seg in bars.get_segments()])


def _vertices(collection: Collection) -> np.ndarray:
    """The (x, y) corners of a filled band (PolyCollection in every matplotlib version)."""
    return np.concatenate([path.vertices for path in collection.get_paths()])


# --- the bias charts ----------------------------------------------------------------------


def check_bias_tornado() -> None:
    tor = ss.bias_tornado({"a": 0.62, "b": 0.48}, 1000)
    ax = sp.plot_bias_tornado(tor)
    frame = tor.to_frame()
    drawn = sorted(_bars(ax))
    expected = sorted(zip(frame["low"], frame["high"], strict=True))
    assert np.allclose(drawn, expected, rtol=0, atol=1e-15)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [tor.label(k) for k in tor.order]
    assert f"{100 * tor.move(tor.largest):.0f} points" in ax.get_title()
    # the convenience route computes the same result
    ax2 = sp.plot_bias_tornado({"a": 0.62, "b": 0.48}, 1000, ax=plt.figure().gca())
    assert sorted(_bars(ax2)) == drawn


def check_sensitivity_map() -> None:
    m = ss.sensitivity_map(0.58, 900, x="odds_ratio", y="dont_know")
    ax = sp.plot_sensitivity_map(m, colorbar=False)
    (line,) = _lines(ax, "threshold")
    assert np.array_equal(line.get_xdata(), m.contour["x"])
    assert np.array_equal(line.get_ydata(), m.contour["y"])
    (central,) = _lines(ax, "central")
    assert central.get_xdata()[0] == m.central["odds_ratio"]
    assert central.get_ydata()[0] == m.central["dont_know"]
    title = ax.get_title().replace("\n", " ")
    assert f"an odds ratio of {m.tipping['odds_ratio']:.2f}" in title
    assert f"{100 * m.central_estimate:.0f}%" in title
    (filled,) = [c for c in ax.collections if getattr(c, "filled", False)]
    assert filled.get_array() is not None


def check_error_budget() -> None:
    b = ss.error_budget(0.48, 1000, preset="stress", stated_margin=0.031)
    ax = sp.plot_error_budget(b)
    frame = b.to_frame()
    assert [t.get_text() for t in ax.get_yticklabels()] == list(frame["row"])
    assert np.allclose(_bars(ax), list(zip(frame["low"], frame["high"], strict=True)),
                       rtol=0, atol=1e-15)
    assert f"{100 * b.scenario.estimate:.0f}%" in ax.get_title()


def check_bias_analysis() -> None:
    res = ss.probabilistic_bias_analysis(0.58, 900, {"odds_ratio": Uniform(1.0, 1.5)},
                                         draws=4_000, rng=3)
    plausible = ss.Scenario.preset("plausible").apply(0.58, 900)
    ax = sp.plot_bias_analysis(res, plausible=plausible)
    (line,) = _lines(ax, "plausible")  # the same plausible value as the error budget's
    assert line.get_xdata()[0] == plausible.estimate
    (band,) = [p for p in ax.patches if p.get_gid() == "interval"]
    if hasattr(band, "get_width"):  # a Rectangle (matplotlib >= 3.9) or a Polygon
        xs = np.array([band.get_x(), band.get_x() + band.get_width()])
    else:
        xs = np.asarray(band.get_xy())[:, 0]
    assert np.allclose([xs.min(), xs.max()], res.interval, rtol=0, atol=1e-15)
    title = ax.get_title().replace("\n", " ")
    assert f"{100 * res.share_below(0.5):.0f}% of draws" in title
    assert res.directions() == {"nonresponse": "down"}
    assert "every prior can only lower it" in title  # the title says the sign is assumed


def check_poll_simulation() -> None:
    sim = ss.simulate_poll(0.45, 900, response_odds_ratio=1.3, polls=1_000, rng=3)
    ax = sp.plot_poll_simulation(sim)
    (true_line,) = _lines(ax, "true_p")
    (mean_line,) = _lines(ax, "mean_estimate")
    assert true_line.get_xdata()[0] == sim.true_p
    assert mean_line.get_xdata()[0] == sim.mean_estimate
    title = ax.get_title().replace("\n", " ")
    assert "1.3× as likely to respond" in title  # the coverage claim names its assumption
    clean = ss.simulate_poll(0.45, 900, polls=200, rng=3)
    ax2 = sp.plot_poll_simulation(clean, ax=plt.figure().gca())
    assert "no bias simulated" in ax2.get_title().replace("\n", " ")


def check_tipping_point() -> None:
    # the curve is the pipeline's adjusted share at each parameter value; it meets the
    # threshold at the tipping value, where the vertical line stands
    from surveystats.bias import _pipeline

    tp = ss.tipping_point(0.62, "nonresponse", threshold=0.5)
    ax = sp.plot_tipping_point(tp)
    (curve,) = _lines(ax, "adjusted")
    x, y = (np.asarray(v, dtype=float) for v in curve.get_data())
    expected = _pipeline.adjust(np.full(x.shape, tp.start), {"odds_ratio": x})
    assert np.allclose(y, expected, rtol=0, atol=1e-15)
    (tip,) = _lines(ax, "tipping")
    assert tip.get_xdata()[0] == tp.value
    assert tp.adjusted() == pytest.approx(0.5, abs=1e-12)
    (start,) = _lines(ax, "start")
    assert list(start.get_data()) == [[1.0], [0.62]]
    assert ax.get_title().replace("\n", " ").startswith("62.0% falls to 50% with an odds ratio")


# --- the sampling-error charts ------------------------------------------------------------


def check_intervals() -> None:
    # error bars are proportion_ci's (low, high); the band is estimate ± the stated margin
    items = pd.Series({"tax": 0.62, "fees": 0.08})
    cis = [ss.proportion_ci(items, 900, method=m) for m in ("wilson", "wald", "jeffreys")]
    table = pd.concat([ci.to_frame().rename_axis("item").reset_index() for ci in cis])
    ax = sp.plot_intervals(table, stated_margin=0.03)
    errorbars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    bands = [c for c in ax.collections if c.get_gid() == "stated_margin"]
    for item, bars, band in zip(items.index, errorbars, bands, strict=True):
        rows = table[table["item"] == item]
        assert np.array_equal(bars.lines[0].get_xdata(), rows["estimate"])
        assert np.allclose(_errorbar_ends(bars), rows[["low", "high"]], rtol=0, atol=1e-15)
        xs = _vertices(band)[:, 0]
        assert [xs.min(), xs.max()] == [items[item] - 0.03, items[item] + 0.03]
    half = np.concatenate([ci.margin.to_numpy() for ci in cis])  # the title's half-widths
    assert f"{100 * half.min():.1f} to ±{100 * half.max():.1f}" in _title(ax)
    # the title's count and the band centres are compare_methods' numbers
    cmp = ss.compare_methods(items, 900, methods=["wilson", "wald", "jeffreys"],
                             stated_margin=0.01)
    ax = sp.plot_intervals(cmp, ax=plt.figure().gca())
    assert _title(ax).startswith(f"{cmp.beyond_stated} of {len(cmp.table)} intervals reach")
    bands = [c for c in ax.collections if c.get_gid() == "stated_margin"]
    assert [_vertices(b)[:, 0].min() + 0.01 for b in bands] == pytest.approx(
        cmp.centres.to_numpy(), abs=1e-15)
    cmp = ss.compare_methods(items, 900)  # no stated margin: the spread between methods
    ax = sp.plot_intervals(cmp, ax=plt.figure().gca())
    assert f"differ by at most {100 * cmp.spread:.1f} points" in _title(ax)


def check_deff_scenarios() -> None:
    # curves and dots are margin_of_error; the dotted line and title are implied_deff and
    # required_sample_size
    shares, n, stated = {"tax": 0.64, "roads": 0.47}, 2400, 0.022
    ax = sp.plot_deff_scenarios(shares, n, stated_margin=stated)
    curves = [ln for ln in ax.get_lines() if ln.get_gid() in (None, "used")]
    assert len(curves) == 4  # a curve and a dot at deff 1.5 per item
    for ln in curves:
        x = np.asarray(ln.get_xdata())
        assert any(np.array_equal(ln.get_ydata(), ss.margin_of_error(p, n, deff=x))
                   for p in shares.values())
    assert _lines(ax, "stated_margin")[0].get_ydata()[0] == stated
    d0 = ss.implied_deff(stated, n)
    assert _lines(ax, "implied_deff")[0].get_xdata()[0] == d0
    m15 = ss.margin_of_error(0.47, n, deff=1.5)
    assert f"design effect of {d0:.2f}; at 1.5 the 47% has ±{100 * m15:.1f}" in _title(ax)
    ax = sp.plot_deff_scenarios(shares, n, stated_margin=stated, by="n", deff=(1.0, 1.6, 2.4),
                                ax=plt.figure().gca())
    for ln in [ln for ln in ax.get_lines() if ln.get_gid() is None]:
        x = np.asarray(ln.get_xdata())
        assert any(np.array_equal(ln.get_ydata(), ss.margin_of_error(p, x, deff=d))
                   for p in shares.values() for d in (1.0, 1.6, 2.4))
    assert _lines(ax, "poll_n")[0].get_xdata()[0] == n
    need = int(ss.required_sample_size(stated, p=0.47, deff=1.6))
    assert f"takes {need:,} interviews for the 47%" in _title(ax)
    # each item's own design effect: marked at its margin, and named in the title
    used = {"tax": 1.2, "roads": 1.9}
    ax = sp.plot_deff_scenarios(shares, n, stated_margin=stated, used=used,
                                ax=plt.figure().gca())
    dots = _lines(ax, "used")
    assert [(d.get_xdata()[0], d.get_ydata()[0]) for d in dots] == [
        (u, ss.margin_of_error(shares[k], n, deff=u)) for k, u in used.items()]
    m19 = ss.margin_of_error(0.47, n, deff=1.9)
    assert f"at 1.9 the 47% has ±{100 * m19:.1f}" in _title(ax)
    ax = sp.plot_deff_scenarios(shares, n, by="n", used=used, ax=plt.figure().gca())
    styles = {ln.get_label().rsplit("deff ", 1)[1] for ln in ax.get_lines()
              if "deff " in ln.get_label()}
    assert styles == {"1", "1.2", "1.9", "2.25"}  # the items' beside the sourced low, high


def check_coverage() -> None:
    # each curve is coverage(...).p against .coverage; labels and title quote .mean, .minimum
    methods, grid = ("wald", "wilson", "agresti_coull"), np.linspace(0.005, 0.995, 199)
    ax = sp.plot_coverage(900, methods=methods, p=grid, deff=1.8, confidence_level=0.9,
                          mark={"tax": 0.64})
    results = [ss.coverage(m, 900, grid, deff=1.8, confidence_level=0.9) for m in methods]
    curves = [ln for ln in ax.get_lines() if ln.get_gid() is None]
    for ln, res in zip(curves, results, strict=True):
        assert np.array_equal(ln.get_xdata(), res.p)
        assert np.array_equal(ln.get_ydata(), res.coverage)
        assert ln.get_label().endswith(f"(mean {100 * res.mean:.1f}%)")
    assert _lines(ax, "nominal")[0].get_ydata()[0] == 0.9
    assert _lines(ax, "mark")[0].get_xdata()[0] == 0.64
    worst = min(r.mean for r in results)
    assert f"every method averages {100 * worst:.1f}% or more" in _title(ax)
    assert f"Wald fall, to {100 * results[0].minimum:.0f}%" in _title(ax)


# --- what a share is a share of -----------------------------------------------------------


def check_manski() -> None:
    # band, segments and title are manski_bounds; the don't-know overlay is DontKnow's
    p, rates = 0.62, (0.05, 0.1, 0.3, 1.0)
    ax = sp.plot_manski(p, response_rates=rates, dont_know=0.12)
    (band,) = [c for c in ax.collections if c.get_gid() == "manski"]
    x, y = _vertices(band).T
    low, high = manski_bounds(p, x)
    assert np.all((y == low) | (y == high)) and x.min() == 0.05 and x.max() == 1.0
    (segments,) = [c for c in ax.collections if c.get_gid() is None]
    low, high = manski_bounds(p, np.array(rates))
    assert np.array_equal([s[:, 1] for s in segments.get_segments()], np.c_[low, high])
    assert _lines(ax, "reported")[0].get_ydata()[0] == p
    assert _lines(ax, "threshold")[0].get_ydata()[0] == 0.5
    dk = DontKnow(0.12)
    (dk_seg,) = [c for c in ax.collections if c.get_gid() == "dont_know"]
    assert list(dk_seg.get_segments()[0][:, 1]) == list(dk.bounds(p))
    assert _lines(ax, "among_opinion")[0].get_ydata()[0] == dk.among_opinion(p)
    r0 = default_range("manski", "response_rate").central  # 0.1, one of the rates drawn
    lo, hi = manski_bounds(p, r0)
    assert f"from {100 * lo:.0f}% to {100 * hi:.0f}% at a {100 * r0:.0f}%" in _title(ax)


def check_dont_know() -> None:
    # the three reading bars and the title are DontKnow.bounds and .among_opinion
    p, dk = 0.57, DontKnow(0.16)
    ax = sp.plot_dont_know(p, dk.share, label="tax")
    *answers, readings = [c for c in ax.containers if isinstance(c, BarContainer)]
    low, high = dk.bounds(p)
    among = dk.among_opinion(p)
    assert [bar.get_width() for bar in readings] == [low, among, high]
    (yes,), (dont,), no = answers  # the stacked answers: yes, don't know, no
    edges = [yes.get_width(), dont.get_x(), dont.get_x() + dont.get_width()]
    assert np.allclose(edges, [p, p, high], rtol=0, atol=1e-15)  # barh stores x1 - x0
    assert no.patches[0].get_width() == dk.no_share(p)  # the "no" segment
    title = _title(ax)
    assert f"{100 * low:.0f}% to {100 * high:.0f}% of everyone, or {100 * among:.0f}%" in title


def check_nested_shares() -> None:
    # bars are the two readings' share of all respondents, with nested_shares' intervals
    ns = ss.nested_shares(0.41, 0.63, 900)
    ax = sp.plot_nested_shares(ns, subgroup="voters")
    frame = ns.to_frame().set_index(["reading", "quantity"])
    of_all = frame.xs("share of all", level="quantity").loc[["A", "B"]]
    _whole, subgroup, shares = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [bar.get_width() for bar in subgroup] == [ns.parent, ns.parent]
    assert [bar.get_width() for bar in shares] == list(of_all["estimate"])
    errorbars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    ends = np.concatenate([_errorbar_ends(c) for c in errorbars])
    assert np.allclose(ends, of_all[["low", "high"]], rtol=0, atol=1e-15)
    a_sub = frame.loc[("A", "share of subgroup"), "estimate"]
    assert any(t.get_text().endswith(f"= {100 * a_sub:.0f}% of the voters") for t in ax.texts)
    assert f"or {100 * of_all.loc['B', 'estimate']:.1f}% of them" in _title(ax)
    # the convenience route computes the same result
    ax2 = sp.plot_nested_shares((0.41, 0.63, 900), subgroup="voters", ax=plt.figure().gca())
    assert [bar.get_width() for bar in ax2.containers[2]] == list(of_all["estimate"])


# --- design-based estimates ---------------------------------------------------------------


def check_design_estimate() -> None:
    # one interval per row from the estimate's confint, the point at its estimate, and the
    # question text of the labelled file as the title
    from surveystats.datasets import teaching_labelled_path

    df = ss.read_stata(teaching_labelled_path("dta"))
    est = ss.SurveyDesign(df, weights="weight", strata="region").proportion(
        "trust_tv", by="education", level=1)
    ax = sp.plot_design_estimate(est)
    (intervals,) = [c for c in ax.collections if c.get_gid() == "interval"]
    ends = np.array([[seg[0][0], seg[1][0]] for seg in intervals.get_segments()])
    frame = est.confint()
    assert np.allclose(ends, frame[["low", "high"]], rtol=0, atol=1e-15)
    (points,) = _lines(ax, "estimate")
    assert list(points.get_xdata()) == list(est.estimate)
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(d) for d in est.domain]
    assert ax.get_title() == est.labels["trust_tv"]


#: chart function -> its check
CHECKS: dict[str, Callable[[], None]] = {
    "plot_bias_tornado": check_bias_tornado,
    "plot_sensitivity_map": check_sensitivity_map,
    "plot_error_budget": check_error_budget,
    "plot_bias_analysis": check_bias_analysis,
    "plot_poll_simulation": check_poll_simulation,
    "plot_tipping_point": check_tipping_point,
    "plot_intervals": check_intervals,
    "plot_deff_scenarios": check_deff_scenarios,
    "plot_design_estimate": check_design_estimate,
    "plot_coverage": check_coverage,
    "plot_manski": check_manski,
    "plot_dont_know": check_dont_know,
    "plot_nested_shares": check_nested_shares,
}


def test_every_chart_function_is_checked() -> None:
    charts = sorted(n for n in sp.__all__ if n.startswith("plot_"))
    missing = [n for n in charts if n not in CHECKS]
    assert not missing, f"chart functions without a figure-equals-result check: {missing}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_figure_numbers_equal_the_core_result(name: str) -> None:
    CHECKS[name]()


def test_prior_directions() -> None:
    res = ss.probabilistic_bias_analysis(
        0.58, 900, {"odds_ratio": Uniform(1.0, 1.5), "house_effect": Uniform(-0.02, 0.02),
                    "falsification": Uniform(0.0, 0.1), "reverse_falsification": 0.05},
        draws=2_000, rng=3)
    d = res.directions()
    assert d == {"nonresponse": "down", "falsification": "both", "house_effect": "both"}
    _fig, ax = plt.subplots()
    sp.plot_bias_analysis(res, ax=ax)
    assert "(nonresponse assumed to push one way only)" in ax.get_title().replace("\n", " ")


def test_results_plot_themselves() -> None:
    for res in (ss.bias_tornado(0.6, 800), ss.sensitivity_map(0.6, 800),
                ss.error_budget(0.6, 800)):
        _fig, ax = plt.subplots()
        assert res.plot(ax=ax) is ax


def test_contour_points_are_on_the_threshold() -> None:
    m = ss.sensitivity_map(0.55, 1600, x="rho", y="house_effect")
    c = m.contour
    assert len(c) > 10
    others = m.fixed
    g = ss.scenario_grid(0.55, 1600, **others, rho=c["x"].to_numpy()[:1],
                         house_effect=c["y"].to_numpy()[:1])
    assert abs(float(g["estimate"].iloc[0]) - 0.5) <= 1e-12
    from surveystats.bias import _pipeline

    est = _pipeline.adjust(np.full(len(c), 0.55), {**{k: np.float64(v) for k, v in
                                                      others.items()},
                                                   "rho": c["x"].to_numpy(),
                                                   "house_effect": c["y"].to_numpy()})
    assert np.max(np.abs(est - 0.5)) <= 1e-12


def test_map_tipping_points_equal_tipping_point() -> None:
    m = ss.sensitivity_map(0.55, 1600)
    assert m.tipping["odds_ratio"] == ss.tipping_point(0.55, "nonresponse").value
    assert m.tipping["falsification"] == ss.tipping_point(0.55, "falsification").value


def test_error_budget_rows_are_the_scenario_steps() -> None:
    res = ss.Scenario.preset("plausible").apply(0.55, 1000)
    b = ss.error_budget(res)
    frame = b.to_frame()
    assert list(frame["kind"]) == ["sampling", "bias", "bias", "bias", "bias", "total"]
    steps = res.steps
    assert np.array_equal(frame["estimate"].to_numpy()[1:-1],
                          steps["estimate"].to_numpy()[1:-1])
    assert frame["low"].iloc[-1] == res.low and frame["high"].iloc[-1] == res.high


def test_core_functions_refuse_bad_input() -> None:
    with pytest.raises(ValueError, match="n is required"):
        ss.error_budget(0.5)
    with pytest.raises(ValueError, match="x \\('wording'\\) must be one of"):
        ss.sensitivity_map(0.5, 1000, x="wording")
    with pytest.raises(ValueError, match="unknown key"):
        ss.bias_tornado(0.5, 1000, ranges={"wording": (0, 1)})
    with pytest.raises(ValueError, match="n and ranges are taken from the Tornado"):
        sp.plot_bias_tornado(ss.bias_tornado(0.5, 1000), 1000)
    with pytest.raises(ValueError, match="are taken from the SensitivityMap"):
        sp.plot_sensitivity_map(ss.sensitivity_map(0.55, 1000), x="rho")
