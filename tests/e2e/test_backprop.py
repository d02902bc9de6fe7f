"""Lab 6, backpropagation step by step, driven like a person would: every number a
step shows equals CPython's Network.trace for the same seed and settings (1e-12
relative), the finite-difference check agrees with BP4, typing a weight changes
the forward pass, and the speed-of-learning bars for [784, 30, 30, 10] are
ordered (the first hidden layer slower) and equal CPython's.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from app.labs.backprop.view import layout
from nnfs.data.mnist import SCALE, load_npz
from nnfs.labs.backprop.learning_speed import BOOK_SIZES, N_EXAMPLES, SpeedRun
from nnfs.labs.backprop.steps import step_sequence
from nnfs.maths.network import Network

from ..conftest import need

DATA = Path(__file__).resolve().parents[2] / "static" / "data" / "mnist-train.npz"


@pytest.fixture(autouse=True)
def leave_no_focus_behind(app):
    yield
    app.page.evaluate("document.activeElement && document.activeElement.blur()")


def open_lab(app, state: str):
    app.goto_lab("backprop", state or "seed=1")  # a link sets every setting it does not name to its default
    page = app.page
    page.click("#bp-reset")
    page.wait_for_function("document.getElementById('bp-step').dataset.index === '0'")
    return page


def hooks(page) -> dict:
    return page.evaluate("""() => {
        const n = document.getElementById('bp-net').dataset, s = document.getElementById('bp-step').dataset;
        return {net: {...n}, step: {...s}};
    }""")


def cpython_network(net: dict) -> tuple:
    """The network and examples the page says it uses, rebuilt in CPython from the seed."""
    sizes = json.loads(net["sizes"])
    network = Network(
        sizes,
        activation=net["act"],
        output_activation="sigmoid",
        cost=net["cost"],
        init="normal",
        seed=int(net["seed"]),
    )
    return network, np.array(json.loads(net["x"])), np.array(json.loads(net["t"]))


def from_trace(network, X, T, trace, key: str) -> float:
    """The value a published key names, read from CPython's trace."""
    name, *idx = key.split(":")
    idx = [int(i) for i in idx]
    if name == "a":
        l, j, x = idx
        return trace["activations"][l][x, j]
    if name == "z":
        l, j, x = idx
        return trace["zs"][l - 1][x, j]
    if name == "delta":
        l, j, x = idx
        return trace["deltas"][l - 1][x, j]
    if name == "w":
        l, j, k = idx
        return network.weights[l - 1][j, k]
    if name == "b":
        l, j = idx
        return network.biases[l - 1][j]
    if name == "y":
        j, x = idx
        return T[x, j]
    if name == "db":
        return (
            trace["nabla_b"][idx[0] - 1][idx[1]] if len(idx) == 2 else trace["examples"][idx[2]][0][idx[0] - 1][idx[1]]
        )
    if name == "dw":
        l, j, k = idx[:3]
        return trace["nabla_w"][l - 1][j, k] if len(idx) == 3 else trace["examples"][idx[3]][1][l - 1][j, k]
    if name == "cost":
        return trace["cost"]
    if name == "cost_x":
        return network.total_cost(X[idx[0] : idx[0] + 1], T[idx[0] : idx[0] + 1])
    if name == "fp":
        l, j, x = idx
        s = trace["activations"][l][x, j]
        act = "sigmoid" if l == len(network.weights) else network.activation
        return {"sigmoid": s * (1 - s), "tanh": 1 - s * s, "relu": float(s > 0)}[act]
    return None


