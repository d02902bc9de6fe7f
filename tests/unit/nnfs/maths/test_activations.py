"""Activation functions: values, derivatives, numerical safety, registry."""

import warnings

import numpy as np
import pytest

from nnfs.maths.activations import (
    ACTIVATIONS,
    get_activation,
    log_softmax,
    relu,
    sigmoid,
    sigmoid_prime,
    softmax,
    softplus,
    tanh,
)

ELEMENTWISE = ["sigmoid", "tanh", "relu", "linear"]


def test_sigmoid_extreme_inputs_no_warning_no_nan():
    z = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = sigmoid(z)
        ds = sigmoid_prime(z)
        s_lo, s_hi = sigmoid(-1e4), sigmoid(1e4)
    assert s_lo == 0.0 and s_hi == 1.0
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds))
    assert ds[0] == 0.0 and ds[-1] == 0.0 and ds[3] == 0.25


def test_sigmoid_matches_textbook_formula():
    z = np.linspace(-30, 30, 101)
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-15, atol=0)


def test_scalar_in_scalar_out():
    assert np.ndim(sigmoid(0.3)) == 0 and np.ndim(tanh(0.3)) == 0 and np.ndim(relu(-2)) == 0
    assert float(relu(-2)) == 0.0 and float(relu(3)) == 3.0


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_difference(name):
    act = get_activation(name)
    # Stay away from ReLU's kink at 0, where there is no derivative.
    z = np.array([-3.0, -1.2, -0.4, 0.3, 0.9, 2.5])
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.prime(z), numeric, rtol=1e-8, atol=1e-10)


def test_softmax_is_a_distribution_and_stable():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0], [-1e4, 0.0, 1e4]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        a = softmax(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(a[0], np.exp(z[0]) / np.exp(z[0]).sum(), rtol=1e-14)
    np.testing.assert_allclose(a[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(a[2], [0.0, 0.0, 1.0])
    # Shifting every z of an example by the same amount changes nothing.
    np.testing.assert_allclose(softmax(z[:1] + 123.0), a[:1], rtol=1e-13)
    np.testing.assert_allclose(log_softmax(z[:1]), np.log(a[:1]), rtol=1e-14)
    assert np.all(np.isfinite(log_softmax(z)))


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 5))
    g = rng.standard_normal((4, 5))
    a = softmax(z)
    sm = get_activation("softmax")
    for x in range(4):
        jac = np.diag(a[x]) - np.outer(a[x], a[x])  # da_j/dz_i, symmetric
        np.testing.assert_allclose(sm.backward(z, a, g)[x], jac @ g[x], rtol=1e-12, atol=1e-15)


def test_softplus_is_stable():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert softplus(1e4) == 1e4 and softplus(-1e4) == 0.0
    np.testing.assert_allclose(softplus(0.5), np.log1p(np.exp(0.5)), rtol=1e-15)


def test_registry():
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "linear", "softmax"}
    for name, act in ACTIVATIONS.items():
        assert get_activation(name) is act and act.name == name
    assert ACTIVATIONS["softmax"].output_only and not ACTIVATIONS["sigmoid"].output_only
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        get_activation("swish")
    with pytest.raises(ValueError, match="unknown activation"):
        get_activation(None)
