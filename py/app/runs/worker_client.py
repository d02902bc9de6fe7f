"""The page's side of the training worker: start it, say how it is, call it.

Training runs in a PyScript Web Worker (``py/worker/trainer.py`` with its own
config ``worker.toml``) so that the page's thread only draws and answers
clicks. The worker does not touch the DOM, so it needs no cross-origin
isolation: it runs on any plain static host.

``start_in_background()`` creates the worker once, after the page is ready
(its Pyodide + numpy start costs seconds: the page must not wait for it).
``client`` is the one object labs call: ``await client.ready()`` waits for
the worker (a lab's status line says "starting…" meanwhile), then
``start``/``run``/``weights``/``set_rates``/``evaluate``/``drop`` are the
worker's calls (``nnfs.runs.remote.Sessions``) with progress decoded from JSON.
If the worker cannot start (an old browser, a blocked file), the same
``Sessions`` object runs on the page's own thread instead, and the page says so.

Calls that run the learner's own code (the Playground trained with their
backprop and sgd_step) take a ``timeout``: code that never ends blocks the
worker for good (Pyodide can interrupt Python only through a
SharedArrayBuffer, which a plain static host cannot enable), so after that many
seconds without an answer ``restart()`` terminates the worker and starts a
fresh one, and the call raises ``TimedOut`` (every session of the old worker is
gone: the caller says so). As in app.labs.exercises.runner for the checker.

Each worker logs one console warning as it starts, "Unable to use `window` or `document`
in worker. This requires SharedArrayBuffer support": PyScript's own start-up imports
``pyscript`` in the worker before any code of ours, and without cross-origin isolation
(which a plain static host cannot give) that import warns. The documented switch,
``sync_main_only = true``, cannot silence it in the PyScript we vendor (0.7.31): the
worker's ``pyscript.config`` is the ``config`` attribute's raw text ("./worker.toml"),
not the parsed table, so the setting is never read (pyscript/pyscript#2426, open). Our
workers need neither ``window`` nor ``document`` (they answer calls with text, numbers
and bytes), so the warning is harmless; it is only in the developer console, never on the
page, and tests/e2e/conftest.py's ALLOWED_WARNINGS is the one place that allows it.

``<html data-worker="starting|ready|failed|restarting">``, ``data-worker-ms`` (start
time) and ``data-worker-restarts`` are for the tests and the curious.
"""

from __future__ import annotations

import asyncio
import json
import time

from pyodide.ffi import to_js
from pyscript import document
from pyscript.ffi import is_none

from app.ui.dom import spawn
from nnfs.runs import kinds  # noqa: F401 - registers every lab's kind of session (for the fallback)
from nnfs.runs.remote import Sessions

NAME = "trainer"
SRC = "./py/worker/trainer.py"
CONFIG = "./worker.toml"
START_TIMEOUT = 120.0  # seconds; a loaded 2-core machine needs ~10 s, a phone more


class TimedOut(Exception):
    """A call did not answer within its timeout; the worker was replaced (its sessions are gone)."""


class _Local:
    """The worker's calls, run on the page's thread (the fallback)."""

    def __init__(self):
        self.sessions = Sessions()

    @staticmethod
    def pass_bytes(data: bytes):
        return data

    async def call(self, name: str, *args):
        await asyncio.sleep(0)  # like a worker call: the caller's code goes on first
        if name in ("run",):
            sid, budget, until, target, since, max_epochs = args
            return self.sessions.run(
                sid,
                budget,
                None if until == -1 else until,
                None if target == -1 else target,
                since,
                None if max_epochs == -1 else max_epochs,
            )
        if name == "start":
            spec, keep, data = args
            return self.sessions.start(spec, keep or None, data)
        if name == "frame":
            from pictures.playground import frame_bytes

            sid, budget, until, target, since, max_epochs, width, height = args
            run = {"until_epoch": None if until == -1 else until, "target": None if target == -1 else target}
            run.update(since=since, max_epochs=None if max_epochs == -1 else max_epochs)
            return frame_bytes(self.sessions, sid, budget, width, height, **run)
        if name == "pictures":
            from pictures.playground import network_pictures

            sid, width, height = args
            return network_pictures(self.sessions.network(sid), width, height)
        return getattr(self.sessions, name)(*args)


class _Remote:
    """Calls into the PyScript worker (each returns a JS promise)."""

    def __init__(self, proxy):
        self.proxy = proxy

    @staticmethod
    def pass_bytes(data: bytes):
        """Bytes for a worker call: a JS Uint8Array (copied once into the worker)."""
        return to_js(data)

    async def call(self, name: str, *args):
        return await getattr(self.proxy, name)(*args)


