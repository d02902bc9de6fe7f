"""Hand the training worker what a lab's first Train needs, before the learner presses it.

A learner feels the wait between the click and the first answer. Without this, the first
Train of the Digits lab (and Chapter 3's, Chapter 6's) also waited for the MNIST training
set to reach the worker: 55 MB fetched, checked against MANIFEST.json and unpacked, then the
first call of each numpy code path, after the click. ``mnist()`` (called by those labs'
``show``) does it in the background instead: once the worker is up and the page's thread
is idle (``requestIdleCallback``), it asks the worker's ``load_mnist`` for every split and
then ``warm`` (a tiny run of the same code paths, dropped). The worker's ``load_mnist``
is serialized by a lock and fetches only what it lacks, so the lab's own call meanwhile
waits for the same download and never starts a second one; the data is fetched once per
worker (a restarted worker has lost it and is warmed again on the next ``show``).

It all happens in the worker: the page only waits on a promise, so the lab on screen stays
as responsive as before (tests/e2e/test_worker.py measures its tasks meanwhile).

``session(name, spec)`` does the same for a lab whose first call still pays for importing
its code in the worker and numpy's first calls (Universality's gradient-descent fit;
Chapter 3's cross-entropy and L2 runs, scored on training and test images, which ``warm``'s
chapter 1 network does not call): a throwaway session of ``spec``, one short slice, then
dropped; with ``data=True`` only once ``mnist()`` has handed the worker the splits. (Not
Chapter 6's convnet: its throwaway run grew the worker's memory by 43 MB, which never shrinks,
for a first Train that was already as quick as the second.)

``<html data-worker-warm="loading|done|failed">`` and ``data-worker-holds`` (the splits
the worker holds, e.g. "test,train,validation") are for tests and the curious, and
``data-worker-warm-NAME`` for ``session``.
"""

from __future__ import annotations

import asyncio
import json

import js
from pyodide.ffi import create_once_callable
from pyscript import document

from app.runs.worker_client import client
from app.ui.dom import spawn

IDLE_TIMEOUT_MS = 2000  # at the latest this long after asking: a busy page still gets its data

_warmed: dict[int, asyncio.Task] = {}  # worker generation (client.restarts) -> the warm-up task
_sessions: dict[tuple[int, str], asyncio.Task] = {}  # (worker generation, lab) -> its warm-up task


def mnist() -> None:
    """Load every MNIST split into the training worker and warm its code paths, once per worker."""
    task = _warmed.get(client.restarts)
    if task is not None and not (task.done() and task.result() == "failed"):
        return
    _warmed[client.restarts] = spawn(_mnist())


async def idle() -> None:
    """Until the page's thread is idle (or IDLE_TIMEOUT_MS have passed)."""
    done = asyncio.get_running_loop().create_future()

    def wake(*_args) -> None:
        if not done.done():
            done.set_result(None)

    if hasattr(js, "requestIdleCallback"):
        js.requestIdleCallback(create_once_callable(wake), js.JSON.parse(json.dumps({"timeout": IDLE_TIMEOUT_MS})))
    else:  # Safari has no requestIdleCallback: after the current work, then
        js.setTimeout(create_once_callable(wake), 50)
    await done


async def _mnist() -> str:
    root = document.documentElement
    await client.ready()
    if not client.in_worker:
        return "skipped"  # the page trains on its own thread: its labs load what they need
    await idle()
    root.dataset.workerWarm = "loading"
    try:
        base = str(js.URL.new("./static/data/", js.document.baseURI).href)
        held = json.loads(str(await client.call("load_mnist", base)))
        root.dataset.workerHolds = ",".join(sorted(held))
        await client.call("warm")
    except Exception as exc:  # noqa: BLE001 - the lab's own Train loads again and says why
        root.dataset.workerWarm = "failed"
        root.dataset.workerWarmError = f"{type(exc).__name__}: {exc}"
        return "failed"
    root.dataset.workerWarm = "done"
    return "done"


def session(name: str, spec: dict, data: bool = False) -> None:
    """Run a throwaway session of ``spec`` ({"lab": kind, "config": ...}) in the training worker
    once the page is idle, once per worker: the lab's first real run then finds its code
    imported and numpy's code paths warm (see the module docstring). ``data``: the session
    trains on MNIST, so it waits for ``mnist()`` (started here if it was not)."""
    key = (client.restarts, name)
    task = _sessions.get(key)
    if task is not None and not (task.done() and task.result() == "failed"):
        return
    if data:
        mnist()
    _sessions[key] = spawn(_session(name, spec, _warmed.get(client.restarts) if data else None))


async def _session(name: str, spec: dict, data: asyncio.Task | None = None) -> str:
    root = document.documentElement
    attribute = f"data-worker-warm-{name}"
    await client.ready()
    if not client.in_worker:
        return "skipped"
    if data is not None and await asyncio.shield(data) != "done":
        root.setAttribute(attribute, "failed")
        root.setAttribute(f"{attribute}-error", "the MNIST sets did not reach the worker")
        return "failed"
    await idle()
    root.setAttribute(attribute, "loading")
    try:
        sid = (await client.start(spec))["id"]
        try:
            await client.run(sid, 0.02)
            await client.weights(sid)
        finally:
            await client.drop(sid)
    except Exception as exc:  # noqa: BLE001 - the lab's own run starts its session again and says why
        root.setAttribute(attribute, "failed")
        root.setAttribute(f"{attribute}-error", f"{type(exc).__name__}: {exc}")
        return "failed"
    root.setAttribute(attribute, "done")
    return "done"
