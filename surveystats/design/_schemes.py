"""Replicate schemes: replicate factors per PSU made from a design's first stage.

:data:`SCHEMES` is a registry with one signature
``scheme(psus, *, replicates, fay_rho, rng) -> Scheme``: JK1, JKn, BRR, Fay, the Rao-Wu
rescaling bootstrap (R survey's ``jk1weights``, ``jknweights``, ``brrweights`` and
``subbootweights``) and Fay and Train's successive-difference replicates (the American
Community Survey's). A scheme knows nothing of the design classes: it reads a
:class:`PSUStructure` and returns factors, the variance's scale and rscales, and the df
where the structure fixes it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from surveystats._warnings import SurveyStatsWarning
from surveystats.design._hadamard import hadamard
from surveystats.design._linearization import lonely_message

__all__ = ["SCHEMES", "SDR_REPLICATES", "PSUStructure", "Scheme", "SchemeName",
           "sdr_hadamard"]

SchemeName = Literal["jk1", "jkn", "brr", "fay", "bootstrap", "sdr"]

@dataclass(frozen=True)
class PSUStructure:
    """What a replicate scheme needs to know about a design's first stage."""

    unit: np.ndarray  # (n,) PSU code of every row
    unit_stratum: np.ndarray  # (n_units,) stratum code of every PSU
    pop_size: np.ndarray  # (n_strata,) population PSUs per stratum (inf: no fpc)
    unit_order: np.ndarray  # (n_units,) rank of each PSU by first appearance in the data
    stratum_order: np.ndarray  # (n_strata,) rank of each stratum by first appearance
    stratum_labels: list[str]  # label of each stratum, for messages and BRR's order
    has_strata: bool
    lonely_psu: str
    later_fpc: bool  # an fpc was given for a later stage (dropped, as in R)

    @property
    def n_units(self) -> int:
        return int(self.unit_stratum.size)

    @property
    def n_strata(self) -> int:
        return int(self.pop_size.size)

    @property
    def n_sampled(self) -> np.ndarray:
        return np.bincount(self.unit_stratum, minlength=self.n_strata).astype(np.float64)

    @property
    def fpc_factor(self) -> np.ndarray:
        """``(N_h - n_h) / N_h`` per stratum (1 without an fpc)."""
        n_h = self.n_sampled
        with np.errstate(divide="ignore", invalid="ignore"):
            f = (self.pop_size - n_h) / self.pop_size
        return np.where(np.isinf(self.pop_size), 1.0, f)


@dataclass(frozen=True)
class Scheme:
    """Replicate factors per PSU (n_units, R) with the variance's scale and rscales.

    ``df`` is the design's degrees of freedom where the scheme fixes it (R's ``degf``, the
    rank of the weights minus 1, known from the structure): PSUs - 1 for JK1, PSUs - strata
    for JKn, strata for BRR and Fay. None: computed from the weights (bootstrap, or strata
    that the lonely-PSU rule or an fpc of 1 leaves out).
    """

    factors: np.ndarray
    scale: float
    rscales: np.ndarray
    df: int | None = None


SchemeFunction = Callable[..., Scheme]

_MAX_FACTOR_CELLS = 100_000_000


def _check_size(psus: PSUStructure, n_rep: int, kind: str) -> None:
    if psus.n_units * n_rep > _MAX_FACTOR_CELLS:
        raise ValueError(
            f"{kind} would need {n_rep:,} replicates for {psus.n_units:,} PSUs, a "
            f"{psus.n_units:,} x {n_rep:,} matrix of factors; that is too large. Declare the "
            "clusters (PSUs) of the design, or use kind='bootstrap'"
        )


def _lonely_labels(psus: PSUStructure, strata: np.ndarray) -> list[str]:
    return sorted(psus.stratum_labels[int(h)] for h in strata)


def _jk1(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
         rng: np.random.Generator | None) -> Scheme:
    if psus.has_strata:
        raise ValueError(
            "kind='jk1' is the delete-one-PSU jackknife for unstratified designs; this "
            f"design has {psus.n_strata} strata (R's as.svrepdesign refuses too). Use "
            "kind='jkn', the stratified jackknife"
        )
    n = psus.n_units
    f = float(psus.fpc_factor[0])
    if f < 1e-7:
        raise ValueError(
            "every PSU of the population was sampled (fpc equals the number of PSUs), so "
            "there is no sampling variance to replicate"
        )
    _check_size(psus, n, "kind='jk1'")
    factors = np.full((n, n), n / (n - 1.0))
    factors[np.argsort(psus.unit_order), np.arange(n)] = 0.0  # replicate r drops PSU r
    return Scheme(factors, f * (n - 1.0) / n, np.ones(n), df=n - 1)


