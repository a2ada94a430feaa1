"""Non-sampling-error mechanisms: how far can a poll's share be from the truth for reasons
that a larger sample would not fix?

Each mechanism maps a true population share to the share a poll would report
(``reported``) and back (``true``); the default ranges say which parameter values the
evidence supports for the VTsIOM December 2025 case, and which are judgements.

>>> from surveystats.bias import MECHANISMS, default_range
>>> k = default_range("nonresponse", "odds_ratio").high
>>> round(MECHANISMS["nonresponse"](k).true(0.70), 3)
0.622
"""

from __future__ import annotations

from surveystats.bias._defaults import (
    EVIDENCE_LABELS,
    DefaultRange,
    default_range,
    default_ranges,
)
from surveystats.bias._mechanisms import (
    MECHANISMS,
    BiasMechanism,
    Bounds,
    Coverage,
    DataDefect,
    DontKnow,
    Falsification,
    FloatOrArray,
    HouseEffect,
    MechanismName,
    Nonresponse,
    Overstatement,
    TSEMultiplier,
    check_combinable,
    manski_bounds,
    meng_bias,
    tse_multiplier,
)
from surveystats.bias._priors import (
    Beta,
    Fixed,
    LogNormal,
    Prior,
    Trapezoidal,
    Triangular,
    Uniform,
)

__all__ = [
    "EVIDENCE_LABELS",
    "MECHANISMS",
    "Beta",
    "BiasMechanism",
    "Bounds",
    "Coverage",
    "DataDefect",
    "DefaultRange",
    "DontKnow",
    "Falsification",
    "Fixed",
    "FloatOrArray",
    "HouseEffect",
    "LogNormal",
    "MechanismName",
    "Nonresponse",
    "Overstatement",
    "Prior",
    "TSEMultiplier",
    "Trapezoidal",
    "Triangular",
    "Uniform",
    "check_combinable",
    "default_range",
    "default_ranges",
    "manski_bounds",
    "meng_bias",
    "tse_multiplier",
]


def __dir__() -> list[str]:
    """The public names only: loaded ``_private`` modules and ``annotations`` stay hidden."""
    return sorted(__all__)
