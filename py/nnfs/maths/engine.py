"""The one training engine: a network, its trainer, evaluation sets and stop rules.

Every lab that trains (the Playground, Digits, and the labs after them) runs a
``Session``: it trains in time slices (``run(budget)``) so a caller can draw
between them, records the curves once per epoch, and ends the run with a
``Stop`` that says why in words and what to try:

* the limits the learner set: ``max_epochs`` ('epochs'), a target accuracy on
  one evaluation set ('target'), or an epoch asked for by ``until_epoch``
  ('goal': a Step button; the run may go on after it);
* problems, from which the run cannot usefully go on ('nan', 'exploded',
  'dead', 'climbing', 'chance'; see ``diagnose`` and ``Session._judge``), and
  'code': a trainer raised ``TrainingError`` (the learner's own code failed).

``Stop``, ``TrainingError``, ``diagnose``, ``advice`` and the rules' thresholds
are ``nnfs.maths.stops``' (every trainer and lab shares them); this module is
the session that trains and applies them.

The result after E epochs does not depend on how the time was sliced: the
trainer draws its own shuffles from its seeded Generator, and an epoch's
bookkeeping runs exactly at its end whatever the budget (a test checks it).
The same code runs in CPython, on the page, and in the page's training worker.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from nnfs.maths.learner import Learner
from nnfs.maths.pacing import ChunkPlanner
from nnfs.maths.sgd import Trainer
from nnfs.maths.stops import (
    CHANCE_EPOCHS,
    CHANCE_RISE,
    CHANCE_SLACK,
    CLIMB_EPOCHS,
    CLIMB_FACTOR,
    CLIMB_MARGIN,
    DIAGNOSE_ROWS,
    Stop,
    TrainingError,
    advice,
    diagnose,
)

L = TypeVar("L", bound=Learner)  # the kind of network a session trains


class Session(Generic[L]):
    """One training run: ``network`` trained by ``trainer``, scored on ``eval_sets``.

    ``eval_sets`` maps a name to (X, y), e.g. {"train": ..., "test": ...}; after
    every epoch (and once before training, epoch 0) each set's mean cost C_0
    (without the L2 term) and accuracy are recorded in ``history`` as
    ``NAME_loss`` and ``NAME_acc``, beside ``epoch``, ``seconds`` (training time
    so far) and ``minibatch_loss`` (the mean cost of the epoch's mini-batches,
    as each was before its update; NaN for epoch 0). ``eval_rows`` scores only
    the first rows of each set (None: all of them).

    Stop rules: ``max_epochs``, ``target`` (a fraction) on ``target_set``, and
    the problems of ``diagnose`` and ``_judge``.
    """

    def __init__(
        self,
        network: L,
        trainer: Trainer[L],
        eval_sets: dict[str, tuple[NDArray[Any], NDArray[Any]]] | None = None,
        *,
        scale: float | None = None,
        eval_rows: int | None = None,
        max_epochs: int | None = None,
        target: float | None = None,
        target_set: str = "test",
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.network = network
        self.trainer = trainer
        self.eval_sets = dict(eval_sets or {})
        self.scale = scale
        self.eval_rows = eval_rows
        self.max_epochs = max_epochs
        self.target = target or None
        self.target_set = target_set
        self.clock = clock
        self.history: dict[str, list[Any]] = {"epoch": [], "seconds": [], "minibatch_loss": []}
        for name in self.eval_sets:
            self.history[f"{name}_loss"] = []
            self.history[f"{name}_acc"] = []
        self.stop: Stop | None = None  # set once the run has ended
        self.train_seconds = 0.0  # time spent training in run()
        self.planner = ChunkPlanner()  # mini-batches per trainer call
        self._epoch_costs: list[float] = []
        self._chance = self._chance_level()
        self._record(math.nan)
        # A dead layer at the start is worth saying before anyone presses Train.
        self.stop = diagnose(network, self._sample(), self._loss_now(), 0, self._sample_scale())

    # ------------------------------------------------------------- reading

    @property
    def epoch(self) -> int:
        """Epochs completed."""
        return self.trainer.epoch

    @property
    def progress(self) -> float:
        """Fraction of the current epoch done, in [0, 1)."""
        return self.trainer.progress

    def latest(self, key: str) -> Any:
        return self.history[key][-1]

    def evaluate(self, name: str) -> tuple[float, float]:
        """(mean cost, accuracy) of the weights held now on the set ``name``,
        e.g. after a Stop in the middle of an epoch."""
        X, y = self.eval_sets[name]
        if self.eval_rows is not None:
            X, y = X[: self.eval_rows], y[: self.eval_rows]
        return self.network.evaluate(X, y, self.scale)

    def describe_position(self) -> str:
        """Where the weights are: 'epoch 2', or 'epoch 2 + 42 % of epoch 3'."""
        done = self.trainer.batches_done
        if done == 0:
            return f"epoch {self.epoch}"
        pct = 100 * done / self.trainer.batches_per_epoch
        return f"epoch {self.epoch} + {pct:.0f} % of epoch {self.epoch + 1}"

    # ------------------------------------------------------------- setting

    def set_rates(self, eta: float, lmbda: float) -> None:
        """Change η and λ between steps (they take effect at the next mini-batch)."""
        self.trainer.eta, self.trainer.lmbda = float(eta), float(lmbda)

    def resume(
        self,
        parameters: list[NDArray[np.float64]],
        epoch: int,
        batches_done: int,
        history: dict[str, list[Any]],
        train_seconds: float,
    ) -> None:
        """Go on with a run that was saved part way (its page was reloaded): this new session,
        built from the same settings and seeds, takes the saved ``parameters`` (every weight
        matrix, then every bias vector, in layer order), curves and training time, and its
        trainer replays the shuffles up to ``epoch`` and ``batches_done`` (``Trainer.fast_forward``).
        Saved at an epoch's end, the run then goes on exactly as if it had never stopped;
        saved mid-epoch, only that epoch's mean mini-batch cost counts the batches after the
        resumption. ValueError when what was saved does not fit this session."""
        arrays = self.network.weights + self.network.biases
        if len(parameters) != len(arrays) or any(p.shape != a.shape for p, a in zip(parameters, arrays)):
            raise ValueError(f"the saved weights do not fit a network of sizes {list(self.network.sizes)}")
        if set(history) != set(self.history):
            raise ValueError(f"the saved curves are {sorted(history)}, this run keeps {sorted(self.history)}")
        lengths = {len(v) for v in history.values()}
        if len(lengths) != 1 or not history["epoch"] or history["epoch"][-1] != epoch:
            raise ValueError(f"the saved curves do not end at epoch {epoch}")
        if not (math.isfinite(train_seconds) and train_seconds >= 0):
            raise ValueError(f"the training time must be a finite number >= 0, got {train_seconds!r}")
        self.trainer.fast_forward(epoch, batches_done)  # first: it checks epoch and batches_done
        for a, p in zip(arrays, parameters):
            a[...] = p
        self.history = {k: [math.nan if v is None else v for v in values] for k, values in history.items()}
        self.train_seconds = float(train_seconds)
        self._epoch_costs = []
        self.stop = diagnose(self.network, self._sample(), self._loss_now(), self.epoch, self._sample_scale())

    # ------------------------------------------------------------- training

    def run(self, budget: float = 0.03, until_epoch: int | None = None) -> Stop | None:
        """Train for about ``budget`` seconds (at least one mini-batch).

        Returns a Stop when the run should end or pause: a problem or a limit
        (then ``self.stop`` keeps it), or 'goal' when epoch ``until_epoch`` is
        reached (training may go on after it). None: the time is up.
        """
        if self.stop is not None:
            if self.stop.problem:
                return self.stop
            # A limit was reached: the one that holds now (the limits may have changed
            # since, e.g. a target set after the epoch limit), or none: go on.
            self.stop = self._limit_reached()
            if self.stop is not None:
                return self.stop
        if until_epoch is not None and self.epoch >= until_epoch:
            return Stop("goal", f"Reached epoch {self.epoch}.")
        start = began = self.clock()  # start: of the training time not yet counted; began: of the call
        self.planner.target = budget
        trainer = self.trainer
        try:
            while True:
                # As many mini-batches as fit the budget, never past the end of an epoch
                # (its bookkeeping below must run exactly there).
                n = self.planner.next_size(trainer.batches_per_epoch - trainer.batches_done)
                t0 = self.clock()
                try:
                    costs = trainer.step(n)
                except TrainingError as exc:
                    self.stop = exc.stop
                    return self.stop
                self.planner.record(n, self.clock() - t0)
                self._epoch_costs.extend(costs)
                if not trainer.is_finite():
                    epoch = self.epoch + (trainer.batches_done > 0)
                    self.stop = diagnose(self.network, None, trainer.last_cost, epoch)
                    return self.stop
                if trainer.batches_done == 0:  # an epoch just ended
                    self.train_seconds += self.clock() - start
                    start = self.clock()
                    self._record(float(np.mean(self._epoch_costs)))
                    self._epoch_costs = []
                    self.stop = (
                        diagnose(self.network, self._sample(), self._loss_now(), self.epoch, self._sample_scale())
                        or self._judge()
                        or self._limit_reached()
                    )
                    if self.stop is not None:
                        return self.stop
                    if until_epoch is not None and self.epoch >= until_epoch:
                        return Stop("goal", f"Reached epoch {self.epoch}.")
                # The budget is the call's: epochs shorter than it must not restart it (a
                # call would then run to the epoch limit and the page wait for it).
                if self.clock() - began >= budget:
                    return None
        finally:
            self.train_seconds += self.clock() - start

    # ------------------------------------------------------------- internals

    def _record(self, minibatch_loss: float) -> None:
        h = self.history
        h["epoch"].append(self.epoch)
        h["seconds"].append(self.train_seconds)
        h["minibatch_loss"].append(minibatch_loss)
        for name in self.eval_sets:
            loss, acc = self.evaluate(name)
            h[f"{name}_loss"].append(loss)
            h[f"{name}_acc"].append(acc)

    def _loss_key(self) -> str | None:
        """The curve the divergence rules watch: the training set's, else the first set's."""
        if "train" in self.eval_sets:
            return "train_loss"
        return f"{next(iter(self.eval_sets))}_loss" if self.eval_sets else None

    def _loss_now(self) -> float:
        key = self._loss_key()
        if key is not None:
            return self.latest(key)
        return self.trainer.last_cost if self.trainer.last_cost is not None else 0.0

    def _sample(self) -> NDArray[Any]:
        return self.trainer.X[:DIAGNOSE_ROWS]

    def _sample_scale(self) -> float | None:
        return self.trainer.scale

    def _chance_level(self) -> float:
        """The accuracy of always answering the commonest class of the training set."""
        counts = np.bincount(self.trainer.y.astype(np.intp))
        return float(counts.max() / counts.sum())

    def _judge(self) -> Stop | None:
        """Problems that only the curves show (called at the end of an epoch):

        * 'climbing': the training loss is more than 10x (plus 1) where it
          started, two epochs in a row: the steps are too large and make it worse;
        * 'chance': the accuracy on the training data fell back to what always
          answering the commonest class scores, for 3 epochs in a row after
          having been 10 points above it, while the training cost made no
          progress (its lowest in those epochs is no lower than before them):
          a collapse; or the run reached its epoch limit at that level. A slow
          start at chance (XOR often sits there for a dozen epochs before it
          breaks its symmetry) is not one, nor is a network still finding its
          way (circles at η = 1 swings between 38 % and 69 % for a few epochs
          while its cost keeps falling, then learns to 100 %).
        """
        key = self._loss_key()
        if key is None:
            return None
        losses = self.history[key]
        first = losses[0]
        recent = losses[-CLIMB_EPOCHS:]
        if (
            len(losses) > CLIMB_EPOCHS
            and math.isfinite(first)
            and all(v > CLIMB_FACTOR * first + CLIMB_MARGIN for v in recent)
        ):
            return Stop(
                "climbing",
                f"Training diverged: after epoch {self.epoch} the cost is "
                f"{recent[-1]:.3g}, far above the {first:.3g} it started at, "
                "and it kept climbing. The steps are so large that each one "
                "lands further up the slope.",
                advice(self.network),
            )
        accs = self.history[key.replace("_loss", "_acc")][1:]
        window = accs[-CHANCE_EPOCHS:]
        was_better = any(a > self._chance + CHANCE_RISE for a in accs[:-CHANCE_EPOCHS])
        at_chance = len(window) == CHANCE_EPOCHS and all(a <= self._chance + CHANCE_SLACK for a in window)
        earlier = [v for v in losses[:-CHANCE_EPOCHS] if math.isfinite(v)]
        stalled = not earlier or min(losses[-CHANCE_EPOCHS:]) >= min(earlier)
        finished = self.max_epochs is not None and self.epoch >= self.max_epochs
        ended_there = finished and bool(accs) and accs[-1] <= self._chance + CHANCE_SLACK
        if (at_chance and was_better and stalled) or ended_there:
            how = "fell back to" if was_better else "never rose above"
            return Stop(
                "chance",
                f"Training got nowhere: at epoch {self.epoch} the network is right "
                f"on {accs[-1]:.1%} of the training data, which is what always giving "
                f"the commonest answer scores ({self._chance:.1%}); it {how} that "
                "level. The network has collapsed to (nearly) the same answer for "
                "every input.",
                (
                    "Try a smaller learning rate η, the scaled initialisation, or another seed, then start again."
                    if was_better
                    else "Give it more epochs if it was only slow to start (XOR sits at chance for "
                    "a dozen epochs before it breaks its symmetry); otherwise try a smaller "
                    "learning rate η, the scaled initialisation, or another seed."
                ),
            )
        return None

    def _limit_reached(self) -> Stop | None:
        if self.target is not None and self.target_set in self.eval_sets:
            acc = self.latest(f"{self.target_set}_acc")
            if acc >= self.target:
                return Stop("target", f"Reached {acc:.1%} {self.target_set} accuracy at epoch {self.epoch}.")
        if self.max_epochs is not None and self.epoch >= self.max_epochs:
            return Stop("epochs", f"Finished {self.epoch} epochs.")
        return None
