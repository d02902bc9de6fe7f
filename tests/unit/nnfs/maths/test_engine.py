"""The training engine (nnfs.maths.engine) and the public Network interface it uses
(forward, evaluate, trace): slicing invariance, curves, stop rules and their
explanations, mid-epoch scoring, and trace against backprop and finite differences."""

import math

import numpy as np
import pytest

from nnfs.data.datasets import xor
from nnfs.maths.engine import Session
from nnfs.maths.network import Network
from nnfs.maths.sgd import Trainer
from nnfs.maths.stops import Stop, diagnose

from .test_network import GRADIENT_CASES, numeric_gradient, random_batch, relative_error


class FakeClock:
    """A clock that advances by ``tick`` on every reading: budgets become batch counts."""

    def __init__(self, tick=0.001):
        self.t, self.tick = 0.0, tick

    def __call__(self):
        self.t += self.tick
        return self.t


def xor_session(eta=3.0, seed=1, act="sigmoid", cost="cross-entropy", sizes=(2, 4, 2), **kw):
    X, y = xor(200, noise=0.1, seed=2)
    net = Network(list(sizes), activation=act, cost=cost, init="scaled", seed=seed)
    trainer = Trainer(net, X[:140], y[:140], mini_batch_size=10, eta=eta, seed=seed)
    return Session(
        net,
        trainer,
        {"train": (X[:140], y[:140]), "test": (X[140:], y[140:])},
        clock=kw.pop("clock", FakeClock()),
        **kw,
    )


# ------------------------------------------------------------------ the run


def test_a_call_keeps_to_its_budget_when_epochs_are_shorter_than_it():
    """The Playground's epochs take a few ms, its calls 20 ms: a call that restarted its
    budget at every epoch's end ran on to the epoch limit, and Pause waited for it."""
    clock = FakeClock(0.001)
    s = xor_session(max_epochs=1000, clock=clock)
    before = clock.t
    assert s.run(budget=0.05) is None  # time up, not the epoch limit
    assert 0 < s.epoch < 1000 and clock.t - before < 0.2


def test_result_does_not_depend_on_how_time_is_sliced():
    a = xor_session(max_epochs=20, clock=FakeClock(0.001))
    b = xor_session(max_epochs=20, clock=FakeClock(0.001))
    while a.run(budget=0.002) is None:  # a couple of mini-batches per call
        pass
    while b.run(budget=1.0) is None:  # whole epochs per call
        pass
    assert a.stop.kind == b.stop.kind == "epochs" and a.epoch == b.epoch == 20
    for wa, wb in zip(a.network.weights + a.network.biases, b.network.weights + b.network.biases):
        assert np.array_equal(wa, wb)
    for key in ("train_loss", "test_acc", "minibatch_loss"):
        np.testing.assert_array_equal(a.history[key][1:], b.history[key][1:])


def test_session_matches_a_plain_trainer_loop():
    """The engine adds bookkeeping, never changes the arithmetic: same weights
    as calling Trainer.train_epoch directly from the same seeds."""
    s = xor_session(max_epochs=5)
    while s.run(budget=0.01) is None:
        pass
    X, y = xor(200, noise=0.1, seed=2)
    net = Network([2, 4, 2], activation="sigmoid", cost="cross-entropy", init="scaled", seed=1)
    t = Trainer(net, X[:140], y[:140], mini_batch_size=10, eta=3.0, seed=1)
    costs = []
    for _ in range(5):
        costs.append(np.mean(t.train_epoch()))
    for w1, w2 in zip(s.network.weights, net.weights):
        assert np.array_equal(w1, w2)
    np.testing.assert_array_equal(s.history["minibatch_loss"][1:], costs)
    loss, acc = net.total_cost(X[140:], y[140:]), net.accuracy(X[140:], y[140:])
    assert s.latest("test_loss") == pytest.approx(loss, rel=1e-12)
    assert s.latest("test_acc") == acc


def test_history_has_one_entry_per_epoch_plus_the_start():
    s = xor_session(max_epochs=3)
    assert s.history["epoch"] == [0] and math.isnan(s.history["minibatch_loss"][0])
    while s.run(budget=0.05) is None:
        pass
    assert s.history["epoch"] == [0, 1, 2, 3]
    assert all(len(v) == 4 for v in s.history.values())
    assert s.history["seconds"] == sorted(s.history["seconds"])


def test_xor_learns_and_target_stops_it():
    s = xor_session(max_epochs=300, target=0.95)
    while s.run(budget=0.05) is None:
        pass
    assert s.stop.kind == "target" and not s.stop.problem
    assert s.latest("test_acc") >= 0.95 and s.epoch < 300
    assert "test accuracy" in s.stop.text


def test_until_epoch_is_a_goal_not_an_end():
    s = xor_session(max_epochs=20)
    stop = None
    while stop is None:
        stop = s.run(budget=0.05, until_epoch=2)
    assert stop.kind == "goal" and s.epoch == 2 and s.stop is None
    while s.run(budget=0.05) is None:
        pass
    assert s.stop.kind == "epochs" and s.epoch == 20


