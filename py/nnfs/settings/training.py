"""The training settings every lab that trains a network shares, declared once.

The Playground and the Digits lab both ask for hidden layers, an activation,
a cost, the initial weights, a seed, η, a mini-batch size, L2 λ and a number
of epochs. Each is declared here, once: its name (the key in a link and the
end of its element id), label, limits that mean the same in every lab, and
help text. A lab passes only what really differs: its default, and the limits
that follow from its data (a mini-batch cannot exceed 2,000 points in the
Playground; a 2-D toy problem gets at most 16 neurons a layer, MNIST 1,000).

One parser reads hidden layers everywhere (``parse_layers``): "30", "100,30",
"100 30", and "" or "none" for no hidden layer. One builder makes the network
such settings describe (``build_network``): the Playground's and every MNIST run's.

A digit network's run (the Digits lab's, and each of the Chapter 3 lab's
experiments) is a ``TrainingConfig``: these settings' values, checked against
the limits MNIST and the page set; ``config_from_values`` makes one from the
settings by name (``CONFIG_FIELDS``: the one place the two vocabularies meet).
It lives here, beside the settings it is made of, so that both labs read it
from the shared core and neither from the other.

Pure Python: tested in CPython.

    >>> parse_layers("100, 30", max_layers=4, max_neurons=1000)
    (100, 30)
    >>> eta(3.0).label
    'learning rate η'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from nnfs.data.mnist import IMAGE_PIXELS, N_CLASSES, N_TRAIN, SCALE
from nnfs.maths.costs import output_activation_for
from nnfs.maths.network import INITS as WEIGHT_INITS
from nnfs.maths.network import Network
from nnfs.settings.table import Setting, parse_number

if TYPE_CHECKING:  # engine is imported where a session is built, as below
    from nnfs.maths.engine import Session

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


# -- the network these settings build --------------------------------------------------


def build_network(sizes: Sequence[int], activation: str, cost: str, init: str, seed: int) -> Network:
    """A freshly initialised network of these layer sizes: hidden activation ``activation``,
    the output activation the cost needs (softmax for log-likelihood, sigmoid otherwise),
    weights drawn as ``init`` says from ``seed`` (same settings, same network)."""
    return Network(
        list(sizes),
        activation=activation,
        output_activation=output_activation_for(cost),
        cost=cost,
        init=init,
        seed=seed,
    )


# -- a digit network's training run ----------------------------------------------------

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
DIGIT_COSTS = ("quadratic", "cross-entropy", "log-likelihood")
MAX_HIDDEN_LAYERS = 4
MAX_LAYER_SIZE = 1000
MIN_SUBSET = 100
# The page trains on its main thread and can only answer clicks between mini-batches,
# so one SGD step must stay short. Its cost is about (images in the mini-batch) x
# (weights) x 2-4 ns in the page: 50 million keeps a step under ~0.2 s (the
# book's [784, 30, 10] allows mini-batches up to 2,099; [784, 100, 10] up to 629).
MAX_STEP_WORK = 50_000_000


def n_weights(sizes: Sequence[int]) -> int:
    """The number of weights of a fully connected network with these layer sizes."""
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that defines one training run of a digit network on MNIST (the Digits
    lab's runs, and each run of the Chapter 3 lab's experiments).

    The output layer is softmax for the log-likelihood cost and sigmoid
    otherwise (as in the book: sigmoid with quadratic or cross-entropy cost).
    """

    hidden: tuple[int, ...] = (30,)
    activation: str = "sigmoid"
    cost: str = "quadratic"
    init: str = "normal"
    eta: float = 3.0
    mini_batch_size: int = 10
    lmbda: float = 0.0
    seed: int = 0
    epochs: int = 1
    subset: int = N_TRAIN

    def __post_init__(self) -> None:
        hidden = tuple(self.hidden)
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(hidden)}")
        for n in hidden:
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_LAYER_SIZE:
                raise ValueError(f"each hidden layer needs 1 to {MAX_LAYER_SIZE} neurons, got {n!r}")
        object.__setattr__(self, "hidden", tuple(int(n) for n in hidden))
        if self.activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; expected one of {', '.join(HIDDEN_ACTIVATIONS)}")
        if self.cost not in DIGIT_COSTS:
            raise ValueError(f"unknown cost {self.cost!r}; expected one of {', '.join(DIGIT_COSTS)}")
        if self.init not in WEIGHT_INITS:
            raise ValueError(f"unknown init {self.init!r}; expected one of {', '.join(WEIGHT_INITS)}")
        if not (isinstance(self.eta, (int, float)) and math.isfinite(self.eta) and self.eta > 0):
            raise ValueError(f"η must be a positive number, got {self.eta!r}")
        if not (isinstance(self.lmbda, (int, float)) and math.isfinite(self.lmbda) and self.lmbda >= 0):
            raise ValueError(f"λ must be a number ≥ 0, got {self.lmbda!r}")
        for name, value, lo, hi in (
            ("mini-batch size", self.mini_batch_size, 1, 10_000),
            ("seed", self.seed, 0, 2**32 - 1),
            ("epochs", self.epochs, 1, 1000),
            ("training images", self.subset, MIN_SUBSET, N_TRAIN),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
                raise ValueError(f"{name} must be a whole number from {lo:,} to {hi:,}, got {value!r}")
        # A mini-batch larger than the training set is the whole set.
        work = min(self.mini_batch_size, self.subset) * n_weights(self.sizes)
        if work > MAX_STEP_WORK:
            most = MAX_STEP_WORK // n_weights(self.sizes)
            raise ValueError(
                f"a mini-batch of {self.mini_batch_size:,} through {n_weights(self.sizes):,} weights is too much "
                f"work for one step: the page could not answer clicks while it runs; use a mini-batch of at "
                f"most {most:,} for this network, or smaller hidden layers"
            )

    @property
    def sizes(self) -> list[int]:
        return [IMAGE_PIXELS, *self.hidden, N_CLASSES]

    @property
    def output_activation(self) -> str:
        return output_activation_for(self.cost)

    def build_network(self) -> Network:
        """A freshly initialised network for this run (seeded: same settings, same network)."""
        return build_network(self.sizes, self.activation, self.cost, self.init, self.seed)

    def build_session(
        self,
        train: tuple[NDArray[Any], NDArray[Any]],
        validation: tuple[NDArray[Any], NDArray[Any]],
        test: tuple[NDArray[Any], NDArray[Any]],
        clock: Callable[[], float] | None = None,
    ) -> Session:
        """The engine session of this run: the network, an SGD trainer on the first
        ``subset`` training images (uint8, scaled per mini-batch), scored on the
        validation and test sets after every epoch, stopping after ``epochs``.
        ``train``/``validation``/``test`` are (images, labels) pairs."""
        import time

        from nnfs.maths.engine import Session
        from nnfs.maths.sgd import Trainer

        images, labels = train
        net = self.build_network()
        trainer = Trainer(
            net,
            images[: self.subset],
            labels[: self.subset],
            self.mini_batch_size,
            self.eta,
            self.lmbda,
            scale=SCALE,
            seed=self.seed,
        )
        return Session(
            net,
            trainer,
            {"validation": validation, "test": test},
            scale=SCALE,
            max_epochs=self.epochs,
            clock=clock or time.perf_counter,
        )

    @classmethod
    def from_dict(cls, d: object) -> "TrainingConfig":
        """A config from its ``meta()``-like dict (JSON); unknown keys are refused."""
        if not isinstance(d, dict):
            raise ValueError("digits settings must be an object of TrainingConfig's fields")
        fields = cls.__dataclass_fields__
        unknown = sorted(set(d) - set(fields) - {"sizes"})
        if unknown:
            raise ValueError(f"unknown digits settings: {', '.join(unknown)}")
        kw = {k: v for k, v in d.items() if k in fields}
        if "hidden" in kw:
            kw["hidden"] = tuple(kw["hidden"])
        return cls(**kw)

    def describe(self) -> str:
        """One line, e.g. '[784, 30, 10] sigmoid, quadratic cost, η = 3, mini-batch 10, λ = 0'."""
        return (
            f"{self.sizes} {self.activation}, {self.cost} cost, η = {self.eta:g}, "
            f"mini-batch {self.mini_batch_size}, λ = {self.lmbda:g}"
        )

    def meta(self) -> dict[str, Any]:
        """The settings, JSON-ready, to save with a trained model."""
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        d["sizes"] = self.sizes
        return d


# setting name -> TrainingConfig field: the one place the two vocabularies meet.
CONFIG_FIELDS = {
    "layers": "hidden",
    "act": "activation",
    "cost": "cost",
    "init": "init",
    "eta": "eta",
    "batch": "mini_batch_size",
    "l2": "lmbda",
    "seed": "seed",
    "epochs": "epochs",
    "subset": "subset",
}


def config_from_values(values: dict[str, Any]) -> TrainingConfig:
    """The TrainingConfig of the form's values (by setting name); ValueError says what is wrong."""
    return TrainingConfig(**{field: values[name] for name, field in CONFIG_FIELDS.items()})
