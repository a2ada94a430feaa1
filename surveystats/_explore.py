"""An explorer for the classroom: sliders wired to the error budget and the sensitivity map.

:func:`explore` computes nothing of its own. Each setting of its sliders (design effect,
response odds ratio, falsification, coverage) becomes a :class:`~surveystats.Scenario`
applied to the reported share; :func:`~surveystats.error_budget` and
:func:`~surveystats.sensitivity_map` of that :class:`~surveystats.ScenarioResult` are the
numbers, and their ``plot`` methods draw them into one figure, cleared and redrawn on every
change. The slider ranges and starting values are rows of the sourced registry
(:func:`surveystats.bias.default_range`); the labels, allowed values and neutral values of
the bias parameters come from their one specification (``bias._spec``).

The sliders are ipywidgets (the optional ``notebook`` extra), imported when :func:`explore`
is called; without them the same :meth:`Explorer.update` draws a static figure. matplotlib
is imported only when a figure is made, so importing surveystats does not load it.
"""

from __future__ import annotations

import functools
import io
import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from surveystats import _engine
from surveystats._display import fmt, pct_text
from surveystats._params import MARGIN, POSITIVE, SHARE, SIGNED_SHARE, Interval
from surveystats._scenario import Scenario, ScenarioResult
from surveystats._sensitivity import ErrorBudget, SensitivityMap, error_budget, sensitivity_map
from surveystats._validation import check_bool, check_confidence_level, check_scalar
from surveystats._warnings import SurveyStatsWarning
from surveystats.bias import _spec
from surveystats.bias._defaults import DefaultRange, default_range
from surveystats.bias._mechanisms import (
    _OVERSTATEMENT_HINT,
    Coverage,
    Nonresponse,
    Overstatement,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CONTROLS", "SCENARIO_DESCRIPTION", "SCENARIO_NAME", "Control", "Explorer",
           "explore"]

#: The name of the scenario the sliders describe, as the charts show it ("Under assumed
#: biases the 70% becomes ...", "assumed range", "assumed scenario: 60%").
SCENARIO_NAME = "assumed"

#: Its description (the settings are its mechanisms and design effect).
SCENARIO_DESCRIPTION = ("the settings of surveystats.explore(); the slider ranges are rows "
                        "of surveystats.bias.default_ranges()")

#: One chart of the house size (8 x 4.5 inches, plotting/_style.FIGSIZE) above the other.
_FIGSIZE = (8.0, 9.0)


@dataclass(frozen=True)
class Control:
    """One slider of the explorer: the registry row its range comes from, and its checks.

    Attributes
    ----------
    name : str
        The keyword of :func:`explore` and :meth:`Explorer.update`, and the key of
        ``Explorer.sliders``.
    label : str
        The slider's description (the bias parameter's label from ``bias._spec`` where it
        has one).
    registry : tuple of str
        The ``(mechanism, parameter)`` row of :func:`surveystats.bias.default_range`.
    domain : Interval
        The values the mechanism accepts (the one declaration validation reads).
    neutral : float or None
        The value at which the mechanism changes nothing; the slider starts there when the
        registry's low value is above it, so a mechanism can be switched off. None for the
        design effect, whose registry low (1, simple random sampling) is the floor.
    hint : str
        What the number means, for error messages.
    signed : bool
        The registry gives a magnitude whose sign is the user's choice: the slider spans
        ``[-high, high]`` and starts at ``-central``.
    readout : str
        The slider's number format (d3-format, as ipywidgets reads it).
    """

    name: str
    label: str
    registry: tuple[str, str]
    domain: Interval
    neutral: float | None
    hint: str
    signed: bool = False
    readout: str = ".2f"

    @property
    def row(self) -> DefaultRange:
        """The registry row (low, central, high, evidence, source)."""
        return default_range(*self.registry)

    @property
    def default(self) -> float:
        """The starting value: the registry's central value (negative when ``signed``)."""
        return -self.row.central if self.signed else self.row.central

    @property
    def span(self) -> tuple[float, float]:
        """The slider's default (min, max), from the registry row and the neutral value."""
        row = self.row
        if self.signed:
            return -row.high, row.high
        low = row.low if self.neutral is None else min(row.low, self.neutral)
        return low, row.high

    def tooltip(self) -> str:
        """Where the range comes from, for the slider's tooltip."""
        row = self.row
        sign = "magnitude " if self.signed else ""
        return (f"registry {sign}{row.low:g} / {row.central:g} / {row.high:g} (low / central "
                f"/ high; evidence {row.evidence}): {row.source}")


