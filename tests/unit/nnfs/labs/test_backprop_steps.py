"""The Backprop lab's walkthrough (nnfs.labs.backprop.steps): the step sequence covers
every equation for 1-3 hidden layers; every number a step shows (its record of
nnfs.labs.backprop.step_numbers, and its test hook values) equals an independent
backpropagation written here with Python scalars only (math.exp, loops, as on
paper); the finite-difference check agrees with BP4; the update's predicted change
of the cost is the first-order term of the actual change. (How the page writes
these numbers out: test_backprop_equations.py.)"""

import copy
import math

import numpy as np
import pytest

from nnfs.labs.backprop.step_numbers import (
    BiasGradient,
    Cost,
    Forward,
    HiddenError,
    OutputError,
    Update,
    WeightGradient,
)
from nnfs.labs.backprop.steps import Selection, Walkthrough, default_examples, step_sequence
from nnfs.maths.network import Network

SHAPES = [[2, 3, 2], [3, 2, 4, 2], [1, 5, 1, 3, 4], [4, 1, 1]]
SETTINGS = [
    ("sigmoid", "quadratic"),
    ("sigmoid", "cross-entropy"),
    ("tanh", "quadratic"),
    ("tanh", "cross-entropy"),
    ("relu", "quadratic"),
    ("relu", "cross-entropy"),
]


def scalar_backprop(net, x, t):
    """Forward and backward pass for one example with floats and loops only."""
    f = {"sigmoid": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh, "relu": lambda z: max(z, 0.0)}
    fp = {
        "sigmoid": lambda z: f["sigmoid"](z) * (1 - f["sigmoid"](z)),
        "tanh": lambda z: 1 - math.tanh(z) ** 2,
        "relu": lambda z: 1.0 if z > 0 else 0.0,
    }
    L = len(net.weights)
    W = [w.tolist() for w in net.weights]
    B = [b.tolist() for b in net.biases]
    a, z = [list(map(float, x))], []
    for l in range(L):
        act = "sigmoid" if l == L - 1 else net.activation
        zl = [sum(W[l][j][k] * a[-1][k] for k in range(len(a[-1]))) + B[l][j] for j in range(len(B[l]))]
        z.append(zl)
        a.append([f[act](v) for v in zl])
    out = a[-1]
    if net.cost == "cross-entropy":
        cost = -sum(tj * math.log(aj) + (1 - tj) * math.log(1 - aj) for aj, tj in zip(out, t))
        d = [aj - tj for aj, tj in zip(out, t)]
    else:
        cost = 0.5 * sum((aj - tj) ** 2 for aj, tj in zip(out, t))
        d = [(aj - tj) * fp["sigmoid"](zj) for aj, tj, zj in zip(out, t, z[-1])]
    deltas = [None] * L
    deltas[-1] = d
    for l in range(L - 2, -1, -1):
        deltas[l] = [
            sum(W[l + 1][k][j] * deltas[l + 1][k] for k in range(len(deltas[l + 1]))) * fp[net.activation](z[l][j])
            for j in range(len(z[l]))
        ]
    return a, z, deltas, cost


def expected(net, X, T, key):
    """The value a key names, from scalar_backprop (layers in book numbering)."""
    parts = key.split(":")
    name, idx = parts[0], [int(p) for p in parts[1:]]
    per = [scalar_backprop(net, X[i], T[i]) for i in range(len(X))]
    m = len(X)
    if name == "a":
        l, j, x = idx
        return per[x][0][l][j]
    if name == "z":
        l, j, x = idx
        return per[x][1][l - 1][j]
    if name == "delta" or (name == "db" and len(idx) == 3):
        l, j, x = idx
        return per[x][2][l - 1][j]
    if name == "db":
        l, j = idx
        return sum(p[2][l - 1][j] for p in per) / m
    if name == "dw" and len(idx) == 4:
        l, j, k, x = idx
        return per[x][0][l - 1][k] * per[x][2][l - 1][j]
    if name == "dw":
        l, j, k = idx
        return sum(p[0][l - 1][k] * p[2][l - 1][j] for p in per) / m
    if name == "w":
        l, j, k = idx
        return float(net.weights[l - 1][j, k])
    if name == "b":
        l, j = idx
        return float(net.biases[l - 1][j])
    if name == "y":
        j, x = idx
        return float(T[x][j])
    if name == "cost_x":
        return per[idx[0]][3]
    if name == "cost":
        return sum(p[3] for p in per) / m
    if name == "fp":
        l, j, x = idx
        zv = per[x][1][l - 1][j]
        act = "sigmoid" if l == len(net.weights) else net.activation
        s = 1 / (1 + math.exp(-zv))
        return {"sigmoid": s * (1 - s), "tanh": 1 - math.tanh(zv) ** 2, "relu": float(zv > 0)}[act]
    raise KeyError(key)


