"""Lab 7, Chapter 3: the book's experiments on better learning, run and varied in the page. Glue only.

1. The learning slowdown: one sigmoid neuron (x = 1, y = 0) from two starting points,
   quadratic against cross-entropy cost (``nnfs.labs.chapter3.slowdown``, computed here:
   it is tiny), the cost per epoch drawn live with the shared runs chart.
2. Softmax: four z's on sliders and their softmax as bars (``nnfs.maths.activations.softmax``).
3.–5. Overfitting and L2, weight initialisation, the learning rate: MNIST runs in the
   training worker (``app.labs.chapter3.runs``).

Test hooks: ``#c3-sd-chart`` data-curves (JSON: label -> costs, exact floats) and
data-state (idle, running, done); ``#c3-sm-bars`` data-a (JSON: the softmax) and data-sum;
the MNIST panels' hooks are ``app.labs.chapter3.runs``'s.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import numpy as np

from app.labs.chapter3 import runs as chapter3_runs
from app.labs.chapter3 import view
from app.runs import chart as runs_chart
from app.runs import chart_view as runs_view
from app.runs import warm
from app.shell.lab import Lab
from app.ui import dom
from app.ui.canvas import Canvas
from nnfs.labs.chapter3 import SLOWDOWN_COSTS, slowdown
from nnfs.maths.activations import softmax

FRAMES = 40  # the slowdown curves are drawn over this many frames
FRAME_SECONDS = 0.03
BAR = "#0072b2"
INK = "#1b2430"


@dataclass
class Chapter3State:
    """What the lab remembers besides its settings (``lab.values``); the page only shows it."""

    sd_chart: Canvas | None = None  # 1. the slowdown's cost curves
    sm_bars: Canvas | None = None  # 2. the softmax bars
    runners: dict[str, chapter3_runs.Runner] = field(default_factory=dict)  # 3.-5.: experiment -> its MNIST runs
    sd_token: int = 0  # bumped to stop the slowdown's animation
    sd_curves: dict[str, list[float]] = field(default_factory=dict)  # label -> cost per epoch


state = Chapter3State()
lab = Lab("chapter3", view.SETTINGS, on_change=lambda name, value: changed(name), state=state)


def setup() -> None:
    lab.build()
    state.sd_chart, state.sm_bars = Canvas("c3-sd-chart"), Canvas("c3-sm-bars")
    dom.on("c3-sd-run", "click", lambda _e: start_slowdown())
    dom.on("c3-sm-reset", "click", lambda _e: _reset_softmax())
    for name in view.PREFIX:
        state.runners[name] = chapter3_runs.Runner(lab, name)
        dom.set_text(f"c3-{view.PREFIX[name]}-book", chapter3_runs.book_text(name))
        dom.set_text(f"c3-{view.PREFIX[name]}-look", view.LOOK_FOR[name])
    _draw_slowdown(0)
    lab.publish("c3-sd-chart", state="idle")


def show(link: str) -> None:
    lab.show(link)
    warm.mnist()  # the MNIST sets into the worker while the learner reads: the first Run starts at once
    warm.session("chapter3", {"lab": "chapter3", "config": _warm_config()}, data=True)
    draw_softmax()


def _warm_config() -> dict:
    """The overfitting experiment's regularised run (cross-entropy, L2, train and test scored),
    shrunk to 100 images and one epoch: its code paths, warmed, then dropped (app.runs.warm)."""
    values = lab.values | {"of_epochs": 1, "of_subset": 100, "of_test": 100}
    return view.experiment_configs("overfitting", values)[-1].to_dict()


def hide() -> None:
    lab.hide()
    for runner in state.runners.values():
        runner.stop("Stopped when you left the lab: the curves so far stay.")


def changed(name: str) -> None:
    if name.startswith("sm_"):
        draw_softmax()
    elif name.startswith("sd_"):
        _stop_slowdown()
    else:
        for ex, prefix in view.PREFIX.items():
            if name.startswith(prefix + "_"):
                state.runners[ex].settings_changed()


# -- 1. the learning slowdown --------------------------------------------------------------
def start_slowdown() -> None:
    state.sd_token += 1
    v = lab.values
    starts = {"A": (v["sd_w1"], v["sd_b1"]), "B": (v["sd_w2"], v["sd_b2"])}
    state.sd_curves = {}
    for key, (w, b) in starts.items():
        for cost in SLOWDOWN_COSTS:
            label = f"{cost}, start {key} (w = {w:g}, b = {b:g})"
            state.sd_curves[label] = slowdown(w, b, cost, eta=v["sd_eta"], epochs=int(v["sd_epochs"]))["cost"]
    lab.publish("c3-sd-chart", state="running", curves=json.dumps(state.sd_curves))
    dom.spawn(_animate(state.sd_token))


def _stop_slowdown() -> None:
    state.sd_token += 1


async def _animate(token: int) -> None:
    epochs = int(lab["sd_epochs"])
    for frame in range(1, FRAMES + 1):
        if token != state.sd_token:
            return
        _draw_slowdown(round(epochs * frame / FRAMES))
        await asyncio.sleep(FRAME_SECONDS)
    lab.publish("c3-sd-chart", state="done")
    dom.set_text("c3-sd-measured", view.slowdown_text(state.sd_curves))


def _draw_slowdown(upto: int) -> None:
    series = []
    for i, (label, costs) in enumerate(state.sd_curves.items()):
        colour = runs_view.COLOURS[i // 2]  # one colour per start; dashed: quadratic
        dash = () if "cross" in label else (5, 4)
        shown = costs[: upto + 1]
        series.append(runs_view.Series(label, colour, list(range(len(shown))), shown, dash))
    runs_chart.draw(
        state.sd_chart, series, "cost", x_max=int(lab["sd_epochs"]), empty="Press Run to train the neuron four ways."
    )


# -- 2. softmax --------------------------------------------------------------------------
def _reset_softmax() -> None:
    lab.set(**{f"sm_z{j}": view.SETTINGS[f"sm_z{j}"].default for j in range(1, 5)})
    draw_softmax()


def draw_softmax() -> None:
    if state.sm_bars is None:
        return
    z = np.array([lab[f"sm_z{j}"] for j in range(1, 5)], dtype=np.float64)
    a = softmax(z)
    total = float(np.sum(a))
    cv = state.sm_bars
    cv.clear()
    left, right, top, bottom = 40, cv.width - 12, 14, cv.height - 30
    slot = (right - left) / 4
    for k in (0.0, 0.5, 1.0):
        y = bottom - k * (bottom - top)
        cv.line(left, y, right, y, "#eceff2")
        cv.text(f"{k:g}", left - 6, y, "#5b6675", 11, align="right")
    for j, value in enumerate(a):
        h = float(value) * (bottom - top)
        x = left + j * slot + slot * 0.2
        cv.rect(x, bottom - h, slot * 0.6, h, fill=BAR)
        cv.text(f"{value:.4f}", x + slot * 0.3, max(bottom - h - 8, top + 4), INK, 12)
        cv.text(f"a{j + 1}", x + slot * 0.3, bottom + 14, "#5b6675", 12)
    lab.publish(state.sm_bars.element, a=json.dumps([float(x) for x in a]), sum=total)
    dom.set_text("c3-sm-sum", f"{total:.6f}")
    biggest = int(np.argmax(a))
    dom.set_text(
        "c3-sm-text",
        f"a{biggest + 1} is the largest ({a[biggest]:.1%}). Each aⱼ = e^zⱼ / Σₖ e^zₖ: raising one z "
        "takes share from all the others, and the four always add up to 1.",
    )
    state.sm_bars.element.setAttribute(
        "aria-label", "Softmax outputs: " + ", ".join(f"a{j + 1} = {v:.4f}" for j, v in enumerate(a))
    )
