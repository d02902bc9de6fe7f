"""Lab 5, digits: train a network on real MNIST in the page, and read what the learner draws.

Data arrives only when the lab is first shown: the 10,000 test images and the
pretrained model at once (to draw and evaluate), the 50,000 training and
10,000 validation images when training starts. Each download shows its
progress in bytes; a failed or corrupted one says what went wrong and offers
Retry.

Training runs on the page's main thread as an async loop: a chunk of
mini-batches sized by ``ChunkPlanner`` to take ~30 ms, then
``await asyncio.sleep(0)`` so the browser can paint and handle clicks (Pause
is honoured between chunks). The screen is redrawn at most five times a
second. After each epoch the network is scored on the validation and test
sets (in chunks too) and a row is added to the epoch log.

The drawing is kept as strokes (lists of points in canvas pixels) in Python:
the ink image is rasterised with ``digits.rasterize_strokes``, one new
segment at a time, and ``preprocess_digit`` turns it into the 28x28 input,
so the canvas's pixels are never read back.

Values for tests are in the DOM: ``#dg-data`` (data-state, data-loaded,
data-total, data-percent, data-sets), ``#dg-run`` (data-state, data-epoch,
data-batches-done, data-progress, data-images-per-second,
data-peak-memory-bytes, data-chunk-batches, data-ms-per-batch,
data-pause-latency-ms), ``#dg-epoch-log`` rows, ``#dg-answer`` (data-digit,
data-outputs), ``#dg-bars`` items (data-confidence), ``#dg-using``
(data-model), ``#dg-sample`` (data-predictions), ``#dg-gallery`` and
``#dg-confusion``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import time

import js
import numpy as np

from app import digits_view as view
from app import files
from app.canvas import Canvas
from app.dom import NumberField, by_id, on, set_html, set_text, spawn
from nnfs import export, mnist, model_io
from nnfs.digits import ink_segment, preprocess_digit, rasterize_strokes
from nnfs.digits_training import (
    MIN_SUBSET, PRESETS, ChunkPlanner, CostMeter, EpochRecord, TrainingConfig, check_digit_model,
    confidence_note, confidences, epoch_rate, eval_rows, format_duration, format_hidden_sizes,
    format_megabytes, matching_preset, n_weights, parse_hidden_sizes, run_seconds_left,
)
from nnfs.network import Trainer

DATA_DIR = "./static/data/"
MODEL_URL = "./static/models/pretrained.json"
SIZE = 280  # drawing canvas, in pixels
PEN = 20.0  # pen width in canvas pixels: MNIST-thick strokes for a ~200 px digit
PREDICT_EVERY = 0.05  # s between predictions while a stroke is being drawn
REDRAW_EVERY = 0.2  # s between progress redraws while training
CHUNK_SECONDS = 0.03  # target length of one chunk of mini-batches
MAX_MODEL_BYTES = 50_000_000
SPLIT_LABELS = {"test": "Test set", "train": "Training set", "validation": "Validation set"}


class LoadError(Exception):
    """A download failed or gave a damaged file; the message says which and why."""


# --- state ------------------------------------------------------------------------------

_started = False  # has the first show started loading?
_data: dict[str, tuple] = {}  # split -> (images uint8 (N, 784), labels uint8)
_manifest: dict | None = None
_loaded_bytes: dict[str, int] = {}  # what has been downloaded, for the summary line
_downloads: dict[str, asyncio.Task] = {}  # split -> its download (in progress or done)
_fields: dict[str, NumberField] = {}
_hidden: tuple = (30,)
_canvases: dict[str, Canvas] = {}
_els: dict[str, object] = {}

# Models: "pretrained" (static/models), "trained" (this page's run), "file" (loaded).
_models: dict[str, object] = {"pretrained": None, "trained": None, "file": None}
_model_names: dict[str, str] = {"pretrained": "pretrained", "trained": "your network", "file": "loaded file"}
_active = "pretrained"
_results_token = 0
_pretrained_accuracy: float | None = None

# Drawing.
_strokes: list[list[tuple[float, float]]] = []
_ink = np.zeros((SIZE, SIZE))
_pointer: int | None = None  # id of the pointer drawing the current stroke
_last_predict = 0.0
_shown_test_index: int | None = None  # when a test image, not the drawing, is shown

# Training.
_run = None  # the current Run, if any
_records: list[EpochRecord] = []
_peak_memory = 0
_retry = None  # coroutine function to call when Retry is pressed


class Run:
    """One training run's controls: the loop checks these between chunks."""

    def __init__(self, config: TrainingConfig):
        self.config = config
        self.paused = False
        self.stopped = False
        self.resume = asyncio.Event()
        self.resume.set()
        self.paused_seconds = 0.0
        self.scoring_seconds: float | None = None  # how long the last scoring after an epoch took

    async def gate(self) -> None:
        """Wait here while paused; the time spent waiting is not training time."""
        if self.paused:
            t0 = time.perf_counter()
            await self.resume.wait()
            self.paused_seconds += time.perf_counter() - t0


