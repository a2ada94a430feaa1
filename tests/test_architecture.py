"""The package's layers import one way (issue 9, deliverable 4).

The import graph is built from the module-level imports of every module in the package (imports
inside ``if TYPE_CHECKING:`` are for the type checker only and are left out; imports in a class
body run at import time and count). It must have no cycle, and no function may import a
surveystats module to dodge one. The one exception is the one the issue allows "where an
optional dependency (matplotlib) makes it necessary": a result's ``plot`` method may import
``surveystats.plotting``. Plotting is the matplotlib layer and imports the core, so the core
cannot import it at the top; the method imports it when a chart is asked for.

The layers, bottom to top: the core (everything not named below, with ``surveystats/__init__``,
``bias/``, ``datasets/`` and ``design/``); ``plotting/``; the report and the command line
(``_report``, ``_cli``, ``__main__``). No module imports a higher layer at module level.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import surveystats

PACKAGE = Path(__file__).resolve().parent.parent / "surveystats"

#: The matplotlib exception: a method of this name may import this package, and nothing else
#: may be imported inside a function.
PLOT_METHOD = "plot"
PLOTTING = "surveystats.plotting"

#: The layers above the core (a module imports only its own layer and those below).
LAYERS = {"surveystats.plotting": 1, "surveystats._report": 2, "surveystats._cli": 2,
          "surveystats.__main__": 2}


@dataclass(frozen=True)
class LateImport:
    """An import of a package module inside a function."""

    module: str
    line: int
    function: str  # qualified: "ProportionCI.plot", "deff_scenarios"
    is_method: bool  # defined directly in a class body
    target: str

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}): {self.function}() imports {self.target}"


@dataclass
class ImportGraph:
    """Module-level import edges between the package's modules, and the late imports."""

    modules: dict[str, Path]
    edges: dict[str, set[str]] = field(default_factory=dict)
    late: list[LateImport] = field(default_factory=list)


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.ImportFrom | ast.Import, module: str, is_package: bool,
             modules: dict[str, Path]) -> list[str]:
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
    subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
    return subs if subs else [base]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Imports(ast.NodeVisitor):
    """Walks one module: module-level imports become edges, imports in functions late ones."""

    def __init__(self, graph: ImportGraph, module: str, is_package: bool, root: str) -> None:
        self.graph, self.module, self.is_package, self.root = graph, module, is_package, root
        self.scope: list[tuple[str, str]] = []  # (kind, name) from the module down

    def _enter(self, kind: str, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
               ) -> None:
        self.scope.append((kind, node.name))
        self.generic_visit(node)
        self.scope.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._enter("class", node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._enter("function", node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._enter("function", node)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node):  # for the type checker only
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        targets = [t for t in _targets(node, self.module, self.is_package, self.graph.modules)
                   if t == self.root or t.startswith(self.root + ".")]
        kinds = [kind for kind, _ in self.scope]
        if "function" not in kinds:
            self.graph.edges[self.module].update(
                t for t in targets if t in self.graph.modules and t != self.module)
            return
        function = ".".join(name for _, name in self.scope)
        is_method = len(kinds) >= 2 and kinds[-2:] == ["class", "function"]
        self.graph.late.extend(LateImport(self.module, node.lineno, function, is_method, t)
                               for t in targets)

    visit_Import = _import
    visit_ImportFrom = _import


def import_graph(package: Path) -> ImportGraph:
    """The import graph of the package whose folder is ``package``."""
    modules = {_module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    graph = ImportGraph(modules, {m: set() for m in modules})
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        _Imports(graph, module, path.name == "__init__.py", package.name).visit(tree)
    return graph


def _allowed(late: LateImport) -> bool:
    """A result's ``plot`` method importing the plotting package."""
    return (late.is_method and late.function.rsplit(".", 1)[-1] == PLOT_METHOD
            and late.target == PLOTTING)


def late_imports(graph: ImportGraph) -> list[LateImport]:
    """The function-level imports of package modules the rules do not allow."""
    return [late for late in graph.late if not _allowed(late)]


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


def _layer(module: str) -> int:
    return max((layer for prefix, layer in LAYERS.items()
                if module == prefix or module.startswith(prefix + ".")), default=0)


def upward_imports(graph: ImportGraph) -> list[str]:
    """Module-level imports of a higher layer (see ``LAYERS``)."""
    return sorted(f"{m} imports {t}" for m, targets in graph.edges.items() for t in targets
                  if _layer(t) > _layer(m))


GRAPH = import_graph(PACKAGE)
MODULES = GRAPH.modules


def test_import_graph_has_no_cycle() -> None:
    cycle = _cycle(GRAPH.edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_function_level_imports() -> None:
    found = late_imports(GRAPH)
    assert not found, (
        "function-level imports of surveystats modules (import at the top, or move what is "
        "shared down a layer; only a result's plot() may import surveystats.plotting):\n"
        + "\n".join(map(str, found)))


def test_the_plot_exception_is_in_use() -> None:
    # the allowance is for the result classes' plot() methods; it should not outlive them
    assert any(_allowed(late) for late in GRAPH.late)


def test_no_module_imports_a_higher_layer() -> None:
    assert upward_imports(GRAPH) == []


def test_the_core_and_the_command_line_do_not_load_matplotlib() -> None:
    code = ("import sys, surveystats, surveystats.plotting, surveystats._cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


_SYNTHETIC = {
    "__init__.py": "from surveystats import a\n",
    "a.py": "from surveystats.b import f\n",
    "b.py": """\
        from typing import TYPE_CHECKING

        from . import a

        if TYPE_CHECKING:
            from surveystats.c import Result


        def f() -> None:
            pass
        """,
    "c.py": """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from surveystats.plotting import plot_result


        def helper():
            from surveystats import b


        class Result:
            def plot(self):
                from surveystats.plotting import plot_result

            def summary(self):
                from surveystats.plotting import plot_result

            def plot_inner(self):
                def plot():
                    import surveystats.plotting


        def plot():
            from surveystats.plotting import plot_result
        """,
    "plotting/__init__.py": "from surveystats.c import Result\n\n\ndef plot_result(): pass\n",
    "d.py": "from surveystats import plotting\n",
    "_report.py": "def report():\n    from surveystats import c\n",
}


def _synthetic(tmp_path: Path) -> Path:
    package = tmp_path / "surveystats"
    for name, text in _SYNTHETIC.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return package


def test_the_checks_find_a_cycle_late_imports_and_an_upward_import(tmp_path: Path) -> None:
    graph = import_graph(_synthetic(tmp_path))
    # a -> b -> a (b's relative import); b's and c's type-only imports are not edges
    assert _cycle(graph.edges) == ["surveystats.a", "surveystats.b", "surveystats.a"]
    assert graph.edges["surveystats.c"] == set()
    assert graph.edges["surveystats.b"] == {"surveystats.a"}
    # the plot method's import is allowed; not the others
    assert [str(late) for late in late_imports(graph)] == [
        "surveystats._report (line 2): report() imports surveystats.c",
        "surveystats.c (line 8): helper() imports surveystats.b",
        "surveystats.c (line 16): Result.summary() imports surveystats.plotting",
        "surveystats.c (line 20): Result.plot_inner.plot() imports surveystats.plotting",
        "surveystats.c (line 24): plot() imports surveystats.plotting",
    ]
    assert upward_imports(graph) == ["surveystats.d imports surveystats.plotting"]

    (tmp_path / "surveystats" / "b.py").write_text("def f() -> None:\n    pass\n")
    assert _cycle(import_graph(tmp_path / "surveystats").edges) is None


def test_design_engines_know_nothing_of_the_classes() -> None:
    edges = GRAPH.edges
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
