"""Loaders for the bundled datasets, and the registry that lists them.

Every dataset is one CSV file plus one markdown data card in the ``data`` folder beside this
module, read with :mod:`importlib.resources` so that it works from an installed wheel as well
as from a source checkout. Adding a dataset means adding its two files, a loader function and
one entry in ``_REGISTRY``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import pandas as pd

from surveystats._poll import PollCard, load_toplines, read_poll_card
from surveystats._validation import check_choice

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
    list_datasets : What ships, with the name of each data card.

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


#: The bundled case as the report reads it: toplines and the poll card beside them.
_VTSIOM_TOPLINES: Final = "vtsiom_2025_toplines.csv"
_VTSIOM_CARD: Final = "vtsiom_2025_toplines.toml"


def load_vtsiom_2025_toplines() -> pd.DataFrame:
    """Load the VTsIOM December 2025 headlines as report toplines (``surveystats report``).

    The two headline figures of :func:`load_vtsiom_2025` in the toplines format the report
    reads for any poll (``docs/toplines.md``): one row per item with its chart label, and
    the ambiguous base of the 55% named explicitly (``ambiguous_base_item``), since the
    sources leave open whether it is a share of all respondents or of the 70% optimists.
    The poll-level facts are in :func:`load_vtsiom_2025_card`.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame (2 rows), validated by the report's loader, with columns ``item``,
        ``label``, ``estimate``, ``n``, ``deff`` (NaN: none stated), ``base_item`` (empty),
        ``ambiguous_base_item`` (``"successful_2026"`` for ``smo_end_hope``), ``group_label``
        (``"optimists"`` for ``successful_2026``), ``dont_know`` (the 19% "hard to say" of
        the 2026 question) and ``base`` (in words).

    Examples
    --------
    >>> from surveystats.datasets import load_vtsiom_2025_toplines
    >>> load_vtsiom_2025_toplines()[["item", "estimate", "n", "ambiguous_base_item"]]
                  item  estimate       n ambiguous_base_item
    0  successful_2026      0.70  1600.0
    1     smo_end_hope      0.55  1600.0     successful_2026
    """
    with resources.as_file(_data_file(_VTSIOM_TOPLINES)) as path:
        return load_toplines(path)


def load_vtsiom_2025_card() -> PollCard:
    """Load the poll card of the VTsIOM phone poll of 13 December 2025.

    The poll-level facts the report prints (title, pollster, fieldwork date, mode, n, the
    stated margin of 2.5% at 95%, the source), read from ``vtsiom_2025_toplines.toml``; the
    data card ``vtsiom_2025.md`` gives the sources in full.

    Returns
    -------
    surveystats._poll.PollCard
        The card: the poll-level facts listed above.

    Examples
    --------
    >>> from surveystats.datasets import load_vtsiom_2025_card
    >>> card = load_vtsiom_2025_card()
    >>> card.n, card.stated_margin, card.fieldwork()
    (1600, 0.025, '13 Dec 2025')
    >>> card.source_line(card.n)
    'Source: VTsIOM phone poll, 13 Dec 2025, n = 1,600; surveystats'
    """
    with resources.as_file(_data_file(_VTSIOM_CARD)) as path:
        return read_poll_card(path)


# --- Bundled polls: each one toplines file plus its poll card, in the report's input format. ---

_POLLS_DIR: Final = "polls"
#: The bundled polls, by name, in the order of the data cards (``surveystats report NAME``).
POLLS: Final[tuple[str, ...]] = ("vtsiom_2025", "levada_ulyukaev_2018", "kiis_elections_2023",
                                 "politbarometer_2019_08")
PollName = Literal["vtsiom_2025", "levada_ulyukaev_2018", "kiis_elections_2023",
                   "politbarometer_2019_08"]
"""The name of a bundled poll: one of :data:`POLLS`."""


@dataclass(frozen=True)
class _PollEntry:
    """One bundled poll: its toplines, its poll card (TOML) and its data card (markdown)."""

    name: str
    toplines: str
    card: str
    data_card: str
    description: str


_POLL_REGISTRY: Final[dict[str, _PollEntry]] = {
    entry.name: entry for entry in (
        _PollEntry("vtsiom_2025", _VTSIOM_TOPLINES, _VTSIOM_CARD, "vtsiom_2025.md",
                   "the running case: two headlines, one with an ambiguous base (both "
                   "readings shown) and a 'hard to say' share"),
        _PollEntry("levada_ulyukaev_2018", f"{_POLLS_DIR}/levada_ulyukaev_2018.csv",
                   f"{_POLLS_DIR}/levada_ulyukaev_2018.toml",
                   f"{_POLLS_DIR}/levada_ulyukaev_2018.md",
                   "Russian labels, a cp1251 semicolon-separated file with '43%' values, and "
                   "a question asked only of those aware of the trial (a stated nested base)"),
        _PollEntry("kiis_elections_2023", f"{_POLLS_DIR}/kiis_elections_2023.csv",
                   f"{_POLLS_DIR}/kiis_elections_2023.toml",
                   f"{_POLLS_DIR}/kiis_elections_2023.md",
                   "a poll that states its own margin and design effect (1.1 on the standard "
                   "error, recorded as the variance deff 1.21), with a parallel wave of "
                   "another size"),
        _PollEntry("politbarometer_2019_08", f"{_POLLS_DIR}/politbarometer_2019_08.csv",
                   f"{_POLLS_DIR}/politbarometer_2019_08.toml",
                   f"{_POLLS_DIR}/politbarometer_2019_08.md",
                   "a German multi-item release (7 items) whose stated margin has no "
                   "confidence level"),
    )
}


def _poll_entry(name: str) -> _PollEntry:
    return _POLL_REGISTRY[check_choice("name", name, POLLS)]


def load_poll_toplines(name: PollName) -> pd.DataFrame:
    """Load the toplines of a bundled poll, as the report reads them.

    Parameters
    ----------
    name : {"vtsiom_2025", "levada_ulyukaev_2018", "kiis_elections_2023", \
"politbarometer_2019_08"}
        The poll (:data:`POLLS`; :func:`list_polls` describes each).

    Returns
    -------
    pandas.DataFrame
        A new table validated by the report's loader (``surveystats._poll.load_toplines``),
        with the columns ``item``, ``label``, ``estimate`` (a share), ``n``, ``deff`` (1 where
        none is stated), ``base_item``, ``ambiguous_base_item``, ``group_label``,
        ``dont_know`` and ``base``.

    Examples
    --------
    The Levada file is as a Russian spreadsheet saves it (cp1251, semicolons, ``43%``); it is
    read as it comes:

    >>> from surveystats.datasets import load_poll_toplines
    >>> t = load_poll_toplines("levada_ulyukaev_2018")
    >>> t.loc[t["item"].str.startswith("q2"), ["item", "estimate", "n", "base_item"]]
                             item  estimate      n       base_item
    5  q2_pressure_definitely_yes      0.10  912.0  q1_aware_total
    6      q2_pressure_rather_yes      0.28  912.0  q1_aware_total
    7       q2_pressure_rather_no      0.22  912.0  q1_aware_total
    8   q2_pressure_definitely_no      0.05  912.0  q1_aware_total
    9     q2_pressure_hard_to_say      0.35  912.0  q1_aware_total
    """
    with resources.as_file(_data_file(_poll_entry(name).toplines)) as path:
        return load_toplines(path)


def load_poll_card(name: PollName) -> PollCard:
    """Load the poll card of a bundled poll (title, pollster, dates, mode, n, stated margin).

    Examples
    --------
    >>> from surveystats.datasets import load_poll_card
    >>> card = load_poll_card("politbarometer_2019_08")
    >>> card.stated_margin, card.margin_level_stated, card.fieldwork()
    (0.03, False, '6–8 Aug 2019')
    """
    with resources.as_file(_data_file(_poll_entry(name).card)) as path:
        return read_poll_card(path)


def load_poll(name: PollName) -> tuple[pd.DataFrame, PollCard]:
    """Load a bundled poll as the report reads it: ``(toplines, card)``.

    ``surveystats report NAME`` renders the same two; :func:`list_polls` lists the names.
    Every figure is from the pollster's published release or press reports of it, cited in
    the poll's data card (``data/polls/NAME.md``; ``vtsiom_2025.md`` for the running case).

    Parameters
    ----------
    name : {"vtsiom_2025", "levada_ulyukaev_2018", "kiis_elections_2023", \
"politbarometer_2019_08"}

    Returns
    -------
    toplines : pandas.DataFrame
        As :func:`load_poll_toplines`.
    card : surveystats._poll.PollCard
        As :func:`load_poll_card`.

    Raises
    ------
    ValueError
        For a name that is not a bundled poll (the message lists them).

    Examples
    --------
    KIIS states a design effect of 1.1 that multiplies the standard error; the toplines
    record the variance design effect, 1.1 squared:

    >>> from surveystats.datasets import load_poll
    >>> toplines, card = load_poll("kiis_elections_2023")
    >>> toplines[["item", "estimate", "n", "deff"]].head(2)
                        item  estimate       n  deff
    0    elections_after_war      0.81  2007.0  1.21
    1  elections_on_schedule      0.16  2007.0  1.21
    >>> card.name, card.n, card.stated_margin
    ('KIIS Omnibus', 2007, 0.024)
    """
    return load_poll_toplines(name), load_poll_card(name)


def list_polls() -> pd.DataFrame:
    """List the bundled polls (``surveystats report NAME`` renders each).

    Returns
    -------
    pandas.DataFrame
        One row per poll, with columns ``name``, ``pollster`` (the card's short name),
        ``fieldwork`` (text), ``n`` (the whole poll, int64), ``items`` (int64),
        ``stated_margin`` (float64, NaN where none is stated), ``language``, ``description``
        (what shape of poll it is) and ``data_card`` (path inside the package's ``data``
        folder).

    Examples
    --------
    >>> from surveystats.datasets import list_polls
    >>> list_polls()[["name", "pollster", "n", "items", "stated_margin"]]
                         name            pollster     n  items  stated_margin
    0             vtsiom_2025   VTsIOM phone poll  1600      2          0.025
    1    levada_ulyukaev_2018       Levada Center  1600     12          0.034
    2     kiis_elections_2023        KIIS Omnibus  2007      8          0.024
    3  politbarometer_2019_08  ZDF-Politbarometer  1307      7          0.030
    """
    records = []
    for name, entry in _POLL_REGISTRY.items():
        toplines, card = load_poll(name)  # type: ignore[arg-type]
        records.append({
            "name": name, "pollster": card.name, "fieldwork": card.fieldwork(), "n": card.n,
            "items": len(toplines),
            "stated_margin": math.nan if card.stated_margin is None else card.stated_margin,
            "language": card.language, "description": entry.description,
            "data_card": entry.data_card,
        })
    frame = pd.DataFrame.from_records(records)
    return frame.astype({"name": "string", "pollster": "string", "fieldwork": "string",
                         "n": "int64", "items": "int64", "stated_margin": "float64",
                         "language": "string", "description": "string",
                         "data_card": "string"})


# --- Teaching data: a synthetic population with known truth, and samples drawn from it. ---

_TEACHING_DIR: Final = "teaching"
#: The sample designs that ship, in the order of the data card.
TEACHING_DESIGNS: Final[tuple[str, ...]] = ("srs", "stratified", "cluster1", "cluster2")
TeachingDesign = Literal["srs", "stratified", "cluster1", "cluster2"]
"""The name of a teaching sample's design: one of :data:`TEACHING_DESIGNS`."""

#: Person columns of the population file and of every sample file, with their pandas dtypes
#: (``bool`` columns are stored as 0/1 in the CSV).
_PERSON_DTYPES: Final[dict[str, str]] = {
    "id": "int64",
    "region": "string",
    "municipality": "int64",
    "urban": "bool",
    "age_group": "string",
    "sex": "string",
    "education": "string",
    "has_mobile": "int64",
    "income": "float64",
    "optimistic": "int64",
    "trust_tv": "int64",
    "hours_online": "float64",
}
#: Design columns that follow the person columns in each sample file.
_DESIGN_DTYPES: Final[dict[str, dict[str, str]]] = {
    "srs": {"fpc": "int64", "weight": "float64"},
    "stratified": {"fpc": "int64", "weight": "float64"},
    "cluster1": {"fpc": "int64", "weight": "float64"},
    "cluster2": {"fpc1": "int64", "fpc2": "int64", "weight": "float64"},
}
_TRUTH_DTYPES: Final[dict[str, str]] = {
    "statistic": "string",
    "variable": "string",
    "region": "string",
    "probability": "float64",
    "value": "float64",
    "n": "int64",
}
_MARGIN_DTYPES: Final[dict[str, str]] = {
    "margin": "string",
    "region": "string",
    "age_group": "string",
    "sex": "string",
    "count": "int64",
}


def _read_teaching(filename: str, dtypes: dict[str, str]) -> pd.DataFrame:
    """Read one teaching-data CSV (``.csv`` or ``.csv.gz``) into a new DataFrame.

    Only empty fields count as missing. Columns typed ``bool`` in ``dtypes`` are stored as
    0/1 and converted after reading.
    """
    on_disk = {column: "int8" if dtype == "bool" else dtype for column, dtype in dtypes.items()}
    compression: Literal["gzip"] | None = "gzip" if filename.endswith(".gz") else None
    with _data_file(f"{_TEACHING_DIR}/{filename}").open("rb") as handle:
        frame = pd.read_csv(
            handle,
            encoding="utf-8",
            dtype=on_disk,
            keep_default_na=False,
            na_values=[""],
            compression=compression,
        )
    if list(frame.columns) != list(dtypes):
        raise RuntimeError(
            f"data file {filename!r} has columns {list(frame.columns)}; "
            f"the codebook expects {list(dtypes)}"
        )
    bools = [column for column, dtype in dtypes.items() if dtype == "bool"]
    if bools:
        frame = frame.astype(dict.fromkeys(bools, "bool"))
    return frame


def load_teaching_population() -> pd.DataFrame:
    """Load the synthetic teaching population: 197,000 adults in 8 regions and 500 municipalities.

    A made-up country whose every value is known, so that an estimate from any of the samples
    of :func:`load_teaching_sample` can be compared with the truth
    (:func:`load_teaching_truth`). It plays the part of R survey's ``apipop``. Regions are
    the strata and municipalities the primary sampling units (PSUs). The outcomes have
    realistic structure: income is skewed and varies between municipalities, and the attitude
    ``optimistic`` (68.5% overall) depends on age, region and TV trust and has a
    municipality random effect, so that its intraclass correlation is 0.036.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame on every call (197,000 rows, one per adult, sorted by ``id``), with
        columns:

        ``id`` : int64
            Person id, 1 to 197,000; the key that joins the samples to the population.
        ``region`` : string
            Region (stratum): ``"capital"``, ``"central"``, ``"northwest"``, ``"south"``,
            ``"volga"``, ``"urals"``, ``"siberia"`` or ``"fareast"``.
        ``municipality`` : int64
            Municipality (PSU) id, 1 to 500, unique across regions (numbered region by
            region, in the order above).
        ``urban`` : bool
            Whether the municipality is urban (a property of the municipality).
        ``age_group`` : string
            ``"18-34"``, ``"35-54"`` or ``"55+"``.
        ``sex`` : string
            ``"female"`` or ``"male"``.
        ``education`` : string
            ``"secondary"`` (general secondary or less), ``"vocational"`` or ``"higher"``.
        ``has_mobile`` : int64
            1 if the person has a mobile phone (the coverage of a phone survey), else 0.
        ``income`` : float64
            Monthly income in thousands of currency units, one decimal; never missing.
        ``optimistic`` : int64
            1 if optimistic about the coming year, else 0.
        ``trust_tv`` : int64
            1 if the person trusts television news, else 0.
        ``hours_online`` : float64
            Hours online on a typical day, one decimal; ``NaN`` for 3.1% of people (more
            often among the 55+).

    See Also
    --------
    load_teaching_sample : The four samples drawn from this population.
    load_teaching_truth : The population values of the usual estimands.
    load_teaching_margins : Population counts for calibration.

    Notes
    -----
    Generated by ``examples/data_generation/make_teaching_data.py`` with seed 20251213; the
    data card ``teaching/README.md`` in the package's ``data`` folder gives the model and
    every design. The data are synthetic: the region names evoke a large country, but no
    value describes a real place. The file is gzip-compressed CSV (``population.csv.gz``,
    about 1.8 MB).

    Examples
    --------
    >>> from surveystats.datasets import load_teaching_population
    >>> pop = load_teaching_population()
    >>> pop.shape
    (197000, 12)
    >>> pop["municipality"].nunique()
    500
    >>> round(float(pop["optimistic"].mean()), 4)  # the true share of optimists
    0.6846
    >>> round(float(pop["hours_online"].isna().mean()), 3)
    0.031
    >>> pop.groupby("region", sort=False).size()
    region
    capital      29999
    central      34001
    northwest    19005
    south        23000
    volga        39994
    urals        16999
    siberia      23001
    fareast      11001
    dtype: int64
    """
    return _read_teaching("population.csv.gz", _PERSON_DTYPES)


def load_teaching_sample(design: TeachingDesign) -> pd.DataFrame:
    """Load one of the four samples drawn from the teaching population.

    Each sample is a set of rows of :func:`load_teaching_population` (same ``id`` and same
    values) plus its design variables and weights, like R survey's ``apisrs``,
    ``apistrat``, ``apiclus1`` and ``apiclus2``. The weights are the inverse inclusion
    probabilities and the fpc columns hold population counts (not sampling fractions).

    Parameters
    ----------
    design : {"srs", "stratified", "cluster1", "cluster2"}
        Which sample:

        ``"srs"``
            Simple random sample of 1,600 adults without replacement.
            ``SurveyDesign(data, weights="weight", fpc=["fpc"])``.
        ``"stratified"``
            Stratified by region, 200 adults per region by simple random sampling (equal
            allocation, so the small regions are oversampled).
            ``SurveyDesign(data, weights="weight", strata="region", fpc=["fpc"])``.
        ``"cluster1"``
            One-stage cluster sample: 40 of the 500 municipalities by simple random
            sampling, every adult in them (11,830 people).
            ``SurveyDesign(data, weights="weight", clusters=["municipality"], fpc=["fpc"])``.
        ``"cluster2"``
            Two-stage stratified sample: 2 to 6 municipalities per region by simple random
            sampling (35 in all), then 12 adults in each by simple random sampling (420).
            ``SurveyDesign(data, weights="weight", strata="region",
            clusters=["municipality", "id"], fpc=["fpc1", "fpc2"], nest=True)``.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame on every call, sorted by ``id``: the 12 columns of
        :func:`load_teaching_population`, then the design columns:

        ``fpc`` : int64 (``"srs"``, ``"stratified"``, ``"cluster1"``)
            Population count for the finite population correction: N = 197,000 people
            (srs), the region's number of adults N_h (stratified), or M = 500
            municipalities (cluster1).
        ``fpc1``, ``fpc2`` : int64 (``"cluster2"``)
            Municipalities in the region (M_h) and adults in the municipality (N_i).
        ``weight`` : float64
            Inverse of the inclusion probability: N / n, N_h / n_h, M / m, or
            (M_h / m_h) * (N_i / 12).

    Raises
    ------
    ValueError
        If ``design`` is not one of the four names.

    See Also
    --------
    load_teaching_population : The population the samples were drawn from.
    load_teaching_truth : The population values of the usual estimands.
    load_teaching_margins : Population counts for calibration.

    Notes
    -----
    The weights of ``"srs"`` and ``"stratified"`` add up to the population size exactly. In
    the cluster samples the number of people depends on which municipalities were drawn, so
    the weights add up to an unbiased but random estimate of 197,000: 147,875 for
    ``"cluster1"`` and 212,663 for ``"cluster2"``. That is why the mean (a ratio of two
    weighted totals) is estimated far more precisely than the total there. The data card
    ``teaching/README.md`` gives the inclusion probabilities and teaching notes.

    Examples
    --------
    >>> from surveystats.datasets import load_teaching_sample
    >>> srs = load_teaching_sample("srs")
    >>> len(srs), float(srs["weight"].sum())
    (1600, 197000.0)
    >>> strat = load_teaching_sample("stratified")
    >>> strat.groupby("region", sort=False)["weight"].first().round(2)
    region
    capital      150.00
    central      170.00
    northwest     95.02
    south        115.00
    volga        199.97
    urals         85.00
    siberia      115.00
    fareast       55.00
    Name: weight, dtype: float64
    >>> c2 = load_teaching_sample("cluster2")
    >>> len(c2), c2["municipality"].nunique()
    (420, 35)

    A weighted (Hajek) share against the truth, 0.6846:

    >>> def share(d):
    ...     return round(float((d["weight"] * d["optimistic"]).sum() / d["weight"].sum()), 4)
    >>> [share(load_teaching_sample(d)) for d in ("srs", "stratified", "cluster1", "cluster2")]
    [0.6869, 0.6748, 0.7036, 0.6749]

    >>> load_teaching_sample("pps")
    Traceback (most recent call last):
    ...
    ValueError: design ('pps') is not one of 'srs', 'stratified', 'cluster1', 'cluster2'
    """
    check_choice("design", design, TEACHING_DESIGNS)
    return _read_teaching(f"{design}.csv", {**_PERSON_DTYPES, **_DESIGN_DTYPES[design]})


def load_teaching_truth() -> pd.DataFrame:
    """Load the true population values of the teaching population's usual estimands.

    Computed from :func:`load_teaching_population` by the generator, so every estimate from
    :func:`load_teaching_sample` can be compared with its target. Overall (``region ==
    "all"``) and for each region: the number of persons, means, proportions, totals, the
    ratio of income to hours online and the quartiles of income; overall only, the
    intraclass correlations within municipalities.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame on every call (138 rows), with columns:

        ``statistic`` : string
            ``"count"``, ``"mean"``, ``"proportion"``, ``"total"``, ``"ratio"``,
            ``"quantile"`` or ``"icc"``.
        ``variable`` : string
            ``"persons"`` (for ``count``), ``"income"``, ``"hours_online"``,
            ``"optimistic"``, ``"trust_tv"``, ``"has_mobile"`` or, for the ratio,
            ``"income/hours_online"``.
        ``region`` : string
            ``"all"`` or a region name: the domain.
        ``probability`` : float64
            The quantile's probability (0.25, 0.5, 0.75); ``NaN`` for other statistics.
        ``value`` : float64
            The population value.
        ``n`` : int64
            Number of persons it is computed over (fewer for ``hours_online``, whose missing
            values are left out).

    See Also
    --------
    load_teaching_population : The population these values describe.
    load_teaching_sample : The four samples drawn from it.
    load_teaching_margins : Population counts for calibration.

    Notes
    -----
    Definitions (U is the domain, U_obs its persons with ``hours_online`` observed):

    * ``mean`` and ``proportion``: the average over U; for ``hours_online`` over U_obs.
    * ``total``: the sum over U (over U_obs for ``hours_online``); for a 0/1 variable, the
      count of 1s.
    * ``ratio``: sum of ``income`` over U_obs / sum of ``hours_online`` over U_obs, the target
      of a ratio estimator that drops persons with a missing value from both sums.
    * ``quantile``: the smallest value x with (share of U with ``income`` <= x) >= p, the
      inverse of the population distribution function (R survey's ``qrule = "math"``).
    * ``icc``: the ANOVA intraclass correlation within municipalities, (MSB - MSW) /
      (MSB + (m0 - 1) MSW) with m0 = (N - sum N_i^2 / N) / (M - 1). For a cluster sample
      that takes m people per cluster, the design effect of a mean is about 1 + (m - 1) icc.

    Examples
    --------
    >>> from surveystats.datasets import load_teaching_truth
    >>> truth = load_teaching_truth()
    >>> overall = (truth[truth["region"] == "all"]
    ...            .set_index(["statistic", "variable"]).sort_index())
    >>> round(overall.loc[("proportion", "optimistic"), "value"].item(), 4)
    0.6846
    >>> round(overall.loc[("mean", "income"), "value"].item(), 2)
    39.41
    >>> overall.loc["quantile", ["probability", "value"]]
              probability  value
    variable
    income           0.25   19.1
    income           0.50   30.7
    income           0.75   49.3
    >>> round(overall.loc[("icc", "optimistic"), "value"].item(), 3)
    0.036
    """
    return _read_teaching("truth.csv", _TRUTH_DTYPES)


def load_teaching_margins() -> pd.DataFrame:
    """Load known population counts of the teaching population, for calibration.

    The control totals a student would pass to post-stratification, raking or linear
    calibration: the population size, and counts by region, by age group, by sex and by age
    group crossed with sex.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame on every call (20 rows), with columns:

        ``margin`` : string
            ``"total"``, ``"region"``, ``"age_group"``, ``"sex"`` or ``"age_group x sex"``.
        ``region``, ``age_group``, ``sex`` : string
            The cell of the margin; ``<NA>`` in the columns the margin does not use.
        ``count`` : int64
            Number of adults in the population in that cell.

    See Also
    --------
    load_teaching_population : The population these counts describe.
    load_teaching_sample : The four samples drawn from it.
    load_teaching_truth : The population values of the usual estimands.

    Examples
    --------
    >>> from surveystats.datasets import load_teaching_margins
    >>> margins = load_teaching_margins()
    >>> margins.loc[margins["margin"] == "age_group x sex", ["age_group", "sex", "count"]]
       age_group     sex  count
    14     18-34  female  28201
    15     18-34    male  29152
    16     35-54  female  36243
    17     35-54    male  32131
    18       55+  female  43555
    19       55+    male  27718

    Every margin adds up to the population size:

    >>> margins.groupby("margin", sort=False)["count"].sum().unique().tolist()
    [197000]
    """
    return _read_teaching("margins.csv", _MARGIN_DTYPES)


@dataclass(frozen=True)
class _DatasetEntry:
    """One bundled dataset: its loader (and the arguments it takes), data file and data card."""

    name: str
    loader: Callable[..., pd.DataFrame]
    description: str
    data_file: str
    card: str
    arguments: tuple[str, ...] = ()

    def load(self) -> pd.DataFrame:
        """Call the loader with this entry's arguments."""
        return self.loader(*self.arguments)

    @property
    def call(self) -> str:
        """How to load it: the loader's name, with its arguments if it takes any."""
        if not self.arguments:
            return self.loader.__name__
        listed = ", ".join(f'"{argument}"' for argument in self.arguments)
        return f"{self.loader.__name__}({listed})"


_TEACHING_CARD: Final = f"{_TEACHING_DIR}/README.md"
_SAMPLE_DESCRIPTIONS: Final[dict[str, str]] = {
    "srs": "Teaching sample: simple random sample of 1,600 adults (fpc = N)",
    "stratified": (
        "Teaching sample: stratified by region, 200 adults per region (fpc = N_h; "
        "small regions oversampled)"
    ),
    "cluster1": (
        "Teaching sample: one-stage cluster sample, all 11,830 adults in 40 of 500 "
        "municipalities (fpc = M)"
    ),
    "cluster2": (
        "Teaching sample: two-stage, 2-6 municipalities per region then 12 adults in each, "
        "n = 420 (fpc1 = M_h, fpc2 = N_i)"
    ),
}

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
    _DatasetEntry(
        name="vtsiom_2025_toplines",
        loader=load_vtsiom_2025_toplines,
        description=(
            "The same poll's two headlines as report toplines (labels, the ambiguous base of "
            "the 55%), with its poll card vtsiom_2025_toplines.toml"
        ),
        data_file=_VTSIOM_TOPLINES,
        card="vtsiom_2025.md",
    ),
    *(
        _DatasetEntry(
            name=entry.name,
            loader=load_poll_toplines,
            description=f"Toplines and poll card ({entry.card.rsplit('/', 1)[-1]}): "
                        f"{entry.description}",
            data_file=entry.toplines,
            card=entry.data_card,
            arguments=(entry.name,),
        )
        for entry in _POLL_REGISTRY.values() if entry.name != "vtsiom_2025"
    ),
    _DatasetEntry(
        name="teaching_population",
        loader=load_teaching_population,
        description=(
            "Synthetic teaching population with known truth: adults in 8 regions (strata) "
            "and 500 municipalities (PSUs)"
        ),
        data_file=f"{_TEACHING_DIR}/population.csv.gz",
        card=_TEACHING_CARD,
    ),
    *(
        _DatasetEntry(
            name=f"teaching_{design}",
            loader=load_teaching_sample,
            description=_SAMPLE_DESCRIPTIONS[design],
            data_file=f"{_TEACHING_DIR}/{design}.csv",
            card=_TEACHING_CARD,
            arguments=(design,),
        )
        for design in TEACHING_DESIGNS
    ),
    _DatasetEntry(
        name="teaching_truth",
        loader=load_teaching_truth,
        description=(
            "True population values for the teaching data: means, proportions, totals, "
            "ratio, income quartiles (overall and by region) and ICCs"
        ),
        data_file=f"{_TEACHING_DIR}/truth.csv",
        card=_TEACHING_CARD,
    ),
    _DatasetEntry(
        name="teaching_margins",
        loader=load_teaching_margins,
        description=(
            "Population counts of the teaching population for calibration: total, region, "
            "age group, sex, age group x sex"
        ),
        data_file=f"{_TEACHING_DIR}/margins.csv",
        card=_TEACHING_CARD,
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
            How to load it from :mod:`surveystats.datasets`: the loader's name, with its
            argument where it takes one, e.g. ``load_teaching_sample("srs")``.
        ``description`` : string
            One-line description.
        ``rows`` : int64
            Number of rows the loader returns.
        ``card`` : string
            Path of the markdown data card inside the package's ``data`` folder, e.g.
            ``"teaching/README.md"`` (several datasets can share one card).

    Notes
    -----
    ``rows`` is counted by calling each loader, so the listing cannot drift from the data.

    Examples
    --------
    >>> from surveystats.datasets import list_datasets
    >>> listing = list_datasets()
    >>> listing[["name", "rows"]]
                          name    rows
    0              vtsiom_2025      14
    1     vtsiom_2025_toplines       2
    2     levada_ulyukaev_2018      12
    3      kiis_elections_2023       8
    4   politbarometer_2019_08       7
    5      teaching_population  197000
    6             teaching_srs    1600
    7      teaching_stratified    1600
    8        teaching_cluster1   11830
    9        teaching_cluster2     420
    10          teaching_truth     138
    11        teaching_margins      20
    >>> listing.loc[[2, 6], "loader"].tolist()
    ['load_poll_toplines("levada_ulyukaev_2018")', 'load_teaching_sample("srs")']
    >>> listing["card"].unique().tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['vtsiom_2025.md', 'polls/levada_ulyukaev_2018.md', 'polls/kiis_elections_2023.md',
     'polls/politbarometer_2019_08.md', 'teaching/README.md']
    """
    records = [
        {
            "name": entry.name,
            "loader": entry.call,
            "description": entry.description,
            "rows": len(entry.load()),
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


def teaching_labelled_path(kind: str = "dta") -> Path:
    """The path of the labelled teaching file, in Stata or SPSS format.

    The stratified teaching sample as agencies publish microdata, with value labels (codes
    1, 2, ... for region, age group, sex and education, in a meaningful order) and variable
    labels (the question texts).

    Parameters
    ----------
    kind : {"dta", "sav"}, default "dta"
        Stata (read with :func:`surveystats.read_stata`) or SPSS
        (:func:`surveystats.read_spss`, which needs pyreadstat).

    Returns
    -------
    pathlib.Path
        Written by ``examples/data_generation/make_labelled_teaching_file.py`` from
        :func:`load_teaching_sample` ``("stratified")``.

    Examples
    --------
    >>> from surveystats.datasets import teaching_labelled_path
    >>> teaching_labelled_path("dta").name
    'stratified_labelled.dta'
    """
    if kind not in ("dta", "sav"):
        raise ValueError(f"kind ({kind!r}) must be 'dta' (Stata) or 'sav' (SPSS)")
    return Path(str(_data_file(f"teaching/stratified_labelled.{kind}")))
