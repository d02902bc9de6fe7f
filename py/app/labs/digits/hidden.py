"""What the hidden neurons learned: the first hidden layer of the network reading the digits.

Each neuron's 784 incoming weights are a 28x28 picture (``pictures.convnet.neuron_mosaic``:
orange negative, white 0, blue positive, one scale for the layer), all in one ImageData; under
them, each neuron's activation for the digit being read, as a bar. A tile under the pointer, or
chosen with the arrow keys on the focused picture, is shown large with its index, its weights'
range and its activation.

Cheap: the tiles are redrawn only when the weights change (another network, or training moved
them: a CRC of the layer's bytes tells), the bars only when the digit or the weights do.

Test hooks on ``#dg-hidden``: data-model, data-neurons (tiles), data-columns, data-draws (how
many times the tiles were drawn), data-activations (the layer's outputs, exact, or "").
``#dg-hidden-zoom``: data-shown (the neuron's index), data-activation.
"""

from __future__ import annotations

import zlib

import numpy as np

from app.labs.digits.state import lab, state
from app.ui.canvas import Canvas
from app.ui.dom import by_id, on, set_text
from pictures.convnet import neuron_mosaic, tile_index
from pictures.pixels import diverging

BAR = "#0072b2"
ZOOM = 112


class _Shown:
    """What the panel shows now: the key of the drawn tiles, the layer's weights, the activations."""

    key: tuple | None = None
    layout = None
    weights: np.ndarray | None = None
    activations: np.ndarray | None = None
    bars_key: tuple | None = None
    focus: int = 0
    draws: int = 0


shown = _Shown()


def setup() -> None:
    tiles = by_id("dg-hidden-tiles")
    on(tiles, "pointermove", _hover)
    on(tiles, "keydown", _key)
    on(tiles, "focus", lambda _e: _zoom(shown.focus))


def _weights_key(net) -> tuple:
    W = net.weights[0]
    return (state.active, id(net), W.shape, zlib.crc32(np.ascontiguousarray(W).tobytes()))


def update(net, pixels) -> None:
    """Called with each prediction: ``net`` the network reading (or None), ``pixels`` the 784
    inputs in [0, 1] it reads (or None: nothing to read)."""
    panel = by_id("dg-hidden")
    if net is None or not net.is_finite():
        _clear(panel, "No network to look into yet." if net is None else "This network's weights are not finite.")
        return
    key = _weights_key(net)
    if key != shown.key:
        _draw_tiles(net, key)
    if pixels is None:
        _bars(None)
        return
    bars_key = (key, zlib.crc32(np.ascontiguousarray(pixels, dtype=np.float64).tobytes()))
    if bars_key != shown.bars_key:
        shown.bars_key = bars_key
        with np.errstate(over="ignore", invalid="ignore"):
            activations, _zs = net.forward(np.asarray(pixels, dtype=np.float64).reshape(1, -1))
        _bars(activations[1][0])


def _clear(panel, text: str) -> None:
    shown.key = shown.bars_key = None
    shown.weights = shown.activations = shown.layout = None
    Canvas("dg-hidden-tiles").clear()
    Canvas("dg-hidden-acts").clear()
    Canvas("dg-hidden-zoom").clear()
    lab.publish(panel, model="", neurons=0, activations="")
    set_text("dg-hidden-note", text)
    set_text("dg-hidden-zoom-text", "")


def _draw_tiles(net, key: tuple) -> None:
    W = net.weights[0]
    n = len(W)
    rgba, layout = neuron_mosaic(W, scale=2 if n <= 100 else 1)
    c = Canvas("dg-hidden-tiles")
    h, w = rgba.shape[:2]
    if (c.element.width, c.element.height) != (w, h):
        c.element.width, c.element.height = w, h
    c.width, c.height = w, h
    c.put_rgba(rgba)
    shown.key, shown.layout, shown.weights = key, layout, W.copy()
    shown.bars_key = None
    shown.focus = min(shown.focus, n - 1)
    shown.draws += 1
    layer = "hidden" if net.num_layers > 2 else "output (this network has no hidden layer)"
    set_text(
        "dg-hidden-note",
        f"The {n} neurons of the first {layer} layer, each as the 28×28 picture of its 784 weights: "
        "blue pixels push the neuron up, orange ones down, white ones do nothing. "
        "Under them, how strongly each neuron fires for the digit being read.",
    )
    lab.publish("dg-hidden", model=state.active, neurons=n, columns=layout.columns, draws=shown.draws)


def _bars(values) -> None:
    """Each neuron's activation as a bar, in the tiles' order."""
    shown.activations = None if values is None else np.asarray(values, dtype=np.float64)
    c = Canvas("dg-hidden-acts")
    c.clear()
    lab.publish("dg-hidden", activations="" if values is None else ",".join(repr(float(v)) for v in values))
    if values is not None:
        top = float(np.max(np.abs(values))) or 1.0
        width = c.width / len(values)
        boxes = []
        for k, v in enumerate(values):
            h = (c.height - 4) * min(abs(float(v)) / top, 1.0)
            boxes.append((k * width, c.height - 2 - h, max(width - (1 if width > 3 else 0), 0.5), h))
        c.rects(boxes, fill=BAR)
    if by_id("dg-hidden-zoom").getAttribute("data-shown"):
        _zoom(shown.focus)


def _hover(event) -> None:
    if shown.layout is None:
        return
    x, y = Canvas("dg-hidden-tiles").event_xy(event)
    k = tile_index(x, y, shown.layout)
    if k is not None:
        shown.focus = k
        _zoom(k)


def _key(event) -> None:
    layout = shown.layout
    if layout is None:
        return
    step = {"ArrowRight": 1, "ArrowLeft": -1, "ArrowDown": layout.columns, "ArrowUp": -layout.columns}.get(event.key)
    if step is None:
        return
    event.preventDefault()
    shown.focus = min(max(shown.focus + step, 0), layout.count - 1)
    _zoom(shown.focus)


def _zoom(k: int) -> None:
    if shown.weights is None or shown.layout is None:
        return
    W = shown.weights
    tile = W[k].reshape(28, 28)
    c = Canvas("dg-hidden-zoom")
    c.clear()
    c.draw_rgba(diverging(tile, float(np.max(np.abs(W))) or 1.0), 0, 0, ZOOM, ZOOM, smooth=False)
    words = f"Neuron {k + 1} of {shown.layout.count}: weights from {float(tile.min()):.3g} to {float(tile.max()):.3g}"
    act = shown.activations
    if act is not None:
        words += f"; it fires {float(act[k]):.3g} for this digit"
    set_text("dg-hidden-zoom-text", words + ".")
    lab.publish("dg-hidden-zoom", shown=k, activation=None if act is None else float(act[k]))
