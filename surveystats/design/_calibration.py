"""Calibration of survey weights: post-stratification, raking, GREG calibration, trimming.

Two kinds of things live here, both free of any design structure:

* **weight functions**: pure functions from weights to new weights. They accept one column
  (the full-sample weights) or a matrix of columns (the full-sample weights and every column
  of replicate weights, calibrated in one pass), so :class:`SurveyDesign` and
  :class:`ReplicateDesign` share them;
* **variance steps** (:class:`PostStratumStep`, :class:`RakeStep`, :class:`GregStep`, and
  :class:`CellPostStratumStep`, :class:`CellRakeStep`, the first two on a table of joint
  cells instead of rows, for a design over a Dask DataFrame): what
  a calibration does to the influence values before the Taylor engine sees them. A
  calibrated estimator has the variance of the *residuals* of its influence values from
  the weighted regression on the calibration variables (Deville and Särndal 1992; R
  survey's ``svyrecvar`` with ``postStrata``), so a calibrated :class:`SurveyDesign` only
  replaces its scores by ``step.residuals(scores)`` and the Taylor engine is unchanged.

Each step reproduces R survey 4.1.1 exactly, including its choices: post-stratification
subtracts the post-stratum mean of ``z d / w`` weighted by ``d``; GREG (bounded or not,
linear or raking) takes the least-squares residual of ``z / (g sqrt(d))`` on
``sqrt(d) X`` times ``g sqrt(d)``; raking sweeps ten times over the margins with plain
category means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse

from surveystats._params import NON_NEGATIVE, REAL
from surveystats._validation import domain_error
from surveystats.design._columns import factorize_sorted
from surveystats.design._reduce import DENSE_CELLS

__all__ = [
    "CALFUNS", "ZERO_RESIDUAL", "CellPostStratumStep", "CellRakeStep", "CellSums", "Cells",
    "GregStep", "PostStratumStep", "RakeStep", "cell_counts", "cell_offsets", "cells_of",
    "greg_g", "model_matrix", "poststratify_weights", "rake_weights", "too_many_domains",
    "trim_weights",
]

Calfun = Literal["linear", "raking"]
CALFUNS: tuple[str, ...] = ("linear", "raking")

#: Sweeps over the margins in R's raking variance (``svyrecvar``: ``for (iterations in 1:10)``).
RAKING_VARIANCE_SWEEPS = 10

#: Calibration residuals below this fraction of the uncalibrated influence values are zero in
#: exact arithmetic: a calibration variable (or a combination of them) has residuals that
#: vanish, so the SE of its calibrated total is 0, while in floating point they are machine
#: precision times the influence values, noise whose size depends on the BLAS kernel. No real
#: variable is explained by a calibration to 8 digits without being in its span.
ZERO_RESIDUAL = 1e-8


# --- cells: the classes of one or more categorical columns -------------------------------


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _show(cell: tuple[Any, ...], names: Sequence[str]) -> str:
    return ", ".join(f"{n}={v!r}" for n, v in zip(names, cell, strict=True))


@dataclass(frozen=True)
class Cells:
    """The cell (class) of every row for a set of categorical columns."""

    names: tuple[str, ...]
    codes: np.ndarray  # (n,) int64 in 0 .. n_cells - 1
    labels: list[tuple[Any, ...]]  # one tuple of values per cell, sorted

    @property
    def n_cells(self) -> int:
        return len(self.labels)

    def describe(self, i: int) -> str:
        return _show(self.labels[i], self.names)


def cells_of(param: str, frame: pd.DataFrame, names: Sequence[str]) -> Cells:
    """Cells of the columns ``names`` (missing values are refused)."""
    n = len(frame)
    codes = np.zeros(n, dtype=np.int64)
    uniques: list[pd.Index] = []
    for name in names:
        c, u = factorize_sorted(frame[name])
        if c.size and c.min() < 0:
            bad = int((c < 0).sum())
            raise ValueError(
                f"{param} column {name!r} has {bad} missing value(s); every row needs a "
                "cell (fill them in, or make missing a category of its own)"
            )
        codes = codes * len(u) + c
        uniques.append(u)
    sizes = [len(u) for u in uniques]
    used, dense = np.unique(codes, return_inverse=True)
    labels: list[tuple[Any, ...]] = []
    for key in used:
        vals = []
        rest = int(key)
        for j in range(len(names) - 1, -1, -1):
            vals.append(_plain(uniques[j][rest % sizes[j]]))
            rest //= sizes[j]
        labels.append(tuple(reversed(vals)))
    return Cells(tuple(names), dense.astype(np.int64), labels)


def _population_table(param: str, population: Any, names: Sequence[str]
                      ) -> dict[tuple[Any, ...], float]:
    """Population counts as {cell tuple: count}, from a dict, Series or DataFrame."""
    k = len(names)
    if isinstance(population, pd.DataFrame):
        missing = [c for c in names if c not in population.columns]
        others = [c for c in population.columns if c not in names]
        if missing or len(others) != 1:
            raise ValueError(
                f"{param}: a DataFrame of population counts needs the column(s) "
                f"{list(names)!r} and exactly one column of counts; it has "
                f"{[str(c) for c in population.columns]!r}"
            )
        keys = list(zip(*(population[c] for c in names), strict=True))
        values = population[others[0]].tolist()
    elif isinstance(population, pd.Series):
        keys = [key if isinstance(key, tuple) else (key,) for key in population.index]
        values = population.tolist()
    elif isinstance(population, Mapping):
        keys = [key if isinstance(key, tuple) else (key,) for key in population]
        values = list(population.values())
    else:
        raise TypeError(
            f"{param} must be a dict, a pandas Series or a DataFrame of population counts, "
            f"not {type(population).__name__}"
        )
    table: dict[tuple[Any, ...], float] = {}
    for key, value in zip(keys, values, strict=True):
        key = tuple(_plain(v) for v in key)
        value = _plain(value)
        if len(key) != k:
            raise ValueError(
                f"{param} has the cell {key!r} but the cells are defined by {k} column(s) "
                f"{list(names)!r}; give one value per column (a tuple for several)"
            )
        try:
            count = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{param} count for {_show(key, names)} ({value!r}) must be a "
                             "number") from None
        if count not in NON_NEGATIVE:
            raise domain_error(f"{param} count for {_show(key, names)}", np.asarray(count),
                               np.asarray(True), NON_NEGATIVE)
        if key in table:
            raise ValueError(f"{param} gives the cell {_show(key, names)} twice")
        table[key] = count
    return table


def cell_counts(param: str, cells: Cells, population: Any, weight: np.ndarray) -> np.ndarray:
    """Population count of each sample cell; errors name the cells that do not match.

    ``weight`` (n,) is used to find the cells that have sample rows with a positive weight.
    """
    table = _population_table(param, population, cells.names)
    counts = np.full(cells.n_cells, np.nan)
    for i, label in enumerate(cells.labels):
        if label in table:
            counts[i] = table[label]
    has_weight = np.bincount(cells.codes, weights=(weight > 0).astype(np.float64),
                             minlength=cells.n_cells) > 0
    absent = [cells.describe(int(i)) for i in np.flatnonzero(np.isnan(counts) & has_weight)]
    zero = [cells.describe(int(i)) for i in np.flatnonzero((counts == 0) & has_weight)]
    if absent or zero:
        parts = []
        if absent:
            parts.append(f"no population count for sample cell(s) {'; '.join(absent[:10])}")
        if zero:
            parts.append(f"a population count of 0 for sample cell(s) {'; '.join(zero[:10])}")
        raise ValueError(
            f"{param} has {' and '.join(parts)}: every cell with sampled units needs a "
            "positive population count (check the labels: they must equal the values in "
            "the data, including their type)"
        )
    sample = set(cells.labels)
    empty = [_show(key, cells.names) for key, c in table.items()
             if c > 0 and (key not in sample or not has_weight[cells.labels.index(key)])]
    if empty:
        raise ValueError(
            f"{param} has population cell(s) with no sampled units of positive weight: "
            f"{'; '.join(empty[:10])}. Their weight cannot be carried by anyone; collapse "
            "each with a neighbouring cell (R's postStratify stops here too unless "
            "partial=TRUE, which drops them from the population)"
        )
    return np.nan_to_num(counts)


# --- weight functions ------------------------------------------------------------------


def _cell_sums(W: np.ndarray, codes: np.ndarray, n_cells: int) -> np.ndarray:
    """Column sums of W (n,) or (n, C) within cells: (n_cells,) or (n_cells, C)."""
    if W.ndim == 1:
        return np.bincount(codes, weights=W, minlength=n_cells)
    out = np.empty((n_cells, W.shape[1]))
    for c in range(W.shape[1]):  # loop over weight columns, not rows
        out[:, c] = np.bincount(codes, weights=W[:, c], minlength=n_cells)
    return out


def poststratify_weights(W: np.ndarray, cells: Cells, counts: np.ndarray,
                         what: str = "post-stratum") -> np.ndarray:
    """``w * N_c / Σ_c w`` in every cell, for each column of ``W``."""
    sums = _cell_sums(W, cells.codes, cells.n_cells)
    need = counts > 0 if sums.ndim == 1 else (counts > 0)[:, None]
    empty = need & ~(sums > 0)
    if np.any(empty):
        cell, col = (np.flatnonzero(empty)[0], None) if sums.ndim == 1 else tuple(
            int(v) for v in np.argwhere(empty)[0])
        where = "" if col is None or col == 0 else f" in replicate {col}"
        raise ValueError(
            f"{what} {cells.describe(int(cell))} has no weight{where}: all its sampled "
            "units are left out of that replicate, so it cannot be scaled to its population "
            "count; collapse it with a neighbouring cell"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(sums > 0, (counts if sums.ndim == 1 else counts[:, None]) / sums,
                         0.0)
    return W * ratio[cells.codes]


def rake_weights(
    W: np.ndarray, margins: Sequence[tuple[Cells, np.ndarray]], max_iter: int, tol: float,
    names: Sequence[str],
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Iterative proportional fitting of every column of ``W`` to the margins.

    Returns the raked weights and, for the first column, the weights right after each
    margin's step in the final pass (R's raking variance needs them). Converged when, after
    a full pass, every margin total is within ``tol`` (relative) of its population count;
    otherwise a ValueError names the margin with the largest remaining discrepancy.
    """
    sizes = [float(counts.sum()) for _, counts in margins]
    if max(sizes) - min(sizes) > tol * max(sizes):
        shown = ", ".join(f"{name!r} sums to {size:g}" for name, size in zip(names, sizes,
                                                                          strict=True))
        raise ValueError(
            f"the margins disagree on the population size ({shown}); raking cannot meet "
            "them all. Use counts from one population (or rescale them to one total)"
        )
    out = W.copy()
    after: list[np.ndarray] = []
    worst = (np.inf, 0)
    for _ in range(max_iter):
        after = []
        for cells, counts in margins:
            out = poststratify_weights(out, cells, counts, "raking cell")
            after.append(out if out.ndim == 1 else out[:, 0])
        worst = (0.0, 0)
        for m, (cells, counts) in enumerate(margins):
            sums = _cell_sums(out, cells.codes, cells.n_cells)
            ref = counts if sums.ndim == 1 else counts[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                gap = float(np.nanmax(np.abs(sums - ref) / np.where(ref > 0, ref, 1.0)))
            if gap > worst[0]:
                worst = (gap, m)
        if worst[0] < tol:
            return out, [a.copy() for a in after]
    gap, m = worst
    raise ValueError(
        f"rake did not converge in max_iter={max_iter} passes: margin {names[m]!r} is still "
        f"off its population counts by {gap:.3g} (relative; tol={tol:g}). Raise max_iter, "
        "or check for margins that cannot be met together (cells with very few units, "
        "or population counts that contradict each other)"
    )


def trim_weights(W: np.ndarray, lower: float, upper: float, strict: bool
                 ) -> np.ndarray:
    """R's ``trimWeights``: weights outside [lower, upper] are set to the bound and the
    amount trimmed is shared equally (added) among the other positive weights, so every
    column keeps its total. ``strict`` repeats until no weight is outside the bounds.
    Zero weights are left alone (R would raise them to ``lower``).
    """
    out = W.astype(np.float64, copy=True)
    for _ in range(1_000):
        pos = out > 0
        outside = pos & ((out < lower) | (out > upper))
        if not outside.any():
            return out
        clipped = np.where(outside, np.clip(out, lower, upper), out)
        trimmed = (out - clipped).sum(axis=0)
        takers = pos & ~outside
        n_takers = takers.sum(axis=0)
        share = np.where(n_takers > 0, trimmed / np.maximum(n_takers, 1), 0.0)
        out = clipped + takers * share
        if not strict:
            return out
    raise ValueError("trim_weights(strict=True) did not settle within 1000 rounds")


# --- GREG ---------------------------------------------------------------------------------


def _split_formula(formula: str) -> tuple[list[str], bool]:
    text = formula.strip()
    if text.startswith("~"):
        text = text[1:]
    intercept = True
    terms: list[str] = []
    for i, raw in enumerate(text.replace("-", "+-").split("+")):
        term = raw.strip()
        if not term:
            if i == 0:
                continue
            raise ValueError(f"formula ({formula!r}) has an empty term")
        if term in ("-1", "0", "-0"):
            intercept = False
            continue
        if term == "1":
            continue
        if term.startswith("-") or any(ch in term for ch in ":*()^|"):
            raise ValueError(
                f"formula ({formula!r}): the term {term!r} is not supported; terms are "
                "column names joined by '+' ('- 1' drops the intercept). For an "
                "interaction, add a column that crosses the variables"
            )
        terms.append(term)
    if not terms:
        raise ValueError(f"formula ({formula!r}) names no calibration variable")
    return terms, intercept


@dataclass(frozen=True)
class ModelMatrix:
    """The calibration model matrix, named as R's ``model.matrix`` names its columns."""

    X: np.ndarray  # (n, p)
    columns: list[str]
    terms: list[str]
    intercept: bool
    levels: dict[str, list[Any]]  # categorical term -> all its levels (sorted)
    coded: dict[str, list[Any]]  # categorical term -> the levels that have a dummy


def _level_name(term: str, level: Any) -> str:
    if isinstance(level, (bool, np.bool_)):
        return f"{term}{'TRUE' if level else 'FALSE'}"
    return f"{term}{level}"


def model_matrix(frame: pd.DataFrame, formula_or_columns: str | Sequence[str]
                 ) -> ModelMatrix:
    """Intercept, treatment dummies of categorical terms and numeric terms."""
    if isinstance(formula_or_columns, str):
        terms, intercept = _split_formula(formula_or_columns)
    elif (isinstance(formula_or_columns, Sequence) and formula_or_columns
          and all(isinstance(t, str) for t in formula_or_columns)):
        terms, intercept = list(formula_or_columns), True
    else:
        raise ValueError(
            f"formula_or_columns ({formula_or_columns!r}) must be a formula such as "
            "'~stype + api99' or a non-empty list of column names"
        )
    n = len(frame)
    cols: list[np.ndarray] = []
    names: list[str] = []
    levels: dict[str, list[Any]] = {}
    coded: dict[str, list[Any]] = {}
    if intercept:
        cols.append(np.ones(n))
        names.append("(Intercept)")
    full_dummies = not intercept
    for term in terms:
        if term not in frame.columns:
            raise ValueError(f"calibration variable {term!r} is not a column of data")
        series = frame[term]
        numeric = (pd.api.types.is_numeric_dtype(series.dtype)
                   and not pd.api.types.is_bool_dtype(series.dtype)
                   and not isinstance(series.dtype, pd.CategoricalDtype))
        if numeric:
            x = series.to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isnan(x).any():
                raise ValueError(
                    f"calibration variable {term!r} has {int(np.isnan(x).sum())} missing "
                    "value(s); every row needs a value to be calibrated"
                )
            cols.append(x)
            names.append(term)
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = np.asarray(series.cat.codes, dtype=np.int64)
            lv = [_plain(v) for v in series.cat.categories]
        else:
            codes, uniques = factorize_sorted(series)
            lv = [_plain(v) for v in uniques]
        if codes.size and codes.min() < 0:
            raise ValueError(
                f"calibration variable {term!r} has {int((codes < 0).sum())} missing "
                "value(s); every row needs a value to be calibrated"
            )
        levels[term] = lv
        use = list(range(len(lv))) if full_dummies else list(range(1, len(lv)))
        full_dummies = False
        coded[term] = [lv[i] for i in use]
        for i in use:
            cols.append((codes == i).astype(np.float64))
            names.append(_level_name(term, lv[i]))
    X = np.column_stack(cols) if cols else np.empty((n, 0))
    return ModelMatrix(X, names, terms, intercept, levels, coded)


def population_totals(mm: ModelMatrix, population: Any) -> np.ndarray:
    """Totals for the model matrix's columns from a flexible population description.

    Accepted keys: R's model-matrix names (``"(Intercept)"``, ``"stypeH"``, ``"api99"``),
    and for a categorical term its name mapped to the counts of *all* its levels (which
    also give the population size).
    """
    if isinstance(population, pd.Series):
        population = population.to_dict()
    if not isinstance(population, Mapping):
        raise TypeError(
            "population must be a dict or a pandas Series of population totals, not "
            f"{type(population).__name__}"
        )
    totals: dict[str, float] = {}
    sizes: dict[str, float] = {}

    def number(key: str, value: Any) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"population[{key!r}] ({value!r}) must be a number") from None
        if v not in REAL:
            raise domain_error(f"population[{key!r}]", np.asarray(v), np.asarray(True), REAL)
        return v

    for key, value in population.items():
        if key in mm.levels and isinstance(value, (Mapping, pd.Series)):
            counts = {_plain(k): number(f"{key}][{k!r}", v) for k, v in dict(value).items()}
            missing = [lv for lv in mm.levels[key] if lv not in counts]
            extra = [lv for lv, c in counts.items() if lv not in mm.levels[key] and c > 0]
            if missing or extra:
                parts = []
                if missing:
                    parts.append(f"no count for sampled level(s) {missing!r}")
                if extra:
                    parts.append(f"counts for level(s) {extra!r} that have no sampled units "
                                 "(collapse them with a neighbouring level)")
                raise ValueError(f"population[{key!r}] has {' and '.join(parts)}")
            sizes[key] = sum(counts.values())
            for lv in mm.coded[key]:
                totals[_level_name(key, lv)] = counts[lv]
        elif key in mm.columns:
            totals[key] = number(key, value)
        else:
            hint = (f"; give {key!r} as a dict of counts of all its levels"
                    if key in mm.levels else "")
            raise ValueError(
                f"population has the key {key!r}, which is not a calibration variable; the "
                f"model columns are {mm.columns!r} (a categorical variable may also be given "
                f"by name as a dict of level counts){hint}"
            )
    if mm.intercept and "(Intercept)" not in totals:
        if sizes:
            values = list(sizes.values())
            if max(values) - min(values) > 1e-9 * max(abs(v) for v in values):
                shown = ", ".join(f"{k} sums to {v:g}" for k, v in sizes.items())
                raise ValueError(f"population counts disagree on the population size: "
                                 f"{shown}")
            totals["(Intercept)"] = values[0]
    missing = [c for c in mm.columns if c not in totals]
    if missing:
        hint = ("; the population size goes in '(Intercept)' (or give a categorical "
                "variable's counts of all levels)" if "(Intercept)" in missing else "")
        raise ValueError(f"population has no total for {missing!r}{hint}")
    return np.array([totals[c] for c in mm.columns])


