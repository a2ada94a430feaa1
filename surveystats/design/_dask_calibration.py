"""Post-stratification and raking of a design over a Dask DataFrame.

Both multiply the weight of every row by a factor that depends only on the row's *joint
cell* ``J``, the cross-classification of all the calibration columns: post-stratification
scales each cell, and every pass of raking scales the cells of one margin, so rows of the
same joint cell always share their factor. So:

* **the weights**: one pass over the partitions gives the table of joint cells (per ``J``
  the sum of the weights, their count and, for replicate weights, the sum of every
  replicate; per (PSU, ``J``) the sum of the weights, for the Taylor variance), and the
  in-memory functions (:func:`~surveystats.design._calibration.poststratify_weights`,
  :func:`~surveystats.design._calibration.rake_weights`, with their checks and messages)
  run on that table, its joint cells standing for their rows. Raking iterates in memory on
  the table: one pass in all, whatever the number of raking iterations;
* **the calibrated design** is the same Dask DataFrame with the factors ``F[J]`` (per
  replicate too), which each partition applies to its weights before the estimators'
  sums (:class:`~surveystats.design._dask.CellFactors`); a replicate design needs
  nothing else (its replicates were calibrated; its df is the rank of the calibrated
  replicate weights: one more pass, unless a df was given);
* **the Taylor variance**: R's steps replace the influence values ``z`` by residuals of the
  form ``z - d H[J] - [d = 0] K[J]`` (:func:`~surveystats.design._calibration.cell_offsets`),
  with ``H`` and ``K`` found from sums by (joint cell, domain) that the estimate's own pass
  adds to its tables. The residual totals of a PSU are then its totals of ``z`` minus
  ``Σ_J H[J] D(PSU, J)`` (and the same for ``K``), ``D`` the table kept from the
  calibration's pass. Without clusters (every row its own PSU) the variance needs the
  residuals' spread within each stratum, row by row: a second pass over the partitions
  computes it with ``H``, ``K`` and the stratum means known.

A second calibration composes: the joint cell becomes the cross of all the columns so far
(another pass, when a column is new), and the steps apply in order, as in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse

from surveystats.design import _reduce
from surveystats.design._args import rake_args
from surveystats.design._calibration import (
    ZERO_RESIDUAL,
    CellPostStratumStep,
    CellRakeStep,
    CellStep,
    CellSums,
    cell_counts,
    cell_offsets,
    cells_of,
    poststratify_weights,
    rake_weights,
    too_many_domains,
)
from surveystats.design._columns import ColumnCheck, as_names
from surveystats.design._dask import (
    _ALL,
    CellFactors,
    Partial,
    Table,
    TaylorFrame,
    _domain_codes,
    _domain_keys,
    _Finished,
    _Groups,
    _key_codes,
    _lookup,
    _note,
    _one_pass,
    _Plan,
    _positions,
    _read_partition,
    _replicate_blocks,
    _Request,
    _weights,
)
from surveystats.design._linearization import NOISE_ULPS, stage_terms

__all__ = ["poststratify", "rake"]

#: Rows of a partition whose residuals (one per estimate column) are formed at a time, as a
#: number of values: a block holds at most this many.
BLOCK_VALUES = 1 << 21


# --- the table of joint cells ---------------------------------------------------------------


@dataclass(frozen=True)
class _TablePlan:
    """What a partition needs to reduce itself to its table of joint cells."""

    design_keys: tuple[str, ...]  # the unit (element sample: stratum) key columns
    columns: tuple[str, ...]  # the calibration columns
    weights: str | None
    weight_keys: tuple[str, ...]
    weight_lookup: pd.Series | None
    weight_const: float
    replicates: tuple[str, ...]


def _table_partition(part: pd.DataFrame, number: int, plan: _TablePlan) -> Partial:
    """Per (design key, joint cell): the sum of the weights before calibration ``d``, of
    ``d²``, the rows with ``d > 0`` and with ``d = 0``, and the sum of every replicate."""
    out = Partial(rows=len(part))
    for name in plan.columns:
        _note(out, f"missing\0{name}", int(part[name].isna().sum()))
    d = _weights(part, plan)
    keys = part[[*plan.design_keys, *plan.columns]]
    g = _Groups(keys.set_axis([f"k{j}" for j in range(keys.shape[1])], axis=1))
    positive = d > 0
    values = {"d": g.sum(d), "d2": g.sum(d * d), "pos": g.sum(positive.astype(np.float64)),
              "zero": g.sum((~positive).astype(np.float64))}
    if plan.replicates:
        sums = np.zeros((g.size, len(plan.replicates)))
        for start, Wb in _replicate_blocks(part, plan.replicates):
            rows = Wb.shape[0]
            onehot = scipy.sparse.csr_matrix(
                (np.ones(rows), (g.ids[start:start + rows], np.arange(rows))),
                shape=(g.size, rows))
            sums += onehot @ Wb
        values["reps"] = sums
    out.tables["cells"] = Table(g.keys, values)
    return out


@dataclass(frozen=True)
class JointCells:
    """The calibrations of a design over a Dask DataFrame, on its table of joint cells.

    ``labels`` holds one row per joint cell (its values of ``columns``); per joint cell,
    the sums of the declared weights ``d`` (and ``d²``), the rows with ``d > 0`` and with
    ``d = 0``, ``base`` (the sums of the declared weights and of every declared replicate,
    (n_joint, 1 + R)), and ``factors``, the calibration factors of each of those columns
    after the steps so far. ``units`` and ``units_zero`` (Taylor designs) are the sums of
    ``d`` and the rows with ``d = 0`` by (unit, joint cell), sparse: by PSU of the finest
    variance stage, or by stratum without clusters. ``steps`` are the Taylor variance
    steps in joint-cell terms."""

    columns: tuple[str, ...]
    labels: pd.DataFrame
    d: np.ndarray
    d2: np.ndarray
    positive: np.ndarray
    zero: np.ndarray
    base: np.ndarray
    factors: np.ndarray
    units: scipy.sparse.csr_matrix | None
    units_zero: scipy.sparse.csr_matrix | None
    steps: tuple[CellStep, ...] = ()

    @property
    def n_joint(self) -> int:
        return len(self.labels)

    @property
    def index(self) -> pd.Index:
        if len(self.columns) == 1:
            return pd.Index(self.labels.iloc[:, 0])
        return pd.MultiIndex.from_frame(self.labels)

    def cell_factors(self) -> CellFactors:
        return CellFactors(self.columns, self.index, self.factors)

    def weights(self, replicate: bool) -> np.ndarray:
        """The calibration weights of the joint cells: the sums of the current weights, as
        ``_calibration_weights`` gives the rows' ((n_joint,), or (n_joint, 1 + R))."""
        W = self.base * self.factors
        return W if replicate else W[:, 0]

    def factors_of(self, W: np.ndarray) -> np.ndarray:
        """The factors (n_joint, 1 + R) that give the joint cells' weights ``W``."""
        W = W.reshape(self.n_joint, -1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.base > 0, W / np.where(self.base > 0, self.base, 1.0), 0.0)

    def refined(self, finer: JointCells) -> JointCells:
        """This table's factors and steps carried to ``finer``, a table of more columns
        (its joint cells lie within this one's)."""
        old = _positions(self.index, finer.labels[list(self.columns)])
        steps: list[CellStep] = []
        for step in self.steps:
            if isinstance(step, CellPostStratumStep):
                steps.append(CellPostStratumStep(step.codes[old], step.n_cells,
                                                 step.before[old], step.after[old]))
            else:
                steps.append(CellRakeStep(tuple((codes[old], n, factor[old])
                                                for codes, n, factor in step.margins)))
        return replace(finer, factors=self.factors[old], steps=tuple(steps))


