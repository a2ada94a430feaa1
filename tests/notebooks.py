"""Shared by the tests of the generated notebooks (tests/test_notebook.py: examples/,
tests/test_course.py: the course's lessons): load a generator script, compare what it builds
with the stored notebook, execute a notebook with a Jupyter kernel, read its key numbers.

The kernel's environment has ``MPLBACKEND=Agg``, as ``make test`` sets it: a notebook must
show its charts even there, so none may force a backend and each selects the inline one
itself. The kernel imports the surveystats that this test process imported (the checkout
under test, not another install).
"""

from __future__ import annotations

import ast
import importlib.util
import os
from pathlib import Path
from types import ModuleType

import nbformat
from nbclient import NotebookClient

import surveystats


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.metadata.get("tags", []))


def images(cell: nbformat.NotebookNode) -> int:
    """The PNG images a code cell shows."""
    return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def load_script(path: Path) -> ModuleType:
    """A generator script (``make_*.py``) as a module, without running its main block."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cell_list(nb: nbformat.NotebookNode) -> list[tuple[str, str, str, list[str]]]:
    """What a generator decides of each cell: id, type, source and tags."""
    return [(c.id, c.cell_type, c.source, tags(c)) for c in nb.cells]


def kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"  # what `make test` sets; the notebooks must override it
    package_root = str(Path(surveystats.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return env


def execute(path: Path, cwd: Path | None = None) -> nbformat.NotebookNode:
    """The notebook at ``path``, executed (in ``cwd``, default the current directory)."""
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(cwd)}} if cwd is not None else None
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources=resources or {}).execute(env=kernel_env())
    return nb


def key_numbers(cell: nbformat.NotebookNode) -> dict[str, float]:
    """The dict that a (key-numbers) cell evaluated to."""
    result = next(o for o in cell.outputs if o.get("output_type") == "execute_result")
    return dict(ast.literal_eval(result["data"]["text/plain"]))
