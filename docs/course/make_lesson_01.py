# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_01_intervals.ipynb: sampling distributions, intervals and coverage.

Run ``python docs/course/make_lesson_01.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_01_intervals.ipynb"

# key -> (value, absolute tolerance). The exact coverages were checked in scratch work with
# independent code: scipy.stats.binom.pmf summed over the counts whose interval (Wald or Wilson
# written out with numpy, z = scipy.stats.norm.ppf(0.975)) contains p; the Wilson bounds also
# against statsmodels' proportion_confint(1120, 1600, method="wilson").
EXPECTED: dict[str, tuple[float, float]] = {
    # known truth of the teaching population (truth.csv: 134,868 optimists of 197,000)
    "true_optimistic": (0.684609, 1e-6),
    # the rare trait, income >= 120 thousand a month: 5,300 of the 197,000 adults
    "true_rare": (0.026904, 1e-6),
    # closed formula sqrt(p (1 - p) / n * (N - n) / (N - 1)) at the true p, n = 1,600
    "se_formula": (0.011570, 1e-6),
    # random (seed 2025, 10,000 hypergeometric draws): sd of the simulated shares; the Monte
    # Carlo SE of a standard deviation is about sd / sqrt(2 R) = 8e-5
    "se_simulated": (0.011570, 5e-4),
    # random: share of the 10,000 Wald intervals covering the truth; MC SE sqrt(.95 .05 / 1e4)
    # = 0.0022 around the exact value 0.9505
    "wald_simulated_coverage": (0.9505, 0.01),
    # exact coverage by binomial sums (ss.coverage; scipy check above)
    "wald_exact_coverage_1600": (0.950453, 1e-6),
    "wald_exact_coverage_rare_50": (0.742079, 1e-6),
    "wilson_exact_coverage_rare_50": (0.954652, 1e-6),
    # random: simulated Wald coverage of the rare trait at n = 50 (exact hypergeometric value
    # about 0.742; MC SE 0.0044)
    "wald_simulated_coverage_rare_50": (0.742, 0.02),
    # random: share of simulated polls of 50 with no high earner; the exact hypergeometric
    # P(X = 0) is 0.2557 (scipy.stats.hypergeom.pmf(0, 197000, 5300, 50)); MC SE 0.0044
    "share_zero_rare_50": (0.2557, 0.02),
    # Wald's mean coverage over the 999-point grid at n = 50: 0.9015 (scipy check above;
    # docs/intervals.md and Brown, Cai and DasGupta 2001 report 0.90)
    "wald_mean_coverage_50": (0.901520, 1e-6),
    # VTsIOM headline (70% of 1,600; data card vtsiom_2025.md): Wilson, = statsmodels' value
    "vtsiom_wilson_low": (0.677089, 1e-6),
    "vtsiom_wilson_high": (0.721953, 1e-6),
    # a mobile-only frame: exact coverage of the whole population's share by Wilson intervals
    # from SRS of the 170,264 mobile owners (114,914 optimists): scipy.stats.hypergeom sums
    "mobile_frame_coverage": (0.871239, 1e-6),
    # exercise 1.2: n in 20..1000 with n p_rare >= 5 and Wald coverage below 0.90 (exact sums)
    "wald_rule_failures": (38, 0),
    "wald_largest_n_below_90": (300, 0),
}

