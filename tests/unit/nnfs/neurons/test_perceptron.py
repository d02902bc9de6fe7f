"""Perceptron, gate presets, truth tables, decision lines and parse_finite.

Expected values are written out by hand (truth tables) or computed
independently in the test (w . x + b with plain Python), never taken from
the code under test.
"""

import math
from fractions import Fraction
from itertools import product

import pytest

from nnfs.neurons.perceptron import (
    AND,
    NAND,
    NOT,
    OR,
    PRESETS,
    Perceptron,
    decision_line,
    parse_finite,
    truth_table,
)

# Hand-written truth tables: rows in binary counting order.
NAND_TABLE = [((0, 0), 1), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]
AND_TABLE = [((0, 0), 0), ((0, 1), 0), ((1, 0), 0), ((1, 1), 1)]
OR_TABLE = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 1)]
NOT_TABLE = [((0,), 1), ((1,), 0)]


@pytest.mark.parametrize(
    "gate, table",
    [
        (NAND, NAND_TABLE),
        (AND, AND_TABLE),
        (OR, OR_TABLE),
        (NOT, NOT_TABLE),
    ],
)
def test_preset_truth_tables(gate, table):
    assert truth_table(gate) == table
    for x, expected in table:
        assert gate.output(x) == expected


def test_nand_is_nielsens():
    assert NAND.weights.tolist() == [-2.0, -2.0]
    assert NAND.bias == 3.0
    assert NAND.threshold == -3.0
    assert PRESETS == {"nand": NAND, "and": AND, "or": OR, "not": NOT}


def test_truth_table_of_three_inputs_is_majority():
    majority = Perceptron([1, 1, 1], -1.5)
    table = truth_table(majority)
    assert [x for x, _ in table] == list(product((0, 1), repeat=3))
    assert all(out == (1 if sum(x) >= 2 else 0) for x, out in table)


def test_output_on_real_inputs_matches_hand_computed_sum():
    p = Perceptron([0.5, -1.25, 2.0], -0.1)
    for x in [(0.3, 0.2, -0.1), (1.5, 2.0, 0.7), (-3.0, 0.0, 0.01), (0.2, 0.0, 0.0)]:
        z = 0.5 * x[0] - 1.25 * x[1] + 2.0 * x[2] - 0.1
        assert p.weighted_input(x) == pytest.approx(z)
        assert p.output(x) == (1 if z > 0 else 0)
    assert NAND.output([0.25, 0.5]) == 1  # -2 * 0.75 + 3 = 1.5 > 0


def test_step_is_strict_at_zero():
    assert Perceptron([1], -1).output([1]) == 0  # z = 0 exactly
    assert Perceptron([1], -1).output([1.001]) == 1


@pytest.mark.parametrize(
    "w, b, x",
    [
        ((0.1, 0.2), -0.3, (1, 1)),  # 0.1 + 0.2 - 0.3 is 5.55e-17 in binary
        ((-0.2, -0.1), 0.3, (1, 1)),  # -5.55e-17
        ((0.1, 0.0), -0.1, (1, 0)),  # exactly 0 in binary too
        ((3.0, 0.0), -0.3, (0.1, 0.7)),  # 3 * 0.1 - 0.3 is 5.55e-17
    ],
)
def test_a_sum_that_is_zero_on_paper_is_zero(w, b, x):
    raw = sum(wi * xi for wi, xi in zip(w, x)) + b
    assert abs(raw) < 1e-15  # what plain floats give: 0 or a speck of rounding
    p = Perceptron(w, b)
    assert p.weighted_input(x) == 0.0
    assert p.output(x) == 0  # strict at zero, whatever the rounding's sign
    assert p.outputs([x]).tolist() == [0]


def test_a_tiny_but_real_sum_is_kept():
    p = Perceptron([1.0], -0.9999999999999)  # z = 1e-13: typed, not rounding
    assert p.weighted_input([1]) == pytest.approx(1e-13, rel=1e-3)
    assert p.output([1]) == 1 and p.outputs([[1]]).tolist() == [1]
    assert Perceptron([1.0], -1.0000000000001).output([1]) == 0


