"""Lab 6, second part: the speed of learning per hidden layer (the book's chapter 5). Glue only.

Fetches the MNIST training split once, keeps its first 1,000 images, and runs
``nnfs.learning_speed.SpeedRun`` one epoch (one full-batch step) per frame of
a ``RunLoop``, so the page answers between epochs (≈ 0.1 s each in the page
for [784, 30, 30, 10]). Each Run with other settings adds a run, so the bars
of a ReLU or tanh run stand beside the sigmoid run's.

Test hooks on ``#bp-sp-bars``: data-state (idle, loading, running, paused,
done, failed), data-runs (JSON: per run its label, sizes, initial speeds,
speeds now and epoch).
"""

from __future__ import annotations

import json
import math

from app import backprop_view as view
from app import dom, files
from app.canvas import Canvas
from app.runloop import RunLoop
from nnfs import mnist
from nnfs.learning_speed import BOOK_INITIAL_SPEEDS, BOOK_SIZES, N_EXAMPLES, SpeedRun

DATA_URL = "./static/data/" + mnist.SPLIT_FILES["train"]
MAX_RUNS = 4
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 52, 16, 14, 28


class SpeedState:
    data = None                   # (X uint8 (1000, 784), y) once loaded
    runs: list = []               # [(label, SpeedRun, settings)]
    loading = False


sp = SpeedState()
_lab = None
_bars: Canvas | None = None
_curves: Canvas | None = None
_loop: RunLoop | None = None


def setup(lab) -> None:
    global _lab, _bars, _curves, _loop
    _lab = lab
    _bars, _curves = Canvas("bp-sp-bars"), Canvas("bp-sp-curves")
    _loop = RunLoop(_epoch, draw, _loop_changed, speed=None, budget=0.05, spawn=dom.spawn)
    dom.on("bp-sp-run", "click", run_clicked)
    dom.on("bp-sp-clear", "click", lambda _e: clear())
    draw()


def hide() -> None:
    if _loop is not None:
        _loop.pause()


def changed(_name: str) -> None:
    """New settings: the next Run starts a new run beside the others."""
    if _loop.running:
        _loop.pause()
    _set_state("paused" if sp.runs else "idle")
    dom.set_text("bp-sp-status", "Settings changed: Run starts a new run beside the others.")


def _settings() -> tuple:
    v = _lab.values
    return (int(v["sp_hidden"]), v["sp_act"], v["sp_init"], v["sp_seed"])


def _label(settings) -> str:
    hidden, act, init, seed = settings
    return f"{hidden} hidden, {act}, {'N(0,1/n)' if init == 'scaled' else 'N(0,1)'}, seed {seed}"


async def run_clicked(_event) -> None:
    if _loop.running:
        _loop.pause()
        return
    if sp.data is None:
        if sp.loading:
            return
        if not await _load():
            return
    settings = _settings()
    if not sp.runs or sp.runs[-1][2] != settings:
        hidden, act, init, seed = settings
        run = SpeedRun(BOOK_SIZES[hidden], *sp.data, activation=act, init=init, seed=seed,
                       scale=mnist.SCALE)
        run.initial_speeds()
        sp.runs.append((_label(settings), run, settings))
        del sp.runs[:-MAX_RUNS]
        _loop.reset()
    elif sp.runs[-1][1].epoch >= _lab["sp_epochs"]:
        dom.set_text("bp-sp-status", f"This run has done its {_lab['sp_epochs']} epochs; "
                                     "raise the epochs or change a setting to start another.")
        return
    draw()
    _loop.play()


async def _load() -> bool:
    sp.loading = True
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
        sp.loading = False
    sp.data = (X[:N_EXAMPLES].copy(), y[:N_EXAMPLES].copy())
    return True


def _epoch():
    if not sp.runs:
        return False
    run = sp.runs[-1][1]
    if run.epoch >= _lab["sp_epochs"]:
        return False
    run.step(1)
    if not run.finite():
        dom.set_text("bp-sp-status", "The gradients overflowed: this run stops here.")
        return False
    return run.epoch < _lab["sp_epochs"]


def _loop_changed() -> None:
    button = dom.by_id("bp-sp-run")
    button.textContent = "Pause" if _loop.running else "Run"
    if _loop.running:
        _set_state("running")
    elif sp.runs:
        done = sp.runs[-1][1].epoch >= _lab["sp_epochs"]
        _set_state("done" if done else "paused")


