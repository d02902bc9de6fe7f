"""The rule for pinning a picture on a phone (app.ui.pin_rule), case by case, by hand."""

from __future__ import annotations

import pytest

from app.ui.pin_rule import MAX_SHARE, REACH, SHOW_BELOW, pinned

SCREEN = 844.0


@pytest.mark.parametrize(
    ("picture", "expected", "why"),
    [
        ((300.0, 300.0, 1500.0), 0, "the controls start right under the picture and fill the screen"),
        ((300.0, 300.0 + REACH, 1500.0), 0, "a panel's margin between the picture and its controls"),
        ((300.0, 300.0 + REACH + 1, 1500.0), None, "something else lies between: it would be covered"),
        ((300.0, -2000.0, 300.0 + SHOW_BELOW), 0, "the last controls still show below the picture"),
        ((300.0, -2000.0, 300.0 + SHOW_BELOW - 1), None, "the controls have scrolled under it: let go"),
        ((300.0, 900.0, 1500.0), None, "its controls are not on screen yet"),
        ((MAX_SHARE * SCREEN + 1, 0.0, 2000.0), None, "too tall for the screen (the keyboard is open)"),
        ((0.0, 0.0, 2000.0), None, "a hidden picture has no height"),
    ],
)
def test_one_picture(picture, expected, why):
    assert pinned([picture], SCREEN) == expected, why


def test_the_first_picture_that_qualifies_wins_and_others_are_skipped():
    away = (200.0, 1200.0, 1900.0)  # its controls further down
    here = (150.0, 100.0, 900.0)
    assert pinned([away, here], SCREEN) == 1
    assert pinned([here, (150.0, 0.0, 900.0)], SCREEN) == 0
    assert pinned([], SCREEN) is None
