"""Probabilistic bias analysis for a reported share (Monte Carlo sensitivity analysis)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveystats._display import fmt, html_table, pct_text
from surveystats._params import AT_LEAST_ONE
from surveystats._result import Result
from surveystats._validation import (
    check_bool,
    check_confidence_level,
    check_integer,
    check_positive,
    check_rng,
    check_share,
)
from surveystats.bias import _pipeline, _spec
from surveystats.bias._priors import as_prior

__all__ = ["BiasAnalysis", "probabilistic_bias_analysis"]


@dataclass(frozen=True, eq=False, repr=False)
class BiasAnalysis(Result):
    """Result of :func:`probabilistic_bias_analysis`.

    Attributes
    ----------
    reported : float
        The reported share.
    n, deff, n_eff : float
        Nominal size, design effect, effective size ``n / deff``.
    confidence_level : float
        Mass of the simulation intervals.
    draws : pandas.DataFrame
        One row per kept draw: each bias parameter's draw, ``reported_draw`` (the share
        drawn from its sampling distribution), ``systematic`` (the bias-adjusted reported
        share) and ``total`` (the bias-adjusted drawn share: systematic and random error).
    discarded : int
        Draws under which no true share in [0, 1] produces the reported one (dropped, as
        episensr drops draws that give negative cells).
    priors : dict
        The priors used, by parameter name.
    """

    reported: float
    n: float
    deff: float
    n_eff: float
    confidence_level: float
    draws: pd.DataFrame
    discarded: int
    priors: dict[str, Any]

    def _summary(self, column: str) -> tuple[float, float, float]:
        a = 0.5 * (1.0 - self.confidence_level)
        values = self._stored("draws")[column].to_numpy()  # no copy of every draw
        lo, med, hi = np.quantile(values, [a, 0.5, 1.0 - a])
        return float(med), float(lo), float(hi)

    @property
    def median(self) -> float:
        """Median of the total-error distribution."""
        return self._summary("total")[0]

    @property
    def interval(self) -> tuple[float, float]:
        """Simulation interval with systematic and random error."""
        _, lo, hi = self._summary("total")
        return lo, hi

    @property
    def systematic_interval(self) -> tuple[float, float]:
        """Simulation interval with systematic error only."""
        _, lo, hi = self._summary("systematic")
        return lo, hi

    def share_below(self, threshold: float = 0.5) -> float:
        """Share of the total-error draws below ``threshold``.

        E.g. "how often is the majority gone?". A share of draws under the priors, not a
        probability of the truth.
        """
        thr = float(check_share("threshold", threshold))
        return float(np.mean(self._stored("draws")["total"].to_numpy() < thr))

    def directions(self) -> dict[str, str]:
        """Which way each mechanism's priors move the share, alone.

        ``"down"``, ``"up"``, ``"both"`` or ``"none"``, by mechanism name (in the pipeline's
        order).

        Each mechanism is undone on its own at every kept draw of its parameters; a chart that
        says "the priors put it below 50%" should also say whether every prior could only
        push one way (then the analysis shows the size of an assumed bias, not its sign).
        """
        draws = self._stored("draws")
        out: dict[str, str] = {}
        for mech in _spec.ORDER:
            names = [s.name for s in _spec.parameters_of(mech) if s.name in draws.columns]
            if not names:
                continue
            # every prior, a fixed number included, is a column of the draws, so a parameter's
            # companion (rho's response rate) is always there
            params = {k: draws[k].to_numpy() for k in names}
            adj = _pipeline.adjust(np.full(len(draws), self.reported), params)
            shift = adj[np.isfinite(adj)] - self.reported
            tol = 1e-12
            down, up = bool(np.any(shift < -tol)), bool(np.any(shift > tol))
            out[mech] = ("both" if down and up else "down" if down else "up" if up
                         else "none")
        return out

    def to_frame(self) -> pd.DataFrame:
        """The two simulation intervals as a tidy DataFrame.

        Columns ``analysis, median, low, high, confidence_level, draws, discarded``; rows
        ``systematic`` and ``total`` (as episensr's ``probsens`` reports them).
        """
        rows = []
        for label in ("systematic", "total"):
            med, lo, hi = self._summary(label)
            rows.append({"analysis": label, "median": med, "low": lo, "high": hi,
                         "confidence_level": self.confidence_level,
                         "draws": len(self._stored("draws")), "discarded": self.discarded})
        return pd.DataFrame(rows)

    def _text(self) -> str:
        lo, hi = self.interval
        return (f"reported {pct_text(self.reported)}; under the priors median "
                f"{pct_text(self.median)} [{pct_text(lo)}, {pct_text(hi)}] "
                f"({100 * self.confidence_level:g}% of {len(self._stored('draws')):,} draws, "
                "systematic and random error)")

    def __repr__(self) -> str:
        lo, hi = self.interval
        return (f"BiasAnalysis(reported={fmt(self.reported)}, median={fmt(self.median)}, "
                f"low={fmt(lo)}, high={fmt(hi)}, draws={len(self._stored('draws'))}, "
                f"discarded={self.discarded})")

    def _repr_html_(self) -> str:
        return html_table("Probabilistic bias analysis", self.to_frame(),
                          note=f"reported {fmt(self.reported)}; priors: " + ", ".join(
                              f"{k}={v!r}" for k, v in self.priors.items()))

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Plausible true share: :func:`surveystats.plotting.plot_bias_analysis`."""
        from surveystats.plotting import plot_bias_analysis

        return plot_bias_analysis(self, ax=ax, **kwargs)


def probabilistic_bias_analysis(
    p: float,
    n: float,
    priors: Mapping[str, Any],
    *,
    deff: float = 1.0,
    draws: int = 100_000,
    confidence_level: float = 0.95,
    random_error: bool = True,
    rng: Any = None,
) -> BiasAnalysis:
    """Probabilistic bias analysis: priors over bias parameters, combined with sampling error.

    Instead of one scenario, draw the bias parameters from distributions that express what
    the evidence allows, undo the biases for each draw, and read off the distribution of the
    plausible true share. This is what episensr's ``probsens`` does for 2x2 tables, here for
    a single reported share.

    Parameters
    ----------
    p : float
        Reported share.
    n : float
        Nominal sample size.
    priors : mapping of str to prior or float
        Parameter name -> prior from :mod:`surveystats.bias` (``Uniform``, ``Triangular``,
        ``Trapezoidal``, ``Beta``, ``LogNormal``) or a fixed number. Names as in
        :func:`surveystats.scenario_grid`: ``odds_ratio``; ``rho`` with ``response_rate``;
        ``falsification``, ``reverse_falsification``; ``uncovered_share`` with
        ``coverage_difference``; ``dont_know``; ``house_effect`` (signed shift).
    deff : float, default 1.0
        Design effect for the sampling error.
    draws : int, default 100_000
        Number of draws of the bias parameters from their priors (and of the reported
        share, with ``random_error``).
    confidence_level : float, default 0.95
        Mass of the reported simulation intervals.
    random_error : bool, default True
        Also draw the reported share from its sampling distribution: Beta(x + 1/2,
        n_eff - x + 1/2), the Jeffreys posterior, with ``x = p n_eff``.
    rng : int, numpy.random.Generator or None
        Seed or generator, for reproducibility.

    Returns
    -------
    BiasAnalysis
        ``median``, ``interval`` (total error), ``systematic_interval``, ``draws``,
        ``discarded``; ``to_frame()`` gives the episensr-style summary.

    Notes
    -----
    Each draw runs the canonical pipeline backwards (house effect, don't-know reading,
    falsification, nonresponse, coverage; see :func:`surveystats.scenario_grid`). Draws that
    make the reported share impossible are discarded and counted: many discards mean the
    priors contradict the data. The result is a distribution under assumptions, as good as
    the priors; Greenland (2005) and Lash, Fox and Fink (2021) discuss how to read it.

    References
    ----------
    .. [1] Greenland, S. (2005). Multiple-bias modelling for analysis of observational data.
       JRSS A 168(2), 267-306.
    .. [2] Lash, T. L., Fox, M. P. and Fink, A. K. (2021). Applying Quantitative Bias Analysis
       to Epidemiologic Data, 2nd ed. Springer.
    .. [3] Haine, D. episensr: Basic sensitivity analysis of epidemiological results (R
       package), ``probsens``.

    Examples
    --------
    >>> from surveystats import probabilistic_bias_analysis
    >>> from surveystats.bias import Trapezoidal, Uniform
    >>> res = probabilistic_bias_analysis(
    ...     0.70, 1600,
    ...     {"odds_ratio": Trapezoidal(1.0, 1.1, 1.3, 1.42),
    ...      "falsification": Uniform(0.0, 0.14)},
    ...     deff=1.5, draws=20_000, rng=1)
    >>> round(res.median, 2)
    0.64
    """
    p_f = float(check_share("p", p))
    n_f = float(check_positive("n", n))
    d = float(check_positive("deff", deff))
    cl = check_confidence_level(confidence_level)
    draws = check_integer("draws", draws, AT_LEAST_ONE)
    if not isinstance(priors, Mapping):
        raise TypeError(f"priors ({priors!r}) must be a mapping from bias parameter name to "
                        "prior, e.g. {'odds_ratio': Uniform(1.0, 1.42)}")
    if not priors:
        raise ValueError("priors is empty; give at least one bias parameter, e.g. "
                         "{'odds_ratio': Uniform(1.0, 1.42)}")
    random_error = check_bool("random_error", random_error)
    gen = check_rng(rng)
    prior_objs = {name: as_prior(name, value) for name, value in priors.items()}
    _pipeline.check_parameters({k: np.asarray(v.support) for k, v in prior_objs.items()
                                if np.all(np.isfinite(v.support))})
    sample = {name: prior.draw(gen, int(draws)) for name, prior in prior_objs.items()}
    _pipeline.check_parameters(sample)
    n_eff = n_f / d
    if random_error:
        x = p_f * n_eff
        reported_draw = gen.beta(x + 0.5, n_eff - x + 0.5, int(draws))
    else:
        reported_draw = np.full(int(draws), p_f)
    systematic = _pipeline.adjust(np.full(int(draws), p_f), sample)
    total = _pipeline.adjust(reported_draw, sample)
    keep = np.isfinite(systematic) & np.isfinite(total)
    discarded = int(draws - keep.sum())
    if discarded == draws:
        raise ValueError("every draw makes the reported share impossible under these priors; "
                         "narrow the priors (e.g. smaller falsification shares)")
    frame = pd.DataFrame({**{k: v[keep] for k, v in sample.items()},
                          "reported_draw": reported_draw[keep],
                          "systematic": systematic[keep], "total": total[keep]}, copy=False)
    return BiasAnalysis(p_f, n_f, d, n_eff, cl, frame, discarded, prior_objs)