def clear() -> None:
    _loop.pause()
    sp.runs = []
    _loop.reset()
    _set_state("idle")
    dom.set_text("bp-sp-status", "")
    draw()


def _set_state(state: str) -> None:
    dom.by_id("bp-sp-bars").setAttribute("data-state", state)


# -- drawing ------------------------------------------------------------------------------
def _axis(cv: Canvas) -> tuple[float, float]:
    top, bottom = MARGIN_T, cv.height - MARGIN_B
    for t in view.log_ticks():
        y = view.log_y(t, top, bottom)
        cv.line(MARGIN_L, y, cv.width - MARGIN_R, y, "#eef0f3")
        cv.text(f"10{view.sup(round(math.log10(t)))}" if t != 1 else "1",
                MARGIN_L - 6, y, "#5b6675", 11, align="right")
    cv.line(MARGIN_L, top, MARGIN_L, bottom, "#8a94a3")
    return top, bottom


def draw() -> None:
    if _bars is None:
        return
    _draw_bars()
    _draw_curves()
    rows = []
    for label, run, settings in sp.runs:
        book = BOOK_INITIAL_SPEEDS.get(settings[0]) if settings[1:3] == ("sigmoid", "scaled") else None
        rows.append(f"<tr><th scope='row'>{label}</th><td>{view.speeds_text(run.norms[0], book)}</td>"
                    f"<td>{view.speeds_text(run.norms[-1])} (epoch {run.epoch})</td></tr>")
    dom.set_html("bp-sp-rows", "".join(rows))
    hooks = [{"label": label, "sizes": run.network.sizes, "initial": run.norms[0],
              "now": run.norms[-1], "epoch": run.epoch} for label, run, _ in sp.runs]
    dom.by_id("bp-sp-bars").setAttribute("data-runs", json.dumps(hooks))
    if sp.runs and _loop is not None and _loop.running:
        run = sp.runs[-1][1]
        slow = run.norms[-1][-1] / run.norms[-1][0] if run.norms[-1][0] > 0 else float("inf")
        dom.set_text("bp-sp-status", f"Epoch {run.epoch} of {_lab['sp_epochs']}: the last hidden layer "
                                     f"learns {slow:.3g} times as fast as the first.")


def _draw_bars() -> None:
    cv = _bars
    cv.clear()
    top, bottom = _axis(cv)
    if not sp.runs:
        cv.text("Press Run to measure each hidden layer's speed of learning.", cv.width / 2, cv.height / 2,
                "#5b6675", 13)
        return
    groups = [run.norms[-1] for _, run, _ in sp.runs]
    boxes = view.bar_boxes(groups, MARGIN_L + 12, cv.width - MARGIN_L - MARGIN_R - 12, top, bottom)
    for r, l, (x, y, w, h) in boxes:
        cv.rect(x, y, w, h, fill=view.LAYER_COLORS[l % len(view.LAYER_COLORS)])
        start = view.log_y(sp.runs[r][1].norms[0][l], top, bottom)
        cv.line(x - 2, start, x + w + 2, start, "#1b2430", 1.5, dash=[3, 2])
    for r, (label, _, _) in enumerate(sp.runs):
        xs = [b[0] for rr, _, b in boxes if rr == r]
        cv.text(f"run {r + 1}", (min(xs) + max(xs)) / 2 + 10, bottom + 14, "#5b6675", 11)


def _draw_curves() -> None:
    cv = _curves
    cv.clear()
    top, bottom = _axis(cv)
    if not sp.runs:
        return
    run = sp.runs[-1][1]
    epochs = max(_lab["sp_epochs"], 1)
    x0, x1 = MARGIN_L, cv.width - MARGIN_R
    for l in range(run.hidden_layers):
        xs, ys = view.curve_points(run.norms, l, x0, x1, top, bottom, epochs)
        cv.polyline(xs, ys, view.LAYER_COLORS[l % len(view.LAYER_COLORS)], 2)
        cv.text(f"layer {l + 1}", x1 - 4, MARGIN_T + 12 * (l + 1), view.LAYER_COLORS[l % 4], 11, align="right")
    cv.text(f"epochs 0–{epochs} ({sp.runs[-1][0]})", (x0 + x1) / 2, cv.height - 8, "#5b6675", 11)
