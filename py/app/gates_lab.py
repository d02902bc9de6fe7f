"""Lab 2, gates: NOT, AND, OR, XOR and adders wired only from NAND perceptrons.

The page picks a circuit from ``nnfs.circuits``, feeds it the input bits
(checkboxes, clicks on the diagram, or the numbers A and B for an adder),
and shows what every perceptron in it outputs: on the canvas, as output
bits, as a sum for the adders, and as a truth table the circuit computes
row by row. The circuit (and its inputs) live in the URL hash, e.g.
``#gates/c=adder&n=8&a=173&b=94``, so a link reproduces the picture.
"""

from __future__ import annotations

import html
import time

from pyscript import window

from app import dom
from app.canvas import Canvas
from app.gates_view import geometry
from nnfs.circuits import MAX_ADDER_BITS, Adder, build, reference

TRUTH_TABLE_MAX_INPUTS = 4   # 16 rows: more would not fit beside the picture

ON = "#d9480f"          # a wire or node carrying 1
ON_FILL = "#ffe3cf"
OFF = "#b9c1cb"         # carrying 0
OFF_FILL = "#ffffff"
OFF_EDGE = "#7d8896"
INK = "#1b2430"
MUTED = "#5b6675"
BAND = "#f3f5f8"        # every other bit of an adder

TITLES = {
    "not": "NOT", "and": "AND", "or": "OR", "xor": "XOR",
    "half_adder": "half adder", "full_adder": "full adder", "adder": "n-bit adder",
}
# What Python computes directly, to check the circuit against (shown in the page).
REFERENCE_TEXT = {
    "not": "1 − a", "and": "a & b", "or": "a | b", "xor": "a ^ b",
    "half_adder": "a + b", "full_adder": "a + b + cin", "adder": "A + B",
}
ABOUT = {
    "not": "NOT is one NAND with both of its inputs tied to a: NAND(a, a) = NOT(a AND a) = NOT a.",
    "and": "AND is a NAND followed by a NOT (a second NAND with its inputs tied): NOT NAND(a, b) = a AND b.",
    "or": "OR uses De Morgan's law: a OR b = NAND(NOT a, NOT b) — two NOTs side by side, then one NAND.",
    "xor": "XOR takes four NANDs: n = NAND(a, b), then NAND(a, n) and NAND(b, n), then a NAND of those two. "
           "It is 1 exactly when a ≠ b — something no single perceptron can do.",
    "half_adder": "A half adder adds two bits: the sum bit is a XOR b (4 NANDs) and the carry is a AND b, "
                  "made by one more NAND that inverts the XOR's first NAND(a, b). 5 NANDs.",
    "full_adder": "A full adder adds two bits and a carry in: two XORs in a row give the sum bit "
                  "(a XOR b XOR cin), and one more NAND, reading the first NAND of each XOR, gives the carry. "
                  "9 NANDs.",
    "adder": "An n-bit adder adds like you do on paper, one column at a time from the right: bit 0 is a "
             "half adder (5 NANDs), every other bit a full adder (9 NANDs) that also takes the carry from the "
             "bit below. That is 5 + 9(n − 1) = 9n − 4 NANDs; the carry ripples through every bit, so the "
             "depth grows with n.",
}

_circuits: dict = {}     # (name, n) -> (circuit, geometry, wires, wire routes, truth table or None)
canvas: Canvas | None = None
bits_field = a_field = b_field = None
state = {"name": "xor", "n": 8, "inputs": {"a": 1, "b": 0}}
_boxes: dict = {}        # input name -> its checkbox (rebuilt with the circuit)
_hover = None


def _key():
    return state["name"], (state["n"] if state["name"] == "adder" else None)


def circuit_parts():
    """The current circuit, its drawing geometry, its wires and its truth table (built once each)."""
    key = _key()
    if key not in _circuits:
        circuit = build(*key)
        table = circuit.truth_table() if len(circuit.inputs) <= TRUTH_TABLE_MAX_INPUTS else None
        geo = geometry(circuit)
        wires = circuit.wires()
        _circuits[key] = (circuit, geo, wires, geo.wire_routes(wires), table)
    return _circuits[key]


# --- drawing ------------------------------------------------------------------

