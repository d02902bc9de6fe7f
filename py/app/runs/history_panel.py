"""The run history under a lab's curves: runs kept, pinned, overlaid, renamed, dropped, rerun, saved. Glue only.

The records and the file format are ``nnfs.runs.history``; the overlay is
``app.runs.chart``. A lab makes one ``Panel`` in its ``setup`` (it fills the
``<div data-runs="LAB">`` slot of index.html) and, at the end of every run
(finished, paused or stopped by a problem), calls ``keep(LAB, record, key)``:
``key`` names the run in the lab (a run that goes on after Pause updates its
record instead of adding another). Its Rerun is ``rerun(lab, record, then)``, the
same for every lab.

The history lives in the browser's storage (``localStorage``, one key per lab)
and survives a reload; storage that is full, disabled or holds something
unreadable gets a message in the panel, and the page works on without it.

Test hooks: the panel (``#PREFIX-runs``) has data-count, data-pinned (JSON
list of ids) and data-stored ("yes", "no": not saved, "empty"); each row
``data-run-id`` and ``data-last`` (JSON: the last value of each curve); the
charts' canvases ``data-series`` (``app.runs.chart``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from html import escape
from typing import Any

from pyscript import document
from pyscript.ffi import is_none

from app.runs import chart as runs_chart
from app.runs import chart_view as runs_view
from app.ui import dom, files
from app.ui.canvas import Canvas
from nnfs.runs import history as rh
from nnfs.runs.checks import MAX_CHARS, MAX_NAME

STORAGE_PREFIX = "nnfs-runs-"
MAX_FILE_BYTES = MAX_CHARS * 4  # UTF-8 may use up to 4 bytes per character

_panels: dict[str, Panel] = {}


def keep(lab: str, record: rh.RunRecord, key: Any = None) -> rh.RunRecord | None:
    """Keep a run of ``lab`` in its panel (None if the lab has no panel)."""
    panel = _panels.get(lab)
    return None if panel is None else panel.keep(record, key)


def rerun(lab, record: rh.RunRecord, then: Callable[[], None]) -> str | None:
    """Put a kept run's settings back into ``lab``'s controls (an ``app.shell.lab.Lab``), its
    seeds too, so the same data and initial weights come back; then ``then()``: the lab
    makes its run of them. None, or what is wrong (a setting its table refuses now).

    The settings go through the lab's own link reader, as a link would: a record is
    checked as strictly as an address typed by hand."""
    values, problems = lab.table.from_hash(lab.table.link_of(record.settings))
    if problems:
        return "; ".join(message for _, message in problems)
    lab.set(**values)
    then()
    return None


def storage():
    """The browser's localStorage, or None when the browser refuses it (disabled, sandboxed)."""
    try:
        from js import localStorage

        localStorage.length  # noqa: B018 - touching it is what throws when storage is off
        return localStorage
    except Exception:  # noqa: BLE001 - any refusal means: no storage
        return None


