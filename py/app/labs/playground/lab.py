"""Lab 4, the playground: train a small network on 2-D points and watch it learn.

The glue only. Its controls are built from the one settings table
``nnfs.labs.playground.config.SETTINGS`` by the lab base (``app.shell.lab``: the fields, their
messages, the address kept equal to what the page shows); this module turns
the lab's values into a ``nnfs.labs.playground.config.Config`` and makes a new run when the
data or the network change. Training runs in the worker (``app.labs.playground.run``);
the pictures are ``app.labs.playground.draw``'s, the learner's own points on the plot
``app.labs.playground.points``'.
"""

from __future__ import annotations

from dataclasses import fields as config_fields

from pyscript import document

from app.labs.playground import draw, inside, mine, points, run
from app.labs.playground import keep as keep_progress
from app.labs.playground.run import buttons, lab, set_state, state, status
from app.runs import history_panel as run_history_panel
from app.runs import in_progress
from app.runs import worker_client as training
from app.shell.lab import field_html
from app.ui.dom import NumberField, by_id, on, set_text, spawn
from nnfs.labs.playground.config import (
    DEFAULTS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    RUN_SETTINGS,
    SETTINGS,
    TWO_CLASS,
    Config,
    config_from,
    to_hash,
)
from nnfs.runs.in_progress import SavedRun
from nnfs.runs.remote import unpack_into
from nnfs.settings.table import Setting
from pictures import playground as view

NEW_LAYER = 4  # neurons in a layer added by "+" when there is none to copy

# Config fields whose change needs a new session (new data or a new network);
# the others (eta, l2, epochs, target) change the run in progress. A change of
# ``points`` alone keeps the weights: the new points join the run.
REBUILD = {"data", "classes", "n", "noise", "test", "dseed", "points", "layers", "act", "cost", "init", "seed", "batch"}

# Short names of the settings for the run history's legend and list.
RUN_LABELS = {"eta": "η", "l2": "λ", "dseed": "data seed", "n": "points", "test": "test %", "pts": "your points"}


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
            hi=MAX_NEURONS,
            slider=(1, MAX_NEURONS, 1),
        )
        for i in range(1, MAX_HIDDEN_LAYERS + 1)
    ]
    by_id("pg-layer-fields").innerHTML = "".join(
        f'<div id="pg-layer-{i}" hidden>{field_html(part, f"pg-neurons-{i}", part_of="layers")}</div>'
        for i, part in enumerate(parts, start=1)
    )
    for i, part in enumerate(parts, start=1):
        state.layer_fields.append(NumberField(f"pg-neurons-{i}", part.label, lambda _v: _layer_typed(), setting=part))


def setup() -> None:
    draw.init()
    _make_layer_fields()
    lab.on_change = lambda name, _value: changed({name})
    lab.build()
    on("pg-add-layer", "click", lambda e: add_layer(+1))
    on("pg-remove-layer", "click", lambda e: add_layer(-1))
    on("pg-regen", "click", new_points)
    points.setup()
    inside.setup()  # a neuron large on hover, a weight read and changed on click
    on("pg-train", "click", lambda e: start())
    on("pg-step", "click", lambda e: start(step=True))
    on("pg-pause", "click", pause)
    on("pg-reset", "click", reset)
    on("pg-download", "click", download)
    mine.setup(mine_changed)
    runs.build()
    keeper.build(continue_run, keep_progress.describe)  # a run a reload cut off: kept, and offered here
    # The first session is made when the lab is first shown (start-up stays fast).
    # The worker starts after the page is ready: spawn runs it once main.start() returns.
    training.client.start_in_background()


def show(link: str) -> None:
    """Show the lab; ``link`` is the URL hash after ``#playground/``: a link the lab did
    not write sets every setting (a bad value is kept out, and its field says why)."""
    if lab.show(link) or state.mirror is None:
        apply_config(config_from(lab.values))
    draw_all()


def hide() -> None:
    """Leaving the lab pauses training (it would only use the battery)."""
    lab.hide()
    if state.running:
        stop_loop()


# --------------------------------------------------------------- settings


def change(**values) -> None:
    """New settings from code (a button, a click on the plot), by setting name."""
    lab.set(**values)
    changed(set(values))


