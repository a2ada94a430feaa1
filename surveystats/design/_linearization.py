"""The Taylor-linearisation variance engine.

Input: the totals of influence values within each sampled unit at each stage (from
:mod:`~surveystats.design._reduce`) and the design's structure (the stratum of each unit,
units sampled and population size per stratum, the sampling fractions of earlier stages).
Output: a covariance matrix. The engine knows nothing about which estimator produced the
influence values; a mean, a ratio or a regression coefficient all arrive as columns.

The formula is that of R survey's ``svyrecvar`` (Lumley 2004, 2010, section 2.2 and
appendix C), implemented here without loops over units or strata. With ``t_u`` the total
of unit ``u`` in stratum ``h`` at stage ``s``, ``n_h`` units sampled out of ``N_h``,
``f_h = 1 - n_h / N_h`` (1 without an fpc) and ``tbar_h`` the mean of the ``n_h`` totals,

    V = Σ_s Σ_h  M_h · f_h · n_h / (n_h - 1) · Σ_{u in h} (t_u - tbar_h)(t_u - tbar_h)ᵀ

where ``M_h = 1`` at stage 1 and, at a later stage, ``M_h`` is the product of the sampling
fractions ``n/N`` of the strata the unit's ancestors were drawn from. Without an fpc at
stage 1 the fractions are 0 and only the first stage counts (the with-replacement, "ultimate
cluster" approximation); with an fpc at every stage it is the classical unbiased multistage
variance. A stratum with ``f_h < 1e-7`` (a certainty stratum: every unit taken) adds
nothing at its stage, as in R.

Strata with a single sampled unit ("lonely PSUs") are handled by ``lonely_psu``:

* ``"fail"``: raise a ValueError naming the strata;
* ``"remove"``, ``"certainty"``: the stratum adds nothing (R survey 4.1.1 treats both alike);
* ``"adjust"``: the lone total is not centred: it adds ``M_h f_h t_u t_uᵀ`` (for a mean the
  influence values are centred at the overall mean, so this centres at the grand mean);
* ``"average"``: the sum over the other strata of the same stage and parent unit is scaled
  by (number of strata) / (number of strata with more than one unit).

The presence masks reproduce R's subset semantics for domains: a stratum counts towards the
lonely-PSU rules of a domain only if it has rows in that domain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal

import numpy as np
import scipy.sparse

from surveystats.design._reduce import DomainTotals, Totals

__all__ = ["LONELY_PSU_RULES", "NOISE_ULPS", "LonelyPSU", "Stage", "StratumMoments",
           "moments_covariance", "stage_terms", "taylor_covariance", "zero_small_rows"]

LonelyPSU = Literal["fail", "remove", "certainty", "adjust", "average"]
LONELY_PSU_RULES: tuple[str, ...] = ("fail", "remove", "certainty", "adjust", "average")

#: R's threshold below which a stratum's finite population correction counts as zero.
CERTAINTY_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Stage:
    """The structure of one sampling stage, as the variance engine needs it.

    Attributes
    ----------
    unit_stratum : ndarray of int64, shape (n_units,)
        Stratum code of each sampled unit at this stage. At stage 2 and later a stratum lies
        within one parent unit.
    n_sampled : ndarray of float, shape (n_strata,)
        Units sampled in each stratum (of the full design, whatever the domain).
    pop_size : ndarray of float, shape (n_strata,)
        Population units in each stratum; ``inf`` when no fpc was given.
    multiplier : ndarray of float, shape (n_strata,)
        Product of the sampling fractions ``n/N`` of the earlier stages (1 at stage 1).
    stratum_group : ndarray of int64, shape (n_strata,)
        The group each stratum is averaged within under ``lonely_psu="average"``: 0 at
        stage 1, the parent unit later.
    n_groups : int
        Number of groups.
    """

    unit_stratum: np.ndarray
    n_sampled: np.ndarray
    pop_size: np.ndarray
    multiplier: np.ndarray
    stratum_group: np.ndarray
    n_groups: int

    @property
    def n_units(self) -> int:
        return int(self.unit_stratum.size)

    @property
    def n_strata(self) -> int:
        return int(self.n_sampled.size)

    @property
    def fpc_factor(self) -> np.ndarray:
        """``1 - n_h / N_h`` per stratum (1 without an fpc)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            f = (self.pop_size - self.n_sampled) / self.pop_size
        return np.where(np.isinf(self.pop_size), 1.0, f)

    @property
    def active(self) -> np.ndarray:
        """Strata that contribute at this stage (not certainty, reached by the recursion)."""
        return (self.multiplier > 0.0) & (self.fpc_factor >= CERTAINTY_TOLERANCE)

    @property
    def lonely(self) -> np.ndarray:
        """Active strata with a single sampled unit."""
        return self.active & (self.n_sampled == 1)


