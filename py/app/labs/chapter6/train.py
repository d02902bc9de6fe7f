"""The Chapter 6 lab's training: one run of a rung in the training worker, driven and shown. Glue only.

Train starts a 'convnet' session in the worker (``nnfs.labs.chapter6.session``: the one
engine, so the numbers are CPython's for the same settings); the lab's ``RunLoop`` asks
for ``SLICE`` seconds of training at a time, so Pause and Stop act within one slice. After
each slice the progress shows (images done, images/s, time left) and the weights come back,
so the filters redraw while the learner watches them form (the maps at each epoch's end);
after each epoch a row with the worker's validation and test scores. Stop scores the
weights held there and then; every run that ends joins "Your runs".

Test hooks on ``#c6-run``: data-state (idle, loading, training, paused, stopped, done,
failed), data-epoch, data-progress, data-slices (slices trained), data-filter-draws (times
the filters redrew during the run), data-history (JSON: the engine's history, exact
floats), data-held-test-accuracy and data-position after Stop, data-peak-memory-bytes.
"""

from __future__ import annotations

import asyncio
import json
import math

import js

from app.labs.chapter6 import models
from app.labs.chapter6.state import lab, state
from app.runs import chart as runs_chart
from app.runs import chart_view as runs_view
from app.runs import history_panel as run_history_panel
from app.runs.worker_client import as_bytes, client
from app.ui.canvas import Canvas
from app.ui.dom import by_id, on, set_html, set_text, spawn
from app.ui.text import error_text, format_duration, format_megabytes
from nnfs.labs.chapter6 import session as c6
from nnfs.labs.chapter6.ladder import LADDER, best_by_rung
from nnfs.runs import history as rh
from nnfs.runs.remote import unpack_into

SLICE = 0.1  # seconds of training per worker call (the filters redraw after each)
LABELS = {"eta": "η", "l2": "λ", "batch": "mini-batch", "images": "images", "rung": "network"}


class Run:
    """One press of Train: its settings, its session in the worker, what came back."""

    def __init__(self, values: dict):
        self.values = values
        self.sid: int | None = None
        self.history: dict[str, list] = {}
        self.last: dict = {}
        self.loop = None
        self.stopped = False
        self.dropped = False
        self.failure: Exception | None = None  # a slice that failed (the worker said why)
        self.ended = asyncio.Event()
        self.slices = 0
        self.filter_draws = 0
        self.net = c6.build_net(values)
        self.net.meta = {"trained_in": "the browser (Chapter 6 lab, training worker)", "settings": dict(values)}
        per = 5 if LADDER[values["rung"]].expanded else 1
        self.per_epoch = int(values["images"]) * per

    def publish(self, **data) -> None:
        lab.publish("c6-run", **data)


def setup() -> None:
    on("c6-train", "click", lambda _e: spawn(train()))
    on("c6-pause", "click", lambda _e: pause())
    on("c6-stop", "click", lambda _e: stop())


panel = run_history_panel.Panel(
    "c6",
    "chapter6",
    {"test": "test set", "validation": "validation set"},
    lambda record: run_history_panel.rerun(lab, record, lambda: None),
    defaults=c6.SETTINGS.encoded(c6.SETTINGS.defaults()),
    labels=LABELS,
)


def _buttons(training: bool, paused: bool = False) -> None:
    by_id("c6-train").disabled = training
    pause_button = by_id("c6-pause")
    pause_button.disabled = not training
    pause_button.textContent = "Resume" if paused else "Pause"
    pause_button.setAttribute("aria-pressed", "true" if paused else "false")
    by_id("c6-stop").disabled = not training


def say(text: str, kind: str = "") -> None:
    el = by_id("c6-message")
    el.textContent = text
    el.className = f"message {kind}".strip()


async def train() -> None:
    if state.run is not None and not state.run.ended.is_set():
        return
    try:
        values = c6.read({name: lab.values[name] for name in c6.SETTINGS.names()})
        c6.check_memory(values)
    except ValueError as e:
        say(f"This run cannot start: {e}.", "bad")
        return
    old = state.run
    if old is not None and old.sid is not None and not old.dropped:
        old.dropped = True  # its session (and its copy of the training images) leaves the worker
        spawn(client.drop(old.sid))
    run = state.run = Run(values)
    say("")
    _buttons(True)
    set_html("c6-epoch-log", "")
    set_text("c6-log-note", "Each epoch's row appears when the worker has scored it.")
    run.publish(state="loading", epoch=0, progress=0, slices=0, history="{}")
    for key in ("position", "held-test-accuracy"):
        by_id("c6-run").removeAttribute(f"data-{key}")
    set_text("c6-train-text", "Loading the MNIST images into the training worker…")
    try:
        await client.ready()
        if client.in_worker:
            base = str(js.URL.new("./static/data/", js.document.baseURI).href)
            await client.call("load_mnist", base)
        else:
            await _load_on_page()
        p = await client.start({"lab": "convnet", "config": values})
    except Exception as e:  # noqa: BLE001 - said where the learner looks
        run.publish(state="failed")
        _buttons(False)
        say(f"Training could not start: {error_text(e)}", "bad")
        run.ended.set()
        return
    if run.stopped:  # Stop while the images loaded
        spawn(client.drop(p["id"]))
        run.dropped = True
        run.publish(state="stopped")
        _buttons(False)
        set_text("c6-train-text", "Stopped before training began.")
        return
    run.sid = p["id"]
    _update(run, p)
    draw_curves(run)
    models.trained(run.net)
    if state.active != "trained":
        models.choose("trained")
    run.loop = lab.loop(lambda: _advance(run), lambda: _show(run), lambda: _loop_changed(run), speed=None, budget=0.0)
    run.publish(state="training")
    run.loop.play()
    await run.ended.wait()
    await run.loop.settled()
    await _finish(run)


