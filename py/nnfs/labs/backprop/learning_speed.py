"""The speed of learning, layer by layer: the book's chapter 5 experiment.

Nielsen measures how fast each hidden layer learns by the length of its
bias gradient, ‖∂C/∂bˡ‖ = ‖δˡ averaged over the training set‖ (BP3: the
gradient for the biases *is* the error δ), before every epoch of training.
His figure script (fig/generate_gradient.py in the book's repository) uses:

* the first 1,000 MNIST training images, inputs in [0, 1];
* networks [784, 30, 30, 10], [784, 30, 30, 30, 10], [784, 30, 30, 30, 30, 10];
* network2's defaults: cross-entropy cost, sigmoid neurons, weights
  N(0, 1/n_in) and biases N(0, 1) (``init='scaled'``);
* ``net.SGD(training_data, 1, 1000, 0.1, lmbda=5.0)`` per epoch: one full-batch
  step of gradient descent with η = 0.1 and L2 weight decay λ = 5 (n = 1,000);
* the norms recorded before each epoch (entry 0 = the untrained network).

He reports at the start 0.07 / 0.31 (two hidden layers), 0.012 / 0.060 / 0.283
(three) and 0.003 / 0.017 / 0.070 / 0.285 (four): each earlier layer learns
several times more slowly, the *vanishing gradient*. The two-layer figure's own
data (``fig/norms_during_training_2_layers.json`` at commit
24c21e45ca3d9d9a8864809cc726bf00a2f09733, 500 epochs) starts at
0.06574134326503182 / 0.3092184942703712 (``BOOK_FIGURE_START``): 4.7 times; the text's 0.07 / 0.31 (4.4 times) are
these numbers rounded.

``SpeedRun`` reproduces it and lets the learner change the hidden activation
(sigmoid, tanh, ReLU) or the initialisation. One epoch costs one backprop over
the 1,000 images: the same gradient gives the norms and the step (the book
computes it twice, which changes nothing). The step is network.py's update
rule, w -> (1 - η λ / n) w - η ∂C/∂w (a test checks it equals
``Network.update_mini_batch``). Pure numpy: it runs in CPython, in the page and
in the training worker.

``SpeedSession`` drives a ``SpeedRun`` in time slices with the shape every
training session has (``run(budget, until_epoch)``, ``history``, ``stop``), so
the training worker (``nnfs.runs.remote``, kind "speed") runs it off the page's
thread; ``pack_data``/``unpack_data`` carry the 1,000 images there as bytes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.data.mnist import SCALE
from nnfs.maths.network import Network
from nnfs.maths.stops import Stop
from nnfs.runs import remote

BOOK_SIZES = {
    2: [784, 30, 30, 10],
    3: [784, 30, 30, 30, 10],
    4: [784, 30, 30, 30, 30, 10],
}
BOOK_INITIAL_SPEEDS = {
    2: (0.07, 0.31),
    3: (0.012, 0.060, 0.283),
    4: (0.003, 0.017, 0.070, 0.285),
}
# The first entry of fig/norms_during_training_2_layers.json (commit 24c21e4), the book's figure's data.
BOOK_FIGURE_START = {2: (0.06574134326503182, 0.3092184942703712)}
N_EXAMPLES = 1000
ETA = 0.1
LMBDA = 5.0
BOOK_EPOCHS = 500
ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = ("scaled", "normal")


class SpeedRun:
    """Full-batch gradient descent on (X, y) recording ‖∂C/∂bˡ‖ of every hidden
    layer before each epoch: ``norms[e][l]`` for epoch e and hidden layer l+1.

    ``X`` is (n, 784) uint8 or float with ``scale`` (1/255 for uint8 MNIST);
    ``y`` the labels. The output layer is sigmoid with the cross-entropy cost
    whatever the hidden activation, as in the book.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        X: ArrayLike,
        y: ArrayLike,
        activation: str = "sigmoid",
        init: str = "scaled",
        eta: float = ETA,
        lmbda: float = LMBDA,
        seed: int = 0,
        scale: float | None = None,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}")
        if init not in INITS:
            raise ValueError(f"unknown initialisation {init!r}; expected one of {', '.join(INITS)}")
        if len(sizes) < 3:
            raise ValueError("the speed of learning compares hidden layers: give at least one")
        self.network = Network(
            list(sizes), activation=activation, output_activation="sigmoid", cost="cross-entropy", init=init, seed=seed
        )
        X = np.asarray(X)
        self.X = X.astype(np.float64) * (1.0 if scale is None else scale)
        self.y = np.asarray(y)
        if len(self.X) != len(self.y) or len(self.X) == 0:
            raise ValueError(f"X has {len(self.X)} examples but y has {len(self.y)}")
        self.T = self.network.targets(self.y)  # one-hot rows, made once
        self.n = len(self.X)
        self.eta, self.lmbda = float(eta), float(lmbda)
        self.activation, self.init = activation, init
        self.epoch = 0
        self.norms: list[list[float]] = []  # before epoch 0, 1, 2, ...
        # (nabla_b, nabla_w) from the last _measure()
        self._gradient: tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]] | None = None

    @property
    def hidden_layers(self) -> int:
        return len(self.network.sizes) - 2

    def _measure(self) -> list[float]:
        nabla_b, nabla_w = self.network.backprop(self.X, self.T)
        self._gradient = (nabla_b, nabla_w)
        return [float(np.linalg.norm(g)) for g in nabla_b[:-1]]

    def initial_speeds(self) -> list[float]:
        """‖∂C/∂bˡ‖ for each hidden layer of the network as it is now (before any epoch)."""
        if not self.norms:
            self.norms.append(self._measure())
        return self.norms[0]

    def step(self, epochs: int = 1) -> list[float]:
        """Train ``epochs`` epochs (one full-batch step each); returns the latest norms."""
        net = self.network
        for _ in range(int(epochs)):
            if len(self.norms) == self.epoch:  # measure the weights before this epoch
                self.norms.append(self._measure())
            assert self._gradient is not None  # measured just above, or at the end of the last epoch
            nabla_b, nabla_w = self._gradient
            decay = 1.0 - self.eta * self.lmbda / self.n
            with np.errstate(over="ignore", invalid="ignore"):
                for w, g in zip(net.weights, nabla_w):
                    w *= decay
                    w -= self.eta * g
                for b, g in zip(net.biases, nabla_b):
                    b -= self.eta * g
            self.epoch += 1
            self._gradient = None
            self.norms.append(self._measure())
        return self.norms[-1]

    def cost(self) -> float:
        """The mean cross-entropy C_0 on the 1,000 images now (without the L2 term)."""
        return float(self.network.total_cost(self.X, self.T))

    def finite(self) -> bool:
        return all(math.isfinite(v) for v in self.norms[-1]) if self.norms else True


