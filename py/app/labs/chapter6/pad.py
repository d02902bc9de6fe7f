"""The Chapter 6 lab's image at hand: a digit drawn on the pad (strokes inked as they are drawn,
then made to look like an MNIST digit by ``nnfs.data.drawn_digits``) or a test image. Glue only."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from app.labs.chapter6.state import PAD_SIZE, state
from app.ui.canvas import Canvas
from app.ui.dom import by_id, on, set_text
from nnfs.data import mnist
from nnfs.data.drawn_digits import ink_segment, preprocess_digit
from pictures.pixels import grayscale

PEN = 14.0  # pen width for the 196 px pad: MNIST-thick strokes
INK = "#1b2430"
LOOK_EVERY = 0.05  # s between redraws while a stroke is drawn


def setup(redraw: Callable[[], None]) -> None:
    """Bind the pad; ``redraw()`` shows what the net makes of the image after each change."""
    state.redraw = redraw
    c = Canvas("c6-draw")
    c.ctx.lineCap = "round"
    c.ctx.lineJoin = "round"
    c.clear()
    c.element.style.touchAction = "none"
    on("c6-draw", "pointerdown", _down)
    on("c6-draw", "pointermove", _move)
    on("c6-draw", "pointerup", _up)
    on("c6-draw", "pointercancel", _up)
    on("c6-clear", "click", lambda _e: clear())
    on("c6-read-test", "click", lambda _e: read_test())


# ------------------------------------------------------------------ the image at hand


def _down(event) -> None:
    if event.pointerType == "mouse" and int(event.button) != 0:
        return
    event.preventDefault()
    c = Canvas("c6-draw")
    c.capture(event)
    state.pointer = event.pointerId
    if state.test_index is not None:  # a test image was shown: the drawing starts afresh
        state.test_index = None
        state.strokes.clear()
        state.ink = np.zeros((PAD_SIZE, PAD_SIZE))
        c.clear()
    state.strokes.append([])
    _point(*c.event_xy(event))
    c.element.setAttribute("data-strokes", str(len(state.strokes)))
    state.redraw()


def _move(event) -> None:
    if state.pointer is None or event.pointerId != state.pointer:
        return
    event.preventDefault()
    _point(*Canvas("c6-draw").event_xy(event))
    if time.perf_counter() - state.last_look >= LOOK_EVERY:
        state.redraw()


def _up(event) -> None:
    if state.pointer is None or event.pointerId != state.pointer:
        return
    state.pointer = None
    state.redraw()


def _point(x: float, y: float) -> None:
    stroke = state.strokes[-1]
    prev = stroke[-1] if stroke else (x, y)
    stroke.append((x, y))
    c = Canvas("c6-draw")
    if prev == (x, y):
        c.circle(x, y, PEN / 2, fill=INK, stroke=None)
    else:
        c.line(prev[0], prev[1], x, y, INK, PEN)
    ink_segment(state.ink, prev, (x, y), PEN)


def clear() -> None:
    state.strokes.clear()
    state.ink = np.zeros((PAD_SIZE, PAD_SIZE))
    state.test_index = None
    c = Canvas("c6-draw")
    c.clear()
    c.element.setAttribute("data-strokes", "0")
    state.redraw()


def read_test() -> None:
    """Show test image number ``#c6-image`` (and what the net makes of it)."""
    text = str(by_id("c6-image").value).strip()
    if not text.isdigit() or not 0 <= int(text) < mnist.N_TEST:
        set_text("c6-answer-note", f"The test image number must be a whole number from 0 to {mnist.N_TEST - 1:,}.")
        return
    if state.test is None:
        set_text("c6-answer-note", "The test images are still loading.")
        return
    state.test_index = int(text)
    state.strokes.clear()
    state.ink = np.zeros((PAD_SIZE, PAD_SIZE))
    image = state.test[0][state.test_index].reshape(28, 28) / 255.0
    Canvas("c6-draw").draw_rgba(grayscale(image), 0, 0, PAD_SIZE, PAD_SIZE, smooth=False)
    state.redraw()


def pixels() -> tuple[np.ndarray | None, str, str]:
    """(the 784 inputs in 0..1, or None for an empty pad; the hook's source; the words for it)."""
    if state.test_index is not None and state.test is not None:
        images, labels = state.test
        k = state.test_index
        return images[k] * mnist.SCALE, f"test:{k}", f"test image {k} (labelled {int(labels[k])})"
    digit = preprocess_digit(state.ink)
    return (None if digit.empty else digit.pixels), "drawing", "your drawing"
