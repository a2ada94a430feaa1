"""Non-sampling-error mechanisms: how a true population share becomes a reported one.

Every mechanism is a small frozen dataclass with the same call shape:

* ``reported(true_p, *, clip=False)`` -- forward: the share a poll would report if the true
  population share were ``true_p``;
* ``true(reported_p, *, clip=False)`` -- inverse: the true share that would produce ``reported_p``;
* ``parameters()``, ``describe()``, and the class attributes ``name`` and ``parameter_domain``.

Both directions accept a scalar or an array and return a float or an ``ndarray`` of the same
shape. Shares are proportions in [0, 1]; percentage points are hundredths (2 pp is 0.02).

Where a direction can meet a share with no answer in [0, 1], it raises ``ValueError`` unless
``clip=True``, which caps the offending share at 0 or 1 (the method says which share). Where
it cannot (the map takes [0, 1] into [0, 1]; ``HouseEffect`` clips its bounds either way),
``clip`` is accepted so that every mechanism has the same call shape, and changes nothing.

This module is pure arithmetic on numpy arrays. From the package it imports the shared
validation helpers (``_validation``, ``_params``), the bias formulas (``bias._maps``) and the
bias parameters' declarations (``bias._spec``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, NamedTuple, Protocol, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surveystats._params import (
    AT_LEAST_ONE,
    INNER_SHARE,
    NON_NEGATIVE,
    SHARE,
    SHARE_ABOVE_ZERO,
    SIGNED_SHARE,
    Interval,
)
from surveystats._validation import check_interval, check_scalar
from surveystats.bias import _maps, _spec

__all__ = [
    "MECHANISMS",
    "BiasMechanism",
    "Bounds",
    "Coverage",
    "DataDefect",
    "DontKnow",
    "Falsification",
    "FloatOrArray",
    "HouseEffect",
    "MechanismName",
    "Nonresponse",
    "TSEMultiplier",
    "check_combinable",
    "manski_bounds",
    "meng_bias",
    "tse_multiplier",
]

FloatOrArray: TypeAlias = float | NDArray[np.float64]
"""A float for scalar input, an ``ndarray`` of the input's shape for array input."""

MechanismName = Literal[
    "nonresponse", "data_defect", "falsification", "coverage", "house_effect", "dont_know"
]
"""The name of a bias mechanism: a key of :data:`MECHANISMS`."""

# Rounding slack when checking that a computed share lies in [0, 1] or in a feasible band.
_TOL = 1e-12


class Bounds(NamedTuple):
    """A (low, high) pair of shares; unpacks as ``low, high = bounds``."""

    low: FloatOrArray
    high: FloatOrArray


class BiasMechanism(Protocol):
    """The call shape shared by every entry of :data:`MECHANISMS`."""

    name: ClassVar[str]
    parameter_domain: ClassVar[dict[str, tuple[float, float]]]

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> Any: ...

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> Any: ...

    def parameters(self) -> dict[str, float]: ...

    def describe(self) -> str: ...


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


_N_HINT = "it is the number of respondents"
_RHO_HINT = "it is a correlation"
_OVERSTATEMENT_HINT = "it is reported minus true share as a proportion (5 pp is 0.05)"
_TSE_FACTOR = AT_LEAST_ONE


def _check_spec(mechanism: str, field: str, value: Any) -> float:
    """Validate a mechanism's parameter against its one specification (``_spec``): the shared
    check with the spec's interval and hint, under the class's field name."""
    spec = _spec.by_field(mechanism, field)
    return check_scalar(field, value, spec.domain, hint=spec.hint)


def _at_least(low: float, *, strictly: bool = False) -> Interval:
    """Finite and >= ``low`` (> ``low`` when ``strictly``): a bound set by another value."""
    return Interval(low, math.inf, "neither" if strictly else "left")


