"""What a convolutional net sees, as RGBA pictures: its filters and its feature maps (pure numpy).

Each picture is one ``(H, W, 4)`` uint8 buffer, so the page puts it on a canvas with one
``ImageData`` (never a call per pixel across the bridge):

* ``filter_mosaic(W, scale)``: every filter of a conv layer, W (F, C, k, k). One tile per
  filter when C = 1; with C channels, one row per filter and one tile per channel. Weights
  use one diverging scale for the whole layer (orange negative, white 0, blue positive), so
  tiles compare.
* ``map_mosaic(maps, scale, columns)``: feature maps (F, h, w) of one image, activations
  drawn dark on white, one grey scale for the whole set (0 to the largest activation).
* ``neuron_mosaic(W, side, scale)``: a fully connected layer's weights W (N, side²), each
  neuron's incoming weights as a side x side tile: they are filters of one channel.
* ``tile_index(x, y, layout)``: which tile a pointer is over (for the large view on hover).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pictures.pixels import diverging, grayscale

PAD = 1  # white pixels between tiles


@dataclass(frozen=True)
class Layout:
    """Where the tiles are: ``rows`` x ``columns`` tiles of ``height`` x ``width`` pixels (after
    scaling), ``PAD`` apart; tile k is at row k // columns, column k % columns."""

    count: int
    rows: int
    columns: int
    height: int
    width: int

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the whole picture in pixels."""
        return self.columns * (self.width + PAD) + PAD, self.rows * (self.height + PAD) + PAD

    def origin(self, k: int) -> tuple[int, int]:
        """(left, top) of tile k."""
        row, col = divmod(k, self.columns)
        return PAD + col * (self.width + PAD), PAD + row * (self.height + PAD)


def _mosaic(tiles: NDArray[np.float64], columns: int, scale: int) -> tuple[NDArray[np.float64], Layout]:
    """(N, h, w) values -> one (H, W) array of tiles (NaN where the background goes), and its layout."""
    n, h, w = tiles.shape
    if n < 1 or columns < 1 or scale < 1:
        raise ValueError("a mosaic needs at least one tile, one column and a scale of 1 or more")
    columns = min(columns, n)
    rows = -(-n // columns)
    layout = Layout(n, rows, columns, h * scale, w * scale)
    big = np.repeat(np.repeat(tiles, scale, axis=1), scale, axis=2)  # (N, h s, w s)
    padded = np.full((rows * columns, h * scale + PAD, w * scale + PAD), np.nan)
    padded[:n, :-PAD, :-PAD] = big
    grid = padded.reshape(rows, columns, h * scale + PAD, w * scale + PAD).transpose(0, 2, 1, 3)
    grid = grid.reshape(rows * (h * scale + PAD), columns * (w * scale + PAD))
    out = np.full((grid.shape[0] + PAD, grid.shape[1] + PAD), np.nan)
    out[PAD:, PAD:] = grid
    return out, layout


def _background(rgba: NDArray[np.uint8], where: NDArray[np.bool_], grey: int = 232) -> NDArray[np.uint8]:
    rgba[where, :3] = grey
    return rgba


def filter_mosaic(weights: NDArray[np.float64], scale: int = 6) -> tuple[NDArray[np.uint8], Layout]:
    """Every filter of a conv layer, weights (F, C, k, k), as one RGBA picture and its layout."""
    W = np.asarray(weights, dtype=np.float64)
    if W.ndim != 4:
        raise ValueError(f"filters must be (F, C, k, k); got shape {W.shape}")
    f, c, k, k2 = W.shape
    columns = min(f, 10) if c == 1 else c
    values, layout = _mosaic(W.reshape(f * c, k, k2), columns, scale)
    limit = float(np.max(np.abs(W))) or 1.0
    blank = np.isnan(values)
    return _background(diverging(np.nan_to_num(values), limit), blank), layout


def neuron_mosaic(weights: NDArray[np.float64], side: int = 28, scale: int = 2) -> tuple[NDArray[np.uint8], Layout]:
    """What each neuron of a layer reading a side x side image looks for: W (N, side*side), row k
    neuron k's incoming weights, as N tiles (pixel j of tile k is weight W[k, j], row-major as
    the image was flattened), on the diverging scale of ``filter_mosaic``."""
    W = np.asarray(weights, dtype=np.float64)
    if W.ndim != 2 or W.shape[1] != side * side:
        raise ValueError(f"a layer reading {side}x{side} images has weights (N, {side * side}); got shape {W.shape}")
    return filter_mosaic(W.reshape(len(W), 1, side, side), scale)


def map_mosaic(maps: NDArray[np.float64], scale: int = 2, columns: int = 10) -> tuple[NDArray[np.uint8], Layout]:
    """Feature maps (F, h, w) of one image as one RGBA picture (ink dark on white) and its layout."""
    M = np.asarray(maps, dtype=np.float64)
    if M.ndim != 3:
        raise ValueError(f"feature maps must be (F, h, w); got shape {M.shape}")
    values, layout = _mosaic(M, columns, scale)
    top = float(np.nanmax(np.abs(values))) or 1.0
    blank = np.isnan(values)
    return _background(grayscale(np.nan_to_num(values) / top), blank), layout


def tile_index(x: float, y: float, layout: Layout) -> int | None:
    """The tile under picture pixel (x, y), or None (between tiles, outside)."""
    col, dx = divmod(int(x) - PAD, layout.width + PAD)
    row, dy = divmod(int(y) - PAD, layout.height + PAD)
    if x < PAD or y < PAD or dx >= layout.width or dy >= layout.height or col >= layout.columns:
        return None
    k = row * layout.columns + col
    return k if 0 <= k < layout.count else None
