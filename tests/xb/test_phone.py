"""WebKit (Safari's engine) and Firefox at a phone's size, 390 × 844, touched: every lab fits the width and
answers touch input (a tap on a control, a stroke on the Digits pad, a drag of a Universality bump).

MiniBrowser's window cannot be narrower than its toolbar (447 px), and WebKitWebDriver does not
perform touch actions on this platform, so the app runs in a 390 × 844 frame (the same in Firefox:
one way for both engines) (its own viewport:
the media queries see 390 px) and the touches are dispatched as the PointerEvent sequences a
touchscreen produces (pointerType "touch"), with the click a tap ends in.
"""

from __future__ import annotations

import pytest

from tests.e2e.smoke import LABS

WIDTH, HEIGHT = 390, 844

# A touch at canvas pixels (x, y) of element ``id`` in the app's frame, moving through ``path``.
TOUCH = """([id, path, tap]) => {
  const win = document.getElementById('phone').contentWindow, el = win.document.getElementById(id);
  const box = el.getBoundingClientRect(), rx = box.width / (el.width || box.width), ry = box.height / (el.height || box.height);
  const at = ([x, y]) => ({clientX: box.left + x * rx, clientY: box.top + y * ry});
  const ev = (type, p, extra = {}) => el.dispatchEvent(new win.PointerEvent(type, {
    bubbles: true, cancelable: true, composed: true, pointerId: 1, pointerType: 'touch', isPrimary: true,
    width: 20, height: 20, pressure: type === 'pointerup' ? 0 : 0.5, buttons: type === 'pointerup' ? 0 : 1, ...at(p), ...extra}));
  ev('pointerdown', path[0]);
  for (const p of path.slice(1)) ev('pointermove', p);
  ev('pointerup', path[path.length - 1]);
  if (tap) el.dispatchEvent(new win.MouseEvent('click', {bubbles: true, cancelable: true, ...at(path[0])}));
  return true;
}"""
IN_FRAME = "(expr) => document.getElementById('phone').contentWindow.eval(expr)"


@pytest.fixture(scope="module")
def phone(engine, xb_browser, xb_server):
    page = xb_browser.page(1000, 900)
    page.goto(xb_server.url + "__xb__/phone.html")
    page.wait("() => !!document.getElementById('phone').contentDocument.documentElement.dataset.ready", timeout=120)
    frame = lambda expr: page.call(IN_FRAME, expr)  # noqa: E731
    frame.page = page
    page.wait(f"() => ({IN_FRAME})('document.documentElement.dataset.labsReady')", timeout=120)
    yield frame
    page.close()


def no_error_shown(phone) -> None:
    """A handler that threw is shown in the app's error bar (app.ui.dom.report_error): none may have."""
    shown = phone(
        "document.getElementById('app-error').hidden ? '' : document.getElementById('app-error-text').textContent"
    )
    assert not shown, shown


def show(phone, lab: str) -> None:
    phone(f"location.hash = '{lab}'")
    phone.page.wait(f"() => ({IN_FRAME})('document.documentElement.dataset.lab') === '{lab}'", what=lab)


@pytest.mark.parametrize("lab", LABS + ("exercises",))
def test_every_lab_fits_a_phones_width(phone, lab):
    show(phone, lab)
    assert phone("innerWidth") == WIDTH
    width = phone("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{lab}: the page is {width} px wide on a {WIDTH} px screen"


def test_a_tap_toggles_a_perceptron_input(phone):
    show(phone, "perceptron")
    before = phone("document.getElementById('pc-x1').getAttribute('aria-pressed')")
    phone.page.call(TOUCH, ["pc-x1", [[5, 5]], True])
    after = phone("document.getElementById('pc-x1').getAttribute('aria-pressed')")
    assert {before, after} == {"true", "false"}
    no_error_shown(phone)


def test_a_stroke_on_the_digits_pad_draws_and_is_read(phone):
    show(phone, "digits")
    phone.page.wait(
        f"() => ({IN_FRAME})(\"document.getElementById('dg-data').dataset.state\") === 'ready'", timeout=120
    )
    phone("document.getElementById('dg-clear').click()")
    stroke = [[140, 40 + 10 * k] for k in range(21)]  # a "1" down the middle of the 280 × 280 pad
    phone.page.call(TOUCH, ["dg-draw", stroke, False])
    phone.page.wait(
        f"() => ({IN_FRAME})(\"document.getElementById('dg-seen').dataset.source\") === 'your drawing'",
        what="the pad to read the drawing",
    )
    ink = phone(
        "(() => { const c = document.getElementById('dg-draw'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++; return n; })()"
    )
    assert ink > 100, ink
    no_error_shown(phone)


def test_dragging_a_universality_bump_moves_it(phone):
    show(phone, "universality")
    phone("document.getElementById('un-zero').click()")
    d = phone("({...document.getElementById('un-bumps').dataset})")
    x0, xs = (float(v) for v in d["px"].split())
    y0, ys = (float(v) for v in d["py"].split())
    n = len(d["heights"].split())
    cx = x0 + xs * 2.5 / n  # the middle bump
    phone.page.call(TOUCH, ["un-bumps", [[cx, y0 + ys * 0.3], [cx, y0 + ys * 1.0], [cx, y0 + ys * 1.5]], False])
    heights = [float(v) for v in phone("document.getElementById('un-bumps').dataset.heights").split()]
    # A touch lands on a whole CSS pixel; on a phone one pixel of this plot is about 0.06 of height
    # (its axis labels keep 11 px text and their room: app.ui.canvas), so the bump is within that.
    assert heights[2] == pytest.approx(1.5, abs=0.08), heights
    assert heights[:2] + heights[3:] == [0.0] * (n - 1), heights
    no_error_shown(phone)
