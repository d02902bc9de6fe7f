"""Lab 7, universality (chapter 4): a step from one neuron, a bump from two, any f from many.

Glue only: reads the controls, builds the networks with ``nnfs.labs.universality``
(every curve drawn is a ``Network``'s output), draws them, grades the
learner's bumps as the book does, keeps the best score per target in
localStorage, and runs "let gradient descent do it" in the training worker
(``app.runs.worker_client``; the worker runs ``nnfs.labs.universality.Fit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.labs.universality import best, view
from app.runs import warm
from app.runs.worker_client import client
from app.shell.lab import Lab
from app.ui import dom
from app.ui.canvas import Canvas, plot_axes
from nnfs.labs import universality as uni
from nnfs.maths.network import Network
from nnfs.runs.remote import unpack_into
from nnfs.settings.table import parse_number

BLUE, ORANGE, GREEN, INK, GRID, FAINT = "#2a6ea6", "#e07a1f", "#2a9d8f", "#1b2430", "#eef0f3", "#c9ced6"


@dataclass
class UniversalityState:
    """What the lab remembers besides its settings (``lab.values``); the page only shows it."""

    canvases: dict = field(default_factory=dict)  # "step", "bump", "bumps", "out" -> Canvas
    heights: list[float] = field(default_factory=lambda: [0.0] * view.SETTINGS["n"].default)  # one per bump
    fit: dict | None = None  # the last gradient-descent fit: key, n, network, deviation, epoch
    run_id: int = 0  # bumped to stop the fit in progress
    fitting: bool = False  # a fit is running in the worker
    dragging: bool = False  # a pointer is dragging a bump
    drag_map: tuple | None = None  # ((x0, x scale), (y0, y scale)): the bumps plot's pixels -> (x, height)
    fit_draw_warmed: bool = False  # a throwaway fit has been drawn once (_warm_fit_draw)


state = UniversalityState()
lab = Lab("universality", view.SETTINGS, on_change=lambda name, value: _changed(name, value), state=state)


def setup() -> None:
    lab.build()
    for name in ("step", "bump", "bumps", "out"):
        state.canvases[name] = Canvas(f"un-{name}")
    dom.on("un-steep", "click", lambda _e: _set(w=1000.0, b=-1000.0 * lab["s"]))
    dom.on("un-new-target", "click", lambda _e: _set(target="random", seed=(lab["seed"] + 1) % 1_000_000))
    dom.on("un-zero", "click", lambda _e: _set_heights([0.0] * lab["n"]))
    dom.on("un-best-load", "click", _load_best)
    dom.on("un-fit", "click", lambda _e: _start_fit())
    dom.on("un-fit-stop", "click", lambda _e: _stop_fit("Stopped."))
    dom.on("un-heights", "input", _typed_height)
    bumps = state.canvases["bumps"].element
    dom.on(bumps, "pointerdown", _pointer_down)
    dom.on(bumps, "pointermove", _pointer_move)
    for ev in ("pointerup", "pointercancel", "pointerleave"):
        dom.on(bumps, ev, _pointer_up)
    _build_height_fields()


def show(link: str) -> None:
    lab.show(link)
    _sync_heights_to_n()
    draw()
    # The fit's first step would also pay for the worker importing this lab's code: a throwaway
    # one-epoch fit of the same shape, once the page is idle, pays it before the click.
    warm.session("universality", {"lab": "universality", "config": {**_fit_config(), "epochs": 1}})
    dom.spawn(_warm_fit_draw())


async def _warm_fit_draw() -> None:
    """The first fit step's draw paid first calls (a fit's curves, its deviation): 83-160 ms
    against 17-30 ms for the same draw after (marks in the page, bench/first_click.py). Once the
    page is idle, a throwaway fit (an untrained net of the same shape) is drawn and at once the
    lab as it is, in one task: the browser paints only the second, and the learner's first fit
    step finds those paths warm. Once per page; never over a real fit."""
    if state.fit_draw_warmed:
        return
    await warm.idle()
    if state.fit_draw_warmed or state.fit is not None or state.fitting or not lab.visible:
        return
    state.fit_draw_warmed = True
    n, key = lab["n"], view.target_key(lab.values)
    net = Network([1, 2 * n, 1], cost="cross-entropy", seed=0)
    deviation = float(uni.deviation(net, uni.target_from_key(key)))
    state.fit = {"key": key, "n": n, "net": net, "deviation": deviation, "epoch": 0}
    try:
        draw()
    finally:
        state.fit = None
        draw()
    lab.publish("lab-universality", fit_draw_warmed="true")


def _fit_config() -> dict:
    """The gradient-descent fit the Fit button starts, for the lab's settings now."""
    n = lab["n"]
    return {
        "target": view.target_key(lab.values),
        "hidden": 2 * n,
        "epochs": lab["epochs"],
        "eta": lab["eta"],
        "batch": 20,
        "seed": 1,
    }