# --- small helpers ----------------------------------------------------------------------

def _wasm_memory() -> int:
    """Bytes of WebAssembly memory the page holds now (it only grows, so this is also the peak)."""
    try:
        import pyodide_js  # the Pyodide API object, available inside Pyodide

        return int(pyodide_js._module.HEAP8.length)
    except Exception:  # noqa: BLE001 - a missing internal API just hides the figure
        return 0


def _note_memory() -> int:
    global _peak_memory
    _peak_memory = max(_peak_memory, _wasm_memory())
    return _peak_memory


def _message(element_id: str, text: str, kind: str = "") -> None:
    el = by_id(element_id)
    el.textContent = text
    el.className = f"message {kind}".strip()
    el.setAttribute("data-kind", kind or "info")


# --- downloads with progress ------------------------------------------------------------

def _show_progress(label: str, loaded: int, total: int, state: str = "loading") -> None:
    box = _els["data"]
    bar = _els["load-progress"]
    total_shown = max(total, loaded)
    bar.max = max(total_shown, 1)
    bar.value = loaded
    pct = 100.0 * loaded / total_shown if total_shown else 0.0
    if total:
        text = f"{label}: {format_megabytes(loaded)} of {format_megabytes(total_shown)} ({pct:.0f} %)"
    else:
        text = f"{label}: {format_megabytes(loaded)}"
    set_text("dg-load-text", text)
    box.setAttribute("data-state", state)
    box.setAttribute("data-file", label)
    box.setAttribute("data-loaded", str(loaded))
    box.setAttribute("data-total", str(total_shown))
    box.setAttribute("data-percent", f"{pct:.1f}")


async def _fetch_bytes(url: str, label: str, expected_bytes: int | None = None,
                       missing_ok: bool = False) -> bytes | None:
    """The bytes at ``url`` with the progress bar in bytes; a failure is a LoadError naming ``label``."""
    try:
        return await files.fetch_bytes(url, lambda loaded, total: _show_progress(label, loaded, total),
                                       expected_bytes, missing_ok)
    except files.FetchError as e:
        raise LoadError(f"{label}: {e}.") from None


async def _load_manifest() -> None:
    """Sizes and sha256 sums of the data files (written by tools/prepare_mnist.py), if present."""
    global _manifest
    if _manifest is not None:
        return
    try:
        text = await _fetch_bytes(DATA_DIR + "MANIFEST.json", "Data list", missing_ok=True)
        _manifest = json.loads(text).get("files", {}) if text else {}
    except (LoadError, ValueError):
        _manifest = {}  # the sums are a bonus check; load_npz validates the files anyway


async def _load_split(split: str) -> None:
    """Download one split once: a second caller while it loads waits for the same download."""
    if split in _data:
        return
    task = _downloads.get(split)
    if task is None or task.done():  # never started, or failed last time (Retry)
        task = asyncio.ensure_future(_download_split(split))
        _downloads[split] = task
    await task


async def _download_split(split: str) -> None:
    await _load_manifest()
    name = mnist.SPLIT_FILES[split]
    info = (_manifest or {}).get(name, {})
    label = f"{SPLIT_LABELS[split]} ({mnist.SPLIT_SIZES[split]:,} images)"
    data = await _fetch_bytes(DATA_DIR + name, label, info.get("bytes"))
    if info.get("sha256") and hashlib.sha256(data).hexdigest() != info["sha256"]:
        raise LoadError(f"{label}: {name} arrived damaged (its sha256 sum does not match "
                        f"static/data/MANIFEST.json). Retry, or run the set-up again.")
    set_text("dg-load-text", f"{label}: unpacking…")
    await asyncio.sleep(0)
    try:
        images, labels = mnist.load_npz(data)
    except ValueError as e:
        raise LoadError(f"{label}: {e}") from None
    _data[split] = (images, labels)
    _loaded_bytes[f"{SPLIT_LABELS[split].lower()}"] = len(data)
    box = _els["data"]
    box.setAttribute("data-sets", ",".join(s for s in ("test", "train", "validation") if s in _data))
    _show_progress(label, len(data), len(data))


def _data_ready() -> None:
    """Say what is loaded once the downloads in progress are done."""
    box = _els["data"]
    box.setAttribute("data-state", "ready")
    parts = [f"{name} {format_megabytes(n)}" for name, n in _loaded_bytes.items()]
    total = sum(_loaded_bytes.values())
    set_text("dg-load-text", f"Loaded {format_megabytes(total)} (100 %): {', '.join(parts)}.")


async def _with_retry(action) -> bool:
    """Run a loading coroutine; on failure say why and arm the Retry button. True on success."""
    global _retry
    _message("dg-load-message", "")
    by_id("dg-load-retry").hidden = True
    try:
        await action()
        return True
    except LoadError as e:
        _els["data"].setAttribute("data-state", "failed")
        _message("dg-load-message", str(e), "bad")
        _retry = action
        retry = by_id("dg-load-retry")
        retry.hidden = False
        return False


