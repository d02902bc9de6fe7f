"""The 2-D playground data sets."""

import numpy as np
import pytest

from nnfs.data.datasets import DATASETS, blobs, circles, make_dataset, spiral, train_test_split, xor

MULTI = ["circles", "spiral", "blobs"]


@pytest.mark.parametrize("name", list(DATASETS))
def test_shape_range_labels(name):
    for n in (4, 101, 5000):
        X, y = DATASETS[name](n=n, noise=0.3, seed=1)
        assert X.shape == (n, 2) and X.dtype == np.float64
        assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
        assert X.min() >= -1.0 and X.max() <= 1.0
        assert set(np.unique(y)) <= {0, 1, 2, 3}
    X, y = DATASETS[name](n=200, noise=0.1, seed=1)
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1  # balanced classes


@pytest.mark.parametrize("name", MULTI)
@pytest.mark.parametrize("k", [2, 3, 4])
def test_n_classes(name, k):
    X, y = DATASETS[name](n=103, noise=0.05, n_classes=k, seed=0)
    assert sorted(np.unique(y)) == list(range(k))


@pytest.mark.parametrize("name", list(DATASETS))
def test_reproducible(name):
    a, b, c = (DATASETS[name](n=150, seed=s) for s in (7, 7, 8))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_shapes_without_noise():
    X, y = xor(n=40, noise=0.0, seed=0)
    np.testing.assert_array_equal(np.abs(X), 0.5)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    X, y = circles(n=90, noise=0.0, n_classes=3, seed=0)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), 0.85 * (y + 1) / 3, rtol=1e-12)
    X, y = blobs(n=40, noise=0.0, n_classes=4, seed=0)
    assert len(np.unique(X, axis=0)) == 4
    X, y = spiral(n=60, noise=0.0, seed=0)
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 0.9 + 1e-12


@pytest.mark.parametrize(
    "params,message",
    [
        (dict(n=3), "n must be an integer from 4 to 5000, got 3"),
        (dict(n=5001), "n must be an integer from 4 to 5000"),
        (dict(n=100.0), "n must be an integer"),
        (dict(n=True), "n must be an integer"),
        (dict(noise=-0.1), "noise must be a number from 0 to 1, got -0.1"),
        (dict(noise=1.5), "noise must be a number from 0 to 1"),
        (dict(noise=float("nan")), "noise must be a number from 0 to 1"),
        (dict(n_classes=1), "n_classes must be an integer from 2 to 4, got 1"),
        (dict(n_classes=5), "n_classes must be an integer from 2 to 4, got 5"),
        (dict(seed=-3), "seed must be None"),
    ],
)
@pytest.mark.parametrize("name", MULTI)
def test_bad_parameters(name, params, message):
    with pytest.raises(ValueError, match=message):
        DATASETS[name](**params)


@pytest.mark.parametrize("name", ["xor", "moons"])
def test_two_class_sets(name):
    with pytest.raises(ValueError, match="exactly 2 classes"):
        DATASETS[name](n_classes=3)
    with pytest.raises(ValueError, match="noise must be a number from 0 to 1"):
        DATASETS[name](noise=2)
    assert len(DATASETS[name](n=10, n_classes=2, seed=0)[0]) == 10


def test_registry():
    assert set(DATASETS) == {"xor", "circles", "spiral", "blobs", "moons"}
    X, y = make_dataset("spiral", n=30, n_classes=4, seed=0)
    assert X.shape == (30, 2) and set(y) == {0, 1, 2, 3}
    with pytest.raises(ValueError, match="unknown data set 'swiss-roll'"):
        make_dataset("swiss-roll")


def test_train_test_split():
    X, y = spiral(n=200, seed=0)
    (Xtr, ytr), (Xte, yte) = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert len(Xte) == 50 and len(Xtr) == 150 and len(ytr) == 150 and len(yte) == 50
    both = np.concatenate([Xtr, Xte])
    assert sorted(map(tuple, both)) == sorted(map(tuple, X))  # a partition of X
    again = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert np.array_equal(again[1][0], Xte) and np.array_equal(again[1][1], yte)
    for i, row in enumerate(Xte):  # labels travel with points
        assert yte[i] == y[np.flatnonzero((X == row).all(axis=1))[0]]
    for bad in (0, 1, 1.5, -0.2, True):
        with pytest.raises(ValueError, match="test_fraction must be a number strictly between 0 and 1"):
            train_test_split(X, y, bad)
    with pytest.raises(ValueError, match="leaves an empty training or test set"):
        train_test_split(X[:4], y[:4], 0.01)
    with pytest.raises(ValueError, match="X has 200 examples but y has 10"):
        train_test_split(X, y[:10], 0.5)
