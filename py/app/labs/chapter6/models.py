"""The Chapter 6 lab's models: the pretrained convnet, the learner's trained one and a loaded
file; Save and Load; the test images; and the misclassified test digits of the model looked
at, a page at a time. Glue only.

A model's answers on the 10,000 test images are computed in the training worker (a convnet's
forward pass over the test set takes seconds): the trained run's by its session
(``predictions``), the others by sending their JSON once (``read_with``); either way
``READ_SLICE`` images per call, because the worker answers one call at a time: a Train
pressed meanwhile waits one slice, not the whole test set (a run's end reads its mistakes,
so a second Train pressed then used to wait 3-4x as long as the first). A new Train gives up
the last run's read after the slice in flight (its session leaves the worker).

Test hooks: ``#c6-mistakes`` data-state (empty, reading, shown, failed), data-model,
data-read (test images the last read has read so far: 10,000 once done), data-count (mistakes), data-accuracy, and the
gallery canvas's data-items
("index:label:answer;..."); ``#c6-model-message`` says why a file was refused.
"""

from __future__ import annotations

import js
import numpy as np

from app.labs.chapter6 import look
from app.labs.chapter6.state import state
from app.runs.worker_client import as_bytes, client
from app.ui import files
from app.ui.canvas import Canvas
from app.ui.digit_pictures import draw_digit_strip
from app.ui.dom import by_id, on, set_text, spawn
from nnfs.data import mnist
from nnfs.models.convnet_io import check_digit_convnet, from_json, to_json
from pictures.gallery import gallery_page, gallery_selection

PRETRAINED_URL = files.PRETRAINED_CONV
MAX_FILE_BYTES = 100_000_000
COLUMNS, ROWS = 10, 3
READ_SLICE = 200  # test images per worker call (a convnet reads them in about 0.3 s here; 50 calls a set)


def setup() -> None:
    on("c6-model", "change", lambda e: choose(str(e.target.value)))
    on("c6-save", "click", lambda _e: save())
    on("c6-load", "click", lambda _e: by_id("c6-load-file").click())
    on("c6-load-file", "change", lambda _e: spawn(load_file()))
    on("c6-mistakes-prev", "click", lambda _e: turn(-1))
    on("c6-mistakes-next", "click", lambda _e: turn(1))
    on("c6-mistakes-read", "click", lambda _e: spawn(show_mistakes()))
    state.names = {"pretrained": "the pretrained convnet", "trained": "your network", "file": "the loaded file"}


def load_once() -> None:
    """The test images and the pretrained net, fetched the first time the lab is shown (2.6 MB a
    learner who never opens the lab does not pay for)."""
    if not state.loading_started:
        state.loading_started = True
        spawn(_load_start())


async def _load_start() -> None:
    """The test images and the pretrained net, fetched once when the lab first opens."""
    try:
        data = await files.fetch_bytes("./static/data/" + mnist.SPLIT_FILES["test"])
        state.test = mnist.load_split_bytes("test", data, {})
    except Exception as e:  # noqa: BLE001 - said where the learner looks
        set_text("c6-answer-note", f"The test images did not load ({e}); reload the page to try again.")
    try:
        text = (await files.fetch_bytes(PRETRAINED_URL)).decode("utf-8")
        net = check_digit_convnet(from_json(text))
    except Exception as e:  # noqa: BLE001 - said where the learner looks
        message(f"The pretrained convnet did not load ({e}). Train one above, or load a file.", "bad")
        return
    state.models["pretrained"], state.texts["pretrained"] = net, text
    acc = net.meta.get("test_accuracy")
    state.names["pretrained"] = (
        f"the pretrained convnet ({100 * acc:.2f} % on the test set)" if acc else "the pretrained convnet"
    )
    if state.active == "pretrained":
        choose("pretrained")


def message(text: str, kind: str = "") -> None:
    el = by_id("c6-model-message")
    el.textContent = text
    el.className = f"message {kind}".strip()


