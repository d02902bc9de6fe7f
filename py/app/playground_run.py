"""Lab 4's training run: the network trains in the worker, the page watches it.

``Mirror`` is what the page knows of a run: the data and the network (built
here from the same seeds, so the first picture needs no worker), the curves,
the epoch, why it stopped; the worker (``app.training``) holds the real
session and sends progress (JSON) and weights (bytes) after every call.

The loop asks the worker for a short slice of training (``BUDGET``), copies
the weights back and draws, once per display frame (``requestAnimationFrame``).
The speed control paces whole epochs (slow motion: every epoch drawn) or lets
the worker go as fast as it can. Pause and Stop are the page no longer asking:
they take effect when the call in flight returns (≤ one slice).
"""

from __future__ import annotations

import asyncio
import time

from js import performance, requestAnimationFrame
from pyodide.ffi import create_once_callable

from app import playground_draw as draw
from app import run_history_panel
from app.dom import by_id, spawn
from app.training import client
from nnfs import playground as pg
from nnfs import run_history as rh
from nnfs.engine import Stop
from nnfs.remote import unpack_into

BUDGET = 0.02  # seconds of training per worker call (Pause acts within one)
DIAGRAM_EVERY = 0.1  # seconds between redraws of the network diagram while training
# The speed control: epochs per second (None: as fast as the worker goes).
PACES = {"1": 1.0, "3": 3.0, "10": 10.0, "30": 30.0, "100": 100.0, "max": None}


class Mirror:
    """The page's copy of one run (see the module docstring)."""

    def __init__(self, config: pg.Config):
        local = pg.Session(config)  # epoch 0 in the page: data, initial weights, first curve point
        self.config = config
        self.data, self.network = local.data, local.network
        self.history = local.history
        self.stop = local.stop
        self.epoch, self.progress, self.train_seconds = 0, 0.0, 0.0
        self.sid = None  # the worker's session, once made
        self.connecting = None  # the task that makes it (one per mirror)
        self.held_test_acc = None  # test accuracy of the weights held mid-epoch (Pause)
        self.key = object()  # names this run in the run history (Train after Pause updates its record)

    def latest(self, key: str):
        return self.history[key][-1]

    def update(self, p: dict) -> Stop | None:
        """Take a progress message; returns why the call ended (None: its time was up)."""
        nan = float("nan")
        new = {k: [nan if v is None else v for v in values] for k, values in p["history"].items()}
        if p["since"] == 0:
            self.history = new
        else:
            for k, values in new.items():
                self.history[k].extend(values)
        self.epoch, self.progress, self.train_seconds = p["epoch"], p["progress"], p["train_seconds"]
        stop = _stop(p["stop"])
        # Only a problem blocks Train; a limit reached (epochs, target) can be raised and go on.
        self.stop = stop if stop is not None and stop.problem else None
        self.held_test_acc = None
        return _stop(p["ended"])


def _stop(d) -> Stop | None:
    return None if d is None else Stop(d["kind"], d["text"], d.get("advice", ""))


def problem_text(stop: Stop) -> str:
    """What went wrong, what to try, and the button that starts again."""
    return f"{stop.message} Press Reset to start again from the initial weights."


class _State:
    config: pg.Config = pg.DEFAULTS
    mirror: Mirror | None = None
    visible = False
    hash_state = ""  # the configuration as last written to / read from the URL
    run_id = 0  # bumped to stop the running loop
    running = False
    goal: int | None = None  # Step: the epoch to stop at
    use_target = True  # False when a run starts with the target already reached
    pause_clicked = None  # event.timeStamp of the Pause click (ms)
    cursor = None  # the keyboard cross on the plot, in data coordinates
    download_url = None


S = _State()


def spec(config: pg.Config) -> dict:
    return {"lab": "playground", "config": pg.to_hash(config)}


def ensure(m: Mirror, keep: Mirror | None = None):
    """The task making ``m``'s worker session (started at the first call)."""
    if m.connecting is None:
        m.connecting = spawn(_connect(m, keep))
    return m.connecting


