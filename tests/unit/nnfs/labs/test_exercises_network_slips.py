"""The backprop slips and the uphill step (nnfs.labs.exercises.network_slips) against this
project's Network, computed independently: a diagnosis is only as good as the slipped
backprop it compares with, and the costs it quotes must be the network's own cost.
(What the learner reads for each slip is in test_exercises_near_misses.py.)
"""

import numpy as np
import pytest

from nnfs.labs.exercises import network_slips as slips
from nnfs.labs.exercises.checks import fmt
from nnfs.maths.activations import sigmoid
from nnfs.maths.network import Network

SIZES = [[2, 3, 1], [3, 4, 2, 2], [1, 1], [4, 2, 3]]


def _case(sizes, seed):
    rng = np.random.default_rng(seed)
    net = Network(sizes, cost="quadratic", seed=seed)
    X, Y = rng.normal(0, 1, (5, sizes[0])), rng.uniform(0, 1, (5, sizes[-1]))
    return net, [w.copy() for w in net.weights], [b.copy() for b in net.biases], X, Y


@pytest.mark.parametrize("sizes", SIZES)
def test_with_no_slip_it_is_the_networks_backprop(sizes):
    net, ws, bs, X, Y = _case(sizes, 1)
    nabla_b, nabla_w = net.backprop(X, Y)
    mine_b, mine_w = slips.slipped_backprop(ws, bs, X, Y)
    for a, b in zip(mine_b + mine_w, nabla_b + nabla_w):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("sizes", SIZES)
def test_the_bp1_slips_are_the_networks_output_delta_changed_as_named(sizes):
    """From Network.trace's per-example δᴸ: without σ′ it is δᴸ / σ′(zᴸ); with σ′(a), δᴸ σ′(aᴸ) / σ′(zᴸ);
    with y − a, −δᴸ. Their means over the batch are nabla_b's last entry."""
    net, ws, bs, X, Y = _case(sizes, 2)
    trace = net.trace(X, Y)
    delta, z, a = trace["deltas"][-1], trace["zs"][-1], trace["activations"][-1]
    prime = sigmoid(z) * (1 - sigmoid(z))
    expected = {
        "no σ′": delta / prime,
        "σ′(a)": delta * sigmoid(a) * (1 - sigmoid(a)) / prime,
        "y − a": -delta,
    }
    for slip, d in expected.items():
        nabla_b, nabla_w = slips.slipped_backprop(ws, bs, X, Y, bp1=slip)
        np.testing.assert_allclose(nabla_b[-1], d.mean(axis=0), rtol=1e-10)
        np.testing.assert_allclose(nabla_w[-1], d.T @ trace["activations"][-2] / len(X), rtol=1e-10)


def test_the_bp2_slip_without_sigma_prime_and_the_sum_for_the_mean():
    net, ws, bs, X, Y = _case([3, 4, 2, 2], 3)
    trace = net.trace(X, Y)
    # No σ′ in BP2: the layer below the output gets δᴸ wᴸ, with nothing else changed.
    nabla_b, _ = slips.slipped_backprop(ws, bs, X, Y, bp2="no σ′")
    np.testing.assert_allclose(nabla_b[1], (trace["deltas"][2] @ ws[2]).mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(nabla_b[2], trace["nabla_b"][2], rtol=1e-12)  # the output layer is untouched
    summed_b, summed_w = slips.slipped_backprop(ws, bs, X, Y, mean=False)
    for a, b in zip(summed_b + summed_w, trace["nabla_b"] + trace["nabla_w"]):
        np.testing.assert_allclose(a, len(X) * b, rtol=1e-12)


def test_a_slip_that_cannot_fit_the_sizes_is_refused():
    _, ws, bs, X, Y = _case([3, 4, 2, 2], 4)  # σ′ of the layer above: 2 values for 4 neurons
    with pytest.raises(ValueError):
        slips.slipped_backprop(ws, bs, X, Y, bp2="σ′ above")


def _cost(net, ws, bs, X, Y):
    net.weights, net.biases = [np.asarray(w, dtype=float) for w in ws], [np.asarray(b, dtype=float) for b in bs]
    return net.total_cost(X, Y)


def test_a_step_up_the_gradient_is_called_uphill_with_the_networks_costs():
    net, ws, bs, X, Y = _case([2, 3, 1], 5)
    nabla_b, nabla_w = net.backprop(X, Y)
    eta = 0.5
    right = [w - eta * g for w, g in zip(ws, nabla_w)], [b - eta * g for b, g in zip(bs, nabla_b)]
    wrong = [w + eta * g for w, g in zip(ws, nabla_w)], [b + eta * g for b, g in zip(bs, nabla_b)]
    before, after, best = (_cost(net, *p, X, Y) for p in ((ws, bs), wrong, right))
    assert after > before > best  # the Network's own costs: the wrong step really went up
    said = slips.uphill(*wrong, ws, bs, *right, X, Y)
    assert said == (
        f" Your step went uphill: the cost on this batch rose from {fmt(before)} to {fmt(after)}, "
        f"where the right step lowers it to {fmt(best)}."
    )
    assert slips.uphill(*right, ws, bs, *right, X, Y) == ""  # downhill: nothing to say
    assert slips.uphill([ws[0]], bs, ws, bs, *right, X, Y) == ""  # not a network of these sizes
    assert slips.uphill([w[:1] for w in wrong[0]], wrong[1], ws, bs, *right, X, Y) == ""
