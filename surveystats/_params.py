"""One description of every public parameter's allowed values.

The validation helpers (``_validation``) and the fuzz strategies (``tests/fuzz_strategies.py``)
read the same objects declared here, in the spirit of scikit-learn's ``_param_validation``:

* :class:`Interval` -- a real interval with open or closed ends (``inf`` is included only when
  the end is closed) and a flag saying whether a value in (1, 100] earns the percentage hint;
* :class:`Options` -- a finite set of strings;
* :class:`Kind` -- anything else (a mapping of priors, a tuple of mechanisms, a seed), named so
  that a fuzz strategy can be registered for it;
* :class:`Param` -- one parameter: its domain plus whether it takes arrays, integers only,
  ``None`` or NaN (under ``nan_policy="propagate"``).

``SIGNATURES`` maps each public callable's qualified name to ``{parameter: Param}``. A new
function gets fuzzed by declaring its parameters here. This module is the bottom layer: it
imports nothing from surveystats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = [
    "CONFIDENCE_LEVEL",
    "INTERVAL_METHOD_NAMES",
    "MARGIN",
    "POSITIVE",
    "SHARE",
    "SIGNATURES",
    "Interval",
    "Kind",
    "Options",
    "Param",
]

Closed = Literal["both", "left", "right", "neither"]


@dataclass(frozen=True)
class Interval:
    """Real numbers between ``low`` and ``high``; ``closed`` says which ends belong.

    An infinite end belongs to the interval only when it is closed, so
    ``Interval(0, inf, "neither")`` is "finite and > 0" and ``Interval(1, inf, "both")``
    admits ``inf``. ``percent_hint`` marks quantities that users often give in percent (a
    share, a margin, a confidence level): a value in (1, 100] then earns the hint.
    """

    low: float
    high: float
    closed: Closed = "both"
    percent_hint: bool = False

    @property
    def low_closed(self) -> bool:
        return self.closed in ("both", "left")

    @property
    def high_closed(self) -> bool:
        return self.closed in ("both", "right")

    def contains(self, values: Any) -> np.ndarray:
        """Elementwise membership (NaN is never a member)."""
        x = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            above = x >= self.low if self.low_closed else x > self.low
            below = x <= self.high if self.high_closed else x < self.high
        return np.asarray(above & below)

    def contains_all(self, arr: np.ndarray) -> bool:
        """True when every element of a non-empty float array is a member (two reductions)."""
        lo, hi = arr.min(), arr.max()
        ok_lo = lo >= self.low if self.low_closed else lo > self.low
        ok_hi = hi <= self.high if self.high_closed else hi < self.high
        return bool(ok_lo and ok_hi)

    def __contains__(self, value: object) -> bool:
        return bool(self.contains(value))  # type: ignore[arg-type]

    def describe(self, *, integer: bool = False) -> str:
        """The allowed values in words: ``in [0, 1]``, ``finite and > 0``, ``>= 1``; with
        ``integer``, ``a whole number >= 1`` (a whole number is finite)."""
        if math.isinf(self.high) and math.isinf(self.low):
            if integer:
                return "a whole number"
            return "a real number" if self.high_closed else "finite"
        if math.isinf(self.high):
            op = ">=" if self.low_closed else ">"
            if integer:
                return f"a whole number {op} {self.low:g}"
            finite = "" if self.high_closed else "finite and "
            return f"{finite}{op} {self.low:g}"
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        whole = "a whole number " if integer else ""
        return f"{whole}in {left}{self.low:g}, {self.high:g}{right}"

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Options:
    """One of a finite set of strings."""

    values: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class Kind:
    """A structured value (a mapping of priors, mechanisms, a seed) described by name."""

    name: str

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class Param:
    """One parameter of a public callable.

    Attributes
    ----------
    domain : Interval, Options or Kind
        The allowed values.
    array : bool
        Array-likes (and Series) are accepted and broadcast; otherwise a single value.
    integer : bool
        Whole numbers only.
    optional : bool
        ``None`` is allowed (and means "not given").
    nan : bool
        NaN is allowed under ``nan_policy="propagate"`` and gives NaN results there.
    cost_high : float or None
        A bound above which a valid value makes the call slow (draws, polls). Fuzz strategies
        stay below it; validation ignores it.
    required : bool
        The parameter has no default: fuzzing must always pass it.
    broadcast : bool
        An array parameter broadcast against the others (False: an axis of a grid, whose
        length is free).
    slack : float
        Values this close outside the interval are accepted and clipped (the mechanisms
        accept 1 + 2e-16 from a previous computation, so that they can be chained).
    """

    domain: Interval | Options | Kind
    array: bool = False
    integer: bool = False
    optional: bool = False
    nan: bool = False
    cost_high: float | None = None
    required: bool = False
    broadcast: bool = True
    slack: float = 0.0


INF = math.inf

# --- shared domains ----------------------------------------------------------------------

#: A share (proportion) in [0, 1]; 70 earns the percentage hint.
SHARE = Interval(0.0, 1.0, "both", percent_hint=True)
#: A share strictly inside (0, 1).
INNER_SHARE = Interval(0.0, 1.0, "neither", percent_hint=True)
#: A share in [0, 1): an uncovered or "don't know" share, a falsification rate.
SHARE_BELOW_ONE = Interval(0.0, 1.0, "left", percent_hint=True)
#: A share in (0, 1]: a response rate.
SHARE_ABOVE_ZERO = Interval(0.0, 1.0, "right", percent_hint=True)
#: A two-sided confidence level; 95 earns the percentage hint.
CONFIDENCE_LEVEL = Interval(0.0, 1.0, "neither", percent_hint=True)
#: A margin of error (half-width) as a share; 2.5 earns the percentage hint.
MARGIN = Interval(0.0, 1.0, "right", percent_hint=True)
#: Finite and > 0 (sample sizes, design effects, odds ratios).
POSITIVE = Interval(0.0, INF, "neither")
#: Finite and >= 0.
NON_NEGATIVE = Interval(0.0, INF, "left")
#: Degrees of freedom: >= 1, inf allowed (normal quantiles).
DF = Interval(1.0, INF, "both")
#: At least one (cluster sizes, respondents, multipliers).
AT_LEAST_ONE = Interval(1.0, INF, "left")
#: A correlation or a signed difference of shares in [-1, 1].
SIGNED_SHARE = Interval(-1.0, 1.0, "both", percent_hint=True)
#: Any finite real number.
REAL = Interval(-INF, INF, "neither")
#: Bounds and modes of priors: bias parameters live far inside, and wider bounds would
#: overflow the draws.
PRIOR_BOUND = Interval(-1e100, 1e100, "both")
#: The log-scale location of a log-normal prior: exp(meanlog) must be a finite odds ratio.
LOG_LOCATION = Interval(-700.0, 700.0, "both")
#: The shape parameters of a beta prior.
PRIOR_SHAPE = Interval(0.0, 1e100, "right")
#: The log-scale spread of a log-normal prior (0: a point mass).
PRIOR_SPREAD = Interval(0.0, 1e100, "both")

INTERVAL_METHOD_NAMES: tuple[str, ...] = (
    "wald", "wilson", "wilson_cc", "agresti_coull", "clopper_pearson", "jeffreys", "logit",
    "arcsine", "likelihood_ratio", "korn_graubard",
)
INTERVAL_METHOD = Options(INTERVAL_METHOD_NAMES)
NAN_POLICY = Options(("raise", "propagate"))
MECHANISM_NAMES = ("coverage", "nonresponse", "data_defect", "falsification", "dont_know",
                   "house_effect")

# --- per-callable parameter tables ---------------------------------------------------------

_CL = Param(CONFIDENCE_LEVEL)
_N = Param(POSITIVE, required=True)
_DEFF = Param(POSITIVE)

SIGNATURES: dict[str, dict[str, Param]] = {
    "proportion_ci": {
        "p": Param(SHARE, array=True, nan=True, required=True),
        "n": Param(POSITIVE, array=True, nan=True, required=True),
        "successes": Param(NON_NEGATIVE, array=True, nan=True, optional=True),
        "method": Param(INTERVAL_METHOD),
        "confidence_level": _CL,
        "deff": Param(POSITIVE, array=True, nan=True),
        "df": Param(DF, array=True, nan=True, optional=True),
        "nan_policy": Param(NAN_POLICY),
    },
    "margin_of_error": {
        "p": Param(SHARE, array=True, required=True),
        "n": Param(POSITIVE, array=True, required=True),
        "deff": Param(POSITIVE, array=True),
        "confidence_level": _CL,
        "population_size": Param(POSITIVE, array=True, optional=True),
    },
    "required_sample_size": {
        "margin": Param(MARGIN, array=True, required=True),
        "p": Param(SHARE, array=True),
        "deff": Param(POSITIVE, array=True),
        "confidence_level": _CL,
        "population_size": Param(POSITIVE, array=True, optional=True),
    },
    "implied_deff": {
        "reported_margin": Param(MARGIN, array=True, required=True),
        "n": Param(POSITIVE, array=True, required=True),
        "p": Param(INNER_SHARE, array=True),
        "confidence_level": _CL,
    },
    "kish_deff": {"weights": Param(NON_NEGATIVE, array=True, required=True)},
    "cluster_deff": {
        "cluster_size": Param(AT_LEAST_ONE, array=True, required=True),
        "icc": Param(SHARE, array=True, required=True),
        "cv_cluster_size": Param(NON_NEGATIVE, array=True),
    },
    "combine_deff": {
        "weighting": Param(POSITIVE, array=True),
        "clustering": Param(POSITIVE, array=True),
    },
    "effective_sample_size": {
        "n": Param(POSITIVE, array=True, required=True),
        "deff": Param(POSITIVE, array=True, required=True),
    },
    "deff_scenarios": {
        "items": Param(SHARE, array=True, required=True),
        "n": Param(POSITIVE, array=True, required=True),
        "deff": Param(POSITIVE, array=True, broadcast=False),
        "method": Param(INTERVAL_METHOD),
        "confidence_level": _CL,
    },
    "difference_same_sample": {
        "p1": Param(SHARE, required=True), "p2": Param(SHARE, required=True), "n": _N,
        "deff": _DEFF, "confidence_level": _CL,
    },
    "ratio_same_sample": {
        "p1": Param(SHARE_ABOVE_ZERO, required=True),
        "p2": Param(SHARE_ABOVE_ZERO, required=True), "n": _N,
        "deff": _DEFF, "confidence_level": _CL,
    },
    "difference_independent": {
        "p1": Param(SHARE, required=True), "n1": _N, "p2": Param(SHARE, required=True),
        "n2": _N, "deff1": _DEFF, "deff2": _DEFF,
        "method": Param(Options(("newcombe", "wald"))), "confidence_level": _CL,
    },
    "nested_shares": {
        "reported": Param(SHARE, required=True), "parent": Param(SHARE, required=True),
        "n": _N, "deff": _DEFF, "method": Param(INTERVAL_METHOD), "confidence_level": _CL,
    },
    "coverage": {
        "method": Param(INTERVAL_METHOD, required=True),
        "n": Param(POSITIVE, cost_high=2000.0, required=True),
        "p": Param(SHARE, array=True, optional=True),
        "deff": _DEFF,
        "confidence_level": _CL,
    },
    "probabilistic_bias_analysis": {
        "p": Param(SHARE, required=True), "n": _N,
        "priors": Param(Kind("priors"), required=True),
        "deff": _DEFF,
        "draws": Param(AT_LEAST_ONE, integer=True, cost_high=2000.0),
        "confidence_level": _CL,
        "random_error": Param(Kind("bool")),
        "rng": Param(Kind("seed"), optional=True),
    },
    "scenario_grid": {
        "p": Param(SHARE, array=True, required=True, broadcast=False), "n": _N,
        "deff": Param(POSITIVE, array=True, broadcast=False),
        "method": Param(INTERVAL_METHOD), "confidence_level": _CL,
        "ranges": Param(Kind("bias_ranges")),
    },
    "tipping_point": {
        "p": Param(SHARE, required=True),
        "mechanism": Param(Options(MECHANISM_NAMES), required=True),
        "threshold": Param(SHARE),
        "n": Param(POSITIVE, optional=True),
        "deff": _DEFF,
        "bound": Param(Options(("estimate", "low", "high"))),
        "method": Param(INTERVAL_METHOD), "confidence_level": _CL,
    },
    "bias_tornado": {
        "p": Param(SHARE, array=True, required=True, broadcast=False), "n": _N,
        "ranges": Param(Kind("tornado_ranges"), optional=True),
    },
    "sensitivity_map": {
        "p": Param(SHARE, required=True), "n": _N,
        "x": Param(Options(("odds_ratio", "rho", "uncovered_share"))),
        "y": Param(Options(("falsification", "dont_know", "house_effect"))),
        "x_values": Param(Kind("map_values"), optional=True),
        "threshold": Param(SHARE),
        "fixed": Param(Kind("map_fixed"), optional=True),
    },
    "compare_methods": {
        "p": Param(SHARE, array=True, required=True, broadcast=False), "n": _N,
        "methods": Param(Kind("interval_methods"), optional=True),
        "deff": _DEFF, "confidence_level": _CL,
        "stated_margin": Param(MARGIN, optional=True),
    },
    "error_budget": {
        "result_or_p": Param(SHARE, required=True), "n": _N,
        "preset": Param(Options(("benign", "plausible", "stress"))),
        "deff": Param(POSITIVE, optional=True),
        "stated_margin": Param(MARGIN, optional=True),
    },
    "Scenario": {
        "mechanisms": Param(Kind("mechanisms")),
        "deff": _DEFF,
    },
    "Scenario.apply": {
        "topline": Param(SHARE, required=True), "n": _N,
        "method": Param(INTERVAL_METHOD), "confidence_level": _CL,
    },
    "simulate_poll": {
        "true_p": Param(SHARE, required=True),
        "deff": _DEFF,
        "n": Param(AT_LEAST_ONE, integer=True, cost_high=400.0, required=True),
        "polls": Param(AT_LEAST_ONE, integer=True, cost_high=50.0),
        "uncovered_share": Param(SHARE_BELOW_ONE),
        "uncovered_difference": Param(SIGNED_SHARE),
        "response_odds_ratio": Param(POSITIVE),
        "falsification": Param(SHARE_BELOW_ONE),
        "reverse_falsification": Param(SHARE_BELOW_ONE),
        "weighting_group_share": Param(INNER_SHARE, optional=True),
        "group_difference": Param(SIGNED_SHARE),
        "group_response_ratio": Param(POSITIVE),
        "method": Param(INTERVAL_METHOD), "confidence_level": _CL,
        "rng": Param(Kind("seed"), optional=True),
    },
    # --- surveystats.bias ------------------------------------------------------------------
    "bias.Nonresponse": {"odds_ratio": Param(POSITIVE, required=True)},
    "bias.DataDefect": {
        "rho": Param(SIGNED_SHARE, required=True),
        "response_rate": Param(SHARE_ABOVE_ZERO, required=True),
    },
    "bias.Falsification": {
        "share": Param(SHARE_BELOW_ONE, required=True),
        "reverse_share": Param(SHARE_BELOW_ONE),
    },
    "bias.Coverage": {
        "uncovered_share": Param(SHARE_BELOW_ONE, required=True),
        "difference": Param(SIGNED_SHARE, required=True),
    },
    "bias.HouseEffect": {"shift": Param(SIGNED_SHARE, required=True)},
    "bias.Overstatement": {"overstatement": Param(SIGNED_SHARE, required=True)},
    "bias.DontKnow": {"share": Param(SHARE_BELOW_ONE, required=True)},
    "bias.TSEMultiplier": {"factor": Param(AT_LEAST_ONE, required=True)},
    "bias.tse_multiplier": {"factor": Param(AT_LEAST_ONE, required=True)},
    "bias.manski_bounds": {
        "p": Param(SHARE, array=True, required=True, slack=1e-12),
        "response_rate": Param(SHARE_ABOVE_ZERO, array=True, required=True),
    },
    "bias.meng_bias": {
        "true_p": Param(SHARE, array=True, required=True, slack=1e-12),
        "rho": Param(SIGNED_SHARE, required=True),
        "n": Param(AT_LEAST_ONE, required=True),
        "population_size": Param(AT_LEAST_ONE, required=True),
    },
    "bias.mechanism.reported": {
        "true_p": Param(SHARE, array=True, required=True, slack=1e-12)},
    "bias.mechanism.true": {
        "reported_p": Param(SHARE, array=True, required=True, slack=1e-12)},
    "bias.Uniform": {
        "low": Param(PRIOR_BOUND, required=True), "high": Param(PRIOR_BOUND, required=True),
    },
    "bias.Triangular": {
        "low": Param(PRIOR_BOUND, required=True), "mode": Param(PRIOR_BOUND, required=True),
        "high": Param(PRIOR_BOUND, required=True),
    },
    "bias.Trapezoidal": {
        "low": Param(PRIOR_BOUND, required=True), "mode_low": Param(PRIOR_BOUND, required=True),
        "mode_high": Param(PRIOR_BOUND, required=True), "high": Param(PRIOR_BOUND, required=True),
    },
    "bias.Beta": {
        "a": Param(PRIOR_SHAPE, required=True),
        "b": Param(PRIOR_SHAPE, required=True),
        "low": Param(PRIOR_BOUND), "high": Param(PRIOR_BOUND),
    },
    "bias.LogNormal": {
        "meanlog": Param(LOG_LOCATION, required=True), "sdlog": Param(PRIOR_SPREAD, required=True),
    },
    "bias.Fixed": {"value": Param(PRIOR_BOUND, required=True)},
    "bias.default_range": {
        "mechanism": Param(Options(MECHANISM_NAMES), required=True),
        "parameter": Param(Kind("bias_parameter_name"), required=True),
        "applies_to": Param(Options(("55% item", "70% item")), optional=True),
    },
}
