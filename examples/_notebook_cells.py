"""Shared by the notebook generators: (kind, text) cells -> a notebook whose last cell is
tagged ``key-numbers`` (the cell the tests read)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for i, (kind, text) in enumerate(cells):
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating gives no spurious diff
        nb.cells.append(cell)
    nb.cells[-1].metadata["tags"] = ["key-numbers"]
    return nb
