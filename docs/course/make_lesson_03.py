# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_03_complex_designs.ipynb: strata, clusters, fpc and Taylor linearisation.

Run ``python docs/course/make_lesson_03.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_03_complex_designs.ipynb"

# key -> (value, absolute tolerance).
# Deterministic values were checked in scratch work by independent numpy code (the Taylor
# formula over PSU totals written out for each bundled sample; the stratified-mean formula;
# 1 / sqrt(1 - f) for the fpc) and, for the cluster1 standard errors, by R survey's values
# quoted in surveystats' docstrings (svymean SE 0.020918 for optimistic).
# Monte Carlo values (1,000 redrawn samples per design, seeds 303 and 304) carry a tolerance
# of about four Monte Carlo standard deviations. Their reference values come from scratch runs
# of the same code with 20 other seeds (20,000 samples); the spread of a 1,000-sample value
# over those 20 runs gave the standard deviations quoted below.
EXPECTED: dict[str, tuple[float, float]] = {
    # known truth of the teaching population (truth.csv)
    "true_optimistic": (0.684609, 1e-6),
    "true_income": (39.410274, 1e-5),
    # design degrees of freedom, PSUs minus strata (data card: 27 for cluster2)
    "df_stratified": (1592, 0),
    "df_cluster1": (39, 0),
    "df_cluster2": (27, 0),
    # Taylor SE of the bundled cluster1 sample, by the formula over 40 municipality totals
    # (independent numpy code; R survey: 0.020918 for optimistic)
    "se_cluster1_optimistic": (0.020918, 1e-6),
    "se_cluster1_income": (1.758299, 1e-6),
    # how many of the 8 bundled intervals (4 designs x 2 quantities) cover the truth:
    # deterministic; the cluster1 income interval [31.67, 38.78] misses 39.41
    "bundled_covered": (7, 0),
    # exercise 3.2: SE without fpc / SE with fpc, closed form 1 / sqrt(1 - 40/500) for a
    # one-stage cluster sample without strata
    "fpc_ratio_cluster1": (1.042572, 1e-6),
    # repeated sampling, stratified (200 per region): design-based coverage near the nominal
    # 0.95 (n = 1,600, skewness negligible; scratch runs 0.942 to 0.950)
    "cover_stratified_design_optimistic": (0.95, 0.03),
    "cover_stratified_design_income": (0.95, 0.03),
    # repeated sampling, one-stage cluster (40 of 500 municipalities), 20,000 scratch samples:
    # design-based 0.923 (sd of a 1,000-sample value 0.0075) and 0.875 (0.011); naive 0.300
    # (0.018) and 0.128 (0.012)
    "cover_cluster1_design_optimistic": (0.923, 0.032),
    "cover_cluster1_design_income": (0.875, 0.045),
    "cover_cluster1_naive_optimistic": (0.300, 0.07),
    "cover_cluster1_naive_income": (0.128, 0.05),
    # Monte Carlo design effect: variance of the estimates over the mean naive variance;
    # 20,000 scratch samples: 25.7 (sd 1.2) and 150.9 (sd 8.5)
    "deff_mc_optimistic": (25.7, 5.0),
    "deff_mc_income": (150.9, 35.0),
    # Kish's approximation 1 + (m (1 + CV^2) - 1) icc from the population's 500 municipality
    # sizes (m = 394, CV^2 = 0.787, ddof 0) and truth.csv's icc 0.035501: deterministic
    "deff_kish_optimistic": (25.962880, 1e-4),
}