def test_threshold_form_is_the_same_perceptron():
    p = Perceptron.from_threshold([1, 1], 1.5)
    assert p.bias == -1.5 and p.threshold == 1.5
    assert truth_table(p) == AND_TABLE


def test_presets_cannot_be_changed():
    with pytest.raises(ValueError):
        NAND.weights[0] = 5.0
    assert truth_table(NAND) == NAND_TABLE


@pytest.mark.parametrize(
    "weights, bias, message",
    [
        ([1, math.nan], 0, "weights must be finite numbers; got nan at position 1"),
        ([math.inf, 1], 0, "weights must be finite numbers; got inf at position 0"),
        ([1, "a"], 0, "weights must be finite numbers; got 'a' at position 1"),
        ([None], 0, "weights must be finite numbers; got None at position 0"),
        ("12", 0, "weights must be a sequence of numbers; got '12'"),
        (5, 0, "weights must be a sequence of numbers; got 5"),
        ([], 0, "weights must have at least one entry"),
        ([1, 1], math.nan, "bias must be a finite number; got nan"),
        ([1, 1], "3", "bias must be a finite number; got '3'"),
        ([1, 1], None, "bias must be a finite number; got None"),
    ],
)
def test_bad_perceptron_raises(weights, bias, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Perceptron(weights, bias)


def test_bad_threshold_raises():
    with pytest.raises(ValueError, match="threshold must be a finite number; got inf"):
        Perceptron.from_threshold([1, 1], math.inf)


@pytest.mark.parametrize(
    "x, message",
    [
        ([1, 1, 1], "expected 2 inputs; got 3"),
        ([1], "expected 2 inputs; got 1"),
        ([1, None], "inputs must be finite numbers; got None at position 1"),
        (["1", 0], "inputs must be finite numbers; got '1' at position 0"),
        ([1, math.nan], "inputs must be finite numbers; got nan at position 1"),
        ("10", "inputs must be a sequence of numbers; got '10'"),
    ],
)
def test_bad_inputs_raise(x, message):
    with pytest.raises(ValueError, match=message):
        NAND.output(x)


@pytest.mark.parametrize(
    "text, expected",
    [
        (" 2.5 ", 2.5),
        ("-3", -3.0),
        ("1e3", 1000.0),
        ("0", 0.0),
        ("+.5", 0.5),
        ("\u22122", -2.0),
        ("1e\u22123", 0.001),  # "−2" copied from the page's own text
    ],
)
def test_parse_finite_accepts(text, expected):
    assert parse_finite(text, "w1") == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("abc", "w1: 'abc' is not a number"),
        ("", "w1 is empty"),
        ("   ", "w1 is empty"),
        ("1e999", "w1: '1e999' is too large"),
        ("-1e999", "w1: '-1e999' is too large a negative number"),
        ("inf", "w1: 'inf' is too large"),
        ("nan", "w1: 'nan' is not a number"),
        ("1,5", r"w1: '1,5' is not a number \(write decimals with a point, and no commas or spaces\)"),
        ("1 000", r"w1: '1 000' is not a number \(write decimals with a point"),
        ("\u2212", "w1: '\u2212' is not a number$"),
        (None, "w1 must be given as text; got None"),
    ],
)
def test_parse_finite_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_finite(text, "w1")


def test_parse_finite_range():
    assert parse_finite("10", "eta", minimum=0, maximum=10) == 10.0
    with pytest.raises(ValueError, match="eta must be at least 0; got -1"):
        parse_finite("-1", "eta", minimum=0)
    with pytest.raises(ValueError, match="eta must be at most 10; got 10.5"):
        parse_finite("10.5", "eta", maximum=10)


def _flat(segment):
    (x1, y1), (x2, y2) = segment
    return [x1, y1, x2, y2]


def _on_box_edge(point, box):
    x, y = point
    x_lo, x_hi, y_lo, y_hi = box
    inside = x_lo - 1e-9 <= x <= x_hi + 1e-9 and y_lo - 1e-9 <= y <= y_hi + 1e-9
    edge = min(abs(x - x_lo), abs(x - x_hi), abs(y - y_lo), abs(y - y_hi)) < 1e-9
    return inside and edge


