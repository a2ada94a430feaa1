"""Designs over a Dask DataFrame give the in-memory numbers (issue 13, deliverables 1 and 2).

The distributed path runs on a ``distributed.LocalCluster`` of two worker processes (so every
partition's sums travel between processes, pickled, as on a real cluster) and is compared
with the in-memory path to 1e-12 relative (estimates, variances, covariances, design
effects, intervals; df, n and labels exactly):

* on every R reference design of ``tests/reference/design/`` that a Dask design can hold
  (the Taylor designs, the lonely-PSU ones, supplied replicate weights, and the replicate
  weights of every ``as.svrepdesign`` type read back as supplied columns), with the
  estimator calls of ``design_reference.csv``, the data split into uneven partitions with
  empty ones;
* on synthetic data that stresses what partitions change: PSUs spanning partitions,
  strata in one partition only, empty partitions, a level of a factor in one partition
  only, lonely PSUs, missing values, zero weights, many domains, a variable whose mean is
  2,000 times its spread, two-stage fpc and implied weights;
* bad input: each error names the parameter (and what runs instead, for what does not
  run on Dask).

Skipped, with the reason, only when Dask is not installed (``make test`` installs it).
"""

from __future__ import annotations

import functools
import itertools
import re
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask", reason="Dask is not installed: pip install "
                           "'surveystats[dask]' (make test installs it)")
dd = pytest.importorskip("dask.dataframe", reason="dask[dataframe] is not installed")
distributed = pytest.importorskip("distributed", reason="distributed is not installed")

from surveystats.design import DesignEstimate, ReplicateDesign, SurveyDesign  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from test_design_reference import (  # noqa: E402
    COMPARED,
    DESIGNS,
    REPLICATE,
    VARIABLES,
    data_for,
)

RTOL = 1e-12


