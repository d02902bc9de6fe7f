"""What the perceptron lab shows, as text and pixels: pure Python + numpy.

The lab's glue (``app.labs.perceptron.lab``) reads the controls and draws; this
module turns a perceptron, an input and a learner into the sentences, the
table rows and the shaded picture the page shows. No ``js`` here, so it is
tested in CPython. The maths itself stays in ``nnfs``.
"""

from __future__ import annotations

from html import escape

import numpy as np

from nnfs.neurons.perceptron import NAND, Perceptron
from nnfs.settings.table import Setting, Table
from pictures.pixels import CLASS_RGB, class_heatmap, grid, hex_color

LIMIT = 1000  # |w|, |b| a learner may type (the sliders cover -5..5)
SPEEDS = (
    ("2", "2 steps per second"),
    ("8", "8 steps per second"),
    ("30", "30 steps per second"),
    ("max", "as fast as it goes"),
)

# Every setting of the lab, declared once: the controls, the link and the
# parsing follow from this table (app.shell.lab). The first screen is consistent:
# Nielsen's NAND weights, learning the NAND table.
SETTINGS = Table(
    "pc",
    [
        Setting("x1", "input x₁", True, kind="bool"),
        Setting("x2", "input x₂", False, kind="bool"),
        Setting("w1", "weight w₁", float(NAND.weights[0]), lo=-LIMIT, hi=LIMIT, slider=(-5, 5, 0.1)),
        Setting("w2", "weight w₂", float(NAND.weights[1]), lo=-LIMIT, hi=LIMIT, slider=(-5, 5, 0.1)),
        Setting("b", "bias b", float(NAND.bias), lo=-LIMIT, hi=LIMIT, slider=(-5, 5, 0.1)),
        Setting(
            "target",
            "target table",
            "NAND",
            kind="choice",
            choices=(("AND", "AND"), ("OR", "OR"), ("NAND", "NAND"), ("XOR", "XOR")),
        ),
        Setting("eta", "rate η", 1.0, lo=0.01, hi=100),
        Setting(
            "speed", "speed", "8", kind="choice", choices=SPEEDS, help="Run's pace; Pause answers within one step."
        ),
    ],
)


def steps_per_second(speed: str):
    """The RunLoop speed for a ``speed`` choice: steps per second, or None (as fast as it goes)."""
    return None if speed == "max" else float(speed)


# The part of the (x1, x2) plane on the canvas: the unit square with a margin,
# so a decision line that just misses a corner is still visible.
VIEW = (-0.5, 1.5, -0.5, 1.5)
# The four binary inputs, in truth-table order.
CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))
# Output 0 / 1 colours (the app's class colours: orange-red for 0, teal for 1).
OUTPUT_COLORS = (hex_color(CLASS_RGB[0]), hex_color(CLASS_RGB[1]))


def num(value) -> str:
    """A number as the page writes it: short (``%g``), never ``-0``."""
    return f"{float(value) + 0.0:g}"


def _paren(value) -> str:
    """Negative numbers in brackets, so ``+ (-1.5)`` reads as plugging in b."""
    return f"({num(value)})" if value < 0 else num(value)


def _products(weights, x) -> str:
    return " + ".join(f"({num(w)})({num(xi)})" for w, xi in zip(weights, x))


def rule_text(weights, bias, x, p=None) -> str:
    """The rule with the current numbers filled in, e.g.

    ``w·x + b = (-2)(1) + (-2)(0) + 3 = 1 > 0 → output 1``

    ``p``: the perceptron that decides (default ``Perceptron(weights, bias)``;
    the learner's own rule when the lab runs on their code).
    """
    p = p or Perceptron(weights, bias)
    z = p.weighted_input(x)
    y = p.output(x)
    sign = ">" if y else "≤"
    text = f"w·x + b = {_products(p.weights, x)} + {_paren(p.bias)} = {num(z)} {sign} 0 → output {y}"
    raw = float(np.dot(p.weights, np.asarray(x, dtype=float)) + p.bias)
    if raw != z:  # the core counted a speck of rounding as the 0 it is on paper: say so
        text += (
            f"\n(0 on paper; in binary floating point this sum comes out as {raw:.3g}, "
            "a rounding error, so it counts as 0)"
        )
    return text


