"""Exporting a trained network as a standalone Python + numpy script.

``export_script(model_json_text)`` takes a saved model (the app's JSON model
format, below) and returns the text of a short script that needs nothing but
Python 3 and numpy: it embeds the weights and biases, defines
``feedforward(x)`` and ``predict(images)`` with names from the maths, and when
run classifies the images in an ``.npz`` file (printing accuracy) or the
784-number rows of a CSV file. A learner can download it from the page and
read, run and change the real computation behind the app's answers.

The model format (written by ``nnfs.models.model_io``; parsed here with plain ``json`` so
this module stands on its own)::

    {"format": "nnfs-network", "version": 1, "sizes": [784, 30, 10],
     "activation": "sigmoid", "output_activation": "softmax", "cost": "log-likelihood",
     "weights": [...], "biases": [...], "meta": {...}}

with ``weights[l]`` of shape (n_out, n_in) and ``biases[l]`` of shape (n_out,);
examples are rows, so each layer computes ``a = f(a @ W.T + b)``.

The numbers are embedded as base64 of their float64 (little-endian) bytes, not
as decimal text: that is exact by construction (the script computes with the
very same float64 values, so it reproduces the app's predictions), and about
half the size of repr'd decimals (~250 kB for a [784, 30, 10] network). The
arithmetic is the app's too: the same stable sigmoid and softmax formulas,
and uint8 pixels scaled by multiplying with 1/255.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

FORMAT = "nnfs-network"
VERSION = 1
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OUTPUT_ACTIVATIONS = HIDDEN_ACTIVATIONS + ("softmax",)

_BASE64_LINE = 76  # characters of base64 per line of the script, as in MIME

# Source of each activation function as it appears in the exported script.
# sigmoid and softmax are written exactly as in nnfs.maths.activations so that the
# script's outputs are bit-for-bit the app's.
_ACTIVATION_SOURCE = {
    "sigmoid": '''def sigmoid(z):
    """1 / (1 + e^-z), written with e^-|z| <= 1 so that nothing overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
''',
    "tanh": '''def tanh(z):
    """(e^z - e^-z) / (e^z + e^-z)."""
    return np.tanh(z)
''',
    "relu": '''def relu(z):
    """max(0, z), the rectified linear unit."""
    return np.maximum(z, 0.0)
''',
    "linear": '''def linear(z):
    """The identity: a linear neuron outputs its weighted input."""
    return z
''',
    "softmax": '''def softmax(z):
    """e^z_j / sum_k e^z_k along each row; subtracting the row's max first avoids overflow."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
''',
}

_TEMPLATE = '''"""A neural network trained in "Neural networks from scratch in the browser".

Layers: @SIZES@ neurons; @ACTIVATION@ hidden neurons, @OUTPUT_ACTIVATION@ output neurons.
Needs only Python 3 and numpy. Run it as

    python this_script.py mnist-test.npz [N]   predictions and accuracy for the first N
                                               images (default 100; 10000 = all of them)
    python this_script.py digit.csv            the prediction for each row of @N_INPUTS@ numbers

An .npz file holds "images" (uint8 0-255, one image per row) and "labels", as
made by the app's tools/prepare_mnist.py. A CSV/text file holds rows of
@N_INPUTS@ numbers separated by commas or spaces@CSV_SCALE_NOTE@.

