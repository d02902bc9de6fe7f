"""The Digits lab's state, held in one object that its modules share.

The lab is split by concern (digits_data: downloads; digits_models: which
network reads the digits, save/load/export; digits_pad: drawing and
prediction; digits_train: the training loop; digits_lab: wiring). What they
share lives here, in ``state``, instead of in module globals, so that each
module says what it reads and writes (``state.x``) and nothing is rebound
behind another module's back.
"""

from __future__ import annotations

import asyncio

import numpy as np

from app.digits_layout import SETTINGS
from app.dom import by_id
from app.lab import Lab

SIZE = 280  # drawing canvas, in pixels
SPLIT_LABELS = {"test": "Test set", "train": "Training set", "validation": "Validation set"}
BUSY_RUN_STATES = ("loading", "training", "paused", "scoring")


class DigitsState:
    """Everything the Digits lab remembers between events."""

    def __init__(self) -> None:
        # Elements and canvases, looked up once in setup().
        self.canvases: dict[str, object] = {}
        self.els: dict[str, object] = {}
        self.fields: dict[str, object] = {}  # NumberFields by key

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

        # Drawing.
        self.strokes: list[list[tuple[float, float]]] = []
        self.ink = np.zeros((SIZE, SIZE))
        self.pointer: int | None = None  # id of the pointer drawing the current stroke
        self.last_predict = 0.0
        self.shown_test_index: int | None = None  # when a test image, not the drawing, is shown

        # Training (written by digits_train).
        self.hidden: tuple = (30,)
        self.run = None  # the current digits_train.Run, if any
        self.records: list = []  # EpochRecords of the current run
        self.peak_memory = 0  # the page's WebAssembly memory (peak)
        self.worker_memory = 0  # the training worker's (peak)
        self.position = ""  # where the trained network's weights are: 'epoch 2 + 42 % of epoch 3'

    def active_net(self):
        """The network that reads the digits now (None if there is none yet)."""
        return self.models.get(self.active)

    def training(self) -> bool:
        """Is a run loading, training, paused or scoring?"""
        return (
            self.run is not None
            and not self.run.stopped
            and self.els["run"].getAttribute("data-state") in BUSY_RUN_STATES
        )


state = DigitsState()
# The lab base: the non-training settings (SETTINGS), the address, the status line, test hooks.
lab = Lab("digits", SETTINGS)


def message(element_id: str, text: str, kind: str = "") -> None:
    """Show a message line (kind: "" for information, "good" or "bad")."""
    el = by_id(element_id)
    el.textContent = text
    el.className = f"message {kind}".strip()
    el.setAttribute("data-kind", kind or "info")


def message_is_bad(element_id: str) -> bool:
    return by_id(element_id).getAttribute("data-kind") == "bad"
