"""What the gates lab shows, as settings, sentences and HTML: pure Python (no ``js``), tested in CPython.

The lab's settings are declared once here (``SETTINGS``): the circuit, the
adder's size n and its numbers A and B, and a logic circuit's input bits x.
A link holds only the settings that apply to the circuit shown, so today's
links (``#gates/c=adder&n=8&a=173&b=94``, ``#gates/c=xor&x=10``) read as
they always did. ``fit`` keeps the settings consistent with each other (A
and B within n bits, one bit of x per input). The glue (``app.labs.gates.lab``)
binds the controls and draws; the drawing geometry is ``app.labs.gates.geometry``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from nnfs.neurons.circuits import CIRCUITS, MAX_ADDER_BITS, Adder, build
from nnfs.settings.table import Setting, Table, shorten

TRUTH_TABLE_MAX_INPUTS = 4  # 16 rows: more would not fit beside the picture
TOP = 2**MAX_ADDER_BITS - 1
# The most inputs a logic circuit (not the n-bit adder) has: the full adder's a, b, cin.
MAX_GATE_INPUTS = max(len(build(name).inputs) for name in CIRCUITS if name != "adder")

TITLES = {
    "not": "NOT",
    "and": "AND",
    "or": "OR",
    "xor": "XOR",
    "half_adder": "half adder",
    "full_adder": "full adder",
    "adder": "n-bit adder",
}
# What Python computes directly, to check the circuit against (shown in the page).
REFERENCE_TEXT = {
    "not": "1 − a",
    "and": "a & b",
    "or": "a | b",
    "xor": "a ^ b",
    "half_adder": "a + b",
    "full_adder": "a + b + cin",
    "adder": "A + B",
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
NEXT_ROW_TITLE = "Count the inputs up by one, in binary: the next truth-table row"
NEXT_SUM_TITLE = "Add 1 to B (carrying into A): the next pair of numbers to add"


@dataclass(frozen=True)
class Bits(Setting):
    """A logic circuit's inputs as one string of 0s and 1s, first input first ("10": a = 1, b = 0).

    Its control is the group of input checkboxes, which the lab binds itself;
    so it is declared with the base's kind "bool" (bound by the lab, no field
    built) and reads and writes its own text.
    """

    kind: str = "bool"

    def __post_init__(self):
        super().__post_init__()
        self.parse(self.default)

    def parse(self, text):
        if not isinstance(text, str):
            raise ValueError(f"{self.label} must be given as text; got {shorten(repr(text))}")
        bits = text.strip()
        if not 1 <= len(bits) <= MAX_GATE_INPUTS or set(bits) - {"0", "1"}:
            raise ValueError(f"{self.label} must be 1 to {MAX_GATE_INPUTS} bits, each 0 or 1; got {shorten(bits)}")
        return bits

    def encode(self, value) -> str:
        return str(value)


class GatesTable(Table):
    """The lab's table, whose links hold only the settings the circuit shown uses."""

    @staticmethod
    def used(values: dict) -> tuple:
        return ("c", "n", "a", "b") if values.get("c") == "adder" else ("c", "x")

    def to_hash(self, values: dict) -> str:
        used = self.used(values)
        return super().to_hash({k: v for k, v in values.items() if k in used})


SETTINGS = GatesTable(
    "gt",
    [
        Setting("c", "circuit", "xor", kind="choice", choices=tuple(TITLES.items())),
        Setting(
            "n",
            "bits n",
            MAX_ADDER_BITS,
            kind="int",
            lo=1,
            hi=MAX_ADDER_BITS,
            slider=(1, MAX_ADDER_BITS, 1),
            help="How many bits each number has: an n-bit adder takes 9n − 4 NANDs.",
        ),
        Setting("a", "A", 0, kind="int", lo=0, hi=TOP, slider=(0, TOP, 1)),
        Setting("b", "B", 0, kind="int", lo=0, hi=TOP, slider=(0, TOP, 1)),
        Bits("x", "inputs x", "10"),
    ],
)


