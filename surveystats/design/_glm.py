"""Design-based generalised linear models (R survey's ``svyglm``) and Wald tests of terms
(``regTermTest``).

The coefficients solve the weighted score equations ``Σ_i w_i x_i (y_i - μ_i) μ'_i / V(μ_i)
= 0`` (iteratively reweighted least squares, as R's ``glm`` with the survey weights as prior
weights). Their variance is that of a solution of estimating equations (Binder 1983): the
row-level influence values are ``A⁻¹ x_i w_i (y_i - μ_i) μ'_i / V(μ_i)`` with ``A`` the
weighted information matrix ``Σ_i w_i x_i x_iᵀ μ'_i² / V(μ_i)``; the design's variance
engine turns them into a covariance exactly as it does for a mean (PSU totals, strata,
stages, fpc, lonely PSUs, calibration residuals). A replicate design refits the model with
every column of replicate weights, starting from the full-sample coefficients, and the
replicate engine (R's ``svrVar``) combines the coefficients.

What follows R 4.x (survey 4.1) to the letter, so that the numbers agree:

* residual df ``degf + 1 - p``: the degrees of freedom of the rows used on a Taylor design,
  of the whole replicate design on a replicate one (R subsets a replicate design only
  after taking its ``degf``);
* t reference distributions with those df for every family, the binomial and Poisson ones
  included (``summary.svyglm`` always estimates the dispersion);
* the ``dispersion`` reported is the design-based variance (``svyvar``) of the Pearson
  residuals computed with the weights rescaled to mean 1; it is *not* used in the
  standard errors, which are the sandwich ones for every family.

References
----------
Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex
surveys. *International Statistical Review* 51(3), 279-292.

Lumley, T. and Scott, A. (2017). Fitting regression models to survey data. *Statistical
Science* 32(2), 265-278.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import special
from scipy.linalg import blas

from surveystats import _engine
from surveystats._display import fmt, html_table
from surveystats._params import CONFIDENCE_LEVEL
from surveystats._result import Result
from surveystats._validation import check_choice, check_scalar
from surveystats._warnings import SurveyStatsWarning
from surveystats.design._estimators import Linear

if TYPE_CHECKING:
    from surveystats.design._estimators import Design
    from surveystats.design._repvar import ReplicateWeights

__all__ = ["FAMILIES", "GLMResult", "WaldTest", "glm"]

Family = Literal["gaussian", "binomial", "quasibinomial", "poisson", "quasipoisson"]


# --- families: one record per name, every entry with the same call shape -------------------


@dataclass(frozen=True)
class _Family:
    """A GLM family with its canonical link: the functions IRLS and the deviance need."""

    name: str
    link: str
    linkinv: Callable[[np.ndarray], np.ndarray]
    mu_eta: Callable[[np.ndarray, np.ndarray], np.ndarray]  # dμ/dη from (η, μ)
    variance: Callable[[np.ndarray], np.ndarray]
    deviance: Callable[[np.ndarray, np.ndarray, np.ndarray], float]  # (y, μ, w)
    mustart: Callable[[np.ndarray, np.ndarray], np.ndarray]  # R's initialize: (y, w)
    linkfun: Callable[[np.ndarray], np.ndarray]
    response: str  # what y may hold, for the message


def _gaussian_dev(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    r = y - mu
    return float(np.sum(w * r * r))


def _binomial_dev(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    # 2 Σ w [y log(y/μ) + (1-y) log((1-y)/(1-μ))]; the y log y terms vanish for 0/1 data
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (y > 0.0) & (y < 1.0)
        if not frac.any():  # 0/1 data: one logarithm per row
            return float(-2.0 * np.sum(w * np.log(np.where(y == 1.0, mu, 1.0 - mu))))
        d = -(y * np.log(mu) + (1.0 - y) * np.log1p(-mu))
        yf = y[frac]
        d[frac] += yf * np.log(yf) + (1.0 - yf) * np.log1p(-yf)
    return float(2.0 * np.sum(w * d))


def _poisson_dev(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        d = special.xlogy(y, y / mu) - (y - mu)
    return float(2.0 * np.sum(w * d))


def _logit_mu_eta(eta: np.ndarray, mu: np.ndarray) -> np.ndarray:
    # R's binomial()$mu.eta: pmax(exp(eta) / (1 + exp(eta))^2, DBL_EPSILON) = μ(1 - μ)
    return np.maximum(mu * (1.0 - mu), np.finfo(float).eps)


def _logit_inv(eta: np.ndarray) -> np.ndarray:
    # R's binomial()$linkinv (C logit_linkinv): exp(η) / (1 + exp(η)), with DBL_EPSILON
    # below η = -30 and 1 - DBL_EPSILON above 30, so μ stays strictly inside (0, 1). R's own
    # formula (one exponential and a division) is also four times faster than scipy's expit.
    eps = np.finfo(float).eps
    with np.errstate(over="ignore", invalid="ignore"):
        mu = np.exp(eta)
        mu /= 1.0 + mu
    if eta.size and (eta.min() < -30.0 or eta.max() > 30.0):
        mu[eta < -30.0] = eps
        mu[eta > 30.0] = 1.0 - eps
    return mu


def _log_inv(eta: np.ndarray) -> np.ndarray:
    # R's poisson()$linkinv: pmax(exp(eta), DBL_EPSILON)
    return np.maximum(np.exp(eta), np.finfo(float).eps)


_GAUSSIAN = _Family(
    "gaussian", "identity", lambda eta: eta, lambda eta, mu: np.ones_like(mu),
    lambda mu: np.ones_like(mu), _gaussian_dev, lambda y, w: y.astype(float),
    lambda mu: mu, "any real number")
_BINOMIAL = _Family(
    "binomial", "logit", _logit_inv, _logit_mu_eta, lambda mu: mu * (1.0 - mu), _binomial_dev,
    lambda y, w: (w * y + 0.5) / (w + 1.0), special.logit,
    "0/1, True/False, a share in [0, 1], or a column with two categories")
_POISSON = _Family(
    "poisson", "log", _log_inv, lambda eta, mu: mu, lambda mu: mu, _poisson_dev,
    lambda y, w: y + 0.1, np.log, "a count or another number >= 0")

#: The families by name (R's names); quasi- families fit and linearise as their namesakes
#: (R's estimates and sandwich SEs do not depend on the dispersion).
FAMILIES: dict[str, _Family] = {
    "gaussian": _GAUSSIAN,
    "binomial": _BINOMIAL,
    "quasibinomial": _BINOMIAL,
    "poisson": _POISSON,
    "quasipoisson": _POISSON,
}


# --- fitting ---------------------------------------------------------------------------------

#: IRLS stops when the deviance changes by less than this (relative, R's criterion with
#: R's 0.1 offset) and then takes one more step: Newton's quadratic convergence takes the
#: coefficients to rounding there. R's default is 1e-8 with no extra step.
_EPSILON = 1e-10
_MAXIT = 50

#: A Newton step whose predicted deviance decrease is below this (relative) is the last one:
#: the coefficients' error before it is of the order of its square root, after it of rounding.
_DECREMENT = 1e-15

#: A column whose part orthogonal to the earlier columns (weighted) has less than this share
#: of its norm is aliased (a linear combination of earlier ones). R's glm uses 1e-7 in QR;
#: 1e-5 keeps the decision far above rounding noise (the squared ratio is 1e-10, a Gram
#: matrix in double precision resolves ~1e-13).
_ALIAS_TOL = 1e-5


@dataclass
class _Fit:
    beta: np.ndarray
    mu: np.ndarray
    deviance: float
    iterations: int
    converged: bool
    info: np.ndarray  # the weighted information matrix A at beta (R's model-based XᵀWX)
    score_weights: np.ndarray  # w (y - μ) μ' / V at beta: row i's score is x_i times this
    pearson: tuple[float, float]  # Σ w e, Σ w e² of the Pearson residuals at beta


#: Rows per block of a fitting pass: the block's model-matrix columns and working arrays
#: (a few MB) stay in cache while every quantity of the pass is computed from them.
_BLOCK = 16_384


def _pass(XT: np.ndarray, y: np.ndarray, w: np.ndarray, fam: _Family,
          beta: np.ndarray | None, mu_out: np.ndarray, r_out: np.ndarray,
          y1: np.ndarray | None = None, deviance: bool = True, pearson: bool = False
          ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """One pass over the rows at ``beta`` (None: at R's starting values ``mustart``).

    Returns the deviance (NaN when ``deviance`` is False: only the first and the last pass of
    a fit need it), the weighted information ``G = Xᵀ diag(h) X`` with working weights
    ``h = w μ'² / V`` and the right-hand side ``Xᵀ h z`` of the next IRLS step, with the
    working residual ``z = (y - μ) / μ'`` (plus ``η`` from the start, where the step is the
    weighted least-squares fit of the working response itself). Writes ``μ`` and the score
    weights ``h (y - μ) / μ'`` of each row into ``mu_out`` and ``r_out``. ``XT`` is the model
    matrix transposed, (p, n) and C-contiguous: each block is p contiguous runs of rows.
    ``y1``: for binomial 0/1 data, the rows with y = 1 (the deviance then needs one
    logarithm per row). With ``pearson`` (the last pass), also ``Σ w e`` and ``Σ w e²`` of
    the Pearson residuals ``e = (y - μ) / √V`` (zeros otherwise), for the dispersion.

    For the canonical links (logit, log) ``μ' = V(μ)``, so ``h = w V`` and the score weight
    is ``w (y - μ)``: fewer operations per row, the same values up to rounding (the general
    formulas are used where R's floor ``μ' >= DBL_EPSILON`` binds).
    """
    p = XT.shape[0]
    G = np.zeros((p, p))
    rhs = np.zeros(p)
    dev = 0.0 if deviance else float("nan")
    sums = np.zeros(2)  # Σ w e and Σ w e² of the Pearson residuals
    eps = np.finfo(float).eps
    buf = np.empty((p, min(_BLOCK, XT.shape[1])))
    for lo in range(0, XT.shape[1], _BLOCK):  # blocks of rows, not rows
        sl = slice(lo, lo + _BLOCK)
        xb = XT[:, sl]
        yb, wb = y[sl], w[sl]
        if beta is None:  # R's start: mu from the data, eta = g(mu)
            mu = fam.mustart(yb, wb)
            eta = fam.linkfun(mu)
        else:
            eta = beta @ xb
            mu = fam.linkinv(eta)
        if deviance:
            if y1 is None:
                dev += fam.deviance(yb, mu, wb)
            else:  # 0/1 data: the binomial deviance is one logarithm per row
                dev -= 2.0 * float(np.dot(wb, np.log(np.where(y1[sl], mu, 1.0 - mu))))
        mu_out[sl] = mu
        v = fam.variance(mu)
        if beta is not None and (fam is _POISSON or v.min() >= eps):
            # canonical link: μ' = V, so h = w V and h (y - μ) / μ' = w (y - μ)
            h = wb * v
            r = yb - mu  # (V is μ itself for the log link: not overwritten)
            if pearson:
                _add_pearson(sums, r, v, wb)
            r *= wb
            r_out[sl] = r
            rhs += xb @ r
        else:
            d = fam.mu_eta(eta, mu)
            h = wb * d * d / v
            if pearson:
                _add_pearson(sums, yb - mu, v, wb)
            resid = (yb - mu) / d
            r_out[sl] = h * resid
            if beta is None:
                resid = resid + eta
            rhs += xb @ (h * resid)
        # G gains (x √h)(x √h)ᵀ: BLAS's symmetric rank-k update (half a matrix product's
        # work, and no thread pool to wake for an 11 x 11 result; h >= 0 always)
        tb = buf[:, : xb.shape[1]]
        np.multiply(xb, np.sqrt(h), out=tb)
        G += blas.dsyrk(1.0, tb.T, trans=1)  # the upper triangle
    return dev, np.triu(G) + np.triu(G, 1).T, rhs, sums


def _add_pearson(out: np.ndarray, resid: np.ndarray, v: np.ndarray, w: np.ndarray) -> None:
    """Add a block's ``Σ w e`` and ``Σ w e²`` of the Pearson residuals ``e = resid / √V``."""
    e = resid / np.sqrt(v)
    we = w * e
    out[0] += float(np.sum(we))
    out[1] += float(np.dot(we, e))


