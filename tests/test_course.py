"""The course (docs/course): eight lessons that run, teach as agreed and state the right numbers.

Each lesson is a notebook written by its generator, ``docs/course/make_lesson_NN.py`` (cells as
``(kind, text)`` pairs, see ``examples/_notebook_cells.py``), which also holds ``EXPECTED``:
the lesson's key numbers, each with its absolute tolerance and, in a comment, where the value
comes from (the teaching population's known truth, a closed formula, a published figure). The
tests check the shape a teacher was promised (learning goals, a formula, three or more
exercises, each with a folded solution that asserts its answer), execute every lesson once
with a Jupyter kernel (``MPLBACKEND=Agg`` as ``make test`` sets it; the kernel imports the
checkout under test), and compare the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
from notebooks import cell_list, execute, images, key_numbers, load_script, tags

COURSE = Path(__file__).resolve().parent.parent / "docs" / "course"
GENERATORS = sorted(COURSE.glob("make_lesson_*.py"))
NAMES = [p.stem.removeprefix("make_") for p in GENERATORS]


@functools.cache
def _generator(name: str) -> ModuleType:
    return load_script(COURSE / f"make_{name}.py")


def _stored(name: str) -> nbformat.NotebookNode:
    return nbformat.read(COURSE / _generator(name).NOTEBOOK, as_version=4)


@functools.cache
def _executed(name: str) -> nbformat.NotebookNode:
    return execute(COURSE / _generator(name).NOTEBOOK, cwd=COURSE)


def test_there_are_eight_lessons() -> None:
    assert [n[:9] for n in NAMES] == [f"lesson_{i:02d}" for i in range(1, 9)]
    index = (COURSE / "index.md").read_text(encoding="utf-8")
    for name in NAMES:  # every lesson is in the course's table of contents
        assert Path(_generator(name).NOTEBOOK).stem in index


@pytest.mark.parametrize("name", NAMES)
def test_lesson_is_generated_from_its_script(name: str) -> None:
    built = _generator(name).build()
    stored = _stored(name)
    assert cell_list(built) == cell_list(stored)
    assert built.metadata == stored.metadata
    assert all(not c.get("outputs") for c in stored.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", NAMES)
def test_lesson_has_the_promised_shape(name: str) -> None:
    nb = _stored(name)
    number = int(name[7:9])
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].startswith(f"# Lesson {number}:"), md[0][:80]
    assert any("## Learning goals" in s for s in md)
    assert any("$$" in s for s in md), "a lesson states its formula in display math"
    assert re.search(r"\b(2\d|3\d|40) minutes\b", md[0] + md[1]), "a lesson says how long it takes"
    kinds = ["exercise" if "exercise" in tags(c) else "solution" if "solution" in tags(c)
             else "" for c in nb.cells]
    exercises = [i for i, k in enumerate(kinds) if k == "exercise"]
    assert len(exercises) >= 3
    for j, start in enumerate(exercises):
        stop = exercises[j + 1] if j + 1 < len(exercises) else len(nb.cells)
        solutions = [i for i in range(start, stop) if kinds[i] == "solution"]
        assert solutions, f"exercise {j + 1} of {name} has no solution"
        assert nb.cells[start].source.startswith(f"### Exercise {number}.{j + 1}")
        for i in solutions:
            cell = nb.cells[i]
            assert "hide-cell" in tags(cell)  # folded on the site
            assert "assert " in cell.source, "a solution checks its own answer"


@pytest.mark.parametrize("name", NAMES)
def test_lesson_runs_and_states_its_key_numbers(name: str) -> None:
    nb = _executed(name)
    cell = nb.cells[-1]
    assert "key-numbers" in tags(cell)
    key = key_numbers(cell)
    expected = _generator(name).EXPECTED
    assert set(key) == set(expected)
    for k, (value, tol) in expected.items():
        assert abs(key[k] - value) <= tol, (k, key[k], value, tol)


@pytest.mark.parametrize("name", NAMES)
def test_lesson_shows_its_charts_and_no_errors(name: str) -> None:
    nb = _executed(name)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        assert not [o for o in outputs if o.get("output_type") == "error"]
        shown = images(cell)
        if "chart" in tags(cell):
            assert shown == 1, cell.source[:80]
        elif "solution" in tags(cell):  # a worked answer may draw its own chart
            assert shown <= 1, cell.source[:80]
        else:
            assert shown == 0, cell.source[:80]
        # no warning leaks into a lesson a student reads, except where a cell tagged
        # "shows-warning" shows one on purpose
        streams = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
        if "shows-warning" not in tags(cell):
            assert "Warning" not in streams, (cell.source[:80], streams[:300])
