"""Digits lab training: the settings form, and the loop that trains a network on MNIST in the page.

Training runs on the page's main thread as an async loop: a chunk of
mini-batches sized by ``ChunkPlanner`` to take ~30 ms, then
``await asyncio.sleep(0)`` so the browser can paint and handle clicks (Pause
is honoured between chunks). The screen is redrawn at most five times a
second. After each epoch the network is scored on the validation and test
sets (in chunks too) and a row is added to ``#dg-epoch-log``. ``#dg-run``
carries data-state, data-epoch, data-batches-done, data-progress,
data-images-per-second, data-peak-memory-bytes, data-chunk-batches,
data-ms-per-batch and data-pause-latency-ms for tests.

Interface with the rest of the lab (kept narrow on purpose: this module may be
replaced by one that trains in a Web Worker):
- digits_lab calls ``setup()`` once; it binds the form (#dg-config, #dg-preset,
  #dg-train, #dg-pause, #dg-stop) and everything else happens from those controls.
- It reads ``state.data`` (through ``digits_data.load_split``/``with_retry``/
  ``data_ready`` for the downloads), ``state.canvases["curves"]``,
  ``state.els``, ``state.active``, ``state.pretrained_accuracy``, and writes
  ``state.run``, ``state.records``, ``state.peak_memory``, ``state.hidden`` and
  the "trained" entries of ``state.models``/``state.model_names``.
- It tells the other modules what changed through ``digits_models``
  (``set_active``, ``update_using``, ``update_model_choices``,
  ``predict_async``, ``refresh_results``) and ``digits_pad.predict_drawing``.
- ``state.training()`` (in digits_state) says whether a run is busy; it
  needs ``state.run.stopped`` and ``#dg-run``'s data-state.
"""

from __future__ import annotations

import asyncio
import math
import time

import js
import numpy as np

from app import digits_data as data
from app import digits_models as models
from app import digits_pad as pad
from app import digits_view as view
from app.digits_state import message, message_is_bad, state
from app.dom import NumberField, by_id, on, set_html, set_text, spawn
from nnfs import mnist
from nnfs.digits_training import (
    MIN_SUBSET, PRESETS, ChunkPlanner, CostMeter, EpochRecord, TrainingConfig, epoch_rate,
    format_duration, format_hidden_sizes, format_megabytes, matching_preset, parse_hidden_sizes,
    run_seconds_left,
)
from nnfs.network import Trainer

REDRAW_EVERY = 0.2  # s between progress redraws while training
CHUNK_SECONDS = 0.03  # target length of one chunk of mini-batches


def setup() -> None:
    """Bind the training form and show the first preset (no data is loaded until Train)."""
    changed = _settings_changed
    f = state.fields
    f["eta"] = NumberField("dg-eta", "η", changed, lo=1e-6, hi=100)
    f["batch"] = NumberField("dg-batch", "mini-batch size", changed, lo=1, hi=10_000, integer=True)
    f["lmbda"] = NumberField("dg-lmbda", "λ", changed, lo=0, hi=1000)
    f["seed"] = NumberField("dg-seed", "seed", changed, lo=0, hi=2**32 - 1, integer=True)
    f["epochs"] = NumberField("dg-epochs", "epochs", changed, lo=1, hi=1000, integer=True)
    f["subset"] = NumberField("dg-subset", "training images", changed, lo=MIN_SUBSET, hi=mnist.N_TRAIN,
                              integer=True)
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


def _wasm_memory() -> int:
    """Bytes of WebAssembly memory the page holds now (it only grows, so this is also the peak)."""
    try:
        import pyodide_js  # the Pyodide API object, available inside Pyodide

        return int(pyodide_js._module.HEAP8.length)
    except Exception:  # noqa: BLE001 - a missing internal API just hides the figure
        return 0


def _note_memory() -> int:
    state.peak_memory = max(state.peak_memory, _wasm_memory())
    return state.peak_memory


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
        hidden=state.hidden, activation=str(by_id("dg-activation").value), cost=str(by_id("dg-cost").value),
        init=str(by_id("dg-init").value), eta=float(f["eta"].value), mini_batch_size=int(f["batch"].value),
        lmbda=float(f["lmbda"].value), seed=int(f["seed"].value), epochs=int(f["epochs"].value),
        subset=int(f["subset"].value))


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


