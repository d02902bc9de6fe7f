"""Run and Check of a "Write it yourself" exercise: what the checker worker calls.

``run(key, code)`` runs the learner's code and shows the exercise's examples with their
values; ``check(key, code)`` runs it, then the exercise's hidden check
(``nnfs.labs.exercises.catalogue``: the texts; ``checks``, ``network_checks``, ``conv_checks``: the checks).
Both return plain dicts (JSON for the page).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from nnfs.labs.exercises import checks
from nnfs.labs.exercises.catalogue import get, given
from nnfs.labs.exercises.learner_code import LearnerError, call, run_code

CHECK_SEED = 20240613  # a fixed seed: a failing case is the same every time the learner presses Check


def run(key: str, code: str) -> dict[str, Any]:
    """What the Run button shows: the code's printed output, then each example and its value."""
    exercise = get(key)
    ran = run_code(code, given(key))
    lines = [ran.output.rstrip()] if ran.output.strip() else []
    if ran.error:
        return {"ok": False, "output": "\n".join(lines), "error": ran.error}
    missing = [f for f in exercise.functions if not callable(ran.namespace.get(f))]
    if missing:
        return {
            "ok": False,
            "output": "\n".join(lines),
            "error": f"Your code does not define {', '.join(missing)} yet.",
        }
    from nnfs.labs.exercises.learner_code import learner_traceback

    ran.namespace.setdefault("np", np)
    for line in exercise.example:
        lines.append(">>> " + line)
        expr = line.split("#")[0].strip()
        try:
            if "=" in expr.split("(")[0]:  # an assignment sets up the example
                exec(expr, ran.namespace)  # noqa: S102
            else:
                value = eval(compile(expr, "<example>", "eval"), ran.namespace)  # noqa: S307
                lines.append(
                    checks.fmt(value)
                    if not isinstance(value, (list, tuple)) or not any(isinstance(v, (list, np.ndarray)) for v in value)
                    else _nested(value)
                )
        except Exception as exc:  # noqa: BLE001 - shown to the learner
            return {"ok": False, "output": "\n".join(lines), "error": learner_traceback(exc, code)}
    return {"ok": True, "output": "\n".join(lines), "error": ""}


def _nested(value: Iterable[Any]) -> str:
    """A pair of lists of arrays (backprop's, sgd_step's answer), one array per line."""
    out = []
    for i, part in enumerate(value):
        items = part if isinstance(part, (list, tuple)) else [part]
        for j, item in enumerate(items):
            out.append(f"[{i}][{j}] = {checks.fmt(np.asarray(item))}")
    return "\n".join(out)


# Exercises whose function has few inputs: a pass also records its answer for each of them,
# computed here in the checker's worker, so that a lab can use the learner's function from
# the table without ever running their code on the page's thread (where a loop would freeze it).
TABULATED = {"nand": "nand"}


def tabulate(fn: Callable[..., Any], code: str) -> dict[str, int]:
    """{"00": fn(0, 0), "01": ..., "11": ...} for a function of two bits (it passed its check)."""
    out = {}
    for x1, x2 in ((0, 0), (0, 1), (1, 0), (1, 1)):
        value = call(code, fn, (x1, x2), f"nand({x1}, {x2})", io.StringIO())
        out[f"{x1}{x2}"] = int(value)
    return out


def check(key: str, code: str, seed: int = CHECK_SEED) -> dict[str, Any]:
    """Run the learner's code, then the exercise's hidden check.

    ``{"passed": bool, "message": str, "output": printed text, "ms": time}``, and for a
    passing exercise in TABULATED, ``"table"``: the function's answer for every input."""
    t0 = time.perf_counter()
    exercise = get(key)
    ran = run_code(code, given(key))
    if ran.error:
        result = {
            "passed": False,
            "message": "Your code stopped with an error before it could be checked:\n\n" + ran.error,
        }
    else:
        ctx = checks.Context(code, ran, np.random.default_rng(seed))
        try:
            result = {"passed": True, "message": exercise.check(ctx)}
            if key in TABULATED:
                result["table"] = tabulate(ran.namespace[TABULATED[key]], code)
        except checks.Fail as fail:
            result = {"passed": False, "message": str(fail)}
        except LearnerError as exc:  # tabulate's calls: the same inputs as the check's, so rare
            result = {"passed": False, "message": exc.text}
        ran.output += ctx.output.getvalue()
    result["output"] = ran.output[:2000]
    result["ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return result
