"""app.labs.universality.view: the drag mapping, resizing heights, verdicts and the kept best."""

from __future__ import annotations

import math

from app.labs.universality import view


def test_a_drag_lands_in_the_bump_under_the_pointer():
    assert view.column_at(0.0, 5) == 0 and view.column_at(0.199, 5) == 0 and view.column_at(0.2, 5) == 1
    assert view.column_at(1.0, 5) == 4
    assert view.column_at(-0.01, 5) is None and view.column_at(1.01, 5) is None
    assert view.clamp_height(-1.234) == -1.23 and view.clamp_height(99) == view.HEIGHT_LIMIT


def test_resizing_keeps_the_shape():
    assert view.resize_heights([1, 2, 3, 4, 5], 10) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert view.resize_heights([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], 5) == [1, 2, 3, 4, 5]
    assert view.resize_heights([], 2) == [0.0, 0.0]


def test_verdicts_say_pass_or_fail_and_by_how_much():
    text, kind = view.verdict(0.3717)
    assert kind == "good" and text == "Passed: average deviation 0.37 ≤ 0.40, 0.03 under the bar."
    text, kind = view.verdict(0.4049)
    assert kind == "good" and "exactly on the bar" in text
    text, kind = view.verdict(1.0553)
    assert kind == "bad" and text.startswith("Not yet: average deviation 1.06, 0.66 above")
    assert view.verdict(math.nan)[1] == "bad"


def test_the_kept_best_reads_back_and_damage_is_ignored():
    rec = view.best_record(0.31, [1.0, -2.5])
    assert view.read_best(rec) == {"score": 0.31, "heights": [1.0, -2.5]}
    for bad in ("", "null", "{", '{"score": "x", "heights": []}', '{"heights": [1]}'):
        assert view.read_best(bad) is None
    assert view.best_text(view.read_best(rec), 2) == "Your best for this target with 2 bumps: 0.31 (passed)."
    assert view.best_key("random-3", 5) != view.best_key("random-3", 6)


def test_steps_are_drawn_vertical():
    xs = view.curve_x([0.4])
    assert any(abs(x - 0.4) < 2e-4 and x < 0.4 for x in xs) and any(abs(x - 0.4) < 2e-4 and x > 0.4 for x in xs)
