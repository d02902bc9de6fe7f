"""Stochastic gradient descent: the ``Trainer`` a page drives one mini-batch at a time, and the
book's ``SGD`` loop over whole epochs built on it.

Each epoch visits the training examples in a fresh random order from the trainer's own
seeded Generator, in mini-batches; each mini-batch takes one step of the network's
``update_mini_batch`` (backprop, then w -> (1 - eta lmbda / n) w - eta dC_0/dw).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths.checks import positive_int, real_number
from nnfs.maths.learner import Learner
from nnfs.maths.network import as_batch
from nnfs.maths.rng import Seed, make_rng

L = TypeVar("L", bound=Learner)  # the kind of network a trainer trains


class Trainer(Generic[L]):
    """Mini-batch SGD that a page can run one step at a time.

    Each epoch visits the training examples in a fresh random order drawn from
    the trainer's own seeded Generator, split into mini-batches of
    ``mini_batch_size`` (the last one may be smaller, as in network.py).

    The training set X is kept as given, e.g. 50,000 x 784 uint8 MNIST images
    (39 MB): each mini-batch is gathered and converted to float64 (times
    ``scale``, e.g. 1/255) on its own, so the whole set is never expanded to
    float64 (314 MB). ``eta`` and ``lmbda`` are plain attributes and may be
    changed between steps. L2 decay uses n = the training-set size.
    ``y`` holds class labels (N,), or a float target matrix (N, n_out) when the
    network fits real values (e.g. a curve): each row is then its example's target.
    """

    def __init__(
        self,
        network: L,
        X: ArrayLike,
        y: ArrayLike,
        mini_batch_size: int = 10,
        eta: float = 0.5,
        lmbda: float = 0.0,
        scale: float | None = None,
        seed: Seed = None,
    ) -> None:
        self.network = network
        X = np.asarray(X)
        as_batch(X[:0], network.sizes[0])  # shape and dtype check without a copy
        if np.issubdtype(X.dtype, np.floating) and not np.isfinite(X).all():
            raise ValueError("training inputs X contain NaN or inf")
        self.X = X  # kept as given (no float64 copy of the whole set)
        # Class labels (N,), or a float target matrix (N, n_out) for fitting real
        # values (e.g. the Universality lab's curve fit): then the rows are the targets.
        y_arr = np.asarray(y)
        self.targets = None
        if y_arr.ndim == 2 and np.issubdtype(y_arr.dtype, np.floating):
            if y_arr.shape[1] != network.sizes[-1]:
                raise ValueError(
                    f"targets have {y_arr.shape[1]} columns, expected {network.sizes[-1]} (one per output neuron)"
                )
            self.targets = network.targets(y_arr)
            self.y = self.targets
        else:
            self.y = network.check_labels(y)
        if len(self.X) != len(self.y):
            raise ValueError(f"X has {len(self.X)} examples but y has {len(self.y)}")
        if len(self.X) == 0:
            raise ValueError("empty training set")
        self.n = len(self.X)
        self.mini_batch_size = positive_int(mini_batch_size, "mini_batch_size")
        self.eta = real_number(eta, "eta", 0.0, allow_low=False)
        self.lmbda = real_number(lmbda, "lmbda")
        self.scale = None if scale is None else real_number(scale, "scale", 0.0, allow_low=False)
        self.rng = make_rng(seed)
        self.batches_per_epoch = -(-self.n // self.mini_batch_size)  # ceil(n / size)
        self.epoch = 0  # epochs completed
        self.batches_done = 0  # mini-batches done in the current epoch
        self.last_cost: float | None = None  # mean cost of the last mini-batch (before its update)
        self.order = self.rng.permutation(self.n)
        # Target rows by label, made once (labels were checked above): row y is the
        # one-hot vector e_y, or the 0/1 label itself for a single output neuron.
        n_out = network.sizes[-1]
        if self.targets is None:
            self._labels = self.y.astype(np.intp)
            self._target_rows = np.eye(n_out) if n_out > 1 else np.array([[0.0], [1.0]])
        else:  # each example is its own target row
            self._labels = np.arange(self.n)
            self._target_rows = self.targets

    @property
    def progress(self) -> float:
        """Fraction of the current epoch done, in [0, 1)."""
        return self.batches_done / self.batches_per_epoch

    @property
    def examples_seen(self) -> int:
        """Training examples used so far, over all epochs."""
        return self.epoch * self.n + min(self.batches_done * self.mini_batch_size, self.n)

    def step(self, n_batches: int = 1) -> list[float]:
        """Train on the next ``n_batches`` mini-batches (crossing into the next
        epoch, with a fresh shuffle, when one ends). Returns each batch's mean
        cost before its update. Stops early if training diverges (check
        ``is_finite()``)."""
        n_batches = positive_int(n_batches, "n_batches")
        costs: list[float] = []
        # Divergence shows up as inf/NaN, which is_finite() detects; don't
        # also flood the console with overflow warnings on the way there.
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(n_batches):
                k = self.batches_done * self.mini_batch_size
                idx = self.order[k : k + self.mini_batch_size]
                X = self.X[idx].astype(np.float64)  # only this mini-batch becomes float64
                if self.scale is not None:
                    X *= self.scale
                T = self._target_rows[self._labels[idx]]
                self.last_cost = self._update(X, T)
                costs.append(self.last_cost)
                self.batches_done += 1
                if self.batches_done == self.batches_per_epoch:
                    self.epoch += 1
                    self.batches_done = 0
                    self.order = self.rng.permutation(self.n)
                # Non-finite weights make the next batch's cost non-finite, so the
                # cheap check of the cost is enough inside the loop.
                if not math.isfinite(self.last_cost):
                    break
        return costs

    def fast_forward(self, epoch: int, batches_done: int = 0) -> None:
        """Put this fresh trainer where a trainer of the same seed stood after ``epoch``
        epochs and ``batches_done`` mini-batches of the next, without training: the
        shuffles of those epochs are drawn again from the same Generator, so a run resumed
        from its saved weights goes on with the very mini-batches it would have had
        (a page reloaded mid-run loses nothing but the time). The weights are the caller's."""
        if self.epoch or self.batches_done:
            raise ValueError("only a trainer that has not trained yet can be fast-forwarded")
        if type(epoch) is not int or epoch < 0:
            raise ValueError(f"epoch must be a whole number >= 0, got {epoch!r}")
        if type(batches_done) is not int or not 0 <= batches_done < self.batches_per_epoch:
            raise ValueError(
                f"batches_done must be a whole number from 0 to {self.batches_per_epoch - 1}, got {batches_done!r}"
            )
        for _ in range(epoch):  # one permutation per epoch ended, as step() draws them
            self.order = self.rng.permutation(self.n)
        self.epoch, self.batches_done = epoch, batches_done

    def _update(self, X: NDArray[np.float64], T: NDArray[np.float64]) -> float:
        """One gradient-descent step on the mini-batch (X, targets T); its mean cost before
        the step. (nnfs.labs.exercises.learner_trainer replaces it with the learner's own sgd_step.)"""
        return self.network._step(X, T, self.eta, self.lmbda, self.n)

    def train_epoch(self) -> list[float]:
        """Finish the current epoch (all of it if none of it is done yet)."""
        return self.step(self.batches_per_epoch - self.batches_done)

    def is_finite(self) -> bool:
        """False once the weights or the last mini-batch cost are inf or NaN."""
        return self.network.is_finite() and (self.last_cost is None or math.isfinite(self.last_cost))


