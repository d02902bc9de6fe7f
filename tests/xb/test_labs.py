"""Every lab in real Firefox and WebKit: it opens and draws, and one core action of it gives the
numbers CPython's core gives for the same settings (computed here from py/nnfs, never read back
from the page's own code). The console and the network are checked around every test (conftest)."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from app.labs.chapter3 import view as c3view
from app.labs.digits import layout as dg_layout
from nnfs.data.mnist import SCALE, as_float, load_npz
from nnfs.labs import universality as uni
from nnfs.labs.backprop.steps import step_sequence
from nnfs.labs.digits import preset_values
from nnfs.labs.exercises import catalogue as exercises
from nnfs.labs.playground.config import from_hash
from nnfs.labs.playground.session import build_data, train
from nnfs.models import convnet_io, model_io
from nnfs.models.model_io import from_json
from nnfs.neurons.circuits import reference
from nnfs.neurons.perceptron_learning import PerceptronLearner
from nnfs.neurons.sigmoid_neuron import sigmoid_neuron, small_change
from nnfs.settings.training import config_from_values
from tests.conftest import need
from tests.e2e.conftest import DIGITS_LOADED
from tests.e2e.smoke import DREW, LABS
from tests.e2e.test_backprop import cpython_network, from_trace
from tests.e2e.test_chapter3 import cpython_runs, same_curves
from tests.e2e.test_universality import book_score

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "static" / "data"
MODELS = ROOT / "static" / "models"


def test_every_lab_opens_and_draws_with_a_clean_console(xb):
    for name in LABS + ("exercises",):
        page = xb.goto_lab(name)
        if name in LABS:
            page.wait(DREW, name, timeout=60, what=f"the {name} lab to draw")
        assert page.call("(n) => !!document.querySelector(`section[data-lab='${n}']`).offsetParent", name), name
        assert page.call("() => document.getElementById('app-error').hidden"), page.text("#app-error")


def test_an_exercise_is_checked_in_its_worker(xb):
    # Early in the session: the checker starts its own Python while the machine is not yet busy training.
    page = xb.goto_lab("exercises")
    page.wait(
        "() => ['ready', 'failed'].includes(document.documentElement.dataset.checker)", timeout=180, what="checker"
    )
    assert page.evaluate("document.documentElement.dataset.checker") == "ready", page.text("#ex-status")
    page.click("#ex-list a[data-exercise='nand']")
    for code, verdict in (
        ("def nand(x1, x2):\n    return perceptron_output([x1, x2], [-2, -2], 1)\n", "Not yet."),
        (exercises.get("nand").solution, "✓ Passed."),
    ):
        page.call(
            "(c) => { const e = document.getElementById('ex-code'); e.value = c; e.dispatchEvent(new Event('input', {bubbles: true})); }",
            code,
        )
        before = int(page.attr("#ex-verdict", "data-answers") or 0)
        page.click("#ex-check")
        page.wait("(n) => +(document.getElementById('ex-verdict').dataset.answers || 0) > n", before, timeout=60)
        assert page.text("#ex-verdict").startswith(verdict), page.text("#ex-verdict")
    assert "nand(0, 1) returned 0, expected 1" not in page.text("#ex-verdict")


def test_the_console_check_sees_an_error_and_a_warning(xb):
    """The check around every test is not blind in this engine: a logged error and warning reach it."""
    xb.page.evaluate("console.error('xb: a deliberate error'), console.warn('xb: a deliberate warning')")
    got = xb.problems()
    assert any("a deliberate error" in p for p in got) and any("a deliberate warning" in p for p in got), got


def test_the_console_check_sees_a_workers_error_and_warning(xb):
    """The app's Python runs in workers too (the trainer, the checker): their consoles reach the check."""
    xb.page.evaluate(
        "new Worker(URL.createObjectURL(new Blob(["
        "\"console.error('xb: a worker error'); console.warn('xb: a worker warning')\"], {type: 'text/javascript'})))"
    )
    got: list[str] = []
    for _ in range(50):
        got += xb.problems()
        if any("a worker error" in p for p in got) and any("a worker warning" in p for p in got):
            return
        time.sleep(0.1)
    raise AssertionError(got)


