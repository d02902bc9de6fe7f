"""Phones: a lab's picture stays at the top of the screen only while its own controls are there.

A picture that may be pinned names its controls in index.html: ``data-pin="CSS selector"`` (the
region is the box round every element the selector matches). On each scroll (once per frame),
resize and lab change, ``update`` measures the lab on screen and sets ``data-pinned`` on the one
picture ``app.ui.pin_rule.pinned`` chooses, and removes it from the others. The lab's CSS makes
``[data-pinned]`` sticky on small screens; on a wide screen nothing sticks and nothing is measured.
"""

from __future__ import annotations

from js import Object
from pyodide.ffi import create_proxy, to_js
from pyscript import document, window
from pyscript.ffi import is_none

from app.ui.pin_rule import pinned

SMALL_SCREEN = "(max-width: 800px)"  # the widest breakpoint of the labs' phone layouts


class _Pins:
    """The frame request pending, if any (one measurement per frame however many events)."""

    frame_pending = False
    any_pinned = False  # a picture carries data-pinned now
    small = None  # the MediaQueryList for SMALL_SCREEN
    proxies: list = []


def _region(selector: str) -> tuple[float, float] | None:
    """(top, bottom) of the box round every shown element ``selector`` matches, None if none."""
    tops, bottoms = [], []
    for el in document.querySelectorAll(selector):
        r = el.getBoundingClientRect()
        if r.height > 0:
            tops.append(float(r.top))
            bottoms.append(float(r.bottom))
    return (min(tops), max(bottoms)) if tops else None


def update(_event=None) -> None:
    """Pin the right picture of the lab on screen (or none); unpin everything elsewhere."""
    _Pins.frame_pending = False
    small = _Pins.small is not None and bool(_Pins.small.matches)
    if not small and not _Pins.any_pinned:
        return  # a wide screen with nothing pinned: no bridge calls on each scrolled frame
    pictures = list(document.querySelectorAll("section.lab [data-pin]"))
    chosen = None  # the index in ``pictures`` of the one to pin
    if small:
        candidates, boxes = [], []
        for i, pic in enumerate(pictures):
            if not is_none(pic.closest("section.lab[hidden]")):  # JS null is not None in Pyodide 0.29
                continue
            region = _region(str(pic.getAttribute("data-pin")))
            if region is None:
                continue
            candidates.append(i)
            boxes.append((float(pic.getBoundingClientRect().height), *region))
        viewport = window.visualViewport  # smaller than innerHeight while the keyboard is open
        height = float(window.innerHeight) if is_none(viewport) else float(viewport.height)
        index = pinned(boxes, height)
        chosen = candidates[index] if index is not None else None
    for i, pic in enumerate(pictures):
        if i == chosen:
            if not pic.hasAttribute("data-pinned"):
                pic.setAttribute("data-pinned", "")
        elif pic.hasAttribute("data-pinned"):
            pic.removeAttribute("data-pinned")
    _Pins.any_pinned = chosen is not None


def _soon(_event=None) -> None:
    if not _Pins.frame_pending:
        _Pins.frame_pending = True
        window.requestAnimationFrame(_Pins.proxies[0])


def start() -> None:
    """Listen to scrolling and resizing (passive: scrolling never waits for Python)."""
    _Pins.small = window.matchMedia(SMALL_SCREEN)
    _Pins.proxies = [create_proxy(update), create_proxy(_soon)]
    options = to_js({"passive": True}, dict_converter=Object.fromEntries)
    window.addEventListener("scroll", _Pins.proxies[1], options)
    window.addEventListener("resize", _Pins.proxies[1])
    if not is_none(window.visualViewport):
        window.visualViewport.addEventListener("resize", _Pins.proxies[1])
    update()
