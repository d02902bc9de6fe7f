"""Lab 4, the playground: train a small network on 2-D points and watch it learn.

The glue only. Its controls are built from the one settings table
``nnfs.labs.playground.SETTINGS`` by the lab base (``app.shell.lab``: the fields, their
messages, the address kept equal to what the page shows); this module turns
the lab's values into a ``nnfs.labs.playground.Config``, makes a new run when the
data or the network change, and handles the plot's clicks. Training runs in the
worker (``app.labs.playground.run``); the pictures are ``app.labs.playground.draw``'s.
"""

from __future__ import annotations

from dataclasses import fields as config_fields

from pyscript import document

from app.labs.playground import draw, mine, run
from app.labs.playground.run import S, buttons, lab, set_state, status
from app.runs import history_panel as run_history_panel
from app.runs import worker_client as training
from app.shell.lab import field_html
from app.ui.dom import NumberField, by_id, on, set_text, spawn
from nnfs.labs import playground as pg
from nnfs.settings.table import Setting
from pictures import playground as view

KEY_STEP = 0.05  # the keyboard cross moves this far per arrow key
NEAR = 0.2  # shift-click removes your nearest point within this distance
NEW_LAYER = 4  # neurons in a layer added by "+" when there is none to copy

# Config fields whose change needs a new session (new data or a new network);
# the others (eta, l2, epochs, target) change the run in progress. A change of
# ``points`` alone keeps the weights: the new points join the run.
REBUILD = {"data", "classes", "n", "noise", "test", "dseed", "points", "layers", "act", "cost", "init", "seed", "batch"}

# Short names of the settings for the run history's legend and list.
RUN_LABELS = {"eta": "η", "l2": "λ", "dseed": "data seed", "n": "points", "test": "test %", "pts": "your points"}

neurons: list[NumberField] = []  # one field per hidden layer: parts of the "layers" setting


# ------------------------------------------------------------------- set-up


def _make_layer_fields() -> None:
    """One neuron-count field (with its slider) per possible hidden layer, shown for
    the layers the network has: each edits one number of the "layers" setting."""
    parts = [
        Setting(
            f"neurons_{i}",
            f"layer {i} neurons",
            NEW_LAYER,
            kind="int",
            lo=1,
            hi=pg.MAX_NEURONS,
            slider=(1, pg.MAX_NEURONS, 1),
        )
        for i in range(1, pg.MAX_HIDDEN_LAYERS + 1)
    ]
    by_id("pg-layer-fields").innerHTML = "".join(
        f'<div id="pg-layer-{i}" hidden>{field_html(part, f"pg-neurons-{i}", part_of="layers")}</div>'
        for i, part in enumerate(parts, start=1)
    )
    for i, part in enumerate(parts, start=1):
        neurons.append(NumberField(f"pg-neurons-{i}", part.label, lambda _v: _layer_typed(), setting=part))


def setup() -> None:
    draw.init()
    _make_layer_fields()
    lab.on_change = lambda name, _value: changed({name})
    lab.build()
    on("pg-add-layer", "click", lambda e: add_layer(+1))
    on("pg-remove-layer", "click", lambda e: add_layer(-1))
    on("pg-regen", "click", new_points)
    on("pg-clear-points", "click", clear_points)
    on("pg-train", "click", lambda e: start())
    on("pg-step", "click", lambda e: start(step=True))
    on("pg-pause", "click", pause)
    on("pg-reset", "click", reset)
    on("pg-download", "click", download)
    mine.setup(mine_changed)
    on("pg-points", "click", plot_click)
    on("pg-points", "keydown", plot_key)
    on("pg-points", "focus", lambda e: plot_focus())
    on("pg-points", "blur", lambda e: plot_blur())
    runs.build()
    # The first session is made when the lab is first shown (start-up stays fast).
    # The worker starts after the page is ready: spawn runs it once main.start() returns.
    training.client.start_in_background()


def show(state: str) -> None:
    """Show the lab; ``state`` is the URL hash after ``#playground/``: a link the lab did
    not write sets every setting (a bad value is kept out, and its field says why)."""
    if lab.show(state) or S.mirror is None:
        apply_config(pg.config_from(lab.values))
    draw_all()


def hide() -> None:
    """Leaving the lab pauses training (it would only use the battery)."""
    lab.hide()
    if S.running:
        stop_loop()


# --------------------------------------------------------------- settings


def change(**values) -> None:
    """New settings from code (a button, a click on the plot), by setting name."""
    lab.set(**values)
    changed(set(values))


