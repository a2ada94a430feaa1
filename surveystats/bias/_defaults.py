"""Default parameter ranges for the bias mechanisms, with their evidence.

The table lives in ``surveystats/bias/data/default_ranges.csv`` (one row per parameter and
item) and is read through :mod:`importlib.resources`, so it works from an installed wheel.

Evidence labels: ``S`` stated in the named source; ``S2`` secondary (press summary or third
party); ``D`` derived by arithmetic on sourced numbers (the note gives the formula); ``I``
judgement -- no source gives the number, treat it as a tunable default.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import pandas as pd

__all__ = ["EVIDENCE_LABELS", "DefaultRange", "default_range", "default_ranges"]

EVIDENCE_LABELS: tuple[str, ...] = ("S", "S2", "D", "I")
"""Allowed labels in the ``evidence`` column (several are joined with ``"; "``)."""

_COLUMNS = (
    "mechanism",
    "parameter",
    "low",
    "central",
    "high",
    "unit",
    "applies_to",
    "evidence",
    "source",
    "url",
    "note",
)
_NUMERIC = ("low", "central", "high")


@dataclass(frozen=True, slots=True)
class DefaultRange:
    """One row of the default-ranges table.

    Attributes
    ----------
    mechanism, parameter : str
        Names as in :data:`surveystats.bias.MECHANISMS` and the mechanism's parameters (plus
        ``design_effect``, ``tse_multiplier`` and ``manski`` for the variance-only and display
        rows, and cross-check parameters such as ``nonresponse``/``relative_bias``).
    low, central, high : float
        The range, in the unit the mechanism expects (proportions, not percentage points).
    unit, applies_to : str
        What the numbers measure and which item they are for (``"all"``, ``"70% item"``,
        ``"55% item"``).
    evidence : str
        Labels from :data:`EVIDENCE_LABELS` joined with ``"; "``.
    source, url, note : str
        Short citation, address(es) separated by spaces (empty for pure judgements), and why
        these numbers, with each judgement marked ``[I]``.
    """

    mechanism: str
    parameter: str
    low: float
    central: float
    high: float
    unit: str
    applies_to: str
    evidence: str
    source: str
    url: str
    note: str

    @property
    def values(self) -> tuple[float, float, float]:
        """``(low, central, high)``."""
        return (self.low, self.central, self.high)

    @property
    def evidence_labels(self) -> tuple[str, ...]:
        """The evidence labels as a tuple, e.g. ``("S", "D", "I")``."""
        return tuple(label.strip() for label in self.evidence.split(";") if label.strip())


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    ref = resources.files("surveystats.bias").joinpath("data", "default_ranges.csv")
    with ref.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    if tuple(frame.columns) != _COLUMNS:
        raise RuntimeError(
            f"default_ranges.csv has columns {list(frame.columns)}; expected {list(_COLUMNS)}"
        )
    for col in _NUMERIC:
        frame[col] = frame[col].astype(float)
    return frame


def default_ranges() -> pd.DataFrame:
    """All default parameter ranges with their sources, as a fresh DataFrame.

    Returns
    -------
    pandas.DataFrame
        One row per parameter (and item, where the range depends on it) with columns
        ``mechanism``, ``parameter``, ``low``, ``central``, ``high``, ``unit``,
        ``applies_to``, ``evidence``, ``source``, ``url``, ``note``. The frame is a copy;
        changing it does not change later calls.

    Notes
    -----
    The ranges cover the VTsIOM December 2025 poll (n = 1,600; items at 70% and 55%). Many
    central values are judgements; the ``note`` says which, and the ``evidence`` column
    carries the labels. Rows the evidence describes as the same effect (``data_defect`` rho,
    ``nonresponse`` odds_ratio and relative_bias) are alternatives, not terms to add up.

    Examples
    --------
    >>> from surveystats.bias import default_ranges
    >>> table = default_ranges()
    >>> list(table.columns[:5])
    ['mechanism', 'parameter', 'low', 'central', 'high']
    >>> table.query("mechanism == 'tse_multiplier'")[["low", "central", "high"]].to_numpy()
    array([[1., 2., 3.]])
    """
    return _table().copy()


def default_range(mechanism: str, parameter: str, *, applies_to: str | None = None) -> DefaultRange:
    """The default range of one parameter.

    Parameters
    ----------
    mechanism : str
        A value of the ``mechanism`` column, e.g. ``"nonresponse"``.
    parameter : str
        A value of the ``parameter`` column for that mechanism, e.g. ``"odds_ratio"``.
    applies_to : str, optional
        Needed only when the range depends on the item (``"70% item"`` or ``"55% item"`` for
        ``falsification``/``share``).

    Returns
    -------
    DefaultRange
        Frozen record with ``low``, ``central``, ``high``, ``unit``, ``applies_to``,
        ``evidence``, ``source``, ``url`` and ``note``.

    Raises
    ------
    ValueError
        Unknown mechanism, parameter or item (the message lists the valid ones), or several
        rows match and ``applies_to`` was not given.

    Examples
    --------
    >>> from surveystats.bias import default_range
    >>> k = default_range("nonresponse", "odds_ratio")
    >>> k.values
    (1.0, 1.2, 1.42)
    >>> k.evidence_labels
    ('S', 'D', 'I')
    >>> default_range("falsification", "share", applies_to="55% item").central
    0.1
    """
    table = _table()
    mechanisms = sorted(set(table["mechanism"]))
    if mechanism not in mechanisms:
        raise ValueError(f"mechanism ({mechanism!r}) must be one of {mechanisms}")
    rows = table[table["mechanism"] == mechanism]
    parameters = sorted(set(rows["parameter"]))
    if parameter not in parameters:
        raise ValueError(
            f"parameter ({parameter!r}) must be one of {parameters} for mechanism {mechanism!r}"
        )
    rows = rows[rows["parameter"] == parameter]
    items = sorted(rows["applies_to"])
    if applies_to is not None:
        if applies_to not in items:
            raise ValueError(
                f"applies_to ({applies_to!r}) must be one of {items} for "
                f"{mechanism!r}/{parameter!r}"
            )
        rows = rows[rows["applies_to"] == applies_to]
    elif len(rows) > 1:
        raise ValueError(
            f"{mechanism!r}/{parameter!r} has one range per item; pass applies_to= one of {items}"
        )
    row = rows.iloc[0]
    return DefaultRange(
        mechanism=str(row["mechanism"]),
        parameter=str(row["parameter"]),
        low=float(row["low"]),
        central=float(row["central"]),
        high=float(row["high"]),
        unit=str(row["unit"]),
        applies_to=str(row["applies_to"]),
        evidence=str(row["evidence"]),
        source=str(row["source"]),
        url=str(row["url"]),
        note=str(row["note"]),
    )
