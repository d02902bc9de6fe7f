"""Start-up, offline operation, parity with CPython, and the failure panel."""

from __future__ import annotations

import functools
import http.server
import json
import math
import re
import shutil
import threading
from pathlib import Path

import pytest
from serve import make_server

from app.shell.registry import declared
from nnfs.maths.selfcheck import parity_workload

from .conftest import NO_SERVICE_WORKER, ROOT, open_app, start_server


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


def copy_site(tmp_path):
    """A copy of the app (real files, not links: the server refuses links that leave the folder)."""
    site = tmp_path / "site"
    skip = shutil.ignore_patterns(".git", ".venv", ".cache", "tests", "bench")

    def ignore(folder, names):  # static/data is big and not needed; py/nnfs/data is code
        return set(skip(folder, names)) | ({"data"} if Path(folder) == ROOT / "static" else set())

    shutil.copytree(ROOT, site, ignore=ignore)
    return site


def failure_panel(browser, url: str) -> str:
    """Open the page with a short watchdog and return the failure panel's text once complete."""
    context = browser.new_context()
    # A runtime that cannot start never will: 5 s instead of 30 s before the watchdog looks.
    context.add_init_script("globalThis.nnfsWatchdogMs = 5000")
    try:
        w = open_app(context, url, wait_ready=False)
        w.page.wait_for_function("document.documentElement.dataset.ready === 'failed'", timeout=60_000)
        assert w.page.is_visible("#fatal")
        assert w.page.is_hidden("#boot")
        return w.page.inner_text("#fatal")
    finally:
        context.close()


VENDOR = "static/vendor/"
WASM = "pyodide/pyodide.asm.wasm"
NUMPY = "pyodide/numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl"


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path):
    path.write_bytes(b"")


def _flip_bytes(path):
    data = bytearray(path.read_bytes())
    for i in range(1000, len(data), 4096):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.allow_console_errors
@pytest.mark.parametrize(
    "name, damage, expected",
    [
        (WASM, Path.unlink, "pyodide.asm.wasm (HTTP 404)"),
        (WASM, _truncate, "pyodide.asm.wasm (4,323,804 of 8,647,609 bytes)"),
        ("pyscript/core.js", _empty, "pyscript/core.js (0 of 260 bytes)"),
        ("pyodide/python_stdlib.zip", _truncate, "python_stdlib.zip (1,211,707 of 2,423,414 bytes)"),
        ("pyodide/pyodide-lock.json", _empty, "pyodide-lock.json (0 of 114,535 bytes)"),
        (NUMPY, _flip_bytes, "numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl (damaged: its sha256 differs"),
    ],
    ids=["wasm-missing", "wasm-truncated", "core-empty", "stdlib-truncated", "lock-empty", "numpy-corrupt"],
)
def test_damaged_runtime_file_is_named_in_the_panel(browser, tmp_path, name, damage, expected):
    """Serve a copy of the app with one runtime file missing or damaged: whether the runtime
    fails, stalls or blames something else, the panel names the file and the fix."""
    site = copy_site(tmp_path)
    damage(site / VENDOR / name)
    srv = start_server(site)
    try:
        text = failure_panel(browser, srv.url)
    finally:
        srv.stop()
    assert "Python could not start" in text
    assert "missing or damaged" in text and expected in text, text
    assert "./run setup" in text
    assert "numpy-tests" not in text.split("What the runtime said")[0]
    assert "Reload the page" not in text


@pytest.mark.allow_console_errors
def test_server_killed_during_the_numpy_download(browser, tmp_path):
    """The server dies half-way through the numpy wheel: the panel says so, not the
    runtime's own markup, and says how to get going again."""
    site = copy_site(tmp_path)
    httpd = make_server(site, 0, quiet=True)
    handler = httpd.RequestHandlerClass

    class Dying(handler.func):
        def copyfile(self, source, outputfile):
            if not self.path.endswith(".whl") or "numpy" not in self.path:
                return super().copyfile(source, outputfile)
            outputfile.write(source.read(1_000_000))
            outputfile.flush()
            threading.Thread(target=lambda: (httpd.shutdown(), httpd.server_close()), daemon=True).start()
            raise ConnectionResetError("killed")

    httpd.RequestHandlerClass = functools.partial(Dying, *handler.args, **handler.keywords)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        text = failure_panel(browser, f"http://127.0.0.1:{httpd.server_address[1]}/")
    finally:
        httpd.server_close()
    assert "server stopped answering" in text, text
    assert "./run serve" in text and "./run setup" in text
    assert "<py-config>" not in text.split("What the runtime said")[0]


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
    head = html[: html.index("</head>")]
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
        result = app.page.evaluate(
            """async (url) => {
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
        }""",
            url,
        )
        assert result == {
            "fetched": "refused",
            "script": "refused",
            "image": "refused",
            "seen": ["connect-src", "img-src", "script-src-elem"],
        }, result
        assert _Counting.hits == []  # nothing left the page: the browser never sent the requests
        assert len(app.foreign_requests) == foreign_before
    finally:
        other.shutdown()
        other.server_close()


