"""The Sigmoid neuron lab's pure helpers: number formats, point lists, sentences."""

import math

import numpy as np
import pytest

from app.labs.sigmoid import view
from nnfs.neurons.sigmoid_neuron import small_change


def test_number_formats_never_show_minus_zero():
    assert view.num(-0.0) == "0" and view.num(2.5) == "2.5"
    assert view.fixed(-1e-9) == "0.000000" and view.fixed(0.7310585786) == "0.731059"
    assert view.signed(0.0374659) == "+0.037466"
    assert view.signed(-0.0018561) == "-0.001856"
    assert view.signed(-1e-9) == "0.000000"


def test_curve_xs_packs_points_around_a_steep_threshold():
    xs = view.curve_xs((-6, 6), 1000.0, -1000.0)  # threshold 1, turning within ~0.01
    assert xs[0] == -6 and xs[-1] == 6 and np.all(np.diff(xs) > 0)
    near = xs[np.abs(xs - 1.0) < 0.01]
    assert len(near) >= 20
    # w = 0 or a threshold off the plot: just the even grid.
    assert len(view.curve_xs((-6, 6), 0.0, 1.0)) == 401
    assert len(view.curve_xs((-6, 6), 1.0, -100.0)) == 401


def test_step_points():
    assert view.step_points((-6, 6), 1.0, -1.0) == ([-6, 1.0, 1.0, 6], [0.0, 0.0, 1.0, 1.0])
    assert view.step_points((-6, 6), -2.0, -1.0) == ([-6, -0.5, -0.5, 6], [1.0, 1.0, 0.0, 0.0])
    assert view.step_points((-6, 6), 1.0, -10.0) == ([-6, 6], [0.0, 0.0])  # threshold off the plot
    assert view.step_points((-6, 6), 0.0, 0.5) == ([-6, 6], [1.0, 1.0])
    assert view.step_points((-6, 6), 0.0, 0.0) == ([-6, 6], [0.0, 0.0])  # z = 0 is not > 0


def test_z_window_and_ticks():
    assert view.z_window(1.0, 1.2) == (-8.0, 8.0)
    lo, hi = view.z_window(-3.0, 40.0)
    assert lo == -8.0 and hi > 40.0
    assert view.nice_ticks(-8, 8) == [-8, -6, -4, -2, 0, 2, 4, 6, 8]
    ticks = view.nice_ticks(-9.5, 101.5)
    assert ticks[0] == 0 and ticks[-1] == 100 and len(ticks) == 11
    for lo, hi in [(-8, 8), (-1010, 8), (-8, 60000)]:
        t = view.nice_ticks(lo, hi)
        assert 2 <= len(t) <= 13 and lo <= t[0] and t[-1] <= hi


def test_tangent_segment_is_on_the_line_and_inside_the_plot():
    z0, y0, m = 1.0, 0.731, 0.1966
    (za, ya), (zb, yb) = view.tangent_segment(z0, y0, m, (-8, 8), (-0.08, 1.08))
    for z, y in ((za, ya), (zb, yb)):
        assert y == pytest.approx(y0 + m * (z - z0))
        assert -0.08 - 1e-12 <= y <= 1.08 + 1e-12 and -8 <= z <= 8
    assert ya == pytest.approx(-0.08) and yb == pytest.approx(1.08)
    flat = view.tangent_segment(20.0, 1.0, 0.0, (-8, 30), (-0.08, 1.08))
    assert flat == ((-8, 1.0), (30, 1.0))


def test_sharpen_message():
    text = view.sharpen_message(1.0, -1.0, 10.0, 1 / (1 + math.exp(5)), 1.0)
    assert "c·w = 10" in text and "c·b = -10" in text and "x = −b/w = 1" in text
    assert "at most 0.006693" in text and "become the step" not in text
    assert "become the step" in view.sharpen_message(1.0, -1.0, 100.0, 1e-22, 1.0)
    assert "tends to 1" in view.sharpen_message(0.0, 2.0, 3.0, 0.0025, None, 0.9975)
    assert "½ whatever c is" in view.sharpen_message(0.0, 0.0, 3.0, 0.5, None)


