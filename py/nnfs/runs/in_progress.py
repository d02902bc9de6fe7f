"""A run in progress, kept in the browser as it trains, so that a reload loses nothing.

While a Playground or Digits run trains, the page writes what it has so far to
the browser's storage (at each epoch's end, or every few seconds): the run's
record (``nnfs.runs.history.RunRecord``, ended "interrupted": what the run is if
the page goes away now), the network's layer sizes, its latest weights and where
in the run they are. A run that ends (its limit, Stop, a problem) removes it, so a
saved run still there at the next load is one that did not end: the page keeps its
record in "Your runs" as interrupted and offers to go on from its weights.

The stored format (version 1)::

    {"format": "nnfs-run-in-progress", "version": 1, "lab": "digits",
     "record": {... RunRecord.to_dict(), "ended": "interrupted" ...},
     "sizes": [784, 30, 10], "weights": "<base64>", "epoch": 2, "batches_done": 0,
     "run_id": 3}

``weights``: every weight matrix then every bias vector, in layer order, as
little-endian float64 (``nnfs.runs.remote.pack``), in base64: exact, so a run
resumed from them gives the numbers an uninterrupted run gives, and 10.7
characters a weight (a [784, 100, 10] network: 0.85 MB; as a model file, JSON
decimals, about twice that). ``run_id``: the run in the history the record is
kept as (null until the page kept it), so a second reload updates that run
instead of adding another.

Reading trusts nothing (anything may have written the browser's storage, another
version of the page among them): ``read`` bounds the text before parsing it and
checks every field; any problem is one ValueError that says what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnfs.runs import history as rh
from nnfs.runs.checks import Value, kind_of, read_json, short

FORMAT = "nnfs-run-in-progress"
VERSION = 1
INTERRUPTED = "interrupted"
MAX_LAYERS = 12
MAX_LAYER = 100_000
# What the page tries to keep: a browser gives a page about 5 million characters of
# storage in all, and the run histories and the exercises' progress live there too.
MAX_WEIGHT_CHARS = 3_500_000
_KEYS = ("format", "version", "lab", "record", "sizes", "weights", "epoch", "batches_done", "run_id")


def n_parameters(sizes: tuple[int, ...] | list[int]) -> int:
    """Weights and biases of a fully connected network of these layer sizes."""
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def weight_chars(sizes: tuple[int, ...] | list[int]) -> int:
    """Characters the weights of such a network take in the stored form (base64 of float64)."""
    return 4 * -(-8 * n_parameters(sizes) // 3)


@dataclass
class SavedRun:
    """A run as it stood when last saved (see the module docstring)."""

    record: rh.RunRecord
    sizes: tuple[int, ...]
    weights: bytes  # nnfs.runs.remote.pack's bytes
    epoch: int  # epochs completed
    batches_done: int = 0  # mini-batches of the next epoch done
    run_id: int | None = None  # the history's run the record is kept as

    def __post_init__(self) -> None:
        _check(self)

    @property
    def lab(self) -> str:
        return self.record.lab

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "lab": self.lab,
            "record": self.record.to_dict(),
            "sizes": list(self.sizes),
            "weights": base64.b64encode(self.weights).decode("ascii"),
            "epoch": self.epoch,
            "batches_done": self.batches_done,
            "run_id": self.run_id,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False, ensure_ascii=False)

    def parameters(self) -> np.ndarray:
        """The weights as one float64 vector (``nnfs.runs.remote.unpack_into`` takes the bytes)."""
        return np.frombuffer(self.weights, dtype="<f8")

    def resume_spec(self) -> dict[str, Any]:
        """The training worker's ``"resume"`` spec entry (``nnfs.runs.remote.resume_session``):
        the new session takes these weights, curves and time, and replays the shuffles."""
        curves = self.record.to_dict()["curves"]  # NaN as null (JSON)
        return {
            "weights": base64.b64encode(self.weights).decode("ascii"),
            "epoch": self.epoch,
            "batches_done": self.batches_done,
            "history": curves,
            "train_seconds": self.record.seconds,
        }


def saved_run(
    lab: str,
    settings: dict[str, Value],
    seed: int,
    history: dict[str, list[Any]],
    seconds: float,
    sizes: tuple[int, ...] | list[int],
    weights: bytes,
    batches_done: int = 0,
    text: str = "",
    run_id: int | None = None,
) -> SavedRun:
    """A run as it stands now, from the engine's ``history`` (``nnfs.runs.history.record_of``):
    its record ends "interrupted" with ``text``, and its epoch is the curves' last."""
    record = rh.record_of(lab, settings, seed, history, seconds, INTERRUPTED, text)
    return SavedRun(record, tuple(int(s) for s in sizes), bytes(weights), record.epochs, batches_done, run_id)


