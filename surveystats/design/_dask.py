"""Designs over a Dask DataFrame: each partition reduced to sums, then the in-memory engines.

A design-based estimate needs the rows only through sums. Linearisation needs the totals of
the influence values in each PSU; the influence values of a total, a mean, a proportion or a
ratio are linear in ``w y`` and ``w x`` (``w (y - R x) / X``), so the PSU totals of ``w y`` and
``w x`` give them once the estimate ``R`` is known, after the pass. Replicate variance needs
``Σ w_r y`` and ``Σ w_r x`` for every replicate r: a matrix product per partition. So every
estimate is one pass over the partitions (Dask's job), each partition reduced to

* per (PSU, domain), or per (stratum, domain) when every row is its own PSU (no clusters):
  the sums of ``w (y - c x)`` and ``w x`` (or, per stratum, their count, means and centred
  sums of products, Chan, Golub and LeVeque's update, so that a file of a hundred million
  element-sampled rows never holds one total per row);
* per domain: the sums that give the estimate, the degrees of freedom and the design
  effect, and for a replicate design the sums of every replicate (and, for ``by=``, the
  Gram matrix from which R's ``degf`` of each domain's replicate weights comes);

combined by key (a PSU that spans partitions adds up; rounding is the only trace of the
partitioning), and the small final step is the in-memory one: the Taylor engine
(:func:`~surveystats.design._linearization.taylor_covariance` through the design's
``_covariance_of_totals``, or its twin :func:`moments_covariance`), the replicate engine
(:func:`~surveystats.design._repvar.replicate_covariance`) and the same
:class:`~surveystats.design.DesignEstimate`. ``c`` is a shift, each partition's weighted
mean of ``y / x``, moved to a common one when partitions combine: the sums then cancel no
more digits than the in-memory influence values do.

Declaring the design is one pass over its own columns (strata, PSUs, fpc, weights: their
checks, the structure and R's ``degf``; for replicate weights also their rank). Dask is
imported when a design meets a Dask DataFrame, never by ``import surveystats``.

A post-stratified or raked design (:mod:`~surveystats.design._dask_calibration`) is the same
frame with calibration factors by joint cell (:class:`CellFactors`), which every partition
applies to its weights (and replicate weights) before reducing itself; on a Taylor design
the pass also sums, by (joint cell, domain), what R's variance steps need.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveystats.design import _reduce
from surveystats.design._columns import (
    ColumnCheck,
    analysis_kind,
    as_name,
    as_names,
    check_categories,
    check_finite,
    factorize_sorted,
    id_codes,
    real_column,
)
from surveystats.design._encode import (
    Codes,
    design_weights,
    encode_codes,
    finish_stages,
    make_stages,
    population_sizes,
    stage_structure,
)
from surveystats.design._estimators import (
    MAX_COVARIANCE_ROWS,
    _check_deff,
    _check_domains,
    _check_missing,
    _Domains,
    _levels,
    _missing_message,
    _plain,
    deff_from_spread,
)
from surveystats.design._linearization import Stage, StratumMoments, moments_covariance
from surveystats.design._repvar import (
    CERTIFICATE_STRIDE,
    RANK_TOLERANCE,
    block_gram,
    certifies_full_rank,
    gram_rank,
    replicate_covariance,
)
from surveystats.design._results import DesignEstimate, canonical_proportion_method

__all__ = ["UNSUPPORTED", "CellFactors", "ReplicateFrame", "TaylorFrame", "is_dask_frame",
           "read_parquet"]

#: Partials combined per step of the tree reduction.
SPLIT_EVERY = 8
#: Rows of replicate weights converted to float64 at a time within a partition.
ROW_BLOCK = 1 << 16
#: The key column of a table without keys (one group: the whole sample).
_ALL = "\0all"
#: A variable is constant in a domain when its values (of ``y / x`` for a ratio) span less
#: than this many machine epsilons of their size (the in-memory snap, on the range).
_CONSTANT_ULPS = 16.0

#: What cannot run on a Dask DataFrame yet: why, and what to do instead.
UNSUPPORTED: dict[str, str] = {
    "quantile": "a quantile needs the sorted values of its domain, not sums by PSU",
    "ttest": "not yet; mean(variable, by=group) and DesignEstimate.contrast([-1, 1]) give "
             "the difference of two domain means with its design-based SE",
    "glm": "the model is fitted by iterating over the rows",
    "crosstab": "not yet; proportion(col, by=row) gives the shares of the columns within "
                "each row, with their SEs",
    "calibrate": "GREG's factors depend on each row's values of the calibration "
                 "variables, not on a few cells",
    "trim_weights": "trimming changes the weights row by row",
    "to_replicate": "replicate weights made from a design are kept row by row",
    "weights": "the weights stay in the partitions; read the weights column of the Dask "
               "DataFrame itself",
    "replicate_weights": "the replicate weights stay in the partitions; read their columns "
                         "of the Dask DataFrame itself",
}


def unsupported_message(what: str) -> str:
    """The message of a method that a design over a Dask DataFrame does not run."""
    why = UNSUPPORTED[what]
    call = what if what in ("weights", "replicate_weights") else f"{what}()"
    return (f"{call} does not run on a design over a Dask DataFrame ({why}). mean, total, "
            "proportion and ratio (with by=), poststratify and rake do; otherwise bring the "
            "columns it needs into memory, ddf[[...]].compute(), and declare the design on "
            "that pandas DataFrame")


# --- Dask: detection, import, the one pass -------------------------------------------------


def is_dask_frame(data: Any) -> bool:
    """Whether ``data`` is a ``dask.dataframe.DataFrame`` (without importing Dask)."""
    module = sys.modules.get("dask.dataframe")
    return module is not None and isinstance(data, module.DataFrame)


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe
    except ImportError:  # pragma: no cover - the dask extra installs it
        raise ImportError(
            "reading a design lazily needs Dask: pip install 'surveystats[dask]' "
            "(dask[dataframe], distributed and pyarrow)") from None
    return dask


def read_parquet(path: Any, read_options: Any) -> Any:
    """``dask.dataframe.read_parquet(path, **read_options)``, with the options checked."""
    if read_options is not None and not isinstance(read_options, dict):
        raise TypeError(f"read_options ({read_options!r}) must be a dict of keyword arguments "
                        "for dask.dataframe.read_parquet, or None")
    _dask()
    import dask.dataframe as dd

    return dd.read_parquet(path, **(read_options or {}))


def _one_pass(ddf: Any, columns: list[str], func: Callable[..., Partial], plan: Any) -> Partial:
    """``func(partition, number, plan)`` on every partition of ``ddf[columns]``, the results
    combined in a tree (:func:`combine`, ``SPLIT_EVERY`` at a time) and computed once."""
    dask = _dask()
    columns = list(dict.fromkeys(columns)) or [str(ddf.columns[0])]
    # one task per partition: reading (the needed columns only), then reducing it; the plan
    # is small (column names, the request; implied weights by PSU when no weights column)
    reduced = ddf[columns].map_partitions(_numbered, func, plan, meta=pd.DataFrame(),
                                          enforce_metadata=False, align_dataframes=False)
    level = reduced.to_delayed()
    merge = dask.delayed(combine, pure=True)
    while len(level) > 1:
        level = [merge(*level[i:i + SPLIT_EVERY]) for i in range(0, len(level), SPLIT_EVERY)]
    (result,) = dask.compute(level[0])
    return result  # type: ignore[no-any-return]


def _numbered(part: pd.DataFrame, func: Callable[..., Partial], plan: Any,
              partition_info: dict[str, Any] | None = None) -> Partial:
    return func(part, 0 if partition_info is None else partition_info["number"], plan)


# --- partials: sums by key, combined by key ------------------------------------------------


@dataclass
class Table:
    """Sums by key: one row per distinct key (the rows of ``keys``) and value arrays whose
    first axis runs over those rows. An array named ``*_a`` has the estimate columns on its
    last axis (``*_aa``: its last two), which partitions may not share (a level seen in one
    partition only); ``min_*`` and ``max_*`` combine by minimum and maximum, ``first_*`` by
    the first partition's value, the moments (``n``/``mean_*``/``m2_*``, ``dw``/``d*``) by
    Chan's update, everything else by addition."""

    keys: pd.DataFrame
    values: dict[str, np.ndarray]


@dataclass
class Partial:
    """What a partition (or a set of partitions) reduces to."""

    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # problems and missing values
    examples: dict[str, list[Any]] = field(default_factory=dict)  # their first rows
    kinds: dict[str, set[str]] = field(default_factory=dict)  # numeric or categorical
    levels: dict[str, list[Any]] = field(default_factory=dict)  # levels seen, in order
    labels: list[tuple[str, Any]] = field(default_factory=list)  # the estimate columns
    shift: np.ndarray = field(default_factory=lambda: np.zeros(0))  # c of each column
    mass: np.ndarray = field(default_factory=lambda: np.zeros(0))  # Σ w x behind c
    tables: dict[str, Table] = field(default_factory=dict)


def _note(out: Partial, key: str, count: int, examples: Sequence[Any] = ()) -> None:
    if count:
        out.counts[key] = out.counts.get(key, 0) + int(count)
        seen = out.examples.setdefault(key, [])
        seen.extend(list(examples)[: max(0, 5 - len(seen))])


def _row_labels(index: pd.Index, mask: np.ndarray, number: int) -> list[str]:
    rows = np.flatnonzero(mask)[:5]
    return [f"{index[r]!r} (partition {number})" for r in rows]


