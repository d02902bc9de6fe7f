"""Lab 4, the playground: training in the page, its controls, its URL and its limits.

Each test opens the lab with a partial configuration in the URL hash (the
missing keys take their defaults) and presses Reset, so it starts from a known
network whatever the shared page did before. Timings are printed (run with -s).
"""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest

from nnfs.labs.playground.config import MAX_HIDDEN_LAYERS, from_hash, to_hash
from nnfs.labs.playground.session import Session, build_data, train
from nnfs.models.model_io import from_json


def load(app, state: str, pace: str = "max"):
    app.goto_lab("playground", state)
    page = app.page
    page.select_option("#pg-pace", pace)
    page.click("#pg-reset")
    page.wait_for_function("document.getElementById('pg-stats').dataset.state === 'idle'")
    # the address follows within app.shell.lab.URL_INTERVAL: wait, so that tests read the settled link
    page.wait_for_function("p => p === '30' || location.hash.includes('pace=' + p)", arg=pace)
    return page


def stats(page) -> dict:
    return page.evaluate("({...document.getElementById('pg-stats').dataset})")


def wait_state(page, state: str, timeout: float = 60_000):
    page.wait_for_function(f"document.getElementById('pg-stats').dataset.state === '{state}'", timeout=timeout)


def current_hash(page) -> str:
    return page.evaluate("location.hash")


def hash_has(page, text: str, present: bool = True) -> bool:
    """The address comes to hold (or lose) ``text``: the lab writes it at most every
    app.shell.lab.URL_INTERVAL, so a check right after an action waits for the write."""
    page.wait_for_function("([t, p]) => location.hash.includes(t) === p", arg=[text, present], timeout=5000)
    return True


@pytest.mark.parametrize(
    "name, state, target, max_epochs",
    [
        ("XOR, [2, 4, 2] sigmoid", "data=xor&layers=4&act=sigmoid&eta=3", 95, 30),
        ("circles, [2, 4, 2] sigmoid", "data=circles&noise=0.05&layers=4&act=sigmoid&eta=3", 95, 40),
        (
            "spiral, [2, 8, 8, 3] tanh",
            "data=spiral&classes=3&n=300&noise=0.05&layers=8,8&act=tanh&cost=log-likelihood&eta=0.3",
            95,
            100,
        ),
    ],
)
def test_learns_to_the_target_accuracy(app, name, state, target, max_epochs):
    page = load(app, f"{state}&epochs={max_epochs}&target={target}")
    t0 = time.perf_counter()
    page.click("#pg-train")
    wait_state(page, "done")
    wall = time.perf_counter() - t0
    s = stats(page)
    assert float(s["testAcc"]) >= target / 100, s
    assert int(s["epoch"]) <= max_epochs
    assert int(s["curvePoints"]) == int(s["epoch"]) + 1  # each epoch on the curves once
    assert "Reached" in page.inner_text("#pg-status")
    # CPython, same settings: the same epoch (the runs agree to ~1e-13, see the parity test).
    config = from_hash(f"{state}&epochs={max_epochs}&target={target}")[0]
    session = Session(config)  # the config's limits: epochs and target
    session.run(float("inf"))
    assert int(s["epoch"]) == session.epoch
    print(
        f"\n{name}: {float(s['testAcc']):.1%} test accuracy at epoch {s['epoch']}; "
        f"{wall:.2f} s from the click, {float(s['trainSeconds']):.2f} s of it training"
    )


