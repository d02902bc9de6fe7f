"""nnfs.runs.remote: the training worker's sessions, driven by JSON and bytes as the page drives them."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nnfs.labs.playground.config import Config, from_hash, from_values
from nnfs.labs.playground.session import build_data, build_network, train
from nnfs.maths.network import Network
from nnfs.runs import kinds, remote
from nnfs.runs.remote import Sessions, pack, unpack_into

STATE = "data=circles&n=120&noise=0.1&layers=5,3&act=tanh&eta=0.5&batch=8&l2=0.1&seed=3&dseed=2"


def spec(state=STATE):
    """The page's spec of the settings in link form ``state``: their decoded values."""
    config, problems = from_hash(state)
    assert not problems
    return json.dumps({"lab": "playground", "config": config.values()})


def test_pack_and_unpack_round_trip_exactly():
    a = Network([2, 5, 3, 2], seed=1)
    b = Network([2, 5, 3, 2], seed=2)
    data = pack(a)
    assert len(data) == 8 * sum(w.size for w in a.weights + a.biases)
    unpack_into(b, data)
    for x, y in zip(a.weights + a.biases, b.weights + b.biases):
        assert np.array_equal(x, y)
    with pytest.raises(ValueError, match="expected"):
        unpack_into(Network([2, 4, 2]), data)


def test_a_run_sliced_into_calls_ends_with_the_weights_of_a_plain_run():
    sessions = Sessions()
    p = json.loads(sessions.start(spec()))
    sid, seen = p["id"], p["length"]
    assert p["epoch"] == 0 and p["since"] == 0 and len(p["history"]["epoch"]) == 1
    while True:
        p = json.loads(sessions.run(sid, 0.001, until_epoch=7, since=seen))
        assert p["since"] == seen
        seen += len(p["history"]["epoch"])
        if p["ended"]:
            break
    assert p["ended"]["kind"] == "goal" and p["epoch"] == 7 and seen == p["length"] == 8
    here = train(from_hash(STATE)[0], 7)
    got = Network(here.sizes)
    unpack_into(got, sessions.weights(sid))
    for x, y in zip(got.weights + got.biases, here.weights + here.biases):
        assert np.array_equal(x, y)
    loss, acc = json.loads(sessions.evaluate(sid, "test"))
    data = build_data(from_hash(STATE)[0])
    assert acc == pytest.approx(here.accuracy(data.X_test, data.y_test))
    assert loss == pytest.approx(here.total_cost(data.X_test, data.y_test))
    sessions.drop(sid)
    with pytest.raises(KeyError, match="no training session"):
        sessions.run(sid, 0.01)


def test_until_epoch_pauses_and_the_limits_follow_the_page():
    """'goal' pauses a run (Step, slow motion); max_epochs and target are the page's
    current limits, sent with every call (the learner may raise them mid-run)."""
    sessions = Sessions()
    sid = json.loads(sessions.start(spec("data=xor")))["id"]  # learns XOR in ~15 epochs
    p = json.loads(sessions.run(sid, math.inf, until_epoch=20, max_epochs=30))
    assert p["ended"]["kind"] == "goal" and p["epoch"] == 20 and p["stop"] is None
    p = json.loads(sessions.run(sid, math.inf, until_epoch=40, max_epochs=30))
    assert p["ended"]["kind"] == "epochs" and p["epoch"] == 30
    assert p["stop"] == p["ended"] and not p["stop"]["problem"] and "advice" in p["stop"]
    p = json.loads(sessions.run(sid, math.inf, max_epochs=31))  # the limit raised: it goes on
    assert p["ended"]["kind"] == "epochs" and p["epoch"] == 31
    p = json.loads(sessions.run(sid, math.inf, target=0.5, max_epochs=300))
    assert p["ended"]["kind"] == "target" and p["epoch"] == 31  # the limit that holds now
    assert p["stop"]["kind"] == "target"


