"""Lab 1, the perceptron, driven like a learner would: clicks, typing, keys.

Truth tables are written out by hand; the decision line is compared with
the core's ``decision_line`` computed here in CPython.
"""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import expect

from nnfs.neurons.perceptron import decision_line

VIEW = (-0.5, 1.5, -0.5, 1.5)  # the canvas's view box (app.labs.perceptron.view.VIEW)
INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]
HAND_TABLES = {
    "and": {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1},
    "or": {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 1},
    "nand": {(0, 0): 1, (0, 1): 1, (1, 0): 1, (1, 1): 0},
}
FIELDS = ["pc-w1", "pc-w2", "pc-b", "pc-eta"]


@pytest.fixture
def page(app):
    app.goto_lab("perceptron")
    p = app.page
    if p.get_attribute("#pc-run", "aria-pressed") == "true":
        p.click("#pc-run")  # pause a run left over from another test
    p.fill("#pc-eta", "1")
    yield p
    # Clicks move Chromium's "sequential focus navigation starting point"; put it
    # back at the top of the page so later tests that count Tab presses on the
    # shared page start where a fresh page would.
    p.evaluate("""() => { const t = document.createElement('span'); t.tabIndex = -1;
        document.body.prepend(t); t.focus(); t.blur(); t.remove(); }""")


def set_input(page, x1: int, x2: int) -> None:
    """Click the toggles until the input is (x1, x2)."""
    for key, want in (("#pc-x1", x1), ("#pc-x2", x2)):
        if page.get_attribute(key, "aria-pressed") != ("true" if want else "false"):
            page.click(key)
        expect(page.locator(key)).to_have_attribute("aria-pressed", "true" if want else "false")


def shown_output(page) -> int:
    return int(page.inner_text("#pc-output"))


def canvas_attr(page, name: str) -> str:
    return page.get_attribute("#pc-canvas", f"data-{name}")


def field_value(page, key: str) -> float:
    return float(page.input_value(f"#{key}"))


@pytest.mark.parametrize("preset", ["and", "or", "nand"])
def test_each_preset_gives_its_truth_table(page, preset):
    page.click(f"#pc-preset-{preset}")
    expected = HAND_TABLES[preset]
    seen = {}
    for x in INPUTS:
        set_input(page, *x)
        expect(page.locator("#pc-canvas")).to_have_attribute("data-input", f"{x[0]},{x[1]}")
        seen[x] = shown_output(page)
        # The rule with numbers ends in the same output, and the table highlights this row.
        assert page.inner_text("#pc-rule").endswith(f"output {seen[x]}")
        assert page.get_attribute("#pc-truth-body tr.current", "data-x") == f"{x[0]},{x[1]}"
    assert seen == expected
    assert canvas_attr(page, "corners") == ",".join(str(expected[x]) for x in INPUTS)
    column = page.eval_on_selector_all("#pc-truth-body td.pc-out", "tds => tds.map(t => +t.textContent)")
    assert column == [expected[x] for x in INPUTS]


