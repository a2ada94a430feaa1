"""Monte Carlo polls: sampling error and non-sampling error in one simulation.

``simulate_poll`` draws many polls through the pipeline population -> frame coverage ->
contact -> answer-dependent response -> falsification -> weighting -> estimate and nominal
interval, all vectorised over polls, and reports how far the estimates land from the true
share and how often the nominal interval covers it. The interval comes from the one engine
(via ``proportion_ci``), the analytic expectation from the bias formulas in
``surveystats.bias._maps``, so the simulation, the topline intervals and the bias scenarios
agree by construction.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from surveystats import _engine
from surveystats._display import fmt, html_table, pct_text
from surveystats._params import (
    AT_LEAST_ONE,
    INNER_SHARE,
    POSITIVE,
    SHARE,
    SHARE_BELOW_ONE,
    SIGNED_SHARE,
)
from surveystats._proportion import proportion_ci
from surveystats._result import Result
from surveystats._validation import (
    check_confidence_level,
    check_integer,
    check_rng,
    check_scalar,
    scalar_n_eff,
)
from surveystats._warnings import SurveyStatsWarning
from surveystats.bias import _maps

__all__ = ["PollSimulation", "simulate_poll"]

FloatArray = NDArray[np.float64]


def _frozen(arr: np.ndarray) -> np.ndarray:
    """Make a result array read-only, so the frozen result cannot be changed through it."""
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False, repr=False)
class PollSimulation(Result):
    """Many simulated polls of one population: the estimates, their intervals, and summaries.

    Returned by :func:`simulate_poll`. The arrays hold one entry per poll and are read-only.

    Attributes
    ----------
    true_p : float
        The true population share the polls try to estimate.
    n : int
        Completed interviews per poll.
    polls : int
        Number of simulated polls.
    uncovered_share, uncovered_difference, response_odds_ratio : float
        Frame and response settings (see :func:`simulate_poll`).
    falsification, reverse_falsification : float
        Misreporting settings.
    weighting_group_share, group_difference, group_response_ratio : float
        Group settings; ``weighting_group_share`` is None when there was no weighting.
    method : str
        Canonical interval method.
    confidence_level : float
        Nominal two-sided confidence level of each poll's interval.
    deff : float or "kish"
        The design-effect setting of the nominal interval.
    estimates : ndarray
        Each poll's (weighted) estimate.
    unweighted_estimates : ndarray
        Each poll's unweighted "yes" share among its respondents (equal to ``estimates`` when
        there is no weighting step).
    low, high : ndarray
        Each poll's nominal interval.
    n_eff : ndarray
        Effective sample size at which each interval was computed, ``n / deff``.
    empty_group : ndarray of bool
        Polls in which one weighting group had no respondents (their estimate is the
        unweighted share).
    expected_reported : float
        The exact expectation of an estimate under the model (closed form; see Notes of
        :func:`simulate_poll`).
    expected_unweighted : float
        The exact expectation of an unweighted estimate.
    mean_estimate, bias, sd, rmse : float
        Mean of the estimates, ``mean_estimate - true_p``, their standard deviation
        (``ddof = 1``) and root mean squared error about ``true_p``.
    coverage : float
        Share of polls whose nominal interval contains ``true_p``: the actual coverage.
    empty_group_polls : int
        Number of polls with an empty weighting group.

    Notes
    -----
    ``bias_se`` and ``coverage_se`` are the Monte Carlo standard errors of ``bias`` and
    ``coverage``; ``nominal_level`` is ``confidence_level``.
    """

    true_p: float
    n: int
    polls: int
    uncovered_share: float
    uncovered_difference: float
    response_odds_ratio: float
    falsification: float
    reverse_falsification: float
    weighting_group_share: float | None
    group_difference: float
    group_response_ratio: float
    method: str
    confidence_level: float
    deff: float | str
    estimates: FloatArray
    unweighted_estimates: FloatArray
    low: FloatArray
    high: FloatArray
    n_eff: FloatArray
    empty_group: NDArray[np.bool_]
    expected_reported: float
    expected_unweighted: float
    mean_estimate: float = field(init=False)
    bias: float = field(init=False)
    sd: float = field(init=False)
    rmse: float = field(init=False)
    coverage: float = field(init=False)
    empty_group_polls: int = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        est = self.estimates
        mean = float(np.mean(est))
        sd = float(np.std(est, ddof=1)) if est.size > 1 else 0.0
        values = {
            "mean_estimate": mean,
            "bias": mean - self.true_p,
            "sd": sd,
            "rmse": float(np.sqrt(np.mean((est - self.true_p) ** 2))),
            "coverage": float(np.mean(self.covers)),
            "empty_group_polls": int(np.count_nonzero(self.empty_group)),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def covers(self) -> NDArray[np.bool_]:
        """Whether each poll's nominal interval contains ``true_p``.

        A rounding slack of 1e-15, as in :func:`surveystats.coverage`, keeps a bound such as
        Wilson's lower limit at an estimate of 0 (about 7e-18) from missing ``true_p = 0``.
        """
        return (self.low <= self.true_p + 1e-15) & (self.true_p - 1e-15 <= self.high)

    @property
    def nominal_level(self) -> float:
        """The confidence level the intervals claim (``confidence_level``)."""
        return self.confidence_level

    @property
    def bias_se(self) -> float:
        """Monte Carlo standard error of ``bias`` and ``mean_estimate``: ``sd / sqrt(polls)``."""
        return self.sd / math.sqrt(self.polls)

    @property
    def coverage_se(self) -> float:
        """Monte Carlo standard error of ``coverage``: ``sqrt(c (1 - c) / polls)``."""
        return math.sqrt(self.coverage * (1.0 - self.coverage) / self.polls)

    def to_frame(self) -> pd.DataFrame:
        """One row per poll.

        Columns: ``estimate, unweighted_estimate, low, high, covers, n_eff, empty_group``.
        """
        return pd.DataFrame({
            "estimate": self.estimates,
            "unweighted_estimate": self.unweighted_estimates,
            "low": self.low,
            "high": self.high,
            "covers": self.covers,
            "n_eff": np.broadcast_to(self.n_eff, (self.polls,)),
            "empty_group": self.empty_group,
        })

    def summary(self) -> pd.DataFrame:
        """A one-row DataFrame.

        Columns: ``true_p, expected_reported, mean_estimate, bias, bias_se, sd, rmse, coverage,
        coverage_se, confidence_level, method, polls, n, empty_group_polls``.
        """
        return pd.DataFrame({
            "true_p": [self.true_p],
            "expected_reported": [self.expected_reported],
            "mean_estimate": [self.mean_estimate],
            "bias": [self.bias],
            "bias_se": [self.bias_se],
            "sd": [self.sd],
            "rmse": [self.rmse],
            "coverage": [self.coverage],
            "coverage_se": [self.coverage_se],
            "confidence_level": [self.confidence_level],
            "method": [self.method],
            "polls": [self.polls],
            "n": [self.n],
            "empty_group_polls": [self.empty_group_polls],
        })

    def settings(self) -> dict[str, Any]:
        """The model settings as a ``{name: value}`` dict (the inputs of the simulation)."""
        names = (
            "true_p", "n", "polls", "uncovered_share", "uncovered_difference",
            "response_odds_ratio", "falsification", "reverse_falsification",
            "weighting_group_share", "group_difference", "group_response_ratio", "method",
            "confidence_level", "deff",
        )
        return {name: getattr(self, name) for name in names}

    def _text(self) -> str:
        return (f"{self.polls:,} simulated polls of n = {self.n:,}: true {pct_text(self.true_p)}, "
                f"mean estimate {pct_text(self.mean_estimate)}; the nominal "
                f"{100 * self.confidence_level:g}% interval covers the truth in "
                f"{pct_text(self.coverage)} of polls")

    def __repr__(self) -> str:
        empty = f", empty_group_polls={self.empty_group_polls}" if self.empty_group_polls else ""
        return (
            f"PollSimulation(true_p={fmt(self.true_p)}, n={self.n}, polls={self.polls}, "
            f"mean_estimate={self.mean_estimate:.4f}, bias={self.bias:+.4f}, "
            f"sd={self.sd:.4f}, rmse={self.rmse:.4f}, coverage={self.coverage:.4f}, "
            f"confidence_level={fmt(self.confidence_level)}, method={self.method!r}{empty})"
        )

    def _repr_html_(self) -> str:
        level = f"{100 * self.confidence_level:g}%"
        defaults = {
            "uncovered_share": 0.0, "uncovered_difference": 0.0, "response_odds_ratio": 1.0,
            "falsification": 0.0, "reverse_falsification": 0.0,
            "weighting_group_share": None, "group_difference": 0.0,
            "group_response_ratio": 1.0, "deff": 1.0,
        }
        active = [f"{k}={fmt(getattr(self, k))}" for k, v in defaults.items()
                  if getattr(self, k) != v]
        note = "Settings: " + (", ".join(active) if active else "no bias mechanism")
        return html_table(
            f"{self.polls:,} simulated polls of n = {self.n:,}: actual coverage of the "
            f"nominal {level} {self.method} interval",
            self.summary(),
            note=note,
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Estimates against the truth: :func:`surveystats.plotting.plot_poll_simulation`."""
        from surveystats.plotting import plot_poll_simulation

        return plot_poll_simulation(self, ax=ax, **kwargs)


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    """Cell probabilities of one complete and the exact expectations, for validated inputs."""

    group_share: FloatArray  # population share of each group, (G,)
    answer_share: FloatArray  # covered "yes" share within each group, (G,)
    respondent_share: FloatArray  # share of completes in each group, (G,)
    respondent_yes: FloatArray  # "yes" share among a group's completes, before falsification
    reported_yes: FloatArray  # after falsification, (G,)

    @property
    def cell_probabilities(self) -> FloatArray:
        """``[P(g0, yes), P(g0, no), P(g1, yes), P(g1, no), ...]`` for one complete."""
        # rounding can leave a share a hair outside [0, 1] (e.g. 1 + 2e-16 at p = 1), which
        # numpy's multinomial and binomial refuse
        share = np.clip(self.respondent_yes, 0.0, 1.0)
        yes = self.respondent_share * share
        no = self.respondent_share * (1.0 - share)
        cells = np.clip(np.column_stack([yes, no]).ravel(), 0.0, None)
        return np.clip(cells / cells.sum(), 0.0, 1.0)

    def expected(self, n: int) -> tuple[float, float]:
        """Exact ``E[estimate]`` (with the empty-group fallback) and ``E[unweighted]``."""
        unweighted = float(np.dot(self.respondent_share, self.reported_yes))
        if self.group_share.size == 1:
            return unweighted, unweighted
        m_a, m_b = self.respondent_share
        w_a, w_b = self.group_share
        r_a, r_b = self.reported_yes
        # A group is empty with probability (1 - its respondent share)^n; the estimate then
        # falls back to the other group's share. Both are never empty since n >= 1.
        empty_a = (1.0 - m_a) ** n
        empty_b = (1.0 - m_b) ** n
        weighted = w_a * r_a + w_b * r_b
        value = (1.0 - empty_a - empty_b) * weighted + empty_a * r_b + empty_b * r_a
        return float(value), unweighted


