"""The Digits lab's state, held in one object that its modules share.

The lab is split by concern (data: downloads; models: which network reads
the digits, save/load/export; pad: drawing and prediction; form, controls and
run: the training form, its buttons and the run in the worker; lab: wiring).
What they share lives here, in ``state``, instead of in module globals, so that each
module says what it reads and writes (``state.x``) and nothing is rebound
behind another module's back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.labs.digits.layout import SETTINGS
from app.shell.lab import Lab
from app.ui.dom import by_id

SIZE = 280  # drawing canvas, in pixels
SPLIT_LABELS = {"test": "Test set", "train": "Training set", "validation": "Validation set"}
BUSY_RUN_STATES = ("loading", "training", "paused", "scoring")  # a run's states while it lasts


@dataclass
class DigitsState:
    """Everything the Digits lab remembers between events (its settings are ``lab.values``)."""

    # Elements and canvases, looked up once in setup().
    canvases: dict[str, object] = field(default_factory=dict)
    els: dict[str, object] = field(default_factory=dict)

    # Downloads.
    started: bool = False  # has the first show started loading?
    data: dict[str, tuple] = field(default_factory=dict)  # split -> (images uint8 (N, 784), labels uint8)
    manifest: dict | None = None
    loaded_bytes: dict[str, int] = field(default_factory=dict)  # what has been downloaded, for the summary line
    downloads: dict[str, asyncio.Task] = field(default_factory=dict)  # split -> its download (in progress or done)
    retry: Callable[[], Awaitable[None]] | None = None  # coroutine function to call when Retry is pressed
    failures: dict[str, str] = field(default_factory=dict)  # "test"/"pretrained" -> why its first download failed
    # The training worker's MNIST download (in the worker: the runs that wait for it share it).
    worker_load: asyncio.Future | None = None

    # Models: "pretrained" (static/models), "trained" (this page's run), "file" (loaded).
    models: dict[str, object] = field(default_factory=lambda: {"pretrained": None, "trained": None, "file": None})
    model_names: dict[str, str] = field(
        default_factory=lambda: {"pretrained": "pretrained", "trained": "your network", "file": "loaded file"}
    )
    active: str = "pretrained"
    convnet: object = None  # the pretrained convolutional net (chapter 6), answering beside the chosen model
    results_token: int = 0
    pretrained_accuracy: float | None = None

    # The results panel: the scored model's (images, labels, predictions) and the gallery's place.
    shown_results: tuple | None = None
    gallery_cell: tuple[int, int] | None = None  # a confusion-matrix cell, or None: all mistakes
    gallery_page: int = 0
    strip_width: float = 0.0  # CSS pixels the strips were drawn for
    results_later: tuple | None = None  # (predictions,) to draw when the lab is shown again

    # Drawing.
    strokes: list[list[tuple[float, float]]] = field(default_factory=list)
    ink: np.ndarray = field(default_factory=lambda: np.zeros((SIZE, SIZE)))
    ink_version: int = 0  # counts changes of the ink, so its preprocessing is done once per change
    digit_cache: tuple | None = None  # (ink_version, preprocessed digit)
    pointer: int | None = None  # id of the pointer drawing the current stroke
    last_predict: float = 0.0
    shown_test_index: int | None = None  # when a test image, not the drawing, is shown

    # Training (written by controls and run).
    run: Any = None  # the current controls.Run, if any: its state is the lab's run state
    records: list = field(default_factory=list)  # EpochRecords of the current run
    peak_memory: int = 0  # the page's WebAssembly memory (peak)
    worker_memory: int = 0  # the training worker's (peak)
    position: str = ""  # where the trained network's weights are: 'epoch 2 + 42 % of epoch 3'

    def active_net(self):
        """The network that reads the digits now (None if there is none yet)."""
        return self.models.get(self.active)

    def training(self) -> bool:
        """Is a run loading, training, paused or scoring?"""
        return self.run is not None and self.run.state in BUSY_RUN_STATES


class Parts:
    """A redraw in parts: each part timed, and the browser given its turn after each.

    At an epoch's end the page redraws the curves, the pad, the sample strip, the
    confusion matrix and the gallery. Done in one go that was one long task (up
    to half a second) in which a click or a stroke had to wait; done a part at a
    time, the browser paints and answers between them. ``ms`` (part -> milliseconds)
    goes to the tests as ``data-redraw-ms`` on ``#dg-run``.
    """

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    async def run(self, name: str, fn, *args):
        t0 = time.perf_counter()
        result = fn(*args)
        self.ms[name] = self.ms.get(name, 0.0) + 1000 * (time.perf_counter() - t0)
        await asyncio.sleep(0)  # a new browser task (Pyodide's loop schedules with setTimeout)
        return result

    def publish(self, element) -> None:
        element.setAttribute("data-redraw-ms", ";".join(f"{k}:{v:.1f}" for k, v in self.ms.items()))


state = DigitsState()
# The lab base: the settings (training form and test image), the address, the status line, test hooks.
lab = Lab("digits", SETTINGS, state=state)


def message(element_id: str, text: str, kind: str = "") -> None:
    """Show a message line (kind: "" for information, "good" or "bad")."""
    el = by_id(element_id)
    el.textContent = text
    el.className = f"message {kind}".strip()
    el.setAttribute("data-kind", kind or "info")


def message_is_bad(element_id: str) -> bool:
    return by_id(element_id).getAttribute("data-kind") == "bad"
