"""Saving and loading a Network as JSON.

The format (version 1; other code reads it, so it does not change):

    {"format": "nnfs-network", "version": 1,
     "sizes": [2, 4, 2],
     "activation": "sigmoid", "output_activation": "sigmoid", "cost": "quadratic",
     "weights": [[[...], ...], ...],     weights[l]: n_out x n_in nested lists
     "biases": [[...], ...],             biases[l]: n_out numbers
     "meta": {...}}                      optional, free-form (e.g. {"test_accuracy": 0.97})

Numbers are written by Python's float repr, the shortest decimal that reads
back as the same float64, so save -> load gives bit-identical weights.

Loading trusts nothing: a file from the user's disk may be anything. Every
check failure is a ValueError that says what is wrong and where. Loading takes
time linear in the file's size and memory of a small multiple of it, whatever
the file holds (nesting and the number of values are bounded before parsing).
`check_outputs_bounded` refuses weights so large that outputs could overflow
for inputs in a given range; `check_digit_model` uses it to accept a file as a
digit reader, and `usable` says whether a network's answers can be shown.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.data.mnist import IMAGE_PIXELS, N_CLASSES
from nnfs.maths.activations import ACTIVATIONS
from nnfs.maths.costs import COSTS
from nnfs.maths.network import Network

FORMAT = "nnfs-network"
VERSION = 1
_KEYS = ("format", "version", "sizes", "activation", "output_activation", "cost", "weights", "biases")
_OPTIONAL = ("meta",)
# A model file nests 4 deep ({ "weights": [ layer [ row [ ...), plus whatever meta holds.
# json's parser recurses once per level: a file nested thousands deep overflows
# the stack, which in the page (Pyodide) is a fatal crash, not an exception.
MAX_NESTING = 32
# Parsed JSON costs ~32 bytes per number (a Python float and a list slot), so a
# 50 MB file of "0," would need ~1 GB: more than a tab may have. Every value
# after the first in a list or object follows a comma, so commas bound the count
# before anything is parsed. 5,000,000 numbers is a [784, 6000, 10] network,
# ~90 MB as written by to_json: every model that fits in a loadable file.
MAX_VALUES = 5_000_000
# One token: a JSON string (its closing quote optional, so an unterminated string
# is one match to the end, not a failed match retried at every quote: that was
# quadratic), or a bracket. The possessive ++ and *+ keep no backtracking
# positions, so a 50 MB string costs no memory beyond the text (a plain * kept
# one per character: gigabytes).
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)


def savable_meta(network: Any, meta: dict[str, Any] | None) -> dict[str, Any]:
    """The meta to save with ``network`` (``meta``, or the network's own), after checking that the
    network is finite and the meta can be written as JSON: what every model format saves first."""
    if not network.is_finite():
        raise ValueError("cannot save a network with non-finite weights or biases (training diverged?)")
    meta = (getattr(network, "meta", None) or {}) if meta is None else meta
    if not isinstance(meta, dict):
        raise ValueError(f"meta must be a dict, got {type(meta).__name__}")
    try:
        json.dumps(meta, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise ValueError(f"meta cannot be written as JSON: {e}") from None
    return meta


def to_dict(network: Network, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON-ready dict for ``network``; meta defaults to ``network.meta``."""
    meta = savable_meta(network, meta)
    d: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(network.sizes),
        "activation": network.activation,
        "output_activation": network.output_activation,
        "cost": network.cost,
        # tolist() gives Python floats, which json writes with repr: exact round trip.
        "weights": [w.tolist() for w in network.weights],
        "biases": [b.tolist() for b in network.biases],
    }
    if meta:
        d["meta"] = meta
    return d


def to_json(network: Network, meta: dict[str, Any] | None = None) -> str:
    """``network`` as a JSON string (compact: an MNIST [784, 30, 10] net is ~0.5 MB)."""
    return json.dumps(to_dict(network, meta), separators=(",", ":"), allow_nan=False)


def from_json(text: str | bytes | bytearray | dict[str, Any]) -> Network:
    """A Network from JSON text (str or bytes) or from an already-parsed dict.

    Time and memory are linear in the size of the text, whatever it holds;
    anything that is not a model is a ValueError (also when the text is too big
    for the memory at hand). A UTF-8 byte order mark at the start is ignored.
    """
    d = parse(text)
    try:
        return from_dict(d)
    except MemoryError:
        raise ValueError(_TOO_BIG) from None


