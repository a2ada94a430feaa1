"""A poll as the report reads it: the poll card (poll-level facts) and the toplines (items).

Everything case-specific lives in these two inputs, never in code or defaults:

* the **poll card**, a small TOML file (read with the standard library's :mod:`tomllib`)
  beside the toplines, ``my_poll.toml`` beside ``my_poll.csv``: title, pollster, fieldwork
  dates, mode, population, n, the stated margin and its confidence level, source, language,
  notes. Every key is optional; a poll without a card gets neutral text (no pollster, no
  source line, no stated margin). :class:`PollCard`, :func:`read_poll_card`;
* the **toplines**, a CSV with one row per item: ``item``, ``estimate``, ``n`` and the
  optional ``label``, ``deff``, ``base_item``, ``ambiguous_base_item``, ``group_label``,
  ``dont_know``, ``base``. Nested bases are named explicitly (``base_item``), never guessed
  from text. :func:`load_toplines`.

Both formats are documented in ``docs/toplines.md`` and in ``surveystats report --help``;
the bundled VTsIOM case is one card plus toplines in ``datasets/data/``. This module sits
below the report, the charts and the datasets; it imports only the validation helpers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from surveystats._params import (
    CONFIDENCE_LEVEL,
    MARGIN,
    POSITIVE,
    SHARE,
    SHARE_BELOW_ONE,
    Interval,
)
from surveystats._scenario import Scenario
from surveystats._textinput import (
    DELIMITERS,
    NumberColumn,
    column_name,
    decimal_mark,
    parse_numbers,
    read_table,
)
from surveystats._validation import check_bool, check_integer, check_scalar
from surveystats.bias._defaults import default_range

__all__ = [
    "CARD_KEYS",
    "DEFF_BASIS",
    "ITEM_COLUMNS",
    "OPTIONAL_COLUMNS",
    "READING_ATTR",
    "REQUIRED_COLUMNS",
    "PollCard",
    "card_beside",
    "design_effects",
    "item_preset",
    "load_toplines",
    "read_poll_card",
    "reading_notes",
    "resolve_poll",
]

_TEXT_KEYS: Final = ("title", "short_name", "pollster", "mode", "population", "source", "url",
                     "language", "notes")
_DATE_KEYS: Final = ("fieldwork_start", "fieldwork_end")

#: What each key of a poll card means (the order of ``docs/toplines.md``).
CARD_KEYS: Final[dict[str, str]] = {
    "title": "heading of the report, e.g. \"City omnibus, March 2025\"",
    "short_name": "how chart source lines name the poll, e.g. \"City omnibus\" "
                  "(default: pollster)",
    "pollster": "who ran the poll",
    "fieldwork_start": "first day of fieldwork, a TOML date such as 2025-03-20",
    "fieldwork_end": "last day of fieldwork (default: fieldwork_start)",
    "mode": "how interviews were done, e.g. \"face-to-face\", \"telephone (mobile)\"",
    "population": "whom the poll describes, e.g. \"adults, nationwide\"",
    "n": "number of interviews in the whole poll, a whole number",
    "stated_margin": "the margin of error the pollster states, as a share (0.03 for 3%, or "
                     "\"3%\"); leave it out when none is stated",
    "margin_confidence_level": "confidence level of the stated margin, e.g. 0.95; leave it "
                               "out when the source states none (the report then says so, "
                               "and computes at 0.95, the usual reading)",
    "deff": "design effect the pollster states for the whole poll (e.g. 1.3), used for every "
            "item whose toplines row states none; leave it out when none is stated",
    "source": "where the figures were read (citation)",
    "url": "address of that source",
    "language": "language of the questionnaire, e.g. \"ru\"",
    "notes": "anything a reader of the report should know",
}

#: Columns a toplines table must have.
REQUIRED_COLUMNS: Final = ("item", "estimate", "n")
#: Columns it may have; every other column is ignored (a near-miss of these is refused).
OPTIONAL_COLUMNS: Final = ("label", "deff", "base_item", "ambiguous_base_item", "group_label",
                           "dont_know", "base")
#: What each item column means (the order of ``docs/toplines.md``).
ITEM_COLUMNS: Final[dict[str, str]] = {
    "item": "short id, unique in the file; names the item's chart files",
    "label": "the question or answer as it should appear on charts (default: item)",
    "estimate": "reported share: 0.70, 70% or 70 (numbers without a % sign are read as "
                "percentages when every one is above 1 and at most 100, or with --percent)",
    "n": "number of interviews the share is based on",
    "deff": "design effect the pollster states for the item (default: the poll card's, else "
            "none stated: the sourced central value is assumed, and the report says so)",
    "base_item": "the item whose \"yes\" group this share is a share of (a nested base); "
                 "empty: all respondents",
    "ambiguous_base_item": "the item whose \"yes\" group this share may be a share of when "
                           "the source leaves the base open; the report shows both readings",
    "group_label": "what to call the respondents who gave this item's answer when another "
                   "item's base is this one, e.g. \"optimists\" (default: \"subgroup\")",
    "dont_know": "share of all respondents who answered \"don't know\" to this item's "
                 "question, if reported",
    "base": "whom the share is of, in words (shown only; never parsed)",
}

_TEXT_COLUMNS: Final = ("label", "base_item", "ambiguous_base_item", "group_label", "base")
_N_INTERVAL: Final = Interval(1.0, math.inf, "left")
#: The level used for a stated margin whose confidence level the source does not give: 95% is
#: the usual reading of a published margin (a judgement, stated as such in the report).
_ASSUMED_LEVEL: Final = 0.95
_MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


def _text(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key} ({value!r}) must be text in quotes, e.g. {key} = \"...\"")
    return value.strip() or None


def _date(key: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{key} ({value!r}) must be a date written as YYYY-MM-DD, e.g. "
                     f"{key} = 2025-12-13")


def _card_share(key: str, value: Any, interval: Interval) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            try:
                value = float(text[:-1].replace(",", ".")) / 100.0
            except ValueError:
                pass
    if isinstance(value, str):
        raise TypeError(f"{key} ({value!r}) must be a number such as 0.03, or a percentage "
                        "in quotes such as \"3%\"")
    return check_scalar(key, value, interval)


def _whole(key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"{key} ({value!r}) is text; write the number of interviews without "
                        f"quotes or separators, e.g. {key} = 1000")
    return check_integer(key, value, _N_INTERVAL, hint="the number of interviews")


@dataclass(frozen=True)
class PollCard:
    """Poll-level facts for a report: every case-specific word comes from here.

    Every field is optional. An empty card, ``PollCard()``, gives a neutral report: no
    pollster or source line on the charts and no stated-margin rows.

    Attributes
    ----------
    title : str or None
        Heading of the report.
    short_name : str or None
        How chart source lines name the poll (default: ``pollster``).
    pollster : str or None
    fieldwork_start, fieldwork_end : datetime.date or None
        Fieldwork dates; ``fieldwork_end`` defaults to ``fieldwork_start``.
    mode : str or None
        How interviews were done.
    population : str or None
        Whom the poll describes.
    n : int or None
        Number of interviews in the whole poll.
    stated_margin : float or None
        The pollster's stated margin of error as a share (0.025 for "2.5%"); None when none
        is stated.
    margin_confidence_level : float
        Confidence level of the stated margin. Not given (or None): the source states none,
        and 0.95, the usual reading, is used where a level is needed, with
        ``margin_level_stated`` False so that the report says so.
    margin_level_stated : bool
        Whether the source states the margin's confidence level (default: whether
        ``margin_confidence_level`` is given).
    deff : float or None
        The design effect the pollster states for the whole poll; an item's own ``deff``
        column overrides it (see :func:`design_effects`).
    source, url : str or None
        Where the figures were read.
    language : str or None
        Language of the questionnaire.
    notes : str or None
        Anything a reader should know.
    path : str or None
        The file the card was read from (not a key of the file).

    Raises
    ------
    ValueError, TypeError
        Naming the field, echoing the value and saying what is allowed.
    """

    title: str | None = None
    short_name: str | None = None
    pollster: str | None = None
    fieldwork_start: dt.date | None = None
    fieldwork_end: dt.date | None = None
    mode: str | None = None
    population: str | None = None
    n: int | None = None
    stated_margin: float | None = None
    margin_confidence_level: float = math.nan
    margin_level_stated: bool | None = None
    deff: float | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    notes: str | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        values: dict[str, Any] = {}
        for key in _TEXT_KEYS:
            values[key] = _text(key, getattr(self, key))
        for key in _DATE_KEYS:
            values[key] = _date(key, getattr(self, key))
        values["n"] = _whole("n", self.n)
        values["stated_margin"] = _card_share("stated_margin", self.stated_margin, MARGIN)
        values["deff"] = (None if self.deff is None
                          else check_scalar("deff", self.deff, POSITIVE))
        raw = self.margin_confidence_level
        unstated = raw is None or (isinstance(raw, float) and math.isnan(raw))
        level = None if unstated else _card_share("margin_confidence_level", raw,
                                                  CONFIDENCE_LEVEL)
        stated = self.margin_level_stated
        if stated is None:
            stated = not unstated
        elif check_bool("margin_level_stated", stated) and unstated:
            raise ValueError("margin_level_stated (True) needs the level: give "
                             "margin_confidence_level too")
        values["margin_confidence_level"] = _ASSUMED_LEVEL if level is None else level
        values["margin_level_stated"] = bool(stated)
        start, end = values["fieldwork_start"], values["fieldwork_end"]
        if start is not None and end is not None and end < start:
            raise ValueError(f"fieldwork_end ({end.isoformat()}) must not be before "
                             f"fieldwork_start ({start.isoformat()})")
        if end is not None and start is None:
            raise ValueError(f"fieldwork_end ({end.isoformat()}) is given without "
                             "fieldwork_start; give both, or fieldwork_start alone for one day")
        for key, value in values.items():
            object.__setattr__(self, key, value)

    # --- text built from the card; None where the card does not say --------------------------

    @property
    def name(self) -> str | None:
        """How charts name the poll: ``short_name``, else ``pollster``."""
        return self.short_name or self.pollster

    def fieldwork(self, *, long: bool = False) -> str | None:
        """The fieldwork dates as text: ``"13 Dec 2025"``, ``"20–26 Mar 2025"``.

        ``long=True`` writes the month in full (``"13 December 2025"``).
        """
        start = self.fieldwork_start
        if start is None:
            return None
        end = self.fieldwork_end or start
        names = _MONTHS if long else tuple(m[:3] for m in _MONTHS)

        def day(d: dt.date, year: bool = True) -> str:
            return f"{d.day} {names[d.month - 1]}" + (f" {d.year}" if year else "")

        if end == start:
            return day(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{day(end)}"
        if start.year == end.year:
            return f"{day(start, year=False)} – {day(end)}"
        return f"{day(start)} – {day(end)}"

    def describe(self) -> str | None:
        """The poll in a phrase, ``"VTsIOM phone poll, 13 Dec 2025"``, or None."""
        parts = [p for p in (self.name, self.fieldwork()) if p]
        return ", ".join(parts) if self.name else None

    def source_line(self, n: float | None) -> str | None:
        """A chart's source line, ``"Source: VTsIOM phone poll, 13 Dec 2025, n = 1,600;
        surveystats"``; None when the card does not name the poll (charts then say only n).
        """
        what = self.describe()
        if what is None:
            return None
        size = f", n = {n:,.0f}" if n is not None else ""
        return f"Source: {what}{size}; surveystats"

    def heading(self) -> str | None:
        """The report's heading: ``title``, else built from the name, dates and n."""
        if self.title:
            return self.title
        if self.name is None:
            return None
        text = ", ".join(p for p in (self.name, self.fieldwork(long=True)) if p)
        return f"{text} (n = {self.n:,})" if self.n is not None else text

    def markdown(self) -> list[str]:
        """Lines describing the poll for ``summary.md`` (empty for an empty card)."""
        facts = [
            self.pollster,
            f"fieldwork {self.fieldwork(long=True)}" if self.fieldwork_start else None,
            self.mode,
            self.population,
            f"n = {self.n:,}" if self.n is not None else None,
            f"language: {self.language}" if self.language else None,
        ]
        lines = []
        listed = [f for f in facts if f]
        if listed:
            lines.append(f"Poll: {'; '.join(listed)}.")
        if self.source or self.url:
            where = ", ".join(p for p in (self.source, f"<{self.url}>" if self.url else None)
                              if p)
            lines.append(f"Source: {where}.")
        if self.notes:
            lines.append(f"Notes: {self.notes}")
        if self.path:
            lines.append(f"Poll card: `{Path(self.path).name}`.")
        return lines