def _joint_table(design: Any, columns: list[str]) -> tuple[JointCells, dict[str, int]]:
    """The table of joint cells of ``columns`` (with those of earlier calibrations), from
    the design's calibrations so far or from a pass over the partitions; and the missing
    values of each column (counted by the pass; none when no pass was needed)."""
    frame = design._lazy
    earlier: JointCells | None = frame.joint
    if earlier is not None and set(columns) <= set(earlier.columns):
        return earlier, {}
    names = list(dict.fromkeys([*(earlier.columns if earlier is not None else ()), *columns]))
    taylor = isinstance(frame, TaylorFrame)
    if taylor:
        keys = frame.design_keys
        plan = _TablePlan(keys, tuple(names), frame.weights, frame.lookup_keys,
                          frame.weight_lookup, frame.weight_const, ())
        extra = list(frame.lookup_keys) if frame.weight_lookup is not None else []
        read = [*keys, *names, *([frame.weights] if frame.weights else []), *extra]
    else:
        keys = ()
        plan = _TablePlan((), tuple(names), frame.weights, (), None, 1.0, frame.replicates)
        read = [*names, frame.weights, *frame.replicates]
    found = _one_pass(frame.ddf, read, _table_partition, plan)
    missing = {name: found.counts.get(f"missing\0{name}", 0) for name in names}
    table = found.tables["cells"]
    v = table.values
    cell_keys = table.keys.iloc[:, len(keys):].set_axis(names, axis=1)
    joint, n_joint = _key_codes(cell_keys)
    first = np.empty(n_joint, dtype=np.int64)
    first[joint[::-1]] = np.arange(joint.size - 1, -1, -1)
    labels = cell_keys.iloc[first].reset_index(drop=True)

    def by_joint(values: np.ndarray) -> np.ndarray:
        out = np.zeros((n_joint, *values.shape[1:]))
        np.add.at(out, joint, values)
        return out

    base = by_joint(v["d"])[:, None]
    if "reps" in v:
        base = np.concatenate([base, by_joint(v["reps"])], axis=1)
    units = units_zero = None
    if taylor:
        unit, n_units = _units_of(design, table.keys.iloc[:, :len(keys)])
        units = scipy.sparse.csr_matrix((v["d"], (unit, joint)), shape=(n_units, n_joint))
        units_zero = scipy.sparse.csr_matrix((v["zero"], (unit, joint)),
                                             shape=(n_units, n_joint))
    cells = JointCells(tuple(names), labels, by_joint(v["d"]), by_joint(v["d2"]),
                       by_joint(v["pos"]), by_joint(v["zero"]), base, np.ones(base.shape),
                       units, units_zero)
    return (cells if earlier is None else earlier.refined(cells)), missing


