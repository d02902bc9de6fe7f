"""Layout checks any lab's e2e tests can use: does it fit a phone, are two things on screen together.

``with phone(page):`` turns the shared page into a 390 × 844 phone screen
(and back to the desktop size afterwards, so later tests are unaffected);
``overflow(page, lab)`` lists what sticks out sideways; ``on_screen(page,
selector)`` says whether an element is wholly inside the viewport.
"""

from __future__ import annotations

from contextlib import contextmanager

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_OVERFLOW_JS = """([section, width]) => {
  const out = [];
  for (const el of document.querySelectorAll(section + ' *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;       // hidden or empty
    if (r.right > width + 0.5 || r.left < -0.5) {
      out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className)
               + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 10)};
}"""


@contextmanager
def phone(page):
    """The page at a phone's size for the duration of the block."""
    page.set_viewport_size(PHONE)
    try:
        yield page
    finally:
        page.set_viewport_size(DESKTOP)


def overflow(page, lab: str) -> dict:
    """{'scrollWidth': page width, 'out': elements of the lab's section past the viewport's sides}."""
    width = page.viewport_size["width"]
    return page.evaluate(_OVERFLOW_JS, [f"#lab-{lab}", width])


def assert_fits(page, lab: str) -> None:
    """The lab's section fits the viewport's width: no sideways scrolling, nothing cut off."""
    width = page.viewport_size["width"]
    seen = overflow(page, lab)
    assert seen["scrollWidth"] <= width and not seen["out"], seen


def on_screen(page, selector: str) -> bool:
    """The element lies wholly inside the viewport (as the page is scrolled now)."""
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.width > 0 && r.top >= -0.5 && r.left >= -0.5
            && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5; }""",
        selector,
    )
