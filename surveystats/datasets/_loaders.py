"""Loaders for the bundled datasets, and the registry that lists them.

Every dataset is one CSV file plus one markdown data card in the ``data`` folder beside this
module, read with :mod:`importlib.resources` so that it works from an installed wheel as well
as from a source checkout. Adding a dataset means adding its two files, a loader function and
one entry in ``_REGISTRY``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Final

import pandas as pd

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_PACKAGE: Final = "surveystats.datasets"
_DATA_DIR: Final = "data"

#: Columns of a tidy topline table, in order: one row per reported figure.
_TOPLINE_COLUMNS: Final[tuple[str, ...]] = (
    "item",
    "poll",
    "pollster",
    "question",
    "answer",
    "estimate",
    "n",
    "base",
    "fieldwork_start",
    "fieldwork_end",
    "mode",
    "stated_margin",
    "role",
    "source",
    "url",
    "evidence",
)
_DATE_COLUMNS: Final[tuple[str, ...]] = ("fieldwork_start", "fieldwork_end")
_NUMERIC_DTYPES: Final[dict[str, str]] = {
    "estimate": "float64",
    "n": "int64",
    "stated_margin": "float64",
}


def _data_file(filename: str) -> Traversable:
    """Return the packaged data file ``filename`` (works from an installed package)."""
    return resources.files(_PACKAGE) / _DATA_DIR / filename


def _read_topline(filename: str) -> pd.DataFrame:
    """Read a tidy topline CSV into a new DataFrame with the codebook's dtypes.

    Only empty fields count as missing, so a text value such as ``"NA"`` stays text. Text
    columns become pandas ``string`` dtype, the dates ``datetime64[ns]`` (``NaT`` where the
    source gives no date).
    """
    # Dates are read as text first and parsed below with an explicit ISO format.
    dtypes = {column: _NUMERIC_DTYPES.get(column, "string") for column in _TOPLINE_COLUMNS}
    with _data_file(filename).open("rb") as handle:
        frame = pd.read_csv(
            handle,
            encoding="utf-8",
            dtype=dtypes,
            keep_default_na=False,
            na_values=[""],
        )
    if tuple(frame.columns) != _TOPLINE_COLUMNS:
        raise RuntimeError(
            f"data file {filename!r} has columns {list(frame.columns)}; "
            f"the codebook expects {list(_TOPLINE_COLUMNS)}"
        )
    for column in _DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").astype("datetime64[ns]")
    return frame


def load_vtsiom_2025() -> pd.DataFrame:
    """Load the VTsIOM December 2025 poll: the headline figures, comparators and context.

    The case that runs through surveystats. On 23-24 December 2025 the VTsIOM Analytical
    Center reported that 70% of Russians expect 2026 to be "rather successful" for the country
    politically, and that 55% link their hopes to the end of the "special military operation".
    Both figures come from a one-day telephone poll of 1,600 adults with a stated maximum
    error of 2.5% at 95% confidence. This table holds those figures, the other answers to the
    same questions, the same month's figures from another VTsIOM wording and from Levada
    Center, and two context items from the same poll. The numbers are as published (press
    reports of the presentation); no microdata exist in the public domain.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame on every call (14 rows, one per reported figure), with columns:

        ``item`` : string
            Short snake_case id, unique per row, e.g. ``"successful_2026"``.
        ``poll`` : string
            Which poll, e.g. ``"VTsIOM Dec 2025 phone"`` (the 13 December poll).
        ``pollster`` : string
            ``"VTsIOM"`` or ``"Levada Center"``.
        ``question`` : string
            English gloss of what was asked; says when the wording is not published. Rows
            with the same ``question`` are answers to one question.
        ``answer`` : string
            The answer category, e.g. ``"rather successful"``.
        ``estimate`` : float64
            Share of ``base`` giving ``answer``, in [0, 1] (``0.70``, not ``70``).
        ``n`` : int64
            Nominal number of interviews in the poll (not an effective sample size).
        ``base`` : string
            Whom the share is of: ``"all respondents"``, ``"all respondents (presumed; not
            stated)"`` or ``"ambiguous: all respondents or the 70% optimists"``.
        ``fieldwork_start``, ``fieldwork_end`` : datetime64[ns]
            Fieldwork dates; ``NaT`` where the source does not give them.
        ``mode`` : string
            ``"telephone (mobile)"`` or ``"face-to-face"``.
        ``stated_margin`` : float64
            The pollster's stated maximum error at 95% (``0.025``); ``NaN`` if none stated.
        ``role`` : string
            ``"headline"`` (the figures in the news), ``"component"`` (other answers to a
            headline question), ``"comparator"`` (same month, other wording or pollster) or
            ``"context"`` (other items from the same poll).
        ``source`` : string
            Short citation of where the figure was read.
        ``url`` : string
            Address of that source.
        ``evidence`` : string
            Evidence label: ``S`` stated in the source, ``S2`` secondary report, ``D``
            derived by arithmetic, ``I`` judgement, ``U`` looked for and not confirmed. It
            grades the weakest number in the row.

    See Also
    --------
    list_datasets : what ships, with the name of each data card.

    Notes
    -----
    **Source.** Fieldwork on 13 December 2025, telephone interviews on mobile numbers in 80+
    regions, n = 1,600, maximum error at 95% "does not exceed 2.5%" (sia.ru summarising
    Vedomosti [1]_). The figures were presented at a round table of the Expert Institute for
    Social Research (EISI) and the VTsIOM Analytical Center on 23 December [2]_ and at VTsIOM's
    year-end press presentation on 24 December [3]_, [4]_. The full data card, with every
    source address, is ``vtsiom_2025.md`` in the package's ``data`` folder.

    **Caveats.**

    * *The base of the 55% is ambiguous.* Vedomosti writes of "the majority of Russians (55%)",
      which reads as a share of all respondents; Reuters writes that "for 55%" the hope was
      linked to the end of the operation, which can be read as 55% of the optimists. Under
      the first reading 0.55 / 0.70 = 79% of optimists name the end of the operation; under
      the second, 0.55 x 0.70 = 38.5% of all respondents do. This is a structural
      uncertainty that no confidence interval covers.
    * *The wording is not published* in any source found, for any VTsIOM item here. The 55%
      may come from an open question whose answers were coded afterwards.
    * *The 2.5% is simple-random-sampling arithmetic.* At p = 0.5 and n = 1,600,
      1.96 * sqrt(0.25 / 1600) = 0.0245, which rounds to 2.5%. The implied design effect,
      (0.025 / 0.0245)^2, is about 1.0: the stated margin ignores weighting and covers
      sampling error only, not nonresponse, coverage or wording.
    * *Response rates are unpublished*, and so are the weighting details (the latest method
      statement found, from 2022, says socio-demographic weighting of a mobile-only frame).
    * *Comparators differ in wording, house and mode.* Same-month optimism about 2026 ranges
      from 60% (VTsIOM, another wording) to 71% (Levada, face-to-face). For Levada the
      ``n`` of 1,600 is Levada's usual sample size, not confirmed for this wave, hence the
      label ``I``. Fieldwork dates of the comparators are not given in the sources used.

    References
    ----------
    .. [1] sia.ru, 24 Dec 2025, summarising Vedomosti,
       https://sia.ru/?section=484&action=show_news&id=16823447
    .. [2] RIAMO, 23 Dec 2025, https://riamo.ru/news/obschestvo/
       okolo-70-rossijan-ozhidajut-politicheski-uspeshnyj-god-dlja-rossii/
    .. [3] Vedomosti, 24 Dec 2025, https://www.vedomosti.ru/society/articles/2025/12/24/
       1165829-bolshe-polovini-rossiyan-ozhidayut-okonchaniya-spetsoperatsii
    .. [4] Reuters via The Japan News, 25 Dec 2025,
       https://japannews.yomiuri.co.jp/news-services/reuters/20251225-300461

    Examples
    --------
    >>> from surveystats.datasets import load_vtsiom_2025
    >>> df = load_vtsiom_2025()
    >>> len(df)
    14
    >>> df.loc[df.item == "successful_2026", "estimate"].item()
    0.7
    >>> df.loc[df.role == "headline", ["item", "estimate", "n"]]
                  item  estimate     n
    0  successful_2026      0.70  1600
    3     smo_end_hope      0.55  1600

    The three answers to the 2026 question account for everyone asked:

    >>> question = df.loc[df.item == "successful_2026", "question"].item()
    >>> round(float(df.loc[df.question == question, "estimate"].sum()), 2)
    1.0

    The stated 2.5% is the SRS margin at p = 0.5, so the implied design effect is about 1:

    >>> import math
    >>> srs_margin = 1.96 * math.sqrt(0.5 * 0.5 / 1600)
    >>> round(srs_margin, 4)
    0.0245
    >>> round((0.025 / srs_margin) ** 2, 2)
    1.04

    The two readings of the 55%:

    >>> round(0.55 / 0.70, 2)  # 55% of all: share of the optimists
    0.79
    >>> round(0.55 * 0.70, 3)  # 55% of optimists: share of all respondents
    0.385

    Optimism about 2026 in the same month, by wording and house:

    >>> wordings = ["successful_2026", "country_2026_good", "levada_2026_better"]
    >>> df.loc[df.item.isin(wordings)].set_index("item")["estimate"]
    item
    successful_2026       0.70
    country_2026_good     0.60
    levada_2026_better    0.71
    Name: estimate, dtype: float64
    """
    return _read_topline("vtsiom_2025.csv")


@dataclass(frozen=True)
class _DatasetEntry:
    """One bundled dataset: its loader, its data file and its data card."""

    name: str
    loader: Callable[[], pd.DataFrame]
    description: str
    data_file: str
    card: str


#: What ships. Adding a dataset is one entry here (plus its loader and its two files).
_REGISTRY: Final[tuple[_DatasetEntry, ...]] = (
    _DatasetEntry(
        name="vtsiom_2025",
        loader=load_vtsiom_2025,
        description=(
            "VTsIOM December 2025 phone poll (n = 1,600): the 70% and 55% headlines, "
            "their components, same-month comparators (VTsIOM, Levada) and context items"
        ),
        data_file="vtsiom_2025.csv",
        card="vtsiom_2025.md",
    ),
)


def list_datasets() -> pd.DataFrame:
    """List the datasets that ship with surveystats.

    Returns
    -------
    pandas.DataFrame
        One row per dataset, with columns:

        ``name`` : string
            Short name, e.g. ``"vtsiom_2025"``.
        ``loader`` : string
            Name of the loader function in :mod:`surveystats.datasets`.
        ``description`` : string
            One-line description.
        ``rows`` : int64
            Number of rows the loader returns.
        ``card`` : string
            File name of the markdown data card in the package's ``data`` folder.

    Notes
    -----
    ``rows`` is counted by calling each loader, so the listing cannot drift from the data.

    Examples
    --------
    >>> from surveystats.datasets import list_datasets
    >>> list_datasets()[["name", "loader", "rows", "card"]]
              name            loader  rows            card
    0  vtsiom_2025  load_vtsiom_2025    14  vtsiom_2025.md
    """
    records = [
        {
            "name": entry.name,
            "loader": entry.loader.__name__,
            "description": entry.description,
            "rows": len(entry.loader()),
            "card": entry.card,
        }
        for entry in _REGISTRY
    ]
    frame = pd.DataFrame.from_records(
        records, columns=["name", "loader", "description", "rows", "card"]
    )
    return frame.astype(
        {
            "name": "string",
            "loader": "string",
            "description": "string",
            "rows": "int64",
            "card": "string",
        }
    )
