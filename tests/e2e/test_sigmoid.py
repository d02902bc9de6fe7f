"""Lab 3, the sigmoid neuron: the curve follows w and b, sharpening approaches the
step, the small-change numbers are right, and bad input is refused politely.

Expected values are computed here with math.exp, independently of the page's numpy.
"""

from __future__ import annotations

import math

import pytest

PROBE_X = [-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0]


@pytest.fixture(autouse=True)
def leave_no_focus_behind(app):
    """Tests elsewhere tab through the page from the top: don't leave focus inside this lab."""
    yield
    app.page.evaluate("document.activeElement && document.activeElement.blur()")


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def open_lab(app, state: str = ""):
    app.goto_lab("sigmoid", state)
    if not state:
        app.page.click("#sg-reset")
        wait_attr(app.page, "c", "1.0")
    return app.page


def wait_attr(page, name: str, value: str, canvas: str = "sg-plot"):
    page.wait_for_function(
        "([id, name, v]) => document.getElementById(id).dataset[name] === v", arg=[canvas, name, value]
    )


def plot(page) -> dict:
    return page.eval_on_selector("#sg-plot", "el => ({...el.dataset})")


def probes(page):
    d = plot(page)
    xs = [float(v) for v in d["probeX"].split()]
    ys = [float(v) for v in d["probeY"].split()]
    assert xs == PROBE_X
    return xs, ys


def assert_curve(page, w, b, c=1.0):
    xs, ys = probes(page)
    for x, y in zip(xs, ys):
        assert y == pytest.approx(sig(c * (w * x + b)), rel=1e-12, abs=1e-300), (x, y)


def shown(page, element_id: str) -> float:
    return float(page.inner_text(f"#{element_id}"))


def test_curve_follows_w_and_b_typed_and_slid(app):
    page = open_lab(app)
    assert page.is_visible("#sg-plot")
    assert_curve(page, 1.0, -1.0)

    page.fill("#sg-w", "2")
    page.fill("#sg-b", "1")
    wait_attr(page, "b", "1.0")
    assert_curve(page, 2.0, 1.0)
    assert float(plot(page)["threshold"]) == -0.5
    assert page.inner_text("#sg-threshold") == "x = −b/w = -0.5"
    assert page.input_value("#sg-w-range") == "2"

    # The slider moves the curve and writes its value into the text box.
    page.fill("#sg-w-range", "-1.5")
    wait_attr(page, "w", "-1.5")
    assert page.input_value("#sg-w") == "-1.5"
    assert_curve(page, -1.5, 1.0)

    # Keyboard on the slider: two steps of 0.1 down.
    page.focus("#sg-b-range")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_attr(page, "b", "0.8")
    assert page.input_value("#sg-b") == "0.8"
    assert_curve(page, -1.5, 0.8)
    assert float(plot(page)["threshold"]) == pytest.approx(0.8 / 1.5, rel=1e-15)

    # w = 0: no threshold; the output is the constant sigma(b).
    page.fill("#sg-w", "0")
    wait_attr(page, "threshold", "none")
    assert_curve(page, 0.0, 0.8)
    assert "no" in page.inner_text("#sg-threshold") or "none" in page.inner_text("#sg-threshold")


COLUMN_JS = """([x, rgb]) => {
  const el = document.getElementById('sg-plot');
  const [ox, sx] = el.dataset.px.split(' ').map(Number);
  const col = Math.round(ox + sx * x);
  const data = el.getContext('2d').getImageData(col, 0, 1, el.height).data;
  const rows = [];
  for (let r = 0; r < el.height; r++) {
    const d = Math.abs(data[4*r] - rgb[0]) + Math.abs(data[4*r+1] - rgb[1]) + Math.abs(data[4*r+2] - rgb[2]);
    if (d < 40) rows.push(r);
  }
  return rows;
}"""


def test_the_drawn_curve_is_sigma_of_w_x_plus_b(app):
    """Read the canvas itself: in the columns of a few inputs, the sigmoid's blue sits at sigma(w x + b)."""
    page = open_lab(app)
    page.fill("#sg-w", "-0.8")
    page.fill("#sg-b", "0.5")
    wait_attr(page, "b", "0.5")
    oy, sy = (float(v) for v in plot(page)["py"].split())
    for x in (-5.0, -1.5, 0.5, 3.0):
        rows = page.evaluate(COLUMN_JS, [x, [0x45, 0x7B, 0x9D]])
        assert rows, f"no curve pixels in the column of x = {x}"
        expected_row = oy + sy * sig(-0.8 * x + 0.5)
        assert abs((min(rows) + max(rows)) / 2 - expected_row) < 3, (x, rows, expected_row)


