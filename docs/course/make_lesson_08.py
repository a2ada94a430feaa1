# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_08_reading_a_poll.ipynb: the VTsIOM case end to end, and a checklist.

Run ``python docs/course/make_lesson_08.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_08_reading_a_poll.ipynb"

# key -> (value, absolute tolerance), with where each value comes from.
EXPECTED: dict[str, tuple[float, float]] = {
    # published: VTsIOM, 13 Dec 2025, n = 1,600, stated margin 2.5% at 95% (sia.ru summarising
    # Vedomosti, 24 Dec 2025; the data card vtsiom_2025.md)
    "n": (1600, 0),
    "stated_margin": (0.025, 1e-12),
    # closed formula z sqrt(p (1 - p) / n), z = scipy norm.ppf(0.975) = 1.959964:
    # 0.024500 at p = 0.5, 0.022454 at p = 0.70
    "srs_margin_50": (0.024500, 1e-6),
    "srs_margin_70": (0.022454, 1e-6),
    # (0.025 / 0.024500)^2
    "implied_deff": (1.041271, 1e-6),
    # Shirani-Mehr et al. (2018): total error about twice the stated margin; 2 x 0.022454
    "tse_margin_70": (0.044909, 1e-6),
    # the plausible preset (registry central values: deff 1.5, coverage 5% out and 20 pp lower,
    # rho 0.02 at response 0.10, 5 pp overstatement, house +-2 pp). By hand: 0.70 - 0.05 = 0.65
    # (falsification); the data-defect inverse solves p + 0.02 * 3 * sqrt(p (1 - p)) = 0.65,
    # p = 0.620890 (scipy brentq); coverage: 0.620890 - 0.05 * 0.20 = 0.610890. The 55% the
    # same way: 0.55 - 0.05 = 0.50, then 0.470054, then 0.460054
    "plausible_70": (0.610890, 1e-6),
    "plausible_55": (0.460054, 1e-6),
    # bias_tornado: falsification's span 0 to 15 pp is the largest bar (registry high 0.15)
    "tornado_falsification_span": (0.15, 1e-9),
    # tipping points, closed forms: falsification f* = 2r - 1, nonresponse k* = r / (1 - r),
    # house effect r - 0.5; at r = 0.55: 0.10, 1.222222, 0.05
    "tip55_falsification": (0.10, 1e-6),
    "tip55_nonresponse": (1.222222, 1e-5),
    "tip55_house": (0.05, 1e-6),
    # the two readings of the 55%: 0.55 / 0.70 of the optimists, or 0.55 * 0.70 of all
    "reading_a_share_of_optimists": (0.785714, 1e-6),
    "reading_b_share_of_all": (0.385, 1e-12),
    # probabilistic bias analysis (seed 8, 20,000 draws), priors uniform over the registry's
    # ranges: odds ratio 1 to 1.42, falsification share 0 to 1/3, deff 1.5. An independent
    # numpy check (200,000 draws of the closed-form inverses and of the Jeffreys posterior,
    # seed 1) gives median 0.5950 and 5.44% of draws below 50%; at 20,000 draws the Monte
    # Carlo SEs are about 0.0005 and 0.0016: tolerances 0.006 and 0.01
    "pba_median": (0.5950, 0.006),
    "pba_share_below_half": (0.0544, 0.01),
    # simulate_poll: true 62%, response odds ratio 1.42: the expected report is the closed form
    # 1.42 * 0.62 / (1.42 * 0.62 + 0.38) = 0.698508; the nominal interval (+-2.3 points
    # around about 70%) essentially never reaches 62% (0 of 2,000 polls; 7 SD away)
    "sim_expected_reported": (0.698508, 1e-6),
    "sim_coverage": (0.0, 0.001),
    # Levada, January 2018 (data card levada_ulyukaev_2018.md): stated 3.4% at 50%, n = 1,600,
    # (0.034 / 0.024500)^2 = 1.925935; 38% (10 + 28) of the 57% aware = 0.2166 of all
    "levada_implied_deff": (1.925935, 1e-5),
    "levada_pressure_share_of_all": (0.2166, 1e-9),
}