def test_training_stays_responsive_and_pause_is_quick(app):
    """A [2, 8, 8, 2] network on 1000 points: the heatmap is redrawn several times a
    second, and Pause stops the loop well within 200 ms of the click."""
    page = load(app, "data=xor&n=1000&layers=8,8&act=tanh&eta=0.3&epochs=100000")
    page.click("#pg-train")
    wait_state(page, "running")
    time.sleep(2.5)
    fps = float(page.get_attribute("#pg-speed", "data-fps"))
    page.evaluate("""() => {
        window.pgPauseT = {};
        document.addEventListener('click', e => {
            if (e.target.id === 'pg-pause') window.pgPauseT.click = e.timeStamp; }, true);
        new MutationObserver(() => {
            if (document.getElementById('pg-stats').dataset.state === 'paused'
                && window.pgPauseT.stopped === undefined) window.pgPauseT.stopped = performance.now();
        }).observe(document.getElementById('pg-stats'), {attributes: true});
    }""")
    page.click("#pg-pause")
    wait_state(page, "paused")
    t = page.evaluate("window.pgPauseT")
    latency = t["stopped"] - t["click"]
    own = float(page.get_attribute("#pg-speed", "data-pause-ms"))
    epoch = stats(page)["epoch"]
    time.sleep(0.5)
    assert stats(page)["epoch"] == epoch  # the counter has stopped
    print(
        f"\n[2, 8, 8, 2], 700 training points: heatmap {fps:.1f} frames/s; pause latency "
        f"{latency:.0f} ms (the page's own count: {own:.0f} ms); {page.inner_text('#pg-speed')}"
    )
    assert fps >= 3
    assert latency < 200 and own < 200
    assert page.is_enabled("#pg-train") and page.is_disabled("#pg-pause")
    # Leaving the lab pauses a run too.
    page.click("#pg-train")
    wait_state(page, "running")
    app.goto_lab("intro")
    wait_state(page, "paused")
    app.goto_lab("playground")
    assert current_hash(page).startswith("#playground/n=1000&layers=8,8&act=tanh")  # only non-defaults


def test_the_run_buttons_sit_by_the_pictures(app):
    """A teacher presses Train and watches: at 1280 x 900 the buttons and the plot are
    on screen together; at 800 px wide the curves still fit beside the plot."""
    page = load(app, "data=xor")
    page.evaluate("window.scrollTo(0, 0)")

    def box(element_id):
        return page.locator(f"#{element_id}").bounding_box()

    train, plot = box("pg-train"), box("pg-plot")
    assert train["y"] + train["height"] <= 900 and plot["y"] + plot["height"] / 2 <= 900, (train, plot)
    # Between them: the run buttons' row, "Train with my backprop and sgd_step" (it wraps to a
    # second row at this width), the status line and the numbers.
    assert 0 < plot["y"] - train["y"] < 200
    try:
        page.set_viewport_size({"width": 800, "height": 900})
        plot, loss = box("pg-plot"), box("pg-loss")
        assert loss["y"] == plot["y"] and loss["x"] >= plot["x"] + plot["width"], (plot, loss)
        assert page.evaluate("document.documentElement.scrollWidth") <= 800
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_clicked_points_join_the_training_set(app):
    page = load(app, "data=spiral&classes=3&n=100&test=30")
    assert stats(page)["trainCount"] == "70" and stats(page)["userCount"] == "0"
    page.select_option("#pg-click-class", "2")
    # The 400 x 400 plot shows [-1.1, 1.1]^2; (290, 109) in its padding box is (0.5, 0.5).
    page.click("#pg-points", position={"x": 290, "y": 109})
    s = stats(page)
    assert s["trainCount"] == "71" and s["userCount"] == "1"
    assert hash_has(page, "pts=0.5,0.5,2")
    assert "71 training points (1 of yours)" in page.inner_text("#pg-counts")
    # Shift-click near it removes it; the keyboard adds one at the cross.
    page.click("#pg-points", position={"x": 295, "y": 114}, modifiers=["Shift"])
    assert stats(page)["userCount"] == "0" and hash_has(page, "pts=", False)
    page.focus("#pg-points")
    for key in ("ArrowRight", "ArrowRight", "ArrowUp", "Enter"):
        page.keyboard.press(key)
    assert stats(page)["userCount"] == "1" and hash_has(page, "pts=0.1,0.05,2")
    # A class the data set does not have is left out, and said so.
    page.select_option("#pg-data", "xor")
    assert stats(page)["userCount"] == "0" and "left out" in page.inner_text("#pg-counts")
    page.click("#pg-clear-points")
    assert hash_has(page, "pts=", False)


