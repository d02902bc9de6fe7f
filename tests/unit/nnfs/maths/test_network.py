"""Network: construction, feedforward, backprop (vs finite differences and vs a
per-example loop), one SGD step by hand, XOR, uint8 training, Trainer."""

import math
import tracemalloc
import warnings

import numpy as np
import pytest

from nnfs.data.datasets import xor
from nnfs.maths.network import Network
from nnfs.maths.sgd import SGD, Trainer

SHAPES = [[2, 3, 2], [3, 5, 4, 3], [4, 2], [3, 4, 1]]
HIDDEN = ["sigmoid", "tanh", "relu", "linear"]
# (output activation, cost) pairs a Network accepts.
OUTPUT_COSTS = [
    ("sigmoid", "quadratic"),
    ("tanh", "quadratic"),
    ("relu", "quadratic"),
    ("linear", "quadratic"),
    ("softmax", "quadratic"),
    ("sigmoid", "cross-entropy"),
    ("softmax", "log-likelihood"),
]


def random_batch(net, N, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, net.sizes[0]))
    y = rng.integers(0, max(net.sizes[-1], 2), N)
    return X, y


def numeric_gradient(net, X, y, lmbda, h):
    """dC/dp for every weight and bias p (weights first), by central differences
    of total_cost: the independent reference that backprop is checked against."""
    grads = []
    for p in net.weights + net.biases:
        g = np.zeros_like(p)
        for idx in np.ndindex(*p.shape):
            old = p[idx]
            p[idx] = old + h
            c_plus = net.total_cost(X, y, lmbda)
            p[idx] = old - h
            c_minus = net.total_cost(X, y, lmbda)
            p[idx] = old
            g[idx] = (c_plus - c_minus) / (2 * h)
        grads.append(g)
    return grads


def relative_error(a, b):
    a, b = np.concatenate([x.ravel() for x in a]), np.concatenate([x.ravel() for x in b])
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else np.linalg.norm(a - b) / denom


# ------------------------------------------------------------------ construction


def test_shapes_and_seeded_init():
    net = Network([3, 5, 2], seed=7)
    assert [w.shape for w in net.weights] == [(5, 3), (2, 5)]
    assert [b.shape for b in net.biases] == [(5,), (2,)]
    assert all(w.dtype == np.float64 for w in net.weights)
    same = Network([3, 5, 2], seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(net.weights + net.biases, same.weights + same.biases))
    other = Network([3, 5, 2], seed=np.random.default_rng(8))
    assert not np.array_equal(net.weights[0], other.weights[0])


def test_scaled_init_has_std_one_over_sqrt_n_in():
    normal = Network([400, 300], init="normal", seed=0)
    scaled = Network([400, 300], init="scaled", seed=0)
    assert normal.weights[0].std() == pytest.approx(1.0, rel=0.02)
    assert scaled.weights[0].std() == pytest.approx(1 / math.sqrt(400), rel=0.02)
    assert scaled.biases[0].std() == pytest.approx(1.0, rel=0.2)


def test_default_output_activation():
    assert Network([2, 3, 2]).output_activation == "sigmoid"
    assert Network([2, 3, 2], cost="log-likelihood").output_activation == "softmax"
    assert Network([2, 3, 2], activation="relu", cost="cross-entropy").output_activation == "sigmoid"


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(sizes=[3]), "sizes must be a list of at least 2"),
        (dict(sizes=[3, 0, 2]), r"sizes\[1\] must be a positive integer"),
        (dict(sizes=[3, 2.5]), r"sizes\[1\] must be a positive integer"),
        (dict(sizes=[2, 2], activation="swish"), "unknown activation 'swish'"),
        (dict(sizes=[2, 2], activation="softmax"), "only for the output layer"),
        (dict(sizes=[2, 2], cost="hinge"), "unknown cost 'hinge'"),
        (dict(sizes=[2, 2], output_activation="sigmoid", cost="log-likelihood"), "needs output activation 'softmax'"),
        (dict(sizes=[2, 2], output_activation="tanh", cost="cross-entropy"), "needs output activation 'sigmoid'"),
        (dict(sizes=[2, 1], output_activation="softmax"), "softmax needs at least 2 output neurons"),
        (dict(sizes=[2, 2], init="xavier"), "unknown init 'xavier'"),
        (dict(sizes=[2, 2], seed=-1), "seed must be"),
    ],
)
def test_bad_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**kwargs)


