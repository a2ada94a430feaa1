"""Encoding a design once: strata and cluster ids to integer codes, stages, fpc, weights, df.

The constructor of :class:`~surveystats.design.SurveyDesign` calls these in order; each
takes and returns plain arrays, so the encoding can be read (and tested) step by step.
Messages name the parameter, echo the value (with its row) and say what is allowed.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from surveystats._warnings import SurveyStatsWarning
from surveystats.design import _reduce
from surveystats.design._columns import id_codes, label, real_column, rows_text
from surveystats.design._linearization import Stage

__all__ = ["Codes", "check_nested", "design_weights", "encode_codes", "finish_stages",
           "make_stages", "population_sizes", "stratum_label"]


class Codes(NamedTuple):
    """Per stage: the stratum and unit code of every row, and their numbers."""

    row_strata: list[np.ndarray]
    row_units: list[np.ndarray]
    n_strata: list[int]
    n_units: list[int]


def _per_group(codes: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """The value of each group, taken from one of its rows (groups are assumed constant)."""
    out = np.full(n_groups, np.nan)
    out[codes] = values
    return out


def check_nested(
    data: pd.DataFrame, cluster: str, strata: str, raw: np.ndarray, n_raw: int,
    h_codes: np.ndarray,
) -> None:
    """A PSU id that appears in two strata is an error unless ``nest=True``."""
    per = np.zeros(n_raw, dtype=np.int64)
    per[raw] = h_codes
    clash = per[raw] != h_codes
    if clash.any():
        r = int(np.flatnonzero(clash)[0])
        other = int(np.flatnonzero((raw == raw[r]) & (h_codes != h_codes[r]))[0])
        psu = data[cluster].iloc[r]
        s1, s2 = data[strata].iloc[other], data[strata].iloc[r]
        raise ValueError(
            f"PSU {label(psu)} of clusters ({cluster!r}) appears in strata "
            f"{label(s1)} and {label(s2)} of strata ({strata!r}). If PSU ids are "
            "reused across strata (numbered within each stratum), pass nest=True; "
            "otherwise fix the ids"
        )


def stratum_label(
    data: pd.DataFrame, strata_names: list[str], cluster_names: list[str], s: int, row: int,
) -> str:
    """Label of the stratum of ``row`` at stage ``s`` (0-based), for messages."""
    if s == 0:
        if not strata_names:
            return "(the whole sample)"
        return label(data[strata_names[0]].iloc[row])
    own = (f"{label(data[strata_names[s]].iloc[row])} "
           if len(strata_names) > s else "")
    return f"{own}within PSU {label(data[cluster_names[s - 1]].iloc[row])}"


def encode_codes(data: pd.DataFrame, strata_names: list[str], cluster_names: list[str],
                 nest: bool, n_stages: int) -> Codes:
    """Strata and units of every stage as integer codes (later strata within parent units)."""
    n = len(data)
    row_strata: list[np.ndarray] = []
    row_units: list[np.ndarray] = []
    n_strata: list[int] = []
    n_units: list[int] = []
    given_strata = [id_codes("strata", data[s]) for s in strata_names]
    for s in range(n_stages):
        if s == 0:
            if given_strata:
                h_codes, h_uniques = given_strata[0]
                h_n = len(h_uniques)
            else:
                h_codes, h_n = np.zeros(n, dtype=np.int64), 1
        else:
            base, base_n = ((given_strata[min(s, len(given_strata) - 1)][0],
                             len(given_strata[min(s, len(given_strata) - 1)][1]))
                            if given_strata else (np.zeros(n, dtype=np.int64), 1))
            h_codes, h_n = _reduce.combine_codes(row_units[s - 1], n_units[s - 1],
                                                 base, base_n)
        if cluster_names:
            raw, raw_uniques = id_codes(f"clusters[{s}]" if s else "clusters",
                                      data[cluster_names[s]])
            if s == 0 and not nest and h_n > 1:
                check_nested(data, cluster_names[0], strata_names[0], raw,
                                   len(raw_uniques), h_codes)
            if s == 0 and not nest:
                u_codes, u_n = raw, len(raw_uniques)
            else:
                u_codes, u_n = _reduce.combine_codes(h_codes, h_n, raw, len(raw_uniques))
        else:
            u_codes, u_n = np.arange(n, dtype=np.int64), n
        row_strata.append(h_codes)
        row_units.append(u_codes)
        n_strata.append(h_n)
        n_units.append(u_n)
    if n_units[0] == 1 and not (nest and strata_names):
        what = (f"clusters ({cluster_names[0]!r}) has a single PSU" if cluster_names
                else "data has a single row")
        raise ValueError(
            f"{what}: a design-based variance needs at least two sampled PSUs (or strata "
            "with nest=True)"
        )
    return Codes(row_strata, row_units, n_strata, n_units)


def stage_structure(codes: Codes, n_stages: int
                    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Per stage: the stratum of each unit, the units sampled per stratum, stratum groups."""
    row_strata, row_units, n_strata, n_units = codes
    stage_unit_stratum: list[np.ndarray] = []
    stage_n_sampled: list[np.ndarray] = []
    stage_group: list[np.ndarray] = []
    for s in range(n_stages):
        unit_stratum = np.zeros(n_units[s], dtype=np.int64)
        unit_stratum[row_units[s]] = row_strata[s]
        stage_unit_stratum.append(unit_stratum)
        stage_n_sampled.append(
            np.bincount(unit_stratum, minlength=n_strata[s]).astype(np.float64))
        group = np.zeros(n_strata[s], dtype=np.int64)
        if s > 0:
            group[row_strata[s]] = row_units[s - 1]
        stage_group.append(group)
    return stage_unit_stratum, stage_n_sampled, stage_group


