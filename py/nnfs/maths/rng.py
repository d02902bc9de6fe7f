"""One way to make a random generator from a seed, shared by the whole core.

Every random choice (initial weights, mini-batch order, datasets) goes through
a seeded ``numpy.random.Generator``, so a run is reproducible, in CPython and
in the page alike.
"""

from __future__ import annotations

import numpy as np

# What every seeded function takes (see make_rng).
Seed = int | np.integer | np.random.Generator | None


def make_rng(seed: Seed) -> np.random.Generator:
    """A Generator from None (fresh entropy), a non-negative int, or an existing Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ValueError(f"seed must be None, a non-negative int or a numpy Generator, got {seed!r}")
