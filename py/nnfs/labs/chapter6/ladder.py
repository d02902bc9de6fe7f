"""The book's ladder of chapter 6 networks, each with the book's settings and figure.

Nielsen, *Neural Networks and Deep Learning*, chapter 6, "Convolutional neural networks in
practice" (the code: ``src/network3.py`` and ``src/conv.py``): every rung is trained by
``network3.SGD`` on mini-batches of 10 with the log-likelihood cost; the figure is the test
accuracy "at the training epoch where we get the best classification accuracy on the
validation_data", the best of three runs, after 60 epochs (40 for the dropout net), on a GPU
or for days on a CPU. λ is network3's (the penalty divided by the number of mini-batches;
``nnfs.maths.convnet.ConvNet.step``). The text says λ = 0.01 for the ReLU net, its code
``lmbda=0.1``; the code's value is used, as the issue and ``conv.py`` have it.

A rung here is the same architecture and learning settings; the page trains it for the
epochs and on the training images the learner chooses (``PAGE_RATE``: a default sized so
an epoch takes about a minute in the page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nnfs.maths.convnet import ConvNet, ConvPoolLayer, FullyConnectedLayer, Layer, SoftmaxLayer
from nnfs.maths.rng import Seed

IMAGE_SHAPE = (1, 28, 28)
BOOK_MINI_BATCH = 10


@dataclass(frozen=True)
class Rung:
    key: str
    title: str
    layers: tuple[Layer, ...]
    eta: float
    lmbda: float
    expanded: bool  # trained on the book's expanded set (each image and its four 1-pixel shifts)
    book_epochs: int
    book_accuracy: float  # the test accuracy the book reports
    book_says: str  # the sentence the figure comes from

    def build(self, seed: Seed = 0) -> ConvNet:
        return ConvNet(IMAGE_SHAPE, list(self.layers), seed=seed)


def _relu_convs() -> tuple[Layer, ...]:
    return (ConvPoolLayer(20, 5, 2, "relu"), ConvPoolLayer(40, 5, 2, "relu"))


LADDER: dict[str, Rung] = {
    r.key: r
    for r in (
        Rung(
            "fc",
            "Fully connected baseline: 100 sigmoid neurons, softmax",
            (FullyConnectedLayer(100), SoftmaxLayer(10)),
            0.1,
            0.0,
            False,
            60,
            0.9780,
            "I obtained a best classification accuracy of 97.80 percent.",
        ),
        Rung(
            "conv1",
            "One conv-pool layer: 20 filters 5×5, max-pool 2×2, then 100 sigmoid neurons",
            (ConvPoolLayer(20, 5, 2), FullyConnectedLayer(100), SoftmaxLayer(10)),
            0.1,
            0.0,
            False,
            60,
            0.9878,
            "That gets us to 98.78 percent accuracy.",
        ),
        Rung(
            "conv2",
            "Two conv-pool layers: 20 then 40 filters 5×5, then 100 sigmoid neurons",
            (ConvPoolLayer(20, 5, 2), ConvPoolLayer(40, 5, 2), FullyConnectedLayer(100), SoftmaxLayer(10)),
            0.1,
            0.0,
            False,
            60,
            0.9906,
            "we're now at 99.06 percent classification accuracy!",
        ),
        Rung(
            "relu",
            "Rectified linear units, η = 0.03, λ = 0.1",
            (*_relu_convs(), FullyConnectedLayer(100, "relu"), SoftmaxLayer(10)),
            0.03,
            0.1,
            False,
            60,
            0.9923,
            "I obtained a classification accuracy of 99.23 percent.",
        ),
        Rung(
            "expanded",
            "ReLU net on the training images expanded by one-pixel shifts (×5)",
            (*_relu_convs(), FullyConnectedLayer(100, "relu"), SoftmaxLayer(10)),
            0.03,
            0.1,
            True,
            60,
            0.9937,
            # (the book says "training accuracy" here; by its procedure it is the test figure, as for the others)
            "Using the expanded training data I obtained a 99.37 percent training accuracy.",
        ),
        Rung(
            "dropout",
            "Dropout (p = 0.5) on two fully connected layers of 1,000 ReLU neurons, expanded data",
            (
                *_relu_convs(),
                FullyConnectedLayer(1000, "relu", 0.5),
                FullyConnectedLayer(1000, "relu", 0.5),
                SoftmaxLayer(10, 0.5),
            ),
            0.03,
            0.0,
            True,
            40,
            0.9960,
            "Using this, we obtain an accuracy of 99.60 percent.",
        ),
    )
}

# Training images per second of each rung in the page's training worker (mini-batches of 10,
# measured by bench/chapter6.py, training each rung in the lab, on this project's 2-core machine): the default
# number of training images is what trains in about a minute.
PAGE_RATE = {"fc": 6000.0, "conv1": 750.0, "conv2": 365.0, "relu": 375.0, "expanded": 380.0, "dropout": 180.0}
EPOCH_SECONDS = 60.0


def default_images(key: str) -> int:
    """Training images (before any expansion) an epoch of rung ``key`` goes through in about
    ``EPOCH_SECONDS`` in the page, rounded to a thousand (the expanded rungs see 5 per image)."""
    rung = LADDER[key]
    per_image = 5 if rung.expanded else 1
    images = PAGE_RATE[key] * EPOCH_SECONDS / per_image
    return int(min(50_000, max(1000, round(images / 1000) * 1000)))


def best_by_rung(records: Iterable[Any]) -> dict[str, tuple[float, int, int]]:
    """Per rung, the kept run with the best last test accuracy: (accuracy, epochs, training
    images). ``records``: ``nnfs.runs.history.RunRecord``s of the Chapter 6 lab."""
    best: dict[str, tuple[float, int, int]] = {}
    for r in records:
        key = str(r.settings.get("rung", ""))
        acc = r.last("test_acc")
        if key in LADDER and acc == acc and (key not in best or acc > best[key][0]):
            best[key] = (acc, r.epochs, int(float(r.settings.get("images", 0))))
    return best
