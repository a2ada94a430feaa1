"""The surveystats command, run in-process."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import surveystats as ss
from surveystats._cli import main


def test_ci_json_matches_proportion_ci(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ci", "0.7", "1600", "--deff", "1.5", "--method", "jeffreys", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    ci = ss.proportion_ci(0.7, 1600, deff=1.5, method="jeffreys")
    assert record["low"] == ci.low and record["high"] == ci.high
    assert record["method"] == "jeffreys" and record["df"] is None


def test_ci_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ci", "0.55", "1600"]) == 0
    assert "wilson 95% interval for p = 0.55" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "match"), [
    (["ci", "70", "1600"], "did you pass a percentage"),
    (["ci", "0.7", "1600", "--method", "beta"], "ambiguous"),
    (["ci", "0.7", "0"], r"n \(0\)"),
])
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], match: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("surveystats: error: ")
    import re

    assert re.search(match, err)


def test_report_prints_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "implies a design effect of 1.04" in out
    assert "korn_graubard" in out and "smo_end_hope" in out
    assert "38.5%" in out
    assert main(["report", "--confidence-level", "0.9"]) == 0
    assert "Intervals by method (90%, at each item's design effect)" in capsys.readouterr().out


def test_report_deff_overrides_the_card(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--deff", "1.2"]) == 0
    out = capsys.readouterr().out
    assert "stated for the whole poll in the poll card: successful_2026 1.2" in out
    assert "| successful_2026 | 1.2 | **stated for the poll** |" in out
    assert main(["report", "--deff", "0"]) == 2
    assert "--deff ('0') must be a design effect > 0" in capsys.readouterr().err


def test_report_confidence_level_with_charts_is_refused(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--out", str(tmp_path) + "/c", "--confidence-level", "0.9"]) == 2
    assert "drawn at 95%" in capsys.readouterr().err


def test_datasets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets"]) == 0
    assert "vtsiom_2025" in capsys.readouterr().out


def test_scenarios_presets_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "0.55", "1600", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["scenario"] for r in rows] == ["benign", "plausible", "stress"]
    res = ss.Scenario.preset("plausible").apply(0.55, 1600)
    assert rows[1]["estimate"] == pytest.approx(res.estimate)


def test_scenarios_grid_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "0.55", "1600", "--odds-ratio", "1,1.2", "--falsification",
                 "0,0.1", "--csv"]) == 0
    import io

    import pandas as pd

    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(table) == 4 and {"odds_ratio", "falsification", "estimate"} <= set(table.columns)


def test_tipping_point_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tipping-point", "0.55", "falsification", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["value"] == pytest.approx(0.1)
    assert main(["tipping-point", "0.55", "data_defect", "--fix", "response_rate=0.1"]) == 0
    assert "rho = 0.03333" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "match"), [
    (["tipping-point", "0.55", "bogus"],
     r"mechanism: invalid choice: 'bogus' \(choose from 'coverage'"),
    (["tipping-point", "0.55", "data_defect", "--fix", "rr"], "name=value"),
    (["scenarios", "55", "1600"], "did you pass a percentage"),
    (["scenarios", "0.55", "1600", "--odds-ratio", "a,b"], "numbers separated by commas"),
    (["ci", "abc", "100"], "invalid float value"),
    ([], "required"),
    (["report", "othercase"], "not a bundled case"),
])
def test_more_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    import re

    assert re.search(match, err)


# --- report --out: refused folders, OS errors and Ctrl-C end in one line -----------------

# Runs the command with no charts (fast) and a summary step that hangs, so a test can signal
# it while its temporary folder exists. SIGINT gets Python's usual handler even when the test
# runner was started with SIGINT ignored (a background job).
SLOW_REPORT = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import surveystats._report as rep
import surveystats.plotting._report as charts
charts.chart_jobs = lambda *args, **kwargs: []
rep.summary_tables = lambda *args, **kwargs: time.sleep(600)
from surveystats._cli import main
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report without its (slow) chart set: summary.md, summary.csv, index.html."""
    import surveystats.plotting._report as charts

    monkeypatch.setattr(charts, "chart_jobs", lambda *args, **kwargs: [])


