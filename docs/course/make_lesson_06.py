# ruff: noqa: E501  (the cells are prose and code, kept as written)
"""Write docs/course/lesson_06_nonresponse.ipynb: response odds, Meng's data-defect correlation, Manski bounds.

Run ``python docs/course/make_lesson_06.py`` after editing; ``tests/test_course.py`` executes
the notebook, checks its shape and compares the numbers of its last cell with ``EXPECTED``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _notebook_cells import notebook

NOTEBOOK = "lesson_06_nonresponse.ipynb"

# key -> (value, absolute tolerance), with where each value comes from.
EXPECTED: dict[str, tuple[float, float]] = {
    # known truth of the teaching population (truth.csv: 134,868 optimists of 197,000)
    "true_optimistic": (0.684609, 1e-6),
    # closed formula p = r / (k (1 - r) + r) at k = 1.42: 0.70 / 1.126 and 0.55 / 1.189
    "true_70_at_k_1_42": (0.621670, 1e-6),
    "true_55_at_k_1_42": (0.462574, 1e-6),
    # random draw (seed 2018), response 0.24 for optimists and 0.20 for the others: expected
    # N (0.24 p + 0.20 (1 - p)) = 44,795 respondents (sd about 200 over seeds), share
    # k p / (k p + 1 - p) = 0.7226 at k = 1.2 (sd 0.0016), rho about 0.0443 (sd 0.0019),
    # n_eff = f / ((1 - f) rho^2) about 151 (sd 13); tolerances about 4.5 sd
    "big_sample_n": (44795, 1000),
    "big_sample_share": (0.7226, 0.008),
    "big_sample_rho": (0.0443, 0.009),
    "big_sample_n_eff": (151, 60),
    # identities that hold exactly for the realised draw: |share - formula| (odds form with
    # the realised k; Meng's identity with the realised rho); 0 up to rounding
    "odds_identity_gap": (0.0, 1e-12),
    "meng_identity_gap": (0.0, 1e-10),
    # Meng (2018), abstract: rho = -0.005, 1% of US voters (2.3 million) are worth "n ~ 400";
    # f / ((1 - f) rho^2) = 0.01 / 0.99 / 0.000025 = 404.04
    "meng_cces_n_eff": (404.0404, 1e-3),
    # contacted-sample form, rho_c = 0.02 at response rate 0.10 (registry central values; the
    # evidence file's table gives 2.75 pp and n_eff 237): 0.02 * 3 * sqrt(0.21) and
    # 1 / (0.06^2 * 0.21 + 1/1600)
    "phone_bias_rho_0_02": (0.027495, 1e-6),
    "phone_n_eff_rho_0_02": (236.686, 1e-3),
    # Manski bounds [p r, p r + 1 - r] at p = 0.70, r = 0.10 (a labelled assumption)
    "manski_low_70_r_0_10": (0.07, 1e-12),
    "manski_high_70_r_0_10": (0.97, 1e-12),
    # tipping points, closed form k* = odds(p) / odds(0.5): 0.55/0.45 and 0.70/0.30; with
    # bound="high" the Wilson upper limit at n_eff = 1600/1.5 (0.579623, scipy's normal
    # quantile in the Wilson formula) gives 0.579623/0.420377
    "tipping_55": (1.222222, 1e-5),
    "tipping_70": (2.333333, 1e-5),
    "tipping_55_upper_bound": (1.378816, 1e-5),
}

CELLS: list[tuple[str, str]] = [
    ("md", """# Lesson 6: Nonresponse: response odds, the data-defect correlation (Meng), Manski bounds