def test_perceptron_learning_rule_steps_are_cpythons(xb):
    page = xb.goto_lab("perceptron", "target=AND&eta=1&speed=max")
    page.wait("() => document.getElementById('pc-target').value === 'AND'", what="the link's target")
    page.click("#pc-reset")
    learner = PerceptronLearner("AND", learning_rate=1)
    for _ in range(8):
        step = learner.step()
        page.click("#pc-step")
        want = [*step.weights, step.bias]
        page.wait(
            "(w) => ['pc-w1', 'pc-w2', 'pc-b'].every((k, i) => +document.getElementById(k).value === w[i])",
            want,
            timeout=10,
            what=f"w1, w2, b = {want} after epoch {step.epoch}, row {step.row}",
        )
    assert page.text("#pc-last-step").startswith(f"Epoch {learner.epoch + (learner.next_row > 0)}, row ")


def test_gates_8_bit_adder_is_the_cores_circuit(xb):
    page = xb.goto_lab("gates")
    page.select("#gt-c", "adder")
    page.type("#gt-n", "8")
    page.wait("() => document.getElementById('gt-canvas').dataset.circuit === 'adder'", what="the adder")
    page.wait("() => document.querySelectorAll('#gt-outputs [data-output]').length === 9", what="8 sum bits + carry")
    page.click("#gt-clear")
    truth = reference("adder", 8)
    for a, b in [(173, 94), (255, 255)]:
        bits = {**{f"a{i}": (a >> i) & 1 for i in range(8)}, **{f"b{i}": (b >> i) & 1 for i in range(8)}}
        for name, bit in bits.items():
            if page.call("(s) => document.querySelector(s).checked", f"#gt-in-{name}") != bool(bit):
                page.click(f"#gt-in-{name}")
        page.wait("(s) => document.getElementById('gt-sum').dataset.sum === s", str(a + b), what=f"{a} + {b}")
        shown = page.call(
            "() => Object.fromEntries([...document.querySelectorAll('#gt-outputs [data-output]')]"
            ".map(e => [e.dataset.output, +e.dataset.value]))"
        )
        assert shown == truth(bits), (a, b)


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def test_sigmoid_small_change_is_cpythons(xb):
    page = xb.goto_lab("sigmoid")
    page.click("#sg-reset")
    values = {"w": "1.3", "b": "-0.4", "x": "1.7", "dw": "0.15", "db": "-0.05"}
    for key, value in values.items():
        page.type(f"#sg-{key}", value)
    page.press("#sg-db", "Tab")
    w, b, x, dw, db = (float(values[k]) for k in ("w", "b", "x", "dw", "db"))
    page.wait("() => document.getElementById('sg-out-after').innerText !== ''", what="the change shown")
    want = small_change([x], [w], b, [dw], db)
    before, after = sigmoid_neuron([x], [w], b), sigmoid_neuron([x], [w + dw], b + db)
    assert before == sig(w * x + b) and want  # the core's neuron is the book's σ(w·x + b)
    page.wait(
        "(v) => Math.abs(+document.getElementById('sg-out-after').innerText - v) <= 5.1e-7", after, what="σ after"
    )
    assert float(page.text("#sg-out-before")) == pytest.approx(before, abs=5.1e-7)
    assert float(page.text("#sg-actual")) == pytest.approx(after - before, abs=5.1e-7)
    assert float(page.text("#sg-linear")) == pytest.approx(
        sig(w * x + b) * (1 - sig(w * x + b)) * (x * dw + db), abs=5.1e-7
    )


PLAYGROUND = (
    "data=circles&n=120&noise=0.1&layers=5,3&act=tanh&cost=cross-entropy&eta=0.5"
    "&batch=8&l2=0.1&seed=3&dseed=2&epochs=20&pts=0.5,0.5,1;-0.2,0.1,0"
)


