"""nnfs.labs.universality: steps, bumps, the book's challenge score, targets and the SGD fit."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from nnfs.labs import universality as u
from nnfs.maths.activations import sigmoid


def book_score(heights, f):
    """The book's widget score (nnadl_site js/chap4.js, designFunction), re-done by hand:
    x from 0 adding 0.01 while x <= 1, sample j scored against heights[floor(j / 20)]."""
    score, x, j = 0.0, 0.0, 0
    while x <= 1:
        y = f(x)
        score += abs(math.log(y / (1 - y)) - heights[j // 20]) / 100.0
        x += 0.01
        j += 1
    return score


def f_scalar(x):
    return 0.2 + 0.4 * x * x + 0.3 * x * math.sin(15 * x) + 0.05 * math.cos(50 * x)


def test_the_book_samples_are_its_100_summed_points():
    assert len(u.SAMPLES) == 100
    assert u.SAMPLES[0] == 0.0 and u.SAMPLES[20] == 0.20000000000000004
    assert np.allclose(u.SAMPLES, np.arange(100) / 100, atol=1e-14)


@pytest.mark.parametrize("w,b", [(100.0, -40.0), (8.0, -4.0), (-30.0, 6.0), (1000.0, -999.0)])
def test_a_step_sits_at_minus_b_over_w(w, b):
    s = u.step_position(w, b)
    assert s == -b / w
    assert u.neuron_output(s, w, b) == pytest.approx(0.5, abs=1e-12)
    # Sharp neuron: off just on one side of s, on just on the other (mirrored when w < 0).
    lo, hi = u.neuron_output(s - 0.05, w, b), u.neuron_output(s + 0.05, w, b)
    assert (lo < 0.5 < hi) if w > 0 else (hi < 0.5 < lo)
    with pytest.raises(ValueError, match="flat"):
        u.step_position(0.0, 1.0)


def test_step_weights_put_the_step_where_asked():
    w, b = u.step_weights(0.37)
    assert u.step_position(w, b) == pytest.approx(0.37, abs=1e-15)


@pytest.mark.parametrize("h", [0.6, -1.2, 2.5])
def test_a_bump_has_height_h_inside_and_zero_outside(h):
    net = u.pair_network(0.4, 0.6, h)
    inside = u.weighted_output(net, [0.45, 0.5, 0.55])
    outside = u.weighted_output(net, [0.0, 0.3, 0.7, 1.0])
    # The last bump of many stays up to x = 1 (no drop inside the plot).
    assert u.weighted_output(u.bump_network([0.0, h]), [1.0])[0] == pytest.approx(h, abs=1e-12)
    assert np.allclose(inside, h, atol=1e-12) and np.allclose(outside, 0.0, atol=1e-12)
    # The weighted output is h σ(w(x − s1)) − h σ(w(x − s2)), from the neurons themselves.
    x = np.linspace(0, 1, 11)
    w = u.STEEPNESS
    want = h * sigmoid(w * (x - 0.4)) - h * sigmoid(w * (x - 0.6))
    assert np.allclose(u.weighted_output(net, x), want, atol=1e-12)


def test_bump_network_output_is_sigma_of_its_weighted_output():
    net = u.bump_network([0.3, -1.0, 2.0])
    x = np.linspace(0, 1, 50)
    assert np.allclose(u.output(net, x), sigmoid(u.weighted_output(net, x)), atol=1e-15)
    assert np.array_equal(u.heights_of(net), [0.3, -1.0, 2.0])
    assert net.sizes == [1, 6, 1]


@pytest.mark.parametrize("n", [1, 3, 5, 7, 20])
def test_the_network_is_the_books_piecewise_constant_output_at_every_sample(n):
    rng = np.random.default_rng(n)
    h = rng.uniform(-3, 3, n)
    got = u.weighted_output(u.bump_network(h), u.SAMPLES)
    # Sample j belongs to bump floor(j n / 100), i.e. the interval [k/n, (k+1)/n) holding j/100.
    want = [h[int(Fraction(j, 100) * n)] for j in range(100)]
    assert np.allclose(got, want, atol=1e-12)


def test_the_deviation_is_computed_as_the_book_computes_it():
    rng = np.random.default_rng(0)
    for _ in range(5):
        h = rng.uniform(-2, 2, 5)
        assert u.deviation(u.bump_network(h)) == pytest.approx(book_score(list(h), f_scalar), abs=1e-12)


def test_median_heights_pass_the_five_bump_challenge_and_zeros_fail():
    # The heights are computed here, independently: the median of sigma^-1(f) over each fifth.
    goal = [math.log(f_scalar(x) / (1 - f_scalar(x))) for x in u.SAMPLES]
    heights = [float(np.median(goal[20 * k : 20 * k + 20])) for k in range(5)]
    score = u.deviation(u.bump_network(heights))
    assert score == pytest.approx(book_score(heights, f_scalar), abs=1e-12)
    assert score <= 0.40 and u.passed(score)
    assert np.allclose(u.median_heights(5), heights)
    zero = u.deviation(u.bump_network([0.0] * 5))
    assert zero == pytest.approx(book_score([0.0] * 5, f_scalar), abs=1e-12)
    assert zero > 0.40 and not u.passed(zero)


def test_the_pass_mark_is_the_books():
    assert u.passed(0.40) and u.passed(0.4049) and not u.passed(0.405) and not u.passed(math.nan)


def test_more_bumps_do_better_on_the_book_target():
    scores = [u.deviation(u.bump_network(u.median_heights(n))) for n in (5, 10, 20)]
    assert scores[0] > scores[1] > scores[2]


def test_edges_are_equal_intervals_moved_half_a_sample():
    assert np.allclose(u.edges(5), [-0.005, 0.195, 0.395, 0.595, 0.795, 1.005])
    assert np.allclose(u.edges(3), [-0.005, 0.335, 0.665, 1.005])
    for bad in (0, 21):
        with pytest.raises(ValueError, match="1 to 20"):
            u.edges(bad)
    with pytest.raises(ValueError, match="finite"):
        u.bump_network([1.0, math.nan])


def test_random_targets_are_smooth_seeded_and_inside_0_1():
    a, b, c = u.random_target(7), u.random_target(7), u.random_target(8)
    x = np.linspace(0, 1, 1001)
    assert np.array_equal(a(x), b(x)) and not np.allclose(a(x), c(x))
    for seed in range(30):
        y = u.random_target(seed)(x)
        assert 0.1 < y.min() and y.max() < 0.9
        assert np.abs(np.diff(y)).max() < 0.01  # smooth: no jumps between 1/1000 steps
    assert u.target_from_key("random-7")(0.3) == a(0.3)
    assert u.target_from_key("book") is u.BOOK
    with pytest.raises(ValueError, match="unknown target"):
        u.target_from_key("random-x")


def test_sgd_fit_learns_the_book_target_and_slicing_does_not_change_it():
    cfg = u.FitConfig(epochs=60)
    whole = u.fit(cfg)
    assert whole.epoch == 60 and whole.stop.kind == "epochs"
    d = whole.history["deviation"]
    assert len(d) == 61 and d[-1] < 0.5 * d[0]
    assert d[-1] == pytest.approx(whole.deviation())
    # Many tiny slices end on the same weights, bit for bit.
    ticks = iter(range(10**9))
    sliced = u.Fit(cfg, clock=lambda: next(ticks) * 1e-3)
    while sliced.run(0.002) is None:
        pass
    for x, y in zip(whole.network.weights + whole.network.biases, sliced.network.weights + sliced.network.biases):
        assert np.array_equal(x, y)
    # Its deviation is the book's score of its weighted output z = sum w a + b.
    z = u.weighted_output(whole.network, u.SAMPLES)
    manual = np.mean([abs(math.log(f_scalar(x) / (1 - f_scalar(x))) - zz) for x, zz in zip(u.SAMPLES, z)])
    assert whole.deviation() == pytest.approx(manual, abs=1e-12)
