# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_02_design_effects.ipynb: weighting and clustering design effects.

Run ``python docs/course/make_lesson_02.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_02_design_effects.ipynb"

# key -> (value, absolute tolerance). Everything here is deterministic: the bundled files and
# closed formulas, no random draws. Checked in scratch work with independent numpy code:
# Kish as n sum(w^2) / sum(w)^2; the ANOVA ICC as (MSB - MSW) / (MSB + (m0 - 1) MSW) written
# out with groupby sums; the true design effects of cluster1 and cluster2 by the
# linearisation variance of the weighted mean over the whole population (the one-stage and
# the stratified two-stage formulas with the residual totals of y - Y), which reproduce the
# data card's standard errors (0.0191 and 0.0338) and design effects (29 and 2.2).
EXPECTED: dict[str, tuple[float, float]] = {
    # made-up weights: 1,200 respondents weighted 0.8, 400 weighted 1.6: 1600 * 1792 / 1600^2
    "kish_made_up": (1.12, 1e-9),
    # Kish deff of the stratified teaching sample's weights N_h / 200 (data card: 1.13)
    "kish_stratified": (1.130614, 1e-6),
    # ANOVA ICC within municipalities in the population (truth.csv: 0.035501 and 0.184701)
    "icc_optimistic": (0.035501, 1e-6),
    "icc_income": (0.184701, 1e-6),
    # cluster_deff(394, rho) = 1 + 393 rho, and 1 + ((1 + CV^2) 394 - 1) rho with the CV 0.8872
    # of municipality sizes (rho = 0.0355015 unrounded)
    "cluster_formula_optimistic": (14.952077, 1e-6),
    "cluster_formula_cv_optimistic": (25.962880, 1e-6),
    # the true design effect of the cluster1 design for the share optimistic, by linearisation
    # over the population (data card: SE 0.0191, deff 29)
    "true_deff_cluster1_optimistic": (28.996628, 1e-5),
    # the cluster1 sample's own design-based estimate (SurveyDesign.proportion, deff="wor")
    "sample_deff_cluster1_optimistic": (26.979431, 1e-5),
    # cluster2: Kish of its weights, clustering 1 + 11 rho, their product; the truth (data
    # card: deff 2.2) and the sample's estimate
    "kish_cluster2": (1.467982, 1e-6),
    "combined_cluster2_optimistic": (2.041252, 1e-6),
    "true_deff_cluster2_optimistic": (2.229728, 1e-6),
    "sample_deff_cluster2_optimistic": (1.276562, 1e-6),
    # VTsIOM: (0.025 / (z sqrt(0.25 / 1600)))^2 and (0.019 / (z sqrt(0.25 / 4200)))^2
    "implied_deff_2025": (1.041271, 1e-6),
    "implied_deff_2017": (1.578775, 1e-6),
    # exercise 2.2: rho = (2 - 1) / (20 - 1), and with Kish 1.3: (2 / 1.3 - 1) / 19
    "icc_for_half": (0.052632, 1e-6),
    "icc_for_half_with_weights": (0.028340, 1e-6),
    # exercise 2.3: Wald margin at p = 0.5, n = 1,600, deff 1.5: 1.96 sqrt(1.5 / 6400)
    "margin_at_deff_1_5": (0.030006, 1e-6),
}