def _jkn(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
         rng: np.random.Generator | None) -> Scheme:
    if not psus.has_strata:
        raise ValueError(
            "kind='jkn' is the stratified jackknife; this design has no strata. Use "
            "kind='jk1' (R's as.svrepdesign refuses JKn without strata too)"
        )
    n_h = psus.n_sampled
    f = psus.fpc_factor
    certainty = f < 1e-7
    lonely = (n_h == 1) & ~certainty
    rule = psus.lonely_psu
    if lonely.any() and rule == "fail":
        raise ValueError(lonely_message(_lonely_labels(psus, np.flatnonzero(lonely))))
    # one replicate per PSU of a stratum that contributes, strata in order of first
    # appearance and PSUs in order of first appearance within them (R's jknweights)
    us = psus.unit_stratum
    delete = (n_h[us] > 1) & ~certainty[us]
    adjust = lonely[us] & (rule == "adjust")
    use = delete | adjust
    order = np.lexsort((psus.unit_order, psus.stratum_order[us]))
    col_unit = order[use[order]]
    n_rep = col_unit.size
    if n_rep == 0:
        raise ValueError(
            "every stratum was sampled completely (or has a single PSU that is removed): "
            "there is no sampling variance to replicate"
        )
    _check_size(psus, n_rep, "kind='jkn'")
    col_stratum = us[col_unit]
    n_strata = psus.n_strata
    same = us[:, None] == col_stratum[None, :]
    with np.errstate(divide="ignore"):
        inflate = np.where(n_h > 1, n_h / (n_h - 1.0), 1.0)
    factors = np.where(same, inflate[us][:, None], 1.0)
    adj_col = adjust[col_unit]
    if adj_col.any():  # R: 0 in the lonely stratum, nstrat / (nstrat - 1) elsewhere
        factors[:, adj_col] = np.where(same[:, adj_col], 0.0, n_strata / (n_strata - 1.0))
    factors[col_unit, np.arange(n_rep)] = 0.0
    rscales = np.where(adj_col, (n_strata - 1.0) / n_strata,
                       f[col_stratum] * (n_h[col_stratum] - 1.0) / n_h[col_stratum])
    scale = 1.0
    if rule == "average" and n_rep < psus.n_units:
        scale = psus.n_units / n_rep  # R's jknweights: length(unique(psu)) / replicates
    regular = n_rep == psus.n_units and not adj_col.any()
    return Scheme(factors, scale, rscales,
                  df=psus.n_units - n_strata if regular else None)


