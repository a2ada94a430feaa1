"""One validation dialect (issue 9, deliverable 5).

Every out-of-range value is refused by the shared checks of ``surveystats._validation`` with
an ``Interval`` of ``surveystats._params`` (or of ``surveystats.bias._spec``), in one wording:
``{name} ({value}) must be {interval.describe()}[; {hint}][; percentage hint]``. These tests
keep the old dialects from coming back and tie the bias mechanisms' messages, the bias
pipeline's and the fuzz declarations to the one specification of each bias parameter.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveystats._params import SIGNATURES, Interval
from surveystats._validation import check_interval, check_scalar
from surveystats.bias import _pipeline, _spec
from surveystats.bias._mechanisms import MECHANISMS
from surveystats.design import SurveyDesign

PACKAGE = Path(__file__).resolve().parent.parent / "surveystats"
SOURCES = {p.relative_to(PACKAGE).as_posix(): p.read_text() for p in PACKAGE.rglob("*.py")}

#: helpers of the old dialects (bias._mechanisms, _simulate, design._estimators)
RETIRED_HELPERS = {"_check_param", "_range_text", "_real", "_share", "_ratio", "_count",
                   "_names"}

#: wordings of a parameter's message ("name (value) must be ...") that only the shared
#: checks may produce; messages about the rows of a data column have their own form
SHARED_WORDINGS = [
    ") must be in [",  # "p (70) must be in [0, 1]": domain_error with Interval.describe()
    ") must be in (",
    ") must be a finite number",
    ") must be a real number",
    ") must be a whole number",
    ") must be an integer",
    ") must be a positive integer",
    "> 0 and finite",
    "did you pass a percentage",
]


def _strings(tree: ast.AST) -> list[str]:
    """The text of every string literal and f-string (placeholders as ``{}``)."""
    out = []
    parts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(v.value if isinstance(v, ast.Constant) else "{}"
                               for v in node.values))
            parts |= {id(v) for v in node.values}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in parts):
            out.append(node.value)
    return out


def _docstrings(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                found.add(doc)
    return found


def test_no_retired_validation_helpers() -> None:
    defined = {f"{path}: {node.name}"
               for path, text in SOURCES.items()
               for node in ast.walk(ast.parse(text))
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               and node.name in RETIRED_HELPERS}
    assert defined == set()


def test_range_and_percentage_wordings_come_from_validation_only() -> None:
    found = []
    for path, text in SOURCES.items():
        if path == "_validation.py":
            continue
        tree = ast.parse(text)
        docs = _docstrings(tree)
        for s in _strings(tree):
            if s in docs:
                continue
            found += [f"{path}: {w!r} in {s[:70]!r}" for w in SHARED_WORDINGS if w in s]
    assert found == []


def test_one_percentage_hint_wording() -> None:
    tree = ast.parse(SOURCES["_validation.py"])
    docs = _docstrings(tree)
    hints = [s for s in _strings(tree) if "percentage?" in s and s not in docs]
    assert hints == ["; did you pass a percentage? {}% is {}"]
    # ... and it is always given with the parameter's Interval (which says whether it applies)
    for path, text in SOURCES.items():
        for node in ast.walk(ast.parse(text)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "percentage_hint"):
                assert len(node.args) + len(node.keywords) == 2, f"{path}:{node.lineno}"


def _outside(domain: Interval) -> list[float]:
    """Values outside a parameter's domain: beyond each end, at an open end, NaN, 70."""
    values = [domain.low - 0.5, domain.low, domain.high, domain.high + 0.5, math.nan, 70.0]
    values += [math.inf, -math.inf]
    return [v for v in values if v not in domain]


CASES = [(spec, value) for spec in _spec.PARAMETERS.values() for value in _outside(spec.domain)]


def _message(call: object) -> str:
    with pytest.raises(ValueError) as info:
        call()  # type: ignore[operator]
    return str(info.value)


@pytest.mark.parametrize(("spec", "value"), CASES,
                         ids=[f"{s.name}={v:g}" for s, v in CASES])
