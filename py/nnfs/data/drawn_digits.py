"""Turning a hand-drawn digit into an MNIST-style input, the way MNIST itself was made.

MNIST's digits were prepared in three steps (LeCun, Cortes and Burges): the
digit's bounding box was scaled, keeping its aspect ratio, to fit a 20x20 box,
with anti-aliasing (so the result has grey levels); then it was placed in a
28x28 field so that its centre of mass sits at the centre. A digit drawn on a
canvas has to go through the same steps, or the network sees something
unlike anything it was trained on (a digit in a corner, or too small, or with
strokes too thin), and its answers get much worse.

    rasterize_strokes(strokes, ...)  mouse/finger strokes -> a canvas-sized image
    preprocess_digit(image)          a canvas-sized image -> 784 inputs in [0, 1]

The page records strokes as lists of (x, y) points in canvas pixels and calls
``digit_from_strokes``, so it never needs to read the canvas's pixels back.
Everything is numpy: no PIL, no scipy (neither is in the page).

Coordinates: ``x`` runs right, ``y`` runs down, as on an HTML canvas; pixel
(row ``j``, column ``i``) covers the square [i, i+1] x [j, j+1], so its centre
is at (i + 0.5, j + 0.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

SIDE = 28  # MNIST images are 28x28
FIT = 20  # ... and the digit's bounding box is scaled to fit 20x20
# Where the centre of mass goes, in (row, column) pixel indices. Measured on
# the real MNIST test set the mean centre of mass, with pixel indices as
# coordinates, is (13.99, 14.01): so (14, 14), not the geometric 13.5.
CENTRE = (14.0, 14.0)
DEFAULT_INK_THRESHOLD = 0.1


class Digit(NamedTuple):
    """The preprocessed digit: ``pixels`` float64 in [0, 1], shape (784,) or (28, 28).

    ``empty`` is True when the image had no ink; ``pixels`` is then all zeros
    and the page should say "draw a digit" rather than show a prediction.
    """

    pixels: NDArray[np.float64]
    empty: bool


# -- from strokes to a canvas-sized image ---------------------------------------------


def rasterize_strokes(
    strokes: Iterable[ArrayLike], width: int = 280, height: int = 280, pen_width: float = 20.0
) -> NDArray[np.float64]:
    """Draw strokes with a round pen into a (height, width) float64 image, ink = 1.

    ``strokes`` is a list of strokes, each a sequence of (x, y) points in
    canvas pixels (points may lie outside the canvas; what falls outside is
    cut off). Consecutive points are joined by thick line segments; a
    single-point stroke is a dot. Edges are anti-aliased: a pixel's ink falls
    from 1 to 0 as the distance from its centre to the stroke's centre line
    goes from ``pen_width/2 - 0.5`` to ``pen_width/2 + 0.5``.

    A pen about a tenth of the digit's height (20 px for a 200 px digit)
    gives strokes as thick as MNIST's (2-3 pixels of 28).
    """
    width, height = _positive_int(width, "width"), _positive_int(height, "height")
    if not (isinstance(pen_width, (int, float, np.integer, np.floating)) and np.isfinite(pen_width) and pen_width > 0):
        raise ValueError(f"pen_width must be a positive number of pixels, got {pen_width!r}")
    if isinstance(strokes, np.ndarray) and strokes.ndim == 2:
        raise ValueError("strokes must be a list of strokes (each a list of (x, y) points), not one array of points")

    image = np.zeros((height, width))
    radius = pen_width / 2.0
    for k, stroke in enumerate(strokes):
        points = _stroke_points(stroke, k)
        if len(points) == 0:
            continue  # an empty stroke draws nothing
        starts = points[:-1] if len(points) > 1 else points
        ends = points[1:] if len(points) > 1 else points
        for a, b in zip(starts, ends):
            _draw_segment(image, a, b, radius)
    return image


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive whole number of pixels, got {value!r}")
    return int(value)


def _stroke_points(stroke: ArrayLike, index: int) -> NDArray[np.float64]:
    try:
        points = np.asarray(stroke, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"stroke {index} must be a sequence of (x, y) number pairs") from None
    if points.size == 0:
        return points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"stroke {index} must be a sequence of (x, y) points, got an array of shape {points.shape}")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"stroke {index} has a coordinate that is not a finite number")
    return points


def ink_segment(image: NDArray[np.float64], a: ArrayLike, b: ArrayLike, pen_width: float = 20.0) -> None:
    """Add one thick, anti-aliased segment a-b (canvas pixels) to ``image`` in place.

    The same pen as ``rasterize_strokes``; a page extends a drawing with this
    one pointer move at a time, touching only the pixels near the new segment
    instead of re-inking (or allocating) the whole canvas.
    """
    _draw_segment(image, np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), pen_width / 2.0)


def _draw_segment(image: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64], radius: float) -> None:
    """Ink a thick segment a-b into ``image`` (in place), looking only at pixels near it."""
    height, width = image.shape
    reach = radius + 1.0
    # Pixel indices whose squares can touch the segment's thick outline.
    col0 = max(int(np.floor(min(a[0], b[0]) - reach)), 0)
    col1 = min(int(np.ceil(max(a[0], b[0]) + reach)), width)
    row0 = max(int(np.floor(min(a[1], b[1]) - reach)), 0)
    row1 = min(int(np.ceil(max(a[1], b[1]) + reach)), height)
    if col0 >= col1 or row0 >= row1:
        return  # entirely off the canvas
    x = np.arange(col0, col1) + 0.5  # pixel centres
    y = (np.arange(row0, row1) + 0.5)[:, None]

    # Distance from each pixel centre p to the segment: project p onto the
    # line a + t (b - a), clamp t to [0, 1], measure to that closest point.
    dx, dy = b[0] - a[0], b[1] - a[1]
    length_squared = dx * dx + dy * dy
    if length_squared > 0:
        t = np.clip(((x - a[0]) * dx + (y - a[1]) * dy) / length_squared, 0.0, 1.0)
    else:
        t = np.zeros((1, 1))  # a dot: the closest point is a itself
    distance = np.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy))

    coverage = np.clip(radius + 0.5 - distance, 0.0, 1.0)
    region = image[row0:row1, col0:col1]
    np.maximum(region, coverage, out=region)  # overlapping strokes do not add up past 1


# -- from a canvas-sized image to MNIST's 28x28 ---------------------------------------


def preprocess_digit(
    image: ArrayLike,
    *,
    flat: bool = True,
    ink_threshold: float = DEFAULT_INK_THRESHOLD,
    stretch_contrast: bool = True,
) -> Digit:
    """Make a grayscale drawing look like an MNIST digit.

    ``image``: shape (H, W), ink = high values; uint8 (0-255), bool, or float
    in [0, 1]. Steps: crop to the bounding box of the pixels brighter than
    ``ink_threshold``; scale it, keeping the aspect ratio, so the longer side
    is 20 pixels, averaging the area each new pixel covers (a box filter,
    which is what anti-aliasing means here); with ``stretch_contrast``, scale
    intensities so the brightest pixel is 1 (MNIST strokes almost always
    reach full intensity, and a thin pen would otherwise give faint ones);
    place it in a 28x28 field with its centre of mass at ``CENTRE``
    (shifted by whole pixels, rounding; anything pushed past the edge is cut).

    Returns ``Digit(pixels, empty)``: ``pixels`` float64 in [0, 1], shape
    (784,) if ``flat`` else (28, 28); ``empty`` True (and all zeros) if
    there was no ink.
    """
    intensities = _as_intensities(image)
    shape = (SIDE * SIDE,) if flat else (SIDE, SIDE)
    ink = intensities > ink_threshold
    if not ink.any():
        return Digit(np.zeros(shape), True)

    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    crop = intensities[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]

    height, width = crop.shape
    scale = FIT / max(height, width)
    new_height = max(1, int(round(height * scale)))
    new_width = max(1, int(round(width * scale)))
    small = box_resize(crop, new_height, new_width)
    if stretch_contrast:
        small = small / small.max()  # max > 0: the crop holds ink above the threshold

    centre_row, centre_col = center_of_mass(small)
    top = _round_half_up(CENTRE[0] - centre_row)
    left = _round_half_up(CENTRE[1] - centre_col)
    field = np.zeros((SIDE, SIDE))
    _paste(field, small, top, left)
    return Digit(np.clip(field, 0.0, 1.0).reshape(shape), False)


def digit_from_strokes(
    strokes: Iterable[ArrayLike], width: int = 280, height: int = 280, pen_width: float = 20.0, *, flat: bool = True
) -> Digit:
    """``rasterize_strokes`` then ``preprocess_digit``: what the page calls on each drawing."""
    return preprocess_digit(rasterize_strokes(strokes, width, height, pen_width), flat=flat)


def box_resize(image: NDArray[np.float64], new_height: int, new_width: int) -> NDArray[np.float64]:
    """Resize a 2-D float array by area averaging: each output pixel is the
    mean of the input area it covers (fractional pixels weighted by overlap)."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2 or image.size == 0:
        raise ValueError(f"box_resize needs a non-empty 2-D array, got shape {image.shape}")
    new_height, new_width = _positive_int(new_height, "new_height"), _positive_int(new_width, "new_width")
    # Separable: resample the rows, then the columns, each with a matrix.
    return _box_matrix(image.shape[0], new_height) @ image @ _box_matrix(image.shape[1], new_width).T