class Client:
    """The training back end the labs use (the worker, or the page itself if it failed)."""

    def __init__(self):
        self.state = "off"  # off, starting, ready, failed
        self.message = ""
        self.start_seconds = None
        self._backend = None
        self._ready = None  # an asyncio.Event once started
        self._name = None  # the worker's name (PyScript keeps workers by name: a restart needs a new one)
        self.restarts = 0

    @property
    def in_worker(self) -> bool:
        return isinstance(self._backend, _Remote)

    def _set(self, state: str, message: str = "") -> None:
        self.state, self.message = state, message
        document.documentElement.dataset.worker = state

    def start_in_background(self, restarting: bool = False) -> None:
        """Create the worker (once, or again after ``restart``); returns at once."""
        if self._ready is not None and not restarting:
            return
        self._ready = asyncio.Event()
        self._set("restarting" if restarting else "starting")
        spawn(self._start())

    def restart(self) -> None:
        """Terminate the worker (e.g. stuck in the learner's endless loop) and start a new one."""
        if not self.in_worker:
            return  # the page's own thread cannot be restarted
        el = document.querySelector(f'script[name="{self._name}"]')
        if el is not None and not is_none(el) and not is_none(getattr(el, "xworker", None)):
            el.xworker.terminate()
            el.remove()
        self._backend = None
        self.restarts += 1
        document.documentElement.dataset.workerRestarts = str(self.restarts)
        self.start_in_background(restarting=True)

    async def _start(self) -> None:
        from pyscript import create_named_worker

        t0 = time.perf_counter()
        name = NAME if not self.restarts else f"{NAME}-{self.restarts + 1}"
        try:
            proxy = await asyncio.wait_for(create_named_worker(src=SRC, name=name, config=CONFIG), START_TIMEOUT)
            await asyncio.wait_for(proxy.ping(), START_TIMEOUT)
            self._backend, self._name = _Remote(proxy), name
            self.start_seconds = time.perf_counter() - t0
            document.documentElement.dataset.workerMs = f"{self.start_seconds * 1000:.0f}"
            self._set("ready")
        except Exception as exc:  # noqa: BLE001 - the page trains on its own thread instead
            self._backend = _Local()
            reason = (
                "it did not start in time" if isinstance(exc, asyncio.TimeoutError) else f"{type(exc).__name__}: {exc}"
            )
            document.documentElement.dataset.workerError = reason
            self._set(
                "failed",
                f"The training worker could not start ({reason}), so training "
                "runs on the page's own thread: the page may stutter while it trains.",
            )
        finally:
            self._ready.set()

    async def ready(self) -> None:
        """Wait until there is a back end (the worker, or the page after a failure)."""
        self.start_in_background()
        await self._ready.wait()

    # ------------------------------------------------------------ the calls

    async def _now(self):
        """The back end, waiting for it while a restarted worker starts."""
        if self._backend is None:
            await self.ready()
        return self._backend

    async def _within(self, timeout: float | None, name: str, *args):
        """The worker's call ``name``; with a ``timeout``, TimedOut (and a new worker) if it
        has not answered after that many seconds."""
        backend = await self._now()
        if timeout is None:
            return await backend.call(name, *args)
        try:
            return await asyncio.wait_for(backend.call(name, *args), timeout)
        except asyncio.TimeoutError:
            self.restart()
            raise TimedOut(f"the training worker did not answer in {timeout:g} s") from None

    async def start(
        self, spec: dict, keep: int | None = None, data: bytes | None = None, timeout: float | None = None
    ) -> dict:
        """A new session of ``spec``; ``data``: bytes it trains on (a 'speed' run's images)."""
        await self.ready()
        payload = None if data is None else self._backend.pass_bytes(data)
        return json.loads(str(await self._within(timeout, "start", json.dumps(spec), keep or 0, payload)))

    async def run(
        self,
        sid: int,
        budget: float,
        until_epoch: int | None = None,
        target: float | None = None,
        since: int = 0,
        max_epochs: int | None = None,
        timeout: float | None = None,
    ) -> dict:
        """Train ``budget`` seconds; ``max_epochs`` None keeps the session's limit."""
        text = await self._within(
            timeout,
            "run",
            sid,
            budget,
            -1 if until_epoch is None else until_epoch,
            -1 if target is None else target,
            since,
            -1 if max_epochs is None else max_epochs,
        )
        return json.loads(str(text))

    async def weights(self, sid: int) -> bytes:
        return _bytes(await (await self._now()).call("weights", sid))

    async def pictures(self, sid: int, width: int = 0, height: int = 0) -> bytes:
        """The Playground's pictures (pictures.playground.network_pictures), drawn in the worker."""
        return _bytes(await (await self._now()).call("pictures", sid, width, height))

    async def frame(
        self,
        sid: int,
        budget: float,
        until_epoch: int,
        target: float | None,
        since: int,
        max_epochs: int,
        size,
        timeout: float | None = None,
    ) -> bytes:
        """A Playground frame (``pictures.playground.frame_bytes``): ``budget`` seconds of
        training, then its progress, weights and pictures (diagram of ``size`` = (w, h), or (0, 0))."""
        t = -1 if target is None else target
        return _bytes(await self._within(timeout, "frame", sid, budget, until_epoch, t, since, max_epochs, *size))

    async def set_rates(self, sid: int, eta: float, lmbda: float) -> None:
        await (await self._now()).call("set_rates", sid, eta, lmbda)

    async def evaluate(self, sid: int, part: str) -> tuple[float, float]:
        return tuple(json.loads(str(await (await self._now()).call("evaluate", sid, part))))

    async def drop(self, sid: int) -> None:
        await (await self._now()).call("drop", sid)

    async def call(self, name: str, *args):
        """Any other call of the worker's (``py/worker/trainer.py``), as it comes back."""
        return await (await self._now()).call(name, *args)


def _bytes(data) -> bytes:
    """A worker's bytes arrive as a JS Uint8Array; the page's own as bytes."""
    return data if isinstance(data, bytes) else bytes(data.to_py())


as_bytes = _bytes  # for labs that receive bytes through ``call``
client = Client()