def test_mechanism_message_is_the_shared_check_of_the_spec(spec: _spec.ParameterSpec,
                                                           value: float) -> None:
    neutral = {p.field: p.neutral for p in _spec.parameters_of(spec.mechanism)}
    cls = MECHANISMS[spec.mechanism]
    got = _message(lambda: cls(**{**neutral, spec.field: value}))
    expected = _message(lambda: check_scalar(spec.field, value, spec.domain, hint=spec.hint))
    assert got == expected
    # the one wording: the parameter, the value, what is allowed (and what it means)
    assert got.startswith(f"{spec.field} ({value:g}) must be {spec.domain.describe()}; "
                          f"{spec.hint}")
    hinted = spec.domain.percent_hint and 1.0 < value <= 100.0
    assert ("did you pass a percentage?" in got) == hinted


@pytest.mark.parametrize(("spec", "value"), CASES,
                         ids=[f"{s.name}={v:g}" for s, v in CASES])
def test_pipeline_message_is_the_shared_check_of_the_spec(spec: _spec.ParameterSpec,
                                                          value: float) -> None:
    expected = _message(lambda: check_scalar(spec.name, value, spec.domain, hint=spec.hint))
    assert _message(lambda: _pipeline.check_parameters({spec.name: value})) == expected
    arr = np.array([spec.neutral, value])
    expected = _message(lambda: check_interval(spec.name, arr, spec.domain, nan_policy=None,
                                               hint=spec.hint))
    assert _message(lambda: _pipeline.check_parameters({spec.name: arr})) == expected


def test_fuzz_declarations_of_the_mechanisms_are_the_spec() -> None:
    for mechanism, cls in MECHANISMS.items():
        declared = SIGNATURES[f"bias.{cls.__name__}"]
        for spec in _spec.parameters_of(mechanism):
            assert declared[spec.field].domain == spec.domain, (mechanism, spec.field)


# --- column names: one check, one exception type per mistake ------------------------------


def _design() -> SurveyDesign:
    df = pd.DataFrame({"w": [1.0, 2.0, 1.0, 3.0], "y": [1.0, 2.0, 3.0, 4.0],
                       "g": ["a", "b", "a", "b"]})
    return SurveyDesign(df, weights="w")


@pytest.mark.parametrize("call", [
    lambda d: d.mean(5),
    lambda d: d.mean("y", by=5),
    lambda d: d.ratio(5, "y"),
    lambda d: d.poststratify(5, {"a": 10, "b": 20}),
    lambda d: d.to_replicate("bootstrap", replicates=5, rng=1).poststratify(5, {"a": 10}),
])
def test_column_lists_of_the_wrong_type_are_type_errors(call: object) -> None:
    with pytest.raises(TypeError, match=r"\(5\) must be a column name or a non-empty list of "
                                        r"column names$"):
        call(_design())  # type: ignore[operator]


@pytest.mark.parametrize("call", [
    lambda d: d.mean([]),
    lambda d: d.mean("y", by=[]),
    lambda d: d.poststratify([], {}),
    lambda d: d.to_replicate("bootstrap", replicates=5, rng=1).poststratify([], {}),
])
def test_empty_column_lists_are_value_errors(call: object) -> None:
    with pytest.raises(ValueError, match=r"\(\[\]\) must be a column name or a non-empty list "
                                         r"of column names$"):
        call(_design())  # type: ignore[operator]


def test_single_columns_and_design_columns() -> None:
    d = _design()
    for call, name in [(lambda: d.proportion(["g"]), "variable"),
                       (lambda: d.ratio("y", ["y"]), "denominator"),
                       (lambda: d.quantile(["y"], 0.5), "variable")]:
        with pytest.raises(TypeError, match=rf"^{name} \(\['.'\]\) must be one column name$"):
            call()
    df = pd.DataFrame({"w": [1.0, 2.0], "h": ["a", "b"]})
    with pytest.raises(TypeError, match=r"^weights \(1\) must be one column name or None$"):
        SurveyDesign(df, weights=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=re.escape(
            "strata (3) must be a column name, a list of column names or None")):
        SurveyDesign(df, weights="w", strata=3)  # type: ignore[arg-type]


def test_only_a_function_with_nan_policy_suggests_it() -> None:
    import numpy as np

    import surveystats as ss

    with pytest.raises(ValueError, match="pass nan_policy='propagate'"):
        ss.proportion_ci([0.5, np.nan], 100)
    for call in (lambda: ss.margin_of_error(np.nan, 100),
                 lambda: ss.deff_scenarios([0.5, np.nan], 100),
                 lambda: ss.compare_methods([0.5, np.nan], 100)):
        with pytest.raises(ValueError) as info:
            call()
        assert "nan_policy" not in str(info.value) and "NaN" in str(info.value)
