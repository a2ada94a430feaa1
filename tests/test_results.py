"""Every public result shares one base (issue 9, deliverable 5).

Each result is built twice from the same inputs and once from different ones, then checked
for what the base promises: frozen, equal by value, hashable consistently with equality,
picklable, read-only arrays, pandas attributes that cannot be changed from outside, a tidy
``to_frame()``, an HTML table and a one-line ``str()``.
"""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats._result import Result
from surveystats.bias import Uniform
from surveystats.datasets import load_teaching_sample
from surveystats.design import DesignEstimate, SurveyDesign, TTest


def _design() -> SurveyDesign:
    df = load_teaching_sample("stratified")
    return SurveyDesign(df, weights="weight", strata="region", fpc="fpc")


def _pba(p: float) -> ss.BiasAnalysis:
    return ss.probabilistic_bias_analysis(p, 1600, {"odds_ratio": Uniform(1.0, 1.4)},
                                          draws=500, rng=1)


#: class -> (a builder, a builder of a different result of the same class)
CASES: dict[type, tuple[Callable[[], Any], Callable[[], Any]]] = {
    ss.ProportionCI: (lambda: ss.proportion_ci(0.7, 1600),
                      lambda: ss.proportion_ci(0.7, 1600, deff=1.5)),
    ss.Comparison: (lambda: ss.difference_same_sample(0.70, 0.11, 1600),
                    lambda: ss.difference_same_sample(0.70, 0.12, 1600)),
    ss.NestedShares: (lambda: ss.nested_shares(0.55, 0.70, 1600),
                      lambda: ss.nested_shares(0.55, 0.70, 1000)),
    ss.CoverageResult: (lambda: ss.coverage("wilson", 50),
                        lambda: ss.coverage("wald", 50)),
    ss.WeightingDeff: (lambda: ss.kish_deff([1.0, 2.0, 1.5, 0.5]),
                       lambda: ss.kish_deff([1.0, 2.0, 1.5, 0.6])),
    ss.BiasAnalysis: (lambda: _pba(0.70), lambda: _pba(0.60)),
    ss.ScenarioResult: (lambda: ss.Scenario.preset("plausible").apply(0.70, 1600),
                        lambda: ss.Scenario.preset("stress").apply(0.70, 1600)),
    ss.PollSimulation: (lambda: ss.simulate_poll(0.62, 400, polls=200, rng=3),
                        lambda: ss.simulate_poll(0.62, 400, polls=200, rng=4)),
    ss.TippingPoint: (lambda: ss.tipping_point(0.55, "falsification"),
                      lambda: ss.tipping_point(0.60, "falsification")),
    ss.Tornado: (lambda: ss.bias_tornado({"a": 0.6, "b": 0.45}, 900),
                 lambda: ss.bias_tornado({"a": 0.6, "b": 0.45}, 1000)),
    ss.SensitivityMap: (lambda: ss.sensitivity_map(0.58, 900, x="rho", y="dont_know"),
                        lambda: ss.sensitivity_map(0.58, 900)),
    ss.ErrorBudget: (lambda: ss.error_budget(0.58, 900, stated_margin=0.03),
                     lambda: ss.error_budget(0.58, 900)),
    ss.MethodComparison: (lambda: ss.compare_methods({"a": 0.6, "b": 0.45}, 900,
                                                     stated_margin=0.03),
                          lambda: ss.compare_methods({"a": 0.6, "b": 0.45}, 900)),
    TTest: (lambda: _design().ttest("income", "sex"), lambda: _design().ttest("income")),
    DesignEstimate: (lambda: _design().mean("income", by="region"),
                     lambda: _design().mean("income")),
}

IDS = [cls.__name__ for cls in CASES]


@pytest.fixture(params=list(CASES.items()), ids=IDS)
def case(request: pytest.FixtureRequest) -> tuple[type, Any, Any, Any]:
    cls, (make, make_other) = request.param
    return cls, make(), make(), make_other()


def test_every_public_result_is_covered() -> None:
    public = [getattr(ss, name) for name in ss.__all__]
    results = {obj for obj in public if isinstance(obj, type) and issubclass(obj, Result)}
    assert results | {DesignEstimate, TTest} == set(CASES)


def test_is_a_frozen_result(case: tuple[type, Any, Any, Any]) -> None:
    cls, a, _, _ = case
    assert type(a) is cls
    assert isinstance(a, Result)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen and not params.eq
    assert cls.__eq__ is Result.__eq__ and cls.__hash__ is Result.__hash__
    name = dataclasses.fields(a)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(a, name, None)


def test_equality_and_hash(case: tuple[type, Any, Any, Any]) -> None:
    _, a, twin, other = case
    assert a == twin and not a != twin
    assert hash(a) == hash(twin)
    assert a != other
    assert a != "something else"
    assert len({a, twin, other}) == 2


def test_pickle_round_trip(case: tuple[type, Any, Any, Any]) -> None:
    _, a, _, _ = case
    back = pickle.loads(pickle.dumps(a))
    assert back == a and hash(back) == hash(a)
    pd.testing.assert_frame_equal(back.to_frame(), a.to_frame())
    for f in dataclasses.fields(a):
        value = getattr(back, f.name)
        if isinstance(value, np.ndarray):
            assert not value.flags.writeable, f.name


