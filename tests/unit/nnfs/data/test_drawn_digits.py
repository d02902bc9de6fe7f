"""Preprocessing hand-drawn digits like MNIST, and rasterising mouse strokes."""

from pathlib import Path

import numpy as np
import pytest

from nnfs.data.drawn_digits import (
    CENTRE,
    Digit,
    box_resize,
    center_of_mass,
    digit_from_strokes,
    preprocess_digit,
    rasterize_strokes,
)
from tests.conftest import need

# Shifts are whole pixels, so the centre of mass lands within half a pixel of
# the centre; a symmetric shape of even width lands exactly half a pixel off
# (plus rounding noise in the last bit).
HALF_PIXEL = 0.5 + 1e-9

TEST_DATA = Path(__file__).resolve().parents[4] / "static" / "data" / "mnist-test.npz"


def ink_box(image28: np.ndarray, threshold: float = 0.0):
    """(height, width) of the bounding box of pixels above threshold."""
    rows = np.flatnonzero((image28 > threshold).any(axis=1))
    cols = np.flatnonzero((image28 > threshold).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def canvas_with_rectangle(top, left, height, width, size=280, dtype=np.float64):
    canvas = np.zeros((size, size), dtype=dtype)
    canvas[top : top + height, left : left + width] = 255 if dtype == np.uint8 else 1.0
    return canvas


# -- preprocess_digit ------------------------------------------------------------------


def test_vertical_bar_is_centred_and_fits_20x20():
    canvas = canvas_with_rectangle(top=30, left=200, height=200, width=20)  # off to the right
    digit = preprocess_digit(canvas, flat=False)
    assert isinstance(digit, Digit) and not digit.empty
    image = digit.pixels
    assert image.shape == (28, 28) and image.dtype == np.float64
    assert image.min() >= 0.0 and image.max() <= 1.0 and image.max() == 1.0
    height, width = ink_box(image)
    assert height == 20 and width == 2  # longer side 20, aspect 10:1 kept
    row, col = center_of_mass(image)
    assert abs(row - CENTRE[0]) <= HALF_PIXEL and abs(col - CENTRE[1]) <= HALF_PIXEL
    assert CENTRE == (14.0, 14.0)


def test_flat_output_is_784_long():
    digit = preprocess_digit(canvas_with_rectangle(50, 50, 100, 60))
    assert digit.pixels.shape == (784,)
    np.testing.assert_array_equal(
        digit.pixels.reshape(28, 28), preprocess_digit(canvas_with_rectangle(50, 50, 100, 60), flat=False).pixels
    )


@pytest.mark.parametrize("height, width, expected", [(100, 50, (20, 10)), (60, 180, (7, 20)), (150, 150, (20, 20))])
def test_aspect_ratio_is_preserved(height, width, expected):
    image = preprocess_digit(canvas_with_rectangle(40, 40, height, width), flat=False).pixels
    assert ink_box(image) == expected


def test_centre_of_mass_of_an_asymmetric_shape_is_centred():
    # An "L": its centre of mass is far from its bounding box's centre.
    canvas = np.zeros((280, 280))
    canvas[20:260, 20:50] = 1.0
    canvas[230:260, 20:200] = 1.0
    image = preprocess_digit(canvas, flat=False).pixels
    row, col = center_of_mass(image)
    assert abs(row - 14) <= HALF_PIXEL and abs(col - 14) <= HALF_PIXEL
    assert max(ink_box(image)) <= 20


def test_position_on_the_canvas_does_not_matter():
    a = preprocess_digit(canvas_with_rectangle(10, 10, 120, 40)).pixels
    b = preprocess_digit(canvas_with_rectangle(150, 200, 120, 40)).pixels
    np.testing.assert_array_equal(a, b)


def test_uint8_float_and_bool_inputs_agree():
    as_float = preprocess_digit(canvas_with_rectangle(30, 60, 90, 30)).pixels
    as_uint8 = preprocess_digit(canvas_with_rectangle(30, 60, 90, 30, dtype=np.uint8)).pixels
    as_bool = preprocess_digit(canvas_with_rectangle(30, 60, 90, 30) > 0.5).pixels
    np.testing.assert_allclose(as_uint8, as_float)
    np.testing.assert_allclose(as_bool, as_float)


def test_anti_aliasing_gives_grey_levels():
    # Bounding box 200x200 -> 20x20, so a 15-pixel-wide bar becomes 1.5 pixels:
    # one full column and one half-covered, grey column.
    canvas = np.zeros((280, 280))
    canvas[40:240, 40:55] = 1.0
    canvas[40:240, 220:240] = 1.0
    image = preprocess_digit(canvas, flat=False, stretch_contrast=False).pixels
    grey = image[(image > 0) & (image < 1)]
    assert grey.size == 20 and np.allclose(grey, 0.5)
    np.testing.assert_allclose(image.sum(), (15 + 20) * 200 * (20 / 200) ** 2)  # ink is conserved


def test_stretch_contrast_makes_faint_ink_full_intensity():
    faint = canvas_with_rectangle(40, 100, 200, 40) * 0.5
    assert preprocess_digit(faint).pixels.max() == 1.0
    assert preprocess_digit(faint, stretch_contrast=False).pixels.max() == pytest.approx(0.5)


@pytest.mark.parametrize("canvas", [np.zeros((280, 280)), np.zeros((280, 280), np.uint8), np.full((50, 40), 0.05)])
def test_empty_canvas_gives_zeros_and_says_so(canvas):
    digit = preprocess_digit(canvas)
    assert digit.empty
    assert digit.pixels.shape == (784,) and not digit.pixels.any()
    assert preprocess_digit(canvas, flat=False).pixels.shape == (28, 28)


def test_single_pixel_of_ink():
    canvas = np.zeros((280, 280))
    canvas[5, 270] = 1.0
    image = preprocess_digit(canvas, flat=False).pixels
    assert ink_box(image) == (20, 20)  # a dot blown up to the 20x20 box, as MNIST's rule says
    assert center_of_mass(image) == pytest.approx((14, 14), abs=HALF_PIXEL)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((28, 28, 4)), "shape"),
        (np.zeros(784), "shape"),
        (np.zeros((0, 10)), "empty"),
        (np.full((10, 10), 2.0), r"\[0, 1\]"),
        (np.full((10, 10), -0.1), r"\[0, 1\]"),
        (np.full((10, 10), np.nan), "NaN"),
        (np.full((10, 10), 300), "0-255"),
        (np.full((10, 10), "x"), "dtype"),
    ],
)
def test_bad_images_raise_value_error(bad, message):
    with pytest.raises(ValueError, match=message):
        preprocess_digit(bad)


