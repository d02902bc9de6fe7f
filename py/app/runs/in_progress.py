"""A run in progress, kept in the browser as it trains and offered back after a reload;
and the question before leaving the page while one trains. Glue only.

The stored form and its checks are ``nnfs.runs.in_progress``'. A lab that trains
(Digits, the Playground) makes one ``Keeper`` beside its run history panel
(``app.runs.history_panel``); its ``build`` fills the ``<div data-resume="LAB">``
slot of index.html (beside the lab's Train button, where the learner looks) and
reads what a previous page left: a run that never ended is kept in "Your runs" as
"interrupted" with the curves it had, and the slot offers to continue it from its
weights, or to dismiss it. While a run trains, the lab calls ``save`` (at each
epoch's end, or throttled to every ``SAVE_EVERY`` seconds), and ``clear`` when
the run ends by itself or by the learner (its record is then kept as usual).

``busy(lab, True)`` while a lab's run is in progress: leaving or reloading the page
then asks first (``beforeunload``); the listener is there only while some lab is busy.

Storage that is full, refused or holds something unreadable gets a message in the
slot; the page works on without it. Test hooks: ``#PREFIX-resume`` data-state
("none", "offer"), data-epoch, data-run-id; ``html`` data-leave-guard ("on", "off").
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pyodide.ffi.wrappers import add_event_listener, remove_event_listener
from pyscript import document, window
from pyscript.ffi import is_none

from app.runs.history_panel import Panel, storage
from app.ui import dom
from nnfs.runs import in_progress as ip

STORAGE_PREFIX = "nnfs-run-in-progress-"
SAVE_EVERY = 2.0  # seconds between saves of a run that saves more often than at epochs' ends

_busy: set[str] = set()
_keepers: dict[str, Keeper] = {}


def keeper(lab: str) -> Keeper | None:
    """The Keeper of ``lab`` (None if it has none)."""
    return _keepers.get(lab)


def busy(lab: str, running: bool) -> None:
    """Lab ``lab`` has a run in progress (or no longer): leaving the page asks first while any has."""
    if running:
        _busy.add(lab)
    else:
        _busy.discard(lab)
    _guard(bool(_busy))


def _guard(on: bool) -> None:
    root = document.documentElement
    if on == (root.getAttribute("data-leave-guard") == "on"):
        return
    if on:
        add_event_listener(window, "beforeunload", _before_unload)
    else:
        remove_event_listener(window, "beforeunload", _before_unload)
    root.setAttribute("data-leave-guard", "on" if on else "off")


def _before_unload(event) -> None:
    """The browser asks "Leave site?" (its own words: browsers no longer show a page's text)."""
    event.preventDefault()
    event.returnValue = "A network is training: leaving stops it (its last saved epoch is kept in this browser)."


class Keeper:
    """One lab's run in progress in the browser's storage, and the offer to continue it."""

    def __init__(self, prefix: str, lab: str, panel: Panel):
        self.prefix, self.lab, self.panel = prefix, lab, panel
        self.id = f"{prefix}-resume"
        self.key = STORAGE_PREFIX + lab
        self.pending: ip.SavedRun | None = None  # the interrupted run on offer
        self.last_save = 0.0
        self.refused = False  # storage refused a save: said once per run
        _keepers[lab] = self

    # -------------------------------------------------------------- set-up
    def build(self, on_continue: Callable[[ip.SavedRun], object], describe: Callable[[ip.SavedRun], str]) -> None:
        """Fill the slot; keep and offer a run a previous page left (``describe(saved)``: what
        it was and what Continue will do, in the lab's words; ``on_continue(saved)``: do it)."""
        p = self.id
        slot = document.querySelector(f'[data-resume="{self.lab}"]')
        slot.innerHTML = f"""
<div class="resume" id="{p}" data-state="none">
  <div class="resume-offer" id="{p}-offer" hidden>
    <p id="{p}-text"></p>
    <div class="buttons">
      <button type="button" class="btn primary" id="{p}-continue">Continue training</button>
      <button type="button" class="btn" id="{p}-dismiss">Dismiss</button>
    </div>
  </div>
  <p id="{p}-message" class="message" role="status" aria-live="polite"></p>
</div>"""
        self.on_continue, self.describe = on_continue, describe
        dom.on(f"{p}-continue", "click", self._continue_clicked)
        dom.on(f"{p}-dismiss", "click", lambda _e: self.dismiss("Dismissed: the interrupted run stays in “Your runs”."))
        self.check()

    def check(self) -> None:
        """A run a previous page left: keep its record (once: a second reload updates it) and offer it."""
        store = storage()
        if store is None:
            return
        text = store.getItem(self.key)
        if text is None or is_none(text):
            return
        try:
            saved = ip.read(str(text), self.lab)
        except ValueError as e:
            store.removeItem(self.key)
            self.say(
                f"A run in progress kept in this browser could not be read ({e}); it was discarded.",
                "bad",
            )
            return
        kept = self.panel.keep_as(saved.run_id, saved.record)
        saved.run_id, saved.record = kept.id, kept
        self._write(saved)  # with its run id: a reload before Continue does not keep it twice
        self.offer(saved)

    def offer(self, saved: ip.SavedRun) -> None:
        self.pending = saved
        root = dom.by_id(self.id)
        dom.set_text(f"{self.id}-text", self.describe(saved))
        dom.by_id(f"{self.id}-offer").hidden = False
        root.setAttribute("data-state", "offer")
        root.setAttribute("data-epoch", str(saved.epoch))
        root.setAttribute("data-run-id", str(saved.run_id))

    def _continue_clicked(self, _event) -> object:
        saved = self.pending
        if saved is None:
            return None
        self.hide_offer()
        self.say("")
        return self.on_continue(saved)

    def hide_offer(self) -> None:
        self.pending = None
        dom.by_id(f"{self.id}-offer").hidden = True
        dom.by_id(self.id).setAttribute("data-state", "none")

    def dismiss(self, text: str = "") -> None:
        """Forget the run on offer (its record stays in the history)."""
        if self.pending is None:
            return
        self.hide_offer()
        self.clear()
        self.say(text)

    # -------------------------------------------------------------- saving
    def due(self) -> bool:
        """Has ``SAVE_EVERY`` passed since the last save? (for labs that could save at every frame)"""
        return time.monotonic() - self.last_save >= SAVE_EVERY

    def start(self) -> None:
        """A new run begins: a run on offer is given up (its record stays), storage gets another chance."""
        self.dismiss()
        self.refused = False

    def save(self, saved: ip.SavedRun) -> bool:
        """Keep the run as it stands now; False (and a message, once a run) when the browser refuses."""
        self.last_save = time.monotonic()
        if ip.weight_chars(saved.sizes) > ip.MAX_WEIGHT_CHARS:
            mb = ip.weight_chars(saved.sizes) / 1e6
            return self._refused(
                f"This network is too big to keep in the browser's storage ({mb:.1f} MB of weights): "
                "if the page is reloaded, this run is lost. Save the network (Models) to keep it."
            )
        return self._write(saved)

    def _write(self, saved: ip.SavedRun) -> bool:
        store = storage()
        if store is None:
            return self._refused("This browser keeps no storage for this page: a reload would lose this run.")
        try:
            store.setItem(self.key, saved.to_json())
        except Exception:  # noqa: BLE001 - QuotaExceededError or a refusal: said where the learner looks
            return self._refused(
                "The browser's storage for this page is full: this run's latest weights cannot be kept, "
                "so a reload would lose them. Drop or export some runs to make room."
            )
        return True

    def _refused(self, text: str) -> bool:
        if not self.refused:
            self.refused = True
            self.say(text, "bad")
        return False

    def clear(self) -> None:
        """The run ended (or was given up): nothing in progress is kept any more."""
        store = storage()
        if store is not None:
            store.removeItem(self.key)

    def say(self, text: str, kind: str = "") -> None:
        el = dom.by_id(f"{self.id}-message")
        el.className = f"message {kind}".strip()
        el.textContent = text
