"""The one lab shape in the glue: controls from a settings table, state, status, URL, test hooks, run loop.

A lab module declares its settings once (an ``nnfs.settings.table.Table``) and makes
a ``Lab`` from it::

    TABLE = Table("sg", [Setting("w", "weight w", 1.0, lo=-10, hi=10, slider=(-10, 10, 0.1)), ...])
    lab = Lab("sigmoid", TABLE, on_change=lambda name, value: draw())

    def setup():
        lab.build()                 # make the controls, bind them
    def show(link):
        lab.show(link)              # read the link's settings (if any), then draw
        draw()
    def hide():
        lab.hide()

What it gives:

* **Controls from the table.** ``build()`` replaces every ``<div
  data-setting="NAME"></div>`` in the lab's section with the control for that
  setting: a labelled text box (``#PREFIX-NAME``) with its slider
  (``#PREFIX-NAME-range``), its message (``#PREFIX-NAME-error``) and its help
  text (``#PREFIX-NAME-help``, tied to the box by ``aria-describedby``), a
  ``<select>`` for a choice, or a text box for a "text" setting (read by its
  own ``parse_text``). "bool" settings are bound by the lab itself (e.g.
  toggle buttons) and kept in ``values`` all the same.
* **State.** ``values`` (name -> value) is the lab's settings; controls update it
  and call ``on_change(name, value)``; ``set(**values)`` changes it from code.
  Everything else the lab remembers between events (its canvases, a learner, a
  run in progress, caches) is one object the lab declares, a dataclass
  instance passed as ``Lab(..., state=...)`` and kept in ``lab.state``: its
  modules read and change its attributes (no module global is rebound with
  ``global``), and the DOM only shows it. One style for every lab::

      @dataclass
      class PerceptronState:
          canvas: Canvas | None = None
          learner: PerceptronLearner | None = None

      state = PerceptronState()
      lab = Lab("perceptron", TABLE, on_change=changed, state=state)
* **URL.** ``sync_url()`` writes the values that differ from the defaults into
  the address with ``history.replaceState`` (no history entry per keystroke,
  no hashchange); ``show(link)`` reads a link and shows each bad value beside
  its field, "(in the link)", keeping the value in use.
* **Status line.** ``status(text, kind)`` writes ``#PREFIX-status``, the lab's
  one live region (role="status"): screen readers hear what happened, not
  every number that moved.
* **Test hooks.** ``publish(element, **data)`` is the one way to write
  ``data-*`` attributes for the e2e tests.
* **Run loop.** ``loop(step, draw)`` makes a ``RunLoop`` (play, pause, step,
  reset; steps per second or as fast as it goes) whose failures are shown in
  the page.
"""

from __future__ import annotations

import asyncio
import time
from html import escape

from pyscript import document, window
from pyscript.ffi import is_none

from app.shell.runloop import RunLoop
from app.ui import dom
from nnfs.settings.table import Setting, Table, display_number

URL_INTERVAL = 0.1  # seconds between two writes of the address (see Lab.sync_url)


def field_html(setting: Setting, element_id: str, part_of: str = "") -> str:
    """The control block for one number/int/choice/text setting (see the module docstring).

    ``part_of``: the block edits part of another setting (one hidden layer's size of
    the Playground's "layers"); its input and slider say so with ``data-part-of``."""
    s, i = setting, element_id
    part = f' data-part-of="{escape(part_of)}"' if part_of else ""
    label = escape(s.label) + (f" ({escape(s.unit)})" if s.unit else "")
    help_text = s.help
    if s.slider is not None and (s.lo, s.hi) != tuple(s.slider[:2]) and s.lo is not None and s.hi is not None:
        # The slider covers less than a typed value may: say so once, from the table's own limits.
        help_text = (
            help_text + f" Typed: {display_number(s.lo)} to {display_number(s.hi)}; "
            f"the slider: {display_number(s.slider[0])} to {display_number(s.slider[1])}."
        ).strip()
    described = f"{i}-help {i}-error" if help_text else f"{i}-error"
    parts = [f'<div class="field" id="{i}-field" data-setting="{s.name}">', f'<label for="{i}">{label}</label>']
    if s.kind == "choice":
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if v == s.default else ""}>{escape(t)}</option>'
            for v, t in s.choices
        )
        parts.append(f'<select id="{i}" aria-describedby="{described}">{options}</select>')
    elif s.kind == "text":
        parts.append(
            f'<input type="text" id="{i}" value="{escape(s.format(s.default))}" '
            f'autocomplete="off" spellcheck="false" aria-describedby="{described}"{part}>'
        )
    else:
        mode = {"int": ' inputmode="numeric"', "number": ' inputmode="decimal"'}.get(s.kind, "")
        parts.append(
            f'<input type="text" id="{i}" value="{escape(s.format(s.default))}"'
            f'{mode} autocomplete="off" aria-describedby="{described}"{part}>'
        )
        if s.slider is not None:
            lo, hi, step = s.slider
            parts.append(
                f'<input type="range" id="{i}-range" min="{display_number(lo)}" '
                f'max="{display_number(hi)}" step="{display_number(step)}" '
                f'value="{escape(s.format(s.default))}" aria-label="{escape(s.label)} slider"{part}>'
            )
    parts.append(f'<output id="{i}-error" class="field-error" aria-live="polite"></output>')
    if help_text:
        parts.append(f'<p id="{i}-help" class="field-help">{escape(help_text)}</p>')
    parts.append("</div>")
    return "".join(parts)