async def _load_on_page() -> None:
    """No worker: the page trains on its own thread and loads the images itself."""
    from app.ui import files
    from nnfs.data import mnist

    sessions = client._backend.sessions
    for split in ("train", "validation", "test"):
        if split not in sessions.mnist:
            data = await files.fetch_bytes("./static/data/" + mnist.SPLIT_FILES[split])
            sessions.add_mnist(split, data)


def _update(run: Run, p: dict) -> None:
    if p["since"] == 0:
        run.history = {k: list(v) for k, v in p["history"].items()}
    else:
        for k, v in p["history"].items():
            run.history.setdefault(k, []).extend(v)
    run.last = p


async def _advance(run: Run) -> bool:
    """The RunLoop's step: one slice of training; False once the worker has ended the run."""
    before = len(run.history.get("epoch", []))
    try:
        p = await client.run(run.sid, SLICE, since=before)
    except Exception as e:  # noqa: BLE001 - the run ends; _finish says why where the learner looks
        run.failure = e
        return False
    _update(run, p)
    run.slices += 1
    ended_epoch = len(run.history["epoch"]) > before
    await _pull(run, maps=ended_epoch or bool(p["stop"]))  # the filters redraw each slice
    run.filter_draws += 1
    if ended_epoch:
        _rows(run, before)
        draw_curves(run)
    return not p["stop"]


async def _pull(run: Run, maps: bool = True) -> None:
    """The worker's weights into the page's copy; the filters redraw (and the maps, with ``maps``)."""
    unpack_into(run.net, as_bytes(await client.weights(run.sid)))
    models.trained(run.net, maps)


def _rows(run: Run, first: int) -> None:
    h = run.history
    for k in range(max(first, 1), len(h["epoch"])):
        seconds = h["seconds"][k] - h["seconds"][k - 1]
        rate = run.per_epoch / seconds if seconds > 0 else math.nan
        cells = [
            str(int(h["epoch"][k])),
            format_duration(seconds),
            f"{rate:,.0f}",
            _pct_or(h["minibatch_loss"][k], cost=True),
            _pct_or(h["validation_acc"][k]),
            _pct_or(h["test_acc"][k]),
        ]
        row = "".join(f"<td>{c}</td>" for c in cells)
        by_id("c6-epoch-log").insertAdjacentHTML("beforeend", f'<tr data-epoch="{int(h["epoch"][k])}">{row}</tr>')


def draw_curves(run: Run | None) -> None:
    """This run's validation and test accuracy per epoch (the shared runs chart), the book's
    figure for the rung as a flat dotted line."""
    series = []
    if run is not None and run.history.get("epoch"):
        h = run.history
        for key, label, colour in (("validation_acc", "validation", 0), ("test_acc", "test", 1)):
            values = [math.nan if v is None else v for v in h[key]]
            series.append(runs_view.Series(label, runs_view.COLOURS[colour], h["epoch"], values))
        epochs = int(run.values["epochs"])
        book = LADDER[run.values["rung"]].book_accuracy
        series.append(runs_view.Series(f"the book, {100 * book:.2f} %", "#5b6675", [0, epochs], [book, book], (2, 3)))
        y_range = runs_view.fit_range(series, "acc")
        runs_chart.draw(Canvas("c6-curves"), series, "acc", x_max=epochs, y_range=y_range)
    else:
        runs_chart.draw(
            Canvas("c6-curves"), [], "acc", x_max=1, empty="Press Train: each epoch's accuracy appears here."
        )


def _pct_or(v, cost: bool = False) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:.4f}" if cost else f"{100 * v:.2f} %"


def _show(run: Run) -> None:
    p = run.last
    done = min(int(round(p["progress"] * run.per_epoch)), run.per_epoch)
    total = int(run.values["epochs"])
    trained_images = p["epoch"] * run.per_epoch + done
    rate = trained_images / p["train_seconds"] if p["train_seconds"] > 0 else math.nan
    left = (total * run.per_epoch - trained_images) / rate if rate > 0 else math.nan
    bar = by_id("c6-progress")
    bar.max, bar.value = run.per_epoch, done
    set_text(
        "c6-train-text",
        f"Epoch {min(p['epoch'] + 1, total)} of {total}: {done:,} of {run.per_epoch:,} images "
        f"({100 * p['progress']:.0f} %)",
    )
    set_text("c6-rate", f"{rate:,.0f}" if math.isfinite(rate) else "–")
    set_text("c6-left", f"{format_duration(left)} of training" if math.isfinite(left) else "–")
    run.publish(
        epoch=p["epoch"],
        progress=f"{p['progress']:.4f}",
        slices=run.slices,
        filter_draws=run.filter_draws,
        history=json.dumps(run.history),
    )


