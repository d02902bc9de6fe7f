"""Offline use and updates: the page's side of the service worker (``sw.js``).

Once the page is ready and its labs are set up, ``start()`` registers the
service worker (the first visit) and asks it to check the site: the first
time it caches the whole app (shell, runtime, Python modules, and the data
files the page has fetched), later it looks for a new version. What it says is
shown in the Start section (``#offline-status``, with ``data-state``:
``ready``, ``current``, ``update-ready``, ``offline``, ``unsupported``) and
on ``<html data-offline="…">``; when an update is ready a bar offers to reload.

A page opened from ``file://`` or over plain http from another machine has no
service worker (browsers allow them only on https and localhost): it says so
and everything else works as before.
"""

from __future__ import annotations

from pyodide.ffi import create_proxy, to_js
from pyscript import document, window

from app.ui import dom

SCRIPT = "./sw.js"
DATA_DIRS = ("/static/data/", "/static/models/")
_kept: list = []  # proxies handed to JS for the life of the page

MESSAGES = {
    "ready": "this app now works offline ({files} files, {mb:.1f} MB kept in the browser).",
    "current": "works offline; this is the latest version ({files} files, {mb:.1f} MB kept).",
    "update-ready": "a new version of the site is ready: it runs from the next page load.",
    "offline": "working offline, from the browser's copy (the server could not be reached to look for a new version).",
}


def show(state: str, text: str) -> None:
    el = dom.by_id("offline-status")
    el.textContent = text
    el.setAttribute("data-state", state)
    document.documentElement.dataset.offline = state


def data_fetched() -> list[str]:
    """Data files this page has fetched (the service worker did not see those fetched
    before it controlled the page): so they are kept for offline use too."""
    base = str(window.location.origin)
    urls = set()
    for entry in window.performance.getEntriesByType("resource"):
        name = str(entry.name).split("?")[0]
        if any(d in name for d in DATA_DIRS) and name.startswith(base):
            urls.add(name)
    return sorted(urls)


def on_message(event) -> None:
    data = event.data
    if data is None or str(getattr(data, "type", "")) != "offline-status":
        return
    state = str(data.state)
    files = int(getattr(data, "files", 0) or 0)
    mb = float(getattr(data, "bytes", 0) or 0) / 1e6
    text = MESSAGES.get(state, "not available ({detail}).").format(
        files=files, mb=mb, detail=str(getattr(data, "detail", ""))
    )
    show(state, text[0].upper() + text[1:])
    dom.by_id("update-ready").hidden = state != "update-ready"
    if state in ("ready", "current", "update-ready"):
        # What the page fetched before the service worker controlled it is kept now.
        post(event.source, {"type": "keep", "urls": data_fetched()})


def post(worker, message: dict) -> None:
    worker.postMessage(to_js(message, dict_converter=window.Object.fromEntries))


async def check() -> None:
    container = window.navigator.serviceWorker
    if not container or not bool(window.isSecureContext):
        show(
            "unsupported",
            "Not available here: browsers keep a site for offline use only "
            "when it comes over HTTPS or from this machine (localhost).",
        )
        return
    listener = create_proxy(on_message)
    _kept.append(listener)
    container.addEventListener("message", listener)
    try:
        if not container.controller:
            show("caching", "Keeping a copy of the app in the browser for offline use…")
            await container.register(SCRIPT)
        registration = await container.ready
    except Exception as exc:  # noqa: BLE001 - a host without sw.js, a browser setting: not fatal
        show("failed", f"Not available: the browser did not start the offline helper ({exc}).")
        return
    worker = container.controller or registration.active
    post(worker, {"type": "check"})


def reload(_event=None) -> None:
    window.location.reload()


def start() -> None:
    """Register and check, in the background (the page is already in use)."""
    dom.on("update-reload", "click", reload)
    dom.spawn(check())