def assert_step_matches(page, network, X, T, trace, eta):
    step = hooks(page)["step"]
    values = json.loads(step["values"])
    assert values, step
    checked = 0
    for key, shown in values.items():
        want = from_trace(network, X, T, trace, key)
        if want is None:  # the update step's own quantities
            continue
        assert shown == pytest.approx(float(want), rel=1e-12, abs=1e-300), key
        checked += 1
    if step["kind"] == "update":
        g2 = sum(float(np.sum(g * g)) for g in trace["nabla_w"] + trace["nabla_b"])
        assert values["predicted"] == pytest.approx(-eta * g2, rel=1e-12)
        twin = Network(network.sizes, activation=network.activation, cost=network.cost, seed=0)
        twin.weights = [w.copy() for w in network.weights]
        twin.biases = [b.copy() for b in network.biases]
        twin.update_mini_batch(X, T, eta)
        after = twin.total_cost(X, T)
        assert values["actual"] == pytest.approx(after - trace["cost"], rel=1e-9)
        assert values["predicted"] < 0 and values["actual"] < 0
    else:
        assert checked == len(values)
    return step


@pytest.mark.parametrize("state", ["", "h2=3&act=tanh&cost=cross-entropy&m=3&seed=5"])
def test_every_step_shows_the_numbers_of_cpythons_trace(app, state):
    page = open_lab(app, state)
    net = hooks(page)["net"]
    network, X, T = cpython_network(net)
    eta = float(net["eta"])
    trace = network.trace(X, T)
    steps = step_sequence(len(network.weights))
    kinds = []
    for i, expected in enumerate(steps):
        page.wait_for_function(f"document.getElementById('bp-step').dataset.index === '{i}'")
        step = assert_step_matches(page, network, X, T, trace, eta)
        assert step["kind"] == expected.kind and int(step["layer"]) == expected.layer
        kinds.append(step["kind"])
        if i < len(steps) - 1:
            page.click("#bp-next")
    assert page.is_disabled("#bp-next")
    assert kinds[-3:] == ["bp3", "bp4", "update"] and "bp1" in kinds
    if len(X) > 1:  # another example of the mini-batch, at a BP2 step
        page.click("#bp-reset")
        for _ in range(len(network.weights) + 2):
            page.click("#bp-next")
        page.select_option("#bp-example", "3")
        page.wait_for_function("document.getElementById('bp-step').dataset.example === '2'")
        step = assert_step_matches(page, network, X, T, trace, eta)
        assert step["kind"] == "bp2" and any(k.endswith(":2") for k in json.loads(step["values"]))
        assert "For example x = 3 of the mini-batch of 3" in page.inner_text("#bp-step")


def click_canvas(page, x: float, y: float):
    box = page.locator("#bp-net").bounding_box()
    scale = box["width"] / 640
    page.locator("#bp-net").click(position={"x": x * scale, "y": y * scale})


def test_clicking_a_weight_and_checking_it_with_finite_differences(app):
    page = open_lab(app, "")
    network, X, T = cpython_network(hooks(page)["net"])
    lay = layout(network.sizes, 640, 340)
    (x0, y0), (x1, y1) = lay.edge(2, 1, 2)  # w²₂₃: hidden neuron 3 -> output 2
    click_canvas(page, x0 + 0.7 * (x1 - x0), y0 + 0.7 * (y1 - y0))
    page.wait_for_function("document.getElementById('bp-step').dataset.selection === '2,1,2'")
    assert page.inner_text("#bp-selected") == "w²₂₃"
    page.click("#bp-check")
    page.wait_for_function("document.getElementById('bp-check-result').dataset.selection === '2,1,2'")
    check = page.evaluate("({...document.getElementById('bp-check-result').dataset})")
    numeric, exact = float(check["numeric"]), float(check["backprop"])
    assert abs(numeric - exact) / abs(exact) < 1e-6
    assert float(check["relative"]) < 1e-6
    assert exact == pytest.approx(network.trace(X, T)["nabla_w"][1][1, 2], rel=1e-12)
    assert "they agree" in page.inner_text("#bp-check-result")
    # A neuron selects its bias; BP3 for it.
    cx, cy = lay.pos[1][0]
    click_canvas(page, cx, cy)
    page.wait_for_function("document.getElementById('bp-step').dataset.selection === '1,0'")
    page.click("#bp-check")
    page.wait_for_function("document.getElementById('bp-check-result').dataset.selection === '1,0'")
    check = page.evaluate("({...document.getElementById('bp-check-result').dataset})")
    assert float(check["relative"]) < 1e-6
    assert float(check["backprop"]) == pytest.approx(network.trace(X, T)["nabla_b"][0][0], rel=1e-12)


