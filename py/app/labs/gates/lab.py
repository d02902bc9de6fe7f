"""Lab 2, gates: NOT, AND, OR, XOR and adders wired only from NAND perceptrons.

The page picks a circuit from ``nnfs.neurons.circuits``, feeds it the input bits
(checkboxes, clicks on the diagram, or the numbers A and B for an adder),
and shows what every perceptron in it outputs: on the canvas, as output
bits, as a sum for the adders, and as a truth table the circuit computes
row by row. The settings (circuit, n, A, B, the input bits x) are the
table in ``app.labs.gates.view``; ``app.shell.lab`` builds their controls and keeps the
address in step, e.g. ``#gates/c=adder&n=5&a=17&b=9``, so a link
reproduces the picture. Glue only: sentences and HTML come from
``app.labs.gates.view``, the drawing from ``app.labs.gates.draw``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from pyscript import window

from app.labs.gates import view
from app.labs.gates.draw import draw
from app.labs.gates.geometry import MAX_WIDTH, geometry
from app.shell import progress
from app.shell.lab import Lab
from app.ui import dom
from app.ui.canvas import Canvas
from nnfs.neurons.circuits import Adder, build, reference

MIN_WIDTH = 300  # narrower than this, the diagram is drawn at 300 px and scaled down by CSS
WIDTH_STEP = 20  # the drawing width follows the panel in steps, so a resize redraws seldom
PANEL_PADDING = 36  # a panel's padding and border on both sides (app.css: 1rem + 1px), and the canvas border


def _changed(name: str, _value) -> None:
    """A control changed (already in ``lab.values`` and the address)."""
    if name in ("c", "n"):
        _refit()
    render()


@dataclass
class GatesState:
    """What the lab remembers besides its settings (``lab.values``); the page only shows it."""

    canvas: Canvas | None = None
    circuits: dict = field(default_factory=dict)  # ((name, n), nand) -> (circuit, wires, truth table or None)
    geometries: dict = field(default_factory=dict)  # (name, n, width) -> (geometry, wire routes)
    boxes: dict = field(default_factory=dict)  # input name -> its checkbox (rebuilt with the circuit)
    built_for: tuple | None = None  # the (name, n) the checkboxes and texts were built for
    hover: str | None = None  # the input under the mouse


state = GatesState()
lab = Lab("gates", view.SETTINGS, on_change=_changed, state=state)


def _key():
    return lab["c"], (lab["n"] if lab["c"] == "adder" else None)


def _width() -> int:
    """How wide the diagram may be drawn: the lab's width less a panel's padding (in steps), at most MAX_WIDTH.

    The lab's own width, not the diagram panel's: on a phone that panel gives
    up its box (display: contents) so that the canvas can stick to the top."""
    inner = float(dom.by_id("lab-gates").clientWidth) - PANEL_PADDING
    if inner <= 0:  # not laid out (hidden): draw for a laptop
        return MAX_WIDTH
    return int(max(MIN_WIDTH, min(MAX_WIDTH, inner // WIDTH_STEP * WIDTH_STEP)))


def _nand():
    """The learner's nand while "Use my nand" is on (app.shell.progress), else None: the perceptron."""
    return progress.active("nand")


def parts():
    """The current circuit, its wires, truth table, geometry and wire routes (each built once)."""
    key = _key()
    nand = _nand()
    if (key, nand) not in state.circuits:
        circuit = build(*key)
        table = circuit.truth_table(nand) if len(circuit.inputs) <= view.TRUTH_TABLE_MAX_INPUTS else None
        state.circuits[(key, nand)] = (circuit, circuit.wires(), table)
    circuit, wires, table = state.circuits[(key, nand)]
    shape = (*key, _width())
    if shape not in state.geometries:
        geo = geometry(circuit, max_width=shape[-1])
        state.geometries[shape] = (geo, geo.wire_routes(wires))
    geo, routes = state.geometries[shape]
    return circuit, wires, table, geo, routes


def _inputs(circuit=None) -> dict:
    return view.circuit_inputs(circuit or parts()[0], lab.values)


def _refit(named: dict | None = None) -> list:
    """Make A, B and x fit the circuit (see ``app.labs.gates.view.fit``); the limits of A and B follow n."""
    biggest = view.top(lab["n"])
    for key in ("a", "b"):
        field = lab.fields[key]
        field.setting = replace(view.SETTINGS[key], hi=biggest)  # typed values are checked against n bits
        field.slider.max = str(biggest)
    changed, problems = view.fit(lab.values, named)
    if changed:
        lab.set(**changed)
    return problems


def _set_inputs(inputs: dict) -> None:
    """New input bits (a click, a checkbox, Next, All 0): into the settings, then onto the page."""
    lab.set(**view.values_for(parts()[0], inputs))
    render()


# --- the page -------------------------------------------------------------------


def redraw() -> dict:
    """Draw the current circuit with its current signals; time it and say how long it took."""
    circuit, wires, _, geo, routes = parts()
    ins = _inputs(circuit)
    signal = circuit.signals(ins, _nand())
    t0 = time.perf_counter()
    draw(state.canvas, circuit, geo, wires, routes, signal, state.hover)
    ms = (time.perf_counter() - t0) * 1000
    timer = dom.by_id("gt-draw-time")
    timer.textContent = f"Drawn in {ms:.0f} ms."
    lab.publish(timer, ms=round(ms, 1))
    # max_width: the width the geometry was made for (a test recomputes the same geometry from it).
    lab.publish(
        state.canvas.element,
        inputs="".join(str(ins[n]) for n in circuit.inputs),
        max_width=geo.max_width,
        nand="mine" if _nand() else "perceptron",
    )
    return signal


