"""The Backprop lab's equations as text: pure Python, tested in CPython.

The core (``nnfs.labs.backprop.steps``) says what each step computes and with
which numbers (a record of ``nnfs.labs.backprop.step_numbers``); this module
writes it the way the book does: layers as superscripts (z²), neurons as
subscripts counted from 1 (w²₁₃), numbers to 4 significant digits with a true
minus sign, negative factors in parentheses, and each equation three times over:
in symbols, with the numbers plugged in, and its result.

* ``sup``, ``sub``, ``num``: the typography.
* ``title``, ``equation``: a step's heading and its equation in symbols.
* ``lines``: a step's equation with the numbers plugged in (``Walkthrough.explain``).
* ``selection_name``: the selected weight or bias, 'w²₁₃' or 'b¹₂'.
"""

from __future__ import annotations

from collections.abc import Iterable

from nnfs.labs.backprop.step_numbers import (
    BiasGradient,
    Cost,
    Forward,
    HiddenError,
    OutputError,
    Update,
    WeightGradient,
)
from nnfs.labs.backprop.steps import Explained, Selection, Step

_SUP = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP_L = {"L": "ᴸ", "l": "ˡ"}
F_SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "linear": "id"}  # an activation as the text names it


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


def f_symbol(activation: str) -> str:
    """The activation's symbol: σ, tanh or ReLU."""
    return F_SYMBOL.get(activation, activation)


def selection_name(sel: Selection | None) -> str:
    """'w²₁₃' for a weight, 'b¹₂' for a neuron (its bias)."""
    if sel is None:
        return "nothing"
    if sel.is_weight:
        return f"w{sup(sel.layer)}{sub(sel.j + 1, sel.k + 1)}"
    return f"b{sup(sel.layer)}{sub(sel.j + 1)}"


# ------------------------------------------------------------ a step's heading


def title(step: Step, L: int) -> str:
    """The heading of ``step`` in a network of L weight layers."""
    l = step.layer
    return {
        "forward": f"Forward pass, layer {l}" + (" (output)" if l == L else ""),
        "cost": "The cost",
        "bp1": "BP1: the error of the output layer",
        "bp2": f"BP2: the error of layer {l}, from layer {l + 1}",
        "bp3": "BP3: the gradient for the biases",
        "bp4": "BP4: the gradient for the weights",
        "update": "The update: one step of gradient descent",
    }[step.kind]


def equation(step: Step) -> str:
    """The equation of ``step`` in symbols, as the book writes it."""
    l = step.layer
    return {
        "forward": f"z{sup(l)} = w{sup(l)} a{sup(l - 1)} + b{sup(l)},   a{sup(l)} = f(z{sup(l)})",
        "cost": "C = (1/m) Σₓ Cₓ",
        "bp1": "δᴸ = ∇ₐC ⊙ σ′(zᴸ)",
        "bp2": f"δ{sup(l)} = ((w{sup(l + 1)})ᵀ δ{sup(l + 1)}) ⊙ f′(z{sup(l)})",
        "bp3": "∂C/∂bˡⱼ = δˡⱼ",
        "bp4": "∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ",
        "update": "w → w − η ∂C/∂w,   b → b − η ∂C/∂b",
    }[step.kind]


# ------------------------------------------------------ the numbers plugged in


def lines(e: Explained) -> list[str]:
    """The step ``e`` written out: its equation with the numbers plugged in, line by line."""
    s = e.shown
    note = [f"For example x = {e.x + 1} of the mini-batch of {e.m}:"] if e.m > 1 else []
    if isinstance(s, Forward):
        return note + _forward(s)
    if isinstance(s, Cost):
        return note + _cost(s, e.x, e.m)
    if isinstance(s, OutputError):
        return note + _output_error(s)
    if isinstance(s, HiddenError):
        return note + _hidden_error(s)
    if isinstance(s, BiasGradient):
        return _bias_gradient(s, e.m)
    if isinstance(s, WeightGradient):
        return _weight_gradient(s, e.m)
    if isinstance(s, Update):
        return _update(s)
    raise TypeError(f"no text for {type(s).__name__}")


def _forward(s: Forward) -> list[str]:
    l, j = s.layer, s.j
    terms = " + ".join(f"w{sup(l)}{sub(j + 1, k + 1)}a{sup(l - 1)}{sub(k + 1)}" for k in range(len(s.w)))
    nums = " + ".join(f"{paren(w)}{paren(a)}" for w, a in zip(s.w, s.a_in))
    zname, aname, f = f"z{sup(l)}{sub(j + 1)}", f"a{sup(l)}{sub(j + 1)}", f_symbol(s.activation)
    return [
        f"{zname} = {terms} + b{sup(l)}{sub(j + 1)}",
        f"    = {nums} + {paren(s.b)}",
        f"    = {num(s.z)}",
        f"{aname} = {f}({zname}) = {f}({num(s.z)}) = {num(s.a)}",
    ]


