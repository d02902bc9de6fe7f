"""The training worker's entry: the page's heavy numpy work, off the page's thread.

PyScript starts this file in a Web Worker (app.runs.worker_client creates it once the
page is ready, with its own config ``worker.toml``: the local interpreter and
the ``nnfs`` files only). It imports the core and nothing that touches the
page (plus the pure picture code of pictures.playground: numpy only): a worker
that uses neither ``window`` nor ``document`` needs no
SharedArrayBuffer, so it runs on a plain static host without COOP/COEP headers.

Every function is ``nnfs.runs.remote.Sessions``'s, exported as it is; importing
``nnfs.runs.kinds`` first registers every lab's kind of session. Arguments
cross as numbers and text; "none" is sent as -1 (epochs, target, max_epochs) or 0
(session ids), because JS has two kinds of nothing and Python one.
"""

import asyncio

from nnfs.runs import kinds  # noqa: F401 - registers every lab's kind of session
from nnfs.runs.remote import Sessions
from pictures.playground import frame_bytes, network_pictures

_sessions = Sessions()


def _opt(value, none):
    return None if value is None or value == none else value


def start(spec_json, keep=0, data=None):
    """``data``: images for a 'speed' run, as bytes (they arrive as a Uint8Array)."""
    if data is not None and not isinstance(data, bytes):
        data = bytes(data.to_py())
    return _sessions.start(str(spec_json), keep=_opt(keep, 0), data=data)


def run(sid, budget, until_epoch=-1, target=-1, since=0, max_epochs=-1):
    return _sessions.run(
        int(sid),
        float(budget),
        until_epoch=_opt(until_epoch, -1),
        target=_opt(target, -1),
        since=int(since),
        max_epochs=_opt(max_epochs, -1),
    )


def weights(sid):
    return _sessions.weights(int(sid))


def set_rates(sid, eta, lmbda):
    _sessions.set_rates(int(sid), float(eta), float(lmbda))


def evaluate(sid, part):
    return _sessions.evaluate(int(sid), str(part))


def drop(sid):
    _sessions.drop(int(sid))


def pictures(sid, width=0, height=0):
    """The Playground's pictures of session ``sid`` as bytes (pictures.playground, pure numpy)."""
    return network_pictures(_sessions.network(int(sid)), int(width), int(height))


def frame(sid, budget, until_epoch=-1, target=-1, since=0, max_epochs=-1, width=0, height=0):
    """A Playground frame: a slice of training, then its progress, weights and pictures
    as one buffer (pictures.playground.frame_bytes): one round trip per picture."""
    return frame_bytes(
        _sessions,
        int(sid),
        float(budget),
        int(width),
        int(height),
        until_epoch=_opt(until_epoch, -1),
        target=_opt(target, -1),
        since=int(since),
        max_epochs=_opt(max_epochs, -1),
    )


# One download at a time: a call made meanwhile waits, then fetches what is still missing.
_one_download = asyncio.Lock()


async def load_mnist(base_url, splits="train,validation,test"):
    """See ``_load_mnist``. Calls made while a download runs wait for it (one request per
    file), then fetch only the splits it did not bring (the Chapter 6 lab asks for the test
    set alone while a Train asks for all three)."""
    async with _one_download:
        return await _load_mnist(base_url, splits)


async def _load_mnist(base_url, splits):
    """Fetch the MNIST splits the worker lacks from ``base_url`` (the page's
    ``./static/data/``, made absolute by the page: a worker's relative URLs would
    resolve against the worker's script), check them against MANIFEST.json and keep
    them (``Sessions.add_mnist``). JSON: the splits held. A failure raises, with the
    file's name and why, and the page shows it beside Retry."""
    import js

    from nnfs.data.mnist import SPLIT_FILES

    wanted = [s for s in str(splits).split(",") if s and s not in _sessions.mnist]
    if not wanted:
        return _sessions.mnist_splits()
    response = await js.fetch(str(base_url) + "MANIFEST.json")
    manifest = str(await response.text()) if response.ok else ""
    for split in wanted:
        response = await js.fetch(str(base_url) + SPLIT_FILES[split])
        if response.headers.get("X-Not-Kept"):  # offline, not kept: the service worker says so (sw.js)
            raise ValueError(str(await response.text()))
        if not response.ok:
            raise ValueError(f"{SPLIT_FILES[split]}: the server answered {response.status}")
        buffer = await response.arrayBuffer()
        _sessions.add_mnist(split, buffer.to_bytes(), manifest)
    return _sessions.mnist_splits()


def warm():
    """A tiny run of what a first Train runs (a [784, 30, 10] network, one epoch of 100 held
    training images, then scoring 100 test images), thrown away: the first call of each
    numpy code path (and of our modules' imports) is paid here, before the learner's click
    (app.runs.warm). Needs the MNIST splits loaded; JSON: the test accuracy, for the curious."""
    from nnfs.data.mnist import SCALE
    from nnfs.maths.network import Network
    from nnfs.maths.sgd import Trainer

    X, y = _sessions.mnist["train"]
    net = Network([784, 30, 10], activation="sigmoid", cost="quadratic", init="normal", seed=0)
    Trainer(net, X[:100], y[:100], mini_batch_size=10, eta=3.0, scale=SCALE, seed=0).train_epoch()
    Xt, yt = _sessions.mnist.get("test", (X, y))
    return str(net.accuracy(Xt[:100], yt[:100], scale=SCALE))


def held(sid):
    return _sessions.held(int(sid))


def predictions(sid, split="test", start=0, stop=-1):
    return _sessions.predictions(int(sid), str(split), int(start), int(stop))


def read_with(model_text, split="test", start=0, stop=-1):
    return _sessions.read_with(str(model_text), str(split), int(start), int(stop))


def memory():
    """Bytes of WebAssembly memory this worker's Pyodide holds (it only grows: also the peak)."""
    try:
        import pyodide_js

        return int(pyodide_js._module.HEAP8.length)
    except Exception:  # noqa: BLE001 - an internal API that may move
        return 0


def ping():
    """Answers once the worker's Python and numpy are up (the page times the start)."""
    import numpy

    return numpy.__version__


__export__ = [
    "start",
    "run",
    "weights",
    "pictures",
    "frame",
    "set_rates",
    "evaluate",
    "drop",
    "ping",
    "load_mnist",
    "held",
    "predictions",
    "read_with",
    "memory",
    "warm",
]