def test_the_url_restores_a_configuration(fresh):
    state = (
        "data=spiral&classes=3&n=300&noise=0.05&test=20&dseed=3&layers=8,6&act=tanh"
        "&cost=log-likelihood&init=normal&seed=7&eta=0.5&batch=20&l2=0.01&epochs=123"
        "&target=90&pts=0.5,-0.25,2"
    )
    page = fresh("#playground/" + state).page
    page.wait_for_function("document.documentElement.dataset.lab === 'playground'")
    values = {
        "pg-data": "spiral",
        "pg-classes": "3",
        "pg-n": "300",
        "pg-noise": "0.05",
        "pg-test": "20",
        "pg-dseed": "3",
        "pg-layers": "8,6",
        "pg-neurons-1": "8",
        "pg-neurons-2": "6",
        "pg-act": "tanh",
        "pg-cost": "log-likelihood",
        "pg-init": "normal",
        "pg-seed": "7",
        "pg-eta": "0.5",
        "pg-batch": "20",
        "pg-l2": "0.01",
        "pg-epochs": "123",
        "pg-target": "90",
    }
    for element_id, value in values.items():
        assert page.input_value(f"#{element_id}") == value, element_id
    assert page.is_visible("#pg-layer-2") and page.is_hidden("#pg-layer-3")
    assert stats(page)["userCount"] == "1" and stats(page)["trainCount"] == str(240 + 1)
    assert page.inner_text("#pg-status").startswith("Ready")  # no complaint about the link
    assert current_hash(page) == "#playground/" + to_hash(from_hash(state)[0])


def test_a_bad_link_value_is_shown_beside_its_field_and_kept_out(app):
    """Like every lab's: a bad value in a link is said beside its field, "(in the link)",
    and the value in use is kept; a part that names no setting is said in the status line."""
    app.goto_lab("playground", "eta=abc&noise=0.3&layers=4,99&bogus=1")
    page = app.page
    assert page.inner_text("#pg-eta-error") == ("learning rate η: 'abc' is not a number (in the link) — keeping 3")
    layers = page.inner_text("#pg-layers-error")
    assert "at most 16" in layers and layers.endswith("(in the link) — keeping 4"), layers
    assert "unknown setting 'bogus'" in page.inner_text("#pg-status")
    assert page.input_value("#pg-eta") == "3" and page.input_value("#pg-noise") == "0.3"
    assert page.input_value("#pg-neurons-1") == "4" and page.input_value("#pg-layers") == "4"
    assert hash_has(page, "noise=0.3") and "bogus" not in current_hash(page)
    assert "eta=" not in current_hash(page)  # the default η: links hold what differs


def test_a_huge_learning_rate_stops_with_advice_and_reset_recovers(app):
    page = load(app, "data=xor&layers=8,8&act=relu&eta=100")
    page.click("#pg-train")
    wait_state(page, "stopped")
    text = page.inner_text("#pg-status")
    assert "diverged" in text or "dead" in text
    assert "smaller learning rate η" in text and "Reset" in text
    assert page.is_disabled("#pg-train") and page.is_disabled("#pg-step")
    page.click("#pg-reset")
    wait_state(page, "idle")
    assert stats(page)["epoch"] == "0" and page.is_enabled("#pg-train")
    page.fill("#pg-eta", "0.3")
    page.click("#pg-step")
    wait_state(page, "done")
    assert stats(page)["epoch"] == "1" and "Epoch 1 done" in page.inner_text("#pg-status")
    assert page.inner_text("#pg-test-loss") != "–"


def test_xor_at_eta_1000_ends_early_with_an_explanation_and_advice(app):
    """Issue 9: this run used to train all 300 epochs and end, at loss 374 and 53 %,
    with a plain 'Stopped at epoch 300'."""
    page = load(app, "data=xor&eta=1000")
    page.click("#pg-train")
    wait_state(page, "stopped")
    text = page.inner_text("#pg-status")
    assert "diverged" in text and "far above" in text, text  # what happened
    assert "smaller learning rate η" in text and "Reset" in text, text  # what to try
    assert int(stats(page)["epoch"]) < 10
    assert page.is_disabled("#pg-train") and page.is_enabled("#pg-reset")


NUMBER_FIELDS = [
    "pg-classes",
    "pg-n",
    "pg-noise",
    "pg-test",
    "pg-dseed",
    *[f"pg-neurons-{i}" for i in range(1, 7)],
    "pg-seed",
    "pg-eta",
    "pg-batch",
    "pg-l2",
    "pg-epochs",
    "pg-target",
]