def top(n: int) -> int:
    """The largest number an n-bit adder takes."""
    return 2 ** int(n) - 1


def fit(values: dict, named: dict | None = None) -> tuple[dict, list]:
    """``values`` made consistent, and what was wrong with the ones a link named.

    An adder's A and B must fit in n bits: a bigger one keeps its low n bits
    (as when n shrinks, the bits above go); a logic circuit needs one bit of x
    per input: x is cut or padded with 0s (the inputs keep their names, a, b,
    cin, from circuit to circuit). Changes to values in ``named`` (those a
    link gave) are reported as (name, message); others are silent.
    Returns (changed values only, problems).
    """
    named = named or {}
    changed, problems = {}, []
    if values["c"] == "adder":
        n, biggest = values["n"], top(values["n"])
        for key in ("a", "b"):
            if values[key] > biggest:
                changed[key] = values[key] & biggest
                if key in named:
                    problems.append(
                        (key, f"{key.upper()} must be at most {biggest} for a {n}-bit adder; got {values[key]}")
                    )
    else:
        inputs = build(values["c"]).inputs
        x = values["x"]
        if len(x) != len(inputs):
            changed["x"] = (x + "0" * len(inputs))[: len(inputs)]
            if "x" in named:
                problems.append(
                    (
                        "x",
                        f"inputs x must be {len(inputs)} bit{'s' if len(inputs) > 1 else ''} "
                        f"(0 or 1), one per input {', '.join(inputs)}; got {shorten(x)}",
                    )
                )
    return changed, problems


def circuit_inputs(circuit, values: dict) -> dict:
    """The circuit's input bits {name: 0 or 1} that ``values`` (already fitted) stand for."""
    if isinstance(circuit, Adder):
        return circuit.inputs_for(values["a"], values["b"])
    return {name: int(bit) for name, bit in zip(circuit.inputs, values["x"])}


def values_for(circuit, inputs: dict) -> dict:
    """The settings that spell these input bits: A and B for an adder, x for a logic circuit."""
    if isinstance(circuit, Adder):
        a, b = circuit.read_operands(inputs)
        return {"a": a, "b": b}
    return {"x": "".join(str(inputs[name]) for name in circuit.inputs)}


def next_inputs(circuit, inputs: dict, has_table: bool) -> dict:
    """Count the inputs up by one as a binary number (first input = highest bit), like the truth table.

    An adder too big for a truth table counts the numbers instead, B first then A
    (its inputs are a0, a1, ..., b0, ...: counting those would step B by 2^(n-1))."""
    if isinstance(circuit, Adder) and not has_table:
        n = circuit.n_bits
        a, b = circuit.read_operands(inputs)
        value = ((a << n) + b + 1) % (1 << 2 * n)
        return circuit.inputs_for(value >> n, value & ((1 << n) - 1))
    names = circuit.inputs
    k = len(names)
    value = (sum(inputs[name] << (k - 1 - i) for i, name in enumerate(names)) + 1) % (2**k)
    return {name: (value >> (k - 1 - i)) & 1 for i, name in enumerate(names)}


def input_boxes_html(circuit) -> str:
    """Checkboxes, one per input; an adder's go in two rows, highest bit first, like written numbers.

    Each names the setting it is part of (``data-part-of``): x for a logic
    circuit, A or B for an adder's bits."""

    def box(name, part):
        return (
            f'<label class="gt-bit"><input type="checkbox" id="gt-in-{name}" data-input="{name}" '
            f'data-part-of="{part}"><span>{name}</span></label>'
        )

    if isinstance(circuit, Adder):
        rows = []
        for letter in "ab":
            names = [f"{letter}{i}" for i in reversed(range(circuit.n_bits))]
            rows.append(
                f'<div class="gt-bit-row" role="group" aria-label="bits of {letter.upper()}">'
                f'<span class="gt-row-name" aria-hidden="true">{letter.upper()}</span>'
                + "".join(box(n, letter) for n in names)
                + "</div>"
            )
        return "".join(rows)
    return '<div class="gt-bit-row">' + "".join(box(n, "x") for n in circuit.inputs) + "</div>"


