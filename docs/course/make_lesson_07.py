# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_07_saying_what_one_thinks.ipynb: preference falsification and list experiments.

Run ``python docs/course/make_lesson_07.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_07_saying_what_one_thinks.ipynb"

# key -> (value, absolute tolerance), with where each value comes from.
EXPECTED: dict[str, tuple[float, float]] = {
    # known truth of the teaching population (truth.csv: 134,868 optimists of 197,000)
    "true_optimistic": (0.684609, 1e-6),
    # population moments of the four-item control count (urban, 55+, higher education, trusts
    # TV), divisor N; checked in scratch work with pandas (.sum(axis=1).var(ddof=0)):
    # var C = 0.845710, var (C + Z) = 1.197763 = var C + p (1 - p) + 2 cov (cov = 0.068067)
    "control_variance": (0.845710, 1e-6),
    "treatment_variance": (1.197763, 1e-6),
    # closed formula sqrt(var T / 800 + var C / 800) with the two population variances
    "list_se_formula": (0.050541, 1e-6),
    # closed formula p + f (1 - p) at f = 1/7 (the registry's central share for a 70% item:
    # 5 pp / 35 pp, evidence D; I): 0.684609 + 0.315391 / 7
    "direct_reported": (0.729665, 1e-6),
    # sqrt(var list) / sqrt(r (1 - r) / 1600), both deterministic
    "se_ratio": (4.551836, 1e-5),
    # 1600 * se_ratio^2 = 2 (var T + var C) / (r (1 - r) / 1600)
    "n_list_to_match": (33150.74, 0.01),
    # random (seed 7, 2,000 experiments with 1,600 respondents each): the list estimates
    # average the truth (Monte Carlo SE of the mean 0.0011: tolerance 0.005), their SD is the
    # formula's 0.0505 (SE of an SD about 0.0008: tolerance 0.004), the direct question's
    # mean is r = 0.7297 (MC SE 0.00025: tolerance 0.0015), the nominal 95% list intervals
    # cover about 95% (MC SE 0.005: tolerance 0.025)
    "sim_list_mean": (0.6846, 0.005),
    "sim_list_sd": (0.0505, 0.004),
    "sim_direct_mean": (0.7297, 0.0015),
    "sim_list_coverage": (0.95, 0.025),
    # Chapkovski & Schaub (2022): 71% direct, 61% list [S]; f = 0.10 / (1 - 0.71 + 0.10)
    "chapkovski_share": (0.256410, 1e-6),
    # Frye et al. (2017), January 2015 list means 1.92 and 1.11 (secondary: IStories) -> 0.81
    "frye_list_estimate": (0.81, 1e-9),
    # registry: falsification overstatement low / central / high 0 / 0.05 / 0.15 (S; S2; I)
    "overstatement_high": (0.15, 1e-12),
    # tipping points, closed form f* = 2 r - 1: 0.40 for the 70%, 0.10 for the 55%
    "tipping_70": (0.40, 1e-6),
    "tipping_55": (0.10, 1e-6),
    # the 70% with the high overstatement (15 pp) undone: 0.70 - 0.15 exactly; the lower end
    # of its interval at deff 2.25 (Wilson at n_eff 711.1 is 0.665318, checked with scipy's
    # normal quantile; then (low - f)/(1 - f) with f = 1/3: 0.497976); with the high response odds ratio 1.42 too: 0.55 / (1.42 * 0.45
    # + 0.55) = 0.462574
    "true_70_high_falsification": (0.55, 1e-9),
    "low_70_high_falsification_deff_2_25": (0.497976, 1e-6),
    "true_70_high_falsification_and_nonresponse": (0.462574, 1e-6),
}

