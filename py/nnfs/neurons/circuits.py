"""Circuits of NAND perceptrons: Nielsen's argument that perceptrons can compute anything.

NAND is universal: every Boolean function can be built from NAND gates
alone, and a NAND gate is one perceptron (weights -2, -2, bias 3). So a
network of perceptrons can compute anything a computer can. This module
builds such networks and runs them.

A `Circuit` is a directed acyclic graph with three kinds of node:

    input   a named 0/1 signal fed in from outside,
    nand    a NAND perceptron reading two earlier nodes (possibly the same
            node twice: NAND(a, a) = NOT a),
    output  a named copy of some node's signal.

Every NAND node is evaluated by calling `Perceptron.output` on the NAND
preset, never by a Boolean shortcut, so the adders really are networks of
perceptrons. Builders: `not_gate`, `and_gate`, `or_gate`, `xor_gate`,
`half_adder`, `full_adder` and `ripple_carry_adder(n)`; `build(name, n)`
picks one by name for the page.
"""

import numbers
from collections.abc import Callable, Iterable, Mapping
from itertools import product
from typing import Any

from nnfs.maths import checks
from nnfs.neurons import circuit_layout
from nnfs.neurons.perceptron import NAND

MAX_ADDER_BITS = 8
# A NAND to use instead of the perceptron's: (x1, x2) -> bit (the learner's own).
Nand = Callable[[int, int], int]
# A circuit's inputs: {name: bit}, or the bits in input order.
Inputs = Mapping[str, Any] | Iterable[Any]
# Truth tables have 2**inputs rows; 10 inputs (a 5-bit adder) is 1024 rows.
MAX_TRUTH_TABLE_INPUTS = 10


