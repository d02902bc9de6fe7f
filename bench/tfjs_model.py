"""The core's nets described for the TF.js peer (``bench/browser/tfjs-worker.js``): the layers
as a spec, and the weights in TF.js's layout, so the peer trains the same net from the same
starting point.

TF.js keeps images as (N, H, W, C) ("channels last") while the core keeps (N, C, H, W), so:

* a conv layer's filters (F, C, k, k) become (k, k, C, F) (``tf.conv2d``'s filter layout; both
  slide the filter without flipping it);
* the first dense layer after a conv layer reads the pooled maps flattened in (H, W, F) order
  instead of (F, H, W): its weight columns are permuted to match;
* every dense weight matrix (out, in) becomes (in, out), as ``x W`` wants.

Pure numpy; ``tests/unit/bench/test_tfjs_model.py`` checks the layout against a forward pass
written independently in channels-last order. A fully connected net is the same spec with
dense layers only (the worker also knows the quadratic cost), for the peers' other rows.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from nnfs.maths.convnet import ConvNet, ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer
from nnfs.maths.network import Network


def spec(net: ConvNet, eta: float, lmbda: float, batch: int, n: int) -> dict[str, Any]:
    """What the TF.js worker builds: input (H, W, C), layers, cost, SGD settings. ``n``: the
    training-set size (network3's L2 is scaled by batch / n)."""
    c, h, w = net.shapes[0]
    if c != 1:  # the worker reads each image's row of pixels as (H, W, 1)
        raise ValueError(f"the TF.js peer reads images of one channel, not {c}")
    layers: list[dict[str, Any]] = []
    for layer in net.layers:
        if isinstance(layer, ConvPoolLayer):
            layers.append(
                {
                    "type": "conv",
                    "filters": layer.filters,
                    "size": layer.size,
                    "pool": layer.pool,
                    "activation": layer.activation,
                }
            )
        elif isinstance(layer, FullyConnectedLayer):
            if layer.dropout:
                raise ValueError("the TF.js peer has no dropout")
            layers.append({"type": "dense", "units": layer.neurons, "activation": layer.activation})
        elif isinstance(layer, SoftmaxLayer):
            if layer.dropout:
                raise ValueError("the TF.js peer has no dropout")
            layers.append({"type": "softmax", "units": layer.classes})
    return {
        "input": [h, w, c],
        "layers": layers,
        "classes": net.sizes[-1],
        "cost": "log-likelihood",
        "eta": float(eta),
        "lmbda": float(lmbda),
        "batch": int(batch),
        "n": int(n),
    }


def weights(net: ConvNet) -> list[dict[str, Any]]:
    """Each layer's weights then biases, in TF.js's layout, as {shape, data}: data is the float32
    values' bytes in base64 (text crosses from Playwright to the page as it is)."""
    out: list[dict[str, Any]] = []
    for l, layer in enumerate(net.layers):
        W, b = net.weights[l], net.biases[l]
        if isinstance(layer, ConvPoolLayer):
            W_tf = W.transpose(2, 3, 1, 0)  # (F, C, k, k) -> (k, k, C, F)
        else:
            previous = net.shapes[l]
            if len(previous) == 3:  # maps (F, H, W) flattened; TF.js flattens (H, W, F)
                f, h, w = previous
                W_tf = W.reshape(len(W), f, h, w).transpose(2, 3, 1, 0).reshape(h * w * f, len(W))
            else:
                W_tf = W.T
        for array in (W_tf, b):
            a = np.ascontiguousarray(array, dtype=np.float32)
            out.append({"shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")})
    return out


def dense_spec(net: Network, eta: float, batch: int, n: int, data: str | None = None) -> dict[str, Any]:
    """The spec of a fully connected core net (``nnfs.maths.network.Network``: sigmoid, tanh or
    ReLU hidden layers, its cost's output layer), plain SGD without L2. ``data``: the name of a
    set the worker loaded (float rows taken as they are); None: the MNIST images (pixels / 255)."""
    if net.output_activation == "softmax":
        last: dict[str, Any] = {"type": "softmax", "units": net.sizes[-1]}
    else:
        last = {"type": "dense", "units": net.sizes[-1], "activation": net.output_activation}
    hidden = [{"type": "dense", "units": s, "activation": net.activation} for s in net.sizes[1:-1]]
    spec = {
        "input": [net.sizes[0]],
        "layers": [*hidden, last],
        "classes": net.sizes[-1],
        "cost": net.cost,
        "eta": float(eta),
        "lmbda": 0.0,
        "batch": int(batch),
        "n": int(n),
    }
    if data is not None:
        spec["data"] = data
    return spec


def dense_weights(net: Network) -> list[dict[str, Any]]:
    """A fully connected net's weights (out, in) as TF.js's (in, out), then biases, as ``weights``."""
    out: list[dict[str, Any]] = []
    for W, b in zip(net.weights, net.biases):
        for array in (W.T, b):
            a = np.ascontiguousarray(array, dtype=np.float32)
            out.append({"shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")})
    return out
