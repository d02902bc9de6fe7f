"""The Playground's training: a configuration's data, network, trainer and session.

Everything a Playground run needs that is not drawing, in plain Python + numpy,
so it runs and is tested in CPython and the page gives the same results (the
configuration itself is ``nnfs.labs.playground.config``'s):

* ``build_data``, ``build_network``, ``build_trainer``: the data set (plus the
  learner's own clicked points, always training data), the network and the
  SGD trainer, all from seeds, so the same configuration always trains the same
  way, in the page and in CPython.
* ``Session``: one training run of a configuration on the one training engine
  (``nnfs.maths.engine.Session``: time slices, curves, stop rules and the diagnosis
  of runs that go wrong, with advice); this module only builds it, and registers
  it as the training worker's "playground" kind (``nnfs.runs.remote``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.data.datasets import make_dataset, train_test_split
from nnfs.labs.playground.config import Config, from_values
from nnfs.maths import engine
from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer
from nnfs.maths.stops import diagnose
from nnfs.runs import remote
from nnfs.settings import training as ts

# ------------------------------------------------------- data and network


@dataclass(frozen=True)
class Data:
    """The training and test sets. The training set ends with the learner's
    own points (``n_user`` of them); ``ignored`` counts clicked points whose
    class does not exist in this data set (e.g. class 3 with 2 classes)."""

    X_train: NDArray[np.float64]
    y_train: NDArray[np.int64]
    X_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    n_user: int
    ignored: int


def build_data(config: Config) -> Data:
    """Generate the data set from ``config.dseed``, split it (same seed), then
    append the clicked points (of existing classes) to the training set."""
    k = config.n_classes
    X, y = make_dataset(config.data, n=config.n, noise=config.noise, n_classes=k, seed=config.dseed)
    (X_train, y_train), (X_test, y_test) = train_test_split(X, y, config.test / 100, seed=config.dseed)
    mine = [p for p in config.points if p[2] < k]
    if mine:
        X_train = np.concatenate([X_train, np.array([(p[0], p[1]) for p in mine], dtype=np.float64)])
        y_train = np.concatenate([y_train, np.array([p[2] for p in mine], dtype=y_train.dtype)])
    return Data(X_train, y_train, X_test, y_test, len(mine), len(config.points) - len(mine))


def build_network(config: Config) -> Network:
    """The network ``config.sizes``: hidden activation ``act``, the output
    activation the cost needs (``Config.output_activation``), seeded weights
    (the one builder every lab's settings use: ``nnfs.settings.training``)."""
    return ts.build_network(config.sizes, config.act, config.cost, config.init, config.seed)


def build_trainer(config: Config, network: Network, data: Data) -> Trainer:
    """Mini-batch SGD on the training set. Its shuffles come from their own
    Generator seeded with ``config.seed`` (separate from the weights' one)."""
    return Trainer(
        network,
        data.X_train,
        data.y_train,
        mini_batch_size=config.batch,
        eta=config.eta,
        lmbda=config.l2,
        seed=config.seed,
    )


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


class Session(engine.Session):
    """One training run of ``config`` on the one engine (``nnfs.maths.engine.Session``).

    This class only builds: the data, network and trainer from the config's
    seeds, the evaluation sets "train" and "test", and the stop rules
    (``config.epochs``; ``config.target`` percent test accuracy, 0 = none).
    Training, the curves (``history``: see the engine) and the diagnosis of a
    run that went wrong, with what to try, are the engine's.
    """

    def __init__(self, config: Config, clock: Callable[[], float] = time.perf_counter) -> None:
        self.config = config
        self.data = build_data(config)
        network = build_network(config)
        d = self.data
        super().__init__(
            network,
            build_trainer(config, network, d),
            {"train": (d.X_train, d.y_train), "test": (d.X_test, d.y_test)},
            max_epochs=config.epochs,
            target=config.target / 100 or None,
            clock=clock,
        )

    @classmethod
    def continued(cls, config: Config, old: "Session") -> "Session":
        """A session of ``config`` (e.g. with a point more) that goes on from ``old``:
        its weights, epoch count, curves and training time, not the initial weights.
        The networks must have the same sizes. Mini-batch order starts afresh."""
        if tuple(config.sizes) != tuple(old.config.sizes):
            raise ValueError(f"cannot continue a {old.config.sizes} run with sizes {config.sizes}")
        new = cls(config, clock=old.clock)
        for mine, theirs in zip(new.network.weights + new.network.biases, old.network.weights + old.network.biases):
            mine[...] = theirs
        new.trainer.epoch = old.epoch
        new.history = {k: list(v) for k, v in old.history.items()}
        new.train_seconds = old.train_seconds
        new.planner = old.planner
        new.max_epochs, new.target = old.max_epochs, old.target
        new.stop = diagnose(new.network, new.data.X_train, new.latest("train_loss"), new.epoch)
        return new

    def activations(self, points: ArrayLike) -> list[NDArray[np.float64]]:
        """Every layer's activations [A^0 = points, A^1, ..., A^L] at ``points``
        (N, 2): what each neuron outputs across the plane."""
        return activations(self.network, points)


def activations(network: Network, points: ArrayLike) -> list[NDArray[np.float64]]:
    """Every layer's activations [A^0 = points, A^1, ..., A^L] of ``network`` at
    ``points`` (N, 2) (the page draws them from weights the worker sent)."""
    with np.errstate(all="ignore"):
        acts, _ = network.forward(np.asarray(points, dtype=np.float64))
    return acts


# ------------------------------------------------------- the worker's kind


def _session(settings: dict[str, Any], context: remote.Context) -> Session:
    """The training worker's Playground session of decoded settings (``from_values``);
    it goes on from ``context.keep`` when that is a Playground run of the same sizes."""
    config, problems = from_values(settings)
    if problems:
        raise ValueError("bad playground settings: " + "; ".join(problems))
    old = context.keep
    if isinstance(old, Session) and old.config.sizes == config.sizes:
        return Session.continued(config, old)
    return Session(config, clock=context.clock)


remote.register("playground", _session, title="Playground run", live_limits=True)


def set_weights(session: Session, edits: Any) -> None:
    """A spec's ``"weights"``: ``[[l, j, i, value], ...]`` sets ``weights[l][j, i]`` of the new
    session's network (the learner typed a weight in the diagram; the run goes on from it).
    A clear ValueError for an edit that names no weight or is not a finite number."""
    weights = session.network.weights
    for edit in edits:
        if not (isinstance(edit, list | tuple) and len(edit) == 4):
            raise ValueError(f"a weight edit is [layer, to, from, value]; got {edit!r}")
        l, j, i, value = edit
        if not all(isinstance(k, int) for k in (l, j, i)) or not 0 <= l < len(weights):
            raise ValueError(f"no weight layer {l!r} in a network of sizes {session.config.sizes}")
        if not (0 <= j < weights[l].shape[0] and 0 <= i < weights[l].shape[1]):
            raise ValueError(f"no weight [{j}, {i}] in layer {l} (its shape is {weights[l].shape})")
        if not isinstance(value, int | float) or not np.isfinite(value):
            raise ValueError(f"a weight must be a finite number; got {value!r}")
        weights[l][j, i] = float(value)


remote.register_option("playground", "weights", set_weights)
