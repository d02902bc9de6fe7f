"""What the "Write it yourself" page shows, and the learner's progress as stored: pure Python.

HTML of a statement (paragraphs, `code` and **bold** marks, everything else
escaped), of the list of exercises with their marks, and the progress record
kept in the browser's storage: for each exercise the code, whether it
passed (and with which code), how many hints are shown and whether Check was
tried. ``decode`` accepts anything — storage written by an older page, or
damaged — and keeps what makes sense, so a bad record never stops the page.
"""

from __future__ import annotations

import json
import re
from html import escape

from nnfs.settings.table import Table

STORAGE_KEY = "nnfs.labs.exercises.catalogue.v1"
# The lab's settings: none. Its link names the exercise shown (#exercises/KEY); the code
# typed is the learner's work, kept in the browser's storage, not a setting.
SETTINGS = Table("ex", [])
# Functions a lab can take from the learner's passing code ("convolve": convolve and max_pool, one toggle).
USES = ("nand", "perceptron_output", "sgd_step", "convolve")


def inline(text: str) -> str:
    """Escape text, then `code` -> <code>, **bold** -> <strong>."""
    out = escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def statement_html(statement: str) -> str:
    return "".join(f"<p>{inline(p.strip())}</p>" for p in statement.split("\n\n") if p.strip())


def given_text(given: list[str]) -> str:
    if not given:
        return ""
    names = ", ".join(f"`{g}`" for g in given)
    return inline(f"Ready to call in your code (our solutions of the earlier exercises): {names}.")


def list_html(catalogue: list[dict], progress: dict, current: str) -> str:
    """The exercises as links, each marked passed or not; the current one has aria-current."""
    items = []
    for ex in catalogue:
        key = ex["key"]
        passed = progress["exercises"].get(key, {}).get("passed")
        mark = '<span class="ex-mark" aria-hidden="true">✓</span>' if passed else ""
        state = " (passed)" if passed else ""
        here = ' aria-current="true"' if key == current else ""
        items.append(
            f'<li><a href="#exercises/{key}" data-exercise="{key}"{here}'
            f'{" class=passed" if passed else ""}>{mark}{escape(ex["title"])}'
            f'<span class="visually-hidden">{state}</span></a></li>'
        )
    return "".join(items)


def empty() -> dict:
    return {"current": "", "exercises": {}, "use": {}}


def decode(text, keys) -> dict:
    """The progress record from storage text; unknown or malformed parts are dropped."""
    progress = empty()
    try:
        raw = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return progress
    if not isinstance(raw, dict):
        return progress
    if raw.get("current") in keys:
        progress["current"] = raw["current"]
    for key, rec in (raw.get("exercises") or {}).items() if isinstance(raw.get("exercises"), dict) else ():
        if key not in keys or not isinstance(rec, dict):
            continue
        clean = {}
        if isinstance(rec.get("code"), str):
            clean["code"] = rec["code"]
        if isinstance(rec.get("passed"), str):  # the code that passed
            clean["passed"] = rec["passed"]
        if isinstance(rec.get("hints"), int) and not isinstance(rec.get("hints"), bool) and rec["hints"] >= 0:
            clean["hints"] = rec["hints"]
        if rec.get("tried") is True:
            clean["tried"] = True
        if table_ok(rec.get("table")):
            clean["table"] = dict(rec["table"])
        progress["exercises"][key] = clean
    use = raw.get("use")
    if isinstance(use, dict):
        progress["use"] = {k: True for k in USES if use.get(k) is True}
    return progress


def table_ok(table) -> bool:
    """A function of two bits' recorded answers: {"00": 0 or 1, "01": ..., "10": ..., "11": ...}."""
    return (
        isinstance(table, dict)
        and set(table) == {"00", "01", "10", "11"}
        and all(v in (0, 1) and not isinstance(v, bool) for v in table.values())
    )


def encode(progress: dict) -> str:
    return json.dumps(progress, sort_keys=True)


def next_exercise(catalogue: list[dict], key: str) -> dict | None:
    """The exercise after ``key`` in the catalogue's order (the book's), None after the last."""
    keys = [ex["key"] for ex in catalogue]
    at = keys.index(key) + 1 if key in keys else len(keys)
    return catalogue[at] if at < len(catalogue) else None


def summary(catalogue: list[dict], progress: dict) -> str:
    done = sum(1 for ex in catalogue if progress["exercises"].get(ex["key"], {}).get("passed"))
    return f"{done} of {len(catalogue)} passed"
