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

import numpy as np

from app.labs.digits.layout import SETTINGS
from app.shell.lab import Lab
from app.ui.dom import by_id

SIZE = 280  # drawing canvas, in pixels
SPLIT_LABELS = {"test": "Test set", "train": "Training set", "validation": "Validation set"}
BUSY_RUN_STATES = ("loading", "training", "paused", "scoring")  # a run's states while it lasts


class DigitsState:
    """Everything the Digits lab remembers between events."""

    def __init__(self) -> None:
        # Elements and canvases, looked up once in setup().
        self.canvases: dict[str, object] = {}
        self.els: dict[str, object] = {}

        # Downloads.
        self.started = False  # has the first show started loading?
        self.data: dict[str, tuple] = {}  # split -> (images uint8 (N, 784), labels uint8)
        self.manifest: dict | None = None
        self.loaded_bytes: dict[str, int] = {}  # what has been downloaded, for the summary line
        self.downloads: dict[str, asyncio.Task] = {}  # split -> its download (in progress or done)
        self.retry = None  # coroutine function to call when Retry is pressed
        self.failures: dict[str, str] = {}  # "test"/"pretrained" -> why its first download failed

        # Models: "pretrained" (static/models), "trained" (this page's run), "file" (loaded).
        self.models: dict[str, object] = {"pretrained": None, "trained": None, "file": None}
        self.model_names: dict[str, str] = {
            "pretrained": "pretrained",
            "trained": "your network",
            "file": "loaded file",
        }
        self.active = "pretrained"
        self.results_token = 0
        self.pretrained_accuracy: float | None = None

        # The results panel: the scored model's (images, labels, predictions) and the gallery's place.
        self.shown_results: tuple | None = None
        self.gallery_cell: tuple[int, int] | None = None  # a confusion-matrix cell, or None: all mistakes
        self.gallery_page = 0
        self.strip_width = 0.0  # CSS pixels the strips were drawn for
        self.results_later: tuple | None = None  # (predictions,) to draw when the lab is shown again

        # Drawing.
        self.strokes: list[list[tuple[float, float]]] = []
        self.ink = np.zeros((SIZE, SIZE))
        self.ink_version = 0  # counts changes of the ink, so its preprocessing is done once per change
        self.digit_cache: tuple | None = None  # (ink_version, preprocessed digit)
        self.pointer: int | None = None  # id of the pointer drawing the current stroke
        self.last_predict = 0.0
        self.shown_test_index: int | None = None  # when a test image, not the drawing, is shown

        # Training (written by controls and run).
        self.run = None  # the current controls.Run, if any: its state is the lab's run state
        self.records: list = []  # EpochRecords of the current run
        self.peak_memory = 0  # the page's WebAssembly memory (peak)
        self.worker_memory = 0  # the training worker's (peak)
        self.position = ""  # where the trained network's weights are: 'epoch 2 + 42 % of epoch 3'

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
lab = Lab("digits", SETTINGS)


def message(element_id: str, text: str, kind: str = "") -> None:
    """Show a message line (kind: "" for information, "good" or "bad")."""
    el = by_id(element_id)
    el.textContent = text
    el.className = f"message {kind}".strip()
    el.setAttribute("data-kind", kind or "info")


def message_is_bad(element_id: str) -> bool:
    return by_id(element_id).getAttribute("data-kind") == "bad"
