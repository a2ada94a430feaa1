"""Accuracy and behaviour of the fast scalar-level beta quantile (surveystats._betaincinv)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from surveystats import _betaincinv as mod
from surveystats._betaincinv import betaincinv

LEVELS = [0.0005, 0.005, 0.025, 0.05, 0.1, 0.5, 0.9, 0.95, 0.975, 0.995, 0.9995]
RTOL = 1e-10


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """All pairs of a log grid from 0.5 to 1e6 (integers, half-integers and irrationals)."""
    base = np.geomspace(0.5, 1e6, 45)
    values = np.unique(np.concatenate([base, np.round(base), np.round(base) + 0.5, [5.0, 50.0]]))
    values = values[values >= 0.5]
    a, b = np.meshgrid(values, values * np.sqrt(1.37), indexing="ij")
    return a.ravel(), b.ravel()


def _reference(a: np.ndarray, b: np.ndarray, y: float) -> tuple[np.ndarray, np.ndarray]:
    """scipy's quantile x, and its complement 1 - x computed from the mirrored problem."""
    x = special.betaincinv(a, b, y)
    # I_x(a, b) = y  <=>  I_{1-x}(b, a) = 1 - y: accurate 1 - x even when x is near one.
    xc = special.betaincinv(b, a, 1.0 - y)
    return x, xc


def _fit(y: float) -> None:
    """Fit the surrogate for level y now, as a large input would, so small inputs use it."""
    mod._surrogate(y, mod._MIN_SIZE_TO_FIT)


@pytest.fixture(scope="module")
def grid() -> tuple[np.ndarray, np.ndarray]:
    return _grid()


@pytest.mark.parametrize("y", LEVELS)
def test_matches_scipy_on_log_grid(grid: tuple[np.ndarray, np.ndarray], y: float) -> None:
    a, b = grid
    _fit(y)
    x = betaincinv(a, b, y)
    # The fast path really ran: both surrogates were fitted for this level.
    assert [t.m_lo for t in mod._cache[y].tiers] == [mod._M_BULK, mod._M_FAST]
    ref = special.betaincinv(a, b, y)
    rel = np.abs(x - ref) / ref
    assert rel.max() <= RTOL, (a[rel.argmax()], b[rel.argmax()], rel.max())


@pytest.mark.parametrize("y", [0.0005, 0.025, 0.5, 0.975, 0.9995])
def test_plugs_back_into_betainc(grid: tuple[np.ndarray, np.ndarray], y: float) -> None:
    a, b = grid
    _fit(y)
    x = betaincinv(a, b, y)
    # Relative error of I_x(a, b) in the smaller tail, against its condition number
    # kappa = x pdf(x) / min(y, 1 - y): a relative error e in x moves the tail by kappa * e.
    # Where kappa <= 10 the forward value must match to 1e-10.
    if y <= 0.5:
        tail = special.betainc(a, b, x)
        target = y
    else:
        tail = special.betaincc(a, b, x)
        target = 1.0 - y
    log_pdf = (
        special.xlogy(a - 1.0, x) + special.xlog1py(b - 1.0, -x) - special.betaln(a, b)
    )
    kappa = np.exp(log_pdf + np.log(x)) / target
    rel = np.abs(tail - target) / target
    well = kappa <= 10.0
    assert well.sum() >= 200
    assert rel[well].max() <= RTOL
    assert np.all(rel <= RTOL * np.maximum(kappa, 1.0))


