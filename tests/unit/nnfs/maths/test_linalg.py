"""The page's matrix layout (nnfs.maths.linalg with CONTIGUOUS on, einsum over
contiguous axes) against the plain ``@`` products, and a training run with
each layout: equal to 1e-12 relative (the same sums, added in another order)."""

import numpy as np
import pytest

from nnfs.maths import linalg
from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer


@pytest.fixture(params=[False, True], ids=["matmul", "contiguous"])
def layout(request, monkeypatch):
    monkeypatch.setattr(linalg, "CONTIGUOUS", request.param)
    return request.param


def test_each_product_equals_the_definition(layout):
    rng = np.random.default_rng(0)
    A, W, D = rng.standard_normal((7, 5)), rng.standard_normal((3, 5)), rng.standard_normal((7, 3))
    # The definitions, written as sums with explicit loops over examples.
    Z = np.array([[sum(A[n, i] * W[o, i] for i in range(5)) for o in range(3)] for n in range(7)])
    B = np.array([[sum(D[n, o] * W[o, i] for o in range(3)) for i in range(5)] for n in range(7)])
    G = sum(np.outer(D[n], A[n]) for n in range(7))
    np.testing.assert_allclose(linalg.forward(A, W), Z, rtol=1e-13)
    np.testing.assert_allclose(linalg.backward(D, W), B, rtol=1e-13)
    np.testing.assert_allclose(linalg.gradient(D, A), G, rtol=1e-13)


def train(contiguous, monkeypatch, steps=40):
    monkeypatch.setattr(linalg, "CONTIGUOUS", contiguous)
    rng = np.random.default_rng(1)
    X = rng.integers(0, 256, (steps * 100, 784)).astype(np.uint8)
    y = rng.integers(0, 10, steps * 100)
    net = Network([784, 100, 10], cost="cross-entropy", init="scaled", seed=0)
    trainer = Trainer(net, X, y, mini_batch_size=100, eta=0.5, lmbda=5.0, scale=1 / 255, seed=0)
    costs = trainer.step(steps)
    return net, costs


def test_a_training_run_is_the_same_in_both_layouts(monkeypatch):
    a, costs_a = train(False, monkeypatch)
    b, costs_b = train(True, monkeypatch)
    assert linalg.CONTIGUOUS is True  # the second run really used the page's layout
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(q, p, rtol=1e-12, atol=1e-12 * np.abs(p).max())
    np.testing.assert_allclose(costs_b, costs_a, rtol=1e-12)


def test_the_page_uses_the_contiguous_layout_and_cpython_blas():
    import sys

    assert linalg.CONTIGUOUS == (sys.platform == "emscripten")