def read_poll_card(path: str | os.PathLike[str]) -> PollCard:
    """Read a poll card (TOML) into a :class:`PollCard`.

    Keys: see :data:`CARD_KEYS` (all optional); anything else is refused, with the nearest
    known key suggested. Dates are TOML dates (``fieldwork_start = 2025-12-13``); the stated
    margin is a share (``stated_margin = 0.03``) or a percentage in quotes (``"3%"``).

    Raises
    ------
    ValueError, TypeError
        Naming the file, the key and the value, and saying what is allowed.

    Examples
    --------
    An invented poll:

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "poll.toml").write_text('pollster = "Example Research"\\nn = 1000\\n'
    ...                                      'fieldwork_start = 2025-03-20\\n'
    ...                                      'fieldwork_end = 2025-03-26\\n'
    ...                                      'stated_margin = "3%"\\n')
    >>> card = read_poll_card(folder / "poll.toml")
    >>> card.stated_margin, card.source_line(1000)
    (0.03, 'Source: Example Research, 20–26 Mar 2025, n = 1,000; surveystats')
    """
    where = Path(path)
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"poll card {str(where)!r} does not exist") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"poll card {str(where)!r} is not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"poll card {str(where)!r} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ValueError(f"poll card {str(where)!r} cannot be read: {exc.strerror}") from exc
    unknown = [k for k in data if k not in CARD_KEYS]
    if unknown:
        key = unknown[0]
        near = difflib.get_close_matches(key, CARD_KEYS, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ValueError(f"poll card {str(where)!r}: unknown key {key!r}{hint}; allowed keys: "
                         f"{', '.join(CARD_KEYS)}")
    try:
        return PollCard(**data, path=str(where))
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"poll card {str(where)!r}: {exc}") from exc