def _show_run_progress(trainer: Trainer, run: Run, epoch_images: int, epoch_seconds: float,
                       epoch_done: bool = False) -> None:
    config = run.config
    n = trainer.n
    # At the end of an epoch the trainer has already moved on to the next (and counts this one).
    done_in_epoch = n if epoch_done else min(trainer.batches_done * trainer.mini_batch_size, n)
    left_in_epoch = n - done_in_epoch
    rate, left = epoch_rate(epoch_images, epoch_seconds, left_in_epoch)
    epochs_after = config.epochs - trainer.epoch - (0 if epoch_done else 1)
    known = not math.isnan(rate)
    run_left = run_seconds_left(rate, left_in_epoch, epochs_after, n, run.scoring_seconds)
    bar = state.els["train-progress"]
    bar.max = n
    bar.value = done_in_epoch
    memory = _note_memory()
    set_text("dg-train-text",
             f"Epoch {trainer.epoch + 1} of {config.epochs}: {done_in_epoch:,} of {n:,} images "
             f"({100 * trainer.progress:.0f} %)")
    set_text("dg-rate", f"{rate:,.0f}" if known else "–")
    set_text("dg-left", f"{format_duration(left)} (run {format_duration(run_left)})")
    set_text("dg-memory", format_megabytes(memory) if memory else "–")
    el = state.els["run"]
    el.setAttribute("data-epoch", str(trainer.epoch))
    el.setAttribute("data-batches-done", str(trainer.batches_done))
    el.setAttribute("data-progress", f"{trainer.progress:.4f}")
    el.setAttribute("data-images-per-second", f"{rate:.0f}" if known else "")
    el.setAttribute("data-peak-memory-bytes", str(memory))


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
    _set_run_state("loading")
    set_text("dg-train-text", "Loading the training and validation images…")

    async def load():
        await data.load_split("test")
        await data.load_split("train")
        await data.load_split("validation")

    loaded = await data.with_retry(load)
    if state.run is not run:
        return  # stopped while loading, and a newer run has started since
    if not loaded:
        _set_run_state("idle")
        message("dg-train-message", "Training needs the data: press Retry above, then Train.", "bad")
        return
    data.data_ready()
    if run.stopped:
        _set_run_state("stopped")
        return
    try:
        await _train(run)
    finally:
        if state.run is run and state.els["run"].getAttribute("data-state") in ("training", "paused", "scoring", "loading"):
            _set_run_state("stopped")


async def _train(run: Run) -> None:
    config = run.config
    images, labels = state.data["train"]
    X, y = images[:config.subset], labels[:config.subset]
    net = config.build_network()
    net.meta = {"trained_in": "the browser (Digits lab)", **config.meta()}
    trainer = Trainer(net, X, y, config.mini_batch_size, config.eta, config.lmbda, scale=mnist.SCALE,
                      seed=config.seed)
    planner = ChunkPlanner(target=CHUNK_SECONDS, first=2)
    meter = CostMeter()
    state.records.clear()
    set_html("dg-epoch-log", "")
    state.models["trained"] = net
    state.model_names["trained"] = "your network"
    models.set_active("trained", refresh=False)
    results = by_id("dg-results")
    results.setAttribute("data-state", "pending")
    results.setAttribute("data-model", "trained")
    set_text("dg-results-model", "your network, after its first epoch (below: the previous network's)")
    _set_run_state("training")
    _note_memory()
    view.draw_curves(state.canvases["curves"], state.records, config.epochs, state.pretrained_accuracy)
    el = state.els["run"]
    el.setAttribute("data-subset", str(config.subset))
    el.setAttribute("data-epochs", str(config.epochs))

    while trainer.epoch < config.epochs and not run.stopped:
        epoch_started = time.perf_counter()
        paused_at_start = run.paused_seconds
        last_draw = 0.0
        epoch = trainer.epoch
        while trainer.epoch == epoch and not run.stopped:
            await run.gate()
            if run.stopped:
                break
            if state.els["run"].getAttribute("data-state") != "training":
                _set_run_state("training")
            n = planner.next_size(trainer.batches_per_epoch - trainer.batches_done)
            t0 = time.perf_counter()
            meter.add(trainer.step(n))
            planner.record(n, time.perf_counter() - t0)
            if not trainer.is_finite():
                message("dg-train-message", _diverged_text(config, trainer.n), "bad")
                run.stopped = True
                break
            now = time.perf_counter()
            if now - last_draw >= REDRAW_EVERY and trainer.epoch == epoch:
                last_draw = now
                seconds = now - epoch_started - (run.paused_seconds - paused_at_start)
                _show_run_progress(trainer, run, trainer.batches_done * trainer.mini_batch_size, seconds)
                el.setAttribute("data-chunk-batches", str(planner.size))
                el.setAttribute("data-ms-per-batch", f"{1000 * planner.seconds_per_batch:.3f}")
                models.update_using()
                if state.active == "trained" and (state.strokes or state.shown_test_index is not None):
                    pad.predict_drawing()  # watch the answer change as the network learns
            await asyncio.sleep(0)
        if trainer.epoch == epoch or run.stopped:
            break  # stopped (or diverged) mid-epoch
        seconds = time.perf_counter() - epoch_started - (run.paused_seconds - paused_at_start)
        await _end_epoch(run, trainer, meter, seconds)

    _note_memory()
    if run.stopped:
        _set_run_state("stopped")
        set_text("dg-left", "–")
        set_text("dg-train-text", f"Stopped in epoch {trainer.epoch + 1} "
                                  f"({100 * trainer.progress:.0f} % of it done).")
        models.update_using()
        spawn(models.refresh_results())
        if not message_is_bad("dg-train-message"):
            message("dg-train-message",
                     f"Stopped after {trainer.epoch} full epoch{'s' if trainer.epoch != 1 else ''}; "
                     "the network keeps what it learned so far.")
    else:
        _set_run_state("done")
        last = state.records[-1]
        total = sum(r.seconds for r in state.records)
        set_text("dg-train-text", f"Finished {config.epochs} epoch{'s' if config.epochs != 1 else ''} "
                                  f"on {trainer.n:,} images in {format_duration(total)} of training.")
        set_text("dg-left", "–")
        message("dg-train-message",
                 f"Done: {config.epochs} epoch{'s' if config.epochs != 1 else ''}, "
                 f"{100 * last.test_accuracy:.2f} % of the test digits right. "
                 "Draw one to try it, or save it below.", "good")
    set_text("dg-memory", format_megabytes(state.peak_memory) if state.peak_memory else "–")
    state.els["run"].setAttribute("data-peak-memory-bytes", str(state.peak_memory))
    models.update_using()
    pad.predict_drawing()  # the reading so far came from the weights of the last redraw


