"""Pure numpy pixel helpers: colour maps and RGBA buffers for the canvas.

No ``js`` here, so these are tested in CPython; ``canvas.py`` sends the
buffers they build to the page as one ``ImageData`` each.
"""

from __future__ import annotations

import numpy as np

# Class colours, matching --class-0 .. --class-3 in static/css/app.css.
CLASS_RGB = np.array(
    [
        [231, 111, 81],  # orange-red
        [42, 157, 143],  # teal
        [233, 196, 106],  # sand
        [106, 76, 147],  # purple
    ],
    dtype=np.float64,
)
WHITE = np.array([255.0, 255.0, 255.0])


def hex_color(rgb) -> str:
    r, g, b = (int(round(c)) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def rgba_from_rgb(rgb: np.ndarray, alpha: int = 255) -> np.ndarray:
    """(..., 3) floats in 0..255 -> (..., 4) uint8; an (H, W, 4) result is ready for ImageData."""
    out = np.empty(rgb.shape[:-1] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(np.rint(rgb), 0, 255)
    out[..., 3] = alpha
    return out


def class_heatmap(probabilities: np.ndarray, strength: float = 0.55) -> np.ndarray:
    """Decision regions: (H, W, K) class probabilities -> (H, W, 4) RGBA.

    Each pixel is its most likely class's colour, faded towards white by how
    unsure the network is there, so the boundary shows as a pale band.
    For a single-output network pass (H, W, 1) with P(class 1).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.shape[-1] == 1:
        p = np.concatenate([1.0 - p, p], axis=-1)
    k = p.shape[-1]
    winner = np.argmax(p, axis=-1)
    confidence = np.max(p, axis=-1)
    # 1/k (a coin toss) -> white, 1 -> full strength colour.
    t = np.clip((confidence - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[..., None] * strength
    rgb = WHITE * (1.0 - t) + CLASS_RGB[winner] * t
    return rgba_from_rgb(rgb)


# Pixels coloured per pass by ``diverging``: its float64 temporaries (a few (n, 3) arrays)
# stay near 10 MB whatever the picture's size. In the page a WebAssembly memory grows and
# never shrinks, so one big temporary would stay the page's floor for the whole session
# (the Digits lab's 100 weight tiles made 33 MB of them in one go).
CHUNK_PIXELS = 65_536


def diverging(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """Signed values -> (.., 4) RGBA: negative orange, zero white, positive blue.

    Coloured CHUNK_PIXELS at a time (each pixel on its own, so the result is the same)."""
    v = np.asarray(values, dtype=np.float64)
    if limit is None:
        limit = float(np.max(np.abs(v))) or 1.0
    out = np.empty(v.shape + (4,), dtype=np.uint8)
    flat, rgba = v.reshape(-1), out.reshape(-1, 4)
    for k in range(0, flat.size, CHUNK_PIXELS):
        rgba[k : k + CHUNK_PIXELS] = _diverging(flat[k : k + CHUNK_PIXELS], limit)
    return out


def _diverging(v: np.ndarray, limit: float) -> np.ndarray:
    t = np.clip(v / limit, -1.0, 1.0)[..., None]
    neg = np.array([231.0, 111.0, 81.0])
    pos = np.array([69.0, 123.0, 157.0])
    rgb = np.where(t < 0, WHITE + (neg - WHITE) * (-t), WHITE + (pos - WHITE) * t)
    return rgba_from_rgb(rgb)


def grayscale(image: np.ndarray, invert: bool = True) -> np.ndarray:
    """(H, W) intensities in [0, 1] -> RGBA; ``invert`` draws ink dark on white."""
    g = np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0)
    if invert:
        g = 1.0 - g
    g = g * 255.0
    return rgba_from_rgb(np.stack([g, g, g], axis=-1))


def grid(x_range=(-1.0, 1.0), y_range=(-1.0, 1.0), width: int = 100, height: int = 100) -> np.ndarray:
    """Centres of a width x height pixel grid as (height*width, 2) points, top row = max y."""
    xs = x_range[0] + (np.arange(width) + 0.5) * (x_range[1] - x_range[0]) / width
    ys = y_range[1] - (np.arange(height) + 0.5) * (y_range[1] - y_range[0]) / height
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def tile_digits(
    images, columns: int, scale: int = 1, pad: int = 2, label_height: int = 0, side: int = 28
) -> np.ndarray:
    """Many square grey images in one RGBA picture (one ImageData for a whole gallery).

    ``images``: (N, side*side) or (N, side, side), uint8 0-255 or floats in [0, 1],
    ink = high. They are laid out ``columns`` to a row, each enlarged ``scale``
    times (nearest neighbour: crisp pixels), drawn dark on white, with ``pad``
    white pixels around and ``label_height`` white pixels under each for a caption.
    Cell k's top-left corner is ``tile_origin(k, ...)``.
    """
    imgs = np.asarray(images)
    if imgs.ndim == 2:
        imgs = imgs.reshape(len(imgs), side, side)
    if imgs.ndim != 3 or imgs.shape[1:] != (side, side):
        raise ValueError(f"expected (N, {side * side}) or (N, {side}, {side}) images, got shape {np.shape(images)}")
    if columns < 1 or scale < 1 or pad < 0 or label_height < 0:
        raise ValueError("columns and scale must be at least 1; pad and label_height at least 0")
    values = imgs / 255.0 if np.issubdtype(imgs.dtype, np.integer) else imgs.astype(np.float64)
    n = len(values)
    rows = max(1, -(-n // columns))
    cell_w, cell_h = side * scale + pad, side * scale + label_height + pad
    canvas = np.zeros((rows * cell_h + pad, columns * cell_w + pad))
    for k in range(n):
        y, x = tile_origin(k, columns, scale, pad, label_height, side)
        big = np.repeat(np.repeat(values[k], scale, axis=0), scale, axis=1)
        canvas[y : y + side * scale, x : x + side * scale] = big
    return grayscale(canvas, invert=True)


def tile_origin(
    index: int, columns: int, scale: int = 1, pad: int = 2, label_height: int = 0, side: int = 28
) -> tuple[int, int]:
    """(top, left) pixel of image ``index`` in a ``tile_digits`` picture."""
    row, col = divmod(index, columns)
    return pad + row * (side * scale + label_height + pad), pad + col * (side * scale + pad)