Describe = Callable[[int, np.ndarray], list[str]]


def _describe_default(stage: int, strata: np.ndarray) -> list[str]:
    return [f"stratum {h} at stage {stage + 1}" for h in strata]


def lonely_message(labels: list[str]) -> str:
    shown = ", ".join(labels[:10])
    more = f" and {len(labels) - 10} more" if len(labels) > 10 else ""
    strata = "stratum has" if len(labels) == 1 else "strata have"
    return (
        f"lonely_psu='fail': {len(labels)} {strata} a single sampled unit: "
        f"{shown}{more}. One unit gives no estimate of the variance between units in its "
        "stratum. Pass lonely_psu='remove' or 'certainty' (the stratum adds 0), 'adjust' "
        "(centre at the grand mean) or 'average' (scale up by the other strata), or "
        "collapse the stratum with a neighbour"
    )


def taylor_covariance(
    totals: Sequence[Totals],
    stages: Sequence[Stage],
    lonely_psu: LonelyPSU,
    *,
    present: Sequence[np.ndarray] | None = None,
    column_group: np.ndarray | None = None,
    describe: Describe | None = None,
    full: bool = True,
    adjust_domain_lonely: bool = False,
) -> np.ndarray:
    """Covariance matrix of estimators from their unit totals of influence values.

    Parameters
    ----------
    totals : sequence of ndarray (m, n_units_s) or DomainTotals
        Unit totals at stages 1, 2, ... (as many as the caller needs: later stages whose
        multipliers are all 0 may be left out), one row per estimate.
    stages : sequence of Stage
        The design's stages (at least as many as ``totals``).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        Rule for strata with a single unit.
    present : sequence of ndarray of bool, each (n_units_s, g), optional
        Which units have rows in each of ``g`` row subsets (domains). Only the lonely-PSU
        rules ``"fail"`` and ``"average"`` look at it; None means every unit is present.
    column_group : ndarray of int64, shape (m,), optional
        The subset (column of ``present``) that each estimate belongs to.
    describe : callable, optional
        ``describe(stage_index, strata) -> labels`` for error messages.
    full : bool, default True
        False: only the variances (the diagonal), for results with too many rows (domains
        times variables) for an (m, m) matrix.
    adjust_domain_lonely : bool, default False
        R's ``options(survey.adjust.domain.lonely = TRUE)``: a stratum with several units of
        which only one has rows in a subset is lonely *for that subset*, under the
        ``"adjust"`` rule (its unit total is not centred) and the ``"average"`` rule (it is
        left out and the subset's other strata scaled up). Needs ``present``.

    Returns
    -------
    ndarray, shape (m, m), or (m,) when ``full`` is False
    """
    describe = describe or _describe_default
    m = totals[0].shape[0]
    cov = np.zeros((m, m) if full else m)
    if column_group is None:
        column_group = np.zeros(m, dtype=np.int64)
    for s, t in enumerate(totals):
        st = stages[s]
        if not st.active.any():
            continue
        unit_present = None if present is None else present[s]
        scale, factor, centre = stage_terms(
            st, lonely_psu, adjust_domain_lonely,
            partial(_stratum_presence, st, unit_present),
            None if unit_present is None else partial(_stratum_counts, st, unit_present),
            partial(describe, s))
        if not np.any(scale > 0.0):
            continue
        if isinstance(t, DomainTotals):
            cov += _domain_contribution(t, st, scale, centre, factor, column_group, full)
        else:
            cov += _dense_contribution(t, st, scale, centre, factor, column_group, full)
    return 0.5 * (cov + cov.T) if full else cov