async def _initial_load() -> None:
    async def action():
        await _load_split("test")
        if _models["pretrained"] is None:
            await _load_pretrained()
        _data_ready()
        await _refresh_results()
        _predict_drawing()

    await _with_retry(action)


async def _load_pretrained() -> None:
    global _pretrained_accuracy
    text = await _fetch_bytes(MODEL_URL, "Pretrained model", missing_ok=True)
    if text is None:
        _message("dg-model-message",
                 "No pretrained model in this copy of the app (static/models/pretrained.json is missing; "
                 "python tools/train_pretrained.py makes it). Train a network below or load a model file.",
                 "bad")
        _update_model_choices()
        return
    try:
        net = check_digit_model(model_io.from_json(text))
    except ValueError as e:
        raise LoadError(f"Pretrained model: static/models/pretrained.json is not a usable model: {e}") from None
    _models["pretrained"] = net
    _loaded_bytes["pretrained model"] = len(text)
    acc = net.meta.get("test_accuracy")
    _pretrained_accuracy = float(acc) if isinstance(acc, (int, float)) else None
    # The caller scores it on the test set next, so no refresh here.
    _set_active("pretrained" if _active == "pretrained" or _models[_active] is None else _active, refresh=False)


async def _retry_clicked(_event) -> None:
    if _retry is not None:
        await _with_retry(_retry)


# --- models: which one reads the digits --------------------------------------------------

def _active_net():
    return _models.get(_active)


def _update_model_choices() -> None:
    select = by_id("dg-model")
    for option in select.options:
        key = option.value
        net = _models.get(key)
        option.disabled = net is None
        option.textContent = _model_names[key] + ("" if net is not None else " (none yet)")
    select.value = _active


def _using_text() -> str:
    net = _active_net()
    if net is None:
        return "no network yet"
    if _active == "trained" and _run is not None:
        return f"your network (epoch {len(_records)}{', training' if _training() else ''}) {net.sizes}"
    return f"{_model_names[_active]} · {net.sizes} {net.activation}, {net.cost} cost"


def _update_using() -> None:
    el = by_id("dg-using")
    el.textContent = _using_text()
    el.setAttribute("data-model", _active if _active_net() is not None else "none")
    net = _active_net()
    set_text("dg-conf-note", confidence_note(net.output_activation) if net is not None else "")
    results = by_id("dg-results")
    if results.getAttribute("data-state") == "ready" and results.getAttribute("data-model") == _active:
        set_text("dg-results-model", _using_text())


def _set_active(key: str, refresh: bool = True) -> None:
    global _active
    _active = key
    _update_model_choices()
    _update_using()
    _predict_drawing()
    if refresh:
        spawn(_refresh_results())


def _model_changed(_event) -> None:
    key = str(by_id("dg-model").value)
    if _models.get(key) is not None:
        _set_active(key)


async def _predict_async(net, images, run: Run | None = None, wanted=None) -> np.ndarray | None:
    """The network's answers for many images, a chunk at a time so the page stays responsive
    (a few hundred images, fewer for a big network).

    ``wanted()`` returning False, or Stop pressed during ``run``, abandons the work (None is returned).
    """
    out = []
    rows = eval_rows(n_weights(net.sizes))
    for k in range(0, len(images), rows):
        if run is not None:
            await run.gate()
            if run.stopped:
                return None
        if wanted is not None and not wanted():
            return None
        out.append(net.predict(images[k:k + rows], scale=mnist.SCALE))
        await asyncio.sleep(0)
    return np.concatenate(out)


async def _refresh_results(predictions=None) -> None:
    """Score the active model on the test set and redraw the results panel."""
    global _results_token
    _results_token += 1
    token = _results_token
    net = _active_net()
    results = by_id("dg-results")
    if net is None or "test" not in _data or not net.is_finite():
        results.setAttribute("data-state", "empty")  # the CSS hides the previous network's figures
        results.setAttribute("data-model", _active)
        _els["accuracy"].textContent = "–"
        _els["accuracy"].setAttribute("data-accuracy", "")
        set_text("dg-results-model", "no network yet" if net is None else
                 "waiting for the test set" if "test" not in _data else "a diverged network (no results)")
        return
    images, labels = _data["test"]
    results.setAttribute("data-state", "computing")
    set_text("dg-results-model", f"{_model_names[_active]}, scoring…")
    if predictions is None:
        predictions = await _predict_async(net, images, wanted=lambda: token == _results_token)
    if token != _results_token or predictions is None:
        return  # another model was chosen meanwhile
    view.results(_canvases, _els, images, labels, predictions)
    set_text("dg-results-model", _using_text())
    results.setAttribute("data-state", "ready")
    results.setAttribute("data-model", _active)


# --- drawing a digit ---------------------------------------------------------------------

def _pen_setup() -> None:
    ctx = _canvases["draw"].ctx
    ctx.lineCap = "round"
    ctx.lineJoin = "round"


