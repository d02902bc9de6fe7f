"""What ``bench/peers.py`` runs in Python: one file, loaded as it is by native CPython and by
Pyodide in the benchmark's Web Worker, so the page's rows and CPython's time the same code.

The nets (the rows of the peers' table), each trained by the app's own core
(``nnfs.maths.network.Network`` and ``nnfs.maths.sgd.Trainer``, the trainer the app's engine
drives):

* ``ch1``: the book's chapter 1 net [784, 30, 10], sigmoid, quadratic cost, N(0, 1) weights,
  eta = 3, mini-batches of 10, on uint8 MNIST images scaled per mini-batch (the Digits lab's
  ``ch1`` preset);
* ``mb100``: [784, 100, 10], the same but mini-batches of 100 (where a BLAS would matter most);
* ``playground``: the Playground's [2, 8, 8, 2] on 1,000 points (XOR, its default data set,
  noise and seeds; 30 % held out, so an epoch is 700 points), sigmoid, cross-entropy, scaled
  weights, eta = 3, mini-batches of 10: the Playground's defaults with two hidden layers of 8.

And, for the Playground, two more rates of the page: ``lab`` epochs (the lab's own run, the
engine's ``Session.run``: SGD plus its per-epoch scoring and diagnosis) and ``pictures`` (the
frame the worker draws for the page: ``pictures.playground.network_pictures``, the decision
regions and the diagram of every neuron).

numpy, ``nnfs`` and ``pictures`` only: nothing here knows where it runs.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import time
from typing import Any

import numpy as np

from nnfs.data.mnist import SCALE
from nnfs.labs.playground.config import Config
from nnfs.labs.playground.session import Session, build_data, build_network, build_trainer
from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer

# Each net: layer sizes, hidden activation, cost, init, eta, mini-batch, and its data.
PRESETS: dict[str, dict[str, Any]] = {
    "ch1": {"sizes": [784, 30, 10], "act": "sigmoid", "cost": "quadratic", "init": "normal", "eta": 3.0, "batch": 10},
    "mb100": {
        "sizes": [784, 100, 10],
        "act": "sigmoid",
        "cost": "quadratic",
        "init": "normal",
        "eta": 3.0,
        "batch": 100,
    },
    "playground": {
        "sizes": [2, 8, 8, 2],
        "act": "sigmoid",
        "cost": "cross-entropy",
        "init": "scaled",
        "eta": 3.0,
        "batch": 10,
    },
}
PLAYGROUND_POINTS = 1000
DIAGRAM_WIDTH = 520  # about the Playground's diagram canvas on a laptop


def playground_config(seed: int = 1) -> Config:
    """The Playground's defaults with [2, 8, 8, 2] on 1,000 points, trained without an end."""
    return Config(n=PLAYGROUND_POINTS, layers=(8, 8), seed=seed, epochs=100_000)


def playground_data(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The Playground's training points (float64 (700, 2)) and labels: what the peers train on."""
    data = build_data(playground_config(seed))
    return data.X_train, data.y_train


def make_net(preset: str, seed: int = 0) -> Network:
    p = PRESETS[preset]
    if preset == "playground":
        return build_network(playground_config(seed))
    return Network(p["sizes"], activation=p["act"], cost=p["cost"], init=p["init"], seed=seed)


def make_trainer(preset: str, images: np.ndarray, labels: np.ndarray, seed: int = 0) -> Trainer:
    """A seeded trainer of a fresh net: MNIST (uint8, scaled per mini-batch) or the Playground's points."""
    p = PRESETS[preset]
    if preset == "playground":
        config = playground_config(seed)
        return build_trainer(config, make_net(preset, seed), build_data(config))
    return Trainer(make_net(preset, seed), images, labels, p["batch"], p["eta"], scale=SCALE, seed=seed)


def train_for(trainer: Trainer, seconds: float) -> tuple[int, float]:
    """Train mini-batch after mini-batch until ``seconds`` have passed: (examples, seconds taken)."""
    start = time.perf_counter()
    batches = 0
    while True:
        trainer.step(1)
        batches += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return batches * trainer.mini_batch_size, elapsed


class Lab:
    """The Playground lab's own run (the engine's ``Session``), and the pictures it sends."""

    def __init__(self, seed: int = 1) -> None:
        self.session = Session(playground_config(seed))
        self.n = len(self.session.data.y_train)

    def train(self, seconds: float) -> tuple[int, float]:
        """Whole epochs of the lab's run for about ``seconds``: (examples, seconds taken)."""
        start = time.perf_counter()
        first = self.session.epoch
        while True:
            self.session.run(0.03)
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                epochs = self.session.epoch - first + self.session.trainer.progress
                return round(epochs * self.n), elapsed

    def pictures(self, seconds: float) -> tuple[int, float]:
        """Frames drawn (decision regions and diagram) for about ``seconds``: (frames, seconds)."""
        from pictures.playground import _plane, diagram_height, network_pictures

        net = self.session.network
        height = diagram_height(net.sizes)
        start = time.perf_counter()
        frames = 0
        while True:
            network_pictures(net, DIAGRAM_WIDTH, height, _plane())
            frames += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return frames, elapsed


def profile_steps(trainer: Trainer, batches: int) -> dict[str, Any]:
    """Profile ``batches`` mini-batches with cProfile: the functions with the most time of their
    own (numpy's kernels show as the ndarray methods and ufuncs that call them), and the total."""
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    trainer.step(batches)
    profiler.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
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
        "top_own": [[name, tt] for tt, name in own],
    }


