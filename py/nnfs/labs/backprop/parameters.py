"""One weight or bias of the walkthrough's network, its gradient checked by hand,
and one step of gradient descent on all of them.

Backprop's gradient is only believable if something else agrees with it: the
"check it yourself" part nudges one parameter p by ±ε and measures the slope of
the cost, (C(p + ε) − C(p − ε)) / 2ε, beside backprop's ∂C/∂p. The update part
takes the step w → w − η ∂C/∂w and compares the cost's actual change with the
first-order prediction −η‖∇C‖².

Every function reads the gradient from a ``Network.trace`` of the mini-batch
(X, T); none runs a second backpropagation. ``nnfs.labs.backprop.steps.Walkthrough``
calls them with its own network, batch and trace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.maths.network import Network

EPSILON = 1e-4  # default nudge of the finite-difference check

Trace = dict[str, Any]  # what Network.trace returns


@dataclass(frozen=True)
class Selection:
    """The neuron j of layer l (1..L), or the weight w^l_jk when ``k`` is set."""

    layer: int
    j: int
    k: int | None = None

    @property
    def is_weight(self) -> bool:
        return self.k is not None


def gradient(trace: Trace, sel: Selection) -> float:
    """BP3/BP4's ∂C/∂b or ∂C/∂w for the selection (the batch mean)."""
    if sel.is_weight:
        return float(trace["nabla_w"][sel.layer - 1][sel.j, sel.k])
    return float(trace["nabla_b"][sel.layer - 1][sel.j])


def finite_difference(
    network: Network, X: NDArray[np.float64], T: NDArray[np.float64], trace: Trace, sel: Selection, eps: float
) -> dict[str, float]:
    """(C(p + ε) − C(p − ε)) / 2ε for the selected weight or bias p, beside
    backprop's value and their relative difference. The parameter is put
    back exactly as it was afterwards."""
    if not (isinstance(eps, (int, float)) and math.isfinite(eps) and 0 < eps <= 1):
        raise ValueError(f"ε must be a number in (0, 1], got {eps!r}")
    array = (network.weights if sel.is_weight else network.biases)[sel.layer - 1]
    index = (sel.j, sel.k) if sel.is_weight else (sel.j,)
    original = array[index]
    try:
        array[index] = original + eps
        c_plus = network.total_cost(X, T)
        array[index] = original - eps
        c_minus = network.total_cost(X, T)
    finally:
        array[index] = original
    numeric = (c_plus - c_minus) / (2 * eps)
    exact = gradient(trace, sel)
    scale = max(abs(numeric), abs(exact))
    rel = abs(numeric - exact) / scale if scale > 0 else 0.0
    return {
        "eps": float(eps),
        "c_plus": float(c_plus),
        "c_minus": float(c_minus),
        "numeric": float(numeric),
        "backprop": exact,
        "relative": float(rel),
    }


def grad_norm2(trace: Trace) -> float:
    """‖∇C‖²: the squared length of the whole gradient (every weight and bias)."""
    return float(sum(np.sum(g * g) for g in trace["nabla_w"] + trace["nabla_b"]))


def updated_parameters(
    network: Network, trace: Trace, eta: float
) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
    """(weights, biases) after one step w -> w - η ∂C/∂w (no regularisation)."""
    weights = [w - eta * g for w, g in zip(network.weights, trace["nabla_w"])]
    biases = [b - eta * g for b, g in zip(network.biases, trace["nabla_b"])]
    return weights, biases


def update_effect(
    network: Network, X: NDArray[np.float64], T: NDArray[np.float64], trace: Trace, eta: float
) -> dict[str, float]:
    """The cost before and after the update, the actual change, and the
    first-order prediction −η‖∇C‖² (C(p − η∇C) ≈ C(p) − η ∇C·∇C). The network
    keeps its parameters."""
    weights, biases = updated_parameters(network, trace, eta)
    saved = network.weights, network.biases
    try:
        network.weights, network.biases = weights, biases
        after = float(network.total_cost(X, T))
    finally:
        network.weights, network.biases = saved
    before = trace["cost"]
    g2 = grad_norm2(trace)
    return {
        "cost_before": before,
        "cost_after": after,
        "actual": after - before,
        "grad_norm2": g2,
        "predicted": -eta * g2,
    }