def card_beside(toplines: str | os.PathLike[str]) -> Path | None:
    """The poll card beside a toplines file (``poll.toml`` for ``poll.csv``), if it exists."""
    candidate = Path(toplines).with_suffix(".toml")
    return candidate if candidate.is_file() else None


def _near_miss(column: str) -> str | None:
    near = difflib.get_close_matches(column, REQUIRED_COLUMNS + OPTIONAL_COLUMNS, n=1,
                                     cutoff=0.8)
    return near[0] if near and near[0] != column else None


#: Key of ``DataFrame.attrs`` under which :func:`load_toplines` records how it read the input
#: (file, encoding, delimiter, decimal mark, percentages, rows left out); :func:`reading_notes`
#: puts it in words for the report.
READING_ATTR: Final = "surveystats_reading"
_NUMBER_COLUMNS: Final = ("estimate", "n", "deff", "dont_know")
_PERCENT_HINT: Final = ("estimates are read as shares unless every estimate without a % sign "
                        "is above 1 and at most 100 (then all as percentages); say which with "
                        "percent=True or False (--percent / --no-percent)")
_MARK_NAMES: Final = {",": "comma", ".": "point"}


class _Cells:
    """Where each row of a toplines table is: ``toplines file 'x.csv', row 5`` (a spreadsheet's
    row number, header = row 1) or ``toplines, index 3`` for a DataFrame."""

    def __init__(self, where: str, labels: pd.Index, file: bool, items: pd.Series | None = None):
        self.where = where
        self.labels = labels
        self.file = file
        self.items = items

    def named(self, label: Any) -> str:
        return f"row {label}" if self.file else f"index {label}"

    def row(self, i: int) -> str:
        return self.named(self.labels[i])

    def at(self, i: int, column: str) -> str:
        text = f"{self.where}, {self.row(i)}, column {column!r}"
        if self.items is not None and self.items.iloc[i]:
            text += f", item {self.items.iloc[i]!r}"
        return text


