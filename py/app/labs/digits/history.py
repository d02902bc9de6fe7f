"""The Digits lab's run history: every run that ends is kept under the epoch log (glue only).

The panel, the records and the overlaid curves are ``app.runs.history_panel``'s,
as in the Playground: here only what is the Digits lab's own — its evaluation
sets (validation and test), the settings a record keeps (the training form's,
not the test image shown), and "Rerun", which puts a run's settings back into
the form through the lab's own link reader, so the same seed gives the same
initial weights.
"""

from __future__ import annotations

from typing import Any

from app.labs.digits.form import settings_changed
from app.labs.digits.layout import SETTINGS
from app.labs.digits.state import lab
from app.runs import history_panel as run_history_panel
from app.runs import in_progress
from nnfs.runs import history as rh
from nnfs.runs import in_progress as ip
from nnfs.runs.remote import pack
from nnfs.settings.training import CONFIG_FIELDS, TrainingConfig

# Short names of the settings for the legend and the list.
LABELS = {"eta": "η", "l2": "λ", "layers": "hidden", "act": "activation", "batch": "mini-batch", "subset": "images"}


def values_of(config: TrainingConfig) -> dict[str, Any]:
    """The form's values (by setting name) of a run's configuration."""
    return {name: getattr(config, field) for name, field in CONFIG_FIELDS.items()}


def rerun(record: rh.RunRecord) -> str | None:
    """Put a kept run's settings (its seed too) back into the form; None, or what is wrong."""
    return run_history_panel.rerun(lab, record, settings_changed)


panel = run_history_panel.Panel(
    "dg",
    "digits",
    {"test": "test set", "validation": "validation set"},
    rerun,
    defaults=SETTINGS.encoded({name: SETTINGS[name].default for name in CONFIG_FIELDS}),
    labels=LABELS,
)


# The run in progress, kept in the browser at each epoch's end (app.runs.in_progress).
keeper = in_progress.Keeper("dg", "digits", panel)


def keep(
    config: TrainingConfig,
    history: dict[str, list[Any]],
    seconds: float,
    stop: dict | None,
    run_id: int | None = None,
) -> None:
    """A run ended (``stop``: the worker's Stop as a dict, None when the learner stopped it):
    it joins the history once it has finished an epoch (``run_id``: the kept run it goes on
    with, a run continued after a reload), and is no longer in progress."""
    keeper.clear()
    if len(history.get("epoch", [])) < 2:
        return
    problem = bool(stop and stop.get("problem"))
    ended = rh.ending(stop.get("kind") if stop else "stopped", problem)
    text = "Stopped." if stop is None else (f"{stop['text']} {stop.get('advice', '')}".strip())
    settings = SETTINGS.encoded(values_of(config))
    record = rh.record_of("digits", settings, config.seed, history, seconds, ended, text)
    panel.keep_as(run_id, record)  # every Train is a run of its own


def save_progress(
    config: TrainingConfig, history: dict[str, list[Any]], seconds: float, net, batches_done: int, run_id: int | None
) -> None:
    """The run as it stands at an epoch's end (``batches_done``: of the next epoch, trained in
    the same call), kept in the browser: a reload keeps it as interrupted, with these weights."""
    if len(history.get("epoch", [])) < 2 or not net.is_finite():
        return
    position = f"epoch {history['epoch'][-1]}" + (f" (+ {batches_done} mini-batches)" if batches_done else "")
    text = f"Interrupted at {position}: the page was closed or reloaded."
    settings = SETTINGS.encoded(values_of(config))
    sizes = tuple(net.sizes)
    keeper.save(
        ip.saved_run("digits", settings, config.seed, history, seconds, sizes, pack(net), batches_done, text, run_id)
    )
