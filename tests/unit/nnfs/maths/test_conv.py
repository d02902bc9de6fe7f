"""Convolution and max-pooling: against loops written out from the definition, and every
gradient against finite differences, on several shapes."""

from __future__ import annotations

import numpy as np
import pytest

from nnfs.maths import conv, linalg

SHAPES = [  # (N, C, H, W, F, k)
    (2, 1, 8, 8, 3, 5),
    (3, 2, 7, 9, 2, 3),
    (1, 3, 6, 5, 4, 2),
    (2, 1, 5, 5, 1, 5),  # the filter fills the image: one output
]


def naive_conv(X, W, b):
    """Z[n, f, y, x] = b[f] + sum over c, i, j of X[n, c, y + i, x + j] W[f, c, i, j]."""
    n, c, h, w = X.shape
    f, _, k, _ = W.shape
    Z = np.zeros((n, f, h - k + 1, w - k + 1))
    for a in range(n):
        for g in range(f):
            for y in range(h - k + 1):
                for x in range(w - k + 1):
                    Z[a, g, y, x] = b[g] + sum(
                        X[a, ch, y + i, x + j] * W[g, ch, i, j] for ch in range(c) for i in range(k) for j in range(k)
                    )
    return Z


def naive_pool(X, p):
    n, c, h, w = X.shape
    Y = np.zeros((n, c, h // p, w // p))
    for a in range(n):
        for ch in range(c):
            for y in range(h // p):
                for x in range(w // p):
                    Y[a, ch, y, x] = max(X[a, ch, y * p + i, x * p + j] for i in range(p) for j in range(p))
    return Y


def numeric(f, A, eps=1e-6):
    """dF/dA by central differences, entry by entry."""
    G = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        old = A[idx]
        A[idx] = old + eps
        up = f()
        A[idx] = old - eps
        down = f()
        A[idx] = old
        G[idx] = (up - down) / (2 * eps)
    return G


@pytest.fixture(params=[False, True], ids=["matmul", "contiguous-einsum"])
def layout(request, monkeypatch):
    monkeypatch.setattr(linalg, "CONTIGUOUS", request.param)


@pytest.mark.parametrize("shape", SHAPES)
def test_the_convolution_is_the_definition(shape, layout):
    n, c, h, w, f, k = shape
    rng = np.random.default_rng(sum(shape))
    X, W, b = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, k, k)), rng.standard_normal(f)
    Z = conv.conv_forward(X, W, b)
    assert Z.shape == (n, f, h - k + 1, w - k + 1)
    np.testing.assert_allclose(Z, naive_conv(X, W, b), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_gradient_of_the_convolution_is_the_finite_difference(shape, layout):
    n, c, h, w, f, k = shape
    rng = np.random.default_rng(100 + sum(shape))
    X, W, b = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, k, k)), rng.standard_normal(f)
    R = rng.standard_normal((n, f, h - k + 1, w - k + 1))  # C = sum(R * Z): dC/dZ = R

    def cost():
        return float((R * conv.conv_forward(X, W, b)).sum())

    dX, dW, db = conv.conv_backward(X, W, R)
    for analytic, wrt in ((dX, X), (dW, W), (db, b)):
        np.testing.assert_allclose(analytic, numeric(cost, wrt), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shape", [(2, 3, 8, 8), (1, 2, 7, 5), (3, 1, 2, 2)])
def test_max_pooling_is_the_definition_and_its_gradient_the_finite_difference(shape):
    rng = np.random.default_rng(sum(shape))
    X = rng.permutation(np.prod(shape)).reshape(shape) / 7.0  # distinct values: no ties
    Y, which = conv.pool_forward(X, 2)
    np.testing.assert_array_equal(Y, naive_pool(X, 2))  # odd rows and columns left out
    R = rng.standard_normal(Y.shape)
    dX = conv.pool_backward(R, which, X.shape, 2)
    np.testing.assert_allclose(dX, numeric(lambda: float((R * conv.pool_forward(X, 2)[0]).sum()), X), atol=1e-7)
    assert np.count_nonzero(dX) == np.count_nonzero(R)  # one input per block gets its gradient


def test_a_tie_sends_the_gradient_to_the_first_largest_input_only():
    X = np.ones((1, 1, 2, 2))
    Y, which = conv.pool_forward(X)
    dX = conv.pool_backward(np.array([[[[5.0]]]]), which, X.shape)
    assert Y[0, 0, 0, 0] == 1.0 and dX.tolist() == [[[[5.0, 0.0], [0.0, 0.0]]]]


def test_shapes_that_do_not_fit_are_refused_with_a_reason():
    X = np.zeros((1, 2, 4, 4))
    with pytest.raises(ValueError, match="do not fit images of 2 channels"):
        conv.conv_forward(X, np.zeros((3, 1, 3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="a 5 x 5 filter does not fit in a 4 x 4 image"):
        conv.conv_forward(X, np.zeros((3, 2, 5, 5)), np.zeros(3))
    with pytest.raises(ValueError, match="images must be"):
        conv.conv_forward(X[0], np.zeros((3, 2, 3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="cannot pool"):
        conv.pool_forward(np.zeros((1, 1, 1, 4)), 2)
    with pytest.raises(ValueError, match="dZ has shape"):
        conv.conv_backward(X, np.zeros((3, 2, 3, 3)), np.zeros((1, 3, 3, 3)))