def draw(circuit, geo, wires, routes, signal) -> None:
    """The circuit on the canvas, every wire and node coloured by the signal it carries."""
    canvas.resize(geo.width, geo.height)
    # On a narrow screen shrink to fit, but not below 80 %: then the panel scrolls sideways instead.
    canvas.element.style.minWidth = f"{int(geo.width * 0.8)}px"
    canvas.clear()
    if isinstance(circuit, Adder):
        # Shade every other bit's band (a_i, b_i and its adder) so the bits read apart.
        bands = [(0, geo.pos[f"a{i}"][1] - geo.row_gap / 2, geo.width, 3 * geo.row_gap)
                 for i in range(1, circuit.n_bits, 2)]
        canvas.rects(bands, fill=BAND)
    # Column header: how many NANDs deep each column is.
    last = len(geo.columns) - 1
    header = [("in" if c == 0 else "out" if c == last else str(c), x, 14) for c, x in enumerate(geo.columns)]
    canvas.texts(header, MUTED, 11)

    off = [route for route, w in zip(routes, wires) if not signal[w["from"]]]
    on = [route for route, w in zip(routes, wires) if signal[w["from"]]]
    canvas.fill_stroke(geo.route_path(off), stroke=OFF, width=1.4)
    canvas.fill_stroke(geo.route_path(on), stroke=ON, width=2.6)

    nands = [n for n, k in geo.kind.items() if k == "nand"]
    boxes = {n: (geo.pos[n][0] - geo.node_w / 2, geo.pos[n][1] - geo.node_h / 2, geo.node_w, geo.node_h)
             for n in nands}
    canvas.rects([boxes[n] for n in nands if not signal[n]], OFF_FILL, OFF_EDGE, 1.2, 5)
    canvas.rects([boxes[n] for n in nands if signal[n]], ON_FILL, ON, 2.0, 5)
    canvas.texts([("NAND", *geo.pos[n]) for n in nands], INK, geo.font, bold=True)

    ends = [n for n, k in geo.kind.items() if k != "nand"]
    r = geo.radius
    canvas.circles([geo.pos[n] for n in ends if not signal[n]], r, OFF_FILL, OFF_EDGE, 1.5)
    canvas.circles([geo.pos[n] for n in ends if signal[n]], r, ON, ON, 1.5)
    canvas.texts([(signal[n], *geo.pos[n]) for n in ends if not signal[n]], INK, geo.font + 1, bold=True)
    canvas.texts([(signal[n], *geo.pos[n]) for n in ends if signal[n]], "#ffffff", geo.font + 1, bold=True)
    canvas.texts([(n, geo.pos[n][0] - r - 6, geo.pos[n][1]) for n in ends if geo.kind[n] == "input"],
                 INK, 12, align="right")
    canvas.texts([(n, geo.pos[n][0] + r + 6, geo.pos[n][1]) for n in ends if geo.kind[n] == "output"],
                 INK, 12, align="left")
    if _hover is not None and _hover in geo.pos:
        x0, y0, x1, y1 = geo.box(_hover)
        canvas.rect(x0 - 4, y0 - 4, x1 - x0 + 8, y1 - y0 + 8, stroke=ON, width=1.5, radius=6)


def redraw() -> dict:
    """Draw the current circuit with its current signals; time it and say how long it took."""
    circuit, geo, wires, routes, _ = circuit_parts()
    ins = state["inputs"]
    signal = circuit.signals(ins)
    t0 = time.perf_counter()
    draw(circuit, geo, wires, routes, signal)
    ms = (time.perf_counter() - t0) * 1000
    timer = dom.by_id("gt-draw-time")
    timer.textContent = f"Drawn in {ms:.0f} ms."
    timer.dataset.ms = f"{ms:.1f}"
    canvas.element.dataset.inputs = "".join(str(ins[n]) for n in circuit.inputs)
    return signal


# --- the page -------------------------------------------------------------------

def _binary(value: int, width: int) -> str:
    return format(value, f"0{width}b")


def _input_boxes_html(circuit) -> str:
    """Checkboxes, one per input; an adder's go in two rows, highest bit first, like written numbers."""
    def box(name):
        return (f'<label class="gt-bit" title="input {name}"><input type="checkbox" id="gt-in-{name}" '
                f'data-input="{name}"><span>{name}</span></label>')

    if isinstance(circuit, Adder):
        rows = []
        for letter in "ab":
            names = [f"{letter}{i}" for i in reversed(range(circuit.n_bits))]
            rows.append(f'<div class="gt-bit-row"><span class="gt-row-name">{letter.upper()}</span>'
                        + "".join(box(n) for n in names) + "</div>")
        return "".join(rows)
    return '<div class="gt-bit-row">' + "".join(box(n) for n in circuit.inputs) + "</div>"


