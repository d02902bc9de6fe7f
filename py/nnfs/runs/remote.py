"""Training sessions driven by messages: what the training worker runs.

The page trains in a Web Worker so that its own thread only draws and answers
clicks. Worker and page talk in small messages: text (JSON) for settings and
progress, ``bytes`` for weights (a worker call copies its arguments and its
result, and bytes are the one cheap way to move an array; they arrive as a
``Uint8Array``). This module is everything the worker does, in plain Python +
numpy, so it is tested in CPython and the page can run the very same object on
its own thread when no worker can start:

* ``Sessions``: sessions by id. ``start(spec)`` builds one from a JSON spec
  through the labs' core builders (no maths here), ``run`` trains it for a
  time budget and returns its progress as JSON, ``weights`` returns its
  parameters as bytes, ``set_rates``, ``evaluate`` and ``drop``.
* ``pack`` / ``unpack_into``: a network's parameters as one float64 buffer.

Pause and Stop are the page no longer calling ``run``; a call trains for the
budget it is given (tens of milliseconds), so they take effect within one call.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnfs.data import mnist
from nnfs.data.mnist import SCALE
from nnfs.labs import chapter3 as experiments
from nnfs.labs import playground as pg
from nnfs.labs import universality as uni
from nnfs.labs.backprop import learning_speed as ls
from nnfs.labs.exercises import learner_trainer
from nnfs.maths import engine
from nnfs.maths.network import Network
from nnfs.settings.training import TrainingConfig

LABS = ("playground", "universality", "speed", "digits", "chapter3")
SPEED_KEYS: dict[str, type[int] | type[str]] = {"hidden": int, "act": str, "init": str, "seed": int}
# The kinds of session the worker holds: each has run, history, stop, epoch and network.
AnySession = engine.Session | uni.Fit | ls.SpeedSession


def pack(network: Network) -> bytes:
    """Every weight matrix, then every bias vector, as little-endian float64, in layer order."""
    parts = [np.ascontiguousarray(a, dtype="<f8").ravel() for a in network.weights + network.biases]
    return np.concatenate(parts).tobytes()


def unpack_into(network: Network, data: bytes | bytearray | memoryview) -> Network:
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


def _number(value: float) -> float | None:
    """A float for JSON: NaN and infinities become None (JSON has no such numbers)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _progress(session: Any) -> float:  # Any: the kinds keep their progress in different places
    """Fraction of the current epoch done (engine and speed sessions say it; a fit's trainer does)."""
    value = getattr(session, "progress", None)
    return float(session.trainer.progress if value is None else value)


def _stop_dict(stop: engine.Stop | None) -> dict[str, Any] | None:
    if stop is None:
        return None
    return {"kind": stop.kind, "text": stop.text, "advice": getattr(stop, "advice", ""), "problem": stop.problem}


def _fit_config(config: object) -> uni.FitConfig:
    """A Universality fit's settings from the spec's ``config`` dict (unknown keys refused)."""
    if not isinstance(config, dict):
        raise ValueError("a universality spec needs a config object")
    fields = uni.FitConfig.__dataclass_fields__
    unknown = sorted(set(config) - set(fields))
    if unknown:
        raise ValueError(f"unknown fit settings: {', '.join(unknown)}")
    # Each value as its default's type (JSON numbers arrive as int or float alike).
    return uni.FitConfig(**{k: type(getattr(uni.FitConfig, k))(v) for k, v in config.items()})


def _speed_session(
    config: object, data: bytes | bytearray | memoryview | None, clock: Callable[[], float]
) -> ls.SpeedSession:
    """The speed-of-learning run (chapter 5) of ``config`` on the images in ``data``
    (``learning_speed.pack_data``): {"hidden": 2..4, "act", "init", "seed"}."""
    if not isinstance(config, dict) or set(config) != set(SPEED_KEYS):
        raise ValueError(f"a speed spec needs exactly the settings {', '.join(SPEED_KEYS)}")
    if data is None:
        raise ValueError("a speed run needs its images (data)")
    c: dict[str, Any] = {k: kind(config[k]) for k, kind in SPEED_KEYS.items()}
    if c["hidden"] not in ls.BOOK_SIZES:
        raise ValueError(f"hidden layers must be one of {sorted(ls.BOOK_SIZES)}; got {c['hidden']}")
    X, y = ls.unpack_data(data)
    run = ls.SpeedRun(
        ls.BOOK_SIZES[c["hidden"]], X, y, activation=c["act"], init=c["init"], seed=c["seed"], scale=SCALE
    )
    return ls.SpeedSession(run, clock=clock)


