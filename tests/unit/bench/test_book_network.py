"""The benchmark's reference (the book's per-example network) and our vectorised core
do the same work: same gradients, same SGD step, from the same weights."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from book_network import BookNetwork, column_data  # noqa: E402

from nnfs.maths.network import Network  # noqa: E402


def batch(sizes, m, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (m, sizes[0]), dtype=np.uint8)
    labels = rng.integers(0, sizes[-1], m)
    return images, labels


def pair(sizes, seed=1):
    core = Network(sizes, activation="sigmoid", cost="quadratic", init="normal", seed=seed)
    book = BookNetwork.from_arrays(core.weights, core.biases)
    return core, book


@pytest.mark.parametrize("sizes", [[6, 5, 3], [784, 30, 10], [12, 8, 7, 4]])
def test_same_gradient_for_a_mini_batch(sizes):
    images, labels = batch(sizes, 10)
    core, book = pair(sizes)
    nabla_b, nabla_w = core.backprop(images / 255.0, labels)  # mean over the batch
    data = column_data(images, labels, one_hot=True)
    # Build the one-hot columns for any number of outputs (column_data assumes 10).
    eye = np.eye(sizes[-1])
    data = [(x, eye[int(label)].reshape(-1, 1)) for (x, _), label in zip(data, labels)]
    sum_b = [np.zeros_like(b) for b in book.biases]
    sum_w = [np.zeros_like(w) for w in book.weights]
    for x, y in data:
        gb, gw = book.backprop(x, y)
        sum_b = [s + g for s, g in zip(sum_b, gb)]
        sum_w = [s + g for s, g in zip(sum_w, gw)]
    for l in range(len(sizes) - 1):
        np.testing.assert_allclose(nabla_w[l], sum_w[l] / len(data), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(nabla_b[l], sum_b[l][:, 0] / len(data), rtol=1e-10, atol=1e-13)


def test_same_sgd_steps_chapter_1_preset():
    """A few mini-batches of the chapter 1 preset (eta 3.0, batch 10): the same weights after."""
    sizes = [784, 30, 10]
    images, labels = batch(sizes, 40, seed=5)
    core, book = pair(sizes, seed=2)
    data = column_data(images, labels, one_hot=True)
    for k in range(0, 40, 10):
        core.update_mini_batch(images[k : k + 10], labels[k : k + 10], eta=3.0, scale=1 / 255)
        book.update_mini_batch(data[k : k + 10], eta=3.0)
    for wc, wb in zip(core.weights, book.weights):
        np.testing.assert_allclose(wc, wb, rtol=1e-9, atol=1e-12)
    for bc, bb in zip(core.biases, book.biases):
        np.testing.assert_allclose(bc, bb[:, 0], rtol=1e-9, atol=1e-12)
    # ... and the same predictions.
    X = images / 255.0
    np.testing.assert_allclose(core.feedforward(X), book.feedforward(X.T).T, rtol=1e-9, atol=1e-12)


def test_book_sgd_shuffles_reproducibly_and_learns():
    sizes = [4, 6, 2]
    rng = np.random.default_rng(0)
    X = rng.random((60, 4))
    labels = (X[:, 0] > 0.5).astype(int)
    eye = np.eye(2)

    def run():
        data = [(x.reshape(-1, 1), eye[l].reshape(-1, 1)) for x, l in zip(X, labels)]
        net = BookNetwork(sizes, seed=3)
        before = net.evaluate([(x.reshape(-1, 1), l) for x, l in zip(X, labels)])
        net.SGD(data, epochs=30, mini_batch_size=5, eta=3.0)
        return net, before

    a, before = run()
    b, _ = run()
    for wa, wb in zip(a.weights, b.weights):
        assert np.array_equal(wa, wb)
    after = a.evaluate([(x.reshape(-1, 1), l) for x, l in zip(X, labels)])
    assert after > max(before, 50)


def test_column_data_layout():
    images, labels = batch([784, 30, 10], 3)
    train = column_data(images, labels)
    test = column_data(images, labels, one_hot=False)
    x, y = train[1]
    assert x.shape == (784, 1) and y.shape == (10, 1) and y[labels[1], 0] == 1 and y.sum() == 1
    np.testing.assert_allclose(x[:, 0], images[1] / 255.0)
    assert test[2][1] == labels[2] and isinstance(test[2][1], int)