def _check_missing(param: str, names: list[str], counts: dict[str, int]) -> None:
    """The in-memory message (``cells_of``'s) of a calibration column with missing values."""
    for name in names:
        if counts.get(name):
            raise ValueError(
                f"{param} column {name!r} has {counts[name]} missing value(s); every row "
                "needs a cell (fill them in, or make missing a category of its own)")


def _units_of(design: Any, keys: pd.DataFrame) -> tuple[np.ndarray, int]:
    """The unit of the finest variance stage (or, without clusters, the stratum) of each
    row of a table's design keys."""
    frame = design._lazy
    if frame.lookup is None:
        return np.zeros(len(keys), dtype=np.int64), 1
    found = _lookup(frame.lookup, keys.set_axis(list(frame.lookup_keys), axis=1))
    if frame.element:
        return frame.stratum_codes[0][found], design._stages[0].n_strata
    s_fine = design._n_var_stages - 1
    codes = frame.unit_codes[s_fine]
    return (found if codes is None else codes[found]), design._stages[s_fine].n_units


def _check_columns(design: Any, param: str, names: list[str]) -> None:
    check = ColumnCheck(design._lazy.ddf)
    for name in names:
        check.check(param, name)


# --- the two calibrations -------------------------------------------------------------------


def poststratify(design: Any, strata: Any, population: Any) -> Any:
    """``design.poststratify(strata, population)`` over a Dask DataFrame (one pass)."""
    names = as_names("strata", strata, required=True)
    _check_columns(design, "strata", names)
    joint, missing = _joint_table(design, names)
    _check_missing("strata", names, missing)
    replicate = not isinstance(design._lazy, TaylorFrame)
    cells = cells_of("strata", joint.labels, names)
    counts = cell_counts("population", cells, population, joint.positive)
    new = joint.factors_of(poststratify_weights(joint.weights(replicate), cells, counts))
    step = CellPostStratumStep(cells.codes, cells.n_cells, joint.factors[:, 0], new[:, 0])
    return _calibrated(design, joint, new, step, f"post-stratified on {list(cells.names)}")


