"""What the playground draws, as pixels and path strings: pure Python + numpy.

The glue (``app.labs.playground.lab``) sends each picture to a canvas in a handful
of calls: heatmaps and the network diagram as one ``ImageData`` each, and
everything made of many shapes (data points, weight lines, curves) as one SVG
path string per colour, which the canvas turns into a ``Path2D`` and strokes
or fills in one call. No ``js`` here, so it is tested in CPython.
"""

from __future__ import annotations

import json
import math
import struct
import time
from dataclasses import dataclass

import numpy as np

from nnfs.labs.playground.session import activations
from pictures.paths import circle_path, square_path, svg_path
from pictures.pixels import CLASS_RGB, WHITE, class_heatmap, grid, hex_color, rgba_from_rgb

BOX = (-1.1, 1.1)  # the plane drawn on the plot: the data's box [-1, 1]
# (datasets.BOX) and a margin, so points at |x| = 1 show whole
RES = 60  # the network is evaluated on a RES x RES grid
NEG_RGB = (231, 111, 81)  # negative weights / activations (pixels.diverging)
POS_RGB = (69, 123, 157)  # positive ones
WEIGHT_FULL = 4.0  # |w| drawn with the thickest line
WIDTH_STEPS = 6  # line widths are rounded to this many steps


def css_rgba(rgb, alpha: float = 1.0) -> str:
    r, g, b = (int(round(c)) for c in rgb)
    return f"rgba({r},{g},{b},{alpha:g})"


CLASS_CSS = [hex_color(c) for c in CLASS_RGB]
CLASS_NAMES = ("orange", "teal", "sand", "purple")


# ----------------------------------------------------------------- heatmaps


def class_probabilities(outputs: np.ndarray, output_activation: str) -> np.ndarray:
    """Rows of output activations -> rows that sum to 1.

    Softmax outputs already do. Sigmoid outputs are independent yes/no
    answers, e.g. (0.9, 0.8): the network picks the larger (``predict`` is an
    argmax) but is far from sure, so they are normalised to (0.53, 0.47) and the
    heatmap shows that spot as pale."""
    a = np.nan_to_num(np.asarray(outputs, dtype=np.float64), nan=0.0)
    if output_activation == "softmax":
        return a
    total = a.sum(axis=-1, keepdims=True)
    k = a.shape[-1]
    return np.where(total > 1e-12, a / np.where(total > 1e-12, total, 1.0), 1.0 / k)


def decision_rgba(outputs: np.ndarray, output_activation: str, res: int = RES) -> np.ndarray:
    """The decision regions (res, res, 4) from the outputs at the res*res grid points."""
    p = class_probabilities(outputs, output_activation)
    return class_heatmap(p.reshape(res, res, -1), strength=0.6)


def _resample(layer: np.ndarray, size: int, res: int) -> np.ndarray:
    """(res*res, n) grid values -> (n, size, size) pictures, nearest-neighbour."""
    a = np.nan_to_num(np.asarray(layer, dtype=np.float64).reshape(res, res, -1))
    idx = (np.arange(size) * res) // size
    return np.moveaxis(a[idx][:, idx], -1, 0)


def neuron_maps(layer: np.ndarray, activation: str, size: int, res: int = RES) -> np.ndarray:
    """One layer's activations at the grid, (res*res, n) -> n pictures (n, size, size, 4).

    Orange below the centre of the activation's range, white at it, blue
    above: sigmoid 0..1 around 0.5, tanh -1..1 around 0; ReLU and linear
    around 0, scaled to each neuron's own largest |value| on the plane.
    Output neurons: use ``output_maps``."""
    a = _resample(layer, size, res)  # (n, size, size)
    if activation == "sigmoid":
        t = (a - 0.5) / 0.5
    elif activation == "tanh":
        t = a
    else:
        top = np.abs(a).max(axis=(1, 2), keepdims=True) if a.size else np.ones((0, 1, 1))
        t = a / np.where(top > 1e-12, top, 1.0)
    t = np.clip(t, -1.0, 1.0)[..., None]
    neg, pos = np.array(NEG_RGB, float), np.array(POS_RGB, float)
    rgb = np.where(t < 0, WHITE + (neg - WHITE) * (-t), WHITE + (pos - WHITE) * t)
    return _framed(rgba_from_rgb(rgb))


def output_maps(layer: np.ndarray, size: int, res: int = RES) -> np.ndarray:
    """Output neuron j's activation (0..1), white to class j's colour: (n, size, size, 4)."""
    t = np.clip(_resample(layer, size, res), 0.0, 1.0)[..., None]  # (n, size, size, 1)
    colours = CLASS_RGB[np.arange(t.shape[0]) % 4][:, None, None, :]
    return _framed(rgba_from_rgb(WHITE * (1 - t) + colours * t))


def _framed(tiles: np.ndarray) -> np.ndarray:
    """A grey 1-pixel frame round each picture of a (n, size, size, 4) stack."""
    tiles[:, 0, :, :3] = tiles[:, -1, :, :3] = tiles[:, :, 0, :3] = tiles[:, :, -1, :3] = 120
    return tiles


