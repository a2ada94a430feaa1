"""Notebook and console display, kept apart from the statistics.

Result objects implement ``to_frame()``; this module turns that frame into the one-line
``__repr__`` pieces and the ``_repr_html_`` table that Jupyter shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["fmt", "html_table"]


def fmt(value: Any, digits: int = 4) -> str:
    """Short text for a scalar, or a shape summary for an array."""
    if value is None:
        return "None"
    if isinstance(value, (pd.Series, np.ndarray)) and np.ndim(value) > 0:
        arr = np.asarray(value)
        if arr.size == 1:
            return fmt(arr.item(), digits)
        return f"<{arr.size} values>"
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer() and abs(float(value)) < 1e15:
            return f"{int(value)}"
        return f"{float(value):.{digits}g}"
    return str(value)


def html_table(title: str, frame: pd.DataFrame, note: str = "", max_rows: int = 30) -> str:
    """A titled HTML table for ``_repr_html_``."""
    body = frame.to_html(max_rows=max_rows, float_format=lambda v: f"{v:.4g}", border=0)
    caption = f"<p><strong>{title}</strong></p>"
    foot = f"<p><small>{note}</small></p>" if note else ""
    return f"<div>{caption}{body}{foot}</div>"


def pct_text(x: float, digits: int | None = 1) -> str:
    """A share as a percentage: ``0.7 -> '70.0%'``; ``digits=None`` gives one decimal only
    when the value is not a whole percentage (``0.55 -> '55%'``, ``0.385 -> '38.5%'``)."""
    if digits is None:
        digits = 0 if abs(100 * x - round(100 * x)) < 1e-6 else 1
    return f"{100 * float(x):.{digits}f}%"


def count_text(x: float) -> str:
    """A size for human text: whole numbers as integers with thousands separators."""
    x = float(x)
    return f"{x:,.0f}" if x.is_integer() else f"{x:,.1f}"