def ratios(speeds: Sequence[float]) -> list[float]:
    """How many times faster each hidden layer learns than the one before it."""
    return [b / a if a > 0 else math.inf for a, b in zip(speeds[:-1], speeds[1:])]


def pack_data(X: ArrayLike, y: ArrayLike) -> bytes:
    """The images (uint8, n x 784) then their labels (uint8, n) as one buffer."""
    X, y = np.asarray(X), np.asarray(y)
    if X.dtype != np.uint8 or X.ndim != 2 or len(X) != len(y):
        raise ValueError("pack_data wants uint8 images, one row each, and one label per image")
    return X.tobytes() + y.astype(np.uint8).tobytes()


def unpack_data(data: bytes | bytearray | memoryview, width: int = 784) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """(X, y) from ``pack_data``'s bytes (``width`` pixels per image)."""
    flat = np.frombuffer(bytes(data), dtype=np.uint8)
    n, rest = divmod(flat.size, width + 1)
    if rest or n == 0:
        raise ValueError(f"{flat.size} bytes are not whole images of {width} pixels plus labels")
    return flat[: n * width].reshape(n, width), flat[n * width :].copy()


class SpeedSession:
    """A ``SpeedRun`` trained in time slices, as the training worker runs sessions.

    ``history`` holds, per epoch (entry 0 = before training), ``epoch`` and
    ``speed_1`` ... ``speed_L``: ‖∂C/∂bˡ‖ of each hidden layer (the run's
    ``norms`` by layer). ``run(budget, until_epoch)`` trains whole epochs (one
    full-batch step each, ≈ 0.1 s in the page) until the budget is spent; at
    ``until_epoch`` it returns Stop('epochs') (the learner may raise it and go
    on); a gradient that overflowed is a problem ('nan') that ends the run.
    """

    def __init__(self, speed_run: SpeedRun, clock: Callable[[], float] = time.perf_counter) -> None:
        self.speed_run = speed_run
        self.clock = clock
        self.stop: Stop | None = None
        self.train_seconds = 0.0
        self.progress = 0.0  # full batch: an epoch is one step, never half done
        self.history: dict[str, list[Any]] = {"epoch": []}
        for l in range(speed_run.hidden_layers):
            self.history[f"speed_{l + 1}"] = []
        speed_run.initial_speeds()
        self._record()

    @property
    def network(self) -> Network:
        return self.speed_run.network

    @property
    def epoch(self) -> int:
        return self.speed_run.epoch

    def _record(self) -> None:
        self.history["epoch"].append(self.epoch)
        for l, v in enumerate(self.speed_run.norms[-1]):
            self.history[f"speed_{l + 1}"].append(v)

    def run(self, budget: float = 0.05, until_epoch: int | None = None, target: float | None = None) -> Stop | None:
        """Train whole epochs for about ``budget`` seconds (at least one), up to
        ``until_epoch``. (``target`` is the engine's accuracy target: none here.)"""
        if self.stop is not None:
            return self.stop
        if until_epoch is not None and self.epoch >= until_epoch:
            return Stop("epochs", f"Finished {self.epoch} epochs.")
        start = self.clock()
        try:
            while until_epoch is None or self.epoch < until_epoch:
                with np.errstate(all="ignore"):  # an overflow is reported below, not warned
                    self.speed_run.step(1)
                self._record()
                if not self.speed_run.finite():
                    self.stop = Stop(
                        "nan",
                        f"The gradients overflowed in epoch {self.epoch}: this run stops here.",
                        "Try sigmoid or tanh, or the scaled initialisation.",
                    )
                    return self.stop
                if self.clock() - start >= budget:
                    break
        finally:
            self.train_seconds += self.clock() - start
        if until_epoch is not None and self.epoch >= until_epoch:
            return Stop("epochs", f"Finished {self.epoch} epochs.")
        return None


# ------------------------------------------------------- the worker's kind

SPEED_KEYS: dict[str, type[int] | type[str]] = {"hidden": int, "act": str, "init": str, "seed": int}


def _session(settings: dict[str, Any], context: remote.Context) -> SpeedSession:
    """The training worker's speed-of-learning run of ``settings`` ({"hidden": 2..4,
    "act", "init", "seed"}) on the images sent as ``context.data`` (``pack_data``)."""
    if set(settings) != set(SPEED_KEYS):
        raise ValueError(f"a speed spec needs exactly the settings {', '.join(SPEED_KEYS)}")
    if context.data is None:
        raise ValueError("a speed run needs its images (data)")
    c: dict[str, Any] = {k: kind(settings[k]) for k, kind in SPEED_KEYS.items()}
    if c["hidden"] not in BOOK_SIZES:
        raise ValueError(f"hidden layers must be one of {sorted(BOOK_SIZES)}; got {c['hidden']}")
    X, y = unpack_data(context.data)
    run = SpeedRun(BOOK_SIZES[c["hidden"]], X, y, activation=c["act"], init=c["init"], seed=c["seed"], scale=SCALE)
    return SpeedSession(run, clock=context.clock)


remote.register("speed", _session, title="speed-of-learning run")
