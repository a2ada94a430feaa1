"""Hadamard matrices as R survey's ``hadamard()`` builds them (for BRR and Fay replicates).

The smallest order greater than the number of strata that R reaches: Sylvester doubling of
the base orders 4 and 16 and of Paley's second construction of orders 28 and 36 (from 13 and
17), or Paley's first construction from a prime p = 3 mod 4.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

__all__ = ["hadamard"]

def _primes_3_mod_4(limit: int = 7919) -> list[int]:
    sieve = np.ones(limit + 1, dtype=bool)
    sieve[:2] = False
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = False
    return [int(p) for p in np.flatnonzero(sieve) if p % 4 == 3]


#: R's ``small.primes`` in ``paley()``: the primes p = 3 (mod 4) up to 7919.
_SMALL_PRIMES = _primes_3_mod_4()


def _sylvester(order: int) -> np.ndarray:
    return ((scipy.linalg.hadamard(order) + 1) // 2).astype(np.int8)


def _double(H: np.ndarray) -> np.ndarray:
    return np.block([[H, H], [H, 1 - H]]).astype(np.int8)


def _paley_prime(p: int) -> np.ndarray:
    """R's Paley construction of order p + 1 (0/1 coding), for a prime p = 3 (mod 4)."""
    i = np.arange(p)
    m = (i[:, None] + i[None, :]) % p
    residues = np.zeros(p, dtype=bool)
    residues[0] = True
    residues[1] = True
    residues[(np.arange(2, (p - 1) // 2 + 1) ** 2) % p] = True
    body = np.where(residues[m], 0, 1)
    out = np.ones((p + 1, p + 1), dtype=np.int8)
    out[1:, 1:] = body
    return out


def _paley(n: int, nmax: int) -> np.ndarray | None:
    """R's ``paley(n, nmax)``: a Paley matrix of order > n, or None."""
    nceil = nn = n + 4 - (n % 4)
    if (n % 4) + 4 == (n % 8):
        while nn % 8 == 0:
            nn //= 2
        if (nn - 1) in _SMALL_PRIMES:
            m = _paley_prime(nn - 1)
            while nn < nceil:
                m = _double(m)
                nn *= 2
            return m
    if n > _SMALL_PRIMES[-1]:
        return None
    p = min(q for q in _SMALL_PRIMES if q >= n)
    if p + 1 > nceil + 4 and nceil + 4 < nmax:
        return _paley(nceil + 3, 2 * (nceil + 3))
    if p > nmax:
        return None
    return _paley_prime(p)


def _paley_two(q: int) -> np.ndarray:
    """Paley's second construction, order 2(q + 1), for a prime q = 1 (mod 4); normalised."""
    i = np.arange(q)
    chi = np.full(q, -1)
    chi[(i[1:] ** 2) % q] = 1
    chi[0] = 0
    Q = chi[(i[:, None] - i[None, :]) % q]
    C = np.zeros((q + 1, q + 1), dtype=np.int64)
    C[0, 1:] = 1
    C[1:, 0] = 1
    C[1:, 1:] = Q
    eye = np.eye(q + 1, dtype=np.int64)
    H = np.block([[C + eye, C - eye], [C - eye, -C - eye]])
    H = H * H[0][None, :]  # first row all +1
    H = H * H[:, 0][:, None]  # first column all +1
    return ((H + 1) // 2).astype(np.int8)


def hadamard(n: int) -> np.ndarray:
    """A normalised Hadamard matrix (0/1 coding) of order > n, chosen as R survey does.

    R's ``hadamard(n)`` picks the smallest order it can build from Sylvester matrices of
    order 4 and 16 (doubled as needed), Paley's construction, or stored matrices of order
    28 and 36 from Sloane's library. Where R uses a Sylvester or Paley matrix this function
    returns the same matrix, entry for entry; where R uses the stored order-28 or -36
    matrices (or their doublings) it returns a Hadamard matrix *of the same order* from
    Paley's second construction (q = 13 and 17), so the replicates differ from R's but the
    number of replicates and the BRR variance of linear statistics are the same.
    """
    sizes = (4, 16, 28, 36)
    m = n - (n % 4)
    pre = [i for i, s in enumerate(sizes) if m < s <= m + 4]
    if pre:
        return _base(min(pre))
    if all(m < s for s in sizes):
        return _base(0)
    grown = [s * 2 ** max(0, math.ceil(math.log2((n + 1) / s))) for s in sizes]
    best = int(np.argmin([g - n for g in grown]))
    H = _paley(n, grown[best]) if grown[best] - n > 4 else None
    if H is None:
        H = _base(best)
        for _ in range(math.ceil(math.log2(grown[best] / sizes[best]))):
            H = _double(H)
    return H


def _base(i: int) -> np.ndarray:
    return (_sylvester(4), _sylvester(16), _paley_two(13), _paley_two(17))[i]
