"""Charts for surveystats results, in one house style.

Every function follows the same shape: ``plot_<thing>(result_or_inputs, *, ax=None,
**kwargs) -> Axes``. ``ax=None`` draws on the current axes (``plt.gca()``); the docstring
names the matplotlib call that receives ``**kwargs``; nothing calls ``plt.show()``. The house
style (Okabe-Ito colours, percent ticks, a title that states the finding, a source line) is
applied inside each call with ``matplotlib.rc_context``; global rcParams are not changed.

matplotlib is imported inside the functions, so ``import surveystats.plotting`` is as light
as ``import surveystats``.

Sampling error: :func:`plot_intervals`, :func:`plot_deff_scenarios`, :func:`plot_coverage`.
Microdata: :func:`plot_design_estimate` (a design-based estimate by domain, titled with its
question text).
Bias: :func:`plot_bias_tornado`, :func:`plot_sensitivity_map`, :func:`plot_error_budget`,
:func:`plot_bias_analysis`, :func:`plot_poll_simulation`, :func:`plot_tipping_point`. What a
share is a share of: :func:`plot_manski`, :func:`plot_dont_know`, :func:`plot_nested_shares`.
Output: :func:`save_figure`, :func:`render_all` (and :func:`chart_jobs`, the same charts as
jobs, run by :func:`run_jobs`).
"""

from __future__ import annotations

from surveystats.plotting._bias import (
    plot_bias_analysis,
    plot_bias_tornado,
    plot_error_budget,
    plot_poll_simulation,
    plot_sensitivity_map,
    plot_tipping_point,
)
from surveystats.plotting._estimates import plot_design_estimate
from surveystats.plotting._intervals import plot_coverage, plot_deff_scenarios, plot_intervals
from surveystats.plotting._report import (
    CHARTS,
    ChartJob,
    chart_jobs,
    render_all,
    run_jobs,
)
from surveystats.plotting._shares import plot_dont_know, plot_manski, plot_nested_shares
from surveystats.plotting._style import COLORS, FIGSIZE, PALETTE, RC, save_figure, style

__all__ = [
    "CHARTS",
    "COLORS",
    "FIGSIZE",
    "PALETTE",
    "RC",
    "ChartJob",
    "chart_jobs",
    "plot_bias_analysis",
    "plot_bias_tornado",
    "plot_coverage",
    "plot_deff_scenarios",
    "plot_design_estimate",
    "plot_dont_know",
    "plot_error_budget",
    "plot_intervals",
    "plot_manski",
    "plot_nested_shares",
    "plot_poll_simulation",
    "plot_sensitivity_map",
    "plot_tipping_point",
    "render_all",
    "run_jobs",
    "save_figure",
    "style",
]


def __dir__() -> list[str]:
    """The public names only: loaded ``_private`` modules and ``annotations`` stay hidden."""
    return sorted(__all__)
