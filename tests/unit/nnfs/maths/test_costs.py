"""Costs: values, output-layer deltas (simplified and general), allowed pairings."""

import math

import numpy as np
import pytest

from nnfs.maths.activations import get_activation
from nnfs.maths.costs import COSTS, Cost, check_pairing, get_cost

# Every (cost, output activation) pairing a Network accepts.
PAIRINGS = [("quadratic", o) for o in ("sigmoid", "tanh", "relu", "linear", "softmax")] + [
    ("cross-entropy", "sigmoid"),
    ("log-likelihood", "softmax"),
]


def numeric_dC_dz(cost, act, z, T, h=1e-6):
    """dC/dz by central differences of the batch-mean cost: the independent reference."""
    numeric = np.zeros_like(z)
    for idx in np.ndindex(*z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += h
        zm[idx] -= h
        numeric[idx] = (cost.fn(act(zp), T, zp) - cost.fn(act(zm), T, zm)) / (2 * h)
    return numeric


def one_hot(labels, n):
    T = np.zeros((len(labels), n))
    T[np.arange(len(labels)), labels] = 1.0
    return T


def test_values_by_hand():
    a = np.array([[0.2, 0.7], [0.9, 0.4]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    quad = 0.5 * ((0.2**2 + 0.3**2) + (0.1**2 + 0.4**2)) / 2
    assert get_cost("quadratic").fn(a, y) == pytest.approx(quad, rel=1e-15)
    ce = -(math.log(0.8) + math.log(0.7) + math.log(0.9) + math.log(0.6)) / 2
    assert get_cost("cross-entropy").fn(a, y) == pytest.approx(ce, rel=1e-14)
    ll = -(math.log(0.7) + math.log(0.9)) / 2
    assert get_cost("log-likelihood").fn(a, y) == pytest.approx(ll, rel=1e-14)


def test_costs_from_z_are_exact_and_finite_when_saturated():
    z = np.array([[-1e4, 1e4, 0.3]])
    y = np.array([[1.0, 1.0, 0.0]])
    a = get_activation("sigmoid")(z)
    ce = get_cost("cross-entropy").fn(a, y, z)
    # -ln sigma(-1e4) = 1e4, -ln sigma(1e4) = 0, -ln(1 - sigma(0.3)) = ln(1 + e^0.3)
    assert ce == pytest.approx(1e4 + math.log1p(math.exp(0.3)), rel=1e-15)
    zs = np.array([[1e4, 0.0, -1e4]])
    ll = get_cost("log-likelihood").fn(get_activation("softmax")(zs), np.array([[0.0, 0.0, 1.0]]), zs)
    assert ll == pytest.approx(2e4, rel=1e-15)
    # Without z the logs are clipped: finite, if no longer exact.
    assert math.isfinite(get_cost("cross-entropy").fn(a, y))


@pytest.mark.parametrize("cost_name,output", PAIRINGS)
def test_delta_is_dC_dz(cost_name, output):
    """delta^L row x = dC_x/dz_x; check against central differences of the mean cost."""
    rng = np.random.default_rng(1)
    N, n = 3, 4
    z = rng.standard_normal((N, n))
    T = one_hot(rng.integers(0, n, N), n)
    cost, act = get_cost(cost_name), get_activation(output)
    delta = cost.delta(z, act(z), T, act)
    numeric = numeric_dC_dz(cost, act, z, T)
    # fn is the batch mean, so dC/dz_x = delta_x / N.
    np.testing.assert_allclose(delta / N, numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("cost_name,output", [("cross-entropy", "sigmoid"), ("log-likelihood", "softmax")])
def test_simplified_delta_equals_general_chain_rule(cost_name, output):
    rng = np.random.default_rng(2)
    z = rng.standard_normal((5, 3))
    T = one_hot(rng.integers(0, 3, 5), 3)
    cost, act = get_cost(cost_name), get_activation(output)
    a = act(z)
    np.testing.assert_array_equal(cost.delta(z, a, T, act), a - T)
    general = Cost.delta(cost, z, a, T, act)  # dC/da through f'-backward, no shortcut
    np.testing.assert_allclose(general, a - T, rtol=1e-12, atol=1e-15)


def test_pairings():
    for cost_name, output in PAIRINGS:
        check_pairing(cost_name, output)
    with pytest.raises(ValueError, match="cost 'log-likelihood' needs output activation 'softmax', not 'sigmoid'"):
        check_pairing("log-likelihood", "sigmoid")
    for output in ("softmax", "tanh", "relu", "linear"):
        with pytest.raises(ValueError, match="cost 'cross-entropy' needs output activation 'sigmoid'"):
            check_pairing("cross-entropy", output)


def test_registry():
    assert set(COSTS) == {"quadratic", "cross-entropy", "log-likelihood"}
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        get_cost("hinge")


@pytest.mark.parametrize("cost_name,output", PAIRINGS)
def test_delta_is_dC_dz_for_targets_that_are_not_one_hot(cost_name, output):
    """Soft or arbitrary float targets (rows summing to anything): delta is still
    dC_x/dz_x, checked against central differences of the mean cost."""
    rng = np.random.default_rng(5)
    N, n = 4, 3
    z = rng.standard_normal((N, n))
    T = rng.random((N, n))  # row sums between 0 and 3, none of them 1
    T[0] = [0.2, 0.3, 0.5]  # and one that does sum to 1
    assert not np.allclose(T[1:].sum(axis=1), 1.0)
    cost, act = get_cost(cost_name), get_activation(output)
    delta = cost.delta(z, act(z), T, act)
    numeric = numeric_dC_dz(cost, act, z, T)
    np.testing.assert_allclose(delta / N, numeric, rtol=1e-7, atol=1e-10)
    # The shortcut agrees with the general chain rule (dC/da through f'), too.
    np.testing.assert_allclose(delta, Cost.delta(cost, z, act(z), T, act), rtol=1e-10, atol=1e-13)
