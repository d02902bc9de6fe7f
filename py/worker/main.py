"""The training worker's entry: the page's heavy numpy work, off the page's thread.

PyScript starts this file in a Web Worker (app.training creates it once the
page is ready, with its own config ``worker.toml``: the local interpreter and
the ``nnfs`` files only). It imports the core and nothing that touches the
page (plus the pure picture code of app.playground_view: numpy only): a worker that uses neither ``window`` nor ``document`` needs no
SharedArrayBuffer, so it runs on a plain static host without COOP/COEP headers.

Every function is ``nnfs.remote.Sessions``'s, exported as it is. Arguments
cross as numbers and text; "none" is sent as -1 (epochs, target, max_epochs) or 0
(session ids), because JS has two kinds of nothing and Python one.
"""

from app.playground_view import network_pictures
from nnfs.remote import Sessions

_sessions = Sessions()


def _opt(value, none):
    return None if value is None or value == none else value


def start(spec_json, keep=0, data=None):
    """``data``: images for a 'speed' run, as bytes (they arrive as a Uint8Array)."""
    if data is not None and not isinstance(data, bytes):
        data = bytes(data.to_py())
    return _sessions.start(str(spec_json), keep=_opt(keep, 0), data=data)


def run(sid, budget, until_epoch=-1, target=-1, since=0, max_epochs=-1):
    return _sessions.run(int(sid), float(budget), until_epoch=_opt(until_epoch, -1),
                         target=_opt(target, -1), since=int(since),
                         max_epochs=_opt(max_epochs, -1))


def weights(sid):
    return _sessions.weights(int(sid))


def set_rates(sid, eta, lmbda):
    _sessions.set_rates(int(sid), float(eta), float(lmbda))


def evaluate(sid, part):
    return _sessions.evaluate(int(sid), str(part))


def drop(sid):
    _sessions.drop(int(sid))


def pictures(sid, width=0, height=0):
    """The Playground's pictures of session ``sid`` as bytes (app.playground_view, pure numpy)."""
    return network_pictures(_sessions.network(int(sid)), int(width), int(height))


def ping():
    """Answers once the worker's Python and numpy are up (the page times the start)."""
    import numpy
    return numpy.__version__


__export__ = ["start", "run", "weights", "pictures", "set_rates", "evaluate", "drop", "ping"]