def _loop_changed(run: Run) -> None:
    if run.loop is None:
        return
    if run.loop.done:
        run.ended.set()
    elif not run.stopped:
        run.publish(state="training" if run.loop.running else "paused")
        _buttons(True, paused=not run.loop.running)


def pause() -> None:
    run = state.run
    if run is None or run.loop is None or run.ended.is_set():
        return
    if run.loop.running:
        run.loop.pause()
        set_text("c6-train-text", "Paused: Resume trains on from here.")
    else:
        run.loop.play()


def stop() -> None:
    run = state.run
    if run is None or run.ended.is_set():
        return
    run.stopped = True
    if run.loop is not None:
        run.loop.stop()
    run.ended.set()


async def _finish(run: Run) -> None:
    p = run.last
    stop_info = p.get("stop")
    _show(run)
    if run.failure is not None:
        run.publish(state="failed")
        _buttons(False)
        say(f"Training failed: {run.failure}. Press Train to start again.", "bad")
        return
    await _pull(run)
    if run.stopped or stop_info is None:
        held = json.loads(str(await client.call("held", run.sid)))
        test = held["scores"]["test"][1]
        score = f"{100 * test:.2f} %" if test is not None else "no score (not finite)"
        run.publish(
            state="stopped", position=held["position"], held_test_accuracy=f"{test:.6f}" if test is not None else ""
        )
        run.net.meta.update({"position": held["position"], "test_accuracy": test})
        set_text(
            "c6-train-text", f"Stopped at {held['position']}: the weights held now read {score} of the test digits."
        )
        say(f"Stopped at {held['position']}; the network keeps what it learned ({score} on the test images scored).")
    elif stop_info["problem"]:
        run.publish(state="stopped")
        say(f"{stop_info['text']} {stop_info.get('advice', '')}".strip(), "bad")
        set_text("c6-train-text", "Training stopped: see the message below.")
    else:
        run.publish(state="done")
        test = run.history["test_acc"][-1]
        run.net.meta.update({"epochs_trained": p["epoch"], "test_accuracy": test})
        set_text(
            "c6-train-text", f"Finished {p['epoch']} epoch(s) in {format_duration(p['train_seconds'])} of training."
        )
        say(
            f"Done: {100 * test:.2f} % of the test images scored read right. "
            "Look inside it below, draw a digit, or save it.",
            "good",
        )
    _buttons(False)
    await _memory(run)
    _keep(run, None if run.stopped else stop_info)
    models.trained(run.net)
    spawn(models.show_mistakes())


async def _memory(run: Run) -> None:
    if not client.in_worker:
        return
    try:
        peak = int(await client.call("memory"))
    except Exception:  # noqa: BLE001 - the figure is a bonus
        return
    run.publish(peak_memory_bytes=peak)
    set_text("c6-memory-peak", format_megabytes(peak))


def _keep(run: Run, stop_info: dict | None) -> None:
    """The run joins the history once it has finished an epoch; the ladder's best follows."""
    h = run.history
    if len(h.get("epoch", [])) < 2:
        return
    problem = bool(stop_info and stop_info.get("problem"))
    ended = rh.ending(stop_info.get("kind") if stop_info else "stopped", problem)
    text = "Stopped." if stop_info is None else f"{stop_info['text']} {stop_info.get('advice', '')}".strip()
    record = rh.record_of(
        "chapter6", c6.SETTINGS.encoded(run.values), int(run.values["seed"]), h, p_seconds(run), ended, text
    )
    panel.keep(record, object())
    draw_ladder()


def p_seconds(run: Run) -> float:
    return float(run.last.get("train_seconds", 0.0))


def draw_ladder() -> None:
    """The ladder's table: each rung's book figure beside the best run of it kept here."""
    best = best_by_rung(panel.history.runs)
    rows = []
    for key, rung in LADDER.items():
        mine = best.get(key)
        here = (
            f"{100 * mine[0]:.2f} % <span class=\"note\">({mine[1]} epoch{'s' if mine[1] != 1 else ''}, "
            f"{mine[2]:,} images)</span>"
            if mine
            else '<span class="note">not trained here yet</span>'
        )
        rows.append(
            f'<tr data-rung="{key}" data-book="{rung.book_accuracy}" data-here="{mine[0] if mine else ""}">'
            f"<th scope=\"row\">{rung.title}</th><td>{100 * rung.book_accuracy:.2f} % "
            f'<span class="note">({rung.book_epochs} epochs)</span></td><td>{here}</td></tr>'
        )
    set_html("c6-ladder-rows", "".join(rows))
