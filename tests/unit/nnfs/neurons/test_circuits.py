"""NAND circuits: gates, adders, counts, depth, drawing data and bad input.

The truth is independent of the code under test: hand-written truth tables
for the gates, Python's own `a + b` for the adders, and gate counts and
depths worked out by hand (explained next to each number).
"""

import random
from itertools import product

import pytest

from nnfs.neurons import circuit_layout, circuits
from nnfs.neurons.circuits import (
    CIRCUITS,
    Circuit,
    and_gate,
    build,
    full_adder,
    half_adder,
    not_gate,
    or_gate,
    ripple_carry_adder,
    xor_gate,
)
from nnfs.neurons.perceptron import Perceptron

# Hand-written truth tables: (inputs, outputs), inputs in binary counting order.
GATE_TABLES = {
    "not": [((0,), (1,)), ((1,), (0,))],
    "and": [((0, 0), (0,)), ((0, 1), (0,)), ((1, 0), (0,)), ((1, 1), (1,))],
    "or": [((0, 0), (0,)), ((0, 1), (1,)), ((1, 0), (1,)), ((1, 1), (1,))],
    "xor": [((0, 0), (0,)), ((0, 1), (1,)), ((1, 0), (1,)), ((1, 1), (0,))],
    # (sum, carry)
    "half_adder": [((0, 0), (0, 0)), ((0, 1), (1, 0)), ((1, 0), (1, 0)), ((1, 1), (0, 1))],
    "full_adder": [
        ((0, 0, 0), (0, 0)),
        ((0, 0, 1), (1, 0)),
        ((0, 1, 0), (1, 0)),
        ((0, 1, 1), (0, 1)),
        ((1, 0, 0), (1, 0)),
        ((1, 0, 1), (0, 1)),
        ((1, 1, 0), (0, 1)),
        ((1, 1, 1), (1, 1)),
    ],
}

# NOT: one NAND with its inputs tied. AND: NAND then NOT. OR: NOT a, NOT b,
# then NAND. XOR: the classic four. Half adder: XOR's four plus a NOT of its
# first NAND for the carry. Full adder: two XORs (8) plus one NAND for the carry.
GATE_COUNTS = {"not": 1, "and": 2, "or": 3, "xor": 4, "half_adder": 5, "full_adder": 9}

# Longest input-to-output path, in NANDs, traced by hand on the diagrams:
# OR's two NOTs work side by side (2); XOR's NAND(a, n) and NAND(b, n) too (3);
# the half adder's sum is XOR (3) and its carry NOT(NAND) (2); the full adder's
# sum is XOR(XOR(a, b), cin), two XORs in series: 3 + 3 = 6.
GATE_DEPTHS = {"not": 1, "and": 2, "or": 2, "xor": 3, "half_adder": 3, "full_adder": 6}


def all_circuits():
    circuits_ = [(name, build(name)) for name in CIRCUITS if name != "adder"]
    return circuits_ + [(f"adder{n}", ripple_carry_adder(n)) for n in range(1, 9)]


@pytest.mark.parametrize("name", GATE_TABLES)
def test_gate_truth_tables(name):
    circuit = build(name)
    assert circuit.truth_table() == GATE_TABLES[name]
    for bits, expected in GATE_TABLES[name]:
        assert tuple(circuit.evaluate(bits).values()) == expected
        named = dict(zip(circuit.inputs, bits))
        assert tuple(circuit.evaluate(named).values()) == expected


def test_builders_match_registry():
    assert [f().name for f in (not_gate, and_gate, or_gate, xor_gate, half_adder, full_adder)] == [
        "not",
        "and",
        "or",
        "xor",
        "half adder",
        "full adder",
    ]
    assert list(half_adder().outputs) == ["sum", "carry"]
    assert full_adder().inputs == ("a", "b", "cin")


@pytest.mark.parametrize("name", GATE_COUNTS)
def test_gate_counts_and_depths(name):
    circuit = build(name)
    assert circuit.nand_count == GATE_COUNTS[name]
    assert circuit.depth == GATE_DEPTHS[name]


def test_every_nand_goes_through_perceptron_output(monkeypatch):
    calls = []
    real_output = Perceptron.output

    def counting_output(self, x):
        calls.append((self.weights.tolist(), self.bias))
        return real_output(self, x)

    monkeypatch.setattr(Perceptron, "output", counting_output)
    adder = ripple_carry_adder(4)
    assert adder.add(9, 7) == 16
    assert len(calls) == adder.nand_count == 32
    assert all(c == ([-2.0, -2.0], 3.0) for c in calls)


