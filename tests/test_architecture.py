"""The package's layers import one way (issue 9, deliverable 4).

The import graph is built from the module-level imports of every module (imports inside
``if TYPE_CHECKING:`` are for the type checker only and are left out). It must have no
cycle, and no function may import a surveystats module to dodge one.
"""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import pytest

import surveystats

PACKAGE = Path(__file__).resolve().parent.parent / "surveystats"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _target(node: ast.ImportFrom | ast.Import, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        parent = module.split(".")
        parent = parent if is_package else parent[:-1]
        parent = parent[: len(parent) - node.level + 1]
        base = ".".join([*parent, base] if base else parent)
    # "from surveystats.design import _reduce" imports the submodule (the package itself is
    # loaded first by any import of its modules, so it is not an edge of its own)
    subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
    return subs if subs else [base]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _graph() -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    late: dict[str, list[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        is_package = path.name == "__init__.py"
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name in _target(node, module, is_package):
                    if name in MODULES and name != module:
                        edges[module].add(name)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        names = [n for n in _target(inner, module, is_package)
                                 if n.startswith("surveystats")]
                        if names:
                            late.setdefault(module, []).append(f"{node.name}: {names[0]}")
    return edges, late


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges[m]):
            if state.get(n) == 1:
                return [*stack[stack.index(n):], n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_design_layers_have_no_cycle() -> None:
    edges, _ = _graph()
    design = {m: {n for n in e if n.startswith("surveystats.design")}
              for m, e in edges.items() if m.startswith("surveystats.design")}
    assert _cycle(design) is None


def test_no_function_level_imports_in_design() -> None:
    _, late = _graph()
    found = {m: v for m, v in late.items() if m.startswith("surveystats.design")}
    assert found == {}


def test_design_engines_know_nothing_of_the_classes() -> None:
    edges, _ = _graph()
    classes = {"surveystats.design._design", "surveystats.design._replicate",
               "surveystats.design._methods", "surveystats.design._convert"}
    for engine in ("_columns", "_reduce", "_linearization", "_encode", "_repvar", "_hadamard",
                   "_schemes", "_calibration", "_estimators", "_results", "_args"):
        assert not edges[f"surveystats.design.{engine}"] & classes, engine


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"surveystats.__main__"}))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_version_is_the_one_in_pyproject() -> None:
    pyproject = PACKAGE.parent / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("needs a source checkout")
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    assert surveystats.__version__ == declared


@pytest.mark.parametrize("name", ["surveystats", "surveystats.bias", "surveystats.datasets",
                                  "surveystats.design", "surveystats.plotting"])
def test_dir_shows_nothing_private(name: str) -> None:
    importlib.import_module("surveystats.plotting")  # loads many private modules
    package = importlib.import_module(name)
    shown = dir(package)
    assert [n for n in shown if n.startswith("_") and n != "__version__"] == []
    assert "annotations" not in shown
    assert set(shown) >= set(package.__all__)
    assert all(hasattr(package, n) for n in shown)