def SGD(
    network: Learner,
    X: ArrayLike,
    y: ArrayLike,
    epochs: int,
    mini_batch_size: int,
    eta: float,
    lmbda: float = 0.0,
    scale: float | None = None,
    seed: Seed = None,
    evaluation_data: tuple[NDArray[Any] | Sequence[Any], ArrayLike] | None = None,
) -> list[dict[str, Any]]:
    """Train ``network`` for ``epochs`` epochs of mini-batch SGD (see ``Trainer``): the book's
    ``network.SGD``, as a function of the network.

    Returns one dict per epoch: 'epoch', 'cost' (mean of the mini-batch
    costs during the epoch) and, given evaluation_data=(X_eval, y_eval),
    'accuracy' on it. Stops early if the weights or cost stop being
    finite; the last entry then has 'finite': False.
    """
    trainer = Trainer(network, X, y, mini_batch_size, eta, lmbda, scale=scale, seed=seed)
    history = []
    for _ in range(positive_int(epochs, "epochs")):
        costs = trainer.train_epoch()
        entry = {"epoch": trainer.epoch, "cost": float(np.mean(costs)), "finite": trainer.is_finite()}
        if evaluation_data is not None and entry["finite"]:
            entry["accuracy"] = network.accuracy(*evaluation_data, scale=scale)
        history.append(entry)
        if not entry["finite"]:
            break
    return history