def stage_terms(
    st: Stage, lonely_psu: LonelyPSU, adjust_domain_lonely: bool,
    presence: Callable[[], np.ndarray], counts: Callable[[], np.ndarray] | None,
    describe: Callable[[np.ndarray], list[str]],
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """What one stage's strata contribute under the lonely-PSU rules: each stratum's
    ``scale`` (:func:`_stratum_scale`), its "average" ``factor`` per subset ((n_strata, g),
    None under the other rules) and, under "adjust", whether its totals are ``centre``-d
    ((n_strata,), or (n_strata, g) with ``adjust_domain_lonely``; None under the other
    rules). ``presence`` and ``counts`` as for :func:`_lonely_strata`, which this calls (and
    which raises under "fail"). :func:`taylor_covariance` reads these per stage; so does a
    caller that streams a stage's unit totals instead of holding them (a Dask DataFrame's
    calibrated element sample)."""
    pres, alone = _lonely_strata(st, lonely_psu, adjust_domain_lonely, presence, counts,
                                 describe)
    scale = _stratum_scale(st, lonely_psu)
    factor = _stratum_factor(st, lonely_psu, pres, alone)
    centre: np.ndarray | None = ~st.lonely if lonely_psu == "adjust" else None
    if centre is not None and alone is not None:  # (n_strata, g): not centred there
        centre = centre[:, None] & ~alone
    return scale, factor, centre


def _lonely_strata(
    st: Stage, lonely_psu: LonelyPSU, adjust_domain_lonely: bool,
    presence: Callable[[], np.ndarray], counts: Callable[[], np.ndarray] | None,
    describe: Callable[[np.ndarray], list[str]],
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Which strata the lonely-PSU rules see in each subset, for both covariance routes.

    ``presence()`` gives (n_strata, g) whether each stratum has rows in each subset and
    ``counts()`` (None: no subsets) how many units; each is called only when a rule needs
    it. Returns ``pres``, the presence when the "fail" or "average" rule looks at it (else
    None), and ``alone``, (n_strata, g) strata with several units of which only one has the
    subset's rows (lonely *for that subset*, ``adjust_domain_lonely``; None when there are
    none). Raises under "fail" when a lonely stratum has rows.
    """
    lonely = st.lonely
    pres = presence() if lonely.any() and lonely_psu in ("fail", "average") else None
    alone = None
    if adjust_domain_lonely and counts is not None and lonely_psu in ("adjust", "average"):
        c = counts()
        alone = (c == 1) & (st.n_sampled > 1)[:, None]
        if not alone.any():
            alone = None
        elif pres is None:
            pres = c > 0
    if pres is not None and lonely_psu == "fail":
        bad = np.flatnonzero(lonely & pres.any(axis=1))
        if bad.size:
            raise ValueError(lonely_message(describe(bad)))
    return pres, alone


def _stratum_scale(st: Stage, lonely_psu: LonelyPSU) -> np.ndarray:
    """Each stratum's factor of its centred sum of squares: ``f n_h / (n_h - 1)`` times the
    stage's multiplier (a lonely unit under "adjust": ``f``; inactive strata: 0)."""
    f = st.fpc_factor
    n_h = st.n_sampled
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_h > 1, f * n_h / (n_h - 1.0), 0.0)
    if lonely_psu == "adjust":
        scale = np.where(st.lonely, f, scale)
    return np.where(st.active, scale * st.multiplier, 0.0)


def _stratum_factor(st: Stage, lonely_psu: LonelyPSU, pres: np.ndarray | None,
                    alone: np.ndarray | None) -> np.ndarray | None:
    """"average": each stratum's share of the variance scaled up within its group (stage 1:
    all strata; later: the strata within one parent unit), (n_strata, g) per subset, 0 for
    a stratum alone in a subset; None under the other rules."""
    if pres is None or lonely_psu != "average":
        return None
    factor = _average_factor(st, st.lonely, pres, alone)[st.stratum_group]
    return factor if alone is None else np.where(alone, 0.0, factor)


