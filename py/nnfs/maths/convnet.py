"""A convolutional network as the book's ``network3.py`` builds one: conv-pool layers, fully
connected layers and a softmax output, trained by mini-batch SGD on the log-likelihood cost.

Layers are declared, then the net is built from an image shape and a seed::

    net = ConvNet((1, 28, 28), [ConvPoolLayer(20, 5), FullyConnectedLayer(100), SoftmaxLayer(10)], seed=0)

* ``ConvPoolLayer(filters, size, pool, activation)``: as ``network3.ConvPoolLayer``, a valid
  convolution (no bias), max-pooling, then the activation of pooled value + the filter's bias.
* ``FullyConnectedLayer(neurons, activation, dropout)`` and ``SoftmaxLayer(classes, dropout)``:
  with dropout p, training multiplies the layer's inputs by a fresh 0/1 mask (each kept with
  probability 1 - p) and use scales them by 1 - p instead, as the book's code does.
* Initial weights N(0, 1/n_out) (n_out: the outputs one input reaches, the filter's area times
  the filters over the pool's area for a conv layer), biases N(0, 1); the softmax layer starts
  at zero. All from one seeded Generator.

Every layer works on the whole mini-batch at once (``nnfs.maths.conv``; ``linalg`` for the
products), and ``backprop`` returns the gradient of the mean cost over the batch.

A ConvNet is a ``nnfs.maths.learner.Learner``: the one ``Trainer`` and the one engine
(``nnfs.maths.engine.Session``: stop rules, evaluation sets, time slices) train it as they
train a fully connected ``Network``. Inputs arrive as rows of pixels (e.g. 784 uint8 values
times ``scale``), as for the other networks; the dropout masks come from the net's own
seeded Generator, so the same seeds give the same run however it is sliced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths import conv, linalg
from nnfs.maths.activations import get_activation, log_softmax
from nnfs.maths.checks import all_finite, class_labels, data_set
from nnfs.maths.network import as_batch
from nnfs.maths.rng import Seed, make_rng

Array = NDArray[np.float64]

# Scoring goes in chunks of this many images: a conv layer's patches take C k k floats per
# output position (a two-conv-pool net: ~0.4 MB per image), so 1,000 images at once (as
# ``Network`` scores) would hold ~0.4 GB; 100 hold ~40 MB and are as fast per image.
EVAL_CHUNK = 100


@dataclass(frozen=True)
class ConvPoolLayer:
    filters: int
    size: int = 5
    pool: int = 2
    activation: str = "sigmoid"


@dataclass(frozen=True)
class FullyConnectedLayer:
    neurons: int
    activation: str = "sigmoid"
    dropout: float = 0.0


@dataclass(frozen=True)
class SoftmaxLayer:
    classes: int = 10
    dropout: float = 0.0


Layer = ConvPoolLayer | FullyConnectedLayer | SoftmaxLayer


class ConvNet:
    """Layers, their weights and biases (``weights[l]``, ``biases[l]``), and the shapes between them."""

    def __init__(self, image_shape: tuple[int, int, int], layers: list[Layer], seed: Seed = None) -> None:
        if not layers or not isinstance(layers[-1], SoftmaxLayer):
            raise ValueError("a ConvNet ends with a SoftmaxLayer")
        rng = make_rng(seed)
        self.layers = list(layers)
        self.shapes: list[tuple[int, ...]] = [tuple(image_shape)]  # the input of each layer, then the output
        self.weights: list[Array] = []
        self.biases: list[Array] = []
        for i, layer in enumerate(layers):
            shape = self.shapes[-1]
            if isinstance(layer, ConvPoolLayer):
                if len(shape) != 3:
                    raise ValueError(f"layer {i + 1}: a conv-pool layer needs images (C, H, W), not {shape}")
                c, h, w = shape
                k, p = layer.size, layer.pool
                if k > h or k > w or (h - k + 1) < p or (w - k + 1) < p:
                    raise ValueError(f"layer {i + 1}: {k} x {k} filters pooled {p} x {p} do not fit {h} x {w} images")
                n_out = layer.filters * k * k / (p * p)
                self.weights.append(rng.normal(0.0, np.sqrt(1.0 / n_out), (layer.filters, c, k, k)))
                self.biases.append(rng.normal(0.0, 1.0, layer.filters))
                self.shapes.append((layer.filters, (h - k + 1) // p, (w - k + 1) // p))
            else:
                n_in = int(np.prod(shape))
                n = layer.neurons if isinstance(layer, FullyConnectedLayer) else layer.classes
                if isinstance(layer, SoftmaxLayer) and i != len(layers) - 1:
                    raise ValueError(f"layer {i + 1}: the softmax layer is the last one")
                if isinstance(layer, SoftmaxLayer):
                    self.weights.append(np.zeros((n, n_in)))
                    self.biases.append(np.zeros(n))
                else:
                    self.weights.append(rng.normal(0.0, np.sqrt(1.0 / n), (n, n_in)))
                    self.biases.append(rng.normal(0.0, 1.0, n))
                self.shapes.append((n,))
        # The Learner interface: sizes as neurons per layer, the hidden activation, a dropout stream.
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        hidden = [layer.activation for layer in layers if not isinstance(layer, SoftmaxLayer)]
        self.activation = hidden[0] if hidden else "softmax"
        self.dropout_rng = np.random.default_rng(int(rng.integers(2**63)))
        self.meta: dict[str, Any] = {}  # free-form, saved with the model (as ``Network.meta``)

    # ------------------------------------------------------------------ forward

    def _forward(self, X: Array, masks: list[Array | None] | None) -> tuple[Array, list[dict[str, Any]]]:
        """The log-probabilities of each class, and what each layer keeps for backprop.
        ``masks``: the dropout masks of a training pass (None: use, with scaled inputs)."""
        A: Array = np.asarray(X, dtype=np.float64).reshape((len(X), *self.shapes[0]))
        caches: list[dict[str, Any]] = []
        for l, layer in enumerate(self.layers):
            W, b = self.weights[l], self.biases[l]
            if isinstance(layer, ConvPoolLayer):
                Z = conv.conv_forward(A, W, np.zeros(len(b)))
                P, which = conv.pool_forward(Z, layer.pool)
                f = get_activation(layer.activation)
                out = f(P + b[None, :, None, None])
                caches.append({"A": A, "Z": Z, "P": P + b[None, :, None, None], "which": which, "out": out})
            else:
                A_in: Array = A.reshape(len(A), -1)
                mask = masks[l] if masks is not None else None
                if layer.dropout:
                    A_in = A_in * mask if mask is not None else A_in * (1.0 - layer.dropout)
                Z = linalg.forward(A_in, W) + b
                if isinstance(layer, SoftmaxLayer):
                    out = log_softmax(Z)
                else:
                    out = get_activation(layer.activation)(Z)
                caches.append({"A": A, "A_in": A_in, "Z": Z, "mask": mask, "out": out})
            A = out
        return A, caches

    def feedforward(self, X: ArrayLike, scale: float | None = None) -> Array:
        """The probability of each class, (N, classes): the net in use (dropout scaled, no
        masks), ``EVAL_CHUNK`` images at a time (X times ``scale``, when given)."""
        X = np.asarray(X)
        parts = [
            np.exp(self._forward(as_batch(X[k : k + EVAL_CHUNK], self.sizes[0], scale), None)[0])
            for k in range(0, len(X), EVAL_CHUNK)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, self.sizes[-1]))

    def predict(self, X: ArrayLike, scale: float | None = None) -> NDArray[np.intp]:
        """The class each image of X is read as (X times ``scale``, when given)."""
        return np.argmax(self.feedforward(X, scale), axis=1)

    def look(self, x: ArrayLike, scale: float | None = None) -> list[dict[str, Array]]:
        """What each layer makes of one image x (its pixels, times ``scale`` when given): for a
        conv-pool layer ``{"conv": (F, Ho, Wo), "pool": (F, Hp, Wp)}`` (the feature maps after
        the convolution, as activation(z + b), and after max-pooling: max-pooling commutes with
        a rising activation, so "pool" is the layer's output); for the others ``{"out": (n,)}``
        (the softmax layer's: the probabilities)."""
        A = as_batch(np.asarray(x).reshape(1, -1), self.sizes[0], scale)
        logp, caches = self._forward(A, None)
        seen: list[dict[str, Array]] = []
        for layer, cache, b in zip(self.layers, caches, self.biases):
            if isinstance(layer, ConvPoolLayer):
                conv_map = get_activation(layer.activation)(cache["Z"][0] + b[:, None, None])
                seen.append({"conv": conv_map, "pool": cache["out"][0]})
            elif isinstance(layer, SoftmaxLayer):
                seen.append({"out": np.exp(logp[0])})
            else:
                seen.append({"out": cache["out"][0]})
        return seen

    def accuracy(self, X: Any, y: ArrayLike, scale: float | None = None) -> float:
        """Fraction of (X, y) classified right (X times ``scale``, when given)."""
        return self.evaluate(X, y, scale)[1]

    def dropout_masks(self, n: int, rng: np.random.Generator) -> list[Array | None]:
        """One training pass's masks: each input of a dropout layer kept with probability 1 - p."""
        masks: list[Array | None] = []
        for l, layer in enumerate(self.layers):
            p = getattr(layer, "dropout", 0.0)
            size = int(np.prod(self.shapes[l]))
            masks.append((rng.random((n, size)) >= p).astype(np.float64) if p else None)
        return masks

    # ----------------------------------------------------------------- backward

    def backprop(
        self, X: Array, y: NDArray[Any], masks: list[Array | None] | None = None
    ) -> tuple[float, list[Array], list[Array]]:
        """(mean log-likelihood cost, dC/dW per layer, dC/db per layer) for the batch (X, y)."""
        y = np.asarray(y, dtype=np.intp)
        logp, caches = self._forward(X, masks)
        n = len(y)
        cost = float(-logp[np.arange(n), y].mean())
        grad_w: list[Array] = [np.empty(0)] * len(self.layers)
        grad_b: list[Array] = [np.empty(0)] * len(self.layers)
        dZ = np.exp(logp)
        dZ[np.arange(n), y] -= 1.0
        dZ /= n  # dC/dz of the softmax layer for the mean cost
        dA: Array | None = None
        for l in range(len(self.layers) - 1, -1, -1):
            layer, cache, W = self.layers[l], caches[l], self.weights[l]
            if isinstance(layer, ConvPoolLayer):
                assert dA is not None
                dA4 = dA.reshape(cache["out"].shape)
                dP = get_activation(layer.activation).backward(cache["P"], cache["out"], dA4)
                grad_b[l] = dP.sum(axis=(0, 2, 3))
                dZc = conv.pool_backward(dP, cache["which"], cache["Z"].shape, layer.pool)
                dA, grad_w[l], _ = conv.conv_backward(cache["A"], W, dZc)
                continue
            if not isinstance(layer, SoftmaxLayer):
                assert dA is not None
                dZ = get_activation(layer.activation).backward(cache["Z"], cache["out"], dA.reshape(cache["Z"].shape))
            grad_w[l] = linalg.gradient(dZ, cache["A_in"])
            grad_b[l] = dZ.sum(axis=0)
            dA_in = linalg.backward(dZ, W)
            if layer.dropout:
                dA_in = dA_in * cache["mask"] if cache["mask"] is not None else dA_in * (1.0 - layer.dropout)
            dA = dA_in.reshape(cache["A"].shape)
        return cost, grad_w, grad_b

    def step(self, X: Array, y: NDArray[Any], eta: float, lmbda: float, n: int, rng: np.random.Generator) -> float:
        """One SGD step on a mini-batch of m with L2 regularisation over a training set of n, as
        ``network3.py`` adds it: the penalty (lmbda / 2) sum(w^2) divided by the number of
        mini-batches n / m, so w -> (1 - eta lmbda m / n) w - eta dC/dw, b -> b - eta dC/db.
        (``Network`` follows ``network2.py``: 1 - eta lmbda / n. The book's lmbda = 0.1 for its
        conv nets is, per step, lmbda = 1.0 in network2's terms for mini-batches of 10.)
        Its cost before the step."""
        cost, grad_w, grad_b = self.backprop(X, y, self.dropout_masks(len(y), rng))
        decay = 1.0 - eta * lmbda * len(y) / n
        for W, b, gw, gb in zip(self.weights, self.biases, grad_w, grad_b):
            W *= decay
            W -= eta * gw
            b -= eta * gb
        return cost

    # ------------------------------------------------- the Learner interface

    def check_labels(self, y: ArrayLike) -> NDArray[Any]:
        return class_labels(y, self.sizes[-1])

    def targets(self, y: ArrayLike) -> NDArray[np.float64]:
        """One-hot rows of labels y (a ConvNet learns classes, not real-valued targets)."""
        return np.eye(self.sizes[-1])[self.check_labels(y).astype(np.intp)]

    def _step(self, X: Array, T: Array, eta: float, lmbda: float, n: int) -> float:
        """The trainer's step: T holds one-hot target rows (``Trainer``'s), read back as labels."""
        return self.step(X, np.argmax(T, axis=1), eta, lmbda, n, self.dropout_rng)

    def forward(self, X: ArrayLike, scale: float | None = None) -> tuple[list[Array], list[Array]]:
        """Every layer's output, one row per example (as ``Network.forward``; zs: the layers'
        inputs to their activation), for the engine's look at dead ReLU layers; in chunks of
        ``EVAL_CHUNK`` images (its 1,000-image sample at once held ~0.5 GB of patches)."""
        A = as_batch(X, self.sizes[0], scale)
        parts_out: list[list[Array]] = []
        parts_z: list[list[Array]] = []
        for k in range(0, max(len(A), 1), EVAL_CHUNK):  # a conv layer's patches, a chunk at a time
            chunk = A[k : k + EVAL_CHUNK]
            logp, caches = self._forward(chunk, None)
            parts_out.append([chunk] + [c["out"].reshape(len(chunk), -1) for c in caches[:-1]] + [np.exp(logp)])
            parts_z.append([c["P"].reshape(len(chunk), -1) if "P" in c else c["Z"] for c in caches])
        outs = [np.concatenate(layer) for layer in zip(*parts_out)]
        zs = [np.concatenate(layer) for layer in zip(*parts_z)]
        return outs, zs

    def evaluate(self, X: ArrayLike, y: ArrayLike, scale: float | None = None) -> tuple[float, float]:
        """(mean log-likelihood cost, accuracy) on (X, y), in chunks of ``EVAL_CHUNK`` images so a
        big uint8 set is never made float64 all at once, nor its patches (as ``Network.evaluate``).
        NaN, NaN once the weights are not finite."""
        y = self.check_labels(y).astype(np.intp)
        X = np.asarray(X)
        data_set(X, y)
        if not self.is_finite():
            return float("nan"), float("nan")
        total, right = 0.0, 0
        for k in range(0, len(X), EVAL_CHUNK):
            A, yc = as_batch(X[k : k + EVAL_CHUNK], self.sizes[0], scale), y[k : k + EVAL_CHUNK]
            with np.errstate(all="ignore"):  # weights on their way to inf: the cost says so
                logp = self._forward(A, None)[0]
            total -= float(logp[np.arange(len(A)), yc].sum())
            right += int(np.sum(np.argmax(logp, axis=1) == yc))
        return total / len(X), right / len(X)

    def floats_per_image(self) -> int:
        """About how many float64 one image takes in a training pass (every layer's input,
        patches, outputs and their gradients): what a mini-batch costs in memory."""
        total = 0
        for l, layer in enumerate(self.layers):
            shape_in, shape_out = self.shapes[l], self.shapes[l + 1]
            if isinstance(layer, ConvPoolLayer):
                c, h, w = shape_in
                ho, wo = h - layer.size + 1, w - layer.size + 1
                conv_out = layer.filters * ho * wo
                # patches (twice: forward and the gradient's), Z, the pooled blocks, dX
                total += 2 * c * layer.size**2 * ho * wo + 3 * conv_out + 2 * int(np.prod(shape_in))
            else:
                total += 3 * int(np.prod(shape_in)) + 3 * int(np.prod(shape_out))
        return total

    def parameters(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def is_finite(self) -> bool:
        return all_finite(self.weights + self.biases)
