"""End-to-end fixtures: a local server, a system Chromium, and one shared app page.

Starting Python in a page costs seconds, so read-mostly checks share one
page (``app``) for the whole session; tests that need a cold start open their
own. Every request the page makes is checked: anything that is not to our
own server is aborted and recorded, and ``test_offline`` fails on it. Console
errors fail the test during which they appear.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser import HOW_TO_INSTALL, find_chromium
from serve import make_server

from ..conftest import ALLOWED_WARNINGS  # one list for every browser layer

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_MS = 90_000
# The Digits lab has loaded what it loads on opening: its test set (or failed to), and the
# pretrained model scored (or there is none).
DIGITS_LOADED = """() => {
    const data = document.getElementById('dg-data').dataset.state;
    const results = document.getElementById('dg-results').dataset.state;
    const model = document.getElementById('dg-using').dataset.model;
    return data === 'failed' || (data === 'ready' && (results === 'ready' || model === 'none'));
}"""

# The one list of console warnings a page load may log: a piece of each warning's text, with
# why it cannot be avoided. Any other warning fails tests/e2e/test_startup.py.


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


# The service worker (sw.js) answers from its cache, so a test's page.route would no longer
# see the requests it fakes: the shared and fresh contexts block it; tests/e2e/test_offline.py
# and test_nginx.py exercise it in contexts of their own.
NO_SERVICE_WORKER = {"service_workers": "block"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


class Server:
    def __init__(self, root: Path):
        self.httpd = make_server(root, 0, quiet=True)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def start_server(root: Path) -> Server:
    return Server(root)


@pytest.fixture(scope="session")
def server():
    s = start_server(ROOT)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = find_chromium()
    if path is None:
        pytest.exit(HOW_TO_INSTALL, returncode=3)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@dataclass
class Watched:
    """A page plus what it did: console errors and requests outside our origin."""

    page: object
    base: str
    console_errors: list = field(default_factory=list)
    console_warnings: list = field(default_factory=list)
    foreign_requests: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def goto_lab(self, name: str, state: str = ""):
        """Open a lab by clicking its navigation link, as a person would (or by URL, with state)."""
        if state:
            self.page.evaluate("([n, s]) => { location.hash = n + '/' + s; }", [name, state])
        else:
            self.page.click(f"#nav a[data-lab='{name}']")
        self.page.wait_for_function(f"document.documentElement.dataset.lab === '{name}'")

    def errors_since(self, n: int):
        return self.console_errors[n:]

    def unexpected_warnings(self) -> list:
        """The console warnings that ALLOWED_WARNINGS does not name."""
        return [w for w in self.console_warnings if not any(a in w for a in ALLOWED_WARNINGS)]


def watch(context, base: str) -> Watched:
    page = context.new_page()
    w = Watched(page=page, base=base)

    def on_route(route):
        url = route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            w.foreign_requests.append(url)
            route.abort()

    context.route("**/*", on_route)
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("console", lambda m: w.console_errors.append(m.text) if m.type == "error" else None)
    page.on("console", lambda m: w.console_warnings.append(m.text) if m.type == "warning" else None)
    page.on("pageerror", lambda e: w.console_errors.append(f"pageerror: {e}"))
    return w


def open_app(context, base: str, path: str = "", wait_ready: bool = True) -> Watched:
    w = watch(context, base)
    w.page.goto(base + path)
    if wait_ready:
        w.page.wait_for_function("document.documentElement.dataset.ready", timeout=READY_TIMEOUT_MS)
        state = w.page.evaluate("document.documentElement.dataset.ready")
        assert state == "true", (
            "app failed to start: " + w.page.inner_text("#fatal") + "\n" + "\n".join(w.console_errors)
        )
        # The labs not on screen are set up right after "ready" (app.shell.main); most tests
        # read them all, so they wait for that too. test_startup checks the time between.
        w.page.wait_for_function("document.documentElement.dataset.labsReady", timeout=READY_TIMEOUT_MS)
    return w


@pytest.fixture(scope="session")
def app_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    yield context
    context.close()


@pytest.fixture(scope="session")
def app(app_context, server) -> Watched:
    """The app, started once and shared by the read-mostly tests."""
    return open_app(app_context, server.url)


@pytest.fixture(autouse=True)
def no_console_errors(request):
    """Fail a test that made the shared page log an error (tests that expect errors opt out)."""
    if "app" not in request.fixturenames or request.node.get_closest_marker("allow_console_errors"):
        yield
        return
    app = request.getfixturevalue("app")
    before = len(app.console_errors)
    yield
    new = app.errors_since(before)
    assert not new, "console errors during the test:\n" + "\n".join(new)


@pytest.fixture
def fresh(browser, server):
    """A cold start in a new browser context (its own cache and storage)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_SERVICE_WORKER)
    yield lambda path="", wait_ready=True: open_app(context, server.url, path, wait_ready)
    context.close()
