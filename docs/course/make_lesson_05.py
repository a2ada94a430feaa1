# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_05_weighting.ipynb: weighting a distorted poll back to the population.

Run ``python docs/course/make_lesson_05.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_05_weighting.ipynb"

# key -> (value, absolute tolerance). "Limit" values are deterministic: the weighting applied to
# the whole teaching population with each adult counted in proportion to the response
# probability the lesson sets (the value the weighted estimate tends to as the sample grows).
# They were checked in scratch work against independent numpy code (post-stratification by
# hand: sum_c N_c/N * sum_c(pi y)/sum_c(pi); raking by hand: 300 passes of iterative
# proportional fitting over the four margins; Kish by sum(pi) sum(pi g^2) / sum(pi g)^2).
EXPECTED: dict[str, tuple[float, float]] = {
    # known truth of the teaching population (truth.csv: 134,868 optimists of 197,000; 0.41919)
    "true_optimistic": (0.684609, 1e-6),
    "true_trust_tv": (0.419193, 1e-6),
    # limit biases (estimate's limit minus truth), deterministic; independent numpy values:
    # none sum(pi y)/sum(pi) - truth; post-stratified by the cell formula; calibrated by IPF
    "limit_bias_none_optimistic": (0.037549, 1e-5),
    "limit_bias_poststratified_optimistic": (0.009071, 1e-5),
    "limit_bias_calibrated_optimistic": (0.010712, 1e-5),
    "limit_bias_calibrated_trust_tv": (0.055184, 1e-5),
    "limit_bias_none_income": (0.470260, 1e-4),
    "limit_bias_poststratified_income": (2.525527, 1e-4),
    "limit_bias_calibrated_income": (-0.020616, 1e-4),
    # with response depending on age and education only, raking on them removes all bias (0 in
    # exact arithmetic; IPF by hand gives 6e-14 for income, the calibration converges to 1e-10)
    "limit_bias_explained_max": (0.0, 1e-6),
    # Kish deff of the limit weights, sum(pi) sum(pi g^2) / sum(pi g)^2, deterministic
    "limit_kish_poststratified": (1.174859, 1e-5),
    "limit_kish_calibrated": (1.256589, 1e-5),
    # closed formula n* = (deff - 1) p (1 - p) / (b0^2 - bw^2) with the limit values above
    "crossover_n_poststratified": (28.4381, 1e-3),
    # random draw (seed 505): expected 12,000 x mean(pi) = 2,199 respondents, sd about 42
    "n_respondents": (2210, 200),
    # random: the unweighted sample error scatters around the limit bias 0.0375 with SE about
    # 0.0095 (here 0.0448); the calibrated Kish deff around 1.26 with sd about 0.03 (here 1.262)
    "sample_error_none_optimistic": (0.0375, 0.04),
    "sample_kish_calibrated": (1.26, 0.1),
}

