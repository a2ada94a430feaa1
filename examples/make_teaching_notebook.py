# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write examples/teaching_designs.ipynb: declare the teaching samples' designs, compare with truth.

Run ``python examples/make_teaching_notebook.py`` after editing; the test suite executes the
notebook, checks the numbers its last cell reports, and checks that every ``chart`` cell shows
its figure (exactly one image) and no other cell shows one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _notebook_cells import notebook

CELLS: list[tuple[str, str]] = [
    ("md", """# Designs and the truth: a lab for design-based estimation

`surveystats` ships a synthetic country of 197,000 adults in 8 regions and 500 municipalities,
with samples drawn from it under four designs (simple random, stratified, one-stage and
two-stage cluster). Because the whole population is known, every estimate can be compared with
the truth, and every standard error can be checked against what actually happens.

Exercises: declare each design, estimate the share of optimists and mean income, and see (1)
that the estimates land near the truth, (2) how clustering inflates the standard error (the
design effect), and (3) what goes wrong when a cluster sample is analysed as if it were simple
random."""),
    ("code", """# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend (as the test suite's does): the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import surveystats as ss
from surveystats import plotting
from surveystats.datasets import load_teaching_sample, load_teaching_truth

truth = load_teaching_truth()
true_opt = truth.query("statistic == 'proportion' and variable == 'optimistic' and region == 'all'").value.item()
true_inc = truth.query("statistic == 'mean' and variable == 'income' and region == 'all'").value.item()
true_tot = truth.query("statistic == 'total' and variable == 'income' and region == 'all'").value.item()
print(f"true share optimistic {true_opt:.4f}, mean income {true_inc:.2f}, total income {true_tot:,.0f}")"""),
    ("md", """## Declaring the four designs

A design says how the sample was drawn: strata (drawn separately), clusters (drawn as groups, in
stages), weights (inverse inclusion probabilities) and the finite population correction (fpc:
here population counts at each stage)."""),
    ("code", """designs = {
    "srs": ss.SurveyDesign(load_teaching_sample("srs"), weights="weight", fpc="fpc"),
    "stratified": ss.SurveyDesign(load_teaching_sample("stratified"), weights="weight",
                                  strata="region", fpc="fpc"),
    "cluster1": ss.SurveyDesign(load_teaching_sample("cluster1"), weights="weight",
                                clusters="municipality", fpc="fpc"),
    "cluster2": ss.SurveyDesign(load_teaching_sample("cluster2"), weights="weight",
                                strata="region", clusters=["municipality", "id"],
                                fpc=["fpc1", "fpc2"]),
}
for name, d in designs.items():
    print(f"{name:11s} {d!r}")"""),
    ("md", """## Estimates against the truth

For each design: the estimate, its standard error, the 95% interval (t with the design's degrees
of freedom), whether it covers the truth, and the design effect (variance relative to a simple
random sample of the same size, without replacement)."""),
    ("code", """rows = []
for name, d in designs.items():
    for label, est, true in (
        ("share optimistic", d.proportion("optimistic", level=1, deff="wor"), true_opt),
        ("mean income", d.mean("income", deff="wor"), true_inc),
    ):
        ci = est.confint()
        low, high = float(np.ravel(ci["low"])[0]), float(np.ravel(ci["high"])[0])
        rows.append({"design": name, "quantity": label, "n": d.n_obs,
                     "estimate": float(np.ravel(est.estimate)[0]), "se": float(np.ravel(est.se)[0]),
                     "low": low, "high": high, "truth": true, "covers": low <= true <= high,
                     "deff": float(np.ravel(est.deff)[0])})
table = pd.DataFrame(rows)
table.round(4)"""),
    ("md", """Seven of the eight intervals cover the truth. The miss is instructive: the one-stage
cluster sample drew 40 of 500 municipalities, and only one of them from the (rich) capital, so
its mean income is low. A 95% interval misses one time in twenty, and cluster samples make such
unlucky draws likelier than their raw size suggests. Its total would be off too: its weights
sum to 147,875, not 197,000.

The one-stage cluster sample has nearly 12,000 interviews, yet its design effect for the
share of optimists is large: people in the same municipality resemble each other (the
intraclass correlation of "optimistic" is about 0.04, of income about 0.19), and with whole
municipalities of hundreds of people that adds up. Its effective sample size is a few hundred."""),
    ("code", """c1 = designs["cluster1"].proportion("optimistic", level=1, deff="wor")
print(f"cluster1: n = {designs['cluster1'].n_obs:,}, deff = {float(np.ravel(c1.deff)[0]):.1f}, "
      f"effective n = {float(np.ravel(c1.n_eff)[0]):,.0f}")"""),
    ("md", """## The mistake: ignoring the clusters

Analysing the one-stage cluster sample as if it were a simple random sample of individuals gives
a standard error that is far too small, and an interval that would miss the truth far more often
than 5% of the time."""),
    ("code", """sample = load_teaching_sample("cluster1")
naive = ss.SurveyDesign(sample, weights="weight")
right = designs["cluster1"]
se_naive = float(np.ravel(naive.proportion("optimistic", level=1).se)[0])
se_right = float(np.ravel(right.proportion("optimistic", level=1).se)[0])
print(f"SE ignoring clusters: {se_naive:.4f}; SE with clusters: {se_right:.4f} "
      f"({se_right / se_naive:.1f} times larger)")"""),
    ("md", """## Domains: estimates by region

Domain estimates use the whole design (zero-weighting outside the domain), so the variance
accounts for the random domain sample size."""),
    ("code", """by_region = designs["stratified"].mean("income", by="region").to_frame()
true_reg = truth.query("statistic == 'mean' and variable == 'income' and region != 'all'")[["region", "value"]]
by_region.merge(true_reg, left_on="domain", right_on="region", how="left").round(3)"""),
    ("md", """## Calibration: using what is known about the population

The population counts by region and by age group are known (a census would give them). Raking
the simple random sample's weights to those margins makes the sample match them exactly, and,
because optimism varies with age and region, usually reduces the standard error. The variance of
a calibrated design uses the residuals of the calibration regression, as R survey's does."""),
    ("code", """from surveystats.datasets import load_teaching_margins

m = load_teaching_margins()
margins = {
    "region": m.query("margin == 'region'").set_index("region")["count"].to_dict(),
    "age_group": m.query("margin == 'age_group'").set_index("age_group")["count"].to_dict(),
}
raked = designs["srs"].rake(margins)
before = designs["srs"].proportion("optimistic", level=1)
after = raked.proportion("optimistic", level=1)
print(f"SRS:   {float(np.ravel(before.estimate)[0]):.4f} (SE {float(np.ravel(before.se)[0]):.4f})")
print(f"raked: {float(np.ravel(after.estimate)[0]):.4f} (SE {float(np.ravel(after.se)[0]):.4f}); truth {true_opt:.4f}")
jk = designs["stratified"].to_replicate("jkn")
print("stratified, Taylor vs jackknife SE:",
      round(float(np.ravel(designs["stratified"].mean("income").se)[0]), 4),
      round(float(np.ravel(jk.mean("income").se)[0]), 4))"""),
    ("md", """## From a design to the topline tools

A design estimate of a proportion becomes a `ProportionCI` (estimate, n, design effect, degrees of
freedom), so every interval method, bias scenario and chart works on it."""),
    ("code", """ci = designs["cluster2"].proportion("optimistic", level=1).to_proportion_ci(method="korn_graubard")
print(ci)
print(ss.Scenario.preset("plausible").apply(ci))"""),
    ("md", """The charts take such intervals too: the four designs' intervals for the share of
optimists, side by side, with the truth as a dashed line. The one-stage cluster sample's interval
is nearly twice as wide as the simple random sample's although it has more than seven times as
many interviews (11,830 against 1,600); the two-stage sample's is wide because it is small (420
interviews, design effect about 1.3)."""),
    ("chart", """cis = pd.concat(
    [d.proportion("optimistic", level=1).to_proportion_ci().to_frame().assign(item=name)
     for name, d in designs.items()], ignore_index=True)
ax = plotting.plot_intervals(cis, source="Teaching samples drawn from the synthetic population; surveystats")
ax.axvline(true_opt, color="black", linestyle="--", label=f"the truth, {true_opt:.1%}")
ax.legend(loc="upper left")
plt.show()"""),
    ("md", """## Regression and cross-tables: design-based, naive, and the truth

A regression fitted to survey data estimates the *census* coefficients: those the same model
would have if it were fitted to the whole population. Here the population is known, so the
census coefficients can be computed exactly and compared with what a sample gives. The one-stage
cluster sample is fitted twice: with `design.glm` (weights, clusters and fpc, R's `svyglm`), and
naively with statsmodels' `logit`, as if the 11,830 interviews were independent."""),
    ("code", """import statsmodels.formula.api as smf
from surveystats.datasets import load_teaching_population

population = load_teaching_population()
formula = "optimistic ~ age_group + trust_tv + np.log(income)"
census = ss.SurveyDesign(population.assign(w=1.0), weights="w").glm(formula, "quasibinomial")
sample1 = load_teaching_sample("cluster1")
model = designs["cluster1"].glm(formula, "quasibinomial")
naive_fit = smf.logit(formula, data=sample1).fit(disp=0)
ci_design, ci_naive = model.conf_int(), naive_fit.conf_int()
reg = pd.DataFrame({
    "census": census.params,
    "design": model.params, "design_se": model.bse,
    "naive_se": naive_fit.bse.to_numpy(),
    "se_ratio": model.bse / naive_fit.bse.to_numpy(),
    "design_covers": (ci_design["low"] <= census.params) & (census.params <= ci_design["high"]),
})
print(f"residual df of the design-based fit: {model.df_resid:g} (40 municipalities, 5 coefficients)")
reg.round(3)"""),
    ("md", """The coefficients agree (the sample's municipalities all have the same weight, so the naive
and design-based point estimates coincide); the standard errors do not. For income, which varies
mostly between municipalities (intraclass correlation about 0.19), the design-based SE is about
2.6 times the naive one: the naive intervals are far too narrow. For age, which varies within
every municipality, the two agree. And the design-based t tests have 35 residual degrees of
freedom, not 11,825: the information is in the 40 municipalities.

The same holds for a cross-table. Is optimism associated with living in a town? The naive
Pearson test on the 11,830 interviews says overwhelmingly yes; the design-based Rao–Scott test
(R's `svychisq`) says the sample cannot tell, because `urban` is a property of the municipality
and the sample has only 40 of them."""),
    ("code", """from scipy import stats

xt = designs["cluster1"].crosstab("urban", "optimistic")
rao_scott = xt.test("F")
naive_chi2, naive_p, _, _ = stats.chi2_contingency(pd.crosstab(sample1.urban, sample1.optimistic), correction=False)
true_rows = pd.crosstab(population.urban, population.optimistic, normalize="index")[1]
print(f"naive Pearson: X2 = {naive_chi2:.1f} on 1 df, p = {naive_p:.1g}")
print(rao_scott)
print("share optimistic, rural / urban: sample",
      np.round(xt.table("row")[1].to_numpy(), 3), "truth", np.round(true_rows.to_numpy(), 3))"""),
    ("md", """In the population the difference exists but is small (about five points); the design-based
test does not claim to have found it, and the naive one claims a certainty (p around 1e-10) that
forty municipalities cannot give. Exercise: refit the regression on the stratified sample, where
people are drawn one by one, and compare the SE ratios."""),
    ("code", """# key numbers, checked by the test suite
KEY = {
    "true_optimistic": round(true_opt, 4),
    "covered": int(table.covers.sum()),
    "deff_cluster1_optimistic": round(float(np.ravel(c1.deff)[0]), 1),
    "se_ratio_cluster1": round(se_right / se_naive, 2),
    "srs_estimate_optimistic": round(float(table.query("design == 'srs' and quantity == 'share optimistic'").estimate.item()), 4),
    "cluster2_df": int(designs["cluster2"].degf),
    "raked_se_smaller": bool(float(np.ravel(after.se)[0]) < float(np.ravel(before.se)[0])),
    "glm_covered": int(reg.design_covers.sum()),
    "glm_se_ratio_income": round(float(reg.se_ratio["np.log(income)"]), 2),
    "glm_df_resid": float(model.df_resid),
    "urban_naive_p": float(naive_p),
    "urban_design_p": round(float(rao_scott.p_value), 3),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name("teaching_designs.ipynb")
    nbformat.write(build(), path)
    print(f"wrote {path}")
