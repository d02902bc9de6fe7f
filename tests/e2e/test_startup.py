"""Start-up, offline operation, parity with CPython, and the failure panel."""

from __future__ import annotations

import json
import math
import shutil

import pytest

from nnfs.selfcheck import parity_workload

from .conftest import ROOT, open_app, start_server


def test_reaches_ready_and_hides_the_loader(app):
    page = app.page
    assert page.evaluate("document.documentElement.dataset.ready") == "true"
    assert page.is_hidden("#boot")
    assert page.is_hidden("#fatal")
    assert page.title().startswith("Neural networks from scratch")
    info = page.inner_text("#runtime-info")
    assert "Python 3.13" in info and "numpy 2.2.5" in info


def test_favicon_and_styles_are_local(app):
    page = app.page
    icon = page.get_attribute("link[rel=icon]", "href")
    assert icon.startswith("./static/")
    hrefs = page.eval_on_selector_all("link[rel=stylesheet], script[src]", "els => els.map(e => e.href || e.src)")
    assert hrefs and all(h.startswith(app.base) for h in hrefs), hrefs


def test_python_computes_in_the_page_like_cpython(app):
    """The parity test: the same seeded computation in the page and here agree to 1e-9 relative."""
    for seed in (0, 7):
        in_page = json.loads(app.page.evaluate(f"nnfsParity({seed})"))
        here = parity_workload(seed)
        assert in_page.keys() == here.keys()
        for key, value in here.items():
            assert math.isclose(in_page[key], value, rel_tol=1e-9, abs_tol=1e-12), (key, in_page[key], value)


def test_navigation_by_keyboard(app):
    page = app.page
    links = page.eval_on_selector_all("#nav a", "els => els.map(e => e.dataset.lab)")
    assert links[0] == "intro"
    # The skip link comes first (focused directly: earlier tests may have clicked anywhere),
    # then Tab walks the navigation in order and Enter opens each lab.
    page.focus("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    for lab in links:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.lab") == lab
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.documentElement.dataset.lab === '{lab}'")
        assert page.is_visible(f"section[data-lab='{lab}']")
    app.goto_lab("intro")


def test_no_request_leaves_the_origin(app):
    """Every request the shared page made (so far, in this whole session) went to our own server."""
    assert app.requests, "the page made no requests at all?"
    assert not app.foreign_requests, app.foreign_requests
    assert all(u.startswith(app.base) or u.startswith(("data:", "blob:")) for u in app.requests)


@pytest.mark.allow_console_errors
def test_missing_runtime_file_shows_the_error_panel(browser, tmp_path):
    """Serve a copy of the app without pyodide.asm.wasm: the page says what failed and how to fix it."""
    site = tmp_path / "site"
    shutil.copytree(ROOT, site, ignore=shutil.ignore_patterns(".git", ".venv", ".cache", "tests", "bench", "data"))
    (site / "static/vendor/pyodide/pyodide.asm.wasm").unlink()
    srv = start_server(site)
    context = browser.new_context()
    try:
        w = open_app(context, srv.url, wait_ready=False)
        w.page.wait_for_function("document.documentElement.dataset.ready === 'failed'", timeout=60_000)
        assert w.page.is_visible("#fatal")
        assert w.page.is_hidden("#boot")
        text = w.page.inner_text("#fatal")
        assert "Python could not start" in text
        assert "pyodide.asm.wasm (HTTP 404)" in text
        assert "./run setup" in text
    finally:
        context.close()
        srv.stop()
