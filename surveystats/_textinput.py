"""A delimited text file as it comes: encoding, delimiter, blank rows and written numbers.

Toplines arrive as spreadsheet exports: comma-, semicolon- or tab-separated, in UTF-8 (with or
without a byte-order mark), a Windows code page or UTF-16, with percentages written ``86%`` and
numbers written ``1,600``, ``1 600`` or ``0,55``. This module turns such a file into a table of
text cells whose index is the row number a spreadsheet shows (the header is row 1), and turns
written numbers into floats, column by column, without a Python loop per row. It knows nothing
of polls: :mod:`surveystats._poll` says which columns are required and what they mean.

Encoding, in this order (the first that applies):

1. given (``encoding=``): decoded strictly with it;
2. a byte-order mark: UTF-8 (``utf-8-sig``) or UTF-16;
3. UTF-16 without a mark, recognised by its NUL bytes (every other byte of ASCII text);
4. strict UTF-8: text in another 8-bit encoding is almost never valid UTF-8;
5. otherwise cp1251 (Cyrillic) or cp1252 (Western European). Both decode any byte but a few,
   so the choice rests on the letters the cp1251 reading gives: cp1251 maps the bytes
   0xC0-0xFF to the Cyrillic alphabet, cp1252 to accented Latin letters. Russian or
   Ukrainian text read as cp1251 gives whole Cyrillic words; German or French text read as
   cp1251 gives Latin words with a stray Cyrillic letter inside ("weiЯ" for "weiß", "Grьne"
   for "Grüne"), which no real text contains. cp1251 is chosen when the cp1251 reading has
   more all-Cyrillic words (two letters or more) than words mixing Latin and Cyrillic letters.

Delimiter: comma, semicolon and tab are each tried on the first rows; the one that yields a
header with the required columns wins (rows above the header, such as a title, are skipped).

Numbers: a trailing ``%`` marks a percentage. Groups of three digits may be separated by a
space, a no-break space (U+00A0), a narrow no-break space (U+202F), a thin space or an
apostrophe (``1 600``), or by the mark that is not the file's decimal mark (``1,600`` in a file
with decimal points, ``1.600`` in one with decimal commas). The file's decimal mark is read
from its numbers: a comma followed by other than groups of three digits (``0,55``, ``55,5%``,
``1.600,5``) shows decimal commas, a point likewise decimal points; a file that shows both is
refused. A file that shows neither has only whole numbers and three-digit groups, which are
read as thousands in ``n``; in other columns such a value (``1,250``) is refused as ambiguous.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

__all__ = ["DELIMITERS", "NumberColumn", "TextTable", "column_name", "decimal_mark", "decode",
           "parse_numbers", "read_table"]

#: The delimiters tried, with their names in messages.
DELIMITERS: Final[dict[str, str]] = {",": "comma", ";": "semicolon", "\t": "tab"}
#: How many rows may stand above the header (a title, a note) before it is looked for no more.
_HEADER_SEARCH: Final = 20
#: Characters that separate groups of three digits besides the thousands mark.
_SPACES: Final = " \u00a0\u202f\u2009'"
_SPACE_GROUPS: Final = re.compile(rf"[+-]?[1-9]\d{{0,2}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?")
_COMMA_DECIMAL: Final = re.compile(r"[+-]?(?:\d+|[1-9]\d{0,2}(?:\.\d{3})+)?,\d+")
_POINT_DECIMAL: Final = re.compile(r"[+-]?(?:\d+|[1-9]\d{0,2}(?:,\d{3})+)?\.\d+(?:[eE][+-]?\d+)?")
_COMMA_GROUPS: Final = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+")
_POINT_GROUPS: Final = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+")
_WHOLE: Final = re.compile(r"[+-]?\d+(?:[eE]\+?\d+)?")
_CYRILLIC_WORD: Final = re.compile(r"(?<![^\W\d_])[\u0400-\u04ff]{2,}(?![^\W\d_])")
_MIXED_WORD: Final = re.compile(
    r"[^\W\d_]*(?:[A-Za-z][^\W\d_]*[\u0400-\u04ff]|[\u0400-\u04ff][^\W\d_]*[A-Za-z])[^\W\d_]*")

Decimal = Literal[",", "."]


@dataclass(frozen=True)
class TextTable:
    """A delimited file read as text cells.

    Attributes
    ----------
    cells : pandas.DataFrame
        One column per header cell (named as written, stripped), text cells (``""`` for
        empty), indexed by the row number a spreadsheet shows (header = row 1). Blank rows
        are left out.
    header_row : int
        The header's row number (1 unless rows above it were skipped).
    encoding : str
        The encoding used, e.g. ``"cp1251"``.
    encoding_how : str
        How it was chosen: ``"given"``, ``"byte-order mark"``, ``"valid UTF-8"``,
        ``"NUL bytes"`` or the reason of the cp1251/cp1252 choice.
    delimiter : str
        ``","``, ``";"`` or ``"\\t"``.
    blank_rows : tuple of int
        Row numbers of the blank rows left out.
    """

    cells: pd.DataFrame
    header_row: int
    encoding: str
    encoding_how: str
    delimiter: str
    blank_rows: tuple[int, ...] = field(default=())


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode_error(where: str, data: bytes, exc: UnicodeDecodeError, encoding: str,
                  advice: str) -> ValueError:
    offset = exc.start
    byte = data[offset:offset + 1].hex()
    return ValueError(f"{where}, row {_line_of(data, offset)}: byte 0x{byte} cannot be read as "
                      f"{encoding} text; {advice}")


_ENCODING_ADVICE: Final = ("give the file's encoding (encoding= in Python, --encoding on the "
                           "command line), e.g. utf-8, cp1251, cp1252, utf-16")


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when NUL bytes fill every other byte (ASCII as UTF-16)."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode(data: bytes, encoding: str | None, where: str) -> tuple[str, str, str]:
    """``(text, encoding, how)`` for the bytes of a file; see the module docstring.

    Raises
    ------
    ValueError
        Naming the file and the row of the first byte that cannot be read, or the unknown
        encoding name.
    """
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(f"encoding ({encoding!r}) is not an encoding Python knows; e.g. "
                             "utf-8, utf-8-sig, cp1251, cp1252, utf-16") from None
        try:
            return _strip_bom(data.decode(name)), name, "given"
        except UnicodeDecodeError as exc:
            raise _decode_error(where, data, exc, name, "is it the file's encoding?") from exc
    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
            (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, name in boms:
        if data.startswith(bom):
            try:
                return _strip_bom(data.decode(name)), name, "byte-order mark"
            except UnicodeDecodeError as exc:
                raise _decode_error(where, data, exc, name, _ENCODING_ADVICE) from exc
    wide = _utf16_without_bom(data)
    if wide is not None:
        try:
            return data.decode(wide), wide, "UTF-16 without a byte-order mark"
        except UnicodeDecodeError as exc:
            raise _decode_error(where, data, exc, wide, _ENCODING_ADVICE) from exc
    try:
        return data.decode("utf-8"), "utf-8", "valid UTF-8"
    except UnicodeDecodeError:
        pass
    readings: dict[str, str] = {}
    for name in ("cp1251", "cp1252"):
        try:
            readings[name] = data.decode(name)
        except UnicodeDecodeError:
            continue
    if not readings:
        raise ValueError(f"{where} is not UTF-8, UTF-16, cp1251 or cp1252 text; "
                         f"{_ENCODING_ADVICE}")
    if len(readings) == 1:
        (name, text), = readings.items()
        return text, name, "the only one of cp1251 and cp1252 that reads every byte"
    cyrillic = len(_CYRILLIC_WORD.findall(readings["cp1251"]))
    mixed = len(_MIXED_WORD.findall(readings["cp1251"]))
    if cyrillic > mixed:
        return readings["cp1251"], "cp1251", "not UTF-8; its letters read as Cyrillic words"
    return readings["cp1252"], "cp1252", "not UTF-8; its letters read as Western European"


def _records(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def column_name(name: str) -> str:
    """A header cell as a column name: stripped, lower case, spaces and hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")