def _one_error_line(err: str, *words: str) -> None:
    assert err.count("\n") == 1 and err.startswith("surveystats: error: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in err, (w, err)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_report_into_a_folder_with_a_thesis_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_charts: None
) -> None:
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "thesis.txt").write_bytes(b"Chapter 1: years of work\n")
    assert main(["report", "--out", str(docs), "--quiet"]) == 2
    _one_error_line(capsys.readouterr().err, str(docs), "choose a new or empty folder")
    assert _files(docs) == {"thesis.txt": b"Chapter 1: years of work\n"}
    assert os.listdir(docs) == ["thesis.txt"] and os.listdir(tmp_path) == ["mydocs"]


def test_report_onto_a_regular_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_charts: None
) -> None:
    thesis = tmp_path / "thesis.txt"
    thesis.write_bytes(b"Chapter 1\n")
    assert main(["report", "--out", str(thesis), "--quiet"]) == 2
    _one_error_line(capsys.readouterr().err, str(thesis), "is a file, not a folder")
    assert thesis.read_bytes() == b"Chapter 1\n"
    assert os.listdir(tmp_path) == ["thesis.txt"]  # no hidden .thesis.txt-old-* or temp


def test_report_twice_replaces_the_first_and_keeps_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_charts: None
) -> None:
    out = tmp_path / "charts"
    assert main(["report", "--out", str(out), "--quiet"]) == 0
    (out / "notes.txt").write_bytes(b"mine")
    assert main(["report", "--out", str(out), "--quiet"]) == 0
    assert (out / "notes.txt").read_bytes() == b"mine"
    assert {"summary.md", "summary.csv", "index.html", ".surveystats-report"} < set(
        os.listdir(out))
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("out", ["thesis.txt/charts", "/proc/xyz/charts", "no/such/charts"])
def test_report_to_an_unwritable_place_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_charts: None, out: str
) -> None:
    (tmp_path / "thesis.txt").write_bytes(b"Chapter 1\n")
    target = out if out.startswith("/") else str(tmp_path / out)
    assert main(["report", "--out", target, "--quiet"]) == 2
    _one_error_line(capsys.readouterr().err, f"cannot write the report to {target}")
    assert (tmp_path / "thesis.txt").read_bytes() == b"Chapter 1\n"


@pytest.mark.parametrize(("code", "where"), [
    (errno.EACCES, "mkdir"), (errno.EROFS, "mkdir"), (errno.ENOSPC, "write"),
    (errno.EACCES, "write"),
])
def test_report_os_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    no_charts: None, code: int, where: str
) -> None:
    # tests run as root, which chmod 0555 does not stop: simulate the failing call
    (tmp_path / "sub").mkdir()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    if where == "mkdir":
        monkeypatch.setattr(os, "mkdir", fail)
    else:
        monkeypatch.setattr(Path, "write_text", fail)
    out = tmp_path / "sub" / "charts"
    assert main(["report", "--out", str(out), "--quiet"]) == 2
    _one_error_line(capsys.readouterr().err, f"cannot write the report to {out}",
                    os.strerror(code))
    monkeypatch.undo()
    assert not out.exists()
    assert os.listdir(tmp_path) == ["sub"] and not list(tmp_path.rglob(".*"))


def test_report_error_after_a_progress_bar_is_still_a_line_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    no_charts: None
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_text", full)
    assert main(["report", "--out", str(tmp_path / "c")]) == 2
    last = capsys.readouterr().err.split("\n")[-2]
    assert last.startswith("surveystats: error: cannot write the report to")


def test_report_help_says_which_folders_out_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "new, empty, or an earlier surveystats report" in text
    assert "Its parent folder must exist" in text


