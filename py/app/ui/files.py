"""Files in and out of the page: downloads with progress, saving text, reading a chosen file.

    await fetch_bytes(url, on_progress)   the bytes at a URL, read chunk by chunk
    save_text(text, filename, mime)       offer text as a file download
    await read_chosen_file(input_el)      (name, bytes) of the file picked in an <input type=file>

All through the browser's own APIs (fetch + ReadableStream, Blob + object
URLs, File.arrayBuffer) called from Python; no JavaScript of our own.
"""

from __future__ import annotations

import asyncio
import time

import js
from pyodide.ffi import JsException, to_js
from pyscript import document

from app.ui.dom import spawn
from nnfs.data.mnist import SPLIT_FILES

DATA_DIR = "./static/data/"
MODELS_DIR = "./static/models/"
PRETRAINED = MODELS_DIR + "pretrained.json"  # the Digits lab's network
PRETRAINED_CONV = MODELS_DIR + "pretrained-conv.json"  # the Chapter 6 lab's (and the Digits pad's) convnet


def data_files() -> list[str]:
    """Every data file a lab fetches the first time it needs it (paths from the site's root):
    what "Keep the data for offline use" keeps (app.shell.offline)."""
    data = ["MANIFEST.json", *SPLIT_FILES.values()]
    return [(DATA_DIR + f)[2:] for f in data] + [PRETRAINED[2:], PRETRAINED_CONV[2:]]


class FetchError(Exception):
    """A download failed: no answer, an HTTP error, or a connection that broke off."""


def _js_object(d: dict):
    return to_js(d, dict_converter=js.Object.fromEntries)


async def fetch_bytes(
    url: str, on_progress=None, expected_bytes: int | None = None, missing_ok: bool = False, every: float = 0.05
) -> bytes | None:
    """The body at ``url``, read chunk by chunk.

    ``on_progress(loaded, total)`` is called at most every ``every`` seconds
    and once at the end; ``total`` is the Content-Length, else
    ``expected_bytes``, else 0 (unknown). ``missing_ok``: a 404 gives None
    instead of a FetchError. A body shorter than announced is an error.
    """
    try:
        response = await js.fetch(url, _js_object({"cache": "no-cache"}))
    except Exception as e:  # noqa: BLE001 - a JS TypeError: network down, server gone
        raise FetchError(f"could not reach {url} ({e}); is the server running?") from None
    if int(response.status) == 404 and missing_ok:
        return None
    if response.headers.get("X-Not-Kept"):  # offline, and the service worker has no copy: it says so
        raise FetchError(str(await response.text()))
    if not response.ok:
        raise FetchError(f"the server answered {response.status} {response.statusText} for {url}")
    header = str(response.headers.get("Content-Length"))  # "null" when the server sent none
    total = int(header) if header.isdigit() else (expected_bytes or 0)
    reader = response.body.getReader()
    chunks, loaded, last = [], 0, 0.0
    if on_progress:
        on_progress(0, total)
    while True:
        try:
            part = await reader.read()
        except Exception as e:  # noqa: BLE001 - the connection broke mid-way
            raise FetchError(f"the download of {url} broke off after {loaded:,} bytes ({e})") from None
        if part.done:
            break
        chunk = part.value.to_bytes()  # one copy of this chunk from JS into Python
        chunks.append(chunk)
        loaded += len(chunk)
        now = time.perf_counter()
        if on_progress and now - last >= every:
            on_progress(loaded, total)
            last = now
    if on_progress:
        on_progress(loaded, max(total, loaded))
    if total and loaded < total:
        raise FetchError(f"the download of {url} ended early ({loaded:,} of {total:,} bytes)")
    return b"".join(chunks)


def save_text(text: str, filename: str, mime: str = "text/plain") -> None:
    """Offer ``text`` as a download named ``filename`` (a Blob URL on a temporary link)."""
    blob = js.Blob.new(to_js([text]), _js_object({"type": mime}))
    url = js.URL.createObjectURL(blob)
    link = document.createElement("a")
    link.href = url
    link.download = filename
    document.body.appendChild(link)
    link.click()
    link.remove()

    async def revoke():
        await asyncio.sleep(30)  # the browser has long since started the download
        js.URL.revokeObjectURL(url)

    spawn(revoke())


async def read_chosen_file(input_element, max_bytes: int) -> tuple[str, bytes] | None:
    """(name, bytes) of the file chosen in ``<input type=file>``, or None if none was chosen.

    A file larger than ``max_bytes``, one the browser cannot read, or one too big
    for the page's memory raises ValueError with a message that names it, never
    a bare MemoryError or JavaScript error. The input is reset, so choosing the
    same file again fires 'change' again.
    """
    files = input_element.files
    try:
        if not files or int(files.length) == 0:
            return None
        file = files.item(0)
        name = str(file.name)
        size = int(file.size)
        if size > max_bytes:
            # One decimal: "50.4 MB; at most 50 MB" must not read as "50 MB; at most 50 MB".
            raise ValueError(f"{name} is {size / 1e6:.1f} MB; at most {max_bytes / 1e6:g} MB is read")
        try:
            buffer = await file.arrayBuffer()
            return name, buffer.to_bytes()
        except MemoryError:
            raise ValueError(f"{name} ({size / 1e6:.1f} MB) is too big to read in the memory this page has") from None
        except JsException as e:  # NotReadableError: the file changed or went away
            raise ValueError(f"{name} could not be read ({e})") from None
    finally:
        input_element.value = ""