def _truth_html(circuit, table, current, ref) -> str:
    if table is None:
        return (f'<p class="note" id="gt-truth-note">This circuit has {len(circuit.inputs)} inputs, so its truth '
                f'table has {2 ** len(circuit.inputs):,} rows — too many to list here. Set A and B instead; the '
                f'message above checks each sum against Python\'s own A + B.</p>')
    head = "".join(f"<th scope=\"col\">{html.escape(n)}</th>" for n in circuit.inputs)
    head += "".join(f"<th scope=\"col\" class=\"gt-out-col\">{html.escape(n)}</th>" for n in circuit.outputs)
    head += f'<th scope="col">= {html.escape(REFERENCE_TEXT[state["name"]])}?</th>'
    rows = []
    agree = 0
    for bits, outs in table:
        ok = tuple(ref(dict(zip(circuit.inputs, bits))).values()) == outs
        agree += ok
        cls = ' class="current"' if bits == current else ""
        cells = "".join(f"<td>{b}</td>" for b in bits)
        cells += "".join(f'<td class="gt-out-col">{b}</td>' for b in outs)
        cells += '<td>✓</td>' if ok else '<td class="wrong">✗</td>'
        rows.append(f'<tr data-bits="{"".join(map(str, bits))}"{cls}>{cells}</tr>')
    summary = (f'<p class="note" id="gt-truth-note">All {agree} of {len(table)} rows agree with Python\'s '
               f'<code>{html.escape(REFERENCE_TEXT[state["name"]])}</code>.</p>'
               if agree == len(table) else
               f'<p class="message bad" id="gt-truth-note">{len(table) - agree} rows disagree with Python!</p>')
    return (f'<table class="truth" id="gt-truth-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{summary}')


def _sum_text(circuit, outputs):
    """The addition the circuit just did, in binary and decimal; None for the logic gates."""
    ins = state["inputs"]
    if isinstance(circuit, Adder):
        a, b = circuit.read_operands(ins)
        total = circuit.read_sum(outputs)
        n = circuit.n_bits
        return (a, b, total,
                f"{_binary(a, n)} + {_binary(b, n)} = {_binary(total, n + 1)} in binary\n{a} + {b} = {total}")
    if state["name"] == "half_adder":
        total = 2 * outputs["carry"] + outputs["sum"]
        return (ins["a"], ins["b"], total,
                f"{ins['a']} + {ins['b']} = {outputs['carry']}{outputs['sum']} in binary (carry, sum) = {total}")
    if state["name"] == "full_adder":
        total = 2 * outputs["carry"] + outputs["sum"]
        return (ins["a"], ins["b"], total,
                f"{ins['a']} + {ins['b']} + {ins['cin']} = {outputs['carry']}{outputs['sum']} in binary "
                f"(carry, sum) = {total}")
    return None