CELLS: list[tuple[str, str]] = [
    ("md", r"""# Lesson 7: Saying what one thinks: preference falsification, list experiments and the evidence for Russia

A poll records what people say, not what they think. Where one answer is safe and the other is
not, some people give the safe one: Timur Kuran called this *preference falsification*. This
lesson puts a number on it. You will write down a simple model of falsification, see why a
direct question cannot detect it, and run the standard remedy, the list experiment, on the
[teaching population](../data/teaching.md), where the truth is known: its estimate is unbiased,
and it is very noisy. Then you will read what list experiments have found in Russia, and what
that evidence does and does not say about the VTsIOM poll's 70% and 55%. It takes about
35 minutes and needs [lesson 6](lesson_06_nonresponse.ipynb) (tipping points) and the
intervals of [lesson 1](lesson_01_intervals.ipynb)."""),
    ("md", r"""## Learning goals

- **Compute** what a poll reports when a share of the people who hold the disfavoured view
  give the favoured answer, and undo it.
- **Compute** the list-experiment estimate and its standard error, and **explain** why it is
  unbiased but needs many more interviews than a direct question.
- **Explain** what the published list experiments in Russia found, and their limits.
- **Judge** whether falsification within the sourced range could turn the VTsIOM 70% into a
  minority view."""),
    ("code", r"""# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import surveystats as ss
from surveystats import bias, plotting
from surveystats.datasets import load_teaching_population

population = load_teaching_population()    # the whole synthetic country: 197,000 adults
Z = population["optimistic"].to_numpy()     # the "sensitive" view: 1 = optimistic
p = Z.mean()                                # the truth
print(f"N = {Z.size:,}; true share of optimists {p:.4f}")"""),
    ("md", r"""## Preference falsification

Kuran (1995) describes people who say in public what they think is expected and keep their
private view to themselves. In a poll the pressure has a direction: one answer is
regime-congruent, the other is not. surveystats models it with two shares: a share $f$ of the
people whose true answer is "no" say "yes", and a share $g$ of those whose true answer is "yes"
say "no". If the true share is $p$, the poll reports

$$p_{\text{obs}} = p\,(1 - g) + (1 - p)\,f, \qquad\text{with } g = 0:\quad p_{\text{obs}} = p + f\,(1 - p).$$

The overstatement in percentage points is $\delta = p_{\text{obs}} - p = f\,(1 - p)$, so a gap
of $\delta$ at a reported share $r$ means $f = \delta / (1 - r + \delta)$. Undoing it is the
Rogan-Gladen correction of epidemiology, $p = (p_{\text{obs}} - f)/(1 - f - g)$.
`surveystats.bias.Falsification(share=f, reverse_share=g)` has both directions, and
`Falsification.from_overstatement` makes the conversion from points to shares:"""),
    ("code", r"""f_central = bias.default_range("falsification", "share", applies_to="70% item").central
fz = bias.Falsification(share=f_central)
r = fz.reported(p)
print(f"f = {f_central:.4f}: a true {p:.4f} is reported as {r:.4f} (closed form {p + f_central * (1 - p):.4f})")
print(f"undone: {fz.true(r):.6f}")
print(f"a 5-point overstatement of a reported 70% is f = {bias.Falsification.from_overstatement(0.05, reported_p=0.70).share:.4f}")
assert abs(r - (p + f_central * (1 - p))) < 1e-12 and abs(fz.true(r) - p) < 1e-12"""),
    ("md", r"""The formula inverts exactly, but only if $f$ is known, and a direct question cannot tell
you $f$: every reported share $r$ is what some true $p \le r$ would give with the right $f$. To
learn $f$ you need a question that lets people answer truthfully without saying their answer.

## The list experiment

The list (item-count) experiment does this by hiding the sensitive answer in a count. The
sample is split at random. The *control* group hears a list of $J$ harmless statements and says
**how many** are true of them, not which. The *treatment* group hears the same list plus the
sensitive statement. Nobody says which statements they agree with, so (apart from those who
agree with all or none) nobody reveals their answer. Because the groups are random halves of
one sample, the difference in mean counts estimates the share agreeing with the sensitive
statement:

$$\hat\tau = \bar Y_T - \bar Y_C, \qquad \operatorname{Var}(\hat\tau) = \frac{\sigma_T^2}{n_T} + \frac{\sigma_C^2}{n_C}, \qquad \sigma_T^2 = \sigma_C^2 + p(1-p) + 2\operatorname{Cov}(C, Z),$$

where $C$ is a person's count of the $J$ control items and $Z$ their answer to the sensitive
one. The standard error is estimated with the two groups' sample variances,
$\widehat{\text{SE}} = \sqrt{s_T^2/n_T + s_C^2/n_C}$. The estimator needs two assumptions
(Blair and Imai 2012): adding the sensitive item does not change the answers to the control
items (*no design effect*, in the list-experiment sense), and people answer the count
truthfully (*no liars*).

In the teaching country, take optimism as the sensitive statement and four statements the
population file can answer as the control list. Because we have the whole population, the
variances in the formula are known exactly:"""),
    ("code", r"""control = pd.DataFrame({
    "I live in a town or city": population["urban"].astype(int),
    "I am 55 or older": (population["age_group"] == "55+").astype(int),
    "I have a higher education": (population["education"] == "higher").astype(int),
    "I trust television news": population["trust_tv"],
})
C = control.sum(axis=1).to_numpy()
var_C = C.var()                             # population variances: divisor N
var_T = (C + Z).var()
cov_CZ = np.mean((C - C.mean()) * (Z - p))
assert abs(var_T - (var_C + p * (1 - p) + 2 * cov_CZ)) < 1e-12
print(control.mean().round(3).to_string())
print(f"control count: variance {var_C:.4f}; with the sensitive item {var_T:.4f} "
      f"(= {var_C:.4f} + p(1-p) {p * (1 - p):.4f} + 2 cov {2 * cov_CZ:.4f})")
share_by_count = pd.Series(np.bincount(C) / C.size).rename_axis("control count")
print("share with each control count:", share_by_count.round(3).to_dict())
print(f"floor: {np.mean((C == 0) & (Z == 0)):.1%} would answer 0 in the treatment group, "
      "revealing that they are not optimistic")"""),
    ("md", r"""Optimism goes with trusting television and with age, so $\operatorname{Cov}(C, Z) > 0$ and the
treatment group's counts vary more than $p(1-p)$ alone would add. The last line is the list's
weak spot: respondents with none of the control items who disagree with the sensitive one
answer 0 and reveal themselves (a *floor effect*); designers choose control items so that few
people are at 0 or at $J$ (Glynn 2013).

## One list experiment, and a direct question

Draw a poll of 1,600 adults, put the first 800 in the treatment group and the rest in the
control group (the draws are independent, so this is a random split), and, for comparison, ask
the same people a direct question too (a real study would ask it after the list, or of another
group). In the direct question a share $f = 1/7$ of the non-optimists say they are
optimistic: the registry's central falsification for an item reported at 70%, as computed
above. The draws are with replacement; at a sampling fraction of 0.8% that changes nothing that
matters."""),
    ("code", r"""rng = np.random.default_rng(7)
n, n_T = 1600, 800
idx = rng.integers(0, Z.size, size=n)
counts, z = C[idx], Z[idx]
Y_T, Y_C = counts[:n_T] + z[:n_T], counts[n_T:]
tau = Y_T.mean() - Y_C.mean()
se_tau = np.sqrt(Y_T.var(ddof=1) / n_T + Y_C.var(ddof=1) / (n - n_T))
says_yes = (z == 1) | (rng.random(n) < f_central)   # direct question: the falsifiers say "yes"
direct = says_yes.mean()
se_direct = np.sqrt(direct * (1 - direct) / n)
print(f"list experiment: {Y_T.mean():.3f} - {Y_C.mean():.3f} = {tau:.4f}, SE {se_tau:.4f}, "
      f"95% interval [{tau - 1.96 * se_tau:.3f}, {tau + 1.96 * se_tau:.3f}]")
print(f"direct question: {direct:.4f}, SE {se_direct:.4f}; the truth is {p:.4f}")"""),
    ("md", r"""One experiment proves little. Repeat it 2,000 times at once (one matrix of draws, one row
per experiment) and compare with the formula, whose variances we know from the population:"""),
    ("code", r"""reps = 2000
idx = rng.integers(0, Z.size, size=(reps, n))
counts, z = C[idx], Z[idx]
Y_T, Y_C = counts[:, :n_T] + z[:, :n_T], counts[:, n_T:]
taus = Y_T.mean(axis=1) - Y_C.mean(axis=1)
ses = np.sqrt(Y_T.var(axis=1, ddof=1) / n_T + Y_C.var(axis=1, ddof=1) / (n - n_T))
directs = ((z == 1) | (rng.random((reps, n)) < f_central)).mean(axis=1)
covered = np.mean(np.abs(taus - p) <= 1.96 * ses)

se_list = np.sqrt(var_T / n_T + var_C / (n - n_T))      # the formula, at the true variances
se_dir = np.sqrt(r * (1 - r) / n)                         # the direct question's sampling SE
se_ratio = se_list / se_dir
pd.DataFrame({
    "mean": [taus.mean(), directs.mean()],
    "expected": [p, r],
    "SD over experiments": [taus.std(ddof=1), directs.std(ddof=1)],
    "SE by formula": [se_list, se_dir],
}, index=["list experiment", "direct question"]).round(4)"""),
    ("chart", r"""fig, ax = plt.subplots(figsize=(7, 4))
bins = np.linspace(0.5, 0.88, 77)
ax.hist(taus, bins=bins, alpha=0.6, label=f"list experiment (SD {taus.std(ddof=1):.3f})")
ax.hist(directs, bins=bins, alpha=0.6, label=f"direct question, f = 1/7 (SD {directs.std(ddof=1):.3f})")
ax.axvline(p, color="black", linestyle="--", label=f"the truth, {p:.1%}")
ax.set_xlabel("estimated share of optimists")
ax.set_ylabel("experiments (of 2,000)")
ax.set_title("Unbiased but noisy, against precise but wrong (n = 1,600 each)")
ax.legend(loc="upper left", fontsize=8)
plt.show()"""),
    ("md", r"""The list estimates centre on the truth, and the formula predicts their spread; the nominal
95% intervals cover the truth in about 95% of the experiments. The direct question's standard error is
four to five times smaller, and it is centred on the wrong value. With equal groups the variance ratio
per interview is

$$\frac{\operatorname{Var}(\hat\tau)}{\operatorname{Var}(\hat p_{\text{direct}})} = \frac{2\,(\sigma_T^2 + \sigma_C^2)}{r\,(1 - r)},$$

so a list experiment needs that many times the interviews of a direct question for the same
precision:"""),
    ("code", r"""n_match = n * se_ratio**2
assert abs(n_match - 2 * (var_T + var_C) / (r * (1 - r) / n)) < 1e-6
print(f"SE ratio list / direct: {se_ratio:.2f}; coverage of the list intervals {covered:.3f}")
print(f"a list experiment needs about {n_match:,.0f} interviews to match a direct question of {n:,}")"""),
    ("md", r"""This is why list experiments in published studies come with wide intervals, and why a
gap between a list estimate and a direct question of a few points is usually within noise. The
control items cost the most: $\sigma_C^2$ appears twice in the numerator.

## What list experiments found in Russia

The studies below are those collected in the project's evidence notes (the sources' own
figures; S: stated in the source, S2: a secondary report). All concern regime-sensitive
questions: support for Putin or for the war.

| study | question | direct | list | gap | label |
|---|---|---:|---:|---:|---|
| Frye, Gehlbach, Marquardt & Reuter (2017), Jan. and Mar. 2015 | Putin support | polls | about 80% | within 10 pp | S |
| same, January 2015 (G. Yudin in IStories, 2024) | Putin support | | means 1.92 and 1.11: 81% | about 5 pp | S2 |
| Frye et al. (2023), late 2020 to mid-2022 | Putin support | polls | naive lists | 10-20 pp lower | S |
| Chapkovski & Schaub (2022), online, n = 3,000 | war support | 71% | 61% | 10 pp | S |
| same, earlier wave (April 2022) | war support | 68% | 53% | 15 pp | S2 |
| Kalinin (2016), 2012 election, four samples | vote for Putin | | | about 15% | S |
| Coppock (2017), USA 2016, a null benchmark | vote for Trump | 32.5% | 29.6% | 2.9 pp, not significant | S |

Three cautions come with them. Frye et al. (2017, 2023) ran *placebo* lists and found that list
estimates are themselves pushed down ("artificial deflation"), so a naive gap overstates
falsification; their 2023 conclusion is that Putin is "roughly as popular" as polls suggest.
Re:Russia's review of the experiments (Komin and Rogov) puts the share of respondents inclined
to falsify at 10-15%, and the Levada Center (November 2022) found "some evidence" of
overstatement in its own list experiments on the war while warning that the method "is not
ideal". And Buckley, Marquardt, Reuter and Tertytchnaya (2023) find that when Russians hear a
leader is popular, their support shifts genuinely, not just their answers. Coppock's American
study is there to show that a list experiment can also find nothing.

In the model's terms, each direct/list pair is an overstatement $\delta$ at a reported share
$r$, which gives the share of "no" holders who said "yes":"""),
    ("code", r"""pairs = pd.DataFrame({
    "study": ["Frye et al. 2017 (Jan 2015; S2)", "Chapkovski & Schaub 2022",
              "Chapkovski & Schaub, April 2022 (S2)", "Coppock 2017 (USA)"],
    "direct": [0.81 + 0.05, 0.71, 0.68, 0.325],
    "list": [1.92 - 1.11, 0.61, 0.53, 0.296],
})
pairs["gap"] = pairs["direct"] - pairs["list"]
pairs["f"] = [bias.Falsification.from_overstatement(d, reported_p=rr).share
              for d, rr in zip(pairs["gap"], pairs["direct"])]
assert np.allclose(pairs["f"], pairs["gap"] / (1 - pairs["direct"] + pairs["gap"]))
pairs.round(3)"""),
    ("md", r"""The same gap in points means a larger share $f$ when few people hold the "no" view: 10
points on a 71% direct figure is a quarter of the non-supporters. The Frye row uses the secondary
report's "about 5 points below the polls" to reconstruct a direct figure of 86%; the paper
itself says only "within 10 percentage points".

## From the evidence to the range surveystats uses

surveystats does not take these numbers one for one. Its registry row for falsification is an
overstatement of 0 (low), 5 (central) and 15 (high) points: the high end is the largest gaps
found (Kalinin; the early Chapkovski-Schaub wave), and the central value is *halved* from the
typical 10 points because "will 2026 be a successful year for Russia?" is a less sensitive
question than approving of Putin or of the war. That halving is a judgement, labelled I:"""),
    ("code", r"""row = bias.default_range("falsification", "overstatement")
print(f"overstatement: low {row.low}, central {row.central}, high {row.high}; evidence {row.evidence}")
print(f"sources: {row.source}")
shares = pd.DataFrame({item: bias.default_range("falsification", "share", applies_to=item).values
                       for item in ("70% item", "55% item")}, index=["low", "central", "high"])
shares.round(4)"""),
    ("md", r"""How much falsification would it take to remove a majority? Setting the true share to 50%
in the model gives $r = 0.5 + 0.5 f$, so

$$f^* = 2r - 1, \qquad \delta^* = r - 0.5.$$

For the 70% that is $f^* = 0.40$ (20 points); for the 55% it is $f^* = 0.10$ (5 points), which
is exactly the registry's *central* value for that item. `ss.tipping_point` solves the same
question numerically, for any mechanism:"""),
    ("code", r"""tip70 = ss.tipping_point(0.70, "falsification")
tip55 = ss.tipping_point(0.55, "falsification")
print(tip70)
print(tip55)
assert abs(tip70.value - (2 * 0.70 - 1)) < 1e-9 and abs(tip55.value - (2 * 0.55 - 1)) < 1e-9"""),
    ("md", r"""Falsification rarely acts alone: lesson 6's answer-dependent nonresponse pushes the same
way. The sensitivity map shows the 70% after undoing both, over a grid of falsification shares
and response odds ratios; the black line is where the majority ends, and the marked point is the
registry's central pair."""),
    ("chart", r"""fig, ax = plt.subplots(figsize=(7, 4.5))
plotting.plot_sensitivity_map(0.70, 1600, ax=ax, label="VTsIOM 70%",
                              source="Falsification and nonresponse undone in the pipeline's order; surveystats")
plt.show()"""),
    ("exercise", r"""### Exercise 7.1 A list experiment by hand

In January 2015, according to a secondary report of Frye et al.'s study, the treatment group's
mean count was 1.92 and the control group's 1.11.

1. Compute the list estimate of support for Putin.
2. The standard deviations and group sizes are not in our source. **Suppose** (numbers invented
   for the exercise) 800 respondents per group and sample standard deviations of 0.90
   (treatment) and 0.80 (control). Compute the standard error and the 95% interval.
3. Compute the standard error of a direct question at 86% from all 1,600 respondents, and the
   ratio of the two standard errors."""),
    ("solution", r"""est = 1.92 - 1.11
se_hand = np.sqrt(0.90**2 / 800 + 0.80**2 / 800)
low, high = est - 1.96 * se_hand, est + 1.96 * se_hand
se_direct_86 = np.sqrt(0.86 * 0.14 / 1600)
assert abs(est - 0.81) < 1e-12
assert abs(se_hand - np.sqrt(1.45 / 800)) < 1e-12          # 0.0426
assert abs(se_hand / se_direct_86 - 4.907) < 1e-3
print(f"estimate {est:.2f}, SE {se_hand:.4f}, 95% interval [{low:.3f}, {high:.3f}]")
print(f"direct question SE {se_direct_86:.4f}: the list's is {se_hand / se_direct_86:.1f} times larger")
# With these (invented) spreads, the interval runs from about 73% to 89%: a gap of 5 points
# between the list and the direct question is well inside the list's own noise."""),
    ("exercise", r"""### Exercise 7.2 What a list experiment costs

Use the teaching list of this lesson (`var_T`, `var_C`, the truth `p` and the direct question's
expected share `r`).

1. How many interviews, split equally, does the list experiment need to be as precise as a
   direct question of 1,600? Check your answer against `n_match`.
2. Even a control list with no variance at all ($\sigma_C^2 = 0$, so
   $\sigma_T^2 = p(1-p)$) does not reach the direct question's precision at the same size. How
   many interviews would it need, and why is it at least about twice as many?
3. The direct question is biased by $r - p$. Using the mean squared error (bias² + variance),
   find the sample size below which the biased direct question is, on average, *closer* to the
   truth than the unbiased list experiment (equal split)."""),
    ("solution", r"""per_interview_list = 2 * (var_T + var_C)         # n Var(tau) at an equal split
per_interview_direct = r * (1 - r)                # n Var(direct)
n1 = n * per_interview_list / per_interview_direct
assert abs(n1 - n_match) < 1e-6

per_interview_ideal = 2 * p * (1 - p)             # only half the sample hears the item
n2 = n * per_interview_ideal / per_interview_direct
assert 3400 < n2 < 3600

b = r - p
n_star = (per_interview_list - per_interview_direct) / b**2
mse_list = per_interview_list / n_star
mse_direct = b**2 + per_interview_direct / n_star
assert abs(mse_list - mse_direct) < 1e-12
print(f"1. {n1:,.0f} interviews; 2. {n2:,.0f} with a perfect control list; "
      f"3. below n = {n_star:,.0f} the direct question has the smaller mean squared error")
# 2: only the treatment half hears the sensitive item, so even without control-item noise the
# estimate rests on n/2 answers (and p(1-p) here exceeds r(1-r) a little).
# 3: at n = 1,600 the falsified direct question is closer to the truth on average; the list
# experiment wins only with larger samples. Its value is that it is unbiased and can *detect*
# the falsification, not that it is precise."""),
    ("exercise", r"""### Exercise 7.3 Could the 70% be a minority view?

Use the registry's falsification range (0, 5 and 15 points of overstatement).

1. Undo the high overstatement from the VTsIOM 70% (`ss.Scenario([bias.Overstatement(0.15)],
   deff=...)`), at design effects 1.5 and 2.25. Is the majority still there, for the point
   estimate and for the lower end of the interval?
2. Compare the high overstatement, as a share of "no" holders, with the tipping point
   `tip70.value`.
3. Add the registry's high response odds ratio, 1.42, from lesson 6. What now?
4. Judge: under the sourced falsification range, could the 70% headline be a minority view?"""),
    ("solution", r"""at_15 = {d: ss.Scenario([bias.Overstatement(0.15)], deff=d).apply(0.70, 1600) for d in (1.5, 2.25)}
for d, res in at_15.items():
    print(f"deff {d}: {res}")
assert abs(at_15[1.5].estimate - 0.55) < 1e-12        # 0.70 - 0.15
assert at_15[1.5].low > 0.5 > at_15[2.25].low         # 50.8% and 49.9%

f_high = bias.Overstatement(0.15).resolve(0.70).share  # 1/3
assert abs(f_high - 1 / 3) < 1e-12 and f_high < tip70.value

both = ss.Scenario([bias.Overstatement(0.15), bias.Nonresponse(1.42)], deff=1.5).apply(0.70, 1600)
print(f"with nonresponse too: {both}")
assert both.estimate < 0.5 and abs(both.estimate - 0.55 / (1.42 * 0.45 + 0.55)) < 1e-12
# Judgement: falsification alone, even at the top of the sourced range (a third of "no"
# holders saying "yes": 15 points, the top of the range the evidence gives for Putin or the
# war), leaves
# the 70% a majority: 55%, with an interval that reaches below 50% only at the highest
# design effect. It takes 40% of "no" holders to tip it. Combined with the high
# end of the nonresponse range the majority is gone (46%). So the honest reading is "most
# probably a majority, but not necessarily 70%, and not if several biases sit at their high
# ends together"; the 55% item is far more fragile: the central falsification alone takes it
# to exactly 50%."""),
    ("md", r"""## Summary

- Preference falsification turns a true share $p$ into $p + f(1 - p)$; the formula inverts
  exactly, but a direct question cannot reveal $f$.
- A list experiment estimates the sensitive share by a difference in mean counts. It is
  unbiased under its assumptions (no design effect, no liars) and pays for it in precision:
  with the teaching list its standard error is about 4.6 times a direct question's, so it
  needs about 33,000 interviews to match 1,600.
- In Russia, list experiments put support for Putin and for the war roughly 5 to 15 points
  below direct questions, and placebo tests suggest naive gaps overstate falsification.
  surveystats turns this into an overstatement range of 0 / 5 / 15 points, halving the central
  value for a less sensitive question (a judgement).
- Within that range falsification alone cannot remove the 70% majority (it would need 20
  points); the 55% loses its majority at the central value.

What the numbers cannot tell: how sensitive "will 2026 be successful?" really is. The evidence
comes from other questions (Putin, the war), other years and other modes, so its transfer to
the VTsIOM items is a judgement, and for the 55% even the direction of the pressure is
ambiguous. A list experiment's own gap carries its sampling error, which is large, and its own
biases (floor and ceiling effects, artificial deflation).

## Further reading

- Kuran, T. (1995). *Private Truths, Public Lies: The Social Consequences of Preference
  Falsification*. Harvard University Press.
- Blair, G. and Imai, K. (2012). Statistical analysis of list experiments. *Political
  Analysis* 20(1), 47-77.
- Glynn, A. N. (2013). What can we learn with statistical truth serum? Design and analysis of
  the list experiment. *Public Opinion Quarterly* 77(S1), 159-172.
- Blair, G., Coppock, A. and Moor, M. (2020). When to worry about sensitivity bias: a social
  reference theory and evidence from 30 years of list experiments. *American Political
  Science Review* 114(4), 1297-1315.
- Frye, T., Gehlbach, S., Marquardt, K. L. and Reuter, O. J. (2017). Is Putin's popularity
  real? *Post-Soviet Affairs* 33(1), 1-15; and (2023), Is Putin's popularity (still) real? A
  cautionary note on using list experiments to measure popularity in authoritarian regimes,
  *Post-Soviet Affairs* 39(3), 213-222.
- Chapkovski, P. and Schaub, M. (2022). Solid support or secret dissent? A list experiment on
  preference falsification during the Russian war against Ukraine. *Research & Politics* 9(2).
- Kalinin, K. (2016). The social desirability bias in autocrat's electoral ratings: evidence
  from the 2012 Russian presidential elections. *Journal of Elections, Public Opinion and
  Parties* 26(2), 191-211.
- Coppock, A. (2017). Did shy Trump supporters bias the 2016 polls? Evidence from a
  nationally-representative list experiment. *Statistics, Politics and Policy*,
  doi:10.1515/spp-2016-0005.
- Buckley, N., Marquardt, K. L., Reuter, O. J. and Tertytchnaya, K. (2023). Endogenous
  popularity: how perceptions of support affect the popularity of authoritarian regimes.
  *American Political Science Review*.
- Rogan, W. J. and Gladen, B. (1978). Estimating prevalence from the results of a screening
  test. *American Journal of Epidemiology* 107(1), 71-76.
- The [bias](../bias.md) page of this site: the falsification mechanism, its range and its
  sources."""),
    ("code", r"""# key numbers, checked by the test suite
KEY = {
    "true_optimistic": round(float(p), 6),
    "control_variance": float(var_C),
    "treatment_variance": float(var_T),
    "list_se_formula": float(se_list),
    "direct_reported": float(r),
    "se_ratio": float(se_ratio),
    "n_list_to_match": float(n_match),
    "sim_list_mean": float(taus.mean()),
    "sim_list_sd": float(taus.std(ddof=1)),
    "sim_direct_mean": float(directs.mean()),
    "sim_list_coverage": float(covered),
    "chapkovski_share": float(pairs.loc[1, "f"]),
    "frye_list_estimate": float(pairs.loc[0, "list"]),
    "overstatement_high": float(row.high),
    "tipping_70": float(tip70.value),
    "tipping_55": float(tip55.value),
    "true_70_high_falsification": float(at_15[1.5].estimate),
    "low_70_high_falsification_deff_2_25": float(at_15[2.25].low),
    "true_70_high_falsification_and_nonresponse": float(both.estimate),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