def population_sizes(data: pd.DataFrame, fpc_names: list[str], strata_names: list[str],
                     cluster_names: list[str], codes: Codes, stage_n_sampled: list[np.ndarray],
                     n_stages: int) -> tuple[list[np.ndarray], list[str]]:
    """Population units per stratum from the fpc columns (counts or fractions), checked."""
    row_strata, _, n_strata, _ = codes
    index = data.index
    pop_sizes: list[np.ndarray] = []
    kinds: list[str] = []
    for s in range(n_stages):
        if s >= len(fpc_names):
            pop_sizes.append(np.full(n_strata[s], np.inf))
            continue
        name = fpc_names[s]
        vals = real_column("fpc", data[name])
        stage = f" at stage {s + 1}" if n_stages > 1 else ""
        bad = ~np.isfinite(vals)
        if bad.any():
            rows = np.flatnonzero(bad)
            raise ValueError(
                f"fpc ({name!r}){stage} has {rows.size} missing or infinite value(s) "
                f"(rows {rows_text(index, rows)}); give a population count or a "
                "sampling fraction for every row"
            )
        if (vals <= 0).any():
            rows = np.flatnonzero(vals <= 0)
            raise ValueError(
                f"fpc ({name!r}){stage} has {rows.size} value(s) <= 0 (e.g. "
                f"{vals[rows[0]]:g} in row {rows_text(index, rows[:1])}); it must be a "
                "population count (>= 1) or a sampling fraction in (0, 1]"
            )
        is_count = bool((vals > 1).any())
        if is_count and (vals < 1).any():
            lo, hi = vals[vals < 1][0], vals[vals > 1][0]
            raise ValueError(
                f"fpc ({name!r}){stage} mixes sampling fractions (e.g. {lo:g}) and "
                f"population counts (e.g. {hi:g}); use one or the other for a stage"
            )
        per = _per_group(row_strata[s], n_strata[s], vals)
        differ = vals != per[row_strata[s]]
        if differ.any():
            r = int(np.flatnonzero(differ)[0])
            h = row_strata[s][r]
            first = int(np.flatnonzero(row_strata[s] == h)[0])
            raise ValueError(
                f"fpc ({name!r}){stage} varies within stratum "
                f"{stratum_label(data, strata_names, cluster_names, s, first)}"
                f" ({vals[first]:g} in row {rows_text(index, np.array([first]))}, "
                f"{vals[r]:g} in row {rows_text(index, np.array([r]))}); the fpc "
                "describes the stratum and must be the same on all its rows"
            )
        n_h = stage_n_sampled[s]
        if is_count:
            small = per < n_h
            if small.any():
                h = int(np.flatnonzero(small)[0])
                first = int(np.flatnonzero(row_strata[s] == h)[0])
                unit = "PSUs" if s == 0 else "units"
                raise ValueError(
                    f"fpc ({name!r}){stage} is smaller than the number of sampled "
                    f"{unit} in stratum "
                    f"{stratum_label(data, strata_names, cluster_names, s, first)}"
                    f": population {per[h]:g} < {n_h[h]:g} sampled. The fpc must be the "
                    f"population count of {unit} in the stratum (>= the sample) or a "
                    "sampling fraction in (0, 1]"
                )
            pop_sizes.append(per)
            kinds.append("population counts")
        else:
            pop_sizes.append(n_h / per)
            kinds.append("sampling fractions")
    return pop_sizes, kinds


def make_stages(codes: Codes, structure: tuple[list[np.ndarray], list[np.ndarray],
                                              list[np.ndarray]],
                pop_sizes: list[np.ndarray], n_stages: int) -> tuple[list[Stage], int]:
    """The stages with their multipliers, and how many stages the variance needs."""
    n_units = codes.n_units
    n_strata = codes.n_strata
    stage_unit_stratum, stage_n_sampled, stage_group = structure
    stages: list[Stage] = []
    for s in range(n_stages):
        if s == 0:
            mult = np.ones(n_strata[0])
        else:
            prev = stages[s - 1]
            with np.errstate(divide="ignore"):
                frac = np.where(np.isinf(prev.pop_size), 0.0,
                                prev.n_sampled / prev.pop_size)
            parent_stratum = prev.unit_stratum[stage_group[s]]
            mult = prev.multiplier[parent_stratum] * frac[parent_stratum]
        stages.append(Stage(
            unit_stratum=stage_unit_stratum[s],
            n_sampled=stage_n_sampled[s],
            pop_size=pop_sizes[s],
            multiplier=mult,
            stratum_group=stage_group[s],
            n_groups=1 if s == 0 else n_units[s - 1],
        ))
    n_var = 1
    while n_var < n_stages and np.any(stages[n_var].multiplier > 0):
        n_var += 1
    return stages, n_var


