"""Activation functions a = f(z), their derivatives, and a registry by name.

Every layer of a network computes z = w a_prev + b and then a = f(z). Training
needs f'(z) to pass the error back through the layer (the chain rule in BP2 of
Nielsen's chapter 2):

    delta^l = (dC/da^l) * f'(z^l)          (elementwise, for sigmoid/tanh/ReLU/linear)

Softmax is the exception: each output depends on *all* the z's of the layer,

    a_j = exp(z_j) / sum_k exp(z_k),      da_j/dz_i = a_j (delta_ij - a_i),

so it has no elementwise derivative. Each ``Activation`` therefore offers
``backward(z, a, grad_a)`` which turns dC/da into dC/dz: an elementwise product
for the usual functions, a Jacobian-vector product for softmax.

All functions work on arrays of any shape (a batch is rows: shape (N, n));
softmax normalises over the last axis. Given a scalar they return a scalar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import numpy as np
from numpy.typing import NDArray

# A number or an array of any shape: each elementwise function returns what it is given.
Floats = TypeVar("Floats", float, NDArray[np.float64])
# What a layer hands an activation: z or a, one example per row.
ArrayFn = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _scalar_or_array(r: NDArray[Any]) -> Any:
    # r[()] is a numpy scalar for a 0-d array and the array itself otherwise,
    # so sigmoid(0.5) is a number and sigmoid(array) an array.
    return r[()]


def sigmoid(z: Floats) -> Floats:
    """The logistic function sigma(z) = 1 / (1 + exp(-z)).

    Computed without overflow: for z >= 0 use 1 / (1 + e^-z), for z < 0 the
    equal form e^z / (1 + e^z). Either way the exponent is e^-|z| <= 1, so
    sigmoid(-1e4) == 0.0 and sigmoid(1e4) == 1.0 with no warning.
    """
    x = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(x))
    r = 1.0 / (1.0 + e)  # sigma(|z|); sigma(-|z|) = e^-|z| sigma(|z|)
    return _scalar_or_array(np.where(x >= 0, r, e * r))


def sigmoid_prime(z: Floats) -> Floats:
    """sigma'(z) = sigma(z) (1 - sigma(z)); at most 1/4, at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Floats) -> Floats:
    """tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2 sigma(2z) - 1, in (-1, 1)."""
    return _scalar_or_array(np.tanh(np.asarray(z, dtype=np.float64)))


def tanh_prime(z: Floats) -> Floats:
    """tanh'(z) = 1 - tanh(z)^2."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z: Floats) -> Floats:
    """The rectified linear unit max(0, z)."""
    return _scalar_or_array(np.maximum(np.asarray(z, dtype=np.float64), 0.0))


def relu_prime(z: Floats) -> Floats:
    """ReLU'(z) = 1 for z > 0, else 0 (we take 0 at the kink z = 0)."""
    return _scalar_or_array((np.asarray(z, dtype=np.float64) > 0).astype(np.float64))


def linear(z: Floats) -> Floats:
    """The identity f(z) = z (a linear neuron)."""
    return _scalar_or_array(np.array(z, dtype=np.float64))  # a copy, never an alias of z


def linear_prime(z: Floats) -> Floats:
    """f'(z) = 1."""
    return _scalar_or_array(np.ones_like(np.asarray(z, dtype=np.float64)))


def softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """a_j = exp(z_j) / sum_k exp(z_k) over the last axis (one row per example).

    Subtracting max_k z_k first changes nothing mathematically (the factor
    exp(-max) cancels) but keeps every exponent <= 0, so nothing overflows.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """ln softmax(z)_j = z_j - ln sum_k exp(z_k), computed stably (log-sum-exp)."""
    z = np.asarray(z, dtype=np.float64)
    m = np.max(z, axis=-1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def softplus(z: Floats) -> Floats:
    """ln(1 + e^z) without overflow; note ln sigma(z) = -softplus(-z)."""
    return _scalar_or_array(np.logaddexp(0.0, np.asarray(z, dtype=np.float64)))


@dataclass(frozen=True)
class Activation:
    """An activation function with its name, f, and elementwise derivative f'."""

    name: str
    fn: ArrayFn
    prime: ArrayFn | None
    output_only: bool = False  # softmax makes sense only for the output layer
    # f'(z) written in terms of the output a = f(z), where that is cheaper: backprop
    # already has a, and sigmoid' = a (1 - a) costs two array operations instead of
    # recomputing sigma(z) (training speed in the page is mostly per-operation overhead).
    prime_from_output: ArrayFn | None = None

    def __call__(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.fn(z)

    def backward(
        self, z: NDArray[np.float64], a: NDArray[np.float64], grad_a: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """dC/dz from dC/da for a layer with inputs z and outputs a = f(z).

        Elementwise f: dC/dz_j = dC/da_j f'(z_j).
        """
        if self.prime_from_output is not None:
            return grad_a * self.prime_from_output(a)
        # Only softmax has no elementwise f', and _Softmax overrides this method.
        assert self.prime is not None, f"{self.name} has no elementwise derivative"
        return grad_a * self.prime(z)


class _Softmax(Activation):
    def backward(
        self, z: NDArray[np.float64], a: NDArray[np.float64], grad_a: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """dC/dz_i = sum_j dC/da_j a_j (delta_ij - a_i) = a_i (g_i - sum_j g_j a_j).

        This is the softmax Jacobian applied to g = dC/da, row by row, without
        ever forming the (n x n) Jacobian.
        """
        return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, prime_from_output=lambda a: a * (1.0 - a)),
    "tanh": Activation("tanh", tanh, tanh_prime, prime_from_output=lambda a: 1.0 - a * a),
    "relu": Activation("relu", relu, relu_prime),
    "linear": Activation("linear", linear, linear_prime),
    "softmax": _Softmax("softmax", softmax, None, output_only=True),
}


def get_activation(name: str | Activation) -> Activation:
    """The ``Activation`` called ``name``; ValueError for an unknown name."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]
