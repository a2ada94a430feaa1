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


def test_datasets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets"]) == 0
    assert "vtsiom_2025" in capsys.readouterr().out
