"""The chart of a design-based estimate (issue 11, deliverable 6): question texts travel from
a labelled file to the chart's title, and the chart draws the estimate's own numbers.

Checked by the artists, not by pixels: the title, the row labels and their order, the ends of
every interval line and the points against :meth:`DesignEstimate.confint`, the share axis.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

import surveystats as ss
from surveystats.datasets import load_teaching_sample, teaching_labelled_path
from surveystats.design import DesignEstimate, SurveyDesign
from surveystats.plotting import plot_design_estimate

TRUST = "Do you trust the news on television? (1 = yes)"
EDUCATION = ["secondary", "vocational", "higher"]  # code order, not alphabetical


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    plt.close("all")


def _read_spss(path: object) -> pd.DataFrame:
    pytest.importorskip("pyreadstat")
    return ss.read_spss(path)  # type: ignore[arg-type]


@pytest.fixture(params=[("dta", ss.read_stata), ("sav", _read_spss)], ids=["stata", "spss"])
def labelled(request: pytest.FixtureRequest) -> pd.DataFrame:
    kind, reader = request.param
    return reader(teaching_labelled_path(kind))


def _design(df: pd.DataFrame) -> SurveyDesign:
    return SurveyDesign(df, weights="weight", strata="region")


def _ticks(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def _note(ax: Axes) -> str:
    (note,) = [t for t in ax.texts if t.get_gid() == "source"]
    return note.get_text()


def _drawn(ax: Axes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, y of the intervals; estimate) drawn, rows sorted by their y."""
    segments = [s for c in ax.collections if c.get_gid() == "interval"
                for s in c.get_segments()]
    ends = np.array([[s[0][0], s[1][0], s[0][1]] for s in segments])
    ends = ends[np.argsort(ends[:, 2])]
    points = np.concatenate([np.column_stack(ln.get_data()) for ln in ax.get_lines()
                             if ln.get_gid() == "estimate"]).astype(float)
    points = points[np.argsort(points[:, 1])]
    assert np.array_equal(points[:, 1], ends[:, 2])  # one point on each interval
    return ends[:, 0], ends[:, 1], ends[:, 2], points[:, 0]


def _assert_draws(ax: Axes, est: DesignEstimate, confidence_level: float = 0.95,
                  method: str | None = None) -> None:
    """The chart's numbers are the estimate's: intervals from confint, points at estimate."""
    want = est.confint(confidence_level, method=method)
    low, high, y, point = _drawn(ax)
    assert np.allclose(low, want["low"], rtol=0, atol=1e-12, equal_nan=True)
    assert np.allclose(high, want["high"], rtol=0, atol=1e-12, equal_nan=True)
    assert np.allclose(point, est.estimate, rtol=0, atol=1e-12)
    assert list(y) == list(range(len(est)))  # one row each, at 0, 1, ...
    assert list(ax.get_yticks()) == list(range(len(est)))
    bottom, top = ax.get_ylim()
    assert bottom > top  # the first row of the estimate on top


# --- the labelled file --------------------------------------------------------------------


def test_question_text_is_the_title_and_domains_keep_their_order(labelled: pd.DataFrame) -> None:
    est = _design(labelled).proportion("trust_tv", by="education", level=1)
    ax = plot_design_estimate(est)
    assert ax.get_title() == textwrap.fill(TRUST, 60) == TRUST
    assert _ticks(ax) == EDUCATION  # the ordered categorical's order, top to bottom
    _assert_draws(ax, est)
    # a share: percent axis
    assert ax.get_xlabel() == "Share (%)"
    assert isinstance(ax.xaxis.get_major_formatter(), PercentFormatter)
    lo, hi = ax.get_xlim()
    assert 0.0 <= lo < hi <= 1.0
    note = _note(ax)
    assert note.startswith("Proportion of trust_tv = 1 by education; 95% logit intervals")
    df = est.df
    assert f"design df {df.min():g} to {df.max():g}" in note


def test_means_by_two_domain_columns_and_the_estimate_axis(labelled: pd.DataFrame) -> None:
    est = _design(labelled).mean("income", by=["sex", "age_group"])
    ax = est.plot(confidence_level=0.9)
    assert ax.get_title() == "Monthly income, thousand roubles (synthetic)"
    assert _ticks(ax) == [f"{s}, {a}" for s in ("female", "male")
                          for a in ("18-34", "35-54", "55+")]
    _assert_draws(ax, est, 0.9)
    assert ax.get_xlabel() == "Estimate"
    assert not isinstance(ax.xaxis.get_major_formatter(), PercentFormatter)
    assert "Mean of income by sex, age_group; 90% Wald intervals" in _note(ax)


