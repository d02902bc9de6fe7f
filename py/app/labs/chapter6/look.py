"""What the net sees: the active convnet's filters, the feature maps of the image at hand, its
fully connected layers' outputs and its answer, drawn live. Glue only.

The image is the learner's drawing or a test image (``app.labs.chapter6.pad``). One forward pass of the core
(``ConvNet.look``) gives every layer's maps; each picture is one RGBA buffer
(``pictures.convnet``) put on its canvas with one ImageData. A filter or a map under the
pointer, or chosen with the arrow keys on a focused picture, is shown large beside them.

Test hooks on ``#c6-look``: data-model (the active model), data-source ("drawing" or
"test:INDEX"), data-pixels (the 784 inputs, exact), data-maps (JSON, per layer: [sum, sum of
squares] of its maps after the convolution and after pooling, or of its outputs),
data-outputs (the probabilities, exact); ``#c6-answer`` data-digit.
"""

from __future__ import annotations

import json
import time
from html import escape

import numpy as np

from app.labs.chapter6 import pad
from app.labs.chapter6.state import lab, state
from app.shell import progress
from app.ui.canvas import Canvas
from app.ui.dom import by_id, forget, on, set_html, set_text
from nnfs.maths.activations import get_activation
from nnfs.maths.convnet import ConvPoolLayer, SoftmaxLayer
from nnfs.models.convnet_io import layer_dict
from pictures.convnet import filter_mosaic, map_mosaic, tile_index
from pictures.pixels import diverging, grayscale

BAR = "#0072b2"
ZOOM = 150


def setup() -> None:
    pad.setup(draw)
    on("c6-tile", "input", _tile_changed)
    on("c6-mine", "click", lambda _e: progress.set_use("convolve", not progress.using("convolve")))
    progress.listeners.append(lambda: draw() if lab.visible else None)


# ------------------------------------------------------------------ the pictures


def _tile_changed(event) -> None:
    state.tile = int(event.target.value)
    state.drawn_filters = None
    draw()


def layers_html(net) -> str:
    """One block per layer: its filters and maps (conv-pool) or its outputs (the others)."""
    parts = []
    for l, layer in enumerate(net.layers):
        n = l + 1
        if isinstance(layer, ConvPoolLayer):
            c = net.shapes[l][0]
            per = "" if c == 1 else f" (a row per filter: its {c} slices, one per map it reads)"
            parts.append(
                f'<div class="c6-layer"><h4>Layer {n}: {layer.filters} filters {layer.size}×{layer.size}, '
                f"max-pool {layer.pool}×{layer.pool}, {escape(layer.activation)}</h4>"
                f'<p class="note">Filters{per}: orange negative, white 0, blue positive.</p>'
                f'<canvas id="c6-filters-{n}" class="c6-pic" tabindex="0" role="img" width="10" height="10" '
                f'aria-label="Layer {n}: its {layer.filters} filters; arrow keys choose one"></canvas>'
                f'<p class="note">Feature maps of the image: after the convolution, then after pooling.</p>'
                f'<canvas id="c6-conv-{n}" class="c6-pic" tabindex="0" role="img" width="10" height="10" '
                f'aria-label="Layer {n}: feature maps after the convolution"></canvas>'
                f'<canvas id="c6-pool-{n}" class="c6-pic" tabindex="0" role="img" width="10" height="10" '
                f'aria-label="Layer {n}: feature maps after max-pooling"></canvas></div>'
            )
        elif not isinstance(layer, SoftmaxLayer):
            parts.append(
                f'<div class="c6-layer"><h4>Layer {n}: {layer.neurons} fully connected {escape(layer.activation)} '
                f"neurons</h4>"
                f'<canvas id="c6-fc-{n}" width="300" height="60" role="img" '
                f'aria-label="Layer {n}: each neuron\'s output for this image, as a bar"></canvas></div>'
            )
    return "".join(parts)


def build_layers(net) -> None:
    """The layers' blocks for ``net`` (a new architecture: new canvases under the same ids)."""
    set_html("c6-layers", layers_html(net) if net is not None else "")
    forget("c6-filters-", "c6-conv-", "c6-pool-", "c6-fc-")
    state.built = None if net is None else [layer_dict(layer) for layer in net.layers]
    state.pictures.clear()
    state.drawn_filters = None
    for canvas in _canvases():
        el = by_id(canvas)
        on(el, "pointermove", lambda e, cid=canvas: _hover(cid, e))
        on(el, "keydown", lambda e, cid=canvas: _key(cid, e))
        on(el, "focus", lambda _e, cid=canvas: _zoom(cid, state.focus.get(cid, 0)))


def _canvases() -> list[str]:
    net = active_net()
    if net is None:
        return []
    ids = []
    for l, layer in enumerate(net.layers):
        if isinstance(layer, ConvPoolLayer):
            ids += [f"c6-filters-{l + 1}", f"c6-conv-{l + 1}", f"c6-pool-{l + 1}"]
    return ids


