"""Prior distributions for bias parameters in probabilistic bias analysis.

The same families as episensr's ``probsens`` (uniform, triangular, trapezoidal, beta,
log-normal), each a frozen object with ``draw(rng, size)`` that returns a float array by
inverse-CDF or numpy's own generators: no Python loop per draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from surveystats._params import LOG_LOCATION, PRIOR_BOUND, PRIOR_SHAPE, PRIOR_SPREAD
from surveystats._validation import check_scalar

__all__ = ["Beta", "Fixed", "LogNormal", "Prior", "Trapezoidal", "Triangular", "Uniform",
           "as_prior"]


def _finite(name: str, value: Any) -> float:
    """A real number in [-1e100, 1e100]: bias parameters live far inside, and wider bounds
    would overflow the draws (``high - low`` beyond the largest float)."""
    return check_scalar(name, value, PRIOR_BOUND,
                        hint="bias parameters are proportions, odds ratios or shifts")


class Prior:
    """Base class: a distribution for one bias parameter."""

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    @property
    def support(self) -> tuple[float, float]:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Fixed(Prior):
    """A point mass: the parameter is known (a plain number becomes this)."""

    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _finite("value", self.value))

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)

    @property
    def support(self) -> tuple[float, float]:
        return (self.value, self.value)


@dataclass(frozen=True)
class Uniform(Prior):
    """Uniform on ``[low, high]``.

    >>> import numpy as np
    >>> Uniform(1.0, 1.42).draw(np.random.default_rng(0), 3).round(3)
    array([1.268, 1.113, 1.017])
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        lo, hi = _finite("low", self.low), _finite("high", self.high)
        if not lo <= hi:
            raise ValueError(f"low ({lo:g}) must be <= high ({hi:g})")
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Triangular(Prior):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        lo, mo, hi = (_finite(k, getattr(self, k)) for k in ("low", "mode", "high"))
        if not lo <= mo <= hi or lo == hi:
            raise ValueError(f"need low <= mode <= high and low < high; got low={lo:g}, "
                             f"mode={mo:g}, high={hi:g}")
        for k, v in (("low", lo), ("mode", mo), ("high", hi)):
            object.__setattr__(self, k, v)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Trapezoidal(Prior):
    """Trapezoidal: rising on ``[low, mode_low]``, flat to ``mode_high``, falling to ``high``.

    The episensr default for bias parameters: every value between the two modes equally
    plausible, tails to the extremes. Drawn by inverting the piecewise-quadratic CDF.

    >>> import numpy as np
    >>> d = Trapezoidal(0.0, 0.05, 0.10, 0.15).draw(np.random.default_rng(1), 100_000)
    >>> round(float(d.mean()), 3), float(d.min()) >= 0.0, float(d.max()) <= 0.15
    (0.075, True, True)
    """

    low: float
    mode_low: float
    mode_high: float
    high: float

    def __post_init__(self) -> None:
        names = ("low", "mode_low", "mode_high", "high")
        a, b, c, d = (_finite(k, getattr(self, k)) for k in names)
        if not a <= b <= c <= d or a == d:
            raise ValueError(f"need low <= mode_low <= mode_high <= high and low < high; got "
                             f"{a:g}, {b:g}, {c:g}, {d:g}")
        for k, v in zip(names, (a, b, c, d), strict=True):
            object.__setattr__(self, k, v)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        a, b, c, d = self.low, self.mode_low, self.mode_high, self.high
        h = 2.0 / (d + c - a - b)
        u = rng.uniform(0.0, 1.0, size)
        fb = 0.5 * h * (b - a)
        fc = fb + h * (c - b)
        with np.errstate(invalid="ignore", divide="ignore"):
            rise = a + np.sqrt(2.0 * u * (b - a) / h)
            flat = b + (u - fb) / h
            fall = d - np.sqrt(2.0 * (1.0 - u) * (d - c) / h)
        return np.where(u < fb, rise, np.where(u <= fc, flat, fall))

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Beta(Prior):
    """Beta(a, b), optionally rescaled from [0, 1] to ``[low, high]``."""

    a: float
    b: float
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        for k in ("a", "b"):
            v = check_scalar(k, getattr(self, k), PRIOR_SHAPE,
                             hint="it is a shape parameter of the beta distribution")
            object.__setattr__(self, k, v)
        lo, hi = _finite("low", self.low), _finite("high", self.high)
        if not lo < hi:
            raise ValueError(f"low ({lo:g}) must be < high ({hi:g})")
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, size)

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class LogNormal(Prior):
    """Log-normal: ``log X ~ Normal(meanlog, sdlog)``; natural for odds ratios.

    ``LogNormal.from_interval(1.0, 1.42)`` centres the distribution at the geometric mean
    with 95% of its mass between the two values.
    """

    meanlog: float
    sdlog: float

    def __post_init__(self) -> None:
        m = check_scalar("meanlog", self.meanlog, LOG_LOCATION,
                         hint="exp(meanlog) is the median odds ratio and must be finite")
        s = check_scalar("sdlog", self.sdlog, PRIOR_SPREAD,
                         hint="it is the standard deviation of log X (0 for a point mass)")
        object.__setattr__(self, "meanlog", m)
        object.__setattr__(self, "sdlog", s)

    @classmethod
    def from_interval(cls, low: float, high: float, *, mass: float = 0.95) -> LogNormal:
        """The log-normal with ``mass`` of its probability between ``low`` and ``high``."""
        from scipy.special import ndtri

        lo, hi = _finite("low", low), _finite("high", high)
        if not 0 < lo < hi:
            raise ValueError(f"need 0 < low < high; got low={lo:g}, high={hi:g}")
        z = float(ndtri(0.5 + 0.5 * mass))
        return cls(0.5 * (math.log(lo) + math.log(hi)), (math.log(hi) - math.log(lo)) / (2 * z))

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(self.meanlog, self.sdlog, size)

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


def as_prior(name: str, value: Any) -> Prior:
    """A prior from a Prior, or a plain number (a point mass)."""
    if isinstance(value, Prior):
        return value
    if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
        return Fixed(float(value))
    raise TypeError(f"priors[{name!r}] ({value!r}) must be a number or a prior such as "
                    "Uniform(low, high), Triangular, Trapezoidal, Beta or LogNormal")