def test_a_raised_epoch_limit_lets_a_finished_run_go_on():
    s = xor_session(max_epochs=16)
    while s.run(budget=0.05) is None:
        pass
    assert s.stop.kind == "epochs"
    s.max_epochs = 18
    while s.run(budget=0.05) is None:
        pass
    assert s.epoch == 18 and s.stop.kind == "epochs"


def test_mid_epoch_position_and_scoring_of_the_weights_held():
    s = xor_session(max_epochs=10)
    while s.epoch < 2:
        s.run(budget=0.05, until_epoch=2)
    s.planner.size = 3
    s.run(budget=1e-9)  # one call: 3 mini-batches into epoch 3
    done = s.trainer.batches_done
    assert 0 < done < s.trainer.batches_per_epoch
    pct = round(100 * done / s.trainer.batches_per_epoch)
    assert s.describe_position() == f"epoch 2 + {pct} % of epoch 3"
    X, y = s.eval_sets["test"]
    loss, acc = s.evaluate("test")
    assert acc == s.network.accuracy(X, y)  # the weights held now, not epoch 2's
    assert loss == pytest.approx(s.network.total_cost(X, y), rel=1e-12)


# ------------------------------------------------------------------ stop rules


def test_xor_at_eta_1000_stops_with_an_explanation():
    """Was: loss 374 and 53 % reported as a plain 'Stopped at epoch 300'."""
    s = xor_session(eta=1000.0, max_epochs=300)
    while s.run(budget=0.05) is None:
        pass
    assert s.stop.problem, s.stop
    assert s.stop.kind in ("climbing", "chance", "exploded", "nan")
    assert "η" in s.stop.advice
    assert s.epoch < 300


def test_cost_climbing_far_above_its_start_is_caught():
    s = xor_session(max_epochs=50)
    start = s.history["train_loss"][0]
    # Pretend the last two epochs ended far above the start.
    s.history["train_loss"] += [start * 20 + 2, start * 30 + 2]
    stop = s._judge()
    assert stop is not None and stop.kind == "climbing" and stop.problem
    s.history["train_loss"][-2] = start  # one spike alone is not enough
    assert s._judge() is None


def test_collapse_to_chance_is_caught_but_a_slow_start_is_not():
    s = xor_session(max_epochs=50)
    chance = s._chance
    s.history["train_acc"] += [chance] * 6  # a slow start: at chance from the beginning
    s.history["train_loss"] += [0.7] * 6
    assert s._judge() is None
    s.history["train_acc"][3] = chance + 0.3  # it had learnt something, then fell back
    stop = s._judge()
    assert stop is not None and stop.kind == "chance" and "fell back" in stop.text and stop.advice


def test_swinging_around_chance_while_the_cost_falls_is_not_a_collapse():
    """The Playground's circles preset (η = 1) swings between 38 % and 69 % for its first
    epochs while its cost keeps falling, then learns to 100 %: no 'chance' stop for it."""
    s = xor_session(max_epochs=50)
    chance = s._chance
    first = s.history["train_loss"][0]
    s.history["train_acc"] += [chance, chance + 0.3, chance, chance, chance]
    s.history["train_loss"] += [first, first * 0.99, first * 0.98, first * 0.985, first * 0.97]
    assert s._judge() is None  # a new lowest cost in the window
    s.history["train_loss"][-3:] = [first] * 3  # no progress: now it is a collapse
    stop = s._judge()
    assert stop is not None and stop.kind == "chance"


def test_a_run_that_ends_at_chance_is_not_done():
    s = xor_session(max_epochs=3, eta=1e-4)  # far too small a step to leave chance in 3 epochs
    while s.run(budget=0.05) is None:
        pass
    assert s.stop.kind == "chance" and "never rose above" in s.stop.text
    assert "more epochs" in s.stop.advice  # it may only have been slow to start


