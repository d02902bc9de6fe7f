"""Lab 6, backpropagation step by step: glue only.

Reads the lab's settings (``view.SETTINGS``) and the example table,
makes the network, and asks ``nnfs.labs.backprop.steps.Walkthrough`` (one call of
``Network.trace``) for each step's numbers; draws the network on ``#bp-net``
(``picture``) and writes the step, its equation with the numbers plugged in
(``equations``), into ``#bp-step``. The speed of learning part lives in ``speed``.

Test hooks (``lab.publish``): ``#bp-net`` has data-sizes, data-x, data-t (the
examples, JSON), data-act, data-cost, data-seed, data-edited (weights typed in
or updated: the network is no longer the seed's); ``#bp-step`` has
data-index, data-kind, data-layer, data-example, data-selection and
data-values (the step's numbers, exact, JSON); ``#bp-check-result`` has
data-numeric, data-backprop, data-relative.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from app.labs.backprop import picture, view
from app.labs.backprop import speed as backprop_speed
from app.labs.backprop.equations import num, selection_name
from app.shell.lab import Lab
from app.shell.runloop import RunLoop
from app.ui import dom
from app.ui.canvas import Canvas
from nnfs.labs.backprop.steps import Selection, Walkthrough, default_examples
from nnfs.maths.network import Network
from nnfs.settings.table import parse_number


@dataclass
class BackpropState:
    """What the lab remembers besides its settings (``lab.values``); the page only shows it.
    The speed-of-learning part keeps its own (``speed``, ``app.labs.backprop.speed``)."""

    speed: backprop_speed.SpeedState
    net_canvas: Canvas | None = None
    player: RunLoop | None = None  # Play: the steps one after another
    net: Network | None = None
    X: np.ndarray | None = None  # the mini-batch (m, n_in)
    T: np.ndarray | None = None  # its targets (m, n_out)
    walk: Walkthrough | None = None
    index: int = 0  # the step shown
    sel: Selection | None = None  # None: each step shows its first neuron / w¹₁₁
    example: int = 0
    edited: bool = False  # weights typed in or updated since the network was made
    layout: object = None


state = BackpropState(speed=backprop_speed.state)
lab = Lab("backprop", view.SETTINGS, on_change=lambda name, value: changed(name), state=state)


def setup() -> None:
    lab.build()
    state.net_canvas = Canvas("bp-net")
    state.player = RunLoop(_play_step, None, _player_changed, speed=1.0, spawn=dom.spawn)
    dom.on("bp-next", "click", lambda _e: go(state.index + 1))
    dom.on("bp-back", "click", lambda _e: go(state.index - 1))
    dom.on("bp-reset", "click", lambda _e: (state.player.pause(), go(0)))
    dom.on("bp-play", "click", lambda _e: _toggle_play())
    dom.on("bp-apply", "click", lambda _e: take_step())
    dom.on("bp-example", "change", _example_picked)
    dom.on("bp-net", "click", _clicked)
    dom.on("bp-set", "click", lambda _e: set_value())
    dom.on("bp-value", "keydown", lambda e: set_value() if str(e.key) == "Enter" else None)
    dom.on("bp-check", "click", lambda _e: check())
    dom.on("bp-examples", "change", _example_typed)
    dom.on("lab-backprop", "keydown", _key)
    backprop_speed.setup(lab)
    rebuild()


# The network's canvas: 640 x 340 pixels where there is room. On a phone it would be shown at
# half that, its neurons' numbers unreadable and wider than the neurons, so there it is drawn
# at the width it is shown, pixel for CSS pixel (a little taller than half, for the labels).
NET_SIZE, PHONE_NET_HEIGHT, PHONE_BELOW = (640, 340), 300, 480


def _fit_net_canvas() -> None:
    cv = state.net_canvas
    shown = cv.displayed_width()
    if 0 < shown < PHONE_BELOW:
        cv.resize(round(shown), PHONE_NET_HEIGHT)
    elif shown:
        cv.resize(*NET_SIZE)


def show(link: str) -> None:
    lab.show(link)
    rebuild()
    backprop_speed.draw()  # drawn at set-up off screen: again at the size it is shown


def hide() -> None:
    if state.player is not None:
        state.player.pause()
    backprop_speed.hide()
    lab.hide()


# -- state --------------------------------------------------------------------------------
def changed(name: str) -> None:
    if name in view.NET_SETTINGS:
        rebuild()
    elif name == "eta":
        retrace()
    elif name.startswith("sp_"):
        backprop_speed.changed(name)


def rebuild() -> None:
    """A fresh network and examples from the settings (what a link or a control says)."""
    v = lab.values
    sizes = view.sizes_of(v)
    if v["h3"] and not v["h2"]:
        lab.status("Hidden layer 3 needs a hidden layer 2: using one hidden layer.", "bad")
    state.net = Network(
        sizes, activation=v["act"], output_activation="sigmoid", cost=v["cost"], init="normal", seed=v["seed"]
    )
    state.X, state.T = default_examples(v["seed"], sizes[0], sizes[-1], v["m"])
    state.edited, state.example = False, 0
    _fit_net_canvas()
    state.layout = view.layout(sizes, state.net_canvas.width, state.net_canvas.height)
    if state.sel is not None and not _valid(state.sel, sizes):
        state.sel = None
    _example_table()
    retrace()


def _valid(sel: Selection, sizes) -> bool:
    ok = 1 <= sel.layer < len(sizes) and sel.j < sizes[sel.layer]
    return ok and (sel.k is None or sel.k < sizes[sel.layer - 1])


def retrace(keep_step: bool = True) -> None:
    """Trace again (new weights, examples or η) and redraw the current step."""
    state.walk = Walkthrough(state.net, state.X, state.T, eta=lab["eta"])
    state.index = min(state.index, len(state.walk.steps) - 1) if keep_step else 0
    state.example = min(state.example, len(state.X) - 1)
    options = "".join(
        f'<option value="{i + 1}"{" selected" if i == state.example else ""}>{i + 1}</option>'
        for i in range(len(state.X))
    )
    dom.set_html("bp-example", options)
    dom.by_id("bp-example").disabled = len(state.X) == 1
    draw()


def go(index: int) -> None:
    state.index = max(0, min(index, len(state.walk.steps) - 1))
    draw()


def _play_step():
    if state.index >= len(state.walk.steps) - 1:
        return False
    go(state.index + 1)
    return state.index < len(state.walk.steps) - 1


def _toggle_play() -> None:
    if state.index >= len(state.walk.steps) - 1:
        go(0)
        state.player.reset()
    state.player.toggle()


def _player_changed() -> None:
    button = dom.by_id("bp-play")
    button.setAttribute("aria-pressed", "true" if state.player.running else "false")
    button.textContent = "⏸ Pause" if state.player.running else "▶ Play"


def take_step() -> None:
    """Apply the update to the network and start the walkthrough again."""
    before = state.walk.trace["cost"]
    state.net.weights, state.net.biases = state.walk.updated_parameters()
    state.edited = True
    retrace(keep_step=False)
    lab.status(
        f"Took one step of gradient descent: the cost went from {num(before)} to "
        f"{num(state.walk.trace['cost'])}. Step through again to see the new numbers.",
        "good",
    )


# -- input --------------------------------------------------------------------------------
def _clicked(event) -> None:
    x, y = state.net_canvas.event_xy(event)
    found = view.hit(state.layout, x, y)
    if found is None:
        return
    sel = view.selection_of(found)
    if sel is None:
        lab.status(
            "An input neuron has no weights in and no bias: it just holds x. "
            "Click a neuron of a later layer or a weight.",
            "",
        )
        return
    select(sel)


def select(sel: Selection) -> None:
    state.sel = sel
    dom.set_text("bp-check-result", "")
    draw()


def _example_picked(_event) -> None:
    state.example = int(dom.by_id("bp-example").value) - 1  # the options are numbered from 1, as shown
    draw()


def _key(event) -> None:
    tag = str(event.target.tagName).lower()
    if tag in ("input", "select", "textarea", "button"):
        return
    key = str(event.key)
    if key == "ArrowRight":
        go(state.index + 1)
    elif key == "ArrowLeft":
        go(state.index - 1)
    elif key == "Home":
        go(0)
    elif key in ("p", "P"):
        _toggle_play()
    else:
        return
    event.preventDefault()


def _selected_or_default() -> Selection:
    return state.sel if state.sel is not None else Selection(1, 0, 0)


def set_value() -> None:
    """The typed value becomes the selected weight or bias."""
    sel = _selected_or_default()
    name = selection_name(sel)
    field, error = dom.by_id("bp-value"), dom.by_id("bp-value-error")
    try:
        value = parse_number(str(field.value), name, lo=-100, hi=100)
    except ValueError as e:
        error.textContent = f"{e} — keeping {_current(sel)!r}"
        field.setAttribute("aria-invalid", "true")
        return
    error.textContent = ""
    field.removeAttribute("aria-invalid")
    if sel.is_weight:
        state.net.weights[sel.layer - 1][sel.j, sel.k] = value
    else:
        state.net.biases[sel.layer - 1][sel.j] = value
    state.edited = True
    state.sel = sel
    retrace()
    lab.status(f"{name} = {num(value)}: the forward pass and every gradient changed with it.", "good")


def _current(sel: Selection) -> float:
    if sel.is_weight:
        return float(state.net.weights[sel.layer - 1][sel.j, sel.k])
    return float(state.net.biases[sel.layer - 1][sel.j])


def check() -> None:
    sel = _selected_or_default()
    result = state.walk.finite_difference(sel, lab["eps"])
    dom.set_html("bp-check-result", view.check_html(selection_name(sel), result))
    lab.publish(
        "bp-check-result",
        numeric=result["numeric"],
        backprop=result["backprop"],
        relative=result["relative"],
        eps=result["eps"],
        selection=_sel_text(sel),
    )


def _example_typed(event) -> None:
    """A cell of the example table changed: x or y of one example."""
    el = event.target
    kind, i, n = str(el.getAttribute("data-kind")), int(el.getAttribute("data-row")), int(el.getAttribute("data-col"))
    label = f"{'x' if kind == 'x' else 'y'}{n + 1} of example {i + 1}"
    lo, hi = (-10, 10) if kind == "x" else (0, 1)
    error = dom.by_id("bp-examples-error")
    try:
        value = parse_number(str(el.value), label, lo=lo, hi=hi)
    except ValueError as e:
        old = (state.X if kind == "x" else state.T)[i, n]
        error.textContent = f"{e} — keeping {num(old)}"
        el.setAttribute("aria-invalid", "true")
        return
    error.textContent = ""
    el.removeAttribute("aria-invalid")
    (state.X if kind == "x" else state.T)[i, n] = value
    retrace()


def _example_table() -> None:
    dom.set_html("bp-examples", view.examples_html(state.X, state.T))
    dom.set_text("bp-examples-error", "")


# -- drawing ------------------------------------------------------------------------------
def _sel_text(sel) -> str:
    if sel is None:
        return "none"
    return f"{sel.layer},{sel.j}" + ("" if sel.k is None else f",{sel.k}")


def draw() -> None:
    if state.walk is None or state.net_canvas is None:
        return
    step = state.walk.steps[state.index]
    explained = state.walk.explain(step, state.sel, state.example)
    dom.set_html("bp-step", view.step_html(step, state.index, len(state.walk.steps), explained))
    picture.draw_network(state.net_canvas, state.layout, state.walk, state.index, state.example, state.sel, explained)
    sel = _selected_or_default()
    dom.set_text("bp-selected", selection_name(sel))
    field = dom.by_id("bp-value")
    if dom.document.activeElement != field:
        field.value = repr(_current(sel))
    dom.by_id("bp-back").disabled = state.index == 0
    dom.by_id("bp-next").disabled = state.index == len(state.walk.steps) - 1
    lab.publish(
        "bp-step",
        index=state.index,
        kind=step.kind,
        layer=step.layer,
        example=state.example,
        selection=_sel_text(state.sel),
        values=json.dumps(explained.values),
    )
    lab.publish(
        "bp-net",
        sizes=json.dumps(state.net.sizes),
        x=json.dumps(state.X.tolist()),
        t=json.dumps(state.T.tolist()),
        act=state.net.activation,
        cost=state.net.cost,
        seed=lab["seed"],
        edited=str(state.edited).lower(),
        eta=float(lab["eta"]),
    )
