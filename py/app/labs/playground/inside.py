"""Look inside the Playground's network, as TensorFlow Playground does. Glue only.

The diagram's neuron pictures are small (``pictures.playground``): pointing at one, or
focusing the diagram and moving with the arrow keys, shows it large beside the diagram with
its layer and index (``pictures.playground_inside.neuron_picture``, computed at the full
grid). Clicking a weight's line (or Enter on a focused neuron: its incoming weights in turn)
opens a small form with its value; a number typed there
(read by the core's ``parse_number``) becomes that weight, and the run goes on from it: a
new worker session takes over the run as it stands (weights, epoch, curves: the same
"keep" that a new point uses) with the weight changed, and a running Train carries on with
it. A bad number gets a message and changes nothing.

Test hooks: ``#pg-zoom`` data-neuron ("l,j"); ``#pg-weight-form`` data-weight ("l,j,i"),
data-value (the weight shown, exact); ``#pg-weight-message`` data-kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.labs.playground import draw, run
from app.labs.playground.run import lab, state, status
from app.ui.canvas import Canvas
from app.ui.dom import by_id, on, set_text, spawn
from nnfs.settings.table import parse_number
from pictures.playground_inside import neuron_at, neuron_picture, weight_at

ZOOM = 120
LIMIT = 100.0  # |w| a typed weight may have (the diagram's thickest line is at 4)


@dataclass
class Inside:
    neuron: tuple[int, int] | None = None  # the neuron shown large
    weight: tuple[int, int, int] | None = None  # the weight in the form


inside = Inside()


def setup() -> None:
    net = by_id("pg-net")
    on(net, "pointermove", _hover)
    on(net, "click", _click)
    on(net, "keydown", _key)
    on(net, "focus", lambda _e: _show_neuron(*(inside.neuron or (0, 0))))
    on("pg-weight-form", "submit", _submit)
    on("pg-weight-close", "click", lambda _e: _close())


def _layout():
    layout = draw.state.layout
    m = state.mirror
    if layout is None or m is None or layout.sizes != tuple(m.network.sizes):
        return None
    return layout


def _hover(event) -> None:
    layout = _layout()
    if layout is None:
        return
    x, y = draw.state.net.event_xy(event)
    hit = neuron_at(layout, x, y)
    if hit is not None and hit != inside.neuron:
        _show_neuron(*hit)
    over_line = hit is None and weight_at(layout, x, y) is not None
    by_id("pg-net").style.cursor = "pointer" if over_line else ""


def _key(event) -> None:
    layout = _layout()
    if layout is None:
        return
    l, j = inside.neuron or (0, 0)
    key = event.key
    if key in ("ArrowUp", "ArrowDown"):
        j += -1 if key == "ArrowUp" else 1
    elif key in ("ArrowLeft", "ArrowRight"):
        l += -1 if key == "ArrowLeft" else 1
    elif key == "Enter" and inside.neuron is not None and l > 0:
        # The keyboard's way to a weight: Enter opens the focused neuron's incoming weights in
        # turn (from neuron 1 of the layer to its left, then 2, ...).
        event.preventDefault()
        w = inside.weight
        i = (w[2] + 1) % layout.sizes[l - 1] if w is not None and w[:2] == (l - 1, j) else 0
        open_weight(l - 1, j, i)
        return
    else:
        return
    event.preventDefault()
    l = min(max(l, 0), len(layout.sizes) - 1)
    j = min(max(j, 0), layout.sizes[l] - 1)
    _show_neuron(l, j)


def _layer_name(l: int, sizes) -> str:
    if l == 0:
        return "input"
    return "output" if l == len(sizes) - 1 else f"hidden layer {l}"


def _show_neuron(l: int, j: int) -> None:
    m = state.mirror
    if m is None or not m.network.is_finite():
        return
    sizes = m.network.sizes
    if not (0 <= l < len(sizes) and 0 <= j < sizes[l]):
        return
    inside.neuron = (l, j)
    c = Canvas("pg-zoom")
    c.draw_rgba(neuron_picture(m.network, l, j, ZOOM), 0, 0, c.width, c.height, smooth=False)
    if l == 0:
        words = f"Input x{'₁₂'[j]}: its value over the plane (orange −1, blue +1)."
    else:
        words = (
            f"{_layer_name(l, sizes).capitalize()}, neuron {j + 1} of {sizes[l]}: its output over the plane "
            f"(x₁ across, x₂ up), from {sizes[l - 1]} weights and a bias of {m.network.biases[l - 1][j]:.3g}."
        )
    set_text("pg-zoom-text", words)
    lab.publish("pg-zoom", neuron=f"{l},{j}")


def _click(event) -> None:
    layout = _layout()
    if layout is None:
        return
    x, y = draw.state.net.event_xy(event)
    if neuron_at(layout, x, y) is not None:
        return
    hit = weight_at(layout, x, y)
    if hit is not None:
        open_weight(*hit)


def open_weight(l: int, j: int, i: int) -> None:
    """The form for ``weights[l][j, i]``: from neuron i of layer l to neuron j of layer l + 1."""
    m = state.mirror
    sizes = m.network.sizes
    value = float(m.network.weights[l][j, i])
    inside.weight = (l, j, i)
    source = f"x{'₁₂'[i]}" if l == 0 else f"{_layer_name(l, sizes)} neuron {i + 1}"
    set_text("pg-weight-label", f"Weight from {source} to {_layer_name(l + 1, sizes)} neuron {j + 1}:")
    field = by_id("pg-weight-value")
    field.value = f"{value:.6g}"
    form = by_id("pg-weight-form")
    form.hidden = False
    lab.publish(form, weight=f"{l},{j},{i}", value=value)
    _message(
        f"It is {value:.6g}. Type a new value and press Set weight: "
        + ("training goes on from it." if state.running else "Train or Step goes on from it."),
        "",
    )
    field.focus()
    field.select()


def _close() -> None:
    inside.weight = None
    by_id("pg-weight-form").hidden = True
    by_id("pg-net").focus()


def _message(text: str, kind: str) -> None:
    el = by_id("pg-weight-message")
    el.textContent = text
    el.className = f"message {kind}".strip()
    el.setAttribute("data-kind", kind or "info")


def _submit(event) -> None:
    event.preventDefault()
    m = state.mirror
    if inside.weight is None or m is None:
        return
    l, j, i = inside.weight
    try:
        value = float(parse_number(by_id("pg-weight-value").value, "The weight", lo=-LIMIT, hi=LIMIT))
    except ValueError as e:
        _message(f"{e}. The weight is unchanged ({float(m.network.weights[l][j, i]):.6g}).", "bad")
        return
    if m.stop is not None or not m.network.is_finite():
        _message("This run has stopped with a problem (see above): press Reset, then change a weight.", "bad")
        return
    before = float(m.network.weights[l][j, i])
    set_weight(l, j, i, value)
    lab.publish("pg-weight-form", value=value)
    _message(
        f"Set to {value:.6g} (it was {before:.6g}). The run goes on from the network as it was with this "
        "weight changed: a new training session took it over (the mini-batches of the epoch under way "
        "start afresh).",
        "good",
    )


def set_weight(l: int, j: int, i: int, value: float) -> None:
    """Make ``weights[l][j, i]`` = ``value`` and go on from there: a new mirror takes the run
    over (its weights, curves and epoch), and its worker session is made from the old one's
    (``keep``) with the edit (the spec's ``weights``); a running loop switches to it."""
    old = state.mirror
    old.network.weights[l][j, i] = value  # shown at once; the worker's copy follows
    m = run.Mirror(state.config)
    m.network, m.history = old.network, old.history
    m.epoch, m.progress, m.train_seconds = old.epoch, old.progress, old.train_seconds
    m.key, m.history_id, m.resume = old.key, old.history_id, old.resume
    state.mirror = m
    spawn(_carry_on(m, old, [l, j, i, value]))
    draw.frame(m)
    draw.update_model_json(m, state.hash_state)
    if inside.neuron is not None and inside.neuron[0] > l:
        _show_neuron(*inside.neuron)


async def _carry_on(m, old, edit: list) -> None:
    if old.sid is None and old.connecting is not None:
        await old.connecting  # its session is being made (the first Train, a new point): wait for it
    # Going on from the old session: only this edit; with none yet (never trained), all of them.
    m.edits = [edit] if old.sid is not None else [*old.edits, edit]
    await run.ensure(m, keep=old if old.sid is not None else None)
    run.forget(old)
    if state.mirror is m and not state.running:
        draw.frame(m)
        draw.update_model_json(m, state.hash_state)
        status(f"A weight changed: the run is at epoch {m.epoch}; Train or Step goes on from it.", "")
