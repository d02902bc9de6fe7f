"""The chapter 3 experiments' core (nnfs.labs.chapter3), against references written apart from it."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nnfs.labs import chapter3 as ex
from nnfs.runs.remote import Sessions
from nnfs.settings.training import TrainingConfig
from tests.unit.nnfs.runs.test_remote import _digit_sessions


def reference_slowdown(w, b, cost, eta=0.15, epochs=300, x=1.0, y=0.0):
    """The book's single neuron by hand (math only): a = σ(wx + b); quadratic
    C = (a - y)²/2 with dC/dz = (a - y) σ'(z); cross-entropy C = -[y ln a + (1 - y) ln(1 - a)]
    with dC/dz = a - y; then w -= η x dC/dz, b -= η dC/dz."""
    costs = []
    for epoch in range(epochs + 1):
        z = w * x + b
        a = 1 / (1 + math.exp(-z))
        if cost == "quadratic":
            costs.append((a - y) ** 2 / 2)
            dz = (a - y) * a * (1 - a)
        else:
            costs.append(-(y * math.log(a) + (1 - y) * math.log(1 - a)))
            dz = a - y
        if epoch < epochs:
            w, b = w - eta * x * dz, b - eta * dz
    return costs


@pytest.mark.parametrize("start", ex.SLOWDOWN_STARTS)
@pytest.mark.parametrize("cost", ex.SLOWDOWN_COSTS)
def test_slowdown_curves_equal_a_hand_written_neuron_to_1e_12(start, cost):
    got = ex.slowdown(*start, cost)
    want = reference_slowdown(*start, cost)
    assert len(got["cost"]) == 301
    assert np.max(np.abs(np.array(got["cost"]) - want)) < 1e-12
    # other etas, epochs and a target of 1 too
    got = ex.slowdown(-1.5, 0.5, cost, eta=0.7, epochs=40, y=1.0)["cost"]
    assert np.max(np.abs(np.array(got) - reference_slowdown(-1.5, 0.5, cost, 0.7, 40, y=1.0))) < 1e-12


def test_the_quadratic_cost_starts_slowly_from_2_2_and_cross_entropy_does_not():
    # The book: from (2, 2) the quadratic cost hardly moves for about 150 epochs.
    slow = ex.slow_start(reference_slowdown(2.0, 2.0, "quadratic"))
    assert ex.slow_start(ex.slowdown(2.0, 2.0, "quadratic")["cost"]) == slow
    assert 120 <= slow <= 180
    assert ex.slow_start(ex.slowdown(2.0, 2.0, "cross-entropy")["cost"]) <= 3
    assert ex.slow_start(ex.slowdown(0.6, 0.9, "quadratic")["cost"]) <= 10
    assert ex.slow_start([1.0, 1.0, 1.0]) is None and ex.slow_start([]) is None


def test_slowdown_refuses_what_it_cannot_compute():
    with pytest.raises(ValueError, match="cost must be one of"):
        ex.slowdown(1, 1, "log-likelihood")
    with pytest.raises(ValueError, match="target y"):
        ex.slowdown(1, 1, "quadratic", y=2)


def test_the_test_sample_is_fixed_sorted_and_distinct():
    a, b = ex.test_sample(1000), ex.test_sample(1000)
    assert np.array_equal(a, b) and len(set(a.tolist())) == 1000
    assert np.all(np.diff(a) > 0) and a.max() < 10_000
    assert np.array_equal(ex.test_sample(10_000), np.arange(10_000))
    assert np.array_equal(ex.test_sample(500, n=200), np.arange(200))
    for bad in (0, 10_001, 2.5, True):
        with pytest.raises(ValueError, match="test images scored"):
            ex.test_sample(bad)


def _hand_scores(net_weights, net_biases, images, labels, lmbda, n):
    """Cross-entropy C_0, C_0 + λ/(2n) Σw² and accuracy by a hand-written sigmoid pass."""
    a = images.astype(np.float64) / 255
    for w, b in zip(net_weights, net_biases):
        a = 1 / (1 + np.exp(-(a @ w.T + b)))
    t = np.eye(10)[labels]
    c0 = float(np.mean(-np.sum(t * np.log(a) + (1 - t) * np.log(1 - a), axis=1)))
    l2 = 0.5 * lmbda / n * sum(float(np.sum(w * w)) for w in net_weights)
    return c0, c0 + l2, float(np.mean(np.argmax(a, axis=1) == labels))


def _config(**kw):
    training = dict(hidden=[12], cost="cross-entropy", init="normal", eta=0.5, lmbda=0.1, seed=3, epochs=3, subset=300)
    training.update(kw)
    return {"training": training, "sets": ["train", "test"], "test_rows": 50}


def _run_to_end(sessions, sid, budget=0.0005):
    p = json.loads(sessions.run(sid, budget))
    pieces = [p]
    while not p["ended"]:
        p = json.loads(sessions.run(sid, budget, since=p["length"]))
        pieces.append(p)
    history = {k: sum((q["history"][k] for q in pieces), []) for k in pieces[0]["history"]}
    return p, history


def test_a_chapter3_run_in_the_worker_scores_what_a_hand_written_pass_gives():
    from nnfs.maths.sgd import Trainer
    from nnfs.runs.remote import unpack_into

    sessions = _digit_sessions()
    p = json.loads(sessions.start(json.dumps({"lab": "chapter3", "config": _config()})))
    sid = p["id"]
    assert set(p["history"]) >= {"train_loss", "train_cost", "train_acc", "test_acc"}
    p, h = _run_to_end(sessions, sid)
    assert p["ended"]["kind"] == "epochs" and h["epoch"] == [0, 1, 2, 3]
    # The same run, the plain way.
    config = TrainingConfig.from_dict(_config()["training"])
    net = config.build_network()
    images, labels = sessions.mnist["train"]
    trainer = Trainer(net, images[:300], labels[:300], 10, 0.5, 0.1, scale=1 / 255, seed=3)
    for _ in range(3):
        trainer.train_epoch()
    got = unpack_into(config.build_network(), sessions.weights(sid))
    for x, y in zip(got.weights + got.biases, net.weights + net.biases):
        assert np.array_equal(x, y)
    c0, c, acc = _hand_scores(net.weights, net.biases, images[:300], labels[:300], 0.1, 300)
    assert h["train_loss"][-1] == pytest.approx(c0, rel=1e-12)
    assert h["train_cost"][-1] == pytest.approx(c, rel=1e-12) and c > c0
    assert h["train_acc"][-1] == pytest.approx(acc)
    # The test set here has 200 images: 50 of them, the fixed sample, are scored each epoch...
    test_images, test_labels = sessions.mnist["test"]
    rows = ex.test_sample(50, 200)
    assert len(rows) == 50
    _, _, sample_acc = _hand_scores(net.weights, net.biases, test_images[rows], test_labels[rows], 0, 1)
    assert h["test_acc"][-1] == pytest.approx(sample_acc)
    # ... and all of them once at the end.
    all_loss, _, all_acc = _hand_scores(net.weights, net.biases, test_images, test_labels, 0, 1)
    assert p["final"]["test_acc"] == pytest.approx(all_acc)
    assert p["final"]["test_loss"] == pytest.approx(all_loss, rel=1e-12)
    assert h["test_loss"][-1] != pytest.approx(all_loss)  # the sample is not the whole set


def test_a_rerun_from_the_same_seed_gives_identical_curves_and_another_seed_does_not():
    sessions = _digit_sessions()
    curves = []
    for seed in (3, 3, 4):
        sid = json.loads(sessions.start(json.dumps({"lab": "chapter3", "config": _config(seed=seed)})))["id"]
        curves.append(_run_to_end(sessions, sid, budget=0.001 * (1 + len(curves)))[1])
    for key in ("train_loss", "train_cost", "train_acc", "test_acc", "test_loss"):
        assert curves[0][key] == curves[1][key]
    assert curves[0]["train_loss"] != curves[2]["train_loss"]


def test_chapter3_settings_are_checked():
    sessions = _digit_sessions()
    with pytest.raises(ValueError, match="unknown chapter 3 settings: colour"):
        sessions.start(json.dumps({"lab": "chapter3", "config": {**_config(), "colour": 1}}))
    with pytest.raises(ValueError, match="sets scored"):
        sessions.start(json.dumps({"lab": "chapter3", "config": {**_config(), "sets": ["validation"]}}))
    with pytest.raises(ValueError, match="η must be a positive number"):
        sessions.start(json.dumps({"lab": "chapter3", "config": _config(eta=0)}))
    with pytest.raises(ValueError, match="not loaded yet"):
        Sessions().start(json.dumps({"lab": "chapter3", "config": _config()}))
    config = ex.ExperimentConfig.from_dict(_config())
    assert ex.ExperimentConfig.from_dict(config.to_dict()) == config


def test_the_presets_hold_the_books_settings():
    over = ex.EXPERIMENTS["overfitting"].configs()
    assert [c.training.lmbda for c in over] == [0.0, 0.1]
    for c in over:
        t = c.training
        assert (t.sizes, t.cost, t.eta, t.mini_batch_size, t.subset, t.epochs) == (
            [784, 30, 10],
            "cross-entropy",
            0.5,
            10,
            1000,
            400,
        )
        assert t.seed == over[0].training.seed  # the same initial weights for both
    assert [c.training.init for c in ex.EXPERIMENTS["init"].configs()] == ["normal", "scaled"]
    assert {(c.training.eta, c.training.lmbda) for c in ex.EXPERIMENTS["init"].configs()} == {(0.1, 5.0)}
    assert [c.training.eta for c in ex.EXPERIMENTS["eta"].configs()] == [0.025, 0.25, 2.5]
    # the learner's settings go to every run; a run's own change can be replaced too
    varied = ex.EXPERIMENTS["overfitting"].configs({"epochs": 5, "test_rows": 200}, runs=({"lmbda": 0}, {"lmbda": 1}))
    assert [(c.training.epochs, c.training.lmbda, c.test_rows) for c in varied] == [(5, 0, 200), (5, 1, 200)]
