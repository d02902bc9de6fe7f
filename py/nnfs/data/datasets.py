"""Small seeded 2-D classification data sets for the playground pages.

Every generator returns ``(X, y)``: X float64 of shape (n, 2), y int64 of
shape (n,) with classes 0..n_classes-1, in a shuffled order. All points lie in
the fixed box [-1, 1]^2 (BOX), so a page can draw every data set on the same
axes: the clean shapes sit inside roughly [-0.9, 0.9]^2 and points that noise
pushes outside the box are clipped onto its edge.

Common parameters:

    n          number of points, 4..5000, split as evenly as possible over the classes
    noise      standard deviation of Gaussian jitter added to each coordinate,
               0..1, in the box's units (0.1 is a tenth of the box's half-width)
    n_classes  2..4 (xor and moons have exactly 2)
    seed       None, a non-negative int, or a numpy Generator: the same seed gives
               the same points

``train_test_split`` splits a set at random; ``DATASETS`` maps names to the
generators.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths.rng import Seed, make_rng

BOX = (-1.0, 1.0)  # every coordinate of every point lies in this interval
N_MIN, N_MAX = 4, 5000
CLASSES_MIN, CLASSES_MAX = 2, 4


def _check(
    n: int, noise: float, n_classes: int, seed: Seed, max_classes: int = CLASSES_MAX
) -> tuple[np.random.Generator, list[int]]:
    """Validate the common parameters; return (rng, counts per class)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not N_MIN <= n <= N_MAX:
        raise ValueError(f"n must be an integer from {N_MIN} to {N_MAX}, got {n!r}")
    if (
        isinstance(noise, bool)
        or not isinstance(noise, (int, float, np.integer, np.floating))
        or not (math.isfinite(noise) and 0.0 <= noise <= 1.0)
    ):
        raise ValueError(f"noise must be a number from 0 to 1, got {noise!r}")
    if (
        isinstance(n_classes, bool)
        or not isinstance(n_classes, (int, np.integer))
        or not CLASSES_MIN <= n_classes <= max_classes
    ):
        if max_classes == CLASSES_MIN:
            raise ValueError(f"this data set has exactly 2 classes, got n_classes={n_classes!r}")
        raise ValueError(f"n_classes must be an integer from {CLASSES_MIN} to {max_classes}, got {n_classes!r}")
    rng = make_rng(seed)
    # n = q k + r: the first r classes get one extra point.
    q, r = divmod(int(n), int(n_classes))
    counts = [q + (k < r) for k in range(n_classes)]
    return rng, counts


def _finish(
    points: Sequence[NDArray[np.float64]], labels: Sequence[int], noise: float, rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Add the jitter, clip into the box, shuffle; -> (X float64 (n,2), y int64 (n,))."""
    X = np.concatenate(points)
    y = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in zip(labels, points)])
    X = X + noise * rng.standard_normal(X.shape)
    np.clip(X, *BOX, out=X)
    order = rng.permutation(len(X))
    return X[order], y[order]


def xor(
    n: int = 200, noise: float = 0.1, seed: Seed = None, n_classes: int = 2
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Four clusters around (+-0.5, +-0.5); class 1 where exactly one coordinate
    is positive (the corners (0.5, -0.5) and (-0.5, 0.5)), class 0 otherwise.

    Labels come from the cluster a point was drawn around, not from where the
    noise put it, so a large noise makes the classes overlap.
    """
    rng, _ = _check(n, noise, n_classes, seed, max_classes=2)
    corners = [(0.5, 0.5, 0), (-0.5, -0.5, 0), (0.5, -0.5, 1), (-0.5, 0.5, 1)]
    q, r = divmod(n, 4)
    points = [np.tile((cx, cy), (q + (i < r), 1)) for i, (cx, cy, _) in enumerate(corners)]
    return _finish(points, [c[2] for c in corners], noise, rng)


def circles(
    n: int = 200, noise: float = 0.05, n_classes: int = 2, seed: Seed = None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Concentric rings, class k on the circle of radius 0.85 (k + 1) / n_classes."""
    rng, counts = _check(n, noise, n_classes, seed)
    points = []
    for k, m in enumerate(counts):
        theta = rng.uniform(0.0, 2.0 * np.pi, m)
        r = 0.85 * (k + 1) / n_classes
        points.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
    return _finish(points, range(n_classes), noise, rng)


def spiral(
    n: int = 200, noise: float = 0.05, n_classes: int = 3, seed: Seed = None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """n_classes interleaved spiral arms (as in Karpathy's CS231n demo).

    Arm k: radius r = 0.9 t and angle 2 pi k / n_classes + 4 t for t uniform
    in [0, 1], so each arm winds about two thirds of a turn from the centre.
    """
    rng, counts = _check(n, noise, n_classes, seed)
    points = []
    for k, m in enumerate(counts):
        t = rng.uniform(0.0, 1.0, m)
        r, theta = 0.9 * t, 2.0 * np.pi * k / n_classes + 4.0 * t
        points.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
    return _finish(points, range(n_classes), noise, rng)


def blobs(
    n: int = 200, noise: float = 0.2, n_classes: int = 3, seed: Seed = None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Gaussian blobs with standard deviation ``noise`` around centres spaced
    evenly on the circle of radius 0.6 (starting at 45 degrees)."""
    rng, counts = _check(n, noise, n_classes, seed)
    points = []
    for k, m in enumerate(counts):
        angle = np.pi / 4 + 2.0 * np.pi * k / n_classes
        points.append(np.tile((0.6 * np.cos(angle), 0.6 * np.sin(angle)), (m, 1)))
    return _finish(points, range(n_classes), noise, rng)


def moons(
    n: int = 200, noise: float = 0.1, seed: Seed = None, n_classes: int = 2
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Two interleaving half circles (like scikit-learn's make_moons), scaled
    by 1/1.6 and centred: class 0 the upper arc, class 1 the lower one."""
    rng, counts = _check(n, noise, n_classes, seed, max_classes=2)
    t0 = rng.uniform(0.0, np.pi, counts[0])
    t1 = rng.uniform(0.0, np.pi, counts[1])
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    # The arcs span x in [-1, 2], y in [-0.5, 1]; centre them on (0.5, 0.25), scale into the box.
    centre, s = np.array([0.5, 0.25]), 1.0 / 1.6
    return _finish([(upper - centre) * s, (lower - centre) * s], [0, 1], noise, rng)


DATASETS = {"xor": xor, "circles": circles, "spiral": spiral, "blobs": blobs, "moons": moons}


def make_dataset(name: str, **params: Any) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """DATASETS[name](**params), with a ValueError for an unknown name."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(DATASETS)}")
    return DATASETS[name](**params)


def train_test_split(
    X: ArrayLike, y: ArrayLike, test_fraction: float = 0.25, seed: Seed = None
) -> tuple[tuple[NDArray[Any], NDArray[Any]], tuple[NDArray[Any], NDArray[Any]]]:
    """Split (X, y) at random into ((X_train, y_train), (X_test, y_test)).

    The test set gets round(test_fraction * N) examples; both parts must end
    up non-empty.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)}")
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, (int, float, np.floating))
        or not 0.0 < test_fraction < 1.0
    ):
        raise ValueError(f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}")
    n_test = int(round(test_fraction * len(X)))
    if not 0 < n_test < len(X):
        raise ValueError(f"test_fraction={test_fraction} of {len(X)} examples leaves an empty training or test set")
    order = make_rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return (X[train], y[train]), (X[test], y[test])