def test_swapping_the_perceptron_changes_the_circuit(monkeypatch):
    # If evaluation were a Boolean shortcut, breaking the perceptron would not matter.
    monkeypatch.setattr(Perceptron, "output", lambda self, x: 0)
    assert xor_gate().evaluate([1, 0]) == {"out": 0}


def expected_bits(total, n):
    return {**{f"s{i}": (total >> i) & 1 for i in range(n)}, "carry": (total >> n) & 1}


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_small_adders_exhaustively(n):
    adder = ripple_carry_adder(n)
    assert adder.inputs == tuple([f"a{i}" for i in range(n)] + [f"b{i}" for i in range(n)])
    assert list(adder.outputs) == [f"s{i}" for i in range(n)] + ["carry"]
    for a, b in product(range(2**n), repeat=2):
        assert adder.add(a, b) == a + b
        bits = {**{f"a{i}": (a >> i) & 1 for i in range(n)}, **{f"b{i}": (b >> i) & 1 for i in range(n)}}
        assert adder.evaluate(bits) == expected_bits(a + b, n)
    # and the truth table, row by row (rows count in binary over a0..a{n-1}, b0..b{n-1})
    table = adder.truth_table()
    assert len(table) == 2 ** (2 * n)
    for row_bits, out in table:
        a = sum(bit << i for i, bit in enumerate(row_bits[:n]))
        b = sum(bit << i for i, bit in enumerate(row_bits[n:]))
        assert out == tuple(expected_bits(a + b, n).values())


@pytest.mark.parametrize("a, b", [(0, 0), (255, 255), (255, 1), (173, 94), (128, 128), (1, 254)])
def test_8_bit_adder_edge_cases(a, b):
    adder = ripple_carry_adder(8)
    assert adder.add(a, b) == a + b
    assert adder.evaluate(adder.inputs_for(a, b)) == expected_bits(a + b, 8)


def test_8_bit_adder_random_sample():
    adder = ripple_carry_adder(8)
    rng = random.Random(20240601)
    for _ in range(300):
        a, b = rng.randrange(256), rng.randrange(256)
        assert adder.add(a, b) == a + b


def test_173_plus_94_sets_the_carry():
    adder = ripple_carry_adder(8)
    out = adder.evaluate(adder.inputs_for(173, 94))
    assert out["carry"] == 1  # 267 = 256 + 11
    assert [out[f"s{i}"] for i in range(8)] == [1, 1, 0, 1, 0, 0, 0, 0]  # 11 = 0b1011, LSB first


@pytest.mark.parametrize("n", range(1, 9))
def test_adder_counts_and_depth(n):
    adder = ripple_carry_adder(n)
    # Bit 0 has no carry in: a half adder (5). Bits 1..n-1: full adders (9).
    assert adder.nand_count == 5 + 9 * (n - 1)  # = 9n - 4; 68 for 8 bits
    # Depth by hand. In bit i with carry in c at depth d: p = a XOR b is at
    # depth 3, m = NAND(p, c) at max(3, d) + 1, the carry out NAND(NAND(a, b), m)
    # at m + 1 and the sum at m + 2. Bit 0 (half adder): c1 = 2, s0 = 3.
    # Bit 1: m = 4, c2 = 5, s1 = 6. Bit i >= 2: d = 2i + 1 > 3, so m = 2i + 2,
    # c_{i+1} = 2i + 3, s_i = 2i + 4. The deepest output is s_{n-1}: 2n + 2.
    assert adder.depth == (3 if n == 1 else 2 * n + 2)


def test_8_bit_adder_numbers():
    adder = ripple_carry_adder(8)
    assert adder.nand_count == 68
    assert adder.depth == 18


def test_depth_of_a_hand_built_chain():
    # a -> NOT -> NOT -> NOT, and b straight through one NAND with a
    chain = Circuit(
        "chain", ["a", "b"], [("a", "a"), ("nand1", "nand1"), ("nand2", "b")], [("x", "nand3"), ("y", "nand1")]
    )
    assert chain.depth == 3
    assert chain.nand_count == 3
    assert chain.evaluate({"a": 1, "b": 1}) == {"x": 0, "y": 0}  # NOT NOT 1 = 1; NAND(1, 1) = 0


