"""The single neuron of the Sigmoid neuron lab."""

import math
import warnings

import numpy as np
import pytest

from nnfs.neurons.sigmoid_neuron import (
    curve,
    sharpen,
    sigmoid_neuron,
    small_change,
    step_gap,
    step_neuron,
    threshold,
    weighted_input,
)


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def test_neuron_outputs():
    assert sigmoid_neuron(2.0, 0.5, -0.3) == pytest.approx(sig(0.7), rel=1e-15)
    assert sigmoid_neuron([1.0, 2.0], [0.5, -1.0], 0.25) == pytest.approx(sig(-1.25), rel=1e-15)
    assert weighted_input([1.0, 2.0], [0.5, -1.0], 0.25) == -1.25
    assert step_neuron(2.0, 0.5, -0.3) == 1 and step_neuron(2.0, 0.5, -1.0) == 0
    assert step_neuron(2.0, 0.5, -2.0) == 0.0  # z = 0: not > 0
    assert step_neuron([1, 1], [1, 1], -1.5) == 1


def test_z_that_is_zero_on_paper_is_zero():
    # 3 * 0.1 - 0.3 is 5.55e-17 in binary floats; on paper (and in the lab's
    # text, "σ(c·0) = ½ ... the perceptron says 0 there") it is 0.
    assert 3 * 0.1 - 0.3 > 0
    assert weighted_input(0.1, 3.0, -0.3) == 0.0
    assert step_neuron(0.1, 3.0, -0.3) == 0
    assert sigmoid_neuron(0.1, 3.0, -0.3) == 0.5
    r = small_change(0.1, 3.0, -0.3, 0.0, 0.0)
    assert r["z"] == 0.0 and r["perceptron"] == 0
    assert small_change(0.1, 2.0, -0.3, 1.0, 0.0)["perceptron"] == 0  # (2 + 1) * 0.1 - 0.3: still 0


