"""Training with the learner's own ``backprop`` and ``sgd_step`` ("Write it yourself", exercises 8 and 9).

Once both exercises pass, the Playground can train with the learner's code
instead of the core's: the training worker receives the two code texts with
the session's spec (``nnfs.runs.remote.Sessions.start``), runs them here in a fresh
namespace (``nnfs.labs.exercises.learner_code``), and the session's trainer becomes a
``LearnerTrainer``: the core's ``Trainer`` (same shuffles from the same seed,
same mini-batches, same bookkeeping) whose one gradient-descent step per
mini-batch is the learner's ``sgd_step(weights, biases, x, y, eta)``, which
calls their ``backprop``. Built on the reference solutions it gives the core's
weights to rounding (a unit test compares them).

What the learner's code covers is what the exercises asked for: sigmoid
neurons, the quadratic cost, no L2 term (``coverage`` says what to change
otherwise). Their exception ends the run (``nnfs.maths.stops.TrainingError``) with a
traceback of their lines only; a step that never ends is the page's to notice
(it terminates the worker: app.runs.worker_client).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.labs.exercises import catalogue as exercises
from nnfs.labs.exercises.learner_code import learner_traceback, run_code
from nnfs.maths.sgd import Trainer
from nnfs.maths.stops import Stop, TrainingError
from nnfs.runs import remote

BACKPROP_FILE = "<your backprop>"
SGD_FILE = "<your sgd_step>"
FUNCTIONS = ("backprop", "sgd_step")  # the code a spec carries, by function name
ADVICE = (
    "Fix it in exercises 8 and 9 (Write it yourself) and check it again, or switch "
    "“Train with my backprop and sgd_step” off to train with the core's code."
)

Arrays = list[NDArray[np.float64]]
SgdStep = Callable[..., Any]


def coverage(act: str, cost: str, l2: float) -> str:
    """ "" if the learner's code can train with these settings; else what to change, in words.

    The exercises' backprop is for sigmoid neurons and the quadratic cost, and
    their sgd_step has no weight decay."""
    wrong = []
    if act != "sigmoid":
        wrong.append(f"activation to sigmoid (it is {act})")
    if cost != "quadratic":
        wrong.append(f"cost to quadratic (it is {cost})")
    if l2 != 0:
        wrong.append(f"L2 λ to 0 (it is {l2:g})")
    if not wrong:
        return ""
    return "Your code is for sigmoid neurons, quadratic cost, no L2: set " + ", ".join(wrong) + "."


def load(code: Mapping[str, str]) -> tuple[SgdStep, dict[str, str]]:
    """The learner's ``sgd_step`` (calling their ``backprop``) from ``{"backprop": text,
    "sgd_step": text}``, and the sources for tracebacks. Raises ValueError with the
    learner's traceback if their code fails to run or does not define the functions."""
    missing = [name for name in FUNCTIONS if not isinstance(code.get(name), str)]
    if missing:
        raise ValueError(f"the code of {', '.join(missing)} is missing")
    sources = {BACKPROP_FILE: code["backprop"], SGD_FILE: code["sgd_step"]}
    # backprop with what its exercise gave (sigmoid, sigmoid_prime); then sgd_step with
    # what its exercise gave, except that the backprop it calls is the learner's own.
    ran = run_code(code["backprop"], exercises.given("backprop"), BACKPROP_FILE)
    backprop = ran.namespace.get("backprop")
    if ran.error or not callable(backprop):
        raise ValueError("Your backprop could not be loaded:\n\n" + (ran.error or "it defines no backprop function"))
    given = exercises.given("sgd")
    given["backprop"] = backprop
    ran = run_code(code["sgd_step"], given, SGD_FILE)
    sgd_step = ran.namespace.get("sgd_step")
    if ran.error or not callable(sgd_step):
        raise ValueError("Your sgd_step could not be loaded:\n\n" + (ran.error or "it defines no sgd_step function"))
    return sgd_step, sources