def test_bad_inputs():
    net = Network([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match="X has 3 columns, expected 2"):
        net.feedforward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"labels y must lie in 0..1, got values from 0 to 2"):
        net.backprop(np.zeros((3, 2)), [0, 1, 2])
    with pytest.raises(ValueError, match="whole numbers"):
        net.backprop(np.zeros((2, 2)), [0.5, 1])
    with pytest.raises(ValueError, match="X has 3 examples but y has 2"):
        net.backprop(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="eta must be a finite number > 0"):
        net.update_mini_batch(np.zeros((2, 2)), [0, 1], eta=0)
    with pytest.raises(ValueError, match="lmbda must be a finite number >= 0"):
        net.update_mini_batch(np.zeros((2, 2)), [0, 1], eta=1.0, lmbda=-1)
    with pytest.raises(ValueError, match="mini_batch_size must be a positive integer"):
        Trainer(net, np.zeros((4, 2)), [0, 1, 0, 1], mini_batch_size=0)


# ------------------------------------------------------------------ feedforward


def test_feedforward_batch_equals_one_at_a_time():
    net = Network([3, 5, 4], activation="tanh", output_activation="softmax", cost="log-likelihood", seed=1)
    X, _ = random_batch(net, 6, 0)
    A = net.feedforward(X)
    assert A.shape == (6, 4)
    for x, a in zip(X, A):
        np.testing.assert_allclose(net.feedforward(x), a, rtol=1e-14)
    # Written out for one example, column-vector style as in the book.
    a = X[0].reshape(-1, 1)
    a = np.tanh(net.weights[0] @ a + net.biases[0].reshape(-1, 1))
    z = net.weights[1] @ a + net.biases[1].reshape(-1, 1)
    np.testing.assert_allclose(A[0], (np.exp(z) / np.exp(z).sum()).ravel(), rtol=1e-13)


# ------------------------------------------------------------------ backprop

GRADIENT_CASES = [
    (sizes, hidden, output, cost)
    for sizes in SHAPES
    for hidden in HIDDEN
    for output, cost in OUTPUT_COSTS
    if not (output == "softmax" and sizes[-1] < 2)
]


@pytest.mark.parametrize(
    "sizes,hidden,output,cost",
    GRADIENT_CASES,
    ids=["-".join(map(str, c[0])) + "/" + "/".join(c[1:]) for c in GRADIENT_CASES],
)
def test_backprop_matches_finite_differences(sizes, hidden, output, cost):
    """dC/dw and dC/db from backprop vs central differences of total_cost,
    without and with L2 (whose gradient adds (lmbda/n) w to dC/dw)."""
    net = Network(sizes, activation=hidden, output_activation=output, cost=cost, seed=3)
    if output == "relu":
        # Positive output biases keep the ReLU outputs alive: a dead output layer
        # has zero gradient, and comparing zero with zero would prove nothing.
        net.biases[-1] = np.abs(net.biases[-1]) + 0.5
    X, y = random_batch(net, 10, seed=4)
    for lmbda in (0.0, 0.7):
        nabla_b, nabla_w = net.backprop(X, y)
        assert all(np.any(nw != 0) for nw in nabla_w)
        nabla_w = [nw + (lmbda / len(X)) * w for nw, w in zip(nabla_w, net.weights)]
        numeric = numeric_gradient(net, X, y, lmbda, h=1e-5)
        assert relative_error(nabla_w + nabla_b, numeric) < 1e-6


