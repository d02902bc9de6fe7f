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
several times more slowly, the *vanishing gradient*.

``SpeedRun`` reproduces it and lets the learner change the hidden activation
(sigmoid, tanh, ReLU) or the initialisation. One epoch costs one backprop over
the 1,000 images: the same gradient gives the norms and the step (the book
computes it twice, which changes nothing). The step is network.py's update
rule, w -> (1 - η λ / n) w - η ∂C/∂w (a test checks it equals
``Network.update_mini_batch``). Pure numpy: it runs in CPython, in the page and
in the training worker.
"""

from __future__ import annotations

import math

import numpy as np

from .network import Network

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

    def __init__(self, sizes, X, y, activation: str = "sigmoid", init: str = "scaled",
                 eta: float = ETA, lmbda: float = LMBDA, seed: int = 0, scale=None):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}")
        if init not in INITS:
            raise ValueError(f"unknown initialisation {init!r}; expected one of {', '.join(INITS)}")
        if len(sizes) < 3:
            raise ValueError("the speed of learning compares hidden layers: give at least one")
        self.network = Network(list(sizes), activation=activation, output_activation="sigmoid",
                               cost="cross-entropy", init=init, seed=seed)
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
        self.norms: list[list[float]] = []   # before epoch 0, 1, 2, ...
        self._gradient = None

    @property
    def hidden_layers(self) -> int:
        return len(self.network.sizes) - 2

    def _measure(self):
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


def ratios(speeds) -> list[float]:
    """How many times faster each hidden layer learns than the one before it."""
    return [b / a if a > 0 else math.inf for a, b in zip(speeds[:-1], speeds[1:])]