def active_net():
    return state.models.get(state.active)


def _put(canvas_id: str, rgba: np.ndarray, layout, tiles: np.ndarray, what: str) -> None:
    c = Canvas(canvas_id)
    h, w = rgba.shape[:2]
    if (c.element.width, c.element.height) != (w, h):
        c.element.width, c.element.height = w, h
    c.width, c.height = w, h
    c.put_rgba(rgba)
    state.pictures[canvas_id] = (layout, tiles, what)


def draw_filters(net) -> None:
    if state.built != [layer_dict(layer) for layer in net.layers]:
        build_layers(net)
    key = (state.active, state.weights_version, state.tile)
    if state.drawn_filters == key:
        return
    state.drawn_filters = key
    for l, layer in enumerate(net.layers):
        if isinstance(layer, ConvPoolLayer):
            W = net.weights[l]
            scale = state.tile if W.shape[1] == 1 else max(1, state.tile // 3)
            rgba, layout = filter_mosaic(W, scale)
            _put(f"c6-filters-{l + 1}", rgba, layout, W.reshape(-1, *W.shape[2:]), f"layer {l + 1} filter")


def draw() -> None:
    """Everything the panel shows, for the active model and the image at hand."""
    state.last_look = time.perf_counter()
    net = active_net()
    look = by_id("c6-look")
    look.setAttribute("data-model", state.active if net is not None else "")
    if net is None:
        _no_answer("No network here yet: " + ("train one above." if state.active == "trained" else "load one."))
        return
    if state.built != [layer_dict(layer) for layer in net.layers]:
        build_layers(net)
    draw_filters(net)
    pixels, source, words = pad.pixels()
    look.setAttribute("data-source", source)
    if pixels is None:
        _no_answer("Draw a digit in the box, or read a test image.")
        return
    if not net.is_finite():
        _no_answer("This network's weights are no longer finite numbers (its training diverged): it gives no answers.")
        return
    with np.errstate(over="ignore", invalid="ignore"):
        seen = net.look(pixels)
    mine = _learners_first_layer(net, pixels, seen)
    sums = []
    for l, (layer, out) in enumerate(zip(net.layers, seen)):
        n = l + 1
        if isinstance(layer, ConvPoolLayer):
            scale = max(1, 48 // out["conv"].shape[1])
            rgba, layout = map_mosaic(out["conv"], scale)
            _put(f"c6-conv-{n}", rgba, layout, out["conv"], f"layer {n} map after the convolution")
            rgba, layout = map_mosaic(out["pool"], scale * 2)
            _put(f"c6-pool-{n}", rgba, layout, out["pool"], f"layer {n} map after pooling")
            sums.append([_sums(out["conv"]), _sums(out["pool"])])
        else:
            if not isinstance(layer, SoftmaxLayer):
                _bars(f"c6-fc-{n}", out["out"])
            sums.append([_sums(out["out"])])
    probabilities = seen[-1]["out"]
    answer = int(np.argmax(probabilities))
    look.setAttribute("data-pixels", ",".join(repr(float(v)) for v in pixels))
    look.setAttribute("data-maps", json.dumps(sums))
    look.setAttribute("data-mine", "yes" if mine else "no")
    look.setAttribute("data-outputs", ",".join(repr(float(v)) for v in probabilities))
    el = by_id("c6-answer")
    el.textContent = str(answer)
    el.setAttribute("data-digit", str(answer))
    _digit_bars(probabilities, answer)
    set_text(
        "c6-answer-note",
        f"Reading {words} with {state.names.get(state.active, state.active)}: "
        f"{answer}, {100 * probabilities[answer]:.1f} % sure.",
    )


def _learners_first_layer(net, pixels: np.ndarray, seen: list) -> bool:
    """With "Use my convolve and max_pool" on (exercise 10 passed), the first conv layer's maps
    are drawn from the learner's functions: each filter convolved with the image, plus its bias,
    the activation, then pooled (max-pooling commutes with a rising activation). The layers after
    it read the core's maps, so the answer stays the core's; a difference is said. True if the
    learner's code drew them (``progress.active`` falls back to the core's result, and switches
    the toggle off with the reason, if their code is slow, raises or answers the wrong shape)."""
    on_ = progress.using("convolve")
    button = by_id("c6-mine")
    button.disabled = not progress.ready("convolve")
    button.setAttribute("aria-pressed", "true" if on_ else "false")
    note = progress.notices.get("convolve") or (
        "Draws the first layer's feature maps with your functions from exercise 10."
        if progress.ready("convolve")
        else "Write convolve and max_pool in “Write it yourself” and pass its check to draw the maps with them."
    )
    layer = net.layers[0]
    if not (on_ and isinstance(layer, ConvPoolLayer) and net.shapes[0][0] == 1):
        set_text("c6-mine-note", note)
        return False
    convolve, max_pool = progress.active("convolve"), progress.active("max_pool")
    if convolve is None or max_pool is None:
        set_text("c6-mine-note", note)
        return False
    image = pixels.reshape(net.shapes[0][1:])
    f = get_activation(layer.activation)
    W, b = net.weights[0], net.biases[0]
    conv_maps = np.stack([f(convolve(image, W[k, 0]) + b[k]) for k in range(len(W))])
    pooled = np.stack([max_pool(m, layer.pool) for m in conv_maps])
    failed = getattr(convolve, "failed", "") or getattr(max_pool, "failed", "")
    same = np.allclose(conv_maps, seen[0]["conv"], rtol=1e-9, atol=1e-12) and np.allclose(
        pooled, seen[0]["pool"], rtol=1e-9, atol=1e-12
    )
    seen[0] = {"conv": conv_maps, "pool": pooled}
    if failed:
        set_text("c6-mine-note", f"Your code could not draw them ({failed}); the core's maps are shown.")
        return False
    set_text(
        "c6-mine-note",
        "Layer 1's maps are drawn by your convolve and max_pool"
        + (": they equal the core's." if same else ", and differ from the core's: check them in exercise 10."),
    )
    return True


def _sums(a: np.ndarray) -> list[float]:
    return [float(a.sum()), float((a * a).sum())]


def _no_answer(text: str) -> None:
    el = by_id("c6-answer")
    el.textContent = "–"
    el.setAttribute("data-digit", "")
    by_id("c6-look").setAttribute("data-outputs", "")
    set_text("c6-answer-note", text)
    Canvas("c6-out").clear()


def _bars(canvas_id: str, values: np.ndarray) -> None:
    """A layer's outputs as bars from a baseline (ReLU and sigmoid outputs are >= 0)."""
    c = Canvas(canvas_id)
    c.clear()
    top = float(np.max(np.abs(values))) or 1.0
    width = c.width / len(values)
    boxes = []
    for k, v in enumerate(values):
        h = (c.height - 4) * min(abs(float(v)) / top, 1.0)
        boxes.append((k * width, c.height - 2 - h, max(width - (1 if width > 3 else 0), 0.5), h))
    c.rects(boxes, fill=BAR)


def _digit_bars(p: np.ndarray, answer: int) -> None:
    c = Canvas("c6-out")
    c.clear()
    w = c.width / 10
    base = c.height - 18
    c.rects([(d * w + 4, base - (base - 6) * float(p[d]), w - 8, (base - 6) * float(p[d])) for d in range(10)], BAR)
    c.texts([(str(d), d * w + w / 2, c.height - 8) for d in range(10)], size=12)
    c.rect(answer * w + 2, 2, w - 4, base - 2, stroke="#d55e00", width=2)


# ------------------------------------------------------------------ the large view


def _hover(canvas_id: str, event) -> None:
    if canvas_id not in state.pictures:
        return
    c = Canvas(canvas_id)
    x, y = c.event_xy(event)
    k = tile_index(x, y, state.pictures[canvas_id][0])
    if k is not None:
        _zoom(canvas_id, k)


def _key(canvas_id: str, event) -> None:
    if canvas_id not in state.pictures:
        return
    layout = state.pictures[canvas_id][0]
    step = {"ArrowRight": 1, "ArrowLeft": -1, "ArrowDown": layout.columns, "ArrowUp": -layout.columns}.get(event.key)
    if step is None:
        return
    event.preventDefault()
    k = min(max(state.focus.get(canvas_id, 0) + step, 0), layout.count - 1)
    state.focus[canvas_id] = k
    _zoom(canvas_id, k)


def _zoom(canvas_id: str, k: int) -> None:
    if canvas_id not in state.pictures:
        return
    layout, tiles, what = state.pictures[canvas_id]
    tile = tiles[k]
    c = Canvas("c6-zoom")
    c.clear()
    if "filter" in what:
        rgba = diverging(tile, float(np.max(np.abs(tiles))) or 1.0)
        low, high = float(tile.min()), float(tile.max())
        words = f"{what} {k + 1} of {layout.count}: weights from {low:.3g} to {high:.3g}"
    else:
        top = float(np.max(np.abs(tiles))) or 1.0
        rgba = grayscale(tile / top)
        words = f"{what} {k + 1} of {layout.count} ({tile.shape[0]}×{tile.shape[1]}): up to {float(tile.max()):.3g}"
    c.draw_rgba(rgba, 0, 0, ZOOM, ZOOM, smooth=False)
    by_id("c6-zoom").setAttribute("data-shown", f"{canvas_id}:{k}")
    set_text("c6-zoom-text", words)
    lab.publish("c6-zoom", what=what)
