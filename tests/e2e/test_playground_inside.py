"""Lab 4, looking inside the network: a neuron's picture large on hover and with the arrow keys, and a
weight clicked in the diagram, read, changed by typing (bad input refused) and trained on from,
checked against the core's training in CPython."""

from __future__ import annotations

import json
import math

import numpy as np

from nnfs.labs.playground.config import from_hash
from nnfs.models.model_io import from_json
from nnfs.runs.remote import Sessions, unpack_into
from pictures.playground import Layout

from .test_playground import load, stats, wait_state

STATE = (
    "data=circles&n=120&noise=0.1&layers=5,3&act=tanh&cost=cross-entropy&eta=0.5&batch=8&l2=0.1&seed=3&dseed=2&epochs=5"
)


def _model(page):
    return from_json(page.evaluate("document.getElementById('pg-model-json').textContent"))


def _to_page(page, x: float, y: float) -> tuple[float, float]:
    """Canvas pixel (x, y) of #pg-net -> page coordinates (the canvas may be scaled by CSS)."""
    page.locator("#pg-net").scroll_into_view_if_needed()
    box = page.locator("#pg-net").bounding_box()
    width = page.evaluate("document.getElementById('pg-net').width")
    s = box["width"] / width
    return box["x"] + x * s, box["y"] + y * s


def _layout(page) -> Layout:
    w, h = page.evaluate("[document.getElementById('pg-net').width, document.getElementById('pg-net').height]")
    return Layout.make((2, 5, 3, 2), w, h)


def _message(page) -> tuple[str, str]:
    return page.get_attribute("#pg-weight-message", "data-kind"), page.inner_text("#pg-weight-message")