def reference_backprop(net, X, y, f, f_prime, output_delta):
    """Nielsen's network.py backprop, one example at a time with column vectors,
    summed and divided by N: the independent reference for the vectorised code."""
    nabla_b = [np.zeros((len(b), 1)) for b in net.biases]
    nabla_w = [np.zeros(w.shape) for w in net.weights]
    for x, label in zip(X, y):
        activation, activations, zs = x.reshape(-1, 1), [x.reshape(-1, 1)], []
        for l, (b, w) in enumerate(zip(net.biases, net.weights)):
            z = w @ activation + b.reshape(-1, 1)
            zs.append(z)
            last = l == len(net.weights) - 1
            activation = output_delta.f(z) if last else f(z)
            activations.append(activation)
        t = np.zeros((net.sizes[-1], 1))
        t[label] = 1.0
        delta = output_delta(zs[-1], activations[-1], t)
        nabla_b[-1] += delta
        nabla_w[-1] += delta @ activations[-2].T
        for l in range(2, net.num_layers):
            delta = (net.weights[-l + 1].T @ delta) * f_prime(zs[-l])
            nabla_b[-l] += delta
            nabla_w[-l] += delta @ activations[-l - 1].T
    N = len(X)
    return [nb.ravel() / N for nb in nabla_b], [nw / N for nw in nabla_w]


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _out(f, delta):
    delta.f = f
    return delta


def _softmax_col(z):
    e = np.exp(z - z.max())
    return e / e.sum()


REFERENCE_CASES = {
    # hidden, output, cost: (f, f', output delta(z, a, t))
    "sigmoid/sigmoid/quadratic": (
        _sig,
        lambda z: _sig(z) * (1 - _sig(z)),
        _out(_sig, lambda z, a, t: (a - t) * a * (1 - a)),
    ),
    "tanh/sigmoid/cross-entropy": (np.tanh, lambda z: 1 - np.tanh(z) ** 2, _out(_sig, lambda z, a, t: a - t)),
    "relu/softmax/log-likelihood": (
        lambda z: np.maximum(z, 0),
        lambda z: (z > 0) * 1.0,
        _out(_softmax_col, lambda z, a, t: a - t),
    ),
    "sigmoid/softmax/quadratic": (
        _sig,
        lambda z: _sig(z) * (1 - _sig(z)),
        _out(_softmax_col, lambda z, a, t: (np.diagflat(a) - a @ a.T) @ (a - t)),
    ),
    "linear/tanh/quadratic": (
        lambda z: z,
        lambda z: np.ones_like(z),
        _out(np.tanh, lambda z, a, t: (a - t) * (1 - a**2)),
    ),
}


@pytest.mark.parametrize("case", REFERENCE_CASES)
@pytest.mark.parametrize("sizes", [[2, 3, 2], [3, 5, 4, 3], [4, 6, 6, 6, 3]], ids=str)
def test_vectorised_backprop_equals_per_example_loop(case, sizes):
    hidden, output, cost = case.split("/")
    net = Network(sizes, activation=hidden, output_activation=output, cost=cost, seed=5)
    X, y = random_batch(net, 13, seed=6)
    nabla_b, nabla_w = net.backprop(X, y)
    ref_b, ref_w = reference_backprop(net, X, y, *REFERENCE_CASES[case])
    for got, want in zip(nabla_b + nabla_w, ref_b + ref_w):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-15)


# ------------------------------------------------------------------ SGD


