"""The app's entry point: start every lab, route between them, say when ready.

Each lab is a package ``app/labs/NAME/`` that declares itself (``app.shell.registry``)
and a ``<section class="lab" data-lab="NAME">`` in index.html; its ``app.labs.NAME.lab``
module has ``setup()`` (bind controls, once) and
``show(link)`` (draw; ``link`` is the rest of the URL hash after
``#NAME/``), and may have ``hide()``. The URL hash names the lab, so the back
button, reloads and shared links work.

Start-up is kept close to the runtime's own floor (bench/startup.py measures it):
only the lab on screen is imported and set up before ``<html data-ready="true">``;
the others follow, one per turn of the event loop, right after. A lab opened
before its turn is set up on the spot (a few ms), so opening one stays instant.
Each lab's set-up is marked in the browser's performance timeline
(``nnfs:setup:NAME``) for the profile.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import time
from dataclasses import dataclass, field

from pyscript import document, window

window.performance.mark("nnfs:main")  # Python runs the entry point (bench/startup.py --profile)

import numpy as np  # noqa: E402 - after the mark: numpy's import is part of what is measured

window.performance.mark("nnfs:numpy")  # the bare page's floor imports numpy too; the rest is the app's

from pyodide.ffi import create_proxy  # noqa: E402

from app.runs import chart as runs_chart  # noqa: E402
from app.runs import memory as runs_memory  # noqa: E402
from app.shell import offline, registry  # noqa: E402
from app.ui import dom, pin  # noqa: E402
from app.ui.canvas import Layout  # noqa: E402
from nnfs.maths.selfcheck import parity_workload  # noqa: E402

window.performance.mark("nnfs:imported")
_t0 = time.perf_counter()


@dataclass
class ShellState:
    """What the shell remembers between events (as a lab's state: changed, never rebound)."""

    labs: dict[str, object] = field(default_factory=dict)  # lab name -> module, once set up
    sections: dict[str, object] = field(default_factory=dict)  # lab name -> its <section>
    modules: dict[str, str] = field(default_factory=dict)  # lab name -> its module's name, for the labs not set up yet
    background: asyncio.Task | None = None  # the task setting up the labs not on screen (a reference keeps it alive)
    current: str | None = None  # the lab on screen
    width: float = 0.0  # the window's width when the lab on screen last drew
    redraw: asyncio.TimerHandle | None = None  # a redraw waiting for a resize to settle


state = ShellState()


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


def set_up(name: str) -> None:
    """Import and set up one lab (once); a broken lab is reported and the others go on."""
    module_name = state.modules.pop(name, None)
    if module_name is None:
        return
    try:
        module = importlib.import_module(module_name)
        module.setup()
        state.labs[name] = module
    except Exception as exc:  # noqa: BLE001 - one broken lab must not take the others down
        dom.report_error(f"The {name} lab could not start: {type(exc).__name__}: {exc}", exc)
    window.performance.mark(f"nnfs:setup:{name}")


async def set_up_the_rest() -> None:
    """The labs not on screen, after the page is ready: one per turn, so a click in between
    is answered at once (and sets up the lab it opens itself, through route)."""
    for name in list(state.modules):
        await asyncio.sleep(0)
        set_up(name)
    document.documentElement.dataset.labsReady = "true"
    runs_memory.install()  # window.nnfsMemory(): each interpreter's memory (bench/memory_steps.py)
    offline.start()  # then keep the app for offline use (or look for a new version)


def show_in_row(link) -> None:
    """On a phone the nav is one row that scrolls sideways (static/css/app.css): the current
    lab's link, or the one Tab reached, is scrolled to the row's middle when any of it is out
    of view (the browser leaves a link half out on focus). Only the row scrolls, never the
    page (``scrollIntoView`` would also bring the header back into view)."""
    row = link.closest("#nav")
    if row is None or row.scrollWidth <= row.clientWidth:
        return
    r, box = link.getBoundingClientRect(), row.getBoundingClientRect()
    if r.left < box.left or r.right > box.right:
        row.scrollLeft += (r.left + r.width / 2) - (box.left + box.width / 2)


def route(_event=None) -> None:
    name, rest = split_hash(str(window.location.hash))
    if name not in state.sections:
        name, rest = "intro", ""
    set_up(name)
    if state.current and state.current != name and hasattr(state.labs.get(state.current), "hide"):
        state.labs[state.current].hide()
    for lab_name, section in state.sections.items():
        section.hidden = lab_name != name
    Layout.changed()  # the lab's canvases now have a displayed size: its drawing measures it
    for link in document.querySelectorAll("#nav a"):
        if link.getAttribute("data-lab") == name:
            link.setAttribute("aria-current", "page")
            show_in_row(link)
        else:
            link.removeAttribute("aria-current")
    changed = state.current != name
    first_load = state.current is None  # the page just opened: focus stays where the browser put it
    state.current = name
    module = state.labs.get(name)
    if module is not None and hasattr(module, "show"):
        draw(name, module, rest)  # the rest of the address after #NAME/
    if changed:
        if not first_load:
            focus_heading(state.sections[name])
        document.documentElement.dataset.lab = name
    pin.update()  # which picture of the lab now on screen may stay at the top of a phone's screen


def draw(name: str, module, link: str) -> None:
    """The lab's ``show(link)``, then its charts drawn while it was hidden, at their real size."""
    try:
        module.show(link)
        runs_chart.redraw_shown()
    except Exception as exc:  # noqa: BLE001 - reported in the page
        dom.report_error(f"The {name} lab failed to draw: {exc}", exc)


def resized(_event=None) -> None:
    """A new window width (a phone turned, a window dragged) displays every canvas at a new
    scale, so the lab on screen draws again (``redraw``) once the resizing settles and its
    canvas text stays readable (app.ui.canvas). A height-only change (a phone's address bar,
    its keyboard) draws nothing."""
    width = float(window.innerWidth)
    if width == state.width:
        return
    state.width = width
    if state.redraw is not None:
        state.redraw.cancel()
    state.redraw = asyncio.get_event_loop().call_later(0.2, redraw)


def redraw() -> None:
    """Draw the lab on screen again from the settings it shows — never from the address: a write
    of the address may still be pending (app.shell.lab writes at most one per 0.5 s), and reading
    a stale one would undo what the learner has just typed."""
    state.redraw = None
    module = state.labs.get(state.current)
    lab = getattr(module, "lab", None)
    if module is None or lab is None or not hasattr(module, "show"):
        return
    Layout.changed()
    draw(str(state.current), module, lab.table.to_hash(lab.values))
    pin.update()


def start() -> None:
    for section in document.querySelectorAll("section.lab"):
        name = section.getAttribute("data-lab")
        state.sections[name] = section
    for lab in registry.declared():
        state.modules[lab.name] = lab.module
    dom.on("app-error-close", "click", lambda e: dom.clear_error())
    window.addEventListener("hashchange", create_proxy(route))
    state.width = float(window.innerWidth)
    window.addEventListener("resize", create_proxy(resized))
    pin.start()
    # Tab, not a press: scrolling under a pointer between its down and up would lose the click.
    dom.on("nav", "focusin", lambda e: e.target.matches(":focus-visible") and show_in_row(e.target))
    # Test hook: the parity test compares this with CPython's result for the same seed.
    window.nnfsParity = create_proxy(lambda seed: json.dumps(parity_workload(int(seed))))
    window.performance.mark("nnfs:labs-declared")
    route()  # sets up the lab on screen, if any
    elapsed = time.perf_counter() - _t0
    dom.set_text(
        "runtime-info",
        f"Python {sys.version.split()[0]} (Pyodide), numpy {np.__version__}; "
        f"the page was ready {elapsed * 1000:.0f} ms after Python was.",
    )
    dom.by_id("boot").hidden = True
    dom.by_id("fatal").hidden = True  # a start-up hiccup the watchdog saw did not stop Python after all
    document.documentElement.dataset.ready = "true"
    state.background = dom.spawn(set_up_the_rest())


start()
