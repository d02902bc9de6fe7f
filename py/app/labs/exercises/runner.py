"""The page's side of the exercise checker: a worker that runs the learner's code, and its timeout.

The learner's code runs in its own PyScript worker (``py/worker/checker.py``,
config ``worker.toml``), never on the page's thread: a ``while True:`` there
would freeze the page for good. Pyodide can interrupt running Python only
through a SharedArrayBuffer, which needs cross-origin isolation (headers a
plain static host cannot send), so the only way to stop a runaway is to
terminate its worker. ``call`` therefore waits at most ``TIMEOUT`` seconds,
then terminates the worker (its ``<script>`` element's ``xworker``) and starts
a fresh one in the background. (PyScript's ``py-editor`` also runs in a
worker, but offers no way to stop it; see the lab's docstring.)

``warm(key)`` has the worker check exercise ``key``'s own solution once, when the page
is idle, so that the learner's first Check answers as fast as their second (the first
check of an exercise imports its modules and makes numpy's first calls).

``<html data-checker="off|starting|ready|restarting|failed">``,
``data-checker-ms`` (start time of the last worker) and ``data-checker-warm`` (the
exercises warmed in the running worker, comma-separated) are for tests and the curious.
"""

from __future__ import annotations

import asyncio
import json
import time

from pyscript import document
from pyscript.ffi import is_none

from app.runs.warm import idle
from app.ui.dom import spawn

SRC = "./py/worker/checker.py"
CONFIG = "./worker.toml"
TIMEOUT = 5.0  # seconds a Run or Check may take before the learner's code is stopped
START_TIMEOUT = 120.0  # a loaded 2-core machine needs ~10 s to start Pyodide + numpy


class TimedOut(Exception):
    """The learner's code was still running after TIMEOUT seconds; the worker was replaced."""


class Runner:
    def __init__(self):
        self.state = "off"
        self.start_seconds = None
        self.message = ""
        self._proxy = None
        self._name = None
        self._count = 0
        self._ready = None  # asyncio.Event of the worker being started
        self.listeners = []  # called with the new state (the lab shows it)
        self._warmed = set()  # (worker number, exercise key) warmed
        self._warming = set()  # exercise keys being warmed

    def _set(self, state: str, message: str = "") -> None:
        self.state, self.message = state, message
        document.documentElement.dataset.checker = state
        for listener in self.listeners:
            listener(state)

    def start_in_background(self, restarting: bool = False) -> None:
        """Create a worker unless one is starting or running; returns at once."""
        if self._ready is not None and not restarting:
            return
        self._ready = asyncio.Event()
        self._set("restarting" if restarting else "starting")
        spawn(self._start(self._ready))

    async def _start(self, ready: asyncio.Event) -> None:
        from pyscript import create_named_worker

        self._count += 1
        name = f"exercises-{self._count}"  # PyScript keeps workers by name: each one is new
        t0 = time.perf_counter()
        try:
            proxy = await asyncio.wait_for(create_named_worker(src=SRC, name=name, config=CONFIG), START_TIMEOUT)
            await asyncio.wait_for(_awaited(proxy.ping()), START_TIMEOUT)
            self._proxy, self._name = proxy, name
            self.start_seconds = time.perf_counter() - t0
            document.documentElement.dataset.checkerMs = f"{self.start_seconds * 1000:.0f}"
            self._set("ready")
        except Exception as exc:  # noqa: BLE001 - said in the lab; Run and Check stay off
            reason = "it did not start in time" if isinstance(exc, asyncio.TimeoutError) else str(exc)
            self._set("failed", f"The Python checker could not start ({reason}). Reload the page to try again.")
        finally:
            ready.set()

    def warm(self, key: str) -> None:
        """Check exercise ``key``'s solution once in the worker, when the page is idle; returns at once."""
        self.start_in_background()
        if key in self._warming:
            return
        self._warming.add(key)
        spawn(self._warm(key))

    async def _warm(self, key: str) -> None:
        try:
            await self._ready.wait()
            count = self._count  # the worker now running (a restart makes another, warmed again)
            if self._proxy is None or (count, key) in self._warmed:
                return
            await idle()
            if self._count != count:
                return
            await _awaited(self._proxy.warm(key))
            self._warmed.add((count, key))
            done = sorted(k for n, k in self._warmed if n == count)
            document.documentElement.dataset.checkerWarm = ",".join(done)
        except Exception as exc:  # noqa: BLE001 - a warm-up that failed only leaves the first Check slower
            document.documentElement.dataset.checkerWarmError = f"{key}: {type(exc).__name__}: {exc}"
        finally:
            self._warming.discard(key)

    def _terminate(self) -> None:
        """Stop the current worker for good and forget it."""
        el = document.querySelector(f'script[name="{self._name}"]') if self._name else None
        if el is not None and not is_none(el) and not is_none(getattr(el, "xworker", None)):
            el.xworker.terminate()
            el.remove()
        self._proxy = self._name = None

    async def call(self, name: str, key: str, code: str) -> dict:
        """``run`` or ``check`` of exercise ``key`` on ``code`` in the worker: its JSON answer as a dict.

        Raises TimedOut (and restarts the worker) when the code runs longer than TIMEOUT."""
        self.start_in_background()
        await self._ready.wait()
        if self._proxy is None:
            raise RuntimeError(self.message or "The Python checker is not running.")
        try:
            text = await asyncio.wait_for(_awaited(getattr(self._proxy, name)(key, code)), TIMEOUT)
        except asyncio.TimeoutError:
            self._terminate()
            self.start_in_background(restarting=True)
            raise TimedOut() from None
        return json.loads(str(text))


async def _awaited(promise):
    """A JS promise as a coroutine (asyncio.wait_for wants one it can cancel)."""
    return await promise


runner = Runner()