@pytest.mark.parametrize(
    "w, b, expected",
    [
        ((1, 1), -1.5, ((0.5, 1.0), (1.0, 0.5))),  # AND's line
        ((1, 1), -0.5, ((0.0, 0.5), (0.5, 0.0))),  # OR's line
        ((-2, -2), 3, ((0.5, 1.0), (1.0, 0.5))),  # NAND: same line, w points the other way
        ((1, 1), -1, ((0.0, 1.0), (1.0, 0.0))),  # the diagonal, corner to corner
        ((1, 0), -0.25, ((0.25, 0.0), (0.25, 1.0))),  # vertical: x1 = 0.25
        ((0, 2), -1, ((0.0, 0.5), (1.0, 0.5))),  # horizontal: x2 = 0.5
        ((0, 1), 0, ((0.0, 0.0), (1.0, 0.0))),  # along the bottom edge
    ],
)
def test_decision_line_in_unit_square(w, b, expected):
    segment = decision_line(w, b)
    assert _flat(segment) == pytest.approx(_flat(expected))
    for p in segment:
        assert w[0] * p[0] + w[1] * p[1] + b == pytest.approx(0, abs=1e-12)
        assert _on_box_edge(p, (0, 1, 0, 1))


@pytest.mark.parametrize(
    "w, b",
    [
        ((0, 0), 1),  # w = 0: no line at all
        ((0, 0), 0),
        ((1, 1), -3),  # misses the square
        ((1, 1), 0.5),
        ((1, 1), -2),  # touches the corner (1, 1) only
    ],
)
def test_decision_line_none(w, b):
    assert decision_line(w, b) is None


def test_decision_line_custom_box():
    box = (-1, 2, -1, 2)
    segment = decision_line((1, -1), 0, box)  # x2 = x1
    assert _flat(segment) == pytest.approx([-1, -1, 2, 2])
    segment = decision_line((0.3, 0.7), -0.4, box)
    for p in segment:
        assert 0.3 * p[0] + 0.7 * p[1] - 0.4 == pytest.approx(0, abs=1e-12)
        assert _on_box_edge(p, box)


@pytest.mark.parametrize(
    "w, b, box, message",
    [
        ((1, 1, 1), 0, (0, 1, 0, 1), "exactly 2 weights; got 3"),
        ((1, math.nan), 0, (0, 1, 0, 1), "weights must be finite numbers; got nan at position 1"),
        ((1, 1), math.inf, (0, 1, 0, 1), "bias must be a finite number"),
        ((1, 1), 0, (1, 0, 0, 1), "box must be"),
        ((1, 1), 0, (0, 1, 0), "box must be"),
    ],
)
def test_decision_line_bad_input(w, b, box, message):
    with pytest.raises(ValueError, match=message):
        decision_line(w, b, box)


def test_outputs_agree_with_output_row_by_row():
    p = Perceptron([0.7, -1.3], 0.2)
    points = [(x1 / 4, x2 / 4) for x1 in range(-4, 9) for x2 in range(-4, 9)]
    got = p.outputs(points)
    # Exact arithmetic on the decimals: (-0.75, -0.25) is on the line, z = 0 on paper.
    w1, w2, b = Fraction("0.7"), Fraction("-1.3"), Fraction("0.2")
    assert got.tolist() == [1 if w1 * Fraction(x) + w2 * Fraction(y) + b > 0 else 0 for x, y in points]
    assert got.tolist() == [p.output(x) for x in points]
    assert NAND.outputs([(0, 0), (0, 1), (1, 0), (1, 1)]).tolist() == [1, 1, 1, 0]
    assert Perceptron([1, 1], -1).outputs([(0.5, 0.5)]).tolist() == [0]  # strict at zero


@pytest.mark.parametrize(
    "points, message",
    [
        ([(0, 0, 1)], "expected an"),
        ([0, 1], "expected an"),
        ([(0, math.inf)], "finite"),
        ([(math.nan, 0)], "finite"),
    ],
)
def test_outputs_bad_input(points, message):
    with pytest.raises(ValueError, match=message):
        NAND.outputs(points)
