"""The Chapter 6 lab's state and its ``Lab`` (settings from ``nnfs.labs.chapter6.session``). Glue only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.shell.lab import Lab
from nnfs.labs.chapter6.session import SETTINGS

PAD_SIZE = 196  # the drawing pad's pixels (a 28 x 28 digit at 7 px per pixel)


@dataclass
class Chapter6State:
    """What the lab remembers besides its settings (``lab.values``); the page only shows it."""

    test: tuple[np.ndarray, np.ndarray] | None = None  # the MNIST test set on the page
    models: dict[str, Any] = field(default_factory=dict)  # "pretrained", "trained", "file" -> ConvNet
    texts: dict[str, str] = field(default_factory=dict)  # a model's JSON (what the worker reads the test set with)
    names: dict[str, str] = field(default_factory=dict)  # a model's name in the page
    active: str = "pretrained"
    loading_started: bool = False  # the test set and the pretrained net are fetched when the lab is first shown
    weights_version: int = 0  # bumped when the active model's weights change (the filters redraw)
    # the image looked at: the drawing's strokes and ink, or a test image's index
    strokes: list[list[tuple[float, float]]] = field(default_factory=list)
    ink: np.ndarray = field(default_factory=lambda: np.zeros((PAD_SIZE, PAD_SIZE)))
    pointer: int | None = None
    test_index: int | None = 0
    last_look: float = 0.0
    tile: int = 6
    pictures: dict[str, tuple[Any, np.ndarray, str]] = field(default_factory=dict)  # canvas id -> (layout, tiles, what)
    focus: dict[str, int] = field(default_factory=dict)  # canvas id -> the tile chosen with the keys
    built: list | None = None  # the layers the panel's canvases were built for
    drawn_filters: tuple[str, int, int] | None = None  # (model, weights version, tile) the filters show
    # the misclassified test digits of the active model
    predictions: dict[str, np.ndarray] = field(default_factory=dict)  # model -> its answers on the test set
    page: int = 0
    run: Any = None  # the run in progress or last run (app.labs.chapter6.train.Run)
    # what the pad calls after a change (app.labs.chapter6.look.draw)
    redraw: Callable[[], None] = field(default=lambda: None)


state = Chapter6State()
lab = Lab("chapter6", SETTINGS, state=state)  # app.labs.chapter6.lab sets its on_change in setup