def _find_header(records: list[list[str]], required: tuple[str, ...]) -> int | None:
    for i, record in enumerate(records[:_HEADER_SEARCH]):
        if set(required) <= {column_name(c) for c in record}:
            return i
    return None


def _no_header(text: str, where: str, required: tuple[str, ...],
               columns_hint: str) -> ValueError:
    """The error for a file in which no delimiter gives a header with the required columns.

    It names the columns missing from the first non-blank row under the delimiter that finds
    most of them, and shows that row.
    """
    best: tuple[int, int, str, list[str]] = (-1, -1, ",", [])
    for delimiter in DELIMITERS:
        try:
            records = _records(text, delimiter)
        except csv.Error:
            continue
        first = next((r for r in records if any(c.strip() for c in r)), [])
        have = len(set(required) & {column_name(c) for c in first})
        if (have, len(first)) > best[:2]:
            best = (have, len(first), delimiter, first)
    _, _, delimiter, first = best
    names = {column_name(c) for c in first}
    missing = ", ".join(repr(c) for c in required if c not in names)
    shown = DELIMITERS[delimiter] if len(first) > 1 else "one cell"
    row = ", ".join(c.strip() for c in first)
    row = row if len(row) <= 80 else row[:77] + "..."
    return ValueError(
        f"{where}, row 1: missing column(s) {missing}; needed: {columns_hint}. Tried comma, "
        f"semicolon and tab as the delimiter on the first {_HEADER_SEARCH} rows; the first "
        f"row reads ({shown}): {row!r}. A spreadsheet must be saved as CSV")


