"""Training sessions driven by messages: what the training worker runs.

The page trains in a Web Worker so that its own thread only draws and answers
clicks. Worker and page talk in small messages: text (JSON) for settings and
progress, ``bytes`` for weights (a worker call copies its arguments and its
result, and bytes are the one cheap way to move an array; they arrive as a
``Uint8Array``). This module is everything the worker does, in plain Python +
numpy, so it is tested in CPython and the page can run the very same object on
its own thread when no worker can start:

* ``register``: the kinds of session, each registered by its lab's core module
  (``register("playground", build)``; ``build(settings, context)`` makes a session
  from the spec's decoded settings and a ``Context``). This module knows no lab:
  whoever makes a ``Sessions`` imports the labs first (``nnfs.runs.kinds``).
  ``register_option`` adds an entry a kind's spec may carry, applied to the new
  session by a hook (the learner's own code, for a Playground run).
* ``Sessions``: sessions by id. ``start(spec)`` builds one through its kind's
  builder (no maths here), ``run`` trains it for a time budget and returns its
  progress as JSON, ``weights`` returns its parameters as bytes, ``set_rates``,
  ``evaluate`` and ``drop``.
* ``pack`` / ``unpack_into``: a network's parameters as one float64 buffer.

Pause and Stop are the page no longer calling ``run``; a call trains for the
budget it is given (tens of milliseconds), so they take effect within one call.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from nnfs.data import mnist
from nnfs.maths import engine
from nnfs.maths.learner import Learner
from nnfs.maths.network import Network
from nnfs.maths.stops import Stop

Split = tuple[NDArray[np.uint8], NDArray[np.uint8]]  # an MNIST split: (images, labels)


class TrainingSession(Protocol):
    """What the worker needs of a session of any kind (an engine session, a curve fit,
    a speed run): a network, its curves, why it stopped, and a way to train on."""

    history: dict[str, list[Any]]
    train_seconds: float

    @property
    def network(self) -> Learner: ...

    @property
    def epoch(self) -> int: ...

    @property
    def stop(self) -> Stop | None: ...

    def run(self, budget: float = ..., until_epoch: int | None = ...) -> Stop | None: ...


@dataclass(frozen=True)
class Context:
    """What a builder may need besides the spec's settings: the MNIST splits the worker
    holds, the ``data`` bytes sent with the spec, the session ``keep`` named (None:
    none; the builder decides whether it can go on from it) and the clock."""

    mnist: Mapping[str, Split]
    data: bytes | bytearray | memoryview | None
    keep: TrainingSession | None
    clock: Callable[[], float]

    def splits(self, *names: str) -> list[Split]:
        """The MNIST splits ``names``; a ValueError naming those not loaded yet."""
        missing = [s for s in names if s not in self.mnist]
        if missing:
            raise ValueError(f"the MNIST {', '.join(missing)} images are not loaded yet")
        return [self.mnist[s] for s in names]


Builder = Callable[[dict[str, Any], Context], TrainingSession]
Option = Callable[[Any, Any], None]  # (the new session, the spec's value): changes the session


@dataclass(frozen=True)
class Kind:
    """A kind of session: its builder; ``title``, what messages call one; ``live_limits``:
    the page sends its stop rules (target, max_epochs) with every ``run`` (the Playground's
    change while it runs; a Digits run keeps those it was started with)."""

    name: str
    build: Builder
    title: str
    live_limits: bool


KINDS: dict[str, Kind] = {}
OPTIONS: dict[tuple[str, str], Option] = {}  # (kind, spec key) -> hook


def register(name: str, build: Builder, *, title: str = "", live_limits: bool = False) -> None:
    """Make specs ``{"lab": name, "config": {...}}`` build sessions with ``build`` (once per kind)."""
    if name in KINDS:
        raise ValueError(f"the session kind {name!r} is registered already")
    KINDS[name] = Kind(name, build, title or f"{name} session", live_limits)


def register_option(name: str, key: str, apply: Option) -> None:
    """Let a spec of kind ``name`` carry ``key``: ``apply(session, value)`` then changes
    the session it built (a spec whose value is null has none)."""
    if key in ("lab", "config") or (name, key) in OPTIONS:
        raise ValueError(f"the spec entry {key!r} of {name!r} sessions is registered already")
    OPTIONS[(name, key)] = apply


def pack(network: Learner) -> bytes:
    """Every weight matrix, then every bias vector, as little-endian float64, in layer order."""
    parts = [np.ascontiguousarray(a, dtype="<f8").ravel() for a in network.weights + network.biases]
    return np.concatenate(parts).tobytes()


L = TypeVar("L", bound=Learner)


def unpack_into(network: L, data: bytes | bytearray | memoryview) -> L:
    """Copy parameters made by ``pack`` into ``network`` (same sizes), in place."""
    flat = np.frombuffer(bytes(data), dtype="<f8")
    arrays = network.weights + network.biases
    want = sum(a.size for a in arrays)
    if flat.size != want:
        raise ValueError(f"expected {want} parameters for sizes {network.sizes}, got {flat.size}")
    k = 0
    for a in arrays:
        a[...] = flat[k : k + a.size].reshape(a.shape)
        k += a.size
    return network


def resume_session(session: TrainingSession, resume: Any) -> None:
    """Make a new engine session go on from a saved run (a spec's ``"resume"`` entry):
    ``{"weights": base64 of pack()'s bytes, "epoch", "batches_done", "history", "train_seconds"}``
    (``nnfs.runs.snapshot`` writes it; ``engine.Session.resume`` applies it). ValueError on anything else."""
    if not isinstance(session, engine.Session):
        raise ValueError("only a Playground or Digits run can go on from saved weights")
    if not isinstance(resume, dict) or set(resume) != {"weights", "epoch", "batches_done", "history", "train_seconds"}:
        raise ValueError("a resume entry needs weights, epoch, batches_done, history and train_seconds")
    if not isinstance(resume["weights"], str) or not isinstance(resume["history"], dict):
        raise ValueError("a resume entry's weights must be base64 text and its history an object")
    if type(resume["train_seconds"]) not in (int, float):
        raise ValueError("a resume entry's train_seconds must be a number")
    try:
        data = base64.b64decode(resume["weights"], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a resume entry's weights are not base64") from None
    network = session.network
    arrays = network.weights + network.biases
    flat = np.frombuffer(data, dtype="<f8")
    if flat.size != sum(a.size for a in arrays):
        raise ValueError(f"the saved weights hold {flat.size} numbers, not those of a {list(network.sizes)} network")
    parts, k = [], 0
    for a in arrays:
        parts.append(flat[k : k + a.size].reshape(a.shape).astype(np.float64))
        k += a.size
    session.resume(parts, resume["epoch"], resume["batches_done"], resume["history"], float(resume["train_seconds"]))


def _number(value: float) -> float | None:
    """A float for JSON: NaN and infinities become None (JSON has no such numbers)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _progress(session: Any) -> float:  # Any: the kinds keep their progress in different places
    """Fraction of the current epoch done (engine and speed sessions say it; a fit's trainer does)."""
    value = getattr(session, "progress", None)
    return float(session.trainer.progress if value is None else value)


def _stop_dict(stop: Stop | None) -> dict[str, Any] | None:
    if stop is None:
        return None
    return {"kind": stop.kind, "text": stop.text, "advice": getattr(stop, "advice", ""), "problem": stop.problem}


class Sessions:
    """Training sessions by id, each built from a JSON spec.

    A spec is ``{"lab": KIND, "config": {the kind's settings}}``: e.g. "playground"
    (``Config.values()``, as its table decodes them), "universality" (a curve fit),
    "speed" (the speed of learning per layer, chapter 5, on the images sent as
    ``data``), "digits" and "chapter3" (on the MNIST splits the worker holds); see
    each lab's builder. A Playground spec may carry ``"code": {"backprop": text,
    "sgd_step": text}``: the learner's code then trains it. ``keep`` (a session id)
    lets the builder carry that session's weights, epoch count and curves over to
    the new one (a learner's new point joins a run instead of restarting it). A spec's
    ``"resume"`` entry (any engine kind) makes the new session go on from a run saved
    part way in the browser (``resume_session``; ``nnfs.runs.in_progress`` writes it).
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.sessions: dict[int, TrainingSession] = {}
        self.kinds: dict[int, Kind] = {}  # id -> the kind of its session
        self.next_id = 1
        # split -> (images, labels), for the kinds that train on MNIST (digits, chapter3)
        self.mnist: dict[str, Split] = {}
        self._read_model: tuple[str, Any] | None = None  # (digest, network) of read_with's last model

    def _get(self, sid: int) -> TrainingSession:
        try:
            return self.sessions[int(sid)]
        except (KeyError, ValueError, TypeError):
            raise KeyError(f"no training session {sid!r} (it was dropped or never started)") from None

    def start(self, spec_json: str, keep: int | None = None, data: bytes | bytearray | memoryview | None = None) -> str:
        """Build a session from ``spec_json`` (and ``data``: bytes, for the kinds
        that train on images the page sent); its id and progress as JSON."""
        spec = json.loads(spec_json)
        kind = KINDS.get(spec.get("lab"))
        if kind is None:
            raise ValueError(f"unknown lab {spec.get('lab')!r} (known: {', '.join(sorted(KINDS))})")
        settings = spec.get("config")
        if not isinstance(settings, dict):
            raise ValueError(
                f"a {kind.name} spec needs its settings as an object (config); got {type(settings).__name__}"
            )
        resume = spec.get("resume")
        options = {k: v for k, v in spec.items() if k not in ("lab", "config", "resume") and v is not None}
        for key in options:
            if (kind.name, key) not in OPTIONS:
                raise ValueError(f"a {kind.name} spec has no entry {key!r}")
        old = self.sessions.get(int(keep)) if keep is not None else None
        session = kind.build(settings, Context(self.mnist, data, old, self.clock))
        for key, value in options.items():
            OPTIONS[(kind.name, key)](session, value)
        if resume is not None:
            resume_session(session, resume)
        sid = self.next_id
        self.next_id += 1
        self.sessions[sid], self.kinds[sid] = session, kind
        return self.progress(sid, since=0)

    def _engine(self, sid: int) -> engine.Session:
        """Session ``sid`` when it is an engine session (Playground, Digits), which alone
        keeps evaluation sets; a clear ValueError for a curve fit or a speed run."""
        session = self._get(sid)
        if not isinstance(session, engine.Session):
            raise ValueError(f"training session {sid!r} is a {self.kinds[int(sid)].title}: it has no evaluation sets")
        return session

    def run(
        self,
        sid: int,
        budget: float,
        until_epoch: int | None = None,
        target: float | None = None,
        since: int = 0,
        max_epochs: int | None = None,
    ) -> str:
        """Train for about ``budget`` seconds; progress as JSON (curves from entry ``since``).

        For an engine session of a kind with ``live_limits`` (the Playground), ``target``
        (a fraction, None: none) and ``max_epochs`` (None: keep the session's) are its
        stop rules from this call on (the page's limits change while it runs); other
        kinds keep those they were started with. ``until_epoch`` pauses at that epoch ('goal').
        """
        session = self._get(sid)
        until = None if until_epoch is None else int(until_epoch)
        if self.kinds[int(sid)].live_limits and isinstance(session, engine.Session):
            session.target = None if target is None else float(target)
            if max_epochs is not None:
                session.max_epochs = int(max_epochs)
        stop = session.run(float(budget), until_epoch=until)
        return self.progress(sid, since=since, stop=stop)

    def progress(self, sid: int, since: int = 0, stop: Stop | None = None) -> str:
        """Where session ``sid`` is: epoch, fraction of the current epoch, why the call
        ended (``ended``; None: its time was up) or why training cannot go on
        (``stop``), training seconds, and the curves' new entries."""
        session = self._get(sid)
        since = max(0, int(since))
        history = {k: [_number(v) for v in values[since:]] for k, values in session.history.items()}
        return json.dumps(
            {
                "id": int(sid),
                "epoch": session.epoch,
                "progress": _progress(session),
                "ended": _stop_dict(stop),
                "stop": _stop_dict(session.stop),
                "train_seconds": session.train_seconds,
                "since": since,
                "length": len(session.history["epoch"]),
                # Mini-batches the learner's own sgd_step took (None: the core trains).
                "learner_steps": getattr(getattr(session, "trainer", None), "learner_steps", None),
                "history": history,
                "final": getattr(session, "final", None),
            }
        )

    def network(self, sid: int) -> Network:
        """The fully connected network session ``sid`` trains (for the Playground's pictures)."""
        net = self._get(sid).network
        if not isinstance(net, Network):
            raise ValueError(f"training session {sid!r} trains a {type(net).__name__}: it has no such pictures")
        return net

    def weights(self, sid: int) -> bytes:
        """The parameters session ``sid`` holds now (``pack``)."""
        return pack(self._get(sid).network)

    def set_rates(self, sid: int, eta: float, lmbda: float) -> None:
        set_rates = getattr(self._get(sid), "set_rates", None)  # a speed run has none
        if set_rates is None:
            raise ValueError(f"training session {sid!r} is a {self.kinds[int(sid)].title}: its rates are fixed")
        set_rates(float(eta), float(lmbda))

    def evaluate(self, sid: int, part: str) -> str:
        """(mean cost, accuracy) of the weights held now on 'train' or 'test', as JSON."""
        cost, acc = self._engine(sid).evaluate(str(part))
        return json.dumps([_number(cost), _number(acc)])

    def drop(self, sid: int) -> None:
        self.sessions.pop(int(sid), None)
        self.kinds.pop(int(sid), None)

    # ------------------------------------------------------------ digits (MNIST) sessions

    def add_mnist(self, split: str, data: bytes | bytearray | memoryview, manifest_json: str = "") -> str:
        """Check (sha256 against the manifest, when it lists the file) and keep one MNIST
        split from its ``.npz`` bytes; JSON ``{"split", "images", "bytes"}``."""
        if split not in mnist.SPLIT_FILES:
            raise ValueError(f"unknown MNIST split {split!r}")
        manifest = json.loads(manifest_json).get("files", {}) if manifest_json else {}
        data = bytes(data)
        self.mnist[split] = mnist.load_split_bytes(split, data, manifest)
        return json.dumps({"split": split, "images": len(self.mnist[split][1]), "bytes": len(data)})

    def mnist_splits(self) -> str:
        """The MNIST splits held, as a JSON list."""
        return json.dumps(sorted(self.mnist))

    def held(self, sid: int) -> str:
        """The weights held now, wherever the run is (e.g. stopped mid-epoch): where they
        are (``describe_position``), the epochs as a number (2.42 = 42 % into epoch 3),
        and their (mean cost, accuracy) on each evaluation set, as JSON."""
        session = self._engine(sid)
        scores = {name: [_number(v) for v in session.evaluate(name)] for name in session.eval_sets}
        return json.dumps(
            {
                "position": session.describe_position(),
                "epochs": session.epoch + session.progress,
                "epoch": session.epoch,
                "progress": session.progress,
                "scores": scores,
            }
        )

    def read_with(
        self, model: str | bytes | bytearray | memoryview, split: str = "test", start: int = 0, stop: int = -1
    ) -> bytes:
        """The answer (0-9) of a model file's network (either format: ``convnet_io.read_model``)
        for images ``start:stop`` of an MNIST split (stop -1: to the end), as uint8 bytes: a model
        the page did not train here (the pretrained convnet, a loaded file) reads the test set off
        the page's thread, a slice per call so a Train in the meantime waits one slice at most.
        The last model read is kept (by its text's digest): a slice costs no second parse."""
        import hashlib

        from nnfs.models.convnet_io import read_model

        data = bytes(model) if isinstance(model, memoryview) else model
        raw = data.encode() if isinstance(data, str) else bytes(data)
        digest = hashlib.sha256(raw).hexdigest()
        if self._read_model is None or self._read_model[0] != digest:
            self._read_model = (digest, read_model(raw))
        net = self._read_model[1]
        images, _ = self.mnist[split]
        part = images[int(start) : (None if int(stop) < 0 else int(stop))]
        out = [net.predict(part[k : k + 500], scale=mnist.SCALE) for k in range(0, len(part), 500)]
        return (np.concatenate(out) if out else np.zeros(0)).astype(np.uint8).tobytes()

    def predictions(self, sid: int, split: str = "test", start: int = 0, stop: int = -1) -> bytes:
        """The held weights' answer (0-9) for images ``start:stop`` of an MNIST split (stop -1:
        to the end), as uint8 bytes. A convnet reads the 10,000 test images in seconds, and
        the worker answers one call at a time: the Chapter 6 lab asks a slice per call, so a
        Train pressed meanwhile waits one slice, not the whole set (as ``read_with``)."""
        session = self._get(sid)
        images, _ = self.mnist[split]
        part = images[int(start) : (None if int(stop) < 0 else int(stop))]
        out = [session.network.predict(part[k : k + 2000], scale=mnist.SCALE) for k in range(0, len(part), 2000)]
        return (np.concatenate(out) if out else np.zeros(0)).astype(np.uint8).tobytes()
