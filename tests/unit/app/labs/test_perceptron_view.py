"""The perceptron lab's text and pixels (app.labs.perceptron.view), checked against hand-written values."""

import math

import numpy as np
import pytest

from app.labs.perceptron.view import (
    CORNERS,
    OUTPUT_COLORS,
    VIEW,
    Frame,
    arrow_anchor,
    half_plane_rgba,
    learn_message,
    line_text,
    num,
    rule_text,
    step_text,
    threshold_text,
    truth_rows_html,
)
from nnfs.neurons.perceptron import decision_line
from nnfs.neurons.perceptron_learning import PerceptronLearner
from pictures.pixels import CLASS_RGB


def test_num_is_short_and_never_negative_zero():
    assert num(3.0) == "3"
    assert num(-1.5) == "-1.5"
    assert num(-0.0) == "0"
    assert num(0.1 + 0.2) == "0.3"


def test_rule_text_matches_the_brief_example():
    assert rule_text((-2, -2), 3, (1, 0)) == "w·x + b = (-2)(1) + (-2)(0) + 3 = 1 > 0 → output 1"
    assert rule_text((-2, -2), 3, (1, 1)) == "w·x + b = (-2)(1) + (-2)(1) + 3 = -1 ≤ 0 → output 0"
    assert rule_text((1, 1), -1.5, (1, 1)) == "w·x + b = (1)(1) + (1)(1) + (-1.5) = 0.5 > 0 → output 1"
    # Exactly 0 is not > 0: the step is strict.
    assert rule_text((1, 1), -1, (1, 0)) == "w·x + b = (1)(1) + (1)(0) + (-1) = 0 ≤ 0 → output 0"


def test_rule_text_shows_no_float_noise_and_says_why():
    # In binary, 0.1 + 0.2 - 0.3 is 5.55e-17 > 0; on paper it is 0, and 0 is not > 0.
    assert rule_text((0.1, 0.2), -0.3, (1, 1)) == (
        "w·x + b = (0.1)(1) + (0.2)(1) + (-0.3) = 0 ≤ 0 → output 0\n"
        "(0 on paper; in binary floating point this sum comes out as 5.55e-17, "
        "a rounding error, so it counts as 0)"
    )
    assert threshold_text((0.1, 0.2), -0.3, (1, 1)).endswith("= 0.3 ≤ 0.3 → output 0")
    assert 'data-x="1,1"><td>1</td><td>1</td><td>0</td><td class="pc-out">0</td>' in truth_rows_html(
        (0.1, 0.2), -0.3, (1, 1)
    )
    assert "\n" not in rule_text((0.1, 0.2), -0.25, (1, 1))  # no note when there is no rounding to hide


def test_threshold_text_is_the_same_decision():
    assert threshold_text((-2, -2), 3, (1, 0)) == ("threshold = −b = -3;  w·x = (-2)(1) + (-2)(0) = -2 > -3 → output 1")
    assert threshold_text((1, 1), -1.5, (0, 1)) == ("threshold = −b = 1.5;  w·x = (1)(0) + (1)(1) = 1 ≤ 1.5 → output 0")
    assert threshold_text((1, 1), 0, (0, 0)).startswith("threshold = −b = 0;")


def test_line_text():
    assert line_text((-2, -2), 3) == "decision line: (-2)·x₁ + (-2)·x₂ + 3 = 0"
    assert line_text((0, 0), 2).endswith("output is 1 everywhere.")
    assert line_text((0, 0), -2).endswith("output is 0 everywhere.")
    assert line_text((0, 0), 0).endswith("output is 0 everywhere.")


def test_step_text_for_a_wrong_and_a_right_answer():
    learner = PerceptronLearner("AND")
    first = learner.step()  # x = (0, 0), t = 0, y = 0 (0 > 0 is false): right
    assert step_text(first) == (
        "Epoch 1, row 1: x = (0, 0), target t = 0, prediction y = 0, "
        "error e = t − y = 0: right, so nothing changes (Δw = 0, Δb = 0)."
    )
    learner = PerceptronLearner("AND", bias=0.5)
    wrong = learner.step()  # y = 1 but t = 0
    assert step_text(wrong) == (
        "Epoch 1, row 1: x = (0, 0), target t = 0, prediction y = 1, "
        "error e = t − y = -1; Δw = η·e·x = (0, 0), Δb = η·e = -1."
    )


def test_learn_message_states():
    assert learn_message(None, "AND")[0] == "idle"
    learner = PerceptronLearner("AND")
    learner.step()
    status, css, _ = learn_message(learner, "AND")
    assert (status, css) == ("running", "message")
    learner.run()
    status, css, html = learn_message(learner, "AND")
    assert (status, css) == ("converged", "message good")
    assert html.startswith("Converged ")


