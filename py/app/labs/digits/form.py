"""The Digits lab's training form: its preset and its summary line.

The form's controls are built and bound by the lab base (``app.shell.lab``) from the
lab's settings table (``app.labs.digits.layout.SETTINGS``): the same names, labels,
limits and help as the Playground's, read from and written to the link
(``#digits/l2=5&layers=100&epochs=3``). A preset sets several of them at once;
``nnfs.settings.training.config_from_values`` turns them into a TrainingConfig.
Here: which preset the settings match, and the one-line summary under the form
(the buttons that train are ``app.labs.digits.controls``'; a rerun of a kept run,
``app.labs.digits.history``, puts its settings back and calls ``settings_changed``).
"""

from __future__ import annotations

from app.labs.digits.state import lab
from app.ui.dom import by_id, set_text
from nnfs.labs.digits import PRESETS, matching_preset, preset_values
from nnfs.settings.training import TrainingConfig, config_from_values


def config() -> TrainingConfig:
    """The TrainingConfig of the form's values; ValueError says what is wrong."""
    return config_from_values(lab.values)


def apply_preset(_event=None) -> None:
    name = str(by_id("dg-preset").value)
    if name in PRESETS:
        lab.set(**preset_values(name))
        settings_changed()


def settings_changed() -> None:
    """Show which preset the settings match (editing a field turns the preset into 'custom')."""
    try:
        current = config()
    except ValueError as e:
        set_text("dg-config-summary", str(e))
        return
    by_id("dg-preset").value = matching_preset(current)
    set_text("dg-config-summary", current.describe())
