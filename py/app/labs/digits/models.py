"""Digits lab models: which network reads the digits, its test-set results, save/load/export.

Three models can be chosen in ``#dg-model``: "pretrained" (static/models),
"trained" (this page's run) and "file" (loaded by the learner). The chosen
one answers the drawing and is scored on the test set (``#dg-results``,
``#dg-test-accuracy``, ``#dg-sample``, ``#dg-gallery``, ``#dg-confusion``);
``#dg-using`` (data-model) names it.
"""

from __future__ import annotations

import asyncio

import numpy as np

from app.labs.digits import pad
from app.labs.digits import results as digits_results
from app.labs.digits.data import LoadError, data_ready, fetch_bytes
from app.labs.digits.state import Parts, lab, message, state
from app.ui import files
from app.ui.dom import by_id, set_text, spawn
from nnfs.data import mnist
from nnfs.labs.digits import confidence_note, eval_rows
from nnfs.models import export, model_io
from nnfs.models.model_io import check_digit_model, usable
from nnfs.settings.training import n_weights

MODEL_URL = files.PRETRAINED
CONVNET_URL = files.PRETRAINED_CONV
MAX_MODEL_BYTES = 50_000_000


async def load_pretrained() -> None:
    """Fetch and check the pretrained model; a missing file is explained, a damaged one is a LoadError."""
    text = await fetch_bytes(MODEL_URL, "Pretrained model", missing_ok=True)
    if text is None:
        message(
            "dg-model-message",
            "No pretrained model in this copy of the app (static/models/pretrained.json is missing; "
            "python tools/train_pretrained.py makes it). Train a network below or load a model file.",
            "bad",
        )
        update_model_choices()
        return
    try:
        net = check_digit_model(model_io.from_json(text))
    except ValueError as e:
        raise LoadError(f"Pretrained model: static/models/pretrained.json is not a usable model: {e}") from None
    state.models["pretrained"] = net
    state.loaded_bytes["pretrained model"] = len(text)
    acc = net.meta.get("test_accuracy")
    state.pretrained_accuracy = float(acc) if isinstance(acc, (int, float)) else None
    # The caller scores it on the test set next, so no refresh here.
    keep = state.active == "pretrained" or state.models[state.active] is None
    set_active("pretrained" if keep else state.active, refresh=False)


async def load_convnet() -> None:
    """The pretrained convolutional net of chapter 6, which answers the drawing beside the chosen
    model (``pad``): fetched quietly after the lab's own data (it does not take over the download
    line, which then says what the lab has loaded); a missing or damaged file only hides its line,
    with the reason in it."""
    from nnfs.models.convnet_io import check_digit_convnet
    from nnfs.models.convnet_io import from_json as convnet_from_json

    try:
        text = await files.fetch_bytes(CONVNET_URL, missing_ok=True)
        if text is None:
            raise LoadError("static/models/pretrained-conv.json is missing")
        state.convnet = check_digit_convnet(convnet_from_json(text))
    except (LoadError, ValueError, files.FetchError) as e:
        set_text("dg-conv-note", f"(The convolutional net did not load: {e}.)")
        return
    state.loaded_bytes["pretrained convnet"] = len(text)
    if str(state.els["data"].getAttribute("data-state")) == "ready":  # not while a run's download shows
        data_ready()  # the line names what is loaded, the convnet too
    set_text("dg-conv-note", "The pretrained convolutional net of chapter 6 reads every digit here too.")
    pad.predict_drawing()


def update_model_choices() -> None:
    select = by_id("dg-model")
    # Written only where something changed: each read or write crosses the bridge to the page.
    for option in select.options:
        key = str(option.value)
        net = state.models.get(key)
        text = state.model_names[key] + ("" if net is not None else " (none yet)")
        if bool(option.disabled) != (net is None):
            option.disabled = net is None
        if str(option.textContent) != text:
            option.textContent = text
    if str(select.value) != state.active:
        select.value = state.active


def using_text() -> str:
    net = state.active_net()
    if net is None:
        return "no network yet"
    if state.active == "trained" and state.run is not None:
        return f"your network ({state.position or 'epoch 0'}{', training' if state.training() else ''}) {net.sizes}"
    return f"{state.model_names[state.active]} · {net.sizes} {net.activation}, {net.cost} cost"


def update_using() -> None:
    el = by_id("dg-using")
    el.textContent = using_text()
    net = state.active_net()
    el.setAttribute("data-model", state.active if net is not None else "none")
    set_text("dg-conf-note", confidence_note(net.output_activation) if net is not None else "")
    results = by_id("dg-results")
    if results.getAttribute("data-state") == "ready" and results.getAttribute("data-model") == state.active:
        set_text("dg-results-model", using_text())