def test_change_message_compares_the_two_neurons():
    r = small_change(2.0, 1.0, -1.0, 0.1)
    text, kind = view.change_message(r, 1, 1, 0.2)
    assert kind == "good" and "stayed at 1" in text and "+0.037466" in text
    r = small_change(0.9, 1.0, -1.0, 0.2)
    text, kind = view.change_message(r, 0, 1, 0.18)
    assert kind == "bad" and "jumped from 0 to 1" in text and "0.18 in z" in text
    text, kind = view.change_message(small_change(0.0, 1.0, -1.0, 0.5), 0, 0, 0.0)
    assert kind == "" and "Δz = x·Δw + Δb = 0" in text
    # A big change: the estimate is off by more than the change itself (no "2.6e+02").
    text, _ = view.change_message(small_change(-3.0, -0.5, 4.0, -1.0, 0.5), 1, 1, 3.5)
    assert "off by 0.010241, 259 % of the change" in text
    # Far out on the flat part, nothing moves at all.
    text, _ = view.change_message(small_change(6.0, 1e4, -5e3, 2.0, 1.0), 1, 1, 13.0)
    assert "moved by 0.000000: σ is flat" in text


def test_threshold_and_gap_text():
    assert view.threshold_text(1.0, -1.0, 1.0) == "x = −b/w = 1"
    assert view.threshold_text(1.0, -10.0, 10.0).endswith("(off the plot)")
    assert view.threshold_text(0.0, 1.0, None).startswith("none")
    assert view.gap_text(0.3775406687981454, 1.0) == "0.377541 (for x ≤ 0.5 and x ≥ 1.5)"
    assert view.gap_text(float("nan"), 1.0).startswith("—")


def _sig(z):
    return 1 / (1 + math.exp(-z))


def test_sharpening_note_says_the_same_change_moves_the_output_less():
    # Independent figures (math.exp): x = 2, w = 1, b = -1, Δw = 0.1 on the neuron c·w, c·b.
    text = view.sharpen_change_text(2.0, 1.0, -1.0, 1.0, 0.1, 0.0)
    moved = [_sig(c + 0.2) - _sig(c) for c in (1, 2, 128)]
    assert f"{moved[0]:+.6f}" == "+0.037466" and abs(moved[2]) < 5e-7
    assert text.startswith(
        "Sharpen it and the same Δw moves the output less, not more: Δoutput "
        f"{moved[0]:+.6f} at c = 1, {moved[1]:+.6f} at c = 2, 0.000000 at c = 128."
    )
    assert "moves the output more" not in text


def test_sharpening_note_on_the_threshold_and_with_no_change():
    text = view.sharpen_change_text(1.0, 1.0, -1.0, 3.0, 0.2, 0.0)
    same = f"{_sig(0.2) - 0.5:+.6f}"
    assert text.startswith("This x is on the threshold") and text.count(same) == 3
    assert "no c makes it move" in view.sharpen_change_text(0.0, 1.0, -1.0, 1.0, 0.5, 0.0)


def test_sharpening_note_when_a_sharper_neuron_first_responds_more():
    # Just below the threshold a change that carries z across 0 moves a sharper σ more at first.
    x, w, b, dw = 1.0, 1.0, -1.5, 2.0
    moved = [_sig(c * (w * x + b) + dw * x) - _sig(c * (w * x + b)) for c in (1, 2, 128)]
    assert abs(moved[1]) > abs(moved[0])
    text = view.sharpen_change_text(x, w, b, 1.0, dw, 0.0)
    assert text.startswith(f"Δoutput {moved[0]:+.6f} at c = 1, {moved[1]:+.6f} at c = 2")
    assert "at first respond more" in text


def test_the_settings_table_matches_the_lab():
    t = view.SETTINGS
    assert t.names() == ["w", "b", "c", "x", "dw", "db"]
    assert t.defaults() == {"w": 1.0, "b": -1.0, "c": 1.0, "x": 2.0, "dw": 0.1, "db": 0.0}
    assert t.from_hash("w=%E2%88%923&c=1%2C000") == ({"w": -3.0, "c": 1000.0}, [])
