"""The survey design object: who was sampled, how, and with what weights.

``SurveyDesign`` is declared once over a DataFrame (the pattern of R survey's ``svydesign``).
The constructor turns strata, cluster ids and fpc columns into integer codes with
``pandas.factorize`` once, checks them, and keeps only what estimation needs: the weights,
the unit code of every row at every stage, and per-stratum counts. Estimators
(:mod:`~surveystats.design._estimators`) compute point estimates and influence values; the
variance engine (:mod:`~surveystats.design._linearization`) turns unit totals of influence
values (:mod:`~surveystats.design._reduce`) into a covariance matrix. The public estimator
and calibration methods, which :class:`ReplicateDesign` shares, are written once in
:mod:`~surveystats.design._methods`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from surveystats._validation import check_bool, check_choice
from surveystats.design import _dask, _reduce
from surveystats.design._calibration import (
    ZERO_RESIDUAL,
    CalibrationStep,
    Cells,
    cells_of,
    too_many_domains,
)
from surveystats.design._columns import (
    PANDAS_COW,
    Columns,
    as_name,
    as_names,
    label,
)
from surveystats.design._convert import as_replicate
from surveystats.design._encode import (
    design_weights,
    encode_codes,
    finish_stages,
    make_stages,
    population_sizes,
    stage_structure,
)
from surveystats.design._estimators import Linear, ReplicateEstimates
from surveystats.design._linearization import (
    LONELY_PSU_RULES,
    LonelyPSU,
    Stage,
    taylor_covariance,
    zero_small_rows,
)
from surveystats.design._methods import _Columns, _DesignMethods
from surveystats.design._replicate import ReplicateDesign
from surveystats.design._schemes import PSUStructure, SchemeName

__all__ = ["SurveyDesign"]


class SurveyDesign(_DesignMethods):
    """A complex survey design over a DataFrame: strata, clusters, weights, fpc.

    Declare the design once; then ask it for means, totals, proportions, ratios and
    quantiles, with standard errors by Taylor linearisation (R survey's ``svydesign`` +
    ``svymean`` and friends). The design never modifies ``data`` and keeps its own copy.

    Parameters
    ----------
    data : DataFrame or dask.dataframe.DataFrame
        One row per responding unit (person, school, ...). A Dask DataFrame (files larger
        than memory, on this machine or a cluster; see ``from_parquet``) is read
        partition by partition: ``mean``, ``total``, ``proportion`` and ``ratio`` then
        run as one pass over it each, with the same results as in memory, and
        ``poststratify`` and ``rake`` as one pass.
    weights : str or None, default None
        Column of sampling weights (>= 0; rows with weight 0 are kept for the design's
        structure but do not count). None: weights are implied by the fpc (inverse sampling
        fractions, multiplied over stages) or, without an fpc, equal to 1 (with a warning).
    strata : str, list of str or None, default None
        First-stage strata; a list gives strata for later stages too (stage 2 strata are
        nested within the stage 1 unit). None: one stratum.
    clusters : str, list of str or None, default None
        Cluster (PSU) ids, one column per stage (``["dnum", "snum"]`` for districts then
        schools). None: every row is its own PSU (element sampling).
    fpc : str, list of str or None, default None
        Finite population correction per stage: either population counts (values >= 1:
        the number of units in the stratum, as for a census of 4,421 schools) or sampling
        fractions (values in (0, 1]). Must be constant within a stratum. Without an fpc the
        variance is that of sampling with replacement at stage 1 (the ultimate-cluster
        approximation) and later stages are ignored.
    nest : bool, default False
        True: cluster ids are only unique within strata (PSU 1 of stratum A differs from
        PSU 1 of stratum B). False: a PSU id found in two strata is an error.
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}, default "fail"
        What to do with a stratum that has a single sampled PSU, which gives no estimate of
        its own variance. "fail" raises (listing the strata) when a variance is computed;
        "remove" and "certainty" let it add nothing; "adjust" centres its total at the
        grand mean instead of the stratum mean; "average" scales the variance up by
        (strata) / (strata with more than one PSU). These are R survey's
        ``options(survey.lonely.psu)`` choices, as an argument instead of a global option.
    adjust_domain_lonely : bool, default False
        For domain estimates (``by=``) under ``lonely_psu="adjust"`` or ``"average"``: a
        stratum with several PSUs of which only one has rows in the domain is treated as
        lonely within that domain (its total not centred, or the stratum left out and the
        others scaled up). R's ``options(survey.adjust.domain.lonely = TRUE)``; False is
        R's default. The covariance between two domains is left as without it.

    Attributes
    ----------
    degf : int
        Design degrees of freedom: PSUs with a non-zero weight minus strata with a non-zero
        weight (R's ``degf``).
    n_obs, n_strata, n_psu, n_stages : int
        Rows, first-stage strata, first-stage units, sampling stages.
    weights : ndarray
        A copy of the sampling weights.

    Notes
    -----
    The variance of an estimator with influence values ``z_i`` is computed from the PSU
    totals ``t_hi = Σ_{i in PSU} z_i`` as

    ``V = Σ_h (1 - n_h / N_h) n_h / (n_h - 1) Σ_i (t_hi - tbar_h)²``

    plus, when an fpc is given at stage 1, the same sum over the units of stage 2 within
    each PSU, multiplied by the stage 1 sampling fraction ``n_h / N_h``, and so on (R
    survey's ``svyrecvar``). The standard error is only as good as the design information:
    if weights were calibrated or trimmed, if PSUs were sampled with probability
    proportional to size without replacement, or if the strata listed are not the
    sampling strata, the numbers above describe a different design.

    Examples
    --------
    Two strata of schools, three and two sampled PSUs (districts), weights in ``w``:

    >>> import pandas as pd
    >>> from surveystats.design import SurveyDesign
    >>> df = pd.DataFrame({
    ...     "region": ["N", "N", "N", "N", "S", "S", "S"],
    ...     "district": [1, 1, 2, 3, 4, 4, 5],
    ...     "w": [10, 10, 12, 8, 20, 20, 15],
    ...     "score": [52, 61, 47, 58, 70, 66, 73],
    ... })
    >>> design = SurveyDesign(df, weights="w", strata="region", clusters="district")
    >>> design
    SurveyDesign(Stratified 1-stage cluster sample: 2 strata, 5 PSUs, 7 observations;
    weights from 'w'; no fpc (PSUs sampled with replacement); lonely_psu='fail'; df 3)
    >>> design.mean("score")
    DesignEstimate(mean of score: estimate=62.87, se=1.496, df=3)

    R survey agrees: ``svymean(~score, svydesign(id=~district, strata=~region,
    weights=~w, data=df))`` gives 62.874 with SE 1.4961.
    """

    __slots__ = (
        "_adjust_domain_lonely", "_adjustments", "_cache", "_calibration", "_cluster_names",
        "_data", "_degf", "_fpc_kinds", "_fpc_names", "_lazy", "_lonely_psu", "_n",
        "_n_var_stages", "_nest", "_stages", "_strata_names", "_stratum_codes", "_unit_codes",
        "_w", "_weights_source",
    )

    _data: pd.DataFrame
    _n: int
    _w: np.ndarray
    _weights_source: str
    _strata_names: tuple[str, ...]
    _cluster_names: tuple[str, ...]
    _fpc_names: tuple[str, ...]
    _fpc_kinds: tuple[str, ...]
    _nest: bool
    _lonely_psu: LonelyPSU
    _adjust_domain_lonely: bool
    _stages: tuple[Stage, ...]
    _unit_codes: tuple[np.ndarray | None, ...]
    _stratum_codes: tuple[np.ndarray, ...]
    _n_var_stages: int
    _degf: int
    _calibration: tuple[CalibrationStep, ...]
    _adjustments: tuple[str, ...]
    _lazy: _dask.TaylorFrame | None

    _immutable_hint = "declare a new SurveyDesign to change the design"

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: Columns = None,
        clusters: Columns = None,
        fpc: Columns = None,
        nest: bool = False,
        lonely_psu: LonelyPSU = "fail",
        adjust_domain_lonely: bool = False,
    ) -> None:
        lazy = _dask.is_dask_frame(data)
        if not lazy and not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}; "
                            "or a Dask DataFrame, for data larger than memory")
        n = 0 if lazy else len(data)
        if n == 0 and not lazy:
            raise ValueError("data has no rows; a design needs at least two sampled units")
        nest = check_bool("nest", nest)
        lonely = check_choice("lonely_psu", lonely_psu, LONELY_PSU_RULES)
        adjust = check_bool("adjust_domain_lonely", adjust_domain_lonely)
        cols = _Columns(data)
        weights = as_name("weights", weights, optional=True)
        w_name = None if weights is None else cols.check("weights", weights)
        strata_names = [cols.check("strata", s) for s in as_names("strata", strata)]
        cluster_names = [cols.check("clusters", c) for c in as_names("clusters", clusters)]
        fpc_names = [cols.check("fpc", f) for f in as_names("fpc", fpc)]
        n_stages = max(len(cluster_names), 1)
        for param, names in (("strata", strata_names), ("fpc", fpc_names)):
            if len(names) > n_stages:
                raise ValueError(
                    f"{param} ({names!r}) lists {len(names)} columns but the design has "
                    f"{n_stages} stage(s) (one per clusters column); give at most one "
                    "per stage"
                )

        if lazy:  # one pass over the design's columns; estimates are one pass each
            frame = _dask.TaylorFrame(data, strata_names, cluster_names, fpc_names, w_name,
                                      bool(nest))
            found = {"_data": data, "_n": frame.n, "_weights_source": frame.source,
                     "_stages": tuple(frame.stages), "_unit_codes": tuple(frame.unit_codes),
                     "_stratum_codes": tuple(frame.stratum_codes),
                     "_n_var_stages": frame.n_var, "_degf": frame.degf,
                     "_fpc_kinds": tuple(frame.kinds), "_lazy": frame}
            for name, value in found.items():
                object.__setattr__(self, name, value)
        else:
            self._encode(data, w_name, strata_names, cluster_names, fpc_names, bool(nest),
                         n_stages)
        object.__setattr__(self, "_strata_names", tuple(strata_names))
        object.__setattr__(self, "_cluster_names", tuple(cluster_names))
        object.__setattr__(self, "_fpc_names", tuple(fpc_names))
        object.__setattr__(self, "_nest", bool(nest))
        object.__setattr__(self, "_lonely_psu", lonely)
        object.__setattr__(self, "_adjust_domain_lonely", adjust)
        object.__setattr__(self, "_calibration", ())
        object.__setattr__(self, "_adjustments", ())

    def _encode(self, data: pd.DataFrame, w_name: str | None, strata_names: list[str],
                cluster_names: list[str], fpc_names: list[str], nest: bool,
                n_stages: int) -> None:
        """The design of a pandas DataFrame, encoded once (``_encode``'s steps in order)."""
        n = len(data)
        codes = encode_codes(data, strata_names, cluster_names, nest, n_stages)
        structure = stage_structure(codes, n_stages)
        pop_sizes, kinds = population_sizes(data, fpc_names, strata_names, cluster_names,
                                            codes, structure[1], n_stages)
        stages, n_var = make_stages(codes, structure, pop_sizes, n_stages)
        w, source = design_weights(data, w_name, fpc_names, stages, codes, n_stages)
        degf, unit_codes = finish_stages(w, codes, stages, n_stages)
        row_strata = codes.row_strata

        # pandas >= 3 copies on write, so a shallow copy is already private; older pandas
        # needs a deep copy.
        object.__setattr__(self, "_data", data.copy(deep=not PANDAS_COW))
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_w", w)
        object.__setattr__(self, "_weights_source", source)
        object.__setattr__(self, "_fpc_kinds", tuple(kinds))
        object.__setattr__(self, "_stages", tuple(stages))
        object.__setattr__(self, "_unit_codes", tuple(unit_codes))
        object.__setattr__(self, "_stratum_codes", tuple(row_strata))
        object.__setattr__(self, "_n_var_stages", n_var)
        object.__setattr__(self, "_degf", degf)
        object.__setattr__(self, "_lazy", None)

    def _derive(self, w: np.ndarray, adjustment: str,
                step: CalibrationStep | None = None) -> SurveyDesign:
        """A new design with other weights (and one more calibration step), same structure."""
        new = object.__new__(SurveyDesign)
        for name in SurveyDesign.__slots__:
            if name != "_cache":  # derived arrays belong to the old weights
                object.__setattr__(new, name, getattr(self, name))
        w = np.array(w, dtype=np.float64)
        w.setflags(write=False)
        object.__setattr__(new, "_w", w)
        object.__setattr__(new, "_adjustments", (*self._adjustments, adjustment))
        if step is not None:
            object.__setattr__(new, "_calibration", (*self._calibration, step))
        object.__setattr__(new, "_degf", int(new._degf_by(np.ones(self._n, dtype=bool))[0]))
        return new

    def _describe(self, s: int, strata: np.ndarray) -> list[str]:
        """Labels of strata (at stage s, 0-based) for messages, sorted."""
        codes = self._stratum_codes[s]
        # over a Dask DataFrame: the table of the design's distinct keys, which the codes index
        data = self._data if self._lazy is None else self._lazy.keys
        _, first = np.unique(codes, return_index=True)  # first row of each stratum
        rows = first[np.asarray(strata, dtype=np.int64)]
        if s == 0:
            if not self._strata_names:
                return ["(the whole sample)"] * len(rows)
            values = data[self._strata_names[0]].iloc[rows]
            return sorted(label(v) for v in values)
        parents = data[self._cluster_names[s - 1]].iloc[rows]
        if len(self._strata_names) > s:
            own = data[self._strata_names[s]].iloc[rows]
            labels = [f"stratum {label(o)} within PSU {label(p)} (stage {s + 1})"
                      for o, p in zip(own, parents, strict=True)]
        else:
            labels = [f"stage {s + 1} stratum within PSU {label(p)}" for p in parents]
        return sorted(labels)

    @classmethod
    def from_parquet(
        cls,
        path: Any,
        *,
        weights: str | None = None,
        strata: Columns = None,
        clusters: Columns = None,
        fpc: Columns = None,
        nest: bool = False,
        lonely_psu: LonelyPSU = "fail",
        adjust_domain_lonely: bool = False,
        read_options: dict[str, Any] | None = None,
    ) -> SurveyDesign:
        """A design over a Parquet data set read lazily, partition by partition, with Dask.

        For files larger than memory: the rows stay in the files, and each estimate is one
        pass over them, in parallel on the machine or on a cluster. It is
        ``SurveyDesign(dask.dataframe.read_parquet(path, **read_options), ...)``: a
        ``SurveyDesign`` accepts a Dask DataFrame as it accepts a pandas one.

        Parameters
        ----------
        path : str, path or list of them
            A Parquet file, a folder of them or a list of files (any path
            ``dask.dataframe.read_parquet`` reads, remote stores included).
        weights, strata, clusters, fpc, nest, lonely_psu, adjust_domain_lonely : optional
            The design, as for the constructor.
        read_options : dict or None
            Keyword arguments for ``dask.dataframe.read_parquet``, such as
            ``{"split_row_groups": True}`` for one partition per row group (the default
            gathers row groups into partitions of about 256 MB).

        Returns
        -------
        SurveyDesign
            ``mean``, ``total``, ``proportion`` and ``ratio`` (with ``by=``) run on it and
            return the same :class:`DesignEstimate` as in memory, equal up to rounding;
            ``poststratify`` and ``rake`` return such a design with calibrated weights.

        Notes
        -----
        Declaring the design reads the design's own columns once (strata, PSUs, fpc and
        weights: their checks, the strata and PSU counts and the degrees of freedom); each
        estimate then reads the columns it needs once more (after post-stratification or
        raking without clusters, twice). What does not run on Dask (quantiles, ``glm``,
        ``crosstab``, ``ttest``, ``calibrate``, ``trim_weights``, ``to_replicate``) raises
        ``NotImplementedError`` saying what to do instead. A PSU may span partitions; the
        final step keeps one row per PSU (or, without clusters, per stratum) in memory, so
        memory grows with the PSUs, not with the rows. Needs the ``dask`` extra: ``pip
        install 'surveystats[dask]'``.

        Examples
        --------
        The design of the class example, written to a folder of two Parquet files:

        >>> import shutil, tempfile
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> from surveystats.design import SurveyDesign
        >>> df = pd.DataFrame({
        ...     "region": ["N", "N", "N", "N", "S", "S", "S"],
        ...     "district": [1, 1, 2, 3, 4, 4, 5],
        ...     "w": [10, 10, 12, 8, 20, 20, 15],
        ...     "score": [52, 61, 47, 58, 70, 66, 73],
        ... })
        >>> folder = Path(tempfile.mkdtemp())
        >>> df.iloc[:3].to_parquet(folder / "part-0.parquet")
        >>> df.iloc[3:].to_parquet(folder / "part-1.parquet")
        >>> design = SurveyDesign.from_parquet(folder, weights="w", strata="region",
        ...                                    clusters="district")
        >>> design.mean("score")
        DesignEstimate(mean of score: estimate=62.87, se=1.496, df=3)
        >>> shutil.rmtree(folder)

        The same numbers as in memory (and as R survey's, 62.874 with SE 1.4961); district
        1 spans both files.
        """
        return cls(_dask.read_parquet(path, read_options), weights=weights, strata=strata,
                   clusters=clusters, fpc=fpc, nest=nest, lonely_psu=lonely_psu,
                   adjust_domain_lonely=adjust_domain_lonely)

    # --- public properties --------------------------------------------------------------
    @property
    def degf(self) -> int:
        """Design degrees of freedom: PSUs minus strata (both with a non-zero weight)."""
        return self._degf

    @property
    def n_stages(self) -> int:
        """Number of sampling stages."""
        return len(self._stages)

    @property
    def n_strata(self) -> int:
        """Number of first-stage strata."""
        return self._stages[0].n_strata

    @property
    def n_psu(self) -> int:
        """Number of first-stage sampling units."""
        return self._stages[0].n_units if self._lazy is None else self._lazy.n_psu

    @property
    def lonely_psu(self) -> str:
        """The rule for strata with a single PSU."""
        return self._lonely_psu

    @property
    def lonely_strata(self) -> tuple[str, ...]:
        """Labels of the strata (at any stage) with a single sampled unit that count."""
        out: list[str] = []
        for s, st in enumerate(self._stages[: self._n_var_stages]):
            bad = np.flatnonzero(st.lonely)
            if bad.size:
                out.extend(self._describe(s, bad))
        return tuple(out)

    # --- description --------------------------------------------------------------------
    def _summary(self) -> str:
        k = self.n_stages
        has_strata = bool(self._strata_names)
        if self._cluster_names:
            kind = f"{'Stratified ' if has_strata else ''}{k}-stage cluster sample"
        else:
            kind = "Stratified random sample" if has_strata else "Simple random sample"
        parts = []
        if has_strata:
            parts.append(f"{self.n_strata:,} strata")
        if self._cluster_names:
            parts.append(f"{self.n_psu:,} PSUs")
        parts.append(f"{self._n:,} observations")
        text = f"{kind}: {', '.join(parts)}; {self._weights_source}"
        if self._fpc_names:
            pairs = zip(self._fpc_names, self._fpc_kinds, strict=True)
            fp = ", ".join(
                f"stage {s + 1} ({name!r}, {kind_})" if k > 1 else f"{name!r} ({kind_})"
                for s, (name, kind_) in enumerate(pairs)
            )
            text += f"; fpc {fp}" if k == 1 else f"; fpc at {fp}"
        else:
            units = "PSUs" if self._cluster_names else "units"
            text += f"; no fpc ({units} sampled with replacement)"
        if self._nest:
            text += "; nest=True"
        text += f"; lonely_psu={self._lonely_psu!r}"
        if self._adjustments:
            text += "; " + ", then ".join(self._adjustments)
        lonely = self.lonely_strata
        if lonely:
            shown = ", ".join(lonely[:5]) + (" ..." if len(lonely) > 5 else "")
            text += f" ({len(lonely)} with a single PSU: {shown})"
        return text + f"; df {self._degf}"

    # --- services for the estimators ------------------------------------------------------
    @property
    def _domains_keep_rows(self) -> bool:
        # R's "[.survey.design2" keeps the rows of a calibrated design (prob = Inf outside)
        return bool(self._calibration)

    def _covariance(
        self,
        scores: np.ndarray,
        domains: np.ndarray | None = None,
        n_domains: int = 1,
        rows: np.ndarray | None = None,
        full: bool = True,
    ) -> np.ndarray:
        """Taylor covariance of estimators with row-level influence values ``scores``.

        ``scores`` is (k, n); with domains, column ``d * k + j`` of the result belongs to
        score ``j`` in domain ``d`` (rows outside every domain must have score 0). ``rows``
        marks the rows of the (sub)population, which matters only for the lonely-PSU rules.

        After calibration the scores are first replaced by their residuals from each
        calibration step (R's ``svyrecvar`` with ``postStrata``); a domain's residuals are
        not zero outside the domain, so domain scores are then spread to one row each.
        ``full=False`` gives the variances only, (m,).
        """
        k = scores.shape[0]
        t_domains, t_n = domains, n_domains
        if self._calibration:
            if domains is not None and n_domains > 1:
                too_many_domains(n_domains, k, self._n)
                spread = np.zeros((n_domains, k, self._n))
                spread[domains, :, np.arange(self._n)] = scores.T
                scores = spread.reshape(n_domains * k, self._n)
            before = scores
            for step in self._calibration:
                scores = step.residuals(scores)
            scores = zero_small_rows(scores, before, ZERO_RESIDUAL)
            t_domains, t_n = None, 1
        s_fine = self._n_var_stages - 1
        fine = _reduce.unit_totals(
            scores, self._unit_codes[s_fine], self._stages[s_fine].n_units, t_domains, t_n
        )
        return self._covariance_of_totals(fine, k, domains, n_domains, rows, full)

    @property
    def _needs_presence(self) -> bool:
        """Whether the lonely-PSU rules look at which units have rows in each domain."""
        return (self._lonely_psu in ("fail", "average") and any(
            st.lonely.any() for st in self._stages[: self._n_var_stages])) or (
            self._adjust_domain_lonely and self._lonely_psu in ("adjust", "average"))

    def _covariance_of_totals(
        self,
        fine: _reduce.Totals,
        k: int,
        domains: np.ndarray | None = None,
        n_domains: int = 1,
        rows: np.ndarray | None = None,
        full: bool = True,
        presence: Callable[[], list[np.ndarray]] | None = None,
    ) -> np.ndarray:
        """Taylor covariance from the scores' totals in the finest variance stage's units
        (as :func:`_reduce.unit_totals` gives them, ``k`` scores per domain); the rest of
        :meth:`_covariance`. An estimator that can sum its scores by unit without making
        them row by row (a cross table's cells, a Dask DataFrame's partitions) enters
        here, on a design without calibration. ``presence()``, instead of ``rows``: which
        units of each stage have rows in each domain (``_reduce.group_presence``)."""
        s_fine = self._n_var_stages - 1
        totals = [fine]
        for s in range(s_fine, 0, -1):
            parent = self._stages[s].stratum_group[self._stages[s].unit_stratum]
            totals.insert(0, _reduce.roll_up(totals[0], parent, self._stages[s - 1].n_units))
        present = None
        column_group = None
        needs_presence = self._needs_presence
        if needs_presence and presence is not None:
            present = presence()
            column_group = np.repeat(np.arange(n_domains), k)
        elif needs_presence and rows is not None:
            present = [
                _reduce.group_presence(rows, self._unit_codes[s], self._stages[s].n_units,
                                       domains, n_domains)
                for s in range(self._n_var_stages)
            ]
            column_group = np.repeat(np.arange(n_domains), k)
        return taylor_covariance(
            totals, self._stages[: self._n_var_stages], self._lonely_psu,
            present=present, column_group=column_group, describe=self._describe, full=full,
            adjust_domain_lonely=self._adjust_domain_lonely,
        )

    def _variance(
        self,
        lin: Linear,
        replicates: ReplicateEstimates,
        domains: np.ndarray | None = None,
        n_domains: int = 1,
        rows: np.ndarray | None = None,
        full: bool = True,
    ) -> np.ndarray:
        """Covariance of an estimator: Taylor linearisation of its influence values.

        (A :class:`ReplicateDesign` calls ``replicates`` instead; this design ignores it.)
        ``full=False``: the variances only.
        """
        return self._covariance(lin.scores, domains, n_domains, rows, full)

    def _degf_by(
        self, rows: np.ndarray, domains: np.ndarray | None = None, n_domains: int = 1
    ) -> np.ndarray:
        """R's degf of each domain subset: PSUs minus strata with non-zero-weight rows."""
        mask = rows & (self._w > 0)
        st = self._stages[0]
        dom = (np.zeros(int(mask.sum()), dtype=np.int64) if domains is None
               else domains[mask])
        if self._unit_codes[0] is None:  # the rows are the PSUs
            n_psu = np.bincount(dom, minlength=n_domains)
            strata = self._stratum_codes[0][mask]
        else:  # the (PSU, domain) pairs with rows: memory grows with rows, not PSUs x domains
            pairs = np.unique(dom * st.n_units + self._unit_codes[0][mask])
            dom, unit = np.divmod(pairs, st.n_units)
            n_psu = np.bincount(dom, minlength=n_domains)
            strata = st.unit_stratum[unit]
        cells = np.unique(strata * n_domains + dom)
        n_str = np.bincount(cells % n_domains, minlength=n_domains)
        return (n_psu - n_str).astype(np.float64)

    # --- replicate weights ----------------------------------------------------------------
    def _psu_structure(self) -> PSUStructure:
        st = self._stages[0]
        unit = (np.arange(self._n, dtype=np.int64) if self._unit_codes[0] is None
                else self._unit_codes[0])
        _, first_unit = np.unique(unit, return_index=True)
        strata = self._stratum_codes[0]
        _, first_stratum = np.unique(strata, return_index=True)
        if self._strata_names:
            values = self._data[self._strata_names[0]].to_numpy()[first_stratum]
            labels = [str(label(v)).strip("'") if isinstance(v, str) else label(v)
                      for v in values]
        else:
            labels = ["(the whole sample)"]
        return PSUStructure(
            unit=unit,
            unit_stratum=np.asarray(st.unit_stratum),
            pop_size=np.asarray(st.pop_size),
            unit_order=np.argsort(np.argsort(first_unit, kind="stable"), kind="stable"),
            stratum_order=np.argsort(np.argsort(first_stratum, kind="stable"), kind="stable"),
            stratum_labels=labels,
            has_strata=bool(self._strata_names),
            lonely_psu=self._lonely_psu,
            later_fpc=len(self._fpc_names) > 1,
        )

    def to_replicate(
        self,
        kind: SchemeName,
        *,
        replicates: int | None = None,
        fay_rho: float | None = None,
        rng: int | np.random.Generator | None = None,
        mse: bool | None = None,
        large: Literal["split", "merge"] | None = None,
        sort: str | None = None,
    ) -> ReplicateDesign:
        """Replicate weights for this design (R survey's ``as.svrepdesign``).

        Parameters
        ----------
        kind : {"jk1", "jkn", "brr", "fay", "bootstrap", "sdr"}
            ``"jk1"``: delete-one-PSU jackknife for an unstratified design, one replicate
            per PSU, scale ``(n - 1) / n`` times ``(N - n) / N`` with an fpc.
            ``"jkn"``: stratified jackknife, one replicate per PSU; the PSU's stratum is
            reweighted by ``n_h / (n_h - 1)``; rscale ``(n_h - 1) / n_h`` times
            ``(N_h - n_h) / N_h`` with an fpc.
            ``"brr"``: balanced repeated replication for designs with exactly two PSUs per
            stratum: half-samples from the columns of a Hadamard matrix of order greater
            than the number of strata (factors 2 and 0, scale 1/R).
            ``"fay"``: Fay's BRR (factors ``2 - fay_rho`` and ``fay_rho``, scale
            ``1 / (R (1 - fay_rho)²)``).
            ``"bootstrap"``: Rao and Wu's (1988) rescaling bootstrap: in each stratum
            ``n_h - 1`` PSUs drawn with replacement, factors
            ``1 - λ + λ n_h / (n_h - 1) · (times drawn)`` with ``λ = sqrt(1 - n_h/N_h)``
            (1 without an fpc), scale ``1 / (R - 1)``.
            ``"sdr"``: successive-difference replication (Fay and Train 1995), the
            American Community Survey's method: PSUs in their sort order, each with two
            rows of a Hadamard matrix of order R shared with its neighbours, factors
            ``1 ± 2^(-1/2)`` or 1, scale ``4 / R``, ``mse=True`` (see Notes).
        replicates : int or None
            Number of replicates: for ``"bootstrap"`` (default 50, as R's
            ``as.svrepdesign``) and ``"sdr"`` (default 80, the ACS's; the order of a
            Hadamard matrix, a multiple of 4 such as 16, 64, 80 or 160). Any other kind
            refuses it.
        fay_rho : float or None
            Fay's rho in (0, 1); only for ``"fay"`` (None there means 0.3, a judgement;
            give the rho your agency used). Any other kind refuses it.
        rng : int, numpy Generator or None
            Seed or generator for the bootstrap draws (``numpy.random.default_rng``).
        mse : bool or None, default None
            Centre the replicates at the full-sample estimate instead of their mean. None:
            True for ``"sdr"`` (the ACS formula ``4/R Σ (θ_r - θ̂)²``), False otherwise
            (R's default).
        large : {"split", "merge"} or None
            ``"brr"`` and ``"fay"`` with strata of more than two PSUs (R's ``brrweights(
            large=)``): "split" pairs the PSUs of such a stratum, in the order they first
            appear, into pseudo-strata (an even number is needed); "merge" makes each such
            stratum one pseudo-stratum whose first half of PSUs (by appearance) is one
            half-sample. None (the default) refuses such strata.
        sort : str or None
            ``"sdr"`` only: a column giving the sort order of the PSUs (the order of
            selection of a systematic sample, such as the ACS's geographic sort); it must
            have one value per PSU. None: the order in which the PSUs first appear in the
            data, so a file already in sort order needs nothing. Ties keep that order.

        Returns
        -------
        ReplicateDesign
            With the same data and full-sample weights; ``df`` is the rank of the
            replicate weights minus 1, as in R.

        Raises
        ------
        ValueError
            ``"jk1"`` on a stratified design (use ``"jkn"``) and ``"jkn"``, ``"brr"``,
            ``"fay"`` on an unstratified one; BRR/Fay without exactly two PSUs in every
            stratum; lonely PSUs under ``lonely_psu="fail"``; a calibrated design
            (convert first, then calibrate the replicate design, so that every replicate
            is calibrated); an argument that the kind does not use; for ``"sdr"``, a
            number of replicates that is not the order of a Hadamard matrix this package
            builds (the message names the nearest), or a ``sort`` column with missing
            values or more than one value in a PSU.

        Notes
        -----
        Only the first stage enters (strata, PSUs and the stage 1 fpc), as in R; an fpc of
        a later stage is dropped with a warning, as is any fpc for BRR and Fay. Replicates
        are in R's order: JKn by stratum in order of first appearance in the data, then
        PSU in order of first appearance; BRR strata by their labels as text. JK1 and JKn
        weights equal R's exactly. BRR and Fay equal R's wherever R's ``hadamard()`` uses
        a Sylvester or Paley matrix (364 of the strata counts 1 to 400); for 24-27, 32-35,
        48-55, 68-71, 108-111, 140-143, 220-223 and 284-287 strata R uses its stored
        matrices of order 28 and 36 (or their doublings) and this function another
        Hadamard matrix of the same order, which gives the same number of replicates, the
        same variance for totals and a slightly different one for ratios. R's
        ``type="bootstrap"`` is a different bootstrap (Canty and Davison's, n_h draws);
        Rao-Wu with ``n_h - 1`` draws is R's ``type="subbootstrap"``.

        Lonely PSUs: ``"jkn"`` follows the design's ``lonely_psu`` rule as R's
        ``jknweights`` does; ``"bootstrap"`` supports "fail", "remove" and "certainty"
        (the stratum keeps its weights in every replicate).

        **Successive differences.** A systematic sample from a sorted frame (every k-th
        address in geographic order) has no unbiased variance estimator: it is one
        cluster. Neighbours in the sort order are alike, so the sample behaves like a
        finely stratified one with two units per stratum, and the successive-difference
        estimator of a total, ``1/2 Σ_k (z_k - z_(k-1))²`` over the PSU totals ``z`` in
        sort order (circular: the last PSU is compared with the first), captures the gain
        from the sort (Wolter 2007, ch. 8). Fay and Train [3]_ turned it into replicate
        weights, so that any statistic, weighting step or model can be replicated; the
        U.S. Census Bureau uses them for the American Community Survey with R = 80 [4]_.
        PSU k (0-based, in sort order, n PSUs) takes rows ``k mod R`` and
        ``((k + 1) mod n) mod R`` of a Hadamard matrix ``H`` of order R, its factor in
        replicate r is ``1 + 2^(-3/2) (H[k mod R, r] - H[((k + 1) mod n) mod R, r])``
        (1.7071, 0.2929 or 1) and every row of the PSU gets it. PSU k's second row is
        PSU k + 1's first, so ``t_r - t = 2^(-3/2) Σ_k H[k mod R, r] (z_k - z_(k-1))``, and the
        orthogonality of the rows of ``H`` gives ``4/R Σ_r (t_r - t)² =
        1/2 Σ_j (Σ_(k = j mod R) (z_k - z_(k-1)))²``: with n <= R exactly the circular
        successive-difference estimator (Ash's SD2 [5]_); with more PSUs than replicates
        the rows are reused cyclically and the differences of PSUs R, 2R, ... apart add
        cross-products that average about 0 when such distant PSUs are unrelated. ``H``
        is the normalised Hadamard matrix R's ``hadamard(R - 1)`` builds, with its first
        row negated so that no replicate repeats the full sample. A stage 1 fpc enters
        the factors as ``1 + sqrt(1 - n_h/N_h) (f - 1)`` (the variance of a total is then
        ``(1 - f)`` times the above for a constant f); later-stage fpcs are dropped with a
        warning. Strata play no part beyond the fpc: the chain runs through the whole sort
        order, as in the ACS, whose sort order runs through its strata. To keep each
        stratum's PSUs together (as svrep's ``as_sdr_design`` does), sort by stratum
        first. SDR assumes an informative sort order: on a file in random order it
        estimates roughly the with-replacement variance, and on strata of two PSUs
        ``"brr"`` or ``"jkn"`` fit the design better. R survey does not build these
        weights; ``svrepdesign(type = "successive-difference")`` reads them, and
        ``tests/reference/design/make_sdr.R`` builds the same factors in R.

        References
        ----------
        .. [1] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex
           survey data. *JASA* 83, 231-241.
        .. [2] Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed.
        .. [3] Fay, R. E. and Train, G. F. (1995). Aspects of survey and model-based
           postcensal estimation of income and poverty characteristics for states and
           counties. *Proceedings of the Section on Government Statistics*, American
           Statistical Association, 154-159.
        .. [4] U.S. Census Bureau (2014). *American Community Survey Design and
           Methodology*, ch. 12, Variance Estimation.
        .. [5] Ash, S. (2014). Using successive difference replication for estimating
           variances. *Survey Methodology* 40, 47-59.

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("cluster1")
        >>> design = SurveyDesign(df, weights="weight", clusters="municipality", fpc="fpc")
        >>> jk = design.to_replicate("jk1")
        >>> jk.n_replicates, jk.degf
        (40, 39)
        >>> design.mean("optimistic").se.round(5), jk.mean("optimistic").se.round(5)
        (array([0.02092]), array([0.02139]))

        The jackknife SE of a mean (a ratio) is close to, not equal to, the linearised
        one. R survey agrees: ``svymean(~optimistic, as.svrepdesign(svydesign(
        id=~municipality, weights=~weight, fpc=~fpc, data=df), type="JK1"))`` gives SE
        0.021394.

        Successive-difference replicates of the same 40 municipalities, in the order they
        appear (the fpc enters the factors):

        >>> sdr = design.to_replicate("sdr")
        >>> sdr.n_replicates, sdr.scale, sdr.mse, sdr.degf
        (80, 0.05, True, 39)
        >>> sdr.mean("optimistic").se.round(5)
        array([0.02021])

        close to the linearised 0.02092. SDR is the method to use when the file is in the
        sort order of a systematic selection; R survey reads such weights with
        ``svrepdesign(type = "successive-difference")`` but does not build them.
        """
        self._in_memory("to_replicate")
        return as_replicate(self, kind, replicates=replicates, fay_rho=fay_rho, rng=rng,
                            mse=mse, large=large, sort=sort)

    # --- calibration hooks (the methods are in _methods) ------------------------------------
    def _calibration_weights(self) -> np.ndarray:
        return self._w

    def _with_weights(self, W: np.ndarray, adjustment: str,
                      step: Callable[[], CalibrationStep] | None = None) -> SurveyDesign:
        return self._derive(W, adjustment, None if step is None else step())

    def _cells(self, param: str, strata: str | Sequence[str]) -> Cells:
        names = as_names(param, strata, required=True)
        for name in names:
            self._column(param, name)
        return cells_of(param, self._data, names)