def _start_slow_report(out: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.Popen([sys.executable, "-c", SLOW_REPORT, "report", "--out", str(out),
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True)


def _wait_for_temp(out: Path, proc: subprocess.Popen[str]) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        found = list(out.parent.glob(f".{out.name}.surveystats-tmp-{proc.pid}-*"))
        if found:
            return found[0]
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"no temporary folder appeared; {proc.communicate()}")


def test_ctrl_c_exits_130_with_one_line_and_leaves_the_folder_unchanged(
    tmp_path: Path, no_charts: None
) -> None:
    out = tmp_path / "charts"
    assert main(["report", "--out", str(out), "--quiet"]) == 0  # an earlier report
    before = _files(out)
    proc = _start_slow_report(out)
    tmp = _wait_for_temp(out, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == f"surveystats: interrupted; {out} left unchanged\n"
    assert not tmp.exists() and os.listdir(tmp_path) == ["charts"]
    assert _files(out) == before


def test_a_killed_runs_temp_folder_is_removed_by_the_next_run(
    tmp_path: Path, no_charts: None
) -> None:
    out = tmp_path / "charts"
    proc = _start_slow_report(out)
    tmp = _wait_for_temp(out, proc)
    proc.kill()  # SIGKILL: no clean-up possible
    proc.wait(timeout=60)  # reaped, so its pid is no longer alive
    assert tmp.is_dir() and not out.exists()
    assert main(["report", "--out", str(out), "--quiet"]) == 0
    assert not tmp.exists() and os.listdir(tmp_path) == ["charts"]


# --- polish (issue 10, deliverable 8) ---------------------------------------------------------

def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"surveystats {ss.__version__}"


@pytest.mark.parametrize("command", ["report", "scenarios", "tipping-point", "ci"])
def test_every_option_has_help(command: str) -> None:
    from surveystats._cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    for action in sub._actions:
        if action.dest != "help":
            assert action.help, f"{command} {action.option_strings or action.dest} has no help"
    text = sub.format_help()
    if command in ("scenarios", "ci"):
        assert all(m in text.replace("\n", " ").replace("  ", " ")
                   for m in ("clopper_pearson", "korn_graubard", "aliases"))


def test_scenarios_deff_applies_to_the_presets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "0.55", "1000", "--deff", "2,3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["scenario"], r["deff"]) for r in rows] == [
        ("benign", 2), ("benign", 3), ("plausible", 2), ("plausible", 3), ("stress", 2),
        ("stress", 3)]
    assert rows[2]["high"] == ss.Scenario(ss.Scenario.preset("plausible").mechanisms,
                                          deff=2.0).apply(0.55, 1000).high
    assert main(["scenarios", "0.55", "1000", "--json"]) == 0  # each preset's own deff
    rows = json.loads(capsys.readouterr().out)
    assert [r["deff"] for r in rows] == [ss.Scenario.preset(n).deff for n in ss.PRESETS]


def test_whole_numbers_print_as_integers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "0.55", "1600"]) == 0
    out = capsys.readouterr().out
    assert "0.55 1600 " in out and "0.55 1600.0" not in out  # the n column
    assert main(["ci", "0.55", "1600", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 1600
    assert main(["ci", "0.55", "1600"]) == 0
    assert "n = 1,600," in capsys.readouterr().out


@pytest.mark.parametrize(("name", "canonical"), [
    ("Clopper-Pearson", "clopper_pearson"), ("Agresti-Coull", "agresti_coull"),
    ("Wilson (cc)", "wilson_cc"), ("likelihood ratio", "likelihood_ratio"),
    ("Korn-Graubard", "korn_graubard"), ("Wilson", "wilson")])
def test_the_names_the_charts_print_are_accepted(name: str, canonical: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from surveystats.plotting._intervals import method_label

    assert ss.proportion_ci(0.7, 1600, method=name).method == canonical
    assert ss.proportion_ci(0.7, 1600, method=method_label(canonical)).method == canonical
    assert main(["ci", "0.7", "1600", "--method", name, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == canonical