def make(sizes, act="sigmoid", cost="quadratic", m=2, seed=7, eta=0.5):
    net = Network(sizes, activation=act, cost=cost, seed=seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.uniform(-1, 1, (m, sizes[0]))
    T = rng.uniform(0, 1, (m, sizes[-1]))
    return net, X, T, Walkthrough(net, X, T, eta=eta)


def shown_numbers(e):
    """The numbers of a step's record (what its equation shows), under the keys of
    ``Walkthrough`` they stand for (the update's own quantities under their names)."""
    s, x = e.shown, e.x
    if isinstance(s, Forward):
        l, j = s.layer, s.j
        out = {f"b:{l}:{j}": s.b, f"z:{l}:{j}:{x}": s.z, f"a:{l}:{j}:{x}": s.a}
        for k, (w, a) in enumerate(zip(s.w, s.a_in)):
            out.update({f"w:{l}:{j}:{k}": w, f"a:{l - 1}:{k}:{x}": a})
        return out
    if isinstance(s, Cost):
        out = {f"cost_x:{i}": c for i, c in enumerate(s.per_example)}
        out.update({f"cost_x:{x}": s.cost_x, "cost": s.total})
        for j, (a, y) in enumerate(zip(s.a, s.y)):
            out.update({f"a:{s.layer}:{j}:{x}": a, f"y:{j}:{x}": y})
        return out
    if isinstance(s, OutputError):
        L, j = s.layer, s.j
        assert s.cost_gradient == s.a - s.y and (s.fp is None) == s.sigma_cancels
        out = {f"a:{L}:{j}:{x}": s.a, f"y:{j}:{x}": s.y, f"z:{L}:{j}:{x}": s.z, f"delta:{L}:{j}:{x}": s.delta}
        return out if s.fp is None else {**out, f"fp:{L}:{j}:{x}": s.fp}
    if isinstance(s, HiddenError):
        l, j = s.layer, s.j
        out = {f"z:{l}:{j}:{x}": s.z, f"fp:{l}:{j}:{x}": s.fp, f"delta:{l}:{j}:{x}": s.delta}
        for k, (w, d) in enumerate(zip(s.w_next, s.delta_next)):
            out.update({f"w:{l + 1}:{k}:{j}": w, f"delta:{l + 1}:{k}:{x}": d})
        return out
    if isinstance(s, BiasGradient):
        out = {f"db:{s.layer}:{s.j}:{i}": d for i, d in enumerate(s.per_example)}
        return {**out, f"db:{s.layer}:{s.j}": s.mean}
    if isinstance(s, WeightGradient):
        l, j, k = s.layer, s.j, s.k
        out = {f"dw:{l}:{j}:{k}": s.mean}
        for i, (a, d, g) in enumerate(zip(s.a, s.delta, s.per_example)):
            out.update({f"a:{l - 1}:{k}:{i}": a, f"delta:{l}:{j}:{i}": d, f"dw:{l}:{j}:{k}:{i}": g})
        return out
    assert isinstance(s, Update)
    assert s.new == s.old - s.eta * s.grad and s.predicted == -s.eta * s.grad_norm2
    return {
        "eta": s.eta,
        "old": s.old,
        "grad": s.grad,
        "new": s.new,
        "predicted": s.predicted,
        "actual": s.actual,
        "cost": s.cost_before,
        "cost_after": s.cost_after,
    }


@pytest.mark.parametrize("hidden", [1, 2, 3])
def test_step_sequence_covers_every_equation_in_order(hidden):
    L = hidden + 1
    kinds = [s.kind for s in step_sequence(L)]
    assert kinds == (["forward"] * L + ["cost", "bp1"] + ["bp2"] * (L - 1) + ["bp3", "bp4", "update"])
    steps = step_sequence(L)
    assert [s.layer for s in steps if s.kind == "forward"] == list(range(1, L + 1))
    assert [s.layer for s in steps if s.kind == "bp2"] == list(range(L - 1, 0, -1))


def test_step_sequence_rejects_no_layers():
    with pytest.raises(ValueError):
        step_sequence(0)


def selections(sizes):
    """Every neuron and every weight of the network."""
    L = len(sizes) - 1
    for l in range(1, L + 1):
        for j in range(sizes[l]):
            yield Selection(l, j)
            for k in range(sizes[l - 1]):
                yield Selection(l, j, k)


@pytest.mark.parametrize("act,cost", SETTINGS)
@pytest.mark.parametrize("sizes", SHAPES, ids=lambda s: "-".join(map(str, s)))
def test_every_number_shown_equals_a_scalar_backprop(sizes, act, cost):
    net, X, T, walk = make(sizes, act, cost, m=3 if len(sizes) < 5 else 2)
    seen = set()
    for step in walk.steps:
        for sel in list(selections(sizes))[::3] + [None]:
            for x in range(walk.m):
                e = walk.explain(step, sel, x)
                assert (e.x, e.m, e.L) == (x, walk.m, walk.L)
                for key, value in shown_numbers(e).items():
                    if key in e.values:
                        assert value == e.values[key], key  # the text and the test hooks show one number
                    if key not in ("eta", "old", "grad", "new", "predicted", "actual", "cost_after"):
                        assert value == pytest.approx(expected(net, X, T, key), rel=1e-10, abs=1e-14), key
                for key, value in e.values.items():
                    if key in ("eta", "old", "grad", "new", "predicted", "actual", "cost_after"):
                        continue
                    seen.add(key.split(":")[0])
                    assert value == pytest.approx(expected(net, X, T, key), rel=1e-10, abs=1e-14), key
    assert {"a", "z", "delta", "w", "b", "y", "cost_x", "cost", "db", "dw"} <= seen


def test_forward_step_shows_the_selected_neurons_numbers():
    net, X, T, walk = make([2, 3, 2], m=1)
    e = walk.explain(walk.steps[0], Selection(1, 2), 0)
    w, b = net.weights[0], net.biases[0]
    z = w[2, 0] * X[0, 0] + w[2, 1] * X[0, 1] + b[2]
    s = e.shown
    assert isinstance(s, Forward) and (s.layer, s.j, s.activation) == (1, 2, "sigmoid")
    assert s.w == (w[2, 0], w[2, 1]) and s.a_in == (X[0, 0], X[0, 1]) and s.b == b[2]
    assert s.z == pytest.approx(z, rel=1e-14) and s.a == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-14)
    assert e.focus == (1, 2) and set(e.edges) == {(1, 2, 0), (1, 2, 1)}


