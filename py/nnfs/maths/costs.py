"""Cost functions C(a, y) and the output-layer error delta^L = dC/dz^L.

A batch is rows: ``a`` (outputs), ``y`` (targets, one-hot for classes) and
``z`` (the output layer's weighted inputs) all have shape (N, n_out). For one
example x the costs are (chapters 1 and 3 of Nielsen's book):

    quadratic       C_x = 1/2 ||a - y||^2
    cross-entropy   C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)]   (each unit a yes/no)
    log-likelihood  C_x = -sum_j y_j ln a_j  = -ln a_label              (softmax output)

``fn`` returns the mean over the batch, C = (1/N) sum_x C_x.

``delta`` returns, row by row, delta^L_x = dC_x/dz^L, the error BP1 starts
backpropagation from. In general it is the chain rule dC/dz = (dC/da)(da/dz),
but two pairings simplify because f' cancels against dC/da:

    sigmoid + cross-entropy:   delta = a - y     (no sigma'(z): no learning slowdown)
    softmax + log-likelihood:  delta = a (sum_j y_j) - y,   = a - y for one-hot rows

Both hold for any real targets (soft labels, rows that do not sum to 1), not
only one-hot ones: ``delta`` is the true dC_x/dz^L for every y it is given.

Which output activation goes with which cost (``check_pairing``):

    quadratic       any output activation (the general chain rule is exact)
    cross-entropy   sigmoid only: ln a and ln(1 - a) need every a_j in (0, 1), and
                    each unit is an independent yes/no (softmax units are not)
    log-likelihood  softmax only: it reads the outputs as one probability distribution
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnfs.maths.activations import Activation, get_activation, log_softmax, softplus

# Clip a away from 0 and 1 before taking logs when z is not available.
_EPS = 1e-12


@dataclass(frozen=True)
class Cost:
    """Base class: a named cost with ``fn`` (batch mean) and ``delta`` (dC_x/dz^L)."""

    name: str
    outputs: tuple[str, ...] | None  # allowed output activations; None = any

    def fn(self, a: NDArray[np.float64], y: NDArray[np.float64], z: NDArray[np.float64] | None = None) -> float:
        raise NotImplementedError

    def grad_a(self, a: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        """dC_x/da, one row per example."""
        raise NotImplementedError

    def delta(
        self, z: NDArray[np.float64], a: NDArray[np.float64], y: NDArray[np.float64], activation: str | Activation
    ) -> NDArray[np.float64]:
        """delta^L = dC_x/dz^L for each row, by the general chain rule."""
        return get_activation(activation).backward(z, a, self.grad_a(a, y))


class _Quadratic(Cost):
    def fn(self, a: NDArray[np.float64], y: NDArray[np.float64], z: NDArray[np.float64] | None = None) -> float:
        """(1/N) sum_x 1/2 ||a_x - y_x||^2."""
        a, y = np.asarray(a, float), np.asarray(y, float)
        return float(0.5 * np.sum((a - y) ** 2) / _rows(a))

    def grad_a(self, a: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        return a - y


class _CrossEntropy(Cost):
    def fn(self, a: NDArray[np.float64], y: NDArray[np.float64], z: NDArray[np.float64] | None = None) -> float:
        """(1/N) sum_x sum_j -[y ln a + (1 - y) ln(1 - a)].

        Given z (sigmoid output, a = sigma(z)) this is computed exactly as
        softplus(z) - y z, since ln sigma(z) = -softplus(-z) and
        ln(1 - sigma(z)) = -softplus(z): finite even when a rounds to 0 or 1.
        Without z, a is clipped to [1e-12, 1 - 1e-12] before the logs.
        """
        y = np.asarray(y, float)
        if z is not None:
            z = np.asarray(z, float)
            per_unit = softplus(z) - y * z
        else:
            a = np.clip(np.asarray(a, float), _EPS, 1.0 - _EPS)
            per_unit = -(y * np.log(a) + (1.0 - y) * np.log(1.0 - a))
        return float(np.sum(per_unit) / _rows(y))

    def grad_a(self, a: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        # dC/da_j = (a_j - y_j) / (a_j (1 - a_j)); only used for non-sigmoid
        # outputs, which check_pairing rejects, so this is for completeness.
        return (a - y) / (a * (1.0 - a))

    def delta(
        self, z: NDArray[np.float64], a: NDArray[np.float64], y: NDArray[np.float64], activation: str | Activation
    ) -> NDArray[np.float64]:
        if get_activation(activation).name == "sigmoid":
            return a - y  # sigma'(z) cancels the denominator of dC/da
        return super().delta(z, a, y, activation)


class _LogLikelihood(Cost):
    def fn(self, a: NDArray[np.float64], y: NDArray[np.float64], z: NDArray[np.float64] | None = None) -> float:
        """(1/N) sum_x -sum_j y_j ln a_j, i.e. -ln(probability of the label).

        Given z (softmax output) ln a = log_softmax(z) exactly, so a
        confidently wrong network gives a large finite cost, not inf.
        """
        y = np.asarray(y, float)
        if z is not None:
            log_a = log_softmax(z)
        else:
            log_a = np.log(np.clip(np.asarray(a, float), _EPS, 1.0))
        return float(-np.sum(y * log_a) / _rows(y))

    def grad_a(self, a: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        return -y / a

    def delta(
        self, z: NDArray[np.float64], a: NDArray[np.float64], y: NDArray[np.float64], activation: str | Activation
    ) -> NDArray[np.float64]:
        if get_activation(activation).name == "softmax":
            # dC/dz_i = sum_j (-y_j / a_j) a_j (delta_ij - a_i) = a_i sum_j y_j - y_i.
            # That is a - y only when each target row sums to 1; float targets
            # (soft labels, anything a caller passes) need the row sums. For
            # one-hot rows the sum is exactly 1.0, so this is a - y to the bit.
            y = np.asarray(y, float)
            return a * y.sum(axis=-1, keepdims=True) - y
        return super().delta(z, a, y, activation)


def _rows(a: NDArray[np.float64]) -> int:
    a = np.asarray(a)
    return a.shape[0] if a.ndim == 2 else 1


QUADRATIC = _Quadratic("quadratic", None)
CROSS_ENTROPY = _CrossEntropy("cross-entropy", ("sigmoid",))
LOG_LIKELIHOOD = _LogLikelihood("log-likelihood", ("softmax",))

COSTS: dict[str, Cost] = {c.name: c for c in (QUADRATIC, CROSS_ENTROPY, LOG_LIKELIHOOD)}


def get_cost(name: str | Cost) -> Cost:
    """The ``Cost`` called ``name``; ValueError for an unknown name."""
    if isinstance(name, Cost):
        return name
    if not isinstance(name, str) or name not in COSTS:
        raise ValueError(f"unknown cost {name!r}; expected one of {', '.join(COSTS)}")
    return COSTS[name]


def output_activation_for(cost: str | Cost) -> str:
    """The output layer a classifier trained with ``cost`` gets: softmax for the
    log-likelihood (it reads the outputs as one probability distribution),
    independent sigmoids for the other costs (as in the book)."""
    return "softmax" if get_cost(cost).name == "log-likelihood" else "sigmoid"


def check_pairing(cost: str | Cost, output_activation: str | Activation) -> None:
    """Raise ValueError unless ``cost`` makes sense with ``output_activation``."""
    cost = get_cost(cost)
    act: Activation = get_activation(output_activation)
    if cost.outputs is not None and act.name not in cost.outputs:
        why = {
            "cross-entropy": "it needs every output in (0, 1), each an independent "
            "yes/no; use 'log-likelihood' with softmax, or 'quadratic'",
            "log-likelihood": "it reads the outputs as a probability distribution "
            "over the classes, which only softmax produces",
        }[cost.name]
        raise ValueError(
            f"cost {cost.name!r} needs output activation "
            f"{' or '.join(repr(o) for o in cost.outputs)}, not {act.name!r}: {why}"
        )
