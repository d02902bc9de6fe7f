"""What the Sigmoid neuron lab shows, as numbers, sentences and point lists.

The lab's glue (``app.labs.sigmoid.lab``) reads the controls and draws; this module
decides which points make up each drawn line and writes the sentences beside
the plots. No ``js`` here, so it is tested in CPython. The maths itself (σ,
the threshold, sharpening, the small-change estimate) stays in ``nnfs.neurons.sigmoid_neuron``.
"""

from __future__ import annotations

import math

import numpy as np

from nnfs.neurons.sigmoid_neuron import small_change, weighted_input
from nnfs.settings.table import Setting, Table

# The inputs shown on the main plot, and its output axis (a little beyond 0..1
# so that the flat parts of the curves are not drawn on the axis itself).
X_RANGE = (-6.0, 6.0)
Y_RANGE = (-0.08, 1.08)
# "Away from the threshold" for the sharpening measure: |x - threshold| >= MARGIN.
MARGIN = 0.5
# Inputs at which the plotted curve's value is written into the canvas's data-
# attributes (the e2e tests compare them with sigma(w x + b) computed there).
PROBES = (-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0)
# The z axis of the "output against z" plot reaches at least this far each way.
Z_HALF = 8.0
DECIMALS = 6

# Every setting of the lab, declared once: the controls, the link (#sigmoid/w=4&c=10)
# and the parsing follow from this table (app.shell.lab).
SETTINGS = Table(
    "sg",
    [
        Setting("w", "weight w", 1.0, lo=-10, hi=10, slider=(-10, 10, 0.1)),
        Setting("b", "bias b", -1.0, lo=-10, hi=10, slider=(-10, 10, 0.1)),
        Setting("c", "scale c", 1.0, lo=0.1, hi=1000, slider=(1, 100, 1)),
        Setting("x", "input x", 2.0, lo=-6, hi=6, slider=(-6, 6, 0.1)),
        Setting("dw", "change Δw", 0.1, lo=-2, hi=2, slider=(-2, 2, 0.01)),
        Setting("db", "change Δb", 0.0, lo=-2, hi=2, slider=(-2, 2, 0.01)),
    ],
)
# How much sharper the comparison in sharpen_change_text looks: c, 2c (the "c × 2"
# button) and this many times c, far enough to show where it ends.
FAR = 128


def num(value) -> str:
    """A number written short (``%g``), never ``-0``."""
    return f"{float(value) + 0.0:g}"


def fixed(value, decimals: int = DECIMALS) -> str:
    """A number to a fixed number of decimals, never ``-0.000000``."""
    v = round(float(value), decimals) + 0.0
    return f"{v:.{decimals}f}"


def signed(value, decimals: int = DECIMALS) -> str:
    """A change, with its sign: ``+0.037466``, ``-0.001856``, ``0.000000``."""
    v = round(float(value), decimals) + 0.0
    return f"{v:+.{decimals}f}" if v != 0 else f"{v:.{decimals}f}"


def curve_xs(x_range, weight: float, bias: float, n: int = 401) -> np.ndarray:
    """Inputs at which to draw sigma(weight x + bias): an even grid, plus points
    packed around the threshold, where a sharpened sigmoid turns in a tiny
    width ~ 1/|weight| that an even grid would step straight over."""
    lo, hi = x_range
    xs = np.linspace(lo, hi, n)
    if weight != 0:
        t = -bias / weight
        near = t + np.linspace(-12.0, 12.0, 97) / abs(weight)
        xs = np.concatenate([xs, near[(near > lo) & (near < hi)]])
    return np.unique(xs)


def step_points(x_range, weight: float, bias: float):
    """Corner points of the perceptron's output (1 if weight x + bias > 0, else 0)
    over x_range: a vertical jump at the threshold if it lies inside."""
    lo, hi = x_range

    def step(x):
        return 1.0 if weight * x + bias > 0 else 0.0

    if weight != 0:
        t = -bias / weight
        if lo < t < hi:
            left, right = step(lo), step(hi)
            return [lo, t, t, hi], [left, left, right, right]
    return [lo, hi], [step(lo), step(hi)]


def z_window(z: float, z_new: float, half: float = Z_HALF):
    """The z axis for the small-change plot: [-half, half], widened to show both
    the neuron's z now and after the change, with a little room either side."""
    lo = min(-half, min(z, z_new) - 1.5)
    hi = max(half, max(z, z_new) + 1.5)
    return lo, hi