def threshold_text(weights, bias, x, p=None) -> str:
    """The same decision in Nielsen's first form: is w·x above the threshold −b?

    ``threshold = −b = -3;  w·x = (-2)(1) + (-2)(0) = -2 > -3 → output 1``
    """
    p = p or Perceptron(weights, bias)
    wx = Perceptron(weights, 0.0).weighted_input(x)
    y = p.output(x)  # the perceptron decides; the sign below only explains it
    sign = ">" if y else "≤"
    return (
        f"threshold = −b = {num(p.threshold)};  "
        f"w·x = {_products(p.weights, x)} = {num(wx)} {sign} {num(p.threshold)} → output {y}"
    )


def line_text(weights, bias) -> str:
    """The decision line's equation with the numbers in: ``-2 x₁ + -2 x₂ + 3 = 0`` style."""
    w1, w2 = (float(w) for w in weights)
    if w1 == 0 and w2 == 0:
        return (
            f"w = (0, 0): there is no line — w·x + b is the constant {num(bias)}, "
            f"so the output is {1 if bias > 0 else 0} everywhere."
        )
    return f"decision line: {_paren(w1)}·x₁ + {_paren(w2)}·x₂ + {_paren(bias)} = 0"


def _vector(values) -> str:
    return "(" + ", ".join(num(v) for v in values) + ")"


def step_text(step) -> str:
    """One step of the learning rule (a ``nnfs.neurons.perceptron_learning.Step``) in words."""
    head = (
        f"Epoch {step.epoch}, row {step.row + 1}: x = {_vector(step.x)}, "
        f"target t = {step.target}, prediction y = {step.prediction}, "
        f"error e = t − y = {step.error}"
    )
    if step.error == 0:
        return head + ": right, so nothing changes (Δw = 0, Δb = 0)."
    return head + f"; Δw = η·e·x = {_vector(step.delta_w)}, Δb = η·e = {num(step.delta_b)}."


def _points(rows) -> str:
    return " and ".join(f"({', '.join(str(v) for v in x)})" for x in rows)


def learn_message(learner, table_name: str) -> tuple[str, str, str]:
    """(status, css class, HTML) for the learning panel's message.

    ``learner`` is a ``PerceptronLearner`` or None (nothing learnt yet).
    """
    if learner is None:
        return (
            "idle",
            "message",
            "Pick a target, then press <b>Step</b>, <b>Epoch</b> or <b>Run</b>. "
            "Learning starts from the weights above.",
        )
    status = learner.status
    text = escape(learner.message)
    if status == "converged":
        return status, "message good", text
    if status == "cycling":
        ones = [x for x, t in learner.rows if t == 1]
        zeros = [x for x, t in learner.rows if t == 0]
        name = escape(table_name)
        why = (
            f"<p><b>Why:</b> a perceptron outputs 1 on one side of a straight line and 0 on the other. "
            f"{name}'s 1s are at {_points(ones)}, its 0s at {_points(zeros)}: "
            f"no single straight line separates {name}'s 1s from its 0s, "
            f"so no choice of w and b is right on every row and the rule goes round in circles.</p>"
            f"<p>A network of perceptrons can do it: the "
            f"<a href=\"#gates\">Gates lab</a> builds {name} from NAND perceptrons.</p>"
        )
        return status, "message bad", f"<p>{text}</p>{why}"
    return status, "message", text


def run_status(learner, running: bool, speed: str, target: str) -> tuple[str, str]:
    """(text, kind) for the lab's status line, the one part read aloud: it changes
    when the run starts, pauses or ends, not at every step."""
    pace = dict(SPEEDS)[speed]
    if running:
        return f"Learning {target}, {pace}.", ""
    if learner is None:
        return "", ""
    if learner.status == "converged":
        return learner.message, "good"
    if learner.status == "cycling":
        return f"{target} is not linearly separable: the rule goes round in circles.", "bad"
    return f"Paused in epoch {learner.epoch + 1}.", ""