def parse(text: str | bytes | bytearray | dict[str, Any]) -> object:
    """JSON text (str or bytes) parsed, after the checks that keep time and memory linear in
    its size (``from_json``'s); a dict passes as it is. Any model format reads through this."""
    if isinstance(text, (bytes, bytearray)):
        try:
            # utf-8-sig drops a byte order mark, which some editors write.
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("not valid JSON: the file is not UTF-8 text") from None
        except MemoryError:
            raise ValueError(_TOO_BIG) from None
    if isinstance(text, str):
        text = text[1:] if text.startswith("\ufeff") else text
        # isspace, not strip(): no copy of a 50 MB text just to see it is blank.
        if not text or text.isspace():
            raise ValueError("not valid JSON: the file is empty")
        _check_size(text)
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"not valid JSON: {e}") from None
        except ValueError:
            # Python refuses to read a whole number of more than 4,300 digits
            # (it would take quadratic time); no model holds one.
            raise ValueError("not a model file: it holds a whole number thousands of digits long") from None
        except MemoryError:
            raise ValueError(_TOO_BIG) from None
    elif isinstance(text, dict):
        d = text
    else:
        raise ValueError(f"expected JSON text or a dict, got {type(text).__name__}")
    return d


_TOO_BIG = "the file is too big to read in the memory this page has"


def _check_size(text: str) -> None:
    """Refuse, before parsing, text that would nest too deep or hold too many values."""
    if text.count(",") >= MAX_VALUES:
        raise ValueError(
            f"not a model file: it holds more than {MAX_VALUES:,} values (a model file holds at most that many numbers)"
        )
    if _nesting_depth(text) > MAX_NESTING:
        raise ValueError(f"not a model file: its lists and objects are nested more than {MAX_NESTING} deep")


def _nesting_depth(text: str) -> int:
    """How deep [ ] and { } nest in JSON text (brackets inside strings do not count).

    One pass, linear in the length of the text (see _TOKEN); stops counting
    once past MAX_NESTING, so a hostile file costs no more than a model.
    """
    depth = deepest = 0
    for m in _TOKEN.finditer(text):
        c = text[m.start()]  # not m.group(): that would copy each string, 50 MB for a long one
        if c == '"':
            continue
        if c in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    break
        else:
            depth -= 1
    return deepest


