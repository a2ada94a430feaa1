"""Make the surveystats teaching data: a synthetic country with known truth, and samples of it.

The population is about 200,000 adults in 8 regions (the strata) and 500 municipalities (the
primary sampling units, PSUs). Every person has demographic variables and four outcomes built
with realistic structure: skewed income with municipality effects, a binary attitude
(``optimistic``) with a municipality random effect so that its intraclass correlation is a
few hundredths, TV trust, and daily hours online with about 3% missing. Four samples are
drawn from it under different designs, each carrying its design variables and weights, and
the population values of the usual estimands are written to ``truth.csv``, with population
margins for calibration in ``margins.csv``. The data card is ``README.md`` beside the data.

Everything is vectorised and seeded: one :class:`numpy.random.SeedSequence` (seed
``20251213``, the fieldwork date of the VTsIOM poll in ``load_vtsiom_2025``) is split into
independent streams for the population and for each sample, so that changing one design does
not change the population or the other samples. Running the script twice writes identical
files (``tests/test_teaching_data.py`` checks this).

Usage::

    python examples/data_generation/make_teaching_data.py            # writes the package data
    python examples/data_generation/make_teaching_data.py --out DIR  # writes somewhere else
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

SEED: Final = 20251213
"""Entropy of the root :class:`numpy.random.SeedSequence`."""

#: Strata, in file order: name, number of municipalities, target number of adults.
REGIONS: Final[tuple[str, ...]] = (
    "capital",
    "central",
    "northwest",
    "south",
    "volga",
    "urals",
    "siberia",
    "fareast",
)
N_MUNICIPALITIES: Final[tuple[int, ...]] = (40, 90, 55, 65, 100, 50, 60, 40)
TARGET_ADULTS: Final[tuple[int, ...]] = (
    30_000,
    34_000,
    19_000,
    23_000,
    40_000,
    17_000,
    23_000,
    11_000,
)
MIN_MUNICIPALITY_SIZE: Final = 30
AGE_GROUPS: Final[tuple[str, ...]] = ("18-34", "35-54", "55+")
SEXES: Final[tuple[str, ...]] = ("female", "male")
EDUCATION: Final[tuple[str, ...]] = ("secondary", "vocational", "higher")

# Region effects (same order as REGIONS).
_REGION_LOG_INCOME: Final = np.array([0.45, 0.00, 0.15, -0.15, -0.05, 0.10, 0.00, 0.20])
_REGION_OPTIMISM: Final = np.array([-0.45, 0.10, -0.20, 0.40, 0.15, 0.00, -0.10, -0.25])
_REGION_TRUST_TV: Final = np.array([-0.40, 0.10, -0.15, 0.25, 0.10, 0.00, -0.05, -0.10])
_REGION_EDUCATION: Final = np.array([0.80, 0.10, 0.30, -0.20, -0.05, 0.05, -0.10, 0.00])

# Designs.
SRS_N: Final = 1_600
STRATIFIED_N_PER_REGION: Final = 200  # equal allocation: small regions oversampled
CLUSTER1_N_PSU: Final = 40
CLUSTER2_PSU_PER_REGION: Final[tuple[int, ...]] = (6, 6, 4, 4, 6, 3, 4, 2)
CLUSTER2_PERSONS_PER_PSU: Final = 12

#: Columns of the population file, in order; every sample file starts with them.
PERSON_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "region",
    "municipality",
    "urban",
    "age_group",
    "sex",
    "education",
    "has_mobile",
    "income",
    "optimistic",
    "trust_tv",
    "hours_online",
)
#: File names, in the order they are written.
FILES: Final[tuple[str, ...]] = (
    "population.csv.gz",
    "srs.csv",
    "stratified.csv",
    "cluster1.csv",
    "cluster2.csv",
    "truth.csv",
    "margins.csv",
)
DEFAULT_OUT: Final = (
    Path(__file__).resolve().parents[2] / "surveystats" / "datasets" / "data" / "teaching"
)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of ``probs`` (rows sum to 1): the index of the chosen category."""
    cumulative = np.cumsum(probs, axis=1)
    u: np.ndarray = rng.random(size=(probs.shape[0],))
    return (u[:, None] >= cumulative[:, :-1]).sum(axis=1)


