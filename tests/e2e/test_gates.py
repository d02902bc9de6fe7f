"""Lab 2, gates: circuits of NAND perceptrons driven like a person would, in the shared page.

The truth every output is compared with is written here by hand with
Python's own operators (`1 - a`, `&`, `|`, `^`, `a + b`), independently of
the NAND circuits under test.
"""

from __future__ import annotations

from itertools import product

import pytest
from playwright.sync_api import expect

from app.gates_view import geometry
from nnfs.circuits import build


def spell(total: int, n: int) -> dict:
    """An n-bit adder's expected outputs for the number `total`."""
    return {**{f"s{i}": (total >> i) & 1 for i in range(n)}, "carry": total >> n}


def adder_truth(n):
    def truth(x):
        a = sum(x[f"a{i}"] << i for i in range(n))
        b = sum(x[f"b{i}"] << i for i in range(n))
        return spell(a + b, n)
    return truth


# choice in the select, n for the adder, the inputs in table order, and the truth
CASES = {
    "not": ("not", None, ["a"], lambda x: {"out": 1 - x["a"]}),
    "and": ("and", None, ["a", "b"], lambda x: {"out": x["a"] & x["b"]}),
    "or": ("or", None, ["a", "b"], lambda x: {"out": x["a"] | x["b"]}),
    "xor": ("xor", None, ["a", "b"], lambda x: {"out": x["a"] ^ x["b"]}),
    "half_adder": ("half_adder", None, ["a", "b"],
                   lambda x: {"sum": (x["a"] + x["b"]) % 2, "carry": (x["a"] + x["b"]) // 2}),
    "full_adder": ("full_adder", None, ["a", "b", "cin"],
                   lambda x: {"sum": (x["a"] + x["b"] + x["cin"]) % 2,
                              "carry": (x["a"] + x["b"] + x["cin"]) // 2}),
    "adder1": ("adder", 1, ["a0", "b0"], adder_truth(1)),
    "adder2": ("adder", 2, ["a0", "a1", "b0", "b1"], adder_truth(2)),
}


@pytest.fixture
def gates(app):
    app.goto_lab("gates")
    return app.page


def choose(page, name, n=None):
    page.select_option("#gt-circuit", name)
    if n is not None:
        page.fill("#gt-bits", str(n))
    expect(page.locator("#gt-canvas")).to_have_attribute("data-circuit", name)


def set_inputs(page, bits: dict) -> None:
    """Tick or untick each input's checkbox, as a person would."""
    for name, bit in bits.items():
        page.locator(f"#gt-in-{name}").set_checked(bool(bit))


def outputs(page) -> dict:
    return page.eval_on_selector_all(
        "#gt-outputs [data-output]", "els => Object.fromEntries(els.map(e => [e.dataset.output, +e.dataset.value]))")


@pytest.mark.parametrize("case", CASES)
def test_every_input_combination_by_checkbox(gates, case):
    name, n, inputs, truth = CASES[case]
    page = gates
    choose(page, name, n)
    checkboxes = page.locator("#gt-input-boxes input[type=checkbox]")
    expect(checkboxes).to_have_count(len(inputs))
    current = page.locator("#gt-truth-table tr.current")
    for bits in product((0, 1), repeat=len(inputs)):
        x = dict(zip(inputs, bits))
        set_inputs(page, x)
        key = "".join(map(str, bits))
        expect(page.locator("#gt-canvas")).to_have_attribute("data-inputs", key)
        assert outputs(page) == truth(x), (case, x)
        # the truth table marks this row, and only this row
        expect(current).to_have_count(1)
        expect(current).to_have_attribute("data-bits", key)
    expect(page.locator("#gt-check")).to_have_class("message good")
    expect(page.locator("#gt-truth-table tbody tr")).to_have_count(2 ** len(inputs))
    assert page.locator("#gt-truth-table td.wrong").count() == 0


def canvas_click(page, circuit, node_id):
    """Click the centre of a node of `circuit` on the canvas (the canvas may be scaled by CSS)."""
    x, y = geometry(circuit).pos[node_id]
    scale = gates_canvas_scale(page)
    # position is relative to the canvas's padding box; Playwright scrolls it into view first
    page.locator("#gt-canvas").click(position={"x": x * scale, "y": y * scale})


def gates_canvas_scale(page) -> float:
    return page.eval_on_selector("#gt-canvas", "c => c.clientWidth / c.width")


def test_clicking_input_nodes_on_the_canvas(gates):
    page = gates
    choose(page, "xor")
    page.click("#gt-clear")
    xor = build("xor")
    seen = {}
    for node in ["a", "b", "a", "b"]:  # 10, 11, 01, 00
        canvas_click(page, xor, node)
        state = page.get_attribute("#gt-canvas", "data-inputs")
        a, b = int(state[0]), int(state[1])
        assert page.locator(f"#gt-in-{node}").is_checked() == bool({"a": a, "b": b}[node])
        seen[state] = outputs(page)["out"]
        assert seen[state] == a ^ b
    assert set(seen) == {"10", "11", "01", "00"}
    # a click away from the inputs changes nothing
    canvas_click(page, xor, "out")
    assert page.get_attribute("#gt-canvas", "data-inputs") == "00"

    choose(page, "full_adder")
    page.click("#gt-clear")
    fa = build("full_adder")
    for node in ("a", "cin"):
        canvas_click(page, fa, node)
    expect(page.locator("#gt-canvas")).to_have_attribute("data-inputs", "101")
    assert outputs(page) == {"sum": 0, "carry": 1}  # 1 + 0 + 1 = 2 = 10 in binary


def test_8_bit_adder_by_toggling_inputs(gates):
    page = gates
    choose(page, "adder", 8)
    page.click("#gt-clear")
    for a, b in [(173, 94), (255, 255)]:
        bits = {**{f"a{i}": (a >> i) & 1 for i in range(8)}, **{f"b{i}": (b >> i) & 1 for i in range(8)}}
        set_inputs(page, bits)
        expect(page.locator("#gt-sum")).to_contain_text(f"{a} + {b} = {a + b}")
        assert page.get_attribute("#gt-sum", "data-sum") == str(a + b)
        assert outputs(page) == spell(a + b, 8)
        assert page.input_value("#gt-a") == str(a) and page.input_value("#gt-b") == str(b)
    expect(page.locator("#gt-sum")).to_contain_text("11111111 + 11111111 = 111111110")
    # and by clicking the canvas: a0 off makes it 254 + 255 = 509
    canvas_click(page, build("adder", 8), "a0")
    expect(page.locator("#gt-sum")).to_contain_text("254 + 255 = 509")


def test_typing_a_and_b_sets_the_bits(gates):
    page = gates
    choose(page, "adder", 8)
    page.fill("#gt-a", "173")
    page.fill("#gt-b", "94")
    expect(page.locator("#gt-sum")).to_contain_text("173 + 94 = 267")
    ticked = [n for n in [f"a{i}" for i in range(8)] if page.locator(f"#gt-in-{n}").is_checked()]
    assert ticked == [f"a{i}" for i in range(8) if (173 >> i) & 1]
    assert outputs(page) == spell(267, 8)
    # a number too big for the adder is refused, and the sum stays
    page.fill("#gt-a", "300")
    expect(page.locator("#gt-a-error")).to_contain_text("at most 255")
    expect(page.locator("#gt-sum")).to_contain_text("173 + 94 = 267")
    page.fill("#gt-a", "5")
    expect(page.locator("#gt-a-error")).to_be_empty()
    expect(page.locator("#gt-sum")).to_contain_text("5 + 94 = 99")


@pytest.mark.parametrize("name, n, nands, depth", [
    ("xor", None, 4, 3), ("half_adder", None, 5, 3), ("full_adder", None, 9, 6),
    ("adder", 8, 68, 18), ("adder", 3, 23, 8),
])
def test_nand_count_and_depth(gates, name, n, nands, depth):
    choose(gates, name, n)
    expect(gates.locator("#gt-nand-count")).to_have_text(str(nands))
    expect(gates.locator("#gt-depth")).to_have_text(str(depth))


def test_bad_bit_count_keeps_the_last_good_one(gates):
    page = gates
    choose(page, "adder", 8)
    expect(page.locator("#gt-nand-count")).to_have_text("68")
    for bad in ["abc", "", "9", "0", "2.5"]:
        page.fill("#gt-bits", bad)
        expect(page.locator("#gt-bits-error")).to_contain_text("keeping 8")
        assert page.get_attribute("#gt-bits", "aria-invalid") == "true"
        expect(page.locator("#gt-nand-count")).to_have_text("68")
        expect(page.locator("#gt-input-boxes input")).to_have_count(16)
    page.fill("#gt-bits", "3")
    expect(page.locator("#gt-bits-error")).to_be_empty()
    expect(page.locator("#gt-nand-count")).to_have_text("23")  # 9n - 4
    page.fill("#gt-bits", "8")
    expect(page.locator("#gt-nand-count")).to_have_text("68")


def test_keyboard_next_row_and_a_shared_link(gates, app):
    page = gates
    choose(page, "xor")
    page.click("#gt-clear")
    page.focus("#gt-in-b")
    page.keyboard.press("Space")
    expect(page.locator("#gt-truth-table tr.current")).to_have_attribute("data-bits", "01")
    page.focus("#gt-next")
    page.keyboard.press("Enter")  # count up: 01 -> 10
    expect(page.locator("#gt-truth-table tr.current")).to_have_attribute("data-bits", "10")
    assert page.evaluate("location.hash") == "#gates/c=xor&x=10"
    # a link with the state in it opens the same picture
    app.goto_lab("gates", "c=adder&n=8&a=173&b=94")
    expect(page.locator("#gt-sum")).to_contain_text("173 + 94 = 267")
    expect(page.locator("#gt-bits")).to_have_value("8")


def test_next_row_on_a_big_adder_counts_the_numbers(gates):
    """No truth table for 6+ inputs: Next adds 1 to B, carrying into A (not B += 4, 2, ...)."""
    page = gates
    choose(page, "adder", 3)
    page.fill("#gt-a", "0")
    page.fill("#gt-b", "6")
    for sums in ("0 + 7 = 7", "1 + 0 = 1", "1 + 1 = 2"):
        page.click("#gt-next")
        expect(page.locator("#gt-sum")).to_contain_text(sums)
    assert page.evaluate("location.hash") == "#gates/c=adder&n=3&a=1&b=1"


@pytest.mark.parametrize("state, says", [
    ("c=adder&n=99", "the adder must have 1 to 8 bits; got 99"),
    ("c=adder&n=4&a=999", "a must be a whole number from 0 to 15; got 999"),
    ("c=adder&n=abc", "n must be a whole number; got 'abc'"),
    ("c=__class__", "unknown circuit '__class__'"),
    ("c=xor&x=12", "x must be 2 bits"),
])
def test_a_bad_link_says_what_is_wrong_and_keeps_the_circuit(gates, app, state, says):
    page = gates
    choose(page, "full_adder")
    app.goto_lab("gates", state)
    message = page.locator("#gt-link-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text(f"The link had a problem: {says}")
    expect(message).to_contain_text("Showing the full adder instead.")
    assert page.evaluate("location.hash").startswith("#gates/c=full_adder&x=")
    page.click("#gt-next")  # the next change clears it
    expect(message).to_be_hidden()


def test_redraw_time_is_shown(gates):
    page = gates
    choose(page, "adder", 8)
    page.click("#gt-next")
    ms = float(page.get_attribute("#gt-draw-time", "data-ms"))
    expect(page.locator("#gt-draw-time")).to_contain_text("Drawn in")
    print(f"8-bit adder redraw in the page: {ms:.1f} ms")
    assert 0 < ms < 1000
