"""Shared by the notebook generators: (kind, text) cells -> a notebook.

Kinds: ``md`` (markdown), ``code``, and ``chart``: a code cell that draws one figure, tagged
``chart`` (the tests check that each such cell shows exactly one image and that no other cell
shows one). The last cell is tagged ``key-numbers`` (the cell the tests read).

The stored notebooks carry no outputs: images rendered by matplotlib are not byte-stable across
versions, and the tests execute the notebooks anyway.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KINDS = ("md", "code", "chart")


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for i, (kind, text) in enumerate(cells):
        if kind not in KINDS:
            raise ValueError(f"cell {i}: kind ({kind!r}) must be one of {', '.join(KINDS)}")
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        if kind == "chart":
            cell.metadata["tags"] = ["chart"]
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating gives no spurious diff
        nb.cells.append(cell)
    nb.cells[-1].metadata.setdefault("tags", []).append("key-numbers")
    return nb
