"""What the trainer and the training engine need of a network: the ``Learner`` protocol.

``nnfs.maths.network.Network`` (fully connected) and ``nnfs.maths.convnet.ConvNet`` both
are one, so one ``Trainer`` and one ``Session`` (stop rules, evaluation sets, time slices
in the worker) train either: there is no second training loop.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray


class Learner(Protocol):
    sizes: list[int]  # neurons per layer, inputs first (a layer of images counts its pixels)
    activation: str  # the hidden layers' activation (the stop rules' advice reads it)
    weights: list[NDArray[np.float64]]
    biases: list[NDArray[np.float64]]

    def check_labels(self, y: ArrayLike) -> NDArray[Any]: ...

    def targets(self, y: ArrayLike) -> NDArray[np.float64]: ...

    def _step(self, X: NDArray[np.float64], T: NDArray[np.float64], eta: float, lmbda: float, n: int) -> float:
        """One SGD step on the mini-batch (inputs X, target rows T); its mean cost before the step."""
        ...

    def evaluate(self, X: ArrayLike, y: ArrayLike, scale: float | None = None) -> tuple[float, float]: ...

    def forward(
        self, X: ArrayLike, scale: float | None = None
    ) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]: ...

    def accuracy(self, X: Any, y: ArrayLike, scale: float | None = None) -> float: ...

    def predict(self, X: ArrayLike, scale: float | None = None) -> NDArray[np.intp]: ...

    def is_finite(self) -> bool: ...