def render(rebuild: bool = False) -> None:
    """Run the circuit on the current inputs and show everything that depends on them."""
    circuit, _, _, _, table = circuit_parts()
    dom.by_id("gt-link-message").hidden = True   # a bad link's message lasts until the next change
    ins = state["inputs"]
    if rebuild:
        dom.set_html("gt-input-boxes", _input_boxes_html(circuit))
        # Not dom.by_id: that caches, and these boxes are replaced with every circuit.
        _boxes.clear()
        for el in dom.by_id("gt-input-boxes").querySelectorAll("input[data-input]"):
            _boxes[str(el.dataset.input)] = el
        is_adder = isinstance(circuit, Adder)
        dom.by_id("gt-bits-field").hidden = state["name"] != "adder"
        dom.by_id("gt-numbers").hidden = not is_adder
        if is_adder:
            top = 2 ** circuit.n_bits - 1
            for field in (a_field, b_field):
                field.hi = top
                field.slider.max = str(top)
        dom.by_id("gt-next").title = NEXT_SUM_TITLE if is_adder and table is None else NEXT_ROW_TITLE
        dom.set_text("gt-nand-count", circuit.nand_count)
        dom.set_text("gt-depth", circuit.depth)
        dom.set_text("gt-about", ABOUT[state["name"]])
        caption = f"— {circuit.name}: {circuit.nand_count} NAND perceptrons, depth {circuit.depth}"
        dom.set_text("gt-caption", caption)
        canvas.element.setAttribute("aria-label", f"Diagram of the {circuit.name}{caption[1:]}")
        canvas.element.dataset.circuit = state["name"]
    for name in circuit.inputs:
        _boxes[name].checked = bool(ins[name])

    signal = redraw()
    outputs = {name: signal[name] for name in circuit.outputs}

    dom.set_html("gt-outputs", "".join(
        f'<span class="gt-out{" gt-on" if v else ""}" data-output="{n}" data-value="{v}">'
        f'{html.escape(n)} = <b>{v}</b></span>' for n, v in outputs.items()))

    sum_el = dom.by_id("gt-sum")
    added = _sum_text(circuit, outputs)
    if added is None:
        sum_el.hidden = True
    else:
        a, b, total, text = added
        sum_el.hidden = False
        sum_el.textContent = text
        sum_el.dataset.a, sum_el.dataset.b, sum_el.dataset.sum = str(a), str(b), str(total)
        if isinstance(circuit, Adder):
            # Only when they differ: never rewrite the box the learner is typing in.
            for field, value in ((a_field, a), (b_field, b)):
                if field.value != value:
                    field.set(value)

    ref = reference(*_key())
    check = dom.by_id("gt-check")
    ok = ref(ins) == outputs
    check.className = "message " + ("good" if ok else "bad")
    check.textContent = (f"✓ The perceptrons agree with Python's own {REFERENCE_TEXT[state['name']]}."
                         if ok else f"✗ The circuit disagrees with Python's {REFERENCE_TEXT[state['name']]}!")
    dom.set_html("gt-truth", _truth_html(circuit, table, tuple(ins[n] for n in circuit.inputs), ref))
    _save_hash(circuit)


# --- URL state ------------------------------------------------------------------

def _save_hash(circuit) -> None:
    if isinstance(circuit, Adder):
        a, b = circuit.read_operands(state["inputs"])
        text = f"c=adder&n={circuit.n_bits}&a={a}&b={b}"
    else:
        text = f"c={state['name']}&x=" + "".join(str(state["inputs"][n]) for n in circuit.inputs)
    new = "#gates/" + text
    if str(window.location.hash) != new:
        # replaceState changes the address without a hashchange event (no re-route, no history spam).
        window.history.replaceState(None, "", new)


def _load_hash(text: str) -> str | None:
    """Apply 'c=adder&n=8&a=173&b=94' or 'c=xor&x=10'; None if it did, else what is wrong (and no change)."""
    try:
        params = dict(part.split("=", 1) for part in text.split("&") if part)
    except ValueError:
        return f"{text!r} is not a list of key=value settings"
    if "c" not in params:
        return "it names no circuit (c=xor, c=adder&n=8&a=173&b=94, …)"
    try:
        name = params["c"]
        n = _whole(params, "n", state["n"]) if name == "adder" else state["n"]
        circuit = build(name, n if name == "adder" else None)
        if isinstance(circuit, Adder):
            inputs = circuit.inputs_for(_whole(params, "a", 0), _whole(params, "b", 0))
        else:
            x = params.get("x", "0" * len(circuit.inputs))
            if len(x) != len(circuit.inputs) or set(x) - {"0", "1"}:
                return (f"x must be {len(circuit.inputs)} bits (0 or 1), one per input "
                        f"{', '.join(circuit.inputs)}; got {x!r}")
            inputs = {name: int(ch) for name, ch in zip(circuit.inputs, x)}
    except ValueError as e:
        return str(e)
    state["name"], state["n"], state["inputs"] = name, n, inputs
    return None


def _whole(params: dict, key: str, default: int) -> int:
    text = params.get(key, str(default))
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{key} must be a whole number; got {text!r}") from None


# --- controls -------------------------------------------------------------------

def _link_message(problem: str | None) -> None:
    """Say why a link's state was not used (or hide the message)."""
    el = dom.by_id("gt-link-message")
    el.hidden = problem is None
    if problem is not None:
        circuit = circuit_parts()[0]
        shown = circuit.name if isinstance(circuit, Adder) else TITLES[state["name"]]
        el.textContent = f"The link had a problem: {problem}. Showing the {shown} instead."