def _cost(s: Cost, x: int, m: int) -> list[str]:
    who = f"C{sub(x + 1) if m > 1 else 'ₓ'}"
    if s.cost == "cross-entropy":
        parts = " + ".join(f"[{num(yj)} ln {num(aj)} + {num(1 - yj)} ln {num(1 - aj)}]" for aj, yj in zip(s.a, s.y))
        text = ["Cₓ = −Σⱼ [yⱼ ln aᴸⱼ + (1 − yⱼ) ln(1 − aᴸⱼ)]", f"{who} = −({parts})"]
    else:
        parts = " + ".join(f"({num(aj)} − {num(yj)})²" for aj, yj in zip(s.a, s.y))
        text = ["Cₓ = ½ Σⱼ (aᴸⱼ − yⱼ)²", f"{who} = ½ [{parts}]"]
    text.append(f"    = {num(s.cost_x)}")
    if m > 1:
        text.append(f"Over the mini-batch: C = (1/{m}) ({plus(s.per_example)}) = {num(s.total)}")
    return text


def _output_error(s: OutputError) -> list[str]:
    L, j = sup(s.layer), sub(s.j + 1)
    head = f"δ{L}{j} = ∂C/∂a{L}{j} · σ′(z{L}{j}) = "
    if s.fp is None:
        return [
            head + f"a{L}{j} − y{j}   (with cross-entropy σ′ cancels)",
            f"    = {num(s.a)} − {num(s.y)} = {num(s.delta)}",
        ]
    return [
        head + f"(a{L}{j} − y{j}) σ′(z{L}{j})",
        f"    = ({num(s.a)} − {num(s.y)}) · σ′({num(s.z)})",
        f"    = {paren(s.cost_gradient)}{paren(s.fp)} = {num(s.delta)}",
    ]


def _hidden_error(s: HiddenError) -> list[str]:
    l, j, f = s.layer, s.j, f_symbol(s.activation)
    terms = " + ".join(f"w{sup(l + 1)}{sub(k + 1, j + 1)}δ{sup(l + 1)}{sub(k + 1)}" for k in range(len(s.w_next)))
    nums = " + ".join(f"{paren(w)}{paren(d)}" for w, d in zip(s.w_next, s.delta_next))
    return [
        f"δ{sup(l)}{sub(j + 1)} = ({terms}) · {f}′(z{sup(l)}{sub(j + 1)})",
        f"    = ({nums}) · {f}′({num(s.z)})",
        f"    = {paren(s.back)}{paren(s.fp)} = {num(s.delta)}",
    ]


def _bias_gradient(s: BiasGradient, m: int) -> list[str]:
    l, j = s.layer, s.j
    name = f"b{sup(l)}{sub(j + 1)}"
    text = []
    for i, d in enumerate(s.per_example):
        who = f"∂C{sub(i + 1)}/∂{name}" if m > 1 else f"∂C/∂{name}"
        text.append(f"{who} = δ{sup(l)}{sub(j + 1)} = {num(d)}")
    if m > 1:
        text.append(f"Average over the mini-batch: ∂C/∂{name} = (1/{m}) ({plus(s.per_example)}) = {num(s.mean)}")
    return text


def _weight_gradient(s: WeightGradient, m: int) -> list[str]:
    l, j, k = s.layer, s.j, s.k
    name = f"w{sup(l)}{sub(j + 1, k + 1)}"
    text = []
    for i in range(len(s.per_example)):
        who = f"∂C{sub(i + 1)}/∂{name}" if m > 1 else f"∂C/∂{name}"
        product = f"{paren(s.a[i])}{paren(s.delta[i])}"
        text.append(f"{who} = a{sup(l - 1)}{sub(k + 1)} δ{sup(l)}{sub(j + 1)} = {product} = {num(s.per_example[i])}")
    if m > 1:
        text.append(f"Average over the mini-batch: ∂C/∂{name} = (1/{m}) ({plus(s.per_example)}) = {num(s.mean)}")
    return text


def _update(s: Update) -> list[str]:
    name = selection_name(Selection(s.layer, s.j, s.k))
    return [
        f"{name} → {name} − η ∂C/∂{name} = {num(s.old)} − {paren(s.eta)}{paren(s.grad)} = {num(s.new)}",
        "Every weight and bias moves the same way, against its own gradient.",
        f"Predicted change of the cost: −η‖∇C‖² = −{paren(s.eta)}{paren(s.grad_norm2)} = {num(s.predicted)}",
        f"Actual change: C after − C before = {num(s.cost_after)} − {num(s.cost_before)} = {num(s.actual)}",
    ]