Each layer computes a = f(a W^T + b) for a batch a with one example per row,
W of shape (n_out, n_in) and b of shape (n_out,): Nielsen's a' = f(w a + b).
"""
@META@
import base64
import sys

import numpy as np

SIZES = @SIZES@
PIXEL_SCALE = 1.0 / 255.0  # uint8 pixels times this are intensities in [0, 1]


@ACTIVATION_FUNCTIONS@

f_hidden = @ACTIVATION@  # activation function of the hidden layers
f_output = @OUTPUT_ACTIVATION@  # activation function of the output layer


def feedforward(x):
    """Output activations a^L for inputs x: shape (N, @N_INPUTS@) -> (N, @N_OUTPUTS@)."""
    a = np.atleast_2d(np.asarray(x, dtype=np.float64))
    for l, (w, b) in enumerate(zip(weights, biases)):
        f = f_output if l == len(weights) - 1 else f_hidden
        a = f(a @ w.T + b)
    return a


def predict(images):
    """Predicted class of each input: the most active output neuron (one output
    neuron: 1 if its activation is above 0.5). uint8 images are scaled to [0, 1]."""
    images = np.atleast_2d(np.asarray(images))
    x = images.astype(np.float64) * PIXEL_SCALE if images.dtype == np.uint8 else images
    a = feedforward(x)
    if a.shape[1] == 1:
        return (a[:, 0] > 0.5).astype(int)
    return np.argmax(a, axis=1)


def load_inputs(path):
    """(inputs, labels) from an .npz file, or (inputs, None) from a CSV/text file of rows."""
    if path.endswith(".npz"):
        with np.load(path) as data:
            return data["images"], data["labels"]
    with open(path) as f:
        numbers = np.array(f.read().replace(",", " ").split(), dtype=np.float64)
    if numbers.size == 0 or numbers.size % SIZES[0]:
        sys.exit(f"{path}: expected rows of {SIZES[0]} numbers, found {numbers.size} numbers")
    x = numbers.reshape(-1, SIZES[0])@CSV_SCALE_CODE@
    return x, None


def main(args):
    if len(args) not in (1, 2):
        sys.exit(__doc__)
    inputs, labels = load_inputs(args[0])
    n = int(args[1]) if len(args) == 2 else (100 if labels is not None else len(inputs))
    inputs = inputs[:n]
    predictions = predict(inputs)
    if labels is None:
        for i, p in enumerate(predictions):
            print(f"row {i}: predicted {p}")
        return
    labels = labels[:n]
    for i, (p, y) in enumerate(zip(predictions, labels)):
        print(f"image {i}: predicted {p}, label {y}" + ("" if p == y else "   <- wrong"))
    n, correct = len(labels), int(np.sum(predictions == labels))
    print(f"accuracy on the first {n} images: {correct}/{n} = {100 * correct / max(n, 1):.2f}%")


def decode(shape, text):
    """float64 numbers stored as base64 of their little-endian bytes: exact, and compact."""
    return np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(shape)


# The trained parameters: weights[l] is (n_out, n_in), biases[l] is (n_out,).
weights = [
@WEIGHTS@
]
biases = [
@BIASES@
]

if __name__ == "__main__":
    main(sys.argv[1:])
'''

# Only 784-input models read pixels; for those a CSV of 0-255 values is scaled.
_CSV_SCALE_NOTE = (
    ", as 0-255 pixel values or as\nintensities in [0, 1] (if any value is above 1 they are taken as 0-255)"
)
_CSV_SCALE_CODE = """
    if x.max() > 1:  # pixel values 0-255, not intensities in [0, 1]
        x = x * PIXEL_SCALE"""


def export_script(model_json_text: str) -> str:
    """The source of a standalone Python + numpy script that runs the model in ``model_json_text``.

    Raises ValueError if the text is not a valid model file (with what is wrong).
    """
    model = _parse_model(model_json_text)
    sizes = model["sizes"]
    activation, output_activation = model["activation"], model["output_activation"]
    used = [activation] if output_activation == activation else [activation, output_activation]
    pixels = sizes[0] == 28 * 28

    replacements = {
        "@META@": _meta_comments(model.get("meta"), model.get("cost")),
        "@SIZES@": repr(sizes),
        "@N_INPUTS@": str(sizes[0]),
        "@N_OUTPUTS@": str(sizes[-1]),
        "@ACTIVATION_FUNCTIONS@": "\n\n".join(_ACTIVATION_SOURCE[name] for name in used).rstrip("\n"),
        "@ACTIVATION@": activation,
        "@OUTPUT_ACTIVATION@": output_activation,
        "@CSV_SCALE_NOTE@": _CSV_SCALE_NOTE if pixels else "",
        "@CSV_SCALE_CODE@": _CSV_SCALE_CODE if pixels else "",
        "@WEIGHTS@": "\n".join(_embedded(w) for w in model["weights"]),
        "@BIASES@": "\n".join(_embedded(b) for b in model["biases"]),
    }
    # One pass, so text substituted in (e.g. from meta) is never scanned again.
    return re.sub(r"@[A-Z_]+@", lambda m: replacements[m.group(0)], _TEMPLATE)


def _embedded(array: NDArray[np.float64]) -> str:
    """One ``decode(shape, "...")`` list item, the base64 text wrapped into lines."""
    text = base64.b64encode(array.astype("<f8").tobytes()).decode("ascii")
    lines = [text[i : i + _BASE64_LINE] for i in range(0, len(text), _BASE64_LINE)] or [""]
    body = "\n".join(f'        "{line}"' for line in lines)
    return f"    decode({array.shape!r}, (\n{body}\n    )),"


def _meta_comments(meta: object, cost: object) -> str:
    """Comment lines recording the model's cost and the scalar entries of its meta."""
    entries: dict[str, str | int | float | bool | None] = {}
    if isinstance(cost, str):
        entries["cost"] = cost
    if isinstance(meta, dict):
        for key, value in meta.items():
            if isinstance(value, (str, int, float, bool)) or value is None:
                entries[str(key)] = value
    if not entries:
        return ""
    # json.dumps escapes newlines and control characters, so each entry stays
    # on its comment line whatever the model file holds.
    lines = ["# About this model (from the model file):"]
    for key, value in list(entries.items())[:20]:
        shown = json.dumps(value)
        if len(shown) > 200:
            shown = shown[:197] + "..."
        lines.append(f"#   {json.dumps(key)[1:-1][:60]}: {shown}")
    return "\n" + "\n".join(lines) + "\n"