WORKER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
{csp}
<script type="module" src="./static/vendor/pyscript/core.js"></script>
</head><body>
<script type="py" worker name="calc" config="./pyscript.toml">
import numpy as np
def add(a, b):
    return float(np.add(a, b))
__export__ = ["add"]
</script>
<script type="py" config="./pyscript.toml">
import asyncio
from pyscript import document, workers
async def go():
    calc = await workers["calc"]
    document.documentElement.dataset.sum = str(await calc.add(2, 3))
asyncio.ensure_future(go())
</script>
</body></html>
"""


@pytest.mark.allow_console_errors
def test_content_security_policy_allows_a_pyscript_worker(browser, tmp_path):
    """The page's own policy, on a page with an inline PyScript worker (a blob: worker whose
    code is fetched from a blob: URL): the worker starts and answers."""
    html = (ROOT / "index.html").read_text()
    csp = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', html).group(0)
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "static/vendor").symlink_to((ROOT / "static/vendor").resolve(), target_is_directory=True)
    (site / "pyscript.toml").write_text((ROOT / "pyscript.toml").read_text().split("[files]")[0])
    (site / "index.html").write_text(WORKER_PAGE.format(csp=csp))
    srv = start_server(site)
    context = browser.new_context()
    try:
        w = open_app(context, srv.url, wait_ready=False)
        w.page.wait_for_function("document.documentElement.dataset.sum", timeout=120_000)
        assert float(w.page.evaluate("document.documentElement.dataset.sum")) == 5.0
        assert not [e for e in w.console_errors if "Content Security Policy" in e], w.console_errors
    finally:
        context.close()
        srv.stop()


# The names of the labs set up when <html data-ready="true"> appears (app.shell.main marks each one).
SETUP_AT_READY = """
new MutationObserver((_, obs) => {
  if (document.documentElement.dataset.ready && window.__setupAtReady === undefined) {
    window.__setupAtReady = performance.getEntriesByType("mark").map(m => m.name)
      .filter(n => n.startsWith("nnfs:setup:"));
    obs.disconnect();
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-ready"]});
"""


def test_only_the_lab_on_screen_is_set_up_before_ready_and_the_others_open_at_once(browser, server):
    """Start-up waits only for the lab on screen (bench/startup.py: app within 1.1x of a bare
    Pyodide + numpy page); a lab opened right at "ready", before its turn, works at once."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        context.add_init_script(SETUP_AT_READY)
        w = open_app(context, server.url, "#sigmoid", wait_ready=False)
        page = w.page
        page.wait_for_function("window.__setupAtReady !== undefined", timeout=90_000)
        assert page.evaluate("window.__setupAtReady") == ["nnfs:setup:sigmoid"]
        assert page.evaluate("document.documentElement.dataset.ready") == "true"
        # Straight away, whether or not the background set-up has reached it yet.
        page.click("#nav a[data-lab='gates']")
        page.wait_for_function("document.documentElement.dataset.lab === 'gates'", timeout=5_000)
        assert page.locator("#gt-input-boxes input[data-input]").count() >= 2
        page.wait_for_function("document.documentElement.dataset.labsReady === 'true'", timeout=60_000)
        names = page.evaluate(
            "performance.getEntriesByType('mark').map(m => m.name).filter(n => n.startsWith('nnfs:setup:'))"
        )
        labs = [lab.name for lab in declared()]
        assert len(labs) >= 9  # every declared lab, each set up exactly once
        assert sorted(names) == sorted(f"nnfs:setup:{n}" for n in labs)
        assert not w.console_errors, w.console_errors
    finally:
        context.close()


def test_opening_every_lab_logs_no_unexpected_warning(browser, server):
    """A learner who opens the console sees no warnings: both workers (training and the
    exercises' checker) started and every lab opened; tests/conftest.py ALLOWED_WARNINGS is the one
    list of what may be logged, each with its reason."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    try:
        w = open_app(context, server.url)
        page = w.page
        page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=90_000)
        for lab in declared():
            w.goto_lab(lab.name)
        page.wait_for_function("document.documentElement.dataset.checker === 'ready'", timeout=90_000)
        page.wait_for_timeout(500)  # a warning logged just after the workers answered
        assert not w.unexpected_warnings(), w.unexpected_warnings()
        assert not w.console_errors, w.console_errors
    finally:
        context.close()
