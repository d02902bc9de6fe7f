"""In real Firefox and WebKit: after a first visit the service worker brings the app and the
Playground back with the server stopped, and a link restores a lab's settings on a cold start."""

from __future__ import annotations

from .engines import XbServer, open_app, wait_for_app
from .test_labs import PLAYGROUND

# offline, the console recorder the tests' server adds is not in the service worker's cache
NOT_THE_APPS = "__xb__"


def test_the_playground_works_offline_after_the_first_visit(xb_browser, proxy):
    server = XbServer()  # its own origin: its own service worker and caches
    page = xb_browser.page()
    try:
        open_app(page, server.url + "#playground")
        page.wait(
            "() => ['ready', 'current'].includes(document.documentElement.dataset.offline)",
            timeout=180,
            what="the app kept for offline use",
        )
        assert page.call("() => !!navigator.serviceWorker.controller") or page.evaluate(
            "navigator.serviceWorker.ready.then(() => true)"
        )
        # A first visit that finished starting: a reload that leaves the page while its training worker
        # still starts cuts that start short, and Firefox runs the left page's error handlers (PyScript
        # logs the worker's error event), which would be taken for the reloaded page's.
        page.wait("() => document.documentElement.dataset.worker === 'ready'", timeout=180, what="the training worker")
        server.stop()
        page.reload()
        wait_for_app(page)  # not open_app: a second navigation would cut the reloaded page's start short
        page.call("(h) => { location.hash = h; }", f"playground/{PLAYGROUND}")
        page.wait("() => document.documentElement.dataset.lab === 'playground'", what="the Playground")
        page.select("#pg-pace", "max")
        page.click("#pg-reset")
        page.wait("() => document.getElementById('pg-stats').dataset.state === 'idle'", what="a reset run")
        page.click("#pg-train")
        page.wait(
            "() => document.getElementById('pg-stats').dataset.state === 'done'",
            timeout=300,
            what="20 epochs in the worker",
        )
        assert page.data("#pg-stats")["epoch"] == "20"
        assert page.evaluate("document.documentElement.dataset.offline") == "offline"
        problems = [m for m in page.console() if m["type"] == "error" and NOT_THE_APPS not in m["text"]]
        assert not problems, problems
        assert not proxy.seen, proxy.seen
    finally:
        page.close()
        server.stop()  # again if the test stopped early: a stopped server stops at once


LINK = "#perceptron/x1=0&x2=1&w1=1&w2=1&b=%E2%88%921.5&target=OR&eta=0.5&speed=max"


def test_a_link_restores_a_labs_settings(xb_browser, xb_server, proxy):
    page = xb_browser.page()
    try:
        open_app(page, xb_server.url + LINK)
        page.wait("() => document.getElementById('pc-canvas').dataset.b === '-1.5'", what="b from the link")
        shown = [page.value(s) for s in ("#pc-w1", "#pc-w2", "#pc-target", "#pc-eta", "#pc-speed")]
        assert shown == ["1", "1", "OR", "0.5", "max"]
        assert page.attr("#pc-canvas", "data-input") == "0,1"
        assert page.text("#pc-wrong") == "2"  # AND's weights miss OR at (0, 1) and (1, 0)
        assert not [m for m in page.console() if m["type"] == "error"]
        assert not proxy.seen, proxy.seen
    finally:
        page.close()