def select_circuit(name: str, n: int | None = None) -> None:
    """Switch circuits, keeping the value of every input that has the same name."""
    state["name"] = name
    if n is not None:
        state["n"] = n
    circuit = circuit_parts()[0]
    old = state["inputs"]
    state["inputs"] = {i: old.get(i, 0) for i in circuit.inputs}
    dom.by_id("gt-circuit").value = name
    render(rebuild=True)


def toggle(name: str) -> None:
    state["inputs"][name] = 1 - state["inputs"][name]
    render()


def _on_checkbox(event) -> None:
    name = event.target.dataset.input
    if name and name in state["inputs"]:
        state["inputs"][name] = 1 if event.target.checked else 0
        render()


def _on_canvas_click(event) -> None:
    geo = circuit_parts()[1]
    x, y = canvas.event_xy(event)
    hit = geo.hit(x, y)
    if hit is not None:
        toggle(hit)


def _on_canvas_move(event) -> None:
    global _hover
    geo = circuit_parts()[1]
    x, y = canvas.event_xy(event)
    hit = geo.hit(x, y)
    if hit != _hover:
        _hover = hit
        canvas.element.style.cursor = "pointer" if hit else "default"
        redraw()


def _on_canvas_leave(_event) -> None:
    global _hover
    if _hover is not None:
        _hover = None
        canvas.element.style.cursor = "default"
        redraw()


def _set_operand(letter: str, value: int) -> None:
    circuit = circuit_parts()[0]
    if not isinstance(circuit, Adder):
        return
    a, b = circuit.read_operands(state["inputs"])
    a, b = (value, b) if letter == "a" else (a, value)
    state["inputs"] = circuit.inputs_for(a, b)
    render()


NEXT_ROW_TITLE = "Count the inputs up by one, in binary: the next truth-table row"
NEXT_SUM_TITLE = "Add 1 to B (carrying into A): the next pair of numbers to add"


def _next_row(_event) -> None:
    """Count the inputs up by one as a binary number (first input = highest bit), like the truth table.

    An adder too big for a truth table counts the numbers instead, B first then A
    (its inputs are a0, a1, ..., b0, ...: counting those would step B by 2^(n-1))."""
    circuit, _, _, _, table = circuit_parts()
    if isinstance(circuit, Adder) and table is None:
        n = circuit.n_bits
        a, b = circuit.read_operands(state["inputs"])
        value = ((a << n) + b + 1) % (1 << 2 * n)
        state["inputs"] = circuit.inputs_for(value >> n, value & ((1 << n) - 1))
        render()
        return
    names = circuit.inputs
    k = len(names)
    value = sum(state["inputs"][n] << (k - 1 - i) for i, n in enumerate(names))
    value = (value + 1) % (2 ** k)
    state["inputs"] = {n: (value >> (k - 1 - i)) & 1 for i, n in enumerate(names)}
    render()


def _clear(_event) -> None:
    state["inputs"] = {n: 0 for n in state["inputs"]}
    render()


def setup() -> None:
    global canvas, bits_field, a_field, b_field
    canvas = Canvas("gt-canvas")
    bits_field = dom.NumberField(
        "gt-bits", "n", lambda n: select_circuit("adder", int(n)), lo=1, hi=MAX_ADDER_BITS, integer=True)
    top = 2 ** MAX_ADDER_BITS - 1
    a_field = dom.NumberField("gt-a", "A", lambda v: _set_operand("a", int(v)), lo=0, hi=top, integer=True)
    b_field = dom.NumberField("gt-b", "B", lambda v: _set_operand("b", int(v)), lo=0, hi=top, integer=True)
    dom.on("gt-circuit", "change",
           lambda e: select_circuit(str(e.target.value), bits_field.value if e.target.value == "adder" else None))
    dom.on("gt-input-boxes", "change", _on_checkbox)
    dom.on("gt-canvas", "click", _on_canvas_click)
    dom.on("gt-canvas", "mousemove", _on_canvas_move)
    dom.on("gt-canvas", "mouseleave", _on_canvas_leave)
    dom.on("gt-next", "click", _next_row)
    dom.on("gt-clear", "click", _clear)


def show(hash_state: str) -> None:
    # Our own links (written by _save_hash) are always good; a hand-edited one may not be.
    problem = _load_hash(hash_state) if hash_state else None
    if hash_state and problem is None:
        bits_field.set(state["n"])
    dom.by_id("gt-circuit").value = state["name"]
    render(rebuild=True)
    _link_message(problem)
