"""Lab 5, digits: train a network on real MNIST in the page, and read what the learner draws.

This module wires the lab together; the work is split by concern:
- ``data``: downloads with progress in bytes, failures and Retry;
- ``models``: which network reads the digits, its test-set results,
  save/load/export; ``results``: the results panel;
- ``pad``: the drawing pad and the network's answer; ``hidden``: what its first hidden layer learned;
- ``form``: the training form (built from the settings table by the lab base), its preset
  and summary; ``controls``: its buttons (Train, Pause, Stop) and the run state they show;
  ``run``: the run in the training worker, on the lab base's RunLoop;
- ``history``: the runs kept under the epoch log, and the run in progress kept in the browser;
- ``resume``: a run a reload cut off, offered back (Continue training);
- ``view``: pure drawing (curves, galleries, confusion matrix, bars);
- ``state``: the state they share, in one object.

Data arrives only when the lab is first shown: the 10,000 test images and the
pretrained model at once (to draw and evaluate), the 50,000 training and
10,000 validation images when training starts.

Values for tests are in the DOM: ``#dg-data`` (data-state, data-loaded,
data-total, data-percent, data-sets), ``#dg-run`` (see controls and run),
``#dg-epoch-log`` rows, ``#dg-answer`` (data-digit, data-outputs),
``#dg-bars`` items (data-confidence), ``#dg-using`` (data-model),
``#dg-sample`` (data-predictions), ``#dg-gallery`` and ``#dg-confusion``.
"""

from __future__ import annotations

import js

from app.labs.digits import controls, data, form, hidden, models, pad, results, resume, view
from app.labs.digits import history as digits_history
from app.labs.digits.state import lab, state
from app.runs import warm
from app.ui.canvas import Canvas
from app.ui.dom import by_id, on, set_html, spawn


async def _initial_load() -> None:
    """Fetch the test set and the pretrained model, each on its own: one that fails does not
    keep the other away (a model can read drawings without the test set). Retry fetches
    again only what failed."""

    async def action():
        for key, load in (("test", lambda: data.load_split("test")), ("pretrained", models.load_pretrained)):
            if key == "pretrained" and state.models["pretrained"] is not None:
                continue
            try:
                await load()
                state.failures.pop(key, None)
            except data.LoadError as e:
                state.failures[key] = str(e)
        by_id("dg-test-retry").hidden = "test" not in state.failures
        pad.predict_drawing()  # a model that did arrive reads the drawing now
        if state.failures:
            await models.refresh_results()  # says what the results panel is missing
            raise data.LoadError(" ".join(state.failures.values()))
        data.data_ready()
        await models.refresh_results()
        pad.predict_drawing()
        if state.convnet is None:
            await models.load_convnet()

    await data.with_retry(action)


def _test_index_key(event) -> None:
    """Enter in the test-image number reads that image, as the button beside it does."""
    if event.key == "Enter":
        event.preventDefault()
        pad.read_test_image()


def setup() -> None:
    """Bind the controls (no data is loaded until the lab is shown)."""
    for key, element_id in (
        ("draw", "dg-draw"),
        ("seen", "dg-seen"),
        ("curves", "dg-curves"),
        ("sample", "dg-sample"),
        ("gallery", "dg-gallery"),
    ):
        state.canvases[key] = Canvas(element_id)
    for key in ("data", "load-progress", "run", "train-progress"):
        state.els[key] = by_id(f"dg-{key}")
    state.els["accuracy"] = by_id("dg-test-accuracy")
    state.els["nav"] = js.document.querySelector("#nav a[data-lab='digits']")
    state.els["gallery-count"] = by_id("dg-gallery-count")
    state.els["confusion"] = by_id("dg-confusion")
    lab.build()  # every setting's control (training form, test image) from the table

    controls.setup()
    on("dg-load-retry", "click", data.retry_clicked)
    on("dg-test-retry", "click", data.retry_clicked)  # the same Retry, beside "Read test image"
    on("dg-model", "change", models.model_changed)
    on("dg-save", "click", models.save_clicked)
    on("dg-load", "click", models.load_clicked)
    on("dg-load-file", "change", models.file_chosen)
    on("dg-export", "click", models.export_clicked)
    on("dg-clear", "click", pad.clear_drawing)
    on("dg-undo", "click", pad.undo)
    on("dg-read-test", "click", pad.read_test_image)
    on("dg-image", "keydown", _test_index_key)
    on("dg-gallery-prev", "click", results.prev_clicked)
    on("dg-gallery-next", "click", results.next_clicked)
    on("dg-gallery-all", "click", results.all_clicked)
    on(state.els["confusion"], "click", results.confusion_clicked)
    on(js.window, "resize", results.resized)
    draw = state.canvases["draw"].element
    on(draw, "pointerdown", pad.pointer_down)
    on(draw, "pointermove", pad.pointer_move)
    on(draw, "pointerup", pad.pointer_up)
    on(draw, "pointercancel", pad.pointer_up)

    pad.setup()
    hidden.setup()  # what the hidden neurons learned, under the pad
    digits_history.panel.build()  # the run history under the epoch log
    resume.setup()  # a run a reload cut off: kept in the history, offered beside Train
    models.update_model_choices()
    models.update_using()
    set_html("dg-bars", view.empty_bars_html())


def show(link: str = "") -> None:
    """First show: start loading the test set and the pretrained model. A link that names a
    test image (``#digits/image=3``) shows that image (as soon as the test set is there)."""
    read = lab.show(link)
    warm.mnist()  # the training set into the worker while the learner reads: the first Train starts at once
    if read:
        form.settings_changed()  # which preset the link's settings match, and their summary
    if read and "image=" in link and lab.fields["image"].error.textContent == "":
        state.shown_test_index = int(lab["image"])
        pad.predict_drawing()
    if state.results_later is not None:  # results that came while another lab was shown
        (predictions,) = state.results_later
        state.results_later = None
        spawn(models.refresh_results(predictions))
    # The curves were drawn at set-up off screen: again at the size they are shown.
    epochs = state.run.config.epochs if getattr(state.run, "config", None) is not None else int(lab["epochs"])
    view.draw_curves(state.canvases["curves"], state.records, epochs, state.pretrained_accuracy)
    if not state.started:
        state.started = True
        spawn(_initial_load())


def hide() -> None:
    """Leaving the lab ends a stroke in progress (training, if any, keeps going: the lab's link
    in the navigation says so, and Pause/Stop are here when the learner comes back)."""
    state.pointer = None
    lab.hide()


__all__ = ["setup", "show", "hide"]
