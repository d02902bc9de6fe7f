"""Checks of the numbers a caller hands the core: one place, one wording for every message.

A bad argument is refused at once with a ValueError that names it and says what was
expected, so the page can show the message as it is ("eta must be a finite number > 0, got 0.0").
"""

from __future__ import annotations

import math

import numpy as np


def positive_int(value: object, name: str) -> int:
    """A positive int (a bool is not one: True is not a count)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
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
