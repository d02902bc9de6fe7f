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
from nnfs.runs import history as rh
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


def keep(config: TrainingConfig, history: dict[str, list[Any]], seconds: float, stop: dict | None) -> None:
    """A run ended (``stop``: the worker's Stop as a dict, None when the learner stopped it):
    it joins the history once it has finished an epoch."""
    if len(history.get("epoch", [])) < 2:
        return
    problem = bool(stop and stop.get("problem"))
    ended = rh.ending(stop.get("kind") if stop else "stopped", problem)
    text = "Stopped." if stop is None else (f"{stop['text']} {stop.get('advice', '')}".strip())
    settings = SETTINGS.encoded(values_of(config))
    record = rh.record_of("digits", settings, config.seed, history, seconds, ended, text)
    panel.keep(record, object())  # every Train is a run of its own
