"""The book's chapter 3 experiments as runs of the core: what the Chapter 3 lab computes.

Nielsen's chapter 3 ("Improving the way neural networks learn") is a series of
comparisons of two or three runs. This module holds their settings and the
runs themselves, in plain numpy, so that CPython tests check them and the page
(or its training worker) runs the very same code:

* ``slowdown``: the learning slowdown of one sigmoid neuron (input x = 1,
  target y = 0, η = 0.15) trained by gradient descent from a starting (w, b),
  with the quadratic or the cross-entropy cost; the cost per epoch. It uses the
  core's ``Network`` (sizes [1, 1]) and its update, so the curve is the one the
  core's maths gives. ``slow_start`` counts the epochs before the cost has
  fallen by a tenth: the "slow start".
* ``ExperimentConfig`` / ``ExperimentSession``: one MNIST run of the
  overfitting, weight-initialisation or learning-rate experiment: a
  ``TrainingConfig`` (network, η, λ, init, epochs, training images) plus what
  is scored after each epoch. The training set's cost is recorded twice:
  ``train_loss`` (C_0, the mean cost without L2, as the engine records it) and
  ``train_cost`` (C_0 + λ/(2n) Σw², the book's ``total_cost`` with λ: the
  figure ``network2.py`` plots). λ means what it means in ``network2.py``: the
  decay per step is ηλ/n with n the number of training images.
* ``EXPERIMENTS``: the book's settings of each experiment's runs.

Scoring 10,000 test images after every one of 400 epochs costs more than the
training itself in the page (≈ 0.15 s against ≈ 0.1 s per epoch of 1,000
images), so a run may score a fixed random sample of the test set each epoch
(``test_rows``; the same sample for every run and seed) and the whole test
set once, when it has done its epochs (``ExperimentSession.final``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.data.mnist import N_TEST, SCALE
from nnfs.maths.engine import Session
from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer
from nnfs.maths.stops import Stop
from nnfs.runs import remote
from nnfs.settings.training import TrainingConfig

# ---------------------------------------------------------------------------- the slowdown

SLOWDOWN_ETA = 0.15
SLOWDOWN_EPOCHS = 300
SLOWDOWN_STARTS = ((0.6, 0.9), (2.0, 2.0))  # the book's two starting points (w, b)
SLOWDOWN_COSTS = ("quadratic", "cross-entropy")
SLOW_START_FALL = 0.1  # the slow start ends once the cost has fallen by this fraction of its start


def slowdown(
    w: float,
    b: float,
    cost: str,
    eta: float = SLOWDOWN_ETA,
    epochs: int = SLOWDOWN_EPOCHS,
    x: float = 1.0,
    y: float = 0.0,
) -> dict[str, list[float]]:
    """One sigmoid neuron trained on the single example (x, y) by gradient descent.

    Returns per epoch 0..``epochs`` (``epochs + 1`` values: epoch 0 is the start)
    the ``cost`` C(a, y), the ``output`` a = σ(wx + b) and the parameters ``w`` and ``b``.
    """
    if cost not in SLOWDOWN_COSTS:
        raise ValueError(f"cost must be one of {', '.join(SLOWDOWN_COSTS)}; got {cost!r}")
    if not 0 <= y <= 1:
        raise ValueError(f"the target y must lie in [0, 1]; got {y!r}")
    net = Network([1, 1], cost=cost, seed=0)
    net.weights[0][...] = w
    net.biases[0][...] = b
    X = np.array([[float(x)]])
    T = np.array([[float(y)]])
    out: dict[str, list[float]] = {"cost": [], "output": [], "w": [], "b": []}

    def record() -> None:
        out["output"].append(float(net.feedforward(X)[0, 0]))
        out["cost"].append(float(net.total_cost(X, T)))
        out["w"].append(float(net.weights[0][0, 0]))
        out["b"].append(float(net.biases[0][0]))

    record()
    for _ in range(int(epochs)):
        net.update_mini_batch(X, T, float(eta))
        record()
    return out


def slow_start(costs: list[float], fall: float = SLOW_START_FALL) -> int | None:
    """The first epoch at which the cost is below (1 - ``fall``) times its start (None: never)."""
    if not costs:
        return None
    level = (1.0 - fall) * costs[0]
    for epoch, c in enumerate(costs):
        if c < level:
            return epoch
    return None


# ---------------------------------------------------------------------------- MNIST experiments

TEST_SAMPLE_SEED = 20151  # the test sample is the same for every run, so their curves compare
SETS = ("train", "test")


def test_sample(rows: int, n: int = N_TEST) -> NDArray[np.intp]:
    """The indices of the ``rows`` test images (of ``n``) scored each epoch, in increasing
    order: all of them, in order, when ``rows`` >= ``n``."""
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or not 1 <= rows <= N_TEST:
        raise ValueError(f"test images scored must be a whole number from 1 to {N_TEST:,}; got {rows!r}")
    if rows >= n:
        return np.arange(n)
    order = np.random.default_rng(TEST_SAMPLE_SEED).permutation(n)
    return np.sort(order[:rows])


@dataclass(frozen=True)
class ExperimentConfig:
    """One run of a chapter 3 MNIST experiment: the training run and what is scored.

    ``sets``: which sets are scored after each epoch ('train': the training
    images; 'test': ``test_rows`` test images, a fixed sample when fewer than
    10,000). ``final``: score the whole test set once when the run has done its epochs.
    """

    training: TrainingConfig
    sets: tuple[str, ...] = SETS
    test_rows: int = N_TEST
    final: bool = True

    def __post_init__(self) -> None:
        bad = [s for s in self.sets if s not in SETS]
        if bad or not self.sets:
            raise ValueError(f"the sets scored must be some of {', '.join(SETS)}; got {list(self.sets)}")
        test_sample(self.test_rows)  # checks the number

    @classmethod
    def from_dict(cls, d: Any) -> ExperimentConfig:
        """From JSON: ``{"training": {TrainingConfig's fields}, "sets": [...], "test_rows": n, "final": bool}``."""
        if not isinstance(d, dict):
            raise ValueError("a chapter 3 run needs its settings as an object")
        unknown = sorted(set(d) - {"training", "sets", "test_rows", "final"})
        if unknown:
            raise ValueError(f"unknown chapter 3 settings: {', '.join(unknown)}")
        return cls(
            TrainingConfig.from_dict(d.get("training", {})),
            tuple(str(s) for s in d.get("sets", SETS)),
            int(d.get("test_rows", N_TEST)),
            bool(d.get("final", True)),
        )

    def to_dict(self) -> dict[str, Any]:
        t = self.training.meta()
        t.pop("sizes")
        return {"training": t, "sets": list(self.sets), "test_rows": self.test_rows, "final": self.final}

    def build_session(
        self,
        train: tuple[NDArray[Any], NDArray[Any]],
        test: tuple[NDArray[Any], NDArray[Any]],
        clock: Callable[[], float] = time.perf_counter,
    ) -> ExperimentSession:
        """The run on the first ``subset`` of ``train`` (images, labels), scored as configured."""
        c = self.training
        images, labels = train[0][: c.subset], train[1][: c.subset]
        net = c.build_network()
        trainer = Trainer(net, images, labels, c.mini_batch_size, c.eta, c.lmbda, scale=SCALE, seed=c.seed)
        eval_sets: dict[str, tuple[NDArray[Any], NDArray[Any]]] = {}
        if "train" in self.sets:
            eval_sets["train"] = (images, labels)
        if "test" in self.sets:
            rows = test_sample(self.test_rows, len(test[1]))
            eval_sets["test"] = (test[0][rows], test[1][rows])
        return ExperimentSession(
            net, trainer, eval_sets, full_test=test if self.final else None, max_epochs=c.epochs, clock=clock
        )


class ExperimentSession(Session):
    """An engine ``Session`` that also records the book's training cost with its L2 term
    (``train_cost``) and scores the whole test set once at the end (``final``)."""

    def __init__(
        self,
        network: Network,
        trainer: Trainer,
        eval_sets: Mapping[str, tuple[NDArray[Any], NDArray[Any]]],
        *,
        full_test: tuple[NDArray[Any], NDArray[Any]] | None = None,
        max_epochs: int,
        clock: Callable[[], float] = time.perf_counter,
    ):
        self.full_test = full_test
        self.final: dict[str, float | None] | None = None  # {"test_loss", "test_acc"} on all test images
        super().__init__(network, trainer, dict(eval_sets), scale=SCALE, max_epochs=max_epochs, clock=clock)

    def _record(self, minibatch_loss: float) -> None:
        super()._record(minibatch_loss)
        if "train" in self.eval_sets:
            h = self.history
            n = self.trainer.n
            l2 = 0.5 * (self.trainer.lmbda / n) * sum(float(np.sum(w * w)) for w in self.network.weights)
            h.setdefault("train_cost", []).append(h["train_loss"][-1] + l2)

    def run(self, budget: float = 0.03, until_epoch: int | None = None) -> Stop | None:
        stop = super().run(budget, until_epoch)
        if stop is not None and stop.kind == "epochs" and self.final is None and self.full_test is not None:
            loss, acc = self.network.evaluate(self.full_test[0], self.full_test[1], SCALE)
            self.final = {
                "test_loss": loss if math.isfinite(loss) else None,
                "test_acc": acc if math.isfinite(acc) else None,
            }
        return stop


@dataclass(frozen=True)
class Experiment:
    """The book's runs of one experiment: shared training settings and what each run changes."""

    name: str
    base: dict[str, Any]
    runs: tuple[dict[str, Any], ...]
    sets: tuple[str, ...]
    book: str  # what the book reports, for the page to state beside the measured figure
    extra: dict[str, Any] = field(default_factory=dict)

    def configs(
        self, overrides: Mapping[str, Any] | None = None, runs: tuple[Mapping[str, Any], ...] | None = None
    ) -> list[ExperimentConfig]:
        """Each run's config: the base, then ``overrides`` (settings shared by the runs,
        e.g. the learner's epochs), then what each run changes (``runs``, default the
        book's). ``test_rows`` among the overrides sets the test images scored."""
        shared = dict(overrides or {})
        test_rows = int(shared.pop("test_rows", self.extra.get("test_rows", N_TEST)))
        return [
            ExperimentConfig(TrainingConfig(**{**self.base, **shared, **run}), self.sets, test_rows)
            for run in (self.runs if runs is None else runs)
        ]


EXPERIMENTS: dict[str, Experiment] = {
    # Chapter 3, "Overfitting" and "Regularization": network2 with large_weight_initializer().
    "overfitting": Experiment(
        "overfitting",
        dict(cost="cross-entropy", init="normal", eta=0.5, mini_batch_size=10, subset=1000, epochs=400),
        ({"lmbda": 0.0}, {"lmbda": 0.1}),
        ("train", "test"),
        "test accuracy stalls near 82 % without regularisation and reaches about 87 % with λ = 0.1",
        {"test_rows": 1000},
    ),
    # Chapter 3, "Weight initialization": the book trains on all 50,000 images.
    "init": Experiment(
        "init",
        dict(cost="cross-entropy", eta=0.1, lmbda=5.0, mini_batch_size=10, subset=10_000, epochs=30),
        ({"init": "normal"}, {"init": "scaled"}),
        ("test",),
        "both end a little over 96 %; N(0, 1/n_in) gets there much faster (all 50,000 images, 30 epochs)",
    ),
    # Chapter 3, "How to choose a neural network's hyper-parameters?" (fig/multiple_eta.py).
    "eta": Experiment(
        "eta",
        dict(cost="cross-entropy", init="scaled", lmbda=5.0, mini_batch_size=10, subset=10_000, epochs=30),
        ({"eta": 0.025}, {"eta": 0.25}, {"eta": 2.5}),
        ("train",),
        "with η = 0.025 the cost falls smoothly to the last epoch; with η = 0.25 it falls fast and is nearly "
        "flat after about 20 epochs, with small random-looking wiggles; with η = 2.5 it oscillates widely from "
        "the start (all 50,000 images, 30 epochs)",
    ),
}


# ------------------------------------------------------- the worker's kind


def _session(settings: dict[str, Any], context: remote.Context) -> ExperimentSession:
    """The training worker's run of a chapter 3 experiment (``ExperimentConfig.from_dict``)."""
    checked = ExperimentConfig.from_dict(settings)
    train, test = context.splits("train", "test")
    return checked.build_session(train, test, clock=context.clock)


remote.register("chapter3", _session, title="chapter 3 run")
