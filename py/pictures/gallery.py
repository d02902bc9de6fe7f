"""Which digits a gallery shows, a page at a time (pure numpy: the Digits and Chapter 6 labs)."""

from __future__ import annotations

import numpy as np


def gallery_page(n: int, page: int, per_page: int) -> tuple[int, int, int, int]:
    """(start, stop, page, pages) of page ``page`` (clamped to those that exist) of ``n`` items."""
    per_page = max(1, int(per_page))
    pages = max(1, -(-n // per_page))
    page = min(max(0, int(page)), pages - 1)
    start = page * per_page
    return start, min(n, start + per_page), page, pages


def gallery_selection(labels, predictions, cell: tuple[int, int] | None):
    """Indices of the test digits the gallery shows: every mistake, or those of one confusion-matrix
    cell (true digit, answer) — the diagonal cells hold the right answers."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if cell is None:
        return np.flatnonzero(labels != predictions)
    return np.flatnonzero((labels == cell[0]) & (predictions == cell[1]))
