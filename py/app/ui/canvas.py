"""Drawing on a <canvas>: the one place that talks to the 2-D context.

Calls across the Python-JS bridge cost far more than numpy work, so the
context is cached, and dense pictures (heatmaps, digits) go over as a single
``ImageData`` built from an (H, W, 4) uint8 numpy buffer.
"""

from __future__ import annotations

import math

import numpy as np
from js import ImageData, Path2D, Uint8ClampedArray
from pyscript import document

from app.ui.dom import by_id
from pictures.paths import circle_path, rect_path, svg_path


class Canvas:
    """A canvas element and its cached 2-D context, with a few drawing verbs."""

    def __init__(self, element_id: str):
        self.element = by_id(element_id)
        self.ctx = self.element.getContext("2d")
        self.width = int(self.element.width)
        self.height = int(self.element.height)
        self._scratch = None  # an off-screen canvas for scaled images

    def resize(self, width: int, height: int) -> None:
        """Give the canvas a new size in pixels (this also clears it)."""
        width, height = int(width), int(height)
        if width != self.width or height != self.height:
            self.element.width, self.element.height = width, height
            self.width, self.height = width, height

    # -- whole-canvas operations
    def clear(self, color: str | None = "#ffffff") -> None:
        if color is None:
            self.ctx.clearRect(0, 0, self.width, self.height)
        else:
            self.ctx.fillStyle = color
            self.ctx.fillRect(0, 0, self.width, self.height)

    def image_data(self, rgba: np.ndarray):
        """An ImageData holding an (H, W, 4) uint8 buffer (one copy across the bridge)."""
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        h, w, _ = rgba.shape
        pixels = Uint8ClampedArray.new(h * w * 4)
        pixels.assign(rgba.reshape(-1))
        return ImageData.new(pixels, w, h)

    def put_rgba(self, rgba: np.ndarray, x: int = 0, y: int = 0) -> None:
        """Draw an (H, W, 4) uint8 buffer at (x, y), pixel for pixel."""
        self.ctx.putImageData(self.image_data(rgba), x, y)

    def draw_rgba(self, rgba: np.ndarray, x: float, y: float, w: float, h: float, smooth: bool = False) -> None:
        """Draw an (H, W, 4) buffer scaled into the rectangle (x, y, w, h)."""
        src_h, src_w, _ = rgba.shape
        if self._scratch is None:
            self._scratch = document.createElement("canvas")
        if int(self._scratch.width) != src_w or int(self._scratch.height) != src_h:
            self._scratch.width, self._scratch.height = src_w, src_h
        self._scratch.getContext("2d").putImageData(self.image_data(rgba), 0, 0)
        self.ctx.imageSmoothingEnabled = smooth
        self.ctx.drawImage(self._scratch, x, y, w, h)

    # -- shapes
    def line(self, x0, y0, x1, y1, color="#1b2430", width=1.0, dash=None) -> None:
        ctx = self.ctx
        ctx.beginPath()
        if dash:
            ctx.setLineDash(dash)
        ctx.moveTo(x0, y0)
        ctx.lineTo(x1, y1)
        ctx.strokeStyle = color
        ctx.lineWidth = width
        ctx.stroke()
        if dash:
            ctx.setLineDash([])

    def polyline(self, xs, ys, color="#1b2430", width=1.0, dash=None) -> None:
        """One path through many points (a curve), sent as one ``Path2D``.

        The path is built in Python as SVG path text, so a curve of hundreds of
        points costs a few bridge calls, not one per point. Non-finite points
        break the line (the next finite point starts a new piece).
        """
        path = Path2D.new(svg_path(xs, ys))
        ctx = self.ctx
        if dash:
            ctx.setLineDash(dash)
        ctx.strokeStyle = color
        ctx.lineWidth = width
        ctx.stroke(path)
        if dash:
            ctx.setLineDash([])

    def circle(self, x, y, r, fill="#ffffff", stroke="#1b2430", width=1.0) -> None:
        ctx = self.ctx
        ctx.beginPath()
        ctx.arc(x, y, r, 0, 2 * math.pi)
        self._paint(fill, stroke, width)

    def rect(self, x, y, w, h, fill=None, stroke=None, width=1.0, radius=0.0) -> None:
        ctx = self.ctx
        ctx.beginPath()
        if radius:
            ctx.roundRect(x, y, w, h, radius)
        else:
            ctx.rect(x, y, w, h)
        self._paint(fill, stroke, width)

    def _paint(self, fill, stroke, width, path=None) -> None:
        """Fill and/or stroke the current path (or a Path2D)."""
        ctx = self.ctx
        args = () if path is None else (path,)
        if fill:
            ctx.fillStyle = fill
            ctx.fill(*args)
        if stroke:
            ctx.strokeStyle = stroke
            ctx.lineWidth = width
            ctx.stroke(*args)

    # -- many shapes in one path: a diagram with a hundred wires is built as SVG path
    #    text in Python and sent as one Path2D, so it costs a few bridge calls, not
    #    a few per wire.
    def fill_stroke(self, path_text: str, fill=None, stroke=None, width=1.0) -> None:
        """Fill and/or stroke SVG path text ("M 0 0 L 10 10 ...") as one Path2D."""
        if not path_text:
            return
        self._paint(fill, stroke, width, Path2D.new(path_text))

    def rects(self, boxes, fill=None, stroke=None, width=1.0, radius=0.0) -> None:
        """Fill and/or stroke many rectangles (x, y, w, h), corners rounded by `radius`, as one path."""
        self.fill_stroke(rect_path(boxes, radius), fill, stroke, width)

    def circles(self, centres, r, fill="#ffffff", stroke="#1b2430", width=1.0) -> None:
        """Fill and/or stroke many circles of radius r, centres [(x, y), ...], as one path."""
        self.fill_stroke(circle_path(centres, r), fill, stroke, width)

    def texts(self, items, color="#1b2430", size=12, align="center", baseline="middle", bold=False) -> None:
        """Draw many strings [(s, x, y), ...] in one style (the style is set once)."""
        ctx = self.ctx
        ctx.font = f"{'600 ' if bold else ''}{size}px system-ui, sans-serif"
        ctx.fillStyle = color
        ctx.textAlign = align
        ctx.textBaseline = baseline
        for s, x, y in items:
            ctx.fillText(str(s), x, y)

    def text(self, s, x, y, color="#1b2430", size=12, align="center", baseline="middle", bold=False) -> None:
        ctx = self.ctx
        ctx.font = f"{'600 ' if bold else ''}{size}px system-ui, sans-serif"
        ctx.fillStyle = color
        ctx.textAlign = align
        ctx.textBaseline = baseline
        ctx.fillText(str(s), x, y)

    def event_xy(self, event) -> tuple[float, float]:
        """A mouse/pointer event's position in canvas pixels (the canvas may be scaled by CSS)."""
        rect = self.element.getBoundingClientRect()
        sx = self.width / rect.width if rect.width else 1.0
        sy = self.height / rect.height if rect.height else 1.0
        return (event.clientX - rect.left) * sx, (event.clientY - rect.top) * sy