def test_typing_a_weight_changes_the_forward_pass(app):
    page = open_lab(app, "")
    network, X, T = cpython_network(hooks(page)["net"])
    lay = layout(network.sizes, 640, 340)
    (x0, y0), (x1, y1) = lay.edge(1, 0, 1)  # w¹₁₂
    click_canvas(page, x0 + 0.7 * (x1 - x0), y0 + 0.7 * (y1 - y0))
    page.wait_for_function("document.getElementById('bp-step').dataset.selection === '1,0,1'")
    before = json.loads(hooks(page)["step"]["values"])
    page.fill("#bp-value", "oops")
    page.press("#bp-value", "Enter")
    assert "keeping" in page.inner_text("#bp-value-error")
    assert json.loads(hooks(page)["step"]["values"]) == before
    page.fill("#bp-value", "2.5")
    page.press("#bp-value", "Enter")
    page.wait_for_function("document.getElementById('bp-net').dataset.edited === 'true'")
    after = json.loads(hooks(page)["step"]["values"])
    assert after["w:1:0:1"] == 2.5
    z = network.weights[0][0, 0] * X[0, 0] + 2.5 * X[0, 1] + network.biases[0][0]
    assert after["z:1:0:0"] == pytest.approx(z, rel=1e-12)
    assert after["z:1:0:0"] != before["z:1:0:0"]
    assert page.inner_text("#bp-value-error") == ""
    # The keyboard steps too, from the canvas.
    page.focus("#bp-net")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.getElementById('bp-step').dataset.index === '1'")
    network.weights[0][0, 1] = 2.5
    trace = network.trace(X, T)
    assert json.loads(hooks(page)["step"]["values"])["z:2:0:0"] == pytest.approx(trace["zs"][1][0, 0], rel=1e-12)