def _from_spec(name: str, parameter: str, *, signed: bool = False, readout: str = ".2f"
               ) -> Control:
    spec = _spec.parameter(parameter)
    if spec.registry is None:  # a slider's range must be sourced
        raise RuntimeError(f"bias parameter {parameter!r} has no row in the registry")
    return Control(name, spec.label, spec.registry, spec.domain, spec.neutral, spec.hint,
                   signed=signed, readout=readout)


#: The sliders, in the order they are shown: name -> :class:`Control`.
CONTROLS: dict[str, Control] = {
    "deff": Control("deff", "design effect", ("design_effect", "deff"), POSITIVE, None,
                    "it is the variance inflation of the design: n_eff = n / deff"),
    "response_odds_ratio": _from_spec("response_odds_ratio", "odds_ratio"),
    "falsification": Control(
        "falsification", "preference falsification, overstatement (reported minus true)",
        ("falsification", "overstatement"), SIGNED_SHARE,
        _spec.parameter("falsification").neutral, _OVERSTATEMENT_HINT, readout="+.1%"),
    "coverage": _from_spec("coverage", "uncovered_share", readout=".1%"),
    "coverage_difference": _from_spec("coverage_difference", "coverage_difference",
                                      signed=True, readout="+.1%"),
}


def _step(low: float, high: float) -> float:
    """A round slider step giving 100 to 1,000 positions over the range, so the registry's
    values (1.2, 1.42, 0.05) fall on it."""
    return float(10.0 ** math.floor(math.log10((high - low) / 100.0)))


def _ipywidgets() -> Any | None:
    """The ipywidgets module, or None when it cannot be imported."""
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


def _check_text(name: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} ({value!r}) must be a string or None")
    return value


def _check_spans(ranges: Any) -> dict[str, tuple[float, float]]:
    spans = {name: c.span for name, c in CONTROLS.items()}
    if ranges is None:
        return spans
    if not isinstance(ranges, Mapping):
        raise TypeError(f"ranges ({ranges!r}) must be a mapping of slider name to a (min, "
                        "max) pair, e.g. {'response_odds_ratio': (0.7, 1.42)}")
    for name, pair in ranges.items():
        if name not in CONTROLS:
            raise ValueError(f"ranges has an unknown slider {name!r}; the sliders are "
                             f"{', '.join(map(repr, CONTROLS))}")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"ranges[{name!r}] ({pair!r}) must be a (min, max) pair")
        c = CONTROLS[name]
        lo = check_scalar(f"ranges[{name!r}] min", pair[0], c.domain, hint=c.hint)
        hi = check_scalar(f"ranges[{name!r}] max", pair[1], c.domain, hint=c.hint)
        if not lo < hi:
            raise ValueError(f"ranges[{name!r}] ({pair!r}): min must be below max")
        spans[name] = (lo, hi)
    return spans


