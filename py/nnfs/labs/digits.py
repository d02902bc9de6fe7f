"""The bookkeeping around training a digit reader: presets, settings, results.

The maths lives in ``network.py``; this module holds what the Digits lab needs
around it, kept free of the browser so it is tested in CPython:

    PRESETS, TrainingConfig      the book's chapter 1 and 3 settings, and custom ones
    TRAINING_SETTINGS            the form's settings (shared ones from training_settings)
    config_from_values, preset_values   the one mapping between those and TrainingConfig
    confusion_matrix, misclassified, accuracy_of
    confidences(outputs, ...)    the output layer as one confidence per digit
    ChunkPlanner                 (from pacing.py) how many mini-batches fit in ~30 ms
    EpochRecord, epoch_rate      per-epoch rows and throughput / time-left arithmetic
    run_seconds_left             the time left in a run, scoring after each epoch included
    check_digit_model            a loaded model must read 784 pixels into 10 digits
    eval_rows(n_weights)         how many images to score in one chunk of the page's time
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.data.mnist import IMAGE_PIXELS, N_CLASSES, N_TEST, N_TRAIN, N_VALIDATION
from nnfs.maths.costs import output_activation_for
from nnfs.maths.network import INITS, Network
from nnfs.maths.pacing import ChunkPlanner  # noqa: F401 - re-exported: the Digits lab paces with it
from nnfs.runs import remote
from nnfs.settings import training as ts
from nnfs.settings.table import Setting

if TYPE_CHECKING:  # engine is imported where a session is built, as below
    from nnfs.maths.engine import Session

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
# Scoring (a forward pass only, ~1/3 of a step's work per image) goes in chunks of
# about this many image x weight products: a few tens of milliseconds each.
EVAL_WORK = 40_000_000
EVAL_MAX_ROWS = 500


def n_weights(sizes: Sequence[int]) -> int:
    """The number of weights of a fully connected network with these layer sizes."""
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def eval_rows(weights: int, most: int = EVAL_MAX_ROWS) -> int:
    """How many images to score in one chunk, so a chunk of a big network is as short as a small one's."""
    return max(1, min(most, EVAL_WORK // max(int(weights), 1)))


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that defines one training run of a digit network.

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
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}; expected one of {', '.join(INITS)}")
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
        return Network(
            self.sizes,
            activation=self.activation,
            output_activation=self.output_activation,
            cost=self.cost,
            init=self.init,
            seed=self.seed,
        )

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

        from nnfs.data.mnist import SCALE
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


@dataclass(frozen=True)
class Preset:
    label: str
    config: TrainingConfig


PRESETS: dict[str, Preset] = {
    # Chapter 1: network.py's [784, 30, 10], quadratic cost, N(0, 1) weights;
    # Nielsen's run: net.SGD(training_data, 30, 10, 3.0, test_data=test_data).
    "ch1": Preset(
        "Chapter 1: [784, 30, 10], quadratic cost, η = 3",
        TrainingConfig(
            hidden=(30,), activation="sigmoid", cost="quadratic", init="normal", eta=3.0, mini_batch_size=10, lmbda=0.0
        ),
    ),
    # Chapter 3: network2.py's [784, 100, 10], cross-entropy, scaled weights, L2;
    # net.SGD(training_data, 30, 10, 0.5, lmbda=5.0, ...).
    "ch3": Preset(
        "Chapter 3: [784, 100, 10], cross-entropy, η = 0.5, λ = 5",
        TrainingConfig(
            hidden=(100,),
            activation="sigmoid",
            cost="cross-entropy",
            init="scaled",
            eta=0.5,
            mini_batch_size=10,
            lmbda=5.0,
        ),
    ),
}


def matching_preset(config: TrainingConfig) -> str:
    """'ch1' or 'ch3' if the network and learning settings are exactly a preset's, else 'custom'.

    Seed, epochs and the number of training images do not count: they change a
    run, not which recipe it follows.
    """
    keys = ("hidden", "activation", "cost", "init", "eta", "mini_batch_size", "lmbda")
    for name, preset in PRESETS.items():
        if all(getattr(config, k) == getattr(preset.config, k) for k in keys):
            return name
    return "custom"


# -- the form's settings -------------------------------------------------------------

# The Digits lab's training form, declared once: the settings it shares with the Playground
# come from training_settings (same names, labels, limits, help), with this lab's defaults
# (the chapter 1 preset) and the limits MNIST sets; then the number of training images.
TRAINING_SETTINGS: tuple[Setting, ...] = (
    ts.layers((30,), MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, "100,30"),
    ts.act("sigmoid", HIDDEN_ACTIVATIONS),
    ts.cost("quadratic"),
    ts.init("normal"),
    ts.eta(3.0),
    ts.batch(10, hi=10_000),
    ts.l2(0.0),
    ts.seed(0),
    ts.epochs(3, hi=1000),
    Setting(
        "subset",
        "training images",
        N_TRAIN,
        kind="int",
        lo=MIN_SUBSET,
        hi=N_TRAIN,
        help=f"How many of the {N_TRAIN:,} training images an epoch goes through ({MIN_SUBSET} to {N_TRAIN:,}).",
    ),
)
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


def preset_values(name: str) -> dict[str, Any]:
    """The settings a preset sets, by setting name (seed, epochs and images are not a recipe's)."""
    config = PRESETS[name].config
    return {n: getattr(config, f) for n, f in CONFIG_FIELDS.items() if n not in ("seed", "epochs", "subset")}


# -- results --------------------------------------------------------------------------


def _labels_and_predictions(
    labels: ArrayLike, predictions: ArrayLike, n_classes: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    labels = np.asarray(labels).astype(np.intp, copy=False)
    predictions = np.asarray(predictions).astype(np.intp, copy=False)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(
            f"labels and predictions must be 1-D and the same length, got shapes {labels.shape} and {predictions.shape}"
        )
    for name, a in (("labels", labels), ("predictions", predictions)):
        if a.size and (a.min() < 0 or a.max() >= n_classes):
            raise ValueError(f"{name} must lie in 0..{n_classes - 1}")
    return labels, predictions


def confusion_matrix(labels: ArrayLike, predictions: ArrayLike, n_classes: int = N_CLASSES) -> NDArray[np.intp]:
    """(n_classes, n_classes) counts: row = true digit, column = the network's answer.

    The diagonal holds the correct answers; its sum over the total is the accuracy.
    """
    labels, predictions = _labels_and_predictions(labels, predictions, n_classes)
    flat = np.bincount(labels * n_classes + predictions, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)


def accuracy_of(labels: ArrayLike, predictions: ArrayLike) -> float:
    labels = np.asarray(labels)
    if len(labels) == 0:
        raise ValueError("no examples to score")
    return float(np.mean(labels == np.asarray(predictions)))


def misclassified(labels: ArrayLike, predictions: ArrayLike, limit: int | None = None) -> NDArray[np.intp]:
    """Indices of the examples the network got wrong, in data-set order (the first ``limit``)."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(
            f"labels and predictions must be 1-D and the same length, got shapes {labels.shape} and {predictions.shape}"
        )
    wrong = np.flatnonzero(labels != predictions)
    return wrong if limit is None else wrong[:limit]


def confidences(outputs: ArrayLike, output_activation: str) -> NDArray[np.float64]:
    """One confidence per digit, summing to 1, from the output layer's activations.

    Softmax outputs already are a probability distribution and are returned as
    they are. Sigmoid (or other) outputs are independent yes/no numbers that
    need not sum to 1: they are divided by their sum (after clipping at 0), so
    the bars compare the digits without pretending to be probabilities.
    """
    a = np.asarray(outputs, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"expected one output vector, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("the network's outputs are not finite")
    if output_activation == "softmax":
        return a.copy()
    a = np.clip(a, 0.0, None)
    total = a.sum()
    if total <= 0:
        return np.full(a.shape, 1.0 / a.size)
    return a / total


CONFIDENCE_NOTES = {
    True: "Bars: the softmax outputs, which are probabilities.",
    False: "Bars: the 10 sigmoid outputs, each divided by their sum (they are not probabilities).",
}


def confidence_note(output_activation: str) -> str:
    """What the bars show, naming the output layer's activation (a loaded model may have any)."""
    if output_activation in ("softmax", "sigmoid"):
        return CONFIDENCE_NOTES[output_activation == "softmax"]
    return (
        f"Bars: the 10 {output_activation} outputs, negatives counted as 0, each divided by their sum "
        "(they are not probabilities)."
    )


def usable(net: Network) -> bool:
    """Can this network's answers be shown? Not when its weights are no longer finite, nor
    when its training diverged (``meta["diverged"]``: the engine stopped it for blowing up,
    whatever numbers it holds)."""
    return net.is_finite() and not (getattr(net, "meta", None) or {}).get("diverged")


def check_digit_model(net: Network) -> Network:
    """``net`` if it reads 784 pixels into 10 digits, finitely for every image; a
    ValueError saying why not otherwise.

    Finitely: a model with weights like 1e308 parses and has the right sizes, but
    its outputs overflow, so every prediction would fail after it became active.
    Pixels lie in 0..1, so bounding the outputs over that box (interval
    arithmetic, ``model_io.check_outputs_bounded``) settles it for every image.
    """
    from nnfs.models.model_io import check_outputs_bounded  # model_io imports network, as we do; keep it lazy

    if net.sizes[0] != IMAGE_PIXELS or net.sizes[-1] != N_CLASSES:
        raise ValueError(
            f"this model has {net.sizes[0]} inputs and {net.sizes[-1]} outputs "
            f"(sizes {net.sizes}); a digit reader needs {IMAGE_PIXELS} inputs "
            f"(28×28 pixels) and {N_CLASSES} outputs"
        )
    return check_outputs_bounded(net, 1.0, "pixel values in 0..1")


# -- per-epoch records -----------------------------------------------------------------


@dataclass
class EpochRecord:
    """One finished epoch: how long its training took and how well the network then does."""

    epoch: int
    seconds: float
    images: int
    mean_cost: float
    validation_accuracy: float
    test_accuracy: float

    @property
    def images_per_second(self) -> float:
        return self.images / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class CostMeter:
    """The mean of the mini-batch costs seen during the current epoch."""

    total: float = 0.0
    count: int = 0
    history: list[float] = field(default_factory=list)

    def add(self, costs: Iterable[float]) -> None:
        for c in costs:
            self.total += float(c)
            self.count += 1

    def close_epoch(self) -> float:
        mean = self.total / self.count if self.count else float("nan")
        self.history.append(mean)
        self.total, self.count = 0.0, 0
        return mean


def epoch_rate(images_done: int, seconds: float, images_left: int) -> tuple[float, float]:
    """(images per second, seconds left) from what the current run has done so far.

    Before there is anything to measure both are NaN.
    """
    if images_done <= 0 or seconds <= 0:
        return float("nan"), float("nan")
    rate = images_done / seconds
    return rate, max(images_left, 0) / rate


# Scoring an image is a forward pass only; in the page it runs about twice as fast per
# image as training on it (measured: [784, 30, 10] and [784, 100, 10]).
SCORING_SPEEDUP = 2.0


def run_seconds_left(
    rate: float,
    images_left: int,
    epochs_after: int,
    images_per_epoch: int,
    scoring_seconds: float | None = None,
    images_scored: int = N_VALIDATION + N_TEST,
) -> float:
    """Seconds until a run ends: the rest of this epoch and ``epochs_after`` more at ``rate``
    images per second, plus the scoring on the validation and test sets after each of them
    (this one included), which takes ``scoring_seconds`` (as last measured) or, before it has
    been measured, an estimate from the rate. NaN before the rate is known.
    """
    if not (rate > 0 and math.isfinite(rate)):
        return float("nan")
    if scoring_seconds is None:
        scoring_seconds = images_scored / (SCORING_SPEEDUP * rate)
    training = (max(images_left, 0) + max(epochs_after, 0) * images_per_epoch) / rate
    return training + (max(epochs_after, 0) + 1) * scoring_seconds


def format_duration(seconds: float) -> str:
    """'0.8 s', '42 s', '3 min 05 s', or '–' for an unknown time."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_megabytes(n_bytes: int) -> str:
    """Bytes as megabytes with one decimal (1 MB = 10^6 bytes), e.g. '1.6 MB'."""
    return f"{n_bytes / 1e6:.1f} MB"


def curve_range(values: Iterable[float | None], floor: float = 0.0) -> tuple[float, float]:
    """A y-range for accuracy curves: from a round number below the lowest value up to 1.

    Accuracies cluster near the top (0.90-0.98), so starting the axis at 0
    would squash every curve flat.
    """
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return max(floor, 0.8), 1.0
    low = min(finite)
    step = 0.05 if low > 0.5 else 0.1
    bottom = math.floor((low - 0.005) / step) * step
    return max(floor, min(bottom, 0.95)), 1.0


# ------------------------------------------------------- the worker's kind


def _session(settings: dict[str, Any], context: remote.Context) -> Session:
    """The training worker's Digits run of TrainingConfig's fields, on the MNIST splits it holds."""
    config = TrainingConfig.from_dict(settings)
    train, validation, test = context.splits("train", "validation", "test")
    return config.build_session(train, validation, test, clock=context.clock)


remote.register("digits", _session, title="Digits run")