def _model(
    p_covered: float,
    weighting_group_share: float | None,
    group_difference: float,
    group_response_ratio: float,
    odds_ratio: float,
    falsification: float,
    reverse_falsification: float,
) -> _Model:
    if weighting_group_share is None:
        w = np.array([1.0])
        answer = np.array([p_covered])
        propensity_group = np.array([1.0])
    else:
        w_a = weighting_group_share
        w = np.array([w_a, 1.0 - w_a])
        answer = np.array([p_covered + (1.0 - w_a) * group_difference,
                           p_covered - w_a * group_difference])
        propensity_group = np.array([group_response_ratio, 1.0])
    answer = np.clip(answer, 0.0, 1.0)  # rounding only: feasibility was checked before
    # Relative response propensity of a group: its factor times (k p + 1 - p).
    # each factor scaled by its largest value: only the relative masses matter, and the raw
    # product of extreme ratios (1e308 x 1e308) would overflow
    respond = odds_ratio * answer + (1.0 - answer)  # exact at p = 1
    mass = (w * (propensity_group / propensity_group.max())
            * (respond / respond.max()))
    if not mass.sum() > 0.0:
        raise ValueError(f"response_odds_ratio ({odds_ratio:g}) and group_response_ratio "
                         f"({group_response_ratio:g}) leave no respondents (the response "
                         "propensities underflow to 0); use less extreme values")
    respondent_yes = _maps.nonresponse_reported(answer, np.asarray(odds_ratio))
    reported = _maps.falsification_reported(
        respondent_yes, np.asarray(falsification), np.asarray(reverse_falsification)
    )
    return _Model(w, answer, mass / mass.sum(), respondent_yes, reported)


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------


