"""DOM helpers shared by every lab: elements, events, number fields, error reporting.

Everything a handler raises is caught here and shown in the page's error bar
(and the console), so the page never fails silently.
"""

from __future__ import annotations

import asyncio
import inspect
import traceback

from pyodide.ffi.wrappers import add_event_listener
from pyscript import document, window
from pyscript.ffi import is_none

from nnfs.settings.table import display_number, parse_number

_elements: dict[str, object] = {}


def by_id(element_id: str):
    """The element with this id (cached: each lookup crosses the Python-JS bridge)."""
    el = _elements.get(element_id)
    if el is None:
        el = document.getElementById(element_id)
        if is_none(el):  # Pyodide 0.29 gives JS null as jsnull, not None
            raise LookupError(f"no element with id {element_id!r} in index.html")
        _elements[element_id] = el
    return el


def forget(*prefixes: str) -> None:
    """Drop the cached elements whose ids start with one of ``prefixes``: a lab that rebuilds
    part of the page (new elements, the same ids) calls it, or ``by_id`` would keep giving
    the old, detached ones."""
    for element_id in [k for k in _elements if k.startswith(prefixes)]:
        del _elements[element_id]


def report_error(message: str, exc: BaseException | None = None) -> None:
    """Show an error in the page's error bar and log the traceback to the console."""
    if exc is not None:
        window.console.error("".join(traceback.format_exception(exc)))
    by_id("app-error-text").textContent = message
    by_id("app-error").hidden = False


def clear_error() -> None:
    by_id("app-error").hidden = True


def _report_failure(task: asyncio.Task) -> None:
    """Done-callback of every task the page starts: a failure is shown, never lost."""
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        report_error(f"{type(exc).__name__}: {exc}", exc)


def _guarded(handler):
    """Wrap an event handler (plain or async) so that its exceptions are reported."""

    def wrapper(event):
        try:
            result = handler(event)
            if inspect.isawaitable(result):
                spawn(result)
        except Exception as exc:  # noqa: BLE001 - shown to the user, not swallowed
            report_error(f"{type(exc).__name__}: {exc}", exc)

    return wrapper


def on(target, event: str, handler) -> None:
    """Call ``handler(event)`` on ``event``; ``target`` is an element or an element id."""
    el = by_id(target) if isinstance(target, str) else target
    add_event_listener(el, event, _guarded(handler))


def spawn(coro) -> asyncio.Task:
    """Run a coroutine in the page's event loop, reporting its failure in the page."""
    task = asyncio.ensure_future(coro)
    task.add_done_callback(_report_failure)
    return task


def set_text(element_id: str, text) -> None:
    by_id(element_id).textContent = str(text)


def set_html(element_id: str, html: str) -> None:
    by_id(element_id).innerHTML = html


class NumberField:
    """A number typed into a text box (optionally mirrored by a slider).

    A bad value (a letter, an empty box, ``1e999``, out of range) shows a
    message beside the field and keeps the last good value; ``on_change`` is
    called only with good values. Validation is the one number parser,
    ``nnfs.settings.table.parse_number`` (or ``setting.parse`` when a ``Setting``
    from a lab's table is given: then its label and limits are used).

    HTML it expects, for ``key``: ``<input type="text" id="KEY">``, optionally
    ``<input type="range" id="KEY-range">``, ``<output id="KEY-error">`` and a
    help text ``id="KEY-help"``, inside a ``.field`` element. A typed value
    beyond the slider's ends is kept, and the help text says the slider shows
    its nearest end (instead of clamping without a word).
    """

    def __init__(
        self,
        key: str,
        label: str,
        on_change=None,
        *,
        lo=None,
        hi=None,
        integer: bool = False,
        slider: bool | None = None,
        setting=None,
    ):
        self.key = key
        self.setting = setting
        self.label = label if setting is None else setting.label
        if setting is not None:
            lo, hi, integer = setting.lo, setting.hi, setting.kind == "int"
        self.lo, self.hi, self.integer = lo, hi, integer
        self.on_change = on_change
        self.input = by_id(key)
        self.error = by_id(f"{key}-error")
        found = document.getElementById(f"{key}-range") if slider is not False else None
        self.slider = None if is_none(found) else found
        help_el = document.getElementById(f"{key}-help")
        self.help = None if is_none(help_el) else help_el
        self.help_text = "" if self.help is None else str(self.help.textContent)
        self.value = self._parse(self.input.value)
        on(self.input, "input", self._typed)
        on(self.input, "change", self._committed)
        if self.slider is not None:
            on(self.slider, "input", self._slid)

    def _parse(self, text: str):
        if self.setting is not None:
            return self.setting.parse(text)
        return parse_number(text, self.label, self.lo, self.hi, integer=self.integer)

    def show_error(self, message: str) -> None:
        self.error.textContent = message
        self.input.setAttribute("aria-invalid", "true")
        self.input.parentElement.classList.add("invalid")

    def clear_error(self) -> None:
        self.error.textContent = ""
        self.input.removeAttribute("aria-invalid")
        self.input.parentElement.classList.remove("invalid")

    # The names the labs used before the lab base existed.
    _show_error, _clear_error = show_error, clear_error

    def _accept(self, value) -> None:
        self.value = value
        if self.on_change is not None:
            self.on_change(value)

    def _typed(self, _event) -> None:
        try:
            value = self._parse(self.input.value)
        except ValueError as e:
            self.show_error(f"{e} — keeping {self._format(self.value)}")
            return
        self.clear_error()
        self._to_slider(value)
        self._accept(value)

    def _committed(self, _event) -> None:
        # Leaving a field with a bad value: say so again (the value in use is unchanged).
        self._typed(_event)

    def _slid(self, _event) -> None:
        value = self._parse(self.slider.value)
        self.clear_error()
        self.input.value = self._format(value)
        self._to_slider(value)
        self._accept(value)

    def _to_slider(self, value) -> None:
        """Move the slider to ``value``; say so when it lies beyond the slider's ends."""
        if self.slider is None:
            return
        self.slider.value = str(value)
        lo, hi = float(self.slider.min), float(self.slider.max)
        beyond = not lo <= float(value) <= hi
        field = self.input.parentElement
        if beyond:
            field.setAttribute("data-beyond-slider", "true")
        else:
            field.removeAttribute("data-beyond-slider")
        if self.help is not None:
            note = (
                (
                    f" {self._format(value)} is beyond the slider ({display_number(lo)} to "
                    f"{display_number(hi)}), which shows its nearest end."
                )
                if beyond
                else ""
            )
            self.help.textContent = (self.help_text + note).strip()

    def _format(self, value) -> str:
        if self.setting is not None:
            return self.setting.format(value)
        return display_number(value, self.integer)

    def set(self, value, notify: bool = False) -> None:
        """Set the field from code (a preset, a learning step, a URL)."""
        self.clear_error()
        if self.setting is not None and self.setting.kind == "text":
            self.value = value  # a value with its own written form (hidden layers: a tuple)
        else:
            self.value = int(value) if self.integer else float(value)
        self.input.value = self._format(self.value)
        self._to_slider(self.value)
        if notify and self.on_change is not None:
            self.on_change(self.value)