def test_keep_goes_on_from_the_weights_held_with_a_new_point():
    sessions = Sessions()
    sid = json.loads(sessions.start(spec()))["id"]
    json.loads(sessions.run(sid, math.inf, until_epoch=5))
    held = sessions.weights(sid)
    p = json.loads(sessions.start(spec(STATE + "&pts=0.5,0.5,1"), keep=sid))
    assert p["epoch"] == 5 and p["length"] == 6  # the curves go on
    assert sessions.weights(p["id"]) == held
    assert sessions.sessions[p["id"]].data.n_user == 1
    # Without keep (or with another network) it starts from the initial weights.
    fresh = json.loads(sessions.start(spec(STATE + "&pts=0.5,0.5,1")))
    assert fresh["epoch"] == 0
    assert sessions.weights(fresh["id"]) == pack(build_network(from_hash(STATE)[0]))
    other = json.loads(sessions.start(spec(STATE.replace("layers=5,3", "layers=4")), keep=sid))
    assert other["epoch"] == 0


def test_a_diverged_run_reports_its_stop_and_json_has_no_nan():
    sessions = Sessions()
    sid = json.loads(sessions.start(spec("data=xor&act=relu&eta=1000&layers=8")))["id"]
    p = json.loads(sessions.run(sid, math.inf, until_epoch=50))
    assert p["stop"] is not None and p["stop"]["problem"] and p["stop"]["text"]
    assert p["ended"] == p["stop"]


def test_bad_specs_say_what_is_wrong():
    sessions = Sessions()
    with pytest.raises(ValueError, match="unknown lab"):
        sessions.start(json.dumps({"lab": "nope"}))
    with pytest.raises(ValueError, match="bad playground settings"):
        sessions.start(json.dumps({"lab": "playground", "config": {"eta": "banana"}}))


def test_a_universality_fit_runs_in_sessions_as_it_runs_here():
    from nnfs.labs import universality as uni

    sessions = Sessions()
    config = {"target": "random-4", "hidden": 6, "epochs": 12, "eta": 2, "batch": 20, "seed": 3}
    p = json.loads(sessions.start(json.dumps({"lab": "universality", "config": config})))
    sid = p["id"]
    while not p["ended"]:
        p = json.loads(sessions.run(sid, 0.001))
    assert p["ended"]["kind"] == "epochs" and p["epoch"] == 12 and p["length"] == 13
    here = uni.fit(uni.FitConfig(target="random-4", hidden=6, epochs=12, eta=2.0, batch=20, seed=3))
    got = unpack_into(Network([1, 6, 1]), sessions.weights(sid))
    for x, y in zip(got.weights + got.biases, here.network.weights + here.network.biases):
        assert np.array_equal(x, y)
    assert p["history"]["deviation"][-1] == here.deviation()
    with pytest.raises(ValueError, match="unknown fit settings: colour"):
        sessions.start(json.dumps({"lab": "universality", "config": {"colour": 1}}))


def test_a_speed_run_trains_in_sessions_on_the_images_sent():
    """Issue 10: the speed of learning runs in the training worker, on images the page sends."""
    from nnfs.data.mnist import SCALE
    from nnfs.labs.backprop.learning_speed import BOOK_SIZES, SpeedRun, pack_data

    rng = np.random.default_rng(3)
    X, y = rng.integers(0, 256, (40, 784)).astype(np.uint8), rng.integers(0, 10, 40)
    sessions = Sessions()
    config = {"hidden": 2, "act": "tanh", "init": "scaled", "seed": 4}
    p = json.loads(sessions.start(json.dumps({"lab": "speed", "config": config}), data=pack_data(X, y)))
    sid, seen = p["id"], p["length"]
    while not (p := json.loads(sessions.run(sid, 0.001, until_epoch=3, since=seen)))["ended"]:
        seen += len(p["history"]["epoch"])
    assert p["ended"]["kind"] == "epochs" and p["epoch"] == 3 and p["length"] == 4
    ref = SpeedRun(BOOK_SIZES[2], X, y, activation="tanh", init="scaled", seed=4, scale=SCALE)
    ref.initial_speeds()
    ref.step(3)
    history = json.loads(sessions.progress(sid))["history"]
    assert [history["speed_1"], history["speed_2"]] == [list(c) for c in zip(*ref.norms)]
    got = unpack_into(Network(BOOK_SIZES[2]), sessions.weights(sid))
    assert all(np.array_equal(a, b) for a, b in zip(got.weights, ref.network.weights))
    with pytest.raises(ValueError, match="needs its images"):
        sessions.start(json.dumps({"lab": "speed", "config": config}))
    with pytest.raises(ValueError, match="exactly the settings"):
        sessions.start(json.dumps({"lab": "speed", "config": {"hidden": 2}}), data=pack_data(X, y))
    with pytest.raises(ValueError, match="hidden layers must be one of"):
        sessions.start(json.dumps({"lab": "speed", "config": {**config, "hidden": 9}}), data=pack_data(X, y))