def test_bp2_back_is_the_sum_of_the_products_it_shows():
    net, X, T, walk = make([2, 3, 3, 2], "tanh", m=1)
    step = [s for s in walk.steps if s.kind == "bp2"][0]
    s = walk.explain(step, Selection(2, 1), 0).shown
    assert isinstance(s, HiddenError) and s.activation == "tanh"
    assert s.w_next == tuple(net.weights[2][:, 1])
    assert s.back == pytest.approx(sum(w * d for w, d in zip(s.w_next, s.delta_next)), rel=1e-14)
    assert s.back * s.fp == pytest.approx(s.delta, rel=1e-12)


@pytest.mark.parametrize("act,cost", SETTINGS)
def test_finite_difference_agrees_with_bp3_bp4_and_restores_the_weight(act, cost):
    net, X, T, walk = make([2, 3, 3, 2], act, cost, m=4, seed=11)
    before = [w.copy() for w in net.weights] + [b.copy() for b in net.biases]
    for sel in selections(net.sizes):
        check = walk.finite_difference(sel)
        if check["backprop"] == 0 and check["numeric"] == 0:
            continue  # a dead ReLU: both zero
        assert check["relative"] < 1e-6 or abs(check["numeric"] - check["backprop"]) < 1e-9, sel
        assert check["c_plus"] != check["c_minus"] or check["backprop"] == 0
    for a, b in zip(before, net.weights + net.biases):
        assert np.array_equal(a, b)


def test_finite_difference_rejects_a_bad_epsilon():
    _, _, _, walk = make([2, 3, 2])
    for eps in (0, -1e-4, math.inf, math.nan, 2.0):
        with pytest.raises(ValueError):
            walk.finite_difference(Selection(1, 0, 0), eps)


