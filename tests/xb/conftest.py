"""Fixtures of the cross-browser layer: one server, one recording proxy, and per engine
(Firefox, WebKit: tests/xb/engines.py) one browser and one shared app page for the session.

Every test that uses ``xb`` fails on a console error, a console warning that is not a known one
(tests/conftest.py ALLOWED_WARNINGS), or a request that left the page's origin, in whichever engine it runs.
Run one engine alone with ``-k firefox`` or ``-k webkit`` (the engine is in every test's id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from ..conftest import ALLOWED_WARNINGS, need
from .engines import ENGINES, Page, RecordingProxy, XbServer, launch, missing, open_app

# The warnings every page load logs today, allowed until they are gone (issue 21, item 5: the PyScript
# workers are started without SharedArrayBuffer, and PyScript says so once per worker). Keep this the
# ONE place that allows a warning; when the workers are configured not to raise it, empty it.


def pytest_collection_modifyitems(config, items):
    """Mark the layer's tests; a test marked ``engines("webkit")`` is not collected for the
    other engines at all (deselected, not skipped: under CI a skip would read as a missing check)."""
    kept, dropped = [], []
    for item in items:
        if "/xb/" in str(item.fspath):
            item.add_marker(pytest.mark.xb)
            only = item.get_closest_marker("engines")
            engine = getattr(item, "callspec", None) and item.callspec.params.get("engine")
            if only is not None and engine not in only.args:
                dropped.append(item)
                continue
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@dataclass
class App:
    """One engine's page of the app, with what the page did that a test must not miss."""

    page: Page
    base: str
    proxy: RecordingProxy
    engine: str
    ready_seconds: float = 0.0
    seen: list = field(default_factory=list)  # every console message, for the report of a failure

    def goto_lab(self, name: str, state: str = "") -> Page:
        """Open a lab by its navigation link, or by a link with ``state`` (as a pasted link does)."""
        if state:
            self.page.call("(h) => { location.hash = h; }", f"{name}/{state}")
        else:
            self.page.click(f"#nav a[data-lab='{name}']")
        self.page.wait(
            "(n) => document.documentElement.dataset.lab === n", name, timeout=20, what=f"the {name} lab to show"
        )
        return self.page

    def problems(self) -> list[str]:
        """Console errors, unknown warnings and requests off the origin since the last call."""
        out = []
        for m in self.page.console():
            self.seen.append(m)
            if m["type"] == "error" or (m["type"] == "warn" and not any(a in m["text"] for a in ALLOWED_WARNINGS)):
                out.append(f"console {m['type']}: {m['text']}")
        out += [f"request off the origin: {r}" for r in self.proxy.seen]
        self.proxy.seen.clear()
        return out


@pytest.fixture(scope="session")
def xb_server():
    s = XbServer()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def proxy():
    p = RecordingProxy()
    yield p
    p.stop()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request):
    why = missing(request.param)
    need(not why, f"{request.param}: {why}")
    return request.param


@pytest.fixture(scope="session")
def xb_browser(engine, proxy):
    b = launch(engine, proxy.port)
    print(f"\n{engine}: {b.version}, driven by {b.driver_name}")
    yield b
    b.quit()


@pytest.fixture(scope="session")
def xb(xb_browser, xb_server, proxy) -> App:
    """The app in this engine, started once and shared by the tests (as tests/e2e's ``app``)."""
    page = xb_browser.page()
    app = App(page=page, base=xb_server.url, proxy=proxy, engine=xb_browser.name)
    app.ready_seconds = open_app(page, xb_server.url)
    print(f"\n{xb_browser.name}: ready in {app.ready_seconds:.1f} s")
    return app


@pytest.fixture(autouse=True)
def clean_console(request):
    """Fail a test during which the shared page logged an error or an unknown warning, or sent
    a request off its origin."""
    if "xb" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("xb")
    before = app.problems()
    yield
    after = app.problems()
    assert not before + after, f"{app.engine}:\n" + "\n".join(before + after)