def _redraw_strokes() -> None:
    c = _canvases["draw"]
    c.clear()
    _draw_guides()
    for stroke in _strokes:
        if len(stroke) == 1:
            c.circle(stroke[0][0], stroke[0][1], PEN / 2, fill="#1b2430", stroke=None)
        else:
            c.polyline([p[0] for p in stroke], [p[1] for p in stroke], "#1b2430", PEN)
    c.element.setAttribute("data-strokes", str(len(_strokes)))


def _draw_guides() -> None:
    """A faint box where a digit of MNIST's proportions fits."""
    c = _canvases["draw"]
    m = 40
    c.ctx.setLineDash([4, 6])
    c.ctx.strokeStyle = "#d5dbe2"
    c.ctx.lineWidth = 1
    c.ctx.strokeRect(m, m, SIZE - 2 * m, SIZE - 2 * m)
    c.ctx.setLineDash([])


def _add_point(x: float, y: float) -> None:
    """Extend the current stroke: draw the new segment and ink it into the image (same pen)."""
    global _ink
    stroke = _strokes[-1]
    prev = stroke[-1] if stroke else (x, y)
    stroke.append((x, y))
    c = _canvases["draw"]
    if prev == (x, y):
        c.circle(x, y, PEN / 2, fill="#1b2430", stroke=None)
    else:
        c.line(prev[0], prev[1], x, y, "#1b2430", PEN)
    ink_segment(_ink, prev, (x, y), PEN)


def _pointer_down(event) -> None:
    global _pointer, _shown_test_index
    if event.pointerType == "mouse" and int(event.button) != 0:
        return
    event.preventDefault()
    c = _canvases["draw"]
    c.element.setPointerCapture(event.pointerId)
    _pointer = event.pointerId
    _shown_test_index = None
    _strokes.append([])
    _add_point(*c.event_xy(event))
    c.element.setAttribute("data-strokes", str(len(_strokes)))
    _predict_drawing()


def _pointer_move(event) -> None:
    if _pointer is None or event.pointerId != _pointer:
        return
    event.preventDefault()
    _add_point(*_canvases["draw"].event_xy(event))
    if time.perf_counter() - _last_predict >= PREDICT_EVERY:
        _predict_drawing()


def _pointer_up(event) -> None:
    global _pointer
    if _pointer is None or event.pointerId != _pointer:
        return
    _pointer = None
    _predict_drawing()


def _clear_drawing(_event=None) -> None:
    global _ink, _shown_test_index
    _strokes.clear()
    _ink = np.zeros((SIZE, SIZE))
    _shown_test_index = None
    _redraw_strokes()
    _predict_drawing()


def _undo(_event=None) -> None:
    global _ink
    if _strokes:
        _strokes.pop()
    _ink = rasterize_strokes(_strokes, SIZE, SIZE, PEN) if _strokes else np.zeros((SIZE, SIZE))
    _redraw_strokes()
    _predict_drawing()


def _show_answer(pixels, net) -> None:
    """Feed 784 inputs in [0, 1] to the network and show its answer and confidences."""
    answer_el = by_id("dg-answer")
    outputs = net.feedforward(pixels)
    conf = confidences(outputs, net.output_activation)
    answer = int(np.argmax(outputs))
    answer_el.textContent = str(answer)
    answer_el.setAttribute("data-digit", str(answer))
    answer_el.setAttribute("data-confidence", f"{conf[answer]:.6f}")
    answer_el.setAttribute("data-outputs", ",".join(f"{v:.9g}" for v in outputs))
    set_html("dg-bars", view.bars_html(conf, answer))


def _no_answer(text: str) -> None:
    answer_el = by_id("dg-answer")
    answer_el.textContent = "–"
    answer_el.setAttribute("data-digit", "")
    answer_el.setAttribute("data-confidence", "")
    answer_el.setAttribute("data-outputs", "")
    set_html("dg-bars", view.empty_bars_html())
    set_text("dg-answer-note", text)


def _predict_drawing() -> None:
    """Preprocess the drawing (or the chosen test image) and show what the network answers."""
    global _last_predict
    _last_predict = time.perf_counter()
    if _shown_test_index is not None and "test" in _data:
        images, labels = _data["test"]
        pixels = images[_shown_test_index] * mnist.SCALE
        source = f"test image {_shown_test_index} (labelled {labels[_shown_test_index]})"
        empty = False
    else:
        digit = preprocess_digit(_ink)
        pixels, empty = digit.pixels, digit.empty
        source = "your drawing"
    view.draw_seen(_canvases["seen"], pixels)
    net = _active_net()
    by_id("dg-seen").setAttribute("data-source", source)
    if empty:
        _no_answer("Draw a digit in the box.")
        return
    if net is None:
        _no_answer("No network yet: wait for the pretrained model, train one or load one.")
        return
    if not net.is_finite():
        _no_answer("This network's weights are no longer finite numbers (training diverged).")
        return
    set_text("dg-answer-note", f"Reading {source}.")
    _show_answer(pixels, net)