def hide() -> None:
    lab.hide()


# ------------------------------------------------------------------ state changes


def _set(**values) -> None:
    lab.set(**values)
    for name in values:
        _changed(name, values[name], redraw=False)
    draw()


def _changed(name: str, value, redraw: bool = True) -> None:
    if name == "s" and lab["w"] != 0:  # s moves the step: b = −w·s, w kept
        lab.set(b=-lab["w"] * value)
    elif name in ("w", "b") and lab["w"] != 0:
        s = uni.step_position(lab["w"], lab["b"])
        if view.SETTINGS["s"].lo <= s <= view.SETTINGS["s"].hi:
            lab.set(s=float(s))
    if name in ("n", "target", "seed"):
        _sync_heights_to_n()
        if state.fitting:
            _stop_fit("Stopped: the target or the number of bumps changed.")
    if redraw:
        draw()


def _sync_heights_to_n() -> None:
    if len(state.heights) != lab["n"]:
        state.heights = view.resize_heights(state.heights, lab["n"])
        _build_height_fields()


def _set_heights(new) -> None:
    state.heights = [float(h) for h in new]
    _build_height_fields()
    draw()


def _build_height_fields() -> None:
    parts = []
    for k, h in enumerate(state.heights):
        parts.append(
            f'<label class="un-hfield">bump {k + 1}<input type="text" id="un-h-{k}" data-part-of="n" '
            f'inputmode="decimal" autocomplete="off" value="{view.fmt(h)}" '
            f'aria-label="height of bump {k + 1}" aria-describedby="un-heights-error"></label>'
        )
    dom.set_html("un-heights", "".join(parts))


def _typed_height(event) -> None:
    el = event.target
    k = int(str(el.id).rsplit("-", 1)[1])
    try:
        value = parse_number(str(el.value), f"height of bump {k + 1}", -view.HEIGHT_LIMIT, view.HEIGHT_LIMIT)
    except ValueError as exc:
        dom.set_text("un-heights-error", f"{exc} — keeping {view.fmt(state.heights[k])}")
        el.setAttribute("aria-invalid", "true")
        return
    el.removeAttribute("aria-invalid")
    dom.set_text("un-heights-error", "")
    state.heights[k] = float(value)
    draw()


# ------------------------------------------------------------------ dragging a bump


def _pointer_down(event) -> None:
    state.dragging = True
    state.canvases["bumps"].capture(event)
    _drag_to(event)


def _pointer_up(_event) -> None:
    state.dragging = False


def _pointer_move(event) -> None:
    if state.dragging:
        _drag_to(event)


def _drag_to(event) -> None:
    if state.drag_map is None:
        return
    x_px, y_px = state.canvases["bumps"].event_xy(event)
    (x0, xs), (y0, ys) = state.drag_map
    k = view.column_at((x_px - x0) / xs, lab["n"])
    if k is None:
        return
    state.heights[k] = view.clamp_height((y_px - y0) / ys)
    dom.by_id(f"un-h-{k}").value = view.fmt(state.heights[k])
    draw()


