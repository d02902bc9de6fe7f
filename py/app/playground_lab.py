"""Lab 4, the playground: train a small network on 2-D points and watch it learn.

The glue only: it reads the controls into a ``nnfs.playground.Config``, keeps
the URL hash equal to that configuration, runs a ``playground.Session`` and
draws what ``app.playground_view`` computes. The maths is in ``nnfs``.

Training runs on the page's main thread, in an async loop that trains for
about 25 ms (``SLICE``), yields to the browser (``await asyncio.sleep(0)``),
and redraws the pictures about ten times a second (``FRAME``), so clicks and
typing are answered between slices and Pause stops the run within one slice.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from js import URL, Blob, Object, performance
from pyodide.ffi import to_js
from pyscript import document, window

from app import playground_view as view
from app import training
from app.canvas import Canvas
from app.dom import NumberField, by_id, on, set_text, spawn
from app.pixels import grid
from nnfs import model_io
from nnfs import playground as pg

SLICE = 0.025       # seconds of training between yields to the browser
FRAME = 0.1         # redraw the pictures at most this often while training
KEY_STEP = 0.05     # the keyboard cross moves this far per arrow key
NEAR = 0.2          # shift-click removes your nearest point within this distance

# Config keys whose change needs a new session (new data or a new network);
# the others (eta, l2, epochs, target) change the run in progress.
REBUILD = {"data", "classes", "n", "noise", "test", "dseed", "points",
           "layers", "act", "cost", "init", "seed", "batch"}
NUMBER_IDS = {"classes": "pg-classes", "n": "pg-n", "noise": "pg-noise", "test": "pg-test",
              "dseed": "pg-dseed", "seed": "pg-seed", "eta": "pg-eta", "batch": "pg-batch",
              "l2": "pg-l2", "epochs": "pg-epochs", "target": "pg-target"}
SELECT_IDS = {"data": "pg-data", "act": "pg-act", "cost": "pg-cost", "init": "pg-init"}


class _State:
    config: pg.Config = pg.DEFAULTS
    session: pg.Session | None = None
    visible = False
    hash_state = ""          # the configuration as last written to / read from the URL
    run_id = 0               # bumped to stop the running loop
    running = False
    goal: int | None = None  # Step: the epoch to stop at
    use_target = True        # False when a run starts with the target already reached
    pause_clicked = None     # event.timeStamp of the Pause click (ms)
    cursor = None            # the keyboard cross on the plot, in data coordinates
    layout = None
    download_url = None


S = _State()
fields: dict[str, NumberField] = {}
neurons: list[NumberField] = []


# ------------------------------------------------------------------- set-up

def _make_layer_fields() -> None:
    """index.html holds the field for hidden layer 1; layers 2..MAX are copies of
    it, so the limit lives in one place (``pg.MAX_HIDDEN_LAYERS``)."""
    first = by_id("pg-layer-1")
    template = str(first.outerHTML)
    anchor = first
    for i in range(2, pg.MAX_HIDDEN_LAYERS + 1):
        html = (template.replace("pg-neurons-1", f"pg-neurons-{i}")
                .replace('id="pg-layer-1"', f'id="pg-layer-{i}"')
                .replace("layer 1 neurons", f"layer {i} neurons"))
        anchor.insertAdjacentHTML("afterend", html)
        anchor = by_id(f"pg-layer-{i}")
        anchor.hidden = True


def setup() -> None:
    global PLOT, POINTS, NET, LOSS, ACC, GRID
    PLOT, POINTS, NET = Canvas("pg-plot"), Canvas("pg-points"), Canvas("pg-net")
    LOSS, ACC = Canvas("pg-loss"), Canvas("pg-acc")
    GRID = grid(view.BOX, view.BOX, view.RES, view.RES)

    for key, element_id in NUMBER_IDS.items():
        spec = pg.NUMBERS[key]
        fields[key] = NumberField(element_id, spec.label, lambda v, key=key: change(**{key: v}),
                                  lo=spec.lo, hi=spec.hi, integer=spec.integer)
    fields["hidden"] = NumberField("pg-hidden", pg.HIDDEN.label, set_hidden_layers,
                                   lo=pg.HIDDEN.lo, hi=pg.HIDDEN.hi, integer=True, slider=False)
    _make_layer_fields()
    for i in range(1, pg.MAX_HIDDEN_LAYERS + 1):
        neurons.append(NumberField(f"pg-neurons-{i}", f"layer {i} neurons",
                                   lambda v: change(layers=layers_from_fields(len(S.config.layers))),
                                   lo=pg.NEURONS.lo, hi=pg.NEURONS.hi, integer=True))
    for key, element_id in SELECT_IDS.items():
        on(element_id, "change", lambda e, key=key: change(**{key: str(e.target.value)}))

    on("pg-add-layer", "click", lambda e: add_layer(+1))
    on("pg-remove-layer", "click", lambda e: add_layer(-1))
    on("pg-regen", "click", new_points)
    on("pg-clear-points", "click", clear_points)
    on("pg-train", "click", lambda e: start())
    on("pg-step", "click", lambda e: start(step=True))
    on("pg-pause", "click", pause)
    on("pg-reset", "click", reset)
    on("pg-download", "click", download)
    on("pg-points", "click", plot_click)
    on("pg-points", "keydown", plot_key)
    on("pg-points", "focus", lambda e: plot_focus())
    on("pg-points", "blur", lambda e: plot_blur())
    # The first session is made when the lab is first shown (start-up stays fast).
    # The worker starts after the page is ready: spawn runs it once main.start() returns.
    training.client.start_in_background()


def show(state: str) -> None:
    """Show the lab; ``state`` is the URL hash after ``#playground/``."""
    S.visible = True
    problems = []
    if state and state != S.hash_state:
        config, problems = pg.from_hash(state)
        apply_config(config)
    elif S.session is None:
        apply_config(S.config)
    write_hash()
    draw_all()
    if problems:
        status("The link had a problem: " + "; ".join(problems) + ".", "bad")


