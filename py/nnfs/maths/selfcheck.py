"""A seeded computation that must give the same numbers in CPython and in the page.

The parity test runs ``parity_workload`` in both places and compares the
results with a tight relative tolerance. Not bit for bit: CPython's numpy
multiplies matrices with OpenBLAS and the page's numpy with its own loops, so
sums are rounded in a different order (see RUNTIME.md). The workload
exercises what the labs use: random numbers from a seeded generator, matrix
products, transcendental functions, and a few steps of mini-batch SGD.
"""

from __future__ import annotations

import numpy as np


def parity_workload(seed: int = 0) -> dict[str, float]:
    """Numbers that summarise a seeded numpy computation (all Python floats)."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((64, 48))
    b = rng.standard_normal((48, 32))
    c = a @ b
    result = {
        "matmul_sum": float(c.sum()),
        "matmul_abs_sum": float(np.abs(c).sum()),
        "exp_sum": float(np.exp(-np.abs(c) / 10.0).sum()),
        "tanh_sum": float(np.tanh(c / 5.0).sum()),
        "log1p_sum": float(np.log1p(np.abs(c)).sum()),
        "sigmoid_sum": float((1.0 / (1.0 + np.exp(-c / 3.0))).sum()),
        "uniform_sum": float(rng.random(1000).sum()),
        "integers_sum": float(rng.integers(0, 1000, size=100).sum()),
        "permutation_head": float(rng.permutation(50)[:5] @ np.arange(1, 6)),
    }
    result.update(_network_steps(seed))
    return result


def _network_steps(seed: int) -> dict[str, float]:
    """A few mini-batch SGD steps with the core's Network, if it is present."""
    try:
        from nnfs.maths.network import Network
    except ImportError:  # the network core arrives with the Playground lab
        return {}
    rng = np.random.default_rng(seed + 1)
    X = rng.random((200, 16))
    y = rng.integers(0, 4, size=200)
    net = Network([16, 12, 4], seed=seed)
    for i in range(20):
        batch = slice(10 * i, 10 * i + 10)
        net.update_mini_batch(X[batch], y[batch], eta=3.0)
    return {
        "net_weight_sum": float(sum(w.sum() for w in net.weights)),
        "net_bias_sum": float(sum(b.sum() for b in net.biases)),
        "net_output_sum": float(net.feedforward(X).sum()),
    }