def nice_ticks(lo: float, hi: float, max_ticks: int = 13) -> list[float]:
    """Tick positions at a round spacing (1, 2, 5, 10, 20, ...), at most max_ticks of them."""
    step = 1.0
    while (hi - lo) / step + 1 > max_ticks:
        for factor in (2.0, 2.5, 2.0):  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
            step *= factor
            if (hi - lo) / step + 1 <= max_ticks:
                break
    first = math.ceil(lo / step) * step
    return [first + i * step + 0.0 for i in range(int((hi - first) // step) + 1)]


def tangent_segment(z0: float, y0: float, slope: float, z_range, y_range):
    """Ends ((za, ya), (zb, yb)) of the line y = y0 + slope (z - z0) over z_range,
    cut where it leaves y_range (so it never runs off the plot)."""
    za, zb = z_range
    ylo, yhi = y_range
    if slope != 0:
        # z where the line crosses ylo and yhi, in increasing order.
        c1, c2 = sorted((z0 + (ylo - y0) / slope, z0 + (yhi - y0) / slope))
        za, zb = max(za, c1), min(zb, c2)
    return (za, y0 + slope * (za - z0)), (zb, y0 + slope * (zb - z0))


def threshold_text(w: float, b: float, t) -> str:
    """Where the neuron switches, in words."""
    if t is None:
        return "none: with w = 0, z = b does not depend on x"
    where = "" if X_RANGE[0] <= t <= X_RANGE[1] else " (off the plot)"
    return f"x = −b/w = {num(t)}{where}"


def gap_text(gap: float, t) -> str:
    if math.isnan(gap):
        return "— (every x on the plot is within 0.5 of the threshold)"
    # In words a newcomer reads without the code: which x the figure is the largest over.
    away = "over every x" if t is None else f"for x ≤ {num(t - MARGIN)} and x ≥ {num(t + MARGIN)}"
    return f"{fixed(gap)} ({away})"


def sharpen_message(w: float, b: float, c: float, gap: float, t, flat_output: float = 0.5) -> str:
    """What sharpening by c has done, for the message under the plot.

    ``flat_output`` is sigma(c b), the constant output when w = 0."""
    scaled = (
        f"With c = {num(c)} the neuron uses weight c·w = {num(c * w)} and bias c·b = {num(c * b)}, so z = c·(w·x + b)."
    )
    if t is None:
        if b == 0:
            return (
                scaled + " With w = 0 and b = 0, z = 0 for every x: σ(0) = ½ whatever c is, "
                "while the perceptron outputs 0."
            )
        limit = 1 if b > 0 else 0
        return (
            scaled + f" With w = 0 the output σ(c·b) = {fixed(flat_output)} "
            f"does not depend on x; as c grows it tends to {limit}, the perceptron's output."
        )
    text = scaled + f" The threshold stays at x = −b/w = {num(t)}; the curve's slope there is c·w/4 = {num(c * w / 4)}."
    if not math.isnan(gap):
        text += f" Away from it σ differs from the step by at most {fixed(gap)}"
        text += " — the sigmoid has become the step, to six decimals." if gap < 5e-7 else "."
    return text


def change_message(r: dict, p_before: int, p_after: int, dz: float) -> tuple[str, str]:
    """(sentence, message class) comparing the sigmoid's and the perceptron's response."""
    if dz == 0:
        return (
            "This change leaves z where it is (Δz = x·Δw + Δb = 0), so neither output moves. "
            "Try a non-zero Δw with x ≠ 0, or a non-zero Δb.",
            "",
        )
    actual, error = r["actual"], r["error"]
    sig = f"The sigmoid's output moved by {signed(actual)}"
    if actual == 0 or (abs(actual) < 5e-7 and abs(dz) >= 1e-3):
        sig += (
            ": σ is flat this far from z = 0 (σ′(z) ≈ 0), so it hardly notices the change — "
            "the sharper the neuron, the more of the x axis is like this."
        )
    else:
        pct = abs(error) / abs(actual) * 100
        pct_text = f"{pct:.2g}" if pct < 100 else f"{pct:.0f}"
        sig += (
            f"; the linear estimate σ′(z)·Δz is off by {fixed(abs(error))}, {pct_text} % of the change "
            "(the error shrinks like Δz², so halving a small change roughly quarters it)."
        )
    if p_after == p_before:
        return (
            sig + f" The perceptron's output stayed at {p_before}: "
            "it ignores every change that does not carry z across 0.",
            "good",
        )
    return (
        sig + f" The perceptron's output jumped from {p_before} to {p_after}: "
        f"a change of {num(round(dz, 6))} in z carried it across 0, "
        "and no smaller step in between is possible.",
        "bad",
    )


def sharpen_change_text(x: float, w: float, b: float, c: float, dw: float, db: float) -> str:
    """What sharpening does to the response to the same change (Δw, Δb), with the numbers.

    The change is applied to the sharpened neuron (weight c·w, bias c·b), so
    Δz = x·Δw + Δb does not depend on c, but z = c·(w·x + b) does: off the
    threshold it moves out to where σ is flat, and the same Δz moves the output
    less and less — at x = 2 with the defaults, +0.0375 at c = 1 and 0 at c = 128.
    """
    dz = x * dw + db
    if dz == 0:
        return "This change leaves z where it is (Δz = 0): no c makes it move the output."
    scales = (c, 2 * c, FAR * c)
    moved = [small_change(x, k * w, k * b, dw, db)["actual"] for k in scales]
    numbers = ", ".join(f"{signed(a)} at c = {num(k)}" for a, k in zip(moved, scales))
    if weighted_input(x, w, b) == 0:
        return (
            f"This x is on the threshold: z = c·(w·x + b) = 0 for every c, so sharpening does not "
            f"change what this Δw does (Δoutput {numbers})."
        )
    fading = all(abs(later) <= abs(earlier) for earlier, later in zip(moved, moved[1:]))
    why = (
        "Off the threshold z = c·(w·x + b) moves out to where σ is flat (σ′(z) → 0), so a sharp "
        "sigmoid, like the perceptron, ignores a small change; only at the threshold (z = 0, σ′ = ¼) "
        "does it keep responding."
    )
    if fading:
        return f"Sharpen it and the same Δw moves the output less, not more: Δoutput {numbers}. " + why
    return (
        f"Δoutput {numbers}: this x is close to the threshold, so a sharper σ can at first respond "
        f"more (z is still near 0, where σ is steepest), but sharpened enough it fades. " + why
    )