def test_speed_of_learning_bars_are_ordered_and_equal_cpythons(fresh):
    """In a page of its own: it downloads the training split, which the shared page's
    Digits tests expect to be fetched only when Digits trains."""
    need(DATA.exists(), f"{DATA} is missing: MNIST data not prepared (./run setup)")
    w = fresh("#backprop/sp_epochs=2")
    page = w.page
    page.wait_for_function("document.documentElement.dataset.lab === 'backprop'")
    page.click("#bp-sp-run")
    page.wait_for_function("document.getElementById('bp-sp-bars').dataset.state === 'done'", timeout=120_000)
    runs = json.loads(page.get_attribute("#bp-sp-bars", "data-runs"))
    run = runs[-1]
    assert run["sizes"] == [784, 30, 30, 10] and run["epoch"] == 2
    first, second = run["initial"]
    assert first < second / 2  # the first hidden layer learns more slowly
    X, y = load_npz(DATA)
    ref = SpeedRun(BOOK_SIZES[2], X[:N_EXAMPLES], y[:N_EXAMPLES], seed=0, scale=SCALE)
    np.testing.assert_allclose(run["initial"], ref.initial_speeds(), rtol=1e-9)
    ref.step(2)
    np.testing.assert_allclose(run["now"], ref.norms[-1], rtol=1e-9)
    assert all(math.isfinite(v) for v in run["now"])
    assert "(book: 0.07 / 0.31)" in page.inner_text("#bp-sp-rows")
    # Issue 22, item 4: the bars show the start and now, both named in a legend; the ratio
    # measured here stands beside the book's (0.07 and 0.31 in its chapter 5 text; its
    # figure's data, fig/norms_during_training_2_layers.json, starts at 0.0657 and 0.309).
    legend = page.inner_text("#bp-sp-legend")
    for words in ("hidden layer 1", "hidden layer 2", "at the start (epoch 0)", "now (epoch 2)"):
        assert words in legend, legend
    bars = json.loads(page.get_attribute("#bp-sp-bars", "data-bars"))
    assert [(b["layer"], b["when"]) for b in bars] == [(1, "start"), (1, "now"), (2, "start"), (2, "now")]
    assert [b["value"] for b in bars] == pytest.approx([first, run["now"][0], second, run["now"][1]], rel=1e-12)
    ratio = page.inner_text("#bp-sp-ratio")
    start_ratio, now_ratio = second / first, run["now"][1] / run["now"][0]
    assert f"at the start the last hidden layer learns {start_ratio:.2g} times as fast as the first" in ratio
    assert "(the book: 0.07 and 0.31, so 4.4 times; its figure's data: 0.0657 and 0.309, 4.7 times)" in ratio
    assert f"after epoch 2, {now_ratio:.2g} times" in ratio
    assert f"layer 1's speed fell from {first:.3g}" in ratio  # what changed, in words
    # Issue 21, item 6b: the status follows the run; "Starting the training worker…" or the
    # download's last line does not outlive it.
    assert page.inner_text("#bp-sp-status") == "Done: 2 epochs."
    caption = page.inner_text(".bp-sp-table caption")
    assert "at the start and now" in caption and "Initial" not in caption
    # The run trains in the worker (issue 10): the same run goes on to more epochs while the
    # page's thread stays free. On the page's own thread every epoch (a full-batch backprop
    # over 1,000 images, ≈ 0.1 s) was one long task: about 20 in 3 s.
    page.wait_for_function("document.documentElement.dataset.worker === 'ready'", timeout=120_000)
    page.fill("#bp-sp_epochs", "5000")
    page.press("#bp-sp_epochs", "Enter")
    # only the limit changed: the status says this run goes on, not "Settings changed"
    assert "up to epoch 5000" in page.inner_text("#bp-sp-status")
    page.click("#bp-sp-run")
    page.wait_for_function("document.getElementById('bp-sp-bars').dataset.state === 'running'")
    page.evaluate("""() => { window.spLong = [];
        window.spObs = new PerformanceObserver(l => { for (const e of l.getEntries()) window.spLong.push(e.duration); });
        window.spObs.observe({type: 'longtask'}); }""")
    page.wait_for_timeout(3000)
    longs = page.evaluate("() => { window.spObs.disconnect(); return window.spLong; }")
    status = page.inner_text("#bp-sp-status")
    assert status.startswith("Training: epoch ") and status.endswith(" of 5000… (Pause stops it.)"), status
    assert int(status.split()[2]) > 2, status  # the epoch climbs in the status too
    page.click("#bp-sp-run")  # Pause
    page.wait_for_function("document.getElementById('bp-sp-bars').dataset.state === 'paused'")
    page.wait_for_function(  # the call in flight at the click comes back: the status says where it is
        """() => { const r = JSON.parse(document.getElementById('bp-sp-bars').dataset.runs);
        return document.getElementById('bp-sp-status').textContent === `Paused at epoch ${r[0].epoch} of 5000.`; }"""
    )
    more = json.loads(page.get_attribute("#bp-sp-bars", "data-runs"))
    assert len(more) == 1 and more[0]["epoch"] > 2  # the same run went on
    ref.step(more[0]["epoch"] - 2)
    np.testing.assert_allclose(more[0]["now"], ref.norms[-1], rtol=1e-9)
    print(
        f"\nspeed run in the worker: {more[0]['epoch'] - 2} epochs in ~3 s; {len(longs)} long tasks "
        f"(longest {max(longs, default=0):.0f} ms)"
    )
    assert len(longs) <= 8, longs
    assert not w.console_errors, w.console_errors