def test_curve():
    xs = np.linspace(-2, 2, 5)
    np.testing.assert_allclose(curve(3.0, 1.5, xs), [sig(3 * x + 1.5) for x in xs], rtol=1e-15)
    np.testing.assert_array_equal(curve(3.0, 1.5, xs, kind="step"), [0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="unknown kind 'relu'"):
        curve(1, 0, xs, kind="relu")


def test_sharpen_keeps_threshold_and_approaches_the_perceptron():
    w, b = 2.0, -1.0
    assert threshold(w, b) == 0.5
    for c in (0.5, 10.0, 1e4):
        cw, cb = sharpen(w, b, c)
        assert threshold(cw, cb) == pytest.approx(0.5, rel=1e-15)
    # Slope at the threshold is sigma'(0) c w = c w / 4: c times steeper.
    cw, _ = sharpen(w, b, 10.0)
    assert cw / 4 == pytest.approx(10 * w / 4)
    xs = np.array([-1.0, 0.0, 0.4, 0.6, 1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sharp = curve(*sharpen(w, b, 1e4), xs)
    np.testing.assert_array_equal(sharp, curve(w, b, xs, kind="step"))
    np.testing.assert_allclose(sharpen([1.0, -2.0], 0.5, 3.0)[0], [3.0, -6.0])
    with pytest.raises(ValueError, match="c must be > 0"):
        sharpen(w, b, 0)
    with pytest.raises(ValueError, match="w = 0"):
        threshold(0.0, 1.0)


def _brute_gap(w, b, lo, hi, margin):
    xs = np.linspace(lo, hi, 200_001)
    if w != 0:
        xs = xs[np.abs(xs + b / w) >= margin]
    return np.max(np.abs(curve(w, b, xs) - curve(w, b, xs, kind="step")))


def test_step_gap_matches_a_dense_grid_and_shrinks_when_sharpened():
    for w, b in [(1.0, -1.0), (-2.0, 3.0), (0.5, 4.0), (3.0, 30.0)]:
        exact = step_gap(w, b, (-6, 6), 0.5)
        assert exact == pytest.approx(_brute_gap(w, b, -6, 6, 0.5), rel=1e-3, abs=1e-15)
    # w = 1, b = -1: nearest admissible x is 0.5 or 1.5, |z| = 0.5.
    assert step_gap(1.0, -1.0, (-6, 6), 0.5) == pytest.approx(sig(-0.5), rel=1e-15)
    gaps = [step_gap(*sharpen(1.0, -1.0, c), (-6, 6), 0.5) for c in (1, 2, 10, 100)]
    assert all(a > b for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 1e-20
    # Threshold far outside the range: the nearest end of the range counts.
    assert step_gap(1.0, -10.0, (-6, 6), 0.5) == pytest.approx(sig(-4.0), rel=1e-15)
    # w = 0: a constant output sigma(b), as far from the step as sigma(-|b|).
    assert step_gap(0.0, 2.0, (-6, 6), 0.5) == pytest.approx(sig(-2.0), rel=1e-15)
    assert step_gap(0.0, 0.0, (-6, 6), 0.5) == 0.5
    # The whole range within the margin of the threshold: nothing to measure.
    assert np.isnan(step_gap(1.0, 0.0, (-0.2, 0.2), 0.5))
    with pytest.raises(ValueError, match="margin >= 0"):
        step_gap(1.0, 0.0, (-1, 1), -0.1)


def test_small_change_scalar():
    x, w, b, dw = 1.5, 0.8, -0.2, 0.01
    r = small_change(x, w, b, dw)
    z = w * x + b
    assert r["z"] == pytest.approx(z)
    assert r["actual"] == pytest.approx(sig((w + dw) * x + b) - sig(z), rel=1e-12)
    assert r["linear"] == pytest.approx(sig(z) * (1 - sig(z)) * x * dw, rel=1e-14)
    assert r["perceptron"] == 0
    assert abs(r["error"]) < 1e-2 * abs(r["actual"])
    # The error is second order: halving the change quarters it.
    r2 = small_change(x, w, b, dw / 2)
    assert r2["error"] / r["error"] == pytest.approx(0.25, rel=0.05)


def test_small_change_flips_the_perceptron():
    # z = 0.5 * 1 - 0.51 = -0.01; a small increase in w pushes it over 0.
    assert small_change(1.0, 0.5, -0.51, 0.02)["perceptron"] == 1
    assert small_change(1.0, 0.5, -0.49, -0.02)["perceptron"] == -1


def test_small_change_vector_is_the_sum_of_partial_derivatives():
    x, w, b = np.array([0.3, -1.2, 2.0]), np.array([0.5, 0.1, -0.4]), 0.2
    dw, db = np.array([1e-3, -2e-3, 5e-4]), -1e-3
    r = small_change(x, w, b, dw, db)
    h = 1e-6
    grad_w = [(sigmoid_neuron(x, w + h * e, b) - sigmoid_neuron(x, w - h * e, b)) / (2 * h) for e in np.eye(3)]
    grad_b = (sigmoid_neuron(x, w, b + h) - sigmoid_neuron(x, w, b - h)) / (2 * h)
    assert r["linear"] == pytest.approx(np.dot(grad_w, dw) + grad_b * db, rel=1e-7)
    assert r["actual"] == pytest.approx(r["linear"], rel=1e-2)


def test_bad_input():
    with pytest.raises(ValueError, match="x and w must have the same length, got 2 and 3"):
        sigmoid_neuron([1, 2], [1, 2, 3], 0)
    with pytest.raises(ValueError, match="b must be a single number"):
        sigmoid_neuron(1, 1, [0, 1])
    with pytest.raises(ValueError, match="w must be finite"):
        step_neuron(1, float("nan"), 0)
    with pytest.raises(ValueError, match="dw must have the same length as w"):
        small_change([1, 2], [1, 2], 0, [0.1])
    with pytest.raises(ValueError, match="x must be a number or a list of numbers"):
        sigmoid_neuron("abc", 1, 0)
