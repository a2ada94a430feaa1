"""Shared by the notebook generators: (kind, text) cells -> a notebook.

Kinds:

- ``md`` (markdown) and ``code``;
- ``chart``: a code cell that draws one figure, tagged ``chart`` (the tests check that each
  such cell shows exactly one image and that no other cell shows one);
- ``exercise``: a markdown cell tagged ``exercise``, the task a student is set (the course's
  lessons, ``docs/course``);
- ``solution``: a code cell tagged ``solution`` and ``hide-cell``: its worked answer, folded
  on the site (myst-nb shows a hidden cell behind a "show" toggle) and executed, with its
  assertions, by the tests.

The last cell is tagged ``key-numbers`` (the cell the tests read).

The stored notebooks carry no outputs: images rendered by matplotlib are not byte-stable across
versions, and the tests execute the notebooks anyway.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KINDS = ("md", "code", "chart", "exercise", "solution")
TAGS = {"chart": ["chart"], "exercise": ["exercise"], "solution": ["solution", "hide-cell"]}


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for i, (kind, text) in enumerate(cells):
        if kind not in KINDS:
            raise ValueError(f"cell {i}: kind ({kind!r}) must be one of {', '.join(KINDS)}")
        markdown = kind in ("md", "exercise")
        cell = new_markdown_cell(text) if markdown else new_code_cell(text)
        if kind in TAGS:
            cell.metadata["tags"] = list(TAGS[kind])
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating gives no spurious diff
        nb.cells.append(cell)
    nb.cells[-1].metadata.setdefault("tags", []).append("key-numbers")
    return nb
