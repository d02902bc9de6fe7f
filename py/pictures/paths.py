"""SVG path text for many shapes at once: pure Python, tested in CPython.

A diagram with a hundred wires or a plot with hundreds of points is built here
as one path string and sent to the canvas as a single ``Path2D`` (see
``canvas.py``), so it costs a few bridge calls instead of a few per shape.
"""

from __future__ import annotations

import numpy as np


def svg_path(xs, ys) -> str:
    """SVG path text ("M x y L x y ...") through the points; a non-finite point
    ends the current piece and the next finite one starts a new piece ("M").

    Every curve of every lab is drawn through here, each redraw (Universality's fit redraws
    ten curves of ~600 points a step): one %-format of all the numbers at once, not an
    f-string per point, which took 30-50 ms a Universality draw in the page's Python."""
    xs = np.asarray(xs, dtype=np.float64).ravel()
    ys = np.asarray(ys, dtype=np.float64).ravel()
    finite = np.isfinite(xs) & np.isfinite(ys)
    if not finite.any():
        return ""
    # A finite point after a non-finite one (or first) starts a piece.
    starts = finite & ~np.concatenate(([False], finite[:-1]))
    template = "".join(np.where(starts[finite], "M%.2f %.2f", "L%.2f %.2f").tolist())
    return template % tuple(np.column_stack((xs[finite], ys[finite])).ravel().tolist())


def rect_path(boxes, radius=0.0) -> str:
    """SVG path text for rectangles [(x, y, w, h), ...] with corners rounded by `radius`."""
    parts = []
    for x, y, w, h in boxes:
        r = max(0.0, min(radius, w / 2, h / 2))
        if r:
            parts.append(
                f"M{x + r:.1f} {y:.1f}H{x + w - r:.1f}A{r:.1f} {r:.1f} 0 0 1 {x + w:.1f} {y + r:.1f}"
                f"V{y + h - r:.1f}A{r:.1f} {r:.1f} 0 0 1 {x + w - r:.1f} {y + h:.1f}"
                f"H{x + r:.1f}A{r:.1f} {r:.1f} 0 0 1 {x:.1f} {y + h - r:.1f}"
                f"V{y + r:.1f}A{r:.1f} {r:.1f} 0 0 1 {x + r:.1f} {y:.1f}Z"
            )
        else:
            parts.append(f"M{x:.1f} {y:.1f}h{w:.1f}v{h:.1f}h{-w:.1f}Z")
    return "".join(parts)


def circle_path(centres, r) -> str:
    """SVG path text for circles of radius r around [(x, y), ...] (two half-circle arcs each)."""
    return "".join(
        f"M{x - r:.1f} {y:.1f}A{r:.1f} {r:.1f} 0 1 0 {x + r:.1f} {y:.1f}A{r:.1f} {r:.1f} 0 1 0 {x - r:.1f} {y:.1f}Z"
        for x, y in centres
    )


def square_path(centres, half) -> str:
    """SVG path text for axis-aligned squares of half-width ``half`` around [(x, y), ...]."""
    return rect_path([(x - half, y - half, 2 * half, 2 * half) for x, y in centres])