#: A fit on more rows than ``_WARM_FACTOR * _WARM_ROWS`` (and not Gaussian, which IRLS solves
#: in one step from anywhere) starts from the coefficients of a fit on every k-th row, about
#: ``_WARM_ROWS`` of them: those are within sampling error of the solution, so the full fit
#: needs one or two passes over all rows fewer than from R's start, for a subsample fit that
#: costs a fraction of one. Where IRLS ends does not depend on where it starts (the
#: log-likelihood of these families is concave in the coefficients): only the path does.
_WARM_ROWS = 65_536
_WARM_FACTOR = 4
#: The subsample fit stops at a step whose decrement is below this (relative): its
#: coefficients are then within about 1e-5 of the subsample's solution, far inside their
#: distance from the full sample's (sampling error, about 1e-2 for 65,536 rows).
_ROUGH = 1e-10


def _warm_start(XT: np.ndarray, y: np.ndarray, w: np.ndarray, fam: _Family
                ) -> np.ndarray | None:
    """Coefficients fitted on every k-th row (a fixed stride: the same rows on every run),
    or None where that fit fails (a column constant on the subsample, separation there)."""
    stride = XT.shape[1] // _WARM_ROWS
    sub = slice(None, None, stride)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = _irls(np.ascontiguousarray(XT[:, sub]), y[sub], w[sub], fam, warm=False,
                        rough=True)
        except np.linalg.LinAlgError:
            return None
    if not fit.converged or not np.all(np.isfinite(fit.beta)):
        return None
    return fit.beta