def diagram_label(circuit, key: str, inputs: dict, outputs: dict) -> str:
    """The diagram's accessible name: which circuit, its size, and what it computes now."""
    name = TITLES[key] if key != "adder" else circuit.name
    ins = ", ".join(f"{k} = {v}" for k, v in inputs.items())
    outs = ", ".join(f"{k} = {v}" for k, v in outputs.items())
    return (
        f"Diagram of the {name} circuit: {circuit.nand_count} NAND perceptrons, depth {circuit.depth}; "
        f"inputs {ins}; outputs {outs}"
    )


def caption(circuit) -> str:
    return f"— {circuit.name}: {circuit.nand_count} NAND perceptrons, depth {circuit.depth}"


def outputs_html(outputs: dict) -> str:
    return "".join(
        f'<span class="gt-out{" gt-on" if v else ""}" data-output="{html.escape(n)}" data-value="{v}">'
        f'{html.escape(n)} = <b>{v}</b></span>'
        for n, v in outputs.items()
    )


def truth_html(key: str, circuit, table, current, ref) -> str:
    """The truth table, each row checked against Python's own operators (``ref``); the current row marked."""
    if table is None:
        return (
            f'<p class="note" id="gt-truth-note">This circuit has {len(circuit.inputs)} inputs, so its truth '
            f'table has {2 ** len(circuit.inputs):,} rows — too many to list here. Set A and B instead; the '
            f'message above checks each sum against Python\'s own A + B.</p>'
        )
    head = "".join(f"<th scope=\"col\">{html.escape(n)}</th>" for n in circuit.inputs)
    head += "".join(f"<th scope=\"col\" class=\"gt-out-col\">{html.escape(n)}</th>" for n in circuit.outputs)
    head += f'<th scope="col">= {html.escape(REFERENCE_TEXT[key])}?</th>'
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
    summary = (
        f'<p class="note" id="gt-truth-note">All {agree} of {len(table)} rows agree with Python\'s '
        f'<code>{html.escape(REFERENCE_TEXT[key])}</code>.</p>'
        if agree == len(table)
        else f'<p class="message bad" id="gt-truth-note">{len(table) - agree} rows disagree with Python!</p>'
    )
    return (
        f'<table class="truth" id="gt-truth-table"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>{summary}'
    )


def sum_text(key: str, circuit, inputs: dict, outputs: dict):
    """The addition the circuit just did, as (a, b, total, text in binary and decimal); None for the logic gates."""
    if isinstance(circuit, Adder):
        a, b = circuit.read_operands(inputs)
        total = circuit.read_sum(outputs)
        n = circuit.n_bits
        return (a, b, total, f"{a:0{n}b} + {b:0{n}b} = {total:0{n + 1}b} in binary\n{a} + {b} = {total}")
    if key not in ("half_adder", "full_adder"):
        return None
    total = 2 * outputs["carry"] + outputs["sum"]
    terms = " + ".join(str(inputs[name]) for name in circuit.inputs)
    return (
        inputs["a"],
        inputs["b"],
        total,
        f"{terms} = {outputs['carry']}{outputs['sum']} in binary (carry, sum) = {total}",
    )


def check_text(key: str, ok: bool) -> str:
    return (
        f"✓ The perceptrons agree with Python's own {REFERENCE_TEXT[key]}."
        if ok
        else f"✗ The circuit disagrees with Python's {REFERENCE_TEXT[key]}!"
    )


def mine_text(ready: bool, on: bool) -> str:
    """The note beside "Use my nand" (the learner's nand, from the exercises)."""
    if not ready:
        return "Write nand yourself in “Write it yourself” (exercise 2) and pass its check to run these circuits on it."
    if on:
        return "Every gate in this circuit is now a call of your nand."
    return "Your nand passed its check: switch it on to run every gate of these circuits on your code."
