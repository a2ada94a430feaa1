"""Fast vectorised inverse of the regularized incomplete beta function at a scalar level.

The exact (Clopper-Pearson), Jeffreys and Korn-Graubard intervals need beta quantiles for
millions of (a, b) pairs at one or two levels ``y``. :func:`betaincinv` exploits the shared
level: for each ``y`` it fits, once, a small polynomial surrogate in the variables of the
uniform asymptotic expansion, calibrated and validated against ``scipy.special.betaincinv``,
and then evaluates it with a few dozen vectorised numpy passes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

__all__ = ["betaincinv"]

ArrayLike = Any

# Smallest min(a, b) served by the surrogates; below it scipy.special.betaincinv is used.
_M_FAST = 5.0
# The bulk surrogate covers min(a, b) >= _M_BULK with a low degree; the band
# _M_FAST <= min(a, b) < _M_BULK has its own surrogate of higher degree.
_M_BULK = 50.0
# Largest min(a, b) used as a fitting node. Beyond it the surrogate is pinned by its exact
# limit G -> 0 as s -> 0 (see Notes), so no extrapolation in s takes place.
_A_NODE_MAX = 1.0e7
# max(a, b) / min(a, b) at the w = +-1 end nodes.
_RATIO_END = 1.0e12
# Accepted error of a surrogate, measured as the largest error of D = logit(x) - log(a / b)
# over the fitting nodes and an interleaved validation grid; the relative error of x is
# (1 - x) * |error of D|.
_FIT_TOL = 2.0e-11
_MIN_DEGREE = 3
_MAX_DEGREE = 12
# Nodes per direction (u, w) of the Chebyshev fitting grid; validation uses the midpoints.
_N_U = 26
_N_W = 27
# Below this many elements a level that has no surrogate yet goes straight to scipy: fitting
# one (about 3000 scipy inverses plus two small least-squares problems, ~20 ms) costs more.
_MIN_SIZE_TO_FIT = 20_000
_CACHE_SIZE = 32
# Elements per pass of the evaluation loop, sized so the working arrays stay in cache.
_CHUNK = 1 << 15
# Results below this are recomputed by scipy (far beyond any proportion interval).
_TINY = 1.0e-290


@dataclass(frozen=True)
class _Tier:
    """Surrogate on m_lo <= min(a, b) < m_hi: ``-G(s, w) = sum c[i-1][j] s**i w**j``."""

    m_lo: float
    m_hi: float
    degree: int
    coef: tuple[tuple[float, ...], ...]  # coef[i - 1][j], 0 <= j <= i, already negated
    error: float  # largest error in D found on the fitting and validation grids


@dataclass(frozen=True)
class _Surrogate:
    y: float
    z: float
    tiers: tuple[_Tier, ...]  # bulk first, then the band; empty means "always use scipy"


_cache: dict[float, _Surrogate] = {}
_cache_lock = threading.Lock()


def _reference_d(a: np.ndarray, b: np.ndarray, y: float) -> np.ndarray:
    """D = logit(x) - log(a / b) with x from scipy.special.betaincinv, accurate on both sides."""
    low = a <= b
    hi = ~low
    d = np.empty_like(a)
    x = special.betaincinv(a[low], b[low], y)
    d[low] = np.log(x) - np.log1p(-x) - np.log(a[low] / b[low])
    # I_x(a, b) = y  <=>  I_{1-x}(b, a) = 1 - y, which keeps 1 - x accurate when x is near 1.
    xc = special.betaincinv(b[hi], a[hi], 1.0 - y)
    d[hi] = np.log1p(-xc) - np.log(xc) - np.log(a[hi] / b[hi])
    return d


def _grid(m_lo: float, m_hi: float, mid: bool) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) on a Chebyshev grid in (u, w), u = sqrt(m_lo / min(a, b)), or on its midpoints."""
    u_lo = float(np.sqrt(m_lo / min(m_hi, _A_NODE_MAX)))
    shift = 1.0 if mid else 0.5
    ku = np.arange(_N_U - int(mid)) + shift
    kw = np.arange(_N_W - int(mid)) + shift
    u = u_lo + (1.0 - u_lo) * 0.5 * (1.0 + np.cos(np.pi * ku / _N_U))
    w = np.cos(np.pi * kw / _N_W)
    if not mid:  # the edges of the domain, where a fit is most likely to stray
        u = np.concatenate([u, [1.0, u_lo]])
        w = np.concatenate([w, [-1.0, 0.0, 1.0]])
    uu, ww = (g.ravel() for g in np.meshgrid(u, w, indexing="ij"))
    amin = m_lo / uu**2
    aw = np.abs(ww)
    ratio = np.where(aw >= 1.0, _RATIO_END, (1.0 + aw) / np.maximum(1.0 - aw, 1e-300))
    amax = amin * ratio
    return np.where(ww >= 0.0, amin, amax), np.where(ww >= 0.0, amax, amin)


