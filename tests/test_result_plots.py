"""Every result object draws itself through surveystats.plotting and returns the Axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

import surveystats as ss
from surveystats.bias import Uniform
from surveystats.datasets import load_teaching_sample


@pytest.fixture(autouse=True)
def _close() -> object:
    yield
    plt.close("all")


@pytest.mark.parametrize("make", [
    lambda: ss.proportion_ci(0.7, 1600),
    lambda: ss.Scenario.preset("plausible").apply(0.7, 1600),
    lambda: ss.probabilistic_bias_analysis(0.7, 1600, {"odds_ratio": Uniform(1, 1.4)},
                                           draws=2000, rng=1),
    lambda: ss.simulate_poll(0.62, 1600, polls=500, response_odds_ratio=1.42, rng=1),
    lambda: ss.nested_shares(0.55, 0.70, 1600),
    lambda: ss.coverage("wilson", 50),
    lambda: ss.SurveyDesign(load_teaching_sample("stratified"), weights="weight",
                            strata="region").mean("income", by="sex"),
])
def test_result_plot_returns_the_given_axes(make: object) -> None:
    result = make()  # type: ignore[operator]
    _, ax = plt.subplots()
    out = result.plot(ax=ax)
    assert out is ax
    assert ax.has_data() or ax.patches or ax.lines


# --- the tipping-point chart: what it draws --------------------------------------------------


def _line(ax: object, gid: str) -> object:
    lines = [ln for ln in ax.lines if ln.get_gid() == gid]  # type: ignore[attr-defined]
    assert len(lines) == 1, gid
    return lines[0]


@pytest.mark.parametrize(("p", "mechanism", "fixed"), [
    (0.55, "falsification", {}),
    (0.55, "nonresponse", {}),
    (0.70, "data_defect", {"response_rate": 0.1}),
    (0.55, "house_effect", {}),
    (0.30, "nonresponse", {"threshold": 0.9}),
    (0.62, "coverage", {"uncovered_share": 0.2}),
])
def test_tipping_chart_crosses_the_threshold_at_the_tipping_value(
        p: float, mechanism: str, fixed: dict) -> None:
    import numpy as np

    tp = ss.tipping_point(p, mechanism, **fixed)
    assert tp.found
    ax = tp.plot()
    x, y = (np.asarray(v, dtype=float) for v in _line(ax, "adjusted").get_data())
    assert np.all(np.diff(x) > 0)
    # the curve passes through the threshold where the vertical line stands
    order = np.argsort(x)
    at_tip = np.interp(tp.value, x[order], y[order])
    assert at_tip == pytest.approx(tp.threshold, abs=2e-3)
    assert _line(ax, "tipping").get_xdata()[0] == pytest.approx(tp.value)
    assert _line(ax, "threshold").get_ydata()[0] == pytest.approx(tp.threshold)
    _, sy = _line(ax, "start").get_data()
    assert sy[0] == pytest.approx(p)  # no bias: the reported share
    # the tipping value is inside the range drawn, with room past it
    assert x.min() <= tp.value <= x.max()
    assert ("falls" if tp.threshold < p else "rises") in ax.get_title()


def test_tipping_chart_without_a_crossing_says_so() -> None:
    tp = ss.tipping_point(0.55, "dont_know")
    assert not tp.found
    ax = tp.plot()
    assert ax.get_title().startswith("No ")
    assert not [ln for ln in ax.lines if ln.get_gid() == "tipping"]
    _line(ax, "adjusted")


def test_tipping_chart_on_given_axes_and_bad_input() -> None:
    from surveystats.plotting import plot_tipping_point

    _, ax = plt.subplots()
    assert ss.tipping_point(0.55, "falsification").plot(ax=ax, color="red") is ax
    assert _line(ax, "adjusted").get_color() == "red"
    with pytest.raises(TypeError, match="TippingPoint"):
        plot_tipping_point(0.55)
