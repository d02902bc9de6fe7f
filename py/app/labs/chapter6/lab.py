"""Lab 9, Chapter 6: convolutional networks. Glue only.

1. The book's ladder (``nnfs.labs.chapter6.ladder``): choose a rung, and the form takes its
   learning settings and a number of training images that trains in about a minute; Train
   runs it in the training worker (``app.labs.chapter6.train``); runs are kept in "Your
   runs" and the ladder's table sets the book's figure beside the best run kept here.
2. What the net sees (``app.labs.chapter6.look``): filters, feature maps, the fully
   connected layers and the answer, for the pretrained convnet, the learner's or a file
   (``app.labs.chapter6.models``), and the misclassified test digits.

Test hooks: the form's settings (``#c6-NAME``), ``#c6-book`` data-rung and data-book
(the book's figure), ``#c6-memory`` data-bytes (the run's estimated memory).
"""

from __future__ import annotations

from app.labs.chapter6 import look, models, train
from app.labs.chapter6.state import lab, state
from app.runs import warm
from app.ui.dom import by_id, set_text
from nnfs.labs.chapter6 import session as c6
from nnfs.labs.chapter6.ladder import LADDER


def setup() -> None:
    lab.on_change = changed
    lab.build()
    look.setup()
    models.setup()
    train.setup()
    train.panel.build()
    train.draw_ladder()
    train.draw_curves(None)
    _describe()


def show(link: str) -> None:
    models.load_once()
    warm.mnist()  # after the test set (the worker's load_mnist is one at a time): then the training set
    lab.show(link)
    _describe()
    look.draw()


def hide() -> None:
    lab.hide()


def changed(name: str, value) -> None:
    if name == "rung":  # a rung brings the book's learning settings, and a minute's images
        lab.set(**c6.rung_values(str(value)))
    _describe()


def _describe() -> None:
    """The chosen rung in the book's words, and what its run would hold in memory."""
    key = str(lab.values["rung"])
    rung = LADDER[key]
    el = by_id("c6-book")
    el.setAttribute("data-rung", key)
    el.setAttribute("data-book", str(rung.book_accuracy))
    expanded = " on the training images expanded ×5 by one-pixel shifts," if rung.expanded else ","
    set_text(
        "c6-book",
        f"The book: {100 * rung.book_accuracy:.2f} % on the test images after {rung.book_epochs} epochs{expanded} "
        f"η = {rung.eta:g}, λ = {rung.lmbda:g}, mini-batches of 10 (\u201c{rung.book_says}\u201d).",
    )
    try:
        values = c6.read({n: lab.values[n] for n in c6.SETTINGS.names()})
        need = c6.memory_bytes(values)
    except ValueError:
        return
    el = by_id("c6-memory")
    el.setAttribute("data-bytes", str(need))
    fits = need <= c6.MEMORY_LIMIT
    set_text(
        "c6-memory",
        f"This run holds about {need / 1e6:,.0f} MB in the training worker"
        + (
            "."
            if fits
            else f": more than the {c6.MEMORY_LIMIT / 1e6:,.0f} MB a page can count on. Choose fewer images."
        ),
    )
    el.className = "note" if fits else "note bad"
    if state.run is None:
        by_id("c6-train").disabled = not fits
