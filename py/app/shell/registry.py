"""Which labs the app has: each lab package declares itself once, here is how they are found.

A lab is a package ``app/labs/<name>/``. Its ``__init__.py`` holds one ``LAB = LabInfo(...)``
declaration and nothing that touches the page, so CPython reads it too. From the
declarations, and nothing typed twice:

* ``app.shell.main`` imports each lab's ``app.labs.<name>.lab`` module (``setup``/``show``/``hide``);
* the e2e tests take their list of labs (``tests/e2e/smoke.py``, ``test_settings_controls.py``);
* a unit test checks that index.html's navigation and sections name the same labs, in order.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class LabInfo:
    """One lab's declaration.

    ``settings`` names the module whose ``SETTINGS`` table (``nnfs.settings.table.Table``)
    the lab's controls are built from. ``worker``: the lab trains in the training worker
    (``app.runs.worker_client``); a unit test holds it to the lab's imports. ``sliders``
    pairs a slider with the picture it moves (on a phone both must share the screen);
    ``full_state`` is a link state in which every control shows; ``draws`` says a canvas
    is drawn as soon as the lab opens (the smoke test waits for it).
    """

    name: str
    title: str
    number: int | None  # its place in the book's order (the navigation shows "1 · Perceptron"); None: after the labs
    settings: str
    worker: bool = False
    sliders: tuple[tuple[str, str], ...] = ()
    full_state: str = ""
    draws: bool = True

    @property
    def module(self) -> str:
        """The glue module the shell imports: ``setup()``, ``show(state)``, maybe ``hide()``."""
        return f"app.labs.{self.name}.lab"

    @property
    def nav_text(self) -> str:
        return f"{self.number} · {self.title}" if self.number is not None else self.title


def declared() -> list[LabInfo]:
    """Every lab package's declaration, in the navigation's order."""
    import app.labs

    found = []
    for info in pkgutil.iter_modules(app.labs.__path__):
        if info.ispkg:
            lab = importlib.import_module(f"app.labs.{info.name}").LAB
            if lab.name != info.name:
                raise ValueError(f"app/labs/{info.name}/ declares a lab named {lab.name!r}")
            found.append(lab)
    return sorted(found, key=lambda lab: (lab.number is None, lab.number or 0))