def changed(names: set) -> None:
    """The lab's values changed (``names``): rebuild what they affect."""
    if names <= set(RUN_SETTINGS):
        return  # the speed: the run loop reads it before each call
    old, new = state.config, config_from(lab.values)
    if new == old:
        return
    state.config, state.hash_state = new, to_hash(new)
    diff = {f.name for f in config_fields(Config) if getattr(old, f.name) != getattr(new, f.name)}
    sync_controls()
    if diff & REBUILD:
        if state.running and state.goal is not None:
            stop_loop()  # a Step was about the old network
        new_session(keep_weights=diff == {"points"})  # a running Train goes on with it
    else:
        m = state.mirror
        if m.sid is not None:
            spawn(training.client.set_rates(m.sid, new.eta, new.l2))
        m.config = new
        if "target" in diff:
            state.use_target = True
        draw.stats(m)
    mine_changed()


def apply_config(config: Config) -> None:
    """Start over with a whole configuration (start-up, a link): stop, new session."""
    if state.running:
        stop_loop()
    state.config, state.hash_state = config, to_hash(config)
    sync_controls()
    new_session()


def rerun(record) -> str | None:
    """Put a kept run's settings (its seeds too: the same data and initial weights) back
    into the controls; the learner changes one and presses Train."""
    return run_history_panel.rerun(lab, record, lambda: apply_config(config_from(lab.values)))


runs = run_history_panel.Panel(
    "pg",
    "playground",
    {"test": "test set", "train": "training set"},
    rerun,
    defaults=SETTINGS.encoded(DEFAULTS.values()),
    labels=RUN_LABELS,
)


# The run in progress, kept in the browser as it trains (app.labs.playground.keep).
keeper = in_progress.Keeper("pg", "playground", runs)


