"""Lab 4's training run: the network trains in the worker, the page watches it.

``Mirror`` is what the page knows of a run: the data and the network (built
here from the same seeds, so the first picture needs no worker), the curves,
the epoch, why it stopped; the worker (``app.runs.worker_client``) holds the real
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
from dataclasses import dataclass, field

from js import performance, requestAnimationFrame
from pyodide.ffi import create_once_callable

from app.labs.playground import draw, mine
from app.labs.playground import keep as keep_progress
from app.runs import history_panel as run_history_panel
from app.runs import in_progress
from app.runs.worker_client import TimedOut, client
from app.shell.lab import Lab
from app.ui.dom import by_id, spawn
from nnfs.labs.playground.config import DEFAULTS, PACES, SETTINGS, Config, to_hash
from nnfs.labs.playground.session import Session
from nnfs.maths.stops import Stop
from nnfs.runs import history as rh
from nnfs.runs.remote import unpack_into
from pictures import playground as view

BUDGET = 0.02  # seconds of training per worker call at most (Pause acts within one)
MIN_BUDGET = 0.004  # ... and at least (a big network's pictures must not starve its training)
IN_FLIGHT = 1  # worker calls queued at once (see _keep_busy)
FRAME_WORK = 0.024  # seconds of worker time per frame aimed at: ≥ 30 frames/s with the round trip
DIAGRAM_EVERY = 0.1  # seconds between redraws of the network diagram while training


class Mirror:
    """The page's copy of one run (see the module docstring)."""

    def __init__(self, config: Config):
        local = Session(config)  # epoch 0 in the page: data, initial weights, first curve point
        self.config = config
        self.data, self.network = local.data, local.network
        self.history = local.history
        self.stop = local.stop
        self.epoch, self.progress, self.train_seconds = 0, 0.0, 0.0
        self.sid = None  # the worker's session, once made
        self.connecting = None  # the task that makes it (one per mirror)
        self.held_test_acc = None  # test accuracy of the weights held mid-epoch (Pause)
        self.code = mine.code_for(config)  # the learner's backprop and sgd_step train it (None: the core)
        self.learner_steps = None  # their sgd_step's steps so far (the worker counts them)
        self.key = object()  # names this run in the run history (Train after Pause updates its record)
        self.history_id: int | None = None  # its record's id there, once kept
        self.resume = None  # a run saved before a reload that this one goes on from (nnfs.runs.in_progress)
        self.edits: list = []  # weights the learner typed, [l, j, i, value]: the session starts with them

    def latest(self, key: str):
        return self.history[key][-1]

    def update(self, p: dict) -> Stop | None:
        """Take a progress message; returns why the call ended (None: its time was up)."""
        nan = float("nan")
        new = {k: [nan if v is None else v for v in values] for k, values in p["history"].items()}
        if p["since"] == 0:
            self.history = new
        else:  # entries from ``since`` on (a call sent before the last answer came may repeat some)
            for k, values in new.items():
                self.history[k][p["since"] :] = values
        self.epoch, self.progress, self.train_seconds = p["epoch"], p["progress"], p["train_seconds"]
        stop = _stop(p["stop"])
        # Only a problem blocks Train; a limit reached (epochs, target) can be raised and go on.
        self.stop = stop if stop is not None and stop.problem else None
        self.held_test_acc = None
        self.learner_steps = p.get("learner_steps")
        return _stop(p["ended"])


def _stop(d) -> Stop | None:
    return None if d is None else Stop(d["kind"], d["text"], d.get("advice", ""))


def problem_text(stop: Stop) -> str:
    """What went wrong, what to try, and the button that starts again."""
    return f"{stop.message} Press Reset to start again from the initial weights."


@dataclass
class PlaygroundState:
    """What the lab remembers besides its settings (``lab.values``); the page only shows it."""

    config: Config = DEFAULTS  # the settings as a configuration (app.labs.playground.lab keeps it)
    mirror: Mirror | None = None  # the run shown
    hash_state: str = to_hash(DEFAULTS)  # the configuration's link form (the saved model's meta)
    run_id: int = 0  # bumped to stop the running loop
    running: bool = False
    goal: int | None = None  # Step: the epoch to stop at
    use_target: bool = True  # False when a run starts with the target already reached
    pause_clicked: float | None = None  # event.timeStamp of the Pause click (ms)
    cursor: tuple[float, float] | None = None  # the keyboard cross on the plot, in data coordinates
    budget: float = BUDGET  # seconds of training per frame (see _adapt_budget)
    run_text: str = ""  # the status of the run under way: said again once the worker is up
    layer_fields: list = field(default_factory=list)  # one NumberField per hidden layer: parts of "layers"
    pictures: draw.DrawState = field(default_factory=lambda: draw.state)  # the canvases, what they show


state = PlaygroundState()
# The lab's settings, controls, status line and address (app.shell.lab); app.labs.playground.lab binds it.
lab = Lab("playground", SETTINGS, state=state)


