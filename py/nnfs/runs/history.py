"""The runs a lab has trained, kept to be compared: records, pins, names, and a JSON file format.

Every finished or stopped training run becomes a ``RunRecord``: its lab, its
settings (as the lab's settings table writes them in a link, so they can be
put back into the controls), its network seed (same seed: same initial
weights and mini-batch order), its curves per epoch (the engine's history:
"epoch", "train_loss", "test_acc", ...), its training time, how it ended, and
a name. A ``History`` keeps the last ``CAP`` runs of one lab (the oldest
unpinned run makes way for a new one); up to ``MAX_PINNED`` are pinned, to be
drawn over each other.

The file format (version 1)::

    {"format": "nnfs-runs", "version": 1, "lab": "playground", "next_id": 8,
     "runs": [{"id": 3, "name": "run 3", "lab": "playground", "pinned": true,
               "settings": {"eta": "3", "layers": "4"}, "seed": 1,
               "curves": {"epoch": [0, 1, 2], "test_acc": [0.5, 0.7, null]},
               "seconds": 0.41, "ended": "limit", "ended_text": "Stopped at epoch 2."}]}

A curve's ``null`` is a value that was not a number (NaN: e.g. the mini-batch
cost before the first epoch). Numbers are written by Python's float repr, so
a file reads back bit for bit.

Reading trusts nothing (the file comes from the user's disk or from browser
storage that anything may have written): size and nesting are bounded before
parsing, then every field is checked. Any problem is one ValueError that says
what is wrong and where, and nothing is changed. The bounded reader and the checks
of each value are ``nnfs.runs.checks``'; this module holds the records, the history
and the file's layout (its keys, version, ids and pins).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from nnfs.runs.checks import (
    METRICS,
    Value,
    check_curves,
    check_name,
    check_settings,
    kind_of,
    read_json,
    short,
)

FORMAT = "nnfs-runs"
VERSION = 1
LABS = ("playground", "digits", "chapter3", "chapter6")
# How a run ended: its epoch limit, the target accuracy, the learner (Pause or
# Stop), a problem the engine found (diverged, dead neurons, ...), or the page
# going away mid-run (a reload, a closed tab: nnfs.runs.in_progress keeps what it had).
ENDINGS = ("limit", "target", "paused", "stopped", "problem", "interrupted")
CAP = 50
MAX_PINNED = 4
MAX_TEXT = 500  # ended_text


@dataclass
class RunRecord:
    """One training run (see the module docstring)."""

    lab: str
    settings: dict[str, Value]
    seed: int
    curves: dict[str, list[float]]
    seconds: float
    ended: str
    ended_text: str = ""
    name: str = ""
    id: int = 0
    pinned: bool = False

    def __post_init__(self) -> None:
        _check_record_fields(self)

    @property
    def epochs(self) -> int:
        """The last epoch recorded (0: none trained)."""
        ep = self.curves.get("epoch", [])
        return int(ep[-1]) if ep else 0

    def last(self, metric: str) -> float:
        """The metric's last finite value (NaN if none)."""
        for v in reversed(self.curves.get(metric, [])):
            if math.isfinite(v):
                return v
        return math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "lab": self.lab,
            "pinned": self.pinned,
            "settings": dict(self.settings),
            "seed": self.seed,
            # NaN is not JSON: it is written as null and read back as NaN.
            "curves": {k: [v if math.isfinite(v) else None for v in vs] for k, vs in self.curves.items()},
            "seconds": self.seconds,
            "ended": self.ended,
            "ended_text": self.ended_text,
        }

    def same_run(self, other: RunRecord) -> bool:
        """The same lab, settings, seed and curves (NaN equal to NaN): a duplicate."""
        return (
            self.lab == other.lab
            and self.settings == other.settings
            and self.seed == other.seed
            and json.dumps(self.to_dict()["curves"]) == json.dumps(other.to_dict()["curves"])
        )