# ------------------------------------------------------------------ drawing


def draw() -> None:
    if not lab.visible:
        return
    _draw_step()
    _draw_bump()
    _draw_bumps()


def _axes(cv: Canvas, y_rng, label_y: str, ticks_y):
    cv.clear()
    return plot_axes(
        cv,
        view.PLOT_X,
        y_rng,
        margin=34,
        ticks_x=(0, 0.2, 0.4, 0.6, 0.8, 1),
        ticks_y=ticks_y,
        label_x="x",
        label_y=label_y,
    )


def _draw_step() -> None:
    w, b = lab["w"], lab["b"]
    s = uni.step_position(w, b) if w != 0 else None
    xs = view.curve_x([s] if s is not None else [])
    ys = uni.neuron_output(xs, w, b)
    cv = state.canvases["step"]
    px, py = _axes(cv, (-0.08, 1.08), "σ(w·x + b)", (0, 0.5, 1))
    cv.line(px(0), py(1), px(1), py(1), GRID)
    if s is not None and 0 <= s <= 1:
        cv.line(px(s), py(-0.05), px(s), py(1.05), "#6a4c93", 1.5, dash=[2, 4])
        cv.text(f"s = {s:.3g}", px(s) + 6, py(1.02), "#6a4c93", 12, align="left")
    cv.polyline(px(xs), py(ys), ORANGE, 2.5)
    lab.publish(cv.element, step=None if s is None else float(s), mid=float(uni.neuron_output(0.5, w, b)))
    dom.set_text("un-step-text", view.step_text(w, b))


def _draw_bump() -> None:
    s1, s2, h = lab["s1"], lab["s2"], lab["h"]
    net = uni.pair_network(s1, s2, h)
    xs = view.curve_x([s1, s2])
    a = uni.hidden_outputs(net, xs)
    z = uni.weighted_output(net, xs)
    parts = (h * a[:, 0], -h * a[:, 1])
    cv = state.canvases["bump"]
    px, py = _axes(cv, view.y_range(z, *parts, floor=(-1.5, 1.5)), "Σ wⱼaⱼ", (-1, 0, 1))
    for part in parts:
        cv.polyline(px(xs), py(part), FAINT, 1.5, dash=[5, 4])
    cv.polyline(px(xs), py(z), ORANGE, 2.5)
    top = float(uni.weighted_output(net, [(s1 + s2) / 2])[0])
    lab.publish(cv.element, top=top)
    dom.set_text("un-bump-text", view.bump_text(s1, s2, h, top))


def _draw_bumps() -> None:
    n, key = lab["n"], view.target_key(lab.values)
    target = uni.target_from_key(key)
    net = uni.bump_network(state.heights)
    e = uni.edges(n)
    xs = view.curve_x(e)
    goal, z = target.goal(xs), uni.weighted_output(net, xs)
    fit = state.fit if state.fit is not None and state.fit["key"] == key and state.fit["n"] == n else None
    fz = uni.weighted_output(fit["net"], xs) if fit else None
    cv = state.canvases["bumps"]
    y_rng = view.y_range(goal, z, *([fz] if fit else []))
    px, py = _axes(cv, y_rng, "weighted output Σ wⱼaⱼ", (-2, -1, 0, 1, 2))
    for k in range(1, n):
        cv.line(px(k / n), py(y_rng[0]), px(k / n), py(y_rng[1]), GRID)
    cv.line(px(0), py(0), px(1), py(0), FAINT)
    cv.polyline(px(xs), py(goal), BLUE, 2)
    if fit:
        cv.polyline(px(xs), py(fz), GREEN, 2, dash=[6, 4])
    cv.polyline(px(xs), py(z), ORANGE, 2.5)
    score = uni.deviation(net, target)
    state.drag_map = ((px(0.0), px(1.0) - px(0.0)), (py(0.0), py(1.0) - py(0.0)))
    lab.publish(
        cv.element,
        deviation=score,
        passed=str(uni.passed(score)).lower(),
        target=key,
        heights=" ".join(repr(h) for h in state.heights),
        px=f"{px(0.0)!r} {px(1.0) - px(0.0)!r}",
        py=f"{py(0.0)!r} {py(1.0) - py(0.0)!r}",
        fit_deviation=None if not fit else float(fit["deviation"]),
    )
    cv.element.setAttribute(
        "aria-label", f"Weighted output of {n} bumps against σ⁻¹∘f; average deviation {view.fmt(score)}."
    )
    text, kind = view.verdict(score)
    msg = dom.by_id("un-verdict")
    msg.textContent = text
    msg.className = f"message {kind}"
    dom.set_text("un-score", view.fmt(score, 3))
    _keep_best(key, n, score)
    dom.set_text("un-fit-score", "—" if not fit else f"{view.fmt(fit['deviation'], 3)} (epoch {fit['epoch']})")

    cv = state.canvases["out"]
    px, py = _axes(cv, (-0.02, 1.02), "output σ(Σ wⱼaⱼ)", (0, 0.5, 1))
    cv.polyline(px(xs), py(target(xs)), BLUE, 2)
    if fit:
        cv.polyline(px(xs), py(uni.output(fit["net"], xs)), GREEN, 2, dash=[6, 4])
    cv.polyline(px(xs), py(uni.output(net, xs)), ORANGE, 2.5)


