"""Convolution and max-pooling over a whole mini-batch: the building blocks of chapter 6.

Images are (N examples, C channels, H rows, W columns), filters (F, C, k, k), one bias per
filter. A *valid* convolution slides each k x k filter over every position where it fits
wholly, so a H x W image gives (H - k + 1) x (W - k + 1) outputs per filter (as Theano's
``conv2d`` in the book's ``network3.py``; like most deep-learning code it does not flip the
filter, which changes nothing in what a net can learn).

Each convolution is one matrix product, in the layout ``linalg`` found fastest in the page:
every k x k x C patch becomes a row (``patches``, a view of the images made into one array),
the filters are rows too, and

    forward    Z = patches W^T + b        (N Ho Wo, C k k) x (F, C k k) -> (N Ho Wo, F)
    gradient   dC/dW = D^T patches        D: dC/dZ, one row per position
    backward   dC/dpatches = D W, then each patch's share added back to its pixels

The last step loops over the k x k offsets of a filter (25 for 5 x 5), never over examples
or pixels. Max-pooling takes the largest of each non-overlapping p x p block (rows and
columns that do not fill a block are dropped, as Theano's ``ignore_border=True``); its
gradient goes to the one input that was the largest (the first, on a tie).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from nnfs.maths import linalg

Array = NDArray[np.float64]


def _shapes(X: Array, W: Array) -> tuple[int, int, int, int, int, int]:
    if X.ndim != 4 or W.ndim != 4:
        raise ValueError(f"images must be (N, C, H, W) and filters (F, C, k, k); got {X.shape} and {W.shape}")
    n, c, h, w = X.shape
    f, c_w, k, k2 = W.shape
    if c_w != c or k != k2:
        raise ValueError(f"filters {W.shape} do not fit images of {c} channels (square k x k filters)")
    if k > h or k > w:
        raise ValueError(f"a {k} x {k} filter does not fit in a {h} x {w} image")
    return n, c, h - k + 1, w - k + 1, f, k


def patches(X: Array, k: int) -> Array:
    """Every k x k patch of every image, one row each: (N Ho Wo, C k k), rows in (n, y, x) order."""
    n, c = X.shape[:2]
    windows = sliding_window_view(X, (1, 1, k, k))[:, :, :, :, 0, 0]  # (N, C, Ho, Wo, k, k), a view
    return np.ascontiguousarray(windows.transpose(0, 2, 3, 1, 4, 5)).reshape(-1, c * k * k)


def conv_forward(X: Array, W: Array, b: Array) -> Array:
    """The valid convolution of images X (N, C, H, W) with filters W (F, C, k, k), plus b (F,)."""
    n, _c, ho, wo, f, k = _shapes(X, W)
    Z = linalg.forward(patches(X, k), W.reshape(f, -1)) + b
    return np.ascontiguousarray(Z.reshape(n, ho, wo, f).transpose(0, 3, 1, 2))


def conv_backward(X: Array, W: Array, dZ: Array) -> tuple[Array, Array, Array]:
    """Given dC/dZ (N, F, Ho, Wo) for Z = conv_forward(X, W, b): (dC/dX, dC/dW, dC/db)."""
    n, c, ho, wo, f, k = _shapes(X, W)
    if dZ.shape != (n, f, ho, wo):
        raise ValueError(f"dZ has shape {dZ.shape}; expected {(n, f, ho, wo)}")
    D = np.ascontiguousarray(dZ.transpose(0, 2, 3, 1)).reshape(-1, f)  # one row per position
    dW = linalg.gradient(D, patches(X, k)).reshape(W.shape)
    db = D.sum(axis=0)
    dP = linalg.backward(D, W.reshape(f, -1)).reshape(n, ho, wo, c, k, k)
    dX = np.zeros_like(X, dtype=np.float64)
    for i in range(k):  # each offset of the filter adds its share back to the pixels it read
        for j in range(k):
            dX[:, :, i : i + ho, j : j + wo] += dP[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dX, dW, db


def pool_forward(X: Array, p: int = 2) -> tuple[Array, NDArray[np.intp]]:
    """The largest value of each p x p block: (N, C, H // p, W // p), and which input was it
    (an index 0 .. p*p - 1 within its block, for ``pool_backward``)."""
    if X.ndim != 4 or p < 1 or X.shape[2] < p or X.shape[3] < p:
        raise ValueError(f"cannot pool {X.shape} in {p} x {p} blocks")
    n, c, h, w = X.shape
    hp, wp = h // p, w // p
    blocks = X[:, :, : hp * p, : wp * p].reshape(n, c, hp, p, wp, p).transpose(0, 1, 2, 4, 3, 5)
    blocks = blocks.reshape(n, c, hp, wp, p * p)
    which = blocks.argmax(axis=-1)
    return np.take_along_axis(blocks, which[..., None], axis=-1)[..., 0], which


def pool_backward(dY: Array, which: NDArray[np.intp], shape: tuple[int, ...], p: int = 2) -> Array:
    """dC/dX for Y = pool_forward(X): each block's gradient goes to the input that was largest."""
    n, c, h, w = shape
    hp, wp = h // p, w // p
    blocks = np.zeros((n, c, hp, wp, p * p))
    np.put_along_axis(blocks, which[..., None], dY[..., None], axis=-1)
    dX = np.zeros(shape)
    dX[:, :, : hp * p, : wp * p] = (
        blocks.reshape(n, c, hp, wp, p, p).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, hp * p, wp * p)
    )
    return dX
