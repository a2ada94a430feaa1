"""The surveystats command, run in-process."""

from __future__ import annotations

import json

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
    assert "Intervals by method (90%)" in capsys.readouterr().out


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
    res = ss.Scenario.preset("plausible", reported_p=0.55).apply(0.55, 1600)
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
    (["tipping-point", "0.55", "bogus"], r"mechanism \('bogus'\)"),
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
