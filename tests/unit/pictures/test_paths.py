"""SVG path builders shared by every canvas picture."""

import math

from pictures.paths import circle_path, rect_path, square_path, svg_path


def test_svg_path_breaks_at_non_finite_points():
    assert svg_path([0, 1, 2], [0, 1, 2]) == "M0.00 0.00L1.00 1.00L2.00 2.00"
    assert svg_path([0, 1, 2, 3], [0, math.inf, 2, 3]) == "M0.00 0.00M2.00 2.00L3.00 3.00"
    assert svg_path([], []) == ""


def test_rect_and_square_paths():
    assert rect_path([(1, 2, 3, 4)]) == "M1.0 2.0h3.0v4.0h-3.0Z"
    assert square_path([(5, 5)], 1) == rect_path([(4, 4, 2, 2)])
    rounded = rect_path([(0, 0, 10, 10)], radius=2)
    assert rounded.startswith("M2.0 0.0H8.0A2.0") and rounded.count("A") == 4


def test_circle_path_is_two_arcs_per_circle():
    p = circle_path([(10, 10), (20, 20)], 3)
    assert p.count("M") == 2 and p.count("A") == 4 and p.startswith("M7.0 10.0")
