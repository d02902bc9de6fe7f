"""Offline use and updates: the page's side of the service worker (``sw.js``).

Once the page is ready and its labs are set up, ``start()`` registers the
service worker (the first visit) and asks it to check the site: the first
time it caches the whole app (shell, runtime, Python modules, and the data
files the page has fetched), later it looks for a new version. What it says is
shown in the Start section (``#offline-status``, with ``data-state``:
``ready``, ``current``, ``update-ready``, ``offline``, ``unsupported``) and
on ``<html data-offline="…">``; when an update is ready a bar offers to reload.

The lab data (MNIST, the pretrained networks) is fetched the first time a lab needs
it, and kept then. "Keep the data for offline use" (``#keep-data``, beside the
status) keeps all of it at once, with progress, and says how many MB; offline, the
line says which files are not kept, and a lab that needs one says so itself (the
service worker answers it with a sentence, not a failed fetch: ``app.ui.files``).

A page opened from ``file://`` or over plain http from another machine has no
service worker (browsers allow them only on https and localhost): it says so
and everything else works as before.
"""

from __future__ import annotations

from pyodide.ffi import create_proxy, to_js
from pyscript import document, window

from app.ui import dom
from app.ui.files import data_files
from app.ui.text import format_megabytes

SCRIPT = "./sw.js"
DATA_DIRS = ("/static/data/", "/static/models/")
_kept: list = []  # proxies handed to JS for the life of the page
_worker: list = []  # the service worker that answers this page, once known

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
    kind = str(getattr(data, "type", "")) if data is not None else ""
    if kind == "data-status":
        show_data(data)
    if kind != "offline-status":
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
    if state in ("ready", "current", "update-ready", "offline"):
        _worker[:] = [event.source]
        post(event.source, {"type": "data-status", "paths": data_files()})


def _names(paths) -> str:
    return ", ".join(str(p).rsplit("/", 1)[-1] for p in paths)


def show_data(data) -> None:
    """The data files' line: kept (how many MB), keeping (progress), or what is missing."""
    state = str(data.state)
    line, button, bar = dom.by_id("keep-data-line"), dom.by_id("keep-data"), dom.by_id("keep-data-progress")
    line.hidden = False
    line.setAttribute("data-state", state)
    bar.hidden = state != "keeping"
    if state == "keeping":
        count, index, total = int(data.count), int(data.index), int(data.total or 0)
        bar.value = (index + (int(data.loaded) / total if total else 0)) / count
        text = f"Keeping {_names([data.file])} ({index + 1} of {count}): {format_megabytes(int(data.done))} so far…"
        dom.set_text("keep-data-status", text)
        return
    if state == "failed":
        button.hidden = button.disabled = False
        dom.set_text("keep-data-status", f"The data could not be kept: {data.detail}. Try again when online.")
        return
    kept, missing = [list(k) for k in data.kept], list(data.missing)
    size = format_megabytes(sum(int(k[1]) for k in kept))
    line.setAttribute("data-bytes", str(sum(int(k[1]) for k in kept)))
    line.setAttribute("data-missing", _names(missing))
    offline = document.documentElement.dataset.offline == "offline"
    button.hidden, button.disabled = bool(offline or not missing), False
    if not missing:
        done = "Kept" if state == "kept" else "Kept too"
        text = f"{done} for offline use: the labs' data, {len(kept)} files, {size} (MNIST and the pretrained networks)."
    elif offline:
        text = (
            f"Not kept for offline use: {_names(missing)}. The labs that need them say so; "
            "online again, “Keep the data for offline use” here keeps them."
        )
    else:
        to_fetch, unknown = int(getattr(data, "toFetch", 0) or 0), int(getattr(data, "unknown", 0) or 0)
        amount = ("at least " if unknown else "") + format_megabytes(to_fetch) if to_fetch else "size not known"
        so_far = f"; kept so far: {len(kept)} files, {size}" if kept else ""
        text = (
            f"The labs fetch their data (MNIST and the pretrained networks) the first time they need it. "
            f"Not kept yet: {_names(missing)} ({amount} to download){so_far}."
        )
    dom.set_text("keep-data-status", text)


def keep_data(_event=None) -> None:
    """Fetch and keep every data file not kept yet; the service worker reports progress."""
    if not _worker:
        return
    dom.by_id("keep-data").disabled = True
    dom.set_text("keep-data-status", "Keeping the data for offline use…")
    post(_worker[0], {"type": "keep-data", "paths": data_files()})


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
    dom.on("keep-data", "click", keep_data)
    dom.spawn(check())