def test_sharpening_approaches_the_step_and_keeps_the_threshold(app):
    page = open_lab(app)  # w = 1, b = -1: threshold at x = 1
    assert page.is_hidden("#sg-legend-ghost")
    gaps = []

    def check(c):
        d = plot(page)
        assert float(d["threshold"]) == 1.0
        assert page.inner_text("#sg-threshold") == "x = −b/w = 1"
        assert float(d["weight"]) == pytest.approx(c) and float(d["bias"]) == pytest.approx(-c)
        assert_curve(page, 1.0, -1.0, c)
        # sigma is 1/2 at the threshold (the probe at x = 1) whatever c is.
        assert probes(page)[1][PROBE_X.index(1.0)] == 0.5
        # The largest gap away from the threshold (|x - 1| >= 0.5) is sigma(-c/2).
        gap = float(d["gap"])
        assert gap == pytest.approx(sig(-0.5 * c), rel=1e-12)
        assert page.inner_text("#sg-gap").startswith(f"{gap:.6f}")
        gaps.append(gap)

    check(1.0)
    page.click("#sg-double")
    wait_attr(page, "c", "2.0")
    assert page.input_value("#sg-c") == "2"
    assert page.is_visible("#sg-legend-ghost")
    check(2.0)
    page.fill("#sg-c", "10")
    wait_attr(page, "c", "10.0")
    check(10.0)
    page.fill("#sg-c-range", "100")
    wait_attr(page, "c", "100.0")
    assert page.input_value("#sg-c") == "100"
    check(100.0)
    assert all(a > b for a, b in zip(gaps, gaps[1:])), gaps
    assert gaps[-1] < 1e-20
    assert "become the step" in page.inner_text("#sg-sharpen-msg")

    page.click("#sg-reset-c")
    wait_attr(page, "c", "1.0")
    check(1.0)


def expected_change(x, w, b, dw, db):
    z, z_new = w * x + b, (w + dw) * x + b + db
    out, new = sig(z), sig(z_new)
    linear = sig(z) * (1 - sig(z)) * (x * dw + db)
    return {
        "sg-out-before": out,
        "sg-out-after": new,
        "sg-actual": new - out,
        "sg-linear": linear,
        "sg-diff": (new - out) - linear,
        "sg-sprime": sig(z) * (1 - sig(z)),
        "sg-dz": z_new - z,
    }


def set_fields(page, **values):
    for key, value in values.items():
        page.fill(f"#sg-{key}", value)


@pytest.mark.parametrize("c", ["1", "3"])
def test_small_change_numbers_match_an_independent_computation(app, c):
    page = open_lab(app)
    set_fields(page, w="1.3", b="-0.4", c=c, x="1.7", dw="0.15", db="-0.05")
    wait_attr(page, "c", f"{float(c)!r}")
    cf = float(c)
    w, b = 1.3 * cf, -0.4 * cf  # the change applies to the neuron drawn: weight c*w, bias c*b
    assert page.inner_text("#sg-neuron") == f"weight {w:g}, bias {b:g}"
    exp = expected_change(1.7, w, b, 0.15, -0.05)
    for element_id, value in exp.items():
        assert shown(page, element_id) == pytest.approx(value, abs=5.1e-7), element_id
    z = w * 1.7 + b
    assert page.inner_text("#sg-z").startswith(f"{z:.6f} → ")
    # First order: the linear estimate is close, and the error is second order.
    # (sharpened, c = 3, it is about 10 % here; at c = 1 about 1 %).
    assert abs(exp["sg-diff"]) < 0.2 * abs(exp["sg-actual"])
    # The perceptron does not notice this change (z stays positive).
    assert page.inner_text("#sg-p-before") == "1" and page.inner_text("#sg-p-after") == "1"
    assert page.inner_text("#sg-p-change") == "0"
    assert "stayed at 1" in page.inner_text("#sg-change-msg")


