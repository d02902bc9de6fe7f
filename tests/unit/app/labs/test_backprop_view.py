"""The Backprop lab's pure view: layout, weight styles, hit testing, the step
and check panels, the table of examples, and the log-scale speed chart.
(The equations' text: test_backprop_equations.py.)"""

import math

import numpy as np
import pytest

from app.labs.backprop.view import (
    LAYER_COLORS,
    MAX_WIDTH,
    MIN_WIDTH,
    NEG,
    POS,
    RADIUS,
    bar_boxes,
    check_html,
    curve_points,
    examples_html,
    hit,
    label_point,
    layout,
    legend_html,
    log_ticks,
    log_y,
    ratio_text,
    selection_of,
    speeds_text,
    step_html,
    weight_style,
)
from nnfs.labs.backprop.steps import Selection, Walkthrough
from nnfs.maths.network import Network


@pytest.mark.parametrize("sizes", [[2, 3, 2], [4, 5, 5, 5, 4], [1, 1, 1]])
def test_layout_puts_layers_left_to_right_and_neurons_apart(sizes):
    lay = layout(sizes, 640, 340)
    xs = [layer[0][0] for layer in lay.pos]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    for layer, size in zip(lay.pos, sizes):
        assert len(layer) == size
        ys = [p[1] for p in layer]
        assert all(b - a >= 2 * RADIUS for a, b in zip(ys, ys[1:]))  # circles never overlap
        assert all(RADIUS <= y <= 340 - RADIUS for y in ys)
        assert math.isclose((ys[0] + ys[-1]) / 2, 170, abs_tol=0.02)  # centred


def test_weight_style_colour_is_sign_and_width_is_size():
    assert weight_style(0.5)[0] == POS and weight_style(-0.5)[0] == NEG
    widths = [weight_style(w)[1] for w in (0.0, 0.5, 1.5, 3.0, 30.0)]
    assert widths == sorted(widths) and widths[0] == MIN_WIDTH and widths[-1] == MAX_WIDTH
    assert weight_style(-2.0)[1] == weight_style(2.0)[1]
    assert weight_style(math.nan)[1] == MIN_WIDTH


def test_clicks_select_neurons_and_weights():
    lay = layout([2, 3, 2])
    x, y = lay.pos[1][2]
    assert hit(lay, x + 5, y - 5) == ("neuron", 1, 2)
    assert selection_of(hit(lay, x, y)) == Selection(1, 2)
    assert selection_of(hit(lay, *lay.pos[0][0])) is None  # an input has no bias
    mx, my = label_point(lay, 2, 1, 0)
    assert hit(lay, mx, my) == ("weight", 2, 1, 0)
    assert selection_of(hit(lay, mx, my + 2)) == Selection(2, 1, 0)
    assert hit(lay, 2, 2) is None


def test_step_panel_escapes_and_numbers_the_step():
    net = Network([2, 3, 2], seed=1)
    walk = Walkthrough(net, [[0.5, -0.2]], [[1.0, 0.0]])
    html = step_html(walk.steps[3], 3, len(walk.steps), walk.explain(walk.steps[3]))
    assert html.startswith('<p class="bp-count">Step 4 of 8</p>')
    assert "BP1" in html and "δ²₁" in html and "<script" not in html
    check = walk.finite_difference(Selection(1, 0, 1))
    panel = check_html("w¹₁₂", check)
    assert "they agree" in panel


def test_examples_table_has_a_field_per_input_and_target():
    X = np.array([[0.5, 0.25], [1.0, 0.0]])
    T = np.array([[1.0], [0.0]])
    html = examples_html(X, T)
    assert html.count("<tr>") == 3 and "<th scope='col'>x₂</th>" in html and "<th scope='col'>y₁</th>" in html
    assert "id='bp-x-0-1' data-not-setting data-kind='x' data-row='0' data-col='1' value='0.25'" in html
    assert "aria-label='y1 of example 2'" in html and html.count("<input") == 6


def test_log_axis_and_bars():
    assert log_y(1.0, 10, 110) == 10 and log_y(1e-5, 10, 110) == 110
    assert log_y(1e-3, 10, 110) == pytest.approx(110 - 0.4 * 100)
    assert log_y(0.0, 10, 110) == 110 and log_y(math.nan, 10, 110) == 110
    assert log_ticks() == [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    groups = [([0.06, 0.28], [0.001, 0.002]), ([0.01, 0.05, 0.2], [0.01, 0.05, 0.2])]
    boxes = bar_boxes(groups, 40, 400, 10, 110)
    assert [(r, l, when) for r, l, when, _ in boxes] == [
        (r, l, when) for r, n in ((0, 2), (1, 3)) for l in range(n) for when in ("start", "now")
    ]
    heights = {(r, l, when): b[3] for r, l, when, b in boxes}
    assert heights[0, 0, "start"] < heights[0, 1, "start"] and heights[0, 0, "now"] < heights[0, 0, "start"]
    assert heights[1, 2, "start"] == heights[1, 2, "now"]
    lefts = [b[0] for *_, b in boxes]
    assert lefts == sorted(lefts) and lefts[-1] + boxes[-1][3][2] <= 440


def test_legend_and_ratio_say_start_and_now():
    legend = legend_html(2, 30)
    for text in ("hidden layer 1", "hidden layer 2", "at the start (epoch 0)", "now (epoch 30)"):
        assert text in legend
    assert LAYER_COLORS[1] in legend and "hidden layer 3" not in legend
    # The book's run: 0.07 and 0.31 as its text states them (4.4 times), its figure's data 4.7 times.
    text = ratio_text("Run 1", [0.0615, 0.2816], [0.0012, 0.0025], 30, (0.07, 0.31), (0.0657, 0.309))
    assert "at the start the last hidden layer learns 4.6 times as fast as the first" in text
    assert "(the book: 0.07 and 0.31, so 4.4 times; its figure's data: 0.0657 and 0.309, 4.7 times)" in text
    assert "after epoch 30, 2.1 times" in text
    assert "layer 1's speed fell from 0.0615 to 0.0012" in text and "Every layer learns more slowly now" in text
    assert "narrowed" in text
    assert "widened" in ratio_text("Run 2", [0.1, 0.2], [0.01, 0.1], 5)
    assert ratio_text("Run 3", [0.1, 0.3], [0.1, 0.3], 0).endswith("Press Run to train it and watch the speeds change.")


def test_curves_span_the_epochs():
    norms = [[0.1, 0.3], [0.05, 0.2], [0.01, 0.1]]
    xs, ys = curve_points(norms, 0, 0, 100, 10, 110, epochs=4)
    assert xs == [0, 25, 50] and ys == sorted(ys)  # falling speed = rising y on the canvas
    assert speeds_text([0.0615, 0.2816], (0.07, 0.31)) == "0.0615 / 0.282 (book: 0.07 / 0.31)"
