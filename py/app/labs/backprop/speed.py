"""Lab 6, second part: the speed of learning per hidden layer (the book's chapter 5). Glue only.

Fetches the MNIST training split once, keeps its first 1,000 images, and trains
``nnfs.labs.backprop.learning_speed.SpeedRun`` in the training worker (``app.runs.worker_client``, the
"speed" kind of ``nnfs.runs.remote``): each call trains whole epochs for about
``BUDGET`` seconds (one full-batch step, ≈ 0.1 s each in the page for
[784, 30, 30, 10]) and sends back the new per-layer speeds, so the page's own
thread only draws and stays responsive. Each Run with other settings adds a
run, so the bars of a ReLU or tanh run stand beside the sigmoid run's.

The bars show each hidden layer's speed at the start (pale) and now (solid),
with a legend (``#bp-sp-legend``); ``#bp-sp-ratio`` says how many times as fast
the last hidden layer learns as the first, at the start beside the book's
figure, and now, and what changed between the two.

Test hooks on ``#bp-sp-bars``: data-state (idle, loading, running, paused,
done, failed), data-runs (JSON: per run its label, sizes, initial speeds,
speeds now and epoch), data-bars (JSON: per bar drawn its run, layer, when
("start" or "now") and value).
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass, field

from app.labs.backprop import view
from app.labs.backprop.equations import sup
from app.runs.worker_client import client
from app.shell.lab import Lab
from app.ui import dom, files
from app.ui.canvas import Canvas
from nnfs.data import mnist
from nnfs.labs.backprop.learning_speed import (
    BOOK_FIGURE_START,
    BOOK_INITIAL_SPEEDS,
    BOOK_SIZES,
    N_EXAMPLES,
    pack_data,
)

DATA_URL = files.DATA_DIR + mnist.SPLIT_FILES["train"]
MAX_RUNS = 4
BUDGET = 0.05  # seconds of training per worker call (Pause acts within one)
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 52, 16, 14, 28


class RunMirror:
    """The page's copy of one run in the worker: its per-epoch speeds (``norms``)."""

    def __init__(self, settings: tuple):
        self.settings = settings
        self.sizes = list(BOOK_SIZES[settings[0]])
        self.hidden_layers = len(self.sizes) - 2
        self.norms: list[list[float]] = []  # norms[e][l]: hidden layer l+1 before epoch e
        self.epoch = 0
        self.sid = None
        self.failed = False  # the gradients overflowed: it cannot go on

    def update(self, p: dict) -> dict | None:
        """Take the worker's progress; returns why the call ended (None: its time was up)."""
        h = p["history"]
        new = [list(row) for row in zip(*(h[f"speed_{l + 1}"] for l in range(self.hidden_layers)))]
        self.norms = new if p["since"] == 0 else self.norms + new
        self.norms = [[math.nan if v is None else v for v in row] for row in self.norms]
        self.epoch = p["epoch"]
        self.failed = bool(p["stop"] and p["stop"]["problem"])
        return p["ended"]


@dataclass
class SpeedState:
    """What the speed-of-learning part remembers (part of the lab's state: ``BackpropState.speed``)."""

    lab: Lab | None = None  # the Backprop lab (its settings sp_*), given by setup
    bars: Canvas | None = None
    curves: Canvas | None = None
    data: tuple | None = None  # (X uint8 (1000, 784), y) once loaded
    packed: bytes | None = None  # the same as bytes for the worker
    runs: list = field(default_factory=list)  # [(label, RunMirror, settings)]
    loading: bool = False
    running: bool = False
    token: int = 0  # bumped to stop the running loop


state = SpeedState()


def setup(lab: Lab) -> None:
    state.lab = lab
    state.bars, state.curves = Canvas("bp-sp-bars"), Canvas("bp-sp-curves")
    dom.on("bp-sp-run", "click", run_clicked)
    dom.on("bp-sp-clear", "click", lambda _e: clear())
    draw()


