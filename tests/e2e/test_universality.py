"""Lab 7, universality: a step at −b/w, a bump of height h, the book's challenge graded
(built by dragging and typing, passing and failing), seeded targets, and the
gradient-descent fit's deviation equal to CPython's.

Expected scores are computed here the book's way (a plain loop, math.log), not by the page's code.
"""

from __future__ import annotations

import math

import pytest

from nnfs.labs import universality as uni


@pytest.fixture(autouse=True)
def leave_no_focus_behind(app):
    yield
    app.page.evaluate("document.activeElement && document.activeElement.blur()")


def f_book(x):
    return 0.2 + 0.4 * x * x + 0.3 * x * math.sin(15 * x) + 0.05 * math.cos(50 * x)


def book_score(heights, f=f_book):
    """nnadl_site js/chap4.js's score for 5 bumps: sample j against heights[j // 20]."""
    score, x, j = 0.0, 0.0, 0
    while x <= 1:
        score += abs(math.log(f(x) / (1 - f(x))) - heights[j * len(heights) // 100]) / 100.0
        x += 0.01
        j += 1
    return score


def data(page, canvas="un-bumps") -> dict:
    return page.eval_on_selector(f"#{canvas}", "el => ({...el.dataset})")


def shown_heights(page):
    return [float(v) for v in data(page)["heights"].split()]


def type_height(page, k, value):
    page.fill(f"#un-h-{k}", str(value))


def drag_height(page, k, n, value):
    """Press on bump k's column at the height ``value`` and let go, as a mouse does."""
    d = data(page)
    x0, xs = (float(v) for v in d["px"].split())
    y0, ys = (float(v) for v in d["py"].split())
    box = page.locator("#un-bumps").bounding_box()
    width = float(page.eval_on_selector("#un-bumps", "el => el.width"))
    r = box["width"] / width  # canvas pixels -> CSS pixels
    cx, cy = x0 + xs * (k + 0.5) / n, y0 + ys * (value + 0.3)  # start a little off, then move there
    page.mouse.move(box["x"] + cx * r, box["y"] + cy * r)
    page.mouse.down()
    page.mouse.move(box["x"] + cx * r, box["y"] + (y0 + ys * value) * r, steps=3)
    page.mouse.up()


def open_challenge(app, state="n=5"):
    app.goto_lab("universality", state)
    page = app.page
    page.click("#un-zero")
    page.wait_for_function("document.getElementById('un-bumps').dataset.heights === '0.0 0.0 0.0 0.0 0.0'")
    return page


def test_a_step_sits_at_minus_b_over_w_and_a_bump_has_height_h(app):
    app.goto_lab("universality", "w=50&b=-20&s1=0.3&s2=0.7&h=1.3")
    page = app.page
    page.wait_for_function("document.getElementById('un-step').dataset.step === '0.4'")
    assert "s = −b/w = 0.4" in page.inner_text("#un-step-text")
    page.fill("#un-w", "1000")
    page.wait_for_function("document.getElementById('un-step').dataset.step === '0.02'")
    page.fill("#un-s", "0.75")  # parameterised by s: b follows, w stays
    page.wait_for_function("document.getElementById('un-step').dataset.step === '0.75'")
    assert page.input_value("#un-b") == "-750"
    assert float(data(page, "un-bump")["top"]) == pytest.approx(1.3, abs=1e-12)
    page.fill("#un-h", "-0.8")
    page.wait_for_function("document.getElementById('un-bump').dataset.top === '-0.8'")


def test_drag_and_type_a_solution_that_passes_and_one_that_fails(app):
    page = open_challenge(app)
    zero = float(data(page)["deviation"])
    assert zero == pytest.approx(book_score([0.0] * 5), abs=1e-12)
    assert data(page)["passed"] == "false" and page.inner_text("#un-verdict").startswith("Not yet")
    # The heights a learner aims at: the median of sigma^-1(f) over each fifth, to 0.1.
    goal = []
    x = 0.0
    while x <= 1:
        goal.append(math.log(f_book(x) / (1 - f_book(x))))
        x += 0.01
    aim = [round(sorted(goal[20 * k : 20 * k + 20])[9:11][0] * 10) / 10 for k in range(5)]
    for k in (0, 1, 2):
        type_height(page, k, aim[k])
    for k in (3, 4):
        drag_height(page, k, 5, aim[k])
    page.wait_for_function("document.getElementById('un-bumps').dataset.passed === 'true'")
    heights = shown_heights(page)
    assert heights[:3] == aim[:3]
    assert all(abs(h - a) <= 0.02 for h, a in zip(heights[3:], aim[3:])), (heights, aim)
    score = float(data(page)["deviation"])
    assert score == pytest.approx(book_score(heights), abs=1e-12) and score <= 0.40
    assert page.inner_text("#un-verdict").startswith(f"Passed: average deviation {score:.2f}")
    assert "(passed)" in page.inner_text("#un-best")
    # A failing one: every bump at 2.
    for k in range(5):
        type_height(page, k, 2)
    page.wait_for_function("document.getElementById('un-bumps').dataset.passed === 'false'")
    assert float(data(page)["deviation"]) == pytest.approx(book_score([2.0] * 5), abs=1e-12)
    assert page.inner_text("#un-verdict").startswith("Not yet")
    # A typo is refused beside the fields and loses nothing.
    type_height(page, 0, "2,5")
    assert "not a number" in page.inner_text("#un-heights-error")
    assert shown_heights(page)[0] == 2.0
    # The best so far is kept for this target, and brings the passing heights back.
    page.click("#un-best-load")
    page.wait_for_function("document.getElementById('un-bumps').dataset.passed === 'true'")


def test_a_new_target_is_the_same_for_the_same_seed(app):
    page = open_challenge(app, "n=5&seed=41")
    page.click("#un-new-target")
    page.wait_for_function("document.getElementById('un-bumps').dataset.target === 'random-42'")
    assert page.input_value("#un-seed") == "42"
    first = float(data(page)["deviation"])
    f = uni.random_target(42)
    assert first == pytest.approx(book_score([0.0] * 5, lambda x: float(f(x))), abs=1e-12)
    page.fill("#un-seed", "7")
    page.wait_for_function("document.getElementById('un-bumps').dataset.target === 'random-7'")
    assert float(data(page)["deviation"]) != first
    page.fill("#un-seed", "42")
    page.wait_for_function("document.getElementById('un-bumps').dataset.target === 'random-42'")
    assert float(data(page)["deviation"]) == first


def test_the_trained_fits_deviation_is_cpythons(app):
    page = open_challenge(app, "n=5&epochs=40")
    page.click("#un-fit")
    page.wait_for_function("document.getElementById('lab-universality').dataset.fitEpoch === '40'", timeout=120_000)
    page.wait_for_function("document.getElementById('lab-universality').dataset.fit === 'idle'")
    got = float(data(page)["fitDeviation"])
    here = uni.fit(uni.FitConfig(target="book", hidden=10, epochs=40, eta=2.0, batch=20, seed=1))
    assert got == pytest.approx(here.deviation(), rel=1e-9)
    assert f"{got:.3f}" in page.inner_text("#un-fit-score")
    assert "Finished 40 epochs" in page.inner_text("#un-status")
