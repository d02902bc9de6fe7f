"""A fully connected feedforward network trained by mini-batch SGD and backprop.

In the spirit of Nielsen's network2.py, with two differences:

* **Examples are rows.** A batch X has shape (N, n_in) and the whole batch goes
  through each layer in one matrix product. Per layer, as in the book,
  ``weights[l]`` has shape (n_out, n_in) and ``biases[l]`` shape (n_out,):

      Z = A_prev W^T + b,    A = f(Z)            (row x of Z is (w a_x + b)^T)

* **Backprop is vectorised over the mini-batch**, no loop over examples. With
  Delta^l the (N, n_l) matrix whose rows are the errors delta^l_x = dC_x/dz^l_x:

      Delta^L = output error from the cost (costs.py)                     (BP1)
      Delta^l = (Delta^{l+1} W^{l+1}) * f'(Z^l)   (elementwise)            (BP2)
      dC/db^l = (1/N) sum_x delta^l_x = mean of the rows of Delta^l       (BP3)
      dC/dW^l = (1/N) Delta^l^T A^{l-1}                                   (BP4)

  so ``backprop`` returns the gradient of the **mean** cost over the batch,
  C = (1/N) sum_x C_x (regularisation not included).

Labels ``y`` are integer class indices, shape (N,); the one-hot targets are
made internally (``targets``). A network with a single output neuron reads y
as the 0/1 target itself. Training with L2 regularisation minimises

    C = (1/n) sum_x C_x + (lmbda / 2n) sum_w w^2,

hence the weight-decay update w -> (1 - eta lmbda / n) w - eta dC_0/dw.

Training by SGD is ``nnfs.maths.sgd`` (``Trainer``, one mini-batch at a time,
and the book's ``SGD``). Every random draw comes from a seeded
``numpy.random.Generator``: the same seeds give the same run, bit for bit, in
one environment.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths import linalg
from nnfs.maths.activations import Activation, get_activation
from nnfs.maths.checks import all_finite, class_labels, data_set, positive_int, real_number
from nnfs.maths.costs import Cost, check_pairing, get_cost, output_activation_for
from nnfs.maths.rng import Seed, make_rng

INITS = ("normal", "scaled")

# Evaluate big (e.g. uint8 MNIST) arrays in chunks of this many rows so that
# only one chunk is ever converted to float64 at a time.
EVAL_CHUNK = 1000


def as_batch(X: ArrayLike, n_in: int, scale: float | None = None) -> NDArray[np.float64]:
    """X as a float64 (N, n_in) array, times ``scale`` if given (e.g. 1/255 for uint8)."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (N, {n_in}), one example per row; got shape {X.shape}")
    if X.shape[1] != n_in:
        raise ValueError(f"X has {X.shape[1]} columns, expected {n_in} (one per input neuron)")
    if not (np.issubdtype(X.dtype, np.number) and not np.issubdtype(X.dtype, np.complexfloating)):
        raise ValueError(f"X must hold real numbers, got dtype {X.dtype}")
    X = X.astype(np.float64)  # always a fresh array: training never aliases the caller's data
    if scale is not None:
        X *= scale
    return X


