"""The base every result object inherits: frozen, equal by value, hashable, picklable, shown.

A result is a frozen dataclass that subclasses :class:`Result`::

    @dataclass(frozen=True, eq=False, repr=False)
    class ProportionCI(Result):
        ...

``eq=False`` leaves equality and hashing to the base (a generated ``__eq__`` would compare
numpy arrays elementwise and fail, and a generated ``__hash__`` would raise on a dict or a
DataFrame field); ``repr=False`` leaves the one-line ``__repr__`` to the class or the base.

What the base guarantees for every field:

* **Immutable.** A numpy array is stored read-only. It is copied unless nothing can write to
  its memory: it and every array it views (its ``base`` chain) are read-only, such as a
  ``broadcast_to`` view of an array made read-only with :func:`sealed`. A read-only view of
  the caller's writeable array is copied, since the caller could still change it. A pandas
  object or a dict is copied on the way in and **a copy is returned on every read**, so
  changing what ``result.steps`` or ``result.fixed`` returns cannot change the result.
* **Equal by value.** ``a == b`` when both are the same class and every compared field
  (``field(compare=False)`` opts out) is equal: arrays as ``np.array_equal(equal_nan=True)``,
  pandas objects with ``.equals``, floats with NaN equal to NaN, dicts, tuples and nested
  results field by field.
* **Hashable, consistently.** ``hash(a)`` never raises and equal results hash equal: it is the
  hash of one digest per compared field (array bytes after mapping -0.0 to 0.0 and every NaN
  to one NaN, so the digest sees only what equality sees).
* **Picklable.** The stored state round-trips; arrays come back read-only.
* **Shown.** ``str()`` is the one-line ``repr``; ``_repr_html_`` is the ``to_frame()`` table
  through :func:`surveystats._display.html_table` unless the class has its own.

A class may leave a field to be derived on first read (``ProportionCI.se`` is): its
``__post_init__`` removes the field from the instance ``__dict__`` and its :meth:`Result._derive`
computes it; the value is then stored like any other, and equality, hashing and pickling see it
(pickling leaves an underived field out, to be derived again).

The read-side copies need a data descriptor on the class for each field. The dataclass
decorator runs after ``__init_subclass__``, so the fields are known only when the first
instance is made; ``__post_init__`` (and ``__setstate__`` for an unpickled object) installs the
descriptors then, once per class.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from surveystats._display import fmt, html_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Result", "sealed"]

_PANDAS = (pd.Series, pd.DataFrame)
_MISSING = object()
_HASH_KEY = "_result_hash"


# --- storing and exposing ---------------------------------------------------------------


def _read_only_throughout(a: np.ndarray) -> bool:
    """Whether ``a`` and every array it is a view of are read-only (and the last owns its data)."""
    base: Any = a
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        base = base.base
    return base is None


def sealed(value: Any, *, owned: bool = False) -> Any:
    """An array nothing can write to, for a result to store without copying.

    ``owned=True`` says the array is new and handed over (nothing else refers to it or to the
    arrays it views, e.g. bounds the engine just computed): it is made read-only in place,
    with the arrays it views. Otherwise an array that is not read-only throughout is copied
    first, as the caller of the public function may still write to it. Anything but an array
    is returned as is.
    """
    if not isinstance(value, np.ndarray):
        return value
    if owned:
        base: Any = value
        while isinstance(base, np.ndarray):
            base.flags.writeable = False
            base = base.base
        return value
    if not _read_only_throughout(value):
        value = value.copy()
        value.flags.writeable = False
    return value


def _freeze(value: Any, *, copy: bool = True) -> Any:
    """The form a field is stored in: read-only arrays, private copies of mutable containers."""
    if isinstance(value, np.ndarray):
        return sealed(value, owned=not copy)
    if copy and isinstance(value, _PANDAS):
        return value.copy(deep=True)
    if copy and isinstance(value, dict):
        return dict(value)
    return value


def _expose(value: Any) -> Any:
    """What reading a field returns: a copy of a pandas object or a dict, else the value."""
    if isinstance(value, _PANDAS):
        return value.copy(deep=True)
    if isinstance(value, dict):
        return dict(value)
    return value


class _Field:
    """Data descriptor for one field: stores in the instance ``__dict__``, reads through
    :func:`_expose`. Assignment from outside is refused earlier, by the frozen dataclass.
    On the class it reads as the field's default, as a dataclass attribute does."""

    __slots__ = ("default", "name")

    def __init__(self, name: str, default: Any) -> None:
        self.name = name
        self.default = default

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            if self.default is dataclasses.MISSING:
                raise AttributeError(self.name)
            return self.default
        return _expose(obj._stored(self.name))

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value


def _prepare(cls: type) -> None:
    """Install the field descriptors and record the field names, once per class."""
    if cls.__dict__.get("_result_ready", False):
        return
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    for f in fields:
        setattr(cls, f.name, _Field(f.name, f.default))
    cls._result_fields = tuple(f.name for f in fields)  # type: ignore[attr-defined]
    cls._result_compared = tuple(f.name for f in fields if f.compare)  # type: ignore[attr-defined]
    cls._result_ready = True  # type: ignore[attr-defined]


# --- equality and hashing ---------------------------------------------------------------


def _is_nan(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral) and math.isnan(x)


def _numeric(a: np.ndarray) -> np.ndarray:
    return a.astype(np.int8) if a.dtype.kind == "b" else a


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    ka, kb = a.dtype.kind, b.dtype.kind
    if ka in "biu" and kb in "biu":
        return bool(np.array_equal(a, b))
    if ka in "biufc" and kb in "biufc":
        return bool(np.array_equal(_numeric(a), _numeric(b), equal_nan=True))
    return all(_same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True))


