"""What the fast path of proportion_ci keeps: the same bits, immutable results, no aliasing.

The engine evaluates large arrays a block at a time (``_engine._BLOCK``), ``ProportionCI.se``
is derived on first read, and the result stores the engine's bounds without a copy. None of
that may change a number or let the caller change a result afterwards.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import surveystats as ss
from surveystats import _engine


def _inputs(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Shares and sizes with the awkward cases: 0, 1, -0.0, NaN, tiny and huge n_eff, shares
    near 0 and 1 (Wilson's edge fix), each present in several blocks."""
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.uniform(0, 1, size // 2), rng.uniform(0, 0.06, size // 4),
                        1 - 10.0 ** rng.uniform(-17, 0, size - size // 2 - size // 4)])
    n = np.concatenate([rng.integers(1, 5000, size // 2).astype(float),
                        10.0 ** rng.uniform(-300, 300, size - size // 2)])
    n = rng.permutation(n)
    every = size // 7
    p[::every] = 0.0
    p[1::every] = 1.0
    p[2::every] = -0.0
    p[3::every] = np.nan
    n[4::every] = np.inf
    n[5::every] = 1e-310
    return p, n


@pytest.mark.parametrize("method", sorted(_engine._BLOCKWISE))
@pytest.mark.parametrize("with_df", [False, True])
def test_blocks_give_the_same_bits(method: str, with_df: bool,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    size = 3 * _engine._BLOCK + 123
    p, n = _inputs(size)
    df = np.full(size, 12.0) if with_df else None
    blocked = _engine.interval(method, p, n, confidence_level=0.95, df=df)
    monkeypatch.setattr(_engine, "_BLOCK", 10 * size)  # one evaluation of the whole arrays
    whole = _engine.interval(method, p, n, confidence_level=0.95, df=df)
    for a, b in zip(blocked, whole, strict=True):
        assert a.shape == (size,)
        np.testing.assert_array_equal(a.view(np.int64), b.view(np.int64))


def test_result_neither_aliases_nor_lets_the_caller_change_it() -> None:
    size = 3 * _engine._BLOCK
    p = np.linspace(0.0, 1.0, size)
    n = np.full(size, 400.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for deff in (1.0, np.full(size, 1.5)):
            ci = ss.proportion_ci(p, n, deff=deff, method="wald")
            before = {k: np.array(getattr(ci, k)) for k in ("estimate", "n", "n_eff", "low")}
            for name in ("estimate", "low", "high", "n", "deff", "n_eff", "se"):
                value = getattr(ci, name)
                assert not value.flags.writeable, name
                for arg in (p, n, deff):
                    assert not np.shares_memory(value, arg), name
            p[:] = 0.5
            n[:] = 7.0
            for k, v in before.items():
                np.testing.assert_array_equal(getattr(ci, k), v)
            p[:] = np.linspace(0.0, 1.0, size)
            n[:] = 400.0
    assert p.flags.writeable and n.flags.writeable  # the caller's arrays are untouched


def test_read_only_input_views_are_copied() -> None:
    mine = np.array([0.2, 0.4, 0.6])
    view = mine[:]
    view.flags.writeable = False  # read-only, but mine can still change it
    ci = ss.proportion_ci(view, 100)
    mine[0] = 0.9
    assert ci.estimate[0] == 0.2


def test_se_is_derived_on_first_read_and_compares_like_a_stored_one() -> None:
    p, n = np.array([0.0, 0.3, 0.7, 1.0]), np.array([10.0, 100.0, 1600.0, 50.0])
    a = ss.proportion_ci(p, n, deff=1.5)
    b = ss.proportion_ci(p, n, deff=1.5)
    assert "se" not in a.__dict__
    assert a == b and hash(a) == hash(b)
    back = pickle.loads(pickle.dumps(a))
    assert back == a and hash(back) == hash(a)
    np.testing.assert_array_equal(a.se, np.sqrt(p * (1.0 - p) / (n / 1.5)))
    assert not a.se.flags.writeable
    assert a == b and hash(a) == hash(b)
    assert ss.proportion_ci(0.7, 1600).se == np.sqrt(0.7 * (1.0 - 0.7) / 1600)
