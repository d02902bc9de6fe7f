"""The three matrix products of a network layer, in the layout that is fastest here.

With one example per row, a layer needs (N examples, i inputs, o outputs):

    forward    Z  = A W^T     A (N, i), W (o, i)  -> (N, o)   contraction over i
    backward   D' = D W       D (N, o), W (o, i)  -> (N, i)   contraction over o
    gradient   G  = D^T A     D (N, o), A (N, i)  -> (o, i)   contraction over N

Native numpy hands these to BLAS, which is fast in any layout, so there they
are plain ``@`` products. The page's numpy (Pyodide 0.29) has no BLAS: its
``@`` runs a plain scalar loop, while ``einsum``'s summation kernels are
unrolled and fastest when the summed axis is the last, contiguous axis of
both operands. So in the page every product is arranged that way (a
transposed copy costs N*(i+o) or i*o moves, small beside the N*i*o
multiply-adds): measured 1.6-1.9x faster per step of [784, 100, 10] at
mini-batch 100 (RUNTIME.md; ``bench/run.py`` measures it side by side).

``CONTIGUOUS`` picks the layout; it is a module attribute so tests and the
benchmark can run both in one interpreter. The sums are the same but added in
another order, so the two agree to rounding (~1e-15 relative), not bit for bit.
"""

from __future__ import annotations

import sys

import numpy as np
from numpy.typing import NDArray

# In the browser (Pyodide reports sys.platform == "emscripten") use the einsum layout.
CONTIGUOUS = sys.platform == "emscripten"


def forward(A: NDArray[np.float64], W: NDArray[np.float64]) -> NDArray[np.float64]:
    """A W^T: each row of A times each row of W (A (N, i), W (o, i) -> (N, o))."""
    if CONTIGUOUS:
        return np.einsum("ni,oi->no", A, W)
    return A @ W.T


def backward(D: NDArray[np.float64], W: NDArray[np.float64]) -> NDArray[np.float64]:
    """D W: the error sent back through W (D (N, o), W (o, i) -> (N, i))."""
    if CONTIGUOUS:
        return np.einsum("no,io->ni", D, np.ascontiguousarray(W.T))
    return D @ W


def gradient(D: NDArray[np.float64], A: NDArray[np.float64]) -> NDArray[np.float64]:
    """D^T A = sum over examples of the outer products d_x a_x^T (-> (o, i))."""
    if CONTIGUOUS:
        return np.einsum("on,in->oi", np.ascontiguousarray(D.T), np.ascontiguousarray(A.T))
    return D.T @ A
