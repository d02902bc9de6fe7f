"""Lab 2, gates: circuits of NAND perceptrons driven like a person would, in the shared page.

The truth every output is compared with is written here by hand with
Python's own operators (`1 - a`, `&`, `|`, `^`, `a + b`), independently of
the NAND circuits under test.
"""

from __future__ import annotations

from itertools import product

import pytest
from playwright.sync_api import expect

from app.labs.gates.geometry import geometry
from nnfs.neurons.circuits import build
from tests.e2e.layout import assert_fits, on_screen, phone

MIN_PHONE_DRAW_WIDTH = 300  # the panel at 390 px is narrower: the lab draws at its minimum width


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
    "half_adder": (
        "half_adder",
        None,
        ["a", "b"],
        lambda x: {"sum": (x["a"] + x["b"]) % 2, "carry": (x["a"] + x["b"]) // 2},
    ),
    "full_adder": (
        "full_adder",
        None,
        ["a", "b", "cin"],
        lambda x: {"sum": (x["a"] + x["b"] + x["cin"]) % 2, "carry": (x["a"] + x["b"] + x["cin"]) // 2},
    ),
    "adder1": ("adder", 1, ["a0", "b0"], adder_truth(1)),
    "adder2": ("adder", 2, ["a0", "a1", "b0", "b1"], adder_truth(2)),
}


@pytest.fixture
def gates(app):
    app.goto_lab("gates")
    return app.page


def expect_hash(page, hash_: str) -> None:
    """The address becomes ``hash_``: the lab writes it at most every 0.1 s (app.shell.lab.URL_INTERVAL),
    so a check right after a click must wait for the write, not read the address at once."""
    page.wait_for_function("h => location.hash === h", arg=hash_, timeout=5000)


def choose(page, name, n=None):
    page.select_option("#gt-c", name)
    if n is not None:
        page.fill("#gt-n", str(n))
    expect(page.locator("#gt-canvas")).to_have_attribute("data-circuit", name)


def set_inputs(page, bits: dict) -> None:
    """Tick or untick each input's checkbox, as a person would."""
    for name, bit in bits.items():
        page.locator(f"#gt-in-{name}").set_checked(bool(bit))


def outputs(page) -> dict:
    return page.eval_on_selector_all(
        "#gt-outputs [data-output]", "els => Object.fromEntries(els.map(e => [e.dataset.output, +e.dataset.value]))"
    )


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
    x, y = geometry(circuit, int(page.get_attribute("#gt-canvas", "data-max-width"))).pos[node_id]
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
    # the limits follow n: a 3-bit adder takes 0 to 7, and shrinking n keeps the low bits (94 = 0b1011110)
    page.fill("#gt-n", "3")
    expect(page.locator("#gt-sum")).to_contain_text("5 + 6 = 11")
    assert page.get_attribute("#gt-a-range", "max") == "7"
    page.fill("#gt-a", "9")
    expect(page.locator("#gt-a-error")).to_contain_text("A must be at most 7; got 9 — keeping 5")
    expect(page.locator("#gt-sum")).to_contain_text("5 + 6 = 11")


@pytest.mark.parametrize(
    "name, n, nands, depth",
    [
        ("xor", None, 4, 3),
        ("half_adder", None, 5, 3),
        ("full_adder", None, 9, 6),
        ("adder", 8, 68, 18),
        ("adder", 3, 23, 8),
    ],
)
def test_nand_count_and_depth(gates, name, n, nands, depth):
    choose(gates, name, n)
    expect(gates.locator("#gt-nand-count")).to_have_text(str(nands))
    expect(gates.locator("#gt-depth")).to_have_text(str(depth))


def test_bad_bit_count_keeps_the_last_good_one(gates):
    page = gates
    choose(page, "adder", 8)
    expect(page.locator("#gt-nand-count")).to_have_text("68")
    for bad in ["abc", "", "9", "0", "2.5"]:
        page.fill("#gt-n", bad)
        expect(page.locator("#gt-n-error")).to_contain_text("keeping 8")
        assert page.get_attribute("#gt-n", "aria-invalid") == "true"
        expect(page.locator("#gt-nand-count")).to_have_text("68")
        expect(page.locator("#gt-input-boxes input")).to_have_count(16)
    page.fill("#gt-n", "3")
    expect(page.locator("#gt-n-error")).to_be_empty()
    expect(page.locator("#gt-nand-count")).to_have_text("23")  # 9n - 4
    page.fill("#gt-n", "8")
    expect(page.locator("#gt-nand-count")).to_have_text("68")


def test_keyboard_next_row_and_a_shared_link(gates, app):
    page = gates
    choose(page, "xor")
    page.click("#gt-clear")
    expect_hash(page, "#gates/x=00")  # only what differs from the defaults
    page.focus("#gt-in-b")
    page.keyboard.press("Space")
    expect(page.locator("#gt-truth-table tr.current")).to_have_attribute("data-bits", "01")
    page.focus("#gt-next")
    page.keyboard.press("Enter")  # count up: 01 -> 10
    expect(page.locator("#gt-truth-table tr.current")).to_have_attribute("data-bits", "10")
    expect_hash(page, "#gates")  # XOR with a = 1, b = 0: the first screen
    page.keyboard.press("Enter")
    expect_hash(page, "#gates/x=11")
    # links written before the lab base still open the same picture
    app.goto_lab("gates", "c=adder&n=8&a=173&b=94")
    expect(page.locator("#gt-sum")).to_contain_text("173 + 94 = 267")
    expect(page.locator("#gt-n")).to_have_value("8")
    expect_hash(page, "#gates/c=adder&a=173&b=94")
    app.goto_lab("gates", "c=full_adder&x=101")
    expect(page.locator("#gt-sum")).to_contain_text("1 + 0 + 1 = 10 in binary (carry, sum) = 2")
    # percent-encoded values read as the same text typed would (" 5 " is 5, as in the field)
    app.goto_lab("gates", "c=half%5Fadder&x=%311")
    expect(page.locator("#gt-c")).to_have_value("half_adder")
    expect(page.locator("#gt-canvas")).to_have_attribute("data-inputs", "11")
    app.goto_lab("gates", "c=adder&n=%204%20&a=%2012")
    expect(page.locator("#gt-n")).to_have_value("4")
    expect(page.locator("#gt-sum")).to_contain_text("12 + 0 = 12")
    expect(page.locator("#gt-a-error")).to_be_empty()


def test_next_row_on_a_big_adder_counts_the_numbers(gates):
    """No truth table for 6+ inputs: Next adds 1 to B, carrying into A (not B += 4, 2, ...)."""
    page = gates
    choose(page, "adder", 3)
    page.fill("#gt-a", "0")
    page.fill("#gt-b", "6")
    for sums in ("0 + 7 = 7", "1 + 0 = 1", "1 + 1 = 2"):
        page.click("#gt-next")
        expect(page.locator("#gt-sum")).to_contain_text(sums)
    expect_hash(page, "#gates/c=adder&n=3&a=1&b=1")


@pytest.mark.parametrize(
    "state, where, says, shows",
    [
        # a bad value is not used: its field says why, and the rest of the link is
        ("c=adder&n=99", "#gt-n-error", "bits n must be at most 8; got 99 (in the link) — keeping 8", "8-bit adder"),
        ("c=adder&n=4&a=999", "#gt-a-error", "A must be at most 255; got 999 (in the link) — keeping 0", "4-bit adder"),
        (
            "c=adder&n=4&a=200",
            "#gt-a-error",
            "A must be at most 15 for a 4-bit adder; got 200 (in the link) — keeping 8",
            "4-bit adder",
        ),
        ("c=adder&n=abc", "#gt-n-error", "bits n: 'abc' is not a number (in the link) — keeping 8", "8-bit adder"),
        (
            "c=__class__",
            "#gt-c-error",
            "circuit must be one of not, and, or, xor, half_adder, full_adder, adder; "
            "got '__class__' (in the link) — keeping full_adder",
            "full adder",
        ),
        # the input bits have no field of their own: the status line says it
        ("c=xor&x=12", "#gt-status", "In the link: inputs x must be 1 to 3 bits, each 0 or 1; got '12'.", "xor"),
        (
            "c=xor&x=101",
            "#gt-status",
            "In the link: inputs x must be 2 bits (0 or 1), one per input a, b; got '101'.",
            "xor",
        ),
        ("c=xor&zz=1", "#gt-status", "In the link: unknown setting 'zz' ignored.", "xor"),
    ],
)
def test_a_bad_link_says_what_is_wrong_and_uses_the_rest(gates, app, state, where, says, shows):
    page = gates
    app.goto_lab("gates", "c=full_adder")  # a link sets what it does not name to the defaults (n = 8)
    app.goto_lab("gates", state)
    expect(page.locator(where)).to_have_text(says)
    expect(page.locator("#gt-caption")).to_contain_text(f"— {shows}:")
    # the address holds what is shown, and the next good link clears the message
    page.wait_for_function("!location.hash.includes('=99') && !location.hash.includes('x=12')", timeout=5000)
    app.goto_lab("gates", "c=not&x=1")
    expect(page.locator(where)).to_be_empty()
    expect(page.locator("#gt-canvas")).to_have_attribute("data-circuit", "not")


def test_a_link_back_to_an_earlier_state_is_read_while_a_write_waits(gates):
    """Links faster than the address writes (one per app.shell.lab.URL_INTERVAL): the lab's last
    write is then stale, and a link equal to it must still be read, not taken for the lab's own."""
    page = gates
    page.evaluate("""async () => {
        // resolves once the lab has read the link (or after 3 s: a hash equal to the
        // address fires no hashchange, and a promise that never settles would hang the test)
        const go = (h) => new Promise(r => {
            const t = setTimeout(r, 3000);
            addEventListener('hashchange', () => { clearTimeout(t); setTimeout(r, 0); }, {once: true});
            location.hash = h;
        });
        await go('gates/c=and');                      // a known start, whatever came before
        await new Promise(r => setTimeout(r, 300));
        await go('gates/c=not&x=1');                  // written at once
        await go('gates/c=xor');                      // its write waits 0.1 s ...
        await go('gates/c=not&x=1');                  // ... and this link comes first
    }""")
    expect(page.locator("#gt-canvas")).to_have_attribute("data-circuit", "not")
    expect_hash(page, "#gates/c=not&x=1")


def test_a_huge_link_is_not_echoed_and_the_page_keeps_its_width(gates, app):
    """Issue 8 item 8: a pasted 100 KB value is quoted by a short prefix only."""
    page = gates
    app.goto_lab("gates", "c=xor&x=" + "1" * 100_000)
    status = page.locator("#gt-status")
    expect(status).to_contain_text("In the link: inputs x must be 1 to 3 bits")
    assert len(status.inner_text()) < 200
    app.goto_lab("gates", "c=adder&a=" + "9" * 5000)
    expect(page.locator("#gt-a-error")).to_contain_text("(in the link)")
    assert len(page.inner_text("#gt-a-error")) < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_accessible_names_say_each_thing_once(gates, app):
    """Issue 8 item 12: the diagram names its circuit once (not "xor xor") and says what it computes;
    no control's name swallows its neighbours."""
    page = gates
    app.goto_lab("gates", "c=xor&x=10")
    label = page.get_attribute("#gt-canvas", "aria-label")
    assert label == ("Diagram of the XOR circuit: 4 NAND perceptrons, depth 3; inputs a = 1, b = 0; outputs out = 1")
    expect(page.get_by_role("img", name=label, exact=True)).to_have_count(1)
    expect(page.get_by_role("combobox", name="circuit", exact=True)).to_have_count(1)
    inputs = page.get_by_role("group", name="Inputs (or click an input on the diagram)")
    for name in ("a", "b"):
        expect(inputs.get_by_role("checkbox", name=name, exact=True)).to_have_count(1)
    app.goto_lab("gates", "c=adder&n=2&a=1")
    expect(
        page.get_by_role(
            "img",
            name="Diagram of the 2-bit adder circuit: 14 NAND perceptrons, depth 6; "
            "inputs a0 = 1, a1 = 0, b0 = 0, b1 = 0; outputs s0 = 1, s1 = 0, carry = 0",
            exact=True,
        )
    ).to_have_count(1)
    for role, name in (
        ("textbox", "bits n"),
        ("textbox", "A"),
        ("textbox", "B"),
        ("slider", "A slider"),
        ("group", "bits of A"),
        ("checkbox", "a1"),
        ("checkbox", "b0"),
    ):
        expect(page.get_by_role(role, name=name, exact=True)).to_have_count(1)
    tree = page.locator("#lab-gates").aria_snapshot()
    assert "xor xor" not in tree.lower()


@pytest.mark.parametrize("state", ["c=not&x=1", "c=xor&x=10", "c=full_adder&x=101", "c=adder&n=8&a=173&b=94"])
def test_every_circuit_fits_a_phone_and_its_inputs_share_the_screen_with_the_diagram(gates, app, state):
    """Issue 8 item 13: at 390 px nothing sticks out sideways, and ticking an input keeps the diagram in view."""
    page = gates
    app.goto_lab("gates", state)
    with phone(page):
        expect(page.locator("#gt-canvas")).to_have_attribute("data-max-width", str(MIN_PHONE_DRAW_WIDTH))
        assert_fits(page, "gates")
        box = page.locator("#gt-input-boxes input").last
        box.focus()
        page.keyboard.press("Space")
        assert on_screen(page, "#gt-canvas")
        box.focus()
        page.keyboard.press("Space")
        page.evaluate("document.activeElement.blur()")
    # back at the desktop size, the diagram is drawn for the wide panel again
    expect(page.locator("#gt-canvas")).not_to_have_attribute("data-max-width", str(MIN_PHONE_DRAW_WIDTH))


def test_redraw_time_is_shown(gates):
    page = gates
    choose(page, "adder", 8)
    page.click("#gt-next")
    ms = float(page.get_attribute("#gt-draw-time", "data-ms"))
    expect(page.locator("#gt-draw-time")).to_contain_text("Drawn in")
    print(f"8-bit adder redraw in the page: {ms:.1f} ms")
    assert 0 < ms < 1000