def test_playground_trains_in_the_worker_exactly_like_cpython(xb):
    page = xb.goto_lab("playground", PLAYGROUND)
    page.select("#pg-pace", "max")
    page.click("#pg-reset")
    page.wait("() => document.getElementById('pg-stats').dataset.state === 'idle'", what="a reset run")
    page.click("#pg-train")
    page.wait("() => document.getElementById('pg-stats').dataset.state === 'done'", timeout=300, what="20 epochs")
    assert page.data("#pg-stats")["epoch"] == "20"
    in_page = from_json(page.evaluate("document.getElementById('pg-model-json').textContent"))
    config = from_hash(PLAYGROUND)[0]
    here = train(config, 20)
    assert in_page.sizes == here.sizes == [2, 5, 3, 2]
    for a, b in zip(in_page.weights + in_page.biases, here.weights + here.biases):
        assert np.max(np.abs(a - b)) <= 1e-9 * np.max(np.abs(b))
    data = build_data(config)
    loss = in_page.total_cost(data.X_train, data.y_train)
    assert loss == pytest.approx(here.total_cost(data.X_train, data.y_train), rel=1e-9)


def test_digits_reads_a_test_image_with_the_pretrained_model_and_trains(xb):
    need((DATA / "mnist-test.npz").exists() and (MODELS / "pretrained.json").exists(), "MNIST or the model missing")
    page = xb.goto_lab("digits")
    page.wait(DIGITS_LOADED, timeout=120, what="the test set and model")
    page.select("#dg-model", "pretrained")
    page.wait("() => document.getElementById('dg-using').dataset.model === 'pretrained'", what="the pretrained model")
    images, labels = load_npz(DATA / "mnist-test.npz")
    net = model_io.from_json((MODELS / "pretrained.json").read_text())
    for k in (7, 1234):
        page.fill("#dg-image", str(k))
        page.wait("(k) => (document.getElementById('dg-seen').dataset.source || '').includes(`test image ${k} `)", k)
        want = net.feedforward(as_float(images[k : k + 1]))[0]
        shown = np.array([float(v) for v in page.attr("#dg-answer", "data-outputs").split(",")])
        assert np.allclose(shown, want, rtol=1e-8, atol=1e-12), k
        assert page.attr("#dg-answer", "data-digit") == str(int(np.argmax(want)))
    page.click("#dg-clear")
    # A short run of the book's chapter 3 network on 500 images, in the worker.
    page.select("#dg-preset", "ch3")
    typed_fields = (("layers", "20"), ("epochs", "1"), ("subset", "500"))
    for field, value in typed_fields:
        page.fill(f"#dg-{field}", value)
    page.click("#dg-train")
    page.wait("() => document.getElementById('dg-run').dataset.state === 'done'", timeout=240, what="the run")
    row = page.call("() => ({...document.querySelector('#dg-epoch-log tr[data-epoch=\"1\"]').dataset})")
    assert int(row["images"]) == 500
    # The same run in CPython: the preset's values, then the fields typed, as the page's form holds them.
    typed = {name: dg_layout.SETTINGS.parse(name, text) for name, text in typed_fields}
    config = config_from_values(dg_layout.SETTINGS.defaults() | preset_values("ch3") | typed)
    splits = [load_npz(DATA / f"mnist-{name}.npz") for name in ("train", "validation", "test")]
    session = config.build_session(*splits)
    while session.run(10.0) is None or session.stop is None:
        pass
    h = session.history
    k = h["epoch"].index(1)  # the history starts with epoch 0, the untrained network's scores
    # Accuracies are counts of 10,000 (exact); the cost sums in another order without a BLAS (RUNTIME.md).
    assert float(row["testAccuracy"]) == round(h["test_acc"][k], 4), (row, h["test_acc"])
    assert float(row["validationAccuracy"]) == round(h["validation_acc"][k], 4), (row, h["validation_acc"])
    assert float(row["meanCost"]) == pytest.approx(h["minibatch_loss"][k], rel=1e-5), (row, h["minibatch_loss"])
    assert 0.3 < float(row["testAccuracy"]) <= 1, row  # and far above guessing (10 %)


