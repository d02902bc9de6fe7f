"""The Chapter 6 lab's core: the book's ladder, its runs on the one engine, memory, the best run kept."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from nnfs.labs.chapter6 import ladder
from nnfs.labs.chapter6 import session as c6
from nnfs.maths.convnet import ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer

# The book's chapter 6 (Nielsen, "Convolutional neural networks in practice"), typed from its text:
# (layers as (kind, size, activation, dropout), eta, lmbda, expanded, epochs, test accuracy)
BOOK = {
    "fc": ([("fc", 100, "sigmoid", 0), ("softmax", 10)], 0.1, 0.0, False, 60, 0.9780),
    "conv1": ([("conv", 20, "sigmoid"), ("fc", 100, "sigmoid", 0), ("softmax", 10)], 0.1, 0.0, False, 60, 0.9878),
    "conv2": (
        [("conv", 20, "sigmoid"), ("conv", 40, "sigmoid"), ("fc", 100, "sigmoid", 0), ("softmax", 10)],
        0.1, 0.0, False, 60, 0.9906,
    ),
    "relu": ([("conv", 20, "relu"), ("conv", 40, "relu"), ("fc", 100, "relu", 0), ("softmax", 10)], 0.03, 0.1, False, 60, 0.9923),
    "expanded": (
        [("conv", 20, "relu"), ("conv", 40, "relu"), ("fc", 100, "relu", 0), ("softmax", 10)], 0.03, 0.1, True, 60, 0.9937,
    ),
    "dropout": (
        [("conv", 20, "relu"), ("conv", 40, "relu"), ("fc", 1000, "relu", 0.5), ("fc", 1000, "relu", 0.5), ("softmax", 10, 0.5)],
        0.03, 0.0, True, 40, 0.9960,
    ),
}  # fmt: skip


def described(layer):
    if isinstance(layer, ConvPoolLayer):
        assert (layer.size, layer.pool) == (5, 2)
        return ("conv", layer.filters, layer.activation)
    if isinstance(layer, FullyConnectedLayer):
        return ("fc", layer.neurons, layer.activation, layer.dropout)
    assert isinstance(layer, SoftmaxLayer)
    return ("softmax", layer.classes) + ((layer.dropout,) if layer.dropout else ())


@pytest.mark.parametrize("key", list(BOOK))
def test_each_rung_is_the_books_network_and_settings(key):
    rung = ladder.LADDER[key]
    layers, eta, lmbda, expanded, epochs, accuracy = BOOK[key]
    assert [described(layer) for layer in rung.layers] == layers
    assert (rung.eta, rung.lmbda, rung.expanded, rung.book_epochs, rung.book_accuracy) == (
        eta, lmbda, expanded, epochs, accuracy,
    )  # fmt: skip
    assert f"{100 * accuracy:.2f}" in rung.book_says


def test_the_ladder_is_in_the_books_order_and_builds():
    assert list(ladder.LADDER) == list(BOOK)
    for rung in ladder.LADDER.values():
        net = rung.build(seed=1)
        assert net.shapes[0] == (1, 28, 28) and net.sizes[-1] == 10


@pytest.mark.parametrize("key", list(BOOK))
def test_the_default_images_train_in_about_a_minute_at_the_pages_rate(key):
    n = ladder.default_images(key)
    assert 1000 <= n <= 50_000 and n % 1000 == 0
    seconds = n * (5 if ladder.LADDER[key].expanded else 1) / ladder.PAGE_RATE[key]
    assert seconds <= 75 and (n == 50_000 or seconds >= 45)


def test_choosing_a_rung_sets_its_learning_settings():
    assert c6.rung_values("relu") == {"eta": 0.03, "l2": 0.1, "batch": 10, "images": ladder.default_images("relu")}
    assert c6.rung_values("dropout")["l2"] == 0.0


def test_settings_are_read_through_the_forms_table():
    got = c6.read({"rung": "fc", "images": 500})
    assert got["rung"] == "fc" and got["images"] == 500 and got["epochs"] == 1 and got["scored"] == 10_000
    for bad, words in (
        ({"rung": "lenet"}, "network must be one of"),
        ({"images": 50}, "training images"),
        ({"epochs": 0}, "epochs"),
        ({"batch": 101}, "mini-batch"),
        ({"nonsense": 1}, "nonsense"),
    ):
        with pytest.raises(ValueError, match=words):
            c6.read(bad)


def fake_splits(n=120, seed=0):
    rng = np.random.default_rng(seed)

    def split(m):
        return (rng.integers(0, 256, (m, 784)).astype(np.uint8), rng.integers(0, 10, m).astype(np.uint8))

    return split(n), split(150), split(150)


def test_an_expanded_rung_trains_on_five_shifted_copies_of_each_image():
    train, validation, test = fake_splits()
    s = c6.build_session({"rung": "expanded", "images": 100, "scored": 100}, train, validation, test)
    assert len(s.trainer.X) == 500
    assert np.array_equal(s.trainer.X[0], train[0][0]) and np.array_equal(s.trainer.y[:5], [train[1][0]] * 5)
    s = c6.build_session({"rung": "relu", "images": 100, "scored": 100}, train, validation, test)
    assert len(s.trainer.X) == 100


def test_a_run_in_slices_equals_a_run_in_one_go_and_scores_the_first_rows():
    train, validation, test = fake_splits()
    values = {"rung": "conv1", "images": 100, "epochs": 2, "scored": 100, "batch": 10, "seed": 4}
    one = c6.build_session(values, train, validation, test)
    while one.run(1e9) is None:
        pass
    ticks = iter(range(10**9))
    sliced = c6.build_session(values, train, validation, test, clock=lambda: next(ticks) * 1e-3)
    calls = 0
    while sliced.run(0.002) is None:
        calls += 1
    assert calls > 5
    for key in ("validation_acc", "test_acc", "validation_loss", "minibatch_loss"):
        a, b = one.history[key], sliced.history[key]
        assert all((math.isnan(x) and math.isnan(y)) or x == y for x, y in zip(a, b)), key
    # Scored on the first 100 of the 150 rows: the accuracy is a whole number of hundredths.
    assert all(abs(v * 100 - round(v * 100)) < 1e-9 for v in one.history["test_acc"])


def test_memory_grows_with_images_and_a_run_that_would_not_fit_is_refused_before_it_starts():
    small = c6.memory_bytes(c6.read({"rung": "expanded", "images": 1000}))
    big = c6.memory_bytes(c6.read({"rung": "expanded", "images": 50_000}))
    assert big - small == 49_000 * 5 * 784
    assert c6.memory_bytes(c6.read({"rung": "dropout", "images": 1000})) > small  # 1.65 M weights, four times
    c6.check_memory(c6.read({"rung": "dropout", "images": 50_000}))  # every rung fits the page
    with pytest.raises(ValueError, match="would hold about .* MB"):
        c6.check_memory(c6.read({"rung": "expanded", "images": 50_000}), limit=100_000_000)


def test_the_best_kept_run_of_each_rung():
    def record(rung, accs, images="500"):
        return SimpleNamespace(
            settings={"rung": rung, "images": images}, epochs=len(accs), last=lambda m, a=accs: a[-1]
        )

    best = ladder.best_by_rung(
        [record("relu", [0.9, 0.95]), record("relu", [0.97]), record("fc", [0.8]), record("x", [1.0])]
    )
    assert best == {"relu": (0.97, 1, 500), "fc": (0.8, 1, 500)}
