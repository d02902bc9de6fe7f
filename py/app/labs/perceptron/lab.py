"""Lab 1, the perceptron: inputs, weights, bias, output, decision line, learning rule.

The controls feed one ``nnfs.neurons.perceptron.Perceptron``; every change redraws
the output, the rule with the numbers filled in, the truth table and the
canvas (the four inputs coloured by output, the decision line
w1 x1 + w2 x2 + b = 0, the side where the output is 1 shaded). The learning
panel runs ``nnfs.neurons.perceptron_learning.PerceptronLearner`` one step at a time
and writes its weights back into the fields, so the line moves as it learns.

For the tests the canvas carries its numbers as data- attributes:
``data-w1``, ``data-w2``, ``data-b`` (the line's coefficients),
``data-line`` (its end points in the view box, "x1,x2,x1,x2", or "none"),
``data-corners`` (outputs for (0,0), (0,1), (1,0), (1,1)) and ``data-input``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.labs.perceptron import view
from app.shell import progress
from app.shell.lab import Lab
from app.shell.runloop import RunLoop
from app.ui.canvas import Canvas
from app.ui.dom import by_id, on, set_html, set_text
from nnfs.neurons.perceptron import PRESETS, Perceptron, decision_line
from nnfs.neurons.perceptron_learning import TABLES, PerceptronLearner

FRAME = view.Frame(left=38, top=10, size=360)


@dataclass
class PerceptronState:
    """What the lab remembers besides its settings (``lab.values``); the page only shows it."""

    canvas: Canvas | None = None
    run: RunLoop | None = None  # the learning run (made in setup)
    heat_key: tuple | None = None  # (w1, w2, b, mine) of the cached shading
    heat: object = None
    learner: PerceptronLearner | None = None  # the run in progress (made at its first step)
    last_step: object = None  # the learner's last step, shown under the rule


def _changed(name: str, value) -> None:
    """A control moved: speed paces the run; anything else starts the next run afresh."""
    if name == "speed":
        state.run.speed = view.steps_per_second(value)
        _render_learning()
        return
    _forget_learner()
    render()


state = PerceptronState()
lab = Lab("perceptron", view.SETTINGS, on_change=_changed, state=state)


# --- reading the state ------------------------------------------------------------


def _x() -> tuple[int, int]:
    return int(lab["x1"]), int(lab["x2"])


def _weights() -> tuple[float, float]:
    return lab["w1"], lab["w2"]


def _bias() -> float:
    return lab["b"]


def _target_name() -> str:
    return lab["target"]


def _targets() -> dict:
    return dict(TABLES[_target_name()])


# --- drawing ----------------------------------------------------------------------


def _draw_canvas(p: Perceptron) -> None:
    mine = progress.using("perceptron_output")
    c, f = state.canvas, FRAME
    w1, w2 = (float(w) for w in p.weights)
    b = p.bias
    c.clear("#ffffff")
    size = int(f.size)
    if state.heat_key != (w1, w2, b, mine):
        # Half the canvas resolution, smoothed when scaled up: the edge is under the line anyway.
        # The learner's rule is called once per point, in Python: an eighth keeps a drag smooth.
        step = 8 if mine else 2
        state.heat = view.half_plane_rgba((w1, w2), b, size // step, size // step, p=p)
        state.heat_key = (w1, w2, b, mine)
    c.draw_rgba(state.heat, f.left, f.top, size, size, smooth=True)

    # Axes through 0 and the unit square whose corners are the inputs.
    x0, y_bottom = f.to_px(0, f.y_lo)
    _, y_top = f.to_px(0, f.y_hi)
    x_left, y0 = f.to_px(f.x_lo, 0)
    x_right, _ = f.to_px(f.x_hi, 0)
    c.line(x0, y_top, x0, y_bottom, "#aab3bf")
    c.line(x_left, y0, x_right, y0, "#aab3bf")
    sx0, sy0 = f.to_px(0, 1)
    sx1, sy1 = f.to_px(1, 0)
    c.rect(sx0, sy0, sx1 - sx0, sy1 - sy0, stroke="#8a94a3", width=1, fill=None)
    for t in (0, 1):
        px, _ = f.to_px(t, 0)
        c.text(str(t), px, f.top + f.size + 12, "#5b6675", 12)
        _, py = f.to_px(0, t)
        c.text(str(t), f.left - 10, py, "#5b6675", 12, align="right")
    c.text("x₁", f.left + f.size - 4, f.top + f.size + 12, "#5b6675", 13, align="right", bold=True)
    c.text("x₂", f.left - 10, f.top + 10, "#5b6675", 13, align="right", bold=True)
    c.rect(f.left, f.top, f.size, f.size, stroke="#c7ced6", width=1, fill=None)

    # The decision line, and an arrow along w: the side where the output is 1.
    seg = decision_line((w1, w2), b, box=view.VIEW)
    if seg is not None:
        (a1, a2), (e1, e2) = seg
        ax, ay = f.to_px(a1, a2)
        ex, ey = f.to_px(e1, e2)
        c.line(ax, ay, ex, ey, "#1d3557", 3)
        mx, my = f.to_px(*view.arrow_anchor(seg))
        norm = math.hypot(w1, w2)
        dx, dy = 34 * w1 / norm, -34 * w2 / norm  # canvas y grows downwards
        c.line(mx, my, mx + dx, my + dy, "#1d3557", 2)
        tip_x, tip_y = mx + dx, my + dy
        ux, uy = dx / 34, dy / 34
        for side in (1, -1):
            c.line(tip_x, tip_y, tip_x - 8 * ux + side * 5 * uy, tip_y - 8 * uy - side * 5 * ux, "#1d3557", 2)
        c.text("w", tip_x + 10 * ux, tip_y + 10 * uy, "#1d3557", 13, bold=True)

    # The four inputs, coloured by output; a ring round the current one.
    for corner in view.CORNERS:
        y = p.output(corner)
        px, py = f.to_px(*corner)
        if tuple(corner) == _x():
            c.circle(px, py, 21, fill=None, stroke="#f4a261", width=4)
        c.circle(px, py, 14, fill=view.OUTPUT_COLORS[y], stroke="#1b2430", width=1.5)
        c.text(str(y), px, py + 1, "#ffffff", 14, bold=True)
        label_y = py + 30 if corner[1] == 0 else py - 30
        c.text(f"({corner[0]}, {corner[1]})", px, label_y, "#1b2430", 12)

    x1, x2 = _x()
    lab.publish(
        c.element,
        w1=view.num(w1),
        w2=view.num(w2),
        b=view.num(b),
        line="none" if seg is None else ",".join(f"{v:.6g}" for pt in seg for v in pt),
        corners=",".join(str(p.output(x)) for x in view.CORNERS),
        input=f"{x1},{x2}",
    )


def render() -> None:
    """Redraw everything that depends on the input, the weights or the target."""
    w, b = _weights(), _bias()
    p = progress.perceptron(w, b)  # the learner's rule when "Use my perceptron_output" is on
    x = _x()
    for i, key in enumerate(("pc-x1", "pc-x2")):
        btn = by_id(key)
        btn.setAttribute("aria-pressed", "true" if x[i] else "false")
        btn.textContent = f"x{'₁₂'[i]} = {x[i]}"
    y = p.output(x)
    out = by_id("pc-output")
    out.textContent = str(y)
    out.setAttribute("data-value", str(y))
    set_text("pc-rule", view.rule_text(w, b, x, p))
    set_text("pc-threshold", view.threshold_text(w, b, x, p))
    set_text("pc-line", view.line_text(w, b))
    targets = _targets()
    set_text("pc-target-head", f"target {_target_name()}")
    set_html("pc-truth-body", view.truth_rows_html(w, b, x, targets, p))
    _show_mine(p)
    wrong = sum(p.output(xi) != t for xi, t in targets.items())
    set_text("pc-wrong", wrong)
    _draw_canvas(p)
    _render_learning()


def _render_learning() -> None:
    set_text("pc-epoch-count", 0 if state.learner is None else state.learner.epoch)
    set_text("pc-last-step", "—" if state.last_step is None else view.step_text(state.last_step))
    status, css, html = view.learn_message(state.learner, _target_name())
    msg = by_id("pc-learn-message")
    msg.className = css
    msg.setAttribute("data-status", status)
    msg.innerHTML = html
    running = state.run.running
    run = by_id("pc-run")
    run.textContent = "Pause" if running else "Run"
    run.setAttribute("aria-pressed", "true" if running else "false")
    # While running, the output changes every step: not something to read aloud 30 times a second.
    by_id("pc-output").setAttribute("aria-live", "off" if running else "polite")
    lab.status(*view.run_status(state.learner, running, lab["speed"], _target_name()))


# --- learning ---------------------------------------------------------------------


def _ensure_learner() -> PerceptronLearner:
    """The learner, made on first use from the weights in the fields and the chosen target."""
    if state.learner is None:
        state.learner = PerceptronLearner(_target_name(), learning_rate=lab["eta"], weights=_weights(), bias=_bias())
    return state.learner


def _learn_step() -> bool:
    """One step of the rule (the RunLoop's unit of work); False once the learner is done."""
    learner = _ensure_learner()
    state.last_step = learner.step()
    return not learner.done


def _follow() -> None:
    """Show the learner's weights in the fields and the input of its last step, then redraw."""
    if state.learner is not None and state.last_step is not None:
        w1, w2 = (float(w) for w in state.learner.weights)
        x1, x2 = state.last_step.x
        lab.set(w1=w1, w2=w2, b=float(state.learner.bias), x1=bool(x1), x2=bool(x2))
    render()


def _forget_learner() -> None:
    """Weights, target or η changed by hand: the next step starts a new run from here."""
    state.learner = None
    state.last_step = None
    state.run.reset()


def _on_step(_event) -> None:
    # Not RunLoop.step_once: after convergence a step still runs (and changes nothing).
    state.run.pause()
    _learn_step()
    state.run.done = state.learner.done
    _follow()


def _on_epoch(_event) -> None:
    state.run.pause()
    steps = _ensure_learner().run_epoch()
    if steps:
        state.last_step = steps[-1]
    if state.learner.done:
        state.run.done = True
    _follow()


def _on_reset(_event) -> None:
    lab.set(w1=0.0, w2=0.0, b=0.0)
    _forget_learner()
    render()


# --- the other controls ---------------------------------------------------------------


def _toggle(i: int):
    def handler(_event) -> None:
        key = ("x1", "x2")[i]
        lab.set(**{key: not lab[key]})
        render()

    return handler


def _preset(name: str):
    def handler(_event) -> None:
        p = PRESETS[name]
        lab.set(w1=float(p.weights[0]), w2=float(p.weights[1]), b=float(p.bias))
        _forget_learner()
        render()

    return handler


def _canvas_click(event) -> None:
    """Clicking an input's dot on the canvas makes it the current input."""
    px, py = state.canvas.event_xy(event)
    corner = FRAME.corner_at(px, py, 24)
    if corner is not None:
        lab.set(x1=bool(corner[0]), x2=bool(corner[1]))
        render()


def _show_mine(p) -> None:
    """The "Use my perceptron_output" toggle: off and disabled until exercise 1 passes."""
    ready, on_ = progress.passed_code("perceptron_output") is not None, progress.using("perceptron_output")
    button = by_id("pc-mine")
    button.disabled = not ready
    button.setAttribute("aria-pressed", "true" if on_ else "false")
    # Why the page switched their rule off (too slow, or it raised), else the usual note.
    set_text("pc-mine-note", progress.notices.get("perceptron_output") or view.mine_text(ready, on_))
    mine = type(p) is not Perceptron and not getattr(p, "failed", "")
    lab.publish(state.canvas.element, rule="mine" if mine else "perceptron")


def _progress_changed() -> None:
    if lab.visible:
        render()


def setup() -> None:
    lab.build()
    state.canvas = Canvas("pc-canvas")
    speed = view.steps_per_second(view.SETTINGS["speed"].default)
    state.run = lab.loop(_learn_step, _follow, _render_learning, speed=speed)
    on("pc-x1", "click", _toggle(0))
    on("pc-x2", "click", _toggle(1))
    for name in ("and", "or", "nand"):
        on(f"pc-preset-{name}", "click", _preset(name))
    on("pc-step", "click", _on_step)
    on("pc-epoch", "click", _on_epoch)
    on("pc-run", "click", lambda _e: state.run.toggle())
    on("pc-reset", "click", _on_reset)
    on(state.canvas.element, "click", _canvas_click)
    on("pc-mine", "click", lambda _e: progress.set_use("perceptron_output", not progress.using("perceptron_output")))
    progress.listeners.append(_progress_changed)


def show(link: str) -> None:
    if lab.show(link):
        _forget_learner()  # a link sets new weights: the next run starts from them
    render()


def hide() -> None:
    state.run.pause()
    lab.hide()