def rake(design: Any, margins: Any, max_iter: Any, tol: Any) -> Any:
    """``design.rake(margins, max_iter=, tol=)`` over a Dask DataFrame (one pass: the
    iterations run on the table of joint cells)."""
    specs, names, max_iter, tol = rake_args(margins, max_iter, tol)
    for cols, _ in specs:
        _check_columns(design, "margins", cols)
    joint, missing = _joint_table(design, [c for cols, _ in specs for c in cols])
    pairs = []
    for cols, pop in specs:
        _check_missing("margins", cols, missing)
        cells = cells_of("margins", joint.labels, cols)
        pairs.append((cells, cell_counts(design._margin_param(cols), cells, pop,
                                         joint.positive)))
    replicate = not isinstance(design._lazy, TaylorFrame)
    W, after = rake_weights(joint.weights(replicate), pairs, max_iter, tol, names)
    step = CellRakeStep(tuple((cells.codes, cells.n_cells, joint.factors_of(a)[:, 0])
                              for (cells, _), a in zip(pairs, after, strict=True)))
    return _calibrated(design, joint, joint.factors_of(W), step, f"raked on {names}")


def _calibrated(design: Any, joint: JointCells, factors: np.ndarray, step: CellStep,
                adjustment: str) -> Any:
    """The design with the new factors (and, for a Taylor design, the new variance step)."""
    frame = design._lazy
    if isinstance(frame, TaylorFrame):
        joint = replace(joint, factors=factors, steps=(*joint.steps, step))
        new: Any = CalibratedTaylorFrame.of(frame, joint)
    else:
        joint = replace(joint, factors=factors)
        new = frame.calibrated(joint.cell_factors(), need_rank=not design._df_given)
        new.joint = joint
    return design._with_lazy(new, adjustment)


# --- estimates of a calibrated Taylor design ------------------------------------------------