def choose(name: str) -> None:
    """Look inside model ``name`` (and page through its mistakes)."""
    state.active = name
    by_id("c6-model").value = name
    net = look.active_net()
    set_text("c6-model-text", _describe(name, net))
    state.weights_version += 1
    look.build_layers(net)
    look.draw()
    state.page = 0
    if name in state.predictions:
        draw_mistakes(state.predictions[name])
    else:
        _offer_mistakes()


def _describe(name: str, net) -> str:
    if net is None:
        return {"trained": "No network of yours yet: train one above.", "file": "No file loaded yet: Load… one."}.get(
            name, "The pretrained convnet is loading…"
        )
    meta = getattr(net, "meta", {}) or {}
    where = meta.get("command") or meta.get("trained_in") or "a file"
    size = f"{len(net.layers)} layers, {net.parameters():,} weights and biases"
    return f"{state.names.get(name, name)}: {size}; made by {where}."


def trained(net, maps: bool = True) -> None:
    """A run's network (new weights after a slice or an epoch): looked at if it is the active one
    (its filters redrawn; with ``maps``, the feature maps and the answer too). Mistakes shown
    of earlier weights are no longer its own: the panel offers to read them again."""
    state.models["trained"] = net
    old_answers = state.predictions.pop("trained", None)
    if state.active == "trained":
        if old_answers is not None:
            _offer_mistakes()
        state.weights_version += 1
        if maps:
            look.draw()
        else:
            look.draw_filters(net)


def save() -> None:
    net = look.active_net()
    if net is None:
        message("There is no network to save here yet.", "bad")
        return
    try:
        text = to_json(net)
    except ValueError as e:
        message(f"Cannot save: {e}.", "bad")
        return
    files.save_text(text, f"convnet-{state.active}.json", "application/json")
    message(f"Saved {state.names.get(state.active, state.active)} as convnet-{state.active}.json.", "good")


async def load_file() -> None:
    """A convnet from the learner's disk: checked before it replaces anything."""
    try:
        chosen = await files.read_chosen_file(by_id("c6-load-file"), MAX_FILE_BYTES)
        if chosen is None:
            return
        name, data = chosen
        net = check_digit_convnet(from_json(data))
    except ValueError as e:
        message(f"Not loaded: {e}. The model in use is unchanged.", "bad")
        return
    state.models["file"], state.texts["file"] = net, data.decode("utf-8-sig")
    state.predictions.pop("file", None)
    state.names["file"] = f"the loaded file {name}"
    message(f"Loaded {name}.", "good")
    choose("file")


async def _answers(name: str) -> np.ndarray | None:
    """Model ``name``'s answers on the test set, read in the training worker (once per model)."""
    if name in state.predictions:
        return state.predictions[name]
    await client.ready()
    if client.in_worker:
        base = str(js.URL.new("./static/data/", js.document.baseURI).href)
        await client.call("load_mnist", base, "test")
    elif "test" not in client._backend.sessions.mnist and state.test is not None:
        client._backend.sessions.mnist["test"] = state.test
    run = state.run
    if name == "trained" and run is not None and run.sid is not None and not run.dropped:
        sid = run.sid

        def read(start: int):
            return client.call("predictions", sid, "test", start, start + READ_SLICE)

        def wanted() -> bool:  # a new Train drops this run's session: its answers are not wanted
            return state.run is run and not run.dropped

    elif name in state.texts:
        text = state.texts[name]

        def read(start: int):
            return client.call("read_with", text, "test", start, start + READ_SLICE)

        def wanted() -> bool:
            return state.texts.get(name) is text

    else:
        return None
    parts: list[bytes] = []
    panel = by_id("c6-mistakes")
    for start in range(0, mnist.N_TEST, READ_SLICE):  # a Train meanwhile waits one slice at most
        parts.append(as_bytes(await read(start)))
        read_so_far = min(start + READ_SLICE, mnist.N_TEST)
        if panel.getAttribute("data-model") == name:
            panel.setAttribute("data-read", str(read_so_far))
        if not wanted():
            return None
        if state.active == name:
            done = f"{read_so_far:,} of {mnist.N_TEST:,}"
            set_text("c6-mistakes-count", f"Reading the test images in the training worker: {done}…")
    answers = np.frombuffer(b"".join(parts), dtype=np.uint8)
    state.predictions[name] = answers
    return answers


