"""The main job: `surveystats report` renders charts, summaries and an index page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg

import surveystats as ss
from surveystats._cli import main
from surveystats._report import load_toplines, summary_tables, vtsiom_toplines, write_report


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (hidden ones too) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rep") / "charts"
    assert main(["report", "--out", str(out), "--format", "png", "--quiet"]) == 0
    return out


def test_report_writes_every_file(report: Path) -> None:
    names = {p.name for p in report.iterdir()}
    assert {"summary.md", "summary.csv", "index.html"} <= names
    pngs = sorted(report.glob("*.png"))
    assert len(pngs) >= 15
    for stem in ("intervals", "deff_scenarios", "bias_tornado", "coverage", "dont_know",
                 "nested_shares", "error_budget_successful_2026",
                 "sensitivity_map_smo_end_hope", "bias_analysis_successful_2026",
                 "poll_simulation_smo_end_hope", "manski_successful_2026"):
        assert (report / f"{stem}.png").exists(), stem
    assert not list(report.glob("*.svg"))  # only the formats asked for


def test_images_open_are_not_blank_and_800px_wide(report: Path) -> None:
    for png in report.glob("*.png"):
        img = mpimg.imread(png)
        assert img.shape[1] == 800, png.name
        assert img.shape[0] >= 400, png.name
        assert float(np.std(img[..., :3])) > 0.02, png.name  # something was drawn


def test_index_shows_every_chart(report: Path) -> None:
    html = (report / "index.html").read_text()
    for png in report.glob("*.png"):
        assert f'src="{png.name}"' in html
    assert "summary.csv" in html


def test_summary_matches_the_library(report: Path) -> None:
    md = (report / "summary.md").read_text()
    assert "implies a design effect of 1.04" in md
    plaus = ss.Scenario.preset("plausible", reported_p=0.70).apply(0.70, 1600)
    assert f"{100 * plaus.estimate:.1f}%" in md
    table = pd.read_csv(report / "summary.csv")
    assert {"intervals", "deff_scenarios", "scenarios", "tipping_points",
            "nested_shares"} <= set(table["table"])
    wilson = table[(table["table"] == "intervals") & (table.method == "wilson")
                   & (table["item"] == "successful_2026")]
    assert wilson.low.item() == pytest.approx(ss.proportion_ci(0.70, 1600).low, rel=1e-12)
    tp = table[(table["table"] == "tipping_points") & (table["item"] == "smo_end_hope")
               & (table.mechanism == "falsification") & (table.bound == "estimate")]
    assert tp.value.item() == pytest.approx(0.10)


def test_user_toplines(tmp_path: Path) -> None:
    csv = tmp_path / "poll.csv"
    pd.DataFrame({"item": ["approve", "disapprove"], "estimate": [0.46, 0.41],
                  "n": [1000, 1000], "deff": [1.3, 1.3]}).to_csv(csv, index=False)
    tables = summary_tables(load_toplines(csv))
    row = tables["deff_scenarios"].iloc[0]
    assert row["item"] == "approve" and "nested_shares" not in tables
    out = write_report(csv, tmp_path / "out", formats=("png",), charts=False)
    assert (out / "summary.md").exists() and "approve" in (out / "summary.md").read_text()


@pytest.mark.parametrize(("frame", "match"), [
    (pd.DataFrame({"item": ["a"], "estimate": [0.5]}), r"missing column\(s\) 'n'"),
    (pd.DataFrame({"item": ["a"], "estimate": [50], "n": [100]}), "did you pass a percentage"),
    (pd.DataFrame({"item": ["a", "a"], "estimate": [0.5, 0.4], "n": [100, 100]}),
     "appears twice"),
    (pd.DataFrame({"item": ["a"], "estimate": ["x"], "n": [100]}), "must be numbers"),
])
def test_bad_toplines(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        load_toplines(frame)


def test_cli_bad_toplines_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "bad.csv"
    pd.DataFrame({"item": ["a"], "share": [0.5]}).to_csv(csv, index=False)
    assert main(["report", "--toplines", str(csv), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing column(s) 'estimate', 'n'" in err
    assert not (tmp_path / "o").exists()
    assert main(["report", "--out", str(tmp_path / "o"), "--format", "gif"]) == 2


def test_failure_leaves_nothing_half_written(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import surveystats._report as rep

    def boom(*args: object, **kwargs: object) -> dict[str, pd.DataFrame]:
        raise RuntimeError("disk full")

    target = tmp_path / "charts"
    write_report(vtsiom_toplines(), target, charts=False)  # an earlier report
    before = _snapshot(target)
    monkeypatch.setattr(rep, "summary_tables", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(vtsiom_toplines(), target, formats=("png",), charts=False)
    assert _snapshot(target) == before  # old report untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["charts"]  # no temp folders left


def test_progress_bar_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_report(vtsiom_toplines(), tmp_path / "c", charts=False,
                 progress=__import__("surveystats._cli", fromlist=["_progress"])._progress)
    err = capsys.readouterr().err
    assert "[" in err and "done" in err


def test_charts_use_a_stated_design_effect_above_the_central_one() -> None:
    import matplotlib.pyplot as plt

    from surveystats.plotting import chart_jobs

    t = pd.DataFrame({"item": ["approve"], "estimate": [0.46], "n": [1000.0], "deff": [2.5]})
    job = chart_jobs(t, "unused", charts=["coverage"])[0]
    fig, ax = plt.subplots()
    try:
        job.draw(ax)
        assert "n = 400" in ax.get_title()  # 1,000 / 2.5, not 1,000 / 1.5
    finally:
        plt.close(fig)
