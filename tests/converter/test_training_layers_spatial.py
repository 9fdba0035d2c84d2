"""Rescaling, Normalization, ZeroPadding2D and Cropping2D convert to builtins that match predict at any batch."""

import numpy as np
import pytest

from converter_testutil import tflite_ops
from edgelite.converter import convert
from training_convert_testutil import check_converted, randn

et = pytest.importorskip("edgelite.training")
layers = et.layers


def test_rescaling_normalization_padding_cropping_model():
    norm = layers.Normalization()
    norm.adapt(randn(40, 9, 9, 3, seed=3) * 4 + 2)
    model = et.Sequential([et.Input((9, 9, 3)), layers.Rescaling(1 / 127.5, offset=-1.0), norm,
                           layers.ZeroPadding2D(((1, 2), (0, 3))), layers.Conv2D(4, 3),
                           layers.Cropping2D(((1, 0), (2, 1))), layers.Rescaling([0.5, 2.0, 1.0, -1.0]),
                           layers.Normalization(mean=[1.0, 2, 3, 4], variance=[4.0, 1, 0.25, 9], invert=True)])
    check_converted(model, lambda b: [randn(b, 9, 9, 3, seed=b) * 100])
    assert tflite_ops(convert(model)).count("PAD") == 1


def test_normalization_over_several_axes():
    norm = layers.Normalization(axis=(1, 2))
    norm.adapt(randn(30, 3, 4, seed=1))
    model = et.Sequential([et.Input((3, 4)), norm, layers.Flatten()])
    check_converted(model, lambda b: [randn(b, 3, 4, seed=b)])


@pytest.mark.parametrize("layer", [
    lambda: layers.UpSampling2D((2, 3)), lambda: layers.UpSampling2D(2, interpolation="bilinear"),
    lambda: layers.UpSampling2D(7), lambda: layers.Resizing(7, 5), lambda: layers.Resizing(3, 2),
    lambda: layers.Resizing(5, 9, interpolation="nearest"), lambda: layers.Resizing(3, 4, interpolation="nearest"),
    lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True),
    lambda: layers.Resizing(3, 6, interpolation="nearest", crop_to_aspect_ratio=True),
    lambda: layers.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=0.5),
    lambda: layers.Resizing(3, 8, pad_to_aspect_ratio=True)],
    ids=["up_nearest", "up_bilinear", "up_nearest_7", "bilinear_up", "bilinear_down", "nearest_up", "nearest_down",
         "crop_bilinear", "crop_nearest", "pad_tall", "pad_wide"])
def test_upsampling_and_resizing(layer):
    model = et.Sequential([et.Input((5, 7, 2)), layers.Conv2D(3, 1), layer()])
    check_converted(model, lambda b: [randn(b, 5, 7, 2, seed=b)])


def test_resizing_uint8_images():
    inp = et.Input((6, 8, 3), dtype="uint8")
    model = et.Model(inp, layers.Resizing(4, 4, crop_to_aspect_ratio=True)(inp))
    rng = np.random.default_rng(0)
    check_converted(model, lambda b: [rng.integers(0, 256, (b, 6, 8, 3)).astype(np.uint8)])


def test_one_dimensional_reshaping_layers():
    inp = et.Input((6, 3))
    x = layers.Cropping1D((1, 2))(layers.UpSampling1D(2)(layers.ZeroPadding1D((2, 1))(inp)))
    x = layers.Permute((2, 1))(layers.Conv1D(4, 3)(x))
    vec = layers.RepeatVector(4)(layers.Flatten()(x))
    model = et.Model(inp, [x, vec])
    check_converted(model, lambda b: [randn(b, 6, 3, seed=b)])