def read_table(data: bytes, *, where: str, required: tuple[str, ...], columns_hint: str,
               encoding: str | None = None) -> TextTable:
    """Decode, find the delimiter and the header, drop blank rows: a :class:`TextTable`.

    Column names are normalised (:func:`column_name`: ``"Base item"`` is ``base_item``).

    Raises
    ------
    ValueError
        Naming the file and the row: undecodable bytes, no header with the ``required``
        columns under any delimiter, a header cell twice, a row with more cells than the
        header.
    """
    text, enc, how = decode(data, encoding, where)
    if not text.strip():
        raise ValueError(f"{where} is empty; it needs a header row with the columns "
                         f"{', '.join(required)} and one row per item")
    found: tuple[str, list[list[str]], int] | None = None
    for delimiter in DELIMITERS:
        try:
            records = _records(text, delimiter)
        except csv.Error as exc:
            raise ValueError(f"{where} is not a readable CSV file: {exc}") from exc
        at = _find_header(records, required)
        if at is not None and (found is None or len(records[at]) > len(found[1][found[2]])):
            found = (delimiter, records, at)
    if found is None:
        raise _no_header(text, where, required, columns_hint)
    delimiter, records, at = found
    header = [column_name(c) for c in records[at]]
    while header and header[-1] == "" and len(header) > len(required):
        header.pop()  # trailing empty header cells (a spreadsheet's unused columns)
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if name and name in seen:
            raise ValueError(f"{where}, row {at + 1}: column {name!r} appears twice in the "
                             f"header (columns {seen[name] + 1} and {j + 1})")
        seen[name] = j
    width = len(header)
    body = records[at + 1:]
    names = [name or f"column_{j + 1}" for j, name in enumerate(header)]
    # one column per position, short rows padded with "" (zip_longest transposes in C)
    columns = list(itertools.zip_longest(*body, fillvalue=""))
    columns += [("",) * len(body)] * (width - len(columns))
    grid = pd.DataFrame(dict(enumerate(columns)), index=pd.Index(
        np.arange(at + 2, at + 2 + len(body)), name="row"), dtype=object)
    grid = grid.apply(lambda col: col.str.strip())
    filled = (grid != "").to_numpy()
    blank = ~filled.any(axis=1)
    beyond = filled[:, width:] & ~blank[:, None]
    if beyond.any():
        i, j = np.argwhere(beyond)[0]
        hint = (" A number written with a comma (1,600 or 0,55) must be in quotes in a "
                "comma-separated file, or the file saved with semicolons."
                if delimiter == "," else "")
        raise ValueError(
            f"{where}, row {grid.index[i]}, column {width + j + 1} (after the last column of "
            f"the header, {header[-1]!r}): {grid.iat[i, width + j]!r}; the row has "
            f"{len(body[i])} cells, the header (row {at + 1}) {width}, so a value containing "
            f"the delimiter ({DELIMITERS[delimiter]}) must be in quotes.{hint}")
    cells = grid.loc[~blank, list(range(width))]
    cells.columns = pd.Index(names)
    return TextTable(cells, at + 1, enc, how, delimiter,
                     tuple(int(k) for k in grid.index[blank]))