def spec(config: Config, code: dict | None = None, resume=None, edits=None) -> dict:
    """The worker's session spec: the settings as their table decodes them (JSON turns the
    tuples into lists); ``code``: the learner's, to train with (app.labs.playground.mine);
    ``resume``: a run saved before a reload, to go on from (``SavedRun``); ``edits``: weights
    the learner typed (``nnfs.labs.playground.session.set_weights``)."""
    extra: dict = {"code": code} if code else {}
    if edits:
        extra["weights"] = edits
    if resume is not None:
        extra["resume"] = resume.resume_spec()
    return {"lab": "playground", "config": config.values(), **extra}


def ensure(m: Mirror, keep: Mirror | None = None):
    """The task making ``m``'s worker session (started at the first call)."""
    if m.connecting is None:
        m.connecting = spawn(_connect(m, keep))
    return m.connecting


async def _connect(m: Mirror, keep: Mirror | None = None) -> None:
    """Make the worker's session for ``m`` (going on from ``keep``'s weights if given)."""
    starting = say_if_starting()
    old = keep.sid if keep is not None else None
    timeout = mine.HANG_SECONDS if m.code else None
    try:
        p = await client.start(spec(m.config, m.code, m.resume, m.edits), keep=old, timeout=timeout)
    except TimedOut:
        m.sid, m.stop = None, Stop("hung", mine.hung_text())
        status(problem_text(m.stop), "bad")
        return
    if client.state == "failed":
        status(client.message, "bad")
    m.sid = p["id"]
    m.update(p)
    if starting and state.running and client.state == "ready":  # "Starting the training worker…" is over
        status(state.run_text, "")
    if old is not None:
        unpack_into(m.network, await client.weights(m.sid))
    if state.mirror is not m:  # replaced while we waited
        spawn(client.drop(m.sid))


def say_if_starting() -> bool:
    """The worker is not up yet: say so (at the click itself, not a task later); whether it was said."""
    if client.state != "starting":
        return False
    status(
        "Starting the training worker (Python and numpy in a background thread; "
        "a few seconds the first time)… training starts when it is up.",
        "",
    )
    return True


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
    """Epochs per second chosen with the speed control (None: as fast as it goes)."""
    return PACES[lab["pace"]]


def max_epochs() -> int:
    """The run's epoch limit: the setting, or a Step's goal beyond it (Step may pass it)."""
    return state.config.epochs if state.goal is None else max(state.config.epochs, state.goal)


def _plan(m: Mirror, clock: dict) -> tuple[int, float | None, float]:
    """(epoch to pause at, target accuracy or None, seconds to wait first) for the next call.

    Slow motion counts from where the speed was chosen (``clock``): epoch k is
    due at k / rate seconds, so every epoch is drawn and none is skipped.
    """
    config = state.config
    limit = state.goal if state.goal is not None else config.epochs
    target = config.target / 100 if (config.target > 0 and state.use_target and state.goal is None) else None
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


async def _call(m: Mirror, until: int, target, diagram: bool, budget: float) -> tuple[dict, bytes, bytes, float]:
    """One frame: a slice of training, the weights after it and the pictures of them, in
    one call (``view.frame_bytes``). The worker draws the pictures: the page only copies pixels."""
    size = draw.diagram_size(m) if diagram else (0, 0)
    since = len(m.history["epoch"])
    timeout = mine.HANG_SECONDS if m.code else None  # their code may never answer
    return view.split_frame(await client.frame(m.sid, budget, until, target, since, max_epochs(), size, timeout))


def _next(m: Mirror, until: int, target, clock: dict):
    """Send the next call; (its task, whether it brings the diagram, its training budget)."""
    now = time.perf_counter()
    diagram = now - clock.get("diagram", 0.0) >= DIAGRAM_EVERY
    if diagram:
        clock["diagram"] = now
    return asyncio.ensure_future(_call(m, until, target, diagram, state.budget)), diagram, state.budget


def _keep_busy(m: Mirror, pending: list, clock: dict) -> None:
    """Queue the next call (only once the next epoch is due, when paced), so the worker
    trains the next slice while the page draws. One call in flight, not two: Pause waits
    for every call in flight, and two doubled its delay (301 ms on a loaded machine)."""
    while len(pending) < IN_FLIGHT:
        until, target, wait = _plan(m, clock)
        if wait:
            return
        pending.append(_next(m, until, target, clock))


def _adapt_budget(asked: float, work: float) -> None:
    """Keep a frame's work in the worker (training + pictures + bookkeeping) near
    ``FRAME_WORK``, so the pictures come at ≥ 30 per second whatever the network costs."""
    extra = max(0.0, work - asked)  # pictures, an epoch's evaluation, the call itself
    state.budget = 0.5 * state.budget + 0.5 * min(BUDGET, max(MIN_BUDGET, FRAME_WORK - extra))