class Network:
    """A feedforward network with layer sizes ``sizes``, e.g. [784, 30, 10].

    ``activation`` is used in the hidden layers, ``output_activation`` in the
    last one. When it is None: 'softmax' if the cost is 'log-likelihood',
    otherwise 'sigmoid' (outputs in (0, 1) to match the 0/1 targets, and the
    one that goes with cross-entropy).

    ``init='normal'``: weights and biases ~ N(0, 1) (chapter 1).
    ``init='scaled'``: weights ~ N(0, 1/n_in), biases ~ N(0, 1) (chapter 3): it
    keeps each z of order 1, so sigmoid neurons do not start saturated.
    """

    def __init__(
        self,
        sizes: list[int] | tuple[int, ...],
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation | None = None,
        cost: str | Cost = "quadratic",
        init: str = "normal",
        seed: Seed = None,
    ) -> None:
        if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
            raise ValueError(f"sizes must be a list of at least 2 layer sizes, got {sizes!r}")
        self.sizes = [positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
        self.num_layers = len(self.sizes)

        hidden = get_activation(activation)
        if hidden.output_only:
            raise ValueError(f"activation {hidden.name!r} is only for the output layer (use output_activation)")
        cost = get_cost(cost)
        if output_activation is None:
            output_activation = output_activation_for(cost)
        output = get_activation(output_activation)
        if output.name == "softmax" and self.sizes[-1] < 2:
            raise ValueError("softmax needs at least 2 output neurons (one per class)")
        check_pairing(cost, output)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; expected one of {', '.join(INITS)}")

        self.activation = hidden.name
        self.output_activation = output.name
        self.cost = cost.name
        self.init = init
        self.meta: dict[str, Any] = {}  # free-form notes saved with the model (model_io)
        self._hidden, self._output, self._cost = hidden, output, cost

        self.rng = make_rng(seed)
        self.biases = [self.rng.standard_normal(n) for n in self.sizes[1:]]
        self.weights = [self.rng.standard_normal((n_out, n_in)) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        if init == "scaled":
            self.weights = [w / np.sqrt(w.shape[1]) for w in self.weights]

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}, cost={self.cost!r})"
        )

    # ----------------------------------------------------------------- forward

    def _layer_activation(self, l: int) -> Activation:
        """The activation of layer l (0-based over weight layers)."""
        return self._output if l == self.num_layers - 2 else self._hidden

    def feedforward(self, X: ArrayLike, scale: float | None = None) -> NDArray[np.float64]:
        """Outputs a^L for a batch X (N, n_in) -> (N, n_out); a 1-D x gives (n_out,).

        Large or integer (uint8) inputs are processed EVAL_CHUNK rows at a time,
        each chunk converted to float64 (times ``scale``) on its own.
        """
        X = np.asarray(X)
        if X.ndim == 1:
            return self.feedforward(X[None, :], scale)[0]
        outputs = []
        for _k, Xc in self._chunks(X, scale):
            outputs.append(self._forward(Xc)[0][-1])
            del Xc  # before the next chunk is made (see ``_chunks``)
        return np.concatenate(outputs) if outputs else np.empty((0, self.sizes[-1]))

    def _chunks(self, X: NDArray[Any], scale: float | None) -> Iterator[tuple[int, NDArray[np.float64]]]:
        """(first row, X's rows from there as float64), EVAL_CHUNK rows at a time. A caller
        drops its references to a chunk (and its activations) before asking for the next:
        else two chunks' float64 live at once, and in Pyodide a WebAssembly memory keeps such
        a peak for the whole session. (Not ``zip(range(...), chunks)``: zip keeps its last
        tuple, so the previous chunk, until the next one is made.)"""
        as_batch(X[:0], self.sizes[0])  # validate the shape once, cheaply
        for k in range(0, len(X), EVAL_CHUNK):
            yield k, as_batch(X[k : k + EVAL_CHUNK], self.sizes[0], scale)

    def forward(
        self, X: ArrayLike, scale: float | None = None
    ) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
        """Every layer of one forward pass over the batch X (N, n_in):
        ``(activations, zs)`` with activations = [A^0 = X, A^1, ..., A^L] and
        zs = [Z^1, ..., Z^L], each (N, n_l). What a page draws neuron by neuron."""
        return self._forward(as_batch(X, self.sizes[0], scale))

    def evaluate(self, X: ArrayLike, y: ArrayLike, scale: float | None = None) -> tuple[float, float]:
        """(mean cost C_0, accuracy) on (X, y) from one chunked forward pass: the
        numbers ``total_cost`` (without L2) and ``accuracy`` give, at the price of
        one pass instead of two. NaN, NaN once the weights are not finite."""
        y = self.check_labels(y)
        X = np.asarray(X)
        data_set(X, y)
        if not self.is_finite():
            return math.nan, math.nan
        total, right = 0.0, 0
        with np.errstate(all="ignore"):
            for k, Xc in self._chunks(X, scale):
                activations, zs = self._forward(Xc)
                yc = y[k : k + EVAL_CHUNK]
                total += self._cost.fn(activations[-1], self.targets(yc), zs[-1]) * len(Xc)
                right += int(np.sum(self._classes(activations[-1]) == yc))
                del Xc, activations, zs  # before the next chunk is made (see ``_chunks``)
        return float(total / len(X)), right / len(X)

    def trace(self, x: ArrayLike, y: ArrayLike) -> dict[str, Any]:
        """Everything backpropagation computes for a batch (x, y), layer by layer,
        for a page that shows the algorithm with its real numbers:

        ``zs[l]``, ``activations[l]`` (activations[0] = x), ``deltas[l]`` = dC_x/dz
        per example (BP1 for the last layer, BP2 below it), ``nabla_b[l]`` and
        ``nabla_w[l]`` = the gradient of the mean cost (BP3, BP4: equal to
        ``backprop``), ``cost`` = the mean cost, ``examples`` = per-example
        gradients (lists of (nabla_b, nabla_w) for each row, whose mean is the
        batch gradient). A 1-D x is one example, with y its label or float target
        vector; a 2-D x is a batch, with y as for ``backprop``.
        """
        X = np.asarray(x)
        if X.ndim == 1:
            X = X[None, :]
            y = np.asarray(y)
            y = y[None] if y.ndim == 0 else y[None, :]  # a label, or a float target vector
        X = as_batch(X, self.sizes[0])
        T = self.targets(y)
        self._check_rows(X, T)
        activations, zs = self._forward(X)
        L = len(self.weights)
        deltas: list[Any] = [None] * L  # each layer's delta, filled from the last layer down
        deltas[-1] = self._cost.delta(zs[-1], activations[-1], T, self._output)
        for l in range(L - 1, 0, -1):
            deltas[l - 1] = self._hidden.backward(
                zs[l - 1], activations[l], linalg.backward(deltas[l], self.weights[l])
            )
        N = len(X)
        nabla_b = [d.sum(axis=0) / N for d in deltas]
        nabla_w = [linalg.gradient(d, a) / N for d, a in zip(deltas, activations[:-1])]
        examples = [
            ([d[i].copy() for d in deltas], [np.outer(d[i], a[i]) for d, a in zip(deltas, activations[:-1])])
            for i in range(N)
        ]
        return {
            "activations": activations,
            "zs": zs,
            "deltas": deltas,
            "targets": T,
            "nabla_b": nabla_b,
            "nabla_w": nabla_w,
            "examples": examples,
            "cost": float(self._cost.fn(activations[-1], T, zs[-1])),
        }

    def _classes(self, A: NDArray[np.float64]) -> NDArray[np.intp]:
        """Predicted classes from output activations A (N, n_out)."""
        if self.sizes[-1] == 1:
            return (A[:, 0] > 0.5).astype(np.intp)
        return np.argmax(A, axis=1)

    def _forward(self, X: NDArray[np.float64]) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
        """All activations [A^0=X, A^1, ..., A^L] and weighted inputs [Z^1, ..., Z^L]."""
        activations, zs = [X], []
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = linalg.forward(activations[-1], w)
            z += b
            zs.append(z)
            activations.append(self._layer_activation(l)(z))
        return activations, zs

    # ---------------------------------------------------------------- targets

    def check_labels(self, y: ArrayLike) -> NDArray[Any]:
        """y as an array after checking it holds class indices 0..n_out-1
        (0 or 1 for a single output neuron)."""
        return class_labels(y, max(self.sizes[-1], 2))  # one output neuron separates two classes, 0 and 1

    def targets(self, y: ArrayLike) -> NDArray[np.float64]:
        """Target matrix (N, n_out) from labels y (N,): one-hot rows, or y itself
        as a column for a single-output network. A float (N, n_out) array is
        taken as the targets unchanged."""
        y = np.asarray(y)
        n_out = self.sizes[-1]
        if y.ndim == 2 and y.shape[1] == n_out and np.issubdtype(y.dtype, np.floating):
            if not np.all(np.isfinite(y)):
                raise ValueError("targets must be finite")
            return y.astype(np.float64)
        y = self.check_labels(y)
        if n_out == 1:
            return y.astype(np.float64)[:, None]
        T = np.zeros((len(y), n_out))
        T[np.arange(len(y)), y.astype(np.intp)] = 1.0
        return T

    def _check_rows(self, X: NDArray[np.float64], T: NDArray[np.float64]) -> None:
        if len(X) != len(T):
            raise ValueError(f"X has {len(X)} examples but y has {len(T)}")
        if len(X) == 0:
            raise ValueError("empty batch: X and y have no examples")

    # ---------------------------------------------------------------- backprop

    def backprop(self, X: ArrayLike, y: ArrayLike) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
        """(nabla_b, nabla_w): the gradient of the mean cost (1/N) sum_x C_x over
        the batch X (N, n_in), with labels y (N,) or a float target matrix
        (N, n_out). Lists shaped like ``biases`` and ``weights``; no L2 term."""
        X = as_batch(X, self.sizes[0])
        T = self.targets(y)
        self._check_rows(X, T)
        sum_b, sum_w, _ = self._backprop(X, T)
        N = len(X)
        return [nb / N for nb in sum_b], [nw / N for nw in sum_w]

    def _backprop(
        self, X: NDArray[np.float64], T: NDArray[np.float64]
    ) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]], float]:
        """Vectorised backprop: the gradients *summed* over the batch (callers
        divide by N, or fold 1/N into eta), and the batch's mean cost (from the
        forward pass it needs anyway, so a page can plot it for free)."""
        activations, zs = self._forward(X)
        cost = self._cost.fn(activations[-1], T, zs[-1])
        L = len(self.weights)
        sum_b: list[Any] = [None] * L  # filled from the last layer down
        sum_w: list[Any] = [None] * L
        # BP1: the output error, one row per example.
        delta = self._cost.delta(zs[-1], activations[-1], T, self._output)
        for l in range(L - 1, -1, -1):
            sum_b[l] = delta.sum(axis=0)  # BP3, summed over the batch
            sum_w[l] = linalg.gradient(delta, activations[l])  # BP4: sum_x delta_x a_x^T
            if l > 0:  # BP2: error of the layer below
                delta = self._hidden.backward(zs[l - 1], activations[l], linalg.backward(delta, self.weights[l]))
        return sum_b, sum_w, cost

    def update_mini_batch(
        self,
        X: ArrayLike,
        y: ArrayLike,
        eta: float,
        lmbda: float = 0.0,
        n: int | None = None,
        scale: float | None = None,
    ) -> float:
        """One gradient-descent step on the mini-batch (X, y) with learning rate
        eta and L2 weight decay (network2.py):

            w -> (1 - eta lmbda / n) w - eta dC_0/dw,    b -> b - eta dC_0/db

        where dC_0 is the mean-cost gradient from ``backprop`` and n the size
        of the whole training set (default: the batch size). Returns the
        batch's mean cost before the step (without the L2 term)."""
        eta = real_number(eta, "eta", 0.0, allow_low=False)
        lmbda = real_number(lmbda, "lmbda")
        X = as_batch(X, self.sizes[0], scale)
        T = self.targets(y)
        self._check_rows(X, T)
        n = len(X) if n is None else positive_int(n, "n")
        return self._step(X, T, eta, lmbda, n)

    def _step(self, X: NDArray[np.float64], T: NDArray[np.float64], eta: float, lmbda: float, n: int) -> float:
        sum_b, sum_w, cost = self._backprop(X, T)
        rate = eta / len(X)  # eta times the mean gradient = (eta / N) times the sum
        decay = 1.0 - eta * lmbda / n
        # In place: each numpy call costs far more than its arithmetic in the page.
        for w, sw in zip(self.weights, sum_w):
            if decay != 1.0:
                w *= decay
            sw *= rate
            w -= sw
        for b, sb in zip(self.biases, sum_b):
            sb *= rate
            b -= sb
        return cost

    # --------------------------------------------------------------- evaluate

    def predict(self, X: ArrayLike, scale: float | None = None) -> NDArray[np.intp]:
        """Predicted class indices (N,): the most active output neuron, or for a
        single output neuron 1 if a > 0.5 (nearer the target 1 than 0) else 0."""
        A = self.feedforward(X, scale)
        if A.ndim == 1:
            return self.predict(np.asarray(X)[None, :], scale)[0]
        return self._classes(A)

    def accuracy(self, X: NDArray[Any] | Sequence[Any], y: ArrayLike, scale: float | None = None) -> float:
        """Fraction of examples in (X, y) classified correctly, in [0, 1]."""
        y = self.check_labels(y)
        data_set(X, y)
        return float(np.mean(self.predict(X, scale) == y))

    def total_cost(self, X: ArrayLike, y: ArrayLike, lmbda: float = 0.0, scale: float | None = None) -> float:
        """(1/N) sum_x C_x + (lmbda / 2N) sum_w w^2 over the data set (X, y)."""
        lmbda = real_number(lmbda, "lmbda")
        X = np.asarray(X)
        y = np.asarray(y)
        data_set(X, y)
        total = 0.0
        for k, Xc in self._chunks(X, scale):
            activations, zs = self._forward(Xc)
            T = self.targets(y[k : k + EVAL_CHUNK])
            total += self._cost.fn(activations[-1], T, zs[-1]) * len(Xc)  # undo the chunk mean
            del Xc, activations, zs  # before the next chunk is made (see ``_chunks``)
        l2 = 0.5 * (lmbda / len(X)) * sum(float(np.sum(w * w)) for w in self.weights)
        return total / len(X) + l2

    def is_finite(self) -> bool:
        """False once any weight or bias is inf or NaN (training has diverged)."""
        return all_finite(self.weights + self.biases)
