"""Sphinx configuration of the surveystats site (`make docs`).

`make docs` runs ``sphinx-build -W --keep-going -n -b html docs docs/_build/html``: every
warning is an error and every cross-reference must resolve (nitpicky). The pages are MyST
Markdown (``docs/*.md``), the two notebooks of ``examples/`` (linked into ``docs/examples/``
and executed at build time by myst-nb) and the API reference (``docs/api/*.rst``:
autosummary lists, one generated page per public name; ``tests/test_docs_api.py`` checks
those lists against each module's ``__all__``).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout, also when surveystats is not installed

import surveystats  # noqa: E402

project = "surveystats"
author = "surveystats developers"
copyright = "surveystats developers"
version = release = surveystats.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",  # MyST Markdown pages and notebooks; it loads myst_parser itself
    # MathJax served from the site itself (_static/mathjax), not from a CDN: the site works
    # offline, and the browser test (tests/test_site.py) loads it offline.
    "sphinx-mathjax-offline",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "jupyter_execute", ".jupyter_cache", "**.ipynb_checkpoints"]

# -- every warning is an error, every reference must resolve ---------------------------------

nitpicky = True

# No intersphinx: the sites that publish the inventories (docs.python.org, numpy.org,
# docs.scipy.org, pandas.pydata.org, matplotlib.org, statsmodels.org) are not reachable from
# the machines this project builds on (only PyPI is), and the build must not depend on them.
# References to their names in signatures therefore cannot resolve and are ignored here, by
# package, and nothing else is: a name of surveystats that does not resolve stays an error.
# Built-in types (int, float, str, None, ...) and typing names need no entry: Sphinx
# resolves them itself.
_EXTERNAL = r"(numpy|pandas|matplotlib|collections\.abc|pathlib|os)\..+"
nitpick_ignore_regex = [(r"py:.*", _EXTERNAL)]

# Two names of the package that have no page, each ignored by its full name:
# - PollCard, the poll card that datasets.load_poll_card and load_vtsiom_2025_card return and
#   plotting.chart_jobs and render_all take, is in no module's __all__ (it lives in the
#   private surveystats._poll); its fields are listed in those functions' docstrings. This
#   entry goes when PollCard becomes public and gets its page.
# - T, the type variable of plotting.run_jobs' signature: a type variable is no object to
#   document.
nitpick_ignore = [
    ("py:class", "surveystats._poll.PollCard"),
    ("py:class", "surveystats.plotting._report.T"),
]

# -- API reference ----------------------------------------------------------------------------


def _evaluable_annotations() -> None:
    """Let autodoc evaluate the signatures that name a type imported under TYPE_CHECKING.

    ``ax: Axes | None`` is a string annotation whose ``Axes`` the module imports only for
    type checkers; autodoc then cannot evaluate any annotation of that function and shows
    them all as strings, whose names it can only guess (``DesignEstimate`` matches three
    objects). ``autodoc_type_aliases`` cannot help: Sphinx renders an alias inside ``X |
    None`` as its class name. So the build gives each such module the names it imports for
    type checkers, as those imports would: the package's files are not changed.
    """
    from importlib.resources.abc import Traversable
    from typing import Self

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    names = {"Axes": Axes, "Figure": Figure, "Self": Self, "Traversable": Traversable}
    for info in pkgutil.walk_packages(surveystats.__path__, "surveystats."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        source = inspect.getsource(module)
        for name, value in names.items():
            if name not in vars(module) and re.search(
                    rf"^\s+from [\w.]+ import {name}$", source, re.MULTILINE):
                setattr(module, name, value)


_evaluable_annotations()

autosummary_generate = True
autosummary_generate_overwrite = True
add_module_names = False
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Public type aliases keep their names in signatures instead of being spelled out.
autodoc_type_aliases = {
    "FloatOrArray": "surveystats.bias.FloatOrArray",
    "MechanismName": "surveystats.bias.MechanismName",
    "PollName": "surveystats.datasets.PollName",
    "TeachingDesign": "surveystats.datasets.TeachingDesign",
}

# A class that the top-level package re-exports from a subpackage (SurveyDesign,
# ReplicateDesign, DesignEstimate) is documented on the subpackage's page; the top-level
# page says so (docs/_templates/autosummary/class.rst) rather than repeating every method.
_SUBPACKAGES = ("bias", "design", "plotting", "datasets")


def _reexports() -> dict[str, str]:
    found = {}
    for name in surveystats.__all__:
        obj = getattr(surveystats, name)
        if not inspect.isclass(obj):
            continue
        for sub in _SUBPACKAGES:
            module = importlib.import_module(f"surveystats.{sub}")
            if name in module.__all__ and getattr(module, name) is obj:
                found[f"surveystats.{name}"] = f"surveystats.{sub}.{name}"
    return found


autosummary_context = {"reexports": _reexports()}

# numpydoc renders the docstrings; the class pages document the members themselves
# (autoclass :members: in docs/_templates/autosummary/class.rst), so numpydoc's own member
# tables are off.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False  # parameter types are prose ("float, ndarray or Series")

# numpydoc's docstring checks, run on every docstring the build renders. All of them, except
# where the house style (STYLE.md, rule 14: numpydoc "written as a short lesson") deliberately
# differs:
numpydoc_validation_checks = {
    "all",
    # ES01 (extended summary): a method or accessor whose one-line summary says everything
    #   (``to_frame``: "A tidy DataFrame, one row per interval") gets no padding paragraph.
    "ES01",
    # EX01 (Examples section): examples are doctests built on the VTsIOM story on the public
    #   functions and classes where a reader starts; accessors and ``plot`` methods, whose use
    #   is one call, have none.
    "EX01",
    # SA01 (See Also section): not part of the house style; related functions are named in
    #   the text, where the reader needs them.
    "SA01",
    # PR01 (every parameter documented): results are returned, never built by hand, so a
    #   result class documents its fields under Attributes, not as constructor Parameters;
    #   and one-sentence methods name their argument in the sentence ("Share among
    #   respondents when the population share is ``true_p``").
    "PR01",
    # RT01 (Returns section): the same one-sentence methods say what they return in their
    #   summary ("Forest plot of the interval(s): ..."); a result's ``to_frame`` names its
    #   columns in the text.
    "RT01",
    # SS05 (summary starts with an infinitive verb): the house style's summaries say what a
    #   function returns as a noun phrase ("Kish's approximate design effect of unequal
    #   weighting", "Interviews needed for a target margin of error"), and numpydoc's test
    #   (the first word ends in "s") flags every plural or possessive first word.
    "SS05",
}


def _data_names() -> list[str]:
    """The public constants and type aliases: names in ``__all__`` that are neither a
    class, a routine nor a module."""
    found = []
    for modname in ("surveystats", *(f"surveystats.{s}" for s in _SUBPACKAGES)):
        module = importlib.import_module(modname)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj)):
                found.append(f"{modname}.{name}")
    return found


# numpydoc validates a constant (``INTERVAL_METHODS``, ``PollName``, ``__version__``) by the
# ``__doc__`` of its value, which is the docstring of ``tuple``, ``dict`` or ``str``, or none
# for a ``Literal`` alias, not the doc comment that Sphinx shows; its checks of them would
# judge builtins. They are left out by exact name; their doc comments are rendered as written.
numpydoc_validation_exclude = {rf"^{re.escape(name)}$" for name in _data_names()}

# -- MyST and notebooks -------------------------------------------------------------------------

myst_heading_anchors = 3  # "[Input as it comes](#input-as-it-comes)", GitHub's slugs
myst_enable_extensions = ["colon_fence", "dollarmath"]  # $...$ and $$...$$ formulas
# The notebooks in examples/ are stored without outputs (tests/test_notebook.py); the site
# runs them on every build, so it shows what this checkout computes. An error in a cell
# fails the build.
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
# The hidden cells of this site are the course's solutions (tag hide-cell): their toggle
# says so, instead of myst-nb's "Show code cell content".
nb_code_prompt_show = "Show the solution"
nb_code_prompt_hide = "Hide the solution"

# -- HTML ---------------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"surveystats {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_show_sourcelink = False
# The colour mode a first visit starts in. Without it the theme's script finds no mode on
# a reader's first page and logs "Got invalid theme mode" as a console error.
html_context = {"default_mode": "auto"}


# -- docstrings of re-exported constants --------------------------------------------------------


def _attribute_docs() -> dict[int, list[str]]:
    """Doc comments (``#:`` or a string after the assignment) of every module-level name.

    A constant re-exported by ``surveystats/__init__.py`` or a subpackage's ``__init__`` is
    documented where it is defined (``surveystats.INTERVAL_ALIASES`` is ``ALIASES`` in
    ``surveystats/_engine.py``); autodoc looks for the comment only in the module the page
    names, so the docs are collected here, keyed by the identity of the value.
    """
    from sphinx.pycode import ModuleAnalyzer

    found: dict[int, list[str]] = {}
    names = ["surveystats"] + [
        m.name for m in pkgutil.walk_packages(surveystats.__path__, "surveystats.")
    ]
    for modname in names:
        if modname.endswith("__main__"):
            continue
        module = importlib.import_module(modname)
        try:
            attr_docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except Exception:  # a module without source
            continue
        for (scope, name), doc in attr_docs.items():
            if scope == "" and hasattr(module, name):
                found.setdefault(id(getattr(module, name)), list(doc))
    return found


_ATTR_DOCS: dict[int, list[str]] | None = None


def _document_constants(app: Any, what: str, name: str, obj: Any, options: Any,
                        lines: list[str]) -> None:
    """Give a module-level constant the doc comment written where it is defined."""
    global _ATTR_DOCS
    if what != "data" or not name.startswith("surveystats."):
        return
    if _ATTR_DOCS is None:
        _ATTR_DOCS = _attribute_docs()
    doc = _ATTR_DOCS.get(id(obj))
    builtin_doc = inspect.getdoc(type(obj)) or ""
    if doc and (not "".join(lines).strip()
                or "\n".join(lines).strip() == builtin_doc.strip()):
        lines[:] = [*doc]


# -- members of the classes ------------------------------------------------------------------------
#
# The class pages show inherited members (``:inherited-members:`` in the class template), since
# much of the API lives on private bases (``SurveyDesign.mean`` is defined on
# ``design._methods._DesignMethods``), but not what comes from outside the package
# (``tuple.count``, ``Exception.add_note``) nor the generic ``to_frame``/``plot`` of the
# private ``_result.Result`` base, which a result without a chart does not override, nor the
# "Alias for field number 0" accessors of a NamedTuple's fields.


def _defined_in(obj: Any) -> tuple[str, str]:
    target = getattr(obj, "fget", None) or getattr(obj, "__func__", None) or obj
    return getattr(target, "__module__", "") or "", getattr(target, "__qualname__", "") or ""


def _skip_member(app: Any, what: str, name: str, obj: Any, skip: bool, options: Any
                 ) -> bool | None:
    if what not in ("class", "exception"):
        return None
    module, qualname = _defined_in(obj)
    if (getattr(obj, "__doc__", None) or "").startswith("Alias for field number"):
        return True  # a NamedTuple's field accessor: the class docstring describes the fields
    if callable(obj) or isinstance(obj, property):
        if not module.startswith("surveystats"):
            return True
        if module == "surveystats._result" and qualname.startswith("Result."):
            return True
    return None


def _dataclass_signature(app: Any, what: str, name: str, obj: Any, options: Any,
                         signature: str | None, return_annotation: str | None
                         ) -> tuple[str | None, str | None] | None:
    """Spell a dataclass field's ``default_factory`` as a call (``fixed=dict()``).

    ``inspect.signature`` shows such a default as ``<factory>``, which is no Python
    expression, so Sphinx cannot parse the signature and splits it at every comma.
    """
    if what != "class" or not signature or "<factory>" not in signature \
            or not dataclasses.is_dataclass(obj):
        return None
    for f in dataclasses.fields(obj):
        if f.default_factory is not dataclasses.MISSING:
            call = f"{getattr(f.default_factory, '__name__', 'factory')}()"
            signature = re.sub(rf"((?:\(|,\s*){f.name}\s*:[^=]*=\s*)<factory>",
                               rf"\g<1>{call}", signature)
    return signature, return_annotation


def _array_like_signature(app: Any, what: str, name: str, obj: Any, options: Any,
                          signature: str | None, return_annotation: str | None
                          ) -> tuple[str | None, str | None] | None:
    """Show numpy's ``ArrayLike`` by its name, not as the union of private numpy types it is.

    (``autodoc_type_aliases`` would, but Sphinx renders such an alias inside ``X | None``
    as its class name.)
    """
    from numpy.typing import ArrayLike
    from sphinx.util.typing import stringify_annotation

    if not signature:
        return None
    spelled = {stringify_annotation(ArrayLike, mode) for mode in
               ("smart", "fully-qualified-except-typing", "fully-qualified")}
    new = signature
    for text in sorted(spelled, key=len, reverse=True):
        new = new.replace(text, "~numpy.typing.ArrayLike")
    return (new, return_annotation) if new != signature else None


def setup(app: Any) -> None:
    # before numpydoc (priority 500), so numpydoc renders and checks the found docstring
    app.connect("autodoc-process-docstring", _document_constants, priority=400)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("autodoc-process-signature", _dataclass_signature)
    app.connect("autodoc-process-signature", _array_like_signature)