def test_inputs_toggle_from_the_keyboard(page):
    set_input(page, 0, 0)
    page.focus("#pc-x1")
    page.keyboard.press("Space")
    expect(page.locator("#pc-x1")).to_have_attribute("aria-pressed", "true")
    page.focus("#pc-x2")
    page.keyboard.press("Enter")
    expect(page.locator("#pc-x2")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-input", "1,1")


def test_typing_weights_changes_output_and_line(page):
    page.click("#pc-preset-nand")
    set_input(page, 1, 1)
    assert shown_output(page) == 0  # NAND(1, 1)
    page.fill("#pc-w1", "5")  # 5 - 2 + 3 = 6 > 0
    expect(page.locator("#pc-output")).to_have_text("1")
    assert page.inner_text("#pc-rule") == "w·x + b = (5)(1) + (-2)(1) + 3 = 6 > 0 → output 1"
    page.fill("#pc-w2", "-12.5")  # beyond the slider: allowed; 5 - 12.5 + 3 < 0
    page.fill("#pc-b", "0.25")
    expect(page.locator("#pc-output")).to_have_text("0")
    assert (canvas_attr(page, "w1"), canvas_attr(page, "w2"), canvas_attr(page, "b")) == ("5", "-12.5", "0.25")
    (a, b) = decision_line((5, -12.5), 0.25, box=VIEW)
    shown = [float(v) for v in canvas_attr(page, "line").split(",")]
    assert all(math.isclose(s, e, abs_tol=1e-5) for s, e in zip(shown, [*a, *b]))
    assert page.inner_text("#pc-threshold").startswith("threshold = −b = -0.25;")
    # "−2" as the page writes it (U+2212, e.g. copied from "w = (−2, −2)") is -2.
    page.fill("#pc-w1", "\u22122")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-w1", "-2")
    assert page.inner_text("#pc-w1-error") == ""
    # w = 0: no line at all, and the page says so.
    page.fill("#pc-w1", "0")
    page.fill("#pc-w2", "0")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-line", "none")
    assert "no line" in page.inner_text("#pc-line")


def test_a_sum_that_is_zero_on_paper_is_zero_on_the_page(page):
    # In binary floating point 0.1 + 0.2 - 0.3 = 5.55e-17 > 0; the page must not
    # show that speck (or let it flip the output): the strict step says 0.
    set_input(page, 1, 1)
    for key, value in (("pc-w1", "0.1"), ("pc-w2", "0.2"), ("pc-b", "-0.3")):
        page.fill(f"#{key}", value)
    expect(page.locator("#pc-canvas")).to_have_attribute("data-b", "-0.3")
    assert shown_output(page) == 0
    rule = page.inner_text("#pc-rule")
    assert rule.startswith("w·x + b = (0.1)(1) + (0.2)(1) + (-0.3) = 0 ≤ 0 → output 0")
    assert "5.55e-17, a rounding error, so it counts as 0" in rule
    assert page.inner_text("#pc-threshold").endswith("= 0.3 ≤ 0.3 → output 0")
    assert canvas_attr(page, "corners") == "0,0,0,0"
    assert page.inner_text("#pc-truth-body tr.current").split("\t")[2:4] == ["0", "0"]


def test_slider_moves_by_keyboard_and_updates_the_field(page):
    page.click("#pc-preset-nand")
    page.focus("#pc-b-range")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#pc-b")).to_have_value("2.9")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-b", "2.9")


def test_clicking_a_dot_on_the_canvas_selects_that_input(page):
    set_input(page, 0, 0)
    # (0, 1) is drawn at canvas pixel (128, 100): frame left 38, top 10, 360 px for 2 units.
    page.click("#pc-canvas", position={"x": 128, "y": 100})
    expect(page.locator("#pc-canvas")).to_have_attribute("data-input", "0,1")
    expect(page.locator("#pc-x2")).to_have_attribute("aria-pressed", "true")


def test_learning_and_converges_and_the_weights_compute_and(page):
    page.select_option("#pc-target", "AND")
    page.click("#pc-reset")
    assert (field_value(page, "pc-w1"), field_value(page, "pc-w2"), field_value(page, "pc-b")) == (0, 0, 0)
    page.click("#pc-run")
    expect(page.locator("#pc-run")).to_have_text("Pause")
    msg = page.locator("#pc-learn-message")
    expect(msg).to_have_attribute("data-status", "converged", timeout=20_000)
    assert page.inner_text("#pc-run") == "Run"  # stopped in the same moment, not a tick later
    # From w = 0, η = 1, AND is first all right in epoch 5 at row 2 (see the unit tests).
    converged = "Converged in epoch 5, at row 2 of 4: w = (2, 1), b = -2 gets all 4 rows right."
    assert msg.inner_text() == converged
    assert page.inner_text("#pc-last-step").startswith("Epoch 5, row 2:")
    # Stepping on changes nothing, and the message keeps saying when it converged.
    page.click("#pc-epoch")
    page.click("#pc-epoch")
    assert page.inner_text("#pc-epoch-count") == "6"
    assert msg.inner_text() == converged
    assert page.inner_text("#pc-wrong") == "0"
    w1, w2, b = (field_value(page, k) for k in ("pc-w1", "pc-w2", "pc-b"))
    assert (w1, w2, b) != (0, 0, 0)
    # The learnt weights compute AND: by hand here, and in the page by clicking.
    assert {x: int(w1 * x[0] + w2 * x[1] + b > 0) for x in INPUTS} == HAND_TABLES["and"]
    for x in INPUTS:
        set_input(page, *x)
        assert shown_output(page) == HAND_TABLES["and"][x]


def test_learning_xor_cycles_and_says_why(page):
    page.select_option("#pc-target", "XOR")
    page.click("#pc-reset")
    page.click("#pc-run")
    msg = page.locator("#pc-learn-message")
    expect(msg).to_have_attribute("data-status", "cycling", timeout=20_000)
    text = msg.inner_text()
    assert "Cycling" in text and "not linearly separable" in text
    assert "no single straight line separates XOR's 1s from its 0s" in text
    assert msg.locator("a[href='#gates']").count() == 1
    assert int(page.inner_text("#pc-wrong")) > 0
    assert page.inner_text("#pc-run") == "Run"


def test_step_epoch_and_pause(page):
    page.select_option("#pc-target", "OR")
    page.click("#pc-reset")
    page.click("#pc-step")
    step = page.inner_text("#pc-last-step")
    assert step.startswith("Epoch 1, row 1: x = (0, 0), target t = 0, prediction y = 0")
    assert page.inner_text("#pc-epoch-count") == "0"
    page.click("#pc-epoch")  # finishes epoch 1
    assert page.inner_text("#pc-epoch-count") == "1"
    assert page.inner_text("#pc-last-step").startswith("Epoch 1, row 4:")
    # Run, then Pause: the steps stop and the status stays "running".
    reset_at = page.locator("#pc-reset").bounding_box()
    page.click("#pc-run")
    expect(page.locator("#pc-last-step")).not_to_have_text("Epoch 1, row 4", timeout=5_000)
    assert page.locator("#pc-reset").bounding_box() == reset_at  # "Pause" did not push it aside
    page.click("#pc-run")
    expect(page.locator("#pc-run")).to_have_text("Run")
    frozen = page.inner_text("#pc-last-step")
    page.wait_for_timeout(400)  # > 3 steps at 8 per second, had it kept running
    assert page.inner_text("#pc-last-step") == frozen
    # A preset throws the run away: the next step starts from the preset's weights.
    page.click("#pc-preset-nand")
    assert page.inner_text("#pc-last-step") == "—"
    assert page.get_attribute("#pc-learn-message", "data-status") == "idle"


@pytest.mark.parametrize("key", FIELDS)
def test_bad_values_show_a_message_and_keep_the_last_good_value(page, key):
    page.click("#pc-preset-nand")
    set_input(page, 1, 0)
    error = page.locator(f"#{key}-error")
    rule, output, line = page.inner_text("#pc-rule"), shown_output(page), canvas_attr(page, "line")
    for bad in ["abc", "", "1e999"]:
        page.fill(f"#{key}", bad)
        expect(error).not_to_be_empty()
        assert page.get_attribute(f"#{key}", "aria-invalid") == "true"
        assert "keeping" in error.inner_text()
        assert (page.inner_text("#pc-rule"), shown_output(page), canvas_attr(page, "line")) == (rule, output, line)
    page.fill(f"#{key}", "5000")  # out of range
    expect(error).to_contain_text("at most")
    good = "0.5"
    page.fill(f"#{key}", good)
    expect(error).to_be_empty()
    assert page.get_attribute(f"#{key}", "aria-invalid") is None
    if key == "pc-eta":
        page.select_option("#pc-target", "AND")
        page.click("#pc-reset")
        page.fill("#pc-b", "0.2")  # row 1, x = (0, 0): y = 1 but t = 0, so Δb = -η = -0.5
        page.click("#pc-step")
        assert page.inner_text("#pc-last-step").endswith("Δb = η·e = -0.5.")
    else:
        expect(page.locator("#pc-canvas")).to_have_attribute(
            "data-" + {"pc-w1": "w1", "pc-w2": "w2", "pc-b": "b"}[key], good
        )


def address(page) -> str:
    return page.evaluate("decodeURIComponent(location.hash)")


def expect_address(page, want: str) -> None:
    """The address becomes ``want`` (the lab writes it at most ten times a second)."""
    page.wait_for_function("w => decodeURIComponent(location.hash) === w", arg=want, timeout=5_000)


def test_first_screen_is_consistent_and_a_copied_link_restores_the_state(fresh):
    page = fresh("#perceptron").page
    # Nielsen's NAND weights against the NAND target: no row is red.
    assert (page.input_value("#pc-w1"), page.input_value("#pc-w2"), page.input_value("#pc-b")) == ("-2", "-2", "3")
    assert page.input_value("#pc-target") == "NAND"
    assert page.inner_text("#pc-wrong") == "0"
    assert page.locator("#pc-truth-body td.wrong").count() == 0
    # A link restores weights, target, rate, speed and the input shown.
    page.evaluate("location.hash = 'perceptron/x1=0&x2=1&w1=1&w2=1&b=%E2%88%921.5&target=OR&eta=0.5&speed=max'")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-b", "-1.5")
    assert (
        page.input_value("#pc-w1"),
        page.input_value("#pc-target"),
        page.input_value("#pc-eta"),
        page.input_value("#pc-speed"),
    ) == ("1", "OR", "0.5", "max")
    assert page.get_attribute("#pc-canvas", "data-input") == "0,1"
    assert page.inner_text("#pc-wrong") == "2"  # AND's weights miss OR at (0, 1) and (1, 0)
    expect_address(page, "#perceptron/x1=0&x2=1&w1=1&w2=1&b=-1.5&target=OR&eta=0.5&speed=max")


def test_the_address_follows_every_change(page):
    page.click("#pc-preset-and")
    page.select_option("#pc-target", "AND")
    set_input(page, 1, 1)
    page.wait_for_function(
        "() => decodeURIComponent(location.hash).startsWith('#perceptron/x2=1&w1=1&w2=1&b=-1.5&target=AND')"
    )
    page.fill("#pc-w1", "1,000")  # thousands separators, as the one parser reads them
    expect(page.locator("#pc-canvas")).to_have_attribute("data-w1", "1000")
    page.wait_for_function("() => location.hash.includes('w1=1000&')")
    # A typed value beyond the slider is kept, and the field says the slider shows its end.
    expect(page.locator("#pc-w1-help")).to_contain_text("1000 is beyond the slider (-5 to 5)")
    page.fill("#pc-w1", "1")
    expect(page.locator("#pc-w1-help")).not_to_contain_text("beyond")


def test_a_bad_link_is_reported_where_the_user_looks(app):
    app.goto_lab("perceptron", "w1=" + "1" * 5000 + "&target=XNOR&colour=red")
    page = app.page
    expect(page.locator("#pc-w1-error")).to_contain_text("'" + "1" * 24 + "…' is too large")
    assert len(page.inner_text("#pc-w1-error")) < 140
    assert page.inner_text("#pc-target-error").startswith("target table must be one of AND, OR, NAND, XOR; got 'XNOR'")
    assert page.inner_text("#pc-status") == "In the link: unknown setting 'colour' ignored."


def test_speed_choice_paces_the_run_and_only_the_status_line_speaks(page):
    page.select_option("#pc-target", "AND")
    page.click("#pc-reset")
    # Count changes inside live regions (what a screen reader would announce) during the run.
    page.evaluate("""() => { window.__live = 0;
        const live = el => el.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], output:not([aria-live="off"])');
        window.__obs = new MutationObserver(ms => { for (const m of ms) {
            const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
            if (live(el)) window.__live++; } });
        window.__obs.observe(document.getElementById('lab-perceptron'), {subtree: true, childList: true, characterData: true}); }""")
    page.select_option("#pc-speed", "2")
    page.click("#pc-run")
    expect(page.locator("#pc-status")).to_have_text("Learning AND, 2 steps per second.")
    page.wait_for_timeout(1200)  # a few steps at 2 per second
    page.click("#pc-run")
    expect(page.locator("#pc-status")).to_contain_text("Paused")
    assert page.inner_text("#pc-last-step").startswith("Epoch 1, row ")  # it stepped
    live = page.evaluate("window.__obs.disconnect(), window.__live")
    assert live <= 4, f"{live} changes in live regions during a short run"
    # As fast as it goes: AND from w = 0 converges (epoch 5) at once, and the status says so.
    page.select_option("#pc-speed", "max")
    page.click("#pc-run")
    expect(page.locator("#pc-learn-message")).to_have_attribute("data-status", "converged", timeout=10_000)
    expect(page.locator("#pc-status")).to_have_text(
        "Converged in epoch 5, at row 2 of 4: w = (2, 1), b = -2 gets all 4 rows right."
    )
    page.select_option("#pc-speed", "8")
