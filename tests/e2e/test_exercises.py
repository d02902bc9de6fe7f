"""Write it yourself: a person types wrong and right answers, the checker judges them in its worker.

One browser context for the whole file (its own storage, so progress starts
empty): the tests run in order, like one learner's session — every exercise
wrong then right, a traceback, an infinite loop stopped, the Gates lab on the
learner's nand, then a reload that keeps it all.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from nnfs.labs.exercises import catalogue as exercises
from tests.e2e.conftest import open_app

CHECKER_MS = 120_000
VERDICT_MS = 60_000

# A wrong answer a learner might type for each exercise, and what the verdict must say.
WRONG = {
    "perceptron": (
        "def perceptron_output(x, w, b):\nz = sum(a * c for a, c in zip(x, w)) + b\nreturn 1 if z >= 0 else 0\n",
        r"a sum of exactly 0 gives 0",
    ),
    "nand": (
        "def nand(x1, x2):\nreturn perceptron_output([x1, x2], [-2, -2], 1)\n",
        r"nand\(0, 1\) returned 0, expected 1",
    ),
    "xor": ("def xor(x1, x2):\nreturn x1 ^ x2\n", r"`x1 \^ x2` uses an arithmetic or bitwise operator"),
    "half_adder": (
        "def half_adder(x1, x2):\nreturn nand(x1, x2), xor(x1, x2)\n",
        r"half_adder\(0, 0\) returned \(1, 0\), expected \(0, 0\)",
    ),
    "adder": (
        exercises.get("adder").solution.replace("return bits + [carry]", "return bits"),
        r"add\(\[0\], \[0\]\) returned \[0\], expected \[0, 0\]",
    ),
    "sigmoid": (
        "import numpy as np\n\ndef sigmoid(z):\nreturn 1 / (1 + np.exp(-z))\n",
        r"printed a warning: \"overflow encountered in exp\"",
    ),
    "feedforward": (exercises.get("feedforward").solution.replace("a @ w.T + b", "a @ w.T"), r"the output\[0, 0\] is"),
    "backprop": (
        exercises.get("backprop").solution.replace("delta.sum(axis=0) / n", "delta.sum(axis=0)"),
        r"times too big: that is the batch size.*\. nabla_w\[1\] is right, so δ is right in this layer: the slip is in BP3",
    ),
    "sgd": (
        exercises.get("sgd").solution.replace("w - eta * nw", "w + eta * nw"),
        r"weights\[0\]\[0, 0\] is .* Your step went uphill: the cost on this batch rose from",
    ),
    "conv": (
        exercises.get("conv").solution.replace("* kernel)", "* kernel[::-1, ::-1])"),
        r"\[0, 0\] is 4\.0, expected -4\.0: .* — it is the convolution with the filter flipped",
    ),
}


@pytest.fixture(scope="module")
def learner(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    w = open_app(context, server.url, "#exercises")
    yield w
    context.close()


def wait_checker(page):
    page.wait_for_function("['ready', 'failed'].includes(document.documentElement.dataset.checker)", timeout=CHECKER_MS)
    assert page.evaluate("document.documentElement.dataset.checker") == "ready", page.inner_text("#ex-status")
    print(f"\nchecker worker started in {page.evaluate('document.documentElement.dataset.checkerMs')} ms", end="")


def open_exercise(page, key):
    if page.evaluate("document.documentElement.dataset.lab") != "exercises":
        page.click("#nav a[data-lab='exercises']")
    page.click(f"#ex-list a[data-exercise='{key}']")
    expect(page.locator(f"#ex-list a[data-exercise='{key}']")).to_have_attribute("aria-current", "true")


def type_code(page, code):
    """Clear the editor and type ``code`` key by key. The editor indents after each Enter
    (Python's rules: tests/e2e/test_exercises_editor.py); a test's strings carry their own
    indentation, so after each Enter the offered indentation is selected (Shift+Home) and
    deleted, as a person who knows what they want would, and the line typed as it is."""
    box = page.locator("#ex-code")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for i, line in enumerate(_indented(code).split("\n")):
        if i:
            page.keyboard.press("Enter")
            page.keyboard.press("Shift+Home")
            page.keyboard.press("Delete")
        page.keyboard.type(line)
    expect(box).to_have_value(_indented(code))


def _indented(code):
    """WRONG's short answers leave the body unindented for brevity: indent lines after a def."""
    out, inside = [], False
    for line in code.splitlines():
        if line.startswith("def "):
            inside = True
            out.append(line)
        elif inside and line and not line.startswith(" "):
            out.append("    " + line)
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def answers(page) -> int:
    return int(page.get_attribute("#ex-verdict", "data-answers") or 0)


def press(page, button):
    """Click Run or Check and wait for the worker's answer (the lab counts them)."""
    before = answers(page)
    page.click(button)
    page.wait_for_function(
        f"+(document.getElementById('ex-verdict').dataset.answers || 0) > {before}", timeout=VERDICT_MS
    )


def check(page):
    press(page, "#ex-check")
    return page.inner_text("#ex-verdict")


@pytest.mark.parametrize("key", list(exercises.BY_KEY))
def test_a_wrong_answer_then_a_right_one(learner, key):
    page = learner.page
    wait_checker(page)
    open_exercise(page, key)
    wrong, message = WRONG[key]
    type_code(page, wrong)
    verdict = check(page)
    assert verdict.startswith("Not yet.") and re.search(message, verdict), verdict
    expect(page.locator(f"#ex-list a[data-exercise='{key}']")).not_to_have_class("passed")
    type_code(page, exercises.get(key).solution)
    verdict = check(page)
    assert verdict.startswith("✓ Passed."), verdict
    expect(page.locator(f"#ex-list a[data-exercise='{key}']")).to_have_class("passed")
    print(f"\n{key}: check took {page.get_attribute('#ex-verdict', 'data-ms')} ms in the worker")


CONV = exercises.get("conv").solution
SAME_SIZE = CONV.replace(
    "    out = np.zeros((rows, cols))\n    for i in range(rows):",
    "    out = np.zeros(image.shape)\n    for i in range(rows):",
    1,
)
PARTIAL_BLOCKS = CONV.replace(
    "m.shape[0] // size, m.shape[1] // size", "-(-m.shape[0] // size), -(-m.shape[1] // size)"
)
CLIPPED_SIGMOID = exercises.get("sigmoid").solution.replace(
    "z = np.asarray(z, dtype=float)", "z = np.clip(np.asarray(z, dtype=float), -30, 30)"
)


def test_the_convolution_exercise_names_the_shape_and_pooling_mistakes(learner):
    """Exercise 10 as a learner meets it: the statement, its Run examples, a 'same'-size answer
    and pooling that keeps partial blocks refused with the expected shapes, then a pass."""
    page = learner.page
    wait_checker(page)
    open_exercise(page, "conv")
    expect(page.locator("#ex-heading")).to_have_text("10 · Convolution and max-pooling")
    expect(page.locator("#ex-statement")).to_contain_text("(H − k + 1, W − k + 1)")
    expect(page.locator("#ex-uses")).to_contain_text("feature maps with your convolve and max_pool")
    assert SAME_SIZE != CONV and PARTIAL_BLOCKS != CONV
    type_code(page, SAME_SIZE)
    verdict = check(page)
    assert verdict.startswith("Not yet.") and re.search(
        r"returned shape \(3, 3\), expected \(2, 2\): the same size as the image, as a 'same' \(padded\) convolution gives",
        verdict,
    ), verdict
    type_code(page, PARTIAL_BLOCKS)
    verdict = check(page)
    assert verdict.startswith("Not yet.") and re.search(
        r"returned shape \(2, 3\), expected \(1, 2\) = \(3 // 2, 5 // 2\): it kept the partial blocks", verdict
    ), verdict
    type_code(page, CONV)
    press(page, "#ex-run")
    expect(page.locator("#ex-output")).to_contain_text(
        ">>> convolve(image, np.array([[1.0, 0.0], [0.0, -1.0]]))\n[[-4.0, -4.0],"
    )
    verdict = check(page)
    assert verdict.startswith("✓ Passed. convolve is right on 85 cases"), verdict


def test_a_sigmoid_that_clips_z_fails_in_the_page(learner):
    """Within 1e-10 of the truth everywhere, so an absolute tolerance passed it; the page's
    numpy (WebAssembly) compares relatively as the statement promises, and says what it saw."""
    page = learner.page
    wait_checker(page)
    open_exercise(page, "sigmoid")
    type_code(page, CLIPPED_SIGMOID)
    verdict = check(page)
    assert verdict.startswith("Not yet. sigmoid(-40.0) returned 9.35762e-14, expected 4.24835e-18: "), verdict
    assert "did you clip z to ±30?" in verdict, verdict
    type_code(page, exercises.get("sigmoid").solution)
    assert check(page).startswith("✓ Passed. Right to rounding")


def test_run_shows_examples_and_an_error_shows_only_the_learners_lines(learner):
    page = learner.page
    open_exercise(page, "nand")
    type_code(page, "def nand(x1, x2):\n    y = helper(x1)\n    return y\n\ndef helper(a):\n    return a / 0\n")
    press(page, "#ex-run")
    expect(page.locator("#ex-verdict")).to_have_text("Your code raised an error (see below).")
    out = page.inner_text("#ex-output")
    assert "Traceback (your code only):\n  line 2, in nand\n    y = helper(x1)\n  line 6, in helper" in out
    assert out.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "File " not in out and "nnfs" not in out and "pyodide" not in out.lower()
    verdict = check(page)
    assert "nand(0, 0) raised an exception." in verdict and "line 6, in helper" in verdict
    type_code(page, exercises.get("nand").solution)
    press(page, "#ex-run")
    expect(page.locator("#ex-output")).to_have_text(">>> nand(0, 0)\n1\n>>> nand(1, 1)\n0")


def test_hints_one_at_a_time_and_the_solution_after_trying(learner):
    page = learner.page
    open_exercise(page, "xor")
    page.click("#ex-reset")
    expect(page.locator("#ex-code")).to_have_value(exercises.get("xor").stub)
    hints = exercises.get("xor").hints
    expect(page.locator("#ex-hints li")).to_have_count(0)
    for i in range(len(hints)):
        page.click("#ex-hint")
        expect(page.locator("#ex-hints li")).to_have_count(i + 1)
    expect(page.locator("#ex-hint")).to_be_disabled()
    page.click("#ex-undo")  # the code before the reset comes back
    expect(page.locator("#ex-code")).to_have_value(exercises.get("xor").solution)
    page.click("#ex-show-solution")  # enabled: Check was pressed on this exercise before
    expect(page.locator("#ex-solution-code")).to_have_text(exercises.get("xor").solution)


def test_tab_indents_and_escape_then_tab_leaves_the_editor(learner):
    """Tab and Shift+Tab indent and dedent (the caret's line, or every selected line); Esc, then
    Tab or Shift+Tab, leaves the editor either way: no keyboard trap."""
    page = learner.page
    wait_checker(page)
    open_exercise(page, "half_adder")
    box = page.locator("#ex-code")
    type_code(page, "def half_adder(x1, x2):\n")
    page.keyboard.press("Tab")
    page.keyboard.type("return xor(x1, x2), 0")
    expect(box).to_have_value("def half_adder(x1, x2):\n    return xor(x1, x2), 0")
    page.keyboard.press("Shift+Tab")
    expect(box).to_have_value("def half_adder(x1, x2):\nreturn xor(x1, x2), 0")
    page.keyboard.press("Control+A")
    page.keyboard.press("Tab")
    expect(box).to_have_value("    def half_adder(x1, x2):\n    return xor(x1, x2), 0")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # nothing left to take off: nothing changes
    expect(box).to_have_value("def half_adder(x1, x2):\nreturn xor(x1, x2), 0")
    page.keyboard.press("Control+End")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    expect(box).to_have_value("def half_adder(x1, x2):\n    return xor(x1, x2), 0")
    assert page.evaluate("document.activeElement.id") == "ex-code"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # no keyboard trap
    assert page.evaluate("document.activeElement.id") != "ex-code"
    page.click("#ex-code")
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")  # out backwards too
    assert page.evaluate("document.activeElement.id") != "ex-code"
    expect(box).to_have_value("def half_adder(x1, x2):\n    return xor(x1, x2), 0")
    page.click("#ex-code")
    page.keyboard.press("Control+Enter")  # checks, like the button
    page.wait_for_function(
        "document.getElementById('ex-verdict').textContent.startsWith('Not yet.')", timeout=VERDICT_MS
    )
    type_code(page, exercises.get("half_adder").solution)


def test_an_infinite_loop_is_stopped_and_the_page_still_answers(learner):
    page = learner.page
    open_exercise(page, "perceptron")
    type_code(page, "def perceptron_output(x, w, b):\n    while True:\n        pass\n")
    page.click("#ex-check")
    # While the worker spins, the page answers: a hint appears at once.
    page.click("#ex-reset")
    page.click("#ex-hint")
    expect(page.locator("#ex-hints li")).to_have_count(1, timeout=2000)
    verdict = page.locator("#ex-verdict")
    expect(verdict).to_have_text(re.compile(r"^Stopped after 5 s: your code was still running"), timeout=VERDICT_MS)
    wait_checker(page)  # a fresh worker
    page.click("#ex-undo")
    type_code(page, exercises.get("perceptron").solution)
    assert check(page).startswith("✓ Passed.")


SPY_NAND = '''def nand(x1, x2):
    try:   # this would count calls on the page's thread; in the checker's worker there is no document
        import js
        root = js.document.documentElement
        root.dataset.myNandCalls = str(int(getattr(root.dataset, "myNandCalls", 0)) + 1)
    except Exception:
        pass
    return perceptron_output([x1, x2], [-2, -2], 3)
'''


def test_the_gates_lab_runs_on_the_learners_nand(learner):
    page = learner.page
    open_exercise(page, "nand")
    type_code(page, SPY_NAND)
    assert check(page).startswith("✓ Passed.")
    learner.goto_lab("gates", "c=adder&n=8&a=173&b=94")
    toggle = page.locator("#gt-mine")
    expect(toggle).to_be_enabled()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#gt-canvas")).to_have_attribute("data-nand", "perceptron")
    assert page.evaluate("document.documentElement.dataset.myNandCalls") is None
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#gt-canvas")).to_have_attribute("data-nand", "mine")
    expect(page.locator("#gt-sum")).to_have_attribute("data-sum", "267")
    expect(page.locator("#gt-check")).to_have_class(re.compile(r"\bgood\b"))
    page.fill("#gt-a", "200")
    page.press("#gt-a", "Enter")
    expect(page.locator("#gt-sum")).to_have_attribute("data-sum", "294")
    # Their nand's answers were recorded by the checker's worker: their code never ran on the
    # page's thread, where a loop on an input the check did not try would freeze the page.
    assert page.evaluate("document.documentElement.dataset.myNandCalls") is None
    toggle.click()  # off: the perceptron again
    expect(page.locator("#gt-canvas")).to_have_attribute("data-nand", "perceptron")
    page.fill("#gt-b", "1")
    page.press("#gt-b", "Enter")
    expect(page.locator("#gt-sum")).to_have_attribute("data-sum", "201")
    toggle.click()  # on again, kept for the reload test


SPY_RULE = '''def perceptron_output(x, w, b):
    try:   # counts the calls on the page's thread (the Perceptron lab); the checker's worker has no document
        import js   # (a JS global, not a DOM attribute: a redraw makes 2,000 calls within a time budget)
        js.myRuleCalls = (getattr(js, "myRuleCalls", None) or 0) + 1
    except Exception:
        pass
    z = sum(xi * wi for xi, wi in zip(x, w)) + b
    return 1 if z > 0 else 0
'''


def calls(page, name):
    return int(page.evaluate(f"globalThis.{name} || 0"))


def test_the_perceptron_lab_runs_on_the_learners_rule(learner):
    page = learner.page
    open_exercise(page, "perceptron")
    type_code(page, SPY_RULE)
    assert check(page).startswith("✓ Passed.")
    learner.goto_lab("perceptron", "w1=-2&w2=-2&b=3")
    toggle = page.locator("#pc-mine")
    expect(toggle).to_be_enabled()
    expect(page.locator("#pc-canvas")).to_have_attribute("data-rule", "perceptron")
    assert calls(page, "myRuleCalls") == 0
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-rule", "mine")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-corners", "1,1,1,0")  # NAND, by the learner's rule
    before = calls(page, "myRuleCalls")
    assert before > 4  # the output, the table, the corners and the shading's points
    page.click("#pc-preset-and")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-corners", "0,0,0,1")
    expect(page.locator("#pc-output")).to_have_text("0")  # x = (1, 0)
    assert calls(page, "myRuleCalls") > before
    toggle.click()
    expect(page.locator("#pc-canvas")).to_have_attribute("data-rule", "perceptron")
    before = calls(page, "myRuleCalls")
    page.click("#pc-preset-or")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-corners", "0,1,1,1")
    assert calls(page, "myRuleCalls") == before