class CalibratedTaylorFrame(TaylorFrame):
    """A :class:`~surveystats.design._dask.TaylorFrame` whose weights are calibrated: each
    estimate's pass adds the sums by (joint cell, domain) that R's variance steps need."""

    joint: JointCells

    @classmethod
    def of(cls, frame: TaylorFrame, joint: JointCells) -> CalibratedTaylorFrame:
        new = object.__new__(cls)
        new.__dict__.update(frame.__dict__)
        new.joint = joint
        return new

    def _plan(self, req: _Request) -> _Plan:
        return replace(super()._plan(req), factors=self.joint.cell_factors(), cells=True)

    def _domain_rows(self, req: _Request, f: _Finished) -> np.ndarray:
        if not req.by:
            return f.n
        # R's subset of a calibrated design keeps every row (weight 0 outside the domain)
        return np.full(f.n.size, float(self.joint.positive.sum()))

    def _variance(self, design: Any, part: Partial, req: _Request, f: _Finished,
                  presence: bool, full: bool) -> tuple[np.ndarray, np.ndarray]:
        D, k = f.domains.n_domains, len(f.variable)
        if D > 1:
            too_many_domains(D, k, self.n)
        s_a, s_b = self._linear_map(req, f)
        terms = _cell_terms(part, req, f, s_a, s_b, self.joint)
        H, K = cell_offsets(self.joint.steps, terms.sums)
        explained = terms.explained(H, K, self.joint, D, k)
        if self.element:
            return self._streamed_variance(design, part, req, f, presence, full, H, K,
                                           explained, s_a, s_b)
        units = self._units(design, part, req, f)
        n_fine = design._stages[units.s_fine].n_units
        totals = _reduce.unit_totals(np.ascontiguousarray(units.scores.T), units.fine_unit,
                                     n_fine, units.dom, D, dense=True)
        assert isinstance(totals, np.ndarray)
        assert self.joint.units is not None and self.joint.units_zero is not None
        totals -= np.asarray(self.joint.units @ H).T + np.asarray(self.joint.units_zero @ K).T
        totals[explained] = 0.0
        var = design._covariance_of_totals(
            totals, k, n_domains=D, full=full,
            presence=self._present(design, units, D) if presence else None)
        return var, self._unit_df(design, req, units, D)

    def _streamed_variance(self, design: Any, part: Partial, req: _Request, f: _Finished,
                           presence: bool, full: bool, H: np.ndarray, K: np.ndarray,
                           explained: np.ndarray, s_a: np.ndarray, s_b: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray]:
        """An element sample (every row its own PSU): the Taylor engine's one-stage sum
        ``Σ_h q_h Σ_i (r_i - κ_h r̄_h)(r_i - κ_h r̄_h)ᵀ`` (with the "average" factors), its
        stratum means ``r̄_h`` from this pass's sums and the rest from a second pass over
        the rows, which forms each row's residuals."""
        D, k = f.domains.n_domains, len(f.variable)
        m = D * k
        st = design._stages[0]
        u = part.tables["units"].values
        keep, dom, stratum = self._strata(part, req, f)
        df = self._element_df(design, req, u["nposin"][keep], dom, stratum, D)
        var = np.zeros((m, m) if full else m)
        if not st.active.any():
            return var, df
        n = u["n"][keep]
        counts = None
        group = np.zeros(m, dtype=np.int64)
        if presence and design._needs_presence:
            counts = np.zeros((st.n_strata, D))
            np.add.at(counts, (stratum, dom), n)
            group = np.repeat(np.arange(D), k)
        scale, factor, centre = stage_terms(
            st, design._lonely_psu, design._adjust_domain_lonely,
            (lambda: np.ones((st.n_strata, 1), dtype=bool)) if counts is None else (
                lambda: counts > 0),
            None if counts is None else (lambda: counts), lambda h: design._describe(0, h))
        if not np.any(scale > 0.0):
            return var, df
        # the stratum means of the residuals: Σ z by (stratum, domain), less Σ_J d H and K
        mean = s_a[dom] * u["mean_a"][keep][:, f.order] + s_b[dom] * u["mean_b"][keep][:, None]
        sums = np.zeros((st.n_strata, m))
        np.add.at(sums, (stratum[:, None], dom[:, None] * k + np.arange(k)), n[:, None] * mean)
        assert self.joint.units is not None and self.joint.units_zero is not None
        sums -= np.asarray(self.joint.units @ H) + np.asarray(self.joint.units_zero @ K)
        sums[:, explained] = 0.0
        means = sums / np.maximum(st.n_sampled, 1.0)[:, None]
        if centre is not None:
            means = means * (centre[:, None] if centre.ndim == 1 else centre[:, group])
        root = None if factor is None else np.sqrt(factor[:, group])
        domains = part.tables["domains"].keys.iloc[f.keep]
        plan = _ResidualPlan(
            replace(super()._plan(req), factors=self.joint.cell_factors()), self.lookup,
            self.lookup_keys, self.stratum_codes[0], list(part.labels), f.order,
            part.shift, s_a, s_b, None if not req.by else (
                pd.Index(domains.iloc[:, 0]) if len(req.by) == 1 else
                pd.MultiIndex.from_frame(domains)),
            H, K, means, root, scale, explained, full)
        cols = self._columns(req, plan.plan)
        found = _one_pass(self.ddf, cols, _residual_partition, plan)
        v = found.tables["all"].values
        left, size = v["left"][0], v["size"][0]
        tol = NOISE_ULPS * np.finfo(np.float64).eps
        noise = left <= (tol * tol) * size  # equal unit totals up to rounding: 0
        acc = v["acc"][0]
        if full:
            acc[noise, :] = 0.0
            acc[:, noise] = 0.0
            return 0.5 * (acc + acc.T), df
        acc[noise] = 0.0
        return acc, df


