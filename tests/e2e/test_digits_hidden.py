"""Digits: what the hidden neurons learned. Every first-hidden-layer neuron of the pretrained network
as a 28x28 tile of its weights, its activation for the digit being read checked against CPython's
forward pass of the same model, the tiles redrawn only when the weights change, and the large view
by pointer and by keyboard."""

from __future__ import annotations

import numpy as np

from nnfs.data.mnist import SCALE, load_npz
from nnfs.models.model_io import from_json

from .test_digits import DIGITS_LOADED, PRETRAINED, TEST_NPZ, load_model, set_field, small_model_file, stroke

__all__ = ["small_model_file"]  # the fixture, shared


def _activations(page) -> np.ndarray:
    text = page.get_attribute("#dg-hidden", "data-activations")
    return np.array([float(v) for v in text.split(",")]) if text else np.array([])


def test_the_hidden_neurons_and_their_activations_are_the_pretrained_models(app):
    app.goto_lab("digits")
    page = app.page
    page.wait_for_function(DIGITS_LOADED, timeout=60_000)
    page.wait_for_function("[...document.getElementById('dg-model').options].some(o => o.value === 'pretrained')")
    page.select_option("#dg-model", "pretrained")
    page.wait_for_function("document.getElementById('dg-using').dataset.model === 'pretrained'", timeout=60_000)
    net = from_json(PRETRAINED.read_bytes())
    images, _labels = load_npz(TEST_NPZ)
    n = net.sizes[1]
    assert page.get_attribute("#dg-hidden", "data-neurons") == str(n)
    columns = int(page.get_attribute("#dg-hidden", "data-columns"))
    assert columns == 10
    # The picture is one tile per neuron (56 px + 1 px apart at scale 2), 10 to a row.
    size = page.evaluate(
        "[document.getElementById('dg-hidden-tiles').width, document.getElementById('dg-hidden-tiles').height]"
    )
    rows = -(-n // columns)
    assert size == [columns * 57 + 1, rows * 57 + 1]
    draws = page.get_attribute("#dg-hidden", "data-draws")

    for index in (0, 18):
        set_field(page, "#dg-image", str(index))
        page.click("#dg-read-test")
        x = images[index].astype(np.float64) * SCALE
        want = 1.0 / (1.0 + np.exp(-(net.weights[0] @ x + net.biases[0])))  # sigmoid(W x + b), by hand
        got = _activations(page)
        assert got.shape == (n,)
        assert np.max(np.abs(got - want)) < 1e-12
        assert np.max(np.abs(got - net.forward(x[None, :])[0][1][0])) < 1e-12
    # Another digit: the bars change, the tiles are not drawn again.
    assert page.get_attribute("#dg-hidden", "data-draws") == draws

    # Pointing at tile 12 (row 1, column 2) shows neuron 13 large with its weights' range.
    page.locator("#dg-hidden-tiles").scroll_into_view_if_needed()
    box = page.locator("#dg-hidden-tiles").bounding_box()
    sx = box["width"] / size[0]
    page.mouse.move(box["x"] + (1 + 2 * 57 + 28) * sx, box["y"] + (1 + 1 * 57 + 28) * sx)
    page.wait_for_function("document.getElementById('dg-hidden-zoom').dataset.shown === '12'")
    text = page.inner_text("#dg-hidden-zoom-text")
    w = net.weights[0][12]
    assert f"Neuron 13 of {n}: weights from {w.min():.3g} to {w.max():.3g}" in text
    assert float(page.get_attribute("#dg-hidden-zoom", "data-activation")) == _activations(page)[12]

    # The keyboard: focus, then arrows move one tile or one row.
    page.focus("#dg-hidden-tiles")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#dg-hidden-zoom", "data-shown") == "13"
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#dg-hidden-zoom", "data-shown") == "23"
    page.keyboard.press("ArrowLeft")
    assert "Neuron 23 of" in page.inner_text("#dg-hidden-zoom-text")

    # Drawing: an empty pad has no activations; a stroke gives the forward pass of what the net sees.
    page.click("#dg-clear")
    assert page.get_attribute("#dg-hidden", "data-activations") == ""
    page.locator("#dg-draw").scroll_into_view_if_needed()
    stroke(page, [(140, 40 + 10 * i) for i in range(21)])
    got = _activations(page)
    assert got.shape == (n,) and np.all((got > 0) & (got < 1))
    assert page.get_attribute("#dg-hidden", "data-draws") == draws
    page.click("#dg-clear")
    # The convnet's download leaves the download line saying what is loaded, not "loading".
    page.wait_for_function("document.getElementById('dg-conv-note').textContent.includes('convolutional')")
    page.wait_for_function("document.getElementById('dg-data').dataset.state === 'ready'", timeout=10_000)
    assert "convnet" in page.inner_text("#dg-load-text")


def test_a_loaded_network_shows_its_own_neurons_and_the_pretrained_ones_come_back(app, small_model_file):
    app.goto_lab("digits")
    page = app.page
    page.wait_for_function(DIGITS_LOADED, timeout=60_000)
    draws = int(page.get_attribute("#dg-hidden", "data-draws") or 0)
    load_model(page, small_model_file)
    page.wait_for_function("document.getElementById('dg-using').dataset.model === 'file'")
    page.wait_for_function("document.getElementById('dg-hidden').dataset.model === 'file'")
    assert page.get_attribute("#dg-hidden", "data-neurons") == "16"
    assert int(page.get_attribute("#dg-hidden", "data-draws")) == draws + 1
    net = from_json(small_model_file.read_text())
    images, _labels = load_npz(TEST_NPZ)
    set_field(page, "#dg-image", "7")
    page.click("#dg-read-test")
    want = net.forward(images[7:8], scale=SCALE)[0][1][0]
    assert np.max(np.abs(_activations(page) - want)) < 1e-12
    page.select_option("#dg-model", "pretrained")
    page.wait_for_function("document.getElementById('dg-hidden').dataset.model === 'pretrained'")
    assert page.get_attribute("#dg-hidden", "data-neurons") == str(from_json(PRETRAINED.read_bytes()).sizes[1])