def test_one_sgd_step_by_hand():
    """A [1, 1, 1] sigmoid network, quadratic cost, a mini-batch of two examples,
    L2 with n = 4: the update worked out with the chain rule on plain floats."""
    net = Network([1, 1, 1], seed=0)
    w1, b1, w2, b2 = 0.5, -0.25, -1.0, 0.75
    net.weights = [np.array([[w1]]), np.array([[w2]])]
    net.biases = [np.array([b1]), np.array([b2])]
    xs, ys = [1.0, -2.0], [1, 0]
    eta, lmbda, n = 0.5, 0.1, 4

    def s(z):
        return 1.0 / (1.0 + math.exp(-z))

    gw1 = gb1 = gw2 = gb2 = 0.0
    for x, y in zip(xs, ys):
        z1 = w1 * x + b1
        a1 = s(z1)
        z2 = w2 * a1 + b2
        a2 = s(z2)
        d2 = (a2 - y) * s(z2) * (1 - s(z2))  # BP1
        d1 = w2 * d2 * s(z1) * (1 - s(z1))  # BP2
        gw2 += d2 * a1
        gb2 += d2
        gw1 += d1 * x
        gb1 += d1
    m = len(xs)
    decay = 1 - eta * lmbda / n
    expected = {
        "w1": decay * w1 - eta * gw1 / m,
        "b1": b1 - eta * gb1 / m,
        "w2": decay * w2 - eta * gw2 / m,
        "b2": b2 - eta * gb2 / m,
    }
    net.update_mini_batch(np.array([[1.0], [-2.0]]), np.array(ys), eta, lmbda, n)
    assert net.weights[0][0, 0] == pytest.approx(expected["w1"], rel=1e-13)
    assert net.biases[0][0] == pytest.approx(expected["b1"], rel=1e-13)
    assert net.weights[1][0, 0] == pytest.approx(expected["w2"], rel=1e-13)
    assert net.biases[1][0] == pytest.approx(expected["b2"], rel=1e-13)
    # The same update worked out once in 40-digit decimal arithmetic.
    assert net.weights[0][0, 0] == pytest.approx(0.47413616005389285548, rel=1e-14)
    assert net.biases[0][0] == pytest.approx(-0.25055859231882418439, rel=1e-14)
    assert net.weights[1][0, 0] == pytest.approx(-0.97988816013819409509, rel=1e-14)
    assert net.biases[1][0] == pytest.approx(0.74138242845433768803, rel=1e-14)


def test_update_is_gradient_descent_on_total_cost_with_l2():
    """With n = the batch size, update_mini_batch is w -> w - eta dC/dw for
    C = total_cost(X, y, lmbda); dC/dw estimated here by central differences."""
    net = Network([3, 4, 2], activation="tanh", cost="cross-entropy", seed=11)
    X, y = random_batch(net, 8, seed=12)
    eta, lmbda, h = 0.3, 2.0, 1e-6
    expected = [p - eta * g for p, g in zip(net.weights + net.biases, numeric_gradient(net, X, y, lmbda, h))]
    net.update_mini_batch(X, y, eta, lmbda, n=len(X))
    for got, want in zip(net.weights + net.biases, expected):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-9)


XOR_EPOCHS = 100  # from these seeds it reaches 100 % at epoch 27


def test_learns_xor():
    X, y = xor(n=100, noise=0.1, seed=0)
    net = Network([2, 4, 2], seed=0)
    trainer = Trainer(net, X, y, mini_batch_size=10, eta=3.0, seed=0)
    assert net.accuracy(X, y) < 1.0
    for _ in range(XOR_EPOCHS):
        trainer.train_epoch()
        if net.accuracy(X, y) == 1.0:
            break
    assert net.accuracy(X, y) == 1.0, f"not learned after {trainer.epoch} epochs"
    assert trainer.epoch <= XOR_EPOCHS
    np.testing.assert_array_equal(net.predict(X), y)


