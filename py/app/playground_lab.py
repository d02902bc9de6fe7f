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

from dataclasses import replace

from js import URL, Blob, Object
from pyodide.ffi import to_js
from pyscript import document, window

from app import playground_draw as draw
from app import playground_run as run
from app import playground_view as view
from app import run_history_panel, training
from app.dom import NumberField, by_id, on, set_text, spawn
from app.playground_run import S, buttons, set_state, status
from nnfs import playground as pg

KEY_STEP = 0.05  # the keyboard cross moves this far per arrow key
NEAR = 0.2  # shift-click removes your nearest point within this distance

# Config keys whose change needs a new session (new data or a new network);
# the others (eta, l2, epochs, target) change the run in progress. A change of
# ``points`` alone keeps the weights: the new points join the run.
REBUILD = {"data", "classes", "n", "noise", "test", "dseed", "points", "layers", "act", "cost", "init", "seed", "batch"}
NUMBER_IDS = {
    "classes": "pg-classes",
    "n": "pg-n",
    "noise": "pg-noise",
    "test": "pg-test",
    "dseed": "pg-dseed",
    "seed": "pg-seed",
    "eta": "pg-eta",
    "batch": "pg-batch",
    "l2": "pg-l2",
    "epochs": "pg-epochs",
    "target": "pg-target",
}
SELECT_IDS = {"data": "pg-data", "act": "pg-act", "cost": "pg-cost", "init": "pg-init"}

# Short names of the settings for the run history's legend and list.
RUN_LABELS = {"eta": "η", "l2": "λ", "dseed": "data seed", "n": "points", "test": "test %", "pts": "your points"}

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
        html = (
            template.replace("pg-neurons-1", f"pg-neurons-{i}")
            .replace('id="pg-layer-1"', f'id="pg-layer-{i}"')
            .replace("layer 1 neurons", f"layer {i} neurons")
        )
        anchor.insertAdjacentHTML("afterend", html)
        anchor = by_id(f"pg-layer-{i}")
        anchor.hidden = True


def setup() -> None:
    draw.init()

    for key, element_id in NUMBER_IDS.items():
        spec = pg.NUMBERS[key]
        fields[key] = NumberField(
            element_id, spec.label, lambda v, key=key: change(**{key: v}), lo=spec.lo, hi=spec.hi, integer=spec.integer
        )
    fields["hidden"] = NumberField(
        "pg-hidden", pg.HIDDEN.label, set_hidden_layers, lo=pg.HIDDEN.lo, hi=pg.HIDDEN.hi, integer=True, slider=False
    )
    _make_layer_fields()
    for i in range(1, pg.MAX_HIDDEN_LAYERS + 1):
        neurons.append(
            NumberField(
                f"pg-neurons-{i}",
                f"layer {i} neurons",
                lambda v: change(layers=layers_from_fields(len(S.config.layers))),
                lo=pg.NEURONS.lo,
                hi=pg.NEURONS.hi,
                integer=True,
            )
        )
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
    runs.build()
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
    elif S.mirror is None:
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
            stop_loop()  # a Step was about the old network
        new_session(keep_weights=changed == {"points"})  # a running Train goes on with it
    else:
        m = S.mirror
        if m.sid is not None:
            spawn(training.client.set_rates(m.sid, new.eta, new.l2))
        m.config = new
        if "target" in changed:
            S.use_target = True
        draw.stats(m)


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


def rerun(record) -> str | None:
    """Put a kept run's settings (its seeds too: the same data and initial weights) back
    into the controls; the learner changes one and presses Train."""
    config, problems = pg.from_hash(pg.SETTINGS.link_of(record.settings))
    if problems:
        return "; ".join(problems)
    apply_config(config)
    write_hash()
    return None


runs = run_history_panel.Panel(
    "pg",
    "playground",
    {"test": "test set", "train": "training set"},
    rerun,
    defaults=pg.SETTINGS.encoded(pg.DEFAULTS.values()),
    labels=RUN_LABELS,
)


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
    set_text(
        "pg-output-note",
        f"Output layer: {k} {out} neurons, one per class ({why}). The predicted class is the most active output.",
    )
    select = by_id("pg-click-class")
    chosen = min(int(select.value or 0), k - 1)
    select.innerHTML = "".join(f'<option value="{c}">class {c} ({view.CLASS_NAMES[c]})</option>' for c in range(k))
    select.value = str(chosen)


def layers_from_fields(count: int) -> tuple:
    return tuple(int(neurons[i].value) for i in range(count))


def set_hidden_layers(count) -> None:
    change(layers=layers_from_fields(int(count)))


def add_layer(delta: int) -> None:
    count = len(S.config.layers) + delta
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
        status(
            f"You already have {pg.MAX_USER_POINTS} points of your own, the most a link can "
            "carry: remove some first (shift-click, or Clear my points).",
            "bad",
        )
        return
    x, y = pg.round_point(x, y)
    c = int(by_id("pg-click-class").value)
    change(points=S.config.points + ((x, y, c),))
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
    change(points=pts[:i] + pts[i + 1 :])
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
    elif not S.running and not keep_weights:
        status(f"Ready: the initial weights for network seed {S.config.seed}. Press Train, or Step for one epoch.", "")


async def _carry_on(m, old) -> None:
    await run.ensure(m, keep=old)
    run.forget(old)
    if S.mirror is m:
        draw_all()


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
        status(f"Training epoch {m.epoch + 1}…", "")
    elif config.target > 0 and not S.use_target:
        status(f"The test accuracy is already at least {config.target:g} %: training on to epoch {config.epochs}.", "")
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
    text = draw.model_json(S.mirror, S.hash_state)
    if text is None:
        status("There is no model to save: training diverged (the weights are not numbers). Press Reset.", "bad")
        return
    if S.download_url is not None:
        URL.revokeObjectURL(S.download_url)
    blob = Blob.new(to_js([text]), to_js({"type": "application/json"}, dict_converter=Object.fromEntries))
    S.download_url = URL.createObjectURL(blob)
    link = document.createElement("a")
    link.href = S.download_url
    link.download = f"playground-{S.config.data}-epoch{S.mirror.epoch}.json"
    link.click()
