"""Saving and loading networks as JSON: exact round trip, strict validation."""

import json

import numpy as np
import pytest

from nnfs.model_io import from_json, to_json
from nnfs.network import Network, Trainer


def trained_net():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 5)), rng.integers(0, 3, 40)
    net = Network([5, 30, 10, 3], activation="tanh", cost="log-likelihood", init="scaled", seed=1)
    Trainer(net, X, y, mini_batch_size=8, eta=0.1, seed=2).train_epoch()
    return net


def good_dict():
    return json.loads(to_json(Network([5, 30, 10], seed=0)))


def test_round_trip_is_exact():
    net = trained_net()
    text = to_json(net, meta={"test_accuracy": 0.97, "epochs": 1})
    back = from_json(text)
    assert back.sizes == net.sizes
    assert (back.activation, back.output_activation, back.cost) == ("tanh", "softmax", "log-likelihood")
    for a, b in zip(net.weights + net.biases, back.weights + back.biases):
        assert np.array_equal(a, b) and b.dtype == np.float64
    assert back.meta == {"test_accuracy": 0.97, "epochs": 1}
    assert to_json(back) == text                     # meta travels with the network
    X = np.random.default_rng(3).standard_normal((4, 5))
    assert np.array_equal(net.feedforward(X), back.feedforward(X))
    # A parsed dict and UTF-8 bytes are accepted too.
    assert np.array_equal(from_json(json.loads(text)).weights[1], net.weights[1])
    assert np.array_equal(from_json(text.encode()).biases[0], net.biases[0])


def test_format_is_exactly_as_specified():
    d = json.loads(to_json(Network([2, 4, 2], seed=0)))
    assert list(d) == ["format", "version", "sizes", "activation", "output_activation",
                       "cost", "weights", "biases"]
    assert d["format"] == "nnfs-network" and d["version"] == 1 and d["sizes"] == [2, 4, 2]
    assert (d["activation"], d["output_activation"], d["cost"]) == ("sigmoid", "sigmoid", "quadratic")
    assert np.shape(d["weights"][0]) == (4, 2) and np.shape(d["weights"][1]) == (2, 4)
    assert np.shape(d["biases"][0]) == (4,) and np.shape(d["biases"][1]) == (2,)


def with_(**changes):
    d = good_dict()
    d.update(changes)
    return d


def without(key):
    d = good_dict()
    del d[key]
    return d


def bad_weight(layer, i, j, value):
    d = good_dict()
    d["weights"][layer][i][j] = value
    return d


BAD = [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object at the top level, got list"),
    (without("biases"), "missing key: biases"),
    (with_(extra=1), "unknown key: extra"),
    (with_(format="keras"), "format is 'keras', expected 'nnfs-network'"),
    (with_(version=2), r"unsupported version 2 \(this code reads version 1\)"),
    (with_(version="1"), "unsupported version '1'"),
    (with_(sizes=[5]), "sizes must be a list of at least 2 positive integers"),
    (with_(sizes=[5, 0, 10]), "sizes must be a list of at least 2 positive integers"),
    (with_(sizes=[5, 30.0, 10]), "sizes must be a list of at least 2 positive integers"),
    (with_(sizes="5,30,10"), "sizes must be a list"),
    (with_(activation="swish"), "unknown activation 'swish'"),
    (with_(output_activation="argmax"), "unknown output_activation 'argmax'"),
    (with_(cost="hinge"), "unknown cost 'hinge'"),
    (with_(cost="log-likelihood"), "cost 'log-likelihood' needs output activation 'softmax'"),
    (with_(activation="softmax"), "only for the output layer"),
    (with_(sizes=[5, 30, 11]), r"weights\[1\] has shape \(10, 30\), expected \(11, 30\)"),
    (with_(meta=[1]), "meta must be a JSON object"),
    (with_(weights=[]), "weights has 0 layers, expected 2"),
    (bad_weight(0, 3, 2, "0.5"), r"weights\[0\]\[3\]\[2\] is not a number: '0.5'"),
    (bad_weight(1, 0, 0, True), r"weights\[1\]\[0\]\[0\] is not a number: True"),
    (bad_weight(1, 9, 29, [1.0]), r"weights\[1\] is ragged"),
]


@pytest.mark.parametrize("data,message", BAD, ids=[m[:30] for _, m in BAD])
def test_rejects_bad_models(data, message):
    with pytest.raises(ValueError, match=message):
        from_json(data)


def test_rejects_wrong_shapes():
    d = good_dict()
    d["weights"][1] = [row[:-1] for row in d["weights"][1]]
    with pytest.raises(ValueError, match=r"^weights\[1\] has shape \(10, 29\), expected \(10, 30\)$"):
        from_json(d)
    d = good_dict()
    d["biases"][0] = d["biases"][0][:-1]
    with pytest.raises(ValueError, match=r"biases\[0\] has shape \(29,\), expected \(30,\)"):
        from_json(d)
    d = good_dict()
    d["weights"][0] = d["weights"][0][0]             # one row instead of a matrix
    with pytest.raises(ValueError, match=r"weights\[0\] has shape \(5,\), expected \(30, 5\)"):
        from_json(d)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_rejects_non_finite_numbers(token):
    text = to_json(Network([2, 3, 2], seed=0))
    d = json.loads(text)
    d["biases"][1][1] = 12345.5
    text = json.dumps(d).replace("12345.5", token)
    with pytest.raises(ValueError, match=r"biases\[1\]\[1\] is not finite"):
        from_json(text)


def test_will_not_save_a_diverged_network_or_bad_meta():
    net = Network([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match="meta cannot be written as JSON"):
        to_json(net, meta={"when": object()})
    with pytest.raises(ValueError, match="meta cannot be written as JSON"):
        to_json(net, meta={"acc": float("nan")})
    net.weights[0][0, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite weights"):
        to_json(net)


@pytest.mark.parametrize("text", ["", "  \n", b""])
def test_an_empty_file_is_named_as_such(text):
    with pytest.raises(ValueError, match="the file is empty"):
        from_json(text)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"a":' * 5_000 + "1" + "}" * 5_000])
def test_deeply_nested_json_is_refused_before_parsing(text):
    # json's parser recurses once per level: in the page, 10,000 levels overflow the stack
    # and kill Pyodide (in CPython it is a RecursionError, not a ValueError).
    with pytest.raises(ValueError, match="nested more than"):
        from_json(text)


def test_brackets_inside_strings_do_not_count_as_nesting():
    d = good_dict()
    d["meta"] = {"note": "[" * 1000 + '\\"{'}
    assert from_json(json.dumps(d)).meta == d["meta"]
