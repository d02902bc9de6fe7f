"""SVG path builders shared by every canvas picture."""

import math

import numpy as np

from pictures.paths import circle_path, rect_path, square_path, svg_path


def test_svg_path_breaks_at_non_finite_points():
    assert svg_path([0, 1, 2], [0, 1, 2]) == "M0.00 0.00L1.00 1.00L2.00 2.00"
    assert svg_path([0, 1, 2, 3], [0, math.inf, 2, 3]) == "M0.00 0.00M2.00 2.00L3.00 3.00"
    assert svg_path([], []) == ""


def _one_point_at_a_time(xs, ys) -> str:
    """The path written the plain way, point by point: the reference for the fast one."""
    parts, started = [], False
    for x, y in zip(xs, ys):
        if not (math.isfinite(x) and math.isfinite(y)):
            started = False
            continue
        parts.append(f"{'L' if started else 'M'}{x:.2f} {y:.2f}")
        started = True
    return "".join(parts)


def test_svg_path_is_the_point_by_point_path():
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 600, 2001):
        xs, ys = rng.normal(0, 300, n), rng.normal(0, 300, n)
        for holes in (0, 1, n // 3):
            for k in rng.choice(n, holes, replace=False):
                (xs if k % 2 else ys)[k] = (math.nan, math.inf, -math.inf)[k % 3]
            assert svg_path(xs, ys) == _one_point_at_a_time(xs.tolist(), ys.tolist())
    edge = [0.005, -0.005, 1e-300, -0.0, 1e16, 2.675]  # rounding and signs: the same formatting
    assert svg_path(edge, edge[::-1]) == _one_point_at_a_time(edge, edge[::-1])
    assert svg_path([math.nan, 1], [1, 2]) == "M1.00 2.00"
    assert svg_path([math.nan], [1]) == ""


def test_rect_and_square_paths():
    assert rect_path([(1, 2, 3, 4)]) == "M1.0 2.0h3.0v4.0h-3.0Z"
    assert square_path([(5, 5)], 1) == rect_path([(4, 4, 2, 2)])
    rounded = rect_path([(0, 0, 10, 10)], radius=2)
    assert rounded.startswith("M2.0 0.0H8.0A2.0") and rounded.count("A") == 4


def test_circle_path_is_two_arcs_per_circle():
    p = circle_path([(10, 10), (20, 20)], 3)
    assert p.count("M") == 2 and p.count("A") == 4 and p.startswith("M7.0 10.0")
