"""Replicate-weight designs: the design object, the replicate schemes and the variance engine.

Three separate pieces, as for Taylor linearisation (R survey's ``svrepdesign`` /
``as.svrepdesign`` and ``svrVar``):

* :class:`ReplicateDesign` holds the full-sample weights and the replicate weights, either
  supplied (an agency's jackknife or BRR columns) or made from a :class:`SurveyDesign` by
  :meth:`SurveyDesign.to_replicate`. Its estimator and calibration methods are those of
  :class:`SurveyDesign`, written once in :mod:`~surveystats.design._methods`, and call the
  very functions of :mod:`~surveystats.design._estimators` that a :class:`SurveyDesign` uses;
* :data:`SCHEMES`, a registry of replicate schemes with one signature
  ``scheme(psus, *, replicates, fay_rho, rng) -> Scheme``: JK1, JKn, BRR, Fay and the
  Rao-Wu rescaling bootstrap, as replicate *factors* per PSU (the analysis weight of a row
  in replicate ``r`` is its sampling weight times the factor of its PSU, R's compressed
  representation);
* :func:`replicate_covariance`, the variance engine: from one estimate per replicate to a
  covariance matrix, ``scale Σ_r rscale_r (θ_r - θ̄)(θ_r - θ̄)ᵀ``. It knows nothing about
  the estimator.

Every statistic of the estimators is a ratio of weighted sums, so the estimates of all
replicates come from one matrix product of the data with the replicate weights
(:meth:`ReplicateWeights.sums`): for compressed weights the rows are first summed within
PSUs (:func:`~surveystats.design._reduce.unit_totals`), which makes the product tiny.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse

from surveystats._validation import check_choice
from surveystats._warnings import SurveyStatsWarning
from surveystats.design import _reduce
from surveystats.design._design import _PANDAS_COW, _numeric, _rows_text
from surveystats.design._methods import _Columns, _DesignMethods

if TYPE_CHECKING:
    from surveystats.design._calibration import CalibrationStep, Cells
    from surveystats.design._estimators import Linear, ReplicateEstimates

__all__ = [
    "REPLICATE_TYPES", "SCHEMES", "PSUStructure", "ReplicateDesign", "ReplicateWeights",
    "Scheme", "hadamard", "replicate_covariance", "weights_rank",
]

ReplicateType = Literal["jk1", "jkn", "brr", "fay", "bootstrap", "other"]
REPLICATE_TYPES: tuple[str, ...] = ("jk1", "jkn", "brr", "fay", "bootstrap", "other")
SchemeName = Literal["jk1", "jkn", "brr", "fay", "bootstrap"]

#: R's tolerance for the rank of the replicate weights (``degf``: ``qr(..., tol = 1e-5)``).
RANK_TOLERANCE = 1e-5

#: Replicate estimates that differ from the full-sample one by less than this fraction of it
#: differ by rounding only (about 500 times machine precision).
ZERO_SPREAD = 1e-13


# --- replicate weights and the variance engine ---------------------------------------------


@dataclass(frozen=True)
class ReplicateWeights:
    """Replicate analysis weights, dense or compressed by unit.

    Dense (``unit`` None): ``factors`` is the (n, R) matrix of analysis weights. Compressed:
    the analysis weight of row ``i`` in replicate ``r`` is ``base[i] * factors[unit[i], r]``.
    """

    factors: np.ndarray
    unit: np.ndarray | None = None
    base: np.ndarray | None = None

    @property
    def n_replicates(self) -> int:
        return int(self.factors.shape[1])

    def sums(self, values: np.ndarray, dom: np.ndarray | None, n_dom: int) -> np.ndarray:
        """``Σ_i w_ri values_ji`` per replicate, domain and variable: (R, n_dom, k).

        ``values`` (k, n) must be 0 on rows that do not count; ``dom`` (n,) gives each
        row's domain (None: one domain).
        """
        k, n = values.shape
        R = self.n_replicates
        split = dom is not None and n_dom > 1
        if self.unit is None:
            if not split:
                out = values @ self.factors  # (k, R): one matrix product
            else:
                assert dom is not None
                rows = (dom[None, :] * k + np.arange(k)[:, None]).ravel()
                cols = np.broadcast_to(np.arange(n), (k, n)).ravel()
                mat = scipy.sparse.csr_matrix((values.ravel(), (rows, cols)),
                                              shape=(n_dom * k, n))
                out = np.asarray(mat @ self.factors)
        else:
            assert self.base is not None
            totals = _reduce.unit_totals(values * self.base, self.unit, self.factors.shape[0],
                                         dom if split else None, n_dom if split else 1)
            if isinstance(totals, _reduce.DomainTotals):  # many domains: sparse pairs
                unit = totals.pair_units()
                rows = (totals.domain[None, :] * k + np.arange(k)[:, None]).ravel()
                cols = np.broadcast_to(unit, (k, unit.size)).ravel()
                mat = scipy.sparse.csr_matrix((totals.values.ravel(), (rows, cols)),
                                              shape=(n_dom * k, self.factors.shape[0]))
                out = np.asarray(mat @ self.factors)
            else:
                out = np.asarray(totals) @ self.factors
        return np.ascontiguousarray(out.T).reshape(R, n_dom if split else 1, k)

    def dense(self) -> np.ndarray:
        """The (n, R) matrix of analysis weights."""
        if self.unit is None:
            return self.factors
        assert self.base is not None
        return self.base[:, None] * self.factors[self.unit]

    def rank(self, rows: np.ndarray | None = None, domains: np.ndarray | None = None,
             n_domains: int = 1) -> np.ndarray:
        """Rank of the analysis weights on ``rows`` (None: all), per domain: (n_domains,).

        R's ``degf`` is this rank minus 1 (``qr(weights(design, "analysis"), tol = 1e-5)``).
        Compressed weights never form the (n, R) matrix: the rows of a unit are multiples of
        its factors, so the rank is that of ``sqrt(Σ_unit base²) * factors`` over the units
        with rows, a (units, R) matrix.
        """
        n = self.factors.shape[0] if self.unit is None else self.unit.size
        keep = np.ones(n, dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
        dom = np.zeros(n, dtype=np.int64) if domains is None else domains
        out = np.zeros(n_domains)
        if self.unit is None:
            order = np.flatnonzero(keep)
            order = order[np.argsort(dom[order], kind="stable")]
            bounds = np.searchsorted(dom[order], np.arange(n_domains + 1))
            for d in range(n_domains):  # loop over domains; each is a block of rows
                out[d] = weights_rank(self.factors, order[bounds[d]:bounds[d + 1]])
            return out
        assert self.base is not None
        n_units = self.factors.shape[0]
        b2 = self.base * self.base
        key = dom[keep] * n_units + self.unit[keep]
        cells, inverse = np.unique(key, return_inverse=True)
        mass = np.bincount(inverse, weights=b2[keep], minlength=cells.size)
        cell_dom, cell_unit = np.divmod(cells, n_units)
        bounds = np.searchsorted(cell_dom, np.arange(n_domains + 1))
        for d in range(n_domains):  # loop over domains; each is a block of its units
            sl = slice(bounds[d], bounds[d + 1])
            scaled = np.sqrt(mass[sl])[:, None] * self.factors[cell_unit[sl]]
            out[d] = weights_rank(scaled)
        return out


def weights_rank(W: np.ndarray, rows: np.ndarray | None = None,
                 tol: float = RANK_TOLERANCE, block: int = 1 << 16) -> int:
    """Rank of replicate weights with R's tolerance, decided far from rounding noise.

    R counts a column of ``W`` when its residual, after projection on the columns already
    counted, is at least ``tol = 1e-5`` times its norm (``qr(W, tol = 1e-5)``). Replicate
    columns are nearly parallel (each differs from the full-sample weights in a few PSUs),
    so the Gram matrix ``WᵀW`` is ill-conditioned and a factorisation of it puts the
    residuals of truly dependent columns at 1e-12 to 1e-9 of the squared norms, straddling
    the squared cut 1e-10: the rank then depends on the BLAS kernel and the thread count.

    Here the common direction is split off first. With ``u = W 1 / R`` (the mean column)
    and ``D = W - u 1ᵀ``, ``span(W) = span([u, D])`` exactly (``u`` is a combination of the
    columns, and each column is ``u + d_r``), so the rank is that of ``[u, D]``. Its Gram
    matrix is well conditioned: the columns of ``D`` are spread over different PSUs. A
    pivoted Cholesky factorisation (LAPACK ``dpstrf``) of it stops when the largest
    remaining squared residual falls below ``tol²`` times the smallest squared column norm
    of ``W``; dependent columns then sit about 1e-25 of that norm (machine precision times
    the much smaller norm of ``D``), independent ones at their real residual.

    Parameters
    ----------
    W : ndarray, shape (n, R)
        Replicate analysis weights.
    rows : ndarray of int, optional
        The rows to use (None: all), read in blocks of ``block`` rows so that no copy of
        ``W`` is made.
    """
    R = W.shape[1]
    idx = np.arange(W.shape[0]) if rows is None else rows
    if idx.size == 0 or R == 0:
        return 0
    G = np.zeros((R + 1, R + 1))
    norms = np.zeros(R)
    mean_weights = np.full(R, 1.0 / R)
    for start in range(0, idx.size, block):  # loop over row blocks, not rows
        Wb = np.ascontiguousarray(W[start:start + block] if rows is None else
                                  W[idx[start:start + block]], dtype=np.float64)
        M = np.empty((Wb.shape[0], R + 1))
        np.matmul(Wb, mean_weights, out=M[:, 0])
        np.subtract(Wb, M[:, :1], out=M[:, 1:])
        G += M.T @ M
        norms += np.einsum("ij,ij->j", Wb, Wb)
    if not (norms > 0).any():
        return 0
    floor = tol * tol * float(norms[norms > 0].min())
    _, _, rank, info = scipy.linalg.lapack.dpstrf(np.asfortranarray(G), tol=floor)
    if info < 0:  # pragma: no cover - LAPACK argument error
        raise RuntimeError(f"dpstrf failed (info={info})")
    return int(rank)


def replicate_covariance(
    thetas: np.ndarray, estimate: np.ndarray, scale: float, rscales: np.ndarray, mse: bool,
    *, full: bool = True,
) -> np.ndarray:
    """Covariance of estimates from their replicates: ``scale Σ_r rscale_r d_r d_rᵀ``.

    Parameters
    ----------
    thetas : ndarray, shape (R, m)
        One row of estimates per replicate.
    estimate : ndarray, shape (m,)
        The full-sample estimates.
    scale, rscales
        The overall factor and one factor per replicate.
    mse : bool
        Centre at the full-sample estimate (True) or at the mean of the replicates with
        a positive rscale (False; R's default, ``survey.replicates.mse = FALSE``).
    full : bool, default True
        False: the variances only, shape (m,).

    Notes
    -----
    Replicates with an undefined estimate (for example a domain that has no weight in a
    replicate) are left out with a warning, as R's ``svrVar`` does.
    """
    finite = np.isfinite(thetas)
    root = np.sqrt(rscales)[:, None]
    if finite.all():
        centre = estimate if mse else thetas[rscales > 0].mean(axis=0)
        dev = (thetas - centre) * root
    else:
        # each estimate (a domain's) uses the replicates where it is defined, as R's
        # svrVar(na.rm=TRUE) does inside svyby, domain by domain
        if not finite.any(axis=0).all():
            raise ValueError(
                "every replicate gives an undefined estimate (no weight in the domain or "
                "a zero denominator in every replicate); no replicate variance exists"
            )
        bad = int((~finite.all(axis=1)).sum())
        warnings.warn(
            f"{bad} replicate(s) gave undefined estimates (e.g. a domain with no weight in "
            "that replicate) and were left out of the variance of those estimates, as R's "
            "svrVar does",
            SurveyStatsWarning,
            stacklevel=4,
        )
        if mse:
            centre = estimate
        else:
            use = finite & (rscales > 0)[:, None]
            centre = np.where(use, thetas, 0.0).sum(axis=0) / np.maximum(use.sum(axis=0), 1)
        dev = np.where(finite, thetas - centre, 0.0) * root
        thetas = np.where(finite, thetas, estimate)
    # an estimate that no replicate moves in exact arithmetic (a calibrated total, a
    # stratum's count) differs between replicates by rounding only: report variance 0
    level = np.maximum(np.abs(estimate), np.max(np.abs(thetas), axis=0))
    still = np.max(np.abs(thetas - estimate), axis=0) <= ZERO_SPREAD * level
    if still.any():
        dev[:, still] = 0.0
    if not full:
        return np.asarray(scale * np.einsum("rm,rm->m", dev, dev))
    cov = scale * (dev.T @ dev)
    return np.asarray(0.5 * (cov + cov.T))


# --- Hadamard matrices (R survey's hadamard()) ----------------------------------------------


def _primes_3_mod_4(limit: int = 7919) -> list[int]:
    sieve = np.ones(limit + 1, dtype=bool)
    sieve[:2] = False
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = False
    return [int(p) for p in np.flatnonzero(sieve) if p % 4 == 3]


#: R's ``small.primes`` in ``paley()``: the primes p = 3 (mod 4) up to 7919.
_SMALL_PRIMES = _primes_3_mod_4()


def _sylvester(order: int) -> np.ndarray:
    return ((scipy.linalg.hadamard(order) + 1) // 2).astype(np.int8)


def _double(H: np.ndarray) -> np.ndarray:
    return np.block([[H, H], [H, 1 - H]]).astype(np.int8)


def _paley_prime(p: int) -> np.ndarray:
    """R's Paley construction of order p + 1 (0/1 coding), for a prime p = 3 (mod 4)."""
    i = np.arange(p)
    m = (i[:, None] + i[None, :]) % p
    residues = np.zeros(p, dtype=bool)
    residues[0] = True
    residues[1] = True
    residues[(np.arange(2, (p - 1) // 2 + 1) ** 2) % p] = True
    body = np.where(residues[m], 0, 1)
    out = np.ones((p + 1, p + 1), dtype=np.int8)
    out[1:, 1:] = body
    return out


def _paley(n: int, nmax: int) -> np.ndarray | None:
    """R's ``paley(n, nmax)``: a Paley matrix of order > n, or None."""
    nceil = nn = n + 4 - (n % 4)
    if (n % 4) + 4 == (n % 8):
        while nn % 8 == 0:
            nn //= 2
        if (nn - 1) in _SMALL_PRIMES:
            m = _paley_prime(nn - 1)
            while nn < nceil:
                m = _double(m)
                nn *= 2
            return m
    if n > _SMALL_PRIMES[-1]:
        return None
    p = min(q for q in _SMALL_PRIMES if q >= n)
    if p + 1 > nceil + 4 and nceil + 4 < nmax:
        return _paley(nceil + 3, 2 * (nceil + 3))
    if p > nmax:
        return None
    return _paley_prime(p)


def _paley_two(q: int) -> np.ndarray:
    """Paley's second construction, order 2(q + 1), for a prime q = 1 (mod 4); normalised."""
    i = np.arange(q)
    chi = np.full(q, -1)
    chi[(i[1:] ** 2) % q] = 1
    chi[0] = 0
    Q = chi[(i[:, None] - i[None, :]) % q]
    C = np.zeros((q + 1, q + 1), dtype=np.int64)
    C[0, 1:] = 1
    C[1:, 0] = 1
    C[1:, 1:] = Q
    eye = np.eye(q + 1, dtype=np.int64)
    H = np.block([[C + eye, C - eye], [C - eye, -C - eye]])
    H = H * H[0][None, :]  # first row all +1
    H = H * H[:, 0][:, None]  # first column all +1
    return ((H + 1) // 2).astype(np.int8)


def hadamard(n: int) -> np.ndarray:
    """A normalised Hadamard matrix (0/1 coding) of order > n, chosen as R survey does.

    R's ``hadamard(n)`` picks the smallest order it can build from Sylvester matrices of
    order 4 and 16 (doubled as needed), Paley's construction, or stored matrices of order
    28 and 36 from Sloane's library. Where R uses a Sylvester or Paley matrix this function
    returns the same matrix, entry for entry; where R uses the stored order-28 or -36
    matrices (or their doublings) it returns a Hadamard matrix *of the same order* from
    Paley's second construction (q = 13 and 17), so the replicates differ from R's but the
    number of replicates and the BRR variance of linear statistics are the same.
    """
    sizes = (4, 16, 28, 36)
    m = n - (n % 4)
    pre = [i for i, s in enumerate(sizes) if m < s <= m + 4]
    if pre:
        return _base(min(pre))
    if all(m < s for s in sizes):
        return _base(0)
    grown = [s * 2 ** max(0, math.ceil(math.log2((n + 1) / s))) for s in sizes]
    best = int(np.argmin([g - n for g in grown]))
    H = _paley(n, grown[best]) if grown[best] - n > 4 else None
    if H is None:
        H = _base(best)
        for _ in range(math.ceil(math.log2(grown[best] / sizes[best]))):
            H = _double(H)
    return H


def _base(i: int) -> np.ndarray:
    return (_sylvester(4), _sylvester(16), _paley_two(13), _paley_two(17))[i]


# --- replicate schemes --------------------------------------------------------------------


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
        from surveystats.design._linearization import lonely_message

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


def _half_samples(psus: PSUStructure, fay_rho: float, kind: str) -> Scheme:
    if not psus.has_strata:
        raise ValueError(
            f"kind={kind!r} needs a stratified design with two PSUs per stratum; this "
            "design has no strata. Use kind='jk1' or 'bootstrap'"
        )
    n_h = psus.n_sampled
    bad = np.flatnonzero(n_h != 2)
    if bad.size:
        shown = ", ".join(f"{psus.stratum_labels[int(h)]} ({int(n_h[h])})" for h in bad[:10])
        more = f" and {bad.size - 10} more" if bad.size > 10 else ""
        raise ValueError(
            f"kind={kind!r} needs exactly 2 PSUs in every stratum; {bad.size} stratum(s) "
            f"differ (PSUs in brackets): {shown}{more}. Pair the PSUs into pseudo-strata "
            "first, or use kind='jkn' or 'bootstrap'"
        )
    if np.isfinite(psus.pop_size).any():
        warnings.warn(
            f"kind={kind!r}: the finite population correction is dropped (half-sample "
            "replicates assume sampling with replacement), as in R's as.svrepdesign",
            SurveyStatsWarning,
            stacklevel=4,
        )
    # strata in the order of their labels as text (R: table(as.character(strata)))
    labels = psus.stratum_labels
    s_rank = np.empty(psus.n_strata, dtype=np.int64)
    s_rank[sorted(range(psus.n_strata), key=lambda h: labels[h])] = np.arange(psus.n_strata)
    H = hadamard(psus.n_strata).astype(np.float64)
    n_rep = H.shape[1]
    us = psus.unit_stratum
    # the PSU of each pair that appears first in the data takes 2 - rho when the Hadamard
    # entry of its stratum is 1, the other PSU takes rho (R's brrweights)
    first = np.ones(psus.n_units, dtype=bool)
    order = np.lexsort((psus.unit_order, us))
    first[order[1::2]] = False
    h_row = H[1 + s_rank[us]]  # (n_units, R)
    plus = np.where(first[:, None], h_row, 1.0 - h_row)
    factors = plus * (2.0 - fay_rho) + (1.0 - plus) * fay_rho
    return Scheme(factors, 1.0 / (n_rep * (1.0 - fay_rho) ** 2), np.ones(n_rep),
                  df=psus.n_strata)


def _brr(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
         rng: np.random.Generator | None) -> Scheme:
    return _half_samples(psus, 0.0, "brr")


def _fay(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
         rng: np.random.Generator | None) -> Scheme:
    return _half_samples(psus, fay_rho, "fay")


def _bootstrap(psus: PSUStructure, *, replicates: int | None, fay_rho: float,
               rng: np.random.Generator | None) -> Scheme:
    n_rep = 50 if replicates is None else replicates
    gen = np.random.default_rng(rng)
    n_h = psus.n_sampled
    f = psus.fpc_factor  # 1 - n_h / N_h
    lonely = (n_h == 1) & (f >= 1e-7)
    if lonely.any() and psus.lonely_psu in ("fail", "adjust", "average"):
        from surveystats.design._linearization import lonely_message

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


#: Replicate schemes of :meth:`SurveyDesign.to_replicate`, one signature each.
SCHEMES: dict[str, SchemeFunction] = {
    "jk1": _jk1,
    "jkn": _jkn,
    "brr": _brr,
    "fay": _fay,
    "bootstrap": _bootstrap,
}


# --- the design -------------------------------------------------------------------------


def _bool_arg(param: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{param} ({value!r}) must be True or False")
    return bool(value)


def _positive(param: str, value: Any, *, allow_zero: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{param} ({value!r}) must be a number") from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{param} ({value!r}) must be a finite number "
                         f"{'>= 0' if allow_zero else '> 0'}")
    return v


class ReplicateDesign(_DesignMethods):
    """A survey design described by replicate weights (R survey's ``svrepdesign``).

    Each replicate is a reweighting of the sample (a jackknife replicate drops a PSU, a
    half-sample replicate doubles one PSU of each pair, a bootstrap replicate resamples
    PSUs); the spread of an estimate over the replicates measures its sampling variance.
    Agencies publish replicate weights instead of strata and PSUs; declare them here, or
    make them from a :class:`SurveyDesign` with :meth:`SurveyDesign.to_replicate`. The
    estimator methods are those of :class:`SurveyDesign` and return the same
    :class:`DesignEstimate`.

    Parameters
    ----------
    data : DataFrame
        One row per responding unit. The design keeps its own copy.
    replicate_weights : list of str, str or array of shape (n, R)
        The replicate analysis weights (sampling weight times replicate factor, R's
        ``combined.weights=TRUE``): a list of column names, a regular expression matched
        at the start of the column names (so a prefix such as ``"rep"`` or a pattern such
        as ``"^repwt[0-9]+$"``; columns in data order), or an (n, R) array.
    weights : str
        Column of full-sample weights (>= 0).
    scale : float or None
        Overall factor of the variance. None: the type's rule, ``(R - 1) / R`` for
        "jk1" (no fpc), ``1 / R`` for "brr", ``1 / (R (1 - rho)²)`` for "fay", ``1 /
        (R - 1)`` for "bootstrap" and 1 for "jkn"; "other" needs it.
    rscales : float, sequence of float or None
        One factor per replicate (a single number is used for all). Required for "jkn"
        (``(n_h - 1) / n_h`` for a replicate dropping a PSU of stratum h); default 1.
    mse : bool, default False
        Centre the replicates at the full-sample estimate (True) or at their mean (False,
        R's default).
    type : {"jk1", "jkn", "brr", "fay", "bootstrap", "other"}, default "other"
        The kind of replicates, which sets the default ``scale``.
    df : float or None
        Degrees of freedom for intervals. None: the rank of the replicate weights minus 1,
        as R's ``degf`` (a design with 80 BRR replicates from 80 strata has 80 - 1).
    fay_rho : float or None
        Fay's rho, needed for ``type="fay"`` only (the replicate factors are 2 - rho and
        rho).

    Attributes
    ----------
    degf : int or float
        Degrees of freedom.
    n_replicates : int
        Number of replicates R.
    scale : float
    rscales : ndarray
    mse : bool
    type : str
    weights : ndarray
        A copy of the full-sample weights.
    replicate_weights : ndarray
        The (n, R) replicate analysis weights (a new array on every access).

    Notes
    -----
    The variance of an estimate θ̂ with replicate estimates θ_r is

    ``V = scale Σ_r rscale_r (θ_r - θ̄)²``

    with θ̄ the mean of the replicates (``mse=False``) or θ̂ itself (``mse=True``). Each
    θ_r is the same statistic computed with replicate r's weights; all replicates come
    from one matrix product. The variance is only as good as the replicates: the scale
    must be the one that goes with the way they were made (a jackknife with the BRR scale
    is wrong by a factor of about R), and a replicate that is missing a calibration step
    that the full-sample weights had understates the variance.

    References
    ----------
    .. [1] Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
    .. [2] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 2.3.

    Examples
    --------
    A stratified jackknife made from the teaching two-stage sample, then the replicate
    weights declared again as an agency would publish them:

    >>> from surveystats.datasets import load_teaching_sample
    >>> from surveystats.design import ReplicateDesign, SurveyDesign
    >>> df = load_teaching_sample("cluster2")
    >>> design = SurveyDesign(df, weights="weight", strata="region",
    ...                       clusters="municipality")
    >>> jk = design.to_replicate("jkn")
    >>> jk
    ReplicateDesign(35 jkn replicates, 420 observations; weights from 'weight'; scale 1,
    rscales from 0.5 to 0.8333; mse=False; df 27)
    >>> jk.mean("income")
    DesignEstimate(mean of income: estimate=41.8, se=4.783, df=27)
    >>> reps = jk.replicate_weights
    >>> again = ReplicateDesign(df, replicate_weights=reps, weights="weight", type="jkn",
    ...                         rscales=jk.rscales)
    >>> again.mean("income").se.round(4)
    array([4.7827])

    R survey agrees: ``svymean(~income, as.svrepdesign(svydesign(id=~municipality,
    strata=~region, weights=~weight, data=df), type="JKn"))`` gives 41.796 with SE 4.7827.
    """

    __slots__ = (
        "_adjustments", "_cache", "_data", "_degf", "_df_given", "_frozen", "_mse", "_n", "_reps",
        "_rscales", "_scale", "_source", "_type", "_w",
    )

    _data: pd.DataFrame
    _n: int
    _w: np.ndarray
    _reps: ReplicateWeights
    _scale: float
    _rscales: np.ndarray
    _mse: bool
    _type: str
    _degf: float
    _df_given: bool
    _source: str
    _adjustments: tuple[str, ...]
    _frozen: bool

    _immutable_hint = "calibration methods return a new design"

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        replicate_weights: str | Sequence[str] | np.ndarray,
        weights: str,
        scale: float | None = None,
        rscales: float | Sequence[float] | np.ndarray | None = None,
        mse: bool = False,
        type: ReplicateType = "other",
        df: float | None = None,
        fay_rho: float | None = None,
    ) -> None:
        object.__setattr__(self, "_frozen", False)
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame, not {_type_name(data)}")
        n = len(data)
        if n == 0:
            raise ValueError("data has no rows")
        kind = check_choice("type", type.lower() if isinstance(type, str) else type,
                            REPLICATE_TYPES)
        mse = _bool_arg("mse", mse)
        cols = _Columns(data)
        if not isinstance(weights, str):
            raise TypeError(f"weights ({weights!r}) must be a column name")
        w_name = cols.check("weights", weights)
        w = _numeric("weights", data[w_name])
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            rows = np.flatnonzero(bad)
            raise ValueError(
                f"weights ({w_name!r}) has {rows.size} missing, negative or infinite "
                f"value(s) (rows {_rows_text(data.index, rows)}); weights must be finite "
                "and >= 0"
            )
        W, source = self._read_replicates(data, cols, replicate_weights, w_name)
        n_rep = W.shape[1]
        # --- scale and rscales by type ------------------------------------------------
        if fay_rho is not None and kind != "fay":
            raise ValueError(f"fay_rho ({fay_rho!r}) is only used with type='fay', not "
                             f"type={kind!r}")
        if kind in ("brr", "fay") and scale is not None:
            raise ValueError(
                f"scale ({scale!r}) is fixed by type={kind!r} (1/R for BRR, "
                "1/(R (1 - rho)^2) for Fay); leave it out, or use type='other'"
            )
        if kind == "fay":
            if fay_rho is None:
                raise ValueError("type='fay' needs fay_rho= (the factors are 2 - rho and "
                                 "rho; 0.3 is common, 0.5 in the US Census Bureau's ACS "
                                 "and CPS)")
            rho = _positive("fay_rho", fay_rho)
            if rho >= 1:
                raise ValueError(f"fay_rho ({fay_rho!r}) must be in (0, 1)")
            scale_v = 1.0 / (n_rep * (1.0 - rho) ** 2)
        elif kind == "brr":
            scale_v = 1.0 / n_rep
        elif scale is not None:
            scale_v = _positive("scale", scale)
        elif kind == "jk1":
            scale_v = (n_rep - 1.0) / n_rep
        elif kind == "bootstrap":
            scale_v = 1.0 / (n_rep - 1.0)
        elif kind == "jkn":
            scale_v = 1.0
        else:
            raise ValueError(
                "type='other' needs scale= (the factor in front of the sum of squared "
                "deviations of the replicates: 1/R for BRR, (R-1)/R for a delete-one "
                "jackknife, 4/R for successive differences, ...); or give the type"
            )
        if rscales is None:
            if kind == "jkn":
                raise ValueError(
                    "type='jkn' needs rscales= ((n_h - 1) / n_h for a replicate that "
                    "drops a PSU of stratum h, times 1 - n_h/N_h with an fpc)"
                )
            rs = np.ones(n_rep)
        else:
            rs = np.asarray(rscales, dtype=np.float64).ravel()
            if rs.size == 1:
                rs = np.full(n_rep, float(rs[0]))
            if rs.size != n_rep:
                raise ValueError(
                    f"rscales has length {rs.size} but there are {n_rep} replicates; give "
                    "one rscale per replicate (or a single number for all)"
                )
            if not np.all(np.isfinite(rs)) or np.any(rs < 0):
                raise ValueError("rscales must be finite numbers >= 0")
        df_v: float | None = None
        if df is not None:
            df_v = _positive("df", df)
        reps = ReplicateWeights(np.ascontiguousarray(W))
        self._store(data.copy(deep=not _PANDAS_COW), w,
                    f"weights from {w_name!r}, replicates from {source}", reps, scale_v, rs,
                    mse, kind, df_v, ())

    # --- construction helpers -----------------------------------------------------------
    @staticmethod
    def _read_replicates(data: pd.DataFrame, cols: _Columns, spec: Any, w_name: str
                         ) -> tuple[np.ndarray, str]:
        n = len(data)
        if isinstance(spec, np.ndarray) or (hasattr(spec, "shape") and not isinstance(
                spec, (str, pd.DataFrame))):
            W = np.array(spec, dtype=np.float64, order="C")  # own copy
            if W.ndim != 2 or W.shape[0] != n:
                raise ValueError(
                    f"replicate_weights has shape {W.shape}; an array must be (n, R) with "
                    f"n = {n} rows of data"
                )
            names = None
            what = "an array"
        else:
            if isinstance(spec, str):
                try:
                    pattern = re.compile(spec)
                except re.error as exc:
                    raise ValueError(f"replicate_weights ({spec!r}) is not a valid regular "
                                     f"expression: {exc}") from None
                names = [str(c) for c in data.columns if pattern.match(str(c))]
                if not names:
                    raise ValueError(
                        f"replicate_weights ({spec!r}) matches no column (matched at the "
                        "start of the names); the columns are "
                        f"{', '.join(repr(c) for c in cols.names[:20])}"
                    )
                if w_name in names:
                    raise ValueError(
                        f"replicate_weights ({spec!r}) also matches the weights column "
                        f"{w_name!r}; make the pattern more specific, e.g. '^rep[0-9]+$'"
                    )
                what = f"columns matching {spec!r}"
            elif isinstance(spec, Sequence) and all(isinstance(c, str) for c in spec):
                names = [cols.check("replicate_weights", c) for c in spec]
                what = "columns"
            else:
                raise TypeError(
                    f"replicate_weights ({spec!r}) must be a list of column names, a "
                    "pattern (str) or an (n, R) array"
                )
            W = np.empty((n, len(names)))
            for j, name in enumerate(names):
                W[:, j] = _numeric("replicate_weights", data[name])
        if W.shape[1] < 2:
            raise ValueError(
                f"replicate_weights gives {W.shape[1]} replicate(s); a replicate variance "
                "needs at least 2"
            )
        if not np.isfinite(W.sum(axis=0)).all():  # cheap test first, then find the cell
            bad = ~np.isfinite(W)
            r, c = np.argwhere(bad)[0]
            col = names[c] if names else f"column {c}"
            raise ValueError(
                f"replicate_weights has {int(bad.sum())} missing or infinite value(s) (e.g. "
                f"{col!r}, row {_rows_text(data.index, np.array([r]))}); every replicate "
                "weight must be a finite number"
            )
        source = what if names is None else f"{what} ({names[0]!r} ... {names[-1]!r})"
        return W, source

    def _store(self, data: pd.DataFrame, w: np.ndarray, source: str,
               reps: ReplicateWeights, scale: float, rscales: np.ndarray, mse: bool,
               kind: str, df: float | None, adjustments: tuple[str, ...]) -> None:
        w = np.array(w, dtype=np.float64)
        w.setflags(write=False)
        rscales = np.array(rscales, dtype=np.float64)
        rscales.setflags(write=False)
        for arr in (reps.factors, reps.unit, reps.base):
            if arr is not None:
                arr.setflags(write=False)
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_n", len(data))
        object.__setattr__(self, "_w", w)
        object.__setattr__(self, "_reps", reps)
        object.__setattr__(self, "_scale", float(scale))
        object.__setattr__(self, "_rscales", rscales)
        object.__setattr__(self, "_mse", bool(mse))
        object.__setattr__(self, "_type", kind)
        object.__setattr__(self, "_df_given", df is not None)
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_adjustments", adjustments)
        degf = float(df) if df is not None else float(reps.rank()[0] - 1)
        object.__setattr__(self, "_degf", degf)
        object.__setattr__(self, "_frozen", True)

    @classmethod
    def _from_parts(cls, data: pd.DataFrame, w: np.ndarray, source: str,
                    reps: ReplicateWeights, scale: float, rscales: np.ndarray, mse: bool,
                    kind: str, df: float | None = None,
                    adjustments: tuple[str, ...] = (), *,
                    structural_df: int | None = None) -> ReplicateDesign:
        """A design from validated parts.

        ``df`` is a user's df, kept through calibration; ``structural_df`` is the rank of
        the weights known from the scheme, which (as in R) a calibration recomputes.
        """
        self = object.__new__(cls)
        object.__setattr__(self, "_frozen", False)
        given = df if df is not None else structural_df
        self._store(data, w, source, reps, scale, rscales, mse, kind, given, adjustments)
        object.__setattr__(self, "_df_given", df is not None)
        return self

    def _derive(self, w: np.ndarray, W: np.ndarray, adjustment: str) -> ReplicateDesign:
        """A new design with other full-sample and replicate weights (calibration)."""
        return ReplicateDesign._from_parts(
            self._data, w, self._source, ReplicateWeights(np.ascontiguousarray(W)),
            self._scale, self._rscales, self._mse, self._type,
            self._degf if self._df_given else None, (*self._adjustments, adjustment))

    # --- public properties --------------------------------------------------------------
    @property
    def degf(self) -> int | float:
        """Degrees of freedom: rank of the replicate weights minus 1 (or the given df)."""
        d = self._degf
        return int(d) if float(d).is_integer() else d

    @property
    def n_replicates(self) -> int:
        """Number of replicates."""
        return self._reps.n_replicates

    @property
    def scale(self) -> float:
        """Overall factor of the replicate variance."""
        return self._scale

    @property
    def rscales(self) -> np.ndarray:
        """Factor of each replicate (a copy)."""
        return self._rscales.copy()

    @property
    def mse(self) -> bool:
        """Whether the replicates are centred at the full-sample estimate."""
        return self._mse

    @property
    def type(self) -> str:
        """Kind of replicates: "jk1", "jkn", "brr", "fay", "bootstrap" or "other"."""
        return self._type

    @property
    def replicate_weights(self) -> np.ndarray:
        """The (n, R) replicate analysis weights (a new array)."""
        return np.array(self._reps.dense(), dtype=np.float64)

    # --- description --------------------------------------------------------------------
    def _summary(self) -> str:
        rs = self._rscales
        rtext = (f"rscales {_fmt(rs[0])}" if np.all(rs == rs[0]) else
                 f"rscales from {_fmt(rs.min())} to {_fmt(rs.max())}")
        text = (f"{self.n_replicates} {self._type} replicates, {self._n:,} observations; "
                f"{self._source}; scale {_fmt(self._scale)}, {rtext}; mse={self._mse}")
        if self._adjustments:
            text += "; " + ", then ".join(self._adjustments)
        return text + f"; df {_fmt(self._degf)}"

    # --- services for the estimators ------------------------------------------------------
    def _variance(self, lin: Linear, replicates: ReplicateEstimates,
                  domains: np.ndarray | None = None, n_domains: int = 1,
                  rows: np.ndarray | None = None, full: bool = True) -> np.ndarray:
        thetas = replicates(self._reps)
        return replicate_covariance(thetas.reshape(thetas.shape[0], -1), lin.estimate.ravel(),
                                    self._scale, self._rscales, self._mse, full=full)

    def _degf_by(self, rows: np.ndarray, domains: np.ndarray | None = None,
                 n_domains: int = 1) -> np.ndarray:
        """R's ``degf(subset(design, ...))``: rank of the domain's replicate weights - 1."""
        return self._reps.rank(rows, domains, n_domains) - 1

    # --- calibration hooks: every replicate is calibrated like the full sample -----------
    def _calibration_weights(self) -> np.ndarray:
        """The full-sample weights, then every column of replicate weights: (n, R + 1)."""
        reps = self._reps.dense()
        out = np.empty((self._n, reps.shape[1] + 1))
        out[:, 0] = self._w
        out[:, 1:] = reps
        return out

    def _cells(self, param: str, strata: str | Sequence[str]) -> Cells:
        from surveystats.design._calibration import cells_of

        names = [strata] if isinstance(strata, str) else list(strata)
        for name in names:
            self._column(param, name)
        return cells_of(param, self._data, names)

    def _margin_param(self, cols: list[str]) -> str:
        """The name of a raking margin in messages, always as a list: ``margins[['sex']]``."""
        return f"margins[{cols!r}]"

    def _with_weights(self, W: np.ndarray, adjustment: str,
                      step: Callable[[], CalibrationStep] | None = None) -> ReplicateDesign:
        return self._derive(W[:, 0], W[:, 1:], adjustment)

# --- shared argument checks of the calibration methods -------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _type_name(x: Any) -> str:
    return type(x).__name__


def _int_arg(param: str, value: Any, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < minimum:
        raise ValueError(f"{param} ({value!r}) must be an integer >= {minimum}")
    return int(value)


def _tol_arg(tol: Any) -> float:
    v = _positive("tol", tol)
    if v >= 1:
        raise ValueError(f"tol ({tol!r}) must be a small positive number such as 1e-10")
    return v


def _rake_args(margins: Any, max_iter: Any, tol: Any
               ) -> tuple[list[tuple[list[str], Any]], list[str], int, float]:
    if not isinstance(margins, dict) or not margins:
        raise ValueError(
            "margins must be a non-empty dict from a column name (or a tuple of names) to "
            "its population counts, e.g. {'sex': {'female': 107999, 'male': 89001}}"
        )
    specs: list[tuple[list[str], Any]] = []
    names: list[str] = []
    for key, pop in margins.items():
        cols = [key] if isinstance(key, str) else list(key)
        if not cols or not all(isinstance(c, str) for c in cols):
            raise ValueError(f"margins key {key!r} must be a column name or a tuple of them")
        specs.append((cols, pop))
        names.append(key if isinstance(key, str) else " x ".join(cols))
    return specs, names, _int_arg("max_iter", max_iter, 1), _tol_arg(tol)


def _calibrate_args(bounds: Any, calfun: Any, max_iter: Any, tol: Any
                    ) -> tuple[tuple[float, float], str, int, float]:
    from surveystats.design._calibration import CALFUNS

    fun = check_choice("calfun", calfun, CALFUNS)
    if bounds is None:
        b = (-np.inf, np.inf)
    else:
        try:
            lo, hi = (float(v) for v in bounds)
        except (TypeError, ValueError):
            raise ValueError(f"bounds ({bounds!r}) must be a pair (lower, upper) of bounds on "
                             "the calibration factors g = new weight / old weight") from None
        if math.isnan(lo) or math.isnan(hi):
            raise ValueError(f"bounds ({bounds!r}) must not be NaN")
        if lo < 0:
            raise ValueError(
                f"bounds ({bounds!r}): the lower bound must be >= 0; a negative bound allows "
                "negative weights (for unbounded linear calibration use bounds=None)"
            )
        if not lo <= 1.0 <= hi or lo == hi:
            raise ValueError(
                f"bounds ({bounds!r}) must satisfy lower <= 1 <= upper with lower < upper "
                "(g = 1 leaves a weight unchanged), e.g. (0.5, 2)"
            )
        b = (lo, hi)
    return b, fun, _int_arg("max_iter", max_iter, 1), _tol_arg(tol)


def _trim_args(lower: Any, upper: Any, strict: Any, w: np.ndarray
               ) -> tuple[float, float, bool]:
    strict = _bool_arg("strict", strict)
    if lower is None and upper is None:
        raise ValueError("trim_weights needs lower=, upper= or both")
    lo = 0.0 if lower is None else _positive("lower", lower, allow_zero=True)
    hi = np.inf if upper is None else _positive("upper", upper)
    if lo >= hi:
        raise ValueError(f"lower ({lower!r}) must be smaller than upper ({upper!r})")
    W = w.reshape(len(w), -1)
    n_pos = (W > 0).sum(axis=0)
    totals = np.where(W > 0, W, 0.0).sum(axis=0)
    bad = np.flatnonzero((hi * n_pos < totals) | (lo * n_pos > totals))
    if bad.size:
        c = int(bad[0])
        where = "" if c == 0 else f" in replicate {c}"
        raise ValueError(
            f"the weights cannot be trimmed to [{lo:g}, {hi:g}] and keep their total"
            f"{where} {totals[c]:g} over {n_pos[c]} positive weights (mean "
            f"{totals[c] / n_pos[c]:g}); the bounds must bracket the mean weight"
        )
    return lo, float(hi), strict


def _warn_negative(w: np.ndarray) -> None:
    neg = int((w < 0).sum())
    if neg:
        warnings.warn(
            f"calibration made {neg} weight(s) negative; they count as absent in "
            "the numbers of rows and the quantiles. Use bounds=(0, upper) or "
            "calfun='raking' to keep the weights positive",
            SurveyStatsWarning,
            stacklevel=3,
        )
