"""Digits lab: one training run, trained in the training worker on the engine.

The network trains in the PyScript worker (``py/worker/trainer.py``), on an
``nnfs.maths.engine.Session`` built by ``nnfs.runs.remote.Sessions`` from the form's
``TrainingConfig``; the worker fetches and checks the MNIST training and
validation files itself. This module only drives it: the lab base's ``RunLoop``
asks for ~30 ms of training at a time (``client.run``, one call in flight), so
Pause and Stop (the loop's) are simply "stop asking" and take effect at once on
the page, and it shows what comes back: progress
(images done, images/s, time left), one row per epoch (the engine's validation
and test scores), the weights and the test-set answers at each epoch's end (for
the pad, the gallery and the confusion matrix), the engine's Stop in words when
training cannot go on, and, after Stop, where the weights are ("epoch 2 + 42 %
of epoch 3") scored as they are.

If the worker could not start, ``app.runs.worker_client`` runs the same Sessions on the
page's own thread; then the page loads the images itself (``app.labs.digits.data``).
"""

from __future__ import annotations

import asyncio
import math
import time

import js
import numpy as np

from app.labs.digits import data, models, pad, view
from app.labs.digits import history as digits_history
from app.labs.digits.state import Parts, lab, message, message_is_bad, state
from app.runs.memory import wasm_memory
from app.runs.worker_client import as_bytes, client
from app.ui.dom import by_id, set_html, set_text, spawn
from app.ui.text import error_text, format_duration, format_megabytes
from nnfs.labs.digits import EpochRecord, epoch_rate, run_seconds_left
from nnfs.runs.remote import unpack_into

CHUNK_SECONDS = 0.03  # training asked of the worker per call
REDRAW_EVERY = 0.2  # s between progress redraws
SCORING_AFTER = 0.25  # a call still busy after this long is the epoch's scoring in the worker


async def note_memory() -> int:
    """Peak memory of the page and of the worker together (the tab's WebAssembly memory)."""
    state.peak_memory = max(state.peak_memory, wasm_memory())
    if client.in_worker:
        try:
            state.worker_memory = max(state.worker_memory, int(await client.call("memory")))
        except Exception:  # noqa: BLE001 - the figure is a bonus
            pass
    total = state.peak_memory + state.worker_memory
    el = state.els["run"]
    el.setAttribute("data-peak-memory-bytes", str(total))
    el.setAttribute("data-page-memory-bytes", str(state.peak_memory))
    el.setAttribute("data-worker-memory-bytes", str(state.worker_memory))
    set_text("dg-memory", format_megabytes(total) if total else "–")
    return total


async def _load_images(run) -> None:
    """The training, validation and test images, where the training runs."""
    if client.in_worker:
        base = str(js.URL.new("./static/data/", js.document.baseURI).href)
        # One download at a time: a Train after a Stop during loading waits for the same one
        # (a second call into the worker while the first waits for the network never returned).
        load = state.worker_load
        if load is None or (load.done() and load.exception() is not None):
            load = state.worker_load = asyncio.ensure_future(client.call("load_mnist", base))
        try:
            await asyncio.shield(load)
        except Exception as e:  # noqa: BLE001 - shown where the learner looks, with Retry
            raise data.LoadError(f"The training worker could not load the images: {error_text(e)}") from None
        return
    for split in ("test", "train", "validation"):  # the page trains itself: it loads them
        await data.load_split(split)
        client._backend.sessions.mnist[split] = state.data[split]