class Circuit:
    """A DAG of NAND perceptrons with named inputs and outputs.

    inputs:  names of the input nodes, in order (this order is used when
             inputs are given as a sequence and in the truth table).
    gates:   (source, source) pairs, one per NAND. Gate k (from 0) gets the
             id f"nand{k + 1}" and may read inputs and gates before it only,
             which makes the graph acyclic by construction.
    outputs: (name, source) pairs, in order.
    rows:    optional {node id: row} for drawing, for every node; when given,
             `layout` uses these rows instead of its heuristic (the builders
             of the adders do, see `circuit_layout.adder_rows`).

    Node ids are the input names, the gate ids and the output names; they
    must all be different.
    """

    def __init__(
        self,
        name: str,
        inputs: Iterable[str],
        gates: Iterable[tuple[str, str]],
        outputs: Iterable[tuple[str, str]],
        rows: Mapping[str, float] | None = None,
    ) -> None:
        self.name = name
        self.inputs = tuple(inputs)
        self.gates: dict[str, tuple[str, str]] = {}  # gate id -> (source, source), in evaluation order
        self.outputs: dict[str, str] = {}  # output name -> source id, in order
        ids: list[str] = []
        known: set[str] = set()

        def add(node_id: str) -> None:
            if node_id in known:
                raise ValueError(f"node id {node_id!r} is used twice")
            known.add(node_id)
            ids.append(node_id)

        for name_ in self.inputs:
            add(name_)
        for k, (a, b) in enumerate(gates):
            gate_id = f"nand{k + 1}"
            for source in (a, b):
                if source not in known:
                    raise ValueError(f"{gate_id} reads {source!r}, which is not an earlier node")
            add(gate_id)
            self.gates[gate_id] = (a, b)
        for out_name, source in outputs:
            if source not in known or source in self.outputs:
                raise ValueError(f"output {out_name!r} reads {source!r}, which is not an input or gate")
            add(out_name)
            self.outputs[out_name] = source
        if not self.inputs or not self.outputs:
            raise ValueError("a circuit needs at least one input and one output")
        self._ids = ids
        self._rows = None if rows is None else circuit_layout.check_rows(rows, self._ids, self.outputs, self._levels())

    # --- running it -------------------------------------------------------

    def _input_bits(self, inputs: Inputs) -> dict[str, int]:
        """Validate `inputs` (dict by name, or sequence in input order) -> {name: bit}."""
        if isinstance(inputs, dict):
            for key in inputs:
                if key not in self.inputs:
                    raise ValueError(f"unknown input {key!r}; this circuit's inputs are {', '.join(self.inputs)}")
            missing = [n for n in self.inputs if n not in inputs]
            if missing:
                raise ValueError(f"missing input {', '.join(map(repr, missing))}")
            return {n: checks.bit(inputs[n], f"input {n}") for n in self.inputs}
        values = checks.sequence(inputs, "inputs", "a dict or a sequence of 0/1 bits")
        if len(values) != len(self.inputs):
            raise ValueError(f"expected {len(self.inputs)} inputs ({', '.join(self.inputs)}); got {len(values)}")
        return {n: checks.bit(v, f"input {n}") for n, v in zip(self.inputs, values)}

    def signals(self, inputs: Inputs, nand: Nand | None = None) -> dict[str, int]:
        """The 0/1 signal on every node (inputs, gates, outputs) as {id: bit}.

        ``nand``: a function (x1, x2) -> bit to use for every gate instead of the
        NAND perceptron (the learner's own, from the exercises)."""
        signal = self._input_bits(inputs)
        for gate_id, (a, b) in self.gates.items():  # dicts keep topological order
            signal[gate_id] = NAND.output([signal[a], signal[b]]) if nand is None else nand(signal[a], signal[b])
        for out_name, source in self.outputs.items():
            signal[out_name] = signal[source]
        return signal

    def evaluate(self, inputs: Inputs, nand: Nand | None = None) -> dict[str, int]:
        """The outputs for `inputs`, as {output name: bit} (``nand`` as for `signals`)."""
        signal = self.signals(inputs, nand)
        return {name: signal[name] for name in self.outputs}

    def truth_table(self, nand: Nand | None = None) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """[(input bits, output bits), ...] for every input combination, counting in binary."""
        n = len(self.inputs)
        if n > MAX_TRUTH_TABLE_INPUTS:
            raise ValueError(
                f"{self.name} has {n} inputs, so its truth table would have {2**n} rows; "
                f"the limit is {MAX_TRUTH_TABLE_INPUTS} inputs"
            )
        return [(bits, tuple(self.evaluate(bits, nand).values())) for bits in product((0, 1), repeat=n)]

    # --- size ---------------------------------------------------------------

    @property
    def nand_count(self) -> int:
        """How many perceptrons the circuit uses."""
        return len(self.gates)

    def _levels(self) -> dict[str, int]:
        """{id: level}: inputs 0, a gate 1 + the deepest of its sources."""
        level = {n: 0 for n in self.inputs}
        for gate_id, (a, b) in self.gates.items():
            level[gate_id] = 1 + max(level[a], level[b])
        return level

    @property
    def depth(self) -> int:
        """The most NANDs a signal passes through on its way from an input to an output."""
        level = self._levels()
        return max(level[source] for source in self.outputs.values())

    # --- drawing --------------------------------------------------------------

    def nodes(self) -> list[dict[str, str]]:
        """[{'id', 'kind', 'label'}, ...]: kind is 'input', 'nand' or 'output'."""
        kinds = [("input", n, n) for n in self.inputs]
        kinds += [("nand", g, "NAND") for g in self.gates]
        kinds += [("output", n, n) for n in self.outputs]
        return [{"id": node_id, "kind": kind, "label": label} for kind, node_id, label in kinds]

    def wires(self, inputs: Inputs | None = None) -> list[dict[str, Any]]:
        """[{'from', 'to', 'signal'}, ...]; signal is None unless inputs are given.

        A NAND has two wires in, even when both come from the same node
        (that is how NOT is made).
        """
        pairs = [(s, g) for g, sources in self.gates.items() for s in sources]
        pairs += [(s, o) for o, s in self.outputs.items()]
        signal = self.signals(inputs) if inputs is not None else {}
        return [{"from": s, "to": t, "signal": signal.get(s)} for s, t in pairs]

    def layout(self) -> dict[str, tuple[int, float]]:
        """Grid positions {id: (column, row)} for drawing, no two nodes in the same place.

        Column: inputs 0, each NAND its level (1 + its deepest source), all
        outputs one column past the deepest NAND. Rows: those the circuit was
        built with (`rows`), else the barycentre heuristic's
        (`circuit_layout.barycentre_rows`).
        """
        level = self._levels()
        last = max(level.values()) + 1
        for out_name in self.outputs:
            level[out_name] = last
        if self._rows is not None:
            return {n: (level[n], self._rows[n]) for n in self._ids}
        return circuit_layout.barycentre_rows(self._ids, self.gates, self.outputs, level)


