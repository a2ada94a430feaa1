"""Toplines as they come (issue 10, deliverable 2).

Every test writes a file the way a spreadsheet or a colleague would (an encoding, a delimiter,
numbers written with signs and separators, blank rows) and checks the numbers it is read as, or
that the error names the file, the row as a spreadsheet numbers it (header = row 1), the column
and the value.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats._cli import main
from surveystats._poll import READING_ATTR, load_toplines, reading_notes, resolve_poll
from surveystats._report import write_report
from surveystats._textinput import decode

HEADER = "item,label,estimate,n"


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "poll.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _numbers(t: pd.DataFrame) -> list[tuple[str, float, float]]:
    return [(i, round(e, 10), n) for i, e, n in zip(t["item"], t["estimate"], t["n"],
                                                     strict=True)]


# --- encodings -------------------------------------------------------------------------------

RUSSIAN = ("item;label;estimate;n\n"
           "aware;Знают о процессе (в общих чертах);44%;1600\n"
           "pressure;Давление на суд: скорее, да;28%;912\n")
GERMAN = ("item;label;estimate;n\n"
          "richtig;Keinerlei Zusammenarbeit: richtig;58%;1307\n"
          "weiss;weiß nicht (Rest zu 100), Grüne;5%;1307\n")


@pytest.mark.parametrize(("text", "encoding", "detected", "label"), [
    (RUSSIAN, "utf-8", "utf-8", "Знают о процессе (в общих чертах)"),
    (RUSSIAN, "utf-8-sig", "utf-8-sig", "Знают о процессе (в общих чертах)"),
    (RUSSIAN, "cp1251", "cp1251", "Знают о процессе (в общих чертах)"),
    (RUSSIAN, "utf-16", "utf-16", "Знают о процессе (в общих чертах)"),
    (RUSSIAN, "utf-16-le", "utf-16-le", "Знают о процессе (в общих чертах)"),  # no BOM
    (GERMAN, "cp1252", "cp1252", "Keinerlei Zusammenarbeit: richtig"),
    (GERMAN, "utf-8-sig", "utf-8-sig", "Keinerlei Zusammenarbeit: richtig"),
    (GERMAN, "utf-16", "utf-16", "Keinerlei Zusammenarbeit: richtig"),
])
def test_encodings_are_detected(tmp_path: Path, text: str, encoding: str, detected: str,
                                label: str) -> None:
    t = load_toplines(_write(tmp_path, text, encoding))
    assert t["label"].iloc[0] == label  # no BOM stuck to the header, no mojibake
    assert t.attrs[READING_ATTR]["encoding"] == detected
    assert list(t["estimate"]) == ([0.44, 0.28] if text is RUSSIAN else [0.58, 0.05])


def test_cp1251_or_cp1252_by_the_words_they_give() -> None:
    # cp1251 read as cp1252 gives accented mojibake; cp1252 read as cp1251 gives Latin words
    # with a stray Cyrillic letter ("weiЯ"): the choice goes to whole words
    for text, want in [("Давление на суд: скорее, да; Знаю в общих чертах", "cp1251"),
                       ("Вибори після війни; їх підтримують", "cp1251"),  # Ukrainian
                       ("weiß nicht; schlechtere Politik; Größe; Grüne", "cp1252"),
                       ("Favorable à la réforme; très défavorable", "cp1252"),
                       ("año; señor; corazón", "cp1252")]:
        got = decode(text.encode(want), None, "x")
        assert got[:2] == (text, want), text


def test_a_given_encoding_is_used_and_a_wrong_one_names_the_row(tmp_path: Path) -> None:
    path = _write(tmp_path, GERMAN, "cp1252")
    assert load_toplines(path, encoding="cp1252")["label"].iloc[1].startswith("weiß")
    assert load_toplines(path, encoding="latin-1")["label"].iloc[1].startswith("weiß")
    with pytest.raises(ValueError, match=re.escape(
            f"toplines file '{path}', row 3: byte 0xdf cannot be read as utf-8 text")):
        load_toplines(path, encoding="utf-8")
    with pytest.raises(ValueError, match=r"encoding \('klingon'\) is not an encoding Python "
                                         r"knows; e\.g\. utf-8"):
        load_toplines(path, encoding="klingon")
    with pytest.raises(ValueError, match="applies to a toplines file, not to a DataFrame"):
        load_toplines(pd.DataFrame({"item": ["a"], "estimate": [0.5], "n": [10]}),
                      encoding="cp1252")


# --- delimiters and layout ----------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    rows = [["item", "label", "estimate", "n"], ["approve", "Approve, mostly", "0.46", "1000"],
            ["disapprove", "Disapprove", "0.41", "1000"]]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in r)
                     for r in rows) + "\n"
    t = load_toplines(_write(tmp_path, text))
    assert _numbers(t) == [("approve", 0.46, 1000.0), ("disapprove", 0.41, 1000.0)]
    assert t["label"].iloc[0] == "Approve, mostly"
    assert t.attrs[READING_ATTR]["delimiter"] == delimiter


def test_header_cells_as_people_write_them(tmp_path: Path) -> None:
    text = "Item;Label;Estimate;N;Base item\nyes;Yes;0,6;500;\nwhy;Why;0,5;300;yes\n"
    t = load_toplines(_write(tmp_path, text))
    assert list(t["base_item"]) == ["", "yes"]


def test_title_rows_above_the_header_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    text = ("City omnibus, March 2025;;;\n;;;\nitem;estimate;n;deff\n"
            "approve;0,46;1000;1,3\n;;;\n\ndisapprove;0,41;1000;1,3\n;;;\n\n")
    t = load_toplines(_write(tmp_path, text))
    assert _numbers(t) == [("approve", 0.46, 1000.0), ("disapprove", 0.41, 1000.0)]
    assert list(t["deff"]) == [1.3, 1.3]
    assert reading_notes(t) == ["Input: `poll.csv`, UTF-8, semicolon-separated, decimal commas; "
                                "rows 1–2 above the header skipped; blank rows 5, 6, 8, 9 "
                                "skipped."]


def test_a_trailing_empty_row_is_ignored_not_a_nan_policy_error(tmp_path: Path) -> None:
    for tail in ("\n,,,\n", "\n\n\n", "\n ,  , ,\n"):
        t = load_toplines(_write(tmp_path, f"{HEADER}\na,A,0.5,100{tail}"))
        assert _numbers(t) == [("a", 0.5, 100.0)]


# --- percentages -----------------------------------------------------------------------------

def test_percent_signs(tmp_path: Path) -> None:
    text = "item;estimate;n;dont_know\nyes;86%;1000;5 %\nno;9%;1000;\n"
    t = load_toplines(_write(tmp_path, text))
    assert _numbers(t) == [("yes", 0.86, 1000.0), ("no", 0.09, 1000.0)]
    assert t["dont_know"].iloc[0] == 0.05 and np.isnan(t["dont_know"].iloc[1])
    assert t.attrs[READING_ATTR]["percent"] == "sign"


def test_bare_percentages_are_detected_and_the_summary_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEADER}\nyes,Yes,86,1000\nno,No,9,1000\n")
    t = load_toplines(path)
    assert _numbers(t) == [("yes", 0.86, 1000.0), ("no", 0.09, 1000.0)]
    assert t.attrs[READING_ATTR]["percent"] == "detected"
    out = write_report(path, tmp_path / "out", charts=False)
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "estimates read as percentages: every estimate without a % sign is a number " \
           "above 1 and at most 100" in md
    # the numbers are those of the shares
    table = pd.read_csv(out / "summary.csv")
    wilson = table[(table["table"] == "intervals") & (table["method"] == "wilson")]
    assert wilson["low"].iloc[0] == ss.proportion_ci(0.86, 1000, deff=1.5).low  # assumed deff
    # shares are not percentages and the summary says nothing of them
    plain = write_report(_write(tmp_path, f"{HEADER}\nyes,Yes,0.86,1000\n", name="p2.csv"),
                         tmp_path / "out2", charts=False)
    assert "percentages" not in (plain / "summary.md").read_text(encoding="utf-8")


def test_percent_given(tmp_path: Path) -> None:
    # 1 is 1% when said so; detection would refuse the column (1 is not above 1)
    path = _write(tmp_path, f"{HEADER}\nyes,Yes,86,1000\nrare,Rare,1,1000\n")
    t = load_toplines(path, percent=True)
    assert _numbers(t) == [("yes", 0.86, 1000.0), ("rare", 0.01, 1000.0)]
    assert reading_notes(t) == ["Input: `poll.csv`; estimates read as percentages (as given: "
                                "86 = 86%)."]
    with pytest.raises(ValueError, match=re.escape(
            f"toplines file '{path}', row 2, column 'estimate', item 'yes': estimate (86) "
            "must be in [0, 1]")):
        load_toplines(path)
    with pytest.raises(ValueError, match=r"estimate \(86\) must be in \[0, 1\]; did you pass "
                                         "a percentage"):
        load_toplines(path, percent=False)


def test_shares_and_percentages_mixed_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEADER}\nyes,Yes,0.86,1000\nno,No,9,1000\n")
    with pytest.raises(ValueError, match=re.escape(
            f"toplines file '{path}', row 3, column 'estimate', item 'no': estimate (9) must be "
            "in [0, 1]; estimates are read as shares unless every estimate without a % sign is "
            "above 1 and at most 100")) as info:
        load_toplines(path)
    assert "--percent" in str(info.value) and "did you pass a percentage? 9% is 0.09" in str(
        info.value)
    over = _write(tmp_path, f"{HEADER}\nyes,Yes,186%,1000\n", name="over.csv")
    with pytest.raises(ValueError, match=re.escape(
            "row 2, column 'estimate', item 'yes': '186%' is more than 100%")):
        load_toplines(over)


# --- thousands separators and decimal commas ------------------------------------------------------

@pytest.mark.parametrize("n", ['"1,600"', "1 600", "1\u00a0600", "1\u202f600", "1600"])
def test_thousands_separators_in_a_comma_file(tmp_path: Path, n: str) -> None:
    t = load_toplines(_write(tmp_path, f"{HEADER}\nyes,Yes,0.55,{n}\nno,No,0.40,{n}\n"))
    assert list(t["n"]) == [1600.0, 1600.0]


@pytest.mark.parametrize(("estimate", "n", "deff", "want"), [
    ("0,55", "1.600", "1,3", (0.55, 1600.0, 1.3)),
    ("55,5%", "1 600", "1,25", (0.555, 1600.0, 1.25)),
    ("55,5 %", "1\u00a0600", "", (0.555, 1600.0, None)),  # none stated
    ("0,5", "12.345", "2", (0.5, 12345.0, 2.0)),
])
def test_decimal_commas(tmp_path: Path, estimate: str, n: str, deff: str,
                        want: tuple[float, float, float | None]) -> None:
    t = load_toplines(_write(tmp_path, f"item;estimate;n;deff\nyes;{estimate};{n};{deff}\n",
                             "cp1252"))
    stated = t["deff"].iloc[0]
    got = (round(t["estimate"].iloc[0], 10), t["n"].iloc[0],
           None if np.isnan(stated) else stated)
    assert got == want
    assert t.attrs[READING_ATTR]["decimal"] == ","


def test_decimal_points_with_thousands_commas(tmp_path: Path) -> None:
    t = load_toplines(_write(tmp_path, 'item,estimate,n,deff\nyes,0.55,"1,600.0",1.3\n'))
    assert (t["estimate"].iloc[0], t["n"].iloc[0], t["deff"].iloc[0]) == (0.55, 1600.0, 1.3)


# --- errors name the file, the row, the column and the value ------------------------------

@pytest.mark.parametrize(("text", "match"), [
    ("item;estimate;n\nyes;0,55;\n",
     "row 2, column 'n', item 'yes': the cell is empty; every item needs its n"),
    ("item;estimate;n\n\nyes;0,55;1000\nno;;1000\n",
     "row 4, column 'estimate', item 'no': the cell is empty; every item needs an estimate"),
    ("item,estimate,n\nyes,about half,1000\n",
     "row 2, column 'estimate', item 'yes': 'about half' is not a share such as 0.55 or a "
     "percentage such as 55% or 55"),
    ("item;estimate;n;deff\nyes;0,55;1000;1.3\n",
     "the numbers mix decimal commas (row 2, column 'estimate': '0,55') and decimal points "
     "(row 2, column 'deff': '1.3')"),
    ("item,estimate,n\nyes,0.55,1.600\n",
     "row 2, column 'n', item 'yes': '1.600' is not a number of interviews such as 1600, 1,600 "
     "or 1 600; this file writes decimals with a point (row 2, column 'estimate': '0.55')"),
    ("item;estimate;n\nyes;0,55;1,600\n",
     "'1,600' is not a number of interviews such as 1600, 1.600 or 1 600; this file writes "
     "decimals with a comma"),
    ('item,estimate,n,deff\nyes,55%,1000,"1,250"\n',
     "row 2, column 'deff', item 'yes': '1,250' is not a design effect such as 1.3; '1,250' "
     "may be a decimal number or a number in thousands"),
    ("item,estimate,n\nyes,0.55,1,600\n",
     "row 2, column 4 (after the last column of the header, 'n'): '600'; the row has 4 cells, "
     "the header (row 1) 3, so a value containing the delimiter (comma) must be in quotes. A "
     "number written with a comma (1,600 or 0,55) must be in quotes"),
    ("item;share;base\nyes;0,55;1000\n",
     "row 1: missing column(s) 'estimate', 'n'; needed: item, estimate, n (optional: label, "
     "deff, base_item"),
    ("item;estimate;n\nyes;0,55;1000\n\nyes;0,45;1000\n",
     "row 4, column 'item': item 'yes' appears twice (row 2 and row 4); items must be unique"),
    ("item;estimate;n;estimate\nyes;0,55;1000;0,5\n",
     "row 1: column 'estimate' appears twice in the header (columns 2 and 4)"),
    ("item;estimate;n;base_item\nyes;0,55;1000;\nwhy;0,40;500;yess\n",
     "row 3, column 'base_item', item 'why': base_item ('yess') is not an item of this file; "
     "items: yes, why"),
    ("item;estimate;n;dont_know\nyes;55%;1000;50%\n",
     "row 2, column 'dont_know', item 'yes': estimate (0.55) plus dont_know (0.5) exceeds 1"),
    ("item;estimate;n;deff\nyes;55%;1000;0\n",
     "row 2, column 'deff', item 'yes': deff (0) must be"),
    (";estimate;n\n;0,55;1000\n", "no header row with|missing column"),
    ("item;estimate;n\n;0,55;1000\n",
     "row 2, column 'item': the cell is empty; every row needs an item id"),
])
def test_errors_name_the_file_the_row_and_the_column(tmp_path: Path, text: str,
                                                     match: str) -> None:
    path = _write(tmp_path, text, "cp1252")
    with pytest.raises(ValueError) as info:
        load_toplines(path)
    message = str(info.value)
    assert message.startswith(f"toplines file '{path}'"), message
    assert re.search(match if "|" in match else re.escape(match), message), message
    assert "nan_policy" not in message


def test_no_toplines_file_and_excel_workbooks(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"toplines file '.*nowhere\.csv' does not exist"):
        load_toplines(tmp_path / "nowhere.csv")
    book = tmp_path / "poll.xlsx"
    book.write_bytes(b"PK\x03\x04" + bytes(40))
    with pytest.raises(ValueError, match=r"is an Excel workbook, not a CSV file; save the "
                                         r"sheet as CSV"):
        load_toplines(book)
    with pytest.raises(ValueError, match=r"'.*empty\.csv' is empty"):
        load_toplines(_write(tmp_path, "\n\n", name="empty.csv"))
    with pytest.raises(ValueError, match=r"has no rows"):
        load_toplines(_write(tmp_path, "item;estimate;n\n;;\n", name="header.csv"))


def test_dataframes_are_read_the_same_way_and_not_changed() -> None:
    frame = pd.DataFrame({"Item": ["yes", "no"], "Estimate": ["55,5%", "40%"],
                          "N": ["1 600", "1 600"]})
    before = frame.copy()
    t = load_toplines(frame)
    assert _numbers(t) == [("yes", 0.555, 1600.0), ("no", 0.4, 1600.0)]
    pd.testing.assert_frame_equal(frame, before)
    with pytest.raises(ValueError, match=r"^toplines, index 1, column 'n', item 'no': the cell "
                                         "is empty"):
        load_toplines(pd.DataFrame({"item": ["yes", "no"], "estimate": [0.5, 0.4],
                                    "n": [100, np.nan]}))


def test_the_reading_survives_a_second_pass() -> None:
    # the report reloads resolved toplines; how the file was read must still be said
    t = load_toplines(pd.DataFrame({"item": ["a", "b"], "estimate": [46, 41], "n": [10, 10]}))
    again = load_toplines(t)
    assert list(again["estimate"]) == [0.46, 0.41]
    assert again.attrs[READING_ATTR]["percent"] == "detected"


# --- the command line ---------------------------------------------------------------------------

def test_cli_encoding_and_percent_options(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "item;label;estimate;n\nyes;Да, согласен;86;1 600\n"
                            "rare;Редко;1;1 600\n", "cp1251")
    assert main(["report", "--toplines", str(path)]) == 2  # 86 and 1: shares or percent?
    err = capsys.readouterr().err
    assert "row 2, column 'estimate', item 'yes'" in err and "--percent" in err
    assert main(["report", "--toplines", str(path), "--percent", "--encoding", "cp1251"]) == 0
    out = capsys.readouterr().out
    assert "| yes | wilson | 86.0% |" in out and "| rare | wilson | 1.0% |" in out
    assert "Input: `poll.csv`, cp1251, semicolon-separated; estimates read as percentages " \
           "(as given: 86 = 86%)." in out
    assert main(["report", "--toplines", str(path), "--no-percent"]) == 2
    assert "estimate (86) must be in [0, 1]" in capsys.readouterr().err
    assert main(["report", "--toplines", str(path), "--percent", "--encoding", "utf-8"]) == 2
    assert "row 2: byte 0xc4 cannot be read as utf-8 text" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "match"), [
    (["report", "--encoding", "cp1251"], "--encoding goes with --toplines"),
    (["report", "kiis_elections_2023", "--percent"], "--percent/--no-percent goes with "
                                                     "--toplines"),
    (["report", "gallup_2024"], "case ('gallup_2024') is not a bundled case; bundled polls: "
                                "vtsiom_2025, levada_ulyukaev_2018"),
    (["report", "vtsiom_2025", "--case", "kiis_elections_2023"], "give the bundled poll once"),
])
def test_cli_refuses_options_it_would_ignore(argv: list[str], match: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and match in err, err


def test_resolve_poll_passes_the_options_on(tmp_path: Path) -> None:
    path = _write(tmp_path, "item;estimate;n\nyes;86;1000\nrare;1;1000\n", "cp1252")
    t, card = resolve_poll(path, percent=True, encoding="cp1252")
    assert list(t["estimate"]) == [0.86, 0.01] and card.name is None
