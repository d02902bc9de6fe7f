"""Play / pause / step / stop for a lab's repeated work, paced on the page's event loop.

A lab hands ``RunLoop`` a ``step()`` (do one unit of work; return False when
nothing is left, e.g. the learner converged) and a ``draw()``. The loop runs
``speed`` steps per second, or with ``speed=None`` "as fast as it goes": as
many steps as fit in ``budget`` seconds, then one drawing, then the browser
gets the thread back (so a click on Pause is answered within one frame).

``step`` may also be a coroutine function, for work that waits (the Digits lab's
step is a call into the training worker): the loop awaits it, and runs one step
at a time: Pause ends the loop once the step under way has come back (that step
still counts: its result is the lab's), a Play in the meantime waits for it, and
``settled()`` waits for it too (after Stop, to read what the last step left).

Pure Python + asyncio (no ``js``): the page's glue passes its own ``spawn``
(which reports a failed task in the page), and the tests run it in CPython
with a fake clock.
"""

from __future__ import annotations

import asyncio
import inspect
import time


class RunLoop:
    """Runs ``step`` repeatedly until paused, stopped or done.

    ``on_change()`` is called whenever ``running`` or ``done`` changes, so a
    lab can relabel its Run/Pause button and say so in its status line.
    """

    def __init__(
        self,
        step,
        draw=None,
        on_change=None,
        *,
        speed: float | None = 8.0,
        budget: float = 1 / 60,
        spawn=asyncio.ensure_future,
        clock=time.perf_counter,
        sleep=asyncio.sleep,
    ):
        self._step, self._draw, self._on_change = step, draw, on_change
        self.speed = speed  # steps per second, or None: as fast as it goes
        self.budget = budget  # seconds of work per frame at full speed
        self._spawn, self._clock, self._sleep = spawn, clock, sleep
        self._token = 0  # bumped by pause/stop: a running loop sees it and ends
        self.running = False
        self.done = False
        self.steps = 0  # steps taken since the last reset
        self._in_flight: asyncio.Future | None = None  # a coroutine step under way

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def _count(self, more) -> bool:
        self.steps += 1
        if more is False:
            self.done = True
        return more is not False

    def _one(self) -> bool:
        return self._count(self._step())

    async def _take(self) -> bool:
        """One step; a coroutine step is awaited (a plain one runs without giving the thread back)."""
        more = self._step()
        if not inspect.isawaitable(more):
            return self._count(more)
        task = asyncio.ensure_future(self._awaited(more))
        self._in_flight = task
        return await task

    async def _awaited(self, pending) -> bool:
        try:
            more = await pending
        finally:
            self._in_flight = None
        more = self._count(more)
        if self.done and not self.running:
            self._changed()  # the step came back done after Pause or Stop: no loop is left to say so
        return more

    async def settled(self) -> None:
        """Return once no step is under way (after ``pause`` or ``stop``: once the step that was
        running, a coroutine step, has come back and been counted)."""
        while self._in_flight is not None:
            await asyncio.wait({self._in_flight})

    def play(self) -> None:
        """Start running (nothing happens when already running or done)."""
        if self.running or self.done:
            return
        self._token += 1
        self.running = True
        self._changed()
        self._spawn(self._loop(self._token))

    def pause(self) -> None:
        """Stop after the step in progress; ``play`` goes on from there."""
        self._token += 1
        if self.running:
            self.running = False
            self._changed()

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def step_once(self) -> None:
        """One step by hand (pauses a run first; a plain ``step`` only, not a coroutine one)."""
        self.pause()
        if not self.done:
            self._one()
            if self._draw is not None:
                self._draw()
            if self.done:
                self._changed()

    def reset(self) -> None:
        """Stop: pause and forget that the work was done; the lab starts it afresh."""
        self.pause()
        self.done = False
        self.steps = 0
        self._changed()

    stop = reset

    async def _loop(self, token: int) -> None:
        try:
            if self._in_flight is not None:  # Play came while the last step is under way: one at a time
                await self.settled()
                if self.done:
                    return
            while token == self._token:
                start = self._clock()
                more = await self._take()
                if self.speed is None:  # as fast as it goes: fill the frame's budget
                    while more and token == self._token and self._clock() - start < self.budget:
                        more = await self._take()
                if token != self._token:
                    return
                if self._draw is not None:
                    self._draw()
                if not more:
                    return
                wait = 0.0 if self.speed is None else max(0.0, 1 / self.speed - (self._clock() - start))
                await self._sleep(wait)
        finally:
            if token == self._token and self.running:
                self.running = False
                self._changed()