# ------------------------------------------------------------ network diagram


@dataclass(frozen=True)
class Layout:
    """Where each neuron of a network with layer ``sizes`` sits on a canvas.

    ``x[l]``: the left edge of layer l's column; ``y[l][j]``: the top edge of
    neuron j's picture; every picture is ``tile`` pixels square."""

    sizes: tuple
    width: int
    height: int
    tile: int
    x: tuple
    y: tuple

    @classmethod
    def make(
        cls, sizes, width: int, height: int, top: int = 30, left: int = 34, right: int = 12, bottom: int = 8
    ) -> "Layout":
        sizes = tuple(int(s) for s in sizes)
        slot = (height - top - bottom) / max(sizes)
        tile = int(max(8, min(52, slot * 0.8)))
        cols = len(sizes)
        span = width - left - right - tile
        xs = tuple(int(round(left + span * l / (cols - 1))) for l in range(cols))
        ys = []
        for n in sizes:
            column = n * slot
            start = top + (height - top - bottom - column) / 2 + (slot - tile) / 2
            ys.append(tuple(int(round(start + j * slot)) for j in range(n)))
        return cls(sizes, width, height, tile, xs, tuple(ys))

    def centre_y(self, l: int, j: int) -> float:
        return self.y[l][j] + self.tile / 2


def diagram_height(sizes) -> int:
    """A canvas height that gives the widest layer room: 26 px per neuron, 220..460 px."""
    return int(min(460, max(220, 40 + 26 * max(sizes))))


def diagram_rgba(layout: Layout, maps: list[np.ndarray]) -> np.ndarray:
    """The diagram's pixels: white, with each neuron's picture at its place.
    ``maps[l]`` is layer l's (n, tile, tile, 4) pictures."""
    img = np.full((layout.height, layout.width, 4), 255, dtype=np.uint8)
    t = layout.tile
    for l, tiles in enumerate(maps):
        for j, tile in enumerate(tiles):
            y0, x0 = layout.y[l][j], layout.x[l]
            img[y0 : y0 + t, x0 : x0 + t] = tile
    return img


def network_pictures(network, width: int = 0, height: int = 0, points=None) -> bytes:
    """The decision regions (RES x RES x 4) and, if ``width``, the diagram of a
    ``width`` x ``height`` canvas (every neuron's picture), as one uint8 buffer.

    The training worker computes these for the page at every frame (pure numpy,
    so the page's thread only copies pixels); ``split_pictures`` takes them apart."""
    acts = activations(network, grid(BOX, BOX, RES, RES) if points is None else points)
    parts = [decision_rgba(acts[-1], network.output_activation)]
    if width:
        layout = Layout.make(network.sizes, width, height)
        t = layout.tile
        maps = [neuron_maps(acts[0], "tanh", t)]  # inputs x1, x2 range over [-1, 1]
        maps += [neuron_maps(a, network.activation, t) for a in acts[1:-1]]
        maps.append(output_maps(acts[-1], t))
        parts.append(diagram_rgba(layout, maps))
    return b"".join(np.ascontiguousarray(p, dtype=np.uint8).tobytes() for p in parts)


# A frame's buffer starts with: bytes of progress JSON, bytes of weights, seconds of work in the worker.
FRAME_HEAD = struct.Struct("<IId")


def frame_bytes(sessions, sid: int, budget: float, width: int = 0, height: int = 0, **run) -> bytes:
    """One display frame of a Playground run, made where the session lives (the worker):
    train about ``budget`` seconds (``run``: the other arguments of ``Sessions.run``), then
    the progress, the weights (``nnfs.runs.remote.pack``) and the pictures (``network_pictures``)
    of that moment, as one buffer (``split_frame``): one round trip per frame, not three."""
    t0 = time.perf_counter()
    progress = sessions.run(sid, budget, **run).encode()
    weights = sessions.weights(sid)
    pictures = network_pictures(sessions.network(sid), width, height, _plane())
    head = FRAME_HEAD.pack(len(progress), len(weights), time.perf_counter() - t0)
    return head + progress + weights + pictures


def split_frame(data: bytes) -> tuple[dict, bytes, bytes, float]:
    """(progress, weights, pictures, seconds of work) from ``frame_bytes``'s buffer."""
    n_progress, n_weights, seconds = FRAME_HEAD.unpack_from(data)
    k = FRAME_HEAD.size
    progress = json.loads(data[k : k + n_progress].decode())
    k += n_progress
    return progress, data[k : k + n_weights], data[k + n_weights :], seconds


_PLANE: list = []


def _plane() -> np.ndarray:
    """The RES x RES grid of the plot's points (made once: every frame evaluates the network on it)."""
    if not _PLANE:
        _PLANE.append(grid(BOX, BOX, RES, RES))
    return _PLANE[0]


