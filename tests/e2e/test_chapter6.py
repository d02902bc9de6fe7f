"""The Chapter 6 lab, driven like a person: a rung trained in the worker equals CPython's run of
the same settings, the feature maps of a drawn digit are the core's, the pretrained convnet
reads the test images as CPython does, Stop scores the weights held, bad files are refused."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from nnfs.data.mnist import SCALE, load_npz
from nnfs.labs.chapter6 import session as c6
from nnfs.labs.chapter6.ladder import LADDER
from nnfs.models.convnet_io import from_json

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "static" / "data"
PRETRAINED = ROOT / "static" / "models" / "pretrained-conv.json"


def open_lab(app, state: str = ""):
    app.goto_lab("chapter6", state)
    return app.page


def fill(page, name: str, value) -> None:
    page.fill(f"#c6-{name}", str(value))
    page.press(f"#c6-{name}", "Enter")


def splits():
    return [load_npz(DATA / f"mnist-{s}.npz") for s in ("train", "validation", "test")]


def cpython_history(values: dict) -> dict:
    session = c6.build_session(values, *splits())
    while session.run(10.0) is None:
        pass
    return session.history


def run_state(page) -> str:
    return page.get_attribute("#c6-run", "data-state")


def test_choosing_a_rung_sets_the_books_settings_and_says_the_books_figure(app):
    page = open_lab(app)
    page.select_option("#c6-rung", "relu")
    assert page.input_value("#c6-eta") == "0.03"
    assert page.input_value("#c6-l2") == "0.1"
    assert page.get_attribute("#c6-book", "data-book") == str(LADDER["relu"].book_accuracy)
    assert "99.23 %" in page.inner_text("#c6-book")
    assert "60 epochs" in page.inner_text("#c6-book")
    page.select_option("#c6-rung", "dropout")
    assert page.input_value("#c6-l2") == "0"
    assert int(page.get_attribute("#c6-memory", "data-bytes")) > 100e6
    rows = page.locator("#c6-ladder-rows tr")
    assert rows.count() == len(LADDER)
    assert [rows.nth(k).get_attribute("data-book") for k in range(len(LADDER))] == [
        str(r.book_accuracy) for r in LADDER.values()
    ]


def test_a_short_run_equals_cpythons_to_1e_9_and_joins_the_runs(app):
    page = open_lab(app)
    page.select_option("#c6-rung", "relu")
    for name, value in (("images", 300), ("epochs", 2), ("scored", 300), ("seed", 3)):
        fill(page, name, value)
    page.click("#c6-train")
    page.wait_for_function("document.getElementById('c6-run').dataset.state === 'done'", timeout=240_000)
    got = json.loads(page.get_attribute("#c6-run", "data-history"))
    want = cpython_history(
        {"rung": "relu", "images": 300, "epochs": 2, "scored": 300, "seed": 3, "eta": 0.03, "l2": 0.1, "batch": 10}
    )
    assert got["epoch"] == [0, 1, 2]
    for key in ("validation_acc", "test_acc", "validation_loss", "test_loss", "minibatch_loss"):
        for g, w in zip(got[key], want[key]):
            assert (g is None and math.isnan(w)) or abs(g - w) <= 1e-9, (key, got[key], want[key])
    assert int(page.get_attribute("#c6-run", "data-slices")) >= 2
    assert int(page.get_attribute("#c6-run", "data-filter-draws")) >= 1
    assert page.locator("#c6-epoch-log tr").count() == 2
    curves = json.loads(page.get_attribute("#c6-curves", "data-series"))["series"]
    assert [c["points"] for c in curves][:2] == [3, 3]  # validation and test, epochs 0-2
    assert page.get_attribute("#c6-runs", "data-count") == "1"
    here = page.get_attribute("#c6-ladder-rows tr[data-rung='relu']", "data-here")
    assert abs(float(here) - want["test_acc"][-1]) < 1e-12
    # Looking inside the trained network: a test image's maps are the core's for those weights.
    assert page.get_attribute("#c6-look", "data-model") == "trained"


def test_stop_scores_the_weights_held(app):
    page = open_lab(app)
    page.select_option("#c6-rung", "conv1")
    for name, value in (("images", 5000), ("epochs", 3), ("scored", 200)):
        fill(page, name, value)
    page.click("#c6-train")
    page.wait_for_function("document.getElementById('c6-run').dataset.state === 'training'", timeout=240_000)
    page.wait_for_function("Number(document.getElementById('c6-run').dataset.slices || 0) >= 3", timeout=240_000)
    page.click("#c6-stop")
    page.wait_for_function("document.getElementById('c6-run').dataset.state === 'stopped'", timeout=120_000)
    position = page.get_attribute("#c6-run", "data-position")
    assert position and "epoch" in position
    assert 0.0 <= float(page.get_attribute("#c6-run", "data-held-test-accuracy")) <= 1.0
    assert "Stopped at" in page.inner_text("#c6-train-text")


ENDS = "['done', 'stopped']"  # a run's end (a seed that gets nowhere is stopped after its epoch)
# Each change of the run's and the mistakes panel's state, and each Train click, in order.
WATCH = """() => { window.__c6Log = [];
  const run = document.getElementById('c6-run'), mistakes = document.getElementById('c6-mistakes');
  const note = (what, el) => window.__c6Log.push([what, el.dataset.state, +(el.dataset.read || 0)]);
  new MutationObserver(() => note('run', run)).observe(run, {attributes: true, attributeFilter: ['data-state']});
  new MutationObserver(() => note('mistakes', mistakes))
    .observe(mistakes, {attributes: true, attributeFilter: ['data-state']});
  document.getElementById('c6-train').addEventListener('click', () => note('click', mistakes), {capture: true}); }"""


def test_a_second_train_right_after_a_run_does_not_wait_for_the_first_runs_mistakes(app):
    """A run that ends reads the test set's 10,000 answers in the worker (its mistakes), seconds
    of a convnet's work; a Train pressed meanwhile must not queue behind all of it (the second
    press waited 3-4x as long as the first). The read is asked a slice at a time and abandoned
    after the slice in flight: the new run trains before the old answers ever show."""
    page = open_lab(app)
    page.select_option("#c6-rung", "relu")
    for name, value in (("images", 300), ("epochs", 1), ("scored", 300), ("seed", 0)):
        fill(page, name, value)
    page.evaluate(WATCH)
    page.click("#c6-train")
    page.wait_for_function(f"{ENDS}.includes(document.getElementById('c6-run').dataset.state)", timeout=240_000)
    page.wait_for_function("document.getElementById('c6-mistakes').dataset.state === 'reading'", timeout=60_000)
    page.click("#c6-train")  # while the worker reads the first run's answers
    page.wait_for_function(
        f"window.__c6Log.filter(e => e[0] === 'run' && {ENDS}.includes(e[1])).length === 2", timeout=240_000
    )
    log = page.evaluate("window.__c6Log")
    second = [k for k, e in enumerate(log) if e[0] == "click"][1]
    after = log[second:]
    training = next(k for k, e in enumerate(after) if e[:2] == ["run", "training"])
    assert ["mistakes", "shown"] not in [e[:2] for e in after[:training]], after  # not read to the end first
    abandoned = [e for e in after[:training] if e[0] == "mistakes"]
    assert abandoned and abandoned[-1][1] == "empty", after  # the old model's read was given up, the panel says so
    assert abandoned[-1][2] - after[0][2] <= 200, after  # after the click: one slice at most (models.READ_SLICE)
    # The new run's own answers are read once it has ended.
    page.wait_for_function("document.getElementById('c6-mistakes').dataset.state === 'shown'", timeout=240_000)
    assert page.get_attribute("#c6-mistakes", "data-read") == "10000"


def look_at_pretrained(app):
    page = open_lab(app)
    page.select_option("#c6-model", "pretrained")
    page.wait_for_function("document.getElementById('c6-look').dataset.model === 'pretrained'", timeout=60_000)
    return page


def test_the_feature_maps_of_a_test_image_are_the_cores(app):
    net = from_json(PRETRAINED.read_bytes())
    images, labels = load_npz(DATA / "mnist-test.npz")
    page = look_at_pretrained(app)
    for index in (0, 7, 1234):
        page.fill("#c6-image", str(index))
        page.click("#c6-read-test")
        page.wait_for_function(f"document.getElementById('c6-look').dataset.source === 'test:{index}'")
        pixels = np.array([float(v) for v in page.get_attribute("#c6-look", "data-pixels").split(",")])
        assert np.array_equal(pixels, images[index] * SCALE)
        seen = net.look(images[index], scale=SCALE)
        maps = json.loads(page.get_attribute("#c6-look", "data-maps"))
        for layer, got in zip(seen, maps):
            want = [[float(a.sum()), float((a * a).sum())] for a in layer.values()]
            assert np.allclose(got, want, rtol=1e-12, atol=1e-12)
        outputs = np.array([float(v) for v in page.get_attribute("#c6-look", "data-outputs").split(",")])
        assert np.max(np.abs(outputs - net.feedforward(images[index : index + 1], scale=SCALE)[0])) < 1e-12
        assert page.get_attribute("#c6-answer", "data-digit") == str(int(np.argmax(outputs)))


def test_the_pretrained_convnet_reads_the_test_set_as_cpython_does(app):
    net = from_json(PRETRAINED.read_bytes())
    images, labels = load_npz(DATA / "mnist-test.npz")
    want = net.predict(images, scale=SCALE)
    page = look_at_pretrained(app)
    page.click("#c6-mistakes-read")
    page.wait_for_function("document.getElementById('c6-mistakes').dataset.state === 'shown'", timeout=180_000)
    assert page.get_attribute("#c6-mistakes", "data-model") == "pretrained"
    assert int(page.get_attribute("#c6-mistakes", "data-count")) == int(np.sum(want != labels))
    assert float(page.get_attribute("#c6-mistakes", "data-accuracy")) >= 0.992
    items = page.get_attribute("#c6-gallery", "data-items").split(";")
    wrong = np.flatnonzero(want != labels)
    assert [int(i.split(":")[0]) for i in items] == list(wrong[: len(items)])
    page.click("#c6-mistakes-next")
    items2 = page.get_attribute("#c6-gallery", "data-items").split(";")
    assert int(items2[0].split(":")[0]) == wrong[len(items)]


def test_drawing_a_digit_redraws_the_maps(app):
    page = look_at_pretrained(app)
    page.locator("#c6-draw").scroll_into_view_if_needed()
    box = page.locator("#c6-draw").bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 100, y + 40)
    page.mouse.down()
    for k in range(12):
        page.mouse.move(x + 100, y + 40 + 10 * k)
    page.mouse.up()
    page.wait_for_function("document.getElementById('c6-look').dataset.source === 'drawing'")
    assert page.get_attribute("#c6-answer", "data-digit") == "1"
    maps = json.loads(page.get_attribute("#c6-look", "data-maps"))
    assert len(maps) == len(from_json(PRETRAINED.read_bytes()).layers)


def test_a_bad_model_file_is_refused_and_the_model_kept(app, tmp_path):
    page = look_at_pretrained(app)
    d = json.loads(PRETRAINED.read_text())
    d["layers"][0]["size"] = 7  # filters of 5 x 5 weights said to be 7 x 7
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(d))
    page.set_input_files("#c6-load-file", str(bad))
    page.wait_for_function("document.getElementById('c6-model-message').textContent.includes('Not loaded')")
    assert "weights[0] has shape" in page.inner_text("#c6-model-message")
    assert page.get_attribute("#c6-look", "data-model") == "pretrained"


def test_filters_resize_with_the_tile_slider_and_show_large_on_hover_and_with_the_keys(app):
    net = from_json(PRETRAINED.read_bytes())
    page = look_at_pretrained(app)
    width = page.evaluate("document.getElementById('c6-filters-1').width")
    page.fill("#c6-tile", "12")
    page.dispatch_event("#c6-tile", "input")
    assert page.evaluate("document.getElementById('c6-filters-1').width") > width
    # Hover: the third filter of layer 1, large, with its weights' range.
    tile = 12 * 5
    page.locator("#c6-filters-1").scroll_into_view_if_needed()
    box = page.locator("#c6-filters-1").bounding_box()
    scale = box["width"] / page.evaluate("document.getElementById('c6-filters-1').width")
    page.mouse.move(box["x"] + (1 + 2 * (tile + 1) + tile / 2) * scale, box["y"] + (1 + tile / 2) * scale)
    assert page.get_attribute("#c6-zoom", "data-shown") == "c6-filters-1:2"
    w = net.weights[0][2, 0]
    assert f"weights from {w.min():.3g} to {w.max():.3g}" in page.inner_text("#c6-zoom-text")
    # Keys: focus the pooled maps of layer 2 and walk right twice and down once.
    page.focus("#c6-pool-2")
    for key in ("ArrowRight", "ArrowRight", "ArrowDown"):
        page.keyboard.press(key)
    assert page.get_attribute("#c6-zoom", "data-shown") == "c6-pool-2:12"
    assert "layer 2 map after pooling 13 of 40" in page.inner_text("#c6-zoom-text")
