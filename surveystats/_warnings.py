"""Warning classes for statistical caveats.

A warning here means "the number is computed as documented, but read it with care";
an exception means "no honest number can be computed from this input".
"""

from __future__ import annotations

__all__ = ["DegenerateIntervalWarning", "SurveyStatsWarning"]


class SurveyStatsWarning(UserWarning):
    """Base class of every warning that surveystats raises."""


class DegenerateIntervalWarning(SurveyStatsWarning):
    """An interval collapsed to a point (for example Wald or logit at p = 0 or 1).

    The Wald and logit intervals use the estimated variance p(1 - p) / n, which is zero at
    p = 0 and p = 1, so the interval has zero width there. Wilson, Clopper-Pearson,
    Jeffreys, likelihood-ratio and Korn-Graubard intervals stay informative.
    """