# --- the Digits lab's sessions (MNIST) -------------------------------------------------------


def _npz(images, labels) -> bytes:
    import io

    buf = io.BytesIO()
    np.savez(buf, images=images, labels=labels)
    return buf.getvalue()


def _digit_sessions(n_train=300, n_eval=200, seed=0):
    """Sessions holding small made-up MNIST splits (uint8 pixels, digits 0-9), loaded as bytes."""
    rng = np.random.default_rng(seed)
    sessions = Sessions()
    for split, n in (("train", n_train), ("validation", n_eval), ("test", n_eval)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        # Each digit lights its own band of pixels, so a network can learn it.
        images = rng.integers(0, 60, (n, 784)).astype(np.uint8)
        for i, d in enumerate(labels):
            images[i, 70 * int(d) : 70 * int(d) + 70] = 250
        sessions.add_mnist(split, _npz(images, labels))
    return sessions


def _plain_forward_accuracy(weights, biases, images, labels, scale=1 / 255):
    """Accuracy by a hand-written sigmoid forward pass, independent of Network."""
    a = images.astype(np.float64) * scale
    for w, b in zip(weights, biases):
        a = 1 / (1 + np.exp(-(a @ w.T + b.ravel())))
    return float(np.mean(np.argmax(a, axis=1) == labels))


DIGITS = {
    "hidden": [12],
    "cost": "cross-entropy",
    "init": "scaled",
    "eta": 0.5,
    "mini_batch_size": 10,
    "lmbda": 0.0,
    "seed": 4,
    "epochs": 3,
    "subset": 300,
}


def test_a_digits_run_in_slices_ends_with_the_weights_of_a_plain_run_and_scores_them():
    from nnfs.maths.sgd import Trainer
    from nnfs.settings.training import TrainingConfig

    sessions = _digit_sessions()
    p = json.loads(sessions.start(json.dumps({"lab": "digits", "config": DIGITS})))
    sid = p["id"]
    assert set(p["history"]) >= {"validation_acc", "test_acc", "minibatch_loss"}
    while not p["ended"]:
        p = json.loads(sessions.run(sid, 0.0005))
    assert p["ended"]["kind"] == "epochs" and p["epoch"] == 3 and p["length"] == 4
    # The same run, driven the book's way: three plain epochs.
    config = TrainingConfig.from_dict(DIGITS)
    net = config.build_network()
    images, labels = sessions.mnist["train"]
    trainer = Trainer(net, images, labels, 10, 0.5, 0.0, scale=1 / 255, seed=4)
    for _ in range(3):
        trainer.train_epoch()
    got = unpack_into(config.build_network(), sessions.weights(sid))
    for x, y in zip(got.weights + got.biases, net.weights + net.biases):
        assert np.array_equal(x, y)
    test_images, test_labels = sessions.mnist["test"]
    want = _plain_forward_accuracy(net.weights, net.biases, test_images, test_labels)
    assert p["history"]["test_acc"][-1] == pytest.approx(want)
    assert want > 0.5  # it learned the bands
    predictions = np.frombuffer(sessions.predictions(sid, "test"), dtype=np.uint8)
    assert np.mean(predictions == test_labels) == pytest.approx(want)


def test_a_digits_run_stopped_mid_epoch_scores_and_names_the_weights_it_holds():
    sessions = _digit_sessions()
    sid = json.loads(sessions.start(json.dumps({"lab": "digits", "config": DIGITS})))["id"]
    json.loads(sessions.run(sid, math.inf, until_epoch=1))
    session = sessions.sessions[sid]
    session.trainer.step(12)  # 12 of 30 mini-batches of epoch 2: 40 %
    held = json.loads(sessions.held(sid))
    assert held["position"] == "epoch 1 + 40 % of epoch 2"
    assert held["epochs"] == pytest.approx(1.4)
    got = unpack_into(Network([784, 12, 10]), sessions.weights(sid))
    images, labels = sessions.mnist["test"]
    assert held["scores"]["test"][1] == pytest.approx(_plain_forward_accuracy(got.weights, got.biases, images, labels))
    # ... which is not what epoch 1's row says: the weights moved on since.
    assert held["scores"]["test"][1] != json.loads(sessions.progress(sid))["history"]["test_acc"][1]


def test_digits_data_is_checked_and_a_diverging_digits_run_stops_with_advice():
    sessions = _digit_sessions()
    good = _npz(*sessions.mnist["test"])
    manifest = json.dumps({"files": {"mnist-test.npz": {"sha256": "0" * 64}}})
    with pytest.raises(ValueError, match="damaged"):
        sessions.add_mnist("test", good, manifest)
    import hashlib

    ok = json.dumps({"files": {"mnist-test.npz": {"sha256": hashlib.sha256(good).hexdigest()}}})
    assert json.loads(sessions.add_mnist("test", good, ok))["images"] == 200
    with pytest.raises(ValueError, match="not a valid MNIST"):
        sessions.add_mnist("test", b"PK not a zip")
    with pytest.raises(ValueError, match="unknown digits settings: colour"):
        sessions.start(json.dumps({"lab": "digits", "config": {"colour": 1}}))
    with pytest.raises(ValueError, match="not loaded"):
        Sessions().start(json.dumps({"lab": "digits", "config": DIGITS}))
    # η λ / n = 10 x 1000 / 100: every step multiplies the weights by -99.
    wild = dict(DIGITS, eta=10.0, lmbda=1000.0, subset=100, epochs=50, cost="quadratic")
    sid = json.loads(sessions.start(json.dumps({"lab": "digits", "config": wild})))["id"]
    p = json.loads(sessions.run(sid, math.inf))
    assert p["stop"]["problem"] and "diverged" in p["stop"]["text"] and p["stop"]["advice"]


def test_a_session_of_another_kind_says_so_instead_of_failing_on_a_missing_attribute():
    """Found by the type check (issue 15): the worker holds three kinds of session, and
    the engine-only calls, or ``keep`` naming a fit, met a fit or a speed run with an
    AttributeError. Now: a ValueError that says what the session is, and ``keep``
    carries over only a Playground session (any other id starts afresh)."""
    from nnfs.labs.backprop.learning_speed import pack_data

    rng = np.random.default_rng(5)
    X, y = rng.integers(0, 256, (20, 784)).astype(np.uint8), rng.integers(0, 10, 20)
    sessions = Sessions()
    fit = json.loads(sessions.start(json.dumps({"lab": "universality", "config": {"hidden": 4}})))["id"]
    speed_config = {"hidden": 2, "act": "sigmoid", "init": "scaled", "seed": 1}
    speed = json.loads(sessions.start(json.dumps({"lab": "speed", "config": speed_config}), data=pack_data(X, y)))["id"]
    for sid in (fit, speed):
        with pytest.raises(ValueError, match="has no evaluation sets"):
            sessions.evaluate(sid, "test")
        with pytest.raises(ValueError, match="has no evaluation sets"):
            sessions.held(sid)
    with pytest.raises(ValueError, match="speed-of-learning run: its rates are fixed"):
        sessions.set_rates(speed, 0.1, 0.0)
    sessions.set_rates(fit, 0.5, 0.0)  # a fit's rate does change
    fresh = json.loads(sessions.start(spec(), keep=fit))
    assert fresh["epoch"] == 0 and fresh["length"] == 1


# --- the registry of session kinds (issue 18) ----------------------------------------------------

ALL_KINDS = {"playground", "universality", "speed", "digits", "chapter3", "convnet"}


def test_the_worker_protocol_knows_no_lab():
    """nnfs.runs.remote imports no lab (the labs register their kinds with it), and the
    worker's entry and the page's fallback import the one module that imports them all."""
    from tests.unit.test_architecture import GRAPH

    assert not [m for m in GRAPH["nnfs.runs.remote"] if m.startswith("nnfs.labs")]
    assert "nnfs.runs.kinds" in GRAPH["worker.trainer"]
    assert "nnfs.runs.kinds" in GRAPH["app.runs.worker_client"]
    assert {m.__name__ for m in kinds.LABS} == {m for m in GRAPH["nnfs.runs.kinds"] if m.startswith("nnfs.labs")}


def test_every_lab_kind_is_registered_once_the_workers_imports_ran():
    """In a fresh interpreter: the worker's entry alone registers every kind, and the learner's code option."""
    import subprocess
    import sys
    from pathlib import Path

    py = Path(__file__).resolve().parents[4] / "py"
    code = (
        "import json, worker.trainer; from nnfs.runs import remote; "
        "print(json.dumps([sorted(remote.KINDS), sorted(remote.OPTIONS)]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=py, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [sorted(ALL_KINDS), [["playground", "code"], ["playground", "weights"]]]
    assert set(remote.KINDS) == ALL_KINDS  # here too (this file imported nnfs.runs.kinds)


def test_an_unknown_kind_names_the_known_ones_and_a_kind_registers_once(monkeypatch):
    monkeypatch.setattr(remote, "KINDS", dict(remote.KINDS))
    monkeypatch.setattr(remote, "OPTIONS", dict(remote.OPTIONS))
    with pytest.raises(
        ValueError, match=r"unknown lab 'nope' \(known: chapter3, convnet, digits, playground, speed, universality\)"
    ):
        Sessions().start(json.dumps({"lab": "nope", "config": {}}))
    with pytest.raises(ValueError, match="'playground' is registered already"):
        remote.register("playground", lambda settings, context: None)
    with pytest.raises(ValueError, match="'code' of 'playground' sessions is registered already"):
        remote.register_option("playground", "code", lambda session, value: None)
    with pytest.raises(ValueError, match="'config' of 'toy' sessions is registered already"):
        remote.register_option("toy", "config", lambda session, value: None)
    # A new kind: built from its settings and the context (clock, keep, data), then run like any other.
    seen = []

    def build(settings, context):
        seen.append((settings, context.data, context.keep, context.clock))
        return remote.KINDS["universality"].build({"hidden": settings["hidden"]}, context)

    remote.register("toy", build, title="toy fit")
    sessions = Sessions()
    first = json.loads(sessions.start(json.dumps({"lab": "toy", "config": {"hidden": 2}}), data=b"xy"))["id"]
    json.loads(sessions.start(json.dumps({"lab": "toy", "config": {"hidden": 3}}), keep=first))
    assert seen[0] == ({"hidden": 2}, b"xy", None, sessions.clock)
    assert seen[1][2] is sessions.sessions[first]
    with pytest.raises(ValueError, match="is a toy fit: it has no evaluation sets"):
        sessions.evaluate(first, "test")
    assert "toy" in str(pytest.raises(ValueError, Sessions().start, json.dumps({"lab": "nope"})).value)


def test_a_spec_carries_only_its_kind_s_entries_and_its_settings_as_an_object():
    sessions = Sessions()
    with pytest.raises(ValueError, match="a universality spec has no entry 'code'"):
        sessions.start(json.dumps({"lab": "universality", "config": {"hidden": 4}, "code": {"backprop": ""}}))
    with pytest.raises(ValueError, match="a playground spec has no entry 'colour'"):
        sessions.start(json.dumps({"lab": "playground", "config": {}, "colour": 1}))
    assert json.loads(sessions.start(json.dumps({"lab": "playground", "config": {}, "code": None})))["epoch"] == 0
    # The link form is not the wire format any more: the settings come decoded.
    with pytest.raises(ValueError, match=r"a playground spec needs its settings as an object \(config\); got str"):
        sessions.start(json.dumps({"lab": "playground", "config": STATE}))
    with pytest.raises(ValueError, match="a universality spec needs its settings as an object"):
        sessions.start(json.dumps({"lab": "universality"}))


def test_the_playground_s_settings_cross_decoded_and_are_checked_as_a_link_is():
    """The page sends ``Config.values()`` (JSON: lists for tuples, exact floats); the worker
    reads the same Config, and a bad value gets the message the same value in a link gets."""
    config = Config(data="spiral", classes=3, layers=(6, 5), eta=0.1 + 0.2, points=((0.5, -0.25, 2),))
    sent = json.loads(json.dumps(config.values()))
    assert from_values(sent) == (config, [])
    sessions = Sessions()
    sid = json.loads(sessions.start(json.dumps({"lab": "playground", "config": sent})))["id"]
    assert sessions.sessions[sid].config == config
    for bad, link in [({"eta": 1e9}, "eta=1000000000"), ({"layers": [4, 99]}, "layers=4,99"), ({"n": 5}, "n=5")]:
        want = from_hash(link)[1]
        assert want and from_values(bad)[1] == want
        with pytest.raises(ValueError) as e:
            sessions.start(json.dumps({"lab": "playground", "config": bad}))
        assert str(e.value) == "bad playground settings: " + "; ".join(want)


def test_a_convnet_run_in_the_worker_equals_the_plain_trainer_and_a_file_reads_the_test_set():
    """The 'convnet' kind (Chapter 6) on the worker's protocol: its weights after two epochs are
    those of the book's loop (Trainer.train_epoch on the same net and seed), its answers on the
    test set are the net's own, and a model file read with read_with, in slices, answers the same."""
    from nnfs.labs.chapter6 import session as c6
    from nnfs.maths.sgd import Trainer
    from nnfs.models.convnet_io import to_json

    sessions = _digit_sessions()
    values = {"rung": "conv1", "images": 100, "epochs": 2, "scored": 100, "seed": 6, "eta": 0.1, "l2": 0.0, "batch": 10}
    p = json.loads(sessions.start(json.dumps({"lab": "convnet", "config": values})))
    sid = p["id"]
    while not p["ended"]:
        p = json.loads(sessions.run(sid, 0.001))
    assert p["ended"]["kind"] in ("epochs", "chance") and p["epoch"] == 2
    net = c6.build_net(c6.read(values))
    images, labels = sessions.mnist["train"]
    trainer = Trainer(net, images[:100], labels[:100], 10, 0.1, 0.0, scale=1 / 255, seed=6)
    for _ in range(2):
        trainer.train_epoch()
    got = unpack_into(c6.build_net(c6.read(values)), sessions.weights(sid))
    for x, y in zip(got.weights + got.biases, net.weights + net.biases):
        assert np.array_equal(x, y)
    test_images, _ = sessions.mnist["test"]
    want = net.predict(test_images, scale=1 / 255)
    assert np.array_equal(np.frombuffer(sessions.predictions(sid, "test"), dtype=np.uint8), want)
    # In slices (the page reads a trained convnet's answers a slice per call, so a Train
    # pressed meanwhile waits one slice at most): the same answers, none lost or repeated.
    sliced = [sessions.predictions(sid, "test", k, k + 7) for k in range(0, len(test_images), 7)]
    assert np.array_equal(np.frombuffer(b"".join(sliced), dtype=np.uint8), want)
    assert np.array_equal(np.frombuffer(sessions.predictions(sid, "test", 190, -1), dtype=np.uint8), want[190:])
    assert sessions.predictions(sid, "test", 200, 300) == b""
    text = to_json(net)
    n = len(test_images)
    parts = [sessions.read_with(text, "test", k, k + 7) for k in range(0, n, 7)]
    assert np.array_equal(np.frombuffer(b"".join(parts), dtype=np.uint8), want)
    assert np.array_equal(np.frombuffer(sessions.read_with(text.encode(), "test"), dtype=np.uint8), want)
    with pytest.raises(ValueError, match="no such pictures"):
        sessions.network(sid)


def test_a_typed_weight_goes_into_the_kept_session_and_training_goes_on_from_it():
    sessions = Sessions()
    sid = json.loads(sessions.start(spec()))["id"]
    json.loads(sessions.run(sid, math.inf, until_epoch=3))
    held = Network([2, 5, 3, 2])
    unpack_into(held, sessions.weights(sid))
    edited = json.loads(spec())
    edited["weights"] = [[1, 2, 4, -3.25]]
    p = json.loads(sessions.start(json.dumps(edited), keep=sid))
    assert p["epoch"] == 3 and p["length"] == 4  # the same run, going on
    now = Network([2, 5, 3, 2])
    unpack_into(now, sessions.weights(p["id"]))
    held.weights[1][2, 4] = -3.25
    for a, b in zip(now.weights + now.biases, held.weights + held.biases):
        assert np.array_equal(a, b)  # that weight changed, every other one kept
    # Training goes on from it (and moves it).
    json.loads(sessions.run(p["id"], math.inf, until_epoch=4))
    session = sessions.sessions[p["id"]]
    assert session.epoch == 4 and session.network.weights[1][2, 4] != -3.25
    for bad, match in (
        ([[0, 9, 0, 1.0]], "no weight"),
        ([[5, 0, 0, 1.0]], "no weight layer"),
        ([[0, 0, 0, "x"]], "finite"),
    ):
        edited["weights"] = bad
        with pytest.raises(ValueError, match=match):
            sessions.start(json.dumps(edited), keep=sid)
