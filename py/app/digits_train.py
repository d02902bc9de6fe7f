"""Digits lab training: the settings form and its buttons (Train, Pause, Stop).

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

from app import digits_run
from app import digits_view as view
from app.digits_state import BUSY_RUN_STATES, message, state
from app.dom import NumberField, by_id, on, set_text
from nnfs import mnist
from nnfs.digits_training import (
    MIN_SUBSET,
    PRESETS,
    TrainingConfig,
    format_hidden_sizes,
    matching_preset,
    parse_hidden_sizes,
)


def setup() -> None:
    """Bind the training form and show the first preset (no data is loaded until Train)."""
    changed = _settings_changed
    f = state.fields
    f["eta"] = NumberField("dg-eta", "η", changed, lo=1e-6, hi=100)
    f["batch"] = NumberField("dg-batch", "mini-batch size", changed, lo=1, hi=10_000, integer=True)
    f["lmbda"] = NumberField("dg-lmbda", "λ", changed, lo=0, hi=1000)
    f["seed"] = NumberField("dg-seed", "seed", changed, lo=0, hi=2**32 - 1, integer=True)
    f["epochs"] = NumberField("dg-epochs", "epochs", changed, lo=1, hi=1000, integer=True)
    f["subset"] = NumberField("dg-subset", "training images", changed, lo=MIN_SUBSET, hi=mnist.N_TRAIN, integer=True)
    on("dg-hidden", "input", _hidden_typed)
    for select in ("dg-activation", "dg-cost", "dg-init"):
        on(select, "change", _settings_changed)
    on("dg-preset", "change", _apply_preset)
    on("dg-train", "click", _train_clicked)
    on("dg-pause", "click", _pause_clicked)
    on("dg-stop", "click", _stop_clicked)
    _apply_preset()
    _set_run_state("idle")
    view.draw_curves(state.canvases["curves"], state.records, int(f["epochs"].value))


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
    f = state.fields
    return TrainingConfig(
        hidden=state.hidden,
        activation=str(by_id("dg-activation").value),
        cost=str(by_id("dg-cost").value),
        init=str(by_id("dg-init").value),
        eta=float(f["eta"].value),
        mini_batch_size=int(f["batch"].value),
        lmbda=float(f["lmbda"].value),
        seed=int(f["seed"].value),
        epochs=int(f["epochs"].value),
        subset=int(f["subset"].value),
    )


def _apply_preset(_event=None) -> None:
    name = str(by_id("dg-preset").value)
    if name not in PRESETS:
        return
    c = PRESETS[name].config
    _set_hidden(c.hidden)
    by_id("dg-activation").value = c.activation
    by_id("dg-cost").value = c.cost
    by_id("dg-init").value = c.init
    state.fields["eta"].set(c.eta)
    state.fields["batch"].set(c.mini_batch_size)
    state.fields["lmbda"].set(c.lmbda)
    _settings_changed()


def _settings_changed(_value=None) -> None:
    """Show which preset the settings match (editing a field turns the preset into 'custom')."""
    try:
        config = _config()
    except ValueError as e:
        set_text("dg-config-summary", str(e))
        return
    by_id("dg-preset").value = matching_preset(config)
    set_text("dg-config-summary", config.describe())


def _set_hidden(hidden) -> None:
    state.hidden = tuple(hidden)
    field = by_id("dg-hidden")
    field.value = format_hidden_sizes(state.hidden)
    _hidden_error("")


def _hidden_error(text: str) -> None:
    field = by_id("dg-hidden")
    set_text("dg-hidden-error", text)
    if text:
        field.setAttribute("aria-invalid", "true")
        field.parentElement.classList.add("invalid")
    else:
        field.removeAttribute("aria-invalid")
        field.parentElement.classList.remove("invalid")


def _hidden_typed(_event) -> None:
    try:
        state.hidden = parse_hidden_sizes(str(by_id("dg-hidden").value))
    except ValueError as e:
        _hidden_error(f"{e} — keeping {format_hidden_sizes(state.hidden)}")
        return
    _hidden_error("")
    _settings_changed()


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