def plot_axes(canvas: Canvas, x_range, y_range, margin=30, ticks_x=(), ticks_y=(), label_x="", label_y=""):
    """Draw axes and return (to_px_x, to_px_y) mapping data coordinates to canvas pixels."""
    w, h = canvas.width, canvas.height
    x0, x1 = x_range
    y0, y1 = y_range

    def px(x):
        return margin + (x - x0) / (x1 - x0) * (w - 1.5 * margin)

    def py(y):
        return h - margin - (y - y0) / (y1 - y0) * (h - 1.5 * margin)

    # The axes and every tick as one path, the tick labels with one style: a few bridge calls
    # instead of a dozen per tick (a plot redrawn during training must stay cheap).
    marks = [(px(x0), py(y0), px(x1), py(y0)), (px(x0), py(y0), px(x0), py(y1))]
    marks += [(px(t), py(y0), px(t), py(y0) + 4) for t in ticks_x]
    marks += [(px(x0) - 4, py(t), px(x0), py(t)) for t in ticks_y]
    canvas.fill_stroke("".join(f"M{a:.2f} {b:.2f}L{c:.2f} {d:.2f}" for a, b, c, d in marks), stroke="#8a94a3")
    canvas.texts([(f"{t:g}", px(t), py(y0) + 13) for t in ticks_x], "#5b6675", 11)
    canvas.texts([(f"{t:g}", px(x0) - 7, py(t)) for t in ticks_y], "#5b6675", 11, align="right")
    if label_x:
        canvas.text(label_x, px(x1), py(y0) - 10, "#5b6675", 12, align="right")
    if label_y:
        canvas.text(label_y, px(x0) + 6, py(y1) + 2, "#5b6675", 12, align="left", baseline="top")
    return px, py
