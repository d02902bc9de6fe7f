"""Digits lab results panel: the active model's figures on the test set, and the gallery's pages.

``show`` draws everything once the test set has been scored; the gallery then
pages through all the misclassified digits (Previous/Next), or through the
digits of one confusion-matrix cell when that cell is clicked. Strips are
drawn as wide as the panel allows, so that on a phone their captions keep
their size instead of being shrunk with the canvas.
"""

from __future__ import annotations

from app.labs.digits import view
from app.labs.digits.layout import strip_columns
from app.labs.digits.state import Parts, state
from app.ui.dom import by_id

SAMPLE_COLUMNS = 10  # the first 20 test digits, in rows of (at most) 10
GALLERY_COLUMNS = 8  # the gallery: 3 rows of (at most) 8 per page


def _available_width() -> float:
    return float(by_id("dg-results").clientWidth or 0) - 2 * 16  # the panel's padding


async def show(images, labels, predictions, parts: Parts) -> None:
    """Draw one model's results, a part at a time (the sample strip, the confusion matrix, the
    gallery: ``parts`` yields to the browser between them); the gallery starts again at the
    first page of all mistakes."""
    state.shown_results = (images, labels, predictions)
    state.gallery_cell, state.gallery_page = None, 0
    width = _available_width()
    state.strip_width = width
    columns = strip_columns(width, SAMPLE_COLUMNS)
    await parts.run("sample", view.results_sample, state.canvases, state.els, images, labels, predictions, columns)
    await parts.run("confusion", view.results_confusion, state.els, labels, predictions)
    if state.shown_results is not None and state.shown_results[2] is predictions:  # not replaced meanwhile
        await parts.run("gallery", _draw_gallery)


def _draw_all() -> None:
    images, labels, predictions = state.shown_results
    width = _available_width()
    state.strip_width = width
    view.results(state.canvases, state.els, images, labels, predictions, columns=strip_columns(width, SAMPLE_COLUMNS))
    _draw_gallery()


def _draw_gallery() -> None:
    images, labels, predictions = state.shown_results
    columns = strip_columns(state.strip_width, GALLERY_COLUMNS)
    state.gallery_page = view.draw_gallery(
        state.canvases["gallery"],
        state.els["gallery-count"],
        images,
        labels,
        predictions,
        state.gallery_cell,
        state.gallery_page,
        columns,
    )
    pages = int(state.canvases["gallery"].element.getAttribute("data-pages"))
    by_id("dg-gallery-prev").disabled = state.gallery_page <= 0
    by_id("dg-gallery-next").disabled = state.gallery_page >= pages - 1
    by_id("dg-gallery-all").hidden = state.gallery_cell is None


def _turn(step: int) -> None:
    if state.shown_results is not None:
        state.gallery_page += step
        _draw_gallery()


def prev_clicked(_event) -> None:
    _turn(-1)


def next_clicked(_event) -> None:
    _turn(+1)


def all_clicked(_event) -> None:
    if state.shown_results is not None:
        state.gallery_cell, state.gallery_page = None, 0
        _draw_gallery()


def confusion_clicked(event) -> None:
    """A click on a cell of the confusion matrix shows that cell's digits in the gallery."""
    if state.shown_results is None:
        return
    cell = event.target.closest("td")
    if cell is None or not cell.getAttribute("data-true") or cell.textContent.strip() == "0":
        return
    state.gallery_cell = (int(cell.getAttribute("data-true")), int(cell.getAttribute("data-pred")))
    state.gallery_page = 0
    _draw_gallery()
    by_id("dg-gallery").scrollIntoView({"block": "nearest"})


def resized(_event=None) -> None:
    """Redraw the strips when the panel's width changes how many digits fit in a row."""
    if state.shown_results is None or by_id("dg-results").getAttribute("data-state") != "ready":
        return
    width = _available_width()
    same = all(
        strip_columns(width, n) == strip_columns(state.strip_width, n) for n in (SAMPLE_COLUMNS, GALLERY_COLUMNS)
    )
    if not same:
        page, cell = state.gallery_page, state.gallery_cell
        _draw_all()
        state.gallery_page, state.gallery_cell = page, cell
        _draw_gallery()
