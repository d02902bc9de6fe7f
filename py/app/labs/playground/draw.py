"""Lab 4's pictures: the plot, the network diagram, the curves and the numbers.

Each function draws one thing of a run (``app.labs.playground.run.Mirror``) onto the
lab's canvases; the pictures themselves are computed by the pure
``pictures.playground`` (tested in CPython). One ``frame`` is what the page
redraws at every display frame while training, so it keeps to the cheap
paths: the heatmaps go to the canvas as one ImageData each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from js import URL, Blob, Object
from pyodide.ffi import to_js
from pyscript import document

from app.ui.canvas import Canvas
from app.ui.dom import by_id, set_text
from nnfs.models import model_io
from pictures import playground as view
from pictures.pixels import grid


@dataclass
class DrawState:
    """The canvases and what they show (part of the lab's state: ``PlaygroundState.pictures``)."""

    plot: Canvas | None = None
    points: Canvas | None = None
    net: Canvas | None = None
    loss: Canvas | None = None
    acc: Canvas | None = None
    grid: object = None  # the plot's pixel grid in data coordinates
    layout: object = None
    download_url: object = None  # the last saved model's object URL (revoked at the next save)
    curves_of: tuple | None = None  # (mirror, curve length) the curves were last drawn for
    texts: dict = field(default_factory=dict)  # element id -> the text it shows (a DOM write only when it changes)
    speed_at: float = 0.0  # when the speed line was last written


state = DrawState()


def init() -> None:
    state.plot, state.points, state.net = Canvas("pg-plot"), Canvas("pg-points"), Canvas("pg-net")
    state.loss, state.acc = Canvas("pg-loss"), Canvas("pg-acc")
    state.grid = grid(view.BOX, view.BOX, view.RES, view.RES)


def frame(m) -> None:
    """Redraw everything of ``m``, computing the pictures here (when idle; while
    training the worker computes them: ``frame_from``)."""
    width, height = diagram_size(m)
    pictures = view.network_pictures(m.network, width, height, state.grid) if m.network.is_finite() else b""
    state.curves_of = None
    frame_from(m, pictures, True)


def diagram_size(m) -> tuple[int, int]:
    """(width, height) of the network diagram's canvas for ``m``'s network."""
    return state.net.width, view.diagram_height(m.network.sizes)


def frame_from(m, pictures: bytes, diagram: bool) -> None:
    """Redraw ``m`` from pictures the worker drew (``view.network_pictures``)."""
    if m.network.is_finite():
        width, height = diagram_size(m) if diagram else (0, 0)
        decision, tiles = view.split_pictures(pictures, width, height)
        state.plot.draw_rgba(decision, 0, 0, state.plot.width, state.plot.height, smooth=True)
        if tiles is not None:
            _diagram(m.network, tiles)
    # The curves change only when an epoch ends: most frames (slices of an epoch) keep them.
    drawn_for = (m, len(m.history["epoch"]))
    if state.curves_of != drawn_for:
        curves(m)
        state.curves_of = drawn_for
    stats(m)


def points(m, cursor) -> None:
    """The data points (on their own canvas over the heatmap: drawn only when the data change)."""
    c = state.points
    c.clear(None)
    w = c.width
    c.fill_stroke(f"M{w / 2} 0V{w}M0 {w / 2}H{w}", stroke="rgba(27,36,48,0.25)", width=1)
    (lo, hi), _ = view.to_canvas([(-1, 0), (1, 0)], w)  # where x₁ = ±1 (the data's edge)
    c.texts([("x₂", w / 2 + 6, 10), ("−1", lo + 2, w / 2 + 9)], "#5b6675", 12, align="left")
    c.texts([("x₁", w - 5, w / 2 - 9), ("1", hi - 2, w / 2 + 9)], "#5b6675", 12, align="right")
    for fill, stroke, width, path in view.point_shapes(m.data, w):
        c.fill_stroke(path, fill, stroke, width)
    if cursor is not None:
        (x,), (y,) = view.to_canvas([cursor], w)
        c.fill_stroke(f"M{x - 9} {y}H{x + 9}M{x} {y - 9}V{y + 9}", stroke="#1b2430", width=2)
    d = m.data
    text = f"{len(d.X_train)} training points ({d.n_user} of yours) · {len(d.X_test)} test points"
    if d.ignored:
        text += f" · {d.ignored} of your points are of a class this data set does not have, so they are left out"
    set_text("pg-counts", text)
    data = by_id("pg-stats").dataset
    data.trainCount = str(len(d.X_train))
    data.testCount = str(len(d.X_test))
    data.userCount = str(d.n_user)


def _diagram(net, tiles) -> None:
    """The diagram: the neurons' pictures ``tiles`` (H x W x 4), weights and labels on top."""
    NET = state.net
    if state.layout is None or state.layout.sizes != tuple(net.sizes):
        NET.resize(NET.width, view.diagram_height(net.sizes))
        state.layout = view.Layout.make(net.sizes, NET.width, NET.height)
    layout = state.layout
    t = layout.tile
    NET.put_rgba(tiles)
    for colour, width, path in view.weight_strokes(layout, net.weights):
        NET.fill_stroke(path, stroke=colour, width=width)
    heads, subs = [], []
    last = len(net.sizes) - 1
    for l, n in enumerate(net.sizes[:-1]):
        x = layout.x[l] + t / 2
        heads.append(("input" if l == 0 else f"hidden {l}", x, 9))
        subs.append(("x₁, x₂" if l == 0 else f"{n} {net.activation}", x, 22))
    right = NET.width - 4  # the output column's labels end at the edge
    if NET.grow() > 1.3:
        # A phone: readable text is too tall for two rows above the pictures (the layout,
        # shared with the worker, keeps 30 pixels), so one row of names; the sizes and
        # activations are in the form just above.
        NET.texts([(text, x, 1) for text, x, _y in heads], "#1b2430", 12, baseline="top", bold=True)
        NET.texts([("output", right, 1)], "#1b2430", 12, align="right", baseline="top", bold=True)
        return
    NET.texts(heads, "#1b2430", 12, bold=True)
    NET.texts(subs, "#5b6675", 11)
    NET.texts([("output", right, 9)], "#1b2430", 12, align="right", bold=True)
    NET.texts([(f"{net.sizes[last]} {net.output_activation}", right, 22)], "#5b6675", 11, align="right")


def curves(m) -> None:
    h = m.history
    last = h["epoch"][-1]
    x_max = view.epochs_axis(last)
    top = view.loss_top(h["train_loss"] + h["test_loss"])
    _chart(state.loss, h, "loss", top, lambda v: f"{v:.3g}", x_max)
    _chart(state.acc, h, "acc", 1.0, lambda v: f"{100 * v:.0f}%", x_max)


def _chart(canvas: Canvas, h, key: str, y_max: float, label, x_max: int) -> None:
    canvas.clear()
    chart = view.Chart(x=44, y=10, w=canvas.width - 56, h=canvas.height - 36, x_max=x_max, y_max=y_max)
    x0, y0, x1, y1 = chart.x, chart.y, chart.x + chart.w, chart.y + chart.h
    ticks = [0.0, 0.5, 1.0]
    canvas.fill_stroke("".join(f"M{x0} {y1 - f * chart.h:.1f}H{x1}" for f in ticks[1:]), stroke="#eceff2", width=1)
    canvas.fill_stroke(f"M{x0} {y0}V{y1}H{x1}", stroke="#8a94a3", width=1)
    canvas.texts([(label(f * y_max), x0 - 5, y1 - f * chart.h) for f in ticks], "#5b6675", 11, align="right")
    # The axis's ends as numbers and its name apart: "500 epochs" under the end of an axis read
    # as the run's length when the run stops at 300.
    canvas.texts([("0", x0, y1 + 12), (f"{x_max}", x1, y1 + 12)], "#5b6675", 11, align="right")
    canvas.texts([("epoch", (x0 + x1) / 2, y1 + 12)], "#5b6675", 11)
    epochs = h["epoch"]
    canvas.fill_stroke(chart.path(epochs, h[f"train_{key}"]), stroke="#1d3557", width=2)
    canvas.ctx.setLineDash(to_js([5, 4]))
    canvas.fill_stroke(chart.path(epochs, h[f"test_{key}"]), stroke="#d1495b", width=2)
    canvas.ctx.setLineDash(to_js([]))


def _text(element_id: str, text) -> None:
    """Write an element's text only when it changes (a DOM write costs a style pass)."""
    text = str(text)
    if state.texts.get(element_id) != text:
        state.texts[element_id] = text
        set_text(element_id, text)


def stats(m) -> None:
    _text("pg-epoch", f"{m.epoch} + {m.progress:.0%}" if m.progress else m.epoch)
    _text("pg-train-loss", view.number(m.latest("train_loss")))
    _text("pg-test-loss", view.number(m.latest("test_loss")))
    _text("pg-train-acc", view.percent(m.latest("train_acc")))
    _text("pg-test-acc", view.percent(m.latest("test_acc")))
    data = by_id("pg-stats").dataset
    data.epoch = str(m.epoch)
    data.testAcc = f"{m.latest('test_acc'):.6f}"
    data.trainSeconds = f"{m.train_seconds:.3f}"
    data.curvePoints = str(len(m.history["epoch"]))  # one per epoch, from epoch 0


SPEED_EVERY = 0.25  # seconds between two writes of the speed line while training (read, not watched)


def speed(m, frames: int, seconds: float, epochs: float, pause_ms: float | None = None, draw_ms=None) -> None:
    """The speed line (and ``data-fps``, ``data-draw-ms``: ms of drawing per frame, for the tests)."""
    if seconds <= 0:
        return
    fps = frames / seconds
    el = by_id("pg-speed")
    el.dataset.fps = f"{fps:.1f}"
    if draw_ms is not None:
        el.dataset.drawMs = f"{draw_ms:.1f}"
        now = time.perf_counter()
        if now - state.speed_at < SPEED_EVERY:
            return
        state.speed_at = now
    text = (
        f"{view.per_second(epochs, seconds)} epochs/s; pictures redrawn {fps:.1f} times/s while "
        f"training (training {m.train_seconds:.2f} s so far, in a background worker)."
    )
    if pause_ms is not None:
        text += f" Paused {pause_ms:.0f} ms after the click."
    _text("pg-speed", text)


def model_json(m, hash_state: str) -> str | None:
    net = m.network
    if not net.is_finite():
        return None
    # Mid-epoch (after Pause) the weights are those of "epoch E + p %", scored as they are.
    held = m.progress and m.held_test_acc is not None
    meta = {
        "playground": hash_state,
        "epoch": m.epoch,
        "epoch_progress": m.progress,
        "test_accuracy": m.held_test_acc if held else m.latest("test_acc"),
    }
    return model_io.to_json(net, meta=meta)


def update_model_json(m, hash_state: str) -> None:
    text = model_json(m, hash_state)
    by_id("pg-model-json").textContent = (
        text if text is not None else ("(The weights are not finite numbers any more: training diverged. Press Reset.)")
    )


def download(m, hash_state: str, filename: str) -> bool:
    """Save ``m``'s model as ``filename`` (False: there is none, the weights are not finite)."""
    text = model_json(m, hash_state)
    if text is None:
        return False
    if state.download_url is not None:
        URL.revokeObjectURL(state.download_url)
    blob = Blob.new(to_js([text]), to_js({"type": "application/json"}, dict_converter=Object.fromEntries))
    state.download_url = URL.createObjectURL(blob)
    link = document.createElement("a")
    link.href = state.download_url
    link.download = filename
    link.click()
    return True
