"""Why a training run stops: the ``Stop`` it ends with, and the diagnosis of a run gone wrong.

A run of the engine (``nnfs.maths.engine.Session``) ends with a ``Stop``: its
``kind``, what happened in words, and what to try. This module holds what every
trainer and lab shares about that ending, apart from the session that trains:

* ``Stop`` and its kinds: the limits ('epochs', 'target', 'goal') and the
  problems (``Stop.PROBLEMS``), from which the run cannot usefully go on;
* ``TrainingError``: how a trainer (e.g. one running the learner's own code)
  ends the run with a Stop of its own ('code');
* ``diagnose``: the problems the network's state alone shows ('nan',
  'exploded', 'dead'), and ``advice``: what to try after a divergence;
* the thresholds of those rules and of the ones only the curves show
  ('climbing', 'chance': ``Session._judge``, which reads the session's history).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnfs.maths.learner import Learner

EXPLODED = 1e6  # |weight| above this: training has blown up
CLIMB_FACTOR = 10.0  # a training loss this many times its start (plus CLIMB_MARGIN) has diverged
CLIMB_MARGIN = 1.0
CLIMB_EPOCHS = 2  # ... for this many epochs in a row (one spike can recover)
CHANCE_EPOCHS = 3  # back at chance accuracy this many epochs in a row: a collapse
CHANCE_SLACK = 0.02  # "at chance": accuracy <= the majority-class share + this
CHANCE_RISE = 0.10  # ... after having been this far above it
DIAGNOSE_ROWS = 1000  # rows of the training set used to look for dead ReLU layers


def advice(network: Learner) -> str:
    """What to try after a divergence. Bounded activations are suggested only to a
    network that does not already use one (a sigmoid run is not told to try sigmoid)."""
    if network.activation in ("sigmoid", "tanh"):
        return "Try a smaller learning rate η (say a tenth of it), then start again."
    return (
        "Try a smaller learning rate η (say a tenth of it), or sigmoid/tanh, whose outputs "
        "stay between −1 and 1, then start again."
    )


@dataclass(frozen=True)
class Stop:
    """Why a run stopped: ``kind`` (see the module docstring), ``text`` in words
    for the page, and ``advice``: what to try (empty when nothing went wrong)."""

    kind: str
    text: str
    advice: str = ""

    # 'code': the learner's own training code raised or answered nonsense (nnfs.labs.exercises.learner_trainer);
    # 'hung': it did not answer in time and the page stopped the worker (app.runs.worker_client).
    PROBLEMS = ("nan", "exploded", "dead", "climbing", "chance", "code", "hung")

    @property
    def problem(self) -> bool:
        return self.kind in self.PROBLEMS

    @property
    def message(self) -> str:
        """Text and advice, as one paragraph."""
        return f"{self.text} {self.advice}".strip()


class TrainingError(Exception):
    """A trainer could not take its step (e.g. the learner's own sgd_step raised):
    ``stop`` says why, and the session ends with it like any other problem."""

    def __init__(self, stop: Stop):
        super().__init__(stop.text)
        self.stop = stop


def largest_weight(network: Learner) -> float:
    """The largest |weight| or |bias| of the network."""
    return max(
        max(float(np.max(np.abs(w))) for w in network.weights), max(float(np.max(np.abs(b))) for b in network.biases)
    )


def diagnose(
    network: Learner, X_sample: ArrayLike | None, cost: float | None, epoch: int, scale: float | None = None
) -> Stop | None:
    """A Stop if the network's state alone says training cannot usefully go on:

    * 'nan': the cost or a weight is NaN or infinite (it overflowed);
    * 'exploded': some |weight| or |bias| is above 1e6: every step overshoots
      and makes them bigger (they would overflow a little later);
    * 'dead': every ReLU of a hidden layer outputs 0 on every example of
      ``X_sample``. No error then reaches the layers before it (ReLU'(z) = 0)
      and the layer passes nothing forward, so the network cannot recover.
    """
    if not network.is_finite() or cost is None or not math.isfinite(cost):
        if cost is not None and math.isnan(cost):
            what = "the cost became NaN (not a number)"
        elif cost is not None and math.isinf(cost):
            what = "the cost became infinite"
        else:
            what = "the weights overflowed"
        return Stop(
            "nan",
            f"Training diverged in epoch {epoch}: {what}. Each step overshot "
            "and made the weights larger, until the numbers no longer fit in "
            "a float.",
            advice(network),
        )
    biggest = largest_weight(network)
    if biggest > EXPLODED:
        return Stop(
            "exploded",
            f"Training diverged in epoch {epoch}: a weight reached "
            f"{biggest:.3g} (we stop above 10⁶). Each step overshoots the "
            "minimum and lands further away, so the weights keep growing.",
            advice(network),
        )
    if network.activation == "relu" and len(network.sizes) > 2 and X_sample is not None:
        with np.errstate(all="ignore"):
            activations, _ = network.forward(np.asarray(X_sample)[:DIAGNOSE_ROWS], scale)
        for l, a in enumerate(activations[1:-1], start=1):
            if not np.any(a > 0):
                when = (
                    "already at the start (try another seed or more neurons)" if epoch == 0 else f"after epoch {epoch}"
                )
                return Stop(
                    "dead",
                    f"Training stopped: every ReLU neuron in hidden layer {l} "
                    f"outputs 0 for every training example, {when}. Their "
                    "gradient is then 0 too, so nothing before them can learn "
                    "any more (“dead ReLUs”, usually from a too-large η pushing "
                    "biases far below 0).",
                    advice(network),
                )
    return None