def test_digits_like_collapse_ends_as_a_problem_not_done():
    """Ten balanced classes at eta=100 collapse to a constant answer."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (300, 16)).astype(np.uint8)
    y = np.arange(300) % 10
    net = Network([16, 8, 10], cost="quadratic", seed=0)
    trainer = Trainer(net, X, y, mini_batch_size=10, eta=100.0, scale=1 / 255, seed=0)
    s = Session(net, trainer, {"train": (X, y)}, scale=1 / 255, max_epochs=30, clock=FakeClock())
    while s.run(budget=0.05) is None:
        pass
    assert s.stop.problem and s.stop.kind in ("chance", "climbing", "exploded", "nan")


def test_nan_is_caught_mid_epoch():
    s = xor_session(eta=1e300, act="relu", max_epochs=5)
    while s.run(budget=0.05) is None:
        pass
    assert s.stop.kind in ("nan", "exploded", "dead")


def test_dead_relu_layer_at_the_start_is_said_before_training():
    X, y = xor(100, seed=0)
    net = Network([2, 3, 2], activation="relu", seed=0)
    net.biases[0][:] = -100.0
    trainer = Trainer(net, X, y, 10, 0.1, seed=0)
    s = Session(net, trainer, {"train": (X, y)})
    assert s.stop is not None and s.stop.kind == "dead" and "already at the start" in s.stop.text
    assert s.run(0.05) is s.stop


def test_diagnose_exploded_weights():
    net = Network([2, 3, 2], seed=0)
    net.weights[0][0, 0] = 2e6
    stop = diagnose(net, None, 0.5, 7)
    assert stop.kind == "exploded" and "epoch 7" in stop.text and stop.advice


def test_stop_message_joins_text_and_advice():
    assert Stop("nan", "It broke.", "Try less.").message == "It broke. Try less."
    assert not Stop("epochs", "Finished 3 epochs.").problem


# ------------------------------------------------------------------ Network interface


def test_forward_is_the_public_pass_and_evaluate_equals_two_passes():
    net = Network([3, 5, 4], activation="tanh", cost="log-likelihood", seed=1)
    X, y = random_batch(net, 2500, 0)  # more than one evaluation chunk
    activations, zs = net.forward(X)
    assert len(activations) == 3 and len(zs) == 2
    np.testing.assert_array_equal(activations[-1], net.feedforward(X))
    loss, acc = net.evaluate(X, y)
    assert acc == net.accuracy(X, y)
    assert loss == pytest.approx(net.total_cost(X, y), rel=1e-12)


@pytest.mark.parametrize(
    "sizes,hidden,output,cost",
    GRADIENT_CASES,
    ids=["-".join(map(str, c[0])) + "/" + "/".join(c[1:]) for c in GRADIENT_CASES],
)
def test_trace_equals_backprop_exactly_and_finite_differences(sizes, hidden, output, cost):
    net = Network(sizes, activation=hidden, output_activation=output, cost=cost, seed=3)
    if output == "relu":
        net.biases[-1] = np.abs(net.biases[-1]) + 0.5
    X, y = random_batch(net, 4, seed=5)
    t = net.trace(X, y)
    nabla_b, nabla_w = net.backprop(X, y)
    for a, b in zip(t["nabla_b"] + t["nabla_w"], nabla_b + nabla_w):
        assert np.array_equal(a, b)
    numeric = numeric_gradient(net, X, y, 0.0, h=1e-5)
    assert relative_error(t["nabla_w"] + t["nabla_b"], numeric) < 1e-6
    # BP3/BP4 per example, and their mean is the batch gradient.
    for l in range(len(net.weights)):
        per_w = np.mean([ex[1][l] for ex in t["examples"]], axis=0)
        per_b = np.mean([ex[0][l] for ex in t["examples"]], axis=0)
        np.testing.assert_allclose(per_w, t["nabla_w"][l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(per_b, t["nabla_b"][l], rtol=1e-12, atol=1e-15)
        assert t["zs"][l].shape == t["deltas"][l].shape == (4, sizes[l + 1])
    assert t["cost"] == pytest.approx(net.total_cost(X, y), rel=1e-12)


def test_trace_of_one_example_written_out_by_hand():
    """BP1-BP4 for a [2, 2, 1] sigmoid + quadratic network, computed here with
    scalars only, as on paper."""
    net = Network([2, 2, 1], seed=4)
    x, label = np.array([0.3, -0.8]), 1
    t = net.trace(x, label)
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    W1, b1, W2, b2 = net.weights[0], net.biases[0], net.weights[1], net.biases[1]
    z1 = [W1[j, 0] * x[0] + W1[j, 1] * x[1] + b1[j] for j in range(2)]
    a1 = [s(z) for z in z1]
    z2 = W2[0, 0] * a1[0] + W2[0, 1] * a1[1] + b2[0]
    a2 = s(z2)
    d2 = (a2 - label) * a2 * (1 - a2)  # BP1
    d1 = [W2[0, j] * d2 * a1[j] * (1 - a1[j]) for j in range(2)]  # BP2
    assert t["deltas"][1][0, 0] == pytest.approx(d2, rel=1e-12)
    np.testing.assert_allclose(t["deltas"][0][0], d1, rtol=1e-12)
    np.testing.assert_allclose(t["nabla_b"][0], d1, rtol=1e-12)  # BP3
    np.testing.assert_allclose(t["nabla_w"][1][0], [a1[0] * d2, a1[1] * d2], rtol=1e-12)  # BP4
    assert t["cost"] == pytest.approx(0.5 * (a2 - label) ** 2, rel=1e-12)


@pytest.mark.parametrize("activation, offers_bounded", [("sigmoid", False), ("tanh", False), ("relu", True)])
def test_advice_offers_bounded_activations_only_to_a_network_without_one(activation, offers_bounded):
    """A diverged sigmoid run used to be told to 'try sigmoid/tanh'."""
    net = Network([2, 3, 1], activation=activation, seed=0)
    net.weights[0][0, 0] = 1e7  # exploded
    stop = diagnose(net, None, 1.0, 4)
    assert stop is not None and stop.kind == "exploded"
    assert "smaller learning rate η" in stop.advice
    assert ("sigmoid/tanh" in stop.advice) is offers_bounded
