# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_04_replicate_weights.ipynb: jackknife, BRR, bootstrap, and when they disagree.

Run ``python docs/course/make_lesson_04.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_04_replicate_weights.ipynb"

# key -> (value, absolute tolerance).
# Deterministic values were checked in scratch work by independent numpy code (replicate
# estimates from the replicate weight matrices and the variance formulas written out) and,
# where noted, against R survey values quoted in surveystats' docstrings.
# Monte Carlo values (400 redrawn stratified samples, seed 404) carry a tolerance of about
# four Monte Carlo standard deviations or more; their reference values are the means over 10
# scratch runs of the same code with other seeds (4,000 samples), and the spread of a
# 400-sample value over those runs gave the standard deviations quoted below.
EXPECTED: dict[str, tuple[float, float]] = {
    # known truth of the teaching population (truth.csv: median income, rule "math")
    "true_median_income": (30.7, 1e-9),
    # the bundled stratified sample: the delete-one jackknife SE of the median is exactly 0
    # (every one of the 1,600 replicates has the same median, 29.7); Woodruff's SE from the
    # Taylor design is (31.1 - 28.2) / (2 t_0.975,1592) up to the rule's exact limits;
    # R survey's svyquantile on the JKn design gives the same interval (28.2, 31.1)
    "bundled_median": (29.7, 1e-9),
    "bundled_se_median_jackknife": (0.0, 1e-12),
    "bundled_se_median_woodruff": (0.739247, 1e-6),
    # a total is linear: the stratified jackknife equals the Taylor SE exactly
    # (cluster2 declared at the first stage without fpc; independent numpy formula)
    "se_total_income_cluster2": (1789862.25281, 1e-3),
    # exercise 4.1: JK1 SE of the share optimistic, cluster1 with fpc; R survey (svymean on
    # as.svrepdesign(type = "JK1")) gives 0.021394
    "jk1_se_optimistic": (0.021394, 1e-6),
    # Fay (rho = 0.5) weights read as BRR: SE times (1 - rho), exactly 0.5
    "fay_read_as_brr_ratio": (0.5, 1e-12),
    # exercise 4.2: BRR SE of mean income of the young in the far east = half the
    # difference of the two municipalities' means (closed form; 5.65 by hand)
    "brr_se_small_domain": (5.65, 1e-9),
    # repeated sampling (50 per region): coefficient of variation of each method's SE of the
    # median over the samples; 4,000 scratch samples: jackknife 0.827 (sd of a 400-sample
    # value 0.020), bootstrap 0.177 (0.006), BRR 0.176 (0.006)
    "cv_se_jackknife": (0.827, 0.10),
    "cv_se_bootstrap": (0.177, 0.03),
    "cv_se_brr": (0.176, 0.03),
    # coverage of the 95% intervals for the true median, 4,000 scratch samples: jackknife
    # 0.793 (sd 0.022), bootstrap 0.946 (0.012), BRR 0.945 (0.011), Woodruff 0.959 (0.008)
    "cover_jackknife": (0.793, 0.09),
    "cover_bootstrap": (0.946, 0.05),
    "cover_brr": (0.945, 0.045),
    "cover_woodruff": (0.959, 0.035),
}