class ChoiceField:
    """A ``<select>`` bound to a choice setting (same shape as ``dom.NumberField``)."""

    def __init__(self, element_id: str, setting: Setting, on_change):
        self.setting, self.on_change = setting, on_change
        self.input = dom.by_id(element_id)
        self.error = dom.by_id(f"{element_id}-error")
        self.value = setting.parse(str(self.input.value))
        dom.on(self.input, "change", self._changed)

    def _changed(self, _event) -> None:
        self.clear_error()
        self.value = self.setting.parse(str(self.input.value))
        self.on_change(self.value)

    def set(self, value, notify: bool = False) -> None:
        self.clear_error()
        self.value = value
        self.input.value = value
        if notify:
            self.on_change(value)

    def show_error(self, message: str) -> None:
        self.error.textContent = message
        self.input.setAttribute("aria-invalid", "true")

    def clear_error(self) -> None:
        self.error.textContent = ""
        self.input.removeAttribute("aria-invalid")

    def _format(self, value) -> str:
        return self.setting.format(value)


class TextField(ChoiceField):
    """A text box bound to a "text" setting (its own written form, e.g. layers ``4,4``).

    Checked as it is typed, like a number field: a bad value shows the setting's
    message beside the box and keeps the last good value."""

    def __init__(self, element_id: str, setting: Setting, on_change):
        super().__init__(element_id, setting, on_change)
        dom.on(self.input, "input", self._changed)

    def _changed(self, _event) -> None:
        try:
            value = self.setting.parse(str(self.input.value))
        except ValueError as e:
            self.show_error(f"{e} — keeping {self._format(self.value)}")
            return
        self.clear_error()
        if value != self.value:
            self.value = value
            self.on_change(value)

    def set(self, value, notify: bool = False) -> None:
        self.clear_error()
        self.value = value
        self.input.value = self._format(value)
        if notify:
            self.on_change(value)


