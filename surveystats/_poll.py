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

import datetime as dt
import difflib
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from surveystats._params import CONFIDENCE_LEVEL, MARGIN, SHARE_BELOW_ONE, Interval
from surveystats._validation import check_integer, check_positive, check_scalar, check_share

__all__ = [
    "CARD_KEYS",
    "ITEM_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "PollCard",
    "card_beside",
    "load_toplines",
    "read_poll_card",
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
    "margin_confidence_level": "confidence level of the stated margin (default 0.95)",
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
    "estimate": "reported share in [0, 1] (0.70, not 70)",
    "n": "number of interviews the share is based on",
    "deff": "design effect the pollster states for the item (default: none stated, 1)",
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
    margin_confidence_level : float, default 0.95
        Confidence level of the stated margin.
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
    margin_confidence_level: float = 0.95
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
        level = _card_share("margin_confidence_level", self.margin_confidence_level,
                       CONFIDENCE_LEVEL)
        if level is None:
            raise TypeError("margin_confidence_level (None) must be a number in (0, 1), "
                            "e.g. 0.95")
        values["margin_confidence_level"] = level
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


def load_toplines(source: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Read and validate a toplines table.

    Parameters
    ----------
    source : path or DataFrame
        A CSV file or a table with the columns of :data:`ITEM_COLUMNS`: ``item``,
        ``estimate`` and ``n`` are required, the others optional. Other columns are ignored;
        a near-miss of a known column (``base_itme``) is refused.

    Returns
    -------
    pandas.DataFrame
        A new table with the columns ``item, label, estimate, n, deff, base_item,
        ambiguous_base_item, group_label, dont_know, base``: ``label`` defaults to ``item``,
        ``deff`` to 1 (none stated), the base columns to ``""`` (all respondents),
        ``dont_know`` to NaN (not reported), ``base`` to ``"all respondents"``.

    Raises
    ------
    ValueError
        Naming the file (or ``toplines``), the item and the column.
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        where = "toplines"
    else:
        path = Path(source)
        where = str(path)
        if not path.exists():
            raise ValueError(f"toplines file {where!r} does not exist")
        try:
            frame = pd.read_csv(path, dtype={c: "string" for c in ("item", *_TEXT_COLUMNS)},
                                keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise ValueError(f"toplines file {where!r} is not a readable CSV: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
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
        raise ValueError(f"{where} has no rows")
    frame["item"] = frame["item"].astype(str).str.strip()
    if frame["item"].duplicated().any():
        dup = frame.loc[frame["item"].duplicated(), "item"].iloc[0]
        raise ValueError(f"{where}: item {dup!r} appears twice; items must be unique")
    try:
        est = pd.to_numeric(frame["estimate"], errors="raise").to_numpy(dtype=float)
        n = pd.to_numeric(frame["n"], errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: estimate and n must be numbers ({exc})") from exc
    check_share("estimate", est)
    check_positive("n", n)
    frame["estimate"], frame["n"] = est, n
    if "deff" not in frame.columns:
        frame["deff"] = 1.0
    frame["deff"] = check_positive("deff", pd.to_numeric(frame["deff"], errors="coerce")
                                   .fillna(1.0).to_numpy(dtype=float))
    for column in _TEXT_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].astype("string").fillna("").str.strip().astype(object)
    frame["label"] = np.where(frame["label"] == "", frame["item"], frame["label"])
    frame["base"] = np.where(frame["base"] == "", "all respondents", frame["base"])
    if "dont_know" not in frame.columns:
        frame["dont_know"] = np.nan
    frame["dont_know"] = pd.to_numeric(frame["dont_know"], errors="coerce").astype(float)
    _check_items(frame, where)
    columns = ["item", "label", "estimate", "n", *OPTIONAL_COLUMNS[1:]]
    return frame[columns].reset_index(drop=True)


def _check_items(frame: pd.DataFrame, where: str) -> None:
    """The cross-item rules: bases name other items of the file, one level deep."""
    items = list(frame["item"])
    estimates = dict(zip(items, frame["estimate"], strict=True))
    bases = {}
    for _, row in frame.iterrows():
        at = f"{where}, item {row['item']!r}"
        firm, loose = row["base_item"], row["ambiguous_base_item"]
        if firm and loose:
            raise ValueError(f"{at}: give base_item ({firm!r}) or ambiguous_base_item "
                             f"({loose!r}), not both")
        parent = firm or loose
        column = "base_item" if firm else "ambiguous_base_item"
        if parent:
            if parent == row["item"]:
                raise ValueError(f"{at}: {column} ({parent!r}) names the item itself")
            if parent not in estimates:
                raise ValueError(f"{at}: {column} ({parent!r}) is not an item of this file; "
                                 f"items: {', '.join(items)}")
            if estimates[parent] == 0.0:
                raise ValueError(f"{at}: {column} ({parent!r}) has estimate 0, so no "
                                 "respondent is in its group")
            bases[row["item"]] = parent
        dk = row["dont_know"]
        if not np.isnan(dk):
            try:
                check_scalar("dont_know", dk, SHARE_BELOW_ONE)
            except ValueError as exc:
                raise ValueError(f"{at}: {exc}") from exc
            if row["estimate"] + dk > 1.0 + 1e-9:
                raise ValueError(f"{at}: estimate ({row['estimate']:g}) plus dont_know "
                                 f"({dk:g}) exceeds 1; both are shares of all respondents")
    for item, parent in bases.items():
        if parent in bases:
            raise ValueError(f"{where}, item {item!r}: its base item {parent!r} has a base "
                             f"item of its own ({bases[parent]!r}); only one level of nesting "
                             "is supported")


def resolve_poll(
    toplines: str | os.PathLike[str] | pd.DataFrame,
    card: PollCard | str | os.PathLike[str] | None = None,
) -> tuple[pd.DataFrame, PollCard]:
    """Validated toplines and their poll card.

    ``card`` None means the card beside a toplines file (``poll.toml`` for ``poll.csv``) if
    there is one, else an empty card; a path is read; ``PollCard()`` says "no card".
    """
    table = load_toplines(toplines)
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