class _Groups:
    """Rows (or partials' rows) grouped by key, for sums, extremes and first values. A key
    of one constant column (no ``by``) is one group, summed without grouping."""

    def __init__(self, keys: pd.DataFrame) -> None:
        n = len(keys)
        self.n = n
        self.single = keys.shape[1] == 0 or n == 0 or (
            keys.shape[1] == 1 and keys.columns[0] == _ALL)
        if self.single:
            self.ids = np.zeros(n, dtype=np.int64)
            self.size = 1 if n else 0
            self.first = np.zeros(self.size, dtype=np.int64)
        else:
            self.ids, self.size = _key_codes(keys)
            first = np.empty(self.size, dtype=np.int64)
            first[self.ids[::-1]] = np.arange(n - 1, -1, -1)  # the last write is the first
            self.first = first
        self.keys = keys.iloc[self.first].reset_index(drop=True)
        self._order: tuple[np.ndarray, np.ndarray] | None = None

    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows in group order, and where each group starts."""
        if self._order is None:
            order = np.argsort(self.ids, kind="stable")
            ids = self.ids[order]
            starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
            self._order = (order, starts)
        return self._order

    def sum(self, values: np.ndarray) -> np.ndarray:
        if values.shape[0] == 0:
            return np.zeros((self.size, *values.shape[1:]))
        if self.single:
            return np.asarray(values.sum(axis=0))[None]
        flat = values.reshape(values.shape[0], -1)
        out = np.empty((self.size, flat.shape[1]))
        for j in range(flat.shape[1]):  # loop over value columns, not rows
            out[:, j] = np.bincount(self.ids, weights=flat[:, j], minlength=self.size)
        return out.reshape((self.size, *values.shape[1:]))

    def reduce(self, ufunc: np.ufunc, values: np.ndarray) -> np.ndarray:
        if values.shape[0] == 0:
            return values[:0].reshape((0, *values.shape[1:]))
        if self.single:
            return np.asarray(ufunc.reduce(values, axis=0))[None]
        order, starts = self._sorted()
        return ufunc.reduceat(values[order], starts, axis=0)  # type: ignore[no-any-return]

    def take_first(self, values: np.ndarray) -> np.ndarray:
        return values[self.first]


def _key_codes(keys: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Integer codes of the distinct rows of ``keys`` (missing values are values)."""
    codes: np.ndarray | None = None
    size = 1
    for j in range(keys.shape[1]):  # loop over key columns, not rows
        column = keys.iloc[:, j]
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":
            c, uniques = factorize_sorted(column)  # integers: counted, not hashed
        else:
            c, uniques = pd.factorize(column, use_na_sentinel=False)
        c = np.asarray(c, dtype=np.int64)
        if codes is None:
            codes, size = c, len(uniques)
        else:
            codes, size = _reduce.combine_codes(codes, size, c, len(uniques))
    assert codes is not None
    return codes, size


#: The moment sets a table may hold (its lead, the weight or count, first), pooled by Chan's
#: update when partials combine and moved with the shift ``c`` by :func:`_align`: by unit of
#: an element sample, for the design effect, and of a calibrated design's cells.
_MOMENTS = ("n", "mean_a", "mean_b", "m2_aa", "m2_ab", "m2_bb")
_DEFF = ("dw", "dmean_a", "dmean_b", "dm2_a", "dm2_ab", "dm2_bb")
_CELL_MOMENTS = ("cn", "cmean_a", "cmean_b", "cm2_a", "cm2_ab", "cm2_bb")
_MOMENT_SETS = (_MOMENTS, _DEFF, _CELL_MOMENTS)
#: The sums ``Σ v (y - c x)`` and their ``Σ v x``, which a new shift moves.
_SHIFTED = (("A_a", "B"), ("dA_a", "dB"), ("uA_a", "uB"))