@dataclass(frozen=True)
class _CellTerms:
    """What an estimate's pass gives by joint cell: the sums of the variance steps, and by
    (joint cell, domain) the moments that tell how large the residuals are."""

    sums: CellSums
    joint: np.ndarray  # (c,) the joint cell of each (joint cell, domain) row
    dom: np.ndarray  # (c,) its domain
    count: np.ndarray  # (c,) its rows with d > 0 that count
    weight: np.ndarray  # (c,) their Σ d²
    mean: np.ndarray  # (c, k) their d²-weighted mean of z / w
    spread: np.ndarray  # (c, k) their d²-weighted sum of squares of z / w about it

    def explained(self, H: np.ndarray, K: np.ndarray, joint: JointCells, D: int, k: int
                  ) -> np.ndarray:
        """The estimate columns whose residuals are 0 in exact arithmetic: their norm at
        most ``ZERO_RESIDUAL`` times that of the influence values (as in memory). Both are
        sums of squares of centred terms, so rounding cannot make a residual of 0 look
        larger than it is: with ``z = d F u`` in the rows that count and ``u`` of mean
        ``ū`` and sum of squares ``S`` (weights ``d²``), a (joint cell, domain) adds
        ``F² S + Σd² (F ū - H)²``; the other rows of weight ``d > 0`` add ``Σd² H²``
        and those of weight 0 add ``K²``."""
        F = joint.factors[:, 0]
        cols = self.dom[:, None] * k + np.arange(k)
        f2 = (F * F)[self.joint][:, None]
        inside = f2 * self.spread + self.weight[:, None] * (
            F[self.joint][:, None] * self.mean - H[self.joint[:, None], cols]) ** 2
        before = f2 * (self.spread + self.weight[:, None] * self.mean * self.mean)
        left = np.zeros(D * k)
        size = np.zeros(D * k)
        np.add.at(left, cols, inside)
        np.add.at(size, cols, before)
        # Σ d² of the rows of weight d > 0 outside the rows that count of each domain; 0
        # exactly when there are none (no subtraction to leave rounding)
        outside = np.where(joint.positive > 0, joint.d2, 0.0)[:, None].repeat(D, axis=1)
        rest = np.where(joint.positive[self.joint] - self.count > 0,
                        np.maximum(joint.d2[self.joint] - self.weight, 0.0), 0.0)
        outside[self.joint, self.dom] = rest
        left += np.einsum("jc,jc->c", outside[:, np.repeat(np.arange(D), k)], H * H)
        left += joint.zero @ (K * K)
        return left <= ZERO_RESIDUAL * ZERO_RESIDUAL * size  # type: ignore[no-any-return]


def _cell_terms(part: Partial, req: _Request, f: _Finished, s_a: np.ndarray,
                s_b: np.ndarray, joint: JointCells) -> _CellTerms:
    """The sums of :class:`_CellTerms` from the (joint cell, domain) table of a pass."""
    D, k = f.domains.n_domains, len(f.variable)
    table = part.tables["cells"]
    v = table.values
    code, keys = _domain_codes(part, f, "cells", len(req.by))
    keep = np.flatnonzero(code >= 0)
    dom = code[keep]
    cell = np.asarray(keys.iloc[keep, 0], dtype=np.int64)
    sa, sb = s_a[dom], s_b[dom]
    F = joint.factors[cell, 0][:, None]
    order = f.order

    def linear(a: str, b: str) -> np.ndarray:  # (c, k): s_a Σ a + s_b Σ b
        return sa * v[a][keep][:, order] + sb * v[b][keep][:, None]

    z = np.zeros((joint.n_joint, D * k))
    z_by_d = np.zeros((joint.n_joint, D * k))
    cols = dom[:, None] * k + np.arange(k)
    z[cell[:, None], cols] = F * linear("dA_a", "dB")
    z_by_d[cell[:, None], cols] = F * linear("uA_a", "uB")
    mean = linear("cmean_a", "cmean_b")
    m2_a, m2_ab, m2_bb = v["cm2_a"][keep][:, order], v["cm2_ab"][keep][:, order], v["cm2_bb"][keep]
    spread = np.maximum(sa * sa * m2_a + 2.0 * sa * sb * m2_ab + sb * sb * m2_bb[:, None], 0.0)
    return _CellTerms(CellSums(z, z_by_d, joint.d, joint.positive), cell, dom,
                      v["cpos"][keep], v["cn"][keep], mean, spread)


# --- the second pass of an element sample ---------------------------------------------------