@dataclass
class History:
    """The runs of one lab, oldest first (see the module docstring)."""

    lab: str
    runs: list[RunRecord] = field(default_factory=list)
    next_id: int = 1
    cap: int = CAP

    def __post_init__(self) -> None:
        if self.lab not in LABS:
            raise ValueError(f"unknown lab {self.lab!r}; expected one of {', '.join(LABS)}")

    # -- reading
    def get(self, run_id: int) -> RunRecord:
        for r in self.runs:
            if r.id == run_id:
                return r
        raise ValueError(f"there is no run {run_id} in the history (it may have been dropped)")

    def pinned(self) -> list[RunRecord]:
        return [r for r in self.runs if r.pinned]

    # -- changing
    def add(self, record: RunRecord) -> list[RunRecord]:
        """Keep ``record`` (it gets the next id, and "run N" if it has no name);
        returns the runs dropped to stay within the cap (the oldest unpinned)."""
        if record.lab != self.lab:
            raise ValueError(f"a {record.lab} run cannot be kept in the {self.lab} history")
        record.id = self.next_id
        self.next_id += 1
        if not record.name:
            record.name = f"run {record.id}"
        if record.pinned and len(self.pinned()) >= MAX_PINNED:
            record.pinned = False
        self.runs.append(record)
        return self._trim()

    def _trim(self) -> list[RunRecord]:
        dropped = []
        while len(self.runs) > self.cap:
            oldest = next((r for r in self.runs if not r.pinned), None)
            if oldest is None:  # cannot happen while cap > MAX_PINNED
                break
            self.runs.remove(oldest)
            dropped.append(oldest)
        return dropped

    def pin(self, run_id: int, pinned: bool = True) -> None:
        run = self.get(run_id)
        if pinned and not run.pinned and len(self.pinned()) >= MAX_PINNED:
            raise ValueError(f"At most {MAX_PINNED} runs can be pinned: unpin one first.")
        run.pinned = pinned

    def rename(self, run_id: int, name: str) -> None:
        run = self.get(run_id)
        run.name = check_name(name)

    def update(self, run_id: int, record: RunRecord) -> RunRecord:
        """The run ``run_id`` went on (e.g. Train after Pause): it takes ``record``'s
        settings, curves, time and ending, and keeps its id, name and pin. If it is no
        longer here (dropped), ``record`` is added as a new run. Returns the run kept."""
        try:
            run = self.get(run_id)
        except ValueError:
            self.add(record)
            return record
        run.settings, run.seed, run.curves = record.settings, record.seed, record.curves
        run.seconds, run.ended, run.ended_text = record.seconds, record.ended, record.ended_text
        return run

    def drop(self, run_id: int) -> RunRecord:
        run = self.get(run_id)
        self.runs.remove(run)
        return run

    def merge(self, other: History) -> int:
        """Add ``other``'s runs (an imported file) after these, as new runs: returns how
        many were added. A run already here is skipped; pins are kept while there is room."""
        if other.lab != self.lab:
            raise ValueError(f"the file holds {other.lab} runs, not {self.lab} runs: import it in that lab")
        added = 0
        for r in other.runs:
            if any(r.same_run(mine) for mine in self.runs):
                continue
            copy = RunRecord(**{**_fields(r), "id": 0})
            self.add(copy)
            added += 1
        return added

    # -- the file
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "lab": self.lab,
            "next_id": self.next_id,
            "runs": [r.to_dict() for r in self.runs],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes, lab: str | None = None) -> History:
        """A History from JSON text; ``lab``: the lab it must belong to. ValueError on anything else."""
        return cls.from_dict(read_json(text), lab)

    @classmethod
    def from_dict(cls, d: Any, lab: str | None = None) -> History:
        if not isinstance(d, dict):
            raise ValueError(f"not a run history: expected a JSON object at the top level, got {kind_of(d)}")
        _keys(d, ("format", "version", "lab", "next_id", "runs"), (), "the file")
        if d["format"] != FORMAT:
            raise ValueError(f"not a run history: format is {short(d['format'])}, expected {FORMAT!r}")
        if type(d["version"]) is not int or d["version"] != VERSION:
            raise ValueError(f"unsupported version {short(d['version'])} (this page reads version {VERSION})")
        if d["lab"] not in LABS:
            raise ValueError(f"unknown lab {short(d['lab'])}; expected one of {', '.join(LABS)}")
        if lab is not None and d["lab"] != lab:
            raise ValueError(f"the file holds {d['lab']} runs, not {lab} runs: import it in that lab")
        runs = d["runs"]
        if not isinstance(runs, list):
            raise ValueError(f"runs must be a list, got {kind_of(runs)}")
        if len(runs) > CAP:
            raise ValueError(f"the file holds {len(runs)} runs; a history keeps at most {CAP}")
        records = [_record(r, f"runs[{i}]", d["lab"]) for i, r in enumerate(runs)]
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            raise ValueError("two runs in the file have the same id")
        if sum(r.pinned for r in records) > MAX_PINNED:
            raise ValueError(f"more than {MAX_PINNED} runs are pinned")
        next_id = d["next_id"]
        if type(next_id) is not int or not (max(ids, default=0) < next_id <= 2**53):
            raise ValueError(f"next_id must be a whole number above every run's id, got {short(next_id)}")
        return cls(d["lab"], records, next_id)