CELLS: list[tuple[str, str]] = [
    ("md", """# Lesson 5: Weighting to the population: post-stratification, raking, calibration, trimming

A poll's respondents are never a miniature of the country: some people answer the phone more
readily than others. Weighting makes the respondents match what is known about the population
(its age structure, its regions, its education) and hopes that this also repairs the answers.
In this lesson you draw a poll from the teaching population with a response mechanism you set
yourself, so you know exactly how it is distorted, weight it in four ways and compare every
estimate with the truth. It takes about 35 minutes and builds on the design effects of
[lesson 2](lesson_02_design_effects.ipynb) (Kish's formula) and the
[teaching population](../data/teaching.md)."""),
    ("md", """## Learning goals

- **Compute** post-stratified, raked and calibrated weights with `SurveyDesign.poststratify`,
  `rake` and `calibrate`, and check that they hit the population margins.
- **Explain** why weighting removes nonresponse bias only as far as the weighting variables
  explain who responds, and show a variable for which it does not help.
- **Compute** the price of weighting, Kish's design effect, and weigh it against the bias
  removed with the mean squared error.
- **Judge** whether trimming extreme weights at a cap is worth the bias it brings back."""),
    ("code", """# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import surveystats as ss
from surveystats.datasets import load_teaching_margins, load_teaching_population

population = load_teaching_population()   # the whole synthetic country: 197,000 adults
N = len(population)
VARIABLES = ["optimistic", "trust_tv", "income"]
truth = population[VARIABLES].mean()
truth.round(4)"""),
    ("md", """## A poll with a known distortion

Suppose a pollster dials 12,000 adults drawn at random (so there is no coverage problem) and
each one answers with a probability $\\pi_i$ that depends on three things: age (the old answer
more), education (graduates cooperate more) and trust in television news (those who trust it,
the "regime-congruent", are more willing to talk). The three act as factors:

$$\\pi_i = a_{\\text{age}(i)} \\times e_{\\text{educ}(i)} \\times t_{\\text{tv}(i)}$$

The numbers below are ours, chosen to give a response rate of about 18%, inside the 5 to 25%
that Russian Field's 2022-2023 figures imply for Russian phone polls (the sourced range of
[bias](../bias.md)). Everything is drawn at once with one seeded generator: no loop over
people."""),
    ("code", """AGE = {"18-34": 0.08, "35-54": 0.14, "55+": 0.22}
EDUCATION = {"secondary": 0.7, "vocational": 1.0, "higher": 1.5}
TRUST_TV = 1.3   # the factor for people who trust television news
a = population["age_group"].map(AGE).to_numpy(dtype=float)
e = population["education"].map(EDUCATION).to_numpy(dtype=float)
t = np.where(population["trust_tv"] == 1, TRUST_TV, 1.0)
propensity = a * e * t

rng = np.random.default_rng(505)
contacted = rng.choice(N, size=12_000, replace=False)
responds = rng.random(contacted.size) < propensity[contacted]
sample = population.iloc[np.sort(contacted[responds])].reset_index(drop=True)
n = len(sample)
sample["weight"] = N / n          # every respondent counts alike: the unweighted poll
print(f"{n:,} of {contacted.size:,} contacted adults answered ({n / contacted.size:.1%})")
print(f"mean response probability in the population: {propensity.mean():.1%}")"""),
    ("md", """Equal weights $N/n$ make the estimates those of the raw respondents. A helper compares
any design's estimates of the three variables with the truth, with their 95% intervals."""),
    ("code", """design = ss.SurveyDesign(sample, weights="weight")


def compare(d, label):
    est = d.mean(VARIABLES)
    ci = est.confint()
    table = pd.DataFrame({"weighting": label, "variable": VARIABLES,
                          "estimate": est.estimate, "se": est.se,
                          "low": ci["low"].to_numpy(), "high": ci["high"].to_numpy(),
                          "truth": truth.to_numpy()})
    table["error"] = table["estimate"] - table["truth"]
    table["covers"] = (table["low"] <= table["truth"]) & (table["truth"] <= table["high"])
    return table


compare(design, "none").round(4)"""),
    ("md", """The raw respondents overstate optimism by about four points and trust in television
by about ten, and neither interval covers the truth: the intervals measure sampling error, and
this is not sampling error. (Income comes out close, by luck: older respondents pull it down,
graduates pull it up.)

## Post-stratification

Post-stratification scales the weights in each cell $c$ of a variable whose population
counts $N_c$ are known, so that the weights in the cell add up to $N_c$:

$$w_i = d_i \\, \\frac{N_c}{\\sum_{j \\in s_c} d_j} \\quad \\text{for } i \\text{ in cell } c,$$

with $d_i$ the weights before and $s_c$ the respondents in the cell. With equal $d_i$ every
respondent in cell $c$ gets $N_c / n_c$, and the estimate becomes
$\\sum_c (N_c/N)\\,\\bar y_c$: the cell means mixed in the population's proportions. The counts
come with the teaching data (`load_teaching_margins`, as a census would give them)."""),
    ("code", """margins = load_teaching_margins()


def counts(margin):
    part = margins[margins["margin"] == margin]
    return dict(zip(part[margin], part["count"]))


ages, sexes, regions = counts("age_group"), counts("sex"), counts("region")
post = design.poststratify("age_group", ages)
cells = pd.DataFrame({"age_group": sample["age_group"], "w": post.weights})
print(cells.groupby("age_group")["w"].agg(["size", "first", "sum"]).round(1))
compare(post, "post-stratified (age)").round(4)"""),
    ("md", """Each age group now carries its population count. The optimism error shrinks to under a
point, because optimism rises with age and the old were over-represented; trust in television
keeps a large error.

## Raking

With several margins whose joint table is not known (age, sex, region), raking (iterative
proportional fitting; Deming and Stephan 1940) post-stratifies on each margin $m$ in turn and
repeats the cycle until every margin is met:

$$w_i^{(k+1)} = w_i^{(k)} \\, \\frac{N_{m,c}}{\\sum_{j \\in s_{m,c}} w_j^{(k)}}\\quad\\text{for } i \\text{ in category } c \\text{ of margin } m.$$"""),
    ("code", """raked = design.rake({"age_group": ages, "sex": sexes, "region": regions})
for column, target in {"age_group": ages, "sex": sexes, "region": regions}.items():
    achieved = pd.Series(raked.weights).groupby(sample[column].to_numpy()).sum()
    gap = max(abs(achieved[c] / target[c] - 1) for c in target)
    print(f"{column:10s} largest relative gap to the population count: {gap:.1e}")
compare(raked, "raked (age, sex, region)").round(4)"""),
    ("md", """## Calibration

Calibration (Deville and Särndal 1992) asks for new weights $w_i = g_i d_i$ that reproduce
known population totals $\\mathbf T_x$ of auxiliary variables $\\mathbf x_i$ (category
indicators, or numeric variables) while moving as little as possible from $d_i$:

$$\\sum_{i \\in s} w_i \\mathbf x_i = \\mathbf T_x, \\qquad \\min \\sum_{i \\in s} d_i \\, G(g_i).$$

The distance $G$ decides the form of $g$. Linear calibration (GREG) gives
$g_i = 1 + \\mathbf x_i^\\top \\boldsymbol\\lambda$ with
$\\boldsymbol\\lambda = (\\sum_s d_i \\mathbf x_i \\mathbf x_i^\\top)^{-1} (\\mathbf T_x - \\sum_s d_i \\mathbf x_i)$,
in closed form, and can give negative weights; the raking distance gives
$g_i = \\exp(\\mathbf x_i^\\top \\boldsymbol\\lambda)$, always positive, and on category margins
it is exactly raking. Bounds $L \\le g_i \\le U$ keep the adjustments in a range.

Our margins lack education, which drives response. Suppose a census table gives it (here: the
population's counts). Calibrating on all four margins:"""),
    ("code", """education = population["education"].value_counts().to_dict()   # the "census table"
totals = {"age_group": ages, "sex": sexes, "region": regions, "education": education}
columns = ["age_group", "sex", "region", "education"]
calibrated = design.calibrate(columns, totals, calfun="raking")
linear = design.calibrate(columns, totals)                    # GREG
bounded = design.calibrate(columns, totals, bounds=(0.5, 2.0))
for label, d in {"raking": calibrated, "linear": linear, "linear, bounds (0.5, 2)": bounded}.items():
    g = d.weights / design.weights
    est = d.mean(VARIABLES).estimate
    print(f"{label:24s} g from {g.min():.2f} to {g.max():.2f}, Kish deff {ss.kish_deff(d.weights).deff:.3f}, "
          f"estimates {est[0]:.4f} {est[1]:.4f} {est[2]:.2f}")
compare(calibrated, "calibrated (+ education)").round(4)"""),
    ("md", """The three versions differ in their extreme adjustments, not much in their estimates. In
this sample, calibration on education brings income back near the truth; optimism's error
stays around a point or less and trust in television stays about five points too high.

Side by side, with the truth as a dashed line:"""),
    ("chart", """weightings = {"none": design, "post-stratified (age)": post,
              "raked (age, sex, region)": raked, "calibrated (+ education)": calibrated}
results = pd.concat([compare(d, label) for label, d in weightings.items()], ignore_index=True)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
for ax, variable in zip(axes, ["optimistic", "trust_tv"]):
    rows = results[results["variable"] == variable].reset_index(drop=True)
    ax.errorbar(rows["estimate"], rows.index, fmt="o",
                xerr=[rows["estimate"] - rows["low"], rows["high"] - rows["estimate"]])
    ax.axvline(truth[variable], color="black", linestyle="--", label="the truth")
    ax.set_title(f"share {variable}")
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
axes[0].set_yticks(range(len(weightings)), list(weightings))
axes[0].invert_yaxis()
axes[1].legend(loc="lower right")
fig.suptitle("One poll, four weightings: 95% intervals against the truth")
plt.show()"""),
    ("md", """## Bias or bad luck? The limit of each weighting

One sample mixes bias with sampling error. The bias itself can be computed exactly here,
because we know every adult's response probability: on average the respondents are the
population with adult $i$ counted in proportion to $\\pi_i$. Applying a weighting to the whole
population with weights $\\pi_i$ gives the value the weighted estimate tends to as the sample
grows,

$$\\bar y_w \\longrightarrow \\frac{\\sum_{i \\in U} \\pi_i g_i y_i}{\\sum_{i \\in U} \\pi_i g_i},$$

with $g_i$ the weighting's adjustment in that limit. The limit minus the truth is the bias.
The same code does it: a `SurveyDesign` of all 197,000 adults with weights $\\pi_i$. The
last column is Kish's design effect of the limiting weights, $\\sum \\pi \\sum \\pi g^2 / (\\sum \\pi g)^2$
(with the limiting weights $\\pi_i g_i$, so $g_i$ is their ratio to $\\pi_i$)."""),
    ("code", """def weight_all_ways(d):
    return {"none": d,
            "post-stratified (age)": d.poststratify("age_group", ages),
            "raked (age, sex, region)": d.rake({"age_group": ages, "sex": sexes, "region": regions}),
            "calibrated (+ education)": d.calibrate(columns, totals, calfun="raking")}


def limits(pi):
    rows = {}
    for label, d in weight_all_ways(ss.SurveyDesign(population.assign(pi=pi), weights="pi")).items():
        g = d.weights / pi
        kish = pi.sum() * np.sum(pi * g**2) / np.sum(pi * g) ** 2
        rows[label] = [*(d.mean(VARIABLES).estimate - truth.to_numpy()), kish]
    return pd.DataFrame(rows, index=[*VARIABLES, "kish_deff"]).T


bias = limits(propensity)
bias.round(4)"""),
    ("md", """Three lessons in one table:

1. **Weighting removes the part of the bias that its variables explain.** Age accounts for
   most of optimism's distortion (optimism rises with age), so post-stratifying on age takes
   the bias from 3.8 points to 0.9.
2. **It does not remove the rest.** Trust in television affects response directly, and no
   weighting variable captures that. Its bias falls only as far as age and education stand in
   for it, and four to five and a half points stay whatever we do; the residual point of
   optimism comes from the same source, since TV trusters are more optimistic.
3. **Weighting on part of the causes can make things worse.** For income, the age distortion
   (the old earn less) and the education distortion (graduates earn more) almost cancel in the
   raw poll; correcting age alone leaves the education distortion bare, a bias of 2.5 thousand.
   Only with education in the weights is income right.

The converse, as a check: if response depended on age and education only (no television
factor), the raking calibration on them removes the bias completely. Raking fits exactly a
response probability that is a product of age and education factors; linear calibration fits
an additive form and leaves a small bias."""),
    ("code", """explained = limits(a * e)   # response driven by age and education only
linear_limit = (ss.SurveyDesign(population.assign(pi=a * e), weights="pi")
                .calibrate(columns, totals).mean(VARIABLES).estimate - truth.to_numpy())
raking_limit = explained.loc["calibrated (+ education)", VARIABLES].to_numpy(dtype=float)
print(f"largest bias after raking calibration: {np.abs(raking_limit).max():.0e}")
print("biases after linear calibration:", dict(zip(VARIABLES, np.round(linear_limit, 4).tolist())))
assert np.abs(raking_limit).max() < 1e-6"""),
    ("md", """## The price: Kish's design effect

Unequal weights make an estimate less precise. Kish's approximation says by how much:

$$\\text{deff}_{\\text{Kish}} = \\frac{n \\sum_i w_i^2}{\\left(\\sum_i w_i\\right)^2} = 1 + \\text{CV}^2(w).$$

It assumes the weights are unrelated to the variable; the design-based standard errors in the
tables above measure each estimate's actual loss (or gain, when the weighting variables
predict the outcome). Whether weighting pays is a question of mean squared error, bias
squared plus variance,

$$\\text{RMSE}(n) = \\sqrt{\\text{bias}^2 + \\text{deff} \\; \\sigma^2 / n},$$

so weighting with design effect $\\text{deff}_w$ beats no weighting once
$n > n^* = (\\text{deff}_w - 1)\\,\\sigma^2 / (b_0^2 - b_w^2)$, with $b_0$ and $b_w$ the
two biases. For this sample:"""),
    ("code", """print(f"Kish deff of the calibrated weights in this sample: {ss.kish_deff(calibrated.weights).deff:.3f} "
      f"(limit {bias.loc['calibrated (+ education)', 'kish_deff']:.3f})")
sigma2 = population[["optimistic", "income"]].var(ddof=0)
b0 = bias.loc["none", "optimistic"]
bw, deff_w = bias.loc["post-stratified (age)", ["optimistic", "kish_deff"]]
n_star = (deff_w - 1) * sigma2["optimistic"] / (b0**2 - bw**2)
print(f"post-stratifying on age pays for optimism from n = {n_star:.1f} respondents on")"""),
    ("chart", """sizes = np.geomspace(30, 30_000, 200)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
for ax, variable, scale in zip(axes, ["optimistic", "income"], [100, 1]):
    for label in ["none", "post-stratified (age)", "calibrated (+ education)"]:
        b, deff = bias.loc[label, [variable, "kish_deff"]]
        ax.plot(sizes, scale * np.sqrt(b**2 + deff * sigma2[variable] / sizes), label=label)
    ax.axvline(n, color="grey", linestyle=":")
    ax.set_xscale("log")
    ax.set_xlabel("respondents n")
    ax.set_ylim(bottom=0)
axes[0].set_ylabel("root mean squared error")
axes[0].set_title("optimistic (percentage points)")
axes[1].set_title("income (thousands)")
axes[1].legend()
fig.suptitle("Bias does not shrink with n, variance does (dotted: this poll)")
plt.show()"""),
    ("md", """At small $n$ the variance dominates and unweighted estimates can win; as $n$ grows,
the bias is all that is left, and the weighting with the smallest bias wins whatever its
design effect. Which weighting that is depends on the variable: for optimism, age alone is
enough and education adds only variance; for income, weighting on age without education is
the worst of the three at every size, and calibrating on education beats no weighting only
from about 1,200 respondents on, because the raw income happens to be nearly unbiased.

## Trimming

Large weights make large design effects, so pollsters often cap them. Trimming at $U$ sets
every weight above $U$ to $U$ and shares the excess equally among the others, keeping the
total (R's `trimWeights`, surveystats' `trim_weights`; `strict=True` repeats until no weight
is above the cap):

$$w_i^{\\text{trim}} = \\min(w_i, U) + [w_i < U] \\; \\frac{\\sum_j (w_j - U)_+}{\\#\\{j: w_j < U\\}}.$$

It lowers the design effect and undoes part of the weighting, bringing part of the bias back,
and the margins are no longer met. Caps at several multiples of the mean weight:"""),
    ("code", """mean_weight = calibrated.weights.mean()
rows = []
for multiple in [3.0, 2.5, 2.0, 1.5]:
    trimmed = calibrated.trim_weights(upper=multiple * mean_weight, strict=True)
    est = trimmed.mean(VARIABLES).estimate
    by_age = pd.Series(trimmed.weights).groupby(sample["age_group"].to_numpy()).sum()
    rows.append({"cap (x mean)": multiple,
                 "share trimmed": float(np.mean(calibrated.weights > multiple * mean_weight)),
                 "kish_deff": ss.kish_deff(trimmed.weights).deff,
                 "optimistic": est[0], "trust_tv": est[1], "income": est[2],
                 "age margin gap": max(abs(by_age[c] / ages[c] - 1) for c in ages)})
pd.DataFrame(rows).round(4)"""),
    ("md", """The tighter the cap, the lower the design effect, the further the shares of optimists and
TV trusters drift back towards the raw respondents' values, and the worse the age margin.
Exercise 5.3 asks whether that trade is worth making."""),
    ("exercise", """### Exercise 5.1 Post-stratify by hand

Post-stratify the unweighted poll on the crossed cells age group × sex (the
`"age_group x sex"` rows of `load_teaching_margins()`). Compute the cell weights
$N_c / n_c$ yourself with pandas, check that they equal the weights of
`design.poststratify(["age_group", "sex"], ...)` (pass a dict with `(age_group, sex)` tuples
as keys), and check that the post-stratified share of optimists equals
$\\sum_c (N_c/N)\\,\\bar y_c$."""),
    ("solution", """cross = margins[margins["margin"] == "age_group x sex"]
N_c = {(r.age_group, r.sex): r.count for r in cross.itertuples()}   # 6 cells
n_c = sample.groupby(["age_group", "sex"]).size()
cell_weight = pd.Series(N_c).rename_axis(["age_group", "sex"]) / n_c   # N_c / n_c per cell
by_hand = cell_weight.reindex(pd.MultiIndex.from_frame(sample[["age_group", "sex"]])).to_numpy()

ps2 = design.poststratify(["age_group", "sex"], N_c)
assert np.allclose(ps2.weights, by_hand, rtol=1e-12)

cell_means = sample.groupby(["age_group", "sex"])["optimistic"].mean()
mixed = sum(N_c[c] / N * cell_means[c] for c in N_c)
estimate = ps2.mean("optimistic").estimate[0]
assert abs(estimate - mixed) < 1e-12
print(f"post-stratified by age x sex: {estimate:.4f} (by hand {mixed:.4f}); truth {truth['optimistic']:.4f}")"""),
    ("exercise", """### Exercise 5.2 Rake to two margins, and check

Rake the unweighted poll to the age group and education margins by hand: start from the
equal weights and, 50 times, post-stratify on age, then on education (use
`groupby(...).transform("sum")`, no loop over respondents). Then:

1. check that both margins are met to 1e-8 (relative);
2. check that your weights equal `design.rake(...)` and `design.calibrate(..., calfun="raking")`
   on the same two margins;
3. think: after the *first* pass, the education step has just been done. Is the age margin
   still met? Why does raking need to cycle?"""),
    ("solution", """targets = {"age_group": ages, "education": education}
w = design.weights.copy()
age_gap_after_first_pass = None
for sweep in range(50):
    for column, target in targets.items():
        sums = pd.Series(w).groupby(sample[column].to_numpy()).transform("sum").to_numpy()
        w = w * sample[column].map(target).to_numpy(dtype=float) / sums
    if sweep == 0:
        by_age = pd.Series(w).groupby(sample["age_group"].to_numpy()).sum()
        age_gap_after_first_pass = max(abs(by_age[c] / ages[c] - 1) for c in ages)

for column, target in targets.items():
    achieved = pd.Series(w).groupby(sample[column].to_numpy()).sum()
    assert max(abs(achieved[c] / target[c] - 1) for c in target) < 1e-8

raked2 = design.rake(targets)
raking_calibration = design.calibrate(["age_group", "education"], targets, calfun="raking")
assert np.allclose(w, raked2.weights, rtol=1e-8)
assert np.allclose(w, raking_calibration.weights, rtol=1e-8)
assert age_gap_after_first_pass > 1e-3   # the education step disturbed the age margin
print(f"after one pass the age margin was off by up to {age_gap_after_first_pass:.2%}; "
      "after 50 passes both margins are met")
# Why: the education step rescales everyone in an education group by one factor, and the
# groups mix ages, so age totals move; each cycle moves them less. Raking and calibration
# with the raking distance solve the same equations with the same form g = exp(age + education
# effects), so they give the same weights."""),
    ("exercise", """### Exercise 5.3 Judge trimming at a cap

Trim the calibrated weights (`calibrated`) at twice their mean (`strict=True`).

1. Compute the share of weights trimmed, Kish's design effect before and after, and the shift
   $\\Delta$ of the share of optimists (trimmed minus untrimmed).
2. The variance that trimming saves is about
   $(\\text{deff}_{\\text{before}} - \\text{deff}_{\\text{after}})\\, p(1-p)/n$. Compare it with
   $\\Delta^2$, the squared bias that trimming adds if the untrimmed estimate was unbiased.
   Which is larger, and by what factor?
3. Check that the trimmed estimate lies between the calibrated and the unweighted one, and how
   far the age margin now misses. Would you trim at this cap for this poll? What would change
   your mind?"""),
    ("solution", """cap = 2 * calibrated.weights.mean()
trimmed = calibrated.trim_weights(upper=cap, strict=True)
assert trimmed.weights.max() <= cap * (1 + 1e-12)
assert abs(trimmed.weights.sum() - calibrated.weights.sum()) < 1e-6 * N   # total kept

share_trimmed = float(np.mean(calibrated.weights > cap))
deff_before = ss.kish_deff(calibrated.weights).deff
deff_after = ss.kish_deff(trimmed.weights).deff
p_cal = calibrated.mean("optimistic").estimate[0]
p_trim = trimmed.mean("optimistic").estimate[0]
p_raw = design.mean("optimistic").estimate[0]
shift = p_trim - p_cal
variance_saved = (deff_before - deff_after) * p_cal * (1 - p_cal) / n
by_age = pd.Series(trimmed.weights).groupby(sample["age_group"].to_numpy()).sum()
age_gap = max(abs(by_age[c] / ages[c] - 1) for c in ages)

print(f"{share_trimmed:.1%} of weights trimmed; Kish deff {deff_before:.3f} -> {deff_after:.3f}")
print(f"optimism {p_cal:.4f} -> {p_trim:.4f} (raw {p_raw:.4f}, truth {truth['optimistic']:.4f})")
print(f"squared shift {shift**2:.2e} against variance saved {variance_saved:.2e}: "
      f"ratio {shift**2 / variance_saved:.1f}; the age margin now misses by up to {age_gap:.1%}")
assert deff_after < deff_before
assert min(p_cal, p_raw) < p_trim < max(p_cal, p_raw)   # trimming undoes part of the weighting
assert shift**2 > variance_saved                          # here the trade does not pay
# Judgement: at n of about 2,200 the variance saved (a fall of about 0.1 in the design effect)
# is smaller than the squared shift, so trimming at twice the mean makes the estimate worse,
# and it breaks the margins. With a much smaller sample (the variance term grows as 1/n) or
# much more extreme weights (a handful of respondents carrying 10 times the mean) the balance
# can turn; bounded calibration (bounds=) caps the adjustments and still meets the margins."""),
    ("md", """## Summary

- Post-stratification, raking and calibration make the respondents add up to known
  population counts; raking cycles through the margins, calibration solves the calibration
  equations for a chosen distance (linear or raking) with optional bounds.
- Weighting removes nonresponse bias only to the extent that the weighting variables explain
  who responds. When response depends on the answer itself (here, trust in television), no
  demographic weighting removes it, and the interval still misses.
- Weighting on some causes of response and not others can increase a bias.
- Weights cost precision (Kish: $1 + \\text{CV}^2$). A bias does not shrink with $n$, so in
  samples of national size the cost is worth paying when the weighting variables explain
  response; trimming buys precision back at the price of bias and of the margins.

What the numbers cannot tell: in a real poll nobody knows the response probabilities, so the
"limit" table cannot be computed. Whether the weighting variables explain response is an
assumption, checked at best on variables with a known benchmark. A poll that matches every
census margin can still be biased on what it asks about.

## Further reading

- Kish, L. (1965). *Survey Sampling*. Wiley.
- Kish, L. (1992). Weighting for unequal Pi. *Journal of Official Statistics* 8(2), 183-200.
- Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment of a sampled
  frequency table when the expected marginal totals are known. *Annals of Mathematical
  Statistics* 11(4), 427-444.
- Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey sampling.
  *Journal of the American Statistical Association* 87(418), 376-382.
- Kalton, G. and Flores-Cervantes, I. (2003). Weighting methods. *Journal of Official
  Statistics* 19(2), 81-97.
- Little, R. J. A. and Vartivarian, S. (2005). Does weighting for nonresponse increase the
  variance of survey means? *Survey Methodology* 31(2), 161-168.
- Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (Chapter 7:
  post-stratification, raking and calibration.)
- The [design](../design.md) page of this site: `poststratify`, `rake`, `calibrate` and
  `trim_weights` against R's survey package. Next: [lesson 6](lesson_06_nonresponse.ipynb),
  nonresponse that weighting cannot see."""),
    ("code", """# key numbers, checked by the test suite
KEY = {
    "true_optimistic": round(float(truth["optimistic"]), 6),
    "true_trust_tv": round(float(truth["trust_tv"]), 6),
    "limit_bias_none_optimistic": float(bias.loc["none", "optimistic"]),
    "limit_bias_poststratified_optimistic": float(bias.loc["post-stratified (age)", "optimistic"]),
    "limit_bias_calibrated_optimistic": float(bias.loc["calibrated (+ education)", "optimistic"]),
    "limit_bias_calibrated_trust_tv": float(bias.loc["calibrated (+ education)", "trust_tv"]),
    "limit_bias_none_income": float(bias.loc["none", "income"]),
    "limit_bias_poststratified_income": float(bias.loc["post-stratified (age)", "income"]),
    "limit_bias_calibrated_income": float(bias.loc["calibrated (+ education)", "income"]),
    "limit_bias_explained_max": float(np.abs(explained.loc["calibrated (+ education)", VARIABLES]).max()),
    "limit_kish_poststratified": float(bias.loc["post-stratified (age)", "kish_deff"]),
    "limit_kish_calibrated": float(bias.loc["calibrated (+ education)", "kish_deff"]),
    "crossover_n_poststratified": float(n_star),
    "n_respondents": int(n),
    "sample_error_none_optimistic": float(compare(design, "none")["error"].iloc[0]),
    "sample_kish_calibrated": float(ss.kish_deff(calibrated.weights).deff),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
