"""What ``bench/convnet.py`` runs in Python: one file, loaded as it is by native CPython and
by Pyodide in the benchmark's Web Worker, so both rows time exactly the same code.

The net is the book's first convolutional one (``network3.py``, chapter 6): ConvPoolLayer(20
filters 5 x 5, max-pool 2 x 2) -> FullyConnectedLayer(100) -> SoftmaxLayer(10), log-likelihood
cost, mini-batch SGD with mini-batches of 10, built by ``nnfs.maths.convnet.ConvNet`` and
trained by ``nnfs.maths.sgd.Trainer`` (the trainer the app's engine drives), on uint8 MNIST
images scaled per mini-batch. Two presets, with the book's settings:

* ``sigmoid``: sigmoid neurons, eta = 0.1 (the book's first conv net, 98.78 % after 60 epochs);
* ``relu``: rectified linear units, eta = 0.03, lmbda = 0.1 (network3's L2, 99.23 %).

numpy and ``nnfs`` only: nothing here knows where it runs.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import time
from typing import Any

import numpy as np

from nnfs.data.mnist import SCALE
from nnfs.maths.convnet import ConvNet, ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer
from nnfs.maths.sgd import Trainer

IMAGE_SHAPE = (1, 28, 28)
MINI_BATCH = 10
PRESETS: dict[str, dict[str, Any]] = {
    "sigmoid": {"activation": "sigmoid", "eta": 0.1, "lmbda": 0.0},
    "relu": {"activation": "relu", "eta": 0.03, "lmbda": 0.1},
}


def layers(activation: str) -> list:
    """The one-conv-pool net's layers, as the book declares them."""
    return [ConvPoolLayer(20, 5, 2, activation), FullyConnectedLayer(100, activation), SoftmaxLayer(10)]


def make_net(preset: str, seed: int = 0) -> ConvNet:
    return ConvNet(IMAGE_SHAPE, layers(PRESETS[preset]["activation"]), seed=seed)


def make_trainer(preset: str, images: np.ndarray, labels: np.ndarray, seed: int = 0) -> Trainer:
    """A seeded trainer of a fresh net on (uint8 images (N, 784), labels (N,)), the preset's rates."""
    p = PRESETS[preset]
    return Trainer(make_net(preset, seed), images, labels, MINI_BATCH, p["eta"], p["lmbda"], scale=SCALE, seed=seed)


def train_for(trainer: Trainer, seconds: float) -> tuple[int, float]:
    """Train mini-batch after mini-batch until ``seconds`` have passed: (images, seconds taken)."""
    start = time.perf_counter()
    batches = 0
    while True:
        trainer.step(1)
        batches += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return batches * trainer.mini_batch_size, elapsed


# Where a step's time goes: each part is the cumulative time of the functions named (module, name),
# counted once however they nest. What is left over is Python's own work between the kernels
# (the trainer's gathering and scaling, the layer loop, the SGD update's array operations...).
PARTS: list[tuple[str, list[tuple[str, str]]]] = [
    ("conv forward (patches + product)", [("conv.py", "conv_forward")]),
    ("conv backward (dW, dX scatter)", [("conv.py", "conv_backward")]),
    ("max-pool forward", [("conv.py", "pool_forward")]),
    ("max-pool backward", [("conv.py", "pool_backward")]),
    (
        "dense products (FC + softmax layers)",
        [("linalg.py", "forward"), ("linalg.py", "backward"), ("linalg.py", "gradient")],
    ),
    ("activations + their derivatives", [("activations.py", "__call__"), ("activations.py", "backward")]),
    ("log-softmax", [("activations.py", "log_softmax")]),
]


def profile_steps(trainer: Trainer, batches: int) -> dict[str, Any]:
    """Profile ``batches`` mini-batches with cProfile: seconds per part of ``PARTS`` (linalg's
    products counted in their own part only when the dense layers call them, not the conv
    layer), the rest, and the functions with the most time of their own."""
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    trainer.step(batches)
    profiler.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    parts: dict[str, float] = {}
    for title, names in PARTS:
        seconds = 0.0
        for (filename, _line, func), (_cc, _nc, _tt, ct, callers) in stats.items():
            if (filename.rsplit("/", 1)[-1], func) not in names:
                continue
            if filename.endswith("linalg.py") or filename.endswith("activations.py"):
                # only the calls made by the net itself (not from inside conv.py, counted above)
                seconds += sum(c[3] for (f, _l, _n), c in callers.items() if f.endswith("convnet.py"))
            else:
                seconds += ct
        parts[title] = seconds
    own = sorted(
        (
            (tt, f"{func} ({filename.rsplit('/', 1)[-1]}:{line})")
            for (filename, line, func), (_c, _n, tt, _ct, _) in stats.items()
        ),
        reverse=True,
    )[:12]
    return {
        "batches": batches,
        "images": batches * trainer.mini_batch_size,
        "seconds": total,
        "profiled_seconds": sum(v[2] for v in stats.values()),
        "parts": parts,
        "top_own": [[name, tt] for tt, name in own],
    }


def fixed_batch_cost(net: ConvNet, images: np.ndarray, labels: np.ndarray) -> float:
    """The mean log-likelihood cost of ``net`` on (images, labels): what the TF.js model must
    also give from the same weights, to show it is the same net."""
    return net.evaluate(images, labels, scale=SCALE)[0]


class Runner:
    """The rows one interpreter runs, by name, on one training set (the same object in the page's
    worker, where ``*_json`` hand plain text across the bridge, and in CPython)."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.images, self.labels = images, labels
        self.trainers: dict[str, Trainer] = {}

    def add(self, name: str, preset: str, seed: int = 0) -> None:
        self.trainers[name] = make_trainer(preset, self.images, self.labels, seed)

    def train(self, name: str, seconds: float) -> tuple[int, float]:
        return train_for(self.trainers[name], seconds)

    def profile(self, name: str, batches: int) -> dict[str, Any]:
        return profile_steps(self.trainers[name], batches)

    def train_json(self, name: str, seconds: float) -> str:
        return json.dumps(self.train(name, float(seconds)))

    def profile_json(self, name: str, batches: int) -> str:
        return json.dumps(self.profile(name, int(batches)))