def _box_matrix(n_in: int, n_out: int) -> NDArray[np.float64]:
    """(n_out, n_in) matrix: row j averages the input interval [j, j+1) * n_in / n_out."""
    step = n_in / n_out
    start = (np.arange(n_out) * step)[:, None]
    stop = start + step
    pixel = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(stop, pixel + 1) - np.maximum(start, pixel), 0.0, None)
    return overlap / step  # each row sums to 1, so intensities stay in [0, 1]


def center_of_mass(image: NDArray[np.float64]) -> tuple[float, float]:
    """(row, column) centre of mass of a 2-D array's intensities, in pixel indices."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"center_of_mass needs a 2-D array, got shape {image.shape}")
    total = image.sum()
    if total <= 0:
        raise ValueError("center_of_mass of an image with no ink is undefined")
    row = float(image.sum(axis=1) @ np.arange(image.shape[0]) / total)
    col = float(image.sum(axis=0) @ np.arange(image.shape[1]) / total)
    return row, col


def _round_half_up(value: float) -> int:
    # Python's round() rounds halves to even; a fixed rule keeps shifts predictable.
    return int(np.floor(value + 0.5))


def _paste(field: NDArray[np.float64], patch: NDArray[np.float64], top: int, left: int) -> None:
    """Copy ``patch`` into ``field`` with its corner at (top, left), cutting what falls outside."""
    r0, c0 = max(top, 0), max(left, 0)
    r1 = min(top + patch.shape[0], field.shape[0])
    c1 = min(left + patch.shape[1], field.shape[1])
    if r0 < r1 and c0 < c1:
        field[r0:r1, c0:c1] = patch[r0 - top : r1 - top, c0 - left : c1 - left]


def _as_intensities(image: ArrayLike) -> NDArray[np.float64]:
    """A 2-D float64 copy with values in [0, 1], from uint8/integer (0-255), bool or float (0-1) input."""
    array = np.asarray(image)
    if array.ndim != 2:
        raise ValueError(f"expected a grayscale image of shape (height, width), got shape {array.shape}")
    if array.size == 0:
        raise ValueError("the image is empty (zero height or width)")
    if array.dtype == np.bool_:
        return array.astype(np.float64)
    if np.issubdtype(array.dtype, np.integer):
        if array.min() < 0 or array.max() > 255:
            raise ValueError(f"integer pixels must be 0-255, found values from {array.min()} to {array.max()}")
        return array / 255.0
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise ValueError("the image contains NaN or infinite values")
        if array.min() < 0 or array.max() > 1:
            raise ValueError(
                f"float pixels must be in [0, 1], found values from {array.min():g} to {array.max():g} "
                "(divide 0-255 values by 255, or pass uint8)"
            )
        return array.astype(np.float64)
    raise ValueError(f"expected uint8, bool or float pixels, got dtype {array.dtype}")
