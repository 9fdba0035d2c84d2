"""Fixtures for edgelite.training tests: finite-difference gradient checks in float64.

Helpers are handed out as fixtures (not imported from this file) because tests/ has its own conftest
module that other test folders import by name."""

import numpy as np
import pytest

from edgelite.training import Tensor, grad, no_grad


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running tests (skip with -m 'not slow')")


def numeric_gradient(scalar_fn, array, eps=1e-6):
    """Central differences of scalar_fn() with respect to `array`, perturbed in place and restored."""
    g = np.zeros_like(array)
    for i in np.ndindex(array.shape):
        old = array[i]
        array[i] = old + eps
        plus = scalar_fn()
        array[i] = old - eps
        minus = scalar_fn()
        array[i] = old
        g[i] = (plus - minus) / (2 * eps)
    return g


def _compare(run, leaves, arrays, rtol, atol, seed):
    """run(tensors_or_None) -> output Tensor. Checks d<out, cotangent>/d leaf against finite differences.

    The output is contracted with a fixed random cotangent so every output element's rule matters (a plain
    sum would hide sign and permutation errors)."""
    out = run(True)
    cotangent = np.random.default_rng(seed).normal(size=out.shape)
    analytic = grad(out, leaves(), cotangent)

    def scalar():
        with no_grad():
            return float(np.sum(run(False).data * cotangent))

    assert len(analytic) == len(arrays())
    for k, (a_grad, array) in enumerate(zip(analytic, arrays())):
        assert a_grad.shape == array.shape
        n_grad = numeric_gradient(scalar, array)
        assert np.any(n_grad != 0), f"leaf {k}: the check is vacuous (numeric gradient is zero)"
        np.testing.assert_allclose(a_grad, n_grad, rtol=rtol, atol=atol, err_msg=f"gradient of leaf {k}")


def check_gradients(fn, arrays, rtol=1e-5, atol=1e-7, seed=0):
    """Autodiff vs central differences for fn(*tensors) -> Tensor, with respect to every input."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    tensors = []

    def run(record):
        tensors[:] = [Tensor(a, requires_grad=record) for a in arrays]
        return fn(*tensors)

    _compare(run, lambda: tensors, lambda: arrays, rtol, atol, seed)


def check_layer_gradients(layer, inputs, training=None, before_call=None, rtol=1e-5, atol=1e-7, seed=0):
    """Autodiff vs central differences for a float64 layer, w.r.t. its input(s) and trainable weights.

    `before_call` runs before every evaluation (e.g. to re-seed a Dropout mask so the function is fixed)."""
    multi = isinstance(inputs, list)
    xs = [np.array(a, dtype=np.float64) for a in (inputs if multi else [inputs])]
    tensors = []

    def run(record):
        if before_call:
            before_call()
        tensors[:] = [Tensor(a, requires_grad=record) for a in xs]
        return layer(tensors if multi else tensors[0], training=training)

    run(False)  # builds the weights
    _compare(run, lambda: tensors + layer.trainable_weights,
             lambda: xs + [w.data for w in layer.trainable_weights], rtol, atol, seed)


class GradCheck:
    function = staticmethod(check_gradients)
    layer = staticmethod(check_layer_gradients)
    numeric = staticmethod(numeric_gradient)


@pytest.fixture
def gradcheck():
    """gradcheck.function(fn, arrays), gradcheck.layer(layer, inputs, ...), gradcheck.numeric(f, array)."""
    return GradCheck


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
