"""Filters and feature maps as pictures: where each tile goes, its colours, and which tile a pointer is over."""

from __future__ import annotations

import numpy as np
import pytest

from pictures.convnet import PAD, filter_mosaic, map_mosaic, neuron_mosaic, tile_index


def test_one_channel_filters_tile_ten_to_a_row_at_the_asked_scale():
    W = np.zeros((12, 1, 5, 5))
    W[3, 0, 1, 2] = 2.0  # one positive weight
    W[4, 0, 0, 0] = -2.0  # one negative weight
    rgba, layout = filter_mosaic(W, scale=3)
    assert (layout.rows, layout.columns, layout.height, layout.width) == (2, 10, 15, 15)
    assert rgba.shape == (layout.size[1], layout.size[0], 4) == (2 * 16 + 1, 10 * 16 + 1, 4)
    left, top = layout.origin(3)
    blue = rgba[top + 1 * 3, left + 2 * 3]
    assert blue[2] > blue[0]  # positive: blue
    left, top = layout.origin(4)
    orange = rgba[top, left]
    assert orange[0] > orange[2]  # negative: orange
    left, top = layout.origin(0)
    assert (rgba[top, left, :3] == 255).all()  # zero: white
    assert (rgba[0, 0, :3] == 232).all()  # between tiles: the background


def test_many_channel_filters_get_a_row_each():
    rgba, layout = filter_mosaic(np.random.default_rng(0).normal(size=(4, 6, 3, 3)), scale=2)
    assert (layout.rows, layout.columns, layout.count) == (4, 6, 24)


def test_maps_are_dark_where_they_are_strong():
    maps = np.zeros((2, 4, 4))
    maps[1, 2, 3] = 5.0
    rgba, layout = map_mosaic(maps, scale=2, columns=2)
    left, top = layout.origin(1)
    assert (rgba[top + 4, left + 6, :3] == 0).all()  # the strongest: black
    assert (rgba[top, left, :3] == 255).all()  # zero: white


@pytest.mark.parametrize("scale", [1, 3])
def test_the_tile_under_a_pointer(scale):
    _rgba, layout = map_mosaic(np.ones((13, 4, 4)), scale=scale, columns=5)
    for k in range(13):
        left, top = layout.origin(k)
        assert tile_index(left, top, layout) == k
        assert tile_index(left + layout.width - 1, top + layout.height - 1, layout) == k
    assert tile_index(0, 0, layout) is None  # the border
    left, top = layout.origin(0)
    assert tile_index(left + layout.width, top, layout) is None  # the gap between tiles
    left, top = layout.origin(12)
    assert tile_index(left + layout.width + PAD, top, layout) is None  # past the last tile


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match=r"\(F, C, k, k\)"):
        filter_mosaic(np.zeros((3, 5, 5)))
    with pytest.raises(ValueError, match=r"\(F, h, w\)"):
        map_mosaic(np.zeros((5, 5)))


def test_a_neurons_weight_j_is_pixel_j_of_its_tile_row_major():
    W = np.zeros((13, 784))
    W[7, 5 * 28 + 20] = 1.5  # neuron 7, image row 5, column 20
    W[0, 27] = -1.5  # neuron 0, top right
    rgba, layout = neuron_mosaic(W, scale=2)
    assert (layout.count, layout.columns, layout.rows, layout.height) == (13, 10, 2, 56)
    left, top = layout.origin(7)
    blue = rgba[top + 5 * 2 + 1, left + 20 * 2]
    assert blue[2] > blue[0] and blue[1] < 255
    assert (rgba[top + 5 * 2, left + 19 * 2, :3] == 255).all()  # its neighbour: white
    left, top = layout.origin(0)
    orange = rgba[top, left + 27 * 2 + 1]
    assert orange[0] > orange[2]
    with pytest.raises(ValueError, match="784"):
        neuron_mosaic(np.zeros((3, 100)))
