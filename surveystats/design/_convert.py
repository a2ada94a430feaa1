"""Replicate weights made from a Taylor design (R survey's ``as.svrepdesign``).

A function that takes a design, not a method that knows the replicate class: it reads the
design's first stage (:meth:`SurveyDesign._psu_structure`), asks a scheme of
:mod:`~surveystats.design._schemes` for factors per PSU, and builds a
:class:`~surveystats.design.ReplicateDesign` with them.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from surveystats._validation import check_choice
from surveystats._warnings import SurveyStatsWarning
from surveystats.design._args import bool_arg, fay_rho_arg, int_arg
from surveystats.design._replicate import ReplicateDesign
from surveystats.design._repvar import ReplicateWeights
from surveystats.design._schemes import SCHEMES, SchemeName

if TYPE_CHECKING:
    from surveystats.design._design import SurveyDesign

__all__ = ["FAY_RHO", "as_replicate"]

#: Fay's rho when ``kind="fay"`` is asked for without one (a common agency choice is 0.5;
#: the U.S. Census Bureau's ACS uses successive differences instead). A judgement.
FAY_RHO = 0.3


def as_replicate(
    design: SurveyDesign,
    kind: SchemeName,
    *,
    replicates: int | None = None,
    fay_rho: float | None = None,
    rng: int | np.random.Generator | None = None,
    mse: bool = False,
    large: str | None = None,
) -> ReplicateDesign:
    """Replicate weights for ``design``; see :meth:`SurveyDesign.to_replicate`."""
    name = check_choice("kind", kind.lower() if isinstance(kind, str) else kind,
                        tuple(SCHEMES))
    mse = bool_arg("mse", mse)
    if large is not None:
        if name not in ("brr", "fay"):
            raise ValueError(f"large ({large!r}) is only used with kind='brr' or 'fay'")
        large = check_choice("large", large, ("split", "merge"))
    if name != "bootstrap":
        for param, value in (("replicates", replicates), ("rng", rng)):
            if value is not None:
                raise ValueError(
                    f"{param} ({value!r}) is only used with kind='bootstrap'; kind="
                    f"{name!r} makes its replicates from the design")
    n_rep = None if replicates is None else int_arg("replicates", replicates, 2)
    if name != "fay" and fay_rho is not None:
        raise ValueError(f"fay_rho ({fay_rho!r}) is only used with kind='fay'")
    rho = FAY_RHO if fay_rho is None else fay_rho_arg(fay_rho)
    if design._calibration:
        raise ValueError(
            f"this design is calibrated ({', then '.join(design._adjustments)}); replicate "
            "weights made from it would not repeat the calibration in each replicate and "
            "would understate the variance. Call to_replicate() on the design before "
            "calibrating, then calibrate the ReplicateDesign"
        )
    psus = design._psu_structure()
    if psus.later_fpc and name in ("jk1", "jkn", "bootstrap"):
        warnings.warn(
            "to_replicate: the finite population corrections after the first stage are "
            "dropped (replicates are made from the first-stage PSUs), as in R",
            SurveyStatsWarning,
            stacklevel=3,
        )
    extra = {"large": large} if name in ("brr", "fay") else {}
    scheme = SCHEMES[name](psus, replicates=n_rep, fay_rho=rho if name == "fay" else 0.0,
                           rng=rng, **extra)
    reps = ReplicateWeights(np.ascontiguousarray(scheme.factors), unit=psus.unit,
                            base=design._w)
    # the structural df holds while every PSU has weight; R stores degf at creation
    df = scheme.df if scheme.df is not None and bool(np.all(design._w > 0)) else None
    return ReplicateDesign._from_parts(
        design._data, design._w, design._weights_source, reps, scheme.scale, scheme.rscales,
        mse, name, adjustments=design._adjustments, structural_df=df)
