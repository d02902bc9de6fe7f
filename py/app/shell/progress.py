"""The learner's progress in the exercises (kept in the browser), and their code for the labs.

The record (see ``app.labs.exercises.view.decode``) lives in ``localStorage``: it is
small, synchronous and survives a reload. The labs ask ``active(name)`` for
the learner's own function while they have switched "use my code" on, and the
learner's code must never be able to freeze the page's thread:

* ``nand`` has four inputs: the checker's worker recorded their nand's answer
  for each when it passed (``nnfs.labs.exercises.marking.tabulate``), and the Gates lab looks
  them up; their code never runs on the page.
* ``perceptron_output`` has infinitely many inputs: it runs on the page's
  thread (the Perceptron lab redraws with it on many points), but each redraw
  gives it ``RULE_BUDGET`` seconds in all (``nnfs.labs.exercises.learner_code.within``). Past that,
  or if it raises, the lab finishes the redraw with the core's rule, "use my
  code" is switched off and ``notices`` says why beside the toggle.
* ``backprop`` and ``sgd_step`` run only in the training worker (app.labs.playground.mine).
* ``convolve`` and ``max_pool`` (exercise 10, "conv") take whole arrays and run on the page's
  thread too, for a lab that draws feature maps (chapter 6). ``active("convolve")`` and
  ``active("max_pool")`` give None (use the core's) or a fresh
  ``nnfs.labs.exercises.learner_maps.Guarded``: call it as ``convolve(image, kernel)`` (2-D
  image (H, W), k x k filter, k <= min(H, W); valid, not flipped) -> float array
  (H - k + 1, W - k + 1), or ``max_pool(feature_map, size)`` -> (H // size, W // size). It
  never raises for the learner's faults: its calls have ``learner_maps.BUDGET`` seconds in all
  (time in their code only), each answer is checked (shape, finite), and from the first
  problem on it answers with the core's result, sets ``.failed`` (why, in words), switches
  "use my code" off after the current redraw and puts the why in ``notices["convolve"]``. The
  lab's own bad arguments raise ValueError. Ask ``active`` once per drawing. One toggle serves
  both functions: its flag is "convolve" (``set_use("convolve", on)``, ``using("convolve")``).
"""

from __future__ import annotations

import time

import numpy as np
from pyscript import window

from app.labs.exercises import view
from nnfs.labs.exercises import catalogue as exercises
from nnfs.labs.exercises.learner_code import TooSlow, run_code, within
from nnfs.labs.exercises.learner_maps import Guarded
from nnfs.neurons.perceptron import Perceptron

KEYS = tuple(exercises.BY_KEY)
EXERCISE_OF = {
    "nand": "nand",
    "perceptron_output": "perceptron",
    "backprop": "backprop",
    "sgd_step": "sgd",  # the Playground's "Train with my backprop and sgd_step" (app.labs.playground.mine)
    "convolve": "conv",  # a lab's feature maps (see the module docstring)
    "max_pool": "conv",
}  # function a lab uses -> the exercise where the learner wrote it
FLAG_OF = {"max_pool": "convolve"}  # one "use my code" toggle for the two functions of exercise 10
MAPS = ("convolve", "max_pool")  # whole arrays in and out: run through learner_maps.Guarded
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


def set_table(key: str, table: dict | None) -> None:
    """Keep (or drop) the answers the checker recorded for exercise ``key``'s function."""
    if table is not None and view.table_ok(table):
        record(key)["table"] = dict(table)
    else:
        record(key).pop("table", None)


def ready(name: str) -> bool:
    """Whether a lab can use the learner's ``name``: it passed (and for nand, its answers were recorded:
    a pass from before they were, needs its check once more)."""
    if passed_code(name) is None:
        return False
    return name != "nand" or view.table_ok(progress["exercises"]["nand"].get("table"))


notices: dict = {}  # name -> why "use my code" was switched off by the page (shown beside the toggle)