def test_perceptron_jumps_when_the_change_crosses_the_threshold(app):
    page = open_lab(app)
    page.click("#sg-preset-cross")  # w = 1, b = -1, x = 0.9, dw = 0.2: z = -0.1 -> 0.08
    page.wait_for_function("document.getElementById('sg-x').value === '0.9'")
    assert page.input_value("#sg-dw") == "0.2"
    assert page.inner_text("#sg-p-before") == "0"
    assert page.inner_text("#sg-p-after") == "1"
    assert page.inner_text("#sg-p-change") == "+1"
    exp = expected_change(0.9, 1.0, -1.0, 0.2, 0.0)
    assert shown(page, "sg-actual") == pytest.approx(exp["sg-actual"], abs=5.1e-7)
    assert abs(exp["sg-actual"]) < 0.05  # the sigmoid barely moves while the perceptron flips
    msg = page.locator("#sg-change-msg")
    assert "jumped from 0 to 1" in msg.inner_text()
    assert "bad" in msg.get_attribute("class")

    # Downwards across the threshold: z = 0.05 -> -0.13.
    set_fields(page, b="-0.85", dw="-0.2")
    page.wait_for_function("document.getElementById('sg-p-change').textContent === '-1'")
    assert page.inner_text("#sg-p-before") == "1" and page.inner_text("#sg-p-after") == "0"
    exp = expected_change(0.9, 1.0, -0.85, -0.2, 0.0)
    for element_id in ("sg-actual", "sg-linear", "sg-diff"):
        assert shown(page, element_id) == pytest.approx(exp[element_id], abs=5.1e-7), element_id

    # And back to a change that does not cross: the perceptron shows 0.
    page.click("#sg-preset-small")
    page.wait_for_function("document.getElementById('sg-p-change').textContent === '0'")
    assert "good" in msg.get_attribute("class")


BAD = {
    "w": "11",
    "b": "-10.5",
    "c": "0",
    "x": "7",
    "dw": "3",
    "db": "-2.5",
}


def snapshot(page):
    return (
        plot(page),
        page.eval_on_selector("#sg-zplot", "el => ({...el.dataset})"),
        page.inner_text("#sg-actual"),
        page.inner_text("#sg-p-change"),
    )


@pytest.mark.parametrize("key", list(BAD))
def test_bad_input_shows_a_message_and_keeps_the_last_good_value(app, key):
    page = open_lab(app)
    field, error = f"#sg-{key}", f"#sg-{key}-error"
    good = page.input_value(field)
    before = snapshot(page)
    for bad in ("abc", "", "1e999", BAD[key]):
        page.fill(field, bad)
        page.wait_for_function("id => document.getElementById(id).textContent !== ''", arg=f"sg-{key}-error")
        message = page.inner_text(error)
        assert f"keeping {good}" in message, (bad, message)
        assert page.get_attribute(field, "aria-invalid") == "true"
        assert page.is_visible(error)
        assert snapshot(page) == before, bad
        if bad == BAD[key]:
            assert "must be at" in message
        elif bad == "":
            assert "empty" in message
        else:
            assert "not a number" in message or "too large" in message
    page.fill(field, good)
    page.wait_for_function("id => document.getElementById(id).textContent === ''", arg=f"sg-{key}-error")
    assert page.get_attribute(field, "aria-invalid") is None
    assert snapshot(page) == before


def test_state_in_the_address(app):
    page = open_lab(app, "w=4&b=-2&c=3&x=oops")
    wait_attr(page, "w", "4.0")
    assert page.input_value("#sg-b") == "-2" and page.input_value("#sg-c") == "3"
    assert_curve(page, 4.0, -2.0, 3.0)
    assert float(plot(page)["threshold"]) == 0.5
    assert page.input_value("#sg-x") == "2"  # the bad value is ignored, and the field says so
    assert page.inner_text("#sg-x-error") == "input x: 'oops' is not a number (in the link) — keeping 2"
    assert page.get_attribute("#sg-x", "aria-invalid") == "true"
    page = open_lab(app, "w=1e400&b=-3")
    wait_attr(page, "b", "-3.0")
    assert "weight w: '1e400' is too large" in page.inner_text("#sg-w-error")
    assert page.input_value("#sg-w") == "4" and page.inner_text("#sg-b-error") == ""
    assert page.inner_text("#sg-x-error") == ""  # the earlier link's complaint is gone
    open_lab(app)
    assert page.inner_text("#sg-w-error") == ""  # Reset everything clears it