def hide() -> None:
    """Leaving the lab pauses training (it would only use the battery)."""
    S.visible = False
    if S.running:
        stop_loop()


# --------------------------------------------------------------- settings

def change(**values) -> None:
    """New settings from a control: rebuild what they affect, update the URL."""
    old = S.config
    new = replace(old, **values)
    if new == old:
        return
    S.config = new
    changed = {k for k in values if getattr(old, k) != getattr(new, k)}
    write_hash()
    sync_controls()
    if changed & REBUILD:
        if S.running and S.goal is not None:
            stop_loop()                      # a Step was about the old network
        new_session()                        # a running Train goes on with the new one
    else:
        S.session.set_rates(new.eta, new.l2)
        if "target" in changed:
            S.use_target = True
        show_stats()


def apply_config(config: pg.Config) -> None:
    """Load a whole configuration (start-up, a link, a preset): stop, set every control."""
    if S.running:
        stop_loop()
    S.config = config
    for key, field in fields.items():
        if key != "hidden":
            field.set(getattr(config, key))
    for key, element_id in SELECT_IDS.items():
        by_id(element_id).value = getattr(config, key)
    for i, k in enumerate(config.layers):
        neurons[i].set(k)
    fields["hidden"].set(len(config.layers))
    sync_controls()
    new_session()


def write_hash() -> None:
    S.hash_state = pg.to_hash(S.config)
    if S.visible:
        # replaceState: no history entry per keystroke, and no hashchange (so no re-routing).
        window.history.replaceState(None, "", "#playground/" + S.hash_state)


def sync_controls() -> None:
    """What depends on other settings: layer rows, the classes field, notes."""
    config = S.config
    for i in range(pg.MAX_HIDDEN_LAYERS):
        by_id(f"pg-layer-{i + 1}").hidden = i >= len(config.layers)
    fixed = config.data in pg.TWO_CLASS
    by_id("pg-classes").disabled = fixed
    by_id("pg-classes-range").disabled = fixed
    by_id("pg-classes").title = f"{config.data} always has 2 classes" if fixed else ""
    k = config.n_classes
    out = config.output_activation
    why = {
        "cross-entropy": "cross-entropy needs each output between 0 and 1, a yes/no per class",
        "quadratic": "the cost is ½‖a − y‖² against the one-hot target y",
        "log-likelihood": "log-likelihood reads the outputs as probabilities, positive and summing "
                          "to 1, which only softmax gives",
    }[config.cost]
    set_text("pg-output-note", f"Output layer: {k} {out} neurons, one per class ({why}). "
                               "The predicted class is the most active output.")
    select = by_id("pg-click-class")
    chosen = min(int(select.value or 0), k - 1)
    select.innerHTML = "".join(f'<option value="{c}">class {c} ({view.CLASS_NAMES[c]})</option>'
                               for c in range(k))
    select.value = str(chosen)


