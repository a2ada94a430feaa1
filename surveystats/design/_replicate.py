"""Replicate-weight designs: the :class:`ReplicateDesign` class.

It holds the full-sample weights and the replicate weights, either supplied (an agency's
jackknife or BRR columns) or made from a :class:`SurveyDesign` by
:func:`~surveystats.design._convert.as_replicate` (``SurveyDesign.to_replicate``). Its
estimator and calibration methods are those of :class:`SurveyDesign`, written once in
:mod:`~surveystats.design._methods`, and call the very functions of
:mod:`~surveystats.design._estimators` that a :class:`SurveyDesign` uses; its variance is the
replicate engine of :mod:`~surveystats.design._repvar` (R survey's ``svrVar``), which knows
nothing about the estimator. The schemes that make replicate factors live in
:mod:`~surveystats.design._schemes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from surveystats._params import NON_NEGATIVE
from surveystats._validation import check_choice, check_interval
from surveystats.design import _dask
from surveystats.design._args import bool_arg, fay_rho_arg, fmt, positive, type_name
from surveystats.design._calibration import CalibrationStep, Cells, cells_of
from surveystats.design._columns import PANDAS_COW, as_name, as_names, real_column, rows_text
from surveystats.design._estimators import Linear, ReplicateEstimates
from surveystats.design._methods import _Columns, _DesignMethods
from surveystats.design._repvar import ReplicateWeights, replicate_covariance

__all__ = ["REPLICATE_TYPES", "ReplicateDesign"]

ReplicateType = Literal["jk1", "jkn", "brr", "fay", "bootstrap", "sdr", "other"]
REPLICATE_TYPES: tuple[str, ...] = ("jk1", "jkn", "brr", "fay", "bootstrap", "sdr", "other")

# --- the design -------------------------------------------------------------------------


class ReplicateDesign(_DesignMethods):
    """A survey design described by replicate weights (R survey's ``svrepdesign``).

    Each replicate is a reweighting of the sample (a jackknife replicate drops a PSU, a
    half-sample replicate doubles one PSU of each pair, a bootstrap replicate resamples
    PSUs); the spread of an estimate over the replicates measures its sampling variance.
    Agencies publish replicate weights instead of strata and PSUs; declare them here, or
    make them from a :class:`SurveyDesign` with :meth:`SurveyDesign.to_replicate`. The
    estimator methods are those of :class:`SurveyDesign` and return the same
    :class:`DesignEstimate`.

    Parameters
    ----------
    data : DataFrame or dask.dataframe.DataFrame
        One row per responding unit. The design keeps its own copy. A Dask DataFrame
        (files larger than memory; see ``from_parquet``) is read partition by
        partition; ``replicate_weights`` must then name its columns. ``mean``,
        ``total``, ``proportion``, ``ratio``, ``poststratify`` and ``rake`` run on it.
    replicate_weights : list of str, str or array of shape (n, R)
        The replicate analysis weights (sampling weight times replicate factor, R's
        ``combined.weights=TRUE``): a list of column names, a regular expression matched
        at the start of the column names (so a prefix such as ``"rep"`` or a pattern such
        as ``"^repwt[0-9]+$"``; columns in data order), or an (n, R) array.
    weights : str
        Column of full-sample weights (>= 0).
    scale : float or None
        Overall factor of the variance. None: the type's rule, ``(R - 1) / R`` for
        "jk1" (no fpc), ``1 / R`` for "brr", ``1 / (R (1 - rho)²)`` for "fay", ``1 /
        (R - 1)`` for "bootstrap", ``4 / R`` for "sdr" and 1 for "jkn"; "other" needs it.
    rscales : float, sequence of float or None
        One factor per replicate (a single number is used for all). Required for "jkn"
        (``(n_h - 1) / n_h`` for a replicate dropping a PSU of stratum h); default 1.
    mse : bool or None, default None
        Centre the replicates at the full-sample estimate (True) or at their mean (False).
        None: True for "sdr" (the American Community Survey's formula,
        ``4/R Σ (θ_r - θ̂)²``), False otherwise (R's default).
    type : {"jk1", "jkn", "brr", "fay", "bootstrap", "sdr", "other"}, default "other"
        The kind of replicates, which sets the default ``scale``. "sdr": successive-
        difference replicates as the ACS and other Census Bureau files ship them (Fay and
        Train 1995; R's ``svrepdesign(type = "successive-difference")``), scale ``4 / R``.
    df : float or None
        Degrees of freedom for intervals. None: the rank of the replicate weights minus 1,
        as R's ``degf`` (a design with 80 BRR replicates from 80 strata has 80 - 1).
    fay_rho : float or None
        Fay's rho, needed for ``type="fay"`` only (the replicate factors are 2 - rho and
        rho).

    Attributes
    ----------
    degf : int or float
        Degrees of freedom.
    n_replicates : int
        Number of replicates R.
    scale : float
    rscales : ndarray
    mse : bool
    type : str
    weights : ndarray
        A copy of the full-sample weights.
    replicate_weights : ndarray
        The (n, R) replicate analysis weights (a new array on every access).

    Notes
    -----
    The variance of an estimate θ̂ with replicate estimates θ_r is

    ``V = scale Σ_r rscale_r (θ_r - θ̄)²``

    with θ̄ the mean of the replicates (``mse=False``) or θ̂ itself (``mse=True``). Each
    θ_r is the same statistic computed with replicate r's weights; all replicates come
    from one matrix product. The variance is only as good as the replicates: the scale
    must be the one that goes with the way they were made (a jackknife with the BRR scale
    is wrong by a factor of about R), and a replicate that is missing a calibration step
    that the full-sample weights had understates the variance.

    References
    ----------
    .. [1] Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
    .. [2] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 2.3.

    Examples
    --------
    A stratified jackknife made from the teaching two-stage sample, then the replicate
    weights declared again as an agency would publish them:

    >>> from surveystats.datasets import load_teaching_sample
    >>> from surveystats.design import ReplicateDesign, SurveyDesign
    >>> df = load_teaching_sample("cluster2")
    >>> design = SurveyDesign(df, weights="weight", strata="region",
    ...                       clusters="municipality")
    >>> jk = design.to_replicate("jkn")
    >>> jk
    ReplicateDesign(35 jkn replicates, 420 observations; weights from 'weight'; scale 1,
    rscales from 0.5 to 0.8333; mse=False; df 27)
    >>> jk.mean("income")
    DesignEstimate(mean of income: estimate=41.8, se=4.783, df=27)
    >>> reps = jk.replicate_weights
    >>> again = ReplicateDesign(df, replicate_weights=reps, weights="weight", type="jkn",
    ...                         rscales=jk.rscales)
    >>> again.mean("income").se.round(4)
    array([4.7827])

    R survey agrees: ``svymean(~income, as.svrepdesign(svydesign(id=~municipality,
    strata=~region, weights=~weight, data=df), type="JKn"))`` gives 41.796 with SE 4.7827.
    """

    __slots__ = (
        "_adjustments", "_cache", "_data", "_degf", "_df_given", "_lazy", "_mse", "_n",
        "_reps", "_rscales", "_scale", "_source", "_type", "_w",
    )

    _data: pd.DataFrame
    _n: int
    _w: np.ndarray
    _reps: ReplicateWeights
    _scale: float
    _rscales: np.ndarray
    _mse: bool
    _type: str
    _degf: float
    _df_given: bool
    _source: str
    _adjustments: tuple[str, ...]
    _lazy: _dask.ReplicateFrame | None

    _immutable_hint = "calibration methods return a new design"

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        replicate_weights: str | Sequence[str] | np.ndarray,
        weights: str,
        scale: float | None = None,
        rscales: float | Sequence[float] | np.ndarray | None = None,
        mse: bool | None = None,
        type: ReplicateType = "other",
        df: float | None = None,
        fay_rho: float | None = None,
    ) -> None:
        lazy = _dask.is_dask_frame(data)
        if not lazy and not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame, not {type_name(data)}; or a Dask "
                            "DataFrame, for data larger than memory")
        if not lazy:
            if len(data) == 0:
                raise ValueError("data has no rows")
            # the design's own frame (pandas >= 3: a shallow copy, whose reference makes a
            # later change to the caller's frame copy its columns first, copy-on-write, so
            # arrays read from this frame never change under the design)
            data = data.copy(deep=not PANDAS_COW)
        kind = check_choice("type", type.lower() if isinstance(type, str) else type,
                            REPLICATE_TYPES)
        mse = kind == "sdr" if mse is None else bool_arg("mse", mse)
        cols = _Columns(data)
        w_name = cols.check("weights", as_name("weights", weights))
        if lazy:  # the columns only; their values are read by one pass, below
            names, what = self._replicate_names(data, cols, replicate_weights, w_name,
                                                lazy=True)
            n_rep = len(names)
            if n_rep < 2:
                raise ValueError(
                    f"replicate_weights gives {n_rep} replicate(s); a replicate variance "
                    "needs at least 2"
                )
            source = f"{what} ({names[0]!r} ... {names[-1]!r})"
        else:
            w = real_column("weights", data[w_name])
            bad = ~np.isfinite(w) | (w < 0)
            if bad.any():
                rows = np.flatnonzero(bad)
                raise ValueError(
                    f"weights ({w_name!r}) has {rows.size} missing, negative or infinite "
                    f"value(s) (rows {rows_text(data.index, rows)}); weights must be finite "
                    "and >= 0"
                )
            W, source, norms = self._read_replicates(data, cols, replicate_weights, w_name)
            n_rep = W.shape[1]
        # --- scale and rscales by type ------------------------------------------------
        if fay_rho is not None and kind != "fay":
            raise ValueError(f"fay_rho ({fay_rho!r}) is only used with type='fay', not "
                             f"type={kind!r}")
        if kind in ("brr", "fay", "sdr") and scale is not None:
            raise ValueError(
                f"scale ({scale!r}) is fixed by type={kind!r} (1/R for BRR, "
                "1/(R (1 - rho)^2) for Fay, 4/R for successive differences); leave it out, "
                "or use type='other'"
            )
        if kind == "fay":
            if fay_rho is None:
                raise ValueError("type='fay' needs fay_rho= (the factors are 2 - rho and "
                                 "rho; 0.3 is common, 0.5 in the US Census Bureau's ACS "
                                 "and CPS)")
            rho = fay_rho_arg(fay_rho)
            scale_v = 1.0 / (n_rep * (1.0 - rho) ** 2)
        elif kind == "brr":
            scale_v = 1.0 / n_rep
        elif kind == "sdr":
            scale_v = 4.0 / n_rep
        elif scale is not None:
            scale_v = positive("scale", scale)
        elif kind == "jk1":
            scale_v = (n_rep - 1.0) / n_rep
        elif kind == "bootstrap":
            scale_v = 1.0 / (n_rep - 1.0)
        elif kind == "jkn":
            scale_v = 1.0
        else:
            raise ValueError(
                "type='other' needs scale= (the factor in front of the sum of squared "
                "deviations of the replicates: 1/R for BRR, (R-1)/R for a delete-one "
                "jackknife, 4/R for successive differences, ...); or give the type"
            )
        if rscales is None:
            if kind == "jkn":
                raise ValueError(
                    "type='jkn' needs rscales= ((n_h - 1) / n_h for a replicate that "
                    "drops a PSU of stratum h, times 1 - n_h/N_h with an fpc)"
                )
            rs = np.ones(n_rep)
        else:
            rs = check_interval("rscales", rscales, NON_NEGATIVE, nan_policy=None).ravel()
            if rs.size == 1:
                rs = np.full(n_rep, float(rs[0]))
            if rs.size != n_rep:
                raise ValueError(
                    f"rscales has length {rs.size} but there are {n_rep} replicates; give "
                    "one rscale per replicate (or a single number for all)"
                )
        df_v: float | None = None
        if df is not None:
            df_v = positive("df", df)
        source = f"weights from {w_name!r}, replicates from {source}"
        if lazy:  # one pass: the weights' checks and, for the df, the replicates' rank
            frame = _dask.ReplicateFrame(data, w_name, names, need_rank=df_v is None)
            self._store(data, np.zeros(0), source, ReplicateWeights(np.zeros((0, n_rep))),
                        scale_v, rs, mse, kind, df_v, (),
                        structural_df=None if frame.rank is None else frame.rank - 1,
                        n=frame.n, lazy=frame)
            return
        reps = ReplicateWeights(W, norms=norms)  # our own copy, in either memory order
        self._store(data, w, source, reps, scale_v, rs, mse, kind, df_v, ())

    @classmethod
    def from_parquet(
        cls,
        path: Any,
        *,
        replicate_weights: str | Sequence[str],
        weights: str,
        scale: float | None = None,
        rscales: float | Sequence[float] | np.ndarray | None = None,
        mse: bool | None = None,
        type: ReplicateType = "other",
        df: float | None = None,
        fay_rho: float | None = None,
        read_options: dict[str, Any] | None = None,
    ) -> ReplicateDesign:
        """A replicate design over a Parquet data set read lazily, with Dask.

        For files larger than memory, such as the American Community Survey's person file
        with its 80 replicate weights: the rows stay in the files and each estimate is one
        pass over them, every replicate's sums a matrix product per partition. It is
        ``ReplicateDesign(dask.dataframe.read_parquet(path, **read_options), ...)``.

        Parameters
        ----------
        path : str, path or list of them
            A Parquet file, a folder of them or a list of files.
        replicate_weights : str or list of str
            The replicate weights' columns, or a pattern matched at the start of the column
            names (an array is refused: the weights are read from the files).
        weights, scale, rscales, mse, type, df, fay_rho : optional
            As for the constructor.
        read_options : dict or None
            Keyword arguments for ``dask.dataframe.read_parquet``.

        Returns
        -------
        ReplicateDesign
            ``mean``, ``total``, ``proportion`` and ``ratio`` (with ``by=``) run on it and
            return the same :class:`DesignEstimate` as in memory, equal up to rounding;
            ``poststratify`` and ``rake`` calibrate every replicate, as in memory.

        Notes
        -----
        Declaring the design reads the weights once: their checks and, unless ``df`` is
        given, the rank of the replicate weights (R's ``degf``) from their Gram matrix on
        every eighth row (a second pass over all rows only when that does not prove full
        rank). A ``by=`` estimate's df per domain comes the same way from the same pass.
        Replicate weights stored as float32 are read as float64, a block of rows at a time.

        Examples
        --------
        The jackknife of the class example, written to Parquet with its replicate weights:

        >>> import shutil, tempfile
        >>> from pathlib import Path
        >>> import pandas as pd
        >>> from surveystats.datasets import load_teaching_sample
        >>> from surveystats.design import ReplicateDesign, SurveyDesign
        >>> df = load_teaching_sample("cluster2")
        >>> jk = SurveyDesign(df, weights="weight", strata="region",
        ...                   clusters="municipality").to_replicate("jkn")
        >>> reps = pd.DataFrame(jk.replicate_weights,
        ...                     columns=[f"rep{r}" for r in range(1, 36)])
        >>> folder = Path(tempfile.mkdtemp())
        >>> pd.concat([df, reps], axis=1).to_parquet(folder / "survey.parquet")
        >>> lazy = ReplicateDesign.from_parquet(
        ...     folder / "survey.parquet", replicate_weights="^rep[0-9]+$",
        ...     weights="weight", type="jkn", rscales=jk.rscales)
        >>> lazy.mean("income")
        DesignEstimate(mean of income: estimate=41.8, se=4.783, df=27)
        >>> shutil.rmtree(folder)
        """
        return cls(_dask.read_parquet(path, read_options), replicate_weights=replicate_weights,
                   weights=weights, scale=scale, rscales=rscales, mse=mse, type=type, df=df,
                   fay_rho=fay_rho)

    # --- construction helpers -----------------------------------------------------------
    @staticmethod
    def _read_replicates(data: pd.DataFrame, cols: _Columns, spec: Any, w_name: str
                         ) -> tuple[np.ndarray, str, np.ndarray | None]:
        """The (n, R) replicate weights, a description of where they came from, and their
        squared column norms when they were read column by column (else None)."""
        n = len(data)
        norms: np.ndarray | None = None
        if isinstance(spec, np.ndarray) or (hasattr(spec, "shape") and not isinstance(
                spec, (str, pd.DataFrame))):
            W = np.array(spec, dtype=np.float64, order="C")  # own copy
            if W.ndim != 2 or W.shape[0] != n:
                raise ValueError(
                    f"replicate_weights has shape {W.shape}; an array must be (n, R) with "
                    f"n = {n} rows of data"
                )
            names = None
            what = "an array"
        else:
            names, what = ReplicateDesign._replicate_names(data, cols, spec, w_name)
            norms = np.empty(len(names))
            if PANDAS_COW and all(data[name].dtype == np.float64 for name in names):
                # pandas >= 3: the float64 columns as one read-only array, usually a view of
                # the frame's own memory (no copy of what may be gigabytes); copy-on-write
                # keeps it unchanged while the design holds the frame
                W = data[names].to_numpy()
                W.setflags(write=False)
            else:  # column by column into a column-major matrix, each checked and converted
                W = np.empty((n, len(names)), order="F")
                for j, name in enumerate(names):  # loop over replicate columns, not rows
                    W[:, j] = real_column("replicate_weights", data[name])
            # squared column norms (the rank needs them; a missing or infinite value makes
            # a norm non-finite)
            for j in range(W.shape[1]):  # loop over replicate columns, not rows
                with np.errstate(over="ignore"):  # overflow: norms recomputed by the rank
                    norms[j] = W[:, j] @ W[:, j]
        if W.shape[1] < 2:
            raise ValueError(
                f"replicate_weights gives {W.shape[1]} replicate(s); a replicate variance "
                "needs at least 2"
            )
        suspect = norms if norms is not None else W.sum(axis=0)
        if not np.isfinite(suspect).all() and not np.isfinite(W).all():  # then find the cell
            bad = ~np.isfinite(W)
            r, c = np.argwhere(bad)[0]
            col = names[c] if names else f"column {c}"
            raise ValueError(
                f"replicate_weights has {int(bad.sum())} missing or infinite value(s) (e.g. "
                f"{col!r}, row {rows_text(data.index, np.array([r]))}); every replicate "
                "weight must be a finite number"
            )
        source = what if names is None else f"{what} ({names[0]!r} ... {names[-1]!r})"
        if norms is not None and not np.isfinite(norms).all():  # overflow: recompute later
            norms = None
        return W, source, norms

    @staticmethod
    def _replicate_names(data: Any, cols: _Columns, spec: Any, w_name: str, *,
                         lazy: bool = False) -> tuple[list[str], str]:
        """The replicate weights' columns (a list of names, or a pattern matched at the
        start of the names) and how they were given."""
        if isinstance(spec, str):
            try:
                pattern = re.compile(spec)
            except re.error as exc:
                raise ValueError(f"replicate_weights ({spec!r}) is not a valid regular "
                                 f"expression: {exc}") from None
            names = [str(c) for c in data.columns if pattern.match(str(c))]
            if not names:
                raise ValueError(
                    f"replicate_weights ({spec!r}) matches no column (matched at the "
                    "start of the names); the columns are "
                    f"{', '.join(repr(c) for c in cols.names[:20])}"
                )
            if w_name in names:
                raise ValueError(
                    f"replicate_weights ({spec!r}) also matches the weights column "
                    f"{w_name!r}; make the pattern more specific, e.g. '^rep[0-9]+$'"
                )
            return names, f"columns matching {spec!r}"
        if isinstance(spec, Sequence) and all(isinstance(c, str) for c in spec):
            return [cols.check("replicate_weights", c) for c in spec], "columns"
        if lazy:
            raise TypeError(
                f"replicate_weights ({type_name(spec)}) must be a list of column names or a "
                "pattern (str) for a Dask DataFrame: the weights are read from its columns, "
                "partition by partition"
            )
        raise TypeError(
            f"replicate_weights ({spec!r}) must be a list of column names, a "
            "pattern (str) or an (n, R) array"
        )

    def _store(self, data: pd.DataFrame, w: np.ndarray, source: str,
               reps: ReplicateWeights, scale: float, rscales: np.ndarray, mse: bool,
               kind: str, df: float | None, adjustments: tuple[str, ...], *,
               structural_df: int | None = None, n: int | None = None,
               lazy: _dask.ReplicateFrame | None = None) -> None:
        """Store validated parts. ``df`` is a user's df, kept through calibration;
        ``structural_df`` is the rank known from a scheme, which a calibration recomputes
        (as R does); without either the df is the rank of the weights minus 1. Over a Dask
        DataFrame (``lazy``) the rows are counted by the declaration's pass (``n``)."""
        w = np.array(w, dtype=np.float64)
        w.setflags(write=False)
        rscales = np.array(rscales, dtype=np.float64)
        rscales.setflags(write=False)
        for arr in (reps.factors, reps.unit, reps.base):
            if arr is not None:
                arr.setflags(write=False)
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_n", len(data) if n is None else n)
        object.__setattr__(self, "_lazy", lazy)
        object.__setattr__(self, "_w", w)
        object.__setattr__(self, "_reps", reps)
        object.__setattr__(self, "_scale", float(scale))
        object.__setattr__(self, "_rscales", rscales)
        object.__setattr__(self, "_mse", bool(mse))
        object.__setattr__(self, "_type", kind)
        object.__setattr__(self, "_df_given", df is not None)
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_adjustments", adjustments)
        known = df if df is not None else structural_df
        degf = float(known) if known is not None else float(reps.rank()[0] - 1)
        object.__setattr__(self, "_degf", degf)

    @classmethod
    def _from_parts(cls, data: pd.DataFrame, w: np.ndarray, source: str,
                    reps: ReplicateWeights, scale: float, rscales: np.ndarray, mse: bool,
                    kind: str, df: float | None = None,
                    adjustments: tuple[str, ...] = (), *,
                    structural_df: int | None = None) -> ReplicateDesign:
        """A design from validated parts (see :meth:`_store` for the two dfs)."""
        self = object.__new__(cls)
        self._store(data, w, source, reps, scale, rscales, mse, kind, df, adjustments,
                    structural_df=structural_df)
        return self

    def _derive(self, w: np.ndarray, W: np.ndarray, adjustment: str) -> ReplicateDesign:
        """A new design with other full-sample and replicate weights (calibration)."""
        return ReplicateDesign._from_parts(
            self._data, w, self._source, ReplicateWeights(np.ascontiguousarray(W)),
            self._scale, self._rscales, self._mse, self._type,
            self._degf if self._df_given else None, (*self._adjustments, adjustment))

    def _with_lazy(self, lazy: _dask.ReplicateFrame, adjustment: str) -> ReplicateDesign:
        """A new design over the same Dask DataFrame with calibrated weights (``lazy``'s
        factors); its df the rank of the calibrated replicate weights minus 1, as R
        recomputes it, unless a df was given."""
        new = super()._with_lazy(lazy, adjustment)
        if not self._df_given:
            assert lazy.rank is not None
            object.__setattr__(new, "_degf", float(lazy.rank - 1))
        return new

    # --- public properties --------------------------------------------------------------
    @property
    def degf(self) -> int | float:
        """Degrees of freedom: rank of the replicate weights minus 1 (or the given df)."""
        d = self._degf
        return int(d) if float(d).is_integer() else d

    @property
    def n_replicates(self) -> int:
        """Number of replicates."""
        return self._reps.n_replicates

    @property
    def scale(self) -> float:
        """Overall factor of the replicate variance."""
        return self._scale

    @property
    def rscales(self) -> np.ndarray:
        """Factor of each replicate (a copy)."""
        return self._rscales.copy()

    @property
    def mse(self) -> bool:
        """Whether the replicates are centred at the full-sample estimate."""
        return self._mse

    @property
    def type(self) -> str:
        """Kind of replicates: "jk1", "jkn", "brr", "fay", "bootstrap", "sdr" or "other"."""
        return self._type

    @property
    def replicate_weights(self) -> np.ndarray:
        """The (n, R) replicate analysis weights (a new array)."""
        self._in_memory("replicate_weights")
        return np.array(self._reps.dense(), dtype=np.float64)

    # --- description --------------------------------------------------------------------
    def _summary(self) -> str:
        rs = self._rscales
        rtext = (f"rscales {fmt(rs[0])}" if np.all(rs == rs[0]) else
                 f"rscales from {fmt(rs.min())} to {fmt(rs.max())}")
        text = (f"{self.n_replicates} {self._type} replicates, {self._n:,} observations; "
                f"{self._source}; scale {fmt(self._scale)}, {rtext}; mse={self._mse}")
        if self._adjustments:
            text += "; " + ", then ".join(self._adjustments)
        return text + f"; df {fmt(self._degf)}"

    # --- services for the estimators ------------------------------------------------------
    @property
    def _domains_keep_rows(self) -> bool:
        return False  # R's "[.svyrep.design" drops the rows outside a subset

    def _variance(self, lin: Linear, replicates: ReplicateEstimates,
                  domains: np.ndarray | None = None, n_domains: int = 1,
                  rows: np.ndarray | None = None, full: bool = True) -> np.ndarray:
        thetas = replicates(self._reps)
        return replicate_covariance(thetas.reshape(thetas.shape[0], -1), lin.estimate.ravel(),
                                    self._scale, self._rscales, self._mse, full=full)

    def _degf_by(self, rows: np.ndarray, domains: np.ndarray | None = None,
                 n_domains: int = 1) -> np.ndarray:
        """R's ``degf(subset(design, ...))``: rank of the domain's replicate weights - 1."""
        return self._reps.rank(rows, domains, n_domains) - 1

    # --- calibration hooks: every replicate is calibrated like the full sample -----------
    def _calibration_weights(self) -> np.ndarray:
        """The full-sample weights, then every column of replicate weights: (n, R + 1)."""
        reps = self._reps.dense()
        out = np.empty((self._n, reps.shape[1] + 1))
        out[:, 0] = self._w
        out[:, 1:] = reps
        return out

    def _cells(self, param: str, strata: str | Sequence[str]) -> Cells:
        names = as_names(param, strata, required=True)
        for name in names:
            self._column(param, name)
        return cells_of(param, self._data, names)

    def _margin_param(self, cols: list[str]) -> str:
        """The name of a raking margin in messages, always as a list: ``margins[['sex']]``."""
        return f"margins[{cols!r}]"

    def _with_weights(self, W: np.ndarray, adjustment: str,
                      step: Callable[[], CalibrationStep] | None = None) -> ReplicateDesign:
        return self._derive(W[:, 0], W[:, 1:], adjustment)

