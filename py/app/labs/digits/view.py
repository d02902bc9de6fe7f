"""Drawing for the Digits lab: accuracy curves, digit galleries, confusion matrix, confidence bars.

Each picture is one ``ImageData`` (galleries) or a few canvas calls
(curves); tables and bars are built as one HTML string and set in one call.
Numbers the tests read are written into ``data-`` attributes.
"""

from __future__ import annotations

import html

import numpy as np

from app.ui.canvas import Canvas, plot_axes
from app.ui.digit_pictures import draw_digit_strip, gallery_page, gallery_selection
from nnfs.labs.digits import curve_range
from nnfs.maths.metrics import confusion_matrix
from pictures.pixels import grayscale

VALIDATION_COLOUR = "#457b9d"
TEST_COLOUR = "#e76f51"
REFERENCE_COLOUR = "#8a94a3"


def draw_seen(canvas: Canvas, pixels28) -> None:
    """The 28x28 input the network sees, enlarged with crisp pixels."""
    image = np.asarray(pixels28, dtype=np.float64).reshape(28, 28)
    canvas.draw_rgba(grayscale(image), 0, 0, canvas.width, canvas.height, smooth=False)


def bars_html(conf: np.ndarray, answer: int | None) -> str:
    """One row per digit: the digit, a bar as long as its confidence, the percentage."""
    rows = []
    for d, c in enumerate(conf):
        pct = 100.0 * float(c)
        cls = "dg-bar-row winner" if d == answer else "dg-bar-row"
        rows.append(
            f'<li class="{cls}" data-digit="{d}" data-confidence="{float(c):.6f}">'
            f'<span class="dg-bar-digit">{d}</span>'
            f'<span class="dg-bar-track"><span class="dg-bar-fill" style="width:{pct:.1f}%"></span></span>'
            f'<span class="dg-bar-value">{pct:.1f} %</span></li>'
        )
    return "".join(rows)


def empty_bars_html() -> str:
    return "".join(
        f'<li class="dg-bar-row" data-digit="{d}" data-confidence="">'
        f'<span class="dg-bar-digit">{d}</span><span class="dg-bar-track"></span>'
        f'<span class="dg-bar-value">–</span></li>'
        for d in range(10)
    )


