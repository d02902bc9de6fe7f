"""The convolutional net: every gradient against finite differences (conv-pool, fully
connected with and without dropout, softmax; sigmoid and ReLU), the softmax written out again,
and SGD that learns, the same from the same seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnfs.maths.convnet import ConvNet, ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer

from .test_conv import numeric

NETS = {
    "conv-pool, softmax": ((1, 6, 6), [ConvPoolLayer(2, 3, 2), SoftmaxLayer(3)]),
    "two conv-pools, relu, fc, softmax": (
        (2, 10, 9),
        [
            ConvPoolLayer(3, 3, 2, "relu"),
            ConvPoolLayer(2, 2, 1, "relu"),
            FullyConnectedLayer(4, "relu"),
            SoftmaxLayer(3),
        ],
    ),
    "conv-pool, fc with dropout, softmax with dropout": (
        (1, 7, 7),
        [ConvPoolLayer(2, 4, 2), FullyConnectedLayer(5, "sigmoid", dropout=0.5), SoftmaxLayer(4, dropout=0.25)],
    ),
}


def batch(net, n, seed):
    rng = np.random.default_rng(seed)
    X = rng.random((n, int(np.prod(net.shapes[0]))))
    y = rng.integers(0, net.shapes[-1][0], n)
    return X, y


def perturbed(net):
    """A net whose softmax weights are not zero (so every gradient is exercised)."""
    rng = np.random.default_rng(7)
    net.weights[-1][...] = rng.normal(0, 0.5, net.weights[-1].shape)
    net.biases[-1][...] = rng.normal(0, 0.5, net.biases[-1].shape)
    return net


@pytest.mark.parametrize("name", list(NETS))
def test_every_gradient_is_the_finite_difference(name):
    shape, layers = NETS[name]
    net = perturbed(ConvNet(shape, layers, seed=1))
    X, y = batch(net, 5, seed=2)
    masks = net.dropout_masks(len(y), np.random.default_rng(3))  # one fixed training pass

    def cost():
        return net.backprop(X, y, masks)[0]

    _, grad_w, grad_b = net.backprop(X, y, masks)
    for analytic, params in ((grad_w, net.weights), (grad_b, net.biases)):
        for g, P in zip(analytic, params):
            assert g.shape == P.shape
            np.testing.assert_allclose(g, numeric(cost, P), rtol=1e-5, atol=1e-8, err_msg=name)


def test_the_output_is_the_softmax_and_the_cost_its_log_likelihood():
    net = perturbed(ConvNet(*NETS["conv-pool, softmax"], seed=4))
    X, y = batch(net, 3, seed=5)
    probs = net.feedforward(X)
    # The last layer written out: softmax of W a + b over the flattened conv-pool outputs.
    flat = net._forward(X, None)[1][-1]["A_in"]
    for row, a in zip(probs, flat):
        z = net.weights[-1] @ a + net.biases[-1]
        e = [math.exp(v) for v in z]
        assert row == pytest.approx([v / sum(e) for v in e], rel=1e-12)
    cost = net.backprop(X, y)[0]
    assert cost == pytest.approx(-sum(math.log(probs[i, y[i]]) for i in range(3)) / 3, rel=1e-12)


def test_in_use_dropout_scales_the_inputs_by_what_training_keeps():
    shape, layers = NETS["conv-pool, fc with dropout, softmax with dropout"]
    net = perturbed(ConvNet(shape, layers, seed=6))
    X, _ = batch(net, 4, seed=7)
    inputs = net._forward(X, None)[1]
    assert np.allclose(inputs[1]["A_in"], 0.5 * inputs[1]["A"].reshape(4, -1))
    kept = np.mean([m.mean() for m in net.dropout_masks(2000, np.random.default_rng(0))[1:2]])
    assert kept == pytest.approx(0.5, abs=0.01)


def test_sgd_learns_a_small_task_and_the_same_seeds_give_the_same_run():
    """Images whose class is where a bright bar lies: the net must learn to see it."""
    rng = np.random.default_rng(0)
    n = 60
    y = rng.integers(0, 3, n)
    X = rng.random((n, 1, 8, 8)) * 0.2
    for i, c in enumerate(y):
        X[i, 0, 1 + 2 * c, :] += 0.8  # a horizontal bar in row 1, 3 or 5
    runs = []
    for _ in range(2):
        net = ConvNet(
            (1, 8, 8), [ConvPoolLayer(4, 3, 2, "relu"), FullyConnectedLayer(8, "relu"), SoftmaxLayer(3)], seed=1
        )
        order_rng = np.random.default_rng(2)
        before = net.backprop(X.reshape(n, -1), y)[0]
        for _epoch in range(30):
            order = order_rng.permutation(n)
            for k in range(0, n, 10):
                idx = order[k : k + 10]
                net.step(X[idx].reshape(len(idx), -1), y[idx], eta=0.1, lmbda=0.1, n=n, rng=order_rng)
        runs.append(net)
    after = runs[0].backprop(X.reshape(n, -1), y)[0]
    assert after < before / 5 and runs[0].accuracy(X.reshape(n, -1), y) == 1.0
    assert all(np.array_equal(a, b) for a, b in zip(runs[0].weights, runs[1].weights))


def test_the_books_shapes_and_initialisation():
    net = ConvNet(
        (1, 28, 28), [ConvPoolLayer(20, 5), ConvPoolLayer(40, 5), FullyConnectedLayer(100), SoftmaxLayer(10)], seed=0
    )
    assert net.shapes == [(1, 28, 28), (20, 12, 12), (40, 4, 4), (100,), (10,)]
    assert [w.shape for w in net.weights] == [(20, 1, 5, 5), (40, 20, 5, 5), (100, 640), (10, 100)]
    assert net.weights[0].std() == pytest.approx(math.sqrt(4 / (20 * 25)), rel=0.15)  # N(0, 1/n_out)
    assert not net.weights[-1].any() and not net.biases[-1].any()


def test_nets_that_do_not_fit_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="ends with a SoftmaxLayer"):
        ConvNet((1, 28, 28), [ConvPoolLayer(2)])
    with pytest.raises(ValueError, match="do not fit 4 x 4 images"):
        ConvNet((1, 4, 4), [ConvPoolLayer(2, 5), SoftmaxLayer(10)])
    with pytest.raises(ValueError, match="needs images"):
        ConvNet((1, 28, 28), [FullyConnectedLayer(5), ConvPoolLayer(2), SoftmaxLayer(10)])
    with pytest.raises(ValueError, match="the softmax layer is the last one"):
        ConvNet((1, 28, 28), [SoftmaxLayer(10), SoftmaxLayer(10)])


def test_a_step_decays_the_weights_by_l2_and_not_the_biases():
    """network3's L2: w -> (1 - eta lmbda m / n) w - eta dC/dw for a mini-batch of m: the step with
    lmbda differs from the one without by exactly eta lmbda m / n times the weights before it
    (m = 6 here); the biases do not decay."""
    shape, layers = NETS["two conv-pools, relu, fc, softmax"]
    X, y = batch(ConvNet(shape, layers, seed=8), 6, seed=9)
    plain, decayed = ConvNet(shape, layers, seed=8), ConvNet(shape, layers, seed=8)
    before = [w.copy() for w in plain.weights]
    eta, lmbda, n = 0.5, 3.0, 100
    plain.step(X, y, eta, 0.0, n, np.random.default_rng(0))
    decayed.step(X, y, eta, lmbda, n, np.random.default_rng(0))
    for w0, wp, wd in zip(before, plain.weights, decayed.weights):
        np.testing.assert_allclose(wd, wp - eta * lmbda * 6 / n * w0, rtol=1e-12, atol=1e-15)
    for bp, bd in zip(plain.biases, decayed.biases):
        np.testing.assert_array_equal(bp, bd)


# ------------------------------------------------- on the one training engine


def bars(n, seed):
    """8 x 8 uint8 images, class c a bright bar in row 1 + 2c: (X rows of 64 pixels, y)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = (rng.random((n, 8, 8)) * 50).astype(np.uint8)
    for i, c in enumerate(y):
        X[i, 1 + 2 * c, :] = 230
    return X.reshape(n, 64), y