def test_bad_numbers_keep_the_last_good_value(app):
    page = load(app, "data=spiral&classes=3&layers=4,4,4,4,4,4")
    before = current_hash(page)
    for field in NUMBER_FIELDS:
        good = page.input_value(f"#{field}")
        for bad in ("abc", "", "-5"):
            page.fill(f"#{field}", bad)
            message = page.inner_text(f"#{field}-error")
            assert f"keeping {good}" in message, (field, bad, message)
            assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
        assert current_hash(page) == before, field
        page.fill(f"#{field}", good)
        assert page.inner_text(f"#{field}-error") == ""
    layers = page.input_value("#pg-layers")
    for bad in ("abc", "4,,4", "4,17", "4,4,4,4,4,4,4"):
        page.fill("#pg-layers", bad)
        assert f"keeping {layers}" in page.inner_text("#pg-layers-error"), bad
        assert page.get_attribute("#pg-layers", "aria-invalid") == "true"
    assert "at most 6 hidden layers" in page.inner_text("#pg-layers-error")
    assert current_hash(page) == before
    page.fill("#pg-layers", layers)
    assert page.inner_text("#pg-layers-error") == ""
    page.click("#pg-add-layer")
    assert "At most 6 hidden layers" in page.inner_text("#pg-status")
    page.fill("#pg-neurons-1", "17")
    assert "at most 16" in page.inner_text("#pg-neurons-1-error")
    assert current_hash(page) == before


def test_the_page_trains_exactly_like_cpython(app):
    """Same seeds and settings (and two clicked points): the page's weights after 20
    epochs equal the core's in CPython to 1e-9 relative."""
    state = (
        "data=circles&n=120&noise=0.1&layers=5,3&act=tanh&cost=cross-entropy&eta=0.5"
        "&batch=8&l2=0.1&seed=3&dseed=2&epochs=20&pts=0.5,0.5,1;-0.2,0.1,0"
    )
    page = load(app, state)
    page.click("#pg-train")
    wait_state(page, "done")
    assert stats(page)["epoch"] == "20"
    text = page.evaluate("document.getElementById('pg-model-json').textContent")
    in_page = from_json(text)
    config = from_hash(state)[0]
    here = train(config, 20)
    assert in_page.sizes == here.sizes == [2, 5, 3, 2]
    for a, b in zip(in_page.weights + in_page.biases, here.weights + here.biases):
        scale = np.max(np.abs(b))
        assert np.max(np.abs(a - b)) <= 1e-9 * scale, np.max(np.abs(a - b)) / scale
    assert json.loads(text)["meta"]["playground"] == to_hash(config)
    # The Download button saves the same JSON.
    page.click("summary:has-text('Model JSON')")
    with page.expect_download() as info:
        page.click("#pg-download")
    with open(info.value.path()) as f:
        assert f.read() == text


def test_layer_buttons_add_fields_up_to_the_core_limit(app):
    """'+' reveals one neuron field per hidden layer, up to MAX_HIDDEN_LAYERS; each field works."""
    page = load(app, "layers=4")
    top = MAX_HIDDEN_LAYERS
    for _ in range(top + 1):  # one click more than allowed
        page.click("#pg-add-layer")
    assert len(page.input_value("#pg-layers").split(",")) == top
    for i in range(1, top + 1):
        assert page.is_visible(f"#pg-layer-{i}")
        assert page.inner_text(f"#pg-layer-{i} label").strip() == f"layer {i} neurons"
    page.fill(f"#pg-neurons-{top}", "7")
    # (earlier tests may have left other sizes in the hidden fields: check the count and the last one)
    page.wait_for_function(f"""(() => {{
        const m = location.hash.match(/layers=([0-9,]+)/);
        if (!m) return false;
        const sizes = m[1].split(',');
        return sizes.length === {top} && sizes[{top - 1}] === '7';
    }})()""")
    page.click("#pg-remove-layer")
    assert page.is_hidden(f"#pg-layer-{top}")


