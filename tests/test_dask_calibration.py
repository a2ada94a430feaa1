"""Post-stratification and raking of a design over a Dask DataFrame (issue 13, deliverable 1).

``poststratify`` and ``rake`` build the table of joint cells in one pass and calibrate it in
memory; the calibrated design's estimates add R's variance steps in joint-cell terms (and,
without clusters, a second pass for the residuals' spread). Compared with the in-memory
path to 1e-12 relative on the same two-process ``distributed.LocalCluster`` as
``tests/test_dask.py`` (estimates, variances, covariances, df, n, design effects, intervals;
a variance that is the rounding noise of a 0 to ``FLOOR`` of the variance before
calibration):

* the calibrated R reference designs (``clus1_ps``, ``clus1_rake_tight``, ``strat_ps``,
  ``strat_rake``) with their reference calls, and post-stratification and raking of the
  Taylor reference designs of every kind (element samples with and without strata,
  clusters, two stages with fpc, lonely PSUs) and of their replicate designs (JKn, BRR,
  supplied JK1 weights);
* synthetic data in uneven partitions (PSUs and cells spanning partitions, strata in one
  partition only, empty partitions, zero weights, missing values, domains), bootstrap and
  successive-difference replicates, and chains of calibrations;
* the in-memory messages for bad calibrations, and neither frame changed.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask", reason="Dask is not installed: pip install 'surveystats[dask]'")
pytest.importorskip("distributed", reason="distributed is not installed")

from surveystats.design import ReplicateDesign, SurveyDesign

sys.path.insert(0, str(Path(__file__).parent))
from test_dask import (
    DESIGNS,
    _with_replicates,
    cluster,  # noqa: F401  (the module's LocalCluster)
    data_for,
    reference_calls,
    same_estimate,
    same_outcome,
    split,
    synthetic,
    uneven,
)
from test_design_reference import MARGINS, POP_SCHWIDE, POP_TYPES

# --- the R reference designs ----------------------------------------------------------------

#: The calibrated reference designs: their Taylor design and calibration (README.md).
CALIBRATED = {
    "clus1_ps": ("clus1", lambda d: d.poststratify("stype", POP_TYPES)),
    "clus1_rake_tight": ("clus1", lambda d: d.rake(MARGINS)),
    "strat_ps": ("strat", lambda d: d.poststratify("sch.wide", POP_SCHWIDE)),
    "strat_rake": ("strat", lambda d: d.rake(MARGINS)),
}


def _pair(did: str) -> tuple[SurveyDesign, SurveyDesign]:
    kind, kwargs = DESIGNS[did]
    data = data_for(kind)
    return SurveyDesign(data, **kwargs), SurveyDesign(split(data, uneven(len(data))),
                                                      **kwargs)


def _same_design(memory: Any, lazy: Any) -> None:
    assert repr(lazy) == repr(memory)
    assert (lazy.degf, lazy.n_obs) == (memory.degf, memory.n_obs)


#: R's raking variance sweeps ten times over the margins, so the residuals of a calibration
#: variable are 1e-8 of its influence values, not 0: their variance, about 1e-16 of the one
#: before calibration, is rounding noise in both paths, which agree on it to this fraction
#: of the variance before calibration (not to 1e-12 of itself).
FLOOR = 1e-12


def agree(memory: Any, lazy: Any, base: Any, call: Callable[[Any], Any]) -> None:
    """``call`` on the calibrated designs gives the same estimate (variances to 1e-12
    relative, or within ``FLOOR`` times ``call(base)``'s, the design before calibration),
    or the same error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            base_var = call(base).variances
    except (ValueError, TypeError):
        base_var = 0.0
    same_outcome(lambda: call(memory), lambda: call(lazy), floor=FLOOR * base_var)


@pytest.mark.parametrize("did", sorted(CALIBRATED))
def test_r_reference_calibrated_designs(did: str) -> None:
    base, calibrate = CALIBRATED[did]
    before, lazy_before = _pair(base)
    memory, lazy = calibrate(before), calibrate(lazy_before)
    _same_design(memory, lazy)
    calls = reference_calls(did)
    assert calls
    for call in calls:
        agree(memory, lazy, before, call)


#: The Taylor reference designs of each kind: element samples without and with strata,
#: two stages with fpc, strata of clusters, lonely PSUs with and without clusters.
KINDS = ["srs", "strat", "clus2", "strat_clus", "lonely_strat_average",
         "lonely_clus_adjust"]


@pytest.mark.parametrize("did", KINDS)
def test_calibrating_the_r_reference_designs(did: str) -> None:
    # post-stratified on the schools' type (a cell of one school in the lonely designs),
    # with the first four reference calls; raked to the type and sch.wide, with all
    memory, lazy = _pair(did)
    calls = reference_calls(did)
    for calibrate, some in ((lambda d: d.poststratify("stype", POP_TYPES), calls[:4]),
                            (lambda d: d.rake(MARGINS, tol=1e-12), calls)):
        m, z = calibrate(memory), calibrate(lazy)
        _same_design(m, z)
        for call in some:
            agree(m, z, memory, call)


def test_lonely_psu_fail_after_calibration() -> None:
    kind, clustered = DESIGNS["lonely_clus_remove"]
    data = data_for(kind)
    for kwargs in ({**clustered, "lonely_psu": "fail"},
                   {"strata": "stype", "weights": "pw", "lonely_psu": "fail"}):
        memory = SurveyDesign(data, **kwargs).poststratify("sch.wide", POP_SCHWIDE)
        lazy = SurveyDesign(split(data, [0, 50, 120, len(data)]), **kwargs).poststratify(
            "sch.wide", POP_SCHWIDE)
        with pytest.raises(ValueError, match="lonely_psu='fail': 1 stratum has a single"):
            lazy.mean("api00")
        same_outcome(lambda m=memory: m.mean("api00"), lambda z=lazy: z.mean("api00"))


@pytest.mark.parametrize("did", ["strat_jkn", "pairs_brr", "clus1_jk1_supplied"])
def test_calibrating_the_r_reference_replicate_designs(did: str) -> None:
    data, kwargs, memory = _with_replicates(did)
    lazy = ReplicateDesign(split(data, uneven(len(data))), **kwargs)
    for calibrate in (lambda d: d.poststratify("sch.wide", POP_SCHWIDE),
                      lambda d: d.rake(MARGINS)):
        m, z = calibrate(memory), calibrate(lazy)
        _same_design(m, z)  # the df: the rank of the calibrated replicates, less 1
        for call in (lambda d: d.mean(["api00", "api99"], deff="wor"),
                     lambda d: d.total("enroll", by="stype", missing="drop")):
            agree(m, z, memory, call)


# --- synthetic data -------------------------------------------------------------------------

SEX = {"f": 50_000.0, "m": 48_000.0}
AGE = {0: 20_000.0, 1: 30_000.0, 2: 25_000.0, 3: 23_000.0}
AGE_BY_G = {(a, g): c / 2 + (500.0 if g else -500.0) for a, c in AGE.items() for g in (0, 1)}


def people(seed: int, n: int = 3000) -> pd.DataFrame:
    """:func:`test_dask.synthetic` with two calibration columns: ``sex`` (text) and ``age``
    (integers), whose cells spread over every partition."""
    rng = np.random.default_rng([seed, 1])  # not synthetic's stream
    return synthetic(seed, n).assign(sex=rng.choice(np.array(["f", "m"], dtype=object), n),
                                     age=rng.integers(0, 4, n))


CALLS = [
    lambda d: d.mean(["y", "big"], deff="wor"),
    lambda d: d.total("y", by="dom", missing="drop", deff="wr"),
    lambda d: d.mean("z", by=["g", "dom"], missing="drop"),
    lambda d: d.proportion("cat", by="g", deff="wr"),
    lambda d: d.total(["sex", "b"]),  # a calibration variable: an SE of 0 after raking
    lambda d: d.ratio(["y", "z"], "x", by="sex", missing="drop", deff="wor"),
]

CALIBRATIONS = {
    "poststratify": lambda d: d.poststratify("sex", SEX),
    "rake": lambda d: d.rake({"sex": SEX, ("age", "g"): AGE_BY_G}),
    "chain": lambda d: d.poststratify("age", AGE).rake({"sex": SEX, "age": AGE}),
}

SYNTHETIC = {
    "clustered_adjust": {"strata": "h", "clusters": "psu", "weights": "w",
                         "lonely_psu": "adjust", "adjust_domain_lonely": True},
    "two_stage_fpc": {"strata": "h", "clusters": ["psu", "ssu"], "fpc": ["N1", "N2"],
                      "lonely_psu": "certainty"},
    "element_average": {"strata": "h", "weights": "w", "lonely_psu": "average",
                        "adjust_domain_lonely": True},
    "element_fpc": {"strata": "h", "fpc": "N1", "lonely_psu": "remove"},
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_designs(name: str) -> None:
    kwargs = SYNTHETIC[name]
    df = people(7)
    if name == "two_stage_fpc":
        df = df.assign(N1=df.groupby("h")["psu"].transform("nunique") * 4.0)
    if name == "element_fpc":
        df = df.assign(N1=df.groupby("h")["h"].transform("size") * 40.0)
    # as the rows come (PSUs and cells in every partition), every calibration; sorted by
    # stratum (strata in one partition each), the chain; both with empty partitions
    every = ["rake"] if name == "element_fpc" else list(CALIBRATIONS)  # time: a 2nd pass
    for order, bounds, names, calls in (
            (df, [0, 0, 1, 400, 400, 1700, 2999, 3000, 3000], every, CALLS),
            (df.sort_values(["h", "psu"], kind="stable"), [0, 900, 900, 3000], ["chain"],
             CALLS[1::2])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            memory = SurveyDesign(order, **kwargs)
            lazy = SurveyDesign(split(order, bounds), **kwargs)
        for how in names:
            m, z = CALIBRATIONS[how](memory), CALIBRATIONS[how](lazy)
            _same_design(m, z)
            for call in calls:
                agree(m, z, memory, call)


def test_a_variable_of_the_cells_has_no_variance_after_raking() -> None:
    df = people(9, n=1500)
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w", "lonely_psu": "remove"}
    for design in (SurveyDesign(df, **kwargs),
                   SurveyDesign(split(df, [0, 300, 1500]), **kwargs)):
        raked = design.rake({"sex": SEX, "age": AGE})
        est = raked.total("sex")
        assert np.all(est.variances == 0.0)  # R's residuals of a calibration variable: 0
        np.testing.assert_allclose(est.estimate, [SEX["f"], SEX["m"]], rtol=1e-10)


def test_synthetic_replicate_designs() -> None:
    df = people(11, n=2000)
    taylor = SurveyDesign(df, strata="h", clusters="psu", weights="w", lonely_psu="certainty")
    for kind, extra, df_given in (("bootstrap", {"replicates": 20, "rng": 3}, None),
                                  ("sdr", {}, 15)):
        reps = taylor.to_replicate(kind, **extra)  # type: ignore[arg-type]
        names = [f"pw{j}" for j in range(1, reps.n_replicates + 1)]
        data = pd.concat([df, pd.DataFrame(reps.replicate_weights.astype(np.float32),
                                           columns=names, index=df.index)], axis=1)
        kwargs = {"replicate_weights": names, "weights": "w", "type": kind, "df": df_given}
        memory = ReplicateDesign(data, **kwargs)
        lazy = ReplicateDesign(split(data, [0, 0, 700, 700, 1999, 2000]), **kwargs)
        for calibrate in CALIBRATIONS.values():
            m, z = calibrate(memory), calibrate(lazy)
            _same_design(m, z)
            for call in (CALLS[3], lambda d: d.ratio("y", "x", by="sex", deff="wor")):
                agree(m, z, memory, call)


def test_a_calibration_within_the_columns_so_far_needs_no_pass() -> None:
    df = people(13, n=1200)
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w", "lonely_psu": "remove"}
    memory = SurveyDesign(df, **kwargs).rake({"sex": SEX, "age": AGE})
    lazy = SurveyDesign(split(df, [0, 500, 1200]), **kwargs).rake({"sex": SEX, "age": AGE})
    again = lazy.poststratify("sex", SEX)
    assert again._lazy.joint.labels is lazy._lazy.joint.labels  # the same table
    same_estimate(memory.poststratify("sex", SEX).mean("y", by="g"), again.mean("y", by="g"))


# --- messages, and what stays as it was ------------------------------------------------------


@pytest.fixture(scope="module")
def pair() -> tuple[SurveyDesign, SurveyDesign]:
    df = people(17, n=600)
    df.loc[df.index % 97 == 5, "dom"] = None
    kwargs = {"strata": "h", "clusters": "psu", "weights": "w", "lonely_psu": "remove"}
    return SurveyDesign(df, **kwargs), SurveyDesign(split(df, [0, 0, 250, 600]), **kwargs)


@pytest.mark.parametrize("calibrate", [
    lambda d: d.poststratify("sex", {"f": 1.0}),  # no count for a sample cell
    lambda d: d.poststratify("sex", {"f": 1.0, "m": 0.0}),  # a count of 0
    lambda d: d.poststratify("sex", {"f": 1.0, "m": 2.0, "x": 3.0}),  # no sampled units
    lambda d: d.poststratify("sex", [1.0, 2.0]),
    lambda d: d.poststratify("dom", {"a": 1.0, "b": 1.0, "c": 1.0}),  # missing values
    lambda d: d.poststratify("sexx", SEX),
    lambda d: d.rake({"sex": SEX, "age": {**AGE, 3: 1.0}}),  # margins disagree
    lambda d: d.rake({"sex": SEX, "age": AGE, ("age", "g"): AGE_BY_G}, max_iter=2),
    lambda d: d.rake({"sex": SEX, ("dom", "g"): {}}),
    lambda d: d.rake({"sex": {"f": 1.0}, "dom": {}}),  # the first margin's error first
    lambda d: d.rake([SEX]),
    lambda d: d.rake({"sex": SEX}, tol=2.0),
])
def test_errors_are_the_in_memory_ones(pair: tuple[SurveyDesign, SurveyDesign],
                                       calibrate: Any) -> None:
    memory, lazy = pair
    with pytest.raises((ValueError, TypeError)) as want:
        calibrate(memory)
    with pytest.raises(want.type) as got:
        calibrate(lazy)
    assert str(got.value) == str(want.value)


def test_a_replicate_without_weight_in_a_cell_is_named() -> None:
    df = people(19, n=400).assign(w2=lambda f: f["w"] + 1.0)
    reps = {f"r{j}": np.where(df["h"] == j, 0.0, df["w2"] * 12 / 11) for j in range(12)}
    data = df.assign(**reps, rare=np.where(df["h"] == 3, "x", "y"))
    kwargs = {"replicate_weights": "^r[0-9]+$", "weights": "w2", "type": "jk1"}
    population = {"x": 1.0, "y": 2.0}
    with pytest.raises(ValueError) as want:
        ReplicateDesign(data, **kwargs).poststratify("rare", population)
    with pytest.raises(ValueError, match="has no weight in replicate 4") as got:
        ReplicateDesign(split(data, [0, 150, 400]), **kwargs).poststratify("rare", population)
    assert str(got.value) == str(want.value)


def test_the_calibrated_design_refuses_what_dask_does_not_run(
        pair: tuple[SurveyDesign, SurveyDesign]) -> None:
    raked = pair[1].rake({"sex": SEX, "age": AGE})
    for call in (lambda: raked.quantile("y", 0.5), lambda: raked.calibrate("~x", {"x": 1.0}),
                 lambda: raked.trim_weights(upper=5.0), lambda: raked.weights):
        with pytest.raises(NotImplementedError, match=r"does not run on a design over a Dask "
                                                      r"DataFrame .* poststratify and rake do"):
            call()


def test_the_frames_are_not_changed() -> None:
    df = people(23, n=500)
    before = df.copy()
    ddf = split(df, [0, 250, 500])
    as_read = ddf.compute()
    design = SurveyDesign(ddf, strata="h", clusters="psu", weights="w", lonely_psu="remove")
    design.poststratify("sex", SEX).rake({"age": AGE, "sex": SEX}).mean("y", by="dom",
                                                                        missing="drop")
    design.mean("y")
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(ddf.compute(), as_read)