CELLS: list[tuple[str, str]] = [
    ("md", r"""# Lesson 1: One poll, many intervals: sampling distributions and coverage (why not Wald)

A poll is one draw out of the many polls that could have been taken. Its margin of error
describes how those possible polls scatter around the truth, and a "95% interval" promises
that 95% of them would cover it. In this lesson you take thousands of polls from the
[teaching population](../data/teaching.md), a synthetic country whose every answer is known,
and check that promise: for the textbook (Wald) interval it is broken in small samples and
for rare answers, and the better intervals keep it. It takes about 35 minutes. It is the
first lesson of the course and needs only some Python and the idea of a proportion."""),
    ("md", r"""## Learning goals

- **Explain** what a sampling distribution is, and compute the standard error of a sample
  share from its formula and from simulated polls.
- **Compute** the Wald, Wilson, Agresti-Coull, Clopper-Pearson and Jeffreys intervals, by
  hand and with `proportion_ci`.
- **Compute** the exact coverage of an interval method with `coverage`, and explain why
  Wald's falls short near 0 and 1 and in small samples.
- **Judge** which interval to report for a given share and sample size, and what a 95%
  interval does not cover."""),
    ("code", """# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

import surveystats as ss
from surveystats import plotting
from surveystats.datasets import load_teaching_population, load_teaching_truth, load_vtsiom_2025

population = load_teaching_population()   # the whole synthetic country: 197,000 adults
N = len(population)
truth = load_teaching_truth()
p_true = truth.query("statistic == 'proportion' and variable == 'optimistic' and region == 'all'").value.item()
rare = (population["income"] >= 120).to_numpy()   # a rare trait: earning 120 thousand or more
p_rare = rare.mean()
assert abs(population["optimistic"].mean() - p_true) < 1e-12
print(f"true share optimistic: {p_true:.4f} ({population['optimistic'].sum():,} of {N:,})")
print(f"true share earning 120 thousand or more: {p_rare:.4f} ({rare.sum():,} of {N:,})")"""),
    ("md", r"""## A poll is one draw from a sampling distribution

A simple random sample (SRS) of $n$ adults gives a share $\hat p$ of optimists. Another sample
would give another share. The distribution of $\hat p$ over all possible samples is its
*sampling distribution*; its mean is the true share $p$ and its standard deviation, the
*standard error*, is

$$\operatorname{SE}(\hat p) = \sqrt{\frac{p(1-p)}{n}\cdot\frac{N-n}{N-1}}.$$

The second factor is the finite population correction; for a national poll ($n = 1{,}600$ of
$N$ in the millions) it is 1 for every practical purpose, and here, with $N = 197{,}000$, it
shrinks the standard error by 0.4%.

One poll first: draw 1,600 adults without replacement."""),
    ("code", """rng = np.random.default_rng(2025)
n = 1600
poll = population.iloc[rng.choice(N, size=n, replace=False)]
print(f"one poll of {n:,}: {poll['optimistic'].mean():.4f} optimistic (truth {p_true:.4f})")"""),
    ("md", r"""Now 10,000 polls. We do not need to draw 10,000 samples of people: the number of
optimists in an SRS without replacement follows the hypergeometric distribution (134,868
optimists among 197,000 adults, 1,600 drawn), and numpy draws 10,000 such counts at once.
Their standard deviation should match the formula."""),
    ("code", """R = 10_000
K = int(population["optimistic"].sum())
shares = rng.hypergeometric(K, N - K, n, size=R) / n
se_formula = np.sqrt(p_true * (1 - p_true) / n * (N - n) / (N - 1))
print(f"mean of the simulated shares {shares.mean():.4f} (truth {p_true:.4f})")
print(f"standard error: simulated {shares.std():.5f}, formula {se_formula:.5f}")
print(f"middle 95% of the polls: {np.quantile(shares, 0.025):.4f} to {np.quantile(shares, 0.975):.4f}; "
      f"p +- 1.96 SE: {p_true - 1.96 * se_formula:.4f} to {p_true + 1.96 * se_formula:.4f}")"""),
    ("md", r"""At $n = 1{,}600$ and $p = 0.68$ the sampling distribution is very close to a normal
curve, which is what every textbook margin of error relies on. It is not always so. A
subgroup of a national poll is a small poll (a region, an age group), and many answers are
rare. Take polls of $n = 50$ and the rare trait, the 2.7% who earn 120 thousand a month or
more: the expected count is $50 \times 0.027 = 1.3$ people."""),
    ("code", """n_small = 50
K_rare = int(rare.sum())
counts_small = rng.hypergeometric(K_rare, N - K_rare, n_small, size=R)
shares_small = counts_small / n_small
se_small = np.sqrt(p_rare * (1 - p_rare) / n_small)
share_zero = np.mean(counts_small == 0)
print(f"polls of {n_small} with no high earner at all: {share_zero:.1%} "
      f"(exact: {stats.hypergeom.pmf(0, N, K_rare, n_small):.1%})")
print(f"a normal curve around {p_rare:.3f} with SE {se_small:.4f} puts "
      f"{stats.norm.cdf(0, p_rare, se_small):.0%} of its mass below zero")"""),
    ("chart", """fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
ax = axes[0]
ax.hist(shares, bins=40, density=True, color="#9ecae1", label="10,000 simulated polls")
grid = np.linspace(shares.min(), shares.max(), 300)
ax.plot(grid, stats.norm.pdf(grid, p_true, se_formula), color="black", label="normal approximation")
ax.axvline(p_true, color="black", linestyle="--")
ax.set_title(f"share optimistic, n = {n:,}")
ax.legend(loc="upper left", fontsize="small")
ax = axes[1]
freq = np.bincount(counts_small, minlength=9)[:9] / R
ax.bar(np.arange(9) / n_small, freq, width=0.6 / n_small, color="#9ecae1", label="10,000 simulated polls")
grid = np.linspace(-0.08, 0.16, 300)
ax.plot(grid, stats.norm.pdf(grid, p_rare, se_small) / n_small, color="black",
        label="normal approximation\\n(probability per count)")
ax.axvline(0, color="grey", linewidth=0.8)
ax.axvline(p_rare, color="black", linestyle="--")
ax.set_title(f"share earning 120+ thousand, n = {n_small}")
ax.legend(loc="upper right", fontsize="small")
for ax in axes:
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.set_xlabel("sample share (dashed: the truth)")
fig.suptitle("Sampling distributions of a sample share")
plt.show()"""),
    ("md", r"""Left: the bell curve the margin of error assumes. Right: a lopsided, discrete
distribution in which a quarter of the polls find nobody at all, and which the normal curve
describes badly (it even spreads probability over negative shares).

## The Wald interval, and how often it covers

The interval taught first everywhere replaces the unknown $p$ in the standard error by
$\hat p$ and goes 1.96 standard errors either way (Wald's construction):

$$\hat p \pm z_{0.975}\sqrt{\frac{\hat p(1-\hat p)}{n}}, \qquad z_{0.975} = 1.96.$$

Its *coverage* is the share of polls whose interval contains the true $p$. With the truth
known, we can count it over the simulated polls, using the formula as written (so the
numbers are ours, not the library's)."""),
    ("code", """z = stats.norm.ppf(0.975)


def wald_covers(x, size, p):
    share = x / size
    half = z * np.sqrt(share * (1 - share) / size)
    return (share - half <= p) & (p <= share + half)


wald_sim = wald_covers(shares * n, n, p_true).mean()
wald_sim_small = wald_covers(counts_small, n_small, p_rare).mean()
print(f"Wald, optimism, n = {n:,}:   {wald_sim:.1%} of 10,000 intervals cover the truth")
print(f"Wald, rare trait, n = {n_small}: {wald_sim_small:.1%}")"""),
    ("md", r"""No simulation is needed for this: the count $X$ of "yes" answers is binomial (an SRS
from a large population is, to a very good approximation), so the coverage at a true share
$p$ is an exact sum over the $n + 1$ possible counts,

$$C(p, n) = \sum_{x=0}^{n} \binom{n}{x} p^x (1-p)^{n-x}\,\mathbf 1\big[\,\text{low}(x) \le p \le \text{high}(x)\,\big].$$

`ss.coverage(method, n, p)` computes it (Brown, Cai and DasGupta 2001 used the same sums to
take the Wald interval apart)."""),
    ("code", """wald_1600 = ss.coverage("wald", n, p=p_true).coverage[0]
wald_rare = ss.coverage("wald", n_small, p=p_rare).coverage[0]
wilson_rare = ss.coverage("wilson", n_small, p=p_rare).coverage[0]
print(f"exact coverage, Wald, optimism, n = {n:,}:   {wald_1600:.4f}")
print(f"exact coverage, Wald, rare trait, n = {n_small}: {wald_rare:.4f}")
print(f"exact coverage, Wilson, rare trait, n = {n_small}: {wilson_rare:.4f}")"""),
    ("md", r"""Simulation and exact sums agree to within simulation error. For the headline-sized
case Wald is fine; for the rare trait in a small poll, the "95%" interval covers the truth
only about three times in four. Two things go wrong. A quarter of the polls find no high
earner, and then $\hat p = 0$ and the Wald interval is the single point 0: it claims
certainty exactly where there is least information. And when the count is small the
interval is symmetric while the sampling distribution is not.

## Better intervals

Several intervals avoid these failures (the formulas, with the statsmodels, R and Stata
names of each, are on the [intervals](../intervals.md) page):

- **Wilson** (1927) inverts the score test: it keeps the true $p$ in the standard error and
  solves $|\hat p - p| \le z\sqrt{p(1-p)/n}$ for $p$, which gives
  $$\frac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}}.$$
  Its centre is pulled towards 1/2, and it is never a single point. It is the default of
  `proportion_ci`.
- **Agresti-Coull** (1998): the Wald interval around $\tilde p = (x + z^2/2)/(n + z^2)$ with
  $\tilde n = n + z^2$ ("add two successes and two failures").
- **Clopper-Pearson** (1934), "exact": the set of $p$ not rejected by either one-sided
  binomial test; its coverage is never below 95%, so it is usually above (conservative).
- **Jeffreys**: the 2.5% and 97.5% quantiles of the Beta$(x + \tfrac12, n - x + \tfrac12)$
  distribution, the Bayesian posterior under Jeffreys' prior, which behaves well as a
  frequentist interval.
- `ss.INTERVAL_METHODS` lists the ten methods surveystats has, including the logit and
  arcsine transformations that survey software uses.

Exact coverage of all ten at $n = 50$: the mean over 999 true shares from 0.001 to 0.999,
the worst of them, and the rare trait's share."""),
    ("code", """rows = []
for method in ss.INTERVAL_METHODS:
    c = ss.coverage(method, n_small)
    rows.append({"method": method, "mean coverage": c.mean, "minimum": c.minimum,
                 "at the rare share": ss.coverage(method, n_small, p=p_rare).coverage[0]})
table = pd.DataFrame(rows).set_index("method")
table.round(3)"""),
    ("md", r"""Wald and logit (which collapses to a point at 0 and 1 in the same way) average well
below 95% and drop towards zero at the edges; Wilson and Jeffreys average almost exactly
95% while dipping below it here and there; Clopper-Pearson never drops below 95% and pays
with wider intervals (a mean coverage of 97%). The chart shows coverage against the true
share: every curve zigzags because the count is discrete, and Wald's sits lowest."""),
    ("chart", """ax = plotting.plot_coverage(n_small, mark={"rare trait": p_rare})
plt.show()"""),
    ("md", r"""## The VTsIOM headline

VTsIOM reported that 70% of 1,600 Russians expect 2026 to be a successful year, and 55% link
their hopes to the end of the war (the "special military operation"), with a stated margin of at most 2.5 points at 95% (see the
[data card](../data/vtsiom_2025.md)). At that size and away from 0 and 1 the methods
agree: `compare_methods` computes all ten and checks them against the stated margin."""),
    ("code", """vtsiom = load_vtsiom_2025().set_index("item")
headlines = vtsiom.loc[["successful_2026", "smo_end_hope"], "estimate"]
stated = vtsiom.loc["successful_2026", "stated_margin"]
cmp = ss.compare_methods(headlines, n, stated_margin=stated)
print(cmp)
wilson_70 = ss.proportion_ci(0.70, n)
print(wilson_70)"""),
    ("chart", """ax = cmp.plot(source="VTsIOM, 13 December 2025, n = 1,600 (press reports); surveystats")
plt.show()"""),
    ("md", r"""The ten intervals for 70% differ by about a tenth of a point, and all of them fit
inside the stated ±2.5: at the headline the choice of method does not matter. It does for a
small share from the same poll or for a subgroup (exercise 1.3). The stated 2.5 points is the
simple-random-sampling margin at $p = 0.5$: it allows nothing for weighting, which is the
subject of [lesson 2](lesson_02_design_effects.ipynb).

## What a 95% interval does and does not cover

The 95% belongs to the procedure, not to one interval. Once a poll is taken, its interval
either contains the truth or does not; we say "95%" because the procedure succeeds for 95%
of the polls it could have met. Here are the Wilson intervals of the first 100 simulated
polls of 1,600, with the truth; how many of them miss is itself random (on average five)."""),
    ("chart", """every = ss.proportion_ci(shares, n)     # Wilson intervals of all 10,000 polls at once
miss = (every.low > p_true) | (every.high < p_true)
fig, ax = plt.subplots(figsize=(9, 4.2))
for i in range(100):
    ax.plot([i, i], [every.low[i], every.high[i]], color="#d62728" if miss[i] else "#1f77b4")
ax.plot(np.arange(100), shares[:100], "o", color="black", markersize=2.5)
ax.axhline(p_true, color="black", linestyle="--", label=f"the truth, {p_true:.1%}")
ax.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
ax.set_xlabel("simulated poll")
ax.set_title(f"100 polls of 1,600 and their 95% Wilson intervals: {miss[:100].sum()} miss (red); "
             f"of all 10,000, {miss.mean():.1%} miss", fontsize="medium")
ax.legend(loc="lower right")
plt.show()"""),
    ("md", r"""And the 95% is about sampling error only, under the assumption that every adult could
have been drawn and answers truthfully. VTsIOM calls mobile numbers. In the teaching
population 13.6% of adults have no mobile phone, and they are more optimistic than the rest.
A poll that samples mobile owners only estimates *their* share; its intervals cover that 95%
of the time, but how often do they cover the share of the whole population? Exactly, with
hypergeometric probabilities for an SRS of 1,600 mobile owners:"""),
    ("code", """mobile = population[population["has_mobile"] == 1]
N_m, K_m = len(mobile), int(mobile["optimistic"].sum())
p_mobile = K_m / N_m
x = np.arange(n + 1)
ci_all = ss.proportion_ci(successes=x, n=n)              # Wilson intervals for every count
prob = stats.hypergeom.pmf(x, N_m, K_m, n)
covers_truth = (ci_all.low <= p_true) & (p_true <= ci_all.high)
covers_own = (ci_all.low <= p_mobile) & (p_mobile <= ci_all.high)
mobile_coverage = prob[covers_truth].sum()
print(f"share optimistic among mobile owners {p_mobile:.4f}, in the whole population {p_true:.4f}")
print(f"coverage of the mobile owners' share: {prob[covers_own].sum():.3f}; "
      f"of the population's share: {mobile_coverage:.3f}")"""),
    ("md", r"""A one-point coverage bias turns a 95% interval into an 87% one, and nothing in the
poll reveals it. Nonresponse, people who say what they think they should, and the wording of
the question are not in the interval either (lessons 6 and 7). A stated margin is a floor on
the uncertainty, not a ceiling.

## Exercises"""),
    ("exercise", r"""### Exercise 1.1 Wald and Wilson by hand

VTsIOM's 70% of 1,600 is $x = 1{,}120$ "yes" answers. Compute the 95% Wald and Wilson
intervals from the formulas above with numpy (take $z$ from `scipy.stats.norm.ppf`), and
check them against `ss.proportion_ci(successes=1120, n=1600, method=...)` to $10^{-12}$.
How much wider is the Wilson interval, and where is its centre?"""),
    ("solution", """x_hat, size = 1120, 1600
share = x_hat / size
z = stats.norm.ppf(0.975)
half = z * np.sqrt(share * (1 - share) / size)
wald_by_hand = (share - half, share + half)
centre = (share + z**2 / (2 * size)) / (1 + z**2 / size)
half_w = z / (1 + z**2 / size) * np.sqrt(share * (1 - share) / size + z**2 / (4 * size**2))
wilson_by_hand = (centre - half_w, centre + half_w)

wald_lib = ss.proportion_ci(successes=x_hat, n=size, method="wald")
wilson_lib = ss.proportion_ci(successes=x_hat, n=size, method="wilson")
assert np.allclose(wald_by_hand, (wald_lib.low, wald_lib.high), rtol=0, atol=1e-12)
assert np.allclose(wilson_by_hand, (wilson_lib.low, wilson_lib.high), rtol=0, atol=1e-12)
print(f"Wald   {wald_by_hand[0]:.4f} to {wald_by_hand[1]:.4f}, half-width {half:.5f}")
print(f"Wilson {wilson_by_hand[0]:.4f} to {wilson_by_hand[1]:.4f}, half-width {half_w:.5f}, centre {centre:.4f}")
assert half_w < half and centre < share   # Wilson: a hair narrower here, centre pulled towards 1/2
# At 70% of 1,600 the two differ in the fourth decimal: Wilson's centre is 0.6995, pulled
# 0.05 percentage points towards one half, and its half-width 0.002 points smaller."""),
    ("exercise", r"""### Exercise 1.2 The rule of thumb that fails

Textbooks often say the Wald interval is fine once $np \ge 5$ and $n(1-p) \ge 5$. For the
rare trait ($p$ = `p_rare`), compute Wald's exact coverage for every $n$ from 20 to 1,000
with `ss.coverage` (a loop over $n$ is fine: each call is an exact sum).

1. Find the smallest $n$ that satisfies the rule, and its coverage.
2. How many $n$ satisfy the rule and still have coverage below 90%? Which is the largest $n$
   with coverage below 90%?
3. Plot the coverage of Wald and Wilson against $n$. Why does the curve zigzag, and why is
   "my $n$ is large enough" a poor defence of Wald?"""),
    ("solution", """sizes = np.arange(20, 1001)
wald_cov = np.array([ss.coverage("wald", m, p=p_rare).coverage[0] for m in sizes])
wilson_cov = np.array([ss.coverage("wilson", m, p=p_rare).coverage[0] for m in sizes])
rule = sizes * p_rare >= 5                     # n (1 - p) >= 5 holds for every n here
first_ok = sizes[rule][0]
rule_failures = int(np.sum(rule & (wald_cov < 0.90)))
largest_below_90 = int(sizes[wald_cov < 0.90].max())
print(f"the rule first holds at n = {first_ok} (n p = {first_ok * p_rare:.2f}); "
      f"Wald's coverage there is {wald_cov[sizes == first_ok][0]:.3f}")
print(f"{rule_failures} sizes satisfy the rule with coverage below 90%; the largest n below 90% is {largest_below_90}")
print(f"Wilson over the same sizes: {wilson_cov.min():.3f} to {wilson_cov.max():.3f}")
assert wald_cov[sizes == first_ok][0] < 0.90
assert rule_failures > 0 and largest_below_90 >= 300

fig, ax = plt.subplots(figsize=(8, 3.6))
ax.plot(sizes, wald_cov, label="Wald")
ax.plot(sizes, wilson_cov, label="Wilson")
ax.axhline(0.95, color="black", linestyle="--", linewidth=0.8)
ax.axvline(first_ok, color="grey", linestyle=":", label="n p = 5")
ax.set_xlabel("sample size n")
ax.set_ylabel("exact coverage")
ax.set_title(f"Coverage at p = {p_rare:.4f} against n")
ax.legend(loc="lower right")
plt.show()
# The count is discrete: as n grows, the set of counts whose interval contains p changes by
# one count at a time, and coverage jumps each time. Wald's jumps reach below 90% well past
# the rule's threshold ("unlucky" n that Brown, Cai and DasGupta describe), so a particular n
# can be bad even when a larger or smaller one is fine. Wilson stays within a few points of
# 95% (its lowest, 90%, at n = 20)."""),
    ("exercise", r"""### Exercise 1.3 Which interval for 3% of 400?

A poll of 400 finds that 3% (12 people) own a second home. Compute the ten intervals
(`ss.compare_methods(0.03, 400)`). The true share is unknown, but shares from 1% to 6% are
all plausible: compute each method's exact coverage over that range (`ss.coverage(method,
400, p=np.linspace(0.01, 0.06, 501))`), its mean and its minimum.

1. At exactly $p = 0.03$ Wald looks fine. What happens over the range?
2. Check that the Wilson interval is not symmetric around 3%. Why should it not be?
3. Which method would you report, and what would you say about it in one sentence?"""),
    ("solution", """three = ss.compare_methods(0.03, 400).to_frame().set_index("method")
grid = np.linspace(0.01, 0.06, 501)
cov = pd.DataFrame({m: [ss.coverage(m, 400, p=0.03).coverage[0],
                        ss.coverage(m, 400, p=grid).mean,
                        ss.coverage(m, 400, p=grid).minimum]
                    for m in ss.INTERVAL_METHODS},
                   index=["at 3%", "mean over 1-6%", "minimum over 1-6%"]).T
print(three[["low", "high"]].join(cov).round(4))

wilson3 = three.loc["wilson"]
assert wilson3.high - 0.03 > 0.03 - wilson3.low            # longer towards 1/2
assert cov.loc["wald", "at 3%"] > 0.94                      # lucky at exactly 3%
assert cov.loc["wald", "minimum over 1-6%"] < 0.90          # but not nearby
assert abs(cov.loc["wilson", "mean over 1-6%"] - 0.95) < 0.01
assert cov.loc["clopper_pearson", "minimum over 1-6%"] >= 0.95
# Judgement: report Wilson (or Jeffreys): about 95% on average over the plausible range,
# never far below it, and asymmetric as the sampling distribution of a small count is
# (1.7% to 5.2%). If a guarantee is wanted (coverage never below 95%), Clopper-Pearson, a
# little wider (1.6% to 5.2%). Not Wald: its 1.3% to 4.7% is symmetric and its coverage
# drops to 86% for shares next to 3%. One sentence: "3% (95% Wilson interval 1.7% to 5.2%,
# sampling error only; 12 of 400 respondents)"."""),
    ("md", r"""## Summary

- A poll's share is one draw from its sampling distribution; the standard error
  $\sqrt{p(1-p)/n}$ measures its spread, and simulated polls from a known population show it.
- Coverage is a property of an interval *method*: the share of possible polls whose interval
  contains the truth. It can be computed exactly by binomial sums.
- The Wald interval undercovers for small $n$ and for shares near 0 or 1, erratically, so
  that rules of thumb such as $np \ge 5$ do not protect it; it collapses to a point at 0 and 1.
  Wilson and Jeffreys keep about 95% on average; Clopper-Pearson never falls below it.
- For a headline share in a national poll the methods agree to a tenth of a point. The choice
  matters for subgroups and rare answers.

What the numbers cannot tell: coverage is computed here for simple random samples with
truthful answers. A real poll is weighted (lesson 2), and its frame, its nonresponse and its
respondents' candour can move the estimate further than any interval allows for; the
mobile-only frame above already turned 95% into 87%.

## Further reading

- Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
  proportion. *Statistical Science* 16(2), 101-133.
- Agresti, A. and Coull, B. A. (1998). Approximate is better than "exact" for interval
  estimation of binomial proportions. *The American Statistician* 52(2), 119-126.
- Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
  comparison of seven methods. *Statistics in Medicine* 17, 857-872.
- Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
  *Journal of the American Statistical Association* 22, 209-212.
- Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits
  illustrated in the case of the binomial. *Biometrika* 26(4), 404-413.
- The [intervals](../intervals.md) page of this site: every method, its formula and its
  counterparts in statsmodels, R and Stata. Next: [lesson 2](lesson_02_design_effects.ipynb),
  design effects."""),
    ("code", """# key numbers, checked by the test suite
KEY = {
    "true_optimistic": round(float(p_true), 6),
    "true_rare": round(float(p_rare), 6),
    "se_formula": round(float(se_formula), 6),
    "se_simulated": round(float(shares.std()), 6),
    "wald_simulated_coverage": round(float(wald_sim), 4),
    "wald_exact_coverage_1600": round(float(wald_1600), 6),
    "wald_exact_coverage_rare_50": round(float(wald_rare), 6),
    "wilson_exact_coverage_rare_50": round(float(wilson_rare), 6),
    "wald_simulated_coverage_rare_50": round(float(wald_sim_small), 4),
    "share_zero_rare_50": round(float(share_zero), 4),
    "wald_mean_coverage_50": round(float(table.loc["wald", "mean coverage"]), 6),
    "vtsiom_wilson_low": round(float(wilson_70.low), 6),
    "vtsiom_wilson_high": round(float(wilson_70.high), 6),
    "mobile_frame_coverage": round(float(mobile_coverage), 6),
    "wald_rule_failures": rule_failures,
    "wald_largest_n_below_90": largest_below_90,
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