def _irls(XT: np.ndarray, y: np.ndarray, w: np.ndarray, fam: _Family,
          start: np.ndarray | None = None, names: Sequence[str] | None = None,
          warm: bool = True, rough: bool = False) -> _Fit:
    """Iteratively reweighted least squares for ``Σ w x (y - μ) μ'/V = 0`` (R's glm.fit).

    ``XT`` is the model matrix transposed, (p, n). Each pass over the rows gives the
    matrices of the next step at the current coefficients. Each step predicts how much it
    will lower the deviance (its Newton decrement ``rhsᵀ G⁻¹ rhs``); IRLS stops when that is
    below ``_EPSILON`` (relative, R's criterion on the deviance change) after one more step,
    or at once when it is at rounding level (``_DECREMENT``): the last pass also gives the
    deviance, the information matrix and the score weights at the solution. Only the first
    and the last pass compute the deviance (a logarithm per row).

    With ``names``, the first weighted information matrix is checked for aliased columns
    (the working weights are positive wherever the weights are, so it has the rank of
    ``Xᵀ diag(w) X``). Without ``start``, a large fit starts from a subsample's coefficients
    (``_warm_start``) when ``warm``. ``rough``: only the coefficients matter, to about
    the square root of ``_ROUGH`` (relative), and the fit stops after the step that gets
    there, without a pass at them (the other fields are those of the pass before).
    """
    n = XT.shape[1]
    if (start is None and warm and fam is not _GAUSSIAN
            and n >= _WARM_FACTOR * _WARM_ROWS):
        start = _warm_start(XT, y, w, fam)
    mu = np.empty(n)
    r = np.empty(n)
    y1 = y == 1.0 if fam is _BINOMIAL and not np.any((y > 0.0) & (y < 1.0)) else None
    beta = None if start is None else start.copy()
    dev, G, rhs, pearson = _pass(XT, y, w, fam, beta, mu, r, y1)
    if names is not None:
        _check_aliased(G, names)
    # the deviance scale of the stopping rules: R's |dev| + 0.1, at the first pass
    scale = abs(dev) + 0.1
    converged = False
    last = False  # this step's pass is the last
    next_last = False  # the next step's pass is the last
    iterations = 0
    while iterations < _MAXIT:
        iterations += 1
        step = np.linalg.solve(G, rhs)
        if beta is None:  # from the start the step is the coefficients themselves
            beta = step
            decrement = np.inf
        else:  # after that an update (no cancellation in eta + (y - mu) / d)
            # the step's predicted deviance decrease (Newton decrement): the deviance will
            # change by about this much
            decrement = float(rhs @ step)
            beta = beta + step
        # at rounding level the step lands on the solution and its pass is the last; below
        # _EPSILON (R's criterion on the change of the deviance) one more step follows
        if rough and decrement < _ROUGH * scale:  # close enough for a starting point
            converged = True
            break
        last = next_last or decrement < _DECREMENT * scale
        next_last = decrement < _EPSILON * scale
        final = last or iterations == _MAXIT  # converged, or where IRLS gives up
        dev, G, rhs, pearson = _pass(XT, y, w, fam, beta, mu, r, y1, deviance=final,
                                     pearson=final)
        if last:
            converged = True
            break
    assert beta is not None
    return _Fit(beta, mu, dev, iterations, converged, G, r, (pearson[0], pearson[1]))


