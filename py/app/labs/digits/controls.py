"""Digits lab training: the buttons that train (Train, Pause, Stop) and the run state they show.

The run itself is ``app.labs.digits.run``'s: it trains in the training worker on the
engine, a call at a time, through the lab base's ``RunLoop`` (the one run
controller of every lab), and shows what comes back. Here: one ``Run`` per Train
(its settings, its state, its loop), and that state shown: ``#dg-run``
data-state, which also locks the form (``app.labs.digits.form``) and marks the lab's
link in the navigation while a run is busy. The state is the ``Run``'s, held by
the lab's state object (``state.run``); the page only shows it. Pause and Stop take
effect at the click: the loop stops asking the worker for more training, so
nothing has to wait. ``#dg-run`` data-pause-latency-ms and data-stop-latency-ms
say how long a click waited for the page's thread.
"""

from __future__ import annotations

import asyncio

import js

from app.labs.digits import form, view
from app.labs.digits import history as digits_history
from app.labs.digits import run as digits_run
from app.labs.digits.state import BUSY_RUN_STATES, lab, message, state
from app.runs import in_progress
from app.shell.runloop import RunLoop
from app.ui.dom import by_id, on, set_text
from nnfs.runs.in_progress import SavedRun
from nnfs.settings.training import TrainingConfig


def setup() -> None:
    """Bind the training form's buttons and show the first preset (no data is loaded until Train).
    The settings' controls are the lab base's (``lab.build()``, from the table)."""
    lab.on_change = lambda name, _value: name != "image" and form.settings_changed()
    on("dg-preset", "change", form.apply_preset)
    on("dg-train", "click", _train_clicked)
    on("dg-pause", "click", _pause_clicked)
    on("dg-stop", "click", _stop_clicked)
    form.settings_changed()
    _show_run_state("idle")
    view.draw_curves(state.canvases["curves"], state.records, int(lab["epochs"]))


class Run:
    """One training run: its settings, its state ("loading", "training", "scoring", "paused",
    "stopped", "done"; "idle" when it could not start) and, once the worker's session has
    started, the ``RunLoop`` that asks the worker for training (``app.labs.digits.run``)."""

    def __init__(self, config: TrainingConfig, resume: SavedRun | None = None):
        self.config = config
        self.resume = resume  # a run saved in the browser that this one goes on with (after a reload)
        self.history_id = resume.run_id if resume is not None else None  # its record in "Your runs"
        self.state = ""  # nothing yet: train() says "loading" first
        self.loop: RunLoop | None = None
        self.ended = asyncio.Event()  # the loop asks for no more: done, stopped or failed

    @property
    def stopped(self) -> bool:
        return self.state == "stopped"

    @property
    def paused(self) -> bool:
        return self.state == "paused"

    def set_state(self, run_state: str) -> None:
        """The run's state, shown if this run is still the lab's (a stopped run may still be
        finishing its last call while a newer one has started)."""
        if run_state == self.state:
            return  # the loop says "training" after every call: the page is already in step
        self.state = run_state
        if state.run is self:
            _show_run_state(run_state)

    def loop_changed(self) -> None:
        """The loop's ``on_change``: it ran out of work (the worker stopped it, or a step
        failed), or Stop ended it; Pause is no end."""
        loop = self.loop
        if loop is not None and (loop.done or (not loop.running and not self.paused)):
            self.ended.set()


def _show_run_state(run_state: str) -> None:
    state.els["run"].setAttribute("data-state", run_state)
    busy = run_state in BUSY_RUN_STATES
    in_progress.busy("digits", busy)  # leaving the page asks first while a run is busy
    # Training goes on while another lab is shown: its link in the navigation says so.
    link = state.els["nav"]
    if busy:
        link.setAttribute("data-run", "paused" if run_state == "paused" else "training")
        link.title = "Digits: a network is " + ("paused" if run_state == "paused" else "training")
    else:
        link.removeAttribute("data-run")
        link.removeAttribute("title")
    by_id("dg-train").disabled = busy
    by_id("dg-pause").disabled = run_state not in ("training", "paused", "scoring")
    by_id("dg-stop").disabled = not busy
    by_id("dg-config").disabled = busy
    by_id("dg-preset").disabled = busy  # a preset rewrites the settings locked above
    pause = by_id("dg-pause")
    pause.setAttribute("aria-pressed", "true" if run_state == "paused" else "false")
    pause.textContent = "Resume" if run_state == "paused" else "Pause"


async def _train_clicked(_event) -> None:
    if state.training():
        return
    try:
        config = form.config()
    except ValueError as e:
        message("dg-train-message", str(e), "bad")
        return
    digits_history.keeper.start()  # a new run: an interrupted one on offer is given up (it stays in Your runs)
    await start(config)


async def start(config: TrainingConfig, resume: SavedRun | None = None) -> None:
    """Train a run of ``config`` (``resume``: going on from a run saved before a reload)."""
    run = Run(config, resume)
    state.run = run
    message("dg-train-message", "")
    try:
        await digits_run.train(run)
    finally:
        if state.run is run and run.state in BUSY_RUN_STATES:
            run.set_state("stopped")


def _pause_clicked(event) -> None:
    run = state.run
    if run is None or run.loop is None or not state.training():
        return
    # How long the click waited for the chunk of training running when it came (in the page's clock).
    waited = float(js.performance.now()) - float(event.timeStamp)
    state.els["run"].setAttribute("data-pause-latency-ms", f"{waited:.1f}")
    if run.paused:
        run.set_state("training")
        run.loop.play()
    else:
        run.set_state("paused")  # first: the loop's on_change then knows this is a pause
        run.loop.pause()
        set_text("dg-train-text", by_id("dg-train-text").textContent.split(" — ")[0] + " — paused")


def _stop_clicked(event) -> None:
    run = state.run
    if run is None or run.stopped:
        return
    waited = float(js.performance.now()) - float(event.timeStamp)
    state.els["run"].setAttribute("data-stop-latency-ms", f"{waited:.1f}")
    loading = run.state == "loading"
    # The run is over now: the page asks the worker for no more training (a call under way
    # ends by itself, and app.labs.digits.run then scores the weights held).
    run.set_state("stopped")
    if run.loop is not None:
        run.loop.stop()
    if loading:
        set_text("dg-train-text", "Stopped before training began (the images keep downloading for the next run).")
