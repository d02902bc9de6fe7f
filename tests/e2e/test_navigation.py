"""Moving between labs moves focus to the new lab's heading; opening the page does not."""

from __future__ import annotations

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName, id: el.id, tabindex: el.getAttribute('tabindex'),
          section: el.closest('section.lab')?.dataset.lab ?? null};
}"""


def labs(page):
    return page.eval_on_selector_all("#nav a", "els => els.map(e => e.dataset.lab)")


def test_clicking_a_lab_focuses_its_heading(app):
    page = app.page
    names = labs(page)
    assert len(names) >= 6
    for name in names[1:] + names[:1]:
        app.goto_lab(name)
        focused = page.evaluate(FOCUSED)
        assert focused["tag"] == "H2" and focused["section"] == name, (name, focused)
        assert focused["tabindex"] == "-1"  # focusable by script, not a new Tab stop


def test_enter_on_a_link_then_tab_continues_inside_the_lab(app):
    page = app.page
    app.goto_lab("intro")
    page.focus("#nav a[data-lab='gates']")
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.dataset.lab === 'gates'")
    assert page.evaluate(FOCUSED)["section"] == "gates"
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["section"] == "gates" and focused["tag"] != "H2", focused
    app.goto_lab("intro")


def test_back_button_focuses_the_previous_lab(app):
    page = app.page
    app.goto_lab("sigmoid")
    app.goto_lab("perceptron")
    page.go_back()
    page.wait_for_function("document.documentElement.dataset.lab === 'sigmoid'")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "H2" and focused["section"] == "sigmoid", focused
    app.goto_lab("intro")


def test_opening_the_page_on_a_lab_leaves_focus_alone(fresh):
    w = fresh("#gates")
    focused = w.page.evaluate(FOCUSED)
    assert focused["tag"] == "BODY", focused
    assert w.page.evaluate("document.documentElement.dataset.lab") == "gates"


def test_one_history_entry_per_lab_change(app):
    """Issue 22 item 10: each click on a lab's link adds one entry to the browser's history (a lab
    writing its settings into the address replaces it), so one Back returns to the lab before."""
    page = app.page
    names = [n for n in labs(page) if n != "intro"]
    app.goto_lab("intro")
    page.wait_for_timeout(600)  # a lab's pending address write (at most one per 0.5 s) lands first
    start = page.evaluate("history.length")
    for i, name in enumerate(names, 1):
        app.goto_lab(name)
        page.wait_for_timeout(700)
        assert page.evaluate("history.length") == start + i, f"opening {name} added more than one entry"
    for previous in reversed(["intro"] + names[:-1]):
        page.go_back()
        page.wait_for_function(f"document.documentElement.dataset.lab === '{previous}'", timeout=5000)
    app.goto_lab("intro")
