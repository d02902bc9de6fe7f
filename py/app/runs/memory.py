"""How much WebAssembly memory each interpreter of the tab holds: for benchmarks and the curious.

The page, the training worker and the exercises' checker each run their own Pyodide, each
with one WebAssembly memory that grows and never shrinks, so its size now is also its peak.
``install()`` puts ``window.nnfsMemory()`` on the page: a promise of JSON text
``{"page": bytes, "<worker name>": bytes, ...}`` for the page's interpreter and every named
PyScript worker that exports ``memory`` (py/worker/trainer.py, py/worker/checker.py).
bench/memory_steps.py calls it after each step of its sequence.
"""

from __future__ import annotations

import asyncio
import json

import js
from pyodide.ffi import create_proxy
from pyscript import document


def wasm_memory() -> int:
    """Bytes of WebAssembly memory this (the page's) interpreter holds now."""
    try:
        import pyodide_js  # the Pyodide API object, available inside Pyodide

        return int(pyodide_js._module.HEAP8.length)
    except Exception:  # noqa: BLE001 - a missing internal API just hides the figure
        return 0


async def sizes() -> str:
    """JSON: the page's and each running worker's WebAssembly memory, bytes."""
    from pyscript import workers

    out = {"page": wasm_memory()}
    for el in document.querySelectorAll("script[name]"):
        name = str(el.getAttribute("name"))
        try:
            proxy = await workers[name]
            out[name] = int(await proxy.memory())
        except Exception:  # noqa: BLE001 - a worker without the call, or gone
            out[name] = -1
    return json.dumps(out)


def install() -> None:
    """``window.nnfsMemory()``: a promise of ``sizes()`` (Pyodide turns the future into one)."""
    js.window.nnfsMemory = create_proxy(lambda *_a: asyncio.ensure_future(sizes()))
