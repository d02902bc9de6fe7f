"""Looking inside the Playground's network diagram (pure numpy, tested in CPython).

The diagram (``pictures.playground.Layout``) draws each neuron as a small picture and each
weight as a line. These say what a pointer is over, so the page can show a neuron large
and let the learner click a weight to read and change it:

* ``neuron_at(layout, x, y)``: the neuron (layer, index) whose picture holds canvas pixel (x, y);
* ``weight_at(layout, x, y)``: the weight line nearest (x, y), within a few pixels, as
  (l, j, i): ``network.weights[l][j, i]``, from neuron i of layer l to neuron j of layer l + 1;
* ``neuron_picture(network, l, j, size)``: neuron j of layer l over the plane at ``size`` pixels,
  coloured as in the diagram but computed at the full grid, not resampled from the small tile.
"""

from __future__ import annotations

import numpy as np

from nnfs.labs.playground.session import activations
from pictures.pixels import grid
from pictures.playground import BOX, RES, Layout, neuron_maps, output_maps

PICK = 4.0  # pixels: how near a weight line a click must be


def neuron_at(layout: Layout, x: float, y: float) -> tuple[int, int] | None:
    """(layer, neuron) whose picture is under canvas pixel (x, y), or None."""
    t = layout.tile
    for l, left in enumerate(layout.x):
        if left <= x < left + t:
            for j, top in enumerate(layout.y[l]):
                if top <= y < top + t:
                    return l, j
    return None


def weight_at(layout: Layout, x: float, y: float, within: float = PICK) -> tuple[int, int, int] | None:
    """The weight whose line passes nearest (x, y) (at most ``within`` pixels away), as
    (l, j, i) for ``weights[l][j, i]``; None over a picture, outside the columns or far from
    every line. A line runs from (x[l] + tile, centre of neuron i) to (x[l + 1], centre of j)."""
    t = layout.tile
    for l in range(len(layout.sizes) - 1):
        x0, x1 = layout.x[l] + t, layout.x[l + 1]
        if not x0 <= x <= x1 or x1 <= x0:
            continue
        y0 = np.array([layout.centre_y(l, i) for i in range(layout.sizes[l])])  # (n_in,)
        y1 = np.array([layout.centre_y(l + 1, j) for j in range(layout.sizes[l + 1])])  # (n_out,)
        dx = x1 - x0
        dy = y1[:, None] - y0[None, :]  # (n_out, n_in)
        # Distance from (x, y) to the line through (x0, y0[i]) and (x1, y1[j]); x is between their ends.
        along = (x - x0) / dx
        distance = np.abs(y - (y0[None, :] + along * dy)) * dx / np.hypot(dx, dy)
        j, i = np.unravel_index(int(np.argmin(distance)), distance.shape)
        return (l, int(j), int(i)) if distance[j, i] <= within else None
    return None


def neuron_picture(network, l: int, j: int, size: int, res: int = RES) -> np.ndarray:
    """Neuron j of layer l (0: the inputs) over the plane as (size, size, 4) RGBA, coloured as
    its tile in the diagram (``pictures.playground.network_pictures``)."""
    acts = activations(network, grid(BOX, BOX, res, res))
    last = len(acts) - 1
    if not (0 <= l <= last and 0 <= j < acts[l].shape[1]):
        raise ValueError(f"there is no neuron {j} in layer {l}")
    if l == last:
        return output_maps(acts[l], size, res)[j]
    activation = "tanh" if l == 0 else network.activation  # inputs x1, x2 range over [-1, 1]
    return neuron_maps(acts[l][:, j : j + 1], activation, size, res)[0]
