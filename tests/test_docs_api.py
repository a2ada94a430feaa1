"""The API reference documents exactly the public names: each module's ``__all__``.

The pages in ``docs/api/`` list the names in ``autosummary`` directives under a
``currentmodule``; Sphinx (``make docs``) makes one page per name from those lists. This test
reads the lists as text, so it needs no Sphinx: a name added to ``__all__`` without a line in
its module's page fails here, as does a line for a name that is not public (or no longer
exists), before anyone builds the site.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

API = Path(__file__).resolve().parent.parent / "docs" / "api"
#: each public module and the page that documents its names
MODULES = {
    "surveystats": "surveystats.rst",
    "surveystats.bias": "bias.rst",
    "surveystats.design": "design.rst",
    "surveystats.plotting": "plotting.rst",
    "surveystats.datasets": "datasets.rst",
}

DIRECTIVE = re.compile(r"^\.\. (?P<name>[\w:-]+)::\s*(?P<arg>.*?)\s*$")


def autosummary_entries(text: str) -> list[tuple[str, str, bool]]:
    """``(currentmodule, name, has_toctree)`` for every entry of every autosummary."""
    entries: list[tuple[str, str, bool]] = []
    module = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = DIRECTIVE.match(lines[i])
        i += 1
        if not m:
            continue
        if m["name"] in ("currentmodule", "py:currentmodule", "module", "py:module"):
            module = m["arg"]
        elif m["name"] == "automodule":
            module = m["arg"]
        elif m["name"] == "autosummary":
            toctree = False
            # options (":toctree: generated/"), then the indented entries up to a dedent
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                item = lines[i].strip()
                i += 1
                if item.startswith(":toctree:"):
                    toctree = True
                elif item and not item.startswith(":") and not item.startswith(".."):
                    entries.append((module, item.split()[0].lstrip("~"), toctree))
    return entries


def documented(module: str) -> list[str]:
    text = (API / MODULES[module]).read_text(encoding="utf-8")
    names = []
    for current, name, _ in autosummary_entries(text):
        assert current == module, f"{MODULES[module]}: {name} listed under {current}"
        names.append(name)
    return names


def test_the_parser_reads_an_autosummary() -> None:
    text = """
.. currentmodule:: pkg

.. autosummary::
   :toctree: generated/
   :nosignatures:

   one
   two

Text.

.. autosummary::

   sub
"""
    assert autosummary_entries(text) == [("pkg", "one", True), ("pkg", "two", True),
                                         ("pkg", "sub", False)]


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_has_exactly_one_entry(module: str) -> None:
    names = documented(module)
    public = importlib.import_module(module).__all__
    duplicated = sorted({n for n in names if names.count(n) > 1})
    assert not duplicated, f"{MODULES[module]} lists {duplicated} more than once"
    missing = sorted(set(public) - set(names))
    extra = sorted(set(names) - set(public))
    assert not missing, f"public names of {module} without an API page: {missing}"
    assert not extra, f"{MODULES[module]} lists names not in {module}.__all__: {extra}"


@pytest.mark.parametrize("module", MODULES)
def test_every_entry_gets_a_page(module: str) -> None:
    """An entry without ``:toctree:`` makes no page; only a subpackage, whose own page
    documents it, may be listed that way."""
    text = (API / MODULES[module]).read_text(encoding="utf-8")
    for _, name, toctree in autosummary_entries(text):
        if not toctree:
            assert f"{module}.{name}" in MODULES, f"{module}.{name} is listed without a page"


def test_each_module_page_is_in_the_reference() -> None:
    index = (API / "index.rst").read_text(encoding="utf-8")
    listed = {line.strip() for line in index.splitlines()}
    for module, page in MODULES.items():
        assert Path(page).stem in listed, f"docs/api/index.rst does not list {page}"
        text = (API / page).read_text(encoding="utf-8")
        assert f".. automodule:: {module}" in text.splitlines(), page


def test_every_public_subpackage_has_a_page() -> None:
    import surveystats

    subpackages = {f"surveystats.{m.name}" for m in pkgutil.iter_modules(surveystats.__path__)
                   if m.ispkg and not m.name.startswith("_")}
    assert subpackages == set(MODULES) - {"surveystats"}
