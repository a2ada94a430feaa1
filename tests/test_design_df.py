"""Degrees of freedom that do not depend on the machine (issue 8, deliverable 1).

R's ``degf`` of a replicate design is the rank of its analysis weights minus 1. Computed
from the squared Gram matrix, the rank of element-level jackknife designs fell on a rounding
edge and moved with the BLAS kernel and thread count; these tests pin the structural values
and check that the computed rank, where it is still needed (domains, supplied weights),
agrees with them with a wide margin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surveystats import ReplicateDesign, SurveyDesign
from surveystats.design._repvar import ReplicateWeights, weights_rank


def _element_design(seed: int) -> tuple[pd.DataFrame, int]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(800, 5001))
    n_strata = int(rng.integers(2, 61))
    strata = np.sort(rng.integers(0, n_strata, n))
    _, strata = np.unique(strata, return_inverse=True)  # every stratum code used
    frame = pd.DataFrame({
        "stratum": strata,
        "weight": rng.uniform(1.0, 40.0, n),
        "y": rng.normal(50.0, 10.0, n),
    })
    # strata with a single element are lonely; give them a second one
    sizes = np.bincount(strata)
    lonely = np.flatnonzero(sizes == 1)
    if lonely.size:
        extra = frame[frame["stratum"].isin(lonely)].copy()
        frame = pd.concat([frame, extra], ignore_index=True)
    return frame, int(frame["stratum"].nunique())


SEEDS = list(range(44))


@pytest.mark.parametrize("seed", SEEDS)
def test_element_level_jkn_df_is_rows_minus_strata(seed: int) -> None:
    frame, n_strata = _element_design(seed)
    jk = SurveyDesign(frame, weights="weight", strata="stratum").to_replicate("jkn")
    assert jk.degf == len(frame) - n_strata
    assert jk.mean("y").df[0] == len(frame) - n_strata


@pytest.mark.parametrize("seed", SEEDS[:6])
def test_computed_rank_agrees_with_structure(seed: int) -> None:
    # the rank that domains and supplied weights still need, on the same designs
    frame, n_strata = _element_design(seed)
    frame = frame.iloc[: 900 + 40 * seed]
    frame = frame[frame.groupby("stratum")["y"].transform("size") > 1]
    n_strata = frame["stratum"].nunique()
    jk = SurveyDesign(frame, weights="weight", strata="stratum").to_replicate("jkn")
    W = jk.replicate_weights
    assert weights_rank(W) - 1 == len(frame) - n_strata
    names = [f"r{i}" for i in range(W.shape[1])]
    data = pd.concat([frame.reset_index(drop=True), pd.DataFrame(W, columns=names)], axis=1)
    supplied = ReplicateDesign(data, weights="weight", replicate_weights=names, type="jkn",
                               scale=1.0, rscales=jk.rscales)
    assert supplied.degf == len(frame) - n_strata


def test_rank_margin_is_wide() -> None:
    # dependent columns sit many orders below R's cut, independent ones far above it
    frame, _ = _element_design(3)
    jk = SurveyDesign(frame, weights="weight", strata="stratum").to_replicate("jkn")
    W = jk.replicate_weights[:1200]
    # measured: dependent residuals stay below 1e-8 of the norms under the OpenBLAS kernels
    # tried (Prescott, Haswell, SandyBridge; 1 and 2 threads), independent ones above 1e-3;
    # a tolerance of 1e-9 or less would compare rounding noise, so it is not tested
    for tol in (1e-4, 1e-5, 1e-6):
        assert weights_rank(W, tol=tol) == weights_rank(W)


def test_structural_df_of_each_scheme() -> None:
    rng = np.random.default_rng(5)
    n_strata, per = 12, 2
    frame = pd.DataFrame({
        "stratum": np.repeat(np.arange(n_strata), per * 5),
        "psu": np.repeat(np.arange(n_strata * per), 5),
        "weight": rng.uniform(1, 3, n_strata * per * 5),
        "y": rng.normal(size=n_strata * per * 5),
    })
    d = SurveyDesign(frame, weights="weight", strata="stratum", clusters="psu")
    for kind, df in (("jkn", n_strata * per - n_strata), ("brr", n_strata),
                     ("fay", n_strata)):
        rep = d.to_replicate(kind, **({"fay_rho": 0.5} if kind == "fay" else {}))
        assert rep.degf == df
        assert rep._reps.rank()[0] - 1 == df  # the structure is the rank
    u = SurveyDesign(frame, weights="weight", clusters="psu").to_replicate("jk1")
    assert u.degf == n_strata * per - 1
    assert u._reps.rank()[0] - 1 == n_strata * per - 1


def test_compressed_and_dense_rank_agree_on_domains() -> None:
    frame, _ = _element_design(11)
    frame = frame.iloc[:1000]
    frame = frame[frame.groupby("stratum")["y"].transform("size") > 1].reset_index(drop=True)
    jk = SurveyDesign(frame, weights="weight", strata="stratum").to_replicate("jkn")
    dom = (np.arange(len(frame)) % 3).astype(np.int64)
    rows = np.ones(len(frame), dtype=bool)
    compressed = jk._reps.rank(rows, dom, 3)
    dense = ReplicateWeights(jk.replicate_weights).rank(rows, dom, 3)
    np.testing.assert_array_equal(compressed, dense)


def _full_path_rank(W: np.ndarray) -> int:
    """weights_rank without the certificate: the pivoted Cholesky of all rows."""
    import scipy.linalg

    from surveystats.design import _repvar

    norms = np.einsum("ij,ij->j", W, W)
    floor = _repvar.RANK_TOLERANCE ** 2 * float(norms[norms > 0].min())
    G = _repvar._centred_gram(W, np.arange(W.shape[0]), None, 1 << 16)
    return int(scipy.linalg.lapack.dpstrf(np.asfortranarray(G), tol=floor)[2])


@pytest.mark.parametrize("seed", range(4))
def test_full_rank_certificate_agrees_with_the_full_factorisation(seed: int) -> None:
    from surveystats.design import _repvar

    # grouped jackknife weights (as the public files ship them): full rank, certified
    rng = np.random.default_rng(seed)
    n_psu, R = 400, 20 + 10 * seed
    psu = np.repeat(np.arange(n_psu), 25)
    w = rng.uniform(50.0, 150.0, psu.size)
    group = np.arange(n_psu) % R  # PSUs assigned to groups in turn along the file
    W = np.repeat(w[:, None], R, axis=1) * R / (R - 1)
    W[np.arange(psu.size), group[psu]] = 0.0
    idx = np.arange(W.shape[0])
    norms = np.einsum("ij,ij->j", W, W)
    floor = _repvar.RANK_TOLERANCE ** 2 * float(norms.min())
    assert _repvar._full_rank_certified(W, idx, None, floor, 1 << 16)
    assert weights_rank(W) == _full_path_rank(W) == R
    # the same weights with duplicated and averaged columns: rank R, not certified
    Wd = np.column_stack([W, W[:, :3], 0.5 * (W[:, 3] + W[:, 4])])
    assert not _repvar._full_rank_certified(Wd, idx, None, floor, 1 << 16)
    assert weights_rank(Wd) == _full_path_rank(Wd) == R
