"""compare_methods: the numbers plot_intervals prints, checked against proportion_ci."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import surveystats as ss


def test_rows_are_proportion_ci_by_method() -> None:
    shares = {"Одобряю": 0.61, "fees": 0.04}
    cmp = ss.compare_methods(shares, 350, deff=[1.3, 2.0], methods=["wilson", "Clopper-Pearson"])
    f = cmp.to_frame()
    assert list(f["item"]) == ["Одобряю", "fees", "Одобряю", "fees"]
    assert cmp.methods == ("wilson", "clopper_pearson")
    for method in cmp.methods:
        ci = ss.proportion_ci(pd.Series(shares), 350, deff=[1.3, 2.0], method=method)
        rows = f[f["method"] == method]
        assert np.array_equal(rows["low"], ci.low) and np.array_equal(rows["high"], ci.high)
    assert cmp.half_widths == (f["half_width"].min(), f["half_width"].max())
    assert list(cmp.centres) == [0.61, 0.04]


def test_spread_and_beyond_stated_by_hand() -> None:
    table = pd.DataFrame({"item": ["a", "a", "b", "b"], "method": ["x", "y", "x", "y"],
                          "estimate": [0.5, 0.5, 0.2, 0.2],
                          "low": [0.45, 0.44, 0.17, 0.16], "high": [0.55, 0.555, 0.23, 0.24]})
    cmp = ss.compare_methods(table, stated_margin=0.05)
    assert cmp.spread == pytest.approx(0.01)  # b's lower bounds: 0.17 vs 0.16
    # a/x is exactly ±5 points; a/y reaches 0.44 and 0.555; b stays inside ±5
    assert list(cmp.to_frame()["beyond_stated"]) == [False, True, False, False]
    assert cmp.beyond_stated == 1
    assert cmp.n is None and cmp.confidence_level == 0.95


def test_an_interval_exactly_at_the_stated_margin_is_not_beyond() -> None:
    ci = ss.proportion_ci(0.5, 1000, method="wald")
    cmp = ss.compare_methods(ci, stated_margin=float(ci.margin))
    assert cmp.beyond_stated == 0
    assert cmp.items == ("50%",) and cmp.n == 1000


def test_clear_errors() -> None:
    with pytest.raises(ValueError, match="n is required"):
        ss.compare_methods(0.5)
    with pytest.raises(ValueError, match="n, deff cannot be given"):
        ss.compare_methods(ss.proportion_ci(0.5, 100), 100, deff=2)
    with pytest.raises(ValueError, match=r"lacks column\(s\) method"):
        ss.compare_methods(pd.DataFrame({"item": ["a"], "estimate": [0.5], "low": [0.4],
                                         "high": [0.6]}))
    with pytest.raises(ValueError, match=r"methods\[1\] \('nope'\)"):
        ss.compare_methods(0.5, 100, methods=["wald", "nope"])
    with pytest.raises(ValueError, match="stated_margin"):
        ss.compare_methods(0.5, 100, stated_margin=-0.03)
    with pytest.raises(ValueError, match="p"):
        ss.compare_methods(1.5, 100)


def test_caller_table_untouched() -> None:
    table = pd.concat([ss.proportion_ci(pd.Series({"a": 0.3}), 500, method=m).to_frame()
                       .rename_axis("item").reset_index() for m in ("wald", "wilson")])
    before = table.copy()
    ss.compare_methods(table, stated_margin=0.03)
    pd.testing.assert_frame_equal(table, before)
