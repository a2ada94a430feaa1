"""Fuzz every public callable with values drawn from its declared parameters.

The parameters come from ``surveystats._params.SIGNATURES``; ``fuzz_strategies`` turns them
into hypothesis strategies and states the rule each call must obey. This file only maps each
declared name to the callable and to the invariants of what it returns. A test at the end
checks that every public callable is declared, so a new function cannot escape the fuzz.

Runs are repeatable (``derandomize=True``). ``SURVEYSTATS_FUZZ_SUMMARY=1`` prints the
outcome counts at the end of the session (see ``tests/fuzz_report.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fuzz_strategies import (
    Call,
    calls,
    check_finite,
    check_frame,
    check_interval,
    run,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import surveystats
from surveystats import bias
from surveystats._params import SIGNATURES

EXAMPLES = int(os.environ.get("SURVEYSTATS_FUZZ_EXAMPLES", "80"))
FUZZ = settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large],
)


# --- invariants per result type -------------------------------------------------------------


def _nan_ok(call: Call) -> bool:
    return call.kwargs.get("nan_policy") == "propagate"


def check_ci(res: Any, call: Call) -> None:
    nan_ok: Any = False
    if _nan_ok(call):  # NaN output exactly where an input is NaN
        inputs = [np.asarray(call.kwargs[k], float) for k in ("p", "n", "deff", "df")
                  if call.kwargs.get(k) is not None]
        nan_ok = np.logical_or.reduce([np.isnan(a) for a in np.broadcast_arrays(*inputs)])
    check_interval(res.estimate, res.low, res.high, nan_ok=nan_ok)
    frame = res.to_frame()
    assert list(frame.columns)[:3] == ["estimate", "low", "high"]


def check_nonneg(res: Any, call: Call) -> None:
    check_finite(res, "result", nonneg=True)


def check_kish(res: Any, call: Call) -> None:
    check_finite([res.deff, res.n_eff, res.cv], "kish_deff")
    if res.deff < 1.0 - 1e-12 or not 0.0 < res.n_eff <= res.n * (1 + 1e-12):
        raise AssertionError(f"kish_deff out of range: {res!r}")


def check_comparison(res: Any, call: Call) -> None:
    check_interval(res.estimate, res.low, res.high, unit=False, what="comparison")


def check_nested(res: Any, call: Call) -> None:
    for ci in res.intervals.values():
        check_interval(ci.estimate, ci.low, ci.high)
    check_frame(res.to_frame(), "NestedShares", allow_nan=("df",))


def check_scenarios(res: pd.DataFrame, call: Call) -> None:
    check_interval(res["estimate"], res["low"], res["high"])
    check_frame(res, "deff_scenarios")


def check_coverage(res: Any, call: Call) -> None:
    c = np.asarray(res.coverage, float)
    if not (np.isfinite(c).all() and (c >= 0).all() and (c <= 1).all()):
        raise AssertionError("coverage outside [0, 1]")


def check_pba(res: Any, call: Call) -> None:
    low, high = res.interval
    check_interval(res.median, low, high, what="bias-analysis interval")


def check_grid(res: pd.DataFrame, call: Call) -> None:
    if {"estimate", "low", "high"} <= set(res.columns):
        ok = res["estimate"].notna()  # NaN marks parameter values that make p impossible
        check_interval(res.loc[ok, "estimate"], res.loc[ok, "low"], res.loc[ok, "high"])


def check_tipping(res: Any, call: Call) -> None:
    if res.value is not None:
        check_finite(res.value, "tipping value")


def check_tornado(res: Any, call: Call) -> None:
    f = res.to_frame()
    check_interval((f["low"] + f["high"]) / 2, f["low"], f["high"], what="tornado span")


def check_methods(res: Any, call: Call) -> None:
    f = res.to_frame()
    check_interval(f["estimate"], f["low"], f["high"], what="compared interval")
    assert 0 <= res.beyond_stated <= len(f) and res.spread >= 0


def check_map(res: Any, call: Call) -> None:
    z = np.asarray(res.estimate)
    ok = np.isfinite(z)
    if ok.any() and not ((z[ok] >= 0).all() and (z[ok] <= 1).all()):
        raise AssertionError(f"adjusted share outside [0, 1] on the map: {z[ok].min()}, "
                             f"{z[ok].max()}")


def check_budget(res: Any, call: Call) -> None:
    f = res.to_frame()
    check_interval(f["estimate"], f["low"], f["high"], what="error budget row")


def check_scenario_result(res: Any, call: Call) -> None:
    check_interval(res.estimate, res.low, res.high, what="scenario interval")


def check_simulation(res: Any, call: Call) -> None:
    ok = ~np.asarray(res.empty_group, bool)
    check_interval(res.estimates[ok], res.low[ok], res.high[ok], what="simulated interval")


def check_bounds(res: Any, call: Call) -> None:
    low, high = res
    check_interval(low, low, high, what="bounds")


def check_share_out(res: Any, call: Call) -> None:
    if isinstance(res, tuple):
        return check_bounds(res, call)
    a = np.asarray(res, float)
    if not (np.isfinite(a).all() and (a >= 0).all() and (a <= 1).all()):
        raise AssertionError(f"share outside [0, 1]: {res!r}")


def check_real(res: Any, call: Call) -> None:
    check_finite(res, "result")


def check_prior(res: Any, call: Call) -> None:
    lo, hi = res.support
    draws = res.draw(np.random.default_rng(0), 5)
    # a log-normal's support is (0, inf): exp of a large draw may overflow to inf
    finite = np.isfinite(draws) if not isinstance(res, bias.LogNormal) else ~np.isnan(draws)
    if not finite.all():
        raise AssertionError(f"prior draws are not finite: {draws!r}")
    assert lo <= hi


def check_object(res: Any, call: Call) -> None:
    pass


# --- targets -------------------------------------------------------------------------------

_SCENARIO = surveystats.Scenario((bias.Nonresponse(1.2),), deff=1.5)
_MECHANISMS = [bias.Nonresponse(1.42), bias.DataDefect(0.005, 0.1), bias.Falsification(0.1, 0.02),
               bias.Coverage(0.05, -0.2), bias.HouseEffect(0.02), bias.DontKnow(0.19),
               bias.TSEMultiplier(2.0)]


def _reported(true_p: Any, clip: bool = False, which: int = 0) -> Any:
    return _MECHANISMS[which].reported(true_p, clip=clip)


def _true(reported_p: Any, clip: bool = False, which: int = 0) -> Any:
    return _MECHANISMS[which].true(reported_p, clip=clip)


def _scenario_grid(**kwargs: Any) -> Any:
    ranges = kwargs.pop("ranges", {}) or {}
    return surveystats.scenario_grid(**kwargs, **ranges)


#: declared name -> (callable, invariant check, extra fixed kwargs strategy)
TARGETS: dict[str, tuple[Callable[..., Any], Callable[[Any, Call], None]]] = {
    "proportion_ci": (surveystats.proportion_ci, check_ci),
    "margin_of_error": (surveystats.margin_of_error, check_nonneg),
    "required_sample_size": (surveystats.required_sample_size, check_nonneg),
    "implied_deff": (surveystats.implied_deff, check_nonneg),
    "kish_deff": (surveystats.kish_deff, check_kish),
    "cluster_deff": (surveystats.cluster_deff, check_nonneg),
    "combine_deff": (surveystats.combine_deff, check_nonneg),
    "effective_sample_size": (surveystats.effective_sample_size, check_nonneg),
    "deff_scenarios": (surveystats.deff_scenarios, check_scenarios),
    "difference_same_sample": (surveystats.difference_same_sample, check_comparison),
    "ratio_same_sample": (surveystats.ratio_same_sample, check_comparison),
    "difference_independent": (surveystats.difference_independent, check_comparison),
    "nested_shares": (surveystats.nested_shares, check_nested),
    "coverage": (surveystats.coverage, check_coverage),
    "probabilistic_bias_analysis": (surveystats.probabilistic_bias_analysis, check_pba),
    "scenario_grid": (_scenario_grid, check_grid),
    "tipping_point": (surveystats.tipping_point, check_tipping),
    "bias_tornado": (surveystats.bias_tornado, check_tornado),
    "sensitivity_map": (surveystats.sensitivity_map, check_map),
    "error_budget": (surveystats.error_budget, check_budget),
    "compare_methods": (surveystats.compare_methods, check_methods),
    "Scenario": (surveystats.Scenario, check_object),
    "Scenario.apply": (_SCENARIO.apply, check_scenario_result),
    "simulate_poll": (surveystats.simulate_poll, check_simulation),
    "bias.Nonresponse": (bias.Nonresponse, check_object),
    "bias.DataDefect": (bias.DataDefect, check_object),
    "bias.Falsification": (bias.Falsification, check_object),
    "bias.Coverage": (bias.Coverage, check_object),
    "bias.HouseEffect": (bias.HouseEffect, check_object),
    "bias.Overstatement": (bias.Overstatement, check_object),
    "bias.DontKnow": (bias.DontKnow, check_object),
    "bias.TSEMultiplier": (bias.TSEMultiplier, check_object),
    "bias.tse_multiplier": (bias.tse_multiplier, check_object),
    "bias.manski_bounds": (bias.manski_bounds, check_bounds),
    "bias.meng_bias": (bias.meng_bias, check_real),
    "bias.mechanism.reported": (_reported, check_share_out),
    "bias.mechanism.true": (_true, check_share_out),
    "bias.Uniform": (bias.Uniform, check_prior),
    "bias.Triangular": (bias.Triangular, check_prior),
    "bias.Trapezoidal": (bias.Trapezoidal, check_prior),
    "bias.Beta": (bias.Beta, check_prior),
    "bias.LogNormal": (bias.LogNormal, check_prior),
    "bias.Fixed": (bias.Fixed, check_prior),
    "bias.default_range": (bias.default_range, check_object),
}

#: callables in __all__ that take no fuzzable input (or only results of other calls)
NOT_FUZZED = {
    "default_ranges": "takes no arguments",
    "check_combinable": "fuzzed through Scenario(mechanisms=...)",
    "datasets": "a module",
    "read_stata": "reads a file; bad paths and files in tests/test_labelled.py",
    "read_spss": "reads a file; bad paths and files in tests/test_labelled.py",
    "explore": "draws two charts per call; its inputs, checked by the shared checks against "
               "declared intervals, in tests/test_explore.py",
    "Explorer": "made by explore()",
}


def _extra(target: str) -> st.SearchStrategy[dict[str, Any]]:
    if target.startswith("bias.mechanism."):
        return st.fixed_dictionaries({"which": st.integers(0, len(_MECHANISMS) - 1),
                                      "clip": st.booleans()})
    if target == "tipping_point":
        return st.fixed_dictionaries({"mechanism": st.sampled_from(
            ["nonresponse", "falsification", "dont_know", "house_effect"])})
    if target == "bias.default_range":
        pairs = bias.default_ranges()[["mechanism", "parameter"]].drop_duplicates()
        return st.sampled_from([{"mechanism": m, "parameter": p} for m, p in pairs.values])
    if target == "coverage":
        return st.fixed_dictionaries({"p": st.none()}) | st.just({})
    return st.just({})


@pytest.mark.parametrize("target", sorted(TARGETS))
@FUZZ
@given(data=st.data())
def test_fuzz(target: str, data: st.DataObject) -> None:
    func, check = TARGETS[target]
    fixed = data.draw(_extra(target), label="fixed")
    call = data.draw(calls(target, fixed), label="call")
    run(call, func, check)


_RESULTS_AND_TYPES = {
    "ProportionCI", "Comparison", "CoverageResult", "NestedShares", "PollSimulation",
    "ScenarioResult", "TippingPoint", "Tornado", "SensitivityMap", "ErrorBudget",
    "WeightingDeff", "BiasAnalysis", "DesignEstimate", "MethodComparison",
    "DefaultRange", "Prior", "BiasMechanism", "MechanismName", "Bounds", "FloatOrArray",
    "SurveyDesign", "ReplicateDesign",  # fuzzed in test_fuzz_design.py
}


def test_every_public_callable_is_declared() -> None:
    declared = {name.split(".")[-1] for name in SIGNATURES}
    for module, prefix in ((surveystats, ""), (bias, "bias.")):
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj) or name in _RESULTS_AND_TYPES or (
                    isinstance(obj, type) and issubclass(obj, (Warning, tuple))):
                continue  # results (exercised through the calls), protocols, designs
            if name in NOT_FUZZED:
                continue
            assert name in declared, f"{prefix}{name} has no parameter table in _params"
    assert set(TARGETS) == set(SIGNATURES)