async def loop(run_id: int) -> None:
    t0 = time.perf_counter()
    frames, epochs, drawing = 0, 0.0, 0.0
    m, stop, pending, clock = state.mirror, None, [], {}
    try:
        while state.run_id == run_id:
            if state.mirror is not m:  # the data or network changed: go on with the new run
                m, pending, clock = state.mirror, [], {}
            if m.sid is None:
                await ensure(m)
                if m.sid is None:  # it could not be made (the learner's code did not answer)
                    stop = m.stop
                    break
                continue
            if not pending:
                _keep_busy(m, pending, clock)
                if not pending:  # slow motion: wait for the next epoch's turn
                    await asyncio.sleep(_plan(m, clock)[2])
                    continue
            task, diagram, asked = pending.pop(0)
            try:
                p, weights, pictures, work = await task
            except TimedOut:  # the learner's code hung: the worker was restarted, the session is gone
                m.sid, m.stop = None, Stop("hung", mine.hung_text())
                stop = m.stop
                break
            if state.mirror is not m:
                continue
            _adapt_budget(asked, work)
            before = m.epoch + m.progress
            ended = m.update(p)
            unpack_into(m.network, weights)
            keep_progress.save_progress(m)  # every few seconds: a reload then loses nothing
            epochs += max(0.0, m.epoch + m.progress - before)
            limit = state.goal if state.goal is not None else state.config.epochs
            if ended is not None and not (ended.kind == "goal" and m.epoch < limit):
                stop = ended
                break
            if state.run_id != run_id:
                break
            _keep_busy(m, pending, clock)  # the worker trains on while we draw
            await next_frame()
            if state.mirror is m:
                t_draw = time.perf_counter()
                draw.frame_from(m, pictures, diagram)
                drawing += time.perf_counter() - t_draw
                frames += 1
                draw.speed(m, frames, time.perf_counter() - t0, epochs, draw_ms=1000 * drawing / frames)
                if m.code:
                    mine.show(state.config, m)
    finally:
        for task, _, _ in pending if state.mirror is m else ():
            # Paused with slices in flight: show what the worker holds (≤ two slices later).
            p, weights, _, _ = await task
            m.update(p)
            unpack_into(m.network, weights)
        if state.run_id == run_id:  # it ended by itself, not by Pause or a change
            state.running = False
            state.run_id += 1
        latency = None
        if state.pause_clicked is not None:
            latency = performance.now() - state.pause_clicked
            state.pause_clicked = None
            by_id("pg-speed").dataset.pauseMs = f"{latency:.1f}"
        if frames or latency is not None:
            draw.speed(m, frames, time.perf_counter() - t0, epochs, latency)
        if not state.running and m is state.mirror:
            finished(stop)  # (after Reset or a new link, the new session has its own message)
        else:
            buttons()


def finished(stop) -> None:
    """The run ended: say why, draw the final state, offer the model."""
    m = state.mirror
    stepping, state.goal = state.goal is not None, None
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
    mine.show(state.config, m)  # their step count, final
    if by_id("pg-pause").matches(":focus"):
        by_id("pg-train" if not m.stop else "pg-reset").focus()  # Pause is disabled now
    draw.frame(m)
    draw.update_model_json(m, state.hash_state)
    keep_progress.ended()
    keep(m, stop)
    if m.progress and m.sid is not None:
        spawn(_score_held(m))


def keep(m: Mirror, stop: Stop | None) -> None:
    """The run goes into the run history (once it has trained an epoch)."""
    if len(m.history["epoch"]) < 2:
        return
    ended = rh.ending(None if stop is None else stop.kind, stop is not None and stop.problem)
    text = "Paused." if stop is None else (stop.message if stop.problem else stop.text)
    settings = SETTINGS.encoded(m.config.values())
    record = rh.record_of("playground", settings, m.config.seed, m.history, m.train_seconds, ended, text)
    kept = run_history_panel.keep("playground", record, m.key)
    m.history_id = kept.id if kept is not None else None


async def _score_held(m: Mirror) -> None:
    """Paused mid-epoch: the curves' last point is of the last whole epoch, but the
    saved model must say how the weights it holds score (issue 8, item 4)."""
    _, acc = await client.evaluate(m.sid, "test")
    if state.mirror is m and not state.running:
        m.held_test_acc = acc
        draw.update_model_json(m, state.hash_state)


def status(text: str, kind: str) -> None:
    lab.status(text, kind)


def set_state(name: str) -> None:
    by_id("pg-stats").dataset.state = name
    buttons()


def buttons() -> None:
    stopped = state.mirror is not None and state.mirror.stop is not None
    by_id("pg-train").disabled = state.running or stopped
    by_id("pg-step").disabled = state.running or stopped
    by_id("pg-pause").disabled = not state.running
    in_progress.busy("playground", state.running)  # leaving the page asks first while it trains