class Lab:
    """State, controls, status line, URL and test hooks of one lab (see the module docstring)."""

    def __init__(self, name: str, table: Table, on_change=None, state=None):
        self.name, self.table = name, table
        self.on_change = on_change
        self.values = table.defaults()
        self.state = state  # the lab's memory besides its settings (see the module docstring)
        self.fields: dict = {}
        self.visible = False
        self._link_errors: set = set()
        self._link_status = False  # the status line shows a link's problems
        self._last_write = -URL_INTERVAL  # when sync_url last wrote the address
        self._pending = False  # a write is scheduled
        self._address = None  # the address as this lab last read or wrote it

    # --- controls -------------------------------------------------------------------
    def build(self) -> "Lab":
        """Make and bind every control of the table (call once, from the lab's ``setup``)."""
        section = dom.by_id(f"lab-{self.name}")
        for setting in self.table:
            if setting.kind == "bool":
                continue
            element_id = self.table.element_id(setting.name)
            slot = section.querySelector(f'[data-setting="{setting.name}"]')
            if not is_none(slot) and is_none(document.getElementById(element_id)):
                slot.outerHTML = field_html(setting, element_id)
            handler = self._handler(setting.name)
            if setting.kind == "choice":
                self.fields[setting.name] = ChoiceField(element_id, setting, handler)
            elif setting.kind == "text":
                self.fields[setting.name] = TextField(element_id, setting, handler)
            else:
                self.fields[setting.name] = dom.NumberField(element_id, setting.label, handler, setting=setting)
        return self

    def _handler(self, name: str):
        def changed(value) -> None:
            self.values[name] = value
            self.sync_url()
            if self.on_change is not None:
                self.on_change(name, value)

        return changed

    def set(self, **values) -> None:
        """Change values from code (a preset, a learning step, a link): controls follow, no on_change."""
        for name, value in values.items():
            self.table[name]  # an unknown name is a bug in the lab: fail loudly
            self.values[name] = value
            if name in self.fields:
                self.fields[name].set(value)
        self.sync_url()

    def __getitem__(self, name: str):
        return self.values[name]

    # --- status line and test hooks -------------------------------------------------
    def status(self, text: str, kind: str = "") -> None:
        """The lab's status line (``#PREFIX-status``, role="status"); kind: "", "good", "bad"."""
        el = dom.by_id(f"{self.table.prefix}-status")
        if not text and self._link_status:
            return  # "nothing to say" does not wipe what the link got wrong; show() does
        self._link_status = text.startswith("In the link: ")
        if str(el.textContent) != text:
            el.textContent = text
        el.className = f"lab-status {kind}".strip()

    @property
    def link_problem(self) -> bool:
        """The status line shows what a link got wrong (a lab's own message can wait)."""
        return self._link_status

    @staticmethod
    def publish(element, **data) -> None:
        """Write ``data-*`` attributes for the tests: ``publish(el, probe_x=...)`` sets
        ``data-probe-x``. Floats are written exactly (repr); None as "none"."""
        el = dom.by_id(element) if isinstance(element, str) else element
        for key, value in data.items():
            if value is None:
                text = "none"
            elif isinstance(value, float):
                text = repr(value)
            else:
                text = str(value)
            el.setAttribute("data-" + key.replace("_", "-"), text)

    # --- the address ----------------------------------------------------------------
    def sync_url(self) -> None:
        """Keep the address equal to what the lab shows (only while it is shown).

        At most one write per ``URL_INTERVAL`` seconds, and the last one always
        happens: Chromium ignores (with a console warning) more than 200
        replaceState calls in 10 s, which a dragged slider or a fast run exceeds.
        """
        if not self.visible or self._navigated():
            return
        now = time.monotonic()
        wait = self._last_write + URL_INTERVAL - now
        if wait > 0:
            if not self._pending:
                self._pending = True
                asyncio.get_event_loop().call_later(wait, self._flush)
            return
        self._last_write = now
        self._write_url()

    def _flush(self) -> None:
        self._pending = False
        self.sync_url()

    def _navigated(self) -> bool:
        """The address changed under us (a pasted link, Back) and its hashchange has not reached
        show() yet. Writing now, at once or from a pending write, would replace the new link
        unread; show() brings the address in step instead."""
        return self._address is not None and str(window.location.hash) != self._address

    def _write_url(self) -> None:
        state = self.table.to_hash(self.values)
        new = f"#{self.name}/{state}" if state else f"#{self.name}"
        if str(window.location.hash) != new:
            # replaceState changes the address without a hashchange (no re-route, no history spam).
            window.history.replaceState(None, "", new)
        self._address = new

    def show(self, link: str) -> bool:
        """The lab is shown; ``link`` is the address after ``#NAME/``. True when
        a link (not written by the lab itself) was read.

        A link the lab did not write itself sets every setting: the ones it
        names to its values, the rest to their defaults. A bad value keeps the
        value in use and its field says why, "(in the link)"; a part that
        names no setting is reported in the status line.
        """
        self.visible = True
        self._address = str(window.location.hash)
        # Compared with what the lab shows, not with its last write: a write may be
        # pending or skipped (a newer link came first), so the last one can be stale.
        read = bool(link) and link != self.table.to_hash(self.values)
        if read:
            values, problems = self.table.from_hash(link)
            bad = {name for name, _ in problems if name is not None}
            fresh = {k: v for k, v in self.table.defaults().items() if k not in bad}
            fresh.update(values)
            self._clear_link_errors()
            self.set(**fresh)
            others = []
            for name, message in problems:
                field = self.fields.get(name)
                if field is None:
                    others.append(message)
                    continue
                field.show_error(f"{message} (in the link) — keeping {field._format(field.value)}")
                self._link_errors.add(name)
            if others:
                self.status("In the link: " + "; ".join(others) + ".", "bad")
        if not (read and others) and self._link_status:
            self._link_status = False
            self.status("")  # an earlier link's complaint: the address no longer holds it
        self.sync_url()
        return read

    def _clear_link_errors(self) -> None:
        for name in self._link_errors:
            field = self.fields[name]
            if "(in the link)" in str(field.error.textContent):
                field.clear_error()
        self._link_errors.clear()

    def hide(self) -> None:
        self.visible = False

    # --- running ----------------------------------------------------------------------
    @staticmethod
    def loop(step, draw=None, on_change=None, **kw) -> RunLoop:
        """A ``RunLoop`` whose failures are reported in the page (see ``app.shell.runloop``)."""
        return RunLoop(step, draw, on_change, spawn=dom.spawn, **kw)
