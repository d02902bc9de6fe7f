"""The Playground's "Train with my backprop and sgd_step" toggle (issue 13, "Write it yourself").

Once the learner's backprop (exercise 8) and sgd_step (exercise 9) have passed
their checks, the Playground can train with them: the code texts go with the
session's spec to the training worker, which runs them there
(``nnfs.labs.exercises.learner_trainer``); the page's thread never runs them. The toggle is
off and disabled, with the reason beside it, until both pass, while the
settings are ones their code does not cover (sigmoid + quadratic cost, no L2:
the note says what to change), and when there is no training worker (their
code would run on the page's thread, where an endless loop would freeze it).

A call that runs their code answers within ``HANG_SECONDS`` or the worker is
terminated and restarted (app.runs.worker_client), and the run stops saying so.
"""

from __future__ import annotations

from app.runs import worker_client as training
from app.shell import progress
from app.ui.dom import by_id, on, set_html, set_text
from nnfs.labs.exercises import learner_trainer
from nnfs.labs.playground.config import Config

USE = "sgd_step"  # the "use my code" flag in the learner's progress (app.shell.progress)
HANG_SECONDS = 8.0  # a slice takes ~20 ms; a loaded machine may add a few seconds, an endless loop forever


def passed() -> bool:
    return progress.passed_code("backprop") is not None and progress.passed_code("sgd_step") is not None


def why_not(config: Config) -> str:
    """ "" if the toggle may be switched on; else why not, in words."""
    if not passed():
        return "Pass exercises 8 and 9 (Write it yourself) first."
    if training.client.state == "failed":
        return "Only in the training worker, which could not start here."
    return learner_trainer.coverage(config.act, config.cost, config.l2)


def code_for(config: Config) -> dict | None:
    """The learner's code for a session of ``config`` while the toggle is on and allowed, else None."""
    if not progress.using(USE) or why_not(config):
        return None
    return {"backprop": progress.passed_code("backprop"), "sgd_step": progress.passed_code("sgd_step")}


def show(config: Config, mirror=None) -> None:
    """The toggle's state and note; ``mirror``: the run shown (whether it trains with their code)."""
    reason = why_not(config)
    on = progress.using(USE) and not reason
    button = by_id("pg-mine")
    button.disabled = bool(reason)
    button.setAttribute("aria-pressed", "true" if on else "false")
    if reason:
        note = reason
    elif on:
        steps = getattr(mirror, "learner_steps", None)
        done = f" Your sgd_step has taken {steps} steps in this run." if steps else ""
        note = "On: your code trains this network." + done
    else:
        note = "Your code passed its checks."
    if not passed():  # the same words, with a link to the exercises
        set_html(
            "pg-mine-note", note.replace("exercises 8 and 9", '<a href="#exercises/backprop">exercises 8 and 9</a>')
        )
    else:
        set_text("pg-mine-note", note)
    by_id("pg-stats").dataset.mine = "true" if on else "false"
    steps = getattr(mirror, "learner_steps", None)
    by_id("pg-stats").dataset.learnerSteps = "" if steps is None else str(steps)


def status_suffix(mirror) -> str:
    """Said after "Training to epoch N…" when the run is the learner's."""
    return " Training with your code: your backprop and sgd_step." if getattr(mirror, "code", None) else ""


def hung_text() -> str:
    return (
        f"Your code did not answer for {HANG_SECONDS:g} s (an endless loop?), so the training worker was "
        "stopped and a fresh one started. Fix it in exercises 8 and 9, or switch “Train with my backprop "
        "and sgd_step” off."
    )


def _click(_event) -> None:
    progress.set_use(USE, not progress.using(USE))  # app.shell.progress tells its listeners: on_change


def setup(on_change) -> None:
    """Bind the toggle; ``on_change()``: the lab rebuilds its run when the toggle or a pass changes."""
    on("pg-mine", "click", _click)
    progress.listeners.append(on_change)
