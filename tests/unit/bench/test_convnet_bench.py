"""bench/convnet.py's pure parts: the TF.js peer gets the core's net (its layout checked against a
forward pass written here in TF.js's channels-last order), the table's figures, and the shared
run code's timing loop and profile."""

import base64
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import convnet  # noqa: E402
import convnet_core  # noqa: E402
import tfjs_model  # noqa: E402

from nnfs.maths.convnet import ConvNet, ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer  # noqa: E402


def decoded(entry):
    return np.frombuffer(base64.b64decode(entry["data"]), dtype=np.float32).reshape(entry["shape"]).astype(np.float64)


ACT = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "relu": lambda z: np.maximum(z, 0.0)}


def channels_last_forward(spec, params, X):
    """What tfjs-worker.js computes, by loops over filter offsets in (N, H, W, C) order: the
    class probabilities."""
    h, w, c = spec["input"]
    a = X.reshape(len(X), h, w, c)
    for layer, (W, b) in zip(spec["layers"], params):
        if layer["type"] == "conv":
            k = layer["size"]
            n, ih, iw, _ = a.shape
            z = np.zeros((n, ih - k + 1, iw - k + 1, W.shape[3]))
            for i in range(k):
                for j in range(k):
                    z += a[:, i : i + ih - k + 1, j : j + iw - k + 1, :] @ W[i, j]
            p = layer["pool"]
            if p > 1:
                hp, wp = z.shape[1] // p, z.shape[2] // p
                z = z[:, : hp * p, : wp * p].reshape(n, hp, p, wp, p, -1).max(axis=(2, 4))
            a = ACT[layer["activation"]](z + b)
        else:
            a = a.reshape(len(a), -1) @ W + b
            if layer["type"] == "softmax":
                e = np.exp(a - a.max(axis=1, keepdims=True))
                a = e / e.sum(axis=1, keepdims=True)
            else:
                a = ACT[layer["activation"]](a)
    return a


@pytest.mark.parametrize(
    "shape, layers",
    [
        ((1, 28, 28), convnet_core.layers("sigmoid")),
        ((1, 28, 28), convnet_core.layers("relu")),
        # two conv layers (the second reads 2 channels), a pool of 1, an odd map cut by the pool
        (
            (1, 13, 12),
            [ConvPoolLayer(2, 3, 1, "relu"), ConvPoolLayer(3, 3, 2), FullyConnectedLayer(5), SoftmaxLayer(4)],
        ),
    ],
)
def test_tfjs_weights_give_the_cores_net(shape, layers):
    net = ConvNet(shape, layers, seed=3)
    rng = np.random.default_rng(1)
    for W in net.weights:  # the softmax layer starts at zero: give every weight a part to play
        W += rng.normal(0, 0.3, W.shape)
    X = rng.random((4, int(np.prod(shape))))
    spec = tfjs_model.spec(net, 0.1, 0.0, 10, 1000)
    flat = [decoded(e) for e in tfjs_model.weights(net)]
    params = list(zip(flat[0::2], flat[1::2]))
    got = channels_last_forward(spec, params, X)
    np.testing.assert_allclose(got, net.feedforward(X), rtol=1e-5, atol=1e-6)  # float32 weights


def test_spec_of_the_book_net():
    net = convnet_core.make_net("relu")
    spec = tfjs_model.spec(net, 0.03, 0.1, 10, 50_000)
    assert spec == {
        "input": [28, 28, 1],
        "layers": [
            {"type": "conv", "filters": 20, "size": 5, "pool": 2, "activation": "relu"},
            {"type": "dense", "units": 100, "activation": "relu"},
            {"type": "softmax", "units": 10},
        ],
        "classes": 10,
        "cost": "log-likelihood",
        "eta": 0.03,
        "lmbda": 0.1,
        "batch": 10,
        "n": 50_000,
    }
    shapes = [e["shape"] for e in tfjs_model.weights(net)]
    assert shapes == [[5, 5, 1, 20], [20], [12 * 12 * 20, 100], [100], [100, 10], [10]]
    assert sum(int(np.prod(s)) for s in shapes) == 5 * 5 * 20 + 20 + 2880 * 100 + 100 + 100 * 10 + 10


def test_spec_refuses_what_the_peer_cannot_do():
    with pytest.raises(ValueError, match="dropout"):
        tfjs_model.spec(ConvNet((1, 8, 8), [FullyConnectedLayer(4, dropout=0.5), SoftmaxLayer(3)]), 0.1, 0, 10, 100)
    with pytest.raises(ValueError, match="one channel"):
        tfjs_model.spec(ConvNet((2, 8, 8), [ConvPoolLayer(2, 3), SoftmaxLayer(3)]), 0.1, 0, 10, 100)


def test_table_medians_ratios_and_epochs():
    page, cpython = convnet.Row("page", "relu"), convnet.Row("cpython", "relu")
    samples = {
        page: [(100, 1.0), (300, 1.0), (200, 1.0)],  # 100, 300, 200 images/s
        cpython: [(400, 1.0), (600, 2.0), (800, 1.0)],  # 400, 300, 800: rounds' ratios 0.25, 1, 0.25
    }
    lines = convnet.table(samples)
    assert lines[1].split() == ["relu", "page", "200", "(100", "-", "300,", "3)", "4", "min", "10", "s"]
    assert lines[2].split() == ["relu", "CPython", "400", "(300", "-", "800,", "3)", "2", "min", "05", "s", "0.250"]


def test_seconds_and_rotation():
    assert convnet.seconds(26.74) == "26.7 s"
    assert convnet.seconds(185) == "3 min 05 s"
    rows = ("a", "b", "c")
    firsts = [convnet.rotated(rows, k)[0] for k in range(3)]
    assert sorted(firsts) == ["a", "b", "c"]


def test_runner_trains_for_the_time_asked_and_profiles():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (60, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, 60).astype(np.uint8)
    runner = convnet_core.Runner(images, labels)
    runner.add("r", "relu", seed=0)
    n, took = json.loads(runner.train_json("r", 0.05))
    assert took >= 0.05 and n > 0 and n % convnet_core.MINI_BATCH == 0
    p = runner.profile("r", 3)
    assert p["images"] == 30
    assert 0 < sum(p["parts"].values()) <= p["seconds"]
    assert p["parts"]["conv forward (patches + product)"] > 0 and p["parts"]["dense products (FC + softmax layers)"] > 0
