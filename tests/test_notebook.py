"""The example notebooks run end to end, state the right numbers and show their charts.

Each notebook is executed once (``_executed``) by a Jupyter kernel as ``tests/notebooks.py``
sets it up (``MPLBACKEND=Agg``, the checkout under test).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest
from notebooks import cell_list, execute, images, key_numbers, load_script, tags

import surveystats

EXAMPLES = Path(__file__).parent.parent / "examples"
NOTEBOOK = EXAMPLES / "vtsiom_2025.ipynb"
TEACHING = EXAMPLES / "teaching_designs.ipynb"
#: each notebook, the script that writes it and the number of charts it draws
NOTEBOOKS = {
    "vtsiom_2025": (NOTEBOOK, "make_vtsiom_notebook.py", 10),
    "teaching_designs": (TEACHING, "make_teaching_notebook.py", 1),
}
#: a cell that draws: a plotting function, a result's .plot(), or plt.show()
DRAWS = re.compile(r"\bplot_\w+\(|\.plot\(|plt\.show\(")


@functools.cache
def _executed(name: str) -> nbformat.NotebookNode:
    return execute(NOTEBOOKS[name][0])


def _key_numbers(nb: nbformat.NotebookNode) -> dict[str, float]:
    return key_numbers(next(c for c in nb.cells if "key-numbers" in tags(c)))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_generated_from_its_script(name: str) -> None:
    path, script, _ = NOTEBOOKS[name]
    built = load_script(EXAMPLES / script).build()
    stored = nbformat.read(path, as_version=4)
    assert cell_list(built) == cell_list(stored)
    assert built.metadata == stored.metadata
    # stored without outputs: PNGs are not byte-stable across matplotlib versions
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_selects_no_backend_but_inline(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS[name][0], as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert not any("matplotlib.use(" in s or "switch_backend" in s for s in code)
    # the first statement of the first code cell selects the inline backend
    first = [line for line in code[0].splitlines() if not line.startswith("#")]
    assert first[0] == "%matplotlib inline"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chart_cells_are_tagged(name: str) -> None:
    """A cell that draws is tagged ``chart`` and a ``chart`` cell draws, so the image count
    below means what it says."""
    nb = nbformat.read(NOTEBOOKS[name][0], as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert ("chart" in tags(cell)) == bool(DRAWS.search(cell.source)), cell.source
        if "chart" in tags(cell):  # ends by showing its figure, so no Axes repr is printed
            assert cell.source.rstrip().endswith(("plt.show()", ";")), cell.source


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_chart_cell_shows_one_image(name: str) -> None:
    nb = _executed(name)
    charts = [c for c in nb.cells if "chart" in tags(c)]
    assert len(charts) == NOTEBOOKS[name][2]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        expected = 1 if "chart" in tags(cell) else 0
        assert images(cell) == expected, (cell.source, [o.get("output_type")
                                                         for o in cell.outputs])
        texts = [o.get("data", {}).get("text/plain", "") for o in cell.outputs
                 if o.get("output_type") == "execute_result"]
        assert not any(t.startswith(("<Axes", "<matplotlib")) for t in texts), cell.source
    assert sum(images(c) for c in nb.cells) == len(charts)


def test_key_numbers() -> None:
    k = _key_numbers(_executed("vtsiom_2025"))
    assert k["implied_deff"] == pytest.approx(1.0413, abs=1e-4)
    assert (k["wilson_low"], k["wilson_high"]) == (0.6771, 0.722)
    assert k["or_142_true"] == pytest.approx(0.622, abs=5e-4)
    assert (k["manski_low"], k["manski_high"]) == (0.07, 0.97)
    assert k["tipping_falsification_55"] == 0.1
    assert k["tipping_odds_ratio_55"] == pytest.approx(1.222, abs=1e-3)
    # the sensitivity map's tipping points are the tipping_point ones (one pipeline)
    assert k["map_tipping_falsification_55"] == k["tipping_falsification_55"]
    assert k["map_tipping_odds_ratio_55"] == k["tipping_odds_ratio_55"]
    assert k["plausible_70"] == pytest.approx(0.611, abs=1e-3)
    assert k["budget_total_70"] == k["plausible_70"]
    # the map centred on the plausible preset marks the preset's value (as the report does)
    assert k["map_plausible_55"] == round(
        surveystats.Scenario.preset("plausible").apply(0.55, 1600).estimate, 4)
    assert k["budget_stated_low"] == 0.675  # the card's stated ±2.5% around 70%
    assert k["nested_b_share_of_all"] == 0.385
    assert k["sim_coverage"] < 0.01


def test_teaching_notebook_key_numbers() -> None:
    k = _key_numbers(_executed("teaching_designs"))
    assert k["true_optimistic"] == 0.6846
    assert k["covered"] == 7  # of 8 intervals; the miss is discussed in the notebook
    assert k["deff_cluster1_optimistic"] > 10
    assert k["se_ratio_cluster1"] > 3
    assert k["cluster2_df"] == 27
    assert k["raked_se_smaller"]
    assert abs(k["srs_estimate_optimistic"] - k["true_optimistic"]) < 0.03
    # issue 11 D9: regression and cross-table on the one-stage cluster sample
    assert k["glm_covered"] == 5  # every census coefficient inside its design-based interval
    assert 2.3 < k["glm_se_ratio_income"] < 3.0  # naive SEs far too small for income
    assert k["glm_df_resid"] == 35  # degf 39 (40 municipalities, one stratum) + 1 - 5
    assert k["urban_naive_p"] < 1e-8
    assert k["urban_design_p"] > 0.1  # the design-based test does not claim the association
