"""How the report draws and saves its charts (issue 10, D9): each figure laid out once and
drawn once per format, with files equal to what ``Figure.savefig`` writes, and nothing of the
user's matplotlib state touched. Speed itself is measured in benchmarks/bench_report.py."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from surveystats.plotting import chart_jobs, plot_error_budget, save_figure
from surveystats.plotting._style import new_figure


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _budget_figure():
    fig, ax = new_figure()
    plot_error_budget(0.55, 1600, ax=ax, stated_margin=0.025)
    return fig


def test_png_equals_the_pixels_savefig_writes(tmp_path: Path) -> None:
    ours = save_figure(_budget_figure(), tmp_path / "ours", formats=("png",))[0]
    theirs = tmp_path / "theirs.png"
    _budget_figure().savefig(theirs, dpi=100)
    a, b = plt.imread(ours), plt.imread(theirs)
    assert a.shape == b.shape == (450, 800, 4)
    assert np.array_equal(a, b)


def test_svg_from_the_png_layout_keeps_every_text_and_is_reproducible(tmp_path: Path) -> None:
    first = save_figure(_budget_figure(), tmp_path / "a")
    second = save_figure(_budget_figure(), tmp_path / "b")
    assert first[1].read_bytes() == second[1].read_bytes()  # fixed hash salt, no date
    alone = save_figure(_budget_figure(), tmp_path / "c", formats=("svg",))[0]
    svg, svg_alone = first[1].read_text(), alone.read_text()
    for text in ("stated ±2.5%", "share of respondents", "n = 1,600; chart: surveystats"):
        assert text in svg and text in svg_alone


def test_save_figure_restores_the_figures_canvas_and_layout(tmp_path: Path) -> None:
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1])
    canvas, engine = fig.canvas, fig.get_layout_engine()
    save_figure(fig, tmp_path / "line")
    assert fig.canvas is canvas
    assert fig.get_layout_engine() is engine
    # a figure without a layout engine stays without one
    fig2, _ = plt.subplots()
    save_figure(fig2, tmp_path / "plain", formats=("svg", "png"))
    assert fig2.get_layout_engine() is None


def test_rendering_leaves_pyplot_backend_and_rcparams_alone(tmp_path: Path) -> None:
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    open_figures = plt.get_fignums()
    for job in chart_jobs(None, tmp_path, charts=["coverage", "sensitivity_map"]):
        job()
    assert plt.get_fignums() == open_figures  # no pyplot figure made or left open
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == before


def test_a_user_rc_asking_for_a_transparent_png_is_honoured(tmp_path: Path) -> None:
    with matplotlib.rc_context({"savefig.transparent": True}):
        (path,) = save_figure(_budget_figure(), tmp_path / "clear", formats=("png",))
    assert plt.imread(path)[0, 0, 3] == 0.0  # the corner pixel is see-through