def _offer_mistakes() -> None:
    """The mistakes of a model not read yet: a button reads them (seconds of the worker's time)."""
    panel = by_id("c6-mistakes")
    net = look.active_net()
    set_text("c6-mistakes-model", state.names.get(state.active, state.active) if net is not None else "no network")
    panel.setAttribute("data-state", "empty")
    panel.setAttribute("data-model", state.active)
    by_id("c6-mistakes-read").hidden = net is None
    Canvas("c6-gallery").clear()
    by_id("c6-mistakes-prev").disabled = by_id("c6-mistakes-next").disabled = True
    set_text(
        "c6-mistakes-count",
        "Press the button to read the 10,000 test images with this network in the training worker "
        "(a convnet takes some seconds) and page through those it gets wrong."
        if net is not None
        else "",
    )


async def show_mistakes() -> None:
    panel = by_id("c6-mistakes")
    name = state.active
    net = look.active_net()
    set_text("c6-mistakes-model", state.names.get(name, name) if net is not None else "no network")
    if net is None or state.test is None:
        panel.setAttribute("data-state", "empty")
        set_text("c6-mistakes-count", "")
        return
    panel.setAttribute("data-state", "reading")
    panel.setAttribute("data-model", name)
    panel.setAttribute("data-read", "0")
    by_id("c6-mistakes-read").hidden = True
    set_text("c6-mistakes-count", "Reading the 10,000 test images in the training worker…")
    try:
        answers = await _answers(name)
    except Exception as e:  # noqa: BLE001 - said where the learner looks
        panel.setAttribute("data-state", "failed")
        set_text("c6-mistakes-count", f"The test images could not be read: {e}")
        return
    if name != state.active:
        return
    if answers is None:  # given up (a new Train) or nothing to read: offered again
        _offer_mistakes()
        return
    draw_mistakes(answers)


def draw_mistakes(answers: np.ndarray) -> None:
    images, labels = state.test
    chosen = gallery_selection(labels, answers, None)
    start, stop, page, pages = gallery_page(len(chosen), state.page, COLUMNS * ROWS)
    state.page = page
    shown = chosen[start:stop]
    canvas = Canvas("c6-gallery")
    draw_digit_strip(canvas, images[shown], labels[shown], answers[shown], columns=COLUMNS, caption="label→answer")
    accuracy = 1 - len(chosen) / len(labels)
    panel = by_id("c6-mistakes")
    panel.setAttribute("data-state", "shown")
    panel.setAttribute("data-model", state.active)
    panel.setAttribute("data-count", str(len(chosen)))
    panel.setAttribute("data-accuracy", f"{accuracy:.4f}")
    canvas.element.setAttribute("data-items", ";".join(f"{int(i)}:{int(labels[i])}:{int(answers[i])}" for i in shown))
    where = f"; {start + 1:,}–{stop:,} shown (page {page + 1} of {pages})" if len(chosen) else ""
    set_text(
        "c6-mistakes-count",
        f"{len(chosen):,} of {len(labels):,} test digits are misclassified ({100 * accuracy:.2f} % right){where}, "
        "captioned true digit → the network's answer.",
    )
    by_id("c6-mistakes-prev").disabled = page <= 0
    by_id("c6-mistakes-next").disabled = page >= pages - 1


def turn(step: int) -> None:
    answers = state.predictions.get(state.active)
    if answers is not None:
        state.page += step
        draw_mistakes(answers)