def from_dict(d: object) -> Network:
    """A Network from the parsed format dict, after checking every field."""
    if not isinstance(d, dict):
        raise ValueError(f"expected a JSON object at the top level, got {type(d).__name__}")
    missing = [k for k in _KEYS if k not in d]
    if missing:
        raise ValueError(f"missing key{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    unknown = sorted(set(d) - set(_KEYS) - set(_OPTIONAL))
    if unknown:
        raise ValueError(f"unknown key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    if d["format"] != FORMAT:
        raise ValueError(f"format is {d['format']!r}, expected {FORMAT!r}")
    if type(d["version"]) is not int or d["version"] != VERSION:
        raise ValueError(f"unsupported version {d['version']!r} (this code reads version {VERSION})")

    sizes = d["sizes"]
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(type(s) is int and s >= 1 for s in sizes):
        raise ValueError(f"sizes must be a list of at least 2 positive integers, got {sizes!r}")
    for key, names in (("activation", ACTIVATIONS), ("output_activation", ACTIVATIONS), ("cost", COSTS)):
        if not isinstance(d[key], str) or d[key] not in names:
            raise ValueError(f"unknown {key} {d[key]!r}; expected one of {', '.join(names)}")
    if "meta" in d and not isinstance(d["meta"], dict):
        raise ValueError(f"meta must be a JSON object, got {type(d['meta']).__name__}")

    n_layers = len(sizes) - 1
    weights = _arrays(d["weights"], "weights", [(o, i) for i, o in zip(sizes[:-1], sizes[1:])])
    biases = _arrays(d["biases"], "biases", [(o,) for o in sizes[1:]])
    assert len(weights) == len(biases) == n_layers

    # The constructor checks the activation/cost pairing; its random weights are replaced.
    net = Network(sizes, activation=d["activation"], output_activation=d["output_activation"], cost=d["cost"], seed=0)
    net.weights, net.biases = weights, biases
    net.meta = dict(d.get("meta", {}))
    return net


def _arrays(value: object, name: str, shapes: list[tuple[int, ...]]) -> list[NDArray[np.float64]]:
    """Check ``value`` is a list of arrays with the given shapes, of finite numbers."""
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list of {len(shapes)} arrays, got {type(value).__name__}")
    if len(value) != len(shapes):
        raise ValueError(f"{name} has {len(value)} layers, expected {len(shapes)} (one per layer after the input)")
    return [_array(v, f"{name}[{l}]", shape) for l, (v, shape) in enumerate(zip(value, shapes))]


def _shape(v: object, name: str) -> tuple[int, ...]:
    """The shape of nested lists v, or ValueError if they are ragged."""
    if not isinstance(v, list):
        return ()
    shapes = {_shape(item, name) for item in v}
    if len(shapes) > 1:
        raise ValueError(f"{name} is ragged: its rows have different lengths or depths")
    return (len(v),) + (shapes.pop() if shapes else ())


def _array(v: Any, name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
    got = _shape(v, name)
    if got != shape:
        raise ValueError(f"{name} has shape {got}, expected {shape}")
    flat = v
    for _ in shape[1:]:  # nested lists, any depth, made one flat list
        flat = [x for row in flat for x in row]
    for k, x in enumerate(flat):
        # bool is an int subclass in Python, and numpy would turn "1.5" into 1.5: refuse both.
        if type(x) not in (int, float):
            where = np.unravel_index(k, shape)
            raise ValueError(f"{name}{''.join(f'[{i}]' for i in where)} is not a number: {x!r}")
        if type(x) is float and not math.isfinite(x):
            where = np.unravel_index(k, shape)
            raise ValueError(f"{name}{''.join(f'[{i}]' for i in where)} is not finite: {x!r}")
    try:
        a = np.array(v, dtype=np.float64)
    except OverflowError:
        raise ValueError(f"{name} holds an integer too large for a float") from None
    if not np.isfinite(a).all():  # e.g. a huge int that became inf
        raise ValueError(f"{name} holds a number too large for a float")
    return a


# A model whose weighted inputs could exceed this for some allowed input is refused:
# its outputs (or a later layer's sums) could overflow to inf and every prediction
# fail. Trained models stay below ~1e4; this leaves room and keeps sums far from 1e308.
MAX_WEIGHTED_INPUT = 1e100


def weighted_input_bounds(net: Network, input_bound: float = 1.0) -> list[float]:
    """For each layer, a bound on |w·x + b| over every input with all |x_i| <= ``input_bound``.

    Interval arithmetic, layer by layer: |z_j| <= sum_i |w_ji| A + |b_j| where A
    bounds the layer's inputs; the activation (monotone and elementwise, or
    softmax, in [0, 1]) then bounds its outputs. Summing |w| over the whole
    matrix (not per row) is looser but does not care how the matrix is laid out.
    Overflow gives inf (never an exception or a warning).
    """
    bounds, bound = [], float(input_bound)
    last = len(net.weights) - 1
    with np.errstate(over="ignore", invalid="ignore"):
        for l, (w, b) in enumerate(zip(net.weights, net.biases)):
            z = float(np.abs(w).sum()) * bound + float(np.abs(b).max(initial=0.0))
            z = z if z == z else math.inf  # nan (inf * 0) counts as unbounded
            bounds.append(z)
            name = net.output_activation if l == last else net.activation
            if name == "softmax":
                bound = 1.0
            else:
                f = ACTIVATIONS[name]
                # 0-d arrays in, numbers out: the elementwise functions keep the shape they are given.
                bound = float(max(abs(f(np.array(z))), abs(f(np.array(-z)))))
    return bounds


def check_outputs_bounded(net: Network, input_bound: float = 1.0, inputs: str = "inputs") -> Network:
    """``net``, if no input with every |x_i| <= ``input_bound`` can drive any layer's
    weighted input past MAX_WEIGHTED_INPUT (so every output is finite); else
    ValueError. ``inputs`` names the inputs in the message ("pixel values in 0..1").
    """
    last = len(net.weights) - 1
    for l, z in enumerate(weighted_input_bounds(net, input_bound)):
        if not z <= MAX_WEIGHTED_INPUT:
            layer = "the output layer" if l == last else f"hidden layer {l + 1}"
            reach = f"{z:.3g}" if math.isfinite(z) else "more than the largest float (1.8e+308)"
            raise ValueError(
                f"its weights are too large: for {inputs}, {layer}'s weighted inputs w·x + b "
                f"could reach {reach}, where sums overflow and predictions come out as inf "
                f"or nan (a usable model keeps them below {MAX_WEIGHTED_INPUT:.0e})"
            )
    return net


def usable(net: Network) -> bool:
    """Can this network's answers be shown? Not when its weights are no longer finite, nor
    when its training diverged (``meta["diverged"]``: the engine stopped it for blowing up,
    whatever numbers it holds)."""
    return net.is_finite() and not (getattr(net, "meta", None) or {}).get("diverged")


def check_digit_model(net: Network) -> Network:
    """``net`` if it reads 784 pixels into 10 digits, finitely for every image; a
    ValueError saying why not otherwise.

    Finitely: a model with weights like 1e308 parses and has the right sizes, but
    its outputs overflow, so every prediction would fail after it became active.
    Pixels lie in 0..1, so bounding the outputs over that box (interval
    arithmetic, ``check_outputs_bounded``) settles it for every image.
    """
    if net.sizes[0] != IMAGE_PIXELS or net.sizes[-1] != N_CLASSES:
        raise ValueError(
            f"this model has {net.sizes[0]} inputs and {net.sizes[-1]} outputs "
            f"(sizes {net.sizes}); a digit reader needs {IMAGE_PIXELS} inputs "
            f"(28×28 pixels) and {N_CLASSES} outputs"
        )
    return check_outputs_bounded(net, 1.0, "pixel values in 0..1")
