"""Convnet model files: an exact round trip, and every way a file can be wrong refused with a message."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnfs.maths.convnet import ConvNet, ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer
from nnfs.maths.network import Network
from nnfs.models import convnet_io, model_io


def small(seed=0) -> ConvNet:
    layers = [ConvPoolLayer(3, 5, 2, "relu"), FullyConnectedLayer(7, "sigmoid", 0.25), SoftmaxLayer(10, 0.5)]
    net = ConvNet((1, 28, 28), layers, seed=seed)
    net.biases[-1] += np.linspace(-1, 1, 10)  # the softmax layer starts at zero: make it something
    return net


def test_a_saved_convnet_loads_back_bit_for_bit_with_its_meta():
    net = small()
    text = convnet_io.to_json(net, meta={"test_accuracy": 0.5})
    back = convnet_io.from_json(text)
    assert back.layers == net.layers and back.shapes == net.shapes
    for a, b in zip(net.weights + net.biases, back.weights + back.biases):
        assert np.array_equal(a, b)
    assert back.meta == {"test_accuracy": 0.5}
    X = np.random.default_rng(1).random((4, 784))
    assert np.array_equal(back.feedforward(X), net.feedforward(X))
    assert convnet_io.from_json(text.encode()).layers == net.layers  # bytes too


def test_read_model_reads_either_format():
    assert isinstance(convnet_io.read_model(convnet_io.to_json(small())), ConvNet)
    assert isinstance(convnet_io.read_model(model_io.to_json(Network([784, 5, 10], seed=0))), Network)


def edited(change) -> str:
    d = json.loads(convnet_io.to_json(small()))
    change(d)
    return json.dumps(d)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d.update(format="nnfs-network"), "format is 'nnfs-network'"),
        (lambda d: d.update(version=2), "unsupported version 2"),
        (lambda d: d.pop("layers"), "missing key: layers"),
        (lambda d: d.update(extra=1), "unknown key: extra"),
        (lambda d: d.update(image_shape=[1, 28]), "image_shape must be"),
        (lambda d: d.update(image_shape=[1, 28, 0]), r"image_shape\[2\] \(columns\) must be a whole number"),
        (lambda d: d["layers"][0].update(type="lstm"), "has type 'lstm'"),
        (lambda d: d["layers"][0].update(filters=1.5), r"layers\[0\].filters must be a whole number"),
        (lambda d: d["layers"][0].update(filters=100_000), r"from 1 to 512"),
        (lambda d: d["layers"][0].update(activation="gelu"), "must be one of sigmoid, relu, tanh"),
        (lambda d: d["layers"][1].update(dropout=1.0), "from 0 to below 1"),
        (lambda d: d["layers"][1].pop("dropout"), "must have exactly the keys"),
        (lambda d: d["layers"].reverse(), "ends with one softmax layer"),
        (lambda d: d["layers"][0].update(size=29), "from 1 to 28"),
        (lambda d: d["layers"][0].update(size=25, pool=8), "do not fit"),
        (lambda d: d["layers"][0].update(size=7), r"weights\[0\] has shape \(3, 1, 5, 5\), expected \(3, 1, 7, 7\)"),
        (lambda d: d["weights"][1][0].__setitem__(3, "0.5"), r"weights\[1\]\[0\]\[3\] is not a number"),
        (lambda d: d["weights"][0][0][0][0].pop(), "ragged"),
        (lambda d: d["biases"].pop(), "biases has 2 layers, expected 3"),
        (lambda d: d.update(meta=[1]), "meta must be a JSON object"),
        (lambda d: d.update(layers=[]), "layers must be a list of 1 to 12"),
    ],
)
def test_a_wrong_file_is_refused_with_a_message_that_names_the_problem(change, words):
    with pytest.raises(ValueError, match=words):
        convnet_io.from_json(edited(change))


def test_non_finite_and_hostile_files_are_refused():
    text = convnet_io.to_json(small()).replace('"weights":[[[[', '"weights":[[[[1e999,', 1)
    with pytest.raises(ValueError, match="ragged|not finite|too large"):
        convnet_io.from_json(text)
    with pytest.raises(ValueError, match="nested more than"):
        convnet_io.from_json("[" * 100 + "]" * 100)
    with pytest.raises(ValueError, match="not valid JSON"):
        convnet_io.from_json(b"\xff\xfe")
    with pytest.raises(ValueError, match="empty"):
        convnet_io.from_json("  ")


def test_a_digit_reader_must_read_28x28_images_into_ten_finite_classes():
    net = small()
    assert convnet_io.check_digit_convnet(net) is net
    other = ConvNet((1, 20, 20), [ConvPoolLayer(2, 5), SoftmaxLayer(10)], seed=0)
    with pytest.raises(ValueError, match="needs 1 x 28 x 28 images"):
        convnet_io.check_digit_convnet(other)
    net.weights[0][0, 0, 0, 0] = 1e200
    with pytest.raises(ValueError, match="weights are too large: for pixel values in 0..1, layer 1"):
        convnet_io.check_digit_convnet(net)


def test_the_bound_holds_for_the_worst_image():
    """Interval arithmetic: no image in [0, 1]^784 drives layer 1 past its bound (checked on the
    image that maximises filter 0's first sum: 1 where its weights are positive)."""
    net = small(3)
    bound = convnet_io.weighted_input_bounds(net)[0]
    worst = np.zeros((28, 28))
    worst[:5, :5] = net.weights[0][0, 0] > 0
    z = float((net.weights[0][0, 0] * worst[:5, :5]).sum() + net.biases[0][0])
    assert abs(z) <= bound
