"""index.html opened as a file (file://): the page says within 2 s what to do."""

from __future__ import annotations

from .conftest import ROOT


def test_opened_as_a_file_the_page_says_to_serve_it_within_two_seconds(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((ROOT / "index.html").as_uri())
        page.wait_for_function("document.documentElement.dataset.ready === 'failed'", timeout=2_000)
        assert page.is_visible("#fatal") and page.is_hidden("#boot")
        text = page.inner_text("#fatal")
        assert "opened as a file" in text
        assert "./run serve" in text
    finally:
        context.close()