def layers_from_fields(count: int) -> tuple:
    return tuple(int(neurons[i].value) for i in range(count))


def set_hidden_layers(count) -> None:
    change(layers=layers_from_fields(int(count)))


def add_layer(delta: int) -> None:
    count = len(S.config.layers) + delta
    if count > pg.MAX_HIDDEN_LAYERS:
        status(f"At most {pg.MAX_HIDDEN_LAYERS} hidden layers here: deeper networks of these "
               "neurons learn very slowly (their gradients shrink layer by layer).", "bad")
        return
    if count < 0:
        status("No hidden layer left to remove: the inputs already connect straight to the "
               "outputs, so each class gets a straight (linear) boundary.", "bad")
        return
    fields["hidden"].set(count)
    set_hidden_layers(count)


def new_points(_event) -> None:
    """Regenerate: the next data seed gives new points of the same kind."""
    seed = S.config.dseed + 1 if S.config.dseed < pg.NUMBERS["dseed"].hi else 0
    fields["dseed"].set(seed)
    change(dseed=seed)


def clear_points(_event) -> None:
    if not S.config.points:
        status("You have not added any points yet: click the plot to add some.", "")
        return
    n = len(S.config.points)
    change(points=())
    status(f"Removed your {n} point{'s' if n > 1 else ''}.", "")


# ------------------------------------------------------------- your points

def add_point(x: float, y: float) -> None:
    if len(S.config.points) >= pg.MAX_USER_POINTS:
        status(f"You already have {pg.MAX_USER_POINTS} points of your own, the most a link can "
               "carry: remove some first (shift-click, or Clear my points).", "bad")
        return
    x, y = pg.round_point(x, y)
    c = int(by_id("pg-click-class").value)
    change(points=S.config.points + ((x, y, c),))
    status(f"Added a class {c} training point at ({x:g}, {y:g}); the network starts again "
           "from its initial weights with it.", "")


def remove_point(x: float, y: float) -> None:
    pts = S.config.points
    if not pts:
        status("You have no points of your own to remove.", "")
        return
    d = [(p[0] - x) ** 2 + (p[1] - y) ** 2 for p in pts]
    i = min(range(len(pts)), key=d.__getitem__)
    if d[i] > NEAR ** 2:
        status("None of your points is near there (only your own points, the squares, can be removed).", "")
        return
    change(points=pts[:i] + pts[i + 1:])
    status(f"Removed your point at ({pts[i][0]:g}, {pts[i][1]:g}).", "")


def plot_click(event) -> None:
    px, py = POINTS.event_xy(event)
    x, y = view.from_canvas(px, py, POINTS.width)
    if event.shiftKey:
        remove_point(x, y)
    else:
        add_point(x, y)


def plot_key(event) -> None:
    key = str(event.key)
    moves = {"ArrowLeft": (-1, 0), "ArrowRight": (1, 0), "ArrowUp": (0, 1), "ArrowDown": (0, -1)}
    if key not in moves and key not in ("Enter", " ", "Delete", "Backspace"):
        return
    event.preventDefault()
    x, y = S.cursor or (0.0, 0.0)
    if key in moves:
        dx, dy = moves[key]
        S.cursor = pg.round_point(x + dx * KEY_STEP, y + dy * KEY_STEP)
        draw_points()
    elif S.cursor is None:
        S.cursor = (0.0, 0.0)
        draw_points()
    elif key in ("Enter", " "):
        add_point(x, y)
    else:
        remove_point(x, y)


def plot_focus() -> None:
    """Reached by keyboard (not by a click): show the cross the arrow keys move."""
    if S.cursor is None and POINTS.element.matches(":focus-visible"):
        S.cursor = (0.0, 0.0)
        draw_points()


def plot_blur() -> None:
    if S.cursor is not None:
        S.cursor = None
        draw_points()


# ---------------------------------------------------------------- training