def bars_session(seed=1, eta=0.1, dropout=0.25, clock=None, **kw):
    from nnfs.maths.engine import Session
    from nnfs.maths.sgd import Trainer

    from .test_engine import FakeClock

    X, y = bars(80, seed=3)
    Xt, yt = bars(40, seed=4)
    layers = [ConvPoolLayer(3, 3, 2, "relu"), FullyConnectedLayer(6, "relu", dropout=dropout), SoftmaxLayer(3)]
    net = ConvNet((1, 8, 8), layers, seed=seed)
    trainer = Trainer(net, X, y, mini_batch_size=10, eta=eta, lmbda=0.1, scale=1 / 255, seed=seed)
    return Session(net, trainer, {"train": (X, y), "test": (Xt, yt)}, scale=1 / 255, clock=clock or FakeClock(), **kw)


def test_the_engine_trains_a_convnet_the_same_however_its_time_is_sliced():
    from .test_engine import FakeClock

    a = bars_session(max_epochs=6, clock=FakeClock(0.001))
    b = bars_session(max_epochs=6, clock=FakeClock(0.001))
    while a.run(budget=0.002) is None:  # a mini-batch or two per call
        pass
    while b.run(budget=10.0) is None:  # everything in one call
        pass
    assert a.stop.kind == b.stop.kind == "epochs" and a.epoch == b.epoch == 6
    for wa, wb in zip(a.network.weights + a.network.biases, b.network.weights + b.network.biases):
        assert np.array_equal(wa, wb)
    np.testing.assert_array_equal(a.history["test_acc"], b.history["test_acc"])
    assert a.history["test_acc"][-1] == 1.0 and a.history["train_loss"][-1] < a.history["train_loss"][0] / 5


