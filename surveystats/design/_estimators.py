"""Design-based estimators: point estimates and influence values.

Each estimator is split in two:

* a *statistic* function ``f(X, w, domains, n_domains) -> Linear`` that computes the point
  estimate from data and weights, and the row-level influence values (scores) whose
  weighted totals linearise it. It knows nothing about strata or clusters. Its replicate
  twin ``f_replicates(X, replicates, mask, domains, n_domains)`` computes the same
  estimate for every column of replicate weights at once: every statistic here is a ratio
  of weighted sums, and the sums for all replicates come from one matrix product;
* a driver that reads the columns, applies the missing-value and domain rules, and hands
  both (the influence values, and a function of replicate weights) to the design's
  ``_variance``: a :class:`SurveyDesign` feeds the influence values to the Taylor engine,
  a :class:`ReplicateDesign` calls the function with its replicate weights.

Domains (``by=``) are computed by zero-weighting: the rows outside a domain get weight 0 but
stay in the design, so every stratum keeps its full number of PSUs (R survey's ``svyby``
with ``subset`` semantics, and the only way the SE of a domain estimate is right).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NamedTuple, Protocol

import numpy as np
import pandas as pd
from scipy import special

from surveystats._params import SHARE
from surveystats._validation import check_choice, check_interval
from surveystats._warnings import SurveyStatsWarning
from surveystats.design._columns import (
    analysis_kind,
    as_name,
    as_names,
    check_categories,
    check_finite,
    factorize_sorted,
    real_column,
)
from surveystats.design._repvar import ReplicateWeights
from surveystats.design._results import DesignEstimate, canonical_proportion_method


class Design(Protocol):
    """What an estimator needs of a design; :class:`SurveyDesign` and
    :class:`ReplicateDesign` both provide it (the estimators import neither)."""

    _w: np.ndarray  # (n,) sampling (full-sample) weights

    @property
    def _domains_keep_rows(self) -> bool:
        """Whether a domain keeps every row of the design (R: a calibrated design2)."""
        ...

    @property
    def n_obs(self) -> int: ...

    @property
    def degf(self) -> int | float: ...

    def _column(self, param: str, name: Any) -> pd.Series: ...

    def _variance(self, lin: Linear, replicates: ReplicateEstimates,
                  domains: np.ndarray | None = None, n_domains: int = 1,
                  rows: np.ndarray | None = None, full: bool = True) -> np.ndarray: ...

    def _degf_by(self, rows: np.ndarray, domains: np.ndarray | None = None,
                 n_domains: int = 1) -> np.ndarray: ...


__all__ = ["deff_from_spread", "mean", "proportion", "quantile", "ratio", "total"]

Missing = Literal["error", "drop"]

#: Results with more rows (domains x variables) keep the variances only, not the (m, m)
#: covariance matrix: 2,048 rows make a 32 MB matrix, 100,000 would make 80 GB.
MAX_COVARIANCE_ROWS = 2048
DeffKind = Literal["wor", "wr"]


# --- statistics: estimate + influence values, from data and weights ------------------------


class Linear(NamedTuple):
    """A point estimate (n_domains, k) and its row-level influence values (k, n)."""

    estimate: np.ndarray
    scores: np.ndarray


def _domain_sums(values: np.ndarray, w: np.ndarray, dom: np.ndarray | None, n_dom: int
                 ) -> np.ndarray:
    """Σ w x per domain and variable: (n_domains, k) for values (k, n)."""
    if dom is None:
        # numpy's pairwise sum row by row, not a BLAS product: a row's sum is the same
        # whatever the number of rows (variables, probabilities) and the BLAS kernel
        return np.stack([np.sum(v * w) for v in values])[None, :]
    return np.stack([np.bincount(dom, weights=w * v, minlength=n_dom) for v in values], axis=1)


def _weight_sums(w: np.ndarray, dom: np.ndarray | None, n_dom: int) -> np.ndarray:
    if dom is None:
        return np.array([w.sum()])
    return np.bincount(dom, weights=w, minlength=n_dom)


def total_statistic(X: np.ndarray, w: np.ndarray, dom: np.ndarray | None, n_dom: int
                    ) -> Linear:
    """Horvitz-Thompson totals ``Σ w x``; influence values ``w x``."""
    return Linear(_domain_sums(X, w, dom, n_dom), X * w)


def _centred_scores(X: np.ndarray, centre: np.ndarray, scale: np.ndarray,
                    dom: np.ndarray | None, slope: np.ndarray | None = None) -> np.ndarray:
    """``(X[j] - centre[d, j] * slope) * scale`` row by row, without large temporaries."""
    scores = np.empty_like(X)
    inside = scale != 0
    counts = None
    if dom is not None and slope is None:  # rows of each domain that count, for the snap
        counts = np.bincount(dom if inside.all() else dom[inside], minlength=centre.shape[0])
    for j in range(X.shape[0]):  # loop over variables, not rows
        c = centre[0, j] if dom is None else centre[dom, j]
        if slope is not None:
            c = c * slope
        np.subtract(X[j], c, out=scores[j])
        if counts is not None:
            assert dom is not None
            _snap_constant_domains(scores[j], centre[:, j], counts, inside, dom)
        else:
            _snap_constant(scores[j], c, inside, dom, centre.shape[0])
        scores[j] *= scale
    return scores


def _snap_constant_domains(dev: np.ndarray, centre: np.ndarray, counts: np.ndarray,
                           inside: np.ndarray, dom: np.ndarray) -> None:
    """:func:`_snap_constant` for domains with one centre each (``centre`` per domain,
    ``counts`` the domain's rows that count): the level ``Σ c²`` is ``c_d² n_d``, so no
    row-length array of centres is made."""
    tol = (_CONSTANT_ULPS * np.finfo(np.float64).eps) ** 2
    d2 = dev * dev
    if not inside.all():
        d2[~inside] = 0.0
    spread = np.bincount(dom, weights=d2, minlength=centre.size)
    still = spread <= tol * (centre * centre) * counts
    if still.any():
        dev[still[dom]] = 0.0


#: Deviations from the centre below this multiple of machine precision (in root mean square,
#: relative to the centre) are rounding: the variable is constant (or exactly proportional to
#: the denominator) in exact arithmetic.
_CONSTANT_ULPS = 16.0


def _snap_constant(dev: np.ndarray, centre: np.ndarray | float, inside: np.ndarray,
                   dom: np.ndarray | None, n_dom: int) -> None:
    """Set to 0 (in place) the deviations of a domain whose variable is constant.

    The mean of a constant c is c only up to rounding, so ``x - mean`` is of the order of
    machine precision and a variance of 1e-35 appears where the exact one is 0 (and a logit
    interval of a share that is exactly 0 or 1 turns into NaN). Detected on the scale of
    the data: the root mean square deviation within the domain below 16 machine epsilons of
    the centre's.
    """
    tol = (_CONSTANT_ULPS * np.finfo(np.float64).eps) ** 2
    if dom is None and np.ndim(centre) == 0:  # one centre: two dot products
        kept = dev if inside.all() else dev[inside]
        if float(np.dot(kept, kept)) <= tol * float(centre) ** 2 * kept.size:
            dev[:] = 0.0
        return
    c2 = np.broadcast_to(np.asarray(centre, dtype=np.float64) ** 2, dev.shape)
    d2 = np.where(inside, dev * dev, 0.0)
    if dom is None:
        if float(d2.sum()) <= tol * float(np.where(inside, c2, 0.0).sum()):
            dev[:] = 0.0
        return
    spread = np.bincount(dom, weights=d2, minlength=n_dom)
    level = np.bincount(dom, weights=np.where(inside, c2, 0.0), minlength=n_dom)
    still = spread <= tol * level
    if still.any():
        dev[still[dom]] = 0.0


def mean_statistic(X: np.ndarray, w: np.ndarray, dom: np.ndarray | None, n_dom: int
                   ) -> Linear:
    """Weighted means ``Σ w x / Σ w``; influence values ``w (x - mean) / Σ w``."""
    big_n = _weight_sums(w, dom, n_dom)
    est = _domain_sums(X, w, dom, n_dom) / big_n[:, None]
    scale = w / (big_n[0] if dom is None else big_n[dom])
    return Linear(est, _centred_scores(X, est, scale, dom))


def ratio_statistic(Y: np.ndarray, x: np.ndarray, w: np.ndarray, dom: np.ndarray | None,
                    n_dom: int) -> Linear:
    """Ratios ``Σ w y / Σ w x``; influence values ``w (y - R x) / Σ w x``."""
    den = _domain_sums(x[None, :], w, dom, n_dom)[:, 0]
    est = _domain_sums(Y, w, dom, n_dom) / den[:, None]
    scale = w / (den[0] if dom is None else den[dom])
    return Linear(est, _centred_scores(Y, est, scale, dom, slope=x))


#: A function of replicate weights giving one estimate per replicate: (R, n_domains, k).
ReplicateEstimates = Callable[["ReplicateWeights"], np.ndarray]


def _masked(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    return values if mask is None else np.where(mask, values, 0.0)


def total_replicates(X: np.ndarray, reps: ReplicateWeights, mask: np.ndarray | None,
                     dom: np.ndarray | None, n_dom: int) -> np.ndarray:
    """Totals ``Σ w_r x`` for every replicate ``r``: (R, n_domains, k).

    ``mask`` marks the rows that count (None: all); the others are left out of every sum.
    """
    return reps.sums(_masked(X, mask), dom, n_dom)


def _ratio_replicates(num: np.ndarray, den: np.ndarray, reps: ReplicateWeights,
                      mask: np.ndarray | None, dom: np.ndarray | None, n_dom: int
                      ) -> np.ndarray:
    """``Σ w_r num_j / Σ w_r den`` for every replicate, from one pass over the weights."""
    k = num.shape[0]
    values = np.empty((k + 1, num.shape[1]))
    values[:k] = num
    values[k] = den
    sums = reps.sums(_masked(values, mask), dom, n_dom)
    with np.errstate(divide="ignore", invalid="ignore"):
        return sums[..., :k] / sums[..., k:]


def mean_replicates(X: np.ndarray, reps: ReplicateWeights, mask: np.ndarray | None,
                    dom: np.ndarray | None, n_dom: int) -> np.ndarray:
    """Means ``Σ w_r x / Σ w_r`` for every replicate: (R, n_domains, k)."""
    return _ratio_replicates(X, np.ones(X.shape[1]), reps, mask, dom, n_dom)


def ratio_replicates(Y: np.ndarray, x: np.ndarray, reps: ReplicateWeights,
                     mask: np.ndarray | None, dom: np.ndarray | None, n_dom: int
                     ) -> np.ndarray:
    """Ratios ``Σ w_r y / Σ w_r x`` for every replicate: (R, n_domains, k)."""
    return _ratio_replicates(Y, x, reps, mask, dom, n_dom)


# --- inputs -------------------------------------------------------------------------------


class _Domains(NamedTuple):
    codes: np.ndarray | None  # (n,) domain of each row, -1 outside every domain; None: one
    n_domains: int
    labels: list[Any]
    by: tuple[str, ...] | None


def _check_missing(missing: Any) -> Missing:
    return check_choice("missing", missing, ("error", "drop"))  # type: ignore[return-value]


def _check_deff(deff: Any) -> DeffKind | None:
    if deff is None or deff is False:
        return None
    if deff is True:
        raise ValueError(
            "deff (True) is ambiguous: a design effect compares the design variance with "
            "simple random sampling either without replacement (deff='wor', which is what "
            "R's deff=TRUE means) or with replacement (deff='wr', R's deff='replace'); "
            "the two differ by the finite population correction. Pass 'wor' or 'wr'"
        )
    if deff in ("wor", "wr"):
        return deff  # type: ignore[no-any-return]
    hint = "; R's deff='replace' is deff='wr'" if deff == "replace" else ""
    raise ValueError(f"deff ({deff!r}) must be 'wor', 'wr' or None{hint}")


def _missing_message(counts: dict[str, int], what: str = "estimate") -> str:
    listed = ", ".join(f"{name!r} ({c} missing value(s))" for name, c in counts.items())
    return (
        f"{listed}: pass missing='drop' to leave those rows out of the {what} while the "
        "design keeps all its PSUs (R's na.rm=TRUE), or fill them in"
    )


def _cache(design: Design) -> dict[Any, Any]:
    """A per-design memo for derived, read-only arrays (domain codes, domain df).

    Designs are immutable and every calibration or replicate step makes a new design, so what
    is derived from a design's columns and weights stays valid for its lifetime.
    """
    try:
        return design._cache  # type: ignore[attr-defined, no-any-return]
    except AttributeError:
        memo: dict[Any, Any] = {}
        object.__setattr__(design, "_cache", memo)
        return memo


def _domains(design: Design, by: Any, missing: Missing) -> _Domains:
    if by is None:
        return _Domains(None, 1, [None], None)
    names = as_names("by", by, required=True)
    key = ("domains", tuple(names), missing)
    memo = _cache(design)
    if key not in memo:
        memo[key] = _factor_domains(design, by, names, missing)
    return memo[key]  # type: ignore[no-any-return]


def _factor_domains(design: Design, by: Any, names: list[str], missing: Missing) -> _Domains:
    n = design.n_obs
    codes = np.zeros(n, dtype=np.int64)
    uniques: list[pd.Index] = []
    bad = np.zeros(n, dtype=bool)
    counts: dict[str, int] = {}
    for name in names:
        c, u = factorize_sorted(design._column("by", name))
        miss = c < 0
        if miss.any():
            counts[name] = int(miss.sum())
            bad |= miss
            c = np.where(miss, 0, c)
        codes = c if not uniques else codes * max(len(u), 1) + c
        uniques.append(u)
    if counts and missing == "error":
        raise ValueError("by " + _missing_message(counts, "domains"))
    size = int(np.prod([max(len(u), 1) for u in uniques]))
    used = (design._w > 0) & ~bad
    all_used = bool(used.all())
    if size <= 4 * n + 1_000_000:
        hit = np.bincount(codes if all_used else codes[used], minlength=size) > 0
        keys = np.flatnonzero(hit)
        if hit.all() and not bad.any():
            dom = codes
        else:
            lookup = np.cumsum(hit) - 1
            dom = np.where(hit[codes] & ~bad, lookup[codes], -1)
    else:  # sort-based unique: many level combinations
        keys = np.sort(codes[used])
        keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if keys.size else keys
        pos = np.clip(np.searchsorted(keys, codes), 0, max(keys.size - 1, 0))
        dom = np.where((keys[pos] == codes) & ~bad, pos, -1)
    if keys.size == 0:
        raise ValueError(
            f"by ({by!r}) has no rows with a value and a non-zero weight; no domain to "
            "estimate"
        )
    labels: list[Any] = []
    sizes = [max(len(u), 1) for u in uniques]
    digits = np.empty((keys.size, len(names)), dtype=np.int64)
    rest = keys.copy()
    for j in range(len(names) - 1, -1, -1):
        digits[:, j] = rest % sizes[j]
        rest //= sizes[j]
    for row in digits:
        vals = tuple(_plain(uniques[j][row[j]]) for j in range(len(names)))
        labels.append(vals[0] if len(names) == 1 else vals)
    dom = dom.astype(np.int64)
    dom.setflags(write=False)
    return _Domains(dom, int(keys.size), labels, tuple(names))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _levels(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for missing) and sorted levels of a categorical-like column."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = np.asarray(series.cat.codes, dtype=np.int64)
        levels = [_plain(v) for v in series.cat.categories]
        return codes, levels
    codes, uniques = factorize_sorted(series)
    return codes, [_plain(v) for v in uniques]


class _Matrix(NamedTuple):
    X: np.ndarray  # (k, n), 0 on dropped rows
    variable: list[str]
    level: list[Any]
    valid: np.ndarray | None  # (n,) rows kept; None: all


def _read(design: Design, names: list[str], missing: Missing, *, param: str,
          categorical: Literal["levels", "refuse"], only_level: Any = None,
          has_level: bool = False) -> _Matrix:
    n = design.n_obs
    rows: list[np.ndarray] = []
    variable: list[str] = []
    level: list[Any] = []
    miss = np.zeros(n, dtype=bool)
    counts: dict[str, int] = {}
    for name in names:
        series = design._column(param, name)
        if not has_level and analysis_kind(param, series) == "numeric":
            x = real_column(param, series, allow_bool=True)
            check_finite(param, name, x, series.index)
            m = np.isnan(x)
            if m.any():
                counts[name] = int(m.sum())
                miss |= m
                x = np.where(m, 0.0, x)
            rows.append(x)
            variable.append(name)
            level.append(None)
            continue
        if has_level:
            check_categories(param, series)
        if categorical == "refuse":
            raise TypeError(
                f"{param} ({name!r}) must be numeric; it has dtype {series.dtype}. For the "
                "shares of its categories use design.proportion"
            )
        codes, levels = _levels(series)
        m = codes < 0
        if m.any():
            counts[name] = int(m.sum())
            miss |= m
        if only_level is not None:
            matches = [i for i, v in enumerate(levels) if v == only_level]
            if not matches:
                raise ValueError(
                    f"level ({only_level!r}) is not a value of {name!r}; its levels are "
                    f"{', '.join(repr(v) for v in levels[:20])}"
                )
            chosen = matches
        else:
            chosen = list(range(len(levels)))
        for i in chosen:
            rows.append((codes == i).astype(np.float64))
            variable.append(name)
            level.append(levels[i])
    if counts and missing == "error":
        raise ValueError(_missing_message(counts))
    X = np.empty((len(rows), n))
    for j, r in enumerate(rows):
        X[j] = r
    valid = None
    if miss.any():
        valid = ~miss
        X[:, miss] = 0.0
    return _Matrix(X, variable, level, valid)


# --- driver -------------------------------------------------------------------------------


class _Setup(NamedTuple):
    w: np.ndarray  # weights with zeros outside domains / on dropped rows
    dom: np.ndarray | None  # domain codes (>= 0 everywhere) or None for one domain
    rows: np.ndarray | None  # rows of the (sub)populations; None: all rows
    n_dom: int
    dropped: bool  # rows were dropped for missing values (rows then depend on the variable)
    sum_w: np.ndarray  # Σ w per domain
    counts: np.ndarray  # rows with a non-zero weight per domain


def _setup(design: Design, valid: np.ndarray | None, domains: _Domains) -> _Setup:
    """Weights zeroed outside the domains (and on dropped rows), with per-domain sums.

    Without dropped rows the result depends only on the design and the ``by`` columns, so it
    is memoised: repeated domain estimates skip the O(n) set-up.
    """
    key = ("setup", domains.by)
    memo = _cache(design)
    if valid is None and key in memo:
        return memo[key]  # type: ignore[no-any-return]
    w = design._w
    rows = valid
    if domains.codes is not None:
        inside = domains.codes >= 0
        rows = inside if rows is None else rows & inside
    if rows is not None:
        w = np.where(rows, w, 0.0)
    dom = None
    if domains.codes is not None:
        dom = np.where(domains.codes >= 0, domains.codes, 0)
    pos = w > 0
    if dom is None:
        counts = np.array([float(np.count_nonzero(pos))])
    else:
        counts = np.bincount(dom, weights=pos, minlength=domains.n_domains)
    setup = _Setup(w, dom, rows, domains.n_domains, valid is not None,
                   _weight_sums(w, dom, domains.n_domains), counts)
    if valid is None:
        memo[key] = setup
    return setup


def _counts(setup: _Setup) -> np.ndarray:
    return setup.counts


def _design_rows(design: Design, setup: _Setup, domains: _Domains) -> np.ndarray:
    """Rows of the design or domain with a non-zero weight, missing values included.

    R's ``nrow(design)`` in ``svyciprop(..., na.rm = TRUE)``: a missing value puts its row
    outside the domain of the estimate but not outside the design, so Korn and Graubard's
    ``nrow - 1`` (like the df) is the design's, not the count of non-missing rows. For a
    domain it is R's ``nrow(subset(design, domain))``: the domain's rows, except on a
    calibrated Taylor design, whose subset keeps every row with weight 0.
    """
    if domains.codes is not None and design._domains_keep_rows:
        # R's subset of a calibrated design keeps every row (weight 0 outside the domain)
        return np.full(setup.n_dom, float(np.count_nonzero(design._w > 0)))
    if not setup.dropped:
        return setup.counts
    return _setup(design, None, domains).counts


def _check_domains(sum_w: np.ndarray, domains: _Domains, what: str) -> None:
    empty = np.flatnonzero(~(sum_w > 0))
    if empty.size:
        labels = ", ".join(repr(domains.labels[i]) for i in empty[:5])
        if domains.by:
            where = (f"domain {labels} of by={list(domains.by)} has" if empty.size == 1 else
                     f"domains {labels} of by={list(domains.by)} have")
            hint = "; leave those domains out (filter the by column) to estimate the others"
        else:
            where, hint = "the sample has", ""
        raise ValueError(
            f"{where} no rows with a non-zero weight and a non-missing {what}, so there is "
            f"nothing to estimate{hint}"
        )


def _design_deff(
    kind: DeffKind, lin: Linear, setup: _Setup, variances: np.ndarray
) -> np.ndarray:
    """Design effect against SRS, R survey's formula.

    With ``u = influence / w`` (the linearised variable: ``y - ȳ`` scaled for a mean, ``y``
    for a total), ``s²`` its weighted variance with the ``n / (n - 1)`` factor (R's
    ``svyvar``), ``N = Σ w`` and ``n`` the rows with non-zero weight:
    ``V_srs = s² N² / n`` ("wr") or ``s² N² (N - n) / (N n)`` ("wor").
    """
    w = setup.w
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(w > 0, lin.scores / np.where(w > 0, w, 1.0), 0.0)
    big_n = _weight_sums(w, setup.dom, setup.n_dom)  # (D,)
    n = _counts(setup)
    ubar = _domain_sums(u, w, setup.dom, setup.n_dom) / big_n[:, None]  # (D, k)
    centred = u - (ubar[0][:, None] if setup.dom is None else ubar[setup.dom].T)
    ss = _domain_sums(centred * centred, w, setup.dom, setup.n_dom)  # (D, k)
    return deff_from_spread(kind, ss, big_n, n, variances)


def deff_from_spread(kind: DeffKind, ss: np.ndarray, big_n: np.ndarray, n: np.ndarray,
                     variances: np.ndarray) -> np.ndarray:
    """The design effect from ``ss = Σ w (u - ū)²`` (D, k), the sums of weights ``big_n``
    and rows ``n`` of each domain (D,) and the design variances (D * k,): the end of
    :func:`_design_deff`, shared with estimators that compute ``ss`` without the rows."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = ss / big_n[:, None] * (n / (n - 1.0))[:, None]
        if kind == "wr":
            factor = big_n**2 / n
        else:
            factor = big_n**2 * (big_n - n) / (big_n * n)
            if np.any(big_n < n):
                warnings.warn(
                    "deff='wor': the sum of weights is smaller than the sample size, so "
                    "there is no finite population to sample from; are the weights scaled "
                    "to the population? The deff is NaN there",
                    SurveyStatsWarning,
                    stacklevel=5,
                )
                factor = np.where(big_n < n, np.nan, factor)
        vsrs = (s2 * factor[:, None]).ravel()
        return variances / vsrs


def _finish(
    design: Design,
    statistic: str,
    lin: Linear,
    replicates: ReplicateEstimates,
    setup: _Setup,
    domains: _Domains,
    variable: list[str],
    level: list[Any],
    deff: DeffKind | None,
    method: str | None = None,
) -> DesignEstimate:
    k = len(variable)
    full = setup.n_dom * k <= MAX_COVARIANCE_ROWS
    var = design._variance(lin, replicates, setup.dom, setup.n_dom, setup.rows, full)
    variances = np.diag(var) if full else var
    df = _domain_df(design, setup, domains)
    n = _design_rows(design, setup, domains)
    d_eff = None if deff is None else _design_deff(deff, lin, setup, variances)
    return DesignEstimate(
        statistic=statistic,
        estimate=lin.estimate.ravel(),
        var=var if full else None,
        variances=variances,
        df=np.repeat(df, k),
        n=np.repeat(n, k).astype(np.int64),
        variable=tuple(variable) * setup.n_dom,
        level=tuple(level) * setup.n_dom,
        domain=tuple(lab for lab in domains.labels for _ in range(k)),
        by=domains.by,
        deff=d_eff,
        deff_kind=deff,
        method=method,
    )


def _domain_df(design: Design, setup: _Setup, domains: _Domains) -> np.ndarray:
    """The df of the design, or of each domain (R's ``degf(subset(design, domain))``).

    Missing values do not change it: as R's ``na.rm = TRUE``, a row with a missing value is
    outside the domain of the estimate but stays in the design, so the df is the one of the
    design (or domain) the user declared, in both the Taylor and the replicate engines.
    """
    if domains.codes is None:
        return np.array([float(design.degf)])
    key = ("domain_df", domains.by)
    memo = _cache(design)
    if key not in memo:
        base = _setup(design, None, domains)
        assert base.rows is not None
        memo[key] = design._degf_by(base.rows, base.dom, base.n_dom)
    return memo[key]  # type: ignore[no-any-return]


# --- public estimators (SurveyDesign's methods call these) ---------------------------------


def _weighted_sums(
    design: Design,
    statistic: str,
    linear: Callable[[np.ndarray, np.ndarray, np.ndarray | None, int], Linear],
    replicated: Callable[
        [np.ndarray, ReplicateWeights, np.ndarray | None, np.ndarray | None, int], np.ndarray],
    variables: str | Sequence[str], by: Any, deff: Any, missing: Any,
    *, param: str = "variables", method: str | None = None, **read: Any,
) -> DesignEstimate:
    """The driver of :func:`mean`, :func:`total` and :func:`proportion`, which differ only in
    the statistic, how the columns are read and the interval method recorded."""
    missing = _check_missing(missing)
    kind = _check_deff(deff)
    mat = _read(design, as_names(param, variables, required=True), missing, param=param,
                categorical="levels", **read)
    domains = _domains(design, by, missing)
    setup = _setup(design, mat.valid, domains)
    _check_domains(setup.sum_w, domains, "value")
    lin = linear(mat.X, setup.w, setup.dom, setup.n_dom)

    def replicates(reps: ReplicateWeights) -> np.ndarray:
        return replicated(mat.X, reps, setup.rows, setup.dom, setup.n_dom)

    return _finish(design, statistic, lin, replicates, setup, domains, mat.variable,
                   mat.level, kind, method=method)


def mean(design: Design, variables: str | Sequence[str], *, by: Any = None,
         deff: Any = None, missing: Any = "error") -> DesignEstimate:
    return _weighted_sums(design, "mean", mean_statistic, mean_replicates, variables, by,
                          deff, missing)


def total(design: Design, variables: str | Sequence[str], *, by: Any = None,
          deff: Any = None, missing: Any = "error") -> DesignEstimate:
    return _weighted_sums(design, "total", total_statistic, total_replicates, variables, by,
                          deff, missing)


def proportion(design: Design, variable: str, *, level: Any = None, by: Any = None,
               method: str = "logit", deff: Any = None, missing: Any = "error"
               ) -> DesignEstimate:
    m = canonical_proportion_method(method)
    as_name("variable", variable)
    return _weighted_sums(design, "proportion", mean_statistic, mean_replicates, variable, by,
                          deff, missing, param="variable", method=m, only_level=level,
                          has_level=True)


def ratio(design: Design, numerator: str | Sequence[str], denominator: str, *,
          by: Any = None, deff: Any = None, missing: Any = "error") -> DesignEstimate:
    missing = _check_missing(missing)
    kind = _check_deff(deff)
    as_name("denominator", denominator)
    nums = as_names("numerator", numerator, required=True)
    num = _read(design, nums, "drop", param="numerator", categorical="refuse")
    den = _read(design, [denominator], "drop", param="denominator", categorical="refuse")
    valid = None
    if num.valid is not None or den.valid is not None:
        if missing == "error":
            counts = {}
            for name in [*nums, denominator]:
                c = int(design._column("numerator", name).isna().sum())
                if c:
                    counts[name] = c
            raise ValueError(_missing_message(counts))
        valid = np.ones(design.n_obs, dtype=bool)
        for v in (num.valid, den.valid):
            if v is not None:
                valid &= v
    domains = _domains(design, by, missing)
    setup = _setup(design, valid, domains)
    x = den.X[0]
    den_tot = _domain_sums(x[None, :], setup.w, setup.dom, setup.n_dom)[:, 0]
    _check_domains(setup.sum_w, domains, "value")
    if np.any(den_tot == 0):
        raise ValueError(
            f"denominator ({denominator!r}) has a weighted total of 0"
            + (" in some domain" if domains.by else "") + "; the ratio is undefined"
        )
    Y = num.X if valid is None else np.where(valid, num.X, 0.0)
    xw = np.where(setup.w > 0, x, 0.0)
    lin = ratio_statistic(Y, xw, setup.w, setup.dom, setup.n_dom)

    def replicates(reps: ReplicateWeights) -> np.ndarray:
        return ratio_replicates(Y, x, reps, setup.rows, setup.dom, setup.n_dom)

    labels = [f"{name}/{denominator}" for name in nums]
    return _finish(design, "ratio", lin, replicates, setup, domains, labels,
                   [None] * len(labels), kind)


# --- quantiles ----------------------------------------------------------------------------


class _Sorted(NamedTuple):
    x: np.ndarray  # values sorted within domain
    cum: np.ndarray  # cumulative weights within domain (extended precision, as float64)
    total: np.ndarray  # (D,) total weight per domain
    start: np.ndarray  # (D,)
    stop: np.ndarray  # (D,)
    w: np.ndarray  # the weights, in the same order as x


@dataclass(frozen=True)
class WoodruffInterval:
    """Woodruff's interval of quantiles at any level, from what the estimate computed.

    The share of weight below each quantile, ``± t_df · SE``, mapped back through the
    quantile rule (R's ``svyquantile(..., interval.type = "mean")``). Data, not a closure,
    so that a quantile result can be pickled.
    """

    sorted: _Sorted
    share: np.ndarray  # (D, k) share of weight at or below each quantile
    share_se: np.ndarray  # (D, k) its design-based SE
    df: np.ndarray  # (D,)
    rule: str
    interval_type: str = "mean"
    rows: np.ndarray | None = None  # (D,) rows behind each domain (for "beta")
    label: ClassVar[str] = "woodruff"

    def share_limits(self, cl: float) -> tuple[np.ndarray, np.ndarray]:
        """The interval of the share, R's ``woodruffCI(method = interval_type)``: a t
        interval on the share (``"mean"``), on its logit (``"xlogit"``) or on
        ``asin(sqrt(share))`` (``"asin"``), each by the delta method and mapped back, or a
        Clopper-Pearson-type interval at the effective size (``"beta"``, Korn and Graubard
        1998, with R's df adjustment ``(t_{n-1} / t_df)^2`` of the effective size)."""
        df = np.where(self.df > 0, self.df, np.nan)[:, None]
        crit = special.stdtrit(df, 0.5 + 0.5 * cl)
        p, se = self.share, self.share_se
        kind = self.interval_type
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if kind == "mean":
                return p - crit * se, p + crit * se
            if kind == "xlogit":
                centre, half = special.logit(p), crit * se / (p * (1.0 - p))
                return special.expit(centre - half), special.expit(centre + half)
            if kind == "asin":
                centre = np.arcsin(np.sqrt(p))
                half = crit * se / (2.0 * np.sqrt(p * (1.0 - p)))
                return np.sin(centre - half) ** 2, np.sin(centre + half) ** 2
            # beta
            alpha = 1.0 - cl
            rows = (np.full(self.df.shape, np.nan) if self.rows is None
                    else self.rows.astype(np.float64))[:, None]
            n_eff = p * (1.0 - p) / (se * se)
            n_eff = n_eff * (special.stdtrit(rows - 1.0, alpha / 2.0)
                             / special.stdtrit(df, alpha / 2.0)) ** 2
            a_lo, b_lo = n_eff * p, n_eff * (1.0 - p) + 1.0
            a_hi, b_hi = n_eff * p + 1.0, n_eff * (1.0 - p)
            lo = np.where(a_lo == 0.0, 0.0, special.betaincinv(a_lo, b_lo, alpha / 2.0))
            hi = np.where(b_hi == 0.0, 1.0, special.betaincinv(a_hi, b_hi, 1.0 - alpha / 2.0))
            return lo, hi

    def __call__(self, cl: float) -> tuple[np.ndarray, np.ndarray]:
        # a limit whose probability leaves [0, 1] is the smallest (largest) value; R's
        # svyquantile gives NA there (a deliberate difference, docs/design.md)
        raw_lo, raw_hi = self.share_limits(cl)
        low = _apply_rule(self.sorted, np.clip(raw_lo, 0.0, 1.0), self.rule)
        high = _apply_rule(self.sorted, np.clip(raw_hi, 0.0, 1.0), self.rule)
        srt = self.sorted
        filled = srt.stop > srt.start
        smallest = np.where(filled, srt.x[np.minimum(srt.start, srt.x.size - 1)], np.nan)
        largest = np.where(filled, srt.x[np.maximum(srt.stop - 1, 0)], np.nan)
        # only a limit beyond [0, 1] (R: NaN) is replaced; one exactly at 0 or 1 goes through
        # the rule as in R (for "shahvaish" the rule at 1 need not give the largest value)
        low = np.where(raw_lo < 0.0, smallest[:, None], low)
        high = np.where(raw_hi > 1.0, largest[:, None], high)
        return low.ravel(), high.ravel()


def _sort_by_domain(x: np.ndarray, w: np.ndarray, dom: np.ndarray | None, n_dom: int
                    ) -> _Sorted:
    idx = np.flatnonzero(w > 0)
    order = np.argsort(x[idx], kind="stable")  # stable, like R's order(): ties keep data order
    if dom is None:
        ds = np.zeros(idx.size, dtype=np.int64)
    else:  # then a stable sort by domain (a radix sort on small integer codes)
        by_dom = dom[idx][order]
        small = by_dom.astype(np.int16) if n_dom < 2**15 else by_dom
        order = order[np.argsort(small, kind="stable")]
        ds = dom[idx][order]
    rows = idx[order]
    start = np.searchsorted(ds, np.arange(n_dom), side="left")
    stop = np.searchsorted(ds, np.arange(n_dom), side="right")
    # R accumulates cumsum() and sum() in long double; so do we, so that ties such as
    # 50 of 200 equal weights at p = 0.25 resolve the same way. Each domain's sums start
    # at 0 (not a running total minus an offset, which rounds), so a domain's quantiles
    # and their ties are exactly those of the domain on its own.
    ws = w[rows]
    cum = np.empty(rows.size)
    total = np.zeros(n_dom)
    for d in np.flatnonzero(stop > start):  # loop over non-empty domains
        c = np.cumsum(ws[start[d]:stop[d]].astype(np.longdouble))
        cum[start[d]:stop[d]] = c
        total[d] = float(c[-1])
    return _Sorted(x[rows], cum, total, start, stop, ws)


#: Quantile rules: R survey's ``qrule`` names (``svyquantile``); "hf1" is "math" and "hf2"
#: is "school" there too.
QUANTILE_RULES: tuple[str, ...] = ("math", "school", "shahvaish", "hf1", "hf2", "hf3", "hf4",
                                   "hf5", "hf6", "hf7", "hf8", "hf9")


def _qs(xs: np.ndarray, cw: np.ndarray, tot: float, p: np.ndarray
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """R's ``qs``: for each p the last position whose cumulative weight share is <= p (the
    first when none is), the next one, and the shares by which p exceeds the first
    (``wlow``) and falls short of the next (``wup``). Positions are 0-based."""
    pos = np.maximum(np.searchsorted(cw, p * tot, side="right") - 1, 0)
    nxt = np.minimum(pos + 1, xs.size - 1)
    return pos, nxt, p - cw[pos] / tot, cw[nxt] / tot - p


def _approx(pk: np.ndarray, xs: np.ndarray, p: np.ndarray, *, step: bool = False
            ) -> np.ndarray:
    """R's ``approx(pk, xs, p, rule = 2)``, linear or (``step``) constant with ``f = 0``:
    the knots sorted by ``pk`` and tied knots replaced by the mean of their values, as R's
    ``regularize.values(ties = mean)`` does."""
    order = np.argsort(pk, kind="stable")
    pk, xs = pk[order], xs[order]
    if pk.size > 1 and np.any(pk[1:] == pk[:-1]):
        knots, start = np.unique(pk, return_index=True)
        xs = np.add.reduceat(xs, start) / np.diff(np.append(start, pk.size))
        pk = knots
    if not step:
        return np.interp(p, pk, xs)
    i = np.clip(np.searchsorted(pk, p, side="right") - 1, 0, pk.size - 1)
    return xs[i]


def _rule_values(rule: str, xs: np.ndarray, cw: np.ndarray, w: np.ndarray, tot: float,
                 p: np.ndarray) -> np.ndarray:
    """One domain's quantiles by R's ``qrule_<rule>`` (x sorted, w its weights, cw their
    cumulative sums)."""
    if rule in ("math", "hf1", "school", "hf2"):
        pos, nxt, wlow, _ = _qs(xs, cw, tot, p)
        if rule in ("math", "hf1"):
            return np.where(wlow == 0.0, xs[pos], xs[nxt])
        return np.where(wlow == 0.0, (xs[pos] + xs[nxt]) / 2.0, xs[nxt])
    if rule == "hf3":  # on the distinct values, each with its summed weight
        last = np.append(np.flatnonzero(xs[1:] != xs[:-1]), xs.size - 1)
        xu, cu = xs[last], cw[last]
        pos, nxt, wlow, _ = _qs(xu, cu, tot, p)
        even = (pos + 1) % 2 == 0  # R's 1-based ilow %% 2 == 0
        return np.where((wlow == 0.0) & even, xu[pos], xu[nxt])
    if rule == "hf4":
        pos, nxt, wlow, wup = _qs(xs, cw, tot, p)
        with np.errstate(invalid="ignore", divide="ignore"):
            gamma = wlow / (wup + wlow)
        return xs[pos] * (1.0 - gamma) + xs[nxt] * gamma
    if xs.size == 1:
        return np.full(p.shape, xs[0])
    before = np.concatenate([[0.0], cw[:-1]])
    if rule == "shahvaish":  # R: (S + 0.5 - w / 2) / (n + 1), S the cumsum of w / mean(w)
        n = xs.size
        s_bar = np.cumsum(w / w.mean())
        return _approx((s_bar + 0.5 - w / 2.0) / (n + 1.0), xs, p, step=True)
    if rule == "hf5":
        pk = (cw - w / 2.0) / cw[-1]
    elif rule == "hf6":
        pk = cw / (cw[-1] + w[-1])
    elif rule == "hf7":
        pk = before / cw[-2]
    elif rule == "hf8":
        pk = (before / 3.0 + cw * 2.0 / 3.0) / (cw[-1] + w[-1] / 3.0)
    else:  # hf9
        pk = (before * 3.0 / 8.0 + cw * 5.0 / 8.0) / (cw[-1] + w[-1] / 4.0)
    return _approx(pk, xs, p)


def _apply_rule(srt: _Sorted, probs: np.ndarray, rule: str) -> np.ndarray:
    """Quantiles (D, r) at probabilities (D, r) (NaN probabilities give NaN)."""
    out = np.full(probs.shape, np.nan)
    for d in range(probs.shape[0]):  # loop over domains; each step is vectorised
        a, b = srt.start[d], srt.stop[d]
        p = probs[d]
        ok = ~np.isnan(p)
        if b - a == 0 or not ok.any():
            continue
        out[d, ok] = _rule_values(rule, srt.x[a:b], srt.cum[a:b], srt.w[a:b], srt.total[d],
                                  p[ok])
    return out


#: Interval types: R's ``svyquantile(interval.type = ...)`` names; the first four are
#: Woodruff's, ``"quantile"`` the replicate variance of the quantile itself.
INTERVAL_TYPES: tuple[str, ...] = ("mean", "beta", "xlogit", "asin", "quantile")


@dataclass(frozen=True)
class ReplicateQuantileInterval:
    """``estimate ± t_df · SE`` with the SE from the quantiles of each replicate (R's
    ``svyquantile(..., interval.type = "quantile")`` on a replicate design, ``repCI``)."""

    estimate: np.ndarray  # (D, k)
    se: np.ndarray  # (D, k)
    df: np.ndarray  # (D,)
    label: ClassVar[str] = "replicate"

    def __call__(self, cl: float) -> tuple[np.ndarray, np.ndarray]:
        crit = special.stdtrit(np.where(self.df > 0, self.df, np.nan), 0.5 + 0.5 * cl)
        half = crit[:, None] * self.se
        return (self.estimate - half).ravel(), (self.estimate + half).ravel()


def _replicate_quantile_interval(design: Design, x: np.ndarray, setup: _Setup,
                                 qhat: np.ndarray, probs: np.ndarray, rule: str,
                                 df: np.ndarray) -> ReplicateQuantileInterval:
    """The quantiles recomputed with each replicate's weights (rows with a zero replicate
    weight left out, as R's rules drop them), combined by the design's replicate variance."""
    if getattr(design, "n_replicates", None) is None:  # a design without replicate weights
        raise ValueError("interval_type='quantile' needs replicate weights (a "
                         "ReplicateDesign, e.g. design.to_replicate('jk1')); on this design "
                         "use a Woodruff type: 'mean', 'beta', 'xlogit' or 'asin'")
    n_dom, k = qhat.shape
    grid = np.broadcast_to(probs, (n_dom, k))

    def replicates(reps: ReplicateWeights) -> np.ndarray:
        weights = reps.dense()
        keep = setup.w > 0
        out = np.empty((weights.shape[1], n_dom * k))
        for r in range(weights.shape[1]):  # one sort per replicate (R: one qrule call each)
            w_r = np.where(keep, weights[:, r], 0.0)
            out[r] = _apply_rule(_sort_by_domain(x, w_r, setup.dom, n_dom), grid, rule).ravel()
        return out

    # a replicate design's variance reads the replicates only, never the influence values:
    # a zero-size stand-in for them
    no_scores = np.broadcast_to(np.float64(0.0), (k * n_dom, x.size))
    var = design._variance(Linear(qhat, no_scores), replicates, setup.dom, n_dom, setup.rows,
                           full=False)
    return ReplicateQuantileInterval(qhat, np.sqrt(var).reshape(n_dom, k), df)


def quantile(design: Design, variable: str, probs: Any, *, by: Any = None,
             rule: Any = "math", interval_type: Any = "mean",
             missing: Any = "error") -> DesignEstimate:
    missing = _check_missing(missing)
    rule = check_choice("rule", rule, QUANTILE_RULES)
    interval_type = check_choice("interval_type", interval_type, INTERVAL_TYPES)
    p = np.atleast_1d(check_interval("probs", probs, SHARE, nan_policy=None,
                                     hint="they are probabilities, 0.5 for the median"))
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"probs ({probs!r}) must be one probability or a non-empty list of "
                         "them, e.g. [0.25, 0.5, 0.75]")
    as_name("variable", variable)
    mat = _read(design, [variable], missing, param="variable", categorical="refuse")
    domains = _domains(design, by, missing)
    setup = _setup(design, mat.valid, domains)
    _check_domains(setup.sum_w, domains, "value")
    x = mat.X[0]
    srt = _sort_by_domain(x, setup.w, setup.dom, setup.n_dom)
    n_dom, k = setup.n_dom, p.size
    qhat = _apply_rule(srt, np.broadcast_to(p, (n_dom, k)), rule)
    # Woodruff: design-based SE of the share below each quantile
    thresholds = qhat[0][:, None] if setup.dom is None else qhat[setup.dom].T
    below = (x[None, :] <= thresholds).astype(np.float64)
    lin = mean_statistic(below, setup.w, setup.dom, setup.n_dom)

    def replicates(reps: ReplicateWeights) -> np.ndarray:
        return mean_replicates(below, reps, setup.rows, setup.dom, setup.n_dom)

    df = _domain_df(design, setup, domains)
    n = _design_rows(design, setup, domains)
    interval: WoodruffInterval | ReplicateQuantileInterval
    if interval_type == "quantile":
        interval = _replicate_quantile_interval(design, x, setup, qhat, p, rule, df)
    else:
        share = lin.estimate  # (D, k)
        share_var = design._variance(lin, replicates, setup.dom, setup.n_dom, setup.rows,
                                     full=False)
        share_se = np.sqrt(share_var).reshape(n_dom, k)
        interval = WoodruffInterval(srt, share, share_se, df, rule, interval_type, n)

    low, high = interval(0.95)
    crit95 = np.repeat(special.stdtrit(np.where(df > 0, df, np.nan), 0.975), k)
    se = (high - low) / (2.0 * crit95)
    return DesignEstimate(
        statistic="quantile",
        estimate=qhat.ravel(),
        var=np.diag(se * se) if se.size <= MAX_COVARIANCE_ROWS else None,
        variances=se * se,
        df=np.repeat(df, k),
        n=np.repeat(n, k).astype(np.int64),
        variable=(variable,) * (n_dom * k),
        level=tuple(float(v) for v in p) * n_dom,
        domain=tuple(lab for lab in domains.labels for _ in range(k)),
        by=domains.by,
        _interval=interval,
    )