def continue_run(saved: SavedRun) -> None:
    """Continue training a run a reload cut off: its settings (seeds too: the same data), its
    network, curves and epoch back on the page; the worker's new session takes its weights and
    replays its shuffles (``nnfs.maths.engine.Session.resume``); then Train."""
    problem = rerun(saved.record)
    m = state.mirror
    if problem is None and tuple(m.config.sizes) != saved.sizes:
        problem = f"the settings make a {list(m.config.sizes)} network; the weights are {list(saved.sizes)}"
    if problem is not None:
        keeper.say(f"The interrupted run cannot go on ({problem}); it stays in “Your runs”.", "bad")
        keeper.clear()
        return
    unpack_into(m.network, saved.weights)
    m.history = {k: list(v) for k, v in saved.record.curves.items()}
    m.epoch, m.train_seconds, m.stop = saved.epoch, saved.record.seconds, None
    m.progress = saved.batches_done / -(-len(m.data.X_train) // m.config.batch)
    m.resume, m.history_id = saved, saved.run_id
    if saved.run_id is not None:
        runs.adopt(saved.run_id, m.key)  # when it ends, its record in Your runs is updated
    draw_all()
    draw.update_model_json(m, state.hash_state)
    keeper.say(f"Continuing “{saved.record.name}” from epoch {saved.epoch}.")
    start(resuming=True)


def sync_controls() -> None:
    """What depends on other settings: layer rows, the classes field, notes."""
    config = state.config
    for i, field in enumerate(state.layer_fields):
        shown = i < len(config.layers)
        by_id(f"pg-layer-{i + 1}").hidden = not shown
        if shown and field.value != config.layers[i]:
            field.set(config.layers[i])
    fixed = config.data in TWO_CLASS
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
    change(layers=tuple(int(field.value) for field in state.layer_fields[: len(state.config.layers)]))


def add_layer(delta: int) -> None:
    layers = state.config.layers
    count = len(layers) + delta
    if count > MAX_HIDDEN_LAYERS:
        status(
            f"At most {MAX_HIDDEN_LAYERS} hidden layers here: deeper networks of these "
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
    seed = state.config.dseed + 1 if state.config.dseed < SETTINGS["dseed"].hi else 0
    change(dseed=seed)


# ---------------------------------------------------------------- training


def new_session(keep_weights: bool = False) -> None:
    """A new run of state.config. ``keep_weights``: go on from the current run's weights
    (only the learner's points changed), else start from the initial weights."""
    old = state.mirror
    state.mirror = m = run.Mirror(state.config)
    state.use_target = True
    draw.points(m, state.cursor)
    if keep_weights and old is not None and old.sid is not None and (old.epoch or old.progress):
        m.network, m.history = old.network, old.history  # shown until the worker answers
        m.epoch, m.progress, m.train_seconds = old.epoch, old.progress, old.train_seconds
        spawn(_carry_on(m, old))
    else:
        run.forget(old)
        if old is not None and old.epoch:
            keep_progress.ended()  # the run shown before is given up (Reset, new data or network)
    draw_all()
    draw.update_model_json(m, state.hash_state)
    set_state("stopped" if m.stop else ("running" if state.running else "idle"))
    if m.stop:
        status(run.problem_text(m.stop), "bad")
    elif not state.running and not keep_weights and not lab.link_problem:
        status(
            f"Ready: the initial weights for network seed {state.config.seed}. Press Train, or Step for one epoch.", ""
        )
    mine.show(state.config, m)


async def _carry_on(m, old) -> None:
    await run.ensure(m, keep=old)
    run.forget(old)
    if state.mirror is m:
        draw_all()


def mine_changed() -> None:
    """The toggle, a pass or a setting changed: show the toggle, and go on with (or without)
    the learner's code from the weights the run holds if that changed."""
    m = state.mirror
    if m is not None and mine.code_for(state.config) != m.code:
        new_session(keep_weights=True)
        if not state.running:
            status(
                "Training with your code from now on." if state.mirror.code else "Training with the core's code.", ""
            )
    mine.show(state.config, state.mirror)


def start(step: bool = False, resuming: bool = False) -> None:
    m = state.mirror
    if state.running:
        return
    if not resuming:
        keeper.start()  # a run of its own: an interrupted one on offer is given up (it stays in Your runs)
    if m.stop is not None:
        status(run.problem_text(m.stop), "bad")
        return
    config = state.config
    if not step and m.epoch >= config.epochs:
        status(
            f"Already at the epoch limit ({config.epochs}): raise “stop after epochs”, use Step, or press Reset.", ""
        )
        return
    state.goal = m.epoch + 1 if step else None
    target = config.target / 100
    state.use_target = not (config.target > 0 and m.latest("test_acc") >= target)
    if step:
        text = f"Training epoch {m.epoch + 1}…" + mine.status_suffix(m)
    elif config.target > 0 and not state.use_target:
        text = f"The test accuracy is already at least {config.target:g} %: training on to epoch {config.epochs}."
    else:
        aim = f" or {config.target:g} % test accuracy" if config.target > 0 else ""
        text = f"Training to epoch {config.epochs}{aim}… (Pause stops it.)" + mine.status_suffix(m)
    state.run_text = text
    status(text, "")
    run.say_if_starting()
    state.run_id += 1
    state.running = True
    state.pause_clicked = None
    set_state("running")
    focus_from = document.activeElement
    buttons()
    if focus_from is not None and focus_from.id in ("pg-train", "pg-step"):
        by_id("pg-pause").focus()  # the pressed button is now disabled
    spawn(run.loop(state.run_id))


def pause(event) -> None:
    if not state.running:
        return
    state.pause_clicked = float(event.timeStamp)
    stop_loop()


def stop_loop() -> None:
    """Ask the loop to stop: it sees this when the worker's call in flight returns."""
    state.run_id += 1
    state.running = False
    buttons()


def reset(_event) -> None:
    """Back to the initial weights (the same for the same seed), same data."""
    if state.running:
        stop_loop()
    new_session()
    if state.mirror.stop is None:
        status(f"Reset: the initial weights again (network seed {state.config.seed}), epoch 0.", "")


def draw_all() -> None:
    draw.frame(state.mirror)


# ------------------------------------------------------------------- model


def download(_event) -> None:
    name = f"playground-{state.config.data}-epoch{state.mirror.epoch}.json"
    if not draw.download(state.mirror, state.hash_state, name):
        status("There is no model to save: training diverged (the weights are not numbers). Press Reset.", "bad")
