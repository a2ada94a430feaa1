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