CELLS: list[tuple[str, str]] = [
    ("md", r"""# Lesson 2: Design effects: weighting (Kish) and clustering (ICC), effective sample size

Real polls are not simple random samples. They weight their respondents to match the
population, and face-to-face polls interview people in clusters (a few dozen streets or
villages). Both make an estimate less precise than a simple random sample of the same size
would be, and the *design effect* says by how much. In this lesson you compute design effects
from weights, from the intraclass correlation of clustered data and from a full design, check
them against the known truth of the [teaching population](../data/teaching.md), and read the
margin VTsIOM states for its 1,600 interviews. It takes about 35 minutes and builds on
[lesson 1](lesson_01_intervals.ipynb) (standard errors, the Wald margin)."""),
    ("md", r"""## Learning goals

- **Compute** Kish's design effect of weighting from a weight vector, and the effective
  sample size it implies.
- **Compute** an intraclass correlation with the ANOVA estimator and the design effect of
  clustering it implies, and **explain** why the formula and a design-based estimate differ.
- **Combine** weighting and clustering effects, and compare the result with the true design
  effect of a design drawn from the teaching population.
- **Judge** what margin of error a poll should state, from the design effect its stated
  margin implies and a sourced range of plausible values."""),
    ("code", """# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import surveystats as ss
from surveystats import plotting
from surveystats.datasets import load_teaching_population, load_teaching_sample, load_teaching_truth

population = load_teaching_population()   # the whole synthetic country: 197,000 adults
N = len(population)
truth = load_teaching_truth()
print(f"{N:,} adults in {population['municipality'].nunique()} municipalities")"""),
    ("md", r"""## What a design effect is

The design effect of an estimate $\hat\theta$ compares its variance under the actual design
with its variance under a simple random sample (SRS) of the same size $n$ (Kish 1965):

$$\text{deff} = \frac{\operatorname{Var}_{\text{design}}(\hat\theta)}{\operatorname{Var}_{\text{SRS}}(\hat\theta)}, \qquad n_{\text{eff}} = \frac{n}{\text{deff}}.$$

The *effective sample size* $n_{\text{eff}}$ is the size of the SRS that would be as precise.
Every formula of lesson 1 then works with $n_{\text{eff}}$ in place of $n$, and the margin of
error grows by $\sqrt{\text{deff}}$. A design effect belongs to an estimate, not to a survey:
the same sample can have different design effects for different questions."""),
    ("code", """for deff in (1.0, 1.5, 2.25):
    print(f"deff {deff:4}: n_eff = {ss.effective_sample_size(1600, deff):7.1f}, "
          f"margin at 50% = {ss.margin_of_error(0.5, 1600, deff=deff):.2%}")"""),
    ("md", r"""## Weighting: Kish's design effect

If respondents carry unequal weights $w_i$ (to correct for unequal selection chances or to
match census margins), a weighted mean is less precise. Kish's approximation, for weights
unrelated to the variable measured, is

$$\text{deff}_w = \frac{n\sum_i w_i^2}{\left(\sum_i w_i\right)^2} = 1 + \text{CV}^2(w),$$

with $\text{CV}(w)$ the coefficient of variation of the weights (standard deviation with
divisor $n$, over the mean). Only the relative spread of the weights matters, not their
scale. A made-up example first: a phone poll of 1,600 in which 1,200 respondents (groups
that answer readily) get weight 0.8 and 400 (groups that rarely answer) get weight 1.6."""),
    ("code", """made_up = np.r_[np.full(1200, 0.8), np.full(400, 1.6)]
k = ss.kish_deff(made_up)
print(k)
print(f"CV of the weights {k.cv:.4f}; 1 + CV^2 = {1 + k.cv**2:.4f}")"""),
    ("md", r"""The stratified teaching sample has 200 interviews in each of 8 regions of very
different size, so its weights run from 55 (far east) to 200 (volga). Kish's formula gives
one number for the whole sample. The design-based design effect, computed for each estimate
by `SurveyDesign` (R survey's `deff=TRUE`), also counts what stratification gains."""),
    ("code", """stratified = load_teaching_sample("stratified")
kish_strat = ss.kish_deff(stratified["weight"])
d_strat = ss.SurveyDesign(stratified, weights="weight", strata="region", fpc="fpc")
est = d_strat.mean(["optimistic", "income"], deff="wor")
print(kish_strat)
print(est.to_frame()[["variable", "estimate", "se", "deff"]].round(4))"""),
    ("md", r"""Kish's 1.13 is the price of the unequal weights. For the share of optimists, which
differs little between regions, stratification recovers almost nothing and the actual
design effect, 1.11, is close to Kish's. For income, which differs strongly between regions,
stratifying by region removes the between-region variance and cancels the price: 0.95. Kish's
formula is a planning figure for a typical variable, not the design effect of every estimate.

## Clustering: the intraclass correlation

A face-to-face poll draws a few dozen sampling points and interviews several people in each.
Neighbours resemble each other, so the second interview in a village tells us less than an
interview in another village. The *intraclass correlation* $\rho$ measures the resemblance:
the share of the variance that lies between clusters. Its ANOVA estimator, with $M$ clusters
of sizes $N_i$ and mean squares between (MSB) and within (MSW) clusters, is

$$\hat\rho = \frac{\text{MSB} - \text{MSW}}{\text{MSB} + (m_0 - 1)\,\text{MSW}}, \qquad m_0 = \frac{1}{M-1}\Big(N - \frac{\sum_i N_i^2}{N}\Big).$$

Computed over the whole population, with municipalities as clusters:"""),
    ("code", """def anova_icc(data, variable, cluster="municipality"):
    groups = data.groupby(cluster)[variable]
    sizes, means = groups.size().to_numpy(), groups.mean().to_numpy()
    total, n_clusters = len(data), len(sizes)
    y = data[variable].to_numpy(dtype=float)
    msb = np.sum(sizes * (means - y.mean()) ** 2) / (n_clusters - 1)
    msw = np.sum((y - groups.transform("mean").to_numpy()) ** 2) / (total - n_clusters)
    m0 = (total - np.sum(sizes**2) / total) / (n_clusters - 1)
    return (msb - msw) / (msb + (m0 - 1) * msw)


icc = {v: anova_icc(population, v) for v in ["optimistic", "income"]}
icc_truth = truth.query("statistic == 'icc'").set_index("variable")["value"]
for v, rho in icc.items():
    print(f"ICC of {v:10s} {rho:.6f} (truth.csv: {icc_truth[v]:.6f})")
    assert abs(rho - icc_truth[v]) < 1e-9"""),
    ("md", r"""An ICC of 0.036 looks negligible. It is not, once clusters are large. With $b$
interviews per cluster the variance of a mean grows by (Kish 1965)

$$\text{deff}_c = 1 + (b - 1)\,\rho,$$

and when cluster sizes vary, with coefficient of variation $\text{CV}_b$, by about
$1 + \big((1 + \text{CV}_b^2)\,b - 1\big)\rho$ (Eldridge, Ashby and Kerry 2006);
`ss.cluster_deff` computes both. The chart shows the first form: with 12 interviews per
sampling point, about as many as in Levada's face-to-face design, an ICC between 0.01 and 0.05 (a common
range for attitude questions, a judgement rather than a sourced figure) costs 10% to 55% of
the variance; with whole municipalities, it costs a factor of ten or more."""),
    ("chart", """b = np.geomspace(1, 500, 300)
b_muni = N / population["municipality"].nunique()   # 394 adults on average
fig, ax = plt.subplots(figsize=(8, 4))
for rho, label in [(0.01, "0.01"), (icc["optimistic"], "0.036, optimistic"), (0.05, "0.05"),
                   (icc["income"], "0.185, income")]:
    ax.plot(b, ss.cluster_deff(b, rho), label=f"ICC {label}")
for size, text, height, side in [(12, " 12 per sampling point", 60, "left"),
                                 (b_muni, "a whole municipality ", 1.2, "right")]:
    ax.axvline(size, color="grey", linestyle=":")
    ax.text(size, height, text, color="grey", fontsize="small", ha=side)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("interviews per cluster b")
ax.set_ylabel("design effect of clustering")
ax.set_title("deff = 1 + (b - 1) ICC")
ax.legend(loc="upper left")
plt.show()"""),
    ("md", r"""### The cluster1 design: formula, truth and one sample

The `cluster1` teaching design draws 40 of the 500 municipalities at random and interviews
everybody in them. On average that is 394 adults per municipality, with sizes varying a lot.
Because the whole population is known, the true variance of the weighted mean under this
design can be computed directly. With the residual totals $t_i = \sum_{j \in i}(y_j - \bar Y)$
of the municipalities, the variance of a one-stage cluster sample of $m$ of $M$ clusters is

$$\operatorname{Var}(\hat{\bar y}) \approx \frac{M^2}{m}\Big(1 - \frac{m}{M}\Big)\frac{S_t^2}{N^2},$$

with $S_t^2$ the variance of the $t_i$ across the $M$ municipalities; divided by the SRS
variance at the expected sample size $mN/M$, it gives the true design effect. Set beside it
the two forms of the formula and the design-based estimate from the one `cluster1` sample
that ships with the package."""),
    ("code", """M, m = 500, 40
sizes = population.groupby("municipality").size()
b_pop, cv_pop = sizes.mean(), sizes.std(ddof=0) / sizes.mean()


def true_deff_cluster1(variable):
    y = population[variable].to_numpy(dtype=float)
    t = pd.Series(y - y.mean()).groupby(population["municipality"].to_numpy()).sum()
    var_design = M**2 / m * (1 - m / M) * t.var(ddof=1) / N**2
    n_expected = m * N / M
    var_srs = (1 - n_expected / N) * y.var(ddof=1) / n_expected
    return var_design / var_srs


cluster1 = load_teaching_sample("cluster1")
d1 = ss.SurveyDesign(cluster1, weights="weight", clusters="municipality", fpc="fpc")
rows = []
for v in ["optimistic", "income"]:
    sample_deff = float(d1.mean(v, deff="wor").deff[0])
    rows.append({"variable": v, "ICC": icc[v],
                 "1 + (b-1) ICC": ss.cluster_deff(b_pop, icc[v]),
                 "with CV of sizes": ss.cluster_deff(b_pop, icc[v], cv_cluster_size=cv_pop),
                 "true deff": true_deff_cluster1(v),
                 "sample estimate": sample_deff,
                 "n_eff of the sample": ss.effective_sample_size(len(cluster1), sample_deff)})
c1_table = pd.DataFrame(rows).set_index("variable")
print(f"municipalities: mean size b = {b_pop:.0f}, CV of sizes {cv_pop:.3f}; "
      f"the sample has {len(cluster1):,} interviews in {m} of them")
c1_table.round(3)"""),
    ("md", r"""For the share of optimists:

- the simple formula, $1 + 393 \times 0.036 = 15$, is half the truth; allowing for the
  unequal sizes of the municipalities brings it to 26, close to the true 29;
- the one sample's design-based estimate, 27, is near the truth, but it rests on 40
  municipalities (39 degrees of freedom) and another draw would give a different value;
- 11,830 interviews carry about as much information as 440 independent ones.

For income the formula with unequal sizes gives 131 against a true 169. The formula assumes
that a cluster's size tells nothing about how far its mean lies from the average. For income
that is false: the capital region's 40 municipalities are the largest (750 adults on average,
against 363 elsewhere) and the richest, and a cluster's deviation from the mean enters the
variance multiplied by its size. Those 40 of the 500 municipalities contribute about three
quarters of the sum of squared size-weighted deviations $\sum_i N_i^2(\bar y_i - \bar Y)^2$.
A design formula is a planning tool; the design-based variance of the actual sample is what
an analysis should report.

## Weighting and clustering together

The European Social Survey plans its samples with the product of the two effects, a form
that Gabler, Häder and Lahiri (1999) justified under a model:

$$\text{deff} \approx \text{deff}_w \times \text{deff}_c.$$

The `cluster2` design is a realistic face-to-face design: 35 municipalities in 8 regions,
12 interviews in each, 420 in all. Municipalities are drawn with equal probability, so people
in large municipalities carry large weights."""),
    ("code", """cluster2 = load_teaching_sample("cluster2")
kish_c2 = ss.kish_deff(cluster2["weight"])
clustering_c2 = ss.cluster_deff(12, icc["optimistic"])
combined_c2 = ss.combine_deff(kish_c2.deff, clustering_c2)

# the truth: the linearisation variance of the weighted mean over the whole population,
# stratified two-stage sampling (m_h municipalities per region, then 12 adults in each)
m_h = cluster2.groupby("region")["municipality"].nunique()
y = population["optimistic"].to_numpy(dtype=float)
cells = population.assign(r=y - y.mean()).groupby(["region", "municipality"])["r"]
per_muni = pd.DataFrame({"t": cells.sum(), "N_i": cells.size(), "S2": cells.var(ddof=1)}).reset_index()
per_muni["m_h"] = per_muni["region"].map(m_h)
per_muni["M_h"] = per_muni.groupby("region")["t"].transform("size")
stage1 = per_muni.groupby("region").agg(M_h=("M_h", "first"), m_h=("m_h", "first"), S2t=("t", "var"))
var1 = np.sum(stage1.M_h**2 * (1 - stage1.m_h / stage1.M_h) * stage1.S2t / stage1.m_h)
var2 = np.sum(per_muni.M_h / per_muni.m_h * per_muni.N_i**2 * (1 - 12 / per_muni.N_i) * per_muni.S2 / 12)
true_c2 = (var1 + var2) / N**2 / ((1 - 420 / N) * y.var(ddof=1) / 420)

d2 = ss.SurveyDesign(cluster2, weights="weight", strata="region",
                     clusters=["municipality", "id"], fpc=["fpc1", "fpc2"])
sample_c2 = float(d2.proportion("optimistic", level=1, deff="wor").deff[0])
print(f"Kish {kish_c2.deff:.3f} x clustering {clustering_c2:.3f} = {combined_c2:.3f}")
print(f"true design effect {true_c2:.3f}; this sample's estimate {sample_c2:.3f} "
      f"(design df {d2.degf:g})")"""),
    ("md", r"""The product, 2.04, is close to the true 2.23 (the data card's 2.2). The one sample's
estimate, 1.28, is far below both: with 27 degrees of freedom a design effect estimated from
one sample is itself very uncertain. A survey that reports design effects of 1.3 from a design
like this one is not necessarily efficient; it may just be lucky. For planning, use the
formula with sourced values of its inputs, and check it against the design effects of many
past surveys, not one.

## Reading a stated margin

A pollster that states a margin of error tells us, indirectly, which design effect it
assumed: the stated margin $e$ at $p = 0.5$ implies

$$\text{deff}_{\text{implied}} = \left(\frac{e}{z\sqrt{0.25/n}}\right)^2.$$

VTsIOM stated that the error of its 13 December 2025 phone poll of 1,600 "does not exceed
2.5%" at 95% (sia.ru summarising Vedomosti, 24 December 2025; see the
[data card](../data/vtsiom_2025.md)). In September 2017 it stated 1.9% for a week of
4,200 phone interviews (kianews24, September 2017). Both are among the sources of the
default ranges on the [bias](../bias.md) page."""),
    ("code", """implied_2025 = ss.implied_deff(0.025, 1600)
implied_2017 = ss.implied_deff(0.019, 4200)
print(f"2025: 2.5% at n = 1,600 implies deff {implied_2025:.2f}")
print(f"2017: 1.9% at n = 4,200 implies deff {implied_2017:.2f}")
ss.deff_scenarios({"successful_2026": 0.70, "smo_end_hope": 0.55}, 1600).round(4)"""),
    ("md", r"""The 2025 margin is simple-random-sampling arithmetic
($1.96\sqrt{0.25/1600} = 2.45\%$, rounded up): it allows nothing for the weighting that the
pollster's method statements mention (the latest found, from 2022, says the data are
weighted by socio-demographic characteristics). The 2017 margin allowed for a design
effect of about 1.6. `deff_scenarios` shows the margins and intervals at the sourced default
range: 1 (what the stated margin implies), 1.5 (the central value, a judgement within the
1.1 to 1.7 that Pew Research Center's phone-poll margins imply) and 2.25 (a conservative cap:
the design effect of the clustered and weighted US exit polls, as the ABC News Polling Unit
describes them). The chart draws the margin against the
design effect, with the stated 2.5% and the design effect it implies."""),
    ("chart", """ax = plotting.plot_deff_scenarios({"successful_2026": 0.70, "smo_end_hope": 0.55}, 1600,
                                  stated_margin=0.025)
plt.show()"""),
    ("md", r"""A phone sample of mobile numbers is not clustered, so for VTsIOM only the weighting
part applies; for a face-to-face design such as Levada's, with about 12 interviews per
sampling point, the clustering part comes on top.

## Exercises"""),
    ("exercise", r"""### Exercise 2.1 Kish by hand

Compute Kish's design effect of the `cluster2` sample's weights in two ways, as
$n\sum w^2/(\sum w)^2$ and as $1 + \text{CV}^2$ (with `np.std`, whose default divisor is
$n$), and check both against `ss.kish_deff` to $10^{-12}$. Then check that multiplying all
weights by 1,000 changes nothing, and find the effective sample size."""),
    ("solution", """w = cluster2["weight"].to_numpy(dtype=float)
n2 = len(w)
kish_sums = n2 * np.sum(w**2) / np.sum(w) ** 2
kish_cv = 1 + (np.std(w) / np.mean(w)) ** 2
lib = ss.kish_deff(w)
assert abs(kish_sums - lib.deff) < 1e-12 and abs(kish_cv - lib.deff) < 1e-12
assert abs(ss.kish_deff(1000 * w).deff - lib.deff) < 1e-12   # scale does not matter
assert abs(lib.n_eff - n2 / lib.deff) < 1e-9
print(f"Kish deff {kish_sums:.4f} (= {kish_cv:.4f}); {n2} interviews count as {lib.n_eff:.1f}")"""),
    ("exercise", r"""### Exercise 2.2 How much clustering halves a sample?

A face-to-face poll plans 1,600 interviews in 80 sampling points of 20.

1. Which ICC turns it into an effective sample of 800? Solve
   $1 + (b-1)\rho = \text{deff}$ for $\rho$ and check your answer with `ss.cluster_deff` and
   `ss.effective_sample_size`.
2. The weights will add a Kish design effect of 1.3. Which ICC now halves the sample?
3. With the teaching population's ICC for optimism, what effective size would this design
   have without weights? Is an ICC of 0.05 for an attitude question plausible, judging by the
   teaching population?"""),
    ("solution", """n_plan, b_plan = 1600, 20
target_deff = n_plan / 800
rho_half = (target_deff - 1) / (b_plan - 1)
assert abs(ss.effective_sample_size(n_plan, ss.cluster_deff(b_plan, rho_half)) - 800) < 1e-9

rho_half_w = (target_deff / 1.3 - 1) / (b_plan - 1)
total = ss.combine_deff(1.3, ss.cluster_deff(b_plan, rho_half_w))
assert abs(ss.effective_sample_size(n_plan, total) - 800) < 1e-9
assert rho_half_w < rho_half                # the weights use up part of the budget

n_eff_teaching = ss.effective_sample_size(n_plan, ss.cluster_deff(b_plan, icc["optimistic"]))
print(f"ICC halving the sample: {rho_half:.4f} (1/19); with Kish 1.3: {rho_half_w:.4f}")
print(f"with the teaching ICC {icc['optimistic']:.3f}: deff {ss.cluster_deff(b_plan, icc['optimistic']):.2f}, "
      f"n_eff {n_eff_teaching:.0f}")
assert 900 < n_eff_teaching < 1000
# An ICC of 0.05 is at the top of the usual range for attitudes; the teaching population's
# optimism (0.036) and TV trust (0.038) lie just below it, its income (0.185) far above:
# variables tied to place, such as income here, cluster much more, so a design that is fine
# for attitudes can be poor for them."""),
    ("exercise", r"""### Exercise 2.3 What margin should VTsIOM have stated?

The sources behind the design-effect range of the [bias](../bias.md) page give these
anchors for a weighted phone poll. Pew Research Center's methods statements for its
dual-frame phone surveys give margins of 3.5 points for n = 1,005 (January 2014 omnibus),
2.4 for 2,004 (libraries report, September 2015), 3.3 for 1,506 (July 2009 political
survey) and 2.3 for 2,001 (internet survey, October 2005), and say that the margins take
the weighting into account. VTsIOM's own 2017 weekly release implies about 1.6. The US exit
polls, clustered and weighted, state 2.25 (ABC News Polling Unit).

1. Compute the design effects Pew's margins imply, with `ss.implied_deff`.
2. Compute the margin VTsIOM should have stated at $p = 0.5$ for n = 1,600 at the low, the
   central (1.5) and the high end of that range, and at 2.25. How many interviews would keep
   the margin at 2.5 points with a design effect of 1.5?
3. What would you have printed under the headline, and what would it still leave out?"""),
    ("solution", """pew = pd.DataFrame({"n": [1005, 2004, 1506, 2001], "stated": [0.035, 0.024, 0.033, 0.023]},
                   index=["Jan 2014 omnibus", "libraries 2015", "July 2009 political", "2005 internet"])
pew["implied deff"] = ss.implied_deff(pew["stated"], pew["n"])
print(pew.round(3))
low, high = pew["implied deff"].min(), pew["implied deff"].max()
assert 1.05 < low < 1.15 and 1.65 < high < 1.75

deffs = pd.Series({"Pew low": low, "central": 1.5, "VTsIOM 2017": implied_2017, "Pew high": high,
                   "exit-poll cap": 2.25})
margins = ss.margin_of_error(0.5, 1600, deff=deffs)
print(margins.map(lambda e: f"{e:.2%}"))
needed = ss.required_sample_size(0.025, deff=1.5)
print(f"keeping 2.5 points at deff 1.5 takes {needed:,.0f} interviews")
margin_15 = float(margins["central"])
assert (margins > 0.025).all()              # every plausible design effect exceeds 2.5 points
assert abs(margin_15 - 0.030) < 0.0005
# Judgement: "the sampling error, allowing for weighting, is about 3 points (2.6 to 3.2 for
# design effects of 1.1 to 1.7)" would have been honest; the stated 2.5 assumes no design
# effect. Even then the margin covers sampling error only: nonresponse, a mobile-only frame
# and reluctance to answer (lessons 6 and 7) are not in it."""),
    ("md", r"""## Summary

- A design effect compares an estimate's variance with that of a simple random sample of the
  same size; $n / \text{deff}$ is the effective sample size, and the margin grows by
  $\sqrt{\text{deff}}$.
- Unequal weights cost about $1 + \text{CV}^2$ (Kish). Clustering costs $1 + (b-1)\rho$,
  more with unequal cluster sizes; small ICCs matter when clusters are large. Together,
  roughly the product.
- Formulas are for planning. The design-based variance of the sample at hand is what an
  analysis reports, and with few clusters it is itself uncertain.
- A stated margin implies a design effect. VTsIOM's 2.5 points at n = 1,600 implies 1.04,
  below every sourced value for weighted phone polls (1.1 to 1.7); about 3 points would
  have been a fair statement of its sampling error.

What the numbers cannot tell: a design effect is about variance. It does not say whether
the weights removed any bias (lesson 5), and a larger, honest margin is still only a margin
of *sampling* error.

## Further reading

- Kish, L. (1965). *Survey Sampling*. Wiley. (Section 5.4 on clustering, 11.7 on weighting.)
- Kish, L. (1992). Weighting for unequal Pi. *Journal of Official Statistics* 8(2), 183-200.
- Gabler, S., Häder, S. and Lahiri, P. (1999). A model based justification of Kish's formula
  for design effects for weighting and clustering. *Survey Methodology* 25(1), 105-106.
- Eldridge, S. M., Ashby, D. and Kerry, S. (2006). Sample size for cluster randomized trials:
  effect of coefficient of variation of cluster size and analysis method. *International
  Journal of Epidemiology* 35(5), 1292-1300.
- Lohr, S. L. (2019). *Sampling: Design and Analysis*, 2nd ed. CRC Press. (Chapters 5 and 7.)
- The [design effects](../design-effects.md) page of this site, and the design-effect
  sources in the [bias](../bias.md) evidence. Next: [lesson 3](lesson_03_complex_designs.ipynb),
  complex designs."""),
    ("code", """# key numbers, checked by the test suite
KEY = {
    "kish_made_up": round(float(k.deff), 9),
    "kish_stratified": round(float(kish_strat.deff), 6),
    "icc_optimistic": round(float(icc["optimistic"]), 6),
    "icc_income": round(float(icc["income"]), 6),
    "cluster_formula_optimistic": round(float(c1_table.loc["optimistic", "1 + (b-1) ICC"]), 6),
    "cluster_formula_cv_optimistic": round(float(c1_table.loc["optimistic", "with CV of sizes"]), 6),
    "true_deff_cluster1_optimistic": round(float(c1_table.loc["optimistic", "true deff"]), 6),
    "sample_deff_cluster1_optimistic": round(float(c1_table.loc["optimistic", "sample estimate"]), 6),
    "kish_cluster2": round(float(kish_c2.deff), 6),
    "combined_cluster2_optimistic": round(float(combined_c2), 6),
    "true_deff_cluster2_optimistic": round(float(true_c2), 6),
    "sample_deff_cluster2_optimistic": round(float(sample_c2), 6),
    "implied_deff_2025": round(float(implied_2025), 6),
    "implied_deff_2017": round(float(implied_2017), 6),
    "icc_for_half": round(float(rho_half), 6),
    "icc_for_half_with_weights": round(float(rho_half_w), 6),
    "margin_at_deff_1_5": round(margin_15, 6),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
