"""Bias scenarios: sampling error at a design effect, carried through bias mechanisms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from surveystats import _engine
from surveystats._display import fmt, html_table, pct_text
from surveystats._proportion import ProportionCI, proportion_ci
from surveystats._result import Result
from surveystats._validation import check_confidence_level, check_positive, check_share
from surveystats.bias import _pipeline, _spec
from surveystats.bias._defaults import default_range
from surveystats.bias._mechanisms import (
    Coverage,
    DataDefect,
    HouseEffect,
    Overstatement,
    TSEMultiplier,
    check_combinable,
)

__all__ = ["PRESETS", "Scenario", "ScenarioResult", "scenario_grid"]

PresetName = Literal["benign", "plausible", "stress"]
PRESETS: tuple[str, ...] = ("benign", "plausible", "stress")


def _topline(topline: Any, n: Any) -> tuple[float, float]:
    """(p, n) from a ProportionCI, a design estimate with ``to_proportion_ci``, or a share."""
    if hasattr(topline, "to_proportion_ci") and not isinstance(topline, ProportionCI):
        topline = topline.to_proportion_ci()
    if isinstance(topline, ProportionCI):
        if np.ndim(topline.estimate) != 0:
            raise ValueError("Scenario.apply takes one topline; use scenario_grid for many")
        if n is not None:
            raise ValueError("n is taken from the ProportionCI; do not pass it as well")
        return float(topline.estimate), float(topline.n)
    if n is None:
        raise ValueError("n is required when the topline is a plain share, e.g. apply(0.70, 1600)")
    p = check_share("topline", topline)
    n_a = check_positive("n", n)
    if p.ndim or n_a.ndim:
        raise ValueError("topline and n must be single values: Scenario.apply takes one share "
                         "and one n; use scenario_grid for many")
    return float(p), float(n_a)


@dataclass(frozen=True, eq=False, repr=False)
class ScenarioResult(Result):
    """What a scenario makes of a reported share.

    Attributes
    ----------
    scenario : Scenario
        The scenario applied.
    reported : float
        The reported share.
    sampling : ProportionCI
        The sampling interval at the scenario's design effect (``n_eff = n / deff``), before
        any bias adjustment (widened by the TSE multiplier, if the scenario has one).
    estimate, low, high : float
        The adjusted estimate and interval: the sampling interval carried through the inverse
        of each mechanism (and widened by a house effect of unknown sign).
    steps : pandas.DataFrame
        One row per step: ``step, mechanism, description, estimate, low, high, shift``
        (``shift`` is the step's contribution to the estimate, in share units).
    parameters : dict of str to float
        The bias pipeline's parameters (names of ``surveystats.bias._spec.PARAMETERS``)
        that move the estimate, as applied: an overstatement as the shares of falsifiers it
        was resolved to at its step. A house effect of unknown sign and a total-error
        multiplier only widen the interval and are not among them. ``_pipeline.adjust`` with
        these parameters (and ``clip=True``, as a scenario clips a step that would leave
        [0, 1]) gives ``estimate``, so a sensitivity map can be centred on the scenario.
    """

    scenario: Scenario
    reported: float
    sampling: ProportionCI
    estimate: float
    low: float
    high: float
    steps: pd.DataFrame
    parameters: dict[str, float] = field(default_factory=dict)

    def __iter__(self) -> Any:
        return iter((self.low, self.high))

    @property
    def total_shift(self) -> float:
        """Adjusted minus reported estimate."""
        return self.estimate - self.reported

    def to_frame(self) -> pd.DataFrame:
        """The steps table (a copy): reported, each mechanism in turn, adjusted."""
        return self.steps.copy()

    def summary(self) -> pd.DataFrame:
        """The scenario's result in one row.

        Columns ``scenario, reported, n, deff, n_eff, estimate, low, high, method,
        confidence_level``.
        """
        s = self.sampling
        return pd.DataFrame([{
            "scenario": self.scenario.name, "reported": self.reported, "n": s.n,
            "deff": s.deff, "n_eff": s.n_eff, "estimate": self.estimate, "low": self.low,
            "high": self.high, "method": s.method, "confidence_level": s.confidence_level,
        }])

    def _text(self) -> str:
        return (f"{self.scenario.name} scenario: reported {pct_text(self.reported)} -> "
                f"{pct_text(self.estimate)} [{pct_text(self.low)}, {pct_text(self.high)}] "
                f"at deff {self.scenario.deff:g}")

    def __repr__(self) -> str:
        return (
            f"ScenarioResult(scenario={self.scenario.name!r}, reported={fmt(self.reported)}, "
            f"estimate={fmt(self.estimate)}, low={fmt(self.low)}, high={fmt(self.high)}, "
            f"deff={fmt(self.sampling.deff)})"
        )

    def _repr_html_(self) -> str:
        return html_table(
            f"Scenario '{self.scenario.name}': {100 * self.reported:.1f}% reported, "
            f"{100 * self.estimate:.1f}% adjusted [{100 * self.low:.1f}%, {100 * self.high:.1f}%]",
            self.steps, note=self.scenario.description)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Error-budget chart of this result: :func:`surveystats.plotting.plot_error_budget`."""
        from surveystats.plotting import plot_error_budget

        return plot_error_budget(self, ax=ax, **kwargs)


def canonical_order(mechanisms: tuple[Any, ...]) -> tuple[Any, ...]:
    """Mechanisms sorted into the data-generating order of ``bias._spec.ORDER``.

    The one pipeline applies biases in that order (coverage, nonresponse or data defect,
    falsification, don't know, house effect) and undoes them in reverse, whatever order a
    list gives them in: the same parameters then give the same adjusted share in a
    scenario, a grid, a tipping point and a bias analysis. A ``TSEMultiplier`` (which
    widens the sampling interval) and mechanisms the table does not know keep their
    relative order after the known ones.
    """
    rank = {name: i for i, name in enumerate(_spec.ORDER)}
    return tuple(sorted(mechanisms, key=lambda m: rank.get(getattr(m, "name", ""),
                                                           len(rank))))


@dataclass(frozen=True, repr=False)
class Scenario:
    """A set of bias mechanisms and a design effect, to apply to a reported share.

    Parameters
    ----------
    mechanisms : sequence of mechanisms
        From :mod:`surveystats.bias`. They act in the one data-generating order of the bias
        pipeline (coverage, nonresponse or data defect, falsification, don't know, house
        effect) and are undone in reverse; a list in another order is reordered, and the
        steps table says so.
        A ``TSEMultiplier`` widens the sampling interval and may not be combined with explicit
        bias terms (see :func:`surveystats.bias.check_combinable`).
    deff : float, default 1.0
        Design effect: the sampling interval is computed at ``n_eff = n / deff``.
    name : str, default "custom"
        The scenario's name, as its results and charts show it.
    description : str, default ""
        What the scenario assumes, with its sources.

    Notes
    -----
    The adjusted interval carries the sampling interval's two bounds through the inverse of
    every mechanism. The maps are increasing in the reported share, so the bounds stay bounds;
    a house effect of unknown sign ``±s`` then widens the interval by ``s`` on each side of
    the reported share before the other mechanisms are undone. This is a sensitivity analysis
    under stated assumptions, not a confidence interval for the truth: it is only as good as
    the assumed parameter values.

    Examples
    --------
    >>> from surveystats import Scenario
    >>> from surveystats.bias import Nonresponse
    >>> res = Scenario([Nonresponse(1.42)], deff=1.5).apply(0.70, 1600)
    >>> round(res.estimate, 3), round(res.low, 3), round(res.high, 3)
    (0.622, 0.59, 0.652)

    The sourced presets, here for the VTsIOM case's 70%:

    >>> res = Scenario.preset("plausible").apply(0.70, 1600)
    >>> round(res.estimate, 3)
    0.611
    """

    mechanisms: tuple[Any, ...] = ()
    deff: float = 1.0
    name: str = "custom"
    description: str = ""

    def __post_init__(self) -> None:
        try:
            mechs = tuple(self.mechanisms)
        except TypeError:
            raise TypeError(f"mechanisms ({self.mechanisms!r}) must be a sequence of bias "
                            "mechanisms, e.g. (Nonresponse(1.2),)") from None
        check_combinable(mechs)
        object.__setattr__(self, "mechanisms", mechs)
        d = check_positive("deff", self.deff)
        if d.ndim:
            raise ValueError("deff must be a single number for a Scenario; scenario_grid "
                             "takes several")
        object.__setattr__(self, "deff", float(d))

    def __repr__(self) -> str:
        mechs = ", ".join(type(m).__name__ for m in self.mechanisms) or "no bias"
        return f"Scenario(name={self.name!r}, deff={fmt(self.deff)}, mechanisms=[{mechs}])"

    def apply(
        self,
        topline: Any,
        n: float | None = None,
        *,
        method: str = "wilson",
        confidence_level: float = 0.95,
    ) -> ScenarioResult:
        """Apply the scenario to a reported share.

        Parameters
        ----------
        topline : float, ProportionCI or design estimate
            The reported share (with ``n``), a ``ProportionCI`` (its ``n`` is used; its own
            design effect is replaced by the scenario's), or a design estimate of a proportion
            that has ``to_proportion_ci()``.
        n : float, optional
            Nominal sample size, when ``topline`` is a share.
        method : str, default "wilson"
            Interval method for the sampling interval.
        confidence_level : float, default 0.95
            Two-sided confidence level of the sampling interval.

        Returns
        -------
        ScenarioResult
            The adjusted estimate and interval, with each step's contribution.
        """
        p, n_f = _topline(topline, n)
        cl = check_confidence_level(confidence_level)
        sampling = proportion_ci(p, n_f, deff=self.deff, method=method, confidence_level=cl)
        low, high = float(sampling.low), float(sampling.high)
        est = p
        mechanisms = canonical_order(self.mechanisms)
        description = f"reported share with its sampling interval at deff {self.deff:g}"
        if mechanisms != self.mechanisms:
            description += ("; the mechanisms are undone in the data-generating order ("
                            + " -> ".join(m.name for m in mechanisms)
                            + "), not in the order listed")
        applied: dict[str, float] = {}
        rows = [{"step": 0, "mechanism": "reported", "description": description,
                 "estimate": est, "low": low, "high": high, "shift": 0.0}]
        for mech in mechanisms:
            if isinstance(mech, TSEMultiplier):
                k = mech.factor
                low, high = max(0.0, est - k * (est - low)), min(1.0, est + k * (high - est))
            elif isinstance(mech, HouseEffect):
                s = abs(mech.shift)
                low, high = max(0.0, low - s), min(1.0, high + s)
        for i, mech in enumerate(reversed(mechanisms), start=1):
            before = est
            if isinstance(mech, (TSEMultiplier, HouseEffect)):
                rows.append({"step": i, "mechanism": mech.name, "description": mech.describe(),
                             "estimate": est, "low": low, "high": high, "shift": 0.0})
                continue
            if isinstance(mech, Overstatement):  # known only now: the share at this step
                mech = mech.resolve(est, clip=True)
            for name, value in mech.parameters().items():
                applied[_spec.by_field(mech.name, name).name] = float(value)
            est = float(mech.true(est, clip=True))
            lo, hi = (float(v) for v in mech.true(np.array([low, high]), clip=True))
            low, high = min(lo, hi), max(lo, hi)
            rows.append({"step": i, "mechanism": mech.name, "description": mech.describe(),
                         "estimate": est, "low": low, "high": high, "shift": est - before})
        rows.append({"step": len(rows), "mechanism": "adjusted", "description":
                     "after undoing every mechanism", "estimate": est, "low": low,
                     "high": high, "shift": est - p})
        return ScenarioResult(self, p, sampling, est, low, high, pd.DataFrame(rows), applied)

    @classmethod
    def preset(cls, name: PresetName) -> Scenario:
        """Sourced presets: ``"benign"``, ``"plausible"``, ``"stress"``.

        Every value comes from :func:`surveystats.bias.default_range` (its low, central or
        high value), which carries its source and evidence label; see ``docs/bias.md``. The
        description of the returned scenario cites each value's source from the registry.

        * **benign**: the registry's lowest design effect (1.0), no bias.
        * **plausible**: central values: design effect; adults outside the phone frame who
          answer differently; a data-defect correlation at the central response rate; an
          overstatement by preference falsification; a house effect of unknown sign.
        * **stress**: high values, and the low response rate.

        Parameters
        ----------
        name : {"benign", "plausible", "stress"}

        Notes
        -----
        The falsification is stored as an :class:`~surveystats.bias.Overstatement` and turned
        into shares of falsifiers at the share the scenario is applied to, so one preset
        serves any poll: nothing in a preset depends on a particular poll's share or size.
        """
        if name not in PRESETS:
            raise ValueError(f"name ({name!r}) is not one of {', '.join(map(repr, PRESETS))}")
        level = {"benign": "low", "plausible": "central", "stress": "high"}[name]
        used: list[str] = []

        def pick(mech: str, param: str, at: str = level) -> float:
            row = default_range(mech, param)
            value = float(getattr(row, at))
            used.append(f"{mech} {param} {value:g} [{row.evidence}; {row.source}]")
            return value

        deff = pick("design_effect", "deff")
        if name == "benign":
            return cls((), deff=deff, name=name,
                       description=f"benign: no bias; {used[0]}.")
        rr = {"plausible": "central", "stress": "low"}[name]  # lower response is worse
        mechs = (
            Coverage(pick("coverage", "uncovered_share"), -pick("coverage", "difference")),
            DataDefect(pick("data_defect", "rho"), pick("data_defect", "response_rate", rr)),
            Overstatement(pick("falsification", "overstatement")),
            HouseEffect(pick("house_effect", "shift")),
        )
        desc = f"{name}: " + "; ".join(used) + ". The coverage difference is negative: " \
            "people outside the frame are assumed less likely to say yes [judgement]."
        return cls(mechs, deff=deff, name=name, description=desc)


def scenario_grid(
    p: Any,
    n: Any,
    *,
    deff: Any = 1.0,
    method: str = "wilson",
    confidence_level: float = 0.95,
    **ranges: Any,
) -> pd.DataFrame:
    """Adjusted estimates and intervals over the cartesian grid of bias parameters.

    Parameters
    ----------
    p : float or sequence
        Reported share(s); several shares are one more grid dimension.
    n : float
        Nominal sample size.
    deff : float or sequence, default 1.0
        Design effect(s): one more grid dimension.
    method : str, default "wilson"
        Interval method of the sampling interval (see :func:`surveystats.proportion_ci`).
    confidence_level : float, default 0.95
        Two-sided confidence level of the sampling interval.
    **ranges : float or sequence
        Values for any of ``uncovered_share`` with ``coverage_difference`` (p_uncovered -
        p_covered), ``odds_ratio`` (answer-dependent nonresponse) or ``rho`` with
        ``response_rate`` (data defect; not both parameterisations), ``falsification`` (share
        of "no" holders saying "yes") and ``reverse_falsification``, ``dont_know`` (read the
        share among those with an opinion), ``house_effect`` (a signed shift, reported minus
        true).

    Returns
    -------
    pandas.DataFrame
        One row per grid cell: ``reported, n, deff, n_eff``, one column per parameter given,
        then ``estimate, low, high`` (the adjusted share and the sampling interval carried
        through the same maps), ``sampling_low, sampling_high``, ``feasible`` (False where no
        true share in [0, 1] produces the reported one: the adjusted values are NaN there),
        ``method`` and ``confidence_level``.

    Notes
    -----
    The steps are undone in the reverse of their data-generating order: house effect,
    don't-know reading, falsification, nonresponse, coverage. Everything is vectorised; a
    million cells take a fraction of a second (see ``docs/performance.md``).

    Examples
    --------
    How low could the 55% go if "no" holders sometimes say "yes", and "yes" holders answer
    more readily?

    >>> from surveystats import scenario_grid
    >>> g = scenario_grid(0.55, 1600, falsification=[0.0, 0.1], odds_ratio=[1.0, 1.22])
    >>> g[["falsification", "odds_ratio", "estimate"]].round(3)
       falsification  odds_ratio  estimate
    0            0.0        1.00     0.550
    1            0.0        1.22     0.500
    2            0.1        1.00     0.500
    3            0.1        1.22     0.450
    """
    cl = check_confidence_level(confidence_level)
    method_c = _engine.canonical_method(method)
    p_arr = np.atleast_1d(check_share("p", p)).ravel()
    n_f = check_positive("n", n)
    if n_f.ndim:
        raise ValueError("n must be a single number; put several polls in separate grids")
    d_arr = np.atleast_1d(check_positive("deff", deff)).ravel()
    params = {k: np.atleast_1d(v).ravel() for k, v in ranges.items()}
    _pipeline.check_parameters({k: v for k, v in params.items()})
    axes: dict[str, np.ndarray] = {"reported": p_arr, "deff": d_arr, **params}
    shape = tuple(v.size for v in axes.values())

    def full(arr: np.ndarray, dims: int) -> np.ndarray:
        """Broadcast an array over the first ``dims`` axes to the whole grid, flattened."""
        return np.broadcast_to(arr.reshape(arr.shape + (1,) * (len(shape) - dims)),
                               shape).ravel()

    cols = {}
    for i, (name, values) in enumerate(axes.items()):
        view = [1] * len(shape)
        view[i] = values.size
        cols[name] = np.broadcast_to(values.reshape(view), shape).ravel()
    reported, d = cols["reported"], cols["deff"]
    with np.errstate(over="ignore", under="ignore"):  # the engine handles n_eff = inf or 0
        n_eff = float(n_f) / d
        d_col = float(n_f) / d_arr[None, :]
    # the sampling interval depends on (reported, deff) only: compute it on that small grid
    small_low, small_high = _engine.interval(
        method_c, p_arr[:, None], d_col, confidence_level=cl)
    low = full(np.broadcast_to(small_low, (p_arr.size, d_arr.size)), 2)
    high = full(np.broadcast_to(small_high, (p_arr.size, d_arr.size)), 2)
    pars = {k: cols[k] for k in params}
    house = pars.pop("house_effect", None)
    if house is None:
        est = _pipeline.adjust(reported, pars)
        a_low = _pipeline.adjust(low, pars, clip=True)
        a_high = _pipeline.adjust(high, pars, clip=True)
    else:
        # a signed shift moves the estimate and both bounds alike (unlike a HouseEffect in a
        # Scenario, whose sign is unknown and which widens the interval instead)
        est = _pipeline.adjust(reported, {**pars, "house_effect": house})
        a_low = _pipeline.adjust(np.clip(low - house, 0.0, 1.0), pars, clip=True)
        a_high = _pipeline.adjust(np.clip(high - house, 0.0, 1.0), pars, clip=True)
    out: dict[str, Any] = {"reported": reported, "n": float(n_f), "deff": d, "n_eff": n_eff}
    for k in params:
        out[k] = cols[k]
    feasible = ~np.isnan(est)
    a_low, a_high = np.where(feasible, a_low, np.nan), np.where(feasible, a_high, np.nan)
    out.update(estimate=est, low=np.fmin(a_low, a_high), high=np.fmax(a_low, a_high),
               sampling_low=low, sampling_high=high, feasible=feasible,
               method=pd.Categorical.from_codes(np.zeros(est.size, np.int8), pd.Index([method_c])),
               confidence_level=np.full(est.size, cl))
    return pd.DataFrame(out, copy=False)  # no block consolidation: a million rows stay cheap