def ending(kind: str | None, problem: bool) -> str:
    """How a run ended (``ENDINGS``) from the engine's Stop (its kind and whether it is a
    problem); ``kind`` None: the learner paused it."""
    if problem:
        return "problem"
    return {None: "paused", "target": "target", "epochs": "limit", "goal": "paused"}.get(kind, "stopped")


def record_of(
    lab: str,
    settings: dict[str, Value],
    seed: int,
    history: dict[str, list[Any]],
    seconds: float,
    ended: str,
    ended_text: str = "",
) -> RunRecord:
    """A record of a run from the engine's ``history`` (``nnfs.maths.engine.Session``); keys
    that are not ``METRICS`` are left out, a None value is NaN."""
    curves = {k: [math.nan if v is None else float(v) for v in values] for k, values in history.items() if k in METRICS}
    return RunRecord(lab, dict(settings), int(seed), curves, float(seconds), ended, ended_text[:MAX_TEXT])


# ------------------------------------------------------------- a record's fields


def _fields(r: RunRecord) -> dict[str, Any]:
    return {k: getattr(r, k) for k in RunRecord.__dataclass_fields__}


def _check_record_fields(r: RunRecord) -> None:
    """The checks a record's fields must pass, whether made by the page or read from a file."""
    if r.lab not in LABS:
        raise ValueError(f"unknown lab {short(r.lab)}; expected one of {', '.join(LABS)}")
    if r.name:
        r.name = check_name(r.name)
    if type(r.id) is not int or not 0 <= r.id <= 2**53:
        raise ValueError(f"id must be a whole number >= 0, got {short(r.id)}")
    if type(r.pinned) is not bool:
        raise ValueError(f"pinned must be true or false, got {short(r.pinned)}")
    if type(r.seed) is not int or not 0 <= r.seed < 2**32:
        raise ValueError(f"seed must be a whole number from 0 to 2^32 - 1, got {short(r.seed)}")
    if type(r.seconds) not in (int, float) or not (math.isfinite(r.seconds) and r.seconds >= 0):
        raise ValueError(f"seconds must be a finite number >= 0, got {short(r.seconds)}")
    r.seconds = float(r.seconds)
    if r.ended not in ENDINGS:
        raise ValueError(f"unknown ending {short(r.ended)}; expected one of {', '.join(ENDINGS)}")
    if not isinstance(r.ended_text, str) or len(r.ended_text) > MAX_TEXT:
        raise ValueError(f"ended_text must be text of at most {MAX_TEXT} characters")
    r.settings = check_settings(r.settings)
    r.curves = check_curves(r.curves)


def read_record(d: Any, where: str, lab: str) -> RunRecord:
    """A record of ``lab`` from its file form (``RunRecord.to_dict``); ``where`` names it in
    a message. ValueError on anything else (for readers of other files that hold one)."""
    return _record(d, where, lab)


def _record(d: Any, where: str, lab: str) -> RunRecord:
    if not isinstance(d, dict):
        raise ValueError(f"{where} must be an object, got {kind_of(d)}")
    keys = ("id", "name", "lab", "pinned", "settings", "seed", "curves", "seconds", "ended")
    _keys(d, keys, ("ended_text",), where)
    if d["lab"] != lab:
        raise ValueError(f"{where} is a {short(d['lab'])} run in a {lab} history")
    try:
        return RunRecord(
            lab=d["lab"],
            settings=d["settings"],
            seed=d["seed"],
            curves=d["curves"],
            seconds=d["seconds"],
            ended=d["ended"],
            ended_text=d.get("ended_text", ""),
            name=check_name(d["name"]),
            id=d["id"],
            pinned=d["pinned"],
        )
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None


def _keys(d: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...], where: str) -> None:
    missing = [k for k in required if k not in d]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    unknown = [k for k in d if k not in required and k not in optional]
    if unknown:
        raise ValueError(f"{where}: unknown key {short(unknown[0])}")