# ------------------------------------------------------------------ best so far


def _keep_best(key: str, n: int, score: float) -> None:
    got = best.keep(key, n, score, state.heights)
    dom.set_text("un-best", view.best_text(got, n))
    dom.by_id("un-best-load").disabled = got is None


def _load_best(_event) -> None:
    got = best.read(view.target_key(lab.values), lab["n"])
    if got is not None and len(got["heights"]) == lab["n"]:
        _set_heights(got["heights"])


# ------------------------------------------------------------------ gradient descent


def _start_fit() -> None:
    state.run_id += 1
    dom.spawn(_fit_loop(state.run_id))


def _stop_fit(text: str) -> None:
    if state.fitting:
        state.run_id += 1
        state.fitting = False
        lab.status(text)
        _buttons()


def _buttons() -> None:
    dom.by_id("un-fit").disabled = state.fitting
    dom.by_id("un-fit-stop").disabled = not state.fitting
    dom.by_id("lab-universality").dataset.fit = "running" if state.fitting else "idle"


async def _fit_loop(run_id: int) -> None:
    config = _fit_config()
    n, key = lab["n"], config["target"]
    state.fitting = True
    _buttons()
    if client.state != "ready":
        lab.status("Starting the training worker…")
    sid = None
    try:
        p = await client.start({"lab": "universality", "config": config})
        sid, seen = p["id"], p["length"]
        if client.state == "failed":
            lab.status(client.message, "bad")
        net = Network([1, 2 * n, 1], cost="cross-entropy", seed=0)
        while state.run_id == run_id:
            p = await client.run(sid, 0.05, since=seen)
            seen = p["length"]
            unpack_into(net, await client.weights(sid))
            if state.run_id != run_id:
                break
            deviation = uni.deviation(net, uni.target_from_key(key))  # the weights held now
            state.fit = {"key": key, "n": n, "net": net, "deviation": float(deviation), "epoch": p["epoch"]}
            lab.status(
                f"Gradient descent: epoch {p['epoch']} of {config['epochs']}, deviation {view.fmt(deviation, 3)}."
            )
            draw()
            if p["ended"]:
                kind = "bad" if p["ended"]["kind"] == "nan" else ""
                lab.status(f"Gradient descent: {p['ended']['text']} Its deviation: {view.fmt(deviation, 3)}.", kind)
                lab.publish("lab-universality", fit_epoch=p["epoch"])
                break
    finally:
        if sid is not None:
            dom.spawn(client.drop(sid))
        if state.run_id == run_id:
            state.fitting = False
            _buttons()
