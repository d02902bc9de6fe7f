"""Saving and loading a convolutional net (``nnfs.maths.convnet.ConvNet``) as JSON.

The format (version 1)::

    {"format": "nnfs-convnet", "version": 1,
     "image_shape": [1, 28, 28],                      channels, rows, columns
     "layers": [{"type": "conv-pool", "filters": 20, "size": 5, "pool": 2, "activation": "relu"},
                {"type": "fully-connected", "neurons": 100, "activation": "relu", "dropout": 0},
                {"type": "softmax", "classes": 10, "dropout": 0}],
     "weights": [...],       weights[l]: (filters, channels, size, size) or (neurons, inputs) nested lists
     "biases": [...],        biases[l]: one number per filter or neuron
     "meta": {...}}          optional, free-form

Numbers are written with Python's float repr (exact round trip). Loading trusts nothing, as
``nnfs.models.model_io`` does for fully connected nets and through the same parser (time and
memory linear in the file's size, nesting and the number of values bounded before parsing):
every layer's kind and size is checked against limits, the shapes from layer to layer (a
5 x 5 filter pooled 2 x 2 must fit the images it gets), every weight is a finite number, and
``check_digit_convnet`` refuses weights so large that an image could overflow a layer's sums.
``read_model`` reads either format: what the Digits pad and the Chapter 6 lab load.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from nnfs.data.mnist import IMAGE_SIDE, N_CLASSES
from nnfs.maths.activations import get_activation
from nnfs.maths.convnet import ConvNet, ConvPoolLayer, FullyConnectedLayer, Layer, SoftmaxLayer
from nnfs.maths.network import Network
from nnfs.models import model_io

FORMAT = "nnfs-convnet"
VERSION = 1
_KEYS = ("format", "version", "image_shape", "layers", "weights", "biases")
# What a layer may be: enough for every net of the book's chapter 6 and more, small enough
# that a hostile file cannot ask for a net that would not fit in memory before its weights
# are counted (model_io.MAX_VALUES bounds those).
MAX_LAYERS = 12
MAX_FILTERS = 512
MAX_FILTER_SIZE = 28
MAX_POOL = 8
MAX_NEURONS = 10_000
MAX_CHANNELS = 16
MAX_IMAGE_SIDE = 256
ACTIVATIONS = ("sigmoid", "relu", "tanh")
LAYER_KEYS = {
    "conv-pool": ("filters", "size", "pool", "activation"),
    "fully-connected": ("neurons", "activation", "dropout"),
    "softmax": ("classes", "dropout"),
}


def layer_dict(layer: Layer) -> dict[str, Any]:
    if isinstance(layer, ConvPoolLayer):
        return {
            "type": "conv-pool",
            "filters": layer.filters,
            "size": layer.size,
            "pool": layer.pool,
            "activation": layer.activation,
        }
    if isinstance(layer, FullyConnectedLayer):
        return {
            "type": "fully-connected",
            "neurons": layer.neurons,
            "activation": layer.activation,
            "dropout": layer.dropout,
        }
    return {"type": "softmax", "classes": layer.classes, "dropout": layer.dropout}


def to_dict(net: ConvNet, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    meta = model_io.savable_meta(net, meta)
    d: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "image_shape": list(net.shapes[0]),
        "layers": [layer_dict(layer) for layer in net.layers],
        "weights": [w.tolist() for w in net.weights],
        "biases": [b.tolist() for b in net.biases],
    }
    if meta:
        d["meta"] = meta
    return d


def to_json(net: ConvNet, meta: dict[str, Any] | None = None) -> str:
    return json.dumps(to_dict(net, meta), separators=(",", ":"), allow_nan=False)


def from_json(text: str | bytes | bytearray | dict[str, Any]) -> ConvNet:
    """A ConvNet from JSON text or a parsed dict; a ValueError that names the problem."""
    d = model_io.parse(text)
    try:
        return from_dict(d)
    except MemoryError:
        raise ValueError("the file is too big to read in the memory this page has") from None


def read_model(text: str | bytes | bytearray) -> Network | ConvNet:
    """A model file of either format: a fully connected ``Network`` or a ``ConvNet``."""
    d = model_io.parse(text)
    if isinstance(d, dict) and d.get("format") == FORMAT:
        return from_dict(d)
    return model_io.from_dict(d)


def _count(value: object, name: str, lo: int, hi: int) -> int:
    if type(value) is not int or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi:,}; got {value!r}")
    return value


def _rate(value: object, name: str) -> float:
    if type(value) not in (int, float) or not 0 <= value < 1:  # type: ignore[operator]
        raise ValueError(f"{name} must be a number from 0 to below 1; got {value!r}")
    return float(value)  # type: ignore[arg-type]


def _activation(value: object, name: str) -> str:
    if value not in ACTIVATIONS:
        raise ValueError(f"{name} must be one of {', '.join(ACTIVATIONS)}; got {value!r}")
    return str(value)


def _layer(d: object, i: int, last: bool) -> Layer:
    name = f"layers[{i}]"
    if not isinstance(d, dict):
        raise ValueError(f"{name} must be an object, got {type(d).__name__}")
    kind = d.get("type")
    if kind not in LAYER_KEYS:
        raise ValueError(f"{name} has type {kind!r}; expected one of {', '.join(LAYER_KEYS)}")
    want = set(LAYER_KEYS[kind]) | {"type"}
    if set(d) != want:
        wrong = sorted(set(d) ^ want)
        raise ValueError(
            f"{name} ({kind}) must have exactly the keys {', '.join(sorted(want))}; check {', '.join(wrong)}"
        )
    if (kind == "softmax") != last:
        raise ValueError(f"{name}: a convnet ends with one softmax layer, and only the last layer is one")
    if kind == "conv-pool":
        return ConvPoolLayer(
            _count(d["filters"], f"{name}.filters", 1, MAX_FILTERS),
            _count(d["size"], f"{name}.size", 1, MAX_FILTER_SIZE),
            _count(d["pool"], f"{name}.pool", 1, MAX_POOL),
            _activation(d["activation"], f"{name}.activation"),
        )
    if kind == "fully-connected":
        return FullyConnectedLayer(
            _count(d["neurons"], f"{name}.neurons", 1, MAX_NEURONS),
            _activation(d["activation"], f"{name}.activation"),
            _rate(d["dropout"], f"{name}.dropout"),
        )
    return SoftmaxLayer(_count(d["classes"], f"{name}.classes", 2, MAX_NEURONS), _rate(d["dropout"], f"{name}.dropout"))


def from_dict(d: object) -> ConvNet:
    """A ConvNet from the parsed format dict, after checking every field."""
    if not isinstance(d, dict):
        raise ValueError(f"expected a JSON object at the top level, got {type(d).__name__}")
    missing = [k for k in _KEYS if k not in d]
    if missing:
        raise ValueError(f"missing key{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    unknown = sorted(set(d) - set(_KEYS) - {"meta"})
    if unknown:
        raise ValueError(f"unknown key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    if d["format"] != FORMAT:
        raise ValueError(f"format is {d['format']!r}, expected {FORMAT!r}")
    if type(d["version"]) is not int or d["version"] != VERSION:
        raise ValueError(f"unsupported version {d['version']!r} (this code reads version {VERSION})")
    shape = d["image_shape"]
    if not (isinstance(shape, list) and len(shape) == 3):
        raise ValueError(f"image_shape must be [channels, rows, columns]; got {shape!r}")
    c = _count(shape[0], "image_shape[0] (channels)", 1, MAX_CHANNELS)
    h = _count(shape[1], "image_shape[1] (rows)", 1, MAX_IMAGE_SIDE)
    w = _count(shape[2], "image_shape[2] (columns)", 1, MAX_IMAGE_SIDE)
    layers_in = d["layers"]
    if not isinstance(layers_in, list) or not 1 <= len(layers_in) <= MAX_LAYERS:
        raise ValueError(f"layers must be a list of 1 to {MAX_LAYERS} layers")
    layers = [_layer(x, i, i == len(layers_in) - 1) for i, x in enumerate(layers_in)]
    if "meta" in d and not isinstance(d["meta"], dict):
        raise ValueError(f"meta must be a JSON object, got {type(d['meta']).__name__}")
    try:
        net = ConvNet((c, h, w), layers, seed=0)  # checks the shapes fit, layer to layer
    except ValueError as e:
        raise ValueError(f"the layers do not fit together: {e}") from None
    net.weights = model_io._arrays(d["weights"], "weights", [w.shape for w in net.weights])
    net.biases = model_io._arrays(d["biases"], "biases", [b.shape for b in net.biases])
    net.meta = dict(d.get("meta", {}))
    return net


def weighted_input_bounds(net: ConvNet, input_bound: float = 1.0) -> list[float]:
    """For each layer, a bound on |z| over every input with all pixels |x| <= ``input_bound``
    (interval arithmetic, as ``model_io.weighted_input_bounds``: the sum of all |w| times
    the bound on the layer's inputs, plus the largest |b|; pooling keeps bounds)."""
    bounds, bound = [], float(input_bound)
    with np.errstate(over="ignore", invalid="ignore"):
        for layer, wts, b in zip(net.layers, net.weights, net.biases):
            z = float(np.abs(wts).sum()) * bound + float(np.abs(b).max(initial=0.0))
            z = z if z == z else math.inf
            bounds.append(z)
            if isinstance(layer, SoftmaxLayer):
                bound = 1.0
            else:
                f = get_activation(layer.activation)
                bound = float(max(abs(f(np.array(z))), abs(f(np.array(-z)))))
    return bounds


def check_digit_convnet(net: ConvNet) -> ConvNet:
    """``net`` if it reads 28 x 28 one-channel images into 10 digits, finitely for every image."""
    if tuple(net.shapes[0]) != (1, IMAGE_SIDE, IMAGE_SIDE) or net.sizes[-1] != N_CLASSES:
        raise ValueError(
            f"this convnet reads images of {net.shapes[0]} into {net.sizes[-1]} classes; a digit reader "
            f"needs 1 x {IMAGE_SIDE} x {IMAGE_SIDE} images (one channel) and {N_CLASSES} classes"
        )
    for l, z in enumerate(weighted_input_bounds(net)):
        if not z <= model_io.MAX_WEIGHTED_INPUT:
            reach = f"{z:.3g}" if math.isfinite(z) else "more than the largest float (1.8e+308)"
            raise ValueError(
                f"its weights are too large: for pixel values in 0..1, layer {l + 1}'s weighted inputs "
                f"could reach {reach}, where sums overflow (a usable model keeps them below "
                f"{model_io.MAX_WEIGHTED_INPUT:.0e})"
            )
    return net
