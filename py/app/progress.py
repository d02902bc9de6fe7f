"""The learner's progress in the exercises (kept in the browser), and their code for the labs.

The record (see ``exercises_view.decode``) lives in ``localStorage``: it is
small, synchronous and survives a reload. The labs ask ``active(name)`` for
the learner's own function (e.g. ``nand``): it is the code that passed the
exercise's check, run once on the page's thread, and only while the learner
has switched "use my code" on. That code already ran to completion in the
checker's worker on every input the lab can give it (NAND's four rows), so it
cannot hang the page.
"""

from __future__ import annotations

import numpy as np
from pyscript import window

from app import exercises_view as view
from nnfs import exercises
from nnfs.learner_code import run_code
from nnfs.perceptron import Perceptron

KEYS = tuple(exercises.BY_KEY)
EXERCISE_OF = {
    "nand": "nand",
    "perceptron_output": "perceptron",
}  # function a lab uses -> the exercise where the learner wrote it
listeners = []  # called after a change a lab may show (pass, toggle)
_compiled: dict = {}  # (name, code) -> the learner's function


def load() -> dict:
    try:
        text = window.localStorage.getItem(view.STORAGE_KEY)
    except Exception:  # noqa: BLE001 - storage switched off: progress lasts for this visit only
        text = None
    return view.decode(None if text is None else str(text), KEYS)


progress = view.empty()


def save() -> None:
    try:
        window.localStorage.setItem(view.STORAGE_KEY, view.encode(progress))
    except Exception:  # noqa: BLE001 - full or switched off: nothing to do but go on
        pass


def record(key: str) -> dict:
    return progress["exercises"].setdefault(key, {})


def passed_code(name: str) -> str | None:
    return progress["exercises"].get(EXERCISE_OF[name], {}).get("passed")


def set_use(name: str, on: bool) -> None:
    if on:
        progress["use"][name] = True
    else:
        progress["use"].pop(name, None)
    save()
    changed()


def using(name: str) -> bool:
    return bool(progress["use"].get(name)) and passed_code(name) is not None


def changed() -> None:
    for listener in listeners:
        listener()


def active(name: str):
    """The learner's passing ``name`` while "use my code" is on for it; else None (the lab's own)."""
    if not using(name):
        return None
    code = passed_code(name)
    if (name, code) not in _compiled:
        ran = run_code(code, exercises.given(EXERCISE_OF[name]))
        fn = ran.namespace.get(name)
        _compiled[(name, code)] = _checked(fn, name) if not ran.error and callable(fn) else None
    return _compiled[(name, code)]


def _checked(fn, name):
    """The learner's function, refusing an answer that is not a bit (a lab would draw nonsense)."""

    def gate(*args):
        out = fn(*args)
        if out not in (0, 1):
            raise ValueError(f"your {name} returned {out!r} for {args}, not 0 or 1")
        return int(out)

    return gate


progress.update(load())


class LearnersPerceptron(Perceptron):
    """A Perceptron (weights, bias, drawing helpers) whose outputs come from the learner's rule."""

    def __init__(self, weights, bias, rule):
        super().__init__(weights, bias)
        self._rule = rule

    def output(self, x):
        return self._rule(list(x), [float(w) for w in self.weights], float(self.bias))

    def outputs(self, points):
        return np.array([self.output(p) for p in np.asarray(points, dtype=float).tolist()], dtype=np.int8)


def perceptron(weights, bias) -> Perceptron:
    """The Perceptron lab's perceptron: the core's, or one deciding with the learner's rule."""
    rule = active("perceptron_output")
    return Perceptron(weights, bias) if rule is None else LearnersPerceptron(weights, bias, rule)