def pause() -> None:
    """Stop asking the worker for more (the call in flight ends within ``BUDGET``)."""
    state.token += 1
    if state.running:
        state.running = False
        _loop_changed()


def hide() -> None:
    pause()


def changed(name: str) -> None:
    """New settings: the next Run starts a new run beside the others. The number of
    epochs is only how far the run goes: a run in progress goes on to the new limit."""
    if name == "sp_epochs":
        if not state.running and state.runs and not state.runs[-1][1].failed:
            dom.set_text("bp-sp-status", f"Run goes on with this run up to epoch {int(state.lab['sp_epochs'])}.")
        return
    pause()
    _set_state("paused" if state.runs else "idle")
    dom.set_text("bp-sp-status", "Settings changed: Run starts a new run beside the others.")


def _settings() -> tuple:
    v = state.lab.values
    return (int(v["sp_hidden"]), v["sp_act"], v["sp_init"], int(v["sp_seed"]))


def _label(settings) -> str:
    hidden, act, init, seed = settings
    return f"{hidden} hidden, {act}, {'N(0,1/n)' if init == 'scaled' else 'N(0,1)'}, seed {seed}"


async def run_clicked(_event) -> None:
    if state.running:
        pause()
        return
    if state.data is None:
        if state.loading:
            return
        if not await _load():
            return
    settings = _settings()
    if not state.runs or state.runs[-1][2] != settings:
        state.runs.append((_label(settings), RunMirror(settings), settings))
        for _, old, _s in state.runs[:-MAX_RUNS]:
            if old.sid is not None:
                dom.spawn(client.drop(old.sid))
        del state.runs[:-MAX_RUNS]
    else:
        run = state.runs[-1][1]
        if run.failed:
            dom.set_text("bp-sp-status", "This run's gradients overflowed; change a setting to start another.")
            return
        if run.epoch >= state.lab["sp_epochs"]:
            dom.set_text(
                "bp-sp-status",
                f"This run has done its {state.lab['sp_epochs']} epochs; "
                "raise the epochs or change a setting to start another.",
            )
            return
    state.token += 1
    state.running = True
    _loop_changed()
    draw()
    dom.spawn(_train(state.token, state.runs[-1][1]))


async def _train(token: int, run: RunMirror) -> None:
    """Ask the worker for epochs until the limit, a problem, or Pause (a new token)."""
    ended = None
    try:
        if run.sid is None:
            if client.state in ("off", "starting"):
                dom.set_text(
                    "bp-sp-status",
                    "Starting the training worker (Python and numpy in a "
                    "background thread; a few seconds the first time)…",
                )
            hidden, act, init, seed = run.settings
            spec = {"lab": "speed", "config": {"hidden": hidden, "act": act, "init": init, "seed": seed}}
            p = await client.start(spec, data=state.packed)
            run.sid = p["id"]
            run.update(p)
            draw()
        while token == state.token:
            p = await client.run(run.sid, BUDGET, until_epoch=int(state.lab["sp_epochs"]), since=len(run.norms))
            ended = run.update(p)
            if state.runs and state.runs[-1][1] is run:
                draw()
                _say(run)  # the worker is up: the status follows the run (and a call that was in flight)
            if ended is not None:
                break
            await asyncio.sleep(0)  # let the page draw and answer before the next call
    except Exception as e:  # noqa: BLE001 - said where the learner looks
        dom.set_text("bp-sp-status", f"The speed-of-learning run failed: {e}")
        ended = {"problem": True}
    if token == state.token:  # it ended by itself, not by Pause or a change
        state.running = False
        if ended is not None and ended.get("problem"):
            if ended.get("text"):
                dom.set_text("bp-sp-status", f"{ended['text']} {ended.get('advice', '')}".strip())
            _set_state("failed")
            dom.by_id("bp-sp-run").textContent = "Run"
        else:
            _loop_changed()