def test_signals_on_every_node_of_the_half_adder():
    # nand1 = NAND(a, b), nand2 = NAND(a, nand1), nand3 = NAND(b, nand1),
    # nand4 = NAND(nand2, nand3) = sum, nand5 = NAND(nand1, nand1) = carry.
    s = half_adder().signals({"a": 1, "b": 1})
    assert s == {"a": 1, "b": 1, "nand1": 0, "nand2": 1, "nand3": 1, "nand4": 0, "nand5": 1, "sum": 0, "carry": 1}


def test_nodes_and_wires_of_xor():
    xor = xor_gate()
    assert xor.nodes() == [
        {"id": "a", "kind": "input", "label": "a"},
        {"id": "b", "kind": "input", "label": "b"},
        *({"id": f"nand{k}", "kind": "nand", "label": "NAND"} for k in range(1, 5)),
        {"id": "out", "kind": "output", "label": "out"},
    ]
    wires = xor.wires({"a": 1, "b": 0})
    # nand1 = NAND(1, 0) = 1, nand2 = NAND(a=1, 1) = 0, nand3 = NAND(b=0, 1) = 1, nand4 = NAND(0, 1) = 1
    assert [(w["from"], w["to"], w["signal"]) for w in wires] == [
        ("a", "nand1", 1),
        ("b", "nand1", 0),
        ("a", "nand2", 1),
        ("nand1", "nand2", 1),
        ("b", "nand3", 0),
        ("nand1", "nand3", 1),
        ("nand2", "nand4", 0),
        ("nand3", "nand4", 1),
        ("nand4", "out", 1),
    ]
    assert all(w["signal"] is None for w in xor.wires())


def test_not_gate_has_two_wires_from_its_one_input():
    assert [(w["from"], w["to"]) for w in not_gate().wires()] == [("a", "nand1"), ("a", "nand1"), ("nand1", "out")]


@pytest.mark.parametrize("name, circuit", all_circuits())
def test_drawing_data_is_consistent(name, circuit):
    ids = [node["id"] for node in circuit.nodes()]
    assert len(ids) == len(set(ids)) == len(circuit.inputs) + circuit.nand_count + len(circuit.outputs)
    wires = circuit.wires()
    assert len(wires) == 2 * circuit.nand_count + len(circuit.outputs)
    assert all(w["from"] in ids and w["to"] in ids for w in wires)


@pytest.mark.parametrize("name, circuit", all_circuits())
def test_layout_has_no_overlaps_and_flows_left_to_right(name, circuit):
    pos = circuit.layout()
    kinds = {node["id"]: node["kind"] for node in circuit.nodes()}
    assert set(pos) == set(kinds)
    points = list(pos.values())
    # Nodes drawn with a diameter below 1 grid unit never overlap if every
    # pair is at least 1 apart in x or in y.
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            (x1, y1), (x2, y2) = points[i], points[j]
            assert abs(x1 - x2) >= 1 or abs(y1 - y2) >= 1, (name, points[i], points[j])
    last = max(x for x, _ in points)
    for node_id, kind in kinds.items():
        if kind == "input":
            assert pos[node_id][0] == 0
        if kind == "output":
            assert pos[node_id][0] == last
    for w in circuit.wires():
        assert pos[w["from"]][0] < pos[w["to"]][0]  # every wire runs rightwards
    assert min(y for _, y in points) >= 0


def test_layout_reduces_crossings_for_the_full_adder(monkeypatch):
    def crossings(circuit, pos):
        segments = {(pos[w["from"]], pos[w["to"]]) for w in circuit.wires()}
        segments = list(segments)

        def side(p, q, r):
            return (r[1] - p[1]) * (q[0] - p[0]) - (q[1] - p[1]) * (r[0] - p[0])

        count = 0
        for i, (p, q) in enumerate(segments):
            for r, s in segments[i + 1 :]:
                if len({p, q, r, s}) == 4 and side(r, s, p) * side(r, s, q) < 0 and side(p, q, r) * side(p, q, s) < 0:
                    count += 1
        return count

    built = full_adder()  # the builder gives its own rows; take them away to test the heuristic
    fa = Circuit("full adder", built.inputs, list(built.gates.values()), list(built.outputs.items()))
    optimised = crossings(fa, fa.layout())
    monkeypatch.setattr(circuit_layout, "LAYOUT_SWEEPS", 0)  # rows in declaration order
    assert optimised < crossings(fa, fa.layout())


