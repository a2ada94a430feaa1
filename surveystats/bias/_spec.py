"""Each bias mechanism declared once: its parameters, their allowed values, neutral values,
labels, units and registry keys, and the one order in which mechanisms act.

Everything that validates, grids, solves, samples, simulates, draws or parses a bias parameter
reads this table: the mechanism classes (``_mechanisms``), the array pipeline (``_pipeline``:
scenario grids, tipping points, bias analysis), :func:`surveystats.tipping_point`, the charts
and the command line. Adding a parameter is one row here.

The data-generating order, :data:`ORDER`, is the path from the population to the published
number: **coverage** (who is in the frame), **nonresponse** or its data-defect form (who
answers), **falsification** (what they say), **don't know** (what base the share is reported
on) and a **house effect** (the pollster's and the wording's shift). Undoing the biases runs
the other way, from the published number back to the population.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from surveystats._params import Interval

__all__ = ["COMPANION", "MECHANISMS", "ORDER", "PARAMETERS", "MechanismSpec", "ParameterSpec",
           "by_field", "field_domain", "parameter", "parameters_of"]


@dataclass(frozen=True)
class ParameterSpec:
    """One bias parameter.

    Attributes
    ----------
    name : str
        Its name in grids, priors, tipping points and on the command line (``--odds-ratio``).
    mechanism : str
        The mechanism it belongs to (a key of :data:`MECHANISMS`).
    field : str
        The attribute of the mechanism class that holds it.
    domain : Interval
        Its allowed values.
    neutral : float
        The value at which the mechanism changes nothing (with the other parameters of the
        mechanism at theirs).
    label : str
        What it is, for charts and tables.
    unit : str
        ``"share"`` (a proportion in [0, 1]), ``"proportion"`` (a signed difference of shares),
        ``"ratio"`` or ``"correlation"``.
    hint : str
        A sentence for error messages: what the number means and how to write it.
    registry : tuple of str or None
        The ``(mechanism, parameter)`` key of its sourced range in
        :func:`surveystats.bias.default_range`, where one exists.
    log_scale : bool
        Searched and drawn on a log scale (ratios).
    """

    name: str
    mechanism: str
    field: str
    domain: Interval
    neutral: float
    label: str
    unit: str
    hint: str
    registry: tuple[str, str] | None = None
    log_scale: bool = False


@dataclass(frozen=True)
class MechanismSpec:
    """One mechanism: its parameters, in the order a free one is chosen for a tipping point."""

    name: str
    label: str
    parameters: tuple[str, ...]


_SHARE_OPEN = Interval(0.0, 1.0, "left", percent_hint=True)  # [0, 1)
_SIGNED = Interval(-1.0, 1.0, "both", percent_hint=True)

_ROWS = (
    ParameterSpec("uncovered_share", "coverage", "uncovered_share", _SHARE_OPEN, 0.0,
                  "adults outside the sampling frame", "share",
                  "it is the share of adults the frame cannot reach (5% is 0.05)",
                  ("coverage", "uncovered_share")),
    ParameterSpec("coverage_difference", "coverage", "difference", _SIGNED, 0.0,
                  "uncovered minus covered share", "proportion",
                  "it is p_uncovered - p_covered as a proportion (20 points lower is -0.20)",
                  ("coverage", "difference")),
    ParameterSpec("odds_ratio", "nonresponse", "odds_ratio",
                  Interval(0.0, math.inf, "neither"), 1.0,
                  "response odds ratio, \u201cyes\u201d to \u201cno\u201d holders", "ratio",
                  'it is how many times as often "yes" holders respond as everyone else; '
                  "1 means no nonresponse bias", ("nonresponse", "odds_ratio"), log_scale=True),
    ParameterSpec("rho", "data_defect", "rho", _SIGNED, 0.0,
                  "data-defect correlation \u03c1 (Meng)", "correlation",
                  "it is a correlation among contacted people", ("data_defect", "rho")),
    ParameterSpec("response_rate", "data_defect", "response_rate",
                  Interval(0.0, 1.0, "right", percent_hint=True), 1.0,
                  "response rate", "share",
                  "it is the share of contacted people who respond (10% is 0.10)",
                  ("data_defect", "response_rate")),
    ParameterSpec("falsification", "falsification", "share", _SHARE_OPEN, 0.0,
                  "share of true \u201cno\u201d holders who say \u201cyes\u201d", "share",
                  'it is the share of true "no" holders who say "yes" (10% is 0.10)',
                  ("falsification", "share")),
    ParameterSpec("reverse_falsification", "falsification", "reverse_share", _SHARE_OPEN, 0.0,
                  "share of true \u201cyes\u201d holders who say \u201cno\u201d", "share",
                  'it is the share of true "yes" holders who say "no" (10% is 0.10)'),
    ParameterSpec("dont_know", "dont_know", "share", _SHARE_OPEN, 0.0,
                  "\u201cdon't know\u201d share of all respondents", "share",
                  'it is the share of respondents who said "don\'t know" (19% is 0.19)',
                  ("dont_know", "share")),
    ParameterSpec("house_effect", "house_effect", "shift", _SIGNED, 0.0,
                  "house and wording shift (reported minus true)", "proportion",
                  "it is a proportion, not percentage points (2 points is 0.02)",
                  ("house_effect", "shift")),
)

#: parameter name -> its specification
PARAMETERS: dict[str, ParameterSpec] = {row.name: row for row in _ROWS}

#: the data-generating order of the mechanisms (undoing runs in reverse)
ORDER: tuple[str, ...] = ("coverage", "nonresponse", "data_defect", "falsification",
                          "dont_know", "house_effect")

#: mechanism name -> its specification, in :data:`ORDER`
MECHANISMS: dict[str, MechanismSpec] = {
    "coverage": MechanismSpec("coverage", "coverage",
                              ("coverage_difference", "uncovered_share")),
    "nonresponse": MechanismSpec("nonresponse", "nonresponse", ("odds_ratio",)),
    "data_defect": MechanismSpec("data_defect", "data defect", ("rho", "response_rate")),
    "falsification": MechanismSpec("falsification", "falsification",
                                   ("falsification", "reverse_falsification")),
    "dont_know": MechanismSpec("dont_know", "don't know", ("dont_know",)),
    "house_effect": MechanismSpec("house_effect", "house effect", ("house_effect",)),
}


#: parameters that only act together: a data-defect correlation needs its response rate, and
#: the two coverage parameters describe one frame
COMPANION: dict[str, str] = {"rho": "response_rate", "response_rate": "rho",
                             "uncovered_share": "coverage_difference",
                             "coverage_difference": "uncovered_share"}


def parameter(name: str) -> ParameterSpec:
    """The specification of a parameter; unknown names list the valid ones."""
    try:
        return PARAMETERS[name]
    except KeyError:
        valid = ", ".join(repr(k) for k in PARAMETERS)
        raise ValueError(f"unknown bias parameter {name!r}; valid parameters: {valid}") from None


def parameters_of(mechanism: str) -> tuple[ParameterSpec, ...]:
    """The parameters of a mechanism, in tipping-point order."""
    return tuple(PARAMETERS[p] for p in MECHANISMS[mechanism].parameters)


def field_domain(mechanism: str) -> dict[str, tuple[float, float]]:
    """``{field: (low, high)}`` of a mechanism class (its ``parameter_domain``), in the
    order of the class's fields."""
    return {p.field: (p.domain.low, p.domain.high) for p in _ROWS if p.mechanism == mechanism}


def by_field(mechanism: str, field: str) -> ParameterSpec:
    """The parameter that a mechanism class stores in ``field``."""
    for p in parameters_of(mechanism):
        if p.field == field:
            return p
    raise KeyError(f"{mechanism}.{field}")
