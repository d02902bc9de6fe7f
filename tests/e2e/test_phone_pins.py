"""Issue 22 item 1: on a phone a lab's picture is pinned to the top only while its own controls
are under it — never over another section, never with the on-screen keyboard taking the screen.

The page is scrolled from top to bottom in steps; at every step, whatever the pinned picture
covers (found with the browser's own hit testing, ``elementsFromPoint``, along the picture's
box) must belong to that picture's controls (``data-pin`` names them in index.html). Each lab
must pin its picture at some step, so the check cannot pass by pinning nothing.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import NO_SERVICE_WORKER, open_app

# lab -> the pictures that must be pinned at some point of the scroll
LABS = {
    "perceptron": ["#pc-canvas"],
    "gates": ["#gt-canvas"],
    "sigmoid": ["#sg-plot", "#sg-zplot"],
    "playground": ["#lab-playground .pg-plot-wrap"],
    "backprop": ["#bp-net"],
    "chapter3": ["#c3-sd-chart", "#c3-sm-bars"],
    "universality": ["#un-step", "#un-bump", "#un-bumps"],
}

COVERED_JS = """(lab) => {
  const sec = document.getElementById('lab-' + lab);
  const pins = [...sec.querySelectorAll('[data-pin]')];
  const pinned = pins.filter(p => p.hasAttribute('data-pinned'));
  if (pinned.length === 0) return {pinned: [], bad: []};
  const p = pinned[0];
  const r = p.getBoundingClientRect();
  const region = [...document.querySelectorAll(p.getAttribute('data-pin'))];
  const bad = [];
  for (const fy of [0.1, 0.5, 0.9]) for (const fx of [0.2, 0.5, 0.8]) {
    const x = r.left + fx * r.width, y = r.top + fy * r.height;
    if (y < 0 || y > innerHeight) continue;
    const under = document.elementsFromPoint(x, y).find(e => !p.contains(e) && !e.contains(p));
    if (!under) continue;
    const own = region.some(el => el.contains(under) || under.contains(el));
    if (!own) bad.push((under.id ? '#' + under.id : under.tagName + '.' + under.className) + ' at y=' + Math.round(y));
  }
  return {pinned: pinned.map(e => e.id || e.className), top: Math.round(r.top), bad};
}"""


@pytest.fixture(scope="module")
def phone_page(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, **NO_SERVICE_WORKER)
    app = open_app(context, server.url)
    yield app
    context.close()


def scroll_through(page, lab: str) -> tuple[set, list]:
    """Scroll the lab from top to bottom; (pictures seen pinned, problems seen)."""
    seen, problems = set(), []
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 150):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_function("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
        got = page.evaluate(COVERED_JS, lab)
        if got["pinned"]:
            seen.update(got["pinned"])
            if got["top"] < -1:  # pinned is sticky at top 0: never partly scrolled away
                problems.append(f"{got['pinned']} pinned but cut off at the top (top {got['top']}) at scroll {y}")
        problems += [f"scroll {y}: {got['pinned']} covers {b}" for b in got["bad"]]
        if len(got["pinned"]) > 1:
            problems.append(f"scroll {y}: two pictures pinned {got['pinned']}")
    return seen, problems


@pytest.mark.parametrize("lab", LABS)
def test_a_picture_is_pinned_only_over_its_own_controls(phone_page, lab):
    page = phone_page.page
    phone_page.goto_lab(lab)
    page.wait_for_timeout(500)
    seen, problems = scroll_through(page, lab)
    assert not problems, problems[:6]
    wanted = {
        page.evaluate("s => { const e = document.querySelector(s); return e.id || e.className; }", s) for s in LABS[lab]
    }
    assert wanted <= seen, f"never pinned: {wanted - seen}"


def test_nothing_is_pinned_while_the_keyboard_takes_the_screen(phone_page):
    """With the on-screen keyboard open a phone shows about 500 px (Chrome on Android shrinks the
    viewport): the Backprop network (300 px tall on a phone) would leave little of the control
    being typed into, so it is not pinned; with the whole screen back it is."""
    page = phone_page.page
    phone_page.goto_lab("backprop")
    try:
        page.set_viewport_size({"width": 390, "height": 500})
        seen, problems = scroll_through(page, "backprop")
        assert not seen and not problems, (seen, problems[:4])
    finally:
        page.set_viewport_size({"width": 390, "height": 844})
    seen, _ = scroll_through(page, "backprop")
    assert seen == {"bp-net"}, "with the whole screen back, the network pins again over its controls"