def _dense_contribution(
    t: np.ndarray, st: Stage, scale: np.ndarray, centre: np.ndarray | None,
    factor: np.ndarray | None, column_group: np.ndarray, full: bool = True,
) -> np.ndarray:
    """Σ_h scale_h Σ_{u in h} (t_u - tbar_h)(t_u - tbar_h)ᵀ for dense totals (m, n_units)."""
    us = st.unit_stratum
    n_h = st.n_sampled
    if st.n_strata == 1:
        means = _row_means(t, n_h[0])
        means += _row_means(t - means, n_h[0])  # refinement, see _stratum_means
        if centre is not None:
            keep = centre[0] if centre.ndim == 1 else centre[0, column_group][:, None]
            means = means * keep
        c = t - means
    else:
        means = _stratum_means(t, us, st.n_strata, n_h)
        means += _stratum_means(t - np.take(means, us, axis=1), us, st.n_strata, n_h)
        if centre is not None:
            means *= centre if centre.ndim == 1 else centre[:, column_group].T
        c = t - np.take(means, us, axis=1)
    c = _snap_noise(c, t)
    if factor is not None:
        c = c * np.sqrt(factor[us][:, column_group].T)
    q = scale[0] if st.n_strata == 1 else scale[us]
    if not full:
        return np.einsum("ij,ij->i", c * q, c)
    return np.asarray((c * q) @ c.T)


def _domain_contribution(
    t: DomainTotals, st: Stage, scale: np.ndarray, centre: np.ndarray | None,
    factor: np.ndarray | None, column_group: np.ndarray, full: bool = True,
) -> np.ndarray:
    """The same sum from sparse (unit, domain) totals, without the (m, n_units) matrix.

    With ``a_hd`` the mean over the ``n_h`` units of stratum h of the domain-d totals
    (units without rows in d count as 0) and ``n_hd`` the units of h with rows in d:

    * block (d, d): ``Σ_h q_h [Σ_{u in h, d} (s_u - a_hd)(s_u - a_hd)ᵀ + (n_h - n_hd) a_hd a_hdᵀ]``
    * block (d, e), d != e: ``Σ_h q_h [Σ_{u in h} s_ud s_ueᵀ - n_h a_hd a_heᵀ]``, the first
      sum over the units with rows in both domains (a PSU holding men and women)

    which is the dense formula term by term (a mean the "adjust" rule does not subtract
    enters the off-diagonal blocks as ``a_hd ã_heᵀ + ã_hd a_heᵀ - ã_hd ã_heᵀ``, ``ã`` the
    subtracted means). Only the (stratum, domain) cells and (unit, domain) pairs with rows
    are formed, so memory grows with the rows, not with strata times domains; the
    off-diagonal blocks are formed only when ``full``.
    """
    s, dom, n_dom = t.values, t.domain, t.n_domains
    k = s.shape[0]
    us = st.unit_stratum[t.pair_units()]
    n_h = st.n_sampled
    cells, inv = np.unique(us * n_dom + dom, return_inverse=True)
    cell_h, cell_d = np.divmod(cells, n_dom)
    n_c = cells.size
    nh_c = n_h[cell_h]
    n_hd = np.bincount(inv, minlength=n_c).astype(np.float64)
    a = np.stack([np.bincount(inv, weights=s[j], minlength=n_c) for j in range(k)]) / nh_c
    # refinement: mean of (t - a) over the n_h units of each stratum, as in _stratum_means
    resid = np.stack([np.bincount(inv, weights=s[j] - a[j][inv], minlength=n_c)
                      for j in range(k)])
    a += (resid - (nh_c - n_hd)[None] * a) / nh_c
    group = column_group[::k]  # the presence subset of each domain
    a_mean = a  # the stratum means; ``a`` becomes the means subtracted (0 where not centred)
    if centre is not None:
        a = a * (centre[cell_h] if centre.ndim == 1 else centre[cell_h, group[cell_d]])[None]
    g = np.ones(n_c) if factor is None else factor[cell_h, group[cell_d]]
    r = s - a[:, inv]  # s_u - a_{h(u), d(u)}
    w_c = scale[cell_h] * g
    diag = np.zeros((n_dom, k, k))
    for j in range(k):
        for l in range(j, k):
            sums = np.bincount(inv, weights=r[j] * r[l], minlength=n_c)
            extra = (nh_c - n_hd) * a[j] * a[l]
            block = np.bincount(cell_d, weights=w_c * (sums + extra), minlength=n_dom)
            diag[:, j, l] = block
            diag[:, l, j] = block
    if not full:
        return diag[:, np.arange(k), np.arange(k)].ravel()
    # off-diagonal blocks: Σ_u q s̃_ud s̃_ueᵀ over the units with rows in both domains (s̃:
    # the totals times √g), minus the stratum means' part
    root = np.sqrt(g)
    cross = _mean_cross(scale * n_h, n_dom, cell_h, cell_d, a_mean * root[None],
                        None if centre is None else a * root[None])
    units = t.unit
    if units is not None and np.unique(units).size < units.size:
        # some unit has rows in several domains
        cols = (dom[None, :] * k + np.arange(k)[:, None]).ravel()
        unit_scale = np.sqrt(scale[us])
        S = scipy.sparse.csr_matrix(
            ((s * (root[inv] * unit_scale)[None, :]).ravel(), (np.tile(units, k), cols)),
            shape=(t.shape[1], n_dom * k))
        cross += (S.T @ S).toarray().reshape(n_dom, k, n_dom, k)
    cross[np.arange(n_dom), :, np.arange(n_dom), :] = diag
    return cross.reshape(n_dom * k, n_dom * k)


