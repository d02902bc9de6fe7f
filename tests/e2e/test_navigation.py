"""Moving between labs moves focus to the new lab's heading; opening the page does not."""

from __future__ import annotations

from .layout import DESKTOP, PHONE, phone

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


def test_one_history_entry_per_lab_change(fresh):
    """Issue 22 item 10: each click on a lab's link adds one entry to the browser's history (a lab
    writing its settings into the address replaces it), so one Back returns to the lab before.
    A fresh page: the browser keeps at most 50 entries, which the shared page may have used."""
    app = fresh("#intro")
    page = app.page
    names = [n for n in labs(page) if n != "intro"]
    page.wait_for_timeout(600)  # a lab's pending address write (at most one per 0.5 s) lands first
    start = page.evaluate("history.length")
    for i, name in enumerate(names, 1):
        app.goto_lab(name)
        page.wait_for_timeout(700)
        assert page.evaluate("history.length") == start + i, f"opening {name} added more than one entry"
    for previous in reversed(["intro"] + names[:-1]):
        page.go_back()
        page.wait_for_function(f"document.documentElement.dataset.lab === '{previous}'", timeout=15_000)


# Issue 21, item 5: at 390 × 844 the header and the nine wrapped nav links took the top 359 px
# (43 %) of every lab's first screen. On a phone the title is one line and the labs one row that
# scrolls sideways: the lab starts on its first screen, the current lab is marked and in view.
FIRST_SCREEN = """() => {
  const rect = (el) => el.getBoundingClientRect();
  const section = document.querySelector('section.lab:not([hidden])');
  const row = document.getElementById('nav');
  const links = [...row.querySelectorAll('a')];
  const current = row.querySelector('a[aria-current="page"]');
  const heading = section.querySelector('h2');
  let next = heading.nextElementSibling;
  while (next && rect(next).height === 0) next = next.nextElementSibling;
  return {
    header: rect(document.querySelector('.site-header')).height,
    rowTops: [...new Set(links.map((a) => Math.round(rect(a).top)))],
    row: [rect(row).left, rect(row).right],
    current: current && [current.dataset.lab, rect(current).left, rect(current).right],
    heading: rect(heading).bottom,
    next: next && rect(next).top,
    scrollWidth: document.documentElement.scrollWidth,
  };
}"""


def test_on_a_phone_the_nav_is_one_row_and_every_lab_starts_on_its_first_screen(app):
    page = app.page
    with phone(page):
        for name in labs(page):
            page.click(f"#nav a[data-lab='{name}']")  # scrolled into the row first, as a finger would
            page.wait_for_function(f"document.documentElement.dataset.lab === '{name}'")
            page.evaluate("window.scrollTo(0, 0)")
            seen = page.evaluate(FIRST_SCREEN)
            assert seen["header"] <= 100, seen  # 359 px before
            assert len(seen["rowTops"]) == 1, seen  # one row, not nine wrapped links
            lab, left, right = seen["current"]
            assert lab == name and seen["row"][0] - 0.5 <= left and right <= seen["row"][1] + 0.5, seen
            # the lab's heading, and what follows it, in the top 30 % of the first screen (h2 at 383 px before)
            assert seen["heading"] <= 0.3 * PHONE["height"] and seen["next"] <= 0.3 * PHONE["height"], seen
            assert seen["scrollWidth"] <= PHONE["width"], seen
        # Opened by its address (a shared link), the current lab is scrolled into the row too.
        page.evaluate("location.hash = 'chapter6'")
        page.wait_for_function("document.documentElement.dataset.lab === 'chapter6'")
        lab, left, right = page.evaluate(FIRST_SCREEN)["current"]
        row = page.evaluate(FIRST_SCREEN)["row"]
        assert lab == "chapter6" and row[0] - 0.5 <= left and right <= row[1] + 0.5
        # By keyboard: Tab walks the row; the focused link is scrolled into view; Enter opens it.
        page.focus("#nav a[data-lab='intro']")
        for name in labs(page)[1:]:
            page.keyboard.press("Tab")
            focused, inside = page.evaluate(
                """() => { const a = document.activeElement.getBoundingClientRect(),
                r = document.getElementById('nav').getBoundingClientRect();
                return [document.activeElement.dataset.lab, a.left >= r.left - 0.5 && a.right <= r.right + 0.5]; }"""
            )
            assert focused == name and inside, f"{focused}: the focused link is not wholly in the row's view"
        page.keyboard.press("Enter")
        page.wait_for_function("document.documentElement.dataset.lab === 'exercises'")
    app.goto_lab("intro")


def test_on_a_desktop_the_header_is_compact_and_every_link_shows(app):
    """Issue 22 item 10: at 1280 × 800 the header took 165 px (the tagline under the title, two rows
    of links) and the Playground's plot began below the fold. Now: the tagline beside the title,
    every link in one row with none scrolled out of view, the header at most 100 px."""
    page = app.page
    page.set_viewport_size({"width": 1280, "height": 800})
    try:
        app.goto_lab("playground")
        seen = page.evaluate(FIRST_SCREEN)
        assert page.evaluate("(r => r.scrollWidth <= r.clientWidth)(document.getElementById('nav'))")
        assert page.is_visible(".tagline")
        assert seen["header"] <= 100, seen
        assert page.evaluate("document.getElementById('pg-points').getBoundingClientRect().top") < 800 * 0.65
    finally:
        app.goto_lab("intro")
        page.set_viewport_size(DESKTOP)