def _read_file(path: Path, encoding: str | None) -> tuple[pd.DataFrame, _Cells, dict[str, Any]]:
    where = f"toplines file {str(path)!r}"
    if not path.exists():
        raise ValueError(f"{where} does not exist")
    if path.is_dir():
        raise ValueError(f"{where} is a folder; give the toplines CSV file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{where} cannot be read: {exc.strerror}") from exc
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ValueError(f"{where} is an Excel workbook, not a CSV file; save the sheet as CSV "
                         "(in Excel: File > Save As > CSV UTF-8) and give that file")
    hint = f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})"
    table = read_table(data, where=where, required=REQUIRED_COLUMNS, columns_hint=hint,
                       encoding=encoding)
    reading = {"file": path.name, "encoding": table.encoding,
               "encoding_how": table.encoding_how, "delimiter": table.delimiter,
               "header_row": table.header_row, "blank_rows": list(table.blank_rows)}
    return table.cells, _Cells(where, table.cells.index, True), reading


def _column_numbers(frame: pd.DataFrame, column: str, mark: Any, *,
                    count: bool) -> NumberColumn:
    """A numeric column: numbers as they are, text parsed (:func:`parse_numbers`)."""
    col = frame[column]
    if col.dtype.kind in "iuf":
        values = col.to_numpy(dtype=float)
        none = np.zeros(values.shape, dtype=bool)
        return NumberColumn(values, none, none, np.isnan(values))
    return parse_numbers(col, mark, groups_ambiguous=not count)


def _refuse_bad_numbers(column: str, numbers: NumberColumn, frame: pd.DataFrame, cells: _Cells,
                        mark: str | None, examples: dict[str, tuple[str, Any, str]]) -> None:
    if not numbers.bad.any():
        return
    i = int(np.argmax(numbers.bad))
    value = frame[column].iloc[i]
    if column == "n":
        grouped = "1.600" if mark == "," else "1,600"
        allowed = f"a number of interviews such as 1600, {grouped} or 1 600"
    elif column == "deff":
        allowed = "a design effect such as 1.3"
    else:
        allowed = "a share such as 0.55 or a percentage such as 55% or 55"
    if mark is not None:
        c, r, v = examples[mark]
        house = (f"; this file writes decimals with a {_MARK_NAMES[mark]} ({cells.named(r)}, "
                 f"column {c!r}: {v!r})")
    elif re.fullmatch(r"[+-]?[1-9]\d{0,2}(?:[.,]\d{3})+", str(value).strip()):
        house = (f"; {str(value).strip()!r} may be a decimal number or a number in thousands; "
                 "write it without the separator (1250) or with more or fewer decimals (1.25)")
    else:
        house = ""
    raise ValueError(f"{cells.at(i, column)}: {str(value)!r} is not {allowed}{house}")