def address(page) -> str:
    return page.evaluate("decodeURIComponent(location.hash)")


def expect_address(page, want: str) -> None:
    """The address becomes ``want`` (the lab writes it at most ten times a second)."""
    page.wait_for_function("w => decodeURIComponent(location.hash) === w", arg=want, timeout=5_000)


def test_the_address_follows_the_fields_and_a_copied_link_restores_them(app, fresh):
    page = open_lab(app)
    expect_address(page, "#sigmoid")  # all defaults: nothing to store
    history = page.evaluate("history.length")
    page.fill("#sg-w", "2.5")
    page.fill("#sg-c-range", "10")
    page.click("#sg-double")
    wait_attr(page, "c", "20.0")
    expect_address(page, "#sigmoid/w=2.5&c=20")
    assert page.evaluate("history.length") == history  # replaceState: no history entry per change
    link = page.url
    # The copied link, opened cold in another browser context, shows the same.
    other = fresh("#" + link.split("#", 1)[1]).page
    other.wait_for_function("document.getElementById('sg-plot').dataset.c === '20.0'")
    assert other.input_value("#sg-w") == "2.5" and other.input_value("#sg-c") == "20"
    assert_curve(other, 2.5, -1.0, 20.0)
    page.click("#sg-reset")
    expect_address(page, "#sigmoid")


def test_a_percent_encoded_link_reads_as_typed(app):
    # A browser writes "−3" (true minus) into the address as %E2%88%92 3.
    page = open_lab(app, "w=%E2%88%923&c=1%2C000")
    wait_attr(page, "w", "-3.0")
    assert page.inner_text("#sg-w-error") == "" and page.input_value("#sg-c") == "1000"


def test_a_huge_link_is_quoted_by_a_short_prefix(app):
    page = open_lab(app, "w=" + "9" * 100_000 + "&" + "&".join(f"junk{i}=1" for i in range(2000)))
    page.wait_for_function("document.getElementById('sg-w-error').textContent !== ''")
    message = page.inner_text("#sg-w-error")
    assert message.startswith("weight w: '" + "9" * 24 + "…' is too large") and len(message) < 140
    status = page.inner_text("#sg-status")
    assert status.startswith("In the link: unknown setting 'junk0' ignored;") and len(status) < 400
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    open_lab(app)
    assert page.inner_text("#sg-status") == "" and page.inner_text("#sg-w-error") == ""


def test_the_note_on_sharpening_says_what_really_happens(app):
    # Independent figures: sigma at x = 2, w = 1, b = -1, dw = 0.1 for the neuron c*w, c*b.
    page = open_lab(app)
    note = page.inner_text("#sg-sharpen-change")

    def moved(c):
        return sig(c * 1 + 0.1 * 2 - c) if False else sig(c * (2 - 1) + 0.2) - sig(c * (2 - 1))

    assert round(moved(1), 6) == 0.037466 and round(moved(128), 6) == 0
    assert note.startswith(
        f"Sharpen it and the same Δw moves the output less, not more: Δoutput "
        f"+{moved(1):.6f} at c = 1, +{moved(2):.6f} at c = 2, 0.000000 at c = 128."
    )
    assert "moves the output more" not in page.inner_text("#lab-sigmoid")
    # On the threshold (x = 1) sharpening changes nothing: z = 0 for every c.
    page.fill("#sg-x", "1")
    page.wait_for_function("document.getElementById('sg-sharpen-change').textContent.startsWith('This x is on')")
    assert f"+{sig(0.1) - 0.5:.6f} at c = 128" in page.inner_text("#sg-sharpen-change")


def test_a_fast_drag_leaves_the_address_right(app):
    """Chromium ignores more than 200 replaceState calls in 10 s: a lab that wrote the address on
    every input event would leave it stale after a long drag. 300 slider moves, then the last value."""
    page = open_lab(app)
    page.evaluate("""() => { const s = document.getElementById('sg-b-range');
        for (let i = 0; i < 300; i++) { s.value = String(-5 + (i % 100) / 10);
            s.dispatchEvent(new Event('input', {bubbles: true})); }
        s.value = '4.2'; s.dispatchEvent(new Event('input', {bubbles: true})); }""")
    wait_attr(page, "b", "4.2")
    expect_address(page, "#sigmoid/b=4.2")
    page.click("#sg-reset")
    expect_address(page, "#sigmoid")
