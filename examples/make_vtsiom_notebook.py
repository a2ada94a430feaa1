# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write examples/vtsiom_2025.ipynb (the narrated case study) from the cells below.

The notebook is kept as this script so that its text can be reviewed like code; run
``python examples/make_vtsiom_notebook.py`` after editing. The test suite executes the
notebook, checks the numbers that its last cell reports, and checks that every ``chart`` cell
shows its figure (exactly one image) and no other cell shows one.

The case's facts in the code (n, the stated margin, the shares, the nested base, the "don't
know" share, the charts' source line) are read from the poll card and the toplines, the files
the report reads; the prose quotes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _notebook_cells import notebook

CELLS: list[tuple[str, str]] = [
    ("md", """# How sure can we be of "70%"? The VTsIOM poll of December 2025

On 23-24 December 2025 the Russian state pollster VTsIOM (in German: WZIOM) reported that **70%**
of Russians expect 2026 to be a politically successful year for the country, and that for **55%**
this hope is tied to the end of the war against Ukraine. The poll: telephone interviews on
13 December 2025 with **1,600** adults from mobile numbers in 80+ regions; VTsIOM states that the
error "does not exceed 2.5%" at 95% confidence.

This notebook asks what that margin covers, what it leaves out, and how far the headline could
move under biases that plausibly act on a state pollster's phone survey in wartime. Every number
comes from `surveystats`; every default has a source (see `docs/bias.md`)."""),
    ("code", """# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend (as the test suite's does): the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import pandas as pd

import surveystats as ss
from surveystats import plotting
from surveystats.bias import (DontKnow, LogNormal, Nonresponse, Trapezoidal, Uniform,
                              default_ranges, manski_bounds)

case = ss.datasets.load_vtsiom_2025()
# what the report reads: the poll card (poll-level facts) and the headline toplines
card = ss.datasets.load_vtsiom_2025_card()
toplines = ss.datasets.load_vtsiom_2025_toplines()
n, stated = card.n, card.stated_margin
src = card.source_line(n)  # the charts' source line, as in the report
print(src)
case[["item", "answer", "estimate", "n", "base", "role", "source"]]"""),
    ("md", """## 1. What the stated margin covers

The margin a pollster states is the half-width of a Wald interval at the worst case p = 0.5 under
simple random sampling. At n = 1,600 that is 1.96 x sqrt(0.25 / 1600) = 2.45%, which VTsIOM rounds
to 2.5%. So the stated margin **assumes no design effect**, although the data are weighted."""),
    ("code", """print(f"SRS margin at p = 0.5: {ss.margin_of_error(0.5, n):.4f}")
print(f"implied design effect of the stated {100 * stated:g}%: {ss.implied_deff(stated, n):.2f}")
print(f"2017 weekly release, 1.9% at n = 4,200: implied deff {ss.implied_deff(0.019, 4200):.2f}")"""),
    ("md", """Every standard interval method agrees closely at n = 1,600 and p = 0.70: the choice of method
matters near 0 and 1 and for small samples, not here."""),
    ("code", """items = toplines.set_index("item")["estimate"]
headline, hope = items["successful_2026"], items["smo_end_hope"]
table = pd.concat(
    [ss.proportion_ci(items, n, method=m).to_frame().assign(item=items.index)
     for m in ss.INTERVAL_METHODS], ignore_index=True)
table.pivot(index="method", columns="item", values=["low", "high"]).round(4)"""),
    ("chart", """plotting.plot_intervals(table, stated_margin=stated, source=src)
plt.show()"""),
    ("md", """Why not always Wald? Its exact coverage, computed by binomial sums (Brown, Cai and DasGupta
2001), falls far below 95% for small samples and near the edges; Wilson stays near 95%."""),
    ("chart", """wald50, wilson50 = ss.coverage("wald", 50), ss.coverage("wilson", 50)
print(f"mean coverage at n = 50: Wald {wald50.mean:.3f}, Wilson {wilson50.mean:.3f}")
plotting.plot_coverage(50)
plt.show()"""),
    ("md", """## 2. Design effects

Weighting to census margins inflates the variance by about 1 + CV² of the weights (Kish). Pew's
dual-frame phone polls imply design effects of 1.1-1.7; VTsIOM's own 2017 weekly release implied
about 1.6; US exit polls, clustered and weighted, 2.25. With a design effect of 1.5 the 1,600
interviews are worth about 1,067."""),
    ("code", """scen = ss.deff_scenarios(items, n)
scen.round(4)"""),
    ("chart", """plotting.plot_deff_scenarios(dict(items), n, stated_margin=stated, source=src)
plt.show()"""),
    ("md", """## 3. Two numbers from one poll

"The sceptics are seven times fewer": 70% against about 11%. The ratio's interval, with the
multinomial covariance of two answers to one question, contains seven.

The 55% has an **ambiguous base**: the sources do not say whether it is 55% of all respondents
(so 79% of the optimists) or 55% of the optimists (so 38.5% of all). The two readings differ far
more than sampling error."""),
    ("code", """shares = case.set_index("item")["estimate"]
ratio = ss.ratio_same_sample(headline, shares["sceptical_2026"], n)
print(ratio)
# the toplines name the item whose "yes" group the 55% may be a share of, and that group
about = toplines.set_index("item")
parent = about.loc["smo_end_hope", "ambiguous_base_item"]
nested = ss.nested_shares(hope, items[parent], n)
nested.to_frame().round(3)"""),
    ("chart", """nested.plot(subgroup=about.loc[parent, "group_label"], source=src)
plt.show()"""),
    ("md", """## 4. Biases the margin does not cover

Each mechanism maps a true share to a reported one and back; the default ranges carry their
sources and evidence labels (S: stated in the source; D: derived; I: judgement)."""),
    ("code", """default_ranges()[["mechanism", "parameter", "low", "central", "high", "evidence", "source"]]"""),
    ("md", """**Differential nonresponse.** Re:Russia's fear gap (15% vs more than 40% afraid, among
respondents and refusers) gives a response odds ratio of about 1.42 for regime-congruent answers:
70% reported then means about 62% true.

**Preference falsification.** List experiments in Russia find direct questions overstating
regime-congruent answers by 5-15 points on sensitive items (Frye et al. 2017; Chapkovski and
Schaub 2022; Kalinin 2016).

**Worst case.** Without assumptions about those who did not answer (Manski 2005), a 10%
response rate leaves 70% anywhere in [7%, 97%]. "Don't know" answers move the base as well:
70% of all respondents is 86% of those with an opinion when 19% said "hard to say"."""),
    ("code", """dont_know = about.loc["successful_2026", "dont_know"]
print(f"odds ratio 1.42: {headline:.0%} reported -> {Nonresponse(1.42).true(headline):.3f} true")
print("Manski bounds at r = 0.10:", tuple(round(v, 3) for v in manski_bounds(headline, 0.10)))
print(f"share among those with an opinion: {DontKnow(dont_know).among_opinion(headline):.3f}")"""),
    ("md", """The tornado puts the mechanisms side by side: each one alone, from the low to the high end
of its sourced range, the others off. Its numbers are a result like any other; the chart only
draws them."""),
    ("code", """tornado = ss.bias_tornado(items, n)
print(tornado)
tornado.to_frame()[["mechanism", "item", "reported", "low", "high", "span"]].round(3)"""),
    ("chart", """tornado.plot(source=src)
plt.show()"""),
    ("md", """## 5. Scenarios and tipping points

Three sourced presets: *benign* (no bias, deff 1), *plausible* (central values) and *stress*
(high values). And the question a reader asks: **how much bias removes the majority?**"""),
    ("code", """rows = []
for name in ss.PRESETS:
    for item, p in items.items():
        res = ss.Scenario.preset(name).apply(p, n)
        rows.append({"item": item, "scenario": name, "estimate": res.estimate,
                     "low": res.low, "high": res.high})
presets = pd.DataFrame(rows)
tp_f = ss.tipping_point(hope, "falsification")
tp_k = ss.tipping_point(hope, "nonresponse")
print(tp_f.message)
print(tp_k.message)
presets.round(3)"""),
    ("md", """The sensitivity map shows both biases at once for the 55%: the adjusted share over a grid of
response odds ratios and falsification levels, with the 50% contour. Where the contour meets each
axis are the tipping points above, computed again from the same pipeline."""),
    ("code", """smap = ss.sensitivity_map(hope, n)
smap"""),
    ("chart", """smap.plot(source=src)
plt.show()"""),
    ("md", """The report draws this map centred on the *plausible* preset instead: its nonresponse is a
data-defect correlation ρ, so ρ is on the x axis, and its coverage bias is held, so the marked
point is the plausible value of the next section (46% for the 55%). Its tipping points are
then those of each parameter *with the preset's other biases held*, and the title says so."""),
    ("code", """smap_plausible = ss.sensitivity_map(ss.Scenario.preset("plausible").apply(hope, n),
                                    x="rho")
print(smap_plausible)"""),
    ("chart", """smap_plausible.plot(source=src)
plt.show()"""),
    ("md", """## 6. The error budget

From the stated ±2.5 points, to the design effect, to each bias in turn, to the total plausible
range under the *plausible* preset. The stated margin is the poll card's; without one the budget
starts at the sampling interval."""),
    ("code", """plausible = ss.Scenario.preset("plausible").apply(headline, n)
budget = ss.error_budget(plausible, stated_margin=stated)
budget.to_frame().round(3)"""),
    ("chart", """budget.plot(source=src)
plt.show()"""),
    ("md", """## 7. Probabilistic bias analysis and simulated polls

Instead of single values, draw the bias parameters from distributions that express the evidence
(as episensr's `probsens` does for 2x2 tables), and simulate whole polls to see how often the
nominal 95% interval covers the truth when the biases act."""),
    ("code", """pba = ss.probabilistic_bias_analysis(
    headline, n,
    {"odds_ratio": LogNormal.from_interval(1.0, 1.42),
     "falsification": Trapezoidal(0.0, 0.05, 0.10, 0.14),
     "uncovered_share": Uniform(0.02, 0.10), "coverage_difference": Uniform(-0.30, -0.10)},
    deff=1.5, draws=200_000, rng=2025)
pba.to_frame().round(3)"""),
    ("chart", """pba.plot(plausible=plausible, source=src)  # the preset's value beside the draws
plt.show()"""),
    ("md", """The simulation takes the truth the odds ratio of 1.42 implies and lets "yes" holders answer
1.42 times as readily: how often does the nominal 95% interval of such a poll cover the truth?"""),
    ("chart", """sim = ss.simulate_poll(Nonresponse(1.42).true(headline), n, polls=20_000,
                       response_odds_ratio=1.42, rng=2025)
print(sim)
sim.plot()
plt.show()"""),
    ("md", """## 8. What a careful reader should conclude

* The stated ±2.5 points is sampling arithmetic for an ideal random sample; with weighting it is
  nearer ±2.8, and it says nothing about who refuses, who is unreachable, or who answers what seems
  safe.
* Under the sourced *plausible* assumptions the 70% is more like 61% (55-67%); under the *stress*
  test it can fall below half. The optimistic majority survives moderate bias; its size does not.
* The 55% is fragile: a tenth of the "no" holders saying "yes", or "yes" holders answering 1.22
  times as readily, already removes the majority, and its base is unclear.
* Treat the headline as "a majority, probably between about 55% and 70%, measured under
  conditions that push answers upward" rather than as "70% ± 2.5"."""),
    ("code", """# key numbers, checked by the test suite
KEY = {
    "implied_deff": round(float(ss.implied_deff(stated, n)), 4),
    "wilson_low": round(float(ss.proportion_ci(headline, n).low), 4),
    "wilson_high": round(float(ss.proportion_ci(headline, n).high), 4),
    "or_142_true": round(float(Nonresponse(1.42).true(headline)), 4),
    "manski_low": round(float(manski_bounds(headline, 0.10)[0]), 4),
    "manski_high": round(float(manski_bounds(headline, 0.10)[1]), 4),
    "tipping_falsification_55": round(float(tp_f.value), 4),
    "tipping_odds_ratio_55": round(float(tp_k.value), 4),
    "map_tipping_falsification_55": round(float(smap.tipping["falsification"]), 4),
    "map_tipping_odds_ratio_55": round(float(smap.tipping["odds_ratio"]), 4),
    "plausible_70": round(float(plausible.estimate), 3),
    "map_plausible_55": round(float(smap_plausible.central_estimate), 4),
    "budget_total_70": round(float(budget.to_frame()["estimate"].iloc[-1]), 3),
    "budget_stated_low": round(float(budget.to_frame()["low"].iloc[0]), 4),
    "nested_b_share_of_all": round(float(nested.intervals["B: share of all"].estimate), 4),
    "sim_coverage": round(float(sim.coverage), 3),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name("vtsiom_2025.ipynb")
    nbformat.write(build(), path)
    print(f"wrote {path}")