def test_backprop_steps_show_cpythons_trace(xb):
    page = xb.goto_lab("backprop", "seed=1")
    page.click("#bp-reset")
    page.wait("() => document.getElementById('bp-step').dataset.index === '0'", what="step 0")
    net = page.data("#bp-net")
    network, X, T = cpython_network(net)
    trace = network.trace(X, T)
    steps = step_sequence(len(network.weights))
    for i, expected in enumerate(steps):
        page.wait("(i) => document.getElementById('bp-step').dataset.index === String(i)", i, what=f"step {i}")
        step = page.data("#bp-step")
        assert step["kind"] == expected.kind
        for key, shown in json.loads(step["values"]).items():
            want = from_trace(network, X, T, trace, key)
            if want is not None:
                assert shown == pytest.approx(float(want), rel=1e-12, abs=1e-300), (i, key)
        if i < len(steps) - 1:
            page.click("#bp-next")


def test_chapter3_short_run_draws_cpythons_curves(xb):
    need((DATA / "mnist-train.npz").exists(), "MNIST data not prepared (./run setup)")
    state = "wi_epochs=2&wi_subset=500"
    page = xb.goto_lab("chapter3", state)
    panel = "document.getElementById('c3-wi-panel').dataset"
    launches = int(page.evaluate(f"{panel}.launches || 0"))
    page.click("#c3-wi-run")
    page.wait(
        f"() => {panel}.launches === '{launches + 1}' && ['done', 'failed'].includes({panel}.state)",
        timeout=240,
        what="the initialisation experiment",
    )
    assert page.attr("#c3-wi-panel", "data-state") == "done", page.text("#c3-wi-status")
    runs = json.loads(page.attr("#c3-wi-panel", "data-runs"))
    values = c3view.SETTINGS.defaults() | c3view.SETTINGS.from_hash(state)[0]
    same_curves(runs, cpython_runs("init", values), ("test_acc", "test_loss"))


def test_universality_typed_heights_score_as_the_book_does(xb):
    page = xb.goto_lab("universality", "n=5")
    page.click("#un-zero")
    page.wait("() => document.getElementById('un-bumps').dataset.heights === '0.0 0.0 0.0 0.0 0.0'", what="zeros")
    heights = [-1.2, -0.4, 0.3, -0.1, 0.9]
    for k, h in enumerate(heights):
        page.type(f"#un-h-{k}", str(h))
    want = " ".join(repr(h) for h in heights)
    page.wait("(h) => document.getElementById('un-bumps').dataset.heights === h", want, what=want)
    shown = float(page.data("#un-bumps")["deviation"])
    assert shown == pytest.approx(uni.deviation(uni.bump_network(heights)), abs=1e-12)
    assert shown == pytest.approx(book_score(heights), abs=1e-12)


def test_chapter6_shows_the_pretrained_convnets_answer(xb):
    need((MODELS / "pretrained-conv.json").exists(), "static/models/pretrained-conv.json is missing")
    page = xb.goto_lab("chapter6")
    page.select("#c6-model", "pretrained")
    page.wait("() => document.getElementById('c6-look').dataset.model === 'pretrained'", timeout=120, what="the net")
    net = convnet_io.from_json((MODELS / "pretrained-conv.json").read_bytes())
    images, _ = load_npz(DATA / "mnist-test.npz")
    for index in (0, 1234):
        page.type("#c6-image", str(index))
        page.click("#c6-read-test")
        page.wait("(i) => document.getElementById('c6-look').dataset.source === `test:${i}`", index, timeout=60)
        outputs = np.array([float(v) for v in page.attr("#c6-look", "data-outputs").split(",")])
        want = net.feedforward(images[index : index + 1], scale=SCALE)[0]
        assert np.max(np.abs(outputs - want)) < 1e-12
        assert page.attr("#c6-answer", "data-digit") == str(int(np.argmax(want)))