def new_session() -> None:
    S.session = pg.Session(S.config)
    S.use_target = True
    S.layout = None
    draw_points()
    draw_all()
    update_model_json()
    set_state("stopped" if S.session.stop else ("running" if S.running else "idle"))
    if S.session.stop:
        status(S.session.stop.text, "bad")
    elif not S.running:
        status(f"Ready: the initial weights for network seed {S.config.seed}. Press Train, "
               "or Step for one epoch.", "")


def start(step: bool = False) -> None:
    session = S.session
    if S.running:
        return
    if session.stop is not None:
        status(session.stop.text, "bad")
        return
    config = S.config
    if not step and session.epoch >= config.epochs:
        status(f"Already at the epoch limit ({config.epochs}): raise “stop after epochs”, "
               "use Step, or press Reset.", "")
        return
    S.goal = session.epoch + 1 if step else None
    target = config.target / 100
    S.use_target = not (config.target > 0 and session.latest("test_acc") >= target)
    if step:
        status(f"Training epoch {session.epoch + 1}…", "")
    elif config.target > 0 and not S.use_target:
        status(f"The test accuracy is already at least {config.target:g} %: training on to "
               f"epoch {config.epochs}.", "")
    else:
        aim = f" or {config.target:g} % test accuracy" if config.target > 0 else ""
        status(f"Training to epoch {config.epochs}{aim}… (Pause stops it.)", "")
    S.run_id += 1
    S.running = True
    S.pause_clicked = None
    set_state("running")
    focus_from = document.activeElement
    buttons()
    if focus_from is not None and focus_from.id in ("pg-train", "pg-step"):
        by_id("pg-pause").focus()          # the pressed button is now disabled
    spawn(_loop(S.run_id))


def pause(event) -> None:
    if not S.running:
        return
    S.pause_clicked = float(event.timeStamp)
    stop_loop()


def stop_loop() -> None:
    """Ask the loop to stop: it sees this when it next wakes (within one slice)."""
    S.run_id += 1
    S.running = False
    buttons()


def reset(_event) -> None:
    """Back to the initial weights (the same for the same seed), same data."""
    if S.running:
        stop_loop()
    new_session()
    if S.session.stop is None:
        status(f"Reset: the initial weights again (network seed {S.config.seed}), epoch 0.", "")


async def _loop(run_id: int) -> None:
    session = S.session
    t0 = time.perf_counter()
    frames, epochs, last_draw = 0, 0, t0
    stop = None
    try:
        while S.run_id == run_id:
            session = S.session              # a new one if the data or network changed meanwhile
            config = S.config
            until = S.goal if S.goal is not None else config.epochs
            target = config.target / 100 if (config.target > 0 and S.use_target
                                             and S.goal is None) else None
            before = session.epoch + session.trainer.progress     # in epochs, fractions too
            stop = session.run(SLICE, until_epoch=until, target=target)
            epochs += max(0.0, session.epoch + session.trainer.progress - before)
            if stop is not None:
                break
            now = time.perf_counter()
            if now - last_draw >= FRAME:
                last_draw = now
                draw_network()
                draw_curves()
                show_stats()
                frames += 1
                show_speed(frames, time.perf_counter() - t0, epochs)
            await asyncio.sleep(0)
    finally:
        if S.run_id == run_id:               # it ended by itself, not by Pause or a change
            S.running = False
            S.run_id += 1
        latency = None
        if S.pause_clicked is not None:
            latency = performance.now() - S.pause_clicked
            S.pause_clicked = None
            by_id("pg-speed").dataset.pauseMs = f"{latency:.1f}"
        if frames or latency is not None:
            show_speed(frames, time.perf_counter() - t0, epochs, latency)
        if not S.running and session is S.session:
            finished(stop)       # (after Reset or a new link, the new session has its own message)
        else:
            buttons()


def finished(stop) -> None:
    """The run ended: say why, draw the final state, offer the model."""
    stepping, S.goal = S.goal is not None, None
    if stop is None:
        set_state("paused")
        status(f"Paused at epoch {S.session.epoch}.", "")
    elif stop.problem:
        set_state("stopped")
        status(stop.text, "bad")
    else:
        set_state("done")
        if stop.kind == "target":
            status(stop.text + f" Training took {S.session.train_seconds:.2f} s.", "good")
        elif stepping:
            status(f"Epoch {S.session.epoch} done.", "")
        else:
            status(f"Stopped at epoch {S.session.epoch}, the limit you set.", "")
    buttons()
    if document.activeElement is not None and document.activeElement.id == "pg-pause":
        by_id("pg-train" if not S.session.stop else "pg-reset").focus()   # Pause is disabled now
    draw_all()
    update_model_json()