def _check_column(column: str, values: np.ndarray, interval: Interval, cells: _Cells, *,
                  hint: str = "") -> None:
    """Every non-NaN value in ``interval``, else the shared check's message for the first bad
    one, prefixed with its file, row, column and item."""
    bad = ~interval.contains(values) & ~np.isnan(values)
    if bad.any():
        i = int(np.argmax(bad))
        try:
            check_scalar(column, values[i], interval, hint=hint)
        except ValueError as exc:
            raise ValueError(f"{cells.at(i, column)}: {exc}") from exc


def _refuse_empty(column: str, numbers: NumberColumn, cells: _Cells) -> None:
    if numbers.empty.any():
        i = int(np.argmax(numbers.empty))
        what = "an estimate" if column == "estimate" else "its n (number of interviews)"
        raise ValueError(f"{cells.at(i, column)}: the cell is empty; every item needs {what}")


def _percent_scale(est: NumberColumn, percent: bool | None) -> tuple[bool, str | None]:
    """Whether bare estimates (no % sign) are percentages, and how that was decided."""
    bare = ~est.percent & ~est.empty & ~est.bad
    if percent is not None:
        return bool(percent), ("given" if percent else None)
    if not bare.any():
        return True, ("sign" if est.percent.any() else None)
    values = est.values[bare]
    if bool(np.all((values > 1.0) & (values <= 100.0))):
        return True, "detected"
    return False, ("sign" if est.percent.any() else None)


