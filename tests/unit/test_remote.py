"""nnfs.remote: the training worker's sessions, driven by JSON and bytes as the page drives them."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nnfs import playground as pg
from nnfs.network import Network
from nnfs.remote import Sessions, pack, unpack_into

STATE = "data=circles&n=120&noise=0.1&layers=5,3&act=tanh&eta=0.5&batch=8&l2=0.1&seed=3&dseed=2"


def spec(state=STATE):
    return json.dumps({"lab": "playground", "config": state})


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
    here = pg.train(pg.from_hash(STATE)[0], 7)
    got = Network(here.sizes)
    unpack_into(got, sessions.weights(sid))
    for x, y in zip(got.weights + got.biases, here.weights + here.biases):
        assert np.array_equal(x, y)
    loss, acc = json.loads(sessions.evaluate(sid, "test"))
    data = pg.build_data(pg.from_hash(STATE)[0])
    assert acc == pytest.approx(here.accuracy(data.X_test, data.y_test))
    assert loss == pytest.approx(here.total_cost(data.X_test, data.y_test))
    sessions.drop(sid)
    with pytest.raises(KeyError, match="no training session"):
        sessions.run(sid, 0.01)


def test_until_epoch_pauses_and_the_limits_follow_the_page():
    """'goal' pauses a run (Step, slow motion); max_epochs and target are the page's
    current limits, sent with every call (the learner may raise them mid-run)."""
    sessions = Sessions()
    sid = json.loads(sessions.start(spec("data=xor")))["id"]     # learns XOR in ~15 epochs
    p = json.loads(sessions.run(sid, math.inf, until_epoch=20, max_epochs=30))
    assert p["ended"]["kind"] == "goal" and p["epoch"] == 20 and p["stop"] is None
    p = json.loads(sessions.run(sid, math.inf, until_epoch=40, max_epochs=30))
    assert p["ended"]["kind"] == "epochs" and p["epoch"] == 30
    assert p["stop"] == p["ended"] and not p["stop"]["problem"] and "advice" in p["stop"]
    p = json.loads(sessions.run(sid, math.inf, max_epochs=31))    # the limit raised: it goes on
    assert p["ended"]["kind"] == "epochs" and p["epoch"] == 31
    p = json.loads(sessions.run(sid, math.inf, target=0.5, max_epochs=300))
    assert p["ended"]["kind"] == "target" and p["epoch"] == 31     # the limit that holds now
    assert p["stop"]["kind"] == "target"


def test_keep_goes_on_from_the_weights_held_with_a_new_point():
    sessions = Sessions()
    sid = json.loads(sessions.start(spec()))["id"]
    json.loads(sessions.run(sid, math.inf, until_epoch=5))
    held = sessions.weights(sid)
    p = json.loads(sessions.start(spec(STATE + "&pts=0.5,0.5,1"), keep=sid))
    assert p["epoch"] == 5 and p["length"] == 6        # the curves go on
    assert sessions.weights(p["id"]) == held
    assert sessions.sessions[p["id"]].data.n_user == 1
    # Without keep (or with another network) it starts from the initial weights.
    fresh = json.loads(sessions.start(spec(STATE + "&pts=0.5,0.5,1")))
    assert fresh["epoch"] == 0
    assert sessions.weights(fresh["id"]) == pack(pg.build_network(pg.from_hash(STATE)[0]))
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
        sessions.start(spec("eta=banana"))


def test_a_universality_fit_runs_in_sessions_as_it_runs_here():
    from nnfs import universality as uni
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
    from nnfs.learning_speed import BOOK_SIZES, SpeedRun, pack_data
    from nnfs.mnist import SCALE
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
        sessions.start(json.dumps({"lab": "speed", "config": {**config, "hidden": 9}}),
                       data=pack_data(X, y))