class Explorer:
    """What :func:`explore` returns: the sliders, the results they set and their figure.

    Made by :func:`explore`, not directly. In Jupyter it shows as the sliders above the two
    charts (or as the static figure without ipywidgets); each slider calls :meth:`update`.

    Attributes
    ----------
    p, n : float
        The reported share and the nominal sample size.
    settings : dict of str to float
        The current slider values, by name (a copy): ``deff``, ``response_odds_ratio``,
        ``falsification``, ``coverage``, ``coverage_difference``.
    scenario : ScenarioResult
        The scenario of those settings applied to ``p`` (name ``"assumed"``).
    budget : ErrorBudget
        ``error_budget(scenario, stated_margin=...)``: the first chart.
    sensitivity : SensitivityMap
        ``sensitivity_map(scenario, threshold=...)``: the second chart, the current setting
        marked (a grid stretched to reach it if a value lies beyond the default grid).
    figure : matplotlib.figure.Figure
        One figure, made without pyplot (nothing to close), cleared and redrawn by each
        update: the error budget above the sensitivity map and its colour bar.
    sliders : dict of str to ipywidgets.FloatSlider
        By setting name; empty without ipywidgets. Setting a slider's ``value`` updates.
    widget : ipywidgets.VBox or None
        The sliders above an ``ipywidgets.Image`` of the figure; None without ipywidgets.
    """

    def __init__(self, p: float, n: float, settings: Mapping[str, float], *,
                 spans: Mapping[str, tuple[float, float]], method: str,
                 confidence_level: float, stated_margin: float | None, threshold: float,
                 label: str | None, source: str | None) -> None:
        from matplotlib.figure import Figure

        self.p, self.n = p, n
        self._settings = dict(settings)
        self._spans = dict(spans)
        self._method, self._confidence_level = method, confidence_level
        self._stated_margin, self._threshold = stated_margin, threshold
        self._label, self._source = label, source
        self.figure: Figure = Figure(figsize=_FIGSIZE, dpi=100, layout="constrained")
        self.sliders: dict[str, Any] = {}
        self.widget: Any = None
        self._image: Any = None
        self._syncing = False
        self._compute()
        self._draw()

    # --- the one code path: settings -> results -> figure --------------------------------

    @property
    def settings(self) -> dict[str, float]:
        """The current slider values, by name (a copy)."""
        return dict(self._settings)

    def update(self, **settings: float) -> Explorer:
        """Recompute the results for new settings and redraw; the sliders follow.

        Parameters
        ----------
        **settings : float
            Any of ``deff``, ``response_odds_ratio``, ``falsification``, ``coverage``,
            ``coverage_difference`` (see :func:`explore`); the others keep their values. A
            value beyond a slider's range widens the range.

        Returns
        -------
        Explorer
            This explorer, with new ``scenario``, ``budget``, ``sensitivity`` and figure.
        """
        unknown = [k for k in settings if k not in CONTROLS]
        if unknown:
            raise TypeError(f"update() got unknown setting(s) {', '.join(map(repr, unknown))}"
                            f"; the settings are {', '.join(map(repr, CONTROLS))}")
        new = {k: check_scalar(k, v, CONTROLS[k].domain, hint=CONTROLS[k].hint)
               for k, v in settings.items()}
        self._settings.update(new)
        self._sync_sliders(new)
        self._compute()
        self._draw()
        return self

    def _compute(self) -> None:
        s = self._settings
        scenario = Scenario(
            (Coverage(s["coverage"], s["coverage_difference"]),
             Nonresponse(s["response_odds_ratio"]), Overstatement(s["falsification"])),
            deff=s["deff"], name=SCENARIO_NAME, description=SCENARIO_DESCRIPTION)
        self.scenario: ScenarioResult = scenario.apply(
            self.p, self.n, method=self._method, confidence_level=self._confidence_level)
        self.budget: ErrorBudget = error_budget(self.scenario,
                                                stated_margin=self._stated_margin)
        self.sensitivity: SensitivityMap = self._map()

    def _map(self) -> SensitivityMap:
        """The map centred on the scenario; an axis whose default grid misses the current
        value (one set beyond the registry's range) is stretched to reach it."""
        m = sensitivity_map(self.scenario, threshold=self._threshold)
        grids = []
        for name, values in ((m.x, m.x_values), (m.y, m.y_values)):
            v, lo, hi = m.central[name], float(values.min()), float(values.max())
            grids.append(values if lo <= v <= hi
                         else np.linspace(min(lo, v), max(hi, v), values.size))
        if grids[0] is m.x_values and grids[1] is m.y_values:
            return m
        return sensitivity_map(self.scenario, threshold=self._threshold,
                               x_values=grids[0], y_values=grids[1])

    def _draw(self) -> None:
        fig = self.figure
        fig.clear()
        # a grid of its own for each chart, so that constrained layout sets each out as it
        # would be alone: one 2 x 1 grid lines up the left edges, and the map's title, wrapped
        # to the room its own tick labels leave, would run off the figure
        outer = fig.add_gridspec(2, 1)
        ax_budget, ax_map = (fig.add_subplot(outer[i].subgridspec(1, 1)[0]) for i in (0, 1))
        self.budget.plot(ax=ax_budget, label=self._label, source=self._source)
        z = self.sensitivity.estimate
        finite = z[np.isfinite(z)]
        if finite.size and finite.min() < finite.max():
            self.sensitivity.plot(ax=ax_map, label=self._label, source=self._source)
        else:  # the map's colours need two different shares: say why there are none
            reported = pct_text(self.p)
            note = (f"No true share in [0, 1] gives the reported {reported} under these "
                    "settings: nothing to map" if finite.size == 0 else
                    f"The adjusted share is {pct_text(float(finite[0]))} in every cell that "
                    "has one: "
                    f"neither the response odds ratio nor falsification moves a reported "
                    f"{reported} under these settings")
            ax_map.set_axis_off()
            ax_map.text(0.5, 0.5, note, ha="center", va="center", wrap=True, gid="no_map")
        if self._image is not None:
            self._image.value = self.png()

    def png(self) -> bytes:
        """The figure as PNG bytes (what the notebook shows)."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        return buf.getvalue()

    # --- the sliders ------------------------------------------------------------------------

    def _attach(self, widgets: Any) -> None:
        """Build the sliders and the image of the figure; each slider calls update()."""
        for name, control in CONTROLS.items():
            lo, hi = self._spans[name]
            value = self._settings[name]
            lo, hi = min(lo, value), max(hi, value)
            slider = widgets.FloatSlider(
                value=value, min=lo, max=hi, step=_step(lo, hi), description=control.label,
                tooltip=control.tooltip(), readout_format=control.readout,
                continuous_update=False, style={"description_width": "initial"},
                layout=widgets.Layout(width="95%"))
            slider.observe(functools.partial(self._on_slider, name), names="value")
            self.sliders[name] = slider
        self._image = widgets.Image(value=self.png(), format="png")
        self.widget = widgets.VBox([*self.sliders.values(), self._image])

    def _on_slider(self, name: str, change: Mapping[str, Any]) -> None:
        if not self._syncing:
            self.update(**{name: change["new"]})

    @contextmanager
    def _holding(self) -> Iterator[None]:
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    def _sync_sliders(self, new: Mapping[str, float]) -> None:
        """Move the sliders to values set by update(), widening a range that misses one."""
        with self._holding():
            for name, value in new.items():
                slider = self.sliders.get(name)
                if slider is None:
                    continue
                slider.min, slider.max = min(slider.min, value), max(slider.max, value)
                slider.value = value

    # --- display ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        s = self.scenario
        settings = ", ".join(f"{k}={fmt(v)}" for k, v in self._settings.items())
        shown = "sliders" if self.widget is not None else "static figure"
        return (f"Explorer(p={fmt(self.p)}, n={fmt(self.n)}, {settings}, "
                f"estimate={fmt(s.estimate)}, low={fmt(s.low)}, high={fmt(s.high)}, "
                f"{shown})")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if self.widget is not None:
            return dict(self.widget._repr_mimebundle_(include=include, exclude=exclude))
        return {"image/png": self.png(), "text/plain": repr(self)}


def explore(
    p: float,
    n: float,
    *,
    deff: float | None = None,
    response_odds_ratio: float | None = None,
    falsification: float | None = None,
    coverage: float | None = None,
    coverage_difference: float | None = None,
    confidence_level: float = 0.95,
    method: str = "wilson",
    stated_margin: float | None = None,
    threshold: float = 0.5,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    label: str | None = None,
    source: str | None = None,
    widgets: bool = True,
) -> Explorer:
    """Sliders for a poll's error budget and sensitivity map: an explorer for the classroom.

    A stated margin covers sampling error only. Move the sliders and watch what else could
    move the headline: the error budget (the sampling interval, then the interval after
    undoing each bias in turn) and the sensitivity map (the adjusted share over the response
    odds ratio and falsification, with the line where the majority is lost and the current
    setting marked) are redrawn at every change. Nothing is computed here that a public
    function does not compute: each setting is a :class:`~surveystats.Scenario` applied to
    ``p``, and the charts are :func:`~surveystats.error_budget` and
    :func:`~surveystats.sensitivity_map` of that result.

    Parameters
    ----------
    p : float
        The reported share, in [0, 1].
    n : float
        The nominal sample size.
    deff : float, optional
        Design effect (the sampling interval uses ``n_eff = n / deff``). Slider from the
        registry's ``design_effect``/``deff`` row, low to high (1 to 2.25); starts at its
        central value (1.5) unless given (e.g. the design effect the poll states).
    response_odds_ratio : float, optional
        How many times as often "yes" holders respond as everyone else
        (:class:`~surveystats.bias.Nonresponse`; 1 means no nonresponse bias). Slider from
        the ``nonresponse``/``odds_ratio`` row (1 to 1.42); starts at its central 1.2.
    falsification : float, optional
        Preference falsification as the overstatement it causes, reported minus true share
        (:class:`~surveystats.bias.Overstatement`; 5 points is 0.05), converted into the
        share of "no" holders saying "yes" at the reported share. Slider from the
        ``falsification``/``overstatement`` row (0 to 0.15); starts at its central 0.05.
    coverage : float, optional
        The share of adults outside the sampling frame (:class:`~surveystats.bias.Coverage`).
        Slider from 0 (no coverage error) to the high value of the
        ``coverage``/``uncovered_share`` row (0.10); starts at its central 0.05.
    coverage_difference : float, optional
        The uncovered minus the covered share saying "yes". The ``coverage``/``difference``
        row gives a magnitude (0.1 to 0.3) whose sign is the user's choice: the slider spans
        -0.3 to 0.3 and starts at -0.2 (those outside the frame less likely to say "yes", the
        judgement the presets make).
    confidence_level : float, default 0.95
        Two-sided confidence level of the sampling interval.
    method : str, default "wilson"
        Interval method of the sampling interval (see :func:`~surveystats.proportion_ci`).
    stated_margin : float, optional
        The pollster's stated margin as a share (0.025 for "2.5%"): the budget's first row.
    threshold : float, default 0.5
        The share whose contour the map traces.
    ranges : mapping of str to (float, float), optional
        Replaces some sliders' (min, max), e.g. ``{"response_odds_ratio": (0.7, 1.42)}`` for
        a poll whose "yes" holders may be the ones who refuse.
    label : str, optional
        The item's name in the chart titles; default the share ("70%").
    source : str, optional
        The source line under each chart; default names ``n``.
    widgets : bool, default True
        Sliders when ipywidgets can be imported. False draws the static figure even where it
        can (a notebook exported to HTML or PDF, where sliders do not work).

    Returns
    -------
    Explorer
        ``sliders`` (ipywidgets ``FloatSlider`` by setting name; empty without ipywidgets),
        ``settings``, ``scenario``, ``budget``, ``sensitivity``, ``figure``, ``widget`` and
        :meth:`Explorer.update`. In Jupyter it shows as the sliders above the two charts, or
        as the static figure.

    Warns
    -----
    SurveyStatsWarning
        When ``widgets`` is True and ipywidgets cannot be imported: one line saying that
        ``pip install 'surveystats[notebook]'`` enables the sliders. The static figure is
        drawn all the same.

    Notes
    -----
    The mechanisms act in the pipeline's data-generating order (coverage, nonresponse,
    falsification) and are undone in reverse, as :meth:`surveystats.Scenario.apply` does:
    the budget's rows are the sampling interval, then "+ falsification", "+ nonresponse",
    "+ coverage", then the "assumed range". Every range is a row of
    :func:`surveystats.bias.default_ranges`, with its evidence (S stated, D derived, I
    judgement) and source in the table and in each slider's tooltip; several are judgements
    made for the VTsIOM case (Russia, December 2025). For another country or question, set
    ``ranges`` and read the sources first.

    The map holds coverage at the current setting and shows point estimates only: the design
    effect widens the budget's intervals but does not move the map. Falsification is drawn
    on the map as the share of "no" holders saying "yes" that the overstatement comes to at
    ``p``. A house effect, "don't know" answers and the data-defect form of nonresponse
    (the same selection as the odds ratio, not to be added to it) are left out; use
    :class:`~surveystats.Scenario` and its presets for those.

    What can fail: near 0 or 1 a bias can ask for a true share outside [0, 1]; the budget
    then stops at 0 or 1 (the scenario clips) and the map leaves such cells blank; when no
    cell is left, or all show one share (a reported 100% that no nonresponse or falsification
    can move), a sentence saying so takes the map's place. Near 1 the point where a majority
    is lost can lie far out, and the map's axis stretches to show it. None of this is a
    confidence interval for the truth: it is a sensitivity analysis, only as good as the
    assumed settings.

    Examples
    --------
    The VTsIOM case's 70%, as a static figure (in Jupyter, leave out ``widgets=False`` to
    get the sliders):

    >>> import surveystats as ss
    >>> toplines, card = ss.datasets.load_poll("vtsiom_2025")
    >>> item = toplines.set_index("item").loc["successful_2026"]
    >>> ex = ss.explore(item["estimate"], item["n"], stated_margin=card.stated_margin,
    ...                 widgets=False)
    >>> ex.settings
    {'deff': 1.5, 'response_odds_ratio': 1.2, 'falsification': 0.05, 'coverage': 0.05,
     'coverage_difference': -0.2}
    >>> list(ex.budget.to_frame()["row"])
    ['stated ±2.5%', 'sampling at deff 1.5', '+ falsification', '+ nonresponse', '+ coverage',
     'assumed range']
    >>> round(ex.scenario.estimate, 3), round(ex.scenario.low, 3), round(ex.scenario.high, 3)
    (0.597, 0.563, 0.630)

    What a slider does, by hand: the high response odds ratio of the registry (Re:Russia's
    fear gap) takes another 4 points off. The numbers are the public functions':

    >>> ex = ex.update(response_odds_ratio=1.42)
    >>> round(ex.scenario.estimate, 3)
    0.557
    >>> ex.budget == ss.error_budget(ex.scenario, stated_margin=0.025)
    True

    With ipywidgets (``pip install 'surveystats[notebook]'``), in Jupyter:

    >>> ex = ss.explore(0.70, 1600)                 # doctest: +SKIP
    >>> ex                                          # doctest: +SKIP
    >>> ex.sliders["deff"].value = 2.0              # doctest: +SKIP
    """
    p_f = check_scalar("p", p, SHARE)
    n_f = check_scalar("n", n, POSITIVE)
    given = {"deff": deff, "response_odds_ratio": response_odds_ratio,
             "falsification": falsification, "coverage": coverage,
             "coverage_difference": coverage_difference}
    settings = {name: (c.default if given[name] is None
                       else check_scalar(name, given[name], c.domain, hint=c.hint))
                for name, c in CONTROLS.items()}
    cl = check_confidence_level(confidence_level)
    method_c = _engine.canonical_method(method)
    margin = (None if stated_margin is None
              else check_scalar("stated_margin", stated_margin, MARGIN))
    thr = check_scalar("threshold", threshold, SHARE)
    spans = _check_spans(ranges)
    want_widgets = check_bool("widgets", widgets)
    explorer = Explorer(p_f, n_f, settings, spans=spans, method=method_c,
                        confidence_level=cl, stated_margin=margin, threshold=thr,
                        label=_check_text("label", label), source=_check_text("source", source))
    if want_widgets:
        ipywidgets = _ipywidgets()
        if ipywidgets is None:
            warnings.warn("ipywidgets is not installed, so explore() draws a static figure; "
                          "pip install 'surveystats[notebook]' enables the sliders",
                          SurveyStatsWarning, stacklevel=2)
        else:
            explorer._attach(ipywidgets)
    return explorer
