"""Regularizers, constraints and the add_weight / losses hook against NumPy formulas (Keras' definitions)."""

import numpy as np
import pytest

from edgelite.training import Sequential, constraints, layers, regularizers
from edgelite.training.autodiff import Tensor

W = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)


@pytest.mark.parametrize("reg, expected", [
    (regularizers.L1(0.3), 0.3 * np.abs(W).sum()),
    (regularizers.L2(0.2), 0.2 * np.square(W).sum()),
    (regularizers.L1L2(0.3, 0.2), 0.3 * np.abs(W).sum() + 0.2 * np.square(W).sum()),
    (regularizers.get("l2"), 0.01 * np.square(W).sum()),
])
def test_norm_penalties(reg, expected):
    assert float(reg(Tensor(W)).data) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer(mode):
    m = W if mode == "rows" else W.T
    n = m / np.sqrt(np.square(m).sum(axis=1, keepdims=True))
    product = np.abs(n @ n.T)
    k = product.shape[0]
    expected = 0.1 * (product.sum() - np.trace(product)) / (k * (k - 1))
    assert float(regularizers.OrthogonalRegularizer(0.1, mode)(Tensor(W)).data) == pytest.approx(expected, rel=1e-5)


def test_constraints():
    norms = np.sqrt(np.square(W).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(constraints.MaxNorm(1.0)(W), W * np.minimum(norms, 1.0) / (1e-7 + norms), rtol=1e-6)
    np.testing.assert_allclose(constraints.UnitNorm()(W), W / (1e-7 + norms), rtol=1e-6)
    np.testing.assert_array_equal(constraints.get("non_neg")(W), np.maximum(W, 0))


def test_serialize_round_trip_and_unknown_names():
    for obj, module in ((regularizers.L1L2(0.1, 0.2), regularizers), (constraints.MaxNorm(3, axis=1), constraints)):
        again = module.get(module.serialize(obj))
        assert type(again) is type(obj) and again.get_config() == obj.get_config()
    with pytest.raises(ValueError, match="unknown regularizer"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="unknown constraint"):
        constraints.get("positive")


def test_dense_losses_include_weight_and_activity_penalties():
    layer = layers.Dense(3, kernel_initializer="ones", kernel_regularizer="l2",
                         activity_regularizer=regularizers.L2(0.1))
    y = layer(np.ones((4, 2), np.float32))
    kernel_term, activity_term = (float(t.data) for t in layer.losses)
    assert kernel_term == pytest.approx(0.01 * 6)
    # Keras divides the activity penalty by the batch size.
    assert activity_term == pytest.approx(0.1 * np.square(y.data).sum() / 4)


def test_fit_adds_penalties_and_applies_constraints():
    x, y = np.ones((8, 2), np.float32), np.ones((8, 1), np.float32)

    def model(**kwargs):
        np.random.seed(0)
        m = Sequential([layers.Input((2,)), layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros",
                                                         **kwargs)])
        m.compile("sgd", "mse")
        return m
    plain, penalized = model(), model(kernel_regularizer=regularizers.L2(0.5))
    first_plain = plain.fit(x, y, epochs=1, verbose=0, shuffle=False).history["loss"][0]
    first_penalized = penalized.fit(x, y, epochs=1, verbose=0, shuffle=False).history["loss"][0]
    assert first_penalized > first_plain + 0.5  # 0.5 * (1 + 1) at the start, shrinking as the kernel decays
    constrained = model(kernel_constraint=constraints.MaxNorm(0.5))
    constrained.fit(x, 10 * y, epochs=3, verbose=0)
    assert np.sqrt(np.square(constrained.layers[-1].kernel.data).sum()) <= 0.5 + 1e-5
