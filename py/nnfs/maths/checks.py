"""Checks of the numbers a caller hands the core: one place, one wording for every message.

A bad argument is refused at once with a ValueError that names it and says what was
expected, so the page can show the message as it is ("eta must be a finite number > 0, got 0.0").
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sized
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def positive_int(value: object, name: str) -> int:
    """A positive int (a bool is not one: True is not a count)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def whole_number(value: object, name: str, low: int, high: int) -> int:
    """An int from low to high (a bool is not one, nor 2.0: a count is written without a point)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}; got {value!r}")
    return int(value)


def real_number(value: object, name: str, low: float = 0.0, allow_low: bool = True) -> float:
    """A finite real >= low (or > low when not allow_low)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or (value == low and not allow_low):
        bound = ">=" if allow_low else ">"
        raise ValueError(f"{name} must be a finite number {bound} {low:g}, got {value!r}")
    return value


def bit(value: object, name: str) -> int:
    """The int 0 or 1 (a bool, 1.0 or numpy's 1 too: they equal a bit), else a ValueError naming it."""
    if isinstance(value, numbers.Real) and value in (0, 1):
        return int(value)  # type: ignore[call-overload]  # typeshed's numbers.Real has no __int__; 0 and 1 do
    raise ValueError(f"{name} must be 0 or 1; got {value!r}")


def sequence(values: object, name: str, expected: str) -> list[object]:
    """The items of ``values`` as a list; a ValueError "NAME must be EXPECTED; got ..." if it
    is no sequence. A string is refused though it iterates: "10" is text, not the bits 1, 0."""
    if not isinstance(values, (str, bytes)):
        try:
            return list(values)  # type: ignore[call-overload]  # an object: whatever iterates
        except TypeError:
            pass
    raise ValueError(f"{name} must be {expected}; got {values!r}")


def class_labels(y: ArrayLike, n_classes: int) -> NDArray[Any]:
    """y as an array after checking it holds class indices 0..n_classes-1."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"labels y must be a 1-D array of class indices, got shape {y.shape}")
    if y.dtype == bool or not np.issubdtype(y.dtype, np.number):
        raise ValueError(f"labels y must be integers, got dtype {y.dtype}")
    if len(y) and not np.all(y == np.round(y)):
        raise ValueError("labels y must be whole numbers (class indices)")
    if len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels y must lie in 0..{n_classes - 1}, got values from {y.min()} to {y.max()}")
    return y


def data_set(X: Sized, y: Sized) -> None:
    """A data set to score: as many labels as examples, and at least one of each."""
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)}")
    if len(X) == 0:
        raise ValueError("empty data set: no examples to score")


def all_finite(arrays: Iterable[NDArray[Any]]) -> bool:
    """False once any entry of any array is inf or NaN (a network's weights: training has diverged)."""
    return all(np.isfinite(a).all() for a in arrays)