def test_categories_within_domains(labelled: pd.DataFrame) -> None:
    est = _design(labelled).proportion("education", by="sex", method="korn_graubard")
    ax = plot_design_estimate(est, method="wilson")
    assert ax.get_title() == "Highest completed education"
    assert _ticks(ax) == [f"{s}: {e}" for s in ("female", "male") for e in EDUCATION]
    _assert_draws(ax, est, method="wilson")
    assert "95% Wilson intervals" in _note(ax)
    # the estimate's own method by default
    ax2 = est.plot(ax=plt.figure().gca())
    _assert_draws(ax2, est)
    assert "95% Korn-Graubard intervals" in _note(ax2)


def test_several_variables_name_the_title_and_their_questions_go_into_the_note(
        labelled: pd.DataFrame) -> None:
    est = _design(labelled).mean(["optimistic", "trust_tv"], by="age_group")
    ax = est.plot()
    assert ax.get_title() == "optimistic, trust_tv"
    assert _ticks(ax) == [f"{a}: {v}" for a in ("18-34", "35-54", "55+")
                          for v in ("optimistic", "trust_tv")]
    _assert_draws(ax, est)
    lines = _note(ax).split("\n")
    assert lines[:2] == ["optimistic: Do you expect next year to be better? (1 = yes)",
                         f"trust_tv: {TRUST}"]
    # one colour per variable
    colours = {ln.get_color() for ln in ax.get_lines() if ln.get_gid() == "estimate"}
    assert len(colours) == 2


def test_a_long_question_is_wrapped_at_60_characters() -> None:
    question = ("Thinking about the next twelve months, do you expect the economic situation of "
                "your household to get better, to stay the same, or to get worse?")
    df = load_teaching_sample("stratified")
    df.attrs["labels"] = {"optimistic": question}
    est = _design(df).mean("optimistic", by="sex")
    ax = est.plot()
    assert ax.get_title() == textwrap.fill(question, 60)
    assert ax.get_title().count("\n") == 2
    assert all(len(line) <= 60 for line in ax.get_title().split("\n"))


def test_without_labels_the_title_is_the_variable_name() -> None:
    df = load_teaching_sample("stratified")
    assert "labels" not in df.attrs
    est = _design(df).mean("income", by="education")
    assert est.labels == {}
    ax = est.plot()
    assert ax.get_title() == "income"
    assert sorted(_ticks(ax)) == sorted(map(str, est.domain))
    _assert_draws(ax, est)
    assert _note(ax).startswith("Mean of income by education;")


# --- designs and shapes -------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda d: d,
    lambda d: d.to_replicate("jkn"),
    lambda d: d.to_replicate("bootstrap", replicates=50, rng=1),
], ids=["taylor", "jackknife", "bootstrap"])
def test_taylor_and_replicate_designs(make: Callable[[SurveyDesign], object]) -> None:
    df = ss.read_stata(teaching_labelled_path("dta"))
    design = make(_design(df))
    est = design.proportion("trust_tv", by="region", level=1)  # type: ignore[attr-defined]
    ax = est.plot()
    assert ax.get_title() == TRUST
    assert _ticks(ax) == list(df["region"].cat.categories)
    _assert_draws(ax, est)
    df_text = (f"{est.df.min():g}" if est.df.min() == est.df.max()
               else f"{est.df.min():g} to {est.df.max():g}")
    assert f"design df {df_text};" in _note(ax)