# ----------------------------------------------------------------- drawing

def draw_all() -> None:
    draw_network()
    draw_curves()
    show_stats()


def draw_points() -> None:
    """The data points (on their own canvas over the heatmap: drawn only when the data change)."""
    c = POINTS
    c.clear(None)
    w = c.width
    c.fill_stroke(f"M{w / 2} 0V{w}M0 {w / 2}H{w}", stroke="rgba(27,36,48,0.25)", width=1)
    c.texts([("x₂", w / 2 + 6, 10), ("−1", 4, w / 2 + 9)], "#5b6675", 12, align="left")
    c.texts([("x₁", w - 5, w / 2 - 9), ("1", w - 5, w / 2 + 9)], "#5b6675", 12, align="right")
    for fill, stroke, width, path in view.point_shapes(S.session.data, w):
        c.fill_stroke(path, fill, stroke, width)
    if S.cursor is not None:
        (x,), (y,) = view.to_canvas([S.cursor], w)
        c.fill_stroke(f"M{x - 9} {y}H{x + 9}M{x} {y - 9}V{y + 9}", stroke="#1b2430", width=2)
    d = S.session.data
    text = (f"{len(d.X_train)} training points ({d.n_user} of yours) · {len(d.X_test)} test points")
    if d.ignored:
        text += (f" · {d.ignored} of your points are of a class this data set does not have, "
                 "so they are left out")
    set_text("pg-counts", text)
    stats = by_id("pg-stats").dataset
    stats.trainCount = str(len(d.X_train))
    stats.testCount = str(len(d.X_test))
    stats.userCount = str(d.n_user)


def draw_network() -> None:
    """The decision regions and the network diagram with every neuron's picture."""
    session = S.session
    net = session.network
    if not net.is_finite():
        return                                       # keep the last good pictures
    acts = session.activations(GRID)
    PLOT.draw_rgba(view.decision_rgba(acts[-1], net.output_activation), 0, 0,
                   PLOT.width, PLOT.height, smooth=True)
    if S.layout is None or S.layout.sizes != tuple(net.sizes):
        NET.resize(NET.width, view.diagram_height(net.sizes))
        S.layout = view.Layout.make(net.sizes, NET.width, NET.height)
    layout = S.layout
    t = layout.tile
    maps = [view.neuron_maps(acts[0], "tanh", t)]     # inputs x1, x2 range over [-1, 1]
    maps += [view.neuron_maps(a, net.activation, t) for a in acts[1:-1]]
    maps.append(view.output_maps(acts[-1], t))
    NET.put_rgba(view.diagram_rgba(layout, maps))
    for colour, width, path in view.weight_strokes(layout, net.weights):
        NET.fill_stroke(path, stroke=colour, width=width)
    heads, subs = [], []
    last = len(net.sizes) - 1
    for l, n in enumerate(net.sizes[:-1]):
        x = layout.x[l] + t / 2
        heads.append(("input" if l == 0 else f"hidden {l}", x, 9))
        subs.append(("x₁, x₂" if l == 0 else f"{n} {net.activation}", x, 22))
    NET.texts(heads, "#1b2430", 12, bold=True)
    NET.texts(subs, "#5b6675", 11)
    right = NET.width - 4                     # the output column's labels end at the edge
    NET.texts([("output", right, 9)], "#1b2430", 12, align="right", bold=True)
    NET.texts([(f"{net.sizes[last]} {net.output_activation}", right, 22)], "#5b6675", 11,
              align="right")


def draw_curves() -> None:
    h = S.session.history
    last = h["epoch"][-1]
    x_max = view.epochs_axis(last)
    top = view.loss_top(h["train_loss"] + h["test_loss"])
    _chart(LOSS, h, "loss", top, lambda v: f"{v:.3g}", x_max)
    _chart(ACC, h, "acc", 1.0, lambda v: f"{100 * v:.0f}%", x_max)