def test_a_point_clicked_while_training_joins_the_run_from_the_current_weights(app):
    """Slow motion (10 epochs/s): a click adds a point and training goes on, from the
    epoch and weights it had reached, instead of starting again at epoch 0."""
    page = load(app, "data=xor&epochs=100000", pace="10")
    page.click("#pg-train")
    page.wait_for_function("Number(document.getElementById('pg-stats').dataset.epoch) >= 3")
    page.evaluate("""() => { window.pgMinEpoch = Infinity;
        window.pgEpochs = new MutationObserver(() => { window.pgMinEpoch = Math.min(window.pgMinEpoch,
            Number(document.getElementById('pg-stats').dataset.epoch)); });
        window.pgEpochs.observe(document.getElementById('pg-stats'), {attributes: true}); }""")
    before = int(stats(page)["epoch"])
    page.click("#pg-points", position={"x": 290, "y": 109})
    assert "training goes on from the current weights" in page.inner_text("#pg-status")
    assert stats(page)["userCount"] == "1" and stats(page)["state"] == "running"
    page.wait_for_function(f"Number(document.getElementById('pg-stats').dataset.epoch) >= {before + 3}")
    low = page.evaluate("window.pgEpochs.disconnect(), window.pgMinEpoch")
    assert low >= before, (low, before)
    assert stats(page)["state"] == "running"
    page.click("#pg-pause")
    wait_state(page, "paused")
    assert hash_has(page, "pts=0.5,0.5,")


def test_field_names_do_not_swallow_their_neighbours(app):
    """Issue 8.12: each field is named by its own label only, and its buttons by theirs."""
    page = load(app, "data=xor")
    for name in ("hidden layers", "data seed"):
        assert page.get_by_role("textbox", name=name, exact=True).count() == 1, name
    for name in ("Add a hidden layer", "Remove a hidden layer", "New points"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name


def test_a_phone_sees_the_whole_playground(app):
    """Issue 8.13: at 390 x 844 nothing is wider than the screen (plot, status, diagram)."""
    page = load(app, "data=xor&layers=8,8")
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(200)
        wide = page.evaluate("""() => [...document.querySelectorAll('#lab-playground *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map(e => (e.id || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide[:14]
        assert not wide, wide
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_paused_mid_epoch_the_model_scores_the_weights_it_holds(app):
    """Issue 8.4 for the Playground: after Pause in the middle of an epoch the status says
    'epoch E + p % of epoch E+1' and the model JSON's test accuracy is that of the
    weights it holds (checked in CPython), not of the last whole epoch."""
    state = "data=spiral&classes=3&n=2000&test=10&layers=8&act=tanh&eta=0.05&batch=1&epochs=100000"
    page = load(app, state)
    page.click("#pg-train")
    page.wait_for_function("Number(document.getElementById('pg-stats').dataset.epoch) >= 1")
    page.click("#pg-pause")
    wait_state(page, "paused")
    text = page.inner_text("#pg-status")
    data = build_data(from_hash(state)[0])
    deadline = time.time() + 10
    while True:
        saved = page.evaluate("document.getElementById('pg-model-json').textContent")
        meta = json.loads(saved)["meta"]
        held = from_json(saved).accuracy(data.X_test, data.y_test)
        if meta["test_accuracy"] == pytest.approx(held, abs=1e-12) or time.time() > deadline:
            break
        time.sleep(0.2)
    assert meta["epoch_progress"] > 0, meta  # (a pause lands on an epoch's end about 1 time in 100)
    assert f"+ {meta['epoch_progress']:.0%} of epoch {meta['epoch'] + 1}" in text, text
    assert meta["test_accuracy"] == pytest.approx(held, abs=1e-12), (meta, held)


def test_the_lab_says_cost_not_loss(app):
    """Issue 22 item 9: the book, the charts and the runs panel say "cost"; so does every word the
    lab shows (its numbers, captions and labels), after a step has filled them in."""
    page = app.page
    app.goto_lab("playground")
    page.click("#pg-step")
    page.wait_for_function("+document.getElementById('pg-epoch').textContent >= 1")
    text = page.inner_text("#lab-playground") + " ".join(
        page.eval_on_selector_all("#lab-playground [aria-label]", "els => els.map(e => e.getAttribute('aria-label'))")
    )
    assert not re.search(r"\bloss", text, re.IGNORECASE), re.findall(r".{30}\bloss.{30}", text, re.IGNORECASE)[:3]