def test_real_mnist_digit_survives_the_round_trip():
    """An MNIST digit blown up 10x (as if drawn on a 280x280 canvas) comes back nearly unchanged."""
    need(TEST_DATA.exists(), f"{TEST_DATA} not prepared (run `python tools/prepare_mnist.py`)")
    from nnfs.data.mnist import load_npz

    images, _ = load_npz(TEST_DATA)
    correlations = []
    for pixels in images[:100]:
        original = pixels.reshape(28, 28) / 255.0
        canvas = np.kron(original, np.ones((10, 10)))
        again = preprocess_digit(canvas).pixels
        correlations.append(np.corrcoef(again, original.ravel())[0, 1])
    assert np.median(correlations) > 0.99
    assert np.mean(correlations) > 0.97


# -- helpers ------------------------------------------------------------------------


def test_box_resize_averages_areas():
    image = np.arange(16, dtype=float).reshape(4, 4)
    expected = image.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(box_resize(image, 2, 2), expected)
    np.testing.assert_allclose(box_resize(np.full((7, 13), 0.25), 5, 3), 0.25)  # non-integer ratios
    np.testing.assert_allclose(box_resize(image, 8, 8), np.kron(image, np.ones((2, 2))))  # upscaling
    # Total ink is conserved in proportion to area.
    rng = np.random.default_rng(0)
    other = rng.random((37, 23))
    np.testing.assert_allclose(box_resize(other, 10, 20).mean(), other.mean())
    with pytest.raises(ValueError):
        box_resize(np.zeros(5), 2, 2)
    with pytest.raises(ValueError):
        box_resize(image, 0, 2)


def test_center_of_mass():
    image = np.zeros((5, 7))
    image[1, 2] = 1.0
    image[3, 6] = 3.0
    assert center_of_mass(image) == pytest.approx((2.5, 5.0))
    with pytest.raises(ValueError, match="no ink"):
        center_of_mass(np.zeros((3, 3)))


# -- rasterize_strokes -------------------------------------------------------------------