def _mean_cross(weight: np.ndarray, n_dom: int, cell_h: np.ndarray, cell_d: np.ndarray,
                means: np.ndarray, subtracted: np.ndarray | None) -> np.ndarray:
    """The stratum means' part of the between-domain products, (n_dom, k, n_dom, k):
    ``-Σ_h weight_h [ã_hd ã_heᵀ + δ_hd ã_heᵀ + ã_hd δ_heᵀ]`` from the means ``a`` (k, cells)
    of the (stratum, domain) cells, with ``ã`` the means a stratum subtracts (``subtracted``;
    None: all of them) and ``δ = a - ã`` those the "adjust" rule leaves in. The diagonal
    blocks are not meaningful (callers set them)."""
    k = means.shape[0]

    def spread(values: np.ndarray) -> np.ndarray:  # (k, cells) -> (k, n_strata, n_dom)
        out = np.zeros((k, weight.size, n_dom))
        out[:, cell_h, cell_d] = values
        return out

    sub = spread(means if subtracted is None else subtracted)
    cross = -np.einsum("h,jhd,lhe->djel", weight, sub, sub)
    if subtracted is not None:  # a mean not subtracted still enters the cross products
        both = np.einsum("h,jhd,lhe->djel", weight, spread(means - subtracted), sub)
        cross -= both + both.transpose(2, 3, 0, 1)
    return np.asarray(cross)


#: Unit totals that differ from their stratum means by less than this multiple of machine
#: precision (root mean square, relative to the totals) are equal in exact arithmetic.
NOISE_ULPS = 16.0


