"""Rescaling, Normalization (given statistics and adapt), ZeroPadding2D and Cropping2D against NumPy."""

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import layers


def test_rescaling_is_scale_then_offset(rng):
    x = rng.integers(0, 256, (2, 3, 3, 3)).astype(np.uint8)
    np.testing.assert_allclose(layers.Rescaling(1 / 127.5, -1)(x).data, x / 127.5 - 1, atol=1e-6)
    assert layers.Rescaling(1 / 255)(x).dtype == np.float32


def test_normalization_adapt_learns_population_statistics(rng):
    data = rng.normal(3.0, 2.0, (50, 4)).astype(np.float32)
    norm = layers.Normalization()
    norm.adapt(data)
    np.testing.assert_allclose(norm.adapt_mean.data, data.mean(0), rtol=1e-5)
    np.testing.assert_allclose(norm.adapt_variance.data, data.var(0), rtol=1e-5)
    assert int(norm.count.data) == 50 and [w.name for w in norm.weights] == ["mean", "variance", "count"]
    x = rng.normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(norm(x).data, (x - data.mean(0)) / data.std(0), rtol=1e-4)
    # adapt from an iterable of (x, y) batches gives the same statistics
    batched = layers.Normalization()
    batched.adapt([(data[:20], None), (data[20:], None)])
    np.testing.assert_allclose(batched.adapt_mean.data, norm.adapt_mean.data, rtol=1e-6)


def test_normalization_given_statistics_and_invert(rng):
    x = rng.normal(size=(2, 3))
    norm = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 0.0, 1.0], dtype="float64")
    y = norm(x).data
    np.testing.assert_allclose(y, (x - [1, 2, 3]) / np.array([2.0, 1e-7, 1.0]))
    inverse = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 1.0], invert=True, dtype="float64")
    np.testing.assert_allclose(inverse(x).data, x * [2.0, 1.0, 1.0] + [1, 2, 3])
    assert norm.weights == []


def test_normalization_bad_arguments():
    with pytest.raises(ValueError, match="both"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="does not fit"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 1.0])(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="nothing to learn"):
        layers.Normalization(mean=0.0, variance=1.0).adapt(np.zeros((2, 2)))


def test_padding_and_cropping_against_numpy(rng):
    x = rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    y = layers.ZeroPadding2D(((1, 2), (3, 0)))(x).data
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (1, 2), (3, 0), (0, 0))))
    np.testing.assert_array_equal(layers.Cropping2D(((1, 2), (0, 1)))(x).data, x[:, 1:2, 0:4])
    assert layers.ZeroPadding2D(2)(et.Input((4, 5, 3))).shape == (None, 8, 9, 3)
    with pytest.raises(ValueError, match="leaves nothing"):
        layers.Cropping2D(2)(et.Input((4, 5, 3)))
    with pytest.raises(ValueError):
        layers.ZeroPadding2D((1, 2, 3))