class Adder(Circuit):
    """An n-bit adder circuit with integer helpers: `add(a, b)` runs the circuit."""

    def __init__(self, n_bits: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.n_bits = n_bits

    def inputs_for(self, a: int, b: int) -> dict[str, int]:
        """The input dict {a0: .., b0: .., ...} that feeds the bits of a and b (a0 = lowest bit)."""
        top = 2**self.n_bits - 1
        a, b = checks.whole_number(a, "a", 0, top), checks.whole_number(b, "b", 0, top)
        bits = {f"a{i}": (a >> i) & 1 for i in range(self.n_bits)}
        bits.update({f"b{i}": (b >> i) & 1 for i in range(self.n_bits)})
        return bits

    def read_operands(self, inputs: Inputs) -> tuple[int, int]:
        """The numbers (a, b) that the input bits spell (a0 = lowest bit); the inverse of `inputs_for`."""
        bits = self._input_bits(inputs)
        a = sum(bits[f"a{i}"] << i for i in range(self.n_bits))
        b = sum(bits[f"b{i}"] << i for i in range(self.n_bits))
        return a, b

    def read_sum(self, outputs: dict[str, int]) -> int:
        """The integer the output bits spell: sum s_i 2^i + carry 2^n."""
        total = sum(outputs[f"s{i}"] << i for i in range(self.n_bits))
        return total + (outputs["carry"] << self.n_bits)

    def add(self, a: int, b: int) -> int:
        """a + b as computed by the circuit's perceptrons."""
        return self.read_sum(self.evaluate(self.inputs_for(a, b)))


class _Wiring:
    """Scratch pad for the builders: hands out gate ids as NANDs are added."""

    def __init__(self) -> None:
        self.gates: list[tuple[str, str]] = []

    def nand(self, a: str, b: str) -> str:
        self.gates.append((a, b))
        return f"nand{len(self.gates)}"

    def not_(self, a: str) -> str:
        return self.nand(a, a)  # NAND(a, a) = NOT(a AND a) = NOT a

    def and_(self, a: str, b: str) -> str:
        return self.not_(self.nand(a, b))  # NOT NAND

    def or_(self, a: str, b: str) -> str:
        return self.nand(self.not_(a), self.not_(b))  # De Morgan: a OR b = NAND(NOT a, NOT b)

    def xor(self, a: str, b: str) -> tuple[str, str]:
        """The classic 4-NAND XOR; returns (xor, nand(a, b)) so adders can reuse the first NAND."""
        n = self.nand(a, b)
        # NAND(a, n) is 0 only for a=1, b=0, and NAND(b, n) only for a=0, b=1;
        # the last NAND is 1 exactly when one of them is 0, i.e. when a != b.
        return self.nand(self.nand(a, n), self.nand(b, n)), n

    def half_adder(self, a: str, b: str) -> tuple[str, str]:
        """Nielsen's figure: 4 NANDs give a XOR b, a fifth turns NAND(a, b) into the carry a AND b."""
        s, n = self.xor(a, b)
        return s, self.not_(n)

    def full_adder(self, a: str, b: str, c: str) -> tuple[str, str]:
        """Two XORs (8 NANDs) give the sum; one more NAND gives the carry.

        carry = ab + (a XOR b)c = NAND(NAND(a, b), NAND(a XOR b, c)), and both
        inner NANDs are already the first NANDs of the two XORs.
        """
        p, n_ab = self.xor(a, b)
        s, n_pc = self.xor(p, c)
        return s, self.nand(n_ab, n_pc)


def _gate(name: str, inputs: list[str], make: Callable[..., str]) -> Circuit:
    w = _Wiring()
    out = make(w, *inputs)
    return Circuit(name, inputs, w.gates, [("out", out)])


def not_gate() -> Circuit:
    """NOT from 1 NAND with its two inputs tied together."""
    return _gate("not", ["a"], _Wiring.not_)


def and_gate() -> Circuit:
    """AND = NOT(NAND): 2 NANDs."""
    return _gate("and", ["a", "b"], _Wiring.and_)


def or_gate() -> Circuit:
    """OR = NAND(NOT a, NOT b): 3 NANDs."""
    return _gate("or", ["a", "b"], _Wiring.or_)


def xor_gate() -> Circuit:
    """XOR: 4 NANDs."""
    return _gate("xor", ["a", "b"], lambda w, a, b: w.xor(a, b)[0])


def half_adder() -> Circuit:
    """Sum and carry of two bits: 5 NANDs."""
    w = _Wiring()
    s, c = w.half_adder("a", "b")
    return Circuit("half adder", ["a", "b"], w.gates, [("sum", s), ("carry", c)])


def full_adder() -> Circuit:
    """Sum and carry of two bits and a carry in: 9 NANDs."""
    w = _Wiring()
    s, c = w.full_adder("a", "b", "cin")
    # cin gets a row of its own on top; a, b and the NANDs are an adder's bit band below it.
    rows = {"cin": 0, "a": 1, "b": 3, "sum": 1, "carry": 2}
    rows.update({f"nand{k + 1}": 1 + r for k, r in enumerate(circuit_layout.FULL_ADDER_ROWS)})
    return Circuit("full adder", ["a", "b", "cin"], w.gates, [("sum", s), ("carry", c)], rows=rows)


def ripple_carry_adder(n: int) -> Adder:
    """An n-bit adder (1 <= n <= 8): inputs a0..a{n-1}, b0..b{n-1}; outputs s0..s{n-1}, carry.

    Bit 0 has no carry in, so it is a half adder (5 NANDs); every other bit
    is a full adder (9 NANDs) fed the carry of the bit below: 9n - 4 NANDs.
    """
    n = _adder_bits(n)
    w = _Wiring()
    sums = []
    s, carry = w.half_adder("a0", "b0")
    sums.append(s)
    for i in range(1, n):
        s, carry = w.full_adder(f"a{i}", f"b{i}", carry)
        sums.append(s)
    inputs = [f"a{i}" for i in range(n)] + [f"b{i}" for i in range(n)]
    outputs = [(f"s{i}", s) for i, s in enumerate(sums)] + [("carry", carry)]
    return Adder(n, f"{n}-bit adder", inputs, w.gates, outputs, rows=circuit_layout.adder_rows(n))


CIRCUITS: dict[str, Callable[..., Circuit]] = {
    "not": not_gate,
    "and": and_gate,
    "or": or_gate,
    "xor": xor_gate,
    "half_adder": half_adder,
    "full_adder": full_adder,
    "adder": ripple_carry_adder,
}


def _adder_bits(n: int) -> int:
    """An adder's bit count, 1 to MAX_ADDER_BITS (a bool or 2.5 is none), else a ValueError."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= MAX_ADDER_BITS:
        raise ValueError(f"the adder must have 1 to {MAX_ADDER_BITS} bits; got {n!r}")
    return int(n)


def _check_name(name: str, n: int | None) -> None:
    """`name` is a key of CIRCUITS, and only the adder has a size (build's and reference's check)."""
    if name not in CIRCUITS:
        raise ValueError(f"unknown circuit {name!r}; choose one of {', '.join(CIRCUITS)}")
    if name != "adder" and n is not None:
        raise ValueError(f"the {name} circuit has no size; n is only for 'adder'")


def build(name: str, n: int | None = None) -> Circuit:
    """The circuit called `name` (a key of CIRCUITS); `n` is the bit count, for "adder" only."""
    _check_name(name, n)
    if name == "adder":
        return ripple_carry_adder(MAX_ADDER_BITS if n is None else n)
    return CIRCUITS[name]()


# What each circuit is meant to compute, written with Python's own operators
# (no NAND anywhere), so the page can check every truth-table row against it.
_REFERENCE_GATES: dict[str, Callable[[dict[str, int]], dict[str, int]]] = {
    "not": lambda x: {"out": 1 - x["a"]},
    "and": lambda x: {"out": x["a"] & x["b"]},
    "or": lambda x: {"out": x["a"] | x["b"]},
    "xor": lambda x: {"out": x["a"] ^ x["b"]},
    "half_adder": lambda x: {"sum": (x["a"] + x["b"]) & 1, "carry": (x["a"] + x["b"]) >> 1},
    "full_adder": lambda x: {"sum": (x["a"] + x["b"] + x["cin"]) & 1, "carry": (x["a"] + x["b"] + x["cin"]) >> 1},
}


def reference(name: str, n: int | None = None) -> Callable[[dict[str, int]], dict[str, int]]:
    """The function circuit `name` should compute, as {input: bit} -> {output: bit}.

    Written with Python's `1 - a`, `&`, `|`, `^` and `+`, independently of the
    NAND wiring, so comparing it with `Circuit.evaluate` checks the circuit.
    For "adder" (n bits, default 8) it reads a and b from their bits, adds
    them with `+` and spells a + b back out as s0..s{n-1} and carry.
    """
    _check_name(name, n)
    if name != "adder":
        return _REFERENCE_GATES[name]
    n = _adder_bits(MAX_ADDER_BITS if n is None else n)

    def add(x: dict[str, int]) -> dict[str, int]:
        a = sum(x[f"a{i}"] << i for i in range(n))
        b = sum(x[f"b{i}"] << i for i in range(n))
        total = a + b
        return {**{f"s{i}": (total >> i) & 1 for i in range(n)}, "carry": total >> n}

    return add