@pytest.mark.parametrize("n", [0, 9, -1, 2.5, "8", None, True])
def test_adder_size_out_of_range(n):
    with pytest.raises(ValueError, match="the adder must have 1 to 8 bits"):
        ripple_carry_adder(n)


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"a": 1, "b": 2}, "input b must be 0 or 1; got 2"),
        ({"a": 1, "b": "1"}, "input b must be 0 or 1; got '1'"),
        ({"a": None, "b": 1}, "input a must be 0 or 1; got None"),
        ({"a": 0.5, "b": 1}, "input a must be 0 or 1; got 0.5"),
        ({"a": 1}, "missing input 'b'"),
        ({"a": 1, "b": 0, "c": 1}, "unknown input 'c'; this circuit's inputs are a, b"),
        ([1, 0, 1], r"expected 2 inputs \(a, b\); got 3"),
        ([1], r"expected 2 inputs \(a, b\); got 1"),
        ([1, -1], "input b must be 0 or 1; got -1"),
        ("10", "inputs must be a dict or a sequence of 0/1 bits"),
        (7, "inputs must be a dict or a sequence of 0/1 bits"),
    ],
)
def test_bad_circuit_inputs(inputs, message):
    with pytest.raises(ValueError, match=message):
        xor_gate().evaluate(inputs)


@pytest.mark.parametrize(
    "a, b, message",
    [
        (256, 0, "a must be a whole number from 0 to 255; got 256"),
        (0, -1, "b must be a whole number from 0 to 255; got -1"),
        (1.5, 0, "a must be a whole number from 0 to 255; got 1.5"),
        ("3", 0, "a must be a whole number from 0 to 255; got '3'"),
    ],
)
def test_bad_adder_operands(a, b, message):
    with pytest.raises(ValueError, match=message):
        ripple_carry_adder(8).add(a, b)


def test_truth_table_too_big():
    with pytest.raises(ValueError, match="16 inputs, so its truth table would have 65536 rows"):
        ripple_carry_adder(8).truth_table()


def test_build_by_name():
    assert set(CIRCUITS) == {"not", "and", "or", "xor", "half_adder", "full_adder", "adder"}
    assert build("adder").n_bits == 8
    assert build("adder", 3).add(7, 7) == 14
    with pytest.raises(ValueError, match="unknown circuit 'nor'; choose one of not, and, or"):
        build("nor")
    with pytest.raises(ValueError, match="n is only for 'adder'"):
        build("xor", 3)
    with pytest.raises(ValueError, match="the adder must have 1 to 8 bits; got 9"):
        build("adder", 9)


def test_bad_circuit_structure():
    with pytest.raises(ValueError, match="nand1 reads 'nand2', which is not an earlier node"):
        Circuit("loop", ["a"], [("a", "nand2"), ("nand1", "a")], [("out", "nand2")])
    with pytest.raises(ValueError, match="node id 'a' is used twice"):
        Circuit("dup", ["a"], [("a", "a")], [("a", "nand1")])
    with pytest.raises(ValueError, match="output 'out' reads 'z'"):
        Circuit("dangling", ["a"], [("a", "a")], [("out", "z")])
    with pytest.raises(ValueError, match="at least one input and one output"):
        Circuit("empty", ["a"], [("a", "a")], [])


@pytest.mark.parametrize("name", GATE_TABLES)
def test_reference_matches_the_hand_written_tables(name):
    circuit = build(name)
    ref = circuits.reference(name)
    for bits, expected in GATE_TABLES[name]:
        assert tuple(ref(dict(zip(circuit.inputs, bits))).values()) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_reference_adder_is_python_addition(n):
    ref = circuits.reference("adder", n)
    rng = random.Random(n)
    pairs = (
        list(product(range(2**n), repeat=2))
        if n <= 3
        else [(173, 94), (255, 255), (0, 0)] + [(rng.randrange(256), rng.randrange(256)) for _ in range(50)]
    )
    for a, b in pairs:
        bits = {**{f"a{i}": (a >> i) & 1 for i in range(n)}, **{f"b{i}": (b >> i) & 1 for i in range(n)}}
        assert ref(bits) == expected_bits(a + b, n)
        assert ref(bits) == ripple_carry_adder(n).evaluate(bits)


def test_reference_default_and_bad_names():
    assert circuits.reference("adder")(
        {**{f"a{i}": 1 for i in range(8)}, **{f"b{i}": 1 for i in range(8)}}
    ) == expected_bits(510, 8)
    with pytest.raises(ValueError, match="unknown circuit"):
        circuits.reference("nor")
    with pytest.raises(ValueError, match="no size"):
        circuits.reference("xor", 2)
    with pytest.raises(ValueError, match="1 to 8 bits"):
        circuits.reference("adder", 9)


