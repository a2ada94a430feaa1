"""The floors pyproject.toml declares are the versions `make test-min` installs and tests."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
PINS = ROOT / "requirements-min.txt"

# Test tools whose floors `make test-min` does not install: they lint and type-check only.
NOT_PINNED = {"ruff", "mypy", "pandas-stubs"}

pytestmark = pytest.mark.skipif(
    not (PYPROJECT.is_file() and PINS.is_file()), reason="needs a source checkout"
)


def _floors() -> dict[str, Version]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    floors = {}
    for text in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        req = Requirement(text)
        lower = [s.version for s in req.specifier if s.operator == ">="]
        if req.name in NOT_PINNED:
            continue
        assert len(lower) == 1, f"{text}: one '>=' floor expected"
        floors[req.name] = Version(lower[0])
    return floors


def _pins() -> dict[str, Version]:
    pins = {}
    for line in PINS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)", line)
        assert match, f"requirements-min.txt: {line!r} is not an exact pin"
        pins[match[1].lower()] = Version(match[2])
    return pins


def test_every_floor_is_pinned_exactly_in_requirements_min() -> None:
    assert _pins() == _floors()


def test_requires_python_matches_the_pythons_named_in_classifiers() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    listed = sorted(
        Version(c.rsplit("::", 1)[1].strip())
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    assert listed, "classifiers name no Python version"
    assert project["requires-python"] == f">={listed[0]}"
    # The floors run on the oldest listed Python (PYTHON_MIN in the Makefile).
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"PYTHON_MIN ?= python{listed[0]}\n" in makefile
    assert Version(f"{sys.version_info.major}.{sys.version_info.minor}") >= listed[0]
