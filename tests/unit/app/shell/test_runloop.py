"""RunLoop: pacing, pause within one frame, as-fast-as-it-goes budget, done and reset."""

from __future__ import annotations

import asyncio
import threading

from app.shell.runloop import RunLoop


def run(coro_fn) -> None:
    """asyncio.run in its own thread: the e2e tests' Playwright keeps a loop running in this one."""
    errors = []

    def target():
        try:
            asyncio.run(coro_fn())
        except BaseException as e:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(e)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]


class FakeTime:
    """A clock that moves only when a step costs time or the loop sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def make(steps_until_done=None, cost=0.004, **kw):
    t = FakeTime()
    log = {"steps": 0, "draws": 0, "changes": 0}

    def step():
        log["steps"] += 1
        t.now += cost
        return steps_until_done is None or log["steps"] < steps_until_done

    loop = RunLoop(
        step,
        lambda: log.__setitem__("draws", log["draws"] + 1),
        lambda: log.__setitem__("changes", log["changes"] + 1),
        clock=t.clock,
        sleep=t.sleep,
        **kw,
    )
    return loop, log, t


async def spin(n=20):
    for _ in range(n):
        await asyncio.sleep(0)


def test_paced_steps_draw_each_and_sleep_the_rest_of_the_period():
    async def main():
        loop, log, t = make(speed=8.0)
        loop.play()
        await spin(10)
        loop.pause()
        n = log["steps"]
        await spin(10)
        assert log["steps"] == n > 3  # nothing after Pause
        assert log["draws"] == n
        assert all(abs(s - (1 / 8 - 0.004)) < 1e-12 for s in t.sleeps)
        assert not loop.running

    run(main)


def test_as_fast_as_it_goes_fills_the_frame_budget():
    async def main():
        loop, log, t = make(speed=None, budget=0.016, cost=0.004)
        loop.play()
        await spin(3)
        loop.pause()
        # 4 steps of 4 ms per 16 ms frame, one drawing per frame, no waiting.
        assert log["steps"] == 4 * log["draws"]
        assert set(t.sleeps) == {0.0}

    run(main)


def test_pause_takes_effect_before_the_next_step_even_at_full_speed():
    async def main():
        loop, log, t = make(speed=None, budget=10.0, cost=0.0)
        original = loop._step

        def step():
            if log["steps"] == 50:
                loop.pause()  # a click handled between two steps
            return original()

        loop._step = step
        loop.play()
        await spin(3)
        assert log["steps"] == 51 and log["draws"] == 0  # the paused frame is not drawn over

    run(main)


def test_done_stops_the_loop_and_reset_allows_a_new_run():
    async def main():
        loop, log, _t = make(steps_until_done=5, speed=100.0)
        loop.play()
        await spin(40)
        assert log["steps"] == 5 and loop.done and not loop.running
        loop.play()  # done: nothing to run
        await spin(5)
        assert log["steps"] == 5
        loop.reset()
        assert not loop.done and loop.steps == 0
        loop.step_once()
        assert log["steps"] == 6 and log["draws"] == 6

    run(main)


def test_a_failing_step_ends_the_run():
    async def main():
        def step():
            raise RuntimeError("boom")

        failures = []

        def spawn(coro):
            task = asyncio.ensure_future(coro)
            task.add_done_callback(lambda tk: failures.append(tk.exception()))
            return task

        loop = RunLoop(step, spawn=spawn)
        loop.play()
        await spin(5)
        assert not loop.running
        assert isinstance(failures[0], RuntimeError)

    run(main)


def test_a_coroutine_step_is_awaited_one_at_a_time_and_settles_after_pause():
    async def main():
        calls = {"now": 0, "most": 0, "steps": 0, "changes": 0}
        gate = asyncio.Event()

        async def step():
            calls["now"] += 1
            calls["most"] = max(calls["most"], calls["now"])
            await gate.wait()  # the worker's answer
            calls["now"] -= 1
            calls["steps"] += 1
            return calls["steps"] < 3

        loop = RunLoop(step, on_change=lambda: calls.__setitem__("changes", calls["changes"] + 1), speed=None)
        loop.play()
        await spin(3)
        loop.pause()  # the step under way goes on; no other starts
        loop.play()  # waits for it
        await spin(3)
        assert calls["now"] == 1 and loop.steps == 0
        gate.set()
        await spin(20)
        assert calls["most"] == 1, "two steps were under way at once"
        assert loop.steps == 3 and loop.done and not loop.running

        # Pause during the last step: it still counts, and says the run is done.
        gate.clear()
        calls["steps"] = 0
        loop.reset()
        loop.play()
        await spin(3)
        calls["steps"] = 2  # the step under way is the last one
        loop.pause()
        changes = calls["changes"]
        gate.set()
        await loop.settled()
        assert loop.done and not loop.running and loop.steps == 1
        assert calls["changes"] == changes + 1

    run(main)
