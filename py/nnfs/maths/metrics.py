"""How well a classifier does: its accuracy, its confusion matrix, its mistakes.

Measures of a trained network's answers against the labels, shared by every lab
that scores a classifier (the Digits lab's results panel uses all of them), and
``CostMeter``, the mean of the mini-batch costs over an epoch. Plain numpy: the
labels and predictions are class indices 0..n_classes-1.

    >>> accuracy_of([3, 1, 4], [3, 1, 5])
    0.6666666666666666
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.data.mnist import N_CLASSES  # the default: the ten digits


def _labels_and_predictions(
    labels: ArrayLike, predictions: ArrayLike, n_classes: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    labels = np.asarray(labels).astype(np.intp, copy=False)
    predictions = np.asarray(predictions).astype(np.intp, copy=False)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(
            f"labels and predictions must be 1-D and the same length, got shapes {labels.shape} and {predictions.shape}"
        )
    for name, a in (("labels", labels), ("predictions", predictions)):
        if a.size and (a.min() < 0 or a.max() >= n_classes):
            raise ValueError(f"{name} must lie in 0..{n_classes - 1}")
    return labels, predictions


def confusion_matrix(labels: ArrayLike, predictions: ArrayLike, n_classes: int = N_CLASSES) -> NDArray[np.intp]:
    """(n_classes, n_classes) counts: row = true digit, column = the network's answer.

    The diagonal holds the correct answers; its sum over the total is the accuracy.
    """
    labels, predictions = _labels_and_predictions(labels, predictions, n_classes)
    flat = np.bincount(labels * n_classes + predictions, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)


def accuracy_of(labels: ArrayLike, predictions: ArrayLike) -> float:
    """The fraction of the examples whose prediction is their label."""
    labels = np.asarray(labels)
    if len(labels) == 0:
        raise ValueError("no examples to score")
    return float(np.mean(labels == np.asarray(predictions)))


def misclassified(labels: ArrayLike, predictions: ArrayLike, limit: int | None = None) -> NDArray[np.intp]:
    """Indices of the examples the network got wrong, in data-set order (the first ``limit``)."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(
            f"labels and predictions must be 1-D and the same length, got shapes {labels.shape} and {predictions.shape}"
        )
    wrong = np.flatnonzero(labels != predictions)
    return wrong if limit is None else wrong[:limit]


@dataclass
class CostMeter:
    """The mean of the mini-batch costs seen during the current epoch."""

    total: float = 0.0
    count: int = 0
    history: list[float] = field(default_factory=list)

    def add(self, costs: Iterable[float]) -> None:
        for c in costs:
            self.total += float(c)
            self.count += 1

    def close_epoch(self) -> float:
        mean = self.total / self.count if self.count else float("nan")
        self.history.append(mean)
        self.total, self.count = 0.0, 0
        return mean