@pytest.mark.parametrize("n, a, b", [(1, 0, 1), (3, 5, 6), (8, 173, 94), (8, 255, 255), (8, 0, 0)])
def test_read_operands_inverts_inputs_for(n, a, b):
    adder = ripple_carry_adder(n)
    assert adder.read_operands(adder.inputs_for(a, b)) == (a, b)
    # and from bits in input order (a0..a{n-1}, b0..b{n-1}), spelled out by hand
    bits = [(a >> i) & 1 for i in range(n)] + [(b >> i) & 1 for i in range(n)]
    assert adder.read_operands(bits) == (a, b)


def test_read_operands_checks_its_input():
    with pytest.raises(ValueError, match="missing input"):
        ripple_carry_adder(2).read_operands({"a0": 1})


@pytest.mark.parametrize("n", range(1, 9))
def test_adder_layout_keeps_each_bit_in_its_own_band(n):
    adder = ripple_carry_adder(n)
    pos = adder.layout()
    for i in range(n):
        assert [pos[f"a{i}"][1], pos[f"b{i}"][1], pos[f"s{i}"][1]] == [3 * i, 3 * i + 2, 3 * i]
    # bit 0 is the half adder (gates 1-5), bit i the full adder of gates 5 + 9(i - 1) + 1 ...
    for k in range(1, adder.nand_count + 1):
        bit = 0 if k <= 5 else 1 + (k - 6) // 9
        assert 3 * bit <= pos[f"nand{k}"][1] <= 3 * bit + 2
    assert pos["carry"][1] == 3 * (n - 1) + 1
    assert max(y for _, y in pos.values()) == 3 * n - 1


@pytest.mark.parametrize(
    "name, circuit", [("full adder", full_adder())] + [(f"adder{n}", ripple_carry_adder(n)) for n in range(1, 9)]
)
def test_adder_wires_that_skip_columns_run_through_empty_cells(name, circuit):
    """A wire is drawn along its source's row until the last gap before its target,
    so every cell it passes on the way must be free."""
    pos = circuit.layout()
    taken = {(c, r) for c, r in pos.values()}
    for w in circuit.wires():
        (c0, r0), (c1, _) = pos[w["from"]], pos[w["to"]]
        for c in range(int(c0) + 1, int(c1)):
            assert (c, r0) not in taken, (name, w, c)


def test_full_adder_rows():
    pos = full_adder().layout()
    assert [pos[n][1] for n in ("cin", "a", "b", "sum", "carry")] == [0, 1, 3, 1, 2]
    assert all(0 <= y <= 3 for _, y in pos.values())


def test_bad_rows():
    gates, outputs = [("a", "a")], [("out", "nand1")]
    assert Circuit("not", ["a"], gates, outputs, rows={"a": 0, "nand1": 0, "out": 0}).layout() == {
        "a": (0, 0.0),
        "nand1": (1, 0.0),
        "out": (2, 0.0),
    }
    with pytest.raises(ValueError, match="a row for every node"):
        Circuit("not", ["a"], gates, outputs, rows={"a": 0, "nand1": 0})
    with pytest.raises(ValueError, match="a row for every node"):
        Circuit("not", ["a"], gates, outputs, rows={"a": 0, "nand1": 0, "out": 0, "x": 1})
    with pytest.raises(ValueError, match="same place"):
        Circuit("and", ["a", "b"], gates, outputs, rows={"a": 0, "b": 0, "nand1": 0, "out": 0})


def test_a_circuit_runs_on_a_given_nand_function():
    """The exercises' hook: every gate calls the learner's nand, and a wrong one shows."""
    from nnfs.neurons.circuits import ripple_carry_adder

    calls = []

    def my_nand(a, b):
        calls.append((a, b))
        return 0 if a and b else 1

    adder = ripple_carry_adder(8)
    bits = {**{f"a{i}": (173 >> i) & 1 for i in range(8)}, **{f"b{i}": (94 >> i) & 1 for i in range(8)}}
    out = adder.evaluate(bits, nand=my_nand)
    assert sum(out[f"s{i}"] << i for i in range(8)) + (out["carry"] << 8) == 173 + 94
    assert len(calls) == adder.nand_count == 9 * 8 - 4
    broken = adder.evaluate(bits, nand=lambda a, b: a & b)  # AND instead of NAND
    assert broken != out