def test_a_neuron_shows_large_and_a_typed_weight_is_trained_on_as_in_cpython(app):
    page = load(app, STATE)
    assert page.is_hidden("#pg-weight-form")  # until a weight is clicked
    page.click("#pg-train")
    wait_state(page, "done")
    assert stats(page)["epoch"] == "5"
    net = _model(page)
    layout = _layout(page)
    t = layout.tile

    # Hover: hidden layer 1, neuron 3, large, coloured by the sign of its output at each point.
    page.mouse.move(*_to_page(page, layout.x[1] + t / 2, layout.y[1][2] + t / 2))
    page.wait_for_function("document.getElementById('pg-zoom').dataset.neuron === '1,2'")
    assert "Hidden layer 1, neuron 3 of 5" in page.inner_text("#pg-zoom-text")
    pixels = page.evaluate(
        "Array.from(document.getElementById('pg-zoom').getContext('2d').getImageData(0, 0, 120, 120).data)"
    )
    rgba = np.array(pixels, dtype=np.uint8).reshape(120, 120, 4)
    checked = 0
    for r, c in ((10, 10), (30, 90), (60, 60), (90, 20), (110, 100), (45, 5)):
        gr, gc = r * 60 // 120, c * 60 // 120  # the 60x60 grid over [-1.1, 1.1]², top row = max x2
        point = np.array([[-1.1 + (gc + 0.5) * 2.2 / 60, 1.1 - (gr + 0.5) * 2.2 / 60]])
        a = np.tanh(net.weights[0] @ point[0] + net.biases[0])[2]  # by hand: tanh(W x + b), neuron 3
        if abs(a) > 0.05:
            red, blue = int(rgba[r, c, 0]), int(rgba[r, c, 2])
            assert (blue > red) == (a > 0), (r, c, a, rgba[r, c])
            checked += 1
    assert checked >= 3

    # Keyboard: the focused diagram moves neuron by neuron, and across layers.
    page.focus("#pg-net")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#pg-zoom", "data-neuron") == "1,3"
    page.keyboard.press("ArrowRight")  # layer 2 has 3 neurons: the last one
    assert page.get_attribute("#pg-zoom", "data-neuron") == "2,2"
    assert "Hidden layer 2, neuron 3 of 3" in page.inner_text("#pg-zoom-text")
    # Enter: its incoming weights in turn, from hidden-1 neuron 1, then 2.
    page.keyboard.press("Enter")
    assert page.get_attribute("#pg-weight-form", "data-weight") == "1,2,0"
    assert page.evaluate("document.activeElement.id") == "pg-weight-value"
    page.focus("#pg-net")
    page.keyboard.press("Enter")
    assert page.get_attribute("#pg-weight-form", "data-weight") == "1,2,1"
    assert float(page.get_attribute("#pg-weight-form", "data-value")) == float(net.weights[1][2, 1])

    # Click the line from hidden-1 neuron 4 to hidden-2 neuron 2: weights[1][1, 3].
    x0, x1 = layout.x[1] + t, layout.x[2]
    y0, y1 = layout.centre_y(1, 3), layout.centre_y(2, 1)
    f = 0.15  # near the start, where the lines from neuron 4 fan out
    page.mouse.click(*_to_page(page, x0 + f * (x1 - x0), y0 + f * (y1 - y0)))
    assert page.is_visible("#pg-weight-form")
    assert page.get_attribute("#pg-weight-form", "data-weight") == "1,1,3"
    held = float(net.weights[1][1, 3])
    assert float(page.get_attribute("#pg-weight-form", "data-value")) == held
    assert page.input_value("#pg-weight-value") == f"{held:.6g}"
    assert "Weight from hidden layer 1 neuron 4 to hidden layer 2 neuron 2" in page.inner_text("#pg-weight-label")

    # Bad input: a clear message, nothing changed.
    for typed, says in (("abc", "is not a number"), ("150", "100"), ("", "empty")):
        page.fill("#pg-weight-value", typed)
        page.click("#pg-weight-set")
        kind, text = _message(page)
        assert kind == "bad" and says in text and "unchanged" in text, text
        assert _model(page).weights[1][1, 3] == held

    # A good one (with the true minus sign the page prints): set, then Step trains on from it.
    page.fill("#pg-weight-value", "\u22122.5")
    page.press("#pg-weight-value", "Enter")
    kind, text = _message(page)
    assert kind == "good" and "Set to -2.5" in text, text
    page.wait_for_function("document.getElementById('pg-model-json').textContent.includes('-2.5')")
    edited = _model(page)
    assert edited.weights[1][1, 3] == -2.5
    for a, b, name in zip(edited.weights + edited.biases, net.weights + net.biases, "wwwbbb"):
        if a.shape == (3, 5) and name == "w":
            b = b.copy()
            b[1, 3] = -2.5
        assert np.array_equal(a, b)
    page.wait_for_function("document.getElementById('pg-status').textContent.includes('A weight changed')")
    page.click("#pg-step")
    page.wait_for_function("document.getElementById('pg-stats').dataset.epoch === '6'", timeout=60_000)
    wait_state(page, "done")
    got = _model(page)

    # CPython: the same run to epoch 5, kept with the edit, one more epoch.
    config = from_hash(STATE)[0]
    spec = {"lab": "playground", "config": config.values()}
    sessions = Sessions()
    sid = json.loads(sessions.start(json.dumps(spec)))["id"]
    sessions.run(sid, math.inf, until_epoch=5)
    new = json.loads(sessions.start(json.dumps({**spec, "weights": [[1, 1, 3, -2.5]]}), keep=sid))["id"]
    sessions.run(new, math.inf, until_epoch=6, max_epochs=6)
    want = _model(page)
    unpack_into(want, sessions.weights(new))
    for a, b in zip(got.weights + got.biases, want.weights + want.biases):
        assert np.max(np.abs(a - b)) <= 1e-9 * np.max(np.abs(b))
    # Without the edit, epoch 6 would be elsewhere: the edit is what the page trained on.
    sessions.run(sid, math.inf, until_epoch=6, max_epochs=6)
    plain = _model(page)
    unpack_into(plain, sessions.weights(sid))
    assert np.max(np.abs(plain.weights[1] - got.weights[1])) > 0.1
    page.click("#pg-weight-close")
    assert page.is_hidden("#pg-weight-form")


def test_a_weight_set_while_training_goes_on_from_the_epoch_reached(app):
    page = load(app, "data=xor&layers=4&epochs=100000", pace="10")
    page.click("#pg-train")
    page.wait_for_function("Number(document.getElementById('pg-stats').dataset.epoch) >= 3")
    layout = Layout.make(
        (2, 4, 2), *page.evaluate("[document.getElementById('pg-net').width, document.getElementById('pg-net').height]")
    )
    t = layout.tile
    x0, x1 = layout.x[1] + t, layout.x[2]
    y0, y1 = layout.centre_y(1, 0), layout.centre_y(2, 1)
    page.mouse.click(*_to_page(page, x0 + 0.85 * (x1 - x0), y0 + 0.85 * (y1 - y0)))
    assert page.get_attribute("#pg-weight-form", "data-weight") == "1,1,0"
    before = int(stats(page)["epoch"])
    page.fill("#pg-weight-value", "3")
    page.click("#pg-weight-set")
    assert _message(page)[0] == "good"
    assert stats(page)["state"] == "running"
    page.wait_for_function(f"Number(document.getElementById('pg-stats').dataset.epoch) >= {before + 3}")
    assert int(stats(page)["epoch"]) >= before + 3 and stats(page)["state"] == "running"
    page.click("#pg-pause")
    wait_state(page, "paused")
    page.click("#pg-weight-close")