def load_toplines(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    encoding: str | None = None,
    percent: bool | None = None,
) -> pd.DataFrame:
    """Read and validate a toplines table, as it comes from a spreadsheet.

    Parameters
    ----------
    source : path or DataFrame
        A CSV file or a table with the columns of :data:`ITEM_COLUMNS`: ``item``,
        ``estimate`` and ``n`` are required, the others optional. Other columns are ignored;
        a near-miss of a known column (``base_itme``) is refused. Header cells are read
        without case, spaces or hyphens mattering (``Base item`` is ``base_item``).
    encoding : str, optional
        The file's encoding (any name Python knows, e.g. ``"cp1251"``). Default: detected
        (a byte-order mark for UTF-8 and UTF-16, then UTF-8, then cp1251 or cp1252 by which
        gives real words; :mod:`surveystats._textinput`).
    percent : bool, optional
        Whether estimates written without a % sign are percentages (``86`` for 86%). Default:
        detected: they are when every one of them is above 1 and at most 100, and the report
        says so. ``dont_know`` follows the estimates. A value written ``86%`` is always a
        percentage.

    Returns
    -------
    pandas.DataFrame
        A new table with the columns ``item, label, estimate, n, deff, base_item,
        ambiguous_base_item, group_label, dont_know, base``: estimates and ``dont_know`` as
        shares; ``label`` defaults to ``item``, ``deff`` to NaN (none stated: a report then
        uses the poll card's, else the sourced assumed value), the base columns to ``""``
        (all respondents), ``dont_know`` to NaN (not reported), ``base`` to words built from
        the base columns (``"all respondents"``, ``"those counted in item q1"``, or both
        readings for an ambiguous base). Its ``attrs[READING_ATTR]`` records how the input was read
        (:func:`reading_notes`).

    Notes
    -----
    A file may be comma-, semicolon- or tab-separated (found from the header), in UTF-8 with
    or without a byte-order mark, UTF-16, cp1251 or cp1252 (detected, or ``encoding``); rows
    above the header (a title) and blank rows are skipped. Numbers may be written with
    thousands separators (``1,600``, ``1 600`` with a space or no-break space, ``1.600``
    where decimals are written with a comma) and decimal commas (``0,55``, ``55,5%``); the
    file's decimal mark is read from its numbers and must be one.

    Raises
    ------
    ValueError
        Naming the file, the row (as a spreadsheet numbers it: the header is row 1; for a
        DataFrame, its index), the column and the item, echoing the value and saying what is
        allowed.

    Examples
    --------
    A semicolon-separated file with percentages and a decimal comma, as a European
    spreadsheet saves it:

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "poll.csv"
    >>> _ = path.write_text("item;estimate;n;deff\\napprove;46%;1 000;1,3\\n"
    ...                     "disapprove;41%;1 000;1,3\\n;;;\\n", encoding="utf-8")
    >>> load_toplines(path)[["item", "estimate", "n", "deff"]]
             item  estimate       n  deff
    0     approve      0.46  1000.0   1.3
    1  disapprove      0.41  1000.0   1.3
    >>> print(reading_notes(load_toplines(path))[0])
    Input: `poll.csv`, UTF-8, semicolon-separated, decimal commas; estimates written with
    a % sign, read as percentages (86% = 0.86); blank row 4 skipped.
    """
    if isinstance(source, pd.DataFrame):
        if encoding is not None:
            raise ValueError(f"encoding ({encoding!r}) applies to a toplines file, not to a "
                             "DataFrame")
        frame = source.copy()
        frame.columns = [column_name(str(c)) for c in frame.columns]
        cells = _Cells("toplines", frame.index, False)
        reading: dict[str, Any] = dict(source.attrs.get(READING_ATTR, {}))
    else:
        frame, cells, reading = _read_file(Path(source), encoding)
    if percent is not None:
        percent = check_bool("percent", percent)
    where = cells.where
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{where} is missing column(s) {', '.join(map(repr, missing))}; needed: "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})"
        )
    for column in frame.columns:
        near = _near_miss(column) if column not in ITEM_COLUMNS else None
        if near is not None:
            raise ValueError(f"{where}: column {column!r} is not a toplines column; did you "
                             f"mean {near!r}? Columns: {', '.join(ITEM_COLUMNS)}")
    if frame.empty:
        raise ValueError(f"{where} has no rows (only a header, or blank rows)")
    items = frame["item"].astype("string").fillna("").str.strip().astype(object)
    empty_item = (items == "").to_numpy()
    if empty_item.any():
        i = int(np.argmax(empty_item))
        raise ValueError(f"{cells.at(i, 'item')}: the cell is empty; every row needs an item "
                         "id (or leave the whole row blank)")
    dup = items.duplicated().to_numpy()
    if dup.any():
        i = int(np.argmax(dup))
        first = int(np.argmax((items == items.iloc[i]).to_numpy()))
        raise ValueError(f"{cells.at(i, 'item')}: item {items.iloc[i]!r} appears twice "
                         f"({cells.row(first)} and {cells.row(i)}); items must be unique")
    cells.items = items
    frame = frame.assign(item=items)

    present = [c for c in _NUMBER_COLUMNS if c in frame.columns]
    mark, examples = decimal_mark({c: frame[c] for c in present
                                   if frame[c].dtype.kind not in "iuf"})
    if mark is None and len(examples) == 2:
        (c1, r1, v1), (c2, r2, v2) = examples[","], examples["."]
        raise ValueError(f"{where}: the numbers mix decimal commas ({cells.named(r1)}, column "
                         f"{c1!r}: {v1!r}) and decimal points ({cells.named(r2)}, column "
                         f"{c2!r}: {v2!r}); write every decimal the same way")
    numbers = {c: _column_numbers(frame, c, mark, count=(c == "n")) for c in present}
    for column in present:
        _refuse_bad_numbers(column, numbers[column], frame, cells, mark, examples)
    est, n = numbers["estimate"], numbers["n"]
    _refuse_empty("estimate", est, cells)
    _refuse_empty("n", n, cells)

    scale, how = _percent_scale(est, percent)
    estimate = np.where(scale & ~est.percent, est.values / 100.0, est.values)
    over = est.percent & (estimate > 1.0)
    if over.any():
        i = int(np.argmax(over))
        raise ValueError(f"{cells.at(i, 'estimate')}: {str(frame['estimate'].iloc[i])!r} is "
                         "more than 100%; an estimate is a share of respondents")
    _check_column("estimate", estimate, SHARE, cells,
                  hint="" if percent is not None else _PERCENT_HINT)
    _check_column("n", n.values, POSITIVE, cells, hint="the number of interviews")
    deff = (numbers["deff"].values if "deff" in numbers
            else np.full(len(frame), np.nan))
    _check_column("deff", deff, POSITIVE, cells, hint="leave the cell empty when none is stated")
    if "dont_know" in numbers:
        dk = numbers["dont_know"]
        dk_scale = scale
        bare = ~dk.percent & ~dk.empty
        if how == "sign" and percent is None and bare.any():
            dk_scale = bool(np.all((dk.values[bare] > 1.0) & (dk.values[bare] <= 100.0)))
        dont_know = np.where(dk_scale & ~dk.percent, dk.values / 100.0, dk.values)
    else:
        dont_know = np.full(len(frame), np.nan)
    frame = frame.assign(estimate=estimate, n=n.values, deff=deff, dont_know=dont_know)
    for column in _TEXT_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].astype("string").fillna("").str.strip().astype(object)
    frame["label"] = np.where(frame["label"] == "", frame["item"], frame["label"])
    # the base in words, where the file gives none: from the base columns, never assumed
    # "all respondents" for an item whose base is another item (or may be)
    nested = "those counted in item " + frame["base_item"]
    either = "all respondents, or those counted in item " + frame["ambiguous_base_item"] + \
        " (the source leaves it open)"
    default = np.where(frame["base_item"] != "", nested,
                       np.where(frame["ambiguous_base_item"] != "", either, "all respondents"))
    frame["base"] = np.where(frame["base"] == "", default, frame["base"])
    _check_items(frame, cells)
    if how is not None:
        reading["percent"] = how
    if mark is not None:
        reading["decimal"] = mark
    columns = ["item", "label", "estimate", "n", *OPTIONAL_COLUMNS[1:]]
    out = frame[columns].reset_index(drop=True)
    out.attrs = {READING_ATTR: reading} if reading else {}
    return out


