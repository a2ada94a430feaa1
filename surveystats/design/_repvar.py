"""The replicate variance engine: replicate weights, their rank, and the covariance.

Knows nothing of the estimators or the design classes (R survey's ``svrVar``):

* :class:`ReplicateWeights` holds the analysis weights of every replicate, dense or
  compressed by PSU (R's compressed representation: a row's weight in replicate ``r`` is
  its sampling weight times the factor of its PSU), and computes the weighted sums of all
  replicates at once (:meth:`ReplicateWeights.sums`) and their rank (R's ``degf``);
* :func:`replicate_covariance`: from one estimate per replicate to a covariance matrix,
  ``scale Σ_r rscale_r (θ_r - θ̄)(θ_r - θ̄)ᵀ``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse

from surveystats._warnings import SurveyStatsWarning
from surveystats.design import _reduce

__all__ = ["CERTIFICATE_STRIDE", "RANK_TOLERANCE", "ZERO_SPREAD", "ReplicateWeights",
           "block_gram", "certifies_full_rank", "gram_rank", "replicate_covariance",
           "weights_rank"]

#: R's tolerance for the rank of the replicate weights (``degf``: ``qr(..., tol = 1e-5)``).
RANK_TOLERANCE = 1e-5

#: Replicate estimates that differ from the full-sample one by less than this fraction of it
#: differ by rounding only (about 500 times machine precision).
ZERO_SPREAD = 1e-13


@dataclass(frozen=True)
class ReplicateWeights:
    """Replicate analysis weights, dense or compressed by unit.

    Dense (``unit`` None): ``factors`` is the (n, R) matrix of analysis weights. Compressed:
    the analysis weight of row ``i`` in replicate ``r`` is ``base[i] * factors[unit[i], r]``.
    """

    factors: np.ndarray
    unit: np.ndarray | None = None
    base: np.ndarray | None = None
    #: squared norms of the dense factors' columns, when the reader computed them already
    norms: np.ndarray | None = None

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
            if rows is None and domains is None:  # all rows in their order: no gathering
                out[0] = weights_rank(self.factors, norms=self.norms)
                return out
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
                 tol: float = RANK_TOLERANCE, block: int = 1 << 16,
                 norms: np.ndarray | None = None) -> int:
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
    of ``W``. Measured on element-level jackknife weights of up to 4,209 replicates under
    several OpenBLAS kernels and thread counts, the residuals of dependent columns stay
    below 1e-8 of the column norms (three orders of magnitude under R's cut, where the Gram
    matrix of ``W`` itself put them right at it) and those of independent columns above
    1e-3: the rank does not move with the machine. ``tests/test_design_df.py`` checks that
    the rank is the same at tolerances 1e-6 and 1e-4.

    Most replicate weights have full rank R; a certificate on an eighth of the rows proves
    it at an eighth of the cost (:func:`_full_rank_certified`), and only weights it cannot
    certify go through the factorisation of all rows.

    Parameters
    ----------
    W : ndarray, shape (n, R)
        Replicate analysis weights.
    rows : ndarray of int, optional
        The rows to use (None: all), read in blocks of ``block`` rows so that no copy of
        ``W`` is made.
    norms : ndarray, shape (R,), optional
        The squared column norms of ``W`` over all rows, if known (used when ``rows`` is
        None).
    """
    R = W.shape[1]
    idx = np.arange(W.shape[0]) if rows is None else np.asarray(rows)
    if rows is not None and idx.size == W.shape[0] and np.array_equal(idx, np.arange(idx.size)):
        rows = None  # every row in order: read the matrix in place
    if idx.size == 0 or R == 0:
        return 0
    if norms is None or rows is not None:
        norms = np.zeros(R)
        for start in range(0, idx.size, block):  # loop over row blocks, not rows
            Wb = _rows_block(W, rows, idx, start, block)
            norms += np.einsum("ij,ij->j", Wb, Wb)
    if not (norms > 0).any():
        return 0
    floor = tol * tol * float(norms[norms > 0].min())
    if _full_rank_certified(W, idx, rows, floor, block):
        return R
    return gram_rank(_centred_gram(W, idx, rows, block), floor)


def gram_rank(G: np.ndarray, floor: float) -> int:
    """The rank of the weights from ``G``, the Gram matrix of ``[u, D]`` (:func:`block_gram`
    with ``k = R + 1``, summed over all the rows): the pivots of a pivoted Cholesky
    factorisation (LAPACK ``dpstrf``) that stay above ``floor`` (``tol²`` times the smallest
    squared column norm of the weights; see :func:`weights_rank`)."""
    _, _, rank, info = scipy.linalg.lapack.dpstrf(np.asfortranarray(G), tol=floor)
    if info < 0:  # pragma: no cover - LAPACK argument error
        raise RuntimeError(f"dpstrf failed (info={info})")
    return int(rank)