def split_pictures(data: bytes, width: int = 0, height: int = 0):
    """(decision RGBA, diagram RGBA or None) from ``network_pictures``'s bytes."""
    buf = np.frombuffer(data, dtype=np.uint8)
    k = RES * RES * 4
    decision = buf[:k].reshape(RES, RES, 4)
    if not width:
        return decision, None
    return decision, buf[k : k + height * width * 4].reshape(height, width, 4)


def weight_strokes(layout: Layout, weights) -> list[tuple[str, float, str]]:
    """The weights as lines from each neuron's right edge to the next layer's
    neurons: blue positive, orange negative, thicker for larger |w| (|w| >= 4
    is the thickest). Returns (colour, width, SVG path) per colour and width."""
    groups: dict[tuple[int, int], list[str]] = {}
    t = layout.tile
    for l, w in enumerate(weights):
        w = np.nan_to_num(np.asarray(w, dtype=np.float64))
        x0, x1 = layout.x[l] + t, layout.x[l + 1]
        steps = np.minimum((np.abs(w) / WEIGHT_FULL * WIDTH_STEPS).astype(int), WIDTH_STEPS - 1)
        for j in range(w.shape[0]):  # to neuron j of layer l+1
            y1 = layout.centre_y(l + 1, j)
            for i in range(w.shape[1]):  # from neuron i of layer l
                key = (int(w[j, i] >= 0), int(steps[j, i]))
                groups.setdefault(key, []).append(f"M{x0} {layout.centre_y(l, i):.1f}L{x1} {y1:.1f}")
    strokes = []
    for (positive, step), segments in sorted(groups.items(), key=lambda kv: kv[0][1]):
        width = 0.5 + 3.5 * (step + 0.5) / WIDTH_STEPS
        colour = css_rgba(POS_RGB if positive else NEG_RGB, 0.8)
        strokes.append((colour, round(width, 2), "".join(segments)))
    return strokes


# ------------------------------------------------------------------- shapes


def to_canvas(points, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Data coordinates in the box -> canvas pixels on a size x size plot (y up)."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    lo, hi = BOX
    return (p[:, 0] - lo) / (hi - lo) * size, (hi - p[:, 1]) / (hi - lo) * size


def from_canvas(px: float, py: float, size: int) -> tuple[float, float]:
    lo, hi = BOX
    return lo + px / size * (hi - lo), hi - py / size * (hi - lo)


def point_shapes(data, size: int, r: float = 4.0) -> list[tuple]:
    """The data points as (fill, stroke, line width, SVG path) groups:
    training points filled, test points hollow rings, your own points squares."""
    shapes = []
    n_gen = len(data.X_train) - data.n_user
    parts = (
        ("test", data.X_test, data.y_test),
        ("train", data.X_train[:n_gen], data.y_train[:n_gen]),
        ("yours", data.X_train[n_gen:], data.y_train[n_gen:]),
    )
    for kind, X, y in parts:
        for k in range(4):
            sel = X[y == k]
            if not len(sel):
                continue
            xs, ys = to_canvas(sel, size)
            colour = CLASS_CSS[k]
            if kind == "test":
                shapes.append(("rgba(255,255,255,0.85)", colour, 2.2, circle_path(zip(xs, ys), r)))
            elif kind == "train":
                shapes.append((colour, "#1b2430", 0.8, circle_path(zip(xs, ys), r)))
            else:
                shapes.append((colour, "#1b2430", 2.0, square_path(zip(xs, ys), r + 1)))
    return shapes


# ------------------------------------------------------------------- curves


@dataclass(frozen=True)
class Chart:
    """A plot area (x, y, w, h) in canvas pixels with data ranges."""

    x: float
    y: float
    w: float
    h: float
    x_max: float
    y_max: float

    def path(self, xs, ys, max_points: int = 400) -> str:
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        if len(xs) > max_points:  # keep the drawing cheap for long runs
            keep = np.unique(np.linspace(0, len(xs) - 1, max_points).astype(int))
            xs, ys = xs[keep], ys[keep]
        px = self.x + xs / self.x_max * self.w
        py = self.y + self.h - np.clip(ys / self.y_max, 0, 1.02) * self.h
        return svg_path(px, py)


def loss_top(values) -> float:
    """A y-axis top for a loss curve: a round number above the largest finite value."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    top = float(v.max()) if v.size else 1.0
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * magnitude >= top:
            return m * magnitude
    return 10 * magnitude


def epochs_axis(last_epoch: int) -> int:
    """The x-axis end: at least 10 epochs, then the next round number (so it grows in steps)."""
    for m in (10, 20, 25, 50):
        if last_epoch <= m:
            return m
    magnitude = 10 ** math.floor(math.log10(last_epoch))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= last_epoch:
            return int(m * magnitude)
    return last_epoch


def per_second(count: float, seconds: float) -> str:
    """A training speed: whole numbers from 10 up, two significant figures below,
    so a big network's 0.4 epochs/s does not read as "0 epochs/s"."""
    rate = count / seconds if seconds > 0 else 0.0
    return f"{rate:.0f}" if rate >= 9.5 else f"{rate:.2g}"


def percent(x) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{100 * x:.1f} %"


def number(x) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.4f}"
