"""Start-up, offline operation, parity with CPython, and the failure panel."""

from __future__ import annotations

import http.server
import json
import math
import re
import shutil
import threading

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
    # then Tab walks the navigation in order and Enter opens each lab (which takes focus to
    # the lab's heading: test_navigation.py), so the link is focused again for the next one.
    page.focus("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    for lab in links:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.lab") == lab
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.documentElement.dataset.lab === '{lab}'")
        assert page.is_visible(f"section[data-lab='{lab}']")
        page.focus(f"#nav a[data-lab='{lab}']")
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


class _Counting(http.server.BaseHTTPRequestHandler):
    """Another origin (same host, another port) that counts what reaches it."""

    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"leaked")

    def log_message(self, *args):
        pass


def test_content_security_policy_is_strict():
    """The policy is in the page, first in <head>, and names no origin but the page's own."""
    html = (ROOT / "index.html").read_text()
    head = html[:html.index("</head>")]
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
    assert len(metas) == 1
    assert head.index("Content-Security-Policy") < head.index("<script")
    policy = dict((d.split()[0], d.split()[1:]) for d in metas[0].split(";") if d.strip())
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    for directive, sources in policy.items():
        assert all(s.startswith("'") or s in ("blob:",) for s in sources), (directive, sources)


@pytest.mark.allow_console_errors
def test_content_security_policy_blocks_other_origins(app):
    """A fetch, a script and an image from another origin are refused by the page itself."""
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{other.server_address[1]}/"
    foreign_before = len(app.foreign_requests)
    try:
        result = app.page.evaluate("""async (url) => {
            const seen = [];
            const record = (e) => seen.push(e.effectiveDirective);
            document.addEventListener('securitypolicyviolation', record);
            let fetched;
            try { await fetch(url + 'data'); fetched = 'fetched'; } catch (e) { fetched = 'refused'; }
            const loaded = (el) => new Promise((done) => {
                el.onload = () => done('loaded'); el.onerror = () => done('refused');
                document.body.append(el);
            });
            const s = document.createElement('script'); s.src = url + 'script.js';
            const i = document.createElement('img'); i.src = url + 'pixel.png';
            const script = await loaded(s), image = await loaded(i);
            s.remove(); i.remove();
            await new Promise((r) => setTimeout(r, 50));
            document.removeEventListener('securitypolicyviolation', record);
            return {fetched, script, image, seen: seen.sort()};
        }""", url)
        assert result == {"fetched": "refused", "script": "refused", "image": "refused",
                          "seen": ["connect-src", "img-src", "script-src-elem"]}, result
        assert _Counting.hits == []  # nothing left the page: the browser never sent the requests
        assert len(app.foreign_requests) == foreign_before
    finally:
        other.shutdown()
        other.server_close()