def certifies_full_rank(G: np.ndarray, floor: float) -> bool:
    """Whether ``G``, the Gram matrix of ``[u, D_1 .. D_(R-1)]`` (:func:`block_gram` with
    ``k = R``) on a subset of the rows, proves that the weights have full rank R (see
    :func:`_full_rank_certified`)."""
    R = G.shape[0]
    if not np.all(np.isfinite(G)):
        return False
    smallest = float(np.linalg.eigvalsh(G)[0])
    return smallest >= CERTIFICATE_MARGIN * R * floor


#: The full-rank certificate reads every CERTIFICATE_STRIDE-th row ...
CERTIFICATE_STRIDE = 8
#: ... (for all rows: the first CERTIFICATE_CHUNK rows of every CERTIFICATE_CHUNK x
#: CERTIFICATE_STRIDE, contiguous in memory whether the weights are stored by row or column)
CERTIFICATE_CHUNK = 1024
#: ... and needs the smallest eigenvalue there at least R times this multiple of the floor.
CERTIFICATE_MARGIN = 100.0


def _rows_block(W: np.ndarray, rows: np.ndarray | None, idx: np.ndarray, start: int,
                block: int) -> np.ndarray:
    part = W[start:start + block] if rows is None else W[idx[start:start + block]]
    return np.asarray(part, dtype=np.float64)


def _centred_gram(W: np.ndarray, idx: np.ndarray, rows: np.ndarray | None, block: int,
                  drop_last: bool = False) -> np.ndarray:
    """Gram matrix of ``[u, D]`` (the mean column and the deviations from it) over ``rows``;
    with ``drop_last``, without the last deviation (``D 1 = 0`` makes it a combination of
    the others, so ``[u, D_1 .. D_{R-1}]`` spans the same space)."""
    k = W.shape[1] if drop_last else W.shape[1] + 1
    G = np.zeros((k, k))
    for start in range(0, idx.size, block):  # loop over row blocks, not rows
        G += block_gram(_rows_block(W, rows, idx, start, block), k)
    return G


def block_gram(Wb: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` columns of ``[u, D]`` on the rows ``Wb``, their Gram matrix (a sum
    over rows: the Gram matrix of a data set is the sum of its row blocks')."""
    R = Wb.shape[1]
    M = np.empty((Wb.shape[0], k))
    np.matmul(Wb, np.full(R, 1.0 / R), out=M[:, 0])
    np.subtract(Wb[:, : k - 1], M[:, :1], out=M[:, 1:])
    return M.T @ M


def _full_rank_certified(W: np.ndarray, idx: np.ndarray, rows: np.ndarray | None,
                         floor: float, block: int) -> bool:
    """Whether a subset of the rows proves that the weights have full column rank R.

    ``C = [u, D_1 .. D_{R-1}]`` spans the same space as ``W`` and ``[u, D]`` (``D 1 = 0`` makes
    ``D_R`` a combination of the others). Let ``λ`` be the smallest eigenvalue of ``CᵀC`` on an
    eighth of the rows (see ``CERTIFICATE_CHUNK``). Adding rows adds a positive semidefinite
    matrix, so ``λ`` bounds the smallest eigenvalue of ``CᵀC`` on all rows from below. After ``k
    < R`` pivots of the pivoted Cholesky factorisation of the full Gram matrix (chosen columns
    spanning ``S``), take a unit vector ``v`` in ``span(C)`` orthogonal to ``S``: ``Σ_j res_j ≥
    ‖Cᵀv‖² ≥ λ`` over the R columns of ``C``, so the largest remaining pivot is at least ``λ /
    R``. If ``λ / R`` exceeds the floor (by ``CERTIFICATE_MARGIN``, far beyond the rounding of
    this well-conditioned R x R problem), the factorisation takes R pivots: the rank is R,
    decided by the same rule and as far from rounding noise. Most replicate designs (JK1 by
    groups, BRR, bootstrap) have full rank and are decided on an eighth of the rows; weights
    with fewer independent replicates fail the certificate and get the full computation, so the
    answer never depends on whether the certificate succeeded.
    """
    R = W.shape[1]
    sub = idx[::CERTIFICATE_STRIDE]
    if sub.size < 4 * R:
        return False
    if rows is None:  # every row: one contiguous chunk in each period, read in place
        G = np.zeros((R, R))
        period = CERTIFICATE_CHUNK * CERTIFICATE_STRIDE
        for start in range(0, W.shape[0], period):  # loop over chunks of rows, not rows
            G += block_gram(np.asarray(W[start:start + CERTIFICATE_CHUNK], dtype=np.float64), R)
    else:
        G = _centred_gram(W, sub, sub, block, drop_last=True)
    return certifies_full_rank(G, floor)


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