def changed(names: set) -> None:
    """The lab's values changed (``names``): rebuild what they affect."""
    if names <= set(pg.RUN_SETTINGS):
        return  # the speed: the run loop reads it before each call
    old, new = S.config, pg.config_from(lab.values)
    if new == old:
        return
    S.config, S.hash_state = new, pg.to_hash(new)
    diff = {f.name for f in config_fields(pg.Config) if getattr(old, f.name) != getattr(new, f.name)}
    sync_controls()
    if diff & REBUILD:
        if S.running and S.goal is not None:
            stop_loop()  # a Step was about the old network
        new_session(keep_weights=diff == {"points"})  # a running Train goes on with it
    else:
        m = S.mirror
        if m.sid is not None:
            spawn(training.client.set_rates(m.sid, new.eta, new.l2))
        m.config = new
        if "target" in diff:
            S.use_target = True
        draw.stats(m)
    mine_changed()


def apply_config(config: pg.Config) -> None:
    """Start over with a whole configuration (start-up, a link): stop, new session."""
    if S.running:
        stop_loop()
    S.config, S.hash_state = config, pg.to_hash(config)
    sync_controls()
    new_session()


def rerun(record) -> str | None:
    """Put a kept run's settings (its seeds too: the same data and initial weights) back
    into the controls; the learner changes one and presses Train."""
    values, problems = pg.SETTINGS.from_hash(pg.SETTINGS.link_of(record.settings))
    if problems:
        return "; ".join(message for _, message in problems)
    lab.set(**values)
    apply_config(pg.config_from(lab.values))
    return None


runs = run_history_panel.Panel(
    "pg",
    "playground",
    {"test": "test set", "train": "training set"},
    rerun,
    defaults=pg.SETTINGS.encoded(pg.DEFAULTS.values()),
    labels=RUN_LABELS,
)


def sync_controls() -> None:
    """What depends on other settings: layer rows, the classes field, notes."""
    config = S.config
    for i, field in enumerate(neurons):
        shown = i < len(config.layers)
        by_id(f"pg-layer-{i + 1}").hidden = not shown
        if shown and field.value != config.layers[i]:
            field.set(config.layers[i])
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
    set_text(
        "pg-output-note",
        f"Output layer: {k} {out} neurons, one per class ({why}). The predicted class is the most active output.",
    )
    select = by_id("pg-click-class")
    chosen = min(int(select.value or 0), k - 1)
    select.innerHTML = "".join(f'<option value="{c}">class {c} ({view.CLASS_NAMES[c]})</option>' for c in range(k))
    select.value = str(chosen)


def _layer_typed() -> None:
    """A hidden layer's neuron field changed: the "layers" setting follows."""
    change(layers=tuple(int(field.value) for field in neurons[: len(S.config.layers)]))


def add_layer(delta: int) -> None:
    layers = S.config.layers
    count = len(layers) + delta
    if count > pg.MAX_HIDDEN_LAYERS:
        status(
            f"At most {pg.MAX_HIDDEN_LAYERS} hidden layers here: deeper networks of these "
            "neurons learn very slowly (their gradients shrink layer by layer).",
            "bad",
        )
        return
    if count < 0:
        status(
            "No hidden layer left to remove: the inputs already connect straight to the "
            "outputs, so each class gets a straight (linear) boundary.",
            "bad",
        )
        return
    change(layers=layers[:count] if delta < 0 else (*layers, layers[-1] if layers else NEW_LAYER))


def new_points(_event) -> None:
    """Regenerate: the next data seed gives new points of the same kind."""
    seed = S.config.dseed + 1 if S.config.dseed < pg.SETTINGS["dseed"].hi else 0
    change(dseed=seed)


def clear_points(_event) -> None:
    if not S.config.points:
        status("You have not added any points yet: click the plot to add some.", "")
        return
    n = len(S.config.points)
    change(pts=())
    status(f"Removed your {n} point{'s' if n > 1 else ''}.", "")


# ------------------------------------------------------------- your points


def add_point(x: float, y: float) -> None:
    if len(S.config.points) >= pg.MAX_USER_POINTS:
        status(
            f"You already have {pg.MAX_USER_POINTS} points of your own, the most a link can "
            "carry: remove some first (shift-click, or Clear my points).",
            "bad",
        )
        return
    x, y = pg.round_point(x, y)
    c = int(by_id("pg-click-class").value)
    change(pts=S.config.points + ((x, y, c),))
    kept = S.mirror.epoch or S.mirror.progress
    status(
        f"Added a class {c} training point at ({x:g}, {y:g}); "
        + (
            "training goes on from the current weights with it."
            if kept
            else "it is part of the training set from the first epoch."
        ),
        "",
    )


def remove_point(x: float, y: float) -> None:
    pts = S.config.points
    if not pts:
        status("You have no points of your own to remove.", "")
        return
    d = [(p[0] - x) ** 2 + (p[1] - y) ** 2 for p in pts]
    i = min(range(len(pts)), key=d.__getitem__)
    if d[i] > NEAR**2:
        status("None of your points is near there (only your own points, the squares, can be removed).", "")
        return
    change(pts=pts[:i] + pts[i + 1 :])
    status(f"Removed your point at ({pts[i][0]:g}, {pts[i][1]:g}).", "")


