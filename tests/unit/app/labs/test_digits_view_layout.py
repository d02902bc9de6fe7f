"""The Digits lab's results-panel layout: strip widths, gallery pages and selections (pure)."""

import numpy as np
import pytest

from app.labs.digits.layout import SETTINGS, TILE, strip_columns
from pictures.gallery import gallery_page, gallery_selection


@pytest.mark.parametrize(
    "width, most, expected",
    [
        (0, 8, 8),  # not laid out: the usual width
        (4 + TILE * 5, 8, 5),  # exactly five tiles and the margin
        (4 + TILE * 5 - 1, 8, 4),  # a pixel short of five
        (10_000, 10, 10),  # never more than asked for
        (30, 10, 1),  # at least one
    ],
)
def test_strip_columns(width, most, expected):
    assert strip_columns(width, most) == expected


def test_strip_columns_never_overflows_the_width():
    for width in range(64, 1200, 7):
        n = strip_columns(width, 50)
        assert 4 + n * TILE <= width


@pytest.mark.parametrize("n, per_page", [(0, 24), (1, 24), (24, 24), (25, 24), (216, 24), (778, 15), (10, 1)])
def test_pages_cover_every_item_once_in_order(n, per_page):
    start, stop, page, pages = gallery_page(n, 0, per_page)
    assert pages == max(1, -(-n // per_page))
    seen = []
    for k in range(pages):
        start, stop, page, _ = gallery_page(n, k, per_page)
        assert page == k and stop - start <= per_page
        seen += list(range(start, stop))
    assert seen == list(range(n))


def test_pages_out_of_range_are_clamped():
    assert gallery_page(216, -3, 24) == (0, 24, 0, 9)
    assert gallery_page(216, 99, 24) == (192, 216, 8, 9)


def test_selection_is_every_mistake_or_one_cell():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 500)
    predictions = np.where(rng.random(500) < 0.8, labels, rng.integers(0, 10, 500))
    wrong = [i for i in range(500) if labels[i] != predictions[i]]
    assert gallery_selection(labels, predictions, None).tolist() == wrong
    for t in range(10):
        for p in range(10):
            expected = [i for i in range(500) if labels[i] == t and predictions[i] == p]
            assert gallery_selection(labels, predictions, (t, p)).tolist() == expected


def test_the_test_image_setting_round_trips_through_the_address():
    assert SETTINGS.element_id("image") == "dg-image"
    assert SETTINGS.to_hash({"image": 0}) == ""  # the default is not written
    assert SETTINGS.to_hash({"image": 9999}) == "image=9999"
    assert SETTINGS.from_hash("image=3") == ({"image": 3}, [])
    values, problems = SETTINGS.from_hash("image=10000")
    assert values == {} and problems and problems[0][0] == "image"