class Driver:
    """The page's side of one worker session: what has been shown so far."""

    def __init__(self, run, sid: int, progress: dict):
        self.run, self.sid = run, sid  # run: the controls' Run (its state and its RunLoop)
        self.config = run.config
        self.seen = progress["length"]
        self.history = {k: list(v) for k, v in progress["history"].items()}
        self.last = progress
        self.net = self.config.build_network()  # the page's copy; weights come as bytes
        self.net.meta = {"trained_in": "the browser (Digits lab, training worker)", **self.config.meta()}
        self.last_draw = 0.0
        self.per_call = 0  # mini-batches the last call trained
        self.scoring_seconds: float | None = None  # how long the last scoring after an epoch took
        self.failure: Exception | None = None  # a step that failed: raised where the run began

    @property
    def batches_per_epoch(self) -> int:
        n = self.config.subset
        return -(-n // min(self.config.mini_batch_size, n))

    def images_done(self) -> int:
        done = round(self.last["progress"] * self.batches_per_epoch)
        return min(done * self.config.mini_batch_size, self.config.subset)

    async def step(self) -> dict:
        """One call of training; marks the run 'scoring' while the worker scores an epoch."""
        before = round(self.last["progress"] * self.batches_per_epoch)
        # A call that will reach the epoch's end (as many batches are left as the last call
        # did) also scores the epoch in the worker: say so if it takes a while.
        ending = 0 < self.batches_per_epoch - before <= self.per_call
        task = asyncio.ensure_future(client.run(self.sid, CHUNK_SECONDS, since=self.seen))
        done, _ = await asyncio.wait({task}, timeout=SCORING_AFTER)
        if ending and not done and self.run.loop.running:  # not paused or stopped meanwhile
            self.run.set_state("scoring")
            set_text(
                "dg-train-text",
                f"Epoch {self.last['epoch'] + 1} of {self.config.epochs} trained; "
                "the worker is scoring it on the validation and test sets…",
            )
        p = await task
        self.seen += len(p["history"]["epoch"])
        for k, v in p["history"].items():
            self.history[k].extend(v)
        after = round(p["progress"] * self.batches_per_epoch)
        wrapped = p["epoch"] > self.last["epoch"]
        self.per_call = (self.batches_per_epoch - before + after) if wrapped else after - before
        self.last = p
        return p

    async def advance(self) -> bool:
        """The RunLoop's step: one call of training and the epochs it ended; False once the
        worker has stopped the run (its epochs done, or the engine's Stop) or the call failed."""
        try:
            first = len(self.history["epoch"])
            p = await self.step()
            if len(self.history["epoch"]) > first:
                await self.log_epochs(first)  # an epoch that ended, even if Stop came meanwhile
        except Exception as e:  # noqa: BLE001 - the loop ends; _drive raises it where the run began
            self.failure = e
            return False
        if self.run.loop.running:  # not paused or stopped meanwhile
            self.run.set_state("training")
        elif p["stop"] and self.run.paused:
            self.show_progress()  # the last call came back during a Pause: the loop draws no more
        return not p["stop"]

    def draw(self) -> None:
        """The RunLoop's drawing after each call: the progress, every REDRAW_EVERY seconds and at the end."""
        now = time.perf_counter()
        if now - self.last_draw >= REDRAW_EVERY or self.last["stop"]:
            self.last_draw = now
            self.show_progress()

    def show_progress(self) -> None:
        n, p = self.config.subset, self.last
        done = self.images_done()
        epoch_seconds = p["train_seconds"] - self.history["seconds"][-1]
        rate, left = epoch_rate(done, epoch_seconds, n - done)
        known = not math.isnan(rate)
        run_left = run_seconds_left(rate, n - done, self.config.epochs - p["epoch"] - 1, n, self.scoring_seconds)
        bar = state.els["train-progress"]
        bar.max, bar.value = n, done
        set_text(
            "dg-train-text",
            f"Epoch {p['epoch'] + 1} of {self.config.epochs}: {done:,} of {n:,} images ({100 * p['progress']:.0f} %)",
        )
        set_text("dg-rate", f"{rate:,.0f}" if known else "–")
        set_text("dg-left", f"{format_duration(left)} in this epoch, {format_duration(run_left)} in all")
        el = state.els["run"]
        el.setAttribute("data-epoch", str(p["epoch"]))
        el.setAttribute("data-batches-done", str(round(p["progress"] * self.batches_per_epoch)))
        el.setAttribute("data-progress", f"{p['progress']:.4f}")
        el.setAttribute("data-images-done", str(done))
        el.setAttribute("data-images-per-second", f"{rate:.0f}" if known else "")

    async def pull_weights(self, predictions: bool = True):
        """The worker's weights into the page's copy (and its test-set answers)."""
        unpack_into(self.net, as_bytes(await client.weights(self.sid)))
        if not predictions or not self.net.is_finite():
            return None
        return np.frombuffer(as_bytes(await client.call("predictions", self.sid, "test")), dtype=np.uint8)

    async def log_epochs(self, first: int) -> None:
        """Rows for the epochs that ended since entry ``first`` of the history."""
        h = self.history
        for k in range(max(first, 1), len(h["epoch"])):
            record = EpochRecord(
                epoch=int(h["epoch"][k]),
                seconds=h["seconds"][k] - h["seconds"][k - 1],
                images=self.config.subset,
                mean_cost=_num(h["minibatch_loss"][k]),
                validation_accuracy=_num(h["validation_acc"][k]),
                test_accuracy=_num(h["test_acc"][k]),
            )
            state.records.append(record)
            by_id("dg-epoch-log").insertAdjacentHTML("beforeend", view.epoch_row_html(record))
            self.net.meta.update(
                {
                    "epochs_trained": record.epoch,
                    "validation_accuracy": round(record.validation_accuracy, 4),
                    "test_accuracy": round(record.test_accuracy, 4),
                }
            )
            state.position = f"epoch {record.epoch}"
        if len(h["epoch"]) <= first:
            return
        t0 = time.perf_counter()
        predictions = await self.pull_weights()
        self.scoring_seconds = self.scoring_seconds or (time.perf_counter() - t0)
        done = round(self.last["progress"] * self.batches_per_epoch)  # the call may go on past the epoch's end
        seconds = self.last["train_seconds"]
        digits_history.save_progress(self.config, h, seconds, self.net, done, self.run.history_id)
        # What the epoch's end changes, a part at a time (the browser paints and answers
        # between parts): the curves and the model's name, the pad, then the results panel.
        parts = Parts()
        await parts.run("curves", self.draw_curves)
        await parts.run("model", self.name_model, int(h["epoch"][-1]))
        await parts.run("pad", pad.predict_drawing)
        if state.active == "trained" and predictions is not None:
            await models.refresh_results(predictions, parts)
        parts.publish(state.els["run"])
        await note_memory()

    def draw_curves(self) -> None:
        view.draw_curves(state.canvases["curves"], state.records, self.config.epochs, state.pretrained_accuracy)

    @staticmethod
    def name_model(epoch: int) -> None:
        state.model_names["trained"] = f"your network (epoch {state.records[-1].epoch})"
        models.update_model_choices()
        models.update_using()
        state.els["run"].setAttribute("data-epoch", str(epoch))


def _num(v) -> float:
    return float("nan") if v is None else float(v)


async def train(run) -> None:
    """Load the images where the training runs, then drive the run to its end."""
    run.set_state("loading")
    set_text("dg-train-text", "Loading the training and validation images into the training worker…")
    await client.ready()
    loaded = await data.with_retry(lambda: _load_images(run))
    if state.run is not run or run.stopped:
        if state.run is run:
            run.set_state("stopped")
        return
    if not loaded:
        run.set_state("idle")
        message("dg-train-message", "Training needs the data: press Retry above, then Train.", "bad")
        return
    box = state.els["data"]
    box.setAttribute("data-sets", "test,train,validation")
    try:
        resume = {"resume": run.resume.resume_spec()} if run.resume is not None else {}
        progress = await client.start({"lab": "digits", "config": run.config.meta(), **resume})
    except Exception as e:  # noqa: BLE001 - a refused setting is shown, not swallowed
        run.set_state("idle")
        message("dg-train-message", f"Training could not start: {e}", "bad")
        return
    driver = Driver(run, progress["id"], progress)
    try:
        await _drive(driver)
    finally:
        spawn(client.drop(driver.sid))


async def _drive(d: Driver) -> None:
    run, config = d.run, d.config
    state.records.clear()
    state.position = "epoch 0"
    set_html("dg-epoch-log", "")
    if run.resume is not None:  # going on after a reload: the saved weights, not the initial ones
        unpack_into(d.net, run.resume.weights)
    state.models["trained"] = d.net
    state.model_names["trained"] = "your network"
    models.set_active("trained", refresh=False)
    await asyncio.sleep(0)  # the browser's turn: the pad has been redrawn with the new network
    results = by_id("dg-results")
    results.setAttribute("data-state", "pending")
    results.setAttribute("data-model", "trained")
    set_text("dg-results-model", "your network, after its first epoch (below: the previous network's)")
    el = state.els["run"]
    el.setAttribute("data-subset", str(config.subset))
    el.setAttribute("data-epochs", str(config.epochs))
    for key in ("position", "held-test-accuracy"):
        el.removeAttribute(f"data-{key}")
    run.loop = lab.loop(d.advance, d.draw, run.loop_changed, speed=None, budget=0.0)  # a call per turn
    run.set_state("training")
    await asyncio.sleep(0)
    d.draw_curves()  # the empty plot for this run's epochs
    if len(d.history["epoch"]) > 1:  # a resumed run: the epochs it had, their rows and curves
        await d.log_epochs(1)
    await note_memory()
    if d.last["stop"] or run.stopped:  # nothing to train (the worker says so at once), or Stop came
        run.ended.set()
    elif not run.paused:  # (a Pause meanwhile: Resume plays it)
        run.loop.play()
    await run.ended.wait()  # done, stopped or failed (Pause is no end)
    await run.loop.settled()  # the call under way when Stop came has come back
    if d.failure is not None:
        raise d.failure
    await _finish(d, d.last)


async def _finish(d: Driver, p: dict) -> None:
    run, config = d.run, d.config
    stopped = run.stopped  # by the learner (the engine's Stop below says "stopped" too)
    set_text("dg-left", "–")
    stop = p["stop"]
    if stop and not stop["problem"] and not stopped:  # the epochs asked for are done
        run.set_state("done")
        last = state.records[-1]
        total = sum(r.seconds for r in state.records)
        plural = "s" if config.epochs != 1 else ""
        set_text(
            "dg-train-text",
            f"Finished {config.epochs} epoch{plural} on {config.subset:,} images "
            f"in {format_duration(total)} of training.",
        )
        message(
            "dg-train-message",
            f"Done: {config.epochs} epoch{plural}, {100 * last.test_accuracy:.2f} % "
            "of the test digits right. Draw one to try it, or save it below.",
            "good",
        )
    elif stop and stop["problem"]:  # the engine says why it cannot go on
        await d.pull_weights(predictions=False)
        # Its answers would mean nothing (even when the weights are still finite numbers):
        # the pad, the results and Save say so (nnfs.models.model_io.usable).
        d.net.meta["diverged"] = stop["text"]
        pad.predict_drawing()
        spawn(models.refresh_results())
        run.set_state("stopped")
        message("dg-train-message", f"{stop['text']} {stop.get('advice', '')}".strip(), "bad")
        set_text("dg-train-text", "Training stopped: see the message below.")
    else:  # Stop: score the weights held now
        run.set_state("stopped")
        await _held(d)
    await note_memory()
    models.update_using()
    pad.predict_drawing()
    digits_history.keep(config, d.history, d.last["train_seconds"], None if stopped else stop, run.history_id)


async def _held(d: Driver) -> None:
    """After Stop: say where the weights are, score them as they are, and keep that in the model."""
    set_text("dg-train-text", "Stopped; scoring the weights held now…")
    held = await models_call_held(d.sid)
    predictions = await d.pull_weights()
    val = held["scores"]["validation"][1]
    test = held["scores"]["test"][1]
    position = held["position"]
    state.position = position
    d.net.meta.update(
        {
            "epochs_trained": round(held["epochs"], 4),
            "position": position,
            "validation_accuracy": round(val, 4) if val is not None else None,
            "test_accuracy": round(test, 4) if test is not None else None,
        }
    )
    state.model_names["trained"] = f"your network ({position})"
    el = state.els["run"]
    el.setAttribute("data-position", position)
    el.setAttribute("data-held-test-accuracy", f"{test:.4f}" if test is not None else "")
    el.setAttribute("data-epoch", str(held["epoch"]))
    el.setAttribute("data-progress", f"{held['progress']:.4f}")
    score = f"{100 * test:.2f} %" if test is not None else "no score (not finite)"
    set_text("dg-train-text", f"Stopped at {position}: the weights held now get {score} of the test digits right.")
    if not message_is_bad("dg-train-message"):
        message(
            "dg-train-message",
            f"Stopped at {position}; the network keeps what it learned so far "
            f"({score} on the test set). Save it below to keep it.",
        )
    models.update_model_choices()
    if state.active == "trained" and predictions is not None and state.run is d.run:
        await models.refresh_results(predictions)


async def models_call_held(sid: int) -> dict:
    import json

    return json.loads(str(await client.call("held", sid)))
