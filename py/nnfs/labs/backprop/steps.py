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
writes a step's equation out with the numbers of the selected neuron or weight
plugged in, and returns those numbers under stable keys (so a test can compare
them with CPython's trace) and what the picture should highlight.

Every number comes from one call of ``Network.trace`` (the code that trains the
other labs): nothing here runs a second backpropagation. The only other
arithmetic is what the text shows being done (f'(z), a product, a sum), the
finite-difference check (two evaluations of the cost with one weight nudged),
and the cost after the update (one forward pass).

Layers are numbered as in the book: layer 0 is the input, layer l = 1..L has
weights ``network.weights[l-1]``. Neurons are 0-based in keys and 1-based in
the text (the book's j and k start at 1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths.activations import get_activation
from nnfs.maths.network import Network

KINDS = ("forward", "cost", "bp1", "bp2", "bp3", "bp4", "update")
EPSILON = 1e-4  # default nudge of the finite-difference check

_SUP = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP_L = {"L": "ᴸ", "l": "ˡ"}


def sup(n: int | str) -> str:
    """A layer number as a superscript: 2 -> '²', 'l+1' -> 'ˡ⁺¹'."""
    return "".join(_SUP_L.get(c, c.translate(_SUP)) for c in str(n))


def sub(*indices: int) -> str:
    """Neuron indices as subscripts: sub(1, 2) -> '₁₂'."""
    return "".join(str(i).translate(_SUB) for i in indices)


def num(value: float, digits: int = 4) -> str:
    """A number as the text shows it: ``digits`` significant digits, a true minus sign."""
    value = float(value)
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}×10{sup(int(exp))}"
    return text.replace("-", "−")


def plus(values: Iterable[float]) -> str:
    """Numbers added up as the text shows them: 0.1 + (−0.2) + 0.3."""
    return " + ".join(num(v) if v >= 0 else paren(v) for v in values)


def paren(value: float) -> str:
    """A number in a product: (−0.25)."""
    return f"({num(value)})"


@dataclass(frozen=True)
class Step:
    """One step of the walkthrough: ``kind`` (one of KINDS), the ``layer`` it
    computes (book numbering; 0 where it concerns every layer), a ``title``
    and the ``equation`` in symbols."""

    kind: str
    layer: int
    title: str
    equation: str


@dataclass(frozen=True)
class Selection:
    """The neuron j of layer l (1..L), or the weight w^l_jk when ``k`` is set."""

    layer: int
    j: int
    k: int | None = None

    @property
    def is_weight(self) -> bool:
        return self.k is not None


@dataclass
class Explained:
    """A step written out: ``lines`` of text with the numbers plugged in,
    ``values`` (key -> float; keys like 'z:2:0:1' = z of layer 2, neuron 0,
    example 1; see ``Walkthrough`` for the scheme) and what to highlight:
    ``neurons`` [(layer, j)], ``edges`` [(layer, j, k)], ``focus``."""

    lines: list[str]
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
    steps = [
        Step(
            "forward",
            l,
            f"Forward pass, layer {l}" + (" (output)" if l == L else ""),
            f"z{sup(l)} = w{sup(l)} a{sup(l - 1)} + b{sup(l)},   a{sup(l)} = f(z{sup(l)})",
        )
        for l in range(1, L + 1)
    ]
    steps.append(Step("cost", L, "The cost", "C = (1/m) Σₓ Cₓ"))
    steps.append(Step("bp1", L, "BP1: the error of the output layer", "δᴸ = ∇ₐC ⊙ σ′(zᴸ)"))
    steps += [
        Step(
            "bp2",
            l,
            f"BP2: the error of layer {l}, from layer {l + 1}",
            f"δ{sup(l)} = ((w{sup(l + 1)})ᵀ δ{sup(l + 1)}) ⊙ f′(z{sup(l)})",
        )
        for l in range(L - 1, 0, -1)
    ]
    steps.append(Step("bp3", 0, "BP3: the gradient for the biases", "∂C/∂bˡⱼ = δˡⱼ"))
    steps.append(Step("bp4", 0, "BP4: the gradient for the weights", "∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ"))
    steps.append(Step("update", 0, "The update: one step of gradient descent", "w → w − η ∂C/∂w,   b → b − η ∂C/∂b"))
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

    def f_name(self, l: int) -> str:
        """The activation's symbol in layer l: σ, tanh or ReLU."""
        act = self.output if l == self.L else self.hidden
        return {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "linear": "id"}.get(act.name, act.name)

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
        """``step`` written out for the selection ``sel`` and example ``x``."""
        if not 0 <= x < self.m:
            raise ValueError(f"example {x + 1} is not in the mini-batch of {self.m}")
        return getattr(self, f"_explain_{step.kind}")(step, sel, x)

    def _example_note(self, x: int) -> str:
        return f"For example x = {x + 1} of the mini-batch of {self.m}:" if self.m > 1 else ""

    def _explain_forward(self, step: Step, sel: Selection | None, x: int) -> Explained:
        l, n_in = step.layer, self.network.sizes[step.layer - 1]
        j = self.focus_neuron(sel, l)
        e = Explained([], focus=(l, j))
        terms = " + ".join(f"w{sup(l)}{sub(j + 1, k + 1)}a{sup(l - 1)}{sub(k + 1)}" for k in range(n_in))
        nums = " + ".join(f"{paren(self.w(l, j, k))}{paren(self.a(l - 1, k, x))}" for k in range(n_in))
        zname, aname, f = f"z{sup(l)}{sub(j + 1)}", f"a{sup(l)}{sub(j + 1)}", self.f_name(l)
        e.lines = [s for s in (self._example_note(x),) if s] + [
            f"{zname} = {terms} + b{sup(l)}{sub(j + 1)}",
            f"    = {nums} + {paren(self.b(l, j))}",
            f"    = {num(self.z(l, j, x))}",
            f"{aname} = {f}({zname}) = {f}({num(self.z(l, j, x))}) = {num(self.a(l, j, x))}",
        ]
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
        e = Explained([], focus=(L,))
        a = [self.a(L, j, x) for j in range(n_out)]
        y = [float(self.T[x, j]) for j in range(n_out)]
        if self.network.cost == "cross-entropy":
            e.lines.append("Cₓ = −Σⱼ [yⱼ ln aᴸⱼ + (1 − yⱼ) ln(1 − aᴸⱼ)]")
            parts = " + ".join(f"[{num(yj)} ln {num(aj)} + {num(1 - yj)} ln {num(1 - aj)}]" for aj, yj in zip(a, y))
            e.lines.append(f"C{sub(x + 1) if self.m > 1 else 'ₓ'} = −({parts})")
        else:
            e.lines.append("Cₓ = ½ Σⱼ (aᴸⱼ − yⱼ)²")
            parts = " + ".join(f"({num(aj)} − {num(yj)})²" for aj, yj in zip(a, y))
            e.lines.append(f"C{sub(x + 1) if self.m > 1 else 'ₓ'} = ½ [{parts}]")
        e.lines.append(f"    = {num(self.cost_of(x))}")
        for j in range(n_out):
            e.values[f"a:{L}:{j}:{x}"] = a[j]
            e.values[f"y:{j}:{x}"] = y[j]
            e.neurons.append((L, j))
        e.values[f"cost_x:{x}"] = self.cost_of(x)
        if self.m > 1:
            each = plus(self.cost_of(i) for i in range(self.m))
            e.lines.append(f"Over the mini-batch: C = (1/{self.m}) ({each}) = {num(self.trace['cost'])}")
        e.values["cost"] = self.trace["cost"]
        if self.m > 1:
            e.lines.insert(0, self._example_note(x))
        return e

    def _explain_bp1(self, step: Step, sel: Selection | None, x: int) -> Explained:
        L = self.L
        j = self.focus_neuron(sel, L)
        e = Explained([], focus=(L, j))
        a, y, z, d = self.a(L, j, x), float(self.T[x, j]), self.z(L, j, x), self.delta(L, j, x)
        name = f"δ{sup(L)}{sub(j + 1)}"
        if self.m > 1:
            e.lines.append(self._example_note(x))
        if self.network.cost == "cross-entropy" and self.network.output_activation == "sigmoid":
            e.lines += [
                f"{name} = ∂C/∂a{sup(L)}{sub(j + 1)} · σ′(z{sup(L)}{sub(j + 1)}) = "
                f"a{sup(L)}{sub(j + 1)} − y{sub(j + 1)}   (with cross-entropy σ′ cancels)",
                f"    = {num(a)} − {num(y)} = {num(d)}",
            ]
        else:
            fp = self.f_prime(L, j, x)
            e.lines += [
                f"{name} = ∂C/∂a{sup(L)}{sub(j + 1)} · σ′(z{sup(L)}{sub(j + 1)}) = "
                f"(a{sup(L)}{sub(j + 1)} − y{sub(j + 1)}) σ′(z{sup(L)}{sub(j + 1)})",
                f"    = ({num(a)} − {num(y)}) · σ′({num(z)})",
                f"    = {paren(a - y)}{paren(fp)} = {num(d)}",
            ]
            e.values[f"fp:{L}:{j}:{x}"] = fp
        e.values.update({f"a:{L}:{j}:{x}": a, f"y:{j}:{x}": y, f"z:{L}:{j}:{x}": z, f"delta:{L}:{j}:{x}": d})
        e.neurons.append((L, j))
        return e

    def _explain_bp2(self, step: Step, sel: Selection | None, x: int) -> Explained:
        l = step.layer
        j = self.focus_neuron(sel, l)
        e = Explained([], focus=(l, j))
        n_next = self.network.sizes[l + 1]
        fp, z, d = self.f_prime(l, j, x), self.z(l, j, x), self.delta(l, j, x)
        f = self.f_name(l)
        terms = " + ".join(f"w{sup(l + 1)}{sub(k + 1, j + 1)}δ{sup(l + 1)}{sub(k + 1)}" for k in range(n_next))
        nums = " + ".join(f"{paren(self.w(l + 1, k, j))}{paren(self.delta(l + 1, k, x))}" for k in range(n_next))
        back = sum(self.w(l + 1, k, j) * self.delta(l + 1, k, x) for k in range(n_next))
        if self.m > 1:
            e.lines.append(self._example_note(x))
        e.lines += [
            f"δ{sup(l)}{sub(j + 1)} = ({terms}) · {f}′(z{sup(l)}{sub(j + 1)})",
            f"    = ({nums}) · {f}′({num(z)})",
            f"    = {paren(back)}{paren(fp)} = {num(d)}",
        ]
        for k in range(n_next):
            e.values[f"w:{l + 1}:{k}:{j}"] = self.w(l + 1, k, j)
            e.values[f"delta:{l + 1}:{k}:{x}"] = self.delta(l + 1, k, x)
            e.edges.append((l + 1, k, j))
            e.neurons.append((l + 1, k))
        e.values.update({f"z:{l}:{j}:{x}": z, f"fp:{l}:{j}:{x}": fp, f"delta:{l}:{j}:{x}": d})
        e.neurons.append((l, j))
        return e

    def _explain_bp3(self, step: Step, sel: Selection | None, x: int) -> Explained:
        l = sel.layer if sel is not None else self.L
        j = sel.j if sel is not None else 0
        e = Explained([], focus=(l, j), neurons=[(l, j)])
        name = f"b{sup(l)}{sub(j + 1)}"
        for i in range(self.m):
            d = float(self.trace["examples"][i][0][l - 1][j])
            who = f"∂C{sub(i + 1)}/∂{name}" if self.m > 1 else f"∂C/∂{name}"
            e.lines.append(f"{who} = δ{sup(l)}{sub(j + 1)} = {num(d)}")
            e.values[f"db:{l}:{j}:{i}"] = d
            e.values[f"delta:{l}:{j}:{i}"] = self.delta(l, j, i)
        mean = float(self.trace["nabla_b"][l - 1][j])
        if self.m > 1:
            each = plus(e.values[f"db:{l}:{j}:{i}"] for i in range(self.m))
            e.lines.append(f"Average over the mini-batch: ∂C/∂{name} = (1/{self.m}) ({each}) = {num(mean)}")
        e.values[f"db:{l}:{j}"] = mean
        return e

    def _explain_bp4(self, step: Step, sel: Selection | None, x: int) -> Explained:
        s = self.default_weight(sel)
        l, j, k = s.layer, s.j, s.k
        assert k is not None  # default_weight always names a weight
        e = Explained([], focus=(l, j, k), neurons=[(l - 1, k), (l, j)], edges=[(l, j, k)])
        name = f"w{sup(l)}{sub(j + 1, k + 1)}"
        for i in range(self.m):
            a, d = self.a(l - 1, k, i), self.delta(l, j, i)
            g = float(self.trace["examples"][i][1][l - 1][j, k])
            who = f"∂C{sub(i + 1)}/∂{name}" if self.m > 1 else f"∂C/∂{name}"
            e.lines.append(f"{who} = a{sup(l - 1)}{sub(k + 1)} δ{sup(l)}{sub(j + 1)} = {paren(a)}{paren(d)} = {num(g)}")
            e.values.update({f"a:{l - 1}:{k}:{i}": a, f"delta:{l}:{j}:{i}": d, f"dw:{l}:{j}:{k}:{i}": g})
        mean = float(self.trace["nabla_w"][l - 1][j, k])
        if self.m > 1:
            each = plus(e.values[f"dw:{l}:{j}:{k}:{i}"] for i in range(self.m))
            e.lines.append(f"Average over the mini-batch: ∂C/∂{name} = (1/{self.m}) ({each}) = {num(mean)}")
        e.values[f"dw:{l}:{j}:{k}"] = mean
        return e

    def _explain_update(self, step: Step, sel: Selection | None, x: int) -> Explained:
        s = sel if sel is not None else Selection(1, 0, 0)
        l, j, k = s.layer, s.j, s.k
        if s.is_weight:
            assert k is not None  # is_weight says so
            name, old = f"w{sup(l)}{sub(j + 1, k + 1)}", self.w(l, j, k)
            grad = float(self.trace["nabla_w"][l - 1][j, k])
            e = Explained([], focus=(l, j, k), edges=[(l, j, k)])
        else:
            name, old = f"b{sup(l)}{sub(j + 1)}", self.b(l, j)
            grad = float(self.trace["nabla_b"][l - 1][j])
            e = Explained([], focus=(l, j), neurons=[(l, j)])
        new = old - self.eta * grad
        effect = self.update_effect()
        e.lines = [
            f"{name} → {name} − η ∂C/∂{name} = {num(old)} − {paren(self.eta)}{paren(grad)} = {num(new)}",
            "Every weight and bias moves the same way, against its own gradient.",
            f"Predicted change of the cost: −η‖∇C‖² = −{paren(self.eta)}{paren(effect['grad_norm2'])}"
            f" = {num(effect['predicted'])}",
            f"Actual change: C after − C before = {num(effect['cost_after'])} − "
            f"{num(effect['cost_before'])} = {num(effect['actual'])}",
        ]
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
        if sel.is_weight:
            return float(self.trace["nabla_w"][sel.layer - 1][sel.j, sel.k])
        return float(self.trace["nabla_b"][sel.layer - 1][sel.j])

    def finite_difference(self, sel: Selection, eps: float = EPSILON) -> dict[str, float]:
        """(C(p + ε) − C(p − ε)) / 2ε for the selected weight or bias p, beside
        backprop's value and their relative difference. The parameter is put
        back exactly as it was afterwards."""
        if not (isinstance(eps, (int, float)) and math.isfinite(eps) and 0 < eps <= 1):
            raise ValueError(f"ε must be a number in (0, 1], got {eps!r}")
        array = (self.network.weights if sel.is_weight else self.network.biases)[sel.layer - 1]
        index = (sel.j, sel.k) if sel.is_weight else (sel.j,)
        original = array[index]
        try:
            array[index] = original + eps
            c_plus = self.network.total_cost(self.X, self.T)
            array[index] = original - eps
            c_minus = self.network.total_cost(self.X, self.T)
        finally:
            array[index] = original
        numeric = (c_plus - c_minus) / (2 * eps)
        exact = self.gradient(sel)
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

    def grad_norm2(self) -> float:
        """‖∇C‖²: the squared length of the whole gradient (every weight and bias)."""
        return float(sum(np.sum(g * g) for g in self.trace["nabla_w"] + self.trace["nabla_b"]))

    def updated_parameters(self) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
        """(weights, biases) after one step w -> w - η ∂C/∂w (no regularisation)."""
        weights = [w - self.eta * g for w, g in zip(self.network.weights, self.trace["nabla_w"])]
        biases = [b - self.eta * g for b, g in zip(self.network.biases, self.trace["nabla_b"])]
        return weights, biases

    def update_effect(self) -> dict[str, float]:
        """The cost before and after the update, the actual change, and the
        first-order prediction −η‖∇C‖² (C(p − η∇C) ≈ C(p) − η ∇C·∇C)."""
        if self._effect is None:
            weights, biases = self.updated_parameters()
            saved = self.network.weights, self.network.biases
            try:
                self.network.weights, self.network.biases = weights, biases
                after = float(self.network.total_cost(self.X, self.T))
            finally:
                self.network.weights, self.network.biases = saved
            before = self.trace["cost"]
            g2 = self.grad_norm2()
            self._effect = {
                "cost_before": before,
                "cost_after": after,
                "actual": after - before,
                "grad_norm2": g2,
                "predicted": -self.eta * g2,
            }
        return self._effect