def _check_aliased(G: np.ndarray, names: Sequence[str]) -> None:
    """Refuse a model matrix whose columns are (almost) linearly dependent, from its
    weighted cross-product matrix ``G``."""
    scale = np.sqrt(np.diag(G))
    if np.any(scale == 0.0):
        bad = [names[int(j)] for j in np.flatnonzero(scale == 0.0)]
        raise ValueError(f"formula: the column(s) {bad} are zero on every row with a "
                         "non-zero weight; remove them from the formula")
    C = G / np.outer(scale, scale)
    kept: list[int] = []
    aliased: list[str] = []
    for j in range(C.shape[0]):  # loop over columns (p), not rows
        if kept:
            Ck = C[np.ix_(kept, kept)]
            c = C[kept, j]
            resid = C[j, j] - c @ np.linalg.solve(Ck, c)
        else:
            resid = C[j, j]
        if resid < _ALIAS_TOL ** 2:
            aliased.append(names[j])
        else:
            kept.append(j)
    if aliased:
        raise ValueError(
            f"formula: the column(s) {aliased} are linear combinations of earlier columns "
            "of the model matrix (R's glm would report NA for them); remove those terms or "
            "merge the categories that make them redundant")


# --- formulas --------------------------------------------------------------------------------


def _formula_variables(formula: str, columns: pd.Index) -> list[str]:
    """The data columns a formula refers to (names in its factor expressions)."""
    import patsy

    desc = patsy.ModelDesc.from_formula(formula)
    found: list[str] = []
    for term in list(desc.lhs_termlist) + list(desc.rhs_termlist):
        for factor in term.factors:
            code = factor.code
            try:
                tree = ast.parse(code, mode="eval")
                names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
            except SyntaxError:
                names = [code]
            if code in columns:  # a column name that is not an identifier (Q("a b"))
                names.append(code)
            for q in (n for n in ast.walk(ast.parse(code, mode="eval"))
                      if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Q"):
                if q.args and isinstance(q.args[0], ast.Constant):
                    names.append(str(q.args[0].value))
            for name in names:
                if name in columns and name not in found:
                    found.append(name)
    return found


def _canonical(term: str) -> str:
    return ":".join(sorted(part.strip() for part in term.split(":")))


@dataclass(frozen=True)
class _Model:
    """What a fitted model keeps of its formula: its columns in R's order, its terms, and
    (on demand: only :meth:`GLMResult.predict` needs it) the patsy design info of its right
    side. R's order is the one ``terms`` gives: patsy groups terms by their numeric factors;
    R keeps the formula's order, main effects before interactions."""

    info_source: Callable[[], Any] = field(repr=False)
    response: str
    names: tuple[str, ...]  # the column names in our order
    order: np.ndarray  # our column j is patsy's column order[j]
    term_names: tuple[str, ...]  # in our order
    term_columns: dict[str, tuple[int, ...]]  # our column positions of each term

    @functools.cached_property
    def design_info(self) -> Any:
        return self.info_source()

    @property
    def column_names(self) -> list[str]:
        return list(self.names)

    def matrix(self, X: Any) -> np.ndarray:
        Xa = np.asarray(X, dtype=np.float64)
        if np.array_equal(self.order, np.arange(Xa.shape[1])):
            return Xa
        return Xa[:, self.order]


def _formula_order(info: Any, desc_terms: Sequence[Any]) -> _Model:
    """R's column order: the intercept, then the terms by degree, each degree in the order
    the (expanded) formula writes them."""
    position = {t: i for i, t in enumerate(desc_terms)}
    terms = sorted(info.terms, key=lambda t: (len(t.factors), position.get(t, len(position))))
    order: list[int] = []
    term_columns: dict[str, tuple[int, ...]] = {}
    for t in terms:
        sl = info.term_slices[t]
        cols = list(range(sl.start, sl.stop))
        term_columns[t.name()] = tuple(range(len(order), len(order) + len(cols)))
        order.extend(cols)
    return _Model(lambda: info, "", tuple(info.column_names[j] for j in order),
                  np.array(order, dtype=np.int64), tuple(t.name() for t in terms),
                  term_columns)


def _plain_model(desc: Any, response: str, info_source: Callable[[], Any]) -> _Model:
    """The model of a formula whose terms are the intercept and plain numeric columns: one
    column per term, the intercept first, then the formula's order (what patsy and R give),
    read off the parsed formula without building patsy's design."""
    terms = sorted(desc.rhs_termlist, key=lambda t: len(t.factors))  # a stable sort
    names = tuple(t.name() for t in terms)
    return _Model(info_source, response, names, np.arange(len(names), dtype=np.int64), names,
                  {name: (j,) for j, name in enumerate(names)})


def _model_matrices(data: pd.DataFrame, rows: np.ndarray | None, formula: str,
                    family: _Family, eval_env: Any) -> tuple[np.ndarray, np.ndarray, _Model]:
    """The response, the model matrix transposed (p, rows) in R's column order, and the
    model, on the ``rows`` of ``data`` (None: all)."""
    import patsy

    desc = patsy.ModelDesc.from_formula(formula)
    plain = _plain_columns(desc, data)
    frame = data if rows is None else data.loc[rows]
    if plain is not None and len(frame):
        # every term a numeric column: the columns are copied directly, and patsy's design
        # information (which does not depend on the values) is built from the first rows
        # only if a prediction asks for it
        if not desc.rhs_termlist:
            raise ValueError(f"formula ({formula!r}) has no terms on its right-hand side")
        head = frame.iloc[:4]
        model = _plain_model(
            desc, plain,
            lambda: _patsy_matrices(head, formula, family, eval_env, desc)[2].design_info)
        XT = np.empty((len(model.column_names), len(frame)))
        for j, name in enumerate(model.column_names):  # loop over columns, not rows
            if name == "Intercept":
                XT[j] = 1.0
            else:
                column = data[name].to_numpy(dtype=np.float64)
                XT[j] = column if rows is None else column[rows]
        y = data[plain].to_numpy(dtype=np.float64)
        return (y if rows is None else y[rows]), XT, model
    y, X, model = _patsy_matrices(frame, formula, family, eval_env, desc)
    return y, np.ascontiguousarray(model.matrix(X).T), model


def _plain_columns(desc: Any, data: pd.DataFrame) -> str | None:
    """The response's column name when the response and every term of the formula are
    plain numeric (not boolean) columns of ``data`` and nothing else; None otherwise."""
    def numeric(code: str) -> bool:
        if not code.isidentifier() or code == "Intercept" or code not in data.columns:
            return False
        column = data[code]
        return isinstance(column, pd.Series) and column.dtype.kind in "iuf"

    lhs = desc.lhs_termlist
    if len(lhs) != 1 or len(lhs[0].factors) != 1 or not numeric(lhs[0].factors[0].code):
        return None
    for term in desc.rhs_termlist:
        if len(term.factors) > 1 or (term.factors and not numeric(term.factors[0].code)):
            return None
    return str(lhs[0].factors[0].code)


def _patsy_matrices(frame: pd.DataFrame, formula: str, family: _Family, eval_env: Any,
                    desc: Any) -> tuple[np.ndarray, Any, _Model]:
    import patsy

    no_na = patsy.NAAction(NA_types=[])  # missing values were handled before
    try:
        Y, X = patsy.dmatrices(formula, frame, eval_env=eval_env, NA_action=no_na)
    except patsy.PatsyError as exc:
        first = str(exc).splitlines()[0]
        raise ValueError(f"formula ({formula!r}) could not be read: {first}") from None
    except NameError as exc:
        raise ValueError(f"formula ({formula!r}) names something that is neither a column of "
                         f"the design's data nor a function: {exc}") from None
    yinfo = Y.design_info
    response = yinfo.term_names[0] if yinfo.term_names else formula.split("~")[0].strip()
    Ya = np.asarray(Y, dtype=np.float64)
    if Ya.shape[1] == 2 and family is _BINOMIAL:
        # a two-category response (or a boolean): patsy gives one indicator per category;
        # the second category is the 'success', as R's first factor level is the failure
        y = Ya[:, 1]
        response = yinfo.column_names[1]
    elif Ya.shape[1] != 1:
        raise ValueError(
            f"formula ({formula!r}): the response must be one numeric column (for "
            f"family={family.name!r}: {family.response}); it expands to "
            f"{Ya.shape[1]} columns {yinfo.column_names}")
    else:
        y = Ya[:, 0]
    if X.shape[1] == 0:
        raise ValueError(f"formula ({formula!r}) has no terms on its right-hand side")
    model = dataclasses.replace(_formula_order(X.design_info, desc.rhs_termlist),
                                response=response)
    return y, X, model


def _check_response(y: np.ndarray, fam: _Family, formula: str, name: str) -> None:
    bad: np.ndarray
    if fam is _BINOMIAL:
        bad = (y < 0.0) | (y > 1.0)
    elif fam is _POISSON:
        bad = y < 0.0
    else:
        bad = np.zeros(y.shape, dtype=bool)
    bad |= ~np.isfinite(y)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"formula ({formula!r}): the response {name} has {int(bad.sum()):,} value(s) a "
            f"{fam.name} model cannot take (the first: {float(y[i]):g}); it must be "
            f"{fam.response}")


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class WaldTest(Result):
    """Result of :meth:`GLMResult.wald_test` (R survey's ``regTermTest``, method "Wald").

    Attributes
    ----------
    terms : tuple of str
        The tested terms (formula term names).
    columns : tuple of str
        The model-matrix columns of those terms: the coefficients set to 0 under the null.
    statistic : float
        ``F = chisq / df`` with ``chisq = β̂ᵀ V⁻¹ β̂`` over those coefficients.
    chisq : float
        The Wald chi-square.
    df : int
        Number of coefficients tested.
    ddf : float
        Denominator df: the model's residual df (``df_resid``).
    p_value : float
        ``P(F(df, ddf) > statistic)``.
    """

    terms: tuple[str, ...]
    columns: tuple[str, ...]
    statistic: float
    chisq: float
    df: int
    ddf: float
    p_value: float

    def to_frame(self) -> pd.DataFrame:
        """One row: ``terms, statistic, chisq, df, ddf, p_value``."""
        return pd.DataFrame([{"terms": " + ".join(self.terms), "statistic": self.statistic,
                              "chisq": self.chisq, "df": self.df, "ddf": self.ddf,
                              "p_value": self.p_value}])

    def __repr__(self) -> str:
        return (f"WaldTest({' + '.join(self.terms)}: F = {fmt(self.statistic)} on {self.df} "
                f"and {fmt(self.ddf)} df, p_value={fmt(self.p_value)})")

    def _repr_html_(self) -> str:
        return html_table("Design-based Wald test of terms", self.to_frame())