def step_parts(trainer: Trainer, batches: int) -> dict[str, float]:
    """Seconds per mini-batch of a step's parts, timed without a profiler (whose overhead per
    call would swamp these small kernels): gathering and scaling the batch, the forward pass,
    the backward pass, the update, the whole step. Each part is timed on its own loop of
    ``batches`` mini-batches, from the trainer's current weights (left as they were)."""
    net = trainer.network
    k = trainer.mini_batch_size
    idx = trainer.order[:k]
    X = trainer.X[idx].astype(np.float64)
    if trainer.scale is not None:
        X *= trainer.scale
    T = trainer._target_rows[trainer._labels[idx]]  # noqa: SLF001 - the trainer's own targets

    def timed(fn) -> float:
        start = time.perf_counter()
        for _ in range(batches):
            fn()
        return (time.perf_counter() - start) / batches

    def gather():
        x = trainer.X[idx].astype(np.float64)
        if trainer.scale is not None:
            x *= trainer.scale
        return trainer._target_rows[trainer._labels[idx]]  # noqa: SLF001

    saved = ([w.copy() for w in net.weights], [b.copy() for b in net.biases])
    parts = {
        "gather + scale": timed(gather),
        "forward": timed(lambda: net._forward(X)),  # noqa: SLF001
        "forward + backward": timed(lambda: net._backprop(X, T)),  # noqa: SLF001
        "whole step": timed(lambda: trainer._update(X, T)),  # noqa: SLF001
    }
    net.weights, net.biases = saved
    return parts


class Runner:
    """The rows one interpreter runs, by name, on one training set (the same object in the page's
    worker, where ``*_json`` hand plain text across the bridge, and in CPython)."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.images, self.labels = images, labels
        self.trainers: dict[str, Trainer] = {}
        self.labs: dict[str, Lab] = {}

    def add(self, name: str, preset: str, seed: int = 0) -> None:
        if preset in ("lab", "pictures"):
            self.labs[name] = Lab(seed or 1)
        else:
            self.trainers[name] = make_trainer(preset, self.images, self.labels, seed)

    def train(self, name: str, seconds: float) -> tuple[int, float]:
        if name in self.labs:
            lab = self.labs[name]
            return lab.pictures(seconds) if name.endswith("/pictures") else lab.train(seconds)
        return train_for(self.trainers[name], seconds)

    def weights(self, name: str) -> list[list[Any]]:
        """The net's weights and biases as nested lists (for handing to the TF.js peer)."""
        net = self.trainers[name].network
        return [[w.tolist(), b.tolist()] for w, b in zip(net.weights, net.biases)]

    def profile(self, name: str, batches: int) -> dict[str, Any]:
        trainer = self.trainers[name]
        out = profile_steps(trainer, batches)
        out["parts"] = step_parts(trainer, batches)
        return out

    def train_json(self, name: str, seconds: float) -> str:
        return json.dumps(self.train(name, float(seconds)))

    def profile_json(self, name: str, batches: int) -> str:
        return json.dumps(self.profile(name, int(batches)))
