"""What the Chapter 3 lab shows, as settings, run lists and sentences (pure: no page).

The lab's glue (``app.labs.chapter3.lab`` for the slowdown and softmax, ``app.labs.chapter3.runs``
for the MNIST experiments in the training worker) reads the controls and
draws; this module holds the settings table, turns the learner's settings into
each experiment's runs (``nnfs.labs.chapter3`` holds the book's), and writes the
"the book / measured here" sentences. Tested in CPython.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from nnfs.data.mnist import N_TEST, N_TRAIN
from nnfs.labs.chapter3 import EXPERIMENTS, SLOWDOWN_EPOCHS, SLOWDOWN_ETA, ExperimentConfig, slow_start
from nnfs.labs.chapter3.book import BOOK_CURVES, BOOK_SOURCES, BookCurve
from nnfs.settings.table import Setting, Table


def _num(name: str, label: str, default: float, lo: float, hi: float, help: str = "", slider=None) -> Setting:
    return Setting(name, label, default, lo=lo, hi=hi, help=help, slider=slider)


def _int(name: str, label: str, default: int, lo: int, hi: int, help: str = "") -> Setting:
    return Setting(name, label, default, kind="int", lo=lo, hi=hi, help=help)


SEED_HELP = "The same seed gives the same initial weights and the same order of examples: the same curves."

# Every setting of the lab, declared once (app.shell.lab builds the controls and the link from it).
# Labels are unique in the lab: each names its experiment where it would repeat.
SETTINGS = Table(
    "c3",
    [
        # 1. The learning slowdown
        _num("sd_w1", "start A: w", 0.6, -10, 10, slider=(-4, 4, 0.1)),
        _num("sd_b1", "start A: b", 0.9, -10, 10, slider=(-4, 4, 0.1)),
        _num("sd_w2", "start B: w", 2.0, -10, 10, slider=(-4, 4, 0.1)),
        _num("sd_b2", "start B: b", 2.0, -10, 10, slider=(-4, 4, 0.1)),
        _num("sd_eta", "neuron's η", SLOWDOWN_ETA, 0.001, 10, "The learning rate of the single neuron."),
        _int("sd_epochs", "neuron's epochs", SLOWDOWN_EPOCHS, 1, 5000),
        # 2. Softmax
        *(_num(f"sm_z{j}", f"z{j}", z, -10, 10, slider=(-6, 6, 0.1)) for j, z in enumerate((2.5, -1.0, 3.2, 0.5), 1)),
        # 3. Overfitting and L2
        _int("of_epochs", "overfitting: epochs", 400, 1, 1000),
        _int("of_subset", "overfitting: training images", 1000, 100, N_TRAIN, "The first n of the 50,000."),
        _num("of_eta", "overfitting: η", 0.5, 0.001, 100),
        _num("of_lmbda", "overfitting: λ of run 2", 0.1, 0, 1000, "Run 1 has λ = 0 (no regularisation)."),
        _int(
            "of_test",
            "overfitting: test images scored per epoch",
            1000,
            100,
            N_TEST,
            "A fixed random sample, scored after every epoch; all 10,000 are scored once at the end. "
            "Scoring 10,000 after each of 400 epochs would take longer than the training.",
        ),
        _int("of_seed", "overfitting: seed", 0, 0, 2**32 - 1, SEED_HELP),
        # 4. Weight initialisation
        _int("wi_epochs", "initialisation: epochs", 30, 1, 1000),
        _int(
            "wi_subset",
            "initialisation: training images",
            10_000,
            100,
            N_TRAIN,
            "The book trains on all 50,000 (about 3 s per epoch and run in the page); 10,000 by default.",
        ),
        _num("wi_eta", "initialisation: η", 0.1, 0.001, 100),
        _num("wi_lmbda", "initialisation: λ", 5.0, 0, 1000),
        _int("wi_seed", "initialisation: seed", 0, 0, 2**32 - 1, SEED_HELP),
        # 5. The learning rate
        _num("lr_eta1", "η of run 1", 0.025, 0.0001, 100),
        _num("lr_eta2", "η of run 2", 0.25, 0.0001, 100),
        _num("lr_eta3", "η of run 3", 2.5, 0.0001, 100),
        _int("lr_epochs", "learning rate: epochs", 30, 1, 1000),
        _int(
            "lr_subset",
            "learning rate: training images",
            10_000,
            100,
            N_TRAIN,
            "The book trains on all 50,000; 10,000 by default (three runs).",
        ),
        _num("lr_lmbda", "learning rate: λ", 5.0, 0, 1000),
        _int("lr_seed", "learning rate: seed", 0, 0, 2**32 - 1, SEED_HELP),
    ],
)

# The MNIST experiments: their prefix in the table and element ids, and what is charted.
PREFIX = {"overfitting": "of", "init": "wi", "eta": "lr"}
CHARTS = {
    "overfitting": (("acc", ("train_acc", "test_acc")), ("cost", ("train_cost",))),
    "init": (("acc", ("test_acc",)),),
    "eta": (("cost", ("train_cost",)),),
}
# Which of an experiment's charts has the book's curves beside it (the book published these).
BOOK_CHART = {"overfitting": "acc", "init": "acc", "eta": "cost"}
# Which charts can zoom: accuracies (a 0-100 % axis squeezes 88 % against 93 % into a sliver).
ZOOMABLE = {"acc"}
TRAIN_DASH = (6.0, 6.0)  # training-accuracy curves: dashed; run i's dashes start 6 px later per run
METRIC_NAMES = {"train_acc": "training", "test_acc": "test", "train_cost": "training cost"}
SCORED_ON = {"test": "test", "validation": "validation", "training": "training"}

LOOK_FOR = {
    "overfitting": "Without λ the training accuracy reaches 100 % and its cost keeps falling, while the test "
    "accuracy stops improving early: the network learns the 1,000 images, not digits. With λ the gap between "
    "training and test accuracy is smaller and the test accuracy ends higher.",
    "init": "With N(0, 1) weights the hidden neurons start saturated and learn slowly; with N(0, 1/n_in) the "
    "test accuracy is higher from the first epoch on.",
    "eta": "η = 0.025 lowers the cost slowly; η = 0.25 lowers it fast; η = 2.5 overshoots the minimum and the "
    "cost jumps about from the start.",
}


def experiment_configs(name: str, values: Mapping[str, Any]) -> list[ExperimentConfig]:
    """Each run of experiment ``name`` with the learner's settings ``values`` (the table's)."""
    ex = EXPERIMENTS[name]
    if name == "overfitting":
        shared = {
            "epochs": values["of_epochs"],
            "subset": values["of_subset"],
            "eta": values["of_eta"],
            "seed": values["of_seed"],
            "test_rows": values["of_test"],
        }
        return ex.configs(shared, runs=({"lmbda": 0.0}, {"lmbda": values["of_lmbda"]}))
    if name == "init":
        shared = {k: values[f"wi_{k}"] for k in ("epochs", "subset", "eta", "seed")} | {"lmbda": values["wi_lmbda"]}
        return ex.configs(shared)
    if name == "eta":
        shared = {k: values[f"lr_{k}"] for k in ("epochs", "subset", "seed")} | {"lmbda": values["lr_lmbda"]}
        return ex.configs(shared, runs=tuple({"eta": values[f"lr_eta{j}"]} for j in (1, 2, 3)))
    raise KeyError(name)


def run_label(name: str, config: ExperimentConfig) -> str:
    """What tells this experiment's runs apart, e.g. 'λ = 0.1' or 'N(0, 1/n_in)'."""
    t = config.training
    if name == "overfitting":
        return f"λ = {t.lmbda:g}"
    if name == "init":
        return "N(0, 1/n_in)" if t.init == "scaled" else "N(0, 1)"
    return f"η = {t.eta:g}"


