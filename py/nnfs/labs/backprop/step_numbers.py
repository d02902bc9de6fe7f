"""The numbers one step of the backprop walkthrough shows, as data.

``Walkthrough.explain`` (in ``nnfs.labs.backprop.steps``) returns one of these
records per step: which quantity, for which layer and neuron (book numbering
for layers, 0-based j and k), and the values that go into its equation. The
Backprop lab's view (``app.labs.backprop.equations``) writes them out as the
equations on the page; the core only says what was computed.

Each record holds the numbers of one example x (the one the step shows) unless
a field says "per example": those run over the mini-batch, x = 0..m-1.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Forward:
    """z^l_j = sum_k w^l_jk a^(l-1)_k + b^l_j, then a^l_j = f(z^l_j).

    ``activation`` names f in layer l (see ``nnfs.maths.activations``); ``w``
    and ``a_in`` run over k (the weights into neuron j and the activations of
    layer l-1 they multiply)."""

    layer: int
    j: int
    activation: str
    w: tuple[float, ...]
    a_in: tuple[float, ...]
    b: float
    z: float
    a: float


@dataclass(frozen=True)
class Cost:
    """C_x of example x from the outputs ``a`` and targets ``y`` (over j), and
    C = (1/m) sum_x C_x over the mini-batch (``per_example`` C_x, ``total`` C)."""

    layer: int
    cost: str
    a: tuple[float, ...]
    y: tuple[float, ...]
    cost_x: float
    per_example: tuple[float, ...]
    total: float


@dataclass(frozen=True)
class OutputError:
    """BP1 for neuron j of the output layer L: delta = (a - y) f'(z) for the
    quadratic cost. With cross-entropy and a sigmoid output, sigma' cancels
    (``sigma_cancels``): delta = a - y and there is no ``fp``."""

    layer: int
    j: int
    sigma_cancels: bool
    a: float
    y: float
    z: float
    cost_gradient: float  # a - y
    fp: float | None
    delta: float


@dataclass(frozen=True)
class HiddenError:
    """BP2 for neuron j of layer l: delta^l_j = (sum_k w^(l+1)_kj delta^(l+1)_k) f'(z^l_j).

    ``w_next`` and ``delta_next`` run over k (the neurons of layer l+1);
    ``back`` is their sum of products, the error sent back."""

    layer: int
    j: int
    activation: str
    w_next: tuple[float, ...]
    delta_next: tuple[float, ...]
    back: float
    z: float
    fp: float
    delta: float


@dataclass(frozen=True)
class BiasGradient:
    """BP3: dC_x/db^l_j = delta^l_j of each example (``per_example``), and their mean."""

    layer: int
    j: int
    per_example: tuple[float, ...]
    mean: float


@dataclass(frozen=True)
class WeightGradient:
    """BP4: dC_x/dw^l_jk = a^(l-1)_k delta^l_j of each example, and their mean.

    ``a``, ``delta`` and ``per_example`` run over the examples."""

    layer: int
    j: int
    k: int
    a: tuple[float, ...]
    delta: tuple[float, ...]
    per_example: tuple[float, ...]
    mean: float


@dataclass(frozen=True)
class Update:
    """One step of gradient descent for w^l_jk (``k`` set) or b^l_j (``k`` None):
    new = old - eta grad; and for the whole network the cost before and after,
    its ``actual`` change and the first-order ``predicted`` one, -eta |grad C|^2."""

    layer: int
    j: int
    k: int | None
    eta: float
    old: float
    grad: float
    new: float
    grad_norm2: float
    predicted: float
    cost_before: float
    cost_after: float
    actual: float


StepNumbers = Forward | Cost | OutputError | HiddenError | BiasGradient | WeightGradient | Update