def _same(a: Any, b: Any) -> bool:
    """Value equality that understands arrays, pandas objects, NaN and containers."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and _same_array(a, b)
    if isinstance(a, (*_PANDAS, pd.Index)) or isinstance(b, (*_PANDAS, pd.Index)):
        return type(a) is type(b) and bool(a.equals(b))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, numbers.Number) and isinstance(b, numbers.Number):
        if _is_nan(a) or _is_nan(b):
            return _is_nan(a) and _is_nan(b)
        return bool(a == b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # objects whose == is elementwise or refuses
        return False


def _array_digest(a: np.ndarray) -> Hashable:
    kind = a.dtype.kind
    if kind in "biufc":
        c = np.asarray(a, dtype=np.complex128 if kind == "c" else np.float64) + 0.0  # -0.0 -> 0.0
        c = np.where(np.isnan(c), np.nan, c)  # one NaN bit pattern
        return ("array", a.shape, c.tobytes())
    return ("array", a.shape, tuple(_digest(x) for x in a.ravel().tolist()))


def _digest(v: Any) -> Hashable:
    """A hashable summary of ``v`` that is the same for any two values :func:`_same` accepts."""
    if v is None or isinstance(v, (str, bytes, bool)):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return "nan" if math.isnan(v) else float(v)
    if isinstance(v, numbers.Complex):
        c = complex(v)
        return "nan" if math.isnan(c.real) or math.isnan(c.imag) else c
    if isinstance(v, np.ndarray):
        return _array_digest(v)
    if isinstance(v, pd.Index):
        return ("index", _array_digest(v.to_numpy()))
    if isinstance(v, pd.Series):
        return ("series", _digest(v.index), _array_digest(v.to_numpy()))
    if isinstance(v, pd.DataFrame):
        return ("frame", _digest(v.columns), _digest(v.index),
                tuple(_array_digest(v.iloc[:, i].to_numpy()) for i in range(v.shape[1])))
    if isinstance(v, dict):
        return frozenset((_digest(k), _digest(x)) for k, x in v.items())
    if isinstance(v, (tuple, list)):
        return tuple(_digest(x) for x in v)
    try:
        return hash(v)
    except TypeError:
        # an unhashable object of another kind: its type is a coarse but consistent digest
        return type(v).__qualname__


# --- the base -----------------------------------------------------------------------------


class Result(ABC):
    """Base of every result: frozen fields, value equality, hashing, pickling, display.

    Subclasses are ``@dataclass(frozen=True, eq=False, repr=False)`` and implement
    :meth:`to_frame`. A subclass with its own ``__post_init__`` calls
    ``super().__post_init__()`` first, so its fields are frozen before it derives others.
    """

    def __post_init__(self) -> None:
        cls = type(self)
        _prepare(cls)
        stored = self.__dict__
        for name in cls._result_fields:  # type: ignore[attr-defined]
            if name in stored:
                stored[name] = _freeze(stored[name])

    def _stored(self, name: str) -> Any:
        """A field as stored, without the copy a read makes (for the class's own read-only
        use, e.g. quantiles of a large DataFrame). A field left to be derived is derived and
        stored now; AttributeError if the field is neither stored nor derived."""
        stored = self.__dict__
        if name not in stored:
            stored[name] = _freeze(self._derive(name), copy=False)  # a new value: no copy
        return stored[name]

    def _derive(self, name: str) -> Any:
        """The value of a field the instance left to be derived on first read (none here)."""
        raise AttributeError(name)

    def _compared(self, name: str) -> Any:
        """A compared field as stored, or ``_MISSING``."""
        try:
            return self._stored(name)
        except AttributeError:
            return _MISSING

    # --- tables and display -------------------------------------------------------------
    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """A tidy DataFrame of the result; its column names never depend on a parameter."""

    def __repr__(self) -> str:
        parts = ", ".join(f"{f.name}={fmt(getattr(self, f.name))}"
                          for f in dataclasses.fields(self)  # type: ignore[arg-type]
                          if f.repr and not f.name.startswith("_"))
        return f"{type(self).__name__}({parts})"

    def __str__(self) -> str:
        """A human line: the class's own sentence (``_text``) where it has one, e.g.
        ``70.0% [67.7%, 72.2%] (wilson, 95%, n = 1,600)``; otherwise the one-line repr."""
        text = self._text()
        return " ".join((repr(self) if text is None else text).split())

    def _text(self) -> str | None:
        """The human sentence of ``str()``; None falls back to the repr."""
        return None

    def _repr_html_(self) -> str:
        return html_table(type(self).__name__, self.to_frame())

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the result on ``ax`` (default: the current axes) and return the Axes.

        Results with a chart override this with their ``surveystats.plotting`` function.
        """
        raise NotImplementedError(f"{type(self).__name__} has no chart")

    # --- equality and hashing -----------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        if other is self:
            return True
        return all(_same(self._compared(n), other._compared(n))  # type: ignore[attr-defined]
                   for n in type(self)._result_compared)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        stored = self.__dict__
        h = stored.get(_HASH_KEY)
        if h is None:
            digests = tuple(_digest(None if (v := self._compared(n)) is _MISSING else v)
                            for n in type(self)._result_compared)  # type: ignore[attr-defined]
            h = hash((type(self).__qualname__, digests))
            stored[_HASH_KEY] = h  # immutable, so the hash can be kept
        return int(h)

    # --- pickling -----------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        # the cached hash is left out: str hashes differ between processes
        return {k: v for k, v in self.__dict__.items() if k != _HASH_KEY}

    def __setstate__(self, state: dict[str, Any]) -> None:
        _prepare(type(self))
        for name, value in state.items():
            self.__dict__[name] = _freeze(value, copy=False)
