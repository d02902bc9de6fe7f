"""The playground's model: a configuration, its URL form, and a training session.

The playground page (lab 4) lets a learner pick a 2-D data set, a network and
the training settings, then watch SGD learn. Everything the page needs that is
not drawing lives here, in plain Python + numpy, so it runs and is tested in
CPython and the page gives the same results:

* ``Config``: every setting, with defaults and limits (``NUMBERS``, ``CHOICES``).
* ``to_hash`` / ``from_hash``: the configuration as the URL hash
  ``data=xor&noise=0.1&layers=4,4&...``, so a link restores a whole setup. A bad
  value gives a message and falls back to the default for that key only.
* ``build_data``, ``build_network``, ``build_trainer``: the data set (plus the
  learner's own clicked points, always training data), the network and the
  SGD trainer, all from seeds, so the same configuration always trains the same
  way, in the page and in CPython.
* ``Session``: one training run of a configuration on the one training engine
  (``nnfs.engine.Session``: time slices, curves, stop rules and the diagnosis
  of runs that go wrong, with advice); this module only builds it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote

import numpy as np

from . import engine
from .datasets import DATASETS, make_dataset, train_test_split
from .network import Network, Trainer
from .perceptron import parse_finite

# --------------------------------------------------------------------- limits

TWO_CLASS = ("xor", "moons")          # these data sets have exactly 2 classes
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 16
MAX_USER_POINTS = 200
POINT_DECIMALS = 2                    # clicked points are stored (and linked) to 0.01


@dataclass(frozen=True)
class Number:
    """Limits of a numeric setting (inclusive)."""

    label: str
    lo: float
    hi: float
    integer: bool = False


# Hash key -> limits. The hash keys are the Config field names.
NUMBERS: dict[str, Number] = {
    "classes": Number("classes", 2, 4, True),
    "n": Number("points", 10, 2000, True),
    "noise": Number("noise", 0.0, 1.0),
    "test": Number("test %", 10, 90, True),
    "dseed": Number("data seed", 0, 999_999, True),
    "seed": Number("network seed", 0, 999_999, True),
    "eta": Number("learning rate η", 0.0001, 1000.0),
    "batch": Number("mini-batch size", 1, 2000, True),
    "l2": Number("L2 λ", 0.0, 100.0),
    "epochs": Number("stop after epochs", 1, 100_000, True),
    "target": Number("stop at test accuracy %", 0.0, 100.0),
}
NEURONS = Number("neurons", 1, MAX_NEURONS, True)
HIDDEN = Number("hidden layers", 0, MAX_HIDDEN_LAYERS, True)

CHOICES: dict[str, tuple[str, ...]] = {
    "data": tuple(DATASETS),
    "act": ("sigmoid", "tanh", "relu", "linear"),
    "cost": ("quadratic", "cross-entropy", "log-likelihood"),
    "init": ("normal", "scaled"),
}


@dataclass(frozen=True)
class Config:
    """Every setting of the playground. Defaults: XOR learnt by one hidden
    layer of 4 sigmoid neurons in about 15 epochs."""

    data: str = "xor"
    classes: int = 2           # used by circles, spiral and blobs
    n: int = 200               # generated points (train + test)
    noise: float = 0.1
    test: int = 30             # percent of the generated points held out for testing
    dseed: int = 1             # data seed: the points and the train/test split
    layers: tuple = (4,)       # neurons per hidden layer
    act: str = "sigmoid"       # hidden-layer activation
    cost: str = "cross-entropy"
    init: str = "scaled"       # "normal": N(0, 1); "scaled": N(0, 1/n_in)
    seed: int = 1              # network seed: initial weights and mini-batch order
    eta: float = 3.0
    batch: int = 10
    l2: float = 0.0
    epochs: int = 300          # stop after this many epochs
    target: float = 0.0        # stop at this test accuracy in percent (0 = never)
    points: tuple = ()         # the learner's own points: ((x, y, class), ...)

    def __post_init__(self):
        problems = validate(self)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def n_classes(self) -> int:
        return 2 if self.data in TWO_CLASS else self.classes

    @property
    def output_activation(self) -> str:
        """Log-likelihood reads the outputs as one probability distribution, so
        it needs softmax; the other costs use independent sigmoid outputs."""
        return "softmax" if self.cost == "log-likelihood" else "sigmoid"

    @property
    def sizes(self) -> list[int]:
        return [2, *self.layers, self.n_classes]



def _check_number(key: str, value) -> str | None:
    spec = NUMBERS[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"{spec.label} must be a number, got {value!r}"
    if spec.integer and value != int(value):
        return f"{spec.label} must be a whole number, got {value!r}"
    if not spec.lo <= value <= spec.hi:
        return f"{spec.label} must be from {spec.lo:g} to {spec.hi:g}, got {value:g}"
    return None


def _check_layers(layers) -> str | None:
    if not isinstance(layers, tuple):
        return f"layers must be a tuple of neuron counts, got {layers!r}"
    if len(layers) > MAX_HIDDEN_LAYERS:
        return f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(layers)}"
    for k in layers:
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_NEURONS:
            return f"each hidden layer needs 1 to {MAX_NEURONS} neurons, got {k!r}"
    return None


def _check_points(points) -> str | None:
    if not isinstance(points, tuple):
        return "points must be a tuple of (x, y, class)"
    if len(points) > MAX_USER_POINTS:
        return f"at most {MAX_USER_POINTS} points of your own, got {len(points)}"
    for p in points:
        if not (isinstance(p, tuple) and len(p) == 3):
            return f"a point is (x, y, class), got {p!r}"
        x, y, c = p
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                   and -1.0 <= v <= 1.0 for v in (x, y)):
            return f"a point's x and y must lie in [-1, 1], got {p!r}"
        if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c <= 3:
            return f"a point's class must be 0 to 3, got {c!r}"
    return None


def validate(config: Config) -> list[str]:
    """Every problem with ``config``, as messages (empty when it is fine)."""
    problems = []
    for key, names in CHOICES.items():
        if getattr(config, key) not in names:
            problems.append(f"{key} must be one of {', '.join(names)}, got {getattr(config, key)!r}")
    for key in NUMBERS:
        msg = _check_number(key, getattr(config, key))
        if msg:
            problems.append(msg)
    for msg in (_check_layers(config.layers), _check_points(config.points)):
        if msg:
            problems.append(msg)
    return problems


DEFAULTS = Config()

# --------------------------------------------------------------- URL hash

HASH_KEYS = ("data", "classes", "n", "noise", "test", "dseed", "layers", "act", "cost",
             "init", "seed", "eta", "batch", "l2", "epochs", "target", "pts")


def fmt(value) -> str:
    """A number as it appears in the URL and the fields: ``3`` not ``3.0``;
    otherwise the shortest text that reads back as the same float."""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _point_text(p) -> str:
    x, y, c = p
    return f"{fmt(x)},{fmt(y)},{c}"


def to_hash(config: Config) -> str:
    """``config`` as ``key=value&...`` (every key, in a fixed order; ``pts``
    only when there are clicked points)."""
    parts = []
    for key in HASH_KEYS:
        if key == "pts":
            if config.points:
                parts.append("pts=" + ";".join(_point_text(p) for p in config.points))
        elif key == "layers":
            parts.append("layers=" + ",".join(str(k) for k in config.layers))
        elif key in NUMBERS:
            parts.append(f"{key}={fmt(getattr(config, key))}")
        else:
            parts.append(f"{key}={quote(str(getattr(config, key)), safe='-')}")
    return "&".join(parts)


def parse_number(key: str, text: str):
    """The value of numeric setting ``key`` typed as ``text``, or ValueError."""
    spec = NUMBERS[key]
    return _parse(spec, text)


def _parse(spec: Number, text: str):
    value = parse_finite(text, spec.label, minimum=spec.lo, maximum=spec.hi)
    if spec.integer:
        if value != int(value):
            raise ValueError(f"{spec.label} must be a whole number; got {text.strip()}")
        return int(value)
    return value


def parse_layers(text: str) -> tuple:
    """``"4,4"`` -> (4, 4); ``""`` -> () (no hidden layer: a plain softmax/sigmoid layer)."""
    text = text.strip()
    if not text:
        return ()
    items = text.split(",")
    if len(items) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers; got {len(items)}")
    return tuple(_parse(NEURONS, item) for item in items)


def round_point(x: float, y: float) -> tuple[float, float]:
    """A clicked position rounded as it is stored and linked, clipped into the box."""
    def r(v):
        return round(min(1.0, max(-1.0, float(v))), POINT_DECIMALS) + 0.0  # never -0.0
    return r(x), r(y)


def parse_points(text: str) -> tuple:
    """``"0.5,-0.25,1;0,0,0"`` -> ((0.5, -0.25, 1), (0.0, 0.0, 0))."""
    text = text.strip()
    if not text:
        return ()
    items = text.split(";")
    if len(items) > MAX_USER_POINTS:
        raise ValueError(f"at most {MAX_USER_POINTS} points of your own; got {len(items)}")
    points = []
    for item in items:
        parts = item.split(",")
        if len(parts) != 3:
            raise ValueError(f"a point is x,y,class; got {item!r}")
        x = parse_finite(parts[0], "a point's x", minimum=-1, maximum=1)
        y = parse_finite(parts[1], "a point's y", minimum=-1, maximum=1)
        c = parse_finite(parts[2], "a point's class", minimum=0, maximum=3)
        if c != int(c):
            raise ValueError(f"a point's class must be 0, 1, 2 or 3; got {parts[2]!r}")
        points.append((*round_point(x, y), int(c)))
    return tuple(points)


def from_hash(text: str) -> tuple[Config, list[str]]:
    """The configuration in a URL hash (without the ``#playground/``), and a
    message for every key that was bad (that key keeps its default) or unknown."""
    values: dict = {}
    problems: list[str] = []
    for part in text.lstrip("#").split("&"):
        if not part:
            continue
        key, sep, raw = part.partition("=")
        key, raw = unquote(key), unquote(raw)
        if not sep:
            problems.append(f"'{key}' has no value (expected {key}=...)")
            continue
        try:
            if key in CHOICES:
                if raw not in CHOICES[key]:
                    raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}; got {raw!r}")
                values[key] = raw
            elif key in NUMBERS:
                values[key] = parse_number(key, raw)
            elif key == "layers":
                values[key] = parse_layers(raw)
            elif key == "pts":
                values["points"] = parse_points(raw)
            else:
                problems.append(f"unknown setting '{key}' ignored")
                continue
        except ValueError as e:
            default = DEFAULTS.points if key == "pts" else getattr(DEFAULTS, key)
            shown = "none" if key == "pts" else _shown(key, default)
            problems.append(f"{e} — using the default {shown}")
    return Config(**values), problems


def _shown(key, value) -> str:
    if key == "layers":
        return ",".join(str(k) for k in value) or "(none)"
    if key in NUMBERS:
        return fmt(value)
    return str(value)


# ------------------------------------------------------- data and network


@dataclass(frozen=True)
class Data:
    """The training and test sets. The training set ends with the learner's
    own points (``n_user`` of them); ``ignored`` counts clicked points whose
    class does not exist in this data set (e.g. class 3 with 2 classes)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_user: int
    ignored: int


def build_data(config: Config) -> Data:
    """Generate the data set from ``config.dseed``, split it (same seed), then
    append the clicked points (of existing classes) to the training set."""
    k = config.n_classes
    X, y = make_dataset(config.data, n=config.n, noise=config.noise, n_classes=k,
                        seed=config.dseed)
    (X_train, y_train), (X_test, y_test) = train_test_split(X, y, config.test / 100,
                                                            seed=config.dseed)
    mine = [p for p in config.points if p[2] < k]
    if mine:
        X_train = np.concatenate([X_train, np.array([(p[0], p[1]) for p in mine], dtype=np.float64)])
        y_train = np.concatenate([y_train, np.array([p[2] for p in mine], dtype=y_train.dtype)])
    return Data(X_train, y_train, X_test, y_test, len(mine), len(config.points) - len(mine))


def build_network(config: Config) -> Network:
    """The network ``config.sizes``: hidden activation ``act``, the output
    activation the cost needs (``Config.output_activation``), seeded weights."""
    return Network(config.sizes, activation=config.act,
                   output_activation=config.output_activation, cost=config.cost,
                   init=config.init, seed=config.seed)


def build_trainer(config: Config, network: Network, data: Data) -> Trainer:
    """Mini-batch SGD on the training set. Its shuffles come from their own
    Generator seeded with ``config.seed`` (separate from the weights' one)."""
    return Trainer(network, data.X_train, data.y_train, mini_batch_size=config.batch,
                   eta=config.eta, lmbda=config.l2, seed=config.seed)


def train(config: Config, epochs: int) -> Network:
    """Train a fresh network for ``epochs`` epochs, exactly as the page does
    (for comparing the page with CPython)."""
    data = build_data(config)
    net = build_network(config)
    trainer = build_trainer(config, net, data)
    for _ in range(epochs):
        trainer.train_epoch()
    return net


# ---------------------------------------------------------------- session

CURVES = ("epoch", "seconds", "minibatch_loss", "train_loss", "test_loss", "train_acc", "test_acc")


class Session(engine.Session):
    """One training run of ``config`` on the one engine (``nnfs.engine.Session``).

    This class only builds: the data, network and trainer from the config's
    seeds, the evaluation sets "train" and "test", and the stop rules
    (``config.epochs``; ``config.target`` percent test accuracy, 0 = none).
    Training, the curves (``history``: see the engine) and the diagnosis of a
    run that went wrong, with what to try, are the engine's.
    """

    def __init__(self, config: Config, clock=time.perf_counter):
        self.config = config
        self.data = build_data(config)
        network = build_network(config)
        d = self.data
        super().__init__(network, build_trainer(config, network, d),
                         {"train": (d.X_train, d.y_train), "test": (d.X_test, d.y_test)},
                         max_epochs=config.epochs, target=config.target / 100 or None,
                         clock=clock)

    @classmethod
    def continued(cls, config: Config, old: "Session") -> "Session":
        """A session of ``config`` (e.g. with a point more) that goes on from ``old``:
        its weights, epoch count, curves and training time, not the initial weights.
        The networks must have the same sizes. Mini-batch order starts afresh."""
        if tuple(config.sizes) != tuple(old.config.sizes):
            raise ValueError(f"cannot continue a {old.config.sizes} run with sizes {config.sizes}")
        new = cls(config, clock=old.clock)
        for mine, theirs in zip(new.network.weights + new.network.biases,
                                old.network.weights + old.network.biases):
            mine[...] = theirs
        new.trainer.epoch = old.epoch
        new.history = {k: list(v) for k, v in old.history.items()}
        new.train_seconds = old.train_seconds
        new.planner = old.planner
        new.max_epochs, new.target = old.max_epochs, old.target
        new.stop = engine.diagnose(new.network, new.data.X_train, new.latest("train_loss"),
                                   new.epoch)
        return new

    def activations(self, points) -> list[np.ndarray]:
        """Every layer's activations [A^0 = points, A^1, ..., A^L] at ``points``
        (N, 2): what each neuron outputs across the plane."""
        return activations(self.network, points)


def activations(network: Network, points) -> list[np.ndarray]:
    """Every layer's activations [A^0 = points, A^1, ..., A^L] of ``network`` at
    ``points`` (N, 2) (the page draws them from weights the worker sent)."""
    with np.errstate(all="ignore"):
        acts, _ = network.forward(np.asarray(points, dtype=np.float64))
    return acts