def _features(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.sqrt(1.0 / a + 1.0 / b), (b - a) / (a + b)


def _design(sig: np.ndarray, w: np.ndarray, degree: int) -> np.ndarray:
    """Columns sig**i w**j for i = 1..degree, j = 0..i, in that (nested) order."""
    cols = []
    si = np.ones_like(sig)
    for i in range(1, degree + 1):
        si = si * sig
        col = si
        for j in range(i + 1):
            if j:
                col = col * w
            cols.append(col)
    return np.stack(cols, axis=1)


def _fit_tier(y: float, z: float, m_lo: float, m_hi: float) -> _Tier | None:
    """Least-squares surrogate of G = D / s - z on a Chebyshev grid, validated off the grid.

    Rows are weighted by s so that the residual is the error of D itself. The columns for
    degree K are a prefix of those for K + 1, so the QR factorisation (classical Gram-Schmidt
    with one reorthogonalisation, which keeps Q orthonormal to rounding for the condition
    numbers met here, below 1e12) is extended column by column until a degree passes. It
    uses ``np.einsum`` rather than BLAS: the problem is small, and multithreaded BLAS can be
    erratic on small machines.
    """
    a, b = _grid(m_lo, m_hi, mid=False)
    av, bv = _grid(m_lo, m_hi, mid=True)
    s, w = _features(a, b)
    sv, wv = _features(av, bv)
    d = _reference_d(a, b, y)
    dv = _reference_d(av, bv, y)
    if not (np.all(np.isfinite(d)) and np.all(np.isfinite(dv))):
        return None
    s_max = float(np.sqrt(2.0 / m_lo))  # s = sqrt(1/a + 1/b) <= sqrt(2 / min(a, b))
    design = _design(s / s_max, w, _MAX_DEGREE) * s[:, None]
    design_v = _design(sv / s_max, wv, _MAX_DEGREE) * sv[:, None]
    norms = np.sqrt(np.einsum("ki,ki->i", design, design))
    n_rows, n_cols = design.shape
    q = np.zeros((n_rows, n_cols))
    r = np.zeros((n_cols, n_cols))
    rhs = d - z * s
    qtg = np.zeros(n_cols)
    done = 0
    for degree in range(_MIN_DEGREE, _MAX_DEGREE + 1):
        p = degree * (degree + 3) // 2
        for k in range(done, p):
            v = design[:, k] / norms[k]
            for _ in range(2):
                h = np.einsum("ki,k->i", q[:, :k], v)
                v = v - np.einsum("ki,i->k", q[:, :k], h)
                r[:k, k] += h
            r[k, k] = np.sqrt(np.einsum("k,k->", v, v))
            q[:, k] = v / r[k, k]
            qtg[k] = np.einsum("k,k->", q[:, k], rhs)
            rhs = rhs - qtg[k] * q[:, k]
        done = p
        if np.sqrt(np.einsum("k,k->", rhs, rhs) / n_rows) > _FIT_TOL:
            continue  # the RMS residual on the nodes already exceeds the tolerance
        coef = _back_substitute(r[:p, :p], qtg[:p]) / norms[:p]
        err = max(
            float(np.max(np.abs(np.einsum("ki,i->k", design[:, :p], coef) + z * s - d))),
            float(np.max(np.abs(np.einsum("ki,i->k", design_v[:, :p], coef) + z * sv - dv))),
        )
        if err <= _FIT_TOL:
            rows: list[tuple[float, ...]] = []
            k = 0
            for i in range(1, degree + 1):
                scale = s_max**-i
                rows.append(tuple(-float(c) * scale for c in coef[k : k + i + 1]))
                k += i + 1
            return _Tier(m_lo, m_hi, degree, tuple(rows), err)
    return None


def _back_substitute(r: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Solve the upper-triangular system r x = c."""
    x = np.zeros_like(c)
    for i in range(c.size - 1, -1, -1):
        x[i] = (c[i] - np.einsum("j,j->", r[i, i + 1 :], x[i + 1 :])) / r[i, i]
    return x


def _build(y: float) -> _Surrogate:
    z = float(special.ndtri(y))
    tiers: list[_Tier] = []
    with np.errstate(all="ignore"):
        bulk = _fit_tier(y, z, _M_BULK, np.inf)
        if bulk is not None:
            tiers.append(bulk)
            band = _fit_tier(y, z, _M_FAST, _M_BULK)
            if band is not None:
                tiers.append(band)
    return _Surrogate(y, z, tuple(tiers))


def _surrogate(y: float, size: int) -> _Surrogate | None:
    """The cached surrogate for level y, fitted now if needed; None for small inputs.

    Small inputs always go to scipy, whatever the cache holds, so that a call's result never
    depends on what earlier calls happened to fit (same input, same digits).
    """
    if size < _MIN_SIZE_TO_FIT:
        return None
    with _cache_lock:
        sur = _cache.get(y)
    if sur is not None:
        return sur
    sur = _build(y)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[y] = sur
    return sur


def _evaluate(tier: _Tier, z: float, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """x = 1 / (1 + (b / a) exp(-D)),  -D = s (-z + sum_i s**i P_i(w)),  P_i = -G's rows.

    Written as in-place passes over cache-sized chunks: about K**2 + 3K + 12 array
    operations, one sqrt and one exp per element for a surrogate of degree K.
    """
    n = a.shape[0]
    size = min(n, _CHUNK)
    s, w, t, acc = (np.empty(size) for _ in range(4))
    rows = tier.coef
    deg = tier.degree
    for lo in range(0, n, _CHUNK):
        hi = min(lo + _CHUNK, n)
        m = hi - lo
        ac, bc, oc = a[lo:hi], b[lo:hi], out[lo:hi]
        sc, wc, tc, pc = s[:m], w[:m], t[:m], acc[:m]
        np.reciprocal(ac, out=sc)
        np.reciprocal(bc, out=tc)
        np.add(sc, tc, out=sc)
        np.sqrt(sc, out=sc)  # s = sqrt(1/a + 1/b)
        np.subtract(bc, ac, out=wc)
        np.add(ac, bc, out=tc)
        np.divide(wc, tc, out=wc)  # w = (b - a) / (a + b)
        for i in range(deg, 0, -1):
            row = rows[i - 1]
            dst = pc if i == deg else tc
            np.multiply(wc, row[i], out=dst)  # P_i(w) by Horner
            np.add(dst, row[i - 1], out=dst)
            for j in range(i - 2, -1, -1):
                np.multiply(dst, wc, out=dst)
                np.add(dst, row[j], out=dst)
            if i != deg:  # Horner in s across the rows
                np.multiply(pc, sc, out=pc)
                np.add(pc, tc, out=pc)
        np.multiply(pc, sc, out=pc)
        np.subtract(pc, z, out=pc)
        np.multiply(pc, sc, out=pc)  # -D
        np.exp(pc, out=pc)
        np.divide(bc, ac, out=tc)
        np.multiply(pc, tc, out=pc)
        np.add(pc, 1.0, out=pc)
        np.reciprocal(pc, out=oc)


def betaincinv(a: ArrayLike, b: ArrayLike, y: float) -> np.ndarray:
    r"""Inverse in x of the regularized incomplete beta function, at one level y.

    Returns x with :math:`I_x(a, b) = y`, i.e. the y-quantile of the Beta(a, b) distribution,
    for arrays of shape parameters sharing one level ``y`` (as in Clopper-Pearson,
    Jeffreys and Korn-Graubard intervals). It agrees with :func:`scipy.special.betaincinv`
    to about 1e-11 relative error and, once fitted for a level, is 15 to 20 times faster
    on large arrays.

    Parameters
    ----------
    a, b : array_like
        Positive shape parameters, broadcast against each other; need not be integers.
        NaN propagates to NaN.
    y : float
        The level, a scalar in (0, 1).

    Returns
    -------
    numpy.ndarray
        float64 array with the broadcast shape of ``a`` and ``b``.

    Raises
    ------
    ValueError
        If ``a`` or ``b`` has an element <= 0 (the message names the argument), or ``y``
        is not a scalar in (0, 1).

    See Also
    --------
    scipy.special.betaincinv : The general routine, used as reference and fallback.

    Notes
    -----
    **Method.** With :math:`r = a + b`, :math:`\mu = a / r` and :math:`z = \Phi^{-1}(y)`,
    Temme's uniform asymptotic inversion [1]_ writes the quantile through a variable
    :math:`\eta` with :math:`\eta\sqrt{r} = z + O(r^{-1/2})`, and expands the corrections in
    powers of :math:`1/r` with coefficients that depend on :math:`\mu` and are singular as
    :math:`\mu \to 0, 1` (the incomplete-gamma limits). Collecting terms, the logit of the
    quantile takes the Cornish-Fisher-like form [2]_

    .. math::

        \operatorname{logit} x = \log\frac{a}{b} + s\,\bigl(z + G(s, w)\bigr), \qquad
        s = \sqrt{\tfrac1a + \tfrac1b}, \quad w = \frac{b - a}{a + b} \in (-1, 1),

    with :math:`G(s, w) = \sum_{i \ge 1} s^i P_i(w)`, where (as the fits confirm) each
    :math:`P_i` can be taken as a polynomial of degree at most :math:`i`.
    :math:`s^{-2} = ab/(a + b)` is the effective size that governs the expansion, and
    :math:`w = 1 - 2\mu` stays bounded in the gamma limits, so :math:`G` is smooth on the
    whole region :math:`\min(a, b) \ge 5`, including :math:`a/b \to 0` or :math:`\infty`
    and :math:`s \to 0`.

    Because ``y`` is shared, :math:`G` is a function of two variables only. For each new
    ``y`` the function fits a truncation :math:`\sum_{i \le K} s^i P_i(w)` by weighted least
    squares (weights :math:`s`, so the residual is the error in the logit) to
    :func:`scipy.special.betaincinv` on a Chebyshev grid in :math:`u = \sqrt{m/\min(a, b)}`
    and :math:`w`, and accepts the smallest degree whose error on the grid and on the
    interleaved midpoint grid is below 2e-11. The form pins the exact limit
    :math:`G \to 0` as :math:`s \to 0`, so arbitrarily large a and b need no extrapolation.
    The fit costs about 3000 scipy inverses and two small QR factorisations, about 20 ms,
    and is cached per ``y`` (32 levels); inputs smaller than 20,000 elements always use
    scipy directly, so results never depend on the history of calls. Evaluation is a Horner
    scheme in :math:`w` and :math:`s`, then :math:`x = 1/(1 + (b/a) e^{-D})` with
    :math:`D = s(z + G)`, which keeps x relatively accurate even when it is tiny, and 1 - x
    relatively accurate (up to its own rounding) when x is near one.

    **Regimes.**

    * :math:`\min(a, b) \ge 50`: bulk surrogate, degree 5 to 7 for levels between
      1e-4 and 1 - 1e-4 (20 to 35 coefficients).
    * :math:`5 \le \min(a, b) < 50`: band surrogate, degree 8 to 12.
    * :math:`\min(a, b) < 5`, non-finite input, results below 1e-290, and any regime for
      which no degree up to 12 reaches the tolerance: :func:`scipy.special.betaincinv` on
      that subset. In far tails the band goes first (``min(y, 1 - y)`` below about 1e-5),
      then the bulk (below about 1e-8), so such levels cost scipy's time, not accuracy.

    **Accuracy.** The relative error of x is :math:`(1 - x)` times the error in
    :math:`D`, held below 2e-11 on the fitting and validation grids; measured against
    scipy on dense random samples of :math:`5 \le a, b \le 10^8` at levels 1e-5 to
    0.9999 it stays below 2e-11 (typically a few 1e-12), and against a 40-digit reference
    below 1e-11. The approximation is only as good as scipy's inverse on the fitting grid
    (about 1e-15 there), and beyond :math:`\min(a, b) = 10^7` it relies on the exact
    limit at :math:`s = 0`.

    **Speed.** On 1e6 Clopper-Pearson pairs (n uniform in [50, 5000], p uniform) both
    bounds take about 0.11 s once the two levels are fitted, against 1.9 s for scipy;
    0.8% of the elements fall back to scipy and 8% use the band surrogate.

    References
    ----------
    .. [1] N. M. Temme, "Asymptotic inversion of the incomplete beta function",
       J. Comput. Appl. Math. 41 (1992) 145-157.
    .. [2] E. A. Cornish and R. A. Fisher, "Moments and cumulants in the specification of
       distributions", Rev. Inst. Int. Stat. 5 (1938) 307-320.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([12.0, 480.0, 1066.7])
    >>> n = np.array([40.0, 1600.0, 1066.7 * 2])
    >>> low = betaincinv(x, n - x + 1.0, 0.025)
    >>> bool(np.allclose(low, special.betaincinv(x, n - x + 1.0, 0.025), rtol=1e-10))
    True
    """
    yf = _check_y(y)
    af = np.asarray(a, dtype=np.float64)
    bf = np.asarray(b, dtype=np.float64)
    if np.any(af <= 0.0):
        raise ValueError("a must be > 0")
    if np.any(bf <= 0.0):
        raise ValueError("b must be > 0")
    af, bf = np.broadcast_arrays(af, bf)
    shape = af.shape
    af = np.ascontiguousarray(af).ravel()
    bf = np.ascontiguousarray(bf).ravel()
    sur = _surrogate(yf, af.size)
    if sur is None or not sur.tiers:
        return np.asarray(special.betaincinv(af, bf, yf), dtype=np.float64).reshape(shape)
    out = np.empty(af.size)
    fallback: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        _evaluate(sur.tiers[0], sur.z, af, bf, out)
        amin = np.minimum(af, bf)
        small = np.flatnonzero(amin < _M_BULK)  # NaN compares False: caught below
        if small.size:
            amin_small = amin[small]
            if len(sur.tiers) > 1:
                band = sur.tiers[1]
                idx = small[amin_small >= band.m_lo]
                if idx.size:
                    sub = np.empty(idx.size)
                    _evaluate(band, sur.z, af[idx], bf[idx], sub)
                    out[idx] = sub
            fallback.append(small[amin_small < sur.tiers[-1].m_lo])
        # NaN or infinite input gives NaN here; tiny results lose relative accuracy.
        ok = out >= _TINY
        if not ok.all():
            fallback.append(np.flatnonzero(~ok))
    idx = np.unique(np.concatenate(fallback)) if fallback else np.empty(0, dtype=np.intp)
    if idx.size:
        out[idx] = special.betaincinv(af[idx], bf[idx], yf)
    return out.reshape(shape)


def _check_y(y: float) -> float:
    if np.ndim(y) != 0:
        raise ValueError("y must be a scalar")
    yf = float(y)
    if not 0.0 < yf < 1.0:
        raise ValueError(f"y must be in (0, 1), got {y!r}")
    return yf
