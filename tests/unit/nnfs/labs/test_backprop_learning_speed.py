"""The speed of learning per layer (nnfs.labs.backprop.learning_speed): the step is the trainer's
update rule, the speeds are lengths of the bias gradient (checked against finite
differences), and on the book's data the initial speeds show the book's pattern."""

import copy
import math
from pathlib import Path

import numpy as np
import pytest

from nnfs.data.mnist import SCALE, load_npz
from nnfs.labs.backprop.learning_speed import (
    BOOK_INITIAL_SPEEDS,
    BOOK_SIZES,
    N_EXAMPLES,
    SpeedRun,
    SpeedSession,
    pack_data,
    ratios,
    unpack_data,
)
from tests.conftest import need

DATA = Path(__file__).resolve().parents[4] / "static" / "data" / "mnist-train.npz"


def mnist_1000():
    need(DATA.exists(), f"{DATA} is missing: MNIST data not prepared (./run setup)")
    X, y = load_npz(DATA)
    return X[:N_EXAMPLES], y[:N_EXAMPLES]


def toy(n=40, n_in=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (n, n_in)), rng.integers(0, 3, n)


def test_one_epoch_is_the_trainers_full_batch_step_with_weight_decay():
    X, y = toy()
    run = SpeedRun([6, 5, 4, 3], X, y, seed=2, eta=0.3, lmbda=2.0)
    twin = copy.deepcopy(run.network)
    run.step(3)
    for _ in range(3):
        twin.update_mini_batch(X, y, 0.3, lmbda=2.0, n=len(X))
    for a, b in zip(run.network.weights + run.network.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert run.epoch == 3 and len(run.norms) == 4


def test_speeds_are_lengths_of_the_bias_gradient_by_finite_differences():
    X, y = toy(seed=3)
    run = SpeedRun([6, 4, 4, 3], X, y, activation="tanh", seed=5)
    speeds = run.initial_speeds()
    net, h = run.network, 1e-6
    for l, speed in enumerate(speeds):
        grad = []
        for j in range(len(net.biases[l])):
            b0 = net.biases[l][j]
            net.biases[l][j] = b0 + h
            up = net.total_cost(X, net.targets(y))
            net.biases[l][j] = b0 - h
            down = net.total_cost(X, net.targets(y))
            net.biases[l][j] = b0
            grad.append((up - down) / (2 * h))
        assert speed == pytest.approx(math.sqrt(sum(g * g for g in grad)), rel=1e-6)
    assert len(speeds) == 2  # hidden layers only


def test_choices_are_checked():
    X, y = toy()
    with pytest.raises(ValueError, match="activation"):
        SpeedRun([6, 4, 3], X, y, activation="softmax")
    with pytest.raises(ValueError, match="initialisation"):
        SpeedRun([6, 4, 3], X, y, init="xavier")
    with pytest.raises(ValueError, match="hidden"):
        SpeedRun([6, 3], X, y)


@pytest.mark.parametrize("hidden", [2, 3, 4])
def test_initial_speeds_show_the_books_pattern_on_mnist(hidden):
    """Each earlier hidden layer learns several times more slowly (the book: about
    4-5 times); the last hidden layer starts near the book's ≈ 0.3."""
    X, y = mnist_1000()
    for seed in (0, 1):
        speeds = SpeedRun(BOOK_SIZES[hidden], X, y, seed=seed, scale=SCALE).initial_speeds()
        assert len(speeds) == hidden
        assert all(r > 2.5 for r in ratios(speeds)), speeds
        book = BOOK_INITIAL_SPEEDS[hidden]
        assert book[-1] / 2 < speeds[-1] < book[-1] * 2, speeds
        assert book[0] / 3 < speeds[0] < book[0] * 3, speeds


def test_training_on_mnist_lowers_cost_and_gradients():
    X, y = mnist_1000()
    run = SpeedRun(BOOK_SIZES[2], X, y, seed=0, scale=SCALE)
    start = run.cost()
    run.step(10)
    assert run.cost() < start / 2
    assert run.norms[-1][1] < run.norms[0][1]
    assert run.finite()


# ------------------------------------------------- in time slices (the training worker)


def uint8_images(n=30, width=784, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, width)).astype(np.uint8), rng.integers(0, 10, n)


def test_pack_and_unpack_data_round_trip():
    X, y = uint8_images()
    X2, y2 = unpack_data(pack_data(X, y))
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    with pytest.raises(ValueError, match="not whole images"):
        unpack_data(pack_data(X, y)[:-1])
    with pytest.raises(ValueError, match="uint8"):
        pack_data(X.astype(float), y)


def test_a_sliced_session_records_the_runs_norms_and_stops_at_the_epoch_asked():
    X, y = uint8_images()
    ticks = iter(range(10**9))
    session = SpeedSession(
        SpeedRun(BOOK_SIZES[3], X, y, seed=1, scale=SCALE), clock=lambda: next(ticks) * 0.01
    )  # every reading: 10 ms
    assert session.history["epoch"] == [0] and len(session.history) == 4  # epoch + 3 layers
    calls = 0
    while (stop := session.run(budget=0.015, until_epoch=5)) is None:
        calls += 1
    assert stop.kind == "epochs" and not stop.problem and session.epoch == 5 and calls >= 2
    ref = SpeedRun(BOOK_SIZES[3], X, y, seed=1, scale=SCALE)  # the same run, unsliced
    ref.initial_speeds()
    ref.step(5)
    for l in range(3):
        assert session.history[f"speed_{l + 1}"] == [norms[l] for norms in ref.norms]
    assert session.run(budget=1, until_epoch=6).kind == "epochs" and session.epoch == 6  # raised: on


def test_an_overflowing_run_ends_as_a_problem():
    X, y = uint8_images()
    session = SpeedSession(
        SpeedRun(BOOK_SIZES[2], X, y, activation="relu", init="normal", eta=1e200, seed=0, scale=SCALE)
    )
    stop = session.run(budget=math.inf, until_epoch=50)
    assert stop.problem and stop.kind == "nan" and session.run(1, 60) is stop