def simulate_poll(
    true_p: float,
    n: int,
    *,
    polls: int = 10_000,
    uncovered_share: float = 0.0,
    uncovered_difference: float = 0.0,
    response_odds_ratio: float = 1.0,
    falsification: float = 0.0,
    reverse_falsification: float = 0.0,
    weighting_group_share: float | None = None,
    group_difference: float = 0.0,
    group_response_ratio: float = 1.0,
    method: str = "wilson",
    confidence_level: float = 0.95,
    deff: float | Literal["kish"] = 1.0,
    rng: int | np.random.Generator | None = None,
) -> PollSimulation:
    """Simulate many polls of a population and check the nominal interval against the truth.

    A poll's stated margin of error describes sampling error only. This function draws
    ``polls`` polls of ``n`` completed interviews each from a population whose true share is
    ``true_p``, passing every poll through the steps where non-sampling error enters: a
    frame that misses part of the population, response that depends on the answer and on a
    demographic group, respondents who misreport, and weighting to a known group share. It
    returns the distribution of the estimates and the share of polls whose nominal interval
    contains the *true* share -- the interval's actual coverage.

    Parameters
    ----------
    true_p : float, in [0, 1]
        True population share (0.62, not 62).
    n : int, >= 1
        Completed interviews per poll.
    polls : int, >= 1, default 10_000
        Number of simulated polls. Monte Carlo error of a coverage near 95% is about
        ``sqrt(0.95 * 0.05 / polls)``: 0.2 points at 10,000 polls.
    uncovered_share : float, in [0, 1), default 0
        ``u``, the share of the population outside the frame (no usable mobile number).
    uncovered_difference : float, in [-1, 1], default 0
        ``d = p_uncovered - p_covered``, as in :class:`surveystats.bias.Coverage`: how much
        higher (positive) or lower (negative) the "yes" share is outside the frame.
    response_odds_ratio : float, > 0, default 1
        ``k``, how many times as often people whose true answer is "yes" complete the
        interview as those whose answer is "no", as in :class:`surveystats.bias.Nonresponse`.
    falsification : float, in [0, 1), default 0
        ``f``, the share of true-"no" respondents who say "yes".
    reverse_falsification : float, in [0, 1), default 0
        ``g``, the share of true-"yes" respondents who say "no"; ``f + g`` must be < 1.
    weighting_group_share : float in (0, 1) or None, default None
        ``W``, the known population share of a demographic group (say, people over 55). When
        given, the population has two groups and every poll is post-stratified to it; when
        None there are no groups and no weighting step.
    group_difference : float, in [-1, 1], default 0
        ``delta = p_group - p_rest``, how much higher the covered "yes" share is in the group
        than in the rest. Needs ``weighting_group_share``.
    group_response_ratio : float, > 0, default 1
        ``r``, how many times as often members of the group complete the interview as the
        rest: the imbalance weighting is designed to fix. Needs ``weighting_group_share``.
    method : str, default "wilson"
        Interval method of each poll's nominal interval (see
        :func:`surveystats.proportion_ci`; aliases accepted).
    confidence_level : float, in (0, 1), default 0.95
        Nominal confidence level of each poll's interval.
    deff : float > 0 or "kish", default 1.0
        Design effect the nominal interval assumes: a number for every poll, or ``"kish"``
        for each poll's own Kish design effect of its weights (1 for unweighted polls).
    rng : int, numpy.random.Generator or None, default None
        Seed or generator, passed to :func:`numpy.random.default_rng`.

    Returns
    -------
    PollSimulation
        ``estimates``, ``unweighted_estimates``, ``low``, ``high``, ``n_eff`` and
        ``empty_group`` (one entry per poll); ``expected_reported`` and
        ``expected_unweighted`` (exact expectations); ``mean_estimate``, ``bias``, ``sd``,
        ``rmse``, ``coverage``, ``bias_se``, ``coverage_se``, ``empty_group_polls``; the
        settings; ``to_frame()`` (one row per poll) and ``summary()`` (one row).

    Raises
    ------
    ValueError
        A parameter outside its range (the message names it and echoes the value), a group
        setting without ``weighting_group_share``, or settings that put a group's "yes" share
        outside [0, 1].

    Warns
    -----
    SurveyStatsWarning
        When a weighting group had no respondents in some polls.

    See Also
    --------
    surveystats.bias.Nonresponse, surveystats.bias.Falsification, surveystats.bias.Coverage :
        The same mechanisms as deterministic maps of the share.
    surveystats.coverage : Exact coverage of an interval method without bias, by binomial sums.

    Notes
    -----
    **Population and frame.** A share ``u`` of the population is outside the frame and its
    "yes" share is ``p_c + d``; the covered share is therefore ``p_c = p - u d``, so that
    ``(1 - u) p_c + u (p_c + d) = p``. Coverage is assumed unrelated to the weighting group,
    so weighting cannot repair it. With ``weighting_group_share = W`` the covered population
    has a group of share ``W`` with "yes" share ``p_1 = p_c + (1 - W) delta`` and the rest
    with ``p_0 = p_c - W delta`` (so ``W p_1 + (1 - W) p_0 = p_c``); all of ``p_c``,
    ``p_c + d``, ``p_1`` and ``p_0`` must lie in [0, 1].

    **Contact and response.** A covered person in group ``g`` with true answer ``y`` (1 for
    "yes") completes the interview with a propensity proportional to ``r_g k^y``, where
    ``r_1 = r`` (``group_response_ratio``) and ``r_0 = 1``. The pollster keeps calling until
    ``n`` interviews are complete, so the ``n`` completes are exactly multinomial over the
    cells ``(g, y)`` with probabilities proportional to ``W_g p_g^y (1 - p_g)^(1-y) r_g
    k^y``; the absolute response rate does not matter. Within a group the "yes" share of the
    completes is ``q_g = k p_g / (k p_g + 1 - p_g)``, the :class:`~surveystats.bias.Nonresponse`
    map.

    **Falsification.** In each poll and group, ``Binomial(no, f)`` of the true-"no" respondents
    say "yes" and ``Binomial(yes, g)`` of the true-"yes" respondents say "no", so a group's
    expected reported share is ``F(q_g) = q_g (1 - g) + (1 - q_g) f``.

    **Weighting and estimate.** The poll's estimate is post-stratified to the known share:
    ``W ybar_1 + (1 - W) ybar_0``, with ``ybar_g`` a group's reported "yes" share. If a group
    has no respondents (probability ``(1 - m_g)^n``, with ``m_g`` the group's expected share
    of completes), post-stratification is impossible and the estimate falls back to the
    unweighted share; such polls are counted in ``empty_group_polls`` and a warning is issued.
    Without ``weighting_group_share`` the estimate is the unweighted "yes" share.

    **Interval and coverage.** All polls' intervals come from one vectorised call of
    :func:`~surveystats.proportion_ci` at ``n`` and ``deff``; for ``deff="kish"`` each poll's
    design effect is ``n (W^2 / n_1 + (1 - W)^2 / n_0)``, Kish's ``1 + CV^2`` of its
    post-stratification weights (:func:`~surveystats.kish_deff`). ``coverage`` is the share of
    polls with ``low <= true_p <= high``.

    **Expectation.** ``expected_reported`` is exact:
    ``(1 - e_1 - e_0) (W F(q_1) + (1 - W) F(q_0)) + e_1 F(q_0) + e_0 F(q_1)`` with
    ``e_g = (1 - m_g)^n``; without groups it is the composition of the forward maps in
    pipeline order, ``Falsification.reported(Nonresponse.reported(Coverage.reported(p)))``.
    Weighting removes the group-response imbalance ``r`` completely, but it removes neither
    coverage bias nor answer-dependent nonresponse ``k`` nor falsification.

    *When it fails.* The model has one weighting variable with two levels, response
    propensities that multiply (no interaction of group and answer beyond ``r_g k^y``), and
    simple random contact within the frame (no clustering: the sampling design effect is 1).
    Its parameters are scenario inputs, not estimates: for the VTsIOM case, ``k = 1.42`` is
    the Re:Russia fear gap read one-for-one as nonresponse [1]_ and falsification rates come
    from list experiments on more sensitive items [2]_.

    References
    ----------
    .. [1] Re:Russia (2023), review of the February 2023 Russian Field survey waves,
           https://re-russia.net/review/204/
    .. [2] Frye, T., Gehlbach, S., Marquardt, K. L. and Reuter, O. J. (2017), "Is Putin's
           popularity real?", Post-Soviet Affairs 33(1), 1-15,
           doi:10.1080/1060586X.2016.1144334
    .. [3] Kish, L. (1965). Survey Sampling. Wiley. (Section 11.7.)

    Examples
    --------
    VTsIOM reported that 70% of n = 1,600 expect 2026 to be a successful year. Suppose the
    true share is 62% and regime-congruent people respond 1.42 times as often as the others.
    The polls then report about 70%, and the nominal 95% interval almost never covers 62%:

    >>> from surveystats import simulate_poll
    >>> sim = simulate_poll(0.62, 1600, response_odds_ratio=1.42, polls=2000, rng=2025)
    >>> round(sim.expected_reported, 4)
    0.6985
    >>> round(sim.mean_estimate, 2), sim.coverage
    (0.7, 0.0)

    Without the bias the same interval covers the truth about 95% of the time, and the spread
    of the estimates is the textbook ``sqrt(p (1 - p) / n)``:

    >>> clean = simulate_poll(0.62, 1600, polls=2000, rng=2025)
    >>> round(clean.coverage, 2), round(clean.sd, 3), round((0.62 * 0.38 / 1600) ** 0.5, 3)
    (0.95, 0.012, 0.012)

    Weighting to the known share of older people (say 40%) repairs their over-representation
    (they respond twice as often and answer "yes" 20 points more often), but not the
    answer-dependent nonresponse:

    >>> groups = dict(weighting_group_share=0.40, group_difference=0.20,
    ...               group_response_ratio=2.0, polls=2000, rng=2025)
    >>> sim = simulate_poll(0.62, 1600, **groups)
    >>> round(float(sim.unweighted_estimates.mean()), 2), round(sim.mean_estimate, 2)
    (0.65, 0.62)
    >>> round(simulate_poll(0.62, 1600, response_odds_ratio=1.42, **groups).mean_estimate, 2)
    0.7
    """
    p = check_scalar("true_p", true_p, SHARE, hint="it is the true population share")
    n_i = check_integer("n", n, AT_LEAST_ONE,
                        hint="it is the number of completed interviews per poll")
    polls_i = check_integer("polls", polls, AT_LEAST_ONE,
                            hint="it is the number of simulated polls")
    gen = check_rng(rng)
    deff_v: float | str
    if isinstance(deff, str):
        if deff != "kish":
            raise ValueError(f"deff ({deff!r}) must be a number > 0 or 'kish'")
        deff_v = "kish"
    else:
        deff_v = check_scalar("deff", deff, POSITIVE,
                              hint="it is the design effect the nominal interval assumes, "
                              "or 'kish' for each poll's weighting design effect")

    u = check_scalar("uncovered_share", uncovered_share, SHARE_BELOW_ONE,
                     hint="it is the share of the population outside the frame (5% is 0.05)")
    d = check_scalar("uncovered_difference", uncovered_difference, SIGNED_SHARE,
                     hint="it is p_uncovered - p_covered as a proportion (20 points lower is "
                     "-0.20)")
    k = check_scalar("response_odds_ratio", response_odds_ratio, POSITIVE,
                     hint='it is how many times as often "yes" holders respond; 1 means no bias')
    f = check_scalar("falsification", falsification, SHARE_BELOW_ONE,
                     hint='it is the share of true-"no" respondents who say "yes"')
    g = check_scalar("reverse_falsification", reverse_falsification, SHARE_BELOW_ONE,
                     hint='it is the share of true-"yes" respondents who say "no"')
    r = check_scalar("group_response_ratio", group_response_ratio, POSITIVE,
                     hint="it is how many times as often the weighting group responds as the "
                     "rest")
    delta = check_scalar("group_difference", group_difference, SIGNED_SHARE,
                         hint="it is p_group - p_rest as a proportion (20 points higher is 0.20)")
    w: float | None
    if weighting_group_share is None:
        w = None
        for name, value, neutral in (("group_difference", delta, 0.0),
                                     ("group_response_ratio", r, 1.0)):
            if value != neutral:
                raise ValueError(
                    f"{name} ({value:g}) needs weighting_group_share, the known population "
                    "share of the group; without it the population has no groups"
                )
    else:
        w = check_scalar("weighting_group_share", weighting_group_share, INNER_SHARE,
                         hint="it is the group's known population share (40% is 0.40), or None "
                         "for no weighting")
    method_c = _engine.canonical_method(method)
    cl = check_confidence_level(confidence_level)
    if not isinstance(deff_v, str):
        scalar_n_eff("n", float(n_i), "deff", deff_v)
    if f + g >= 1.0:
        raise ValueError(
            f"falsification ({f:g}) + reverse_falsification ({g:g}) must be < 1; at 1 or more "
            "the reported share no longer rises with the true share"
        )
    # Feasibility: every group's "yes" share must be a proportion.
    p_c = p - u * d
    tol = 1e-12
    if not (-tol <= p_c <= 1.0 + tol and -tol <= p_c + d <= 1.0 + tol):
        raise ValueError(
            f"uncovered_difference ({d:g}) with uncovered_share={u:g} and true_p={p:g} puts the "
            f"covered share at {p_c:g} and the uncovered share at {p_c + d:g}; both must be in "
            "[0, 1], so use a smaller |uncovered_difference|"
        )
    p_c = min(max(p_c, 0.0), 1.0)
    if w is not None:
        p_1, p_0 = p_c + (1.0 - w) * delta, p_c - w * delta
        if not (-tol <= p_1 <= 1.0 + tol and -tol <= p_0 <= 1.0 + tol):
            raise ValueError(
                f"group_difference ({delta:g}) with weighting_group_share={w:g} puts the group's "
                f"covered share at {p_1:g} and the rest's at {p_0:g} (covered share {p_c:g}); "
                "both must be in [0, 1], so use a smaller |group_difference|"
            )

    model = _model(p_c, w, delta, r, k, f, g)

    # 1. Completes: multinomial over (group, answer) cells -> true yes / no counts per group.
    if w is None:
        yes = gen.binomial(n_i, model.cell_probabilities[0], size=(polls_i, 1))
        no = n_i - yes
    else:
        cells = gen.multinomial(n_i, model.cell_probabilities, size=polls_i)
        yes, no = cells[:, 0::2], cells[:, 1::2]
    # 2. Falsification: some "no" say "yes", some "yes" say "no".
    said_yes = yes
    if g > 0.0:
        said_yes = said_yes - gen.binomial(yes, g)
    if f > 0.0:
        said_yes = said_yes + gen.binomial(no, f)
    # 3. Weighting to the known group share.
    unweighted = said_yes.sum(axis=1) / n_i
    if w is None:
        estimates = unweighted
        empty = np.zeros(polls_i, dtype=bool)
        poll_deff: FloatArray | float = 1.0
    else:
        size = yes + no
        empty = np.any(size == 0, axis=1)
        safe = np.maximum(size, 1)
        weighted = w * said_yes[:, 0] / safe[:, 0] + (1.0 - w) * said_yes[:, 1] / safe[:, 1]
        # clip: W a + (1 - W) b can exceed 1 by a rounding error when a = b = 1
        estimates = np.where(empty, unweighted, np.clip(weighted, 0.0, 1.0))
        kish = n_i * (w * w / safe[:, 0] + (1.0 - w) ** 2 / safe[:, 1])
        poll_deff = np.where(empty, 1.0, kish)
        if empty.any():
            warnings.warn(
                f"in {int(empty.sum())} of {polls_i} polls one weighting group had no "
                "respondents; those polls report the unweighted share",
                SurveyStatsWarning,
                stacklevel=2,
            )
    # 4. Nominal intervals: one vectorised call of the engine.
    deff_arg = poll_deff if deff_v == "kish" else deff_v
    ci = proportion_ci(estimates, float(n_i), method=method_c, confidence_level=cl,
                       deff=deff_arg)
    n_eff = np.broadcast_to(np.asarray(n_i / np.asarray(deff_arg), dtype=np.float64),
                            (polls_i,))
    expected, expected_unweighted = model.expected(n_i)

    return PollSimulation(
        true_p=p,
        n=n_i,
        polls=polls_i,
        uncovered_share=u,
        uncovered_difference=d,
        response_odds_ratio=k,
        falsification=f,
        reverse_falsification=g,
        weighting_group_share=w,
        group_difference=delta,
        group_response_ratio=r,
        method=method_c,
        confidence_level=cl,
        deff=deff_v,
        estimates=_frozen(np.asarray(estimates, dtype=np.float64)),
        unweighted_estimates=_frozen(np.asarray(unweighted, dtype=np.float64)),
        low=_frozen(np.asarray(ci.low, dtype=np.float64)),
        high=_frozen(np.asarray(ci.high, dtype=np.float64)),
        n_eff=n_eff,
        empty_group=_frozen(np.asarray(empty)),
        expected_reported=min(max(expected, 0.0), 1.0),
        expected_unweighted=expected_unweighted,
    )