class Panel:
    """One lab's run history panel (see the module docstring)."""

    def __init__(
        self,
        prefix: str,
        lab: str,
        sets: dict[str, str],
        rerun: Callable[[rh.RunRecord], str | None],
        defaults: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None,
    ):
        """``prefix``: the element ids' prefix ("pg"); ``sets``: the evaluation sets the
        curves are of, first the one shown first ({"test": "test set", ...});
        ``rerun(record)`` puts a run's settings back in the lab's controls (returns a
        problem's text or None); ``defaults``: the lab's default settings (a run's
        settings are summed up as what differs from them); ``labels``: short names of
        settings for the legend ({"eta": "η"})."""
        self.prefix, self.lab, self.sets = prefix, lab, sets
        self.rerun_in_lab, self.defaults, self.labels = rerun, defaults or {}, labels or {}
        self.history = rh.History(lab)
        self.keys: dict[int, Any] = {}  # record id -> the lab's key of the run
        self.stored = "empty"
        self.id = f"{prefix}-runs"
        _panels[lab] = self

    # -------------------------------------------------------------- set-up
    def build(self) -> None:
        p = self.id
        options = "".join(f'<option value="{k}">{escape(v)}</option>' for k, v in self.sets.items())
        html = f"""
<div class="panel runs" id="{p}" data-count="0" data-pinned="[]" data-stored="empty">
  <h3>Your runs</h3>
  <p class="note">Every run that ends (its epochs done, paused, stopped by a problem, or interrupted
    by a reload) is kept here,
    the last {rh.CAP}, also after a reload. <b>Pin</b> up to {rh.MAX_PINNED} to draw their curves over
    each other: the legend names the settings that differ. <b>Rerun</b> puts a run's settings back into
    the controls, with its seed, so a new run starts from the same initial weights: change one setting
    and press Train to see what that one change does.</p>
  <div class="runs-charts">
    <canvas id="{p}-loss" width="340" height="200" role="img"
      aria-label="Cost per epoch of the pinned runs"></canvas>
    <canvas id="{p}-acc" width="340" height="200" role="img"
      aria-label="Accuracy per epoch of the pinned runs"></canvas>
  </div>
  <div class="runs-tools">
    <label>Curves of the <select id="{p}-set" data-not-setting>{options}</select></label>
    <button type="button" class="btn" id="{p}-export">Export runs</button>
    <button type="button" class="btn" id="{p}-import">Import runs…</button>
    <input type="file" id="{p}-file" accept=".json,application/json" hidden
      aria-label="Runs file to import" data-not-setting>
  </div>
  <p id="{p}-message" class="message" role="status"></p>
  <div class="runs-table-wrap">
    <table class="runs-table">
      <thead><tr><th scope="col">pinned</th><th scope="col">name</th><th scope="col">settings</th>
        <th scope="col">epochs</th><th scope="col" id="{p}-acc-head">accuracy</th>
        <th scope="col" id="{p}-loss-head">cost</th><th scope="col">time</th><th scope="col">ended</th>
        <th scope="col">actions</th></tr></thead>
      <tbody id="{p}-list"></tbody>
    </table>
  </div>
</div>"""
        slot = document.querySelector(f'[data-runs="{self.lab}"]')
        slot.innerHTML = html
        self.loss, self.acc = Canvas(f"{p}-loss"), Canvas(f"{p}-acc")
        dom.on(f"{p}-set", "change", lambda _e: self.render())
        dom.on(f"{p}-export", "click", lambda _e: self.export())
        dom.on(f"{p}-import", "click", lambda _e: dom.by_id(f"{p}-file").click())
        dom.on(f"{p}-file", "change", self.imported)
        dom.on(f"{p}-list", "click", self.clicked)
        dom.on(f"{p}-list", "change", self.renamed)
        self.load()
        self.render()

    # ------------------------------------------------------------- storage
    def load(self) -> None:
        store = storage()
        if store is None:
            self.stored = "no"
            self.say(
                "This browser keeps no storage for this page: runs are kept until it is closed (Export keeps them)."
            )
            return
        text = store.getItem(STORAGE_PREFIX + self.lab)
        if text is None or is_none(text):
            return
        try:
            self.history = rh.History.from_json(str(text), self.lab)
            self.stored = "yes"
        except ValueError as e:
            self.stored = "no"
            self.say(
                f"The runs kept in this browser could not be read ({e}); the history starts empty, "
                "and the stored copy is replaced when the next run is kept.",
                "bad",
            )

    def save(self) -> bool:
        store = storage()
        if store is None:
            self.stored = "no"
            return False
        try:
            store.setItem(STORAGE_PREFIX + self.lab, self.history.to_json())
        except Exception:  # noqa: BLE001 - QuotaExceededError or a refusal: said in the panel
            self.stored = "no"
            self.say(
                "The browser's storage for this page is full: the runs are kept until the page is closed. "
                "Export them to keep them, or drop some.",
                "bad",
            )
            return False
        self.stored = "yes"
        return True

    # -------------------------------------------------------------- changes
    def keep(self, record: rh.RunRecord, key: Any = None) -> rh.RunRecord:
        """Add a run, or update the one the lab calls ``key`` (it went on after a pause)."""
        previous = next((i for i, k in self.keys.items() if key is not None and k == key), None)
        if previous is not None:
            kept = self.history.update(previous, record)
        else:
            self.history.add(record)
            kept = record
        self.keys = {i: k for i, k in self.keys.items() if any(r.id == i for r in self.history.runs)}
        self.keys[kept.id] = key
        self.save()
        self.render()
        return kept

    def keep_as(self, run_id: int | None, record: rh.RunRecord, key: Any = None) -> rh.RunRecord:
        """Keep ``record`` as run ``run_id`` (it takes its curves and ending, keeps its name and
        pin), or as a new run if there is none such any more; ``key``: the lab's name for the
        run from now on (its next ``keep`` updates it). A run interrupted by a reload is kept so."""
        if run_id is not None and any(r.id == run_id for r in self.history.runs):
            kept = self.history.update(run_id, record)
        else:
            self.history.add(record)
            kept = record
        if key is not None:
            self.adopt(kept.id, key)
        self.save()
        self.render()
        return kept

    def adopt(self, run_id: int, key: Any) -> None:
        """The lab's run ``key`` goes on with kept run ``run_id``: its next ``keep`` updates that run."""
        self.keys = {i: k for i, k in self.keys.items() if k is not key}
        self.keys[run_id] = key

    def clicked(self, event) -> None:
        button = event.target.closest("button")
        if is_none(button) or not button.dataset.action:
            return
        run_id, action = int(button.dataset.run), str(button.dataset.action)
        try:
            record = self.history.get(run_id)
            if action == "pin":
                self.history.pin(run_id, not record.pinned)
            elif action == "drop":
                self.history.drop(run_id)
                self.say(f"Dropped {record.name}.")
            elif action == "rerun":
                problem = self.rerun_in_lab(record)
                if problem:
                    self.say(f"{record.name} could not be put back: {problem}", "bad")
                    return
                self.say(
                    f"{record.name}'s settings are in the controls, with network seed {record.seed}: "
                    "the same initial weights. Change one setting and press Train; the new run appears here."
                )
                return
        except ValueError as e:
            self.say(str(e), "bad")
            return
        self.save()
        self.render()
        focus = dom.by_id(f"{self.id}-list").querySelector(f'button[data-run="{run_id}"][data-action="{action}"]')
        if not is_none(focus):
            focus.focus()  # the row was redrawn: keep the keyboard where it was

    def renamed(self, event) -> None:
        el = event.target
        if not el.dataset.run:
            return
        try:
            self.history.rename(int(el.dataset.run), str(el.value))
        except ValueError as e:
            self.say(f"{e}; the name is unchanged.", "bad")
            el.value = self.history.get(int(el.dataset.run)).name
            return
        self.say("")
        self.save()
        self.render()

    def export(self) -> None:
        if not self.history.runs:
            self.say("There are no runs to export yet: train one first.")
            return
        name = f"{self.lab}-runs.json"
        files.save_text(self.history.to_json(), name, "application/json")
        self.say(f"Exported {len(self.history.runs)} runs as {name}.", "good")

    async def imported(self, _event) -> None:
        name = "the file"
        try:
            chosen = await files.read_chosen_file(dom.by_id(f"{self.id}-file"), MAX_FILE_BYTES)
            if chosen is None:
                return
            name, data = chosen
            other = rh.History.from_json(data, self.lab)
        except ValueError as e:
            text = str(e) if str(e).startswith(name) else f"{name} was not imported: {e}"
            self.say(f"{text}. Your runs are unchanged.", "bad")
            return
        added = self.history.merge(other)
        skipped = len(other.runs) - added
        extra = f" ({skipped} already here)" if skipped else ""
        self.save()
        self.render()
        self.say(f"Imported {added} runs from {name}{extra}.", "good")

    def say(self, text: str, kind: str = "") -> None:
        el = dom.by_id(f"{self.id}-message")
        el.className = f"message {kind}".strip()
        el.textContent = text

    # -------------------------------------------------------------- drawing
    def render(self) -> None:
        h = self.history
        chosen = str(dom.by_id(f"{self.id}-set").value) or next(iter(self.sets))
        rows = [self._row(r, chosen) for r in reversed(h.runs)]
        dom.set_html(f"{self.id}-list", "".join(rows) or '<tr><td colspan="9" class="note">No runs yet.</td></tr>')
        dom.set_text(f"{self.id}-acc-head", f"{self.sets[chosen]} accuracy")
        dom.set_text(f"{self.id}-loss-head", f"{self.sets[chosen]} cost")
        root = dom.by_id(self.id)
        root.setAttribute("data-count", str(len(h.runs)))
        root.setAttribute("data-pinned", json.dumps([r.id for r in h.pinned()], separators=(",", ":")))
        root.setAttribute("data-stored", self.stored)
        pinned = h.pinned()
        legend = runs_view.differences([r.settings for r in pinned], [r.name for r in pinned], self.labels)
        for canvas, metric in ((self.loss, f"{chosen}_loss"), (self.acc, f"{chosen}_acc")):
            series = [
                runs_view.Series(text, runs_view.COLOURS[i], r.curves["epoch"], r.curves.get(metric, []))
                for i, (text, r) in enumerate(zip(legend, pinned))
                if metric in r.curves
            ]
            runs_chart.draw(canvas, series, metric, empty="Pin runs to compare them here.")

    def _row(self, r: rh.RunRecord, chosen: str) -> str:
        i = r.id
        last = {k: _json_number(r.last(k)) for k in r.curves if k != "epoch"}
        pressed = "true" if r.pinned else "false"
        ended = f'<span title="{escape(r.ended_text)}">{escape(r.ended)}</span>'
        return (
            f"<tr data-run-id='{i}' data-last='{escape(json.dumps(last))}'>"
            f'<td><button type="button" class="btn" data-run="{i}" data-action="pin" aria-pressed="{pressed}"'
            f' aria-label="pin {escape(r.name)}">{"pinned" if r.pinned else "pin"}</button></td>'
            f'<td><input type="text" class="runs-name" id="{self.id}-name-{i}" data-run="{i}" data-not-setting'
            f' value="{escape(r.name)}"'
            f' maxlength="{MAX_NAME}" aria-label="name of run {i}"></td>'
            f'<td class="runs-settings" data-label="settings">{escape(self.summary(r))}</td>'
            f'<td data-label="epochs">{r.epochs}</td>'
            f'<td data-label="{escape(self.sets[chosen])} accuracy">{_percent(r.last(chosen + "_acc"))}</td>'
            f'<td data-label="{escape(self.sets[chosen])} cost">{_number(r.last(chosen + "_loss"))}</td>'
            f'<td data-label="time">{r.seconds:.2f} s</td><td data-label="ended">{ended}</td>'
            f'<td><button type="button" class="btn" data-run="{i}" data-action="rerun"'
            f' aria-label="rerun {escape(r.name)}">Rerun</button>'
            f' <button type="button" class="btn" data-run="{i}" data-action="drop"'
            f' aria-label="drop {escape(r.name)}">Drop</button></td></tr>'
        )

    def summary(self, r: rh.RunRecord) -> str:
        """The run's settings that differ from the lab's defaults ("defaults" if none)."""
        changed = {k: v for k, v in r.settings.items() if k not in self.defaults or self.defaults[k] != v}
        if not changed:
            return "defaults"
        return " · ".join(f"{self.labels.get(k, k)} = {runs_view.value_text(v)}" for k, v in changed.items())


def _json_number(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _percent(v: float) -> str:
    return f"{100 * v:.1f}%" if math.isfinite(v) else "–"


def _number(v: float) -> str:
    return f"{v:.4g}" if math.isfinite(v) else "–"
