"""Play / pause / step / stop for a lab's repeated work, paced on the page's event loop.

A lab hands ``RunLoop`` a ``step()`` (do one unit of work; return False when
nothing is left, e.g. the learner converged) and a ``draw()``. The loop runs
``speed`` steps per second, or with ``speed=None`` "as fast as it goes": as
many steps as fit in ``budget`` seconds, then one drawing, then the browser
gets the thread back (so a click on Pause is answered within one frame).

Pure Python + asyncio (no ``js``): the page's glue passes its own ``spawn``
(which reports a failed task in the page), and the tests run it in CPython
with a fake clock.
"""

from __future__ import annotations

import asyncio
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

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def _one(self) -> bool:
        more = self._step()
        self.steps += 1
        if more is False:
            self.done = True
        return more is not False

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
        """One step by hand (pauses a run first)."""
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
            while token == self._token:
                start = self._clock()
                more = self._one()
                if self.speed is None:  # as fast as it goes: fill the frame's budget
                    while more and token == self._token and self._clock() - start < self.budget:
                        more = self._one()
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
