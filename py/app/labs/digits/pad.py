"""Digits lab drawing pad: strokes drawn with a pointer, and what the active network answers.

The drawing is kept as strokes (lists of points in canvas pixels): the ink
image is rasterised with ``digits.rasterize_strokes``, one new segment at a
time (``ink_segment``), and ``preprocess_digit`` turns it into the 28x28
input, so the canvas's pixels are never read back. "Read test image" shows a
test image instead of the drawing. The answer is in ``#dg-answer``
(data-digit, data-confidence, data-outputs) and ``#dg-bars``.
"""

from __future__ import annotations

import time

import numpy as np

from app.labs.digits import hidden, view
from app.labs.digits.state import SIZE, lab, state
from app.ui.dom import by_id, set_html, set_text
from nnfs.data import mnist
from nnfs.data.drawn_digits import ink_segment, preprocess_digit, rasterize_strokes
from nnfs.labs.digits import confidences
from nnfs.models.model_io import usable

PEN = 20.0  # pen width in canvas pixels: MNIST-thick strokes for a ~200 px digit
PREDICT_EVERY = 0.05  # s between predictions while a stroke is being drawn
INK = "#1b2430"


def setup() -> None:
    ctx = state.canvases["draw"].ctx
    ctx.lineCap = "round"
    ctx.lineJoin = "round"
    redraw_strokes()


def redraw_strokes() -> None:
    c = state.canvases["draw"]
    c.clear()
    _draw_guides()
    for stroke in state.strokes:
        if len(stroke) == 1:
            c.circle(stroke[0][0], stroke[0][1], PEN / 2, fill=INK, stroke=None)
        else:
            c.polyline([p[0] for p in stroke], [p[1] for p in stroke], INK, PEN)
    c.element.setAttribute("data-strokes", str(len(state.strokes)))


def _draw_guides() -> None:
    """A faint box where a digit of MNIST's proportions fits."""
    c = state.canvases["draw"]
    m = 40
    c.ctx.setLineDash([4, 6])
    c.ctx.strokeStyle = "#d5dbe2"
    c.ctx.lineWidth = 1
    c.ctx.strokeRect(m, m, SIZE - 2 * m, SIZE - 2 * m)
    c.ctx.setLineDash([])


def _add_point(x: float, y: float) -> None:
    """Extend the current stroke: draw the new segment and ink it into the image (same pen)."""
    stroke = state.strokes[-1]
    prev = stroke[-1] if stroke else (x, y)
    stroke.append((x, y))
    c = state.canvases["draw"]
    if prev == (x, y):
        c.circle(x, y, PEN / 2, fill=INK, stroke=None)
    else:
        c.line(prev[0], prev[1], x, y, INK, PEN)
    ink_segment(state.ink, prev, (x, y), PEN)
    state.ink_version += 1


def pointer_down(event) -> None:
    if event.pointerType == "mouse" and int(event.button) != 0:
        return
    event.preventDefault()
    c = state.canvases["draw"]
    c.capture(event)
    state.pointer = event.pointerId
    state.shown_test_index = None
    state.strokes.append([])
    _add_point(*c.event_xy(event))
    c.element.setAttribute("data-strokes", str(len(state.strokes)))
    predict_drawing()


def pointer_move(event) -> None:
    if state.pointer is None or event.pointerId != state.pointer:
        return
    event.preventDefault()
    _add_point(*state.canvases["draw"].event_xy(event))
    if time.perf_counter() - state.last_predict >= PREDICT_EVERY:
        predict_drawing()


def pointer_up(event) -> None:
    if state.pointer is None or event.pointerId != state.pointer:
        return
    state.pointer = None
    predict_drawing()


def clear_drawing(_event=None) -> None:
    state.strokes.clear()
    state.ink = np.zeros((SIZE, SIZE))
    state.ink_version += 1
    state.shown_test_index = None
    redraw_strokes()
    predict_drawing()


def undo(_event=None) -> None:
    if state.strokes:
        state.strokes.pop()
    state.ink = rasterize_strokes(state.strokes, SIZE, SIZE, PEN) if state.strokes else np.zeros((SIZE, SIZE))
    state.ink_version += 1
    redraw_strokes()
    predict_drawing()


