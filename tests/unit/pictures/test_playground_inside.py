"""Which neuron or weight line of the Playground's diagram a pointer is over, and a neuron large."""

from __future__ import annotations

import numpy as np

from nnfs.maths.network import Network
from pictures.pixels import grid
from pictures.playground import BOX, Layout, network_pictures, neuron_maps, output_maps, split_pictures
from pictures.playground_inside import neuron_at, neuron_picture, weight_at

SIZES = (2, 4, 3, 2)


def test_a_point_inside_a_neurons_picture_names_it_and_nothing_else_does():
    layout = Layout.make(SIZES, 760, 320)
    t = layout.tile
    for l, n in enumerate(SIZES):
        for j in range(n):
            x, y = layout.x[l], layout.y[l][j]
            assert neuron_at(layout, x, y) == (l, j)
            assert neuron_at(layout, x + t - 0.5, y + t - 0.5) == (l, j)
            assert neuron_at(layout, x - 1, y) is None
    assert neuron_at(layout, 5, 5) is None


def test_a_point_on_a_weight_line_names_that_weight():
    layout = Layout.make(SIZES, 760, 320)
    t = layout.tile
    for l in range(len(SIZES) - 1):
        x0, x1 = layout.x[l] + t, layout.x[l + 1]
        for j in range(SIZES[l + 1]):
            for i in range(SIZES[l]):
                y0, y1 = layout.centre_y(l, i), layout.centre_y(l + 1, j)
                # A point a fifth of the way along the line (lines fan out there), nudged 1 px.
                f = 0.2 if SIZES[l] <= SIZES[l + 1] else 0.8
                x, y = x0 + f * (x1 - x0), y0 + f * (y1 - y0) + 1.0
                assert weight_at(layout, x, y) == (l, j, i)
    # Far from every line, or over a picture's column: nothing.
    assert weight_at(layout, layout.x[0] + t + 2, 2) is None
    assert weight_at(layout, layout.x[1] + 1, layout.centre_y(1, 0)) is None


def test_the_large_picture_is_the_diagrams_tile_at_the_full_grid():
    net = Network(list(SIZES), seed=4, activation="tanh", output_activation="sigmoid")
    acts, _ = net.forward(grid(BOX, BOX, 60, 60))
    # A hidden neuron: tanh, white at 0, at 60 px it is the 60x60 grid itself (framed).
    big = neuron_picture(net, 1, 2, 60)
    want = neuron_maps(acts[1][:, 2:3], "tanh", 60)[0]
    assert np.array_equal(big, want)
    # Against the diagram: at the tile's size, the tile the diagram draws.
    layout = Layout.make(SIZES, 760, 320)
    _, diagram = split_pictures(network_pictures(net, 760, 320), 760, 320)
    t = layout.tile
    for l, j in ((0, 1), (2, 0), (3, 1)):
        x, y = layout.x[l], layout.y[l][j]
        assert np.array_equal(neuron_picture(net, l, j, t), diagram[y : y + t, x : x + t])
    assert np.array_equal(neuron_picture(net, 3, 1, 30), output_maps(acts[3], 30)[1])
