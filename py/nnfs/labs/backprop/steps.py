"""Backpropagation one equation at a time, with the network's real numbers.

The Backprop lab walks through what ``Network.trace`` computes for a small
network and a mini-batch of 1-4 examples, in the order of Nielsen's chapter 2:

    forward, layer l = 1..L   z^l = w^l a^(l-1) + b^l,   a^l = f(z^l)
    cost                      C = (1/m) sum_x C_x
    BP1                       delta^L = grad_a C (.) sigma'(z^L)
    BP2, l = L-1..1           delta^l = ((w^(l+1))^T delta^(l+1)) (.) f'(z^l)
    BP3                       dC/db^l_j = delta^l_j
    BP4                       dC/dw^l_jk = a^(l-1)_k delta^l_j
    update                    w -> w - eta dC/dw,   b -> b - eta dC/db

``step_sequence(L)`` lists the steps; ``Walkthrough.explain(step, selection)``
gathers the numbers a step's equation needs for the selected neuron or weight
(a record of ``nnfs.labs.backprop.step_numbers``: the lab's view writes the
equation out with them), returns them again under stable keys (so a test can
compare them with CPython's trace) and says what the picture should highlight.

Every number comes from one call of ``Network.trace`` (the code that trains the
other labs): nothing here runs a second backpropagation. The only other
arithmetic is what the equation shows being done (f'(z), a product, a sum), the
finite-difference check (two evaluations of the cost with one weight nudged),
and the cost after the update (one forward pass).

Layers are numbered as in the book: layer 0 is the input, layer l = 1..L has
weights ``network.weights[l-1]``. Neurons are 0-based here (the page writes
them from 1, as the book's j and k).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.labs.backprop import parameters
from nnfs.labs.backprop.parameters import EPSILON, Selection
from nnfs.labs.backprop.step_numbers import (
    BiasGradient,
    Cost,
    Forward,
    HiddenError,
    OutputError,
    StepNumbers,
    Update,
    WeightGradient,
)
from nnfs.maths.activations import get_activation
from nnfs.maths.network import Network

KINDS = ("forward", "cost", "bp1", "bp2", "bp3", "bp4", "update")


@dataclass(frozen=True)
class Step:
    """One step of the walkthrough: ``kind`` (one of KINDS) and the ``layer`` it
    computes (book numbering; 0 where it concerns every layer)."""

    kind: str
    layer: int


@dataclass
class Explained:
    """A step's numbers: ``shown`` (what its equation plugs in) for example
    ``x`` of a mini-batch of ``m``, in a network of ``L`` weight layers;
    ``values`` (key -> float; keys like 'z:2:0:1' = z of layer 2, neuron 0,
    example 1; see ``Walkthrough`` for the scheme) and what to highlight:
    ``neurons`` [(layer, j)], ``edges`` [(layer, j, k)], ``focus``."""

    shown: StepNumbers
    x: int
    m: int
    L: int
    values: dict[str, float] = field(default_factory=dict)
    neurons: list[tuple[int, int]] = field(default_factory=list)
    edges: list[tuple[int, int, int]] = field(default_factory=list)
    focus: tuple[int, ...] = ()


def default_examples(seed: int, n_in: int, n_out: int, m: int = 1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The lab's starting mini-batch: inputs x in [0, 1] and 0/1 targets y (one
    class per example), both rounded to 2 decimals so they are easy to read and
    type; drawn from ``seed`` (a different stream from the weights')."""
    rng = np.random.default_rng([int(seed), 7])
    X = np.round(rng.uniform(0, 1, (m, n_in)), 2)
    T = np.zeros((m, n_out))
    if n_out == 1:
        T[:, 0] = rng.integers(0, 2, m)
    else:
        T[np.arange(m), rng.integers(0, n_out, m)] = 1.0
    return X, T


def step_sequence(n_layers: int) -> list[Step]:
    """The steps for a network with ``n_layers`` = L weight layers (L - 1 hidden layers)."""
    if not isinstance(n_layers, int) or n_layers < 1:
        raise ValueError(f"a network needs at least one layer of weights, got {n_layers!r}")
    L = n_layers
    steps = [Step("forward", l) for l in range(1, L + 1)]
    steps += [Step("cost", L), Step("bp1", L)]
    steps += [Step("bp2", l) for l in range(L - 1, 0, -1)]
    steps += [Step("bp3", 0), Step("bp4", 0), Step("update", 0)]
    return steps


