"""The exercise checker's worker: runs a learner's code off the page's thread.

app.labs.exercises.runner starts this file in its own PyScript Web Worker (config
``worker.toml``: the local interpreter and the core) when the "Write it
yourself" page is first opened. Code that never ends blocks only this worker;
the page terminates it after a few seconds and starts a fresh one. It touches
no DOM, so it needs no cross-origin isolation. Answers cross as JSON text.
"""

import json

from nnfs.labs.exercises import catalogue as exercises
from nnfs.labs.exercises import marking


def run(key, code):
    return json.dumps(marking.run(str(key), str(code)))


def check(key, code):
    return json.dumps(marking.check(str(key), str(code)))


def warm(key):
    """Check exercise ``key``'s own solution, thrown away: the first check of an exercise
    pays for its modules' imports and numpy's first calls, so the page has this done while
    the learner reads (app.labs.exercises.runner.warm), and their first Check answers as
    fast as their second. Nothing is kept: marking is stateless."""
    marking.check(str(key), exercises.get(str(key)).solution)
    return str(key)


def memory():
    """Bytes of WebAssembly memory this worker's Pyodide holds (it only grows: also the peak)."""
    try:
        import pyodide_js

        return int(pyodide_js._module.HEAP8.length)
    except Exception:  # noqa: BLE001 - an internal API that may move
        return 0


def ping():
    """Answers once Python, numpy and the exercises are loaded (the page times the start)."""
    exercises.given("sgd")  # build the given functions now, not during the first check
    import numpy

    return numpy.__version__


__export__ = ["run", "check", "ping", "warm", "memory"]