def _shares(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """Convert input shares to a float array in [0, 1]; refuse NaN and values outside [0, 1].

    Values within rounding slack of [0, 1] (e.g. 1 + 2e-16 from another computation) are
    accepted and clipped, so mechanisms can be chained.
    """
    return check_interval(name, values, SHARE, nan_policy=None, slack=_TOL)


def _out(arr: Any) -> FloatOrArray:
    """Return a float for 0-d results and a float64 ndarray otherwise."""
    out = np.asarray(arr, dtype=np.float64)
    if out.ndim == 0:
        return float(out)
    return out


def _first_bad(name: str, values: NDArray[np.float64], bad: NDArray[np.bool_]) -> str:
    first = float(np.broadcast_to(values, bad.shape)[bad].flat[0])
    return f"{name} ({first:g})"


def _pct(x: float) -> str:
    return f"{100 * x:g}%"


def _points(x: float) -> str:
    return f"{100 * abs(x):g} percentage points"


class _Mechanism:
    """Shared behaviour: ``parameters()`` reads the dataclass fields."""

    __slots__ = ()

    def parameters(self) -> dict[str, float]:
        """Return the mechanism's parameter values as a ``{name: value}`` dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Nonresponse (response-rate ratio)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Nonresponse(_Mechanism):
    """Differential nonresponse: people whose true answer is "yes" take part more (or less) often.

    Parameters
    ----------
    odds_ratio : float, > 0
        The factor ``k`` by which people whose true answer is "yes" out-respond everyone else.
        ``k > 1``: "yes" holders are over-represented and the poll overstates "yes";
        ``k = 1``: no nonresponse bias; ``k < 1``: the poll understates "yes".

    Notes
    -----
    Let ``R1`` and ``R0`` be the response rates of people whose true answer is "yes" and of
    everyone else, and ``k = R1 / R0``. Among respondents the "yes" share is

    .. math:: r = \\frac{k p}{k p + 1 - p}, \\qquad p = \\frac{r}{k (1 - r) + r}.

    Equivalently ``r / (1 - r) = k * p / (1 - p)``: ``k`` multiplies the odds of "yes", which is
    why it is called an odds ratio here. Strictly it is a ratio of response *rates* (a relative
    risk of responding), not the odds ratio of responding; the two agree only when response is
    rare. Both maps are monotone bijections of [0, 1], so the round trip is exact.

    *Assumptions.* The answer itself drives the difference in response, after whatever
    weighting the pollster applies; ``k`` is the same for every respondent and does not depend
    on ``p``; respondents answer truthfully (falsification is a separate mechanism).

    *When it fails.* If demographic weighting already removed part of the gap, ``k`` overstates
    what is left. If reluctance is about the topic rather than the answer, ``k`` is near 1 even
    at very low response rates. Do not stack it with :class:`DataDefect`: both describe the
    same selection, in different units.

    *The default range.* The Re:Russia fear gap [1]_ (about 15% of war supporters versus more
    than 40% of opponents say they are afraid to take part in polls) gives
    ``k = 0.85 / 0.60 ≈ 1.42`` if fear translates one-for-one into not responding, and if the
    war-support gap carries over to other regime-congruent answers. Both steps are judgements,
    not findings; the central ``k = 1.2`` is a judgement too. Zvonovsky and Khodykin [2]_ found
    cooperation fell after the autumn-2022 mobilisation but the shift in sample composition was
    small, a reason to keep the low end at ``k = 1``.

    References
    ----------
    .. [1] Re:Russia (2023), review of the February 2023 Russian Field survey waves,
           https://re-russia.net/review/204/
    .. [2] Zvonovsky, V. and Khodykin, A. (2024), "Problem of Response Rates in Surveys on the
           Russian-Ukrainian Conflict", Monitoring of Public Opinion, No. 4, 3-26,
           doi:10.14515/monitoring.2024.4.2549
    .. [3] Groves, R. M. and Peytcheva, E. (2008), "The impact of nonresponse rates on
           nonresponse bias: a meta-analysis", Public Opinion Quarterly 72(2), 167-189,
           doi:10.1093/poq/nfn011

    Examples
    --------
    VTsIOM reported that 70% expect 2026 to be politically successful for Russia, and that 55%
    tie their hope to the end of the "special military operation". If regime-congruent
    respondents take part 1.42 times as often as the others:

    >>> from surveystats.bias import Nonresponse
    >>> nr = Nonresponse(odds_ratio=1.42)
    >>> round(nr.true(0.70), 4)
    0.6217
    >>> nr.true([0.70, 0.55]).round(4)
    array([0.6217, 0.4626])
    >>> round(nr.reported(nr.true(0.70)), 12)
    0.7
    """

    odds_ratio: float

    name: ClassVar[str] = "nonresponse"
    parameter_domain: ClassVar[dict[str, tuple[float, float]]] = _spec.field_domain(
        "nonresponse")

    def __post_init__(self) -> None:
        k = _check_spec("nonresponse", "odds_ratio", self.odds_ratio)
        object.__setattr__(self, "odds_ratio", k)

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Share among respondents when the population share is ``true_p``.

        ``clip`` changes nothing: for every odds ratio ``k`` in (0, inf), ``k p / (k p + 1 - p)``
        rises from 0 at ``p = 0`` to 1 at ``p = 1``, so no share in [0, 1] has a reported share
        outside [0, 1] to refuse or cap.
        """
        p = _shares("true_p", true_p)
        return _out(np.clip(_maps.nonresponse_reported(p, self.odds_ratio), 0.0, 1.0))

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Population share that respondents' share ``reported_p`` implies.

        ``clip`` changes nothing: the inverse ``r / (k (1 - r) + r)`` also rises from 0 to 1
        over [0, 1], so every reported share has exactly one true share in [0, 1].
        """
        r = _shares("reported_p", reported_p)
        return _out(np.clip(_maps.nonresponse_true(r, self.odds_ratio), 0.0, 1.0))

    def describe(self) -> str:
        """One plain-English sentence."""
        k = self.odds_ratio
        if k == 1.0:
            effect = "so the poll's share is not biased by nonresponse"
        elif k > 1.0:
            effect = 'so the poll overstates the "yes" share'
        else:
            effect = 'so the poll understates the "yes" share'
        return (
            f'People whose true answer is "yes" take part {k:g} times as often as everyone '
            f"else, {effect}."
        )


# --------------------------------------------------------------------------------------------
# Data defect correlation (Meng 2018; Bailey 2023/2024)
# --------------------------------------------------------------------------------------------


def meng_bias(true_p: ArrayLike, *, rho: float, n: float, population_size: float) -> FloatOrArray:
    """Meng's identity: bias of a sample share from its data-defect correlation.

    Parameters
    ----------
    true_p : float or array_like, in [0, 1]
        True population share (it sets ``sigma = sqrt(p (1 - p))``).
    rho : float, in [-1, 1]
        Population-level data-defect correlation between responding and answering "yes".
    n : float, >= 1
        Number of respondents.
    population_size : float, >= n
        Population size ``N``.

    Returns
    -------
    float or ndarray
        ``rho * sqrt((N - n) / n) * sqrt(p (1 - p))``: reported minus true share.

    Notes
    -----
    The identity [1]_ is exact for a realised sample: error = data quality (``rho``) times
    data quantity (``sqrt((N - n)/n)``) times problem difficulty (``sigma``). For a national
    poll ``sqrt((N - n)/n)`` is large (about 264 for n = 1,600 and N = 112 million), so a
    tiny population-level ``rho`` already means a large bias; ``rho`` for a 1% "big data"
    sample such as Meng's -0.005 must not be transplanted to a 1,600-person poll. See
    :class:`DataDefect` for the contacted-sample parameterisation used by the defaults.

    References
    ----------
    .. [1] Meng, X.-L. (2018), "Statistical paradises and paradoxes in big data (I)", Annals
           of Applied Statistics 12(2), 685-726, doi:10.1214/18-AOAS1161SF

    Examples
    --------
    For the VTsIOM poll (n = 1,600) out of about 111.6 million voters, a population-level
    correlation of 0.0005 already shifts the 70% item by about 6 points:

    >>> from surveystats.bias import meng_bias
    >>> round(meng_bias(0.70, rho=0.0005, n=1600, population_size=111_562_942), 3)
    0.061
    """
    p = _shares("true_p", true_p)
    r = check_scalar("rho", rho, SIGNED_SHARE, hint=_RHO_HINT)
    n_ = check_scalar("n", n, AT_LEAST_ONE, hint=_N_HINT)
    big_n = check_scalar("population_size", population_size, _at_least(n_),
                         hint=f"the population cannot be smaller than the sample (n = {n_:g})")
    # sqrt taken apart: (N - n) / n overflows for N = 1e308 and n = 1
    return _out(r * (math.sqrt(big_n - n_) / math.sqrt(n_)) * np.sqrt(p * (1.0 - p)))


@dataclass(frozen=True, slots=True)
class DataDefect(_Mechanism):
    """Selection bias from a data-defect correlation among contacted people (Meng; Bailey).

    Parameters
    ----------
    rho : float, in [-1, 1]
        ``rho_c``, the correlation, among the people the pollster contacted, between responding
        and answering "yes". Positive: "yes" holders respond more and the poll overstates "yes".
    response_rate : float, in (0, 1]
        ``p_r``, the share of contacted people who complete the interview.

    Notes
    -----
    Meng's identity [1]_, applied to the contacted people as the "population" (so the
    sampling fraction becomes the response rate), gives

    .. math:: r = p + \\rho_c \\sqrt{(1 - p_r) / p_r} \\, \\sqrt{p (1 - p)} = p + c\\,\\sigma.

    *Derivation.* Among the contacted people let ``Y`` be 1 for "yes" and ``R`` be 1 for
    responding, with means ``p`` and ``p_r``, so the respondents' share is
    ``r = mean(R Y) / p_r``. Then ``cov(R, Y) = mean(R Y) - p_r p = p_r (r - p)``; dividing by
    ``sd(R) sd(Y) = sqrt(p_r (1 - p_r)) sqrt(p (1 - p))`` gives ``rho_c``, and solving for
    ``r - p`` gives the line above. With means, covariance and standard deviations taken over
    the contacted people (divisor: their number) it is an identity, not an approximation.
    ``p`` is the "yes" share among the contacted; reading it as the population share assumes
    that whom the pollster contacts is unrelated to the answer (people the frame cannot
    reach are :class:`Coverage`'s business).

    Bailey [2]_ [3]_ proposes building polling on the Meng equation, with the response rate
    among contacted people in the place of Meng's sampling fraction. The symbols ``rho_c``
    and ``p_r`` and this way of writing the formula are this package's, so the formula is
    cited as Meng's identity and the contacted-sample framing as Bailey's.

    *Inverse.* Squaring ``r - p = c sqrt(p (1 - p))`` gives the quadratic
    ``(1 + c^2) p^2 - (2 r + c^2) p + r^2 = 0``. The root with ``sign(r - p) = sign(c)`` is

    .. math:: p = \\frac{2 r + c^2 - c \\sqrt{c^2 + 4 r (1 - r)}}{2 (1 + c^2)},

    computed in a cancellation-free form (the smaller root as product over larger root, and its
    mirror image for ``c < 0``). It lies in [0, 1] for every ``r`` in [0, 1].

    *Domain of the forward map.* The additive form can push the reported share past 1 (or
    below 0): with ``c > 0`` it is defined for ``p <= 1 / (1 + c^2)``, with ``c < 0`` for
    ``p >= c^2 / (1 + c^2)``; on that range it is increasing and onto [0, 1]. Outside it
    ``reported`` raises, or caps the result at 0 or 1 with ``clip=True``.

    *Conversion to Meng's population form.* Setting the two biases equal,
    ``rho_pop = rho_c * sqrt((n / p_r - n) / (N - n))``; at ``p_r = 0.10``, n = 1,600 and
    N = 111.6 million the factor is about 0.011 (:meth:`population_rho`,
    :meth:`from_population_rho`, :func:`meng_bias`). The conversion is algebra; whether the
    contacted-sample ``rho`` is the right quantity to hold fixed is the modelling choice above.

    *Effective sample size.* With ``MSE = bias^2 + sigma^2 / n``, ``n_eff = sigma^2 / MSE =
    1 / (c^2 + 1 / n)``: ``sigma`` cancels, so ``n_eff`` does not depend on ``p``.

    *When it fails.* ``rho`` is treated as fixed while ``p`` varies (needed for the inverse
    and for tipping-point searches); in reality the feasible range of ``rho`` depends on ``p``
    and the response rate. It describes the same selection as :class:`Nonresponse`; do not
    stack the two. Weighting that removes part of the correlation is not modelled.

    References
    ----------
    .. [1] Meng, X.-L. (2018), "Statistical paradises and paradoxes in big data (I): Law of
           large populations, big data paradox, and the 2016 US presidential election",
           Annals of Applied Statistics 12(2), 685-726, doi:10.1214/18-AOAS1161SF
    .. [2] Bailey, M. A. (2023), "A New Paradigm for Polling", Harvard Data Science Review
           5(3), doi:10.1162/99608f92.9898eede, https://hdsr.mitpress.mit.edu/pub/ejk5yhgv
    .. [3] Bailey, M. A. (2024), Polling at a Crossroads: Rethinking Modern Survey Research,
           Cambridge University Press.

    Examples
    --------
    VTsIOM's 70%, if 10% of contacted people respond and responding correlates with answering
    "yes" at 0.02:

    >>> from surveystats.bias import DataDefect
    >>> dd = DataDefect(rho=0.02, response_rate=0.10)
    >>> round(dd.bias(0.70), 4)
    0.0275
    >>> round(dd.true(0.70), 4)
    0.6718
    >>> round(dd.equivalent_srs_size(0.70, n=1600))
    237

    The 1,600 interviews are worth about 237 simple-random ones. Cross-check with Meng's
    quoted figure (a 1% sample of US voters, rho = -0.005, n = 2.3 million, "the same mean
    squared error as ... a simple random sample of size n ≈ 400"):

    >>> round(DataDefect(rho=-0.005, response_rate=0.01).equivalent_srs_size(0.5, n=2_300_000))
    404
    """

    rho: float
    response_rate: float

    name: ClassVar[str] = "data_defect"
    parameter_domain: ClassVar[dict[str, tuple[float, float]]] = _spec.field_domain(
        "data_defect")

    def __post_init__(self) -> None:
        rho = _check_spec("data_defect", "rho", self.rho)
        rate = _check_spec("data_defect", "response_rate", self.response_rate)
        object.__setattr__(self, "rho", rho)
        object.__setattr__(self, "response_rate", rate)

    @property
    def _c(self) -> float:
        return float(_maps.data_defect_c(self.rho, self.response_rate))

    def bias(self, true_p: ArrayLike) -> FloatOrArray:
        """Reported minus true share, ``rho * sqrt((1 - p_r)/p_r) * sqrt(p (1 - p))``."""
        p = _shares("true_p", true_p)
        return _out(self._c * np.sqrt(p * (1.0 - p)))

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Share the poll reports when the population share is ``true_p``.

        Raises ``ValueError`` when the additive form leaves [0, 1] (see Notes), unless
        ``clip=True``, which caps the reported share at 0 or 1.
        """
        p = _shares("true_p", true_p)
        c = self._c
        r = p + c * np.sqrt(p * (1.0 - p))
        bad = (r > 1.0 + _TOL) | (r < -_TOL)
        if np.any(bad) and not clip:
            limit = (
                f"true_p <= {1.0 / (1.0 + c * c):.6g}"
                if c > 0
                else f"true_p >= {c * c / (1.0 + c * c):.6g}"
            )
            raise ValueError(
                f"{_first_bad('true_p', p, bad)} is outside the range where this data-defect "
                f"model is defined (rho={self.rho:g}, response_rate={self.response_rate:g}): "
                f"the reported share would leave [0, 1]; the model needs {limit}, "
                "or pass clip=True to cap the reported share"
            )
        return _out(np.clip(r, 0.0, 1.0))

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Population share that a reported share implies (closed form; see Notes).

        ``clip`` changes nothing: every reported share in [0, 1] has exactly one solution in
        [0, 1] (see Notes), so there is nothing to refuse or cap.
        """
        r = _shares("reported_p", reported_p)
        return _out(_maps.data_defect_true(r, np.float64(self._c)))

    def equivalent_srs_size(self, p: ArrayLike, n: ArrayLike) -> FloatOrArray:
        """Effective sample size ``n_eff = sigma^2 / (bias^2 + sigma^2 / n)``.

        Parameters
        ----------
        p : float or array_like, in [0, 1]
            True share at which the bias is evaluated. ``sigma`` cancels, so the value does not
            depend on ``p``; it is accepted so the result broadcasts over a grid of shares.
        n : float or array_like, >= 1
            Number of respondents.

        Returns
        -------
        float or ndarray
            ``1 / (c^2 + 1/n)`` with ``c = rho * sqrt((1 - p_r)/p_r)``, broadcast over ``p`` and
            ``n``.
        """
        p_arr = _shares("p", p)
        n_arr = check_interval("n", n, AT_LEAST_ONE, nan_policy=None, hint=_N_HINT)
        c2 = self._c**2
        out = 1.0 / (c2 + 1.0 / n_arr)
        return _out(np.broadcast_to(out, np.broadcast_shapes(p_arr.shape, n_arr.shape)).copy())

    def population_rho(self, n: float, population_size: float) -> float:
        """Population-level ``rho`` (Meng's form) equivalent to this contacted-sample ``rho``.

        ``rho_pop = rho_c * sqrt((n / p_r - n) / (N - n))``, so that
        ``meng_bias(p, rho=rho_pop, n=n, population_size=N)`` equals :meth:`bias`.
        """
        n_ = check_scalar("n", n, AT_LEAST_ONE, hint=_N_HINT)
        contacted = n_ / self.response_rate
        big_n = check_scalar(
            "population_size", population_size, _at_least(contacted, strictly=contacted == n_),
            hint=f"it must be at least the number of people contacted, n / response_rate = "
            f"{contacted:g}")
        return self.rho * math.sqrt((contacted - n_) / (big_n - n_))

    @classmethod
    def from_population_rho(
        cls, rho_pop: float, *, n: float, population_size: float, response_rate: float
    ) -> DataDefect:
        """Build the contacted-sample mechanism from Meng's population-level ``rho``.

        Inverts :meth:`population_rho`: ``rho_c = rho_pop * sqrt((N - n) / (n / p_r - n))``.
        ``response_rate`` must be < 1 (at 1 the contacted-sample bias is zero for any rho).
        """
        rho_p = check_scalar("rho_pop", rho_pop, SIGNED_SHARE, hint=_RHO_HINT)
        rate = check_scalar(
            "response_rate", response_rate, INNER_SHARE,
            hint="at 1 every contacted person responds and no population rho maps onto it")
        n_ = check_scalar("n", n, AT_LEAST_ONE, hint=_N_HINT)
        contacted = n_ / rate
        big_n = check_scalar(
            "population_size", population_size, _at_least(contacted),
            hint=f"it must be at least the number of people contacted, n / response_rate = "
            f"{contacted:g}")
        return cls(rho=rho_p * math.sqrt((big_n - n_) / (contacted - n_)), response_rate=rate)

    def describe(self) -> str:
        """One plain-English sentence."""
        return (
            f"{_pct(self.response_rate)} of the people contacted respond, and whether they "
            f'respond is correlated with answering "yes" at {self.rho:g}, which shifts the '
            f"poll's share by {self._c:.3g} standard deviations of the answer."
        )


# --------------------------------------------------------------------------------------------
# Preference falsification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Falsification(_Mechanism):
    """Preference falsification: some respondents give the answer they think is expected.

    Parameters
    ----------
    share : float, in [0, 1)
        ``f``, the share of people whose true answer is "no" who say "yes".
    reverse_share : float, in [0, 1), default 0
        ``g``, the share of people whose true answer is "yes" who say "no".
        ``share + reverse_share`` must be < 1.

    Notes
    -----
    .. math:: r = p (1 - g) + (1 - p) f, \\qquad p = \\frac{r - f}{1 - f - g}.

    The inverse is the Rogan-Gladen correction for a misclassified prevalence [4]_, with
    sensitivity ``1 - g`` and specificity ``1 - f``. At ``f + g = 1`` every true share gives
    the same report and nothing can be recovered; ``f + g > 1`` would mean most people
    reverse their answer; both are refused.

    Reported shares can only fall in ``[f, 1 - g]``. ``true`` raises ``ValueError`` for a
    reported share outside that band (it has no solution in [0, 1]); ``clip=True`` returns 0
    or 1 instead, the nearest true share.

    *From a list-experiment gap.* Studies report an overstatement ``delta = r - p`` in
    percentage points. With ``g = 0`` it is ``delta = (1 - p) f``, so
    ``f = delta / (1 - r + delta)``; :meth:`from_overstatement` does this conversion (and
    uses ``g`` for a negative ``delta``). At ``r = 0.70``, 5 pp means ``f = 0.05 / 0.35 ≈
    0.143``; at ``r = 0.55`` it means ``f = 0.10``.

    *When it fails.* Misreporting is assumed to be a fixed share of each group, unrelated to
    who responds (nonresponse is separate). List experiments have their own biases: Frye et
    al. (2023) [2]_ found placebo lists deflate estimates, so naive gaps overstate
    falsification. Evidence is for regime-sensitive items (Putin approval, war support);
    applying it to "optimism about 2026" is a judgement, and for the 55% item even the sign
    is ambiguous.

    References
    ----------
    .. [1] Frye, T., Gehlbach, S., Marquardt, K. L. and Reuter, O. J. (2017), "Is Putin's
           popularity real?", Post-Soviet Affairs 33(1), 1-15,
           doi:10.1080/1060586X.2016.1144334
    .. [2] Frye, T., Gehlbach, S., Marquardt, K. L. and Reuter, O. J. (2023), "Is Putin's
           popularity (still) real? A cautionary note on using list experiments to measure
           popularity in authoritarian regimes", Post-Soviet Affairs 39(3), 213-222,
           doi:10.1080/1060586X.2023.2187195
    .. [3] Chapkovski, P. and Schaub, M. (2022), "Solid support or secret dissent? A list
           experiment on preference falsification during the Russian war against Ukraine",
           Research & Politics 9(2), doi:10.1177/20531680221108328
    .. [4] Rogan, W. J. and Gladen, B. (1978), "Estimating prevalence from the results of a
           screening test", American Journal of Epidemiology 107(1), 71-76.

    Examples
    --------
    VTsIOM's 55% "tie their hope to the end of the SMO". If one in ten people whose true
    answer is "no" says "yes", the true share is exactly one half -- the tipping point:

    >>> from surveystats.bias import Falsification
    >>> round(Falsification(share=0.10).true(0.55), 12)
    0.5

    A 5-point overstatement of the 70% item, as a share of "no" holders:

    >>> fz = Falsification.from_overstatement(0.05, reported_p=0.70)
    >>> round(fz.share, 4), round(fz.true(0.70), 12)
    (0.1429, 0.65)
    """

    share: float
    reverse_share: float = 0.0

    name: ClassVar[str] = "falsification"
    parameter_domain: ClassVar[dict[str, tuple[float, float]]] = _spec.field_domain(
        "falsification")

    def __post_init__(self) -> None:
        f = _check_spec("falsification", "share", self.share)
        g = _check_spec("falsification", "reverse_share", self.reverse_share)
        if f + g >= 1.0:
            raise ValueError(
                f"share + reverse_share ({f:g} + {g:g} = {f + g:g}) must be < 1; at 1 every "
                "true share produces the same report, so the true share cannot be recovered"
            )
        object.__setattr__(self, "share", f)
        object.__setattr__(self, "reverse_share", g)

    @classmethod
    def from_overstatement(cls, overstatement: float, *, reported_p: float) -> Falsification:
        """Convert an overstatement in proportion points (``reported - true``) into shares.

        A positive ``overstatement`` ``delta`` becomes ``share = delta / (1 - r + delta)``
        (``reverse_share = 0``); a negative one becomes
        ``reverse_share = -delta / (r - delta)`` (``share = 0``). 5 pp is ``0.05``.
        """
        d = check_scalar("overstatement", overstatement, SIGNED_SHARE, hint=_OVERSTATEMENT_HINT)
        r = check_scalar("reported_p", reported_p, SHARE, hint="it is a share")
        p = r - d
        if not 0.0 <= p <= 1.0:
            raise ValueError(
                f"overstatement ({d:g}) with reported_p ({r:g}) implies a true share of "
                f"{p:g}, outside [0, 1]"
            )
        if d == 0.0:
            return cls(share=0.0)
        if d > 0.0:
            return cls(share=d / (1.0 - p))
        return cls(share=0.0, reverse_share=-d / p)

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Share the poll reports when the true share is ``true_p`` (always in ``[f, 1 - g]``).

        ``clip`` changes nothing: ``p (1 - g) + (1 - p) f`` is a weighted average of ``f`` and
        ``1 - g``, both in [0, 1], so it never leaves [0, 1].
        """
        p = _shares("true_p", true_p)
        r = _maps.falsification_reported(p, self.share, self.reverse_share)
        return _out(np.clip(r, 0.0, 1.0))

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """True share implied by ``reported_p``.

        Raises ``ValueError`` for a reported share outside ``[share, 1 - reverse_share]``
        unless ``clip=True``, which returns the nearest true share (0 or 1).
        """
        r = _shares("reported_p", reported_p)
        f, g = self.share, self.reverse_share
        bad = (r < f - _TOL) | (r > 1.0 - g + _TOL)
        if np.any(bad) and not clip:
            raise ValueError(
                f"{_first_bad('reported_p', r, bad)} is outside [{f:g}, {1.0 - g:g}], the only "
                f"shares a poll can report when share={f:g} and reverse_share={g:g}; no true "
                "share in [0, 1] produces it. Lower the falsification shares or pass clip=True"
            )
        with np.errstate(invalid="ignore"):
            p = _maps.falsification_true(np.clip(r, f, 1.0 - g), f, g)
        return _out(p)

    def describe(self) -> str:
        """One plain-English sentence."""
        text = f'{_pct(self.share)} of people whose true answer is "no" say "yes"'
        if self.reverse_share > 0.0:
            text += f', and {_pct(self.reverse_share)} of those whose true answer is "yes" say "no"'
        return text + "."


# --------------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage(_Mechanism):
    """Undercoverage: part of the population cannot be reached by the poll's frame.

    Parameters
    ----------
    uncovered_share : float, in [0, 1)
        ``u``, the share of adults outside the frame (for a mobile-phone poll: adults with no
        usable mobile number).
    difference : float, in [-1, 1]
        ``d = p_uncovered - p_covered``, how much higher (positive) or lower (negative) the
        "yes" share is among the uncovered. 20 points lower is ``-0.20``.

    Notes
    -----
    The poll estimates the covered share ``p_c``; the population share is the mixture

    .. math:: p = (1 - u) p_c + u (p_c + d) = p_c + u d.

    So ``true = reported + u d`` and ``reported = true - u d``; coverage bias is ``-u d``.

    Both group shares must be proportions: ``p_c`` and ``p_c + d`` in [0, 1]. By default a
    call that violates this raises ``ValueError``. With ``clip=True`` the uncovered group's
    share is capped at 0 or 1 (``p = (1 - u) p_c + u clip(p_c + d)``), ``reported`` solves
    that piecewise-linear map exactly, and a true share no covered share can produce maps to
    0 or 1.

    *When it fails.* ``u`` and ``d`` for Russian mobile-phone coverage in 2025 are judgements:
    the anchors are dated (about 10% without a mobile around 2012, 21% of those over 55) and
    the 2024 figure (14% without a smartphone [1]_) is not phone non-coverage. The mechanism
    is about the frame only; those who are covered but do not respond are nonresponse.

    References
    ----------
    .. [1] VTsIOM, April 2024, reported by TASS: 14% do not use a smartphone,
           https://tass.com/society/1778839
    .. [2] Levada Center (about 2012), via retailer.ru: 90% have a mobile phone; 21% of those
           over 55 have none, https://retailer.ru/mobilnaja-rossija

    Examples
    --------
    If 5% of Russian adults cannot be reached by mobile and their share is 20 points lower
    than among those VTsIOM can reach, the 70% becomes 69%:

    >>> from surveystats.bias import Coverage
    >>> cov = Coverage(uncovered_share=0.05, difference=-0.20)
    >>> round(cov.true(0.70), 12)
    0.69
    >>> round(cov.reported(0.69), 12)
    0.7
    """

    uncovered_share: float
    difference: float

    name: ClassVar[str] = "coverage"
    parameter_domain: ClassVar[dict[str, tuple[float, float]]] = _spec.field_domain(
        "coverage")

    def __post_init__(self) -> None:
        u = _check_spec("coverage", "uncovered_share", self.uncovered_share)
        d = _check_spec("coverage", "difference", self.difference)
        object.__setattr__(self, "uncovered_share", u)
        object.__setattr__(self, "difference", d)

    def _infeasible(self, name: str, values: NDArray[np.float64], bad: NDArray[np.bool_]) -> None:
        raise ValueError(
            f"{_first_bad(name, values, bad)} with uncovered_share={self.uncovered_share:g} "
            f"and difference={self.difference:g} implies a covered or uncovered group share "
            "outside [0, 1]; use a smaller |difference| or pass clip=True to cap the uncovered "
            "group's share at 0 or 1"
        )

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Covered share the poll reports when the population share is ``true_p``."""
        p = _shares("true_p", true_p)
        u, d = self.uncovered_share, self.difference
        mid = p - u * d
        if not clip:
            bad = (mid < -_TOL) | (mid > 1.0 + _TOL) | (mid + d < -_TOL) | (mid + d > 1.0 + _TOL)
            if np.any(bad):
                self._infeasible("true_p", p, bad)
            return _out(np.clip(mid, 0.0, 1.0))
        # Invert p = (1 - u) r + u * clip(r + d, 0, 1), which is strictly increasing in r.
        low_piece = p / (1.0 - u)  # uncovered share capped at 0
        high_piece = (p - u) / (1.0 - u)  # uncovered share capped at 1
        r = np.where(
            (mid + d >= 0.0) & (mid + d <= 1.0),
            mid,
            np.where(low_piece + d <= 0.0, low_piece, high_piece),
        )
        return _out(np.clip(r, 0.0, 1.0))

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Population share implied by the covered share ``reported_p``."""
        r = _shares("reported_p", reported_p)
        u, d = self.uncovered_share, self.difference
        p_unc = r + d
        if not clip:
            bad = (p_unc < -_TOL) | (p_unc > 1.0 + _TOL)
            if np.any(bad):
                self._infeasible("reported_p", r, bad)
        p = (1.0 - u) * r + u * np.clip(p_unc, 0.0, 1.0)
        return _out(np.clip(p, 0.0, 1.0))

    def describe(self) -> str:
        """One plain-English sentence."""
        d = self.difference
        if d == 0.0:
            gap = 'the same "yes" share as'
        else:
            gap = f'a "yes" share {_points(d)} {"higher" if d > 0 else "lower"} than'
        return (
            f"{_pct(self.uncovered_share)} of adults cannot be reached by the poll, and they "
            f"have {gap} the people it can reach."
        )


# --------------------------------------------------------------------------------------------
# House effect
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HouseEffect(_Mechanism):
    """A shared shift of unknown sign from wording, mode, weighting and the pollster's habits.

    Parameters
    ----------
    shift : float, in [-1, 1]
        Size of the shift as a proportion (2 pp is 0.02). Only ``|shift|`` is used: the sign
        is unknown, so both directions are returned.

    Notes
    -----
    ``true(r)`` returns ``Bounds(r - |shift|, r + |shift|)`` and ``reported(p)`` returns
    ``Bounds(p - |shift|, p + |shift|)``, both clipped to [0, 1] (so the interval is
    asymmetric near 0 and 1). ``clip`` is accepted for the common call shape; the bounds are
    always clipped.

    Shirani-Mehr et al. [1]_ estimated an average absolute election-level bias of about 2
    points in US state polls (about 1 point for presidential races, per Gelman's summary).
    For the VTsIOM item, same-month "optimism about 2026" figures range over about 60-71%
    across wordings and houses (VTsIOM, VTsIOM, Levada) [2]_; half of that spread, about 5
    points, is the high default (a judgement).

    *When it fails.* A house effect is not random error: it does not shrink with n and it is
    shared by every figure from the same pollster and wording. It does not model a known
    direction; if you believe the sign, use a signed mechanism instead.

    References
    ----------
    .. [1] Shirani-Mehr, H., Rothschild, D., Goel, S. and Gelman, A. (2018), "Disentangling
           bias and variance in election polls", Journal of the American Statistical
           Association 113(522), 607-614, doi:10.1080/01621459.2018.1448823
    .. [2] Levada Center (25 Dec 2025), https://www.levada.ru/2025/12/25/ozhidaniya-ot-2026-goda-nadezhdy-otsenki-lichnogo-polozheniya-situatsii-v-ekonomike-i-politike/

    Examples
    --------
    >>> from surveystats.bias import HouseEffect
    >>> low, high = HouseEffect(shift=0.02).true(0.70)
    >>> round(low, 12), round(high, 12)
    (0.68, 0.72)
    >>> HouseEffect(shift=0.05).true(0.98).high
    1.0
    """

    shift: float

    name: ClassVar[str] = "house_effect"
    parameter_domain: ClassVar[dict[str, tuple[float, float]]] = _spec.field_domain(
        "house_effect")

    def __post_init__(self) -> None:
        s = _check_spec("house_effect", "shift", self.shift)
        object.__setattr__(self, "shift", s)

    def _band(self, x: NDArray[np.float64]) -> Bounds:
        s = abs(self.shift)
        return Bounds(_out(np.clip(x - s, 0.0, 1.0)), _out(np.clip(x + s, 0.0, 1.0)))

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> Bounds:
        """Range of shares the poll could report when the true share is ``true_p``."""
        return self._band(_shares("true_p", true_p))

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> Bounds:
        """Range of true shares consistent with ``reported_p``."""
        return self._band(_shares("reported_p", reported_p))

    def describe(self) -> str:
        """One plain-English sentence."""
        return (
            f"The pollster's wording, mode and weighting may move every share by up to "
            f"{_points(self.shift)}, in a direction we do not know."
        )


# --------------------------------------------------------------------------------------------
# Don't know
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DontKnow(_Mechanism):
    """Don't-know answers: what a share of all respondents says about those with an opinion.

    Parameters
    ----------
    share : float, in [0, 1)
        ``dk``, the share of all respondents who said "don't know" / "hard to say".

    Notes
    -----
    Convention: the "true" share is the share among people with an opinion, which is what it
    would be if the undecided split like everyone else (don't-knows missing at random):

    .. math:: \\text{true} = \\frac{r}{1 - dk}, \\qquad \\text{reported} = p (1 - dk),

    where ``r`` is the "yes" share of *all* respondents. :meth:`among_opinion` is the same
    arithmetic under its descriptive name. A reported share above ``1 - dk`` is impossible
    (yes plus don't know would exceed everyone) and raises unless ``clip=True``.

    :meth:`bounds` drops the convention: reading every don't-know as "no" or every one as
    "yes" gives ``(r, r + dk)``, the worst case for this one source of missing answers.

    *When it fails.* The undecided are rarely a random slice: in regime-sensitive polls a
    "hard to say" can be a polite "no", which the among-opinion figure hides.

    References
    ----------
    .. [1] RIAMO (23 Dec 2025), VTsIOM round table: about 70% "rather successful", about 11%
           sceptical, about 19% "hard to say", https://riamo.ru/news/obschestvo/okolo-70-rossijan-ozhidajut-politicheski-uspeshnyj-god-dlja-rossii/

    Examples
    --------
    VTsIOM's 70% is a share of everyone; 19% said "hard to say":

    >>> from surveystats.bias import DontKnow
    >>> dk = DontKnow(share=0.19)
    >>> round(dk.among_opinion(0.70), 4)
    0.8642
    >>> low, high = dk.bounds(0.70)
    >>> round(low, 12), round(high, 12)
    (0.7, 0.89)
    """

    share: float

    name: ClassVar[str] = "dont_know"
    parameter_domain: ClassVar[dict[str, tuple[float, float]]] = _spec.field_domain(
        "dont_know")

    def __post_init__(self) -> None:
        dk = _check_spec("dont_know", "share", self.share)
        object.__setattr__(self, "share", dk)

    def _check_room(self, r: NDArray[np.float64]) -> None:
        bad = r > 1.0 - self.share + _TOL
        if np.any(bad):
            raise ValueError(
                f"{_first_bad('reported_p', r, bad)} plus the don't-know share "
                f'({self.share:g}) exceeds 1; the "yes" share of all respondents can be at '
                f"most {1.0 - self.share:g}. Pass clip=True to cap the result at 1"
            )

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """The "yes" share of all respondents, given the share among those with an opinion.

        ``clip`` changes nothing: ``true_p (1 - share)`` lies in [0, 1 - share] for every
        ``true_p`` in [0, 1].
        """
        p = _shares("true_p", true_p)
        return _out(np.clip(_maps.dont_know_reported(p, self.share), 0.0, 1.0))

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Share among those with an opinion, ``reported_p / (1 - share)``."""
        r = _shares("reported_p", reported_p)
        if not clip:
            self._check_room(r)
        return _out(_maps.dont_know_true(np.minimum(r, 1.0 - self.share), self.share))

    def among_opinion(self, p: ArrayLike) -> FloatOrArray:
        """Share among respondents with an opinion: ``p / (1 - share)``."""
        r = _shares("p", p)
        self._check_room(r)
        return _out(np.clip(r / (1.0 - self.share), 0.0, 1.0))

    def no_share(self, p: ArrayLike) -> FloatOrArray:
        """The "no" share of all respondents, ``1 - p - share``.

        Everyone who answered neither "yes" nor "don't know".
        """
        r = _shares("p", p)
        self._check_room(r)
        return _out(np.clip(1.0 - r - self.share, 0.0, 1.0))

    def bounds(self, p: ArrayLike) -> Bounds:
        """``Bounds(p, p + share)``: every don't-know read as "no", or every one as "yes"."""
        r = _shares("p", p)
        self._check_room(r)
        return Bounds(_out(r), _out(np.clip(r + self.share, 0.0, 1.0)))

    def describe(self) -> str:
        """One plain-English sentence."""
        return (
            f'{_pct(self.share)} answer "don\'t know", and the true share is read as the share '
            "among those with an opinion, as if the undecided split like everyone else."
        )


# --------------------------------------------------------------------------------------------
# Manski bounds
# --------------------------------------------------------------------------------------------


def manski_bounds(p: ArrayLike, response_rate: ArrayLike) -> Bounds:
    """Worst-case (Manski) bounds on the population share when nonrespondents are unknown.

    Parameters
    ----------
    p : float or array_like, in [0, 1]
        "Yes" share among respondents.
    response_rate : float or array_like, in (0, 1]
        Share of the sample that responded.

    Returns
    -------
    Bounds
        ``low = p r`` (every nonrespondent says "no") and ``high = p r + (1 - r)`` (every
        nonrespondent says "yes"), broadcast over the inputs.

    Notes
    -----
    These bounds make no assumption about nonrespondents [1]_. At low response rates they are
    uninformative -- which is the point: every narrower interval rests on an assumption.

    References
    ----------
    .. [1] Manski, C. F. (2005), "Partial identification with missing data: concepts and
           findings", International Journal of Approximate Reasoning 39, 151-165.

    Examples
    --------
    VTsIOM's 70% at a 10% response rate:

    >>> from surveystats.bias import manski_bounds
    >>> low, high = manski_bounds(0.70, 0.10)
    >>> round(low, 12), round(high, 12)
    (0.07, 0.97)
    """
    p_arr = _shares("p", p)
    r_arr = check_interval("response_rate", response_rate, SHARE_ABOVE_ZERO, nan_policy=None,
                           hint="it is the share of the sample that responded (10% is 0.10)")
    low = p_arr * r_arr
    return Bounds(_out(low), _out(np.clip(low + (1.0 - r_arr), 0.0, 1.0)))


# --------------------------------------------------------------------------------------------
# Total-survey-error multiplier
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TSEMultiplier(_Mechanism):
    """An empirical total-survey-error multiplier: widen the stated margin, do not shift.

    Parameters
    ----------
    factor : float, >= 1
        How many times wider than the stated (sampling) margin the total error is.

    Notes
    -----
    Shirani-Mehr et al. [1]_ compared 4,221 US state-level polls with election results and
    found a root mean squared error of about 3.5 points, "about twice as large as that implied
    by most reported margins of error". A factor of 2 is therefore sourced; a factor of 3 for
    a poll from an autocracy with unpublished response rates is a judgement.

    ``reported`` and ``true`` are identities: the multiplier only widens the interval
    (:meth:`widen`). It is an *alternative* summary that already absorbs house effects,
    nonresponse and other shared errors, so it must not be combined with explicit bias terms
    (:func:`check_combinable`). Factors below 1 would claim less error than sampling alone
    and are refused.

    References
    ----------
    .. [1] Shirani-Mehr, H., Rothschild, D., Goel, S. and Gelman, A. (2018), "Disentangling
           bias and variance in election polls", Journal of the American Statistical
           Association 113(522), 607-614, doi:10.1080/01621459.2018.1448823

    Examples
    --------
    VTsIOM's simple-random-sampling margin for 70% at n = 1,600 is about 2.25 points:

    >>> from surveystats.bias import tse_multiplier
    >>> round(tse_multiplier(2.0).widen(0.0225), 4)
    0.045
    """

    factor: float

    name: ClassVar[str] = "tse_multiplier"
    parameter_domain: ClassVar[dict[str, tuple[float, float]]] = {
        "factor": (_TSE_FACTOR.low, _TSE_FACTOR.high)}

    def __post_init__(self) -> None:
        x = check_scalar("factor", self.factor, _TSE_FACTOR,
                         hint="it multiplies the stated margin of error; below 1 would claim "
                         "less error than sampling alone")
        object.__setattr__(self, "factor", x)

    def widen(self, margin: ArrayLike) -> FloatOrArray:
        """Total-error margin: ``factor * margin`` (margins as proportions, 2 pp is 0.02)."""
        m = check_interval("margin", margin, NON_NEGATIVE, nan_policy=None)
        return _out(self.factor * m)

    def reported(self, true_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Identity: the multiplier does not move the estimate."""
        return _out(_shares("true_p", true_p).copy())

    def true(self, reported_p: ArrayLike, *, clip: bool = False) -> FloatOrArray:
        """Identity: the multiplier does not move the estimate."""
        return _out(_shares("reported_p", reported_p).copy())

    def describe(self) -> str:
        """One plain-English sentence."""
        return (
            f"The stated margin of error is widened {self.factor:g}-fold to allow for total "
            "survey error; the estimate itself is not moved."
        )


def tse_multiplier(factor: float) -> TSEMultiplier:
    """Return a :class:`TSEMultiplier` (Shirani-Mehr et al. 2018: about 2)."""
    return TSEMultiplier(factor)


# --------------------------------------------------------------------------------------------
# Combining rules and registry
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Overstatement:
    """Preference falsification given as the overstatement it causes, ``reported - true``.

    The shares of :class:`Falsification` that produce a given overstatement depend on the
    reported share, which a sourced preset does not know until it is applied to a poll: a
    :class:`~surveystats.Scenario` resolves this into ``Falsification.from_overstatement(
    overstatement, reported_p=<the share at that step>)`` when it is applied. 5 pp is 0.05.

    Examples
    --------
    >>> from surveystats.bias import Overstatement
    >>> Overstatement(0.05).resolve(0.55).share.__round__(4)
    0.1
    """

    overstatement: float

    name: ClassVar[str] = "falsification"

    def __post_init__(self) -> None:
        d = check_scalar("overstatement", self.overstatement, SIGNED_SHARE,
                         hint=_OVERSTATEMENT_HINT)
        object.__setattr__(self, "overstatement", d)

    def resolve(self, reported_p: float, *, clip: bool = False) -> Falsification:
        """The falsification shares that overstate ``reported_p`` by this much.

        A share cannot be overstated by more than itself (nor understated by more than
        ``1 - reported_p``): such a pair raises ``ValueError``, unless ``clip=True``, which
        caps the overstatement there, so that the implied true share is 0 (or 1), as the
        mechanisms' ``true(..., clip=True)`` caps what they cannot produce.
        :meth:`surveystats.Scenario.apply` and :func:`surveystats.bias_tornado` resolve with
        ``clip=True``: a sourced 5-point overstatement applied to a 3% item gives 0%.
        """
        d = self.overstatement
        if clip:
            r = float(reported_p)
            d = min(max(d, r - 1.0), r)
        return Falsification.from_overstatement(d, reported_p=reported_p)

    def parameters(self) -> dict[str, float]:
        return {"overstatement": self.overstatement}

    def describe(self) -> str:
        return (f"preference falsification overstating the share by {_points(self.overstatement)}"
                " (converted to shares of falsifiers at the share it is applied to)")


_EXPLICIT_BIAS = (Nonresponse, DataDefect, Falsification, Overstatement, Coverage, HouseEffect)
_ALL_TYPES = (*_EXPLICIT_BIAS, DontKnow, TSEMultiplier)


def check_combinable(mechanisms: Iterable[object]) -> None:
    """Refuse combinations of mechanisms that count the same error twice.

    Parameters
    ----------
    mechanisms : iterable of mechanism objects
        The mechanisms a scenario intends to apply together.

    Raises
    ------
    ValueError
        * a :class:`TSEMultiplier` together with any explicit bias term (:class:`Nonresponse`,
          :class:`DataDefect`, :class:`Falsification`, :class:`Coverage`,
          :class:`HouseEffect`): the empirical multiplier already absorbs them;
        * more than one :class:`TSEMultiplier`;
        * :class:`Nonresponse` together with :class:`DataDefect`: two parameterisations of the
          same differential nonresponse.
    TypeError
        An element is not a bias mechanism.

    Examples
    --------
    >>> from surveystats.bias import HouseEffect, check_combinable, tse_multiplier
    >>> check_combinable([HouseEffect(0.02)])
    >>> check_combinable([tse_multiplier(2.0), HouseEffect(0.02)])
    Traceback (most recent call last):
    ...
    ValueError: mechanisms cannot combine a TSEMultiplier with explicit bias terms (HouseEffect)...
    """
    items = list(mechanisms)
    for m in items:
        if not isinstance(m, _ALL_TYPES):
            raise TypeError(
                f"mechanisms contains {m!r} ({type(m).__name__}), which is not a bias "
                f"mechanism; expected instances of {', '.join(t.__name__ for t in _ALL_TYPES)}"
            )
    tse = [m for m in items if isinstance(m, TSEMultiplier)]
    explicit = [m for m in items if isinstance(m, _EXPLICIT_BIAS)]
    if tse and explicit:
        names = ", ".join(sorted({type(m).__name__ for m in explicit}))
        raise ValueError(
            f"mechanisms cannot combine a TSEMultiplier with explicit bias terms ({names}): "
            "the empirical total-survey-error multiplier (Shirani-Mehr et al. 2018) already "
            "absorbs house effects, nonresponse and other shared bias, so adding them counts "
            "the same error twice; use either the multiplier or the explicit terms"
        )
    if len(tse) > 1:
        raise ValueError(
            f"mechanisms contains {len(tse)} TSEMultipliers; multipliers do not stack, use one"
        )
    if any(isinstance(m, Nonresponse) for m in items) and any(
        isinstance(m, DataDefect) for m in items
    ):
        raise ValueError(
            "mechanisms cannot combine Nonresponse with DataDefect: both describe the same "
            "differential nonresponse (a response-rate ratio and a data-defect correlation), "
            "so stacking them counts it twice; choose one"
        )


MECHANISMS: dict[str, type[BiasMechanism]] = {
    "nonresponse": Nonresponse,
    "data_defect": DataDefect,
    "falsification": Falsification,
    "coverage": Coverage,
    "house_effect": HouseEffect,
    "dont_know": DontKnow,
}
"""Bias mechanisms by name; every entry has the call shape of :class:`BiasMechanism`."""