def line_style(run_index: int, key: str) -> tuple[tuple[float, ...], float]:
    """(dash, dash offset) of run ``run_index``'s curve of ``key``. Training accuracies are
    dashed and each run's dashes start where the previous run's gaps are: where two runs'
    training curves lie on each other (both at 100 %), their colours alternate along it."""
    if key != "train_acc":
        return (), 0.0
    return TRAIN_DASH, float(TRAIN_DASH[0] * run_index)


def curve_label(run_label: str, key: str, several: bool) -> str:
    """A curve's legend text: the run's label, and which set when the chart shows several."""
    return f"{run_label}, {METRIC_NAMES[key]}" if several else run_label


def book_run_label(name: str, curve: BookCurve) -> str:
    """The book's run as the page labels its own: 'λ = 0', 'N(0, 1)' or 'η = 0.25'."""
    if name == "overfitting":
        return f"λ = {curve.run['lmbda']:g}"
    if name == "init":
        return "N(0, 1/n_in)" if curve.run["init"] == "scaled" else "N(0, 1)"
    return f"η = {curve.run['eta']:g}"


def book_curves(name: str) -> list[tuple[int, str, BookCurve]]:
    """The book's curves of experiment ``name`` as (run index, legend text, curve): the run
    index is the book's run's place among the experiment's runs, so it takes that run's colour."""
    runs = EXPERIMENTS[name].runs
    keys = {c.key for c in BOOK_CURVES[name]}
    return [
        (runs.index(c.run), curve_label(book_run_label(name, c), c.key, len(keys) > 1), c) for c in BOOK_CURVES[name]
    ]