@dataclass(frozen=True, eq=False, repr=False)
class GLMResult(Result):
    """Result of :meth:`SurveyDesign.glm`: a design-based generalised linear model.

    Attributes
    ----------
    formula : str
    family : str
        R's family name, as given.
    link : str
        The canonical link: ``identity``, ``logit`` or ``log``.
    params, bse, tvalues, pvalues : pandas.Series
        Coefficients, their design-based standard errors, ``params / bse`` and two-sided
        p-values from a t distribution with ``df_resid`` df; indexed by the model-matrix
        columns in the formula's term order, the intercept first.
    df_resid : float
        R's ``svyglm`` residual df: ``degf + 1 - p``.
    dispersion : float
        The design-based variance of the Pearson residuals (R's ``summary.svyglm``); 1 is
        what a binomial or Poisson model without over-dispersion expects. The standard
        errors do not use it.
    deviance : float
        The weighted deviance at the fit, with the weights rescaled to mean 1 (as R's).
    n_obs : int
        Rows used.
    iterations : int
        IRLS iterations (full sample).
    converged : bool
    variance : str
        ``"linearization"`` or ``"replicate"``.
    """

    formula: str
    family: str
    link: str
    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    pvalues: pd.Series
    df_resid: float
    dispersion: float
    deviance: float
    n_obs: int
    iterations: int
    converged: bool
    variance: str
    _cov: np.ndarray = field(repr=False)
    _model: Any = field(repr=False, compare=False)
    _family: Any = field(repr=False, compare=False)

    # --- tables ---------------------------------------------------------------------------
    def cov_params(self) -> pd.DataFrame:
        """The design-based covariance matrix of the coefficients (R's ``vcov``)."""
        names = self.params.index
        return pd.DataFrame(np.array(self._cov), index=names, columns=names)

    def conf_int(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """Wald intervals ``β̂ ± t_{df_resid} SE`` (R's ``confint.svyglm``, method "Wald").

        Returns a DataFrame indexed by coefficient with columns ``low``, ``high``,
        ``confidence_level``; NaN bounds where ``df_resid <= 0``.
        """
        cl = check_scalar("confidence_level", confidence_level, CONFIDENCE_LEVEL)
        df = self.df_resid if self.df_resid > 0 else np.nan
        crit = float(_engine.critical_value(cl, np.float64(df)))
        b, s = self.params.to_numpy(), self.bse.to_numpy()
        return pd.DataFrame({"low": b - crit * s, "high": b + crit * s,
                             "confidence_level": cl}, index=self.params.index)

    def to_frame(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """One row per coefficient.

        Columns ``term, estimate, se, statistic, df, p_value, low, high,
        confidence_level``.
        """
        ci = self.conf_int(confidence_level)
        return pd.DataFrame({
            "term": self.params.index, "estimate": self.params.to_numpy(),
            "se": self.bse.to_numpy(), "statistic": self.tvalues.to_numpy(),
            "df": self.df_resid, "p_value": self.pvalues.to_numpy(),
            "low": ci["low"].to_numpy(), "high": ci["high"].to_numpy(),
            "confidence_level": ci["confidence_level"].to_numpy(),
        })

    def summary(self) -> str:
        """A text summary like R's ``summary(svyglm)``: the coefficient table, df, dispersion."""
        tab = pd.DataFrame({"Estimate": self.params, "Std. Error": self.bse,
                            "t value": self.tvalues, "Pr(>|t|)": self.pvalues})
        lines = [
            f"Design-based GLM: {self.formula}  (family {self.family}, link {self.link}; "
            f"{self.variance} variance)",
            "",
            tab.to_string(float_format=lambda v: f"{v:.6g}"),
            "",
            f"Residual df {fmt(self.df_resid)}; {self.n_obs:,} rows; dispersion "
            f"{self.dispersion:.6g} (variance of the Pearson residuals; not used in the SEs)",
            f"IRLS: {self.iterations} iterations, "
            + ("converged" if self.converged else "NOT converged"),
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"GLMResult({self.formula}, family={self.family}: {len(self.params)} "
                f"coefficients, df_resid={fmt(self.df_resid)}, n_obs={self.n_obs:,})")

    def _repr_html_(self) -> str:
        return html_table(
            f"Design-based GLM: {self.formula} ({self.family}, {self.variance} variance)",
            self.to_frame(),
            note=f"residual df {fmt(self.df_resid)}; dispersion {self.dispersion:.4g}")

    # --- follow-ups -------------------------------------------------------------------------
    def predict(self, data: pd.DataFrame, *, se: bool = True,
                type: Literal["link", "response"] = "link") -> pd.DataFrame:
        """Predictions for new rows (R's ``predict.svyglm``).

        Parameters
        ----------
        data : pandas.DataFrame
            Rows with the formula's right-hand-side columns (the response is not needed).
            Categories must be among those the model was fitted with.
        se : bool, default True
            Add the standard error of each prediction, from the coefficients' design-based
            covariance (delta method on the response scale).
        type : {"link", "response"}
            The linear predictor ``η = xᵀβ̂``, or the mean ``μ = g⁻¹(η)``.

        Returns
        -------
        pandas.DataFrame
            Indexed like ``data``: ``estimate`` and, with ``se``, ``se``.
        """
        import patsy

        check_choice("type", type, ("link", "response"))
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame; got {type_name(data)}")
        info = self._model.design_info
        try:
            (X,) = patsy.build_design_matrices([info], data, NA_action="raise")
        except patsy.PatsyError as exc:
            first = str(exc).splitlines()[0]
            raise ValueError(f"data: the rows could not be turned into the model's columns "
                             f"{self._model.column_names}: {first}") from None
        Xa = self._model.matrix(X)
        eta = Xa @ self.params.to_numpy()
        fam = self._family
        out = pd.DataFrame(index=data.index)
        if type == "link":
            out["estimate"] = eta
        else:
            out["estimate"] = fam.linkinv(eta)
        if se:
            var = np.einsum("ij,jk,ik->i", Xa, np.array(self._cov), Xa)
            s = np.sqrt(np.maximum(var, 0.0))
            if type == "response":
                s = s * np.abs(fam.mu_eta(eta, fam.linkinv(eta)))
            out["se"] = s
        return out

    def wald_test(self, terms: str | Sequence[str]) -> WaldTest:
        """Wald test that the coefficients of some terms are all zero (R's ``regTermTest``).

        Parameters
        ----------
        terms : str or sequence of str
            Term names as the formula writes them (``["C(stype)", "ell:meals"]``; the order
            of the parts of an interaction does not matter), or a formula string
            (``"~ C(stype) + ell"``; an explicit ``1`` adds the intercept, as in R).

        Returns
        -------
        WaldTest
            ``statistic`` (F), ``chisq``, ``df``, ``ddf`` (``df_resid``), ``p_value``.
        """
        model = self._model
        known = {_canonical(t): t for t in model.term_names}
        if isinstance(terms, str):
            wanted, intercept = _test_terms(terms)
        elif isinstance(terms, Sequence) and terms and all(isinstance(t, str) for t in terms):
            wanted, intercept = [str(t) for t in terms], False
        else:
            raise TypeError(f"terms ({terms!r}) must be a formula string or a non-empty list "
                            "of term names")
        chosen: list[str] = []
        for t in wanted:
            key = _canonical(t)
            if key not in known:
                raise ValueError(f"terms: {t!r} is not a term of the model; its terms are "
                                 f"{[n for n in model.term_names if n != 'Intercept']}")
            if known[key] not in chosen:
                chosen.append(known[key])
        if intercept:
            if "Intercept" not in model.term_names:
                raise ValueError("terms: the model has no intercept to test")
            if "Intercept" not in chosen:
                chosen.insert(0, "Intercept")
        idx: list[int] = []
        for t in model.term_names:  # the model's column order
            if t in chosen:
                idx.extend(model.term_columns[t])
        if not idx:
            raise ValueError(f"terms ({terms!r}) name no coefficient to test")
        b = self.params.to_numpy()[idx]
        V = np.array(self._cov)[np.ix_(idx, idx)]
        chisq = float(b @ np.linalg.solve(V, b))
        k = len(idx)
        ddf = self.df_resid
        F = chisq / k
        p = float(special.fdtrc(k, ddf, F)) if ddf > 0 else float("nan")
        cols = tuple(str(self.params.index[i]) for i in idx)
        return WaldTest(tuple(chosen), cols, F, chisq, k, float(ddf), p)


def type_name(value: Any) -> str:
    return type(value).__name__


def _test_terms(formula: str) -> tuple[list[str], bool]:
    """Term names of a test formula, and whether it names the intercept explicitly."""
    import patsy

    text = formula.strip()
    if not text.startswith("~"):
        text = "~ " + text
    try:
        desc = patsy.ModelDesc.from_formula(text)
    except patsy.PatsyError as exc:
        raise ValueError(f"terms ({formula!r}) is not a formula: "
                         f"{str(exc).splitlines()[0]}") from None
    names = [t.name() for t in desc.rhs_termlist if t.factors]
    parts = [p.strip() for p in text.lstrip("~").split("+")]
    return names, "1" in parts


# --- the driver ------------------------------------------------------------------------------


def glm(
    design: Design,
    formula: str,
    family: Family = "gaussian",
    *,
    missing: Literal["error", "drop"] = "error",
    eval_env: Any = 0,
) -> GLMResult:
    """The design-based GLM of :meth:`SurveyDesign.glm` (see there)."""
    import patsy

    if not isinstance(formula, str) or "~" not in formula:
        raise TypeError(f"formula ({formula!r}) must be a string 'response ~ terms'")
    fam_name = check_choice("family", family, FAMILIES)
    fam = FAMILIES[fam_name]
    check_choice("missing", missing, ("error", "drop"))
    data: pd.DataFrame = design._data  # type: ignore[attr-defined]
    n = len(data)
    if isinstance(eval_env, int):
        eval_env = patsy.EvalEnvironment.capture(eval_env + 1)
    try:
        used_cols = _formula_variables(formula, data.columns)
    except (patsy.PatsyError, SyntaxError) as exc:
        first = str(exc).splitlines()[0]
        raise ValueError(f"formula ({formula!r}) could not be read: {first}") from None
    valid = np.ones(n, dtype=bool)
    gaps = {c: m for c in used_cols if (m := _missing(data[c])) is not None}
    if gaps:
        if missing == "error":
            listed = ", ".join(f"{c!r} ({int(m.sum()):,})" for c, m in gaps.items())
            raise ValueError(
                f"missing values in {listed}; pass missing='drop' to fit on the rows "
                "with every variable present (the design keeps its PSUs)")
        valid = ~np.logical_or.reduce(list(gaps.values()))
    w_all = np.asarray(design._w, dtype=np.float64)
    all_rows = bool(valid.all())
    y, X, model = _model_matrices(data, None if all_rows else valid, formula, fam, eval_env)
    _check_response(y, fam, formula, model.response)
    names = model.column_names
    p = X.shape[0]  # X is the model matrix transposed, (p, rows used)
    # R rescales the weights to mean 1 over the design's rows (svyglm's rescale=TRUE)
    w_scaled = w_all / np.mean(w_all)
    w = w_scaled if all_rows else w_scaled[valid]
    if int(np.count_nonzero(w)) < p:
        raise ValueError(f"formula ({formula!r}): {p} coefficients but only "
                         f"{int(np.count_nonzero(w))} rows with a non-zero weight")
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        fit = _irls(X, y, w, fam, names=names)
    if not fit.converged:
        warnings.warn(f"glm ({formula!r}): IRLS did not converge in {_MAXIT} iterations; "
                      "the coefficients may be off (separation, or an outlying response?)",
                      SurveyStatsWarning, stacklevel=3)
    if fam is _BINOMIAL and np.any((fit.mu < 10 * np.finfo(float).eps)
                                   | (fit.mu > 1 - 10 * np.finfo(float).eps)):
        warnings.warn(f"glm ({formula!r}): fitted probabilities numerically 0 or 1 "
                      "occurred (separation): coefficients and SEs may be unreliable",
                      SurveyStatsWarning, stacklevel=3)
    # influence values A⁻¹ x_i r_i, (p, rows); the weight scale cancels. A Taylor variance is
    # a quadratic form in the scores, so without calibration (whose residuals drop rounding
    # noise row by row) it is A⁻¹ cov(x_i r_i) A⁻¹, with no (p, n) product by A⁻¹.
    Ainv = np.linalg.inv(fit.info)
    is_rep = hasattr(design, "_reps")
    sandwich = not is_rep and not design._calibration  # type: ignore[attr-defined]
    # X is not needed after the fit on a Taylor design: the scores take its place
    infl = np.multiply(X, fit.score_weights, out=X if not is_rep else None)
    if not sandwich:
        for lo in range(0, X.shape[1], _BLOCK):  # blocks of rows, not rows
            sl = slice(lo, lo + _BLOCK)
            infl[:, sl] = Ainv @ infl[:, sl]
    if all_rows:
        scores = infl
    else:
        scores = np.zeros((p, n))
        scores[:, valid] = infl

    def replicates(reps: ReplicateWeights) -> np.ndarray:
        return _replicate_coefficients(reps, X, y, fam, fit.beta, np.flatnonzero(valid))

    lin = Linear(fit.beta[None, :], scores)
    cov = np.asarray(design._variance(lin, replicates, rows=valid), dtype=np.float64)
    if sandwich:
        cov = Ainv @ cov @ Ainv
    cov = 0.5 * (cov + cov.T)
    if is_rep:
        degf = float(design.degf)  # R: the whole replicate design's degf
    else:
        # the design's own degf when every row is used (the same rule, computed once)
        degf = float(design.degf) if all_rows else float(design._degf_by(valid)[0])
    df_resid = degf + 1.0 - p
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = fit.beta / se
    pv = (2.0 * special.stdtr(df_resid, -np.abs(t)) if df_resid > 0
          else np.full(p, np.nan))
    dispersion = _dispersion(fit, w, w_scaled, design._domains_keep_rows)
    idx = pd.Index(names)
    return GLMResult(
        formula, fam_name, fam.link,
        pd.Series(fit.beta, index=idx, name="params"),
        pd.Series(se, index=idx, name="bse"),
        pd.Series(t, index=idx, name="tvalues"),
        pd.Series(pv, index=idx, name="pvalues"),
        df_resid, dispersion, fit.deviance, int(valid.sum()), fit.iterations, fit.converged,
        "replicate" if is_rep else "linearization", cov, model, fam,
    )


def _missing(column: pd.Series) -> np.ndarray | None:
    """The rows where ``column`` is missing, or None where it has no missing value. A float
    column is checked through its sum first (NaN is the only value that makes it NaN, with
    +inf and -inf together): one pass over the data, no mask, in the common case."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return None  # numpy integers and booleans cannot be missing
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = column.to_numpy()
        with np.errstate(invalid="ignore", over="ignore"):
            if not np.isnan(values.sum()):
                return None
        mask = np.isnan(values)
    else:
        mask = column.isna().to_numpy(dtype=bool)
    return mask if mask.any() else None


def _dispersion(fit: _Fit, w: np.ndarray, w_all: np.ndarray, keeps_rows: bool) -> float:
    """R's ``svyvar(resid(fit, "pearson"), design)``: the weighted variance (with
    ``n / (n - 1)``, n the rows with a non-zero weight) of the Pearson residuals
    ``(y - μ) / sqrt(V(μ))``, times R's constant ``sqrt(c)``: c = 1 without missing values;
    with rows dropped, the mean weight of the rows used over that of all rows (the sum, on a
    calibrated design, whose dropped rows keep a zero weight in R). ``w`` are the used rows'
    weights, ``w_all`` all rows'.

    R's replicate-design residuals (``residuals.svrepglm``) are scaled by another constant,
    ``sum(w_used) n_all / sum(w_all)``, which makes their dispersion about n times the
    Taylor one; the Taylor definition is used for both designs here (documented difference).
    """
    c = 1.0
    if w.size != w_all.size:
        c = (w.sum() / w_all.sum() if keeps_rows
             else (w.sum() / w.size) / (w_all.sum() / w_all.size))
    n = int(np.count_nonzero(w))
    if n < 2:
        return float("nan")
    sw = float(w.sum())
    # the weighted variance from the final pass's Σ w e and Σ w e²: the residuals' mean is
    # small beside their spread, so the difference loses no digits that matter
    s1, s2 = fit.pearson
    return float(c * max(s2 - s1 * s1 / sw, 0.0) / sw * n / (n - 1))


def _replicate_coefficients(reps: ReplicateWeights, X: np.ndarray, y: np.ndarray,
                            fam: _Family, beta0: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The model refitted with every column of replicate weights, from ``beta0``: (R, p)."""
    R = reps.n_replicates
    out = np.empty((R, X.shape[0]))  # X is the model matrix transposed, (p, rows)
    compressed = reps.unit is not None
    for r in range(R):  # loop over replicates (each fit is vectorised over the rows)
        if compressed:
            assert reps.base is not None and reps.unit is not None
            wr = reps.base[rows] * reps.factors[reps.unit[rows], r]
        else:
            wr = reps.factors[rows, r]
        wr = wr / wr.sum()
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            out[r] = _irls(X, y, wr, fam, start=beta0).beta
    return out