async def _connect(m: Mirror, keep: Mirror | None = None) -> None:
    """Make the worker's session for ``m`` (going on from ``keep``'s weights if given)."""
    if client.state == "starting":
        status(
            "Starting the training worker (Python and numpy in a background thread; "
            "a few seconds the first time)… training starts when it is up.",
            "",
        )
    old = keep.sid if keep is not None else None
    p = await client.start(spec(m.config), keep=old)
    if client.state == "failed":
        status(client.message, "bad")
    m.sid = p["id"]
    m.update(p)
    if old is not None:
        unpack_into(m.network, await client.weights(m.sid))
    if S.mirror is not m:  # replaced while we waited
        spawn(client.drop(m.sid))


def forget(m: Mirror | None) -> None:
    """The worker can drop ``m``'s session (it was replaced)."""
    if m is not None and m.sid is not None:
        spawn(client.drop(m.sid))


def next_frame():
    """A future that resolves at the display's next frame."""
    loop = asyncio.get_event_loop()
    future = loop.create_future()
    requestAnimationFrame(create_once_callable(lambda _t: future.done() or future.set_result(None)))
    return future


def pace() -> float | None:
    return PACES.get(str(by_id("pg-pace").value))


def max_epochs() -> int:
    """The run's epoch limit: the setting, or a Step's goal beyond it (Step may pass it)."""
    return S.config.epochs if S.goal is None else max(S.config.epochs, S.goal)


def _plan(m: Mirror, clock: dict) -> tuple[int, float | None, float]:
    """(epoch to pause at, target accuracy or None, seconds to wait first) for the next call.

    Slow motion counts from where the speed was chosen (``clock``): epoch k is
    due at k / rate seconds, so every epoch is drawn and none is skipped.
    """
    config = S.config
    limit = S.goal if S.goal is not None else config.epochs
    target = config.target / 100 if (config.target > 0 and S.use_target and S.goal is None) else None
    rate = pace()
    if rate is None:
        return limit, target, 0.0
    now = time.perf_counter()
    if clock.get("rate") != rate:
        clock.update(rate=rate, t=now, epoch=m.epoch)
    allowed = clock["epoch"] + int((now - clock["t"]) * rate)
    if m.epoch >= allowed:  # ahead of the clock: wait for the next epoch's turn
        due = clock["t"] + (m.epoch + 1 - clock["epoch"]) / rate
        return min(limit, m.epoch + 1), target, max(0.0, due - now)
    return min(limit, max(m.epoch + 1, allowed)), target, 0.0


async def _call(m: Mirror, until: int, target, diagram: bool) -> tuple[dict, bytes, bytes]:
    """One slice of training, the weights after it and the pictures of them (sent
    together: the worker answers in order, so all three are of the same moment).
    The worker draws the pictures, so the page's thread only copies pixels."""
    size = draw.diagram_size(m) if diagram else (0, 0)
    calls = [
        client.run(m.sid, BUDGET, until, target, since=len(m.history["epoch"]), max_epochs=max_epochs()),
        client.weights(m.sid),
        client.pictures(m.sid, *size),
    ]
    tasks = [asyncio.ensure_future(c) for c in calls]
    return tuple([await t for t in tasks])


def _next(m: Mirror, until: int, target, last_diagram: float):
    """Send the next call; (its task, whether it brings the diagram)."""
    diagram = time.perf_counter() - last_diagram >= DIAGRAM_EVERY
    return asyncio.ensure_future(_call(m, until, target, diagram)), diagram