def _half_samples(psus: PSUStructure, fay_rho: float, kind: str,
                  large: str | None = None) -> Scheme:
    if not psus.has_strata:
        raise ValueError(
            f"kind={kind!r} needs a stratified design with two PSUs per stratum; this "
            "design has no strata. Use kind='jk1' or 'bootstrap'"
        )
    n_h = psus.n_sampled
    bad = np.flatnonzero((n_h < 2) | ((n_h > 2) & (large is None)))
    if bad.size:
        shown = ", ".join(f"{psus.stratum_labels[int(h)]} ({int(n_h[h])})" for h in bad[:10])
        more = f" and {bad.size - 10} more" if bad.size > 10 else ""
        hint = ("; for strata with more than 2, pass large='split' (pairs of PSUs as "
                "pseudo-strata) or large='merge' (each stratum halved), as R's brrweights"
                if np.all(n_h[bad] > 2) else "")
        raise ValueError(
            f"kind={kind!r} needs exactly 2 PSUs in every stratum; {bad.size} stratum(s) "
            f"differ (PSUs in brackets): {shown}{more}. Pair the PSUs into pseudo-strata "
            f"first, or use kind='jkn' or 'bootstrap'{hint}"
        )
    if large == "split" and np.any((n_h > 2) & (n_h % 2 == 1)):
        odd = [f"{psus.stratum_labels[int(h)]} ({int(n_h[h])})"
               for h in np.flatnonzero((n_h > 2) & (n_h % 2 == 1))[:10]]
        raise ValueError(f"large='split' needs an even number of PSUs in every stratum with "
                         f"more than 2; odd: {', '.join(odd)}. Use large='merge'")
    if np.isfinite(psus.pop_size).any():
        warnings.warn(
            f"kind={kind!r}: the finite population correction is dropped (half-sample "
            "replicates assume sampling with replacement), as in R's as.svrepdesign",
            SurveyStatsWarning,
            stacklevel=4,
        )
    # R's brrweights: strata in the order of their labels as text, the PSUs of a stratum in
    # the order they first appear; pseudo-strata numbered first for the strata with more
    # than 2 PSUs, then for those with 2
    labels = psus.stratum_labels
    s_rank = np.empty(psus.n_strata, dtype=np.int64)
    s_rank[sorted(range(psus.n_strata), key=lambda h: labels[h])] = np.arange(psus.n_strata)
    us = psus.unit_stratum
    order = np.lexsort((psus.unit_order, s_rank[us]))  # PSUs by stratum, then appearance
    start = np.concatenate([[0], np.cumsum(n_h[np.argsort(s_rank)])[:-1]]).astype(np.int64)
    pos = np.empty(psus.n_units, dtype=np.int64)  # position of each PSU within its stratum
    pos[order] = np.arange(psus.n_units) - start[s_rank[us[order]]]
    big = n_h > 2
    ranked = np.argsort(s_rank)  # strata in label order
    big_strata, good_strata = ranked[big[ranked]], ranked[~big[ranked]]
    width = np.where(big, n_h // 2 if large == "split" else 1, 1).astype(np.int64)
    first_pseudo = np.zeros(psus.n_strata, dtype=np.int64)  # 1-based number of the first
    upto = 0
    for group in (big_strata, good_strata):  # at most two groups: a handful of cumsums
        first_pseudo[group] = upto + 1 + np.concatenate([[0], np.cumsum(width[group])[:-1]])
        upto += int(width[group].sum())
    n_u = n_h[us]
    if large == "split":
        col1 = (pos % 2).astype(np.float64)  # 0, 1, 0, 1, ... in appearance order
        pseudo = first_pseudo[us] + np.where(n_u > 2, pos // 2, 0)
    else:  # merge (or a 2-PSU stratum): the first half 0, the rest 1
        col1 = (pos >= n_u // 2).astype(np.float64)
        pseudo = first_pseudo[us]
    H = hadamard(upto).astype(np.float64)
    n_rep = H.shape[1]
    h_row = H[pseudo]  # (n_units, R): row 1 + (pseudo - 1), 0-based
    # the PSU takes 2 - rho where its weights column picked by the Hadamard entry is 1
    plus = np.where(h_row == 1.0, 1.0 - col1[:, None], col1[:, None])
    factors = plus * (2.0 - fay_rho) + (1.0 - plus) * fay_rho
    return Scheme(factors, 1.0 / (n_rep * (1.0 - fay_rho) ** 2), np.ones(n_rep), df=upto)


def _brr(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
         rng: np.random.Generator | None, large: str | None = None) -> Scheme:
    return _half_samples(psus, 0.0, "brr", large)


def _fay(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
         rng: np.random.Generator | None, large: str | None = None) -> Scheme:
    return _half_samples(psus, fay_rho, "fay", large)


def _bootstrap(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
               rng: np.random.Generator | None) -> Scheme:
    n_rep = 50 if replicates is None else replicates
    gen = np.random.default_rng(rng)
    n_h = psus.n_sampled
    f = psus.fpc_factor  # 1 - n_h / N_h
    lonely = (n_h == 1) & (f >= 1e-7)
    if lonely.any() and psus.lonely_psu in ("fail", "adjust", "average"):
        labels = _lonely_labels(psus, np.flatnonzero(lonely))
        if psus.lonely_psu == "fail":
            raise ValueError(lonely_message(labels))
        raise ValueError(
            f"kind='bootstrap' supports lonely_psu 'fail', 'remove' and 'certainty'; with "
            f"lonely_psu={psus.lonely_psu!r} the strata {', '.join(labels[:10])} have a "
            "single PSU. Collapse them with a neighbour, or use kind='jkn'"
        )
    _check_size(psus, n_rep, "kind='bootstrap'")
    us = psus.unit_stratum
    draws = np.maximum(n_h - 1, 0).astype(np.int64)  # m_h = n_h - 1 (Rao and Wu 1988)
    by_stratum = np.argsort(us, kind="stable")
    start = np.concatenate([[0], np.cumsum(n_h)[:-1]]).astype(np.int64)
    d_stratum = np.repeat(np.arange(psus.n_strata), draws)
    counts = np.empty((psus.n_units, n_rep))
    for r in range(n_rep):  # loop over replicates; each draw is vectorised
        pick = start[d_stratum] + gen.integers(0, n_h[d_stratum].astype(np.int64))
        counts[:, r] = np.bincount(by_stratum[pick], minlength=psus.n_units)
    lam = np.sqrt(np.where(n_h > 1, f, 0.0))[us]  # sqrt(m (1 - f) / (n - 1)), m = n - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        rescale = np.where(n_h[us] > 1, n_h[us] / (n_h[us] - 1.0), 0.0)
    factors = (1.0 - lam)[:, None] + (lam * rescale)[:, None] * counts
    return Scheme(factors, 1.0 / (n_rep - 1.0), np.ones(n_rep))


#: Successive-difference replicates when none are asked for: the American Community
#: Survey's 80 (U.S. Census Bureau 2014, ch. 12).
SDR_REPLICATES = 80

#: The half-weight of a Hadamard entry in a successive-difference factor, 2^(-3/2).
_SDR_C = 2.0 ** -1.5


def _has_order(order: int) -> bool:
    return bool(hadamard(order - 1).shape[0] == order)


def sdr_hadamard(n_rep: int) -> np.ndarray:
    """The ±1 Hadamard matrix of order ``n_rep`` whose rows the SDR units take.

    The normalised matrix of :func:`~surveystats.design._hadamard.hadamard` (R survey's
    ``hadamard(n_rep - 1)``) with the sign of its first row reversed. A normalised matrix has
    a column of +1s, and its replicate would repeat the full sample (every factor 1); with
    one row reversed no column is constant, the rows and columns stay orthogonal, and the
    variance identity of :func:`_sdr` holds as for any Hadamard matrix.
    """
    H01 = hadamard(n_rep - 1)
    if H01.shape[0] != n_rep:
        below = next((r for r in range((n_rep - 1) // 4 * 4, 3, -4) if _has_order(r)), None)
        above = next(r for r in range((n_rep // 4 + 1) * 4, 4 * n_rep + 8, 4)
                     if _has_order(r))
        nearest = " and ".join(str(r) for r in (below, above) if r is not None)
        raise ValueError(
            f"replicates ({n_rep}) must be the order of a Hadamard matrix that this package "
            "builds (a multiple of 4 that R's hadamard() reaches); the nearest: "
            f"{nearest} (the ACS uses 80)"
        )
    H = 2.0 * H01.astype(np.float64) - 1.0
    H[0] = -H[0]
    return H


def _sdr(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
         rng: np.random.Generator | None, order: np.ndarray | None = None) -> Scheme:
    """Successive-difference replicates (Fay and Train 1995), circular, one chain.

    The units (PSUs) in their sort order ``k = 0, ..., n - 1`` (``order``: the position of
    each unit; None: the order they first appear) take rows ``k mod R`` and
    ``((k + 1) mod n) mod R`` of the Hadamard matrix ``H`` of order R
    (:func:`sdr_hadamard`); the factor of unit k in replicate r is

    ``f_kr = 1 + 2^(-3/2) λ_k (H[k mod R, r] - H[((k + 1) mod n) mod R, r])``

    with ``λ_k = sqrt(1 - n_h / N_h)`` of the unit's stratum (1 without an fpc). The second
    row of unit k is the first row of unit k + 1 and the last unit's second row is the first
    unit's first row (the circle closes). So ``t_r - t = 2^(-3/2) Σ_k H[k mod R, r] d_k``
    with ``d_k = λ_k z_k - λ_(k-1) z_(k-1)`` (circular, z the unit totals), and as
    ``H Hᵀ = R I``, ``4/R Σ_r (t_r - t)² = 1/2 Σ_j (Σ_(k = j mod R) d_k)²``: for ``n <= R``
    exactly the circular successive-difference estimator ``1/2 Σ_k d_k²`` (Wolter 2007,
    Ash 2014's SD2); for ``n > R`` also the products of the differences of units R, 2R, ...
    apart in the sort order, which average about 0 when such distant units are unrelated.
    """
    n_rep = SDR_REPLICATES if replicates is None else replicates
    n = psus.n_units  # at least 2: a design refuses a single PSU
    _check_size(psus, n_rep, "kind='sdr'")
    H = sdr_hadamard(n_rep)
    pos = np.asarray(psus.unit_order if order is None else order, dtype=np.int64)
    first = pos % n_rep
    second = ((pos + 1) % n) % n_rep
    lam = np.sqrt(psus.fpc_factor)[psus.unit_stratum]
    factors = H[first]
    factors -= H[second]
    factors *= (_SDR_C * lam)[:, None]
    factors += 1.0
    return Scheme(factors, 4.0 / n_rep, np.ones(n_rep))


#: Replicate schemes of :meth:`SurveyDesign.to_replicate`, one signature each.
SCHEMES: dict[str, SchemeFunction] = {
    "jk1": _jk1,
    "jkn": _jkn,
    "brr": _brr,
    "fay": _fay,
    "bootstrap": _bootstrap,
    "sdr": _sdr,
}