def _read_test_image(_event=None) -> None:
    global _shown_test_index
    if "test" not in _data:
        set_text("dg-answer-note", "The test set is still loading.")
        return
    _shown_test_index = int(_fields["test-index"].value)
    _predict_drawing()


# --- training ----------------------------------------------------------------------------

def _training() -> bool:
    return _run is not None and not _run.stopped and _els["run"].getAttribute("data-state") in (
        "loading", "training", "paused", "scoring")


def _set_run_state(state: str) -> None:
    _els["run"].setAttribute("data-state", state)
    busy = state in ("loading", "training", "paused", "scoring")
    # Training goes on while another lab is shown: its link in the navigation says so.
    link = _els["nav"]
    if busy:
        link.setAttribute("data-run", "paused" if state == "paused" else "training")
        link.title = "Digits: a network is " + ("paused" if state == "paused" else "training")
    else:
        link.removeAttribute("data-run")
        link.removeAttribute("title")
    by_id("dg-train").disabled = busy
    by_id("dg-pause").disabled = state not in ("training", "paused", "scoring")
    by_id("dg-stop").disabled = not busy
    by_id("dg-config").disabled = busy
    by_id("dg-preset").disabled = busy  # a preset rewrites the settings locked above
    pause = by_id("dg-pause")
    pause.setAttribute("aria-pressed", "true" if state == "paused" else "false")
    pause.textContent = "Resume" if state == "paused" else "Pause"


def _config() -> TrainingConfig:
    f = _fields
    return TrainingConfig(
        hidden=_hidden, activation=str(by_id("dg-activation").value), cost=str(by_id("dg-cost").value),
        init=str(by_id("dg-init").value), eta=float(f["eta"].value), mini_batch_size=int(f["batch"].value),
        lmbda=float(f["lmbda"].value), seed=int(f["seed"].value), epochs=int(f["epochs"].value),
        subset=int(f["subset"].value))


def _apply_preset(_event=None) -> None:
    name = str(by_id("dg-preset").value)
    if name not in PRESETS:
        return
    c = PRESETS[name].config
    _set_hidden(c.hidden)
    by_id("dg-activation").value = c.activation
    by_id("dg-cost").value = c.cost
    by_id("dg-init").value = c.init
    _fields["eta"].set(c.eta)
    _fields["batch"].set(c.mini_batch_size)
    _fields["lmbda"].set(c.lmbda)
    _settings_changed()


def _settings_changed(_value=None) -> None:
    """Show which preset the settings match (editing a field turns the preset into 'custom')."""
    try:
        config = _config()
    except ValueError as e:
        set_text("dg-config-summary", str(e))
        return
    by_id("dg-preset").value = matching_preset(config)
    set_text("dg-config-summary", config.describe())


def _set_hidden(hidden) -> None:
    global _hidden
    _hidden = tuple(hidden)
    field = by_id("dg-hidden")
    field.value = format_hidden_sizes(_hidden)
    _hidden_error("")


def _hidden_error(text: str) -> None:
    field = by_id("dg-hidden")
    set_text("dg-hidden-error", text)
    if text:
        field.setAttribute("aria-invalid", "true")
        field.parentElement.classList.add("invalid")
    else:
        field.removeAttribute("aria-invalid")
        field.parentElement.classList.remove("invalid")


def _hidden_typed(_event) -> None:
    global _hidden
    try:
        _hidden = parse_hidden_sizes(str(by_id("dg-hidden").value))
    except ValueError as e:
        _hidden_error(f"{e} — keeping {format_hidden_sizes(_hidden)}")
        return
    _hidden_error("")
    _settings_changed()


def _show_run_progress(trainer: Trainer, run: Run, epoch_images: int, epoch_seconds: float,
                       epoch_done: bool = False) -> None:
    config = run.config
    n = trainer.n
    # At the end of an epoch the trainer has already moved on to the next (and counts this one).
    done_in_epoch = n if epoch_done else min(trainer.batches_done * trainer.mini_batch_size, n)
    left_in_epoch = n - done_in_epoch
    rate, left = epoch_rate(epoch_images, epoch_seconds, left_in_epoch)
    epochs_after = config.epochs - trainer.epoch - (0 if epoch_done else 1)
    known = not math.isnan(rate)
    run_left = run_seconds_left(rate, left_in_epoch, epochs_after, n, run.scoring_seconds)
    bar = _els["train-progress"]
    bar.max = n
    bar.value = done_in_epoch
    memory = _note_memory()
    set_text("dg-train-text",
             f"Epoch {trainer.epoch + 1} of {config.epochs}: {done_in_epoch:,} of {n:,} images "
             f"({100 * trainer.progress:.0f} %)")
    set_text("dg-rate", f"{rate:,.0f}" if known else "–")
    set_text("dg-left", f"{format_duration(left)} (run {format_duration(run_left)})")
    set_text("dg-memory", format_megabytes(memory) if memory else "–")
    el = _els["run"]
    el.setAttribute("data-epoch", str(trainer.epoch))
    el.setAttribute("data-batches-done", str(trainer.batches_done))
    el.setAttribute("data-progress", f"{trainer.progress:.4f}")
    el.setAttribute("data-images-per-second", f"{rate:.0f}" if known else "")
    el.setAttribute("data-peak-memory-bytes", str(memory))