def _check_items(frame: pd.DataFrame, cells: _Cells) -> None:
    """The cross-item rules, for all rows at once: bases name other items of the file, one
    level deep; ``dont_know`` is a share that fits beside the estimate."""
    items = frame["item"]
    firm, loose = frame["base_item"], frame["ambiguous_base_item"]
    both = ((firm != "") & (loose != "")).to_numpy()
    if both.any():
        i = int(np.argmax(both))
        raise ValueError(f"{cells.at(i, 'base_item')}: give base_item ({firm.iloc[i]!r}) or "
                         f"ambiguous_base_item ({loose.iloc[i]!r}), not both")
    parent = firm.where(firm != "", loose)
    column = np.where(firm != "", "base_item", "ambiguous_base_item")
    has = (parent != "").to_numpy()
    estimates = pd.Series(frame["estimate"].to_numpy(), index=items)
    rules = [
        (has & (parent == items).to_numpy(), "names the item itself"),
        (has & ~parent.isin(items).to_numpy(),
         f"is not an item of this file; items: {', '.join(items)}"),
    ]
    for bad, text in rules:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"{cells.at(i, str(column[i]))}: {column[i]} "
                             f"({parent.iloc[i]!r}) {text}")
    zero = has & (parent.map(estimates).to_numpy(dtype=float) == 0.0)
    if zero.any():
        i = int(np.argmax(zero))
        raise ValueError(f"{cells.at(i, str(column[i]))}: {column[i]} ({parent.iloc[i]!r}) has "
                         "estimate 0, so no respondent is in its group")
    nested = pd.Series(parent.to_numpy(), index=items)
    deep = has & (parent.map(nested).fillna("") != "").to_numpy()
    if deep.any():
        i = int(np.argmax(deep))
        p = parent.iloc[i]
        raise ValueError(f"{cells.at(i, str(column[i]))}: its base item {p!r} has a base item of "
                         f"its own ({nested[p]!r}); only one level of nesting is supported")
    dk = frame["dont_know"].to_numpy(dtype=float)
    _check_column("dont_know", dk, SHARE_BELOW_ONE, cells)
    est = frame["estimate"].to_numpy(dtype=float)
    over = ~np.isnan(dk) & (est + dk > 1.0 + 1e-9)
    if over.any():
        i = int(np.argmax(over))
        raise ValueError(f"{cells.at(i, 'dont_know')}: estimate ({est[i]:g}) plus dont_know "
                         f"({dk[i]:g}) exceeds 1; both are shares of all respondents")


def reading_notes(toplines: pd.DataFrame) -> list[str]:
    """How :func:`load_toplines` read its input, in words, for the report's summary.

    One line when the input departed from a plain UTF-8, comma-separated file of shares
    (another encoding or delimiter, decimal commas, percentages, rows skipped); none
    otherwise. Estimates read as percentages because every one was a number above 1 and at
    most 100 are always stated.
    """
    r = dict(toplines.attrs.get(READING_ATTR, {}))
    parts: list[str] = []
    encoding = r.get("encoding")
    if encoding is not None and encoding not in ("utf-8", "utf-8-sig"):
        how = r.get("encoding_how", "")
        parts.append(encoding if how in ("", "given") else f"{encoding} ({how})")
    elif encoding is not None and (r.get("delimiter", ",") != "," or r.get("decimal") == ","):
        parts.append("UTF-8")
    delimiter = r.get("delimiter", ",")
    if delimiter != ",":
        parts.append(f"{DELIMITERS[delimiter]}-separated")
    if r.get("decimal") == ",":
        parts.append("decimal commas")
    text = ", ".join(parts)
    if "file" in r and text:
        text = f"`{r['file']}`, {text}"
    elif "file" in r and (r.get("percent") or r.get("blank_rows") or
                          r.get("header_row", 1) > 1):
        text = f"`{r['file']}`"
    extra = []
    percent = r.get("percent")
    if percent == "detected":
        extra.append("estimates read as percentages: every estimate without a % sign is a "
                     "number above 1 and at most 100 (86 = 86%; give percent=True/--percent "
                     "to say so, or False/--no-percent to refuse it)")
    elif percent == "sign":
        extra.append("estimates written with a % sign, read as percentages (86% = 0.86)")
    elif percent == "given":
        extra.append("estimates read as percentages (as given: 86 = 86%)")
    if r.get("header_row", 1) > 1:
        extra.append(f"rows 1–{r['header_row'] - 1} above the header skipped")
    blank = r.get("blank_rows") or []
    if blank:
        extra.append(f"blank row{'s' if len(blank) > 1 else ''} "
                     f"{', '.join(map(str, blank))} skipped")
    if not text and not extra:
        return []
    body = "; ".join(p for p in (text, *extra) if p)
    return [f"Input: {body}."]