def _shaped(value: Any, like: Arrays, what: str) -> Arrays:
    """``value`` as a list of float arrays shaped like ``like``, or a sentence saying how it is not."""
    if not isinstance(value, (list, tuple)) or len(value) != len(like):
        raise ValueError(f"the new {what} should be a list of {len(like)} arrays, got {type(value).__name__}")
    out = []
    for l, (v, ref) in enumerate(zip(value, like)):
        a = np.asarray(v, dtype=np.float64)
        if a.shape != ref.shape:
            raise ValueError(f"the new {what}[{l}] has shape {a.shape}, expected {ref.shape}")
        out.append(a)
    return out


class LearnerTrainer(Trainer):
    """The core's Trainer whose per-mini-batch step is the learner's ``sgd_step``.

    Made from a core Trainer (``wrapping``) so that it goes on exactly where
    that one is: its shuffle Generator, epoch and position. ``learner_steps`` counts the
    learner's steps (the worker reports it: proof that their code ran)."""

    sgd_step: SgdStep
    sources: dict[str, str]
    learner_steps: int
    printed: io.StringIO

    @classmethod
    def wrapping(cls, trainer: Trainer, sgd_step: SgdStep, sources: dict[str, str]) -> LearnerTrainer:
        new = cls.__new__(cls)
        new.__dict__.update(trainer.__dict__)
        new.sgd_step, new.sources, new.learner_steps = sgd_step, sources, 0
        new.printed = io.StringIO()
        return new

    def step(self, n_batches: int = 1) -> list[float]:
        # What their code prints goes nowhere: a print per mini-batch would flood the
        # worker's console thousands of times a second.
        self.printed = io.StringIO()
        with contextlib.redirect_stdout(self.printed):
            return super().step(n_batches)

    def _update(self, X: NDArray[np.float64], T: NDArray[np.float64]) -> float:
        net = self.network
        if self.lmbda:  # λ can change mid-run (set_rates); their sgd_step has no weight decay
            raise TrainingError(Stop("code", coverage("sigmoid", "quadratic", self.lmbda), ""))
        # The batch's cost before the step, for the curves and the divergence checks:
        # measured by the core (a forward pass), the step itself is the learner's.
        activations, zs = net._forward(X)
        cost = float(net._cost.fn(activations[-1], T, zs[-1]))
        weights = [w.copy() for w in net.weights]  # theirs to change: the network's stay intact on a failure
        biases = [b.copy() for b in net.biases]
        where = f"mini-batch {self.batches_done + 1} of epoch {self.epoch + 1}"
        try:
            answer = self.sgd_step(weights, biases, X, T, self.eta)
        except Exception as exc:  # noqa: BLE001 - shown to the learner
            text = f"Your code raised an exception while training ({where}).\n\n" + learner_traceback(exc, self.sources)
            raise TrainingError(Stop("code", text, ADVICE)) from None
        try:
            if not isinstance(answer, (list, tuple)) or len(answer) != 2:
                raise ValueError(f"it returned {type(answer).__name__}, not the pair (weights, biases)")
            new_w = _shaped(answer[0], net.weights, "weights")
            new_b = _shaped(answer[1], net.biases, "biases")
        except ValueError as exc:
            raise TrainingError(
                Stop("code", f"Your sgd_step's answer in {where} cannot be used: {exc}.", ADVICE)
            ) from None
        for mine, theirs in zip(net.weights + net.biases, new_w + new_b):
            mine[...] = theirs
        self.learner_steps += 1
        return cost


def use(session: Any, code: Mapping[str, str]) -> None:
    """Make ``session`` (a Playground session) train with the learner's code.

    Raises ValueError when its settings are ones their code does not cover, or
    their code does not load (the page shows the message)."""
    config = session.config
    reason = coverage(config.act, config.cost, config.l2)
    if reason:
        raise ValueError(reason)
    sgd_step, sources = load(code)
    session.trainer = LearnerTrainer.wrapping(session.trainer, sgd_step, sources)


# The Playground's spec may carry the learner's code: their backprop and sgd_step then train it.
remote.register_option("playground", "code", use)