async def _train_clicked(_event) -> None:
    global _run
    if _training():
        return
    try:
        config = _config()
    except ValueError as e:
        _message("dg-train-message", str(e), "bad")
        return
    run = Run(config)
    _run = run
    _message("dg-train-message", "")
    _set_run_state("loading")
    set_text("dg-train-text", "Loading the training and validation images…")

    async def load():
        await _load_split("test")
        await _load_split("train")
        await _load_split("validation")

    loaded = await _with_retry(load)
    if _run is not run:
        return  # stopped while loading, and a newer run has started since
    if not loaded:
        _set_run_state("idle")
        _message("dg-train-message", "Training needs the data: press Retry above, then Train.", "bad")
        return
    _data_ready()
    if run.stopped:
        _set_run_state("stopped")
        return
    try:
        await _train(run)
    finally:
        if _run is run and _els["run"].getAttribute("data-state") in ("training", "paused", "scoring", "loading"):
            _set_run_state("stopped")


async def _train(run: Run) -> None:
    config = run.config
    images, labels = _data["train"]
    X, y = images[:config.subset], labels[:config.subset]
    net = config.build_network()
    net.meta = {"trained_in": "the browser (Digits lab)", **config.meta()}
    trainer = Trainer(net, X, y, config.mini_batch_size, config.eta, config.lmbda, scale=mnist.SCALE,
                      seed=config.seed)
    planner = ChunkPlanner(target=CHUNK_SECONDS, first=2)
    meter = CostMeter()
    _records.clear()
    set_html("dg-epoch-log", "")
    _models["trained"] = net
    _model_names["trained"] = "your network"
    _set_active("trained", refresh=False)
    results = by_id("dg-results")
    results.setAttribute("data-state", "pending")
    results.setAttribute("data-model", "trained")
    set_text("dg-results-model", "your network, after its first epoch (below: the previous network's)")
    _set_run_state("training")
    _note_memory()
    view.draw_curves(_canvases["curves"], _records, config.epochs, _pretrained_accuracy)
    el = _els["run"]
    el.setAttribute("data-subset", str(config.subset))
    el.setAttribute("data-epochs", str(config.epochs))

    while trainer.epoch < config.epochs and not run.stopped:
        epoch_started = time.perf_counter()
        paused_at_start = run.paused_seconds
        last_draw = 0.0
        epoch = trainer.epoch
        while trainer.epoch == epoch and not run.stopped:
            await run.gate()
            if run.stopped:
                break
            if _els["run"].getAttribute("data-state") != "training":
                _set_run_state("training")
            n = planner.next_size(trainer.batches_per_epoch - trainer.batches_done)
            t0 = time.perf_counter()
            meter.add(trainer.step(n))
            planner.record(n, time.perf_counter() - t0)
            if not trainer.is_finite():
                _message("dg-train-message", _diverged_text(config, trainer.n), "bad")
                run.stopped = True
                break
            now = time.perf_counter()
            if now - last_draw >= REDRAW_EVERY and trainer.epoch == epoch:
                last_draw = now
                seconds = now - epoch_started - (run.paused_seconds - paused_at_start)
                _show_run_progress(trainer, run, trainer.batches_done * trainer.mini_batch_size, seconds)
                el.setAttribute("data-chunk-batches", str(planner.size))
                el.setAttribute("data-ms-per-batch", f"{1000 * planner.seconds_per_batch:.3f}")
                _update_using()
                if _active == "trained" and (_strokes or _shown_test_index is not None):
                    _predict_drawing()  # watch the answer change as the network learns
            await asyncio.sleep(0)
        if trainer.epoch == epoch or run.stopped:
            break  # stopped (or diverged) mid-epoch
        seconds = time.perf_counter() - epoch_started - (run.paused_seconds - paused_at_start)
        await _end_epoch(run, trainer, meter, seconds)

    _note_memory()
    if run.stopped:
        _set_run_state("stopped")
        set_text("dg-left", "–")
        set_text("dg-train-text", f"Stopped in epoch {trainer.epoch + 1} "
                                  f"({100 * trainer.progress:.0f} % of it done).")
        _update_using()
        spawn(_refresh_results())
        if not _message_is_bad("dg-train-message"):
            _message("dg-train-message",
                     f"Stopped after {trainer.epoch} full epoch{'s' if trainer.epoch != 1 else ''}; "
                     "the network keeps what it learned so far.")
    else:
        _set_run_state("done")
        last = _records[-1]
        total = sum(r.seconds for r in _records)
        set_text("dg-train-text", f"Finished {config.epochs} epoch{'s' if config.epochs != 1 else ''} "
                                  f"on {trainer.n:,} images in {format_duration(total)} of training.")
        set_text("dg-left", "–")
        _message("dg-train-message",
                 f"Done: {config.epochs} epoch{'s' if config.epochs != 1 else ''}, "
                 f"{100 * last.test_accuracy:.2f} % of the test digits right. "
                 "Draw one to try it, or save it below.", "good")
    set_text("dg-memory", format_megabytes(_peak_memory) if _peak_memory else "–")
    _els["run"].setAttribute("data-peak-memory-bytes", str(_peak_memory))
    _update_using()
    _predict_drawing()  # the reading so far came from the weights of the last redraw