CELLS: list[tuple[str, str]] = [
    ("md", r"""# Lesson 4: Replicate weights: jackknife, BRR, bootstrap, and when they disagree

Many public survey files do not tell you the strata and the sampling units: to protect the
respondents, agencies ship a weight and a set of *replicate weights* instead (the American
Community Survey 80, PISA 80). Each replicate is the sample reweighted as if one piece of it
were left out or doubled; the spread of an estimate over the replicates measures its sampling
variance, for any statistic you can compute with weights. In this lesson you make jackknife,
balanced repeated replication (BRR), Fay and bootstrap replicates from the teaching designs,
check them against Taylor linearisation, read replicate weights as a public file ships them,
and meet the best-known failure: the jackknife for a median. Redrawing samples from the
[teaching population](../data/teaching.md) shows which method to believe.

It takes about 40 minutes and builds on [lesson 3](lesson_03_complex_designs.ipynb) (designs,
Taylor linearisation, degrees of freedom)."""),
    ("md", r"""## Learning goals

- **Compute** jackknife, BRR, Fay and bootstrap standard errors from a design with
  `to_replicate`, and by hand from the replicate weights and the method's scale.
- **Explain** why replicate and Taylor standard errors agree for means and totals, and why the
  delete-one jackknife fails for a median.
- **Compute** standard errors from replicate weights supplied as columns of a public file, with
  the scale that goes with them.
- **Judge** which method to trust for a median, a small domain or a stratum with few PSUs, from
  repeated sampling and degrees of freedom."""),
    ("code", r"""# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

import surveystats as ss
from surveystats.datasets import load_teaching_population, load_teaching_sample, load_teaching_truth

population = load_teaching_population()
truth = load_teaching_truth()
TRUE_MEDIAN = truth.query("statistic == 'quantile' and variable == 'income' and region == 'all' and probability == 0.5").value.item()
TRUE_MEDIAN"""),
    ("md", r"""## One idea, several recipes

A replicate weight is the full-sample weight times a factor. The statistic is computed once with
the full-sample weights, $\hat\theta$, and once with each replicate's weights,
$\hat\theta_1, \dots, \hat\theta_R$. Every method then estimates the variance as a scaled sum of
squares of the replicates around their mean $\bar\theta$ (R's and surveystats' default; with
`mse=True` around $\hat\theta$):

$$\hat V(\hat\theta) = c \sum_{r=1}^{R} c_r \left(\hat\theta_r - \bar\theta\right)^2 .$$

The recipes differ in the factors and in the scale $c$ (and $c_r$) that goes with them:

| method | replicate factors | replicates $R$ | scale |
|---|---|---|---|
| JK1 (delete-one jackknife, no strata) | 0 for the dropped PSU, $n/(n-1)$ for the others | one per PSU | $c = (R-1)/R$ |
| JKn (stratified jackknife) | 0 for the dropped PSU, $n_h/(n_h-1)$ for the rest of its stratum, 1 elsewhere | one per PSU | $c_r = (n_h-1)/n_h$ |
| BRR (balanced half-samples) | 2 for one PSU of each pair, 0 for the other, by a Hadamard matrix | the next Hadamard order above the number of pairs | $c = 1/R$ |
| Fay's BRR | $2-\rho$ and $\rho$ instead of 2 and 0 | as BRR | $c = 1/\left(R(1-\rho)^2\right)$ |
| bootstrap (Rao-Wu) | rescaled counts of $n_h - 1$ PSUs drawn with replacement in each stratum | chosen, e.g. 200 to 500 | $c = 1/(R-1)$ |

For JK1, BRR and Fay the formula reads

$$\hat V_{\mathrm{JK1}} = \frac{R-1}{R}\sum_{r=1}^{R}\left(\hat\theta_{(r)} - \bar\theta\right)^2, \qquad \hat V_{\mathrm{BRR}} = \frac{1}{R}\sum_{r=1}^{R}\left(\hat\theta_r - \bar\theta\right)^2, \qquad \hat V_{\mathrm{Fay}} = \frac{1}{R(1-\rho)^2}\sum_{r=1}^{R}\left(\hat\theta_r - \bar\theta\right)^2 .$$

Replicates describe the first stage only, and half-samples assume PSUs drawn with
replacement, so we declare the designs at the first stage without an fpc (lesson 3,
exercise 3.2, showed what that changes). Two designs: the stratified sample (1,600 persons,
each their own PSU) and the two-stage cluster sample (35 municipalities in 8 regions). BRR
needs exactly two PSUs per stratum: the stratified sample's persons are paired within each
region (`large="split"`). The pairs must be formed at random; the file is sorted by person id,
that is by municipality, so its rows are shuffled first."""),
    ("code", r"""strat = load_teaching_sample("stratified").sample(frac=1, random_state=4)   # rows in random order
clus = load_teaching_sample("cluster2")
taylor_st = ss.SurveyDesign(strat, weights="weight", strata="region")
taylor_cl = ss.SurveyDesign(clus, weights="weight", strata="region", clusters="municipality")
reps_st = {
    "JKn": taylor_st.to_replicate("jkn"),
    "bootstrap (500)": taylor_st.to_replicate("bootstrap", replicates=500, rng=41),
    "BRR (pairs)": taylor_st.to_replicate("brr", large="split"),
    "Fay rho 0.5 (pairs)": taylor_st.to_replicate("fay", large="split", fay_rho=0.5),
}
reps_cl = {
    "JKn": taylor_cl.to_replicate("jkn"),
    "bootstrap (500)": taylor_cl.to_replicate("bootstrap", replicates=500, rng=42),
}
pd.DataFrame({name: {"replicates": r.n_replicates, "scale c": r.scale, "df": r.degf}
              for name, r in {**{f"stratified {k}": v for k, v in reps_st.items()},
                              **{f"cluster2 {k}": v for k, v in reps_cl.items()}}.items()}).T"""),
    ("md", r"""The factors are visible in the weights. The first JKn replicate of the cluster sample drops
the first municipality of the capital region: its 12 respondents get factor 0, the other 60
capital respondents $6/5 = 1.2$ (so the region keeps its weight), everyone else 1."""),
    ("code", r"""jk_cl = reps_cl["JKn"]
factor = jk_cl.replicate_weights[:, 0] / jk_cl.weights
pd.crosstab(clus["region"], np.round(factor, 3).astype(str), rownames=["region"], colnames=["factor"])"""),
    ("md", r"""## When they agree: means and totals

For a smooth statistic with many PSUs, every method estimates the same variance. The standard
errors of the mean income and the share of optimists:"""),
    ("code", r"""def ses(design):
    est = design.mean(["income", "optimistic"])
    return {"SE income": est.se[0], "SE optimistic": est.se[1], "df": design.degf}

compare = pd.DataFrame(
    {("stratified", "Taylor"): ses(taylor_st), **{("stratified", k): ses(r) for k, r in reps_st.items()},
     ("cluster2", "Taylor"): ses(taylor_cl), **{("cluster2", k): ses(r) for k, r in reps_cl.items()}}).T
compare.round(5)"""),
    ("md", r"""They agree to within about 10%: the replicate methods are different estimators of the
same variance, and their differences are noise of their own (a bootstrap of 500 replicates;
half-samples from one random pairing of 1,600 persons: shuffle with another `random_state` and
BRR gives another value). The noise is larger for income, whose skewed distribution makes every
variance estimate less stable. (For the stratified sample of persons the stratified jackknife
even equals Taylor exactly: each replicate keeps its region's weight total, so the mean stays
a linear statistic.) For a *total*, a linear statistic in any design, the stratified jackknife
is not just close to the Taylor formula but algebraically identical to it:"""),
    ("code", r"""se_total = {"Taylor": taylor_cl.total("income").se[0], "JKn": reps_cl["JKn"].total("income").se[0]}
assert np.isclose(se_total["Taylor"], se_total["JKn"], rtol=1e-12)
se_total"""),
    ("md", r"""A replicate standard error is easy to compute by hand: one weighted statistic per column of
the replicate weight matrix, then the formula. For the bootstrap of the stratified sample,
with $c = 1/(R-1)$:"""),
    ("code", r"""boot = reps_st["bootstrap (500)"]
W = boot.replicate_weights                           # (1600, 500): one column per replicate
y = strat["income"].to_numpy()
theta_r = (y @ W) / W.sum(axis=0)                    # 500 replicate means
se_by_hand = np.sqrt(boot.scale * np.sum(boot.rscales * (theta_r - theta_r.mean()) ** 2))
assert np.isclose(se_by_hand, boot.mean("income").se[0], rtol=1e-12)
print(f"scale 1/(R - 1) = {boot.scale:.6f}; bootstrap SE of mean income by hand {se_by_hand:.5f}")"""),
    ("md", r"""## Replicate weights as a public file ships them

A public-use file gives the full-sample weight and the replicate weights as columns, and its
documentation says how they were made and which formula to use. Here the Fay replicates of the
stratified sample are written out as `repwt1`, `repwt2`, ... with the region removed, as an
agency would mask it, and read back with `ss.ReplicateDesign`. The type (`"fay"` with its
$\rho$) sets the scale $c$; the prefix `"repwt"` picks the columns."""),
    ("code", r"""fay = reps_st["Fay rho 0.5 (pairs)"]
columns = [f"repwt{r}" for r in range(1, fay.n_replicates + 1)]
public = pd.concat([strat[["id", "income", "optimistic", "weight"]].reset_index(drop=True),
                    pd.DataFrame(fay.replicate_weights, columns=columns)], axis=1)
read = ss.ReplicateDesign(public, weights="weight", replicate_weights="repwt", type="fay", fay_rho=0.5)
wrong = ss.ReplicateDesign(public, weights="weight", replicate_weights="repwt", type="brr")
se_read, se_wrong = read.mean("income").se[0], wrong.mean("income").se[0]
assert np.isclose(se_read, fay.mean("income").se[0], rtol=1e-12)
print(f"{public.shape[1] - 4} replicate columns; SE read as Fay {se_read:.5f}, "
      f"read as plain BRR {se_wrong:.5f} (ratio {se_wrong / se_read:.3f})")"""),
    ("md", r"""Read as plain BRR, the same columns give half the standard error: BRR's scale $1/R$ lacks
Fay's $1/(1-\rho)^2 = 4$. Nothing in the numbers warns you; only the documentation says which
formula goes with the weights. For a stratified jackknife the file must also give each
replicate's $c_r = (n_h - 1)/n_h$ (`rscales=`; surveystats refuses `type="jkn"` without them),
and for successive-difference replicates the scale $4/R$ (`type="sdr"`).

## When they disagree: the median

A median is not a smooth function of the weights. Deleting one person from a sample of 1,600
(and reweighting the rest of their region) moves the cumulative weight share by at most about
a tenth of a percentage point, and the median moves only if the 50% line is that close to a
jump of the distribution. Compare the standard errors of the median income from the bundled
stratified sample. The replicate SE of
the quantile itself is `interval_type="quantile"` (R's `repCI`); the default is Woodruff's
method, which puts a (Taylor or replicate) interval on the share of people below the median
and reads it back through the distribution."""),
    ("code", r"""median_se = {"Taylor, Woodruff": taylor_st.quantile("income", 0.5).se[0],
             "JKn, Woodruff": reps_st["JKn"].quantile("income", 0.5).se[0]}
for name in ["JKn", "bootstrap (500)", "BRR (pairs)"]:
    median_se[f"{name}, replicate quantiles"] = reps_st[name].quantile("income", 0.5, interval_type="quantile").se[0]
bundled_median = taylor_st.quantile("income", 0.5).estimate[0]
print(f"median income {bundled_median} (truth {TRUE_MEDIAN})")
pd.Series(median_se, name="SE of the median").round(4)"""),
    ("md", r"""The jackknife says the median is known exactly: all 1,600 replicates have the same median,
29.7, so their spread is 0 and so is the interval's width. The bootstrap and BRR replicates
change the sample by much more than one person, the median moves, and their SEs agree with
Woodruff's. The jackknife of the *share below the median* (the second row) is fine: the share is
a mean.

One sample could be a fluke. Redraw the design 400 times (50 persons per region, so each sample
has 400) and compare each method's SE with the true standard deviation of the median over the
samples. The replicate factors depend only on the layout of the sample (which row is in which
region and pair), not on the answers, so each method's replicate weight matrix is made once
and applied to every sample: the weighted median of each replicate is one sort and one
cumulative sum per sample. The first three samples are checked against `quantile`."""),
    ("code", r"""B, n_h = 400, 50
groups = population.groupby("region").indices                 # row positions of each region
regions = list(groups)
N_h = np.array([groups[h].size for h in regions])
layout = pd.DataFrame({"region": np.repeat(regions, n_h), "weight": np.repeat(N_h / n_h, n_h)})
rng = np.random.default_rng(404)
rows = np.concatenate([np.stack([rng.choice(groups[h], n_h, replace=False) for _ in range(B)])
                       for h in regions], axis=1)            # (400 samples, 400 persons)
Y = population["income"].to_numpy()[rows]

first = ss.SurveyDesign(layout.assign(income=Y[0]), weights="weight", strata="region")
methods = {"jackknife (JKn)": first.to_replicate("jkn"),
           "bootstrap (200)": first.to_replicate("bootstrap", replicates=200, rng=405),
           "BRR (random pairs)": first.to_replicate("brr", large="split")}


def weighted_medians(y, W):
    # the smallest value whose cumulative weight share reaches 1/2, for every column of W
    order = np.argsort(y, kind="stable")
    cum = np.cumsum(W[order], axis=0)
    return y[order][np.argmax(cum >= 0.5 * cum[-1], axis=0)]


def replicate_se(theta, design):
    return np.sqrt(design.scale * np.sum(design.rscales * (theta - theta.mean()) ** 2))


estimate = np.array([weighted_medians(y, layout[["weight"]].to_numpy())[0] for y in Y])
se = {name: np.array([replicate_se(weighted_medians(y, d.replicate_weights), d) for y in Y])
      for name, d in methods.items()}
woodruff = []
for y in Y:   # Woodruff's interval from the Taylor design, one call per sample
    q = ss.SurveyDesign(layout.assign(income=y), weights="weight", strata="region").quantile("income", 0.5)
    woodruff.append([q.estimate[0], q.se[0], *q.confint()[["low", "high"]].to_numpy()[0]])
woodruff = pd.DataFrame(woodruff, columns=["estimate", "se", "low", "high"])
se["Woodruff (Taylor)"] = woodruff["se"].to_numpy()

assert np.array_equal(estimate, woodruff["estimate"])
for b in range(3):
    redo = ss.SurveyDesign(layout.assign(income=Y[b]), weights="weight", strata="region")
    for name, kind, options in [("jackknife (JKn)", "jkn", {}), ("BRR (random pairs)", "brr", {"large": "split"})]:
        q = redo.to_replicate(kind, **options).quantile("income", 0.5, interval_type="quantile")
        assert np.isclose(q.se[0], se[name][b], rtol=1e-9, atol=1e-12)
true_sd = estimate.std(ddof=1)
print(f"median over the samples: mean {estimate.mean():.2f} (truth {TRUE_MEDIAN}), true SD {true_sd:.3f}")"""),
    ("chart", r"""ratio = pd.DataFrame({name: s / true_sd for name, s in se.items()})
q = ratio.quantile([0.05, 0.25, 0.5, 0.75, 0.95])
ypos = np.arange(ratio.shape[1])[::-1]
fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
ax.hlines(ypos, q.loc[0.05], q.loc[0.95], color="tab:blue", linewidth=1.5)
ax.hlines(ypos, q.loc[0.25], q.loc[0.75], color="tab:blue", linewidth=7)
ax.plot(q.loc[0.5], ypos, "o", color="white", markeredgecolor="black", zorder=3)
ax.axvline(1, color="black", linestyle="--", linewidth=1)
ax.set_yticks(ypos, ratio.columns)
ax.set_xlabel("estimated SE of the median / true SD over 400 samples")
ax.set_title("SEs of a median, 400 redrawn samples (thick: middle half; thin: 5% to 95%; dot: median)",
             loc="left", fontsize=10)
plt.show()"""),
    ("code", r"""summary = pd.DataFrame({"mean SE / true SD": ratio.mean(), "CV of the SE": ratio.std() / ratio.mean(),
                        "share below half the true SD": (ratio < 0.5).mean(),
                        "share exactly 0": (ratio == 0).mean()})
summary.round(3)"""),
    ("md", r"""On average the jackknife SE is even a little too large, but any one jackknife SE is close
to useless: its coefficient of variation over the samples is several times that of the
others, and in about one sample in five it is less than half the truth (sometimes exactly 0,
as in the bundled sample). This is no accident of the teaching data. For the median of $n$ independent
observations, the ratio of the jackknife SE to the true SE does not converge to 1 as $n$ grows;
it keeps a random limit whose spread is as large as its mean (Efron 1982; Efron and Tibshirani
1993, ch. 11). Half-samples (BRR) and the bootstrap change the sample enough to move the median
smoothly: BRR is consistent for quantiles (Shao and Wu 1992), and the bootstrap behaves
similarly (see the review by Rust and Rao 1996). Woodruff's method sidesteps the problem by
estimating the variance of a mean, the share below the median.

## When they disagree: few PSUs and small domains

A replicate and a Taylor SE can also differ for smooth statistics, when there is little
information behind them. Domain means by region of the cluster sample rest on 2 to 6
municipalities each. Each domain mean is a ratio computed from a handful of PSUs, so its
linearisation is rough, and any variance estimate from $\nu$ degrees of freedom is itself
uncertain: its relative standard deviation is about $\sqrt{2/\nu}$, so an SE is uncertain by
roughly $1/\sqrt{2\nu}$, 71% with 1 df and 32% with 5."""),
    ("code", r"""by_region = taylor_cl.mean("income", by="region").to_frame()[["domain", "estimate", "se", "df"]]
for name, r in reps_cl.items():
    by_region[f"se {name}"] = r.mean("income", by="region").se
by_region["t quantile"] = stats.t.ppf(0.975, by_region["df"])
by_region["SE uncertainty 1/sqrt(2 df)"] = 1 / np.sqrt(2 * by_region["df"])
by_region.round(3)"""),
    ("md", r"""Differences of up to 60% between the methods are what 1 to 5 degrees of freedom lead one to
expect; none of the three is "the right one", and none can be trusted much. What matters
more is the $t$ quantile: with 1 df (the far east, 2 municipalities) a 95% interval is
$\pm 12.7$ standard errors wide, which is the honest statement that two municipalities say
little about a region. When a replicate and a Taylor SE disagree, count the PSUs and the
degrees of freedom behind them before choosing between them.

## Exercises"""),
    ("exercise", r"""### Exercise 4.1: a delete-one jackknife by hand

Declare the one-stage cluster sample `cluster1` with its fpc (`clusters="municipality"`,
`fpc="fpc"`), make JK1 replicates with `to_replicate("jk1")`, and compute the jackknife SE of
the share of optimists by hand: the 40 replicate shares from the replicate weight matrix, then
$c \sum_r (\hat\theta_{(r)} - \bar\theta)^2$ with the design's `scale` $c$. Check that $c$ is
$(R-1)/R$ times $(1 - 40/500)$ and that your SE equals `mean("optimistic").se` on the replicate
design. How far is it from the Taylor SE of the same design?"""),
    ("solution", r"""c1 = load_teaching_sample("cluster1")
design1 = ss.SurveyDesign(c1, weights="weight", clusters="municipality", fpc="fpc")
jk1 = design1.to_replicate("jk1")
W1 = jk1.replicate_weights
share_r = (c1["optimistic"].to_numpy() @ W1) / W1.sum(axis=0)     # 40 replicate shares
R = jk1.n_replicates
assert np.isclose(jk1.scale, (R - 1) / R * (1 - 40 / 500), rtol=1e-12)
jk1_se = np.sqrt(jk1.scale * np.sum((share_r - share_r.mean()) ** 2))
assert np.isclose(jk1_se, jk1.mean("optimistic").se[0], rtol=1e-12)
taylor1_se = design1.mean("optimistic").se[0]
print(f"JK1 SE {jk1_se:.6f} (R survey: 0.021394), Taylor SE {taylor1_se:.6f}, ratio {jk1_se / taylor1_se:.3f}")
# The mean is a ratio: the jackknife and the linearisation differ at second order, here by
# about 2%. For the total of optimists they would be identical."""),
    ("exercise", r"""### Exercise 4.2: BRR or Fay for a small domain

The young (18-34) of the far east are a domain of 8 interviews in the cluster sample, in the
region's 2 municipalities. Make BRR and Fay replicates of the cluster sample (the other regions
have 3 to 6 municipalities: use `large="merge"`, which does not affect this domain) and compute
the SE of the domain's mean income with Taylor, BRR, and Fay with $\rho$ = 0.5, 0.9 and 0.99.

1. Show that the BRR SE is half the difference between the domain means of the two
   municipalities. (Each half-sample computes the domain mean from one municipality alone.)
2. What happens to Fay's SE as $\rho$ approaches 1, and why?
3. Which would you report, and what would go wrong with BRR if all 8 interviews were in one
   municipality?"""),
    ("solution", r"""clus["young_fareast"] = (clus["region"] == "fareast") & (clus["age_group"] == "18-34")
base = ss.SurveyDesign(clus, weights="weight", strata="region", clusters="municipality")
dom = clus[clus["young_fareast"]]
print(dom.groupby("municipality").size().to_dict(), "interviews per municipality")


def domain_se(design):
    return design.mean("income", by="young_fareast").se[1]     # domain True is the second row


small = {"Taylor": domain_se(base), "BRR": domain_se(base.to_replicate("brr", large="merge"))}
for rho in [0.5, 0.9, 0.99]:
    small[f"Fay {rho}"] = domain_se(base.to_replicate("fay", large="merge", fay_rho=rho))
print(pd.Series(small).round(4))
m = (dom["weight"] * dom["income"]).groupby(dom["municipality"]).sum() / dom.groupby("municipality")["weight"].sum()
assert np.isclose(small["BRR"], abs(m.iloc[0] - m.iloc[1]) / 2, rtol=1e-12)
assert small["Taylor"] < small["Fay 0.99"] < small["Fay 0.9"] < small["Fay 0.5"] < small["BRR"]
assert abs(small["Fay 0.99"] / small["Taylor"] - 1) < 0.01
brr_small_se = small["BRR"]
# 2. Fay's replicates perturb the weights by +-(1 - rho): as rho -> 1 the perturbation is
#    infinitesimal and the replicate variance becomes the linearisation (a derivative), so
#    Fay moves from BRR towards Taylor. BRR's full half-samples measure the ratio at a
#    point far from the full sample, where it is far from linear (2 vs 6 interviews).
# 3. With 1 df every one of these is rough; Fay with rho = 0.5 (PISA's choice) keeps
#    every interview in every replicate. Were all 8 interviews in one municipality, half of
#    the BRR replicates would contain none: the domain mean would be undefined there."""),
    ("exercise", r"""### Exercise 4.3: which SE for a median income?

A colleague wants to publish the median income with a 95% interval from a file that ships
jackknife replicate weights. Using the 400 redrawn samples above, compute the coverage of the
95% interval of each method for the true median: estimate $\pm\, t_{\text{df}}$ SE for the
replicate methods (with each replicate design's `degf`), and Woodruff's own interval (`low`,
`high`). Together with the table of SE ratios, decide what you would advise, and check your
advice with assertions: the jackknife's intervals should cover clearly less often than
Woodruff's, and its SE should vary several times more than the bootstrap's and BRR's."""),
    ("solution", r"""coverage = {}
for name, d in methods.items():
    crit = stats.t.ppf(0.975, d.degf)
    coverage[name] = float(np.mean(np.abs(estimate - TRUE_MEDIAN) <= crit * se[name]))
coverage["Woodruff (Taylor)"] = float(np.mean((woodruff["low"] <= TRUE_MEDIAN) & (TRUE_MEDIAN <= woodruff["high"])))
mc = {k: np.sqrt(v * (1 - v) / B) for k, v in coverage.items()}
print(pd.DataFrame({"coverage": coverage, "MC se": mc}).round(3))
cv = summary["CV of the SE"]
assert coverage["jackknife (JKn)"] < coverage["Woodruff (Taylor)"] - 4 * mc["Woodruff (Taylor)"]
assert cv["jackknife (JKn)"] > 3 * max(cv["bootstrap (200)"], cv["BRR (random pairs)"])
assert abs(coverage["Woodruff (Taylor)"] - 0.95) < 4 * np.sqrt(0.95 * 0.05 / B)
# Advice: do not use the replicate SE of the median itself from jackknife weights. With the
# same jackknife file, use Woodruff's interval (quantile's default interval_type="mean"):
# the jackknife is fine for the share below the median. With bootstrap or BRR weights either
# route works. The evidence: the jackknife intervals cover about 80% instead of 95%, and
# its SE is less than half the truth in about one sample in five."""),
    ("md", r"""## Summary

- A replicate method recomputes the statistic with each column of replicate weights and
  scales the spread; the scale belongs to the method ($(R-1)/R$ for JK1, $1/R$ for BRR,
  $1/(R(1-\rho)^2)$ for Fay, $1/(R-1)$ for the bootstrap) and must come with the weights.
- For means and totals with enough PSUs, Taylor, jackknife, BRR, Fay and bootstrap agree (the
  stratified jackknife of a total *is* the Taylor formula). Use whichever the file supports.
- For a median the delete-one jackknife fails: its SE was less than half the truth in about
  one sample in five and its intervals covered the truth only about four times in five.
  Bootstrap, BRR and Woodruff's interval worked.
- With few PSUs per stratum or a small domain, all methods are rough, and they disagree
  because each has only a few degrees of freedom. Fay's $\rho$ keeps every case in every
  replicate and moves BRR towards linearisation.
- What the numbers cannot tell: replicate weights are only as good as their making. If the
  agency calibrated the full-sample weights but not each replicate, or the file's scale is
  misread, the SE is wrong with no warning. And, like every SE, they measure sampling error
  only.

## Further reading

- Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer. (Chapters on
  random groups, balanced half-samples, the jackknife and the bootstrap.)
- Rust, K. F. and Rao, J. N. K. (1996). Variance estimation for complex surveys using
  replication techniques. *Statistical Methods in Medical Research* 5(3), 283-310.
- McCarthy, P. J. (1969). Pseudo-replication: half samples. *Review of the International
  Statistical Institute* 37(3), 239-264.
- Judkins, D. R. (1990). Fay's method for variance estimation. *Journal of Official
  Statistics* 6(3), 223-239.
- Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey data.
  *Journal of the American Statistical Association* 83(401), 231-241.
- Kovar, J. G., Rao, J. N. K. and Wu, C. F. J. (1988). Bootstrap and other methods to measure
  errors in survey estimates. *Canadian Journal of Statistics* 16 (Supplement), 25-45.
- Shao, J. and Wu, C. F. J. (1992). Asymptotic properties of the balanced repeated replication
  method for sample quantiles. *Annals of Statistics* 20(3), 1571-1593.
- Efron, B. (1982). *The Jackknife, the Bootstrap and Other Resampling Plans*. SIAM.
- Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman and Hall.
- Woodruff, R. S. (1952). Confidence intervals for medians and other position measures.
  *Journal of the American Statistical Association* 47(260), 635-646.
- Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (Section 2.3 on
  replicate weights.)
- OECD (2009). *PISA Data Analysis Manual: SPSS*, 2nd ed. OECD Publishing. (Fay's BRR with 80
  replicates and rho = 0.5, as PISA ships it.)
- U.S. Census Bureau (2014). *American Community Survey Design and Methodology*, ch. 12:
  Variance Estimation. (80 successive-difference replicates, scale 4/80.)
- The [design](../design.md) page of this site: `to_replicate`, `ReplicateDesign` and
  successive-difference replicates as the American Community Survey ships them."""),
    ("code", r"""# key numbers, checked by the test suite
KEY = {
    "true_median_income": float(TRUE_MEDIAN),
    "bundled_median": float(bundled_median),
    "bundled_se_median_jackknife": float(median_se["JKn, replicate quantiles"]),
    "bundled_se_median_woodruff": float(median_se["Taylor, Woodruff"]),
    "se_total_income_cluster2": float(se_total["JKn"]),
    "jk1_se_optimistic": float(jk1_se),
    "fay_read_as_brr_ratio": float(se_wrong / se_read),
    "brr_se_small_domain": float(brr_small_se),
    "cv_se_jackknife": float(summary.loc["jackknife (JKn)", "CV of the SE"]),
    "cv_se_bootstrap": float(summary.loc["bootstrap (200)", "CV of the SE"]),
    "cv_se_brr": float(summary.loc["BRR (random pairs)", "CV of the SE"]),
    "cover_jackknife": coverage["jackknife (JKn)"],
    "cover_bootstrap": coverage["bootstrap (200)"],
    "cover_brr": coverage["BRR (random pairs)"],
    "cover_woodruff": coverage["Woodruff (Taylor)"],
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
