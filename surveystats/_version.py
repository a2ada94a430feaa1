"""The package version, in a module of its own at the bottom of the import graph.

``surveystats.__version__`` and the report's marker file (``_output``) both read it here, so
``_output`` need not import the package it belongs to. Keep it equal to ``version`` in
``pyproject.toml``.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
"""The version of this surveystats, as ``version`` in ``pyproject.toml`` gives it."""
