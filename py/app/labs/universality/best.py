"""The Universality lab's best score so far, per target and number of bumps, kept in the
browser's localStorage (the page's side of ``view.best_key``/``read_best``/``best_record``)."""

from __future__ import annotations

import math

from pyscript import window

from app.labs.universality import view


def _storage():
    try:
        return window.localStorage
    except Exception:  # noqa: BLE001 - storage may be blocked (private mode): then nothing is kept
        return None


def read(key: str, n: int) -> dict | None:
    """The best kept for target ``key`` with ``n`` bumps: {"score", "heights"}, or None."""
    store = _storage()
    return None if store is None else view.read_best(store.getItem(view.best_key(key, n)))


def keep(key: str, n: int, score: float, heights: list[float]) -> dict | None:
    """Keep ``heights`` if ``score`` beats the best kept; the best now."""
    got = read(key, n)
    if math.isfinite(score) and (got is None or score < got["score"]):
        store = _storage()
        if store is not None:
            store.setItem(view.best_key(key, n), view.best_record(score, heights))
            got = {"score": score, "heights": list(heights)}
    return got