def test_progress_survives_a_reload_and_nothing_left_the_origin(learner):
    page = learner.page
    learner.goto_lab("exercises", "sigmoid")
    mine = _indented(exercises.get("sigmoid").solution + "\n# my notes\n")
    type_code(page, mine)
    passed = page.eval_on_selector_all("#ex-list a.passed", "els => els.map(e => e.dataset.exercise)")
    assert "nand" in passed
    page.reload()
    page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=90_000)
    expect(page.locator("#ex-list a.passed")).to_have_count(len(passed))
    assert page.eval_on_selector_all("#ex-list a.passed", "els => els.map(e => e.dataset.exercise)") == passed
    expect(page.locator("#ex-list a[data-exercise='sigmoid']")).to_have_attribute("aria-current", "true")
    expect(page.locator("#ex-code")).to_have_value(mine)
    expect(page.locator("#ex-verdict")).to_have_text("✓ You passed this exercise before.")
    learner.goto_lab("gates", "c=adder&n=8&a=173&b=94")
    expect(page.locator("#gt-mine")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#gt-canvas")).to_have_attribute("data-nand", "mine")
    expect(page.locator("#gt-sum")).to_have_attribute("data-sum", "267")
    assert learner.foreign_requests == []
    assert page.evaluate("crossOriginIsolated") is False  # a plain server: no COOP/COEP headers needed
    assert any(u.endswith("py/worker/checker.py") for u in learner.requests)
    assert not learner.console_errors, learner.console_errors


def _stored(page):
    return json.loads(page.evaluate("localStorage.getItem('nnfs.labs.exercises.catalogue.v1')"))


def _store(page, record):
    """Put ``record`` in storage and reload. Waits for every lab to be set up, not only the one on
    screen: the exercises lab saves the progress it loaded when it is set up, and one set up late
    (after a slow lab, e.g. Chapter 6 reading its pretrained model) would overwrite the next _store."""
    page.evaluate("t => localStorage.setItem('nnfs.labs.exercises.catalogue.v1', t)", json.dumps(record))
    page.reload()
    page.wait_for_function("document.documentElement.dataset.labsReady === 'true'", timeout=90_000)


def test_the_gates_lab_uses_the_answers_the_checker_recorded(learner):
    """The table is what the Gates lab runs: one recorded as OR (a record no check would
    leave, put in storage by hand) makes every NAND an OR, and the adder's sum changes."""
    page = learner.page
    record = _stored(page)
    assert record["exercises"]["nand"]["table"] == {"00": 1, "01": 1, "10": 1, "11": 0}
    record["exercises"]["nand"]["table"] = {"00": 0, "01": 1, "10": 1, "11": 1}
    _store(page, record)
    learner.goto_lab("gates", "c=adder&n=8&a=173&b=94")
    expect(page.locator("#gt-canvas")).to_have_attribute("data-nand", "mine")
    expect(page.locator("#gt-sum")).not_to_have_attribute("data-sum", "267")
    expect(page.locator("#gt-check")).not_to_have_class(re.compile(r"\bgood\b"))
    del record["exercises"]["nand"]["table"]  # a pass from before answers were recorded: check it again
    _store(page, record)
    learner.goto_lab("gates", "c=adder&n=8&a=173&b=94")
    expect(page.locator("#gt-mine")).to_be_disabled()
    expect(page.locator("#gt-canvas")).to_have_attribute("data-nand", "perceptron")
    expect(page.locator("#gt-sum")).to_have_attribute("data-sum", "267")


ENDLESS_RULE = '''def perceptron_output(x, w, b):
    while w[0] == -1.5:   # an input the check never tried
        pass
    z = sum(xi * wi for xi, wi in zip(x, w)) + b
    return 1 if z > 0 else 0
'''


def test_an_endless_perceptron_rule_cannot_freeze_the_page(learner):
    """The Perceptron lab runs the learner's rule on the page's thread, within a time budget."""
    page = learner.page
    record = _stored(page)
    record["exercises"]["perceptron"] = {"passed": ENDLESS_RULE}
    record["use"]["perceptron_output"] = True
    _store(page, record)
    learner.goto_lab("perceptron", "w1=-2&w2=-2&b=3")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-rule", "mine")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-corners", "1,1,1,0")
    learner.goto_lab("perceptron", "w1=-1.5&w2=-2&b=3")
    note = page.locator("#pc-mine-note")
    expect(note).to_contain_text("Your perceptron_output took more than 3 s", timeout=20_000)
    expect(page.locator("#pc-mine")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-rule", "perceptron")
    expect(page.locator("#pc-canvas")).to_have_attribute("data-corners", "1,1,1,0")  # the core's rule, drawn in full
    page.click("#pc-preset-or")  # the page answers
    expect(page.locator("#pc-canvas")).to_have_attribute("data-corners", "0,1,1,1")


MY_CONV = '''import numpy as np


def convolve(image, kernel):
    k = kernel.shape[0]
    h, w = image.shape[0] - k + 1, image.shape[1] - k + 1
    out = np.zeros((h, w))
    for i in range(k):
        for j in range(k):
            out += kernel[i, j] * image[i : i + h, j : j + w]
    return out


def max_pool(feature_map, size):
    h, w = feature_map.shape[0] // size, feature_map.shape[1] // size
    return feature_map[: h * size, : w * size].reshape(h, size, w, size).max(axis=(1, 3))
'''


def test_the_chapter6_lab_draws_layer_1_with_the_learners_convolve_and_max_pool(learner):
    """Once exercise 10 has passed, "Use my convolve and max_pool" draws the first conv layer's maps
    with the learner's functions, and the lab says they equal the core's."""
    page = learner.page
    record = _stored(page)
    record["exercises"]["conv"] = {"passed": MY_CONV}
    record["use"]["convolve"] = True
    _store(page, record)
    learner.goto_lab("chapter6")
    page.wait_for_function("document.getElementById('c6-look').dataset.model === 'pretrained'", timeout=90_000)
    page.fill("#c6-image", "0")
    page.click("#c6-read-test")
    expect(page.locator("#c6-look")).to_have_attribute("data-source", "test:0")
    expect(page.locator("#c6-look")).to_have_attribute("data-mine", "yes")
    expect(page.locator("#c6-mine")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#c6-mine-note")).to_contain_text("they equal the core's")
    page.click("#c6-mine")  # off: the core's maps
    expect(page.locator("#c6-look")).to_have_attribute("data-mine", "no")


def test_the_checker_is_warmed_for_the_exercise_on_screen_and_not_started_before(fresh):
    """The checker's worker starts only when Write it yourself opens; then, while the learner
    reads, it checks the exercise on screen once (runner.warm), so that the first Check is as
    quick as the next (bench/first_click.py measures it); choosing another exercise warms that."""
    w = fresh("#playground")
    page = w.page
    page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=CHECKER_MS)
    page.wait_for_timeout(1000)
    assert page.evaluate("document.documentElement.dataset.checker") is None  # no third interpreter yet
    w.goto_lab("exercises")
    wait_checker(page)
    current = page.get_attribute("#ex-list a[aria-current='true']", "data-exercise")
    page.wait_for_function(
        "(k) => (document.documentElement.dataset.checkerWarm || '').split(',').includes(k)",
        arg=current,
        timeout=VERDICT_MS,
    )
    other = "conv" if current != "conv" else "sgd"
    open_exercise(page, other)
    page.wait_for_function(
        "(k) => (document.documentElement.dataset.checkerWarm || '').split(',').includes(k)",
        arg=other,
        timeout=VERDICT_MS,
    )
    assert page.evaluate("document.documentElement.dataset.checkerWarm").split(",") == sorted({current, other})
    assert not w.console_errors, w.console_errors
