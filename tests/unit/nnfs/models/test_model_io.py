"""Saving and loading networks as JSON: exact round trip, strict validation."""

import json
import time
import tracemalloc

import numpy as np
import pytest

from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer
from nnfs.models import model_io
from nnfs.models.model_io import check_digit_model, from_json, to_json


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
    assert to_json(back) == text  # meta travels with the network
    X = np.random.default_rng(3).standard_normal((4, 5))
    assert np.array_equal(net.feedforward(X), back.feedforward(X))
    # A parsed dict and UTF-8 bytes are accepted too.
    assert np.array_equal(from_json(json.loads(text)).weights[1], net.weights[1])
    assert np.array_equal(from_json(text.encode()).biases[0], net.biases[0])


def test_format_is_exactly_as_specified():
    d = json.loads(to_json(Network([2, 4, 2], seed=0)))
    assert list(d) == ["format", "version", "sizes", "activation", "output_activation", "cost", "weights", "biases"]
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
    d["weights"][0] = d["weights"][0][0]  # one row instead of a matrix
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


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000])
def test_deeply_nested_json_is_refused_before_parsing(text):
    # json's parser recurses once per level: in the page, 10,000 levels overflow the stack
    # and kill Pyodide (in CPython it is a RecursionError, not a ValueError).
    with pytest.raises(ValueError, match="nested more than"):
        from_json(text)


def test_brackets_inside_strings_do_not_count_as_nesting():
    d = good_dict()
    d["meta"] = {"note": "[" * 1000 + '\\"{'}
    assert from_json(json.dumps(d)).meta == d["meta"]


# --- hostile and huge files: linear time, bounded memory (issue 8, item 5) -----------------


def peak_bytes(fn, *args):
    """(result or exception, peak bytes Python allocated while fn ran)."""
    tracemalloc.start()
    try:
        try:
            out = fn(*args)
        except Exception as e:  # noqa: BLE001 - the caller looks at it
            out = e
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_unterminated_string_of_escaped_quotes_is_rejected_in_linear_time():
    # '"' + '\\"' * n: the old string regex failed at every quote after scanning to the
    # end: quadratic (64 KB took 14 s, 200 KB 218 s in the page). 2 MB would take hours;
    # linear, it is a fraction of a second. The bound is loose on purpose (a loaded machine).
    text = '"' + '\\"' * 1_000_000
    t = time.perf_counter()
    with pytest.raises(ValueError, match="not valid JSON: Unterminated string"):
        from_json(text.encode())
    assert time.perf_counter() - t < 20
    # The nesting scanner itself sees one string running to the end, no brackets.
    assert model_io._nesting_depth(text + "[[[") == 0
    assert model_io._nesting_depth('"\\\\"[[') == 2  # an escaped backslash ends before the quote


def test_a_long_string_costs_no_more_memory_than_its_text():
    # A valid model padded by a 5 MB string in meta: the old regex kept a backtracking
    # entry per character (a 50 MB string needed 6.8 GB: MemoryError in the page).
    d = good_dict()
    d["meta"] = {"pad": "x" * 5_000_000}
    text = json.dumps(d)
    net, peak = peak_bytes(from_json, text)
    assert isinstance(net, Network) and len(net.meta["pad"]) == 5_000_000
    assert peak < 3 * len(text)  # the parsed string itself, and small change


def test_too_many_values_are_refused_before_parsing():
    # 50 MB of "0," would parse into 25 million objects (~1 GB); commas count them first.
    d = good_dict()
    text = json.dumps(d)[:-1] + ', "meta": {"pad": [' + "0," * model_io.MAX_VALUES + '0]}}'
    err, peak = peak_bytes(from_json, text)
    assert isinstance(err, ValueError) and "more than 5,000,000 values" in str(err)
    assert peak < len(text) // 10  # nothing was parsed
    # A model of exactly-representable size is untouched by the limit.
    assert model_io.MAX_VALUES > 784 * 6000 + 6000 * 10 + 6010


