"""Replicate weights made from a Taylor design (R survey's ``as.svrepdesign``).

A function that takes a design, not a method that knows the replicate class: it reads the
design's first stage (:meth:`SurveyDesign._psu_structure`), asks a scheme of
:mod:`~surveystats.design._schemes` for factors per PSU, and builds a
:class:`~surveystats.design.ReplicateDesign` with them. Successive-difference replicates
also need the units' sort order, read here from the design's data (:func:`_sort_positions`).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from surveystats._params import Interval
from surveystats._validation import check_choice, check_integer
from surveystats._warnings import SurveyStatsWarning
from surveystats.design._args import bool_arg, fay_rho_arg, int_arg
from surveystats.design._columns import as_name, factorize_sorted, label, rows_text
from surveystats.design._replicate import ReplicateDesign
from surveystats.design._repvar import ReplicateWeights
from surveystats.design._schemes import SCHEMES, PSUStructure, SchemeName

if TYPE_CHECKING:
    from surveystats.design._design import SurveyDesign

__all__ = ["FAY_RHO", "SDR_REPLICATES_DOMAIN", "as_replicate"]

#: Fay's rho when ``kind="fay"`` is asked for without one (a common agency choice is 0.5;
#: the U.S. Census Bureau's ACS uses successive differences instead). A judgement.
FAY_RHO = 0.3

#: Successive-difference replicates: the order of a Hadamard matrix, at least 4 (the ACS
#: uses 80, the CPS 160); the upper end keeps the matrix in memory.
SDR_REPLICATES_DOMAIN = Interval(4, 4096, "both")


def as_replicate(
    design: SurveyDesign,
    kind: SchemeName,
    *,
    replicates: int | None = None,
    fay_rho: float | None = None,
    rng: int | np.random.Generator | None = None,
    mse: bool | None = None,
    large: str | None = None,
    sort: str | None = None,
) -> ReplicateDesign:
    """Replicate weights for ``design``; see :meth:`SurveyDesign.to_replicate`."""
    name = check_choice("kind", kind.lower() if isinstance(kind, str) else kind,
                        tuple(SCHEMES))
    mse = name == "sdr" if mse is None else bool_arg("mse", mse)
    if large is not None:
        if name not in ("brr", "fay"):
            raise ValueError(f"large ({large!r}) is only used with kind='brr' or 'fay'")
        large = check_choice("large", large, ("split", "merge"))
    if name not in ("bootstrap", "sdr") and replicates is not None:
        raise ValueError(
            f"replicates ({replicates!r}) is only used with kind='bootstrap' or 'sdr'; "
            f"kind={name!r} makes its replicates from the design")
    if name != "bootstrap" and rng is not None:
        raise ValueError(
            f"rng ({rng!r}) is only used with kind='bootstrap'; kind={name!r} makes its "
            "replicates from the design")
    if name != "sdr" and sort is not None:
        raise ValueError(f"sort ({sort!r}) is only used with kind='sdr' (the order of the "
                         "units whose successive differences make the replicates)")
    if replicates is None:
        n_rep = None
    elif name == "sdr":
        n_rep = check_integer("replicates", replicates, SDR_REPLICATES_DOMAIN,
                              hint="successive-difference replicates are the columns of a "
                                   "Hadamard matrix of that order (the ACS uses 80)")
    else:
        n_rep = int_arg("replicates", replicates, 2)
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
    if psus.later_fpc and name in ("jk1", "jkn", "bootstrap", "sdr"):
        warnings.warn(
            "to_replicate: the finite population corrections after the first stage are "
            "dropped (replicates are made from the first-stage PSUs), as in R",
            SurveyStatsWarning,
            stacklevel=3,
        )
    extra: dict[str, Any] = {"large": large} if name in ("brr", "fay") else {}
    if name == "sdr" and sort is not None:
        extra["order"] = _sort_positions(design, psus, sort)
    scheme = SCHEMES[name](psus, replicates=n_rep, fay_rho=rho if name == "fay" else 0.0,
                           rng=rng, **extra)
    reps = ReplicateWeights(np.ascontiguousarray(scheme.factors), unit=psus.unit,
                            base=design._w)
    # the structural df holds while every PSU has weight; R stores degf at creation
    df = scheme.df if scheme.df is not None and bool(np.all(design._w > 0)) else None
    return ReplicateDesign._from_parts(
        design._data, design._w, design._weights_source, reps, scheme.scale, scheme.rscales,
        mse, name, adjustments=design._adjustments, structural_df=df)


def _sort_positions(design: SurveyDesign, psus: PSUStructure, sort: Any) -> np.ndarray:
    """The position of each PSU in the order of the column ``sort`` (ties: first appearance).

    The column must have a value in every row and one value per PSU: successive differences
    order whole PSUs (the ACS's housing units, whose persons share the unit's factors).
    """
    name = as_name("sort", sort)
    series = design._column("sort", name)
    codes, _ = factorize_sorted(series)
    if codes.size and codes.min() < 0:
        bad = np.flatnonzero(codes < 0)
        raise ValueError(
            f"sort ({name!r}) has {bad.size} missing value(s) (rows "
            f"{rows_text(series.index, bad)}); every PSU needs a place in the sort order"
        )
    _, first = np.unique(psus.unit, return_index=True)  # the first row of each PSU
    unit_code = codes[first]
    differ = codes != unit_code[psus.unit]
    if differ.any():
        r = int(np.flatnonzero(differ)[0])
        f = int(first[psus.unit[r]])
        raise ValueError(
            f"sort ({name!r}) must be constant within each PSU (successive differences "
            f"order whole PSUs); rows {rows_text(series.index, np.array([f]))} and "
            f"{rows_text(series.index, np.array([r]))} of one PSU have "
            f"{label(series.iloc[f])} and {label(series.iloc[r])}"
        )
    by_sort = np.lexsort((psus.unit_order, unit_code))  # PSUs in sort order
    pos = np.empty(psus.n_units, dtype=np.int64)
    pos[by_sort] = np.arange(psus.n_units)
    return pos
