"""How the report draws and saves its charts (issue 10, D9): each figure laid out once and
drawn once per format, with files equal to what ``Figure.savefig`` writes, and nothing of the
user's matplotlib state touched. Speed itself is measured in benchmarks/bench_report.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from surveystats.plotting import chart_jobs, plot_error_budget, save_figure
from surveystats.plotting._report import ChartJob, run_jobs, worker_count
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


# --- several charts at a time (run_jobs) ---------------------------------------------------

FORKS = worker_count(2, 2) == 2


def test_worker_processes_write_the_same_files_as_one_process(tmp_path: Path) -> None:
    if not FORKS:
        pytest.skip("run_jobs draws in this process here (not Linux, or threads running)")
    charts = ["bias_tornado", "error_budget", "nested_shares"]
    one = run_jobs(chart_jobs(None, tmp_path / "one", charts=charts), workers=1)
    seen: list[tuple[int, str]] = []
    many = run_jobs(chart_jobs(None, tmp_path / "many", charts=charts), workers=2,
                    done=lambda i, job: seen.append((i, job.name)))
    assert [[p.name for p in ps] for ps in many] == [[p.name for p in ps] for ps in one]
    assert [i for i, _ in seen] == [1, 2, 3, 4]  # in the jobs' order
    for a, b in zip(one, many, strict=True):
        for pa, pb in zip(a, b, strict=True):
            assert pa.read_bytes() == pb.read_bytes(), pa.name


def _failing(ax: Any) -> None:
    raise ValueError("this chart cannot be drawn")


def test_a_failing_chart_in_a_worker_fails_the_run(tmp_path: Path) -> None:
    jobs = chart_jobs(None, tmp_path, charts=["manski"])
    jobs.append(ChartJob("broken", "manski", tmp_path, ("png",), _failing))
    with pytest.raises(ValueError, match="cannot be drawn"):
        run_jobs(jobs, workers=2)


def test_workers_must_be_a_positive_whole_number(tmp_path: Path) -> None:
    jobs = chart_jobs(None, tmp_path, charts=["manski"])
    with pytest.raises(ValueError, match=r"workers \(0\) must be"):
        run_jobs(jobs, workers=0)
    with pytest.raises(ValueError, match=r"workers \(1.5\) must be"):
        run_jobs(jobs, workers=1.5)  # type: ignore[arg-type]


# SIGINT gets Python's usual handler even when the test runner ignores it
CTRL_C = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from surveystats._cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_ctrl_c_while_workers_draw_ends_in_one_line_and_no_process_left(tmp_path: Path) -> None:
    if not FORKS:
        pytest.skip("run_jobs draws in this process here (not Linux, or threads running)")
    out = tmp_path / "charts-under-test"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
           "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C, "report", "--out", str(out),
                             "--quiet", "--workers", "2"], stderr=subprocess.PIPE, text=True,
                            env=env)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".charts-under-test.surveystats-tmp-*/*.png")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err == f"surveystats: interrupted; {out} left unchanged\n"
    assert os.listdir(tmp_path) == []
    # no worker outlives the command (they would still carry its arguments)
    left = [p for p in Path("/proc").glob("[0-9]*/cmdline") if str(out).encode() in _read(p)]
    assert not left


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # the process ended meanwhile
        return b""
