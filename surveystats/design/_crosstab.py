"""Design-based two-way tables and tests of association (R survey's ``svytable``,
``svyby`` shares and ``svychisq``).

A cross table of two categorical columns is estimated as the means of its ``r c`` cell
indicators (the cell shares), their totals (the weighted counts), and the means of the
column indicators within each row level (row shares) and of the row indicators within each
column level (column shares). Every one of them is a statistic of
:mod:`~surveystats.design._estimators` (influence values, or its replicate twin) handed to the
design's own variance engine, ``design._variance``: this module holds no design-specific
variance code.

The tests of independence follow R survey 4.1.1's ``svychisq``, read from its source:

* ``"F"`` and ``"Chisq"``: Pearson's ``X²`` on the weighted table scaled to the design's
  number of rows ``N``, with Rao and Scott's corrections. With ``p`` the ``r c`` cell shares,
  ``V`` their design covariance and ``C`` a basis of the interaction contrasts (orthogonal to
  the row and column main effects), the generalised design effects ``δ_k`` are the
  eigenvalues of ``Δ = (C' D⁺ C / N)⁻¹ C' D⁺ V D⁺ C`` (``D⁺``: ``1 / p`` on the cells with
  ``p > 0``, else 0). Second order (``"F"``): ``F = X² / Σδ`` on
  ``d = (Σδ)² / Σδ²`` and ``d ν`` degrees of freedom (``ν`` the design's df). First order
  (``"Chisq"``): ``X² / mean(δ)`` against chi-squared on ``(r - 1)(c - 1)`` df; R reports
  ``X²`` itself as the statistic.
* ``"Wald"`` and ``"adjWald"``: the Wald statistic of the ``(r - 1)(c - 1)`` differences
  ``N̂_ij - N̂_i. N̂_.j / N̂`` (cells of the second and later levels of both), with their
  linearised covariance from that of the cell totals; divided by ``(r - 1)(c - 1)`` against
  ``F`` on ``(r - 1)(c - 1)`` and ``ν`` df, or (adjusted) times ``(ν - q + 1) / (q ν)``
  against ``F`` on ``q`` and ``ν - q + 1`` df.
* ``"saddlepoint"``: the distribution of ``X²`` as ``Σ δ_k χ²_1`` (Rao and Scott 1981),
  its upper tail by Kuonen's (1999) saddlepoint approximation (Lugannani-Rice form). R
  divides by an independent ``χ²_m / m`` on a Taylor design (its ``pFsum`` with
  ``floor(d ν)`` copies of ``-X² / (d ν)`` in the sum, as R's ``rep`` truncates) but not on a
  replicate design (``pchisqsum``); both are followed here. Where the saddlepoint is within
  1e-4 of 0, R falls back to Satterthwaite's scaled F or chi-squared, and so does this.
* ``"lincom"``: the same distribution exactly, by Imhof's (1961) inversion formula: for
  ``Q = Σ λ_k χ²_{h_k}`` (independent, ``λ_k`` of either sign),
  ``P(Q > x) = 1/2 + (1/π) ∫_0^∞ sin θ(u) / (u ρ(u)) du`` with
  ``θ(u) = Σ h_k arctan(λ_k u) / 2 - x u / 2`` and ``ρ(u) = Π (1 + λ_k² u²)^{h_k / 4}``;
  on a Taylor design ``P(Σ δ_k χ²_1 - (X² / (d ν)) χ²_m > 0)``, ``m = floor(d ν)`` as
  above, on a replicate design ``P(Σ δ_k χ²_1 > X²)``. This is the distribution that R's
  ``pFsum`` and ``pchisqsum`` (``method = "integration"``) compute with Davies' (1980)
  algorithm when the ``CompQuadForm`` package is installed (to R's ``acc = 1e-7``).
  Without it R warns and gives the saddlepoint value: R survey 4.1.1 on Debian (no
  ``r-cran-compquadform``) made the reference values that way, so this ``"lincom"`` and
  the reference ``"lincom"`` differ by the saddlepoint's error (up to 11% in the far tails
  of the reference tables, 5.2% above ``p = 1e-4``). The integral (``_imhof``): ``λ`` and
  ``x`` divided by ``max |λ|``; cut at ``U`` where a sharpened Imhof bound on the rest,
  ``1 / (π β(U) ρ(U))``, ``β(U) = Σ h_k λ_k² U² / (1 + λ_k² U²) / 2`` (Imhof's own has
  ``Σ h / 2`` for ``β`` and ``Π |λ_k U|^{h_k / 2}`` for ``ρ``), is below 1e-18; ``[0, U]``
  by QUADPACK's adaptive Gauss-Kronrod (``scipy.integrate.quad``, to 1e-14) with a break
  point at each cycle of ``θ`` and at the powers of 4; with ``x > 0`` and more than 50
  cycles of ``x u / 2`` in ``[0, U]``, the tail beyond them as a Fourier integral (QAWF) of
  ``sin θ = sin ψ cos(x u / 2) - cos ψ sin(x u / 2)``, ``ψ = θ + x u / 2`` smooth. The
  p-value is good to about 1e-15 absolute (a relative 1e-7 at ``p = 1e-8``; ``p`` is 0
  where Chernoff's bound is below 1e-17). Where quad's estimated error exceeds 1e-9 (not
  seen in practice), ``"lincom"`` warns and gives the saddlepoint value.

Degrees of freedom and ``N`` are R's: ``ν`` is the whole design's (``degf``; missing values
dropped with ``missing="drop"`` do not change it), and ``N`` counts every row of the design,
those with missing values included (R's ``nrow(model.matrix(..., na.pass))``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import pandas as pd
import scipy.linalg
from scipy import integrate, optimize, special

from surveystats._display import fmt, html_table
from surveystats._result import Result
from surveystats._validation import check_bool, check_choice
from surveystats._warnings import SurveyStatsWarning
from surveystats.design import _estimators as est
from surveystats.design._columns import as_name, check_categories, factorize_sorted
from surveystats.design._reduce import DENSE_CELLS

if TYPE_CHECKING:
    from surveystats.design._estimators import Design
    from surveystats.design._repvar import ReplicateWeights

__all__ = ["STATISTICS", "TABLE_KINDS", "Crosstab", "CrosstabTest", "crosstab"]

Statistic = Literal["F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint"]
TableKind = Literal["count", "share", "row", "col"]

#: ``svychisq``'s statistics, R's names (the first is the default).
STATISTICS: tuple[str, ...] = ("F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint")
#: The wide views of :meth:`Crosstab.table`.
TABLE_KINDS: tuple[str, ...] = ("count", "share", "row", "col")

#: A table has at most this many cells: the tests need the full (cells x cells) covariance.
MAX_CELLS = est.MAX_COVARIANCE_ROWS

#: Eigenvalues below this fraction of the largest are rounding noise around 0 (a matrix that
#: is singular in exact arithmetic); genuine ones are many orders of magnitude larger.
_SINGULAR = 1e-10
#: R's ``saddle`` gives NA (and its callers fall back to Satterthwaite) for a root this close
#: to 0.
_SADDLE_NEAR_ZERO = 1e-4
#: Imhof's inversion ("lincom"): the integral is cut where the bound on the rest of it, as a
#: p-value, falls below this.
_IMHOF_CUT = 1e-18
#: quad's requested absolute and relative accuracy on the integral (of order 1).
_IMHOF_EPS = 1e-14
#: Where Chernoff's bound puts the p-value below this, it is 0 (under the rounding of the
#: formula's ``1/2 + ...``), without integrating.
_IMHOF_ZERO = 1e-17
#: An estimated error on the p-value above this is non-convergence: the saddlepoint instead,
#: with a warning (R's Davies runs at acc = 1e-7).
_IMHOF_ACCEPT = 1e-9
#: With x > 0, the integral is taken directly over at most this many cycles of ``x u / 2``
#: (fewer where the bound on the rest is 1e-8 before them), the rest by QAWF.
_IMHOF_DIRECT_CYCLES = 50
#: At most this many break points (one per cycle of θ) for quad.
_IMHOF_MAX_BREAKS = 4000


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Crosstab(Result):
    """Result of :meth:`SurveyDesign.crosstab`: a design-based two-way table.

    Arrays are ``(r, c)``: one row per level of ``row``, one column per level of ``col``, in
    the order of ``row_levels`` and ``col_levels``.

    Attributes
    ----------
    row, col : str
        The two columns.
    row_levels, col_levels : tuple
        Their levels: a categorical column's categories in their order (unused ones left
        out), otherwise the sorted values (R's ``factor()``).
    count, count_se : ndarray
        Weighted counts (estimated population totals, R's ``svytable`` /
        ``svytotal(~interaction(row, col))``) and their standard errors.
    share, share_se : ndarray
        Cell shares of the whole table (R's ``svymean(~interaction(row, col))``).
    row_share, row_share_se : ndarray
        Shares within each row level; every row adds up to 1 (R's
        ``svyby(~col, ~row, design, svymean)``).
    col_share, col_share_se : ndarray
        Shares within each column level; every column adds up to 1.
    count_var, share_var : ndarray, shape (r c, r c)
        Covariance matrices of the cell counts and cell shares, cells in ``to_frame()``
        order (row level by row level).
    df : float
        The design's degrees of freedom (``ν`` of the tests).
    n : int
        Rows in the table: both values present and a non-zero weight.
    n_obs : int
        Rows of the design, missing values included (R's ``N``, the size the table is
        scaled to for Pearson's ``X²``).
    design_kind : {"taylor", "replicate"}
        The variance engine; R's ``svychisq`` uses different reference distributions for
        ``"saddlepoint"`` and ``"lincom"`` on the two.
    missing : {"error", "drop"}
    """

    row: str
    col: str
    row_levels: tuple[Any, ...]
    col_levels: tuple[Any, ...]
    count: np.ndarray
    count_se: np.ndarray
    share: np.ndarray
    share_se: np.ndarray
    row_share: np.ndarray
    row_share_se: np.ndarray
    col_share: np.ndarray
    col_share_se: np.ndarray
    count_var: np.ndarray = field(repr=False)
    share_var: np.ndarray = field(repr=False)
    df: float
    n: int
    n_obs: int
    design_kind: Literal["taylor", "replicate"]
    missing: str = "error"

    @property
    def shape(self) -> tuple[int, int]:
        """``(r, c)``: the numbers of row and column levels."""
        return len(self.row_levels), len(self.col_levels)

    def to_frame(self) -> pd.DataFrame:
        """One row per cell, row level by row level.

        Columns ``row_variable, row_level, col_variable, col_level, count, count_se, share,
        share_se, row_share, row_share_se, col_share, col_share_se``.
        """
        r, c = self.shape
        frame = pd.DataFrame({
            "row_variable": [self.row] * (r * c),
            "row_level": [lv for lv in self.row_levels for _ in range(c)],
            "col_variable": [self.col] * (r * c),
            "col_level": list(self.col_levels) * r,
        })
        for name in ("count", "count_se", "share", "share_se", "row_share", "row_share_se",
                     "col_share", "col_share_se"):
            frame[name] = np.asarray(self._stored(name)).ravel()
        return frame

    def table(self, kind: TableKind = "count", *, se: bool = False) -> pd.DataFrame:
        """The wide table: row levels down, column levels across.

        Parameters
        ----------
        kind : {"count", "share", "row", "col"}, default "count"
            Weighted counts, cell shares of the whole table, row shares (each row adds up to
            1) or column shares (each column adds up to 1).
        se : bool, default False
            The standard errors instead of the estimates.
        """
        kind = check_choice("kind", kind, TABLE_KINDS)  # type: ignore[assignment]
        se = check_bool("se", se)
        name = {"count": "count", "share": "share", "row": "row_share", "col": "col_share"}[
            kind]
        values = np.array(self._stored(name + ("_se" if se else "")))
        return pd.DataFrame(values, index=pd.Index(list(self.row_levels), name=self.row),
                            columns=pd.Index(list(self.col_levels), name=self.col))

    def test(self, statistic: Statistic = "F") -> CrosstabTest:
        """Test of independence of ``row`` and ``col`` (R survey's ``svychisq``).

        Parameters
        ----------
        statistic : {"F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint"}, default "F"
            R's choices (see :meth:`SurveyDesign.crosstab` for each formula): ``"F"``, Rao
            and Scott's second-order correction of Pearson's ``X²`` as an F statistic (the
            recommended default); ``"Chisq"``, their first-order correction; ``"Wald"`` and
            ``"adjWald"``, Wald tests of the interaction; ``"saddlepoint"`` and
            ``"lincom"``, ``X²`` against its asymptotic distribution ``Σ δ_k χ²_1`` (on a
            Taylor design divided by an independent ``χ²_m / m``, R's ``pFsum``), its
            tail by Kuonen's saddlepoint approximation (``"saddlepoint"``) or exactly, by
            Imhof's inversion formula (``"lincom"``, to about 1e-15 absolute). The exact
            ``"lincom"`` is what R computes with the CompQuadForm package (Davies'
            algorithm, the same distribution); R without CompQuadForm warns and gives the
            saddlepoint value for ``"lincom"``, a few percent away (up to 14% in far
            tails, where the saddlepoint is that far off).

        Returns
        -------
        CrosstabTest
            ``statistic`` (what R prints: F, or Pearson's ``X²`` for ``"Chisq"``,
            ``"saddlepoint"`` and ``"lincom"``), ``df``, ``ddf`` (NaN where R has no
            denominator df), ``p_value``, ``method``; ``to_frame()``.

        Raises
        ------
        ValueError
            ``statistic`` not one of the six, or a table whose covariance is singular for
            the chosen test (a Wald test with empty cells, say), naming what to do instead.
        """
        name = check_choice("statistic", statistic, STATISTICS)
        return _TESTS[name](self)

    def _title(self) -> str:
        r, c = self.shape
        return f"{self.row} x {self.col} ({r} x {c})"

    def _text(self) -> str:
        return (f"weighted cross table {self._title()}: total {float(self.count.sum()):.6g}, "
                f"{self.n:,} rows, df {fmt(self.df)}")

    def __repr__(self) -> str:
        return (f"Crosstab({self._title()}: total={fmt(float(self.count.sum()))}, "
                f"n={self.n}, df={fmt(self.df)})")

    def _repr_html_(self) -> str:
        return html_table(f"Design-based cross table: {self._title()}", self.to_frame(),
                          note=f"{self.n:,} rows; design df {fmt(self.df)}")


@dataclass(frozen=True, eq=False, repr=False)
class CrosstabTest(Result):
    """Result of :meth:`Crosstab.test`: R survey's ``svychisq``.

    Attributes
    ----------
    row, col : str
        The two columns of the table.
    test : str
        The ``statistic`` choice: ``"F"``, ``"Chisq"``, ``"Wald"``, ``"adjWald"``,
        ``"lincom"`` or ``"saddlepoint"``.
    statistic_name : {"F", "X-squared"}
        What ``statistic`` is, as R labels it.
    statistic : float
        R's statistic for the choice: the F statistic (``"F"``, ``"Wald"``, ``"adjWald"``),
        or Pearson's ``X²`` of the table scaled to the design's rows (``"Chisq"``,
        ``"lincom"``, ``"saddlepoint"``).
    df : float
        Numerator (or chi-squared) degrees of freedom: R's ``ndf`` or ``df``; NaN for
        ``"lincom"`` and ``"saddlepoint"``, whose reference distribution has none.
    ddf : float
        Denominator degrees of freedom (R's ``ddf``); NaN where R gives none.
    p_value : float
    method : str
        What was computed, in words.
    """

    row: str
    col: str
    test: str
    statistic_name: str
    statistic: float
    df: float
    ddf: float
    p_value: float
    method: str

    def to_frame(self) -> pd.DataFrame:
        """The test in one row.

        Columns ``row, col, test, statistic_name, statistic, df, ddf, p_value, method``.
        """
        return pd.DataFrame([{
            "row": self.row, "col": self.col, "test": self.test,
            "statistic_name": self.statistic_name, "statistic": self.statistic,
            "df": self.df, "ddf": self.ddf, "p_value": self.p_value, "method": self.method,
        }])

    def _dfs(self) -> str:
        if math.isnan(self.df):
            return ""
        if math.isnan(self.ddf):
            return f" on {self.df:.4g} df"
        return f" on {self.df:.4g} and {self.ddf:.4g} df"

    def _text(self) -> str:
        return (f"{self.method}: {self.row} x {self.col}, {self.statistic_name} = "
                f"{self.statistic:.6g}{self._dfs()}, p = {self.p_value:.4g}")

    def __repr__(self) -> str:
        return (f"CrosstabTest({self.test}: {self.row} x {self.col}, "
                f"statistic={fmt(self.statistic)}, df={fmt(self.df)}, ddf={fmt(self.ddf)}, "
                f"p_value={fmt(self.p_value)})")

    def _repr_html_(self) -> str:
        return html_table(f"Design-based test of association: {self.row} x {self.col}",
                          self.to_frame())


# --- reading the two columns --------------------------------------------------------------


class _Factor(NamedTuple):
    codes: np.ndarray  # (n,) level of each row, -1 where missing
    levels: list[Any]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _factor(design: Design, param: str, name: str) -> _Factor:
    """Codes and levels of a categorical-like column (categories in order, else sorted)."""
    series = design._column(param, name)
    check_categories(param, series)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = np.asarray(series.cat.codes, dtype=np.int64)
        return _Factor(codes, [_plain(v) for v in series.cat.categories])
    codes, uniques = factorize_sorted(series)
    return _Factor(codes, [_plain(v) for v in uniques])


def _used_levels(param: str, name: str, f: _Factor, used: np.ndarray) -> _Factor:
    """The levels with rows in the table (unused categories left out, as R's ``factor()``),
    renumbered; a column with fewer than two is refused."""
    hit = np.bincount(f.codes[used], minlength=len(f.levels)) > 0
    levels = [lv for lv, h in zip(f.levels, hit, strict=True) if h]
    if len(levels) < 2:
        found = f"only one level ({levels[0]!r})" if levels else "no level"
        raise ValueError(
            f"{param} ({name!r}) has {found} among the rows with both values and a non-zero "
            "weight; a cross table needs at least two levels in each of row and col"
        )
    lookup = np.cumsum(hit) - 1
    codes = np.where(used, lookup[np.maximum(f.codes, 0)], -1)
    return _Factor(codes.astype(np.int64), levels)


def _indicators(codes: np.ndarray, k: int, used: np.ndarray) -> np.ndarray:
    """(k, n) 0/1 indicators of ``codes`` on the ``used`` rows (0 elsewhere)."""
    n = codes.size
    out = np.zeros((k, n))
    rows = np.flatnonzero(used)
    out[codes[rows], rows] = 1.0
    return out


# --- estimation ---------------------------------------------------------------------------


def crosstab(design: Design, row: str, col: str, *,
             missing: Literal["error", "drop"] = "error") -> Crosstab:
    """The design-based cross table of :meth:`SurveyDesign.crosstab` (see there)."""
    missing = check_choice("missing", missing, ("error", "drop"))  # type: ignore[assignment]
    row = as_name("row", row)
    col = as_name("col", col)
    if row == col:
        raise ValueError(f"row ({row!r}) and col ({col!r}) are the same column; a cross "
                         "table needs two different columns")
    fr = _factor(design, "row", row)
    fc = _factor(design, "col", col)
    miss_r, miss_c = fr.codes < 0, fc.codes < 0
    if missing == "error" and (miss_r.any() or miss_c.any()):
        listed = " and ".join(f"{p} ({nm!r}) has {int(m.sum())} missing value(s)"
                              for p, nm, m in (("row", row, miss_r), ("col", col, miss_c))
                              if m.any())
        raise ValueError(f"{listed}: pass missing='drop' to leave those rows out of the "
                         "table while the design keeps all its PSUs (R's na.rm=TRUE), or "
                         "fill them in")
    valid = ~(miss_r | miss_c)
    w_all = design._w
    used = valid & (w_all > 0)
    fr = _used_levels("row", row, fr, used)
    fc = _used_levels("col", col, fc, used)
    r, c = len(fr.levels), len(fc.levels)
    if r * c > MAX_CELLS:
        raise ValueError(f"row ({row!r}) has {r} levels and col ({col!r}) {c}: {r * c:,} "
                         f"cells, more than the {MAX_CELLS:,} a table can have (its tests "
                         "need the covariance of every pair of cells)")

    all_valid = bool(valid.all())
    rows = None if all_valid else valid
    w = w_all if all_valid else np.where(valid, w_all, 0.0)
    # rows used have codes >= 0; rows with w = 0 or a missing value count for nothing
    rcode = np.maximum(fr.codes, 0)
    ccode = np.maximum(fc.codes, 0)

    fast = _by_unit_totals(design, rcode, ccode, r, c, used, w, rows)
    if fast is not None:
        count, count_var, share, share_var, row_share, row_v, col_share, col_v = fast
    else:
        cells = _indicators(rcode * c + ccode, r * c, used)
        count, count_var = _estimate(design, est.total_statistic, est.total_replicates,
                                     cells, w, rows, None, 1)
        share, share_var = _estimate(design, est.mean_statistic, est.mean_replicates,
                                     cells, w, rows, None, 1)
        del cells
        row_share, row_v = _estimate(design, est.mean_statistic, est.mean_replicates,
                                     _indicators(ccode, c, used), w, rows, rcode, r)
        col_share, col_v = _estimate(design, est.mean_statistic, est.mean_replicates,
                                     _indicators(rcode, r, used), w, rows, ccode, c)

    def se(v: np.ndarray) -> np.ndarray:
        return np.sqrt(np.maximum(v, 0.0))

    kind: Literal["taylor", "replicate"] = (
        "taylor" if getattr(design, "n_replicates", None) is None else "replicate")
    return Crosstab(
        row=row, col=col, row_levels=tuple(fr.levels), col_levels=tuple(fc.levels),
        count=count.reshape(r, c), count_se=se(np.diag(count_var)).reshape(r, c),
        share=share.reshape(r, c), share_se=se(np.diag(share_var)).reshape(r, c),
        row_share=row_share.reshape(r, c), row_share_se=se(row_v).reshape(r, c),
        # the column shares come out column level by column level: transpose to (r, c)
        col_share=col_share.reshape(c, r).T, col_share_se=se(col_v).reshape(c, r).T,
        count_var=count_var, share_var=share_var, df=float(design.degf),
        n=int(used.sum()), n_obs=int(design.n_obs), design_kind=kind, missing=missing,
    )


def _by_unit_totals(design: Design, rcode: np.ndarray, ccode: np.ndarray, r: int, c: int,
                    used: np.ndarray, w: np.ndarray, rows: np.ndarray | None
                    ) -> tuple[np.ndarray, ...] | None:
    """Every estimate of the table and its (co)variances from one sum of the weights by
    unit and cell, on a Taylor design without calibration whose rows are grouped in units.

    The influence values of the counts, the cell shares and the row and column shares are
    linear in the cell indicators with coefficients that are the same on every row (a
    share's ``w (1[cell] - p) / N``), so their unit totals are the same combinations of
    ``M[u, cell] = Σ_{rows of u in cell} w``: the (cells x rows) score matrices are never
    made. Returns None where this does not hold (replicate designs, calibration, the rows
    themselves the units, or more unit x cell sums than a dense matrix should take); the
    caller then goes through the row-level scores.
    """
    if getattr(design, "n_replicates", None) is not None or design._calibration:  # type: ignore[attr-defined]
        return None
    fine = design._n_var_stages - 1  # type: ignore[attr-defined]
    codes = design._unit_codes[fine]  # type: ignore[attr-defined]
    n_units = design._stages[fine].n_units  # type: ignore[attr-defined]
    K = r * c
    if codes is None or n_units * K > DENSE_CELLS:
        return None
    cell = rcode * c + ccode
    M = np.bincount(codes[used] * K + cell[used], weights=w[used],
                    minlength=n_units * K).reshape(n_units, K).T  # (cells, units)
    M = np.ascontiguousarray(M)
    count = M.sum(axis=1)
    count_var = design._covariance_of_totals(M, K, None, 1, rows, True)  # type: ignore[attr-defined]

    total = count.sum()
    share = count / total
    unit_w = M.sum(axis=0)
    share_var = design._covariance_of_totals(  # type: ignore[attr-defined]
        (M - share[:, None] * unit_w[None, :]) / total, K, None, 1, rows, True)

    # row shares: domain i (a row level), variable j (a column level); unit totals in the
    # layout of unit_totals, row i * c + j; the same for the column shares with the roles
    # swapped (domain j, variable i: row j * r + i)
    def domain_shares(Md: np.ndarray, dom: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shares of each variable within each domain, ``Md`` (domains, variables, units),
        and their variances."""
        n_dom, k = Md.shape[:2]
        unit_w = Md.sum(axis=1)  # (domains, units): each domain's weight in each unit
        dom_n = unit_w.sum(axis=1)
        shares = Md.sum(axis=2) / dom_n[:, None]
        tot = (Md - shares[:, :, None] * unit_w[:, None, :]) / dom_n[:, None, None]
        var = design._covariance_of_totals(  # type: ignore[attr-defined]
            tot.reshape(K, n_units), k, dom, n_dom, rows, False)
        return shares.ravel(), var

    Mr = M.reshape(r, c, n_units)
    row_share, row_v = domain_shares(Mr, rcode)
    col_share, col_v = domain_shares(Mr.transpose(1, 0, 2), ccode)
    return (count, (count_var + count_var.T) / 2.0, share.ravel(), (share_var + share_var.T) / 2.0,
            row_share, row_v, col_share, col_v)


def _estimate(
    design: Design,
    statistic: Callable[[np.ndarray, np.ndarray, np.ndarray | None, int], est.Linear],
    replicated: Callable[[np.ndarray, ReplicateWeights, np.ndarray | None, np.ndarray | None,
                          int], np.ndarray],
    X: np.ndarray, w: np.ndarray, rows: np.ndarray | None, dom: np.ndarray | None,
    n_dom: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Estimates (n_dom k,) and their covariance (one domain: (k, k)) or, with domains,
    their variances (n_dom k,), through the design's variance engine."""
    lin = statistic(X, w, dom, n_dom)

    def replicates(reps: ReplicateWeights) -> np.ndarray:
        return replicated(X, reps, rows, dom, n_dom)

    full = dom is None
    var = design._variance(lin, replicates, dom, n_dom, rows, full)
    if full:
        var = (var + var.T) / 2.0
    return lin.estimate.ravel(), var


# --- tests of association -----------------------------------------------------------------


def _helmert(m: int) -> np.ndarray:
    """(m, m - 1) orthonormal contrasts, each orthogonal to the constant."""
    h = np.zeros((m, m - 1))
    for k in range(1, m):  # loop over contrasts, not rows
        h[:k, k - 1] = 1.0
        h[k, k - 1] = -float(k)
        h[:, k - 1] /= math.sqrt(k * (k + 1.0))
    return h


def _pearson(tab: Crosstab) -> float:
    """Pearson's X² of the weighted table scaled to the design's ``N`` rows (R:
    ``chisq.test(svytable(~row + col, design, Ntotal = N), correct = FALSE)``)."""
    o = np.asarray(tab._stored("count"), dtype=np.float64)
    o = o * (tab.n_obs / o.sum())
    n = o.sum()
    e = np.outer(o.sum(axis=1), o.sum(axis=0)) / n
    return float(np.sum((o - e) ** 2 / e))


class _RaoScott(NamedTuple):
    x2: float  # Pearson's X²
    delta: np.ndarray  # generalised design effects, the eigenvalues of Δ
    d0: float  # (Σδ)² / Σδ²
    nu: float  # design df


def _rao_scott(tab: Crosstab) -> _RaoScott:
    r, c = tab.shape
    p = np.asarray(tab._stored("share")).ravel()
    V = np.asarray(tab._stored("share_var"))
    N = float(tab.n_obs)
    inv = np.divide(1.0, p, out=np.zeros_like(p), where=p != 0.0)
    C = np.kron(_helmert(r), _helmert(c))  # the interaction contrasts, row-major cells
    B = inv[:, None] * C
    denom = C.T @ B / N
    numr = B.T @ V @ B
    numr = (numr + numr.T) / 2.0
    scale = np.linalg.eigvalsh(denom)
    if not scale[0] > _SINGULAR * scale[-1]:
        raise ValueError(
            f"the table of row ({tab.row!r}) and col ({tab.col!r}) has too many empty cells "
            "for the Rao-Scott tests: their reference matrix is singular (R's svychisq "
            "fails there too); merge sparse levels"
        )
    delta = scipy.linalg.eigh(numr, denom, eigvals_only=True)
    top = float(np.max(np.abs(delta))) if delta.size else 0.0
    delta = np.where(np.abs(delta) <= _SINGULAR * 1e-2 * top, 0.0, delta)
    tr = float(delta.sum())
    d0 = tr * tr / float(np.sum(delta * delta)) if delta.size > 1 else 1.0
    return _RaoScott(_pearson(tab), delta, d0, float(tab.df))


def _f_sf(x: float, df1: float, df2: float) -> float:
    if not (df1 > 0 and df2 > 0) or math.isnan(x):
        return float("nan")
    return float(special.fdtrc(df1, df2, x))


def _test_f(tab: Crosstab) -> CrosstabTest:
    rs = _rao_scott(tab)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = rs.x2 / float(rs.delta.sum())
    ddf = rs.d0 * rs.nu
    return CrosstabTest(tab.row, tab.col, "F", "F", float(f), rs.d0, ddf,
                        _f_sf(f, rs.d0, ddf),
                        "Pearson's X^2: Rao & Scott second-order adjustment (F)")


def _test_chisq(tab: Crosstab) -> CrosstabTest:
    rs = _rao_scott(tab)
    k = rs.delta.size
    with np.errstate(divide="ignore", invalid="ignore"):
        p = float(special.chdtrc(k, rs.x2 / float(np.mean(rs.delta))))
    return CrosstabTest(tab.row, tab.col, "Chisq", "X-squared", rs.x2, float(k),
                        float("nan"), p,
                        "Pearson's X^2: Rao & Scott first-order adjustment (chi-squared)")


def _wald_statistic(tab: Crosstab) -> float:
    """``Y' V⁻¹ Y`` for the cells of the second and later row and column levels, with
    ``Y_ij = N̂_ij - N̂_i. N̂_.j / N̂`` and ``V`` its linearised covariance (R's svychisq)."""
    r, c = tab.shape
    T = np.asarray(tab._stored("count"), dtype=np.float64)
    Vt = np.asarray(tab._stored("count_var"))
    tr, tc, tt = T.sum(axis=1), T.sum(axis=0), T.sum()
    Y = (T - np.outer(tr, tc) / tt).ravel()
    # dY_ij / dT_kl through the cell, its row and column totals and the grand total
    ri, ci = np.divmod(np.arange(r * c), c)
    G = (np.eye(r * c)
         - (ri[:, None] == ri[None, :]) * (tc[ci] / tt)[:, None]
         - (ci[:, None] == ci[None, :]) * (tr[ri] / tt)[:, None]
         + (tr[ri] * tc[ci] / tt**2)[:, None])
    V = G @ Vt @ G.T
    use = (ri > 0) & (ci > 0)
    Vu = (V[np.ix_(use, use)] + V[np.ix_(use, use)].T) / 2.0
    ev = np.linalg.eigvalsh(Vu)
    if not ev[0] > _SINGULAR * ev[-1]:
        raise ValueError(
            f"the Wald test of row ({tab.row!r}) and col ({tab.col!r}) needs a non-singular "
            "covariance of the interaction terms, and this table's is singular (empty or "
            "constant cells; R's svychisq fails there too); use statistic='F'"
        )
    yu = Y[use]
    return float(yu @ scipy.linalg.solve(Vu, yu, assume_a="pos"))


def _test_wald(tab: Crosstab) -> CrosstabTest:
    r, c = tab.shape
    q = float((r - 1) * (c - 1))
    nu = float(tab.df)
    stat = _wald_statistic(tab) / q
    return CrosstabTest(tab.row, tab.col, "Wald", "F", stat, q, nu, _f_sf(stat, q, nu),
                        "Design-based Wald test of association")


def _test_adjwald(tab: Crosstab) -> CrosstabTest:
    r, c = tab.shape
    q = float((r - 1) * (c - 1))
    nu = float(tab.df)
    ddf = nu - q + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = _wald_statistic(tab) * ddf / (q * nu)
    return CrosstabTest(tab.row, tab.col, "adjWald", "F", float(stat), q, ddf,
                        _f_sf(stat, q, ddf),
                        "Design-based adjusted Wald test of association")


def _saddle(x: float, lam: np.ndarray, mult: np.ndarray) -> float | None:
    """``P(Σ mult_k lam_k χ²_1 > x)`` by the saddlepoint approximation (Kuonen 1999), as R
    survey's ``saddle``; None where R's gives NA (a root within 1e-4 of 0).

    The cumulant generating function of the scaled sum is ``K(ζ) = -Σ m log(1 - 2ζλ) / 2``;
    the root ``ζ̂`` of ``K'(ζ) = x`` gives ``w = sign(ζ̂) sqrt(2 (ζ̂ x - K(ζ̂)))``,
    ``v = ζ̂ sqrt(K''(ζ̂))`` and the tail ``1 - Φ(w + log(v / w) / w)``. The root is solved
    to full precision within R's bracket; R's ``uniroot`` stops at an absolute 1e-8.
    """
    d = float(lam.max())
    lam = lam / d
    x = x / d
    neg, pos = lam < 0, lam > 0
    if neg.any():
        low = float(np.max(1.0 / (2.0 * lam[neg]))) * 0.99999
    elif x > float(np.sum(mult * lam)):
        low = -0.01
    else:
        low = -float(mult.sum()) / (2.0 * x)
    high = float(np.min(1.0 / (2.0 * lam[pos]))) * 0.99999

    def k1(z: float) -> float:
        return float(np.sum(mult * lam / (1.0 - 2.0 * z * lam))) - x

    f_low, f_high = k1(low), k1(high)
    if not (f_low <= 0.0 <= f_high):  # R's uniroot stops with an error here
        return None
    z = float(optimize.brentq(k1, low, high, xtol=1e-300, rtol=4 * np.finfo(float).eps,
                              maxiter=500))
    if abs(z) < _SADDLE_NEAR_ZERO:
        return None
    k0 = -float(np.sum(mult * np.log1p(-2.0 * z * lam))) / 2.0
    k2 = 2.0 * float(np.sum(mult * lam**2 / (1.0 - 2.0 * z * lam) ** 2))
    w = math.copysign(math.sqrt(max(2.0 * (z * x - k0), 0.0)), z)
    v = z * math.sqrt(k2)
    return float(special.ndtr(-(w + math.log(v / w) / w)))


def _sum_of_chisq_p(x2: float, delta: np.ndarray, ddf: float | None) -> float:
    """Upper tail of ``X²`` as ``Σ δ_k χ²_1`` (``ddf`` None: R's ``pchisqsum``) or, divided
    by an independent ``χ²_ddf / ddf``, as R's ``pFsum``: the saddlepoint approximation,
    Satterthwaite's scaled chi-squared (or F) where it is undefined."""
    if not x2 > 0.0:
        return 1.0
    lam = delta[delta != 0.0]
    if lam.size == 0:  # no design variance: X² is 0 but for an exactly known association
        return 0.0
    mean = float(lam.mean())
    ratio = float(np.mean(lam * lam)) / (mean * mean)
    scale, ndf = mean * ratio, lam.size / ratio  # Satterthwaite
    if ddf is None:
        fallback = float(special.chdtrc(ndf, x2 / scale))
    else:
        fallback = _f_sf(x2 / ndf / scale, ndf, ddf)
    saddle = _saddle(*_sum_terms(x2, lam, ddf))
    return fallback if saddle is None else saddle


def _sum_terms(x2: float, lam: np.ndarray, ddf: float | None,
               ) -> tuple[float, np.ndarray, np.ndarray]:
    """``(x, λ, h)`` with the p-value ``P(Σ λ_k χ²_{h_k} > x)``: ``(X², δ, 1)`` as R's
    ``pchisqsum``, or with ``ddf`` as R's ``pFsum``, ``(0, (δ, -X² / ddf), (1, ..., 1, m))``
    (R: ``rep(c(δ, -X²/ddf), c(1, ..., 1, ddf))`` and CompQuadForm's ``h`` both truncate
    ``ddf`` to ``m``; at least 1 here)."""
    ones = np.ones(lam.size)
    if ddf is None:
        return x2, lam, ones
    copies = float(math.floor(ddf)) if ddf > 1.0 else 1.0
    return 0.0, np.append(lam, -x2 / ddf), np.append(ones, copies)


class _Imhof(NamedTuple):
    p: float  # P(Q > x), clipped to [0, 1]
    error: float  # estimated absolute error of p: quad's estimates and the cut's bound


def _imhof_log_bound(u: float, lam: np.ndarray, h: np.ndarray) -> float:
    """log of a bound on ``|∫_u^∞ sin θ / (v ρ) dv| / π``: ``1 / (π β(u) ρ(u))``.

    ``log(1 + λ² v²)`` is convex in ``log v``, so for ``v ≥ u`` it is at least
    ``log(1 + λ² u²) + 2 q log(v / u)``, ``q = λ² u² / (1 + λ² u²)``: then
    ``ρ(v) ≥ ρ(u) (v / u)^β``, ``β = Σ h q / 2``, and the rest is at most
    ``∫_u^∞ (u / v)^β dv / (v ρ(u)) = 1 / (β ρ(u))``. Imhof's bound
    ``1 / (π k u^k Π |λ|^{h/2})``, ``k = Σ h / 2``, is the same with ``q`` taken as 1 and
    ``ρ(u) ≥ Π |λ u|^{h/2}``: this one is smaller, much so for a big ``h`` with a small ``λ``
    (``-X² / m`` with multiplicity ``m``).
    """
    t2 = (lam * u) ** 2
    beta = 0.5 * float(h @ (t2 / (1.0 + t2)))
    return -math.log(math.pi * beta) - 0.25 * float(h @ np.log1p(t2))


def _imhof_cut(lam: np.ndarray, h: np.ndarray, tol: float) -> float:
    """The smallest ``u ≥ 1`` (to a relative 1e-12) where the bound is below ``tol``."""
    target = math.log(tol)
    lo = hi = 0.0  # log u
    while _imhof_log_bound(math.exp(hi), lam, h) > target:
        lo, hi = hi, hi + 1.0
    if hi == 0.0:
        return 1.0
    while hi - lo > 1e-12:
        mid = 0.5 * (lo + hi)
        if _imhof_log_bound(math.exp(mid), lam, h) > target:
            lo = mid
        else:
            hi = mid
    return math.exp(hi)


def _imhof_breaks(a: float, lam: np.ndarray, h: np.ndarray, x: float) -> list[float]:
    """Break points in ``(0, a)``: where ``Φ(u) = Σ h |arctan(λ u)| / 2 + |x| u / 2``, which
    bounds the variation of ``θ`` on ``[0, u]``, passes a multiple of ``2π`` (at most
    ``_IMHOF_MAX_BREAKS``, evenly in ``Φ``), and the powers of 4, so that each piece holds at
    most one cycle of the integrand and every scale ``1 / |λ_k|`` has its own pieces."""
    def phase(u: np.ndarray) -> np.ndarray:
        return np.abs(np.arctan(np.multiply.outer(u, lam))) @ h / 2.0 + abs(x) * u / 2.0

    points = [4.0**j for j in range(1, int(math.log(a, 4.0)) + 1)] if a > 4.0 else []
    n = min(int(float(phase(np.array([a]))[0]) / (2.0 * math.pi)), _IMHOF_MAX_BREAKS)
    if n > 0:  # Φ increases: invert it on a grid (a break point need not be exact)
        grid = np.unique(np.concatenate([np.linspace(0.0, a, 4 * n + 2), points]))
        phi = phase(grid)
        points.extend(np.interp(np.linspace(0.0, phi[-1], n + 2)[1:-1], phi, grid).tolist())
    return sorted({p for p in points if 0.0 < p < a})


def _chernoff_log_bound(x: float, lam: np.ndarray, h: np.ndarray) -> float:
    """log of Chernoff's bound ``P(Q > x) ≤ exp(K(ζ) - ζ x)``, ``K(ζ) =
    -Σ h log(1 - 2 λ ζ) / 2`` at its minimum over ``0 ≤ ζ < 1 / (2 max λ)`` (``K'(ζ) = x``);
    0 (no bound) when ``x`` is not above the mean ``Σ h λ``."""
    pos = lam > 0.0
    if not pos.any():
        return -math.inf if x >= 0.0 else 0.0  # Q ≤ 0
    if not x > float(h @ lam):
        return 0.0
    top = 1.0 / (2.0 * float(lam[pos].max()))

    def k1(z: float) -> float:
        return float(h @ (lam / (1.0 - 2.0 * z * lam))) - x

    z = top * (1.0 - 1e-15)  # K' runs from the mean at 0 to +inf at the top
    if k1(z) > 0.0:
        z = float(optimize.brentq(k1, 0.0, z, xtol=1e-300, maxiter=500))
    return min(-0.5 * float(h @ np.log1p(-2.0 * z * lam)) - z * x, 0.0)


def _imhof(x: float, lam: np.ndarray, h: np.ndarray) -> _Imhof:
    """``P(Σ λ_k χ²_{h_k} > x)`` (independent; ``λ_k`` non-zero, of either sign) by Imhof's
    (1961) inversion formula ``1/2 + (1/π) ∫_0^∞ sin θ(u) / (u ρ(u)) du``,
    ``θ(u) = Σ h arctan(λ u) / 2 - x u / 2``, ``ρ(u) = Π (1 + λ² u²)^{h/4}``.

    ``λ`` and ``x`` are first divided by ``max |λ|`` (the same probability, ``u`` on the
    scale of the largest term). The integral is cut at ``U`` where the bound on the rest
    (``_imhof_log_bound``) is below ``_IMHOF_CUT``; the integrand decays like
    ``u^{-1-Σh/2}``, slowly for a small ``Σ h``, and oscillates with ``x u / 2`` when
    ``x > 0``. ``[0, U]`` goes to quad with break points at each cycle; when ``x > 0`` and
    ``[0, U]`` would hold more than ``_IMHOF_DIRECT_CYCLES`` cycles, quad integrates up to
    those cycles or to where the bound is 1e-8, whichever comes first (but at least to
    ``u = 1``, past the largest term's turn), and the tail is the Fourier integral
    of the smooth ``sin ψ / (u ρ)`` and ``cos ψ / (u ρ)``, ``ψ(u) = θ(u) + x u / 2``,
    against ``cos(x u / 2)`` and ``sin(x u / 2)`` (QUADPACK's QAWF, extrapolating over
    cycles). A big ``h`` (the ``-X² / m`` term with ``m`` of 1e5 or more) costs nothing
    extra: ``ρ`` is taken as ``exp(Σ h log1p(λ² u²) / 4)``. Where Chernoff's bound puts
    ``p`` below ``_IMHOF_ZERO``, under the rounding of ``1/2 + ...``, ``p`` is 0 without
    integrating (the far tail of a huge ``X²`` would take millions of cycles).

    ``p`` is good to about 1e-15 absolute (quad's estimate, returned as ``error``, is
    usually a few 1e-14; the rounding of ``1/2 + value / π`` is 1e-16), so its relative
    accuracy falls in the far tail: 1e-7 at ``p = 1e-8``, 10% near ``p = 1e-15``.
    """
    s = float(np.max(np.abs(lam)))
    lam = lam / s
    x = x / s
    half, quarter = h / 2.0, h / 4.0
    omega = x / 2.0

    def amplitude(u: float) -> float:  # 1 / (u ρ(u)), 0 where ρ overflows
        t = lam * u
        log_rho = float(quarter @ np.log1p(t * t))
        return 0.0 if log_rho > 700.0 else 1.0 / (u * math.exp(log_rho))

    def psi(u: float) -> float:
        return float(half @ np.arctan(lam * u))

    def integrand(u: float) -> float:
        return math.sin(psi(u) - omega * u) * amplitude(u)

    chernoff = _chernoff_log_bound(x, lam, h)
    if chernoff < math.log(_IMHOF_ZERO):
        return _Imhof(0.0, math.exp(chernoff))

    cut = _imhof_cut(lam, h, _IMHOF_CUT)
    a = cut
    if omega * cut > _IMHOF_DIRECT_CYCLES * 2.0 * math.pi:
        a = max(min(_imhof_cut(lam, h, 1e-8), _IMHOF_DIRECT_CYCLES * 2.0 * math.pi / omega),
                1.0)  # (the cut is at least 1)
    points = _imhof_breaks(a, lam, h, x)
    value, error = integrate.quad(integrand, 0.0, a, points=points or None,
                                  limit=max(1000, 4 * len(points)), epsabs=_IMHOF_EPS,
                                  epsrel=_IMHOF_EPS, full_output=1)[:2]
    if a < cut:  # sin(ψ - ω u) = sin ψ cos ω u - cos ψ sin ω u
        for part, weight, sign in ((math.sin, "cos", 1.0), (math.cos, "sin", -1.0)):
            def smooth(u: float, part: Callable[[float], float] = part) -> float:
                return part(psi(u)) * amplitude(u)

            tail, tail_error = integrate.quad(smooth, a, np.inf, weight=weight, wvar=omega,
                                              epsabs=_IMHOF_EPS, limlst=200, limit=1000,
                                              full_output=1)[:2]
            value += sign * tail
            error += tail_error
    p = 0.5 + value / math.pi
    return _Imhof(min(max(p, 0.0), 1.0), error / math.pi + _IMHOF_CUT)


def _sum_of_chisq_exact(x2: float, delta: np.ndarray, ddf: float | None) -> _Imhof:
    """The tail of ``_sum_of_chisq_p``, exactly (Imhof); 1 for ``X² = 0``, 0 without design
    variance (all ``δ`` zero) as there."""
    if not x2 > 0.0:
        return _Imhof(1.0, 0.0)
    lam = delta[delta != 0.0]
    if lam.size == 0:
        return _Imhof(0.0, 0.0)
    return _imhof(*_sum_terms(x2, lam, ddf))


def _test_saddlepoint(tab: Crosstab) -> CrosstabTest:
    rs = _rao_scott(tab)
    taylor = tab.design_kind == "taylor"
    p = _sum_of_chisq_p(rs.x2, rs.delta, rs.d0 * rs.nu if taylor else None)
    method = "Pearson's X^2: saddlepoint approximation" + (
        " (over an independent chi-squared on d nu df, as R's pFsum)" if taylor else "")
    return CrosstabTest(tab.row, tab.col, "saddlepoint", "X-squared", rs.x2, float("nan"),
                        float("nan"), p, method)


def _test_lincom(tab: Crosstab) -> CrosstabTest:
    rs = _rao_scott(tab)
    taylor = tab.design_kind == "taylor"
    ddf = rs.d0 * rs.nu if taylor else None
    exact = _sum_of_chisq_exact(rs.x2, rs.delta, ddf)
    over = " over an independent chi-squared on d nu df (R's pFsum)" if taylor else ""
    if exact.error <= _IMHOF_ACCEPT:
        p = exact.p
        method = (f"Pearson's X^2: asymptotic distribution{over} by Imhof's exact inversion "
                  "(R's 'lincom' with CompQuadForm uses Davies' algorithm, same "
                  "distribution)")
    else:
        warnings.warn(
            f"lincom: Imhof's inversion for the table of row ({tab.row!r}) and col "
            f"({tab.col!r}) did not converge (estimated error {exact.error:.2g}); the "
            "p-value is the saddlepoint approximation",
            SurveyStatsWarning, stacklevel=3)
        p = _sum_of_chisq_p(rs.x2, rs.delta, ddf)
        method = (f"Pearson's X^2: asymptotic distribution{over} by the saddlepoint "
                  "approximation (Imhof's exact inversion did not converge)")
    return CrosstabTest(tab.row, tab.col, "lincom", "X-squared", rs.x2, float("nan"),
                        float("nan"), p, method)


#: ``statistic`` -> the test: one signature, ``f(Crosstab) -> CrosstabTest``.
_TESTS: dict[str, Callable[[Crosstab], CrosstabTest]] = {
    "F": _test_f,
    "Chisq": _test_chisq,
    "Wald": _test_wald,
    "adjWald": _test_adjwald,
    "lincom": _test_lincom,
    "saddlepoint": _test_saddlepoint,
}