def _chart(canvas: Canvas, h, key: str, y_max: float, label, x_max: int) -> None:
    canvas.clear()
    chart = view.Chart(x=44, y=10, w=canvas.width - 56, h=canvas.height - 36, x_max=x_max, y_max=y_max)
    x0, y0, x1, y1 = chart.x, chart.y, chart.x + chart.w, chart.y + chart.h
    ticks = [0.0, 0.5, 1.0]
    canvas.fill_stroke("".join(f"M{x0} {y1 - f * chart.h:.1f}H{x1}" for f in ticks[1:]),
                       stroke="#eceff2", width=1)
    canvas.fill_stroke(f"M{x0} {y0}V{y1}H{x1}", stroke="#8a94a3", width=1)
    canvas.texts([(label(f * y_max), x0 - 5, y1 - f * chart.h) for f in ticks], "#5b6675", 11,
                 align="right")
    canvas.texts([("0", x0, y1 + 12), (f"{x_max} epochs", x1, y1 + 12)], "#5b6675", 11,
                 align="right")
    epochs = h["epoch"]
    canvas.fill_stroke(chart.path(epochs, h[f"train_{key}"]), stroke="#1d3557", width=2)
    canvas.ctx.setLineDash(to_js([5, 4]))
    canvas.fill_stroke(chart.path(epochs, h[f"test_{key}"]), stroke="#d1495b", width=2)
    canvas.ctx.setLineDash(to_js([]))


def show_stats() -> None:
    s = S.session
    set_text("pg-epoch", s.epoch)
    set_text("pg-train-loss", view.number(s.latest("train_loss")))
    set_text("pg-test-loss", view.number(s.latest("test_loss")))
    set_text("pg-train-acc", view.percent(s.latest("train_acc")))
    set_text("pg-test-acc", view.percent(s.latest("test_acc")))
    stats = by_id("pg-stats").dataset
    stats.epoch = str(s.epoch)
    stats.testAcc = f"{s.latest('test_acc'):.6f}"
    stats.trainSeconds = f"{s.train_seconds:.3f}"


def show_speed(frames: int, seconds: float, epochs: float, pause_ms: float | None = None) -> None:
    if seconds <= 0:
        return
    fps = frames / seconds
    el = by_id("pg-speed")
    el.dataset.fps = f"{fps:.1f}"
    text = (f"{view.per_second(epochs, seconds)} epochs/s; pictures redrawn {fps:.1f} times/s while training "
            f"(training {S.session.train_seconds:.2f} s so far).")
    if pause_ms is not None:
        text += f" Paused {pause_ms:.0f} ms after the click."
    el.textContent = text


def status(text: str, kind: str) -> None:
    el = by_id("pg-status")
    el.className = f"message {kind}".strip()
    el.textContent = text


def set_state(state: str) -> None:
    by_id("pg-stats").dataset.state = state
    buttons()


def buttons() -> None:
    stopped = S.session is not None and S.session.stop is not None
    by_id("pg-train").disabled = S.running or stopped
    by_id("pg-step").disabled = S.running or stopped
    by_id("pg-pause").disabled = not S.running


# ------------------------------------------------------------------- model

def model_json() -> str | None:
    net = S.session.network
    if not net.is_finite():
        return None
    meta = {"playground": S.hash_state, "epoch": S.session.epoch,
            "test_accuracy": S.session.latest("test_acc")}
    return model_io.to_json(net, meta=meta)


def update_model_json() -> None:
    text = model_json()
    by_id("pg-model-json").value = text if text is not None else (
        "(The weights are not finite numbers any more: training diverged. Press Reset.)")


def download(_event) -> None:
    text = model_json()
    if text is None:
        status("There is no model to save: training diverged (the weights are not numbers). "
               "Press Reset.", "bad")
        return
    if S.download_url is not None:
        URL.revokeObjectURL(S.download_url)
    blob = Blob.new(to_js([text]), to_js({"type": "application/json"}, dict_converter=Object.fromEntries))
    S.download_url = URL.createObjectURL(blob)
    link = document.createElement("a")
    link.href = S.download_url
    link.download = f"playground-{S.config.data}-epoch{S.session.epoch}.json"
    link.click()