def test_learn_message_explains_xor():
    learner = PerceptronLearner("XOR")
    learner.run()
    status, css, html = learn_message(learner, "XOR")
    assert (status, css) == ("cycling", "message bad")
    assert "Cycling" in html
    assert "no single straight line separates XOR's 1s from its 0s" in html
    assert "XOR's 1s are at (0, 1) and (1, 0), its 0s at (0, 0) and (1, 1)" in html
    assert '<a href="#gates">Gates lab</a>' in html


def test_truth_rows_html_marks_current_and_wrong_rows():
    and_targets = {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1}
    html = truth_rows_html((-2, -2), 3, (1, 1), and_targets)
    rows = html.split("</tr>")[:-1]
    assert len(rows) == 4
    assert rows[3].startswith('<tr class="current" data-x="1,1">')
    assert sum('class="current"' in r for r in rows) == 1
    # NAND against AND's targets: every output is wrong.
    assert all('class="pc-out wrong"' in r for r in rows)
    plain = truth_rows_html((1, 1), -1.5, (0, 0))
    assert "pc-target" not in plain and "wrong" not in plain
    assert [r.count("<td") for r in plain.split("</tr>")[:-1]] == [4, 4, 4, 4]
    assert "<td>-1.5</td>" in plain and "<td>0.5</td>" in plain


def test_half_plane_rgba_colours_each_side():
    img = half_plane_rgba((1, 1), -1.5, 40, 40)
    assert img.shape == (40, 40, 4) and img.dtype == np.uint8
    frame = Frame(0, 0, 40)
    # Pixel near (1.4, 1.4): output 1 -> teal-ish; near (-0.4, -0.4): output 0 -> orange-ish.
    top_right = img[1, 38, :3].astype(int)
    bottom_left = img[38, 1, :3].astype(int)
    assert frame.to_data(38.5, 1.5)[0] > 1.3
    assert top_right[1] > top_right[0]  # teal: more green than red
    assert bottom_left[0] > bottom_left[1]  # orange-red: more red than green
    # Constant perceptron: one colour everywhere.
    flat = half_plane_rgba((0, 0), 1, 8, 8)
    assert (flat == flat[0, 0]).all()


def test_output_colours_are_the_class_colours():
    assert OUTPUT_COLORS == ("#e76f51", "#2a9d8f")
    assert CLASS_RGB.shape[1] == 3


def test_frame_round_trip_and_corner_hit():
    f = Frame(left=40, top=10, size=360)
    assert f.to_px(VIEW[0], VIEW[3]) == (40, 10)
    assert f.to_px(VIEW[1], VIEW[2]) == (400, 370)
    assert f.to_px(0, 0) == (130, 280)
    for x in ((0.3, -0.2), (1.25, 0.75)):
        back = f.to_data(*f.to_px(*x))
        assert math.isclose(back[0], x[0]) and math.isclose(back[1], x[1])
    assert f.corner_at(130, 280, 10) == (0, 0)
    assert f.corner_at(*f.to_px(1, 1), 10) == (1, 1)
    assert f.corner_at(135, 285, 5) is None


@pytest.mark.parametrize("w, b", [((1, 1), -1.5), ((-2, -2), 3), ((1, 0), -0.5), ((1, 1), -0.5)])
def test_arrow_anchor_lies_on_the_line_away_from_the_inputs(w, b):
    seg = decision_line(w, b, box=VIEW)
    p = arrow_anchor(seg)
    assert math.isclose(w[0] * p[0] + w[1] * p[1] + b, 0, abs_tol=1e-9)
    assert min(math.dist(p, c) for c in CORNERS) > 0.2


def test_the_settings_table_starts_consistent():
    """The first screen: the weights compute the target table (no red row), as in Nielsen's NAND."""
    from app.labs.perceptron.view import SETTINGS
    from nnfs.neurons.perceptron import Perceptron
    from nnfs.neurons.perceptron_learning import TABLES

    d = SETTINGS.defaults()
    p = Perceptron([d["w1"], d["w2"]], d["b"])
    assert all(p.output(x) == t for x, t in TABLES[d["target"]])
    assert (d["w1"], d["w2"], d["b"], d["target"]) == (-2.0, -2.0, 3.0, "NAND")


def test_run_status_changes_only_when_the_run_does():
    from app.labs.perceptron.view import run_status

    learner = PerceptronLearner("AND", learning_rate=1.0, weights=[0, 0], bias=0)
    assert run_status(None, False, "8", "AND") == ("", "")
    assert run_status(learner, True, "max", "AND") == ("Learning AND, as fast as it goes.", "")
    learner.step()
    assert run_status(learner, False, "8", "AND") == ("Paused in epoch 1.", "")
    learner.run(100)
    text, kind = run_status(learner, False, "8", "AND")
    assert kind == "good" and text == learner.message
    xor = PerceptronLearner("XOR")
    xor.run(100)
    assert run_status(xor, False, "2", "XOR") == (
        "XOR is not linearly separable: the rule goes round in circles.",
        "bad",
    )