def test_dot_is_a_disc_where_expected():
    image = rasterize_strokes([[(50.5, 60.5)]], width=100, height=80, pen_width=10)
    assert image.shape == (80, 100) and image.dtype == np.float64
    assert image[60, 50] == 1.0  # pixel (row 60, col 50) has its centre on the point
    assert image[60, 54] == 1.0 and image[60, 56] == 0.0  # radius 5
    assert image[56, 50] == 1.0 and image[66, 50] == 0.0
    assert image[55, 50] == 0.5  # centre exactly at the pen's radius: half covered
    np.testing.assert_array_equal(image, image[::-1, :][::-1, :])
    ys, xs = np.nonzero(image)
    assert np.average(xs, weights=image[ys, xs]) == pytest.approx(50, abs=1e-9)
    assert np.average(ys, weights=image[ys, xs]) == pytest.approx(60, abs=1e-9)
    assert np.pi * 5**2 == pytest.approx(image.sum(), rel=0.05)  # area of the disc


def test_horizontal_segment_inks_its_rows_only():
    image = rasterize_strokes([[(10, 20.25), (100, 20.25)]], width=120, height=40, pen_width=4)
    # Row r has its centre at r + 0.5; ink = clip(radius + 0.5 - distance, 0, 1).
    middle = image[:, 30]
    np.testing.assert_allclose(middle[17:24], [0, 0.75, 1, 1, 1, 0.25, 0])
    assert middle.sum() == pytest.approx(4.0)  # a column holds pen_width of ink
    assert not image[:17].any() and not image[23:].any()
    assert not image[:, :7].any() and not image[:, 104:].any()  # round caps of radius 2
    assert np.all(image[19:22, 10:100] == 1.0)


def test_polyline_and_several_strokes():
    strokes = [[(20, 20), (20, 80), (60, 80)], [(90, 10)]]
    image = rasterize_strokes(strokes, width=100, height=100, pen_width=6)
    assert image[50, 20] == 1.0 and image[80, 40] == 1.0 and image[10, 90] == 1.0
    assert image[50, 50] == 0.0
    assert image.max() == 1.0  # overlaps at the corner do not add past 1


def test_strokes_outside_the_canvas_are_cut_off():
    image = rasterize_strokes([[(-50, 10), (50, 10)], [(500, 500), (600, 600)]], width=30, height=30, pen_width=4)
    assert image[10, 0] == 1.0 and image[10, 29] == 1.0
    assert image[29, 29] == 0.0


def test_no_strokes_or_empty_strokes_draw_nothing():
    assert not rasterize_strokes([], 50, 40).any()
    assert not rasterize_strokes([[], []], 50, 40).any()
    assert digit_from_strokes([]).empty


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(strokes=[[(1, 2, 3)]]), "stroke 0"),
        (dict(strokes=[[(1, 2)], [(1, float("nan"))]]), "stroke 1 .*finite"),
        (dict(strokes=[["a", "b"]]), "stroke 0"),
        (dict(strokes=np.zeros((3, 2))), "list of strokes"),
        (dict(strokes=[], pen_width=0), "pen_width"),
        (dict(strokes=[], pen_width=float("inf")), "pen_width"),
        (dict(strokes=[], width=0), "width"),
        (dict(strokes=[], height=2.5), "height"),
    ],
)
def test_bad_strokes_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rasterize_strokes(**kwargs)


def test_digit_from_strokes_is_rasterise_then_preprocess():
    strokes = [[(140, 40), (140, 240)]]  # a "1"
    digit = digit_from_strokes(strokes, 280, 280, pen_width=20)
    expected = preprocess_digit(rasterize_strokes(strokes, 280, 280, pen_width=20))
    np.testing.assert_array_equal(digit.pixels, expected.pixels)
    image = digit.pixels.reshape(28, 28)
    assert ink_box(image)[0] == 20 and ink_box(image)[1] <= 3
    assert center_of_mass(image) == pytest.approx((14, 14), abs=HALF_PIXEL)


def test_ink_segment_extends_a_drawing_like_rasterize_strokes():
    """Inking a stroke one segment at a time gives the image rasterize_strokes draws at once."""
    from nnfs.data.drawn_digits import ink_segment

    stroke = [(40.0, 50.0), (60.0, 120.0), (130.0, 200.0), (131.0, 201.0)]
    image = np.zeros((280, 280))
    ink_segment(image, stroke[0], stroke[0], 20.0)  # the pen going down
    for a, b in zip(stroke, stroke[1:]):
        ink_segment(image, a, b, 20.0)
    np.testing.assert_array_equal(image, rasterize_strokes([stroke], 280, 280, 20.0))
