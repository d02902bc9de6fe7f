"""Pure pixel helpers used by every canvas picture."""

import numpy as np
import pytest

from pictures.pixels import CLASS_RGB, class_heatmap, diverging, grayscale, grid, hex_color


def test_class_heatmap_colours_winner_and_fades_uncertainty():
    p = np.array([[[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]])
    img = class_heatmap(p, strength=1.0)
    assert img.shape == (1, 3, 4) and img.dtype == np.uint8
    assert tuple(img[0, 0, :3]) == tuple(CLASS_RGB[1].astype(int))
    assert tuple(img[0, 1, :3]) == (255, 255, 255)  # a coin toss is white
    assert tuple(img[0, 2, :3]) == tuple(CLASS_RGB[0].astype(int))
    assert (img[..., 3] == 255).all()


def test_single_output_heatmap_means_probability_of_class_1():
    img = class_heatmap(np.array([[[0.9]]]), strength=1.0)
    assert img[0, 0, 1] > img[0, 0, 0]  # teal-ish, class 1


def test_diverging_and_grayscale():
    d = diverging(np.array([-1.0, 0.0, 1.0]))
    assert tuple(d[1, :3]) == (255, 255, 255)
    assert d[0, 0] > d[0, 2] and d[2, 2] > d[2, 0]
    g = grayscale(np.array([[0.0, 1.0]]))
    assert tuple(g[0, 0, :3]) == (255, 255, 255) and tuple(g[0, 1, :3]) == (0, 0, 0)


def test_grid_covers_the_box_top_row_first():
    pts = grid((-1, 1), (-1, 1), 4, 2)
    assert pts.shape == (8, 2)
    assert np.allclose(pts[0], [-0.75, 0.5]) and np.allclose(pts[-1], [0.75, -0.5])


def test_hex_color():
    assert hex_color([255, 0, 16]) == "#ff0010"


def test_tile_digits_lays_images_out_in_rows_with_captions():
    from pictures.pixels import tile_digits, tile_origin

    images = np.zeros((5, 784), dtype=np.uint8)
    images[:, 0] = 255  # top-left pixel inked in every image
    img = tile_digits(images, columns=3, scale=2, pad=1, label_height=10)
    assert img.shape == (2 * (56 + 10 + 1) + 1, 3 * (56 + 1) + 1, 4) and img.dtype == np.uint8
    for k in range(5):
        y, x = tile_origin(k, 3, scale=2, pad=1, label_height=10)
        assert (img[y : y + 2, x : x + 2, :3] == 0).all()  # ink is dark, 2x2 after scaling
        assert (img[y + 2, x + 2, :3] == 255).all()  # paper is white
    assert (img[1 + 56 : 1 + 66, 1:57, :3] == 255).all()  # the caption strip is blank
    assert tile_origin(4, 3, scale=2, pad=1, label_height=10) == (1 + 67, 1 + 57)
    floats = tile_digits(images / 255.0, columns=5)
    assert floats.shape == (28 + 4, 5 * 30 + 2, 4)


def test_tile_digits_refuses_wrong_shapes():
    from pictures.pixels import tile_digits

    with pytest.raises(ValueError):
        tile_digits(np.zeros((2, 100)), columns=2)


def test_diverging_colours_a_big_picture_in_bounded_memory_with_the_same_pixels():
    """The Digits lab's 100 weight tiles (571 x 571 pixels) once took 33 MB of float64
    temporaries in one go, which a WebAssembly memory keeps for the rest of the session:
    colouring in chunks keeps them near 10 MB, and every pixel is the per-pixel formula's."""
    import tracemalloc

    rng = np.random.default_rng(3)
    values = rng.normal(size=(571, 571))
    values[0, :5] = [-9.0, -0.5, 0.0, 0.5, 9.0]
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        got = diverging(values, 2.0)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < 12e6, f"{peak / 1e6:.1f} MB of temporaries"
    assert got.shape == (571, 571, 4) and got.dtype == np.uint8
    # An independent reference, pixel by pixel in plain Python for a sample of pixels.
    neg, pos = (231.0, 111.0, 81.0), (69.0, 123.0, 157.0)
    for i, j in [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4), *zip(rng.integers(0, 571, 200), rng.integers(0, 571, 200))]:
        t = max(-1.0, min(1.0, float(values[i, j]) / 2.0))
        end = neg if t < 0 else pos
        want = [int(np.clip(round(255.0 + (c - 255.0) * abs(t)), 0, 255)) for c in end] + [255]
        assert got[i, j].tolist() == want, (i, j)
