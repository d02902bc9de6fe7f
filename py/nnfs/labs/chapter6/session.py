"""The Chapter 6 lab's settings and its runs in the training worker: a rung of the book's
ladder (``nnfs.labs.chapter6.ladder``) trained by the one engine on the images chosen.

``SETTINGS`` (a ``Table``) is the lab's form, declared once (the page builds its controls and links
from it; the worker reads a run's settings through the same table, so a value the form
would refuse is refused here too). A run is ``build_session(values, train, validation,
test)``: the rung's ``ConvNet`` from the seed, an SGD ``Trainer`` on the first ``images``
training images (with the rung's four one-pixel shifts of each when it trains on the
expanded set), scored after each epoch on the first ``scored`` validation and test images,
stopping after ``epochs``. The same call in CPython and in the worker gives the same numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from numpy.typing import NDArray

from nnfs.data.mnist import N_TEST, N_TRAIN, SCALE, expand_by_shifts
from nnfs.labs.chapter6.ladder import BOOK_MINI_BATCH, LADDER, default_images
from nnfs.maths.convnet import ConvNet
from nnfs.maths.engine import Session
from nnfs.maths.sgd import Trainer
from nnfs.runs import remote
from nnfs.settings import training as ts
from nnfs.settings.table import Setting, Table

DEFAULT_RUNG = "conv1"
MAX_BATCH = 100
MAX_EPOCHS = 60
# What a run may hold in the training worker: the page's WebAssembly memory is at most
# 2 GB (wasm32 in Pyodide), shared with the interpreter, numpy and the MNIST images (55 MB).
MEMORY_LIMIT = 1_000_000_000

SETTINGS = Table(
    "c6",
    (
        Setting(
            "rung",
            "network",
            DEFAULT_RUNG,
            kind="choice",
            choices=tuple((key, rung.title) for key, rung in LADDER.items()),
            help="A rung of the book's ladder: its layers and the book's learning settings.",
        ),
        Setting(
            "images",
            "training images",
            default_images(DEFAULT_RUNG),
            kind="int",
            lo=ts.MIN_SUBSET,
            hi=N_TRAIN,
            help=f"How many of the {N_TRAIN:,} training images an epoch goes through (the expanded rungs "
            "add four shifted copies of each).",
        ),
        Setting(
            "epochs", "stop after epochs", 1, kind="int", lo=1, hi=MAX_EPOCHS, help="Training stops at this epoch."
        ),
        ts.eta(LADDER[DEFAULT_RUNG].eta),
        Setting(
            "l2",
            "L2 λ (network3)",
            LADDER[DEFAULT_RUNG].lmbda,
            lo=0.0,
            hi=ts.L2_MAX,
            help="Weight decay as network3.py counts it: each step shrinks the weights by ηλm/n.",
        ),
        ts.batch(BOOK_MINI_BATCH, hi=MAX_BATCH),
        ts.seed(0),
        Setting(
            "scored",
            "images scored",
            N_TEST,
            kind="int",
            lo=100,
            hi=N_TEST,
            help="Validation and test images scored after each epoch (the first ones of each set).",
        ),
    ),
)


def rung_values(key: str) -> dict[str, Any]:
    """What choosing a rung sets in the form: the book's η, λ and mini-batch, and the images
    that train in about a minute in the page."""
    rung = LADDER[key]
    return {"eta": rung.eta, "l2": rung.lmbda, "batch": BOOK_MINI_BATCH, "images": default_images(key)}


def read(values: object) -> dict[str, Any]:
    """Every setting of a run, from the decoded values the page sends (missing ones take
    their defaults); a ValueError listing what the table refuses."""
    got, problems = SETTINGS.from_values(values if isinstance(values, dict) else {"": values})
    if problems:
        raise ValueError("; ".join(message for _, message in problems))
    return {**SETTINGS.defaults(), **got}


def build_net(values: dict[str, Any]) -> ConvNet:
    return LADDER[values["rung"]].build(seed=int(values["seed"]))


def memory_bytes(values: dict[str, Any]) -> int:
    """About what a run of these settings holds in the training worker: its training images
    (uint8; five of each on the expanded rungs), the weights four times over (weights,
    gradients, the decay's and the update's temporaries) and one pass of the larger of a
    mini-batch and a scoring chunk."""
    from nnfs.maths.convnet import EVAL_CHUNK

    net = build_net(values)
    copies = 5 if LADDER[values["rung"]].expanded else 1
    images = int(values["images"]) * copies * 784
    return images + 4 * 8 * net.parameters() + 8 * net.floats_per_image() * max(int(values["batch"]), EVAL_CHUNK)


def check_memory(values: dict[str, Any], limit: int = MEMORY_LIMIT) -> None:
    """A ValueError before a run starts whose memory would not fit."""
    need = memory_bytes(values)
    if need > limit:
        raise ValueError(
            f"this run would hold about {need / 1e6:,.0f} MB in the training worker, more than the "
            f"{limit / 1e6:,.0f} MB a page can count on: choose fewer training images or a smaller mini-batch"
        )


def training_set(
    values: dict[str, Any], images: NDArray[Any], labels: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any]]:
    """The first ``images`` training images, expanded by one-pixel shifts on the rungs that are."""
    X, y = images[: int(values["images"])], labels[: int(values["images"])]
    return expand_by_shifts(X, y) if LADDER[values["rung"]].expanded else (X, y)


def build_session(
    settings: object,
    train: tuple[NDArray[Any], NDArray[Any]],
    validation: tuple[NDArray[Any], NDArray[Any]],
    test: tuple[NDArray[Any], NDArray[Any]],
    clock: Callable[[], float] = time.perf_counter,
) -> Session[ConvNet]:
    """The engine session of one run (``train``, ``validation``, ``test``: (images, labels))."""
    values = read(settings)
    check_memory(values)
    net = build_net(values)
    net.meta = {"trained_in": "the browser (Chapter 6 lab)", "settings": values}
    X, y = training_set(values, *train)
    trainer = Trainer(
        net,
        X,
        y,
        int(values["batch"]),
        float(values["eta"]),
        float(values["l2"]),
        scale=SCALE,
        seed=int(values["seed"]),
    )
    return Session(
        net,
        trainer,
        {"validation": validation, "test": test},
        scale=SCALE,
        eval_rows=int(values["scored"]),
        max_epochs=int(values["epochs"]),
        clock=clock,
    )


def _session(settings: dict[str, Any], context: remote.Context) -> Session[ConvNet]:
    train, validation, test = context.splits("train", "validation", "test")
    return build_session(settings, train, validation, test, clock=context.clock)


remote.register("convnet", _session, title="Chapter 6 run")
