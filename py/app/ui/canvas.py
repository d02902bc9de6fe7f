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

# The smallest text a learner should have to read, in CSS pixels. A canvas is drawn in its own
# pixels and scaled by CSS to the width it is given: a 760-pixel chart on a 358 px phone column
# would shrink 12 px text to under 6 px. So text is drawn at least this tall *as displayed*.
MIN_TEXT_CSS_PX = 11


class Layout:
    """When the page's layout may have changed (a lab shown, the window resized), every
    canvas's cached display scale is stale: ``changed()`` moves the generation on."""

    generation = 0

    @classmethod
    def changed(cls) -> None:
        cls.generation += 1


class Canvas:
    """A canvas element and its cached 2-D context, with a few drawing verbs."""

    def __init__(self, element_id: str):
        self.element = by_id(element_id)
        self.ctx = self.element.getContext("2d")
        self.width = int(self.element.width)
        self.height = int(self.element.height)
        self._scratch = None  # an off-screen canvas for scaled images
        self._css_width = 0.0  # the width CSS gives the canvas, as last measured (0: not known)
        self._css_generation = -1
        self.estimated = False  # its displayed width was estimated (hidden when it last measured)

    def resize(self, width: int, height: int) -> None:
        """Give the canvas a new size in pixels (this also clears it)."""
        width, height = int(width), int(height)
        if width != self.width or height != self.height:
            self.element.width, self.element.height = width, height
            self.width, self.height = width, height
            self._css_generation = -1  # its displayed width may follow

    def px_per_css_px(self) -> float:
        """Canvas pixels per CSS pixel as the canvas is displayed (2.1 for a 760-pixel chart
        shown 358 px wide). Measured once per layout generation; a hidden canvas (a lab set
        up off screen) is estimated from the window's width, on the small side, so its text
        errs large rather than unreadable until the lab is shown and draws again."""
        if self._css_generation != Layout.generation:
            width = self.displayed_width()
            self.estimated = width <= 0
            if self.estimated:
                viewport = float(document.documentElement.clientWidth) or float(self.width)
                return self.width / max(1.0, min(float(self.width), viewport - 32.0))
            self._css_width, self._css_generation = width, Layout.generation
        return self.width / self._css_width

    def displayed_width(self) -> float:
        """The width CSS gives the canvas now, in CSS pixels (0 while it is hidden)."""
        return float(self.element.getBoundingClientRect().width)

    def grow(self) -> float:
        """How much larger than its nominal size text must be drawn to stay readable here
        (1 on a desktop; about 2 for a wide chart on a phone). Layout that holds text (an
        axis margin, a label's offset) multiplies by it too, so the text keeps its room."""
        return max(1.0, self.px_per_css_px())

    def font_px(self, size: float) -> float:
        """The font size to draw ``size``-pixel text at: never under MIN_TEXT_CSS_PX as displayed."""
        return max(float(size), MIN_TEXT_CSS_PX * self.px_per_css_px())

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
        ctx.font = f"{'600 ' if bold else ''}{self.font_px(size):.1f}px system-ui, sans-serif"
        ctx.fillStyle = color
        ctx.textAlign = align
        ctx.textBaseline = baseline
        for s, x, y in items:
            ctx.fillText(str(s), x, y)

    def text(self, s, x, y, color="#1b2430", size=12, align="center", baseline="middle", bold=False) -> None:
        self.texts([(s, x, y)], color, size, align, baseline, bold)

    def event_xy(self, event) -> tuple[float, float]:
        """A mouse/pointer event's position in canvas pixels (the canvas may be scaled by CSS)."""
        rect = self.element.getBoundingClientRect()
        sx = self.width / rect.width if rect.width else 1.0
        sy = self.height / rect.height if rect.height else 1.0
        return (event.clientX - rect.left) * sx, (event.clientY - rect.top) * sy

    def capture(self, event) -> None:
        """Keep the pointer of ``event`` (a stroke or a drag) on this canvas when it leaves it.

        Only a nicety: a pointer that is no longer active by the time the handler runs (lifted
        already, or an event a script made) cannot be captured, and Firefox then throws
        NotFoundError where WebKit and Chromium do not. The stroke must go on without capture,
        not stop before its first point."""
        try:
            self.element.setPointerCapture(event.pointerId)
        except Exception:  # noqa: BLE001 - a JsException of the DOM's, whatever its name
            pass


def plot_axes(canvas: Canvas, x_range, y_range, margin=30, ticks_x=(), ticks_y=(), label_x="", label_y=""):
    """Draw axes and return (to_px_x, to_px_y) mapping data coordinates to canvas pixels."""
    w, h = canvas.width, canvas.height
    x0, x1 = x_range
    y0, y1 = y_range
    g = canvas.grow()  # on a small screen the labels grow (MIN_TEXT_CSS_PX), and their room with them
    margin *= g

    def px(x):
        return margin + (x - x0) / (x1 - x0) * (w - 1.5 * margin)

    def py(y):
        return h - margin - (y - y0) / (y1 - y0) * (h - 1.5 * margin)

    # The axes and every tick as one path, the tick labels with one style: a few bridge calls
    # instead of a dozen per tick (a plot redrawn during training must stay cheap).
    marks = [(px(x0), py(y0), px(x1), py(y0)), (px(x0), py(y0), px(x0), py(y1))]
    marks += [(px(t), py(y0), px(t), py(y0) + 4 * g) for t in ticks_x]
    marks += [(px(x0) - 4 * g, py(t), px(x0), py(t)) for t in ticks_y]
    canvas.fill_stroke("".join(f"M{a:.2f} {b:.2f}L{c:.2f} {d:.2f}" for a, b, c, d in marks), stroke="#8a94a3")
    canvas.texts([(f"{t:g}", px(t), py(y0) + 13 * g) for t in ticks_x], "#5b6675", 11)
    canvas.texts([(f"{t:g}", px(x0) - 7 * g, py(t)) for t in ticks_y], "#5b6675", 11, align="right")
    if label_x:
        canvas.text(label_x, px(x1), py(y0) - 10 * g, "#5b6675", 12, align="right")
    if label_y:
        canvas.text(label_y, px(x0) + 6 * g, py(y1) + 2 * g, "#5b6675", 12, align="left", baseline="top")
    return px, py