def _linear_fm1(u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.minimum(np.maximum(u + 1.0, lo), hi) - 1.0


def _linear_df(u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return ((u < hi - 1.0) & (u > lo - 1.0)).astype(np.float64)


def _raking_fm1(u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.minimum(np.maximum(np.exp(u), lo), hi) - 1.0


def _raking_df(u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.where((u < hi - 1.0) & (u > lo - 1.0), np.exp(u), 0.0)


_CALFUN_IMPL = {"linear": (_linear_fm1, _linear_df), "raking": (_raking_fm1, _raking_df)}


def greg_g(X: np.ndarray, d: np.ndarray, totals: np.ndarray, columns: Sequence[str], *,
           bounds: tuple[float, float], calfun: str, max_iter: int, tol: float) -> np.ndarray:
    """The calibration factors ``g`` (new weights ``d g``) meeting ``Σ d g x = totals``.

    Linear without bounds: the closed form ``g = 1 + X (X'DX)⁻¹ (T - X'd)`` (R's
    ``regcalibrate``). Otherwise R's ``grake``: Newton steps on the Lagrange multipliers
    with a generalised inverse and step halving, until every constraint is met to ``tol``
    relative to ``1 + |total|``; a ValueError names the worst constraint if it is not.
    """
    lo, hi = bounds
    sample = X.T @ d
    if calfun == "linear" and lo == -np.inf and hi == np.inf:
        qr = _QR(X, d)
        if qr.rank < X.shape[1]:
            raise ValueError(
                f"the calibration variables are collinear in the sample (model columns "
                f"{list(columns)!r}, rank {qr.rank}); drop or merge the redundant ones"
            )
        A = X * np.sqrt(np.maximum(d, 0.0))[:, None]
        t = np.linalg.solve(A.T @ A, totals - sample)  # as R: solve(crossprod(X sqrt(d)), .)
        return np.asarray(1.0 + X @ t)
    with np.errstate(over="ignore", invalid="ignore"):
        return _newton(X, d, totals, sample, columns, bounds, calfun, max_iter, tol)


def _newton(X: np.ndarray, d: np.ndarray, totals: np.ndarray, sample: np.ndarray,
            columns: Sequence[str], bounds: tuple[float, float], calfun: str, max_iter: int,
            tol: float) -> np.ndarray:
    """R's ``grake`` iteration (see :func:`greg_g`)."""
    lo, hi = bounds
    fm1, dfun = _CALFUN_IMPL[calfun]
    eta = np.zeros(X.shape[1])
    xeta = X @ eta
    it = 1
    while True:
        deriv = dfun(xeta, lo, hi)
        T = (X * (d * deriv)[:, None]).T @ X
        misfit = totals - sample - X.T @ (d * fm1(xeta, lo, hi))
        deta = np.linalg.pinv(T, rcond=256 * np.finfo(float).eps) @ misfit
        eta = eta + deta
        xeta = X @ eta
        g = 1.0 + fm1(xeta, lo, hi)
        deriv = dfun(xeta, lo, hi)
        while it < max_iter and not (np.all(np.isfinite(g)) and np.all(np.isfinite(deriv))):
            it += 1
            deta = deta / 2.0
            eta = eta - deta
            xeta = X @ eta
            g = 1.0 + fm1(xeta, lo, hi)
            deriv = dfun(xeta, lo, hi)
        misfit = totals - sample - X.T @ (d * fm1(xeta, lo, hi))
        rel = np.abs(misfit) / (1.0 + np.abs(totals))
        if np.all(rel < tol):
            return np.asarray(g)
        it += 1
        if it > max_iter:
            worst = int(np.argmax(np.nan_to_num(rel, nan=np.inf)))
            raise ValueError(
                f"calibrate did not converge in max_iter={max_iter} iterations: the total "
                f"of {columns[worst]!r} is still off by {rel[worst]:.3g} (relative to "
                f"1 + |total|; tol={tol:g}). With bounds={bounds!r} the totals may be "
                "unreachable: widen the bounds, or raise max_iter"
            )


class _QR:
    """Pivoted QR of ``sqrt(d) X`` with R's rank rule (``qr(tol = 1e-7)``)."""

    def __init__(self, X: np.ndarray, d: np.ndarray) -> None:
        A = X * np.sqrt(np.maximum(d, 0.0))[:, None]
        q, r, _ = scipy.linalg.qr(A, mode="economic", pivoting=True)
        diag = np.abs(np.diag(r))
        rank = int(np.sum(diag > 1e-7 * diag[0])) if diag.size and diag[0] > 0 else 0
        self.q = np.ascontiguousarray(q[:, :rank])
        self.rank = rank


# --- variance steps -----------------------------------------------------------------------


@dataclass(frozen=True)
class PostStratumStep:
    """R's post-stratification variance: ``z - w [Σ_g z d / w] / [Σ_g d]`` in cell g."""

    codes: np.ndarray
    n_cells: int
    before: np.ndarray
    after: np.ndarray

    def residuals(self, z: np.ndarray) -> np.ndarray:
        new = np.where((self.after == 0) & (self.before == 0), 1.0, self.after)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(new != 0, self.before / new, 0.0)
        den = np.bincount(self.codes, weights=self.before, minlength=self.n_cells)
        out = np.empty_like(z)
        for j in range(z.shape[0]):  # loop over estimates, not rows
            num = np.bincount(self.codes, weights=z[j] * ratio, minlength=self.n_cells)
            with np.errstate(divide="ignore", invalid="ignore"):
                means = np.where(den > 0, num / den, 0.0)
            out[j] = z[j] - means[self.codes] * new
        return out


@dataclass(frozen=True)
class RakeStep:
    """R's raking variance: ten sweeps of ``z - w_m · mean_category(z / w_m)`` per margin."""

    margins: tuple[tuple[np.ndarray, int, np.ndarray], ...]  # (codes, n_cells, weights)

    def residuals(self, z: np.ndarray) -> np.ndarray:
        out = z.copy()
        prepared = []
        for codes, n_cells, w in self.margins:
            pos = w != 0
            inv = np.where(pos, 1.0 / np.where(pos, w, 1.0), 0.0)
            count = np.bincount(codes, weights=pos.astype(np.float64), minlength=n_cells)
            prepared.append((codes, n_cells, w, inv, np.where(count > 0, count, 1.0)))
        for _ in range(RAKING_VARIANCE_SWEEPS):
            for codes, n_cells, w, inv, count in prepared:
                for j in range(out.shape[0]):  # loop over estimates, not rows
                    means = np.bincount(codes, weights=out[j] * inv, minlength=n_cells) / count
                    out[j] -= w * means[codes]
        return out


@dataclass(frozen=True)
class GregStep:
    """R's GREG variance: residual of ``z / (g sqrt(d))`` on ``sqrt(d) X``, times ``g sqrt(d)``."""

    q: np.ndarray  # (n, rank) orthonormal basis of sqrt(d) X
    scale: np.ndarray  # (n,) g sqrt(d)

    @classmethod
    def build(cls, X: np.ndarray, d: np.ndarray, g: np.ndarray) -> GregStep:
        return cls(_QR(X, d).q, g * np.sqrt(np.maximum(d, 0.0)))

    def residuals(self, z: np.ndarray) -> np.ndarray:
        s = self.scale
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(s != 0, z / np.where(s != 0, s, 1.0), 0.0)
        y -= (y @ self.q) @ self.q.T
        return np.asarray(y * s)


CalibrationStep = PostStratumStep | RakeStep | GregStep


# --- the variance steps on a table of joint cells -------------------------------------------
#
# Post-stratification and raking multiply the weight of every row by a factor that depends
# only on its joint cell J (the cross-classification of all the calibration columns): after
# steps 1..s the weights are ``d F_s(J)``, ``d`` those before the first step. Each step's
# residual subtracts from the influence values a weight times a constant of the step's cell,
# and the weights are ``d`` times a constant of J (1 for a row of weight 0 under
# post-stratification, R's ``new``), so after any chain of steps the residual of row i is
#
#     z_i - d_i H[J_i] - [d_i = 0] K[J_i]
#
# with H and K constants per (joint cell, estimate). The steps below update H and K from sums
# of the rows by joint cell, the same arithmetic as PostStratumStep and RakeStep on the rows;
# a design over a Dask DataFrame reduces its partitions to those sums.


@dataclass(frozen=True)
class CellSums:
    """Sums of the rows by joint cell for the variance steps: (n_joint, m) per estimate
    column ``z`` (Σ z) and ``z_by_d`` (Σ z / d over the rows with d > 0); (n_joint,)
    ``d`` (Σ d, the weights before the first step) and ``positive`` (rows with d > 0)."""

    z: np.ndarray
    z_by_d: np.ndarray
    d: np.ndarray
    positive: np.ndarray


@dataclass(frozen=True)
class CellPostStratumStep:
    """:class:`PostStratumStep` on joint cells: ``codes`` (n_joint,) the post-stratum of
    each joint cell, ``before`` and ``after`` (n_joint,) its weight factors around the step.

    With ``ρ = before / after``, the post-stratum mean ``Σ_c z d / w / Σ_c d`` of the rows
    is ``Σ_J∈c ρ_J (Σ_J z - H_J Σ_J d) / Σ_J∈c before_J Σ_J d`` (the rows of weight 0 have
    ``d / w = 0``), and each row loses it times its new weight: ``H += after · ȳ``, and
    ``K += ȳ`` for the rows of weight 0 (whose new weight R takes as 1)."""

    codes: np.ndarray
    n_cells: int
    before: np.ndarray
    after: np.ndarray

    def update(self, sums: CellSums, H: np.ndarray, K: np.ndarray) -> None:
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(self.after != 0, self.before / self.after, 0.0)
        den = np.bincount(self.codes, weights=self.before * sums.d, minlength=self.n_cells)
        resid = sums.z - H * sums.d[:, None]  # Σ of the residuals over the rows with d > 0
        num = _cell_totals(self.codes, self.n_cells, rho[:, None] * resid)
        with np.errstate(divide="ignore", invalid="ignore"):
            means = np.where(den[:, None] > 0, num / den[:, None], 0.0)[self.codes]
        H += self.after[:, None] * means
        K += means


@dataclass(frozen=True)
class CellRakeStep:
    """:class:`RakeStep` on joint cells: per margin, the margin cell of each joint cell and
    the weight factor after the margin's step in the final pass (``w_m = d F_m``).

    A sweep's plain category mean of ``z / w_m`` over the rows with ``w_m != 0`` is
    ``Σ_J∈c (Σ_J z / d - H_J n_J) / F_m(J)`` over the count of those rows (``n_J`` the rows
    of J with d > 0), and each row loses it times ``w_m``: ``H += F_m · mean``."""

    margins: tuple[tuple[np.ndarray, int, np.ndarray], ...]  # (codes, n_cells, F_m)

    def update(self, sums: CellSums, H: np.ndarray, K: np.ndarray) -> None:
        prepared = []
        for codes, n_cells, factor in self.margins:
            inv = np.where(factor != 0, 1.0 / np.where(factor != 0, factor, 1.0), 0.0)
            count = np.bincount(codes, weights=sums.positive, minlength=n_cells)
            prepared.append((codes, n_cells, factor, inv, np.where(count > 0, count, 1.0)))
        for _ in range(RAKING_VARIANCE_SWEEPS):
            for codes, n_cells, factor, inv, count in prepared:
                resid = (sums.z_by_d - H * sums.positive[:, None]) * inv[:, None]
                means = _cell_totals(codes, n_cells, resid) / count[:, None]
                H += factor[:, None] * means[codes]


CellStep = CellPostStratumStep | CellRakeStep


def _cell_totals(codes: np.ndarray, n_cells: int, values: np.ndarray) -> np.ndarray:
    """Column sums of ``values`` (n_joint, m) within the cells ``codes``: (n_cells, m), as
    one sparse product for all estimate columns."""
    onehot = scipy.sparse.csr_matrix((np.ones(codes.size), (codes, np.arange(codes.size))),
                                     shape=(n_cells, codes.size))
    return np.asarray(onehot @ values)

#: Above this many cells (domains x estimates x rows) the calibration residuals of every
#: domain of a Taylor design are refused (they are dense: a row outside a domain has one).
MAX_RESIDUAL_CELLS = 5 * DENSE_CELLS


def too_many_domains(n_domains: int, k: int, n: int) -> None:
    """Refuse domains whose calibration residuals would not fit (``n`` rows)."""
    if n_domains * k * n > MAX_RESIDUAL_CELLS:
        raise ValueError(
            f"by: {n_domains:,} domains of a calibrated design with {n:,} rows: the "
            f"calibration residuals of every domain would need "
            f"{n_domains * k * n * 8 / 2**30:.1f} GiB. Estimate fewer domains at a time "
            "(filter the by column), or use a replicate design (to_replicate, then "
            "calibrate)")


def cell_offsets(steps: Sequence[CellStep], sums: CellSums) -> tuple[np.ndarray, np.ndarray]:
    """``H`` and ``K`` (n_joint, m) of the residuals ``z - d H[J] - [d = 0] K[J]`` after
    the steps, in their order."""
    H = np.zeros(sums.z.shape)
    K = np.zeros(sums.z.shape)
    for step in steps:
        step.update(sums, H, K)
    return H, K