def read(text: str | bytes, lab: str) -> SavedRun:
    """The saved run of ``lab`` in ``text``; ValueError on anything else (another lab's, another
    version's, a damaged one)."""
    d = read_json(text)
    if not isinstance(d, dict):
        raise ValueError(f"expected a JSON object, got {kind_of(d)}")
    if d.get("format") != FORMAT:
        raise ValueError(f"format is {short(d.get('format'))}, expected {FORMAT!r}")
    if type(d.get("version")) is not int or d["version"] != VERSION:
        raise ValueError(f"it was written by another version of the page (version {short(d.get('version'))})")
    missing = [k for k in _KEYS if k not in d]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    unknown = [k for k in d if k not in _KEYS]
    if unknown:
        raise ValueError(f"unknown key {short(unknown[0])}")
    if d["lab"] != lab:
        raise ValueError(f"it is a {short(d['lab'])} run, not a {lab} run")
    # The record has no name until the history keeps it ("run N"): a file's record must have one.
    unnamed = isinstance(d["record"], dict) and d["record"].get("name") == ""
    record = rh.read_record({**d["record"], "name": "-"} if unnamed else d["record"], "record", lab)
    if unnamed:
        record.name = ""
    sizes = d["sizes"]
    if not isinstance(sizes, list) or not all(type(s) is int for s in sizes):
        raise ValueError(f"sizes must be a list of whole numbers, got {short(sizes)}")
    if not isinstance(d["weights"], str):
        raise ValueError(f"weights must be base64 text, got {kind_of(d['weights'])}")
    try:
        weights = base64.b64decode(d["weights"], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("weights are not base64 text") from None
    run_id = d["run_id"]
    if run_id is not None and (type(run_id) is not int or not 1 <= run_id <= 2**53):
        raise ValueError(f"run_id must be a whole number >= 1 or null, got {short(run_id)}")
    return SavedRun(record, tuple(sizes), weights, d["epoch"], d["batches_done"], run_id)


def _check(s: SavedRun) -> None:
    """The checks a saved run passes, whether made by the page or read back."""
    if s.record.ended != INTERRUPTED:
        raise ValueError(f"the record must end {INTERRUPTED!r}, not {short(s.record.ended)}")
    sizes = s.sizes
    if not 2 <= len(sizes) <= MAX_LAYERS or not all(type(n) is int and 1 <= n <= MAX_LAYER for n in sizes):
        raise ValueError(f"sizes must be 2 to {MAX_LAYERS} layers of 1 to {MAX_LAYER:,} neurons, got {short(sizes)}")
    want = n_parameters(sizes)
    if len(s.weights) != 8 * want:
        raise ValueError(f"the weights hold {len(s.weights) / 8:g} numbers; a {list(sizes)} network has {want:,}")
    if not np.all(np.isfinite(s.parameters())):
        raise ValueError("the weights are not all finite numbers (the run had diverged)")
    if type(s.epoch) is not int or s.epoch < 1:
        raise ValueError(
            f"epoch must be a whole number >= 1 (a run is kept once it has trained one), got {short(s.epoch)}"
        )
    if s.record.epochs != s.epoch:
        raise ValueError(f"the curves end at epoch {s.record.epochs}, not at the saved epoch {s.epoch}")
    if type(s.batches_done) is not int or s.batches_done < 0:
        raise ValueError(f"batches_done must be a whole number >= 0, got {short(s.batches_done)}")
