"""The case is data (issue 9, deliverable 3; issue 10, deliverable 1).

Everything case-specific comes from a poll card and the toplines: a report for another poll
never mentions VTsIOM, its n, its margin, its dates or its sources, and no public signature has
a default taken from the bundled case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes
from report_scan import report_texts, svg_texts

import surveystats as ss
import surveystats.bias
import surveystats.plotting
from surveystats._cli import main
from surveystats._poll import (
    CARD_KEYS,
    ITEM_COLUMNS,
    PollCard,
    card_beside,
    load_toplines,
    read_poll_card,
    resolve_poll,
)
from surveystats._report import _markdown, summary_tables, write_report
from surveystats.plotting import chart_jobs

#: Text that belongs to the bundled case and must not appear in another poll's report.
CASE_TEXT = re.compile(r"VTsIOM|1,600|1600|2\.5%|13 Dec|Vedomosti|sia\.ru|optimists")

OTHER = pd.DataFrame({"item": ["approve", "disapprove"], "estimate": [0.46, 0.41],
                      "n": [1000, 1000]})
CARD_3 = """title = "City omnibus, March 2025"
pollster = "Example Research"
fieldwork_start = 2025-03-20
fieldwork_end = 2025-03-26
mode = "face-to-face"
n = 1000
stated_margin = 0.03
margin_confidence_level = 0.95
source = "invented for the tests"
"""


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


# --- the poll card ---------------------------------------------------------------------------

def _card(tmp_path: Path, text: str, name: str = "poll.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_a_card(tmp_path: Path) -> None:
    card = read_poll_card(_card(tmp_path, CARD_3))
    assert card.stated_margin == 0.03 and card.n == 1000
    assert card.fieldwork_start == dt.date(2025, 3, 20)
    assert card.fieldwork() == "20–26 Mar 2025"
    assert card.source_line(1000) == "Source: Example Research, 20–26 Mar 2025, n = 1,000; " \
                                     "surveystats"
    assert card.heading() == "City omnibus, March 2025"
    assert card.path == str(tmp_path / "poll.toml")


def test_an_empty_card_is_neutral() -> None:
    card = PollCard()
    assert card.source_line(1000) is None and card.heading() is None
    assert card.describe() is None and card.markdown() == []
    assert card.stated_margin is None


def test_margin_as_a_percentage_in_quotes(tmp_path: Path) -> None:
    assert read_poll_card(_card(tmp_path, 'stated_margin = "3.4%"\n')).stated_margin == \
        pytest.approx(0.034)


@pytest.mark.parametrize(("text", "match"), [
    ("stated_margin = 2.5\n", r"stated_margin \(2\.5\) must be in \(0, 1\]; did you pass a "
                              r"percentage\? 2\.5% is 0\.025"),
    ("margin = 0.025\n", r"unknown key 'margin'.*; allowed keys: title, "),
    ("stated_margn = 0.025\n", r"unknown key 'stated_margn' \(did you mean 'stated_margin'\?\)"),
    ('n = "1,600"\n', r"n \('1,600'\) is text; write the number"),
    ("n = 1600.5\n", r"n \(1600\.5\) must be a whole number"),
    ("n = 0\n", r"n \(0\) must be a whole number >= 1"),
    ('fieldwork_start = "13 Dec 2025"\n', r"fieldwork_start \('13 Dec 2025'\) must be a date "
                                          r"written as YYYY-MM-DD"),
    ("fieldwork_start = 2025-12-13\nfieldwork_end = 2025-12-01\n",
     r"fieldwork_end \(2025-12-01\) must not be before fieldwork_start \(2025-12-13\)"),
    ("title = 5\n", r"title \(5\) must be text in quotes"),
    ("margin_confidence_level = 95\n", r"margin_confidence_level \(95\) must be in \(0, 1\)"),
    ("title = \"unclosed\n", r"is not valid TOML"),
])
def test_card_errors_name_the_file_the_key_and_the_value(tmp_path: Path, text: str,
                                                         match: str) -> None:
    path = _card(tmp_path, text)
    with pytest.raises((ValueError, TypeError), match=match) as info:
        read_poll_card(path)
    assert f"poll card {str(path)!r}" in str(info.value)


def test_missing_card_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"poll card '.*nowhere.toml' does not exist"):
        read_poll_card(tmp_path / "nowhere.toml")


def test_card_found_beside_the_toplines_or_given_or_refused(tmp_path: Path) -> None:
    csv = tmp_path / "poll.csv"
    OTHER.to_csv(csv, index=False)
    assert card_beside(csv) is None
    assert resolve_poll(csv)[1] == PollCard()
    _card(tmp_path, CARD_3)
    assert card_beside(csv) == tmp_path / "poll.toml"
    assert resolve_poll(csv)[1].stated_margin == 0.03
    assert resolve_poll(csv, PollCard())[1] == PollCard()  # "no card"
    other = _card(tmp_path, 'pollster = "Someone"\n', "other.toml")
    assert resolve_poll(csv, other)[1].pollster == "Someone"
    _card(tmp_path, "n = 500\n", "small.toml")
    with pytest.raises(ValueError, match=r"item 'approve' has n = 1,000, more than the 500 "):
        resolve_poll(csv, tmp_path / "small.toml")


# --- the toplines columns ---------------------------------------------------------------------

def test_optional_columns_get_neutral_values() -> None:
    t = load_toplines(OTHER)
    assert list(t.columns) == ["item", "label", "estimate", "n", "deff", "base_item",
                               "ambiguous_base_item", "group_label", "dont_know", "base"]
    assert list(t["label"]) == ["approve", "disapprove"]
    assert t["deff"].isna().all() and (t["base_item"] == "").all()  # none stated
    assert t["dont_know"].isna().all() and (t["base"] == "all respondents").all()


@pytest.mark.parametrize(("extra", "match"), [
    ({"base_item": ["", "nobody"]}, r"item 'disapprove': base_item \('nobody'\) is not an item "
                                    r"of this file; items: approve, disapprove"),
    ({"base_item": ["approve", ""]}, r"item 'approve': base_item \('approve'\) names the item "
                                     "itself"),
    ({"base_item": ["", "approve"], "ambiguous_base_item": ["", "approve"]},
     r"give base_item \('approve'\) or ambiguous_base_item \('approve'\), not both"),
    ({"base_item": ["disapprove", "approve"]}, "only one level of nesting is supported"),
    ({"dont_know": [0.6, None]}, r"item 'approve': estimate \(0\.46\) plus dont_know \(0\.6\) "
                                 "exceeds 1"),
    ({"dont_know": [19, None]}, r"dont_know \(19\) must be in \[0, 1\); did you pass a "
                                "percentage"),
    ({"base_itme": ["", "approve"]}, r"column 'base_itme' is not a toplines column; did you "
                                     r"mean 'base_item'\?"),
])
def test_toplines_errors_name_the_item_and_the_column(extra: dict[str, Any],
                                                      match: str) -> None:
    with pytest.raises(ValueError, match=match):
        load_toplines(OTHER.assign(**extra))


def test_errors_name_the_file(tmp_path: Path) -> None:
    csv = tmp_path / "mine.csv"
    OTHER.assign(base_item=["", "nobody"]).to_csv(csv, index=False)
    where = f"toplines file '{csv}', row 3, column 'base_item', item 'disapprove': base_item"
    with pytest.raises(ValueError, match=re.escape(where)):
        load_toplines(csv)


def test_a_stated_nested_base_gives_reading_b_with_its_parent() -> None:
    t = OTHER.assign(estimate=[0.70, 0.55], base_item=["", "approve"])
    ns = summary_tables(t)["nested_shares"]
    assert set(ns["reading"]) == {"B"} and set(ns["parent_item"]) == {"approve"}
    assert set(ns["base_status"]) == {"stated"}
    want = ss.nested_shares(0.55, 0.70, 1000, deff=1.5).to_frame()  # deff assumed: central
    share_of_all = ns[ns["quantity"] == "share of all"]
    assert share_of_all["estimate"].item() == pytest.approx(0.385)
    assert share_of_all["low"].item() == pytest.approx(
        want[(want.reading == "B") & (want.quantity == "share of all")]["low"].item())


def test_the_base_text_is_never_parsed() -> None:
    # the old regex took "subgroup" in this text to mean "a share of the first larger item"
    t = OTHER.assign(base=["all respondents", "subgroup: support_operation"])
    assert "nested_shares" not in summary_tables(t)


# --- the bundled case is one card plus toplines ------------------------------------------------

def test_bundled_toplines_and_card_match_the_tidy_dataset() -> None:
    tidy = ss.datasets.load_vtsiom_2025().set_index("item")
    t = ss.datasets.load_vtsiom_2025_toplines().set_index("item")
    card = ss.datasets.load_vtsiom_2025_card()
    heads = tidy[tidy["role"] == "headline"]
    assert list(t.index) == list(heads.index)
    assert np.array_equal(t["estimate"].to_numpy(), heads["estimate"].to_numpy())
    assert np.array_equal(t["n"].to_numpy(), heads["n"].to_numpy())
    assert t.loc["successful_2026", "dont_know"] == tidy.loc["hard_to_say_2026", "estimate"]
    assert t.loc["smo_end_hope", "ambiguous_base_item"] == "successful_2026"
    assert t.loc["smo_end_hope", "base_item"] == ""  # the sources leave the base open
    assert list(t["base"]) == list(heads["base"])
    assert card.n == heads["n"].iloc[0]
    assert card.stated_margin == heads["stated_margin"].iloc[0]
    assert pd.Timestamp(card.fieldwork_start) == heads["fieldwork_start"].iloc[0]
    assert pd.Timestamp(card.fieldwork_end) == heads["fieldwork_end"].iloc[0]
    assert card.mode == heads["mode"].iloc[0]
    assert card.url == "https://sia.ru/?section=484&action=show_news&id=16823447"


def test_bundled_files_ship_as_package_data() -> None:
    data = resources.files("surveystats.datasets") / "data"
    for name in ("vtsiom_2025_toplines.csv", "vtsiom_2025_toplines.toml"):
        assert (data / name).is_file(), name
    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"datasets/data/*"' in text  # the glob that puts them in the wheel


def test_bundled_report_numbers_unchanged() -> None:
    card = ss.datasets.load_vtsiom_2025_card()
    tables = summary_tables(ss.datasets.load_vtsiom_2025_toplines(), card=card)
    sm = tables["stated_margin"].iloc[0]
    assert sm.implied_deff == pytest.approx(float(ss.implied_deff(0.025, 1600)))
    ns = tables["nested_shares"]
    assert set(ns["parent_item"]) == {"successful_2026"} and set(ns["base_status"]) == {
        "ambiguous"}
    # the case states no design effect: every table uses the sourced central one, assumed
    want = ss.nested_shares(0.55, 0.70, 1600, deff=1.5).to_frame()
    pd.testing.assert_frame_equal(ns[list(want.columns)], want)
    tp = tables["tipping_points"]
    assert (tp["deff"] == 1.5).all() and (tp["deff_basis"] == "assumed").all()
    scen = tables["scenarios"]
    plaus = scen[(scen["item"] == "smo_end_hope") & (scen["scenario"] == "plausible")]
    assert plaus["estimate"].item() == pytest.approx(
        ss.Scenario.preset("plausible").apply(0.55, 1600).estimate)


def _draw(job: Any) -> Axes:
    _fig, ax = plt.subplots()
    job.draw(ax)
    return ax


def _texts(ax: Axes) -> list[str]:
    """Every word a chart shows except tick labels: title, annotations, legends, axis labels."""
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    texts += [t.get_text() for t in ax.texts]
    for axes in ax.figure.axes:
        legend = axes.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t]


def test_bundled_charts_say_what_they_said() -> None:
    jobs = {j.name: j for j in chart_jobs(None, "unused", charts=[
        "error_budget", "nested_shares", "coverage", "intervals", "deff_scenarios"])}
    line = "Source: VTsIOM phone poll, 13 Dec 2025, n = 1,600; surveystats"
    assert line in _texts(_draw(jobs["error_budget_smo_end_hope"]))
    nested = _texts(_draw(jobs["nested_shares"]))
    assert line in nested and any("optimists" in t for t in nested)
    assert any("(deff assumed: sourced central); VTsIOM phone poll, 13 Dec 2025" in
               t.replace("\n", " ") for t in _texts(_draw(jobs["coverage"])))
    # at the assumed design effect every interval is wider than the stated (SRS) margin
    assert _draw(jobs["intervals"]).get_title().replace("\n", " ").startswith(
        "20 of 20 intervals reach beyond the stated ±2.5 points")
    assert "1.04" in _draw(jobs["deff_scenarios"]).get_title()
    legend = _texts(_draw(jobs["deff_scenarios"]))
    assert "2026 will be successful (70%)" in legend  # the label column


# --- another poll's report mentions nothing of the bundled case --------------------------------

@pytest.fixture(scope="module")
def other_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("other")
    OTHER.to_csv(folder / "poll.csv", index=False)
    return write_report(folder / "poll.csv", folder / "out", formats=("svg",))


@pytest.fixture(scope="module")
def carded_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("carded")
    OTHER.to_csv(folder / "poll.csv", index=False)
    (folder / "poll.toml").write_text(CARD_3, encoding="utf-8")
    return write_report(folder / "poll.csv", folder / "out", formats=("svg",))


def _leaks(folder: Path) -> dict[str, list[str]]:
    leaks = {}
    for file, texts in report_texts(folder):
        bad = [t for t in texts if CASE_TEXT.search(t)]
        if bad:
            leaks[file] = bad
    return leaks


def test_a_poll_without_a_card_gets_no_case_text(other_report: Path) -> None:
    assert len(list(other_report.glob("*.svg"))) == 15  # no don't-know or nested charts
    assert _leaks(other_report) == {}
    md = (other_report / "summary.md").read_text()
    assert md.startswith("# How sure can we be of these numbers?")
    assert "No margin of error is stated for this poll" in md
    assert "implies a design effect" not in md and "Poll:" not in md
    assert "stated_margin" not in set(pd.read_csv(other_report / "summary.csv")["table"])
    html = (other_report / "index.html").read_text()
    assert "<title>How sure can we be of these numbers?</title>" in html


def test_the_error_budget_of_a_poll_without_a_card_has_no_stated_row(
        other_report: Path) -> None:
    assert _leaks(other_report) == {}


def test_a_poll_with_its_own_card_uses_its_margin(carded_report: Path) -> None:
    assert _leaks(carded_report) == {}  # the error budget too: it gets the card's margin
    md = (carded_report / "summary.md").read_text()
    assert md.startswith("# City omnibus, March 2025: how sure can we be?")
    d = float(ss.implied_deff(0.03, 1000))
    assert (f"The stated margin of 3% at n = 1,000 implies a design effect of {d:.2f}"
            in md)
    assert "Poll: Example Research; fieldwork 20–26 March 2025; face-to-face; n = 1,000." in md
    deff_chart = " ".join(svg_texts(carded_report / "deff_scenarios.svg"))
    assert "stated ±3.0%" in deff_chart and f"deff {d:.2f}" in deff_chart
    budget = svg_texts(carded_report / "error_budget_approve.svg")
    assert "stated ±3.0%" in budget
    assert "Source: Example Research, 20–26 Mar 2025, n = 1,000; surveystats" in budget


def test_every_chart_job_of_another_poll_is_neutral() -> None:
    table = OTHER.assign(label=["Approve of the mayor", "Disapprove of the mayor"])
    for job in chart_jobs(table, "unused"):
        texts = _texts(_draw(job))
        assert not [t for t in texts if CASE_TEXT.search(t)], job.name
        plt.close("all")


def test_a_margin_at_another_confidence_level(tmp_path: Path) -> None:
    card = PollCard(stated_margin=0.03, margin_confidence_level=0.9, n=1000)
    sm = summary_tables(OTHER, card=card)["stated_margin"].iloc[0]
    assert sm.confidence_level == 0.9
    assert sm.implied_deff == pytest.approx(float(ss.implied_deff(0.03, 1000,
                                                                  confidence_level=0.9)))


# --- the command line --------------------------------------------------------------------------

def test_cli_stated_margin_and_card_options(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "poll.csv"
    OTHER.to_csv(csv, index=False)
    assert main(["report", "--toplines", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "No margin of error is stated" in out and not CASE_TEXT.search(out)
    # a margin given on the command line states no confidence level, and the report says so
    unstated = ("The stated margin of 3% (no confidence level stated; read at 95%, the usual "
                "reading) at n = 1,000")
    assert main(["report", "--toplines", str(csv), "--stated-margin", "0.03"]) == 0
    assert unstated in capsys.readouterr().out
    assert main(["report", "--toplines", str(csv), "--stated-margin", "3%"]) == 0
    assert unstated in capsys.readouterr().out
    (tmp_path / "poll.toml").write_text(CARD_3, encoding="utf-8")
    assert main(["report", "--toplines", str(csv)]) == 0  # the card beside the file
    assert capsys.readouterr().out.startswith("# City omnibus, March 2025\n")
    assert main(["report", "--toplines", str(csv), "--stated-margin", "none"]) == 0
    assert "No margin of error is stated" in capsys.readouterr().out
    assert main(["report", "--toplines", str(csv), "--card", "none"]) == 0
    assert capsys.readouterr().out.startswith("# How sure can we be of these numbers?")
    assert main(["report", "--stated-margin", "none"]) == 0  # the bundled case, margin dropped
    out = capsys.readouterr().out
    assert out.startswith("# VTsIOM phone poll") and "implies a design effect" not in out


@pytest.mark.parametrize(("argv", "match"), [
    (["report", "--stated-margin", "2.5"], r"stated_margin \(2\.5\) must be in \(0, 1\]; did "
                                           "you pass a percentage"),
    (["report", "--stated-margin", "wide"], r"--stated-margin \('wide'\) must be a share"),
    (["report", "--card", "x.toml"], "--card goes with --toplines"),
    (["report", "vtsiom_2025", "--toplines", "x.csv"], "not both"),
])
def test_cli_bad_options(argv: list[str], match: str,
                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and re.search(match, err), err


def test_cli_bad_card_names_the_file(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "poll.csv"
    OTHER.to_csv(csv, index=False)
    (tmp_path / "poll.toml").write_text("stated_margin = 3\n")
    assert main(["report", "--toplines", str(csv)]) == 2
    err = capsys.readouterr().err
    assert f"poll card '{tmp_path / 'poll.toml'}': stated_margin (3) must be" in err


def test_report_help_documents_the_columns_and_the_card(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    for word in ("item", "label", "estimate", "deff", "base_item", "ambiguous_base_item",
                 "stated_margin", "margin_confidence_level", "fieldwork_start", "--card",
                 "--stated-margin", "--deff", "docs/toplines.md"):
        assert word in text, word


# --- no public signature defaults to the bundled case -------------------------------------------

#: The bundled case's n, headline shares and stated margin.
CASE_VALUES = {1600, 0.7, 0.55, 0.025}


def _public_callables() -> Iterator[tuple[str, Any]]:
    for module in (ss, ss.bias, ss.plotting):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj):
                yield f"{module.__name__}.{name}", obj
                for attr in vars(obj):
                    if not attr.startswith("_") and callable(getattr(obj, attr, None)):
                        yield f"{module.__name__}.{name}.{attr}", getattr(obj, attr)
            elif callable(obj):
                yield f"{module.__name__}.{name}", obj


def _case_defaults() -> list[str]:
    found = []
    for qualname, obj in _public_callables():
        try:
            sig = inspect.signature(obj)
        except (TypeError, ValueError):
            continue
        for p in sig.parameters.values():
            values = p.default if isinstance(p.default, (tuple, list)) else (p.default,)
            if any(isinstance(v, (int, float)) and not isinstance(v, bool) and v in CASE_VALUES
                   for v in values):
                found.append(f"{qualname}.{p.name}")
    return found


def test_no_public_default_is_the_bundled_case() -> None:
    assert len(list(_public_callables())) > 50  # the walk reaches the API
    assert _case_defaults() == []


def test_docs_page_describes_every_column_and_key() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "toplines.md").read_text()
    for name in (*ITEM_COLUMNS, *CARD_KEYS):
        assert f"| `{name}` |" in text, name
    index = (Path(__file__).resolve().parents[1] / "docs" / "index.md").read_text()
    assert "(toplines.md)" in index


def test_a_margin_without_a_confidence_level_says_so(tmp_path: Path) -> None:
    # a source that states a margin but no level: the card leaves the key out, the report
    # computes at 0.95 (the usual reading) and says that the level is not stated
    card = read_poll_card(_card(tmp_path, "n = 1307\nstated_margin = 0.03\n"))
    assert (card.margin_confidence_level, card.margin_level_stated) == (0.95, False)
    assert read_poll_card(_card(tmp_path, CARD_3)).margin_level_stated is True
    assert PollCard(stated_margin=0.03).margin_level_stated is False
    assert PollCard(stated_margin=0.03, margin_confidence_level=0.9).margin_level_stated is True
    kept = dataclasses.replace(card, stated_margin=0.04)  # what --stated-margin does
    assert kept.margin_level_stated is False
    tables = summary_tables(OTHER.assign(n=[1307, 1307]), card=card)
    sm = tables["stated_margin"].iloc[0]
    assert (sm.confidence_level, bool(sm.confidence_level_stated)) == (0.95, False)
    assert sm.implied_deff == pytest.approx(float(ss.implied_deff(0.03, 1307)))
    md = _markdown(tables, OTHER.assign(n=[1307, 1307]), "t", card)
    assert ("The stated margin of 3% (no confidence level stated; read at 95%, the usual "
            f"reading) at n = 1,307 implies a design effect of {sm.implied_deff:.2f}") in md
    with pytest.raises(ValueError, match=r"margin_level_stated \(True\) needs the level"):
        PollCard(stated_margin=0.03, margin_level_stated=True)