#: How an item's design effect was found; every table and chart of a report reads it from
#: :func:`design_effects`.
DEFF_BASIS: Final[dict[str, str]] = {
    "item": "stated for the item",
    "card": "stated for the poll",
    "assumed": "assumed: sourced central",
}


def design_effects(toplines: pd.DataFrame, card: PollCard | None = None) -> pd.DataFrame:
    """The design effect of each item, by one rule, and how it was found.

    The rule: the design effect the item's toplines row states; else the one the poll card
    states for the whole poll; else the central value of the sourced range
    (``default_range("design_effect", "deff")``, 1.5: a judgement inside the 1.1-1.7 that
    published phone-poll margins imply), labelled "assumed". Every table and chart of a
    report uses this value for the item; the sourced scenarios (1, central, high) are shown
    beside it, never instead of it.

    Parameters
    ----------
    toplines : DataFrame
        From :func:`load_toplines` (``deff`` empty where the file states none).
    card : PollCard, optional

    Returns
    -------
    DataFrame
        ``item, deff, deff_basis`` in the toplines' order; ``deff_basis`` is a key of
        :data:`DEFF_BASIS` (``"item"``, ``"card"`` or ``"assumed"``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = load_toplines(pd.DataFrame({"item": ["a", "b"], "estimate": [0.4, 0.6],
    ...                                 "n": [900, 900], "deff": [1.2, None]}))
    >>> design_effects(t)
      item  deff deff_basis
    0    a   1.2       item
    1    b   1.5    assumed
    >>> design_effects(t, PollCard(deff=1.8))["deff"].tolist()
    [1.2, 1.8]
    """
    stated = toplines["deff"].to_numpy(dtype=float)
    card_deff = None if card is None else card.deff
    central = float(default_range("design_effect", "deff").central)
    fallback = central if card_deff is None else float(card_deff)
    own = ~np.isnan(stated)
    return pd.DataFrame({
        "item": toplines["item"].to_numpy(),
        "deff": np.where(own, stated, fallback),
        "deff_basis": np.where(own, "item", "assumed" if card_deff is None else "card"),
    })


def item_preset(name: str, deff: float, basis: str) -> Scenario:
    """A sourced preset for one item under the deff rule of :func:`design_effects`.

    A design effect stated for the item or the poll (``basis`` ``"item"`` or ``"card"``)
    replaces the preset's own; an assumed one leaves each preset its sourced design effect
    (benign 1, plausible the central value that was assumed, stress the high one), so the
    presets still span the sourced range.
    """
    preset = Scenario.preset(name)  # type: ignore[arg-type]
    return preset if basis == "assumed" else dataclasses.replace(preset, deff=float(deff))


def resolve_poll(
    toplines: str | os.PathLike[str] | pd.DataFrame,
    card: PollCard | str | os.PathLike[str] | None = None,
    *,
    encoding: str | None = None,
    percent: bool | None = None,
) -> tuple[pd.DataFrame, PollCard]:
    """Validated toplines and their poll card.

    ``card`` None means the card beside a toplines file (``poll.toml`` for ``poll.csv``) if
    there is one, else an empty card; a path is read; ``PollCard()`` says "no card".
    ``encoding`` and ``percent`` are passed to :func:`load_toplines`.
    """
    table = load_toplines(toplines, encoding=encoding, percent=percent)
    if isinstance(card, PollCard):
        found = card
    elif card is not None:
        found = read_poll_card(card)
    elif not isinstance(toplines, pd.DataFrame) and (beside := card_beside(toplines)):
        found = read_poll_card(beside)
    else:
        found = PollCard()
    if found.n is not None and float(table["n"].max()) > found.n:
        big = table.iloc[int(np.argmax(table["n"].to_numpy()))]
        raise ValueError(f"item {big['item']!r} has n = {big['n']:,.0f}, more than the "
                         f"{found.n:,} interviews of the whole poll (n in the poll card)")
    return table, found