def _chan(g: _Groups, weight: np.ndarray, mean_a: np.ndarray, mean_b: np.ndarray,
          m2_aa: np.ndarray, m2_ab: np.ndarray, m2_bb: np.ndarray
          ) -> tuple[np.ndarray, ...]:
    """Counts (or weights), means and centred sums of products of several groups of rows,
    pooled by key (Chan, Golub and LeVeque): ``M = Σ M_i + Σ n_i (μ_i - μ)(μ_i - μ)ᵀ``.
    ``m2_aa`` is (m, p, p), or (m, p) when only its diagonal is kept."""
    n = g.sum(weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu_a = np.where(n[:, None] > 0, g.sum(weight[:, None] * mean_a) / n[:, None], 0.0)
        mu_b = np.where(n > 0, g.sum(weight * mean_b) / n, 0.0)
    da = mean_a - mu_a[g.ids]
    db = mean_b - mu_b[g.ids]
    if m2_aa.ndim == 3:
        aa = m2_aa + weight[:, None, None] * da[:, :, None] * da[:, None, :]
    else:
        aa = m2_aa + weight[:, None] * da * da
    ab = m2_ab + weight[:, None] * da * db[:, None]
    bb = m2_bb + weight * db * db
    return n, mu_a, mu_b, g.sum(aa), g.sum(ab), g.sum(bb)


def _combine_table(tables: list[Table]) -> Table:
    keys = pd.concat([t.keys for t in tables], ignore_index=True)
    g = _Groups(keys)
    names = list(tables[0].values)
    values: dict[str, np.ndarray] = {}
    for triple in _MOMENT_SETS:
        lead = triple[0]
        if lead in names:
            stacked = [np.concatenate([t.values[name] for t in tables]) for name in triple]
            for name, v in zip(triple, _chan(g, *stacked), strict=True):
                values[name] = v
    for name in names:
        if name in values:
            continue
        v = np.concatenate([t.values[name] for t in tables])
        if name.startswith("min_"):
            values[name] = g.reduce(np.minimum, v)
        elif name.startswith("max_"):
            values[name] = g.reduce(np.maximum, v)
        elif name.startswith("first_"):
            values[name] = g.take_first(v)
        else:
            values[name] = g.sum(v)
    return Table(g.keys, values)


def _align(part: Partial, labels: list[tuple[str, Any]], shift: np.ndarray) -> None:
    """Put ``part``'s estimate columns in the order of ``labels`` (zeros, or the extremes'
    neutral values, for columns it has not seen) and move its sums to the shift ``shift``:
    ``a = w (y - c x)`` becomes ``a + (c - c') w x``, a linear map of its sums and moments."""
    where = {lab: i for i, lab in enumerate(labels)}
    pos = np.array([where[lab] for lab in part.labels], dtype=np.int64)
    p = len(labels)
    delta = np.zeros(p)
    delta[pos] = part.shift - shift[pos]
    moved = bool(np.any(delta != 0.0))
    for table in part.tables.values():
        v = table.values
        for name, arr in list(v.items()):
            fill: Any = 0.0  # a column the part has not seen is a level its rows do not have
            if name.startswith(("min_", "max_")):  # ... so its extremes are 0 where it has rows
                empty = np.inf if name.startswith("min_") else -np.inf
                fill = np.where(v["npos"] > 0, 0.0, empty)[:, None]
            if name.endswith("_aa"):
                new = np.zeros((arr.shape[0], p, p))
                new[:, pos[:, None], pos[None, :]] = arr
                v[name] = new
            elif name.endswith("_a") or name.endswith("_ab"):
                new = np.broadcast_to(fill, (*arr.shape[:-1], p)).copy() if np.ndim(fill) \
                    else np.full((*arr.shape[:-1], p), fill)
                new[..., pos] = arr
                v[name] = new
        if not moved:
            continue
        for a_name, b_name in _SHIFTED:
            if a_name in v and b_name in v:
                v[a_name] = v[a_name] + delta * v[b_name][:, None]
        for _, mean_a, mean_b, m2_a, m2_ab, m2_bb in _MOMENT_SETS:
            if mean_a not in v:
                continue
            ab, bb = v[m2_ab], v[m2_bb]
            v[mean_a] = v[mean_a] + delta * v[mean_b][:, None]
            if v[m2_a].ndim == 3:
                v[m2_a] = (v[m2_a] + ab[:, :, None] * delta[None, None, :]
                           + delta[None, :, None] * ab[:, None, :]
                           + bb[:, None, None] * delta[:, None] * delta[None, :])
            else:
                v[m2_a] = v[m2_a] + 2.0 * delta * ab + bb[:, None] * delta * delta
            v[m2_ab] = ab + delta * bb[:, None]
    part.labels = list(labels)
    part.shift = shift.copy()
    part.mass = np.zeros(p)


def combine(*parts: Partial) -> Partial:
    """Partials of several partitions as one (in the order given)."""
    out = Partial()
    labels: list[tuple[str, Any]] = []
    for part in parts:
        out.rows += part.rows
        for key, count in part.counts.items():
            _note(out, key, count, part.examples.get(key, []))
        for name, kinds in part.kinds.items():
            out.kinds.setdefault(name, set()).update(kinds)
        for name, levels in part.levels.items():
            seen = out.levels.setdefault(name, [])
            seen.extend(v for v in levels if v not in seen)
        labels.extend(lab for lab in part.labels if lab not in labels)
    p = len(labels)
    where = {lab: i for i, lab in enumerate(labels)}
    shift, mass = np.zeros(p), np.zeros(p)
    for part in parts:  # the common shift: the mass-weighted mean of the partitions'
        pos = np.array([where[lab] for lab in part.labels], dtype=np.int64)
        if pos.size:
            shift[pos] += part.shift * part.mass
            mass[pos] += part.mass
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(mass > 0, shift / mass, 0.0)
    for part in parts:
        _align(part, labels, shift)
    out.labels, out.shift, out.mass = labels, shift, mass
    names = [name for part in parts for name in part.tables]
    for name in dict.fromkeys(names):
        tables = [part.tables[name] for part in parts if name in part.tables]
        out.tables[name] = _combine_table(tables)
    return out


# --- the design's structure: one pass over its columns -------------------------------------


@dataclass(frozen=True)
class _StructurePlan:
    strata: tuple[str, ...]
    clusters: tuple[str, ...]
    fpc: tuple[str, ...]
    weights: str | None
    keys: tuple[str, ...]


def _structure_partition(part: pd.DataFrame, number: int, plan: _StructurePlan) -> Partial:
    out = Partial(rows=len(part))
    index = part.index
    for s, name in enumerate(plan.strata):
        miss = part[name].isna().to_numpy()
        _note(out, f"strata\0{s}\0{name}", miss.sum(), _row_labels(index, miss, number))
    for s, name in enumerate(plan.clusters):
        miss = part[name].isna().to_numpy()
        _note(out, f"clusters\0{s}\0{name}", miss.sum(), _row_labels(index, miss, number))
    for s, name in enumerate(plan.fpc):
        vals = real_column("fpc", part[name])
        bad = ~np.isfinite(vals)
        _note(out, f"fpc\0{s}\0{name}", bad.sum(), _row_labels(index, bad, number))
    if plan.weights is not None:
        w = real_column("weights", part[plan.weights])
        miss = np.isnan(w)
        _note(out, "weights\0nan", miss.sum(), _row_labels(index, miss, number))
        bad = (w < 0) | np.isinf(w)
        _note(out, "weights\0bad", bad.sum(),
              [f"{w[r]:g} in row {index[r]!r} (partition {number})"
               for r in np.flatnonzero(bad)[:1]])
        pos = (w > 0).astype(np.float64)
    else:
        pos = np.ones(len(part))
    g = _Groups(part[list(plan.keys)] if plan.keys else pd.DataFrame(index=part.index))
    labels = np.array([f"{v!r} (partition {number})" for v in index[g.first]], dtype=object)
    out.tables["keys"] = Table(g.keys, {
        "rows": g.sum(np.ones(len(part))), "pos": g.sum(pos), "first_row": labels})
    return out


def _raise_structure(part: Partial, plan: _StructurePlan) -> None:
    """The in-memory constructor's messages for what the pass found."""
    for key, count in part.counts.items():
        kind, *rest = key.split("\0")
        rows = ", ".join(part.examples[key]) + (" and more" if count > 5 else "")
        if kind in ("strata", "clusters"):
            s, name = int(rest[0]), rest[1]
            param = kind if s == 0 or kind == "strata" else f"clusters[{s}]"
            what = "stratum" if kind == "strata" else "cluster id"
            raise ValueError(
                f"{param} ({name!r}) has {count} missing value(s) (rows {rows}); every row "
                f"needs a {what}: fill them in or drop those rows before declaring the design")
        if kind == "fpc":
            s, name = int(rest[0]), rest[1]
            stage = f" at stage {s + 1}" if len(plan.clusters) > 1 else ""
            raise ValueError(
                f"fpc ({name!r}){stage} has {count} missing or infinite value(s) (rows "
                f"{rows}); give a population count or a sampling fraction for every row")
        if key == "weights\0nan":
            raise ValueError(
                f"weights ({plan.weights!r}) has {count} missing value(s) (rows {rows}); "
                "every row needs a weight (use 0 to keep a row in the design without "
                "counting it)")
        if key == "weights\0bad":
            raise ValueError(
                f"weights ({plan.weights!r}) has {count} negative or infinite value(s) (e.g. "
                f"{part.examples[key][0]}); weights must be finite and >= 0")


@dataclass(frozen=True)
class _Request:
    """One estimate: what the partitions compute."""

    statistic: str  # "mean", "total", "proportion", "ratio"
    names: tuple[str, ...]
    param: str
    categorical: str  # "levels" or "refuse"
    denominator: str | None
    by: tuple[str, ...]
    only_level: Any
    has_level: bool
    deff: str | None
    missing: str
    method: str | None = None

    @property
    def centred(self) -> bool:
        return self.statistic != "total"


@dataclass(frozen=True)
class _Plan:
    """What a partition of a design needs to reduce itself for one request."""

    request: _Request
    design_keys: tuple[str, ...]  # the unit (or, element sampling, stratum) key columns
    element: bool  # every row its own PSU: moments by stratum, not sums by PSU
    weights: str | None
    weight_keys: tuple[str, ...]  # the columns that find an implied weight
    weight_lookup: pd.Series | None  # implied weights by key (None: the weights column or
    weight_const: float = 1.0  # this constant)
    replicates: tuple[str, ...] = ()
    domain_rank: bool = False  # replicate weights' certificate Gram per domain (by=)
    factors: CellFactors | None = None  # calibration factors by joint cell
    cells: bool = False  # the sums by (joint cell, domain) a calibrated Taylor variance needs


@dataclass(frozen=True)
class CellFactors:
    """Calibration factors by joint cell (the cross-classification of the calibration
    columns), applied to the weights inside each partition: a row of joint cell ``J`` has the
    weight ``d F[J, 0]`` and the replicate weights ``d_r F[J, r]`` (``d`` the declared ones)."""

    columns: tuple[str, ...]
    index: pd.Index  # the joint cells' values: an Index, or a MultiIndex for several columns
    factors: np.ndarray  # (n_joint, 1 + replicates)

    def codes(self, part: pd.DataFrame) -> np.ndarray:
        """The joint cell of every row of ``part`` (an error for a cell not in the table)."""
        if not len(part):
            return np.zeros(0, dtype=np.int64)
        g = _Groups(part[list(self.columns)])
        found = _lookup(self.index, g.keys, "calibration cells")
        return found[g.ids]


class _Lazy:
    """What both designs over a Dask DataFrame share: the four estimators, one pass each."""

    ddf: Any
    n_psu: int
    keys: pd.DataFrame
    #: The calibrations so far on the table of joint cells (``_dask_calibration``), or None.
    joint: Any = None

    def unsupported(self, what: str) -> str:
        return unsupported_message(what)

    # the estimators' arguments, checked as the in-memory estimators check them
    def _request(self, statistic: str, names: list[str], param: str, by: Any, deff: Any,
                 missing: Any, *, categorical: str = "levels", denominator: str | None = None,
                 only_level: Any = None, has_level: bool = False, method: str | None = None
                 ) -> _Request:
        check = ColumnCheck(self.ddf)
        for name in names:
            check.check("numerator" if statistic == "ratio" else param, name)
        if denominator is not None:
            check.check("denominator", denominator)
        by_names: list[str] = []
        if by is not None:
            by_names = as_names("by", by, required=True)
            for name in by_names:
                check.check("by", name)
        return _Request(statistic, tuple(names), param, categorical, denominator,
                        tuple(by_names), only_level, has_level, deff, missing, method)

    def _sums(self, statistic: str, design: Any, variables: Any, by: Any, deff: Any,
              missing: Any) -> DesignEstimate:
        """A mean or a total of ``variables``."""
        missing = _check_missing(missing)
        deff = _check_deff(deff)
        names = as_names("variables", variables, required=True)
        return self._estimate(design, self._request(statistic, names, "variables", by, deff,
                                                    missing))

    def mean(self, design: Any, variables: Any, by: Any, deff: Any, missing: Any
             ) -> DesignEstimate:
        return self._sums("mean", design, variables, by, deff, missing)

    def total(self, design: Any, variables: Any, by: Any, deff: Any, missing: Any
              ) -> DesignEstimate:
        return self._sums("total", design, variables, by, deff, missing)

    def proportion(self, design: Any, variable: Any, level: Any, by: Any, method: str,
                   deff: Any, missing: Any) -> DesignEstimate:
        m = canonical_proportion_method(method)
        as_name("variable", variable)
        missing = _check_missing(missing)
        deff = _check_deff(deff)
        return self._estimate(design, self._request(
            "proportion", [variable], "variable", by, deff, missing, only_level=level,
            has_level=True, method=m))

    def ratio(self, design: Any, numerator: Any, denominator: Any, by: Any, deff: Any,
              missing: Any) -> DesignEstimate:
        missing = _check_missing(missing)
        deff = _check_deff(deff)
        as_name("denominator", denominator)
        nums = as_names("numerator", numerator, required=True)
        return self._estimate(design, self._request(
            "ratio", nums, "numerator", by, deff, missing, categorical="refuse",
            denominator=denominator))

    def _estimate(self, design: Any, request: _Request) -> DesignEstimate:
        raise NotImplementedError


# --- reading a partition's variables --------------------------------------------------------


def _read_partition(part: pd.DataFrame, req: _Request, out: Partial
                    ) -> tuple[list[np.ndarray], list[tuple[str, Any]], list[bool], np.ndarray,
                               np.ndarray]:
    """The estimate columns of a partition, as the in-memory ``_read``: numeric variables
    as numbers, categorical ones as one indicator per level (its levels here recorded),
    with the missing values counted. Returns the columns, their labels, whether each is
    numeric, the rows without a missing value and the denominator ``x`` (1 without)."""
    n = len(part)
    miss = np.zeros(n, dtype=bool)
    cols: list[np.ndarray] = []
    labels: list[tuple[str, Any]] = []
    numeric: list[bool] = []
    param = "numerator" if req.statistic == "ratio" else req.param
    for name in req.names:
        series = part[name]
        if not req.has_level and analysis_kind(param, series) == "numeric":
            x = real_column(param, series, allow_bool=True)
            check_finite(param, name, x, series.index)
            m = np.isnan(x)
            _note(out, f"missing\0{name}", m.sum())
            miss |= m
            cols.append(np.where(m, 0.0, x))
            labels.append((name, None))
            numeric.append(True)
            if not m.all():  # a partition without values says nothing of the kind
                out.kinds.setdefault(name, set()).add("numeric")
            continue
        if req.has_level:
            check_categories(param, series)
        if req.categorical == "refuse":
            raise TypeError(
                f"{param} ({name!r}) must be numeric; it has dtype {series.dtype}. For the "
                "shares of its categories use design.proportion")
        codes, levels = _levels(series)
        if (codes >= 0).any():
            out.kinds.setdefault(name, set()).add(
                "categorical" + (" dtype" if isinstance(series.dtype, pd.CategoricalDtype)
                                 else ""))
        seen = out.levels.setdefault(name, [])
        seen.extend(v for v in levels if v not in seen)
        m = codes < 0
        _note(out, f"missing\0{name}", m.sum())
        miss |= m
        chosen = (range(len(levels)) if not req.has_level or req.only_level is None else
                  [i for i, v in enumerate(levels) if v == req.only_level])
        for i in chosen:
            cols.append((codes == i).astype(np.float64))
            labels.append((name, levels[i]))
            numeric.append(False)
    x = np.ones(n)
    if req.denominator is not None:
        series = part[req.denominator]
        if analysis_kind("denominator", series) != "numeric":
            raise TypeError(
                f"denominator ({req.denominator!r}) must be numeric; it has dtype "
                f"{series.dtype}. For the shares of its categories use design.proportion")
        x = real_column("denominator", series, allow_bool=True)
        check_finite("denominator", req.denominator, x, series.index)
        m = np.isnan(x)
        _note(out, f"missing\0{req.denominator}", m.sum())
        miss |= m
        x = np.where(m, 0.0, x)
    return cols, labels, numeric, ~miss, x


def _domain_keys(part: pd.DataFrame, req: _Request, out: Partial) -> tuple[np.ndarray,
                                                                            pd.DataFrame]:
    """Rows inside some domain (no missing ``by`` value) and their ``by`` values."""
    n = len(part)
    if not req.by:
        return np.ones(n, dtype=bool), pd.DataFrame({_ALL: np.zeros(n, dtype=np.int8)},
                                                     index=part.index)
    inside = np.ones(n, dtype=bool)
    for name in req.by:
        m = part[name].isna().to_numpy()
        _note(out, f"bymissing\0{name}", m.sum())
        inside &= ~m
    return inside, part[list(req.by)]


def _weights(part: pd.DataFrame, plan: Any) -> np.ndarray:
    """The declared weights of the rows (``plan``: a ``_Plan`` or any plan with its
    ``weights``, ``weight_keys``, ``weight_lookup`` and ``weight_const``)."""
    if plan.weights is not None:
        return real_column("weights", part[plan.weights])
    if plan.weight_lookup is None:
        return np.full(len(part), plan.weight_const)
    g = _Groups(part[list(plan.weight_keys)])
    found = _lookup(plan.weight_lookup.index, g.keys)
    return np.asarray(plan.weight_lookup.to_numpy()[found][g.ids], dtype=np.float64)


def _lookup(index: pd.Index, keys: pd.DataFrame, what: str = "strata or PSUs") -> np.ndarray:
    """Positions of the rows of ``keys`` in ``index`` (an error if one is missing: the data
    changed after the design was declared, or calibrated)."""
    found = _positions(index, keys)
    if np.any(found < 0):
        done = "calibrated" if what == "calibration cells" else "declared"
        again = "calibrate" if what == "calibration cells" else "declare the design"
        raise ValueError(
            f"the data have {what} that were not there when the design was {done} (did the "
            f"files change?); {again} again")
    return found


def _positions(index: pd.Index, keys: pd.DataFrame) -> np.ndarray:
    """Positions of the rows of ``keys`` in ``index``, -1 where absent."""
    if keys.shape[1] == 1:
        found = index.get_indexer(pd.Index(keys.iloc[:, 0]))
    else:
        found = index.get_indexer(pd.MultiIndex.from_frame(keys))
    return np.asarray(found, dtype=np.int64)


def _grouped_moments(g: _Groups, count_mask: np.ndarray, weight: np.ndarray,
                     a: np.ndarray, b: np.ndarray, full: bool) -> tuple[np.ndarray, ...]:
    """Per group: the weight (count) of the rows in ``count_mask``, the means of ``a``
    (n, p) and ``b`` (n,) over them and their centred sums of products (the full (p, p)
    matrix, or its diagonal)."""
    n = g.sum(weight * count_mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_a = np.where(n[:, None] > 0, g.sum(weight[:, None] * a) / n[:, None], 0.0)
        mean_b = np.where(n > 0, g.sum(weight * b) / n, 0.0)
    root = np.sqrt(weight * count_mask)
    da = (a - mean_a[g.ids]) * root[:, None]
    db = (b - mean_b[g.ids]) * root
    p = a.shape[1]
    if full:
        m2_aa = np.empty((g.size, p, p))
        for j in range(p):  # loop over pairs of estimate columns, not rows
            for k in range(j, p):
                m2_aa[:, j, k] = m2_aa[:, k, j] = g.sum(da[:, j] * da[:, k])
    else:
        m2_aa = g.sum(da * da)
    m2_ab = g.sum(da * db[:, None])
    m2_bb = g.sum(db * db)
    return n, mean_a, mean_b, m2_aa, m2_ab, m2_bb


def _cell_sums(g: _Groups, est: np.ndarray, d: np.ndarray, Z: np.ndarray, x: np.ndarray
               ) -> Table:
    """What a calibrated Taylor variance needs by (joint cell, domain), over the rows that
    count (``est``), with ``d`` the weights before calibration and ``Z = y - c x``: the sums
    of ``d Z`` and ``d x`` (``Σ z`` per cell is their linear map times the cell's factor),
    of ``Z`` and ``x`` over the rows with ``d > 0`` (``Σ z / d``), their count, and the
    ``d²``-weighted moments of ``Z`` and ``x`` (the size of the residuals, for the test
    that sets exactly explained ones to 0)."""
    de = np.where(est, d, 0.0)
    e = est & (d > 0)
    ef = e.astype(np.float64)
    values: dict[str, np.ndarray] = {
        "dA_a": g.sum(de[:, None] * Z), "dB": g.sum(de * x),
        "uA_a": g.sum(ef[:, None] * Z), "uB": g.sum(ef * x), "cpos": g.sum(ef),
    }
    (values["cn"], values["cmean_a"], values["cmean_b"], values["cm2_a"], values["cm2_ab"],
     values["cm2_bb"]) = _grouped_moments(g, ef, de * de, Z, x, full=False)
    return Table(g.keys, values)


def _estimate_partition(part: pd.DataFrame, number: int, plan: _Plan) -> Partial:
    """One partition of an estimate: its sums by (PSU or stratum, domain) and by domain."""
    req = plan.request
    out = Partial(rows=len(part))
    n = len(part)
    d = _weights(part, plan)  # the declared weights; calibrated: times their cell's factor
    joint: np.ndarray | None = None
    w = d
    if plan.factors is not None:
        joint = plan.factors.codes(part)
        w = d * plan.factors.factors[joint, 0]
    cols, labels, numeric, valid, x = _read_partition(part, req, out)
    inside, by_keys = _domain_keys(part, req, out)
    everywhere = bool(inside.all())  # no row outside every domain: no subsetting

    def within(values: np.ndarray) -> np.ndarray:
        return values if everywhere else values[inside]

    est = valid & inside  # rows that count: R's subset minus missing values
    w_est = np.where(est, w, 0.0)
    pos = w > 0
    used = est & pos
    p = len(cols)
    Y = np.empty((n, p), order="F")  # column-major: each column's sums read it in order
    for j, col in enumerate(cols):  # loop over estimate columns, not rows
        Y[:, j] = col
    has_x = req.denominator is not None
    wx = w_est * x if has_x else w_est
    # the shift of each numeric column: this partition's Σ w y / Σ w x
    shift, mass = np.zeros(p), np.zeros(p)
    if req.centred and p:
        num = np.array(numeric)
        total_x = float(wx.sum())
        if total_x != 0.0 and num.any():
            shift = np.where(num, (Y.T @ w_est) / total_x, 0.0)
            mass[num] = abs(total_x)
    Z = Y - (shift * x[:, None] if has_x else shift)  # y - c x
    A = w_est[:, None] * Z
    out.labels, out.shift, out.mass = labels, shift, mass

    # by domain: sums for the estimate, counts, extremes for constant variables, deff
    dg = _Groups(by_keys if everywhere else by_keys[inside])
    dom: dict[str, np.ndarray] = {
        "A_a": dg.sum(within(A)), "B": dg.sum(within(wx)), "W": dg.sum(within(w_est)),
        "npos": dg.sum(within(used).astype(np.float64)),
        "nposin": dg.sum(within(pos).astype(np.float64)),
    }
    if req.centred:
        ok = within(used & (x != 0))[:, None]
        r = within(Y)
        if has_x:
            with np.errstate(divide="ignore", invalid="ignore"):
                r = r / np.where(x != 0, x, 1.0)[inside if not everywhere else slice(None),
                                                 None]
        dom["min_r_a"] = dg.reduce(np.minimum, np.where(ok, r, np.inf))
        dom["max_r_a"] = dg.reduce(np.maximum, np.where(ok, r, -np.inf))
        if has_x:
            zden = (used & (x == 0))[:, None] & (Y != 0)
            dom["zden_a"] = dg.sum(within(zden).astype(np.float64))
        else:  # no denominator: no zero one
            dom["zden_a"] = np.zeros((dg.size, p))
    if req.deff is not None:
        wu = np.where(used, w, 0.0)
        (dom["dw"], dom["dmean_a"], dom["dmean_b"], dom["dm2_a"], dom["dm2_ab"],
         dom["dm2_bb"]) = _grouped_moments(dg, within(used).astype(np.float64), within(wu),
                                           within(Z), within(x), full=False)
    if plan.replicates:
        rows_in = np.arange(n) if everywhere else np.flatnonzero(inside)
        dom.update(_replicate_sums(part, plan, dg, rows_in, Y, x, est, joint))
        out.tables["domains"] = Table(dg.keys, dom)
        return out
    out.tables["domains"] = Table(dg.keys, dom)
    if plan.cells:
        assert joint is not None
        keys = pd.concat([pd.DataFrame({"J": joint}, index=part.index), by_keys], axis=1)
        keys = (keys if everywhere else keys[inside]).set_axis(
            [f"k{j}" for j in range(keys.shape[1])], axis=1)
        out.tables["cells"] = _cell_sums(_Groups(keys), within(est), within(d),
                                         within(Z), within(x))

    # by (PSU or stratum, domain)
    keys = part[list(plan.design_keys)]
    if req.by:
        keys = pd.concat([keys, by_keys], axis=1)
    keys = (keys if everywhere else keys[inside])
    keys = keys.set_axis([f"k{j}" for j in range(keys.shape[1])], axis=1)
    ug = _Groups(keys)
    units: dict[str, np.ndarray] = {"nposin": ug.sum(within(pos).astype(np.float64))}
    if plan.element:
        (units["n"], units["mean_a"], units["mean_b"], units["m2_aa"], units["m2_ab"],
         units["m2_bb"]) = _grouped_moments(ug, within(est).astype(np.float64),
                                            np.ones(keys.shape[0]), within(A), within(wx),
                                            full=True)
    else:
        units["A_a"] = ug.sum(within(A))
        units["B"] = ug.sum(within(wx))
        units["npres"] = ug.sum(within(est).astype(np.float64))
    out.tables["units"] = Table(ug.keys, units)
    return out


def _replicate_blocks(part: pd.DataFrame, names: Sequence[str],
                      calibrated: tuple[np.ndarray, np.ndarray] | None = None
                      ) -> Iterator[tuple[int, np.ndarray]]:
    """The replicate weights of a partition as float64, ``ROW_BLOCK`` rows at a time (float32
    columns of a large partition are never all converted at once); ``calibrated``: the joint
    cell of each row and the factors by joint cell (n_joint, replicates) they are scaled by."""
    names = list(names)
    plain = all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
                and not pd.api.types.is_complex_dtype(t) for t in part.dtypes[names])
    for start in range(0, len(part), ROW_BLOCK):  # loop over blocks of rows
        block = part.iloc[start:start + ROW_BLOCK]
        if plain:
            Wb = np.asarray(block[names].to_numpy(dtype=np.float64, na_value=np.nan))
        else:  # the one reader of numbers, for its messages
            Wb = np.column_stack([real_column("replicate_weights", block[name])
                                  for name in names])
        if calibrated is not None:
            joint, factors = calibrated
            Wb = Wb * factors[joint[start:start + Wb.shape[0]]]
        yield start, Wb


def _replicate_factors(part: pd.DataFrame, factors: CellFactors | None,
                       joint: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray] | None:
    """What :func:`_replicate_blocks` scales the replicate weights of ``part`` by."""
    if factors is None:
        return None
    return (factors.codes(part) if joint is None else joint), factors.factors[:, 1:]


def _by_group(d: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Each group code ``k >= 0`` of ``d`` with the positions of its rows."""
    order = np.argsort(d, kind="stable")
    ds = d[order]
    bounds = np.flatnonzero(np.r_[True, ds[1:] != ds[:-1], True]) if d.size else np.zeros(
        1, dtype=np.int64)
    for a, b in itertools.pairwise(bounds):  # loop over groups, not rows
        if ds[a] >= 0:
            yield int(ds[a]), order[a:b]


def _replicate_sums(part: pd.DataFrame, plan: _Plan, dg: _Groups, rows_in: np.ndarray,
                    Y: np.ndarray, x: np.ndarray, est: np.ndarray,
                    joint: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """``Σ w_r y`` and ``Σ w_r x`` of every replicate r by domain (matrix products, a block
    of rows and a domain at a time), and for ``by=`` what each domain's rank needs: the
    squared column norms of its replicate weights and their Gram matrix on every
    ``CERTIFICATE_STRIDE``-th row of the domain (for the full-rank certificate)."""
    R = len(plan.replicates)
    p = Y.shape[1]
    dcode = np.full(len(part), -1, dtype=np.int64)
    dcode[rows_in] = dg.ids
    n_dom = dg.size
    V = np.where(est[:, None], np.concatenate([Y, x[:, None]], axis=1), 0.0)  # 0 outside
    sums = np.zeros((R, n_dom, p + 1))
    norm = np.zeros((n_dom, R))
    gram = np.zeros((n_dom, R, R))
    sub = np.zeros(n_dom)
    nth = np.zeros(len(part), dtype=np.int64)  # each row's place among its domain's rows
    if plan.domain_rank:
        for _, rows in _by_group(dcode):  # loop over domains
            nth[rows] = np.arange(rows.size)
    calibrated = _replicate_factors(part, plan.factors, joint)
    if n_dom == 1 and not plan.domain_rank:  # one domain: rows outside it have values 0
        for start, Wb in _replicate_blocks(part, plan.replicates, calibrated):
            sums[:, 0, :] += (V[start:start + Wb.shape[0]].T @ Wb).T
    else:  # the partition's rows by domain (column by column: each column's gather stays
        # in cache), so that each block holds few domains, each a slice
        order = np.argsort(dcode, kind="stable")
        by_domain = part[list(plan.replicates)].take(order)
        d_all, v_all, nth_all = dcode[order], V[order], nth[order]
        if calibrated is not None:
            calibrated = (calibrated[0][order], calibrated[1])
        for start, Wb in _replicate_blocks(by_domain, plan.replicates, calibrated):
            stop = start + Wb.shape[0]
            ds = d_all[start:stop]
            bounds = np.flatnonzero(np.r_[True, ds[1:] != ds[:-1], True])
            for a, b in itertools.pairwise(bounds):  # loop over the block's domains
                k = int(ds[a])
                if k < 0:
                    continue
                seg = Wb[a:b]
                sums[:, k, :] += (v_all[start + a:start + b].T @ seg).T
                if plan.domain_rank:
                    norm[k] += np.einsum("ij,ij->j", seg, seg)
                    pick = nth_all[start + a:start + b] % CERTIFICATE_STRIDE == 0
                    if pick.any():
                        sub[k] += pick.sum()
                        gram[k] += block_gram(seg[pick], R)
    out = {"rsum_a": np.ascontiguousarray(np.moveaxis(sums[..., :p], 0, 1)),  # (D, R, p)
           "rsumx": np.ascontiguousarray(sums[..., p].T)}  # (D, R)
    if plan.domain_rank:
        out.update(norm=norm, gram=gram, sub=sub)
    return out


def _full_gram_partition(part: pd.DataFrame, number: int, plan: _Plan) -> Partial:
    """The Gram matrix of ``[u, D]`` of the replicate weights by domain (for a domain whose
    rank the certificate could not prove full), and their squared column norms."""
    req = plan.request
    out = Partial(rows=len(part))
    inside, by_keys = _domain_keys(part, req, out)
    rows_in = np.flatnonzero(inside)
    dg = _Groups(by_keys.iloc[rows_in])
    R = len(plan.replicates)
    dcode = np.full(len(part), -1, dtype=np.int64)
    dcode[rows_in] = dg.ids
    gram = np.zeros((dg.size, R + 1, R + 1))
    calibrated = _replicate_factors(part, plan.factors)
    for start, Wb in _replicate_blocks(part, plan.replicates, calibrated):
        for k, rows in _by_group(dcode[start:start + Wb.shape[0]]):  # loop over domains
            gram[k] += block_gram(Wb[rows], R + 1)
    out.tables["domains"] = Table(dg.keys, {"fullgram": gram})
    return out


# --- after the pass: domains, columns, estimates --------------------------------------------


@dataclass
class _Finished:
    """The per-domain quantities of an estimate, in the in-memory order."""

    domains: _Domains
    keep: np.ndarray  # rows of the domain table that are domains, in domain order
    order: np.ndarray  # the partial's estimate columns in the in-memory order
    variable: list[str]
    level: list[Any]
    W: np.ndarray  # (D,)
    X: np.ndarray  # (D,)
    estimate: np.ndarray  # (D, p)
    shift: np.ndarray  # (p,)
    constant: np.ndarray  # (D, p) constant in the domain: influence values 0
    n: np.ndarray  # (D,) rows with a non-zero weight
    npos: np.ndarray  # (D,) those with every value
    dropped: bool  # rows left out for missing values


def _missing_errors(part: Partial, req: _Request) -> bool:
    """The in-memory messages for missing values, kinds that partitions disagree on and a
    level that no row has; returns whether rows were dropped for missing values."""
    for name, kinds in part.kinds.items():
        plain = {k.replace(" dtype", "") for k in kinds}
        if len(plain) > 1:
            raise TypeError(
                f"{req.param} ({name!r}) holds numbers in some partitions and text in others; "
                "convert it with pandas.to_numeric for a mean or total, or make it "
                "categorical for the shares of its values")
    names = [*req.names, *([req.denominator] if req.denominator else [])]
    counts = {name: part.counts[f"missing\0{name}"] for name in names
              if f"missing\0{name}" in part.counts}
    if counts and req.missing == "error":
        raise ValueError(_missing_message(counts))
    if req.has_level and req.only_level is not None:
        name = req.names[0]
        if not any(lab[0] == name for lab in part.labels):
            levels = _sorted_levels(part, name)
            raise ValueError(
                f"level ({req.only_level!r}) is not a value of {name!r}; its levels are "
                f"{', '.join(repr(v) for v in levels[:20])}")
    by_counts = {name: part.counts[f"bymissing\0{name}"] for name in req.by
                 if f"bymissing\0{name}" in part.counts}
    if by_counts and req.missing == "error":
        raise ValueError("by " + _missing_message(by_counts, "domains"))
    return bool(counts)


def _sorted_levels(part: Partial, name: str) -> list[Any]:
    """The levels of a categorical variable in the in-memory order: a categorical's in the
    order of its categories, others sorted."""
    seen = part.levels.get(name, [])
    if any("dtype" in k for k in part.kinds.get(name, ())):
        return list(seen)
    _, uniques = factorize_sorted(pd.Series(seen, dtype=object).infer_objects())
    return [_plain(v) for v in uniques]


def _finish_domains(part: Partial, req: _Request) -> _Finished:
    dropped = _missing_errors(part, req)
    table = part.tables["domains"]
    v = table.values
    # domains: by values with a row of non-zero weight, in sorted order
    used = v["nposin"] > 0
    rows = np.flatnonzero(used)
    if req.by:
        if rows.size == 0:
            raise ValueError(
                f"by ({list(req.by) if len(req.by) > 1 else req.by[0]!r}) has no rows with a "
                "value and a non-zero weight; no domain to estimate")
        keys = table.keys.iloc[rows]
        codes = [factorize_sorted(keys.iloc[:, j].reset_index(drop=True))
                 for j in range(keys.shape[1])]
        order = np.lexsort([c for c, _ in codes][::-1])
        rows = rows[order]
        labels = []
        for i in order:
            vals = tuple(_plain(u[c[i]]) for c, u in codes)
            labels.append(vals[0] if len(vals) == 1 else vals)
        domains = _Domains(None, rows.size, labels, req.by)
    else:
        domains = _Domains(None, 1, [None], None)
    # estimate columns in the in-memory order
    where = {lab: i for i, lab in enumerate(part.labels)}
    order_cols: list[int] = []
    variable: list[str] = []
    level: list[Any] = []
    for name in req.names:
        if (name, None) in where and not req.has_level:
            order_cols.append(where[(name, None)])
            variable.append(name)
            level.append(None)
            continue
        for lv in _sorted_levels(part, name):
            if (name, lv) in where:
                order_cols.append(where[(name, lv)])
                variable.append(name)
                level.append(lv)
    cols = np.array(order_cols, dtype=np.int64)
    W = v["W"][rows]
    X = v["B"][rows]
    _check_domains(W, domains, "value")
    if req.statistic == "ratio" and np.any(X == 0):
        raise ValueError(
            f"denominator ({req.denominator!r}) has a weighted total of 0"
            + (" in some domain" if req.by else "") + "; the ratio is undefined")
    A = v["A_a"][rows][:, cols]
    shift = part.shift[cols]
    if req.centred:
        estimate = shift + A / X[:, None]
        lo, hi = v["min_r_a"][rows][:, cols], v["max_r_a"][rows][:, cols]
        spread = np.where(np.isfinite(lo) & np.isfinite(hi), hi - lo, 0.0)
        size = np.maximum(np.where(np.isfinite(lo), np.abs(lo), 0.0),
                          np.where(np.isfinite(hi), np.abs(hi), 0.0))
        constant = ((v["zden_a"][rows][:, cols] == 0)
                    & (spread <= _CONSTANT_ULPS * np.finfo(np.float64).eps * size))
    else:
        estimate = A
        constant = np.zeros(A.shape, dtype=bool)
    return _Finished(domains, rows, cols, variable, level, W, X, estimate, shift, constant,
                     v["nposin"][rows], v["npos"][rows], dropped)


def _deff(part: Partial, req: _Request, f: _Finished, variances: np.ndarray
          ) -> np.ndarray | None:
    """R's design effect from the weighted moments of ``y - c x`` and ``x`` by domain."""
    if req.deff is None:
        return None
    v = part.tables["domains"].values
    rows, cols = f.keep, f.order
    zz, zx, xx = v["dm2_a"][rows][:, cols], v["dm2_ab"][rows][:, cols], v["dm2_bb"][rows]
    if req.centred:
        delta = f.estimate - f.shift  # R - c
        ss = (zz - 2.0 * delta * zx + delta * delta * xx[:, None]) / (f.X * f.X)[:, None]
    else:
        ss = zz
    ss = np.where(f.constant, 0.0, np.maximum(ss, 0.0))
    return deff_from_spread(req.deff, ss, f.W, f.npos, variances)  # type: ignore[arg-type]


def _result(req: _Request, f: _Finished, var: np.ndarray, full: bool, df: np.ndarray,
            d_eff: np.ndarray | None, n: np.ndarray | None = None) -> DesignEstimate:
    k = len(f.variable)
    variances = np.diag(var) if full else var
    return DesignEstimate(
        statistic=req.statistic,
        estimate=f.estimate.ravel(),
        var=var if full else None,
        variances=variances,
        df=np.repeat(df, k),
        n=np.repeat(f.n if n is None else n, k).astype(np.int64),
        variable=tuple(f"{name}/{req.denominator}" if req.statistic == "ratio" else name
                       for name in f.variable) * f.domains.n_domains,
        level=tuple(f.level) * f.domains.n_domains,
        domain=tuple(lab for lab in f.domains.labels for _ in range(k)),
        by=f.domains.by,
        deff=d_eff,
        deff_kind=req.deff,
        method=req.method,
    )


def _domain_codes(part: Partial, f: _Finished, name: str, n_by: int
                  ) -> tuple[np.ndarray, pd.DataFrame]:
    """The domain code of every row of table ``name`` (-1: no domain) and its design keys."""
    table = part.tables[name]
    keys = table.keys
    n_design = keys.shape[1] - n_by
    by_keys = keys.iloc[:, n_design:]
    dom_table = part.tables["domains"].keys
    if n_by == 0 or len(keys) == 0:
        code = np.zeros(len(keys), dtype=np.int64)
    else:
        both = pd.concat([dom_table.set_axis(list(by_keys.columns), axis=1), by_keys],
                         ignore_index=True)
        ids, _ = _key_codes(both)
        first = np.full(ids.max() + 1, -1, dtype=np.int64)
        first[ids[: len(dom_table)][::-1]] = np.arange(len(dom_table))[::-1]
        row = first[ids[len(dom_table):]]
        to_dom = np.full(len(dom_table), -1, dtype=np.int64)
        to_dom[f.keep] = np.arange(f.keep.size)
        code = np.where(row >= 0, to_dom[np.maximum(row, 0)], -1)
    return code, keys.iloc[:, :n_design]


# --- the Taylor design ---------------------------------------------------------------------


class TaylorFrame(_Lazy):
    """The distributed side of a :class:`~surveystats.design.SurveyDesign` over a Dask
    DataFrame: the frame, the design's key columns and what the declaration pass found."""

    def __init__(self, ddf: Any, strata: list[str], clusters: list[str], fpc: list[str],
                 weights: str | None, nest: bool) -> None:
        n_stages = max(len(clusters), 1)
        self.ddf = ddf
        self.element = not clusters
        self.weights = weights
        # the columns that name a row's unit in an estimate's pass: the PSU id alone when
        # ids are unique across strata (one stage, nest=False), else strata and ids
        self.design_keys = tuple(strata if self.element else (
            clusters if len(clusters) == 1 and not nest else [*strata, *clusters]))
        keys = tuple(dict.fromkeys([*strata, *clusters, *fpc]))
        plan = _StructurePlan(tuple(strata), tuple(clusters), tuple(fpc), weights, keys)
        found = _one_pass(ddf, [*keys, *([weights] if weights else [])],
                          _structure_partition, plan)
        _raise_structure(found, plan)
        if found.rows == 0:
            raise ValueError("data has no rows; a design needs at least two sampled units")
        self.n = found.rows
        table = found.tables["keys"]
        frame = table.keys.copy()
        frame.columns = list(keys)
        frame.index = pd.Index(table.values["first_row"], dtype=object)
        self.keys = frame
        rows_per_key = table.values["rows"]
        pos_per_key = table.values["pos"]
        if self.element:
            codes, stages, n_var, w, source, kinds = self._element(
                frame, strata, fpc, weights, rows_per_key)
            n_pos = float(pos_per_key.sum()) if weights else float(self.n)
            h_pos = np.bincount(codes.row_strata[0], weights=pos_per_key if weights else
                                rows_per_key, minlength=codes.n_strata[0]) > 0
            self.degf = int(n_pos - h_pos.sum())
            self.unit_codes: list[np.ndarray | None] = [None]
            self.n_psu = self.n
            lookup_keys = list(strata)
        else:
            codes = encode_codes(frame, strata, clusters, nest, n_stages)
            structure = stage_structure(codes, n_stages)
            pop_sizes, kinds = population_sizes(frame, fpc, strata, clusters, codes,
                                                structure[1], n_stages)
            stages, n_var = make_stages(codes, structure, pop_sizes, n_stages)
            w, source = self._weights(frame, weights, fpc, stages, codes, n_stages, 5)
            mark = pos_per_key if weights else np.ones(len(frame))
            self.degf, self.unit_codes = finish_stages(mark, codes, stages, n_stages)
            self.n_psu = stages[0].n_units
            lookup_keys = list(self.design_keys)
        self.stages, self.n_var, self.source, self.kinds = stages, n_var, source, kinds
        self.stratum_codes = codes.row_strata
        self.lookup_keys = tuple(lookup_keys)
        self.lookup = (pd.Index(frame[lookup_keys[0]]) if len(lookup_keys) == 1 else
                       pd.MultiIndex.from_frame(frame[lookup_keys])) if lookup_keys else None
        self.weight_lookup: pd.Series | None = None  # implied weights by stratum or unit
        self.weight_const = 1.0  # or the one implied weight (an fpc without strata)
        if weights is None and w is not None and not np.all(w == 1.0):
            if self.lookup is None:
                self.weight_const = float(w[0])
            else:
                self.weight_lookup = pd.Series(w, index=self.lookup)

    def _element(self, frame: pd.DataFrame, strata: list[str], fpc: list[str],
                 weights: str | None, rows: np.ndarray
                 ) -> tuple[Codes, list[Stage], int, np.ndarray | None, str, list[str]]:
        """Strata of an element sample (every row its own PSU) from the table of distinct
        (stratum, fpc) values and their row counts."""
        m = len(frame)
        if strata:
            h, uniques = id_codes("strata", frame[strata[0]])
            n_h = len(uniques)
        else:
            h, n_h = np.zeros(m, dtype=np.int64), 1
        n_sampled = np.bincount(h, weights=rows, minlength=n_h)
        if self.n == 1:
            raise ValueError("data has a single row: a design-based variance needs at least "
                             "two sampled PSUs (or strata with nest=True)")
        codes = Codes([h], [np.arange(m, dtype=np.int64)], [n_h], [self.n])
        pop_sizes, kinds = population_sizes(frame, fpc, strata, [], codes, [n_sampled], 1)
        stage = Stage(unit_stratum=np.zeros(0, dtype=np.int64), n_sampled=n_sampled,
                      pop_size=pop_sizes[0], multiplier=np.ones(n_h),
                      stratum_group=np.zeros(n_h, dtype=np.int64), n_groups=1)
        w, source = self._weights(frame, weights, fpc, [stage], codes, 1, 6)
        return codes, [stage], 1, w, source, kinds

    @staticmethod
    def _weights(frame: pd.DataFrame, weights: str | None, fpc: list[str],
                 stages: list[Stage], codes: Codes, n_stages: int, stacklevel: int
                 ) -> tuple[np.ndarray | None, str]:
        if weights is not None:
            return None, f"weights from {weights!r}"
        w, source = design_weights(frame, None, fpc, stages, codes, n_stages,
                                   stacklevel=stacklevel)
        return np.asarray(w), source

    def _plan(self, req: _Request) -> _Plan:
        return _Plan(req, self.design_keys, self.element, self.weights, self.lookup_keys,
                     self.weight_lookup, self.weight_const)

    def _columns(self, req: _Request, plan: _Plan) -> list[str]:
        cols = [*plan.design_keys, *req.names, *req.by]
        if req.denominator:
            cols.append(req.denominator)
        if plan.weights:
            cols.append(plan.weights)
        if plan.weight_lookup is not None:
            cols.extend(plan.weight_keys)
        if plan.factors is not None:
            cols.extend(plan.factors.columns)
        return cols

    def _estimate(self, design: Any, req: _Request) -> DesignEstimate:
        plan = self._plan(req)
        part = _one_pass(self.ddf, self._columns(req, plan), _estimate_partition, plan)
        f = _finish_domains(part, req)
        D, k = f.domains.n_domains, len(f.variable)
        full = D * k <= MAX_COVARIANCE_ROWS
        presence = bool(req.by) or f.dropped
        var, df = self._variance(design, part, req, f, presence, full)
        return _result(req, f, var, full, df, _deff(part, req, f, var if not full else
                                                   np.diag(var)), self._domain_rows(req, f))

    def _variance(self, design: Any, part: Partial, req: _Request, f: _Finished,
                  presence: bool, full: bool) -> tuple[np.ndarray, np.ndarray]:
        """The covariance of the estimates and the df of each domain."""
        if self.element:
            return self._element_variance(design, part, req, f, presence, full)
        return self._unit_variance(design, part, req, f, presence, full)

    def _domain_rows(self, req: _Request, f: _Finished) -> np.ndarray:
        """The rows with a non-zero weight of each domain (the result's ``n``)."""
        return f.n

    def _linear_map(self, req: _Request, f: _Finished) -> tuple[np.ndarray, np.ndarray]:
        """Per domain, the influence totals as ``t = s_a a + s_b b`` of the sums ``a`` of
        ``w (y - c x)`` and ``b`` of ``w x``: (D, p) each."""
        if not req.centred:
            return np.where(f.constant, 0.0, 1.0), np.zeros(f.estimate.shape)
        s_a = np.where(f.constant, 0.0, 1.0 / f.X[:, None])
        s_b = np.where(f.constant, 0.0, (f.shift - f.estimate) / f.X[:, None])
        return s_a, s_b

    def _units(self, design: Any, part: Partial, req: _Request, f: _Finished) -> _Units:
        """The rows of the (unit, domain) table that belong to a domain, with their unit of
        the finest variance stage, their influence totals and what presence and df need."""
        u = part.tables["units"].values
        dom, design_keys = _domain_codes(part, f, "units", len(req.by))
        keep = np.flatnonzero(dom >= 0)
        dom = dom[keep]
        found = _lookup(self.lookup, design_keys.iloc[keep].set_axis(
            list(self.lookup_keys), axis=1)) if self.lookup is not None else np.zeros(
            keep.size, dtype=np.int64)
        s_fine = design._n_var_stages - 1
        codes = self.unit_codes[s_fine]
        fine_unit = found if codes is None else codes[found]
        s_a, s_b = self._linear_map(req, f)
        A = u["A_a"][keep][:, f.order]
        scores = A * s_a[dom] + u["B"][keep][:, None] * s_b[dom]
        return _Units(dom, fine_unit, scores, u["npres"][keep], u["nposin"][keep], s_fine)

    def _present(self, design: Any, units: _Units, D: int) -> Callable[[], list[np.ndarray]]:
        """Which units of each stage have rows of each domain (for the lonely-PSU rules)."""

        def present() -> list[np.ndarray]:
            out: list[np.ndarray] = []
            unit = units.fine_unit
            hit = units.npres > 0
            for s in range(units.s_fine, -1, -1):
                mask = np.zeros((design._stages[s].n_units, D), dtype=bool)
                mask[unit[hit], units.dom[hit]] = True
                out.insert(0, mask)
                if s:
                    st = design._stages[s]
                    unit = st.stratum_group[st.unit_stratum][unit]
            return out

        return present

    def _unit_df(self, design: Any, req: _Request, units: _Units, D: int) -> np.ndarray:
        """The design's df, or R's degf of each domain: PSUs with rows of non-zero weight
        in it, minus strata."""
        if not req.by:
            return np.array([float(design.degf)])
        psu = units.fine_unit
        for s in range(units.s_fine, 0, -1):
            st = design._stages[s]
            psu = st.stratum_group[st.unit_stratum][psu]
        hit = units.nposin > 0
        st0 = design._stages[0]
        pairs = np.unique(units.dom[hit] * st0.n_units + psu[hit])
        d_of, unit_of = np.divmod(pairs, st0.n_units)
        n_psu = np.bincount(d_of, minlength=D)
        cells = np.unique(st0.unit_stratum[unit_of] * D + d_of)
        n_str = np.bincount(cells % D, minlength=D)
        return (n_psu - n_str).astype(np.float64)

    def _unit_variance(self, design: Any, part: Partial, req: _Request, f: _Finished,
                       presence: bool, full: bool) -> tuple[np.ndarray, np.ndarray]:
        D, k = f.domains.n_domains, len(f.variable)
        units = self._units(design, part, req, f)
        n_fine = design._stages[units.s_fine].n_units
        fine = _reduce.unit_totals(np.ascontiguousarray(units.scores.T), units.fine_unit,
                                   n_fine, units.dom if D > 1 else None, D)
        var = design._covariance_of_totals(
            fine, k, n_domains=D, full=full,
            presence=self._present(design, units, D) if presence else None)
        return var, self._unit_df(design, req, units, D)

    def _strata(self, part: Partial, req: _Request, f: _Finished
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For an element sample: the rows of the (stratum, domain) table that belong to a
        domain, their domain and their stratum."""
        dom, design_keys = _domain_codes(part, f, "units", len(req.by))
        keep = np.flatnonzero(dom >= 0)
        if self.lookup is not None:
            row = _lookup(self.lookup, design_keys.iloc[keep].set_axis(
                list(self.lookup_keys), axis=1))
            stratum = self.stratum_codes[0][row]
        else:
            stratum = np.zeros(keep.size, dtype=np.int64)
        return keep, dom[keep], stratum

    @staticmethod
    def _element_df(design: Any, req: _Request, nposin: np.ndarray, dom: np.ndarray,
                    stratum: np.ndarray, D: int) -> np.ndarray:
        if not req.by:
            return np.array([float(design.degf)])
        n_psu = np.bincount(dom, weights=nposin, minlength=D)
        cells = np.unique(stratum[nposin > 0] * D + dom[nposin > 0])
        n_str = np.bincount(cells % D, minlength=D)
        return n_psu - n_str

    def _element_variance(self, design: Any, part: Partial, req: _Request, f: _Finished,
                          presence: bool, full: bool) -> tuple[np.ndarray, np.ndarray]:
        D = f.domains.n_domains
        u = part.tables["units"].values
        keep, dom, stratum = self._strata(part, req, f)
        s_a, s_b = self._linear_map(req, f)
        sa, sb = s_a[dom], s_b[dom]  # (c, p)
        mean_a = u["mean_a"][keep][:, f.order]
        mean_b = u["mean_b"][keep]
        m2_aa = u["m2_aa"][keep][:, f.order[:, None], f.order[None, :]]
        m2_ab = u["m2_ab"][keep][:, f.order]
        m2_bb = u["m2_bb"][keep]
        # t = s_a a + s_b b, column by column
        mean = sa * mean_a + sb * mean_b[:, None]
        m2 = (sa[:, :, None] * sa[:, None, :] * m2_aa
              + sa[:, :, None] * sb[:, None, :] * m2_ab[:, :, None]
              + sb[:, :, None] * sa[:, None, :] * m2_ab[:, None, :]
              + sb[:, :, None] * sb[:, None, :] * m2_bb[:, None, None])
        n = u["n"][keep]
        if presence:
            present_cells = n > 0
        else:
            present_cells = np.ones(n.size, dtype=bool)
        moments = StratumMoments(stratum[present_cells], dom[present_cells],
                                 n[present_cells], mean[present_cells], m2[present_cells], D)
        var = moments_covariance(moments, design._stages[0], design._lonely_psu,
                                 presence=presence, describe=design._describe, full=full,
                                 adjust_domain_lonely=design._adjust_domain_lonely)
        return var, self._element_df(design, req, u["nposin"][keep], dom, stratum, D)


@dataclass(frozen=True)
class _Units:
    """The (unit, domain) rows of an estimate's pass that belong to a domain."""

    dom: np.ndarray  # domain of each
    fine_unit: np.ndarray  # unit of the finest variance stage
    scores: np.ndarray  # (c, k) influence totals, in the result's column order
    npres: np.ndarray  # rows that count
    nposin: np.ndarray  # rows of non-zero weight
    s_fine: int  # the finest variance stage


# --- the replicate design ------------------------------------------------------------------


@dataclass(frozen=True)
class _ReplicatePlan:
    weights: str
    replicates: tuple[str, ...]
    rank: bool  # compute what the rank needs
    factors: CellFactors | None = None  # calibration factors by joint cell


def _replicate_structure_partition(part: pd.DataFrame, number: int, plan: _ReplicatePlan
                                   ) -> Partial:
    out = Partial(rows=len(part))
    index = part.index
    w = real_column("weights", part[plan.weights])
    bad = ~np.isfinite(w) | (w < 0)
    _note(out, "weights\0bad", bad.sum(), _row_labels(index, bad, number))
    R = len(plan.replicates)
    norm = np.zeros(R)
    gram = np.zeros((R, R))
    sub = 0
    calibrated = _replicate_factors(part, plan.factors)
    for start, Wb in _replicate_blocks(part, plan.replicates, calibrated):
        with np.errstate(over="ignore", invalid="ignore"):
            squares = np.einsum("ij,ij->j", Wb, Wb)
        if not np.isfinite(squares).all():  # a missing or infinite weight (or an overflow)
            bad_cells = ~np.isfinite(Wb)
            if bad_cells.any():
                r, c = np.argwhere(bad_cells)[0]
                _note(out, "replicates\0bad", bad_cells.sum(),
                      [f"{plan.replicates[c]!r}, row {index[start + r]!r} (partition "
                       f"{number})"])
                continue
        if plan.rank:
            norm += squares
            picked = Wb[(-start) % CERTIFICATE_STRIDE::CERTIFICATE_STRIDE]
            sub += picked.shape[0]
            gram += block_gram(picked, R)
    one = pd.DataFrame({_ALL: np.zeros(1, dtype=np.int8)})
    out.tables["all"] = Table(one, {"norm": norm[None], "gram": gram[None],
                                    "sub": np.array([float(sub)])})
    return out


def _full_gram_all(part: pd.DataFrame, number: int, plan: _ReplicatePlan) -> Partial:
    out = Partial(rows=len(part))
    R = len(plan.replicates)
    gram = np.zeros((R + 1, R + 1))
    for _, Wb in _replicate_blocks(part, plan.replicates,
                                   _replicate_factors(part, plan.factors)):
        gram += block_gram(Wb, R + 1)
    one = pd.DataFrame({_ALL: np.zeros(1, dtype=np.int8)})
    out.tables["all"] = Table(one, {"fullgram": gram[None]})
    return out


def _rank(norm: np.ndarray, gram: np.ndarray, sub: float, full_gram: Callable[[], np.ndarray]
          ) -> int:
    """Rank of replicate weights as :func:`~surveystats.design._repvar.weights_rank` decides
    it: full when the Gram matrix on a subset of rows certifies it, else from the Gram
    matrix of all rows (``full_gram()``, another pass)."""
    R = norm.size
    if not (norm > 0).any():
        return 0
    floor = RANK_TOLERANCE * RANK_TOLERANCE * float(norm[norm > 0].min())
    if sub >= 4 * R and certifies_full_rank(gram, floor):
        return R
    return gram_rank(full_gram(), floor)


class ReplicateFrame(_Lazy):
    """The distributed side of a :class:`~surveystats.design.ReplicateDesign` over a Dask
    DataFrame."""

    def __init__(self, ddf: Any, weights: str, replicates: list[str], need_rank: bool) -> None:
        self.ddf = ddf
        self.weights = weights
        self.replicates = tuple(replicates)
        self.keys = pd.DataFrame()
        plan = _ReplicatePlan(weights, self.replicates, need_rank)
        found = _one_pass(ddf, [weights, *replicates], _replicate_structure_partition, plan)
        if "weights\0bad" in found.counts:
            count = found.counts["weights\0bad"]
            rows = ", ".join(found.examples["weights\0bad"]) + (" and more" if count > 5
                                                               else "")
            raise ValueError(
                f"weights ({weights!r}) has {count} missing, negative or infinite value(s) "
                f"(rows {rows}); weights must be finite and >= 0")
        bad = "replicates\0bad"
        if bad in found.counts:
            raise ValueError(
                f"replicate_weights has {found.counts[bad]} missing or infinite value(s) "
                f"(e.g. {found.examples[bad][0]}); every replicate weight must be a finite "
                "number")
        if found.rows == 0:
            raise ValueError("data has no rows")
        self.n = found.rows
        self.n_psu = self.n
        self.factors: CellFactors | None = None
        self.rank: int | None = None
        if need_rank:
            self.rank = self._rank(found, plan)

    def _rank(self, found: Partial, plan: _ReplicatePlan) -> int:
        v = found.tables["all"].values

        def full() -> np.ndarray:
            again = _one_pass(self.ddf, [*plan.replicates, *self._factor_columns()],
                              _full_gram_all, plan)
            return again.tables["all"].values["fullgram"][0]  # type: ignore[no-any-return]

        return _rank(v["norm"][0], v["gram"][0], float(v["sub"][0]), full)

    def _factor_columns(self) -> list[str]:
        return [] if self.factors is None else list(self.factors.columns)

    def calibrated(self, factors: CellFactors, need_rank: bool) -> ReplicateFrame:
        """This frame with its weights scaled by calibration factors (and, unless a df was
        given, the rank of the calibrated replicate weights: another pass)."""
        new = object.__new__(ReplicateFrame)
        new.__dict__.update(self.__dict__)
        new.factors = factors
        new.rank = None
        if need_rank:
            plan = _ReplicatePlan(self.weights, self.replicates, True, factors)
            found = _one_pass(self.ddf, [self.weights, *self.replicates, *factors.columns],
                              _replicate_structure_partition, plan)
            new.rank = new._rank(found, plan)
        return new

    def _estimate(self, design: Any, req: _Request) -> DesignEstimate:
        plan = _Plan(req, (), False, self.weights, (), None, replicates=self.replicates,
                     domain_rank=bool(req.by), factors=self.factors)
        cols = [self.weights, *self.replicates, *req.names, *req.by, *self._factor_columns()]
        if req.denominator:
            cols.append(req.denominator)
        part = _one_pass(self.ddf, cols, _estimate_partition, plan)
        f = _finish_domains(part, req)
        D, k = f.domains.n_domains, len(f.variable)
        full = D * k <= MAX_COVARIANCE_ROWS
        v = part.tables["domains"].values
        rows = f.keep
        num = v["rsum_a"][rows][:, :, f.order]  # (D, R, p)
        den = v["rsumx"][rows]  # (D, R)
        with np.errstate(divide="ignore", invalid="ignore"):
            thetas = num / den[:, :, None] if req.centred else num
        thetas = np.moveaxis(thetas, 1, 0)  # (R, D, p)
        var = replicate_covariance(thetas.reshape(thetas.shape[0], -1), f.estimate.ravel(),
                                   design._scale, design._rscales, design._mse, full=full)
        if req.by:
            df = self._domain_df(part, req, f)
        else:
            df = np.array([float(design._degf)])
        return _result(req, f, var, full, df, _deff(part, req, f, var if not full else
                                                   np.diag(var)))

    def _domain_df(self, part: Partial, req: _Request, f: _Finished) -> np.ndarray:
        v = part.tables["domains"].values
        rows = f.keep
        ranks = np.zeros(rows.size)
        pending: list[int] = []
        R = len(self.replicates)
        for d, r in enumerate(rows):  # loop over domains
            norm = v["norm"][r]
            if not (norm > 0).any():
                continue
            floor = RANK_TOLERANCE * RANK_TOLERANCE * float(norm[norm > 0].min())
            if v["sub"][r] >= 4 * R and certifies_full_rank(v["gram"][r], floor):
                ranks[d] = R
            else:
                pending.append(d)
        if pending:  # another pass: the Gram matrix of all rows of those domains
            plan = _Plan(req, (), False, self.weights, (), None, replicates=self.replicates,
                         factors=self.factors)
            again = _one_pass(self.ddf, [*self.replicates, *req.by, *self._factor_columns()],
                              _full_gram_partition, plan)
            table = again.tables["domains"]
            both = pd.concat([part.tables["domains"].keys.iloc[rows].reset_index(drop=True),
                              table.keys.set_axis(list(part.tables["domains"].keys.columns),
                                                  axis=1)], ignore_index=True)
            ids, _ = _key_codes(both)
            at = {int(i): j for j, i in enumerate(ids[rows.size:])}
            for d in pending:
                norm = v["norm"][rows[d]]
                floor = RANK_TOLERANCE * RANK_TOLERANCE * float(norm[norm > 0].min())
                G = table.values["fullgram"][at[int(ids[d])]]
                ranks[d] = gram_rank(G, floor)
        return ranks - 1.0