def test_sgd_convenience_and_reproducibility():
    X, y = xor(n=100, noise=0.1, seed=0)
    runs = []
    for _ in range(2):
        net = Network([2, 4, 2], seed=0)
        history = SGD(net, X, y, epochs=40, mini_batch_size=10, eta=3.0, seed=0, evaluation_data=(X, y))
        runs.append(net)
    assert len(history) == 40 and history[-1]["epoch"] == 40 and history[-1]["finite"]
    assert history[-1]["accuracy"] == 1.0 and history[-1]["cost"] < history[0]["cost"]
    assert all(np.array_equal(a, b) for a, b in zip(runs[0].weights, runs[1].weights))


def test_uint8_with_scale_equals_prescaled_float():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (60, 12), dtype=np.uint8)
    labels = rng.integers(0, 3, 60).astype(np.uint8)
    scale = 1 / 255
    nets = []
    for X, s in ((images, scale), (images.astype(np.float64) * scale, None)):
        net = Network([12, 8, 3], init="scaled", seed=1)
        trainer = Trainer(net, X, labels, mini_batch_size=7, eta=0.5, lmbda=0.1, scale=s, seed=2)
        for _ in range(3):
            trainer.train_epoch()
        nets.append(net)
    for a, b in zip(nets[0].weights + nets[0].biases, nets[1].weights + nets[1].biases):
        np.testing.assert_array_equal(a, b)
    assert nets[0].accuracy(images, labels, scale=scale) == nets[1].accuracy(images * scale, labels)
    assert nets[0].total_cost(images, labels, 0.1, scale=scale) == pytest.approx(
        nets[1].total_cost(images * scale, labels, 0.1), rel=1e-14
    )


def test_uint8_training_set_is_never_expanded_to_float64():
    images = np.zeros((20000, 784), dtype=np.uint8)  # 15.7 MB; 125 MB as float64
    images[:, ::7] = 200
    labels = np.arange(20000) % 10
    net = Network([784, 30, 10], init="scaled", seed=0)
    tracemalloc.start()
    try:
        trainer = Trainer(net, images, labels, mini_batch_size=10, eta=0.5, scale=1 / 255, seed=0)
        trainer.step(20)
        net.accuracy(images, labels, scale=1 / 255)
        net.total_cost(images, labels, scale=1 / 255)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16e6, f"peak {peak / 1e6:.1f} MB"


# ------------------------------------------------------------------ Trainer


def test_trainer_progress_and_epochs():
    X, y = xor(n=23, noise=0.1, seed=0)
    trainer = Trainer(Network([2, 3, 2], seed=0), X, y, mini_batch_size=5, eta=1.0, seed=0)
    assert trainer.batches_per_epoch == 5 and trainer.epoch == 0 and trainer.batches_done == 0
    first_order = trainer.order.copy()
    assert sorted(first_order) == list(range(23))
    costs = trainer.step(3)
    assert len(costs) == 3 and trainer.batches_done == 3 and trainer.progress == 0.6
    assert trainer.examples_seen == 15
    trainer.step(3)  # crosses into epoch 2 with a fresh shuffle
    assert trainer.epoch == 1 and trainer.batches_done == 1 and trainer.examples_seen == 28
    assert not np.array_equal(trainer.order, first_order)
    trainer.train_epoch()  # finishes the current epoch only
    assert trainer.epoch == 2 and trainer.batches_done == 0
    assert len(trainer.train_epoch()) == 5 and trainer.epoch == 3
    assert trainer.is_finite()