def test_update_is_one_step_of_gradient_descent_as_the_trainer_takes_it():
    net, X, T, walk = make([2, 3, 3, 2], m=3, eta=0.7)
    weights, biases = walk.updated_parameters()
    twin = copy.deepcopy(net)
    twin.update_mini_batch(X, T, 0.7)
    for a, b in zip(weights + biases, twin.weights + twin.biases):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    effect = walk.update_effect()
    assert effect["cost_after"] == pytest.approx(twin.total_cost(X, T), rel=1e-12)
    e = walk.explain(walk.steps[-1], Selection(2, 1, 0))
    assert e.values["new"] == pytest.approx(twin.weights[1][1, 0], rel=1e-13)


def test_predicted_change_is_the_first_order_term_of_the_actual_change():
    """C(p − η∇C) − C(p) = −η‖∇C‖² + O(η²): the relative gap shrinks like η."""
    gaps = []
    for eta in (1e-1, 1e-2, 1e-3):
        _, _, _, walk = make([2, 3, 2], m=2, eta=eta)
        eff = walk.update_effect()
        assert eff["actual"] < 0 and eff["predicted"] < 0
        gaps.append(abs(eff["actual"] / eff["predicted"] - 1))
    assert gaps[2] < 1e-2
    assert gaps[1] < gaps[0] / 5 and gaps[2] < gaps[1] / 5
    # ‖∇C‖² from an independent sum over every scalar gradient.
    net, X, T, walk = make([2, 3, 2], m=2)
    total = sum(
        expected(net, X, T, f"dw:{s.layer}:{s.j}:{s.k}") ** 2
        if s.is_weight
        else expected(net, X, T, f"db:{s.layer}:{s.j}") ** 2
        for s in selections(net.sizes)
    )
    assert walk.grad_norm2() == pytest.approx(total, rel=1e-10)


def test_per_example_gradients_average_to_the_batch_gradient_in_the_text():
    net, X, T, walk = make([2, 3, 2], m=4)
    bp4 = [s for s in walk.steps if s.kind == "bp4"][0]
    e = walk.explain(bp4, Selection(2, 0, 1))
    per = [e.values[f"dw:2:0:1:{i}"] for i in range(4)]
    assert e.values["dw:2:0:1"] == pytest.approx(sum(per) / 4, rel=1e-12)
    assert isinstance(e.shown, WeightGradient) and e.shown.per_example == tuple(per)
    assert e.shown.mean == e.values["dw:2:0:1"]


def test_bad_batches_and_rates_are_refused():
    net = Network([2, 3, 2], seed=1)
    with pytest.raises(ValueError, match="1 to 4"):
        Walkthrough(net, np.zeros((5, 2)), np.zeros((5, 2)))
    for eta in (0, -1, math.nan):
        with pytest.raises(ValueError, match="η"):
            Walkthrough(net, np.zeros((1, 2)), np.zeros((1, 2)), eta=eta)
    walk = Walkthrough(net, np.zeros((1, 2)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="example 2"):
        walk.explain(walk.steps[0], None, 1)


def test_default_examples_are_readable_and_reproducible():
    X, T = default_examples(3, 4, 3, 4)
    X2, T2 = default_examples(3, 4, 3, 4)
    assert np.array_equal(X, X2) and np.array_equal(T, T2)
    assert X.shape == (4, 4) and T.shape == (4, 3)
    assert np.all((X >= 0) & (X <= 1)) and np.array_equal(X, np.round(X, 2))
    assert np.all(T.sum(axis=1) == 1)  # one class per example
    X1, T1 = default_examples(3, 2, 1, 4)
    assert set(np.unique(T1)) <= {0.0, 1.0}
    assert not np.array_equal(default_examples(4, 4, 3, 4)[0], X)


def test_a_softmax_output_is_refused_up_front_with_a_reason():
    """Found by the type check (issue 15): softmax has no elementwise f′, and BP1's
    step (for any cost but cross-entropy with sigmoid) called it: a TypeError deep in
    explain(). The walkthrough now says so when it is made."""
    net = Network([2, 3, 2], cost="log-likelihood", seed=0)
    with pytest.raises(ValueError, match="softmax output layer has none"):
        Walkthrough(net, [[0.5, 0.25]], [[1.0, 0.0]])
