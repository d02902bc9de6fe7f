"""Reading a run history with suspicion: the bounded JSON reader and the checks of a record's values.

A run history comes from the user's disk or from browser storage that anything
may have written, so nothing in it is trusted (``nnfs.runs.history`` holds the
records, the history and the file's layout; this module, what every value must
be before it is kept):

* ``read_json``: the text's size and nesting are bounded before it is parsed,
  and NaN/Infinity (not JSON) are refused;
* ``check_name``, ``check_settings``, ``check_curves``: a run's name, its
  settings (as a lab's settings table writes them in a link) and its curves
  (``METRICS`` only, one value per epoch, increasing epochs; ``null`` is NaN);
* ``kind_of`` and ``short``: a value named in a message, cut short (a hostile
  file's value may be huge).

Any problem is one ValueError that says what is wrong and where.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any, Union

from nnfs.models.model_io import _nesting_depth

# The engine's history keys (nnfs.maths.engine.Session) and what the Chapter 3 lab adds.
METRICS = (
    "epoch",
    "seconds",
    "minibatch_loss",
    "train_loss",
    "train_acc",
    "test_loss",
    "test_acc",
    "validation_loss",
    "validation_acc",
    "cost",
)
MAX_NAME = 80
MAX_SETTINGS = 64
MAX_KEY = 40
MAX_VALUE = 20_000  # a setting's text (the Playground's own points can be long)
MAX_POINTS = 100_001  # values per curve: epoch 0 and the Playground's 100,000 epochs
MAX_CHARS = 20_000_000  # the whole file: 50 runs of a few thousand epochs fit many times
MAX_NESTING = 6  # {runs: [ {curves: { name: [ ... — and a list-valued setting

Value = Union[str, int, float, bool, None]
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def check_name(name: Any) -> str:
    """A run's name: 1 to MAX_NAME characters of text, no control characters (spaces trimmed)."""
    if not isinstance(name, str):
        raise ValueError(f"a run's name must be text, got {kind_of(name)}")
    name = name.strip()
    if not name:
        raise ValueError("a run's name cannot be empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"a run's name can be at most {MAX_NAME} characters (this one has {len(name)})")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValueError("a run's name cannot hold control characters (line breaks, tabs, ...)")
    return name


def check_settings(s: Any) -> dict[str, Value]:
    """A run's settings: at most MAX_SETTINGS names (letters, digits, _) of text, numbers,
    true/false or null; text at most MAX_VALUE characters, numbers finite."""
    if not isinstance(s, dict):
        raise ValueError(f"settings must be an object, got {kind_of(s)}")
    if len(s) > MAX_SETTINGS:
        raise ValueError(f"settings hold {len(s)} entries; at most {MAX_SETTINGS}")
    out: dict[str, Value] = {}
    for k, v in s.items():
        if not isinstance(k, str) or len(k) > MAX_KEY or not _KEY.match(k):
            raise ValueError(f"settings: {short(k)} is not a setting's name (letters, digits, _)")
        if isinstance(v, str):
            if len(v) > MAX_VALUE:
                raise ValueError(f"settings.{k} is longer than {MAX_VALUE:,} characters")
        elif type(v) is float:
            if not math.isfinite(v):
                raise ValueError(f"settings.{k} is not finite")
        elif v is not None and type(v) not in (int, bool):
            raise ValueError(f"settings.{k} must be text, a number, true/false or null, got {kind_of(v)}")
        out[k] = v
    return out


def check_curves(c: Any) -> dict[str, list[float]]:
    """A run's curves: some of ``METRICS``, each a list of numbers (null: NaN) as long as
    "epoch", whose whole numbers increase."""
    if not isinstance(c, dict):
        raise ValueError(f"curves must be an object, got {kind_of(c)}")
    unknown = [k for k in c if k not in METRICS]
    if unknown:
        raise ValueError(f"curves: unknown metric {short(unknown[0])}; expected some of {', '.join(METRICS)}")
    if "epoch" not in c:
        raise ValueError("curves must hold the epochs (\"epoch\")")
    if not isinstance(c["epoch"], list):
        raise ValueError(f"curves.epoch must be a list, got {kind_of(c['epoch'])}")
    out: dict[str, list[float]] = {}
    for k, values in c.items():
        if not isinstance(values, list):
            raise ValueError(f"curves.{k} must be a list, got {kind_of(values)}")
        if len(values) > MAX_POINTS:
            raise ValueError(f"curves.{k} holds {len(values):,} values; at most {MAX_POINTS:,}")
        if len(values) != len(c["epoch"]):
            raise ValueError(f"curves.{k} holds {len(values)} values but curves.epoch holds {len(c['epoch'])}")
        out[k] = _numbers(values, f"curves.{k}")
    ep = out["epoch"]
    if any(not (math.isfinite(e) and e >= 0 and e == int(e)) for e in ep):
        raise ValueError("curves.epoch must hold whole numbers >= 0")
    if any(b <= a for a, b in zip(ep, ep[1:])):
        raise ValueError("curves.epoch must increase")
    return out


def _numbers(values: Iterable[Any], where: str) -> list[float]:
    out = []
    for i, v in enumerate(values):
        if v is None:
            out.append(math.nan)
        elif type(v) in (int, float):
            try:
                f = float(v)
            except OverflowError:
                raise ValueError(f"{where}[{i}] is too large for a number") from None
            if not math.isfinite(f) and type(v) is int:
                raise ValueError(f"{where}[{i}] is too large for a number")
            out.append(f)  # NaN arrives only from the page's own records (a file has null)
        else:
            raise ValueError(f"{where}[{i}] is not a number: {short(v)}")
    return out


def read_json(text: str | bytes) -> Any:
    """The JSON value in ``text`` (UTF-8 bytes or text, a BOM allowed), bounded in size
    (MAX_CHARS) and nesting (MAX_NESTING) before it is parsed."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_CHARS:
            raise ValueError(_too_big(len(text)))
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("not a run history: the file is not UTF-8 text") from None
    if not isinstance(text, str):
        raise ValueError(f"expected JSON text, got {kind_of(text)}")
    text = text[1:] if text.startswith("\ufeff") else text
    if len(text) > MAX_CHARS:
        raise ValueError(_too_big(len(text)))
    if not text or text.isspace():
        raise ValueError("not a run history: the file is empty")
    if _nesting_depth(text) > MAX_NESTING:
        raise ValueError(f"not a run history: its lists and objects are nested more than {MAX_NESTING} deep")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise ValueError(f"not valid JSON: {e}") from None
    except ValueError as e:  # a whole number thousands of digits long, or NaN/Infinity
        raise ValueError(f"not a run history: {e}") from None


def _no_constant(name: str) -> float:
    raise ValueError(f"it holds {name}, which is not a JSON number")


def _too_big(n: int) -> str:
    return f"the file is too big for a run history ({n / 1e6:.1f} MB; at most {MAX_CHARS / 1e6:.0f} MB)"


def kind_of(v: Any) -> str:
    """What a JSON value is, for a message ("an object", "a list", "text", ...)."""
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(v), "a number" if isinstance(v, (int, float)) else type(v).__name__
    )


def short(v: Any) -> str:
    """A value for a message: its JSON text, cut short (a hostile file's value may be huge)."""
    try:
        s = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= 40 else s[:37] + "…"