def test_to_frame_is_a_copy(case: tuple[type, Any, Any, Any]) -> None:
    _, a, twin, _ = case
    frame = a.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) >= 1
    frame["extra"] = 1
    del frame[frame.columns[0]]
    assert a == twin
    pd.testing.assert_frame_equal(a.to_frame(), twin.to_frame())


def test_arrays_are_read_only_and_containers_are_copies(case: tuple[type, Any, Any, Any]) -> None:
    _, a, twin, _ = case
    for f in dataclasses.fields(a):
        value = getattr(a, f.name)
        if isinstance(value, np.ndarray) and value.size:
            assert not value.flags.writeable, f.name
            with pytest.raises(ValueError, match="read-only"):
                value.flat[0] = 0
        elif isinstance(value, pd.DataFrame):
            value["extra"] = 1
            del value[value.columns[0]]
        elif isinstance(value, pd.Series):
            value.iloc[0] = -1
            value.name = "changed"
        elif isinstance(value, dict):
            value.clear()
    assert a == twin
    assert hash(a) == hash(twin)


def test_display(case: tuple[type, Any, Any, Any]) -> None:
    cls, a, _, _ = case
    html = a._repr_html_()
    assert isinstance(html, str) and html.startswith("<div>")
    text = str(a)
    assert isinstance(text, str) and text and "\n" not in text
    # a human sentence where the class has one, else the one-line repr
    assert text.startswith(cls.__name__) == (a._text() is None)
    assert "\n" not in repr(a) and repr(a).startswith(cls.__name__)


def test_human_str() -> None:
    assert str(ss.proportion_ci(0.7, 1600, deff=1.5)) == (
        "70.0% [67.2%, 72.7%] (wilson, 95%, n = 1,600, deff 1.5)")
    assert str(ss.Scenario.preset("plausible").apply(0.55, 1000)).startswith(
        "plausible scenario: reported 55.0% -> 46.0% [")
    assert str(ss.tipping_point(0.55, "falsification")).startswith("falsification = 0.1 takes")
    assert "1600.0" not in str(ss.simulate_poll(0.62, 1600, polls=20, rng=1))


# --- the pieces of the base ----------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class _Toy(Result):
    values: Any
    frame: Any = None
    label: Any = None

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"values": np.ravel(self.values)})


def test_caller_arrays_are_copied_not_frozen_in_place() -> None:
    mine = np.array([1.0, 2.0])
    toy = _Toy(mine)
    assert mine.flags.writeable  # the caller's array is not touched
    mine[0] = 99.0
    assert toy.values[0] == 1.0


def test_equality_is_by_value_with_nan_and_signed_zero() -> None:
    a = _Toy(np.array([np.nan, 0.0, 1.0]), pd.DataFrame({"x": [np.nan, 1.0]}), float("nan"))
    b = _Toy(np.array([np.nan, -0.0, 1.0]), pd.DataFrame({"x": [np.nan, 1.0]}), float("nan"))
    assert a == b and hash(a) == hash(b)
    assert _Toy(np.array([1, 2])) == _Toy(np.array([1.0, 2.0]))
    assert hash(_Toy(np.array([1, 2]))) == hash(_Toy(np.array([1.0, 2.0])))
    assert _Toy(np.array([1.0, 2.0])) != _Toy(np.array([1.0, 2.5]))
    assert _Toy(np.array([1.0, 2.0])) != _Toy(np.array([[1.0, 2.0]]))
    assert _Toy(1.0, label={"a": [1, 2]}) == _Toy(1.0, label={"a": [1, 2]})
    assert hash(_Toy(1.0, label={"a": [1, 2]})) == hash(_Toy(1.0, label={"a": [1, 2]}))


def test_default_display_and_missing_chart() -> None:
    toy = _Toy(np.array([1.0, 2.0]), label="x")
    assert str(toy) == "_Toy(values=<2 values>, frame=None, label=x)"
    assert "<table" in toy._repr_html_()
    with pytest.raises(NotImplementedError, match="_Toy has no chart"):
        toy.plot()


def test_design_se_survives_the_bridge_to_proportion_ci() -> None:
    # the likelihood-ratio n_eff carries R's dispersion n / (n - 1): the SE is the design's
    est = _design().proportion("has_mobile", level=1)
    ci = est.to_proportion_ci(method="likelihood_ratio")
    assert ci.se == est.se[0]
    by = _design().proportion("has_mobile", by="region")
    np.testing.assert_array_equal(by.to_proportion_ci(method="likelihood_ratio").se, by.se)


def test_proportion_ci_se_is_stored() -> None:
    ci = ss.proportion_ci(np.array([0.7, 0.5]), 1600, deff=1.5)
    np.testing.assert_allclose(ci.se, np.sqrt(np.array([0.21, 0.25]) / (1600 / 1.5)))
    assert "se" in {f.name for f in dataclasses.fields(ci)}


def test_importing_the_base_does_not_import_matplotlib() -> None:
    code = "import surveystats._result, sys; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