def _srs_within(groups: np.ndarray, take: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Simple random sampling without replacement within groups, vectorised.

    ``groups`` holds a group code 0..G-1 per unit and ``take`` the number to draw from each
    group. Sorting the units by (group, uniform key) and keeping the first ``take[g]`` of every
    group gives every subset of that size the same probability. Returns a boolean mask.
    """
    key = rng.random(groups.size)
    order = np.lexsort((key, groups))
    sizes = np.bincount(groups, minlength=take.size)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.empty(groups.size, dtype=np.int64)
    rank[order] = np.arange(groups.size) - np.repeat(starts, sizes)
    if np.any(take > sizes):
        raise ValueError(f"take ({take}) exceeds the group sizes ({sizes})")
    return rank < take[groups]


def build_population(rng: np.random.Generator) -> pd.DataFrame:
    """Build the synthetic population of adults (one row per person), vectorised."""
    n_regions = len(REGIONS)
    m_h = np.array(N_MUNICIPALITIES)

    # Municipalities: lognormal sizes scaled to the region's target, at least 30 adults.
    psu_region = np.repeat(np.arange(n_regions), m_h)
    raw = rng.lognormal(0.0, 0.8, psu_region.size)
    share = raw / np.bincount(psu_region, weights=raw)[psu_region]
    size = np.maximum(
        MIN_MUNICIPALITY_SIZE, np.rint(share * np.array(TARGET_ADULTS)[psu_region])
    ).astype(np.int64)
    # Urban: larger places are more likely towns; the capital region is all urban.
    median_size = np.median(size)
    p_urban = _logistic(0.3 + 1.6 * np.log(size / median_size))
    psu_urban = (rng.random(psu_region.size) < p_urban) | (psu_region == 0)
    # Municipality random effects (independent normals).
    psu_effect = rng.normal(0.0, 1.0, size=(5, psu_region.size))
    eff_income = 0.20 * psu_effect[0]
    eff_optimism = 0.40 * psu_effect[1]
    eff_trust = 0.30 * psu_effect[2]
    eff_online = 0.10 * psu_effect[3]
    eff_education = 0.25 * psu_effect[4]

    # People.
    psu = np.repeat(np.arange(psu_region.size), size)
    n = psu.size
    region = psu_region[psu]
    urban = psu_urban[psu]
    age_probs = np.where(urban[:, None], np.array([0.31, 0.35, 0.34]), np.array([0.24, 0.33, 0.43]))
    age = _categorical(rng, age_probs)
    female = rng.random(n) < np.array([0.49, 0.53, 0.61])[age]
    edu_latent = (
        np.array([0.35, 0.15, -0.45])[age]
        + 0.45 * urban
        + 0.15 * female
        + _REGION_EDUCATION[region]
        + eff_education[psu]
        + rng.logistic(0.0, 1.0, n)
    )
    education = np.searchsorted(np.array([-0.75, 1.45]), edu_latent)
    higher = education == 2
    has_mobile = rng.random(n) < _logistic(
        3.4 - np.array([0.0, 0.7, 2.3])[age] - 0.7 * ~urban + 0.4 * higher
    )
    log_income = (
        3.30
        + _REGION_LOG_INCOME[region]
        + eff_income[psu]
        + np.array([-0.05, 0.15, -0.25])[age]
        + np.array([-0.25, 0.0, 0.35])[education]
        + 0.15 * urban
        - 0.12 * female
        + rng.normal(0.0, 0.55, n)
    )
    income = np.round(np.exp(log_income), 1)
    trust_tv = rng.random(n) < _logistic(
        -0.40
        + np.array([-0.9, 0.0, 1.0])[age]
        + 0.4 * ~urban
        - 0.5 * higher
        + _REGION_TRUST_TV[region]
        + eff_trust[psu]
    )
    optimistic = rng.random(n) < _logistic(
        0.45
        + np.array([-0.30, 0.0, 0.30])[age]
        + 1.0 * trust_tv
        + 0.20 * np.log(income / 30.0)
        + _REGION_OPTIMISM[region]
        + eff_optimism[psu]
    )
    mean_hours = (
        np.array([4.6, 3.0, 1.5])[age]
        * np.where(urban, 1.15, 0.85)
        * np.where(has_mobile, 1.0, 0.4)
        * np.where(higher, 1.1, 1.0)
        * np.exp(eff_online[psu])
    )
    hours = np.minimum(np.round(rng.gamma(2.0, mean_hours / 2.0), 1), 18.0)
    # About 3% missing, more often among the oldest (missing at random given age).
    missing = rng.random(n) < np.array([0.02, 0.025, 0.045])[age]
    hours_online = np.where(missing, np.nan, hours)

    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "region": np.array(REGIONS)[region],
            "municipality": psu + 1,
            "urban": urban,
            "age_group": np.array(AGE_GROUPS)[age],
            "sex": np.where(female, SEXES[0], SEXES[1]),
            "education": np.array(EDUCATION)[education],
            "has_mobile": has_mobile.astype(np.int64),
            "income": income,
            "optimistic": optimistic.astype(np.int64),
            "trust_tv": trust_tv.astype(np.int64),
            "hours_online": hours_online,
        }
    )
    return frame


def _codes(values: pd.Series, levels: Sequence[str]) -> np.ndarray:
    return pd.Categorical(values, categories=list(levels)).codes.astype(np.int64)


def draw_srs(population: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Simple random sample of ``SRS_N`` persons without replacement; fpc = N."""
    n_pop = len(population)
    chosen = np.sort(rng.choice(n_pop, size=SRS_N, replace=False))
    sample = population.iloc[chosen].reset_index(drop=True)
    sample["fpc"] = n_pop
    sample["weight"] = n_pop / SRS_N
    return sample


def draw_stratified(population: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Stratified SRS by region, ``STRATIFIED_N_PER_REGION`` each; fpc = N_h."""
    stratum = _codes(population["region"], REGIONS)
    n_h = np.bincount(stratum, minlength=len(REGIONS))
    take = np.full(len(REGIONS), STRATIFIED_N_PER_REGION)
    mask = _srs_within(stratum, take, rng)
    sample = population.loc[mask].reset_index(drop=True)
    code = stratum[mask]
    sample["fpc"] = n_h[code]
    sample["weight"] = n_h[code] / take[code]
    return sample


def draw_cluster1(population: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One-stage cluster sample: SRS of municipalities, everyone in them; fpc = M."""
    municipalities = np.unique(population["municipality"].to_numpy())
    n_psu = municipalities.size
    chosen = rng.choice(municipalities, size=CLUSTER1_N_PSU, replace=False)
    mask = population["municipality"].isin(chosen).to_numpy()
    sample = population.loc[mask].reset_index(drop=True)
    sample["fpc"] = n_psu
    sample["weight"] = n_psu / CLUSTER1_N_PSU
    return sample


def draw_cluster2(population: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Two-stage sample: SRS of municipalities within region, then SRS of persons within.

    fpc1 = M_h (municipalities in the region), fpc2 = N_i (adults in the municipality).
    """
    municipality = population["municipality"].to_numpy()
    psu_ids, psu_code, psu_size = np.unique(municipality, return_inverse=True, return_counts=True)
    stratum = _codes(population["region"], REGIONS)
    psu_stratum = np.zeros(psu_ids.size, dtype=np.int64)
    psu_stratum[psu_code] = stratum
    m_h = np.bincount(psu_stratum, minlength=len(REGIONS))
    take_psu = np.array(CLUSTER2_PSU_PER_REGION)
    psu_chosen = _srs_within(psu_stratum, take_psu, rng)
    # Second stage: a fixed number per selected municipality (not selected ones take 0).
    take_person = np.where(psu_chosen, CLUSTER2_PERSONS_PER_PSU, 0)
    mask = _srs_within(psu_code, take_person, rng)
    sample = population.loc[mask].reset_index(drop=True)
    code = psu_code[mask]
    h = psu_stratum[code]
    sample["fpc1"] = m_h[h]
    sample["fpc2"] = psu_size[code]
    sample["weight"] = (m_h[h] / take_psu[h]) * (psu_size[code] / CLUSTER2_PERSONS_PER_PSU)
    return sample


def _quantile(x: np.ndarray, p: float) -> float:
    """Population quantile: the smallest value whose population CDF reaches ``p``."""
    ordered = np.sort(x)
    return float(ordered[int(np.ceil(p * ordered.size)) - 1])


def _icc(values: np.ndarray, cluster: np.ndarray) -> float:
    """ANOVA intraclass correlation of ``values`` within ``cluster`` (unequal sizes)."""
    _, code, sizes = np.unique(cluster, return_inverse=True, return_counts=True)
    n, k = values.size, sizes.size
    means = np.bincount(code, weights=values) / sizes
    grand = values.mean()
    ssb = float(np.sum(sizes * (means - grand) ** 2))
    ssw = float(np.sum((values - means[code]) ** 2))
    msb, msw = ssb / (k - 1), ssw / (n - k)
    m0 = (n - np.sum(sizes**2) / n) / (k - 1)
    return (msb - msw) / (msb + (m0 - 1) * msw)


def compute_truth(population: pd.DataFrame) -> pd.DataFrame:
    """Population values of the usual estimands, overall and by region (one row each)."""
    rows: list[tuple[str, str, str, float, float, int]] = []
    nan = float("nan")
    domains = [("all", np.ones(len(population), dtype=bool))] + [
        (name, (population["region"] == name).to_numpy()) for name in REGIONS
    ]
    for domain, in_domain in domains:
        part = population.loc[in_domain]
        income = part["income"].to_numpy()
        hours_all = part["hours_online"].to_numpy()
        observed = ~np.isnan(hours_all)
        hours = hours_all[observed]
        rows.append(("count", "persons", domain, nan, float(len(part)), len(part)))
        rows.append(("mean", "income", domain, nan, float(income.mean()), income.size))
        rows.append(("mean", "hours_online", domain, nan, float(hours.mean()), hours.size))
        for variable in ("optimistic", "trust_tv", "has_mobile"):
            x = part[variable].to_numpy()
            rows.append(("proportion", variable, domain, nan, float(x.mean()), x.size))
        rows.append(("total", "income", domain, nan, float(income.sum()), income.size))
        rows.append(("total", "hours_online", domain, nan, float(hours.sum()), hours.size))
        for variable in ("optimistic", "trust_tv", "has_mobile"):
            x = part[variable].to_numpy()
            rows.append(("total", variable, domain, nan, float(x.sum()), x.size))
        ratio = float(income[observed].sum() / hours.sum())
        rows.append(("ratio", "income/hours_online", domain, nan, ratio, hours.size))
        for p in (0.25, 0.5, 0.75):
            rows.append(("quantile", "income", domain, p, _quantile(income, p), income.size))
    municipality = population["municipality"].to_numpy()
    for variable in ("optimistic", "trust_tv", "income"):
        x = population[variable].to_numpy().astype(np.float64)
        rows.append(("icc", variable, "all", nan, _icc(x, municipality), x.size))
    return pd.DataFrame(
        rows, columns=["statistic", "variable", "region", "probability", "value", "n"]
    )


def compute_margins(population: pd.DataFrame) -> pd.DataFrame:
    """Population counts for calibration: total, region, age_group, sex, age_group x sex."""
    parts = [pd.DataFrame({"margin": ["total"], "count": [len(population)]})]
    for margin, columns in (
        ("region", ["region"]),
        ("age_group", ["age_group"]),
        ("sex", ["sex"]),
        ("age_group x sex", ["age_group", "sex"]),
    ):
        counts = population.groupby(columns, sort=True).size().rename("count").reset_index()
        if margin == "region":  # file order of the regions, not alphabetical
            counts = counts.set_index("region").loc[list(REGIONS)].reset_index()
        counts.insert(0, "margin", margin)
        parts.append(counts)
    margins = pd.concat(parts, ignore_index=True)
    columns = ["margin", "region", "age_group", "sex", "count"]
    return margins.reindex(columns=columns).astype(
        {
            "margin": "string",
            "region": "string",
            "age_group": "string",
            "sex": "string",
            "count": "int64",
        }
    )


def make_teaching_data(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Build the population, the four samples, the truth and the margins (keyed by file)."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    population = build_population(streams[0])
    return {
        "population.csv.gz": population,
        "srs.csv": draw_srs(population, streams[1]),
        "stratified.csv": draw_stratified(population, streams[2]),
        "cluster1.csv": draw_cluster1(population, streams[3]),
        "cluster2.csv": draw_cluster2(population, streams[4]),
        "truth.csv": compute_truth(population),
        "margins.csv": compute_margins(population),
    }


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV text of ``frame`` as written: booleans as 0/1, missing as an empty field."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].astype(np.int64)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_teaching_data(frames: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, str]:
    """Write every frame to ``out_dir``; return the SHA-256 of each file's CSV text.

    ``.csv.gz`` files are gzip-compressed with a zero timestamp and no file name in the
    header, so the bytes depend only on the data (and the zlib build).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    for name in FILES:
        data = to_csv_bytes(frames[name])
        digests[name] = hashlib.sha256(data).hexdigest()
        payload = gzip.compress(data, compresslevel=6, mtime=0) if name.endswith(".gz") else data
        (out_dir / name).write_bytes(payload)
    return digests


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--seed", type=int, default=SEED, help="root seed")
    args = parser.parse_args(argv)
    frames = make_teaching_data(args.seed)
    digests = write_teaching_data(frames, args.out)
    for name, digest in digests.items():
        size = (args.out / name).stat().st_size
        rows = len(frames[name])
        print(f"{name:18s} {rows:>8,d} rows {size / 1e6:7.3f} MB  sha256 {digest[:12]}")


if __name__ == "__main__":
    main()