class Walkthrough:
    """What backprop computes for ``network`` on the mini-batch ``X`` (m, n_in)
    with float targets ``T`` (m, n_out), ready to be written out step by step.

    Keys of ``Explained.values`` (layer l in book numbering, j/k 0-based, x the
    example): ``a:l:j:x`` (l = 0 is the input), ``z:l:j:x``, ``fp:l:j:x`` =
    f'(z), ``delta:l:j:x``, ``y:j:x``, ``w:l:j:k``, ``b:l:j``, ``cost_x:x``,
    ``cost``, ``db:l:j:x`` / ``dw:l:j:k:x`` (one example's gradient),
    ``db:l:j`` / ``dw:l:j:k`` (the batch mean), ``new``, ``eta``,
    ``predicted``, ``actual``.
    """

    def __init__(self, network: Network, X: ArrayLike, T: ArrayLike, eta: float = 1.0) -> None:
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        T = np.atleast_2d(np.asarray(T, dtype=np.float64))
        if not 1 <= len(X) <= 4:
            raise ValueError(f"the walkthrough takes a mini-batch of 1 to 4 examples, got {len(X)}")
        if not (isinstance(eta, (int, float)) and math.isfinite(eta) and eta > 0):
            raise ValueError(f"η must be a finite number > 0, got {eta!r}")
        self.network, self.X, self.T, self.eta = network, X, T, float(eta)
        self.trace = network.trace(X, T)
        self.L = len(network.weights)
        self.m = len(X)
        self.steps = step_sequence(self.L)
        self.hidden = get_activation(network.activation)
        self.output = get_activation(network.output_activation)
        if self.output.prime is None:
            raise ValueError(
                f"the walkthrough writes BP1 with an elementwise f′(zᴸ); a {self.output.name} output layer has none"
            )
        self._effect: dict[str, float] | None = None  # update_effect(), computed on first use

    # ------------------------------------------------------------ small pieces

    def activation_of(self, l: int) -> str:
        """The name of f in layer l: the output activation in layer L, the hidden one before."""
        return (self.output if l == self.L else self.hidden).name

    def f_prime(self, l: int, j: int, x: int) -> float:
        act = self.output if l == self.L else self.hidden
        assert act.prime is not None  # __init__ refuses an output without f′; hidden layers all have one
        return float(act.prime(self.trace["zs"][l - 1][x, j]))

    def a(self, l: int, j: int, x: int) -> float:
        return float(self.trace["activations"][l][x, j])

    def z(self, l: int, j: int, x: int) -> float:
        return float(self.trace["zs"][l - 1][x, j])

    def delta(self, l: int, j: int, x: int) -> float:
        return float(self.trace["deltas"][l - 1][x, j])

    def w(self, l: int, j: int, k: int) -> float:
        return float(self.network.weights[l - 1][j, k])

    def b(self, l: int, j: int) -> float:
        return float(self.network.biases[l - 1][j])

    def cost_of(self, x: int) -> float:
        """C_x, the cost of example x alone."""
        return float(self.network.total_cost(self.X[x : x + 1], self.T[x : x + 1]))

    def focus_neuron(self, sel: Selection | None, layer: int) -> int:
        """The neuron of ``layer`` a step shows: the selected one if it is in that layer."""
        if sel is not None and sel.layer == layer:
            return sel.j
        return 0

    def default_weight(self, sel: Selection | None) -> Selection:
        """The weight BP4 and the update show: the selected weight, or the first
        weight into the selected neuron (w^l_j1), or w^1_11."""
        if sel is None:
            return Selection(1, 0, 0)
        return sel if sel.is_weight else Selection(sel.layer, sel.j, 0)

    # -------------------------------------------------------------- explaining

    def explain(self, step: Step, sel: Selection | None = None, x: int = 0) -> Explained:
        """The numbers of ``step`` for the selection ``sel`` and example ``x``."""
        if not 0 <= x < self.m:
            raise ValueError(f"example {x + 1} is not in the mini-batch of {self.m}")
        return getattr(self, f"_explain_{step.kind}")(step, sel, x)

    def _explain_forward(self, step: Step, sel: Selection | None, x: int) -> Explained:
        l, n_in = step.layer, self.network.sizes[step.layer - 1]
        j = self.focus_neuron(sel, l)
        shown = Forward(
            l,
            j,
            self.activation_of(l),
            w=tuple(self.w(l, j, k) for k in range(n_in)),
            a_in=tuple(self.a(l - 1, k, x) for k in range(n_in)),
            b=self.b(l, j),
            z=self.z(l, j, x),
            a=self.a(l, j, x),
        )
        e = Explained(shown, x, self.m, self.L, focus=(l, j))
        for k in range(n_in):
            e.values[f"w:{l}:{j}:{k}"] = self.w(l, j, k)
            e.values[f"a:{l - 1}:{k}:{x}"] = self.a(l - 1, k, x)
            e.edges.append((l, j, k))
            e.neurons.append((l - 1, k))
        e.values[f"b:{l}:{j}"] = self.b(l, j)
        e.values[f"z:{l}:{j}:{x}"] = self.z(l, j, x)
        e.values[f"a:{l}:{j}:{x}"] = self.a(l, j, x)
        e.neurons.append((l, j))
        return e

    def _explain_cost(self, step: Step, sel: Selection | None, x: int) -> Explained:
        L, n_out = self.L, self.network.sizes[-1]
        a = [self.a(L, j, x) for j in range(n_out)]
        y = [float(self.T[x, j]) for j in range(n_out)]
        per_example = tuple(self.cost_of(i) for i in range(self.m))
        shown = Cost(L, self.network.cost, tuple(a), tuple(y), per_example[x], per_example, self.trace["cost"])
        e = Explained(shown, x, self.m, self.L, focus=(L,))
        for j in range(n_out):
            e.values[f"a:{L}:{j}:{x}"] = a[j]
            e.values[f"y:{j}:{x}"] = y[j]
            e.neurons.append((L, j))
        e.values[f"cost_x:{x}"] = per_example[x]
        e.values["cost"] = self.trace["cost"]
        return e

    def _explain_bp1(self, step: Step, sel: Selection | None, x: int) -> Explained:
        L = self.L
        j = self.focus_neuron(sel, L)
        a, y, z, d = self.a(L, j, x), float(self.T[x, j]), self.z(L, j, x), self.delta(L, j, x)
        cancels = self.network.cost == "cross-entropy" and self.network.output_activation == "sigmoid"
        fp = None if cancels else self.f_prime(L, j, x)
        e = Explained(OutputError(L, j, cancels, a, y, z, a - y, fp, d), x, self.m, self.L, focus=(L, j))
        if fp is not None:
            e.values[f"fp:{L}:{j}:{x}"] = fp
        e.values.update({f"a:{L}:{j}:{x}": a, f"y:{j}:{x}": y, f"z:{L}:{j}:{x}": z, f"delta:{L}:{j}:{x}": d})
        e.neurons.append((L, j))
        return e

    def _explain_bp2(self, step: Step, sel: Selection | None, x: int) -> Explained:
        l = step.layer
        j = self.focus_neuron(sel, l)
        n_next = self.network.sizes[l + 1]
        fp, z, d = self.f_prime(l, j, x), self.z(l, j, x), self.delta(l, j, x)
        w_next = tuple(self.w(l + 1, k, j) for k in range(n_next))
        delta_next = tuple(self.delta(l + 1, k, x) for k in range(n_next))
        back = sum(w * dk for w, dk in zip(w_next, delta_next))
        shown = HiddenError(l, j, self.activation_of(l), w_next, delta_next, back, z, fp, d)
        e = Explained(shown, x, self.m, self.L, focus=(l, j))
        for k in range(n_next):
            e.values[f"w:{l + 1}:{k}:{j}"] = w_next[k]
            e.values[f"delta:{l + 1}:{k}:{x}"] = delta_next[k]
            e.edges.append((l + 1, k, j))
            e.neurons.append((l + 1, k))
        e.values.update({f"z:{l}:{j}:{x}": z, f"fp:{l}:{j}:{x}": fp, f"delta:{l}:{j}:{x}": d})
        e.neurons.append((l, j))
        return e

    def _explain_bp3(self, step: Step, sel: Selection | None, x: int) -> Explained:
        l = sel.layer if sel is not None else self.L
        j = sel.j if sel is not None else 0
        per_example = tuple(float(self.trace["examples"][i][0][l - 1][j]) for i in range(self.m))
        mean = float(self.trace["nabla_b"][l - 1][j])
        e = Explained(BiasGradient(l, j, per_example, mean), x, self.m, self.L, focus=(l, j), neurons=[(l, j)])
        for i in range(self.m):
            e.values[f"db:{l}:{j}:{i}"] = per_example[i]
            e.values[f"delta:{l}:{j}:{i}"] = self.delta(l, j, i)
        e.values[f"db:{l}:{j}"] = mean
        return e

    def _explain_bp4(self, step: Step, sel: Selection | None, x: int) -> Explained:
        s = self.default_weight(sel)
        l, j, k = s.layer, s.j, s.k
        assert k is not None  # default_weight always names a weight
        a = tuple(self.a(l - 1, k, i) for i in range(self.m))
        d = tuple(self.delta(l, j, i) for i in range(self.m))
        per_example = tuple(float(self.trace["examples"][i][1][l - 1][j, k]) for i in range(self.m))
        mean = float(self.trace["nabla_w"][l - 1][j, k])
        e = Explained(
            WeightGradient(l, j, k, a, d, per_example, mean),
            x,
            self.m,
            self.L,
            focus=(l, j, k),
            neurons=[(l - 1, k), (l, j)],
            edges=[(l, j, k)],
        )
        for i in range(self.m):
            e.values.update(
                {f"a:{l - 1}:{k}:{i}": a[i], f"delta:{l}:{j}:{i}": d[i], f"dw:{l}:{j}:{k}:{i}": per_example[i]}
            )
        e.values[f"dw:{l}:{j}:{k}"] = mean
        return e

    def _explain_update(self, step: Step, sel: Selection | None, x: int) -> Explained:
        s = sel if sel is not None else Selection(1, 0, 0)
        l, j, k = s.layer, s.j, s.k
        if k is not None:
            old, grad = self.w(l, j, k), float(self.trace["nabla_w"][l - 1][j, k])
        else:
            old, grad = self.b(l, j), float(self.trace["nabla_b"][l - 1][j])
        new = old - self.eta * grad
        effect = self.update_effect()
        shown = Update(
            l,
            j,
            k,
            self.eta,
            old,
            grad,
            new,
            grad_norm2=effect["grad_norm2"],
            predicted=effect["predicted"],
            cost_before=effect["cost_before"],
            cost_after=effect["cost_after"],
            actual=effect["actual"],
        )
        if k is not None:
            e = Explained(shown, x, self.m, self.L, focus=(l, j, k), edges=[(l, j, k)])
        else:
            e = Explained(shown, x, self.m, self.L, focus=(l, j), neurons=[(l, j)])
        e.values.update(
            {
                "eta": self.eta,
                "old": old,
                "grad": grad,
                "new": new,
                "predicted": effect["predicted"],
                "actual": effect["actual"],
                "cost": effect["cost_before"],
                "cost_after": effect["cost_after"],
            }
        )
        return e

    # ------------------------------------------------------ check it yourself

    def gradient(self, sel: Selection) -> float:
        """BP3/BP4's ∂C/∂b or ∂C/∂w for the selection (the batch mean)."""
        return parameters.gradient(self.trace, sel)

    def finite_difference(self, sel: Selection, eps: float = EPSILON) -> dict[str, float]:
        """(C(p + ε) − C(p − ε)) / 2ε for the selected weight or bias p, beside backprop's value."""
        return parameters.finite_difference(self.network, self.X, self.T, self.trace, sel, eps)

    def grad_norm2(self) -> float:
        """‖∇C‖²: the squared length of the whole gradient (every weight and bias)."""
        return parameters.grad_norm2(self.trace)

    def updated_parameters(self) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
        """(weights, biases) after one step w -> w - η ∂C/∂w (no regularisation)."""
        return parameters.updated_parameters(self.network, self.trace, self.eta)

    def update_effect(self) -> dict[str, float]:
        """The cost before and after the update, its actual change and the predicted −η‖∇C‖²."""
        if self._effect is None:
            self._effect = parameters.update_effect(self.network, self.X, self.T, self.trace, self.eta)
        return self._effect
