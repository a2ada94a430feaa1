"""Design-based estimation on microdata: declare the design once, then estimate.

:class:`SurveyDesign` holds strata, clusters (one or more stages), weights, finite
population corrections and the lonely-PSU rule; its methods ``mean``, ``total``,
``proportion``, ``ratio`` and ``quantile`` return a :class:`DesignEstimate` with standard
errors by Taylor linearisation, matching R survey 4.1.1 (``svydesign``, ``svymean``,
``svytotal``, ``svyratio``, ``svyquantile``, ``svyby``, ``svyciprop``) to 1e-8;
``DesignEstimate.contrast`` is R's ``svycontrast``, ``ttest`` (a :class:`TTest`) R's
``svyttest``, ``glm`` (a :class:`GLMResult`) R's ``svyglm`` and ``crosstab`` (a
:class:`Crosstab`, whose ``test`` gives a :class:`CrosstabTest`) R's ``svytable`` shares
and ``svychisq``.

Three separate pieces do the work (as in R survey): the design (``_design``), the
estimators (``_estimators``: point estimates and influence values) and the variance engine
(``_linearization``, fed per-PSU totals by ``_reduce``).

:class:`ReplicateDesign` holds replicate weights, supplied or made by
:meth:`SurveyDesign.to_replicate` (JK1, JKn, BRR, Fay, Rao-Wu bootstrap); the same estimator
functions compute every replicate's estimate at once and the replicate variance engine
(``_replicate``) combines them. ``poststratify``, ``rake``, ``calibrate`` and
``trim_weights`` (``_calibration``) return new designs whose standard errors account for the
calibration.
"""

from __future__ import annotations

from surveystats.design._crosstab import Crosstab, CrosstabTest
from surveystats.design._design import SurveyDesign
from surveystats.design._glm import GLMResult, WaldTest
from surveystats.design._replicate import ReplicateDesign
from surveystats.design._results import DesignEstimate
from surveystats.design._ttest import TTest

__all__ = ["Crosstab", "CrosstabTest", "DesignEstimate", "GLMResult", "ReplicateDesign",
           "SurveyDesign", "TTest", "WaldTest"]


def __dir__() -> list[str]:
    """The public names only: loaded ``_private`` modules and ``annotations`` stay hidden."""
    return sorted(__all__)