def book_caption(name: str) -> str:
    """What the book's chart shows and where its numbers come from."""
    scored = sorted({SCORED_ON[c.scored_on] for c in BOOK_CURVES[name]})
    what = {"acc": "accuracy", "cost": "cost"}[BOOK_CHART[name]]
    return (
        f"The book's own curves ({' and '.join(scored)} {what} after each epoch, as its figure script saved "
        f"them: {BOOK_SOURCES[name]} in the book's repository), with the book's settings."
    )


def zoom_text(zoomed: bool) -> str:
    """The zoom button's label: what pressing it does."""
    return "Show the full range, 0–100 %" if zoomed else "Zoom to the data"


def percent(v: float | None) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{100 * v:.2f} %"


def _peak(values: Sequence[float | None]) -> tuple[float | None, int | None]:
    best, at = None, None
    for epoch, v in enumerate(values):
        if v is not None and math.isfinite(v) and (best is None or v > best):
            best, at = v, epoch
    return best, at


def measured_text(name: str, runs: Sequence[Mapping[str, Any]]) -> str:
    """The page's figures for experiment ``name``, one clause per run: ``runs`` holds per run
    its ``label``, ``history`` (lists per key), ``final`` ({"test_acc"} or None) and ``test_rows``."""
    parts = []
    for r in runs:
        h = r["history"]
        if not h.get("epoch"):
            continue
        epochs = int(h["epoch"][-1])  # (JSON gives it as a float)
        if name == "overfitting":
            peak, at = _peak(h["test_acc"])
            final = (r.get("final") or {}).get("test_acc")
            text = f"{r['label']}: test accuracy peaked at {percent(peak)} (epoch {at}, {r['test_rows']:,} images)"
            if final is not None:
                text += f", {percent(final)} on all 10,000 after epoch {epochs}"
            text += f"; training accuracy {percent(h['train_acc'][-1])}"
        elif name == "init":
            first = h["test_acc"][1] if len(h["test_acc"]) > 1 else None
            text = f"{r['label']}: {percent(first)} after epoch 1, {percent(h['test_acc'][-1])} after epoch {epochs}"
        else:
            costs = [c for c in h["train_cost"] if c is not None]
            text = f"{r['label']}: training cost {costs[0]:.3g} → {costs[-1]:.3g} after epoch {epochs}" if costs else ""
        if text:
            parts.append(text)
    return "Measured here: " + "; ".join(parts) + "." if parts else ""


def slowdown_text(curves: Mapping[str, Sequence[float]]) -> str:
    """The slow start of each slowdown curve (``label -> costs``), in epochs."""
    parts = []
    for label, costs in curves.items():
        n = slow_start(list(costs))
        parts.append(f"{label}: {'not within these epochs' if n is None else f'{n} epoch' + 's' * (n != 1)}")
    return "Epochs until the cost has fallen by a tenth — " + "; ".join(parts) + "."
