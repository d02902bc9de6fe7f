"""Write it yourself on a phone (390 × 844, touch): the editor indents like Python's own, the
Indent/Dedent buttons stand in for the Tab key, an IndentationError shows the line's real
start, a backprop mistake names its equation, and a pass offers the next exercise.

One touch-screen browser context for the file (its own storage: no exercise passed yet),
the tests in order like one learner's session. The keyboard's Tab and Shift+Tab, and the
way out of the editor, are in test_exercises.py (a desktop session).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from nnfs.labs.exercises import catalogue as exercises
from tests.e2e.conftest import NO_SERVICE_WORKER, open_app
from tests.e2e.test_exercises import check, open_exercise, press, type_code, wait_checker


@pytest.fixture(scope="module")
def phone(browser, server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, **NO_SERVICE_WORKER
    )
    w = open_app(context, server.url, "#exercises")
    yield w
    context.close()


def clear(page):
    page.locator("#ex-code").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")


def test_enter_indents_after_a_colon_keeps_the_indent_and_backspace_goes_back_a_level(phone):
    page = phone.page
    open_exercise(page, "perceptron")
    box = page.locator("#ex-code")
    clear(page)
    page.keyboard.type("def f(x):")
    page.keyboard.press("Enter")
    expect(box).to_have_value("def f(x):\n    ")  # one level in after the colon
    page.keyboard.type("if x > 0:  # a comment after the colon")
    page.keyboard.press("Enter")
    expect(box).to_have_value("def f(x):\n    if x > 0:  # a comment after the colon\n        ")
    page.keyboard.type("return 1")
    page.keyboard.press("Enter")  # the block is over: one level out
    page.keyboard.type("y = -x")
    page.keyboard.press("Enter")  # the same level as the line above
    expect(box).to_have_value(
        "def f(x):\n    if x > 0:  # a comment after the colon\n        return 1\n    y = -x\n    "
    )
    page.keyboard.press("Backspace")  # four spaces at once
    expect(box).to_have_value("def f(x):\n    if x > 0:  # a comment after the colon\n        return 1\n    y = -x\n")
    page.keyboard.press("Control+z")  # the browser's undo takes the editor's edits back, one by one
    expect(box).to_have_value(
        "def f(x):\n    if x > 0:  # a comment after the colon\n        return 1\n    y = -x\n    "
    )
    assert page.evaluate("document.activeElement.id") == "ex-code"


def test_the_indent_and_dedent_buttons_stand_in_for_tab_on_a_touch_screen(phone):
    page = phone.page
    box = page.locator("#ex-code")
    clear(page)
    page.keyboard.type("def f(x):")
    page.keyboard.press("Enter")
    page.keyboard.press("Backspace")
    page.keyboard.type("return x")
    expect(box).to_have_value("def f(x):\nreturn x")
    indent, dedent = page.locator("#ex-indent"), page.locator("#ex-dedent")
    for button in (indent, dedent):
        expect(button).to_be_visible()
        size = button.bounding_box()
        assert size["height"] >= 24 and size["width"] >= 24, size  # a target a finger can hit (WCAG 2.5.8)
    indent.tap()
    expect(box).to_have_value("def f(x):\n    return x")
    assert page.evaluate("document.activeElement.id") == "ex-code"  # the keyboard stays up
    assert page.evaluate("[document.activeElement.selectionStart, document.activeElement.selectionEnd]") == [22, 22]
    page.keyboard.type("  # typed on")  # the caret stayed at the end of the line, moved with it
    expect(box).to_have_value("def f(x):\n    return x  # typed on")
    dedent.tap()
    expect(box).to_have_value("def f(x):\nreturn x  # typed on")
    page.keyboard.press("Control+A")
    indent.tap()  # every selected line
    expect(box).to_have_value("    def f(x):\n    return x  # typed on")
    dedent.tap()
    dedent.tap()  # nothing left to take off
    expect(box).to_have_value("def f(x):\nreturn x  # typed on")


def test_an_indentation_error_shows_where_the_line_really_starts(phone):
    page = phone.page
    wait_checker(page)
    box = page.locator("#ex-code")
    clear(page)
    page.keyboard.type("def perceptron_output(x, w, b):")
    page.keyboard.press("Enter")
    page.keyboard.press("Backspace")  # as if the editor had not indented
    page.keyboard.type("return 1")
    expect(box).to_have_value("def perceptron_output(x, w, b):\nreturn 1")
    press(page, "#ex-run")
    out = page.inner_text("#ex-output")
    assert (
        "  1 | def perceptron_output(x, w, b):\n  2 | return 1\nLine 2 has no indentation: it starts at column 0."
        in out
    )
    clear(page)
    page.keyboard.type("def perceptron_output(x, w, b):")
    page.keyboard.press("Enter")
    page.keyboard.type("z = 1")
    page.keyboard.press("Enter")
    page.locator("#ex-indent").tap()  # one level too many
    page.keyboard.type("return z")
    expect(box).to_have_value("def perceptron_output(x, w, b):\n    z = 1\n        return z")
    press(page, "#ex-run")
    out = page.inner_text("#ex-output")
    assert "  2 | ····z = 1\n  3 | ········return z\nLine 3 starts with 8 spaces (· is a space, → a tab)." in out, out


def test_a_backprop_without_sigma_prime_in_bp1_is_told_so(phone):
    page = phone.page
    wait_checker(page)
    open_exercise(page, "backprop")
    no_bp1_prime = exercises.get("backprop").solution.replace(
        "(activations[-1] - y) * sigmoid_prime(zs[-1])", "(activations[-1] - y)"
    )
    type_code(page, no_bp1_prime)
    verdict = check(page)
    assert verdict.startswith("Not yet. nabla_b[1][0] is "), verdict  # the first wrong case, then the equation
    assert (
        "(sizes [2, 3, 1], a batch of 2 examples). Both of the output layer's gradients are off by exactly "
        "the factor σ′(zᴸ): BP1 is missing it, δᴸ = (aᴸ − y) ⊙ σ′(zᴸ)." in verdict
    ), verdict


def test_a_pass_offers_the_next_exercise_and_the_last_says_so(phone):
    page = phone.page
    wait_checker(page)
    open_exercise(page, "perceptron")
    link = page.locator("#ex-next")
    expect(link).to_be_hidden()  # not passed yet
    type_code(page, exercises.get("perceptron").solution)
    assert check(page).startswith("✓ Passed.")
    expect(link).to_be_visible()
    expect(link).to_have_text("Next exercise: " + exercises.get("nand").title)
    link.tap()
    expect(page.locator("#ex-heading")).to_have_text(exercises.get("nand").title)
    expect(page.locator("#ex-list a[data-exercise='nand']")).to_have_attribute("aria-current", "true")
    assert page.evaluate("location.hash") == "#exercises/nand"
    assert page.evaluate("document.activeElement.id") == "ex-heading"  # not left on a link that hid
    expect(link).to_be_hidden()  # nand is not passed
    page.go_back()  # one history entry per exercise: Back returns to the perceptron, passed
    expect(page.locator("#ex-heading")).to_have_text(exercises.get("perceptron").title)
    expect(link).to_be_visible()
    last = exercises.catalogue()[-1]
    open_exercise(page, last["key"])
    type_code(page, last["solution"])
    assert check(page).startswith("✓ Passed.")
    expect(link).to_be_hidden()
    expect(page.locator("#ex-last")).to_have_text(f"That was the last exercise (2 of {len(exercises.BY_KEY)} passed).")
    # No handler failed (each would log its traceback and show the page's error bar). A missing file is
    # another matter: a worktree without `./run setup`'s trained models logs their 404s.
    assert not [e for e in phone.console_errors if not e.startswith("Failed to load resource")], phone.console_errors
    expect(page.locator("#app-error")).to_be_hidden()