def _snap_noise(centred: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Rows of ``centred`` that are rounding noise of equal unit totals, set to 0.

    When every unit of a stratum has the same total in exact arithmetic (a total of
    ``y = c / w``, as votes under weights proportional to 1 / votes), the centred totals are
    of the order of machine precision and their variance is noise that depends on the order
    of summation. Detected on the scale of the data: the root mean square of the centred
    totals below 16 machine epsilons of that of the totals.
    """
    return zero_small_rows(centred, totals, NOISE_ULPS * np.finfo(np.float64).eps)


def zero_small_rows(values: np.ndarray, scale: np.ndarray, rtol: float) -> np.ndarray:
    """``values`` with its rows set to 0 where their norm is at most ``rtol`` times the norm
    of the same row of ``scale`` (a copy only when a row changes).

    The one test for "zero in exact arithmetic", decided on the scale of the data: used for
    equal unit totals here and for calibration residuals in the design.
    """
    size = np.einsum("ij,ij->i", scale, scale)
    left = np.einsum("ij,ij->i", values, values)
    zero = left <= (rtol * rtol) * size
    if not zero.any():
        return values
    out = values.copy()
    out[zero] = 0.0
    return out


def _row_means(t: np.ndarray, n: float) -> np.ndarray:
    return t.sum(axis=1, keepdims=True) / max(n, 1.0)


def _stratum_means(t: np.ndarray, unit_stratum: np.ndarray, n_strata: int, n_h: np.ndarray
                   ) -> np.ndarray:
    """Sum of unit totals per stratum divided by the units sampled there, (m, n_strata)."""
    out = np.empty((t.shape[0], n_strata))
    for j in range(t.shape[0]):  # loop over estimates, not units
        out[j] = np.bincount(unit_stratum, weights=t[j], minlength=n_strata)
    return out / np.maximum(n_h, 1.0)


def _stratum_presence(st: Stage, unit_present: np.ndarray | None) -> np.ndarray:
    """(n_strata, g) boolean: stratum has a unit with rows in subset g."""
    if unit_present is None:
        return np.ones((st.n_strata, 1), dtype=bool)
    g = unit_present.shape[1]
    counts = np.empty((st.n_strata, g))
    for c in range(g):
        counts[:, c] = np.bincount(
            st.unit_stratum, weights=unit_present[:, c], minlength=st.n_strata
        )
    return counts > 0


def _stratum_counts(st: Stage, unit_present: np.ndarray) -> np.ndarray:
    """(n_strata, g): how many units of each stratum have rows in subset g."""
    g = unit_present.shape[1]
    counts = np.empty((st.n_strata, g))
    for c in range(g):
        counts[:, c] = np.bincount(st.unit_stratum, weights=unit_present[:, c],
                                   minlength=st.n_strata)
    return counts


def _average_factor(st: Stage, lonely: np.ndarray, pres: np.ndarray,
                    alone: np.ndarray | None = None) -> np.ndarray:
    """Per (group, subset): strata present / strata present that are not lonely (nor, with
    ``alone``, lonely within the subset)."""
    g = pres.shape[1]
    n_strata = np.empty((st.n_groups, g))
    n_lonely = np.empty((st.n_groups, g))
    for c in range(g):
        out = lonely if alone is None else lonely | alone[:, c]
        n_strata[:, c] = np.bincount(st.stratum_group, weights=pres[:, c],
                                     minlength=st.n_groups)
        n_lonely[:, c] = np.bincount(st.stratum_group, weights=pres[:, c] & out,
                                     minlength=st.n_groups)
    ok = n_strata - n_lonely
    if np.any((ok == 0) & (n_strata > 0)):
        raise ValueError(
            "lonely_psu='average' cannot work here: every stratum of a stage (within one "
            "parent unit) has a single sampled unit, so there is nothing to average over; "
            "use lonely_psu='remove', 'certainty' or 'adjust', or collapse strata"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok > 0, n_strata / ok, 1.0)


@dataclass(frozen=True)
class StratumMoments:
    """Moments of unit totals by (stratum, domain), for a stage whose units are the rows.

    The sufficient statistics of :func:`taylor_covariance` for a one-stage element sample
    (no clusters): every row is its own unit, so a distributed data set can reduce each of
    its partitions to these few numbers per cell and add them up (Chan, Golub and LeVeque's
    pairwise update), without ever holding one total per row. Cell ``i`` is stratum
    ``stratum[i]`` in domain ``domain[i]``; it lists only cells with rows.

    Attributes
    ----------
    stratum, domain : ndarray of int64, shape (c,)
        The cell's stratum and domain codes; each pair occurs once.
    count : ndarray of float, shape (c,)
        Units (rows) of the stratum in the domain: those with a total in its columns.
    mean : ndarray, shape (c, k)
        Their mean unit total, one column per score variable.
    m2 : ndarray, shape (c, k, k)
        Their centred sums of products ``Σ (t - mean)(t - mean)ᵀ``.
    n_domains : int
        Number of domains.
    """

    stratum: np.ndarray
    domain: np.ndarray
    count: np.ndarray
    mean: np.ndarray
    m2: np.ndarray
    n_domains: int


def moments_covariance(
    moments: StratumMoments,
    stage: Stage,
    lonely_psu: LonelyPSU,
    *,
    presence: bool = False,
    describe: Describe | None = None,
    full: bool = True,
    adjust_domain_lonely: bool = False,
) -> np.ndarray:
    """:func:`taylor_covariance` of one stage whose units are rows, from their moments.

    The same formula term by term: with ``a_hd = count_hd mean_hd / n_h`` the mean over all
    ``n_h`` units of stratum h of the domain-d totals (units without rows in d count as 0)
    and ``κ`` 1 where the stratum is centred (0 for a lonely unit under "adjust"),

    * block (d, d): ``Σ_h q_h F_hd [m2_hd + count_hd mean_hd mean_hdᵀ - κ_hd n_h a_hd a_hdᵀ]``
    * block (d, e), d != e: ``-Σ_h q_h n_h [ã_hd ã_heᵀ + δ_hd ã_heᵀ + ã_hd δ_heᵀ]`` with
      ``ã = κ √F a`` the means subtracted and ``δ = (1 - κ) √F a`` those not subtracted

    (``q`` the stratum's scale, ``F`` its "average" factor), which is what the engine computes
    from the totals of every row (the domain blocks as its sparse path does). ``presence``:
    the rows were restricted to a subset per domain (domains, or missing values dropped), so
    a stratum counts for the lonely-PSU rules of a domain only if it has rows in it, as with
    ``present`` of :func:`taylor_covariance`; ``count`` then gives the rows in each domain.
    """
    describe = describe or _describe_default
    st = stage
    c_h, c_d, count = moments.stratum, moments.domain, moments.count
    n_dom = moments.n_domains
    k = moments.mean.shape[1]
    m = n_dom * k
    cov = np.zeros((m, m) if full else m)
    if not st.active.any():
        return cov
    lonely = st.lonely
    n_h = st.n_sampled
    counts = None  # (n_strata, n_domains): rows of each stratum in each domain
    if presence:
        counts = np.zeros((st.n_strata, n_dom))
        counts[c_h, c_d] = count
    pres, alone = _lonely_strata(
        st, lonely_psu, adjust_domain_lonely,
        lambda: np.ones((st.n_strata, 1), dtype=bool) if counts is None else counts > 0,
        None if counts is None else lambda: counts,
        partial(describe, 0))
    scale = _stratum_scale(st, lonely_psu)
    if not np.any(scale > 0.0):
        return cov
    # per cell: the "average" factor and whether the cell's totals are centred
    g = np.ones(c_h.size)
    factor = _stratum_factor(st, lonely_psu, pres, alone)
    if factor is not None:
        g = factor[c_h, c_d if factor.shape[1] > 1 else 0]
    kappa = np.ones(c_h.size)
    if lonely_psu == "adjust":
        centred = ~lonely[c_h]
        if alone is not None:
            centred = centred & ~alone[c_h, c_d]
        kappa = centred.astype(np.float64)
    nh_c = np.maximum(n_h[c_h], 1.0)
    mean, m2 = moments.mean, moments.m2
    # Σ (t - κ a)(t - κ a)ᵀ over the stratum's n_h units, the units outside d being 0
    share = count * (1.0 - kappa * count / nh_c)
    block = m2 + share[:, None, None] * mean[:, :, None] * mean[:, None, :]
    if n_dom == 1:  # the engine's dense path: unit totals equal up to rounding give 0
        total = m2 + count[:, None, None] * mean[:, :, None] * mean[:, None, :]
        left = np.einsum("cjj->j", block)
        size = np.einsum("cjj->j", total)
        tol = NOISE_ULPS * np.finfo(np.float64).eps
        still = left <= (tol * tol) * size
        if still.any():
            block = block.copy()
            block[:, still, :] = 0.0
            block[:, :, still] = 0.0
    weight = scale[c_h] * g
    diag = np.zeros((n_dom, k, k))
    np.add.at(diag, c_d, weight[:, None, None] * block)
    if not full:
        return diag[:, np.arange(k), np.arange(k)].ravel()
    out = np.zeros((n_dom, k, n_dom, k))
    out[np.arange(n_dom), :, np.arange(n_dom), :] = diag
    if n_dom > 1:
        # a unit's rows are in one domain: only the means enter the off-diagonal blocks,
        # the subtracted ones (κ a) and, where a stratum is not centred for one domain of
        # the pair, the other's subtracted mean times its mean
        a = (mean * (count * np.sqrt(g) / nh_c)[:, None]).T  # (k, cells)
        cross = _mean_cross(scale * n_h, n_dom, c_h, c_d, a,
                            a * kappa[None] if np.any(kappa != 1.0) else None)
        cross[np.arange(n_dom), :, np.arange(n_dom), :] = 0.0
        out += cross
    cov = out.reshape(m, m)
    return 0.5 * (cov + cov.T)
