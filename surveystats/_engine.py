"""The one interval engine for a proportion.

Every route to a proportion interval in surveystats ends here: the topline route
(``proportion_ci`` with ``n_eff = n / deff``), the comparisons of two shares, the bias
scenarios and the design-based estimators (which pass the design's estimate, its effective
sample size ``p (1 - p) / var`` and its degrees of freedom, as R survey's ``svyciprop`` does).
Because they share one engine, their numbers agree by construction.

The engine works on plain float64 arrays that are already validated and broadcast; it knows
nothing about pandas, result objects or argument checking.

Each method is a function with one signature, ``f(p, n_eff, setting) -> (low, high)``,
registered in ``METHODS``. Adding a method is one function, one registry line and one
reference test.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import special

from surveystats._betaincinv import betaincinv

__all__ = [
    "ALIASES",
    "DEGENERATE_AT_BOUNDS",
    "METHODS",
    "MethodName",
    "Setting",
    "canonical_method",
    "critical_value",
    "interval",
    "tail_probability",
]

MethodName = Literal[
    "wald",
    "wilson",
    "wilson_cc",
    "agresti_coull",
    "clopper_pearson",
    "jeffreys",
    "logit",
    "arcsine",
    "likelihood_ratio",
    "korn_graubard",
]


@dataclass(frozen=True)
class Setting:
    """What every method needs besides p and n_eff.

    Attributes
    ----------
    confidence_level : float
        Two-sided confidence level in (0, 1).
    crit : float or ndarray
        Two-sided critical value: the normal quantile, or Student's t with ``df``.
    n : ndarray
        Nominal sample size (used only by Korn-Graubard's degrees-of-freedom adjustment).
    df : ndarray or None
        Design degrees of freedom; None means "use normal quantiles".
    """

    confidence_level: float
    crit: np.ndarray | float
    n: np.ndarray
    df: np.ndarray | None

    @property
    def alpha(self) -> float:
        return 1.0 - self.confidence_level


def tail_probability(confidence_level: float) -> float:
    """``alpha / 2 = (1 - confidence_level) / 2``, exact for levels near 1.

    ``1 - cl`` is exact for cl in [0.5, 1) (Sterbenz), so even the largest float below 1
    gives its true tail 2**-54; ``0.5 + 0.5 * cl`` would round to 1 there.
    """
    return 0.5 * (1.0 - confidence_level)


def critical_value(
    confidence_level: float, df: np.ndarray | float | None = None
) -> np.ndarray | float:
    """Two-sided critical value: ``z_{1 - alpha/2}``, or ``t_{df, 1 - alpha/2}`` when df is given.

    Computed from the lower tail (``-ndtri(alpha/2)``, ``-stdtrit(df, alpha/2)``), which is
    accurate for every level up to the largest float below 1. ``df = inf`` gives the normal
    quantile, as it should.
    """
    tail = tail_probability(confidence_level)
    if df is None:
        return float(-special.ndtri(tail))
    df_arr = np.asarray(df, dtype=np.float64)
    crit = -special.stdtrit(df_arr, tail)  # Student t quantile; df = inf gives the normal
    return float(crit) if crit.ndim == 0 else crit


# --- normal-approximation methods -------------------------------------------------------


def _clip_outer(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``max(low, 0)`` and ``min(high, 1)``, in place on fresh arrays.

    These are the outer sides of clipping both bounds to [0, 1]. The inner sides (low <= 1,
    high >= 0) need no pass of their own: the guard in _bounds takes ``min(low, p)`` and
    ``max(high, p)`` next, which are <= 1 and >= 0 as p is in [0, 1] (or NaN, which stays NaN).
    """
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    np.maximum(low, 0.0, out=low)
    np.minimum(high, 1.0, out=high)
    return low, high


def _wald(p: np.ndarray, n_eff: np.ndarray, s: Setting) -> tuple[np.ndarray, np.ndarray]:
    half = s.crit * np.sqrt(p * (1.0 - p) / n_eff)
    return _clip_outer(p - half, p + half)


def _wilson(p: np.ndarray, n_eff: np.ndarray, s: Setting) -> tuple[np.ndarray, np.ndarray]:
    c2n = s.crit * s.crit / n_eff
    denom = 1.0 + c2n
    center = (p + 0.5 * c2n) / denom
    half = s.crit * np.sqrt(p * (1.0 - p) / n_eff + 0.25 * c2n / n_eff) / denom
    low, high = _clip_outer(center - half, center + half)
    # bounds near 0 or 1 from the product of the roots, where center - half cancels (a bound
    # beyond its unclipped inner side, low > 1 or high < 0, is neither fixed nor used here)
    low = _edge_fix(low, p, denom, high, upper=False)
    high = _edge_fix(high, p, denom, low, upper=True)
    return low, high


#: Bounds closer than this to 0 or 1 are recomputed in a cancellation-free form.
_NEAR_EDGE = 0.05


def _edge_fix(bound: np.ndarray, p: np.ndarray, denom: np.ndarray, other: np.ndarray,
              *, upper: bool) -> np.ndarray:
    """Wilson bounds near 0 (or 1) from the product of the roots, on those elements only.

    ``low * high = p^2 / (1 + c2n)``, so ``low = p (p / (denom high))`` is exact where
    ``center - half`` cancels (p = 1e-300 would give 2e-19 > p); the mirror image gives the
    upper bound near 1. At p = 0 (p = 1) it gives the bound 0 (1) exactly. Cancellation
    matters only near the edges, so the bulk of a large array pays one comparison.
    """
    shape = np.broadcast_shapes(np.shape(bound), np.shape(p), np.shape(denom))
    flat = np.broadcast_to(bound, shape).ravel()
    near = flat > 1.0 - _NEAR_EDGE if upper else flat < _NEAR_EDGE
    idx = np.flatnonzero(near)
    if idx.size == 0:
        return bound
    pb = np.broadcast_to(p, shape).ravel()[idx]
    db = np.broadcast_to(denom, shape).ravel()[idx]
    ob = np.broadcast_to(other, shape).ravel()[idx]
    out = np.array(flat, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        if upper:
            q = 1.0 - pb
            ok = (pb > 0.5) & (ob < 1.0)
            out[idx[ok]] = 1.0 - q[ok] * (q[ok] / (db[ok] * (1.0 - ob[ok])))
        else:
            ok = (pb < 0.5) & (ob > 0.0)
            out[idx[ok]] = pb[ok] * (pb[ok] / (db[ok] * ob[ok]))
    return out.reshape(shape)


def _wilson_cc(p: np.ndarray, n_eff: np.ndarray, s: Setting) -> tuple[np.ndarray, np.ndarray]:
    # Wilson's score interval evaluated at p -/+ 1/(2n): Newcombe (1998), method 4, which is
    # also what R's prop.test(correct = TRUE) computes. A shifted p outside [0, 1] gives the
    # bound 0 (or 1) exactly.
    c2n = s.crit * s.crit / n_eff
    denom = 1.0 + c2n
    shift = 0.5 / n_eff
    with np.errstate(invalid="ignore"):
        pl = p - shift
        pu = p + shift
        tail = 0.25 * c2n / n_eff
        low = (pl + 0.5 * c2n - s.crit * np.sqrt(pl * (1.0 - pl) / n_eff + tail)) / denom
        high = (pu + 0.5 * c2n + s.crit * np.sqrt(pu * (1.0 - pu) / n_eff + tail)) / denom
    low = np.where(pl <= 0.0, 0.0, low)
    high = np.where(pu >= 1.0, 1.0, high)
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def _agresti_coull(p: np.ndarray, n_eff: np.ndarray, s: Setting) -> tuple[np.ndarray, np.ndarray]:
    c2 = s.crit * s.crit
    n_tilde = n_eff + c2
    p_tilde = (p * n_eff + 0.5 * c2) / n_tilde
    half = s.crit * np.sqrt(p_tilde * (1.0 - p_tilde) / n_tilde)
    return np.clip(p_tilde - half, 0.0, 1.0), np.clip(p_tilde + half, 0.0, 1.0)


def _logit(p: np.ndarray, n_eff: np.ndarray, s: Setting) -> tuple[np.ndarray, np.ndarray]:
    # Wald interval for log(p / (1 - p)), whose delta-method SE is 1 / sqrt(n_eff p (1 - p)).
    # At p = 0 or 1 the log-odds is infinite and the interval collapses onto p.
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = special.logit(p)
        se = 1.0 / np.sqrt(n_eff * p * (1.0 - p))
        half = np.where(np.asarray(s.crit) == 0.0, 0.0, s.crit * se)  # 0 * inf at tiny levels
        low = special.expit(eta - half)
        high = special.expit(eta + half)
    edge = (p == 0.0) | (p == 1.0)
    if np.any(edge):
        low = np.where(edge, p, low)
        high = np.where(edge, p, high)
    return low, high


def _arcsine(p: np.ndarray, n_eff: np.ndarray, s: Setting) -> tuple[np.ndarray, np.ndarray]:
    # asin(sqrt(p)) has delta-method SE 1 / (2 sqrt(n_eff)); the angle is kept in [0, pi/2]
    # so that the back-transformation sin^2 stays monotone.
    angle = np.arcsin(np.sqrt(p))
    half = s.crit * 0.5 / np.sqrt(n_eff)
    low = np.sin(np.clip(angle - half, 0.0, 0.5 * np.pi)) ** 2
    high = np.sin(np.clip(angle + half, 0.0, 0.5 * np.pi)) ** 2
    return low, high


# --- likelihood ratio -------------------------------------------------------------------
#
# A bound solves  p log(p / pi) + q log(q / (1 - pi)) = k,  q = 1 - p,  k = crit^2 / (2 n_eff),
# the binomial log-likelihood drop per trial. In the variable w = pi / p the drop is
#
#     G(w) = -p log(w) - q log1p(A (1 - w)),    A = p / q,    1 + A (1 - w) = (1 - pi) / q,
#
# one function for both bounds (the lower has w < 1, the upper w > 1), and pi = p w carries the
# relative precision of w whether pi is near p, near 0 or near 1. Rounding in G is a few ulps of
# its two terms, which moves the root by a few ulps of w. The textbook form
# x log(pi) + (m - x) log(1 - pi) is not usable near pi = p: its terms are of size m and cancel,
# which costs about log10(n_eff) digits (1e-10 relative at n_eff = 1e12, percents for the upper
# bound of a tiny p at n_eff = 1e15).
#
# G is convex with G(1) = G'(1) = 0 and singular at w = 0 and w = 1 / p. Halley's method from
# the Wilson bound corrected to second order in crit (the likelihood-ratio bound moves the
# Wilson centre by k (q - p) / (3 p) in w) converges for nearly every element in two steps. A
# bound is accepted when the last Newton correction is below _LR_TOL of the distance to the
# nearest of w = 0, 1, 1 / p: Halley's error is then about the cube of that, far below an ulp.
# The rest (small counts on either side, p = 0 or 1, n_eff beyond about 1e18) take two more
# steps and, if still not accepted, the monotone Newton iteration of _lr_fallback.

#: Elements per block of the likelihood-ratio solver: its work arrays stay in the cache, and a
#: fixed number of steps over a block costs less than tracking which elements still move.
_LR_BLOCK = 1 << 14

#: Halley steps taken on every element (and again on those not accepted after them).
_LR_STEPS = 2

#: Largest accepted Newton correction, relative to the distance to the nearest singular point.
_LR_TOL = 1e-6


def _likelihood_ratio(
    p: np.ndarray, n_eff: np.ndarray, s: Setting
) -> tuple[np.ndarray, np.ndarray]:
    # {pi : 2 [l(p) - l(pi)] <= crit^2}, the inverted binomial likelihood-ratio test with
    # x = p n_eff successes in n_eff trials (x need not be an integer).
    half_chi2 = 0.5 * np.asarray(s.crit, dtype=np.float64) ** 2
    shape = np.broadcast_shapes(np.shape(p), np.shape(n_eff), half_chi2.shape)
    p_f, m_f = (np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.float64).reshape(-1)
                for a in (p, n_eff))
    h_f = half_chi2 if half_chi2.ndim == 0 else np.broadcast_to(half_chi2, shape).reshape(-1)
    size = p_f.size
    # w = pi / p for each bound, then the bounds themselves
    low, high = np.empty(size), np.empty(size)
    accepted = np.empty((2, size), dtype=bool)
    work = [np.empty(min(size, _LR_BLOCK)) for _ in range(12)]
    with np.errstate(all="ignore"):  # p = 0 or 1, NaN and overflow end in _lr_fallback
        for start in range(0, size, _LR_BLOCK):
            block = slice(start, start + _LR_BLOCK)
            h = h_f if h_f.ndim == 0 else h_f[block]
            _lr_block(p_f[block], m_f[block], h, low[block], high[block], accepted[:, block],
                      [a[: p_f[block].size] for a in work])
        for w, ok, lower in ((low, accepted[0], True), (high, accepted[1], False)):
            _lr_finish(p_f, m_f, h_f, w, ok, lower)
    return low.reshape(shape), high.reshape(shape)


def _lr_block(p: np.ndarray, m: np.ndarray, h: np.ndarray | float, w_low: np.ndarray,
              w_high: np.ndarray, ok: np.ndarray, work: list[np.ndarray]) -> None:
    """Both bounds' w for one block: start, _LR_STEPS Halley steps, acceptance flags."""
    q, k, A, S, shift, ip = work[:6]
    np.subtract(1.0, p, out=q)
    np.divide(h, m, out=k)
    np.divide(p, q, out=A)
    # Wilson's bounds are p^2 / (p + S) and 1 - q^2 / (q + S), S = k + z sqrt(pq + k/2), z^2 = 2k
    np.multiply(k, 0.5, out=S)
    np.multiply(p, q, out=shift)
    S += shift
    np.sqrt(S, out=S)
    np.add(k, k, out=shift)
    np.sqrt(shift, out=shift)
    S *= shift
    S += k
    np.subtract(q, p, out=shift)  # the second-order shift k (q - p) / (3p) of both bounds in w
    shift *= k
    shift /= p
    shift *= 1.0 / 3.0
    np.divide(1.0, p, out=ip)  # w at pi = 1
    lo_clip, hi_clip = work[6:8]
    for lower, w, accepted in ((True, w_low, ok[0]), (False, w_high, ok[1])):
        if lower:  # Wilson: w = p / (p + S), kept within [w/2, (w + 1)/2]
            np.add(p, S, out=w)
            np.divide(p, w, out=w)
            np.multiply(w, 0.5, out=lo_clip)
            np.add(w, 1.0, out=hi_clip)
        else:  # Wilson: w = (q + S / p) / (q + S), kept within [(1 + w)/2, (w + 1/p)/2]
            np.multiply(S, ip, out=w)
            w += q
            np.add(q, S, out=hi_clip)
            w /= hi_clip
            np.add(w, 1.0, out=lo_clip)
            lo_clip *= 0.5
            np.add(w, ip, out=hi_clip)
        hi_clip *= 0.5
        w -= shift
        np.maximum(w, lo_clip, out=w)
        np.minimum(w, hi_clip, out=w)
        newton, d = _lr_halley(p, q, A, k, w, _LR_STEPS, work[6:])
        _lr_accept(newton, d, w, ip, out=accepted)


def _lr_halley(p: np.ndarray, q: np.ndarray, A: np.ndarray, k: np.ndarray, w: np.ndarray,
               steps: int, work: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``steps`` Halley steps on G(w) = k, updating ``w`` in place.

    Returns the last Newton correction (G - k) / G' and w - 1 before the last step, both views
    of ``work`` (six arrays shaped like ``w``), for _lr_accept.
    """
    d, s, v, c, r, newton = work[:6]
    for _ in range(steps):
        np.subtract(w, 1.0, out=d)
        np.multiply(A, d, out=s)  # s = A (w - 1)
        np.subtract(1.0, s, out=v)  # v = 1 + A (1 - w) = (1 - pi) / q
        np.subtract(v, 1.0, out=c)  # log1p(-s) = log(v) - ((v - 1) + s) / v, exact to an ulp
        c += s
        c /= v
        np.log(v, out=r)
        r -= c
        r *= q
        np.log(w, out=newton)
        newton *= p
        newton += r
        newton += k
        np.negative(newton, out=newton)  # G(w) - k
        np.multiply(w, v, out=c)
        newton *= c
        newton /= s  # (G - k) / G',  G' = p / v - p / w = s / (w v)
        # Halley: w -= N / (1 - N G'' / (2 G')),  G'' / (2 G') = (q / r + p r) / (2 (w - 1)),
        # r = w / v
        np.divide(w, v, out=r)
        np.multiply(p, r, out=c)
        np.divide(q, r, out=r)
        r += c
        r *= newton
        r /= d
        r *= -0.5
        r += 1.0
        np.divide(newton, r, out=r)
        w -= r
    return newton, d


def _lr_accept(newton: np.ndarray, d: np.ndarray, w: np.ndarray, ip: np.ndarray,
               out: np.ndarray | None = None) -> np.ndarray:
    """Whether |newton| < _LR_TOL * min(w, |w - 1|, 1/p - w): False for NaN. Overwrites d."""
    np.abs(d, out=d)
    np.minimum(d, w, out=d)
    np.minimum(d, ip - w, out=d)
    d *= _LR_TOL
    return np.less(np.abs(newton), d, out=out)


def _lr_finish(p: np.ndarray, m: np.ndarray, h: np.ndarray, w: np.ndarray, ok: np.ndarray,
               lower: bool) -> None:
    """Turn w into the bound in place: more Halley steps for the elements not accepted, then
    pi = p w, then _lr_fallback for those still not accepted."""
    bad = np.flatnonzero(~ok)
    if bad.size:
        pb = p[bad]
        qb = 1.0 - pb
        kb = (h if h.ndim == 0 else h[bad]) / m[bad]
        wb = w[bad]
        newton, d = _lr_halley(pb, qb, pb / qb, kb, wb, _LR_STEPS,
                               [np.empty(bad.size) for _ in range(6)])
        again = ~_lr_accept(newton, d, wb, 1.0 / pb)
        w[bad] = wb
        bad, pb, qb, kb = bad[again], pb[again], qb[again], kb[again]
    w *= p
    if bad.size:
        a, b = (pb, qb) if lower else (qb, pb)
        w[bad] = _lr_fallback(a, b, kb, lower)


def _lr_fallback(a: np.ndarray, b: np.ndarray, k: np.ndarray, lower: bool) -> np.ndarray:
    """The bound by Newton's method on the log scale, for the few elements Halley left.

    Works on one side at a time: (a, b) = (p, q) for the lower bound, (q, p) for the upper,
    y = log(pi / p) or log((1 - pi) / q) < 0. With E = expm1(y) and t = -(a / b) E the drop is
    F(y) = -a y - b log1p(t), convex and decreasing, F' = -t / (1 + t). Newton on a convex
    decreasing function lands left of the root from anywhere and then rises monotonically
    to it; the iteration stops when y no longer rises. b = 0 (p = 1 or 0) has F = -y; a = 0 is
    the bound p itself.
    """
    A = a / b
    # start: Wilson's bound in this scale
    S = k + np.sqrt(k + k) * np.sqrt(a * b + 0.5 * k)
    y = -np.log1p(S / a)
    y = np.where(b == 0.0, -k, y)
    active = np.flatnonzero(np.isfinite(y) & (y < 0.0) & (b > 0.0))
    for i in range(100):
        if active.size == 0:
            break
        ya, Aa = y[active], A[active]
        e = np.expm1(ya)
        t = np.minimum(-Aa * e, 1e300)  # b log1p(t) -> 0 as b -> 0 with a / b overflowing
        f = -a[active] * ya - b[active] * np.log1p(t) - k[active]
        new = ya + f * (1.0 + t) / t
        moved = ~np.isnan(new)
        y[active[moved]] = new[moved]
        # a NaN or infinite step stops (infinite: the bound is 0 or 1 to double precision)
        active = active[moved & np.isfinite(new) & ((new > ya) | (i == 0))]
    if lower:
        return a * np.exp(y)
    return b - a * np.expm1(y)


# --- beta-quantile methods ---------------------------------------------------------------


# Below this upper-tail probability the upper beta quantile is taken from betainccinv.
_COMPLEMENT_TAIL = 1e-8


def _huge_beta_fallback(
    q: np.ndarray, a: np.ndarray, b: np.ndarray, tail: float, *, upper: bool
) -> np.ndarray:
    """Replace NaN quantiles of Beta(a, b) with finite a, b (scipy's inverse gives NaN for
    counts near 1e16) by the normal approximation, exact to double precision there: the
    skewness is of order 1 / sqrt(a + b)."""
    bad = np.isnan(q) & np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    if not bad.any():
        return q
    q = np.array(q, dtype=np.float64)
    ab, bb = a[bad], b[bad]
    s = ab + bb
    mean = ab / s
    sd = np.sqrt(mean * (bb / s) / (s + 1.0))
    z = -special.ndtri(tail)
    q[bad] = np.clip(mean + z * sd if upper else mean - z * sd, 0.0, 1.0)
    return q


def _beta_bounds(
    a_low: np.ndarray, b_low: np.ndarray, a_high: np.ndarray, b_high: np.ndarray,
    p: np.ndarray, alpha: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower quantile alpha/2 of Beta(a_low, b_low), upper 1 - alpha/2 of Beta(a_high, b_high).

    The lower bound is 0 where p = 0 and the upper bound 1 where p = 1 (where the beta
    parameters vanish). Those entries are rare, so they are patched by index rather than by
    masking the whole arrays (a masked gather and scatter costs more than the inverse).
    """
    a_low, b_low, a_high, b_high, p = np.broadcast_arrays(a_low, b_low, a_high, b_high, p)
    # p = 0 (p = 1), or a count p n_eff that underflows to 0, gives the bound 0 (1)
    zero = np.flatnonzero((p == 0.0) | (a_low <= 0.0))
    one = np.flatnonzero((p == 1.0) | (b_high <= 0.0))
    if zero.size:
        a_low = np.array(a_low, dtype=np.float64)  # a writable copy
        a_low.flat[zero] = 1.0  # any valid value; the bound is set to 0 below
    if one.size:
        b_high = np.array(b_high, dtype=np.float64)
        b_high.flat[one] = 1.0
    tail = 0.5 * alpha
    low = betaincinv(a_low, b_low, tail)
    if tail >= _COMPLEMENT_TAIL:
        high = betaincinv(a_high, b_high, 1.0 - tail)
    else:
        # 1 - tail is not representable accurately (at the largest level below 1 it rounds
        # to 1): invert the upper tail directly
        high = np.asarray(special.betainccinv(a_high, b_high, tail), dtype=np.float64)
    low = _huge_beta_fallback(low, a_low, b_low, tail, upper=False)
    high = _huge_beta_fallback(high, a_high, b_high, tail, upper=True)
    low.flat[zero] = 0.0
    high.flat[one] = 1.0
    # The exact bounds always bracket p; this guards against the last-digit error of the
    # inverse in the extreme tails (counts of order 1e-300), never moving a regular bound.
    np.minimum(low, p, out=low)
    np.maximum(high, p, out=high)
    return low, high


def _clopper_pearson(
    p: np.ndarray, n_eff: np.ndarray, s: Setting
) -> tuple[np.ndarray, np.ndarray]:
    x = p * n_eff
    return _beta_bounds(x, n_eff - x + 1.0, x + 1.0, n_eff - x, p, s.alpha)


def _jeffreys(p: np.ndarray, n_eff: np.ndarray, s: Setting) -> tuple[np.ndarray, np.ndarray]:
    # Equal-tailed interval of the Beta(x + 1/2, n - x + 1/2) posterior, with Brown, Cai and
    # DasGupta's (2001) boundary rule: lower = 0 at x = 0 and upper = 1 at x = n.
    x = p * n_eff
    a = x + 0.5
    b = n_eff - x + 0.5
    return _beta_bounds(a, b, a, b, p, s.alpha)


def _korn_graubard(
    p: np.ndarray, n_eff: np.ndarray, s: Setting
) -> tuple[np.ndarray, np.ndarray]:
    # Korn and Graubard (1998), as R survey's svyciprop(method = "beta"): Clopper-Pearson at
    # the effective size, itself scaled by (t_{n-1} / t_{df})^2 when design df are given.
    if s.df is not None:
        tail = tail_probability(s.confidence_level)  # the ratio of lower-tail quantiles
        with np.errstate(invalid="ignore"):
            ratio = special.stdtrit(s.n - 1.0, tail) / special.stdtrit(s.df, tail)
        # n <= 1 has no t_{n-1}: no adjustment there (the ratio would be NaN)
        ratio = np.where(np.asarray(s.n) > 1.0, ratio, 1.0)
        n_eff = n_eff * ratio * ratio
    return _clopper_pearson(p, n_eff, s)


Method = Callable[[np.ndarray, np.ndarray, Setting], tuple[np.ndarray, np.ndarray]]

METHODS: dict[str, Method] = {
    "wald": _wald,
    "wilson": _wilson,
    "wilson_cc": _wilson_cc,
    "agresti_coull": _agresti_coull,
    "clopper_pearson": _clopper_pearson,
    "jeffreys": _jeffreys,
    "logit": _logit,
    "arcsine": _arcsine,
    "likelihood_ratio": _likelihood_ratio,
    "korn_graubard": _korn_graubard,
}

#: Other names users bring from statsmodels, R and Stata, mapped to the canonical name.
ALIASES: dict[str, str] = {
    "exact": "clopper_pearson",
    "normal": "wald",
    "score": "wilson",
}

# Smallest effective size (per unit crit^2) at which the methods are evaluated.
_TINY_N_EFF = 1e-290

#: Methods whose interval collapses to a point at p = 0 and p = 1.
DEGENERATE_AT_BOUNDS = frozenset({"wald", "logit"})

_BETA_MESSAGE = (
    "method 'beta' is ambiguous: statsmodels' proportion_confint means Clopper-Pearson by it, "
    "R survey's svyciprop means Korn-Graubard (Clopper-Pearson at a df-adjusted effective "
    "size); pass method='clopper_pearson' or method='korn_graubard'"
)


def canonical_method(method: str, *, name: str = "method") -> str:
    """Map a method name or alias to its canonical name, or raise a ValueError naming the
    parameter (``name``) and listing them."""
    if method == "beta":
        raise ValueError(_BETA_MESSAGE)
    if isinstance(method, str):
        # the names the charts print are accepted too: "Clopper-Pearson", "Wilson (cc)",
        # "likelihood ratio" (case, spaces, hyphens and brackets aside)
        key = re.sub(r"[\s\-()]+", "_", method.strip().lower()).strip("_")
        if key in METHODS:
            return key
        if key in ALIASES:
            return ALIASES[key]
    valid = ", ".join(repr(m) for m in METHODS)
    aliases = ", ".join(f"{a!r} ({c})" for a, c in ALIASES.items())
    raise ValueError(f"{name} ({method!r}) is not one of {valid}; aliases: {aliases}")


def interval(
    method: str,
    p: np.ndarray,
    n_eff: np.ndarray,
    *,
    confidence_level: float,
    df: np.ndarray | None = None,
    n: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Interval bounds for validated float arrays ``p`` and ``n_eff``.

    ``method`` must be canonical (see ``canonical_method``). ``n`` is the nominal sample size,
    used only by Korn-Graubard's df adjustment; it defaults to ``n_eff``. The bounds broadcast
    over ``p``, ``n_eff``, ``df`` and ``n``; they are new arrays (or scalars) that nothing else
    refers to, so a result may store them without a copy.
    """
    func = METHODS[method]
    crit = critical_value(confidence_level, df)
    # n_eff = inf (n / deff overflowed) is the limit of certainty: the point p. n_eff so
    # small that crit^2 / n_eff overflows has reached the other limit, so it is evaluated at
    # the smallest size that keeps every method's arithmetic finite; the bounds there equal
    # their limits to double precision.
    with np.errstate(over="ignore"):
        floor = np.maximum(np.square(crit) * _TINY_N_EFF, _TINY_N_EFF)
    args = (p, n_eff, crit, floor, n, df)
    shape = np.broadcast_shapes(*(np.shape(a) for a in args if a is not None))
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        if method not in _BLOCKWISE or not _blockwise(shape, *args):
            return _bounds(func, confidence_level, *args)
        low, high = np.empty(shape), np.empty(shape)
        for start in range(0, low.size, _BLOCK):
            block = slice(start, start + _BLOCK)
            low.reshape(-1)[block], high.reshape(-1)[block] = _bounds(
                func, confidence_level, *(_part(a, block) for a in args))
    return low, high


#: Elements per block. A large array is evaluated a block at a time, so that a method's
#: intermediate arrays (a few of 512 KiB) stay in the CPU cache instead of each step of the
#: formula streaming a full array through memory: about twice as fast for Wilson at 1e6
#: elements, whose edge fix gathers from four arrays.
_BLOCK = 1 << 16

#: The methods evaluated in blocks: closed forms, elementwise, so the bounds are the same to
#: the bit either way. Not the beta quantiles: the inverse incomplete beta works in cache-sized
#: chunks itself and fits its per-level correction only for large arrays.
_BLOCKWISE = frozenset({"wald", "wilson", "wilson_cc", "agresti_coull", "logit", "arcsine"})


def _blockwise(shape: tuple[int, ...], *arrays: Any) -> bool:
    """Whether to evaluate in blocks: more than two blocks, and every input either a single
    value or a C-contiguous array of the full shape (flat blocks of it are then views)."""
    return math.prod(shape) > 2 * _BLOCK and all(
        a is None or np.ndim(a) == 0
        or (isinstance(a, np.ndarray) and a.shape == shape and a.flags.c_contiguous)
        for a in arrays)


def _part(a: Any, block: slice) -> Any:
    """The block of a full-shape array (a flat view), or the single value itself."""
    return a if a is None or np.ndim(a) == 0 else a.reshape(-1)[block]


def _bounds(
    func: Method, confidence_level: float, p: np.ndarray, n_eff: np.ndarray,
    crit: np.ndarray | float, floor: np.ndarray | float, n: np.ndarray | None,
    df: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """interval() on all its elements or on one block of them, in its np.errstate."""
    point = None
    missing = None
    top = np.max(n_eff) if np.size(n_eff) else 0.0
    if top != top:  # a NaN size (nan_policy="propagate"): NaN bounds there, the rest as usual
        missing = np.isnan(n_eff)
        n_eff = np.where(missing, 1.0, n_eff)
        top = np.max(n_eff)
    if np.size(n_eff) and (top == np.inf or np.min(n_eff) < np.min(floor)
                           or np.ndim(floor)):  # two reductions for the common case
        point = np.isposinf(n_eff)
        if np.any(point) or np.any(n_eff < floor):
            n_eff = np.where(point, 1.0, np.maximum(n_eff, floor))
    setting = Setting(
        confidence_level=confidence_level,
        crit=crit,
        n=n_eff if n is None else n,
        df=df,
    )
    low, high = func(p, n_eff, setting)
    if point is not None and np.any(point):
        low = np.where(point, p, low)
        high = np.where(point, p, high)
    if missing is not None:
        low = np.where(missing, np.nan, low)
        high = np.where(missing, np.nan, high)
    # Every interval contains its estimate: this guards the last digit of bounds computed
    # by subtraction (NaN stays NaN, so a NaN bound is never hidden).
    low = np.minimum(low, p, out=low if _owned(low, p) else None)
    high = np.maximum(high, p, out=high if _owned(high, p) else None)
    return low, high


def _owned(bound: Any, p: np.ndarray) -> bool:
    """Whether ``bound`` is a fresh array of the result's shape that may be written in place."""
    return (isinstance(bound, np.ndarray) and bound.flags.writeable and bound.ndim > 0
            and bound.shape == np.broadcast_shapes(bound.shape, np.shape(p))
            and not np.shares_memory(bound, p))