def confusion_html(matrix: np.ndarray) -> str:
    """The confusion matrix as table rows: row = true digit, column = the network's answer.

    Correct answers (the diagonal) are shaded green, mistakes red, darker for more.
    """
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    max_off = max(int(off.max()), 1)
    rows = []
    for t in range(matrix.shape[0]):
        cells = [f'<th scope="row">{t}</th>']
        row_total = max(int(matrix[t].sum()), 1)
        for p in range(matrix.shape[1]):
            n = int(matrix[t, p])
            if t == p:
                alpha = 0.15 + 0.6 * n / row_total
                style = f"background:rgba(42,157,143,{alpha:.2f})"
                cls = "diag"
            elif n:
                alpha = 0.1 + 0.75 * n / max_off
                style = f"background:rgba(232,66,78,{alpha:.2f})"
                cls = "off"
            else:
                style, cls = "", "zero"
            # A cell with digits in it is a button: it shows those digits in the gallery.
            images = "test image" if n == 1 else "test images"
            content = (
                f'<button type="button" class="dg-cell" aria-label="{n} {images} of a {t} '
                f'read as {p}: show {"it" if n == 1 else "them"}">{n}</button>'
                if n
                else f"{n}"
            )
            cells.append(f'<td class="{cls}" style="{style}" data-true="{t}" data-pred="{p}">{content}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(rows)


def results(canvases: dict, els: dict, images, labels, predictions, n_sample: int = 20, columns: int = 10) -> float:
    """Draw the accuracy, the first test digits and the confusion matrix of one model on the
    test set (the gallery is drawn by ``draw_gallery``); returns the accuracy."""
    acc = results_sample(canvases, els, images, labels, predictions, columns, n_sample)
    results_confusion(els, labels, predictions)
    return acc


def results_sample(canvases: dict, els: dict, images, labels, predictions, columns: int = 10, n_sample: int = 20):
    """The accuracy and the first ``n_sample`` test digits with the model's answers; returns the accuracy."""
    labels = np.asarray(labels)
    predictions = np.asarray(predictions)
    correct = int(np.sum(labels == predictions))
    total = len(labels)
    acc = correct / total
    el = els["accuracy"]
    el.textContent = f"{100 * acc:.2f} % ({correct:,} of {total:,} right)"
    el.setAttribute("data-accuracy", f"{acc:.4f}")

    sample = canvases["sample"]
    draw_digit_strip(sample, images[:n_sample], labels[:n_sample], predictions[:n_sample], columns=columns)
    sample.element.setAttribute("data-predictions", ",".join(str(int(p)) for p in predictions[:n_sample]))
    sample.element.setAttribute("data-labels", ",".join(str(int(y)) for y in labels[:n_sample]))
    return acc


def results_confusion(els: dict, labels, predictions) -> None:
    """The confusion matrix (true digit by answer), its cells buttons that pick the gallery's digits."""
    matrix = confusion_matrix(np.asarray(labels), np.asarray(predictions))
    els["confusion"].innerHTML = confusion_html(matrix)
    els["confusion"].setAttribute("data-total", str(int(matrix.sum())))
    els["confusion"].setAttribute("data-correct", str(int(np.trace(matrix))))


def draw_gallery(
    canvas: Canvas, count_el, images, labels, predictions, cell, page: int, columns: int, rows: int = 3
) -> int:
    """One page of the gallery (``columns`` × ``rows`` digits); returns the page actually shown."""
    chosen = gallery_selection(labels, predictions, cell)
    start, stop, page, pages = gallery_page(len(chosen), page, columns * rows)
    shown = chosen[start:stop]
    draw_digit_strip(canvas, images[shown], labels[shown], predictions[shown], columns=columns, caption="label→answer")
    el = canvas.element
    el.setAttribute("data-count", str(len(chosen)))
    el.setAttribute("data-shown", str(len(shown)))
    el.setAttribute("data-page", str(page))
    el.setAttribute("data-pages", str(pages))
    el.setAttribute("data-cell", "" if cell is None else f"{cell[0]},{cell[1]}")
    el.setAttribute("data-items", ";".join(f"{int(i)}:{int(labels[i])}:{int(predictions[i])}" for i in shown))
    total = len(labels)
    if cell is None:
        what = f"{len(chosen):,} of {total:,} test digits are misclassified"
    elif cell[0] == cell[1]:
        what = f"{len(chosen):,} test images of a {cell[0]} read right"
    else:
        what = f"{len(chosen):,} test images of a {cell[0]} read as {cell[1]}"
    where = f"; {start + 1:,}–{stop:,} shown" if len(chosen) else ""
    count_el.textContent = f"{what}{where}, captioned true digit → the network's answer (page {page + 1} of {pages})."
    return page


def draw_curves(canvas: Canvas, records, planned_epochs: int, reference: float | None = None) -> None:
    """Validation and test accuracy after each epoch (and the pretrained model's, dashed)."""
    canvas.clear()
    n = max(planned_epochs, len(records), 1)
    values = [r.validation_accuracy for r in records] + [r.test_accuracy for r in records]
    low, high = curve_range(values + ([reference] if reference else []))
    step = 0.05 if high - low <= 0.25 else 0.1
    ticks_y = [round(low + k * step, 2) for k in range(int(round((high - low) / step)) + 1)]
    every = max(1, int(np.ceil(n / 10)))
    ticks_x = list(range(0, n + 1, every))
    px, py = plot_axes(
        canvas, (0, n), (low, high), margin=38, ticks_x=ticks_x, ticks_y=ticks_y, label_x="epoch", label_y="accuracy"
    )
    if reference is not None and low <= reference <= high:
        canvas.line(px(0), py(reference), px(n), py(reference), REFERENCE_COLOUR, 1, dash=[5, 4])
        canvas.text(
            f"pretrained {100 * reference:.1f} %", px(n), py(reference) - 8, REFERENCE_COLOUR, 11, align="right"
        )
    for attr, colour in (("validation_accuracy", VALIDATION_COLOUR), ("test_accuracy", TEST_COLOUR)):
        xs = [r.epoch for r in records]
        ys = [getattr(r, attr) for r in records]
        if xs:
            canvas.polyline([px(x) for x in xs], [py(y) for y in ys], colour, 2)
            canvas.circles([(px(x), py(y)) for x, y in zip(xs, ys)], 3.5, fill=colour, stroke=None)
    canvas.element.setAttribute("data-points", str(len(records)))


def epoch_row_html(r) -> str:
    return (
        f'<tr data-epoch="{r.epoch}" data-seconds="{r.seconds:.3f}" '
        f'data-validation-accuracy="{r.validation_accuracy:.4f}" data-test-accuracy="{r.test_accuracy:.4f}" '
        f'data-mean-cost="{r.mean_cost:.6g}" data-images="{r.images}">'
        f"<td>{r.epoch}</td><td>{r.seconds:.2f} s</td><td>{r.images_per_second:,.0f}</td>"
        f"<td>{r.mean_cost:.4f}</td><td>{100 * r.validation_accuracy:.2f} %</td>"
        f"<td>{100 * r.test_accuracy:.2f} %</td></tr>"
    )


def escape(text) -> str:
    return html.escape(str(text))