def set_use(name: str, on: bool) -> None:
    name = FLAG_OF.get(name, name)
    notices.pop(name, None)
    if on:
        progress["use"][name] = True
    else:
        progress["use"].pop(name, None)
    save()
    changed()


def using(name: str) -> bool:
    return bool(progress["use"].get(FLAG_OF.get(name, name))) and ready(name)


def changed() -> None:
    for listener in listeners:
        listener()


def active(name: str):
    """The learner's passing ``name`` while "use my code" is on for it; else None (the lab's own).

    nand: a lookup in the answers the checker recorded. perceptron_output: their
    function, to be called through ``LearnersPerceptron`` (time budget). convolve, max_pool:
    a fresh ``Guarded`` (time budget, answers checked, the core's from the first problem on)."""
    if not using(name):
        return None
    if name == "nand":
        table = progress["exercises"]["nand"]["table"]
        key = (name, tuple(sorted(table.items())))
        if key not in _compiled:
            _compiled[key] = _from_table(table)
        return _compiled[key]
    code = passed_code(name)
    if (name, code) not in _compiled:
        ran = run_code(code, exercises.given(EXERCISE_OF[name]))
        fn = ran.namespace.get(name)
        _compiled[(name, code)] = (
            (fn if name in MAPS else _checked(fn, name)) if not ran.error and callable(fn) else None
        )
    fn = _compiled[(name, code)]
    if name in MAPS and fn is not None:
        return Guarded(name, fn, on_fail=_switch_off)
    return fn


def _from_table(table: dict):
    """The learner's nand as the checker's worker recorded it: four answers, looked up."""
    answers = {(int(k[0]), int(k[1])): int(v) for k, v in table.items()}

    def nand(x1, x2):
        return answers[(int(x1), int(x2))]

    return nand


def _checked(fn, name):
    """The learner's function, refusing an answer that is not a bit (a lab would draw nonsense)."""

    def gate(*args):
        out = fn(*args)
        if out not in (0, 1):
            raise ValueError(f"your {name} returned {out!r} for {args}, not 0 or 1")
        return int(out)

    return gate


progress.update(load())


RULE_BUDGET = 3.0  # seconds the learner's perceptron_output may take in all for one redraw


class LearnersPerceptron(Perceptron):
    """A Perceptron (weights, bias, drawing helpers) whose outputs come from the learner's rule,
    within RULE_BUDGET seconds from its making (one per redraw); then the core's rule (see the
    module docstring)."""

    def __init__(self, weights, bias, rule):
        super().__init__(weights, bias)
        self._rule = within(rule, time.perf_counter() + RULE_BUDGET)
        self.failed = ""

    def output(self, x):
        if not self.failed:
            try:
                return self._rule(list(x), [float(w) for w in self.weights], float(self.bias))
            except TooSlow:
                self.failed = (
                    f"Your perceptron_output took more than {RULE_BUDGET:g} s for one drawing (its last input "
                    f"was x = {[float(v) for v in x]}), so the lab went back to its own rule."
                )
            except Exception as exc:  # noqa: BLE001 - said beside the toggle
                self.failed = (
                    f"Your perceptron_output failed for x = {[float(v) for v in x]} ({exc}), "
                    "so the lab went back to its own rule."
                )
            _switch_off("perceptron_output", self.failed)
        return Perceptron.output(self, x)

    def outputs(self, points):
        return np.array([self.output(p) for p in np.asarray(points, dtype=float).tolist()], dtype=np.int8)


def _switch_off(name: str, why: str) -> None:
    """Switch "use my code" off after the current redraw (not inside it), and say why."""
    import asyncio

    name = FLAG_OF.get(name, name)

    def off():
        set_use(name, False)
        notices[name] = why
        changed()

    asyncio.get_event_loop().call_soon(off)


def perceptron(weights, bias) -> Perceptron:
    """The Perceptron lab's perceptron: the core's, or one deciding with the learner's rule."""
    rule = active("perceptron_output")
    return Perceptron(weights, bias) if rule is None else LearnersPerceptron(weights, bias, rule)