def test_divergence_is_detected_quietly():
    rng = np.random.default_rng(0)
    X = 10 * rng.standard_normal((50, 2))
    y = (X[:, 0] > 0).astype(int)
    net = Network([2, 3, 1], activation="linear", output_activation="linear", seed=0)
    trainer = Trainer(net, X, y, mini_batch_size=5, eta=50.0, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        costs = trainer.step(1000)
    assert len(costs) < 1000  # stopped early
    assert not net.is_finite() and not trainer.is_finite()
    history = SGD(
        Network([2, 3, 1], activation="linear", output_activation="linear", seed=0),
        X,
        y,
        epochs=50,
        mini_batch_size=5,
        eta=50.0,
        seed=0,
    )
    assert len(history) < 50 and history[-1]["finite"] is False


def test_predict_single_output():
    net = Network([2, 1], seed=0)
    net.weights, net.biases = [np.array([[1.0, 0.0]])], [np.array([0.0])]
    X = np.array([[2.0, 0.0], [-2.0, 0.0], [0.5, 3.0]])
    np.testing.assert_array_equal(net.predict(X), [1, 0, 1])
    assert net.accuracy(X, [1, 0, 0]) == pytest.approx(2 / 3)
    assert net.predict(X[0]) == 1


def test_log_likelihood_backprop_with_float_targets_matches_finite_differences():
    """Issue 8 item 2: float targets whose rows do not sum to 1. The output-bias
    gradient of this network was -0.239 where finite differences give -0.143."""
    net = Network([4, 6, 3], activation="tanh", cost="log-likelihood", seed=1)
    rng = np.random.default_rng(0)
    X, T = rng.standard_normal((5, 4)), rng.random((5, 3))
    nabla_b, nabla_w = net.backprop(X, T)
    numeric = numeric_gradient(net, X, T, 0.0, h=1e-5)
    assert relative_error(nabla_w + nabla_b, numeric) < 1e-7
    np.testing.assert_allclose(nabla_b[-1], numeric[-1], rtol=1e-6, atol=1e-9)
    # One-hot labels and the same targets as a float matrix give the same gradient.
    y = rng.integers(0, 3, 5)
    by_labels, by_matrix = net.backprop(X, y), net.backprop(X, np.eye(3)[y])
    for g1, g2 in zip(by_labels[0] + by_labels[1], by_matrix[0] + by_matrix[1]):
        np.testing.assert_array_equal(g1, g2)


def test_trainer_with_float_targets_takes_the_steps_update_mini_batch_takes():
    # Real-valued targets (a curve fit): the trainer's epoch must be the plain
    # update_mini_batch steps over its own shuffle, each row its own target.
    rng = np.random.default_rng(4)
    X = rng.uniform(0, 1, (23, 1))
    T = 0.2 + 0.6 * X**2
    a, b = Network([1, 4, 1], seed=7), Network([1, 4, 1], seed=7)
    trainer = Trainer(a, X, T, mini_batch_size=5, eta=0.7, seed=11)
    order = trainer.order.copy()
    trainer.train_epoch()
    for k in range(0, 23, 5):
        idx = order[k : k + 5]
        b.update_mini_batch(X[idx], T[idx], 0.7, n=23)
    for x, y in zip(a.weights + a.biases, b.weights + b.biases):
        assert np.array_equal(x, y)
    with pytest.raises(ValueError, match="columns"):
        Trainer(Network([1, 3, 2]), X, T)


def test_scoring_many_uint8_images_holds_one_float64_chunk_at_a_time():
    """Scoring 10,000 uint8 images makes EVAL_CHUNK rows of float64 at a time (6.3 MB for
    784 pixels), and drops each chunk before making the next: two alive at once doubled the
    peak, which in Pyodide's WebAssembly memory stays for the rest of the session."""
    import tracemalloc

    from nnfs.maths.network import EVAL_CHUNK

    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(10_000, 784), dtype=np.uint8)
    y = rng.integers(0, 10, size=10_000)
    net = Network([784, 30, 10], seed=0)
    chunk = EVAL_CHUNK * 784 * 8
    for name, score in (
        ("evaluate", lambda: net.evaluate(X, y, scale=1 / 255)),
        ("predict", lambda: net.predict(X, scale=1 / 255)),
        ("total_cost", lambda: net.total_cost(X, y, scale=1 / 255)),
    ):
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            score()
            peak = tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()
        assert peak < 1.5 * chunk, f"{name}: {peak / 1e6:.1f} MB for chunks of {chunk / 1e6:.1f} MB"
