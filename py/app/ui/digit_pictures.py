"""Digits as pictures, shared by the labs that read MNIST (Digits, Chapter 6): a captioned strip
or gallery page of digits in one ImageData, and which digits a gallery shows (``pictures.gallery``). Glue only (the
tiles are ``pictures.pixels.tile_digits``)."""

from __future__ import annotations

from app.ui.canvas import Canvas
from pictures.gallery import gallery_page, gallery_selection  # noqa: F401 - the gallery's pages, shared
from pictures.pixels import tile_digits, tile_origin

GOOD = "#2a9d8f"
BAD = "#c62f3b"


def resize(canvas: Canvas, width: int, height: int) -> None:
    """Give a canvas a new pixel size (which also clears it)."""
    width, height = int(width), int(height)
    if (canvas.width, canvas.height) != (width, height):
        canvas.element.width, canvas.element.height = width, height
        canvas.width, canvas.height = width, height


def draw_digit_strip(
    canvas: Canvas, images, labels, predictions, columns: int, scale: int = 2, caption: str = "answer"
) -> None:
    """Digits in a grid, each captioned: 'answer' shows the network's answer (red when wrong),
    'label→answer' shows the true digit and the answer."""
    n = len(images)
    pad, label_height = 4, 16
    if n == 0:
        resize(canvas, canvas.width, 40)
        canvas.clear()
        canvas.text("none", canvas.width / 2, 20, "#5b6675", 13)
        return
    rgba = tile_digits(images, columns=min(columns, n), scale=scale, pad=pad, label_height=label_height)
    resize(canvas, rgba.shape[1], rgba.shape[0])
    canvas.put_rgba(rgba)
    side = 28 * scale
    good, bad = [], []
    for k in range(n):
        top, left = tile_origin(k, min(columns, n), scale, pad, label_height)
        y, x = top + side + label_height / 2 + 1, left + side / 2
        label, answer = int(labels[k]), int(predictions[k])
        text = f"{answer}" if caption == "answer" else f"{label}→{answer}"
        (good if label == answer else bad).append((text, x, y))
    for items, colour in ((good, GOOD), (bad, BAD)):
        canvas.texts(items, colour, 13, bold=True)  # one style per colour: few bridge calls