def plot_click(event) -> None:
    px, py = draw.P.points.event_xy(event)
    x, y = view.from_canvas(px, py, draw.P.points.width)
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
        draw.points(S.mirror, S.cursor)
    elif S.cursor is None:
        S.cursor = (0.0, 0.0)
        draw.points(S.mirror, S.cursor)
    elif key in ("Enter", " "):
        add_point(x, y)
    else:
        remove_point(x, y)


def plot_focus() -> None:
    """Reached by keyboard (not by a click): show the cross the arrow keys move."""
    if S.cursor is None and draw.P.points.element.matches(":focus-visible"):
        S.cursor = (0.0, 0.0)
        draw.points(S.mirror, S.cursor)


def plot_blur() -> None:
    if S.cursor is not None:
        S.cursor = None
        draw.points(S.mirror, S.cursor)


# ---------------------------------------------------------------- training


def new_session(keep_weights: bool = False) -> None:
    """A new run of S.config. ``keep_weights``: go on from the current run's weights
    (only the learner's points changed), else start from the initial weights."""
    old = S.mirror
    S.mirror = m = run.Mirror(S.config)
    S.use_target = True
    draw.points(m, S.cursor)
    if keep_weights and old is not None and old.sid is not None and (old.epoch or old.progress):
        m.network, m.history = old.network, old.history  # shown until the worker answers
        m.epoch, m.progress, m.train_seconds = old.epoch, old.progress, old.train_seconds
        spawn(_carry_on(m, old))
    else:
        run.forget(old)
    draw_all()
    draw.update_model_json(m, S.hash_state)
    set_state("stopped" if m.stop else ("running" if S.running else "idle"))
    if m.stop:
        status(run.problem_text(m.stop), "bad")
    elif not S.running and not keep_weights and not lab.link_problem:
        status(f"Ready: the initial weights for network seed {S.config.seed}. Press Train, or Step for one epoch.", "")
    mine.show(S.config, m)


async def _carry_on(m, old) -> None:
    await run.ensure(m, keep=old)
    run.forget(old)
    if S.mirror is m:
        draw_all()


def mine_changed() -> None:
    """The toggle, a pass or a setting changed: show the toggle, and go on with (or without)
    the learner's code from the weights the run holds if that changed."""
    m = S.mirror
    if m is not None and mine.code_for(S.config) != m.code:
        new_session(keep_weights=True)
        if not S.running:
            status("Training with your code from now on." if S.mirror.code else "Training with the core's code.", "")
    mine.show(S.config, S.mirror)


def start(step: bool = False) -> None:
    m = S.mirror
    if S.running:
        return
    if m.stop is not None:
        status(run.problem_text(m.stop), "bad")
        return
    config = S.config
    if not step and m.epoch >= config.epochs:
        status(
            f"Already at the epoch limit ({config.epochs}): raise “stop after epochs”, use Step, or press Reset.", ""
        )
        return
    S.goal = m.epoch + 1 if step else None
    target = config.target / 100
    S.use_target = not (config.target > 0 and m.latest("test_acc") >= target)
    if step:
        status(f"Training epoch {m.epoch + 1}…" + mine.status_suffix(m), "")
    elif config.target > 0 and not S.use_target:
        status(f"The test accuracy is already at least {config.target:g} %: training on to epoch {config.epochs}.", "")
    else:
        aim = f" or {config.target:g} % test accuracy" if config.target > 0 else ""
        status(f"Training to epoch {config.epochs}{aim}… (Pause stops it.)" + mine.status_suffix(m), "")
    run.say_if_starting()
    S.run_id += 1
    S.running = True
    S.pause_clicked = None
    set_state("running")
    focus_from = document.activeElement
    buttons()
    if focus_from is not None and focus_from.id in ("pg-train", "pg-step"):
        by_id("pg-pause").focus()  # the pressed button is now disabled
    spawn(run.loop(S.run_id))


def pause(event) -> None:
    if not S.running:
        return
    S.pause_clicked = float(event.timeStamp)
    stop_loop()


def stop_loop() -> None:
    """Ask the loop to stop: it sees this when the worker's call in flight returns."""
    S.run_id += 1
    S.running = False
    buttons()


def reset(_event) -> None:
    """Back to the initial weights (the same for the same seed), same data."""
    if S.running:
        stop_loop()
    new_session()
    if S.mirror.stop is None:
        status(f"Reset: the initial weights again (network seed {S.config.seed}), epoch 0.", "")


def draw_all() -> None:
    draw.frame(S.mirror)


# ------------------------------------------------------------------- model


def download(_event) -> None:
    name = f"playground-{S.config.data}-epoch{S.mirror.epoch}.json"
    if not draw.download(S.mirror, S.hash_state, name):
        status("There is no model to save: training diverged (the weights are not numbers). Press Reset.", "bad")