async def _load() -> bool:
    state.loading = True
    _set_state("loading")

    def progress(loaded, total):
        of = f" of {total / 1e6:.1f} MB" if total else ""
        dom.set_text("bp-sp-status", f"Loading the MNIST training images: {loaded / 1e6:.1f} MB{of}…")

    try:
        data = await files.fetch_bytes(DATA_URL, progress)
        X, y = mnist.load_npz(data)
    except Exception as e:  # noqa: BLE001 - said where the learner looks
        dom.set_text("bp-sp-status", f"Could not load the MNIST images: {e}. Press Run to try again.")
        _set_state("failed")
        return False
    finally:
        state.loading = False
    state.data = (X[:N_EXAMPLES].copy(), y[:N_EXAMPLES].copy())
    state.packed = pack_data(*state.data)
    return True


def _loop_changed() -> None:
    button = dom.by_id("bp-sp-run")
    button.textContent = "Pause" if state.running else "Run"
    if state.running:
        _set_state("running")
    elif state.runs:
        done = state.runs[-1][1].epoch >= state.lab["sp_epochs"]
        _set_state("done" if done else "paused")
    if state.runs:
        _say(state.runs[-1][1])


def _say(run: RunMirror) -> None:
    """The status line follows the run (training, epoch N of M → done or paused), so that
    neither "Starting the training worker…" nor the download's last line outlives it."""
    limit = int(state.lab["sp_epochs"])
    if state.running:
        text = f"Training: epoch {run.epoch} of {limit}… (Pause stops it.)"
    elif _settings() != run.settings:
        text = "Settings changed: Run starts a new run beside the others."
    elif run.epoch >= limit:
        text = f"Done: {run.epoch} epochs."
    else:
        text = f"Paused at epoch {run.epoch} of {limit}."
    dom.set_text("bp-sp-status", text)


def clear() -> None:
    pause()
    for _, run, _s in state.runs:
        if run.sid is not None:
            dom.spawn(client.drop(run.sid))
    state.runs = []
    _set_state("idle")
    dom.set_text("bp-sp-status", "")
    draw()


def _set_state(name: str) -> None:
    dom.by_id("bp-sp-bars").setAttribute("data-state", name)


# -- drawing ------------------------------------------------------------------------------
def _margins(cv: Canvas) -> tuple[float, float, float, float]:
    """Left, right, top, bottom: room for the labels, grown with them on a small screen."""
    g = cv.grow()
    return MARGIN_L * g, MARGIN_R * g, MARGIN_T * g, MARGIN_B * g


def _axis(cv: Canvas) -> tuple[float, float]:
    left, right, top_margin, bottom_margin = _margins(cv)
    top, bottom = top_margin, cv.height - bottom_margin
    for t in view.log_ticks():
        y = view.log_y(t, top, bottom)
        cv.line(left, y, cv.width - right, y, "#eef0f3")
        label = f"10{sup(round(math.log10(t)))}" if t != 1 else "1"
        cv.text(label, left - 6 * cv.grow(), y, "#5b6675", 11, align="right")
    cv.line(left, top, left, bottom, "#8a94a3")
    return top, bottom


def _shown() -> list:
    """The runs the worker has measured (a new one has no speeds until it answers)."""
    return [r for r in state.runs if r[1].norms]


def _book(settings) -> tuple[tuple | None, tuple | None]:
    """The book's speeds at the start for a run with its settings (sigmoid, N(0, 1/n)), else None."""
    if settings[1:3] != ("sigmoid", "scaled"):
        return None, None
    return BOOK_INITIAL_SPEEDS.get(settings[0]), BOOK_FIGURE_START.get(settings[0])


