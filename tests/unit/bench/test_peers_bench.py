"""bench/peers.py's pure parts: the TF.js peer gets the core's fully connected nets (checked against a
forward pass and costs written here in TF.js's (in, out) layout), the table's ratios and goals, and
the shared run code (the nets' settings, the Playground's rows, the step's parts)."""

import base64
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import peers  # noqa: E402
import peers_core  # noqa: E402
import tfjs_model  # noqa: E402
from convnet import Row  # noqa: E402

from nnfs.maths.network import Network  # noqa: E402


def decoded(entry):
    return np.frombuffer(base64.b64decode(entry["data"]), dtype=np.float32).reshape(entry["shape"]).astype(np.float64)


def tfjs_forward(spec, params, X):
    """What tfjs-worker.js computes for a dense spec: a W + b per layer, (in, out) weights."""
    a = X
    for layer, (W, b) in zip(spec["layers"], params):
        z = a @ W + b
        if layer["type"] == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        elif layer["activation"] == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        elif layer["activation"] == "tanh":
            a = np.tanh(z)
        else:
            a = np.maximum(z, 0.0)
    return a


@pytest.mark.parametrize(
    "sizes, act, cost",
    [
        ([784, 30, 10], "sigmoid", "quadratic"),
        ([2, 8, 8, 2], "sigmoid", "cross-entropy"),
        ([5, 4, 3], "tanh", "log-likelihood"),
    ],
)
def test_dense_weights_give_the_cores_net(sizes, act, cost):
    net = Network(sizes, activation=act, cost=cost, seed=3)
    spec = tfjs_model.dense_spec(net, 3.0, 10, 700)
    w = tfjs_model.dense_weights(net)
    params = [(decoded(w[2 * l]), decoded(w[2 * l + 1])) for l in range(len(spec["layers"]))]
    X = np.random.default_rng(1).random((7, sizes[0]))
    got = tfjs_forward(spec, params, X)
    np.testing.assert_allclose(got, net.feedforward(X), rtol=1e-5, atol=1e-6)  # float32 weights
    assert spec["cost"] == cost and spec["input"] == [sizes[0]] and spec["lmbda"] == 0.0
    assert [layer.get("units") for layer in spec["layers"]] == sizes[1:]
    assert "data" not in spec and tfjs_model.dense_spec(net, 3.0, 10, 700, data="pg")["data"] == "pg"


def test_the_presets_are_the_issues_nets():
    assert peers_core.make_net("ch1").sizes == [784, 30, 10]
    assert peers_core.make_net("mb100").sizes == [784, 100, 10]
    pg = peers_core.make_net("playground")
    assert pg.sizes == [2, 8, 8, 2] and pg.cost == "cross-entropy"
    X, y = peers_core.playground_data()
    assert len(X) + round(0.3 * peers_core.PLAYGROUND_POINTS) == peers_core.PLAYGROUND_POINTS
    assert set(np.unique(y)) == {0, 1}
    assert peers_core.PRESETS["ch1"]["batch"] == 10 and peers_core.PRESETS["mb100"]["batch"] == 100


def test_book_runner_takes_the_books_steps():
    """The book's row trains its own net (the weights move) for the time asked."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (300, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, 300)
    runner = peers.BookRunner(images, labels)
    runner.add("book/ch1", "ch1", 0)
    before = runner.nets["book/ch1"][0].weights[0].copy()
    done, took = runner.train("book/ch1", 0.05)
    assert done % 10 == 0 and done > 0 and took >= 0.05
    assert not np.array_equal(before, runner.nets["book/ch1"][0].weights[0])


def test_the_playground_rows_and_step_parts():
    rng = np.random.default_rng(0)
    runner = peers_core.Runner(rng.integers(0, 256, (200, 784), dtype=np.uint8), rng.integers(0, 10, 200))
    runner.add("page/lab", "lab")
    runner.add("page/pictures", "pictures")
    runner.add("page/ch1", "ch1")
    examples, took = runner.train("page/lab", 0.2)
    assert examples > 0 and took >= 0.2 and runner.labs["page/lab"].session.epoch >= 1
    frames, _ = runner.train("page/pictures", 0.05)
    assert frames >= 1
    trainer = runner.trainers["page/ch1"]
    before = [w.copy() for w in trainer.network.weights]
    parts = peers_core.step_parts(trainer, 5)
    assert set(parts) == {"gather + scale", "forward", "forward + backward", "whole step"}
    assert all(v > 0 for v in parts.values())
    for w, b in zip(before, trainer.network.weights):  # timed from the weights, which it leaves as they were
        np.testing.assert_array_equal(w, b)
    assert runner.profile("page/ch1", 5)["images"] == 50


def test_table_ratios_and_goals():
    s = {
        Row("page", "ch1"): [(1000, 1.0), (1200, 1.0), (1100, 1.0)],
        Row("tfjs-cpu", "ch1"): [(500, 1.0), (500, 1.0), (500, 1.0)],  # page 2.0, 2.4, 2.2 x
        Row("tfjs-wasm", "ch1"): [(2500, 1.0), (2500, 1.0), (2500, 1.0)],  # page 0.40, 0.48, 0.44 x
        Row("page", "playground"): [(1400, 1.0)],
        Row("tfjs-cpu", "playground"): [(2800, 1.0)],
    }
    lines = peers.table(s, {"playground": 700})
    cpu = next(line for line in lines if "ch1" in line and "TF.js cpu" in line)
    wasm = next(line for line in lines if "ch1" in line and "TF.js wasm" in line)
    assert " 2.20 " in cpu and "met (>= 1)" in cpu
    assert " 0.44 " in wasm and "MISSED (>= 0.5)" in wasm
    page_pg = next(line for line in lines if "playground" in line and " page " in line)
    assert "2.0 epochs/s" in page_pg  # 1,400 points a second over 700 a epoch
    assert "MISSED (>= 1)" in next(line for line in lines if "playground" in line and "TF.js cpu" in line)
    assert peers.missed(s) == ["ch1", "playground"]
