"""surveystats: how sure can we be of a poll's number?

Proportion intervals under design effects, comparisons of shares, the bundled VTsIOM case,
bias scenarios, charts (with sliders in Jupyter: ``explore``) and design-based estimation on
microdata. The public API is what this module re-exports; everything in ``_private`` modules
may change without notice.
"""

from __future__ import annotations

from surveystats import datasets
from surveystats._compare import (
    Comparison,
    NestedShares,
    difference_independent,
    difference_same_sample,
    nested_shares,
    ratio_same_sample,
)
from surveystats._coverage import CoverageResult, coverage
from surveystats._deff import (
    WeightingDeff,
    cluster_deff,
    combine_deff,
    deff_scenarios,
    effective_sample_size,
    kish_deff,
)
from surveystats._engine import ALIASES as INTERVAL_ALIASES
from surveystats._engine import METHODS as _METHODS
from surveystats._explore import Explorer, explore
from surveystats._labelled import read_spss, read_stata
from surveystats._methods import MethodComparison, compare_methods
from surveystats._pba import BiasAnalysis, probabilistic_bias_analysis
from surveystats._planning import implied_deff, margin_of_error, required_sample_size
from surveystats._proportion import ProportionCI, proportion_ci
from surveystats._scenario import PRESETS, Scenario, ScenarioResult, scenario_grid
from surveystats._sensitivity import (
    ErrorBudget,
    SensitivityMap,
    Tornado,
    bias_tornado,
    error_budget,
    sensitivity_map,
)
from surveystats._simulate import PollSimulation, simulate_poll
from surveystats._tipping import TippingPoint, tipping_point
from surveystats._version import __version__
from surveystats._warnings import DegenerateIntervalWarning, SurveyStatsWarning
from surveystats.design import DesignEstimate, ReplicateDesign, SurveyDesign

#: Canonical names of the proportion-interval methods.
INTERVAL_METHODS: tuple[str, ...] = tuple(_METHODS)

__all__ = [
    "INTERVAL_ALIASES",
    "INTERVAL_METHODS",
    "PRESETS",
    "BiasAnalysis",
    "Comparison",
    "CoverageResult",
    "DegenerateIntervalWarning",
    "DesignEstimate",
    "ErrorBudget",
    "Explorer",
    "MethodComparison",
    "NestedShares",
    "PollSimulation",
    "ProportionCI",
    "ReplicateDesign",
    "Scenario",
    "ScenarioResult",
    "SensitivityMap",
    "SurveyDesign",
    "SurveyStatsWarning",
    "TippingPoint",
    "Tornado",
    "WeightingDeff",
    "__version__",
    "bias_tornado",
    "cluster_deff",
    "combine_deff",
    "compare_methods",
    "coverage",
    "datasets",
    "deff_scenarios",
    "difference_independent",
    "difference_same_sample",
    "effective_sample_size",
    "error_budget",
    "explore",
    "implied_deff",
    "kish_deff",
    "margin_of_error",
    "nested_shares",
    "probabilistic_bias_analysis",
    "proportion_ci",
    "ratio_same_sample",
    "read_spss",
    "read_stata",
    "required_sample_size",
    "scenario_grid",
    "sensitivity_map",
    "simulate_poll",
    "tipping_point",
]

_SUBPACKAGES = ("bias", "datasets", "design", "plotting")


def __dir__() -> list[str]:
    """``__all__`` and the public subpackages loaded so far; nothing private.

    Without it ``dir(surveystats)`` lists every ``_private`` module imported so far and the
    ``annotations`` name ``from __future__ import annotations`` leaves behind.
    """
    return sorted({*__all__, *(n for n in _SUBPACKAGES if n in globals())})
