"""Digits lab training: the settings form and its buttons (Train, Pause, Stop).

The form's controls are built and bound by the lab base (``app.shell.lab``) from the
lab's settings table (``digits_layout.SETTINGS``): the same names, labels,
limits and help as the Playground's, read from and written to the link
(``#digits/l2=5&layers=100&epochs=3``). A preset sets several of them at once;
``nnfs.labs.digits.config_from_values`` turns them into a TrainingConfig.

The run itself is ``digits_run``'s: it trains in the training worker on the
engine and shows what comes back. Here: the form (#dg-config, #dg-preset),
one ``Run`` per Train (its pause/stop flags, read by digits_run between
calls), and the run state in ``#dg-run`` data-state, which also locks the form
and marks the lab's link in the navigation while a run is busy. Pause and Stop
take effect at the click: the page stops asking the worker for more training,
so nothing has to wait. ``#dg-run`` data-pause-latency-ms and
data-stop-latency-ms say how long a click waited for the page's thread.
"""

from __future__ import annotations

import asyncio
import time

import js

from app.labs.digits import run as digits_run
from app.labs.digits import view
from app.labs.digits.state import BUSY_RUN_STATES, lab, message, state
from app.ui.dom import by_id, on, set_text
from nnfs.labs.digits import PRESETS, matching_preset, preset_values
from nnfs.settings.training import TrainingConfig, config_from_values


def setup() -> None:
    """Bind the training form's buttons and show the first preset (no data is loaded until Train).
    The settings' controls are the lab base's (``lab.build()``, from the table)."""
    lab.on_change = lambda name, _value: name != "image" and settings_changed()
    on("dg-preset", "change", _apply_preset)
    on("dg-train", "click", _train_clicked)
    on("dg-pause", "click", _pause_clicked)
    on("dg-stop", "click", _stop_clicked)
    settings_changed()
    _set_run_state("idle")
    view.draw_curves(state.canvases["curves"], state.records, int(lab["epochs"]))


class Run:
    """One training run's controls: the loop checks these between chunks."""

    def __init__(self, config: TrainingConfig):
        self.config = config
        self.paused = False
        self.stopped = False
        self.resume = asyncio.Event()
        self.resume.set()
        self.paused_seconds = 0.0
        self.scoring_seconds: float | None = None  # how long the last scoring after an epoch took

    async def gate(self) -> None:
        """Wait here while paused; the time spent waiting is not training time."""
        if self.paused:
            t0 = time.perf_counter()
            await self.resume.wait()
            self.paused_seconds += time.perf_counter() - t0

    def set_state(self, run_state: str) -> None:
        """The lab's run state, if this run is still the lab's (a stopped run may still be
        finishing its last call while a newer one has started)."""
        if state.run is self:
            _set_run_state(run_state)


def _set_run_state(run_state: str) -> None:
    if state.els["run"].getAttribute("data-state") == run_state:
        return  # the loop says "training" after every call: the page is already in step
    state.els["run"].setAttribute("data-state", run_state)
    busy = run_state in ("loading", "training", "paused", "scoring")
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


def _config() -> TrainingConfig:
    return config_from_values(lab.values)


def _apply_preset(_event=None) -> None:
    name = str(by_id("dg-preset").value)
    if name in PRESETS:
        lab.set(**preset_values(name))
        settings_changed()


def settings_changed() -> None:
    """Show which preset the settings match (editing a field turns the preset into 'custom')."""
    try:
        config = _config()
    except ValueError as e:
        set_text("dg-config-summary", str(e))
        return
    by_id("dg-preset").value = matching_preset(config)
    set_text("dg-config-summary", config.describe())


async def _train_clicked(_event) -> None:
    if state.training():
        return
    try:
        config = _config()
    except ValueError as e:
        message("dg-train-message", str(e), "bad")
        return
    run = Run(config)
    state.run = run
    message("dg-train-message", "")
    try:
        await digits_run.train(run)
    finally:
        if state.run is run and state.els["run"].getAttribute("data-state") in BUSY_RUN_STATES:
            run.set_state("stopped")


def _pause_clicked(event) -> None:
    run = state.run
    if run is None or not state.training():
        return
    # How long the click waited for the chunk of training running when it came (in the page's clock).
    waited = float(js.performance.now()) - float(event.timeStamp)
    state.els["run"].setAttribute("data-pause-latency-ms", f"{waited:.1f}")
    run.paused = not run.paused
    if run.paused:
        run.resume.clear()
        _set_run_state("paused")
        set_text("dg-train-text", by_id("dg-train-text").textContent.split(" — ")[0] + " — paused")
    else:
        run.resume.set()
        _set_run_state("training")


def _stop_clicked(event) -> None:
    run = state.run
    if run is None or run.stopped:
        return
    waited = float(js.performance.now()) - float(event.timeStamp)
    state.els["run"].setAttribute("data-stop-latency-ms", f"{waited:.1f}")
    loading = state.els["run"].getAttribute("data-state") == "loading"
    run.stopped = True
    run.paused = False
    run.resume.set()
    # The run is over now: the page asks the worker for no more training (a call under way
    # ends by itself, and digits_run then scores the weights held).
    run.set_state("stopped")
    if loading:
        set_text("dg-train-text", "Stopped before training began (the images keep downloading for the next run).")
