"""Labelled survey files (SPSS ``.sav``, Stata ``.dta``) as DataFrames a design can use.

Survey agencies publish microdata with value labels (1 = "Strongly agree", ...) and variable
labels (the question text). :func:`read_stata` and :func:`read_spss` return a DataFrame in
which every labelled variable is an *ordered* categorical in the order of its codes (so
"Strongly disagree" < ... < "Strongly agree" sorts and tabulates as the questionnaire has it)
and the question texts travel in ``df.attrs["labels"]`` (column -> text). Stata files are
read by pandas alone; SPSS files need the optional ``pyreadstat`` (``pip install
'surveystats[spss]'``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import pandas as pd

__all__ = ["read_spss", "read_stata"]

#: Where the question texts of a labelled file are kept: ``df.attrs[LABELS_ATTR]``.
LABELS_ATTR = "labels"


def _path(path: str | os.PathLike[str], suffixes: tuple[str, ...], what: str) -> Path:
    where = Path(path)
    if not where.is_file():
        raise ValueError(f"path ({str(where)!r}) is not a file; give the {what} file to read")
    if where.suffix.lower() not in suffixes:
        raise ValueError(f"path ({str(where)!r}) does not end in {' or '.join(suffixes)}; "
                         f"give a {what} file")
    return where


def _finish(frame: pd.DataFrame, labels: dict[str, Any]) -> pd.DataFrame:
    frame.attrs[LABELS_ATTR] = {str(k): str(v) for k, v in labels.items() if v}
    return frame


def read_stata(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Stata ``.dta`` file with its value and variable labels.

    Parameters
    ----------
    path : str or path-like
        The ``.dta`` file.

    Returns
    -------
    DataFrame
        Labelled variables as ordered categoricals (categories in code order); the variable
        labels (question texts) in ``df.attrs["labels"]``.

    Raises
    ------
    ValueError
        Naming the path, when it is not a readable Stata file.

    Examples
    --------
    >>> from surveystats import read_stata
    >>> from surveystats.datasets import teaching_labelled_path
    >>> df = read_stata(teaching_labelled_path("dta"))
    >>> list(df["education"].cat.categories)
    ['secondary', 'vocational', 'higher']
    >>> df.attrs["labels"]["trust_tv"]
    'Do you trust the news on television? (1 = yes)'
    """
    where = _path(path, (".dta",), "Stata (.dta)")
    try:
        with pd.io.stata.StataReader(where) as reader:
            frame = cast(Any, reader).read(convert_categoricals=True,
                                           order_categoricals=True)
            labels = reader.variable_labels()
    except Exception as exc:  # a damaged file fails in struct, ValueError, OSError, ...
        raise ValueError(f"path ({str(where)!r}) cannot be read as a Stata file: "
                         f"{type(exc).__name__}: {exc}") from None
    return _finish(frame, labels)


def read_spss(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an SPSS ``.sav`` file with its value and variable labels.

    Needs the optional dependency ``pyreadstat`` (``pip install 'surveystats[spss]'``).

    Parameters
    ----------
    path : str or path-like
        The ``.sav`` (or ``.zsav``) file.

    Returns
    -------
    DataFrame
        As :func:`read_stata`: labelled variables as ordered categoricals in code order, the
        question texts in ``df.attrs["labels"]``.

    Raises
    ------
    ImportError
        When ``pyreadstat`` is not installed, saying how to install it.
    ValueError
        Naming the path, when it is not a readable SPSS file.
    """
    where = _path(path, (".sav", ".zsav"), "SPSS (.sav)")
    try:
        import pyreadstat
    except ImportError:
        raise ImportError("read_spss needs the optional package pyreadstat: pip install "
                          "'surveystats[spss]' (or pip install pyreadstat)") from None
    try:
        frame, meta = pyreadstat.read_sav(str(where), apply_value_formats=True,
                                          formats_as_ordered_category=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError
        raise ValueError(f"path ({str(where)!r}) cannot be read as an SPSS file: {exc}"
                         ) from None
    return _finish(frame, dict(meta.column_names_to_labels))