@pytest.fixture(scope="module", autouse=True)
def cluster() -> Iterator[Any]:
    """Two worker processes, one thread each (the machine has two cores)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's notes about ports and memory
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as lc, \
                distributed.Client(lc) as client:
            yield client


def split(df: pd.DataFrame, bounds: list[int]) -> Any:
    """``df`` as a Dask DataFrame whose partitions are the rows between ``bounds``, held by
    the cluster's workers (as a data set read once would be)."""
    parts = [df.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    return dd.from_delayed([dask.delayed(p) for p in parts], meta=df.iloc[:0],
                           verify_meta=False).persist()


def uneven(n: int) -> list[int]:
    """Partition bounds with empty partitions, a one-row partition and unequal sizes."""
    cuts = sorted({0, n // 9, n // 3, n // 3 + 1, (2 * n) // 3, n - 1, n})
    return [0, 0, *cuts[1:], n]


def close(a: Any, b: Any, rtol: float = RTOL, atol: Any = 0.0) -> bool:
    """Equal to ``rtol`` relative (plus ``atol``), NaN where NaN; values below 1e-24 of the
    largest are rounding noise of an exact 0 (a domain of one PSU: 1e-30 where the SEs are
    10) and count as 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    scale = np.maximum(np.abs(a), np.abs(b))
    noise = 1e-24 * float(np.nanmax(np.where(np.isfinite(scale), scale, 0.0)))
    both_nan = np.isnan(a) & np.isnan(b)
    ok = both_nan | (np.abs(a - b) <= rtol * scale + atol) | (a == b) | (scale <= noise)
    return bool(ok.all())


def same_estimate(a: DesignEstimate, b: DesignEstimate, rtol: float = RTOL,
                  floor: Any = 0.0) -> None:
    """``b`` (Dask) is ``a`` (in memory) up to rounding: values to ``rtol`` relative (a
    covariance matrix relative to its largest entry), counts and labels exactly. ``floor``:
    an absolute tolerance of the variances (and in proportion, of the design effects), for
    variances that are the rounding noise of a 0."""
    for name in ("statistic", "variable", "level", "domain", "by", "deff_kind", "method"):
        assert getattr(a, name) == getattr(b, name), name
    assert np.array_equal(a.df, b.df), (a.df, b.df)
    assert np.array_equal(a.n, b.n), (a.n, b.n)
    assert close(a.estimate, b.estimate, rtol), (a.estimate, b.estimate)
    assert close(a.variances, b.variances, rtol, floor), (a.variances, b.variances)
    assert (a.var is None) == (b.var is None)
    if a.var is not None:
        big = float(np.max(np.abs(a.var))) or 1.0
        assert float(np.max(np.abs(a.var - b.var))) <= rtol * big + np.max(floor)
    assert (a.deff is None) == (b.deff is None)
    if a.deff is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            per = np.where(a.variances > 0, np.abs(a.deff) / a.variances, 0.0)
        assert close(a.deff, b.deff, 1e4 * rtol, floor * per), (a.deff, b.deff)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ca, cb = a.confint(), b.confint()
    num = [c for c in ca.columns if pd.api.types.is_float_dtype(ca[c])]
    assert close(ca[num].to_numpy(), cb[num].to_numpy(), 1e3 * rtol)


def same_outcome(memory: Callable[[], Any], lazy: Callable[[], Any], floor: Any = 0.0
                 ) -> None:
    """Both give the same estimate (``floor`` as for :func:`same_estimate`), or both raise
    the same error (the message too, unless it names rows, which a partition numbers its
    own way)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = memory()
    except (ValueError, TypeError) as exc:
        with pytest.raises(type(exc)) as info, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lazy()
        if "row" not in str(exc):
            assert str(info.value) == str(exc)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = lazy()
    same_estimate(want, got, floor=floor)


# --- the R reference designs -----------------------------------------------------------------

_ROWS = COMPARED[COMPARED["estimator"].isin(["mean", "total", "proportion", "ratio",
                                             "ciprop"])]
_CALLS = _ROWS.assign(
    narm=_ROWS["args"].str.contains("na.rm=TRUE"),
    kind=_ROWS["estimator"].replace({"ciprop": "proportion"}),
)[["design", "kind", "variable", "by", "narm"]].drop_duplicates()


def reference_calls(did: str) -> list[Callable[[Any], DesignEstimate]]:
    """The estimator calls that ``design_reference.csv`` makes on design ``did``."""
    calls = []
    for row in _CALLS[_CALLS["design"] == did].itertuples(index=False):
        opts: dict[str, Any] = {"by": row.by or None,
                                "missing": "drop" if row.narm else "error"}
        if row.variable == "api00+api99":
            calls.append(lambda d, o=opts: d.mean(["api00", "api99"], deff="wor", **o))
        elif row.kind == "ratio":
            num, den = row.variable.split("/")
            calls.append(lambda d, n=num, m=den, o=opts: d.ratio(n, m, deff="wr", **o))
        elif row.kind == "proportion":
            var = VARIABLES.get(row.variable, row.variable)
            calls.append(lambda d, v=var, o=opts: d.proportion(v, deff="wor", **o))
        else:
            calls.append(lambda d, k=row.kind, v=row.variable, o=opts:
                         getattr(d, k)(v, deff="wr", **o))
    return calls


TAYLOR_IDS = sorted(d for d in DESIGNS if d in set(_CALLS["design"]))


@pytest.mark.parametrize("did", TAYLOR_IDS)
def test_r_reference_taylor_designs(did: str) -> None:
    kind, kwargs = DESIGNS[did]
    data = data_for(kind)
    memory = SurveyDesign(data, **kwargs)
    lazy = SurveyDesign(split(data, uneven(len(data))), **kwargs)
    assert repr(lazy) == repr(memory)
    assert (lazy.degf, lazy.n_obs, lazy.n_psu, lazy.n_strata, lazy.lonely_strata) == (
        memory.degf, memory.n_obs, memory.n_psu, memory.n_strata, memory.lonely_strata)
    calls = reference_calls(did)
    assert calls
    for call in calls:
        same_outcome(lambda c=call: c(memory), lambda c=call: c(lazy))


def _with_replicates(did: str) -> tuple[pd.DataFrame, dict[str, Any], ReplicateDesign]:
    """A replicate design of the reference with its replicate weights as columns of its
    data: the supplied ones as the reference declares them, and those of the
    ``as.svrepdesign`` ids as ``r1``, ``r2``, ... with the full-sample weights in ``w``
    (declared with the design's scale, rscales and mse)."""
    factory = REPLICATE[did]
    if isinstance(factory, functools.partial):
        return factory.args[0], dict(factory.keywords), factory()
    design = factory()
    data = data_for(DESIGNS[did.rsplit("_", 1)[0]][0])
    names = [f"r{j + 1}" for j in range(design.n_replicates)]
    reps = pd.DataFrame(design.replicate_weights, columns=names, index=data.index)
    data = pd.concat([data.assign(w=design.weights), reps], axis=1)
    kwargs = {"replicate_weights": names, "weights": "w", "scale": design.scale,
              "rscales": design.rscales, "mse": design.mse}
    return data, kwargs, ReplicateDesign(data, **kwargs)


#: Every replicate design of the reference but two whose weights another already covers on
#: Dask (R's JK1 weights of clus1 are the supplied ones; strat_clus_jkn is JKn as strat_jkn).
REPLICATE_IDS = sorted(d for d in REPLICATE if d in set(_CALLS["design"])
                       and d not in ("clus1_jk1", "strat_clus_jkn"))


@pytest.mark.parametrize("did", REPLICATE_IDS)
def test_r_reference_replicate_designs(did: str) -> None:
    data, kwargs, memory = _with_replicates(did)
    lazy = ReplicateDesign(split(data, uneven(len(data))), **kwargs)
    assert repr(lazy) == repr(memory)
    assert (lazy.degf, lazy.n_obs, lazy.n_replicates) == (memory.degf, memory.n_obs,
                                                           memory.n_replicates)
    for call in reference_calls(did):
        same_outcome(lambda c=call: c(memory), lambda c=call: c(lazy))


# --- synthetic data ------------------------------------------------------------------------


def synthetic(seed: int, n: int = 3000, strata: int = 12, psus: int = 5) -> pd.DataFrame:
    """A stratified cluster sample with what partitions could get wrong: unequal PSUs, a
    lonely-PSU stratum, zero weights, missing values, a factor with a rare level, a
    variable whose mean is 2,000 times its spread, domains with missing values."""
    rng = np.random.default_rng(seed)
    h = rng.integers(0, strata, n)
    psu = h * 100 + rng.integers(0, psus, n)
    psu[h == strata - 1] = (strata - 1) * 100  # a stratum with one PSU
    w = rng.uniform(1, 30, n)
    w[rng.random(n) < 0.03] = 0.0
    y = rng.gamma(2.0, 10.0, n) + 0.5 * h
    z = np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n))
    cat = rng.choice(np.array(["no", "yes", "unsure"], dtype=object), n, p=[0.5, 0.45, 0.05])
    cat[0] = "rare"  # a level in the first partition only
    dom = rng.choice(np.array(["a", "b", "c"], dtype=object), n)
    dom[rng.random(n) < 0.02] = None
    frame = pd.DataFrame({
        "h": h, "psu": psu, "w": w, "y": y, "big": 2000.0 + rng.normal(size=n) + 0.1 * h,
        "z": z, "b": (rng.random(n) < 0.3 + 0.02 * h).astype(int),
        "x": rng.uniform(1, 5, n), "cat": cat, "dom": dom, "g": rng.integers(0, 2, n),
        "ssu": psu * 10 + rng.integers(0, 3, n),
    })
    frame["N1"] = psus * 4 + 1.0 * (h % 3)  # PSUs in each stratum's population
    frame["N2"] = frame.groupby("psu")["ssu"].transform("nunique") * 5.0
    return frame


def _calls(big: str = "big") -> list[Callable[[Any], DesignEstimate]]:
    return [
        lambda d: d.mean(["y", big], deff="wor"),
        lambda d: d.total("y", by="dom", missing="drop", deff="wr"),
        lambda d: d.mean("z", by=["g", "dom"], missing="drop", deff="wor"),
        lambda d: d.proportion("cat", by="g", deff="wr"),
        lambda d: d.proportion("b", level=1, by="dom", missing="drop", method="beta"),
        lambda d: d.ratio(["y", "z"], "x", by="g", missing="drop", deff="wor"),
        lambda d: d.mean(["b", "cat"], missing="drop"),
        lambda d: d.total(["cat"], by="g"),
    ]


def orders(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The rows as they come (PSUs spread over every partition), and sorted by stratum
    and PSU (strata and PSUs in one partition each, mostly)."""
    return [("shuffled", df), ("sorted", df.sort_values(["h", "psu"], kind="stable"))]


SYNTHETIC_DESIGNS: dict[str, dict[str, Any]] = {
    "clustered_adjust": {"strata": "h", "clusters": "psu", "weights": "w",
                         "lonely_psu": "adjust", "adjust_domain_lonely": True},
    "clustered_average": {"strata": "h", "clusters": "psu", "weights": "w",
                          "lonely_psu": "average", "adjust_domain_lonely": True},
    "clustered_remove": {"strata": "h", "clusters": "psu", "weights": "w",
                         "lonely_psu": "remove"},
    "two_stage_fpc": {"strata": "h", "clusters": ["psu", "ssu"], "fpc": ["N1", "N2"],
                      "lonely_psu": "certainty"},
    "element_fpc": {"strata": "h", "fpc": "N1"},
    "element_weights": {"strata": "h", "weights": "w", "lonely_psu": "average",
                        "adjust_domain_lonely": True},
    "srs_fpc": {"fpc": "N1"},
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC_DESIGNS))
def test_synthetic_designs(name: str) -> None:
    kwargs = dict(SYNTHETIC_DESIGNS[name])
    base = synthetic(7)
    if name == "srs_fpc":
        base = base.assign(N1=50_000.0)
    if name.startswith("element"):
        base = base.assign(N1=base.groupby("h")["h"].transform("size") * 40.0)
    if name == "two_stage_fpc":
        base = base.assign(N1=base.groupby("h")["psu"].transform("nunique") * 4.0)
    for _, df in orders(base):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            memory = SurveyDesign(df, **kwargs)
            lazy = SurveyDesign(split(df, [0, 0, 1, 400, 400, 1700, 2999, 3000, 3000]),
                                **kwargs)
        assert repr(lazy) == repr(memory)
        for call in _calls():
            same_outcome(lambda c=call, m=memory: c(m), lambda c=call, z=lazy: c(z))


@pytest.mark.parametrize("rule", ["adjust", "average"])
def test_lonely_psus_within_domains(rule: str) -> None:
    # the data and designs of tests/test_design_domain_lonely.py (R's
    # survey.adjust.domain.lonely): strata with a single PSU within a domain
    from test_design_domain_lonely import _data

    d = _data()
    for adjust in (False, True):
        for kwargs, by in (({"strata": "stype", "weights": "pw", "fpc": "fpc"}, "g"),
                           ({"clusters": "dnum", "strata": "stype", "weights": "pw",
                             "nest": True}, "g2")):
            kwargs = {**kwargs, "lonely_psu": rule, "adjust_domain_lonely": adjust}
            memory = SurveyDesign(d, **kwargs)
            lazy = SurveyDesign(split(d, [0, 0, 37, 150, 151, len(d)]), **kwargs)
            for stat in ("mean", "total"):
                same_outcome(lambda m=memory, s=stat, b=by: getattr(m, s)("api00", by=b),
                             lambda m=lazy, s=stat, b=by: getattr(m, s)("api00", by=b))


def test_categorical_dtype_and_mixed_kinds() -> None:
    df = synthetic(41, n=1500)
    df["cat"] = pd.Categorical(df["cat"], categories=["yes", "no", "unsure", "rare", "never"])
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w", "lonely_psu": "remove"}
    memory = SurveyDesign(df, **kwargs)
    lazy = SurveyDesign(split(df, [0, 1, 500, 1500]), **kwargs)
    for call in (lambda d: d.proportion("cat", by="g"), lambda d: d.mean("cat"),
                 lambda d: d.total("y", by=["cat", "g"])):
        same_outcome(lambda c=call: c(memory), lambda c=call: c(lazy))
    # categories in their order, the unused "never" with a share of 0, as in memory
    assert lazy.mean("cat").level == ("yes", "no", "unsure", "rare", "never")
    # numbers in one partition and text in another: a TypeError naming the column (Dask
    # stores object columns as text, so the numbers arrive as numbers stored as text)
    mixed = df.assign(code=np.where(np.arange(1500) < 700, 1, 2).astype(object))
    mixed.loc[900:, "code"] = "two"
    lazy = SurveyDesign(split(mixed, [0, 800, 1500]), **kwargs)
    with pytest.raises(TypeError, match=r"variables \('code'\) (holds numbers|mixes)"):
        lazy.mean("code")


def test_synthetic_replicate_designs() -> None:
    df = synthetic(11, n=2000)
    boot = SurveyDesign(df, strata="h", clusters="psu", weights="w",
                        lonely_psu="certainty").to_replicate("bootstrap", replicates=24, rng=3)
    names = [f"pw{j}" for j in range(1, 25)]
    reps = pd.DataFrame(boot.replicate_weights.astype(np.float32), columns=names,
                        index=df.index)
    data = pd.concat([df, reps], axis=1)  # float32, as the ACS ships them
    for mse in (False, True):
        kwargs = {"replicate_weights": "pw[0-9]", "weights": "w", "type": "bootstrap",
                  "mse": mse}
        memory = ReplicateDesign(data, **kwargs)
        for bounds in ([0, 0, 700, 700, 1999, 2000], [0, 2000]):
            lazy = ReplicateDesign(split(data, bounds), **kwargs)
            assert (lazy.degf, lazy.n_obs) == (memory.degf, memory.n_obs)
            for call in _calls(big="x"):
                same_outcome(lambda c=call, m=memory: c(m), lambda c=call, z=lazy: c(z))
            # a mean 77,000 times its SE: each replicate's mean agrees with the full
            # sample's in its first 5 digits, which their difference loses, in memory as
            # here; the two paths agree to what the in-memory numbers carry (1e-16 / 1.3e-5)
            same_estimate(memory.mean("big"), lazy.mean("big"), rtol=1e-10)


def test_successive_difference_replicates_and_a_given_df() -> None:
    # the ACS's form: 80 SDR replicate weights (made here from a design), type="sdr"
    df = synthetic(43, n=1200)
    sdr = SurveyDesign(df, weights="w", clusters="psu").to_replicate("sdr")
    names = [f"PWGTP{r}" for r in range(1, 81)]
    data = pd.concat([df, pd.DataFrame(sdr.replicate_weights.astype(np.float32),
                                       columns=names, index=df.index)], axis=1)
    for extra in ({}, {"df": 30}):
        kwargs = {"replicate_weights": "PWGTP[0-9]+", "weights": "w", "type": "sdr", **extra}
        memory = ReplicateDesign(data, **kwargs)
        lazy = ReplicateDesign(split(data, [0, 0, 500, 1200]), **kwargs)
        assert (lazy.degf, lazy.scale, lazy.mse) == (memory.degf, memory.scale, memory.mse)
        for call in (lambda d: d.total("b", by="g"), lambda d: d.mean("y", deff="wor")):
            same_outcome(lambda c=call, m=memory: c(m), lambda c=call, z=lazy: c(z))


def test_rank_deficient_replicates_take_the_second_pass() -> None:
    # replicates 5 and 6 repeat 3 and 4: the rank, and R's degf, is 6 - 1, decided from the
    # Gram matrix of every row (the certificate on every eighth row cannot prove full rank)
    df = synthetic(5, n=600)
    rng = np.random.default_rng(2)
    reps = df["w"].to_numpy()[:, None] * rng.uniform(0.5, 1.5, (600, 4))
    reps = np.concatenate([reps, reps[:, 2:4]], axis=1)
    data = df.assign(**{f"r{j}": reps[:, j] for j in range(6)})
    kwargs = {"replicate_weights": "r[0-9]", "weights": "w", "scale": 0.2}
    memory = ReplicateDesign(data, **kwargs)
    lazy = ReplicateDesign(split(data, [0, 100, 350, 600]), **kwargs)
    assert lazy.degf == memory.degf == 3
    same_outcome(lambda: memory.mean("y", by="dom", missing="drop"),
                 lambda: lazy.mean("y", by="dom", missing="drop"))


def test_many_domains_keep_the_variances_only() -> None:
    df = synthetic(3, n=6000).assign(many=lambda f: np.arange(len(f)) % 2500)
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w", "lonely_psu": "remove"}
    memory = SurveyDesign(df, **kwargs)
    lazy = SurveyDesign(split(df, [0, 1234, 3000, 6000]), **kwargs)
    want, got = memory.mean("y", by="many"), lazy.mean("y", by="many")
    assert got.var is None and len(got) == 2500
    same_estimate(want, got)
    elements = SurveyDesign(df, strata="h", weights="w")
    lazy = SurveyDesign(split(df, [0, 1234, 3000, 6000]), strata="h", weights="w")
    same_estimate(elements.total("y", by="many"), lazy.total("y", by="many"))


def test_partitioning_changes_rounding_only() -> None:
    df = synthetic(13)
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w", "lonely_psu": "adjust"}
    results = [SurveyDesign(split(df, bounds), **kwargs).mean("big", by="cat")
               for bounds in ([0, 3000], [0, 1, 2, 3, 1500, 3000], [0, 500, 1000, 3000])]
    for other in results[1:]:
        same_estimate(results[0], other)


def test_constant_variable_has_zero_variance() -> None:
    df = synthetic(17).assign(one=2.5, twice=lambda f: 2.0 * f["x"])
    for kwargs in ({"strata": "h", "clusters": "psu", "weights": "w",
                    "lonely_psu": "remove"}, {"strata": "h", "weights": "w"}):
        memory = SurveyDesign(df, **kwargs)
        lazy = SurveyDesign(split(df, [0, 10, 2000, 3000]), **kwargs)
        for call in (lambda d: d.mean("one", by="dom", missing="drop"),
                     lambda d: d.ratio("twice", "x"), lambda d: d.mean("one")):
            want, got = call(memory), call(lazy)
            assert np.all(got.variances == 0.0) and np.all(want.variances == 0.0)
            same_estimate(want, got)


def test_lonely_psu_fail_names_the_stratum() -> None:
    df = synthetic(19)
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w"}
    memory = SurveyDesign(df, **kwargs)
    lazy = SurveyDesign(split(df, [0, 1000, 3000]), **kwargs)
    assert lazy.lonely_strata == memory.lonely_strata == ("11",)
    same_outcome(lambda: memory.mean("y"), lambda: lazy.mean("y"))
    with pytest.raises(ValueError, match="lonely_psu='fail': 1 stratum has a single"):
        lazy.mean("y")


def test_from_parquet(tmp_path: Path) -> None:
    df = synthetic(23, n=2500)
    folder = tmp_path / "survey"
    folder.mkdir()
    for i, (a, b) in enumerate([(0, 700), (700, 701), (701, 2500)]):  # three files
        df.iloc[a:b].to_parquet(folder / f"part-{i}.parquet", row_group_size=300)
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w", "lonely_psu": "adjust"}
    memory = SurveyDesign(df, **kwargs)
    for options in (None, {"split_row_groups": True}):
        lazy = SurveyDesign.from_parquet(folder, read_options=options, **kwargs)
        same_estimate(memory.mean("y", by="cat", deff="wor"),
                      lazy.mean("y", by="cat", deff="wor"))
    reps = {f"r{j}": (df["w"] * (1.0 + 0.1 * ((np.arange(2500) + j) % 7 - 3))).astype(
        np.float32) for j in range(8)}
    data = df.assign(**reps)
    data.to_parquet(tmp_path / "reps.parquet", row_group_size=400)
    want = ReplicateDesign(data, replicate_weights="^r[0-9]$", weights="w", type="jk1")
    got = ReplicateDesign.from_parquet(tmp_path / "reps.parquet", replicate_weights="^r[0-9]$",
                                       weights="w", type="jk1",
                                       read_options={"split_row_groups": True})
    assert got.degf == want.degf
    same_estimate(want.ratio("y", "x", by="dom", missing="drop"),
                  got.ratio("y", "x", by="dom", missing="drop"))


# --- bad input ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lazy_design() -> SurveyDesign:
    return SurveyDesign(split(synthetic(29, n=500), [0, 200, 500]), strata="h",
                        clusters="psu", weights="w", lonely_psu="remove")


def test_bad_columns_are_named(lazy_design: SurveyDesign) -> None:
    ddf = split(synthetic(29, n=500), [0, 500])
    with pytest.raises(ValueError, match=r"clusters \('psuu'\) is not a column of data; did "
                                         r"you mean 'psu'"):
        SurveyDesign(ddf, clusters="psuu")
    with pytest.raises(ValueError, match=r"by \('nope'\) is not a column of data"):
        lazy_design.mean("y", by="nope")
    with pytest.raises(ValueError, match=r"variables \('yy'\) is not a column"):
        lazy_design.mean("yy")
    with pytest.raises(ValueError, match=r"denominator \('xx'\) is not a column"):
        lazy_design.ratio("y", "xx")
    with pytest.raises(TypeError, match=r"numerator \('cat'\) must be numeric"):
        lazy_design.ratio("cat", "x")
    with pytest.raises(ValueError, match=r"'z' \(\d+ missing value\(s\)\): pass "
                                         r"missing='drop'"):
        lazy_design.mean("z")
    with pytest.raises(ValueError, match=r"by 'dom' \(\d+ missing value\(s\)\)"):
        lazy_design.mean("y", by="dom")
    with pytest.raises(ValueError, match=r"level \('maybe'\) is not a value of 'cat'; its "
                                         r"levels are 'no', 'rare', 'unsure', 'yes'"):
        lazy_design.proportion("cat", level="maybe")
    with pytest.raises(ValueError, match=r"missing \('skip'\) is not one of 'error', 'drop'"):
        lazy_design.mean("y", missing="skip")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"deff \(True\) is ambiguous"):
        lazy_design.mean("y", deff=True)  # type: ignore[arg-type]


def test_bad_data_is_named() -> None:
    df = synthetic(31, n=400)
    with pytest.raises(TypeError, match=r"data must be a pandas DataFrame, not ndarray; or "
                                        r"a Dask DataFrame, for data larger than memory"):
        SurveyDesign(df.to_numpy(), weights="w")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"not Series"):
        ReplicateDesign(split(df, [0, 400])["w"], replicate_weights="r", weights="w")
    bad = df.assign(w=df["w"].where(df.index != 250, -1.0))
    with pytest.raises(ValueError, match=r"weights \('w'\) has 1 negative or infinite "
                                         r"value\(s\) \(e.g. -1 in row 250 \(partition 1\)\)"):
        SurveyDesign(split(bad, [0, 200, 400]), strata="h", clusters="psu", weights="w")
    gaps = df.assign(psu=df["psu"].where(df.index % 100 != 7))
    with pytest.raises(ValueError, match=r"clusters \('psu'\) has 4 missing value\(s\) "
                                         r"\(rows 7 \(partition 0\), 107"):
        SurveyDesign(split(gaps, [0, 200, 400]), clusters="psu", weights="w")
    with pytest.raises(ValueError, match=r"PSU .* of clusters \('psu'\) appears in strata"):
        SurveyDesign(split(df.assign(h=df.index % 2), [0, 400]), strata="h",
                     clusters="psu", weights="w")
    with pytest.raises(TypeError, match=r"replicate_weights \(ndarray\) must be a list of "
                                        r"column names or a pattern \(str\) for a Dask"):
        ReplicateDesign(split(df, [0, 400]), replicate_weights=np.ones((400, 4)),
                        weights="w", scale=1.0)
    with pytest.raises(TypeError, match=r"read_options \(\['x'\]\) must be a dict"):
        SurveyDesign.from_parquet("nowhere.parquet", read_options=["x"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"replicate_weights has 1 missing or infinite "
                                         r"value\(s\) \(e.g. 'r1', row 3"):
        nan_rep = df.assign(r0=df["w"], r1=df["w"].where(df.index != 3))
        ReplicateDesign(split(nan_rep, [0, 400]), replicate_weights="r[0-9]", weights="w",
                        scale=1.0)


@pytest.mark.parametrize("method", ["quantile", "ttest", "glm", "crosstab", "calibrate",
                                    "trim_weights", "to_replicate"])
def test_what_does_not_run_on_dask_says_so(lazy_design: SurveyDesign, method: str) -> None:
    # (poststratify and rake run: tests/test_dask_calibration.py)
    args: dict[str, tuple[Any, ...]] = {
        "quantile": ("y", 0.5), "ttest": ("y",), "glm": ("y ~ x", "gaussian"),
        "crosstab": ("cat", "g"), "calibrate": ("~x", {"x": 1.0}),
        "trim_weights": (1.0, 2.0), "to_replicate": ("jkn",)}
    with pytest.raises(NotImplementedError, match=rf"^{method}\(\) does not run on a design "
                                                  r"over a Dask DataFrame \(.*\)\. mean, "
                                                  r"total, proportion and ratio \(with by=\), "
                                                  r"poststratify and rake do"):
        getattr(lazy_design, method)(*args[method])
    with pytest.raises(NotImplementedError, match=r"^weights does not run"):
        lazy_design.weights  # noqa: B018


def test_the_callers_frame_is_not_changed() -> None:
    df = synthetic(37, n=500)
    before = df.copy()
    ddf = split(df, [0, 250, 500])
    as_read = ddf.compute()
    SurveyDesign(ddf, strata="h", clusters="psu", weights="w",
                 lonely_psu="remove").mean("y", by="dom", missing="drop")
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(ddf.compute(), as_read)


def test_surveystats_imports_without_dask() -> None:
    code = (
        "import sys\n"
        "for name in ('dask', 'dask.dataframe', 'distributed'):\n"
        "    sys.modules[name] = None  # import dask now fails\n"
        "import pandas as pd\n"
        "import surveystats\n"
        "from surveystats.design import SurveyDesign\n"
        "d = SurveyDesign(pd.DataFrame({'y': [1.0, 2.0, 4.0], 'w': [1.0, 2.0, 1.0]}), "
        "weights='w')\n"
        "print(round(float(d.mean('y').estimate[0]), 4))\n"
        "try:\n"
        "    SurveyDesign.from_parquet('x.parquet')\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out.splitlines()[0] == "2.25"
    assert re.search(r"pip install 'surveystats\[dask\]'", out)