def _rebuild(circuit, table) -> None:
    """The parts of the page that depend on the circuit only: checkboxes, counts, texts."""
    key = lab["c"]
    dom.set_html("gt-input-boxes", view.input_boxes_html(circuit))
    state.boxes.clear()
    # Not dom.by_id: that caches, and these boxes are replaced with every circuit.
    for el in dom.by_id("gt-input-boxes").querySelectorAll("input[data-input]"):
        state.boxes[str(el.dataset.input)] = el
    is_adder = isinstance(circuit, Adder)
    dom.by_id("gt-n-field").hidden = not is_adder
    dom.by_id("gt-numbers").hidden = not is_adder
    dom.by_id("gt-next").title = view.NEXT_SUM_TITLE if is_adder and table is None else view.NEXT_ROW_TITLE
    dom.set_text("gt-nand-count", circuit.nand_count)
    dom.set_text("gt-depth", circuit.depth)
    dom.set_text("gt-about", view.ABOUT[key])
    dom.set_text("gt-caption", view.caption(circuit))
    lab.publish(state.canvas.element, circuit=key)
    state.built_for = _key()


def render() -> None:
    """Run the circuit on the current inputs and show everything that depends on them."""
    circuit, _, table, _, _ = parts()
    key = lab["c"]
    if state.built_for != _key():
        _rebuild(circuit, table)
    ins = _inputs(circuit)
    for name in circuit.inputs:
        state.boxes[name].checked = bool(ins[name])

    signal = redraw()
    outputs = {name: signal[name] for name in circuit.outputs}
    dom.set_html("gt-outputs", view.outputs_html(outputs))
    state.canvas.element.setAttribute("aria-label", view.diagram_label(circuit, key, ins, outputs))

    sum_el = dom.by_id("gt-sum")
    added = view.sum_text(key, circuit, ins, outputs)
    sum_el.hidden = added is None
    if added is not None:
        a, b, total, text = added
        sum_el.textContent = text
        lab.publish(sum_el, a=a, b=b, sum=total)

    ref = reference(*_key())
    ok = ref(ins) == outputs
    check = dom.by_id("gt-check")
    check.className = "message " + ("good" if ok else "bad")
    check.textContent = view.check_text(key, ok)
    dom.set_html("gt-truth", view.truth_html(key, circuit, table, tuple(ins[n] for n in circuit.inputs), ref))


# --- controls -------------------------------------------------------------------


def _on_checkbox(event) -> None:
    name = str(event.target.dataset.input or "")
    ins = _inputs()
    if name in ins:
        ins[name] = 1 if event.target.checked else 0
        _set_inputs(ins)


def _on_canvas_click(event) -> None:
    hit = parts()[3].hit(*state.canvas.event_xy(event))
    if hit is not None:
        ins = _inputs()
        ins[hit] = 1 - ins[hit]
        _set_inputs(ins)


def _on_canvas_move(event) -> None:
    hit = parts()[3].hit(*state.canvas.event_xy(event))
    if hit != state.hover:
        state.hover = hit
        state.canvas.element.style.cursor = "pointer" if hit else "default"
        redraw()


def _on_canvas_leave(_event) -> None:
    if state.hover is not None:
        state.hover = None
        state.canvas.element.style.cursor = "default"
        redraw()


def _on_resize(_event) -> None:
    """A narrower or wider window: draw the diagram for the new width (only when it changed)."""
    if lab.visible and parts()[3].max_width != int(state.canvas.element.dataset.maxWidth or 0):
        redraw()


def _next_row(_event) -> None:
    circuit, _, table, _, _ = parts()
    _set_inputs(view.next_inputs(circuit, _inputs(circuit), table is not None))


def _show_mine() -> None:
    """The "Use my nand" toggle: off and disabled until the learner's nand passes its check."""
    button, ready, on = dom.by_id("gt-mine"), progress.ready("nand"), progress.using("nand")
    button.disabled = not ready
    button.setAttribute("aria-pressed", "true" if on else "false")
    dom.set_text("gt-mine-note", view.mine_text(ready, on))


def _on_mine(_event) -> None:
    progress.set_use("nand", not progress.using("nand"))


def _progress_changed() -> None:
    _show_mine()
    if lab.visible:
        render()


def _clear(_event) -> None:
    _set_inputs({name: 0 for name in parts()[0].inputs})


def setup() -> None:
    lab.build()
    state.canvas = Canvas("gt-canvas")
    dom.on("gt-input-boxes", "change", _on_checkbox)
    dom.on("gt-canvas", "click", _on_canvas_click)
    dom.on("gt-canvas", "mousemove", _on_canvas_move)
    dom.on("gt-canvas", "mouseleave", _on_canvas_leave)
    dom.on("gt-next", "click", _next_row)
    dom.on("gt-clear", "click", _clear)
    dom.on(window, "resize", _on_resize)
    dom.on("gt-mine", "click", _on_mine)
    progress.listeners.append(_progress_changed)


def show(link: str) -> None:
    """Show the lab; ``link`` may come from a link, e.g. ``c=adder&n=8&a=173&b=94`` or ``c=xor&x=10``.

    A bad value is not used: its field says why, "(in the link)"; a problem
    with no field of its own (the input bits x, an unknown name) is in the
    status line."""
    read = lab.show(link)
    named, link_problems = view.SETTINGS.from_hash(link) if read else ({}, [])
    problems = _refit(named)
    for name, message in problems:
        field = lab.fields.get(name)
        if field is not None:
            field.show_error(f"{message} (in the link) — keeping {field._format(field.value)}")
    others = [m for name, m in link_problems + problems if name not in lab.fields]
    if others:
        lab.status("In the link: " + "; ".join(others) + ".", "bad")
    _show_mine()
    render()


def hide() -> None:
    lab.hide()