def test_a_file_padded_with_whitespace_loads():
    text = to_json(Network([5, 30, 10], seed=0))
    padded = text[:-1] + " " * 2_000_000 + "}"
    net, peak = peak_bytes(from_json, padded.encode())
    assert isinstance(net, Network) and net.sizes == [5, 30, 10]
    assert peak < 2.5 * len(padded)  # the decoded text, no copies of it


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf", "\ufeff"])
def test_a_utf8_byte_order_mark_is_accepted(prefix):
    text = to_json(Network([2, 3, 2], seed=0))
    data = prefix + (text.encode() if isinstance(prefix, bytes) else text)
    assert from_json(data).sizes == [2, 3, 2]


def test_a_whole_number_thousands_of_digits_long_is_a_clear_error():
    d = json.dumps(good_dict()).replace('"version": 1', '"version": 1' + "0" * 5000)
    with pytest.raises(ValueError, match="a whole number thousands of digits long"):
        from_json(d)


def test_running_out_of_memory_is_a_value_error_that_says_so(monkeypatch):
    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(model_io.json, "loads", no_memory)
    with pytest.raises(ValueError, match="too big to read in the memory"):
        from_json(to_json(Network([2, 3, 2], seed=0)))


def huge_linear_digit_model(value=1e308):
    net = Network([784, 3, 10], activation="relu", output_activation="linear", seed=0)
    net.weights[0][:, :2] = value  # two pixels' worth already overflows: 2e308 is inf
    return net


def test_a_digit_model_whose_outputs_overflow_is_refused_at_load():
    net = huge_linear_digit_model()
    # Really broken: an ordinary image (all pixels 1) gives inf or nan outputs.
    with np.errstate(all="ignore"):
        assert not np.isfinite(net.feedforward(np.ones((1, 784)))).all()
    text = to_json(net)
    with pytest.raises(
        ValueError,
        match=r"weights are too large: for pixel values in 0\.\.1, "
        r"hidden layer 1's weighted inputs w·x \+ b could reach more than the largest float",
    ):
        check_digit_model(from_json(text))
    # The output layer is named when it is the one that overflows.
    net = Network([784, 3, 10], activation="sigmoid", output_activation="linear", seed=0)
    net.biases[1][4] = -1e200
    with pytest.raises(ValueError, match="the output layer's weighted inputs w·x \\+ b could reach 1e\\+200"):
        check_digit_model(net)


def test_the_output_bound_really_bounds_the_outputs():
    """The interval bound is sound: random nets of every activation, random and
    extreme 0..1 inputs through an independent forward pass; no layer's weighted
    input ever exceeds its bound (and the bound is not absurdly loose)."""
    acts = {
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0),
        "linear": lambda v: v,
        "softmax": lambda v: (
            np.exp(v - v.max(axis=1, keepdims=True))
            / np.exp(v - v.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)
        ),
    }
    rng = np.random.default_rng(7)
    for case in range(40):
        hidden = ["sigmoid", "tanh", "relu", "linear"][case % 4]
        out = ["sigmoid", "linear", "softmax", "relu"][case // 4 % 4]
        cost = "log-likelihood" if out == "softmax" else "quadratic"
        net = Network([6, 5, 4, 3], activation=hidden, output_activation=out, cost=cost, seed=case)
        net.weights = [w * rng.uniform(0.5, 30) for w in net.weights]
        X = np.vstack([rng.random((200, 6)), rng.integers(0, 2, (64, 6))])
        bounds = model_io.weighted_input_bounds(net, 1.0)
        a = X
        with np.errstate(over="ignore"):  # a saturated reference sigmoid: exp(-v) -> inf, a -> 0
            for l, (w, b) in enumerate(zip(net.weights, net.biases)):
                z = a @ w.T + b
                assert np.abs(z).max() <= bounds[l]
                assert bounds[l] < 1e6 * max(np.abs(z).max(), 1.0)
                a = acts[out if l == 2 else hidden](z)
        assert model_io.check_outputs_bounded(net) is net


def test_the_pretrained_model_passes_the_digit_check():
    from pathlib import Path

    path = Path(__file__).resolve().parents[4] / "static" / "models" / "pretrained.json"
    net = check_digit_model(from_json(path.read_bytes()))
    assert net.sizes[0] == 784