CELLS: list[tuple[str, str]] = [
    ("md", r"""# Lesson 8: Reading a poll critically: the VTsIOM case end to end

On 23 and 24 December 2025 the VTsIOM Analytical Center reported that 70% of Russians expect
2026 to be a "rather successful" year for Russia, that 55% link their hope to the end of the
"special military operation", and that the error "does not exceed 2.5%". This lesson reads
those two numbers as a careful methodologist would, step by step, with every tool of the
earlier lessons: what the stated margin covers, what it leaves out, which biases could matter
and how much of each it would take to change the story. It ends with a checklist, applied to
a second poll so that you can use it on any poll. It takes about 40 minutes and draws on
[lesson 6](lesson_06_nonresponse.ipynb) (nonresponse and tipping points),
[lesson 7](lesson_07_saying_what_one_thinks.ipynb) (falsification) and on the design effects
of [lesson 2](lesson_02_design_effects.ipynb)."""),
    ("md", r"""## Learning goals

- **Compute** what a stated margin of error covers, and the design effect it implies.
- **Compute** intervals under design-effect scenarios and an error budget that adds the
  sourced biases one at a time.
- **Explain** the two readings of the 55% and why no interval covers the difference.
- **Compute** tipping points: how much of each bias removes a majority.
- **Judge** a headline of any poll with a short checklist."""),
    ("code", r"""# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

import surveystats as ss
from surveystats import bias, plotting
from surveystats.datasets import list_polls, load_poll, load_vtsiom_2025, load_vtsiom_2025_card

case = load_vtsiom_2025()
card = load_vtsiom_2025_card()
print(card.title, "|", card.mode, "|", card.population)
print(f"stated margin {card.stated_margin:.1%} at {card.margin_confidence_level:.0%}; source: {card.source}")
case.loc[case.poll == "VTsIOM Dec 2025 phone", ["item", "answer", "estimate", "base", "role"]]"""),
    ("md", r"""The data card ([VTsIOM 2025](../data/vtsiom_2025.md)) lists what is *not* known: the
question wordings, the response rate, the weighting, and whether the 55% is a share of all
respondents or of the 70% optimists. Keep those gaps in mind: each step below runs into one.

## Step 1: what the stated margin covers

A margin of error at 95% is the half-width of the normal-approximation interval,

$$m = z_{0.975}\,\sqrt{\frac{\text{deff}\cdot p\,(1-p)}{n}}, \qquad \text{deff}_{\text{implied}} = \left(\frac{m_{\text{stated}}}{z_{0.975}\sqrt{p(1-p)/n}}\right)^2,$$

stated by pollsters at the worst case $p = 0.5$. Working backwards from the stated margin gives
the design effect the pollster allowed for:"""),
    ("code", r"""n, stated = card.n, card.stated_margin
m50 = ss.margin_of_error(0.5, n)
m70 = ss.margin_of_error(0.70, n)
deff_implied = ss.implied_deff(stated, n)
print(f"simple random sampling: ±{m50:.4f} at 50%, ±{m70:.4f} at 70%, ±{ss.margin_of_error(0.55, n):.4f} at 55%")
print(f"the stated {stated:.1%} implies a design effect of {deff_implied:.3f}")"""),
    ("md", r"""The 2.5% is the textbook margin of a simple random sample of 1,600 at 50%, rounded up.
It allows for no design effect, although the latest VTsIOM method statement found (from 2022)
says the data are weighted, and weighting widens intervals
([lesson 2](lesson_02_design_effects.ipynb)). It covers random sampling error only: not
the people the phone frame misses, not those who refuse, not those who answer what they think
is expected, not the wording.

## Step 2: intervals under design-effect scenarios

The registry's design effects for a weighted phone poll are 1.0 (what the stated margin
implies), 1.5 and 2.25 (a conservative cap): the sources and judgements are on the
[design effects](../design-effects.md) page."""),
    ("code", r"""scen = ss.deff_scenarios({"70% successful 2026": 0.70, "55% end of the operation": 0.55}, n)
scen[["item", "deff", "n_eff", "margin", "low", "high"]].round(4)"""),
    ("md", r"""Even at a design effect of 2.25 the 70% has a margin of about 3.4 points: sampling error
alone cannot make it a minority, and it keeps the 55% above 50% at every design effect. If the
story were only sampling error, it would end here.

## Step 3: total survey error

Shirani-Mehr, Rothschild, Goel and Gelman (2018) compared 4,221 US state-level pre-election
polls with the results: their realised errors were about **twice** as large as the stated
margins implied.
That gives a blunt total-error rule, a multiplier on the margin (2 is sourced; 3 for a poll from
an autocracy with unpublished response rates is a judgement):"""),
    ("code", r"""factor = bias.default_range("tse_multiplier", "factor")
for f in factor.values:
    print(f"x{f:g}: 70% ± {bias.tse_multiplier(f).widen(m70):.4f}")
tse70 = bias.tse_multiplier(2.0).widen(m70)"""),
    ("md", r"""The multiplier widens and never shifts. The other way is explicit: undo each sourced bias
in turn, carrying the interval through, and see where the estimate lands. surveystats' error
budget does this with the registry's *plausible* preset (central values of every range): a
design effect of 1.5, a house effect of ±2 points, a 5-point overstatement by falsification,
nonresponse as a data-defect correlation of 0.02 at a 10% response rate, and 5% of adults
outside the phone frame who are 20 points less optimistic. Use one view or the other, never
both: the multiplier already contains these biases (`bias.check_combinable` refuses the mix)."""),
    ("code", r"""plausible = ss.Scenario.preset("plausible")
res70 = plausible.apply(0.70, n)
res55 = plausible.apply(0.55, n)
print(res70)
print(res55)
res70.to_frame()[["mechanism", "estimate", "low", "high", "shift"]].round(4)"""),
    ("chart", r"""fig, ax = plt.subplots(figsize=(7, 4.2))
plotting.plot_error_budget(0.70, n, stated_margin=stated, ax=ax, label="VTsIOM 70%",
                           source=card.source_line(n))
plt.show()"""),
    ("md", r"""Under the central assumptions the 70% becomes about 61%, with a range from 55% to 67%:
still a clear majority, but the stated ±2.5 points describe a small part of the uncertainty.
The 55% becomes 46% [40.5%, 51.5%]: under the same assumptions its point estimate is no longer
a majority, and its range reaches only just above 50%.

## Step 4: which bias matters most?

A tornado chart moves each mechanism from the low to the high end of its sourced range, the
others off. It is sensitivity, not a combined scenario: the bars do not add up (and selective
response appears twice, as a response odds ratio and as a data-defect correlation: two
descriptions of one bias, never to be combined)."""),
    ("chart", r"""tornado = ss.bias_tornado({"70%": 0.70, "55%": 0.55}, n)
fig, ax = plt.subplots(figsize=(7, 4.2))
tornado.plot(ax=ax, source=card.source_line(n))
plt.show()"""),
    ("code", r"""frame = tornado.to_frame()
span_falsification = float(frame.query("mechanism == 'falsification' and item == '70%'")["span"].iloc[0])
print(f"largest: {tornado.largest}; falsification moves the 70% by up to {span_falsification:.2f}")"""),
    ("md", r"""Falsification has the widest range because the evidence for it (lesson 7) spans 0 to 15
points; the house effect and nonresponse come next. The design-effect bar, the only one the
stated margin speaks to, is less than half as wide as the falsification bar.

## Step 5: tipping points

Turn the question around: how much of each bias would it take to bring the headline to 50%?
For one mechanism at a time the answers have closed forms: falsification $f^* = 2r - 1$,
response odds ratio $k^* = r/(1-r)$, house effect $r - 0.5$."""),
    ("code", r"""rows = []
for r_ in (0.70, 0.55):
    for mech, kw, high in (("falsification", {}, bias.default_range("falsification", "share", applies_to=f"{r_:.0%} item").high),
                           ("nonresponse", {}, bias.default_range("nonresponse", "odds_ratio").high),
                           ("house_effect", {}, bias.default_range("house_effect", "shift").high)):
        tp = ss.tipping_point(r_, mech, **kw)
        rows.append({"reported": r_, "mechanism": mech, "tipping point": tp.value,
                     "registry high": high, "within the range": tp.value <= high + 1e-9})
tips = pd.DataFrame(rows)
tip55 = tips.query("reported == 0.55").set_index("mechanism")["tipping point"]
assert abs(tip55["falsification"] - 0.10) < 1e-9 and abs(tip55["nonresponse"] - 0.55 / 0.45) < 1e-9
tips.round(4)"""),
    ("md", r"""No single mechanism within its sourced range removes the 70% majority. For the 55%, each of
the three reaches 50% within its range: falsification and nonresponse well inside it, the house
effect exactly at its high end of 5 points. That asymmetry, not the 2.5 points, is the main
finding about the two headlines.

## Step 6: the 55%: of whom?

Vedomosti's wording ("the majority of Russians (55%)") reads as 55% of all respondents;
Reuters' ("for 55% that hope was linked to...") can be read as 55% of the 70% optimists. The
two readings give different numbers, and no interval covers the difference:

$$\text{reading A: } \frac{0.55}{0.70} \approx 79\% \text{ of the optimists}, \qquad \text{reading B: } 0.55 \times 0.70 = 38.5\% \text{ of all}.$$"""),
    ("code", r"""ns = ss.nested_shares(0.55, 0.70, n)
ns.to_frame()[["reading", "quantity", "n", "estimate", "low", "high"]].round(4)"""),
    ("chart", r"""fig, ax = plt.subplots(figsize=(7, 3.8))
ns.plot(ax=ax, subgroup="optimists", source=card.source_line(n))
plt.show()"""),
    ("md", r"""Under reading B there is no majority to remove: 38.5% of all respondents, with an interval
from 36% to 41%. A tipping point for "the majority" is then meaningless, which
`ss.tipping_point(0.385, "falsification")` says in words (it finds no crossing).

## Step 7: probabilistic bias analysis

A scenario fixes each bias at one value. A probabilistic bias analysis (Greenland 2005; Lash,
Fox and Fink 2021) draws them from distributions over their sourced ranges instead, adds
sampling error, and reports the spread of the true shares that result. Here: the response odds
ratio uniform from 1 to 1.42 and the falsification share uniform from 0 to 1/3 (the 70% item's
range), at a design effect of 1.5. The result is a distribution *under these priors*, not a
probability statement about Russia."""),
    ("code", r"""k_range = bias.default_range("nonresponse", "odds_ratio")
f_range = bias.default_range("falsification", "share", applies_to="70% item")
priors = {"odds_ratio": bias.Uniform(k_range.low, k_range.high),
          "falsification": bias.Uniform(f_range.low, f_range.high)}
pba = ss.probabilistic_bias_analysis(0.70, n, priors, deff=1.5, draws=20_000, rng=8)
print(pba)
print(f"share of draws below 50%: {pba.share_below(0.5):.3f}")
pba.to_frame().round(4)"""),
    ("chart", r"""fig, ax = plt.subplots(figsize=(7, 4))
pba.plot(ax=ax, source=card.source_line(n))
plt.show()"""),
    ("md", r"""## Step 8: what the nominal interval does when a bias is real

Finally, the reverse view: simulate polls of a country where the truth is 62% and people who
say "yes" respond 1.42 times as often as the others (the high end of the nonresponse range),
and check how often the pollster's nominal 95% interval contains the truth."""),
    ("code", r"""sim = ss.simulate_poll(0.62, n, response_odds_ratio=1.42, polls=2_000, rng=2025)
print(sim.summary()[["true_p", "expected_reported", "mean_estimate", "sd", "coverage"]].round(4).to_string(index=False))
print(f"without the bias, the exact coverage of the same interval: {ss.coverage('wilson', n, 0.62).mean:.3f}")
assert abs(sim.expected_reported - 1.42 * 0.62 / (1.42 * 0.62 + 0.38)) < 1e-12"""),
    ("chart", r"""fig, ax = plt.subplots(figsize=(7, 4))
sim.plot(ax=ax)
plt.show()"""),
    ("md", r"""The polls report about 70%, tightly, and their intervals almost never contain 62%. A
larger sample would only make them tighter around the wrong value: the stated margin measures
precision, not accuracy.

## A checklist for reading any poll

1. **Who, when, how.** The pollster, the fieldwork dates, the mode and the frame (who could be
   reached at all), the population. Is the release itself available, or only press reports?
2. **The question and the base.** The exact wording and answer options. Is each share of all
   respondents, of a subgroup, or of those with an opinion (are "don't know" answers in the
   base)? The VTsIOM 70% is of all respondents, 19% of whom said "hard to say": of those with
   an opinion it is 0.70 / 0.81 = 86%.
3. **The stated margin.** At which share, which confidence level, which design effect?
   Recompute it (`margin_of_error`, `implied_deff`).
4. **Sampling intervals** for the headline itself, under plausible design effects
   (`deff_scenarios`).
5. **What the margin leaves out.** Coverage of the frame, the response rate (published?), how
   sensitive the question is, wording and house effects (what do other pollsters find in the
   same weeks?): an error budget, or the total-error multiplier.
6. **Tipping points.** How much of each bias would change the claim ("a majority", "more than
   last year")? Compare with the sourced ranges.
7. **What is not known.** Say it, next to the number.

## The checklist on another poll

The package ships three more polls of different shapes:"""),
    ("code", r"""list_polls()[["name", "pollster", "fieldwork", "n", "stated_margin"]]"""),
    ("md", r"""Take the Levada Center's January 2018 poll on the trial of the former economy minister
Alexei Ulyukaev ([data card](../data/levada_ulyukaev_2018.md)). Headline: 38% of those who know
about the trial think the court was put under pressure to convict."""),
    ("code", r"""lev, lev_card = load_poll("levada_ulyukaev_2018")
print(f"1. {lev_card.pollster}; {lev_card.fieldwork()}; {lev_card.mode}; {lev_card.population}")
est = lev.set_index("item")["estimate"]
aware = est["q1_aware_total"]
pressure = est["q2_pressure_definitely_yes"] + est["q2_pressure_rather_yes"]
no_pressure = est["q2_pressure_rather_no"] + est["q2_pressure_definitely_no"]
n_aware = lev.set_index("item").at["q2_pressure_rather_yes", "n"]
print(f"2. base: those aware of the trial, {aware:.0%} of {lev_card.n:,} = {n_aware:.0f} (derived); "
      f"'pressure' {pressure:.0%}, 'no pressure' {no_pressure:.0%}, hard to say {est['q2_pressure_hard_to_say']:.0%}")
lev_deff = ss.implied_deff(lev_card.stated_margin, lev_card.n)
print(f"3. stated {lev_card.stated_margin:.1%} at 50% implies a design effect of {lev_deff:.2f}")
ladder = ss.implied_deff(np.array([0.034, 0.029, 0.020, 0.015]), 1600, p=np.array([0.5, 0.25, 0.10, 0.05]))
print(f"   the whole ladder (3.4 / 2.9 / 2.0 / 1.5% at 50 / 25 / 10 / 5%): {np.round(ladder, 2)}")
lev_ns = ss.nested_shares(pressure, aware, lev_card.n, deff=lev_deff)
known_base = lev_ns.to_frame().query("reading == 'B'")[["quantity", "n", "estimate", "low", "high"]]
print("4.", known_base.round(3).to_string(index=False))
gap = ss.difference_same_sample(pressure, no_pressure, n_aware, deff=lev_deff)
print(f"   'pressure' minus 'no pressure' among the aware: {gap}")"""),
    ("md", r"""Reading the output with the checklist:

1. A face-to-face poll at home, 137 localities in 48 regions: a clustered design. Levada's
   release is available (one of its tables only through RBC's report of it).
2. The base is stated (those who know about the trial, 57%); the 38% is 21.7% of all adults.
   The nested $n$ of 912 is derived, not printed, and 35% of the aware said "hard to say".
3. Unlike VTsIOM's, Levada's stated margin implies a design effect of about 1.9, the same
   across its ladder of shares: consistent with a clustered, weighted sample
   ([lesson 3](lesson_03_complex_designs.ipynb)).
4. At that design effect the 38% has an interval of about 34% to 42.5%; more of the aware see
   pressure than do not, by 11 points [4, 18].
5. The question is sensitive in the other direction: saying that a court was pressured by the
   authorities is the disfavoured answer, so falsification, if any, would push the 38% *down*
   and the "hard to say" up. There is no sourced range for this item: a judgement to state,
   not a number to compute.
6. The claim "more of the aware see pressure than not" holds across the whole sampling
   interval of the gap (4 to 18 points), and falsification towards the safe answer would only
   widen the true gap.
7. Not known: the exact size of the nested base, the response rate, and how the 35% who would
   not say would answer."""),
    ("exercise", r"""### Exercise 8.1 The stated margin, by hand

1. With $z = $ `stats.norm.ppf(0.975)`, compute the simple-random-sampling margins at 50% and
   70% for $n = 1{,}600$, and the design effect that VTsIOM's stated 2.5% implies. Check them
   against `ss.margin_of_error` and `ss.implied_deff`.
2. A stated "2.5%" may be anything from 2.45% to 2.55% before rounding. Which range of design
   effects does it allow?
3. In September 2017 VTsIOM stated 1.9% for a week of 4,200 interviews. What design effect
   does that imply?"""),
    ("solution", r"""z = stats.norm.ppf(0.975)
m50_hand = z * np.sqrt(0.25 / 1600)
m70_hand = z * np.sqrt(0.70 * 0.30 / 1600)
deff_hand = (0.025 / m50_hand) ** 2
assert abs(m50_hand - m50) < 1e-12 and abs(m70_hand - m70) < 1e-12
assert abs(deff_hand - deff_implied) < 1e-12
deff_range = ((0.0245 / m50_hand) ** 2, (0.0255 / m50_hand) ** 2)
assert abs(deff_range[0] - 1.0) < 1e-3 and 1.08 < deff_range[1] < 1.09
deff_2017 = (0.019 / (z * np.sqrt(0.25 / 4200))) ** 2
assert abs(deff_2017 - ss.implied_deff(0.019, 4200)) < 1e-12 and 1.57 < deff_2017 < 1.59
print(f"margins ±{m50_hand:.4f} (50%) and ±{m70_hand:.4f} (70%); implied deff {deff_hand:.3f}")
print(f"'2.5%' allows design effects {deff_range[0]:.3f} to {deff_range[1]:.3f}; 2017's 1.9% implies {deff_2017:.2f}")
# The December 2025 margin is simple-random-sampling arithmetic (deff 1.0 to 1.08); in 2017 the
# same pollster allowed for a design effect of about 1.6 in its weekly figure."""),
    ("exercise", r"""### Exercise 8.2 How much bias removes the 55% majority?

1. By hand, compute the falsification share $f^*$ and the response odds ratio $k^*$ that bring
   the reported 55% to exactly 50%, and check them against `ss.tipping_point`.
2. Compare them with the registry's ranges for the 55% item (falsification share: low, central,
   high; odds ratio: high).
3. How much does it take to bring even the *upper* end of the 95% interval (design effect 1.5)
   below 50%? Compute it by hand from the Wilson upper bound and check with
   `ss.tipping_point(..., bound="high", n=1600, deff=1.5)`.
4. Under reading B the 55% is 38.5% of all respondents. What is the tipping point then?"""),
    ("solution", r"""f_star, k_star = 2 * 0.55 - 1, 0.55 / 0.45
assert abs(ss.tipping_point(0.55, "falsification").value - f_star) < 1e-9
assert abs(ss.tipping_point(0.55, "nonresponse").value - k_star) < 1e-9

f55 = bias.default_range("falsification", "share", applies_to="55% item")
k_high = bias.default_range("nonresponse", "odds_ratio").high
assert abs(f55.central - f_star) < 1e-9 and f55.high > f_star and k_high > k_star

upper = ss.proportion_ci(0.55, 1600, deff=1.5).high          # Wilson, n_eff 1,066.7
f_upper, k_upper = 2 * upper - 1, upper / (1 - upper)
assert abs(ss.tipping_point(0.55, "falsification", bound="high", n=1600, deff=1.5).value - f_upper) < 1e-8
assert abs(ss.tipping_point(0.55, "nonresponse", bound="high", n=1600, deff=1.5).value - k_upper) < 1e-8

reading_b = ss.tipping_point(0.385, "falsification")
assert not reading_b.found
print(f"f* = {f_star:.2f} (registry for the 55% item: {f55.values}), k* = {k_star:.3f} (registry high {k_high})")
print(f"upper end {upper:.4f}: f = {f_upper:.4f}, k = {k_upper:.4f}")
print(f"reading B: {reading_b.message}")
# The central falsification for this item is exactly the tipping point, and the high end of
# both ranges goes past it; even the top of the sampling interval falls below 50% at f = 0.16
# or k = 1.38, both inside the ranges. Under reading B there never was a majority."""),
    ("exercise", r"""### Exercise 8.3 Judge a headline of another poll

The KIIS Omnibus of 30 September to 13 October 2023 (`load_poll("kiis_elections_2023")`, data
card [KIIS 2023](../data/kiis_elections_2023.md)) reports that 81% of Ukrainians in
government-controlled territory think elections should be held after the war. Go through the
checklist:

1. KIIS states a margin of 2.4% "taking into account the design effect of 1.1". Compute the
   design effect the 2.4% implies at $n = 2{,}007$, and decide whether KIIS's 1.1 multiplies the
   variance or the standard error.
2. Compute the 95% interval for the 81% at the design effect in the toplines.
3. Compute the falsification share, the response odds ratio and the house effect that would
   bring the 81% to 50%, and compare them with the high ends of surveystats' ranges (built for
   Russia, so at most a rough yardstick here).
4. Judge: what can the headline claim, and what does the checklist say it cannot?"""),
    ("solution", r"""z = stats.norm.ppf(0.975)
kiis, kiis_card = load_poll("kiis_elections_2023")
row = kiis.set_index("item").loc["elections_after_war"]
r_k, n_k, deff_k = row["estimate"], row["n"], row["deff"]
implied_k = ss.implied_deff(kiis_card.stated_margin, kiis_card.n)
as_deft = z * 1.1 * np.sqrt(0.25 / n_k)            # 1.1 on the standard error
as_deff = z * np.sqrt(1.1 * 0.25 / n_k)            # 1.1 on the variance
assert abs(as_deft - 0.0241) < 5e-4 and abs(as_deff - 0.0229) < 5e-4
assert abs(implied_k - 1.2037) < 1e-3 and abs(deff_k - 1.1**2) < 1e-12

ci_k = ss.proportion_ci(r_k, n_k, deff=deff_k)
assert 0.78 < ci_k.low < ci_k.high < 0.84

tips_k = {m: ss.tipping_point(r_k, m).value for m in ("falsification", "nonresponse", "house_effect")}
assert abs(tips_k["falsification"] - (2 * r_k - 1)) < 1e-9
assert abs(tips_k["nonresponse"] - r_k / (1 - r_k)) < 1e-9
assert abs(tips_k["house_effect"] - (r_k - 0.5)) < 1e-9
assert tips_k["falsification"] > 0.33 and tips_k["nonresponse"] > 1.42 and tips_k["house_effect"] > 0.05
print(f"implied deff {implied_k:.2f}: 1.1 is a deft (2.41 points), not a variance ratio (2.29)")
print(ci_k)
print({m: round(v, 3) for m, v in tips_k.items()})
# Judgement: the majority is safe. Sampling error moves the 81% by about 2 points, and each
# bias would have to be two to six times the high end of ranges built for wartime Russia to
# bring it to 50% (62% of "no" holders saying "yes", or "yes" holders responding 4.3 times
# as often). What the headline cannot claim is the exact 81%: KIIS itself warns of a
# systematic deviation on top of the formal error in wartime; the frame leaves out the
# occupied territories and citizens abroad; and no response rate is given in the sources
# used. "A large majority of adults in government-controlled territory, probably around four
# in five" is what the numbers support."""),
    ("md", r"""## Summary

- A stated margin is a floor on the uncertainty, not a ceiling. VTsIOM's 2.5% is
  simple-random-sampling arithmetic (design effect 1.04) and covers sampling error only.
- Under the registry's central assumptions the 70% becomes about 61% [55%, 67%], and the 55%
  becomes 46% [40.5%, 51.5%]. Falsification is the widest source of doubt.
- Tipping points carry the message in one number each: no single sourced bias removes the 70%
  majority, while falsification, nonresponse and (at its high end) the house effect can each
  bring the 55% down to 50%.
- The 55% has two readings (55% of all, or 38.5% of all), and no interval covers that
  difference: it is a question for the pollster, not for statistics.
- The checklist works on any poll: Levada's 2018 release states its base and a margin that
  includes a design effect of about 1.9, and KIIS's 81% survives any plausible bias.

What the numbers cannot tell: the true share. Every adjusted figure in this lesson is
conditional on ranges that are partly judgements, taken from other questions, pollsters and
years. The analysis says how fragile a headline is, and which missing facts (the response
rate, the wording, the base) would matter most; it does not replace them.

## Further reading

- Groves, R. M. and Lyberg, L. (2010). Total survey error: past, present, and future. *Public
  Opinion Quarterly* 74(5), 849-879.
- Shirani-Mehr, H., Rothschild, D., Goel, S. and Gelman, A. (2018). Disentangling bias and
  variance in election polls. *Journal of the American Statistical Association* 113(522),
  607-614.
- Kish, L. (1965). *Survey Sampling*. Wiley.
- Greenland, S. (2005). Multiple-bias modelling for analysis of observational data. *Journal
  of the Royal Statistical Society A* 168(2), 267-306.
- Lash, T. L., Fox, M. P. and Fink, A. K. (2021). *Applying Quantitative Bias Analysis to
  Epidemiologic Data*, 2nd ed. Springer.
- Manski, C. F. (2005). Partial identification with missing data: concepts and findings.
  *International Journal of Approximate Reasoning* 39, 151-165.
- The [bias](../bias.md) and [design effects](../design-effects.md) pages of this site, and
  the data cards of the [VTsIOM case](../data/vtsiom_2025.md) and the
  [other bundled polls](../data/index.md)."""),
    ("code", r"""# key numbers, checked by the test suite
KEY = {
    "n": int(n),
    "stated_margin": float(stated),
    "srs_margin_50": float(m50),
    "srs_margin_70": float(m70),
    "implied_deff": float(deff_implied),
    "tse_margin_70": float(tse70),
    "plausible_70": float(res70.estimate),
    "plausible_55": float(res55.estimate),
    "tornado_falsification_span": span_falsification,
    "tip55_falsification": float(tip55["falsification"]),
    "tip55_nonresponse": float(tip55["nonresponse"]),
    "tip55_house": float(tip55["house_effect"]),
    "reading_a_share_of_optimists": float(ns.to_frame().query("reading == 'A' and quantity == 'share of subgroup'")["estimate"].iloc[0]),
    "reading_b_share_of_all": float(ns.to_frame().query("reading == 'B' and quantity == 'share of all'")["estimate"].iloc[0]),
    "pba_median": float(pba.median),
    "pba_share_below_half": float(pba.share_below(0.5)),
    "sim_expected_reported": float(sim.expected_reported),
    "sim_coverage": float(sim.coverage),
    "levada_implied_deff": float(lev_deff),
    "levada_pressure_share_of_all": float(lev_ns.to_frame().query("reading == 'B' and quantity == 'share of all'")["estimate"].iloc[0]),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