def _diverged_text(config: TrainingConfig, n: int) -> str:
    text = "Training diverged: the weights became infinite or NaN. "
    decay = 1.0 - config.eta * config.lmbda / n
    if decay <= 0:
        return text + (f"With η = {config.eta:g}, λ = {config.lmbda:g} and {n:,} training images the weight decay "
                       f"factor 1 − ηλ/n is {decay:g}: each step flips the weights' sign instead of shrinking them. "
                       "Try a smaller η or λ, or more images.")
    return text + "Try a smaller η."


def _message_is_bad(element_id: str) -> bool:
    return by_id(element_id).getAttribute("data-kind") == "bad"


async def _end_epoch(run: Run, trainer: Trainer, meter: CostMeter, seconds: float) -> None:
    """Score the network after an epoch, log it, redraw the curves and the results."""
    net = trainer.network
    _show_run_progress(trainer, run, trainer.n, seconds, epoch_done=True)
    bar = _els["train-progress"]
    bar.value = bar.max
    set_text("dg-train-text", f"Epoch {trainer.epoch} of {run.config.epochs} trained in "
                              f"{seconds:.2f} s; scoring it on the validation and test sets…")
    _set_run_state("scoring")
    val_images, val_labels = _data["validation"]
    test_images, test_labels = _data["test"]
    started, paused_before = time.perf_counter(), run.paused_seconds
    val_pred = await _predict_async(net, val_images, run)
    test_pred = None if val_pred is None else await _predict_async(net, test_images, run)
    if test_pred is None:
        meter.close_epoch()
        return  # stopped while scoring: the epoch is trained but not logged
    run.scoring_seconds = time.perf_counter() - started - (run.paused_seconds - paused_before)
    record = EpochRecord(
        epoch=trainer.epoch, seconds=seconds, images=trainer.n, mean_cost=meter.close_epoch(),
        validation_accuracy=float(np.mean(val_pred == val_labels)),
        test_accuracy=float(np.mean(test_pred == test_labels)))
    _records.append(record)
    net.meta.update({"epochs_trained": record.epoch, "validation_accuracy": round(record.validation_accuracy, 4),
                     "test_accuracy": round(record.test_accuracy, 4)})
    by_id("dg-epoch-log").insertAdjacentHTML("beforeend", view.epoch_row_html(record))
    view.draw_curves(_canvases["curves"], _records, run.config.epochs, _pretrained_accuracy)
    _model_names["trained"] = f"your network (epoch {record.epoch})"
    _update_model_choices()
    _update_using()
    _els["run"].setAttribute("data-epoch", str(trainer.epoch))
    if _active == "trained":
        await _refresh_results(test_pred)
    if not run.stopped:
        _set_run_state("paused" if run.paused else "training")


def _pause_clicked(event) -> None:
    run = _run
    if run is None or not _training():
        return
    # How long the click waited for the chunk of training running when it came (in the page's clock).
    waited = float(js.performance.now()) - float(event.timeStamp)
    _els["run"].setAttribute("data-pause-latency-ms", f"{waited:.1f}")
    run.paused = not run.paused
    if run.paused:
        run.resume.clear()
        _set_run_state("paused")
        set_text("dg-train-text", by_id("dg-train-text").textContent.split(" — ")[0] + " — paused")
    else:
        run.resume.set()
        _set_run_state("training")


def _stop_clicked(_event) -> None:
    run = _run
    if run is None:
        return
    run.stopped = True
    run.paused = False
    run.resume.set()
    if _els["run"].getAttribute("data-state") == "loading":
        # Nothing is trained yet, so there is nothing to wait for: the download goes on
        # (the next Train uses it) but the run is over now.
        _set_run_state("stopped")
        set_text("dg-train-text", "Stopped before training began (the images keep downloading for the next run).")


# --- saving, loading, exporting ------------------------------------------------------------

def _model_json() -> tuple[str, str]:
    net = _active_net()
    if net is None:
        raise ValueError("there is no network to save yet")
    return model_io.to_json(net), _active


