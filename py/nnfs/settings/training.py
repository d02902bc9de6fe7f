"""The training settings every lab that trains a network shares, declared once.

The Playground and the Digits lab both ask for hidden layers, an activation,
a cost, the initial weights, a seed, η, a mini-batch size, L2 λ and a number
of epochs. Each is declared here, once: its name (the key in a link and the
end of its element id), label, limits that mean the same in every lab, and
help text. A lab passes only what really differs: its default, and the limits
that follow from its data (a mini-batch cannot exceed 2,000 points in the
Playground; a 2-D toy problem gets at most 16 neurons a layer, MNIST 1,000).

One parser reads hidden layers everywhere (``parse_layers``): "30", "100,30",
"100 30", and "" or "none" for no hidden layer.

Pure Python: tested in CPython.

    >>> parse_layers("100, 30", max_layers=4, max_neurons=1000)
    (100, 30)
    >>> eta(3.0).label
    'learning rate η'
"""

from __future__ import annotations

from collections.abc import Iterable

from nnfs.settings.table import Setting, parse_number

ACTIVATIONS = (
    ("sigmoid", "sigmoid σ(z)"),
    ("tanh", "tanh(z)"),
    ("relu", "ReLU max(0, z)"),
    ("linear", "linear z"),
)
ACTIVATION_VALUES = tuple(v for v, _ in ACTIVATIONS)
COSTS = (
    ("quadratic", "quadratic"),
    ("cross-entropy", "cross-entropy"),
    ("log-likelihood", "log-likelihood"),
)
INITS = (("normal", "N(0, 1)"), ("scaled", "N(0, 1/n_in)"))
SEED_MAX = 2**32 - 1  # numpy seeds any non-negative int; a link stays short enough
ETA_LIMITS = (1e-6, 1000.0)
L2_MAX = 1000.0


def parse_layers(text: str, max_layers: int, max_neurons: int) -> tuple[int, ...]:
    """Hidden layer sizes typed as "30", "100,30" or "100 30"; "", "none" or "-": no hidden layer.

    A trailing comma is fine (half-typed "100,30"); an empty place between two
    commas is not (the learner meant a size there, or typed a comma too many).
    """
    if not isinstance(text, str):
        raise ValueError(f"hidden layers must be typed as text, got {text!r}")
    stripped = text.strip()
    if stripped.lower() in ("", "none", "-"):
        return ()
    pieces = stripped.split(",")
    if any(not piece.strip() for piece in pieces[:-1]):
        raise ValueError(
            f"hidden layers: a size is missing between commas in {stripped!r} (type sizes like 30 or 100,30)"
        )
    parts = stripped.replace(",", " ").split()
    if len(parts) > max_layers:
        raise ValueError(f"at most {max_layers} hidden layers; got {len(parts)}")
    return tuple(int(parse_number(p, "neurons in a hidden layer", lo=1, hi=max_neurons, integer=True)) for p in parts)


def layers_text(layers: Iterable[int]) -> str:
    """Hidden layer sizes as a link and the field write them: "100,30" ("" for none)."""
    return ",".join(str(int(k)) for k in layers)


def layers(default: tuple, max_layers: int, max_neurons: int, example: str) -> Setting:
    return Setting(
        "layers",
        "hidden layers",
        tuple(default),
        kind="text",
        parse_text=lambda text: parse_layers(text, max_layers, max_neurons),
        encode_text=layers_text,
        help=f"Neurons per hidden layer, e.g. {example} (0 to {max_layers} layers of 1 to {max_neurons:,}).",
    )


def act(default: str = "sigmoid", values: tuple = ACTIVATION_VALUES) -> Setting:
    """The hidden activation; ``values``: the ones this lab offers (labels are shared)."""
    return Setting(
        "act",
        "activation",
        default,
        kind="choice",
        choices=tuple(c for c in ACTIVATIONS if c[0] in values),
        help="The hidden neurons' activation function.",
    )


def cost(default: str) -> Setting:
    return Setting(
        "cost",
        "cost",
        default,
        kind="choice",
        choices=COSTS,
        help="What training minimises (log-likelihood uses softmax outputs).",
    )


def init(default: str) -> Setting:
    return Setting("init", "initial weights", default, kind="choice", choices=INITS, help="How the weights start.")


def seed(default: int) -> Setting:
    return Setting(
        "seed",
        "network seed",
        default,
        kind="int",
        lo=0,
        hi=SEED_MAX,
        help="The initial weights and the mini-batch order.",
    )


def eta(default: float) -> Setting:
    lo, hi = ETA_LIMITS
    return Setting("eta", "learning rate η", default, lo=lo, hi=hi, help="The size of each gradient-descent step.")


def batch(default: int, hi: int) -> Setting:
    """``hi``: the most examples this lab's training set can give one step."""
    return Setting(
        "batch", "mini-batch size", default, kind="int", lo=1, hi=hi, help="Training examples averaged per step."
    )


def l2(default: float = 0.0) -> Setting:
    return Setting(
        "l2",
        "L2 λ",
        default,
        lo=0.0,
        hi=L2_MAX,
        help="Weight decay: pulls the weights toward 0 against overfitting.",
    )


def epochs(default: int, hi: int) -> Setting:
    """``hi``: the most epochs a run of this lab may ask for."""
    return Setting(
        "epochs", "stop after epochs", default, kind="int", lo=1, hi=hi, help="Training stops at this epoch."
    )
