"""What :class:`SurveyDesign` and :class:`ReplicateDesign` share: the public methods.

Both designs answer the same questions in the same way: the estimator methods hand the
design to the functions of :mod:`~surveystats.design._estimators`, which call back the
design's variance engine (``_variance``: Taylor linearisation or replicate weights); the
calibration methods compute new weights with the functions of
:mod:`~surveystats.design._calibration` and return a new design. :class:`_DesignMethods`
holds these methods once, with their documentation; each design class keeps its own
constructor, variance engine, description (``_summary``) and the hooks below:

* ``_calibration_weights()``: the weights that calibration changes: the sampling weights
  (n,) of a :class:`SurveyDesign`, or the full-sample weights followed by every replicate
  (n, R + 1) of a :class:`ReplicateDesign`;
* ``_with_weights(W, adjustment, step)``: the new design with those weights; ``step()``
  builds the Taylor variance step of the calibration (a replicate design ignores it: its
  replicates were calibrated one by one);
* ``_cells(param, strata)``: the cells of the post-stratification or raking columns (the
  two classes check the ``strata`` argument differently, so each keeps its own), and
  ``_margin_param(cols)``, the name of a raking margin in messages;
* ``_with_lazy(lazy, adjustment)``: over a Dask DataFrame, the new design with the
  calibrated side ``lazy`` (:mod:`~surveystats.design._dask_calibration` post-stratifies
  and rakes there); written here, :class:`ReplicateDesign` adds its new df.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

import numpy as np
import pandas as pd

from surveystats.design import _calibration as cal
from surveystats.design import _dask_calibration
from surveystats.design import _estimators as est
from surveystats.design._args import calibrate_args, fmt, rake_args, trim_args, warn_negative
from surveystats.design._calibration import CalibrationStep, Cells
from surveystats.design._columns import ColumnCheck as _Columns
from surveystats.design._crosstab import Crosstab, crosstab
from surveystats.design._estimators import Design
from surveystats.design._glm import GLMResult, glm
from surveystats.design._results import DesignEstimate
from surveystats.design._ttest import TTest, ttest

if TYPE_CHECKING:
    from typing import Self

__all__: list[str] = []


class _DesignMethods:
    """The public methods common to :class:`SurveyDesign` and :class:`ReplicateDesign`."""

    __slots__ = ()

    _data: pd.DataFrame
    _n: int
    _w: np.ndarray
    _adjustments: tuple[str, ...]
    #: Over a Dask DataFrame: its partitions' side (``_dask``), which the four estimators
    #: hand their arguments to; None in memory.
    _lazy: Any

    #: The end of the message when someone tries to change a design.
    _immutable_hint: ClassVar[str]

    # --- hooks: each design class provides these ------------------------------------------
    def _summary(self) -> str:
        raise NotImplementedError

    def _calibration_weights(self) -> np.ndarray:
        raise NotImplementedError

    def _with_weights(self, W: np.ndarray, adjustment: str,
                      step: Callable[[], CalibrationStep] | None = None) -> Self:
        raise NotImplementedError

    def _cells(self, param: str, strata: str | Sequence[str]) -> Cells:
        raise NotImplementedError

    def _with_lazy(self, lazy: Any, adjustment: str) -> Self:
        """A new design of the same class over the same Dask DataFrame with the calibrated
        side ``lazy``: the same structure and df (calibration keeps zero weights at zero and
        the others positive; :class:`ReplicateDesign` recomputes its df). Every slot is
        copied but the memo (a lazy design leaves some unset: it has no weights)."""
        new = object.__new__(type(self))
        slots: tuple[str, ...] = type(self).__slots__
        for name in slots:
            if name != "_cache" and hasattr(self, name):
                object.__setattr__(new, name, getattr(self, name))
        object.__setattr__(new, "_lazy", lazy)
        object.__setattr__(new, "_adjustments", (*self._adjustments, adjustment))
        return new

    def _margin_param(self, cols: list[str]) -> str:
        """The name of a raking margin in messages: ``margins['sex']``."""
        return f"margins[{cols!r}]" if len(cols) > 1 else f"margins[{cols[0]!r}]"

    # --- immutability -------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; {self._immutable_hint}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _in_memory(self, what: str) -> None:
        """Refuse, with what to do instead, what a design over a Dask DataFrame cannot do."""
        if self._lazy is not None:
            raise NotImplementedError(self._lazy.unsupported(what))

    # --- properties and description --------------------------------------------------------
    @property
    def n_obs(self) -> int:
        """Number of rows."""
        return self._n

    def __len__(self) -> int:
        return self._n

    @property
    def weights(self) -> np.ndarray:
        """A copy of the (full-sample) sampling weights."""
        self._in_memory("weights")
        return self._w.copy()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._summary()})"

    def _repr_html_(self) -> str:
        return (f"<div><p><strong>{type(self).__name__}</strong></p>"
                f"<p>{self._summary()}</p></div>")

    # --- services for the estimators ------------------------------------------------------
    def _column(self, param: str, name: str) -> pd.Series:
        _Columns(self._data).check(param, name)
        return self._data[name]

    def _labelled(self, result: DesignEstimate) -> DesignEstimate:
        """The result with the question texts of its variables, when the data carry them
        (``df.attrs["labels"]`` of a labelled file)."""
        labels = self._data.attrs.get("labels")
        if not isinstance(labels, dict):
            return result
        mine = {v: str(labels[v]) for v in dict.fromkeys(result.variable) if v in labels}
        return dataclasses.replace(result, labels=mine) if mine else result

    # --- estimators (implemented in _estimators) ----------------------------------------
    def mean(
        self,
        variables: str | Sequence[str],
        *,
        by: str | Sequence[str] | None = None,
        deff: Literal["wor", "wr"] | None = None,
        missing: Literal["error", "drop"] = "error",
    ) -> DesignEstimate:
        """Weighted mean(s) with design-based standard errors.

        Parameters
        ----------
        variables : str or list of str
            Numeric (or boolean) columns; a categorical or text column gives the share of
            each of its levels, as R's ``svymean(~factor)``.
        by : str, list of str or None
            Domain (subpopulation) columns: one estimate per domain, computed by
            zero-weighting the rows outside it, so the full design feeds the variance.
        deff : {"wor", "wr"} or None
            Also report the design effect against simple random sampling without ("wor",
            R's ``deff=TRUE``) or with ("wr", R's ``deff="replace"``) replacement.
        missing : {"error", "drop"}
            Missing values raise (naming the column), or the rows are dropped from the
            estimate while the design keeps its PSUs (R's ``na.rm=TRUE``).

        Returns
        -------
        DesignEstimate
            ``estimate``, ``se``, ``var`` (covariance), ``df``, ``deff``, ``cv``, ``n``;
            ``to_frame()`` and ``confint()``.

        Notes
        -----
        The mean ``ȳ = Σ w y / Σ w`` is a ratio; its influence values are
        ``w_i (y_i - ȳ) / Σ w``, whose PSU totals go into the Taylor variance of a
        :class:`SurveyDesign`. On a :class:`ReplicateDesign` each replicate's mean
        ``Σ w_r y / Σ w_r`` (within each domain for ``by=``) feeds the replicate variance.
        Matches R survey's ``svymean`` (and ``svyby(..., svymean)`` for domains) to 1e-8,
        on ``svydesign`` and ``svrepdesign`` objects.

        For a domain, ``df`` is R's ``degf(subset(design, <domain>))``: the PSUs with rows
        in the domain minus the strata with rows in it, or for a replicate design the rank
        of the domain's replicate weights minus 1 (``svyby`` itself reports none), and
        ``n`` counts the domain's rows. The covariance between domains is the joint one
        (they share PSUs); R's ``svyby`` returns a block-diagonal matrix instead. The
        design effect compares with SRS of the domain's ``n`` rows (R's formula: the
        weighted variance times ``n / (n - 1)``, times ``(N - n) / (N n)`` for "wor" or
        ``1 / n`` for "wr", ``N`` the domain's sum of weights); it is not Kish's
        ``n / n_eff``.

        Examples
        --------
        >>> import pandas as pd
        >>> from surveystats.design import SurveyDesign
        >>> df = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3], "w": [2, 2, 3, 3, 1, 1],
        ...                    "y": [1.0, 2.0, 3.0, 5.0, 4.0, 4.0],
        ...                    "sex": ["f", "m", "f", "f", "m", "f"]})
        >>> d = SurveyDesign(df, weights="w", clusters="psu")
        >>> d.mean("y").to_frame()[["variable", "estimate", "se", "df"]]
          variable  estimate        se   df
        0        y  3.166667  0.867361  2.0
        >>> d.mean("y", by="sex").to_frame()[["domain", "estimate", "se"]]
          domain  estimate       se
        0      f  3.333333  0.84132
        1      m  2.666667  0.76980

        R: ``svyby(~y, ~sex, svydesign(id=~psu, weights=~w, data=df), svymean)`` gives
        SEs 0.8413198 and 0.7698004.

        The same call on a jackknife replicate design:

        >>> from surveystats.datasets import load_teaching_sample
        >>> df = load_teaching_sample("cluster1")
        >>> jk = SurveyDesign(df, weights="weight", clusters="municipality",
        ...                   fpc="fpc").to_replicate("jk1")
        >>> jk.mean("income", by="sex").to_frame()[["domain", "estimate", "se"]]
           domain   estimate        se
        0  female  32.777047  1.618696
        1    male  38.101451  2.017729

        R: ``svyby(~income, ~sex, as.svrepdesign(svydesign(id=~municipality,
        weights=~weight, fpc=~fpc, data=df), type="JK1"), svymean)`` gives SEs 1.618696
        and 2.017729.
        """
        if self._lazy is not None:  # one pass over the partitions
            return self._lazy.mean(self, variables, by, deff, missing)  # type: ignore[no-any-return]
        return self._labelled(est.mean(cast("Design", self), variables, by=by, deff=deff,
                                       missing=missing))

    def total(
        self,
        variables: str | Sequence[str],
        *,
        by: str | Sequence[str] | None = None,
        deff: Literal["wor", "wr"] | None = None,
        missing: Literal["error", "drop"] = "error",
    ) -> DesignEstimate:
        """Weighted (Horvitz-Thompson) total(s) with design-based standard errors.

        Parameters and result are those of :meth:`mean`. The influence values of
        ``Σ w y`` are ``w_i y_i``; a replicate design computes ``Σ w_r y`` in every
        replicate. Matches R survey's ``svytotal`` to 1e-8.

        Examples
        --------
        >>> import pandas as pd
        >>> from surveystats.design import SurveyDesign
        >>> df = pd.DataFrame({"h": ["a", "a", "b", "b"], "N": [10, 10, 4, 4],
        ...                    "y": [1.0, 3.0, 2.0, 2.0]})
        >>> SurveyDesign(df, strata="h", fpc="N").total("y").to_frame()[["estimate", "se"]]
           estimate        se
        0      28.0  8.944272

        With a stratified jackknife:

        >>> from surveystats.datasets import load_teaching_sample
        >>> df = load_teaching_sample("stratified")
        >>> jk = SurveyDesign(df, weights="weight", strata="region",
        ...                   fpc="fpc").to_replicate("jkn")
        >>> jk.total("has_mobile")
        DesignEstimate(total of has_mobile: estimate=1.708e+05, se=1800, df=1592)

        R: ``svytotal(~has_mobile, as.svrepdesign(svydesign(id=~1, strata=~region,
        weights=~weight, fpc=~fpc, data=df), type="JKn"))`` gives 170835.2, SE 1799.6.
        """
        if self._lazy is not None:  # one pass over the partitions
            return self._lazy.total(self, variables, by, deff, missing)  # type: ignore[no-any-return]
        return self._labelled(est.total(cast("Design", self), variables, by=by, deff=deff,
                                        missing=missing))

    def proportion(
        self,
        variable: str,
        *,
        level: Any = None,
        by: str | Sequence[str] | None = None,
        method: str = "logit",
        deff: Literal["wor", "wr"] | None = None,
        missing: Literal["error", "drop"] = "error",
    ) -> DesignEstimate:
        """Share of each level of a variable (or of one level), with interval methods.

        Parameters
        ----------
        variable : str
            A categorical, text, boolean or numeric column; each distinct value is a level.
        level : scalar or None
            Only this level (e.g. ``True``, ``"Yes"``, ``1``); None: every level, sorted.
        by : str, list of str or None
            As in :meth:`mean`.
        method : str, default "logit"
            Interval method used by ``confint()`` and ``to_proportion_ci()`` unless they
            are given another: ``"logit"`` (R svyciprop's ``logit`` and ``xlogit``),
            ``"likelihood_ratio"`` (``likelihood``), ``"arcsine"`` (``asin``),
            ``"korn_graubard"`` (``beta``), ``"wald"`` (``mean``), ``"wilson"``, or any
            other method of :func:`surveystats.proportion_ci`. R's names are accepted.
        deff : {"wor", "wr"} or None
            As in :meth:`mean`.
        missing : {"error", "drop"}
            As in :meth:`mean`.

        Returns
        -------
        DesignEstimate
            One row per level (and domain), with ``level`` filled in.

        Notes
        -----
        Every interval goes through the package's one interval engine, fed the estimate
        ``p``, the effective sample size ``n_eff = p (1 - p) / var`` and the design's
        degrees of freedom, which is how R's ``svyciprop`` works; so
        ``proportion_ci(p, n, deff=n / n_eff, df=df)`` gives the same numbers. Where the
        design variance is 0 because ``p`` is 0 or 1, ``n_eff`` is undefined and the
        nominal ``n`` is used (deff 1), so the interval stays informative (R returns NaN).

        On replicate designs R's ``svyciprop(method="logit")`` refits the logistic model
        in each replicate and takes the replicate variance of the logits; here the logit
        interval uses the delta method (R's ``method="xlogit"``), so it goes through the
        same interval engine as every other method. The two differ by the
        non-linearity of the logit across replicates (1e-4 on R's jackknife examples,
        4e-3 with 8 BRR replicates).

        Examples
        --------
        A poll in two regions (strata), two interviews per sampled PSU:

        >>> import pandas as pd
        >>> from surveystats.design import SurveyDesign
        >>> df = pd.DataFrame({
        ...     "region": ["N"] * 8 + ["S"] * 8,
        ...     "psu": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8],
        ...     "w": [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 1, 1],
        ...     "optimistic": [1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1],
        ... })
        >>> d = SurveyDesign(df, weights="w", strata="region", clusters="psu")
        >>> share = d.proportion("optimistic", level=1)
        >>> share
        DesignEstimate(proportion of optimistic=1: estimate=0.5769, se=0.18, df=6)
        >>> share.confint()[["estimate", "low", "high"]].round(4)
           estimate    low    high
        0    0.5769  0.1832  0.8924
        >>> share.to_proportion_ci(method="korn_graubard")
        ProportionCI(method='korn_graubard', estimate=0.5769, low=0.1549, high=0.9254,
        confidence_level=0.95, n=16, deff=2.125, n_eff=7.53, df=6)

        R: ``svyciprop(~optimistic, d)`` gives (0.1832, 0.8924) and
        ``method="beta"`` (0.1549, 0.9254).

        A bootstrap replicate design against the linearised standard error:

        >>> from surveystats.datasets import load_teaching_sample
        >>> df = load_teaching_sample("cluster2")
        >>> boot = SurveyDesign(df, weights="weight", strata="region",
        ...                     clusters="municipality").to_replicate("bootstrap", rng=1)
        >>> share = boot.proportion("optimistic", level=1)
        >>> round(float(share.estimate[0]), 4)
        0.6749
        >>> taylor = SurveyDesign(df, weights="weight", strata="region",
        ...                       clusters="municipality").proportion("optimistic", level=1)
        >>> bool(abs(share.se[0] / taylor.se[0] - 1) < 0.3)  # 50 replicates: a rough SE
        True
        """
        if self._lazy is not None:  # one pass over the partitions
            return self._lazy.proportion(  # type: ignore[no-any-return]
                self, variable, level, by, method, deff, missing)
        return self._labelled(est.proportion(cast("Design", self), variable, level=level,
                                             by=by, method=method, deff=deff,
                                             missing=missing))

    def ratio(
        self,
        numerator: str | Sequence[str],
        denominator: str,
        *,
        by: str | Sequence[str] | None = None,
        deff: Literal["wor", "wr"] | None = None,
        missing: Literal["error", "drop"] = "error",
    ) -> DesignEstimate:
        """Ratio(s) of weighted totals ``Σ w y / Σ w x``, with design-based SEs.

        Parameters
        ----------
        numerator : str or list of str
            Numerator column(s); each is divided by ``denominator``.
        denominator : str
            Denominator column (its weighted total must not be 0).
        by, deff, missing : optional
            As in :meth:`mean`; with ``missing="drop"`` a row missing either value is
            dropped (R's ``svyratio(..., na.rm=TRUE)``).

        Notes
        -----
        Influence values ``w_i (y_i - R x_i) / X̂``; a replicate design computes each
        replicate's ratio ``Σ w_r y / Σ w_r x``. Matches R survey's ``svyratio``.

        Examples
        --------
        >>> import pandas as pd
        >>> from surveystats.design import SurveyDesign
        >>> df = pd.DataFrame({"psu": [1, 2, 3, 4], "w": [1, 1, 2, 2],
        ...                    "spend": [10.0, 12.0, 9.0, 20.0],
        ...                    "income": [40.0, 50.0, 30.0, 60.0]})
        >>> r = SurveyDesign(df, weights="w", clusters="psu").ratio("spend", "income")
        >>> round(float(r.estimate[0]), 4), round(float(r.se[0]), 4)
        (0.2963, 0.0239)

        With a jackknife replicate design:

        >>> from surveystats.datasets import load_teaching_sample
        >>> df = load_teaching_sample("cluster1")
        >>> jk = SurveyDesign(df, weights="weight", clusters="municipality").to_replicate(
        ...     "jk1")
        >>> r = jk.ratio("has_mobile", "optimistic")
        >>> round(float(r.estimate[0]), 4), round(float(r.se[0]), 4)
        (1.1982, 0.0422)

        R: ``svyratio(~has_mobile, ~optimistic, <the same JK1 design>)`` gives 1.198222,
        SE 0.042154.
        """
        if self._lazy is not None:  # one pass over the partitions
            return self._lazy.ratio(  # type: ignore[no-any-return]
                self, numerator, denominator, by, deff, missing)
        return self._labelled(est.ratio(cast("Design", self), numerator, denominator, by=by,
                                        deff=deff, missing=missing))

    def quantile(
        self,
        variable: str,
        probs: float | Sequence[float],
        *,
        by: str | Sequence[str] | None = None,
        rule: Literal["math", "school", "shahvaish", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6",
                      "hf7", "hf8", "hf9"] = "math",
        interval_type: Literal["mean", "beta", "xlogit", "asin", "quantile"] = "mean",
        missing: Literal["error", "drop"] = "error",
    ) -> DesignEstimate:
        """Weighted quantile(s) with Woodruff confidence intervals.

        Parameters
        ----------
        variable : str
            A numeric column.
        probs : float or list of float
            Probabilities in [0, 1].
        by : str, list of str or None
            As in :meth:`mean`.
        rule : str, default "math"
            Every ``qrule`` of R survey's ``svyquantile``, with its formula. ``"math"``
            (= ``"hf1"``): the smallest value whose weighted cumulative share is >= p (the
            inverse of the weighted distribution function; R's default). ``"school"``
            (= ``"hf2"``): the average of the two values where the share is exactly p.
            ``"hf3"``: the nearest even-ranked distinct value. ``"hf4"`` to ``"hf9"``: Hyndman
            and Fan's types generalised to weights (linear interpolation between plotting
            positions). ``"shahvaish"``: Shah and Vaish's step rule, with R's formula as R
            has it (positions ``(S + 0.5 - w / 2) / (n + 1)``, ``S`` the cumulative sum of
            ``w / mean(w)``). Each is checked against R (``tests/test_design_qrules.py``).
        interval_type : {"mean", "beta", "xlogit", "asin", "quantile"}, default "mean"
            How the interval is made (R's ``interval.type``). Woodruff's, from the share
            below the quantile: a t interval on the share, a Korn-Graubard beta interval at
            its effective size, or a t interval on its logit or on ``asin(sqrt(share))``,
            mapped back. ``"quantile"`` (replicate designs only): the quantile recomputed
            with each replicate's weights, ``estimate ± t_df SE`` (R's ``repCI``; jackknife
            SEs of quantiles are known to be unreliable, as R warns). The quantile's ``se``
            is, as in R, the 95% interval's width over ``2 t_{0.975, df}``.
        missing : {"error", "drop"}
            As in :meth:`mean`.

        Returns
        -------
        DesignEstimate
            One row per probability (and domain); ``level`` holds the probability.
            ``se`` is R's ``(high - low) / (2 t_{0.975, df})`` from the 95% Woodruff
            interval, ``var`` its square (no covariances); ``confint()`` recomputes the
            Woodruff interval at any level.

        Notes
        -----
        Woodruff (1952): the interval for the share ``F(q̂) = mean(y <= q̂)`` is a t
        interval with the design df; its end points are mapped back through the same
        quantile rule (R's ``svyquantile(..., interval.type="mean")``, also on a replicate
        design, where the variance of the share comes from the replicates). An end point
        whose share falls outside [0, 1] is NaN. Cumulative weights are summed in extended
        precision as R does, so ties such as 50 of 200 equal weights at p = 0.25 resolve
        as in R.

        Examples
        --------
        >>> import pandas as pd
        >>> from surveystats.design import SurveyDesign
        >>> df = pd.DataFrame({"y": [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], "N": 80})
        >>> q = SurveyDesign(df, fpc="N").quantile("y", [0.25, 0.5])
        >>> q.estimate
        array([1., 3.])

        With a stratified jackknife:

        >>> from surveystats.datasets import load_teaching_sample
        >>> df = load_teaching_sample("stratified")
        >>> jk = SurveyDesign(df, weights="weight", strata="region").to_replicate("jkn")
        >>> q = jk.quantile("income", 0.5)
        >>> q.confint()[["estimate", "low", "high"]]
           estimate   low  high
        0      29.7  28.2  31.1

        R: ``svyquantile(~income, <the same JKn design>, 0.5, ci=TRUE)`` gives 29.7 (28.2,
        31.1).
        """
        self._in_memory("quantile")
        return self._labelled(est.quantile(cast("Design", self), variable, probs, by=by,
                                           rule=rule, interval_type=interval_type,
                                           missing=missing))

    def ttest(
        self,
        variable: str,
        group: str | None = None,
        *,
        mu: float = 0.0,
        confidence_level: float = 0.95,
        missing: Literal["error", "drop"] = "error",
    ) -> TTest:
        """Design-based t-test of a mean, or of the difference between two groups' means.

        Parameters
        ----------
        variable : str
            A numeric column.
        group : str, optional
            A column with exactly two values (after dropping missing ones): the test is then
            of ``mean(second) - mean(first)``, the values in sorted order (R's factor levels).
            Without it, a one-sample test of ``mean(variable)``.
        mu : float, default 0
            The value the mean (or the difference) is tested against.
        confidence_level : float, default 0.95
            Level of the interval ``estimate ± t_df se``.
        missing : {"error", "drop"}
            As in :meth:`mean`; with ``"drop"``, rows missing the variable (or the group)
            are left out of the estimate while the design keeps its PSUs.

        Returns
        -------
        TTest
            ``estimate``, ``se``, ``statistic = (estimate - mu) / se``, ``df``,
            ``p_value`` (two-sided), ``low``, ``high``; ``to_frame()``.

        Notes
        -----
        R survey's ``svyttest``: one sample as ``svyttest(y ~ 0, design)``, with df
        ``degf(design) - 1`` (survey 4.x; the full design's, even when missing values are
        dropped); two groups as ``svyttest(y ~ group, design)``, the group coefficient of
        ``svyglm(y ~ group)``, which equals the difference of the two domain means, with its
        variance from their joint covariance and the regression's residual df,
        ``degf(rows used) - 1``. R has no ``mu``: ``svyttest(I(y - mu) ~ 0, design)`` gives
        ``estimate - mu`` and the same t. Matches R to 1e-8 on Taylor and replicate designs
        (``tests/test_design_ttest_contrast.py``).

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("stratified")
        >>> d = SurveyDesign(df, weights="weight", strata="region")
        >>> t = d.ttest("income", "sex")
        >>> print(t)  # doctest: +NORMALIZE_WHITESPACE
        difference in mean income, sex male minus female: 3.18794 (SE 1.797), t = 1.774 on
        1591 df, p = 0.0762; 95% interval [-0.335948, 6.71182]
        """
        self._in_memory("ttest")
        return ttest(cast("Design", self), variable, group, mu=mu,
                     confidence_level=confidence_level, missing=missing)

    def glm(
        self,
        formula: str,
        family: Literal["gaussian", "binomial", "quasibinomial", "poisson",
                        "quasipoisson"] = "gaussian",
        *,
        missing: Literal["error", "drop"] = "error",
    ) -> GLMResult:
        """Fit a generalised linear model with design-based standard errors (R's ``svyglm``).

        Parameters
        ----------
        formula : str
            A formula in the notation statsmodels uses (patsy): ``"api00 ~ ell + meals +
            C(stype)"``; string and categorical columns become indicator columns (the first
            category is the reference), ``C(x)`` makes a numeric column categorical,
            ``np.log(x)`` and ``I(x ** 2)`` transform, ``a:b`` and ``a * b`` interact.
        family : {"gaussian", "binomial", "quasibinomial", "poisson", "quasipoisson"}
            With its canonical link (identity, logit, log). ``binomial`` takes a 0/1,
            boolean or two-category response, or a share in [0, 1]; the quasi- families
            give the same estimates and standard errors (R's too: the design-based SEs do
            not depend on the dispersion) and exist so that R code reads the same.
        missing : {"error", "drop"}
            ``"error"`` refuses missing values in any variable of the formula and names the
            columns; ``"drop"`` fits on the rows with every variable present while the
            design keeps its PSUs and strata (R's ``na.action = na.omit``).

        Returns
        -------
        GLMResult
            ``params``, ``bse``, ``tvalues``, ``pvalues`` (Series in the formula's term
            order, intercept first), ``df_resid``, ``dispersion``, ``conf_int()``,
            ``cov_params()``, ``to_frame()``, ``summary()``, ``predict(data)``,
            ``wald_test(terms)``.

        Notes
        -----
        The coefficients solve the survey-weighted score equations
        ``Σ w_i x_i (y_i - μ_i) μ'_i / V(μ_i) = 0``: they estimate the coefficients the
        model would have if fitted to the whole population (the *census* parameter), whether
        or not the model is true. Their variance is that of an estimating-equation estimator
        (Binder 1983): the influence values ``A⁻¹ x_i w_i (y_i - μ_i) μ'_i / V(μ_i)`` go
        through the same variance engine as a mean, so strata, clusters, fpc, lonely PSUs
        and calibration are all accounted for; a replicate design refits the model for every
        replicate. Tests and intervals use a t distribution with ``degf + 1 - p`` df (R's
        residual df), which can be small: a design with 30 PSUs in 15 strata leaves 16 df
        for one predictor and 6 for eleven. Matches R survey 4.1 to 1e-8 on Taylor,
        replicate and calibrated designs for every family
        (``tests/test_design_glm.py``, references from
        ``tests/reference/design/make_glm.R``).

        When it fails: with few PSUs per parameter the sandwich variance is unstable
        (Lumley and Scott 2017 suggest checking ``df_resid``); a binomial model with
        separated data has no finite estimate (a warning says so); aliased columns are
        refused with their names.

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("stratified")
        >>> d = SurveyDesign(df, weights="weight", strata="region")
        >>> m = d.glm("optimistic ~ age_group + sex", "quasibinomial")
        >>> m.to_frame()[["term", "estimate", "se", "p_value"]].round(4)
                         term  estimate      se  p_value
        0           Intercept    0.1739  0.1165   0.1358
        1  age_group[T.35-54]    0.5330  0.1383   0.0001
        2    age_group[T.55+]    1.1096  0.1458   0.0000
        3         sex[T.male]   -0.0044  0.1168   0.9697
        >>> m.wald_test(["age_group"])
        WaldTest(age_group: F = 28.97 on 2 and 1589 df, p_value=4.37e-13)

        R: ``svyglm(optimistic ~ age_group + sex, svydesign(id=~1, strata=~region,
        weights=~weight, data=df), family=quasibinomial())`` gives the same coefficients
        (0.17385, 0.53296, 1.10958, -0.00444) and SEs (0.11648, 0.13829, 0.14577, 0.11677);
        ``regTermTest(m, "age_group")``: F = 28.97 on 2 and 1589 df, p = 4.37e-13.
        """
        self._in_memory("glm")
        return glm(cast("Design", self), formula, family, missing=missing, eval_env=1)

    def crosstab(
        self,
        row: str,
        col: str,
        *,
        missing: Literal["error", "drop"] = "error",
    ) -> Crosstab:
        """Weighted two-way table with design-based standard errors, and tests of independence.

        Parameters
        ----------
        row, col : str
            Two categorical columns: text, booleans, numeric codes or a pandas categorical.
            A categorical keeps the order of its categories (so an ordered scale read by
            :func:`surveystats.read_stata` or :func:`surveystats.read_spss` stays in order);
            any other column is sorted, as R's ``factor()``. Levels without a row of
            non-zero weight are left out; each column needs at least two levels.
        missing : {"error", "drop"}
            Missing values in either column raise (naming the column and how many), or
            those rows are left out of the table while the design keeps its PSUs and its
            degrees of freedom (R's ``na.rm=TRUE``).

        Returns
        -------
        Crosstab
            ``count`` (weighted counts), ``share`` (of the whole table), ``row_share`` and
            ``col_share``, each with its standard error (``count_se``, ...), as
            ``(r, c)`` arrays; ``table(kind)`` the wide view; ``to_frame()`` one row per
            cell (``row_level, col_level, count, count_se, share, share_se, row_share,
            row_share_se, col_share, col_share_se``); ``test(statistic)`` a
            :class:`CrosstabTest` (``statistic``, ``df``, ``ddf``, ``p_value``,
            ``method``).

        Raises
        ------
        ValueError
            Missing values with ``missing="error"``, ``row`` equal to ``col``, a column
            with fewer than two levels, or more than 2,048 cells.

        Notes
        -----
        The cell shares are the means of the ``r c`` cell indicators, the counts their
        totals, the row shares the means of the column indicators within each row level (a
        domain) and the column shares the other way round; so every standard error comes
        from the design's own linearisation or replicate weights, as for :meth:`mean` (R's
        ``svymean(~interaction(row, col))``, ``svytotal`` and ``svyby(~col, ~row, design,
        svymean)``).

        Why a design-based test: Pearson's ``X²`` assumes independent interviews. With
        clusters and unequal weights the cell shares vary more than a multinomial's, so
        ``X²`` is too large and its p-value too small. Rao and Scott [1]_ [2]_ measure
        how much more through the generalised design effects ``δ_k``, the eigenvalues of
        ``Δ = (C' D⁻¹ C / N)⁻¹ C' D⁻¹ V D⁻¹ C``, with ``V`` the design covariance of the
        cell shares ``p``, ``D = diag(p)``, ``C`` the interaction contrasts and ``N`` the
        number of rows (``Δ`` is the identity under simple random sampling). Then
        ``X² ≈ Σ δ_k χ²_1``, and ``test()`` offers R's ``svychisq`` choices:

        * ``"F"`` (default): ``F = X² / Σδ`` on ``d = (Σδ)² / Σδ²`` and ``d ν`` df (second
          order; ``ν`` the design's df), the test that holds its level best [3]_;
        * ``"Chisq"``: ``X² / mean(δ)`` against chi-squared on ``(r - 1)(c - 1)`` df (first
          order; R reports ``X²`` as the statistic);
        * ``"Wald"`` and ``"adjWald"``: a Wald test of the interaction, ``N̂_ij - N̂_i. N̂_.j
          / N̂``, against F on ``(r - 1)(c - 1)`` and ``ν`` df (adjusted: ``ν - q + 1``);
        * ``"saddlepoint"``: the tail of ``Σ δ_k χ²_1`` by Kuonen's saddlepoint
          approximation [4]_ (on a Taylor design R divides by an independent
          ``χ²_{dν} / (dν)``; on a replicate design it does not; both followed here);
        * ``"lincom"``: the same distribution (on a Taylor design over the same independent
          chi-squared) computed exactly, by Imhof's inversion formula; R computes it with
          Davies' algorithm [5]_ from the CompQuadForm package when that is installed, and
          otherwise (as in the R 4.2.2 that made the reference values) warns and uses the
          saddlepoint approximation, a few percent away. Tail probabilities below 1e-17 (by
          Chernoff's bound) are reported as 0.

        Every statistic, df and p-value matches R survey 4.1.1 to 1e-8 on Taylor,
        calibrated and replicate designs (``"saddlepoint"`` p-values to R's own
        root-finding tolerance, 1e-6; ``"lincom"`` is checked against exact chi-squared and
        F tails, a one-dimensional integral and Monte Carlo instead;
        ``tests/test_design_crosstab.py``).

        When it fails: with few PSUs (small ``ν``) the Wald tests are unstable and refuse a
        singular covariance (more interaction terms than ``ν`` can estimate), and the
        first-order ``"Chisq"`` is too liberal when the ``δ_k`` differ; the F test is the
        safe default. Cells with tiny expected counts make every version unreliable, as
        they make Pearson's test.

        References
        ----------
        .. [1] Rao, J. N. K. and Scott, A. J. (1981). The analysis of categorical data from
           complex sample surveys: chi-squared tests for goodness of fit and independence
           in two-way tables. *JASA* 76, 221-230.
        .. [2] Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway
           contingency tables with cell proportions estimated from survey data. *Annals
           of Statistics* 12, 46-60.
        .. [3] Thomas, D. R. and Rao, J. N. K. (1987). Small-sample comparisons of level
           and power for simple goodness-of-fit statistics under cluster sampling. *JASA*
           82, 630-636.
        .. [4] Kuonen, D. (1999). Saddlepoint approximations for distributions of quadratic
           forms in normal variables. *Biometrika* 86, 929-935.
        .. [5] Davies, R. B. (1980). Algorithm AS 155: the distribution of a linear
           combination of χ² random variables. *Applied Statistics* 29, 323-333.

        Examples
        --------
        Does trust in television depend on age? The two-stage teaching sample: 420
        interviews in 35 municipalities.

        >>> from surveystats.datasets import load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("cluster2")
        >>> d = SurveyDesign(df, weights="weight", strata="region",
        ...                  clusters=["municipality", "id"], fpc=["fpc1", "fpc2"], nest=True)
        >>> tab = d.crosstab("age_group", "trust_tv")
        >>> tab.table("row").round(3)
        trust_tv       0      1
        age_group
        18-34      0.730  0.270
        35-54      0.650  0.350
        55+        0.413  0.587
        >>> tab.table("row", se=True).round(3)
        trust_tv       0      1
        age_group
        18-34      0.043  0.043
        35-54      0.044  0.044
        55+        0.052  0.052
        >>> print(tab.test())  # doctest: +NORMALIZE_WHITESPACE
        Pearson's X^2: Rao & Scott second-order adjustment (F): age_group x trust_tv,
        F = 11.2275 on 1.963 and 53.01 df, p = 9.458e-05

        R: ``svychisq(~age_group + trust_tv, svydesign(id=~municipality+id,
        strata=~region, weights=~weight, fpc=~fpc1+fpc2, nest=TRUE, data=df))`` gives
        F = 11.227, ndf = 1.9632, ddf = 53.006, p-value = 9.458e-05.

        Read as if the 420 interviews were independent, Pearson's ``X²`` would claim far
        more certainty: the mean design effect of the table is ``X² / (F (r - 1)(c - 1))``.

        >>> from scipy import stats
        >>> x2 = tab.test("Chisq").statistic
        >>> round(x2, 2), float(stats.chi2.sf(x2, 2)) < 1e-6
        (31.03, True)
        >>> round(x2 / (tab.test().statistic * 2), 2)
        1.38
        """
        self._in_memory("crosstab")
        return crosstab(cast("Design", self), row, col, missing=missing)

    # --- calibration: each method returns a new design --------------------------------------
    def poststratify(self, strata: str | Sequence[str], population: Any) -> Self:
        """Post-stratify: scale the weights in each cell to its known population count.

        Parameters
        ----------
        strata : str or list of str
            The column(s) defining the post-strata (cells).
        population : dict, Series or DataFrame
            Population count of every cell: ``{"female": 107999, "male": 89001}``; for
            several columns, tuples as keys or a MultiIndex; or a DataFrame with the
            strata columns and one column of counts (R's ``data.frame(..., Freq=)``).

        Returns
        -------
        SurveyDesign or ReplicateDesign
            A new design of the same kind; weights ``w N_c / Σ_c w`` in cell ``c``. Its
            standard errors account for the post-stratification.

        Raises
        ------
        ValueError
            A sample cell without a (positive) population count, or a population cell
            with no sampled units, naming the cells.

        Notes
        -----
        The Taylor variance of a :class:`SurveyDesign` replaces each influence value
        ``z_i`` by ``z_i - w_i ȳ_c`` with ``ȳ_c = Σ_c z d / w / Σ_c d`` (``d`` the weights
        before): the variance of the residuals from the cell means, which is why
        post-stratification on a variable related to the outcome reduces the standard
        error (R's ``postStratify``; matches R survey to 1e-8). It fails when a cell has
        very few units: their weights swing with the sample and the linearisation
        understates the variance.

        A :class:`ReplicateDesign` post-stratifies every replicate too: each replicate's
        weights are scaled to the population counts on their own, so the replicate
        variance includes the effect of post-stratification.

        Over a Dask DataFrame the result is the same up to rounding: one pass over the
        partitions sums the weights by cell (by joint cell, when the design was calibrated
        before), the cells are scaled in memory, and every estimate applies the factors in
        its own pass (docs/dask.md).

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_margins, load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("cluster2")
        >>> m = load_teaching_margins()
        >>> ages = m[m["margin"] == "age_group"].set_index("age_group")["count"]
        >>> design = SurveyDesign(df, weights="weight", strata="region",
        ...                       clusters="municipality")
        >>> ps = design.poststratify("age_group", ages)
        >>> round(float(ps.weights.sum()))
        197000
        >>> design.total("optimistic").se.round(0), ps.total("optimistic").se.round(0)
        (array([18046.]), array([4900.]))

        R survey agrees: ``svytotal(~optimistic, postStratify(d, ~age_group, pop))`` gives
        SE 4900.2 (18046.5 before).

        A replicate design:

        >>> sex = dict(zip(m.loc[m["margin"] == "sex", "sex"],
        ...                m.loc[m["margin"] == "sex", "count"]))
        >>> jk = design.to_replicate("jkn")
        >>> ps = jk.poststratify("sex", sex)
        >>> round(float(ps.weights.sum()))
        197000
        """
        if self._lazy is not None:  # one pass over the partitions: the joint cells' table
            return cast("Self", _dask_calibration.poststratify(self, strata, population))
        cells = self._cells("strata", strata)
        counts = cal.cell_counts("population", cells, population, self._w)
        new = cal.poststratify_weights(self._calibration_weights(), cells, counts)
        return self._with_weights(
            new, f"post-stratified on {list(cells.names)}",
            lambda: cal.PostStratumStep(cells.codes, cells.n_cells, self._w, new))

    def rake(self, margins: Any, *, max_iter: int = 100, tol: float = 1e-10) -> Self:
        """Rake the weights to several margins (iterative proportional fitting).

        Parameters
        ----------
        margins : dict
            From a column name (or a tuple of names, for a crossed margin) to its
            population counts, in any form :meth:`poststratify` accepts:
            ``{"sex": {"female": 107999, "male": 89001}, "region": region_counts}``.
        max_iter : int, default 100
            Maximum number of passes over the margins.
        tol : float, default 1e-10
            Converged when, after a pass, every margin total is within ``tol`` (relative)
            of its population count.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            A new design of the same kind whose weights add up to every margin.

        Raises
        ------
        ValueError
            If raking does not converge within ``max_iter`` passes (naming the margin with
            the largest remaining discrepancy), if the margins disagree on the population
            size, or a cell problem as in :meth:`poststratify`.

        Notes
        -----
        Each pass post-stratifies on each margin in turn. The Taylor variance follows R's
        ``rake``: ten sweeps over the margins of ``z - w_m mean_c(z / w_m)`` with ``w_m``
        the weights after margin ``m``'s step in the final pass (R's stopping rule is a
        change in the weighted cross table below 1, so its default can stop before
        convergence; this matches R's result with a tight ``epsilon`` to 1e-8).

        A :class:`ReplicateDesign` rakes every replicate to convergence; as in R, its
        ``df`` is recomputed from the new replicate weights (calibration usually raises
        their rank).

        Over a Dask DataFrame the result is the same up to rounding: a row's factor depends
        only on its joint cell (the cross of all the margins' columns), so one pass over the
        partitions sums the weights by joint cell and the passes over the margins run in
        memory on that table, however many there are (docs/dask.md).

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_margins, load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("cluster2")
        >>> m = load_teaching_margins()
        >>> def counts(margin):
        ...     part = m[m["margin"] == margin]
        ...     return dict(zip(part[margin], part["count"]))
        >>> design = SurveyDesign(df, weights="weight", strata="region",
        ...                       clusters="municipality")
        >>> raked = design.rake({"age_group": counts("age_group"), "sex": counts("sex")})
        >>> raked.mean("optimistic")
        DesignEstimate(mean of optimistic: estimate=0.6743, se=0.02535, df=27)

        R: ``svymean(~optimistic, rake(d, list(~age_group, ~sex), list(ages, sexes),
        control=list(maxit=100, epsilon=1e-13)))`` gives 0.674324, SE 0.025348.

        The stratified jackknife of the same design:

        >>> jk = design.to_replicate("jkn")
        >>> jk.rake({"age_group": counts("age_group"), "sex": counts("sex")}).mean(
        ...     "optimistic")
        DesignEstimate(mean of optimistic: estimate=0.6743, se=0.02618, df=34)

        R: ``svymean(~optimistic, rake(as.svrepdesign(d, type="JKn"), list(~age_group,
        ~sex), list(ages, sexes), control=list(maxit=100, epsilon=1e-13)))`` gives
        0.674324, SE 0.026181, and ``degf`` 34.
        """
        if self._lazy is not None:  # one pass over the partitions: the joint cells' table
            return cast("Self", _dask_calibration.rake(self, margins, max_iter, tol))
        specs, names, max_iter, tol = rake_args(margins, max_iter, tol)
        pairs = []
        for cols, pop in specs:
            cells = self._cells("margins", cols)
            pairs.append((cells, cal.cell_counts(self._margin_param(cols), cells, pop, self._w)))
        new, after = cal.rake_weights(self._calibration_weights(), pairs, max_iter, tol, names)
        return self._with_weights(
            new, f"raked on {names}",
            lambda: cal.RakeStep(tuple((cells.codes, cells.n_cells, a)
                                   for (cells, _), a in zip(pairs, after, strict=True))))

    def calibrate(
        self,
        formula_or_columns: str | Sequence[str],
        population: Any,
        *,
        bounds: tuple[float, float] | None = None,
        calfun: Literal["linear", "raking"] = "linear",
        max_iter: int = 50,
        tol: float = 1e-10,
    ) -> Self:
        """Calibrate the weights to known population totals (GREG and relatives).

        Parameters
        ----------
        formula_or_columns : str or list of str
            The calibration model: ``"~stype + api99"`` or ``["stype", "api99"]``. An
            intercept is included unless the formula has ``- 1``; a categorical (text,
            boolean or category) column enters as treatment dummies, a numeric one as is.
        population : dict or Series
            Population totals, keyed by R's model-matrix names (``"(Intercept)"``,
            ``"stypeH"``, ``"stypeM"``, ``"api99"``), or for a categorical column by its
            name with a dict of the counts of *all* its levels (which also gives the
            population size): ``{"stype": {"E": 4421, "H": 755, "M": 1018},
            "api99": 3914069}``.
        bounds : (float, float) or None
            Bounds ``(lower, upper)`` on ``g = new weight / old weight``, with
            ``0 <= lower <= 1 <= upper``; None: unbounded.
        calfun : {"linear", "raking"}, default "linear"
            Distance: linear (GREG: ``g = 1 + x'λ``) or raking (``g = exp(x'λ)``, positive
            weights).
        max_iter : int, default 50
            Newton iterations for bounded or raking calibration.
        tol : float, default 1e-10
            Converged when every total is met to ``tol`` relative to ``1 + |total|``.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            A new design of the same kind whose weighted totals of the model columns equal
            ``population``.

        Raises
        ------
        ValueError
            Totals missing for a model column or a level, keys that are not calibration
            variables, collinear calibration variables, bounds that are negative or do not
            bracket 1, or no convergence within ``max_iter`` (naming the worst total). On a
            :class:`ReplicateDesign`, also a replicate that cannot meet the totals (within
            ``bounds``), naming the replicate.

        Warns
        -----
        SurveyStatsWarning
            If unbounded linear calibration makes weights negative.

        Notes
        -----
        Linear calibration without bounds has the closed form
        ``g = 1 + x' (X'DX)⁻¹ (T - X'd)``; otherwise Newton steps (R's ``grake``). The
        Taylor variance replaces the influence values by the residuals of
        ``z / (g sqrt(d))`` regressed on ``sqrt(d) X``, times ``g sqrt(d)`` (R's
        ``calibrate``; matches R survey to 1e-8). Calibration reduces the variance to that
        of the residuals of the outcome from the calibration model, and fails when the
        totals are out of reach (bounds too tight) or the model columns are nearly
        collinear in the sample. R rescales the weights before bounded calibration when
        they add up to less than a twentieth of the population; this function does not,
        so bounds always apply to ``g`` itself.

        A :class:`ReplicateDesign` calibrates every replicate to the same population
        totals.

        References
        ----------
        .. [1] Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey
           sampling. *JASA* 87, 376-382.

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_margins, load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("cluster2")
        >>> m = load_teaching_margins()
        >>> ages = dict(zip(m.loc[m["margin"] == "age_group", "age_group"],
        ...                 m.loc[m["margin"] == "age_group", "count"]))
        >>> design = SurveyDesign(df, weights="weight", strata="region",
        ...                       clusters="municipality")
        >>> cal = design.calibrate(["age_group", "sex"],
        ...                        {"age_group": ages, "sexmale": 89001})
        >>> cal.total("optimistic")
        DesignEstimate(total of optimistic: estimate=1.328e+05, se=5056, df=27)

        R: ``svytotal(~optimistic, calibrate(d, ~age_group + sex, c(`(Intercept)`=197000,
        `age_group35-54`=68374, `age_group55+`=71273, sexmale=89001)))`` gives 132823,
        SE 5056.4.

        The stratified jackknife of the same design:

        >>> jk = design.to_replicate("jkn")
        >>> cal = jk.calibrate(["age_group", "sex"], {"age_group": ages, "sexmale": 89001})
        >>> cal.total("optimistic")
        DesignEstimate(total of optimistic: estimate=1.328e+05, se=5165, df=34)

        R: ``svytotal(~optimistic, calibrate(as.svrepdesign(d, type="JKn"),
        ~age_group + sex, pop))`` gives 132823, SE 5165.4.
        """
        self._in_memory("calibrate")

        b, fun, max_iter, tol = calibrate_args(bounds, calfun, max_iter, tol)
        mm = cal.model_matrix(self._data, formula_or_columns)
        totals = cal.population_totals(mm, population)
        W = self._calibration_weights()
        columns = W.reshape(len(W), -1)  # the full-sample weights, then any replicates
        out = np.empty_like(columns)

        def g_of(c: int) -> np.ndarray:
            return cal.greg_g(mm.X, columns[:, c], totals, mm.columns, bounds=b, calfun=fun,
                          max_iter=max_iter, tol=tol)

        g_full = g_of(0)
        out[:, 0] = columns[:, 0] * g_full
        for c in range(1, columns.shape[1]):  # loop over replicates, not rows
            try:
                g = g_of(c)
            except ValueError as exc:
                raise ValueError(
                    f"replicate {c} (1-based) cannot be calibrated: {exc}. Each replicate "
                    "must meet the totals on its own (R's calibrate carries on with the "
                    "unconverged replicate and a warning)"
                ) from None
            out[:, c] = columns[:, c] * g
        warn_negative(out[:, 0])
        return self._with_weights(out.reshape(W.shape), f"calibrated ({fun}) on {mm.columns}",
                                  lambda: cal.GregStep.build(mm.X, self._w, g_full))

    def trim_weights(self, lower: float | None = None, upper: float | None = None, *,
                     strict: bool = False) -> Self:
        """Trim extreme weights and share the excess among the others (R's ``trimWeights``).

        Parameters
        ----------
        lower, upper : float or None
            Bounds on the weights themselves (not on a ratio). At least one is needed.
        strict : bool, default False
            The amount trimmed is added equally to the weights inside the bounds, which
            can push some of them over a bound; True repeats until none is outside.

        Returns
        -------
        SurveyDesign or ReplicateDesign
            A new design of the same kind with the same total weight. Earlier calibration
            steps still enter the variance (R keeps its calibration information after
            trimming).

        Raises
        ------
        ValueError
            Neither bound given, a negative bound, ``lower >= upper``, or bounds that
            cannot keep the total (the mean weight must lie between them), naming the
            replicate where that fails.

        Notes
        -----
        Trimming trades variance for bias; the standard errors treat the trimmed weights
        as fixed, as R does. Zero weights are left at zero (R would raise them to
        ``lower``).

        A :class:`ReplicateDesign` trims the full-sample weights and every replicate. R
        4.1.1 trims the replicate weights but keeps the untrimmed full-sample weights (its
        ``trimWeights.svyrep.design`` resets them); here both are trimmed.

        Examples
        --------
        >>> from surveystats.datasets import load_teaching_sample
        >>> from surveystats.design import SurveyDesign
        >>> df = load_teaching_sample("stratified")
        >>> design = SurveyDesign(df, weights="weight", strata="region", fpc="fpc")
        >>> trimmed = design.trim_weights(upper=150, strict=True)
        >>> float(trimmed.weights.max()) <= 150, round(float(trimmed.weights.sum()))
        (True, 197000)

        A replicate design:

        >>> df = load_teaching_sample("cluster2")
        >>> jk = SurveyDesign(df, weights="weight", strata="region",
        ...                   clusters="municipality").to_replicate("jkn")
        >>> trimmed = jk.trim_weights(upper=1000, strict=True)
        >>> float(trimmed.replicate_weights.max()) <= 1000, round(float(trimmed.weights.sum()))
        (True, 212663)
        """
        self._in_memory("trim_weights")

        W = self._calibration_weights()
        lo, hi, strict = trim_args(lower, upper, strict, W)
        return self._with_weights(cal.trim_weights(W, lo, hi, strict),
                                  f"trimmed to [{fmt(lo)}, {fmt(hi)}]")