CELLS: list[tuple[str, str]] = [
    ("md", r"""# Lesson 3: Complex designs: strata, clusters, fpc and Taylor linearisation, compared with the truth

Real surveys are not simple random samples. They draw separately within regions (strata), they
draw whole villages or city blocks and then people within them (clusters, in stages), and they
give their respondents unequal weights. Each of these choices changes the standard error, and a
standard error computed as if the sample were simple random can be badly wrong. In this lesson
you declare the four designs of the [teaching population](../data/teaching.md), compute the
Taylor-linearised standard error of a mean by hand and with surveystats, and then redraw the
samples a thousand times to see which intervals keep their promise of 95%.

It takes about 35 minutes. It builds on [lesson 1](lesson_01_intervals.ipynb) (what coverage
means) and [lesson 2](lesson_02_design_effects.ipynb) (design effects and the intraclass
correlation)."""),
    ("md", r"""## Learning goals

- **Compute** a design-based estimate and its standard error by declaring the design's strata,
  clusters, weights and finite population correction with `SurveyDesign`.
- **Compute** the Taylor-linearised variance of a mean by hand from PSU totals, and check it
  against surveystats.
- **Explain** where a design's degrees of freedom come from, and why 11,830 interviews in 40
  municipalities give only 39.
- **Judge**, from a thousand redrawn samples, whether design-based and naive intervals cover the
  truth 95% of the time, and explain why the naive interval for a cluster sample fails."""),
    ("code", r"""# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

import surveystats as ss
from surveystats.datasets import load_teaching_population, load_teaching_sample, load_teaching_truth

population = load_teaching_population()   # the whole synthetic country: 197,000 adults
truth = load_teaching_truth()
TRUE = {
    "optimistic": truth.query("statistic == 'proportion' and variable == 'optimistic' and region == 'all'").value.item(),
    "income": truth.query("statistic == 'mean' and variable == 'income' and region == 'all'").value.item(),
}
TRUE"""),
    ("md", r"""## Four designs, four declarations

The teaching population was sampled in four ways (the [data card](../data/teaching.md) gives
the details). A design is declared by saying how the sample was drawn, not by describing the
people in it:

| sample | how it was drawn | `strata` | `clusters` | `fpc` (population counts) |
|---|---|---|---|---|
| `srs` | 1,600 of the 197,000 adults | none | none | N = 197,000 |
| `stratified` | 200 adults in each of the 8 regions | `region` | none | N_h, adults in the region |
| `cluster1` | 40 of the 500 municipalities, everyone in them | none | `municipality` | M = 500 |
| `cluster2` | 2 to 6 municipalities per region, then 12 adults in each | `region` | `municipality`, then `id` | M_h municipalities, then N_i adults |

The weights are the inverse inclusion probabilities in every case. The fpc columns hold the
number of units each stage drew from, as in R's `survey` package."""),
    ("code", r"""samples = {name: load_teaching_sample(name) for name in ["srs", "stratified", "cluster1", "cluster2"]}
designs = {
    "srs": ss.SurveyDesign(samples["srs"], weights="weight", fpc="fpc"),
    "stratified": ss.SurveyDesign(samples["stratified"], weights="weight", strata="region", fpc="fpc"),
    "cluster1": ss.SurveyDesign(samples["cluster1"], weights="weight", clusters="municipality", fpc="fpc"),
    "cluster2": ss.SurveyDesign(samples["cluster2"], weights="weight", strata="region",
                                clusters=["municipality", "id"], fpc=["fpc1", "fpc2"]),
}
pd.DataFrame({name: {"interviews": d.n_obs, "strata": d.n_strata, "PSUs": d.n_psu,
                     "sum of weights": d.weights.sum(), "df": d.degf}
              for name, d in designs.items()}).T.astype({"interviews": int, "strata": int, "PSUs": int, "df": int})"""),
    ("md", r"""Two things to notice already. In the element samples (`srs`, `stratified`) every person is
their own primary sampling unit (PSU); in the cluster samples the PSU is the municipality, so
`cluster1` has 11,830 interviews but only 40 PSUs. And the weights of the cluster samples do
not add up to the 197,000 adults: how many people a sample of municipalities contains depends
on which municipalities were drawn (large or small), so the sum of the weights is itself a
random estimate of the population size.

## A mean is a ratio, and a ratio is linearised

The design-based estimate of a mean divides the weighted total by the estimated population size:

$$\hat{\bar y} = \frac{\sum_{i \in s} w_i y_i}{\sum_{i \in s} w_i} = \frac{\hat Y}{\hat N}.$$

Both the numerator and the denominator change from sample to sample, so the mean is a ratio
$\hat R = \hat Y / \hat X$ of two estimated totals (here with $x_i = 1$). A ratio is not a
linear function of the data and its variance has no exact formula. **Taylor linearisation**
replaces it by its first-order approximation $\hat R - R \approx (\hat Y - R \hat X)/X$, a
weighted total of the *linearised variable* (also called the influence value)

$$z_i = \frac{y_i - \hat R\, x_i}{\hat X}.$$

The variance of a weighted total under a stratified cluster design is estimated from the
totals of the PSUs alone:

$$\hat V(\hat R) = \sum_{h=1}^{H} (1 - f_h)\, \frac{n_h}{n_h - 1} \sum_{j=1}^{n_h} \left(t_{hj} - \bar t_h\right)^2, \qquad t_{hj} = \sum_{i \in \text{PSU } hj} w_i z_i,$$

where stratum $h$ drew $n_h$ PSUs out of $N_h$, $f_h = n_h / N_h$ is its first-stage sampling
fraction (the fpc), and $\bar t_h$ is the mean of its PSU totals. Whatever happens inside a PSU
(the people in it, a second stage of sampling) is carried along in its total: this is the
"ultimate cluster" idea. When the first stage has an fpc, as in `cluster2`, surveystats (like R)
adds a second-stage term, the same kind of sum over people within each PSU multiplied by
$f_h$; it is small when few PSUs are drawn.

Here is the formula by hand for the one-stage cluster sample: one stratum, 40 municipalities
out of 500. The PSU totals are sums over the respondents of each municipality (a `groupby`,
no loop over people)."""),
    ("code", r"""c1 = samples["cluster1"]
w = c1["weight"].to_numpy()
rows = []
for var in ["optimistic", "income"]:
    y = c1[var].to_numpy(dtype=float)
    N_hat = w.sum()
    R_hat = (w * y).sum() / N_hat
    z = (y - R_hat) / N_hat                          # the linearised variable (x = 1)
    t = pd.Series(w * z).groupby(c1["municipality"]).sum()   # 40 PSU totals
    n, f = t.size, t.size / 500
    v = (1 - f) * n / (n - 1) * ((t - t.mean()) ** 2).sum()
    est = designs["cluster1"].mean(var)
    rows.append({"variable": var, "by hand": R_hat, "SE by hand": np.sqrt(v),
                 "SurveyDesign": est.estimate[0], "SE SurveyDesign": est.se[0]})
by_hand = pd.DataFrame(rows).set_index("variable")
assert np.allclose(by_hand["SE by hand"], by_hand["SE SurveyDesign"], rtol=1e-10)
by_hand"""),
    ("md", r"""The formula and `SurveyDesign` agree to rounding (and `SurveyDesign` agrees with R's
`svymean` on the same declaration). Dividing by $\hat N$ matters: the Horvitz-Thompson *total*
$\hat Y = \sum w_i y_i$ has no denominator to absorb the luck of drawing small or large
municipalities, so its relative error is much larger than the mean's."""),
    ("code", r"""tot = designs["cluster1"].total("income")
mean = designs["cluster1"].mean("income")
true_total = truth.query("statistic == 'total' and variable == 'income' and region == 'all'").value.item()
pd.DataFrame({"estimate": [tot.estimate[0], mean.estimate[0]], "truth": [true_total, TRUE["income"]],
              "CV": [tot.cv[0], mean.cv[0]]}, index=["total income", "mean income"])"""),
    ("md", r"""## Degrees of freedom: the information is in the PSUs

The variance above is computed from PSU totals, and in each stratum one mean of them, $\bar t_h$,
is estimated first. So the variance estimate has

$$\text{df} = \sum_{h=1}^{H} (n_h - 1) = (\text{number of PSUs}) - (\text{number of strata})$$

degrees of freedom, whatever the number of interviews, and intervals use the $t$ quantile with
these df instead of 1.96. For `cluster2` the 27 df are spread unevenly: the far east drew only 2
municipalities, so its part of the variance rests on a single degree of freedom."""),
    ("code", r"""df_table = pd.DataFrame({name: {"PSUs": d.n_psu, "strata": d.n_strata, "df": d.degf,
                               "t quantile (97.5%)": stats.t.ppf(0.975, d.degf)}
                         for name, d in designs.items()}).T
print(samples["cluster2"].groupby("region")["municipality"].nunique().to_dict())
df_table.round(4)"""),
    ("md", r"""## Four samples against the truth

Each bundled sample is one draw of its design. For the share of optimists and the mean income,
the table shows each design's estimate, standard error, 95% interval ($t$ with the design df),
the true value, whether the interval covers it, and the design effect (the variance relative to
a simple random sample of the same size, lesson 2)."""),
    ("code", r"""rows = []
for name, d in designs.items():
    for var in ["optimistic", "income"]:
        est = d.mean(var, deff="wor")
        ci = est.confint()
        rows.append({"design": name, "variable": var, "n": d.n_obs, "estimate": est.estimate[0],
                     "se": est.se[0], "low": ci["low"].item(), "high": ci["high"].item(),
                     "truth": TRUE[var], "deff": est.deff[0]})
table = pd.DataFrame(rows)
table["covers"] = (table["low"] <= table["truth"]) & (table["truth"] <= table["high"])
table.round(4)"""),
    ("chart", r"""fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True, layout="constrained")
for ax, var, label in zip(axes, ["optimistic", "income"], ["share optimistic", "mean income (thousands)"]):
    part = table[table["variable"] == var].reset_index(drop=True)
    ypos = np.arange(len(part))[::-1]
    colors = np.where(part["covers"], "tab:blue", "tab:red")
    ax.hlines(ypos, part["low"], part["high"], colors=colors, linewidth=3)
    ax.scatter(part["estimate"], ypos, color="black", zorder=3, s=15)
    ax.axvline(TRUE[var], color="black", linestyle="--", linewidth=1)
    ax.set_yticks(ypos, part["design"])
    ax.set_xlabel(label)
axes[0].set_title("95% intervals (red: misses the truth, dashed)", loc="left")
plt.show()"""),
    ("md", r"""Seven of the eight intervals cover the truth. The exception is the mean income of the
one-stage cluster sample, 35.2 with the interval [31.7, 38.8] against a true 39.4: this draw
contains only one municipality of the capital region, where incomes are highest. One sample
cannot tell whether that was bad luck (a 95% interval is allowed to miss one time in twenty)
or a method that promises more than it gives. Since the population is known, we can find out by
drawing the designs again and again.

Notice also the design effects: the cluster sample's standard errors are many times those of a
simple random sample of the same size (lesson 2), so its 11,830 interviews carry about as much
information as a few hundred independent ones.

## A thousand samples: do the intervals keep their promise?

**The one-stage cluster design, redrawn.** Draw 40 of the 500 municipalities, 1,000 times.
Selecting without replacement is vectorised: give every municipality a random key in every
sample and keep the 40 smallest keys of each row (`argpartition`), which is a simple random
sample of 40 in each row. Because everyone in a drawn municipality is interviewed, every sum the
estimator needs is a sum over municipalities, so the municipality totals are computed once
and each sample is just a row of 40 indices. The design-based SE is the formula above, applied
along each row. The *naive* SE treats the interviews as a simple random sample of persons:
$s/\sqrt{n}$, with $n$ about 15,000."""),
    ("code", r"""B, M, m = 1000, 500, 40
by_muni = population.groupby("municipality")
N_i = by_muni.size().to_numpy()                                # adults per municipality
Y = by_muni[["optimistic", "income"]].sum().to_numpy()         # (500, 2) totals
Y2 = (population[["optimistic", "income"]] ** 2).groupby(population["municipality"]).sum().to_numpy()

rng = np.random.default_rng(303)
pick = np.argpartition(rng.random((B, M)), m, axis=1)[:, :m]   # (1000, 40) municipalities
w1 = M / m
n_b = N_i[pick].sum(axis=1)                                    # interviews in each sample
sim_cluster = {}
for j, var in enumerate(["optimistic", "income"]):
    y_tot, sizes = Y[pick, j], N_i[pick]                       # (1000, 40) PSU totals and sizes
    N_hat = w1 * n_b
    R_hat = w1 * y_tot.sum(axis=1) / N_hat
    t = w1 * (y_tot - R_hat[:, None] * sizes) / N_hat[:, None]  # PSU totals of w z
    v = (1 - m / M) * m / (m - 1) * ((t - t.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    s2 = (Y2[pick, j].sum(axis=1) - n_b * R_hat**2) / (n_b - 1)  # variance over persons
    sim_cluster[var] = pd.DataFrame({"estimate": R_hat, "se_design": np.sqrt(v),
                                     "se_naive": np.sqrt(s2 / n_b), "n": n_b})

# the same numbers from SurveyDesign for the first three samples
ids = by_muni.size().index.to_numpy()
for b in range(3):
    draw = population[population["municipality"].isin(ids[pick[b]])].assign(weight=w1, fpc=M)
    right = ss.SurveyDesign(draw, weights="weight", clusters="municipality", fpc="fpc").mean(["optimistic", "income"])
    naive = ss.SurveyDesign(draw, weights="weight").mean(["optimistic", "income"])
    for j, var in enumerate(["optimistic", "income"]):
        assert np.isclose(right.se[j], sim_cluster[var]["se_design"][b], rtol=1e-9)
        assert np.isclose(naive.se[j], sim_cluster[var]["se_naive"][b], rtol=1e-9)
print(f"interviews per sample: {n_b.min():,} to {n_b.max():,} (mean {n_b.mean():,.0f})")"""),
    ("md", r"""**The stratified design, redrawn.** 200 adults in each region, 1,000 times. Here the
estimate and its variance reduce to the textbook formulas for a stratified mean (exercise 3.1
shows that they are the Taylor formula above): with $W_h = N_h/N$,
$\bar y_{st} = \sum_h W_h \bar y_h$ and $\hat V = \sum_h W_h^2 (1 - f_h) s_h^2 / n_h$. Each
draw within a region is one call of `rng.choice` (a loop over samples and regions, each draw
vectorised). The naive analysis ignores strata and weights: the plain mean of the 1,600 and
$s/\sqrt{1600}$."""),
    ("code", r"""n_h, N = 200, len(population)
values = population[["optimistic", "income"]].to_numpy(dtype=float)
rng = np.random.default_rng(304)
est_st = np.zeros((B, 2)); var_st = np.zeros((B, 2)); total = np.zeros((B, 2)); squares = np.zeros((B, 2))
for region, rows_h in population.groupby("region").indices.items():
    N_h = rows_h.size
    draws = np.stack([rng.choice(rows_h, n_h, replace=False) for _ in range(B)])  # (1000, 200)
    y = values[draws]                                        # (1000, 200, 2)
    est_st += N_h / N * y.mean(axis=1)
    var_st += (N_h / N) ** 2 * (1 - n_h / N_h) * y.var(axis=1, ddof=1) / n_h
    total += y.sum(axis=1); squares += (y**2).sum(axis=1)
n_st = 8 * n_h
plain = total / n_st
plain_se = np.sqrt((squares - n_st * plain**2) / (n_st - 1) / n_st)
sim_strat = {var: pd.DataFrame({"estimate": est_st[:, j], "se_design": np.sqrt(var_st[:, j]),
                                "naive_estimate": plain[:, j], "se_naive": plain_se[:, j]})
             for j, var in enumerate(["optimistic", "income"])}"""),
    ("md", r"""Now count how often each 95% interval covers the true value. The design-based intervals
use $t$ with the design df (39 for the cluster design, 1,592 for the stratified one); the naive
ones use 1.96. With 1,000 samples a coverage is known to about $\pm$1.4 points (two Monte Carlo
standard errors, $2\sqrt{0.95 \times 0.05 / 1000}$)."""),
    ("code", r"""def covers(estimate, se, crit, true):
    return np.abs(estimate - true) <= crit * se

t39, t_st = stats.t.ppf(0.975, m - 1), stats.t.ppf(0.975, n_st - 8)
rows = []
for var in ["optimistic", "income"]:
    s, c = sim_strat[var], sim_cluster[var]
    rows += [
        {"design": "stratified", "variable": var, "analysis": "design-based",
         "coverage": covers(s["estimate"], s["se_design"], t_st, TRUE[var]).mean()},
        {"design": "stratified", "variable": var, "analysis": "naive (as if SRS)",
         "coverage": covers(s["naive_estimate"], s["se_naive"], 1.96, TRUE[var]).mean()},
        {"design": "cluster1", "variable": var, "analysis": "design-based",
         "coverage": covers(c["estimate"], c["se_design"], t39, TRUE[var]).mean()},
        {"design": "cluster1", "variable": var, "analysis": "naive (as if SRS)",
         "coverage": covers(c["estimate"], c["se_naive"], 1.96, TRUE[var]).mean()},
    ]
coverage = pd.DataFrame(rows)
coverage["MC se"] = np.sqrt(coverage["coverage"] * (1 - coverage["coverage"]) / B)
coverage.pivot_table(index=["design", "analysis"], columns="variable", values="coverage")"""),
    ("chart", r"""sim = sim_cluster["optimistic"].iloc[:60]
fig, axes = plt.subplots(1, 2, figsize=(10, 5), sharex=True, sharey=True, layout="constrained")
for ax, col, crit, title in [(axes[0], "se_design", t39, "design-based (40 PSUs, df 39)"),
                             (axes[1], "se_naive", 1.96, "naive: as if ~15,000 independent people")]:
    low, high = sim["estimate"] - crit * sim[col], sim["estimate"] + crit * sim[col]
    hit = (low <= TRUE["optimistic"]) & (TRUE["optimistic"] <= high)
    ax.hlines(np.arange(len(sim)), low, high, colors=np.where(hit, "tab:blue", "tab:red"), linewidth=2)
    ax.plot(sim["estimate"], np.arange(len(sim)), "k.", markersize=3)
    ax.axvline(TRUE["optimistic"], color="black", linestyle="--", linewidth=1)
    ax.set_title(f"{title}: {hit.mean():.0%} cover", loc="left", fontsize=10)
    ax.set_xlabel("share optimistic")
axes[0].set_ylabel("redrawn cluster sample")
fig.suptitle("The first 60 of 1,000 one-stage cluster samples: 95% intervals (red: miss)")
plt.show()"""),
    ("md", r"""What the simulation shows:

- **Stratified sample:** the design-based intervals cover about 95% of the time, as promised.
  Ignoring the design costs little here: there are no clusters, and the unequal weights of
  equal allocation move the estimates only a little.
- **Cluster sample, naive analysis:** the intervals are far too narrow and cover the truth
  fewer than a third of the time for optimism and fewer than one time in six for income. The
  estimates are fine on average; it is the standard error that is wrong (exercise 3.3 asks
  why).
- **Cluster sample, design-based:** much better, but not perfect: a little under 95% for
  optimism, and fewer than nine times in ten for income. With only 40 PSUs and a skewed
  variable (a few large, rich municipalities in the capital), the estimated standard error is
  itself noisy, and it is small precisely in the samples that missed the rich municipalities
  and so estimated low. The check:"""),
    ("code", r"""c = sim_cluster["income"]
miss = ~covers(c["estimate"], c["se_design"], t39, TRUE["income"])
print(f"correlation of the estimate and its SE over the samples: {np.corrcoef(c['estimate'], c['se_design'])[0, 1]:.2f}")
print(f"of the {miss.sum()} intervals that miss, {(c['estimate'][miss] < TRUE['income']).mean():.0%} lie below the truth")"""),
    ("md", r"""The bundled `cluster1` sample, with a single capital municipality, is one of these.
Design-based intervals are large-sample approximations in the number of PSUs, not in the
number of interviews.

## Exercises"""),
    ("exercise", r"""### Exercise 3.1: a stratified mean and its standard error by hand

For the bundled `stratified` sample, compute the mean income and its standard error with numpy
and pandas only, from

$$\bar y_{st} = \sum_h W_h \bar y_h, \qquad \hat V(\bar y_{st}) = \sum_h W_h^2 \,(1 - f_h)\, \frac{s_h^2}{n_h}, \qquad W_h = \frac{N_h}{N},\ f_h = \frac{n_h}{N_h},$$

taking $N_h$ from the `fpc` column. Check both against `designs["stratified"].mean("income")`.
Then explain in a sentence why the Taylor formula of this lesson gives exactly this when the
weights are $N_h / n_h$."""),
    ("solution", r"""st = samples["stratified"]
g = st.groupby("region")
N_h = g["fpc"].first()
n_h_s = g.size()
W_h = N_h / N_h.sum()
ybar_st = (W_h * g["income"].mean()).sum()
v_st = (W_h**2 * (1 - n_h_s / N_h) * g["income"].var(ddof=1) / n_h_s).sum()
check = designs["stratified"].mean("income")
print(f"by hand: {ybar_st:.4f} (SE {np.sqrt(v_st):.4f}); SurveyDesign: {check.estimate[0]:.4f} (SE {check.se[0]:.4f})")
assert np.isclose(ybar_st, check.estimate[0], rtol=1e-12)
assert np.isclose(np.sqrt(v_st), check.se[0], rtol=1e-10)
# Why: the weights N_h / n_h sum to N exactly, so the ratio is the stratified mean. Each person
# is a PSU with t_hi = (N_h / n_h)(y_hi - ybar) / N; within stratum h these differ from their
# mean by (N_h / (n_h N))(y_hi - ybar_h), so n_h / (n_h - 1) times their sum of squares is
# W_h^2 s_h^2 / n_h, and (1 - f_h) is the fpc."""),
    ("exercise", r"""### Exercise 3.2: what does the fpc do?

Declare each of the four designs again without `fpc` and compute, for the mean income, the
ratio of the standard error without the fpc to the one with it. Before you run it, predict the
ratio for `srs` and `cluster1` from $1/\sqrt{1 - f}$. Which design does the fpc matter for, and
why is it not the one with the most interviews? (For `cluster2`, leaving out the fpc also drops
the second-stage term: the variance becomes the with-replacement "ultimate cluster" one.)"""),
    ("solution", r"""no_fpc = {
    "srs": ss.SurveyDesign(samples["srs"], weights="weight"),
    "stratified": ss.SurveyDesign(samples["stratified"], weights="weight", strata="region"),
    "cluster1": ss.SurveyDesign(samples["cluster1"], weights="weight", clusters="municipality"),
    "cluster2": ss.SurveyDesign(samples["cluster2"], weights="weight", strata="region",
                                clusters=["municipality", "id"]),
}
fpc_ratio = pd.Series({name: no_fpc[name].mean("income").se[0] / designs[name].mean("income").se[0]
                       for name in designs})
print(fpc_ratio.round(4))
assert np.isclose(fpc_ratio["srs"], 1 / np.sqrt(1 - 1600 / 197_000), rtol=1e-10)
assert np.isclose(fpc_ratio["cluster1"], 1 / np.sqrt(1 - 40 / 500), rtol=1e-10)
f_regions = 200 / samples["stratified"].groupby("region")["fpc"].first()
assert 1 / np.sqrt(1 - f_regions.min()) <= fpc_ratio["stratified"] <= 1 / np.sqrt(1 - f_regions.max())
assert fpc_ratio["cluster2"] > 1
# The fpc is 1 - (share of the first-stage units drawn): 0.8% of adults in srs, but 8% of
# the municipalities in cluster1 and up to 15% (capital) in cluster2. It is the share of
# PSUs drawn that counts, not the number of interviews."""),
    ("exercise", r"""### Exercise 3.3: why the naive interval under-covers

From the 1,000 cluster samples above:

1. compute the Monte Carlo design effect of each variable, the variance of the estimates over
   the samples divided by the average naive variance $s^2/n$;
2. predict the coverage of the naive interval from it: if the naive SE is too small by a factor
   $\sqrt{\text{deff}}$, the interval $\pm 1.96$ naive SEs covers with probability
   $2\Phi(1.96/\sqrt{\text{deff}}) - 1$. Check that the simulated coverage agrees within four
   Monte Carlo standard errors;
3. compare the design effect with Kish's approximation $1 + \left(\bar m (1 + CV^2) - 1\right)\rho$
   (`ss.cluster_deff`), using the municipality sizes of the population and the intraclass
   correlations in `truth`;
4. explain in two or three sentences why the naive interval fails, and why more interviews per
   municipality would not fix it."""),
    ("solution", r"""deff_mc, predicted = {}, {}
for var in ["optimistic", "income"]:
    c = sim_cluster[var]
    deff_mc[var] = c["estimate"].var(ddof=1) / (c["se_naive"] ** 2).mean()
    predicted[var] = 2 * stats.norm.cdf(1.96 / np.sqrt(deff_mc[var])) - 1
    simulated = covers(c["estimate"], c["se_naive"], 1.96, TRUE[var]).mean()
    mc_se = np.sqrt(predicted[var] * (1 - predicted[var]) / B)
    print(f"{var}: deff {deff_mc[var]:.1f}, predicted naive coverage {predicted[var]:.3f}, simulated {simulated:.3f}")
    assert abs(simulated - predicted[var]) < 4 * mc_se

icc = truth.query("statistic == 'icc'").set_index("variable")["value"]
cv_size = N_i.std() / N_i.mean()                  # over the 500 municipalities (ddof 0)
deff_kish = {var: ss.cluster_deff(N_i.mean(), icc[var], cv_cluster_size=cv_size) for var in ["optimistic", "income"]}
print("Kish's approximation:", {k: round(float(v), 1) for k, v in deff_kish.items()})
assert all(0.7 < deff_kish[v] / deff_mc[v] < 1.3 for v in deff_mc)
# People in the same municipality resemble each other (icc 0.036 for optimism, 0.18 for
# income), and a municipality of ~400 (size-weighted ~700) people is drawn as one unit, so the
# sample holds 40 independent pieces of information, not 15,000. The naive SE divides by the
# wrong n and is too small by sqrt(deff), about 5 and 12 here. More interviews per
# municipality make the deff larger, not smaller: only more municipalities help."""),
    ("md", r"""## Summary

- Declare the design as it was drawn: strata, clusters (every stage), weights, fpc.
  `SurveyDesign` then computes the Taylor-linearised variance from the PSU totals of the
  linearised variable $z_i$, exactly the formula you can write by hand.
- A mean is a ratio: dividing by $\hat N$ absorbs the luck of drawing large or small clusters,
  which is why a cluster sample's mean is far more precise than its total.
- The degrees of freedom are PSUs minus strata. A cluster sample's information is in its
  clusters: 11,830 interviews in 40 municipalities gave 39 df and the precision of a few hundred
  independent interviews.
- Repeated sampling from the known population showed that the naive analysis of a cluster
  sample covers the truth fewer than a third of the time for optimism and fewer than one time
  in six for income, while the design-based intervals come close to 95% for optimism.
- What the numbers cannot tell: a design-based interval is only as good as the declaration
  (wrong strata or missing clusters give a wrong SE with no warning) and as the number of
  PSUs (with 40 municipalities and skewed incomes it covered fewer than nine times in ten).
  And it measures sampling error only: nonresponse and measurement error are not in it
  (lessons 6 and 7).

## Further reading

- Kish, L. (1965). *Survey Sampling*. Wiley. (Stratified and cluster sampling, and the
  design effect.)
- Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley. (Chapter 5: stratified random
  sampling; chapters 9 to 11: cluster and multi-stage sampling.)
- Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer. (Chapter 6:
  Taylor series methods.)
- Lohr, S. L. (2019). *Sampling: Design and Analysis*, 2nd ed. CRC Press. (Chapters 3, 5 and 9.)
- Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (Chapters 2 and 3,
  the declarations this lesson mirrors.)
- The [design](../design.md) page of this site and the lab notebook
  {doc}`teaching designs <../examples/teaching_designs>`."""),
    ("code", r"""# key numbers, checked by the test suite
cov = coverage.set_index(["design", "analysis", "variable"])["coverage"]
KEY = {
    "true_optimistic": round(TRUE["optimistic"], 6),
    "true_income": round(TRUE["income"], 6),
    "df_stratified": int(designs["stratified"].degf),
    "df_cluster1": int(designs["cluster1"].degf),
    "df_cluster2": int(designs["cluster2"].degf),
    "se_cluster1_optimistic": float(by_hand.loc["optimistic", "SE by hand"]),
    "se_cluster1_income": float(by_hand.loc["income", "SE by hand"]),
    "bundled_covered": int(table["covers"].sum()),
    "fpc_ratio_cluster1": float(fpc_ratio["cluster1"]),
    "cover_stratified_design_optimistic": float(cov["stratified", "design-based", "optimistic"]),
    "cover_stratified_design_income": float(cov["stratified", "design-based", "income"]),
    "cover_cluster1_design_optimistic": float(cov["cluster1", "design-based", "optimistic"]),
    "cover_cluster1_design_income": float(cov["cluster1", "design-based", "income"]),
    "cover_cluster1_naive_optimistic": float(cov["cluster1", "naive (as if SRS)", "optimistic"]),
    "cover_cluster1_naive_income": float(cov["cluster1", "naive (as if SRS)", "income"]),
    "deff_mc_optimistic": float(deff_mc["optimistic"]),
    "deff_mc_income": float(deff_mc["income"]),
    "deff_kish_optimistic": float(deff_kish["optimistic"]),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