def _save_clicked(_event) -> None:
    try:
        text, key = _model_json()
    except ValueError as e:
        _message("dg-model-message", f"Cannot save: {e}.", "bad")
        return
    filename = {"pretrained": "digits_pretrained.json", "trained": "digits_model.json"}.get(key, "digits_model.json")
    files.save_text(text, filename, "application/json")
    _message("dg-model-message", f"Saved {_model_names[key]} as {filename} ({len(text) / 1e6:.1f} MB).", "good")


def _export_clicked(_event) -> None:
    try:
        text, key = _model_json()
        script = export.export_script(text)
    except ValueError as e:
        _message("dg-model-message", f"Cannot export: {e}.", "bad")
        return
    files.save_text(script, "digits_model.py", "text/x-python")
    _message("dg-model-message", f"Exported {_model_names[key]} as digits_model.py: run it with "
                                 "python digits_model.py mnist-test.npz 20", "good")


def _load_clicked(_event) -> None:
    by_id("dg-load-file").click()


async def _file_chosen(_event) -> None:
    name = "the file"
    try:
        chosen = await files.read_chosen_file(by_id("dg-load-file"), MAX_MODEL_BYTES)
        if chosen is None:
            return
        name, data = chosen
        net = check_digit_model(model_io.from_json(data))
    except ValueError as e:
        text = str(e) if str(e).startswith(name) else f"{name} was not loaded: {e}"
        _message("dg-model-message", f"{text}. The current network is unchanged.", "bad")
        return
    _models["file"] = net
    _model_names["file"] = f"loaded: {name}"
    _set_active("file")
    _message("dg-model-message", f"Loaded {name}: {net.sizes}, {net.activation}, {net.cost} cost.", "good")


# --- lab interface -------------------------------------------------------------------------

def setup() -> None:
    """Bind the controls (no data is loaded until the lab is shown)."""
    for key, element_id in (("draw", "dg-draw"), ("seen", "dg-seen"), ("curves", "dg-curves"),
                            ("sample", "dg-sample"), ("gallery", "dg-gallery")):
        _canvases[key] = Canvas(element_id)
    for key in ("data", "load-progress", "run", "train-progress"):
        _els[key] = by_id(f"dg-{key}")
    _els["accuracy"] = by_id("dg-test-accuracy")
    _els["nav"] = js.document.querySelector("#nav a[data-lab='digits']")
    _els["gallery-count"] = by_id("dg-gallery-count")
    _els["confusion"] = by_id("dg-confusion")

    changed = _settings_changed
    _fields["eta"] = NumberField("dg-eta", "η", changed, lo=1e-6, hi=100)
    _fields["batch"] = NumberField("dg-batch", "mini-batch size", changed, lo=1, hi=10_000, integer=True)
    _fields["lmbda"] = NumberField("dg-lmbda", "λ", changed, lo=0, hi=1000)
    _fields["seed"] = NumberField("dg-seed", "seed", changed, lo=0, hi=2**32 - 1, integer=True)
    _fields["epochs"] = NumberField("dg-epochs", "epochs", changed, lo=1, hi=1000, integer=True)
    _fields["subset"] = NumberField("dg-subset", "training images", changed, lo=MIN_SUBSET,
                                    hi=mnist.N_TRAIN, integer=True)
    _fields["test-index"] = NumberField("dg-test-index", "test image", None, lo=0, hi=mnist.N_TEST - 1,
                                        integer=True)
    on("dg-hidden", "input", _hidden_typed)
    for select in ("dg-activation", "dg-cost", "dg-init"):
        on(select, "change", _settings_changed)
    on("dg-preset", "change", _apply_preset)
    on("dg-train", "click", _train_clicked)
    on("dg-pause", "click", _pause_clicked)
    on("dg-stop", "click", _stop_clicked)
    on("dg-load-retry", "click", _retry_clicked)
    on("dg-model", "change", _model_changed)
    on("dg-save", "click", _save_clicked)
    on("dg-load", "click", _load_clicked)
    on("dg-load-file", "change", _file_chosen)
    on("dg-export", "click", _export_clicked)
    on("dg-clear", "click", _clear_drawing)
    on("dg-undo", "click", _undo)
    on("dg-read-test", "click", _read_test_image)
    draw = _canvases["draw"].element
    on(draw, "pointerdown", _pointer_down)
    on(draw, "pointermove", _pointer_move)
    on(draw, "pointerup", _pointer_up)
    on(draw, "pointercancel", _pointer_up)

    _apply_preset()
    _pen_setup()
    _redraw_strokes()
    _set_run_state("idle")
    _update_model_choices()
    _update_using()
    set_html("dg-bars", view.empty_bars_html())
    view.draw_curves(_canvases["curves"], _records, int(_fields["epochs"].value))


def show(_state: str = "") -> None:
    """First show: start loading the test set and the pretrained model."""
    global _started
    if not _started:
        _started = True
        spawn(_initial_load())


def hide() -> None:
    """Leaving the lab ends a stroke in progress (training, if any, keeps going: the lab's link
    in the navigation says so, and Pause/Stop are here when the learner comes back)."""
    global _pointer
    _pointer = None


__all__ = ["setup", "show", "hide"]
