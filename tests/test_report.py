"""The main job: `surveystats report` renders charts, summaries and an index page."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg

import surveystats as ss
from surveystats import _output
from surveystats._cli import main
from surveystats._output import MARKER, OutputError, read_marker
from surveystats._poll import PollCard
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


def test_report_marker_lists_every_file_and_files_follow_the_umask(report: Path) -> None:
    names = sorted(p.name for p in report.iterdir() if p.name != MARKER)
    assert read_marker(report) == names
    assert json.loads((report / MARKER).read_text())["version"] == ss.__version__
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(report.stat().st_mode) == 0o777 & ~mask
    for p in report.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask, p.name


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
    plaus = ss.Scenario.preset("plausible").apply(0.70, 1600)
    assert f"{100 * plaus.estimate:.1f}%" in md
    table = pd.read_csv(report / "summary.csv")
    assert {"intervals", "deff_scenarios", "scenarios", "tipping_points",
            "nested_shares"} <= set(table["table"])
    wilson = table[(table["table"] == "intervals") & (table.method == "wilson")
                   & (table["item"] == "successful_2026")]
    # the case states no design effect: the sourced central value is assumed, and said so
    assert wilson.deff_basis.item() == "assumed"
    assert wilson.low.item() == pytest.approx(ss.proportion_ci(0.70, 1600, deff=1.5).low,
                                              rel=1e-12)
    assert "none stated for successful_2026, smo_end_hope" in md
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
    # one estimate a share, one a percentage: refused (every estimate in (1, 100] would be
    # read as percentages, and the summary would say so: tests/test_toplines_input.py)
    (pd.DataFrame({"item": ["a", "b"], "estimate": [0.5, 50], "n": [100, 100]}),
     r"index 1, column 'estimate', item 'b': estimate \(50\) must be in \[0, 1\]; .*--percent.*"
     "did you pass a percentage"),
    (pd.DataFrame({"item": ["a", "a"], "estimate": [0.5, 0.4], "n": [100, 100]}),
     "appears twice"),
    (pd.DataFrame({"item": ["a"], "estimate": ["x"], "n": [100]}),
     r"toplines, index 0, column 'estimate', item 'a': 'x' is not a share such as 0\.55"),
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


@pytest.mark.parametrize("stated", [1.2, 2.5])  # below and above the assumed central 1.5
def test_one_deff_rule_for_every_table_and_chart(stated: float) -> None:
    import matplotlib.pyplot as plt

    from surveystats.plotting import chart_jobs

    t = pd.DataFrame({"item": ["approve", "oppose"], "estimate": [0.46, 0.41],
                      "n": [1000.0, 1000.0], "deff": [stated, None]})
    card = PollCard(deff=1.8)  # the poll's design effect, for the item that states none
    tables = summary_tables(t, card=card)
    rule = tables["design_effects"].set_index("item")
    assert rule.loc["approve"].tolist() == [stated, "item"]
    assert rule.loc["oppose"].tolist() == [1.8, "card"]
    for name in ("intervals", "tipping_points"):
        f = tables[name].set_index("item")
        assert set(f.loc["approve", "deff"]) == {stated}, name
        assert set(f.loc["oppose", "deff"]) == {1.8}, name
    scen = tables["scenarios"].set_index("item")  # a stated deff replaces each preset's own
    assert set(scen.loc["approve", "deff"]) == {stated}
    ds = tables["deff_scenarios"]  # the item's own, with the sourced range beside it
    mine = ds[(ds["item"] == "approve")]
    assert sorted(mine["deff"]) == sorted({1.0, 1.5, 2.25, stated})
    assert mine.loc[mine["used"], "deff"].tolist() == [stated]
    plaus = tables["scenarios"].query("item == 'approve' and scenario == 'plausible'")
    jobs = {j.name: j for j in chart_jobs(t, "unused", card=card)}
    try:
        _fig, ax = plt.subplots()
        jobs["coverage"].draw(ax)  # one chart for all items: the largest design effect
        d = max(stated, 1.8)
        assert f"n = 1,000 (deff {d:g})" in ax.get_title()
        (src,) = [x for x in ax.texts if x.get_gid() == "source"]
        assert f"= {round(1000 / d):,} (deff stated for the" in src.get_text().replace("\n", " ")
        _fig, ax = plt.subplots()
        jobs["error_budget_approve"].draw(ax)
        labels = [x.get_text() for x in ax.get_yticklabels()]
        assert f"sampling at deff {stated:g}" in labels
        _fig, ax = plt.subplots()
        jobs["sensitivity_map_approve"].draw(ax)  # centred on the same plausible value
        (centre,) = [x for x in ax.texts if x.get_text().startswith("plausible scenario")]
        assert centre.get_text() == f"plausible scenario: {100 * plaus.estimate.item():.0f}%"
        _fig, ax = plt.subplots()
        jobs["bias_analysis_approve"].draw(ax)
        (line,) = [ln for ln in ax.lines if ln.get_gid() == "plausible"]
        assert line.get_xdata()[0] == pytest.approx(plaus.estimate.item(), abs=1e-15)
    finally:
        plt.close("all")


# --- the report never destroys what it did not make (issue 8, deliverable 5) ---------------

REPORT_FILES = ["index.html", "summary.csv", "summary.md"]
WRITER = """
import sys
from surveystats._report import vtsiom_toplines, write_report
write_report(vtsiom_toplines(), sys.argv[1], charts=False, title=sys.argv[2])
"""


def _write(out: Path, **kwargs: Any) -> Path:
    return write_report(vtsiom_toplines(), out, charts=False, **kwargs)


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_new_report_has_a_marker_listing_its_files(tmp_path: Path) -> None:
    out = _write(tmp_path / "rep")
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, *REPORT_FILES])
    marker = json.loads((out / MARKER).read_text())
    assert marker == {"made_by": "surveystats report", "version": ss.__version__,
                      "files": REPORT_FILES}
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]  # no temp folder, no lock file


def test_rerun_replaces_only_the_earlier_reports_files(tmp_path: Path) -> None:
    out = _write(tmp_path / "rep", title="first")
    (out / "notes.txt").write_bytes(b"my notes\n")
    (out / "kept").mkdir()
    (out / "old_chart.png").write_bytes(b"a chart the new report does not draw")
    marker = json.loads((out / MARKER).read_text())
    marker["files"] += ["old_chart.png", "kept"]  # an earlier report wrote these
    (out / MARKER).write_text(json.dumps(marker))
    _write(out, title="second")
    assert (out / "notes.txt").read_bytes() == b"my notes\n"  # not listed: untouched
    assert (out / "kept").is_dir()  # listed, but folders are never removed
    assert not (out / "old_chart.png").exists()  # listed and no longer written: removed
    assert (out / "summary.md").read_text().startswith("# second")
    assert read_marker(out) == REPORT_FILES
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]


def test_empty_folder_is_filled_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    out.chmod(0o750)
    inode = out.stat().st_ino
    _write(out)
    assert out.stat().st_ino == inode and stat.S_IMODE(out.stat().st_mode) == 0o750
    assert read_marker(out) == REPORT_FILES


def test_folder_with_user_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "mydocs"
    out.mkdir()
    (out / "thesis.txt").write_bytes(b"Chapter 1\n\x00\xff")
    with pytest.raises(OutputError, match=r"mydocs is not empty .*choose a new or empty folder"):
        _write(out)
    assert _snapshot(out) == {"thesis.txt": b"Chapter 1\n\x00\xff"}
    assert [p.name for p in tmp_path.iterdir()] == ["mydocs"]  # nothing hidden left


@pytest.mark.parametrize("kind", ["file", "symlink to file", "broken symlink", "fifo"])
def test_non_folder_is_refused(tmp_path: Path, kind: str) -> None:
    thesis = tmp_path / "thesis.txt"
    thesis.write_bytes(b"Chapter 1\n")
    out = thesis if kind == "file" else tmp_path / "out"
    if kind == "symlink to file":
        out.symlink_to(thesis)
    elif kind == "broken symlink":
        out.symlink_to(tmp_path / "nowhere")
    elif kind == "fifo":
        os.mkfifo(out)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(OutputError, match=r"not a folder; choose a new or empty folder"):
        _write(out)
    assert thesis.read_bytes() == b"Chapter 1\n"
    assert sorted(os.listdir(tmp_path)) == before
    assert out.is_symlink() == ("symlink" in kind)  # a link itself is left too


@pytest.mark.parametrize("marker", [
    '{"made_by": "surveystats report", "files": ["../thesis.txt"]}',
    '{"made_by": "surveystats report", "files": ["/tmp/thesis.txt"]}',
    '{"made_by": "someone else", "files": ["thesis.txt"]}',
    '{"made_by": "surveystats report", "files": "thesis.txt"}',
    "not json",
    "symlink",
])
def test_a_marker_that_cannot_be_trusted_is_not_a_report(tmp_path: Path, marker: str) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_bytes(b"mine")
    (tmp_path / "thesis.txt").write_bytes(b"mine too")
    if marker == "symlink":  # a link to a real report's marker does not make this a report
        real = _write(tmp_path / "real")
        (out / MARKER).symlink_to(real / MARKER)
    else:
        (out / MARKER).write_text(marker)
    before = _snapshot(out)
    with pytest.raises(OutputError, match="holds no surveystats report"):
        _write(out)
    assert _snapshot(out) == before and (tmp_path / "thesis.txt").read_bytes() == b"mine too"


def test_unlisted_file_with_a_report_files_name_is_refused(tmp_path: Path) -> None:
    out = _write(tmp_path / "rep")
    marker = json.loads((out / MARKER).read_text())
    marker["files"].remove("summary.csv")  # the user's own summary.csv, not the report's
    (out / MARKER).write_text(json.dumps(marker))
    (out / "summary.csv").write_bytes(b"my table")
    before = _snapshot(out)
    with pytest.raises(OutputError, match=r"summary.csv is not from the earlier report"):
        _write(out)
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]


def test_stale_temp_folders_of_dead_runs_are_removed(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = tmp_path / f".rep.surveystats-tmp-{dead}-ab12cd34"
    stale.mkdir()
    (stale / "intervals.png").write_bytes(b"half a chart")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "a.txt").write_bytes(b"keep")
    kept = [
        f".rep.surveystats-tmp-{os.getpid()}-ab12cd34",  # a live run
        f".other.surveystats-tmp-{dead}-ab12cd34",  # another target
        f".rep.surveystats-tmp-{dead}-ab12cd34.bak",  # not the exact pattern
        f"rep.surveystats-tmp-{dead}-ab12cd34",
        f".rep.surveystats-tmp-{dead}-",
        ".rep.surveystats-tmp-0-ab12cd34",  # pid 0: never
    ]
    for name in kept:
        (tmp_path / name).mkdir()
        (tmp_path / name / "x").write_bytes(b"x")
    (tmp_path / f".rep.surveystats-tmp-{dead}-11111111").symlink_to(precious)  # not a folder
    (tmp_path / f".rep.surveystats-tmp-{dead}-22222222").write_bytes(b"a file")
    _write(tmp_path / "rep")
    assert not stale.exists()
    for name in kept:
        assert (tmp_path / name / "x").read_bytes() == b"x", name
    assert (precious / "a.txt").read_bytes() == b"keep"
    assert (tmp_path / f".rep.surveystats-tmp-{dead}-11111111").is_symlink()
    assert (tmp_path / f".rep.surveystats-tmp-{dead}-22222222").read_bytes() == b"a file"


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_folders_and_files_follow_the_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        (tmp_path / "a").mkdir()
        out = _write(tmp_path / "a" / "rep")
    finally:
        os.umask(old)
    for folder in (out,):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask, folder
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask, p.name


@pytest.mark.parametrize(("code", "words"), [
    (errno.EACCES, "Permission denied"),
    (errno.EROFS, "Read-only file system"),
    (errno.ENOSPC, "No space left on device"),
])
@pytest.mark.parametrize("where", ["mkdir", "write", "rename"])
def test_os_errors_name_the_folder_and_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str, where: str
) -> None:
    target = _write(tmp_path / "rep")  # an earlier report
    fresh = tmp_path / "new"
    before = _snapshot(target)

    def fail(*args: object, **kwargs: object) -> None:
        path = next(a for a in args if isinstance(a, (str, os.PathLike)))
        raise OSError(code, os.strerror(code), os.fspath(path))

    if where == "mkdir":
        monkeypatch.setattr(os, "mkdir", fail)
    elif where == "write":
        monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    else:
        monkeypatch.setattr(os, "replace", fail)
        monkeypatch.setattr(os, "rename", fail)
    for out in (target, fresh):
        with pytest.raises(OutputError, match=f"cannot write the report to {out}: {words}") \
                as info:
            _write(out)
        assert "surveystats-tmp" not in str(info.value)  # the hidden temp folder is not named
        assert isinstance(info.value.__cause__, OSError)
    monkeypatch.undo()
    assert _snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


@pytest.mark.parametrize("out", ["thesis.txt/rep", "thesis.txt/a/rep", "/proc/xyz/rep"])
def test_real_os_errors_for_root_too(tmp_path: Path, out: str) -> None:
    (tmp_path / "thesis.txt").write_bytes(b"Chapter 1\n")
    target = tmp_path / out if not out.startswith("/") else Path(out)
    with pytest.raises(OutputError, match=f"cannot write the report to {target}: "):
        _write(target)
    assert (tmp_path / "thesis.txt").read_bytes() == b"Chapter 1\n"
    assert os.listdir(tmp_path) == ["thesis.txt"]


def test_a_run_waits_for_the_lock_then_gives_up(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fcntl = pytest.importorskip("fcntl")
    monkeypatch.setattr(_output, "LOCK_TIMEOUT", 0.3)
    lock = tmp_path / ".rep.surveystats-lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match=r"another surveystats run is writing .*rep"):
            _write(tmp_path / "rep")
    assert os.listdir(tmp_path) == [lock.name]  # no report, no temp folder; our lock file


def _wait_for(predicate: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _assert_one_complete_report(out: Path, titles: set[str]) -> None:
    assert read_marker(out) == REPORT_FILES
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, *REPORT_FILES])
    title = (out / "summary.md").read_text().splitlines()[0].removeprefix("# ")
    assert title in titles
    assert f"<title>{title}</title>" in (out / "index.html").read_text()  # same run
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temp folder, no lock


def test_two_writers_waiting_on_the_lock_end_with_one_complete_report(tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "rep"
    lock = tmp_path / ".rep.surveystats-lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # both writers render, then wait here
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(out), title],
                                  stderr=subprocess.PIPE, text=True)
                 for title in ("one", "two")]

        def both_rendered() -> bool:
            tmps = list(tmp_path.glob(".rep.surveystats-tmp-*/index.html"))
            return len(tmps) == 2 or any(p.poll() is not None for p in procs)

        _wait_for(both_rendered, "both writers to finish rendering")
        assert not out.exists()
    # the first writer takes the lock and removes the lock file; the second holds the lock
    # on the removed file, notices, and locks the new one
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    _assert_one_complete_report(out, {"one", "two"})


def test_two_writers_started_together_end_with_one_complete_report(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    _write(out, title="zero")  # racing to replace an earlier report
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(out), title],
                              stderr=subprocess.PIPE, text=True)
             for title in ("one", "two")]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    _assert_one_complete_report(out, {"one", "two"})
