"""Charts only draw (issue 9, deliverable 2).

Every chart function is walked: each draws a result from a public core function, and the
numbers in the figure (bar ends, lines, markers, title numbers) equal that result's. A new
``plot_*`` without a check here fails :func:`test_every_chart_function_is_checked`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import surveystats as ss  # noqa: E402
from surveystats import plotting as sp  # noqa: E402
from surveystats.bias import Uniform  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _lines(ax: Axes, gid: str) -> list:
    return [ln for ln in ax.get_lines() if ln.get_gid() == gid]


def _bars(ax: Axes) -> list[tuple[float, float]]:
    return [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches
            if p.get_gid() is None]


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
    ax = sp.plot_bias_analysis(res)
    (band,) = [p for p in ax.patches if p.get_gid() == "interval"]
    if hasattr(band, "get_width"):  # a Rectangle (matplotlib >= 3.9) or a Polygon
        xs = np.array([band.get_x(), band.get_x() + band.get_width()])
    else:
        xs = np.asarray(band.get_xy())[:, 0]
    assert np.allclose([xs.min(), xs.max()], res.interval, rtol=0, atol=1e-15)
    assert f"{100 * res.share_below(0.5):.0f}% of draws" in ax.get_title()


def check_poll_simulation() -> None:
    sim = ss.simulate_poll(0.45, 900, response_odds_ratio=1.3, polls=1_000, rng=3)
    ax = sp.plot_poll_simulation(sim)
    (true_line,) = _lines(ax, "true_p")
    (mean_line,) = _lines(ax, "mean_estimate")
    assert true_line.get_xdata()[0] == sim.true_p
    assert mean_line.get_xdata()[0] == sim.mean_estimate


#: chart function -> its check
CHECKS: dict[str, Callable[[], None]] = {
    "plot_bias_tornado": check_bias_tornado,
    "plot_sensitivity_map": check_sensitivity_map,
    "plot_error_budget": check_error_budget,
    "plot_bias_analysis": check_bias_analysis,
    "plot_poll_simulation": check_poll_simulation,
}


def test_every_chart_function_is_checked() -> None:
    charts = sorted(n for n in sp.__all__ if n.startswith("plot_"))
    missing = [n for n in charts if n not in CHECKS]
    assert not missing, f"chart functions without a figure-equals-result check: {missing}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_figure_numbers_equal_the_core_result(name: str) -> None:
    CHECKS[name]()


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