# --- written numbers ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NumberColumn:
    """A column of written numbers, parsed.

    ``values`` are floats (NaN where the cell is empty or not a number), ``percent`` marks the
    cells written with ``%`` (their value already divided by 100), ``bad`` the cells that are not
    empty and not a number in the file's format, ``empty`` the empty cells.
    """

    values: np.ndarray
    percent: np.ndarray
    bad: np.ndarray
    empty: np.ndarray


def _cleaned(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells without the ``%`` sign and without spaces between digit groups; the % marks."""
    s = cells.astype(object).fillna("").astype(str).str.strip()
    percent = s.str.endswith("%")
    s = s.str.removesuffix("%").str.strip()
    spaced = s.str.fullmatch(_SPACE_GROUPS)
    s = s.where(~spaced, s.str.replace(f"[{_SPACES}]", "", regex=True))
    return s, percent


def decimal_mark(columns: dict[str, pd.Series]) -> tuple[Decimal | None, dict[str, tuple]]:
    """The decimal mark the written numbers show, and an example of each mark seen.

    Returns ``(mark, examples)``: ``mark`` is ``","``, ``"."`` or None (only whole numbers and
    three-digit groups); ``examples`` maps each mark seen to ``(column, row, cell)``. Both
    marks seen is for the caller to refuse.
    """
    examples: dict[str, tuple[str, Any, str]] = {}
    for name, cells in columns.items():
        s, _ = _cleaned(cells)
        comma = (s.str.fullmatch(_COMMA_DECIMAL) & ~s.str.fullmatch(_COMMA_GROUPS)).to_numpy()
        point = (s.str.fullmatch(_POINT_DECIMAL) & ~s.str.fullmatch(_POINT_GROUPS)).to_numpy()
        for mark, hit in ((",", comma), (".", point)):
            if mark not in examples and hit.any():
                i = int(np.argmax(hit))
                examples[mark] = (name, cells.index[i], str(cells.iloc[i]))
    if set(examples) == {","}:
        return ",", examples
    if set(examples) == {"."}:
        return ".", examples
    return None, examples


def parse_numbers(cells: pd.Series, mark: Decimal | None, *,
                  groups_ambiguous: bool) -> NumberColumn:
    """Written numbers to floats in one vectorised pass; see the module docstring.

    ``mark`` is the file's decimal mark (None: the file shows none). ``groups_ambiguous``
    says what a value such as ``1,250`` is when ``mark`` is None: True refuses it (marks it
    bad), False reads it as a whole number with thousands separators (for counts).
    With a mark, a value grouped by the mark itself (``1.600`` where decimals are written
    ``0.55``) is read as a decimal number unless ``groups_ambiguous`` is False, when it is
    refused: a count is not written 1.6.
    """
    s, percent = _cleaned(cells)
    empty = (s == "").to_numpy()
    whole = s.str.fullmatch(_WHOLE)
    if mark == ",":
        decimal = s.str.fullmatch(_COMMA_DECIMAL)
        grouped = s.str.fullmatch(_POINT_GROUPS)
        own = s.str.fullmatch(_COMMA_GROUPS)
        text = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif mark == ".":
        decimal = s.str.fullmatch(_POINT_DECIMAL)
        grouped = s.str.fullmatch(_COMMA_GROUPS)
        own = s.str.fullmatch(_POINT_GROUPS)
        text = s.str.replace(",", "", regex=False)
    else:
        decimal = pd.Series(False, index=s.index)
        grouped = s.str.fullmatch(_COMMA_GROUPS) | s.str.fullmatch(_POINT_GROUPS)
        own = grouped
        text = s.str.replace(r"[.,]", "", regex=True)
    accepted = whole | decimal | grouped
    if groups_ambiguous and mark is None:
        accepted &= ~grouped
    if not groups_ambiguous and mark is not None:
        accepted &= ~own
    ok = accepted.to_numpy(dtype=bool) & ~empty
    values = pd.to_numeric(text.where(ok, None), errors="coerce").to_numpy(dtype=float)
    signed = percent.to_numpy(dtype=bool)
    values = np.where(signed, values / 100.0, values)
    return NumberColumn(values, signed & ok, ~ok & ~empty, empty)