def _show_answer(pixels, net) -> None:
    """Feed 784 inputs in [0, 1] to the network and show its answer and confidences.

    Anything that goes wrong (non-finite outputs, say) empties the panel and says why:
    it must never keep showing an earlier network's, or an earlier drawing's, answer.
    """
    answer_el = by_id("dg-answer")
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = net.feedforward(pixels)
        conf = confidences(outputs, net.output_activation)
    except (ValueError, ArithmeticError, MemoryError) as e:
        _no_answer(f"This network cannot read {_source_text()}: {e}.")
        return
    answer = int(np.argmax(outputs))
    answer_el.textContent = str(answer)
    answer_el.setAttribute("data-digit", str(answer))
    answer_el.setAttribute("data-confidence", f"{conf[answer]:.6f}")
    answer_el.setAttribute("data-outputs", ",".join(f"{v:.9g}" for v in outputs))
    set_html("dg-bars", view.bars_html(conf, answer))


def _show_convnet(pixels) -> None:
    """The pretrained convolutional net's answer for the same 784 pixels, beside the chosen
    model's, with how sure each is (the chosen one's confidence is its own bars')."""
    el = by_id("dg-conv-answer")
    conv = state.convnet
    if conv is None:
        return
    p = conv.feedforward(np.asarray(pixels, dtype=np.float64).reshape(1, -1))[0]
    answer = int(np.argmax(p))
    el.textContent = f"{answer} ({100 * p[answer]:.1f} % sure)"
    el.setAttribute("data-digit", str(answer))
    el.setAttribute("data-confidence", f"{p[answer]:.6f}")
    el.setAttribute("data-outputs", ",".join(repr(float(v)) for v in p))
    mine = str(by_id("dg-answer").getAttribute("data-digit"))
    agree = "agrees with" if mine == str(answer) else "differs from"
    acc = conv.meta.get("test_accuracy")
    score = f", {100 * acc:.2f} % on the test set" if isinstance(acc, float) else ""
    set_text("dg-conv-note", f"The pretrained convolutional net of chapter 6{score}; it {agree} the answer above.")


def _no_answer(text: str) -> None:
    answer_el = by_id("dg-answer")
    answer_el.textContent = "–"
    answer_el.setAttribute("data-digit", "")
    answer_el.setAttribute("data-confidence", "")
    answer_el.setAttribute("data-outputs", "")
    set_html("dg-bars", view.empty_bars_html())
    set_text("dg-answer-note", text)
    conv = by_id("dg-conv-answer")
    conv.textContent = "–"
    conv.setAttribute("data-digit", "")


def predict_drawing() -> None:
    """Preprocess the drawing (or the chosen test image) and show what the network answers."""
    state.last_predict = time.perf_counter()
    if state.shown_test_index is not None and "test" in state.data:
        images, labels = state.data["test"]
        pixels = images[state.shown_test_index] * mnist.SCALE
        source = f"test image {state.shown_test_index} (labelled {labels[state.shown_test_index]})"
        empty = False
    else:
        digit = _preprocessed()
        pixels, empty = digit.pixels, digit.empty
        source = "your drawing"
    view.draw_seen(state.canvases["seen"], pixels)
    net = state.active_net()
    by_id("dg-seen").setAttribute("data-source", source)
    hidden.update(net, None if empty else pixels)
    if empty:
        _no_answer("Draw a digit in the box.")
        return
    if net is None:
        if "pretrained" in state.failures:
            _no_answer(
                "No network yet: the pretrained model did not load (Retry at the top of the lab); "
                "or train one, or load one."
            )
        else:
            _no_answer("No network yet: wait for the pretrained model, train one or load one.")
        return
    if not usable(net):
        _no_answer(
            "This network diverged in training (its weights blew up or are no longer "
            "finite numbers), so it gives no answers."
        )
        return
    set_text("dg-answer-note", f"Reading {source}.")
    _show_answer(pixels, net)
    _show_convnet(pixels)


def _preprocessed():
    """The drawing as the network reads it, computed once per change of the ink (an epoch's
    end asks again with a new network, not a new drawing)."""
    if state.digit_cache is None or state.digit_cache[0] != state.ink_version:
        state.digit_cache = (state.ink_version, preprocess_digit(state.ink))
    return state.digit_cache[1]


def _source_text() -> str:
    return "this test image" if state.shown_test_index is not None else "the drawing"


def read_test_image(_event=None) -> None:
    if "test" not in state.data:
        if "test" in state.failures:
            set_text("dg-answer-note", "The test set did not load: press Retry beside this button.")
            by_id("dg-test-retry").hidden = False
        else:
            set_text("dg-answer-note", "The test set is still loading.")
        return
    state.shown_test_index = int(lab["image"])
    predict_drawing()
