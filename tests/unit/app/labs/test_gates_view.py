"""The gates lab's settings, link codec and texts (app.labs.gates.view), checked against hand-written truths."""

import re
from itertools import product

import pytest

from app.labs.gates import view
from nnfs.neurons.circuits import CIRCUITS, build

T = view.SETTINGS


@pytest.mark.parametrize(
    "link, values",
    [
        # links written before the lab base (they named every setting) read as they always did
        ("c=adder&n=8&a=173&b=94", {"c": "adder", "n": 8, "a": 173, "b": 94}),
        ("c=xor&x=10", {"c": "xor", "x": "10"}),
        ("c=full_adder&x=101", {"c": "full_adder", "x": "101"}),
        # percent-encoded values read as the same text typed
        ("c=half%5Fadder&x=%311", {"c": "half_adder", "x": "11"}),
        ("c=adder&a=%2012%20&b=1%2C0", {"c": "adder", "a": 12}),
    ],
)
def test_links_decode(link, values):
    got, problems = T.from_hash(link)
    assert got == values
    assert [name for name, _ in problems] == (["b"] if "b=1%2C0" in link else [])


def test_a_link_holds_only_what_the_circuit_uses_and_what_differs_from_the_defaults():
    d = T.defaults()
    assert d == {"c": "xor", "n": 8, "a": 0, "b": 0, "x": "10"}
    assert T.to_hash(d) == ""
    assert T.to_hash({**d, "x": "11", "n": 3, "a": 5}) == "x=11"  # n, A, B: only for the adder
    assert T.to_hash({**d, "c": "adder", "n": 3, "a": 1, "b": 1, "x": "01"}) == "c=adder&n=3&a=1&b=1"
    assert T.to_hash({**d, "c": "adder", "a": 173, "b": 94}) == "c=adder&a=173&b=94"
    # and every state it writes reads back as itself
    for c, x in [("not", "0"), ("and", "11"), ("full_adder", "011")]:
        state = {**d, "c": c, "x": x}
        got, problems = T.from_hash(T.to_hash(state))
        assert not problems and {**d, **got} == state


@pytest.mark.parametrize("text", ["12", "", "1111", "1 0", "ab", "1" * 100_000])
def test_bad_input_bits_are_refused_and_quoted_short(text):
    with pytest.raises(ValueError) as e:
        T["x"].parse(text)
    assert "must be 1 to 3 bits" in str(e.value) and len(str(e.value)) < 120


def test_fit_keeps_the_low_bits_and_the_inputs_by_name():
    d = T.defaults()
    # switching circuits keeps the inputs that share a name (a, b, cin are in that order everywhere)
    assert view.fit({**d, "c": "full_adder"}) == ({"x": "100"}, [])
    assert view.fit({**d, "c": "not", "x": "011"}) == ({"x": "0"}, [])
    assert view.fit({**d, "c": "xor"}) == ({}, [])
    # a smaller adder keeps the low bits: 173 = 0b10101101, 94 = 0b1011110
    assert view.fit({**d, "c": "adder", "n": 4, "a": 173, "b": 94}) == ({"a": 0b1101, "b": 0b1110}, [])
    # what a link named is reported, with the limit for its n
    changed, problems = view.fit({**d, "c": "adder", "n": 4, "a": 200}, named={"a": 200})
    assert changed == {"a": 8} and problems == [("a", "A must be at most 15 for a 4-bit adder; got 200")]
    changed, problems = view.fit({**d, "c": "xor", "x": "101"}, named={"x": "101"})
    assert changed == {"x": "10"}
    assert problems == [("x", "inputs x must be 2 bits (0 or 1), one per input a, b; got '101'")]


def test_inputs_and_settings_are_each_others_inverse():
    for n in range(1, 5):
        adder = build("adder", n)
        for a, b in product(range(2**n), repeat=2):
            ins = view.circuit_inputs(adder, {"a": a, "b": b})
            # a0 is the lowest bit of A: written out by hand
            assert ins == {**{f"a{i}": (a >> i) & 1 for i in range(n)}, **{f"b{i}": (b >> i) & 1 for i in range(n)}}
            assert view.values_for(adder, ins) == {"a": a, "b": b}
    fa = build("full_adder")
    assert view.circuit_inputs(fa, {"x": "101"}) == {"a": 1, "b": 0, "cin": 1}
    assert view.values_for(fa, {"a": 1, "b": 0, "cin": 1}) == {"x": "101"}


def test_next_counts_rows_or_numbers():
    xor = build("xor")
    seen = [{"a": 0, "b": 0}]
    for _ in range(4):
        seen.append(view.next_inputs(xor, seen[-1], has_table=True))
    assert [(s["a"], s["b"]) for s in seen] == [(0, 0), (0, 1), (1, 0), (1, 1), (0, 0)]
    adder = build("adder", 3)
    ins = adder.inputs_for(0, 6)
    sums = []
    for _ in range(3):
        ins = view.next_inputs(adder, ins, has_table=False)
        sums.append(adder.read_operands(ins))
    assert sums == [(0, 7), (1, 0), (1, 1)]  # B + 1, carrying into A


def test_the_diagram_names_its_circuit_once():
    for name in CIRCUITS:
        circuit = build(name, 2 if name == "adder" else None)
        ins = {i: 1 for i in circuit.inputs}
        outs = circuit.evaluate(ins)
        label = view.diagram_label(circuit, name, ins, outs)
        words = label.lower().replace(":", " ").split()
        title = view.TITLES[name] if name != "adder" else circuit.name
        assert len(re.findall(rf"\b{title}\b", label)) == 1, label
        assert all(a != b for a, b in zip(words, words[1:])), label  # no "xor xor"
    assert view.diagram_label(build("xor"), "xor", {"a": 1, "b": 0}, {"out": 1}) == (
        "Diagram of the XOR circuit: 4 NAND perceptrons, depth 3; inputs a = 1, b = 0; outputs out = 1"
    )


def test_every_input_checkbox_names_the_setting_it_is_part_of():
    html = view.input_boxes_html(build("adder", 2))
    assert html.count('data-part-of="a"') == 2 and html.count('data-part-of="b"') == 2
    assert view.input_boxes_html(build("xor")).count('data-part-of="x"') == 2


def test_sums_are_spelled_in_binary_and_decimal():
    adder = build("adder", 8)
    ins = adder.inputs_for(173, 94)
    a, b, total, text = view.sum_text("adder", adder, ins, adder.evaluate(ins))
    assert (a, b, total) == (173, 94, 173 + 94)
    assert text == "10101101 + 01011110 = 100001011 in binary\n173 + 94 = 267"
    fa = build("full_adder")
    ins = {"a": 1, "b": 0, "cin": 1}
    assert view.sum_text("full_adder", fa, ins, fa.evaluate(ins))[3] == "1 + 0 + 1 = 10 in binary (carry, sum) = 2"
    assert view.sum_text("xor", build("xor"), {"a": 1, "b": 1}, {"out": 0}) is None