class Sessions:
    """Training sessions by id, each built from a JSON spec.

    A spec is ``{"lab": "playground", "config": "<the lab's URL hash>"}``, or
    ``{"lab": "universality", "config": {FitConfig's fields}}`` (a curve fit);
    ``{"lab": "speed", "config": {"hidden", "act", "init", "seed"}}`` with the
    images as ``data`` (the speed of learning per layer, chapter 5);
    a Playground spec may carry ``"code": {"backprop": text, "sgd_step": text}``:
    the learner's code then trains it (``nnfs.labs.exercises.learner_trainer``);
    ``{"lab": "chapter3", "config": {ExperimentConfig as a dict}}`` (a run of the
    Chapter 3 lab, on the MNIST splits the worker holds);
    ``keep`` (a session id) carries that session's weights, epoch count and
    curves over to the new one when the network has the same sizes (a
    learner's new point joins a run instead of restarting it).
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.sessions: dict[int, AnySession] = {}
        self.next_id = 1
        # split -> (images, labels), for 'digits' sessions
        self.mnist: dict[str, tuple[NDArray[np.uint8], NDArray[np.uint8]]] = {}

    def _get(self, sid: int) -> AnySession:
        try:
            return self.sessions[int(sid)]
        except (KeyError, ValueError, TypeError):
            raise KeyError(f"no training session {sid!r} (it was dropped or never started)") from None

    def start(self, spec_json: str, keep: int | None = None, data: bytes | bytearray | memoryview | None = None) -> str:
        """Build a session from ``spec_json`` (and ``data``: bytes, for the kinds
        that train on images the page sent); its id and progress as JSON."""
        spec = json.loads(spec_json)
        lab = spec.get("lab")
        if lab not in LABS:
            raise ValueError(f"unknown lab {lab!r} (known: {', '.join(LABS)})")
        if lab == "universality":
            return self._add(uni.Fit(_fit_config(spec.get("config")), clock=self.clock))
        if lab == "speed":
            return self._add(_speed_session(spec.get("config"), data, self.clock))
        if lab == "digits":
            return self._add(self._digits_session(spec.get("config")))
        if lab == "chapter3":
            return self._add(self._chapter3_session(spec.get("config")))
        config, problems = pg.from_hash(str(spec.get("config", "")))
        if problems:
            raise ValueError("bad playground settings: " + "; ".join(problems))
        old = self.sessions.get(int(keep)) if keep is not None else None
        # Only a Playground session carries over (an id of another kind starts afresh).
        if isinstance(old, pg.Session) and old.config.sizes == config.sizes:
            session = pg.Session.continued(config, old)
        else:
            session = pg.Session(config, clock=self.clock)
        if spec.get("code") is not None:  # the learner's backprop and sgd_step train it
            learner_trainer.use(session, spec["code"])
        return self._add(session)

    def _engine(self, sid: int) -> engine.Session:
        """Session ``sid`` when it is an engine session (Playground, Digits), which alone
        keeps evaluation sets; a clear ValueError for a curve fit or a speed run."""
        session = self._get(sid)
        if not isinstance(session, engine.Session):
            raise ValueError(f"training session {sid!r} is a {type(session).__name__}: it has no evaluation sets")
        return session

    def _add(self, session: AnySession) -> str:
        sid = self.next_id
        self.next_id += 1
        self.sessions[sid] = session
        return self.progress(sid, since=0)

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

        For an engine session, ``target`` (a fraction, None: none) and ``max_epochs``
        (None: keep the session's) are its stop rules from this call on (the page's
        limits change while it runs); ``until_epoch`` pauses at that epoch ('goal').
        """
        session = self._get(sid)
        until = None if until_epoch is None else int(until_epoch)
        goal = None if target is None else float(target)
        if isinstance(session, engine.Session):
            if isinstance(session, pg.Session):  # the Playground's limits change while it runs
                session.target = goal
                if max_epochs is not None:
                    session.max_epochs = int(max_epochs)
            # (a Digits session keeps the limits it was started with)
            stop = session.run(float(budget), until_epoch=until)
        else:
            stop = session.run(float(budget), until_epoch=until, target=goal)
        return self.progress(sid, since=since, stop=stop)

    def progress(self, sid: int, since: int = 0, stop: engine.Stop | None = None) -> str:
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
        """The network session ``sid`` trains (for pictures drawn from it)."""
        return self._get(sid).network

    def weights(self, sid: int) -> bytes:
        """The parameters session ``sid`` holds now (``pack``)."""
        return pack(self._get(sid).network)

    def set_rates(self, sid: int, eta: float, lmbda: float) -> None:
        session = self._get(sid)
        if isinstance(session, ls.SpeedSession):
            raise ValueError(f"training session {sid!r} is a speed-of-learning run: its rates are fixed")
        session.set_rates(float(eta), float(lmbda))

    def evaluate(self, sid: int, part: str) -> str:
        """(mean cost, accuracy) of the weights held now on 'train' or 'test', as JSON."""
        cost, acc = self._engine(sid).evaluate(str(part))
        return json.dumps([_number(cost), _number(acc)])

    def drop(self, sid: int) -> None:
        self.sessions.pop(int(sid), None)

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

    def _digits_session(self, config: Any) -> engine.Session:  # Any: JSON, checked by from_dict
        """An engine session for the Digits lab from TrainingConfig's fields (a dict)."""
        config = TrainingConfig.from_dict(config)
        missing = [s for s in ("train", "validation", "test") if s not in self.mnist]
        if missing:
            raise ValueError(f"the MNIST {', '.join(missing)} images are not loaded yet")
        m = self.mnist
        return config.build_session(m["train"], m["validation"], m["test"], clock=self.clock)

    def _chapter3_session(self, config: Any) -> experiments.ExperimentSession:  # Any: JSON, checked by from_dict
        """A run of a chapter 3 experiment (``experiments.ExperimentConfig.from_dict``)."""
        checked = experiments.ExperimentConfig.from_dict(config)
        missing = [s for s in ("train", "test") if s not in self.mnist]
        if missing:
            raise ValueError(f"the MNIST {', '.join(missing)} images are not loaded yet")
        return checked.build_session(self.mnist["train"], self.mnist["test"], clock=self.clock)

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

    def predictions(self, sid: int, split: str = "test") -> bytes:
        """The held weights' answer (0-9) for every image of an MNIST split, as uint8 bytes."""
        session = self._get(sid)
        images, _ = self.mnist[split]
        out = [session.network.predict(images[k : k + 2000], scale=mnist.SCALE) for k in range(0, len(images), 2000)]
        return np.concatenate(out).astype(np.uint8).tobytes()