def _parse_model(text: str) -> dict[str, Any]:
    """The model dict with weights/biases as validated float64 arrays."""
    if not isinstance(text, str):
        raise ValueError(f"expected the model file's text (a str), got {type(text).__name__}")
    try:
        model = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"the model file is not valid JSON: {e}") from None
    if not isinstance(model, dict):
        raise ValueError("the model file must hold a JSON object")
    if model.get("format") != FORMAT:
        raise ValueError(f"not a model file: 'format' is {model.get('format')!r}, expected {FORMAT!r}")
    if model.get("version") != VERSION:
        raise ValueError(f"unsupported model file version {model.get('version')!r}; this app reads version {VERSION}")

    sizes = model.get("sizes")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes)
    ):
        raise ValueError(f"'sizes' must be a list of at least 2 positive integers, got {sizes!r}")
    if model.get("activation") not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"unknown 'activation' {model.get('activation')!r}; expected one of {', '.join(HIDDEN_ACTIVATIONS)}"
        )
    if model.get("output_activation") not in OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"unknown 'output_activation' {model.get('output_activation')!r}; "
            f"expected one of {', '.join(OUTPUT_ACTIVATIONS)}"
        )
    if model["output_activation"] == "softmax" and sizes[-1] < 2:
        raise ValueError("a softmax output layer needs at least 2 neurons")

    n_layers = len(sizes) - 1
    for key in ("weights", "biases"):
        if not isinstance(model.get(key), list) or len(model[key]) != n_layers:
            raise ValueError(f"'{key}' must be a list of {n_layers} arrays, one per layer of sizes {sizes}")
    weights, biases = [], []
    for l in range(n_layers):
        n_in, n_out = sizes[l], sizes[l + 1]
        weights.append(_float_array(model["weights"][l], (n_out, n_in), f"weights[{l}]"))
        biases.append(_float_array(model["biases"][l], (n_out,), f"biases[{l}]"))
    return dict(model, weights=weights, biases=biases)


def _float_array(value: object, shape: tuple[int, ...], name: str) -> NDArray[np.float64]:
    try:
        array = np.array(value)
    except (TypeError, ValueError):  # e.g. ragged lists
        array = None
    if array is None or array.dtype.kind not in "iuf":  # not bool, str or object
        raise ValueError(f"{name} must be an array of numbers of shape {shape}")
    array = array.astype(np.float64)
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite numbers")
    return array