def test_complement_is_accurate_near_one(grid: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = grid
    y = 0.975
    _fit(y)
    x = betaincinv(a, b, y)
    _, xc = _reference(a, b, y)
    near_one = xc < 0.5
    # 1 - x from the fast path carries the absolute error of x; it is relatively accurate
    # except for cancellation in 1 - x itself.
    err = np.abs((1.0 - x[near_one]) - xc[near_one]) / xc[near_one]
    assert np.all(err <= RTOL + 4e-16 / xc[near_one])


def test_clopper_pearson_use() -> None:
    rng = np.random.default_rng(2024)
    n = rng.uniform(50, 5000, 40_000) / 1.5  # effective sizes under a design effect
    x = n * rng.uniform(0.0, 1.0, n.size)
    for a, b, y in [(x, n - x + 1.0, 0.025), (x + 1.0, n - x, 0.975)]:
        got = betaincinv(a, b, y)
        ref = special.betaincinv(a, b, y)
        np.testing.assert_allclose(got, ref, rtol=RTOL, atol=0)


@settings(max_examples=40, deadline=None)
@given(
    a=st.lists(st.floats(0.5, 1e6), min_size=1, max_size=20),
    b=st.floats(0.5, 1e6),
    y=st.sampled_from(LEVELS),
)
def test_property_matches_scipy(a: list[float], b: float, y: float) -> None:
    _fit(y)
    aa = np.asarray(a)
    got = betaincinv(aa, b, y)
    ref, _ = _reference(aa, np.full_like(aa, b), y)
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=0)
    # Quantiles increase with the level and are in (0, 1).
    assert np.all((got > 0.0) & (got < 1.0))
    if y < 0.5:
        assert np.all(got <= betaincinv(aa, b, 1.0 - y))


def test_small_inputs_without_fit_use_scipy() -> None:
    y = 0.123456
    a = np.array([3.0, 7.5, 120.0])
    np.testing.assert_array_equal(betaincinv(a, 9.0, y), special.betaincinv(a, 9.0, y))
    assert y not in mod._cache


def test_shapes_and_broadcasting() -> None:
    _fit(0.025)
    a = np.arange(1.0, 25.0).reshape(4, 6)[:, ::2]  # non-contiguous
    b = np.array([[10.0], [200.0], [3000.0], [40000.0]])
    got = betaincinv(a, b, 0.025)
    assert got.shape == (4, 3)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, special.betaincinv(a, b, 0.025), rtol=RTOL)
    scalar = betaincinv(20, 30, 0.025)
    assert scalar.shape == ()
    assert betaincinv([], [], 0.5).shape == (0,)


def test_nan_and_inf_follow_scipy() -> None:
    _fit(0.05)
    a = np.array([np.nan, 100.0, np.inf, 100.0])
    b = np.array([100.0, np.nan, 100.0, 250.0])
    got = betaincinv(a, b, 0.05)
    assert np.isnan(got[:3]).all()
    np.testing.assert_allclose(got[3], special.betaincinv(100.0, 250.0, 0.05), rtol=RTOL)


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_nonpositive_parameters_raise(bad: float) -> None:
    with pytest.raises(ValueError, match=r"^a "):
        betaincinv([1.0, bad], 2.0, 0.5)
    with pytest.raises(ValueError, match=r"^b "):
        betaincinv(1.0, [bad, 2.0], 0.5)


@pytest.mark.parametrize("y", [0.0, 1.0, -0.1, 1.5, np.nan])
def test_level_outside_unit_interval_raises(y: float) -> None:
    with pytest.raises(ValueError, match="y must be in"):
        betaincinv(2.0, 3.0, y)


def test_level_must_be_scalar() -> None:
    with pytest.raises(ValueError, match="scalar"):
        betaincinv(2.0, 3.0, [0.025, 0.975])  # type: ignore[arg-type]


def test_far_tail_level_falls_back_correctly() -> None:
    # No surrogate of degree <= 12 reaches the tolerance this far out for small min(a, b);
    # whatever is not covered goes to scipy, so results still match.
    y = 1e-9
    rng = np.random.default_rng(5)
    a = np.exp(rng.uniform(np.log(0.5), np.log(1e5), mod._MIN_SIZE_TO_FIT))
    b = np.exp(rng.uniform(np.log(0.5), np.log(1e5), a.size))
    got = betaincinv(a, b, y)
    ref, _ = _reference(a, b, y)
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=0)