def _other_poll() -> pd.DataFrame:
    """A clustered poll of another shape: Russian and German question texts, an ordered
    answer scale whose order is not alphabetical, missing answers, numbers by district."""
    rng = np.random.default_rng(11)
    n = 600
    scale = ["плохо", "скорее плохо", "скорее хорошо", "хорошо"]
    answer = pd.Categorical(rng.choice(scale, n, p=[0.2, 0.3, 0.3, 0.2]), categories=scale,
                            ordered=True)
    df = pd.DataFrame({
        "kreis": pd.Categorical(np.repeat(["Süd", "Nord", "Mitte"], n // 3),
                                categories=["Süd", "Nord", "Mitte"], ordered=True),
        "psu": np.repeat(np.arange(30), n // 30),
        "w": rng.uniform(0.5, 2.0, n),
        "оценка": answer,
        "zufrieden": rng.integers(0, 2, n).astype(float),
    })
    df.loc[rng.choice(n, 40, replace=False), "оценка"] = np.nan
    df.loc[rng.choice(n, 25, replace=False), "zufrieden"] = np.nan
    df.attrs["labels"] = {
        "оценка": "Как вы оцениваете работу местных властей в вашем районе?",
        "zufrieden": "Wie zufrieden sind Sie mit den Öffnungszeiten der Behörden? (1 = zufrieden)",
    }
    return df


def test_another_poll_with_non_ascii_texts_and_missing_values() -> None:
    df = _other_poll()
    d = SurveyDesign(df, weights="w", clusters="psu", strata="kreis")
    est = d.proportion("оценка", missing="drop")
    ax = est.plot()
    question = df.attrs["labels"]["оценка"]
    assert ax.get_title() == textwrap.fill(question, 60)
    assert _ticks(ax) == ["плохо", "скорее плохо", "скорее хорошо", "хорошо"]
    _assert_draws(ax, est)
    # a 0/1 variable by district, missing answers dropped, German umlauts in the labels
    est2 = d.mean("zufrieden", by="kreis", missing="drop")
    ax2 = est2.plot(ax=plt.figure().gca())
    german = df.attrs["labels"]["zufrieden"]
    assert ax2.get_title() == textwrap.fill(german, 60)
    assert ax2.get_title().replace("\n", " ") == german
    assert _ticks(ax2) == ["Süd", "Nord", "Mitte"]
    _assert_draws(ax2, est2)


def test_quantiles_and_contrasts() -> None:
    df = ss.read_stata(teaching_labelled_path("dta"))
    d = _design(df)
    q = d.quantile("income", [0.25, 0.5, 0.75])
    ax = q.plot()
    assert _ticks(ax) == ["0.25 quantile", "median", "0.75 quantile"]
    _assert_draws(ax, q)
    assert "95% Woodruff intervals" in _note(ax)
    gap = d.mean("income", by="sex").contrast({"male - female": [-1, 1]})
    ax2 = gap.plot(ax=plt.figure().gca())
    assert ax2.get_title() == "male - female"
    _assert_draws(ax2, gap)
    assert [ln.get_xdata()[0] for ln in ax2.get_lines() if ln.get_gid() == "zero"] == [0.0]


# --- axes and bad input -------------------------------------------------------------------


def test_draws_into_the_given_axes_or_the_current_one() -> None:
    est = _design(ss.read_stata(teaching_labelled_path("dta"))).mean("income", by="sex")
    _fig, (left, right) = plt.subplots(1, 2)
    assert plot_design_estimate(est, ax=right) is right
    assert est.plot(ax=left) is left
    assert left.get_title() and right.get_title()
    plt.figure()
    current = plt.gca()
    assert plot_design_estimate(est) is current
    marker = est.plot(ax=plt.figure().gca(), marker="D", color="black")
    (points,) = [ln for ln in marker.get_lines() if ln.get_gid() == "estimate"]
    assert points.get_marker() == "D"
    (segments,) = [c for c in marker.collections if c.get_gid() == "interval"]
    assert tuple(segments.get_colors()[0]) == (0.0, 0.0, 0.0, 1.0)  # the points' colour


def test_bad_input_names_the_parameter_and_echoes_the_value() -> None:
    est = _design(ss.read_stata(teaching_labelled_path("dta"))).mean("income", by="sex")
    with pytest.raises(TypeError, match=r"ax \('left'\) must be a matplotlib Axes"):
        plot_design_estimate(est, ax="left")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ax \(<Figure.*\) must be a matplotlib Axes"):
        est.plot(ax=plt.figure())
    with pytest.raises(ValueError, match=r"confidence_level \(1\.5\) must be in \(0, 1\)"):
        plot_design_estimate(est, confidence_level=1.5)
    with pytest.raises(ValueError, match=r"confidence_level \(95\).*percentage"):
        est.plot(confidence_level=95)
    with pytest.raises(ValueError, match=r"method \('logit'\) must be None or 'wald'"):
        est.plot(method="logit")
    with pytest.raises(TypeError, match=r"estimate \(ProportionCI\) must be a DesignEstimate"):
        plot_design_estimate(ss.proportion_ci(0.5, 100))  # type: ignore[arg-type]
