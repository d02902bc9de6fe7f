"""The Digits lab's own logic: its presets and form, the digit bars, time estimates.

What every MNIST run shares lives in the shared core: ``TrainingConfig`` and
``config_from_values`` beside the training settings (``nnfs.settings.training``),
the metrics in ``nnfs.maths.metrics``, the model checks in ``nnfs.models.model_io``.
This module holds what only the Digits lab needs around them, kept free of the
browser so it is tested in CPython:

    PRESETS, matching_preset     the book's chapter 1 and 3 settings, and custom ones
    TRAINING_SETTINGS            the form's settings (shared ones from nnfs.settings.training)
    preset_values                a preset as the form's values
    confidences(outputs, ...)    the output layer as one confidence per digit
    EpochRecord, epoch_rate      per-epoch rows and throughput / time-left arithmetic
    run_seconds_left             the time left in a run, scoring after each epoch included
    eval_rows(n_weights)         how many images to score in one chunk of the page's time
    curve_range                  the accuracy curves' y-range
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.data.mnist import N_TEST, N_TRAIN, N_VALIDATION
from nnfs.maths.engine import Session
from nnfs.runs import remote
from nnfs.settings import training as ts
from nnfs.settings.table import Setting
from nnfs.settings.training import (
    CONFIG_FIELDS,
    HIDDEN_ACTIVATIONS,
    MAX_HIDDEN_LAYERS,
    MAX_LAYER_SIZE,
    MIN_SUBSET,
    TrainingConfig,
)

# Scoring (a forward pass only, ~1/3 of a step's work per image) goes in chunks of
# about this many image x weight products: a few tens of milliseconds each.
EVAL_WORK = 40_000_000
EVAL_MAX_ROWS = 500


def eval_rows(weights: int, most: int = EVAL_MAX_ROWS) -> int:
    """How many images to score in one chunk, so a chunk of a big network is as short as a small one's."""
    return max(1, min(most, EVAL_WORK // max(int(weights), 1)))


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
# (Which setting is which TrainingConfig field: nnfs.settings.training.CONFIG_FIELDS.)
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


def preset_values(name: str) -> dict[str, Any]:
    """The settings a preset sets, by setting name (seed, epochs and images are not a recipe's)."""
    config = PRESETS[name].config
    return {n: getattr(config, f) for n, f in CONFIG_FIELDS.items() if n not in ("seed", "epochs", "subset")}


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
