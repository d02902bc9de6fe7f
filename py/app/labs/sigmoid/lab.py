"""Lab 3, the sigmoid neuron: sigma(w x + b) for one input, sharpened towards
the perceptron's step, and a small change in w giving a small change in output.

Glue only: reads the number fields, asks ``nnfs.neurons.sigmoid_neuron`` for the curves and
numbers, and draws them. The points and sentences come from ``app.labs.sigmoid.view``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.labs.sigmoid import view
from app.shell.lab import Lab
from app.ui import dom
from app.ui.canvas import Canvas, plot_axes
from nnfs.maths.activations import sigmoid, sigmoid_prime
from nnfs.neurons.sigmoid_neuron import (
    curve,
    sharpen,
    sigmoid_neuron,
    small_change,
    step_gap,
    step_neuron,
    threshold,
    weighted_input,
)

SIGMOID = "#457b9d"
STEP = "#e76f51"
THRESHOLD = "#6a4c93"
GHOST = "#b9cfdd"
MOVED = "#2a9d8f"
TANGENT = "#6a4c93"
ERROR = "#e63946"
INK = "#1b2430"
GRID = "#eef0f3"

C_MAX = view.SETTINGS["c"].hi


@dataclass
class SigmoidState:
    """What the lab remembers besides its settings (``lab.values``): only its canvases."""

    plot: Canvas | None = None  # the output against x, with the step
    zplot: Canvas | None = None  # σ(z) against z and its tangent: the small change


state = SigmoidState()
lab = Lab("sigmoid", view.SETTINGS, on_change=lambda _name, _value: draw(), state=state)


def setup() -> None:
    lab.build()
    dom.on("sg-double", "click", lambda _e: _set(c=min(2 * lab["c"], C_MAX)))
    dom.on("sg-reset-c", "click", lambda _e: _set(c=1.0))
    dom.on("sg-preset-small", "click", lambda _e: _set(w=1.0, b=-1.0, c=1.0, x=2.0, dw=0.1, db=0.0))
    dom.on("sg-preset-cross", "click", lambda _e: _set(w=1.0, b=-1.0, c=1.0, x=0.9, dw=0.2, db=0.0))
    dom.on("sg-reset", "click", lambda _e: _set(**view.SETTINGS.defaults()))
    state.plot = Canvas("sg-plot")
    state.zplot = Canvas("sg-zplot")


def show(link: str) -> None:
    """Draw; ``link`` may set fields, e.g. ``#sigmoid/w=4&b=-2&c=10``. A bad value
    is not used: its field says why, as if it had been typed."""
    lab.show(link)
    draw()


def hide() -> None:
    lab.hide()


def _set(**values) -> None:
    lab.set(**values)
    draw()


def draw() -> None:
    if not lab.visible:
        return
    w, b, c = lab["w"], lab["b"], lab["c"]
    weight, bias = sharpen(w, b, c)
    t = threshold(w, b) if w != 0 else None
    _draw_curve_plot(w, b, c, weight, bias, t)
    _draw_small_change(weight, bias)
    dom.set_text("sg-sharpen-change", view.sharpen_change_text(lab["x"], w, b, c, lab["dw"], lab["db"]))


# -- the curve and its sharpening ------------------------------------------------------------
def _draw_curve_plot(w, b, c, weight, bias, t) -> None:
    cv = state.plot
    x0, x1 = view.X_RANGE
    y0, y1 = view.Y_RANGE
    cv.clear()
    px, py = plot_axes(
        cv,
        view.X_RANGE,
        view.Y_RANGE,
        margin=34,
        ticks_x=range(-6, 7),
        ticks_y=(0, 0.5, 1),
        label_x="input x",
        label_y="output",
    )
    for level in (0.5, 1.0):
        cv.line(px(x0), py(level), px(x1), py(level), GRID)
    if t is not None and x0 <= t <= x1:
        cv.line(px(t), py(y0), px(t), py(y1), THRESHOLD, 1.5, dash=[2, 4])
        right = t > (x0 + x1) / 2  # keep the label inside the plot
        cv.text(
            f"x = −b/w = {view.num(t)}",
            px(t) + (-6 if right else 6),
            py(y1) + 12,
            THRESHOLD,
            12,
            align="right" if right else "left",
        )

    dom.by_id("sg-legend-ghost").hidden = c == 1
    if c != 1:  # the neuron before sharpening, for comparison
        xs = view.curve_xs(view.X_RANGE, w, b)
        cv.polyline(px(xs), py(curve(w, b, xs)), GHOST, 2)
    sx, sy = view.step_points(view.X_RANGE, weight, bias)
    cv.polyline([px(v) for v in sx], [py(v) for v in sy], STEP, 2, dash=[7, 5])
    xs = view.curve_xs(view.X_RANGE, weight, bias)
    cv.polyline(px(xs), py(curve(weight, bias, xs)), SIGMOID, 2.5)
    if t is not None and x0 <= t <= x1:
        cv.circle(px(t), py(0.5), 4, "#ffffff", THRESHOLD, 1.5)  # sigma = 1/2 exactly at z = 0

    # The small change, seen on this plot: the curve after the change and the two outputs at x.
    x, dw, db = lab["x"], lab["dw"], lab["db"]
    if dw or db:
        xs2 = view.curve_xs(view.X_RANGE, weight + dw, bias + db)
        cv.polyline(px(xs2), py(curve(weight + dw, bias + db, xs2)), MOVED, 1.5, dash=[3, 3])
        cv.circle(px(x), py(sigmoid_neuron(x, weight + dw, bias + db)), 5, MOVED, "#ffffff", 1.5)
    cv.circle(px(x), py(sigmoid_neuron(x, weight, bias)), 5, INK, "#ffffff", 1.5)

    gap = step_gap(weight, bias, view.X_RANGE, view.MARGIN)
    probes = curve(weight, bias, view.PROBES)
    el = cv.element
    # Pixel = offset + scale * value (px, py), for tests that read the picture itself.
    lab.publish(
        el,
        w=float(w),
        b=float(b),
        c=float(c),
        weight=float(weight),
        bias=float(bias),
        threshold=None if t is None else float(t),
        gap=float(gap),
        probe_x=" ".join(repr(v) for v in view.PROBES),
        probe_y=" ".join(repr(float(v)) for v in probes),
        px=f"{px(0.0)!r} {px(1.0) - px(0.0)!r}",
        py=f"{py(0.0)!r} {py(1.0) - py(0.0)!r}",
    )
    where = "no threshold" if t is None else f"threshold at x = {view.num(t)}"
    el.setAttribute(
        "aria-label",
        f"σ({view.num(weight)}·x + {view.num(bias)}) for x from −6 to 6, with the perceptron's step (dashed); {where}.",
    )

    dom.set_text("sg-threshold", view.threshold_text(w, b, t))
    dom.set_text("sg-slope", "—" if t is None else view.num(weight / 4))
    dom.set_text("sg-gap", view.gap_text(gap, t))
    dom.set_text("sg-sharpen-msg", view.sharpen_message(w, b, c, gap, t, float(sigmoid(bias))))


# -- a small change ---------------------------------------------------------------------------
def _draw_small_change(weight, bias) -> None:
    x, dw, db = lab["x"], lab["dw"], lab["db"]
    r = small_change(x, weight, bias, dw, db)
    z = r["z"]
    z_new = weighted_input(x, weight + dw, bias + db)
    dz = z_new - z
    slope = float(sigmoid_prime(z))
    p_before, p_after = step_neuron(x, weight, bias), step_neuron(x, weight + dw, bias + db)

    dom.set_text("sg-neuron", f"weight {view.num(weight)}, bias {view.num(bias)}")
    dom.set_text("sg-z", f"{view.fixed(z)} → {view.fixed(z_new)}")
    dom.set_text("sg-dz", view.signed(dz))
    dom.set_text("sg-sprime", view.fixed(slope))
    dom.set_text("sg-out-before", view.fixed(r["output"]))
    dom.set_text("sg-out-after", view.fixed(r["new_output"]))
    dom.set_text("sg-actual", view.signed(r["actual"]))
    dom.set_text("sg-linear", view.signed(r["linear"]))
    dom.set_text("sg-diff", view.signed(r["error"]))
    dom.set_text("sg-p-before", str(p_before))
    dom.set_text("sg-p-after", str(p_after))
    dom.set_text("sg-p-change", f"{r['perceptron']:+d}" if r["perceptron"] else "0")
    text, kind = view.change_message(r, p_before, p_after, dz)
    msg = dom.by_id("sg-change-msg")
    msg.textContent = text
    msg.className = f"message {kind}".strip()

    cv = state.zplot
    z_range = view.z_window(z, z_new)
    y_range = (-0.08, 1.08)
    cv.clear()
    px, py = plot_axes(
        cv,
        z_range,
        y_range,
        margin=34,
        ticks_x=view.nice_ticks(*z_range),
        ticks_y=(0, 0.5, 1),
        label_x="z",
        label_y="output",
    )
    for level in (0.5, 1.0):
        cv.line(px(z_range[0]), py(level), px(z_range[1]), py(level), GRID)
    zs = view.curve_xs(z_range, 1.0, 0.0, n=401)
    sx, sy = view.step_points(z_range, 1.0, 0.0)
    cv.polyline([px(v) for v in sx], [py(v) for v in sy], STEP, 2, dash=[7, 5])
    cv.polyline(px(zs), py(sigmoid(zs)), SIGMOID, 2.5)
    (za, ya), (zb, yb) = view.tangent_segment(z, r["output"], slope, z_range, y_range)
    cv.line(px(za), py(ya), px(zb), py(yb), TANGENT, 1.5)
    estimate = r["output"] + r["linear"]
    if dz:
        # The change in z, along the axis, with guides up to the two points.
        cv.line(px(z), py(0), px(z), py(r["output"]), INK, 1, dash=[2, 3])
        cv.line(px(z_new), py(0), px(z_new), py(r["new_output"]), MOVED, 1, dash=[2, 3])
        cv.line(px(z), py(-0.03), px(z_new), py(-0.03), INK, 2.5)
        cv.text("Δz", (px(z) + px(z_new)) / 2, py(0.05), INK, 12, bold=True)
        shown_estimate = min(max(estimate, y_range[0]), y_range[1])  # a big change can aim off the plot
        cv.line(px(z_new), py(r["new_output"]), px(z_new), py(shown_estimate), ERROR, 2.5)
        if shown_estimate == estimate:
            cv.circle(px(z_new), py(estimate), 5, "#ffffff", TANGENT, 2)
        cv.circle(px(z_new), py(r["new_output"]), 5, MOVED, "#ffffff", 1.5)
    cv.circle(px(z), py(r["output"]), 5, INK, "#ffffff", 1.5)
    el = cv.element
    lab.publish(el, z=float(z), z_new=float(z_new))
    el.setAttribute(
        "aria-label",
        f"σ(z) against z with its tangent at z = {view.num(round(z, 4))}; "
        f"the change moves z to {view.num(round(z_new, 4))}.",
    )