def draw() -> None:
    if state.bars is None:
        return
    _draw_bars()
    _draw_curves()
    rows = []
    for label, run, settings in _shown():
        book, _figure = _book(settings)
        rows.append(
            f"<tr><th scope='row'>{label}</th><td>{view.speeds_text(run.norms[0], book)}</td>"
            f"<td>{view.speeds_text(run.norms[-1])} (epoch {run.epoch})</td></tr>"
        )
    dom.set_html("bp-sp-rows", "".join(rows))
    hooks = [
        {"label": label, "sizes": run.sizes, "initial": run.norms[0], "now": run.norms[-1], "epoch": run.epoch}
        for label, run, _ in _shown()
    ]
    dom.by_id("bp-sp-bars").setAttribute("data-runs", json.dumps(hooks))
    shown = _shown()
    if shown:
        label, run, settings = shown[-1]
        dom.set_html("bp-sp-legend", view.legend_html(run.hidden_layers, run.epoch))
        book, figure = _book(settings)
        number = len(shown)
        dom.set_text(
            "bp-sp-ratio",
            view.ratio_text(f"Run {number} ({label})", run.norms[0], run.norms[-1], run.epoch, book, figure),
        )
    else:
        dom.set_html("bp-sp-legend", "")
        dom.set_text("bp-sp-ratio", "")
    if state.runs and state.running and state.runs[-1][1].norms:
        run = state.runs[-1][1]
        slow = run.norms[-1][-1] / run.norms[-1][0] if run.norms[-1][0] > 0 else float("inf")
        dom.set_text(
            "bp-sp-status",
            f"Epoch {run.epoch} of {state.lab['sp_epochs']}: the last hidden layer "
            f"learns {slow:.3g} times as fast as the first.",
        )


def _draw_bars() -> None:
    cv = state.bars
    cv.clear()
    top, bottom = _axis(cv)
    runs = _shown()
    if not runs:
        cv.element.setAttribute("data-bars", "[]")
        line = 16 * cv.grow()
        cv.text("Press Run to measure each hidden", cv.width / 2, cv.height / 2 - line / 2, "#5b6675", 13)
        cv.text("layer's speed of learning.", cv.width / 2, cv.height / 2 + line / 2, "#5b6675", 13)
        return
    groups = [(run.norms[0], run.norms[-1]) for _, run, _ in runs]
    left, right, _top, _bottom = _margins(cv)
    boxes = view.bar_boxes(groups, left + 12, cv.width - left - right - 12, top, bottom)
    drawn = []
    for r, l, when, (x, y, w, h) in boxes:
        colour = view.LAYER_COLORS[l % len(view.LAYER_COLORS)]
        if when == "start":  # pale, outlined: the speed before any training
            cv.rect(x, y, w, h, fill=colour + "55", stroke=colour)
        else:
            cv.rect(x, y, w, h, fill=colour)
        speeds = groups[r][0] if when == "start" else groups[r][1]
        drawn.append({"run": r + 1, "layer": l + 1, "when": when, "value": speeds[l]})
    cv.element.setAttribute("data-bars", json.dumps(drawn))
    for r in range(len(runs)):
        xs = [b[0] for rr, _, _, b in boxes if rr == r]
        cv.text(f"run {r + 1}", (min(xs) + max(xs)) / 2 + 10, bottom + 14 * cv.grow(), "#5b6675", 11)


def _draw_curves() -> None:
    cv = state.curves
    cv.clear()
    top, bottom = _axis(cv)
    runs = _shown()
    if not runs:
        return
    run = runs[-1][1]
    epochs = max(state.lab["sp_epochs"], 1)
    left, right, _top, _bottom = _margins(cv)
    g = cv.grow()
    x0, x1 = left, cv.width - right
    for l in range(run.hidden_layers):
        xs, ys = view.curve_points(run.norms, l, x0, x1, top, bottom, epochs)
        cv.polyline(xs, ys, view.LAYER_COLORS[l % len(view.LAYER_COLORS)], 2)
        cv.text(f"layer {l + 1}", x1 - 4, top + 12 * g * (l + 1), view.LAYER_COLORS[l % 4], 11, align="right")
    cv.text(f"epochs 0–{epochs} ({runs[-1][0]})", (x0 + x1) / 2, cv.height - 8 * g, "#5b6675", 11)
