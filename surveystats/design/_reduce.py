"""The reduction step: row-level values to per-unit (PSU, SSU, ...) totals.

Taylor linearisation needs only the totals of the influence values within each sampled unit;
everything after that works on a few thousand numbers. This module is the one place that
touches every row, and it only ever *adds*: unit totals of a data set split into row blocks
are the sums of the blocks' unit totals. That is what would let it run on a distributed
dataframe later (map: ``unit_totals`` on each partition with the design's global codes;
reduce: add the matrices).

Inputs are the integer codes that :class:`~surveystats.design.SurveyDesign` computes once
with ``pandas.factorize``; the sums use ``numpy.bincount`` (a C loop over the rows, no sort,
no Python loop per row or per unit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DomainTotals", "combine_codes", "group_presence", "roll_up", "unit_totals"]


@dataclass(frozen=True)
class DomainTotals:
    """Unit totals by domain, kept sparse: one column per (unit, domain) pair with rows.

    Stands for the dense (n_domains * k, n_units) matrix whose column ``u`` holds the totals
    of unit ``u`` in the rows of each domain, without building it (for a million rows and
    ten domains that matrix would be 20 times larger than the data; for 100,000 domains and
    4,000 PSUs it would not fit in memory). Pair ``i`` is unit ``unit[i]`` (or unit ``i``
    when ``unit`` is None: the rows are the units) in domain ``domain[i]``; each pair occurs
    once, and pairs outside every domain carry values 0.
    """

    values: np.ndarray  # (k, n_pairs)
    domain: np.ndarray  # (n_pairs,) int64
    n_domains: int
    unit: np.ndarray | None = None  # (n_pairs,) int64; None: pair i is unit i
    n_units: int | None = None

    @property
    def shape(self) -> tuple[int, int]:
        units = self.values.shape[1] if self.n_units is None else self.n_units
        return (self.n_domains * self.values.shape[0], units)

    def pair_units(self) -> np.ndarray:
        """The unit of each pair."""
        return np.arange(self.values.shape[1]) if self.unit is None else self.unit


#: Above this many cells (domains x units x variables) the unit totals stay sparse.
DENSE_CELLS = 20_000_000


Totals = np.ndarray | DomainTotals


#: From this many score variables on, rows sorted by unit are summed by segments.
_SEGMENT_MIN_SCORES = 3


def _sorted(codes: np.ndarray) -> bool:
    """Whether the unit codes never decrease along the rows."""
    return bool(np.all(codes[1:] >= codes[:-1]))


def unit_totals(
    scores: np.ndarray,
    codes: np.ndarray | None,
    n_units: int,
    domains: np.ndarray | None = None,
    n_domains: int = 1,
    dense: bool = False,
) -> Totals:
    """Sum row-level scores within units, optionally split by domain.

    Parameters
    ----------
    scores : ndarray, shape (k, n)
        One row per score variable (C-contiguous rows keep ``bincount`` fast).
    codes : ndarray of int64, shape (n,), or None
        Unit code of each row in ``0 .. n_units - 1``; None means every row is its own unit
        (the rows *are* the units, as in ``clusters=None``).
    n_units : int
        Number of units.
    domains : ndarray of int64, shape (n,), or None
        Domain code of each row in ``0 .. n_domains - 1``. Rows outside every domain must
        carry a score of 0 (their code is then irrelevant).
    n_domains : int
        Number of domains.
    dense : bool, default False
        Always the dense matrix (a caller that changes the totals; it must bound their
        size itself), never a :class:`DomainTotals`.

    Returns
    -------
    ndarray, shape (n_domains * k, n_units), or DomainTotals
        Row ``d * k + j`` holds the unit totals of score ``j`` over the rows of domain
        ``d`` (zero for units without rows in the domain). When the rows are the units and
        there are several domains, the same matrix as a :class:`DomainTotals`.
    """
    k = scores.shape[0]
    if domains is None or n_domains == 1:
        if codes is None:
            return scores
        if k >= _SEGMENT_MIN_SCORES and codes.size > 1 and _sorted(codes):
            # rows sorted by unit (as most files are): one pass of segment sums for all scores
            starts = np.flatnonzero(codes[1:] != codes[:-1]) + 1
            starts = np.concatenate(([0], starts))
            out = np.zeros((k, n_units))
            out[:, codes[starts]] = np.add.reduceat(scores, starts, axis=1)
            return out
        out = np.empty((k, n_units))
        for j in range(k):  # loop over score variables, not rows
            out[j] = np.bincount(codes, weights=scores[j], minlength=n_units)
        return out
    if codes is None:
        return DomainTotals(scores, domains, n_domains)
    key = domains * n_units + codes
    size = n_units * n_domains
    if size * k > DENSE_CELLS and not dense:  # one column per (unit, domain) pair with rows
        pairs, inverse = np.unique(key, return_inverse=True)
        values = np.empty((k, pairs.size))
        for j in range(k):  # loop over score variables, not rows
            values[j] = np.bincount(inverse, weights=scores[j], minlength=pairs.size)
        pair_domain, pair_unit = np.divmod(pairs, n_units)
        return DomainTotals(values, pair_domain, n_domains, pair_unit, n_units)
    out = np.empty((n_domains * k, n_units))
    for j in range(k):
        sums = np.bincount(key, weights=scores[j], minlength=size)
        out[j::k] = sums.reshape(n_domains, n_units)
    return out


def roll_up(totals: Totals, parent: np.ndarray, n_parents: int) -> Totals:
    """Totals of later-stage units summed into their parent units (the nested sums)."""
    if isinstance(totals, DomainTotals):
        out = unit_totals(totals.values, parent[totals.pair_units()], n_parents,
                          totals.domain, totals.n_domains)
        if isinstance(out, DomainTotals):
            return out
        return np.asarray(out).reshape(totals.n_domains * totals.values.shape[0], -1)
    out = np.empty((totals.shape[0], n_parents))
    for j in range(totals.shape[0]):
        out[j] = np.bincount(parent, weights=totals[j], minlength=n_parents)
    return out


def group_presence(
    mask: np.ndarray,
    codes: np.ndarray | None,
    n_units: int,
    domains: np.ndarray | None = None,
    n_domains: int = 1,
) -> np.ndarray:
    """Which units have at least one row in ``mask``, per domain.

    Returns a boolean array of shape (n_units, n_domains).
    """
    all_rows = bool(mask.all())
    rows = np.arange(mask.size) if all_rows else np.flatnonzero(mask)
    dom = None if domains is None or n_domains == 1 else (
        domains if all_rows else domains[rows])
    if codes is None:  # the rows are the units
        hit = np.zeros((n_units, n_domains), dtype=bool)
        hit[rows, 0 if dom is None else dom] = True
        return hit
    unit = codes if all_rows else codes[rows]
    key = unit if dom is None else dom * n_units + unit
    size = n_units * n_domains
    if size <= 8 * max(rows.size, 1) + 1_000_000:
        flat = np.bincount(key, minlength=size) > 0
    else:  # many units x many domains: sort the keys instead of a huge count table
        flat = np.zeros(size, dtype=bool)
        flat[np.sort(key)] = True
    return flat.reshape(n_domains, n_units).T


def combine_codes(
    a: np.ndarray, n_a: int, b: np.ndarray, n_b: int
) -> tuple[np.ndarray, int]:
    """Integer codes of the pairs ``(a, b)``, numbered ``0 .. n_pairs - 1``.

    Uses a dense count table when ``n_a * n_b`` is small compared with the number of rows
    (no hashing, no sort); otherwise ``pandas.factorize`` of the combined int64 key.
    """
    key = a.astype(np.int64) * n_b + b
    size = n_a * n_b
    if size <= 4 * a.size + 1_000_000:
        present = np.bincount(key, minlength=size) > 0
        lookup = np.cumsum(present) - 1
        return lookup[key].astype(np.int64), int(present.sum())
    import pandas as pd

    codes, uniques = pd.factorize(key)
    return codes.astype(np.int64), len(uniques)