def design_weights(data: pd.DataFrame, w_name: str | None, fpc_names: list[str],
                   stages: list[Stage], codes: Codes, n_stages: int, *, stacklevel: int = 4
                   ) -> tuple[np.ndarray, str]:
    """The sampling weights (given, implied by the fpc, or 1) and where they came from
    (``stacklevel``: of the caller's caller that declared the design, for the warning)."""
    n = len(data)
    index = data.index
    row_strata = codes.row_strata
    if w_name is not None:
        w = real_column("weights", data[w_name])
        bad = np.isnan(w)
        if bad.any():
            rows = np.flatnonzero(bad)
            raise ValueError(
                f"weights ({w_name!r}) has {rows.size} missing value(s) (rows "
                f"{rows_text(index, rows)}); every row needs a weight (use 0 to keep a "
                "row in the design without counting it)"
            )
        bad = (w < 0) | np.isinf(w)
        if bad.any():
            rows = np.flatnonzero(bad)
            raise ValueError(
                f"weights ({w_name!r}) has {rows.size} negative or infinite value(s) "
                f"(e.g. {w[rows[0]]:g} in row {rows_text(index, rows[:1])}); weights "
                "must be finite and >= 0"
            )
        source = f"weights from {w_name!r}"
    elif fpc_names and len(fpc_names) == n_stages:
        w = np.ones(n)
        for s in range(n_stages):
            w *= (stages[s].pop_size / stages[s].n_sampled)[row_strata[s]]
        source = "weights implied by the fpc"
    elif fpc_names:
        raise ValueError(
            f"weights is None and fpc ({fpc_names!r}) covers {len(fpc_names)} of "
            f"{n_stages} stages, so the weights cannot be implied; pass weights="
        )
    else:
        warnings.warn(
            "no weights or fpc given: assuming equal weights of 1 (R survey does the "
            "same); pass weights= if the sample is not self-weighting",
            SurveyStatsWarning,
            stacklevel=stacklevel,
        )
        w = np.ones(n)
        source = "equal weights (no weights or fpc given)"
    if not (w > 0).any():
        raise ValueError(f"weights ({w_name!r}) are all zero; at least one must be > 0")
    w.setflags(write=False)
    return w, source


def finish_stages(w: np.ndarray, codes: Codes, stages: list[Stage], n_stages: int
                  ) -> tuple[int, list[np.ndarray | None]]:
    """R's ``degf``, and unit codes (None where every row is its own unit, renumbered)."""
    n = w.size
    row_strata, row_units, n_strata, n_units = codes
    pos = w > 0
    if pos.all():
        degf = n_units[0] - n_strata[0]
    else:
        u_pos = np.bincount(row_units[0][pos], minlength=n_units[0]) > 0
        h_pos = np.bincount(stages[0].unit_stratum[u_pos], minlength=n_strata[0]) > 0
        degf = int(u_pos.sum() - h_pos.sum())

    unit_codes: list[np.ndarray | None] = []
    for s in range(n_stages):
        if n_units[s] == n:
            # every row is its own unit: renumber units by row, so no reduction is needed
            order = row_units[s]
            st = stages[s]
            stages[s] = Stage(
                unit_stratum=st.unit_stratum[order],
                n_sampled=st.n_sampled,
                pop_size=st.pop_size,
                multiplier=st.multiplier,
                stratum_group=st.stratum_group,
                n_groups=st.n_groups,
            )
            if s + 1 < n_stages:
                nxt = stages[s + 1]
                # later strata point at parent units by code: re-express them by row
                row_of_unit = np.empty(n, dtype=np.int64)
                row_of_unit[order] = np.arange(n)
                stages[s + 1] = Stage(
                    unit_stratum=nxt.unit_stratum,
                    n_sampled=nxt.n_sampled,
                    pop_size=nxt.pop_size,
                    multiplier=nxt.multiplier,
                    stratum_group=row_of_unit[nxt.stratum_group],
                    n_groups=nxt.n_groups,
                )
            unit_codes.append(None)
        else:
            unit_codes.append(row_units[s])
    for arr in [*row_strata, *(u for u in unit_codes if u is not None)]:
        arr.setflags(write=False)
    for st in stages:
        for arr in (st.unit_stratum, st.n_sampled, st.pop_size, st.multiplier,
                    st.stratum_group):
            arr.setflags(write=False)
    return degf, unit_codes