def test_the_engine_scores_a_convnet_as_it_scores_by_hand():
    s = bars_session(max_epochs=2)
    while s.run(budget=1.0) is None:
        pass
    X, y = s.eval_sets["test"]
    probs = s.network.feedforward(X / 255)
    cost, acc = s.evaluate("test")
    assert cost == pytest.approx(-np.mean(np.log(probs[np.arange(len(y)), y])), rel=1e-12)
    assert acc == np.mean(np.argmax(probs, axis=1) == y) == s.history["test_acc"][-1]


def test_a_diverging_convnet_is_stopped_with_the_engines_reason():
    s = bars_session(eta=1e5, dropout=0.0, max_epochs=20)
    while s.run(budget=1.0) is None:
        pass
    assert s.stop.problem and s.stop.kind in ("nan", "exploded", "climbing", "dead", "chance"), s.stop
    assert "learning rate" in s.stop.advice


def test_look_gives_each_layers_maps_as_a_loop_over_pixels_would():
    """Layer 1's maps after the convolution, by plain loops over positions (no library call), and
    after pooling by plain loops over blocks; the rest equal the net's own forward pass."""
    net = ConvNet((1, 12, 12), [ConvPoolLayer(2, 3, 2, "relu"), FullyConnectedLayer(5), SoftmaxLayer(4)], seed=2)
    x = np.random.default_rng(3).random(144)
    seen = net.look(x)
    image, W, b = x.reshape(12, 12), net.weights[0], net.biases[0]
    conv = np.zeros((2, 10, 10))
    for f in range(2):
        for i in range(10):
            for j in range(10):
                conv[f, i, j] = max(
                    0.0, sum(image[i + u, j + v] * W[f, 0, u, v] for u in range(3) for v in range(3)) + b[f]
                )
    pool = np.array(
        [[[conv[f, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max() for j in range(5)] for i in range(5)] for f in range(2)]
    )
    assert np.allclose(seen[0]["conv"], conv, rtol=1e-13, atol=1e-13)
    assert np.allclose(seen[0]["pool"], pool, rtol=1e-13, atol=1e-13)
    assert np.allclose(seen[-1]["out"], net.feedforward(x[None])[0], rtol=1e-14, atol=0)
    assert abs(seen[-1]["out"].sum() - 1) < 1e-12 and seen[1]["out"].shape == (5,)


def test_scores_and_answers_in_chunks_equal_one_pass_and_take_a_scale():
    net = ConvNet((1, 28, 28), [ConvPoolLayer(2, 5), SoftmaxLayer(10)], seed=5)
    X = np.random.default_rng(0).integers(0, 256, (250, 784)).astype(np.uint8)
    whole = np.exp(net._forward(X / 255.0, None)[0])
    assert np.allclose(net.feedforward(X, scale=1 / 255), whole, rtol=1e-14, atol=1e-16)
    assert np.array_equal(net.predict(X, scale=1 / 255), np.argmax(whole, axis=1))
    assert net.feedforward(X[:0], scale=1 / 255).shape == (0, 10)