def _diverged_text(config: TrainingConfig, n: int) -> str:
    text = "Training diverged: the weights became infinite or NaN. "
    decay = 1.0 - config.eta * config.lmbda / n
    if decay <= 0:
        return text + (f"With η = {config.eta:g}, λ = {config.lmbda:g} and {n:,} training images the weight decay "
                       f"factor 1 − ηλ/n is {decay:g}: each step flips the weights' sign instead of shrinking them. "
                       "Try a smaller η or λ, or more images.")
    return text + "Try a smaller η."


async def _end_epoch(run: Run, trainer: Trainer, meter: CostMeter, seconds: float) -> None:
    """Score the network after an epoch, log it, redraw the curves and the results."""
    net = trainer.network
    _show_run_progress(trainer, run, trainer.n, seconds, epoch_done=True)
    bar = state.els["train-progress"]
    bar.value = bar.max
    set_text("dg-train-text", f"Epoch {trainer.epoch} of {run.config.epochs} trained in "
                              f"{seconds:.2f} s; scoring it on the validation and test sets…")
    _set_run_state("scoring")
    val_images, val_labels = state.data["validation"]
    test_images, test_labels = state.data["test"]
    started, paused_before = time.perf_counter(), run.paused_seconds
    val_pred = await models.predict_async(net, val_images, run)
    test_pred = None if val_pred is None else await models.predict_async(net, test_images, run)
    if test_pred is None:
        meter.close_epoch()
        return  # stopped while scoring: the epoch is trained but not logged
    run.scoring_seconds = time.perf_counter() - started - (run.paused_seconds - paused_before)
    record = EpochRecord(
        epoch=trainer.epoch, seconds=seconds, images=trainer.n, mean_cost=meter.close_epoch(),
        validation_accuracy=float(np.mean(val_pred == val_labels)),
        test_accuracy=float(np.mean(test_pred == test_labels)))
    state.records.append(record)
    net.meta.update({"epochs_trained": record.epoch, "validation_accuracy": round(record.validation_accuracy, 4),
                     "test_accuracy": round(record.test_accuracy, 4)})
    by_id("dg-epoch-log").insertAdjacentHTML("beforeend", view.epoch_row_html(record))
    view.draw_curves(state.canvases["curves"], state.records, run.config.epochs, state.pretrained_accuracy)
    state.model_names["trained"] = f"your network (epoch {record.epoch})"
    models.update_model_choices()
    models.update_using()
    state.els["run"].setAttribute("data-epoch", str(trainer.epoch))
    if state.active == "trained":
        await models.refresh_results(test_pred)
    if not run.stopped:
        _set_run_state("paused" if run.paused else "training")


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


def _stop_clicked(_event) -> None:
    run = state.run
    if run is None:
        return
    run.stopped = True
    run.paused = False
    run.resume.set()
    if state.els["run"].getAttribute("data-state") == "loading":
        # Nothing is trained yet, so there is nothing to wait for: the download goes on
        # (the next Train uses it) but the run is over now.
        _set_run_state("stopped")
        set_text("dg-train-text", "Stopped before training began (the images keep downloading for the next run).")