@dataclass(frozen=True)
class _ResidualPlan:
    """What a partition needs to form its rows' residuals (an element sample's variance)."""

    plan: _Plan  # the estimate's (its request, weights and calibration factors)
    lookup: pd.Index | None  # the strata
    lookup_keys: tuple[str, ...]
    stratum_codes: np.ndarray
    labels: list[tuple[str, Any]]  # the estimate columns, as the first pass found them
    order: np.ndarray  # ... and in the result's order
    shift: np.ndarray  # the first pass's shift c of each column (its order)
    s_a: np.ndarray  # (D, k) the influence values: w (s_a (y - c x) + s_b x)
    s_b: np.ndarray
    domains: pd.Index | None  # the domains' by values (None: one domain)
    H: np.ndarray  # (n_joint, m)
    K: np.ndarray
    means: np.ndarray  # (n_strata, m) κ r̄ of each stratum
    root: np.ndarray | None  # (n_strata, m) square roots of the "average" factors
    scale: np.ndarray  # (n_strata,)
    explained: np.ndarray  # (m,) columns whose residuals are 0
    full: bool


def _residual_partition(part: pd.DataFrame, number: int, rp: _ResidualPlan) -> Partial:
    """Each row's residuals ``r`` (one per estimate column), centred at their stratum's
    mean: the sums ``Σ q (r - κ r̄)(r - κ r̄)ᵀ`` (with the "average" factors), and per
    column ``Σ (r - κ r̄)²`` and ``Σ r²`` for the engine's test of equal unit totals."""
    plan, req = rp.plan, rp.plan.request
    out = Partial(rows=len(part))
    D, k = rp.s_a.shape
    m = D * k
    n = len(part)
    acc = np.zeros((m, m) if rp.full else m)
    left, size = np.zeros(m), np.zeros(m)
    d = _weights(part, plan)
    assert plan.factors is not None
    joint = plan.factors.codes(part)
    w = d * plan.factors.factors[joint, 0]
    cols, labels, _, valid, x = _read_partition(part, req, out)
    inside, by_keys = _domain_keys(part, req, out)
    dom = np.zeros(n, dtype=np.int64)
    if rp.domains is not None:
        g = _Groups(by_keys)
        dom = _positions(rp.domains, g.keys)[g.ids]
    est = valid & inside & (dom >= 0)
    where = {lab: i for i, lab in enumerate(labels)}
    Y = np.zeros((n, k))
    for j, c in enumerate(rp.order):  # loop over estimate columns, not rows
        if rp.labels[c] in where:
            Y[:, j] = cols[where[rp.labels[c]]]
    shift = rp.shift[rp.order]
    if rp.lookup is None:
        stratum = np.zeros(n, dtype=np.int64)
    else:
        g = _Groups(part[list(rp.lookup_keys)])
        stratum = rp.stratum_codes[_lookup(rp.lookup, g.keys.set_axis(
            list(rp.lookup_keys), axis=1))][g.ids]
    step = max(1, BLOCK_VALUES // max(m, 1))
    for a in range(0, n, step):  # loop over blocks of rows
        b = min(n, a + step)
        J, h = joint[a:b], stratum[a:b]
        r = -(d[a:b, None] * rp.H[J]) - (d[a:b] == 0)[:, None] * rp.K[J]
        rows = np.flatnonzero(est[a:b])
        dd = dom[a:b][rows]
        xr = x[a:b][rows][:, None]
        z = w[a:b][rows][:, None] * (rp.s_a[dd] * (Y[a:b][rows] - shift * xr)
                                     + rp.s_b[dd] * xr)
        r[rows[:, None], dd[:, None] * k + np.arange(k)] += z
        r[:, rp.explained] = 0.0
        c = r - rp.means[h]
        left += np.einsum("ij,ij->j", c, c)
        size += np.einsum("ij,ij->j", r, r)
        if rp.root is not None:
            c *= rp.root[h]
        q = rp.scale[h][:, None]
        acc += (c * q).T @ c if rp.full else np.einsum("ij,ij->j", c * q, c)
    one = pd.DataFrame({_ALL: np.zeros(1, dtype=np.int8)})
    out.tables["all"] = Table(one, {"acc": acc[None], "left": left[None],
                                    "size": size[None]})
    return out
