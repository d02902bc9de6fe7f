"""A smoke test of the whole app that any served copy can run: every lab opens and draws,
and the Digits lab trains a small network. Used where the app is served some other way
(offline from the service worker, by nginx under a URL prefix)."""

from __future__ import annotations

from app.shell.registry import declared

# Every lab that draws a canvas as it opens (its declaration says so: app.shell.registry).
LABS = tuple(lab.name for lab in declared() if lab.draws)

# Some canvas of the lab has a pixel that is not transparent: the lab drew.
DREW = """(name) => [...document.querySelectorAll(`section[data-lab="${name}"] canvas`)].some((c) => {
  if (!c.width || !c.height) return false;
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
  return false;
})"""


def every_lab_opens_and_draws(page) -> None:
    for name in LABS:
        page.click(f"#nav a[data-lab='{name}']")
        page.wait_for_function(f"document.documentElement.dataset.lab === '{name}'", timeout=10_000)
        page.wait_for_function(DREW, arg=name, timeout=30_000)
        assert page.is_visible(f"section[data-lab='{name}']"), name
        assert page.is_hidden("#app-error"), f"{name}: " + page.inner_text("#app-error")


def set_field(page, selector: str, value: str) -> None:
    page.fill(selector, value)
    page.dispatch_event(selector, "change")


def digits_trains(page, images: int = 500) -> dict:
    """Train one epoch on ``images`` MNIST images; returns the epoch's log row."""
    page.click("#nav a[data-lab='digits']")
    page.wait_for_function("document.getElementById('dg-data').dataset.state === 'ready'", timeout=60_000)
    page.select_option("#dg-preset", "ch3")
    set_field(page, "#dg-layers", "20")
    set_field(page, "#dg-epochs", "1")
    set_field(page, "#dg-subset", str(images))
    page.click("#dg-train")
    page.wait_for_function("document.getElementById('dg-run').dataset.state === 'done'", timeout=120_000)
    row = page.evaluate("({...document.querySelector('#dg-epoch-log tr[data-epoch=\"1\"]').dataset})")
    assert int(row["images"]) == images
    assert 0.3 < float(row["testAccuracy"]) <= 1, row  # far above guessing (10 %)
    assert page.is_hidden("#app-error"), page.inner_text("#app-error")
    return row
