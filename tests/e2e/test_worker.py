"""The training worker: it starts on a plain static host, and the page trains in it.

The test server sends no COOP/COEP headers (like GitHub Pages or any plain
host), so the page is not cross-origin isolated: the worker must work anyway.
"""

from __future__ import annotations

import pytest

WORKER_TIMEOUT_MS = 120_000


def wait_worker(page) -> str:
    page.wait_for_function("['ready', 'failed'].includes(document.documentElement.dataset.worker)",
                           timeout=WORKER_TIMEOUT_MS)
    return page.evaluate("document.documentElement.dataset.worker")


def test_the_worker_starts_behind_a_plain_server(app, server):
    import urllib.request
    with urllib.request.urlopen(server.url) as r:
        headers = {k.lower() for k in r.headers.keys()}
    assert "cross-origin-opener-policy" not in headers
    assert "cross-origin-embedder-policy" not in headers
    page = app.page
    assert page.evaluate("crossOriginIsolated") is False
    assert wait_worker(page) == "ready"
    ms = float(page.evaluate("document.documentElement.dataset.workerMs"))
    worker_requests = [u for u in app.requests if u.endswith("worker.toml") or "py/worker/" in u]
    assert worker_requests, "the worker's files were never fetched"
    print(f"\nworker ready {ms:.0f} ms after it was created")