[Lesson 5](lesson_05_weighting.ipynb) ended with a bias that no weighting removed: people who
trust television news answered more readily, and no census margin could see it. This lesson
looks at that kind of nonresponse directly, where the answer itself drives who responds. You
will describe it in three ways: as a response ratio between holders of a view and the others,
as Meng's data-defect correlation, and as Manski's worst-case bounds, which assume nothing.
Each is checked on the teaching population, where the truth is known, and then applied to the
VTsIOM poll's 70% and 55%. It takes about 35 minutes and needs lesson 5."""),
    ("md", """## Learning goals

- **Compute** the share a poll reports when holders of a view respond $k$ times as often as
  the others, and invert it to the share that a reported number implies.
- **Explain** Meng's identity (error = data quality × data quantity × problem difficulty) and
  why a huge self-selected sample can be worth fewer interviews than a small random one.
- **Compute** Manski's worst-case bounds and **judge** what they say about a poll whose
  response rate is not published.
- **Compute** the response ratio that would remove a reported majority (a tipping point)."""),
    ("code", """# Charts are shown below the cells that draw them, also where MPLBACKEND names a
# non-interactive backend: the magic selects the inline backend.
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import surveystats as ss
from surveystats import bias, plotting
from surveystats.datasets import load_teaching_population

population = load_teaching_population()   # the whole synthetic country: 197,000 adults
y = population["optimistic"].to_numpy(dtype=float)
N = y.size
p = y.mean()                              # the truth: 0.6846
sigma = y.std()                           # population SD (divisor N): sqrt(p (1 - p))
print(f"N = {N:,}, true share of optimists {p:.4f}, sigma {sigma:.4f}")"""),
    ("md", """## The response ratio

Let $R_1$ be the response rate of people who hold a view ("yes") and $R_0$ that of everyone
else, and $k = R_1 / R_0$. If a share $p$ of the population holds the view, the respondents
contain $R_1 p$ "yes" holders for every $R_0 (1 - p)$ others, so the poll reports

$$p_{\\text{obs}} = \\frac{k\\,p}{k\\,p + 1 - p}, \\qquad\\text{equivalently}\\qquad \\frac{p_{\\text{obs}}}{1 - p_{\\text{obs}}} = k\\,\\frac{p}{1 - p}.$$

$k$ multiplies the odds of "yes", which is why surveystats calls it `odds_ratio`; strictly it
is a ratio of response rates, not an odds ratio of responding (the two agree only when
responding is rare). Solving for $p$ undoes it:
$p = p_{\\text{obs}} / \\bigl(k\\,(1 - p_{\\text{obs}}) + p_{\\text{obs}}\\bigr)$.
`surveystats.bias.Nonresponse(odds_ratio=k)` has both directions, `reported` and `true`.

What values of $k$ are plausible for Russian polls?
[Re:Russia's review](https://re-russia.net/review/204/) of the February 2023 Russian Field
waves reports that about 15% of war supporters but more than 40% of opponents say they are
afraid to take part in polls. If fear meant not responding, one for one, that
would give $k = 0.85 / 0.60 \\approx 1.42$; both that step and carrying the gap over to other
regime-congruent answers are judgements, and the registry's central value 1.2 is a judgement
too:"""),
    ("code", """row = bias.default_range("nonresponse", "odds_ratio")
print(f"k: low {row.low}, central {row.central}, high {row.high} (evidence {row.evidence}; {row.source})")
ks = [1.0, row.central, row.high, 2.0]
table = pd.DataFrame({
    "k": ks,
    "reported if true 50%": [bias.Nonresponse(k).reported(0.5) for k in ks],
    "true if reported 70%": [bias.Nonresponse(k).true(0.70) for k in ks],
    "true if reported 55%": [bias.Nonresponse(k).true(0.55) for k in ks],
})
table.round(4)"""),
    ("md", """At $k = 1.42$ the VTsIOM 70% corresponds to a true 62% and the 55% to 46%: no longer a
majority. The formula is exact for any population; what is uncertain is $k$.

## A self-selected sample of the teaching population

Now a mechanism on the teaching population: every adult joins an online panel with
probability 0.24 if optimistic and 0.20 otherwise (one seeded draw for all 197,000 at once).
The realised response rates give the realised ratio $k$, and the odds formula then holds
exactly, not just on average:"""),
    ("code", """rng = np.random.default_rng(2018)
R = rng.random(N) < np.where(y == 1, 0.24, 0.20)       # responds: True / False
n = int(R.sum())
f = n / N                                               # the "sampling fraction"
p_obs = y[R].mean()
k = R[y == 1].mean() / R[y == 0].mean()                 # realised R1 / R0
odds_gap = abs(bias.Nonresponse(k).reported(p) - p_obs)
print(f"{n:,} respondents ({f:.1%} of the country); they report {p_obs:.4f} against the true {p:.4f}")
print(f"realised k = {k:.4f}; formula k p / (k p + 1 - p) misses the reported share by {odds_gap:.1e}")
print(f"inverting with the realised k gives back {bias.Nonresponse(k).true(p_obs):.6f}")"""),
    ("md", """## Meng's identity: quality × quantity × difficulty

Meng (2018) writes the error of any sample mean in three factors. With $R_i = 1$ for the
people in the sample, $f = n/N$, and $\\rho_{R,Y}$ the correlation in the population between
being in the sample and the answer,

$$\\bar y_n - \\bar Y_N \\;=\\; \\underbrace{\\rho_{R,Y}}_{\\text{data quality}} \\times \\underbrace{\\sqrt{\\frac{1 - f}{f}}}_{\\text{data quantity}} \\times \\underbrace{\\sigma_Y}_{\\text{problem difficulty}}.$$

It is an identity, not an approximation: it holds for every realised sample when the means,
the covariance and the standard deviations are taken over the population with divisor $N$
(the covariance of $R$ and $Y$ is $f(\\bar y_n - \\bar Y_N)$, and the standard deviation of
$R$ is $\\sqrt{f(1-f)}$). Check it on the panel, to rounding error:"""),
    ("code", """rho = np.mean((R - f) * (y - p)) / (np.sqrt(f * (1 - f)) * sigma)   # population moments
error = p_obs - p
meng = rho * np.sqrt((1 - f) / f) * sigma
meng_gap = abs(error - meng)
print(f"rho = {rho:.5f}; error {error:.6f}; rho x sqrt((1-f)/f) x sigma = {meng:.6f}; gap {meng_gap:.1e}")
assert meng_gap < 1e-10
assert abs(rho - np.corrcoef(R, y)[0, 1]) < 1e-12
# the same through surveystats: (N - n) / n is (1 - f) / f
assert abs(bias.meng_bias(p, rho=rho, n=n, population_size=N) - error) < 1e-10"""),
    ("md", """A correlation of 0.04 between joining and being optimistic looks negligible; it moves
the estimate by four points.

## The big-data paradox

A random sample also has a $\\rho$, but a tiny one: for simple random sampling its square
averages $1/(N-1)$, of order $1/N$, and the identity then gives the familiar sampling error.
Self-selection fixes $\\rho$ at a value that does not fall as the sample grows, so the error
shrinks only through $\\sqrt{(1-f)/f}$, and slowly. Meng compares the mean squared error
with that of a simple random sample, $\\sigma^2/n_{\\text{eff}}$:

$$n_{\\text{eff}} = \\frac{\\sigma_Y^2}{(\\bar y_n - \\bar Y_N)^2} = \\frac{f}{1-f}\\,\\frac{1}{\\rho_{R,Y}^2}.$$

Our panel against an honest random sample of 1,600 drawn from the same population:"""),
    ("code", """srs = rng.choice(N, size=1600, replace=False)
R_srs = np.zeros(N, dtype=bool)
R_srs[srs] = True
rho_srs = np.corrcoef(R_srs, y)[0, 1]
n_eff = f / (1 - f) / rho**2
print(f"panel:  n = {n:,}, error {error:+.4f}, rho {rho:.4f}, worth n_eff = {n_eff:.0f} random interviews")
print(f"random: n = 1,600, error {y[srs].mean() - p:+.4f}, rho {rho_srs:+.4f} "
      f"(1/sqrt(N) = {1 / np.sqrt(N):.4f}), 95% margin {1.96 * sigma / np.sqrt(1600):.4f}")"""),
    ("chart", """sizes = np.geomspace(500, N, 300)
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(sizes, 100 * rho * np.sqrt((N - sizes) / sizes) * sigma,
        label=f"self-selected, rho fixed at {rho:.3f}: its error")
ax.plot(sizes, 100 * 1.96 * sigma * np.sqrt((N - sizes) / ((N - 1) * sizes)),
        color="black", linestyle="--", label="random sample: 95% margin of error")
ax.plot([n], [100 * error], "o", color="C0")
ax.annotate(f"the panel, n = {n:,}: {100 * error:.1f} points", (n, 100 * error),
            textcoords="offset points", xytext=(-150, 12))
margin_1600 = 1.96 * sigma * np.sqrt((N - 1600) / ((N - 1) * 1600))
ax.plot([1600], [100 * margin_1600], "o", color="black")
ax.annotate(f"random 1,600: ±{100 * margin_1600:.1f}", (1600, 100 * margin_1600),
            textcoords="offset points", xytext=(8, 8))
ax.set_xscale("log")
ax.set_ylim(0, 12)
ax.set_xlabel("sample size n (of N = 197,000; log scale)")
ax.set_ylabel("percentage points")
ax.set_title("A fixed data-defect correlation does not average away")
ax.legend(loc="upper right")
plt.show()"""),
    ("md", """The panel's 44,000 responses are worth about 150 random interviews: the random 1,600 beat
it. This is Meng's "big data paradox": with the same $\\rho$, more data makes the
interval narrower around the wrong value, so "the more the data, the surer we fool ourselves"
(Meng 2018, p. 686).

**Which $\\rho$ for a phone poll?** For a national poll of 1,600 out of 112 million adults,
$\\sqrt{(1-f)/f} \\approx 264$, so the population-level $\\rho$ must be minute, and Meng's
value for a 1% sample of US voters must not be transplanted. Bailey (2023, 2024) argues for
building polling on Meng's equation; `DataDefect(rho, response_rate)` applies it to the
people the pollster *contacted*, whose response rate $p_r$ takes the place of $f$ and whose
correlation $\\rho_c$ between responding and the answer takes the place of $\\rho$ (this
notation is surveystats', not Bailey's). The registry's central values, $\\rho_c = 0.02$ at
$p_r = 0.10$ (judgements informed by the sources in [bias](../bias.md)), give a bias of 2.75 points on the 70% and make 1,600 interviews worth
about 237 random ones:"""),
    ("code", """phone = bias.DataDefect(rho=0.02, response_rate=0.10)
phone_bias = phone.bias(0.70)
phone_n_eff = phone.equivalent_srs_size(0.70, n=1600)
print(f"bias {phone_bias:.4f}; n_eff {phone_n_eff:.0f}; true share implied by the reported 70%: {phone.true(0.70):.4f}")"""),
    ("md", """`DataDefect` and `Nonresponse` describe the same selection in different units: use one
of them, never both at once.

## Manski's bounds: assuming nothing

If a share $r$ of the sample responded and a share $p$ of the respondents said "yes", the
nonrespondents could all have said "no" or all "yes". Without any assumption about them, the
population share lies in

$$\\bigl[\\,p\\,r,\\; p\\,r + (1 - r)\\,\\bigr],$$

an interval of width $1 - r$ whatever $p$ is (Manski 2005). On the panel, $r = f$, and the
truth must lie inside:"""),
    ("code", """panel = bias.manski_bounds(p_obs, f)
print(f"panel: [{panel.low:.4f}, {panel.high:.4f}] contains the truth {p:.4f}: {panel.low <= p <= panel.high}")
assert panel.low <= p <= panel.high"""),
    ("md", """VTsIOM does not publish its response rate. Its
[product page](https://wciom.com/types-of-research/vciom-sputnik) for the daily "Sputnik"
omnibus says clients receive a methodological report on the response rate, but none appears
with the press releases found. So any $r$ for the December 2025 poll is an **assumption**.
We take the registry's range, 0.05 to 0.25 with 0.10 in the middle: a judgement informed by
Russian Field's figures (about 17 refusals or break-offs per completed interview in March
2022; 76 to 79% refusing a war-topic survey in 2023) and by US telephone response rates of 6
to 9% (Pew Research Center, 2012-2018)."""),
    ("chart", """fig, ax = plt.subplots(figsize=(7, 4))
plotting.plot_manski(0.70, response_rates=(0.05, 0.10, 0.25, 0.5, 1.0), ax=ax,
                     label="VTsIOM poll's 70%",
                     source="Response rates are assumptions: VTsIOM does not publish its own")
plt.show()"""),
    ("md", """At an assumed 10% response, the worst case says only that the true share is between
7% and 97%. That is not a failure of the method: it is what the data alone say. Every
narrower range, the odds model and Meng's included, rests on an assumption about the people
who did not answer.

## Tipping points: how much selection removes a majority?

Turned around, the odds formula asks how large $k$ must be for the true share to fall to
50%: since the true odds are the reported odds divided by $k$, the answer is the reported
odds, $k^* = p_{\\text{obs}}/(1 - p_{\\text{obs}})$. `ss.tipping_point` finds it (and any
other mechanism's) numerically, and can also ask when even the upper end of the sampling
interval falls below 50%:"""),
    ("code", """tip55 = ss.tipping_point(0.55, "nonresponse")
tip70 = ss.tipping_point(0.70, "nonresponse")
tip55_high = ss.tipping_point(0.55, "nonresponse", bound="high", n=1600, deff=1.5)
print(tip55)
print(tip70)
print(tip55_high)
assert abs(tip55.value - 0.55 / 0.45) < 1e-9 and abs(tip70.value - 0.70 / 0.30) < 1e-9"""),
    ("md", """For the 55% a response ratio of 1.22, below the registry's high value of 1.42, already
removes the majority of the point estimate, and 1.38 takes even the upper end of its 95%
interval (at design effect 1.5) below 50%. The 70% needs $k = 2.33$, well beyond the sourced
range."""),
    ("exercise", """### Exercise 6.1 Invert the odds formula by hand

Without `Nonresponse`, compute the true shares implied by the reported 70% and 55% at
$k = 1.42$, and check them against `bias.Nonresponse(1.42).true(...)`. Then push your
answers forward again through $k p / (k p + 1 - p)$ and check that you get 70% and 55% back.
Finally, compute by hand the $k$ at which a true 50% is reported as 55%, and compare it with
`tip55.value`."""),
    ("solution", """k_fear = 1.42
reported = np.array([0.70, 0.55])
true_by_hand = reported / (k_fear * (1 - reported) + reported)
assert np.allclose(true_by_hand, bias.Nonresponse(k_fear).true(reported), atol=1e-12)
forward = k_fear * true_by_hand / (k_fear * true_by_hand + 1 - true_by_hand)
assert np.allclose(forward, reported, atol=1e-12)
k_majority = (0.55 / 0.45) / (0.50 / 0.50)      # ratio of the odds
assert abs(k_majority - tip55.value) < 1e-9
print(f"true shares at k = 1.42: {true_by_hand.round(4)}; k that turns a true 50% into 55%: {k_majority:.4f}")"""),
    ("exercise", """### Exercise 6.2 The effective size of a big biased sample

1. For the panel, compute $n_{\\text{eff}} = \\frac{f}{1-f}\\frac{1}{\\rho^2}$ and check that it
   equals $\\sigma^2 / (\\bar y_n - \\bar Y_N)^2$.
2. Meng's abstract estimates $\\rho \\approx -0.005$ for self-reported votes for Trump in
   2016, and says that with it a sample of 1% of US eligible voters (n ≈ 2.3 million) has the
   mean squared error of a random sample of about 400. Check that with the formula, and
   compute the percentage reduction in sample size.
3. Think: below what $|\\rho|$ would the panel be worth at least a random 1,600? And if
   $\\rho^2$ took its simple-random-sampling average $1/(N-1)$, what would $n_{\\text{eff}}$ be?"""),
    ("solution", """n_eff_panel = f / (1 - f) / rho**2
assert abs(n_eff_panel - sigma**2 / error**2) < 1e-6 * n_eff_panel

f_cces, rho_cces, n_cces = 0.01, -0.005, 2_300_000
n_eff_cces = f_cces / (1 - f_cces) / rho_cces**2
reduction = 1 - n_eff_cces / n_cces
assert abs(n_eff_cces - 404.04) < 0.01 and reduction > 0.9998

rho_needed = np.sqrt(f / (1 - f) / 1600)        # n_eff = 1,600
n_eff_random = f / (1 - f) * (N - 1)            # = n (N - 1) / (N - n): n, up to the fpc
assert abs(n_eff_random - n * (N - 1) / (N - n)) < 1e-6
print(f"panel n_eff {n_eff_panel:.1f}; CCES n_eff {n_eff_cces:.0f} ({reduction:.2%} fewer)")
print(f"the panel matches a random 1,600 only if |rho| < {rho_needed:.4f} (it is {rho:.4f});")
print(f"with rho^2 = 1/(N-1) it would be worth {n_eff_random:,.0f}, i.e. its own n = {n:,} "
      "inflated by the finite population correction")"""),
    ("exercise", """### Exercise 6.3 What do the Manski bounds say about the VTsIOM 70%?

1. Compute the bounds for the reported 70% at assumed response rates 0.05, 0.10 and 0.25, and
   their widths.
2. What response rate would be needed for the lower bound to exceed 50%?
3. At $r = 0.10$, the lower bound is reached when every nonrespondent says "no". What
   response ratio $k = R_1/R_0$ does that scenario imply? (Hint: every "yes" holder then
   responded.) Check it with `Nonresponse(k).reported`.
4. Judge: why are the bounds so wide, and what do they add to the tipping point of the odds
   model ($k^* = 2.33$)?"""),
    ("solution", """rates = np.array([0.05, 0.10, 0.25])
b = bias.manski_bounds(0.70, rates)
widths = b.high - b.low
assert np.allclose(widths, 1 - rates) and np.allclose(b.low, 0.70 * rates)
r_needed = 0.5 / 0.70                          # p r > 0.5
assert abs(bias.manski_bounds(0.70, r_needed).low - 0.5) < 1e-12

r = 0.10
low = 0.70 * r                                 # all "yes" holders responded: R1 = 1
R0 = (1 - 0.70) * r / (1 - low)                # "no" respondents / "no" holders
k_low = 1.0 / R0
assert abs(bias.Nonresponse(k_low).reported(low) - 0.70) < 1e-12
print(pd.DataFrame({"r": rates, "low": b.low, "high": b.high, "width": widths}).round(3))
print(f"lower bound above 50% only if r > {r_needed:.3f}; at r = 0.10 the lower bound means k = {k_low:.1f}")
# Judgement: the width is 1 - r, the share of people the poll knows nothing about; at a 10%
# response rate that is 90 points. The bounds cover response ratios from about 1/14 to 31,
# far beyond anything the evidence suggests (k up to 1.42); the tipping point says the
# majority survives unless k exceeds 2.33. The bounds are the honest statement of what the
# data alone support; the odds model narrows them only by assuming a value or range for k."""),
    ("md", """## Summary

- When the answer drives response, the reported odds are the true odds times the response
  ratio $k$; the formula inverts exactly, but $k$ itself is unknown and no demographic
  weighting estimates it.
- Meng's identity splits any sample's error into data quality ($\\rho$), data quantity
  ($\\sqrt{(1-f)/f}$) and problem difficulty ($\\sigma$). A fixed, small $\\rho$ does not
  average away: a self-selected sample of 44,000 was worth about 150 random interviews.
- Manski's bounds assume nothing and are as wide as the nonresponse: $1 - r$. At the
  response rates of Russian phone polls they are nearly uninformative, which is the honest
  starting point; every narrower statement is an assumption to be stated.
- For the VTsIOM 55%, a response ratio of 1.22, inside the range suggested by the 2023 fear
  gap, removes the majority; the 70% needs 2.33.

What the numbers cannot tell: the size of $k$ or $\\rho$ for a given poll. The teaching
population let us compute them because we made the mechanism; in a real poll they are
judgements, informed by evidence such as the fear gap, and they can differ from item to item.
The response rate alone does not measure the bias: across many studies the two are only
weakly related (Groves and Peytcheva 2008).

## Further reading

- Meng, X.-L. (2018). Statistical paradises and paradoxes in big data (I): Law of large
  populations, big data paradox, and the 2016 US presidential election. *Annals of Applied
  Statistics* 12(2), 685-726.
- Bailey, M. A. (2023). A new paradigm for polling. *Harvard Data Science Review* 5(3).
- Bailey, M. A. (2024). *Polling at a Crossroads: Rethinking Modern Survey Research*.
  Cambridge University Press.
- Manski, C. F. (2005). Partial identification with missing data: concepts and findings.
  *International Journal of Approximate Reasoning* 39, 151-165.
- Groves, R. M. and Peytcheva, E. (2008). The impact of nonresponse rates on nonresponse
  bias: a meta-analysis. *Public Opinion Quarterly* 72(2), 167-189.
- Bethlehem, J. (2010). Selection bias in web surveys. *International Statistical Review*
  78(2), 161-188.
- Re:Russia (2023), review of the February 2023 Russian Field survey waves (the fear gap);
  Zvonovsky, V. and Khodykin, A. (2024), Problem of response rates in surveys on the
  Russian-Ukrainian conflict, *Monitoring of Public Opinion* No. 4, 3-26.
- The [bias](../bias.md) page of this site: every mechanism, its default range and its
  sources."""),
    ("code", """# key numbers, checked by the test suite
KEY = {
    "true_optimistic": round(float(p), 6),
    "true_70_at_k_1_42": float(bias.Nonresponse(1.42).true(0.70)),
    "true_55_at_k_1_42": float(bias.Nonresponse(1.42).true(0.55)),
    "big_sample_n": n,
    "big_sample_share": float(p_obs),
    "big_sample_rho": float(rho),
    "big_sample_n_eff": float(n_eff),
    "odds_identity_gap": float(odds_gap),
    "meng_identity_gap": float(meng_gap),
    "meng_cces_n_eff": float(0.01 / 0.99 / 0.005**2),
    "phone_bias_rho_0_02": float(phone_bias),
    "phone_n_eff_rho_0_02": float(phone_n_eff),
    "manski_low_70_r_0_10": float(bias.manski_bounds(0.70, 0.10).low),
    "manski_high_70_r_0_10": float(bias.manski_bounds(0.70, 0.10).high),
    "tipping_55": float(tip55.value),
    "tipping_70": float(tip70.value),
    "tipping_55_upper_bound": float(tip55_high.value),
}
KEY"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)


if __name__ == "__main__":
    path = Path(__file__).with_name(NOTEBOOK)
    nbformat.write(build(), path)
    print(f"wrote {path}")
