"""The app's entry point: start every lab, route between them, say when ready.

Each lab is a ``<section class="lab" data-lab="NAME" data-module="app.MODULE">``
in index.html; the module has ``setup()`` (bind controls, once) and
``show(state)`` (draw; ``state`` is the rest of the URL hash after
``#NAME/``), and may have ``hide()``. The URL hash names the lab, so the back
button, reloads and shared links work.
"""

from __future__ import annotations

import importlib
import json
import sys
import time

import numpy as np
from pyodide.ffi import create_proxy
from pyscript import document, window

from app import dom
from nnfs.selfcheck import parity_workload

_t0 = time.perf_counter()
labs: dict[str, object] = {}  # lab name -> module
sections: dict[str, object] = {}
current: str | None = None


def split_hash(hash_: str) -> tuple[str, str]:
    """'#playground/data=xor' -> ('playground', 'data=xor')."""
    text = hash_.lstrip("#")
    name, _, rest = text.partition("/")
    return name, rest


def focus_heading(section) -> None:
    """Move keyboard and screen-reader focus to a lab's heading (made focusable by script
    only, tabindex=-1, so Tab order is unchanged): after a navigation the user is at the
    start of what they asked for, not left on a link in a list they have just used."""
    heading = section.querySelector("h2")
    if heading is None:
        return
    if not heading.hasAttribute("tabindex"):
        heading.setAttribute("tabindex", "-1")
    heading.focus()


def route(_event=None) -> None:
    global current
    name, state = split_hash(str(window.location.hash))
    if name not in sections:
        name, state = "intro", ""
    if current and current != name and hasattr(labs.get(current), "hide"):
        labs[current].hide()
    for lab_name, section in sections.items():
        section.hidden = lab_name != name
    for link in document.querySelectorAll("#nav a"):
        if link.getAttribute("data-lab") == name:
            link.setAttribute("aria-current", "page")
        else:
            link.removeAttribute("aria-current")
    changed = current != name
    first_load = current is None  # the page just opened: focus stays where the browser put it
    current = name
    module = labs.get(name)
    if module is not None and hasattr(module, "show"):
        try:
            module.show(state)
        except Exception as exc:  # noqa: BLE001 - reported in the page
            dom.report_error(f"The {name} lab failed to draw: {exc}", exc)
    if changed:
        if not first_load:
            focus_heading(sections[name])
        document.documentElement.dataset.lab = name


def start() -> None:
    for section in document.querySelectorAll("section.lab"):
        name = section.getAttribute("data-lab")
        sections[name] = section
        module_name = section.getAttribute("data-module")
        if not module_name:
            continue
        try:
            module = importlib.import_module(module_name)
            module.setup()
            labs[name] = module
        except Exception as exc:  # noqa: BLE001 - one broken lab must not take the others down
            dom.report_error(f"The {name} lab could not start: {type(exc).__name__}: {exc}", exc)
    dom.on("app-error-close", "click", lambda e: dom.clear_error())
    window.addEventListener("hashchange", create_proxy(route))
    # Test hook: the parity test compares this with CPython's result for the same seed.
    window.nnfsParity = create_proxy(lambda seed: json.dumps(parity_workload(int(seed))))
    route()
    elapsed = time.perf_counter() - _t0
    dom.set_text(
        "runtime-info",
        f"Python {sys.version.split()[0]} (Pyodide), numpy {np.__version__}; "
        f"labs started in {elapsed * 1000:.0f} ms after Python was ready.",
    )
    dom.by_id("boot").hidden = True
    dom.by_id("fatal").hidden = True  # a start-up hiccup the watchdog saw did not stop Python after all
    document.documentElement.dataset.ready = "true"


start()