def set_active(key: str, refresh: bool = True) -> None:
    """Make model ``key`` the one that reads the digits (and, unless told not to, score it)."""
    state.active = key
    update_model_choices()
    update_using()
    pad.predict_drawing()
    if refresh:
        spawn(refresh_results())


def model_changed(_event) -> None:
    key = str(by_id("dg-model").value)
    if state.models.get(key) is not None:
        set_active(key)


async def predict_async(net, images, wanted=None) -> np.ndarray | None:
    """The network's answers for many images, a chunk at a time so the page stays responsive
    (a few hundred images, fewer for a big network).

    ``wanted()`` returning False abandons the work (None is returned).
    """
    out = []
    rows = eval_rows(n_weights(net.sizes))
    for k in range(0, len(images), rows):
        if wanted is not None and not wanted():
            return None
        out.append(net.predict(images[k : k + rows], scale=mnist.SCALE))
        await asyncio.sleep(0)
    return np.concatenate(out)


async def refresh_results(predictions=None, parts: Parts | None = None) -> None:
    """Score the active model on the test set and redraw the results panel (a part at a time:
    ``parts`` times them, see ``state.Parts``)."""
    state.results_token += 1
    token = state.results_token
    net = state.active_net()
    results = by_id("dg-results")
    accuracy = state.els["accuracy"]
    if net is None or "test" not in state.data or not usable(net):
        results.setAttribute("data-state", "empty")  # the CSS hides the previous network's figures
        results.setAttribute("data-model", state.active)
        accuracy.textContent = "–"
        accuracy.setAttribute("data-accuracy", "")
        if "test" in state.failures and "test" not in state.data:
            missing = "the test set did not load (Retry at the top of the lab)"
        else:
            missing = "waiting for the test set"
        set_text(
            "dg-results-model",
            "no network yet"
            if net is None
            else missing
            if "test" not in state.data
            else "a diverged network (no results)",
        )
        return
    images, labels = state.data["test"]
    if not lab.visible:
        # Another lab is shown (this one trains on): nobody sees the panel, so it is drawn
        # when the lab is shown again (digits_lab.show), not now, in the shown lab's time.
        state.results_later = (predictions,)
        results.setAttribute("data-state", "pending")
        return
    state.results_later = None
    results.setAttribute("data-state", "computing")
    set_text("dg-results-model", f"{state.model_names[state.active]}, scoring…")
    if predictions is None:
        predictions = await predict_async(net, images, wanted=lambda: token == state.results_token)
    if token != state.results_token or predictions is None:
        return  # another model was chosen meanwhile
    await digits_results.show(images, labels, predictions, parts or Parts())
    if token != state.results_token:
        return  # another model was chosen while the panel was drawn
    set_text("dg-results-model", using_text())
    results.setAttribute("data-state", "ready")
    results.setAttribute("data-model", state.active)


# --- saving, loading, exporting ------------------------------------------------------------


def _model_json() -> tuple[str, str]:
    net = state.active_net()
    if net is None:
        raise ValueError("there is no network to save yet")
    if not usable(net):
        raise ValueError("this network diverged in training; there is nothing worth keeping")
    return model_io.to_json(net), state.active


def save_clicked(_event) -> None:
    try:
        text, key = _model_json()
    except ValueError as e:
        message("dg-model-message", f"Cannot save: {e}.", "bad")
        return
    filename = {"pretrained": "digits_pretrained.json", "trained": "digits_model.json"}.get(key, "digits_model.json")
    files.save_text(text, filename, "application/json")
    message("dg-model-message", f"Saved {state.model_names[key]} as {filename} ({len(text) / 1e6:.1f} MB).", "good")


def export_clicked(_event) -> None:
    try:
        text, key = _model_json()
        script = export.export_script(text)
    except ValueError as e:
        message("dg-model-message", f"Cannot export: {e}.", "bad")
        return
    files.save_text(script, "digits_model.py", "text/x-python")
    message(
        "dg-model-message",
        f"Exported {state.model_names[key]} as digits_model.py: run it with python digits_model.py mnist-test.npz 20",
        "good",
    )


def load_clicked(_event) -> None:
    by_id("dg-load-file").click()


async def file_chosen(_event) -> None:
    name = "the file"
    try:
        chosen = await files.read_chosen_file(by_id("dg-load-file"), MAX_MODEL_BYTES)
        if chosen is None:
            return
        name, data = chosen
        net = check_digit_model(model_io.from_json(data))
    except ValueError as e:
        text = str(e) if str(e).startswith(name) else f"{name} was not loaded: {e}"
        message("dg-model-message", f"{text}. The current network is unchanged.", "bad")
        return
    state.models["file"] = net
    state.model_names["file"] = f"loaded: {name}"
    set_active("file")
    message("dg-model-message", f"Loaded {name}: {net.sizes}, {net.activation}, {net.cost} cost.", "good")