async def loop(run_id: int) -> None:
    t0 = time.perf_counter()
    frames, epochs, drawing, last_diagram = 0, 0.0, 0.0, 0.0
    m, stop, pending, clock = S.mirror, None, None, {}
    try:
        while S.run_id == run_id:
            if S.mirror is not m:  # the data or network changed: go on with the new run
                m, pending, clock = S.mirror, None, {}
            if m.sid is None:
                await ensure(m)
                continue
            if pending is None:
                until, target, wait = _plan(m, clock)
                if wait:
                    await asyncio.sleep(wait)
                    continue
                pending = _next(m, until, target, last_diagram)
            (task, diagram), pending = pending, None
            p, weights, pictures = await task
            if S.mirror is not m:
                continue
            before = m.epoch + m.progress
            ended = m.update(p)
            unpack_into(m.network, weights)
            epochs += max(0.0, m.epoch + m.progress - before)
            limit = S.goal if S.goal is not None else S.config.epochs
            if ended is not None and not (ended.kind == "goal" and m.epoch < limit):
                stop = ended
                break
            if S.run_id != run_id:
                break
            if diagram:
                last_diagram = time.perf_counter()
            nxt, target, wait = _plan(m, clock)
            if not wait:  # the worker trains the next slice while we draw
                pending = _next(m, nxt, target, last_diagram)
            await next_frame()
            if S.mirror is m:
                t_draw = time.perf_counter()
                draw.frame_from(m, pictures, diagram)
                drawing += time.perf_counter() - t_draw
                by_id("pg-speed").dataset.drawMs = f"{1000 * drawing / (frames + 1):.1f}"
                frames += 1
                draw.speed(m, frames, time.perf_counter() - t0, epochs)
    finally:
        if pending is not None and S.mirror is m:
            # Paused with a slice in flight: show what the worker holds (≤ one slice later).
            p, weights, _ = await pending[0]
            m.update(p)
            unpack_into(m.network, weights)
        if S.run_id == run_id:  # it ended by itself, not by Pause or a change
            S.running = False
            S.run_id += 1
        latency = None
        if S.pause_clicked is not None:
            latency = performance.now() - S.pause_clicked
            S.pause_clicked = None
            by_id("pg-speed").dataset.pauseMs = f"{latency:.1f}"
        if frames or latency is not None:
            draw.speed(m, frames, time.perf_counter() - t0, epochs, latency)
        if not S.running and m is S.mirror:
            finished(stop)  # (after Reset or a new link, the new session has its own message)
        else:
            buttons()


def finished(stop) -> None:
    """The run ended: say why, draw the final state, offer the model."""
    m = S.mirror
    stepping, S.goal = S.goal is not None, None
    where = f"epoch {m.epoch}" + (f" + {m.progress:.0%} of epoch {m.epoch + 1}" if m.progress else "")
    if stop is None:
        set_state("paused")
        status(f"Paused at {where}.", "")
    elif stop.problem:
        set_state("stopped")
        status(problem_text(stop), "bad")
    else:
        set_state("done")
        if stop.kind == "target":
            status(stop.text + f" Training took {m.train_seconds:.2f} s.", "good")
        elif stepping:
            status(f"Epoch {m.epoch} done.", "")
        else:
            status(f"Stopped at epoch {m.epoch}, the limit you set.", "")
    buttons()
    if by_id("pg-pause").matches(":focus"):
        by_id("pg-train" if not m.stop else "pg-reset").focus()  # Pause is disabled now
    draw.frame(m)
    draw.update_model_json(m, S.hash_state)
    keep(m, stop)
    if m.progress and m.sid is not None:
        spawn(_score_held(m))


def keep(m: Mirror, stop: Stop | None) -> None:
    """The run goes into the run history (once it has trained an epoch)."""
    if len(m.history["epoch"]) < 2:
        return
    ended = rh.ending(None if stop is None else stop.kind, stop is not None and stop.problem)
    text = "Paused." if stop is None else (stop.message if stop.problem else stop.text)
    settings = pg.SETTINGS.encoded(m.config.values())
    record = rh.record_of("playground", settings, m.config.seed, m.history, m.train_seconds, ended, text)
    run_history_panel.keep("playground", record, m.key)


async def _score_held(m: Mirror) -> None:
    """Paused mid-epoch: the curves' last point is of the last whole epoch, but the
    saved model must say how the weights it holds score (issue 8, item 4)."""
    _, acc = await client.evaluate(m.sid, "test")
    if S.mirror is m and not S.running:
        m.held_test_acc = acc
        draw.update_model_json(m, S.hash_state)


def status(text: str, kind: str) -> None:
    el = by_id("pg-status")
    el.className = f"message {kind}".strip()
    el.textContent = text


def set_state(state: str) -> None:
    by_id("pg-stats").dataset.state = state
    buttons()


def buttons() -> None:
    stopped = S.mirror is not None and S.mirror.stop is not None
    by_id("pg-train").disabled = S.running or stopped
    by_id("pg-step").disabled = S.running or stopped
    by_id("pg-pause").disabled = not S.running