def truth_rows_html(weights, bias, current, targets=None, p=None) -> str:
    """The truth table's body: x1, x2, w·x + b, output (and the target, when given).

    ``current`` is the input shown now (its row gets class ``current``);
    ``targets`` maps each input to the target output of the table being
    learnt; an output that differs from it gets class ``wrong``.
    """
    p = p or Perceptron(weights, bias)
    rows = []
    for x in CORNERS:
        y = p.output(x)
        cls = ' class="current"' if tuple(current) == x else ""
        cells = [f"<td>{x[0]}</td>", f"<td>{x[1]}</td>", f"<td>{num(p.weighted_input(x))}</td>"]
        if targets is None:
            cells.append(f'<td class="pc-out">{y}</td>')
        else:
            t = targets[x]
            if y == t:
                cells.append(f'<td class="pc-out">{y}</td>')
            else:
                cells.append(f'<td class="pc-out wrong" title="wrong: the target is {t}">{y}</td>')
            cells.append(f'<td class="pc-target">{t}</td>')
        rows.append(f'<tr{cls} data-x="{x[0]},{x[1]}">{"".join(cells)}</tr>')
    return "".join(rows)


def half_plane_rgba(weights, bias, width: int, height: int, view=VIEW, strength: float = 0.22, p=None) -> np.ndarray:
    """The view box shaded by the perceptron's output: (height, width, 4) uint8.

    Where w·x + b > 0 (output 1) is pale teal, the rest pale orange-red: the
    colours of the corners, so the picture reads "this side says 1".
    """
    p = p or Perceptron(weights, bias)
    points = grid(view[:2], view[2:], width, height)
    out = p.outputs(points).reshape(height, width)
    return class_heatmap(out[..., None].astype(np.float64), strength=strength)


def arrow_anchor(segment) -> tuple[float, float]:
    """Where on the decision line to draw the arrow w: the point farthest from the four inputs.

    ``segment`` is ``decision_line``'s ((x1, x2), (x1, x2)); the arrow then
    never hides an input's dot.
    """
    (a1, a2), (e1, e2) = segment
    t = np.linspace(0.1, 0.9, 33)[:, None]
    points = np.array([a1, a2]) * (1 - t) + np.array([e1, e2]) * t
    corners = np.array(CORNERS, dtype=float)
    nearest = np.min(np.linalg.norm(points[:, None, :] - corners[None, :, :], axis=-1), axis=1)
    best = points[int(np.argmax(nearest))]
    return float(best[0]), float(best[1])


class Frame:
    """Maps the view box (x1 right, x2 up) onto a square of canvas pixels."""

    def __init__(self, left: float, top: float, size: float, view=VIEW):
        self.left, self.top, self.size = left, top, size
        self.x_lo, self.x_hi, self.y_lo, self.y_hi = view

    def to_px(self, x1: float, x2: float) -> tuple[float, float]:
        px = self.left + (x1 - self.x_lo) / (self.x_hi - self.x_lo) * self.size
        py = self.top + (self.y_hi - x2) / (self.y_hi - self.y_lo) * self.size
        return px, py

    def to_data(self, px: float, py: float) -> tuple[float, float]:
        x1 = self.x_lo + (px - self.left) / self.size * (self.x_hi - self.x_lo)
        x2 = self.y_hi - (py - self.top) / self.size * (self.y_hi - self.y_lo)
        return x1, x2

    def corner_at(self, px: float, py: float, radius: float):
        """The binary input whose dot is within ``radius`` pixels of (px, py), or None."""
        for corner in CORNERS:
            cx, cy = self.to_px(*corner)
            if (px - cx) ** 2 + (py - cy) ** 2 <= radius**2:
                return corner
        return None


def mine_text(ready: bool, on: bool) -> str:
    """The note beside "Use my perceptron_output" (the learner's rule, from the exercises)."""
    if not ready:
        return "Write perceptron_output yourself in “Write it yourself” and pass its check to run this lab on it."
    if on:
        return (
            "Every output here — the box, the table, the corners and the shading — comes from your perceptron_output."
        )
    return "Your perceptron_output passed its check: switch it on to run this lab on your code."
